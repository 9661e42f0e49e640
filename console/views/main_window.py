"""The main window: connection bar, jobs table, actions, status bar.

It holds no business rules: it asks the Session to act and shows what the Session's
models and signals say. Every action runs as a task the window keeps a reference to, so
nothing is garbage-collected mid-flight and the window never blocks.

Signals:
    closed(): the window has finished closing (the app then shuts the session down).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QTabWidget,
    QToolBar,
    QWidget,
)

from console import messages
from console.session import ConnectionState, Session
from console.views.call_panel import protobuf_page
from console.views.command_palette import CommandPalette
from console.views.confirm import ConfirmDialog, show_results
from console.views.dialogs import ask_int, exec_async
from console.views.job_detail import JobDetailDialog
from console.views.jobs_panel import JobsPanel
from console.views.proto_editor import ProtoEditor
from console.views.replace_flow import edit_job_flow
from console.views.spec_editor import SpecEditorDialog

STATE_STYLE = {
    ConnectionState.CONNECTING: ("#8a6d00", "connecting…"),
    ConnectionState.CONNECTED: ("#1b5e20", "connected"),
    ConnectionState.RECONNECTING: ("#b3261e", "connection lost — reconnecting"),
    ConnectionState.DISCONNECTED: ("#555555", "disconnected"),
}
# Actions that change something: disabled in read-only mode.
MUTATING = ("new", "edit", "start", "stop", "restart", "pause", "resume", "abort", "delete", "force_delete", "refresh",
            "demo")


class MainWindow(QMainWindow):
    closed = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle("Pelorus")
        self.resize(1400, 820)
        self._tasks: set[asyncio.Task[Any]] = set()
        self._closing = False
        self._undo: Callable[[], Awaitable[Any]] | None = None
        self._details: dict[str, JobDetailDialog] = {}  # open detail windows by job id
        self.panel = JobsPanel(session.jobs_model)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("mainTabs")
        self.tabs.addTab(self.panel, "Jobs")
        self.proto_editor = ProtoEditor(self.tabs)
        self.proto_editor.client_source = lambda: self.session.client  # "From server reflection…"
        self.proto_page, self.call_panel = protobuf_page(self.proto_editor)  # the Call panel beside the editor
        self.tabs.addTab(self.proto_page, self.proto_editor.tab_title)
        self.proto_editor.titleChanged.connect(
            lambda title: self.tabs.setTabText(self.tabs.indexOf(self.proto_page), title))
        self.setCentralWidget(self.tabs)
        self.actions_by_name: dict[str, QAction] = {}
        self._build_connection_bar()
        self._build_actions()
        self._build_status_bar()
        self._connect_signals()
        self._restore_settings()
        self._update_enabled()
        messages.install_sink(self._show_message)

    # -- construction -------------------------------------------------------------------
    def _build_connection_bar(self) -> None:
        bar = QToolBar("Connection")
        bar.setObjectName("connectionBar")
        bar.setMovable(False)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
        self.profile_box = QComboBox()
        self.profile_box.setObjectName("profileBox")
        self.profile_box.setMinimumWidth(260)
        for name in self.session.profile_names():
            self.profile_box.addItem(name)
        self.profile_box.setCurrentText(self.session.profile_name)
        bar.addWidget(QLabel(" Engine: "))
        bar.addWidget(self.profile_box)
        self.add_profile_button = QPushButton("Add remote…")
        bar.addWidget(self.add_profile_button)
        self.conn_label = QLabel()
        self.conn_label.setObjectName("connectionState")
        bar.addWidget(QLabel("   "))
        bar.addWidget(self.conn_label)
        self.executor_label = QLabel()
        self.executor_label.setObjectName("executorHealth")
        self.executor_label.setTextFormat(Qt.TextFormat.RichText)
        bar.addWidget(QLabel("   "))
        bar.addWidget(self.executor_label)
        self.read_only_label = QLabel("  READ-ONLY  ")
        self.read_only_label.setStyleSheet("background:#ffe08a; color:#5c4400; border-radius:3px;")
        self.read_only_action = bar.addWidget(self.read_only_label)  # toolbar widgets hide via their action
        self.read_only_action.setVisible(self.session.read_only)

    def _add_action(self, name: str, text: str, shortcut: str | QKeySequence.StandardKey | None,
                    handler: Callable[[], Any], tip: str, toolbar: QToolBar | None = None) -> QAction:
        action = QAction(text, self)
        action.setObjectName(f"action_{name}")
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.setStatusTip(tip)
        action.setToolTip(f"{tip} ({action.shortcut().toString()})" if shortcut else tip)
        action.triggered.connect(handler)
        self.addAction(action)
        if toolbar is not None:
            toolbar.addAction(action)
        self.actions_by_name[name] = action
        return action

    def _build_actions(self) -> None:
        tb = QToolBar("Actions")
        tb.setObjectName("actionsBar")
        tb.setMovable(False)
        self.addToolBarBreak()
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, tb)
        a = self._add_action
        a("new", "&New job…", "Ctrl+N", self.new_job, "Create a job from a spec", tb)
        a("edit", "&Edit…", "Ctrl+E", lambda: self._spawn(self._edit()), "Edit the job's spec (rolling update)", tb)
        tb.addSeparator()
        a("start", "&Start", "Ctrl+Shift+S", lambda: self._act("start"), "Start the selected jobs", tb)
        a("stop", "S&top", "Ctrl+Shift+X", lambda: self._act("stop"), "Stop (kill) the selected jobs", tb)
        a("restart", "&Restart…", "Ctrl+Shift+R", lambda: self._act("restart"), "Rolling restart", tb)
        tb.addSeparator()
        a("pause", "&Pause", "Ctrl+Shift+P", lambda: self._act("pause"), "Pause the running workflow", tb)
        a("resume", "Res&ume", "Ctrl+Shift+U", lambda: self._act("resume"), "Resume the paused workflow", tb)
        a("abort", "&Abort workflow", "Ctrl+Shift+A", lambda: self._act("abort"), "Abort the workflow", tb)
        tb.addSeparator()
        a("delete", "&Delete", QKeySequence.StandardKey.Delete, lambda: self._act("delete"),
          "Delete finished jobs", tb)
        a("force_delete", "Delete with &force…", "Shift+Del", lambda: self._act("force_delete"),
          "Stop, then delete (cannot be undone)", tb)
        a("refresh", "Re&fresh", "F5", lambda: self._act("refresh"), "Reload the selected jobs from the store", tb)
        tb.addSeparator()
        a("open", "&Open job", None, self._open_current, "Show the job's detail (Enter)")
        a("demo", "Load &demo jobs", "Ctrl+Shift+D", lambda: self._spawn(self._load_demo()), "Create the demo jobs")
        a("filter", "&Filter", "Ctrl+F", self._focus_filter, "Focus the filter box (/)")
        a("palette", "Command &palette…", "Ctrl+K", self.show_palette, "Every action with its shortcut", tb)

    def _build_status_bar(self) -> None:
        sb = self.statusBar()
        self.message_label = QLabel()
        self.message_label.setObjectName("statusMessage")
        sb.addWidget(self.message_label, 1)
        self.undo_button = QPushButton("Undo")
        self.undo_button.setObjectName("undoButton")
        self.undo_button.hide()
        self.undo_button.clicked.connect(self._run_undo)
        sb.addPermanentWidget(self.undo_button)
        self.conn_status = QLabel()
        self.conn_status.setObjectName("connectionStatus")
        sb.addPermanentWidget(self.conn_status)
        self._undo_timer = QTimer(self)
        self._undo_timer.setSingleShot(True)
        self._undo_timer.setInterval(15_000)
        self._undo_timer.timeout.connect(self._clear_undo)

    def _connect_signals(self) -> None:
        self.session.stateChanged.connect(self._on_state)
        self.session.readOnlyChanged.connect(self._on_read_only)
        self.session.executorHealthChanged.connect(self._on_executor_health)
        self.panel.selectionChanged.connect(lambda _ids: self._update_enabled())
        self.panel.openRequested.connect(self.open_job)
        self.panel.loadDemoRequested.connect(lambda: self._spawn(self._load_demo()))
        self.profile_box.activated.connect(lambda _i: self._spawn(self.session.switch_profile(
            self.profile_box.currentText())))
        self.add_profile_button.clicked.connect(self._add_profile)
        self._on_state(self.session.state, "")

    # -- tasks & messages -----------------------------------------------------------------
    def _spawn(self, coro: Awaitable[Any]) -> asyncio.Task[Any]:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            messages.error(str(task.exception()))

    def _show_message(self, msg: messages.Message) -> None:
        color = {"error": "#b3261e", "warning": "#8a6d00", "info": "#222"}[msg.level.value]
        self.message_label.setText(f"<span style='color:{color}'>{msg.text}</span>")
        self.message_label.setToolTip(msg.text)

    def _on_state(self, state: str, detail: str) -> None:
        color, text = STATE_STYLE.get(ConnectionState(state), ("#555", state))
        where = self.session.profile_name
        self.conn_label.setText(f"<span style='color:{color}'>●</span> {text}")
        self.conn_status.setText(f"<span style='color:{color}'>●</span> {where}: {text}"
                                 + (f" — {detail}" if detail else ""))
        self.conn_status.setToolTip(detail or text)
        self._update_enabled()

    def _on_executor_health(self, health: Any) -> None:
        """"Executor: ray @ http://head:8265 ● SERVING · 2 nodes" (a client.ExecutorHealth; None = unknown)."""
        if health is None:
            self.executor_label.setText("")
            self.executor_label.setToolTip("")
            return
        color = {"SERVING": "#1b7f3b", "NOT_SERVING": "#b3261e"}.get(health.status, "#555")
        d = health.details
        where = f" @ {health.address}" if health.address else (f" on {d['host']}" if d.get("host") else "")
        extra = f" · {d['ray_nodes_alive']} nodes" if health.serving and d.get("ray_nodes_alive") else ""
        name = f"<b>{health.executor}</b>" if health.executor else "(details need a token)"
        self.executor_label.setText(f"Executor: {name}{where} "
                                    f"<span style='color:{color}'>●</span> {health.status}{extra}")
        tip = [f"pelorus.v1.Executor: {health.status}"]
        if d.get("ray_error"):
            tip.append(d["ray_error"])
        tip += [f"{k}: {v}" for k, v in sorted(d.items()) if k not in ("ray_error",)]
        self.executor_label.setToolTip("\n".join(tip))

    def _on_read_only(self, read_only: bool) -> None:
        self.read_only_action.setVisible(read_only)
        self._update_enabled()

    def _update_enabled(self) -> None:
        selected = bool(self.panel.selected_job_ids())
        connected = self.session.state == ConnectionState.CONNECTED
        for name, action in self.actions_by_name.items():
            enabled = True
            if name in MUTATING and self.session.read_only:
                enabled = False
            elif name in ("edit", "start", "stop", "restart", "pause", "resume", "abort", "delete",
                          "force_delete", "refresh", "open"):
                enabled = selected and connected
            elif name in ("new", "demo"):
                enabled = connected
            action.setEnabled(enabled)
        self.panel.demo_button.setEnabled(connected and not self.session.read_only)

    # -- actions --------------------------------------------------------------------------
    def _focus_filter(self) -> None:
        self.panel.filter_box.setFocus()
        self.panel.filter_box.selectAll()

    def show_palette(self) -> None:
        palette = CommandPalette(list(self.actions_by_name.values()), self)
        palette.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        palette.open()

    def _open_current(self) -> None:
        job_id = self.panel.current_job_id()
        if job_id:
            self.open_job(job_id)

    def open_job(self, job_id: str) -> None:
        """Show the job's detail window; a job already open is raised (and restored if minimised)
        rather than opened twice, so its streams are not run twice either."""
        dialog = self._details.get(job_id)
        if dialog is not None:
            if dialog.isMinimized():
                dialog.showNormal()
            dialog.raise_()
            dialog.activateWindow()
            return
        dialog = JobDetailDialog(self.session, job_id, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._details[job_id] = dialog
        dialog.finished.connect(lambda *_args, d=dialog: self._forget_detail(job_id, d))
        dialog.destroyed.connect(lambda *_args, d=dialog: self._forget_detail(job_id, d))
        dialog.show()
        self._spawn(dialog.load())

    def _forget_detail(self, job_id: str, dialog: JobDetailDialog) -> None:
        if self._details.get(job_id) is dialog:
            del self._details[job_id]

    def new_job(self) -> None:
        dialog = SpecEditorDialog(self)
        dialog.setObjectName("newJobDialog")
        dialog.accepted.connect(lambda: self._spawn(self._create(dialog)))
        dialog.open()

    async def _create(self, dialog: SpecEditorDialog) -> None:
        assert dialog.spec is not None
        job_id = await self.session.create_job(dialog.spec, dialog.idempotency_key)
        messages.info(f"Created job {dialog.spec.name} ({job_id[:8]})")
        self.panel.select_job(job_id)

    async def _edit(self) -> None:
        job_ids = self.panel.selected_job_ids()
        if len(job_ids) != 1:
            messages.warning("Select exactly one job to edit.")
            return
        await edit_job_flow(self, self.session, job_ids[0])

    async def _load_demo(self) -> None:
        created = await self.session.load_demo_jobs()
        messages.info(f"Loaded {created} demo job(s)")

    def _act(self, action: str) -> None:
        job_ids = self.panel.selected_job_ids()
        if job_ids:
            self._spawn(self.run_action(action, job_ids))

    async def run_action(self, action: str, job_ids: list[str]) -> list[tuple[str, str | None]]:
        """Confirm in proportion to the risk, run on every job with progress, report per job."""
        kwargs: dict[str, Any] = {}
        targets = self.session.targets(job_ids)
        if action in ("stop", "restart", "delete", "force_delete"):
            verb = {"stop": "Stop", "restart": "Restart", "delete": "Delete", "force_delete": "Force delete"}[action]
            consequence = {
                "stop": "Their running pods get SIGTERM, then SIGKILL after their grace period.",
                "restart": "Their pods are killed and started again, batch by batch.",
                "delete": "The jobs, their pods' history and their logs are removed.",
                "force_delete": "Running pods are killed, then everything is removed. This cannot be undone.",
            }[action]
            typed = None
            if action == "force_delete":
                typed = targets[0].name if len(targets) == 1 else str(len(targets))
            dialog = ConfirmDialog(self, verb, targets, consequence, typed)
            dialog.setObjectName("confirmDialog")
            if not await exec_async(dialog):
                return []
            if action == "restart":
                batch = await ask_int(self, "Restart", "Batch size (instances at a time, 0 = all):", 1)
                if batch is None:
                    return []
                kwargs["batch_size"] = batch
        progress = QProgressDialog(f"{action.replace('_', ' ').title()}: 0 of {len(job_ids)}", "Cancel", 0,
                                   len(job_ids), self)
        progress.setObjectName("actionProgress")
        progress.setWindowModality(Qt.WindowModality.NonModal)
        progress.setMinimumDuration(400)
        done = 0

        def step() -> None:
            nonlocal done
            done += 1
            progress.setValue(done)
            progress.setLabelText(f"{action.replace('_', ' ').title()}: {done} of {len(job_ids)}")

        results = await self.session.run_action(action, job_ids, on_progress=step,
                                                cancelled=progress.wasCanceled, **kwargs)
        progress.close()
        failed = sum(1 for _n, e in results if e)
        verb = action.replace("_", " ")
        if failed:
            messages.error(f"{verb}: {len(results) - failed} of {len(results)} succeeded, {failed} failed")
            show_results(self, f"{verb.title()} — results", results)
        else:
            messages.info(f"{verb}: done for {len(results)} job(s)")
        if action in ("pause", "resume") and not failed:
            opposite = "resume" if action == "pause" else "pause"
            self._offer_undo(f"{verb}d {len(job_ids)} workflow(s)",
                             lambda: self.session.run_action(opposite, job_ids))
        return results

    def _offer_undo(self, what: str, undo: Callable[[], Awaitable[Any]]) -> None:
        self._undo = undo
        self.undo_button.setText(f"Undo ({what})")
        self.undo_button.show()
        self._undo_timer.start()

    def _run_undo(self) -> None:
        undo, self._undo = self._undo, None
        self._clear_undo()
        if undo is not None:
            self._spawn(undo())

    def _clear_undo(self) -> None:
        self.undo_button.hide()

    def _add_profile(self) -> None:
        address, ok = QInputDialog.getText(self, "Add a remote engine", "Address (host:port):")
        if not ok or not address.strip():
            return
        token, ok = QInputDialog.getText(self, "Add a remote engine",
                                         "Bearer token (stored in the system keyring, or a file only you can read):")
        if not ok:
            return
        name = self.session.add_remote_profile(address.strip(), token.strip() or None)
        self.profile_box.addItem(name)
        self.profile_box.setCurrentText(name)
        self._spawn(self.session.switch_profile(name))

    # -- settings & closing ---------------------------------------------------------------
    def _restore_settings(self) -> None:
        s = QSettings()
        geometry = s.value("main/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        header = s.value("main/header")
        if isinstance(header, QByteArray):
            self.panel.table.horizontalHeader().restoreState(header)
        self.panel.set_filter_text(str(s.value("main/filter", "")))
        chips = s.value("main/chips", [])
        for state in chips if isinstance(chips, list) else [chips]:
            if state in self.panel.chips:
                self.panel.chips[state].setChecked(True)

    def save_settings(self) -> None:
        s = QSettings()
        s.setValue("main/geometry", self.saveGeometry())
        s.setValue("main/header", self.panel.table.horizontalHeader().saveState())
        s.setValue("main/filter", self.panel.filter_box.text())
        s.setValue("main/chips", [k for k, chip in self.panel.chips.items() if chip.isChecked()])
        s.sync()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        if self._closing:
            event.accept()
            return
        event.ignore()
        self._spawn(self._close_flow())

    async def _close_flow(self) -> None:
        """With the embedded engine running jobs, ask whether to leave it running or stop it."""
        if self.session.is_embedded and self.session.state == ConnectionState.CONNECTED:
            active = self.session.active_job_count()
            if active:
                box = QMessageBox(QMessageBox.Icon.Question, "Quit Pelorus",
                                  f"The embedded engine is running {active} active job(s).", parent=self)
                box.setObjectName("quitDialog")
                box.setInformativeText("Leave it running in the background (Pelorus re-attaches next time), "
                                       "or stop it? Stopping ends the engine gracefully; its pods keep running "
                                       "and are re-adopted when it starts again.")
                leave = box.addButton("Leave running", QMessageBox.ButtonRole.AcceptRole)
                stop = box.addButton("Stop engine", QMessageBox.ButtonRole.DestructiveRole)
                box.addButton(QMessageBox.StandardButton.Cancel)
                box.setDefaultButton(leave)
                await exec_async(box)
                clicked = box.clickedButton()
                if clicked is stop:
                    await self.session.stop_embedded_engine()
                elif clicked is not leave:
                    return
        self.save_settings()
        self.proto_editor.close_tasks()
        self.call_panel.close_tasks()
        messages.install_sink(None)
        self._closing = True
        self.close()
        self.closed.emit()
