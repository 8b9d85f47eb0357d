"""`whosejob ingest`: corpus files -> chunks -> a new index generation, switched in atomically."""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from assistant.errors import CorpusError, IngestBusy
from assistant.index import chroma, generations, minilm, mirror, store
from assistant.index.closeness import unit_means
from assistant.index.embedder import dimension, embed_array, spec_name
from assistant.settings import Settings
from assistant.text import script
from assistant.verdict import rarity, topics
from assistant.verdict.taxonomy import TAXONOMY_FILE, for_corpus

from . import background, files, units
from .chunker import chunk, index_text, keyword_text
from .convert import location_at

INDEX_VERSION = store.INDEX_VERSION
BATCH = 64
EMBED_THREADS = 2  # one BLAS thread each; more threads than cores only adds contention


@dataclass
class Report:
    files: int
    chunks: int
    new: int
    updated: int
    deleted: int
    unchanged: int
    embedded: int
    seconds: float
    embed_seconds: float
    store_seconds: float
    generation: str
    changed: bool
    keyword_seconds: float = 0.0  # BM25 build, overlapped with embedding
    chroma_seconds: float = 0.0  # adding to the Chroma collection (part of store_seconds)
    skipped: list[dict] = field(default_factory=list)  # [{"file", "reason"}]: files that could not be read
    read_seconds: float = 0.0  # finding, reading and converting the files

    def line(self) -> str:
        skipped = f"; skipped {len(self.skipped)} file(s) that could not be read" if self.skipped else ""
        if not self.changed:
            return (
                f"index up to date: {self.files} file(s), {self.chunks} chunks, nothing embedded "
                f"({self.seconds:.1f}s){skipped}"
            )
        return self._changed_line() + skipped

    def _changed_line(self) -> str:
        return (
            f"ingested {self.files} file(s): {self.chunks} chunks ({self.new} new, {self.updated} updated, "
            f"{self.deleted} deleted, {self.unchanged} unchanged); embedded {self.embedded} in "
            f"{self.embed_seconds:.1f}s, stored in {self.store_seconds:.1f}s, {self.seconds:.1f}s in all"
        )


def _keyword(ids: list[str], keyword_texts: list[str], texts: list[str], vocabulary: tuple[str, ...],
             gen_dir, owners: list[str | None], cache_dir: Path) -> tuple[float, dict, dict, list[str]]:
    """Build and save the BM25 index over `keyword_texts` and its bridge; (seconds, the off-topic questions' lexical yardstick
    over it, how many words of each business function the documents use, units' names included:
    assistant/verdict/topics.py, and the terms most units' passages use: `owners` is each chunk's unit)."""
    started = time.perf_counter()
    index = generations.write_keyword(gen_dir, ids, keyword_texts, vocabulary, cache_dir)
    rarity.prepare(cache_dir)  # the everyday word frequencies the scope model reads (assistant/verdict/rarity.py)
    return time.perf_counter() - started, background.lexical(index), topics.presence(texts), index.generic(owners)


def _side_executor():
    """A forked process only from a single-threaded process (the CLI): a lock some other thread holds
    at fork time would stay locked in the child forever. Elsewhere (a server ingesting) a thread."""
    import multiprocessing
    import threading

    if (
        "fork" in multiprocessing.get_all_start_methods()
        and threading.active_count() == 1
        and len(os.sched_getaffinity(0)) > 1
    ):
        from concurrent.futures import ProcessPoolExecutor

        return ProcessPoolExecutor(
            1, mp_context=multiprocessing.get_context("fork"), initializer=_die_with_parent, initargs=(os.getpid(),)
        )
    return ThreadPoolExecutor(1)


def _die_with_parent(parent: int) -> None:
    """The forked worker's initializer: exit when the ingest that forked it dies, even by SIGKILL. (It holds
    both ends of its call-queue pipe, so it would otherwise wait on that pipe forever, an orphan.)"""
    import signal
    import threading

    if sys.platform.startswith("linux"):
        try:
            import ctypes

            pr_set_pdeathsig = 1  # <linux/prctl.h>: the kernel sends this signal when the parent exits
            ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, int(signal.SIGKILL), 0, 0, 0)
        except (OSError, AttributeError):
            pass  # no prctl (another libc): the thread below still notices
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)

    def watch() -> None:  # portable fallback: an orphan is re-parented, so its parent pid changes
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="whosejob-parent-watch", daemon=True).start()


