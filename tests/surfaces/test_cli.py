"""The `whosejob` command as a user runs it: real subprocesses, exit codes, one-line errors."""

import json
import os
import shutil
import subprocess
import sys

import pytest

WHOSEJOB = [sys.executable, "-m", "assistant.surfaces.cli"]


def run(*args, home, stdin: bytes | None = None, env: dict | None = None):
    e = dict(os.environ, WHOSEJOB_HOME=str(home), HF_HUB_OFFLINE="1", **(env or {}))
    return subprocess.run([*WHOSEJOB, *args], input=stdin, capture_output=True, env=e, timeout=120)


@pytest.fixture
def built(built_home, home):
    shutil.copytree(built_home, home, dirs_exist_ok=True)
    return home


def test_ask_json_shape(built):
    p = run("ask", "--json", "新聞稿和危機公關歸誰管?", home=built)
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert set(out) >= {"question", "department", "confidence", "alternatives", "depends", "abstained", "reason", "answer", "citations"}
    assert out["department"] == "公關部" and not out["abstained"]
    c = out["citations"][0]
    assert set(c) >= {"id", "source", "section", "lines", "quote"} and len(c["lines"]) == 2
    assert {"department", "score"} <= set(out["alternatives"][0])


def test_ask_text_and_stdin(built):
    p = run("ask", "-", home=built, stdin="用户留存率低该找哪个部门?".encode())
    assert p.returncode == 0
    assert p.stdout.decode().splitlines()[0].startswith("用戶運營")


def test_abstention_exits_zero(built):
    p = run("ask", "--json", "北京明天天气怎么样?", home=built)
    assert p.returncode == 0 and json.loads(p.stdout)["abstained"] is True


@pytest.mark.parametrize(
    "args,stdin,needle",
    [
        (("ask", ""), None, "empty"),
        (("ask", "   "), None, "empty"),
        (("ask", "-"), b"\xff\xfe bad", "UTF-8"),
        (("ask", "誰" * 3000), None, "characters"),
        (("ask", "-k", "0", "新聞稿?"), None, "-k"),
        (("ask",), None, "required"),
        (("frobnicate",), None, "invalid choice"),
        (("eval", "--cases", "/nonexistent.jsonl"), None, "not found"),
    ],
)
def test_bad_input_is_one_line_exit_2(built, args, stdin, needle):
    p = run(*args, home=built, stdin=stdin)
    err = p.stderr.decode()
    assert p.returncode == 2, err
    assert len(err.strip().splitlines()) == 1 and needle in err
    assert "Traceback" not in err


def test_ask_ingests_on_first_use_and_says_so(home):
    p = run("ask", "--json", "誰負責制定產品價格?", home=home)
    assert p.returncode == 0, p.stderr
    assert "ingesting" in p.stderr.decode()
    assert json.loads(p.stdout)["department"] == "市場部"


def test_ingest_summary_and_departments(home):
    p = run("ingest", home=home)
    assert p.returncode == 0 and "chunks" in p.stdout.decode()
    p = run("ingest", home=home)
    assert "up to date" in p.stdout.decode()
    p = run("departments", home=home)
    tree = p.stdout.decode()
    assert p.returncode == 0 and "營運部" in tree and "  公關部" in tree


def test_bad_corpus_file_one_line(home, corpus_copy):
    (corpus_copy / "bad.txt").write_bytes(b"abc\xff")
    p = run("ingest", "--corpus", str(corpus_copy), home=home)
    err = p.stderr.decode()
    # the bad file is named and skipped (exit 1), the rest ingested; --strict refuses it (exit 2)
    assert p.returncode == 1 and "bad.txt" in err and "byte offset 3" in err and len(err.splitlines()) == 1
    p = run("ingest", "--strict", "--corpus", str(corpus_copy), home=home)
    err = p.stderr.decode()
    assert p.returncode == 2 and "bad.txt" in err
