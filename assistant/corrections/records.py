"""The corrections file: one JSON line per correction, read, added and removed under a file lock."""

from __future__ import annotations

import difflib
import getpass
import json
import os
import secrets
import threading
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from assistant.atomic import write_atomic
from assistant.errors import UsageError
from assistant.settings import Settings
from assistant.text import clean, fold, script

FIELDS = ("id", "question", "department", "note", "who", "when")
NOTE_MAX = 2000  # characters of a note
WHO_MAX = 100
LOCK_TIMEOUT = 30.0  # seconds a writer waits for another one


@dataclass(frozen=True)
class Correction:
    id: str
    question: str
    department: str  # a canonical label of the taxonomy (checked when it is made and when it is used)
    note: str  # free text from the person who made it: quoted, never obeyed
    who: str
    when: str  # ISO 8601, UTC
    line: int = 0  # 1-based line in the corrections file: where its citation points

    def record(self) -> dict:
        return {k: getattr(self, k) for k in FIELDS}

    @property
    def date(self) -> str:
        return self.when[:10]


def _lock(path: Path):
    from filelock import FileLock

    return FileLock(str(path) + ".lock", timeout=LOCK_TIMEOUT)


_cache: dict[str, tuple[tuple, list[Correction]]] = {}
_cache_lock = threading.Lock()


def _parse(text: str) -> list[Correction]:
    out = []
    for n, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except ValueError:
            continue  # a damaged line is skipped, never fatal
        if not isinstance(raw, dict) or not all(
            isinstance(raw.get(k), str) for k in ("id", "question", "department")
        ):
            continue
        out.append(
            Correction(
                id=raw["id"],
                question=raw["question"],
                department=raw["department"],
                note=str(raw.get("note") or ""),
                who=str(raw.get("who") or ""),
                when=str(raw.get("when") or ""),
                line=n,
            )
        )
    return out


def load(settings: Settings) -> list[Correction]:
    """Every correction, oldest first (re-read only when the file changed)."""
    path = settings.corrections_path
    try:
        st = path.stat()
    except FileNotFoundError:
        return []
    stamp = (st.st_ino, st.st_mtime_ns, st.st_size)
    with _cache_lock:
        hit = _cache.get(str(path))
        if hit and hit[0] == stamp:
            return hit[1]
    try:
        items = _parse(path.read_text(encoding="utf-8", errors="replace"))
    except FileNotFoundError:
        return []
    with _cache_lock:
        _cache[str(path)] = (stamp, items)
    return items


def default_who() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in this environment
        return "unknown"


def check_department(name: str, taxonomy) -> str:
    """The canonical label for `name` (a label or alias in any script), or a UsageError naming the nearest labels."""
    label = taxonomy.canonical(name or "")
    if label:
        return label
    names: dict[str, str] = {}
    for dep in taxonomy:
        for n in (dep.label, dep.en, *dep.aliases):
            names.setdefault(fold(n), dep.label)
    close = difflib.get_close_matches(fold(name or ""), list(names), n=8, cutoff=0.3)
    nearest = list(dict.fromkeys(names[c] for c in close))[:3]
    hint = f"; nearest: {', '.join(nearest)}" if nearest else ""
    raise UsageError(f"unknown department {name!r}{hint} (see `whosejob departments`)")


def add(
    settings: Settings, question: str, department: str, note: str = "", who: str | None = None, taxonomy=None
) -> Correction:
    """Append one correction (under the file lock, one whole line): safe from any number of writers.

    `department` must already be a known label when `taxonomy` is not given; with it, aliases resolve.
    """
    question = " ".join(clean(question or "").split())
    if not question:
        raise UsageError("the question of a correction is empty")
    if len(question) > settings.max_question_chars:
        raise UsageError(
            f"the question is {len(question)} characters; keep it under {settings.max_question_chars}"
        )
    if taxonomy is not None:
        department = check_department(department, taxonomy)
    if not department:
        raise UsageError("a correction needs a department")
    note = clean(note or "").strip()
    if len(note) > NOTE_MAX:
        raise UsageError(f"the note is {len(note)} characters; keep it under {NOTE_MAX}")
    who = " ".join(clean(who or default_who()).split())[:WHO_MAX] or "unknown"
    path = settings.corrections_path
    path.parent.mkdir(parents=True, exist_ok=True)
    with _lock(path):
        taken = {c.id for c in load(settings)}
        cid = secrets.token_hex(4)
        while cid in taken:
            cid = secrets.token_hex(4)
        when = datetime.now(UTC).isoformat(timespec="seconds")
        fix = Correction(cid, question, department, note, who, when)
        data = (json.dumps(fix.record(), ensure_ascii=False) + "\n").encode("utf-8")
        fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            size = os.fstat(fd).st_size
            if size and os.pread(fd, 1, size - 1) != b"\n":  # a hand edit left no final newline
                data = b"\n" + data
            os.write(fd, data)  # one write of a whole line, O_APPEND
            os.fsync(fd)
        finally:
            os.close(fd)
    return replace(fix, line=_line_of(settings, cid))


def _line_of(settings: Settings, cid: str) -> int:
    return next((c.line for c in load(settings) if c.id == cid), 0)


def _rewrite(path: Path, text: str) -> None:
    """Replace the file in one rename: a reader sees the old file or the new one, never half of one."""
    write_atomic(path, text, durable=True)


def remove(settings: Settings, cid: str) -> Correction:
    """Delete one correction by id (the earlier answer comes back); an unknown id is a UsageError."""
    path = settings.corrections_path
    if not path.exists():
        raise UsageError(f"no correction {cid!r}: there are no corrections yet ({path})")
    with _lock(path):
        lines = path.read_text(encoding="utf-8", errors="replace").split("\n")
        found = None
        kept = []
        for line in lines:
            c = _parse(line)
            if c and c[0].id == cid and found is None:
                found = c[0]
                continue
            kept.append(line)
        if found is None:
            raise UsageError(f"no correction {cid!r} (see `whosejob corrections`)")
        text = "\n".join(kept)
        _rewrite(path, text if not text.strip() or text.endswith("\n") else text + "\n")
    return found


def export_cases(settings: Settings, out: Path, taxonomy) -> int:
    """Eval cases (eval/cases.jsonl schema) that pin each correction: its question → its department."""
    lines = []
    for c in load(settings):
        label = taxonomy.canonical(c.department)
        if not label:
            continue
        case = {
            "id": f"correction-{c.id}",
            "question": c.question,
            "departments": [label],
            "lang": script(c.question),
            "kind": "direct",
        }
        lines.append(json.dumps(case, ensure_ascii=False))
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    _rewrite(out, "".join(line + "\n" for line in lines))
    return len(lines)


def citation_valid(cite: dict, path: Path, cache: dict[str, str] | None = None) -> bool:
    """A correction's citation is right when the line it names holds a correction whose note (or, with
    no note, its question) is the quote, word for word."""
    cache = {} if cache is None else cache
    key = f"correction:{path}"
    if key not in cache:
        try:
            cache[key] = path.read_text(encoding="utf-8")
        except OSError:
            cache[key] = ""
    start, end = cite["lines"]
    if start != end:
        return False
    found = [c for c in _parse(cache[key]) if c.line == start]
    return bool(found and cite["quote"]) and cite["quote"] == (found[0].note or found[0].question)
