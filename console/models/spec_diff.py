"""Two texts side by side, line against line: the rows of a spec diff (no Qt).

difflib's SequenceMatcher finds the lines both texts keep; between them, lines only the old text
has are "removed", lines only the new one has are "added". Within a stretch replaced by another,
lines with the same YAML key (indentation and name before the colon) are paired as "changed", so
`instance_count: 1` faces `instance_count: 3` even when new keys were inserted before it; what is
left is paired line by line where both sides have lines, the rest removed / added. Each side
gets a blank filler where the other has a line, so row i of the left pane is row i of the right.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Literal

Kind = Literal["same", "changed", "removed", "added"]


@dataclass(frozen=True)
class Row:
    """One row of the side-by-side view. ``old`` / ``new`` are None where that side has a filler;
    the numbers are 1-based line numbers in each text (0 for a filler)."""

    kind: Kind
    old: str | None
    new: str | None
    old_no: int = 0
    new_no: int = 0


def side_by_side(old: str, new: str) -> list[Row]:
    a, b = old.splitlines(), new.splitlines()
    rows: list[Row] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            rows.extend(Row("same", a[i], b[j], i + 1, j + 1) for i, j in zip(range(i1, i2), range(j1, j2),
                                                                            strict=True))
            continue
        rows.extend(_replaced(a, b, i1, i2, j1, j2))
    return rows


def _key(line: str) -> str:
    head, colon, _ = line.partition(":")
    return head if colon else line


def _replaced(a: list[str], b: list[str], i1: int, i2: int, j1: int, j2: int) -> list[Row]:
    """Rows for a[i1:i2] replaced by b[j1:j2]: same keys paired first, then positionally."""
    rows: list[Row] = []
    keys = difflib.SequenceMatcher(None, [_key(x) for x in a[i1:i2]], [_key(x) for x in b[j1:j2]], autojunk=False)
    for tag, p1, p2, q1, q2 in keys.get_opcodes():
        paired = min(p2 - p1, q2 - q1) if tag in ("equal", "replace") else 0
        rows.extend(Row("changed", a[i1 + p1 + k], b[j1 + q1 + k], i1 + p1 + k + 1, j1 + q1 + k + 1)
                    for k in range(paired))
        rows.extend(Row("removed", a[i], None, i + 1, 0) for i in range(i1 + p1 + paired, i1 + p2))
        rows.extend(Row("added", None, b[j], 0, j + 1) for j in range(j1 + q1 + paired, j1 + q2))
    return rows


def changed_count(rows: list[Row]) -> int:
    """Rows that differ (a changed pair counts once)."""
    return sum(1 for r in rows if r.kind != "same")
