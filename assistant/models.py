"""Plain data records passed between ingest, retrieval, the answer path and every surface."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Chunk:
    """One retrievable piece of a source file, with exact offsets back into it."""

    id: str  # content hash of (source, text): stable across re-ingests
    source: str  # file name relative to the corpus folder
    text: str  # verbatim source[start:end]
    start: int  # character offset into the file as read (after BOM/line-end normalization)
    end: int
    line_start: int  # 1-based, inclusive
    line_end: int
    section: str  # heading path, e.g. "㈦ 市場部、運營部、品牌部 › 1.2PR部"
    owner: str | None = None  # the department whose duties this chunk describes
    departments: tuple[str, ...] = ()  # every department the chunk mentions
    company: str | None = None  # "公司A" etc. for the example-company blocks
    location: str = ""  # where in the file: "p. 3", "sheet RACI, row 7", "slide 4" ("" = the section says it)
    accountable: str | None = None  # a RACI row's A unit: shown next to the answer, never votes
    context: str = ""  # a table row's header and cells: embedded and indexed with the quoted cell
    # (start, end, doer) of each clause of a sentence that gives work to more than one unit
    # (「工位由行政部准备，电脑及系统账号由信息技术部开通」); "" for a clause that names no doer
    clauses: tuple[tuple[int, int, str], ...] = ()

    def metadata(self) -> dict:
        """Flat metadata for Chroma / LangChain Documents (lists become '|'-joined strings)."""
        return {
            "source": self.source,
            "start": self.start,
            "end": self.end,
            "line_start": self.line_start,
            "line_end": self.line_end,
            "section": self.section,
            "owner": self.owner or "",
            "departments": "|".join(self.departments),
            "company": self.company or "",
            "location": self.location,
            "accountable": self.accountable or "",
            "context": self.context,
            "clauses": json.dumps(self.clauses, ensure_ascii=False) if self.clauses else "",
        }

    @classmethod
    def from_metadata(cls, id: str, text: str, meta: dict) -> Chunk:
        deps = meta.get("departments") or ""
        return cls(
            id=id,
            source=meta["source"],
            text=text,
            start=int(meta["start"]),
            end=int(meta["end"]),
            line_start=int(meta["line_start"]),
            line_end=int(meta["line_end"]),
            section=meta.get("section", ""),
            owner=meta.get("owner") or None,
            departments=tuple(d for d in deps.split("|") if d),
            company=meta.get("company") or None,
            location=meta.get("location") or "",
            accountable=meta.get("accountable") or None,
            context=meta.get("context") or "",
            clauses=tuple(tuple(c) for c in json.loads(meta["clauses"])) if meta.get("clauses") else (),
        )


@dataclass(frozen=True)
class Hit:
    """A chunk returned by retrieval with its fused score and the parts it came from."""

    chunk: Chunk
    score: float
    dense: float = 0.0  # cosine similarity, 0 when the dense side did not return it
    keyword: float = 0.0  # BM25 score, 0 when the keyword side did not return it


@dataclass(frozen=True)
class Citation:
    id: int  # 1-based number shown to the user
    chunk_id: str
    source: str
    section: str
    lines: tuple[int, int]
    quote: str  # verbatim substring of the source file within `lines`
    location: str = ""  # "p. 3", "sheet RACI, row 7", "slide 4" for converted files


@dataclass(frozen=True)
class Alternative:
    department: str
    score: float


@dataclass(frozen=True)
class Side:
    """One side of an 'it depends': where the text puts the work, and why."""

    department: str
    context: str  # e.g. "公司B: VR科技公司" or "部分互聯網公司"
    citations: tuple[int, ...]  # ids into Answer.citations


@dataclass
class Answer:
    question: str
    department: str | None
    confidence: float
    answer: str
    alternatives: list[Alternative] = field(default_factory=list)
    depends: list[Side] = field(default_factory=list)
    abstained: bool = False
    reason: str | None = None
    citations: list[Citation] = field(default_factory=list)
    lang: str = "zh-Hant"
    accountable: str | None = None  # the A unit of the RACI row behind the answer, when there is one
    signals: dict = field(default_factory=dict, repr=False)  # evidence features behind `confidence`

    def to_dict(self) -> dict:
        """The JSON shape every surface shares (`whosejob ask --json`)."""
        return {
            "question": self.question,
            "department": self.department,
            "confidence": round(self.confidence, 3),
            "alternatives": [{"department": a.department, "score": round(a.score, 3)} for a in self.alternatives],
            "depends": [asdict(s) | {"citations": list(s.citations)} for s in self.depends],
            "abstained": self.abstained,
            "reason": self.reason,
            "answer": self.answer,
            "citations": [
                {"id": c.id, "source": c.source, "section": c.section, "lines": list(c.lines), "quote": c.quote,
                 "location": c.location}
                for c in self.citations
            ],
            "lang": self.lang,
            "accountable": self.accountable,
        }
