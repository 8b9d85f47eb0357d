"""Departments read from the documents: the project's own corpora against their answer keys."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ingest import chunker, files, units
from ingest.names import aliases_in

ROOT = Path(__file__).resolve().parents[2]
CORPORA = ROOT / "eval" / "corpora"


def _sources(corpus: Path):
    return [files.read(p, corpus) for p in files.find(corpus)]


def _owners(sources, name: str, taxonomy) -> dict[str, str | None]:
    """The owners of one file's chunks, by chunk text."""
    page = next(s for s in sources if s.name == name)
    return {c.text: c.owner for c in chunker.chunk(page.name, page.text, taxonomy)}


SHAPES = ROOT / "tests" / "data" / "corpora"  # the shapes written for the tests (test_shapes.py)


def test_parents_and_aliases_come_from_nesting_and_parentheses():
    tax = units.discover(_sources(CORPORA / "huaxin-duties" / "documents"))
    assert tax.departments["检验科"].parent == "质量管理部"
    assert tax.canonical("品质部") == "质量管理部"
    assert tax.canonical("HR") == "人力资源部"
    en = units.discover(_sources(CORPORA / "northwind-handbook" / "documents"))
    assert en.departments["Recruiting"].parent == "People Operations"
    assert en.canonical("People Ops") == "People Operations"
    assert en.canonical("SRE") == "Site Reliability Engineering"


def test_titles_that_are_not_units_and_people_in_owner_columns_are_skipped(tmp_path):
    (tmp_path / "faq.md").write_text("# Frequently asked questions\n\nHow do I ask?\n", encoding="utf-8")
    (tmp_path / "billing.md").write_text(
        "# Billing Team\n\nThe Billing team owns invoices.\n\n| Area | Owner |\n|---|---|\n| Refunds | Team Payments |\n"
        "| Tax | @someone |\n| Dunning | Kendal |\n\nEach team owns its own alerts.\n",
        encoding="utf-8",
    )
    tax = units.discover(_sources(tmp_path))
    assert set(tax.departments) == {"Billing Team", "Payments"}


def test_suggest_yaml_round_trips_as_a_saved_taxonomy(tmp_path):
    from assistant.verdict.taxonomy import load

    tax = units.discover(_sources(CORPORA / "huaxin-duties" / "documents"))
    path = tmp_path / "taxonomy.yaml"
    path.write_text(units.suggest_yaml(tax), encoding="utf-8")
    saved = load(path)
    assert set(saved.departments) == set(tax.departments)
    assert saved.departments["检验科"].parent == "质量管理部"


def test_headings_made_of_generic_words_name_no_unit(tmp_path):
    (tmp_path / "infra.md").write_text(
        "# 基础设施组\n\n## SIG组工作目标和范围\n\n负责社区基础设施。\n\n## The team\n\nWe run the servers.\n", encoding="utf-8")
    tax = units.discover(_sources(tmp_path))
    assert set(tax.departments) == {"基础设施组"}


def test_owner_cells_name_units_as_their_pages_do_without_the_generic_word(tmp_path):
    """A heading says "Team Replay" and the unit is "Replay"; an ownership table's cell "Team Replay" (or
    "Replay team") still owns its row, so feature lookups reach the team."""
    (tmp_path / "replay.md").write_text("# Replay\n\nReplay owns session recordings.\n", encoding="utf-8")
    (tmp_path / "billing.md").write_text("# Team Billing\n\nTeam Billing owns invoices.\n", encoding="utf-8")
    (tmp_path / "features.md").write_text(
        "# Feature ownership\n\n| Feature | Owner |\n|---|---|\n| Heatmaps | Team Replay |\n| Usage limits | Billing team |\n",
        encoding="utf-8",
    )
    sources = _sources(tmp_path)
    tax = units.discover(sources)
    assert {"Replay", "Team Billing"} <= {d.label for d in tax}
    assert tax.canonical("Team Replay") is None  # not an alias: matched by its key
    assert tax.resolve("Team Replay") == "Replay" and tax.resolve("billing team") == "Team Billing"
    assert tax.resolve("Team Nobody") is None
    owners = _owners(sources, "features.md", tax)
    assert owners["Heatmaps"] == "Replay" and owners["Usage limits"] == "Team Billing"


def test_a_thing_of_a_unit_is_not_a_unit(tmp_path):
    (tmp_path / "db.md").write_text(
        "# DB SIG\n\nThe DB SIG maintains database packages.\n\n## Etherpad of DB SIG\n\nNotes live here.\n\n"
        "## Office of the CTO\n\nThe Office of the CTO approves new SIGs.\n",
        encoding="utf-8",
    )
    labels = {d.label for d in units.discover(_sources(tmp_path))}
    assert "DB SIG" in labels and "Office of the CTO" in labels
    assert not any(label.startswith("Etherpad") for label in labels)


def test_every_department_in_an_owner_cell_is_no_unit(tmp_path):
    (tmp_path / "总经办.md").write_text(
        "# 总经办\n\n| 事项 | 负责部门 |\n|---|---|\n| 年度预算编制 | 各部门 |\n| 印章管理 | 秘书科 |\n", encoding="utf-8"
    )
    labels = {d.label for d in units.discover(_sources(tmp_path))}
    assert "秘书科" in labels and "各部门" not in labels


def test_a_heading_about_people_or_a_meeting_is_not_a_unit(tmp_path):
    """"## Customers" whose first line is "Customers who are forecasted …" is about customers, and
    "## Team 1-1s" is a meeting; "### Tier 1 Support" under which "Tier 1 handles …" is a unit."""
    (tmp_path / "onboarding.md").write_text(
        "# Onboarding\n\nThe Onboarding team gets new customers set up.\n\n"
        "## Customers\n\nCustomers who are forecasted a first bill of $500 or more.\n\n"
        "## Team 1-1s\n\nOn a monthly basis the lead does 1-1s with every new joiner.\n\n"
        "### Tier 1 Support\n\nTier 1 handles password resets and login trouble.\n",
        encoding="utf-8",
    )
    labels = {d.label for d in units.discover(_sources(tmp_path))}
    assert {"Onboarding", "Tier 1 Support"} <= labels
    assert "Customers" not in labels and "Team 1-1s" not in labels


