import pytest

from assistant.index.resources import resources
from assistant.retrieval.chains import HybridRetriever
from assistant.retrieval.retriever import glossary_terms, make_query, search


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
