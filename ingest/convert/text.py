"""What every converter shares: the Converted result, locations, cell and line cleaning, the text builder,
and UTF-8 decoding of plain text files."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from assistant.errors import CorpusError

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
    # a cell's own lines (Word paragraphs, a spreadsheet's Alt+Enter) stay apart: "; " as an HTML cell's do
    lines = [clean(x) for x in str(value).replace("\r", "\n").split("\n")]
    return "; ".join(x for x in lines if x).replace("|", "\\|")


class Out:
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


def table_or_text(out: Out, rows: list[list[str]], locations: list[str] | None = None) -> None:
    """A real table as a pipe table; a one-column or layout table (long cells, unless a form's) as paragraphs."""
    width = max((sum(1 for c in r if c) for r in rows), default=0)
    # a form of fields (「部门职责 | 1. …」, "We own | …"): short labels before values however long they run
    form = width == 2 and len(rows) >= 3 and all(len(r) == 2 and len(r[0]) <= 30 for r in rows)
    if width < 2 or (not form and any(len(c) > 400 for r in rows for c in r)):
        for i, r in enumerate(rows):
            if locations:
                out.mark(locations[i])
            for c in r:
                out.para(c.replace("\\|", "|"))
        return
    out.table(rows, locations)


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
