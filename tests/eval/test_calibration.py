"""Fitting the verdict's models (eval/calibration.py): the ranker is fit as a choice among candidates."""

import numpy as np
import pytest

from assistant.verdict import ranker, verdict
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


def _scope_row(rng: np.random.Generator, suite: str, derived: bool, signal: str) -> dict:
    """A case whose coverage shows in `signal` only (curated and derived corpora tell it apart by
    different signals), with the other signal noise."""
    covered = bool(rng.uniform() < 0.5)
    features = {"evidence": float(rng.normal()), "keyword_z": float(rng.normal())}
    features[signal] = float(rng.normal(1.5 if covered else -1.5))
    features["curated"] = 0.0 if derived else 1.0
    return {"suite": suite, "derived": derived, "features": features, "in_scope": covered, "right": covered}


def test_departments_read_from_the_documents_get_scope_and_confidence_fit_on_those_corpora_only():
    rng = np.random.default_rng(3)
    curated = [_scope_row(rng, "article", False, "evidence") for _ in range(600)]
    derived = [_scope_row(rng, s, True, "keyword_z") for s in ("a", "b") for _ in range(150)]
    models = calibration.fit_models(curated + derived)
    assert models["fitted_on"] == {"a": 150, "article": 600, "b": 150}
    own = models["derived"]["scope"]["weights"]
    # the big curated set does not pull the derived corpora's model toward its own signal
    assert own["keyword_z"] > 3 * abs(own["evidence"])
    test = [_scope_row(rng, "c", True, "keyword_z") for _ in range(200)]
    for name, fitted in (("derived", verdict.for_taxonomy(models, True)), ("shared", models)):
        right = [verdict.in_scope(r["features"], fitted) == r["in_scope"] for r in test]
        if name == "derived":
            assert np.mean(right) >= 0.9
        else:
            assert np.mean(right) < 0.9  # fit mostly on the article, it reads the wrong signal
    assert verdict.for_taxonomy(models, False)["scope"] == models["scope"]  # a taxonomy.yaml: the shared pair


def test_without_a_derived_corpus_there_is_one_pair():
    rng = np.random.default_rng(4)
    models = calibration.fit_models([_scope_row(rng, "article", False, "evidence") for _ in range(200)])
    assert "derived" not in models
    assert verdict.for_taxonomy(models, True) == models
