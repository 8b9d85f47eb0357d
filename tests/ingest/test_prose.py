"""Units named in running text (ingest/prose.py), sentence by sentence."""

from ingest import prose


def test_the_units_a_sentence_sets_up_with_the_one_they_are_under():
    text = "二、管理部：下設人事課、總務課及資訊課。\n公司设研发中心、营销中心两大业务中心，以及财务部。\n財務部與採購部另行規定。"
    found = prose.children_named(text)
    assert [(b is not None and b.endswith("管理部："), c) for b, c, _ in found] == [
        (True, "人事課"), (True, "總務課"), (True, "資訊課"), (False, "研发中心"), (False, "营销中心"), (False, "财务部")]


def test_a_name_written_with_its_parent_is_read_only_when_the_parent_is_a_unit():
    by_alias = {"estatesandfacilities": "Estates & Facilities"}
    text = ("Contact the Estates Helpdesk (part of Estates & Facilities). Ask Kendal, part of Estates & Facilities. "
            "The Night Desk, part of Campus Life, opens late.")
    assert prose.named_with_parent(text, by_alias) == [("Estates Helpdesk", "Estates & Facilities")]
    assert prose.mention_at("requests go to Estates & Facilities", by_alias, end=True) == "Estates & Facilities"


def test_a_pdf_line_s_wrapped_end_is_no_sentence_start():
    text = "Signed by a Principal Planning Officer in the Development\n\nManagement team.\n\n## Teams\n\nThe Licensing team issues licences.\n"
    assert prose.wrapped(text, text.index("Management"))
    assert not prose.wrapped(text, text.index("The Licensing"))
    assert not prose.wrapped(text, text.index("Principal"))  # inside its line
