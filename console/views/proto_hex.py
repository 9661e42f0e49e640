"""Hex pane of the protobuf editor: a QTableView over HexModel with fixed, narrow columns.

Signals:
    byteClicked(int): the operator clicked (or moved the cursor onto) a byte, hex or ASCII half.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from console.models.hex_model import WIDTH, HexModel


class HexView(QTableView):
    byteClicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hex_model = HexModel(self)
        self.setModel(self.hex_model)
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.Monospace)
        self.setFont(font)
        fm = QFontMetrics(font)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        h = self.horizontalHeader()
        h.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        h.setMinimumSectionSize(4)
        self.setTextElideMode(Qt.TextElideMode.ElideNone)  # cells are exactly as wide as their glyphs
        hex_w = fm.horizontalAdvance("00") + 7
        asc_w = fm.horizontalAdvance("W") + 1
        for c in range(2 * WIDTH):
            h.resizeSection(c, hex_w if c < WIDTH else asc_w)
        h.resizeSection(WIDTH - 1, hex_w + 10)  # a gap between the hex and ASCII halves
        v = self.verticalHeader()
        v.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        v.setDefaultSectionSize(fm.height() + 4)
        v.setFont(font)
        v.setDefaultAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.clicked.connect(self._on_click)
        self.setMinimumWidth(320)

    def preferred_width(self) -> int:
        h = self.horizontalHeader()
        return h.length() + self.verticalHeader().width() + self.verticalScrollBar().sizeHint().width() + 6

    def _on_click(self, index: QModelIndex | QPersistentModelIndex) -> None:
        off = self.hex_model.offset_of(index)
        if off >= 0:
            self.byteClicked.emit(off)

    def show_offset(self, offset: int) -> None:
        """Scroll so ``offset`` is visible (near the top if it was off-screen)."""
        cell = self.hex_model.cell_for(offset)
        if cell.isValid():
            self.scrollTo(cell, QAbstractItemView.ScrollHint.EnsureVisible)
