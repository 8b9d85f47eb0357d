"""Departments read from the documents, for a corpus that brings no taxonomy.yaml.

A unit is named by a page's title (one page per team is how handbooks and charters are kept), by a
heading inside a page that names a unit (「### 检验科」, "### Recruiting" whose first sentence says what
it does), by a sentence that gives a unit work ("The Data team owns …", 「财务部掌理事项如下」) or by a
table column of owners or RACI letters. Labels are the names as the documents write them; parents
come from nesting and from "part of Y" / 「Y下设X」; aliases from parentheses, "called X", acronyms the
text uses, and file names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from assistant.text import fold
from assistant.verdict.taxonomy import Department, Taxonomy, name_and_alias
from assistant.verdict.taxonomy import name_key as key

from . import tables

HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
NUMBERING = re.compile(r"^\s*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+(?:\.\d+)*[.、)]?|[\u3220-\u3229①-⑳])\s*")
PAREN = re.compile(r"\s*[（(]([^()（）]{1,60})[)）]")
LINK = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\[[^\]]*\])")
MARKUP = re.compile(r"<[^>]+>|[*`~]+|(?<![A-Za-z0-9])_+|_+(?![A-Za-z0-9])")  # "SIG-Security_facility" keeps its "_"
CJK = re.compile(r"[\u3400-\u9fff]")
SHORT_LINE = 40
# A heading with a finite verb is a sentence ("The Support team owns"), not a name.
VERB = re.compile(r"(?<![a-z])(owns|is|are|does|do|handles|manages|runs|looks|takes)(?![a-z])|负责|負責|掌理", re.I)
# Function words that end the text before a unit's name in a sentence: 「与客户的沟通由市场部负责」.
ZH_BEFORE_NAME = re.compile(r"[由归歸属屬与與和及的向找交请請经經对對在将將为為是、，,：:；;（(]")


@lru_cache(maxsize=1)
def lexicon() -> dict[str, list[str]]:
    """The general word lists in lexicon.yaml (unit suffixes, agent verbs, hand-off phrases …)."""
    return yaml.safe_load(Path(__file__).with_name("lexicon.yaml").read_text(encoding="utf-8"))


def _words(name: str) -> re.Pattern:
    """One regex for a lexicon list: Latin entries as whole words, CJK entries anywhere."""
    items = sorted((str(w) for w in lexicon()[name]), key=len, reverse=True)
    return re.compile("|".join(re.escape(w) if CJK.search(w) else rf"(?<![a-z]){re.escape(w)}(?![a-z])" for w in items), re.I)


@dataclass
class Unit:
    label: str
    parent: str | None = None
    aliases: list[str] = field(default_factory=list)
    source: str = ""
    how: str = ""  # title | heading | sentence | table


def _plain(text: str) -> str:
    text = LINK.sub(r"\1", text)
    return re.sub(r"\s+", " ", MARKUP.sub("", text)).strip(" :：-–—|")


def _is_cjk_unit(name: str) -> bool:
    return bool(CJK.search(name)) and any(name.endswith(s) for s in lexicon()["unit_suffixes_zh"]) and len(name) <= 16


def _has_unit_word(name: str) -> bool:
    return bool(_words("unit_words_en").search(name))


def _aliases_in(paren: str) -> list[str]:
    """Aliases inside a parenthesis: "(sometimes called Talent Acquisition or TA)" -> both names."""
    quoted = re.findall(r'["“「『]([^"”」』]{2,30})["”」』]', paren)
    if quoted:
        return [q for q in quoted if fold(q) not in _generic()]
    lead = _words("alias_leads")
    out = []
    for part in re.split(r"\s*(?:[,，、;；/]|\bor\b|\band\b|或)\s*", paren):
        part = lead.sub("", part).strip(" \"'“”「」:：")
        # a name, not a description: "(the go-to-market org)" is no alias, "(GTM Sales)" is
        named = part[:1].isupper() or part[:1].isdigit() or bool(CJK.match(part))
        if named and 2 <= len(part) <= 30 and not re.search(r"[.。!?？]|https?:|@", part) and fold(part) not in _generic():
            out.append(part)
    return out


@lru_cache(maxsize=1)
def _generic() -> frozenset[str]:
    return frozenset(fold(str(w)) for w in lexicon()["generic_aliases"])


def _name(title: str) -> tuple[str, list[str]] | None:
    """(unit name, aliases) from a title or heading, or None when it does not read as a name."""
    text = NUMBERING.sub("", _plain(title))
    text = re.split(r"\s+[–—|-]\s+|[：:]\s*", text)[0].strip()
    aliases = [a for m in PAREN.finditer(text) for a in _aliases_in(m.group(1))]
    text = PAREN.sub("", text).strip()
    m = re.match(r"(.+?),\s*(?:part of|within|under)\s+(.+)$", text, re.I)
    if m:
        text = m.group(1)
    tails = sorted((str(t) for t in lexicon()["title_tails"]), key=len, reverse=True)
    changed = True
    while changed:
        changed = False
        for t in tails:
            if text.lower().endswith(t.lower()) and len(text) > len(t) + 1:
                text, changed = text[: -len(t)].rstrip(" -–—:："), True
    if not text or len(text) > 40 or len(text.split()) > 6 or re.search(r"[?？。!！]", title):
        return None
    if _words("not_unit_titles").search(text) or _only_generic(text) or VERB.search(text):
        return None
    # "Team 1-1s" is a meeting: past its unit words a name has a word of letters
    if not CJK.search(text) and not re.search(r"(?<![0-9])[A-Za-z]", _words("unit_words_en").sub(" ", text)):
        return None
    # "Etherpad of DB SIG", "Members of the Security Team": a thing of a unit, not one ("Office of the CTO" is)
    of = re.match(r"(.+?)\s+of\s+\S", text, re.I)
    if of and not _has_unit_word(of.group(1)):
        return None
    return text, aliases


def _only_generic(text: str) -> bool:
    """True for a name made of generic words only ("SIG组", "the team"): it names no particular unit."""
    rest = fold(text).lower()
    for w in sorted(_generic(), key=len, reverse=True):
        w = w.lower()
        rest = re.sub(rf"(?<![a-z0-9]){re.escape(w)}(?![a-z0-9])" if w.isascii() else re.escape(w), " ", rest)
    return not re.sub(r"[\W_]+", "", rest)


def _sections(text: str):
    """(level, heading, body lines) for each heading; level 0 is the text before the first heading."""
    lines = text.split("\n")
    if lines and lines[0].strip() == "---":  # YAML front matter
        end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
        if end is not None:
            lines = lines[end + 1 :]
    level, heading, body = 0, "", []
    for line in lines:
        m = HEADING.match(line)
        if m:
            yield level, heading, body
            level, heading, body = len(m.group(1)), m.group(2), []
        else:
            body.append(line)
    yield level, heading, body


def _first_sentence(body: list[str]) -> str:
    for line in body:
        line = _plain(line)
        if line and not line.startswith(("<", "|", "!", ">")):
            return re.split(r"(?<=[.。!?！？;；])\s", line)[0]
    return ""


# "Each team owns …" names no team.
DETERMINERS_ZH = "该該本各此其这這那每"  # 「该组」「各车间」 point back at a unit or at all of them
DETERMINERS = {"each", "every", "all", "any", "our", "your", "this", "that", "which", "some", "other", "one",
               "another", "no", "small", "product", "engineering", "a", "an", "my", "their", "his", "her", "its"}
SMALL_WORDS = {"and", "of", "the", "for", "&", "to", "in", "on"}


def _name_like(name: str) -> bool:
    """A short Title Cased name ("Tier 1 Support", "Brand & Content"), not a phrase ("Escalation paths")."""
    words = name.split()
    return 1 <= len(words) <= 5 and all(w[0].isupper() or w[0].isdigit() or w.lower() in SMALL_WORDS for w in words)


def _does_work(name: str, aliases: list[str], sentence: str) -> bool:
    """The section's first sentence is about the heading's name: it starts with it (or its first word,
    or an alias), as "Tier 1 handles …" under "### Tier 1 Support"."""
    if CJK.search(name) or not _name_like(name):
        return False
    low = re.sub(r"^(the|our)\s+", "", sentence.lower())
    first = name.split()[0].lower()
    heads = [n.lower() for n in (name, *aliases)] + ([first] if len(first) >= 3 else [])
    qualified = _words("qualifiers_after_name").pattern
    return any(re.match(rf"{re.escape(h)}(?![a-z])(?!\s+(?:{qualified}))", low) for h in heads)


def _table_units(text: str) -> list[tuple[str, bool]]:
    """Unit names from the Markdown tables (as ingest/tables.py reads them): the cells of owner columns,
    and the headers of RACI columns. (name, written with "Team") pairs."""
    spans, at = [], 0
    for line in text.split("\n"):
        spans.append((at, at + len(line)))
        at += len(line) + 1
    found: list[tuple[str, bool]] = []
    for table in tables.find(text, spans).values():
        header = [c.text for c in table.header]
        body = [[c.text for c in cells] for _, cells in table.rows if len(cells) == len(header)]
        for j, head in enumerate(header):
            cells = [r[j] for r in body if r[j]]
            if not cells:
                continue
            if j and sum(bool(tables.roles(c)) for c in cells) >= 0.6 * len(cells):
                found.append((head, True))  # a RACI column is a unit (or a role) by construction
            elif tables.OWNER_HEADER.match(head.strip()) or tables.SUPPORT_HEADER.match(head.strip()):
                for cell in cells:
                    for part in re.split(r"\s*[,，、/;；]\s*|\s+and\s+", cell):
                        team = bool(re.match(r"^team\s+", part.strip(), re.I))
                        part = re.sub(r"^(team|the)\s+", "", part.strip(), flags=re.I)
                        if 2 <= len(part) <= 30 and not re.search(r"[.。]\s|https?:|^@", part) and (part[0].isupper() or CJK.match(part)):
                            found.append((part, team))
    return found


SENTENCE_UNIT_EN = re.compile(
    r"(?:^|[.;]\s+)(?:The\s+|Team\s+)?((?:[A-Z][\w&'-]*\s+){0,4}?[A-Z][\w&'-]*)\s+(?:team|department|group|office|committee)\s+"
)
SENTENCE_UNIT_ZH = re.compile(r"([\u4e00-\u9fffA-Za-z]{1,12}?(?:部|科|室|组|組|中心|委员会|委員會|办公室|辦公室|车间|車間))(?=负责|負責|掌理|牵头|牽頭|的主要职责|的主要職責|主要职责|主要職責)")


def find_units(sources) -> list[Unit]:
    """Every unit the documents name, in the order found (titles of all pages first)."""
    units: dict[str, Unit] = {}
    by_alias: dict[str, str] = {}

    def add(name: str, aliases: list[str], source: str, how: str, parent: str | None = None) -> str | None:
        k = key(name)
        if len(k) < 2:
            return None
        label = by_alias.get(k)
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
        if parent and not unit.parent and parent != label:
            unit.parent = parent
        return label

    pages: list[tuple[object, str | None, list]] = []
    for src in sources:
        secs = list(_sections(src.text))
        title = next((h for lv, h, body in secs if lv > 0), "")
        pre = [ln for ln in secs[0][2] if ln.strip()] if secs else []
        if not title and pre and len(pre[0].strip()) <= SHORT_LINE:
            title = pre[0]
        named = _name(title) if title else None
        if named and CJK.search(named[0]) and not _is_cjk_unit(named[0]) and not re.search(r"[A-Za-z0-9]$", named[0]):
            named = None  # 「SIG名称」, 「请问市场运营的工作包括哪些」: a Chinese title that is no unit's name
        stem = Path(src.name).stem
        if not named and not re.search(r"\d{3}|[0-9a-f]{8}", stem) and (re.search(r"[-_A-Z]", stem) or CJK.search(stem)):
            named = (stem, []) if _name(re.sub(r"[-_]+", " ", stem)) else None  # named after its unit: sig-compliance.md
        page = None
        if named:
            name, aliases = named
            first = _first_sentence(next((b for lv, h, b in secs if h == title), []))
            aliases += [a for m in PAREN.finditer(first) if m.start() <= len(name) + 40 for a in _aliases_in(m.group(1))]
            # A first line that is only "NAME (ALIAS)", one of them the page's name: 「合规SIG(SIG-compliance)」
            both = name_and_alias(_plain(first))
            if both and key(name) in map(key, both):
                aliases += [n for n in both if key(n) != key(name) and _name(n)]
            # The file name is another name for the page's unit (sig-QA.md, 人力资源部.md), unless it is
            # a single lower-case word (data.md), which would match the common word everywhere.
            if not re.search(r"\d{3}|[0-9a-f]{8}", stem) and len(stem) >= 2 and (re.search(r"[-_A-Z]", stem) or CJK.search(stem)):
                aliases.append(re.sub(r"[-_]+", " ", stem))
            page = add(name, aliases, src.name, "title")
        pages.append((src, page, secs))

    for src, page, secs in pages:
        seen_title = False
        for level, heading, body in secs:
            if level and not seen_title and page:
                seen_title = True
                continue
            if not level:
                continue
            named = _name(heading)
            if not named:
                continue
            name, aliases = named
            if CJK.search(name):
                ok = _is_cjk_unit(name)  # 「检验科」 yes; 「DB SIG 工作目标和范围」 no
            else:
                ok = _name_like(name) and (_has_unit_word(name) or _does_work(name, aliases, _first_sentence(body)))
            if ok:
                add(name, aliases, src.name, "heading", parent=page)
        text = src.text
        for name, team in _table_units(text):
            named = _name(name)
            # An owner cell names a team ("Team CDP", "Security Committee") or a known unit; a person's
            # name ("Kendal", "@someone") in an owner column is not a unit.
            # 「各部门」 ("every department") in an owner cell points at all units, not at one
            if named and name[0] not in DETERMINERS_ZH and (team or _has_unit_word(name) or _is_cjk_unit(name) or key(name) in by_alias):
                add(named[0], [], src.name, "table")
        for m in SENTENCE_UNIT_EN.finditer(text):
            if _name(m.group(1)) and m.group(1).split()[0].lower() not in DETERMINERS:
                add(m.group(1), [], src.name, "sentence")
        for m in SENTENCE_UNIT_ZH.finditer(text):
            name = ZH_BEFORE_NAME.split(NUMBERING.sub("", m.group(1)))[-1]
            # 「该组」「各车间」 point back at a unit; 「质量管理部计量室」 is a known unit's part.
            known = any(k in key(name) for k in by_alias if len(k) >= 2)
            if _is_cjk_unit(name) and _name(name) and name[0] not in DETERMINERS_ZH and not known:
                add(name, [], src.name, "sentence")

    _parents_from_text(units, by_alias, sources)
    _acronyms(units, by_alias, sources)
    return list(units.values())


def _resolve(name: str, by_alias: dict[str, str]) -> str | None:
    return by_alias.get(key(name))


def _parents_from_text(units: dict[str, Unit], by_alias: dict[str, str], sources) -> None:
    """"X is a sub-team of Y", "X, part of Y", 「X隶属于Y」 set X's parent when Y is a known unit."""
    marker = _words("parent_markers")
    for src in sources:
        for line in src.text.split("\n"):
            for m in marker.finditer(line):
                before, after = line[: m.start()], line[m.end() :]
                child = _mention_at(before, by_alias, end=True)
                parent = _mention_at(after, by_alias, end=False)
                if child and parent and child != parent and not units[child].parent and not _is_ancestor(units, child, parent):
                    units[child].parent = parent


