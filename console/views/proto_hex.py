"""Hex pane of the protobuf editor: a QTableView over HexModel with fixed, narrow columns.

The columns are sized from the font's metrics, and the number of bytes per row follows the width
the pane is given (32, 16 or 8: the largest whose offset + hex + ASCII columns fit), so the ASCII
half is never cut off at ordinary window widths. Changing the row width keeps the top byte in view.

Signals:
    byteClicked(int): the operator clicked (or moved the cursor onto) a byte, hex or ASCII half.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontMetrics, QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QStyle, QTableView, QWidget

from console.models.hex_model import ROW_WIDTHS, WIDTH, HexModel

GAP = 10
"""Extra pixels after the last hex column: a gap between the hex and ASCII halves."""


class HexView(QTableView):
    byteClicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.Monospace)
        self.setFont(font)
        fm = QFontMetrics(font)
        self.hex_w = fm.horizontalAdvance("00") + 4  # two digits and a thin gap, as in xxd
        self.asc_w = fm.horizontalAdvance("W")
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)  # a steady width to fit into
        self.setTextElideMode(Qt.TextElideMode.ElideNone)  # cells are exactly as wide as their glyphs
        v = self.verticalHeader()
        v.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        v.setDefaultSectionSize(fm.height() + 4)
        v.setFont(font)
        v.setDefaultAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        v.setFixedWidth(fm.horizontalAdvance("00000000") + 12)  # the offset column: 8 hex digits
        self.hex_model = HexModel(self)
        self.setModel(self.hex_model)
        self.clicked.connect(self._on_click)
        self.activated.connect(self._on_click)  # Enter on the current byte, as a click
        self.setAccessibleName(self.tr("Bytes"))
        self.setAccessibleDescription(self.tr("The message's bytes in hex and ASCII; the arrow keys move, "
                                              "Enter selects the field that holds the current byte"))
        self.setMinimumWidth(self.width_for(ROW_WIDTHS[0]))

    def setModel(self, model: QAbstractItemModel | None) -> None:
        """Also sizes the columns, now and after every reset (a reset drops the section sizes)."""
        super().setModel(model)
        if isinstance(model, HexModel):
            model.modelReset.connect(self._size_columns)
            model.set_bytes_per_row(self._fitting(self.width()) if self.isVisible() else WIDTH)
            self._size_columns()

    # -- layout -----------------------------------------------------------------------------------

    def width_for(self, per_row: int) -> int:
        """The widget width that shows ``per_row`` bytes a row without horizontal scrolling."""
        frame = 2 * self.frameWidth()
        bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, self)
        return self.verticalHeader().width() + per_row * (self.hex_w + self.asc_w) + GAP + bar + frame + 2

    def preferred_width(self) -> int:
        """Wide enough for 16 bytes a row (the editor's splitter offers this much when it can)."""
        return self.width_for(WIDTH)

    def rows_fitting(self, width: int) -> int:
        """Bytes per row (of ROW_WIDTHS) that a widget ``width`` pixels wide shows whole."""
        return self._fitting(width)

    def _fitting(self, width: int) -> int:
        fits = [n for n in ROW_WIDTHS if self.width_for(n) <= width]
        return max(fits) if fits else ROW_WIDTHS[0]

    def _size_columns(self) -> None:
        h = self.horizontalHeader()
        h.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        h.setMinimumSectionSize(4)
        n = self.hex_model.bytes_per_row
        for c in range(2 * n):
            h.resizeSection(c, self.hex_w if c < n else self.asc_w)
        h.resizeSection(n - 1, self.hex_w + GAP)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """(A scroll area receives its viewport's resize events: the widget's own width is read.)"""
        super().resizeEvent(event)
        per_row = self._fitting(self.width())
        if per_row != self.hex_model.bytes_per_row:
            top = self.hex_model.offset_of(self.indexAt(self.viewport().rect().topLeft()))
            cur = self.hex_model.offset_of(self.currentIndex())
            self.hex_model.set_bytes_per_row(per_row)
            if cur >= 0:
                self.setCurrentIndex(self.hex_model.cell_for(cur))
            if top >= 0:  # after the new layout is in place, bring the same byte back to the top
                QTimer.singleShot(0, self, lambda: self._scroll_to_top(top))

    def _scroll_to_top(self, offset: int) -> None:
        cell = self.hex_model.cell_for(offset)
        if cell.isValid():
            self.scrollTo(cell, QAbstractItemView.ScrollHint.PositionAtTop)

    # -- interaction ------------------------------------------------------------------------------

    def _on_click(self, index: QModelIndex | QPersistentModelIndex) -> None:
        off = self.hex_model.offset_of(index)
        if off >= 0:
            self.byteClicked.emit(off)

    def show_offset(self, offset: int) -> None:
        """Scroll so ``offset`` is visible (near the top if it was off-screen)."""
        cell = self.hex_model.cell_for(offset)
        if cell.isValid():
            self.scrollTo(cell, QAbstractItemView.ScrollHint.EnsureVisible)

    def visible_columns_fit(self) -> bool:
        """Whether every column (offset, hex and ASCII) is visible without horizontal scrolling."""
        return self.horizontalHeader().length() <= self.viewport().width()


__all__ = ["HexView"]
