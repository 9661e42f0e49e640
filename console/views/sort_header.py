"""Table headers whose sort arrow points the way the rows go: up for ascending, down for descending.

Which arrow a style draws for a section depends on the style: QHeaderView hands it ``SortDown`` for
ascending order, which Fusion draws as ▼ over A→Z rows and the Windows style as ▲.  ``SortHeader``
asks the style in use which of its two indicators it draws pointing up (it draws one into a small
image once per style and looks) and paints ascending sections with that one, descending with the
other: ▲ for ascending, as in file managers and web tables, whatever the style.  No proxy style:
the theme replaces the application's style when it switches (console/views/theme.py), and a proxy
that owned or wrapped the old style died with it; here each paint asks the style current then.

``install(view)`` puts one on a QTableView (its horizontal header) or a QTreeView, keeping the
settings the view's own header had.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QHeaderView, QStyle, QStyleOptionHeader, QTableView, QTreeView, QWidget

Indicator = QStyleOptionHeader.SortIndicator
_PROBE = 24  # px: the square the style draws its arrow into, to see which way it points
_points_up: dict[str, bool] = {}  # style (class and name) -> whether it draws SortUp as an upward arrow


def ink_rows(image: QImage, rect: QRect, background: QColor, tolerance: int = 40) -> list[int]:
    """Pixels per row of ``rect`` that stand out from ``background`` (lightness or opacity more than
    ``tolerance`` apart): an arrow's shape (rows growing wider downwards: it points up)."""
    def ink(c: QColor) -> bool:
        return abs(c.lightness() - background.lightness()) + abs(c.alpha() - background.alpha()) > tolerance

    return [sum(1 for x in range(rect.left(), rect.right() + 1) if ink(image.pixelColor(x, y)))
            for y in range(rect.top(), rect.bottom() + 1)]


def points_up(widths: list[int]) -> bool | None:
    """Whether an arrow whose rows are ``widths`` wide points up (None: no arrow to tell)."""
    inked = [w for w in widths if w]
    if len(inked) < 2 or inked[0] == inked[-1]:
        return None
    return inked[0] < inked[-1]


def style_draws_sort_up_as_up(style: QStyle, widget: QWidget | None = None) -> bool:
    """Whether ``style`` draws QStyleOptionHeader.SortUp pointing up (asked once per style)."""
    key = f"{type(style).__name__}/{style.name()}"
    known = _points_up.get(key)
    if known is None:
        image = QImage(_PROBE, _PROBE, QImage.Format.Format_ARGB32)
        image.fill(0)  # transparent
        blank = image.pixelColor(0, 0)
        option = QStyleOptionHeader()
        option.rect = QRect(0, 0, _PROBE, _PROBE)
        option.state = QStyle.StateFlag.State_Enabled
        option.sortIndicator = Indicator.SortUp
        if widget is not None:
            option.palette = widget.palette()
        painter = QPainter(image)
        style.drawPrimitive(QStyle.PrimitiveElement.PE_IndicatorHeaderArrow, option, painter, widget)
        painter.end()
        up = points_up(ink_rows(image, image.rect(), blank))
        known = _points_up[key] = True if up is None else up  # an arrow we cannot read: Qt's own meaning
    return known


def indicator(order: Qt.SortOrder, style: QStyle, widget: QWidget | None = None) -> QStyleOptionHeader.SortIndicator:
    """The indicator ``style`` draws ▲ for ascending ``order`` and ▼ for descending."""
    up, down = ((Indicator.SortUp, Indicator.SortDown) if style_draws_sort_up_as_up(style, widget)
                else (Indicator.SortDown, Indicator.SortUp))
    return up if order == Qt.SortOrder.AscendingOrder else down


class SortHeader(QHeaderView):
    """A QHeaderView whose sort arrow is ▲ for ascending and ▼ for descending, in any style."""

    def __init__(self, orientation: Qt.Orientation = Qt.Orientation.Horizontal, parent: QWidget | None = None) -> None:
        super().__init__(orientation, parent)
        self.setObjectName("sortHeader")

    def initStyleOptionForIndex(self, option: QStyleOptionHeader, logicalIndex: int) -> None:  # noqa: N802,N803
        super().initStyleOptionForIndex(option, logicalIndex)
        if option.sortIndicator != Indicator.None_:
            option.sortIndicator = indicator(self.sortIndicatorOrder(), self.style(), self)

    def section_option(self, logical_index: int) -> QStyleOptionHeader:
        """The option the section is painted with (what the style draws its arrow from)."""
        option = QStyleOptionHeader()
        self.initStyleOption(option)
        self.initStyleOptionForIndex(option, logical_index)
        option.rect = QRect(self.sectionViewportPosition(logical_index), 0, self.sectionSize(logical_index),
                            self.height())
        return option

    def arrow_rect(self, logical_index: int) -> QRect:
        """Where the style draws the section's sort arrow, in the header's coordinates."""
        return self.style().subElementRect(QStyle.SubElement.SE_HeaderArrow, self.section_option(logical_index), self)


def install(view: QTableView | QTreeView) -> SortHeader:
    """Give ``view`` a SortHeader in place of its horizontal header, with the old one's settings."""
    old = view.horizontalHeader() if isinstance(view, QTableView) else view.header()
    if isinstance(old, SortHeader):
        return old
    header = SortHeader(Qt.Orientation.Horizontal, view)
    header.setSectionsClickable(old.sectionsClickable())
    header.setHighlightSections(old.highlightSections())
    header.setSectionsMovable(old.sectionsMovable())
    header.setStretchLastSection(old.stretchLastSection())
    header.setDefaultAlignment(old.defaultAlignment())
    header.setSortIndicatorShown(old.isSortIndicatorShown())
    if isinstance(view, QTableView):
        view.setHorizontalHeader(header)
    else:
        view.setHeader(header)
    return header
