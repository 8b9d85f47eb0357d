"""One unit written several ways is one unit (ingest/forms.py), read through discovery as a corpus would be."""

from ingest import files, units


def _discover(folder):
    return units.discover([files.read(p, folder) for p in files.find(folder)])


def test_a_unit_written_after_its_parent_is_the_child_under_that_parent(tmp_path):
    """「民政課自治股」 is 民政課's 自治股; 「建設課工程股」 names 建設課 only that way; 「請洽會計室」 is 會計室."""
    (tmp_path / "職掌.md").write_text(
        "# 業務職掌\n\n一、民政課：\n1. 里鄰行政。\n\n二、自治股：\n1. 里長聯繫。\n\n三、會計室：\n1. 歲計會計。\n\n"
        "四、工程股：\n1. 道路維護。\n\n",
        encoding="utf-8",
    )
    (tmp_path / "為民服務.md").write_text(
        "# 為民服務手冊\n\n| 申請項目 | 承辦單位 | 分機 |\n|---|---|---|\n| 路燈故障 | 建設課工程股 | 301 |\n"
        "| 社區活動中心借用 | 民政課自治股 | 201 |\n| 經費核銷 | 請洽會計室 | 501 |\n| 里長證明 | 民政課 | 200 |\n",
        encoding="utf-8",
    )
    tax = _discover(tmp_path)
    assert tax.departments["自治股"].parent == "民政課"
    assert tax.canonical("民政課自治股") == "自治股"
    assert tax.departments["工程股"].parent == "建設課"
    assert tax.canonical("建設課工程股") == "工程股"
    assert tax.canonical("請洽會計室") == "會計室"
    assert not any(lab.endswith("股") and len(lab) > 4 for lab in tax.departments)


def test_a_short_form_and_an_old_name_are_aliases_of_the_unit(tmp_path):
    (tmp_path / "职责.md").write_text(
        "# 部门职责\n\n## 人力资源部\n\n1. 负责招聘。\n\n## 质量管理部\n\n1. 负责质量体系。\n\n## 安全环保部\n\n1. 负责安全检查。\n\n"
        "# 分工补充\n\n人资部：负责工资表编制。\n安环部：负责组织安全培训。\n品质部：负责来料检验。\n\n"
        "原品质部更名为质量管理部，职责不变。\n",
        encoding="utf-8",
    )
    tax = _discover(tmp_path)
    assert tax.canonical("人资部") == "人力资源部"
    assert tax.canonical("安环部") == "安全环保部"
    assert tax.canonical("品质部") == "质量管理部"
    assert {"人资部", "安环部", "品质部"}.isdisjoint(tax.departments)


def test_a_unit_found_by_its_short_form_is_labelled_by_its_full_name(tmp_path):
    """A directory writes "QA/RA"; the charters' heading "Quality & Regulatory Affairs (QA/RA)" spells it out.
    "Payroll (HR)" is not HR's long name."""
    (tmp_path / "directory.md").write_text(
        "# Team directory\n\n| Team | Part of | Lead |\n|---|---|---|\n| QA/RA | Compliance | Ana |\n"
        "| Security Team | Compliance | Bo |\n| Legal Team | Compliance | Cy |\n| HR | Compliance | Di |\n",
        encoding="utf-8",
    )
    (tmp_path / "charters.md").write_text(
        "# Compliance team charters\n\n## Compliance\n\n### Security Team\n\nOwns access reviews.\n\n"
        "### Quality & Regulatory Affairs (QA/RA)\n\nOwns the quality system.\n\n### Legal Team\n\nOwns contracts.\n\n"
        "## Operations\n\n### Support Team\n\nAnswers customers.\n\n### Billing Team\n\nSends invoices.\n",
        encoding="utf-8",
    )
    tax = _discover(tmp_path)
    assert "Quality & Regulatory Affairs" in tax.departments and "QA/RA" not in tax.departments
    assert tax.canonical("QA/RA") == "Quality & Regulatory Affairs"
    assert tax.departments["Quality & Regulatory Affairs"].parent == "Compliance"
    assert "Compliance team charters" not in tax.departments  # a page of charters lists units, it is none
    assert tax.canonical("HR") == "HR"


