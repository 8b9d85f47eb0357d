"""Fit the confidence calibration (Platt scaling over the verdict's evidence features) on eval cases."""

from __future__ import annotations

import json

import numpy as np

from assistant.verdict.verdict import CALIBRATION_FILE, _calibration

FEATURES = ("share", "margin", "evidence")


def fit(x: np.ndarray, y: np.ndarray, l2: float = 0.01, steps: int = 5000, lr: float = 0.5) -> tuple[np.ndarray, float]:
    """Logistic regression by gradient descent (a few features: no need for a solver library)."""
    w, b = np.zeros(x.shape[1]), 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(x @ w + b)))
        g = p - y
        w -= lr * (x.T @ g / len(y) + l2 * w)
        b -= lr * g.mean()
    return w, b


def fit_and_save(cases, settings, taxonomy, **answer_kwargs) -> str:
    """Answer the cases, fit confidence on the answered ones, and write assistant/verdict/calibration.json."""
    from assistant.answer import answer
    from eval.harness import is_correct

    rows, labels = [], []
    for case in cases:
        ans = answer(case.question, settings=settings, **answer_kwargs)
        if ans.abstained or not ans.signals:
            continue
        rows.append([ans.signals.get(f, 0.0) for f in FEATURES])
        labels.append(1.0 if is_correct(case, ans, taxonomy) else 0.0)
    if len(set(labels)) < 2:
        return f"calibration not refit: {len(labels)} answered cases, all {'right' if labels and labels[0] else 'wrong'}"
    w, b = fit(np.array(rows), np.array(labels))
    params = dict(_calibration())
    params.update({"weights": dict(zip(FEATURES, map(float, w), strict=True)), "bias": float(b), "fitted_on": len(labels)})
    CALIBRATION_FILE.write_text(json.dumps(params, indent=1) + "\n")
    _calibration.cache_clear()
    return f"calibration refit on {len(labels)} answers: weights {params['weights']}, bias {b:.3f}"
