"""Departments read from the documents, for a corpus that brings no taxonomy.yaml.

A unit is named by a page's title (one page per team is how handbooks and charters are kept), by a
heading inside a page that names a unit (「### 检验科」, "### Recruiting" whose first sentence says what
it does), by a sentence that gives a unit work ("The Data team owns …", 「财务部掌理事项如下」) or by a
table column of owners, RACI letters or a directory of units. Labels are the names as the documents write
them; parents come from nesting and from "part of Y" / 「Y下设X」; aliases from parentheses, "called X",
acronyms the text uses, and file names. What a name looks like is in names.py, units in lists and labelled
lines in lists.py, units in running text in prose.py, which headings name units in headings.py, the
organisation itself and outside companies (no units) in parties.py.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from assistant.text import fold
from assistant.verdict.taxonomy import Department, Taxonomy, name_and_alias
from assistant.verdict.taxonomy import name_key as key

from . import columns, forms, headings, othernames, outline, parties, prose, tables
from .glosses import glosses
from .lists import PLURAL_UNITS, listed_units, proper_units, subject_units
from .names import (
    CJK,
    CLAUSE,
    DETERMINER_WORDS_ZH,
    DETERMINERS,
    DETERMINERS_ZH,
    NUMBERING,
    SHORT_LINE,
    aliases_in,
    balanced,
    does_work,
    first_aliases,
    first_sentence,
    has_unit_word,
    is_cjk_unit,
    is_post,
    is_post_en,
    lexicon,
    marked,
    name_before,
    name_like,
    only_generic,
    plain,
    read_name,
    sections,
    several,
    subject_aliases,
    words_re,
)


@dataclass
class Unit:
    label: str
    parent: str | None = None
    aliases: list[str] = field(default_factory=list)
    source: str = ""
    how: str = ""  # title | heading | sentence | table | list
    pages: int = 0  # files whose title starts with its name


def find_units(sources) -> list[Unit]:
    """Every unit the documents name, in the order found (titles of all pages first)."""
    units: dict[str, Unit] = {}
    by_alias: dict[str, str] = {}
    clashes: list[tuple[str, str]] = []  # (unit, another unit's name given as its alias)

    def add(name: str, aliases: list[str], source: str, how: str, parent: str | None = None) -> str | None:
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
                clashes.append((label, a))
        if parent and not unit.parent and parent != label and (parent not in units or label not in forms.lineage(units, parent)):
            unit.parent = parent
        return label

    pages: list[tuple[object, str | None, list]] = []
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
            page = add(name, aliases, src.name, "title")
            subjects += [(page, a) for a in subject_aliases(name, first)] if page else []
        pages.append((src, page, secs, title))
    # A page's first sentence may open with another body (「技术委员会负责批准本组」): its names count only
    # when no other page's unit has that name, or a name containing it.
    for page, alias in subjects:
        if not any(key(alias) in k for k, label in by_alias.items() if label != page):
            add(page, [alias], "", "title")

    outlines = []  # (source, page unit, heading tree, node -> unit label, page title)
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
                parent = add(group, [], src.name, "heading") if group else headings.enclosing(nodes, i, label_of, page)
                label_of[i] = add(name, aliases + first_aliases(name, first, strict=True), src.name, "heading", parent=parent)
        outlines.append((src, page, nodes, label_of, title, groups))
    # A table of short names first: the codes a RACI's columns use are its units' names, not units of their own
    not_units: set[str] = set()
    tabled = {src.name: list(tables.find(src.text, tables.line_spans(src.text)).values()) for src in sources}  # read once
    for src in sources:
        for name, parent, aliases, code in columns.short_names(tabled[src.name]):
            named = read_name(name) if name else None
            if named:
                add(named[0], named[1] + aliases, src.name, "table", parent=_resolve(parent, by_alias) if parent else None)
            elif name is None:
                not_units.add(key(code))
    sentence_names: list[tuple[str, str]] = []
    by_names: list[tuple[str, str]] = []
    children_of: list[tuple[str, str, str]] = []  # (parent as written before 下设, child, source)
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
                add(named[0], [], src.name, "table", parent=_resolve(parent, by_alias) if parent else None)
        for name, parent in prose.named_with_parent(text, by_alias):
            add(name, [], src.name, "sentence", parent=parent)
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
                add(name, [], src.name, "sentence")
        # the duties after it say it is a unit: no title word list applies. Its parent is the one its line
        # names ("(reports to Production)"), else the page that lists it.
        for name, parent, aliases in listed_units(text):
            add(name, aliases, src.name, "list", parent=(_resolve(parent, by_alias) if parent else None) or page)
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
            add(whole, [name], source, "sentence")
            continue
        if is_cjk_unit(name) and read_name(name) and name[0] not in DETERMINERS_ZH and not known:
            add(name, [], source, "sentence")

    # A section built like the units' sections beside it (the same sub-headings) is a unit's too: a
    # handbook in one file, where no file name or unit word says so.
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
                    parent = add(group, [], src.name, "heading") if group else headings.enclosing(nodes, i, label_of, page)
                    label_of[i] = add(named[0], aliases + first_aliases(named[0], first, strict=True), src.name, "heading",
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

    # 「管理部：下設人事課、總務課及資訊課」: each is a unit of the one named before 下設, itself a unit
    for before, child, aliases, source in children_of:
        if before is None:
            add(child, aliases, source, "sentence")
            continue
        parent = prose.mention_at(before, by_alias, end=True)
        run = re.search(r"[\u4e00-\u9fff]{2,16}$", before.rstrip(" ：:"))
        if not parent and run and is_cjk_unit(name := name_before(run.group(0))) and name[0] not in DETERMINERS_ZH:
            parent = add(name, [], source, "sentence")
        if not parent:  # 「第七条 医务处是……的职能部门，下设……」: the sentence's subject
            parent = prose.mention_at(CLAUSE.sub("", NUMBERING.sub("", before)), by_alias, end=False)
        if parent:
            add(child, aliases, source, "sentence", parent=parent)
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
                        add(name, aliases_in(paren), src.name, "list", parent=label)
    # 「医学装备处（简称“装备处”，原设备科）负责……」, "People (formerly Human Resources)": the names a parenthesis
    # gives a known unit right before it, when it says they are its names
    for src in sources:
        for label, aliases in prose.named_in_parentheses(src.text, by_alias):
            add(label, aliases, src.name, "sentence")
    _parents_from_text(units, by_alias, sources)
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


SET_UP = re.compile(r"^(?:[新另增][設设]|[設设]立|成立)(?=[\u4e00-\u9fff]{2})")
LATIN_LEAD = re.compile(r"[a-z0-9&/.+ -]+")


def _resolve(name: str, by_alias: dict[str, str]) -> str | None:
    return by_alias.get(key(name))


def _parents_from_text(units: dict[str, Unit], by_alias: dict[str, str], sources) -> None:
    """"X is a sub-team of Y", "X, part of Y", 「X隶属于Y」 set X's parent when Y is a known unit; so does
    「Y下设X和Z」 / "Y consists of X and Z" for every known unit the rest of the sentence names."""
    marker, children = words_re("parent_markers"), words_re("child_markers")

    for src in sources:
        for line in src.text.split("\n"):
            for m in marker.finditer(line):
                forms.adopt(units, prose.mention_at(line[: m.start()], by_alias, end=True), prose.mention_at(line[m.end() :], by_alias, end=False))
            for m in children.finditer(line):
                parent = prose.mention_at(line[: m.start()], by_alias, end=True)
                for label in forms.named_in(re.split(r"[。；;!?！？，]|\.\s", line[m.end() :])[0], by_alias):
                    forms.adopt(units, label, parent)


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