def test_an_owner_cell_whose_unit_name_has_an_ampersand_owns_its_row(tmp_path):
    """"Team Dollars & Cents" is one unit: the owner cell is matched whole before it is split into
    several units ("Sales, Legal"). Split at "&", the row had no owner."""
    (tmp_path / "dollars-and-cents.md").write_text("# Dollars & Cents\n\nDollars & Cents owns billing.\n", encoding="utf-8")
    (tmp_path / "sales.md").write_text("# Sales\n\nSales owns deals.\n", encoding="utf-8")
    (tmp_path / "features.md").write_text(
        "# Feature ownership\n\n| Feature | Owner |\n|---|---|\n| Billing | Team Dollars & Cents |\n| Quotes | Sales, Legal |\n",
        encoding="utf-8",
    )
    sources = _sources(tmp_path)
    tax = units.discover(sources)
    owners = _owners(sources, "features.md", tax)
    assert owners["Billing"] == "Dollars & Cents" and owners["Quotes"] == "Sales"


def test_a_handbook_in_one_file_gives_units_from_sections_built_alike(tmp_path):
    """One file, every unit a section with the same sub-headings: one of them a unit by its name ("Kiln
    Team"), the sections built like it are units too (no file name or unit word says so), a team named
    in a sub-section is under its section's unit. Sections built alike with no unit among them stay
    sections (a policy's "Travel" and "Expenses", each with a "Scope")."""
    parts = ["# Company handbook\n\nHow we work.\n"]
    for name, duty in [("Kiln Team", "fire every order"), ("Glaze Lab", "mix glazes"), ("Dispatch", "ship orders")]:
        parts.append(f"## {name}\n\n### What we do\n\nWe {duty}.\n\n### Slack channel\n\n#{name.lower()}\n")
    parts.append("## Holidays\n\n### How to book\n\nAsk your manager.\n")
    parts.append("## Finance\n\n### What we do\n\nFinance (just \"Money\") pays suppliers.\n\n"
                 "### Slack channel\n\n#finance\n\n### Payroll Team\n\nThe Payroll Team runs salaries.\n")
    parts.append("# Policies\n\n" + "".join(f"## {p}\n\n### Scope\n\nEveryone.\n\n" for p in ("Travel", "Expenses", "Laptops")))
    (tmp_path / "handbook.md").write_text("\n".join(parts), encoding="utf-8")
    tax = units.discover(_sources(tmp_path))
    labels = {d.label for d in tax}
    assert {"Kiln Team", "Glaze Lab", "Dispatch", "Finance", "Payroll Team"} <= labels
    assert not labels & {"Holidays", "Company handbook", "Travel", "Expenses", "Laptops"}
    assert tax.ancestors("Payroll Team") == ["Finance"]


def test_a_role_in_an_owner_cell_is_no_unit_and_the_unit_beside_it_owns_the_row(tmp_path):
    (tmp_path / "procurement.md").write_text("# Procurement\n\nProcurement buys everything.\n", encoding="utf-8")
    (tmp_path / "finance.md").write_text(
        "# Finance\n\n## Approval limits\n\n| Amount | Approver |\n|---|---|\n| Up to $2,000 | Department head |\n"
        "| Over $2,000 | Department head + Procurement |\n\n"
        "## Learning\n\nThe learning budget (€1,000 per person) is Finance's to track.\n\n"
        "### Payroll Team\n\nPayroll Team (sometimes called Pay Ops) runs salaries.\n",
        encoding="utf-8",
    )
    sources = _sources(tmp_path)
    tax = units.discover(sources)
    labels = {d.label for d in tax}
    assert "Procurement" in labels and not any("Department head" in label for label in labels)
    assert tax.resolve("Pay Ops") == "Payroll Team" and not any("000" in a for d in tax for a in d.aliases)
    owners = _owners(sources, "finance.md", tax)
    assert owners["Over $2,000"] == "Procurement"


def test_a_pages_first_sentence_gives_its_unit_the_full_and_the_other_languages_name(tmp_path):
    (tmp_path / "总经办.md").write_text(
        "# 总经办\n\n总经理办公室（简称总经办）是公司的综合协调机构。\n\n## 职责\n\n负责会议安排。\n", encoding="utf-8"
    )
    (tmp_path / "Infrastructure.md").write_text(
        "# Infrastructure\n\n基础设施组主要是负责社区的服务器与邮件列表维护。\n", encoding="utf-8"
    )
    (tmp_path / "Packaging.md").write_text(
        "# Packaging\n\nAcme包管理工作组是技术委员会下的软件包管理机构，负责打包规范。\n", encoding="utf-8"
    )
    (tmp_path / "Desktop.md").write_text("# Desktop\n\n技术委员会负责批准本组的成立。\n", encoding="utf-8")
    (tmp_path / "TC.md").write_text("# Acme技术委员会\n\nAcme技术委员会是社区的技术决策机构。\n", encoding="utf-8")
    tax = units.discover(_sources(tmp_path))
    assert tax.resolve("总经理办公室") == "总经办"
    assert tax.resolve("基础设施组") == "Infrastructure"
    assert tax.resolve("包管理工作组") == "Packaging"
    # a first sentence about another body (the committee approving the group) names no alias
    assert tax.resolve("技术委员会") != "Desktop"


def test_quoted_nicknames_count_beside_other_names_and_in_a_dashed_aside(tmp_path):
    (tmp_path / "finance.md").write_text(
        '# Finance & Accounting\n\nFinance & Accounting (F&A, usually just "Finance") manages the money.\n',
        encoding="utf-8",
    )
    (tmp_path / "security.md").write_text(
        '# Security\n\nThe Security team — you\'ll also hear "InfoSec" — protects our data.\n', encoding="utf-8"
    )
    (tmp_path / "data.md").write_text(
        '# Data & Analytics\n\nData & Analytics — "the Data team" — turns events into numbers.\n', encoding="utf-8"
    )
    (tmp_path / "legal.md").write_text(
        "# Legal\n\nLegal — working with Finance, Security and IT — signs every contract.\n", encoding="utf-8"
    )
    tax = units.discover(_sources(tmp_path))
    assert tax.resolve("F&A") == tax.resolve("Finance") == "Finance & Accounting"
    assert tax.resolve("InfoSec") == "Security"
    assert tax.resolve("Data team") == "Data & Analytics"
    # an aside that lists other teams, unquoted, gives Legal none of their names
    # (its only aliases are its own name in Chinese: ingest/glosses.py)
    assert tax.resolve("IT") is None and tax.departments["Legal"].aliases == ("法务部", "法务团队")


