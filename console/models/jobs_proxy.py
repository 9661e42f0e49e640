"""JobsProxyModel: sort + filter + state chips over JobsTableModel, built for 100k live rows.

Why not QSortFilterProxyModel: it calls ``lessThan`` / ``data(SortRole)`` through Python for every
comparison (100k rows ≈ 1.7M comparisons ≈ seconds) and, with dynamicSortFilter, re-sorts and
re-filters the changed range on every ``dataChanged``.  ``bench/table_load.py`` measures both.

How this one works: the mapping is two numpy arrays (``_order``: proxy row → source row, and
``_inv``: source row → proxy row or -1).  Sort keys for the sort column live in one numpy array
(float64, or fixed-width bytes for casefolded text) aligned with source rows, read from the
source's columns, so a sort is one argsort and a re-placement of k rows is a searchsorted +
insert, never a Python comparison per row.  The filter is evaluated on the columns too
(``job_filter.FilterResult.mask``): a keystroke over a million jobs is a few array operations.

Live updates (the source's ``rowsUpdated`` gives the exact rows of a batch):
- a row that stops / starts matching the filter is removed / inserted at once, with row signals
  (a few contiguous runs) or, when a batch scatters over many places, one layout change;
- a row whose sort key changed keeps its place and is marked dirty; dirty rows are moved into
  place by a throttled re-sort (``resort_interval_ms``, default 500 ms) as ONE layout change
  with persistent indexes (selection, current index) remapped.  So a 60 Hz stream causes at
  most two layout changes a second, rows do not jitter under the mouse at frame rate, and the
  cost per batch stays proportional to the batch, not to the table.
- ``set_order_frozen(True)`` stops re-sorting entirely (a view can freeze while the user drags
  a selection or a context menu is open); unfreezing re-sorts once.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import shiboken6
from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractProxyModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)

from console.models import job_filter
from console.models import job_row as R
from console.models.job_keys import column_keys
from console.models.jobs_table import ITEM_FLAGS as _ITEM_FLAGS
from console.models.jobs_table import Column, JobsTableModel, merge_ranges

if TYPE_CHECKING:
    from PySide6.QtWidgets import QTableView

_Index = QModelIndex | QPersistentModelIndex
_Hint = QAbstractItemModel.LayoutChangeHint

#: More separate insert/remove places than this in one batch → one layout change instead.
MAX_ROW_SIGNAL_GROUPS: Final = 16
#: Filters whose result (one bool a row) is kept while no row changes: a backspace back to one
#: of them costs no search.
RECENT_FILTERS: Final = 4
#: At most this many dataChanged ranges per batch of updated rows.
MAX_CHANGED_RANGES: Final = 16
_NCOLS: Final = len(Column)
_PLIST: Final = "QList<QPersistentModelIndex>"  # PySide needs the C++ name to pick the overload
#: data() reads the mapping through plain lists of this many proxy rows (1 << _CHUNK_BITS), made
#: on first use after a change: a paint touches one or two, not a million rows' list
_CHUNK_BITS: Final = 10
_CHUNK_MASK: Final = (1 << _CHUNK_BITS) - 1


def _groups(positions: np.ndarray) -> list[tuple[int, int, int]]:
    """(position, start, stop) for runs of equal values in a non-decreasing array."""
    if len(positions) == 0:
        return []
    cuts = np.flatnonzero(np.diff(positions)) + 1
    starts = np.concatenate(([0], cuts))
    stops = np.concatenate((cuts, [len(positions)]))
    return [(int(positions[a]), int(a), int(b)) for a, b in zip(starts, stops, strict=True)]


def _runs_desc(prows: np.ndarray) -> list[tuple[int, int]]:
    """Inclusive (first, last) runs of consecutive proxy rows, highest first."""
    if len(prows) == 0:
        return []
    s = np.sort(prows)
    cuts = np.flatnonzero(np.diff(s) != 1) + 1
    starts = np.concatenate(([0], cuts))
    stops = np.concatenate((cuts, [len(s)])) - 1
    return [(int(s[a]), int(s[b])) for a, b in zip(starts[::-1], stops[::-1], strict=True)]


def _concat_keys(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    if a.dtype == object or b.dtype == object:
        return np.concatenate((a.astype(object), b.astype(object)))
    if a.dtype.kind == "S" and b.dtype.kind == "S" and a.dtype != b.dtype:
        width = max(a.dtype.itemsize, b.dtype.itemsize)
        return np.concatenate((a.astype(f"S{width}"), b.astype(f"S{width}")))
    return np.concatenate((a, b))


class JobsProxyModel(QAbstractProxyModel):
    """Sorted, filtered view of a JobsTableModel.

    Signals:
        filterChanged(object): the FilterResult now applied (after ``set_filter_text``).
        orderRepaired(int): a throttled re-sort moved this many dirty rows into place.
    """

    filterChanged = Signal(object)
    orderRepaired = Signal(int)

    def __init__(self, source: JobsTableModel, parent: QObject | None = None,
                 resort_interval_ms: int = 500) -> None:
        super().__init__(parent)
        if not isinstance(source, JobsTableModel):
            raise TypeError("JobsProxyModel needs a JobsTableModel source")
        self._src = source
        self._cell = source.cell_data
        self._handlers = source.role_handlers()
        # _order as plain lists of rows, by chunk (see _CHUNK_BITS), made by data() after a change
        self._ochunks: dict[int, list[int]] = {}
        self._view: QTableView | None = None  # the view whose shown rows get exact dataChanged runs
        self._filter = job_filter.parse("")
        self._chips: frozenset[int] = frozenset()
        self._pred: job_filter.Mask | None = None
        self._sort_col = -1
        self._sort_order = Qt.SortOrder.AscendingOrder
        self._keys: np.ndarray | None = None
        self._frozen = False
        self._order = np.zeros(0, np.int64)
        self._inv_arr: np.ndarray | None = np.zeros(0, np.int64)  # see _inv
        self._accept = np.zeros(0, bool)
        self._dirty = np.zeros(0, bool)
        # Every source row in display order (filter or not), or None when unknown: a keystroke
        # that lets rows back in (backspace, clearing the box) picks them from it with one mask
        # instead of sorting them again (a million text keys: ~0.4 s of argsort).
        self._full: np.ndarray | None = None
        # The accept masks of the last few filters (terms + chips), while no row has changed
        # since: a backspace to one of them ("etl" -> "et") takes it instead of searching again.
        self._recent: OrderedDict[tuple[object, ...], np.ndarray] = OrderedDict()
        self._resort_timer = QTimer(self)
        self._resort_timer.setSingleShot(True)
        self._resort_timer.setInterval(resort_interval_ms)
        self._resort_timer.timeout.connect(self.resort_now)
        super().setSourceModel(source)
        self._connect_source()
        self._rebuild_all()

    def _connect_source(self) -> None:
        s = self._src
        s.modelAboutToBeReset.connect(self.beginResetModel)
        s.modelReset.connect(self._on_reset)
        s.rowsInserted.connect(self._on_rows_inserted)
        s.rowsAboutToBeRemoved.connect(self._on_rows_about_to_be_removed)
        s.rowsRemoved.connect(self._on_rows_removed)
        s.rowsUpdated.connect(self._on_rows_updated)
        s.dataChanged.connect(self._on_data_changed)
        s.layoutChanged.connect(self._on_reset_unexpected)
        s.headerDataChanged.connect(self.headerDataChanged)

    def setSourceModel(self, source: QAbstractItemModel) -> None:  # noqa: N802 - Qt API
        raise RuntimeError("JobsProxyModel is bound to its JobsTableModel for life")

    # ---- Qt model interface -------------------------------------------------------------------

    def index(self, row: int, column: int, parent: _Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if row < 0 or column < 0 or row >= len(self._order) or column >= _NCOLS or parent.isValid():
            return QModelIndex()
        return self.createIndex(row, column)

    def parent(self, child: _Index | None = None) -> Any:
        if child is None:  # QObject.parent()
            return QObject.parent(self)
        return QModelIndex()

    def sibling(self, row: int, column: int, idx: _Index) -> QModelIndex:
        return self.index(row, column)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._order)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._src.columnCount()

    def hasChildren(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and len(self._order) > 0

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # The hottest Python in the app: a view asks ~7 roles of every painted cell on every
        # frame (~3,000 calls a paint). So: roles nobody serves return before anything else,
        # the row goes through a plain list (numpy scalar indexing costs several times more),
        # and the role's handler is called directly instead of through the source's data().
        handler = self._handlers.get(role)
        if handler is None:
            return None
        r = index.row()
        if r < 0:
            return None
        chunk = self._ochunks.get(r >> _CHUNK_BITS)
        if chunk is None:
            k = r >> _CHUNK_BITS
            chunk = self._ochunks[k] = self._order[k << _CHUNK_BITS: (k + 1) << _CHUNK_BITS].tolist()
        return handler(chunk[r & _CHUNK_MASK], index.column())

    def flags(self, index: _Index) -> Qt.ItemFlag:
        return _ITEM_FLAGS if index.row() >= 0 else Qt.ItemFlag.NoItemFlags

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            return self._src.headerData(section, orientation, role)
        if role == Qt.ItemDataRole.DisplayRole:
            return section + 1
        if role == Qt.ItemDataRole.AccessibleTextRole and 0 <= section < self.rowCount():
            return self.data(self.index(section, Column.NAME))  # a screen reader's row header: the job
        return None

    def mapToSource(self, proxy_index: _Index) -> QModelIndex:  # noqa: N802
        if not proxy_index.isValid():
            return QModelIndex()
        return self._src.index(int(self._order[proxy_index.row()]), proxy_index.column())

    def mapFromSource(self, source_index: _Index) -> QModelIndex:  # noqa: N802
        if not source_index.isValid():
            return QModelIndex()
        r = source_index.row()
        p = int(self._inv[r]) if r < len(self._inv) else -1
        return self.createIndex(p, source_index.column()) if p >= 0 else QModelIndex()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Full sort (header click): one argsort, one layout change; clears dirty rows."""
        self._src.yield_to_input()
        self._sort_col = column if 0 <= column < self.columnCount() else -1
        self._sort_order = Qt.SortOrder(order)
        self._keys = self._compute_keys(self._all_rows()) if self._sort_col >= 0 else None
        self._dirty[:] = False
        self._resort_timer.stop()
        if self._accept.all():
            new_order = self._full = self._sorted(self._all_rows())
        else:  # every row sorted once: later filters pick from it (see ``_full``)
            self._full = self._sorted(self._all_rows())
            new_order = self._full[self._accept[self._full]]
        self._apply_order(new_order, _Hint.VerticalSortHint)

    # ---- public API ---------------------------------------------------------------------------

    def sortColumn(self) -> int:  # noqa: N802 - mirrors QSortFilterProxyModel
        return self._sort_col

    def sortOrder(self) -> Qt.SortOrder:  # noqa: N802
        return self._sort_order

    def source(self) -> JobsTableModel:
        return self._src

    def set_filter_text(self, text: str) -> job_filter.FilterResult:
        """Parse and apply filter text.  On errors the previous filter stays in force (no flicker
        while typing ``name~foo(``) and the result carries the errors for the filter box."""
        result = job_filter.parse(text)
        if result.ok:
            self.set_filter(result)
        return result

    def set_filter(self, result: job_filter.FilterResult) -> None:
        """Apply an already parsed filter."""
        self._src.yield_to_input()
        narrower = job_filter.narrows(self._filter, result)
        self._filter = result
        self._refilter(narrower)
        self.filterChanged.emit(result)

    def filter(self) -> job_filter.FilterResult:
        return self._filter

    def set_state_chips(self, states: Iterable[str]) -> None:
        """Show only these states (names without prefix, any case); empty shows all."""
        chips = frozenset(R.STATE_BY_NAME[s.upper()] for s in states)
        if chips != self._chips:
            self._chips = chips
            self._refilter()

    def state_chips(self) -> set[str]:
        return {R.state_name(s) for s in self._chips}

    def set_order_frozen(self, frozen: bool) -> None:
        """Stop (or resume) moving rows whose sort key changed; resuming re-sorts once."""
        self._frozen = frozen
        if frozen:
            self._resort_timer.stop()
        elif self._dirty.any():
            self._resort_timer.start()

    def has_pending_order(self) -> bool:
        """True when some rows sit out of order, waiting for the throttled re-sort."""
        return bool(self._dirty.any())

    def source_row(self, proxy_row: int) -> int:
        return int(self._order[proxy_row])

    def job_id_at(self, proxy_row: int) -> str:
        return self._src.job_id(int(self._order[proxy_row]))

    def row_of(self, job_id: str) -> int | None:
        """Proxy row of a job, or None when unknown or filtered out."""
        r = self._src.row_of(job_id)
        if r is None:
            return None
        p = int(self._inv[r])
        return p if p >= 0 else None

    def resort_now(self) -> int:
        """Move dirty rows (key changed since placed) into sorted position; returns how many."""
        self._resort_timer.stop()
        if self._keys is None or not self._dirty.any():
            self._dirty[:] = False
            return 0
        dirty = self._dirty
        self._dirty = np.zeros(len(dirty), bool)
        in_proxy = dirty[self._order]
        moving = self._order[in_proxy]
        if len(moving) == 0:
            return 0
        new_order = self._merge(self._order[~in_proxy], moving)
        if not np.array_equal(new_order, self._order):
            self._apply_order(new_order, _Hint.VerticalSortHint)
        self._note_full()
        self.orderRepaired.emit(len(moving))
        return len(moving)

    # ---- internals: computing -----------------------------------------------------------------

    def _all_rows(self) -> np.ndarray:
        return np.arange(self._src.rowCount(), dtype=np.int64)

    def _make_pred(self) -> job_filter.Mask | None:
        f = None if self._filter.matches_all else self._filter.mask
        if not self._chips:
            return f
        chips = np.fromiter(self._chips, np.int64)

        def in_chips(cols: Any, rows: np.ndarray) -> np.ndarray:
            return np.isin(cols.num("state")[rows], chips)

        if f is None:
            return in_chips
        g = f
        return lambda cols, rows: in_chips(cols, rows) & g(cols, rows)

    def _compute_accept(self, rows: np.ndarray) -> np.ndarray:
        pred = self._pred
        if pred is None:
            return np.ones(len(rows), bool)
        return np.asarray(pred(self._src.columns(), rows), dtype=bool)

    def _compute_keys(self, rows: np.ndarray) -> np.ndarray:
        return column_keys(self._src.columns(), self._sort_col, rows)

    def _sorted(self, src_rows: np.ndarray) -> np.ndarray:
        """``src_rows`` in display order (stable; ties keep source order in both directions)."""
        if self._keys is None:
            return np.sort(src_rows)
        desc = self._sort_order == Qt.SortOrder.DescendingOrder
        keys = self._keys[src_rows]
        if desc:
            m = len(keys)
            idx = (m - 1 - np.argsort(keys[::-1], kind="stable"))[::-1]
        else:
            idx = np.argsort(keys, kind="stable")
        return src_rows[idx]

    def _positions(self, placed: np.ndarray, new_sorted: np.ndarray) -> np.ndarray:
        """Insertion positions in ``placed`` (display order) for ``new_sorted`` (display order).

        Dirty rows in ``placed`` (key changed, waiting for the throttled re-sort) sit out of
        order, and a binary search over them can land anywhere: a row inserted then stayed
        misplaced after the re-sort, which moves only dirty rows.  So the search runs over the
        clean rows only, and a new row goes right before the first clean row after it."""
        if self._keys is None:
            return np.searchsorted(placed, new_sorted)
        dirty = self._dirty[placed]
        if dirty.any():
            clean_at = np.flatnonzero(~dirty)
            ext = np.append(clean_at, len(placed))
            return np.asarray(ext[self._positions_among_clean(placed[clean_at], new_sorted)])
        return self._positions_among_clean(placed, new_sorted)

    def _positions_among_clean(self, placed: np.ndarray, new_sorted: np.ndarray) -> np.ndarray:
        assert self._keys is not None
        kp = self._keys[placed]
        kn = self._keys[new_sorted]
        if self._sort_order == Qt.SortOrder.DescendingOrder:
            return np.asarray(len(kp) - np.searchsorted(kp[::-1], kn, side="left"))
        return np.asarray(np.searchsorted(kp, kn, side="right"))

    def _merge(self, placed: np.ndarray, add: np.ndarray) -> np.ndarray:
        """Insert source rows ``add`` into the already ordered ``placed``."""
        if len(add) == 0:
            return placed
        add_sorted = self._sorted(add)
        return np.insert(placed, self._positions(placed, add_sorted), add_sorted)

    @property
    def _inv(self) -> np.ndarray:
        """Source row -> proxy row or -1, rebuilt on first use after the mapping changed: a
        keystroke that changes the mapping of a million rows need not pay for it (~9 ms) when
        nothing asks before the next one."""
        inv = self._inv_arr
        if inv is None:
            inv = np.full(len(self._accept), -1, np.int64)
            inv[self._order] = np.arange(len(self._order), dtype=np.int64)
            self._inv_arr = inv
        return inv

    @_inv.setter
    def _inv(self, inv: np.ndarray) -> None:
        self._inv_arr = inv

    def _rebuild_inv(self) -> None:
        """The mapping (``_order``) changed: its inverse and data()'s lists are made again when read."""
        self._inv_arr = None
        self._ochunks = {}

    def _filter_key(self) -> tuple[object, ...]:
        terms = tuple((t.key, t.op, t.value, t.negated) for t in self._filter.terms)
        return terms, self._chips

    def _rebuild_all(self) -> None:
        self._recent.clear()
        rows = self._all_rows()
        self._pred = self._make_pred()
        self._accept = self._compute_accept(rows)
        self._dirty = np.zeros(len(rows), bool)
        self._keys = self._compute_keys(rows) if self._sort_col >= 0 else None
        self._order = self._sorted(np.flatnonzero(self._accept))
        self._full = self._order if len(self._order) == len(rows) else None
        self._rebuild_inv()

    def full_order(self) -> np.ndarray | None:
        """Every source row in display order when known (read-only; for tests and benchmarks)."""
        self._note_full()
        return self._full

    def _note_full(self) -> None:
        """Remember the order as the full order when it shows every row, all in place."""
        if self._full is None and len(self._order) == len(self._accept) and not self._dirty.any():
            self._full = self._order

    def _refilter(self, narrower: bool = False) -> None:
        """Apply the filter and chips; ``narrower``: the new filter lets in no row that the
        previous one kept out (one more letter typed), so only the rows shown are tested."""
        self._pred = self._make_pred()
        self._note_full()
        key = self._filter_key()
        kept = self._recent.get(key)
        if kept is not None and len(kept) == len(self._accept):
            self._recent.move_to_end(key)
            new_acc = kept.copy()
        elif narrower and 2 * int(np.count_nonzero(self._accept)) < len(self._accept):
            # (most rows shown: every row at once, read in place, is cheaper than gathering them)
            shown = np.flatnonzero(self._accept)
            new_acc = np.zeros(len(self._accept), bool)
            new_acc[shown] = self._compute_accept(shown)
        else:
            new_acc = self._compute_accept(self._all_rows())
        if kept is None and not (self._filter.matches_all and not self._chips):
            self._recent[key] = new_acc.copy()
            while len(self._recent) > RECENT_FILTERS:
                self._recent.popitem(last=False)
        full = self._full
        if full is not None and not self._dirty.any():
            # every row's place is known: the new order is the rows that pass, in that order
            new_order = full if new_acc.all() else full[new_acc[full]]
        else:
            entering = np.flatnonzero(new_acc & ~self._accept)
            keep = self._order[new_acc[self._order]]
            new_order = self._merge(keep, entering)
        self._accept = new_acc
        self._dirty &= new_acc
        if not np.array_equal(new_order, self._order):
            self._apply_order(new_order, _Hint.NoLayoutChangeHint)

    # ---- internals: emitting ------------------------------------------------------------------

    def _apply_order(self, new_order: np.ndarray, hint: _Hint) -> None:
        """Swap in a new mapping as one layout change, remapping persistent indexes by job."""
        # PySide6's stubs lack SignalInstance.__getitem__ (picking one overload of a signal)
        self.layoutAboutToBeChanged[_PLIST, _Hint].emit([], hint)  # type: ignore[index]
        old_order = self._order
        persistent = self.persistentIndexList()
        self._order = np.ascontiguousarray(new_order, dtype=np.int64)
        self._rebuild_inv()
        if persistent:
            # the new rows of the persistent indexes' jobs, found without the whole inverse
            # (a current index is nearly always there: the inverse would be built every keystroke)
            olds = np.fromiter((p.row() for p in persistent), np.int64, len(persistent))
            srcs = np.where((olds >= 0) & (olds < len(old_order)), old_order[olds.clip(0, max(0, len(old_order) - 1))]
                            if len(old_order) else -1, -1)
            mark = np.zeros(len(self._accept), bool)
            mark[srcs[srcs >= 0]] = True
            at = np.flatnonzero(mark[self._order])
            where = dict(zip(self._order[at].tolist(), at.tolist(), strict=True))
            moved = []
            for p, src in zip(persistent, srcs.tolist(), strict=True):
                nr = where.get(src, -1) if src >= 0 else -1
                moved.append(self.createIndex(nr, p.column()) if nr >= 0 else QModelIndex())
            self.changePersistentIndexList(persistent, moved)
        self.layoutChanged[_PLIST, _Hint].emit([], hint)  # type: ignore[index]  # as above

    def _insert_proxy(self, add: np.ndarray) -> None:
        """Show source rows ``add`` (not yet in the proxy) at their places."""
        add_sorted = self._sorted(add)
        positions = self._positions(self._order, add_sorted)
        if len(positions) > 1 and np.count_nonzero(np.diff(positions)) >= MAX_ROW_SIGNAL_GROUPS:
            # counted before listing them: a page of a listing scatters over ~every place
            self._apply_order(np.insert(self._order, positions, add_sorted), _Hint.NoLayoutChangeHint)
            return
        groups = _groups(positions)
        for pos, a, b in reversed(groups):
            self.beginInsertRows(QModelIndex(), pos, pos + (b - a) - 1)
            self._order = np.insert(self._order, pos, add_sorted[a:b])
            self._rebuild_inv()
            self.endInsertRows()

    def _remove_proxy(self, prows: np.ndarray) -> None:
        """Hide these proxy rows."""
        runs = _runs_desc(prows)
        if len(runs) > MAX_ROW_SIGNAL_GROUPS:
            keep = np.ones(len(self._order), bool)
            keep[prows] = False
            self._apply_order(self._order[keep], _Hint.NoLayoutChangeHint)
            return
        for lo, hi in runs:
            self.beginRemoveRows(QModelIndex(), lo, hi)
            self._order = np.delete(self._order, slice(lo, hi + 1))
            self._rebuild_inv()
            self.endRemoveRows()

    # ---- source signal handlers ---------------------------------------------------------------

    def _on_reset(self) -> None:
        self._rebuild_all()
        self.endResetModel()

    def _on_reset_unexpected(self, *args: Any) -> None:
        # JobsTableModel never reorders its rows; if something does, start over cleanly.
        self.beginResetModel()
        self._rebuild_all()
        self.endResetModel()

    def _on_rows_inserted(self, parent: QModelIndex, first: int, last: int) -> None:
        if first != len(self._accept):  # not an append: JobsTableModel never does this
            self._on_reset_unexpected()
            return
        self._recent.clear()
        new = np.arange(first, last + 1, dtype=np.int64)
        acc = self._compute_accept(new)
        n = len(new)
        self._accept = np.concatenate((self._accept, acc))
        self._dirty = np.concatenate((self._dirty, np.zeros(n, bool)))
        if self._inv_arr is not None:
            self._inv_arr = np.concatenate((self._inv_arr, np.full(n, -1, np.int64)))
        if self._keys is not None:
            self._keys = _concat_keys(self._keys, self._compute_keys(new))
        full = self._full
        if full is self._order or self._dirty.any():
            self._full = None  # the order is the full one (updated below), or not known
        elif full is not None:
            self._full = self._merge(full, new)
        add = first + np.flatnonzero(acc)
        if len(add):
            self._insert_proxy(add)
        self._note_full()

    def _on_rows_about_to_be_removed(self, parent: QModelIndex, first: int, last: int) -> None:
        prows = self._inv[first: last + 1]
        prows = prows[prows >= 0]
        if len(prows):
            self._remove_proxy(prows)

    def _on_rows_removed(self, parent: QModelIndex, first: int, last: int) -> None:
        self._recent.clear()
        gone = slice(first, last + 1)
        count = last - first + 1
        self._accept = np.delete(self._accept, gone)
        self._dirty = np.delete(self._dirty, gone)
        if self._keys is not None:
            self._keys = np.delete(self._keys, gone)
        self._order = np.where(self._order > last, self._order - count, self._order)
        if self._full is not None:
            full = self._full[(self._full < first) | (self._full > last)]
            self._full = np.where(full > last, full - count, full)
        self._rebuild_inv()

    def _on_rows_updated(self, rows: list[int]) -> None:
        self._recent.clear()
        arr = np.asarray(rows, dtype=np.int64)
        leaving = entering = arr[:0]
        if self._pred is not None:
            acc_new = self._compute_accept(arr)
            acc_old = self._accept[arr]
            leaving = arr[acc_old & ~acc_new]
            entering = arr[acc_new & ~acc_old]
            self._accept[arr] = acc_new
        if self._keys is not None:
            new_keys = self._compute_keys(arr)
            if new_keys.dtype == object and self._keys.dtype != object:
                self._keys = self._keys.astype(object)  # a cut text value's full key (job_keys)
            elif new_keys.dtype.kind == "S" and self._keys.dtype.kind == "S" and \
                    new_keys.dtype.itemsize > self._keys.dtype.itemsize:
                self._keys = self._keys.astype(new_keys.dtype)
            changed = np.asarray(self._keys[arr] != new_keys, dtype=bool)
            self._keys[arr] = new_keys
            if changed.any():
                self._full = None  # rows out of place: known again once they are re-sorted
            # Only rows that stay visible need moving later; entering ones are placed below.
            stay = changed & self._accept[arr]
            if len(entering):
                stay &= ~np.isin(arr, entering)
            self._dirty[arr[stay]] = True
            changed = stay
            if changed.any() and not self._frozen and not self._resort_timer.isActive():
                self._resort_timer.start()
        if len(leaving):
            self._remove_proxy(self._inv[leaving])
        if len(entering):
            self._insert_proxy(entering)
        self._emit_rows_changed(arr)

    def _emit_rows_changed(self, src_rows: np.ndarray) -> None:
        """Exact dataChanged for the proxy rows of updated source rows, in contiguous runs.

        The source's merged ranges map to one proxy range spanning most of the table, which
        makes a view repaint its whole viewport on every frame (measured: ~17 ms of painting per
        flush at 20k updates/s). Exact runs let it repaint only changed rows that are on screen,
        but a storm scatters hundreds of runs a frame and each emission is a Python→C++→view
        round trip (~600 a flush).  So: with a followed view (``follow_view``), exact runs for
        the rows it shows and nothing for the rows it does not show (it reads them when they
        scroll in).  Not one range on each side: a QTableView repaints its whole viewport for
        any range of more than ~200 cells, wherever it is (Qt 6.11, measured), so in a storm
        the side ranges made every frame a full repaint.  Without a followed view, at most
        MAX_CHANGED_RANGES ranges split at the largest gaps."""
        prows = self._inv[src_rows]
        prows = np.unique(prows[prows >= 0])
        if len(prows) == 0:
            return
        last = _NCOLS - 1
        shown = self._shown_rows()
        if shown is not None:
            first, final = shown
            inside = prows[(prows >= first) & (prows <= final)]
            for run in np.split(inside, np.flatnonzero(np.diff(inside) != 1) + 1) if len(inside) else []:
                self.dataChanged.emit(self.createIndex(int(run[0]), 0), self.createIndex(int(run[-1]), last), [])
            return
        for lo, hi in merge_ranges(prows.tolist(), MAX_CHANGED_RANGES):
            self.dataChanged.emit(self.createIndex(lo, 0), self.createIndex(hi, last), [])

    def _shown_rows(self) -> tuple[int, int] | None:
        """(first, last) proxy rows the followed view shows, or None (no view, or not shown)."""
        view = self._view
        if view is None:
            return None
        if not shiboken6.isValid(view):
            self._view = None
            return None
        if not view.isVisible() or view.model() is not self:
            return None
        first = view.rowAt(0)
        if first < 0:
            return None
        final = view.rowAt(view.viewport().height() - 1)
        return first, (len(self._order) - 1 if final < 0 else final)

    def follow_view(self, view: QTableView | None) -> None:
        """Signal row updates precisely for the rows this view shows (see _emit_rows_changed)."""
        self._view = view

    def _on_data_changed(self, top_left: QModelIndex, bottom_right: QModelIndex,
                         roles: list[int] | None = None) -> None:
        if not roles:
            return  # row updates (no roles) were already signalled exactly by _on_rows_updated
        p = self._inv[top_left.row(): bottom_right.row() + 1]
        p = p[p >= 0]
        if len(p) == 0:
            return
        lo, hi = int(p.min()), int(p.max())
        self.dataChanged.emit(self.createIndex(lo, top_left.column()),
                              self.createIndex(hi, bottom_right.column()), roles or [])
