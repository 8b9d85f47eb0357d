"""The keyword side of retrieval: BM25 (bm25s) over jieba tokens of the folded text."""

from __future__ import annotations

import json
import marshal
import math
import re
import tempfile
import threading
from collections.abc import Collection
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np

from assistant.text import fold_simplified

# Question words and glue that say nothing about *which* duty is meant, and generic complaint/request
# words (a question about an unknown topic is mostly *other* words): Simplified, what jieba sees.
STOPWORDS_FILE = Path(__file__).with_name("stopwords_zh.txt")
STOPWORDS = {
    w for w in (line.strip() for line in STOPWORDS_FILE.read_text(encoding="utf-8").splitlines()) if w and not w.startswith("#")
}
_PUNCT = re.compile(r"^[\W_]+$")
# "Which team owns the Billing product?": with the unit's name cut out, "product" is all that is left to
# search for, and the passages of nearly every unit use it (leave-one-corpus-out dev 0.721 -> 0.723, the
# same at 0.15 and 0.3; nothing at 0.5).
GENERIC_SHARE = 0.3
_ENGLISH = re.compile(r"^[a-z][a-z'-]*$")  # a lower-cased English word (what jieba gives for one)
_lock = threading.Lock()
_ready: set[str] = set()
_tokenizers: dict[tuple[str, ...], object] = {}  # vocabulary -> its jieba Tokenizer (a handful per process)
_cache_dir: list[Path] = []  # where jieba keeps its prefix-dict cache (set by resources.embedder_for)


def use_cache(path: Path) -> None:
    """Keep jieba's dictionary cache under `path` (WHOSEJOB_HOME/cache) instead of the shared temp folder."""
    _cache_dir[:] = [path]


def _initialize(dt) -> None:
    """A jieba Tokenizer's prefix dict from its marshal cache, read in one go: `initialize()` unmarshals
    from the open file, which takes ~0.6 s instead of ~0.2 s. Built by jieba itself when missing."""
    import jieba

    if _cache_dir:
        try:
            _cache_dir[0].mkdir(parents=True, exist_ok=True)
            dt.tmp_dir = str(_cache_dir[0])
        except OSError:
            pass  # unwritable: jieba uses the temp folder
    cache = Path(dt.tmp_dir or tempfile.gettempdir()) / "jieba.cache"
    if dt.dictionary == jieba.DEFAULT_DICT and not dt.initialized and cache.is_file():
        try:
            with dt.lock:
                dt.FREQ, dt.total = marshal.loads(cache.read_bytes())
                dt.initialized = True
            return
        except Exception:
            pass  # damaged: let jieba rebuild it
    dt.initialize()


def _jieba(extra_words: tuple[str, ...] = ()):
    """A jieba tokenizer knowing `extra_words` (a corpus's unit names): one per vocabulary, so the words of
    one corpus never change how another is cut (an eval over several corpora runs them in one process).
    The first vocabulary a process uses gets jieba's own tokenizer (the usual case: one corpus, no copy of
    the 350k-word dictionary on a cold start); any other gets a fresh one, read from the same cache."""
    import jieba

    with _lock:
        if "init" not in _ready:
            jieba.setLogLevel(60)
            _initialize(jieba.dt)
            _ready.add("init")
            _tokenizers[()] = jieba.dt
        tok = _tokenizers.get(extra_words)
        if tok is None:
            if len(_tokenizers) == 1 and () in _tokenizers and _tokenizers[()] is jieba.dt:
                del _tokenizers[()]  # jieba.dt goes to this vocabulary; a plain one is made again if asked for
                tok = jieba.dt
            else:
                tok = jieba.Tokenizer()
                _initialize(tok)
            # Only names with Chinese in them: jieba cuts ASCII runs by its dictionary too, so an added "ap" or
            # "it" (a unit's abbreviation) cut "app" into ap/p and "with" into w/it/h, and those shards matched
            # any passage with the same shards. A Latin name is one word to jieba without help.
            for w in extra_words:
                if not w.isascii():
                    tok.add_word(w, freq=2000)
            _tokenizers[extra_words] = tok
        return tok