PUBLIC_BODY = """# 某市市场监督管理局职能配置、内设机构和人员编制规定

第三条 市市场监督管理局负责全市市场综合监督管理。

第四条 市市场监督管理局设下列内设机构：

（一）办公室。负责机关日常运转，承担信息、保密、信访、政务公开等工作。

（二）政策法规处。负责起草地方性法规草案，承担行政复议、行政应诉工作。

（三）食品生产安全监督管理科。分析掌握生产领域食品安全形势，拟订食品生产监督管理和食品生产者落实主体责任的制度措施并组织实施。

第五条 市市场监督管理局机关行政编制45名。
"""


@pytest.mark.parametrize(
    "name, text",
    [
        ("规定.md", PUBLIC_BODY),  # a regulation's numbered list of internal units
        ("机构.txt", "某县卫生健康局内设机构\n\n一、办公室\n1. 负责文电、会务、档案工作。\n\n二、人事股\n负责人事管理和队伍建设。\n"),
        ("机构.md", "# 某区教育局\n\n办公室：负责文电、会务、档案工作。\n\n- 人事处：负责人事管理和教师招聘。\n\n注意：负责人须签字。\n"),
    ],
)
def test_a_public_body_s_internal_units_are_read_from_how_its_regulations_list_them(tmp_path, name, text):
    (tmp_path / name).write_text(text, encoding="utf-8")
    sources = _sources(tmp_path)
    tax = units.discover(sources)
    labels = set(tax.departments)
    assert "办公室" in labels
    assert labels & {"政策法规处", "人事股", "人事处"}
    assert "注意" not in labels and "市市场监督管理局" not in labels  # a note, and the body itself
    owners = _owners(sources, name, tax)
    if name == "规定.md":
        assert {owner for owner in owners.values() if owner} == {"办公室", "政策法规处", "食品生产安全监督管理科"}
        # the item's duties after its name are its own; the next article is nobody's
        assert owners[next(t for t in owners if "分析掌握" in t)] == "食品生产安全监督管理科"
        assert owners[next(t for t in owners if t.startswith("第五条"))] is None


def test_labelled_lines_and_list_items_name_units_in_english(tmp_path):
    (tmp_path / "who-does-what.md").write_text(
        "# Acme: who does what\n\n"
        "Human Resources: responsible for recruiting, onboarding and benefits.\n\n"
        "Finance: handles invoicing and expense reimbursement.\n\n"
        "1. Data Engineering — maintains the warehouse and the ETL jobs.\n"
        "2. Mobile - the team that builds the iOS and Android apps.\n\n"
        "Hiring manager: approves the offer.\n\n"  # a person's role
        "Note: handle with care.\n",  # no duties follow
        encoding="utf-8",
    )
    sources = _sources(tmp_path)
    tax = units.discover(sources)
    for name in ("Human Resources", "Finance", "Data Engineering", "Mobile"):
        assert name in tax.departments
    assert not {"Hiring manager", "Note"} & set(tax.departments)
    owners = _owners(sources, "who-does-what.md", tax)
    assert owners[next(t for t in owners if t.startswith("Finance:"))] == "Finance"
    assert owners[next(t for t in owners if "warehouse" in t)] == "Data Engineering"


def test_bold_labelled_teams_with_their_heads_and_parents_name_units(tmp_path):
    (tmp_path / "who-does-what.md").write_text(
        "# Who does what at Fernhill\n\n"
        "- **\"Owns\" means decides.** Others may help.\n\n"  # a ground rule in bold, not a unit
        "**Operations** — Operations Director: Sam Hale. Runs the plant and the stores.\n\n"
        "- **Plant Engineering** (reports to Operations) — keeps the lines running.\n"
        "  - Breakdowns and planned maintenance\n\n"
        "**Quality** — Quality Manager: Ada Lin. The only team that can release product.\n"
        "1. Product release and holds\n\n"
        "- **Breakdowns that stop a line.** Call Plant Engineering first.\n",
        encoding="utf-8",
    )
    sources = _sources(tmp_path)
    tax = units.discover(sources)
    assert set(tax.departments) == {"Operations", "Plant Engineering", "Quality"}
    assert tax.departments["Plant Engineering"].parent == "Operations"
    owners = _owners(sources, "who-does-what.md", tax)
    assert owners["Breakdowns and planned maintenance"] == "Plant Engineering"
    assert owners[next(t for t in owners if "Product release" in t)] == "Quality"


def test_sub_teams_of_a_wiki_page_get_the_parent_their_line_names():
    folder = SHAPES / "brackenfold-wiki"
    tax = units.discover(_sources(folder / "documents"))
    key = yaml.safe_load((folder / "units.yaml").read_text(encoding="utf-8"))["units"]
    names = {u["name"] for u in key}
    nested = [u for u in key if u["parent"] in names]
    assert nested and all(tax.departments[u["name"]].parent == u["parent"] for u in nested)


def test_a_charter_s_shall_sentences_and_a_list_of_department_headings_name_units(tmp_path):
    (tmp_path / "charter.md").write_text(
        "# Millbrook Water Board: organization\n\n"
        "Section 2. The Finance Division shall maintain the books and prepare the annual budget.\n\n"
        "Section 3. The Customer Services Division is responsible for billing disputes and new connections.\n\n"
        "Section 4. Each division reports to the General Manager.\n",
        encoding="utf-8",
    )
    (tmp_path / "departments.txt").write_text(
        "DEPARTMENT RESPONSIBILITIES\n\nHUMAN RESOURCES\nRecruitment, onboarding and benefits.\n\n"
        "FACILITIES\nBuilding maintenance, parking permits and security badges.\n",
        encoding="utf-8",
    )
    sources = _sources(tmp_path)
    tax = units.discover(sources)
    assert {"Finance Division", "Customer Services Division", "HUMAN RESOURCES", "FACILITIES"} <= set(tax.departments)
    charter = _owners(sources, "charter.md", tax)
    assert charter[next(t for t in charter if "annual budget" in t)] == "Finance Division"
    listed = _owners(sources, "departments.txt", tax)
    assert listed[next(t for t in listed if "parking permits" in t)] == "FACILITIES"
    assert listed[next(t for t in listed if "benefits" in t)] == "HUMAN RESOURCES"


