"""A derived unit's name in the other language, from general business-function names."""

from assistant.verdict.taxonomy import Taxonomy
from ingest import glosses, units
from ingest.files import SourceFile


def test_a_chinese_unit_gets_the_english_names_of_its_function():
    got = glosses.glosses({"财务部": None, "信息技术部": None, "人事处": None, "办公室": None, "检验科": None})
    assert got["财务部"] == ["Finance"]
    assert got["信息技术部"] == ["Information Technology", "IT"]
    assert got["人事处"] == ["Human Resources", "HR"]  # a public body's 处 is a unit word like 部
    assert got["办公室"] == ["General Office"]  # the whole name is the function
    assert "检验科" not in got  # not a function name: nothing guessed


def test_an_english_unit_gets_chinese_names_and_unit_words_are_not_the_function():
    got = glosses.glosses({"Legal team": None, "Team Marketing": None, "Replay": None})
    assert got["Legal team"] == ["法务部", "法务团队"]
    assert got["Team Marketing"] == ["市场部", "市场团队"]
    assert "Replay" not in got


def test_a_name_two_units_would_share_goes_to_the_one_above():
    got = glosses.glosses({"采购部": None, "采购科": "采购部"})
    assert got == {"采购部": ["Procurement", "Purchasing"]}
    # not in one line: which one a question means is not known, so neither
    assert glosses.glosses({"采购部": None, "采购处": None}) == {}


def test_a_name_a_unit_already_has_is_not_given_to_another():
    assert "Marketing" not in glosses.glosses({"市场部": None, "Marketing": None}).get("市场部", [])


def _corpus(pages: dict[str, str]) -> Taxonomy:
    return units.discover([SourceFile(name=name, text=text, sha="") for name, text in pages.items()])


def test_an_english_question_names_a_unit_of_chinese_documents():
    tax = _corpus({
        "财务部.md": "# 财务部\n\n财务部负责公司的会计核算、资金管理和税务申报。\n",
        "信息技术部.md": "# 信息技术部\n\n信息技术部负责网络、服务器和门禁系统的维护。\n",
        "行政部.md": "# 行政部\n\n行政部负责门禁权限的开通和办公用品的采购。\n",
    })  # fmt: skip
    assert tax.departments["财务部"].en == "Finance"  # what an English reader is shown: "Finance (财务部)"
    assert [lab for lab, _ in tax.mentions("IT looks after door access, so I should ask them, right?", loose=True)] == ["信息技术部"]
    assert [lab for lab, _ in tax.mentions("does finance do the tax filing?", loose=True)] == ["财务部"]
    assert tax.mentions("it is broken, who fixes it?", loose=True) == []  # the pronoun is not IT


def test_taiwanese_and_hong_kong_function_names_get_english_names_too():
    """資訊 (IT), 稽核 (audit), 品保 (QA), 資材 (materials), 保安 / 保卫 (security): the words a Traditional-Chinese
    company or a Hong Kong one uses where a mainland one writes 信息, 审计, 质量, 物料."""
    got = glosses.glosses({"資訊室": None, "稽核室": None, "品保部": None, "資材課": None, "保卫科": None, "總務課": None})
    assert got["資訊室"][:2] == ["Information Technology", "IT"]
    assert got["稽核室"][0] == "Internal Audit" and got["品保部"][0] == "Quality Assurance"
    assert got["資材課"][0] == "Materials" and got["保卫科"] == ["Security"]
    assert "General Affairs" in got["總務課"]
    assert glosses.function("資訊科技部") == glosses.function("Information Technology") is not None
