"""A unit's form: a two-column table of fields about one unit, as a 部门职责说明书 gives each department
(「部门名称 | 仓储运营部」, 「上级部门 | 运营管理中心」, 「部门职责 | 1. …」, 「下设科室 | 1. 库内作业科：…」) and a team
charter in Word does ("Team | SRE", "Division", "Mission", "We own", "We don't own (go to …)"). Its field
labels are no units: the unit is the one its own field names, its rows are that unit's (ingest/tables.py
reads them through here), and its parent and sub-units are the values of those fields (ingest/columns.py)."""

from __future__ import annotations

import re

from . import tables
from .headers import (
    CHILD_HEADER,
    FORM_FIELD,
    NOT_OWN_FIELD,
    OWN_FIELD,
    PARENT_HEADER,
    UNIT_HEADER,
    column_name,
)
from .names import CJK


def fields(table: tables.Table) -> list[tuple[str, tables.Cell]]:
    """A two-column table's (field label, value cell) pairs, its header row first."""
    rows = [table.header, *(cells for _, cells in table.rows)]
    return [(column_name(r[0].text.strip(" ：:")), r[1]) for r in rows if len(r) == 2 and r[0].text]


def unit_of(table: tables.Table) -> str | None:
    """The unit a two-column table of fields is the form of (「部门名称 | 党群工作部」 over 「部门职责 | …」), or
    None when it is no such form (a directory headed 部门名称 lists units in its first column instead)."""
    pairs = fields(table)
    if len(pairs) < 3 or len(pairs) < len(table.rows) or any(len(label) > 30 for label, _ in pairs):
        return None
    own = next((v.text for label, v in pairs if OWN_FIELD.match(label) or UNIT_HEADER.match(label)), None)
    others = sum(1 for label, _ in pairs if PARENT_HEADER.match(label) or CHILD_HEADER.match(label) or FORM_FIELD.search(label))
    own = re.split(r"\s+[—–-]\s+|[，,;；]", own or "")[0]  # "Business Technology (BizTech) — most people say IT"
    if not own or others < 2 or len(own) > 60:
        return None
    return re.sub(r"\s*[（(][^()（）]*[)）]\s*$", "", own).strip() or None


def children(value: str) -> list[str]:
    """Sub-units a form's 下设科室 field names: 「1. 库内作业科：负责…; 2. 库存管理科：负责…」, 「档案室：负责…」,
    「系统运维科、应用开发科」; none in 「无。工会办公室设在本部门……」."""
    pieces = [NUMBERING_LEAD.sub("", p) for p in re.split(r"\s*[;；\n]\s*", value) if p.strip()]
    # 「X：duties」 items name a unit each before the colon; the rest of such a cell is what they do
    labelled = [p for p in pieces if re.search(r"[：:]", p)]
    heads = [re.split(r"[：:]", p, maxsplit=1)[0] for p in labelled] if labelled else pieces
    out = []
    for head in heads:
        if head.strip() and not re.search(r"[。.，,!?！？]", head):
            out += [n for n in tables.owner_names(head.strip()) if len(n) <= (16 if CJK.search(n) else 40)]
    return out


NUMBERING_LEAD = re.compile(r"^\s*(?:\d{1,2}[.、)）]|[（(][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]{1,3}、)\s*")


def rows(text: str, table: tables.Table) -> list[tables.Row]:
    """A form's rows, a row per thing a value lists: the form's unit owns each, read with its name; a row
    about other units' work ("We don't own (go to …)", 主要协作部门) owns nothing and names whom it names."""
    out = []
    for line, cells in table.rows:
        if len(cells) != 2 or not cells[1].text:
            continue
        label = column_name(cells[0].text.strip(" ：:"))
        if OWN_FIELD.match(label) or UNIT_HEADER.match(label):
            continue  # the unit's own name: the header of every other row
        theirs = bool(NOT_OWN_FIELD.search(label))
        sub = bool(CHILD_HEADER.match(label))
        s, e = tables.quote_span(text, cells[1])
        for a, b in list(tables.cell_pieces(text, s, e)) or [(s, e)]:
            piece = f"{label}: {text[a:b]}"
            # 「下设科室 | 2. 应用开发科：负责接口开发」: the sub-unit it names before its duties does them
            kid = children(text[a:b])[:1] if sub and re.search(r"[：:]", text[a:b]) else []
            owner = None if theirs else (kid[0] if kid else table.form_unit)
            out.append(tables.Row(a, b, line, piece if theirs else f"{owner}; {piece}", owner, None,
                                  () if theirs else tuple(dict.fromkeys([owner, table.form_unit]))))
    return out
