"""Fit the scope model (do the sources cover it?) and the confidence calibration (Platt scaling) over
the verdict's retrieval features, on the dev cases of several corpora (eval/suites.yaml)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from assistant.verdict.verdict import CALIBRATION_FILE, _calibration


def newton(gradient_hessian, d: int, steps: int) -> np.ndarray:
    """Minimise a smooth convex loss over `d` weights from zero by Newton's method; `gradient_hessian(theta)`
    gives both at theta (a dozen features: no need for a solver library)."""
    theta = np.zeros(d)
    for _ in range(steps):
        grad, hess = gradient_hessian(theta)
        step = np.linalg.solve(hess, grad)
        theta -= step
        if np.abs(step).max() < 1e-6:
            break
    return theta


def fit(
    x: np.ndarray, y: np.ndarray, l2: float = 0.001, steps: int = 50, weights: np.ndarray | None = None
) -> tuple[np.ndarray, float]:
    """Weighted, lightly L2-regularised logistic regression."""
    xb = np.hstack([x, np.ones((len(x), 1))])
    sw = np.ones(len(y)) if weights is None else weights
    reg = np.full(xb.shape[1], l2 * len(y))
    reg[-1] = 0.0  # the bias is not shrunk

    def gradient_hessian(theta):
        p = 1.0 / (1.0 + np.exp(-np.clip(xb @ theta, -30, 30)))
        grad = xb.T @ ((p - y) * sw) + reg * theta
        hess = (xb * (sw * p * (1 - p))[:, None]).T @ xb + np.diag(reg) + 1e-9 * np.eye(len(theta))
        return grad, hess

    theta = newton(gradient_hessian, xb.shape[1], steps)
    return theta[:-1], float(theta[-1])


# Shrinkage, chosen on leave-one-corpus-out dev runs (mean accuracy 0.732 with 0.001 for all, 0.748 with
# these): the scope model must carry over to a corpus it was not fit on, so it is shrunk harder. (0.01
# scored the same but shrank the off-topic weights until 「紅燒肉要怎麼燉」 was answered.)
SCOPE_L2 = 0.003
RANKER_L2 = 0.0003  # leave-one-corpus-out dev, same collected answers: 0.7114 at 0.003, 0.7148 at 0.0003, 0.7134 at 0.0001
CONFIDENCE_L2 = 0.001
SMOOTH = 3  # grid steps (0.01 each) either side when the scope threshold is chosen

SCOPE_FEATURES = (
    "evidence", "dense", "dense_z", "dense_cross", "coverage_z", "keyword_z", "cross", "mentioned", "share", "rank_p",
    "rare_missing", "rare_present", "unknown_missing",
    "curated", "offtopic", "offtopic_margin", "offtopic_margin_cross", "topic_uncovered",
    "topic_covered",
)  # fmt: skip
CONFIDENCE_FEATURES = (
    "share", "margin", "dense", "dense_z", "dense_cross", "coverage_same", "keyword", "rank_p", "rank_margin", "curated",
)  # fmt: skip


def collect(suites: dict, root: Path, base_home: Path | None = None) -> list[dict]:
    """Answer every dev case of every suite without abstaining: (suite, features, in scope, right)."""
    import tempfile

    from assistant import settings as settings_mod
    from assistant.answer import answer
    from assistant.index.resources import resources
    from eval.harness import is_correct, load_cases

    rows = []
    for name, suite in suites.items():
        corpus = (root / suite["corpus"]).resolve()
        if not corpus.is_dir():
            continue
        with tempfile.TemporaryDirectory() as tmp:
            home = base_home / "suites" / name if base_home else Path(tmp)
            s = settings_mod.load(home=str(home), corpus=corpus)
            tax = resources(s, notice=None)[0].taxonomy
            for path in suite["dev"]:
                for case in load_cases(root / path, tax, corpus):
                    ans = answer(case.question, settings=s, abstain=False)
                    right = not ans.abstained and not case.abstain and is_correct(case, ans, tax)
                    signals = dict(ans.signals or {})
                    cands = signals.pop("candidates", {}) or {}
                    owners = {lab: any(tax.is_under(lab, a) for a in case.departments) for lab in cands if lab in tax}
                    rows.append({"suite": name, "derived": tax.derived, "features": signals,
                                 "in_scope": not case.abstain, "right": right,
                                 "candidates": {lab: cands[lab] for lab in owners}, "owners": owners})
    return rows


def fit_choice(groups: list[tuple[np.ndarray, np.ndarray, float]], l2: float, steps: int = 60) -> np.ndarray:
    """Conditional logit: weights under which each group's right rows take the most of a softmax over the
    group's rows. `groups`: (features, share of the right answer per row, weight)."""
    d = groups[0][0].shape[1]
    reg = l2 * len(groups)

    def gradient_hessian(theta):
        grad, hess = reg * theta, reg * np.eye(d) + 1e-9 * np.eye(d)
        for x, y, w in groups:
            z = x @ theta
            p = np.exp(z - z.max())
            p /= p.sum()
            mean = x.T @ p
            grad += w * (mean - x.T @ y)
            hess += w * ((x * p[:, None]).T @ x - np.outer(mean, mean))
        return grad, hess

    return newton(gradient_hessian, d, steps)


