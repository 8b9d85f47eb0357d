"""The index's files on disk: generation folders, the pointer to the current one, the chunk table.

Each ingest writes a new generation folder (chunks, keyword index, vectors.npy, manifest) and then points
`current.json` at it with one atomic rename (store.py reads it back).
"""

from __future__ import annotations

import gc
import json
import marshal
from pathlib import Path

import numpy as np

from assistant.atomic import write_atomic
from assistant.errors import IndexMissing
from assistant.models import Chunk
from assistant.settings import Settings

CURRENT = "current.json"
GENERATIONS = "gens"
PROFILES = "profiles.npz"  # the units and the mean of each one's passage vectors (Store.profiles)


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
    write_atomic(settings.index_dir / CURRENT, json.dumps(meta, ensure_ascii=False), durable=True)


_FIELDS = tuple(Chunk.__dataclass_fields__)
_TABLE = ("whosejob-chunks", 1, _FIELDS)  # header of chunks.marshal: a changed Chunk falls back to the JSONL


def write_chunks(gen_dir: Path, chunks: list[Chunk]) -> None:
    """The chunk table as JSONL (readable, the reference) and as marshal (what readers load: ~3x faster)."""
    gen_dir.mkdir(parents=True, exist_ok=True)
    with open(gen_dir / "chunks.jsonl", "w", encoding="utf-8") as fh:
        for c in chunks:
            fh.write(json.dumps({"id": c.id, "text": c.text, "meta": c.metadata()}, ensure_ascii=False) + "\n")
    rows = [tuple(getattr(c, f) for f in _FIELDS) for c in chunks]
    (gen_dir / "chunks.marshal").write_bytes(marshal.dumps((_TABLE, rows)))


def load_chunks(gen_dir: Path) -> list[Chunk]:
    """The chunk table, from chunks.marshal when it matches this version of Chunk, else from the JSONL."""
    gc_was_on = gc.isenabled()
    gc.disable()  # 100k small objects at once: the collector would run dozens of useless passes
    try:
        try:
            header, rows = marshal.loads((gen_dir / "chunks.marshal").read_bytes())
            if header == _TABLE:
                return [Chunk(*r) for r in rows]
        except (OSError, ValueError, EOFError, TypeError):
            pass
        with open(gen_dir / "chunks.jsonl", encoding="utf-8") as fh:
            return [Chunk.from_metadata(r["id"], r["text"], r["meta"]) for r in map(json.loads, fh)]
    finally:
        if gc_was_on:
            gc.enable()


def load_vectors(gen_dir: Path) -> np.ndarray:
    return np.load(gen_dir / "vectors.npy")


def write_keyword(gen_dir: Path, ids: list[str], texts: list[str], vocabulary: tuple[str, ...], cache_dir: Path):
    """Build and save the BM25 index over `texts` and its dictionary bridge (bridge.py): what ingest writes and
    what a reader of a server's generation writes again from the chunks it read back (mirror.py)."""
    from assistant.index import bridge
    from assistant.index.keyword import KeywordIndex

    index = KeywordIndex.build(ids, texts, vocabulary)
    index.save(gen_dir / "keyword")
    bridge.build(index.bm25.vocab_dict, cache_dir).save(gen_dir)  # English questions over Chinese text, and back
    return index


def write_profiles(gen_dir: Path, profiles: tuple[list[str], np.ndarray]) -> None:
    """The units and their mean passage vectors (closeness.unit_means), as `profiles.npz`."""
    np.savez(gen_dir / PROFILES, units=np.asarray(profiles[0]), vectors=profiles[1])


def read_profiles(gen_dir: Path) -> tuple[list[str], np.ndarray] | None:
    """What `write_profiles` saved; None when the generation has no such file (or a broken one)."""
    try:
        with np.load(gen_dir / PROFILES) as saved:
            units, vectors = [str(u) for u in saved["units"]], saved["vectors"]
    except (OSError, ValueError, KeyError):
        return None
    return (units, vectors) if len(units) == len(vectors) else None


def taxonomy_of(meta: dict, settings: Settings):
    """The departments a generation was built with: derived from the documents at ingest (kept in the
    index metadata), or the corpus's saved taxonomy.yaml."""
    from assistant.verdict.taxonomy import Taxonomy, for_corpus

    derived = meta.get("taxonomy")
    if derived:
        return Taxonomy.from_dict(derived)
    given = for_corpus(settings.corpus)
    return given if given is not None else Taxonomy({}, derived=True)
