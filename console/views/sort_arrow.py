"""Sort arrows that point the way the rows run: ▲ over an ascending column, ▼ over a descending one.

Qt draws header sort indicators in the old Windows convention, where an ascending column shows a
downward arrow; operators coming from web dashboards, macOS and GNOME read that arrow as
"descending" and the order shown looks wrong. A proxy style over whatever style the application
uses flips only that one primitive, so every table agrees with the convention they know.
"""

from __future__ import annotations

from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QApplication, QProxyStyle, QStyle, QStyleOption, QStyleOptionHeader, QWidget

_FLIP = {
    QStyleOptionHeader.SortIndicator.SortDown: QStyleOptionHeader.SortIndicator.SortUp,
    QStyleOptionHeader.SortIndicator.SortUp: QStyleOptionHeader.SortIndicator.SortDown,
}


class SortArrowStyle(QProxyStyle):
    """The application's style with the header sort arrow flipped (see the module docstring)."""

    def drawPrimitive(self, element: QStyle.PrimitiveElement, option: QStyleOption, painter: QPainter,
                      widget: QWidget | None = None) -> None:
        if element == QStyle.PrimitiveElement.PE_IndicatorHeaderArrow and isinstance(option, QStyleOptionHeader):
            flipped = QStyleOptionHeader(option)
            flipped.sortIndicator = _FLIP.get(option.sortIndicator, option.sortIndicator)
            super().drawPrimitive(element, flipped, painter, widget)
            return
        super().drawPrimitive(element, option, painter, widget)


def install(app: QApplication) -> None:
    """Wrap the application's current style (once; a later setStyle call should wrap its style too)."""
    if not isinstance(app.style(), SortArrowStyle):
        app.setStyle(SortArrowStyle(app.style().name()))


def set_style(app: QApplication, name: str) -> None:
    """``app.setStyle(name)`` with the sort arrows kept (the theme switches styles: see theme.py)."""
    app.setStyle(SortArrowStyle(name))
