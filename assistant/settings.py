"""The one place settings are read: `WHOSEJOB_*` environment variables, then CLI flags on top."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from assistant.errors import ConfigError

ENV_PREFIX = "WHOSEJOB_"


def _default_home() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("whosejob", appauthor=False))


def _default_corpus() -> Path:
    from corpus import DIR

    return DIR


@dataclass(frozen=True)
class Settings:
    home: Path = field(default_factory=_default_home)  # index, feedback, logs
    corpus: Path = field(default_factory=_default_corpus)
    chroma_url: str | None = None  # http://host:port -> chromadb.HttpClient instead of the embedded store
    embedder: str = "use-m3"  # or "sentence-transformers:<name or path>"
    reranker: str | None = None  # sentence-transformers CrossEncoder name or path
    llm: str | None = None  # LangChain init_chat_model spec; unset = extractive answers only
    k: int = 8  # chunks retrieved per question
    max_question_chars: int = 2000
    host: str = "127.0.0.1"
    port: int = 7860
    auth: str | None = None  # "user:pass" basic auth for the web chat
    slack_api_url: str | None = None  # Slack Web API base URL override (proxy or local stand-in)
    cache: Path | None = None  # derived caches (decompressed model tables, jieba dict); default <home>/cache
    corrections: Path | None = None  # corrections ("in our company X owns this"); default <home>/corrections.jsonl

    @property
    def index_dir(self) -> Path:
        return self.home / "index"

    @property
    def cache_dir(self) -> Path:
        return self.cache or self.home / "cache"

    @property
    def feedback_path(self) -> Path:
        return self.home / "feedback.jsonl"

    @property
    def corrections_path(self) -> Path:
        return self.corrections or self.home / "corrections.jsonl"

    @property
    def log_dir(self) -> Path:
        return self.home / "logs"

    def with_overrides(self, **overrides) -> Settings:
        """Apply CLI flags; a None flag means 'not given' and keeps the env value."""
        given = {k: v for k, v in overrides.items() if v is not None}
        for key in ("home", "corpus", "cache", "corrections"):
            if key in given:
                given[key] = Path(given[key]).expanduser()
        return replace(self, **given)


def _coerce(name: str, raw: str, kind: type):
    if kind is int:
        try:
            return int(raw)
        except ValueError:
            raise ConfigError(f"{ENV_PREFIX}{name.upper()} must be a whole number, got {raw!r}") from None
    if kind is Path:
        return Path(raw).expanduser()
    return raw or None


def load(environ: dict[str, str] | None = None, **overrides) -> Settings:
    """Settings from the environment (`WHOSEJOB_HOME`, `WHOSEJOB_CHROMA_URL`, ...) plus flag overrides."""
    env = os.environ if environ is None else environ
    values = {}
    for f in fields(Settings):
        raw = env.get(ENV_PREFIX + f.name.upper())
        if raw is None:
            continue
        kind = {"home": Path, "corpus": Path, "cache": Path, "corrections": Path, "k": int, "max_question_chars": int, "port": int}.get(f.name, str)
        values[f.name] = _coerce(f.name, raw, kind)
    return Settings(**values).with_overrides(**overrides)
