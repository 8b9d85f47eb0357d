"""Names and aliases read from headings, parentheses and a section's first line (ingest/names.py)."""

import pytest

from ingest.names import aliases_in, first_aliases, read_name


@pytest.mark.parametrize(
    ("heading", "name"),
    [("第三章 医务处", "医务处"), ("第二节 护理部", "护理部"), ("第十二篇 總務處", "總務處"), ("第一部分 财务部", "财务部"),
     ("一、會計課", "會計課"), ("4.4.5 审计监察部", "审计监察部")],
)
def test_a_chapter_or_section_number_is_no_part_of_the_name(heading, name):
    assert read_name(heading)[0] == name


@pytest.mark.parametrize(
    ("paren", "want"),
    [
        ("简称“质控科”", ["质控科"]),
        ("原设备科", ["设备科"]),  # the former name, without 原
        ("原名后勤科", ["后勤科"]),
        ("对外亦称", []),  # a lead with nothing after it
        ("2022年7月更名", []),  # a clause, no name
        ("投诉接待室设在门诊楼一楼", []),
        ("科室", []),  # a generic word
        ("Tech Ops", ["Tech Ops"]),
    ],
)
def test_a_parenthesis_gives_names_not_clauses(paren, want):
    assert aliases_in(paren) == want


def test_an_article_number_before_a_units_name_does_not_hide_its_short_name():
    first = "第十条 医疗质量管理科（简称“质控科”）负责全院医疗质量监测。"
    assert first_aliases("医疗质量管理科", first, strict=True) == ["质控科"]


def test_fragments_and_joined_names_are_no_unit_names():
    from ingest.names import balanced, is_cjk_unit, several

    assert not balanced("分别分管生产运营（生产管理部") and balanced("来料检验组（IQC）")
    assert several("執行長室／稽核室") and several("Payroll Team / Benefits Team") and not several("QA/RA")
    # 外部 is "external", 的 joins a clause; 安全 + 部 is a unit
    assert not is_cjk_unit("學術合作及外部") and not is_cjk_unit("依据生产管理部提供的计件产量和技术研发中心")
    assert is_cjk_unit("信息安全部")


def test_a_parenthesis_part_that_says_where_a_unit_is_or_who_calls_it_what_gives_the_name_only():
    """「一车间（机加工车间，位于相城厂区）」: the place is no alias; 「（简称“生管部”，车间习惯称“生产部”）」 gives
    both short names and not 「车间习惯称」."""
    assert aliases_in("机加工车间，位于相城厂区") == ["机加工车间"]
    assert sorted(aliases_in("简称“生管部”，车间习惯称“生产部”")) == ["生产部", "生管部"]


@pytest.mark.parametrize(
    ("heading", "name"),
    [("🚀 三、增长中心", "增长中心"), ("💻 二、产品技术中心（大家习惯叫“产研中心”）", "产品技术中心"), ("└ 小红书运营组", "小红书运营组"),
     ("Finance ✅", "Finance"), ("㈠ 市場部", "市場部"), ("（甲）接待處", "接待處"), ("🚀 增长中心 团队介绍", "增长中心")],
)
def test_pictographs_tree_marks_and_heavenly_stem_numbers_are_no_part_of_the_name(heading, name):
    """A wiki exported from Feishu or Notion puts an emoji before each heading; a Hong Kong or Taiwanese
    document numbers sub-items （甲）（乙）; a tree cell draws └ before a team."""
    assert read_name(heading)[0] == name


def test_what_people_usually_call_a_unit_is_its_alias_not_the_words_that_say_so():
    assert aliases_in("大家习惯叫“产研中心”") == ["产研中心"]
    assert aliases_in("SEC，也常被叫做“安全部”“信安”") == ["安全部", "信安", "SEC"]


@pytest.mark.parametrize(
    ("name", "post"),
    [("NetOps Team Leader", True), ("Company Secretary", True), ("HR Business Partner", True),
     ("Leakage & Metering", False), ("Network Operations", False), ("Leader", False), ("人力资源部", False)],
)
def test_an_english_name_ending_in_a_posts_word_names_a_person(name, post):
    from ingest.names import is_post_en

    assert is_post_en(name) is post


def test_a_clause_with_the_classical_possessive_is_no_unit():
    from ingest.names import is_cjk_unit

    assert not is_cjk_unit("消防演習之籌辦", longest=24)
    assert is_cjk_unit("接待處")


@pytest.mark.parametrize(("name", "unit"), [("常见误会", False), ("公司年会", False), ("常見誤會", False), ("多媒体教室", False),
                                            ("工会", True), ("伦理委员会", True)])
def test_a_word_that_ends_in_会_处_or_室_by_chance_is_no_unit(name, unit):
    from ingest.names import is_cjk_unit

    assert is_cjk_unit(name) is unit
