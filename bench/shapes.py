"""`python -m bench.shapes`: one Markdown corpus in the shapes a company keeps it in, each answered.

The same documents as Word, HTML, PDF (printed by headless Chromium), as one handbook file with every
page a section, and as that file in plain text without heading marks (a .txt, or Word written without
heading styles). Each shape is ingested on a fresh home and its suite's dev cases are answered; the
table shows accuracy and the number of departments found next to the Markdown original, so a shape that
loses structure (headings, tables, owners) shows up as a drop.
"""

from __future__ import annotations

import argparse
import re
import tempfile
from pathlib import Path

from bench import docbuild

SHAPES = ("md", "docx", "html", "pdf", "one", "txt")


def _markdown(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    if text.startswith("---"):  # front matter is a Markdown-file thing: a Word or PDF author has none
        end = text.find("\n---", 3)
        text = text[end + 4 :] if end > 0 else text
    return text


def build(corpus: Path, shape: str, out: Path) -> Path:
    """`corpus` (a folder of .md files) written as `shape` into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    pages = sorted(corpus.glob("*.md"))
    if shape == "md":
        for p in pages:
            (out / p.name).write_text(_markdown(p), encoding="utf-8")
    elif shape in ("docx", "pdf"):
        for p in pages:
            getattr(docbuild, f"to_{shape}")(_markdown(p), out / f"{p.stem}.{shape}")
    elif shape == "html":
        for p in pages:
            (out / f"{p.stem}.html").write_text(docbuild.to_html(_markdown(p), None, p.stem), encoding="utf-8")
    else:
        # one handbook: each page a section (its headings one level down) under the handbook's title
        parts = ["# Handbook\n"] + [re.sub(r"^(#{1,5})(\s)", r"#\1\2", _markdown(p).strip(), flags=re.M) for p in pages]
        text = "\n\n".join(parts) + "\n"
        if shape == "txt":
            text = re.sub(r"^#{1,6}\s+", "", text, flags=re.M)
            (out / "handbook.txt").write_text(text, encoding="utf-8")
        else:
            (out / "handbook.md").write_text(text, encoding="utf-8")
    return out


def measure(suite: str, shapes: tuple[str, ...]) -> list[dict]:
    from assistant import settings as settings_mod
    from assistant.index.resources import resources
    from eval import harness, suites

    spec = suites.load(suite)[suite]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for shape in shapes:
            docs = build(suites.ROOT / spec["corpus"], shape, Path(tmp) / shape)
            s = settings_mod.load(home=str(Path(tmp) / f"home-{shape}"), corpus=docs)
            tax = resources(s, notice=None)[0].taxonomy
            cases = [c for path in spec["dev"] for c in harness.load_cases(suites.ROOT / path, tax)]
            report = harness.run(cases, s, tax)
            rows.append({"shape": shape, "accuracy": report["accuracy"], "departments": len(list(tax)),
                         "cases": len(cases)})
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.shapes", description=__doc__.split("\n")[0])
    ap.add_argument("--suite", default="northwind-handbook", help="a suite of eval/suites.yaml whose corpus is Markdown")
    ap.add_argument("--shapes", default=",".join(SHAPES), help=f"comma-separated, of {', '.join(SHAPES)}")
    args = ap.parse_args(argv)
    shapes = tuple(s.strip() for s in args.shapes.split(",") if s.strip())
    unknown = [s for s in shapes if s not in SHAPES]
    if unknown:
        ap.error(f"unknown shape(s) {', '.join(unknown)}; known: {', '.join(SHAPES)}")
    rows = measure(args.suite, shapes)
    print(f"{args.suite}: dev cases answered on each shape of the same documents")
    print(f"{'shape':6s} {'accuracy':>8s} {'departments':>11s}")
    for r in rows:
        print(f"{r['shape']:6s} {r['accuracy']:8.3f} {r['departments']:11d}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
