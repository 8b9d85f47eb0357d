"""Plain-text rendering of an `Answer` for the terminal (the web and Slack render the same fields)."""

from __future__ import annotations

from assistant.models import Answer


def citation_line(c) -> str:
    lines = f"line {c.lines[0]}" if c.lines[0] == c.lines[1] else f"lines {c.lines[0]}–{c.lines[1]}"
    return f"[{c.id}] {c.source} § {c.section}, {lines}: 「{c.quote}」"


def as_text(ans: Answer) -> str:
    if ans.abstained:
        head = f"no answer ({ans.reason})" if ans.lang == "en" else f"無法回答({ans.reason})"
        return f"{head}\n{ans.answer}"
    out = [f"{ans.department} (confidence {ans.confidence:.2f})", ans.answer]
    if ans.depends:
        out.append("depends:")
        for side in ans.depends:
            refs = "".join(f"[{i}]" for i in side.citations)
            out.append(f"  - {side.department}: {side.context or '—'} {refs}")
    if len(ans.alternatives) > 1:
        out.append("also: " + ", ".join(f"{a.department} {a.score:.2f}" for a in ans.alternatives[1:]))
    out += [citation_line(c) for c in ans.citations]
    return "\n".join(out)