def test_an_english_team_short_form_is_the_unit_it_shortens_but_a_helpdesk_is_its_own(tmp_path):
    """ "Income Team" within Income Management's section and "Contact Centre" are short forms; "Estates
    Helpdesk" under Estates & Facilities is a part of it, not another name."""
    (tmp_path / "remits.md").write_text(
        "# Remits\n\n## Income Management\n\nThe Income Team collects rent.\n\n## Customer Contact Centre\n\n"
        "The Customer Contact Centre answers calls.\n\n## Estates & Facilities\n\nThe Estates Helpdesk logs repairs.\n\n"
        "## Lettings and Allocations\n\nLets homes.\n",
        encoding="utf-8",
    )
    (tmp_path / "routing.md").write_text(
        "# Routing\n\n| Enquiry | Handled by |\n|---|---|\n| Rent | Income Team |\n| Calls | Contact Centre |\n"
        "| Repairs | Estates Helpdesk |\n",
        encoding="utf-8",
    )
    tax = _discover(tmp_path)
    assert tax.canonical("Income Team") == "Income Management"
    assert tax.canonical("Contact Centre") == "Customer Contact Centre"
    assert (
        "Estates Helpdesk" in tax.departments
        and tax.departments["Estates Helpdesk"].parent == "Estates & Facilities"
    )


def test_the_organisation_heading_its_files_is_no_unit(tmp_path):
    """A handbook's cover and the quick reference are both headed with the company's name: it is whose
    documents they are, not a unit an answer could name."""
    (tmp_path / "handbook.md").write_text(
        "# BRIGHTWATER DENTAL GROUP\n\n## Payroll Team\n\nRuns the monthly payroll.\n\n## IT Support Team\n\n"
        "Fixes laptops.\n",
        encoding="utf-8",
    )
    (tmp_path / "who-to-ask.md").write_text(
        "# Brightwater Dental Group – Who to ask\n\n| I need help with | Contact |\n|---|---|\n| Payslips | Payroll Team |\n",
        encoding="utf-8",
    )
    tax = _discover(tmp_path)
    assert "Payroll Team" in tax.departments
    assert not any("brightwater" in lab.lower() for lab in tax.departments)


def test_an_office_is_shortened_to_its_last_character_and_a_short_form_with_sub_units_is_still_folded(tmp_path):
    """「医保办」 is 「医疗保险管理办公室」 and 「门诊办」 the 门诊部 written 「门诊部（门诊办公室）」; 「港營處」 is
    港務營運處 though the 行銷科 under it is written 「港營處行銷科」."""
    (tmp_path / "规定.md").write_text(
        "# 科室职责\n\n## 第二章 医务处\n\n第五条 医务处负责医疗管理。\n\n## 第三章 门诊部（门诊办公室）\n\n"
        "第六条 门诊部负责门诊管理。\n\n## 第四章 医疗保险管理办公室\n\n第七条 负责医保结算。\n\n",
        encoding="utf-8",
    )
    (tmp_path / "指引.md").write_text(
        "# 办事指引\n\n| 事项 | 办理部门 |\n|---|---|\n| 门诊排班 | 门诊办 |\n| 医保报销 | 医保办 |\n| 医疗纠纷 | 医务处 |\n",
        encoding="utf-8",
    )
    tax = _discover(tmp_path)
    assert tax.canonical("门诊办") == "门诊部"
    assert tax.canonical("医保办") == "医疗保险管理办公室"
    assert {"门诊办", "医保办"}.isdisjoint(tax.departments)


