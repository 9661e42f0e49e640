"""PodsView: the pods table of one job, its per-pod actions and the selected pod's events.

One row per instance (its current run); an instance that ran more than once expands to show its
previous runs beneath it (loaded with GetPod when first expanded).  Stop / start / restart are the
pod actions of the action table (console/actions.py): they come from the context menu (or the
buttons above the table), are enabled by the table's rules for the pods' states, each confirmed
with a dialog that names the pods it hits and those it skips, and always act on the instance's
current run — also when a previous run's row is the one selected.  The view acts and reads through
the session and lets the Watch feed update the table (it never edits the model's pods itself).
Selecting a row loads its events (GetPodEvents; a previous run: that run's only) into the side list
and emits ``podSelected`` (the detail makes it the Logs tab's pod).

Signals:
    podSelected(str pod_name, int instance)
    runLogsRequested(str pod_name, int instance, str pod_id)   "show logs" on a previous run's row
    actionDone(str verb, str pod_name, str error)   error is "" on success
"""

from __future__ import annotations

import asyncio
from typing import Any

from PySide6.QtCore import (
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QSize,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QBrush
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from console import timefmt
from console.actions import ACTIONS, POD_ACTIONS, ConfirmRequest, Name, Options, PodFacts, name_list, why_not
from console.i18n import action_text, core_text, translate
from console.models import export_rows, palette
from console.models.palette import POD_STATE_COLORS
from console.models.pods_table import (
    HEADERS,
    FilterRole,
    PodColumn,
    PodsTableModel,
    SortRole,
    pod_state_name,
)
from console.tasks import WidgetTasks
from console.views import column_fit, export, sort_header
from console.views.dialogs import exec_async
from pelorus.api import pod_pb2

WIDTHS = {PodColumn.INSTANCE: 76, PodColumn.POD_ID: 120, PodColumn.RUN: 96, PodColumn.STATE: 92,
          PodColumn.HOST: 110, PodColumn.STARTED: 66, PodColumn.ENDED: 66, PodColumn.DURATION: 66,
          PodColumn.EXIT: 40, PodColumn.REASON: 200, PodColumn.PROGRESS: 120, PodColumn.CPU: 56,
          PodColumn.MEMORY: 70}
MAX_LISTED = 12
# The pod actions' short names: object names (pod_stop, podAction_stop) and the actionDone verb.
VERB: dict[Name, str] = {Name.POD_STOP: "stop", Name.POD_START: "start", Name.POD_RESTART: "restart"}
BY_VERB: dict[str, Name] = {v: k for k, v in VERB.items()}


class RoomyDelegate(QStyledItemDelegate):
    """Rows a few pixels taller than the text: dense rows of monospace-like ids are hard to follow."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        hint = super().sizeHint(option, index)
        return QSize(hint.width(), max(hint.height(), option.fontMetrics.height() + 8))


class PodsTable(QTreeView):
    """The table: a two-level tree (instances, their previous runs) that looks like a table.

    ``rowCount()`` is the number of instances shown and ``selectRow(row)`` selects one (kept for
    callers of the table it replaced)."""

    def rowCount(self) -> int:
        model = self.model()
        return model.rowCount() if model is not None else 0

    def horizontalHeader(self) -> QHeaderView:
        return self.header()

    def sortByColumn(self, column: int, order: Qt.SortOrder) -> None:
        """Sort as a header click does: the pods model sorts itself (the proxy never sorts)."""
        header = self.header()
        header.blockSignals(True)
        header.setSortIndicator(column, order)
        header.blockSignals(False)
        proxy = self.model()
        source = proxy.sourceModel() if isinstance(proxy, QSortFilterProxyModel) else proxy
        if source is not None:
            source.sort(column, order)

    def selectRow(self, row: int) -> None:
        model = self.model()
        index = model.index(row, 0) if model is not None else QModelIndex()
        if not index.isValid():
            return
        flags = (QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
                 | QItemSelectionModel.SelectionFlag.Current)
        self.selectionModel().setCurrentIndex(index, flags)
        self.scrollTo(index)




class PodsView(QWidget):
    podSelected = Signal(str, int)
    runLogsRequested = Signal(str, int, str)
    actionDone = Signal(str, str, str)

    def __init__(self, session: Any, model: PodsTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("podsView")
        self.session = session
        self.model = model
        self._tasks = WidgetTasks("pods view", show=self._show_task_error)
        self.confirm = True  # tests may turn the dialog off; the operator always sees it
        self.last_dialog: QMessageBox | None = None

        # A plain (C++) proxy: no Python call per row to filter. The filter matches instances; their
        # previous runs match with them (FilterRole carries the instance's text too).
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(model)
        self.proxy.setSortRole(SortRole)
        self.proxy.setFilterRole(FilterRole)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(0)  # FilterRole there holds every column: state, host, reason, pod id…
        # The proxy only filters (re-checking changed rows); the model sorts itself (header clicks go
        # there): a sorting proxy asks Python for two keys per comparison, seconds with 10,000 pods.
        self.proxy.setDynamicSortFilter(True)
        self.filter_box = QLineEdit()
        self.filter_box.setAccessibleName(self.tr("Filter pods"))
        self.filter_box.setObjectName("podFilter")
        self.filter_box.setPlaceholderText(self.tr("Filter pods (state, host, reason, instance…)"))
        self.filter_box.setClearButtonEnabled(True)
        self.filter_box.textChanged.connect(self.proxy.setFilterFixedString)
        self.filter_box.textChanged.connect(lambda _t: self._update_counts())
        self.table = PodsTable(self)
        sort_header.install(self.table)  # the sort arrow points up for ascending
        self.table.setObjectName("podsTable")
        self.table.setAccessibleName(self.tr("Pods"))
        self.table.setAccessibleDescription(self.tr("One row per instance; expand a row for its previous runs"))
        self.table.setModel(self.proxy)
        header = self.table.header()
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(int(PodColumn.INSTANCE), Qt.SortOrder.AscendingOrder)
        header.sortIndicatorChanged.connect(model.sort)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.setUniformRowHeights(True)  # the tree lays out thousands of rows without measuring each
        self.table.setIndentation(14)
        self.table.setRootIsDecorated(True)
        self.table.setItemsExpandable(True)
        self.table.setExpandsOnDoubleClick(True)
        self.table.setAllColumnsShowFocus(True)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # pod ids are long; their end matters
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for col, width in WIDTHS.items():
            header.resizeSection(int(col), width)
        header.setStretchLastSection(True)
        # Progress reads best next to the state while a job runs (the model keeps the documented order).
        header.moveSection(header.visualIndex(int(PodColumn.PROGRESS)), header.visualIndex(int(PodColumn.STATE)) + 1)
        # Which executor (local / ray) next to the host / node it placed the pod on.
        header.moveSection(header.visualIndex(int(PodColumn.EXECUTOR)), header.visualIndex(int(PodColumn.HOST)))
        header.resizeSection(int(PodColumn.EXECUTOR), 64)
        # How long each pod has run, next to its state and progress: in view at the default size.
        header.moveSection(header.visualIndex(int(PodColumn.DURATION)), header.visualIndex(int(PodColumn.PROGRESS)) + 1)
        # Readable at the default size: rows with room around the text, and the time and duration
        # columns as wide as their headers ("Started (CET)") and texts need in the running font.
        self.table.setItemDelegate(RoomyDelegate(self.table))
        fm = self.table.fontMetrics()
        for col, samples in ((PodColumn.STARTED, ("23:59:59",)), (PodColumn.ENDED, ("23:59:59",)),
                             (PodColumn.DURATION, ("23h59m", "59m59s", "59.9s"))):
            title = str(model.headerData(int(col), Qt.Orientation.Horizontal) or "")
            header.resizeSection(int(col), max(WIDTHS[col], column_fit.needed(fm, title, samples)))

        self.empty_label = QLabel(self.tr("No pods yet: they appear when the job runs."), self.table.viewport())
        self.empty_label.setObjectName("podsEmpty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.empty_label.setStyleSheet(f"color:{palette.css(palette.TEXT_MUTED)}; padding-top:48px")
        self.empty_label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.events = QListWidget()
        self.events.setAccessibleName(self.tr("Pod events"))
        self.events.setObjectName("podEvents")
        self.events.setAlternatingRowColors(True)
        self.events.setWordWrap(True)
        self.events_title = QLabel(self.tr("Select a pod to see its events"))
        self.events_title.setWordWrap(True)

        self.buttons: dict[str, QPushButton] = {}  # by verb: "stop", "start", "restart"
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        self.counts = QLabel("")
        self.counts.setObjectName("podCounts")
        bar.addWidget(self.counts)
        bar.addWidget(self.filter_box, 1)
        for name in POD_ACTIONS:
            verb = VERB[name]
            b = QPushButton(action_text(ACTIONS[name].verb) + "…")
            b.setObjectName(f"pod_{verb}")
            b.setToolTip(action_text(ACTIONS[name].tip))
            b.setEnabled(False)
            b.clicked.connect(lambda _=False, v=verb: self._act_on_selected(v))
            self.buttons[verb] = b
            bar.addWidget(b)
        self.events_shown: list[pod_pb2.PodEvent] = []  # the selected pod's events, as listed (to export)
        self.export_button = export.ExportButton([
            (self.tr("Pods"), "pods", lambda: export.pods_records(self), lambda: self.proxy.rowCount() > 0),
            (self.tr("Pod events"), "pod-events", lambda: export_rows.pod_event_records(self.events_shown),
             lambda: bool(self.events_shown))], self)
        bar.addWidget(self.export_button)

        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.events_title)
        side_layout.addWidget(self.events, 1)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(bar)
        left_layout.addWidget(self.table, 1)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(side)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setSizes([780, 280])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)

        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._on_selection())
        model.podsChanged.connect(self._on_pods_changed)
        model.previousRunsWanted.connect(self._on_previous_wanted)
        model.modelReset.connect(self._update_counts)
        model.dataChanged.connect(lambda *_: self._update_counts())
        model.rowsInserted.connect(lambda *_: self._update_counts())
        self.table.viewport().installEventFilter(self)
        self._update_counts()

    def eventFilter(self, obj: Any, event: Any) -> bool:  # noqa: N802 - Qt API
        table = getattr(self, "table", None)  # cleared by the cycle collector before Qt lets go: see CommandPalette
        if table is not None and obj is table.viewport() and event.type() == QEvent.Type.Resize:
            self.empty_label.resize(event.size())
        return super().eventFilter(obj, event)

    # -- selection -----------------------------------------------------------------------------
    def _selected_indexes(self) -> list[QModelIndex]:
        """Selected rows (column 0) as source indexes, in view order."""
        def key(i: QModelIndex) -> tuple[int, int]:
            return (i.parent().row(), i.row()) if i.parent().isValid() else (i.row(), -1)

        return [self.proxy.mapToSource(i) for i in sorted(self.table.selectionModel().selectedRows(), key=key)]

    def selected_pods(self) -> list[pod_pb2.PodInfo]:
        """The current runs of the selected instances (a previous run's row stands for its instance)."""
        seen: set[str] = set()
        pods: list[pod_pb2.PodInfo] = []
        for index in self._selected_indexes():
            pod = self.model.current_at(index)
            if pod is not None and pod.pod_name not in seen:
                seen.add(pod.pod_name)
                pods.append(pod)
        return pods

    def _current_source(self) -> QModelIndex:
        """The current row if selected, else the first selected row (source index; invalid if none)."""
        current = self.table.currentIndex()
        sel = self.table.selectionModel()
        if current.isValid() and sel.isRowSelected(current.row(), current.parent()):
            return self.proxy.mapToSource(current.siblingAtColumn(0))
        indexes = self._selected_indexes()
        return indexes[0] if indexes else QModelIndex()

    def selected_pod(self) -> pod_pb2.PodInfo | None:
        """The current run of the instance whose events and logs are shown."""
        return self.model.current_at(self._current_source())

    def selected_run(self) -> pod_pb2.PodInfo | None:
        """The run the selected row shows (a previous run's row: that run)."""
        return self.model.pod_at(self._current_source())

    def expand_instance(self, instance: int) -> bool:
        """Expand an instance's row to show its previous runs (loads them)."""
        row = next((r for r in range(self.model.rowCount()) if self.model.pod(r).instance_id == instance), -1)
        index = self.proxy.mapFromSource(self.model.index(row, 0)) if row >= 0 else QModelIndex()
        if not index.isValid():
            return False
        self.table.expand(index)
        return True

    def _on_previous_wanted(self, pod_name: str) -> None:
        self._spawn(self.load_previous(pod_name))

    async def load_previous(self, pod_name: str) -> None:
        resp = await self.session.get_pod(pod_name)
        self.model.set_previous(pod_name, list(resp.previous))

    def select_instance(self, instance: int) -> bool:
        for row in range(self.model.rowCount()):
            if self.model.pod(row).instance_id == instance:
                view_row = self.proxy.mapFromSource(self.model.index(row, 0)).row()
                if view_row < 0:
                    return False  # filtered out
                self.table.selectRow(view_row)
                return True
        return False

    def _on_selection(self) -> None:
        pod = self.selected_pod()
        self._update_buttons(pod)
        if pod is None:
            return
        self.podSelected.emit(pod.pod_name, pod.instance_id)
        self._spawn(self.load_events(pod.pod_name, self._selected_run_id()))

    def _selected_run_id(self) -> str:
        """The pod id of the selected previous run ("" for an instance row: every run's events)."""
        index = self._current_source()
        run = self.model.pod_at(index) if self.model.is_previous(index) else None
        return run.status.pod_id if run is not None else ""

    def _on_pods_changed(self, pod_names: list[str]) -> None:
        pod = self.selected_pod()
        if pod is None:
            return
        if pod.pod_name in pod_names and not self._selected_run_id():
            self._spawn(self.load_events(pod.pod_name))
        self._update_buttons()

    def _update_buttons(self, _pod: pod_pb2.PodInfo | None = None) -> None:
        pods = self.selected_pods()
        read_only = bool(getattr(self.session, "read_only", False))
        for verb, b in self.buttons.items():
            action = ACTIONS[BY_VERB[verb]]
            b.setEnabled(not read_only and any(why_not(action, PodFacts.from_info(p)) is None for p in pods))
            verb_text = action_text(action.verb)
            b.setText(f"{verb_text} {len(pods)}…" if len(pods) > 1 else f"{verb_text}…")

    def _update_counts(self) -> None:
        total, shown = self.model.rowCount(), self.proxy.rowCount()
        if not total:
            self.empty_label.setText(self.tr("No pods yet: they appear when the job runs."))
        elif not shown:
            self.empty_label.setText(self.tr("No pod matches “{0}”.").format(self.filter_box.text()))
        self.empty_label.setVisible(not shown)
        if not shown:
            self.empty_label.resize(self.table.viewport().size())
        counts = self.model.state_counts()
        parts = [palette.span(f"{n} {s.lower()}", POD_STATE_COLORS.get(s, palette.TEXT_SECONDARY))
                 for s, n in sorted(counts.items())]
        shown = self.proxy.rowCount()
        total = self.model.rowCount()
        head = (self.tr("{0} of %n pod(s):", "", total).format(shown) if shown != total
                else self.tr("%n pod(s):", "", total))
        self.counts.setText(head + " " + ", ".join(parts))

    # -- events --------------------------------------------------------------------------------
    async def load_events(self, pod_name: str, pod_id: str = "") -> None:
        events = await self.session.pod_events(pod_name, pod_id)
        current = self.selected_pod()
        if current is None or current.pod_name != pod_name or self._selected_run_id() != pod_id:
            return  # the selection moved on meanwhile
        self.events_title.setText(self.tr("<b>Events of {0}</b> ({1})").format(pod_id or pod_name, len(events))
                                  + (self.tr(" — a previous run") if pod_id else ""))
        self.events.clear()
        self.events_shown = list(events)
        for ev in events:
            t = timefmt.seconds_of(ev.timestamp)
            state = pod_state_name(ev.actual_state)
            why = " — ".join(x for x in (ev.reason, ev.message) if x)
            run = self.tr("run {0}").format(ev.pod_id.rsplit("-", 1)[-1]) if ev.pod_id else ""
            item = QListWidgetItem(f"{timefmt.fmt_time(t, with_date=False)}.{int(t * 1000) % 1000:03d} "
                                   f"{timefmt.zone_name(t)}  {state:<10} {run}"
                                   + (f"\n    {why}" if why else ""))
            item.setToolTip(
                self.tr("{0} attempt {1}\n{2}\n{3}").format(ev.pod_id, ev.attempt, timefmt.time_tip(t), why)
            )
            color = POD_STATE_COLORS.get(state)
            if color is not None:
                item.setForeground(QBrush(color))
            self.events.addItem(item)
        self.events.scrollToBottom()

    # -- actions -------------------------------------------------------------------------------
    @staticmethod
    def allowed(pod: pod_pb2.PodInfo) -> set[str]:
        """The verbs ("stop", "start", "restart") the action table allows on ``pod`` now."""
        facts = PodFacts.from_info(pod)
        return {VERB[n] for n in POD_ACTIONS if why_not(ACTIONS[n], facts) is None}

    def menu_for(self, pod: pod_pb2.PodInfo, run: pod_pb2.PodInfo | None = None) -> QMenu:
        """Actions on ``pod`` — or on the whole selection when ``pod`` is part of a multi-selection.
        ``run``: the previous run whose row was clicked (its logs are offered; actions stay on ``pod``)."""
        menu = QMenu(self)
        menu.setObjectName("podMenu")
        selection = self.selected_pods()
        targets = selection if len(selection) > 1 and pod.pod_name in {p.pod_name for p in selection} else [pod]
        read_only = bool(getattr(self.session, "read_only", False))
        for name in POD_ACTIONS:
            spec, verb = ACTIONS[name], VERB[name]
            fit = [p.pod_name for p in targets if verb in self.allowed(p)]
            verb_text = action_text(spec.verb)
            text = (
                self.tr("{0} instance {1} ({2})…").format(verb_text, pod.instance_id, pod.status.pod_id or pod.pod_name)
                if len(targets) == 1
                else self.tr("{0} {1} of {2} selected pods…").format(verb_text, len(fit), len(targets))
            )
            action = QAction(text, menu)
            action.setObjectName(f"podAction_{verb}")
            action.setIcon(self.style().standardIcon(getattr(QStyle.StandardPixmap, spec.icon)))
            action.setEnabled(bool(fit) and not read_only)
            if not fit:
                action.setToolTip(action_text(why_not(spec, PodFacts.from_info(targets[0])) or ""))
            action.triggered.connect(lambda _=False, v=verb, names=[p.pod_name for p in targets]:
                                     self._spawn(self.act(v, names)))
            menu.addAction(action)
        menu.addSeparator()
        logs = QAction(self.tr("Show logs"), menu)
        logs.setObjectName("podAction_logs")
        logs.triggered.connect(lambda _=False, p=pod: self.podSelected.emit(p.pod_name, p.instance_id))
        menu.addAction(logs)
        if run is not None and run.status.pod_id and run.status.pod_id != pod.status.pod_id:
            run_logs = QAction(self.tr("Show logs of run {0} ({1})").format(run.status.run, run.status.pod_id), menu)
            run_logs.setObjectName("podAction_runLogs")
            run_logs.triggered.connect(lambda _=False, p=pod, r=run.status.pod_id:
                                       self.runLogsRequested.emit(p.pod_name, p.instance_id, r))
            menu.addAction(run_logs)
        return menu

    def _context_menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        if not index.isValid():
            return
        if not self.table.selectionModel().isRowSelected(index.row(), index.parent()):
            flags = (QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
                     | QItemSelectionModel.SelectionFlag.Current)
            self.table.selectionModel().setCurrentIndex(index, flags)
        source = self.proxy.mapToSource(index)
        pod = self.model.current_at(source)
        if pod is None:
            return
        menu = self.menu_for(pod, self.model.pod_at(source) if self.model.is_previous(source) else None)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self.table.viewport().mapToGlobal(pos))

    def _act_on_selected(self, verb: str) -> None:
        names = [p.pod_name for p in self.selected_pods()]
        if names:
            self._spawn(self.act(verb, names))

    def _describe(self, pod_name: str) -> str:
        pod = self.model.by_name(pod_name)
        if pod is None:
            return pod_name
        return self.tr("{0} (instance {1}, run {2}, now {3})").format(
            pod_name, pod.instance_id, pod.status.pod_id, pod_state_name(pod.status.state)
        )

    def _facts(self, pod_name: str) -> PodFacts:
        pod = self.model.by_name(pod_name)
        if pod is None:  # gone from the table meanwhile: the engine decides
            return PodFacts(pod_name, -1, pod_pb2.POD_STATE_INVALID)
        return PodFacts.from_info(pod)

    async def act(self, verb: str, pod_names: str | list[str], check_sla: bool = True) -> bool:
        """Stop / start / restart the pods the action table allows (the rest are named, not touched),
        after a confirmation naming them. Returns whether every eligible pod was done."""
        names = [pod_names] if isinstance(pod_names, str) else list(pod_names)
        if not names:
            return False
        name = BY_VERB[verb]
        outcome = await self.session.perform_on_pods(
            name, [self._facts(n) for n in names], confirmer=self._confirm if self.confirm else None,
            options=None if self.confirm else Options(check_sla=check_sla))
        if outcome.cancelled:
            return False
        for pod_name in outcome.done_keys:
            self.actionDone.emit(verb, pod_name, "")
        for pod_name, (_n, error) in zip(outcome.failed_keys, outcome.failed, strict=True):
            self.actionDone.emit(verb, pod_name, core_text(error))  # a signal of str: translated here
        return bool(outcome.done_keys) and not outcome.failed

    async def _confirm(self, request: ConfirmRequest) -> Options | None:
        """The pods' confirmation: names each pod it hits (and those it leaves); restart offers the
        SLA check."""
        spec = request.action
        names = [t.key for t in request.targets]
        verb = action_text(spec.verb)
        if len(names) == 1:
            title = self.tr("{0} pod?").format(verb)
            text = self.tr("<b>{0}</b> pod <b>{1}</b>?").format(verb, self._describe(names[0]))
        else:
            listed = "".join(f"<br>• {self._describe(n)}" for n in names[:MAX_LISTED])
            more = ("<br>" + self.tr("• … and {0} more").format(len(names) - MAX_LISTED)
                    if len(names) > MAX_LISTED else "")
            title = self.tr("{0} %n pods?", "", len(names)).format(verb)
            text = self.tr("<b>{0} %n pods</b>?", "", len(names)).format(verb) + listed + more
        if request.skipped:
            text += "<br><br>" + self.tr("Left as they are:") + " " + translate("Actions", "; ").join(
                translate("Actions", "{0} {1}: {2}").format(len(n), action_text(reason),
                                                            name_list(n, MAX_LISTED, translate))
                for reason, n in request.skipped.items())
        start = spec.name is Name.POD_START
        box = QMessageBox(QMessageBox.Icon.Question if start else QMessageBox.Icon.Warning,
                          title, text, QMessageBox.StandardButton.Cancel, self)
        box.setObjectName("podConfirm")
        box.setInformativeText(action_text(spec.consequence))
        if spec.asks_sla:
            sla = QCheckBox(self.tr("Check the job's SLA first (refuse if too many instances would be down)"))
            sla.setObjectName("podCheckSla")
            sla.setChecked(True)
            box.setCheckBox(sla)
        ok = box.addButton(verb, QMessageBox.ButtonRole.AcceptRole if start else QMessageBox.ButtonRole.DestructiveRole)
        ok.setObjectName("podConfirmButton")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        self.last_dialog = box
        await exec_async(box)
        self.last_dialog = None
        box.deleteLater()  # (posted: the answer is read below before the loop runs again)
        if box.clickedButton() is not ok:
            return None
        check = box.checkBox()
        return Options(check_sla=check.isChecked() if check is not None else True)

    # -- tasks ---------------------------------------------------------------------------------
    def _spawn(self, coro: Any) -> asyncio.Future[Any]:
        return self._tasks.start(coro)

    def _show_task_error(self, text: str) -> None:
        self.events_title.setText(palette.span(text, palette.ERROR))

    def stop(self) -> None:
        self._tasks.cancel_all()

    def headers(self) -> tuple[str, ...]:
        return tuple(translate("PodsTableModel", h) for h in HEADERS)
