"""The action table in the window: the real toolbar, context menu and command palette on the
embedded engine (a real child process), with selections that mix job states."""

from __future__ import annotations

from typing import Any

from enginehelp import Client, sh_spec
from guihelp import job_tab, open_dialog, run, screenshot, until
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QPlainTextEdit, QToolButton

from console.actions import ConfirmRequest, Name, Options
from console.views.command_palette import CommandPalette
from console.views.confirm import ConfirmDialog
from console.views.job_detail import JobDetail
from console.views.main_window import MainWindow
from pelorus.api import job_pb2, pod_pb2, workflow_pb2

J = job_pb2


def state_of(win: MainWindow, job_id: str) -> int | None:
    row = win.session.jobs_model.row_of(job_id)
    return None if row is None else win.session.jobs_model.summary(row).status.state


def select(win: MainWindow, job_ids: list[str]) -> None:
    win.panel.select_job(job_ids[0])
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for job_id in job_ids[1:]:
        row = win.panel.proxy.row_of(job_id)
        assert row is not None
        win.panel.table.selectionModel().select(win.panel.proxy.index(row, 0), flags)
    assert sorted(win.panel.selected_job_ids()) == sorted(job_ids)


def enabled(win: MainWindow) -> set[Name]:
    return {Name(n) for n, a in win.actions_by_name.items() if a.isEnabled()}


async def three_jobs(win: MainWindow) -> tuple[str, str, str]:
    """A RUNNING, a SUCCEEDED and a FAILED job, as the table shows them."""
    running = await win.session.create_job(sh_spec("long-runner", "sleep 60", instances=2, kill_grace_period=0.3),
                                           "mix-run")
    ok = await win.session.create_job(sh_spec("quick-ok", "true"), "mix-ok")
    bad = await win.session.create_job(sh_spec("quick-bad", "exit 3"), "mix-bad")
    await until(lambda: state_of(win, running) == J.JOB_STATE_RUNNING and state_of(win, ok) == J.JOB_STATE_SUCCEEDED
                and state_of(win, bad) == J.JOB_STATE_FAILED, timeout=30, what="running, succeeded, failed")
    return running, ok, bad


def test_stop_over_a_mixed_selection_stops_only_the_running_job(
        embedded_window: MainWindow, qloop: Any, qtbot: Any) -> None:
    win = embedded_window

    async def body() -> None:
        running, ok, bad = await three_jobs(win)
        async with Client(win.session.embedded.address) as c:  # type: ignore[union-attr]
            before = {j: (await c.get(j)).job_info.status for j in (ok, bad)}
        # Only finished jobs selected: nothing to stop, and the toolbar says why.
        select(win, [ok, bad])
        await until(lambda: not win.actions_by_name[Name.STOP].isEnabled(), what="stop disabled")
        assert "2 already finished" in win.actions_by_name[Name.STOP].toolTip()
        assert {Name.START, Name.DELETE} <= enabled(win)
        assert Name.PAUSE not in enabled(win) and Name.RESTART not in enabled(win)
        # The three together: Stop is offered (one has something to stop).
        select(win, [running, ok, bad])
        await until(lambda: win.actions_by_name[Name.STOP].isEnabled(), what="stop enabled")
        assert not {Name.PAUSE, Name.RESUME, Name.ABORT, Name.EDIT, Name.OPEN} & enabled(win)
        assert {Name.START, Name.STOP, Name.RESTART, Name.DELETE, Name.FORCE_DELETE} <= enabled(win)
        screenshot(win, "actions-toolbar-mixed-selection")
        button = win.actions_bar.widgetForAction(win.actions_by_name[Name.STOP])
        assert isinstance(button, QToolButton)
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        dialog = await open_dialog(ConfirmDialog)
        listing = dialog.findChild(QPlainTextEdit).toPlainText()
        assert "long-runner" in listing and "2 running" in listing and "In all: 1 job(s)" in listing
        assert "2 already finished: quick-ok, quick-bad" in listing or \
            "2 already finished: quick-bad, quick-ok" in listing
        assert dialog.windowTitle() == "Stop 1 job(s)?"
        screenshot(dialog, "actions-confirm-stop-mixed")
        dialog.ok.click()
        await until(lambda: state_of(win, running) == J.JOB_STATE_KILLED, timeout=20, what="the running job KILLED")
        await until(lambda: "1 stopped" in win.message_label.text(), what="the result message")
        assert not win.findChildren(ConfirmDialog)  # answered: deleted, not kept hidden under the window
        message = win.message_label.toolTip()
        assert message.startswith("1 stopped; 2 already finished: ") and "quick-ok" in message \
            and "quick-bad" in message, message
        async with Client(win.session.embedded.address) as c:  # type: ignore[union-attr]
            for job_id, want in ((ok, J.JOB_STATE_SUCCEEDED), (bad, J.JOB_STATE_FAILED)):
                status = (await c.get(job_id)).job_info.status
                assert status.state == want  # the outcome is kept
                assert status.version.value == before[job_id].version.value  # and nothing was sent
            assert (await c.get(running)).job_info.status.state == J.JOB_STATE_KILLED
        # The rows changed under the same selection: the toolbar follows (nothing left to stop).
        await until(lambda: not win.actions_by_name[Name.STOP].isEnabled(), what="stop disabled once all ended")
        tip = win.actions_by_name[Name.STOP].toolTip()
        assert "2 already finished" in tip and "1 already stopped" in tip, tip
        assert win.actions_by_name[Name.START].isEnabled()

    run(qloop, body(), timeout=90)


