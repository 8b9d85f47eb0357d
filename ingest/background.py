"""How close everyday off-topic questions come to this corpus, per language: the yardstick that tells a
question the documents cover from one they merely resemble (cosine levels differ by corpus and language).

The questions (assistant/verdict/offtopic.txt) are about weather, food, homework, code, … never about
work; at ingest each is matched against the corpus and the mean and spread of their best similarity are
kept in the index metadata. The verdict scores a question's best similarity in those units, and its word
coverage and best keyword score in the units of theirs: a large corpus with a large vocabulary has some
of any question's words, so the same share of words found means less there than in a small one.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from assistant.atomic import write_atomic


def questions() -> list[str]:
    from importlib.resources import files

    try:
        lines = (files("assistant.verdict") / "offtopic.txt").read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    return [ln.strip() for ln in lines if ln.strip() and not ln.startswith("#")]


def vectors(embedder, cache_dir: Path | None = None) -> np.ndarray:
    """The off-topic questions embedded as questions, unit length (kept beside each generation: the
    verdict also asks how near a question comes to the nearest of them). They depend on the question
    list and the embedder only, so `cache_dir` keeps them once per machine instead of ~2 s per ingest."""
    qs = questions()
    if not qs:
        return np.zeros((0, 0), dtype=np.float32)
    path = None
    if cache_dir is not None:
        from assistant.index.embedder import spec_name

        key = hashlib.sha1(("\n".join(qs) + "\0" + spec_name(embedder)).encode()).hexdigest()[:16]
        path = Path(cache_dir) / f"offtopic-{key}.npy"
        try:
            cached = np.load(path)
            if cached.shape[0] == len(qs):
                return cached
        except (OSError, ValueError):
            pass  # missing or damaged: embed again
    vecs = np.asarray([embedder.embed_query(q) for q in qs], dtype=np.float32)
    vecs = vecs / np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-9)
    if path is not None:
        try:
            write_atomic(path, lambda fh: np.save(fh, vecs))
        except OSError:
            pass  # an unwritable cache only costs time
    return vecs


def stats(vecs: np.ndarray, matrix: np.ndarray) -> dict[str, list[float]]:
    """{'en': [mean, std], 'zh': [mean, std]} of the off-topic questions' (`vecs`) best cosine against `matrix`."""
    from assistant.text import family, script

    qs = questions()
    if not qs or not len(matrix) or len(vecs) != len(qs):
        return {}
    docs = matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-9)
    best = (vecs @ docs.T).max(axis=1)
    out = {}
    for fam in ("en", "zh"):
        sel = np.array([family(script(q)) == fam for q in qs])
        if sel.sum() >= 10:
            out[fam] = [float(best[sel].mean()), float(max(best[sel].std(), 1e-3))]
    return out


def lexical(keyword) -> dict[str, list[float]]:
    """{'en': [coverage mean, std, keyword mean, std], 'zh': …} of the off-topic questions against the
    corpus's keyword index (keyword: the best BM25 score as the verdict scales it)."""
    from assistant.text import family, script
    from assistant.verdict.verdict import keyword_strength

    rows: dict[str, list[tuple[float, float]]] = {}
    for q in questions():
        found = keyword.search(q, 1)
        best = found[0][1] if found else 0.0
        rows.setdefault(family(script(q)), []).append((keyword.coverage(q), keyword_strength(best)))
    out = {}
    for fam, vals in rows.items():
        if len(vals) >= 10:
            cov, kw = np.array(vals).T
            out[fam] = [float(cov.mean()), float(max(cov.std(), 0.02)), float(kw.mean()), float(max(kw.std(), 0.02))]
    return out
