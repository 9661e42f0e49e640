"""Job detail: summary, pods, logs, live progress and workflows of one job.

``JobDetailDialog(session, job_id, parent)`` then ``await dialog.load()``: load reads the job once,
fills the summary, and starts the live streams — the pods feed (ListPods + Watch), the progress
watch (WatchJob) and a log tail — as tasks kept in sets and cancelled when the dialog closes.
Several details can be open at once; each is its own window.  Hidden or minimised, a detail keeps
its streams open but slows them (``set_background``): progress every 10 s, pods and log lines
applied once a second, no timeline refresh until the Workflows tab is looked at again.

Tabs: Summary (form + spec YAML) · Pods (table with previous runs beneath each instance, actions,
events) · Logs (one pod or all merged, any run) · Progress (charts, incl. the current rolling
workflow's instances) · Workflows (timeline with pause / resume / abort and "collapse idle" over a
chosen duration — persisted in QSettings — and each workflow with its events).
"""

from __future__ import annotations

import asyncio
import time
from datetime import datetime
from typing import Any

from PySide6.QtCore import QEvent, QSettings, Qt
from PySide6.QtGui import QCloseEvent, QFont
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
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
    QVBoxLayout,
    QWidget,
)

from console.models.log_buffer import LogBuffer
from console.models.palette import WORKFLOW_STATE_COLORS, state_color
from console.models.pods_table import POD_STATE_COLORS, PodsTableModel
from console.models.timeline import build_timeline
from console.session import Session
from console.views.log_view import LogView, saved_ring_lines
from console.views.pods_view import PodsView
from console.views.progress_chart import ProgressChart
from console.views.timeline_view import TimelineView
from pelorus.api import job_pb2, pod_pb2, workflow_pb2
from pelorus.engine.states import short
from pelorus.specfile import dump_spec

ALL_PODS = -1
TIMELINE_MAX_PODS = 300  # pod events are fetched per pod: a first version, for jobs of moderate size
TIMELINE_EVERY = 3.0
TIMELINE_LEGEND = " ".join(
    f"<span style='color:{POD_STATE_COLORS[s].name()}'>■</span>&nbsp;{s.lower()}"
    for s in ("PENDING", "LAUNCHING", "RUNNING", "SUCCEEDED", "FAILED", "KILLED"))
FRAME_MS = 16  # pods and log lines reach their models once a frame while the detail is on screen
BACKGROUND_MS = 1000  # hidden or minimised: they keep streaming, applied once a second
# Workflow states the timeline toolbar acts on (short names).
WF_PAUSABLE = frozenset({"INITIALIZED", "ROLLING_FORWARD", "ROLLING_BACKWARD"})
WF_ACTIVE = WF_PAUSABLE | {"PAUSED"}
# "Collapse idle": what counts as an idle stretch (seconds, label); persisted in QSettings.
COLLAPSE_THRESHOLDS = ((1.0, "1 s"), (2.0, "2 s"), (5.0, "5 s"), (10.0, "10 s"), (30.0, "30 s"), (60.0, "1 min"),
                       (300.0, "5 min"), (900.0, "15 min"), (3600.0, "1 h"))
SETTING_COLLAPSE_THRESHOLD = "detail/timeline_collapse_threshold"
SETTING_COLLAPSE = "detail/timeline_collapse_idle"
TERMINAL = (job_pb2.JOB_STATE_SUCCEEDED, job_pb2.JOB_STATE_FAILED, job_pb2.JOB_STATE_KILLED,
            job_pb2.JOB_STATE_DELETED)


def _when(ts: object) -> str:
    seconds = getattr(ts, "seconds", 0)
    return datetime.fromtimestamp(seconds).strftime("%Y-%m-%d %H:%M:%S") if seconds else ""


