"""Company documents as text: .docx, .pdf, .html/.htm, .xlsx, .csv and .pptx to Markdown-like text.

Each converter writes the document's own text, unchanged inside a line, with its structure as the
chunker reads it: headings as `#` lines (the section path), list items as `- ` lines, tables as
Markdown pipe tables (one row a line), paragraphs as lines. Nothing is added inside a paragraph or a
cell (no `**`, no escapes, no numbers Word would draw), so every quote taken from the text is the
document's own words. Beside the text come *marks*: (offset, location) pairs that say where in the file
the text from that offset on comes from: "p. 3" (PDF), "sheet RACI, row 7" (spreadsheet), "row 7" (CSV),
"slide 4" (deck). Word and HTML carry no marks: their location is the heading path.

Direct libraries (python-docx, pypdfium2, openpyxl, python-pptx, BeautifulSoup over lxml) rather
than a general converter: see docs/formats.md for the comparison with markitdown, unstructured and
docling. A file that cannot be read raises CorpusError with the reason; the pipeline skips it.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import io
import json
import os
import re
import statistics
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import CorpusError

VERSION = 2  # bump when any converter's output changes: cached conversions are redone
SUFFIXES = (".docx", ".pdf", ".html", ".htm", ".xlsx", ".csv", ".pptx")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted OOXML and old binary .doc/.xls/.ppt
CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")
BULLET = re.compile(r"^[•◦▪▫●○■□‣⁃∙·\-–]\s*")
WS = re.compile(r"\s+")


@dataclass(frozen=True)
class Converted:
    text: str
    marks: tuple[tuple[int, str], ...] = ()  # (offset, location), offsets ascending


def location_at(marks, offset: int) -> str:
    """The location of the text at `offset`: the last mark at or before it."""
    if not marks:
        return ""
    i = bisect.bisect_right([m[0] for m in marks], offset) - 1
    return marks[i][1] if i >= 0 else ""


def clean(text: str) -> str:
    """One line of document text: whitespace runs (tabs, soft line breaks) as one space, controls gone."""
    return WS.sub(" ", "".join(ch if ch >= " " or ch in "\t\n" else " " for ch in str(text))).strip()


def cell(value) -> str:
    """A table cell as text: `|` escaped the Markdown way, whole numbers without '.0', dates as dates."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif hasattr(value, "isoformat"):
        value = value.isoformat()
        value = value[:10] if value.endswith("T00:00:00") else value
    return clean(value).replace("|", "\\|")


class _Out:
    """Builds the text block by block (a blank line between blocks) and records marks."""

    def __init__(self):
        self.parts: list[str] = []
        self.size = 0
        self.marks: list[tuple[int, str]] = []

    def _add(self, line: str) -> None:
        if self.parts:
            self.parts.append("\n")
            self.size += 1
        self.parts.append(line)
        self.size += len(line)

    def mark(self, location: str) -> None:
        at = self.size + (1 if self.parts else 0)
        if self.marks and self.marks[-1][0] == at:
            self.marks[-1] = (at, location)
        elif not self.marks or self.marks[-1][1] != location:
            self.marks.append((at, location))

    def blank(self) -> None:
        if self.parts and self.parts[-1] != "":
            self._add("")

    def heading(self, level: int, text: str) -> None:
        text = clean(text)
        if text:
            self.blank()
            self._add("#" * max(1, min(level, 6)) + " " + text)
            self.blank()

    def para(self, text: str) -> None:
        text = clean(text)
        if text:
            # a paragraph must not read as a heading or a table row: drop such a leading mark
            text = re.sub(r"^(?:#{1,6}\s+|\|\s*)+", "", text) or text
            self._add(text)
            self.blank()

    def item(self, text: str) -> None:
        text = clean(text)
        if text:
            self._add("- " + text)

    def table(self, rows: list[list[str]], locations: list[str] | None = None) -> None:
        """Pipe table, header first; `locations` gives each row's mark (header included)."""
        rows = [r for r in rows if any(c for c in r)]
        if not rows:
            return
        width = max(len(r) for r in rows)
        self.blank()
        for i, row in enumerate(rows):
            if locations:
                self.mark(locations[i])
            cells = [c if c else " " for c in row] + [" "] * (width - len(row))
            self._add("| " + " | ".join(cells) + " |")
            if i == 0:
                self._add("|" + "---|" * width)
        self.blank()

    def result(self) -> Converted:
        text = "".join(self.parts).strip("\n")
        return Converted(text, tuple(self.marks))


