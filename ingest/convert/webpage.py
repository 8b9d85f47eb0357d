"""HTML pages (BeautifulSoup over lxml): headings, lists, tables and paragraphs; navigation and scripts dropped."""

from __future__ import annotations

import re

from .text import Converted, Out, cell, clean

_DROP = {"script", "style", "noscript", "template", "head", "svg", "nav", "iframe", "object", "canvas", "button",
         "select", "form"}
_BLOCK = {"p", "div", "section", "article", "main", "header", "footer", "aside", "blockquote", "pre", "ul", "ol",
          "dl", "dt", "dd", "figure", "figcaption", "address", "body", "html", "fieldset", "details", "summary",
          "hr", "br", "caption", "center"}


def _cell_text(node, string_type, comment_type) -> str:
    """A cell's words, its lines (<br>, list items, paragraphs) kept apart by "; ": a cell that holds
    "Estates Helpdesk<br><span>Estates & Facilities</span>" is two names, not "Estates Helpdesk Estates …"."""
    parts: list[str] = []

    def rec(n) -> None:
        for ch in n.children:
            if isinstance(ch, string_type):
                if not isinstance(ch, comment_type):
                    parts.append(str(ch))
            elif ch.name == "br":
                parts.append("\n")
            elif ch.name in _BLOCK or ch.name == "li":
                parts.append("\n")
                rec(ch)
                parts.append("\n")
            elif ch.name not in _DROP:
                rec(ch)

    rec(node)
    return "; ".join(line for line in (clean(x) for x in "".join(parts).split("\n")) if line)


def _span(c, attr: str) -> int:
    try:
        return max(1, min(50, int(str(c.get(attr) or "1").strip())))
    except ValueError:
        return 1


def _grid(table, text) -> list[list[str]]:
    """A table's rows with its merged cells laid out: a cell spanning rows is repeated in each (as a spreadsheet's
    merged block reads: 「醫療部」 beside each of its 內科部, 外科部 rows), one spanning columns fills the first and
    leaves the rest blank. A two-row header whose first row spans columns over the second's names is one row of the
    names beneath (「單位」 over 「室／部／中心 | 組／中心」)."""
    rows: list[list[str]] = []
    spans: list[list[int]] = []  # per row: the columns its first-row cells spanned (colspan > 1)
    below: dict[tuple[int, int], str] = {}  # (row, column) -> text of a cell spanning down into it
    for i, tr in enumerate(table.find_all("tr")):
        row: list[str] = []
        wide: list[int] = []
        j = 0
        for c in tr.find_all(["td", "th"], recursive=False):
            while (i, j) in below:
                row.append(below.pop((i, j)))
                j += 1
            value, rs, cs = text(c), _span(c, "rowspan"), _span(c, "colspan")
            for k in range(cs):
                row.append(value if k == 0 else "")
                if cs > 1:
                    wide.append(j + k)
                for d in range(1, rs):
                    below[(i + d, j + k)] = value if k == 0 else ""
            j += cs
        while (i, j) in below:
            row.append(below.pop((i, j)))
            j += 1
        rows.append(row)
        spans.append(wide)
    if len(rows) >= 2 and spans[0] and len(rows[1]) == len(rows[0]):
        # the second row names the columns the first row's wide cell spans: one header row of those names
        head = [rows[1][j] if j in spans[0] and rows[1][j] else rows[0][j] for j in range(len(rows[0]))]
        rows = [head, *rows[2:]]
    return rows


def convert(raw: bytes, name: str) -> Converted:
    from bs4 import BeautifulSoup, Comment, NavigableString

    soup = BeautifulSoup(raw, "lxml")
    out = Out()
    buf: list[str] = []

    def flush(kind: str) -> None:
        text = clean("".join(buf))
        buf.clear()
        if text:
            (out.item if kind == "item" else out.para)(text)

    def walk(node, kind: str) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                if not isinstance(child, Comment) and type(child).__name__ in ("NavigableString",):
                    buf.append(str(child))
                continue
            tag = child.name
            if tag in _DROP or child.get("hidden") is not None or child.get("aria-hidden") == "true":
                continue
            if re.fullmatch(r"h[1-6]", tag):
                flush(kind)
                out.heading(int(tag[1]), child.get_text(" "))
            elif tag == "li":
                flush(kind)
                walk(child, "item")
                flush("item")
            elif tag == "table":
                flush(kind)
                rows = [r for r in _grid(child, lambda c: cell(_cell_text(c, NavigableString, Comment))) if any(r)]
                width = max((sum(1 for c in r if c) for r in rows), default=0)
                if width < 2 or any(len(c) > 400 for r in rows for c in r):
                    walk(child, kind)  # a layout table: its contents are the page
                else:
                    out.table(rows)
            elif tag in _BLOCK or tag in ("tr", "td", "th", "tbody", "thead", "tfoot"):
                flush(kind)
                walk(child, kind)
                flush(kind)
            else:
                walk(child, kind)

    walk(soup, "para")
    flush("para")
    return out.result()
