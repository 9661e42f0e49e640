"""Job detail: summary, pods, logs, live progress and workflows of one job.

``JobDetail(session, job_id, parent)`` then ``await detail.load()``: load reads the job once,
fills the summary, and starts the live streams — the pods feed (ListPods + Watch), the progress
watch (WatchJob) and a log tail — as tasks kept in sets and cancelled when the detail closes.
A plain widget: the main window shows each open job in a tab of its own (views/detail_tabs.py,
with the job's toolbar); without a parent it is a window of its own.  Hidden (a tab not in front)
or minimised, a detail keeps its streams open but slows them (``set_background``): progress every
10 s, pods and log lines applied once a second, no timeline refresh until the Workflows tab is
looked at again.

Following: the header and the summary's status rows show the job's row of the session's jobs
table (the same Watch feed, applied the same frame), so the detail never says what the table does
not; a new version re-reads the spec (GetJob), a new run (Start / Restart of an ended job) starts a
fresh progress stream, a workflow change reloads the workflows, a deleted or purged job says so and
its streams end; after a reconnect (or a restarted embedded engine) every stream is reopened.

Tabs: Summary (form + spec YAML) · Pods (table with previous runs beneath each instance, actions,
events) · Logs (one pod or all merged, any run) · Progress (charts, incl. the current rolling
workflow's instances) · Workflows (timeline with pause / resume / abort and "collapse idle" over a
chosen duration — persisted in QSettings — and each workflow with its events) · History (the spec
versions, a diff of any two, revert: console/views/history_view.py).
"""

from __future__ import annotations

import asyncio
import bisect
import time
from typing import Any

from PySide6.QtCore import QEvent, QSettings, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QFont
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QTreeWidgetItemIterator,
    QVBoxLayout,
    QWidget,
)

from console import timefmt
from console.actions import ACTIONS, JobFacts, Name, already_confirmed, why_not
from console.i18n import QT_TRANSLATE_NOOP, action_text, error_text, translate
from console.models import export_rows, palette
from console.models.log_buffer import LogBuffer
from console.models.palette import POD_STATE_COLORS, WORKFLOW_STATE_COLORS, state_color
from console.models.pods_table import PodsTableModel
from console.models.summary_text import callback_text, queue_text, resources_text, retry_text
from console.models.timeline import build_timeline_async
from console.session import ConnectionState, Session
from console.tasks import WidgetTasks
from console.views import export
from console.views.history_view import HistoryView
from console.views.log_view import LogView, saved_ring_lines
from console.views.payload_view import PayloadRow
from console.views.pods_view import BY_VERB, PodsView
from console.views.progress_chart import ProgressChart
from console.views.spec_editor import schema_pool
from console.views.timeline_feed import TimelineEvents
from console.views.timeline_view import TimelineView
from pelorus.api import job_pb2, pod_pb2, workflow_pb2
from pelorus.engine.states import short
from pelorus.errors import NotFound
from pelorus.specfile import dump_spec

ALL_PODS = -1
TIMELINE_EVERY = 3.0
TIMELINE_LEGEND = " ".join(
    f"<span style='color:{palette.css(POD_STATE_COLORS[s])}'>■</span>&nbsp;{s.lower()}"
    for s in ("PENDING", "LAUNCHING", "RUNNING", "SUCCEEDED", "FAILED", "KILLED"))
WF_RELOAD_MS = 200  # a followed job's workflows are reloaded at most this often
FRAME_MS = 16  # pods and log lines reach their models once a frame while the detail is on screen
BACKGROUND_MS = 1000  # hidden or minimised: they keep streaming, applied once a second
# "Collapse idle": what counts as an idle stretch (seconds, label); persisted in QSettings.
# The summary's row names, translated where they are shown (tr(label) in _fill_summary).
SUMMARY_ROWS = (QT_TRANSLATE_NOOP("JobDetailDialog", "Name"), QT_TRANSLATE_NOOP("JobDetailDialog", "ID"),
                QT_TRANSLATE_NOOP("JobDetailDialog", "Owner"), QT_TRANSLATE_NOOP("JobDetailDialog", "Description"),
                QT_TRANSLATE_NOOP("JobDetailDialog", "State"), QT_TRANSLATE_NOOP("JobDetailDialog", "Reason"),
                QT_TRANSLATE_NOOP("JobDetailDialog", "Version"), QT_TRANSLATE_NOOP("JobDetailDialog", "Instances"),
                QT_TRANSLATE_NOOP("JobDetailDialog", "Progress"), QT_TRANSLATE_NOOP("JobDetailDialog", "Labels"),
                QT_TRANSLATE_NOOP("JobDetailDialog", "Schedule"), QT_TRANSLATE_NOOP("JobDetailDialog", "Runs"),
                QT_TRANSLATE_NOOP("JobDetailDialog", "Attempts"), QT_TRANSLATE_NOOP("JobDetailDialog", "Queue"),
                QT_TRANSLATE_NOOP("JobDetailDialog", "Resources"), QT_TRANSLATE_NOOP("JobDetailDialog", "Callback"),
                QT_TRANSLATE_NOOP("JobDetailDialog", "Created"), QT_TRANSLATE_NOOP("JobDetailDialog", "Dispatched"),
                QT_TRANSLATE_NOOP("JobDetailDialog", "Started"), QT_TRANSLATE_NOOP("JobDetailDialog", "Updated"),
                QT_TRANSLATE_NOOP("JobDetailDialog", "Ended"), QT_TRANSLATE_NOOP("JobDetailDialog", "Next run"),
                QT_TRANSLATE_NOOP("JobDetailDialog", "Purged at"), QT_TRANSLATE_NOOP("JobDetailDialog", "Data"))
