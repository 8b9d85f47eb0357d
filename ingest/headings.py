"""Which headings of a page name units: a heading among units' headings, over them, right under a title
that lists units, or over a section that says what its team owns; and the group a heading's parentheses
name ("IT Service Desk (Technology)"). Used by structure.py over outline.tree's nodes."""

from __future__ import annotations

import re

from assistant.verdict.taxonomy import name_key as key

from . import outline
from .names import NUMBERING, PAREN, aliases_in, is_cjk_unit, lexicon, name_like, plain, read_name, words_re

BARE_ITEM = re.compile(r"^[ \t]*[-*•+][ \t]+([A-Z][^()\n—–:*|\[\]]{1,50}?)(?:[ \t]*\(([^()\n]{1,80})\))?[ \t]*$", re.M)
LISTED_NAME = re.compile(r"^[ \t]*[-*•+][ \t]+\**([^—–:*\n]{2,60}?)\**[ \t]*(?:—|–|-|:)[ \t]", re.M)


def among_units(nodes, i: int, label_of: dict[int, str]) -> bool:
    """A name-like heading whose sibling headings are mostly units is one too: a deck's slide per department
    ("Operations" beside "Finance" and "People & Culture", each found elsewhere as a unit); under a unit's
    heading, the teams under the other units' headings count as its siblings."""
    node = nodes[i]
    parents = {n.parent for n in nodes}
    # cousins count too: "### Quality & Regulatory Affairs" beside two teams of its division and six of others
    kin = {node.parent} | ({p for p in label_of if node.parent in label_of} if node.parent is not None else set())
    siblings = [j for j, n in enumerate(nodes) if j != i and n.parent in kin and n.level == node.level]
    if i in parents:
        return False  # a section with sub-sections is matched by its shape (outline.alike), not by this
    units_beside = sum(j in label_of for j in siblings)
    named = sum(1 for j in siblings if (read_name(nodes[j].heading) or ("",))[0] and name_like(read_name(nodes[j].heading)[0]))
    # among the teams under the units' headings a third known is enough: a division's teams are named alike
    share = 0.6 if len(kin) == 1 else 1 / 3
    return units_beside >= 3 and units_beside >= share * max(named, 1)


# "- Owns: installation and IQ/OQ …", "**What we own:** …": a section that says what its heading's team owns
CHARTER_LINE = re.compile(r"^\s*(?:[-*•]\s*)?(?:\*\*)?(?:owns|we own|what we own|responsible for|we are responsible for)\s*(?:\*\*)?\s*:", re.I)


def charter(body: list[str]) -> bool:
    return any(CHARTER_LINE.match(line) for line in body)


def children_of(nodes) -> dict[int, list[int]]:
    """Each heading's direct sub-headings, by index."""
    kids: dict[int, list[int]] = {}
    for j, n in enumerate(nodes):
        if n.parent is not None:
            kids.setdefault(n.parent, []).append(j)
    return kids


def over_units(below, label_of: dict[int, str]) -> list[int]:
    """The sub-headings (`below`) of a heading that are units, when at least two and most of them are: a
    heading over teams is their service area ("## Planning & Building Control" over "### Development
    Management", "### Planning Policy", "### Building Control"), though it has no unit word and its text opens
    with its head."""
    units_below = [j for j in below if j in label_of]
    return units_below if len(units_below) >= 2 and 2 * len(units_below) > len(below) else []


def group_apart(aliases: list[str], groups: set[str]) -> tuple[str | None, list[str]]:
    """(the group a heading's parenthesis names, its other aliases)."""
    return next((a for a in aliases if key(a) in groups), None), [a for a in aliases if key(a) not in groups]


def shared_parentheses(nodes) -> set[str]:
    """Names in the parentheses of two or more headings of a page ("IT Service Desk (Technology)",
    "Information Security (Technology)"): a group the headings' units are in, never an alias of one."""
    seen: dict[str, set[str]] = {}
    for node in nodes:
        named = read_name(node.heading)
        for a in named[1] if named else []:
            seen.setdefault(key(a), set()).add(key(named[0]))
    return {a for a, names in seen.items() if len(names) >= 2}


def listed_heading(nodes, i: int) -> tuple[str, list[str]] | None:
    """(name, aliases) of a heading right under a title that introduces a list of units ("DEPARTMENT
    RESPONSIBILITIES" over "HUMAN RESOURCES"): a short name-like heading there is a unit whatever its words."""
    node = nodes[i]
    above = [n.heading for n in nodes[:i] if n.level < node.level]
    if not above or not words_re("units_list_titles").search(plain(above[-1])):
        return None
    raw = plain(NUMBERING.sub("", node.heading))
    aliases = [a for m in PAREN.finditer(raw) for a in aliases_in(m.group(1))]
    name = PAREN.sub("", raw).strip()  # "Information Security (Technology)"
    if not name or re.search(r"[?？。!！:：]", name) or not (name_like(name) or is_cjk_unit(name)):
        return None
    if words_re("units_list_titles").fullmatch(name) or name.lower().rstrip("s") in lexicon()["unit_words_en"]:
        return None  # "Offices", "Teams" under "Services A–Z": another list of units, not one
    return name, aliases


def enclosing(nodes, i: int, label_of: dict[int, str], page: str | None) -> str | None:
    """The unit of the nearest enclosing heading that names one, else the page's."""
    return next((label_of[a] for a in outline.ancestors(nodes, i) if a in label_of), page)
