"""Tables as evidence: a Markdown pipe table is read one row at a time, each row with its header.

A row becomes one chunk. Its quote is one cell of the row as written (the task, or the first cell that
says what the row is about), never the `|` between cells; the header and the other cells go into what is
embedded and keyword-indexed (`context`), so "who is responsible for approving discounts" finds the row.

Recognised kinds:

* RACI matrix: a task column and two or more unit columns whose cells hold R, A, C, I or combinations
  (A/R, R/A, RA, "R, A"), or the Chinese words 負責/负责/主责 (R), 批准/审批 (A), 諮詢/咨询/协同 (C),
  知會/知会 (I). The row's R unit owns the task, the A unit is its `accountable`, C and I units are
  named (departments) but do not vote.
* Owner table: a column headed Owner / Owner team / Responsible / 负责部门 / 主责部门 …: the unit in that
  cell owns the row; units in a Support / 配合部门 / 协办 column are named.
* Form of one unit: two columns of field and value, one field naming the unit (部门名称 | X, Team | X) and
  others what it does, its parent, its sub-units (部门职责, 上级部门, 下设科室, Mission, We own): every row is
  that unit's, except rows about other units' work ("We don't own", 主要协作部门), read as plain rows.
* Directory of units: a first column headed Team / Office / 部门名称 …: the row is that unit's, quoted by its
  longest column (what the unit does); a Part of / 上级部门 column gives its parent (ingest/units.py).
* Any other table: the row is plain text evidence; a unit it names up front owns it, as for a sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import charters
from .headers import (
    LEVEL_HEADER,
    NUMBER_CELL,
    OWN_FIELD,
    OWNER_HEADER,
    PARENT_HEADER,
    POST_HEADER,
    SUPPORT_HEADER,
    TASK_HEADER,
    UNIT_HEADER,
    column_name,
    roles,
)
from .names import CJK, ends_in_unit_word, is_cjk_unit

SEP = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")
ROW = re.compile(r"^\s*\|")
# Inline Markdown around a cell's words: **bold**, `code`, [text](url) / [text][ref], <span …>…</span>.
LINK = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\[[^\]]*\])")
TAG = re.compile(r"<[^>]+>")
EDGE_MARKUP = "*_`~ "
MARKUP = re.compile(r"<[^>]*>|\[[^\]]*\]\([^)]*\)|\[|\]|\\\||\*\*|__|\|")


SERIAL = re.compile(r"[\d.\-–\s]+|[A-Za-z]{1,4}[-_]?\d+[a-z]?|[一二三四五六七八九十]+|[#№]?\d+")


@dataclass
class Cell:
    text: str  # the cell's words (markup removed): what is shown and matched
    start: int  # offsets of the quotable span in the full text (markup around the words excluded)
    end: int


@dataclass
class Table:
    first: int  # line index of the header row
    last: int  # line index of the last row (inclusive)
    header: list[Cell]
    rows: list[tuple[int, list[Cell]]]  # (line index, cells)
    kind: str = "plain"  # raci | owner | directory | form | plain
    task: int = 0  # column holding what the row is about
    units: dict[int, str] = field(default_factory=dict)  # raci: column -> unit name as written
    owner_col: int | None = None
    levels: tuple[int, ...] = ()  # directory: its unit columns from the top level down, when it has several
    shared: frozenset[str] = frozenset()  # names of a level found under several units above (「課長室」)
    support_cols: tuple[int, ...] = ()
    form_unit: str | None = None  # form: the unit its fields describe, as written (parentheses cut)


@dataclass
class Row:
    """What a table row says, for the chunker to make a chunk of."""

    start: int  # the quote: text[start:end], one cell as written
    end: int
    line: int  # line index
    context: str  # header-and-cells reading of the row: embedded and keyword-indexed
    owner: str | None  # unit as written (R unit, owner cell) or None
    accountable: str | None = None
    named: tuple[str, ...] = ()  # every unit the row names (C and I included), as written


def plain(text: str) -> str:
    """A cell's words: links as their text, tags and emphasis marks dropped, escaped pipes unescaped."""
    text = LINK.sub(r"\1", text)
    text = TAG.sub(" ", text).replace("\\|", "|")
    return re.sub(r"\s+", " ", text.replace("**", "").replace("__", "")).strip(" *_`~")


