"""A document's headings as a tree: which heading a section sits under, and which sibling sections are
built alike (a handbook in one file gives every unit the same sub-headings: "What we do", "Slack
channel", 「主要职责」), so a section shaped like a unit's section is read as one."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.text import fold


@dataclass
class Node:
    level: int
    heading: str
    body: list[str]
    parent: int | None = None  # index of the enclosing heading
    children: list[int] = field(default_factory=list)


def tree(sections) -> list[Node]:
    """Nodes for the (level, heading, body) sections with a heading, each linked to the nearest heading
    above it of a smaller level."""
    nodes: list[Node] = []
    stack: list[int] = []
    for level, heading, body in sections:
        if not level:
            continue
        while stack and nodes[stack[-1]].level >= level:
            stack.pop()
        node = Node(level, heading, body, stack[-1] if stack else None)
        if stack:
            nodes[stack[-1]].children.append(len(nodes))
        stack.append(len(nodes))
        nodes.append(node)
    return nodes


def ancestors(nodes: list[Node], i: int):
    """The enclosing headings of node i, nearest first."""
    p = nodes[i].parent
    while p is not None:
        yield p
        p = nodes[p].parent


_NUMBER = re.compile(r"^\s*(?:[一二三四五六七八九十]+[、.．]|[（(]?[一二三四五六七八九十\d]+[)）.、]|[（(][甲乙丙丁戊己庚辛壬癸][)）]|\d+(?:\.\d+)*)\s*")


def _shape(nodes: list[Node], i: int, name_of) -> frozenset[str]:
    """Node i's sub-headings as a template: numbering dropped, the section's own name replaced by {}."""
    own = fold(name_of(nodes[i].heading) or nodes[i].heading).lower()
    out = set()
    for c in nodes[i].children:
        text = fold(_NUMBER.sub("", nodes[c].heading)).lower().strip(" :：")
        if own:
            text = text.replace(own, "{}")
        text = re.sub(r"\b(the|our|this)\s+", "", text)
        if text:
            out.add(text)
    return frozenset(out)


def alike(nodes: list[Node], name_of) -> dict[int, set[int]]:
    """For each node, its siblings (same enclosing heading and level) that share a sub-heading with it,
    when that sub-heading recurs under at least three of them: a template, not a coincidence."""
    groups: dict[tuple[int | None, int], list[int]] = {}
    for i, n in enumerate(nodes):
        groups.setdefault((n.parent, n.level), []).append(i)
    out: dict[int, set[int]] = {}
    for members in groups.values():
        shapes = {i: _shape(nodes, i, name_of) for i in members}
        counts: dict[str, int] = {}
        for s in shapes.values():
            for h in s:
                counts[h] = counts.get(h, 0) + 1
        for i in members:
            common = {h for h in shapes[i] if counts[h] >= 3}
            out[i] = {j for j in members if j != i and common & shapes[j]}
    return out
