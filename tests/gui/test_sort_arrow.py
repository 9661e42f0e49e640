"""The header's sort arrow points the way the rows run (▲ ascending, ▼ descending), read off the
pixels Qt actually paints."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QApplication, QTableView

from console.views.sort_arrow import SortArrowStyle, install


def arrow_widths(view: QTableView) -> list[int]:
    """Dark pixels per pixel row of the arrow at the right end of column 0's header section."""
    header = view.horizontalHeader()
    image = header.grab().toImage()
    right = header.sectionViewportPosition(0) + header.sectionSize(0)
    widths = []
    for y in range(image.height()):
        n = sum(1 for x in range(right - 25, right) if image.pixelColor(x, y).lightness() < 140)
        if n:
            widths.append(n)
    return widths


def sorted_view(order: Qt.SortOrder) -> QTableView:
    model = QStandardItemModel(3, 1)
    model.setHorizontalHeaderLabels(["Instance"])
    for i in range(3):
        model.setItem(i, 0, QStandardItem(str(i)))
    view = QTableView()
    view.setModel(model)
    view.setSortingEnabled(True)
    view.sortByColumn(0, order)
    view.horizontalHeader().setStyle(SortArrowStyle(QApplication.style().name()))  # this header only
    view.resize(300, 200)
    view.show()
    return view


def test_ascending_points_up_and_descending_points_down(qapp: Any) -> None:
    up = sorted_view(Qt.SortOrder.AscendingOrder)
    down = sorted_view(Qt.SortOrder.DescendingOrder)
    qapp.processEvents()
    assert up.model().index(0, 0).data() == "0" and down.model().index(0, 0).data() == "2"
    rising, falling = arrow_widths(up), arrow_widths(down)
    assert len(rising) >= 2 and rising == sorted(rising) and rising[0] < rising[-1], rising  # ▲
    assert len(falling) >= 2 and falling == sorted(falling, reverse=True) and falling[0] > falling[-1], falling  # ▼
    up.close()
    down.close()


def test_install_wraps_the_style_once(qapp: Any) -> None:
    before = qapp.style()
    name, was_wrapped = before.name(), isinstance(before, SortArrowStyle)  # setStyle deletes the old style
    install(qapp)
    wrapped = qapp.style()
    assert isinstance(wrapped, SortArrowStyle)
    install(qapp)
    assert qapp.style() is wrapped
    if not was_wrapped:
        qapp.setStyle(name)  # leave the other tests the style they had
