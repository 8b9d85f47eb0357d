"""An `Answer` as Slack Block Kit, and Slack's text markup in and out.

Pure functions, no slack_bolt import: every user or corpus string that reaches Slack passes `escape()`,
so nobody can make the bot ping @channel/@here or render a link it was not meant to.
"""

from __future__ import annotations

import json
import re

from assistant.models import Answer
from assistant.text import in_script

VOTE_ACTION = re.compile(r"^whosejob_vote_(up|down)$")
VOTE_BLOCK = "whosejob_vote"
# Slack's limits (characters): header 150, section text 3000, context text and button value 2000, 50 blocks.
HEADER_MAX, SECTION_MAX, CONTEXT_MAX, VALUE_MAX, CITATIONS_MAX = 150, 3000, 2000, 2000, 40

_LABELS = {
    "en": {"confidence": "confidence", "no_answer": "No answer", "depends": "It depends",
           "also": "also", "asked": "Question",
           "reason": {"weak": "the sources don't say who owns this",
                      "injection": "not a question about who owns a piece of work",
                      "empty": "the question is empty"}},
    "zh": {"confidence": "信心", "no_answer": "無法回答", "depends": "視情況而定",
           "also": "其他可能", "asked": "問題",
           "reason": {"weak": "資料裡沒有說這件事歸誰", "injection": "不是「哪個部門負責」的問題",
                      "empty": "問題是空的"}},
}
_MARKUP = re.compile(r"<([^<>\n]*)>")


def escape(text: str) -> str:
    """Slack's three control characters as entities; everything else is left as typed."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def from_slack(text: str, bot_user_id: str | None = None) -> str:
    """A message as the asker meant it: the bot's own mention dropped, Slack markup and entities made plain.

    `<@U1>` → @U1, `<!here>` → @here, `<#C1|general>` → #general, `<http://x|label>` → label; then
    `&lt;` `&gt;` `&amp;` back to `<` `>` `&` (escape() puts them back on the way out).
    """

    def plain(m: re.Match) -> str:
        inner = m.group(1)
        target, _, label = inner.partition("|")
        if bot_user_id and target == f"@{bot_user_id}":
            return " "
        if target.startswith("!subteam^"):
            return label or "@group"
        if target.startswith("!"):
            return label or "@" + target[1:].split("^")[0]
        if target.startswith(("@", "#")):
            return (target[0] + label.lstrip("@#")) if label else target
        return label or target

    text = _MARKUP.sub(plain, text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return " ".join(text.split())


def _labels(ans: Answer) -> dict:
    """UI words in the asker's script (the Chinese ones are written in Traditional)."""
    if ans.lang == "en":
        return _LABELS["en"]
    zh = _LABELS["zh"]
    return {k: ({r: in_script(t, ans.lang) for r, t in v.items()} if isinstance(v, dict) else in_script(v, ans.lang))
            for k, v in zh.items()}


def _mrkdwn(text: str, limit: int = SECTION_MAX) -> dict:
    # verbatim: no auto-linking of bare URLs or #channel names in text we did not write.
    return {"type": "mrkdwn", "text": _clip(text, limit), "verbatim": True}


def _lines(c, lang: str) -> str:
    a, b = c.lines
    if lang == "en":
        return f"line {a}" if a == b else f"lines {a}–{b}"
    return f"第 {a} 行" if a == b else f"第 {a}–{b} 行"


def header_text(ans: Answer) -> str:
    """「新媒體部 · 信心 0.97」, or 「無法回答」 when the bot abstains."""
    lb = _labels(ans)
    if ans.abstained or not ans.department:
        return lb["no_answer"]
    return _clip(f"{ans.department} · {lb['confidence']} {ans.confidence:.2f}", HEADER_MAX)


def fallback_text(ans: Answer) -> str:
    """The message's plain `text`: what notifications and screen readers show."""
    return escape(_clip(f"{header_text(ans)}: {ans.answer}", SECTION_MAX))


