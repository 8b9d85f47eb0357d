"""Slack's side of corrections (issue 12): 👎 opens a modal asking which department is right (`views.open`),
and submitting it (`view_submission`) stores the proposal in the shared feedback file, where the web
chat's Admin tab and `whosejob feedback --accept` turn it into a correction.

Pure functions, no slack_bolt import; every string a person typed is escaped or sent as plain_text.
"""

from __future__ import annotations

import json

from assistant import corrections
from assistant.errors import WhosejobError
from assistant.settings import Settings
from assistant.surfaces import review
from assistant.surfaces.feedback import Feedback

CALLBACK = "whosejob_propose"
DEPARTMENT_BLOCK, NOTE_BLOCK, FIELD = "department", "note", "value"
OPTION_TEXT_MAX, OPTIONS_MAX, METADATA_MAX = 75, 100, 3000


def _plain(text: str, limit: int = 3000) -> dict:
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return {"type": "plain_text", "text": text, "emoji": True}


def _option(label: str, tax) -> dict:
    en = tax.departments[label].en
    return {"text": _plain(f"{label} · {en}" if en else label, OPTION_TEXT_MAX), "value": label}


def department_select(tax) -> dict:
    """A static_select of every department: flat up to Slack's 100 options, else grouped by top unit."""
    labels = [d.label for d in tax]
    element: dict = {"type": "static_select", "action_id": FIELD, "placeholder": _plain("Department 部門")}
    if len(labels) <= OPTIONS_MAX:
        element["options"] = [_option(label, tax) for label in labels]
    else:
        element["option_groups"] = [
            {
                "label": _plain(root, 75),
                "options": [_option(d, tax) for d in (root, *tax.children(root))][:OPTIONS_MAX],
            }
            for root in tax.roots()[:OPTIONS_MAX]
        ]
    return element


def proposal_modal(vote: Feedback, tax) -> dict:
    """The modal a 👎 opens: the question and its answer, a department select and a free note."""
    answered = "no answer (無法回答)" if vote.abstained else (vote.department or "?")
    meta = {"v": vote.id, "q": vote.question[:1000]}
    return {
        "type": "modal",
        "callback_id": CALLBACK,
        "private_metadata": json.dumps(meta, ensure_ascii=False)[:METADATA_MAX],
        "title": _plain("Which department?", 24),
        "submit": _plain("Send 送出", 24),
        "close": _plain("Cancel 取消", 24),
        "blocks": [
            {"type": "section", "text": _plain(f"👎 {vote.question}", 2000)},
            {"type": "context", "elements": [_plain(f"answered 回答: {answered}", 2000)]},
            {
                "type": "input",
                "block_id": DEPARTMENT_BLOCK,
                "label": _plain("The right department 正確的部門"),
                "element": department_select(tax),
            },
            {
                "type": "input",
                "block_id": NOTE_BLOCK,
                "optional": True,
                "label": _plain("Note 說明"),
                "element": {
                    "type": "plain_text_input",
                    "action_id": FIELD,
                    "multiline": True,
                    "max_length": corrections.NOTE_MAX,
                },
            },
        ],
    }


def read_submission(view: dict) -> tuple[str | None, str | None, str]:
    """(vote id, chosen department, note) from a submitted modal."""
    try:
        meta = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        meta = {}
    values = (view.get("state") or {}).get("values") or {}
    chosen = ((values.get(DEPARTMENT_BLOCK) or {}).get(FIELD) or {}).get("selected_option") or {}
    note = ((values.get(NOTE_BLOCK) or {}).get(FIELD) or {}).get("value") or ""
    return meta.get("v"), chosen.get("value"), note


def submit(settings: Settings, tax, view: dict, user: str | None) -> dict | None:
    """Store the proposal; None when stored, else Slack's `errors` (per input block) to show in the modal."""
    key, department, note = read_submission(view)
    if not key:
        return {DEPARTMENT_BLOCK: "This vote can no longer be found; please vote again."}
    if not department:
        return {DEPARTMENT_BLOCK: "Pick a department."}
    try:
        review.propose(settings, key, department, note, user=user, surface="slack", taxonomy=tax)
    except WhosejobError as err:
        block = NOTE_BLOCK if "note" in str(err) else DEPARTMENT_BLOCK
        return {block: str(err)[:150]}
    return None