_CJK_RUN = re.compile(r"^[\u3400-\u9fff]+$")


@lru_cache(maxsize=1)
def _stemmer():
    """Snowball's English stemmer (PyStemmer, a C extension: 2 ms to load, well under a µs a word)."""
    import Stemmer

    return Stemmer.Stemmer("english")


def words(text: str, vocabulary: tuple[str, ...] = ()) -> list[str]:
    """Search-mode jieba tokens of the Simplified-folded text, minus stopwords and punctuation; English
    words stemmed, so "sponsors" finds "sponsorship" and "meetups" finds "meetup" (measured on
    leave-one-corpus-out dev: 0.737 -> 0.747, most on the English handbook)."""
    return [stem(tok) for tok in unstemmed(text, vocabulary)]


def unstemmed(text: str, vocabulary: tuple[str, ...] = ()) -> list[str]:
    """`words` before stemming: the words as a dictionary of everyday language lists them."""
    out = []
    for tok in _jieba(vocabulary).cut_for_search(fold_simplified(text)):
        tok = tok.strip()
        if tok and tok not in STOPWORDS and not _PUNCT.match(tok):
            out.append(tok)
    return out


def stem_all(english: list[str]) -> list[str]:
    """Lower-case English words as `words` indexes them, in one call (a dictionary's worth at a time)."""
    return _stemmer().stemWords(english)


def stem(word: str) -> str:
    """An English word as `words` indexes it."""
    return _stemmer().stemWord(word) if _ENGLISH.match(word) else word


def tokenize(text: str, vocabulary: tuple[str, ...] = ()) -> list[str]:
    """Words plus Chinese character bigrams, so a segmentation that differs between the question
    and the source (拉新归 vs 拉新) still shares terms; adjacent single characters are paired too."""
    base = words(text, vocabulary)
    tokens = list(base)
    single = ""
    for tok in base:
        if _CJK_RUN.match(tok):
            if len(tok) >= 3:
                tokens.extend(tok[i : i + 2] for i in range(len(tok) - 1))
            if len(tok) == 1:
                if single:
                    tokens.append(single + tok)
                single = tok
                continue
        single = ""
    return tokens


def _known(word: str, vocab: dict[str, int]) -> float:
    """How far the index knows `word` (as indexed: stemmed): 1 when it has it, else for a Chinese word of three
    characters or more the share of its character pairs it has (拉新归: 拉新 is a source term), else 0."""
    if word in vocab:
        return 1.0
    if len(word) >= 3 and _CJK_RUN.match(word):
        pairs = [word[i : i + 2] for i in range(len(word) - 1)]
        return sum(p in vocab for p in pairs) / len(pairs)
    return 0.0


class SavedScores:
    """The query side of a saved bm25s index, read without importing bm25s (which imports scipy: ~0.2 s
    of every cold start). Same arrays, same arithmetic as `bm25s.BM25.get_scores`, so the same scores."""

    def __init__(self, vocab_dict: dict[str, int], data, indices, indptr, num_docs: int, dtype: str):
        self.vocab_dict = vocab_dict
        self.data, self.indices, self.indptr = data, indices, indptr
        self.num_docs, self.dtype = num_docs, np.dtype(dtype)

    @classmethod
    def open(cls, path: Path) -> SavedScores | None:
        """None when the saved method needs more than the score matrix (BM25L/BM25+) or files are missing."""
        try:
            params = json.loads((path / "params.index.json").read_text())
            if params.get("method") not in ("lucene", "robertson", "atire") or params.get("backend", "numpy") != "numpy":
                return None
            vocab = json.loads((path / "vocab.index.json").read_text(encoding="utf-8"))
            arrays = [np.load(path / f"{n}.csc.index.npy", mmap_mode="r") for n in ("data", "indices", "indptr")]
        except (OSError, ValueError):
            return None
        return cls(vocab, *arrays, num_docs=int(params["num_docs"]), dtype=params.get("dtype", "float32"))

    def get_scores(self, tokens: list[str]) -> np.ndarray:
        ids = np.asarray([self.vocab_dict[t] for t in tokens if t in self.vocab_dict], dtype=np.int32)
        if int(ids.max(initial=0)) >= len(self.indptr) - 1:  # bm25s's "" placeholder token: it refuses too
            raise ValueError("a query token is not in the index")
        starts, ends = self.indptr[ids], self.indptr[ids + 1]
        scores = np.zeros(self.num_docs, dtype=self.dtype)
        for start, end in zip(starts, ends, strict=True):
            np.add.at(scores, self.indices[start:end], self.data[start:end])
        return scores