def test_a_page_that_lists_units_is_none_of_them(tmp_path):
    (tmp_path / "teams.html").write_text(
        "<html><body><h1>Teams at Lumen Health</h1>"
        "<h2>Patient Access</h2><p>Patient Access schedules appointments and verifies insurance.</p>"
        "<h2>Revenue Cycle</h2><p>Revenue Cycle owns billing, claims and patient statements.</p></body></html>",
        encoding="utf-8",
    )
    tax = units.discover(_sources(tmp_path))
    assert set(tax.departments) == {"Patient Access", "Revenue Cycle"}
    assert tax.departments["Revenue Cycle"].parent is None


def test_posts_of_a_job_description_document_are_units_under_its_department(tmp_path):
    """A 岗位说明书 lists posts, not departments: employees ask for 出纳 as they would for a unit."""
    (tmp_path / "岗位说明书.md").write_text(
        "# 财务部岗位说明书\n\n## 出纳岗位职责\n1. 负责现金收付和银行结算；\n2. 负责员工备用金的借支与核销。\n\n"
        "## 总账会计岗位职责\n1. 负责编制月度财务报表；\n2. 负责税务申报。\n\n## 任职要求\n本科以上学历。\n",
        encoding="utf-8",
    )
    sources = _sources(tmp_path)
    tax = units.discover(sources)
    assert set(tax.departments) == {"财务部", "出纳", "总账会计"}
    assert tax.departments["出纳"].parent == "财务部"
    # the file's name is no name of the unit: 岗位说明书 is what the page is, not who
    assert "岗位说明书" not in tax.departments["财务部"].aliases
    owners = _owners(sources, "岗位说明书.md", tax)
    assert owners["2. 负责员工备用金的借支与核销。"] == "出纳"
    assert owners["2. 负责税务申报。"] == "总账会计"


def test_a_directory_table_names_its_rows_units_with_their_parents(tmp_path):
    (tmp_path / "teams.md").write_text(
        "# Who we are\n\n| Team | Part of | Lead | What we do |\n|---|---|---|---|\n"
        "| Operations | Acme Freight | Dan | Runs the depots. |\n| Fleet | Operations | Mo | Keeps the trucks on the road. |\n"
        "| Research and Development | Acme Freight | Li | Builds new routing tools. |\n",
        encoding="utf-8",
    )
    tax = units.discover(_sources(tmp_path))
    assert set(tax.departments) == {"Operations", "Fleet", "Research and Development"}
    assert tax.departments["Fleet"].parent == "Operations"
    assert tax.departments["Operations"].parent is None


def test_a_name_in_the_parentheses_of_several_headings_is_their_group_not_an_alias(tmp_path):
    (tmp_path / "policy.md").write_text(
        "# Security Policy\n\n## 4. Roles and responsibilities\n\n### 4.1 Information Security (Technology)\n\n"
        "- Owns this policy.\n\n### 4.2 IT Service Desk (Technology)\n\n- Creates user accounts.\n\n"
        "### 4.3 Payroll Team (PayOps)\n\n- Pays salaries.\n",
        encoding="utf-8",
    )
    tax = units.discover(_sources(tmp_path))
    assert tax.departments["Information Security"].parent == "Technology"
    assert tax.departments["IT Service Desk"].parent == "Technology"
    assert "Technology" not in tax.departments["Information Security"].aliases
    assert "PayOps" in tax.departments["Payroll Team"].aliases  # in one heading only: still an alias


def test_names_written_with_their_parent_in_running_text_are_units(tmp_path):
    (tmp_path / "faq.md").write_text(
        "# Estates & Facilities\n\nEstates & Facilities looks after buildings.\n\n# Who to contact\n\n"
        "The heating is broken. Who fixes it?\n\nContact the Estates Helpdesk (part of Estates & Facilities).\n\n"
        "ID cards are issued by Campus Security, which is part of Estates & Facilities.\n\n"
        "Ask Kendal, part of Estates & Facilities, about parking.\n",
        encoding="utf-8",
    )
    tax = units.discover(_sources(tmp_path))
    assert set(tax.departments) == {"Estates & Facilities", "Estates Helpdesk", "Campus Security"}
    assert tax.departments["Campus Security"].parent == "Estates & Facilities"


def test_a_chinese_policy_s_roles_are_not_units_and_names_keep_their_inner_function_words(tmp_path):
    (tmp_path / "合同管理办法.md").write_text(
        "第一条 承办部门负责合同谈判和履行。\n\n第二条 法务部负责合同审核。财务部负责资金预算，财务部下设会计核算科和资金管理科。\n\n"
        "第三条 会计核算科负责审核报销单据。资金管理科负责付款。\n\n第四条 总经理办公室负责合同用印。\n\n"
        "第五条 重大事项应立即报告法务部负责人。\n\n第六条 初试由招聘与配置组组织，入职手续由招聘与配置组办理，"
        "报批材料由县委机构编制委员会办公室审核。\n",
        encoding="utf-8",
    )
    tax = units.discover(_sources(tmp_path))
    # 招聘与配置组: two steps are done by it, its 与 inside the name; an outside body named once is no unit
    assert set(tax.departments) == {"法务部", "财务部", "会计核算科", "资金管理科", "总经理办公室", "招聘与配置组"}
    assert tax.departments["会计核算科"].parent == "财务部"
    assert tax.departments["资金管理科"].parent == "财务部"


