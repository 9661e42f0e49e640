"""LargeTextView: a read-only text view that paints only the lines on screen, for texts of any length.

Why: the protobuf editor's Text / JSON panes show the text of messages of 10 MB and more: 30-506 M
characters, 0.3-15 M lines, which a QPlainTextEdit takes 1-105 s to lay out (it measures every
line). This view keeps no layout at all: the text is a :class:`~console.models.line_text.LineText`
(UTF-8 bytes and an index of the line breaks, built with numpy as the renderer's batches arrive) and
``paintEvent`` decodes and draws the few dozen lines that fit, so showing, scrolling or jumping to the
last of 15 M lines costs the same as showing the first.

What an operator expects of a read-only text pane:

* scroll bars over every line and the longest line (monospace: one column = one character), the
  mouse wheel, Up / Down, PgUp / PgDn, Ctrl+Home / Ctrl+End (first / last line), Home / End (start /
  end of the current line), Left / Right (a few columns);
* a current line, and a selection of whole lines (click, Shift+click, drag, Shift+arrows; Ctrl+A all)
  copied with Ctrl+C; a selection over :data:`COPY_LIMIT` bytes is not put on the clipboard, the
  view says so (:attr:`LargeTextView.message`);
* :class:`LargeTextBox` adds the find bar (Ctrl+F; Enter / F3 next, Shift+Enter / Shift+F3 previous;
  how many matches and which one is shown) and Go to line (Ctrl+G). Searching runs in a worker thread
  in one pass of 4 MB slices (:meth:`LineText.search`), so the UI thread waits for it for a few ms at
  most, and a newer search stops an older one.

Colours come from the application palette (which console/models/palette.py sets per theme) and the
match roles of console/models/palette.py; the font is the system's fixed-width font.

Signals:
    LargeTextView.message(str): a sentence for the operator (a copy that was refused, say).
"""

from __future__ import annotations

import threading
from typing import Any, Final

from PySide6.QtCore import QEvent, QObject, QRect, QRectF, Qt, Signal
from PySide6.QtGui import QFont, QFontDatabase, QFontMetricsF, QIntValidator, QKeyEvent, QKeySequence, QPainter
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QApplication,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from console.models import palette
from console.models.line_text import LineText

__all__ = ["COPY_LIMIT", "LargeTextBox", "LargeTextView"]

COPY_LIMIT: Final = 64 << 20
"""A selection of more bytes than this is not copied (the clipboard would hold it twice, as UTF-16)."""
_LEFT = 6  # px between the line-number gutter and the text
_H_STEP = 4  # columns Left / Right scroll


