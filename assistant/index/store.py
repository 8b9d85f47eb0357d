"""The index on disk: generations of (Chroma collection, keyword index, chunk table, vectors).

An ingest builds a new generation beside the current one and then switches `current.json`
with one atomic rename, so a reader (or a crash) only ever sees a whole old or a whole new index.
Vectors are also kept as `vectors.npy` in each generation: the next ingest reuses them for
unchanged chunks (nothing is embedded twice), and it works the same with a Chroma server.

With a Chroma server the vectors live on the server (collection `whosejob-<generation>`) and the
keyword index and chunk table stay local under WHOSEJOB_HOME: BM25 and the chunk lookups run in
this process on every question, a network round trip each would cost more than they do. The
server also holds the pointer to the current generation (collection `whosejob.current`), so a
reader on another machine, or one whose local copy is gone, rebuilds the chunk table and the BM25
index from the collection's documents and metadata (mirror.py) and needs nothing else. The server
answers the nearest-neighbour search; the few other chunks a question needs scored (those only BM25 found,
those near one clause) are scored from the local vectors.npy when there is one, else fetched.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

import numpy as np

from assistant.errors import IndexMismatch, IndexMissing
from assistant.index import bridge, minilm
from assistant.index.bridge import Bridge
from assistant.index.chroma import (
    collection,
    failed,
    server_current,
    short,
    vectorstore,
)
from assistant.index.closeness import closeness, unit, unit_means
from assistant.index.generations import (
    CURRENT,
    generation_dir,
    load_chunks,
    read_current,
    read_profiles,
    taxonomy_of,
    write_current,
)
from assistant.index.mirror import materialize, prune
from assistant.models import Chunk
from assistant.settings import Settings

# Bump when chunking, keyword tokenization or what ingest keeps in the meta changes: an index built by an
# older version is rebuilt on its next ingest, and `resources()` rebuilds it before answering.
INDEX_VERSION = 46

POINTER_TTL = 10.0  # seconds a reader trusts its copy before asking the server for the current generation
EXACT_LIMIT = 20_000  # chunks: scoring all of them is ~3 ms at this size (see Store.dense)


@dataclass
class Store:
    """One generation opened for reading: chunks by id, keyword index and the Chroma collection."""

    settings: Settings
    generation: str
    meta: dict
    chunks: dict[str, Chunk]
    keyword: object  # KeywordIndex
    collection: object  # chromadb Collection
    embedder: object = None
    checked: float = field(default=0.0)  # when the server's pointer was last compared (server mode)

    @cached_property
    def companies(self) -> tuple[str, ...]:
        """The example-company blocks the chunks name, worked out once per opened generation: scanning
        every chunk per question costs ~6 ms at 100k chunks (retriever.make_query still does; see issue 5)."""
        return tuple(sorted({c.company for c in self.chunks.values() if c.company}))

    @cached_property
    def chinese_share(self) -> float:
        """The share of the sources' passages written in Chinese."""
        from assistant.text import chinese_share

        return chinese_share(c.text for c in self.chunks.values())

    @cached_property
    def generic(self) -> frozenset[str]:
        """Words the passages of most units use (KeywordIndex.generic), as ingest found them."""
        return frozenset(self.meta.get("generic") or ())

    @cached_property
    def taxonomy(self):
        return taxonomy_of(self.meta, self.settings)

    @cached_property
    def vectors(self):
        """The same collection as a LangChain `Chroma` vector store (imported only when asked for)."""
        return vectorstore(self.settings, self.generation, self.embedder)

    @cached_property
    def saved(self) -> np.ndarray | None:
        """This generation's vectors.npy, memory-mapped (rows in chunk-table order): with a Chroma server it
        scores the few chunks a question needs without fetching their vectors over the network; None when
        this machine has no copy (a reader that rebuilt its chunk table from the server). `exact` reads it too."""
        try:
            matrix = np.load(generation_dir(self.settings, self.generation) / "vectors.npy", mmap_mode="r")
        except (OSError, ValueError):
            return None
        return matrix if matrix.ndim == 2 and matrix.shape[0] == len(self.chunks) else None

    @cached_property
    def exact(self) -> tuple[list[str], np.ndarray] | None:
        """(chunk ids, unit vectors) for exact search, from this generation's vectors.npy; None for an index
        past EXACT_LIMIT chunks, without local vectors or in server mode (then Chroma's HNSW answers)."""
        if len(self.chunks) > EXACT_LIMIT or self.settings.chroma_url or self.saved is None:
            return None
        return list(self.chunks), unit(self.saved)

    @cached_property
    def english(self) -> tuple[np.ndarray, np.ndarray] | None:
        """(MiniLM unit vectors, is-English mask), one row per chunk (assistant/index/minilm.py); None when
        this generation was built without the model, has no English passage or this machine has no copy."""
        if not self.meta.get("english"):
            return None
        try:
            matrix = np.load(generation_dir(self.settings, self.generation) / minilm.VECTORS, mmap_mode="r")
        except (OSError, ValueError):
            return None
        if matrix.ndim != 2 or matrix.shape[0] != len(self.chunks):
            return None
        english = np.asarray(matrix).any(axis=1)
        return (matrix, english) if english.any() else None  # no English passage: no question to embed

    def english_similarities(self, vector: np.ndarray, ids: list[str]) -> dict[str, float]:
        """MiniLM cosine of an English question to each of `ids` that is an English passage."""
        if self.english is None:
            return {}
        matrix, english = self.english
        rows = [(cid, self.rows[cid]) for cid in ids if cid in self.rows and english[self.rows[cid]]]
        if not rows:
            return {}
        sims = np.asarray(matrix[[r for _, r in rows]]) @ np.asarray(vector, dtype=np.float32)
        return {cid: float(x) for (cid, _), x in zip(rows, sims, strict=True)}

    @cached_property
    def offtopic(self) -> np.ndarray | None:
        """The everyday off-topic questions (assistant/verdict/offtopic.txt) as unit vectors, saved at ingest."""
        try:
            vecs = np.load(generation_dir(self.settings, self.generation) / "offtopic.npy")
        except (OSError, ValueError):
            return None
        return vecs if vecs.ndim == 2 and len(vecs) else None

    def offtopic_similarity(self, vector: list[float] | None) -> float | None:
        """Cosine of the question to the nearest everyday off-topic question (None: not known)."""
        if vector is None or self.offtopic is None or self.offtopic.shape[1] != len(vector):
            return None
        v = np.asarray(vector, dtype=np.float32)
        return float((self.offtopic @ (v / max(float(np.linalg.norm(v)), 1e-12))).max())

    @cached_property
    def profiles(self) -> tuple[list[str], np.ndarray] | None:
        """(units, unit vectors): the mean of each unit's passages, saved at ingest or read back from the server
        (worked out from vectors.npy for a generation built before that); None when neither is here."""
        saved = read_profiles(generation_dir(self.settings, self.generation))
        if saved is not None:
            return saved
        return unit_means(self.saved, [c.owner for c in self.chunks.values()]) if self.saved is not None else None

    def unit_closeness(self, vector: list[float] | None) -> dict[str, float]:
        """Cosine of the question to each unit's mean passage (empty: not known)."""
        if vector is None or self.profiles is None or self.profiles[1].shape[1] != len(vector):
            return {}
        units, matrix = self.profiles
        sims = matrix @ unit(vector)[0]
        return {u: float(x) for u, x in zip(units, sims, strict=True)}

    @cached_property
    def keyword_units(self) -> tuple[list[str], np.ndarray]:
        """(units, each keyword row's unit number or -1), for KeywordIndex.word_owners."""
        owners = [self.chunks[cid].owner if cid in self.chunks else None for cid in self.keyword.ids]
        units = sorted({o for o in owners if o})
        number = {u: i for i, u in enumerate(units)}
        return units, np.asarray([number.get(o, -1) for o in owners], dtype=np.int64)

    def word_owners(self, content: list[str], cross: str = "") -> dict[str, float]:
        """Which units' passages the question's words (`content_words`) live in (KeywordIndex.word_owners).
        `cross`: the question's language ("en" or "zh") when the documents are in the other one: its words
        count through the corpus's dictionary bridge too (assistant/index/bridge.py)."""
        units, unit_of = self.keyword_units
        bridged = self.bridge.terms(content, cross) if cross else None
        shares = self.keyword.word_owners(content, unit_of, len(units), bridged)
        return {u: float(x) for u, x in zip(units, shares, strict=True) if x}

    @cached_property
    def bridge(self) -> Bridge:
        """The keyword vocabulary's dictionary bridge, saved at ingest; built here for a generation without one
        (built before it, or read back from a server), once per process."""
        saved = Bridge.load(generation_dir(self.settings, self.generation))
        return saved if saved is not None else bridge.build(self.keyword.bm25.vocab_dict, self.settings.cache_dir)

    @cached_property
    def rows(self) -> dict[str, int]:
        """Row of each chunk id in the exact-search matrix and in vectors.npy."""
        return {cid: i for i, cid in enumerate(self.chunks)}

    def similarities(self, vector: list[float], ids: list[str], parts: list[list[float]] = ()) -> dict[str, float]:
        """Closeness of the question to each of `ids` (index/closeness.py): the dense score of a chunk only
        the keyword side found is its real similarity, not a zero (retriever.search)."""
        if not ids:
            return {}
        if self.exact is not None or self.saved is not None:
            found = [cid for cid in ids if cid in self.rows]
            picked = [self.rows[cid] for cid in found]
            matrix = self.exact[1][picked] if self.exact is not None else unit(self.saved[picked])
            sims = closeness(matrix, vector, parts)
            return {cid: float(x) for cid, x in zip(found, sims, strict=True)}
        try:
            got = self.collection.get(ids=list(ids), include=["embeddings"])
        except Exception as err:
            raise failed(self.settings, err, "did not answer") from None
        rows = unit(np.asarray(got["embeddings"], dtype=np.float32).reshape(len(got["ids"]), -1))
        return {cid: float(x) for cid, x in zip(got["ids"], closeness(rows, vector, parts), strict=True)}

    def dense(self, vector: list[float], k: int, parts: list[list[float]] = ()) -> list[tuple[str, float]]:
        """(chunk id, closeness) of the k nearest chunks; `parts`: the vectors of a long question's clauses.

        Up to EXACT_LIMIT chunks every vector is scored: Chroma's HNSW search (default ef) missed a
        rank-3 chunk from its top 100 in about one process of three on an 800-chunk index, so the same
        question got different answers from run to run. Past that size the graph's speed is worth it."""
        if self.exact is not None:
            ids, matrix = self.exact
            sims = closeness(matrix, vector, parts)
            top = np.argsort(-sims, kind="stable")[: min(k, len(ids))]
            return [(ids[i], float(sims[i])) for i in top]
        try:
            found = self.collection.query(query_embeddings=[vector, *parts], n_results=k, include=["distances"])
        except Exception as err:
            raise failed(self.settings, err, "did not answer") from None
        if not parts:
            return [
                (cid, 1.0 - float(dist))
                for cid, dist in zip(found["ids"][0], found["distances"][0], strict=True)
                if cid in self.chunks
            ]
        near = list(dict.fromkeys(cid for ids in found["ids"] for cid in ids if cid in self.chunks))
        return sorted(self.similarities(vector, near, parts).items(), key=lambda kv: -kv[1])[:k]