def test_a_regulation_s_sub_units_come_from_下設_and_from_a_column_of_sub_units(tmp_path):
    (tmp_path / "組織規程.md").write_text(
        "第三條 本公司設下列部門：\n\n一、稽核室。\n\n二、管理部：下設人事課、總務課及資訊課。\n\n"
        "第五條 管理部掌理事項如下：\n\n一、人事課：\n\n（一）員工招募。\n\n"
        "營銷中心下設市場部、銷售部三個部門，由總監統一管理。\n\n"
        "| 一級單位 | 主管職稱 | 所屬課別 |\n|---|---|---|\n| 財務處 | 處長 | 會計課、資金課 |\n",
        encoding="utf-8",
    )
    tax = units.discover(_sources(tmp_path))
    for child, parent in [("人事課", "管理部"), ("總務課", "管理部"), ("資訊課", "管理部"), ("會計課", "財務處"),
                          ("資金課", "財務處")]:
        assert tax.departments[child].parent == parent
    assert "銷售部三個部門" not in tax.departments


def test_a_handbook_s_prose_names_its_teams_under_their_directorate(tmp_path):
    (tmp_path / "handbook.md").write_text(
        "# Who we are\n\n## Homes and Communities\n\nThe Homes and Communities directorate, led by Priya, looks after "
        "residents.\n\nThe Income Team collects rent and service charges. The Customer Contact Centre is the front "
        "door for residents.\n\n## Escalation\n\n| Issue | First contact | Escalate to |\n|---|---|---|\n"
        "| Laptop broken | Digital and IT Team | Head of Digital (Digital and IT Team) |\n",
        encoding="utf-8",
    )
    tax = units.discover(_sources(tmp_path))
    assert {"Homes and Communities", "Income Team", "Customer Contact Centre", "Digital and IT Team"} <= set(tax.departments)
    assert tax.departments["Income Team"].parent == "Homes and Communities"
    assert tax.departments["Customer Contact Centre"].parent == "Homes and Communities"
    assert "IT Team" not in tax.departments and "Head of Digital" not in tax.departments


def test_a_deck_s_slide_per_department_names_them_beside_the_ones_its_who_to_ask_table_names(tmp_path):
    (tmp_path / "how-we-work.md").write_text(
        "# How we work together\n\n## Operations\n\nRuns our warehouses.\n\n- Warehouse Operations — goods-in, "
        "pick and pack\n- Transport Planning — load planning\n\n## Finance\n\nInvoices and payroll.\n\n"
        "## People & Culture\n\nHiring and holidays.\n\n## Internal IT\n\nLaptops and accounts.\n\n## Still not sure?\n\n"
        "Ask in Slack.\n\n## Who to ask\n\n| Topic | Team |\n|---|---|\n| Expenses | Finance |\n| Holiday | People & Culture |\n"
        "| Laptop | Internal IT |\n| Late shipment | Transport Planning |\n| Stock count | Warehouse Operations |\n",
        encoding="utf-8",
    )
    tax = units.discover(_sources(tmp_path))
    assert set(tax.departments) == {"Operations", "Finance", "People & Culture", "Internal IT", "Warehouse Operations",
                                    "Transport Planning"}
    assert tax.departments["Transport Planning"].parent == "Operations"


def test_the_units_an_organisation_sets_up_and_a_list_page_s_file_name(tmp_path):
    (tmp_path / "admin-units.md").write_text(
        "第八条 公司设研发中心、营销中心两大业务中心，以及人力资源部、财务部两个职能部门。\n\n"
        "第九条 研发中心下设产品部和测试部。\n\n## 選課與上課\n\n選課問題請洽課務組。\n",
        encoding="utf-8",
    )
    tax = units.discover(_sources(tmp_path))
    assert set(tax.departments) == {"研发中心", "营销中心", "人力资源部", "财务部", "产品部", "测试部"}
    assert tax.departments["测试部"].parent == "研发中心" and tax.departments["研发中心"].parent is None


def test_numbered_lines_lettered_headings_and_pages_that_are_no_unit(tmp_path):
    """「4.4.5 审计监察部」 alone on its line heads its duties; "A. Trust & Compliance" is numbered like "1.";
    an escalations page is no unit; "(QA/RA)" is one short form."""
    (tmp_path / "职责.md").write_text(
        "# 部门职责\n\n4.4.4 采购部\n\n主要职责：\n\n1. 负责采购计划。\n\n4.4.5 审计监察部\n\n主要职责：\n\n1. 负责内部审计。\n",
        encoding="utf-8",
    )
    (tmp_path / "escalations-and-on-call.md").write_text(
        "# Escalations & on-call\n\n| Situation | Go to |\n|---|---|\n| Prod down | #sre-oncall |\n", encoding="utf-8"
    )
    (tmp_path / "charters.md").write_text(
        "# Business charters\n\n## A. Trust & Compliance\n\n### Information Security Team\n\nOwns access reviews.\n\n"
        "### Legal Team\n\nOwns contracts.\n",
        encoding="utf-8",
    )
    tax = units.discover(_sources(tmp_path))
    assert {"采购部", "审计监察部", "Trust & Compliance"} <= set(tax.departments)
    assert not any(lab.startswith(("A.", "escalations")) for lab in tax.departments)
    assert tax.departments["Information Security Team"].parent == "Trust & Compliance"
    assert aliases_in("QA/RA") == ["QA/RA"] and aliases_in("HR/People") == ["HR", "People"]


def test_a_bureaus_sections_its_own_name_and_the_sections_concerned(tmp_path):
    """「信用监督管理科。拟订……」 unnumbered; a 支队 of 17 characters and 「12315投诉举报中心」 with its number;
    「相关业务科室」 and 「两个执法大队」 are no units; the bureau over all its 科 is the organisation, not one."""
    (tmp_path / "临江市市场监督管理局.md").write_text(
        "# 临江市市场监督管理局\n\n## 内设机构\n\n（一）办公室。负责机关日常运转。\n\n（二）登记注册科：负责市场主体登记。\n\n"
        "信用监督管理科。拟订信用监督管理制度并组织实施。\n\n（三）质量发展科。负责质量提升工作。\n\n"
        "## 直属单位\n\n（一）临江市市场监督管理综合行政执法支队。为局所属行政执法机构，下设两个执法大队。\n\n"
        "（二）临江市12315投诉举报中心。承担投诉举报的接收和分流，分流至相关业务科室。\n",
        encoding="utf-8",
    )
    tax = units.discover(_sources(tmp_path))
    assert {"办公室", "登记注册科", "信用监督管理科", "质量发展科", "临江市市场监督管理综合行政执法支队",
            "临江市12315投诉举报中心"} <= set(tax.departments)
    assert not {"临江市市场监督管理局", "相关业务科室", "两个执法大队"} & set(tax.departments)


