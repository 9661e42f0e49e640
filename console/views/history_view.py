"""The History tab of a job: its spec versions, a side-by-side diff of any two, and revert.

``HistoryView(session, job_id, parent)`` is self-contained: the job detail adds it as a tab and
calls ``stop()`` when it closes. It loads when first shown (ListJobVersions, a page at a time,
"Load older" for the rest), follows the job through the session's jobs table (a new entity
version reloads the list) and reads specs with GetJob at a version.

Select one version to see what it changed (against the version before it), or two to compare
them. "Revert to this version…" reads that version's spec, shows what replacing the job with it
would do (GetReplaceJobDiff) and the batch size in one confirmation, then ReplaceJob at the
version the list showed. If the job changed meanwhile (ABORTED) nothing is changed: the tab says
so, reloads the list and keeps the chosen version selected, so reverting again is one click.
"""

from __future__ import annotations

import asyncio
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console import messages, timefmt
from console.models import palette
from console.models.palette import WORKFLOW_STATE_COLORS, state_color
from console.session import Session
from console.tasks import WidgetTasks
from console.views.dialogs import disposable, exec_async
from console.views.replace_flow import ReplaceConfirmDialog
from console.views.spec_diff_view import SpecDiffView
from console.views.spec_editor import schema_pool
from pelorus.api import job_pb2, workflow_pb2
from pelorus.api import job_service_pb2 as js
from pelorus.engine.states import short
from pelorus.errors import Conflict, NotFound
from pelorus.specfile import dump_spec

PAGE = 100  # versions per ListJobVersions call
VERSION_ROLE = Qt.ItemDataRole.UserRole


