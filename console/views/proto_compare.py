"""Compare two protobuf messages: a diff tree (added / removed / changed, coloured) over two hex panes.

Selecting a difference highlights its bytes on both sides (tag and length prefix in one tint, the
value in another) and scrolls both panes there; every byte range of the byte diff is tinted too
(green added on the right, red removed on the left, yellow changed on both). Previous / Next (and
F7 / Shift+F7) step through the differences in tree order. Two streams are compared record by
record (``compare_bytes(..., framing="varint")``): differences are grouped under ``record[k]``
and each side's record is named in the tooltip.

The comparison (pelorus.protobuf.compare) runs in a worker thread via ``asyncio.to_thread`` on the
qasync loop, with a progress bar and Cancel (a threading.Event the core checks every few
thousand fields). The tree shows at most :data:`MAX_ROWS` differences; the CLI
(``python main.py proto diff``) lists them all.

Mounting: ``ProtoCompare(registry=...)`` is a plain widget; :class:`ProtoCompareWindow` wraps it
in a top-level window (what the editor's "Compare with…" opens).
"""

from __future__ import annotations

import asyncio
import bisect
import gc
import threading
from collections.abc import Coroutine
from typing import Any, Final

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QBrush, QCloseEvent, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QTreeWidgetItemIterator,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from console.i18n import QT_TRANSLATE_NOOP, core_text, error_text
from console.models import palette
from console.models.hex_model import HexModel
from console.tasks import WidgetTasks
from console.views.busy_row import BusyRow
from console.views.core_label import CoreLabel
from console.views.proto_hex import HexView
from pelorus.protobuf.compare import ADDED, CHANGED, REMOVED, CompareCancelled, Comparison, Difference, compare
from pelorus.protobuf.readings import Pins
from pelorus.protobuf.schema import SchemaError, SchemaRegistry
from pelorus.protobuf.wire import Buffer

MAX_ROWS: Final = 2000
KIND_BG: Final[dict[str, QColor]] = {ADDED: palette.role("diff_added_bg"), REMOVED: palette.role("diff_removed_bg"),
                                     CHANGED: palette.role("diff_changed_bg")}
ENCODING_BG: Final = palette.role("diff_encoding_bg")
SIGN: Final[dict[str, str]] = {
    ADDED: QT_TRANSLATE_NOOP("ProtoCompare", "+ added"),
    REMOVED: QT_TRANSLATE_NOOP("ProtoCompare", "− removed"),
    CHANGED: QT_TRANSLATE_NOOP("ProtoCompare", "~ changed"),
}
DIFF_BG: Final[dict[str, QColor]] = {"added": palette.role("diff_added_mark"),
                                     "removed": palette.role("diff_removed_mark"),
                                     "changed": palette.role("diff_changed_mark")}
SELECTED_BG: Final[dict[str, QColor]] = {"tag": palette.role("selected_key_mark"),
                                         "length": palette.role("selected_key_mark"),
                                         "value": palette.role("selected_value_mark")}
"""The selected difference: blues, so it never looks like a diff tint (the editor's tag colour is yellow)."""
DiffRole: Final = int(Qt.ItemDataRole.UserRole) + 1