def test_long_names_a_contact_centre_and_pages_that_are_no_unit(tmp_path):
    (tmp_path / "remits.md").write_text(
        "# Who we are\n\n## Finance and Corporate Services Directorate\n\nThe Finance and Corporate Services Directorate "
        "runs the money.\n\n## Customer Contact Centre\n\nThe Customer Contact Centre answers calls.\n\n"
        "## Last updated 20/01/2025\n\nBy Jo.\n",
        encoding="utf-8",
    )
    (tmp_path / "Org chart.md").write_text("# Org chart\n\n| Team | Reports to |\n|---|---|\n| Payroll Team | Finance |\n")
    (tmp_path / "Tenant enquiries routing.md").write_text("# Tenant enquiries routing\n\nRepairs: Repairs Hub.\n")
    tax = units.discover(_sources(tmp_path))
    assert {"Finance and Corporate Services Directorate", "Customer Contact Centre"} <= set(tax.departments)
    assert not any(lab.startswith(("Last updated", "Org chart", "Tenant enquiries")) for lab in tax.departments)


def test_a_wiki_export_a_service_catalogue_and_a_fullwidth_numbered_section(tmp_path):
    """"星禾Wiki : 人力资源中心 | 部门介绍" titles 人力资源中心's page; a "Service Owner (team)" column holds teams
    with no unit word; 「１．國內業務課（內銷課）」 heads its duties; a sheet of "Support Groups", a possessive and a
    sentence that ends in a unit's name are no units."""
    (tmp_path / "dept-hr.md").write_text(
        "# 星禾Wiki : 人力资源中心 | 部门介绍\n\n人力资源中心负责招聘与薪酬。\n", encoding="utf-8"
    )
    (tmp_path / "catalogue.md").write_text(
        "# Services\n\n| Service | Description | Service Owner (team) | Support Group |\n|---|---|---|---|\n"
        "| Laptops | New laptops | End User Computing | SG-EUC |\n| Invoices | Supplier invoices | Accounts Payable | SG-AP |\n\n"
        "## Support Groups\n\n| Group | Function |\n|---|---|\n| SG-EUC | Technology |\n\nThe CIO's office sets priorities.\n",
        encoding="utf-8",
    )
    (tmp_path / "職掌.md").write_text(
        "# 部門職掌\n\n（一）業務部\n\n1. 統籌客戶開發。\n\n１．國內業務課（內銷課）\n\n1. 國內客戶開發及維繫。\n\n"
        "控制重點：出貨簽收回聯或出口文件是否完整送交會計部。\n",
        encoding="utf-8",
    )
    tax = units.discover(_sources(tmp_path))
    assert {"人力资源中心", "End User Computing", "Accounts Payable", "業務部", "國內業務課"} <= set(tax.departments)
    assert not any(lab in tax.departments for lab in ("Support Groups", "CIO's", "星禾Wiki"))
    assert not any(len(lab) > 16 for lab in tax.departments if re.match(r"[\u4e00-\u9fff]", lab))


def test_a_heading_over_teams_is_their_service_area(tmp_path):
    """A council's "Planning & Building Control" has no unit word and opens with its head of service, but the
    headings under it are teams: it is their service area ("Resources" too). The page over the areas is none."""
    areas = {"Planning & Building Control": ["Development Management Team", "Building Control Team"],
             "Environmental Services": ["Waste and Recycling Team", "Street Cleansing Team"],
             "Housing Services": ["Housing Options Team", "Private Sector Housing Team"],
             "Resources": ["Finance Team", "Revenues and Benefits Team"]}  # a generic word, but over teams
    text = "# Council services\n\n" + "".join(
        f"## {area}\n\nHead of service: A. Person.\n\n" + "".join(f"### {team}\n\nDoes its work.\n\n" for team in teams)
        for area, teams in areas.items()
    ) + "## Contact us\n\nPhone 01234 567890.\n"
    (tmp_path / "structure.md").write_text(text, encoding="utf-8")
    tax = units.discover(_sources(tmp_path))
    for area, teams in areas.items():
        assert all(tax.departments[t].parent == area for t in teams), area
    assert set(tax.departments) == set(areas) | {t for ts in areas.values() for t in ts}


def test_a_website_s_copyright_holder_is_no_unit_and_document_parts_are_none(tmp_path):
    """The footer's address block is headed with the council's name and its copyright line names it: whose
    site it is. "PART 3 — SCHEME OF DELEGATION" is a part of a constitution."""
    (tmp_path / "services.md").write_text(
        "# Our services\n\n## Planning Team\n\nDecides planning applications.\n\n## Licensing Team\n\nIssues licences.\n\n"
        "## Acme Borough Council\n\nCivic Offices, Mill Lane, Acme AB1 2CD\n\n© Acme Borough Council 2024\n",
        encoding="utf-8",
    )
    (tmp_path / "scheme.md").write_text("# PART 3 — SCHEME OF DELEGATION\n\nThe Planning Team decides minor applications.\n",
                                        encoding="utf-8")
    tax = units.discover(_sources(tmp_path))
    assert set(tax.departments) == {"Planning Team", "Licensing Team"}


