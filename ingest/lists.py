"""Units a list, a labelled line or a regulation's sentence names: each opens with a unit's name and goes on with
its duties.

How duty lists without a heading per unit are written: a public body's regulation (「（二）政策法规处。负责
起草……」), a labelled line (「人事处：负责……」, "Human Resources: responsible for recruiting …") or a list
("2. Data Engineering — maintains the warehouse …"). The verbs that open duties are in lexicon.yaml.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from .names import (
    DETERMINERS_ZH,
    NUMBERING,
    PAREN,
    aliases_in,
    has_unit_word,
    is_cjk_unit,
    lexicon,
    name_like,
    words_re,
)

SHORT_NAME = r"(?:[（(][^）)]{1,20}[）)])?"  # a unit's short name in parentheses right after it
PHONE = r"(?:[（(]?0\d{1,3}[)）]?[ -]?\d{3,4}-?\d{3,4}|分[机機]\s*\d{2,})"  # a directory line's number or extension
# 「局办公室：0738-8231001」: a directory's line, a unit's number and nothing it does
CONTACT_LINE = re.compile(rf"[^：:\n]{{1,30}}[：:]\s*{PHONE}[\s\d()（）\-–/、,，转轉]*")


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    zh, en = words_re("duty_verbs_zh").pattern, words_re("duty_verbs_en").pattern
    numbered_zh = re.compile(rf"{SHORT_NAME}\s*[。：:，,．.、]?\s*(?:{zh})")  # 「1．医疗质量控制科（质控科）：负责……」
    # unnumbered: 「人事处：负责……」, 「信用监督管理科。拟订……」, or a directory's 「土城家庭服務中心：(02)2267-4430，…」
    labelled_zh = re.compile(rf"{SHORT_NAME}\s*[：:。]\s*(?:{zh}|{PHONE})")
    # "Finance: handles …", "Data Engineering — maintains …", "Legal - the team responsible for …"
    labelled_en = re.compile(
        rf"^([A-Z][\w&'/.-]*(?:[ \t]+[\w&'/.-]+){{0,4}}?)[ \t]*(?::|[ \t]—|[ \t]–|[ \t]-{{1,2}})[ \t]*"
        rf"(?:(?:the|a)[ \t]+(?:\w+[ \t]+){{0,2}}?)?(?:is[ \t]+|are[ \t]+)?(?:{en})\b",
        re.IGNORECASE,
    )
    return numbered_zh, labelled_zh, labelled_en


UNDER = re.compile(r"^\s*([\u4e00-\u9fff]{2,16}?)(?:轄下|辖下|之下|下)[設设](?:有)?(?:下列|以下|如下)?[^：:。]{0,6}[：:]\s*$")
SET_UP = re.compile(r"([\u4e00-\u9fff]{2,10})\s*(?:[（(]([^（）()]{1,30})[）)])?\s*[：:]")
LABEL_END = re.compile(r"\s*(?:[（(][^（）()]{1,30}[）)])?\s*[：:]")
# A numbered unit's name alone on its line, its duties the items under it: 「一、會計課：」, 「4.4.5 审计监察部」,
# 「１．國內業務課（內銷課）」 with its short name …
ALONE = re.compile(rf"\s*{SHORT_NAME}\s*[：:。．；;]?\s*")
# … or a long one that ends its sentence: 「（一）临江市…综合行政执法支队。为市局所属……」
ENDS_SENTENCE = re.compile(r"(?:[（(][^）)]{1,30}[）)])?[。．]")
# Words a sentence opens with that no unit's name does ("The form: …", "Each request: …").
OPENERS = {"the", "a", "an", "this", "that", "these", "those", "our", "your", "my", "each", "every", "all", "any", "some", "no"}
# "**Commercial** — Head of Commercial: Priya Ashdown. Owns …", "- **Retail Accounts** (reports to Commercial) — …"
BOLD_LEAD = re.compile(r"^\*\*([^*]{2,60}?)\*\*[ \t]*(\([^()]{0,80}\))?[ \t]*(?:—|–|-{1,2}|:)[ \t]*(.*)$")


def _bold_lead(rest: str, roles: set[str]) -> tuple[str, str | None, list[str]] | None:
    """A bold name opening a line, set off by a dash or colon, is a unit when the line says what it does, who
    heads it ("Planning Manager: Tom Reyes") or whose part it is ("(reports to Production)"). Its short name
    may be inside the bold: "**Institutional Biosafety Committee (IBC)** — …"."""
    m = BOLD_LEAD.match(rest)
    if not m:
        return None
    name, aside, after = m.group(1).strip(), m.group(2) or "", m.group(3)
    inner = PAREN.search(name)
    aliases = aliases_in(inner.group(1)) if inner and inner.end() == len(name) else []
    name = name[: inner.start()].strip() if aliases else name
    words = name.split()
    if not words or not name_like(name) or words[-1].lower() in roles or words[0].lower() in OPENERS:
        return None
    said = {w.lower() for w in re.findall(r"[A-Za-z]+", after)}
    parent = words_re("parent_markers").split(aside.strip("()"), maxsplit=1)
    if has_unit_word(name) or len(parent) > 1 or roles & said or words_re("duty_verbs_en").search(after):
        return name, parent[-1].strip(" .,;") if len(parent) > 1 else None, aliases
    return None


def listed_units(text: str) -> list[tuple[str, str | None, list[str]]]:
    """(unit name, the parent its line names or None, the short names in its parenthesis) for list items and
    labelled lines that open with a unit's name followed by its duties, in order."""
    numbered_zh, labelled_zh, en = _patterns()
    roles = {str(w).lower() for w in lexicon()["role_words"]}
    openers = words_re("duty_openers_zh")
    found = []
    under = None  # 「前堂部轄下設下列組別：」: the unit the numbered items after it are part of
    for line in text.split("\n"):
        if line.lstrip().startswith(("|", "#")):
            under = None if line.lstrip().startswith("#") else under
            continue  # a table's row: its cells are read as a table (ingest/tables.py)
        lead = UNDER.match(line)
        if lead and is_cjk_unit(lead.group(1)):
            under = lead.group(1)
            continue
        bold = _bold_lead(re.sub(r"^[\s*•·+-]+(?=\*\*)|^\s*\d{1,3}[.)]\s+(?=\*\*)", "", line), roles)
        if bold:
            found.append(bold)
            continue
        numbered = NUMBERING.match(line)
        rest = line[numbered.end() :] if numbered else re.sub(r"^[\s*•·+-]+", "", line)
        rest = re.sub(r"^(?:下设|下設)", "", rest)  # 「下设价格管理科（原物价办）：负责……」 under the unit above
        run = re.match(r"[\u4e00-\u9fff][\u4e00-\u9fff0-9]{1,23}", rest)  # 「12315投诉举报中心」 keeps its number
        if run:
            # the shortest unit name the duties follow: 「食品生产安全监督管理科。分析……」, not 「…监督」+「管理」
            for end in range(2, len(run.group(0)) + 1):
                name = rest[:end]
                # a numbered item that labels its unit: 「（甲）接待處：辦理入住及退房……」
                heads = bool(numbered) and (
                    ALONE.fullmatch(rest[end:]) or (end >= 8 and ENDS_SENTENCE.match(rest[end:])) or LABEL_END.match(rest, end)
                )
                if is_cjk_unit(name, longest=24 if numbered else 16) and name[0] not in DETERMINERS_ZH and not openers.match(name) and (
                        heads or (numbered_zh if numbered else labelled_zh).match(rest, end)):
                    paren = PAREN.match(rest, end)
                    found.append((name, under if numbered and under != name else None, aliases_in(paren.group(1)) if paren else []))
                    break
            else:
                # after 「房務部轄下設下列組別：」 a numbered item's label is one of those 組別 whatever word ends it:
                # 「（甲）洗衣房：負責……」, 「（乙）港灣軒中菜廳：位於……」
                label = SET_UP.match(rest) if under and numbered else None
                if label and not openers.match(label.group(1)):
                    found.append((label.group(1), under, aliases_in(label.group(2)) if label.group(2) else []))
            continue
        m = en.match(re.sub(r"[*_`]+", "", rest))
        if m:
            name = m.group(1).strip()
            words = name.split()
            # a person's role ("Hiring manager: approves …") or a sentence's opening ("The form: …") is no unit
            if name_like(name) and words[-1].lower() not in roles and words[0].lower() not in OPENERS:
                found.append((name, None, []))
    return found


