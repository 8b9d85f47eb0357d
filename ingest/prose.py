"""Units named in running text: a sentence that gives one work ("The Data team owns …", 「财务部负责…」, 「初试由
招聘与配置组组织」), a name written with its parent ("Contact the Estates Helpdesk (part of Estates & Facilities)")
and the units a sentence says are set up (「管理部：下設人事課、總務課及資訊課」, 「公司设研发中心、营销中心……」)."""

from __future__ import annotations

import re

from assistant.verdict.taxonomy import name_key as key

from .names import (
    CJK,
    DETERMINERS,
    DETERMINERS_ZH,
    PAREN,
    aliases_in,
    has_unit_word,
    is_cjk_unit,
    name_like,
    names_itself,
    plain,
    read_name,
    words_re,
)


def wrapped(text: str, pos: int) -> bool:
    """The line at `pos` goes on the line before it: a PDF's wrapped line, the one before ending mid-sentence
    ("… in the Development" / "Management team …"), not a heading, list item or table row."""
    start = text.rfind("\n", 0, pos) + 1
    if text[start:pos].strip():
        return False  # `pos` is inside its line
    before = [ln for ln in text[:start].split("\n") if ln.strip()]
    last = before[-1].strip() if before else ""
    return bool(re.search(r"[a-z,]$", last)) and not re.match(r"[#|>*•-]|\d+[.)]\s", last)


SENTENCE_UNIT_EN = re.compile(
    r"(?:^|\n|[.;][ \t]+)(?:The[ \t]+|Team[ \t]+)?((?:[A-Z][\w&'-]*[ \t]+(?:and[ \t]+)?){0,4}?[A-Z][\w&'-]*)[ \t]+"
    r"(?:team|department|group|office|committee|directorate|division)[ \t,]+"
)
# not the first character of a word that runs on: 處理 (handle), 組織 (organise), 科技 (technology)
_UNIT_END_ZH = "(?:部|科(?!技|学|學|研)|室|组(?!织|成|建)|組(?!織|成|建)|处(?!理)|處(?!理)|中心|委员会|委員會|办公室|辦公室|车间|車間)"
SENTENCE_UNIT_ZH = re.compile(rf"([\u4e00-\u9fffA-Za-z]{{1,12}}?{_UNIT_END_ZH})(?=(?:[（(][^）)]{{1,20}}[）)])?(?:负责|負責|掌理|牵头|牽頭|的主要职责|的主要職責|主要职责|主要職責))")
# 「初试由招聘与配置组组织」, 「由总经理办公室审核」: the one a step is done by
BY_UNIT_ZH = re.compile(rf"由([\u4e00-\u9fffA-Za-z]{{2,12}}?{_UNIT_END_ZH}(?:办公室|辦公室)?)(?![门門长長])(?=[\u4e00-\u9fff])")


# 「公司设研发中心、营销中心……」, 「本校設有教務處、學務處」: the organisation's own units, no parent among them
ORG_SETS_UP = re.compile(r"(?:本?公司|本?集团|本?集團|本校|学校|學校|本院|本局)(?:下设|下設|设有|設有|设立|設立|设置|設置|设|設)(?!计|計|备|備|施)")

# 「港務營運處設船舶調度科、行銷科」: a unit that sets up units under it (not 設計 / 設備 / 設施)
UNIT_SETS_UP = re.compile(r"(?<=[部科室组組处處课課心会會间間股队隊])(?:设有|設有|设置|設置|设|設)(?!计|計|备|備|施|在|于|於|置[在于於])")