def test_a_short_form_is_folded_though_units_are_written_under_it(tmp_path):
    """「港營處」 is 港務營運處 though 「港營處行銷科」 is written under it; the 科 a 處 sets up are its own."""
    (tmp_path / "組織規程.md").write_text(
        "# 組織規程\n\n第三條 本公司設下列各處：\n一、港務營運處。\n二、財務處。\n三、工程處。\n\n"
        "第四條 港務營運處設船舶調度科、行銷科。\n",
        encoding="utf-8",
    )
    (tmp_path / "分層負責.md").write_text(
        "# 分層負責明細表\n\n| 工作項目 | 主辦單位 | 第一層 | 第二層 |\n|---|---|---|---|\n"
        "| 港埠費率調整 | 港營處行銷科 | 總經理 | 處長 |\n| 船席指泊 | 港營處 | 處長 | 科長 |\n"
        "| 年度預算 | 財務處 | 總經理 | 處長 |\n",
        encoding="utf-8",
    )
    tax = _discover(tmp_path)
    assert tax.canonical("港營處") == "港務營運處"
    assert "港營處" not in tax.departments
    # 「港務營運處設船舶調度科、行銷科」 and 「港營處行銷科」: the 科 under the 處
    assert tax.canonical("港營處行銷科") == "行銷科"
    assert tax.departments["行銷科"].parent == tax.departments["船舶調度科"].parent == "港務營運處"
    assert not any(lab.startswith("第") or lab.startswith("下列") for lab in tax.departments)


def test_a_raci_column_s_abbreviation_is_the_team_its_page_spells_out(tmp_path):
    """A RACI sheet heads its columns "Sample Mgmt", "LabOps", "Instr. Eng."; the wiki writes the teams out,
    one of them only in a list of bare names under its function."""
    (tmp_path / "raci.md").write_text(
        "# RACI\n\n| Process | Process owner | LabOps | Sample Mgmt | Instr. Eng. |\n|---|---|---|---|---|\n"
        "| Sample intake | Sample Management | A | R | I |\n| Firmware release | Instrument Engineering | I | C | R |\n"
        "| Freezer alarms | Lab Operations | R | C | I |\n",
        encoding="utf-8",
    )
    (tmp_path / "directory.md").write_text(
        "# Team Directory\n\n## Lab Operations\n\nDirector: M. O.\n\n- Sample Management (formerly Sample Intake)\n"
        "- Metrology & Calibration\n\n## Research & Development\n\n- Owns: the product roadmap.\n\n- Instrument Engineering\n"
        "- Assay Development\n",
        encoding="utf-8",
    )
    tax = _discover(tmp_path)
    assert tax.canonical("Sample Mgmt") == "Sample Management"
    assert tax.canonical("LabOps") == "Lab Operations"
    assert tax.canonical("Instr. Eng.") == "Instrument Engineering"
    assert tax.departments["Metrology & Calibration"].parent == "Lab Operations"
    assert tax.canonical("Sample Intake") == "Sample Management"  # "(formerly Sample Intake)"
    assert tax.departments["Assay Development"].parent == "Research & Development"
    assert "Team Directory" not in tax.departments


def test_a_unit_whose_parenthesis_names_another_found_unit_is_that_unit(tmp_path):
    """A table writes 「门诊办」, 「设备科」 and 「放射科」; the duty list says 「四、门诊部（门诊办）」, 「医学影像科（原放射科）」
    and a regulation 「医学装备处（简称“装备处”，原设备科）负责……」: one unit each, under its full name (also
    「四、医保办（医疗保险管理办公室）」)."""
    (tmp_path / "一览表.md").write_text(
        "# 常见事项办理部门一览表\n\n| 事项 | 办理部门 |\n|---|---|\n| 诊断证明盖章 | 门诊办 |\n| 设备报修 | 设备科 |\n"
        "| 胶片补打 | 放射科 |\n| 报销 | 财务处 |\n",
        encoding="utf-8",
    )
    (tmp_path / "科室职责.md").write_text(
        "# 科室设置及职责\n\n一、财务处\n（一）负责预算管理。\n\n二、门诊部（门诊办）\n（一）负责门诊秩序管理。\n\n"
        "三、医学影像科（原放射科）\n（一）负责CT检查。\n\n四、医保办（医疗保险管理办公室）\n（一）负责医保结算。\n\n第二十二条 医学装备处（简称“装备处”，原设备科）负责医疗设备的维修保养。\n",
        encoding="utf-8",
    )
    tax = _discover(tmp_path)
    assert tax.canonical("门诊办") == "门诊部"
    assert tax.canonical("放射科") == "医学影像科"
    assert tax.canonical("设备科") == tax.canonical("装备处") == "医学装备处"
    assert {"门诊办", "放射科", "设备科"}.isdisjoint(tax.departments)
    assert tax.canonical("医保办") == "医疗保险管理办公室"  # the list writes the short name first


