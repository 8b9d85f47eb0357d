"""The eval suites of eval/suites.yaml: one corpus each, with dev cases (tuned and fit on) and holdout
cases (reported, never tuned on). `whosejob eval --suite NAME|gate|all [--holdout]`."""

from __future__ import annotations

from pathlib import Path

import yaml

from assistant.errors import EvalCasesError

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = Path(__file__).with_name("suites.yaml")


def load(names: str = "all") -> dict:
    """Suites by name ('all', 'gate' or comma-separated names) whose corpus folder exists here."""
    suites = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))["suites"]
    if names == "gate":
        chosen = {k: v for k, v in suites.items() if v.get("gate")}
    elif names == "all":
        chosen = suites
    else:
        wanted = [n.strip() for n in names.split(",") if n.strip()]
        unknown = [n for n in wanted if n not in suites]
        if unknown:
            raise EvalCasesError(f"unknown suite(s) {', '.join(unknown)}; known: {', '.join(suites)}")
        chosen = {n: suites[n] for n in wanted}
    return {k: v for k, v in chosen.items() if (ROOT / v["corpus"]).is_dir()}


def run(suites: dict, settings, holdout: bool = False, **answer_kwargs) -> dict:
    """One eval report per suite, each on its own index under <home>/suites/<name>."""
    from assistant.index.resources import resources
    from eval import harness

    reports = {}
    for name, suite in suites.items():
        s = settings.with_overrides(home=settings.home / "suites" / name, corpus=ROOT / suite["corpus"])
        tax = resources(s, notice=None)[0].taxonomy
        cases = [c for path in suite["holdout" if holdout else "dev"] for c in harness.load_cases(ROOT / path, tax, ROOT / suite["corpus"])]
        reports[name] = harness.run(cases, s, tax, **answer_kwargs)
    return reports
