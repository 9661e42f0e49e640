"""Edit > Copy and Select all for whatever has the focus.

Line and text edits handle Ctrl+C / Ctrl+A themselves (Qt lets them take the key before a window
shortcut); the menu entries reach them, and every other widget, here.  A table or tree copies its
selected rows as tab-separated text of the columns shown, in the order shown (what a spreadsheet
pastes), rather than Qt's default of the current cell alone; any other widget (the log view) gets
the standard key event, so it does what its own key handling does.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)


def rows_text(view: QAbstractItemView) -> str:
    """The selected rows of ``view`` as tab-separated lines of the visible columns, in view order."""
    model = view.model()
    selection = view.selectionModel()
    if model is None or selection is None:
        return ""
    header: QHeaderView | None = getattr(view, "horizontalHeader", lambda: None)()
    if header is None and hasattr(view, "header"):
        header = view.header()
    columns = list(range(model.columnCount()))
    if header is not None:
        columns = [header.logicalIndex(v) for v in range(header.count())]
        columns = [c for c in columns if not header.isSectionHidden(c)]
    rows = sorted({i.row() for i in selection.selectedRows()} | {i.row() for i in selection.selectedIndexes()})
    lines = []
    for row in rows:
        cells = [model.index(row, c).data(Qt.ItemDataRole.DisplayRole) for c in columns]
        lines.append("\t".join("" if v is None else str(v) for v in cells))
    return "\n".join(lines)


def _send_key(widget: QWidget, key: Qt.Key) -> None:
    event = QKeyEvent(QEvent.Type.KeyPress, key, Qt.KeyboardModifier.ControlModifier)
    QCoreApplication.sendEvent(widget, event)


def copy(widget: QWidget | None) -> bool:
    """Copy the focused widget's selection to the clipboard; False when nothing has the focus."""
    if widget is None:
        return False
    if isinstance(widget, QLineEdit | QPlainTextEdit | QTextEdit):
        widget.copy()
        return True
    view = widget if isinstance(widget, QAbstractItemView) else None
    if view is None and isinstance(widget.parentWidget(), QAbstractItemView):
        view = widget.parentWidget()  # type: ignore[assignment]  # the viewport of a view
    if view is not None:
        text = rows_text(view)
        if text:
            QApplication.clipboard().setText(text)
        return True
    _send_key(widget, Qt.Key.Key_C)
    return True


def select_all(widget: QWidget | None) -> bool:
    """Select everything in the focused table, tree, text or log."""
    if widget is None:
        return False
    if isinstance(widget, QLineEdit | QPlainTextEdit | QTextEdit | QAbstractItemView):
        widget.selectAll()
        return True
    _send_key(widget, Qt.Key.Key_A)
    return True
