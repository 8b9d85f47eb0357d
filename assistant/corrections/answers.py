"""A matching correction as the answer: its department, its note cited first, the documents' view beside it."""

from __future__ import annotations

from dataclasses import replace

from assistant.corrections.matching import Match, match
from assistant.corrections.records import Correction, load
from assistant.models import Alternative, Answer, Citation, Side
from assistant.settings import Settings
from assistant.text import in_script

NOTE_SHOWN = 120  # characters of the note in the answer text (the citation quotes it whole)


def apply(ans: Answer, store, embedder) -> Answer:
    """`ans` (the documents' answer) as a matching correction decides it, or `ans` itself when none matches.

    Instructions aimed at the assistant and empty questions stay refused: a correction never turns them
    into answers.
    """
    if ans.reason in ("injection", "empty"):
        return ans
    if not load(store.settings):
        return ans
    m = match(ans.question, store, embedder)
    return corrected(ans, m, store.taxonomy, store.settings) if m else ans


def citation(c: Correction, settings: Settings, n: int = 1) -> Citation:
    """The correction as a source: the file, who made it and when, its line, the note verbatim."""
    section = f"correction {c.id} · {c.who} · {c.date}"
    return Citation(
        n,
        f"correction:{c.id}",
        settings.corrections_path.name,
        section,
        (c.line, c.line),
        c.note or c.question,
    )


def _side_names(lang: str) -> tuple[str, str]:
    if lang == "en":
        return "correction", "the documents"
    return in_script("本公司更正", lang), in_script("文件", lang)


def _clip(text: str, limit: int = NOTE_SHOWN) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def corrected(ans: Answer, m: Match, taxonomy, settings: Settings) -> Answer:
    c, dept, lang = m.correction, m.department, ans.lang
    docs = [] if ans.abstained else list(ans.citations)
    citations = [citation(c, settings), *(replace(d, id=d.id + 1) for d in docs)]
    doc_dept = None if ans.abstained else ans.department
    agree = doc_dept is None or taxonomy.is_under(doc_dept, dept) or taxonomy.is_under(dept, doc_dept)
    depends: list[Side] = []
    doc_refs: tuple[int, ...] = ()
    if not agree:
        own = next((s.citations for s in ans.depends if s.department == doc_dept), None)
        others = {i for s in ans.depends if s.department != doc_dept for i in s.citations}
        ids = own if own else tuple(d.id for d in docs if d.id not in others)
        doc_refs = tuple(i + 1 for i in ids)
        ours, theirs = _side_names(lang)
        depends = [Side(dept, ours, (1,)), Side(doc_dept, theirs, doc_refs)]
    alternatives = [Alternative(dept, 1.0), *(a for a in ans.alternatives if a.department != dept)][:5]
    return Answer(
        question=ans.question,
        department=dept,
        confidence=1.0,
        answer=_text(c, dept, doc_dept if not agree else None, doc_refs, lang, taxonomy),
        alternatives=alternatives,
        depends=depends,
        citations=citations,
        lang=lang,
        accountable=ans.accountable if agree else None,
        signals=ans.signals
        | {
            "correction": c.id,
            "correction_score": round(m.score, 3),
            "documents": doc_dept or (f"abstain:{ans.reason}" if ans.abstained else None),
        },
    )


def _name(label: str, lang: str, taxonomy) -> str:
    return taxonomy.name(label, lang) if label in taxonomy else label


def _text(
    c: Correction, dept: str, doc_dept: str | None, doc_refs: tuple[int, ...], lang: str, taxonomy
) -> str:
    """The short answer: the corrected department, who corrected it when, the note (verbatim, clipped),
    and what the documents say when they differ. Names and notes are never converted or interpreted."""
    refs = "".join(f"[{i}]" for i in doc_refs)
    note = _clip(c.note)
    if lang == "en":
        out = f"This is {_name(dept, lang, taxonomy)}'s job: corrected by {c.who} on {c.date} [1]"
        out += f": 「{note}」" if note else "."
        if doc_dept:
            out += f" The documents say {_name(doc_dept, lang, taxonomy)} {refs}."
        return out
    out = in_script(f"這是{dept}的工作:", lang) + f"{c.who} " + in_script(f"於 {c.date} 更正", lang) + "[1]"
    out += f":「{note}」" if note else "。"
    if doc_dept:
        out += in_script(f"文件寫的是{doc_dept}", lang) + f"{refs}。"
    return out
