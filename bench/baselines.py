"""Side by side per corpus: whosejob against the naive "top passage -> its page's unit" dense baseline and
LangChain's plain Chroma similarity search (same store, same embedder), accuracy and latency.

    python -m bench.baselines [--suite all] [--holdout]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path


def _page_unit(chunk, taxonomy) -> str | None:
    """The unit the chunk's page is about: named in its first heading, else the chunk's own owner."""
    found = taxonomy.mentions(chunk.section.split(" › ")[0])
    return found[0][0] if found else chunk.owner


def compare(name: str, suite: dict, holdout: bool, home: Path) -> dict:
    from assistant import settings as settings_mod
    from assistant.answer import answer
    from assistant.index.resources import resources
    from eval import harness, suites

    s = settings_mod.load(home=str(home / name), corpus=suites.ROOT / suite["corpus"])
    store, _ = resources(s, notice=None)
    tax = store.taxonomy
    cases = [c for p in suite["holdout" if holdout else "dev"] for c in harness.load_cases(suites.ROOT / p, tax, suites.ROOT / suite["corpus"])]
    vectors = store.vectors  # langchain_chroma.Chroma over the same collection
    by_text = {}
    for c in store.chunks.values():
        by_text.setdefault(c.text, c)
    rows = {"whosejob": [], "naive dense top passage": [], "LangChain Chroma search": []}
    answer("warm-up", settings=s)
    vectors.similarity_search("warm-up", k=1)
    for case in cases:
        t = time.perf_counter()
        ans = answer(case.question, settings=s)
        rows["whosejob"].append((harness.is_correct(case, ans, tax), time.perf_counter() - t))
        t = time.perf_counter()
        docs = vectors.similarity_search(case.question, k=1)
        took = time.perf_counter() - t
        chunk = by_text.get(docs[0].page_content) if docs else None
        for label, pred in (("naive dense top passage", _page_unit(chunk, tax) if chunk else None),
                            ("LangChain Chroma search", chunk.owner if chunk else None)):
            ok = (not case.abstain) and bool(pred) and any(tax.is_under(pred, a) for a in case.departments)
            rows[label].append((ok, took))
    out = {}
    for label, rs in rows.items():
        ms = sorted(1000 * t for _, t in rs)
        out[label] = {
            "accuracy": round(sum(ok for ok, _ in rs) / len(rs), 3),
            "answerable_accuracy": round(
                sum(ok for (ok, _), c in zip(rs, cases, strict=True) if not c.abstain) / max(1, sum(not c.abstain for c in cases)), 3
            ),
            "p50_ms": round(statistics.median(ms), 1),
            "p95_ms": round(ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))], 1),
        }
    return {"cases": len(cases), "systems": out}


def main() -> None:
    from eval import suites

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--suite", default="all")
    ap.add_argument("--holdout", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        report = {n: compare(n, s, args.holdout, Path(tmp)) for n, s in suites.load(args.suite).items()}
    print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
