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


def _one_file(tmp_path, name: str, text: str):
    """Departments derived from one file written to `tmp_path`, and its chunks' owners by text."""
    from ingest import units
    from ingest.files import find

    (tmp_path / name).write_text(text, encoding="utf-8")
    sources = [read(p, tmp_path) for p in find(tmp_path)]
    tax = units.discover(sources)
    return {d.label for d in tax}, {c.text: c.owner for c in chunk(sources[0].name, sources[0].text, tax)}


def test_text_without_heading_marks_reads_its_title_lines_as_headings(tmp_path):
    """A duty list saved as plain text (or Word without heading styles): 「人力资源部」 on its own line heads
    its duties, 「一、主要职责」 is a part of it, and the next unit's title line ends it."""
    text = (
        "部门职责说明书\n\n\n人力资源部\n\n人力资源部是公司人事管理的职能部门。\n\n一、主要职责\n\n"
        "1. 员工招聘、录用与离职手续的办理；\n2. 社会保险的申报与缴纳。\n\n"
        "财务部\n\n财务部是公司资金管理的职能部门。\n\n一、主要职责\n\n1. 费用报销的审核；\n2. 年度预算的编制。\n"
    )
    labels, owners = _one_file(tmp_path, "职责.txt", text)
    assert {"人力资源部", "财务部"} <= labels
    assert owners["1. 员工招聘、录用与离职手续的办理；"] == "人力资源部"
    assert owners["2. 年度预算的编制。"] == "财务部"


def test_a_plain_title_line_that_names_no_unit_stays_inside_the_unit_above(tmp_path):
    text = (
        "Handbook\n\n\nCustomer Support\n\nThe Customer Support team answers the support inbox.\n\n"
        "Escalation paths\n\nBugs go to the on-call engineer after triage.\n\n"
        "Payroll\n\nThe Payroll team runs salaries every month.\n"
    )
    labels, owners = _one_file(tmp_path, "handbook.txt", text)
    assert {"Customer Support", "Payroll"} <= labels and "Escalation paths" not in labels
    assert owners["Bugs go to the on-call engineer after triage."] == "Customer Support"
    assert owners["The Payroll team runs salaries every month."] == "Payroll"


def test_a_sentence_handing_work_to_several_units_keeps_each_clauses_doer(tmp_path):
    from assistant.models import Chunk
    from ingest import files, units

    (tmp_path / "人力资源部.md").write_text(
        "# 人力资源部\n\n人力资源部负责招聘与培训。\n\n"
        "新员工入职当天所需的工位由行政部准备，电脑及系统账号由信息技术部开通，人力资源部负责统筹协调。\n\n"
        "此外，人力资源部还兼顾其他职能，诸如行政部的考勤、信息技术部的账号等。\n",
        encoding="utf-8",
    )
    for unit in ("行政部", "信息技术部"):
        (tmp_path / f"{unit}.md").write_text(f"# {unit}\n\n{unit}负责本部门事务。\n", encoding="utf-8")
    sources = [files.read(p, tmp_path) for p in files.find(tmp_path)]
    tax = units.discover(sources)
    page = next(s for s in sources if s.name == "人力资源部.md")
    cs = chunk(page.name, page.text, tax)
    split = _find(cs, "电脑及系统账号")
    assert split.owner == "行政部"  # the sentence's owner: the first unit it hands work to
    assert [(split.text[a:b], doer) for a, b, doer in split.clauses] == [
        ("新员工入职当天所需的工位由行政部准备", "行政部"),
        ("电脑及系统账号由信息技术部开通", "信息技术部"),
        ("人力资源部负责统筹协调", "人力资源部"),
    ]
    # units only listed (「诸如…」) do no work: no clauses to choose from
    assert _find(cs, "诸如").clauses == ()
    # the clauses survive the Chroma metadata round trip (server mode rebuilds chunks from it)
    assert Chunk.from_metadata(split.id, split.text, split.metadata()) == split