def test_outside_companies_and_a_name_read_with_its_preposition_are_no_units(tmp_path):
    """Work done for the organisation by a company it names ("outsourced to Brindley FM", a Ltd, 「股份有限公司」)
    is none of its units; 「按安全环保部制定的标准」 names 安全环保部, not a unit 「按安全环保部」."""
    (tmp_path / "who does what.md").write_text(
        "# Property & Facilities\n\nProperty & Facilities owns leases. Maintenance is outsourced to Brindley FM.\n\n"
        "# Finance\n\nFinance pay supplier invoices.\n\n"
        "| Issue | Owner |\n|---|---|\n| Shutter stuck | Brindley FM |\n| Cash collection | Ferrisgate Secure Ltd |\n"
        "| Refund over £250 | Finance |\n",
        encoding="utf-8",
    )
    (tmp_path / "岗位.md").write_text(
        "# 安全环保部\n\n安全环保部负责安全生产。\n\n# 仓库管理员\n\n1. 按安全环保部制定的配备标准发放劳动防护用品。\n"
        "2. 成品发运交苏州顺驰物流有限公司承运。\n",
        encoding="utf-8",
    )
    tax = units.discover(_sources(tmp_path))
    assert {"Property & Facilities", "Finance", "安全环保部"} <= set(tax.departments)
    assert not {"Brindley FM", "Ferrisgate Secure Ltd", "按安全环保部", "苏州顺驰物流有限公司"} & set(tax.departments)


def test_a_file_name_that_is_a_document_s_and_a_copyright_line_name_no_unit(tmp_path):
    """store-operations-manual-v4.3.pdf is a manual, intranet_常見問題找誰辦.html an FAQ; the footer's
    「© 財團法人青禾基金會 版權所有」 names whose site it is."""
    (tmp_path / "store-operations-manual-v4.3.md").write_text(
        "# Store Operations Manual v4.3\n\n## Alarms\n\nThe Loss Prevention team owns CCTV and intruder alarms.\n",
        encoding="utf-8")
    (tmp_path / "intranet_常見問題找誰辦.md").write_text(
        "電腦壞了找誰？\n\n請找資訊室。資訊室負責電腦與網路。\n\n© 財團法人青禾基金會 版權所有\n", encoding="utf-8")
    (tmp_path / "intranet_各處室介紹.md").write_text(
        "# 財團法人青禾基金會\n\n## 資訊室\n\n資訊室負責系統帳號。\n\n© 財團法人青禾基金會 版權所有\n", encoding="utf-8")
    tax = units.discover(_sources(tmp_path))
    assert set(tax.departments) == {"Loss Prevention", "資訊室"}


def test_a_heading_that_joins_two_units_names_each_of_them_and_no_third(tmp_path):
    (tmp_path / "各處室.md").write_text(
        "# 各處室介紹\n\n## 執行長室／稽核室\n\n### 執行長室\n\n負責董事會議事。\n\n### 稽核室\n\n辦理內部稽核。\n\n"
        "## 社會工作處（社工處）\n\n### 社工處處本部\n\n負責個案分派。\n\n## 募款發展處（募發處）\n\n### 募發處處本部\n\n負責募款策略。\n",
        encoding="utf-8",
    )
    tax = units.discover(_sources(tmp_path))
    assert "執行長室／稽核室" not in tax.departments
    assert {"執行長室", "稽核室"} <= set(tax.departments)
    # each 處's own office stays its own: 「處本部」 is no unit shared by both
    assert tax.departments["社工處處本部"].parent == "社會工作處"
    assert tax.departments["募發處處本部"].parent == "募款發展處"


def test_names_joined_by_and_before_a_plural_unit_word_are_no_unit(tmp_path):
    """"The ELT and Board committees are not directorates": two governance bodies, not a unit "ELT and Board";
    "The Customer Contact Centre is …" still names one."""
    (tmp_path / "induction.md").write_text(
        "# How we are organised\n\nThe ELT and Board committees are not directorates.\n\n"
        "The Customer Contact Centre is the front door for customers.\n", encoding="utf-8")
    labels = set(units.discover(_sources(tmp_path)).departments)
    assert "Customer Contact Centre" in labels and not any("ELT" in lab for lab in labels)


def test_a_word_file_of_unit_forms_and_a_sheet_of_short_names_give_units_not_field_labels(tmp_path):
    """A 部门职责说明书 in Word (a table of fields per department, long duty cells included), and a RACI whose
    columns are short names that a 單位代碼 table spells out: the units are the forms' and the table's full
    names, their sub-units come from 下设科室, the codes are aliases, and no field label or 「（職稱，非單位）」
    code is a unit."""
    from docx import Document

    doc = Document()
    doc.add_heading("部门职责说明书", 1)
    long_duty = "\n".join(f"{i}. 负责仓储作业第{i}项工作的组织与检查，并按月汇总上报运营管理中心" for i in range(1, 12))
    for name, parent, duty, kids in [("仓储运营部（以下简称仓储部）", "运营管理中心", long_duty, "1. 库内作业科：负责收发货; 2. 库存管理科：负责盘点"),
                                     ("运营管理中心", "金禾集团", "1. 负责运营体系建设", "仓储运营部（部门级）")]:
        table = doc.add_table(rows=0, cols=2)
        for label, value in [("部门名称", name), ("上级部门(或所属中心)", parent), ("部门职责", duty), ("下设科室", kids),
                             ("主要协作部门", "人力资源部、财务部")]:
            cells = table.add_row().cells
            cells[0].text, cells[1].text = label, value
    doc.save(tmp_path / "说明书.docx")
    (tmp_path / "raci.md").write_text(
        "# 上市權責表\n\n| 工作項目 | 製作人 | 營運 | 倉儲 |\n|---|---|---|---|\n| 活動排程 | I | R | C |\n| 盤點 | I | C | R |\n\n"
        "## 單位代碼\n\n| 代碼／簡稱 | 單位全名 | 英文 |\n|---|---|---|\n| 製作人 | （職稱，非單位） | Producer |\n"
        "| 營運 | LiveOps 營運組 | LiveOps |\n| 倉儲 | 仓储运营部 | Warehousing |\n", encoding="utf-8")
    tax = units.discover(_sources(tmp_path))
    assert set(tax.departments) == {"仓储运营部", "运营管理中心", "库内作业科", "库存管理科", "LiveOps 營運組"}
    assert tax.departments["仓储运营部"].parent == "运营管理中心"
    assert tax.departments["库存管理科"].parent == "仓储运营部"
    assert tax.resolve("仓储部") == tax.resolve("倉儲") == tax.resolve("Warehousing") == "仓储运营部"
    assert tax.resolve("營運") == "LiveOps 營運組"
    owners = _owners(_sources(tmp_path), "说明书.docx", tax)
    assert owners["1. 负责仓储作业第1项工作的组织与检查，并按月汇总上报运营管理中心"] == "仓储运营部"


