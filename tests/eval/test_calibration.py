"""Fitting the verdict's models (eval/calibration.py): the ranker is fit as a choice among candidates."""

import numpy as np
import pytest

from assistant.verdict import ranker
from eval import calibration


def _case(rng: np.random.Generator, suite: str) -> dict:
    """A case whose owner has the best `top` of its candidates while every candidate's level of `top`
    moves with the case: what singles the owner out is how it compares, not its value."""
    level = rng.uniform(0.0, 5.0)
    values = level + rng.uniform(0.0, 1.0, size=4)
    right = int(np.argmax(values))
    cands = {f"unit-{i}": {"top": float(v), "sum": float(rng.uniform())} for i, v in enumerate(values)}
    return {"suite": suite, "derived": True, "in_scope": True, "candidates": cands,
            "owners": {f"unit-{i}": i == right for i in range(4)}}  # fmt: skip


def test_the_ranker_learns_to_pick_the_best_of_each_cases_candidates():
    rng = np.random.default_rng(7)
    rows = [_case(rng, suite) for suite in ("a", "b") for _ in range(150)]
    model = calibration.fit_ranker(rows)
    assert model["weights"]["top"] > 0 and abs(model["weights"]["sum"]) < model["weights"]["top"] / 10
    test = [_case(rng, "c") for _ in range(100)]
    picked = [r["owners"][ranker.rank(r["candidates"], model)[0][0]] for r in test]
    assert sum(picked) >= 95


def test_rank_gives_each_candidate_its_share_of_the_choice():
    model = {"weights": {"top": 2.0, "named": 1.0}, "bias": 0.0}
    ranked = ranker.rank({"A": {"top": 1.0}, "B": {"top": 1.0, "named": 1.0}, "C": {}}, model)
    assert [label for label, _ in ranked] == ["B", "A", "C"]
    assert sum(p for _, p in ranked) == pytest.approx(1.0)
    assert ranked[0][1] / ranked[1][1] == pytest.approx(np.e)  # one unit of score is e times the odds
