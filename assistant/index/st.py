"""sentence-transformers models as embedders (extra `whosejob[st]`); imported only when one is chosen.

Spec: `sentence-transformers:<model name or local folder>[?query_prefix=…&passage_prefix=…]`. Without
prefixes the model's own configured prompts apply (e.g. an E5 or BGE config's "query"/"document").
Values are URL-decoded, so write a trailing space as `%20` if your shell eats it: `query_prefix=query:%20`.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.errors import ConfigError

PREFIX = "sentence-transformers:"
OPTIONS = ("query_prefix", "passage_prefix")
INSTALL_HINT = "pip install torch==2.13.0 'whosejob[st]'"


@dataclass(frozen=True)
class Spec:
    model: str  # absolute path when it names an existing folder, else a hub name (must be cached offline)
    query_prefix: str | None = None
    passage_prefix: str | None = None

    @property
    def name(self) -> str:
        """The canonical spec recorded in the index: the same model and prefixes give the same name."""
        opts = [(k, getattr(self, k)) for k in OPTIONS if getattr(self, k) is not None]
        query = "&".join(f"{k}={quote(v, safe=':')}" for k, v in opts)
        return PREFIX + self.model + (f"?{query}" if query else "")


def parse(spec: str) -> Spec:
    """A `Spec` from `sentence-transformers:<model>[?options]`; unknown options are an error, not ignored."""
    if not spec.startswith(PREFIX):
        raise ConfigError(f"embedder {spec!r} does not start with {PREFIX!r}")
    model, _, query = spec[len(PREFIX) :].partition("?")
    model = model.strip()
    if not model:
        raise ConfigError(f"embedder {spec!r} names no model; use {PREFIX}<model name or local folder>")
    options: dict[str, str] = {}
    for part in filter(None, query.split("&")):
        key, eq, value = part.partition("=")
        if key not in OPTIONS or not eq:
            raise ConfigError(
                f"embedder option {part!r} is not one of {', '.join(o + '=…' for o in OPTIONS)}"
            )
        options[key] = unquote(value)
    path = Path(model).expanduser()
    if path.exists():
        model = str(path.resolve())
    return Spec(model=model, **options)


class SentenceTransformerEmbeddings(Embeddings):
    """Any sentence-transformers model; passages get the passage prefix at ingest, questions the query prefix."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.name = spec.name
        self._model = None
        self._lock = threading.Lock()

    @classmethod
    def from_spec(cls, spec: str) -> SentenceTransformerEmbeddings:
        return cls(parse(spec))

    def _load(self):
        with self._lock:
            if self._model is None:
                self._model = load_model(self.spec.model, "SentenceTransformer")
        return self._model

    def warm(self) -> None:
        """Load the weights now (the engine calls this in a background thread)."""
        self._load()

    @property
    def dim(self) -> int:
        model = self._load()
        get = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(get() or len(self.embed_query("dimension probe")))

    def _encode(self, texts: list[str], kind: str) -> np.ndarray:
        model = self._load()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        prefix = self.spec.query_prefix if kind == "query" else self.spec.passage_prefix
        opts = {
            "batch_size": 32,
            "show_progress_bar": False,
            "normalize_embeddings": True,
            "convert_to_numpy": True,
        }
        if prefix is not None:  # explicit prefix; an empty one means none, even if the model has prompts
            vecs = model.encode(list(texts), prompt=prefix, **opts)
        elif kind == "query":
            vecs = model.encode_query(list(texts), **opts)
        else:
            vecs = model.encode_document(list(texts), **opts)
        return np.asarray(vecs, dtype=np.float32)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._encode(list(texts), "passage").tolist()

    def embed_query(self, text: str) -> list[float]:
        return self._encode([text], "query")[0].tolist()


def load_model(model: str, kind: str):
    """A `SentenceTransformer` or `CrossEncoder` on CPU from a local folder (or the offline hub cache)."""
    try:
        import sentence_transformers
    except ImportError:
        raise ConfigError(f"{PREFIX} models need the st extra: {INSTALL_HINT}") from None
    try:
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # no "Loading weights" bar on every `whosejob ask`
    except Exception:
        pass
    cls = getattr(sentence_transformers, kind)
    try:
        return cls(model, device="cpu", local_files_only=_offline())
    except Exception as err:
        first = (str(err).strip().splitlines() or [type(err).__name__])[0][:200]
        raise ConfigError(
            f"cannot load {kind} {model!r} ({first}); give a local model folder (nothing is downloaded offline)"
        ) from None


def _offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes", "on")
