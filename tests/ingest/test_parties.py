"""Who the documents name that is no unit of theirs: the organisation and outside companies (ingest/parties.py)."""

from types import SimpleNamespace

from ingest import parties


def test_an_outside_company_is_named_by_its_legal_form_or_by_what_the_documents_call_it():
    assert parties.outside("Ferrisgate Secure Ltd", set(), []) and parties.outside("永晴交通股份有限公司", set(), [])
    said = ["Reactive maintenance is outsourced to Brindley FM under a national contract.",
            "Tallyhouse = stocktake contractor (external).", "Finance pay supplier invoices.",
            "Security (vendor risk review) signs off.", "主機代管委由禾欣資訊辦理。"]
    assert parties.outside("Brindley FM", set(), said) and parties.outside("Tallyhouse", set(), said)
    assert parties.outside("禾欣資訊", set(), said)
    # a unit that buys from suppliers or reviews vendors is still a unit
    assert not parties.outside("Finance", set(), said) and not parties.outside("Security", set(), said)


def test_a_name_read_with_its_preposition_is_the_unit_after_it_only_when_that_unit_was_found():
    assert parties.outside("按安全环保部", {"安全环保部", "按安全环保部"}, [])
    assert not parties.outside("经营管理部", {"经营管理部"}, [])  # 经 starts the name: 营管理部 is no unit


def test_the_organisation_is_the_name_over_every_file_or_the_copyright_holder():
    unit = lambda label, pages=0: SimpleNamespace(label=label, pages=pages, parent=None, how="heading")  # noqa: E731
    found = [unit("Finance"), unit("財團法人青禾基金會"), unit("資訊室")]
    footer = [SimpleNamespace(text="首頁 | 聯絡我們\n© 財團法人青禾基金會 版權所有\n")]
    assert parties.organisation(found, footer) == "財團法人青禾基金會"
    assert parties.organisation([unit("Brightwater Dental Group", pages=2), unit("Finance")], []) == "Brightwater Dental Group"
    assert parties.organisation(found, [SimpleNamespace(text="No footer here.")]) is None


def test_a_unit_whose_name_runs_into_a_marker_word_is_still_a_unit():
    """「採購部廠商評鑑」 is 採購部's supplier review; 「永晴交通為委外廠商」 says 永晴交通 is a contractor."""
    said = ["採購部廠商評鑑每年一次。", "長者交通車：永晴交通為委外廠商。"]
    assert not parties.outside("採購部", set(), said)
    assert parties.outside("永晴交通", set(), said)


def test_outsiders_looks_only_around_the_marker_words_and_finds_the_same():
    """discover() asks once for all units: the documents are searched for the markers, not once per name."""
    page = ("Maintenance\n\n" + "Stores open at nine. " * 40 + "Reactive maintenance is outsourced to Brindley FM. "
            + "Finance pay supplier invoices. " * 20 + "Cash collections: Ferrisgate Secure Ltd.")
    labels = {"Brindley FM", "Finance", "Ferrisgate Secure Ltd", "Loss Prevention"}
    assert parties.outsiders(labels, [page]) == {"Brindley FM", "Ferrisgate Secure Ltd"}
    assert parties.outsiders(labels, [page]) == {lab for lab in labels if parties.outside(lab, labels, [page])}


def test_a_bilingual_copyright_holder_is_the_organisation_in_either_language():
    """"© 2025 Harbourlight Hotels Group Limited 港灣之光酒店集團有限公司" footers the site whose handbook is
    titled 「港灣之光酒店集團 Harbourlight Hotels Group」: the company form and the other language aside."""
    unit = lambda label: SimpleNamespace(label=label, pages=1, parent=None, how="title")  # noqa: E731
    footer = [SimpleNamespace(text="© 2025 Harbourlight Hotels Group Limited 港灣之光酒店集團有限公司. All rights reserved.")]
    found = [unit("港灣之光酒店集團 Harbourlight Hotels Group"), unit("Finance")]
    assert parties.organisation(found, footer) == "港灣之光酒店集團 Harbourlight Hotels Group"
    assert parties.organisation([unit("Harbour Pavilion"), unit("Finance")], footer) is None
