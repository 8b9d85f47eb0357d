"""The cold-start comparison runs end to end: the naive LangChain script finds the same index and both
commands agree on the department. How fast is measured by `python -m bench.coldstart`, not asserted here."""

from __future__ import annotations

import json

import pytest

from bench import coldstart


def test_naive_script_searches_the_index_ingest_built(ready, capsys):
    coldstart.naive(ready.home, coldstart.QUESTION)
    assert json.loads(capsys.readouterr().out) == {"owner": "公關部"}


@pytest.mark.slow
def test_measure_reports_both_times_and_their_ratio(ready):
    result = coldstart.measure(ready.home, runs=1)
    assert result["department"] == result["naive_top_owner"] == "公關部"
    assert result["ours_s"] > 0 and result["naive_langchain_s"] > 0
    assert result["ours_cpu_s"] > 0 and result["naive_cpu_s"] > 0
    assert abs(result["ratio"] - result["ours_runs_s"][0] / result["naive_runs_s"][0]) < 0.01  # one round