def test_context_menu_offers_the_table_actions_and_starts_a_stopped_job(
        embedded_window: MainWindow, qloop: Any) -> None:
    win = embedded_window

    async def body() -> None:
        job_id = await win.session.create_job(sh_spec("menu-job", "sleep 60", kill_grace_period=0.2), "menu-1")
        await until(lambda: state_of(win, job_id) == J.JOB_STATE_RUNNING, what="running")
        win.panel.select_job(job_id)
        menu = win.job_menu()
        by_name = {a.objectName(): a for a in menu.actions() if a.objectName()}
        assert by_name["action_stop"].isEnabled() and not by_name["action_start"].isEnabled()
        assert not by_name["action_resume"].isEnabled() and not by_name["action_delete"].isEnabled()
        # The menu acts through the same table and session as the toolbar.
        by_name["action_stop"].trigger()
        (await open_dialog(ConfirmDialog)).ok.click()
        await until(lambda: state_of(win, job_id) == J.JOB_STATE_KILLED, timeout=20, what="KILLED")
        await until(lambda: win.job_menu().actions()[0].isEnabled() and {
            a.objectName(): a for a in win.job_menu().actions()}["action_start"].isEnabled(), what="start offered")
        menu = win.job_menu()
        by_name = {a.objectName(): a for a in menu.actions() if a.objectName()}
        assert not by_name["action_stop"].isEnabled() and by_name["action_delete"].isEnabled()
        by_name["action_start"].trigger()
        await until(lambda: state_of(win, job_id) == J.JOB_STATE_RUNNING, timeout=20, what="running again")
        # The jobs table's right click pops the same menu up.
        rect = win.panel.table.visualRect(win.panel.proxy.index(0, 0))
        win.panel.table.customContextMenuRequested.emit(rect.center())
        assert win.context_menu is not None and win.context_menu.isVisible()
        screenshot(win.context_menu, "actions-jobs-context-menu")
        win.context_menu.close()

    run(qloop, body(), timeout=60)


