"""Which correction, if any, decides a question: the same question, or one that means the same (see the
package docstring for the score and its thresholds)."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from assistant.corrections.records import Correction, load
from assistant.text import fold, script

THRESHOLD = 0.75  # same language (Chinese either script, or English both): see the package docstring
CROSS_THRESHOLD = 0.65  # an English question against a Chinese correction or the other way round
# English words that frame a "who does it" question rather than say what the work is.
_FRAME_WORDS = (
    "who whom whose which what where when why how do does did is are was were be been the a an of to for in on at "
    "our my we i you me it that this these those should can could would will shall ask talk about handle handles "
    "handled own owns owned belong belongs department departments team teams unit decide decides decided charge "
    "responsible responsibility job work set sets go contact ping look after take takes care usually normally "
    "company"
)
EN_FRAME = frozenset(_FRAME_WORDS.split())


@dataclass(frozen=True)
class Match:
    correction: Correction
    department: str  # canonical label
    score: float  # 1.0 for the same question
    exact: bool


_PUNCT = re.compile(r"[\W_]+")
_vectors: dict[tuple[str, str], np.ndarray] = {}
_topics: dict[tuple[str, str], str] = {}
_memo_lock = threading.Lock()
MEMO_MAX = 20_000


def same_question(a: str, b: str) -> bool:
    """Equal after width, case, script and punctuation are folded away (新媒體歸誰? = 新媒体归谁)."""
    ka = _PUNCT.sub("", fold(a))
    return bool(ka) and ka == _PUNCT.sub("", fold(b))


def topic(text: str, store) -> str:
    """What the question is about: its content words (the 'who does it' frame dropped), folded; an English
    question read through the corpus glossary as the source's Chinese terms when it has them."""
    from assistant.retrieval.retriever import glossary_terms

    key = (
        f"{store.settings.corpus}\n{store.meta.get('generation', '')}",
        text,
    )  # the vocabulary is the index's
    with _memo_lock:
        if key in _topics:
            return _topics[key]
    terms, _ = glossary_terms(text, store.settings.corpus)
    if script(text) == "en" and terms:
        out = fold(" ".join(terms))
    else:
        frame = _frame_stems()
        words = [w for w in store.keyword.content_words(text) if not (w.isascii() and w.lower() in frame)]
        out = fold(" ".join([*words, *terms])).strip() or fold(text)
    with _memo_lock:
        if len(_topics) > MEMO_MAX:
            _topics.clear()
        _topics[key] = out
    return out


@lru_cache(maxsize=1)
def _frame_stems() -> frozenset[str]:
    """EN_FRAME as the keyword index has the words: content words come stemmed ("responsible" -> "respons")."""
    from assistant.index.keyword import stem

    return frozenset(stem(w) for w in EN_FRAME)


def _grams(text: str) -> set[str]:
    out: set[str] = set()
    for w in text.split():
        if w.isascii():
            out.add(w)
        else:
            out.update(w)
            out.update(w[i : i + 2] for i in range(len(w) - 1))
    return out


def dice(a: str, b: str) -> float:
    """Overlap of two topics: characters and character pairs (whole words for Latin text)."""
    ga, gb = _grams(a), _grams(b)
    return 2 * len(ga & gb) / (len(ga) + len(gb)) if ga and gb else 0.0


def _embed(embedder, texts: list[str]) -> np.ndarray:
    """Unit vectors, each text embedded once per process and embedder (one batched call for the new ones)."""
    from assistant.index.embedder import embed_array, spec_name

    name = spec_name(embedder)
    with _memo_lock:
        have = {t: _vectors.get((name, t)) for t in dict.fromkeys(texts)}
    todo = [t for t, v in have.items() if v is None]
    if todo:
        arr = np.asarray(embed_array(embedder, todo), dtype=np.float32)
        arr = arr / np.maximum(np.linalg.norm(arr, axis=1, keepdims=True), 1e-12)
        have.update(zip(todo, arr, strict=True))
        with _memo_lock:
            if len(_vectors) > MEMO_MAX:
                _vectors.clear()
            _vectors.update(((name, t), have[t]) for t in todo)
    return np.stack([have[t] for t in texts])


def scores(question: str, others: list[str], store, embedder) -> list[float]:
    """The match score of `question` against each of `others` (see the package docstring)."""
    if not others:
        return []
    q_topic = topic(question, store)
    o_topics = [topic(o, store) for o in others]
    n = len(others)
    vecs = _embed(embedder, [fold(question), q_topic, *(fold(o) for o in others), *o_topics])
    whole = vecs[2 : 2 + n] @ vecs[0]
    about = vecs[2 + n :] @ vecs[1]
    overlap = np.array([dice(q_topic, t) for t in o_topics])
    return [float(x) for x in (np.clip(whole, 0, 1) + np.clip(about, 0, 1) + overlap) / 3]


def threshold(a: str, b: str) -> float:
    """The score two questions need to mean the same: lower between English and Chinese."""
    return CROSS_THRESHOLD if (script(a) == "en") != (script(b) == "en") else THRESHOLD


def match(question: str, store, embedder, items: list[Correction] | None = None) -> Match | None:
    """The correction that decides `question`, if any: the same question first (the latest one made),
    else the one whose score clears its threshold by the most. Records whose department the taxonomy
    does not know are skipped."""
    taxonomy = store.taxonomy
    items = load(store.settings) if items is None else items
    usable = [(c, label) for c in items if (label := taxonomy.canonical(c.department))]
    if not usable or not _PUNCT.sub("", fold(question)):
        return None
    for c, label in reversed(usable):
        if same_question(question, c.question):
            return Match(c, label, 1.0, True)
    # The two cosines are at most 1 each: a correction whose topic overlap leaves the score short of its
    # threshold even then cannot match, and when none can, nothing is embedded (most questions).
    q_topic = topic(question, store)
    reach = [
        (c, label)
        for c, label in usable
        if (2 + dice(q_topic, topic(c.question, store))) / 3 >= threshold(question, c.question)
    ]
    if not reach:
        return None
    got = scores(question, [c.question for c, _ in reach], store, embedder)
    margin = [g - threshold(question, c.question) for g, (c, _) in zip(got, reach, strict=True)]
    best = max(range(len(reach)), key=lambda i: (margin[i], i))
    if margin[best] < 0:
        return None
    c, label = reach[best]
    return Match(c, label, got[best], False)
