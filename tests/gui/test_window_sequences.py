"""The console under a sequence of operations (issue 12): every step goes through the real window,
by the job tab's toolbar, the jobs table's toolbar and context menu and the command palette, with
the job open in its tab; after each step the table row and the open detail must equal GetJob /
ListPods (the detail looked at in its tab; while the Jobs tab is in front, the job's tab title
must say the table's state).  Real embedded engine (a child process), real widgets (offscreen),
a qasync loop."""

from __future__ import annotations

from typing import Any

import pytest
from enginehelp import sh_spec
from followhelp import J, engine_truth, follows, state_name, table_state
from guihelp import job_tab, open_dialog, run, screenshot, until
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QToolButton

from console.actions import Name
from console.session import Session
from console.views.command_palette import CommandPalette
from console.views.confirm import ConfirmDialog
from console.views.job_detail import JobDetail
from console.views.main_window import MainWindow
from pelorus.api import workflow_pb2

W = workflow_pb2
# Each pod takes a second to go down (its TERM trap), so a rolling restart of four instances one at
# a time lasts long enough to be paused from the window.
SLOW_STOP = "trap 'sleep 1; exit 0' TERM; echo '::progress successful=1 failed=0 remaining=1'; sleep 60 & wait"




def toolbar(win: MainWindow, name: Name, qtbot: Any) -> None:
    """Click the action's button in the toolbar on screen: the job tab's in front, else the table's."""
    action = win.actions_by_name[name]
    assert action.isEnabled(), f"{name} is not offered: {action.toolTip()}"
    tab = win.detail_tabs.current_tab()
    bar = tab.toolbar if tab is not None else win.actions_bar
    assert bar.isVisible()
    button = bar.widgetForAction(action)
    assert isinstance(button, QToolButton)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


