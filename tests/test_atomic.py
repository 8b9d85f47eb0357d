"""assistant/atomic.py: a file is replaced whole or not at all; a cache's other versions are dropped."""

from __future__ import annotations

import io
import stat

import numpy as np
import pytest

from assistant.atomic import drop_others, write_atomic


def test_writes_text_bytes_and_a_writer(tmp_path):
    write_atomic(tmp_path / "a" / "t.json", '{"部門": "公關部"}')  # a missing folder is made
    write_atomic(tmp_path / "b.bin", b"\x00\x01")
    write_atomic(tmp_path / "v.npy", lambda fh: np.save(fh, np.arange(3)), durable=True)
    assert (tmp_path / "a" / "t.json").read_text(encoding="utf-8") == '{"部門": "公關部"}'
    assert (tmp_path / "b.bin").read_bytes() == b"\x00\x01"
    assert np.load(tmp_path / "v.npy").tolist() == [0, 1, 2]
    assert stat.S_IMODE((tmp_path / "b.bin").stat().st_mode) == 0o644  # readable by a server running as another user
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["a", "b.bin", "t.json", "v.npy"]


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    path = tmp_path / "current.json"
    write_atomic(path, "old")

    def broken(fh: io.BufferedWriter) -> None:
        fh.write(b"half of the new")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_atomic(path, broken, durable=True)
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["current.json"]


def test_a_rename_that_fails_raises_and_leaves_no_temporary(tmp_path):
    (tmp_path / "index").mkdir()  # a folder where the file should go: the rename itself fails
    (tmp_path / "index" / "keep").write_text("kept")
    with pytest.raises(OSError):
        write_atomic(tmp_path / "index", b"new")
    assert (tmp_path / "index" / "keep").read_text() == "kept"
    assert [p.name for p in tmp_path.iterdir()] == ["index"]


def test_drop_others_removes_a_caches_other_versions_files_and_folders(tmp_path):
    keep = tmp_path / "cache-2-100.bin"
    keep.write_bytes(b"new")
    (tmp_path / "cache-1-100.bin").write_bytes(b"old")
    (tmp_path / "cache-1-folder").mkdir()
    (tmp_path / "cache-1-folder" / "state.json").write_text("{}")
    (tmp_path / "other.bin").write_bytes(b"not this cache's")
    drop_others(tmp_path, "cache-*", [keep])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache-2-100.bin", "other.bin"]
    assert keep.read_bytes() == b"new"