def citation_block(c, lang: str) -> dict:
    """One context block: *[1]* file § section · lines, then the verbatim quote."""
    where = f"*[{c.id}]* {escape(c.source)} § {escape(c.section)} · " + (
        f"{escape(c.location)} · " if getattr(c, "location", "") else "") + _lines(c, lang)
    quote = escape(_clip(c.quote, CONTEXT_MAX - len(where) - 4))
    return {"type": "context", "elements": [_mrkdwn(f"{where}\n「{quote}」", CONTEXT_MAX)]}


def vote_value(ans: Answer) -> str:
    """What a 👍/👎 click needs to record the vote, as JSON within Slack's 2000-character value limit."""
    data = {"q": ans.question, "d": ans.department, "c": round(ans.confidence, 3), "x": ans.abstained, "a": ans.answer}
    for key in ("a", "q"):
        over = len(json.dumps(data, ensure_ascii=False)) - VALUE_MAX
        if over > 0:
            data[key] = _clip(data[key], max(1, len(data[key]) - over - 8))
    return json.dumps(data, ensure_ascii=False)


def answer_from_vote(value: str) -> Answer:
    """The `Answer` fields a vote records, back from a button's value."""
    data = json.loads(value)
    return Answer(
        question=str(data["q"]),
        department=data.get("d"),
        confidence=float(data.get("c") or 0.0),
        answer=str(data.get("a") or ""),
        abstained=bool(data.get("x")),
    )


def vote_buttons(ans: Answer) -> dict:
    value = vote_value(ans)
    return {
        "type": "actions",
        "block_id": VOTE_BLOCK,
        "elements": [
            {"type": "button", "action_id": f"whosejob_vote_{vote}", "value": value,
             "text": {"type": "plain_text", "text": mark, "emoji": True}}
            for vote, mark in (("up", "👍"), ("down", "👎"))
        ],
    }


def answer_blocks(ans: Answer, *, echo_question: bool = False) -> list[dict]:
    """Header (department + confidence), the answer, the depends sides or the abstention reason,
    a context block per citation, and 👍/👎. `echo_question` repeats the question (slash commands)."""
    lb = _labels(ans)
    blocks: list[dict] = [{"type": "header", "text": {"type": "plain_text", "text": escape(header_text(ans)), "emoji": True}}]
    if echo_question:
        blocks.append({"type": "context", "elements": [_mrkdwn(f"{lb['asked']}: {escape(ans.question)}", CONTEXT_MAX)]})
    blocks.append({"type": "section", "text": _mrkdwn(escape(ans.answer))})
    if ans.abstained:
        why = lb["reason"].get(ans.reason or "", ans.reason or "")
        blocks.append({"type": "context", "elements": [_mrkdwn(f"{lb['no_answer']}: {escape(why)} ({escape(ans.reason or '?')})")]})
    if ans.depends:
        rows = [
            f"• *{escape(s.department)}*: {escape(s.context or '—')} " + "".join(f"[{i}]" for i in s.citations)
            for s in ans.depends
        ]
        blocks.append({"type": "section", "text": _mrkdwn(f"*{lb['depends']}*\n" + "\n".join(rows))})
    if len(ans.alternatives) > 1:
        also = ", ".join(f"{escape(a.department)} {a.score:.2f}" for a in ans.alternatives[1:])
        blocks.append({"type": "context", "elements": [_mrkdwn(f"{lb['also']}: {also}", CONTEXT_MAX)]})
    blocks += [citation_block(c, ans.lang) for c in ans.citations[:CITATIONS_MAX]]
    blocks.append(vote_buttons(ans))
    return blocks


def notice_blocks(text: str) -> list[dict]:
    """A one-section reply for errors and usage help (text is escaped here)."""
    return [{"type": "section", "text": _mrkdwn(escape(text))}]
