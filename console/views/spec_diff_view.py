"""Two job specs side by side as YAML (as the spec editor shows them), changed lines highlighted.

The rows come from console.models.spec_diff (aligned, with fillers), so a line of the left pane
faces its counterpart on the right; both panes scroll together. Colours are the palette's diff
roles: removed lines on the left, added on the right, a changed pair on both with the differing
characters marked.
"""

from __future__ import annotations

import difflib

from PySide6.QtGui import QColor, QFont, QTextCursor, QTextFormat
from PySide6.QtWidgets import QGridLayout, QLabel, QPlainTextEdit, QTextEdit, QWidget

from console.models import palette
from console.models.spec_diff import Row, changed_count, side_by_side

FILLER = ""  # a row the other side has and this one does not: an empty, shaded line


def _pane(name: str) -> QPlainTextEdit:
    pane = QPlainTextEdit()
    pane.setObjectName(name)
    pane.setReadOnly(True)
    pane.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
    mono = QFont("monospace")
    mono.setStyleHint(QFont.StyleHint.Monospace)
    pane.setFont(mono)
    return pane


class SpecDiffView(QWidget):
    """``show_diff(old_title, old_yaml, new_title, new_yaml)``; ``rows`` holds what is shown."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[Row] = []
        self.old_title = QLabel()
        self.old_title.setObjectName("diffOldTitle")
        self.new_title = QLabel()
        self.new_title.setObjectName("diffNewTitle")
        self.summary = QLabel()
        self.summary.setObjectName("diffSummary")
        self.old = _pane("diffOld")
        self.old.setAccessibleName(self.tr("The older version's spec"))
        self.new = _pane("diffNew")
        self.new.setAccessibleName(self.tr("The newer version's spec"))
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.summary, 0, 0, 1, 2)
        grid.addWidget(self.old_title, 1, 0)
        grid.addWidget(self.new_title, 1, 1)
        grid.addWidget(self.old, 2, 0)
        grid.addWidget(self.new, 2, 1)
        grid.setRowStretch(2, 1)
        for a, b in ((self.old, self.new), (self.new, self.old)):
            a.verticalScrollBar().valueChanged.connect(b.verticalScrollBar().setValue)
            a.horizontalScrollBar().valueChanged.connect(b.horizontalScrollBar().setValue)
        self.clear(self.tr("Select a version to see what it changed, or two (Ctrl+click) to compare them."))

    def clear(self, hint: str) -> None:
        self.rows = []
        self.summary.setText(hint)
        self.old_title.clear()
        self.new_title.clear()
        self.old.clear()
        self.new.clear()

    def show_diff(self, old_title: str, old_text: str, new_title: str, new_text: str) -> None:
        self.rows = side_by_side(old_text, new_text)
        n = changed_count(self.rows)
        self.summary.setText(self.tr("%n line(s) differ", "", n) if n else self.tr("The two specs are the same."))
        self.old_title.setText(old_title)
        self.new_title.setText(new_title)
        self.old.setPlainText("\n".join(FILLER if r.old is None else r.old for r in self.rows))
        self.new.setPlainText("\n".join(FILLER if r.new is None else r.new for r in self.rows))
        self._highlight()

    def changed(self) -> list[tuple[str | None, str | None]]:
        """(old, new) of every row that differs: what a reader's eye is drawn to."""
        return [(r.old, r.new) for r in self.rows if r.kind != "same"]

    def _highlight(self) -> None:
        removed, added = palette.role("diff_removed_bg"), palette.role("diff_added_bg")
        changed, mark = palette.role("diff_changed_bg"), palette.role("diff_changed_mark")
        filler = palette.tint(palette.TEXT_FAINT, 28)
        old_sel: list[QTextEdit.ExtraSelection] = []
        new_sel: list[QTextEdit.ExtraSelection] = []
        for i, row in enumerate(self.rows):
            if row.kind == "same":
                continue
            if row.kind == "changed":
                old_sel.append(self._line(self.old, i, changed))
                new_sel.append(self._line(self.new, i, changed))
                assert row.old is not None and row.new is not None
                for tag, a1, a2, b1, b2 in difflib.SequenceMatcher(None, row.old, row.new).get_opcodes():
                    if tag != "equal":
                        old_sel.extend(self._span(self.old, i, a1, a2, mark))
                        new_sel.extend(self._span(self.new, i, b1, b2, mark))
            elif row.kind == "removed":
                old_sel.append(self._line(self.old, i, removed))
                new_sel.append(self._line(self.new, i, filler))
            else:
                old_sel.append(self._line(self.old, i, filler))
                new_sel.append(self._line(self.new, i, added))
        self.old.setExtraSelections(old_sel)
        self.new.setExtraSelections(new_sel)

    @staticmethod
    def _line(pane: QPlainTextEdit, row: int, color: QColor) -> QTextEdit.ExtraSelection:
        sel = QTextEdit.ExtraSelection()
        sel.format.setBackground(color)
        sel.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
        sel.cursor = QTextCursor(pane.document().findBlockByNumber(row))
        return sel

    @staticmethod
    def _span(pane: QPlainTextEdit, row: int, start: int, end: int, color: QColor) -> list[QTextEdit.ExtraSelection]:
        if end <= start:
            return []
        sel = QTextEdit.ExtraSelection()
        sel.format.setBackground(color)
        cursor = QTextCursor(pane.document().findBlockByNumber(row))
        cursor.movePosition(QTextCursor.MoveOperation.Right, QTextCursor.MoveMode.MoveAnchor, start)
        cursor.movePosition(QTextCursor.MoveOperation.Right, QTextCursor.MoveMode.KeepAnchor, end - start)
        sel.cursor = cursor
        return [sel]
