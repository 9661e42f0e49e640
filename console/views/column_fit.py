"""Column widths measured from what the columns show, so a default window clips nothing.

Fixed columns (states, counts, times, progress) get the width of their header or their widest
possible text in the view's font, whichever is larger; elastic columns (names, ids, owners: long
free text with a tooltip) share what is left by weight, never below their minimum.  Measured in the
running font, not in pixels written down, so a larger system font still fits.  Tables fit until the
operator drags a column (then their widths are theirs) - the caller decides when to call.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from PySide6.QtGui import QFontMetrics

HEADER_EXTRA = 20  # the sort arrow and the header's margins
CELL_EXTRA = 12  # a cell's margins and focus frame


def needed(fm: QFontMetrics, header: str, texts: Iterable[str], extra: int = 0) -> int:
    """The width a column needs to show its header and every text given, unclipped."""
    widest = max((fm.horizontalAdvance(t) for t in texts), default=0)
    return max(fm.horizontalAdvance(header) + HEADER_EXTRA, widest + CELL_EXTRA + extra)


def share(available: int, fixed: Mapping[int, int], elastic: Mapping[int, tuple[int, int]]) -> dict[int, int]:
    """Widths for every column: `fixed` as given, `elastic` (column -> (weight, minimum)) sharing the
    rest by weight.  When the rest is too small, elastic columns get their minimum (the view scrolls)."""
    widths = dict(fixed)
    rest = available - sum(fixed.values())
    total_weight = sum(w for w, _ in elastic.values()) or 1
    minimum = sum(m for _, m in elastic.values())
    spare = max(0, rest - minimum)
    given = 0
    for i, (col, (weight, least)) in enumerate(elastic.items()):
        if i == len(elastic) - 1:
            widths[col] = max(least, rest - given) if rest > minimum else least
        else:
            widths[col] = least + spare * weight // total_weight
            given += widths[col]
    return widths
