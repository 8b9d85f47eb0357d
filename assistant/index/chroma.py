"""Chroma: the client (embedded in a generation's folder, or a server at WHOSEJOB_CHROMA_URL), a
generation's collection, and, with a server, the pointer that names the current generation."""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import urlparse

from assistant.errors import IndexMismatch, IndexMissing, StoreUnavailable
from assistant.index.generations import generation_dir
from assistant.settings import Settings

COLLECTION_PREFIX = "whosejob-"
POINTER = "whosejob.current"  # server collection whose metadata names the current generation
UNITS = ".units"  # suffix of a generation's server collection of unit profiles (each unit's mean passage vector)
HTTP_TIMEOUT = 30.0  # a server that accepts but never answers fails instead of hanging forever


def _chroma_settings():
    from chromadb.config import Settings as ChromaSettings

    # Telemetry off: nothing leaves the machine.
    return ChromaSettings(anonymized_telemetry=False, allow_reset=False)


def _server(settings: Settings) -> tuple[str, int, bool]:
    url = urlparse(settings.chroma_url or "")
    try:
        port = url.port
    except ValueError:
        port = -1
    if url.scheme not in ("http", "https") or not url.hostname or port == -1:
        from assistant.errors import ConfigError

        raise ConfigError(f"chroma url {settings.chroma_url!r} must look like http://host:port")
    return url.hostname, port or (443 if url.scheme == "https" else 8000), url.scheme == "https"


def _heartbeat(settings: Settings) -> None:
    """Fail fast (5 s) with the URL when nothing answers there; chromadb's own client waits forever."""
    import httpx

    host, port, ssl = _server(settings)
    try:
        httpx.get(f"{'https' if ssl else 'http'}://{host}:{port}/api/v2/heartbeat", timeout=5.0).raise_for_status()
    except Exception as err:
        raise StoreUnavailable(f"Chroma server at {settings.chroma_url} is unreachable ({short(err)})") from None


_clients: dict[str, object] = {}


def client(settings: Settings, path: Path | None = None):
    """A Chroma client: HTTP when `chroma_url` is set (one per URL and process), else embedded at `path`."""
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    if settings.chroma_url:
        host, port, ssl = _server(settings)
        if settings.chroma_url in _clients:
            return _clients[settings.chroma_url]
        _heartbeat(settings)
        import chromadb

        try:
            api = chromadb.HttpClient(host=host, port=port, ssl=ssl, settings=_chroma_settings())
        except Exception as err:
            raise StoreUnavailable(f"Chroma server at {settings.chroma_url} is unreachable ({short(err)})") from None
        try:
            api._server._session.timeout = HTTP_TIMEOUT
        except AttributeError:
            pass  # another chromadb layout: keep its default
        _clients[settings.chroma_url] = api
        return api
    assert path is not None
    import chromadb

    return chromadb.PersistentClient(path=str(path), settings=_chroma_settings())


def short(err: Exception) -> str:
    text = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    return text[:160]


def failed(settings: Settings, err: Exception, what: str = "failed"):
    """The one-line error for a Chroma call that went wrong: the server's URL, or the damaged local index."""
    if isinstance(err, StoreUnavailable | IndexMissing | IndexMismatch):
        return err
    if settings.chroma_url:
        return StoreUnavailable(f"Chroma server at {settings.chroma_url} {what} ({short(err)}); is it running?")
    return IndexMissing(f"the index at {settings.index_dir} is damaged ({short(err)}); run `whosejob ingest` again")


def collection(settings: Settings, generation: str, create: bool = False):
    """The generation's chromadb collection (cosine space), without LangChain: the query path needs only this."""
    try:
        api = client(settings, generation_dir(settings, generation) / "chroma")
        name = COLLECTION_PREFIX + generation
        if create:
            return api.get_or_create_collection(name, configuration={"hnsw": {"space": "cosine"}})
        return api.get_collection(name)
    except Exception as err:
        raise failed(settings, err) from None


def save_profiles(settings: Settings, generation: str, units: list[str], vectors) -> None:
    """Server mode: keep the unit profiles beside the generation's collection, so that a reader rebuilding
    its local copy from the server (mirror.materialize) answers with the same ranker signals as the writer."""
    try:
        col = client(settings).get_or_create_collection(COLLECTION_PREFIX + generation + UNITS)
        col.add(ids=[f"u{i}" for i in range(len(units))], embeddings=vectors, metadatas=[{"unit": u} for u in units])
    except Exception as err:
        raise failed(settings, err) from None


def load_profiles(settings: Settings, generation: str):
    """(units, vectors) saved by `save_profiles`; None when the server has none (an older whosejob's ingest)."""
    import numpy as np

    try:
        col = client(settings).get_collection(COLLECTION_PREFIX + generation + UNITS)
    except Exception:
        return None
    try:
        got = col.get(include=["embeddings", "metadatas"])
    except Exception as err:
        raise failed(settings, err, "failed while the index was read back") from None
    order = sorted(range(len(got["ids"])), key=lambda i: int(got["ids"][i][1:]))  # the order ingest wrote
    return [got["metadatas"][i]["unit"] for i in order], np.asarray([got["embeddings"][i] for i in order], dtype=np.float32)


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
    except Exception as err:
        raise failed(settings, err) from None


def publish(settings: Settings, meta: dict) -> None:
    """Server mode: name `meta`'s generation as the current one on the server (one metadata update)."""
    try:
        pointer = client(settings).get_or_create_collection(POINTER)
        pointer.modify(metadata={"meta": json.dumps(meta, ensure_ascii=False)})
    except Exception as err:
        raise failed(settings, err) from None


def server_current(settings: Settings) -> dict | None:
    """The current generation's meta as the server has it; None when no ingest has published one."""
    api = client(settings)
    try:
        pointer = api.get_collection(POINTER)
    except Exception as err:
        if "does not exist" in str(err).lower() or "not found" in str(err).lower():
            return None
        raise failed(settings, err) from None
    raw = (pointer.metadata or {}).get("meta")
    return json.loads(raw) if raw else None
