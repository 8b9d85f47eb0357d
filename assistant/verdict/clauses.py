"""Which unit a passage gives the asked-about work to, when its clauses give work to several.

「新员工入职当天所需的工位、工装由行政部准备，电脑及系统账号由信息技术部开通」 is one sentence with one owner
(行政部, the first it hands work to). Asked about a new hire's computer and accounts, it is evidence for
信息技术部: ingest keeps each clause's doer (`Chunk.clauses`), and the hit counts for the doer of the
clause that shares the most words with the question.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from assistant.models import Hit


def attribute(hits: list[Hit], question_words: set[str], words: Callable[[str], list[str]]) -> list[Hit]:
    """`hits`, each counted for the doer of its clause that is most about the question; a hit whose best
    clauses tie between doers, or share no word with the question, keeps its owner."""
    out = []
    for h in hits:
        c = h.chunk
        if c.clauses and question_words:
            shared = [(len(question_words.intersection(words(c.text[a:b]))), doer or c.owner) for a, b, doer in c.clauses]
            best = max(n for n, _ in shared)
            doers = {d for n, d in shared if n == best}
            if best and len(doers) == 1 and c.owner not in doers:
                h = replace(h, chunk=replace(c, owner=doers.pop()))
        out.append(h)
    return out