def test_a_sentence_that_opens_by_naming_a_doer_gives_the_sentence_before_it_that_owner(tmp_path):
    """A list item of two sentences on another unit's page: "… what ships this week. Owned by the
    [Marketing team](/teams/marketing) …" says whose the first sentence is, through Markdown's link marks,
    and is kept with it as one passage; an item with no such sentence stays the page's, in two."""
    from ingest import files, units

    (tmp_path / "marketing.md").write_text("# Marketing\n\nThe Marketing team runs launches and the blog.\n",
                                           encoding="utf-8")
    (tmp_path / "sales.md").write_text(
        "# Sales\n\nThe Sales team closes deals.\n\n## Channels\n\n"
        "- [`#launches`](https://chat.example.com/launches) – what ships this week. "
        "Owned by the [Marketing team](/teams/marketing) and posted daily.\n"
        "- [`#deals`](https://chat.example.com/deals) – every deal closed this quarter. Posted by a bot at noon.\n",
        encoding="utf-8")
    (tmp_path / "销售部.md").write_text(
        "# 销售部\n\n销售部负责客户开发。\n\n"
        "- 每周一上午汇总上周各渠道的线索数量、转化情况与竞品动态，形成经营周报，经部门负责人审阅后于当天中午前发给公司管理层。由市场部负责。\n", encoding="utf-8")
    (tmp_path / "市场部.md").write_text("# 市场部\n\n市场部负责品牌与推广。\n", encoding="utf-8")
    sources = [files.read(p, tmp_path) for p in files.find(tmp_path)]
    tax = units.discover(sources)
    owners = {c.text: c.owner for s in sources for c in chunk(s.name, s.text, tax)}
    # one passage, so the quote shows whose it is
    launches = ("[`#launches`](https://chat.example.com/launches) – what ships this week. "
                "Owned by the [Marketing team](/teams/marketing) and posted daily.")
    assert owners[launches] == "Marketing"
    assert owners["[`#deals`](https://chat.example.com/deals) – every deal closed this quarter."] == "Sales"
    assert owners["Posted by a bot at noon."] == "Sales"
    weekly = next(t for t in owners if t.startswith("每周一上午"))
    assert weekly.endswith("发给公司管理层。由市场部负责。") and owners[weekly] == "市场部"


def test_an_faq_s_answers_are_owned_by_the_unit_each_one_names(tmp_path):
    """Each question starts afresh; a passive's agent does the work; an answer that is only a name is
    that unit's; a name that only qualifies a thing ("the People Team form") is not the doer."""
    _, owners = _one_file(tmp_path, "contact.md", (
        "# Who to contact\n\n## People\n\n"
        "The People Team runs recruitment and onboarding.\n\n"
        "I need a reference letter.\n\n"
        "Factual references are provided by the Payroll Office.\n\n"
        "Who runs first aid training?\n\n"
        "The Safety Office.\n\n"
        "Book a place in the learning catalogue.\n\n"
        "How do I get a parking permit?\n\n"
        "Permits are sent out in September.\n\n"
        "Laptop accounts are disabled on the leaving date, triggered by the People Team leaver form.\n\n"
        "## Payroll Office\n\nThe Payroll Office pays salaries.\n\n## Safety Office\n\nThe Safety Office runs drills.\n"
    ))
    assert owners["Factual references are provided by the Payroll Office."] == "Payroll Office"
    assert owners["The Safety Office."] == "Safety Office"
    assert owners["Book a place in the learning catalogue."] == "Safety Office"
    # a new question: the unit of the answer before it no longer carries over
    assert owners["Permits are sent out in September."] != "Safety Office"
    assert owners["Laptop accounts are disabled on the leaving date, triggered by the People Team leaver form."] != "People Team"


def test_an_faq_answer_is_embedded_and_indexed_with_its_question():
    """「A：請向社會課申請。」 says nothing of what was asked: its question goes into what is embedded and indexed
    (not into what is quoted), up to the next question or heading."""
    from assistant.verdict.taxonomy import Taxonomy

    tax = Taxonomy.from_dict({"社會課": {}, "工務股": {}}, derived=True)
    text = (
        "# 常見問答\n\nQ1：想申請低收入戶要去哪裡？\n\nA：請向社會課申請。\n\n本所受理後辦理訪視。\n\n"
        "Q2：家門口的路燈不亮，要找誰？\n\nA：請撥打工務股。\n\n# 服務時間\n\n週一至週五上班。\n"
    )
    by_text = {c.text: c for c in chunk("faq.md", text, tax)}
    answer = by_text["A：請向社會課申請。"]
    assert answer.owner == "社會課" and "低收入戶" in index_text(answer) and "低收入戶" not in answer.text
    assert "低收入戶" in index_text(by_text["本所受理後辦理訪視。"])  # the answer's next line too
    assert "路燈" in index_text(by_text["A：請撥打工務股。"]) and "低收入戶" not in index_text(by_text["A：請撥打工務股。"])
    assert "路燈" not in index_text(by_text["週一至週五上班。"])  # a heading ends the answer
    assert by_text["Q1：想申請低收入戶要去哪裡？"].context == ""