class LargeTextView(QAbstractScrollArea):
    """Paints the visible lines of a :class:`LineText` (see the module doc)."""

    message = Signal(str)
    command = Signal(str)
    """A key for the find bar: "find" (Ctrl+F), "next" (F3), "previous" (Shift+F3), "goto" (Ctrl+G)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("largeTextView")
        self.setAccessibleName(self.tr("Text"))
        self.setAccessibleDescription(self.tr("Read-only text, shown a screen at a time. Arrows, Page Up and Page "
                                              "Down move; Ctrl+F finds; Ctrl+G goes to a line; Ctrl+C copies the "
                                              "selected lines."))
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setStyleHint(QFont.StyleHint.Monospace)
        self.setFont(font)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.viewport().setAutoFillBackground(True)
        self.verticalScrollBar().setSingleStep(1)
        self.horizontalScrollBar().setSingleStep(1)
        self.verticalScrollBar().valueChanged.connect(lambda _v: self.viewport().update())
        self.horizontalScrollBar().valueChanged.connect(lambda _v: self.viewport().update())
        self.lines: LineText | None = None
        self.placeholder = ""
        """Drawn while there is no line (a sentence such as "Rendering…")."""
        self.current_line = 0
        """The current line (0-based)."""
        self.anchor = -1
        """The other end of the selected lines (-1: nothing selected)."""
        self.hit: tuple[int, int] | None = None
        """The current find match as (byte offset, byte length)."""
        self.painted: tuple[int, int] = (0, -1)
        """The first and last line the last paint drew (for tests and the accessible text)."""

    # -- content ----------------------------------------------------------------------------------

    def set_lines(self, lines: LineText | None) -> None:
        """Show ``lines`` from the top (None: nothing, the placeholder)."""
        self.lines = lines
        self.current_line, self.anchor, self.hit = 0, -1, None
        self.verticalScrollBar().setValue(0)
        self.horizontalScrollBar().setValue(0)
        self.grown()

    def grown(self) -> None:
        """More lines arrived (a render still running): the scroll ranges follow, the screen repaints."""
        self.update_ranges()
        self.viewport().update()

    def line_count(self) -> int:
        return self.lines.line_count if self.lines is not None else 0

    # -- geometry ---------------------------------------------------------------------------------

    def line_height(self) -> int:
        return self.fontMetrics().height() + 1

    def char_width(self) -> int:
        return max(1, self.fontMetrics().horizontalAdvance("M"))

    def visible_lines(self) -> int:
        return max(1, self.viewport().height() // self.line_height())

    def gutter_width(self) -> int:
        return self.char_width() * (len(str(max(1, self.line_count()))) + 1) + _LEFT

    def visible_columns(self) -> int:
        return max(1, (self.viewport().width() - self.gutter_width() - _LEFT) // self.char_width())

    def update_ranges(self) -> None:
        vb, hb = self.verticalScrollBar(), self.horizontalScrollBar()
        vb.setRange(0, max(0, self.line_count() - self.visible_lines()))
        vb.setPageStep(self.visible_lines())
        longest = self.lines.max_len if self.lines is not None else 0
        hb.setRange(0, max(0, longest - self.visible_columns() + 1))
        hb.setPageStep(self.visible_columns())

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self.update_ranges()

    def top_line(self) -> int:
        return self.verticalScrollBar().value()

    def line_at(self, y: int) -> int:
        return min(self.line_count() - 1, self.top_line() + max(0, y) // self.line_height())

    # -- painting ---------------------------------------------------------------------------------

    def paintEvent(self, _event: Any) -> None:
        painter = QPainter(self.viewport())
        qpal = self.palette()
        width, height = self.viewport().width(), self.viewport().height()
        painter.fillRect(QRect(0, 0, width, height), qpal.base())
        n = self.line_count()
        if not n:
            self.painted = (0, -1)
            if self.placeholder:
                painter.setPen(palette.TEXT_MUTED)
                painter.drawText(QRect(12, 8, width - 24, height - 16),
                                 int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap),
                                 self.placeholder)
            painter.end()
            return
        assert self.lines is not None
        lh, cw = self.line_height(), self.char_width()
        fm = QFontMetricsF(self.font())
        gutter = self.gutter_width()
        painter.fillRect(QRect(0, 0, gutter - _LEFT // 2, height), qpal.alternateBase())
        col0, cols = self.horizontalScrollBar().value(), self.visible_columns() + 1
        lo, hi = sorted((self.anchor, self.current_line)) if self.anchor >= 0 else (-1, -2)
        hit_line, hit_col, hit_len = -1, 0, 0
        if self.hit is not None:
            hit_line = self.lines.line_of(self.hit[0])
            hit_col = self.lines.column_of(self.hit[0])
            hit_len = len(bytes(self.lines.data[self.hit[0]:self.hit[0] + self.hit[1]]).decode("utf-8", "replace"))
        text_color = qpal.text().color()
        flags = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextSingleLine)
        first = self.top_line()
        row, y = first, 0
        while row < n and y < height:
            rect = QRect(gutter, y, width - gutter, lh)
            selected = lo <= row <= hi
            if selected:
                painter.fillRect(rect, qpal.highlight())
            elif row == hit_line:
                painter.fillRect(rect, palette.MATCH_BG)
            if row == hit_line and not selected and hit_col + hit_len > col0:
                shown = self.lines.line(row)  # measured as drawn (a fixed font's advance is not a whole pixel)
                lead = fm.horizontalAdvance(shown[col0:max(col0, hit_col)])
                wide = fm.horizontalAdvance(shown[max(col0, hit_col):hit_col + hit_len])
                painter.fillRect(QRectF(gutter + _LEFT + lead, y, wide, lh), palette.CURRENT_MATCH_BG)
            if row == self.current_line and self.hasFocus():
                painter.setPen(palette.TEXT_FAINT)
                painter.drawRect(QRect(gutter, y, width - gutter - 1, lh - 1))
            painter.setPen(palette.TEXT_MUTED)
            painter.drawText(QRect(0, y, gutter - _LEFT - cw // 2, lh),
                             int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), str(row + 1))
            text = self.lines.line(row)[col0:col0 + cols]
            painter.setPen(qpal.highlightedText().color() if selected else text_color)
            painter.drawText(QRect(gutter + _LEFT, y, width, lh), flags, text.expandtabs(4))
            row += 1
            y += lh
        self.painted = (first, row - 1)
        painter.end()

    def focusInEvent(self, event: Any) -> None:
        super().focusInEvent(event)
        self.viewport().update()

    def focusOutEvent(self, event: Any) -> None:
        super().focusOutEvent(event)
        self.viewport().update()

    # -- moving -----------------------------------------------------------------------------------

    def move_to(self, line: int, extend: bool = False, center: bool = False) -> None:
        """Make ``line`` the current one and scroll it into view; ``extend`` grows the selection."""
        n = self.line_count()
        if not n:
            return
        line = max(0, min(n - 1, line))
        if extend:
            if self.anchor < 0:
                self.anchor = self.current_line
        else:
            self.anchor = -1
        self.current_line = line
        vb, top, rows = self.verticalScrollBar(), self.top_line(), self.visible_lines()
        if center and not top <= line < top + rows:
            vb.setValue(line - rows // 2)
        elif line < top:
            vb.setValue(line)
        elif line >= top + rows:
            vb.setValue(line - rows + 1)
        self.viewport().update()

    def go_to_line(self, number: int) -> None:
        """Go to line ``number`` (1-based), centred."""
        self.move_to(number - 1, center=True)

    def show_match(self, offset: int, length: int) -> None:
        """Select the match at byte ``offset``: its line becomes current, its columns come into view."""
        if self.lines is None:
            return
        self.hit = (offset, length)
        self.move_to(self.lines.line_of(offset), center=True)
        col = self.lines.column_of(offset)
        hb = self.horizontalScrollBar()
        if not hb.value() <= col < hb.value() + self.visible_columns() - length:
            hb.setValue(max(0, col - self.visible_columns() // 3))
        self.viewport().update()

    def keyPressEvent(self, event: Any) -> None:
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy()
            return
        if event.matches(QKeySequence.StandardKey.SelectAll):
            self.select_all()
            return
        bar = _bar_command(event)
        if bar:
            self.command.emit(bar)
            return
        key, mods = event.key(), event.modifiers()
        shift = bool(mods & Qt.KeyboardModifier.ShiftModifier)
        ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
        rows, hb = self.visible_lines(), self.horizontalScrollBar()
        moves = {Qt.Key.Key_Up: self.current_line - 1, Qt.Key.Key_Down: self.current_line + 1,
                 Qt.Key.Key_PageUp: self.current_line - rows, Qt.Key.Key_PageDown: self.current_line + rows}
        if key in moves:
            self.move_to(moves[key], shift)
        elif key == Qt.Key.Key_Home and ctrl:
            self.move_to(0, shift)
            hb.setValue(0)
        elif key == Qt.Key.Key_End and ctrl:
            self.move_to(self.line_count() - 1, shift)
        elif key == Qt.Key.Key_Home:
            hb.setValue(0)
        elif key == Qt.Key.Key_End:
            if self.lines is not None and self.line_count():
                hb.setValue(len(self.lines.line(self.current_line)) - self.visible_columns() + 1)
        elif key == Qt.Key.Key_Left:
            hb.setValue(hb.value() - _H_STEP)
        elif key == Qt.Key.Key_Right:
            hb.setValue(hb.value() + _H_STEP)
        else:
            super().keyPressEvent(event)

    def mousePressEvent(self, event: Any) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.line_count():
            extend = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            self.move_to(self.line_at(int(event.position().y())), extend)
            if not extend:
                self.anchor = self.current_line
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: Any) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton and self.line_count():
            self.move_to(self.line_at(int(event.position().y())), True)
        super().mouseMoveEvent(event)

    # -- selection --------------------------------------------------------------------------------

    def selection(self) -> tuple[int, int]:
        """The selected lines (first, last), or the current line when none is selected."""
        if self.anchor < 0:
            return self.current_line, self.current_line
        lo, hi = sorted((self.anchor, self.current_line))
        return lo, hi

    def select_all(self) -> None:
        n = self.line_count()
        if n:
            self.anchor, self.current_line = 0, n - 1
            self.viewport().update()

    def selected_text(self) -> str:
        if self.lines is None:
            return ""
        return self.lines.text(*self.selection())

    def copy(self) -> bool:
        """Put the selected lines on the clipboard; refused (with a message) over :data:`COPY_LIMIT`."""
        if self.lines is None or not self.line_count():
            return False
        size = self.lines.span_bytes(*self.selection())
        if size > COPY_LIMIT:
            self.message.emit(self.tr("The selection is {0:,} bytes: too much for the clipboard (at most {1:,}). "
                                      "Select fewer lines, or use `python main.py proto decode FILE` to write "
                                      "the whole text to a file.").format(size, COPY_LIMIT))
            return False
        first, last = self.selection()
        QApplication.clipboard().setText(self.selected_text())
        self.message.emit(self.tr("Copied {0:,} line(s).").format(last - first + 1))
        return True


def _bar_command(event: Any) -> str:
    """The find bar's command for a key press ("" for none)."""
    if event.matches(QKeySequence.StandardKey.Find):
        return "find"
    key, mods = event.key(), event.modifiers()
    if key == Qt.Key.Key_F3:
        return "previous" if mods & Qt.KeyboardModifier.ShiftModifier else "next"
    if key == Qt.Key.Key_G and mods & Qt.KeyboardModifier.ControlModifier:
        return "goto"
    return ""