class KeywordIndex:
    """BM25 over chunk ids; saved beside the vector store in the same index generation."""

    def __init__(self, bm25, ids: list[str], vocabulary: tuple[str, ...]):
        self.bm25 = bm25
        self.ids = ids
        self.vocabulary = vocabulary

    @classmethod
    def build(cls, ids: list[str], texts: list[str], vocabulary: tuple[str, ...] = ()) -> KeywordIndex:
        import bm25s

        vocab = tuple(fold_simplified(w) for w in vocabulary)
        corpus = [tokenize(t, vocab) or [""] for t in texts]
        bm25 = bm25s.BM25()
        if corpus:
            # token ids in sorted order: bm25s numbers tokens as a set yields them, which follows Python's
            # string hashing, so two builds of one corpus ranked ties apart (leave-one-corpus-out dev moved by 0.002)
            terms = {t: i for i, t in enumerate(sorted({t for doc in corpus for t in doc}))}
            bm25.index(([[terms[t] for t in doc] for doc in corpus], terms), show_progress=False)
        return cls(bm25, list(ids), vocab)

    def save(self, path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True)
        if self.ids:
            self.bm25.save(str(path), show_progress=False)
        (path / "ids.json").write_text(json.dumps({"ids": self.ids, "vocabulary": list(self.vocabulary)}))

    @classmethod
    def load(cls, path: Path) -> KeywordIndex:
        meta = json.loads((path / "ids.json").read_text())
        bm25 = None
        if meta["ids"]:
            bm25 = SavedScores.open(path)
            if bm25 is None:  # a layout SavedScores does not read: bm25s itself (imports scipy)
                import bm25s

                bm25 = bm25s.BM25.load(str(path), mmap=False, show_progress=False, verbosity=0)
        return cls(bm25, meta["ids"], tuple(meta["vocabulary"]))

    def content_words(self, text: str, raw: list[str] | None = None) -> list[str]:
        """`words` of `text` without one-letter Latin ones; `raw`: its `unstemmed` words, already cut."""
        raw = unstemmed(text, self.vocabulary) if raw is None else raw
        return [w for w in map(stem, raw) if not (w.isascii() and len(w) < 2)]

    def used(self, raw: list[str]) -> list[tuple[str, bool]]:
        """The question's words (`unstemmed`: as written; no numbers or two-letter Latin words), each with
        whether the sources use it, as `coverage` counts a word (half of a Chinese word's pairs will do)."""
        vocab = self._vocab
        return [(w, _known(stem(w), vocab) >= 0.5) for w in raw if not (w.isdigit() or (w.isascii() and len(w) < 3))]

    @property
    def _vocab(self) -> dict[str, int]:
        return self.bm25.vocab_dict if self.ids else {}

    def postings(self) -> tuple[np.ndarray, np.ndarray]:
        """(indices, indptr): the rows holding each term, bm25s's sparse layout (just built or saved)."""
        scores = getattr(self.bm25, "scores", None)  # bm25s just built; SavedScores holds the same arrays
        return (scores["indices"], scores["indptr"]) if scores is not None else (self.bm25.indices, self.bm25.indptr)

    def word_owners(
        self, content: list[str], unit_of: np.ndarray, units: int, bridged: dict[str, float] | None = None
    ) -> np.ndarray:
        """Per unit (`unit_of`: each row's unit number, -1 for none), the share of the passages holding each of
        the question's words (`content_words`) that are the unit's, averaged over the words weighted by squared
        IDF: which unit's passages the question's rarer words live in, even where no passage holds them all."""
        out = np.zeros(units)
        if not self.ids or not units:
            return out
        indices, indptr = self.postings()
        total = 0.0
        terms = dict.fromkeys(content, 1.0) | (bridged or {})
        for w, share in terms.items():
            t = self.bm25.vocab_dict.get(w)
            if t is None or t + 1 >= len(indptr) or indptr[t + 1] == indptr[t]:
                continue
            rows = unit_of[indices[indptr[t] : indptr[t + 1]]]
            weight = share * math.log(1 + len(self.ids) / len(rows)) ** 2
            total += weight
            owned = rows[rows >= 0]
            if len(owned):
                out += weight * np.bincount(owned, minlength=units) / len(rows)
        return out / total if total else out

    def generic(self, owners: list[str | None]) -> list[str]:
        """Terms in the passages of GENERIC_SHARE of the units or more ("product", "team", 工作), read from the
        index's postings (`owners`: each chunk's unit, in index order): a question that names a unit and only
        such words asks about that unit (assistant/answer.py)."""
        if not self.ids:
            return []
        indices, indptr = self.postings()
        labels = {o: i for i, o in enumerate(dict.fromkeys(o for o in owners if o))}
        unit_of = np.asarray([labels.get(o, -1) for o in owners])
        need = GENERIC_SHARE * len(labels)
        out = []
        for term, t in self.bm25.vocab_dict.items():
            if term and t + 1 < len(indptr) and labels and indptr[t + 1] - indptr[t] >= need:
                units = unit_of[indices[indptr[t] : indptr[t + 1]]]
                if len(np.unique(units[units >= 0])) >= need:
                    out.append(term)
        return sorted(out)

    def coverage(self, query: str, glossed: frozenset[str] = frozenset(), content: list[str] | None = None) -> float:
        """Share of the question's content words the sources contain (English words: via the glossary).

        Off-topic questions (recipes, VPN, backend code) are mostly words the sources never use.
        """
        content = self.content_words(query) if content is None else content  # `content`: already worked out
        if not content:
            return 0.0
        vocab = self._vocab
        glossed = glossed | {stem(g) for g in glossed if g.isascii()}  # the glossary's words, as indexed

        def covered(w: str) -> float:
            if w in glossed or any(w in g for g in glossed if not g.isascii()):
                return 1.0
            return _known(w, vocab)

        return sum(covered(w) for w in content) / len(content)

    @cached_property
    def positions(self) -> dict[str, int]:
        return {cid: i for i, cid in enumerate(self.ids)}

    def search(self, query: str, k: int, extra_terms: list[str] | None = None) -> list[tuple[str, float]]:
        """Top-k (chunk id, BM25 score) pairs; an empty list when no query term is in the index."""
        return self.search_and_score(query, k, extra_terms)[0]

    def search_and_score(
        self, query: str, k: int, extra_terms: list[str] | None = None, also: Collection[str] = ()
    ) -> tuple[list[tuple[str, float]], dict[str, float]]:
        """`search`, and the BM25 scores of the chunks in `also` (those the dense side found) that match
        but are not in the top k."""
        if not self.ids:
            return [], {}
        tokens = tokenize(query, self.vocabulary)
        for term in extra_terms or []:
            tokens.extend(tokenize(term, self.vocabulary))
        known = [t for t in dict.fromkeys(tokens) if t in self.bm25.vocab_dict]
        if not known:
            return [], {}
        scores = self.bm25.get_scores(known)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        found = [(self.ids[i], float(scores[i])) for i in top if scores[i] > 0]
        seen = {cid for cid, _ in found}
        rows = [self.positions[cid] for cid in also if cid not in seen and cid in self.positions]
        return found, {self.ids[i]: float(scores[i]) for i in rows if scores[i] > 0}
