"""HexModel: a buffer as rows of N bytes (8, 16 or 32; the view picks what its width holds) — N hex
cells, then N ASCII cells, offset in the vertical header.

One cell per byte (in both halves) so that a highlight is plain BackgroundRole data and a click on
either half names one byte (``offset_of``). Nothing is copied: cells read the buffer (bytes,
memoryview or mmap) on demand, so a 100 MB file costs only its row count.

Highlight parts (``set_highlight``): the selected field's tag, length prefix and value get three
tints; ``set_marks`` adds another tint for e.g. the damage offset.
"""

from __future__ import annotations

from typing import Any, Final

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from console.models import palette

_Index = QModelIndex | QPersistentModelIndex

WIDTH: Final = 16
"""The default bytes per row."""
ROW_WIDTHS: Final = (8, 16, 32)
"""Bytes per row a view may choose (set_bytes_per_row)."""
COLUMNS: Final = 2 * WIDTH

TAG_BG: Final = palette.role("hex_tag_bg")
LENGTH_BG: Final = palette.role("hex_length_bg")
VALUE_BG: Final = palette.role("hex_value_bg")
ERROR_BG: Final = palette.role("hex_error_bg")
ASCII_FG: Final = palette.TEXT_SECONDARY
ZERO_FG: Final = palette.role("hex_zero")

HighlightRole: Final = int(Qt.ItemDataRole.UserRole) + 1
"""Which part the byte is highlighted as: "tag", "length", "value", "error" or None."""

_HEX: Final = [f"{b:02x}" for b in range(256)]
_ASCII: Final = [chr(b) if 32 <= b < 127 else "·" for b in range(256)]


class HexModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._buf: Any = b""
        self._n = 0
        self._parts: list[tuple[int, int, str]] = []  # (start, end, part) — highlight
        self._marks: list[tuple[int, int, str]] = []
        self._lo = self._hi = 0  # byte range covered by highlight + marks (for cheap misses)
        self._w = WIDTH
        self._font = QFont("monospace")
        self._font.setStyleHint(QFont.StyleHint.Monospace)

    # -- data source ----------------------------------------------------------------------------

    def set_data(self, buf: Any) -> None:
        self.beginResetModel()
        self._buf = buf
        self._n = len(buf)
        self._parts = []
        self._marks = []
        self._recompute()
        self.endResetModel()

    def size(self) -> int:
        return self._n

    @property
    def bytes_per_row(self) -> int:
        return self._w

    def set_bytes_per_row(self, n: int) -> None:
        """Lay the bytes out ``n`` to a row (one of ROW_WIDTHS); a model reset when it changes."""
        if n not in ROW_WIDTHS:
            raise ValueError(f"bytes per row must be one of {ROW_WIDTHS}, not {n}")
        if n == self._w:
            return
        self.beginResetModel()
        self._w = n
        self.endResetModel()

    def offset_of(self, index: _Index) -> int:
        """Byte offset of a cell (hex or ASCII half); -1 past the end."""
        if not index.isValid():
            return -1
        off = index.row() * self._w + index.column() % self._w
        return off if off < self._n else -1

    def cell_for(self, offset: int, ascii: bool = False) -> QModelIndex:
        if not 0 <= offset < self._n:
            return QModelIndex()
        return self.index(offset // self._w, offset % self._w + (self._w if ascii else 0))

    # -- highlight ------------------------------------------------------------------------------

    @property
    def highlight(self) -> list[tuple[int, int, str]]:
        return list(self._parts)

    def highlight_range(self) -> tuple[int, int] | None:
        """(first byte, end) of the current highlight, or None."""
        if not self._parts:
            return None
        return min(p[0] for p in self._parts), max(p[1] for p in self._parts)

    def set_highlight(self, parts: list[tuple[int, int, str]]) -> None:
        """Highlight byte ranges ``[start, end)`` as "tag" / "length" / "value" / "error" parts."""
        old = self._row_span(self._parts)
        self._parts = [(max(0, s), min(e, self._n), p) for s, e, p in parts if e > s]
        self._recompute()
        self._changed(old)
        self._changed(self._row_span(self._parts))

    def set_marks(self, marks: list[tuple[int, int, str]]) -> None:
        old = self._row_span(self._marks)
        self._marks = [(max(0, s), min(e, self._n), p) for s, e, p in marks if e > s]
        self._recompute()
        self._changed(old)
        self._changed(self._row_span(self._marks))

    def _recompute(self) -> None:
        spans = self._parts + self._marks
        self._lo = min((s for s, _e, _p in spans), default=0)
        self._hi = max((e for _s, e, _p in spans), default=0)

    def _row_span(self, parts: list[tuple[int, int, str]]) -> tuple[int, int] | None:
        if not parts:
            return None
        return min(p[0] for p in parts) // self._w, (max(p[1] for p in parts) - 1) // self._w

    def _changed(self, rows: tuple[int, int] | None) -> None:
        if rows is None or self._n == 0:
            return
        last = (self._n - 1) // self._w
        a, b = max(0, rows[0]), min(rows[1], last)
        if a <= b:
            self.dataChanged.emit(self.index(a, 0), self.index(b, 2 * self._w - 1),
                                  [Qt.ItemDataRole.BackgroundRole, HighlightRole])

    def part_at(self, offset: int) -> str | None:
        if not self._lo <= offset < self._hi:
            return None
        for s, e, p in self._marks:
            if s <= offset < e:
                return p
        for s, e, p in self._parts:
            if s <= offset < e:
                return p
        return None

    # -- Qt model -------------------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else (self._n + self._w - 1) // self._w

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else 2 * self._w

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        col = index.column()
        off = index.row() * self._w + col % self._w
        if off >= self._n:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            b = self._buf[off]
            return _HEX[b] if col < self._w else _ASCII[b]
        if role == Qt.ItemDataRole.BackgroundRole:
            part = self.part_at(off)
            if part is None:
                return None
            return {"tag": TAG_BG, "length": LENGTH_BG, "value": VALUE_BG, "error": ERROR_BG}.get(part, VALUE_BG)
        if role == HighlightRole:
            return self.part_at(off)
        if role == Qt.ItemDataRole.ForegroundRole:
            if col >= self._w:
                return ASCII_FG
            return ZERO_FG if self._buf[off] == 0 else None
        if role == Qt.ItemDataRole.FontRole:
            return self._font
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignCenter
        if role == Qt.ItemDataRole.ToolTipRole:
            b = self._buf[off]
            return self.tr("offset {0} (0x{0:x}): 0x{1:02x} = {1}").format(off, b)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            if orientation == Qt.Orientation.Vertical:
                return f"{section * self._w:08x}"
            return f"{section % self._w:x}"  # the ASCII half is labelled too: no blank header cells
        if role == Qt.ItemDataRole.FontRole:
            return self._font
        return None