def test_palette_lists_every_action_and_finds_a_job_by_name(
        embedded_window: MainWindow, qloop: Any, qtbot: Any) -> None:
    win = embedded_window

    async def body() -> None:
        running, ok, _bad = await three_jobs(win)
        await win.session.create_job(sh_spec("nightly-report", "true"), "pal-1")
        await until(lambda: win.session.jobs_model.rowCount() == 4, what="four jobs")
        select(win, [ok])
        win.activateWindow()
        await until(lambda: QApplication.activeWindow() is win, timeout=5, what="the window to be active")
        qtbot.keyClick(win, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
        palette: CommandPalette = await open_dialog(CommandPalette)
        texts = [palette.list.item(i).text() for i in range(palette.list.count())]
        # Every action of the table, each with its shortcut, greyed with the reason when it does not apply.
        stop = next(t for t in texts if t.startswith("Stop"))
        assert "Ctrl+Shift+X" in stop and "already finished" in stop
        start_row = next(i for i, t in enumerate(texts) if t.startswith("Start"))
        assert palette.list.item(start_row).flags() & Qt.ItemFlag.ItemIsEnabled
        assert any(t.startswith("Stop pod") for t in texts)  # pod actions: listed, performed in a job's detail
        screenshot(palette, "actions-palette-actions")
        # Part of a job's name offers "Open job <name>": it selects the job and opens its detail.
        qtbot.keyClicks(palette.search, "runner")
        texts = [palette.list.item(i).text() for i in range(palette.list.count())]
        assert any(t.startswith("Open job long-runner") for t in texts), texts
        assert not any("nightly" in t for t in texts)
        screenshot(palette, "actions-palette-find-job")
        qtbot.keyClick(palette.search, Qt.Key.Key_Return)
        detail = await job_tab(win, running)  # opened in its tab
        assert win.panel.selected_job_ids() == [running]
        await until(lambda: "long-runner" in detail.windowTitle(), what="the detail of the job found")

    run(qloop, body(), timeout=60)


def test_pod_stop_over_a_mixed_selection_stops_only_the_running_pod(embedded_window: MainWindow, qloop: Any) -> None:
    win = embedded_window

    async def body() -> None:
        job_id = await win.session.create_job(sh_spec("two-pods", "sleep 60", instances=2, kill_grace_period=0.3),
                                              "pods-mix")
        win.open_job(job_id)
        detail: JobDetail = await job_tab(win, job_id)
        view = detail.pods_view
        detail.tabs.setCurrentWidget(view)

        def states() -> list[int]:
            return [detail.pods_model.pod(i).status.state for i in range(detail.pods_model.rowCount())]

        await until(lambda: states() == [pod_pb2.POD_STATE_RUNNING] * 2, timeout=20, what="both pods running")
        first = detail.pods_model.pod(0)
        view.confirm = False
        assert await view.act("stop", first.pod_name)
        await until(lambda: states()[0] == pod_pb2.POD_STATE_KILLED, timeout=15, what="instance 0 KILLED")
        view.confirm = True
        view.table.selectAll()
        await until(lambda: view.buttons["stop"].isEnabled() and view.buttons["start"].isEnabled(),
                    what="stop (one runs) and start (one ended) offered")
        view.buttons["stop"].click()
        await until(lambda: view.last_dialog is not None and view.last_dialog.isVisible(), what="the confirmation")
        box = view.last_dialog
        assert box is not None
        second = detail.pods_model.pod(1)
        assert second.pod_name in box.text() and first.pod_name not in box.text().split("Left as they are")[0]
        assert "Left as they are: 1 already ended: instance 0" in box.text(), box.text()
        screenshot(box, "actions-pods-confirm-mixed")
        next(b for b in box.buttons() if b.objectName() == "podConfirmButton").click()
        await until(lambda: states() == [pod_pb2.POD_STATE_KILLED] * 2, timeout=15, what="instance 1 KILLED")
        assert not [b for b in view.findChildren(QMessageBox) if b.objectName() == "podConfirm"]  # deleted
        assert detail.pods_model.pod(0).status.pod_id == first.status.pod_id  # the ended run left as it was
        await until(lambda: "1 already ended: instance 0" in win.message_label.toolTip(), what="the result")
        detail.close()

    run(qloop, body(), timeout=60)


def test_the_session_acts_only_when_asked_and_only_where_the_table_allows(
        embedded_window: MainWindow, qloop: Any) -> None:
    """Without a confirmer nothing that needs asking is sent; what the rules skip is not sent either;
    the confirmer's answer (a batch size) reaches the engine call."""
    session = embedded_window.session
    asked: list[ConfirmRequest] = []

    async def confirmer(request: ConfirmRequest) -> Options | None:
        asked.append(request)
        return Options(batch_size=1)

    async def body() -> None:
        job_id = await session.create_job(sh_spec("asked", "sleep 60", instances=2, kill_grace_period=0.2), "ask-1")
        await until(lambda: state_of(embedded_window, job_id) == J.JOB_STATE_RUNNING, what="running")
        async with Client(session.embedded.address) as c:  # type: ignore[union-attr]
            version = (await c.get(job_id)).job_info.status.version.value
            session.confirmer = None  # as if no window had installed its dialog
            out = await session.perform_on_jobs(Name.STOP, [job_id])
            assert out.cancelled and not out.done
            out = await session.perform_on_jobs(Name.START, [job_id])  # running: nothing to start
            assert out.done == [] and out.skipped == {"already running": ["asked"]}
            assert (await c.get(job_id)).job_info.status.version.value == version  # nothing was sent
            out = await session.perform_on_jobs(Name.RESTART, [job_id], confirmer=confirmer)
            assert out.done == ["asked"] and [r.action.name for r in asked] == [Name.RESTART]
            status = (await c.get(job_id)).job_info.status
            assert status.workflow_status.type == workflow_pb2.WORKFLOW_TYPE_RESTART
            assert status.workflow_status.batch_size == 1

    run(qloop, body(), timeout=40)