_cache: dict[tuple[str, str | None], tuple[float, Store]] = {}
_cache_lock = threading.Lock()


def _from_server(settings: Settings, local: dict | None) -> dict:
    """Server mode: the server's current generation, rebuilt locally when this machine lacks it."""
    meta = server_current(settings)
    if meta is None:
        if local and local.get("chroma_url") == settings.chroma_url:
            return local  # built before the server kept a pointer
        raise IndexMissing(f"no index on the Chroma server at {settings.chroma_url}; run `whosejob ingest` first")
    if not (generation_dir(settings, meta["generation"]) / "chunks.jsonl").exists():
        materialize(settings, meta)
    if local != meta:
        write_current(settings, meta)
        prune(settings, {meta["generation"]} | ({local["generation"]} if local else set()), server=False)
    return meta


def open_current(settings: Settings, embedder) -> Store:
    """The current generation, reopened only when an ingest has switched it (checked per call;
    with a server, its pointer is compared at most every POINTER_TTL seconds)."""
    from assistant.index.embedder import spec_name

    # The embedder is part of the key so another one is checked against the index, never served from cache.
    key = (str(settings.index_dir), settings.chroma_url, spec_name(embedder))
    path = settings.index_dir / CURRENT
    try:
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        if not settings.chroma_url:
            raise IndexMissing(f"no index at {settings.index_dir}; run `whosejob ingest` first") from None
        mtime = None
    with _cache_lock:
        hit = _cache.get(key)
        if hit and hit[0] == mtime:
            store = hit[1]
            if store.settings != settings:  # same index, other options (llm, reranker, k): the caller's win
                _same_corpus(store.meta, settings)
                store = replace(store, settings=settings)
                _cache[key] = (mtime, store)
            if not settings.chroma_url or time.monotonic() - store.checked < POINTER_TTL:
                return store
            remote = server_current(settings)
            if remote is None or remote.get("generation") == store.generation:
                store.checked = time.monotonic()
                return store
        meta = read_current(settings)
        if settings.chroma_url:
            meta = _from_server(settings, meta)
            mtime = path.stat().st_mtime
        elif meta is None:
            raise IndexMissing(f"no index at {settings.index_dir}; run `whosejob ingest` first")
        _same_corpus(meta, settings)
        store = _open(settings, embedder, meta)
        _cache[key] = (mtime, store)
        return store


