"""A generation read back from a Chroma server onto this machine (`materialize`), and old generations
removed, locally and on the server (`prune`)."""

from __future__ import annotations

import json
import os
import shutil

from assistant.index.chroma import COLLECTION_PREFIX, UNITS, client, collection, failed, load_profiles
from assistant.index.generations import (
    GENERATIONS,
    generation_dir,
    taxonomy_of,
    write_chunks,
    write_keyword,
    write_profiles,
)
from assistant.models import Chunk
from assistant.settings import Settings

PAGE = 5000  # records per request when reading a server collection back


def materialize(settings: Settings, meta: dict) -> None:
    """Rebuild a generation's chunk table and BM25 index locally from its server collection."""
    gen = meta["generation"]
    col = collection(settings, gen)
    rows: list[tuple[int, str, str, dict]] = []
    try:
        total = col.count()
        for offset in range(0, total, PAGE):
            got = col.get(limit=PAGE, offset=offset, include=["documents", "metadatas"])
            rows += [(int(m.get("seq", 0)), i, d, m) for i, d, m in zip(got["ids"], got["documents"], got["metadatas"], strict=True)]
    except Exception as err:
        raise failed(settings, err, "failed while the index was read back") from None
    rows.sort(key=lambda r: r[0])  # the order ingest wrote: BM25 ties break the same way
    chunks = [Chunk.from_metadata(i, d, m) for _, i, d, m in rows]
    target = generation_dir(settings, gen)
    tmp = target.with_name(f".{gen}.tmp{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    write_chunks(tmp, chunks)
    from ingest.chunker import keyword_text

    vocabulary = tuple(meta.get("vocabulary") or ())
    taxonomy = taxonomy_of(meta, settings)
    write_keyword(tmp, [c.id for c in chunks], [keyword_text(c, taxonomy) for c in chunks], vocabulary, settings.cache_dir)
    if (profiles := load_profiles(settings, gen)) is not None:
        write_profiles(tmp, profiles)
    (tmp / "manifest.json").write_text(json.dumps(dict(meta, materialized=True), ensure_ascii=False, indent=1))
    shutil.rmtree(target, ignore_errors=True)
    os.replace(tmp, target)


def prune(settings: Settings, keep: set[str], server: bool = True) -> None:
    """Remove generations (and, from the writer, their server collections) other than `keep`."""
    root = settings.index_dir / GENERATIONS
    if root.is_dir():
        for d in root.iterdir():
            if d.name not in keep:
                shutil.rmtree(d, ignore_errors=True)
    if settings.chroma_url and server:
        try:
            api = client(settings)
            for col in api.list_collections():
                name = getattr(col, "name", col)
                if name.startswith(COLLECTION_PREFIX) and name[len(COLLECTION_PREFIX):].removesuffix(UNITS) not in keep:
                    api.delete_collection(name)
        except Exception:
            pass  # a stale server collection costs disk, never correctness