def test_a_chinese_unit_with_its_english_name_and_a_note_after_it_is_the_chinese_name(tmp_path):
    """「## 玩家支援組 Player Support（原客服組）」, 「## 數據分析組 Data Team 2025/7/15 自行銷處移入」, 「新設海外發行組」,
    a page titled "FINANCE & OPERATIONS" beside a heading "Finance & Operations"."""
    (tmp_path / "營運處.md").write_text(
        "# 營運處 Operations\n\n## 玩家支援組 Player Support（原客服組）\n\n- 負責玩家問題受理\n\n"
        "## 數據分析組 Data Team 2025/7/15 自行銷處移入\n\n- 負責數據報表\n\n本處新設海外發行組負責版號申請。\n", encoding="utf-8")
    (tmp_path / "charters.md").write_text(
        "# Charters\n\n## Finance & Operations\n\n### Billing Operations\n\nThe Billing Operations team owns invoices.\n",
        encoding="utf-8")
    (tmp_path / "finance.md").write_text("# FINANCE & OPERATIONS\n\nThe division is led by the CFO.\n", encoding="utf-8")
    tax = units.discover(_sources(tmp_path))
    assert tax.resolve("玩家支援組 Player Support") == tax.resolve("Player Support") == tax.resolve("客服組") == "玩家支援組"
    assert tax.departments["數據分析組"].parent == "營運處" and tax.resolve("Data Team") == "數據分析組"
    assert "海外發行組" in tax.departments and "新設海外發行組" not in tax.departments
    assert tax.departments["Billing Operations"].parent == "Finance & Operations"


def test_units_merged_into_a_new_one_are_its_old_names(tmp_path):
    """「撤销财务核算部下设的会计核算科和税务管理科，合并设立“核算税务科”」: the two 科 are the new one's old names; the
    部 they were under stays its parent, not merged."""
    (tmp_path / "通知.md").write_text(
        "# 关于调整机构设置的通知\n\n一、撤销财务核算部下设的会计核算科和税务管理科，合并设立“核算税务科”，仍隶属财务核算部。\n\n"
        "## 调整后\n\n| 部门 | 下设科室 |\n|---|---|\n| 财务核算部 | 核算税务科 |\n\n"
        "## 财务核算部\n\n- 会计核算科：负责总账核算。\n- 税务管理科：负责纳税申报。\n",
        encoding="utf-8")
    tax = units.discover(_sources(tmp_path))
    assert tax.resolve("会计核算科") == tax.resolve("税务管理科") == "核算税务科"
    assert tax.departments["核算税务科"].parent == "财务核算部"


def test_an_hr_export_s_outline_numbers_give_parents_and_its_total_row_no_unit(tmp_path):
    """"1.1.2 Tenancy Enforcement" is under "1.1 Housing Management"; "Total FTE" sums, it names no unit; a page
    titled "Our teams" lists units and is not named after its file (team-pages.md); "A–D" is a slide of topics."""
    (tmp_path / "structure.md").write_text(
        "# Organisation structure\n\n| Unit | Head of service | FTE |\n|---|---|---|\n| 1 Operations Directorate | Dan | 500 |\n"
        "| 1.1 Housing Management | Sarah | 118 |\n| 1.1.2 Tenancy Enforcement | Rachel | 19 |\n"
        "| 2 Finance & Corporate Services Directorate | Tom | 71 |\n| 2.1 Finance | Elaine | 24 |\n| Total FTE (all units) |  | 907 |\n",
        encoding="utf-8")
    (tmp_path / "team-pages.md").write_text(
        "# Our teams\n\n## Tenancy Enforcement (TE)\n\nThe Tenancy Enforcement team tackles anti-social behaviour.\n\n"
        "## A–D\n\n- Arrears → Finance\n\nTwo teams, Money Advice and Tenancy Support, merged into Tenancy Enforcement.\n",
        encoding="utf-8")
    tax = units.discover(_sources(tmp_path))
    assert tax.departments["Tenancy Enforcement"].parent == "Housing Management"
    assert tax.departments["Housing Management"].parent == "Operations Directorate"
    assert tax.departments["Finance"].parent == "Finance & Corporate Services Directorate"
    assert not {"Total FTE", "team-pages", "A–D", "Organisation structure"} & set(tax.departments)
    assert tax.resolve("TE") == "Tenancy Enforcement"


def test_the_units_found_are_the_same_whatever_python_s_string_hashing(tmp_path):
    """Sets iterate in an order that changes with PYTHONHASHSEED: a merger notice naming two old units must give
    the new unit its old names in the same order on every run (an index rebuilt later must not differ)."""
    (tmp_path / "通知.md").write_text(
        "# 财务核算部\n\n财务核算部负责会计核算。\n\n"
        + "".join(f"## {name}\n\n{name}负责{duty}。\n\n" for name, duty in [
            ("会计核算科", "凭证审核"), ("税务管理科", "纳税申报"), ("资金结算科", "资金支付"), ("成本分析科", "成本核算"),
            ("报表编制科", "财务报表"), ("核算税务科", "核算与税务")])
        + "# 机构调整\n\n撤销资金结算科、成本分析科、报表编制科、会计核算科和税务管理科，合并设立“核算税务科”。\n",
        encoding="utf-8",
    )
    script = (
        "import json, sys\nfrom pathlib import Path\nfrom ingest import files, units\n"
        "root = Path(sys.argv[1])\n"
        "found = units.find_units([files.read(p, root) for p in files.find(root)])\n"
        "print(json.dumps([(u.label, u.parent, u.aliases) for u in found], ensure_ascii=False))\n"
    )
    runs = []
    for seed in ("1", "2", "3", "4", "5", "6"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run([sys.executable, "-c", script, str(tmp_path)], env=env, cwd=ROOT, capture_output=True,
                             text=True, check=True)
        runs.append(out.stdout)
    merged = {label: aliases for label, _, aliases in json.loads(runs[0])}
    assert len(merged["核算税务科"]) == 5  # the five old names, so the order among them can differ at all
    assert len(set(runs)) == 1
