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
from assistant.index.store import INDEX_VERSION, Store, open_current
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


def warm(settings: Settings, english: bool = False) -> threading.Thread:
    """Start loading the embedder's weights in the background; other imports overlap with it. `english`:
    MiniLM's too (an English question reads English passages with it: assistant/index/minilm.py)."""

    def load():
        try:
            getattr(embedder_for(settings), "warm", lambda: None)()
        except Exception:
            pass  # the real call reports the error

    def load_english():
        try:
            from assistant.index import minilm

            minilm.model(settings.cache_dir)
        except Exception:
            pass

    if english:  # its own thread: onnxruntime builds its session while the other model loads
        threading.Thread(target=load_english, daemon=True).start()
    t = threading.Thread(target=load, daemon=True)
    t.start()
    return t


def _say(message: str) -> None:
    print(message, file=sys.stderr)


def resources(
    settings: Settings | None = None, auto_ingest: bool = True, notice: Callable[[str], None] | None = _say
) -> tuple[Store, Embeddings]:
    """(opened current index, embedder); builds the index from the corpus on first use, and again when an
    older whosejob built it."""
    settings = settings or settings_mod.load()
    embedder = embedder_for(settings)
    try:
        store = open_current(settings, embedder)
        # An index an older whosejob built lacks what this one reads (the meta's yardsticks, new chunking):
        # rebuild it once, as on first use. A server's index is rebuilt by whoever runs its ingest.
        if store.meta.get("index_version") == INDEX_VERSION or not auto_ingest or settings.chroma_url:
            return store, embedder
        why = f"the index was built by an older whosejob: rebuilding it from {settings.corpus} (once)…"
        force = True  # its fingerprint may still match: build the new generation regardless
    except IndexMissing:
        if not auto_ingest or (settings.index_dir / "current.json").exists():
            raise
        why = f"no index yet: ingesting {settings.corpus} into {settings.index_dir} (once)…"
        force = False
    from ingest.pipeline import run

    if notice:
        notice(why)
    report = run(settings, embedder, progress=False, force=force)
    if notice:
        notice(report.line())
    return open_current(settings, embedder), embedder