def test_a_regulation_s_article_opens_with_the_unit_whose_duties_follow(tmp_path):
    """「第七條 財務處掌理事項如下：」 hands the items under it to 財務處, not to the 處 of the article before."""
    _, owners = _one_file(tmp_path, "組織規程.md",
        "# 組織規程\n\n第三條 本公司設下列各處：\n一、工程處。\n二、財務處。\n\n第六條 工程處掌理事項如下：\n\n"
        "一、碼頭工程之施工管理及驗收。\n\n工程處設施工管理科。\n\n第七條 財務處掌理事項如下：\n\n"
        "一、年度預算之籌編。\n\n二、資金調度、融資及短期投資之規劃與管理。\n")
    assert owners["二、資金調度、融資及短期投資之規劃與管理。"] == "財務處"
    assert owners["一、碼頭工程之施工管理及驗收。"] == "工程處"


def test_a_unit_named_after_a_preposition_is_not_the_item_s_subject(tmp_path):
    """「2. 依品保部判定結果提出……」 under 客戶服務部 is 客戶服務部's; 「下設價格管理科：負責……」 is the 科's."""
    _, owners = _one_file(tmp_path, "部門職掌.md",
        "# 部門職掌\n\n## 品質保證部（品保部）\n\n1. 負責進料檢驗。\n\n## 客戶服務部\n\n1. 受理客訴。\n\n"
        "2. 依品保部判定結果提出銷貨退回申請。\n\n## 財務部\n\n1. 負責預算。\n\n下設價格管理科：負責價格申報。\n")
    assert owners["2. 依品保部判定結果提出銷貨退回申請。"] == "客戶服務部"
    assert owners["下設價格管理科：負責價格申報。"] == "價格管理科"


def test_a_job_description_s_duties_are_the_unit_its_form_names(tmp_path):
    """A 岗位说明书: the post's table says 所属部门 人资部 and 所属科室/组 薪酬绩效科, so its numbered duties are
    薪酬绩效科's (the most specific), until the next post's form names another; a directory's
    「人力资源部：0512-6688001」 line says nothing of the lines after it."""
    text = (
        "# 岗位说明书\n\n人力资源部：0512-6688001\n\n本册节选两个岗位。\n\n"
        "1. 薪酬专员\n\n| 岗位名称 | 薪酬专员 | 岗位编号 | RZ-03 |\n|---|---|---|---|\n"
        "| 所属部门 | 人资部 | 所属科室/组 | 薪酬绩效科 |\n\n岗位职责\n\n1. 核算员工基本工资、加班费，编制月度工资表。\n\n"
        "2. 来料检验员\n\n| 岗位名称 | 来料检验员 | 岗位编号 | ZG-01 |\n|---|---|---|---|\n"
        "| 所属部门 | 质量管理部 | 所属科室/组 | 来料检验组（IQC） |\n\n岗位职责\n\n1. 按检验规范实施进货检验。\n\n"
        "# 部门职责\n\n## 人力资源部\n\n人力资源部负责人事管理。下设薪酬绩效科。\n\n"
        "## 质量管理部\n\n质量管理部负责质量。下设来料检验组。\n"
    )
    labels, owners = _one_file(tmp_path, "岗位说明书.md", text)
    assert {"薪酬绩效科", "来料检验组"} <= labels
    assert owners["本册节选两个岗位。"] is None
    assert owners["1. 核算员工基本工资、加班费，编制月度工资表。"] == "薪酬绩效科"
    assert owners["1. 按检验规范实施进货检验。"] == "来料检验组"