def fit_ranker(rows: list[dict]) -> dict:
    """The department ranker, fit as a choice among each answerable case's candidates (which one is the
    owner?) on the corpora whose departments were derived from the documents, the only ones it ranks for.
    Leave-one-corpus-out dev (3,058 cases): 0.7086 with each candidate a separate yes/no example, 0.7124
    as a choice (a gradient-boosted yes/no model: 0.7054). Every case weighs the same (see _fit_pair)."""
    from assistant.verdict.ranker import FEATURES

    derived = [r for r in rows if r.get("derived", True)]
    usable = [r for r in derived or rows if r["in_scope"] and any(r["owners"].values())]
    groups = []
    for r in usable:
        labels = list(r["candidates"])
        x = np.array([[r["candidates"][lab].get(k, 0.0) for k in FEATURES] for lab in labels])
        y = np.array([1.0 if r["owners"][lab] else 0.0 for lab in labels])
        groups.append((x, y / y.sum(), 1.0))
    theta = fit_choice(groups, l2=RANKER_L2)
    return {"weights": dict(zip(FEATURES, map(float, theta), strict=True)), "bias": 0.0}


def fit_models(rows: list[dict]) -> dict:
    """The scope and confidence models for a corpus with a hand-written taxonomy (fit on every suite), and
    under "derived" the pair for departments read from the documents, fit on those suites only: the
    bundled article's many curated cases pulled the shared weights toward it (leave-one-corpus-out dev
    0.7018 -> 0.7089; posthog abstention recall 0.46 -> 0.65; docs/benchmarks.md, round 13)."""
    suites = sorted({r["suite"] for r in rows})
    derived = [r for r in rows if r.get("derived")]
    pair = _fit_pair(rows)
    if derived:
        pair["derived"] = _fit_pair(derived)
    return pair | {"fitted_on": {s: sum(1 for r in rows if r["suite"] == s) for s in suites}}


def _fit_pair(rows: list[dict]) -> dict:
    """The scope model (does the corpus cover it?) and the confidence model (is the department right?).

    Every dev case weighs the same, whichever corpus it is from. With five corpora, weighing each corpus the
    same kept the bundled article's many cases from deciding for all; with the 24 document shapes' dev halves
    added (eval/suites.yaml `shapes/*`, 20 cases each) that gave two dozen small sets most of the weight.
    Leave-one-corpus-out dev over all 29 corpora, mean of the five large ones | shapes' 480 cases right:
    fit on the five alone 0.6869 | 305; all, each corpus the same 0.6782 | 326; all, each case the same
    0.6936 | 319 (each corpus weighed by the square root of its cases: 0.6892 | 318)."""

    def design(sel, names):
        return np.array([[r["features"].get(f, 0.0) for f in names] for r in sel]), np.ones(len(sel))

    x, w = design(rows, SCOPE_FEATURES)
    y = np.array([1.0 if r["in_scope"] else 0.0 for r in rows])
    ws, bs = fit(x, y, l2=SCOPE_L2, weights=w)
    p = 1.0 / (1.0 + np.exp(-(x @ ws + bs)))
    # The threshold under which abstaining is right most often on the fitting cases: an answered question
    # counts when its department is right, an abstention when the documents do not cover it (a wrong
    # department is no better than saying nothing; measured on leave-one-corpus-out dev: as accurate as
    # separating covered from uncovered questions, and it keeps "which crypto should I buy" unanswered).
    # Smoothed over ±0.03: the score is flat near its best, and the middle of that plateau moves less on
    # a corpus the model was not fit on than its edge does.
    grid = np.linspace(0.2, 0.8, 61)
    good = np.array([1.0 if r["right"] else 0.0 for r in rows])
    score = np.array([(np.where(p >= t, good, 1.0 - y) * w).sum() for t in grid])
    smooth = np.convolve(score, np.ones(2 * SMOOTH + 1) / (2 * SMOOTH + 1), mode="same")
    threshold = float(grid[SMOOTH:-SMOOTH][int(np.argmax(smooth[SMOOTH:-SMOOTH]))])
    # Confidence is fit on what would be answered (off-topic questions that slip through count as wrong).
    answered = [r for r, pr in zip(rows, p, strict=True) if pr >= threshold]
    xc, wc = design(answered, CONFIDENCE_FEATURES)
    yc = np.array([1.0 if r["right"] else 0.0 for r in answered])
    wconf, bconf = fit(xc, yc, l2=CONFIDENCE_L2, weights=wc)
    return {
        "scope": {"weights": dict(zip(SCOPE_FEATURES, map(float, ws), strict=True)), "bias": float(bs), "threshold": threshold},
        "confidence": {"weights": dict(zip(CONFIDENCE_FEATURES, map(float, wconf), strict=True)), "bias": float(bconf)},
    }


def _save(params: dict) -> None:
    CALIBRATION_FILE.write_text(json.dumps(params, indent=1) + "\n")
    _calibration.cache_clear()


def fit_suites(suites: dict, root: Path, base_home: Path | None = None) -> str:
    """Fit the ranker, then (with it in place) the scope and confidence models, on every suite's dev
    cases, and write assistant/verdict/calibration.json."""
    params = {k: v for k, v in _calibration().items() if k not in ("ranker", "scope", "confidence", "derived")}
    _save(params | {"ranker": fit_ranker(collect(suites, root, base_home))})
    rows = collect(suites, root, base_home)
    params = dict(_calibration()) | fit_models(rows)
    _save(params)
    return f"ranker, scope and confidence refit on the dev cases of {params['fitted_on']}"
