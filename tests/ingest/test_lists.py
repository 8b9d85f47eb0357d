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


def test_a_directory_line_of_a_unit_and_its_number_names_the_unit():
    """「土城家庭服務中心：(02)2267-4430，新北市土城區。」 under 服務據點: a unit with its phone; a person's line is not."""
    text = "- 新莊樂齡日間照顧中心：(02)2991-6620，新北市新莊區。\n- 土城家庭服務中心：02-2267-4430\n- 總機：(02)2516-7300\n"
    assert [name for name, _, _ in listed_units(text)] == ["新莊樂齡日間照顧中心", "土城家庭服務中心"]


def test_items_numbered_by_heavenly_stems_after_a_unit_that_sets_them_up_are_its_units():
    """「前堂部轄下設下列組別：」 then 「（甲）接待處：辦理……」: each item labelled by a unit's name is a unit of
    前堂部, whatever verb its duties start with; the next heading ends the list."""
    text = ("前堂部轄下設下列組別：\n\n（甲）接待處：辦理入住及退房。\n\n（乙）禮賓組：負責行李運送。\n\n"
            "（丙）賓客服務中心：接聽總機電話。\n\n### 二、房務部\n\n（一）客房清潔組：清潔客房。\n")
    assert listed_units(text) == [("接待處", "前堂部", []), ("禮賓組", "前堂部", []), ("賓客服務中心", "前堂部", []),
                                  ("客房清潔組", None, [])]


def test_after_a_line_that_sets_up_sub_units_any_labelled_item_is_one():
    """「房務部轄下設下列組別：」 says the items are units: 「（甲）洗衣房：」 though 房 is no unit word; without such
    a line it is none (「（一）洗衣房：」 could be a room)."""
    text = "房務部轄下設下列組別：\n（甲）洗衣房：負責住客衣物之洗熨。\n（乙）公共地方清潔組：負責大堂清潔。\n"
    assert listed_units(text) == [("洗衣房", "房務部", []), ("公共地方清潔組", "房務部", [])]
    assert listed_units("（一）洗衣房：每日清洗布草。\n") == []
