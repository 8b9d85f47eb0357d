"""Which headings of a page name units (ingest/headings.py), on outline trees of small pages."""

from __future__ import annotations

from ingest import headings, outline
from ingest.names import sections


def _nodes(text: str):
    return outline.tree(list(sections(text)))


def test_a_short_heading_under_a_title_that_lists_units_is_one():
    nodes = _nodes("# Department responsibilities\n\n## HUMAN RESOURCES (HR)\n\nHiring.\n\n## How to use this page\n\nRead it.\n")
    assert headings.listed_heading(nodes, 1) == ("HUMAN RESOURCES", ["HR"])
    assert headings.listed_heading(nodes, 2) is None  # not name-like
    assert headings.listed_heading(_nodes("# Welcome\n\n## Finance\n\nBudgets.\n"), 1) is None  # no list title


def test_a_name_in_the_parentheses_of_several_headings_is_their_group_not_an_alias():
    nodes = _nodes("## IT Service Desk (Technology)\n\nTickets.\n\n## Information Security (Technology)\n\nPhishing.\n\n"
                   "## Payroll (PAY)\n\nPay.\n")
    assert headings.shared_parentheses(nodes) == {"technology"}
    assert headings.group_apart(["Technology", "ITSD"], {"technology"}) == ("Technology", ["ITSD"])


def test_a_heading_over_mostly_units_and_the_nearest_enclosing_unit():
    nodes = _nodes("## Planning\n\n### Development Management\n\nx\n\n### Planning Policy\n\ny\n\n### Contacts\n\nz\n")
    kids = headings.children_of(nodes)
    label_of = {1: "Development Management", 2: "Planning Policy"}
    assert headings.over_units(kids[0], label_of) == [1, 2]
    assert headings.over_units(kids[0], {1: "Development Management"}) == []  # one of three is not most
    assert headings.enclosing(nodes, 3, {0: "Planning"}, page="Council") == "Planning"
    assert headings.enclosing(nodes, 0, {}, page="Council") == "Council"


def test_a_section_that_says_what_its_team_owns_is_a_charter():
    assert headings.charter(["Some intro.", "- **Owns:** installation and IQ/OQ"])
    assert not headings.charter(["We own a dog."])
