"""Chroma server mode against a real `chroma run` on loopback: same answers as the embedded store,
a reader with no local copy rebuilds it from the server, and every failure is one line and exit 3."""

from __future__ import annotations

import filecmp
import json
import os
import re
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import pytest

from assistant import settings
from assistant.answer import answer
from assistant.errors import IndexMismatch, StoreUnavailable
from assistant.index.generations import generation_dir, read_current
from assistant.index.resources import embedder_for, resources
from assistant.index.store import INDEX_VERSION, open_current
from assistant.verdict.taxonomy import for_corpus
from bench.processes import chroma_server, executable, free_port, stop
from eval.harness import default_cases_path, load_cases
from eval.harness import run as run_eval
from ingest.pipeline import run as ingest

pytestmark = [pytest.mark.server, pytest.mark.slow]


@pytest.fixture(scope="module")
def chroma(tmp_path_factory):
    """A real Chroma server for this module, stopped at teardown."""
    with chroma_server(tmp_path_factory.mktemp("chroma") / "data") as (url, _pid):
        yield url


@pytest.fixture(scope="module")
def server_home(chroma, tmp_path_factory):
    """The bundled corpus ingested into the server (local keyword index and chunk table beside it)."""
    path = tmp_path_factory.mktemp("server") / "home"
    s = settings.load(environ={}, home=path, chroma_url=chroma)
    report = ingest(s, embedder_for(s), progress=False)
    assert report.changed and report.chunks > 100
    return path