def _cell_spans(text: str, a: int, b: int) -> list[Cell]:
    """Cells of the row text[a:b] with offsets; `\\|` inside a cell is not a separator."""
    line = text[a:b]
    lead = len(line) - len(line.lstrip())
    i = lead + 1 if line[lead:lead + 1] == "|" else lead
    cells, start = [], i
    while i <= len(line):
        if i == len(line) or (line[i] == "|" and line[i - 1:i] != "\\"):
            raw = line[start:i]
            if i < len(line) or raw.strip():
                s, e = start, i
                while s < e and line[s] in " \t":
                    s += 1
                while e > s and line[e - 1] in " \t":
                    e -= 1
                cells.append(Cell(plain(raw), a + s, a + e))
            start = i + 1
        i += 1
    return cells


def quote_span(text: str, c: Cell) -> tuple[int, int]:
    """The cell's words as written, without markup at the edges: [X](url) -> X, **X** -> X."""
    s, e = c.start, c.end
    raw = text[s:e]
    m = LINK.fullmatch(raw) or LINK.match(raw)
    if m and m.group(1).strip():
        s, e = s + m.start(1), s + m.end(1)
    while s < e and text[s] in EDGE_MARKUP:
        s += 1
    while e > s and text[e - 1] in EDGE_MARKUP:
        e -= 1
    # markup inside (a tag, a link, an escaped pipe, emphasis) is not the document's words: quote the
    # longest stretch of words between such marks
    raw = text[s:e]
    if MARKUP.search(raw):
        cuts = [0] + [x for m in MARKUP.finditer(raw) for x in (m.start(), m.end())] + [len(raw)]
        pieces = [(a, b) for a, b in zip(cuts[::2], cuts[1::2], strict=True)]
        a, b = max(pieces, key=lambda p: len(raw[p[0]:p[1]].strip(EDGE_MARKUP)))
        while a < b and raw[a] in EDGE_MARKUP:
            a += 1
        while b > a and raw[b - 1] in EDGE_MARKUP:
            b -= 1
        if b > a:
            s, e = s + a, s + b
    return s, e


def find(text: str, spans: list[tuple[int, int]]) -> dict[int, Table]:
    """Pipe tables (a header row, a `|---|` separator, rows), keyed by their first line index."""
    tables: dict[int, Table] = {}
    i = 0
    while i + 1 < len(spans):
        a, b = spans[i]
        a2, b2 = spans[i + 1]
        if ROW.match(text[a:b]) and SEP.match(text[a2:b2]) and "-" in text[a2:b2]:
            header = _cell_spans(text, a, b)
            rows, j = [], i + 2
            while j < len(spans) and ROW.match(text[spans[j][0]:spans[j][1]]):
                if not SEP.match(text[spans[j][0]:spans[j][1]]):
                    rows.append((j, _cell_spans(text, *spans[j])))
                j += 1
            table = Table(first=i, last=j - 1, header=header, rows=rows)
            classify(table)
            tables[i] = table
            i = j
            continue
        i += 1
    return tables


