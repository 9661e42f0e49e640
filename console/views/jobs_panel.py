"""The jobs table with its filter box, state chips and empty state.

Signals:
    openRequested(str): the operator asked to open a job (Enter / double-click).
    selectionChanged(list): job ids now selected, in table order.
    loadDemoRequested(): the "Load demo jobs" button of the empty state.
    contextMenuRequested(QPoint): a right click on a row (global position); the row is selected
        first unless it already was (the window builds the menu from the action table).
"""

from __future__ import annotations

import time
from typing import Any, Final

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QRect,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QPainter, QPalette, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCompleter,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QStackedLayout,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from console import timefmt
from console.i18n import QT_TRANSLATE_NOOP, number
from console.models import job_filter, palette
from console.models import job_row as R
from console.models.jobs_proxy import JobsProxyModel
from console.models.jobs_table import CELL_ALIGNMENT, CellsRole, Column, JobsTableModel, ProgressRole
from console.views import column_fit, sort_header

CHIP_STATES = ("RUNNING", "PENDING", "SUCCEEDED", "FAILED", "KILLED", "INITIALIZED")
# The chips' words, as the table's column headers say them (the filter text keeps state:RUNNING).
CHIP_LABELS = {"RUNNING": QT_TRANSLATE_NOOP("JobsPanel", "Running"),
               "PENDING": QT_TRANSLATE_NOOP("JobsPanel", "Pending"),
               "SUCCEEDED": QT_TRANSLATE_NOOP("JobsPanel", "Succeeded"),
               "FAILED": QT_TRANSLATE_NOOP("JobsPanel", "Failed"), "KILLED": QT_TRANSLATE_NOOP("JobsPanel", "Killed"),
               "INITIALIZED": QT_TRANSLATE_NOOP("JobsPanel", "Initialized")}
COLUMN_WIDTHS = {Column.NAME: 220, Column.ID: 110, Column.STATE: 110, Column.PRIORITY: 64, Column.OWNER: 100,
                 Column.RUNNING: 66, Column.PENDING: 66, Column.SUCCEEDED: 76, Column.FAILED: 56,
                 Column.PROGRESS: 130, Column.WORKFLOW: 170, Column.CREATED: 150, Column.UPDATED: 150,
                 Column.VERSION: 60}
NAME_COMFORT_EM = 15  # below this many "M"s wide, the Workflow column gives up its type's room to Name


def paint_progress(painter: QPainter, rect: QRect, fraction: float, text: str) -> None:
    """A progress bar whose text reads at any fill: drawn twice, clipped, in the text colour over
    the unfilled part and in the on-accent colour over the filled part (a style's own bar draws
    it in one colour, unreadable on one of the two).  Colours from the palette."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    painter.setPen(palette.TEXT_FAINT)
    painter.setBrush(palette.CHART_BACKGROUND)
    painter.drawRect(rect.adjusted(0, 0, -1, -1))
    inner = rect.adjusted(1, 1, -1, -1)
    filled = QRect(inner)
    filled.setWidth(round(inner.width() * max(0.0, min(1.0, fraction))))
    accent = palette.state_color("RUNNING")
    if filled.width() > 0:
        painter.fillRect(filled, accent)
    flags = int(Qt.AlignmentFlag.AlignCenter)
    unfilled = QRect(inner)
    unfilled.setLeft(filled.right() + 1 if filled.width() > 0 else inner.left())
    for part, colour in ((unfilled, palette.TEXT), (filled, palette.TEXT_ON_ACCENT)):
        if part.width() <= 0:
            continue
        painter.setClipRect(part)
        painter.setPen(colour)
        painter.drawText(inner, flags, text)
    painter.restore()


class ProgressDelegate(QStyledItemDelegate):
    """Draws the progress column as a bar (the model gives 0..1 in ProgressRole)."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        fraction = index.data(ProgressRole)
        if fraction is None:
            super().paint(painter, option, index)
            return
        if option.state & QStyle.StateFlag.State_Selected:  # the selection shows around the bar
            painter.fillRect(option.rect, option.palette.highlight())
        painter.setFont(option.font)
        paint_progress(painter, QRect(option.rect.adjusted(3, 4, -3, -4)), float(fraction),
                       index.data(Qt.ItemDataRole.DisplayRole) or "")


