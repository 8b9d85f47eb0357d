"""Corrections: "in our company this is X's job", said once and cited from then on.

A correction is one JSON line {id, question, department, note, who, when} in
`WHOSEJOB_HOME/corrections.jsonl` (or `WHOSEJOB_CORRECTIONS`). It decides the question it was made
for and the questions that mean the same (a paraphrase, the other Chinese script, English) and
nothing else. The answer path (`apply`) then answers with the correction's department, cites the
correction first (its note quoted verbatim, its author and date named) and, when the documents say
otherwise, shows the documents' department as the other side.

Matching, in order:
1. the same question up to width, case, script and punctuation (`fold`): always a match;
2. otherwise a score of three similarities between the question and the correction's question, each
   0..1, averaged: the cosine of their embeddings (the index's own embedder, on the folded text), the
   cosine of the embeddings of their *topics* (the content words without the "who does it" frame;
   English words read through the corpus glossary as the source's Chinese terms), and the overlap
   (Dice) of the topics' characters and character pairs. A match needs `THRESHOLD`, or
   `CROSS_THRESHOLD` between English and Chinese (embeddings of a sentence and its translation sit
   further apart than two sentences in one language), chosen so that no question of the eval sets
   and no same-topic-other-duty question matched (tests/test_corrections.py measures it on pairs it
   was not chosen on too; README "Corrections" has the figures).

The department comes only from the record's `department` field and must be a label the taxonomy
knows; the note is text that is quoted, never read for instructions.
"""

from assistant.corrections.answers import NOTE_SHOWN, apply, citation, corrected
from assistant.corrections.matching import (
    CROSS_THRESHOLD,
    EN_FRAME,
    THRESHOLD,
    Match,
    dice,
    match,
    same_question,
    scores,
    threshold,
    topic,
)
from assistant.corrections.records import (
    FIELDS,
    LOCK_TIMEOUT,
    NOTE_MAX,
    WHO_MAX,
    Correction,
    add,
    check_department,
    citation_valid,
    default_who,
    export_cases,
    load,
    remove,
)

__all__ = [
    "CROSS_THRESHOLD", "EN_FRAME", "FIELDS", "LOCK_TIMEOUT", "NOTE_MAX", "NOTE_SHOWN", "THRESHOLD", "WHO_MAX",
    "Correction", "Match", "add", "apply", "check_department", "citation", "citation_valid", "corrected", "default_who",
    "dice", "export_cases", "load", "match", "remove", "same_question", "scores", "threshold", "topic",
]  # fmt: skip
