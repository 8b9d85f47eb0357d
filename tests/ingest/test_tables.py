"""Pipe tables read row by row: RACI matrices (English and Chinese), owner columns, quotes without markup."""

from __future__ import annotations

import pytest

from ingest import charters, headers, tables


def _rows(text: str):
    found = tables.find(text, tables.line_spans(text))
    assert len(found) == 1
    table = next(iter(found.values()))
    return table, tables.rows(text, table)


def test_english_raci_row_owner_accountable_and_named():
    text = "## RACI\n\n| Task | Finance | Sales | Legal |\n|:--|:-:|:-:|:-:|\n| Approve discounts | C | A/R | I |\n| Run payroll | R | | A |\n"
    table, rows = _rows(text)
    assert table.kind == "raci" and table.units == {1: "Finance", 2: "Sales", 3: "Legal"}
    first, second = rows
    assert text[first.start:first.end] == "Approve discounts"
    assert (first.owner, first.accountable) == ("Sales", "Sales")
    assert first.named == ("Sales", "Finance", "Legal")
    assert "responsible" in first.context and "Task" not in text[first.start:first.end]
    assert (second.owner, second.accountable, second.named) == ("Finance", "Legal", ("Finance", "Legal"))


@pytest.mark.parametrize(
    ("header", "cells", "owner", "accountable"),
    [
        ("| 事項 | 財務部 | 市場部 | 行政部 |", "| 客戶欠款催收 | 諮詢 | 負責 | 知會 |", "市場部", None),
        ("| 事项 | 财务部 | 市场部 | 行政部 |", "| 固定资产实物管理 | 协同 | 知会 | 主责/审批 |", "行政部", "行政部"),
        ("| 工作事项 | 人力资源部 | 财务部 |", "| 工资核算 | 主责 | 审批 |", "人力资源部", "财务部"),
    ],
)
def test_chinese_raci(header, cells, owner, accountable):
    text = f"{header}\n|---|---|---|---|\n{cells}\n"
    table, (row,) = _rows(text)
    assert table.kind == "raci"
    assert (row.owner, row.accountable) == (owner, accountable)
    assert "|" not in text[row.start:row.end]


def test_owner_column_table():
    text = "| 事项 | 负责部门 | 配合部门 |\n|---|---|---|\n| 客户欠款催收 | 市场部 | 财务部、法务部 |\n"
    table, (row,) = _rows(text)
    assert table.kind == "owner"
    assert text[row.start:row.end] == "客户欠款催收"
    assert row.owner == "市场部" and row.named == ("市场部", "财务部", "法务部")
    assert "负责部门: 市场部" in row.context


def test_owner_team_with_link_markup_quotes_words_only():
    text = "| Feature | Owner team | Label |\n|---|---|---|\n| **Session replay** | [Team Replay][Team Replay] | <span>feature/replay</span> |\n"
    table, (row,) = _rows(text)
    assert table.kind == "owner" and row.owner == "Team Replay"
    assert text[row.start:row.end] == "Session replay"
    assert "Owner team: Team Replay" in row.context


def test_plain_table_rows_quote_the_first_cell():
    text = "| Amount | Limit |\n|---|---|\n| Up to $500 | none |\n| Over $2,000 | CFO sign-off |\n"
    table, rows = _rows(text)
    assert table.kind == "plain"
    assert [text[r.start:r.end] for r in rows] == ["Up to $500", "Over $2,000"]
    assert all(r.owner is None for r in rows)


def test_a_directory_of_units_quotes_what_each_unit_does():
    text = ("| Team | Part of | What we do |\n|---|---|---|\n"
            "| Accounts Payable | Finance | Pays hauliers and suppliers; keeps supplier master data. |\n"
            "| 资金管理科; 财务部 | 财务部 | 负责资金收付 |\n")
    table, rows = _rows(text)
    assert table.kind == "directory"
    assert [text[r.start:r.end] for r in rows] == ["Pays hauliers and suppliers", "keeps supplier master data.", "负责资金收付"]
    assert [r.owner for r in rows] == ["Accounts Payable", "Accounts Payable", "资金管理科"]


def test_a_cell_that_lists_several_duties_gives_a_row_for_each_quoted_as_written():
    text = ("| Office | What we handle |\n|---|---|\n"
            "| Estates Helpdesk; Estates & Facilities | Repairs and faults; Room bookings; Pest control |\n")
    table, rows = _rows(text)
    assert [text[r.start:r.end] for r in rows] == ["Repairs and faults", "Room bookings", "Pest control"]
    assert {r.owner for r in rows} == {"Estates Helpdesk"}
    assert rows[1].context == "Office: Estates Helpdesk; Estates & Facilities; What we handle: Room bookings"