@cache
def _unit_words_titled() -> str:
    """The lexicon's unit words as they close a proper name ("Team", "Division", "Centre"), one alternation."""
    return "|".join(re.escape(str(w).title()) for w in sorted(lexicon()["unit_words_en"], key=len, reverse=True))


# "The ELT and Board committees are …": the unit word in the plural after names joined by "and" is two bodies
PLURAL_UNITS = re.compile(r"\s+(?:teams|committees|departments|divisions|groups|units|offices|boards)\b", re.I)


@cache
def subject_units() -> re.Pattern:
    """A sentence that opens with "The" and a proper name ending in a unit word, then goes on in lower case:
    "The Income Team collects …", "The Customer Contact Centre is the front door …" (a handbook's prose)."""
    return re.compile(rf"(?:^|(?<=[.;:])[ \t]+|\n)[ \t]*The[ \t]+((?:[A-Z][\w&'-]*[ \t]+(?:(?:and|of|for)[ \t]+)?){{1,4}}"
                      rf"(?:{_unit_words_titled()}))[ \t]+(?=[a-z])")


@cache
def proper_units() -> re.Pattern:
    """A regulation's sentence whose subject is a unit's proper name: "The Finance Division shall maintain …",
    "The Resident Services Division is responsible for …" (a charter's or a public body's way). Only these
    forms: "The Deal Desk approves …" in a handbook names a desk its page has as part of another unit."""
    return re.compile(
        rf"(?:^|(?<=[.;:])[ \t]+|\n)[ \t]*(?:The[ \t]+)?((?:[A-Z][\w&'-]*[ \t]+){{0,4}}(?:{_unit_words_titled()}))[ \t]+"
        r"(?:shall|(?:is|are|will be|shall be)[ \t]+responsible)\b"
    )
