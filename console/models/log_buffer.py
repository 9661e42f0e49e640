"""LogBuffer: the lines of one log tail (one pod, or several merged) as a bounded list model.

- Bounded: at most ``capacity`` lines (default 100,000); the oldest go first, so memory stays flat
  however long a pod prints.  Storage is a Python list plus a start offset, compacted when the dead
  prefix is as long as the capacity: indexing is O(1) and trimming amortised O(1) per line.
- Batched: ``append`` only queues; a single-shot timer (one frame, ~16 ms) moves the queue into the
  model with at most one ``beginRemoveRows`` and one ``beginInsertRows``.  An idle buffer never wakes.
- Paused: lines keep queuing (bounded by the capacity too) and go in on resume.
- Search: ``set_highlight`` marks matching rows (``MatchRole``); ``find`` walks to the next/previous one.
- Reading aids: ``set_show_time`` prefixes each line with its time (in the zone every view uses);
  ``set_progress_mode`` shows, dims or hides the ``::progress`` lines. Hidden lines are kept aside
  (bounded like the rest), come back in time order when shown again, and are still saved.

A line is a plain tuple ``(seq, timestamp_seconds, stream, text, source)``: ``stream`` is one of
STDOUT / STDERR / SYSTEM, ``source`` the instance id it came from (-1 when there is one source).

Signals:
    appended(int added, int dropped): after each flush.
    pendingChanged(int): lines waiting while paused.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Iterable, Sequence
from typing import Any, Final

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QBrush

from console import timefmt
from console.models import palette
from console.models.palette import source_color

_Index = QModelIndex | QPersistentModelIndex

STDOUT, STDERR, SYSTEM = 0, 1, 2
DEFAULT_CAPACITY: Final = 100_000
#: Lines longer than this are cut for display (a runaway line must not stall the view).
MAX_LINE: Final = 4000

LogRecord = tuple[int, float, int, str, int]

StreamRole: Final = int(Qt.ItemDataRole.UserRole) + 1
SourceRole: Final = StreamRole + 1
SeqRole: Final = StreamRole + 2
MatchRole: Final = StreamRole + 3
TimeRole: Final = StreamRole + 4

STDERR_FG: Final = palette.ERROR
STDERR_BG: Final = palette.STDERR_BG
SYSTEM_FG: Final = palette.TEXT_MUTED
MATCH_BG: Final = palette.MATCH_BG
CURRENT_MATCH_BG: Final = palette.CURRENT_MATCH_BG
PROGRESS_FG: Final = palette.TEXT_MUTED

PROGRESS_PREFIX: Final = "::progress"
"""Lines a pod writes to report progress (the engine reads them; operators often want them out of the way)."""
SHOW, DIM, HIDE = "show", "dim", "hide"
PROGRESS_MODES: Final = (SHOW, DIM, HIDE)


def is_progress(rec: LogRecord) -> bool:
    return rec[3].startswith(PROGRESS_PREFIX)


class LogBuffer(QAbstractListModel):
    appended = Signal(int, int)
    pendingChanged = Signal(int)

    def __init__(self, capacity: int = DEFAULT_CAPACITY, interval_ms: int = 16, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._capacity = max(1, capacity)
        self._lines: list[LogRecord] = []
        self._start = 0  # index in _lines of row 0
        self._pending: deque[LogRecord] = deque(maxlen=self._capacity)
        self._paused = False
        self._merged = False
        self._highlight = ""
        self._current_match = -1
        self._show_time = False
        self._progress_mode = SHOW
        self._hidden: deque[LogRecord] = deque(maxlen=self._capacity)  # ::progress lines while hidden
        self.max_chars = 0  #: longest line seen (for the view's scroll width)
        self.total_appended = 0
        self.total_dropped = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(interval_ms)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self.flush)

    # -- configuration ----------------------------------------------------------------------
    @property
    def interval_ms(self) -> int:
        return int(self._timer.interval())

    def set_interval(self, ms: int) -> None:
        """How long lines queue before they reach the model (a frame; longer while nobody looks)."""
        self._timer.setInterval(max(1, ms))

    @property
    def capacity(self) -> int:
        return self._capacity

    def set_capacity(self, capacity: int) -> None:
        self.flush()
        self._capacity = max(1, capacity)
        self._pending = deque(self._pending, maxlen=self._capacity)
        self._hidden = deque(self._hidden, maxlen=self._capacity)
        excess = self.rowCount() - self._capacity
        if excess > 0:
            self._drop_front(excess)

    @property
    def merged(self) -> bool:
        return self._merged

    def set_merged(self, merged: bool) -> None:
        """Merged tails prefix each line with its instance and colour it by instance."""
        self._merged = merged
        self._all_changed()

    @property
    def show_time(self) -> bool:
        return self._show_time

    def set_show_time(self, on: bool) -> None:
        """Prefix every line with its time (``14:00:03.125``) in the zone the console shows."""
        self._show_time = on
        self._all_changed()

    @property
    def progress_mode(self) -> str:
        return self._progress_mode

    def set_progress_mode(self, mode: str) -> None:
        """SHOW, DIM or HIDE the ``::progress`` lines. Hiding keeps them aside; showing them again
        merges them back in time order (a model reset, like a new tail)."""
        if mode not in PROGRESS_MODES:
            raise ValueError(f"progress mode must be one of {PROGRESS_MODES}, not {mode!r}")
        old, self._progress_mode = self._progress_mode, mode
        if (old == HIDE) == (mode == HIDE):
            self._all_changed()
            return
        self.beginResetModel()
        lines = self._lines[self._start:]
        if mode == HIDE:
            self._hidden.extend(r for r in lines if is_progress(r))
            lines = [r for r in lines if not is_progress(r)]
        else:
            lines = list(heapq.merge(lines, self._hidden, key=lambda r: r[1]))[-self._capacity:]
            self._hidden.clear()
        self._lines, self._start = lines, 0
        self._current_match = -1
        self.endResetModel()

    def hidden_count(self) -> int:
        """``::progress`` lines kept aside while hidden."""
        return len(self._hidden)

    # -- feeding ------------------------------------------------------------------------------
    def append(self, records: Iterable[LogRecord]) -> None:
        """Queue lines; they reach the model on the next frame (or on resume when paused)."""
        batch = list(records)
        if not batch:
            return
        lost = len(self._pending) + len(batch) - self._capacity
        if lost > 0:  # the bounded queue forgets its oldest lines
            self.total_dropped += lost
        self._pending.extend(batch)
        if self._paused:
            self.pendingChanged.emit(len(self._pending))
        elif not self._timer.isActive():
            self._timer.start()

    def append_lines(self, lines: Sequence[Any], source: int = -1) -> None:
        """Queue protobuf LogLine messages (anything with seq, timestamp, stream, text)."""
        self.append((ln.seq, ln.timestamp.seconds + ln.timestamp.nanos * 1e-9, int(ln.stream), ln.text, source)
                     for ln in lines)

    def pending(self) -> int:
        return len(self._pending)

    @property
    def paused(self) -> bool:
        return self._paused

    def set_paused(self, paused: bool) -> None:
        self._paused = paused
        if not paused:
            self.flush()
        self.pendingChanged.emit(len(self._pending) if paused else 0)

    def clear(self) -> None:
        self._timer.stop()
        self.beginResetModel()
        self._lines = []
        self._start = 0
        self._pending.clear()
        self._hidden.clear()
        self._current_match = -1
        self.max_chars = 0
        self.endResetModel()
        self.pendingChanged.emit(0)

    def flush(self) -> int:
        """Move queued lines into the model now: one remove and one insert at most. Returns how many."""
        self._timer.stop()
        if self._paused or not self._pending:
            return 0
        batch = list(self._pending)
        self._pending.clear()
        if self._progress_mode == HIDE:
            self._hidden.extend(r for r in batch if is_progress(r))
            batch = [r for r in batch if not is_progress(r)]
            if not batch:
                return 0
        n = len(batch)
        rows = self.rowCount()
        overflow = rows + n - self._capacity
        dropped = 0
        if overflow > 0:
            dropped = min(overflow, rows)
            if dropped:
                self._drop_front(dropped)
                rows -= dropped
        longest = max(len(r[3]) for r in batch)
        if longest > self.max_chars:
            self.max_chars = min(longest, MAX_LINE)
        self.beginInsertRows(QModelIndex(), rows, rows + n - 1)
        self._lines.extend(batch)
        self.endInsertRows()
        self.total_appended += n
        self.total_dropped += dropped
        self.appended.emit(n, dropped)
        return n

    def _drop_front(self, count: int) -> None:
        self.beginRemoveRows(QModelIndex(), 0, count - 1)
        self._start += count
        if self._start > len(self._lines) // 2:
            del self._lines[:self._start]
            self._start = 0
        if self._current_match >= 0:
            self._current_match = self._current_match - count if self._current_match >= count else -1
        self.endRemoveRows()

    # -- reading ------------------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._lines) - self._start

    def record(self, row: int) -> LogRecord:
        return self._lines[self._start + row]

    def text(self, row: int) -> str:
        rec = self._lines[self._start + row]
        text = rec[3] if len(rec[3]) <= MAX_LINE else rec[3][:MAX_LINE] + " …"
        if self._merged and rec[4] >= 0:
            text = f"[{rec[4]}] {text}"
        return f"{timefmt.fmt_clock(rec[1])} {text}" if self._show_time else text

    def dimmed(self, rec: LogRecord) -> bool:
        """Whether the line is drawn muted (a ``::progress`` line while they are dimmed)."""
        return self._progress_mode == DIM and is_progress(rec)

    def records(self) -> list[LogRecord]:
        return self._lines[self._start:]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = index.row()
        if not index.isValid() or row < 0 or row >= self.rowCount():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(row)
        rec = self._lines[self._start + row]
        if role == Qt.ItemDataRole.ForegroundRole:
            if rec[2] == STDERR:
                return QBrush(STDERR_FG)
            if rec[2] == SYSTEM:
                return QBrush(SYSTEM_FG)
            if self.dimmed(rec):
                return QBrush(PROGRESS_FG)
            if self._merged and rec[4] >= 0:
                return QBrush(source_color(rec[4]))
            return None
        if role == Qt.ItemDataRole.BackgroundRole:
            if row == self._current_match:
                return QBrush(CURRENT_MATCH_BG)
            if self._highlight and self._matches(rec):
                return QBrush(MATCH_BG)
            if rec[2] == STDERR:
                return QBrush(STDERR_BG)
            return None
        if role == StreamRole:
            return rec[2]
        if role == SourceRole:
            return rec[4]
        if role == SeqRole:
            return rec[0]
        if role == TimeRole:
            return rec[1]
        if role == MatchRole:
            return bool(self._highlight) and self._matches(rec)
        if role == Qt.ItemDataRole.ToolTipRole:
            stream = ("stdout", "stderr", "engine")[rec[2]] if 0 <= rec[2] <= 2 else str(rec[2])
            when = timefmt.time_tip(rec[1]).replace("\n", " · ") if rec[1] else ""
            src = self.tr(" · instance {0}").format(rec[4]) if rec[4] >= 0 else ""
            return f"#{rec[0]} · {stream} · {when}{src}"
        return None

    # -- search -------------------------------------------------------------------------------
    @property
    def highlight(self) -> str:
        return self._highlight

    @property
    def current_match(self) -> int:
        return self._current_match

    def _matches(self, rec: LogRecord) -> bool:
        return self._highlight in rec[3].casefold()

    def set_highlight(self, text: str) -> None:
        self._highlight = text.casefold()
        self._current_match = -1
        self._all_changed()

    def find(self, start: int, backward: bool = False) -> int:
        """Row of the next (previous) line matching the highlight after (before) ``start``,
        wrapping around; -1 when nothing matches. Makes it the current match."""
        rows = self.rowCount()
        if not self._highlight or not rows:
            return -1
        needle = self._highlight
        lines, base = self._lines, self._start
        order = (list(range(start - 1, -1, -1)) + list(range(rows - 1, start - 1, -1)) if backward
                 else list(range(start + 1, rows)) + list(range(min(start + 1, rows))))
        for row in order:
            if needle in lines[base + row][3].casefold():
                self._set_current(row)
                return row
        self._set_current(-1)
        return -1

    def match_count(self) -> int:
        if not self._highlight:
            return 0
        needle = self._highlight
        return sum(1 for rec in self.records() if needle in rec[3].casefold())

    def _set_current(self, row: int) -> None:
        old, self._current_match = self._current_match, row
        for r in (old, row):
            if 0 <= r < self.rowCount():
                idx = self.index(r)
                self.dataChanged.emit(idx, idx, [Qt.ItemDataRole.BackgroundRole])

    def _all_changed(self) -> None:
        if self.rowCount():
            self.dataChanged.emit(self.index(0), self.index(self.rowCount() - 1))

    # -- export -------------------------------------------------------------------------------
    def to_text(self) -> str:
        """Every buffered line (hidden ``::progress`` lines included, in time order) as plain text."""
        merged = self._merged
        out = []
        for rec in heapq.merge(self.records(), self._hidden, key=lambda r: r[1]):
            prefix = f"[{rec[4]}] " if merged and rec[4] >= 0 else ""
            mark = "E " if rec[2] == STDERR else ""
            out.append(f"{prefix}{mark}{rec[3]}")
        return "\n".join(out) + ("\n" if out else "")
