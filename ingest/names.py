"""What reads as a unit's name: a title, a heading, an owner cell or a parenthesis ("Tech Operations
(Tech Ops)"), with the general word lists in lexicon.yaml (unit words and suffixes, title tails …)."""

from __future__ import annotations

import re
from functools import cache, lru_cache
from pathlib import Path

import yaml

from assistant.text import fold
from assistant.verdict.taxonomy import name_key as key

HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
# "A. Trust & Compliance", "IV) Finance": a letter or Roman numeral numbers a heading as digits do
NUMBERING = re.compile(r"^\s*(?:第[一二三四五六七八九十百零〇\d]+(?:[章节節篇]|部分)|[一二三四五六七八九十]+[、.．]|[（(](?:[一二三四五六七八九十\d]+|[甲乙丙丁戊己庚辛壬癸])[)）]|\d+(?:\.\d+)*[.、)．]?|[\u3220-\u3229①-⑳]|(?:[A-Z]|[IVX]{1,4})[.)](?=\s))\s*")
CLAUSE = re.compile(r"^\s*第[一二三四五六七八九十百零〇\d]+[条條]\s*")  # an article number before its text
PAREN = re.compile(r"\s*[（(]([^()（）]{1,60})[)）]")
LINK = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\[[^\]]*\])")
MARKUP = re.compile(r"<[^>]+>|[*`~]+|(?<![A-Za-z0-9])_+|_+(?![A-Za-z0-9])")  # "SIG-Security_facility" keeps its "_"
CJK = re.compile(r"[\u3400-\u9fff]")
SHORT_LINE = 40
# A heading with a finite verb is a sentence ("The Support team owns"), not a name.
VERB = re.compile(r"(?<![a-z])(owns|is|are|does|do|handles|manages|runs|looks|takes)(?![a-z])|负责|負責|掌理", re.I)
# Function words that end the text before a unit's name in a sentence: 「与客户的沟通由市场部负责」.
CONJUNCTIONS = {"与", "與", "和", "及"}
ZH_BEFORE_NAME = re.compile(r"[由归歸属屬与與和及的向找交请請经經对對在将將为為是设設、，,：:；;（(]|設立|设立|成立")
ALPHABET_RANGE = re.compile(r"[A-Za-z]\s*[–—-]\s*[A-Za-z]")
BILINGUAL = re.compile(r"^([\u4e00-\u9fff]{2,12})\s+([A-Za-z][A-Za-z&/.' -]*[A-Za-z])(?:\s+\S.*)?$")


@lru_cache(maxsize=1)
def lexicon() -> dict[str, list[str]]:
    """The general word lists in lexicon.yaml (unit suffixes, agent verbs, hand-off phrases …)."""
    return yaml.safe_load(Path(__file__).with_name("lexicon.yaml").read_text(encoding="utf-8"))


@cache
def words_re(name: str) -> re.Pattern:
    """One regex for a lexicon list: Latin entries as whole words, CJK entries anywhere (built once per list:
    ingest asks for them line by line)."""
    items = sorted((str(w) for w in lexicon()[name]), key=len, reverse=True)
    return re.compile("|".join(re.escape(w) if CJK.search(w) else rf"(?<![a-z]){re.escape(w)}(?![a-z])" for w in items), re.I)


# Pictographs and tree marks around a name: 「🚀 三、增长中心」, "1️⃣ 客诉分级", 「└ 小红书运营组」 (not ㈠ or ①: numbering).
ICONS = re.compile(r"^(?:[\d#*]\ufe0f?\u20e3|[\u2190-\u245f\u2500-\u2bff\U0001f000-\U0001faff\ufe0f\u200d])+\s*"
                   r"|\s*(?:[\u2190-\u245f\u2500-\u2bff\U0001f000-\U0001faff\ufe0f\u200d])+$")


def plain(text: str) -> str:
    text = LINK.sub(r"\1", text)
    return ICONS.sub("", re.sub(r"\s+", " ", MARKUP.sub("", text)).strip(" :：-–—|")).strip(" :：-–—|")


