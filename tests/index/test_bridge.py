"""The dictionary bridge between a corpus's English and Chinese keyword terms (assistant/index/bridge.py)."""

from __future__ import annotations

import marshal

from assistant.index import bridge
from assistant.index.bridge import Bridge
from assistant.index.keyword import KeywordIndex, words


def test_english_words_reach_the_chinese_terms_the_corpus_uses(shared_cache):
    """Only terms of the corpus's own vocabulary come out, each from a word whose dictionary sense names it."""
    vocab = {"锅炉", "报关", "压力容器", "发票"}
    b = bridge.build(vocab, shared_cache)
    assert b.english["boiler"] == ("锅炉",)
    assert "报关" in b.english["declar"] and "报关" in b.english["custom"]  # 報關: "to declare at customs"
    assert set(b.english["vessel"]) == {"压力容器"}  # 容器 is not in this corpus: never a way out
    assert all(set(terms) <= vocab for terms in b.english.values())
    assert not b.english.get("the") and not b.english.get("to")  # function words bridge nothing


def test_chinese_words_reach_the_english_stems_the_corpus_uses(shared_cache):
    vocab = set(words("Submit expense claims and invoices to Finance; payroll runs monthly."))
    b = bridge.build(vocab, shared_cache)
    assert "invoic" in b.chinese["发票"]
    assert "expens" in b.chinese["报销"]
    assert all(set(stems) <= vocab for stems in b.chinese.values())
    assert "锅炉" not in b.chinese  # "boiler" is not a word of this handbook


def test_terms_weigh_each_translation_by_how_many_its_word_has():
    b = Bridge(english={"inspect": ("检查", "检验"), "boiler": ("锅炉",)}, chinese={"发票": ("invoic",)})
    assert b.terms(["boiler", "inspect", "boiler"], "en") == {"锅炉": 1.0, "检查": 0.5, "检验": 0.5}
    assert b.terms(["发票"], "zh") == {"invoic": 1.0}
    assert b.terms(["发票"], "en") == {} and b.terms([], "zh") == {}


def test_a_bridge_is_saved_beside_the_index_and_a_missing_or_broken_one_reads_as_none(tmp_path):
    b = Bridge(english={"boiler": ("锅炉",)}, chinese={"发票": ("invoic", "bill")})
    b.save(tmp_path)
    assert Bridge.load(tmp_path) == b
    assert Bridge.load(tmp_path / "elsewhere") is None
    (tmp_path / bridge.FILE).write_bytes(b"not marshal")
    assert Bridge.load(tmp_path) is None
    (tmp_path / bridge.FILE).write_bytes(marshal.dumps((("whosejob-bridge", 0), {}, {})))  # another version's
    assert Bridge.load(tmp_path) is None


def test_the_dictionary_is_read_once_then_from_the_cache_and_a_damaged_cache_is_read_again(tmp_path):
    bridge.table.cache_clear()
    first = bridge.table(tmp_path)
    (saved,) = tmp_path.glob("bridge-*.marshal")
    bridge.table.cache_clear()
    assert bridge.table(tmp_path) == first
    saved.write_bytes(b"not marshal")
    bridge.table.cache_clear()
    assert bridge.table(tmp_path) == first
    assert len(first) > 50_000 and all(stems for _, stems in first)


def test_bridged_terms_point_the_words_signal_to_the_unit_whose_passages_use_them(tmp_path):
    """KeywordIndex.word_owners counts a bridged term like a question word, at its weight: an English
    question over Chinese passages points where the Chinese words it translates to live."""
    import numpy as np

    texts = [
        "设备动力部负责锅炉和压力容器的定期检验。",
        "人力资源部负责招聘与培训。",
        "财务部负责发票审核与报销。",
    ]
    index = KeywordIndex.build(["a", "b", "c"], texts)
    unit_of = np.asarray([0, 1, 2])
    question = index.content_words("Who books the annual inspection of our boiler?")
    assert not index.word_owners(question, unit_of, 3).any()  # no English word in the passages
    b = bridge.build(index.bm25.vocab_dict, tmp_path)
    shares = index.word_owners(question, unit_of, 3, b.terms(question, "en"))
    assert int(np.argmax(shares)) == 0 and shares[0] > 0.5


def test_ingest_saves_the_corpus_bridge_and_the_store_reads_english_questions_through_it(ready):
    """An ingested generation carries its bridge; Store.word_owners reads an English question over the Chinese
    article through it only when told the question is in the other language."""
    from assistant.index.generations import generation_dir
    from assistant.index.resources import resources

    store, _ = resources(ready)
    assert store.bridge == Bridge.load(generation_dir(ready, store.generation))
    assert store.bridge.english["crisi"] == ("危机",)
    content = store.keyword.content_words("Who handles crisis PR when a reporter calls?")
    through = store.word_owners(content, "en")
    assert max(through, key=through.get) == "公關部"
    assert through != store.word_owners(content)  # without the bridge only the Latin "PR" counts