class WorkflowDelegate(QStyledItemDelegate):
    """The Workflow column: "RESTART · ROLLING_FORWARD" where it fits, else the state alone (whole;
    the tooltip names the type too): a narrow window keeps the state readable, not the type."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:  # noqa: N802
        super().initStyleOption(option, index)
        text = option.text
        if text and option.rect.width() and (
                option.fontMetrics.horizontalAdvance(text) + column_fit.CELL_EXTRA > option.rect.width()):
            option.text = shown_workflow_text(text)


def shown_workflow_text(text: str) -> str:
    """A workflow cell's text when the full one does not fit: its state ("ROLLING_FORWARD")."""
    return text.rpartition(" · ")[2]



# The cell delegate's state tests and palette roles as plain ints and enums looked up once
# (an enum's "&" and attribute lookups cost a Python call each, several a cell).
_STATE_COL: Final = int(Column.STATE)
_WORKFLOW_COL: Final = int(Column.WORKFLOW)
_FAILED_COL: Final = int(Column.FAILED)
_RESTYLED: Final = (QEvent.Type.FontChange, QEvent.Type.StyleChange, QEvent.Type.PaletteChange,
                     QEvent.Type.ApplicationPaletteChange)
_SELECTED: Final = QStyle.StateFlag.State_Selected.value
_HAS_FOCUS: Final = QStyle.StateFlag.State_HasFocus.value
_ACTIVE: Final = QStyle.StateFlag.State_Active.value
_ENABLED: Final = QStyle.StateFlag.State_Enabled.value
_NORMAL: Final = QPalette.ColorGroup.Normal
_INACTIVE: Final = QPalette.ColorGroup.Inactive
_DISABLED: Final = QPalette.ColorGroup.Disabled
_HIGHLIGHT: Final = QPalette.ColorRole.Highlight
_HIGHLIGHTED_TEXT: Final = QPalette.ColorRole.HighlightedText
_TEXT: Final = QPalette.ColorRole.Text
_FOREGROUND: Final = int(Qt.ItemDataRole.ForegroundRole)

class JobsCellDelegate(QStyledItemDelegate):
    """The jobs table's text cells, painted from the row's texts (``CellsRole``: one tuple a row,
    made once when the row changes), not by the style from ~8 data() calls a cell: one Python
    call a cell instead of several Qt→Python ones, the cost of the table's paint in a storm of
    updates (bench/storm.py).  It draws what the style draws for such a cell (Fusion and the
    common style: the selection's highlight, the text in the palette's or the row's foreground
    colour, elided at the right, inside the style's text margins) and leaves to the style the
    cells it does not draw alike: the State column (icon and background), the focused cell (its
    frame), and any model but the table's.  data() still answers every role (screen readers,
    tests, tooltips).  The Workflow column as WorkflowDelegate shows it."""

    def __init__(self, table: QTableView, proxy: JobsProxyModel) -> None:
        super().__init__(table)
        self._table = table
        self._proxy = proxy
        self._data = proxy.data
        source = proxy.sourceModel()
        self._stale = source.is_stale if isinstance(source, JobsTableModel) else lambda: False
        self._shown: dict[tuple[str, int], str] = {}  # (text, room) → what fits: the elided text
        self._colours: dict[tuple[Any, Any], Any] = {}  # (colour group, role) → the palette's brush / colour
        self._margin = 0
        self._style_changed()
        table.installEventFilter(self)

    def _style_changed(self) -> None:
        self._shown.clear()
        self._colours.clear()
        style = self._table.style()
        self._margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, self._table) + 1

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() in _RESTYLED:
            self._style_changed()
        return False

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        state = option.state.value
        col = index.column()
        if col == _STATE_COL or state & _HAS_FOCUS or index.model() is not self._proxy:
            super().paint(painter, option, index)
            return
        texts = self._data(index, CellsRole)
        if texts is None:
            super().paint(painter, option, index)
            return
        text = texts[col]
        selected = state & _SELECTED
        if not text and not selected:
            return
        group = (_NORMAL if state & _ACTIVE else _INACTIVE) if state & _ENABLED else _DISABLED
        colours = self._colours
        if selected:
            brush = colours.get((group, _HIGHLIGHT))
            if brush is None:
                brush = colours[group, _HIGHLIGHT] = option.palette.brush(group, _HIGHLIGHT)
            painter.fillRect(option.rect, brush)
            if not text:
                return
            role = _HIGHLIGHTED_TEXT
            colour = None
        else:
            role = _TEXT
            # The model colours these cells only (the State column is the style's): FAILED counts, stale rows.
            colour = self._data(index, _FOREGROUND) if col == _FAILED_COL or self._stale() else None
        if colour is None:
            colour = colours.get((group, role))
            if colour is None:
                colour = colours[group, role] = option.palette.color(group, role)
        m = self._margin
        rect = option.rect.adjusted(m, 0, -m, 0)
        room = rect.width()
        key = (text, room) if col != _WORKFLOW_COL else (text, -option.rect.width())
        shown = self._shown.get(key)
        if shown is None:
            fm = option.fontMetrics
            shown = text
            width = fm.horizontalAdvance(text)
            if col == _WORKFLOW_COL and width + column_fit.CELL_EXTRA > option.rect.width():
                shown = shown_workflow_text(text)  # as WorkflowDelegate shows it
                width = fm.horizontalAdvance(shown)
            if width > room:
                shown = fm.elidedText(shown, Qt.TextElideMode.ElideRight, room)
            if len(self._shown) > 20000:
                self._shown.clear()
            self._shown[key] = shown
        painter.setPen(colour)
        painter.drawText(rect, CELL_ALIGNMENT[col], shown)


