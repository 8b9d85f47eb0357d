"""Units a numbered list or a labelled line names (ingest/lists.py)."""

from ingest.lists import listed_units


def test_a_numbered_unit_alone_on_its_line_may_end_its_sentence():
    """「一、港務營運處。」 as a regulation lists the units it sets up, one a line."""
    text = "本公司設下列各處：\n一、港務營運處。\n二、財務處；\n三、工程處\n"
    assert [name for name, _, _ in listed_units(text)] == ["港務營運處", "財務處", "工程處"]


def test_a_numbered_duty_that_opens_with_a_verb_names_no_unit():
    """「（三）负责监控中心管理」 is a duty of the unit above it, not a unit 「负责监控中心」."""
    text = "（三）负责监控中心管理。\n（四）协助保卫科做好消防工作。\n3. 人事科：承担人事管理。\n"
    assert listed_units(text) == [("人事科", None, [])]


def test_a_bold_name_keeps_its_short_name_out_of_the_name():
    text = "- **Institutional Biosafety Committee (IBC)** — reviews and approves recombinant DNA work.\n"
    assert listed_units(text) == [("Institutional Biosafety Committee", None, ["IBC"])]
