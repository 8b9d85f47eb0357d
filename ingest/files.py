"""Finding and reading corpus files safely: UTF-8 only, size-limited, never outside the corpus."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import CorpusError

SUFFIXES = (".txt", ".md")
MAX_BYTES = 20 * 1024 * 1024  # a role description is kilobytes; 20 MB is a mistake, not a document


@dataclass(frozen=True)
class SourceFile:
    name: str  # path relative to the corpus folder, '/'-separated: what citations show
    text: str  # decoded, BOM dropped, CRLF/CR turned into LF: offsets in chunks refer to this
    sha: str  # of the raw bytes


def decode(raw: bytes, name: str) -> str:
    """UTF-8 text with a BOM dropped and line ends made LF; a clear error names the bad byte."""
    if b"\x00" in raw[:8192]:
        raise CorpusError(f"{name}: looks binary (NUL byte), not a UTF-8 text file")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise CorpusError(f"{name}: not valid UTF-8 at byte offset {err.start}; save it as UTF-8") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read(path: Path, root: Path) -> SourceFile:
    """Read one corpus file, refusing symlinks that lead outside `root` and oversized files."""
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
    return SourceFile(name=name, text=decode(raw, name), sha=hashlib.sha256(raw).hexdigest())


def find(root: Path) -> list[Path]:
    """The .txt and .md files under `root`, sorted, hidden files skipped."""
    if not root.is_dir():
        raise CorpusError(f"corpus folder {root} does not exist or is not a folder")
    found = [
        p
        for p in root.rglob("*")
        if p.suffix.lower() in SUFFIXES
        and not any(part.startswith(".") for part in p.relative_to(root).parts)
        and (p.is_file() or p.is_symlink())
    ]
    return sorted(found)
