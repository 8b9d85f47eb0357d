"""From 👎 to a correction: the proposal queue every surface shares, and the CLI commands for corrections.

A 👎 vote (web chat or Slack) is one line of `feedback.jsonl`. The department the voter says is right,
with a free note, follows as a `proposal` line that names the vote; an admin's decision as a `review`
line (accepted, with the id of the correction it made, or dismissed). Appends only, each one whole
line, so the web chat, Slack and the CLI can all write at once. `whosejob feedback` and the web chat's
Admin tab show the same queue; accepting an item calls `corrections.add`.
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from assistant import corrections
from assistant.errors import UsageError
from assistant.settings import Settings
from assistant.surfaces.feedback import Feedback, append, records
from assistant.surfaces.feedback import load as load_votes
from assistant.surfaces.feedback import show as show_votes
from assistant.text import clean

STATUSES = ("open", "accepted", "dismissed")


@dataclass(frozen=True)
class Item:
    """One 👎 vote with what was proposed for it and what became of it."""

    vote: Feedback
    key: str  # the vote's id (older votes without one: a hash of time and question)
    proposed: str | None = None  # the department the voter says is right
    note: str = ""
    proposer: str | None = None
    status: str = "open"
    correction: str | None = None  # the correction an accepted item made
    reviewer: str | None = None

    def to_dict(self) -> dict:
        return {
            "id": self.key,
            "time": self.vote.time,
            "surface": self.vote.surface,
            "user": self.vote.user,
            "question": self.vote.question,
            "answered": self.vote.department,
            "abstained": self.vote.abstained,
            "proposed": self.proposed,
            "note": self.note,
            "proposer": self.proposer,
            "status": self.status,
            "correction": self.correction,
            "reviewer": self.reviewer,
        }


def key_of(vote: Feedback) -> str:
    if getattr(vote, "id", None):
        return vote.id
    return hashlib.sha1(f"{vote.time}\n{vote.surface}\n{vote.question}".encode()).hexdigest()[:12]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _events(settings: Settings) -> list[dict]:
    """Proposals and reviews of 👎 votes, oldest first."""
    return [
        raw for raw in records(settings)
        if raw.get("kind") in ("proposal", "review") and isinstance(raw.get("ref"), str)
    ]


def items(settings: Settings) -> list[Item]:
    """Every 👎 vote with its latest proposal and review, newest first."""
    votes = [v for v in load_votes(settings) if v.vote == "down"]
    state: dict[str, dict] = {key_of(v): {"vote": v, "key": key_of(v)} for v in votes}
    for ev in _events(settings):
        item = state.get(ev["ref"])
        if item is None:
            continue
        if ev["kind"] == "proposal":
            item.update(
                proposed=ev.get("department") or None, note=str(ev.get("note") or ""), proposer=ev.get("user")
            )
        elif ev.get("status") in STATUSES:
            item.update(status=ev["status"], correction=ev.get("correction"), reviewer=ev.get("user"))
    return [Item(**s) for s in reversed(state.values())]


def queue(settings: Settings) -> list[Item]:
    """The 👎 votes nobody has accepted or dismissed yet, newest first."""
    return [i for i in items(settings) if i.status == "open"]


def find(settings: Settings, key: str) -> Item:
    for i in items(settings):
        if i.key == key:
            return i
    raise UsageError(f"no 👎 vote {key!r} (see `whosejob feedback`)")


def propose(
    settings: Settings,
    key: str,
    department: str,
    note: str = "",
    user: str | None = None,
    surface: str = "web",
    taxonomy=None,
) -> dict:
    """Store which department a 👎 voter says is right (a known label), with an optional note."""
    find(settings, key)
    label = corrections.check_department(department, taxonomy) if taxonomy is not None else department
    note = clean(note or "").strip()
    if len(note) > corrections.NOTE_MAX:
        raise UsageError(f"the note is {len(note)} characters; keep it under {corrections.NOTE_MAX}")
    record = {
        "kind": "proposal",
        "time": _now(),
        "ref": key,
        "department": label,
        "note": note,
        "user": user,
        "surface": surface,
    }
    append(settings, record)
    return record


def _review_lock(settings: Settings):
    from filelock import FileLock

    settings.home.mkdir(parents=True, exist_ok=True)
    return FileLock(str(settings.feedback_path) + ".lock", timeout=corrections.LOCK_TIMEOUT)


def accept(
    settings: Settings,
    key: str,
    who: str | None = None,
    department: str | None = None,
    note: str | None = None,
    taxonomy=None,
) -> corrections.Correction:
    """Turn a 👎 vote into a correction: its question, the proposed (or given) department and note."""
    with _review_lock(settings):  # two admins clicking at once make one correction
        item = find(settings, key)
        if item.status != "open":
            raise UsageError(f"👎 vote {key} is already {item.status}")
        dept = department or item.proposed
        if not dept:
            raise UsageError(f"👎 vote {key} has no proposed department; give one")
        fix = corrections.add(
            settings,
            item.vote.question,
            dept,
            item.note if note is None else note,
            who=who,
            taxonomy=taxonomy,
        )
        append(
            settings,
            {
                "kind": "review",
                "time": _now(),
                "ref": key,
                "status": "accepted",
                "correction": fix.id,
                "user": who,
            },
        )
    return fix


def dismiss(settings: Settings, key: str, who: str | None = None) -> Item:
    with _review_lock(settings):
        item = find(settings, key)
        if item.status != "open":
            raise UsageError(f"👎 vote {key} is already {item.status}")
        append(settings, {"kind": "review", "time": _now(), "ref": key, "status": "dismissed", "user": who})
    return item


def describe(item: Item) -> str:
    """One line for `whosejob feedback`: what was answered, what is proposed, what became of it."""
    answered = "abstained" if item.vote.abstained else (item.vote.department or "?")
    proposed = f" → {item.proposed}" if item.proposed else " → (no proposal)"
    note = f" 「{item.note[:60]}」" if item.note else ""
    done = f" [{item.status}{' as correction ' + item.correction if item.correction else ''}]"
    return f"{item.key}  {answered}{proposed}{note}{done}  {item.vote.question[:60]}"


def show(settings: Settings, as_json: bool = False) -> int:
    """`whosejob feedback`: the votes (feedback.show), then the 👎 queue, open items first; with --json each
    👎 line also carries its proposal and what became of it."""
    everything = items(settings)
    if as_json:
        queued = {i.key: i.to_dict() for i in everything}
        for fb in load_votes(settings):
            extra = queued.get(key_of(fb), {}) if fb.vote == "down" else {}
            print(
                json.dumps(
                    asdict(fb)
                    | {k: extra[k] for k in ("proposed", "note", "status", "correction") if k in extra},
                    ensure_ascii=False,
                )
            )
        return 0
    show_votes(settings)
    if everything:
        print("\n👎 queue (whosejob feedback --accept ID [--department D] | --dismiss ID):")
        for item in sorted(everything, key=lambda i: i.status != "open"):
            print("  " + describe(item))
    return 0


# --- the CLI: whosejob correct / corrections / feedback --accept|--dismiss ------------------------------


def _taxonomy(settings: Settings):
    from assistant.index.resources import resources

    return resources(settings)[0].taxonomy  # the taxonomy the answer path uses


def cmd_correct(args, settings: Settings) -> int:
    """`whosejob correct --question Q --department D [--note TEXT] [--who NAME]`."""
    from assistant.verdict.guard import is_instruction

    if is_instruction(args.question or ""):
        raise UsageError(
            "that question reads as an instruction to the assistant, not a question about who does what"
        )
    fix = corrections.add(
        settings, args.question, args.department, args.note or "", who=args.who, taxonomy=_taxonomy(settings)
    )
    if args.json:
        print(json.dumps(fix.record(), ensure_ascii=False))
    else:
        print(f"correction {fix.id}: 「{fix.question}」 → {fix.department} ({settings.corrections_path})")
    return 0


def cmd_corrections(args, settings: Settings) -> int:
    """`whosejob corrections [--json] | --remove ID | --export-cases FILE`."""
    if args.remove:
        gone = corrections.remove(settings, args.remove)
        print(f"removed correction {gone.id}: 「{gone.question}」 → {gone.department}")
        return 0
    if args.export_cases:
        n = corrections.export_cases(settings, Path(args.export_cases), _taxonomy(settings))
        print(
            f"{n} eval case(s) written to {args.export_cases} (run them with `whosejob eval --cases {args.export_cases}`)",
            file=sys.stderr,
        )
        return 0
    fixes = corrections.load(settings)
    if args.json:
        for c in fixes:
            print(json.dumps(c.record(), ensure_ascii=False))
        return 0
    if not fixes:
        print(f"no corrections yet ({settings.corrections_path})", file=sys.stderr)
        return 0
    for c in fixes:
        note = f"  「{c.note[:60]}」" if c.note else ""
        print(f"{c.id}  {c.date}  {c.who:<12}  {c.department:<10}  {c.question[:60]}{note}")
    print(f"{len(fixes)} correction(s) in {settings.corrections_path}", file=sys.stderr)
    return 0


def cmd_review(args, settings: Settings) -> int | None:
    """`whosejob feedback --accept ID [--department D] [--note TEXT]` or `--dismiss ID`; None when neither."""
    who = getattr(args, "who", None) or corrections.default_who()
    if getattr(args, "accept", None):
        fix = accept(
            settings,
            args.accept,
            who=who,
            department=args.department,
            note=args.note,
            taxonomy=_taxonomy(settings),
        )
        print(f"correction {fix.id}: 「{fix.question}」 → {fix.department}")
        return 0
    if getattr(args, "dismiss", None):
        dismiss(settings, args.dismiss, who=who)
        print(f"dismissed 👎 vote {args.dismiss}")
        return 0
    return None
