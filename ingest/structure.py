"""Units named by the documents' structure: a page's title or file name (one page per team is how handbooks
and charters are kept), a heading inside a page that names a unit, a section built like the units' sections
beside it, and the teams a unit's section lists. Used by units.find_units, with mentions.py."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from assistant.verdict.taxonomy import name_and_alias
from assistant.verdict.taxonomy import name_key as key

from . import forms, headings, outline
from .lists import subject_units
from .names import (
    CJK,
    SHORT_LINE,
    aliases_in,
    does_work,
    first_aliases,
    first_sentence,
    has_unit_word,
    is_cjk_unit,
    is_post,
    marked,
    name_like,
    only_generic,
    plain,
    read_name,
    sections,
    subject_aliases,
    words_re,
)

if TYPE_CHECKING:
    from .files import SourceFile
    from .units import Found



class Page(NamedTuple):
    source: SourceFile
    unit: str | None  # the unit its title or file name names
    sections: list  # names.sections: (level, heading, body lines)
    title: str


class Outline(NamedTuple):
    source: SourceFile
    unit: str | None
    nodes: list  # outline.tree
    label_of: dict[int, str]  # node -> the unit its heading names
    title: str
    groups: set[str]  # names in two or more headings' parentheses (headings.shared_parentheses)


def titles(found: Found, sources) -> tuple[list[Page], Counter[str]]:
    """Each page's unit, from its title or its file name, with the names its first sentence gives it; and how
    many files' titles start with each name (a site's or a company's name heads every page)."""
    by_alias = found.by_alias
    pages: list[Page] = []
    title_names: Counter[str] = Counter()  # the name each file's title starts with (a site's, a company's)
    subjects: list[tuple[str, str]] = []  # (page unit, a name its first sentence gives it)
    for src in sources:
        secs = list(sections(src.text))
        heads = [(lv, h) for lv, h, _ in secs if lv > 0]
        # The first heading titles the page; in text without heading marks, only when no title line of its
        # level follows (there, side-by-side sections are the usual shape: a duty list in one file).
        title = heads[0][1] if heads and (marked(src.text.split("\n")) or not any(lv <= heads[0][0] for lv, _ in heads[1:])) else ""
        pre = [ln for ln in secs[0][2] if ln.strip()] if secs else []
        if not title and pre and len(pre[0].strip()) <= SHORT_LINE:
            title = pre[0]
        named = read_name(title) if title else None
        if named:
            title_names[key(named[0])] += 1
        if title and not (named and (is_cjk_unit(named[0]) or has_unit_word(named[0]))):
            # "星禾Wiki : 人力资源中心 | 部门介绍": a wiki export puts the space before the page's name
            parts = [read_name(p) for p in re.split(r"\s+[:：|｜–—-]\s+|\s*[|｜]\s*", plain(title))[1:]]
            named = next((p for p in parts if p and (is_cjk_unit(p[0]) or has_unit_word(p[0]))), named)
        if named and CJK.search(named[0]) and not is_cjk_unit(named[0]) and not re.search(r"[A-Za-z0-9]$", named[0]):
            named = None  # 「SIG名称」, 「请问市场运营的工作包括哪些」: a Chinese title that is no unit's name
        lists = bool(title) and bool(words_re("units_list_titles").search(title))
        if named and lists:
            named = None  # "Teams at Lumen Health", 「各部门职责」: the page lists units, it is none of them
        stem = Path(src.name).stem
        if not named and not lists and not re.search(r"\d{3}|[0-9a-f]{8}", stem) and (re.search(r"[-_A-Z]", stem) or CJK.search(stem)):
            # named after its unit: team-payroll.md, 人力资源部.md (not 职责.txt: a Chinese name needs a unit suffix)
            words = re.sub(r"[-_]+", " ", stem)
            # not admin-units.html, teams.md: a page that lists units is none of them
            ok = read_name(words) and (not CJK.search(stem) or is_cjk_unit(stem)) and not words_re("units_list_titles").search(words)
            named = (stem, []) if ok else None
        page = None
        if named:
            name, aliases = named
            first = first_sentence(next((b for lv, h, b in secs if h == title), []))
            aliases += first_aliases(name, first)
            # A first line that is only "NAME (ALIAS)", one of them the page's name: 「合规SIG(SIG-compliance)」
            both = name_and_alias(plain(first))
            if both and key(name) in map(key, both):
                aliases += [n for n in both if key(n) != key(name) and read_name(n)]
            # The file name is another name for the page's unit (team-qa.md, 人力资源部.md), unless it is
            # a single lower-case word (data.md), which would match the common word everywhere.
            # A Chinese file name counts only as a unit's name (人力资源部.md, not 岗位说明书.md).
            if not re.search(r"\d{3}|[0-9a-f]{8}", stem) and len(stem) >= 2 and (re.search(r"[-_A-Z]", stem) or is_cjk_unit(stem)):
                aliases.append(re.sub(r"[-_]+", " ", stem))
            page = found.add(name, aliases, src.name, "title")
            subjects += [(page, a) for a in subject_aliases(name, first)] if page else []
        pages.append(Page(src, page, secs, title))
    # A page's first sentence may open with another body (「技术委员会负责批准本组」): its names count only
    # when no other page's unit has that name, or a name containing it.
    for page, alias in subjects:
        if not any(key(alias) in k for k, label in by_alias.items() if label != page):
            found.add(page, [alias], "", "title")
    return pages, title_names


