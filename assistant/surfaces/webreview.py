"""The web chat's side of corrections (issue 12): 👎 asks which department is right, and an Admin tab
(only behind `WHOSEJOB_AUTH`) turns a proposal into a correction with one click, or dismisses it.

Gradio is passed in (web.py imports it); every string a person typed goes through `webview.esc`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from assistant import corrections
from assistant.errors import WhosejobError
from assistant.settings import Settings
from assistant.surfaces import review
from assistant.surfaces.feedback import Feedback
from assistant.surfaces.webview import esc
from assistant.verdict.taxonomy import Taxonomy

CSS = """
.wj-propose-head { margin: .2em 0 .4em; }
.wj-review-item { border: 1px solid #e5e7eb; border-radius: 10px; padding: .4em .6em; margin: .5em 0; }
.wj-review-q { font-weight: 600; }
.wj-review-meta, .wj-fix-meta { color: #4b5563; font-size: .85em; }
.wj-review-note, .wj-fix-note { margin: .25em 0; padding: .2em .5em; background: #f9fafb; border-left: 3px solid #d1d5db; }
.wj-fixes { margin-top: 1em; }
.wj-fix { border-bottom: 1px solid #e5e7eb; padding: .35em 0; }
"""


def choices(tax: Taxonomy) -> list[tuple[str, str]]:
    """(shown, value) for a department dropdown: every label with its English name, parents first."""
    order = [d for r in tax.roots() for d in (r, *tax.children(r))]
    order += [d.label for d in tax if d.label not in order]
    return [
        (f"{label} · {tax.departments[label].en}" if tax.departments[label].en else label, label)
        for label in order
    ]


@dataclass
class ProposalBox:
    pending: Any  # gr.State: the 👎 vote's id
    group: Any
    head: Any
    department: Any
    note: Any
    send: Any
    skip: Any

    def outputs(self) -> list:
        """What the like handler updates: the pending vote, the box, its heading, dropdown and note."""
        return [self.pending, self.group, self.head, self.department, self.note]


def proposal_box(gr, tax: Taxonomy) -> ProposalBox:
    """Hidden under the chat until a 👎: which department is right, plus a free note."""
    pending = gr.State(None)
    with gr.Group(visible=False, elem_id="wj-propose") as group:
        head = gr.HTML("", elem_id="wj-propose-head")
        with gr.Row():
            department = gr.Dropdown(
                choices(tax),
                value=None,
                label="The right department 正確的部門",
                elem_id="wj-propose-dept",
                filterable=True,
                scale=2,
            )
            note = gr.Textbox(
                label="Note 說明 (optional)",
                elem_id="wj-propose-note",
                max_lines=4,
                scale=3,
                max_length=corrections.NOTE_MAX,
            )
        with gr.Row():
            send = gr.Button("Send for review 送出", variant="primary", elem_id="wj-propose-send", size="sm")
            skip = gr.Button("Skip 略過", elem_id="wj-propose-skip", size="sm")
    return ProposalBox(pending, group, head, department, note, send, skip)


def after_vote(gr, vote: Feedback | None) -> tuple:
    """The like handler's outputs: a 👎 opens the box for that vote, anything else closes it."""
    if vote is None or vote.vote != "down":
        return None, gr.update(visible=False), gr.update(), gr.update(), gr.update()
    answered = "no answer 無法回答" if vote.abstained else esc(vote.department or "")
    head = (
        f'<div class="wj-propose-head">👎 <b class="wj-propose-q">{esc(vote.question[:300])}</b> — answered '
        f"{answered}. Which department is right? 哪個部門才對?</div>"
    )
    return vote.id, gr.update(visible=True), head, gr.update(value=None), gr.update(value="")


def wire_proposal(gr, settings: Settings, tax: Taxonomy, box: ProposalBox) -> None:
    """Send stores the proposal in the feedback file (for the Admin tab); Skip just closes the box."""

    def send(key: str | None, department: str | None, note: str | None, request: gr.Request):
        if not key:
            return None, gr.update(visible=False)
        if not department:
            gr.Warning("Pick a department first 請先選部門")
            return key, gr.update(visible=True)
        try:
            review.propose(
                settings, key, department, note or "", user=_user(request), surface="web", taxonomy=tax
            )
        except WhosejobError as err:
            gr.Warning(str(err))
            return key, gr.update(visible=True)
        gr.Info(f"Thanks — {department} sent for review 已送出")
        return None, gr.update(visible=False)

    send.__annotations__["request"] = (
        gr.Request
    )  # Gradio passes the request by this hint (gr is not global here)

    box.send.click(
        send, [box.pending, box.department, box.note], [box.pending, box.group], api_visibility="private"
    )
    box.skip.click(
        lambda: (None, gr.update(visible=False)), None, [box.pending, box.group], api_visibility="private"
    )


def _user(request) -> str | None:
    return getattr(request, "username", None) if request is not None else None


def item_html(item: review.Item) -> str:
    v = item.vote
    answered = "abstained" if v.abstained else esc(v.department or "?")
    proposed = esc(item.proposed) if item.proposed else "(none)"
    who = esc(v.user or item.proposer or "anonymous")
    note = f'<div class="wj-review-note">{esc(item.note)}</div>' if item.note else ""
    return (
        f'<div class="wj-review" title="{esc(item.key)}"><div class="wj-review-q">{esc(v.question)}</div>'
        f'<div class="wj-review-meta">answered {answered} · proposed <b class="wj-review-proposed">{proposed}</b>'
        f" · {esc(v.surface)} · {who} · {esc(v.time)}</div>{note}</div>"
    )


def fixes_html(items: list[corrections.Correction]) -> str:
    if not items:
        return '<div class="wj-fixes"><p class="wj-empty">No corrections yet.</p></div>'
    rows = "".join(
        f'<div class="wj-fix" title="{esc(c.id)}"><b>{esc(c.question)}</b> → {esc(c.department)}'
        f'<div class="wj-fix-meta">{esc(c.id)} · {esc(c.who)} · {esc(c.date)}</div>'
        + (f'<div class="wj-fix-note">{esc(c.note)}</div>' if c.note else "")
        + "</div>"
        for c in reversed(items)
    )
    return f'<div class="wj-fixes"><h3>Corrections 更正 ({len(items)})</h3>{rows}</div>'


def admin_tab(gr, app, settings: Settings, tax: Taxonomy) -> None:
    """The Admin tab (call it inside `gr.Tabs()`): open 👎 votes with their proposals, each with
    Accept (→ a correction, cited from the next question on) and Dismiss; then the corrections so far."""
    with gr.Tab("Admin 管理", id="admin") as tab:
        with gr.Row():
            gr.HTML("<p>👎 votes waiting for review · 待審的 👎</p>")
            refresh = gr.Button("Refresh 重新整理", elem_id="wj-admin-refresh", size="sm", scale=0)
        changed = gr.State(0)

        @gr.render(inputs=[changed], triggers=[app.load, tab.select, refresh.click, changed.change])
        def show(_version: int):
            queue = review.queue(settings)
            if not queue:
                gr.HTML('<p class="wj-empty" id="wj-admin-empty">Nothing to review 沒有待審項目.</p>')
            for item in queue:
                with gr.Group(elem_classes=["wj-review-item"], elem_id=f"wj-review-{item.key}"):
                    gr.HTML(item_html(item))
                    with gr.Row():
                        dept = gr.Dropdown(
                            choices(tax),
                            value=item.proposed,
                            label="Department 部門",
                            scale=2,
                            elem_id=f"wj-review-dept-{item.key}",
                            filterable=True,
                        )
                        note = gr.Textbox(
                            value=item.note,
                            label="Note 說明",
                            scale=3,
                            max_lines=4,
                            elem_id=f"wj-review-note-{item.key}",
                            max_length=corrections.NOTE_MAX,
                        )
                        accept = gr.Button(
                            "Accept 採納", variant="primary", elem_id=f"wj-accept-{item.key}", scale=0
                        )
                        dismiss = gr.Button("Dismiss 略過", elem_id=f"wj-dismiss-{item.key}", scale=0)
                    accept.click(
                        _accept(gr, settings, tax, item.key),
                        [dept, note, changed],
                        [changed],
                        api_visibility="private",
                    )
                    dismiss.click(
                        _dismiss(gr, settings, item.key), [changed], [changed], api_visibility="private"
                    )
            gr.HTML(fixes_html(corrections.load(settings)), elem_id="wj-admin-fixes")


def _accept(gr, settings: Settings, tax: Taxonomy, key: str):
    def accept(department: str | None, note: str | None, version: int, request: gr.Request) -> int:
        try:
            fix = review.accept(
                settings,
                key,
                who=_user(request) or "admin",
                department=department or None,
                note=note if note is not None else None,
                taxonomy=tax,
            )
        except WhosejobError as err:
            gr.Warning(str(err))
            return version + 1
        gr.Info(f"Correction {fix.id}: {fix.question[:40]} → {fix.department}")
        return version + 1

    accept.__annotations__["request"] = gr.Request
    return accept


def _dismiss(gr, settings: Settings, key: str):
    def dismiss(version: int, request: gr.Request) -> int:
        try:
            review.dismiss(settings, key, who=_user(request) or "admin")
        except WhosejobError as err:
            gr.Warning(str(err))
        return version + 1

    dismiss.__annotations__["request"] = gr.Request
    return dismiss
