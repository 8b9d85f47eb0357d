"""HTML for the web chat, built by hand: every question, quote, section and file name goes through `esc`.

No Gradio import here, so the rendering is testable on its own. The markup is one line per message
(no blank lines, no Markdown) because the chat component runs it through a Markdown renderer first,
and its sanitizer drops data-* attributes: the canonical department label rides in `title`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from assistant.models import Answer, Chunk, Citation
from assistant.text import to_simplified
from assistant.verdict.taxonomy import Taxonomy

# HTML's own specials plus what Markdown or LaTeX would act on, as numeric entities: shown as typed.
_ENTITIES = {c: f"&#{ord(c)};" for c in "&<>\"'*_`[]$\\~|#!{}"}

_EN = {
    "confidence": "confidence",
    "sources": "Sources",
    "depends": "How companies split it",
    "also": "Also possible",
    "no_answer": "No answer",
    "weak": "The sources don't say",
    "injection": "Not a question about who does what",
    "empty": "Empty question",
    "covers": "The sources cover",
    "too_long": "That question is {n:,} characters long. Please shorten it to under {limit:,} and ask again.",
    "failed": "Sorry, that didn't work: {error}",
    "passages": "passages",
    "no_duties": "The sources list no duties for this department.",
    "more": "{n} more",
    "part_of": "part of",
}
_HANT = {
    "confidence": "信心",
    "sources": "出處",
    "depends": "各家公司的分法",
    "also": "其他可能",
    "no_answer": "無法回答",
    "weak": "資料裡沒有說",
    "injection": "這不是「誰負責」的問題",
    "empty": "問題是空的",
    "covers": "資料涵蓋的部門",
    "too_long": "這個問題有 {n:,} 個字,太長了。請精簡到 {limit:,} 字以內再問一次。",
    "failed": "抱歉,這次沒能回答:{error}",
    "passages": "段",
    "no_duties": "資料裡沒有列出這個部門的職責。",
    "more": "另外 {n} 段",
    "part_of": "隸屬",
}


def label(key: str, lang: str) -> str:
    """A UI string in the asker's script (Simplified is converted from the Traditional one)."""
    if lang == "en":
        return _EN[key]
    return to_simplified(_HANT[key]) if lang == "zh-Hans" else _HANT[key]


def esc(text: str) -> str:
    """Escape for HTML and neutralize Markdown/LaTeX markup; line breaks become <br>."""
    out = "".join(_ENTITIES.get(c, c) for c in text.replace("\r\n", "\n"))
    return out.replace("\n", "<br>")


def question_html(question: str, limit: int = 400) -> str:
    """The user's own message, shown as text (a pasted `<script>` stays visible, never runs)."""
    shown = question if len(question) <= limit else question[:limit] + "…"
    return f'<div class="wj-q">{esc(shown)}</div>'


def notice_html(message: str) -> str:
    """A polite message in place of an answer (too-long question, unavailable index)."""
    return f'<div class="wj-answer wj-notice"><p>{esc(message)}</p></div>'


def streaming_html(text: str) -> str:
    """The LLM's answer text while it streams; the checked final answer replaces it."""
    return f'<div class="wj-answer wj-streaming"><p>{esc(text)}</p></div>'


def _lines(c: Citation | Chunk, lang: str) -> str:
    a, b = c.lines if isinstance(c, Citation) else (c.line_start, c.line_end)
    span = f"{a}" if a == b else f"{a}–{b}"
    return (f"line {span}" if a == b else f"lines {span}") if lang == "en" else f"第 {span} 行"


def citation_html(c: Citation, lang: str) -> str:
    """A numbered citation that opens (a <details>) to the verbatim quote, its file, section, location
    in the file (page, sheet and row, slide) and lines."""
    loc = f'<span class="wj-loc">{esc(c.location)}</span> · ' if c.location else ""
    return (
        f'<details class="wj-cite"><summary><span class="wj-num">[{c.id}]</span> <span class="wj-src">'
        f'<span class="wj-file">{esc(c.source)}</span> · {esc(c.section)} · {loc}'
        f'<span class="wj-lines" title="{c.lines[0]}-{c.lines[1]}">{_lines(c, lang)}</span></span></summary>'
        f'<blockquote class="wj-quote">{esc(c.quote)}</blockquote></details>'
    )


