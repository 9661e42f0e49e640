"""side_by_side: the rows of the History tab's spec diff."""

from __future__ import annotations

from console.models.spec_diff import changed_count, side_by_side


def test_a_changed_value_pairs_the_two_lines() -> None:
    rows = side_by_side("name: a\ninstance_count: 2\nowner: me\n", "name: a\ninstance_count: 5\nowner: me\n")
    assert [r.kind for r in rows] == ["same", "changed", "same"]
    assert (rows[1].old, rows[1].new, rows[1].old_no, rows[1].new_no) == ("instance_count: 2", "instance_count: 5",
                                                                          2, 2)
    assert changed_count(rows) == 1


def test_added_and_removed_lines_get_a_filler_on_the_other_side() -> None:
    rows = side_by_side("a\nb\nc\n", "a\nc\nd\ne\n")
    assert [(r.kind, r.old, r.new) for r in rows] == [
        ("same", "a", "a"), ("removed", "b", None), ("same", "c", "c"), ("added", None, "d"), ("added", None, "e")]
    assert [r.new_no for r in rows] == [1, 0, 2, 3, 4]


def test_a_longer_replacement_pairs_what_it_can() -> None:
    rows = side_by_side("x\n1\n2\ny\n", "x\nA\nB\nC\ny\n")
    assert [r.kind for r in rows] == ["same", "changed", "changed", "added", "same"]


def test_equal_and_empty_texts() -> None:
    assert changed_count(side_by_side("a\nb", "a\nb")) == 0
    assert side_by_side("", "") == []
    assert [r.kind for r in side_by_side("", "a\n")] == ["added"]


def test_keys_inserted_before_a_changed_value_do_not_shift_the_pairing() -> None:
    rows = side_by_side("name: a\ninstance_count: 1\n", "name: a\nlabels:\n  tier: gold\ninstance_count: 3\n")
    assert [(r.kind, r.old, r.new) for r in rows] == [
        ("same", "name: a", "name: a"), ("added", None, "labels:"), ("added", None, "  tier: gold"),
        ("changed", "instance_count: 1", "instance_count: 3")]
