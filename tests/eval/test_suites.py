"""Eval across corpora: suites, baselines that list flipped cases, and a corpus with no taxonomy."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from eval import harness, suites

ROOT = Path(__file__).resolve().parents[2]


def test_flips_name_cases_that_changed_since_the_baseline():
    baseline = {"correct": {"a": True, "b": False, "c": True}}
    report = {"results": [{"id": "a", "correct": False}, {"id": "b", "correct": True}, {"id": "c", "correct": True}]}
    assert harness.flips(report, baseline) == {"right_to_wrong": ["a"], "wrong_to_right": ["b"]}
    assert harness.summary(report | {"accuracy": 0.5})["correct"] == {"a": False, "b": True, "c": True}


def test_gated_suites_are_the_corpora_the_project_ships():
    gated = suites.load("gate")
    assert set(gated) == {"bundled", "northwind-handbook", "huaxin-duties"}
    for suite in gated.values():
        assert (ROOT / suite["corpus"]).is_dir()
        for path in suite["dev"] + suite["holdout"]:
            assert (ROOT / path).is_file()


@pytest.mark.slow
def test_ask_on_a_corpus_without_taxonomy_answers_with_its_own_units(tmp_path):
    env = dict(os.environ, WHOSEJOB_HOME=str(tmp_path), HF_HUB_OFFLINE="1")
    corpus = ROOT / "eval" / "corpora" / "huaxin-duties" / "documents"
    out = subprocess.run(
        [sys.executable, "-m", "assistant.surfaces.cli", "ask", "--json", "--corpus", str(corpus), "计量器具的周期检定找谁?"],
        capture_output=True, text=True, env=env, timeout=300,
    )
    assert out.returncode == 0, out.stderr
    ans = json.loads(out.stdout)
    assert ans["department"] in {"计量室", "质量管理部"}
    assert all(c["quote"] in (corpus / c["source"]).read_text(encoding="utf-8") for c in ans["citations"])
    listed = subprocess.run(
        [sys.executable, "-m", "assistant.surfaces.cli", "departments", "--json", "--corpus", str(corpus)],
        capture_output=True, text=True, env=env, timeout=120,
    )
    labels = {d["label"] for d in json.loads(listed.stdout)}
    assert "质量管理部" in labels and "市場部" not in labels


def test_every_document_shape_with_a_dev_and_a_holdout_half_is_a_suite():
    """`shapes/*` in suites.yaml: one suite per tests/data/corpora folder with dev.jsonl and holdout.jsonl; a
    shape whose 40 questions are still one untouched file (questions.jsonl) is no suite, so nothing fits on it."""
    shapes = suites.load("shapes")
    folders = sorted(p.parent.name for p in (ROOT / "tests" / "data" / "corpora").glob("*/dev.jsonl"))
    assert sorted(shapes) == folders and len(folders) >= 24
    for name, suite in shapes.items():
        assert suite["corpus"] == f"tests/data/corpora/{name}/documents" and suite["group"] == "shapes"
        assert suite["dev"] == [f"tests/data/corpora/{name}/dev.jsonl"]
    unsplit = [p.parent.name for p in (ROOT / "tests" / "data" / "corpora").glob("*/questions.jsonl")
               if not (p.parent / "dev.jsonl").exists()]
    assert not set(unsplit) & set(suites.load("all"))
    assert set(suites.load("gate")) <= set(suites.load("all")) and not set(shapes) & set(suites.load("gate"))
