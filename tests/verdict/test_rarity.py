"""assistant/verdict/rarity.py: everyday word frequencies, their cache, and the scope signals read from them."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.verdict import rarity


@pytest.fixture
def fresh(tmp_path):
    """A cache folder of its own, and no table kept from another test."""
    rarity._table.cache_clear()
    yield tmp_path / "cache"
    rarity._table.cache_clear()


def test_everyday_words_are_common_trade_words_rare_and_made_up_ones_unknown(fresh):
    assert rarity.zipf("the", fresh) > 7 > rarity.zipf("parking", fresh) > 4
    assert 0 < rarity.zipf("tachograph", fresh) < 2.5
    assert rarity.zipf("Tachograph", fresh) == rarity.zipf("tachograph", fresh)  # questions capitalise
    assert rarity.zipf("qwzxvpl", fresh) == 0.0
    assert rarity.zipf("公司", fresh) > rarity.zipf("检疫", fresh) > 0  # Simplified Chinese, as the index folds it


def test_the_tables_are_built_once_then_mapped_and_a_damaged_one_is_rebuilt(fresh):
    rarity.prepare(fresh)
    built = sorted(p.name for p in fresh.iterdir())
    assert len(built) == 4 and all(n.startswith("wordfreq-") for n in built)
    rarity._table.cache_clear()
    words, _ = rarity._table("en", fresh)
    assert isinstance(words, np.memmap)  # mapped, not read: a cold start does not pay for 320k words
    words_file = next(p for p in fresh.iterdir() if "-en-" in p.name and p.name.endswith(".words.npy"))
    words_file.write_bytes(b"not an array")
    (fresh / "wordfreq-0-en-1.words.npy").write_bytes(b"an older version's table")
    rarity._table.cache_clear()
    assert rarity.zipf("tachograph", fresh) > 0
    assert not (fresh / "wordfreq-0-en-1.words.npy").exists()
    assert sorted(p.name for p in fresh.iterdir()) == built


def test_an_unwritable_cache_still_answers(fresh):
    fresh.parent.mkdir(parents=True, exist_ok=True)
    fresh.write_text("a file where the cache folder should be")
    assert rarity.zipf("tachograph", fresh) > 0


def test_features_the_rarest_unused_and_used_words_and_unknown_ones(fresh):
    f = rarity.features([("tachograph", False), ("invoice", True), ("the", True), ("xqzvbn", False)], fresh)
    assert f["rare_missing"] > 0.6  # a trade word the documents never use
    assert 0 < f["rare_present"] < f["rare_missing"]  # "invoice" is rarer than "the", commoner than "tachograph"
    assert f["unknown_missing"] == 0.5
    everyday = rarity.features([("people", False), ("time", True)], fresh)
    assert everyday == {"rare_missing": 0.0, "rare_present": 0.0, "unknown_missing": 0.0}
    assert rarity.features([], fresh) == everyday
