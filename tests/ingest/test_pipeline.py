import json

import pytest

from assistant import settings
from assistant.errors import CorpusError, IngestBusy
from assistant.index.generations import read_current
from assistant.index.resources import embedder_for
from assistant.index.store import open_current
from ingest.pipeline import run


@pytest.fixture
def cfg(corpus_copy, home):
    return settings.load(home=home, corpus=corpus_copy)


def test_first_ingest_then_nothing_to_embed(cfg):
    emb = embedder_for(cfg)
    first = run(cfg, emb, progress=False)
    assert first.changed and first.files == 1 and first.chunks > 100 and first.embedded == first.chunks
    assert first.new == first.chunks and first.deleted == 0
    again = run(cfg, emb, progress=False)
    assert not again.changed and again.embedded == 0
    assert "up to date" in again.line()


def test_changed_and_removed_files_update_their_chunks(cfg):
    emb = embedder_for(cfg)
    run(cfg, emb, progress=False)
    (cfg.corpus / "extra.md").write_text("# 法務部\n負責合同審核與訴訟。\n", encoding="utf-8")
    added = run(cfg, emb, progress=False)
    assert added.changed and added.new >= 1 and added.deleted == 0
    assert added.embedded == added.new  # unchanged chunks reuse their vectors
    store = open_current(cfg, emb)
    assert any(c.source == "extra.md" for c in store.chunks.values())
    (cfg.corpus / "extra.md").unlink()
    removed = run(cfg, emb, progress=False)
    assert removed.deleted >= 1 and removed.embedded == 0
    store = open_current(cfg, emb)
    assert not any(c.source == "extra.md" for c in store.chunks.values())
    assert store.vectors._collection.count() == len(store.chunks)


def test_bad_file_aborts_and_keeps_the_index(cfg):
    emb = embedder_for(cfg)
    run(cfg, emb, progress=False)
    before = read_current(cfg)
    (cfg.corpus / "broken.txt").write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(CorpusError, match="--strict"):
        run(cfg, emb, progress=False, strict=True)
    assert read_current(cfg) == before
    skipping = run(cfg, emb, progress=False)  # without --strict: named and skipped, the rest ingested
    assert [s["file"] for s in skipping.skipped] == ["broken.txt"] and not skipping.changed
    assert open_current(cfg, emb).chunks


def test_second_ingest_is_refused_while_one_holds_the_lock(cfg):
    from filelock import FileLock

    cfg.index_dir.mkdir(parents=True, exist_ok=True)
    with FileLock(str(cfg.index_dir / "ingest.lock")), pytest.raises(IngestBusy, match="another"):
        run(cfg, embedder_for(cfg), progress=False)


def test_generation_switch_is_recorded(cfg):
    emb = embedder_for(cfg)
    report = run(cfg, emb, progress=False)
    meta = json.loads((cfg.index_dir / "current.json").read_text())
    assert meta["generation"] == report.generation
    assert meta["embedder"] == "use-m3" and meta["dim"] == 512
    assert set(meta["lexical"]) == {"en", "zh"}  # the off-topic yardstick of word coverage (ingest/background.py)
    # the business functions the documents talk about, with their words (assistant/verdict/topics.py)
    assert "人力资源" in meta["topics"]["hr_people"] and "it_support" not in meta["topics"]
    assert (cfg.index_dir / "gens" / report.generation / "manifest.json").exists()


def test_offtopic_questions_are_kept_beside_the_generation(cfg):
    emb = embedder_for(cfg)
    run(cfg, emb, progress=False)
    store = open_current(cfg, emb)
    assert store.offtopic is not None and store.offtopic.shape[1] == 512
    near = store.offtopic_similarity(emb.embed_query("Write me a haiku about the moon."))
    far = store.offtopic_similarity(emb.embed_query("新聞稿和危機公關歸誰管?"))
    assert near > 0.7 and far < near - 0.2  # an everyday question has a near twin in the list; a duty has none
    assert store.offtopic_similarity(None) is None
    # embedded once per machine: the next ingest reads them from the cache instead of embedding 450 again
    from ingest import background

    class Refuses:
        name = emb.name

        def embed_query(self, text):
            raise AssertionError("embedded again")

    again = background.vectors(Refuses(), cfg.cache_dir)
    assert list(cfg.cache_dir.glob("offtopic-*.npy")) and (again == store.offtopic).all()


def test_other_units_named_in_a_passage_are_not_keyword_evidence(tmp_path, home):
    """BM25 reads a passage with the names of units other than its owner cut out (ingest/chunker.py
    keyword_text): Billing's sentence about working with Customer Support is no match for "customer
    support", while Customer Support's own passages still are."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "support.md").write_text("# Customer Support\n\nCustomer Support answers the help inbox.\n", encoding="utf-8")
    (docs / "billing.md").write_text(
        "# Billing\n\nBilling refunds double charges together with Customer Support.\n", encoding="utf-8")
    cfg = settings.load(home=home, corpus=docs)
    emb = embedder_for(cfg)
    run(cfg, emb, progress=False)
    store = open_current(cfg, emb)
    owners = {store.chunks[cid].owner for cid, _ in store.keyword.search("customer support", 5)}
    assert owners == {"Customer Support"}
    # the passage is still found by what it says it does
    assert [store.chunks[cid].owner for cid, _ in store.keyword.search("double charges", 5)] == ["Billing"]


def test_english_passages_get_minilm_vectors_and_keep_them(tmp_path, home):
    """English passages get a MiniLM row (the ranker's English closeness), the others a zero row; an
    unchanged passage keeps its vector on the next ingest."""
    import numpy as np

    from assistant.index import minilm
    from assistant.index.generations import generation_dir

    corpus = tmp_path / "docs"
    corpus.mkdir()
    (corpus / "team.md").write_text(
        "# Platform Team\n\nThe Platform Team owns the deploy pipeline and on-call rota.\n\n"
        "# 財務部\n\n財務部負責報銷審核與付款。\n", encoding="utf-8")
    cfg = settings.load(home=home, corpus=corpus)
    emb = embedder_for(cfg)
    run(cfg, emb, progress=False)
    meta = read_current(cfg)
    assert meta["english"] == minilm.NAME
    store = open_current(cfg, emb)
    matrix, english = store.english
    by_id = {cid: english[i] for i, cid in enumerate(store.chunks)}
    assert any(by_id[c.id] for c in store.chunks.values() if "deploy" in c.text)
    assert not any(by_id[c.id] for c in store.chunks.values() if "報銷" in c.text)
    first = np.load(generation_dir(cfg, meta["generation"]) / minilm.VECTORS)
    (corpus / "more.md").write_text("# Security\n\nSecurity reviews every new vendor.\n", encoding="utf-8")
    run(cfg, emb, progress=False)
    store2 = open_current(cfg, emb)
    again = dict(zip(store2.chunks, np.asarray(store2.english[0]), strict=True))
    for i, cid in enumerate(store.chunks):
        assert np.array_equal(again[cid], first[i])
    q = minilm.model().embed(["Who owns the deploy pipeline?"])[0]
    sims = store2.english_similarities(q, list(store2.chunks))
    assert sims and all(store2.chunks[cid].text.isascii() for cid in sims)
