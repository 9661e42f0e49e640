"""Ctrl+K: every action of the window with its shortcut, filtered as you type."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import QDialog, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget


class CommandPalette(QDialog):
    def __init__(self, actions: list[QAction], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Command palette")
        self.setMinimumSize(480, 360)
        self._actions = [a for a in actions if a.text()]
        self.search = QLineEdit()
        self.search.setPlaceholderText("Type a command…")
        self.list = QListWidget()
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.list)
        self.search.textChanged.connect(self._refill)
        self.list.itemActivated.connect(self._run)
        self.search.installEventFilter(self)
        self._refill("")

    def _refill(self, text: str) -> None:
        self.list.clear()
        words = text.lower().split()
        for action in self._actions:
            label = action.text().replace("&", "")
            if all(w in label.lower() for w in words):
                shortcut = action.shortcut().toString()
                item = QListWidgetItem(f"{label}\t{shortcut}" if shortcut else label)
                item.setData(Qt.ItemDataRole.UserRole, action)
                if not action.isEnabled():
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
                    item.setToolTip(action.statusTip() or "not available now")
                self.list.addItem(item)
        for row in range(self.list.count()):
            if self.list.item(row).flags() & Qt.ItemFlag.ItemIsEnabled:
                self.list.setCurrentRow(row)
                break

    def _run(self, item: QListWidgetItem) -> None:
        action = item.data(Qt.ItemDataRole.UserRole)
        if action is not None and action.isEnabled():
            self.accept()
            action.trigger()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if obj is self.search and isinstance(event, QKeyEvent) and event.type() == event.Type.KeyPress:
            if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                self.list.keyPressEvent(event)
                return True
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.list.currentItem():
                self._run(self.list.currentItem())
                return True
        return super().eventFilter(obj, event)