def is_cjk_unit(name: str, longest: int = 16) -> bool:
    """「检验科」, 「总经理办公室」: a unit word after a name. Not 「承办部门」 or 「用人部门」 (whichever department
    handles or asks: a role in a policy, lexicon.yaml `role_unit_stems_zh`) nor a bare unit word."""
    # a longer run is a sentence (「出貨簽收回聯或出口文件是否完整送交會計部」); a numbered item may name a unit at
    # full length, 「（一）临江市市场监督管理综合行政执法支队。」 (`longest`, ingest/lists.py)
    if not CJK.search(name) or len(name) > longest:
        return False
    # the longest unit word with a name before it: 「办公室」 is 办公 + 室 (a unit's name), 「部门」 alone is none
    suffix = next((s for s in _suffixes() if name.endswith(s) and len(name) > len(s)), None)
    if suffix is None:
        return False
    stem = name[: -len(suffix)]
    if name.endswith(_not_unit_words()) or "的" in name or "之" in name:
        return False  # 「學術合作及外部」: 外部 is "external", not a 部; 「依据生产管理部提供的…中心」, 「消防演習之籌辦」 are clauses
    pair = re.match(r"(.+?)(?:与|與|和|及|／|/|、)", name)
    if pair and any(pair.group(1).endswith(s) for s in _suffixes()):
        return False  # 「财务部与采购部」, 「選課與上課」: two things, not one unit's name
    # 「业务部」 is a unit, 「业务部门」 "the department concerned"
    # … and 「相关业务科室」 the sections concerned
    if suffix == "室" and stem.endswith(("科", "处", "處")):
        stem, suffix = stem[:-1], "科室"
    if suffix not in ("部门", "部門", "科室"):
        return True
    return not any(stem.endswith(w) for w in lexicon()["role_unit_stems_zh"])


@cache
def _suffixes() -> tuple[str, ...]:
    return tuple(sorted((str(s) for s in lexicon()["unit_suffixes_zh"]), key=len, reverse=True))


def name_before(run: str) -> str:
    """The unit's name at the end of a run of Chinese text, after the last function word that stands on
    its own: 「经信息安全组」 -> 信息安全组, but 「总经理办公室」 stays whole (its 经 is inside a word, as
    jieba cuts it)."""
    from assistant.index.keyword import _jieba
    from assistant.text import fold_simplified

    run = NUMBERING.sub("", run)
    simple = fold_simplified(run)  # jieba's dictionary is Simplified: 「總經理辦公室」 is cut as 总经理办公室
    if len(simple) != len(run):
        simple = run
    spans, end = [], 0
    for w in _jieba().lcut(simple, HMM=False):
        spans.append((end, end + len(w)))
        end += len(w)
    cut = max((i for i, (a, b) in enumerate(spans) if ZH_BEFORE_NAME.fullmatch(run[a:b])), default=-1)
    if cut >= 1 and run[slice(*spans[cut])] in CONJUNCTIONS:
        # 「由招聘与配置组」: a word that is no unit, opening the run, joined by 与 to the rest is part of the
        # name (战略与投资部); 「财务部与采购部」 names two units
        a, b = spans[cut - 1]
        opens = cut == 1 or ZH_BEFORE_NAME.fullmatch(run[slice(*spans[cut - 2])])
        if opens and CJK.fullmatch(run[a]) and b - a <= 4 and not is_cjk_unit(run[a:b]):
            cut -= 2
    return run[spans[cut][1] if cut >= 0 else 0 :]


def is_post(heading: str) -> bool:
    """「出纳岗位职责」: a heading about a post, a job in a unit that employees ask for like a unit."""
    text = plain(NUMBERING.sub("", heading))
    tail = next((t for t in lexicon()["post_tails"] if text.endswith(t)), None)
    stem = text[: -len(tail)] if tail else ""
    # 「部门及岗位职责」 (a sheet of every department's posts) names no post
    return 2 <= len(stem) <= 10 and bool(CJK.search(stem)) and not re.search(r"[及和与與、]$|部门|部門", stem)


def is_post_en(name: str) -> bool:
    """"NetOps Team Leader", "Company Secretary": an English name ending in a post's word names a person."""
    words = re.findall(r"[A-Za-z]+", name)
    return len(words) >= 2 and not CJK.search(name) and words[-1].lower() in lexicon()["post_words_en"]


def balanced(name: str) -> bool:
    """Every bracket the name opens it closes: 「分别分管生产运营（生产管理部」 is cut from a sentence."""
    return sum(name.count(c) for c in "（(") == sum(name.count(c) for c in "）)")


def several(name: str) -> bool:
    """「執行長室／稽核室」, "Payroll Team / Benefits Team": two or more units' names joined, none of them one unit."""
    parts = [p.strip() for p in re.split(r"\s*[／/、]\s*", name)]
    return len(parts) > 1 and sum(1 for p in parts if is_cjk_unit(p) or ends_in_unit_word(p)) >= 2


def has_unit_word(name: str) -> bool:
    return bool(words_re("unit_words_en").search(name))


