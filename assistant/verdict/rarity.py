"""How specific a question's words are in everyday language, and whether the documents use them.

A rare word the documents never use ("tachograph", 植物检疫, "VPAT") says the question is about something
they do not cover; a rare word they do use, that it is about something they cover. Word frequencies are
wordfreq's (Apache-2.0, from subtitles, Wikipedia, news, books and the web), read from the package's data
files directly (importing wordfreq itself would load ftfy, langcodes and a second jieba for nothing) and
kept under WHOSEJOB_CACHE as sorted arrays that a cold start maps instead of reading 330k words.
"""

from __future__ import annotations

import gzip
import importlib.util
import threading
from functools import lru_cache
from pathlib import Path

import numpy as np

from assistant.atomic import drop_others, write_atomic

TOP = 6.0  # a word at or above this Zipf frequency (once per million words) is an everyday word: no signal
LONGEST = 24  # longer entries (URLs, run-together words) are left out: no question word is that long
VERSION = 1
_lock = threading.Lock()


def _source(lang: str) -> Path | None:
    spec = importlib.util.find_spec("wordfreq")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(spec.submodule_search_locations[0]) / "data" / f"large_{lang}.msgpack.gz"
    return path if path.is_file() else None


def _read(source: Path) -> tuple[np.ndarray, np.ndarray]:
    """(words sorted, their Zipf frequencies) from wordfreq's cBpack file: after a header, bucket i holds
    the words used 10^(-i/100) of the time, Zipf 9 - i/100."""
    import msgpack

    with gzip.open(source, "rb") as fh:
        buckets = msgpack.load(fh, raw=False)
    pairs = sorted((w, 9.0 - i / 100) for i, words in enumerate(buckets[1:]) for w in words if len(w) <= LONGEST)
    return np.array([w for w, _ in pairs], dtype=f"<U{LONGEST}"), np.array([z for _, z in pairs], dtype=np.float32)


@lru_cache(maxsize=4)
def _table(lang: str, cache: Path | None) -> tuple[np.ndarray, np.ndarray] | None:
    """The table for "en" or "zh", mapped from the cache (built there on first use); None without wordfreq."""
    source = _source(lang)
    if source is None:
        return None
    stem = f"wordfreq-{VERSION}-{lang}-{source.stat().st_size}"
    words_file, zipf_file = (cache / f"{stem}.words.npy", cache / f"{stem}.zipf.npy") if cache else (None, None)
    if cache is not None:
        try:
            return np.load(words_file, mmap_mode="r"), np.load(zipf_file, mmap_mode="r")
        except (OSError, ValueError):
            pass  # not built yet, or damaged: read wordfreq's file again
    try:
        words, zipfs = _read(source)
    except (OSError, ValueError, ImportError):
        return None
    if cache is not None:
        try:  # the frequencies first: a reader finds the words file only once both are whole
            write_atomic(zipf_file, lambda fh: np.save(fh, zipfs))
            write_atomic(words_file, lambda fh: np.save(fh, words))
            drop_others(cache, f"wordfreq-*-{lang}-*.npy", [zipf_file, words_file])
        except OSError:
            pass  # unwritable: read wordfreq's file again next time
    return words, zipfs


def _locked(lang: str, cache: Path | None) -> tuple[np.ndarray, np.ndarray] | None:
    with _lock:  # one load per language, even when a web server's threads ask at once
        return _table(lang, cache)


def prepare(cache: Path) -> None:
    """Build both languages' tables under `cache` (ingest does, beside the embedding), so that no question
    waits for it."""
    for lang in ("en", "zh"):
        _locked(lang, cache)


def zipf(word: str, cache: Path | None = None) -> float:
    """How common `word` is in everyday language (Zipf scale: ~7.7 for "the", ~1.4 for "tachograph"; 0 unknown)."""
    table = _locked("en" if word.isascii() else "zh", cache)
    if table is None:
        return 0.0
    words, zipfs = table
    word = word.lower()
    i = int(np.searchsorted(words, word))
    return float(zipfs[i]) if i < len(words) and words[i] == word else 0.0


def features(words: list[tuple[str, bool]], cache: Path | None = None) -> dict[str, float]:
    """Scope signals from the question's content words, each with whether the documents use it
    (KeywordIndex.used): the most specific word they do not use and the most specific one they use (each
    0..1, 0 for everyday words), and how many words neither they nor everyday language know (product
    names, typos, jargon: 0.5 a word, at most 1)."""

    def specific(zs: list[float]) -> float:
        return max(((TOP - z) / TOP for z in zs if 0 < z < TOP), default=0.0)

    used = [zipf(w, cache) for w, known in words if known]
    unused = [zipf(w, cache) for w, known in words if not known]
    return {
        "rare_missing": specific(unused),
        "rare_present": specific(used),
        "unknown_missing": min(1.0, sum(1 for z in unused if z == 0) / 2),
    }
