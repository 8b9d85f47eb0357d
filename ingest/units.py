"""Departments read from the documents, for a corpus that brings no taxonomy.yaml.

A unit is named by a page's title (one page per team is how handbooks and charters are kept), by a
heading inside a page that names a unit (「### 检验科」, "### Recruiting" whose first sentence says what
it does), by a sentence that gives a unit work ("The Data team owns …", 「财务部掌理事项如下」) or by a
table column of owners, RACI letters or a directory of units. Labels are the names as the documents write
them; parents come from nesting and from "part of Y" / 「Y下设X」; aliases from parentheses, "called X",
acronyms the text uses, and file names. The passes over titles and headings are in structure.py, over
tables and sentences in mentions.py; what a name looks like is in names.py, units in lists and labelled
lines in lists.py, units in running text in prose.py, which headings name units in headings.py, a unit's
other names in othernames.py and forms.py, the organisation itself and outside companies (no units) in
parties.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from assistant.text import fold
from assistant.verdict.taxonomy import Department, Taxonomy
from assistant.verdict.taxonomy import name_key as key

from . import forms, mentions, othernames, parties, structure, tables
from .glosses import glosses
from .names import CJK, DETERMINER_WORDS_ZH, balanced, is_post_en, several

SET_UP = re.compile(r"^(?:[新另增][設设]|[設设]立|成立)(?=[\u4e00-\u9fff]{2})")  # 「新設X」, 「成立X」: X is the unit


@dataclass
class Unit:
    label: str
    parent: str | None = None
    aliases: list[str] = field(default_factory=list)
    source: str = ""
    how: str = ""  # title | heading | sentence | table | list
    pages: int = 0  # files whose title starts with its name


@dataclass
class Found:
    """The units found so far and every name that points at one (a name's key -> its unit's label)."""

    units: dict[str, Unit] = field(default_factory=dict)
    by_alias: dict[str, str] = field(default_factory=dict)
    clashes: list[tuple[str, str]] = field(default_factory=list)  # (unit, another unit's name given as its alias)

    def add(self, name: str, aliases: list[str], source: str, how: str, parent: str | None = None) -> str | None:
        """Record a unit named `name` (or give a known one more names); its label, or None for no unit's name."""
        units, by_alias = self.units, self.by_alias
        name = SET_UP.sub("", name)  # 「新設海外發行組」 sets up 海外發行組
        k = key(name)
        if len(k) < 2 or re.search(r"['’]s$", name):  # "The CIO's office": a possessive names no unit
            return None
        if name.startswith(DETERMINER_WORDS_ZH) or not balanced(name) or several(name) or is_post_en(name):
            return None
        if CJK.search(name) and re.search(r"[：:，,。；;]", name):  # 「五個處：營運處」: a sentence's words, not a name
            return None
        # "Quality & Regulatory Affairs (QA/RA)" names the unit a table wrote only as "QA/RA"
        label = by_alias.get(k) or next((by_alias[key(a)] for a in aliases if key(a) in by_alias and othernames.short_for(a, name)), None)
        if label is None:
            label = name
            units[label] = Unit(label, parent, [], source, how)
            by_alias[k] = label
        unit = units[label]
        if name != label and name not in unit.aliases:
            unit.aliases.append(name)
        for a in aliases:
            ak = key(a)
            if len(ak) >= 2 and ak not in by_alias:
                by_alias[ak] = label
                unit.aliases.append(a)
            elif by_alias.get(ak) not in (None, label):
                self.clashes.append((label, a))
        if parent and not unit.parent and parent != label and (parent not in units or label not in forms.lineage(units, parent)):
            unit.parent = parent
        return label


def find_units(sources) -> list[Unit]:
    """Every unit the documents name, in the order found (titles of all pages first). Each pass reads the
    units found before it: a heading's unit may be named by a page's title, a sentence's by a table."""
    found = Found()
    pages, title_names = structure.titles(found, sources)
    outlines = structure.headed(found, pages)
    tabled = {src.name: list(tables.find(src.text, tables.line_spans(src.text)).values()) for src in sources}  # read once
    not_units = mentions.short_names(found, tabled)
    children_of = mentions.in_text(found, outlines, tabled, not_units)
    structure.alike(found, outlines)
    mentions.children(found, children_of)
    structure.teams(found, outlines)
    mentions.parenthesised(found, sources)
    mentions.parents_from_text(found, sources)
    units, by_alias, clashes = found.units, found.by_alias, found.clashes
    othernames.acronyms(units, by_alias, sources)
    forms.merge(units, by_alias)
    forms.claimed(units, by_alias, clashes, sources)
    forms.renamed(units, by_alias, sources)
    forms.merged(units, by_alias, sources)
    othernames.bilingual(units, by_alias, sources)
    othernames.spelled_out(units, by_alias)
    forms.cased(units, by_alias)
    for k, n in title_names.items():
        if by_alias.get(k) in units:
            units[by_alias[k]].pages += n
    return list(units.values())


def _english(label: str, aliases: list[str]) -> str:
    if not CJK.search(label):
        return label
    latin = [a for a in aliases if not CJK.search(a) and len(a) > 2]
    return latin[0] if latin else label


def discover(sources) -> Taxonomy:
    """The taxonomy of a corpus without taxonomy.yaml, derived from its documents."""
    found = find_units(sources)
    org = parties.organisation(found, sources)
    if org:
        found = [u for u in found if u.label != org]
        for u in found:
            u.parent = None if u.parent == org else u.parent
    outsiders = parties.outsiders({u.label for u in found}, [src.text for src in sources])
    found = [u for u in found if u.label not in outsiders]
    labels = {u.label for u in found}
    # after the documents' own aliases, so a name the documents give wins where both claim it
    other_language = glosses({u.label: u.parent if u.parent in labels else None for u in found})
    deps: dict[str, Department] = {}
    claimed: set[str] = set()
    for u in found:
        aliases = []
        for a in [*u.aliases, *other_language.get(u.label, [])]:
            k = fold(a).strip()
            if k not in claimed and fold(a).strip() != fold(u.label).strip() and a not in labels:
                aliases.append(a)
                claimed.add(k)
        claimed.add(fold(u.label).strip())
        parent = u.parent if u.parent in labels else None
        deps[u.label] = Department(label=u.label, parent=parent, en=_english(u.label, aliases), aliases=tuple(aliases))
    return Taxonomy(deps, derived=True)


def taxonomy_of(corpus: Path) -> Taxonomy:
    """What ingest uses for a corpus: its saved taxonomy.yaml, else the one derived from its documents."""
    from assistant.verdict.taxonomy import for_corpus
    from ingest import files

    return for_corpus(corpus) or discover([files.read(p, corpus) for p in files.find(corpus)])


def suggest_yaml(taxonomy: Taxonomy) -> str:
    """taxonomy.yaml text for an admin to review and save beside the corpus (a saved file wins)."""
    body = {}
    for d in taxonomy:
        entry: dict = {}
        if d.parent:
            entry["parent"] = d.parent
        if d.en != d.label:
            entry["en"] = d.en
        if d.aliases:
            entry["aliases"] = list(d.aliases)
        body[d.label] = entry or None
    head = "# Departments derived from the documents by `whosejob departments --suggest`.\n# Review, edit and save as taxonomy.yaml beside the corpus: a saved file wins.\n"
    return head + yaml.safe_dump({"departments": body}, allow_unicode=True, sort_keys=False)

