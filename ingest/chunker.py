"""Split a source text by its own structure into sentence-sized chunks with exact offsets.

Structure understood: section marks ㈠–㈩ and Markdown headings, numbered sub-headings
(1.1品牌部, (1)…, 1、細分), short title lines, "—" dividers, 公司A/B/C blocks, numbered items
(1. / 1) / 1、) and lead-in lines ending in a colon. Each chunk records the department whose
duties it describes (its owner), worked out from where departments are named.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field

from assistant.models import Chunk
from assistant.verdict.guard import is_instruction
from assistant.verdict.taxonomy import Taxonomy

SECTION = re.compile(r"^\s*(?:[\u3220-\u3229]|#{1,6}\s)")
SUBHEAD = re.compile(r"^\s*(?:\d+\.\d+\s*\S{1,16}|[((]\d+[))].*|\d+、\S{1,10}|[^,。;,;!?!?]{1,16})\s*$")
COMPANY = re.compile(r"^\s*(公司[A-Z A-Z])\s*[::]\s*(\S.*)$")
# Inside a company block every line reads "部門: 職責"; anything else ends the block.
LABELLED = re.compile(r"^\s*\S{1,10}\s*[::]")
DIVIDER = re.compile(r"^\s*[—\-–=*_]{1,}\s*$")
ENUM = re.compile(r"^\s*(?:\d+\s*[.、)).]|[((]\d+[))]|第.步\s*[::]|[①-⑳])\s*")
# Where a sentence ends inside a long line; the mark stays with the sentence before it.
SENTENCE_END = re.compile(r"(?<=[。!?!?;;])\s*")
# "就是常說的X" / "即X": the text names the department a duty belongs to.
NAMES_OWNER = re.compile(r"(?:就是常說的|就是常说的|也就是|即)\s*$")
LONG_LINE = 60  # characters; shorter lines stay whole
LEAD_WINDOW = 12  # a department named this close to the start of a sentence is its subject


@dataclass
class _State:
    section: str = ""
    sub: str = ""
    company: str | None = None
    section_owner: str | None = None
    sub_owner: str | None = None
    context_owner: str | None = None  # last owner named in the running block
    seen: Counter = field(default_factory=Counter)


def _spans(text: str):
    """(start, end) of each line without its newline."""
    pos = 0
    for line in text.split("\n"):
        yield pos, pos + len(line)
        pos += len(line) + 1


def _pieces(text: str, start: int, end: int):
    """Split a long line into sentences, trimmed, as (start, end) offsets into `text`."""
    line = text[start:end]
    if len(line) <= LONG_LINE:
        cuts = [(0, len(line))]
    else:
        cuts, a = [], 0
        for m in SENTENCE_END.finditer(line):
            if m.end() < len(line) and m.start() - a >= 12:
                cuts.append((a, m.start()))
                a = m.end()
        cuts.append((a, len(line)))
    for a, b in cuts:
        seg = line[a:b]
        lead = len(seg) - len(seg.lstrip())
        trail = len(seg) - len(seg.rstrip())
        if b - trail > a + lead:
            yield start + a + lead, start + b - trail


def _first(mentions: list[tuple[str, int]]) -> str | None:
    return mentions[0][0] if mentions else None


def _owner(sentence: str, mentions: list[tuple[str, int]]) -> str | None:
    """The department a sentence is about when it names one up front (or as 'known as X')."""
    skip = len(ENUM.match(sentence).group(0)) if ENUM.match(sentence) else 0
    for label, pos in mentions:
        if pos - skip <= LEAD_WINDOW:
            return label
        if NAMES_OWNER.search(sentence[:pos]):
            return label
    return None


def chunk(source: str, text: str, taxonomy: Taxonomy) -> list[Chunk]:
    """Chunks of one file; `text` is the decoded file (LF line ends) that offsets refer to."""
    st = _State()
    chunks: list[Chunk] = []
    line_starts = [a for a, _ in _spans(text)]

    def line_of(offset: int) -> int:
        lo, hi = 0, len(line_starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if line_starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1

    spans = list(_spans(text))

    def next_is_item(i: int) -> bool:
        for a2, b2 in spans[i + 1 :]:
            if text[a2:b2].strip():
                return bool(ENUM.match(text[a2:b2]))
        return True

    for i, (a, b) in enumerate(spans):
        line = text[a:b]
        stripped = line.strip()
        if not stripped:
            continue
        if SECTION.match(line):
            st.section, st.sub, st.company = stripped.lstrip("# "), "", None
            st.section_owner = _first(taxonomy.mentions(stripped))
            st.sub_owner = st.context_owner = None
            continue
        if DIVIDER.match(line):
            st.sub, st.company, st.sub_owner, st.context_owner = "", None, None, None
            continue
        company = COMPANY.match(line)
        if company:
            st.sub, st.company = stripped, stripped
            st.sub_owner = st.context_owner = None
            continue
        # A short numbered line is a heading (1、細分) unless a list goes on (1. 費用收支 / 2. 預決算).
        if SUBHEAD.match(line) and not (ENUM.match(line) and not re.match(r"^\s*\d+\.\d", line) and next_is_item(i)):
            st.sub, st.company = stripped, None
            st.sub_owner = _first(taxonomy.mentions(stripped))
            st.context_owner = None
            continue

        if st.company and not LABELLED.match(line):
            st.sub, st.company, st.sub_owner, st.context_owner = "", None, None, None

        line_owner = None
        for s, e in _pieces(text, a, b):
            sentence = text[s:e]
            mentions = taxonomy.mentions(sentence)
            owner = _owner(sentence, mentions)
            if owner and st.sub_owner and owner in taxonomy.ancestors(st.sub_owner):
                owner = st.sub_owner  # "運營手段" under 2.4產品運營 is still 產品運營's duty
            if owner:
                line_owner = owner
            owner = owner or line_owner or st.context_owner or st.sub_owner or st.section_owner or _first(mentions)
            if is_instruction(sentence):
                owner = None  # a planted instruction stays quotable but never votes for a department
            named = tuple(dict.fromkeys([label for label, _ in mentions] + ([owner] if owner else [])))
            section = " › ".join(p for p in (st.section, st.sub) if p)
            st.seen[(section, sentence)] += 1
            digest = hashlib.sha1(
                f"{source}\n{section}\n{sentence}\n{st.seen[(section, sentence)]}".encode()
            ).hexdigest()[:16]
            chunks.append(
                Chunk(
                    id=digest,
                    source=source,
                    text=sentence,
                    start=s,
                    end=e,
                    line_start=line_of(s),
                    line_end=line_of(e - 1),
                    section=section,
                    owner=owner,
                    departments=named,
                    company=st.company,
                )
            )
        if line_owner:
            st.context_owner = line_owner
    return chunks


def index_text(chunk: Chunk) -> str:
    """What gets embedded and keyword-indexed: the nearest heading gives a bare sentence its topic."""
    leaf = chunk.section.rsplit(" › ", 1)[-1]
    return f"{leaf}\n{chunk.text}" if leaf else chunk.text
