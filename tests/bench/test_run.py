"""The benchmark at a tiny size: that it runs end to end and writes its report, not how fast."""

from __future__ import annotations

import json

import pytest

from assistant import settings
from bench import report as benchreport
from bench import run as bench

pytestmark = [pytest.mark.slow, pytest.mark.server]


def test_tiny_bench_writes_json_markdown_and_targets(tmp_path, home, monkeypatch):
    monkeypatch.setattr(bench, "COLD_RUNS", 1)
    s = settings.load(home=home)
    assert bench.main(s, sizes=[250], out=str(tmp_path / "out")) == 0
    data = json.loads((tmp_path / "out" / "benchmarks.json").read_text())
    row = data["sizes"][0]
    for mode in ("embedded", "server"):
        warm = row[mode]["warm"]
        assert set(warm) >= {"ours", "dense", "bm25", "ours_vs_dense", "ours_vs_bm25"}
        assert 0 < warm["ours"]["accuracy"] <= 1 and warm["ours"]["latency_ms"]["p95"] > 0
        assert row[mode]["cold_ask"]["department"] == "公關部"
        assert row[mode]["ingest"]["report"]["chunks"] == row["corpus"]["chunks"]
    assert row["embedded"]["serve"].get("peak_rss_mb", 0) > 0 or "error" in row["embedded"]["serve"]
    md = (tmp_path / "out" / "benchmarks.md").read_text(encoding="utf-8")
    assert "## Targets" in md and "LangChain" in md
    assert {t["status"] for t in data["targets"]} <= {"met", "missed", "not measured"}
    assert benchreport.targets(data) == data["targets"]


def test_bad_sizes_are_a_usage_error(home):
    from assistant.surfaces.cli import main

    assert main(["bench", "--sizes", "1k"]) == 2
    assert main(["bench", "--sizes", "0"]) == 2
