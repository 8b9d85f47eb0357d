"""Optional cross-encoder reranking of the fused candidates (`WHOSEJOB_RERANKER` / `--reranker`).

The reranker only reorders: the fused scores stay, handed out best-first in the cross-encoder's order,
so the verdict's thresholds (tuned on fused scores) keep their meaning. sentence-transformers is
imported only when a reranker is set (extra `whosejob[st]`).
"""

from __future__ import annotations

import threading

from assistant.models import Chunk

POOL = 24  # fused candidates the cross-encoder reads; the rest keep their place behind them

_models: dict[str, object] = {}  # spec -> CrossEncoder (tests may put a stand-in here)
_lock = threading.Lock()


def model_for(spec: str):
    """One `CrossEncoder` per spec for the whole process, loaded on first use."""
    with _lock:
        if spec not in _models:
            from pathlib import Path

            from assistant.index.st import load_model

            path = Path(spec).expanduser()
            _models[spec] = load_model(str(path.resolve()) if path.exists() else spec, "CrossEncoder")
        return _models[spec]


def rerank(
    spec: str, query: str, ranked: list[tuple[str, float]], chunks: dict[str, Chunk]
) -> list[tuple[str, float]]:
    """`ranked` (chunk id, fused score; best first) reordered by the cross-encoder over the top `POOL`."""
    head, tail = ranked[:POOL], ranked[POOL:]
    if len(head) < 2:
        return ranked
    scores = model_for(spec).predict(
        [(query, chunks[cid].text) for cid, _ in head], batch_size=32, show_progress_bar=False
    )
    order = sorted(range(len(head)), key=lambda i: -float(scores[i]))
    values = sorted((s for _, s in head), reverse=True)
    return [(head[i][0], values[pos]) for pos, i in enumerate(order)] + tail