def _is_ancestor(units: dict[str, Unit], label: str, other: str) -> bool:
    seen = set()
    while other and other not in seen:
        if other == label:
            return True
        seen.add(other)
        other = units[other].parent if other in units else None
    return False


def _mention_at(text: str, by_alias: dict[str, str], end: bool) -> str | None:
    """The unit named right at the end (or start) of `text`, within a few words."""
    text = _plain(text)
    window = text[-40:] if end else text[:40]
    words = re.findall(r"[A-Za-z][\w&'-]*|[\u3400-\u9fff]+", window)
    spans = range(1, min(6, len(words)) + 1)
    for n in spans:
        chunk = words[-n:] if end else words[:n]
        for cand in (" ".join(chunk), "".join(chunk)):
            label = by_alias.get(key(cand))
            if label:
                return label
            if CJK.search(cand):  # 「隶属于人力资源部」: the unit is a prefix/suffix of a CJK run
                for i in range(len(cand)):
                    sub = cand[i:] if end else cand[: len(cand) - i]
                    if by_alias.get(key(sub)):
                        return by_alias[key(sub)]
    return None


def _acronyms(units: dict[str, Unit], by_alias: dict[str, str], sources) -> None:
    """"Site Reliability Engineering" is also "SRE" when the documents write SRE."""
    text = "\n".join(s.text for s in sources)
    for unit in units.values():
        words = [w for w in re.findall(r"[A-Za-z][\w'-]*", unit.label) if w.lower() not in {"and", "of", "the", "for"}]
        if len(words) < 2 or CJK.search(unit.label):
            continue
        acro = "".join(w[0] for w in words).upper()
        if len(acro) >= 3 and key(acro) not in by_alias and re.search(rf"(?<![A-Za-z]){acro}(?![A-Za-z])", text):
            by_alias[key(acro)] = unit.label
            unit.aliases.append(acro)


def _english(unit: Unit) -> str:
    if not CJK.search(unit.label):
        return unit.label
    latin = [a for a in unit.aliases if not CJK.search(a) and len(a) > 2]
    return latin[0] if latin else unit.label


def discover(sources) -> Taxonomy:
    """The taxonomy of a corpus without taxonomy.yaml, derived from its documents."""
    found = find_units(sources)
    labels = {u.label for u in found}
    deps: dict[str, Department] = {}
    claimed: set[str] = set()
    for u in found:
        aliases = []
        for a in u.aliases:
            k = fold(a).strip()
            if k not in claimed and fold(a).strip() != fold(u.label).strip() and a not in labels:
                aliases.append(a)
                claimed.add(k)
        claimed.add(fold(u.label).strip())
        parent = u.parent if u.parent in labels else None
        deps[u.label] = Department(label=u.label, parent=parent, en=_english(u), aliases=tuple(aliases))
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
