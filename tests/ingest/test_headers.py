"""What table headers and cells say: RACI letters and words, and which column is the owner's, a directory's,
a parent's or a form's own unit."""

from __future__ import annotations

import pytest

from ingest import headers


@pytest.mark.parametrize(
    ("cell", "want"),
    [
        ("R", {"R"}), ("A/R", {"A", "R"}), ("R/A", {"A", "R"}), ("RA", {"A", "R"}), ("R, A", {"A", "R"}),
        ("c", {"C"}), ("I", {"I"}), ("S", {"C"}), ("主责", {"R"}), ("主责/审批", {"R", "A"}), ("負責", {"R"}),
        ("批准", {"A"}), ("諮詢", {"C"}), ("知會", {"I"}), ("协同", {"C"}), ("知会", {"I"}),
        ("Sales", set()), ("", set()), ("Run payroll", set()), ("Rx", set()),
    ],
)
def test_roles(cell, want):
    assert headers.roles(cell) == want


@pytest.mark.parametrize(("header", "pattern", "matches"), [
    ("Owning team", headers.OWNER_HEADER, True), ("负责部门", headers.OWNER_HEADER, True),
    ("承辦單位", headers.OWNER_HEADER, True), ("Description", headers.OWNER_HEADER, False),
    ("Escalation contact", headers.SUPPORT_HEADER, True), ("配合部门", headers.SUPPORT_HEADER, True),
    ("部门名称", headers.UNIT_HEADER, True), ("Request type", headers.UNIT_HEADER, False),
    ("Reports to", headers.PARENT_HEADER, True), ("所屬課別", headers.CHILD_HEADER, True),
    ("所属科室/组", headers.OWN_FIELD, True), ("Department name", headers.OWN_FIELD, True), ("岗位名称", headers.OWN_FIELD, False),
    ("部門主管", headers.POST_HEADER, True), ("第二層", headers.POST_HEADER, True), ("Finance", headers.POST_HEADER, False),
])
def test_what_a_header_names(header, pattern, matches):
    assert bool(pattern.search(header) if pattern is headers.POST_HEADER else pattern.match(header)) is matches


def test_a_parenthesis_qualifies_a_column_it_does_not_name_it():
    assert headers.column_name("Service Owner (team)") == "Service Owner"
    assert headers.column_name("责任科室（牵头）") == "责任科室"
    assert headers.OWNER_HEADER.match(headers.column_name("Service Owner (team)"))


@pytest.mark.parametrize(("header", "unit_column"), [
    ("二级部门", True), ("二级部门 / 小组", True), ("Team / Unit", True), ("小组", True),
    ("二级部门 / 主要职责", False), ("Group", False),
])
def test_a_column_of_units_named_two_ways_is_a_directory(header, unit_column):
    assert bool(headers.UNIT_HEADER.match(header)) is unit_column


def test_an_owner_dept_column_and_a_bare_下设_column_are_read():
    assert headers.OWNER_HEADER.match("Owner dept") and headers.OWNER_HEADER.match("responsible dept")
    assert headers.CHILD_HEADER.match("下设") and not headers.CHILD_HEADER.match("下设备注")
