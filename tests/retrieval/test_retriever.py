import pytest

from assistant.index.resources import resources
from assistant.retrieval.chains import HybridRetriever
from assistant.retrieval.retriever import CANDIDATES, clauses, glossary_terms, make_query, search


def test_chroma_store_is_real_and_persistent(ready):
    store, _ = resources(ready)
    col = store.vectors._collection
    assert col.count() == len(store.chunks)
    got = col.get(ids=[next(iter(store.chunks))], include=["metadatas", "documents"])
    assert got["metadatas"][0]["source"].endswith(".txt")


@pytest.mark.parametrize("fusion", ["weighted", "rrf", "dense", "keyword"])
def test_fusions_return_ranked_hits(ready, fusion):
    store, emb = resources(ready)
    hits = search(store, emb, make_query("危機處理和新聞稿", store), 5, fusion)
    assert hits and len(hits) <= 5
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert hits[0].chunk.owner == "公關部"


def test_langchain_retriever_returns_documents_with_metadata(ready):
    docs = HybridRetriever(settings=ready, k=3).invoke("用户留存率谁负责?")
    assert len(docs) == 3
    top = docs[0]
    assert top.id and top.metadata["owner"] and top.metadata["line_start"] >= 1
    assert top.page_content in (ready.corpus / top.metadata["source"]).read_text(encoding="utf-8")


def test_glossary_maps_english_to_source_terms(ready):
    terms, glossed = glossary_terms("Who writes press releases during a crisis?", ready.corpus)
    assert "新聞稿件" in terms and "危機處理" in terms
    assert {"press", "releases", "crisis"} <= glossed
    terms, _ = glossary_terms("報銷找誰", ready.corpus)
    assert "費用收支" in terms


def test_company_is_recognised(ready):
    store, _ = resources(ready)
    assert make_query("VR公司的公關找誰?", store).company.startswith("公司B")
    assert make_query("At company C, who runs the mall?", store).company.startswith("公司C")
    assert make_query("廣告投放歸誰?", store).company is None


def test_every_fused_hit_has_both_real_scores(ready):
    """A chunk only one side's top n holds gets its real score from the other side, not a zero: fusing
    zeros pushed down the passages a question's rare term found but the embedding ranked 30th."""
    store, emb = resources(ready)
    query = make_query("展會現場供電和網路出問題,誰來協調?", store)
    vector = emb.embed_query(query.text)
    hits = search(store, emb, query, 48, "weighted", vector)
    parts = [emb.embed_query(p) for p in clauses(query.text, store.keyword.content_words)]
    dense_top = {cid for cid, _ in store.dense(vector, CANDIDATES, parts)}
    keyword_top = {cid for cid, _ in store.keyword.search(query.text, CANDIDATES, list(query.expansions))}
    only_one_side = [h for h in hits if (h.chunk.id in dense_top) != (h.chunk.id in keyword_top)]
    assert only_one_side, "the question should find chunks on one side only"
    cosine = store.similarities(vector, [h.chunk.id for h in hits], parts)
    bm25 = dict(store.keyword.search(query.text, len(store.chunks), list(query.expansions)))
    for h in hits:
        assert h.dense == pytest.approx(cosine[h.chunk.id], abs=1e-5)
        assert h.keyword == pytest.approx(bm25.get(h.chunk.id, 0.0), abs=1e-5)


def test_similarities_from_the_chroma_collection_match_the_exact_matrix(ready):
    """Server mode searches the collection; its cosines come from this generation's vectors.npy when this
    machine has it, else from the collection's stored vectors: the same numbers either way."""
    from dataclasses import replace

    store, emb = resources(ready)
    ids = list(store.chunks)[::7][:6]
    vector = emb.embed_query("展會停電了,誰負責?")
    parts = [emb.embed_query("展會停電了"), emb.embed_query("誰負責")]
    server = replace(store)
    server.__dict__["exact"] = None  # as in server mode, with the local vectors.npy of the ingesting machine
    remote = replace(server)
    remote.__dict__["saved"] = None  # a reader that rebuilt its chunk table from the server
    assert server.saved is not None
    for clause_vectors in ([], parts):
        local = store.similarities(vector, ids, clause_vectors)
        assert set(local) == set(ids)
        for other in (server, remote):
            got = other.similarities(vector, ids, clause_vectors)
            assert set(got) == set(ids)
            assert all(got[cid] == pytest.approx(local[cid], abs=1e-5) for cid in ids)
    nearest = store.dense(vector, 5, parts)
    for other in (server, remote):  # Chroma's graph search is approximate: the same best chunk, the same scores
        found = other.dense(vector, 5, parts)
        assert found[0][0] == nearest[0][0]
        exact = store.similarities(vector, [cid for cid, _ in found], parts)
        assert all(score == pytest.approx(exact[cid], abs=1e-5) for cid, score in found)


def test_a_long_questions_clauses_are_searched_on_their_own_too(ready):
    """The clauses that carry content words are embedded on their own as well; the asking clause is not one,
    and a question of one clause has none."""
    store, _ = resources(ready)
    words = store.keyword.content_words
    assert clauses("展會現場突然停電了,參展商都在抱怨,我該找哪個部門?", words) == ["展會現場突然停電了", "參展商都在抱怨"]
    assert clauses("新聞稿歸誰管?", words) == []
    assert clauses("Our booth lost power, exhibitors are angry, who do I ask?", words) == [
        "Our booth lost power", "exhibitors are angry"
    ]


def test_passages_with_equal_scores_come_in_the_same_order_in_every_process(tmp_path, shared_cache):
    """One sentence kept in three files scores the same three times (BM25 alone: exactly the same): the hits
    come in their chunk ids' order, whatever Python's hash seed (a set's order once decided which of them the
    ranker saw first, and so which unit a question went to)."""
    import os
    import subprocess
    import sys

    from assistant import settings
    from assistant.index.resources import embedder_for
    from ingest.pipeline import run

    corpus = tmp_path / "docs"
    corpus.mkdir()
    for name in ("a", "b", "c"):
        (corpus / f"{name}.md").write_text("# Billing Team\n\nThe Billing team pays supplier invoices.\n", encoding="utf-8")
    home = tmp_path / "h"
    s = settings.load(environ={}, home=home, corpus=corpus, cache=shared_cache)
    run(s, embedder_for(s), progress=False)
    script = ("import sys; from assistant import settings; from assistant.index.resources import resources; "
              "from assistant.retrieval.retriever import make_query, search; "
              "s = settings.load(environ={}, home=sys.argv[1], corpus=sys.argv[2], cache=sys.argv[3]); st, e = resources(s); "
              "print([(h.chunk.id, h.score) for h in search(st, e, make_query('who pays supplier invoices', st), 5, 'keyword')])")
    outs = {subprocess.run([sys.executable, "-c", script, str(home), str(corpus), str(shared_cache)], check=True, capture_output=True,
                           text=True, env={**os.environ, "PYTHONHASHSEED": str(seed)}).stdout for seed in range(1, 6)}
    assert len(outs) == 1
    hits = eval(outs.pop())  # noqa: S307 - our own subprocess's repr of (id, score) pairs
    assert len(hits) >= 3 and hits == sorted(hits, key=lambda h: (-h[1], h[0]))
