import pytest

from assistant.verdict.taxonomy import for_corpus
from corpus import DIR
from ingest.chunker import chunk, index_text
from ingest.files import read

SOURCE = "000_0824a7ce25b39d88.txt"


@pytest.fixture(scope="module")
def chunks():
    src = read(DIR / SOURCE, DIR)
    return src, chunk(src.name, src.text, for_corpus(DIR))


def test_offsets_and_lines_are_exact(chunks):
    src, cs = chunks
    lines = src.text.split("\n")
    assert len(cs) > 100
    for c in cs:
        assert src.text[c.start : c.end] == c.text
        assert c.text in "\n".join(lines[c.line_start - 1 : c.line_end])
        assert c.text == c.text.strip() and c.text


def test_ids_are_unique_content_hashes(chunks):
    src, cs = chunks
    assert len({c.id for c in cs}) == len(cs)
    again = chunk(src.name, src.text, for_corpus(DIR))
    assert [c.id for c in again] == [c.id for c in cs]


def _find(cs, needle):
    return next(c for c in cs if needle in c.text)


def test_structure_gives_owner_section_and_company(chunks):
    _, cs = chunks
    pr = _find(cs, "危機處理、新聞稿件")
    assert pr.owner == "公關部" and "1.2PR部" in pr.section and pr.line_start == 101
    assert _find(cs, "8) 制定產品價格").owner == "市場部"
    assert _find(cs, "布展撤展的服務").owner == "營運部"  # trade-show work, not 運營部
    assert _find(cs, "用戶留存率").owner == "用戶運營"
    assert _find(cs, "提升產品的某個數據").owner == "產品運營"  # 運營手段 under 2.4產品運營
    b = _find(cs, "負責品牌、公關、自媒體等")
    assert b.company and b.company.startswith("公司B") and b.owner == "品牌部"
    c = _find(cs, "企劃部: 負責品牌")
    assert c.owner == "品牌部"  # 企劃部 is another name for 品牌部
    assert _find(cs, "由此可見").company is None  # the company block ended


def test_long_lines_split_into_sentences(chunks):
    _, cs = chunks
    line130 = [c for c in cs if c.line_start == 130]
    assert len(line130) >= 2
    assert any(c.owner == "運營部" and "留存和轉化" in c.text for c in line130)


def test_index_text_reads_a_list_item_without_its_marker():
    from assistant.verdict.taxonomy import Taxonomy

    tax = Taxonomy.from_dict({"Finance": {}})
    numbered = chunk("a.md", "# Finance\n\n1. Budgeting and forecasting\n- Tax filings\n", tax)
    drawn = chunk("a.docx", "# Finance\n\nBudgeting and forecasting\nTax filings\n", tax)
    assert [index_text(c) for c in numbered] == [index_text(c) for c in drawn] == [
        "Finance\nBudgeting and forecasting", "Finance\nTax filings"]
    assert numbered[0].text == "1. Budgeting and forecasting"  # the quote keeps the document's own words


def test_index_text_carries_heading(chunks):
    _, cs = chunks
    c = _find(cs, "用戶留存率")
    heading = index_text(c).split("\n")[0]
    assert heading.endswith("2.2用戶運營") and heading.startswith("㈦")  # the section, then the leaf heading


def test_generic_markdown_and_crlf(tmp_path):
    text = "# 人力資源部\n負責招聘與培訓。\n\n## 財務部\n1. 費用收支\n2. 預決算\n"
    cs = chunk("x.md", text, for_corpus(DIR))
    assert [c.owner for c in cs] == ["人力資源部", "財務部", "財務部"]
    for c in cs:
        assert text[c.start : c.end] == c.text
