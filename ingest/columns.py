"""Units a company's tables name: the cells of owner columns ("Owner", 「承辦單位」), the headers of RACI
columns and the rows of a directory of units, read as ingest/tables.py reads the tables."""

from __future__ import annotations

import re

from . import charters, forms, headers, tables
from .names import CJK

OUTLINE = re.compile(r"^\s*(\d{1,2}(?:\.\d{1,2})*)\.?\s+(\S.*)$")
TOTAL = re.compile(r"^\s*(?:total|totals|grand total|subtotal|sub-total|合计|合計|总计|總計|小计|小計)(?![a-z])", re.I)


def short_names(found: list[tables.Table]) -> list[tuple[str | None, str | None, list[str], str]]:
    """Units a table of short names gives (「代碼／簡稱 | 單位全名 | 所屬處 | 英文」, "Team | Abbrev. | Part of"):
    (full name, parent, its code and English name, code) per row; the full name is None where the row says its
    code is no unit (「製作人 | （職稱，非單位）」), so a RACI column headed by it is none either."""
    out: list[tuple[str | None, str | None, list[str], str]] = []
    for table in found:
        if table.kind in ("raci", "form"):
            continue
        heads = [headers.column_name(c.text) for c in table.header]
        code = next((j for j, h in enumerate(heads) if headers.CODE_HEADER.match(h)), None)
        full = next((j for j, h in enumerate(heads) if j != code and (headers.FULL_NAME_HEADER.match(h) or headers.UNIT_HEADER.match(h))), None)
        if code is None or full is None:
            continue
        up = next((j for j, h in enumerate(heads) if headers.PARENT_HEADER.match(h)), None)
        english = next((j for j, h in enumerate(heads) if headers.ENGLISH_HEADER.match(h)), None)
        for _, cells in table.rows:
            row = [c.text for c in cells] + [""] * (len(heads) - len(cells))
            short, name = row[code].strip(), row[full].strip()
            if not short or len(short) > 20 or not name:
                continue
            if re.match(r"^[（(—–-]", name):  # 「（職稱，非單位）」, "(vendor)", "—": the code names no unit
                out.append((None, None, [], short))
                continue
            parent = (row[up].strip() or None) if up is not None else None
            also = [row[english].strip()] if english is not None and 2 <= len(row[english].strip()) <= 40 else []
            out.append((name, parent if parent and not re.match(r"^[—–-]+$", parent) else None, [short, *also], short))
    return out


def units_in(tabled: list[tables.Table]) -> list[tuple[str, bool, str | None]]:
    """Unit names from the Markdown tables (as ingest/tables.py reads them): the cells of owner columns,
    the headers of RACI columns and the rows of a directory of units (a first column headed Team /
    Office / 部门名称, with its "Part of" / 上级部门 column as their parent). (name, is a unit by
    construction, parent as written) triples."""
    found: list[tuple[str, bool, str | None]] = []
    for table in tabled:
        if table.kind == "form":  # 「部门名称 | X」 with 「上级部门 | Y」 and 「下设科室 | 1. Z科：…」
            pairs = charters.fields(table)
            written = next((v.text for label, v in pairs if v.text.startswith(table.form_unit)), table.form_unit)
            parent = next((re.sub(r"\s*[（(].*$", "", v.text).strip() or None for label, v in pairs
                           if headers.PARENT_HEADER.match(label)), None)
            found.append((written, True, parent))
            found += [(c, True, table.form_unit) for label, v in pairs if headers.CHILD_HEADER.match(label)
                      for c in charters.children(v.text) if CJK.search(c) or c[:1].isupper()]
            continue
        header = [c.text for c in table.header]
        body = [[c.text for c in cells] for _, cells in table.rows if len(cells) == len(header)]
        up = next((j for j, h in enumerate(header) if headers.PARENT_HEADER.match(headers.column_name(h))), None)
        down = next((j for j, h in enumerate(header) if headers.CHILD_HEADER.match(headers.column_name(h))), None)
        for j, head in enumerate(header):
            cells = [r[j] for r in body if r[j]]
            if not cells:
                continue
            if j and sum(bool(headers.roles(c)) for c in cells) >= 0.6 * len(cells):
                # a RACI column is a unit by construction; not a post's level (課長, 總經理), nor a header that
                # is itself 審核 / 核定 (a data row read as the header)
                if table.kind == "raci" and not headers.roles(head) and not headers.POST_HEADER.search(head):
                    found.append((head, True, None))
            elif table.kind == "directory" and table.levels and j == table.owner_col:
                for row in body:  # an org table's levels: each row's lowest named level, under the one above it
                    named = tables.level_names(row, table)
                    for i, name in enumerate(named):  # the levels above are units when their names say so
                        if 2 <= len(name) <= 40:
                            found.append((name, i == len(named) - 1, named[i - 1] if i else None))
            elif j == table.owner_col and table.kind == "directory":
                by_code: dict[str, str] = {}  # an HR export's outline numbers: "1.1.2 Tenancy Enforcement" is under "1.1"
                for row in body:  # a directory: each row is a unit (its first name; the rest may be its group)
                    outline = OUTLINE.match(row[j])
                    cell = outline.group(2) if outline else row[j]
                    if TOTAL.match(cell):
                        continue  # "Total FTE (all units)", 「合计」: a sum, no unit
                    names = [n.strip() for n in cell.split(";") if 2 <= len(n.strip()) <= 40]
                    parent = (row[up].split(";")[0].strip() or None) if up is not None else None
                    if outline:
                        by_code[outline.group(1)] = cell.split(";")[0].strip()
                        parent = parent or by_code.get(outline.group(1).rpartition(".")[0])
                    found += [(names[0], True, parent)] if names else []
                    if names and down is not None:  # 「管理部 | 經理 | 人事課、總務課、資訊課」
                        found += [(c, True, names[0]) for c in tables.owner_names(row[down]) if CJK.search(c) or c[:1].isupper()]
            elif headers.OWNER_HEADER.match(column := headers.column_name(head)) or headers.SUPPORT_HEADER.match(column):
                # "Owning team", "Responsible department": a cell that is one name is a team's ("Leakage and
                # Metering", "Health, Safety & Wellbeing"), not the parts it may be cut into
                teams_column = bool(headers.OWNER_HEADER.match(column)) and bool(re.search(r"\bteams?\b|\bdepartments?\b", head, re.I))
                for part, whole in ((name, len(names) == 1) for cell in cells for names in [tables.owner_names(cell)] for name in names):
                    # a column headed "Team" / 部门 holds units ("Topic | Team": Finance, People & Culture), so
                    # does "Service Owner (team)"
                    team = (bool(re.match(r"^team\s+", part, re.I)) or bool(headers.UNIT_HEADER.match(column))
                            or (bool(headers.OWNER_HEADER.match(column)) and bool(re.search(r"\(teams?\)", head, re.I)))
                            or (teams_column and whole))
                    part = re.sub(r"^(team|the)\s+", "", part, flags=re.I)
                    if 2 <= len(part) <= 40 and not re.search(r"[.。]\s|https?:|^@", part) and (part[0].isupper() or CJK.match(part)):
                        found.append((part, team, None))
    # "Sample Management" in a process-owner column is the unit a RACI column wrote "Sample Mgmt"
    heads = [n for n, team, _ in found if team]
    return [(n, team or any(forms.abbreviates(h, n) for h in heads), p) for n, team, p in found]
