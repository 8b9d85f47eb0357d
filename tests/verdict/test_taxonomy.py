import pytest

from assistant.errors import TaxonomyError
from assistant.text import fold
from assistant.verdict.taxonomy import for_corpus, load
from corpus import DIR

REQUIRED = ["市場部", "品牌部", "公關部", "營銷策劃部", "新媒體部", "網推部", "運營部", "內容運營", "用戶運營", "活動運營", "產品運營", "新媒體運營", "APP商店推廣運營", "店鋪運營", "社區運營", "商務運營", "營運部", "銷售部", "總經理辦公室", "人力資源部", "財務部", "生產技術部", "黨群工作部", "工會辦公室", "保衛部", "後勤部"]


@pytest.fixture(scope="module")
def tax():
    return for_corpus(DIR)


def test_required_labels_and_parents(tax):
    for label in REQUIRED:
        assert label in tax, label
    for child in ("品牌部", "公關部", "營銷策劃部", "新媒體部", "網推部"):
        assert tax.departments[child].parent == "市場部"
    for child in ("內容運營", "用戶運營", "活動運營", "產品運營", "新媒體運營", "APP商店推廣運營", "店鋪運營", "社區運營", "商務運營"):
        assert tax.departments[child].parent == "運營部"


@pytest.mark.parametrize(
    "name,label",
    [
        ("公关部", "公關部"), ("PR", "公關部"), ("PR部", "公關部"), ("pr", "公關部"),
        ("企劃部", "品牌部"), ("企划部", "品牌部"), ("Brand", "品牌部"),
        ("营销部", "市場部"), ("行銷部", "市場部"), ("Marketing", "市場部"),
        ("市場策劃部", "營銷策劃部"), ("數字營銷部", "新媒體部"), ("应用商店推广运营", "APP商店推廣運營"),
        ("業務部", "銷售部"), ("Sales", "銷售部"), ("运营部", "運營部"), ("营运部", "營運部"),
    ],
)
def test_aliases_in_every_script(tax, name, label):
    assert tax.canonical(name) == label


def test_yingyun_is_not_yunying(tax):
    assert tax.canonical("營運部") == "營運部"
    assert tax.canonical("營運部") != tax.canonical("運營部")
    assert not tax.is_under("營運部", "運營部") and not tax.is_under("運營部", "營運部")
    assert "營運部" not in tax.departments["運營部"].aliases


def test_descendants(tax):
    assert tax.is_under("用戶運營", "運營部")
    assert not tax.is_under("運營部", "用戶運營")
    assert tax.ancestors("公關部") == ["市場部"]


def test_mentions_longest_match_and_word_boundaries(tax):
    assert [m for m, _ in tax.mentions("內容運營和運營部")] == ["內容運營", "運營部"]
    assert tax.mentions("who sets product prices?") == []  # "pr" inside "product"/"prices" is not PR
    assert [m for m, _ in tax.mentions("Is PR under marketing?")] == ["公關部", "市場部"]


def test_strip_removes_units_but_keeps_role_words(tax):
    stripped = tax.strip("展會供電要找生產技術部嗎?")
    assert "生產技術部" not in stripped and "展會" in stripped
    assert fold("社群運營") in tax.strip("社群運營歸誰?")


@pytest.mark.parametrize(
    "text,needle",
    [
        ("departments: [oops", "not valid YAML"),
        ("departments:\n  甲部:\n    parent: 乙部\n  乙部:\n    parent: 甲部\n", "cycle"),
        ("departments:\n  甲部:\n    aliases: [X]\n  乙部:\n    aliases: [x]\n", "claimed by both"),
        ("departments:\n  甲部:\n    parent: 丙部\n", "unknown parent"),
    ],
)
def test_bad_taxonomy_files(tmp_path, text, needle):
    bad = tmp_path / "t.yaml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(TaxonomyError, match=needle):
        load(bad)


def test_the_english_name_an_answer_shows_is_a_name_a_question_may_use(tmp_path):
    path = tmp_path / "taxonomy.yaml"
    path.write_text(
        "departments:\n  市場部:\n    en: Marketing\n    aliases: [Marketing, Growth]\n"
        "  新媒體部:\n    parent: 市場部\n    en: New media\n    aliases: [數字營銷部]\n"
        "  網推部:\n    parent: 市場部\n    en: Growth\n",
        encoding="utf-8",
    )
    tax = load(path)
    assert tax.canonical("New media") == "新媒體部"
    assert tax.mentions("Does New media run the WeChat account?") == [("新媒體部", 5)]
    # an English name that is another department's alias stays that department's
    assert tax.canonical("Growth") == "市場部"


def test_a_unit_in_parentheses_after_its_parent_is_the_one_named():
    """「社會課（社會救助股）」 names the 股 of that 課, not both; two units side by side stay two."""
    from assistant.verdict.taxonomy import Taxonomy

    tax = Taxonomy.from_dict({"社會課": {}, "社會救助股": {"parent": "社會課"}, "民政課": {}}, derived=True)
    assert [label for label, _ in tax.mentions("請向區公所社會課（社會救助股）申請。")] == ["社會救助股"]
    assert [label for label, _ in tax.mentions("社會課(社會救助股)")] == ["社會救助股"]
    assert [label for label, _ in tax.mentions("由民政課（社會救助股協辦）")] == ["民政課", "社會救助股"]
    assert [label for label, _ in tax.mentions("社會課與社會救助股")] == ["社會課", "社會救助股"]
