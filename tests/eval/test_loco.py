"""Leave-one-corpus-out scoring (eval/loco.py): what counts as right, and bad input."""

import pytest

from eval.loco import main, score

MODELS = {
    "scope": {"weights": {"evidence": 1.0}, "bias": 0.0, "threshold": 0.5},  # answered when evidence > 0
    "confidence": {"weights": {"share": 1.0}, "bias": 0.0},
}


def row(evidence: float, in_scope: bool, right: bool, share: float = 0.0) -> dict:
    return {"features": {"evidence": evidence, "share": share}, "in_scope": in_scope, "right": right}


def test_an_answer_counts_when_right_and_an_abstention_when_the_documents_are_silent():
    rows = [
        row(2.0, True, True),  # answered, right
        row(2.0, True, False),  # answered, wrong department
        row(-2.0, False, False),  # abstained on an uncovered question: right
        row(2.0, False, False),  # answered an uncovered question: wrong
        row(-2.0, True, True),  # abstained though covered: wrong
    ]
    r = score(rows, MODELS)
    assert r["cases"] == 5 and r["accuracy"] == pytest.approx(2 / 5)
    assert r["abstention_recall"] == pytest.approx(1 / 2)
    assert r["answerable_top1"] == pytest.approx(2 / 3)


def test_an_unknown_suite_is_a_one_line_error(capsys):
    assert main(["--suite", "nope"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unknown suite(s) nope" in err
