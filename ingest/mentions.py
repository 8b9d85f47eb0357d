"""Units named in tables and running text: owner columns and directories of units, the short names a RACI's
columns use, sentences that give a unit work ("The Data team owns …", 「财务部负责…」), 「Y下设X」, and the
names a parenthesis gives a known unit. Used by units.find_units, with structure.py."""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

from assistant.verdict.taxonomy import name_key as key

from . import columns, forms, prose
from .lists import PLURAL_UNITS, listed_units, proper_units, subject_units
from .names import (
    CJK,
    CLAUSE,
    DETERMINERS,
    DETERMINERS_ZH,
    NUMBERING,
    has_unit_word,
    is_cjk_unit,
    lexicon,
    name_before,
    name_like,
    read_name,
    words_re,
)

if TYPE_CHECKING:
    from .structure import Outline
    from .units import Found


LATIN_LEAD = re.compile(r"[a-z0-9&/.+ -]+")  # 「QA 品保組」: a Latin short name before the Chinese one


def short_names(found: Found, tabled: dict[str, list]) -> set[str]:
    """Units a table of short names spells out. Returns the codes it says are no unit's: a RACI's columns
    then read them as its units' names, not as units of their own."""
    by_alias = found.by_alias
    not_units: set[str] = set()
    for source, its_tables in tabled.items():
        for name, parent, aliases, code in columns.short_names(its_tables):
            named = read_name(name) if name else None
            if named:
                found.add(named[0], named[1] + aliases, source, "table", parent=resolve(parent, by_alias) if parent else None)
            elif name is None:
                not_units.add(key(code))
    return not_units


def in_text(found: Found, outlines: list[Outline], tabled: dict[str, list], not_units: set[str]) -> list[tuple]:
    """Units in owner columns, in sentences that give them work and in lists of units with their duties.
    Returns the 「Y下设X」 sentences' (Y as written, X, X's aliases, source) for `children`, read once every
    unit is known."""
    by_alias = found.by_alias
    sentence_names: list[tuple[str, str]] = []
    by_names: list[tuple[str, str]] = []
    children_of: list[tuple] = []  # (parent as written before 下设 or None, child, its aliases, source)
    for src, page, *_ in outlines:
        text = src.text
        for name, team, parent in columns.units_in(tabled[src.name]):
            if key(name) in not_units:
                continue
            named = read_name(name)
            # An owner cell names a team ("Team CDP", "Security Committee") or a known unit; a person's
            # name ("Kendal", "@someone") in an owner column is not a unit.
            # 「各部门」 ("every department") in an owner cell points at all units, not at one
            role = not CJK.search(name) and name.split()[-1].lower() in lexicon()["role_words"]
            if named and not role and name[0] not in DETERMINERS_ZH and (
                team or has_unit_word(name) or is_cjk_unit(name) or key(name) in by_alias
            ):
                found.add(named[0], [], src.name, "table", parent=resolve(parent, by_alias) if parent else None)
        for name, parent in prose.named_with_parent(text, by_alias):
            found.add(name, [], src.name, "sentence", parent=parent)
        # The unit word in the sentence vouches for the name: "The Customer Contact Centre is …" ("contact"
        # would make a page title no unit), "The Resources directorate, led by …"
        for m in [*proper_units().finditer(text), *subject_units().finditer(text), *prose.SENTENCE_UNIT_EN.finditer(text)]:
            name = m.group(1)
            # not a PDF line's wrapped end ("Development\n\nManagement team"), nor two cells run together
            # ("Licensing Manager The Licensing team")
            if prose.wrapped(text, m.start(1)) or re.search(r"\sThe\s", name):
                continue
            if " and " in name and PLURAL_UNITS.match(text, m.end(1)):
                continue  # "The ELT and Board committees are …": two bodies
            if (read_name(name) or name_like(name)) and name.split()[0].lower() not in DETERMINERS:
                found.add(name, [], src.name, "sentence")
        # the duties after it say it is a unit: no title word list applies. Its parent is the one its line
        # names ("(reports to Production)"), else the page that lists it.
        for name, parent, aliases in listed_units(text):
            found.add(name, aliases, src.name, "list", parent=(resolve(parent, by_alias) if parent else None) or page)
        sentence_names += [(name, src.name) for m in prose.SENTENCE_UNIT_ZH.finditer(text) if (name := name_before(m.group(1)))]
        by_names += [(name, src.name) for m in prose.BY_UNIT_ZH.finditer(text) if (name := name_before(m.group(1)))]
        children_of += [(before, child, aliases, src.name) for before, child, aliases in prose.children_named(text)]
    # a step "done by" a unit names it when two steps are (one may be an outside body's: 「由县委编委批复」)
    counts = Counter(name for name, _ in by_names)
    sentence_names += [(name, source) for name, source in by_names if counts[name] >= 2]
    # Shortest first, across every document: 「信息技术部负责…」 is read before 「…事件应立即报告信息技术部负责人」,
    # whose run of words before the unit is then seen to hold a known unit.
    for name, source in sorted(dict.fromkeys(sentence_names), key=lambda ns: len(ns[0])):
        # 「该组」「各车间」 point back at a unit; 「质量管理部计量室」 is a known unit's part.
        known = any(k in key(name) for k in by_alias if len(k) >= 2)
        # 「QA 品保組負責……」: the Chinese part of a known 「QA 品保組」 is its short name, not another unit
        whole = next((lab for k, lab in by_alias.items() if k.endswith(key(name)) and LATIN_LEAD.fullmatch(k[: -len(key(name))])), None)
        if whole and not known:
            found.add(whole, [name], source, "sentence")
            continue
        if is_cjk_unit(name) and read_name(name) and name[0] not in DETERMINERS_ZH and not known:
            found.add(name, [], source, "sentence")
    return children_of