# ---------------------------------------------------------------- plain text


def decode(raw: bytes, name: str) -> str:
    """UTF-8 text with a BOM dropped and line ends made LF; a clear error names the bad byte."""
    if b"\x00" in raw[:8192]:
        raise CorpusError(f"{name}: looks binary (NUL byte), not a UTF-8 text file")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise CorpusError(f"{name}: not valid UTF-8 at byte offset {err.start}{_guess(raw)}; save it as UTF-8") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _guess(raw: bytes) -> str:
    """' (looks like GB18030)': the likely encoding of a file that is not UTF-8, for the message."""
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(raw[:65536]).best()
    except Exception:
        return ""
    return f" (looks like {best.encoding.upper().replace('_', '-')})" if best is not None else ""



# ---------------------------------------------------------------- Word


def _docx(raw: bytes, name: str) -> Converted:
    from docx import Document
    from docx.oxml.ns import qn

    doc = Document(io.BytesIO(raw))
    out = _Out()

    # style id -> name once: python-docx's `paragraph.style` scans every style for each paragraph
    names = {}
    for st in doc.styles:
        try:
            names[st.style_id] = st.name or ""
        except (KeyError, AttributeError, ValueError):
            continue

    def style_name(p) -> str:
        ppr = p._p.pPr
        sid = ppr.pStyle.val if ppr is not None and ppr.pStyle is not None else None
        return names.get(sid, "") if sid else ""

    def level(p) -> int:
        """Heading level from the style ('Heading 2', 'Title', localized '标题 2') or the outline level."""
        s = style_name(p)
        m = re.match(r"^(?:heading|标题|標題|titre|überschrift|überschrift)\s*(\d)$", s.strip(), re.I)
        if m:
            return int(m.group(1))
        if s.lower() == "title":
            return 1
        ppr = p._p.pPr
        lvl = ppr.find(qn("w:outlineLvl")) if ppr is not None else None
        if lvl is not None and lvl.get(qn("w:val"), "9").isdigit() and int(lvl.get(qn("w:val"))) < 9:
            return int(lvl.get(qn("w:val"))) + 1
        return 0

    def is_item(p) -> bool:
        ppr = p._p.pPr
        return (ppr is not None and ppr.numPr is not None) or style_name(p).lower().startswith(("list", "列表"))

    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for el in doc.element.body.iterchildren():
        if el.tag == qn("w:p"):
            p = Paragraph(el, doc)
            text = p.text
            if not text.strip():
                continue
            lv = level(p)
            if lv:
                out.heading(lv, text)
            elif is_item(p):
                out.item(text)
            else:
                out.para(text)
        elif el.tag == qn("w:tbl"):
            table = Table(el, doc)
            rows = []
            for row in table.rows:
                seen, cells = set(), []
                for c in row.cells:
                    # a cell merged across columns comes back once per column: keep it once
                    cells.append("" if id(c._tc) in seen else cell(c.text))
                    seen.add(id(c._tc))
                rows.append(cells)
            _table_or_text(out, rows)
    return out.result()


def _table_or_text(out: _Out, rows: list[list[str]], locations: list[str] | None = None) -> None:
    """A real table as a pipe table; a one-column or layout table (long cells) as paragraphs."""
    width = max((sum(1 for c in r if c) for r in rows), default=0)
    if width < 2 or any(len(c) > 400 for r in rows for c in r):
        for i, r in enumerate(rows):
            if locations:
                out.mark(locations[i])
            for c in r:
                out.para(c.replace("\\|", "|"))
        return
    out.table(rows, locations)


# ---------------------------------------------------------------- HTML

_DROP = {"script", "style", "noscript", "template", "head", "svg", "nav", "iframe", "object", "canvas", "button",
         "select", "form"}
