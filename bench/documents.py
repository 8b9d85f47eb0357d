"""`whosejob bench --documents`: ingest of 100 mixed company documents (about 300 pages), timed.

The documents are the project's own corpora (eval/corpora/*/documents and the bundled corpus's
sections), several pages each, written as .docx, .pdf (printed by headless Chromium), .html, .md, .pptx
and .xlsx (a RACI workbook per department group) by bench/docbuild.py. Building them is not timed; the
measurement is `whosejob ingest --json` in a child process on a fresh home (cold: model load, reading,
converting, chunking, embedding, storing), then again with nothing changed, then after one file changed
(the others' conversions come from the cache).
"""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from bench import docbuild

ROOT = Path(__file__).resolve().parent.parent
FORMATS = (".docx", ".pdf", ".html", ".md", ".pptx")
TARGET_PAGES = 300


def _sources() -> list[tuple[str, str]]:
    """(title, markdown) of every document the project wrote itself."""
    out = []
    for path in sorted((ROOT / "eval" / "corpora").glob("*/documents/*.md")):
        out.append((path.stem, path.read_text(encoding="utf-8")))
    from corpus import DIR

    for path in sorted(DIR.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        parts = re.split(r"\n(?=[\u3220-\u3229])", text)
        for i, part in enumerate(parts):
            if part.strip():
                body = "\n\n".join(line.strip() for line in part.split("\n") if line.strip())
                out.append((f"{path.stem}-{i}", f"# {body}" if not body.startswith("#") else body))
    return out


def _raci(n: int) -> dict[str, list[list[str]]]:
    units = ["Finance", "Sales", "Legal", "People Ops", "IT", "Marketing"]
    letters = ["R", "A", "C", "I", "", "A/R"]
    rows = [["Task", *units]]
    for t in range(40):
        rows.append([f"Task {n}.{t}: quarterly review step {t}"] + [letters[(t + j + n) % len(letters)] for j in range(len(units))])
    return {"RACI": rows}


def build(dst: Path, count: int = 100) -> dict:
    """`count` documents in `dst` (about TARGET_PAGES pages in all); returns what was made."""
    dst.mkdir(parents=True, exist_ok=True)
    sources = _sources()
    if not sources:
        raise RuntimeError("no project corpora to build documents from")
    made: dict[str, int] = {}
    chars = 0
    for i in range(count):
        # each document: 2-3 source pages joined under their own headings (~3 printed pages)
        pieces = [sources[(i * 3 + k) % len(sources)] for k in range(2 + i % 2)]
        md = "\n\n".join(f"# {title} ({i})\n\n{text.split(chr(10), 1)[-1]}" for title, text in pieces)
        if i % 10 == 9:
            path = docbuild.to_xlsx(_raci(i), dst / f"doc{i:03d}-raci.xlsx")
        else:
            suffix = FORMATS[i % len(FORMATS)]
            path = docbuild.to_format(md, dst / f"doc{i:03d}{suffix}")
        made[path.suffix] = made.get(path.suffix, 0) + 1
        chars += len(md)
    pdf_pages = pdf_chars = 0
    import pypdfium2

    for p in dst.glob("*.pdf"):
        pdf = pypdfium2.PdfDocument(p)
        pdf_pages += len(pdf)
        pdf_chars += sum(page.get_textpage().count_chars() for page in pdf)
        pdf.close()
    per_page = pdf_chars / pdf_pages if pdf_pages else 2000
    return {"documents": count, "formats": made, "pdf_pages": pdf_pages,
            "pages": int(math.ceil(chars / per_page)), "chars": chars}


def measure(work: Path, home: Path, count: int = 100) -> dict:
    corpus = work / "documents"
    if not corpus.is_dir() or len(list(corpus.iterdir())) < count:
        made = build(corpus, count)
        (work / "documents.json").write_text(json.dumps(made))
    made = json.loads((work / "documents.json").read_text())
    env = os.environ | {"WHOSEJOB_HOME": str(home), "HF_HUB_OFFLINE": "1"}

    def ingest() -> tuple[float, dict]:
        t = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "assistant.surfaces.cli", "ingest", "--json", "--corpus", str(corpus)],
                              capture_output=True, text=True, env=env, timeout=1800)
        wall = time.perf_counter() - t
        if proc.returncode not in (0, 1):
            raise RuntimeError(f"ingest failed: {proc.stderr[-400:]}")
        return wall, json.loads(proc.stdout)

    cold, first = ingest()
    unchanged, _ = ingest()
    target = next(corpus.glob("*.docx"))
    docbuild.to_docx("# Changed\n\nFinance now also owns the travel policy.\n", target)
    one, third = ingest()
    return {
        **made,
        "cold_seconds": round(cold, 1),
        "read_seconds": round(first.get("read_seconds", 0.0), 1),
        "embed_seconds": round(first.get("embed_seconds", 0.0), 1),
        "chunks": first.get("chunks"),
        "skipped": len(first.get("skipped", [])),
        "unchanged_seconds": round(unchanged, 1),
        "one_changed_seconds": round(one, 1),
        "one_changed_read_seconds": round(third.get("read_seconds", 0.0), 2),
        "target_seconds": 60,
    }


def main(count: int = 100, out: str | None = None, as_json: bool = False) -> int:
    """`whosejob bench --documents N`: build the documents in `out` (a temporary folder when not given),
    time the three ingests on a fresh home, print the figures (and keep documents-bench.json in `out`)."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="whosejob-docs-") as tmp:
        work = Path(out) if out else Path(tmp)  # without --out nothing is left behind
        work.mkdir(parents=True, exist_ok=True)
        result = measure(work, Path(tmp) / "home", count=count)
        if out:
            (work / "documents-bench.json").write_text(json.dumps(result, indent=1))
    if as_json:
        print(json.dumps(result))
        return 0
    formats = ", ".join(f"{n} {k}" for k, n in sorted(result["formats"].items()))
    print(f"{result['documents']} documents ({formats}), about {result['pages']} pages, {result['chunks']} chunks")
    print(f"cold ingest {result['cold_seconds']} s (read+convert {result['read_seconds']} s, "
          f"embed {result['embed_seconds']} s; target <= {result['target_seconds']} s)")
    print(f"again, nothing changed {result['unchanged_seconds']} s; one file changed {result['one_changed_seconds']} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(out=sys.argv[1] if len(sys.argv) > 1 else None))