def ends_in_unit_word(name: str) -> bool:
    """"Customer Contact Centre", "Income Team": the name's last word is a unit word."""
    return any(m.end() == len(name.rstrip()) for m in words_re("unit_words_en").finditer(name))


QUOTED = re.compile(r'["“「『]([^"”」』]{2,30})["”」』]')


def without_article(name: str) -> str:
    """ "the Data team" -> "Data team": a quoted nickname keeps its words, not its article."""
    return re.sub(r"^(?:the|our)\s+", "", name.strip(), flags=re.I)


FORMER = ("原", "舊", "旧")  # 「原设备科」: the name a unit had before


@cache
def alias_leads() -> re.Pattern:
    """Words that say the names after them are a unit's own: 简称, also called, 原名, formerly."""
    return re.compile(f"{words_re('alias_leads').pattern}|{words_re('renamed_from_markers').pattern}", re.I)


def names_itself(paren: str) -> bool:
    """A parenthesis that says it gives the names of the unit before it: 「简称“装备处”，原设备科」, "formerly HR"."""
    return bool(alias_leads().search(paren)) or paren.lstrip().startswith(FORMER)


def aliases_in(paren: str) -> list[str]:
    """Aliases inside a parenthesis: "(sometimes called Talent Acquisition or TA)" -> both names."""
    # A quoted name is an alias whatever surrounds it; the names beside it still count:
    # (F&A, usually just "Finance") gives both.
    out = [q for q in map(without_article, QUOTED.findall(paren)) if fold(q) not in generic()]
    lead = alias_leads()
    # "(QA/RA)" is one short form, not two ("(HR/People)" is two names)
    slash = "" if re.fullmatch(r"\s*[A-Z]{1,4}(?:/[A-Z]{1,4})+\s*", paren) else "/"
    for part in re.split(rf"\s*(?:[,，、;；{slash}]|\bor\b|\band\b|或)\s*", QUOTED.sub(",", paren)):
        # what follows the lead: 「对外亦称」 leaves nothing, 「原设备科」 leaves 设备科
        led = lead.search(part)
        part = (part[led.end():] if led else part).strip(" \"'“”「」:：")
        # a name, not a description: "(the go-to-market org)" is no alias, "(GTM Sales)" is; nor a CJK clause
        # (「投诉接待室设在门诊楼一楼」, 「2022年7月更名」) that is no unit name
        if part.startswith(FORMER) and is_cjk_unit(part[1:]):  # 「原设备科」: the former name
            part = part[1:]
        named = part[:1].isupper() or part[:1].isdigit() or (bool(CJK.match(part)) and not part.startswith(_clause_openers()))
        clause = bool(CJK.search(part)) and (len(part) > 6 or re.search(r"\d", part)) and not is_cjk_unit(part)
        if named and not clause and 2 <= len(part) <= 30 and not re.search(r"[.。!?？]|https?:|@", part) and fold(part) not in generic():
            out.append(part)
    return out


@cache
def _clause_openers() -> tuple[str, ...]:
    return tuple(lexicon()["clause_openers_zh"])


@cache
def _not_unit_words() -> tuple[str, ...]:
    return tuple(lexicon()["not_unit_words_zh"])


@lru_cache(maxsize=1)
def generic() -> frozenset[str]:
    return frozenset(fold(str(w)) for w in lexicon()["generic_aliases"])


def read_name(title: str) -> tuple[str, list[str]] | None:
    """(unit name, aliases) from a title or heading, or None when it does not read as a name."""
    text = NUMBERING.sub("", plain(title))
    text = re.split(r"\s+[–—|-]\s+|[：:]\s*", text)[0].strip()
    aliases = [a for m in PAREN.finditer(text) for a in aliases_in(m.group(1))]
    text = PAREN.sub("", text).strip()
    # 「玩家支援組 Player Support」, 「數據分析組 Data Team 2025/7/15 自行銷處移入」: a Chinese unit's name, its English
    # name after it (then maybe a note): the Chinese name, the English one and both together its aliases
    both = BILINGUAL.match(text)
    if both and is_cjk_unit(both.group(1)):
        text, aliases = both.group(1), [*aliases, both.group(2), f"{both.group(1)} {both.group(2)}"]
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
    if not text or len(text) > 50 or len(text.split()) > 6 or re.search(r"[?？。!！]", title):
        return None
    if ALPHABET_RANGE.fullmatch(text):  # "A–D", an A–Z's slide or page of topics
        return None
    # "Support Groups", "Regional Teams": several units, none of them
    last = text.split()[-1].lower()
    if last.endswith("s") and last[:-1] in lexicon()["unit_words_en"]:
        return None
    # "Customer Contact Centre" is a unit for all its "contact": a Title Cased name that ends in a unit word
    unit_name = name_like(text) and ends_in_unit_word(text)
    if (words_re("not_unit_titles").search(text) and not unit_name) or only_generic(text) or VERB.search(text):
        return None
    # "Team 1-1s" is a meeting: past its unit words a name has a word of letters
    if not CJK.search(text) and not re.search(r"(?<![0-9])[A-Za-z]", words_re("unit_words_en").sub(" ", text)):
        return None
    # "Etherpad of DB SIG", "Members of the Security Team": a thing of a unit, not one ("Office of the CTO" is)
    of = re.match(r"(.+?)\s+of\s+\S", text, re.I)
    if of and not has_unit_word(of.group(1)):
        return None
    return text, aliases