COLLAPSE_THRESHOLDS = ((1.0, "1 s"), (2.0, "2 s"), (5.0, "5 s"), (10.0, "10 s"), (30.0, "30 s"), (60.0, "1 min"),
                       (300.0, "5 min"), (900.0, "15 min"), (3600.0, "1 h"))
SETTING_COLLAPSE_THRESHOLD = "detail/timeline_collapse_threshold"
SETTING_COLLAPSE = "detail/timeline_collapse_idle"
TERMINAL = (job_pb2.JOB_STATE_SUCCEEDED, job_pb2.JOB_STATE_FAILED, job_pb2.JOB_STATE_KILLED,
            job_pb2.JOB_STATE_DELETED)


def _when(ts: object) -> str:
    """A timestamp with its zone (UTC or local, as the View menu says)."""
    return timefmt.fmt_ts(ts)




class JobDetail(QWidget):
    def __init__(self, session: Session, job_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.job_id = job_id
        self.job: Any = None
        self._tasks = WidgetTasks("job detail", show=self._show_task_error)
        self._closed = False
        self.background = False
        self._last_state = ""
        self.status_shown: Any = None  # the JobStatus on screen: the jobs table's row (see _follow)
        self.gone = False  # deleted or purged
        self._spec_shown: Any = None  # the JobInfo whose spec is on screen
        self._seen_in_table = False
        self._connected = session.state == ConnectionState.CONNECTED
        self._profile = session.profile_name  # the engine this job lives on
        self._pods_task: asyncio.Future[Any] | None = None
        self.setObjectName("jobDetail")
        self.setWindowTitle(f"Job {job_id}")  # a tab's text follows it (detail_tabs)
        self.resize(1180, 720)

        self.header = QLabel(self.tr("Loading…"))
        self.header.setObjectName("detailHeader")
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName(self.tr("Job detail"))
        self.tabs.setObjectName("detailTabs")

        # Summary
        self.summary = QWidget()
        self.summary_form = QFormLayout(self.summary)
        self.summary_labels: dict[str, QLabel] = {}
        self.payload_row = PayloadRow(self.summary)
        self.spec_text = QPlainTextEdit()
        self.spec_text.setAccessibleName(self.tr("Job spec"))
        self.spec_text.setReadOnly(True)
        self.spec_text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.spec_text.setFont(QFont("monospace"))
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.summary)
        split.addWidget(self.spec_text)
        split.setSizes([520, 620])
        self.tabs.addTab(split, self.tr("Summary"))

        # Pods
        self.pods_model = PodsTableModel(self)
        self.pods_view = PodsView(session, self.pods_model, self)
        self.pods = self.pods_view.table  # rowCount() = the pod count
        self.tabs.addTab(self.pods_view, self.tr("Pods"))

        # Logs
        logs = QWidget()
        self.log_pod_box = QComboBox()
        self.log_pod_box.setAccessibleName(self.tr("Pod whose log is shown"))
        self.log_pod_box.setObjectName("logPod")
        self.log_pod_box.setMinimumWidth(200)
        self.log_run_box = QComboBox()
        self.log_run_box.setAccessibleName(self.tr("Run of that pod"))
        self.log_run_box.setObjectName("logRun")
        self.log_run_box.setMinimumWidth(260)
        self.log_view = LogView(LogBuffer(capacity=saved_ring_lines(), parent=self), logs)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Pod:")))
        top.addWidget(self.log_pod_box)
        top.addWidget(QLabel(self.tr("Run:")))
        top.addWidget(self.log_run_box)
        top.addStretch(1)
        lay = QVBoxLayout(logs)
        lay.addLayout(top)
        lay.addWidget(self.log_view, 1)
        self.tabs.addTab(logs, self.tr("Logs"))

        # Progress
        self.progress = ProgressChart(self)
        self.progress.state_from_feed = True  # the chart's state line follows the table too
        self.tabs.addTab(self.progress, self.tr("Progress"))

        # Workflows
        wf = QWidget()
        self.workflows = QTreeWidget()
        self.workflows.setAccessibleName(self.tr("Workflows"))
        palette.notifier().changed.connect(self._recolour_workflows)  # items keep copies of colours
        self.workflows.setObjectName("workflowTree")
        self.workflows.setHeaderLabels(
            [self.tr("Workflow / event"), self.tr("State"), self.tr("Instances"), self.tr("When")]
        )
        self.workflows.setColumnWidth(0, 420)
        self.workflows.setColumnWidth(1, 140)
        self.workflows.setColumnWidth(2, 240)
        self.workflows.setAlternatingRowColors(True)
        self.refresh_workflows_button = QPushButton(self.tr("Refresh"))
        wl = QVBoxLayout(wf)
        row = QHBoxLayout()
        self.workflow_summary = QLabel("")
        row.addWidget(self.workflow_summary, 1)
        row.addWidget(self.refresh_workflows_button)
        self.workflows_shown: list[Any] = []  # the WorkflowInfos listed, newest first (to export)
        self.export_workflows_button = export.ExportButton([(
            self.tr("Workflow events"), "workflow-events",
            lambda: export_rows.workflow_event_records(self.workflows_shown), lambda: bool(self.workflows_shown))],
            self)
        row.addWidget(self.export_workflows_button)
        wl.addLayout(row)
        self.timeline = TimelineView()
        self.timeline_events = TimelineEvents()
        self.timeline.instanceClicked.connect(self._on_timeline_instance)
        # Timeline toolbar: act on the job's running workflow; collapse idle stretches.
        self.workflow_state = ""  # short state of the newest workflow ("" when none)
        self._wf_busy = False
        self.last_workflow_dialog: QMessageBox | None = None
        bar = QHBoxLayout()
        self.wf_buttons: dict[str, QPushButton] = {}
        for verb, text, tip in (
            ("pause", self.tr("Pause"), self.tr("Pause the running workflow after its current batch")),
            ("resume", self.tr("Resume"), self.tr("Resume the paused workflow")),
            ("abort", self.tr("Abort…"), self.tr("Abort the running workflow (asks first)")),
        ):
            b = QPushButton(text)
            b.setObjectName(f"workflow_{verb}")
            b.setToolTip(tip)
            b.setEnabled(False)
            b.clicked.connect(lambda _c=False, v=verb: self.workflow_action(v))
            self.wf_buttons[verb] = b
            bar.addWidget(b)
        self.collapse_button = QPushButton(self.tr("Collapse idle"))
        self.collapse_button.setObjectName("timelineCollapse")
        self.collapse_button.setCheckable(True)
        self.collapse_threshold_box = QComboBox()
        self.collapse_threshold_box.setAccessibleName(self.tr("Idle time to collapse"))
        self.collapse_threshold_box.setObjectName("timelineCollapseThreshold")
        for seconds, _text in COLLAPSE_THRESHOLDS:
            self.collapse_threshold_box.addItem(self.tr("over {0}").format(timefmt.fmt_span(seconds)), seconds)
        self.collapse_threshold_box.setToolTip(
            self.tr("What counts as idle: no event and no state change for this long")
        )
        settings = QSettings()
        self._restore_collapse(settings.value(SETTING_COLLAPSE_THRESHOLD), settings.value(SETTING_COLLAPSE))
        self.collapse_button.toggled.connect(self._on_collapse_toggled)
        self.collapse_threshold_box.currentIndexChanged.connect(lambda _i: self._on_collapse_threshold())
        fit = QPushButton(self.tr("Fit"))
        fit.setObjectName("timelineFit")
        fit.clicked.connect(self.timeline.fit)
        bar.addWidget(self.collapse_button)
        bar.addWidget(self.collapse_threshold_box)
        bar.addWidget(fit)
        self.workflow_message = QLabel("")
        self.workflow_message.setObjectName("workflowMessage")
        self.workflow_message.setWordWrap(True)
        self.workflow_message.setTextFormat(Qt.TextFormat.PlainText)
        bar.addWidget(self.workflow_message, 1)
        wl.addLayout(bar)
        scroll = QScrollArea()
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the timeline itself, one stop
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.timeline)
        wsplit = QSplitter(Qt.Orientation.Vertical)
        wsplit.addWidget(scroll)
        wsplit.addWidget(self.workflows)
        wsplit.setSizes([330, 250])
        wl.addWidget(wsplit, 1)
        self._timeline_at = 0.0
        self.workflows_tab = wf
        self.tabs.addTab(wf, self.tr("Workflows"))
        self.history = HistoryView(session, job_id, self)  # versions, diff, revert (loads when shown)
        self.tabs.addTab(self.history, self.tr("History"))

        self.status = QLabel("")
        self.status.setObjectName("detailStatus")
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.status)

        self._log_pod_instance: int | None = None
        self._log_pod_id = ""  # the run being tailed when "current run" is chosen
        self.pods_view.podSelected.connect(self._on_pod_selected)
        self.pods_view.runLogsRequested.connect(self._on_run_logs)
        self.pods_view.actionDone.connect(self._on_action_done)
        self.pods_model.podChanged.connect(self._on_pod_changed)
        self.pods_model.rowsInserted.connect(lambda *_: self._sync_pod_box())
        self.pods_model.modelReset.connect(self._sync_pod_box)
        self.log_pod_box.activated.connect(lambda _i: self._on_log_pod_chosen())
        self.log_run_box.activated.connect(lambda _i: self._retail())
        self.progress.sampled.connect(self._on_progress)
        self.refresh_workflows_button.clicked.connect(lambda: self._spawn(self.load_workflows()))
        self.tabs.currentChanged.connect(self._on_tab_changed)
        # Follow the job through the jobs table's feed (bound methods: disconnected when this goes).
        model = session.jobs_model
        model.rowsUpdated.connect(self._on_table_rows)
        model.rowsInserted.connect(self._follow)
        model.rowsRemoved.connect(self._follow)
        model.modelReset.connect(self._follow)
        session.stateChanged.connect(self._on_session_state)
        # Workflow changes come in bursts (a rolling update moves its counts with every instance): at
        # most one reload per WF_RELOAD_MS, never two at once, and the last change always reloaded.
        self._wf_timer = QTimer(self)
        self._wf_timer.setSingleShot(True)
        self._wf_timer.setInterval(WF_RELOAD_MS)
        self._wf_timer.timeout.connect(self._reload_workflows)
        self._wf_loading = False
        self._wf_again = False
        self._callback = ""  # the callback's last delivery, from the workflows' job events
        # Countdowns ("next in 8 s") and relative times tick while the Summary is on screen.
        self._summary_timer = QTimer(self)
        self._summary_timer.setInterval(1000)
        self._summary_timer.timeout.connect(self._tick_summary)
        self._summary_timer.start()

    def _tick_summary(self) -> None:
        """The relative times again; never for a job that is gone (its header says DELETED, not the
        last state it was shown in: the tick redrew SUCCEEDED over it now and then)."""
        if (self.job is not None and not self.gone and not self.background and not self._closed
                and self.tabs.currentIndex() == 0):
            self._fill_summary(self.job)

    def _recolour_workflows(self, _theme: str = "") -> None:
        """A theme switch: the workflow rows' state colours again (items hold copies)."""
        it = QTreeWidgetItemIterator(self.workflows)
        while (item := it.value()) is not None:
            state = item.text(1)
            if state:
                item.setForeground(1, WORKFLOW_STATE_COLORS.get(state, state_color(state)))
            it += 1

    def refresh_times(self) -> None:
        """Times are now shown in the other zone (View menu): redraw what shows them."""
        if self.job is not None:
            self._fill_summary(self.job)
            self._spawn(self.load_workflows())
        self.pods_model.layoutChanged.emit()
        self.history.refresh_times()

    # -- tasks ---------------------------------------------------------------------------------
    def _spawn(self, coro: Any) -> asyncio.Future[Any]:
        return self._tasks.start(coro)

    def _show_task_error(self, text: str) -> None:
        self.status.setText(palette.span(text, palette.ERROR))

    def all_tasks(self) -> set[asyncio.Task[Any]]:
        """Every task this dialog and its tabs run (tests check they all end on close)."""
        return (set(self._tasks) | set(self.log_view._tasks) | set(self.progress._tasks)
                | set(self.pods_view._tasks) | self.history.tasks())

    def stop_streams(self) -> None:
        self._closed = True
        self.history.stop()
        self._wf_timer.stop()
        self._summary_timer.stop()
        self._tasks.close()
        self.log_view.stop()
        self.progress.stop()
        self.progress._closed = True
        self.progress.timer.stop()
        self.pods_view.stop()
        for tasks in (self.log_view._tasks, self.progress._tasks, self.pods_view._tasks):
            tasks.close()  # for good: nothing started later calls back into a tab about to be deleted

    def set_background(self, background: bool) -> None:
        """Hidden or minimised: every stream stays open but runs slowly (progress every 10 s, pods and
        log lines applied once a second, no timeline refresh); on screen again: full rate."""
        self.background = background
        self.progress.set_background(background)
        interval = BACKGROUND_MS if background else FRAME_MS
        self.pods_model.set_interval(interval)
        self.log_view.buffer.set_interval(interval)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.WindowStateChange:
            self.set_background(self.isMinimized() or not self.isVisible())
        super().changeEvent(event)

    def hideEvent(self, event: Any) -> None:
        if not self._closed:
            self.set_background(True)  # keeps streaming, slowly
        super().hideEvent(event)

    def showEvent(self, event: Any) -> None:
        self.set_background(self.isMinimized())
        super().showEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.stop_streams()
        super().closeEvent(event)

    # -- loading -------------------------------------------------------------------------------
    async def load(self) -> None:
        try:
            resp = await self.session.get_job(self.job_id)
        except NotFound:
            self._job_gone()
            return
        except Exception as exc:  # noqa: BLE001 - shown to the operator as a sentence
            self.status.setText(palette.span(error_text(exc), palette.ERROR))
            return
        if self._closed:
            return
        self.job = resp.job_info
        self._fill_summary(self.job)
        client = self.session
        self._start_pod_feed()
        self.progress.watch(client, self.job_id)
        self._follow()
        await self.load_workflows()

    def _start_pod_feed(self) -> None:
        if self._pods_task is not None and not self._pods_task.done():
            self._pods_task.cancel()
        self._pods_task = self._spawn(self.session.pod_feed(
            self.job_id, self._on_pods_snapshot, self.pods_model.push, self._on_feed_state))

    # -- following the job: the jobs table's row, new versions, new runs, deletion, reconnects ----
    def _on_table_rows(self, rows: list[int]) -> None:
        row = self.session.jobs_model.row_of(self.job_id)
        if row is None:
            return
        i = bisect.bisect_left(rows, row)  # ascending (JobsTableModel.rowsUpdated); a flush may hold 20k
        if i < len(rows) and rows[i] == row:
            self._follow()

    def _follow(self, *_args: Any) -> None:
        """Show the job's row of the jobs table (called on every table change touching it)."""
        if self._closed or self.job is None or self.session.profile_name != self._profile:
            return
        model = self.session.jobs_model
        row = model.row_of(self.job_id)
        if row is None:
            # Gone from a live table it was in: deleted or purged (a stale or empty table says nothing).
            if self._seen_in_table and not self.gone and self.session.state == ConnectionState.CONNECTED \
                    and not model.is_stale():
                self._job_gone()
            return
        self._seen_in_table = True
        summary = model.summary(row)
        if self.gone:  # the same id again (created anew): follow it from scratch
            self.gone = False
            self.timeline_events.reset()
            self._spawn(self.load())
            return
        old, st = self.status_shown, summary.status
        if old is not None and old.SerializeToString(deterministic=True) == st.SerializeToString(deterministic=True):
            return
        self.status_shown = st
        self._fill_summary(self.job)
        if old is None:
            return
        client = self.session
        if st.version.value != old.version.value:
            self._spawn(self.refresh_job())  # a new spec (replace) or a new run: re-read it
        new_run = st.run_count != old.run_count or (old.state in TERMINAL and st.state not in TERMINAL)
        if new_run:
            self.progress.new_run(client)
        elif st.state not in TERMINAL and not self.progress.streaming:
            self.progress.resume(client)
        if (st.state != old.state or st.workflow_status.SerializeToString(deterministic=True)
                != old.workflow_status.SerializeToString(deterministic=True)) and not self._wf_timer.isActive():
            self._wf_timer.start()

    def _reload_workflows(self) -> None:
        if self._closed or self.gone:
            return
        if self._wf_loading:
            self._wf_again = True
            return
        self._wf_loading = True
        self._spawn(self._reload_workflows_once())

    async def _reload_workflows_once(self) -> None:
        try:
            await self.load_workflows()
        finally:
            self._wf_loading = False
            if self._wf_again and not self._closed:  # closed meanwhile: its timer stays stopped
                self._wf_again = False
                self._wf_timer.start()

    def _job_gone(self) -> None:
        """Deleted or purged: say so, end the streams that would only fail, empty the pods."""
        self.gone = True
        name = self.job.spec.name if self.job is not None else self.job_id
        expires = self.status_shown.expires_at.seconds if self.status_shown is not None else 0
        why = self.tr("purged after its time-to-live") if expires and time.time() >= expires - 1 else self.tr("deleted")
        self.setWindowTitle(self.tr("Job {0} — DELETED").format(name))
        self.header.setText(
            f"<span style='font-size:14pt'><b>{name}</b></span>  "
            f"<b>{palette.span('DELETED', palette.TEXT_MUTED)}</b>  "
            + palette.span(self.tr("{0} · {1}: no longer on the engine").format(self.job_id, why), palette.TEXT_MUTED)
        )
        if "State" in self.summary_labels:
            self.summary_labels["State"].setText("DELETED")
            self.summary_labels["State"].setStyleSheet(f"color:{palette.css(palette.TEXT_MUTED)}; font-weight:bold")
        if self._pods_task is not None:
            self._pods_task.cancel()
        self.pods_model.reset([], 0)
        self.progress.stop()
        self.progress.set_state("DELETED")
        self.log_view.stop()
        self.status.setText(self.tr("The job was {0}; what is shown is its last state.").format(why))

    def _on_session_state(self, state: str, _detail: str) -> None:
        connected = state == ConnectionState.CONNECTED.value
        was, self._connected = self._connected, connected
        if not connected or was or self._closed or self.job is None or self.gone:
            return
        if self.session.profile_name != self._profile:  # switched to another engine: not this job's
            self.stop_streams()
            note = self.tr("· shown as last seen on {0}; the console is now on {1}").format(
                self._profile, self.session.profile_name
            )
            self.header.setText(self.header.text() + "  " + palette.span(note, palette.ERROR))
            return
        # Back on an engine (a reconnect, a restarted embedded engine, maybe a new client): reopen
        # every stream and re-read what may have changed meanwhile.
        self._start_pod_feed()
        self.progress.resume(self.session)
        self._retail()
        self._spawn(self.refresh_job())
        self._spawn(self.load_workflows())

    def _fill_summary(self, info: Any) -> None:
        st = self.status_shown if self.status_shown is not None else info.status
        state = short(job_pb2.JobState.Name(st.state))
        self.setWindowTitle(f"Job {info.spec.name} — {state}")
        color = palette.css(state_color(state))
        self.header.setText(f"<span style='font-size:14pt'><b>{info.spec.name}</b></span>  "
                            f"<span style='color:{color}; font-weight:bold'>{state}</span>  "
                            + palette.span(info.job_id, palette.TEXT_MUTED))
        now = time.time()
        schedule = timefmt.schedule_words(info.spec.schedule, timefmt.seconds_of(st.next_run_at), now)
        pods = self.pods_model.pods()
        rows = [
            ("Name", info.spec.name),
            ("ID", info.job_id),
            ("Owner", info.spec.owner),
            ("Description", info.spec.description),
            ("State", state),
            ("Reason", f"{st.reason} {st.message}".strip()),
            ("Version", str(st.version.value)),
            (
                "Instances",
                (
                    self.tr("{0} ({1} done, {2} failed; {3} failure(s) tolerated)").format(
                        info.spec.instance_count, st.instances_done, st.instances_failed, info.spec.max_failed_instances
                    )
                ),
            ),
            ("Progress", self.tr("{0} ok, {1} failed, {2} left").format(st.progress.successful, st.progress.failed,
                                                                         st.progress.remaining)),
            ("Labels", ", ".join(f"{k}={v}" for k, v in sorted(info.spec.labels.items()))),
            ("Schedule", schedule),
            ("Runs", str(st.run_count)),
            ("Attempts", retry_text(info.spec.default_spec.max_attempts, pods, now)),
            ("Queue", queue_text(pods, now)),
            ("Resources", resources_text(info.spec.default_spec.resources)),
            ("Callback", (self._callback or self.tr("not delivered yet")) if info.spec.callback_url else ""),
            ("Created", _when(st.created_at)),
            ("Dispatched", _when(st.dispatched_at)),
            ("Started", _when(st.started_at)),
            ("Updated", _when(st.updated_at)),
            ("Ended", _when(st.ended_at)),
            ("Next run", _when(st.next_run_at)),
            ("Purged at", _when(st.expires_at)),
        ]
        stamps = {"Created": st.created_at, "Dispatched": st.dispatched_at, "Started": st.started_at,
                  "Updated": st.updated_at, "Ended": st.ended_at, "Next run": st.next_run_at,
                  "Purged at": st.expires_at}
        for label, value in rows:
            lab = self.summary_labels.get(label)
            if lab is None:
                lab = QLabel()
                lab.setObjectName(f"summary_{label.replace(' ', '_').lower()}")
                lab.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                lab.setWordWrap(True)
                self.summary_labels[label] = lab
                self.summary_form.addRow(self.tr("{0}:").format(translate("JobDetailDialog", label)), lab)
            if lab.text() != value:
                lab.setText(value)
            if label in stamps:
                lab.setToolTip(timefmt.time_tip(timefmt.seconds_of(stamps[label]), now) if value else "")
            self.summary_form.setRowVisible(lab, bool(value) or label in ("State", "Version", "Runs"))
        self.summary_labels["State"].setStyleSheet(f"color:{color}; font-weight:bold")
        if "Data" not in self.summary_labels:
            self.summary_labels["Data"] = self.payload_row.label
            self.summary_form.addRow(self.tr("{0}:").format(translate("JobDetailDialog", "Data")), self.payload_row)
        self.progress.set_state(state)
        if info is self._spec_shown:
            return  # a status change: the spec (YAML, payload) is as shown
        self._spec_shown = info
        pool = schema_pool(self)
        editor = getattr(self.window(), "proto_editor", None)
        self.payload_row.set_payload(info.spec.data if info.spec.HasField("data") else None, pool,
                                     getattr(editor, "registry", None))
        spec_yaml = dump_spec(info.spec, pool)
        if self.spec_text.toPlainText() != spec_yaml:
            self.spec_text.setPlainText(spec_yaml)

    async def refresh_job(self) -> None:
        try:
            resp = await self.session.get_job(self.job_id)
        except NotFound:
            if not self.gone:
                self._job_gone()
            return
        if self._closed or self.gone:
            return
        self.job = resp.job_info
        self._fill_summary(self.job)

    async def load_workflows(self) -> None:
        try:
            workflows = await self.session.list_workflows(self.job_id, instance_events=True)
        except NotFound:
            return  # deleted meanwhile: _follow says so
        if self._closed:
            return
        self.workflows.clear()
        self.workflows_shown = list(workflows)
        for wf in workflows:
            s = wf.status
            state = short(workflow_pb2.WorkflowState.Name(s.state))
            kind = short(workflow_pb2.WorkflowType.Name(s.type))
            top = QTreeWidgetItem(
                [
                    f"{kind}  {s.workflow_id[:8]}",
                    state,
                    self.tr("{0} done, {1} remaining, {2} failed").format(
                        s.num_instances_completed, s.num_instances_remaining, s.num_instances_failed
                    )
                    + (self.tr(", batch {0}").format(s.batch_size) if s.batch_size else ""),
                    _when(s.created_at),
                ]
            )
            top.setForeground(1, WORKFLOW_STATE_COLORS.get(state, state_color(state)))
            for ev in wf.events:
                ev_state = short(workflow_pb2.WorkflowState.Name(ev.state))
                child = QTreeWidgetItem([ev.message or ev_state, ev_state, "", _when(ev.timestamp)])
                child.setForeground(1, WORKFLOW_STATE_COLORS.get(ev_state, state_color(ev_state)))
                top.addChild(child)
            if wf.instance_events:
                inst_root = QTreeWidgetItem(
                    [self.tr("Per-instance events ({0} instances)").format(len(wf.instance_events)), "", "", ""]
                )
                for ie in wf.instance_events:
                    inst = QTreeWidgetItem(
                        [
                            self.tr("instance {0}").format(ie.instance_id),
                            "",
                            self.tr("{0} event(s)").format(len(ie.events)),
                            "",
                        ]
                    )
                    for ev in ie.events:
                        ev_state = short(workflow_pb2.WorkflowState.Name(ev.state))
                        inst.addChild(QTreeWidgetItem([ev.message or ev_state, ev_state, "", _when(ev.timestamp)]))
                    inst_root.addChild(inst)
                top.addChild(inst_root)
            self.workflows.addTopLevelItem(top)
        if (newest_item := self.workflows.topLevelItem(0)) is not None:
            newest_item.setExpanded(True)
        newest = workflows[0].status if workflows else None
        self.workflow_state = short(workflow_pb2.WorkflowState.Name(newest.state)) if newest is not None else ""
        callback = callback_text(workflows)
        if callback != self._callback and self.job is not None:
            self._callback = callback
            self._fill_summary(self.job)
        self._workflow_kind = short(workflow_pb2.WorkflowType.Name(newest.type)) if newest is not None else ""
        self._workflow_numbers = (newest.type, newest.state) if newest is not None else (0, 0)
        self._sync_workflow_buttons()
        self.workflow_summary.setText(
            self.tr(
                "{0} workflow(s) · timeline: wheel zooms, drag pans, F fits, click a lane to select its pod · {1}"
            ).format(len(workflows), TIMELINE_LEGEND)
        )
        try:
            await self._load_timeline(workflows)
        except NotFound:
            return  # the job or a pod went meanwhile

    async def _load_timeline(self, workflows: list[Any]) -> None:
        self._timeline_at = time.monotonic()
        # Every instance's events, page by page; later loads fetch only what is new (timeline_feed.py).
        await self.timeline_events.update(self.session, self.job_id)
        if self._closed:
            return
        instances = [p.instance_id for p in self.pods_model.pods()]
        # Built in slices between frames: 100,000 events took 0.35-0.7 s on the UI thread in one go.
        timeline = await build_timeline_async(workflows, self.timeline_events.for_instances(instances), time.time())
        if self._closed:
            return
        first = not self.timeline.timeline.intervals
        self.timeline.set_timeline(timeline, fit=first)

    # -- timeline toolbar: pause / resume / abort the running workflow ------------------------------
    def _sync_workflow_buttons(self) -> None:
        """Enabled by the action table's rules (console/actions.py) for the newest workflow."""
        kind, state = getattr(self, "_workflow_numbers", (0, 0))
        facts = JobFacts(self.job_id, "", workflow_type=kind, workflow_state=state)
        for verb, button in self.wf_buttons.items():
            button.setEnabled(not self._wf_busy and why_not(ACTIONS[Name(verb)], facts) is None)

    def workflow_action(self, verb: str) -> None:
        """Toolbar button: pause / resume now; abort after a confirmation naming the job."""
        if verb != "abort":
            self._spawn(self._run_workflow_action(verb))
            return
        name = self.job.spec.name if self.job is not None else self.job_id
        kind = getattr(self, "_workflow_kind", "").lower() or "running"
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            self.tr("Abort workflow?"),
            self.tr("<b>Abort</b> the {0} workflow of job <b>{1}</b> ({2})?").format(kind, name, self.job_id),
            QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setObjectName("workflowAbortConfirm")
        box.setInformativeText(self.tr("Instances not yet reached stay as they are; the workflow cannot be resumed."))
        ok = box.addButton(self.tr("Abort workflow"), QMessageBox.ButtonRole.DestructiveRole)
        ok.setObjectName("workflowAbortButton")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)

        def finished(_result: int) -> None:
            self.last_workflow_dialog = None
            if box.clickedButton() is ok:
                self._spawn(self._run_workflow_action("abort"))
            box.deleteLater()

        box.finished.connect(finished)
        self.last_workflow_dialog = box
        box.open()  # never exec(): the app runs on a qasync loop

    async def _run_workflow_action(self, verb: str) -> None:
        """Pause / resume / abort through the session's action table (abort was confirmed above)."""
        self._wf_busy = True
        self._sync_workflow_buttons()
        self.workflow_message.setStyleSheet("")
        self.workflow_message.setText(self.tr("{0}…").format(action_text(ACTIONS[Name(verb)].verb)))
        try:
            outcome = await self.session.perform_on_jobs(Name(verb), [self.job_id], confirmer=already_confirmed)
        except Exception as exc:  # noqa: BLE001 - shown to the operator as a sentence
            self.workflow_message.setStyleSheet(f"color:{palette.css(palette.ERROR)}")
            self.workflow_message.setText(error_text(exc))
        else:
            if not outcome.done:
                self.workflow_message.setStyleSheet(f"color:{palette.css(palette.ERROR)}")
            self.workflow_message.setText(
                self.tr("{0} requested.").format(action_text(ACTIONS[Name(verb)].verb))
                if outcome.done
                else outcome.message(translate)
            )
        finally:
            self._wf_busy = False
            self._sync_workflow_buttons()
        if not self._closed:
            await self.load_workflows()

    # -- timeline: collapse idle stretches (threshold and on/off persisted) ---------------------------
    def _restore_collapse(self, threshold: object, on: object) -> None:
        seconds = self.timeline.collapse_threshold
        if isinstance(threshold, (int, float, str)):  # QSettings: a number, or text in an ini file
            try:
                seconds = float(threshold)
            except ValueError:
                pass
        # the nearest offered duration (a value from an older version or hand-edited file)
        index = min(range(len(COLLAPSE_THRESHOLDS)), key=lambda i: abs(COLLAPSE_THRESHOLDS[i][0] - seconds))
        self.collapse_threshold_box.setCurrentIndex(index)
        self.timeline.collapse_threshold = COLLAPSE_THRESHOLDS[index][0]
        enabled = on is None or on in (True, "true", "1", 1)  # collapsed unless the operator chose real time
        self.collapse_button.setChecked(enabled)
        if enabled:
            self.timeline.set_collapse(True)
        self._update_collapse_tip()

    def _update_collapse_tip(self) -> None:
        self.collapse_button.setToolTip(
            self.tr("Squeeze stretches with no event for over {0} into a narrow band").format(
                timefmt.fmt_span(COLLAPSE_THRESHOLDS[max(self.collapse_threshold_box.currentIndex(), 0)][0])
            )
        )

    def _on_collapse_toggled(self, on: bool) -> None:
        self.timeline.set_collapse(on)
        QSettings().setValue(SETTING_COLLAPSE, on)

    def _on_collapse_threshold(self) -> None:
        seconds = float(self.collapse_threshold_box.currentData())
        QSettings().setValue(SETTING_COLLAPSE_THRESHOLD, seconds)
        self._update_collapse_tip()
        if self.collapse_button.isChecked():
            self.timeline.set_collapse(True, seconds)
        else:
            self.timeline.collapse_threshold = seconds

    def set_collapse_threshold(self, seconds: float) -> None:
        """Choose the offered duration nearest ``seconds`` (as the operator would in the toolbar)."""
        index = min(range(len(COLLAPSE_THRESHOLDS)), key=lambda i: abs(COLLAPSE_THRESHOLDS[i][0] - seconds))
        self.collapse_threshold_box.setCurrentIndex(index)

    def _on_tab_changed(self, _index: int) -> None:
        # The timeline is not refreshed while out of sight: catch up as soon as it is looked at.
        if (self.tabs.currentWidget() is self.workflows_tab and self.job is not None and not self._closed
                and time.monotonic() - self._timeline_at > 1.0):
            self._timeline_at = time.monotonic()
            self._spawn(self.load_workflows())

    def _on_timeline_instance(self, instance: int) -> None:
        self.pods_view.select_instance(instance)

    # -- pods feed -----------------------------------------------------------------------------
    def _on_pods_snapshot(self, pods: list[Any], revision: int) -> None:
        self.pods_model.reset(pods, revision)
        if self._log_pod_instance is None and pods:
            running = [p for p in pods if p.status.pod_id]
            first = min(running or pods, key=lambda p: p.instance_id)
            self.show_logs_of(first.instance_id)

    def _on_feed_state(self, state: str, detail: str) -> None:
        self.status.setText(self.tr("pods feed: {0}").format(state) + (f" — {detail}" if detail else ""))

    def _on_action_done(self, verb: str, pod_name: str, error: str) -> None:
        shown = action_text(ACTIONS[BY_VERB[verb]].verb) if verb in BY_VERB else verb  # "Stop" / "停止"
        if error:
            self.status.setText(palette.span(self.tr("{0} {1}: {2}").format(shown, pod_name, error), palette.ERROR))
        else:
            self.status.setText(self.tr("{0} {1}: requested").format(shown, pod_name))

    # -- logs ----------------------------------------------------------------------------------
    def _sync_pod_box(self) -> None:
        want = [(ALL_PODS, self.tr("All pods (merged)"))] + [
            (p.instance_id, self.tr("instance {0}").format(p.instance_id)) for p in self.pods_model.pods()]
        have = [(self.log_pod_box.itemData(i), self.log_pod_box.itemText(i)) for i in range(self.log_pod_box.count())]
        if want == have:
            return
        current = self.log_pod_box.currentData()
        self.log_pod_box.blockSignals(True)
        self.log_pod_box.clear()
        for data, text in want:
            self.log_pod_box.addItem(text, data)
        idx = self.log_pod_box.findData(current if current is not None else self._log_pod_instance)
        self.log_pod_box.setCurrentIndex(max(idx, 0))
        self.log_pod_box.blockSignals(False)

    def _pod_name(self, instance: int) -> str:
        return f"{self.job_id}-{instance}"

    def show_logs_of(self, instance: int, pod_id: str = "") -> None:
        """Tail ``instance`` (ALL_PODS: every pod merged): its current run, or the run ``pod_id``."""
        self._sync_pod_box()
        idx = self.log_pod_box.findData(instance)
        if idx >= 0:
            self.log_pod_box.setCurrentIndex(idx)
        self._log_pod_instance = instance
        self.log_run_box.clear()
        self.log_run_box.addItem(self.tr("current run"), "")
        if pod_id and instance != ALL_PODS:
            self.log_run_box.addItem(pod_id, pod_id)  # described once GetPod answers (_load_runs)
            self.log_run_box.setCurrentIndex(1)
        self.log_run_box.setEnabled(instance != ALL_PODS)
        self._retail()
        if instance != ALL_PODS:
            self._spawn(self._load_runs(instance))

    def _on_log_pod_chosen(self) -> None:
        data = self.log_pod_box.currentData()
        if data is not None:
            self.show_logs_of(int(data))

    async def _load_runs(self, instance: int) -> None:
        resp = await self.session.get_pod(self._pod_name(instance))
        if self._log_pod_instance != instance:
            return
        current = resp.current.status.pod_id
        self.log_run_box.setItemText(
            0, self.tr("current run ({0})").format(current) if current else self.tr("current run")
        )
        for prev in resp.previous:
            st = prev.status
            ended = short(pod_pb2.PodState.Name(st.state))
            text = (self.tr("{0} — {1}, started {2}").format(st.pod_id, ended, _when(st.started_at))
                    + (self.tr(", exit {0}").format(st.exit_code) if st.has_exit_code else ""))
            have = self.log_run_box.findData(st.pod_id)
            if have >= 0:
                self.log_run_box.setItemText(have, text)
            else:
                self.log_run_box.addItem(text, st.pod_id)

    def _retail(self) -> None:
        instance = self._log_pod_instance
        if instance is None or self._closed:
            return
        client = self.session
        if instance == ALL_PODS:
            targets = [(p.pod_name, p.instance_id) for p in self.pods_model.pods()]
            self._log_pod_id = ""
            self.log_view.tail(client, targets)
            return
        pod_id = self.log_run_box.currentData() or ""
        pod = self.pods_model.by_name(self._pod_name(instance))
        self._log_pod_id = pod.status.pod_id if (pod is not None and not pod_id) else pod_id
        self.log_view.tail(client, [(self._pod_name(instance), instance)], pod_id)

    def _on_run_logs(self, _pod_name: str, instance: int, pod_id: str) -> None:
        self.show_logs_of(instance, pod_id)
        if (page := self.log_view.parentWidget()) is not None:
            self.tabs.setCurrentIndex(self.tabs.indexOf(page))

    def _on_pod_selected(self, pod_name: str, instance: int) -> None:
        if instance != self._log_pod_instance:
            self.show_logs_of(instance)

    def _on_pod_changed(self, pod_name: str) -> None:
        # A new run of the tailed pod (restart / retry): follow it when "current run" is chosen.
        inst = self._log_pod_instance
        if inst is None or inst == ALL_PODS or pod_name != self._pod_name(inst) or self.log_run_box.currentData():
            return
        pod = self.pods_model.by_name(pod_name)
        if pod is not None and pod.status.pod_id and pod.status.pod_id != self._log_pod_id:
            self.show_logs_of(inst)

    # -- live job state --------------------------------------------------------------------------
    def _on_progress(self) -> None:
        # The summary and header follow the jobs table (_follow); samples only grow the timeline.
        state = self.progress.state_name
        if (self.timeline.isVisible() and time.monotonic() - self._timeline_at > TIMELINE_EVERY
                and state in ("RUNNING", "PENDING", "KILLING")):
            self._timeline_at = time.monotonic()
            self._spawn(self.load_workflows())  # the timeline grows while the job runs


JobDetailDialog = JobDetail  # its name while it was a window of its own (kept for code written against it)
