"""👍/👎 on answers, from the web chat and Slack alike, appended to one JSONL file under WHOSEJOB_HOME.

Wrong answers recorded here are meant to become eval cases (`whosejob feedback --json`).
"""

from __future__ import annotations

import json
import os
import secrets
import sys
from dataclasses import asdict, dataclass
from datetime import UTC, datetime

from assistant.errors import UsageError
from assistant.models import Answer
from assistant.settings import Settings

VOTES = ("up", "down")


@dataclass(frozen=True)
class Feedback:
    time: str
    vote: str  # "up" | "down"
    surface: str  # "web" | "slack" | ...
    question: str
    department: str | None
    confidence: float
    abstained: bool
    answer: str
    user: str | None = None
    id: str | None = None  # what a 👎's proposal and review name (assistant/surfaces/review.py)


def record(settings: Settings, ans: Answer, vote: str, surface: str, user: str | None = None) -> Feedback:
    """Append one vote; a line is written whole (O_APPEND) so concurrent writers never interleave."""
    if vote not in VOTES:
        raise UsageError(f"vote must be one of {', '.join(VOTES)}, got {vote!r}")
    fb = Feedback(
        time=datetime.now(UTC).isoformat(timespec="seconds"),
        vote=vote,
        surface=surface,
        question=ans.question,
        department=ans.department,
        confidence=round(ans.confidence, 3),
        abstained=ans.abstained,
        answer=ans.answer,
        user=user,
        id=secrets.token_hex(6),
    )
    append(settings, asdict(fb))
    return fb


def append(settings: Settings, record: dict) -> None:
    """One whole line with O_APPEND: concurrent writers (web, Slack, CLI) never interleave."""
    settings.home.mkdir(parents=True, exist_ok=True)
    line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
    fd = os.open(settings.feedback_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)


def records(settings: Settings) -> list[dict]:
    """Every JSON object line of the feedback file, oldest first; a damaged line is skipped."""
    try:
        text = settings.feedback_path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return []
    out = []
    for line in text.splitlines():
        try:
            raw = json.loads(line)
        except ValueError:
            continue
        if isinstance(raw, dict):
            out.append(raw)
    return out


def load(settings: Settings) -> list[Feedback]:
    """Every stored vote, oldest first; a damaged line is skipped, not fatal."""
    out = []
    for raw in records(settings):
        if "kind" not in raw:  # proposals and reviews are review.py's
            try:
                out.append(Feedback(**raw))
            except TypeError:
                continue
    return out


def show(settings: Settings, as_json: bool = False) -> int:
    """`whosejob feedback`: the votes as a table, or JSON lines for turning into eval cases."""
    items = load(settings)
    if as_json:
        for fb in items:
            print(json.dumps(asdict(fb), ensure_ascii=False))
        return 0
    if not items:
        print(f"no feedback yet ({settings.feedback_path})", file=sys.stderr)
        return 0
    for fb in items:
        mark = "👍" if fb.vote == "up" else "👎"
        dept = "abstained" if fb.abstained else f"{fb.department} {fb.confidence:.2f}"
        print(f"{fb.time}  {mark}  {fb.surface:<5}  {dept:<16}  {fb.question[:60]}")
    ups = sum(fb.vote == "up" for fb in items)
    print(f"{len(items)} votes: {ups} 👍, {len(items) - ups} 👎", file=sys.stderr)
    return 0
