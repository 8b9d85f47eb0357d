"""Heading trees and sections built alike (ingest/outline.py)."""

from __future__ import annotations

from ingest import outline

DOC = [
    (0, "", ["intro"]),
    (1, "Handbook", []),
    (2, "Kiln Team", ["The Kiln Team fires every order."]),
    (3, "What we do", []),
    (3, "Slack channel", []),
    (2, "Glaze Lab", []),
    (3, "What we do", []),
    (3, "Slack channel", []),
    (2, "Dispatch", []),
    (3, "一、Slack channel", []),
    (2, "Holidays", []),
    (3, "How to book", []),
]


def test_tree_links_each_heading_to_the_nearest_smaller_level_above():
    nodes = outline.tree(DOC)
    assert [n.heading for n in nodes][:3] == ["Handbook", "Kiln Team", "What we do"]
    assert nodes[1].parent == 0 and nodes[2].parent == 1 and nodes[4].parent == 0
    assert list(outline.ancestors(nodes, 2)) == [1, 0]
    assert nodes[0].children == [1, 4, 7, 9]


def test_siblings_alike_share_a_sub_heading_that_recurs_under_three_of_them():
    nodes = outline.tree(DOC)
    similar = outline.alike(nodes, lambda h: h)
    assert similar[4] == {1, 7}  # Glaze Lab: like Kiln Team and Dispatch (numbering dropped)
    assert similar[9] == set()  # Holidays: its sub-heading is its own
