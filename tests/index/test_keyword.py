"""What makes a cold `whosejob ask` fast must not change a single number: jieba's dictionary read in
one go, and BM25 scores read without bm25s. And the stopwords come from their data file."""

from __future__ import annotations

import random

import numpy as np
import pytest

from assistant.index import keyword


def test_saved_scores_match_bm25s(ready):
    import bm25s

    from assistant.index.generations import generation_dir, read_current

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


def test_stopwords_come_from_the_data_file():
    lines = [line for line in keyword.STOPWORDS_FILE.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    assert len(lines) == len(set(lines)) == len(keyword.STOPWORDS) == 410  # one word a line, each once
    assert all(w == w.strip() and " " not in w for w in lines)
    assert {"的", "谁", "部门", "怎么办", "说了算", "who"} <= keyword.STOPWORDS
    assert "新闻稿" in keyword.words("新聞稿歸誰管?") and "谁" not in keyword.words("新聞稿歸誰管?")
    # a task's own verb is what it is about: "book" a flight, "approve" a trip (leave-one-corpus-out dev
    # 0.725 -> 0.728 without the task verbs in the list)
    assert keyword.words("Who can book my flights and approve the trip?") == ["book", "flight", "approv", "trip"]
    # what jieba leaves of a contraction is not a word of the question ("didn't" -> didn ' t)
    assert keyword.words("My salary didn't arrive and the payslip doesn't say why") == ["salari", "arriv", "payslip", "say"]


def test_one_corpus_vocabulary_does_not_change_how_another_is_cut():
    text = "信息技术部负责电脑"
    plain = keyword.words(text)
    assert "信息技术部" in keyword.words(text, ("信息技术部",))
    assert keyword.words(text) == plain  # the unit name stays with its own corpus's tokenizer
    assert keyword.words(text, ("技术部门",)) == plain


def test_english_words_match_across_inflections():
    """"Who sponsors meetups?" finds "We sponsor a meetup"; Chinese tokens and stopwords are untouched."""
    assert keyword.words("Who Sponsors the meetups?") == ["sponsor", "meetup"]
    assert keyword.stem("recordings") == keyword.stem("recording") == "record"
    assert "市场部" in keyword.words("市场部负责品牌推广")
    index = keyword.KeywordIndex.build(
        ["a", "b"], ["We sponsor a local meetup every quarter.", "Invoices are paid on Fridays."], ()
    )
    assert [cid for cid, _ in index.search("Who sponsors developer meetups?", 2)] == ["a"]
    assert index.coverage("sponsoring meetups") == 1.0


def test_a_units_latin_abbreviation_does_not_cut_english_words():
    """Abbreviations such as AP and IT are unit names too; given to jieba they cut "app" into ap/p and "with"
    into w/it/h, and a question about an app matched a passage that says "with" and "paperwork"."""
    vocabulary = ("ap", "it", "pr", "it部")
    assert keyword.words("my authenticator app died with my phone", vocabulary) == ["authent", "app", "die", "phone"]
    assert "it部" in keyword.words("IT部负责电脑", vocabulary)  # a name with Chinese in it still stays whole
    index = keyword.KeywordIndex.build(
        ["legal", "it"],
        ["Board minutes and equity paperwork, with Finance", "Password resets and authenticator app replacement"],
        vocabulary,
    )
    assert [cid for cid, _ in index.search("forgot my pw, authenticator app died with my old phone", 2)] == ["it"]


def test_chunks_below_the_top_k_get_their_own_score_when_asked_for():
    """The dense side's chunks get their real BM25 score even when they rank below the keyword side's top k,
    and no score when they do not match at all (retriever.search fuses real scores, not zeros)."""
    texts = ["payroll runs monthly payroll", "payroll questions", "payroll is paid by bank transfer", "the canteen menu"]
    index = keyword.KeywordIndex.build(["a", "b", "c", "d"], texts, ())
    top, lower = index.search_and_score("payroll", 1, also=["c", "d", "a"])
    assert [cid for cid, _ in top] == ["a"]
    assert set(lower) == {"c"}  # "a" is in the top already, "d" does not match
    everything = dict(index.search("payroll", 4))
    assert lower["c"] == pytest.approx(everything["c"]) and lower["c"] > 0


def test_generic_words_are_the_ones_most_units_passages_use(tmp_path):
    """A word in the passages of 30 % of the units or more is generic ("product" here: three units of
    four); one unit's own words are not (assistant/answer.py reads a unit named with only generic words)."""
    owners = ["Surveys", "Surveys", "Replay", "Marketing", "Payroll", None]
    texts = ["the survey product", "survey templates", "the replay product", "product launch posts",
             "payroll runs monthly", "product payroll replay survey"]
    index = keyword.KeywordIndex.build([str(i) for i in range(len(texts))], texts, ())
    generic = index.generic(owners)
    index.save(tmp_path / "keyword")
    saved = keyword.KeywordIndex.load(tmp_path / "keyword")
    assert saved.generic(owners) == generic  # the same from the saved postings
    assert "product" in generic
    assert not {"survey", "payrol", "replay", "templat"} & set(generic)  # a passage with no owner counts for none


def test_word_owners_point_to_the_unit_whose_passages_hold_the_rarer_words(tmp_path):
    """Per word, the share of the passages holding it that are each unit's, weighed by squared IDF: "quillon"
    is in two passages, both Cloud's, so it outweighs "container", which three units' passages use."""
    owners = ["Cloud", "Cloud", "Kernel", "Docs", None, "Kernel"]
    texts = ["quillon container runtime", "the quillon engine", "container cgroups in the kernel",
             "container docs", "container quillon notes", "scheduler and memory"]
    index = keyword.KeywordIndex.build([str(i) for i in range(len(texts))], texts, ())
    number = {"Cloud": 0, "Docs": 1, "Kernel": 2}
    unit_of = np.asarray([number.get(o, -1) for o in owners])
    shares = index.word_owners(index.content_words("who maintains the Quillon container?"), unit_of, 3)
    assert shares.argmax() == number["Cloud"] and shares[number["Cloud"]] > 2 * shares[number["Kernel"]]
    assert shares.sum() < 1  # the passage without a unit holds a share of both words and gives it to none
    index.save(tmp_path / "keyword")
    saved = keyword.KeywordIndex.load(tmp_path / "keyword")
    assert np.allclose(saved.word_owners(saved.content_words("who maintains the Quillon container?"), unit_of, 3), shares)
    assert not index.word_owners(index.content_words("payroll deadlines"), unit_of, 3).any()  # no word the passages use


def test_used_marks_the_question_words_the_sources_use_as_written():
    """The words as written (for a dictionary of everyday language), each with whether the index has it:
    through stemming for English, through half its character pairs for a Chinese word jieba cut otherwise."""
    index = keyword.KeywordIndex.build(
        ["a", "b"], ["Accounts payable checks every supplier invoice.", "仓储部负责入库检验和库存盘点。"])
    question = "Who checks invoices for the 2024 tachograph data? 入库检验和植物检疫找谁"
    used = dict(index.used(keyword.unstemmed(question, index.vocabulary)))
    assert index.content_words(question) == index.content_words(question, keyword.unstemmed(question, index.vocabulary))
    assert used["invoices"] is True and used["checks"] is True  # stems the index has
    assert used["tachograph"] is False and used["data"] is False
    assert "2024" not in used and "the" not in used and "找谁" not in used  # numbers, stopwords
    assert used["入库"] is True and used["植物"] is False
    assert all(not w.isascii() or len(w) >= 3 for w in used)
