"""bench/shapes.py writes one corpus in the shapes a company keeps it in."""

from __future__ import annotations

import pytest

from bench import shapes


@pytest.fixture
def corpus(tmp_path):
    d = tmp_path / "docs"
    d.mkdir()
    (d / "finance.md").write_text("---\ntitle: x\n---\n# Finance\n\nFinance pays suppliers.\n\n## Payroll\n\nPayroll runs salaries.\n", encoding="utf-8")
    (d / "legal.md").write_text("# Legal\n\nLegal reviews contracts.\n", encoding="utf-8")
    return d


def test_one_handbook_keeps_every_page_as_a_section(corpus, tmp_path):
    text = (shapes.build(corpus, "one", tmp_path / "one") / "handbook.md").read_text(encoding="utf-8")
    assert text.startswith("# Handbook\n") and "\n## Finance\n" in text and "\n### Payroll\n" in text
    assert "\n## Legal\n" in text and "title: x" not in text


def test_plain_text_has_no_heading_marks_but_the_same_lines(corpus, tmp_path):
    text = (shapes.build(corpus, "txt", tmp_path / "txt") / "handbook.txt").read_text(encoding="utf-8")
    assert "#" not in text
    assert "\nFinance\n" in text and "\nPayroll\n" in text and "Legal reviews contracts." in text


def test_markdown_and_html_shapes_write_a_file_a_page(corpus, tmp_path):
    assert sorted(p.name for p in shapes.build(corpus, "md", tmp_path / "md").iterdir()) == ["finance.md", "legal.md"]
    html = shapes.build(corpus, "html", tmp_path / "html")
    assert "<h1>Finance</h1>" in (html / "finance.html").read_text(encoding="utf-8")


def test_an_unknown_shape_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exc:
        shapes.main(["--shapes", "md,rtf"])
    assert exc.value.code == 2 and "unknown shape(s) rtf" in capsys.readouterr().err