def test_a_table_of_authority_levels_gives_the_row_to_its_承辦單位_not_to_a_level():
    text = ("| 項次 | 工作項目 | 承辦單位 | 承辦人員 | 課長 | 部門主管 | 總經理 |\n|---|---|---|---|---|---|---|\n"
            "| 1 | 每月薪資計算 | 人事課 | 擬辦 | 審核 | 審核 | 核定 |\n| 2 | 會計傳票 | 會計課 | 擬辦 | 核定 |  |  |\n")
    table, rows = _rows(text)
    assert table.kind == "owner"
    assert [r.owner for r in rows] == ["人事課", "會計課"]
    assert headers.roles("擬辦") == {"R"} and headers.roles("核定") == {"A"}


def test_a_unit_written_once_over_its_block_of_rows_owns_every_row_of_it():
    text = ("| 序号 | 部门 | 岗位 | 岗位职责 |\n|---|---|---|---|\n| 1 | 财务部 | 财务经理 | 负责预算编制 |\n"
            "| 2 |  | 出纳 | 负责现金收付 |\n| 3 | 采购部 | 采购专员 | 负责供应商询价 |\n")
    table, rows = _rows(text)
    assert table.kind == "owner"
    assert [r.owner for r in rows] == ["财务部", "财务部", "采购部"]
    assert "部门: 财务部" in rows[1].context


def test_a_plain_row_is_quoted_by_its_words_not_its_number():
    text = "| Ref | Issue | First point |\n|---|---|---|\n| ESC-03 | Access to the finance system | IT desk |\n| 10 | 每月薪資計算 | 人事 |\n"
    table, rows = _rows(text)
    assert [text[r.start:r.end] for r in rows] == ["Access to the finance system", "每月薪資計算"]


def test_escaped_pipe_stays_inside_its_cell():
    text = "| Task | Finance | Sales |\n|---|---|---|\n| Either A \\| B | R | I |\n"
    _, (row,) = _rows(text)
    assert text[row.start:row.end] == "Either A" and row.owner == "Finance"


def test_lines_that_are_not_a_table_are_left_alone():
    text = "| a quoted pipe line\nno separator | here\n"
    assert tables.find(text, tables.line_spans(text)) == {}


def test_a_responsibility_list_names_its_section_in_the_responsible_column():
    """A 权责清单: 「责任科室」 is the owner column; 「承办机构」 beside it names who carries the matter out."""
    text = ("| 序号 | 事项名称 | 事项类型 | 责任科室 | 承办机构 |\n|---|---|---|---|---|\n"
            "| 1 | 特种设备使用登记 | 行政许可 | 特种设备安全监察科 | 登记窗口 |\n")
    table, (row,) = _rows(text)
    assert table.kind == "owner" and row.owner == "特种设备安全监察科"


def test_sign_off_levels_are_no_unit_columns_and_any_handling_verb_heads_an_owner_column():
    """第一層 / 第二層 say who signs, not who does the work; 「主辦單位」 and 「办理科室」 name who does."""
    text = ("| 工作項目 | 主辦單位 | 第一層 | 第二層 | 第三層 |\n|---|---|---|---|---|\n"
            "| 船舶進出港排程 | 船舶調度科 | 總經理 | 處長 | 科長 |\n| 年度預算編列 | 財務處 | 核定 | 審核 | 擬辦 |\n")
    table, rows = _rows(text)
    assert table.kind == "owner"
    assert [r.owner for r in rows] == ["船舶調度科", "財務處"]
    text = "| 事项 | 办理科室 |\n|---|---|\n| 病历复印 | 病案室 |\n| 设备报修 | 设备科 |\n"
    table, rows = _rows(text)
    assert [r.owner for r in rows] == ["病案室", "设备科"]


def test_an_owner_table_quotes_its_work_item_not_the_row_number():
    text = ("| 編號 | 工作項目 | 第一層 | 主辦單位 |\n|---|---|---|---|\n| 19 | 資金調度（單筆一億元以下） | 核定 | 財務處資金科 |\n")
    table, rows = _rows(text)
    assert table.kind == "owner" and rows[0].owner == "財務處資金科"
    assert text[rows[0].start : rows[0].end].startswith("資金調度")


def test_a_chinese_and_splits_an_owner_cell_only_between_units():
    """「财务部与法务部」 is two units, 「基础架构与运维部」 and 「合规与隐私组」 one each."""
    assert tables.owner_names("财务部与法务部") == ["财务部", "法务部"]
    assert tables.owner_names("基础架构与运维部（SRE）") == ["基础架构与运维部"]
    assert tables.owner_names("合规与隐私组") == ["合规与隐私组"]
    assert tables.owner_names("Sales and Legal") == ["Sales", "Legal"]


