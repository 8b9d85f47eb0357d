"""`whosejob eval`: score the answer path on question/department cases, and guard against regressions."""

from __future__ import annotations

import json
import statistics
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from assistant.errors import EvalCasesError
from assistant.models import Answer
from assistant.settings import Settings
from assistant.text import fold
from assistant.verdict.taxonomy import Taxonomy, name_and_alias

LANGS = ("zh-Hant", "zh-Hans", "en")
KINDS = ("direct", "depends", "trap", "out_of_scope")
REQUIRED = ("id", "question")


@dataclass(frozen=True)
class Case:
    id: str
    question: str
    departments: tuple[str, ...]  # canonical labels; empty for abstain cases
    abstain: bool
    lang: str
    kind: str


def default_cases_path() -> Path:
    return Path(__file__).resolve().parent / "cases.jsonl"


def _label(name: str, taxonomy) -> str | None:
    """A case's department as the taxonomy knows it. A name written with its abbreviation in one string,
    "People Operations (People Ops)" / 「人力资源部（HR）」, is either of the two."""
    find = taxonomy.resolve if taxonomy.derived else taxonomy.canonical
    both = name_and_alias(name)
    return find(name) or (both and (find(both[0]) or find(both[1]))) or None


@lru_cache(maxsize=8)
def _corpus_text(corpus: Path) -> str:
    """Every document of a corpus as the index reads it, folded: to tell a name the documents use from a typo."""
    from ingest import files

    return fold("\n".join(files.read(p, corpus).text for p in files.find(corpus)))


