"""Build real office documents from a small Markdown text, for the tests and the benchmark (never committed binaries).

`blocks(md)` reads the Markdown subset the project's corpora use (ATX headings, paragraphs, `-`/`1.`
list items, pipe tables); `to_docx`, `to_html`, `to_pdf` (headless Chromium), `to_pptx`, `to_xlsx` and
`to_csv` write the same blocks as each format, the way a person would have written them there.
"""

from __future__ import annotations

import csv
import html
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@dataclass
class Block:
    kind: str  # heading | para | item | table
    text: str = ""
    level: int = 0  # heading level; for items 1 = bulleted, 2 = numbered
    rows: list[list[str]] = field(default_factory=list)  # table: header first


_INLINE = re.compile(r"\*\*(.+?)\*\*|__(.+?)__|`([^`]+)`|!?\[([^\]]*)\](?:\([^)]*\)|\[[^\]]*\])")
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def plain(text: str) -> str:
    """Inline Markdown and HTML removed: **b**, `code`, [link](url), [link][ref], <span> -> their text."""
    text = _INLINE.sub(lambda m: next((g for g in m.groups() if g is not None), ""), text)
    return re.sub(r"\s+", " ", _TAG.sub(" ", text)).strip()


def _cells(line: str) -> list[str]:
    return [plain(c.strip()) for c in line.strip().strip("|").split("|")]


def blocks(md: str) -> list[Block]:
    out: list[Block] = []
    lines = md.replace("\r\n", "\n").split("\n")
    i = 0
    if lines and lines[0].strip() == "---":  # YAML front matter is not the document's text
        end = next((j for j in range(1, len(lines)) if lines[j].strip() == "---"), 0)
        i = end + 1
    while i < len(lines):
        line = lines[i].rstrip()
        line = re.sub(r"^\s*>\s?", "", line)  # a quote block reads as its text
        if not line.strip() or re.fullmatch(r"\s*(?:[-*_]\s*){3,}|\s*```.*|\s*<!--.*-->\s*", line):
            i += 1
            continue
        if m := re.match(r"^(#{1,6})\s+(.*)$", line):
            out.append(Block("heading", plain(m.group(2).strip()), len(m.group(1))))
        elif line.lstrip().startswith("|"):
            rows = []
            while i < len(lines) and lines[i].lstrip().startswith("|"):
                if not re.match(r"^\s*\|[\s:|-]+\|?\s*$", lines[i]):
                    rows.append(_cells(lines[i]))
                i += 1
            out.append(Block("table", rows=rows))
            continue
        elif m := re.match(r"^\s*[-*+]\s+(.*)$", line):
            out.append(Block("item", plain(m.group(1)), 1))
        elif m := re.match(r"^\s*\d+[.)]\s+(.*)$", line):
            out.append(Block("item", plain(m.group(1)), 2))
        else:
            out.append(Block("para", plain(line.strip())))
        i += 1
    return out


def to_docx(md: str, path: Path) -> Path:
    from docx import Document

    doc = Document()
    for b in blocks(md):
        if b.kind == "heading":
            doc.add_heading(b.text, level=min(b.level, 9))
        elif b.kind == "para":
            doc.add_paragraph(b.text)
        elif b.kind == "item":
            doc.add_paragraph(b.text, style="List Number" if b.level == 2 else "List Bullet")
        else:
            width = max(len(r) for r in b.rows)
            table = doc.add_table(rows=len(b.rows), cols=width)
            for r, row in enumerate(b.rows):
                for c, cell in enumerate(row):
                    table.cell(r, c).text = cell
    doc.save(path)
    return path


def to_html(md: str, path: Path | None = None, title: str = "") -> str:
    parts = ['<!doctype html><html><head><meta charset="utf-8">',
             f"<title>{html.escape(title)}</title>",
             "<style>body{font-family:'Noto Sans CJK SC','Noto Sans CJK TC',sans-serif;font-size:12pt}"
             "table{border-collapse:collapse}td,th{border:1px solid #999;padding:2px 6px}</style>",
             "</head><body><nav><a href='#'>Intranet home</a></nav><main>"]
    open_list = None
    for b in blocks(md):
        want = ("ol" if b.level == 2 else "ul") if b.kind == "item" else None
        if open_list and open_list != want:
            parts.append(f"</{open_list}>")
            open_list = None
        if want and not open_list:
            parts.append(f"<{want}>")
            open_list = want
        if b.kind == "heading":
            parts.append(f"<h{b.level}>{html.escape(b.text)}</h{b.level}>")
        elif b.kind == "para":
            parts.append(f"<p>{html.escape(b.text)}</p>")
        elif b.kind == "item":
            parts.append(f"<li>{html.escape(b.text)}</li>")
        else:
            head, *body = b.rows
            parts.append("<table><thead><tr>" + "".join(f"<th>{html.escape(c)}</th>" for c in head) + "</tr></thead><tbody>")
            for row in body:
                parts.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>")
            parts.append("</tbody></table>")
    if open_list:
        parts.append(f"</{open_list}>")
    parts.append("</main><script>var tracking = 'not text';</script></body></html>")
    page = "\n".join(parts)
    if path:
        path.write_text(page, encoding="utf-8")
    return page


def to_pdf(md: str, path: Path) -> Path:
    """HTML printed to PDF by headless Chromium (CJK through fonts-noto-cjk)."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "page.html"
        to_html(md, src)
        subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
             f"--user-data-dir={tmp}/profile", f"--print-to-pdf={path}", src.as_uri()],
            check=True, capture_output=True, timeout=120,
        )
    return path


def to_pptx(md: str, path: Path) -> Path:
    """A slide per heading: its title, then the paragraphs and items below it; tables as slide tables."""
    from pptx import Presentation
    from pptx.util import Inches

    prs = Presentation()
    slide = body = None

    def new_slide(title: str):
        nonlocal slide, body
        slide = prs.slides.add_slide(prs.slide_layouts[1])
        slide.shapes.title.text = title
        body = slide.placeholders[1].text_frame
        body.text = ""

    for b in blocks(md):
        if b.kind == "heading":
            new_slide(b.text)
            continue
        if slide is None:
            new_slide("")
        if b.kind in ("para", "item"):
            p = body.paragraphs[0] if not body.paragraphs[0].text and len(body.paragraphs) == 1 else body.add_paragraph()
            p.text = b.text
            p.level = 1 if b.kind == "item" else 0
        else:
            width = max(len(r) for r in b.rows)
            shape = slide.shapes.add_table(len(b.rows), width, Inches(0.5), Inches(4.5), Inches(9), Inches(0.3 * len(b.rows)))
            for r, row in enumerate(b.rows):
                for c, cell in enumerate(row):
                    shape.table.cell(r, c).text = cell
    prs.save(path)
    return path


def to_xlsx(sheets: dict[str, list[list]], path: Path, title_rows: dict[str, list[str]] | None = None) -> Path:
    """One sheet per entry, rows as given (header first); optional title lines above the table."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for line in (title_rows or {}).get(name, []):
            ws.append([line])
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def to_csv(rows: list[list[str]], path: Path, encoding: str = "utf-8") -> Path:
    with open(path, "w", encoding=encoding, newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def to_format(md: str, path: Path) -> Path:
    """Write `md` as the format named by `path`'s suffix (.md copies it)."""
    suffix = path.suffix.lower()
    if suffix == ".md":
        path.write_text(md, encoding="utf-8")
        return path
    if suffix in (".html", ".htm"):
        to_html(md, path, title=path.stem)
        return path
    return {".docx": to_docx, ".pdf": to_pdf, ".pptx": to_pptx}[suffix](md, path)