async def palette(win: MainWindow, text: str, qtbot: Any) -> None:
    """Ctrl+K, type, Return: the first entry that matches."""
    win.activateWindow()
    await until(lambda: QApplication.activeWindow() is win, timeout=5, what="the window to be active")
    qtbot.keyClick(win, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    found: CommandPalette = await open_dialog(CommandPalette)
    qtbot.keyClicks(found.search, text)
    qtbot.keyClick(found.search, Qt.Key.Key_Return)


def context_menu(win: MainWindow, name: Name) -> None:
    by_name = {a.objectName(): a for a in win.job_menu().actions() if a.objectName()}
    action = by_name[f"action_{name.value}"]
    assert action.isEnabled(), f"{name} is not offered in the context menu"
    action.trigger()


async def confirm() -> None:
    dialog: ConfirmDialog = await open_dialog(ConfirmDialog)
    dialog.ok.click()


async def table_agrees(win: MainWindow, job_id: str, what: str) -> None:
    """The table's row says what GetJob says (state and workflow state), within a second."""
    session: Session = win.session

    async def same() -> bool:
        truth = await engine_truth(session, job_id)
        row = session.jobs_model.row_of(job_id)
        if truth is None:
            return row is None
        if row is None:
            return False
        mine = session.jobs_model.summary(row).status
        info = (await session.client.get_job(job_id)).job_info.status
        return (state_name(mine.state) == state_name(info.state)
                and mine.workflow_status.state == info.workflow_status.state
                and mine.version.value == info.version.value)

    for _ in range(20):
        if await same():
            return
        await until(lambda: True, timeout=0.05)
    raise AssertionError(f"{what}: the table row does not equal GetJob")


def running_all(count: int) -> Any:
    return lambda t: (t is not None and t["state"] == "RUNNING" and len(t["pods"]) == count
                      and all(s == "RUNNING" for s, _ in t["pods"].values()))


@pytest.mark.slow
def test_a_lifecycle_driven_through_the_window_keeps_table_and_detail_true(
        embedded_window: MainWindow, qloop: Any, qtbot: Any) -> None:
    win = embedded_window
    session = win.session

    def to_jobs_tab() -> None:
        win.tabs.setCurrentWidget(win.panel)
        assert win.actions_bar.isVisible()

    async def step(dialog: JobDetail, job_id: str, settled: Any, what: str) -> None:
        tab = win.detail_tabs.tab_of(job_id)
        assert tab is not None
        if win.tabs.currentWidget() is not tab:
            # The Jobs tab in front: the job's tab title says what the table says, then look at the tab.
            await until(lambda: (table_state(session, job_id) or "DELETED")
                        in win.tabs.tabText(win.tabs.indexOf(tab)), timeout=5, what=f"{what}: the tab title")
            win.tabs.setCurrentWidget(tab)
        await follows(session, dialog, job_id, settled, what)
        await table_agrees(win, job_id, what)
        row_state = table_state(session, job_id)
        assert row_state is None or row_state == dialog.summary_labels["State"].text(), what

    async def workflow_state(job_id: str) -> int:
        return int((await session.client.get_job(job_id)).job_info.status.workflow_status.state)

    async def body() -> None:
        job_id = await session.create_job(sh_spec("seq-web", SLOW_STOP, instances=4, kill_grace_period=3), "seq-1")
        await session.create_job(sh_spec("seq-other", "true"), "seq-2")
        await until(lambda: session.jobs_model.row_of(job_id) is not None, what="the job listed")

        # Open it in its tab from the palette, by name.
        await palette(win, "seq-web", qtbot)
        dialog: JobDetail = await job_tab(win, job_id)
        assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, JobDetail) and w.isVisible()]
        await step(dialog, job_id, running_all(4), "opened")
        assert win.panel.selected_job_ids() == [job_id]

        # Stop from the job tab's toolbar (asks first).
        await until(lambda: win.actions_by_name[Name.STOP].isEnabled(), what="stop offered")
        toolbar(win, Name.STOP, qtbot)
        await confirm()
        await step(dialog, job_id, lambda t: t is not None and t["state"] == "KILLED", "stopped")
        # Stop again is not offered: the outcome stays as it is.
        await until(lambda: not win.actions_by_name[Name.STOP].isEnabled(), what="stop withdrawn")

        # Start from the table's context menu (the Jobs tab).
        to_jobs_tab()
        await until(lambda: win.actions_by_name[Name.START].isEnabled(), what="start offered")
        context_menu(win, Name.START)
        await step(dialog, job_id, running_all(4), "started")

        # A rolling restart, one instance at a time, from the table's toolbar; then Pause from the palette.
        started = await engine_truth(session, job_id)
        assert started is not None
        before = {name: pod for name, (_s, pod) in started["pods"].items()}
        to_jobs_tab()
        await until(lambda: win.actions_by_name[Name.RESTART].isEnabled(), what="restart offered")
        toolbar(win, Name.RESTART, qtbot)
        restart: ConfirmDialog = await open_dialog(ConfirmDialog)
        assert restart.batch is not None  # the batch size is asked in the same dialog
        restart.batch.setValue(1)
        restart.ok.click()
        await until(lambda: win.actions_by_name[Name.PAUSE].isEnabled(), timeout=10, what="pause offered")
        await palette(win, "Pause", qtbot)
        deadline_ok = False
        for _ in range(100):
            if await workflow_state(job_id) == W.WORKFLOW_STATE_PAUSED:
                deadline_ok = True
                break
            await until(lambda: True, timeout=0.05)
        assert deadline_ok, "the restart never paused"
        await step(dialog, job_id, lambda t: t is not None, "paused")
        await until(lambda: win.actions_by_name[Name.RESUME].isEnabled(), what="resume offered")
        assert not win.actions_by_name[Name.PAUSE].isEnabled()
        screenshot(win, "sequence-paused")

        # Resume from the job tab's toolbar: the restart finishes, every instance on a new run.
        assert win.detail_tabs.current_tab() is not None  # (step looked at the tab)
        toolbar(win, Name.RESUME, qtbot)
        await step(dialog, job_id, lambda t: running_all(4)(t) and all(
            pod != before.get(name) for name, (_s, pod) in t["pods"].items()), "resumed and restarted")
        for _ in range(200):
            if await workflow_state(job_id) == W.WORKFLOW_STATE_SUCCEEDED:
                break
            await until(lambda: True, timeout=0.05)
        await table_agrees(win, job_id, "restart finished")

        # Delete with force from the job tab's toolbar: the name must be typed.
        win.tabs.setCurrentWidget(win.detail_tabs.tab_of(job_id))
        toolbar(win, Name.FORCE_DELETE, qtbot)
        dialog_confirm: ConfirmDialog = await open_dialog(ConfirmDialog)
        assert dialog_confirm.typed is not None and not dialog_confirm.ok.isEnabled()
        qtbot.keyClicks(dialog_confirm.typed, "seq-web")
        assert dialog_confirm.ok.isEnabled()
        dialog_confirm.ok.click()
        await step(dialog, job_id, lambda t: t is None, "deleted")
        assert "DELETED" in dialog.header.text()
        # The other job was never touched.
        assert session.jobs_model.rowCount() == 1
        assert session.jobs_model.summary(0).status.state == J.JOB_STATE_SUCCEEDED
        screenshot(dialog, "sequence-deleted")

    run(qloop, body(), timeout=150)
