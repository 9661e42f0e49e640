"""JobsTableModel: the live jobs table (one row per job), fed in batches from ListJobs + Watch.

Storage is ``JobColumns`` (numpy columns, each job's summary kept as wire bytes): ~0.5 KB a job
instead of ~2 KB of Python rows and messages, and the proxy filters and sorts with array
operations.  Painting asks for a few dozen rows at a time: those are laid out as flat
``job_row`` rows on demand and cached until they change, so ``data()`` stays one list index plus
a per-column function.  Rows are only ever appended (new jobs go to the end, one
``beginInsertRows`` per batch); order is the proxy's business (``JobsProxyModel``), so updates
never move source rows.

Signals besides the standard ones:
    rowsUpdated(list[int]): ascending source rows replaced in place by ``apply_batch``; emitted
        just before the matching ``dataChanged`` ranges.  ``dataChanged`` merges rows into a few
        ranges (cheap for views) so it over-approximates; this gives proxies the exact rows to
        re-filter / re-sort without scanning the ranges.
    staleChanged(bool): the data stopped / started reflecting the engine (connection state).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import TYPE_CHECKING, Any, Final

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)

from console import timefmt
from console.i18n import QT_TRANSLATE_NOOP
from console.models import job_row as R
from console.models import palette
from pelorus.api import job_pb2

if TYPE_CHECKING:  # numpy (~0.1 s to import) is kept off the path to the first paint
    from console.job_feed_thread import WireBatch
    from console.models import job_wire as W
    from console.models.job_columns import JobColumns

_Index = QModelIndex | QPersistentModelIndex


class Column(IntEnum):
    """Table columns, in display order.

    Pods are four separate narrow numeric columns rather than one compact "3▶ 2… 1✓ 0✗" cell:
    each is then sortable on its own ("most failed pods first"), reads at a glance with fixed
    section widths, and the tooltip of any of them shows the exact per-state breakdown.
    """

    NAME = 0
    ID = 1
    STATE = 2
    PRIORITY = 3
    OWNER = 4
    RUNNING = 5
    PENDING = 6
    SUCCEEDED = 7
    FAILED = 8
    PROGRESS = 9
    WORKFLOW = 10
    CREATED = 11
    UPDATED = 12
    VERSION = 13


COLUMN_TITLES: Final[dict[Column, str]] = {
    Column.NAME: QT_TRANSLATE_NOOP("JobsTableModel", "Name"),
    Column.ID: "ID",
    Column.STATE: QT_TRANSLATE_NOOP("JobsTableModel", "State"),
    Column.PRIORITY: QT_TRANSLATE_NOOP("JobsTableModel", "Priority"),
    Column.OWNER: QT_TRANSLATE_NOOP("JobsTableModel", "Owner"),
    Column.RUNNING: QT_TRANSLATE_NOOP("JobsTableModel", "Running"),
    Column.PENDING: QT_TRANSLATE_NOOP("JobsTableModel", "Pending"),
    Column.SUCCEEDED: QT_TRANSLATE_NOOP("JobsTableModel", "Succeeded"),
    Column.FAILED: QT_TRANSLATE_NOOP("JobsTableModel", "Failed"),
    Column.PROGRESS: QT_TRANSLATE_NOOP("JobsTableModel", "Progress"),
    Column.WORKFLOW: QT_TRANSLATE_NOOP("JobsTableModel", "Workflow"),
    Column.CREATED: QT_TRANSLATE_NOOP("JobsTableModel", "Created"),
    Column.UPDATED: QT_TRANSLATE_NOOP("JobsTableModel", "Updated"),
    Column.VERSION: QT_TRANSLATE_NOOP("JobsTableModel", "Version"),
}
_COLUMN_TIPS: Final[dict[Column, str]] = {
    Column.RUNNING: QT_TRANSLATE_NOOP("JobsTableModel", "Pods running"),
    Column.PENDING: QT_TRANSLATE_NOOP("JobsTableModel", "Pods initialized, pending, launching or starting"),
    Column.SUCCEEDED: QT_TRANSLATE_NOOP("JobsTableModel", "Pods succeeded"),
    Column.FAILED: QT_TRANSLATE_NOOP("JobsTableModel", "Pods failed or lost"),
    Column.PROGRESS: QT_TRANSLATE_NOOP("JobsTableModel", "Bulk progress reported by pods (successful + failed) / "
                                                         "total"),
    Column.VERSION: QT_TRANSLATE_NOOP("JobsTableModel", "Entity version: every change bumps it"),
}


class Role(IntEnum):
    """Custom item data roles."""

    SORT = int(Qt.ItemDataRole.UserRole) + 1  #: raw sortable value (numbers stay numbers)
    JOB_ID = int(Qt.ItemDataRole.UserRole) + 2  #: job id of the row, any column
    PROGRESS = int(Qt.ItemDataRole.UserRole) + 3  #: float 0..1, or None without progress
    STATE = int(Qt.ItemDataRole.UserRole) + 4  #: state name without prefix ("RUNNING")
    SUMMARY = int(Qt.ItemDataRole.UserRole) + 5  #: the JobSummary message (read-only!)
    CELLS = int(Qt.ItemDataRole.UserRole) + 6  #: the row's display texts, every column (a tuple, any column)


SortRole: Final = Role.SORT
JobIdRole: Final = Role.JOB_ID
ProgressRole: Final = Role.PROGRESS
CellsRole: Final = int(Role.CELLS)

_NUMERIC: Final = frozenset(
    {Column.PRIORITY, Column.RUNNING, Column.PENDING, Column.SUCCEEDED, Column.FAILED,
     Column.PROGRESS, Column.VERSION}
)
_STATE_COL: Final = int(Column.STATE)
_FAILED_COL: Final = int(Column.FAILED)
_RIGHT: Final = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
# Precomputed: enum "|" is a Python call, and views ask for flags of every painted cell.
ITEM_FLAGS: Final = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
_LEFT: Final = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
_ALIGNMENT: Final = tuple(_RIGHT if c in _NUMERIC else _LEFT for c in Column)
#: Each column's TextAlignmentRole (ints), for a delegate that draws the text itself.
CELL_ALIGNMENT: Final = _ALIGNMENT


def _fmt_time(seconds: int) -> str:
    # Compact (today: the time only); the zone is in the header, the full time in the tooltip.
    return timefmt.fmt_time_compact(seconds)


def _progress_text(row: R.Row) -> str:
    frac = R.progress_fraction(row)
    if frac is None:
        return ""
    done = row[R.PROG_SUCCESSFUL] + row[R.PROG_FAILED]
    return f"{frac:.0%} ({done}/{done + row[R.PROG_REMAINING]})"


def _progress_key(row: R.Row) -> float:
    frac = R.progress_fraction(row)
    return -1.0 if frac is None else frac


# Per column: display text, and the sort key.  Sort keys are numbers or casefolded strings, one
# type per column, so proxies can put them in numpy arrays and compare without Python fallbacks.
_DISPLAY: Final[tuple[Callable[[R.Row], Any], ...]] = (
    lambda r: r[R.NAME],
    lambda r: r[R.ID],
    lambda r: R.state_name(r[R.STATE]),
    lambda r: str(r[R.PRIORITY]),
    lambda r: r[R.OWNER],
    lambda r: str(r[R.POD_RUNNING]),
    lambda r: str(r[R.POD_PENDING]),
    lambda r: str(r[R.POD_SUCCEEDED]),
    lambda r: str(r[R.POD_FAILED]),
    _progress_text,
    R.workflow_text,
    lambda r: _fmt_time(int(r[R.CREATED])),
    lambda r: _fmt_time(int(r[R.UPDATED])),
    lambda r: str(r[R.VERSION]),
)
SORT_KEYS: Final[tuple[Callable[[R.Row], Any], ...]] = (
    lambda r: r[R.NAME].casefold(),
    lambda r: r[R.ID],
    lambda r: R.STATE_RANK.get(r[R.STATE], len(R.STATE_RANK)),
    lambda r: r[R.PRIORITY],
    lambda r: r[R.OWNER].casefold(),
    lambda r: r[R.POD_RUNNING],
    lambda r: r[R.POD_PENDING],
    lambda r: r[R.POD_SUCCEEDED],
    lambda r: r[R.POD_FAILED],
    _progress_key,
    lambda r: R.workflow_text(r).casefold(),
    lambda r: r[R.CREATED],
    lambda r: r[R.UPDATED],
    lambda r: r[R.VERSION],
)
#: Columns whose sort key is a string (the rest are numbers).
STRING_SORT_COLUMNS: Final = frozenset({Column.NAME, Column.ID, Column.OWNER, Column.WORKFLOW})
def _time_tip(seconds: float) -> str:
    return timefmt.time_tip(seconds)


def _tooltip(row: R.Row, col: int) -> str | None:
    msg = row[R.MSG]
    if col in (Column.NAME, Column.ID, Column.OWNER):
        lab = ", ".join(f"{k}={v}" for k, v in sorted(msg.labels.items())) or "none"
        return QCoreApplication.translate(
            "jobs_table", "{0}\nid: {1}\nowner: {2}\nnamespace: {3}\nlabels: {4}\ninstances: {5}"
        ).format(row[R.NAME], row[R.ID], row[R.OWNER], row[R.NAMESPACE] or "default", lab, row[R.INSTANCES])
    if col == Column.STATE:
        st = msg.status
        text = R.state_name(row[R.STATE])
        if st.desired_state and st.desired_state != st.state:
            text += f" → {R.state_name(st.desired_state)}"
        if st.reason:
            text += f"\n{st.reason}"
        if st.message:
            text += f"\n{st.message}"
        return text
    if Column.RUNNING <= col <= Column.FAILED:
        stats = R.pod_stats(row)
        if not stats:
            return QCoreApplication.translate("jobs_table", "No pods")
        return "\n".join(f"{k}: {v}" for k, v in sorted(stats.items()))
    if col == Column.PROGRESS:
        if R.progress_fraction(row) is None:
            return QCoreApplication.translate("jobs_table", "No progress reported")
        return QCoreApplication.translate("jobs_table", "successful {0}, failed {1}, remaining {2}").format(
            row[R.PROG_SUCCESSFUL], row[R.PROG_FAILED], row[R.PROG_REMAINING]
        )
    if col == Column.WORKFLOW:
        wf = msg.status.workflow_status
        if not row[R.WF_TYPE]:
            return QCoreApplication.translate("jobs_table", "No workflow")
        return QCoreApplication.translate("jobs_table", "{0}\n{1}\ncompleted {2}, remaining {3}, failed {4}").format(
            R.workflow_text(row),
            wf.workflow_id,
            wf.num_instances_completed,
            wf.num_instances_remaining,
            wf.num_instances_failed,
        )
    if col == Column.CREATED:
        return _time_tip(row[R.CREATED])
    if col == Column.UPDATED:
        return _time_tip(row[R.UPDATED])
    return None


def merge_ranges(rows: Sequence[int], max_ranges: int = 8) -> list[tuple[int, int]]:
    """Cover ascending ``rows`` with at most ``max_ranges`` inclusive ranges.

    Splits at the largest gaps, so the ranges cover as few unchanged rows as possible while the
    number of dataChanged emissions stays small (each costs a Python→C++→views round trip).
    """
    if not rows:
        return []
    if len(rows) == 1:
        return [(rows[0], rows[0])]
    gaps = [(rows[i + 1] - rows[i], i) for i in range(len(rows) - 1) if rows[i + 1] - rows[i] > 1]
    if len(gaps) >= max_ranges:
        gaps.sort(reverse=True)
        gaps = gaps[: max_ranges - 1]
    cuts = sorted(i for _, i in gaps)
    out: list[tuple[int, int]] = []
    start = 0
    for i in cuts:
        out.append((rows[start], rows[i]))
        start = i + 1
    out.append((rows[start], rows[-1]))
    return out


def contiguous_runs_desc(rows: Iterable[int]) -> list[tuple[int, int]]:
    """Inclusive (first, last) runs of consecutive rows, highest run first (for removals)."""
    out: list[tuple[int, int]] = []
    for r in sorted(rows, reverse=True):
        if out and out[-1][0] == r + 1:
            out[-1] = (r, out[-1][1])
        else:
            out.append((r, r))
    return out


@dataclass(frozen=True, slots=True)
class BatchResult:
    """What one ``apply_batch`` did (for diagnostics and tests)."""

    inserted: int = 0
    updated: int = 0
    removed: int = 0


Change = tuple[job_pb2.JobSummary, bool]


class JobsTableModel(QAbstractTableModel):
    """One row per job, updated in place; see the module docstring for the contract."""

    rowsUpdated = Signal(list)
    staleChanged = Signal(bool)

    #: Idle warm-up: derived columns (folded texts, labels) built in slices of rows, each
    #: bounded in time, so the first filter keystroke after a load finds them ready.
    _WARM_ROWS: Final = 10000
    #: what free text reads (the likeliest first keystroke), cheapest first; labels_fold reads labels
    _WARM_ORDER: Final = ("names_fold", "owners_fold", "ids_fold", "labels", "labels_fold")
    #: After a keystroke in the filter box or a sort the warm-up waits this long (seconds), so its
    #: slices do not land between an input and its repaint (``yield_to_input``).
    _WARM_HOLD: Final = 0.25
    _ROW_CACHE: Final = 4096
    _KNOWN_TTL: Final = 2.0

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cols: JobColumns | None = None  # made on first use: importing numpy waits until then
        self._rows_cache: dict[int, R.Row] = {}
        # Source row → its display texts (Role.CELLS: the jobs table's delegate paints from them);
        # dropped with the row cache's entry, and all of them when times change zone.
        self._texts_cache: dict[int, tuple[str, ...]] = {}
        self._texts_utc = timefmt.use_utc()
        self._known: tuple[float, JobColumns, dict[str, list[str]]] | None = None
        self._stale = False
        self._warm: list[str] = []
        self._warm_hold = 0.0  # time.monotonic() until which the warm-up waits (yield_to_input)
        self._warm_timer = QTimer(self)
        self._warm_timer.setSingleShot(True)
        self._warm_timer.setInterval(0)
        self._warm_timer.timeout.connect(self._warm_step)
        self._roles: dict[int, Callable[[int, int], Any]] = {
            int(Qt.ItemDataRole.DisplayRole): self._display,
            int(Role.SORT): self._sort_value,
            int(Qt.ItemDataRole.ForegroundRole): self._foreground,
            int(Qt.ItemDataRole.BackgroundRole): self._background,
            int(Qt.ItemDataRole.DecorationRole): self._decoration,
            int(Qt.ItemDataRole.ToolTipRole): lambda r, c: _tooltip(self.row(r), c),
            int(Qt.ItemDataRole.TextAlignmentRole): self._alignment,
            int(Role.JOB_ID): lambda r, c: self.row(r)[R.ID],
            int(Role.PROGRESS): lambda r, c: R.progress_fraction(self.row(r)),
            int(Role.STATE): lambda r, c: R.state_name(self.row(r)[R.STATE]),
            int(Role.SUMMARY): lambda r, c: self.columns().summary(r),
            int(Role.CELLS): self._texts,
        }

    # ---- Qt model interface -------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() or self._cols is None else self._cols.n

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        handler = self._roles.get(role)
        if handler is None or not index.isValid():
            return None
        return handler(index.row(), index.column())

    def role_handlers(self) -> dict[int, Callable[[int, int], Any]]:
        """role → handler(source row, column) (read-only): the proxy's data() calls them directly."""
        return self._roles

    def cell_data(self, row: int, col: int, role: int) -> Any:
        """``data()`` without a QModelIndex: the proxy's fast path (one Python call per cell)."""
        handler = self._roles.get(role)
        return None if handler is None else handler(row, col)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(Column):
            if role == Qt.ItemDataRole.DisplayRole:
                if section in (Column.CREATED, Column.UPDATED):  # times: the zone they are shown in
                    return f"{self.tr(COLUMN_TITLES[Column(section)])} ({timefmt.zone_name()})"
                return self.tr(COLUMN_TITLES[Column(section)])
            if role == Qt.ItemDataRole.ToolTipRole:
                tip = _COLUMN_TIPS.get(Column(section))
                return self.tr(tip) if tip else tip
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return _RIGHT if section in _NUMERIC else _LEFT
            return None
        return super().headerData(section, orientation, role)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        return ITEM_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    # ---- role handlers ------------------------------------------------------------------------

    def row(self, r: int) -> R.Row:
        """Source row ``r`` laid out as ``job_row`` (built from its summary on first use, kept
        until the job changes).  Read-only."""
        hit = self._rows_cache.get(r)
        if hit is None:
            if len(self._rows_cache) >= self._ROW_CACHE:
                self._rows_cache.clear()
            hit = self._rows_cache[r] = R.make_row(self.columns().summary(r))
        return hit

    def _display(self, r: int, col: int) -> Any:
        return _DISPLAY[col](self.row(r))

    def _texts(self, r: int, col: int = 0) -> tuple[str, ...]:
        """Source row ``r``'s display texts, every column (as DisplayRole gives them), made once
        until the row changes: what the jobs table's delegate paints, one call a cell."""
        if self._texts_utc != timefmt.use_utc():
            self._texts_cache.clear()
            self._texts_utc = timefmt.use_utc()
        hit = self._texts_cache.get(r)
        if hit is None:
            if len(self._texts_cache) >= self._ROW_CACHE:
                self._texts_cache.clear()
            row = self.row(r)
            hit = self._texts_cache[r] = tuple([f(row) for f in _DISPLAY])
        return hit

    def _sort_value(self, r: int, col: int) -> Any:
        return SORT_KEYS[col](self.row(r))

    # Asked of every painted cell: plain int columns (an IntEnum member's lookup costs ~0.3 µs,
    # several a cell), the common answer (None) first.
    def _foreground(self, r: int, col: int) -> Any:
        if self._stale:
            return palette.STALE_FOREGROUND
        if col == _STATE_COL:
            return palette.state_color(R.state_name(self.row(r)[R.STATE]))
        if col == _FAILED_COL and self.row(r)[R.POD_FAILED]:
            return palette.FAILED_COUNT
        return None

    def _background(self, r: int, col: int) -> Any:
        if col != _STATE_COL or self._stale:
            return None
        return palette.state_background(R.state_name(self.row(r)[R.STATE]))

    def _decoration(self, r: int, col: int) -> Any:
        if col != _STATE_COL:
            return None
        return palette.STALE_DECORATION if self._stale else palette.state_color(R.state_name(self.row(r)[R.STATE]))

    @staticmethod
    def _alignment(r: int, col: int) -> int:
        return _ALIGNMENT[col]

    # ---- feeding ------------------------------------------------------------------------------

    def reset(self, jobs: Iterable[job_pb2.JobSummary] | W.Wire = ()) -> None:
        """Replace every row (initial ListJobs, or after a resync). Keeps the stale flag.

        ``jobs``: parsed summaries, or a ``job_wire.Wire`` (ListJobs responses as received:
        decoded in bulk, the fast path)."""
        from console.models import job_wire as W
        from console.models.job_columns import JobColumns

        cols = JobColumns()
        if isinstance(jobs, W.Wire):
            cols.load(jobs.buf, jobs.starts, jobs.ends, jobs.decoded)
        else:
            cols.load_messages(list(jobs))
        self.beginResetModel()
        self._cols = cols
        self._rows_cache = {}
        self._texts_cache = {}
        self.endResetModel()
        self._start_warm_up()

    def append_wire(self, wire: W.Wire) -> BatchResult:
        """Add (or replace) jobs given in wire form: one page of a listing streamed in."""
        return self._apply(lambda: self.columns().load(wire.buf, wire.starts, wire.ends, wire.decoded), ())

    def apply_batch(self, changes: Sequence[Change]) -> BatchResult:
        """Apply (summary, deleted) changes: updates in place, then removals, then appends.

        Several changes of one job in a batch collapse to the last.  Signals: ``rowsUpdated`` +
        at most a few ``dataChanged`` ranges; one ``beginRemoveRows`` per contiguous run of
        deleted rows (highest first); one ``beginInsertRows`` for all new jobs, at the end.
        """
        latest: dict[str, Change] = {}
        for change in changes:
            latest[change[0].job_id] = change
        cols = self.columns()
        index = cols.index
        live = [s for s, deleted in latest.values() if not deleted]
        shown = cols.nums["revision"]
        # a deletion older than the row (a job id used again since) is one the row is past
        removed = [r for job_id, (s, deleted) in latest.items() if deleted
                   for r in (index.get(job_id),) if r is not None
                   and not 0 < s.status.revision < shown[r]]
        return self._apply(lambda: self.columns().load_messages(live), removed)

    def apply_wire_batch(self, batch: WireBatch) -> BatchResult:
        """``apply_batch`` for a batch the job feed's thread made (console/job_feed_thread.py):
        each job's latest change, its summary already decoded into columns there, so the UI
        thread only writes them.  Same signals and rules: a change or a deletion older than what
        a row shows is skipped, so revisions only move forward."""
        cols = self.columns()
        index = cols.index
        shown = cols.nums["revision"]
        removed = [r for job_id, rev in batch.deleted
                   for r in (index.get(job_id),) if r is not None and not 0 < rev < shown[r]]
        return self._apply(lambda: self.columns().load(batch.buf, batch.starts, batch.ends, batch.decoded), removed)

    def _apply(self, load: Callable[[], tuple[Any, list[int]]], removed: Sequence[int]) -> BatchResult:
        cols = self.columns()
        n_before = cols.n
        appended, updated = load()
        # Appended rows must not be visible before beginInsertRows: hide them until then.
        n_new = cols.n - n_before
        cols.n = n_before
        if updated:
            cache = self._rows_cache
            texts = self._texts_cache
            for r in updated:
                cache.pop(r, None)
                texts.pop(r, None)
            self.rowsUpdated.emit(updated)
            last_col = len(Column) - 1
            for lo, hi in merge_ranges(updated):
                # No roles: JobsProxyModel relies on that (see its _emit_rows_changed).
                self.dataChanged.emit(self.index(lo, 0), self.index(hi, last_col), [])

        if removed:
            self._rows_cache.clear()
            self._texts_cache.clear()
            runs = contiguous_runs_desc(removed)
            total = n_before + n_new
            for lo, hi in runs:
                self.beginRemoveRows(QModelIndex(), lo, hi)
                cols.n = total
                cols.remove(range(lo, hi + 1))
                self._rows_cache.clear()
                self._texts_cache.clear()
                total = cols.n
                n_before -= hi - lo + 1
                cols.n = n_before
                self.endRemoveRows()
            cols.n = n_before

        if n_new:
            first = cols.n
            self.beginInsertRows(QModelIndex(), first, first + n_new - 1)
            cols.n = first + n_new
            self.endInsertRows()
        cols.n = n_before + n_new
        if not self._warm and cols.index_pending():  # a listing's next pages, in id order: index them
            self._warm = list(self._WARM_ORDER)  # (warm() indexes first; columns built already are done)
        if self._warm:
            self._schedule_warm()
        return BatchResult(inserted=n_new, updated=len(updated), removed=len(removed))

    def set_stale(self, stale: bool) -> None:
        """Grey every cell (connection lost) or restore colours; one dataChanged over all."""
        if stale == self._stale:
            return
        self._stale = stale
        if self.rowCount():
            roles = [int(Qt.ItemDataRole.ForegroundRole), int(Qt.ItemDataRole.BackgroundRole),
                     int(Qt.ItemDataRole.DecorationRole)]
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, len(Column) - 1), roles)
        self.staleChanged.emit(stale)

    # ---- queries (for proxies, views and the filter box) --------------------------------------

    def is_stale(self) -> bool:
        return self._stale

    def columns(self) -> JobColumns:
        """The column storage (read-only by contract): proxies filter and sort on it."""
        if self._cols is None:
            from console.models.job_columns import JobColumns

            self._cols = JobColumns()
        return self._cols

    def row_of(self, job_id: str) -> int | None:
        """Source row of a job, or None."""
        if self._cols is None:
            return None
        r = self._cols.index.get(job_id)
        return r if r is not None and r < self._cols.n else None

    def job_id(self, row: int) -> str:
        return self.columns().job_id(row)

    def summary(self, row: int) -> job_pb2.JobSummary:
        """The latest JobSummary of a row (do not mutate)."""
        return self.columns().summary(row)

    def known_values(self) -> dict[str, list[str]]:
        """Values seen in the data, for filter completion: owners, namespaces, label pairs.

        The filter box asks on every keystroke: at a million jobs that is ~0.1 s of uniques, so
        the answer is kept for ``_KNOWN_TTL`` seconds (completion may miss a value that
        appeared in the last two seconds, never a filter result)."""
        now = time.monotonic()
        if self._known is not None and now - self._known[0] < self._KNOWN_TTL and self._known[1] is self._cols:
            return self._known[2]
        import numpy as np

        cols = self.columns()
        owners = {bytes(v).decode("utf-8", "replace") for v in np.unique(cols.strings["owners"][: cols.n])}
        namespaces = {bytes(v).decode("utf-8", "replace") or "default"
                      for v in np.unique(cols.strings["namespaces"][: cols.n])}
        label_pairs: set[str] = set()
        for r in range(min(cols.n, 2000)):  # labels cost a parse each; a sample is enough to complete
            label_pairs.update(f"{k}={v}" for k, v in cols.summary(r).labels.items())
        owners.discard("")
        out = {"owner": sorted(owners), "namespace": sorted(namespaces), "label": sorted(label_pairs)}
        self._known = (now, cols, out)
        return out

    def ensure_haystacks(self) -> None:
        """Build every derived column now (the idle warm-up does this in slices)."""
        for name in self._WARM_ORDER:
            self.columns().derived(name)
        self._warm = []

    def _start_warm_up(self) -> None:
        self._warm = list(self._WARM_ORDER)
        self._schedule_warm()

    def yield_to_input(self, seconds: float | None = None) -> None:
        """Someone is typing in the filter box (or sorting): the idle warm-up (the deferred job id
        index, the derived columns) holds off for ``seconds`` (``_WARM_HOLD``), so none of its
        slices runs between a keystroke and the repaint that shows its result.  What needs the
        index or a column meanwhile still builds it at once."""
        self._warm_hold = time.monotonic() + (self._WARM_HOLD if seconds is None else seconds)
        if self._warm_timer.isActive():
            self._schedule_warm()

    def _schedule_warm(self) -> None:
        wait = self._warm_hold - time.monotonic()
        self._warm_timer.start(max(0, int(wait * 1000) + 1) if wait > 0 else 0)

    def _warm_step(self) -> None:
        # Build derived columns (labels, haystack, folded text) in slices after a bulk load, so
        # the first keystroke in the filter box does not pay for a million label decodes.
        # Each slice is bounded in rows; the loop in time (a slice of 10k rows is ~3-8 ms).
        if self._warm_hold > time.monotonic():  # typing: later (yield_to_input)
            self._schedule_warm()
            return
        deadline = time.perf_counter() + 0.008
        while self._warm and time.perf_counter() < deadline:
            if self.columns().warm(self._warm[0], self._WARM_ROWS):
                self._warm.pop(0)
        if self._warm:
            self._schedule_warm()
