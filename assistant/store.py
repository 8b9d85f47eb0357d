"""The index on disk: generations of (Chroma collection, keyword index, chunk table, vectors).

An ingest builds a new generation beside the current one and then switches `current.json`
with one atomic rename, so a reader (or a crash) only ever sees a whole old or a whole new index.
Vectors are also kept as `vectors.npy` in each generation: the next ingest reuses them for
unchanged chunks (nothing is embedded twice), and it works the same with a Chroma server.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import numpy as np

from .errors import IndexMismatch, IndexMissing, StoreUnavailable
from .models import Chunk
from .settings import Settings

CURRENT = "current.json"
GENERATIONS = "gens"
COLLECTION_PREFIX = "whosejob-"


def _chroma_settings():
    from chromadb.config import Settings as ChromaSettings

    # Telemetry off: nothing leaves the machine.
    return ChromaSettings(anonymized_telemetry=False, allow_reset=False)


def client(settings: Settings, path: Path | None = None):
    """A Chroma client: HTTP when `chroma_url` is set, else embedded at `path`."""
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    import chromadb

    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        if url.scheme not in ("http", "https") or not url.hostname:
            from .errors import ConfigError

            raise ConfigError(f"chroma url {settings.chroma_url!r} must look like http://host:port")
        try:
            return chromadb.HttpClient(
                host=url.hostname,
                port=url.port or (443 if url.scheme == "https" else 8000),
                ssl=url.scheme == "https",
                settings=_chroma_settings(),
            )
        except Exception as err:
            raise StoreUnavailable(f"Chroma server at {settings.chroma_url} is unreachable ({_short(err)})") from None
    assert path is not None
    return chromadb.PersistentClient(path=str(path), settings=_chroma_settings())


def _short(err: Exception) -> str:
    text = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    return text[:160]


def vectorstore(settings: Settings, generation: str, embedder, create: bool = False):
    """The generation's collection as a LangChain `Chroma` vector store (cosine space)."""
    from langchain_chroma import Chroma

    path = generation_dir(settings, generation) / "chroma"
    try:
        return Chroma(
            collection_name=COLLECTION_PREFIX + generation,
            embedding_function=embedder,
            client=client(settings, path),
            collection_configuration={"hnsw": {"space": "cosine"}},
            create_collection_if_not_exists=create,
        )
    except StoreUnavailable:
        raise
    except Exception as err:
        if settings.chroma_url:
            raise StoreUnavailable(f"Chroma server at {settings.chroma_url} failed: {_short(err)}") from None
        raise IndexMissing(
            f"the index at {settings.index_dir} is damaged ({_short(err)}); run `whosejob ingest` again"
        ) from None


def generation_dir(settings: Settings, generation: str) -> Path:
    return settings.index_dir / GENERATIONS / generation


def read_current(settings: Settings) -> dict | None:
    try:
        return json.loads((settings.index_dir / CURRENT).read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        raise IndexMissing(f"{settings.index_dir / CURRENT} is unreadable; run `whosejob ingest` again") from None


def write_current(settings: Settings, meta: dict) -> None:
    """Point readers at a new generation with one atomic rename."""
    path = settings.index_dir / CURRENT
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    with open(tmp, "w") as fh:
        json.dump(meta, fh, ensure_ascii=False)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def prune(settings: Settings, keep: set[str]) -> None:
    """Remove generations (and their server collections) other than `keep`: leftovers of crashes and old builds."""
    root = settings.index_dir / GENERATIONS
    if root.is_dir():
        for d in root.iterdir():
            if d.name not in keep:
                shutil.rmtree(d, ignore_errors=True)
    if settings.chroma_url:
        try:
            api = client(settings)
            for col in api.list_collections():
                name = getattr(col, "name", col)
                if name.startswith(COLLECTION_PREFIX) and name[len(COLLECTION_PREFIX):] not in keep:
                    api.delete_collection(name)
        except Exception:
            pass  # a stale server collection costs disk, never correctness


@dataclass
class Store:
    """One generation opened for reading: chunks by id, keyword index and the Chroma vector store."""

    settings: Settings
    generation: str
    meta: dict
    chunks: dict[str, Chunk]
    keyword: object  # KeywordIndex
    vectors: object  # langchain_chroma.Chroma

    def dense(self, vector: list[float], k: int) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) of the k nearest chunks."""
        try:
            found = self.vectors.similarity_search_by_vector_with_relevance_scores(vector, k=k)
        except Exception as err:
            if self.settings.chroma_url:
                raise StoreUnavailable(
                    f"Chroma server at {self.settings.chroma_url} did not answer ({_short(err)}); is it running?"
                ) from None
            raise
        return [(doc.id, 1.0 - float(dist)) for doc, dist in found if doc.id in self.chunks]


def load_chunks(gen_dir: Path) -> list[Chunk]:
    with open(gen_dir / "chunks.jsonl", encoding="utf-8") as fh:
        return [Chunk.from_metadata(r["id"], r["text"], r["meta"]) for r in map(json.loads, fh)]


def load_vectors(gen_dir: Path) -> np.ndarray:
    return np.load(gen_dir / "vectors.npy")


_cache: dict[tuple[str, str | None], tuple[float, Store]] = {}
_cache_lock = threading.Lock()


def open_current(settings: Settings, embedder) -> Store:
    """The current generation, reopened only when an ingest has switched it (checked per call)."""
    from .keyword import KeywordIndex

    key = (str(settings.index_dir), settings.chroma_url)
    path = settings.index_dir / CURRENT
    try:
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        raise IndexMissing(f"no index at {settings.index_dir}; run `whosejob ingest` first") from None
    with _cache_lock:
        hit = _cache.get(key)
        if hit and hit[0] == mtime:
            return hit[1]
        meta = read_current(settings)
        if meta is None:
            raise IndexMissing(f"no index at {settings.index_dir}; run `whosejob ingest` first")
        from .embedder import spec_name

        if meta.get("embedder") != spec_name(embedder):
            raise IndexMismatch(
                f"the index was built with embedder {meta.get('embedder')!r} but {spec_name(embedder)!r} is "
                f"selected; run `whosejob ingest` with the same embedder to rebuild it"
            )
        if bool(meta.get("chroma_url")) != bool(settings.chroma_url):
            where = meta.get("chroma_url") or "the embedded store"
            raise IndexMismatch(f"the index lives in {where}; run `whosejob ingest` for this store first")
        gen = meta["generation"]
        gen_dir = generation_dir(settings, gen)
        started = time.perf_counter()
        chunks = {c.id: c for c in load_chunks(gen_dir)}
        store = Store(
            settings=settings,
            generation=gen,
            meta=meta,
            chunks=chunks,
            keyword=KeywordIndex.load(gen_dir / "keyword"),
            vectors=vectorstore(settings, gen, embedder),
        )
        store.meta = dict(meta, open_seconds=round(time.perf_counter() - started, 3))
        _cache[key] = (mtime, store)
        return store