def only_generic(text: str) -> bool:
    """True for a name made of generic words only ("SIG组", "the team"): it names no particular unit."""
    rest = fold(text).lower()
    for w in sorted(generic(), key=len, reverse=True):
        w = w.lower()
        rest = re.sub(rf"(?<![a-z0-9]){re.escape(w)}(?![a-z0-9])" if w.isascii() else re.escape(w), " ", rest)
    return not re.sub(r"[\W_]+", "", rest)


def marked(lines: list[str]) -> bool:
    """Does the text mark its headings (Markdown `#`)? Without marks, its title lines are read as headings."""
    return any(HEADING.match(line) for line in lines)


def sections(text: str):
    """(level, heading, body lines) for each heading; level 0 is the text before the first heading."""
    lines = text.split("\n")
    if lines and lines[0].strip() == "---":  # YAML front matter
        end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
        if end is not None:
            lines = lines[end + 1 :]
    markdown = marked(lines)
    level, heading, body = 0, "", []
    for i, line in enumerate(lines):
        m = HEADING.match(line)
        if m:
            yield level, heading, body
            level, heading, body = len(m.group(1)), ICONS.sub("", m.group(2)), []
        elif not markdown and title_line(lines, i):
            yield level, heading, body
            level, heading, body = title_level(lines, i), line.strip(), []
        else:
            body.append(line)
    yield level, heading, body


# Text without Markdown headings (a .txt, a Word file written without heading styles) still has them: a
# short line on its own, not a sentence and not a list item, before the text it heads. 「一、主要职责」
# numbered as a section is a level below the unnumbered titles.
SECTION_NUMBER = re.compile(r"^\s*(?:第[一二三四五六七八九十\d]+[章节節部分]|[一二三四五六七八九十]+[、.．])")
LIST_ITEM = re.compile(r"^\s*(?:[-*+•·]\s|\d+\s*[.)、．]|[（(](?:[\d一二三四五六七八九十]+|[甲乙丙丁戊己庚辛壬癸])[)）])")


def title_level(lines: list[str], i: int) -> int:
    """The level of title line i: one that heads only further titles ("Feature Flags" over "What this
    team does") is a level above one that heads text; a numbered 「一、」 one is a level below."""
    if SECTION_NUMBER.match(lines[i]):
        return 3
    j = next((k for k in range(i + 1, len(lines)) if lines[k].strip()), None)
    return 1 if j is not None and title_line(lines, j) else 2


def title_line(lines: list[str], i: int) -> bool:
    """Is line i a heading of a text written without heading marks?"""
    line = lines[i].strip()
    if not line or LIST_ITEM.match(line) or line.startswith(("|", ">", "<")):
        return False
    short = len(line) <= 20 if CJK.search(line) else len(line) <= 60 and len(line.split()) <= 8
    if not short or re.search(r"[。．.!！?？；;，,:：、]$", line):
        return False
    before = lines[i - 1].strip() if i else ""
    after = next((x.strip() for x in lines[i + 1 : i + 4] if x.strip()), "")
    return not before and bool(after) and not LIST_ITEM.match(line)


def first_sentence(body: list[str]) -> str:
    for line in body:
        line = plain(line)
        if line and not line.startswith(("<", "|", "!", ">")):
            return re.split(r"(?<=[.。!?！？;；])\s", line)[0]
    return ""


# "Each team owns …" names no team.
DETERMINERS_ZH = "该該本各此其这這那每两兩"  # 「该组」「各车间」 point back at a unit or at all of them
DETERMINER_WORDS_ZH = ("下列", "以下", "上述", "前述", "所列")  # 「本公司設下列各處」: the ones listed after
DETERMINERS = {"each", "every", "all", "any", "our", "your", "this", "that", "which", "some", "other", "one",
               "another", "no", "small", "product", "engineering", "a", "an", "my", "their", "his", "her", "its"}
