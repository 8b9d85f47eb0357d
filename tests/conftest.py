"""Shared fixtures: every test gets its own WHOSEJOB_HOME; one ingested index is shared per session."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


@pytest.fixture(scope="session", autouse=True)
def shared_cache(tmp_path_factory) -> Path:
    """One WHOSEJOB_CACHE (decompressed model tables, jieba dict) for the session and its subprocesses,
    so each test's fresh WHOSEJOB_HOME does not write its own ~80 MB copy."""
    path = tmp_path_factory.mktemp("cache")
    os.environ["WHOSEJOB_CACHE"] = str(path)
    return path


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch) -> Path:
    """A private WHOSEJOB_HOME for each test, so no test sees another's index or feedback."""
    path = tmp_path / "home"
    monkeypatch.setenv("WHOSEJOB_HOME", str(path))
    for var in ("WHOSEJOB_CHROMA_URL", "WHOSEJOB_EMBEDDER", "WHOSEJOB_LLM", "WHOSEJOB_RERANKER", "WHOSEJOB_CORPUS", "WHOSEJOB_AUTH",
                "WHOSEJOB_CORRECTIONS"):
        monkeypatch.delenv(var, raising=False)
    return path


@pytest.fixture(scope="session")
def built_home(tmp_path_factory, shared_cache) -> Path:
    """A WHOSEJOB_HOME with the bundled corpus ingested once for the whole session (read-only use).
    Its caches go to the shared cache, so the copies tests make of it hold only the index."""
    from assistant import settings
    from assistant.index.resources import embedder_for
    from ingest.pipeline import run

    path = tmp_path_factory.mktemp("built") / "home"
    s = settings.load(environ={}, home=path, cache=shared_cache)
    run(s, embedder_for(s), progress=False)
    return path


@pytest.fixture
def ready(built_home, home, monkeypatch):
    """Settings pointing at a copy of the session index (tests may write feedback beside it)."""
    from assistant import settings

    shutil.copytree(built_home, home, dirs_exist_ok=True, ignore=shutil.ignore_patterns("cache"))
    return settings.load(home=home)


@pytest.fixture
def corpus_copy(tmp_path) -> Path:
    """A writable copy of the bundled corpus (source text + taxonomy + glossary)."""
    dst = tmp_path / "corpus"
    dst.mkdir()
    for f in CORPUS.iterdir():
        if f.suffix in (".txt", ".md", ".yaml"):
            shutil.copy(f, dst / f.name)
    return dst


@pytest.fixture(scope="session")
def artifacts(tmp_path_factory) -> Path:
    """Screenshots, timings and load numbers: $WHOSEJOB_ARTIFACTS when set (CI), else a temp dir."""
    path = Path(os.environ.get("WHOSEJOB_ARTIFACTS") or tmp_path_factory.mktemp("artifacts"))
    path.mkdir(parents=True, exist_ok=True)
    return path