def classify(table: Table) -> None:
    width = len(table.header)
    body = [cells for _, cells in table.rows]
    if width == 2 and (unit := charters.unit_of(table)):
        table.kind, table.task, table.form_unit = "form", 1, unit
        return
    raci_cols = {}
    for j in range(width):
        values = [r[j].text for r in body if j < len(r) and r[j].text]
        head = table.header[j].text
        if values and sum(1 for v in values if roles(v)) >= max(1, 0.8 * len(values)) and head and not POST_HEADER.search(head):
            raci_cols[j] = head
    # a header row that itself holds 擬辦 / 審核 cells is a data row read as the header (a PDF's lost header)
    if len(raci_cols) >= 2 and sum(bool(roles(h.text)) for h in table.header) < 2:
        table.kind = "raci"
        table.units = raci_cols
        table.task = next((j for j in range(width) if j not in raci_cols and TASK_HEADER.match(table.header[j].text)),
                          next((j for j in range(width) if j not in raci_cols), 0))
        return
    heads = [column_name(h.text) for h in table.header]
    # a directory of units: each row is its first unit column's unit (after its parent's: 「所属中心 | 部门 | …」),
    # quoted by what it says the unit does
    col = next((j for j, h in enumerate(heads) if UNIT_HEADER.match(h.strip())), None)
    if width >= 2 and col is not None and all(PARENT_HEADER.match(h.strip()) for h in heads[:col]):
        table.kind, table.owner_col = "directory", col
        # 「部門 | 室／部／中心 | 組／中心」: a unit column per level; a row is its lowest level's unit
        end = next((j for j in range(col + 1, width) if not (UNIT_HEADER.match(heads[j].strip()) or LEVEL_HEADER.match(heads[j].strip()))), width)
        levels = tuple(range(col, end)) if end - col >= 2 else ()
        # top level first: its names repeat down its rows, fewer than the next level's ("Team | Department" is not)
        filled = [[r[j].text for r in body if j < len(r) and r[j].text] for j in levels[:2]]
        ordered = bool(levels) and len(set(filled[0])) < len(filled[0]) and len(set(filled[0])) <= len(set(filled[1]))
        table.levels = levels if ordered else ()
        table.shared = _shared(table) if table.levels else frozenset()
        lengths = {j: sum(len(r[j].text) for r in body if j < len(r)) for j in range(width) if j not in (col, *table.levels)}
        table.task = max(lengths, key=lengths.get)
        return
    owner = next((j for j, h in enumerate(heads) if OWNER_HEADER.match(h)), None)
    if owner is not None and owner > 0:
        table.kind = "owner"
        table.owner_col = owner
        table.support_cols = tuple(j for j, h in enumerate(heads) if SUPPORT_HEADER.match(h))
        free = [j for j in range(width) if j != owner and j not in table.support_cols]
        # the work item's column, not the row numbers before it (「編號 | 工作項目 | … | 主辦單位」)
        numbers = [j for j in free if all(NUMBER_CELL.fullmatch(r[j].text) for r in body if j < len(r) and r[j].text)]
        table.task = next((j for j in free if j not in numbers), free[0] if free else 0)


def level_names(values: list[str], table: Table) -> list[str]:
    """The units a row of an org table with a column per level names, top level first. A cell 「（部本部）」, a blank,
    or a name found under several units of the level above (each 課's 「課長室」: its own office) names none."""
    names = [values[j].split(";")[0].strip() for j in table.levels if j < len(values)]
    return [n for n in names if n and not re.match(r"^[（(]", n) and n not in table.shared]


def _shared(table: Table) -> frozenset[str]:
    """Names of a lower level that stand under more than one unit of the level above them."""
    above: dict[str, set[str]] = {}
    for _, cells in table.rows:
        values = [c.text.split(";")[0].strip() for c in cells]
        for upper, lower in zip(table.levels, table.levels[1:], strict=False):
            if lower < len(values) and values[lower]:
                above.setdefault(values[lower], set()).add(values[upper])
    return frozenset(name for name, ups in above.items() if len(ups) > 1)