def children_named(text: str) -> list[tuple[str | None, str, list[str]]]:
    """(text before the marker, child, the short names in its parenthesis) for each Chinese unit name listed after 「下设」 / 「下轄」 in a sentence
    (「管理部：下設人事課、總務課及資訊課。」 gives 人事課, 總務課, 資訊課), and (None, unit) for the units an
    organisation says it sets up (「公司设研发中心、营销中心两大业务中心，以及人力资源部……」)."""
    out: list[tuple[str | None, str, list[str]]] = []
    for line in text.split("\n"):
        marks = [(m, line[: m.start()]) for m in words_re("child_markers").finditer(line) if CJK.search(m.group(0))]
        marks += [(m, None) for m in ORG_SETS_UP.finditer(line)]
        marks += [(m, line[: m.start()]) for m in UNIT_SETS_UP.finditer(line) if not ORG_SETS_UP.search(line[: m.end()])]
        for m, before in marks:
            clause = re.split(r"[。；;！!？?]", line[m.end():])[0]
            if before is not None:
                clause = clause.split("，")[0]
            for part in re.split(r"[、，,]|以及", clause):
                part = re.sub(r"\s*等?[一二两兩三四五六七八九十\d]+(?:个|個|大)?[\u4e00-\u9fff]{0,4}?(?:部门|部門|中心|科室|单位|單位|小组|小組|组|組|课|課|科|处|處|车间|車間)$",
                              "", part.strip(" ：:等"))
                # 「会计核算科和资金管理科」 is two units, 「招聘与配置组」 one
                both = re.match(r"(.+?)(?:以及|及|和|与|與)(.+)$", part)
                names = [both.group(1), both.group(2)] if both and is_cjk_unit(PAREN.sub("", both.group(1))) else [part]
                for n in names:  # 「医疗质量控制科（简称“质控科”）」: its short name in the parenthesis
                    paren, n = PAREN.search(n), PAREN.sub("", n).strip()
                    if is_cjk_unit(n) and n[0] not in DETERMINERS_ZH:
                        out.append((before, n, aliases_in(paren.group(1)) if paren else []))
    return out


def named_in_parentheses(text: str, by_alias: dict[str, str]) -> list[tuple[str, list[str]]]:
    """(known unit, the names its parenthesis gives it) where the parenthesis right after the unit says they
    are its names: 「医学装备处（简称“装备处”，原设备科）负责……」, "People (formerly Human Resources)"."""
    out = []
    for line in text.split("\n"):
        for m in PAREN.finditer(line):
            if names_itself(m.group(1)) and (label := mention_at(line[: m.start()], by_alias, end=True)):
                out.append((label, aliases_in(m.group(1))))
    return out


# "Contact the Estates Helpdesk (part of Estates & Facilities)", "Campus Security, which is part of Estates &
# Facilities": a name right before a parent marker whose parent is a known unit is a unit too.
NAME_BEFORE_PARENT = re.compile(
    r"((?:[A-Z][\w&'-]*[ \t]+(?:(?:&|and|of|for)[ \t]+)?){0,4}[A-Z][\w&'-]*)[ \t]*(?:\(|,[ \t]*(?:which is[ \t]+|who are[ \t]+)?)"
    r"(?:part of|a team within|a team in|a sub-team of|within)[ \t]+(?:the[ \t]+)?"
)


def named_with_parent(text: str, by_alias: dict[str, str]) -> list[tuple[str, str]]:
    """(name, parent) for each name written with its parent ("X (part of Y)", "X, part of Y"), Y a known unit.
    A single word needs a unit word (a person, "Kendal, part of People & Ops", is none)."""
    out = []
    lead = words_re("handoff_before")
    for m in NAME_BEFORE_PARENT.finditer(text):
        name = m.group(1)
        while (cut := lead.match(name)) and cut.end() < len(name):  # "Contact Payroll & Pensions (part of …)"
            name = name[cut.end():].lstrip()
        parent = mention_at(text[m.end(): m.end() + 60], by_alias, end=False)
        named = read_name(name)
        if not parent or not named or not name_like(name) or name.split()[0].lower() in DETERMINERS:
            continue
        if (len(name.split()) >= 2 or has_unit_word(name)) and by_alias.get(key(name)) != parent:
            out.append((named[0], parent))
    return out


def mention_at(text: str, by_alias: dict[str, str], end: bool) -> str | None:
    """The unit named right at the end (or start) of `text`, within a few words."""
    text = plain(text)
    window = text[-40:] if end else text[:40]
    words = re.findall(r"[A-Za-z][\w&'-]*|&|[\u3400-\u9fff]+", window)  # "Estates & Facilities" keeps its "&"
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