_BLOCK = {"p", "div", "section", "article", "main", "header", "footer", "aside", "blockquote", "pre", "ul", "ol",
          "dl", "dt", "dd", "figure", "figcaption", "address", "body", "html", "fieldset", "details", "summary",
          "hr", "br", "caption", "center"}


def _html(raw: bytes, name: str) -> Converted:
    from bs4 import BeautifulSoup, Comment, NavigableString

    soup = BeautifulSoup(raw, "lxml")
    out = _Out()
    buf: list[str] = []

    def flush(kind: str) -> None:
        text = clean("".join(buf))
        buf.clear()
        if text:
            (out.item if kind == "item" else out.para)(text)

    def walk(node, kind: str) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                if not isinstance(child, Comment) and type(child).__name__ in ("NavigableString",):
                    buf.append(str(child))
                continue
            tag = child.name
            if tag in _DROP or child.get("hidden") is not None or child.get("aria-hidden") == "true":
                continue
            if re.fullmatch(r"h[1-6]", tag):
                flush(kind)
                out.heading(int(tag[1]), child.get_text(" "))
            elif tag == "li":
                flush(kind)
                walk(child, "item")
                flush("item")
            elif tag == "table":
                flush(kind)
                rows = [
                    [cell(c.get_text(" ")) for c in tr.find_all(["td", "th"], recursive=False)]
                    for tr in child.find_all("tr")
                ]
                rows = [r for r in rows if r]
                width = max((sum(1 for c in r if c) for r in rows), default=0)
                if width < 2 or any(len(c) > 400 for r in rows for c in r):
                    walk(child, kind)  # a layout table: its contents are the page
                else:
                    out.table(rows)
            elif tag in _BLOCK or tag in ("tr", "td", "th", "tbody", "thead", "tfoot"):
                flush(kind)
                walk(child, kind)
                flush(kind)
            else:
                walk(child, kind)

    walk(soup, "para")
    flush("para")
    return out.result()


# ---------------------------------------------------------------- PDF


@dataclass
class _Line:
    text: str
    size: float
    left: float
    right: float
    top: float
    bottom: float
    cells: list[str]
    baseline: float = 0.0


