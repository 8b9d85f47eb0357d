"""A sentence's doer: the unit it names as its subject or hands the work to, in English and Chinese."""

import pytest

from assistant.verdict.taxonomy import Department, Taxonomy
from ingest import doers


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    units = {
        "Legal": ("Legal", None, ()),
        "Finance": ("Finance", None, ()),
        "Payroll": ("Payroll", "Finance", ()),
        "Customer Support": ("Customer Support", None, ("Support",)),
        "市场部": ("Marketing", None, ()),
        "行政部": ("Administration", None, ()),
        "信息技术部": ("IT", None, ("IT部",)),
    }
    return Taxonomy({k: Department(k, p, en, a) for k, (en, p, a) in units.items()}, derived=True)


def _owner(sentence: str, taxonomy: Taxonomy) -> tuple[str | None, bool]:
    return doers.owner(sentence, taxonomy.mentions(sentence), taxonomy)


@pytest.mark.parametrize("sentence, unit, up_front", [
    ("Legal reviews every supplier contract before signature.", "Legal", True),
    ("Expense claims go to Finance (Payroll) once approved.", "Payroll", False),
    ("Refund requests are handled by Customer Support within two days.", "Customer Support", False),
    ("经营周报的汇总由市场部负责。", "市场部", False),
    ("市场部负责品牌活动的策划与执行。", "市场部", True),
])
def test_the_subject_or_the_unit_handed_the_work(taxonomy, sentence, unit, up_front):
    assert _owner(sentence, taxonomy) == (unit, up_front)


@pytest.mark.parametrize("sentence", [
    "Invoices mention Finance in the footer of every page.",  # named, but does no work
    "Requests are triggered by the Legal intake form and sent to the board.",  # the name qualifies a thing
    "We review the budget every quarter (see the Finance calendar).",  # an aside
])
def test_a_unit_only_named_is_no_doer(taxonomy, sentence):
    assert _owner(sentence, taxonomy) == (None, False)


def test_a_sentence_handing_parts_to_two_units_is_cut_into_clauses(taxonomy):
    sentence = "新员工的工位由行政部准备，电脑及系统账号由信息技术部开通。"
    cut = doers.clauses(sentence, "行政部", taxonomy)
    assert [d for _, _, d in cut if d] == ["行政部", "信息技术部"]
    assert sentence[cut[1][0] : cut[1][1]].startswith("电脑及系统账号由信息技术部开通")
    assert doers.clauses("行政部负责工位和办公用品。", "行政部", taxonomy) == ()


def test_a_sentence_saying_whose_the_one_before_is_is_joined_to_it(taxonomy):
    text = "Weekly sales summary for the leadership meeting. Owned by the Finance team and shared on Mondays."
    first = text.index(".") + 1
    pieces, joined = doers.with_doers([(0, first), (first + 1, len(text))], text, taxonomy)
    assert pieces == [(0, len(text))] and joined == {0: "Finance"}