def owner_names(value: str) -> list[str]:
    """Unit names in an owner cell: 'Sales, Legal' / '市场部、财务部' / 'Department head + Procurement'.
    "&" does not split: it is part of names ("Team Dollars & Cents", "Brand & Content")."""
    value = re.sub(r"\s*[（(][^()（）]*[)）]", "", value)  # "Governance Team (Complaints and Learning Officer)"
    parts = []
    for part in re.split(r"\s*(?:[,，、;；/+]|\bwith\b)\s*", value):
        # "Sales and Legal" is two units, "Digital and IT Team" one: "and" splits only where the words
        # before it name a unit of their own (or no unit word ends the whole); so do 及/和/与: 「财务部与法务部」
        # is two, 「基础架构与运维部」 one
        pieces = re.split(r"\s+and\s+", part)
        if len(pieces) > 1 and ends_in_unit_word(part) and not any(ends_in_unit_word(p) for p in pieces[:-1]):
            pieces = [part]
        if len(pieces) == 1 and CJK.search(part):
            pieces = re.split(r"\s*(?:及|和|与|與)\s*", part)
            if len(pieces) > 1 and is_cjk_unit(part) and not all(is_cjk_unit(p) for p in pieces[:-1]):
                pieces = [part]
        parts += [p.strip() for p in pieces if p.strip()]
    return [p for p in parts if len(p) <= 40]


def own_unit(table: Table, taxonomy) -> str | None:
    """The unit a form-like table (field label, value, field label, value) says it is about: the most specific
    of the units its own-unit fields name (「所属部门 人资部」 and 「所属科室/组 薪酬绩效科」: 薪酬绩效科)."""
    named = []
    for _, cells in [(table.first, table.header), *table.rows]:
        for j, c in enumerate(cells[:-1]):
            if OWN_FIELD.match(c.text.strip(" ：:")):
                value = cells[j + 1].text
                label = taxonomy.resolve(value) or next((lab for lab, _ in taxonomy.mentions(value)), None)
                if label:
                    named.append(label)
    return next((lab for lab in named if all(o == lab or o in taxonomy.ancestors(lab) for o in named)), named[0] if named else None)


