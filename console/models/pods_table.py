"""PodsTableModel: the pods of one job (one row per instance, its current run), fed by pod_feed.

``reset`` takes the ListPods snapshot; ``push`` queues Watch changes which a single-shot timer
applies once a frame (latest change per pod wins, at most one insert and one dataChanged range per
flush).  A one-second ticker refreshes the Duration column of running pods only while one runs.

Signals:
    podChanged(str pod_name): a row was replaced by a newer change (the detail uses it to follow
        a new run in the Logs tab and to refresh the selected pod's events).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from datetime import datetime
from enum import IntEnum
from typing import Any, Final

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor

from console.api import pod_pb2
from console.models.palette import STATE_BACKGROUNDS, STATE_COLORS, _tint

_Index = QModelIndex | QPersistentModelIndex
SortRole: Final = int(Qt.ItemDataRole.UserRole) + 1
PodChange = tuple[pod_pb2.PodInfo, bool]


class PodColumn(IntEnum):
    INSTANCE = 0
    POD_ID = 1
    RUN = 2
    STATE = 3
    HOST = 4
    STARTED = 5
    ENDED = 6
    DURATION = 7
    EXIT = 8
    REASON = 9
    PROGRESS = 10
    CPU = 11
    MEMORY = 12
    EXECUTOR = 13


HEADERS: Final = ("Instance", "Pod id", "Run / attempt", "State", "Host", "Started", "Ended", "Duration", "Exit",
                  "Reason", "Progress", "CPU s", "Memory", "Executor")
POD_STATE_COLORS: Final[dict[str, QColor]] = {
    **STATE_COLORS,
    "LAUNCHING": QColor("#0e7490"), "STARTING": QColor("#0e7490"), "LOST": QColor("#92400e"),
    "PREEMPTING": QColor("#a21caf"),
}
POD_STATE_BACKGROUNDS: Final[dict[str, QColor]] = {
    **STATE_BACKGROUNDS, **{k: _tint(v) for k, v in POD_STATE_COLORS.items() if k not in STATE_BACKGROUNDS}}
RUNNING_STATES: Final = frozenset({pod_pb2.POD_STATE_LAUNCHING, pod_pb2.POD_STATE_STARTING,
                                   pod_pb2.POD_STATE_RUNNING, pod_pb2.POD_STATE_KILLING})
TERMINAL_STATES: Final = frozenset({pod_pb2.POD_STATE_SUCCEEDED, pod_pb2.POD_STATE_FAILED, pod_pb2.POD_STATE_LOST,
                                    pod_pb2.POD_STATE_KILLED, pod_pb2.POD_STATE_DELETED})


def allowed_actions(pod: pod_pb2.PodInfo) -> set[str]:
    """Which of stop / start / restart make sense for a pod in its current state."""
    state = pod.status.state
    if state in TERMINAL_STATES:
        return {"start", "restart"}
    if state in RUNNING_STATES and state != pod_pb2.POD_STATE_KILLING:
        return {"stop", "restart"}
    return {"stop"}


def pod_state_name(state: int) -> str:
    try:
        return pod_pb2.PodState.Name(state).removeprefix("POD_STATE_")  # type: ignore[arg-type]
    except ValueError:
        return str(state)


def _secs(ts: Any) -> float:
    return ts.seconds + ts.nanos * 1e-9 if ts.seconds else 0.0


def _when(ts: Any) -> str:
    s = _secs(ts)
    return datetime.fromtimestamp(s).strftime("%H:%M:%S") if s else ""


def fmt_duration(seconds: float) -> str:
    s = int(seconds)
    h, rem = divmod(s, 3600)
    m, s = divmod(rem, 60)
    if h:
        return f"{h}h{m:02d}m"
    if m:
        return f"{m}m{s:02d}s"
    return f"{seconds:.1f}s"


class PodsTableModel(QAbstractTableModel):
    podChanged = Signal(str)

    def __init__(self, parent: QObject | None = None, interval_ms: int = 16) -> None:
        super().__init__(parent)
        self._pods: list[pod_pb2.PodInfo] = []
        self._row: dict[str, int] = {}
        self._pending: dict[str, PodChange] = {}
        self.revision = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.flush)
        self._ticker = QTimer(self)
        self._ticker.setInterval(1000)
        self._ticker.timeout.connect(self._tick)
        self.now = time.time  # replaceable in tests

    # -- feeding ------------------------------------------------------------------------------
    def reset(self, pods: Iterable[pod_pb2.PodInfo], revision: int = 0) -> None:
        self.beginResetModel()
        self._pods = sorted(pods, key=lambda p: p.instance_id)
        self._row = {p.pod_name: i for i, p in enumerate(self._pods)}
        self._pending.clear()
        self.revision = revision
        self.endResetModel()
        self._arm_ticker()

    def push(self, changes: Sequence[PodChange]) -> None:
        for pod, deleted in changes:
            self._pending[pod.pod_name] = (pod, deleted)
        if self._pending and not self._timer.isActive():
            self._timer.start()

    def flush(self) -> int:
        self._timer.stop()
        if not self._pending:
            return 0
        batch = list(self._pending.values())
        self._pending.clear()
        changed: list[int] = []
        added: list[pod_pb2.PodInfo] = []
        removed: list[str] = []
        for pod, deleted in batch:
            row = self._row.get(pod.pod_name)
            if deleted:
                if row is not None:
                    removed.append(pod.pod_name)
                continue
            if row is None:
                added.append(pod)
            elif pod.revision >= self._pods[row].revision:
                self._pods[row] = pod
                changed.append(row)
            self.revision = max(self.revision, pod.revision)
        if removed or (added and any(p.instance_id < self._pods[-1].instance_id for p in added if self._pods)):
            # rare (job shrunk / out of order): rebuild
            keep = [p for p in self._pods if p.pod_name not in set(removed)] + added
            self.reset(keep, self.revision)
        else:
            if added:
                added.sort(key=lambda p: p.instance_id)
                first = len(self._pods)
                self.beginInsertRows(QModelIndex(), first, first + len(added) - 1)
                for p in added:
                    self._row[p.pod_name] = len(self._pods)
                    self._pods.append(p)
                self.endInsertRows()
            if changed:
                lo, hi = min(changed), max(changed)
                self.dataChanged.emit(self.index(lo, 0), self.index(hi, len(HEADERS) - 1))
        for pod, deleted in batch:
            if not deleted:
                self.podChanged.emit(pod.pod_name)
        self._arm_ticker()
        return len(batch)

    def _arm_ticker(self) -> None:
        running = any(p.status.state in RUNNING_STATES for p in self._pods)
        if running and not self._ticker.isActive():
            self._ticker.start()
        elif not running:
            self._ticker.stop()

    def _tick(self) -> None:
        rows = [i for i, p in enumerate(self._pods) if p.status.state in RUNNING_STATES]
        if rows:
            c = int(PodColumn.DURATION)
            self.dataChanged.emit(self.index(min(rows), c), self.index(max(rows), c), [Qt.ItemDataRole.DisplayRole])
        else:
            self._ticker.stop()

    # -- reading ------------------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._pods)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def pod(self, row: int) -> pod_pb2.PodInfo:
        return self._pods[row]

    def pods(self) -> list[pod_pb2.PodInfo]:
        return list(self._pods)

    def row_of(self, pod_name: str) -> int:
        return self._row.get(pod_name, -1)

    def by_name(self, pod_name: str) -> pod_pb2.PodInfo | None:
        row = self._row.get(pod_name)
        return None if row is None else self._pods[row]

    def state_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for p in self._pods:
            name = pod_state_name(p.status.state)
            counts[name] = counts.get(name, 0) + 1
        return counts

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def duration(self, pod: pod_pb2.PodInfo) -> float | None:
        st = pod.status
        start = _secs(st.started_at)
        if not start:
            return None
        end = _secs(st.ended_at) or (self.now() if st.state in RUNNING_STATES else 0.0)
        return max(0.0, end - start) if end else None

    def display(self, pod: pod_pb2.PodInfo, col: int) -> str:
        st = pod.status
        if col == PodColumn.INSTANCE:
            return str(pod.instance_id)
        if col == PodColumn.POD_ID:
            return st.pod_id
        if col == PodColumn.RUN:
            return f"{st.run} / {st.attempt}" if st.run else ""
        if col == PodColumn.STATE:
            return pod_state_name(st.state)
        if col == PodColumn.HOST:
            host = st.host or st.node_id
            return f"{host} (pid {st.pid})" if host and st.pid else host
        if col == PodColumn.STARTED:
            return _when(st.started_at)
        if col == PodColumn.ENDED:
            return _when(st.ended_at)
        if col == PodColumn.DURATION:
            d = self.duration(pod)
            return fmt_duration(d) if d is not None else ""
        if col == PodColumn.EXIT:
            return str(st.exit_code) if st.has_exit_code else ""
        if col == PodColumn.REASON:
            return " — ".join(x for x in (st.reason, st.message) if x)
        if col == PodColumn.PROGRESS:
            pr = st.progress
            total = pr.successful + pr.failed + pr.remaining
            if not total:
                return ""
            return f"{pr.successful + pr.failed}/{total}" + (f" ({pr.failed} failed)" if pr.failed else "")
        if col == PodColumn.CPU:  # where the executor reports usage
            return f"{st.usage.cpu_seconds:.1f}" if st.usage.cpu_seconds else ""
        if col == PodColumn.MEMORY:
            rss = st.usage.memory_rss_bytes
            return f"{rss / 2**20:.0f} MiB" if rss else ""
        if col == PodColumn.EXECUTOR:
            return st.executor
        return ""

    def sort_key(self, pod: pod_pb2.PodInfo, col: int) -> Any:
        """Numbers sort as numbers, times as times (the display strings would not)."""
        st = pod.status
        if col == PodColumn.INSTANCE:
            return pod.instance_id
        if col == PodColumn.RUN:
            return st.run * 1000 + st.attempt
        if col == PodColumn.STATE:
            return int(st.state)
        if col == PodColumn.STARTED:
            return _secs(st.started_at)
        if col == PodColumn.ENDED:
            return _secs(st.ended_at)
        if col == PodColumn.DURATION:
            return self.duration(pod) or 0.0
        if col == PodColumn.EXIT:
            return st.exit_code if st.has_exit_code else -(2**31)
        if col == PodColumn.PROGRESS:
            pr = st.progress
            total = pr.successful + pr.failed + pr.remaining
            return (pr.successful + pr.failed) / total if total else -1.0
        if col == PodColumn.CPU:
            return st.usage.cpu_seconds
        if col == PodColumn.MEMORY:
            return st.usage.memory_rss_bytes
        return self.display(pod, col)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._pods):
            return None
        pod = self._pods[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(pod, col)
        if role == Qt.ItemDataRole.UserRole:
            return pod.pod_name
        if role == SortRole:
            return self.sort_key(pod, col)
        if col == PodColumn.STATE:
            name = pod_state_name(pod.status.state)
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(POD_STATE_COLORS.get(name, QColor("#6b7280")))
            if role == Qt.ItemDataRole.BackgroundRole:
                bg = POD_STATE_BACKGROUNDS.get(name)
                return QBrush(bg) if bg is not None else None
        if col == PodColumn.EXIT and role == Qt.ItemDataRole.ForegroundRole and pod.status.has_exit_code \
                and pod.status.exit_code != 0:
            return QBrush(STATE_COLORS["FAILED"])
        if role == Qt.ItemDataRole.ToolTipRole:
            if col in (PodColumn.REASON, PodColumn.POD_ID):
                return self.display(pod, col)
            if col == PodColumn.RUN and pod.status.prev_pod_id:
                return f"previous run: {pod.status.prev_pod_id}"
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (PodColumn.INSTANCE, PodColumn.EXIT,
                                                                PodColumn.DURATION, PodColumn.CPU,
                                                                PodColumn.MEMORY):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
