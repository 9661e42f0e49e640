"""Column widths measured from what the columns show, so a default window clips nothing.

Fixed columns (states, counts, times, progress) get the width of their header or their widest
possible text in the view's font, whichever is larger; elastic columns (names, ids, owners: long
free text with a tooltip) share what is left by weight, never below their minimum.  Measured in the
running font, not in pixels written down, so a larger system font still fits.  Tables fit until the
operator drags a column (then their widths are theirs) - the caller decides when to call.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from PySide6.QtCore import QRect
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QHeaderView, QStyle, QStyleOptionHeader

HEADER_EXTRA = 20  # the sort arrow and the header's margins, where the style cannot be asked
CELL_EXTRA = 12  # a cell's margins and focus frame
_SLACK = 2  # px of room left over beside a header's title


def header_extra(header: QHeaderView) -> int:
    """The room a sorted section of ``header`` takes besides its title (margins and the sort
    arrow), as its style lays it out: what a title needs on top of its text to show unclipped
    in any column the operator sorts by."""
    option = QStyleOptionHeader()
    header.initStyleOption(option)
    option.rect = QRect(0, 0, 200, max(header.height(), header.sizeHint().height(), 20))
    option.sortIndicator = QStyleOptionHeader.SortIndicator.SortUp
    label = header.style().subElementRect(QStyle.SubElement.SE_HeaderLabel, option, header)
    if not label.isValid() or label.width() >= option.rect.width():
        return HEADER_EXTRA
    return option.rect.width() - label.width() + _SLACK


def needed(fm: QFontMetrics, header: str, texts: Iterable[str], extra: int = 0,
           header_room: int = HEADER_EXTRA) -> int:
    """The width a column needs to show its header (plus ``header_room``) and every text given, unclipped."""
    widest = max((fm.horizontalAdvance(t) for t in texts), default=0)
    return max(fm.horizontalAdvance(header) + header_room, widest + CELL_EXTRA + extra)


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