def test_a_form_of_one_unit_gives_it_every_row_but_those_on_other_units_work():
    """A 部门职责说明书's table per department: its field labels are no units, its duties are the unit's, and
    「主要协作部门」 / "We don't own" rows vote for whom they name, not for the form's unit."""
    text = ("| 部门名称 | 资金管理部（简称资金部） |\n|---|---|\n| 上级部门(或所属中心) | 财务管理中心 |\n"
            "| 部门职责 | 1. 负责资金计划与调度;; 2. 负责银行账户管理 |\n| 下设科室 | 1. 结算科：负责付款;; 2. 票据科：负责票据 |\n"
            "| 主要协作部门 | 集中采购部、财务核算部 |\n")
    table, rows = _rows(text)
    assert table.kind == "form" and table.form_unit == "资金管理部"
    duties = [r for r in rows if "资金计划" in text[r.start:r.end] or "银行账户" in text[r.start:r.end]]
    assert len(duties) == 2 and all(r.owner == "资金管理部" for r in duties)
    assert duties[0].context.startswith("资金管理部; 部门职责: ")
    partners = [r for r in rows if "集中采购部" in text[r.start:r.end]]
    assert partners and all(r.owner is None and r.named == () for r in partners)
    assert charters.children("1. 结算科：负责付款; 2. 票据科：负责票据") == ["结算科", "票据科"]
    assert charters.children("无。集团工会办公室设在党群工作部，不单独设立机构。") == []
    assert charters.children("仓储运营部、运输管理部（均为部门级）") == ["仓储运营部", "运输管理部"]


def test_a_directory_headed_by_units_stays_a_directory_not_a_form():
    text = ("| Team | Lead |\n|---|---|\n| Finance | Ana |\n| Legal | Bo |\n| Payroll | Cy |\n")
    table, rows = _rows(text)
    assert table.kind == "directory" and [r.owner for r in rows] == ["Finance", "Legal", "Payroll"]


def test_a_directory_may_name_each_unit_s_parent_first():
    text = ("| 所属中心 | 部门 | 下设科室（组） | 调整情况 |\n|---|---|---|---|\n"
            "| 财务管理中心 | 财务核算部 | 核算税务科 | 两科合并 |\n| 运营管理中心 | 客户服务部 | 理赔组 | 划入 |\n")
    table, rows = _rows(text)
    assert table.kind == "directory" and table.owner_col == 1
    assert {r.owner for r in rows} == {"财务核算部", "客户服务部"}


def test_a_form_s_sub_unit_does_the_duties_written_after_its_name():
    text = ("| 部门名称 | 信息技术部 |\n|---|---|\n| 上级部门 | 集团 |\n| 部门职责 | 负责信息化规划 |\n"
            "| 下设科室 | 1. 系统运维科：负责机房与网络; 2. 应用开发科：负责客户EDI/API接口开发 |\n")
    _, rows = _rows(text)
    owners = {text[r.start:r.end]: r.owner for r in rows}
    assert owners["负责信息化规划"] == "信息技术部"
    assert owners["2. 应用开发科：负责客户EDI/API接口开发"] == "应用开发科"


def test_an_org_table_with_a_column_per_level_gives_each_row_to_its_lowest_unit():
    """「部門 | 室／部 | 組 | 職掌」: a row is its 組's, else its 室's; a cell 「（部本部）」 names none, nor does 「課長室」,
    which stands under every 課 (each one's own office)."""
    text = ("| 部門 | 室／部 | 組 | 主要職掌 |\n|---|---|---|---|\n| 醫療部 | 內科部 |  | 內科門診 |\n"
            "| 醫療部 | 外科部 |  | 外科手術 |\n| 行政部 | 總務室 | 工務組 | 水電報修 |\n| 行政部 | （部本部） |  | 行政督導 |\n")
    table, rows = _rows(text)
    assert table.kind == "directory" and table.levels == (0, 1, 2)
    assert [r.owner for r in rows] == ["內科部", "外科部", "工務組", "行政部"]
    text = ("| 單位 | 股別 | 業務職掌 |\n|---|---|---|\n| 民政課 | 課長室 | 綜理課務 |\n| 民政課 | 自治股 | 里鄰業務 |\n"
            "| 社會課 | 課長室 | 綜理課務 |\n| 社會課 | 社會救助股 | 低收入戶 |\n")
    table, rows = _rows(text)
    assert table.shared == {"課長室"} and [r.owner for r in rows] == ["民政課", "自治股", "社會課", "社會救助股"]


def test_a_directory_of_teams_beside_their_department_is_not_a_table_of_levels():
    text = "| Team | Department | Phone |\n|---|---|---|\n| Payroll | Finance | 1 |\n| Treasury | Finance | 2 |\n| Helpdesk | IT | 3 |\n"
    table, rows = _rows(text)
    assert table.levels == () and [r.owner for r in rows] == ["Payroll", "Treasury", "Helpdesk"]