def configure_jobs_table(table: QTableView) -> None:
    """The jobs table's look and behaviour, its delegates and column widths: the panel's table,
    and bench/storm.py's (which times the user's path: the same view, drawn the same way)."""
    sort_header.install(table)  # the sort arrow points up for ascending
    # Whole rows are selected, so every column "intersects the selection": highlighted sections
    # would set every title in bold whenever a row is selected, and clip the widest ones.
    table.horizontalHeader().setHighlightSections(False)
    table.setSortingEnabled(True)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.setShowGrid(False)
    table.setTabKeyNavigation(False)
    table.verticalHeader().hide()
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    table.verticalHeader().setDefaultSectionSize(24)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setSectionsMovable(True)
    header.setStretchLastSection(False)
    for col, width in COLUMN_WIDTHS.items():
        header.resizeSection(int(col), width)
    table.setItemDelegateForColumn(int(Column.PROGRESS), ProgressDelegate(table))
    if isinstance(proxy := table.model(), JobsProxyModel):  # the text cells painted from the rows' texts
        table.setItemDelegate(JobsCellDelegate(table, proxy))
    else:  # another model (bench/storm.py's peer): the style paints them, Workflow as it fits
        table.setItemDelegateForColumn(int(Column.WORKFLOW), WorkflowDelegate(table))
    table.setTextElideMode(Qt.TextElideMode.ElideRight)  # long names end in "…" (the tooltip has them)


