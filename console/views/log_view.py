"""LogView: a live log tail (one pod, or several merged) over a LogBuffer.

A LogCanvas paints only the visible lines straight from the buffer, so 100,000 buffered lines cost
nothing per frame; it colours stderr (red bar + tint), engine lines (grey) and, in a merged tail,
each instance's lines, and highlights search matches.

Follow lock: while the view sits at the bottom it follows new lines; scrolling up releases it
(the view then stays put, a "N new" button offers the way back); reaching the bottom again, or the
button, re-engages it.  Pause freezes the view while lines keep queuing in the buffer (bounded).

Streams: ``tail(client, targets, pod_id)`` starts one GetPodLogs(follow) task per pod; every task
is kept in a set and cancelled by ``stop()`` (the job detail calls it when it closes).

Signals:
    followChanged(bool)
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QRect, QSettings, Qt, Signal
from PySide6.QtGui import QFont, QFontDatabase, QKeySequence, QPainter, QShortcut
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSlider,
    QApplication,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from console.models import palette
from console.models.log_buffer import (
    CURRENT_MATCH_BG,
    DEFAULT_CAPACITY,
    DIM,
    HIDE,
    MATCH_BG,
    PROGRESS_FG,
    PROGRESS_MODES,
    SHOW,
    STDERR,
    STDERR_BG,
    STDERR_FG,
    SYSTEM,
    SYSTEM_FG,
    LogBuffer,
)
from console.models.palette import source_color
from console.tasks import WidgetTasks
from pelorus.errors import ClientError

log = logging.getLogger("pelorus.logs")
_WRAP_FLAGS = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWrapAnywhere)
MATCH_TEXT_BG = palette.MATCH_TEXT_BG
RETRY_NOT_STARTED = 1.0  # seconds between tries for a pod that has not run yet
RING_SIZES = (10_000, 50_000, 100_000, 500_000, 1_000_000)
SETTING_RING_LINES = "logs/ring_lines"
SETTING_SHOW_TIME = "logs/show_time"
SETTING_PROGRESS_MODE = "logs/progress_lines"


def saved_ring_lines() -> int:
    """The ring buffer size the operator chose last (QSettings), or the default."""
    saved = QSettings().value(SETTING_RING_LINES, DEFAULT_CAPACITY)
    try:
        wanted = int(saved)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return DEFAULT_CAPACITY
    return min(RING_SIZES, key=lambda n: abs(n - wanted))


class LogCanvas(QAbstractScrollArea):
    """Paints the visible lines of a LogBuffer straight from the buffer.

    Why not a QListView: its list layout keeps a position per item and redoes it on every insert or
    remove, so a 100,000-line ring that takes a batch and drops a batch each frame cost 150 ms+ per
    frame.  Here the vertical scroll bar counts lines (value = top line), so an append, a drop or a
    repaint costs only the lines on screen.  With wrap on, a line takes as many rows as it needs and
    the scroll range ends where the last line sits at the bottom.
    """

    selectionChanged = Signal()

    def __init__(self, buffer: LogBuffer, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("logList")
        self.setAccessibleName(self.tr("Log lines"))
        self.buffer = buffer
        self.wrap = False
        self.placeholder = self.tr("No log lines yet.")  #: drawn while the buffer is empty (the view sets it)
        self._anchor = -1  # selected line range (anchor .. cursor), -1 = none
        self._cursor = -1
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setStyleHint(QFont.StyleHint.Monospace)
        self.setFont(font)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.viewport().setAutoFillBackground(True)
        self.verticalScrollBar().setSingleStep(1)
        self.horizontalScrollBar().setSingleStep(20)
        buffer.appended.connect(self._on_appended)
        buffer.modelReset.connect(self._on_reset)
        buffer.dataChanged.connect(lambda *_: self.viewport().update())
        self.verticalScrollBar().valueChanged.connect(lambda _v: self.viewport().update())
        self.horizontalScrollBar().valueChanged.connect(lambda _v: self.viewport().update())

    # -- geometry -------------------------------------------------------------------------------
    def line_height(self) -> int:
        return self.fontMetrics().height() + 2

    def visible_lines(self) -> int:
        return max(1, self.viewport().height() // self.line_height())

    def _text_width(self) -> int:
        return max(50, self.viewport().width() - 12)

    def _wrapped_height(self, row: int) -> int:
        fm = self.fontMetrics()
        rect = fm.boundingRect(QRect(0, 0, self._text_width(), 1_000_000), _WRAP_FLAGS, self.buffer.text(row))
        return max(rect.height(), fm.height()) + 2

    def _last_top(self) -> int:
        """Top line that shows the last line at the bottom (the end of the scroll range)."""
        rows = self.buffer.rowCount()
        if not self.wrap:
            return max(0, rows - self.visible_lines())
        room = self.viewport().height()
        row = rows - 1
        while row >= 0:
            room -= self._wrapped_height(row)
            if room < 0:
                return min(rows - 1, row + 1)
            row -= 1
        return 0

    def update_ranges(self) -> None:
        sb = self.verticalScrollBar()
        sb.setRange(0, self._last_top())
        sb.setPageStep(self.visible_lines())
        hb = self.horizontalScrollBar()
        if self.wrap:
            hb.setRange(0, 0)
        else:
            chars = self.buffer.max_chars + (13 if self.buffer.show_time else 0)  # "14:00:03.125 "
            width = chars * self.fontMetrics().horizontalAdvance("M") + 16
            hb.setRange(0, max(0, width - self.viewport().width()))
            hb.setPageStep(self.viewport().width())

    def top_row(self) -> int:
        return self.verticalScrollBar().value()

    def row_at(self, y: int) -> int:
        rows = self.buffer.rowCount()
        top = self.top_row()
        if not self.wrap:
            row = top + y // self.line_height()
        else:
            row, acc = top, 0
            while row < rows:
                acc += self._wrapped_height(row)
                if y < acc:
                    break
                row += 1
        return row if 0 <= row < rows else -1

    def scroll_to(self, row: int, center: bool = True) -> None:
        top = row - (self.visible_lines() // 2 if center and not self.wrap else 0)
        self.verticalScrollBar().setValue(max(0, top))

    def scroll_to_end(self) -> None:
        self.update_ranges()
        sb = self.verticalScrollBar()
        sb.setValue(sb.maximum())

    # -- model signals --------------------------------------------------------------------------
    def _on_appended(self, _added: int, dropped: int) -> None:
        sb = self.verticalScrollBar()
        at_end = sb.value() >= sb.maximum()
        keep = sb.value() - dropped if dropped and not at_end else None
        if dropped and self._anchor >= 0:
            self._anchor, self._cursor = max(-1, self._anchor - dropped), max(-1, self._cursor - dropped)
        self.update_ranges()
        if keep is not None and keep != sb.value() and keep < sb.maximum():
            # Lines left the top of the ring: keep the same lines on screen.
            sb.setValue(max(0, keep))
        self.viewport().update()

    def _on_reset(self) -> None:
        self._anchor = self._cursor = -1
        self.update_ranges()
        self.viewport().update()

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self.update_ranges()

    # -- painting -------------------------------------------------------------------------------
    def paintEvent(self, _event: Any) -> None:
        painter = QPainter(self.viewport())
        buf = self.buffer
        rows = buf.rowCount()
        fm = self.fontMetrics()
        lh = self.line_height()
        width = self.viewport().width()
        height = self.viewport().height()
        x0 = 8 - (0 if self.wrap else self.horizontalScrollBar().value())
        qpal = self.palette()
        text_color = qpal.text().color()
        sel_lo, sel_hi = sorted((self._anchor, self._cursor)) if self._anchor >= 0 else (-1, -2)
        needle = buf.highlight
        current = buf.current_match
        if not rows and self.placeholder:
            painter.setPen(palette.TEXT_MUTED)
            painter.drawText(QRect(0, 0, width, height), int(Qt.AlignmentFlag.AlignCenter), self.placeholder)
        y = 0
        row = self.top_row()
        flags = _WRAP_FLAGS if self.wrap else int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
                                                  | Qt.TextFlag.TextSingleLine)
        while row < rows and y < height:
            rec = buf.record(row)
            text = buf.text(row)
            h = self._wrapped_height(row) if self.wrap else lh
            rect = QRect(0, y, width, h)
            stream = rec[2]
            selected = sel_lo <= row <= sel_hi
            if selected:
                painter.fillRect(rect, qpal.highlight())
            elif row == current:
                painter.fillRect(rect, CURRENT_MATCH_BG)
            elif needle and needle in rec[3].casefold():
                painter.fillRect(rect, MATCH_BG)
            elif stream == STDERR:
                painter.fillRect(rect, STDERR_BG)
            if stream == STDERR:
                painter.fillRect(QRect(0, y, 3, h), STDERR_FG)
            text_rect = QRect(x0, y + 1, (width - 12) if self.wrap else 1_000_000, h - 1)
            if needle and not self.wrap and not selected:
                folded = text.casefold()
                at = folded.find(needle)
                while at >= 0:
                    mx = x0 + fm.horizontalAdvance(text[:at])
                    painter.fillRect(QRect(mx, y + 1, fm.horizontalAdvance(text[at:at + len(needle)]), fm.height()),
                                     MATCH_TEXT_BG)
                    at = folded.find(needle, at + len(needle))
            if selected:
                painter.setPen(qpal.highlightedText().color())
            elif stream == STDERR:
                painter.setPen(STDERR_FG)
            elif stream == SYSTEM:
                painter.setPen(SYSTEM_FG)
            elif buf.dimmed(rec):
                painter.setPen(PROGRESS_FG)
            elif buf.merged and rec[4] >= 0:
                painter.setPen(source_color(rec[4]))
            else:
                painter.setPen(text_color)
            painter.drawText(text_rect, flags, text)
            y += h
            row += 1
        painter.end()

    # -- interaction ----------------------------------------------------------------------------
    def mousePressEvent(self, event: Any) -> None:
        row = self.row_at(int(event.position().y()))
        if row >= 0:
            if event.modifiers() & Qt.KeyboardModifier.ShiftModifier and self._anchor >= 0:
                self._cursor = row
            else:
                self._anchor = self._cursor = row
            self.viewport().update()
            self.selectionChanged.emit()
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: Any) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton and self._anchor >= 0:
            row = self.row_at(int(event.position().y()))
            if row >= 0 and row != self._cursor:
                self._cursor = row
                self.viewport().update()
        super().mouseMoveEvent(event)

    def selected_text(self) -> str:
        if self._anchor < 0:
            return ""
        lo, hi = sorted((self._anchor, self._cursor))
        return "\n".join(self.buffer.text(r) for r in range(lo, min(hi, self.buffer.rowCount() - 1) + 1))

    def keyPressEvent(self, event: Any) -> None:
        if event.matches(QKeySequence.StandardKey.Copy):
            QApplication.clipboard().setText(self.selected_text())
            return
        if event.matches(QKeySequence.StandardKey.SelectAll):
            self._anchor, self._cursor = 0, self.buffer.rowCount() - 1
            self.viewport().update()
            return
        sb = self.verticalScrollBar()
        key = event.key()
        if key == Qt.Key.Key_Home:
            sb.setValue(0)
        elif key == Qt.Key.Key_End:
            sb.setValue(sb.maximum())
        elif key == Qt.Key.Key_PageUp:
            sb.triggerAction(QAbstractSlider.SliderAction.SliderPageStepSub)
        elif key == Qt.Key.Key_PageDown:
            sb.triggerAction(QAbstractSlider.SliderAction.SliderPageStepAdd)
        elif key == Qt.Key.Key_Up:
            sb.triggerAction(QAbstractSlider.SliderAction.SliderSingleStepSub)
        elif key == Qt.Key.Key_Down:
            sb.triggerAction(QAbstractSlider.SliderAction.SliderSingleStepAdd)
        else:
            super().keyPressEvent(event)

    def viewportEvent(self, event: Any) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            row = self.row_at(int(event.pos().y()))
            if row >= 0:
                QToolTip.showText(event.globalPos(), str(self.buffer.data(self.buffer.index(row),
                                                                           Qt.ItemDataRole.ToolTipRole)), self)
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(event)


class LogView(QWidget):
    followChanged = Signal(bool)

    def __init__(self, buffer: LogBuffer | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("logView")
        self.buffer = buffer or LogBuffer(parent=self)
        self._tasks = WidgetTasks("log view", show=self._show_task_error, on_finish=self._update_status)
        self._follow = True
        self._scrolling = False  # our own scrolls do not change the follow lock
        self._unseen = 0
        self.targets: list[tuple[str, int]] = []
        self.pod_id = ""

        self.list = LogCanvas(self.buffer, self)

        def tool(text: str, tip: str, checkable: bool = False, name: str = "") -> QToolButton:
            b = QToolButton(self)
            b.setText(text)
            b.setToolTip(tip)
            b.setCheckable(checkable)
            b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            if name:
                b.setObjectName(name)
            return b

        self.follow_button = tool(self.tr("Follow"), self.tr("Follow new lines (scroll up to release, End to "
                                                             "re-engage)"), True,
                                  "logFollow")
        self.follow_button.setChecked(True)
        self.pause_button = tool(
            self.tr("Pause"), self.tr("Freeze the view; lines keep arriving in the background"), True, "logPause"
        )
        self.wrap_box = QCheckBox(self.tr("Wrap"))
        self.wrap_box.setObjectName("logWrap")
        # Reading aids, remembered across tails and sessions (QSettings)
        settings = QSettings()
        self.time_box = QCheckBox(self.tr("Times"))
        self.time_box.setObjectName("logTimes")
        self.time_box.setToolTip(self.tr("Show when each line was written, in the zone the console shows times"))
        self.time_box.setChecked(bool(settings.value(SETTING_SHOW_TIME, False, type=bool)))
        self.progress_box = QComboBox()
        self.progress_box.setObjectName("logProgressLines")
        self.progress_box.setAccessibleName(self.tr("Progress lines"))
        self.progress_box.setToolTip(self.tr("::progress lines: show them, dim them, or hide them (they are still "
                                             "saved)"))
        for label, mode in ((self.tr("Progress lines: show"), SHOW), (self.tr("Progress lines: dim"), DIM),
                            (self.tr("Progress lines: hide"), HIDE)):
            self.progress_box.addItem(label, mode)
        saved_mode = str(settings.value(SETTING_PROGRESS_MODE, SHOW))
        self.progress_box.setCurrentIndex(max(0, self.progress_box.findData(saved_mode)))
        self.buffer.set_show_time(self.time_box.isChecked())
        self.buffer.set_progress_mode(saved_mode if saved_mode in PROGRESS_MODES else SHOW)
        self.search = QLineEdit()
        self.search.setAccessibleName(self.tr("Search the log"))
        self.search.setObjectName("logSearch")
        self.search.setPlaceholderText(self.tr("Search (Enter: next, Shift+Enter: previous)"))
        self.search.setClearButtonEnabled(True)
        self.prev_button = tool("▲", self.tr("Previous match (Shift+F3)"), name="logPrev")
        self.next_button = tool("▼", self.tr("Next match (F3)"), name="logNext")
        self.match_label = QLabel("")
        self.save_button = tool(self.tr("Save…"), self.tr("Save the buffered lines to a file"), name="logSave")
        self.status = QLabel("")
        self.status.setObjectName("logStatus")
        self.jump_button = tool(self.tr("↓ new lines"), self.tr("Jump to the end and follow"), name="logJump")
        self.jump_button.hide()
        # The ring buffer's size: a setting (QSettings), offered in a few sizes; memory stays flat at it.
        self.capacity_box = QComboBox()
        self.capacity_box.setAccessibleName(self.tr("Lines kept"))
        self.capacity_box.setObjectName("logCapacity")
        self.capacity_box.setToolTip(self.tr("How many lines the view keeps; older ones are dropped (memory stays "
                                             "flat)"))
        for n in sorted({*RING_SIZES, self.buffer.capacity}):
            self.capacity_box.addItem(self.tr("{0:,} lines").format(n), n)
        self.capacity_box.setCurrentIndex(self.capacity_box.findData(self.buffer.capacity))
        self.capacity_box.currentIndexChanged.connect(lambda _i: self._on_capacity())

        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        for w in (self.follow_button, self.pause_button, self.wrap_box, self.time_box, self.progress_box):
            bar.addWidget(w)
        bar.addSpacing(12)
        bar.addWidget(self.search, 1)
        for widget in (self.prev_button, self.next_button, self.match_label):
            bar.addWidget(widget)
        bar.addSpacing(12)
        bar.addWidget(self.save_button)
        foot = QHBoxLayout()
        foot.setContentsMargins(0, 0, 0, 0)
        foot.addWidget(self.status, 1)
        foot.addWidget(self.jump_button)
        foot.addWidget(QLabel(self.tr("Keep")))
        foot.addWidget(self.capacity_box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.list, 1)
        layout.addLayout(foot)

        sb = self.list.verticalScrollBar()
        sb.valueChanged.connect(self._on_scrolled)
        sb.rangeChanged.connect(self._on_range)
        self.buffer.appended.connect(self._on_appended)
        self.buffer.pendingChanged.connect(lambda _n: self._update_status())
        self.follow_button.toggled.connect(self.set_follow)
        self.jump_button.clicked.connect(lambda: self.set_follow(True))
        self.pause_button.toggled.connect(self.set_paused)
        self.wrap_box.toggled.connect(self.set_wrap)
        self.time_box.toggled.connect(self.set_show_time)
        self.progress_box.currentIndexChanged.connect(
            lambda _i: self.set_progress_mode(self.progress_box.currentData()))
        self.search.textChanged.connect(self._on_search)
        self.search.returnPressed.connect(self.find_next)
        self.next_button.clicked.connect(self.find_next)
        self.prev_button.clicked.connect(self.find_previous)
        self.save_button.clicked.connect(self._ask_save)
        QShortcut(QKeySequence("F3"), self, self.find_next, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence("Shift+F3"), self, self.find_previous,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence("Shift+Return"), self.search, self.find_previous,
                  context=Qt.ShortcutContext.WidgetShortcut)
        QShortcut(QKeySequence("Ctrl+End"), self, lambda: self.set_follow(True),
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self._update_status()

    # -- follow lock ------------------------------------------------------------------------
    @property
    def following(self) -> bool:
        return self._follow

    def set_follow(self, follow: bool) -> None:
        changed = follow != self._follow
        self._follow = follow
        if follow:
            self._unseen = 0
            self._scroll_to_end()
        self.follow_button.blockSignals(True)
        self.follow_button.setChecked(follow)
        self.follow_button.blockSignals(False)
        self.jump_button.setVisible(not follow and self._unseen > 0)
        if changed:
            self.followChanged.emit(follow)
        self._update_status()

    def _scroll_to_end(self) -> None:
        self._scrolling = True
        try:
            self.list.scroll_to_end()
        finally:
            self._scrolling = False

    def _on_scrolled(self, value: int) -> None:
        if self._scrolling:
            return
        at_end = value >= self.list.verticalScrollBar().maximum()
        if at_end != self._follow:
            self.set_follow(at_end)

    def _on_range(self, _lo: int, _hi: int) -> None:
        if self._follow:
            self._scroll_to_end()

    def _on_appended(self, added: int, _dropped: int) -> None:
        if self._follow:
            self._scroll_to_end()
        else:
            self._unseen += added
            self.jump_button.setText(self.tr("↓ {0:,} new line(s)").format(self._unseen))
            self.jump_button.show()
        self._update_status()

    # -- pause / wrap -------------------------------------------------------------------------
    def set_paused(self, paused: bool) -> None:
        self.pause_button.blockSignals(True)
        self.pause_button.setChecked(paused)
        self.pause_button.blockSignals(False)
        self.pause_button.setText(self.tr("Resume") if paused else self.tr("Pause"))
        self.buffer.set_paused(paused)
        self._update_status()

    def set_wrap(self, wrap: bool) -> None:
        self.wrap_box.blockSignals(True)
        self.wrap_box.setChecked(wrap)
        self.wrap_box.blockSignals(False)
        self.list.wrap = wrap
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff if wrap
                                               else Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.list.update_ranges()
        self.list.viewport().update()
        if self._follow:
            self._scroll_to_end()

    # -- search -------------------------------------------------------------------------------
    def _on_search(self, text: str) -> None:
        self.buffer.set_highlight(text)
        self._update_matches()
        self.list.viewport().update()

    def _update_matches(self) -> None:
        if not self.buffer.highlight:
            self.match_label.setText("")
            return
        n = self.buffer.match_count()
        cur = self.buffer.current_match
        self.match_label.setText(
            self.tr("{0:,} match(es)").format(n)
            if cur < 0
            else self.tr("line {0:,} · {1:,} match(es)").format(cur + 1, n)
        )
        self.match_label.setStyleSheet("" if n else f"color:{palette.css(palette.ERROR)}")

    def find_next(self) -> int:
        return self._find(backward=False)

    def find_previous(self) -> int:
        return self._find(backward=True)

    def _find(self, backward: bool) -> int:
        cur = self.buffer.current_match
        if cur < 0:
            top = self.list.top_row() if self.buffer.rowCount() else -1
            cur = (top - 1 if not backward else top + 1) if top >= 0 else (-1 if not backward else 0)
        row = self.buffer.find(cur, backward)
        if row >= 0:
            if self._follow:
                self.set_follow(False)
            self._scrolling = True
            try:
                self.list.scroll_to(row, center=True)
            finally:
                self._scrolling = False
        self._update_matches()
        return row

    # -- save -------------------------------------------------------------------------------
    def _ask_save(self) -> None:
        dialog = QFileDialog(self, self.tr("Save log"), "", self.tr("Log files (*.log *.txt);;All files (*)"))
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix("log")
        name = (self.pod_id or (self.targets[0][0] if len(self.targets) == 1 else "merged")) or "pod"
        dialog.selectFile(f"{name}.log")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(lambda path: self.save_to(Path(path)))
        dialog.open()  # no nested event loop

    def save_to(self, path: Path) -> int:
        """Write every buffered line (and any queued while paused) to ``path``; returns the line count."""
        self.buffer.flush() if not self.buffer.paused else None
        path.write_text(self.buffer.to_text(), encoding="utf-8")
        n = self.buffer.rowCount()
        self.status.setText(self.tr("Saved {0:,} line(s) to {1}").format(n, path))
        return n

    def _on_capacity(self) -> None:
        n = int(self.capacity_box.currentData())
        self.buffer.set_capacity(n)
        QSettings().setValue(SETTING_RING_LINES, n)
        self._update_status()

    # -- status -------------------------------------------------------------------------------
    def set_show_time(self, on: bool) -> None:
        """Times before each line (remembered)."""
        QSettings().setValue(SETTING_SHOW_TIME, on)
        self.time_box.setChecked(on)
        self.buffer.set_show_time(on)
        self.list.update_ranges()
        self.list.viewport().update()

    def set_progress_mode(self, mode: str) -> None:
        """Show, dim or hide ``::progress`` lines (remembered); the view stays where it was following."""
        QSettings().setValue(SETTING_PROGRESS_MODE, mode)
        self.progress_box.setCurrentIndex(max(0, self.progress_box.findData(mode)))
        self.buffer.set_progress_mode(mode)
        self.list.update_ranges()
        if self._follow:
            self._scroll_to_end()
        self.list.viewport().update()
        self._update_status()

    def _update_status(self) -> None:
        b = self.buffer
        parts = [f"{b.rowCount():,} line(s)"]
        if b.hidden_count():
            parts.append(self.tr("%n progress line(s) hidden", "", b.hidden_count()))
        if b.total_dropped:
            parts.append(self.tr("{0:,} older dropped (limit {1:,})").format(b.total_dropped, b.capacity))
        if b.paused:
            parts.append(self.tr("paused — {0:,} waiting").format(b.pending()))
        if not self._follow:
            parts.append(self.tr("follow released"))
        if self.targets:
            what = self.pod_id or (
                self.targets[0][0] if len(self.targets) == 1 else self.tr("{0} pods").format(len(self.targets))
            )
            streaming = self.tr("streaming") if self.streams_open else self.tr("not streaming")
            parts.append(f"{what}: {streaming}")
        self.status.setText(" · ".join(parts))

    # -- streams ------------------------------------------------------------------------------
    def tail(self, client: Any, targets: Sequence[tuple[str, int]], pod_id: str = "", follow: bool = True) -> None:
        """Show the logs of ``targets`` ((pod name, instance) pairs): one pod, or several merged.
        ``pod_id`` picks a previous run of a single pod ("" = the current run)."""
        self.stop()
        self.targets = list(targets)
        self.pod_id = pod_id if len(self.targets) == 1 else ""
        self.buffer.clear()
        self.buffer.set_merged(len(self.targets) > 1)
        self.list.placeholder = self.tr("No log lines yet.") if self.targets else self.tr("No pod chosen.")
        self._unseen = 0
        self.set_follow(True)
        for name, instance in self.targets:
            self._spawn(self._stream(client, name, instance if len(self.targets) > 1 else -1, self.pod_id, follow))
        self._update_status()

    async def _stream(self, client: Any, pod_name: str, source: int, pod_id: str, follow: bool) -> None:
        after = 0
        while True:
            try:
                async for lines in client.pod_logs(pod_name, pod_id, follow=follow, after_seq=after):
                    self.buffer.append_lines(lines, source)
                    after = lines[-1].seq
                return
            except ClientError as exc:
                if exc.code.name == "NOT_FOUND" and "not run yet" in exc.message and follow:  # the engine's words
                    if len(self.targets) == 1:
                        self.list.placeholder = self.tr("The pod has not run yet: its lines appear here once it "
                                                        "starts.")
                        self.list.viewport().update()
                    await asyncio.sleep(RETRY_NOT_STARTED)
                    continue
                if exc.code.name == "UNAVAILABLE" and follow:
                    await asyncio.sleep(RETRY_NOT_STARTED)
                    continue  # resumes after the last line seen
                raise

    def _spawn(self, coro: Any) -> asyncio.Future[Any]:
        return self._tasks.start(coro)

    def _show_task_error(self, text: str) -> None:
        self.status.setText(palette.span(text, palette.ERROR))

    def stop(self) -> None:
        """Cancel every stream this view started."""
        self._tasks.cancel_all()

    @property
    def streams_open(self) -> int:
        return self._tasks.running