def test_a_unit_written_in_both_languages_is_one_unit(tmp_path):
    """A Hong Kong handbook writes 「人才及文化部 People & Culture (P&C)：招聘……」; the English intranet has a
    "People & Culture" page section and an "Information Technology" one beside 資訊科技部 in the Chinese
    duty list, both under the corporate office: one unit each, labelled in the documents' main script."""
    (tmp_path / "部門職責.md").write_text(
        "# 部門職責一覽\n\n## 集團總辦事處\n\n集團總辦事處設下列部門。\n\n### 人才及文化部\n\n人才及文化部負責招聘及員工關係。\n\n"
        "### 資訊科技部\n\n資訊科技部負責系統維護及網絡。\n\n### 財務部\n\n財務部負責會計及預算。\n\n"
        "### 法律及合規部\n\n法律及合規部負責合約審閱。\n\n### 市場及銷售部\n\n市場及銷售部負責品牌推廣。\n",
        encoding="utf-8")
    (tmp_path / "員工手冊.md").write_text(
        "# 員工手冊\n\n## 部門\n\n- 人才及文化部 People & Culture (P&C)：招聘、員工關係。\n- 財務部 Finance：會計。\n",
        encoding="utf-8")
    (tmp_path / "corporate-office.md").write_text(
        "# Corporate Office\n\nThe Corporate Office supports both hotels.\n\n## Finance\n\nFinance pays suppliers.\n\n"
        "## People & Culture\n\nP&C handles recruitment.\n\n## Information Technology\n\nIT keeps our systems running.\n\n"
        "## Legal & Compliance\n\nL&C reviews contracts.\n",
        encoding="utf-8")
    tax = _discover(tmp_path)
    assert tax.resolve("People & Culture") == tax.resolve("P&C") == "人才及文化部"
    assert tax.resolve("Information Technology") == "資訊科技部"
    assert tax.resolve("Finance") == "財務部"
    assert "People & Culture" not in tax.departments and "Information Technology" not in tax.departments


def test_two_top_level_pages_of_one_function_in_two_languages_stay_two_units(tmp_path):
    """An English "Sales" page and a Chinese 销售部 page, neither under a known unit and never written side by
    side, may be two teams: nothing merges them (nor makes the pair the organisation)."""
    (tmp_path / "sales.md").write_text("# Sales\n\nThe Sales team closes deals.\n", encoding="utf-8")
    (tmp_path / "销售部.md").write_text("# 销售部\n\n销售部负责客户开发。\n", encoding="utf-8")
    (tmp_path / "市场部.md").write_text("# 市场部\n\n市场部负责品牌与推广。\n", encoding="utf-8")
    assert {"Sales", "销售部", "市场部"} <= set(_discover(tmp_path).departments)


def test_an_owning_team_column_holds_teams_whole(tmp_path):
    """"Owning team" cells are teams: "Water Quality & Scientific Services" (no unit word), "Leakage & Metering";
    a cell cut in two ("Leakage and Metering" may be two teams) is not vouched for; an "Escalation contact"
    column's "NetOps Team Leader" is a post."""
    (tmp_path / "catalogue.csv").write_text(
        "Request type,Owning team,Escalation contact\nTap sample,Water Quality & Scientific Services,Laboratory Manager\n"
        "Meter fault,Leakage & Metering,Metering Team Leader\nMeter reading,Leakage and Metering,\nLow pressure,Network Operations,NetOps Team Leader\n",
        encoding="utf-8")
    labels = set(_discover(tmp_path).departments)
    assert {"Water Quality & Scientific Services", "Leakage & Metering", "Network Operations"} <= labels
    assert not labels & {"Leakage", "Metering", "NetOps Team Leader", "Metering Team Leader", "Laboratory Manager"}
