import os

import pytest

from assistant.errors import CorpusError
from ingest import files


def test_bom_and_line_ends_are_normalised(tmp_path):
    p = tmp_path / "a.txt"
    p.write_bytes("\ufeff第一行\r\n第二行\r第三行".encode())
    assert files.read(p, tmp_path).text == "第一行\n第二行\n第三行"


def test_invalid_utf8_names_file_and_offset(tmp_path):
    p = tmp_path / "bad.txt"
    p.write_bytes("好".encode() + b"\xff\xfe")
    with pytest.raises(CorpusError, match=r"bad.txt: not valid UTF-8 at byte offset 3"):
        files.read(p, tmp_path)


def test_binary_file_refused(tmp_path):
    p = tmp_path / "img.txt"
    p.write_bytes(b"\x89PNG\x00\x00\x01")
    with pytest.raises(CorpusError, match="binary"):
        files.read(p, tmp_path)


def test_symlink_outside_refused(tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text("x")
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "link.txt").symlink_to(outside)
    with pytest.raises(CorpusError, match="outside the corpus folder"):
        files.read(root / "link.txt", root)


def test_size_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(files, "MAX_BYTES", 10)
    p = tmp_path / "big.txt"
    p.write_text("x" * 11)
    with pytest.raises(CorpusError, match="limit"):
        files.read(p, tmp_path)


def test_vanished_file(tmp_path):
    with pytest.raises(CorpusError, match="disappeared"):
        files.read(tmp_path / "gone.txt", tmp_path)


def test_find_only_text_files(tmp_path):
    for name in ("a.txt", "b.md", "c.yaml", ".hidden.txt", "d.py"):
        (tmp_path / name).write_text("x")
    os.mkdir(tmp_path / "sub")
    (tmp_path / "sub" / "e.TXT").write_text("x")
    assert [p.name for p in files.find(tmp_path)] == ["a.txt", "b.md", "e.TXT"]
    with pytest.raises(CorpusError):
        files.find(tmp_path / "missing")