def _badge(ans: Answer, tax: Taxonomy) -> str:
    name = tax.name(ans.department, ans.lang) if ans.department in tax else ans.department or ""
    pct = round(100 * ans.confidence)
    return (
        f'<span class="wj-badge" title="{esc(ans.department or "")}">{esc(name)}'
        f'<span class="wj-conf">{label("confidence", ans.lang)} {pct}%</span></span>'
    )


def _dept_name(dept: str, tax: Taxonomy, lang: str) -> str:
    return tax.name(dept, lang) if dept in tax else dept


def answer_html(ans: Answer, tax: Taxonomy) -> str:
    """One answer: badge, short answer, the two sides of an 'it depends', and the citations."""
    lang = ans.lang
    if ans.abstained:
        reason = label(ans.reason, lang) if ans.reason in ("weak", "injection", "empty") else ans.reason or ""
        roots = "".join(f'<span class="wj-chip">{esc(_dept_name(r, tax, lang))}</span>' for r in tax.roots())
        return (
            f'<div class="wj-answer wj-abstained" title="{esc(ans.reason or "")}">'
            f'<span class="wj-badge wj-badge-none">{label("no_answer", lang)}'
            f'<span class="wj-conf">{esc(reason)}</span></span>'
            f'<p class="wj-text">{esc(ans.answer)}</p>'
            f'<div class="wj-covers"><span class="wj-covers-label">{label("covers", lang)}:</span>{roots}</div></div>'
        )
    by_id = {c.id: c for c in ans.citations}
    parts = [
        '<div class="wj-answer">',
        _badge(ans, tax),
        f'<p class="wj-text">{esc(ans.answer)}</p>',
    ]
    in_sides: set[int] = set()
    if ans.depends:
        parts.append(f'<div class="wj-depends-title">{label("depends", lang)}</div><div class="wj-depends">')
        for side in ans.depends:
            in_sides.update(side.citations)
            cites = "".join(citation_html(by_id[i], lang) for i in side.citations if i in by_id)
            parts.append(
                f'<div class="wj-side" title="{esc(side.department)}">'
                f'<div class="wj-side-head"><span class="wj-side-dept">{esc(_dept_name(side.department, tax, lang))}</span>'
                f'<span class="wj-side-ctx">{esc(side.context or "—")}</span></div>{cites}</div>'
            )
        parts.append("</div>")
    rest = [c for c in ans.citations if c.id not in in_sides]
    if rest:
        parts.append(f'<div class="wj-sources"><div class="wj-sources-title">{label("sources", lang)}</div>')
        parts.extend(citation_html(c, lang) for c in rest)
        parts.append("</div>")
    others = [a for a in ans.alternatives if a.department != ans.department][:3]
    if others:
        alts = ", ".join(
            f"{esc(_dept_name(a.department, tax, lang))} {round(100 * a.score)}%" for a in others
        )
        parts.append(f'<div class="wj-also">{label("also", lang)}: {alts}</div>')
    parts.append("</div>")
    return "".join(parts)


# --- the Departments tab -------------------------------------------------------------------------

# Passages that state a duty outright come first in each department's list.
DUTY = re.compile(r"負責|職責|職能|主要|工作(包括|內容)")

_ROW, _BOX_H, _PAD, _GAP = 34, 26, 12, 44


def _width(text: str, size: float) -> float:
    """Rough rendered width: CJK glyphs are square, Latin ones a bit over half as wide."""
    return sum(size if ord(ch) >= 0x2E80 else size * 0.58 for ch in text)


def _node(x: int, y: int, w: int, title: str, sub: str, kind: str, anchor: str | None) -> str:
    text = f'<text x="{x + 10}" y="{y + 17}" class="wj-n-title">{esc(title)}</text>'
    if sub:
        text += f'<text x="{x + w - 8}" y="{y + 17}" text-anchor="end" class="wj-n-sub">{esc(sub)}</text>'
    box = f'<rect x="{x}" y="{y}" width="{w}" height="{_BOX_H}" rx="7" class="wj-n-{kind}"/>{text}'
    return f'<a href="#{anchor}" data-department="{esc(title)}">{box}</a>' if anchor else box