def _embed(embedder, todo: list[tuple[str, str]], progress: bool | None) -> dict[str, np.ndarray]:
    """Vectors for (key, text) pairs, in batches; several threads at once when the embedder allows it."""
    fresh: dict[str, np.ndarray] = {}
    if not todo:
        return fresh
    from tqdm import tqdm

    workers = min(EMBED_THREADS, os.cpu_count() or 1) if getattr(embedder, "concurrent", False) else 1
    batches = [todo[i : i + BATCH] for i in range(0, len(todo), BATCH)]
    bar = tqdm(total=len(todo), desc="embedding", unit="chunk", file=sys.stderr,
               disable=(not sys.stderr.isatty()) if progress is None else not progress)
    with ThreadPoolExecutor(workers) as pool:
        for batch, vecs in zip(batches, pool.map(lambda b: embed_array(embedder, [t for _, t in b]), batches), strict=True):
            for (k, _), v in zip(batch, vecs, strict=True):
                fresh[k] = v
            bar.update(len(batch))
    bar.close()
    return fresh


def _key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()


def _english(texts: list[str], keys: list[str], prev_keys: list[str], old_dir: Path | None,
             settings: Settings) -> np.ndarray | None:
    """MiniLM vectors of the English passages (zero rows for the others; assistant/index/minilm.py), those
    of the previous generation (`prev_keys`, its rows) reused for unchanged text; None when the model is not
    installed or cannot load."""
    model = minilm.model(settings.cache_dir)
    if model is None:
        return None
    old: dict[str, np.ndarray] = {}
    if prev_keys and old_dir is not None:
        try:
            old = dict(zip(prev_keys, np.load(old_dir / minilm.VECTORS), strict=True))
        except (OSError, ValueError):
            old = {}
    rows = [i for i, t in enumerate(texts) if script(t) == "en"]
    todo = [i for i in rows if keys[i] not in old]
    fresh = dict(zip(todo, model.embed([texts[i] for i in todo]), strict=True)) if todo else {}
    out = np.zeros((len(texts), model.dim), dtype=np.float32)
    for i in rows:
        out[i] = fresh[i] if i in fresh else old[keys[i]]
    return out


def _fingerprint(sources, taxonomy_sha: str, embedder: str, chroma_url: str | None) -> str:
    h = hashlib.sha256(f"{INDEX_VERSION}\n{taxonomy_sha}\n{embedder}\n{chroma_url}\n".encode())
    for s in sources:
        h.update(f"{s.name}\0{s.sha}\n".encode())
    return h.hexdigest()


def _lock(settings: Settings):
    from filelock import FileLock, Timeout

    settings.index_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(settings.index_dir / "ingest.lock"))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise IngestBusy(
            f"another `whosejob ingest` is writing {settings.index_dir}; wait for it to finish"
        ) from None
    return lock


def _read_all(settings: Settings, progress: bool | None):
    """Every corpus file read (converted through the cache in the index home): (sources, skipped, cache).
    A file that cannot be read is skipped with its reason; the rest are read."""
    from tqdm import tqdm

    from .convert import Cache

    # No tqdm monitor thread: the BM25 worker is forked only from a single-threaded process.
    tqdm.monitor_interval = 0
    paths = files.find(settings.corpus)
    cache = Cache(settings.index_dir / "converted")
    sources, skipped = [], []
    bar = tqdm(paths, desc="reading", unit="file", file=sys.stderr, leave=False,
               disable=(not sys.stderr.isatty()) if progress is None else not progress)
    for p in bar:
        name = p.relative_to(settings.corpus).as_posix()
        bar.set_postfix_str(name[-40:], refresh=False)
        try:
            sources.append(files.read(p, settings.corpus, cache))
        except CorpusError as err:
            reason = str(err)
            skipped.append({"file": name, "reason": reason[len(name) + 2:] if reason.startswith(name + ": ") else reason})
    bar.close()
    return sources, skipped, cache


