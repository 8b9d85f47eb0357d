"""`whosejob bench --documents`: real mixed files built, ingested three times, figures printed."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from bench import documents


def _cli(*args: str, home) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assistant.surfaces.cli", *args], capture_output=True, text=True,
                          env={"HF_HUB_OFFLINE": "1", "WHOSEJOB_HOME": str(home), "PATH": "/usr/bin:/bin"},
                          timeout=600)


def test_too_few_documents_is_a_usage_error(home):
    done = _cli("bench", "--documents", "3", home=home)
    assert done.returncode == 2 and "--documents takes 10 or more" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.slow
@pytest.mark.browser
def test_ten_mixed_documents_are_built_ingested_and_timed(tmp_path, capsys):
    assert documents.main(count=10, out=str(tmp_path / "out"), as_json=True) == 0
    printed = json.loads(capsys.readouterr().out)
    saved = json.loads((tmp_path / "out" / "documents-bench.json").read_text())
    assert printed == saved
    assert saved["documents"] == 10 and saved["skipped"] == 0 and saved["chunks"] > 0
    assert set(saved["formats"]) == {".docx", ".pdf", ".html", ".md", ".pptx", ".xlsx"}
    assert saved["cold_seconds"] > 0 and saved["unchanged_seconds"] > 0 and saved["one_changed_seconds"] > 0
    assert len(list((tmp_path / "out" / "documents").iterdir())) == 10
