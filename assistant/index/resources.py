"""Shared, cached resources behind the answer path: the embedder and the opened index."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable

from langchain_core.embeddings import Embeddings

from assistant import settings as settings_mod
from assistant.errors import IndexMissing
from assistant.index import keyword
from assistant.index.embedder import make
from assistant.index.store import Store, open_current
from assistant.settings import Settings

_embedders: dict[str, Embeddings] = {}
_lock = threading.Lock()


def embedder_for(settings: Settings) -> Embeddings:
    """One embedder instance per spec for the whole process (loading weights is the slow part)."""
    with _lock:
        if settings.embedder not in _embedders:
            embedder = make(settings.embedder)
            if hasattr(embedder, "cache_dir") and embedder.cache_dir is None:
                embedder.cache_dir = settings.cache_dir  # decompressed weights: ~0.1 s to load instead of ~1 s
            _embedders[settings.embedder] = embedder
        keyword.use_cache(settings.cache_dir)
        return _embedders[settings.embedder]


def warm(settings: Settings) -> threading.Thread:
    """Start loading the embedder's weights in the background; other imports overlap with it."""

    def load():
        try:
            getattr(embedder_for(settings), "warm", lambda: None)()
        except Exception:
            pass  # the real call reports the error

    t = threading.Thread(target=load, daemon=True)
    t.start()
    return t


def _say(message: str) -> None:
    print(message, file=sys.stderr)


def resources(
    settings: Settings | None = None, auto_ingest: bool = True, notice: Callable[[str], None] | None = _say
) -> tuple[Store, Embeddings]:
    """(opened current index, embedder); builds the index from the corpus on first use."""
    settings = settings or settings_mod.load()
    embedder = embedder_for(settings)
    try:
        return open_current(settings, embedder), embedder
    except IndexMissing:
        if not auto_ingest or (settings.index_dir / "current.json").exists():
            raise
    from ingest.pipeline import run

    if notice:
        notice(f"no index yet: ingesting {settings.corpus} into {settings.index_dir} (once)…")
    report = run(settings, embedder, progress=False)
    if notice:
        notice(report.line())
    return open_current(settings, embedder), embedder