def _same_corpus(meta: dict, settings: Settings) -> None:
    """An index answers only for the folder it was built from, or a copy of it (the same file names: a
    clone of the repository elsewhere, or an index from before the meta named its folder). Another
    folder's chunks under this folder's departments would answer with the wrong organisation's units.
    (A server's index is shared by machines that may not hold the documents at all: there it is the corpus.)"""
    built = meta.get("corpus")
    if settings.chroma_url or (built and Path(built) == settings.corpus.resolve()):
        return
    if "files" in meta:
        from ingest.files import find

        try:
            names = {p.relative_to(settings.corpus).as_posix() for p in find(settings.corpus)}
        except Exception:  # an unreadable folder is the ingest's to report
            return
        if names == set(meta["files"]):
            return
    raise IndexMismatch(
        f"the index in {settings.index_dir} was built from {built or 'another folder'}, not {settings.corpus}; "
        f"run `whosejob ingest --corpus {settings.corpus}` to rebuild it for that folder, or give that folder "
        "its own WHOSEJOB_HOME"
    )


def _open(settings: Settings, embedder, meta: dict) -> Store:
    from assistant.index.embedder import spec_name
    from assistant.index.keyword import KeywordIndex

    if meta.get("embedder") != spec_name(embedder):
        raise IndexMismatch(
            f"the index was built with embedder {meta.get('embedder')!r} but {spec_name(embedder)!r} is "
            f"selected; run `whosejob ingest` with the embedder you selected to rebuild it"
        )
    if bool(meta.get("chroma_url")) != bool(settings.chroma_url):
        where = meta.get("chroma_url") or "the embedded store"
        raise IndexMismatch(f"the index lives in {where}; run `whosejob ingest` for this store first")
    gen = meta["generation"]
    gen_dir = generation_dir(settings, gen)
    started = time.perf_counter()
    try:
        chunks = {c.id: c for c in load_chunks(gen_dir)}
        keyword = KeywordIndex.load(gen_dir / "keyword")
    except (OSError, ValueError, KeyError) as err:
        raise IndexMissing(
            f"the index at {gen_dir} is incomplete ({short(err)}); run `whosejob ingest` again"
        ) from None
    store = Store(
        settings=settings,
        generation=gen,
        meta=meta,
        chunks=chunks,
        keyword=keyword,
        collection=collection(settings, gen),
        embedder=embedder,
        checked=time.monotonic(),
    )
    store.meta = dict(meta, open_seconds=round(time.perf_counter() - started, 3))
    return store
