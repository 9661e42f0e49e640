"""PodsTableModel: the pods of one job — one row per instance (its current run), its previous runs beneath.

``reset`` takes the ListPods snapshot; ``push`` queues Watch changes which a single-shot timer
applies once a frame (latest change per pod wins, at most one insert and one dataChanged range per
flush).  A one-second ticker refreshes the Duration column of running pods only while one runs.

Previous runs are a second level, newest first, loaded lazily: an instance past its first run has
children (``hasChildren``; runs are numbered 1, 2, … so this is known without a call) but no child
rows until they are fetched — expanding it makes Qt call ``fetchMore``, which emits
``previousRunsWanted``; the view asks the engine (GetPod; this model makes no gRPC call) and hands
the answer to ``set_previous``.  When a loaded instance starts a new run, its old current run slides
in as the newest child at once (and is fetched again for its final state).  Instances never expanded
cost nothing: a new run there changes no structure, only the row (whose dataChanged also refreshes
the view's expand arrow) — so thousands of restarts in one frame stay one dataChanged range.

Sorting happens here (``sort``, which the view's header calls), not in the proxy: a sorting proxy
asks Python for two keys per comparison (seconds with 10,000 pods).  Sorted by a column that changes
while pods stream (state, duration…), rows move at most every RESORT_MS (``resort``, a layout change
that keeps selection and expanded rows), not once a frame.  The proxy only filters, on FilterRole.

Signals:
    podChanged(str pod_name): a row was replaced by a newer change (the detail uses it to follow
        a new run in the Logs tab).
    podsChanged(list[str] pod_names): once per flush, every pod changed in it (the pods view
        refreshes the selected pod's events and its buttons once, not once per pod).
    previousRunsWanted(str pod_name): the previous runs of this instance should be (re)loaded.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from enum import IntEnum
from typing import Any, Final

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush

from console import timefmt
from console.i18n import QT_TRANSLATE_NOOP
from console.models import palette
from console.models.palette import POD_STATE_BACKGROUNDS, POD_STATE_COLORS, STATE_COLORS
from pelorus.api import pod_pb2

_Index = QModelIndex | QPersistentModelIndex
SortRole: Final = int(Qt.ItemDataRole.UserRole) + 1
# What the pods filter matches (column 0 only: one Python call per row): the row's text, all columns,
# and for a previous run its instance's text too — so a plain (C++) QSortFilterProxyModel keeps an
# accepted instance's runs beneath it.
FilterRole: Final = int(Qt.ItemDataRole.UserRole) + 2
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


HEADERS: Final = (
    QT_TRANSLATE_NOOP("PodsTableModel", "Instance"),
    QT_TRANSLATE_NOOP("PodsTableModel", "Pod id"),
    QT_TRANSLATE_NOOP("PodsTableModel", "Run / attempt"),
    QT_TRANSLATE_NOOP("PodsTableModel", "State"),
    QT_TRANSLATE_NOOP("PodsTableModel", "Host"),
    QT_TRANSLATE_NOOP("PodsTableModel", "Started"),
    QT_TRANSLATE_NOOP("PodsTableModel", "Ended"),
    QT_TRANSLATE_NOOP("PodsTableModel", "Duration"),
    QT_TRANSLATE_NOOP("PodsTableModel", "Exit"),
    QT_TRANSLATE_NOOP("PodsTableModel", "Reason"),
    QT_TRANSLATE_NOOP("PodsTableModel", "Progress"),
    QT_TRANSLATE_NOOP("PodsTableModel", "CPU s"),
    QT_TRANSLATE_NOOP("PodsTableModel", "Memory"),
    QT_TRANSLATE_NOOP("PodsTableModel", "Executor"),
)
_NCOLS: Final = len(HEADERS)
RESORT_MS: Final = 500  # sorted by a changing column (state, duration…): rows move at most this often
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
        return pod_pb2.PodState.Name(state).removeprefix("POD_STATE_")
    except ValueError:
        return str(state)


def _secs(ts: Any) -> float:
    return ts.seconds + ts.nanos * 1e-9 if ts.seconds else 0.0


def _when(ts: Any) -> str:
    # The zone is in the column header (headerData); the tooltip gives the date and how long ago.
    return timefmt.fmt_time(_secs(ts), with_date=False)


def fmt_duration(seconds: float) -> str:
    s = int(seconds)
    h, rem = divmod(s, 3600)
    m, s = divmod(rem, 60)
    if h:
        return f"{h}h{m:02d}m"
    if m:
        return f"{m}m{s:02d}s"
    return f"{seconds:.1f}s"


HISTORY_FG: Final = palette.TEXT_MUTED  # previous runs: secondary text, the current run stands out


def placeholder_run(pod: pod_pb2.PodInfo, run: int) -> pod_pb2.PodInfo:
    """A previous run not loaded yet: its pod id and run number are all that is known."""
    p = pod_pb2.PodInfo(pod_name=pod.pod_name, job_id=pod.job_id, instance_id=pod.instance_id)
    p.status.run = run
    p.status.pod_id = f"{pod.pod_name}-{run}"
    return p


class PodsTableModel(QAbstractItemModel):
    podChanged = Signal(str)
    podsChanged = Signal(list)
    previousRunsWanted = Signal(str)

    def __init__(self, parent: QObject | None = None, interval_ms: int = 16) -> None:
        super().__init__(parent)
        self._pods: list[pod_pb2.PodInfo] = []
        self._row: dict[str, int] = {}
        # Previous runs by pod name, newest first: only for instances whose children were loaded.
        self._prev: dict[str, list[pod_pb2.PodInfo]] = {}
        self._loaded: set[str] = set()
        self._asked: set[str] = set()
        self._filter_cache: dict[str, tuple[pod_pb2.PodInfo, str]] = {}
        self._pending: dict[str, PodChange] = {}
        self.revision = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.flush)
        self._sort_col = int(PodColumn.INSTANCE)
        self._sort_desc = False
        self._resort_timer = QTimer(self)
        self._resort_timer.setSingleShot(True)
        self._resort_timer.setInterval(RESORT_MS)
        self._resort_timer.timeout.connect(self.resort)
        self._ticker = QTimer(self)
        self._ticker.setInterval(1000)
        self._ticker.timeout.connect(self._tick)
        self.now = time.time  # replaceable in tests

    # -- sorting (here, not in a proxy: a proxy would ask Python for two keys per comparison) ---------
    def _by_instance(self) -> bool:
        return self._sort_col == int(PodColumn.INSTANCE) and not self._sort_desc

    def _key(self, pod: pod_pb2.PodInfo) -> tuple[Any, int]:
        return (self.sort_key(pod, self._sort_col), pod.instance_id)

    @property
    def sort_column(self) -> int:
        return self._sort_col

    @property
    def sort_order(self) -> Qt.SortOrder:
        return Qt.SortOrder.DescendingOrder if self._sort_desc else Qt.SortOrder.AscendingOrder

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Order the instances by ``column`` (ties by instance); previous runs stay beneath theirs."""
        self._sort_col = column if 0 <= column < _NCOLS else int(PodColumn.INSTANCE)
        self._sort_desc = order == Qt.SortOrder.DescendingOrder
        self.resort()

    def schedule_resort(self) -> None:
        if not self._resort_timer.isActive():
            self._resort_timer.start()

    def resort(self) -> bool:
        """Re-sort now (a layout change that keeps selection and expansion). False if nothing moved."""
        self._resort_timer.stop()
        pods = self._pods
        key = self._key
        order = sorted(range(len(pods)), key=lambda r: key(pods[r]), reverse=self._sort_desc)
        if order == list(range(len(pods))):
            return False
        self.layoutAboutToBeChanged.emit()
        new_row = [0] * len(order)
        for new, old in enumerate(order):
            new_row[old] = new
        before = self.persistentIndexList()
        after = []
        for idx in before:
            ident = int(idx.internalId())
            instance_row = ident - 1 if ident else idx.row()
            if not idx.isValid() or not 0 <= instance_row < len(new_row):
                after.append(QModelIndex())
            elif ident:  # a previous run: same row under its instance's new row
                after.append(self.createIndex(idx.row(), idx.column(), new_row[ident - 1] + 1))
            else:
                after.append(self.createIndex(new_row[idx.row()], idx.column(), 0))
        self._pods = [pods[r] for r in order]
        self._row = {p.pod_name: i for i, p in enumerate(self._pods)}
        self.changePersistentIndexList(before, after)
        self.layoutChanged.emit()
        return True

    @property
    def interval_ms(self) -> int:
        return int(self._timer.interval())

    def set_interval(self, ms: int) -> None:
        """How long changes queue before they are applied (a frame; longer while nobody looks)."""
        self._timer.setInterval(max(1, ms))

    # -- feeding ------------------------------------------------------------------------------
    def reset(self, pods: Iterable[pod_pb2.PodInfo], revision: int = 0) -> None:
        self.beginResetModel()
        self._pods = sorted(pods, key=lambda p: p.instance_id)
        if not self._by_instance():
            self._pods.sort(key=self._key, reverse=self._sort_desc)
        self._row = {p.pod_name: i for i, p in enumerate(self._pods)}
        self._prev.clear()
        self._loaded.clear()
        self._asked.clear()
        self._filter_cache.clear()
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
        refetch: list[str] = []
        new_runs: list[int] = []
        for pod, deleted in batch:
            row = self._row.get(pod.pod_name)
            if deleted:
                if row is not None:
                    removed.append(pod.pod_name)
                continue
            if row is None:
                added.append(pod)
            elif pod.revision >= self._pods[row].revision:
                old = self._pods[row]
                if pod.status.run > old.status.run:
                    if self._new_run(row, old, pod):
                        refetch.append(pod.pod_name)
                    new_runs.append(row)  # column 0 too: the tree re-reads hasChildren there
                else:
                    self._pods[row] = pod
                changed.append(row)
            self.revision = max(self.revision, pod.revision)
        in_order = self._by_instance()
        if removed or (in_order and added and self._pods
                       and any(p.instance_id < self._pods[-1].instance_id for p in added)):
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
                # From column 1: the instance column never changes, and leaving it out spares the
                # tree view a hasChildren query per row (sorting by it needs no re-sort either).
                lo, hi = min(changed), max(changed)
                self.dataChanged.emit(self.index(lo, 1), self.index(hi, _NCOLS - 1))
            if new_runs:
                lo, hi = min(new_runs), max(new_runs)
                self.dataChanged.emit(self.index(lo, 0), self.index(hi, 0))
            if (added and not in_order) or (changed and self._sort_col != int(PodColumn.INSTANCE)):
                self.schedule_resort()  # sorted by a column that may have changed: soon, not per frame
        names = [pod.pod_name for pod, deleted in batch if not deleted]
        for name in names:
            self.podChanged.emit(name)
        if names:
            self.podsChanged.emit(names)
        for name in refetch:
            self.previousRunsWanted.emit(name)
        self._arm_ticker()
        return len(batch)

    def _new_run(self, row: int, old: pod_pb2.PodInfo, pod: pod_pb2.PodInfo) -> bool:
        """Instance ``row`` moved from ``old`` to the later run ``pod``: the old run becomes its newest child.

        Returns whether the children had been loaded (they are then fetched again: the old run's
        last state seen here may not be its final one)."""
        name = pod.pod_name
        kids = self._prev.get(name)
        if kids is None:  # not loaded: no child rows to move (hasChildren follows the run number)
            self._pods[row] = pod
            return False
        # loaded: the old run (and any run skipped in between) go on top
        fresh = [placeholder_run(pod, r) for r in range(pod.status.run - 1, old.status.run, -1)]
        fresh += [old] if old.status.pod_id else []
        if fresh:
            self.beginInsertRows(self.index(row, 0), 0, len(fresh) - 1)
        self._pods[row] = pod
        kids[:0] = fresh
        if fresh:
            self.endInsertRows()
        return True

    def set_previous(self, pod_name: str, previous: Sequence[pod_pb2.PodInfo]) -> bool:
        """The previous runs of one instance (GetPod's ``previous``, newest first). False if it is gone."""
        row = self._row.get(pod_name)
        self._asked.discard(pod_name)
        if row is None:
            return False
        current = self._pods[row].status.pod_id
        runs = [p for p in previous if p.status.pod_id != current]
        parent = self.index(row, 0)
        before = self._child_count(self._pods[row])
        if before == len(runs):
            self._prev[pod_name] = runs
            if runs:
                self.dataChanged.emit(self.index(0, 0, parent), self.index(len(runs) - 1, len(HEADERS) - 1, parent))
        else:
            if before:
                self.beginRemoveRows(parent, 0, before - 1)
                self._prev[pod_name] = []
                self.endRemoveRows()
            if runs:
                self.beginInsertRows(parent, 0, len(runs) - 1)
                self._prev[pod_name] = runs
                self.endInsertRows()
            else:
                self._prev[pod_name] = runs
        self._loaded.add(pod_name)
        return True

    def previous_loaded(self, pod_name: str) -> bool:
        return pod_name in self._loaded

    def _child_count(self, pod: pod_pb2.PodInfo) -> int:
        kids = self._prev.get(pod.pod_name)
        return len(kids) if kids is not None else 0

    def _children(self, row: int) -> list[pod_pb2.PodInfo]:
        return self._prev.get(self._pods[row].pod_name, [])

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

    # -- tree structure: internalId 0 = an instance row; r + 1 = a previous run of instance row r -----
    def index(self, row: int, column: int, parent: _Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        # Called for every row the proxy sorts or filters: the instance-row path comes first and short.
        if not parent.isValid():
            if 0 <= row < len(self._pods) and 0 <= column < _NCOLS:
                return self.createIndex(row, column, 0)
            return QModelIndex()
        if column < 0 or column >= _NCOLS or row < 0 or parent.internalId() or parent.row() >= len(self._pods):
            return QModelIndex()  # previous runs have no children
        if row >= self._child_count(self._pods[parent.row()]):
            return QModelIndex()
        return self.createIndex(row, column, parent.row() + 1)

    def parent(self, index: _Index | None = None) -> Any:
        if index is None:  # QObject.parent()
            return QObject.parent(self)
        ident = index.internalId()
        if not ident:  # instance rows (and the invalid index, whose id is 0)
            return QModelIndex()
        return self.createIndex(int(ident) - 1, 0, 0)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        if not parent.isValid():
            return len(self._pods)
        if parent.internalId() or parent.column() != 0 or parent.row() >= len(self._pods):
            return 0
        return self._child_count(self._pods[parent.row()])

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return len(HEADERS)

    def hasChildren(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008
        if not parent.isValid():
            return bool(self._pods)
        if parent.internalId() or parent.column() != 0 or parent.row() >= len(self._pods):
            return False
        pod = self._pods[parent.row()]
        kids = self._prev.get(pod.pod_name)
        return bool(kids) if kids is not None else pod.status.run > 1

    def canFetchMore(self, parent: _Index) -> bool:
        if not parent.isValid() or parent.internalId() or parent.row() >= len(self._pods):
            return False
        pod = self._pods[parent.row()]
        return pod.status.run > 1 and pod.pod_name not in self._loaded and pod.pod_name not in self._asked

    def fetchMore(self, parent: _Index) -> None:
        """Qt calls this when an instance row is expanded: ask for its previous runs (once)."""
        if self.canFetchMore(parent):
            name = self._pods[parent.row()].pod_name
            self._asked.add(name)
            self.previousRunsWanted.emit(name)

    def is_previous(self, index: _Index) -> bool:
        return index.isValid() and bool(index.internalId())

    def pod_at(self, index: _Index) -> pod_pb2.PodInfo | None:
        """The run a row shows: the instance's current run, or one of its previous runs."""
        if not index.isValid():
            return None
        ident = int(index.internalId())
        if not ident:
            return self._pods[index.row()] if index.row() < len(self._pods) else None
        if ident - 1 >= len(self._pods):
            return None
        kids = self._children(ident - 1)
        return kids[index.row()] if index.row() < len(kids) else None

    def current_at(self, index: _Index) -> pod_pb2.PodInfo | None:
        """The instance's current run for any of its rows (per-pod actions act on this one)."""
        if not index.isValid():
            return None
        row = int(index.internalId()) - 1 if index.internalId() else index.row()
        return self._pods[row] if 0 <= row < len(self._pods) else None

    def previous(self, pod_name: str) -> list[pod_pb2.PodInfo]:
        row = self._row.get(pod_name)
        return [] if row is None else list(self._children(row))

    # -- reading ------------------------------------------------------------------------------
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
            if section in (PodColumn.STARTED, PodColumn.ENDED):
                return f"{self.tr(HEADERS[section])} ({timefmt.zone_name()})"
            return self.tr(HEADERS[section])
        return None

    def duration(self, pod: pod_pb2.PodInfo) -> float | None:
        st = pod.status
        start = _secs(st.started_at)
        if not start:
            return None
        end = _secs(st.ended_at) or (self.now() if st.state in RUNNING_STATES else 0.0)
        return max(0.0, end - start) if end else None

    def display(self, pod: pod_pb2.PodInfo, col: int, previous: bool = False) -> str:
        st = pod.status
        if previous and not st.state and col not in (PodColumn.INSTANCE, PodColumn.POD_ID, PodColumn.RUN):
            return "loading…" if col == PodColumn.STATE else ""  # a placeholder until GetPod answers
        if col == PodColumn.INSTANCE:
            return "" if previous else str(pod.instance_id)  # beneath its instance; the tooltip says more
        if col == PodColumn.POD_ID:
            return st.pod_id
        if col == PodColumn.RUN:
            if previous and not st.attempt:
                return str(st.run)
            return f"{st.run} / {st.attempt}" if st.run else ""
        if col == PodColumn.STATE:
            return pod_state_name(st.state)
        if col == PodColumn.HOST:
            host = st.host or st.node_id
            return self.tr("{0} (pid {1})").format(host, st.pid) if host and st.pid else host
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
            return f"{pr.successful + pr.failed}/{total}" + (
                self.tr(" ({0} failed)").format(pr.failed) if pr.failed else ""
            )
        if col == PodColumn.CPU:  # where the executor reports usage
            return f"{st.usage.cpu_seconds:.1f}" if st.usage.cpu_seconds else ""
        if col == PodColumn.MEMORY:
            rss = st.usage.memory_rss_bytes
            return timefmt.human_bytes(rss) if rss else ""
        if col == PodColumn.EXECUTOR:
            return st.executor
        return ""

    def _filter_text(self, pod: pod_pb2.PodInfo) -> str:
        """Every column's text of an instance row, cached until the row's pod changes (typing in the
        filter then costs one lookup per row, not thirteen formatted cells)."""
        cached = self._filter_cache.get(pod.pod_name)
        if cached is not None and cached[0] is pod:
            return cached[1]
        text = "\t".join(self.display(pod, c) for c in range(_NCOLS))
        self._filter_cache[pod.pod_name] = (pod, text)
        return text

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
        if not index.isValid():
            return None
        previous = bool(index.internalId())
        if previous:
            pod = self.pod_at(index)
            if pod is None:
                return None
        elif index.row() < len(self._pods):
            pod = self._pods[index.row()]
        else:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(pod, col, previous)
        if role == Qt.ItemDataRole.UserRole:
            return pod.pod_name
        if role == FilterRole:
            if not previous:
                return self._filter_text(pod)
            own = "\t".join(self.display(pod, c, previous) for c in range(_NCOLS))
            current = self.current_at(index)
            return own if current is None else self._filter_text(current) + "\n" + own
        if role == SortRole:
            if previous and col == PodColumn.INSTANCE:
                return -pod.status.run  # newest run first under its instance
            return self.sort_key(pod, col)
        if col == PodColumn.STATE:
            name = pod_state_name(pod.status.state)
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(POD_STATE_COLORS.get(name, HISTORY_FG))
            if role == Qt.ItemDataRole.BackgroundRole and not previous:  # tinted: current runs only
                bg = POD_STATE_BACKGROUNDS.get(name)
                return QBrush(bg) if bg is not None else None
        if col == PodColumn.EXIT and role == Qt.ItemDataRole.ForegroundRole and pod.status.has_exit_code \
                and pod.status.exit_code != 0:
            return QBrush(STATE_COLORS["FAILED"])
        if previous and role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(HISTORY_FG)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col in (PodColumn.REASON, PodColumn.POD_ID):
                return self.display(pod, col)
            if col in (PodColumn.STARTED, PodColumn.ENDED):
                ts = pod.status.started_at if col == PodColumn.STARTED else pod.status.ended_at
                return timefmt.time_tip(_secs(ts)) if _secs(ts) else None
            if col == PodColumn.RUN and pod.status.prev_pod_id:
                return self.tr("previous run: {0}").format(pod.status.prev_pod_id)
            if col == PodColumn.INSTANCE and previous:
                return self.tr("run {0} of instance {1} (ended; actions act on the current run)").format(
                    pod.status.run, pod.instance_id
                )
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (PodColumn.INSTANCE, PodColumn.EXIT,
                                                                PodColumn.DURATION, PodColumn.CPU,
                                                                PodColumn.MEMORY):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