def children(found: Found, children_of: list[tuple]) -> None:
    """「管理部：下設人事課、總務課及資訊課」: each is a unit of the one named before 下設, itself a unit."""
    by_alias = found.by_alias
    for before, child, aliases, source in children_of:
        if before is None:
            found.add(child, aliases, source, "sentence")
            continue
        parent = prose.mention_at(before, by_alias, end=True)
        run = re.search(r"[\u4e00-\u9fff]{2,16}$", before.rstrip(" ：:"))
        if not parent and run and is_cjk_unit(name := name_before(run.group(0))) and name[0] not in DETERMINERS_ZH:
            parent = found.add(name, [], source, "sentence")
        if not parent:  # 「第七条 医务处是……的职能部门，下设……」: the sentence's subject
            parent = prose.mention_at(CLAUSE.sub("", NUMBERING.sub("", before)), by_alias, end=False)
        if parent:
            found.add(child, aliases, source, "sentence", parent=parent)


def parenthesised(found: Found, sources) -> None:
    """「医学装备处（简称“装备处”，原设备科）负责……」, "People (formerly Human Resources)": the names a
    parenthesis gives a known unit right before it, when it says they are its names."""
    for src in sources:
        for label, aliases in prose.named_in_parentheses(src.text, found.by_alias):
            found.add(label, aliases, src.name, "sentence")


def resolve(name: str, by_alias: dict[str, str]) -> str | None:
    return by_alias.get(key(name))


def parents_from_text(found: Found, sources) -> None:
    """"X is a sub-team of Y", "X, part of Y", 「X隶属于Y」 set X's parent when Y is a known unit; so does
    「Y下设X和Z」 / "Y consists of X and Z" for every known unit the rest of the sentence names."""
    units, by_alias = found.units, found.by_alias
    marker, children = words_re("parent_markers"), words_re("child_markers")

    for src in sources:
        for line in src.text.split("\n"):
            for m in marker.finditer(line):
                forms.adopt(units, prose.mention_at(line[: m.start()], by_alias, end=True), prose.mention_at(line[m.end() :], by_alias, end=False))
            for m in children.finditer(line):
                parent = prose.mention_at(line[: m.start()], by_alias, end=True)
                for label in forms.named_in(re.split(r"[。；;!?！？，]|\.\s", line[m.end() :])[0], by_alias):
                    forms.adopt(units, label, parent)

