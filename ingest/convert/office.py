"""Office files: Word (.docx), spreadsheets (.xlsx, .csv) and decks (.pptx), through python-docx, openpyxl
and python-pptx."""

from __future__ import annotations

import io
import re

from .text import Converted, Out, cell, clean, decode, table_or_text

# ---------------------------------------------------------------- Word


def docx(raw: bytes, name: str) -> Converted:
    from docx import Document
    from docx.oxml.ns import qn

    doc = Document(io.BytesIO(raw))
    out = Out()

    # style id -> name once: python-docx's `paragraph.style` scans every style for each paragraph
    names = {}
    for st in doc.styles:
        try:
            names[st.style_id] = st.name or ""
        except (KeyError, AttributeError, ValueError):
            continue

    def style_name(p) -> str:
        ppr = p._p.pPr
        sid = ppr.pStyle.val if ppr is not None and ppr.pStyle is not None else None
        return names.get(sid, "") if sid else ""

    def level(p) -> int:
        """Heading level from the style ('Heading 2', 'Title', localized '标题 2') or the outline level."""
        s = style_name(p)
        m = re.match(r"^(?:heading|标题|標題|titre|überschrift|überschrift)\s*(\d)$", s.strip(), re.I)
        if m:
            return int(m.group(1))
        if s.lower() == "title":
            return 1
        ppr = p._p.pPr
        lvl = ppr.find(qn("w:outlineLvl")) if ppr is not None else None
        if lvl is not None and lvl.get(qn("w:val"), "9").isdigit() and int(lvl.get(qn("w:val"))) < 9:
            return int(lvl.get(qn("w:val"))) + 1
        return 0

    def is_item(p) -> bool:
        ppr = p._p.pPr
        return (ppr is not None and ppr.numPr is not None) or style_name(p).lower().startswith(("list", "列表"))

    from docx.table import Table
    from docx.text.paragraph import Paragraph

    body = [el for el in doc.element.body.iterchildren() if el.tag in (qn("w:p"), qn("w:tbl"))]
    paras = [Paragraph(el, doc) for el in body if el.tag == qn("w:p")]
    # Headings styled for the top levels and short all-bold paragraphs below them (a directorate as Heading 1,
    # its teams in bold): those are headings under the styled ones, the bigger the higher. A document with no
    # styled heading at all is left to the title-line reading of plain text (ingest/names.py), which a
    # regulation's bold 「第二章」 would otherwise switch off.
    styled = max((level(p) for p in paras), default=0)
    bold = {p._p: size for p in paras if styled and not level(p) and not is_item(p) and (size := _bold_size(p)) is not None}
    sizes = sorted(set(bold.values()), reverse=True)

    for el in body:
        if el.tag == qn("w:p"):
            p = Paragraph(el, doc)
            text = p.text
            if not text.strip():
                continue
            lv = level(p)
            if el in bold:
                lv = min(6, styled + 1 + sizes.index(bold[el]))
            if lv:
                out.heading(lv, text)
            elif is_item(p):
                out.item(text)
            else:
                out.para(text)
        elif el.tag == qn("w:tbl"):
            table = Table(el, doc)
            rows = []
            for row in table.rows:
                seen, cells = set(), []
                for c in row.cells:
                    # a cell merged across columns comes back once per column: keep it once
                    cells.append("" if id(c._tc) in seen else cell(c.text))
                    seen.add(id(c._tc))
                rows.append(cells)
            table_or_text(out, rows)
    return out.result()


def _bold_size(p) -> float | None:
    """The font size (0 when not set) of a short paragraph that is all bold and reads as a title, else None."""
    text = p.text.strip()
    runs = [r for r in p.runs if r.text.strip()]
    if not runs or len(text) > 80 or re.search(r"[.。:：;；,，]$", text) or not all(r.bold for r in runs):
        return None
    return max((r.font.size.pt for r in runs if r.font.size is not None), default=0.0)


# ---------------------------------------------------------------- spreadsheets


def _rows_to_out(out: Out, rows: list[tuple[int, list[str]]], where: str) -> None:
    """Title lines above the first row of two or more cells, then that row as the header of a table."""
    rows = [(n, r) for n, r in rows if any(r)]
    if not rows:
        return
    width = max(len(r) for _, r in rows)
    while width and not any(len(r) >= width and r[width - 1] for _, r in rows):
        width -= 1
    rows = [(n, r[:width]) for n, r in rows]
    head = next((i for i, (_, r) in enumerate(rows) if sum(1 for c in r if c) >= 2), None)
    for n, r in rows[: head if head is not None else len(rows)]:
        out.mark(f"{where}row {n}")
        out.para(" ".join(c for c in r if c).replace("\\|", "|"))
    if head is not None:
        body = rows[head:]
        table_or_text(out, [r for _, r in body], [f"{where}row {n}" for n, _ in body])


def xlsx(raw: bytes, name: str) -> Converted:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    out = Out()
    try:
        for ws in wb.worksheets:
            if getattr(ws, "sheet_state", "visible") != "visible":
                continue
            rows = []
            for n, values in enumerate(ws.iter_rows(values_only=True), start=ws.min_row or 1):
                rows.append((n, [cell(v) for v in values]))
            if not any(any(r) for _, r in rows):
                continue
            out.mark(f"sheet {ws.title}")
            out.heading(2, ws.title)
            _rows_to_out(out, rows, f"sheet {ws.title}, ")
    finally:
        wb.close()
    return out.result()


def csv_file(raw: bytes, name: str) -> Converted:
    import csv

    text = decode(raw, name)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    out = Out()
    rows = [(n, [cell(v) for v in r]) for n, r in enumerate(csv.reader(io.StringIO(text), dialect), start=1)]
    _rows_to_out(out, rows, "")
    return out.result()


# ---------------------------------------------------------------- slides


def pptx(raw: bytes, name: str) -> Converted:
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE_TYPE, PP_PLACEHOLDER

    prs = Presentation(io.BytesIO(raw))
    out = Out()

    def shapes_in(shapes):
        for sh in shapes:
            if sh.shape_type == MSO_SHAPE_TYPE.GROUP:
                yield from shapes_in(sh.shapes)
            else:
                yield sh

    for number, slide in enumerate(prs.slides, 1):
        out.mark(f"slide {number}")
        title_shape = slide.shapes.title
        title = clean(title_shape.text_frame.text) if title_shape is not None and title_shape.has_text_frame else ""
        # The first slide's title names the deck (a title slide): later slides are its sections.
        if title:
            out.heading(1 if number == 1 else 2, title)
        ordered = sorted(shapes_in(slide.shapes), key=lambda s: ((s.top or 0), (s.left or 0)))
        for sh in ordered:
            if title_shape is not None and sh.shape_id == title_shape.shape_id:
                continue
            if getattr(sh, "has_table", False) and sh.has_table:
                rows = [[cell(c.text) for c in row.cells] for row in sh.table.rows]
                table_or_text(out, rows)
                continue
            if not getattr(sh, "has_text_frame", False) or not sh.has_text_frame:
                continue
            body = sh.is_placeholder and sh.placeholder_format.type in (PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT)
            for p in sh.text_frame.paragraphs:
                text = "".join(r.text for r in p.runs) or p.text
                if body and p.level > 0:
                    out.item(text)
                else:
                    out.para(text)
            out.blank()
        if slide.has_notes_slide:
            notes = slide.notes_slide.notes_text_frame
            if notes is not None and notes.text.strip():
                for p in notes.paragraphs:
                    out.para(p.text)
    return out.result()
