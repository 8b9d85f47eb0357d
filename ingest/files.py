"""Finding and reading corpus files safely: UTF-8 only, size-limited, never outside the corpus."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import CorpusError

from .convert import convert_cached, decode

TEXT_SUFFIXES = (".txt", ".md")
# Old binary Office formats are named as skipped (with what to do) rather than passed over in silence.
UNSUPPORTED = (".doc", ".xls", ".ppt")
SUFFIXES = (*TEXT_SUFFIXES, ".docx", ".pdf", ".html", ".htm", ".xlsx", ".csv", ".pptx")  # see ingest/convert/
MAX_BYTES = 20 * 1024 * 1024  # a role description is kilobytes; 20 MB is a mistake, not a document


@dataclass(frozen=True)
class SourceFile:
    name: str  # path relative to the corpus folder, '/'-separated: what citations show
    text: str  # decoded, BOM dropped, CRLF/CR turned into LF: offsets in chunks refer to this
    sha: str  # of the raw bytes
    marks: tuple[tuple[int, str], ...] = ()  # (offset, "p. 3" / "sheet X, row 7" / "slide 4") for converted files


def read(path: Path, root: Path, cache=None) -> SourceFile:
    """Read one corpus file, refusing symlinks that lead outside `root` and oversized files.

    .txt/.md are decoded; other formats are converted to text (ingest/convert/), through `cache`
    (a convert.Cache) when given, so a file whose bytes did not change is not converted again."""
    name = path.relative_to(root).as_posix()
    real, real_root = path.resolve(), root.resolve()
    if real != real_root and real_root not in real.parents:
        raise CorpusError(f"{name}: is a link to {real}, outside the corpus folder; refused")
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise CorpusError(f"{name}: {size / 1e6:.0f} MB is over the {MAX_BYTES // 2**20} MB limit per file; split it")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise CorpusError(f"{name}: disappeared while reading the corpus; run ingest again") from None
    except OSError as err:
        raise CorpusError(f"{name}: cannot be read ({err.strerror})") from None
    sha = hashlib.sha256(raw).hexdigest()
    if path.suffix.lower() in UNSUPPORTED:
        raise CorpusError(f"{name}: the old binary {path.suffix} format is not read; save it as {path.suffix.lower()}x")
    if path.suffix.lower() in TEXT_SUFFIXES:
        text = decode(raw, name)
        if not text.strip():
            raise CorpusError(f"{name}: is empty")
        return SourceFile(name=name, text=text, sha=sha)
    conv = convert_cached(raw, name, cache)
    return SourceFile(name=name, text=conv.text, sha=sha, marks=conv.marks)


def find(root: Path) -> list[Path]:
    """The corpus files under `root` (every suffix in SUFFIXES, subfolders included), sorted, hidden skipped."""
    if not root.is_dir():
        raise CorpusError(f"corpus folder {root} does not exist or is not a folder")
    found = [
        p
        for p in root.rglob("*")
        if p.suffix.lower() in SUFFIXES + UNSUPPORTED
        and not any(part.startswith(".") for part in p.relative_to(root).parts)
        and (p.is_file() or p.is_symlink())
    ]
    return sorted(found)