class DiffHexModel(HexModel):
    """HexModel that also tints every byte-diff range; the selected difference's highlight wins."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._starts: list[int] = []
        self._ranges: list[tuple[int, int, str]] = []

    def set_diff_ranges(self, ranges: list[tuple[int, int, str]]) -> None:
        """``(start, end, "added" | "removed" | "changed")``; looked up by bisection when painting."""
        self._ranges = sorted((s, e, k) for s, e, k in ranges if e > s)
        self._starts = [r[0] for r in self._ranges]
        if self.rowCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1),
                                  [Qt.ItemDataRole.BackgroundRole])

    def diff_at(self, offset: int) -> str | None:
        i = bisect.bisect_right(self._starts, offset) - 1
        # ranges may nest (an enclosing length prefix next to a changed value); look back a little
        for j in range(i, max(-1, i - 8), -1):
            s, e, k = self._ranges[j]
            if s <= offset < e:
                return k
        return None

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.BackgroundRole and index.isValid():
            w = self.bytes_per_row
            off = index.row() * w + index.column() % w
            part = self.part_at(off)
            if part in SELECTED_BG:
                return SELECTED_BG[part]
            if part is None:
                kind = self.diff_at(off)
                if kind is not None:
                    return DIFF_BG[kind]
        return super().data(index, role)


def _hex_view() -> HexView:
    view = HexView()
    header = view.horizontalHeader()
    sizes = [header.sectionSize(c) for c in range(header.count())]
    view.hex_model = DiffHexModel(view)  # HexView's click handler reads view.hex_model: it follows
    view.setModel(view.hex_model)
    for c, size in enumerate(sizes):  # a new model resets the sections; keep HexView's widths
        header.resizeSection(c, size)
    return view


def split_path(path: str) -> list[str]:
    """``a.b[0].labels["x.y"].c`` → ``["a", "b[0]", 'labels["x.y"]', "c"]`` (dots inside [...] kept)."""
    parts: list[str] = []
    cur: list[str] = []
    depth = 0
    quoted = False
    prev = ""
    for ch in path:
        if quoted:
            cur.append(ch)
            if ch == '"' and prev != "\\":
                quoted = False
        elif ch == '"':
            quoted = True
            cur.append(ch)
        elif ch == "[":
            depth += 1
            cur.append(ch)
        elif ch == "]":
            depth -= 1
            cur.append(ch)
        elif ch == "." and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
        prev = ch
    parts.append("".join(cur))
    return parts


class ProtoCompare(QWidget):
    """The diff tree and the two hex panes; ``compare_bytes`` fills them."""

    def __init__(self, parent: QWidget | None = None, registry: SchemaRegistry | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ProtoCompare")
        self.registry = registry or SchemaRegistry()
        self.result: Comparison | None = None
        self.left: Buffer = b""
        self.right: Buffer = b""
        self.leaves: list[QTreeWidgetItem] = []
        self._cancel: threading.Event | None = None
        self._tasks = WidgetTasks("protobuf compare", widget=self)
        self._build()

    # -- construction ---------------------------------------------------------------------------

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 6, 6, 6)
        outer.setSpacing(4)
        bar = QHBoxLayout()
        self.summary = QLabel(self.tr("Nothing compared yet."))
        self.summary.setObjectName("compareSummary")
        self.prev_button = QPushButton(self.tr("◀ Previous"))
        self.next_button = QPushButton(self.tr("Next ▶"))
        self.prev_button.setToolTip(self.tr("Previous difference (Shift+F7)"))
        self.next_button.setToolTip(self.tr("Next difference (F7)"))
        self.position = QLabel()
        bar.addWidget(self.summary, 1)
        bar.addWidget(self.position)
        bar.addWidget(self.prev_button)
        bar.addWidget(self.next_button)
        outer.addLayout(bar)

        self.busy_row = BusyRow()
        self.busy_label, self.progress, self.cancel_button = (
            self.busy_row.label, self.busy_row.progress, self.busy_row.cancel_button)
        outer.addWidget(self.busy_row)

        self.tree = QTreeWidget()
        self.tree.setAccessibleName(self.tr("Differences"))
        self.tree.setObjectName("compareTree")
        self.tree.setColumnCount(6)
        self.tree.setHeaderLabels(
            [
                self.tr("Field"),
                self.tr("Change"),
                self.tr("Left"),
                self.tr("Right"),
                self.tr("Left bytes"),
                self.tr("Right bytes"),
            ]
        )
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        hdr = self.tree.header()
        hdr.setStretchLastSection(False)
        for col, width in ((0, 260), (1, 90), (4, 96), (5, 96)):
            hdr.resizeSection(col, width)
        hdr.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        hdr.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)

        self.left_label = QLabel(self.tr("Left"))
        self.right_label = QLabel(self.tr("Right"))
        for lab in (self.left_label, self.right_label):
            lab.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.left_hex = _hex_view()
        self.right_hex = _hex_view()
        self.left_hex.setAccessibleName(self.tr("Left bytes"))
        self.right_hex.setAccessibleName(self.tr("Right bytes"))
        self.left_hex.setObjectName("compareLeftHex")
        self.right_hex.setObjectName("compareRightHex")
        panes = QSplitter(Qt.Orientation.Horizontal)
        for lab, view in ((self.left_label, self.left_hex), (self.right_label, self.right_hex)):
            box = QWidget()
            lay = QVBoxLayout(box)
            lay.setContentsMargins(0, 0, 0, 0)
            lay.setSpacing(2)
            lay.addWidget(lab)
            lay.addWidget(view, 1)
            panes.addWidget(box)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.tree)
        self.splitter.addWidget(panes)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        outer.addWidget(self.splitter, 1)
        self.status = CoreLabel()  # the core's sentences (a difference), translated
        self.status.setObjectName("compareStatus")
        self.status.setWordWrap(True)
        outer.addWidget(self.status)
        self._wire()
        self._update_actions()

    def _wire(self) -> None:
        self.prev_button.clicked.connect(self.previous_difference)
        self.next_button.clicked.connect(self.next_difference)
        self.cancel_button.clicked.connect(self.cancel)
        self.tree.currentItemChanged.connect(self._current_changed)
        self.left_hex.byteClicked.connect(lambda off: self._byte_clicked(off, left=True))
        self.right_hex.byteClicked.connect(lambda off: self._byte_clicked(off, left=False))
        ctx = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for seq, slot in ((QKeySequence("F7"), self.next_difference), (QKeySequence("Shift+F7"),
                                                                        self.previous_difference)):
            sc = QShortcut(seq, self)
            sc.setContext(ctx)
            sc.activated.connect(slot)
        palette.notifier().changed.connect(self._recolour_items)

    def _recolour_items(self, _theme: str = "") -> None:
        """Items keep copies of their brushes: a theme switch sets them again."""
        it = QTreeWidgetItemIterator(self.tree)
        while (item := it.value()) is not None:
            d = item.data(0, DiffRole)
            if isinstance(d, Difference):
                bg = QBrush(ENCODING_BG if d.encoding_only else KIND_BG[d.kind])
                for c in range(6):
                    item.setBackground(c, bg)
            else:
                item.setForeground(0, QBrush(palette.TEXT_SECONDARY))
            it += 1

    # -- public API -----------------------------------------------------------------------------

    async def compare_bytes(self, left: Buffer, right: Buffer, type_name: str | None = None,
                            left_name: str = "left", right_name: str = "right", pins: Pins | None = None,
                            framing: str = "single") -> bool:
        """Compare in a worker thread (Cancel stops it) and show the result. True when shown.

        ``framing`` "varint" / "grpc": two streams, compared record by record."""
        self.left, self.right = left, right
        self.left_label.setText(self.tr("Left: {0} ({1:,} bytes)").format(left_name, len(left)))
        self.right_label.setText(self.tr("Right: {0} ({1:,} bytes)").format(right_name, len(right)))
        cancel = threading.Event()
        self._cancel = cancel
        # The worker only writes a number; a timer owned by this widget shows it. Nothing queued from
        # the worker can then reach the bar after the window (and the bar) have been deleted.
        done_fraction = [0.0]
        poll = QTimer(self)
        poll.setInterval(50)
        poll.timeout.connect(lambda: self.busy_row.set_fraction(done_fraction[0]))
        poll.start()

        def progress(fraction: float) -> None:
            done_fraction[0] = fraction

        registry = self.registry  # the worker sees plain data only: no wrapper of a Qt object

        def work() -> tuple[Comparison, list[tuple[int, int, str]], list[tuple[int, int, str]]]:
            result = compare(left, right, registry, type_name, framing=framing, pins=pins, progress=progress,
                             cancel=cancel)
            for d in result.differences[:MAX_ROWS]:  # render the listed rows' texts here, not on the UI thread
                for side in (d.left, d.right):
                    if side is not None:
                        _ = side.value
            lmarks: list[tuple[int, int, str]] = []
            rmarks: list[tuple[int, int, str]] = []
            for op in result.byte_ops(cancel):
                if cancel.is_set():
                    raise CompareCancelled()
                kind = {"replace": "changed", "delete": "removed", "insert": "added"}[op.tag]
                if op.a1 > op.a0:
                    lmarks.append((op.a0, op.a1, kind))
                if op.b1 > op.b0:
                    rmarks.append((op.b0, op.b1, kind))
            return result, lmarks, rmarks

        what = (
            self.tr("Comparing {0} with {1}").format(left_name, right_name)
            + (self.tr(" as {0}").format(type_name) if type_name else "")
            + "…"
        )
        self.busy_row.begin(what, measured=True)
        try:
            result, lmarks, rmarks = await asyncio.to_thread(work)
        except (asyncio.CancelledError, CompareCancelled):
            if isValid(self):  # closing the window cancels the work and deletes the widgets
                self.status.setText(self.tr("The comparison was cancelled."))
            return False
        except (SchemaError, ValueError) as err:  # unknown type, unknown framing
            if isValid(self):
                self.status.setText(self.tr("Cannot compare: {0}").format(error_text(err)))
            return False
        finally:
            if isValid(self):
                poll.stop()
                poll.deleteLater()
                self.busy_row.hide()
                if self._cancel is cancel:
                    self._cancel = None
        if not isValid(self):
            return False
        self.left_hex.hex_model.set_data(left)
        self.right_hex.hex_model.set_data(right)
        assert isinstance(self.left_hex.hex_model, DiffHexModel) and isinstance(self.right_hex.hex_model,
                                                                                 DiffHexModel)
        self.left_hex.hex_model.set_diff_ranges(lmarks)
        self.right_hex.hex_model.set_diff_ranges(rmarks)
        self._show(result)
        return True

    def cancel(self) -> None:
        if self._cancel is not None:
            self._cancel.set()

    def close_tasks(self) -> None:
        self.cancel()
        self._tasks.cancel_all()

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Future[Any]:
        return self._tasks.start(coro)

    @property
    def current_difference(self) -> Difference | None:
        item = self.tree.currentItem()
        d = item.data(0, DiffRole) if item is not None else None
        return d if isinstance(d, Difference) else None

    def next_difference(self) -> None:
        self._step(+1)

    def previous_difference(self) -> None:
        self._step(-1)

    def select_difference(self, i: int) -> None:
        if 0 <= i < len(self.leaves):
            item = self.leaves[i]
            self.tree.setCurrentItem(item)
            self.tree.scrollToItem(item)

    # -- internals ------------------------------------------------------------------------------

    def _show(self, result: Comparison) -> None:
        self.result = result
        self.tree.clear()
        self.leaves = []
        groups: dict[tuple[str, ...], QTreeWidgetItem] = {}
        counts: dict[tuple[str, ...], int] = {}
        shown = result.differences[:MAX_ROWS]
        self.tree.setUpdatesEnabled(False)
        gc_was_enabled = gc.isenabled()
        gc.disable()  # rendering rows allocates; GC passes over a 100k-difference result cost seconds
        try:
            for d in shown:
                parts = split_path(d.path)
                parent: QTreeWidgetItem | None = None
                for depth in range(1, len(parts)):
                    key = tuple(parts[:depth])
                    counts[key] = counts.get(key, 0) + 1
                    item = groups.get(key)
                    if item is None:
                        item = QTreeWidgetItem([parts[depth - 1]])
                        item.setForeground(0, QBrush(palette.TEXT_SECONDARY))
                        if parent is None:
                            self.tree.addTopLevelItem(item)
                        else:
                            parent.addChild(item)
                        groups[key] = item
                    parent = item
                leaf = self._leaf(d, parts[-1])
                if parent is None:
                    self.tree.addTopLevelItem(leaf)
                else:
                    parent.addChild(leaf)
                self.leaves.append(leaf)
            for key, item in groups.items():
                item.setText(1, self.tr("{0} inside").format(counts[key]))
            self.tree.expandAll()
        finally:
            if gc_was_enabled:
                gc.enable()
            self.tree.setUpdatesEnabled(True)
        summary = core_text(result.summary())
        text = summary[:1].upper() + summary[1:]
        if result.type_name:
            text += self.tr(" · as {0}").format(result.type_name)
        else:
            text += self.tr(" · schemaless")
        self.summary.setText(text)
        notes = [
            self.tr("{0} is damaged at byte offset {1}: {2}").format(side, e.offset, core_text(e.reason))
            for side, e in result.errors
        ]
        if len(result.differences) > MAX_ROWS:
            notes.append(self.tr("the first {0:,} of {1:,} differences are listed; `python main.py proto diff A B` "
                                 "prints them all").format(MAX_ROWS, len(result.differences)))
        if result.truncated:
            notes.append(self.tr("the comparison stopped at its limit of differences"))
        self.status.setText(
            "; ".join(notes).capitalize()
            if notes
            else self.tr("{0:,} field(s) compared. Select a difference to see its bytes.").format(
                result.fields_compared
            )
        )
        self._update_actions()
        if self.leaves:
            self.select_difference(0)

    def _leaf(self, d: Difference, name: str) -> QTreeWidgetItem:
        def where(s: Any) -> str:
            return f"@{s.start} +{s.length}" if s is not None else ""

        item = QTreeWidgetItem([name, self.tr(SIGN[d.kind]) + (self.tr(" (encoding)") if d.encoding_only else ""),
                                d.left.value if d.left is not None else "",
                                d.right.value if d.right is not None else "", where(d.left), where(d.right)])
        bg = QBrush(ENCODING_BG if d.encoding_only else KIND_BG[d.kind])
        for c in range(6):
            item.setBackground(c, bg)
        tip = core_text(d.describe())
        for side, s in (("left", d.left), ("right", d.right)):
            if s is not None:
                rec = self.tr("record {0}, ").format(s.record) if s.record is not None else ""
                tip += self.tr("\n{0}: {1}{2}, field path {3}, bytes {4}…{5}").format(
                    side, rec, s.type, list(s.index_path), s.start, s.end - 1
                )
        item.setToolTip(0, tip)
        item.setData(0, DiffRole, d)
        return item

    def _step(self, delta: int) -> None:
        if not self.leaves:
            return
        cur = self.tree.currentItem()
        i = self.leaves.index(cur) if cur in self.leaves else (-1 if delta > 0 else len(self.leaves))
        self.select_difference(max(0, min(len(self.leaves) - 1, i + delta)))

    def _current_changed(self, current: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None) -> None:
        d = current.data(0, DiffRole) if current is not None else None
        if not isinstance(d, Difference):
            self.left_hex.hex_model.set_highlight([])
            self.right_hex.hex_model.set_highlight([])
            self._update_actions()
            return
        for view, side, other in ((self.left_hex, d.left, d.other_at), (self.right_hex, d.right, d.other_at)):
            if side is None:
                view.hex_model.set_highlight([])
                view.show_offset(min(other, max(0, view.hex_model.size() - 1)))
                continue
            view.hex_model.set_highlight([(side.start, side.value_start, "tag"),
                                          (side.value_start, side.value_end, "value"),
                                          (side.value_end, side.end, "tag")])
            view.show_offset(side.start)
        i = self.leaves.index(current) if current in self.leaves else -1
        self.position.setText(self.tr("{0} of {1}").format(i + 1, len(self.leaves)) if i >= 0 else "")
        self.status.setText(d.describe())
        self._update_actions()

    def _byte_clicked(self, offset: int, left: bool) -> None:
        """A click in a hex pane selects the innermost difference holding that byte on that side."""
        best: tuple[int, QTreeWidgetItem] | None = None
        for item in self.leaves:
            d = item.data(0, DiffRole)
            s = d.left if left else d.right
            if s is not None and s.start <= offset < s.end and (best is None or s.length < best[0]):
                best = (s.length, item)
        if best is not None:
            self.tree.setCurrentItem(best[1])

    def _update_actions(self) -> None:
        cur = self.tree.currentItem()
        i = self.leaves.index(cur) if cur in self.leaves else -1
        self.prev_button.setEnabled(bool(self.leaves) and i != 0)
        self.next_button.setEnabled(bool(self.leaves) and i != len(self.leaves) - 1)


class ProtoCompareWindow(QMainWindow):
    """A top-level window around ProtoCompare (opened by the editor's "Compare with…")."""

    def __init__(self, registry: SchemaRegistry | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = ProtoCompare(registry=registry)
        self.setCentralWidget(self.view)
        self.setWindowTitle(self.tr("Pelorus — compare"))
        self.resize(1280, 860)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.view.close_tasks()
        event.accept()


__all__ = ["DiffHexModel", "ProtoCompare", "ProtoCompareWindow", "split_path"]
