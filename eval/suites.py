"""The eval suites of eval/suites.yaml: one corpus each, with dev cases (tuned and fit on) and holdout
cases (reported, never tuned on). `whosejob eval --suite NAME|gate|all [--holdout]`."""

from __future__ import annotations

from pathlib import Path

import yaml

from assistant.errors import EvalCasesError

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = Path(__file__).with_name("suites.yaml")


def _expand(suites: dict) -> dict:
    """An entry whose name ends in `/*` stands for one suite per folder its corpus pattern matches that has
    the case files: `*` in every path is that folder's name, which names the suite (the shapes the project
    wrote under tests/data/corpora, each with its dev and holdout half)."""
    out = {}
    for name, spec in suites.items():
        if not name.endswith("/*"):
            out[name] = spec
            continue
        group = name[:-2]
        for corpus in sorted(ROOT.glob(spec["corpus"])):
            folder = corpus.relative_to(ROOT).parts[spec["corpus"].split("/").index("*")]
            one = {k: [p.replace("*", folder) for p in v] if isinstance(v, list) else v for k, v in spec.items()}
            one |= {"corpus": spec["corpus"].replace("*", folder), "group": group}
            if all((ROOT / p).is_file() for p in one["dev"] + one["holdout"]):
                out[folder] = one
    return out


def load(names: str = "all") -> dict:
    """Suites by name ('all', 'gate', a group such as 'shapes', or comma-separated names) whose corpus folder
    exists here."""
    suites = _expand(yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))["suites"])
    if names == "gate":
        chosen = {k: v for k, v in suites.items() if v.get("gate")}
    elif names == "all":
        chosen = suites
    elif any(v.get("group") == names for v in suites.values()):
        chosen = {k: v for k, v in suites.items() if v.get("group") == names}
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