class JobDetailDialog(QDialog):
    def __init__(self, session: Session, job_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.job_id = job_id
        self.job: Any = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._closed = False
        self.background = False
        self._last_state = ""
        self.setObjectName("jobDetail")
        self.setWindowTitle(f"Job {job_id}")
        self.setWindowFlag(Qt.WindowType.WindowMinMaxButtonsHint, True)
        self.resize(1180, 720)

        self.header = QLabel("Loading…")
        self.header.setObjectName("detailHeader")
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("detailTabs")

        # Summary
        self.summary = QWidget()
        self.summary_form = QFormLayout(self.summary)
        self.summary_labels: dict[str, QLabel] = {}
        self.spec_text = QPlainTextEdit()
        self.spec_text.setReadOnly(True)
        self.spec_text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.spec_text.setFont(QFont("monospace"))
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.summary)
        split.addWidget(self.spec_text)
        split.setSizes([520, 620])
        self.tabs.addTab(split, "Summary")

        # Pods
        self.pods_model = PodsTableModel(self)
        self.pods_view = PodsView(session, self.pods_model, self)
        self.pods = self.pods_view.table  # rowCount() = the pod count
        self.tabs.addTab(self.pods_view, "Pods")

        # Logs
        logs = QWidget()
        self.log_pod_box = QComboBox()
        self.log_pod_box.setObjectName("logPod")
        self.log_pod_box.setMinimumWidth(200)
        self.log_run_box = QComboBox()
        self.log_run_box.setObjectName("logRun")
        self.log_run_box.setMinimumWidth(260)
        self.log_view = LogView(LogBuffer(capacity=saved_ring_lines(), parent=self), logs)
        top = QHBoxLayout()
        top.addWidget(QLabel("Pod:"))
        top.addWidget(self.log_pod_box)
        top.addWidget(QLabel("Run:"))
        top.addWidget(self.log_run_box)
        top.addStretch(1)
        lay = QVBoxLayout(logs)
        lay.addLayout(top)
        lay.addWidget(self.log_view, 1)
        self.tabs.addTab(logs, "Logs")

        # Progress
        self.progress = ProgressChart(self)
        self.tabs.addTab(self.progress, "Progress")

        # Workflows
        wf = QWidget()
        self.workflows = QTreeWidget()
        self.workflows.setObjectName("workflowTree")
        self.workflows.setHeaderLabels(["Workflow / event", "State", "Instances", "When"])
        self.workflows.setColumnWidth(0, 420)
        self.workflows.setColumnWidth(1, 140)
        self.workflows.setColumnWidth(2, 240)
        self.workflows.setAlternatingRowColors(True)
        self.refresh_workflows_button = QPushButton("Refresh")
        wl = QVBoxLayout(wf)
        row = QHBoxLayout()
        self.workflow_summary = QLabel("")
        row.addWidget(self.workflow_summary, 1)
        row.addWidget(self.refresh_workflows_button)
        wl.addLayout(row)
        self.timeline = TimelineView()
        self.timeline.instanceClicked.connect(self._on_timeline_instance)
        # Timeline toolbar: act on the job's running workflow; collapse idle stretches.
        self.workflow_state = ""  # short state of the newest workflow ("" when none)
        self._wf_busy = False
        self.last_workflow_dialog: QMessageBox | None = None
        bar = QHBoxLayout()
        self.wf_buttons: dict[str, QPushButton] = {}
        for verb, text, tip in (("pause", "Pause", "Pause the running workflow after its current batch"),
                                ("resume", "Resume", "Resume the paused workflow"),
                                ("abort", "Abort…", "Abort the running workflow (asks first)")):
            b = QPushButton(text)
            b.setObjectName(f"workflow_{verb}")
            b.setToolTip(tip)
            b.setEnabled(False)
            b.clicked.connect(lambda _c=False, v=verb: self.workflow_action(v))
            self.wf_buttons[verb] = b
            bar.addWidget(b)
        self.collapse_button = QPushButton("Collapse idle")
        self.collapse_button.setObjectName("timelineCollapse")
        self.collapse_button.setCheckable(True)
        self.collapse_threshold_box = QComboBox()
        self.collapse_threshold_box.setObjectName("timelineCollapseThreshold")
        for seconds, text in COLLAPSE_THRESHOLDS:
            self.collapse_threshold_box.addItem(f"over {text}", seconds)
        self.collapse_threshold_box.setToolTip("What counts as idle: no event and no state change for this long")
        settings = QSettings()
        self._restore_collapse(settings.value(SETTING_COLLAPSE_THRESHOLD), settings.value(SETTING_COLLAPSE))
        self.collapse_button.toggled.connect(self._on_collapse_toggled)
        self.collapse_threshold_box.currentIndexChanged.connect(lambda _i: self._on_collapse_threshold())
        fit = QPushButton("Fit")
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
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.timeline)
        wsplit = QSplitter(Qt.Orientation.Vertical)
        wsplit.addWidget(scroll)
        wsplit.addWidget(self.workflows)
        wsplit.setSizes([330, 250])
        wl.addWidget(wsplit, 1)
        self._timeline_at = 0.0
        self.workflows_tab = wf
        self.tabs.addTab(wf, "Workflows")

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

    # -- tasks ---------------------------------------------------------------------------------
    def _spawn(self, coro: Any) -> asyncio.Task[Any]:
        task = asyncio.ensure_future(coro)
        if self._closed:
            task.cancel()
            return task
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            self.status.setText(f"<span style='color:#b3261e'>{task.exception()}</span>")

    def all_tasks(self) -> set[asyncio.Task[Any]]:
        """Every task this dialog and its tabs run (tests check they all end on close)."""
        return (set(self._tasks) | set(self.log_view._tasks) | set(self.progress._tasks)
                | set(self.pods_view._tasks))

    def stop_streams(self) -> None:
        self._closed = True
        for task in list(self._tasks):
            task.remove_done_callback(self._task_done)
            task.cancel()
        self._tasks.clear()
        self.log_view.stop()
        self.progress.stop()
        self.progress._closed = True
        self.progress.timer.stop()
        self.pods_view.stop()

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

    def done(self, result: int) -> None:  # Esc / reject also close the streams
        self.stop_streams()
        super().done(result)

    # -- loading -------------------------------------------------------------------------------
    async def load(self) -> None:
        try:
            resp = await self.session.client.get_job(self.job_id)
        except Exception as exc:  # noqa: BLE001 - shown to the operator as a sentence
            self.status.setText(f"<span style='color:#b3261e'>{exc}</span>")
            return
        if self._closed:
            return
        self.job = resp.job_info
        self._fill_summary(self.job)
        client = self.session.client
        self._spawn(client.pod_feed(self.job_id, self._on_pods_snapshot, self.pods_model.push, self._on_feed_state))
        self.progress.watch(client, self.job_id)
        await self.load_workflows()

    def _fill_summary(self, info: Any) -> None:
        st = info.status
        state = short(job_pb2.JobState.Name(st.state))
        self.setWindowTitle(f"Job {info.spec.name} — {state}")
        color = state_color(state).name()
        self.header.setText(f"<span style='font-size:14pt'><b>{info.spec.name}</b></span>  "
                            f"<span style='color:{color}; font-weight:bold'>{state}</span>  "
                            f"<span style='color:#6b7280'>{info.job_id}</span>")
        sched = info.spec.schedule
        schedule = str(sched).replace("\n", " ").strip() if sched.ByteSize() else "run now"
        rows = [
            ("Name", info.spec.name), ("ID", info.job_id), ("Owner", info.spec.owner),
            ("Description", info.spec.description),
            ("State", state),
            ("Reason", f"{st.reason} {st.message}".strip()), ("Version", str(st.version.value)),
            ("Instances", (f"{info.spec.instance_count} ({st.instances_done} done, {st.instances_failed} failed; "
                          f"{info.spec.max_failed_instances} failure(s) tolerated)")),
            ("Progress", f"{st.progress.successful} ok, {st.progress.failed} failed, {st.progress.remaining} left"),
            ("Labels", ", ".join(f"{k}={v}" for k, v in sorted(info.spec.labels.items()))),
            ("Schedule", schedule),
            ("Created", _when(st.created_at)), ("Started", _when(st.started_at)), ("Ended", _when(st.ended_at)),
            ("Next run", _when(st.next_run_at)), ("Purged at", _when(st.expires_at)),
        ]
        for label, value in rows:
            lab = self.summary_labels.get(label)
            if lab is None:
                lab = QLabel()
                lab.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                lab.setWordWrap(True)
                self.summary_labels[label] = lab
                self.summary_form.addRow(f"{label}:", lab)
            lab.setText(value)
        self.summary_labels["State"].setStyleSheet(f"color:{color}; font-weight:bold")
        spec_yaml = dump_spec(info.spec)
        if self.spec_text.toPlainText() != spec_yaml:
            self.spec_text.setPlainText(spec_yaml)

    async def refresh_job(self) -> None:
        resp = await self.session.client.get_job(self.job_id)
        self.job = resp.job_info
        self._fill_summary(self.job)

    async def load_workflows(self) -> None:
        workflows = await self.session.client.list_workflows(self.job_id, instance_events=True)
        if self._closed:
            return
        self.workflows.clear()
        for wf in workflows:
            s = wf.status
            state = short(workflow_pb2.WorkflowState.Name(s.state))
            kind = short(workflow_pb2.WorkflowType.Name(s.type))
            top = QTreeWidgetItem([f"{kind}  {s.workflow_id[:8]}", state,
                                   f"{s.num_instances_completed} done, {s.num_instances_remaining} remaining, "
                                   f"{s.num_instances_failed} failed"
                                   + (f", batch {s.batch_size}" if s.batch_size else ""),
                                   _when(s.created_at)])
            top.setForeground(1, WORKFLOW_STATE_COLORS.get(state, state_color(state)))
            for ev in wf.events:
                ev_state = short(workflow_pb2.WorkflowState.Name(ev.state))
                child = QTreeWidgetItem([ev.message or ev_state, ev_state, "", _when(ev.timestamp)])
                child.setForeground(1, WORKFLOW_STATE_COLORS.get(ev_state, state_color(ev_state)))
                top.addChild(child)
            if wf.instance_events:
                inst_root = QTreeWidgetItem([f"Per-instance events ({len(wf.instance_events)} instances)", "", "", ""])
                for ie in wf.instance_events:
                    inst = QTreeWidgetItem([f"instance {ie.instance_id}", "", f"{len(ie.events)} event(s)", ""])
                    for ev in ie.events:
                        ev_state = short(workflow_pb2.WorkflowState.Name(ev.state))
                        inst.addChild(QTreeWidgetItem([ev.message or ev_state, ev_state, "", _when(ev.timestamp)]))
                    inst_root.addChild(inst)
                top.addChild(inst_root)
            self.workflows.addTopLevelItem(top)
        if self.workflows.topLevelItemCount():
            self.workflows.topLevelItem(0).setExpanded(True)
        newest = workflows[0].status if workflows else None
        self.workflow_state = short(workflow_pb2.WorkflowState.Name(newest.state)) if newest is not None else ""
        self._workflow_kind = short(workflow_pb2.WorkflowType.Name(newest.type)) if newest is not None else ""
        self._sync_workflow_buttons()
        self.workflow_summary.setText(f"{len(workflows)} workflow(s) · timeline: wheel zooms, drag pans, "
                                      f"F fits, click a lane to select its pod · {TIMELINE_LEGEND}")
        await self._load_timeline(workflows)

    async def _load_timeline(self, workflows: list[Any]) -> None:
        self._timeline_at = time.monotonic()
        pods = self.pods_model.pods()[:TIMELINE_MAX_PODS]
        if not pods:
            pods = [p for p in await self.session.client.list_pods(self.job_id)][:TIMELINE_MAX_PODS]
        client = self.session.client
        events = await asyncio.gather(*(client.pod_events(p.pod_name) for p in pods))
        if self._closed:
            return
        first = not self.timeline.timeline.intervals
        self.timeline.set_timeline(build_timeline(workflows, {p.instance_id: ev for p, ev in
                                                              zip(pods, events, strict=True)}, time.time()),
                                   fit=first)

    # -- timeline toolbar: pause / resume / abort the running workflow ------------------------------
    def _sync_workflow_buttons(self) -> None:
        st, busy = self.workflow_state, self._wf_busy
        self.wf_buttons["pause"].setEnabled(not busy and st in WF_PAUSABLE)
        self.wf_buttons["resume"].setEnabled(not busy and st == "PAUSED")
        self.wf_buttons["abort"].setEnabled(not busy and st in WF_ACTIVE)

    def workflow_action(self, verb: str) -> None:
        """Toolbar button: pause / resume now; abort after a confirmation naming the job."""
        if verb != "abort":
            self._spawn(self._run_workflow_action(verb))
            return
        name = self.job.spec.name if self.job is not None else self.job_id
        kind = getattr(self, "_workflow_kind", "").lower() or "running"
        box = QMessageBox(QMessageBox.Icon.Warning, "Abort workflow?",
                          f"<b>Abort</b> the {kind} workflow of job <b>{name}</b> ({self.job_id})?",
                          QMessageBox.StandardButton.Cancel, self)
        box.setObjectName("workflowAbortConfirm")
        box.setInformativeText("Instances not yet reached stay as they are; the workflow cannot be resumed.")
        ok = box.addButton("Abort workflow", QMessageBox.ButtonRole.DestructiveRole)
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
        client = self.session.client
        call = {"pause": client.pause_workflow, "resume": client.resume_workflow,
                "abort": client.abort_workflow}[verb]
        self._wf_busy = True
        self._sync_workflow_buttons()
        self.workflow_message.setStyleSheet("")
        self.workflow_message.setText(f"{verb.capitalize()}…")
        try:
            version = int((await client.get_job(self.job_id)).job_info.status.version.value)
            changed = await call(self.job_id, version) != version  # the same version: a no-op
        except Exception as exc:  # noqa: BLE001 - shown to the operator as a sentence
            self.workflow_message.setStyleSheet("color:#b3261e")
            self.workflow_message.setText(str(exc))
        else:
            done = {"pause": "paused", "resume": "resumed", "abort": "aborted"}[verb]
            self.workflow_message.setText(f"{verb.capitalize()} requested." if changed else
                                          f"Nothing to {verb}: no workflow of this job can be {done} now; "
                                          "nothing changed.")
        finally:
            self._wf_busy = False
            self._sync_workflow_buttons()
        if not self._closed:
            await self.load_workflows()

    # -- timeline: collapse idle stretches (threshold and on/off persisted) ---------------------------
    def _restore_collapse(self, threshold: object, on: object) -> None:
        try:
            seconds = float(threshold) if threshold is not None else self.timeline.collapse_threshold
        except (TypeError, ValueError):
            seconds = self.timeline.collapse_threshold
        # the nearest offered duration (a value from an older version or hand-edited file)
        index = min(range(len(COLLAPSE_THRESHOLDS)), key=lambda i: abs(COLLAPSE_THRESHOLDS[i][0] - seconds))
        self.collapse_threshold_box.setCurrentIndex(index)
        self.timeline.collapse_threshold = COLLAPSE_THRESHOLDS[index][0]
        enabled = on in (True, "true", "1", 1)
        self.collapse_button.setChecked(enabled)
        if enabled:
            self.timeline.set_collapse(True)
        self._update_collapse_tip()

    def _update_collapse_tip(self) -> None:
        self.collapse_button.setToolTip(f"Squeeze stretches with no event for over "
                                        f"{self.collapse_threshold_box.currentText().removeprefix('over ')} "
                                        "into a narrow band")

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
        self.status.setText(f"pods feed: {state}" + (f" — {detail}" if detail else ""))

    def _on_action_done(self, verb: str, pod_name: str, error: str) -> None:
        if error:
            self.status.setText(f"<span style='color:#b3261e'>{verb} {pod_name}: {error}</span>")
        else:
            self.status.setText(f"{verb} {pod_name}: requested")

    # -- logs ----------------------------------------------------------------------------------
    def _sync_pod_box(self) -> None:
        want = [(ALL_PODS, "All pods (merged)")] + [
            (p.instance_id, f"instance {p.instance_id}") for p in self.pods_model.pods()]
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
        self.log_run_box.addItem("current run", "")
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
        resp = await self.session.client.get_pod(self._pod_name(instance))
        if self._log_pod_instance != instance:
            return
        current = resp.current.status.pod_id
        self.log_run_box.setItemText(0, f"current run ({current})" if current else "current run")
        for prev in resp.previous:
            st = prev.status
            ended = short(pod_pb2.PodState.Name(st.state))
            text = (f"{st.pod_id} — {ended}, started {_when(st.started_at)}"
                    + (f", exit {st.exit_code}" if st.has_exit_code else ""))
            have = self.log_run_box.findData(st.pod_id)
            if have >= 0:
                self.log_run_box.setItemText(have, text)
            else:
                self.log_run_box.addItem(text, st.pod_id)

    def _retail(self) -> None:
        instance = self._log_pod_instance
        if instance is None or self._closed:
            return
        client = self.session.client
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
        self.tabs.setCurrentIndex(self.tabs.indexOf(self.log_view.parentWidget()))

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
        d = self.progress.series.data
        if len(d) and "Progress" in self.summary_labels:  # live, from the sample (no extra call)
            self.summary_labels["Progress"].setText(
                f"{d.last('successful'):.0f} ok, {d.last('failed'):.0f} failed, {d.last('remaining'):.0f} left")
            if self.job is not None:
                self.summary_labels["Instances"].setText(
                    f"{self.job.spec.instance_count} ({d.last('instances_done'):.0f} done, "
                    f"{d.last('instances_failed'):.0f} failed; {self.progress.series.max_failed_instances} "
                    "failure(s) tolerated)")
        state = self.progress.state_name
        if state != self._last_state and self.job is not None:
            self._last_state = state
            self._spawn(self.refresh_job())
            self._spawn(self.load_workflows())
        elif (self.timeline.isVisible() and time.monotonic() - self._timeline_at > TIMELINE_EVERY
              and state in ("RUNNING", "PENDING", "KILLING")):
            self._timeline_at = time.monotonic()
            self._spawn(self.load_workflows())  # the timeline grows while the job runs