class FilterBox(QLineEdit):
    """Filter input with qualifier completion (`state:`, `owner:`, `label:`, `name~`)."""

    def __init__(self, model: JobsTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self.setPlaceholderText(self.tr("Filter:  state:RUNNING  owner:alice  label:team=web  name~^etl  free text   "
                                        "(/)"))
        self.setClearButtonEnabled(True)
        self._items = QStandardItemModel(self)
        self._completer = QCompleter(self._items, self)
        self._completer.setWidget(self)
        self._completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        # the QModelIndex overload of activated; PySide6's stubs lack SignalInstance.__getitem__
        self._completer.activated[QModelIndex].connect(self._insert)  # type: ignore[index]
        self._current: list[job_filter.Completion] = []
        self.textEdited.connect(self._suggest)
        self.textChanged.connect(lambda text: None if text.strip() else self.hide_popup())

    def hide_popup(self) -> None:
        """Cleared (the clear button, Ctrl+A Del, a chip): no suggestions left over the table."""
        if (popup := self._completer.popup()) is not None and popup.isVisible():
            popup.hide()

    def _suggest(self, text: str) -> None:
        if not text.strip():
            self.hide_popup()
            return
        self._current = job_filter.completions(text, self.cursorPosition(), self._model.known_values(), limit=12)
        self._items.clear()
        for c in self._current:
            detail = QCoreApplication.translate("job_filter", c.detail) if c.detail else ""
            item = QStandardItem(f"{c.label}    {detail}" if detail else c.label)
            self._items.appendRow(item)
        if self._current:
            self._completer.complete(self.rect())
        elif (popup := self._completer.popup()) is not None:
            popup.hide()

    def _insert(self, index: QModelIndex) -> None:
        if not 0 <= index.row() < len(self._current):
            return
        c = self._current[index.row()]
        text = self.text()
        new = text[:c.start] + c.insert + text[c.end:]
        self.setText(new)
        self.setCursorPosition(c.start + len(c.insert))
        self.textEdited.emit(new)


class JobsPanel(QWidget):
    openRequested = Signal(str)
    selectionChanged = Signal(list)
    loadDemoRequested = Signal()
    contextMenuRequested = Signal(QPoint)

    def __init__(self, model: JobsTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.proxy = JobsProxyModel(model, self)
        self.filter_box = FilterBox(model)
        self.filter_box.setAccessibleName(self.tr("Filter jobs"))
        self.filter_box.setAccessibleDescription(self.tr(
            "Free text, or qualifiers such as state:RUNNING, owner:NAME, label:KEY=VALUE, name~PATTERN"))
        self.filter_error = QLabel()
        self.filter_error.setObjectName("filterError")
        self.filter_error.setStyleSheet(f"color: {palette.css(palette.ERROR)};")
        self.filter_error.hide()
        self.chips: dict[str, QToolButton] = {}
        self._syncing_chips = False
        chip_row = QHBoxLayout()
        chip_row.setSpacing(4)
        for state in CHIP_STATES:
            chip = QToolButton()
            chip.setText(QCoreApplication.translate("JobsPanel", CHIP_LABELS[state]))
            chip.setCheckable(True)
            chip.setObjectName(f"chip_{state.lower()}")
            chip.setToolTip(self.tr("Show only {0} jobs (several chips combine; the filter text says state:{0})")
                            .format(state))
            chip.setStyleSheet(f"QToolButton:checked {{ background: {palette.css(palette.state_color(state))}; "
                               f"color: {palette.css(palette.TEXT_ON_ACCENT)}; border-radius: 3px; }}")
            chip.toggled.connect(lambda on, st=state: self._chip_toggled(st, on))
            chip_row.addWidget(chip)
            self.chips[state] = chip
        chip_row.addSpacing(8)
        self.count_label = QLabel()
        chip_row.addWidget(self.count_label)

        self.table = QTableView()
        self.table.setAccessibleName(self.tr("Jobs"))
        self.table.setModel(self.proxy)
        self.proxy.follow_view(self.table)  # exact repaints of the changed rows on screen
        configure_jobs_table(self.table)
        header = self.table.horizontalHeader()
        # Widths measured from the content until the operator drags a column (or restores theirs).
        self.auto_fit = True
        self._fitting = False
        header.sectionResized.connect(self._on_section_resized)
        self._fit_timer = QTimer(self)
        self._fit_timer.setSingleShot(True)
        self._fit_timer.setInterval(0)
        self._fit_timer.timeout.connect(self._fit_if_needed)
        self._fitted_width = -1
        self.table.viewport().installEventFilter(self)
        self.table.sortByColumn(int(Column.CREATED), Qt.SortOrder.DescendingOrder)
        self.table.doubleClicked.connect(self._open_index)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        header = self.table.horizontalHeader()  # right-click a column title: show or hide columns
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(lambda pos: self.column_menu().popup(header.mapToGlobal(pos)))
        self.table.selectionModel().selectionChanged.connect(self._emit_selection)
        self.table.installEventFilter(self)

        self.empty = QWidget()
        empty_layout = QVBoxLayout(self.empty)
        empty_layout.addStretch(1)
        title = QLabel(self.tr("No jobs yet"))
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title.setStyleSheet(f"font-size: 16pt; color: {palette.css(palette.TEXT_SECONDARY)};")
        hint = QLabel(self.tr("Create a job (Ctrl+N), or load the demo jobs: a bulk job with progress, a retrying\n"
                      "job, a cron job, a service, a job that times out and an interval job."))
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint.setStyleSheet(f"color: {palette.css(palette.TEXT_MUTED)};")
        self.demo_button = QPushButton(self.tr("Load demo jobs"))
        self.demo_button.setObjectName("loadDemo")
        self.demo_button.clicked.connect(self.loadDemoRequested)
        button_row = QHBoxLayout()
        button_row.addStretch(1)
        button_row.addWidget(self.demo_button)
        button_row.addStretch(1)
        empty_layout.addWidget(title)
        empty_layout.addWidget(hint)
        empty_layout.addLayout(button_row)
        empty_layout.addStretch(2)

        self.stack = QStackedLayout()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 0)
        # The chips beside the filter box, not under it: its completion popup opens below the box
        # (as wide as the box) and so never covers them.
        chip_row.insertWidget(0, self.filter_box, 1)
        chip_row.insertSpacing(1, 6)
        layout.addLayout(chip_row)
        layout.addWidget(self.filter_error)
        layout.addLayout(self.stack, 1)
        self._connect_signals()
        self._update_counts()

    def _connect_signals(self) -> None:
        self.filter_box.textChanged.connect(self._filter_changed)
        for signal in (self.model.rowsInserted, self.model.rowsRemoved, self.model.modelReset,
                       self.proxy.rowsInserted, self.proxy.rowsRemoved, self.proxy.modelReset,
                       self.proxy.layoutChanged):
            signal.connect(self._update_counts)

    # -- filter ---------------------------------------------------------------------
    def _filter_changed(self, text: str) -> None:
        self._sync_chips(text)
        result = self.proxy.set_filter_text(text)
        if result.ok:
            self.filter_error.hide()
        else:
            self.filter_error.setText(
                "  ".join(str(e) for e in result.errors) + self.tr("  — showing the last valid filter")
            )
            self.filter_error.show()
        self._update_counts()

    def _chip_toggled(self, state: str, on: bool) -> None:
        """A chip edits the filter text's ``state:`` term (the chips and the text are one filter)."""
        if self._syncing_chips:
            return
        text = self.filter_box.text()
        states = [s for s in job_filter.states_in(text) if s != state] + ([state] if on else [])
        self.filter_box.setText(job_filter.with_states(text, states))

    def _sync_chips(self, text: str) -> None:
        """Typed ``state:`` terms check the chips they name (and uncheck the others)."""
        named = set(job_filter.states_in(text))
        self._syncing_chips = True
        try:
            for state, chip in self.chips.items():
                chip.setChecked(state in named)
        finally:
            self._syncing_chips = False

    def set_filter_text(self, text: str) -> None:
        self.filter_box.setText(text)

    def _update_counts(self) -> None:
        total = self.model.rowCount()
        shown = self.proxy.rowCount()
        self.count_label.setText(
            self.tr("{0} of {1} jobs").format(number(shown), number(total))
            if shown != total
            else self.tr("{0} jobs").format(number(total))
        )
        self.stack.setCurrentWidget(self.empty if total == 0 else self.table)

    # -- selection & keys -------------------------------------------------------------
    def selected_job_ids(self) -> list[str]:
        """Selected jobs in table order.  Read from the selection's row ranges: selectedRows() asks
        the (Python) proxy for every cell's index and flags, seconds for a select-all of 100k."""
        rows: set[int] = set()
        selection = self.table.selectionModel().selection()
        for k in range(selection.count()):
            r = selection.at(k)
            rows.update(range(r.top(), r.bottom() + 1))
        return [self.proxy.job_id_at(r) for r in sorted(rows)]

    def current_job_id(self) -> str | None:
        idx = self.table.currentIndex()
        return self.proxy.job_id_at(idx.row()) if idx.isValid() else None

    def select_job(self, job_id: str) -> bool:
        row = self.proxy.row_of(job_id)
        if row is None:
            return False
        index = self.proxy.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.table.scrollTo(index)
        return True

    def _emit_selection(self) -> None:
        self.selectionChanged.emit(self.selected_job_ids())

    def _context_menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        if not index.isValid():
            return
        selection = self.table.selectionModel()
        if not selection.isRowSelected(index.row(), QModelIndex()):
            selection.setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.contextMenuRequested.emit(self.table.viewport().mapToGlobal(pos))

    def _open_index(self, index: QModelIndex) -> None:
        if index.isValid():
            self.openRequested.emit(self.proxy.job_id_at(index.row()))

    # -- column widths ----------------------------------------------------------------
    def _on_section_resized(self, *_args: object) -> None:
        if not self._fitting:
            self.auto_fit = False  # the operator's widths from now on

    def _fit_if_needed(self) -> None:
        width = self.table.viewport().width()
        if self.auto_fit and width != self._fitted_width:
            self._fitted_width = width
            self.fit_columns()

    def fit_columns(self) -> None:
        """Every column at the width its header and content need; name, id and owner share the rest.
        Where that leaves the names too little room (1280 px wide), the Workflow column narrows to
        its state's width (its cells then show the state alone; the tooltip has the type too)."""
        header = self.table.horizontalHeader()
        fm = self.table.fontMetrics()
        room = column_fit.header_extra(header)

        def title(col: Column) -> str:
            return str(self.proxy.headerData(int(col), Qt.Orientation.Horizontal) or "")

        def need(col: Column, texts: tuple[str, ...] | list[str], extra: int = 0) -> int:
            return column_fit.needed(fm, title(col), texts, extra=extra, header_room=room)

        counts = ("100000",)
        states = list(R.STATE_NAMES.values())
        flow_states = list(R.WORKFLOW_STATE_NAMES.values())
        flows = [f"{t} · {s}" for t in R.WORKFLOW_TYPE_NAMES.values() for s in flow_states]
        times = [timefmt.fmt_time_compact(time.time()), "12-31 23:59", "2026-12-31"]
        icon = self.table.iconSize().width() if self.table.iconSize().isValid() else 16
        fixed = {
            Column.STATE: need(Column.STATE, states, extra=icon + 6),
            Column.PRIORITY: need(Column.PRIORITY, ("-1000",)),
            Column.PROGRESS: need(Column.PROGRESS, ("100% (1000/1000)",)),
            Column.WORKFLOW: need(Column.WORKFLOW, flows),
            Column.CREATED: need(Column.CREATED, times),
            Column.UPDATED: need(Column.UPDATED, times),
            Column.VERSION: need(Column.VERSION, counts),
        }
        for col in (Column.RUNNING, Column.PENDING, Column.SUCCEEDED, Column.FAILED):
            fixed[col] = need(col, counts)
        em = fm.horizontalAdvance("M")
        elastic = {Column.NAME: (4, 7 * em), Column.ID: (1, 4 * em), Column.OWNER: (1, 6 * em)}

        def widths_for(fixed: dict[Column, int]) -> dict[int, int]:
            shown = {int(c): w for c, w in fixed.items() if not header.isSectionHidden(int(c))}
            return column_fit.share(self.table.viewport().width() - 2, shown,
                                    {int(c): e for c, e in elastic.items() if not header.isSectionHidden(int(c))})

        widths = widths_for(fixed)
        if widths.get(int(Column.NAME), NAME_COMFORT_EM * em) < NAME_COMFORT_EM * em:
            fixed[Column.WORKFLOW] = need(Column.WORKFLOW, flow_states)  # the state alone, whole
            widths = widths_for(fixed)
        self._fitting = True
        try:
            for section, width in widths.items():
                if header.sectionSize(section) != width:
                    header.resizeSection(section, width)
        finally:
            self._fitting = False

    def column_menu(self) -> QMenu:
        """Every column, checked when shown: the header's context menu (saved views keep the choice).
        Name stays: a row must say which job it is."""
        header = self.table.horizontalHeader()
        menu = QMenu(self)
        menu.setObjectName("columnsMenu")
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        for col in Column:
            title = str(self.table.model().headerData(int(col), Qt.Orientation.Horizontal))
            act = menu.addAction(title)
            act.setCheckable(True)
            act.setChecked(not header.isSectionHidden(int(col)))
            act.setEnabled(col != Column.NAME)
            act.toggled.connect(lambda on, c=int(col): self.set_column_shown(c, on))
        return menu

    def set_column_shown(self, column: int, shown: bool) -> None:
        """Show or hide a column; the others share the room again (unless the operator sized them)."""
        self.table.horizontalHeader().setSectionHidden(column, not shown)
        if self.auto_fit:
            self.fit_columns()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        """Another style (a theme switch), font or language changes what the titles need: fit again."""
        refit = (QEvent.Type.StyleChange, QEvent.Type.FontChange, QEvent.Type.LanguageChange)
        if event.type() in refit and getattr(self, "auto_fit", False):
            self._fitted_width = -1
            self._fit_timer.start()
        super().changeEvent(event)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        table = getattr(self, "table", None)  # cleared by the cycle collector before Qt lets go: see CommandPalette
        if table is not None and obj is table.viewport() and event.type() == QEvent.Type.Resize and self.auto_fit:
            self._fit_timer.start()  # once the resizing settles (a scroll bar coming and going resizes too)
            return False
        if obj is self.table and isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                job_id = self.current_job_id()
                if job_id:
                    self.openRequested.emit(job_id)
                return True
            if key == Qt.Key.Key_Slash:
                self.filter_box.setFocus()
                self.filter_box.selectAll()
                return True
        return super().eventFilter(obj, event)
