"""Company documents as text: .docx, .pdf, .html/.htm, .xlsx, .csv and .pptx to Markdown-like text.

Each converter writes the document's own text, unchanged inside a line, with its structure as the
chunker reads it: headings as `#` lines (the section path), list items as `- ` lines, tables as
Markdown pipe tables (one row a line), paragraphs as lines. Nothing is added inside a paragraph or a
cell (no `**`, no escapes, no numbers Word would draw), so every quote taken from the text is the
document's own words. Beside the text come *marks*: (offset, location) pairs that say where in the file
the text from that offset on comes from: "p. 3" (PDF), "sheet RACI, row 7" (spreadsheet), "row 7" (CSV),
"slide 4" (deck). Word and HTML carry no marks: their location is the heading path.

One module per kind (office.py, pdf.py, webpage.py; text.py is what they share), each over a direct
library (python-docx, openpyxl, python-pptx, pypdfium2, BeautifulSoup over lxml) rather than a general
converter: see docs/formats.md for the comparison with markitdown, unstructured and
docling. A file that cannot be read raises CorpusError with the reason; the pipeline skips it.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

from assistant.atomic import write_atomic
from assistant.errors import CorpusError

from . import office, pdf, webpage
from .text import Converted, decode, location_at

__all__ = ["Cache", "Converted", "SUFFIXES", "VERSION", "convert", "convert_cached", "decode", "location_at"]

VERSION = 3  # bump when any converter's output changes: cached conversions are redone
SUFFIXES = (".docx", ".pdf", ".html", ".htm", ".xlsx", ".csv", ".pptx")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted OOXML and old binary .doc/.xls/.ppt


_CONVERTERS = {".docx": office.docx, ".pdf": pdf.convert, ".html": webpage.convert, ".htm": webpage.convert,
               ".xlsx": office.xlsx, ".csv": office.csv_file, ".pptx": office.pptx}


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
        data = {"version": VERSION, "text": conv.text, "marks": [list(m) for m in conv.marks]}
        write_atomic(self._path(sha), json.dumps(data, ensure_ascii=False))
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
