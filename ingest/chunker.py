"""Split a source text by its own structure into sentence-sized chunks with exact offsets.

Structure understood: section marks ㈠–㈩ and Markdown headings, numbered sub-headings
(1.1品牌部, (1)…, 1、細分), short title lines, "—" dividers, 公司A/B/C blocks, numbered items
(1. / 1) / 1、) and lead-in lines ending in a colon. Each chunk records the department whose
duties it describes (its owner), worked out from where departments are named
(a sentence's own doer: ingest/doers.py).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field

from assistant.models import Chunk
from assistant.verdict.guard import is_instruction
from assistant.verdict.taxonomy import Taxonomy

from . import doers, tables
from .lists import CONTACT_LINE
from .names import CLAUSE as ARTICLE  # 「第五条」, 「第七條 財務處掌理事項如下」: a regulation's article
from .names import title_level, title_line

SECTION = re.compile(r"^\s*(?:[\u3220-\u3229]|#{1,6}\s)")
SUBHEAD = re.compile(r"^\s*(?:\d+\.\d+\s*\S{1,16}|[((]\d+[))].*|\d+、\S{1,10}|[^,。;,;!?!?]{1,16})\s*$")
# Inside a company block every line reads "部門: 職責"; anything else ends the block.
LABELLED = re.compile(r"^\s*\S{1,10}\s*[::]")
DIVIDER = re.compile(r"^\s*[—\-–=*_]{1,}\s*$")
QUESTION = re.compile(r"[?？]\s*$")
# Where a sentence ends inside a long line; the mark stays with the sentence before it.
SENTENCE_END = re.compile(r"(?<=[。!?!?;;])\s*|(?<=[a-z)][.!?])\s+(?=[A-Z])")
BULLET = re.compile(r"^\s*[-*+•]\s+(?=\S)")
MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s")
LONG_LINE = 60  # characters; shorter lines stay whole


@dataclass
class _State:
    section: str = ""
    sub: str = ""
    company: str | None = None
    section_owner: str | None = None
    page_owner: str | None = None  # the unit the file's title names: a team page is about that team
    headings: list = field(default_factory=list)  # Markdown heading stack: (level, text, owner)
    sub_owner: str | None = None
    context_owner: str | None = None  # last owner named in the running block
    form_owner: str | None = None  # the unit a form's own-unit field names (a job description's 所属部门)
    question: str = ""  # an FAQ's question: its answer's lines are embedded and indexed with it
    seen: Counter = field(default_factory=Counter)


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
        if a == 0 and (bullet := BULLET.match(seg)):  # "- item": the mark is not part of the quote
            lead = bullet.end()
        trail = len(seg) - len(seg.rstrip())
        if b - trail > a + lead:
            yield start + a + lead, start + b - trail


def _first(mentions: list[tuple[str, int]]) -> str | None:
    return mentions[0][0] if mentions else None



def _front_matter_end(text: str, spans: list[tuple[int, int]]) -> int:
    """Index of the first line after a leading YAML front matter block (--- … ---), else 0."""
    if not spans or text[spans[0][0] : spans[0][1]].strip() != "---":
        return 0
    for i, (a, b) in enumerate(spans[1:], 1):
        if text[a:b].strip() == "---":
            return i + 1
    return 0


def chunk(source: str, text: str, taxonomy: Taxonomy) -> list[Chunk]:
    """Chunks of one file; `text` is the decoded file (LF line ends) that offsets refer to."""
    # A file named after a unit (team-payroll.md, 人力资源部.md) is that unit's page, unless its
    # first heading names another one.
    stem = re.sub(r"[-_]+", " ", source.rsplit("/", 1)[-1].rsplit(".", 1)[0]).strip()
    st = _State(page_owner=taxonomy.resolve(stem) if stem else None)
    chunks: list[Chunk] = []
    line_starts = [a for a, _ in tables.line_spans(text)]

    def line_of(offset: int) -> int:
        lo, hi = 0, len(line_starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if line_starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1

    spans = tables.line_spans(text)

    def next_is_item(i: int) -> bool:
        for a2, b2 in spans[i + 1 :]:
            if text[a2:b2].strip():
                return bool(doers.ENUM.match(text[a2:b2]))
        return True

    # Blocks about one example organisation each (「公司A: 互聯網廣告公司」), when the corpus declares them.
    marker = (taxonomy.contexts or {}).get("marker")
    blocks = re.compile(rf"^\s*({re.escape(marker)}\s*[A-ZＡ-Ｚ])\s*[::]\s*(\S.*)$") if marker else None
    # Markdown files say where their headings are; short plain lines there are content, not headings.
    markdown = any(MD_HEADING.match(text[a:b]) for a, b in spans)
    # Text with neither Markdown headings nor section marks (a .txt, Word without heading styles): its
    # title lines are its headings, nested as Markdown's are (ingest/names.py reads them the same way).
    lines = [text[a:b] for a, b in spans]
    inferred = not any(SECTION.match(x) for x in lines)
    front = _front_matter_end(text, spans)
    found = tables.find(text, spans)
    in_table = {j for t in found.values() for j in range(t.first, t.last + 1)}
    for i, (a, b) in enumerate(spans):
        if i < front:
            continue
        if i in in_table:
            if i in found:  # a chunk a row, read with its header (ingest/tables.py)
                section = " › ".join(p for p in (st.section, st.sub) if p)
                chunks.extend(tables.chunks(source, text, found[i], section, taxonomy, line_of, st.seen,
                                            st.sub_owner or st.section_owner, st.company))
                # a job description's table of fields: the duties after it are its unit's
                st.form_owner = tables.own_unit(found[i], taxonomy) or st.form_owner
            continue
        line = text[a:b]
        stripped = line.strip()
        if not stripped:
            continue
        implied = title_level(lines, i) if inferred and title_line(lines, i) else 0
        if SECTION.match(line) or implied:
            title = stripped.lstrip("# ")
            heading_owner = _first(taxonomy.mentions(title))
            md = MD_HEADING.match(line)
            if md or implied:
                # Markdown nests: the section path is the heading stack, and its owner the deepest
                # heading that names a unit, else the unit the page (its first heading) is about.
                level = len(md.group(1)) if md else implied
                if implied and not heading_owner and st.headings:
                    level = st.headings[-1][0] + 1  # flat text: a title naming no unit is a part of the one above
                if md and not st.headings and not chunks and heading_owner:
                    st.page_owner = heading_owner
                st.headings = [h for h in st.headings if h[0] < level] + [(level, title, heading_owner)]
                st.section = " › ".join(h[1] for h in st.headings)
                st.section_owner = next((h[2] for h in reversed(st.headings) if h[2]), None) or st.page_owner
            else:
                st.section, st.section_owner = title, heading_owner
            st.sub, st.company = "", None
            st.sub_owner = st.context_owner = st.form_owner = None
            st.question = ""
            continue
        if DIVIDER.match(line):
            st.sub, st.company, st.sub_owner, st.context_owner = "", None, None, None
            st.question = ""
            continue
        company = blocks.match(line) if blocks else None
        if company:
            st.sub, st.company = stripped, stripped
            st.sub_owner = st.context_owner = None
            continue
        # A short numbered line is a heading (1、細分) unless a list goes on (1. 費用收支 / 2. 預決算).
        if not markdown and SUBHEAD.match(line) and not (doers.ENUM.match(line) and not re.match(r"^\s*\d+\.\d", line) and next_is_item(i)):
            st.sub, st.company = stripped, None
            st.sub_owner = _first(taxonomy.mentions(stripped))
            st.context_owner = None
            if doers.ENUM.match(line):
                st.form_owner = None  # 「2. 薪酬专员」: the next post's form
            continue

        if st.company and not LABELLED.match(line):
            st.sub, st.company, st.sub_owner, st.context_owner = "", None, None, None

        line_owner = None
        if ARTICLE.match(line):  # 「第五条」: a regulation's next article, not the list item before it
            st.context_owner = None
        asked = bool(QUESTION.search(stripped))
        if asked:  # an FAQ's next question: the answer before it was about another unit
            st.context_owner = None
            st.question = LIST_MARK.sub("", stripped, count=1)
        pieces, passive = doers.with_doers(list(_pieces(text, a, b)), text, taxonomy)
        for n, (s, e) in enumerate(pieces):
            sentence = text[s:e]
            mentions = taxonomy.mentions(sentence)
            owner, lead = doers.owner(sentence, mentions, taxonomy)
            owner = owner or passive.get(n)
            inner = st.sub_owner or st.section_owner
            if owner and inner and owner in taxonomy.ancestors(inner):
                owner = inner  # "運營手段" under 2.4產品運營 is still 產品運營's duty
            if owner and lead and not CONTACT_LINE.fullmatch(sentence.strip()):
                line_owner = owner  # (a directory's 「局办公室：0738-8231001」 says nothing of the lines after it)
            owner = (owner or line_owner or st.context_owner or st.sub_owner or st.form_owner or st.section_owner
                     or st.page_owner or _first(mentions))
            if is_instruction(sentence):
                owner = None  # a planted instruction stays quotable but never votes for a department
            named = tuple(dict.fromkeys([label for label, _ in mentions] + ([owner] if owner else [])))
            section = " › ".join(p for p in (st.section, st.sub) if p)
            st.seen[(section, sentence)] += 1
            digest = hashlib.sha1(
                f"{source}\n{section}\n{sentence}\n{st.seen[(section, sentence)]}".encode("utf-8", "surrogatepass")
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
                    clauses=doers.clauses(sentence, owner, taxonomy) if len(named) > 1 and owner else (),
                    # 「A：請向社會課申請。」 is found by what was asked: 「Q2：想申請低收入戶…？」
                    context=f"{st.question}\n{sentence}" if st.question and not asked else "",
                )
            )
        if line_owner:
            st.context_owner = line_owner
    return chunks


LIST_MARK = re.compile(rf"{BULLET.pattern}|^\s*\d{{1,3}}[.)]\s+")  # a bullet, or Markdown's "1. " / "1) "


def keyword_text(chunk: Chunk, taxonomy: Taxonomy) -> str:
    """What BM25 indexes: `index_text` with the names of units other than the passage's owner cut out, as
    names are cut from the question (assistant/answer.py). Another unit a passage names is who it works
    with or hands off to, not what it is about: 「與市場部協作」 is no evidence for a question about 市場. Its
    own unit's name stays, so 「新媒體歸誰?」 still finds 新媒體部's passages (leave-one-corpus-out dev
    0.713 -> 0.720; all names cut: 0.722, but the article's 新媒體 split came out inverted)."""
    return taxonomy.strip(index_text(chunk), keep=chunk.owner)


def index_text(chunk: Chunk) -> str:
    """What gets embedded and keyword-indexed: the nearest heading gives a bare sentence its topic;
    a table row is read with its header and cells (its `context`), not only the cell it quotes."""
    parts = chunk.section.split(" › ")
    leaf = " › ".join(dict.fromkeys([parts[0], parts[-1]])) if parts[0] else ""
    # "1. " / "- " is how Markdown writes a list item and Word or a PDF draws it: the same item embeds alike
    body = chunk.context or LIST_MARK.sub("", chunk.text, count=1)
    return f"{leaf}\n{body}" if leaf else body
