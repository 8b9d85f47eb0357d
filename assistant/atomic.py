"""Replacing a file in one rename: a reader (another process, the next run) sees the old file or the new one,
never half of one, and a failed write leaves no temporary file behind. And once a cache's new version is in
place, dropping its other versions."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Collection
from pathlib import Path
from typing import IO


def write_atomic(path: Path, data: bytes | str | Callable[[IO[bytes]], object], durable: bool = False) -> None:
    """Write `data` (bytes, text as UTF-8, or a function that writes to a binary file) to `path`.

    `durable` also syncs the file and its folder to disk before returning: for the files a crash must not
    lose (the index's pointer, the admins' corrections), not for caches, which are rebuilt when missing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            if callable(data):
                data(fh)
            else:
                fh.write(data.encode("utf-8") if isinstance(data, str) else data)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)  # mkstemp's 0600 would hide the file from a reader running as another user
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    if durable:
        _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (a no-op where folders cannot be opened for syncing)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def drop_others(folder: Path, pattern: str, keep: Collection[Path]) -> None:
    """Remove what in `folder` matches `pattern` but is not in `keep`: a cache's other versions (files or folders),
    left by an older whosejob or package data of another size."""
    for old in folder.glob(pattern):
        if old not in keep:
            if old.is_dir():
                shutil.rmtree(old, ignore_errors=True)
            else:
                old.unlink(missing_ok=True)
