"""Company documents end to end: RACI workbooks answered from the R column, bad files skipped with
nothing lost, --strict, and the project's corpora answering the same in mixed formats as in Markdown."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assistant import settings
from assistant.index.generations import read_current
from assistant.index.resources import embedder_for
from assistant.index.store import open_current
from bench import docbuild
from ingest.pipeline import run
from tests.ingest.test_convert import found_in, own_text

ROOT = Path(__file__).resolve().parents[2]

RACI_EN = [
    ["Task", "Finance", "Sales", "Legal", "People Ops", "IT"],
    ["Approve customer discounts above list price", "C", "R", "I", "", ""],
    ["Run the monthly payroll", "R", "", "", "A", "I"],
    ["Review vendor contracts", "C", "", "A/R", "", ""],
    ["Onboard new employees", "I", "", "", "R/A", "C"],
    ["Reset laptop passwords", "", "", "", "I", "RA"],
    ["Issue customer invoices", "R", "A", "", "", ""],
]
RACI_ZH = [
    ["事项", "财务部", "市场部", "行政部", "人力资源部", "信息技术部"],
    ["客户欠款催收", "协同", "主责", "", "", ""],
    ["员工工资核算", "审批", "", "", "主责", "知会"],
    ["固定资产实物管理", "协同", "", "主责/审批", "", ""],
    ["办公电脑维修", "", "", "知会", "", "主责"],
    ["新员工入职手续", "", "", "协同", "主责/审批", "协同"],
]


def _ask(cfg, question: str):
    from assistant.answer import answer

    return answer(question, settings=cfg)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("rows", "sheet", "questions"),
    [
        (RACI_EN, "RACI", [
            ("Who is responsible for running the monthly payroll?", "Finance", "People Ops", 3),
            ("Who is responsible for approving customer discounts above list price?", "Sales", None, 2),
            ("Which team is responsible for issuing customer invoices?", "Finance", "Sales", 7),
        ]),
        (RACI_ZH, "职责分工", [
            ("员工工资核算由哪个部门负责?", "人力资源部", "财务部", 3),
            ("客户欠款催收归哪个部门负责?", "市场部", None, 2),
            ("固定资产实物管理由谁负责?", "行政部", "行政部", 4),
        ]),
    ],
    ids=["english", "chinese"],
)
def test_raci_workbook_answers_from_the_r_column(tmp_path, home, rows, sheet, questions):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    docbuild.to_xlsx({sheet: rows}, corpus / "raci.xlsx")
    # the units named: what is tested here is reading the matrix, not discovering units (tests/ingest/test_units.py)
    (corpus / "taxonomy.yaml").write_text(
        "departments:\n" + "".join(f"  {unit}:\n    en: {unit}\n" for unit in rows[0][1:]), encoding="utf-8")
    cfg = settings.load(home=home, corpus=corpus)
    report = run(cfg, embedder_for(cfg), progress=False)
    assert report.skipped == [] and report.chunks >= len(rows) - 1
    for question, owner, accountable, row in questions:
        ans = _ask(cfg, question)
        assert ans.department == owner, (question, ans.department, ans.answer)
        cite = ans.citations[0]
        assert cite.source == "raci.xlsx" and cite.location == f"sheet {sheet}, row {row}"
        assert cite.quote == rows[row - 1][0]
        if accountable and accountable != owner:
            assert ans.accountable == accountable and f"accountable: {accountable}" in ans.answer
        assert ans.to_dict()["citations"][0]["location"] == cite.location


BROKEN = {
    "empty.docx": lambda tmp: b"",
    "cut.docx": lambda tmp: docbuild.to_docx("# Legal\n\nLegal reviews contracts.\n", tmp / "c.docx").read_bytes()[:2000],
    "locked.xlsx": lambda tmp: bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 4096,
    "junk.pdf": lambda tmp: b"%PDF-1.4\n" + os.urandom(3000),
    "sub/latin1.txt": lambda tmp: "Caf\u00e9 team: handles the kitchen and coffee supplies.".encode("latin-1"),
    "old.doc": lambda tmp: bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 512,
}
GOOD = {
    "finance.md": "# Finance\n\nFinance runs the monthly payroll and pays supplier invoices.\n",
    "sub/people.docx": "# People Ops\n\nPeople Ops onboards new employees and keeps the HR records.\n",
    "it.html": "# IT\n\nIT resets laptop passwords and manages the help desk.\n",
}


def _mixed_corpus(tmp_path: Path, broken: bool = True) -> Path:
    corpus = tmp_path / "corpus"
    (corpus / "sub").mkdir(parents=True)
    for name, md in GOOD.items():
        docbuild.to_format(md, corpus / name)
    if broken:
        for name, make in BROKEN.items():
            (corpus / name).write_bytes(make(tmp_path))
    (tmp_path / "outside.md").write_text("# Secret\n\nNot part of the corpus.\n", encoding="utf-8")
    (corpus / "link.md").symlink_to(tmp_path / "outside.md")
    return corpus


def _cli(*args, home: Path) -> subprocess.CompletedProcess:
    env = os.environ | {"WHOSEJOB_HOME": str(home), "HF_HUB_OFFLINE": "1"}
    return subprocess.run([sys.executable, "-m", "assistant.surfaces.cli", *args], capture_output=True, text=True,
                          env=env, timeout=600, cwd=ROOT)


@pytest.mark.slow
def test_broken_files_are_named_and_skipped_nothing_else_lost(tmp_path, home):
    corpus = _mixed_corpus(tmp_path)
    proc = _cli("ingest", "--json", "--corpus", str(corpus), home=home)
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    skipped = {s["file"]: s["reason"] for s in report["skipped"]}
    assert set(skipped) == set(BROKEN) | {"link.md"}
    assert "outside the corpus" in skipped["link.md"] and "empty" in skipped["empty.docx"]
    assert "password-protected" in skipped["locked.xlsx"] and "not valid UTF-8" in skipped["sub/latin1.txt"]
    for name in skipped:  # each named on stderr with its reason
        assert re.search(rf"skipped {re.escape(name)}: ", proc.stderr), proc.stderr
    assert report["files"] == len(GOOD)
    cfg = settings.load(home=home, corpus=corpus)
    sources = {c.source for c in open_current(cfg, embedder_for(cfg)).chunks.values()}
    assert sources == set(GOOD)

    # --strict: any skip is exit 2 and the index stays as it was
    before = read_current(cfg)
    docbuild.to_format("# Legal\n\nLegal reviews contracts.\n", corpus / "legal.docx")
    strict = _cli("ingest", "--strict", "--corpus", str(corpus), home=home)
    assert strict.returncode == 2 and "skipped" in strict.stderr
    assert read_current(cfg) == before

    # fixed: nothing skipped, exit 0, and the unchanged files are not converted again
    for name in BROKEN:
        (corpus / name).unlink()
    (corpus / "link.md").unlink()
    ok = _cli("ingest", "--json", "--corpus", str(corpus), home=home)
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["skipped"] == [] and json.loads(ok.stdout)["files"] == len(GOOD) + 1


def test_unchanged_files_are_not_converted_again(tmp_path, home, monkeypatch):
    corpus = _mixed_corpus(tmp_path, broken=False)
    (corpus / "link.md").unlink()
    cfg = settings.load(home=home, corpus=corpus)
    emb = embedder_for(cfg)
    first = run(cfg, emb, progress=False)
    assert first.skipped == []
    import ingest.convert as conv

    calls = []
    real = conv.convert
    monkeypatch.setattr(conv, "convert", lambda raw, name: calls.append(name) or real(raw, name))
    docbuild.to_format("# Legal\n\nLegal reviews contracts.\n", corpus / "legal.docx")
    second = run(cfg, emb, progress=False)
    assert calls == ["legal.docx"] and second.files == len(GOOD) + 1


# ------------------------------------------------------------------ same answers in every format

FORMATS = (".docx", ".pdf", ".html", ".md", ".pptx")


def _as_mixed(src: Path, dst: Path) -> dict[str, Path]:
    """Each Markdown document of `src` written as the next format in FORMATS (by file order)."""
    dst.mkdir(parents=True)
    made = {}
    for i, path in enumerate(sorted(src.glob("*.md"))):
        target = dst / (path.stem + FORMATS[i % len(FORMATS)])
        docbuild.to_format(path.read_text(encoding="utf-8"), target)
        made[path.name] = target
    for extra in src.glob("*.yaml"):
        shutil.copy(extra, dst / extra.name)
    return made


def _accuracy(corpus: Path, cases_path: Path, home: Path) -> tuple[dict, dict]:
    from assistant.index.resources import resources
    from eval import harness

    cfg = settings.load(home=home, corpus=corpus)
    run(cfg, embedder_for(cfg), progress=False)
    tax = resources(cfg)[0].taxonomy
    cases = harness.load_cases(cases_path, tax)
    return harness.run(cases, cfg, tax), cfg


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize("name", ["northwind-handbook", "huaxin-duties"])
def test_project_corpus_in_mixed_formats_answers_like_markdown(tmp_path, name, artifacts):
    src = ROOT / "eval" / "corpora" / name / "documents"
    cases = ROOT / "eval" / "corpora" / name / "cases.jsonl"
    if not src.is_dir() or not cases.exists():
        pytest.skip(f"eval/corpora/{name} is not in this tree")
    made = _as_mixed(src, tmp_path / "mixed")
    md_report, _ = _accuracy(src, cases, tmp_path / "home-md")
    mixed_report, cfg = _accuracy(tmp_path / "mixed", cases, tmp_path / "home-mixed")
    (artifacts / f"formats-{name}.json").write_text(json.dumps(
        {"markdown": md_report["accuracy"], "mixed": mixed_report["accuracy"],
         "formats": {k: v.suffix for k, v in made.items()}}, indent=1))
    assert mixed_report["accuracy"] >= md_report["accuracy"] - 0.02, (md_report["accuracy"], mixed_report["accuracy"])
    assert mixed_report["citation_validity"] == 1.0


@pytest.mark.slow
@pytest.mark.browser
def test_shared_corpus_converted_to_mixed_formats_quotes_the_originals(tmp_path, home):
    src = ROOT.parent / "shared" / "corpora" / "posthog-handbook" / "documents"
    if not src.is_dir():
        pytest.skip("../shared/corpora/posthog-handbook is not beside this checkout")
    made = _as_mixed(src, tmp_path / "mixed")
    cfg = settings.load(home=home, corpus=tmp_path / "mixed")
    report = run(cfg, embedder_for(cfg), progress=False)
    assert report.skipped == [] and report.files == len(made)
    store = open_current(cfg, embedder_for(cfg))
    originals = {p.name: own_text(p) for p in made.values()}
    from ingest.files import read

    texts = {p.name: read(p, cfg.corpus).text for p in made.values()}
    checked = 0
    for c in store.chunks.values():
        assert c.text == texts[c.source][c.start:c.end]  # verbatim in the extracted text
        assert found_in(c.text, originals[c.source]), (c.source, c.text)  # and in the document's own text
        if not c.source.endswith(".md"):
            assert "**" not in c.text and "|" not in c.text
        checked += 1
    assert checked > 200
    for question in ("Who owns feature flags?", "Which team handles billing?"):
        ans = _ask(cfg, question)
        for cite in ans.citations:
            assert found_in(cite.quote, originals[cite.source])
            if cite.source.endswith(".pdf"):
                assert re.fullmatch(r"p\. \d+", cite.location)
            if cite.source.endswith(".pptx"):
                assert re.fullmatch(r"slide \d+", cite.location)