def _pdf_lines(textpage) -> list[_Line]:
    """The page's lines with their font size, box and cells (runs separated by a wide gap)."""
    import ctypes

    import pypdfium2.raw as pdfium

    n = textpage.count_chars()
    if n <= 0:
        return []
    # pdfium writes a hyphen it cannot classify as U+FFFE ("part\ufffetime"): the document says "part-time"
    text = textpage.get_text_range(0, n).replace("\ufffe", "-")
    # len(text) != n when characters outside the BMP take two code units: lines then go without boxes
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))

    ox, oy = ctypes.c_double(), ctypes.c_double()

    def baseline(i: int) -> float:
        return oy.value if pdfium.FPDFText_GetCharOrigin(textpage.raw, i, ox, oy) else 0.0

    def box(i: int):
        if not pdfium.FPDFText_GetCharBox(textpage.raw, i, left, right, bottom, top):
            return None
        return left.value, right.value, bottom.value, top.value

    lines: list[_Line] = []
    start = 0
    while start <= len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        raw_line = text[start:end].rstrip("\r")
        if raw_line.strip() and len(text) == n:
            idx = [i for i in range(start, start + len(raw_line)) if not raw_line[i - start].isspace()]
            first, last = box(idx[0]), box(idx[-1])
            sizes = [pdfium.FPDFText_GetFontSize(textpage.raw, i) for i in idx[:: max(1, len(idx) // 5)][:6]]
            size = statistics.median(sizes) if sizes else 0.0
            # cells: a run of spaces whose gap is wider than ~0.6 em separates two table cells
            cells, a = [], 0
            for j, ch in enumerate(raw_line):
                if ch == " " and 0 < j < len(raw_line) - 1 and raw_line[j - 1] != " ":
                    k = j
                    while k < len(raw_line) and raw_line[k] == " ":
                        k += 1
                    if k < len(raw_line):
                        pb, nb = box(start + j - 1), box(start + k)
                        if pb and nb and nb[0] - pb[1] > 0.6 * max(size, 1.0):
                            cells.append(raw_line[a:j].strip())
                            a = k
            cells.append(raw_line[a:].strip())
            if first and last:
                lines.append(_Line(raw_line.strip(), size, first[0], last[1], max(first[3], last[3]),
                                   min(first[2], last[2]), [c for c in cells if c], baseline(idx[0])))
        elif raw_line.strip():
            lines.append(_Line(raw_line.strip(), 0.0, 0.0, 0.0, 0.0, 0.0, [raw_line.strip()]))
        start = end + 1
    return lines


def _join(a: str, b: str) -> str:
    """Two wrapped pieces of one paragraph: no space between CJK, none after a hyphen at the break."""
    if CJK.match(a[-1:]) or CJK.match(b[:1]) or (a.endswith("-") and a[-2:-1].isalpha()):
        return a + b
    return a + " " + b


ENUM = re.compile(r"^(?:\d+[.)\u3001]\s|[(\uff08]?[一二三四五六七八九十\d]+[)\uff09\u3001]|[•◦▪●○■‣⁃-]\s?)")


@functools.lru_cache(maxsize=1)
def _wrap_words() -> frozenset[str]:
    from ingest.units import lexicon

    return frozenset(str(w) for w in lexicon()["wrap_words"])


def _pdf(raw: bytes, name: str) -> Converted:
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(raw)
    except pdfium.PdfiumError as err:
        msg = str(err).lower()
        if "password" in msg:
            raise CorpusError(f"{name}: is password-protected (encrypted); save an unprotected copy") from None
        raise CorpusError(f"{name}: is not a readable PDF ({str(err).split('(')[-1].rstrip(')') or 'damaged'})") from None
    try:
        pages = []
        for page in doc:
            tp = page.get_textpage()
            pages.append(_pdf_lines(tp))
            tp.close()
            page.close()
    finally:
        doc.close()
    if not any(line.text for lines in pages for line in lines):
        raise CorpusError(f"{name}: has no text layer (a scan or images only); run OCR on it first")

    # Running heads and page numbers: a first or last line that recurs (digits aside) at the same height on
    # most pages, set apart from the body by a wide gap.
    if len(pages) >= 3:
        def key(lines, j):
            x = lines[j]
            near = lines[j + 1] if j == 0 and len(lines) > 1 else lines[j - 1] if j > 0 else None
            apart = near is None or abs(x.baseline - near.baseline) > 2.2 * max(x.size, near.size, 1)
            return (re.sub(r"\d+", "#", x.text), round(x.baseline), j == 0) if apart else None

        counts: dict = {}
        for lines in pages:
            for k in {key(lines, j) for j in {0, len(lines) - 1} if lines} - {None}:
                counts[k] = counts.get(k, 0) + 1
        running = {k for k, c in counts.items() if c >= 0.6 * len(pages)}
        if running:
            pages = [[x for j, x in enumerate(lines) if not (j in (0, len(lines) - 1) and key(lines, j) in running)]
                     for lines in pages]

    sizes: dict[float, int] = {}
    for lines in pages:
        for x in lines:
            sizes[round(x.size)] = sizes.get(round(x.size), 0) + len(x.text)
    body = max(sizes, key=sizes.get) if sizes else 0
    bigger = sorted({s for s in sizes if s > body * 1.12 and body}, reverse=True)
    level = {s: i + 1 for i, s in enumerate(bigger[:5])}

    out = _Out()
    para: list[str] = []
    prev: _Line | None = None
    prev_page = 0
    table: list[list[str]] = []
    table_locs: list[str] = []

    def flush_para():
        if para:
            text = para[0]
            for piece in para[1:]:
                text = _join(text, piece)
            if BULLET.match(text) and not re.match(r"^-\d", text):
                out.item(BULLET.sub("", text, count=1))
            else:
                out.para(text)
            para.clear()

    def flush_table():
        if table:
            if len(table) >= 2:
                out.table(table, table_locs)
            else:
                for r, loc in zip(table, table_locs, strict=True):
                    out.mark(loc)
                    para.append(" ".join(r))
                    flush_para()
            table.clear()
            table_locs.clear()

    for number, lines in enumerate(pages, 1):
        if not lines:
            continue
        page_right = max(x.right for x in lines)
        page_left = min(x.left for x in lines)
        for i, x in enumerate(lines):
            loc = f"p. {number}"
            nxt = lines[i + 1] if i + 1 < len(lines) else None
            is_row = len(x.cells) >= 2 and (
                (nxt is not None and len(nxt.cells) == len(x.cells))
                or (table and len(table[-1]) == len(x.cells))
            )
            if is_row:
                flush_para()
                table.append([c.replace("|", "\\|") for c in x.cells])
                table_locs.append(loc)
                prev = None
                continue
            flush_table()
            lv = level.get(round(x.size), 0) if len(x.text) <= 120 else 0
            if lv:
                flush_para()
                out.mark(loc)
                out.heading(lv, x.text)
                prev = None
                continue
            cont = False
            if para and prev is not None:
                same = abs(x.size - prev.size) <= 0.15 * max(prev.size, 1)
                full = prev.right >= page_left + 0.8 * (page_right - page_left)
                # baseline to baseline: a wrapped line is ~1.2-1.5 em below, a new paragraph 2+ em
                pitch = prev.baseline - x.baseline
                new_page = prev_page != number
                # A list whose bullets are drawn, not text: each item starts with a capital after a line
                # that ends without a comma or an open clause; a wrapped sentence goes on mid-phrase.
                item = x.text[:1].isupper() and prev.text[-1:] not in ",;:-–—(/&" and not CJK.match(x.text[:1])
                # ...but a line ending on "the", "by", "when" was cut mid-sentence before a name
                item = item and prev.text.rsplit(" ", 1)[-1].lower() not in _wrap_words()
                if same and full and not item and not ENUM.match(x.text) and (new_page or 0 < pitch < 1.8 * max(x.size, 1)):
                    cont = True
            if not cont:
                flush_para()
                out.mark(loc)
            para.append(x.text)
            prev, prev_page = x, number
    flush_para()
    flush_table()
    return out.result()


# ---------------------------------------------------------------- spreadsheets


def _rows_to_out(out: _Out, rows: list[tuple[int, list[str]]], where: str) -> None:
    """Title lines above the first row of two or more cells, then that row as the header of a table."""
    rows = [(n, r) for n, r in rows if any(r)]
    if not rows:
        return
    width = max(len(r) for _, r in rows)
    while width and not any(len(r) >= width and r[width - 1] for _, r in rows):
        width -= 1
    rows = [(n, r[:width]) for n, r in rows]
    head = next((i for i, (_, r) in enumerate(rows) if sum(1 for c in r if c) >= 2), None)
    for n, r in rows[: head if head is not None else len(rows)]:
        out.mark(f"{where}row {n}")
        out.para(" ".join(c for c in r if c).replace("\\|", "|"))
    if head is not None:
        body = rows[head:]
        _table_or_text(out, [r for _, r in body], [f"{where}row {n}" for n, _ in body])


def _xlsx(raw: bytes, name: str) -> Converted:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    out = _Out()
    try:
        for ws in wb.worksheets:
            if getattr(ws, "sheet_state", "visible") != "visible":
                continue
            rows = []
            for n, values in enumerate(ws.iter_rows(values_only=True), start=ws.min_row or 1):
                rows.append((n, [cell(v) for v in values]))
            if not any(any(r) for _, r in rows):
                continue
            out.mark(f"sheet {ws.title}")
            out.heading(2, ws.title)
            _rows_to_out(out, rows, f"sheet {ws.title}, ")
    finally:
        wb.close()
    return out.result()


def _csv(raw: bytes, name: str) -> Converted:
    import csv

    text = decode(raw, name)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    out = _Out()
    rows = [(n, [cell(v) for v in r]) for n, r in enumerate(csv.reader(io.StringIO(text), dialect), start=1)]
    _rows_to_out(out, rows, "")
    return out.result()


# ---------------------------------------------------------------- slides


def _pptx(raw: bytes, name: str) -> Converted:
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE_TYPE, PP_PLACEHOLDER

    prs = Presentation(io.BytesIO(raw))
    out = _Out()

    def shapes_in(shapes):
        for sh in shapes:
            if sh.shape_type == MSO_SHAPE_TYPE.GROUP:
                yield from shapes_in(sh.shapes)
            else:
                yield sh

    for number, slide in enumerate(prs.slides, 1):
        out.mark(f"slide {number}")
        title_shape = slide.shapes.title
        title = clean(title_shape.text_frame.text) if title_shape is not None and title_shape.has_text_frame else ""
        # The first slide's title names the deck (a title slide): later slides are its sections.
        if title:
            out.heading(1 if number == 1 else 2, title)
        ordered = sorted(shapes_in(slide.shapes), key=lambda s: ((s.top or 0), (s.left or 0)))
        for sh in ordered:
            if title_shape is not None and sh.shape_id == title_shape.shape_id:
                continue
            if getattr(sh, "has_table", False) and sh.has_table:
                rows = [[cell(c.text) for c in row.cells] for row in sh.table.rows]
                _table_or_text(out, rows)
                continue
            if not getattr(sh, "has_text_frame", False) or not sh.has_text_frame:
                continue
            body = sh.is_placeholder and sh.placeholder_format.type in (PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT)
            for p in sh.text_frame.paragraphs:
                text = "".join(r.text for r in p.runs) or p.text
                if body and p.level > 0:
                    out.item(text)
                else:
                    out.para(text)
            out.blank()
        if slide.has_notes_slide:
            notes = slide.notes_slide.notes_text_frame
            if notes is not None and notes.text.strip():
                for p in notes.paragraphs:
                    out.para(p.text)
    return out.result()


_CONVERTERS = {".docx": _docx, ".pdf": _pdf, ".html": _html, ".htm": _html, ".xlsx": _xlsx, ".csv": _csv,
               ".pptx": _pptx}


def convert(raw: bytes, name: str) -> Converted:
    """Text and marks of one document; CorpusError with a reason a person can act on when it fails."""
    suffix = Path(name).suffix.lower()
    if not raw.strip():
        raise CorpusError(f"{name}: is empty")
    if suffix in (".docx", ".xlsx", ".pptx"):
        if raw.startswith(OLE_MAGIC):
            raise CorpusError(f"{name}: is password-protected (encrypted) or an old binary Office file; "
                              "save an unprotected .docx/.xlsx/.pptx")
        if not zipfile.is_zipfile(io.BytesIO(raw)):
            raise CorpusError(f"{name}: is damaged (not a valid {suffix} file)")
    try:
        result = _CONVERTERS[suffix](raw, name)
    except CorpusError:
        raise
    except Exception as err:  # a damaged file surfaces as any error of the library reading it
        detail = str(err).strip().splitlines()[0][:120] if str(err).strip() else type(err).__name__
        raise CorpusError(f"{name}: cannot be read as {suffix} ({detail})") from None
    if not result.text.strip():
        raise CorpusError(f"{name}: has no text")
    return result


class Cache:
    """Converted text by sha256 of the file's bytes, one JSON file each, written atomically."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.used: set[str] = set()

    def _path(self, sha: str) -> Path:
        return self.folder / f"{sha}.json"

    def get(self, sha: str) -> Converted | None:
        try:
            data = json.loads(self._path(sha).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if data.get("version") != VERSION:
            return None
        self.used.add(sha)
        return Converted(data["text"], tuple((int(o), str(loc)) for o, loc in data["marks"]))

    def put(self, sha: str, conv: Converted) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump({"version": VERSION, "text": conv.text, "marks": [list(m) for m in conv.marks]}, fh,
                      ensure_ascii=False)
        os.replace(tmp, self._path(sha))
        self.used.add(sha)

    def prune(self) -> None:
        """Forget conversions of files no longer in the corpus (only those this run did not use)."""
        if not self.folder.is_dir():
            return
        for p in self.folder.iterdir():
            if p.suffix == ".json" and p.stem not in self.used:
                p.unlink(missing_ok=True)


def convert_cached(raw: bytes, name: str, cache: Cache | None) -> Converted:
    sha = hashlib.sha256(raw).hexdigest()
    if cache is not None:
        hit = cache.get(sha)
        if hit is not None:
            return hit
    conv = convert(raw, name)
    if cache is not None:
        try:
            cache.put(sha, conv)
        except OSError:
            pass  # a cache that cannot be written only costs time
    return conv
