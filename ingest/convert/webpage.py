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
                rows = [
                    [cell(_cell_text(c, NavigableString, Comment)) for c in tr.find_all(["td", "th"], recursive=False)]
                    for tr in child.find_all("tr")
                ]
                rows = [r for r in rows if r]
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