def headed(found: Found, pages: list[Page]) -> list[Outline]:
    """Headings inside each page that name a unit: a unit word, a listed heading, or a first sentence that
    gives it work. Returns each page's heading tree with the units found on it."""
    outlines: list[Outline] = []
    for src, page, secs, title in pages:
        nodes = outline.tree(secs)
        label_of: dict[int, str] = {}
        groups = headings.shared_parentheses(nodes)
        for i, node in enumerate(nodes):
            if i == 0 and node.heading == title and (page or words_re("units_list_titles").search(title)):
                continue  # the page's title: its unit is the page's, or it lists units ("Team Directory")
            listed = headings.listed_heading(nodes, i)
            named = listed or read_name(node.heading)
            if not named:
                continue
            name, aliases = named
            group, aliases = headings.group_apart(aliases, groups)
            first = first_sentence(node.body)
            if listed:
                ok = True
            elif CJK.search(name):
                ok = is_cjk_unit(name) or is_post(node.heading)  # 「检验科」 「出纳岗位职责」 yes; 「DB SIG 工作目标和范围」 no
            else:
                ok = name_like(name) and (has_unit_word(name) or does_work(name, aliases, first) or headings.charter(node.body))
            if ok:
                # "4.1 Information Security (Technology)", "4.2 IT Service Desk (Technology)": the name in both
                # parentheses is no alias of either but the group they are in
                parent = found.add(group, [], src.name, "heading") if group else headings.enclosing(nodes, i, label_of, page)
                label_of[i] = found.add(name, aliases + first_aliases(name, first, strict=True), src.name, "heading", parent=parent)
        outlines.append(Outline(src, page, nodes, label_of, title, groups))
    return outlines


def alike(found: Found, outlines: list[Outline]) -> None:
    """A section built like the units' sections beside it (the same sub-headings) is a unit's too: a
    handbook in one file, where no file name or unit word says so."""
    units, by_alias = found.units, found.by_alias
    for src, page, nodes, label_of, title, groups in outlines:
        similar = outline.alike(nodes, lambda h: (read_name(h) or ("",))[0])
        kids = headings.children_of(nodes)
        changed = True
        while changed:
            changed = False
            for i, node in enumerate(nodes):
                if i in label_of:
                    continue
                named = read_name(node.heading) if not (i == 0 and page and node.heading == title) else None
                over = headings.over_units(kids.get(i, ()), label_of) if node.heading != title else []  # a page of units is none
                word = plain(node.heading).strip()
                if (not named and over and only_generic(word) and name_like(word) and not has_unit_word(word)
                        and not words_re("units_list_titles").search(word)):
                    named = (word, [])  # "## Resources" over Finance and Revenues & Benefits: a directorate, not "## Teams"
                if not named or not (is_cjk_unit(named[0]) if CJK.search(named[0]) else name_like(named[0])):
                    continue
                beside = headings.among_units(nodes, i, label_of) and not (i == 0 and node.heading == title)  # not the file's title
                if by_alias.get(key(named[0])) or any(j in label_of for j in similar.get(i, ())) or over or beside:
                    first = first_sentence(node.body)
                    group, aliases = headings.group_apart(named[1], groups)
                    parent = found.add(group, [], src.name, "heading") if group else headings.enclosing(nodes, i, label_of, page)
                    label_of[i] = found.add(named[0], aliases + first_aliases(named[0], first, strict=True), src.name, "heading",
                                      parent=parent)
                    for j in over:  # its teams were given the page's unit as parent before it was known
                        if label_of[i] and units[label_of[j]].parent in (None, parent) and label_of[j] != label_of[i]:
                            units[label_of[j]].parent = label_of[i]
                    changed = True
        for i, label in label_of.items():  # a team under a section found a unit only now
            if not units[label].parent:
                parent = headings.enclosing(nodes, i, label_of, page)
                if parent and parent != label:
                    units[label].parent = parent


def teams(found: Found, outlines: list[Outline]) -> None:
    """Teams a unit's section names doing work or lists, given that unit as their parent."""
    units, by_alias = found.units, found.by_alias
    # "The Income Team collects …" in the Homes and Communities section, "The Deal Desk approves …" in Sales
    # Operations': a team of the section's unit
    for src, _page, nodes, label_of, _title, _groups in outlines:
        for i, label in label_of.items():
            body = "\n".join(nodes[i].body)
            # … and "- Warehouse Operations — goods-in, put-away …" listed on the Operations slide
            named = [m.group(1) for m in subject_units().finditer(body)] + [m.group(1) for m in headings.LISTED_NAME.finditer(body)]
            for name in named:
                forms.adopt(units, by_alias.get(key(name)), label)
            # "- Sample Management (formerly …)", "- Assay Development": a list of bare names under a unit,
            # one of them a known unit, lists its teams
            bare = [(m.group(1).strip(), m.group(2) or "") for m in headings.BARE_ITEM.finditer(body)]
            if len(bare) >= 2 and all(name_like(n) for n, _ in bare) and any(key(n) in by_alias for n, _ in bare):
                for name, paren in bare:
                    if by_alias.get(key(name)) != label:
                        found.add(name, aliases_in(paren), src.name, "list", parent=label)