def load_cases(path: Path, taxonomy: Taxonomy, corpus: Path | None = None) -> list[Case]:
    """Parse a JSONL case file; every problem is reported with its line number. With `corpus`, a case's
    department that a saved taxonomy lacks but the documents name (「產品團隊」 in a sentence) is kept as
    written: it can never be matched, so it counts against the tool; any other unknown name is an error."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise EvalCasesError(f"eval cases file {path} not found") from None
    except UnicodeDecodeError as err:
        raise EvalCasesError(f"{path}: not valid UTF-8 at byte offset {err.start}") from None
    cases, seen = [], {}
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as err:
            raise EvalCasesError(f"{path}:{n}: malformed JSON ({err.msg})") from None
        if not isinstance(raw, dict) or any(k not in raw for k in REQUIRED):
            raise EvalCasesError(f"{path}:{n}: a case needs at least {', '.join(REQUIRED)}")
        cid = str(raw["id"])
        if cid in seen:
            raise EvalCasesError(f"{path}:{n}: duplicate id {cid!r} (first on line {seen[cid]})")
        seen[cid] = n
        labels = raw.get("departments") or []
        if not isinstance(labels, list):
            raise EvalCasesError(f"{path}:{n}: 'departments' must be a list of labels")
        canonical, unknown = [], []
        for label in labels:
            c = _label(str(label), taxonomy)
            (canonical if c else unknown).append(c or str(label))
        if taxonomy.derived or (unknown and corpus and all(fold(u) in _corpus_text(corpus) for u in unknown)):
            # Derived departments: a name the documents use that discovery missed stays as written
            # (it can never be matched, so it counts against the tool, as it should).
            canonical += [u for u in unknown if u not in canonical]
        elif unknown:
            raise EvalCasesError(f"{path}:{n}: unknown department label(s) {', '.join(unknown)} (see `whosejob departments`)")
        abstain = bool(raw.get("abstain", False))
        if not abstain and not canonical:
            raise EvalCasesError(f"{path}:{n}: case {cid!r} has no departments and is not an abstain case")
        question = raw["question"]
        if not isinstance(question, str):
            raise EvalCasesError(f"{path}:{n}: 'question' must be text")
        from assistant.text import script

        cases.append(
            Case(
                id=cid,
                question=question,
                departments=tuple(canonical),
                abstain=abstain,
                lang=str(raw.get("lang") or script(question)),
                kind=str(raw.get("kind") or ("out_of_scope" if abstain else "direct")),
            )
        )
    if not cases:
        raise EvalCasesError(f"{path}: no cases")
    return cases


def is_correct(case: Case, ans: Answer, taxonomy: Taxonomy) -> bool:
    """Right when an abstain case abstains, or the department is an accepted label or under one."""
    if case.abstain:
        return ans.abstained
    if ans.abstained or not ans.department:
        return False
    return any(taxonomy.is_under(ans.department, accepted) for accepted in case.departments)


def citation_valid(cite: dict, corpus: Path, cache: dict[str, str], corrections: Path | None = None) -> bool:
    """The quote is verbatim in the source file within the cited lines (a correction's: in the corrections
    file, at its line, as its note)."""
    from ingest.files import read

    name = cite["source"]
    if corrections is not None and name == corrections.name and (cite.get("section") or "").startswith("correction "):
        from assistant.corrections import citation_valid as correction_valid

        return correction_valid(cite, corrections, cache)
    if name not in cache:
        try:
            cache[name] = read(corpus / name, corpus).text
        except Exception:
            cache[name] = ""
    lines = cache[name].split("\n")
    start, end = cite["lines"]
    if not (1 <= start <= end <= len(lines)):
        return False
    return bool(cite["quote"]) and cite["quote"] in "\n".join(lines[start - 1 : end])


def calibration_error(pairs: list[tuple[float, bool]], bins: int = 5) -> float:
    """Expected calibration error of confidence against correctness over equal-width bins."""
    if not pairs:
        return 0.0
    total, err = len(pairs), 0.0
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        inside = [(c, ok) for c, ok in pairs if lo <= c < hi or (b == bins - 1 and c == 1.0)]
        if inside:
            conf = sum(c for c, _ in inside) / len(inside)
            acc = sum(ok for _, ok in inside) / len(inside)
            err += len(inside) / total * abs(conf - acc)
    return err


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    idx = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[idx]


def run(cases: list[Case], settings: Settings, taxonomy: Taxonomy, answer_fn=None, **answer_kwargs) -> dict:
    """Answer every case (warm) and compute the report `whosejob eval --json` prints."""
    from assistant.answer import answer as default_answer

    answer_fn = answer_fn or default_answer
    # load the models and the index outside timing (an English question loads MiniLM too: index/minilm.py)
    for warm_up in ("warm-up 新聞稿歸誰管?", "warm-up: who writes press releases?"):
        answer_fn(warm_up, settings=settings, **answer_kwargs)
    results, latencies, pairs = [], [], []
    cites_total = cites_ok = 0
    cache: dict[str, str] = {}
    tp = fp = fn = 0
    for case in cases:
        t = time.perf_counter()
        ans = answer_fn(case.question, settings=settings, **answer_kwargs)
        latencies.append((time.perf_counter() - t) * 1000)
        ok = is_correct(case, ans, taxonomy)
        if ans.abstained and case.abstain:
            tp += 1
        elif ans.abstained:
            fp += 1
        elif case.abstain:
            fn += 1
        if not ans.abstained:
            pairs.append((ans.confidence, ok))
        for c in ans.to_dict()["citations"]:
            cites_total += 1
            cites_ok += citation_valid(c, settings.corpus, cache, settings.corrections_path)
        results.append(
            {
                "id": case.id,
                "question": case.question,
                "lang": case.lang,
                "kind": case.kind,
                "expected": list(case.departments) if not case.abstain else "abstain",
                "predicted": ans.department if not ans.abstained else "abstain",
                "correct": ok,
                "abstained": ans.abstained,
                "confidence": round(ans.confidence, 3),
                "depends": [s.department for s in ans.depends],
            }
        )

    def group(key: str, names) -> dict:
        out = {}
        for name in list(names) + sorted({r[key] for r in results} - set(names)):
            rows = [r for r in results if r[key] == name]
            if rows:
                out[name] = {"n": len(rows), "accuracy": round(sum(r["correct"] for r in rows) / len(rows), 4)}
        return out

    n = len(results)
    named = {c.departments[0] for c in cases if c.departments}
    found = {name for name in named if name in taxonomy}
    return {
        "cases": n,
        # Units the cases name that the taxonomy knows (for a derived one: discovered from the documents).
        "units": {"named": len(named), "found": len(found), "missing": sorted(named - found)},
        "accuracy": round(sum(r["correct"] for r in results) / n, 4),
        "by_lang": group("lang", LANGS),
        "by_kind": group("kind", KINDS),
        "abstention": {
            "precision": round(tp / (tp + fp), 4) if tp + fp else 1.0,
            "recall": round(tp / (tp + fn), 4) if tp + fn else 1.0,
            "abstained": tp + fp,
        },
        "citation_validity": round(cites_ok / cites_total, 4) if cites_total else 1.0,
        "citations": cites_total,
        "calibration_error": round(calibration_error(pairs), 4),
        "latency_ms": {
            "p50": round(statistics.median(latencies), 2),
            "p95": round(_percentile(latencies, 0.95), 2),
            "max": round(max(latencies), 2),
        },
        "results": results,
    }


def flips(report: dict, baseline: dict) -> dict[str, list[str]]:
    """Cases whose outcome changed since the baseline: right -> wrong and wrong -> right."""
    before = baseline.get("correct") or {}
    now = {r["id"]: r["correct"] for r in report["results"]}
    return {
        "right_to_wrong": sorted(i for i, ok in now.items() if before.get(i) is True and not ok),
        "wrong_to_right": sorted(i for i, ok in now.items() if before.get(i) is False and ok),
    }


def summary(report: dict) -> dict:
    """What a baseline file keeps: the figures and each case's outcome (to list flips later)."""
    out = {k: v for k, v in report.items() if k != "results"}
    out["correct"] = {r["id"]: r["correct"] for r in report["results"]}
    return out


