"""PDF (text layer, pypdfium2): lines with their font size and boxes, then headings by size, wrapped lines
joined, tables from cell gaps, running heads dropped; a mark per page."""

from __future__ import annotations

import functools
import re
import statistics
from dataclasses import dataclass

from assistant.errors import CorpusError

from .text import BULLET, CJK, Converted, Out


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
    lefts: list[float] | None = None  # where each cell starts
    bold: bool = False


def _pdf_lines(textpage) -> list[_Line]:
    """The page's lines with their font size, box and cells (runs separated by a wide gap)."""
    import ctypes

    import pypdfium2.raw as pdfium

    n = textpage.count_chars()
    if n <= 0:
        return []
    raw = textpage.get_text_range(0, n)
    at = list(range(n)) if len(raw) == n else _align(raw, textpage, n)
    aligned = at is not None  # else lines go without boxes (no headings or tables by size on that page)
    # pdfium writes a hyphen it cannot classify as U+FFFE ("part\ufffetime"): the document says "part-time"
    text = raw.replace("\ufffe", "-")
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))

    ox, oy = ctypes.c_double(), ctypes.c_double()

    def baseline(i: int) -> float:
        return oy.value if pdfium.FPDFText_GetCharOrigin(textpage.raw, at[i], ox, oy) else 0.0

    def box(i: int):
        if not pdfium.FPDFText_GetCharBox(textpage.raw, at[i], left, right, bottom, top):
            return None
        return left.value, right.value, bottom.value, top.value

    lines: list[_Line] = []
    start = 0
    while start <= len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        raw_line = text[start:end].rstrip("\r")
        if raw_line.strip() and aligned:
            idx = [i for i in range(start, start + len(raw_line)) if not raw_line[i - start].isspace()]
            first, last = box(idx[0]), box(idx[-1])
            sample = idx[:: max(1, len(idx) // 5)][:6]
            sizes = [pdfium.FPDFText_GetFontSize(textpage.raw, at[i]) for i in sample]
            size = statistics.median(sizes) if sizes else 0.0
            bold = sum(_is_bold(textpage, at[i]) for i in sample) > len(sample) / 2
            # cells: a run of spaces whose gap is wider than ~0.6 em separates two table cells
            cells, a, lefts = [], 0, [first[0] if first else 0.0]
            for j, ch in enumerate(raw_line):
                if ch == " " and 0 < j < len(raw_line) - 1 and raw_line[j - 1] != " ":
                    k = j
                    while k < len(raw_line) and raw_line[k] == " ":
                        k += 1
                    if k < len(raw_line):
                        pb, nb = box(start + j - 1), box(start + k)
                        if pb and nb and nb[0] - pb[1] > 0.6 * max(size, 1.0):
                            cells.append(raw_line[a:j].strip())
                            lefts.append(nb[0])
                            a = k
            cells.append(raw_line[a:].strip())
            if first and last:
                kept = [(c, x) for c, x in zip(cells, lefts, strict=True) if c]
                lines.append(_Line(raw_line.strip(), size, first[0], last[1], max(first[3], last[3]),
                                   min(first[2], last[2]), [c for c, _ in kept], baseline(idx[0]), [x for _, x in kept], bold))
        elif raw_line.strip():
            lines.append(_Line(raw_line.strip(), 0.0, 0.0, 0.0, 0.0, 0.0, [raw_line.strip()]))
        start = end + 1
    return lines


def _is_bold(textpage, index: int) -> bool:
    """Bold by the font's name ("LiberationSans-Bold", "SimHei"…-Bold), or its weight where it says one: the
    weights PDF producers write vary (Chromium's bold face reports 380, its regular one 225)."""
    import ctypes

    import pypdfium2.raw as pdfium

    buf, flags = ctypes.create_string_buffer(128), ctypes.c_int()
    pdfium.FPDFText_GetFontInfo(textpage.raw, index, buf, 128, ctypes.byref(flags))
    name = buf.value.decode("latin-1", "replace").lower()
    return bool(re.search(r"bold|black|heavy|semibold|demi", name)) or pdfium.FPDFText_GetFontWeight(textpage.raw, index) >= 600


def _align(text: str, textpage, n: int) -> list[int] | None:
    """pdfium's character index of each character of `text`, when they differ: a glyph with no Unicode
    (an emoji drawn from an image font) is a character pdfium counts and its text leaves out, and a
    character outside the BMP is two UTF-16 units. None when the two cannot be lined up."""
    import pypdfium2.raw as pdfium

    at, i = [], 0
    for ch in text:
        while i < n:
            u = pdfium.FPDFText_GetUnicode(textpage.raw, i)
            # a hyphen pdfium cannot classify is U+FFFE in the text and 2 (STX) for the character
            if u == ord(ch) or (0xD800 <= u < 0xDC00 and ord(ch) > 0xFFFF) or (ch == "\ufffe" and u == 2):
                break
            i += 1
        if i >= n:
            return None
        at.append(i)
        i += 2 if ord(ch) > 0xFFFF else 1
    return at


def _columns(lefts: list[float], line: _Line) -> list[int] | None:
    """The table columns a line's cells start in (each within a third of an em of one), or None."""
    out = []
    for x in line.lefts or []:
        near = min(range(len(lefts)), key=lambda c: abs(lefts[c] - x))
        if abs(lefts[near] - x) > max(3.0, 0.3 * line.size):
            return None
        out.append(near)
    return out or None


def _wrapped_rows(lines: list[_Line]) -> list[_Line]:
    """A table row whose cells wrap comes out as lines of one cell each, column by column, between two
    whole rows: those lines become the one row they are, so the table (and its header) goes on."""
    out: list[_Line] = []
    i = 0
    while i < len(lines):
        prev = out[-1] if out else None
        width = len(prev.cells) if prev is not None and prev.lefts else 0
        if width >= 2 and len(lines[i].cells) < width and lines[i].lefts:
            j = i
            while j < len(lines) and len(lines[j].cells) < width and j - i <= 4 * width:
                j += 1
            after = lines[j] if j < len(lines) else None
            # columns where the next row's cells start (a header's may be centred; a body row's are not)
            cols = after.lefts if after is not None and after.lefts and len(after.cells) == width else prev.lefts
            found = [_columns(cols, x) for x in lines[i:j]]
            if (after is not None and len(after.cells) == width and j > i and None not in found
                    and len({c for f in found for c in f}) >= 2):
                parts: list[list[str]] = [[] for _ in cols]
                for x, cs in zip(lines[i:j], found, strict=True):
                    for text, c in zip(x.cells, cs, strict=True):
                        parts[c].append(text)
                cells = []
                for ps in parts:
                    text = ps[0] if ps else ""
                    for piece in ps[1:]:
                        text = _join(text, piece)
                    cells.append(text)
                first = lines[i]
                out.append(_Line(" ".join(c for c in cells if c), first.size, prev.left, max(x.right for x in lines[i:j]),
                                 first.top, first.bottom, cells, first.baseline, list(cols)))
                i = j
                continue
        out.append(lines[i])
        i += 1
    return out


def _join(a: str, b: str) -> str:
    """Two wrapped pieces of one paragraph: no space between CJK, none after a hyphen at the break."""
    if CJK.match(a[-1:]) or CJK.match(b[:1]) or (a.endswith("-") and a[-2:-1].isalpha()):
        return a + b
    return a + " " + b


ENUM = re.compile(r"^(?:\d+[.)\u3001]\s|[(\uff08]?[一二三四五六七八九十\d]+[)\uff09\u3001]|[•◦▪●○■‣⁃-]\s?)")


@functools.lru_cache(maxsize=1)
def _wrap_words() -> frozenset[str]:
    from ingest.names import lexicon

    return frozenset(str(w) for w in lexicon()["wrap_words"])


def _bold_heading(x: _Line, body: float, prev: _Line | None, nxt: _Line | None) -> bool:
    """A short bold line at about body size that is not a sentence and stands apart from the lines around it
    ("Homes and Communities" over its paragraph): how many Word and HTML documents print a sub-heading."""
    if not x.bold or not body or len(x.text) > 80 or x.size < 0.95 * body or re.search(r"[.。:：;；,，]$", x.text):
        return False
    # the next line is not more of the same bold run (a bold paragraph wrapped over lines is no heading)
    return not (nxt is not None and nxt.bold and abs(nxt.size - x.size) < 0.5 and not nxt.text[:1].isdigit())


def convert(raw: bytes, name: str) -> Converted:
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
            pages.append(_wrapped_rows(_pdf_lines(tp)))
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

    out = Out()
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
            if is_row and table and x.cells == table[0]:
                continue  # the header again at the top of the next page
            if is_row:
                flush_para()
                table.append([c.replace("|", "\\|") for c in x.cells])
                table_locs.append(loc)
                prev = None
                continue
            flush_table()
            lv = level.get(round(x.size), 0) if len(x.text) <= 120 else 0
            if not lv and _bold_heading(x, body, prev, nxt):
                lv = min(len(level) + 1, 6)  # a bold line of body size on its own: the level below the sized ones
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
