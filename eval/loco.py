"""Leave-one-corpus-out dev: each suite answered with the ranker, scope and confidence models fit on the other
suites' dev cases, never its own. How every change to the answer path is measured before it is kept
(docs/benchmarks.md): a corpus the models were not fit on is what a company's own documents are.

    python -m eval.loco [--home DIR] [--suite NAME[,NAME]]

`--home` keeps each suite's index between runs (rebuilt when the index version changes)."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from assistant.errors import EvalCasesError
from assistant.verdict import verdict
from eval import calibration, harness
from eval.suites import ROOT
from eval.suites import load as load_suites


@contextlib.contextmanager
def fitted(params: dict):
    """Answer with `params` instead of assistant/verdict/calibration.json (nothing is written)."""
    saved = verdict._calibration
    verdict._calibration = lambda: params
    try:
        yield
    finally:
        verdict._calibration = saved


def score(rows: list[dict], models: dict) -> dict:
    """Accuracy of `rows` (answered without abstaining) under `models`' scope and confidence: an answered
    case counts when its department is right, an abstention when the documents do not cover it."""
    models = verdict.for_taxonomy(models, bool(rows) and bool(rows[0].get("derived")))
    scope, ok, conf, conf_right, oos, oos_kept, top1 = models["scope"], [], [], [], 0, 0, []
    for r in rows:
        answered = verdict._logistic(r["features"], scope) >= scope["threshold"]
        ok.append(r["right"] if answered else not r["in_scope"])
        if answered:
            conf.append(verdict._logistic(r["features"], models["confidence"]))
            conf_right.append(r["right"])
        if r["in_scope"]:
            top1.append(r["right"])
        else:
            oos += 1
            oos_kept += not answered
    return {"cases": len(rows), "accuracy": float(np.mean(ok)) if ok else 0.0,
            "abstention_recall": oos_kept / oos if oos else None,
            "answerable_top1": float(np.mean(top1)) if top1 else None,
            "calibration_error": harness.calibration_error(list(zip(conf, conf_right, strict=True)))}


def run(suites: dict, home: Path, only: list[str] | None = None) -> dict:
    """Per suite: fit the ranker on the other suites, answer this one with it, fit scope and confidence on
    the other suites' answers, and score this one."""
    base = verdict._calibration()
    first = calibration.collect(suites, ROOT, home)  # the candidates do not depend on the ranker
    everyone = dict(base) | {"ranker": calibration.fit_ranker(first)}
    with fitted(everyone):
        rows = calibration.collect(suites, ROOT, home)
    report = {}
    for name in suites:
        if only and name not in only:
            continue
        others = [r for r in rows if r["suite"] != name]
        mine = [r for r in rows if r["suite"] == name]
        if mine and mine[0]["derived"]:  # a hand-written taxonomy keeps the evidence vote: no ranker
            with fitted(dict(base) | {"ranker": calibration.fit_ranker(others)}):
                mine = calibration.collect({name: suites[name]}, ROOT, home)
        report[name] = score(mine, calibration.fit_models(others))
    report["mean"] = float(np.mean([v["accuracy"] for v in report.values()]))
    # 24 small shapes would outvote five large corpora in a plain mean: each group is also reported apart
    groups: dict[str, list[dict]] = {}
    for name, v in report.items():
        if name != "mean":
            groups.setdefault(suites[name].get("group", "corpora"), []).append(v)
    for group, vs in groups.items():
        report[f"mean {group}"] = float(np.mean([v["accuracy"] for v in vs]))
    return report


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m eval.loco",
        description="Each suite answered with the ranker, scope and confidence models fit on the other suites only.",
    )
    ap.add_argument("--home", type=Path, help="keep the suites' indexes here (default: a temporary folder)")
    ap.add_argument("--suite", help="report only these suites (all are still fit on)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    suites = load_suites("all")
    try:
        only = list(load_suites(args.suite)) if args.suite else None
    except EvalCasesError as err:
        print(f"python -m eval.loco: {err}", file=sys.stderr)
        return 2
    if len(suites) < 2 or only == []:
        missing = "the suites named have" if only == [] else "fewer than two suites have"
        print(f"python -m eval.loco: {missing} no corpus folder here (eval/suites.yaml)", file=sys.stderr)
        return 2
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        report = run(suites, args.home or Path(tmp), only)
    if args.json:
        print(json.dumps(report, indent=1))
        return 0
    for name, r in report.items():
        if not name.startswith("mean"):
            print(f"{name:20s} accuracy {r['accuracy']:.4f}  n {r['cases']}  abstention recall "
                  f"{r['abstention_recall'] or 0:.3f}  answerable top-1 {r['answerable_top1'] or 0:.3f}  "
                  f"calibration error {r['calibration_error']:.3f}")
    groups = "  ".join(f"{k} {v:.4f}" for k, v in report.items() if k.startswith("mean "))
    print(f"mean {report['mean']:.4f}  {groups}  ({time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