class HistoryView(QWidget):
    def __init__(self, session: Session, job_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("historyView")
        self.session = session
        self.job_id = job_id
        self.versions: list[js.JobVersion] = []
        self.total = 0
        self.job_version = 0  # the job's entity version when the list was read: what a revert carries
        self._specs: dict[int, job_pb2.JobSpec] = {}  # spec versions never change: read once
        self._loaded = False
        self._closed = False
        self._busy = False
        self._tasks = WidgetTasks("job history", show=self._show_error)

        self.summary = QLabel(self.tr("Loading…"))
        self.summary.setObjectName("historySummary")
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.setObjectName("historyRefresh")
        self.more_button = QPushButton(self.tr("Load older"))
        self.more_button.setObjectName("historyMore")
        self.more_button.hide()
        self.revert_button = QPushButton(self.tr("Revert to this version…"))
        self.revert_button.setObjectName("historyRevert")
        self.revert_button.setEnabled(False)
        self.status = QLabel()
        self.status.setObjectName("historyStatus")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.RichText)

        self.list = QTreeWidget()
        self.list.setObjectName("historyList")
        self.list.setAccessibleName(self.tr("Spec versions"))
        self.list.setAccessibleDescription(self.tr("Select one version to see what it changed, or two to compare them"))
        self.list.setRootIsDecorated(False)
        self.list.setAlternatingRowColors(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.setHeaderLabels([self.tr("Version"), self.tr("When"), self.tr("By"), self.tr("Workflow"),
                                   self.tr("State")])
        for column, width in enumerate((90, 172, 80, 76)):
            self.list.setColumnWidth(column, width)
        self.diff = SpecDiffView(self)

        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.revert_button)
        top.addWidget(self.refresh_button)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.list, 1)
        left_layout.addWidget(self.more_button)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.setObjectName("historySplit")
        split.addWidget(left)
        split.addWidget(self.diff)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        split.setSizes([530, 750])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(split, 1)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.refresh_button.clicked.connect(lambda: self._spawn(self.load()))
        self.more_button.clicked.connect(lambda: self._spawn(self.load_more()))
        self.revert_button.clicked.connect(self._on_revert_clicked)
        self.list.itemSelectionChanged.connect(self._on_selection)
        self.session.jobs_model.rowsUpdated.connect(self._on_table_rows)

    # -- life ----------------------------------------------------------------------------------
    def _spawn(self, coro: Any) -> asyncio.Future[Any]:
        return self._tasks.start(coro)

    def _show_error(self, text: str) -> None:
        self.status.setText(palette.span(text, palette.ERROR))

    def stop(self) -> None:
        """The detail closes: end every task, stop following the table."""
        if self._closed:
            return
        self._closed = True
        self._tasks.close()
        try:
            self.session.jobs_model.rowsUpdated.disconnect(self._on_table_rows)
        except (RuntimeError, TypeError):
            pass

    def tasks(self) -> set[asyncio.Task[Any]]:
        return set(self._tasks)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._loaded and not self._closed:
            self._loaded = True
            self._spawn(self.load())

    def _on_table_rows(self, _rows: list[int]) -> None:
        """A new entity version of the job (anyone's change) reloads the list, once it was shown."""
        if not self._loaded or self._closed or self._busy:
            return
        row = self.session.jobs_model.row_of(self.job_id)
        if row is not None and self.session.jobs_model.summary(row).status.version.value != self.job_version:
            self._spawn(self.load())

    # -- reading -------------------------------------------------------------------------------
    async def load(self) -> None:
        """The newest page again (keeping the selection by version number)."""
        try:
            resp = await self.session.list_versions(self.job_id, 0, max(PAGE, len(self.versions)))
        except NotFound:
            self.summary.setText(self.tr("The job is no longer on the engine."))
            self.revert_button.setEnabled(False)
            return
        if self._closed:
            return
        self.versions = list(resp.versions)
        self._take(resp)

    async def load_more(self) -> None:
        resp = await self.session.list_versions(self.job_id, len(self.versions), PAGE)
        if self._closed:
            return
        self.versions.extend(resp.versions)
        self._take(resp)

    def _take(self, resp: js.ListJobVersionsResponse) -> None:
        self.total = resp.pagination.total
        self.job_version = resp.job_version.value
        selected = self.selected_versions()
        self.list.blockSignals(True)
        self.list.clear()
        for v in self.versions:
            self.list.addTopLevelItem(self._item(v))
        for i in range(self.list.topLevelItemCount()):
            item = self.list.topLevelItem(i)
            if item is not None and item.data(0, VERSION_ROLE) in selected:
                item.setSelected(True)
        self.list.blockSignals(False)
        self.more_button.setVisible(len(self.versions) < self.total)
        self.more_button.setText(self.tr("Load older ({} more)").format(self.total - len(self.versions)))
        newest = self.versions[0].version.value if self.versions else 0
        self.summary.setText(self.tr("%n spec version(s)", "", self.total) + " · " +
                             self.tr("the job is at version {} (spec of version {})").format(self.job_version, newest))
        self._on_selection()

    def refresh_times(self) -> None:
        """Times are now shown in the other zone (View menu): redraw the list."""
        for i in range(self.list.topLevelItemCount()):
            item = self.list.topLevelItem(i)
            if item is not None and i < len(self.versions):
                item.setText(1, timefmt.fmt_ts(self.versions[i].created_at))

    def _item(self, v: js.JobVersion) -> QTreeWidgetItem:
        wf = v.workflow
        kind = short(workflow_pb2.WorkflowType.Name(wf.type)) if v.HasField("workflow") else ""
        state = short(workflow_pb2.WorkflowState.Name(wf.state)) if v.HasField("workflow") else ""
        current = bool(self.versions) and v.version.value == self.versions[0].version.value
        number = str(v.version.value) + (" " + self.tr("(current)") if current else "")
        item = QTreeWidgetItem([number, timefmt.fmt_ts(v.created_at), v.changed_by or "—", kind, state])
        item.setData(0, VERSION_ROLE, v.version.value)
        item.setToolTip(2, self.tr("The name of the token that made the change") if v.changed_by else
                        self.tr("Unknown: the engine checks no tokens, or the engine made the change itself"))
        if v.HasField("workflow"):
            item.setToolTip(3, self.tr("Workflow {}").format(wf.workflow_id))
            item.setForeground(4, WORKFLOW_STATE_COLORS.get(state, state_color(state)))
        return item

    def selected_versions(self) -> list[int]:
        """The selected version numbers, oldest first."""
        return sorted(int(item.data(0, VERSION_ROLE)) for item in self.list.selectedItems())

    def select_versions(self, *numbers: int) -> None:
        """Select these versions (as Ctrl+click would)."""
        self.list.blockSignals(True)
        self.list.clearSelection()
        for i in range(self.list.topLevelItemCount()):
            item = self.list.topLevelItem(i)
            if item is not None and item.data(0, VERSION_ROLE) in numbers:
                item.setSelected(True)
        self.list.blockSignals(False)
        self._on_selection()

    async def spec_of(self, version: int) -> job_pb2.JobSpec:
        spec = self._specs.get(version)
        if spec is None:
            spec = self._specs[version] = await self.session.spec_at(self.job_id, version)
        return spec

    # -- the diff ------------------------------------------------------------------------------
    def _on_selection(self) -> None:
        chosen = self.selected_versions()
        newest = self.versions[0].version.value if self.versions else 0
        self.revert_button.setEnabled(self._may_revert(chosen, newest))
        if self.session.read_only:
            tip = self.tr("Read-only: this console may not change jobs")
        elif len(chosen) == 1:
            tip = self.tr("Make version {}'s spec the job's spec again (asks first)").format(chosen[0])
        else:
            tip = self.tr("Select one version to revert to")
        self.revert_button.setToolTip(tip)
        if len(chosen) == 1:
            older = [v.version.value for v in self.versions if v.version.value < chosen[0]]
            self._spawn(self.show_diff(max(older) if older else 0, chosen[0]))
        elif len(chosen) == 2:
            self._spawn(self.show_diff(chosen[0], chosen[1]))
        elif len(chosen) > 2:
            self.diff.clear(self.tr("Select at most two versions to compare."))
        else:
            self.diff.clear(self.tr("Select a version to see what it changed, or two (Ctrl+click) to compare them."))

    async def show_diff(self, old: int, new: int) -> None:
        """Old version ``old`` (0: nothing, the job's creation) against ``new``."""
        pool = schema_pool(self)
        new_text = dump_spec(await self.spec_of(new), pool)
        old_text = dump_spec(await self.spec_of(old), pool) if old else ""
        if self._closed or self.selected_versions() not in ([new], [old, new]):
            return  # the selection moved on meanwhile
        old_title = self.tr("Version {}").format(old) if old else self.tr("(before the job was created)")
        self.diff.show_diff(old_title, old_text, self.tr("Version {}").format(new), new_text)

    # -- revert --------------------------------------------------------------------------------
    def _on_revert_clicked(self) -> None:
        chosen = self.selected_versions()
        if len(chosen) == 1:
            self._spawn(self.revert(chosen[0]))

    async def revert(self, version: int) -> bool:
        """Replace the job's spec with ``version``'s, at the version the list showed (asks first)."""
        at = self.job_version
        self._set_busy(True)
        try:
            spec = job_pb2.JobSpec()
            spec.CopyFrom(await self.spec_of(version))
            newest = self.versions[0].version.value if self.versions else 0
            if newest and (await self.spec_of(newest)).SerializeToString(deterministic=True) == \
                    spec.SerializeToString(deterministic=True):
                self.status.setText(self.tr("Version {}'s spec is the job's spec already (version {}): nothing to "
                                            "revert.").format(version, newest))
                return False
            try:
                diff = await self.session.replace_diff(self.job_id, at, spec)
            except Conflict:
                await self._stale(version, at)
                return False
            name = spec.name or self.job_id
            dialog = ReplaceConfirmDialog(
                self, self.tr("Revert {}?").format(name),
                self.tr("Replace the spec of job {} (now at version {}) with the spec of version {}:")
                .format(name, at, version), diff, self.tr("Revert"))
            dialog.setObjectName("revertConfirm")
            with disposable(dialog):
                if not await exec_async(dialog) or self._closed:
                    self.status.setText(self.tr("Revert cancelled; nothing changed."))
                    return False
                batch = dialog.batch
            try:
                new_version = await self.session.replace_job(self.job_id, at, spec, batch_size=batch)
            except Conflict:
                await self._stale(version, at)
                return False
            text = self.tr("Reverted {} to the spec of version {}: now version {}.").format(name, version,
                                                                                          new_version)
            self.status.setText(palette.span(text, palette.OK))
            messages.info(text)
            await self.load()
            return True
        finally:
            self._set_busy(False)

    async def _stale(self, version: int, at: int) -> None:
        """ABORTED: someone changed the job after the list was read. Nothing was changed; say so and
        show the job as it is now, the chosen version still selected."""
        await self.load()
        text = self.tr("Not reverted: the job changed while you looked (you saw version {}, it is now at "
                       "version {}). Nothing was changed. Review the history and revert to version {} again if "
                       "you still want to.").format(at, self.job_version, version)
        self.status.setText(palette.span(text, palette.ERROR))
        messages.warning(text)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self._on_selection_buttons()

    def _on_selection_buttons(self) -> None:
        chosen = self.selected_versions()
        newest = self.versions[0].version.value if self.versions else 0
        self.revert_button.setEnabled(self._may_revert(chosen, newest))

    def _may_revert(self, chosen: list[int], newest: int) -> bool:
        """One version chosen, not the current spec, nothing in flight, and the console may act."""
        return len(chosen) == 1 and chosen[0] != newest and not self._busy and not self.session.read_only