class _Finder(QObject):
    """Carries a worker thread's search result back to the UI thread (a queued signal)."""

    found = Signal(int, int, int, int)  # search number, match offset (-1: none), matches, this match's number


class LargeTextBox(QWidget):
    """A :class:`LargeTextView` with its find bar and Go to line (see the module doc)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("largeTextBox")
        self.view = LargeTextView(self)
        self.find_edit = QLineEdit()
        self.find_edit.setObjectName("largeTextFind")
        self.find_edit.setAccessibleName(self.tr("Find in the text"))
        self.find_edit.setPlaceholderText(self.tr("Find (Enter: next, Shift+Enter: previous)"))
        self.find_edit.setClearButtonEnabled(True)
        self.case_box = QCheckBox(self.tr("Match case"))
        self.prev_button = QToolButton()
        self.prev_button.setText("▲")
        self.prev_button.setToolTip(self.tr("Previous match (Shift+F3)"))
        self.prev_button.setAccessibleName(self.tr("Previous match"))
        self.next_button = QToolButton()
        self.next_button.setText("▼")
        self.next_button.setToolTip(self.tr("Next match (F3)"))
        self.next_button.setAccessibleName(self.tr("Next match"))
        self.hits = QLabel("")
        self.hits.setObjectName("largeTextHits")
        self.goto_edit = QLineEdit()
        self.goto_edit.setObjectName("largeTextGoto")
        self.goto_edit.setAccessibleName(self.tr("Go to line"))
        self.goto_edit.setPlaceholderText(self.tr("Line (Ctrl+G)"))
        self.goto_edit.setValidator(QIntValidator(1, 2_000_000_000, self))
        self.goto_edit.setMaximumWidth(self.fontMetrics().horizontalAdvance("0") * 14)
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.find_edit, 1)
        bar.addWidget(self.case_box)
        bar.addWidget(self.prev_button)
        bar.addWidget(self.next_button)
        bar.addWidget(self.hits)
        bar.addSpacing(12)
        bar.addWidget(self.goto_edit)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addWidget(self.view, 1)
        lay.addLayout(bar)
        self._finder = _Finder(self)
        self._seq = 0
        self.searching = False
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.view.command.connect(self._command)
        for edit in (self.find_edit, self.goto_edit):
            edit.installEventFilter(self)
        self.find_edit.returnPressed.connect(self._enter)
        self.find_edit.textChanged.connect(lambda _t: self._forget_hit())
        self.case_box.toggled.connect(lambda _on: self._forget_hit())
        self.prev_button.clicked.connect(self.find_previous)
        self.next_button.clicked.connect(self.find_next)
        self.goto_edit.returnPressed.connect(self._goto)
        self._finder.found.connect(self._found)

    def _command(self, what: str) -> None:
        {"find": self.focus_find, "next": self.find_next, "previous": self.find_previous,
         "goto": self.focus_goto}[what]()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """The find bar's keys work from its two fields too; Escape goes back to the text."""
        if event.type() == QEvent.Type.KeyPress and watched in (self.find_edit, self.goto_edit):
            assert isinstance(event, QKeyEvent)
            what = _bar_command(event)
            if what:
                self._command(what)
                return True
            if event.key() == Qt.Key.Key_Escape:
                self.view.setFocus(Qt.FocusReason.ShortcutFocusReason)
                return True
        return super().eventFilter(watched, event)

    def set_lines(self, lines: LineText | None) -> None:
        self._seq += 1  # a search over the old text is dropped
        self.searching = False
        self.hits.setText("")
        self.view.set_lines(lines)

    def focus_find(self) -> None:
        self.find_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.find_edit.selectAll()

    def focus_goto(self) -> None:
        self.goto_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.goto_edit.selectAll()

    def _goto(self) -> None:
        text = self.goto_edit.text().strip()
        if text.isdigit():
            self.view.go_to_line(int(text))
            self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def _enter(self) -> None:
        if QApplication.keyboardModifiers() & Qt.KeyboardModifier.ShiftModifier:
            self.find_previous()
        else:
            self.find_next()

    def _forget_hit(self) -> None:
        self.view.hit = None
        self.hits.setText("")
        self.view.viewport().update()

    def find_next(self) -> None:
        self.search(backwards=False)

    def find_previous(self) -> None:
        self.search(backwards=True)

    def search(self, backwards: bool = False) -> None:
        """Look for the find bar's text after (before) the current match, else from the current line,
        wrapping at the end; in a worker thread (see the module doc)."""
        lines, needle = self.view.lines, self.find_edit.text()
        if lines is None or not needle:
            return
        view = self.view
        if view.hit is not None:
            start = view.hit[0] if backwards else view.hit[0] + 1
        else:
            start = lines.start(view.current_line)
        case = self.case_box.isChecked()
        self._seq += 1
        seq = self._seq
        self.searching = True
        self.hits.setText(self.tr("Searching…"))

        def stale() -> bool:
            return seq != self._seq

        def work() -> None:
            found = lines.search(needle, start, case, backwards, stale)
            if found is not None and not stale():
                self._finder.found.emit(seq, *found)

        threading.Thread(target=work, name="large-text-find", daemon=True).start()

    def _found(self, seq: int, at: int, total: int, number: int) -> None:
        if seq != self._seq:
            return
        self.searching = False
        if at < 0:
            self.view.hit = None
            self.hits.setText(self.tr("No match"))
            self.view.viewport().update()
            return
        needle = self.find_edit.text().encode("utf-8", "surrogatepass")
        self.hits.setText(self.tr("{0:,} of {1:,}").format(number, total))
        self.view.show_match(at, len(needle))