def _cli(*args: str, env_extra: dict | None = None, timeout: float = 180) -> subprocess.CompletedProcess:
    env = dict(os.environ, **(env_extra or {}))
    return subprocess.run(
        [sys.executable, "-m", "assistant.surfaces.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        env=env,
    )


def _predictions(s) -> list[tuple[str, str, bool]]:
    tax = for_corpus(s.corpus)
    report = run_eval(load_cases(default_cases_path(), tax), s, tax)
    return [(r["id"], r["predicted"], r["correct"]) for r in report["results"]]


def test_server_mode_answers_the_eval_set_like_the_embedded_store(server_home, built_home, chroma):
    served = settings.load(environ={}, home=server_home, chroma_url=chroma)
    embedded = settings.load(environ={}, home=built_home)
    assert _predictions(served) == _predictions(embedded)
    store = open_current(served, embedder_for(served))
    assert store.collection.count() == len(store.chunks)
    assert not (generation_dir(served, store.generation) / "chroma").exists()  # vectors live on the server


def test_cli_ask_against_the_server(server_home, chroma):
    done = _cli(
        "ask", "--json", "新聞稿和危機公關歸誰管?", "--home", str(server_home), "--chroma-url", chroma
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["department"] == "公關部"


def test_a_reader_without_the_local_copy_rebuilds_it_from_the_server(server_home, chroma, tmp_path):
    writer = settings.load(environ={}, home=server_home, chroma_url=chroma)
    reader = settings.load(environ={}, home=tmp_path / "elsewhere", chroma_url=chroma)
    store = open_current(reader, embedder_for(reader))  # no current.json, no generation here: read back
    gen = read_current(writer)["generation"]
    assert store.generation == gen and read_current(reader)["generation"] == gen
    mine, theirs = generation_dir(writer, gen), generation_dir(reader, gen)
    assert (mine / "chunks.jsonl").read_bytes() == (theirs / "chunks.jsonl").read_bytes()
    same = filecmp.cmpfiles(
        mine / "keyword",
        theirs / "keyword",
        [
            "ids.json",
            "vocab.index.json",
            "data.csc.index.npy",
            "indices.csc.index.npy",
            "indptr.csc.index.npy",
        ],
        shallow=False,
    )
    assert not same[1] and not same[2], same
    from assistant.index.bridge import Bridge

    assert Bridge.load(theirs) is not None and Bridge.load(theirs) == Bridge.load(mine)  # the same dictionary bridge
    import numpy as np

    from assistant.index.generations import PROFILES

    # the units' mean passage vectors (a ranker signal) come back from the server too
    with np.load(mine / PROFILES) as written, np.load(theirs / PROFILES) as read:
        assert list(read["units"]) == list(written["units"]) and len(written["units"]) > 5
        assert np.allclose(read["vectors"], written["vectors"], atol=1e-6)
    done = _cli(
        "ask", "--json", "Who writes press releases?", "--home", str(reader.home), "--chroma-url", chroma
    )
    assert done.returncode == 0 and json.loads(done.stdout)["department"] == "公關部"


def test_unchanged_reingest_checks_the_server_holds_the_index(server_home, chroma):
    done = _cli("ingest", "--home", str(server_home), "--chroma-url", chroma)
    assert done.returncode == 0 and "up to date" in done.stdout


@pytest.mark.parametrize(
    "command", [["ask", "--json", "新聞稿歸誰管?"], ["ingest"], ["eval"], ["serve", "--port", "0"]]
)
def test_unreachable_server_is_one_line_and_exit_3(command, server_home, tmp_path):
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    for home in (server_home, tmp_path / "fresh"):  # with a local copy and without
        done = _cli(*command, "--home", str(home), "--chroma-url", url)
        assert done.returncode == 3, (command, done.stderr)
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and url in lines[0] and "Traceback" not in done.stderr, done.stderr


def test_env_var_selects_the_server_too(server_home, chroma):
    url = f"http://127.0.0.1:{free_port()}"
    done = _cli("ask", "新聞稿歸誰管?", "--home", str(server_home), env_extra={"WHOSEJOB_CHROMA_URL": url})
    assert done.returncode == 3 and url in done.stderr


def test_server_gone_while_serving_is_a_store_error_naming_the_url(corpus_copy, tmp_path):
    from assistant.answer import answer

    with chroma_server(tmp_path / "short-lived") as (url, _pid):
        s = settings.load(environ={}, home=tmp_path / "home", corpus=corpus_copy, chroma_url=url)
        ingest(s, embedder_for(s), progress=False)
        assert answer("新聞稿歸誰管?", settings=s).department == "公關部"
    with pytest.raises(StoreUnavailable, match=url.replace(".", r"\.")):
        answer("展會現場跟展館那邊的業務對接,是誰的活?", settings=s)


@contextmanager
def _chroma_run(path: Path, port: int, timeout: float = 60.0):
    """`chroma run` on a chosen port and data path (so it can be restarted exactly there); stopped on exit."""
    import httpx

    url = f"http://127.0.0.1:{port}"
    with open(path.parent / f"{path.name}.log", "ab") as log:
        proc = subprocess.Popen(
            [executable("chroma"), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + timeout
            while True:
                assert proc.poll() is None, f"chroma run exited with {proc.returncode}"
                try:
                    if httpx.get(url + "/api/v2/heartbeat", timeout=1.0).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                assert time.monotonic() < deadline, f"chroma run did not answer on {url}"
                time.sleep(0.2)
            yield url
        finally:
            stop(proc)


def test_server_stopped_then_restarted_on_the_same_port_recovers_without_a_restart(
    corpus_copy, tmp_path, monkeypatch
):
    """Stopped while serving: StoreUnavailable naming the URL (CLI: exit 3, one line). Restarted on the
    same port and path: the same process answers again by itself, also across the pointer re-check."""
    from assistant.answer import answer
    from assistant.index import store

    data, port = tmp_path / "data", free_port()
    question = "新聞稿歸誰管?"
    with _chroma_run(data, port) as url:
        s = settings.load(environ={}, home=tmp_path / "home", corpus=corpus_copy, chroma_url=url)
        ingest(s, embedder_for(s), progress=False)
        before = answer(question, settings=s).to_dict()
        assert before["department"] == "公關部"

    # POINTER_TTL long: the cached store's query fails; zero: the server-pointer re-check fails first.
    for ttl in (3600.0, 0.0):
        monkeypatch.setattr(store, "POINTER_TTL", ttl)
        with pytest.raises(StoreUnavailable, match=re.escape(url)):
            answer(question, settings=s)
    done = _cli("ask", question, "--home", str(s.home), "--chroma-url", url)
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 3 and len(lines) == 1 and url in lines[0], done.stderr
    assert "Traceback" not in done.stderr

    with _chroma_run(data, port) as again:
        assert again == url
        for ttl in (3600.0, 0.0):  # the cached store's own query, then through the pointer re-check
            monkeypatch.setattr(store, "POINTER_TTL", ttl)
            assert answer(question, settings=s).to_dict() == before  # at once, in the same process
        assert answer("Who writes press releases?", settings=s).department == "公關部"


def test_an_index_answers_only_for_the_folder_it_was_built_from(ready, tmp_path):
    """Asking about another folder in a home whose index holds the bundled article is a one-line error
    (it was a KeyError: the article's owners under the other folder's departments); ingesting that folder
    switches the home to it."""
    other = tmp_path / "acme"
    other.mkdir()
    (other / "billing.md").write_text("# Billing Team\n\nThe Billing team owns invoices and refunds.\n", encoding="utf-8")
    env = {"WHOSEJOB_HOME": str(ready.home), "HF_HUB_OFFLINE": "1"}
    before = read_current(ready)["generation"]
    out = _cli("ask", "--corpus", str(other), "Who handles refunds?", env_extra=env)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1 and "was built from" in out.stderr and "whosejob ingest" in out.stderr
    assert read_current(ready)["generation"] == before  # the bundled index is untouched
    assert _cli("ingest", "--corpus", str(other), env_extra=env).returncode == 0
    answered = _cli("ask", "--json", "--corpus", str(other), "Who handles refunds?", env_extra=env)
    assert answered.returncode == 0, answered.stderr
    assert json.loads(answered.stdout)["department"] == "Billing Team"


def test_an_index_from_an_older_whosejob_is_checked_by_its_files_and_rebuilt_before_answering(ready, tmp_path):
    """An index built before the meta named its folder and version (an upgrade): another folder is refused
    by comparing file names, and the same folder is rebuilt once so the new meta (yardsticks) is there."""
    path = ready.index_dir / "current.json"
    meta = json.loads(path.read_text())
    for key in ("corpus", "index_version", "lexical"):
        meta.pop(key)
    path.write_text(json.dumps(meta))
    os.utime(path, (time.time() + 5, time.time() + 5))  # a new mtime: the open index is read again
    other = tmp_path / "acme"
    other.mkdir()
    (other / "billing.md").write_text("# Billing Team\n\nThe Billing team owns invoices.\n", encoding="utf-8")
    with pytest.raises(IndexMismatch, match="was built from another folder"):
        resources(replace(ready, corpus=other), notice=None)
    notices: list[str] = []
    store, _ = resources(ready, notice=notices.append)
    assert "older whosejob" in notices[0]
    assert store.meta["index_version"] == INDEX_VERSION and store.meta["lexical"]


def test_a_copy_of_the_corpus_elsewhere_is_the_same_corpus(ready, corpus_copy):
    """A clone of the repository in another folder holds the same files: its index still answers."""
    assert answer("新聞稿和危機公關歸誰管?", settings=replace(ready, corpus=corpus_copy)).department == "公關部"


def test_unit_closeness_is_the_cosine_to_each_units_mean_passage(ready):
    """Store.unit_closeness (a ranker signal): one value per unit that owns a passage, the question's cosine
    to the mean of that unit's passage vectors; nothing for a vector of another size or without local vectors."""
    import numpy as np

    store, embedder = resources(ready)
    owners = {c.owner for c in store.chunks.values() if c.owner}
    vector = embedder.embed_query("新聞稿和危機公關歸誰管?")
    close = store.unit_closeness(vector)
    assert set(close) == owners
    rows = [i for i, c in enumerate(store.chunks.values()) if c.owner == "公關部"]
    saved = np.asarray(store.saved, dtype=np.float64)
    mean = (saved[rows] / np.linalg.norm(saved[rows], axis=1, keepdims=True)).mean(axis=0)
    expected = float(mean @ np.asarray(vector) / np.linalg.norm(mean) / np.linalg.norm(vector))
    assert close["公關部"] == pytest.approx(expected, abs=1e-5)
    assert store.unit_closeness(vector[:10]) == {} and store.unit_closeness(None) == {}
    assert max(close, key=close.get) == "公關部"  # the press-release question is nearest the PR unit's passages
    assert set(store.word_owners(store.keyword.content_words("新聞稿和危機公關歸誰管?"))) <= owners
    # ingest saved the profiles; a generation without the file works them out from vectors.npy alike
    from assistant.index.closeness import unit_means
    from assistant.index.generations import PROFILES

    assert (generation_dir(ready, store.generation) / PROFILES).is_file()
    units, matrix = unit_means(np.asarray(store.saved), [c.owner for c in store.chunks.values()])
    assert units == store.profiles[0] and np.allclose(matrix, store.profiles[1], atol=1e-6)


def test_old_generations_leave_the_server_with_their_unit_profiles(corpus_copy, tmp_path):
    """Each generation on the server has its chunks' collection and its unit profiles; ingest keeps the one it
    replaced (for readers that opened it a moment ago) and removes both collections of any older one (a
    server of its own: ingest prunes every other whosejob collection it finds)."""
    from assistant.index.chroma import COLLECTION_PREFIX, UNITS, client

    with chroma_server(tmp_path / "data") as (url, _pid):
        s = settings.load(environ={}, home=tmp_path / "home", corpus=corpus_copy, chroma_url=url)
        made = []
        for text in ("公關部負責新聞稿。", "公關部負責新聞稿與記者會。", "公關部負責新聞稿、記者會與危機公關。"):
            (corpus_copy / "extra.md").write_text(f"# 公關部\n\n{text}\n", encoding="utf-8")
            made.append(ingest(s, embedder_for(s), progress=False).generation)
        names = {getattr(c, "name", c) for c in client(s).list_collections()}
    assert len(set(made)) == 3
    assert {COLLECTION_PREFIX + g + suffix for g in made[1:] for suffix in ("", UNITS)} <= names
    assert not {COLLECTION_PREFIX + made[0], COLLECTION_PREFIX + made[0] + UNITS} & names