def run(settings: Settings, embedder, progress: bool | None = None, force: bool = False, strict: bool = False) -> Report:
    """Ingest `settings.corpus` into a new generation and switch to it; a no-op when nothing changed.

    Files that cannot be read are skipped and listed in `Report.skipped`; with `strict` any skip raises
    CorpusError before the index is touched."""
    started = time.perf_counter()
    # Read and chunk everything before touching the index: with --strict a bad file aborts, index untouched.
    sources, skipped, cache = _read_all(settings, progress)
    read_seconds = time.perf_counter() - started
    if skipped and strict:
        first = skipped[0]
        raise CorpusError(f"--strict: {len(skipped)} file(s) would be skipped, index unchanged; "
                          f"{first['file']}: {first['reason']}")
    # A saved taxonomy.yaml wins; without one the departments are read from the documents themselves.
    taxonomy = for_corpus(settings.corpus) or units.discover(sources)
    tax_path = settings.corpus / TAXONOMY_FILE
    taxonomy_sha = hashlib.sha256(tax_path.read_bytes()).hexdigest() if tax_path.exists() else "derived"
    name = spec_name(embedder)
    fingerprint = _fingerprint(sources, taxonomy_sha, name, settings.chroma_url)

    lock = _lock(settings)
    try:
        current = generations.read_current(settings)
        if current and current.get("fingerprint") == fingerprint and not force:
            gen_dir = generations.generation_dir(settings, current["generation"])
            # With a server, "up to date" also means the server still holds it (an unreachable one exits 3).
            on_server = not settings.chroma_url or (chroma.server_current(settings) or {}).get("generation") == current["generation"]
            if (gen_dir / "chunks.jsonl").exists() and on_server:
                return Report(len(sources), current.get("chunks", 0), 0, 0, 0, current.get("chunks", 0), 0,
                              time.perf_counter() - started, 0.0, 0.0, current["generation"], False,
                              skipped=skipped, read_seconds=read_seconds)

        # converted files: each chunk says where in the file it is (page, sheet and row, slide)
        chunks = [replace(c, location=location_at(s.marks, c.start)) if s.marks else c
                  for s in sources for c in chunk(s.name, s.text, taxonomy)]
        texts = [index_text(c) for c in chunks]
        keys = [_key(t) for t in texts]

        # Reuse vectors of the current generation (the embedder's when it is the same, MiniLM's: `_english`).
        old_dir = generations.generation_dir(settings, current["generation"]) if current else None
        try:
            prev = generations.load_chunks(old_dir) if old_dir else []
        except (OSError, ValueError):
            prev = []
        prev_keys = [_key(index_text(c)) for c in prev]
        old_vectors: dict[str, np.ndarray] = {}
        old_chunks: dict[str, dict] = {}
        if prev and current.get("embedder") == name and current.get("dim") == dimension(embedder):
            try:
                vecs = generations.load_vectors(old_dir)
                for c, k, v in zip(prev, prev_keys, vecs, strict=True):
                    old_vectors[k] = v
                    old_chunks[c.id] = c.metadata()
            except (OSError, ValueError):
                old_vectors, old_chunks = {}, {}

        todo = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in old_vectors}.items())
        dim = dimension(embedder)
        # Never the name of an earlier generation, even within a second: chromadb keeps a client per path,
        # and one pointed at a deleted-and-recreated folder fails with "readonly database".
        generation = datetime.now(UTC).strftime("g%Y%m%d-%H%M%S-%f-") + fingerprint[:8]
        gen_dir = generations.generation_dir(settings, generation)
        if gen_dir.exists():
            import shutil

            shutil.rmtree(gen_dir)
        gen_dir.mkdir(parents=True)
        # BM25 tokenizing is pure Python: in a thread it would hold the GIL the embedding threads need,
        # so it runs in a forked process beside them (a thread where fork is not available).
        vocabulary = tuple(taxonomy.terms())
        with _side_executor() as side:
            keyword_job = side.submit(_keyword, [c.id for c in chunks], [keyword_text(c, taxonomy) for c in chunks],
                                      texts, vocabulary, gen_dir, [c.owner for c in chunks], settings.cache_dir)
            embed_started = time.perf_counter()
            fresh = _embed(embedder, todo, progress)
            embed_seconds = time.perf_counter() - embed_started
            keyword_seconds, lexical, covered, generic = keyword_job.result()
        matrix = np.zeros((len(chunks), dim), dtype=np.float32)
        for i, k in enumerate(keys):
            matrix[i] = fresh[k] if k in fresh else old_vectors[k]
        english = _english(texts, keys, prev_keys if current and current.get("english") == minilm.NAME else [],
                           old_dir, settings)

        store_started = time.perf_counter()
        generations.write_chunks(gen_dir, chunks)
        np.save(gen_dir / "vectors.npy", matrix)
        profiles = unit_means(matrix, [c.owner for c in chunks])
        if profiles is not None:
            generations.write_profiles(gen_dir, profiles)
        if english is not None:
            np.save(gen_dir / minilm.VECTORS, english)
        offtopic = background.vectors(embedder, settings.cache_dir)
        np.save(gen_dir / "offtopic.npy", offtopic)
        chroma_started = time.perf_counter()
        collection = chroma.collection(settings, generation, create=True)
        step = max(1, min(5000, collection._client.get_max_batch_size()))
        for i in range(0, len(chunks), step):
            part = chunks[i : i + step]
            collection.add(
                ids=[c.id for c in part],
                embeddings=matrix[i : i + step],
                documents=[c.text for c in part],
                # seq: the order to rebuild the chunk table in when it is read back from a server
                metadatas=[c.metadata() | {"seq": i + j} for j, c in enumerate(part)],
            )
        if settings.chroma_url and profiles is not None:
            chroma.save_profiles(settings, generation, *profiles)
        chroma_seconds = time.perf_counter() - chroma_started
        store_seconds = time.perf_counter() - store_started

        new_ids = {c.id for c in chunks}
        new = sum(1 for c in chunks if c.id not in old_chunks)
        updated = sum(1 for c in chunks if c.id in old_chunks and old_chunks[c.id] != c.metadata())
        deleted = sum(1 for cid in old_chunks if cid not in new_ids)
        meta = {
            "generation": generation,
            "fingerprint": fingerprint,
            "corpus": str(settings.corpus.resolve()),  # an index answers for the folder it was built from
            "index_version": INDEX_VERSION,
            "embedder": name,
            "dim": dim,
            "english": minilm.NAME if english is not None else None,
            "chunks": len(chunks),
            "files": {s.name: s.sha for s in sources},
            "chroma_url": settings.chroma_url,
            "taxonomy": taxonomy.to_dict() if taxonomy.derived else None,
            "background": background.stats(offtopic, matrix),
            "lexical": lexical,
            "topics": covered,
            "generic": generic,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        (gen_dir / "manifest.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1))
        if settings.chroma_url:  # readers elsewhere find the generation (and rebuild BM25) from this
            chroma.publish(settings, {k: v for k, v in meta.items() if k != "files"} | {"vocabulary": list(vocabulary)})
        generations.write_current(settings, meta)
        # Keep the previous generation for readers that opened it a moment ago.
        mirror.prune(settings, keep={generation} | ({current["generation"]} if current else set()))
        cache.prune()  # conversions of files no longer in the corpus
        return Report(
            files=len(sources), chunks=len(chunks), new=new, updated=updated, deleted=deleted,
            unchanged=len(chunks) - new - updated, embedded=len(todo),
            seconds=time.perf_counter() - started, embed_seconds=embed_seconds,
            store_seconds=store_seconds, generation=generation, changed=True,
            keyword_seconds=keyword_seconds, chroma_seconds=chroma_seconds,
            skipped=skipped, read_seconds=read_seconds,
        )
    finally:
        lock.release()