def line_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line without its newline."""
    spans, pos = [], 0
    for line in text.split("\n"):
        spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def rows(text: str, table: Table) -> list[Row]:
    """One Row per body row of `table` that has something to quote."""
    out: list[Row] = []
    if table.kind == "form":
        return charters.rows(text, table)
    heads = [h.text for h in table.header]
    unit_col = table.owner_col if table.kind in ("owner", "directory") else None
    above = ""
    for line, cells in table.rows:
        if not cells:
            continue
        values = [c.text for c in cells] + [""] * (len(heads) - len(cells))
        if unit_col is not None and unit_col < len(values):
            # a spreadsheet writes a unit once over its block of rows (merged cells): the blank below is it
            values[unit_col] = values[unit_col] or above
            above = values[unit_col]
        key = table.task if table.task < len(cells) and cells[table.task].text else None
        if key is None or (table.kind == "plain" and SERIAL.fullmatch(cells[key].text)):
            # a row's number or reference ("10", "ESC-03") says nothing: quote the first cell with words
            key = next((j for j, c in enumerate(cells) if c.text and not roles(c.text) and not SERIAL.fullmatch(c.text)), key)
        if key is None:
            continue
        s, e = quote_span(text, cells[key])
        if e <= s:
            continue
        pairs = [f"{h}: {v}" for h, v in zip(heads, values, strict=False) if v and h]
        context = "; ".join(pairs) if pairs else values[key]
        owner = accountable = None
        named: list[str] = []
        if table.kind == "raci":
            by_role: dict[str, list[str]] = {}
            for j, unit in table.units.items():
                for role in sorted(roles(values[j]) if j < len(values) else ()):
                    by_role.setdefault(role, []).append(unit)
            responsible = by_role.get("R", [])
            accountables = by_role.get("A", [])
            owner = (responsible or accountables or [None])[0]
            accountable = accountables[0] if accountables else None
            named = [u for r in "RACI" for u in by_role.get(r, [])]
            words = {"R": "responsible 负责", "A": "accountable 批准", "C": "consulted 咨询", "I": "informed 知会"}
            context = values[key] + "\n" + "; ".join(
                f"{words[r]}: {', '.join(by_role[r])}" for r in "RACI" if by_role.get(r)
            )
        elif table.kind == "directory":
            lowest = level_names(values, table)[-1:] if table.levels else values[table.owner_col].split(";")[:1]
            owner = lowest[0].strip() if lowest and lowest[0].strip() else None
            named = [owner] if owner else []
        elif table.kind == "owner":
            owners = owner_names(values[table.owner_col]) if table.owner_col < len(values) else []
            owner = owners[0] if owners else None
            named = owners + [u for j in table.support_cols if j < len(values) for u in owner_names(values[j])]
        named_t = tuple(dict.fromkeys(named))
        pieces = list(cell_pieces(text, s, e)) if table.kind in ("directory", "plain") else []
        if len(pieces) < 2:
            out.append(Row(s, e, line, context, owner, accountable, named_t))
            continue
        # A cell that lists several things (a converted <br> / list / paragraphs, or the document's own "; "):
        # a row each, read with the row's short cells, so one duty is found as itself and quoted as written.
        short = "; ".join(f"{h}: {v}" for j, (h, v) in enumerate(zip(heads, values, strict=False))
                          if j != key and v and h and len(v) <= 80)
        for a, b in pieces:
            piece = f"{heads[key]}: {text[a:b]}" if heads[key] else text[a:b]
            out.append(Row(a, b, line, f"{short}; {piece}" if short else piece, owner, accountable, named_t))
    return out


def cell_pieces(text: str, s: int, e: int):
    """(start, end) of the "; "-separated parts of text[s:e] that have words."""
    pos = s
    for part in text[s:e].split("; "):
        a, b = pos, pos + len(part)
        pos = b + 2
        while a < b and text[a] == " ":
            a += 1
        if re.search(r"\w", text[a:b]):
            yield a, b


def chunks(source: str, text: str, table: Table, section: str, taxonomy, line_of, seen, fallback: str | None = None,
           company: str | None = None) -> list:
    """The chunks of one table: a row each, quoting one cell, owned as the table's kind says.

    Unit names are matched to the taxonomy (`taxonomy.resolve`): a unit it does not know cannot vote.
    `fallback` (the heading's owner) owns rows of a plain table that name no unit themselves."""
    import hashlib

    from assistant.models import Chunk
    from assistant.verdict.guard import is_instruction

    def unit(name: str | None) -> str | None:
        # as the cell writes it: "Team CRM" is the unit the documents' headings call "CRM"
        return taxonomy.resolve(name) if name else None

    out = []
    for r in rows(text, table):
        quote = text[r.start:r.end]
        mentions = [label for label, _ in taxonomy.mentions(r.context)]
        if table.kind == "plain":
            owner = mentions[0] if mentions else fallback
            accountable = None
        elif table.kind == "form":  # the form's unit, or (a row on others' work) the unit it names
            owner = unit(r.owner) if r.owner else (mentions[0] if mentions else None)
            accountable = None
        elif table.kind in ("owner", "directory"):  # an owner cell the taxonomy does not know ("Your manager"): as for text
            owner = unit(r.owner) or next((unit(n) for n in r.named if unit(n)), None) or fallback
            accountable = None
        else:
            owner = unit(r.owner)
            accountable = unit(r.accountable) or r.accountable
        if is_instruction(r.context):
            owner = None  # a planted instruction in a cell stays quotable but never votes
        named = [u for u in (unit(n) for n in r.named) if u] + mentions + ([owner] if owner else [])
        seen[(section, r.context)] += 1
        digest = hashlib.sha1(f"{source}\n{section}\n{quote}\n{r.context}\n{seen[(section, r.context)]}".encode("utf-8", "surrogatepass")).hexdigest()[:16]
        out.append(Chunk(
            id=digest, source=source, text=quote, start=r.start, end=r.end,
            line_start=line_of(r.start), line_end=line_of(r.end - 1), section=section, owner=owner,
            departments=tuple(dict.fromkeys(named)), company=company, accountable=accountable, context=r.context,
        ))
    return out