SMALL_WORDS = {"and", "of", "the", "for", "&", "to", "in", "on"}


def name_like(name: str) -> bool:
    """A short Title Cased name ("Tier 1 Support", "Brand & Content"), not a phrase ("Escalation paths")."""
    words = name.split()
    if ALPHABET_RANGE.fullmatch(name.strip()):  # "A–D": a slide or page of topics from A to D
        return False
    return 1 <= len(words) <= 5 and all(w[0].isupper() or w[0].isdigit() or w.lower() in SMALL_WORDS for w in words)


def does_work(name: str, aliases: list[str], sentence: str) -> bool:
    """The section's first sentence is about the heading's name: it starts with it (or its first word,
    or an alias), as "Tier 1 handles …" under "### Tier 1 Support"."""
    if CJK.search(name) or not name_like(name):
        return False
    low = re.sub(r"^(the|our)\s+", "", sentence.lower())
    first = name.split()[0].lower()
    heads = [n.lower() for n in (name, *aliases)] + ([first] if len(first) >= 3 else [])
    qualified = words_re("qualifiers_after_name").pattern
    return any(re.match(rf"{re.escape(h)}(?![a-z])(?!\s+(?:{qualified}))", low) for h in heads)


def first_aliases(name: str, first: str, strict: bool = False) -> list[str]:
    """Other names in the first sentence's parenthesis after the name: "The IT Helpdesk (just "IT")".
    `strict` (a heading's section, whose first line may be anything): only a sentence that opens with the
    name and the parenthesis right after it ("Recruiting (sometimes called TA) is …"), never amounts."""
    if strict:
        first = CLAUSE.sub("", first)  # 「第十条 医疗质量管理科（简称“质控科”）…」
        m = re.match(rf"(?:the\s+)?{re.escape(name)}(?=\s*[（(])", first, re.I)
        found = PAREN.match(first, m.end()) if m else None
        if not found or re.search(r"[£$€¥%]|\d[,.]\d", found.group(1)):
            return []
        return aliases_in(found.group(1))
    found = [a for m in PAREN.finditer(first) if m.start() <= len(name) + 40 for a in aliases_in(m.group(1))]
    # An aside between dashes gives quoted names only ("Security — you'll also hear "InfoSec" — protects"):
    # unquoted, it is as often a list of other teams ("— Finance, Legal and IT —").
    return found + [
        without_article(q) for m in ASIDE.finditer(first) if m.start() <= len(name) + 40 for q in QUOTED.findall(m.group(1))
        if fold(without_article(q)) not in generic()
    ]  # fmt: skip


ASIDE = re.compile(r"\s[—–]\s*([^—–]{1,60}?)\s*[—–]\s")

# The Chinese name a page's first sentence opens with, before what the unit does: 「基础设施组主要是负责…」,
# 「Acme包管理工作组是…」 (an organisation's Latin name may come first).
ZH_SUBJECT = re.compile(r"\s*(?:[A-Za-z][A-Za-z0-9_-]*\s*)?([\u3400-\u9fff][\u3400-\u9fffA-Za-z0-9]{1,15}?)(?=主要|是|负责|負責|致力|为|為|承担|承擔)")
NAME_BEFORE = re.compile(r"(?:\b(?:[Tt]he|[Oo]ur)\s+)?([A-Za-z][A-Za-z0-9&-]*(?:\s+[A-Za-z][A-Za-z0-9&-]*){0,4}|[\u3400-\u9fff][\u3400-\u9fffA-Za-z0-9]{1,15})\s*$")


def subject_aliases(name: str, first: str) -> list[str]:
    """Other names of a page's unit in its first sentence: the name a parenthesis abbreviates to the page's
    name (「总经理办公室（简称总经办）是…」 on 总经办's page), and the Chinese name the sentence opens with
    on a page titled in Latin letters (「基础设施组主要是负责…」 under "# Infrastructure")."""
    out = []
    for m in PAREN.finditer(first):
        if m.start() > len(name) + 40:
            break
        if any(key(a) == key(name) for a in aliases_in(m.group(1))):
            before = NAME_BEFORE.search(first[: m.start()])
            if before and key(before.group(1)) != key(name) and (is_cjk_unit(before.group(1)) or has_unit_word(before.group(1))):
                out.append(before.group(1))
    subject = ZH_SUBJECT.match(first)
    if subject and not CJK.search(name) and is_cjk_unit(subject.group(1)):
        out.append(subject.group(1))
    return out