def compare(report: dict, baseline: dict) -> list[str]:
    """Regressions against a baseline report: accuracy down more than a point, or any bad citation."""
    problems = []
    if report["accuracy"] < baseline.get("accuracy", 0.0) - 0.01:
        problems.append(f"accuracy {report['accuracy']:.4f} is more than one point below the baseline {baseline['accuracy']:.4f}")
    if report["citation_validity"] < 1.0:
        problems.append(f"citation validity {report['citation_validity']:.4f} is below 1.0")
    return problems


def table(report: dict) -> str:
    """The human-readable report."""
    out = [
        f"cases {report['cases']}  accuracy {report['accuracy']:.3f}  "
        f"abstention P {report['abstention']['precision']:.3f} R {report['abstention']['recall']:.3f}  "
        f"citation validity {report['citation_validity']:.3f} ({report['citations']})  "
        f"calibration error {report['calibration_error']:.3f}  "
        f"latency p50 {report['latency_ms']['p50']:.1f} ms p95 {report['latency_ms']['p95']:.1f} ms",
        "",
        f"{'by lang':<16}{'n':>5}{'accuracy':>10}",
    ]
    out += [f"  {k:<14}{v['n']:>5}{v['accuracy']:>10.3f}" for k, v in report["by_lang"].items()]
    out.append(f"{'by kind':<16}{'n':>5}{'accuracy':>10}")
    out += [f"  {k:<14}{v['n']:>5}{v['accuracy']:>10.3f}" for k, v in report["by_kind"].items()]
    wrong = [r for r in report["results"] if not r["correct"]]
    if wrong:
        out += ["", f"wrong ({len(wrong)}):"]
        for r in wrong:
            exp = r["expected"] if isinstance(r["expected"], str) else "/".join(r["expected"])
            out.append(f"  {r['id']:<10} expected {exp:<16} got {r['predicted']:<12} {r['question'][:60]}")
    return "\n".join(out)