def _edge(x1: int, y1: int, x2: int, y2: int) -> str:
    mid = (x1 + x2) // 2
    return f'<path d="M{x1},{y1} C{mid},{y1} {mid},{y2} {x2},{y2}" class="wj-edge"/>'


def taxonomy_svg(tax: Taxonomy, anchors: dict[str, str], company: str = "公司") -> str:
    """The department tree as an inline SVG: company → departments → sub-teams, each node a link to its duties."""
    rows: list[tuple[str, int, list[tuple[str, int]]]] = []  # (root, root row, [(child, child row)])
    row = 0
    for root in tax.roots():
        kids = tax.children(root)
        placed = [(k, row + i) for i, k in enumerate(kids)]
        rows.append((root, row + (len(kids) - 1) // 2 if kids else row, placed))
        row += max(len(kids), 1)

    def col_width(labels: list[str]) -> int:
        need = (_width(d, 13) + _width(tax.departments[d].en, 10.5) + 34 for d in labels)
        return int(max(need, default=0)) + 1

    cx, cw = _PAD, int(_width(company, 13)) + 40
    dx, dw = cx + cw + _GAP, col_width([r for r, _, _ in rows])
    sx, sw = dx + dw + _GAP, col_width([k for _, _, kids in rows for k, _ in kids])
    height = row * _ROW + 2 * _PAD
    y_of = lambda r: _PAD + r * _ROW  # noqa: E731
    comp_y = y_of((row - 1) // 2)
    edges, nodes = [], [_node(cx, comp_y, cw, company, "", "company", None)]
    for root, r, kids in rows:
        ry = y_of(r)
        edges.append(_edge(cx + cw, comp_y + _BOX_H // 2, dx, ry + _BOX_H // 2))
        kind = "parent" if kids else "root"
        nodes.append(_node(dx, ry, dw, root, tax.departments[root].en, kind, anchors.get(root)))
        for kid, kr in kids:
            ky = y_of(kr)
            edges.append(_edge(dx + dw, ry + _BOX_H // 2, sx, ky + _BOX_H // 2))
            nodes.append(_node(sx, ky, sw, kid, tax.departments[kid].en, "child", anchors.get(kid)))
    width = sx + sw + _PAD
    return (
        f'<svg class="wj-tree" role="img" aria-label="department tree" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">{"".join(edges)}{"".join(nodes)}</svg>'
    )


def duties_html(tax: Taxonomy, chunks: Iterable[Chunk], shown: int = 4) -> str:
    """For each department, the passages that state its duties, quoted verbatim with file, section and lines."""
    owned: dict[str, list[Chunk]] = {}
    for c in chunks:
        if c.owner:
            owned.setdefault(c.owner, []).append(c)
    order = [d for r in tax.roots() for d in (r, *tax.children(r))]
    anchors = {d: f"wj-dept-{i}" for i, d in enumerate(order)}
    out = []
    for d in order:
        dep = tax.departments[d]
        found = sorted(owned.get(d, []), key=lambda c: (not DUTY.search(c.text), c.source, c.start))
        parent = f" · {label('part_of', 'zh-Hant')} {esc(dep.parent)}" if dep.parent else ""
        items = [_duty(c) for c in found]
        body = "".join(items[:shown]) or f'<p class="wj-empty">{label("no_duties", "zh-Hant")}</p>'
        if len(items) > shown:
            body += (
                f'<details class="wj-more"><summary>{label("more", "zh-Hant").format(n=len(items) - shown)}</summary>'
                f"{''.join(items[shown:])}</details>"
            )
        out.append(
            f'<details class="wj-dept" id="{anchors[d]}" data-department="{esc(d)}"{" open" if found else ""}>'
            f'<summary><b>{esc(d)}</b> <span class="wj-en">{esc(dep.en)}{parent}</span>'
            f'<span class="wj-count">{len(found)} {label("passages", "zh-Hant")}</span></summary>{body}</details>'
        )
    tree = taxonomy_svg(tax, anchors)
    return f'<div class="wj-departments"><div class="wj-tree-box">{tree}</div><div class="wj-duties">{"".join(out)}</div></div>'


def _duty(c: Chunk) -> str:
    return (
        f'<div class="wj-duty"><blockquote class="wj-quote">{esc(c.text)}</blockquote>'
        f'<div class="wj-src">{esc(c.source)} · {esc(c.section)} · {_lines(c, "zh-Hant")}</div></div>'
    )


CSS = """
.wj-answer { line-height: 1.55; }
.wj-q { white-space: pre-wrap; }
.wj-badge { display: inline-flex; align-items: center; gap: .5em; padding: .2em .75em; border-radius: 999px;
  background: #1d4ed8; color: #fff; font-weight: 700; font-size: 1.05em; }
.wj-badge-none { background: #6b7280; }
.wj-badge, .wj-badge * { color: #fff !important; }
.wj-conf { font-weight: 500; font-size: .8em; opacity: .9; border-left: 1px solid rgba(255,255,255,.5); padding-left: .5em; }
.wj-text { margin: .55em 0; }
.wj-depends-title, .wj-sources-title { font-weight: 600; font-size: .85em; color: #4b5563; margin: .6em 0 .3em; }
.wj-depends { display: grid; grid-template-columns: repeat(auto-fit, minmax(220px, 1fr)); gap: .6em; }
.wj-side { border: 1px solid #c7d2fe; border-radius: 10px; padding: .5em .65em; background: #eef2ff; }
.wj-side-head { display: flex; justify-content: space-between; gap: .5em; margin-bottom: .3em; }
.wj-side-dept { font-weight: 700; color: #1e3a8a; }
.wj-side-ctx { font-size: .85em; color: #4b5563; }
.wj-cite { margin: .25em 0; border-left: 3px solid #93c5fd; padding-left: .5em; }
.wj-cite summary { cursor: pointer; font-size: .88em; }
.wj-num { font-weight: 700; color: #1d4ed8; }
.wj-src { color: #4b5563; font-size: .85em; }
.wj-quote { margin: .3em 0 .4em; padding: .35em .6em; background: #f9fafb; border-left: 3px solid #d1d5db; }
.wj-also { margin-top: .5em; font-size: .85em; color: #4b5563; }
.wj-covers { margin-top: .4em; font-size: .88em; }
.wj-covers-label { color: #4b5563; margin-right: .3em; }
.wj-chip { display: inline-block; margin: .15em .25em; padding: .05em .55em; border-radius: 999px; background: #e5e7eb; }
.wj-notice { color: #92400e; }
.wj-departments { display: flex; flex-wrap: wrap; gap: 1.2em; align-items: flex-start; }
.wj-tree-box { flex: 0 0 auto; max-width: 100%; overflow-x: auto; }
.wj-duties { flex: 1 1 360px; min-width: 300px; max-height: 900px; overflow-y: auto; }
.wj-tree .wj-edge { fill: none; stroke: #94a3b8; stroke-width: 1.5; }
.wj-tree rect { stroke-width: 1.2; }
.wj-tree .wj-n-company { fill: #0f172a; stroke: #0f172a; }
.wj-tree .wj-n-parent { fill: #1d4ed8; stroke: #1d4ed8; }
.wj-tree .wj-n-root { fill: #e0e7ff; stroke: #6366f1; }
.wj-tree .wj-n-child { fill: #f8fafc; stroke: #94a3b8; }
.wj-tree a, .wj-tree a text { text-decoration: none; cursor: pointer; }
.wj-tree text { font-size: 13px; fill: #0f172a; }
.wj-tree .wj-n-sub { font-size: 10.5px; fill: #475569; }
.wj-tree .wj-n-company + text, .wj-tree .wj-n-parent + text, .wj-tree .wj-n-parent + text + text { fill: #fff; }
.wj-dept { border-bottom: 1px solid #e5e7eb; padding: .35em 0; }
.wj-dept summary { cursor: pointer; }
.wj-en { color: #4b5563; font-size: .85em; margin-left: .3em; }
.wj-count { float: right; color: #6b7280; font-size: .8em; }
.wj-duty { margin: .3em 0 .7em .8em; }
#wj-departments .wj-duty .wj-quote { margin: .2em 0 .1em; }
.wj-empty { color: #6b7280; font-size: .9em; margin-left: .8em; }
"""
