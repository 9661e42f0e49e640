"""Job details as tabs of the main window (issue 17): several open at once beside the Jobs tab,
each with its job's own toolbar acting on that job (enabled by its state with the action table's
rules), Ctrl+W / Ctrl+Tab, the palette acting on the job in front, and no window covering the
main toolbar.  Real main window on a real embedded engine (offscreen)."""

from __future__ import annotations

from typing import Any

import pytest
from enginehelp import sh_spec
from followhelp import table_state
from guihelp import open_dialog, run, screenshot, until
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPlainTextEdit, QToolButton

from console.actions import JOB_TOOLBAR, Name
from console.views.command_palette import CommandPalette
from console.views.confirm import ConfirmDialog
from console.views.detail_tabs import JobTab
from console.views.job_detail import JobDetail
from console.views.main_window import MainWindow
from pelorus.api import job_pb2

J = job_pb2


async def focus(win: MainWindow) -> None:
    win.activateWindow()
    await until(lambda: QApplication.activeWindow() is win, timeout=5, what="the window to be active")


def targets(dialog: ConfirmDialog) -> str:
    """The names the confirmation lists ("• name  (id) — …" lines)."""
    listing = dialog.findChild(QPlainTextEdit, "confirmTargets")
    assert listing is not None
    return " ".join(line[2:].split("  (")[0] for line in listing.toPlainText().splitlines() if line.startswith("• "))


def tab_button(tab: JobTab, name: Name) -> QToolButton:
    button = tab.toolbar.widgetForAction(tab.window().actions_by_name[name])  # type: ignore[attr-defined]
    assert isinstance(button, QToolButton)
    return button


@pytest.mark.slow
def test_two_job_tabs_each_act_on_their_own_job(embedded_window: MainWindow, qloop: Any, qtbot: Any) -> None:
    win = embedded_window
    session = win.session

    async def body() -> None:
        web = await session.create_job(sh_spec("tab-web", "sleep 60", instances=2, kill_grace_period=0.2), "tab-1")
        batch = await session.create_job(sh_spec("tab-batch", "true"), "tab-2")
        await until(lambda: table_state(session, batch) == "SUCCEEDED" and table_state(session, web) == "RUNNING",
                    timeout=20, what="one running, one done")
        # Select the finished job in the table, then open the running one: the tab acts on its job,
        # never on the rows selected behind it.
        win.panel.select_job(batch)
        a = win.open_job(web)
        b_detail = win.open_job(batch)
        await until(lambda: a.job is not None and b_detail.job is not None, what="both loaded")
        assert [t.job_id for t in win.detail_tabs.job_tabs()] == [web, batch]
        assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, JobDetail) and w.isVisible()], \
            "a detail opened as a window of its own"
        # The batch tab is in front: its toolbar offers Start (finished), not Stop; the table's bar is hidden.
        tab_b = win.detail_tabs.current_tab()
        assert tab_b is not None and tab_b.job_id == batch and not win.actions_bar.isVisible()
        assert tab_button(tab_b, Name.START).isEnabled() and not tab_button(tab_b, Name.STOP).isEnabled()
        assert "already finished" in win.actions_by_name[Name.STOP].toolTip()
        # The other tab in the background streams slowly; the one in front at full rate; all of them
        # while the window is minimised.
        await until(lambda: a.background and not b_detail.background, timeout=5, what="background tab slowed")
        win.showMinimized()
        await until(lambda: a.background and b_detail.background, timeout=5, what="minimised: all slow")
        win.showNormal()
        await until(lambda: a.background and not b_detail.background, timeout=5, what="restored: the front one fast")
        # Ctrl+Tab cycles: Jobs -> Protobuf -> web -> batch -> Jobs
        await focus(win)
        win.tabs.setCurrentIndex(0)
        seen = []
        for _ in range(4):
            qtbot.keyClick(win, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
            seen.append(win.tabs.tabText(win.tabs.currentIndex()))
        assert win.tabs.widget(1) is win.proto_page and seen[0] == win.tabs.tabText(1)
        assert seen[1].startswith("tab-web") and seen[2].startswith("tab-batch") and seen[3] == "Jobs"
        assert win.actions_bar.isVisible()  # the Jobs tab: the table's toolbar is back
        # The web tab: Stop from its own toolbar stops web (asks first), and batch stays as it was.
        win.tabs.setCurrentWidget(win.detail_tabs.tab_of(web))
        tab_a = win.detail_tabs.current_tab()
        assert tab_a is not None
        await until(lambda: not a.background, timeout=5, what="in front: full rate")
        await until(lambda: tab_button(tab_a, Name.STOP).isEnabled(), what="stop offered for the running job")
        assert not tab_button(tab_a, Name.START).isEnabled()
        screenshot(win, "tabs-two-jobs-1280")
        qtbot.mouseClick(tab_button(tab_a, Name.STOP), Qt.MouseButton.LeftButton)
        dialog: ConfirmDialog = await open_dialog(ConfirmDialog)
        assert targets(dialog) == "tab-web"
        dialog.ok.click()
        await until(lambda: table_state(session, web) == "KILLED", timeout=20, what="web stopped")
        await until(lambda: "KILLED" in win.tabs.tabText(win.tabs.indexOf(tab_a)), what="the tab says KILLED")
        assert table_state(session, batch) == "SUCCEEDED"
        await until(lambda: tab_button(tab_a, Name.START).isEnabled() and not tab_button(tab_a, Name.STOP).isEnabled(),
                    what="the toolbar follows the job's new state")
        # Ctrl+W closes the tab in front (its streams end); the Jobs tab cannot be closed.
        await focus(win)
        qtbot.keyClick(win, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
        await until(lambda: web not in win._details, what="closed by Ctrl+W")
        await until(lambda: all(t.done() for t in a.all_tasks()), timeout=5, what="its streams ended")
        assert [t.job_id for t in win.detail_tabs.job_tabs()] == [batch]
        win.tabs.setCurrentIndex(0)
        assert not win.actions_by_name[Name.CLOSE_TAB].isEnabled()
        qtbot.keyClick(win, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
        assert win.tabs.widget(0) is win.panel and win.tabs.count() == 3
        # Opening an open job brings its tab to the front instead of a second one.
        win.open_job(batch)
        assert win.detail_tabs.current_job_id() == batch and len(win.detail_tabs.job_tabs()) == 1

    run(qloop, body(), timeout=90)


@pytest.mark.slow
def test_the_palette_in_a_job_tab_acts_on_that_job(embedded_window: MainWindow, qloop: Any, qtbot: Any) -> None:
    win = embedded_window
    session = win.session

    async def body() -> None:
        web = await session.create_job(sh_spec("pal-web", "sleep 60", kill_grace_period=0.2), "pal-1")
        other = await session.create_job(sh_spec("pal-other", "sleep 60", kill_grace_period=0.2), "pal-2")
        await until(lambda: table_state(session, web) == "RUNNING" and table_state(session, other) == "RUNNING",
                    timeout=20, what="both running")
        win.panel.select_job(other)  # selected in the table behind
        win.open_job(web)
        await focus(win)
        qtbot.keyClick(win, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
        found: CommandPalette = await open_dialog(CommandPalette)
        qtbot.keyClicks(found.search, "Stop")
        qtbot.keyClick(found.search, Qt.Key.Key_Return)
        dialog: ConfirmDialog = await open_dialog(ConfirmDialog)
        assert targets(dialog) == "pal-web"
        dialog.ok.click()
        await until(lambda: table_state(session, web) == "KILLED", timeout=20, what="web stopped")
        assert table_state(session, other) == "RUNNING"

    run(qloop, body(), timeout=60)


def test_the_job_toolbar_comes_from_the_action_table(embedded_window: MainWindow, qloop: Any) -> None:
    win = embedded_window

    async def body() -> None:
        job_id = await win.session.create_job(sh_spec("tb", "true"), "tb-1")
        detail = win.open_job(job_id)
        tab = win.detail_tabs.current_tab()
        assert tab is not None and tab.detail is detail
        names = [a.objectName().removeprefix("action_") for a in tab.toolbar.actions() if a.objectName()]
        assert names == [n.value for n in JOB_TOOLBAR if n is not None]
        win.detail_tabs.close_all()
        assert not win.detail_tabs.job_tabs() and not win._details

    run(qloop, body(), timeout=30)


@pytest.mark.slow
def test_screenshots_at_two_sizes(embedded_window: MainWindow, qloop: Any, qtbot: Any) -> None:
    """What an operator sees at 1280x800 and 1920x1080: two job tabs, the palette finding a job, the
    saved views menu and the export dialog (PELORUS_SCREENSHOTS chooses where they go)."""
    win = embedded_window
    session = win.session

    async def body() -> None:
        await session.load_demo_jobs()
        await until(lambda: session.jobs_model.rowCount() >= 6, timeout=20, what="demo jobs")
        rows = session.jobs_model
        by_name = {rows.summary(r).name: rows.summary(r).job_id for r in range(rows.rowCount())}
        win.saved_views.save("Failed jobs")
        win.saved_views.save("Team ml, newest first")
        for size in ((1280, 800), (1920, 1080)):
            tag = f"{size[0]}x{size[1]}"
            win.resize(*size)
            win.tabs.setCurrentWidget(win.panel)
            await until(lambda: True, timeout=0.3)
            screenshot(win, f"shot-jobs-{tag}")
            a = win.open_job(by_name["bulk-thumbnails"])
            win.open_job(by_name["web-frontend"])
            win.tabs.setCurrentWidget(win.detail_tabs.tab_of(by_name["bulk-thumbnails"]))
            await until(lambda a=a: a.pods.rowCount() > 0, timeout=15, what="pods")
            a.tabs.setCurrentWidget(a.pods_view)
            await until(lambda: True, timeout=0.5)
            screenshot(win, f"shot-two-job-tabs-{tag}")
            await focus(win)
            qtbot.keyClick(win, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
            found: CommandPalette = await open_dialog(CommandPalette)
            qtbot.keyClicks(found.search, "web")
            screenshot(found, f"shot-palette-find-{tag}")
            found.close()
            win.tabs.setCurrentWidget(win.panel)
            win.saved_views.menu.popup(win.mapToGlobal(win.rect().topLeft()))
            await until(lambda: win.saved_views.menu.isVisible(), timeout=5, what="menu")
            screenshot(win.saved_views.menu, f"shot-saved-views-menu-{tag}")
            win.saved_views.menu.hide()
            win.actions_by_name[Name.EXPORT].trigger()
            assert win.last_export is not None
            screenshot(win.last_export, f"shot-export-dialog-{tag}")
            win.last_export.reject()
            win.detail_tabs.close_all()

    run(qloop, body(), timeout=90)


def test_a_middle_click_closes_a_job_tab(embedded_window: MainWindow, qloop: Any, qtbot: Any) -> None:
    """Middle-click a job's tab: it closes (its streams end); on the Jobs tab it does nothing."""
    win = embedded_window
    session = win.session

    async def open_two() -> tuple[str, str]:
        a = await session.create_job(sh_spec("middle-a", "true"), "middle-a")
        b = await session.create_job(sh_spec("middle-b", "true"), "middle-b")
        await until(lambda: session.jobs_model.row_of(a) is not None and session.jobs_model.row_of(b) is not None,
                    what="both jobs listed")
        win.open_job(a)
        win.open_job(b)
        await until(lambda: len(win.detail_tabs.job_tabs()) == 2, what="two job tabs")
        return a, b

    a, b = run(qloop, open_two())
    bar = win.tabs.tabBar()
    tab_a = win.detail_tabs.tab_of(a)
    assert tab_a is not None
    detail_a = tab_a.detail
    qtbot.mouseClick(bar, Qt.MouseButton.MiddleButton, pos=bar.tabRect(win.tabs.indexOf(tab_a)).center())
    assert win.detail_tabs.job_ids() == [b]
    assert detail_a.job_id not in win.detail_tabs.details
    jobs_tab = win.tabs.indexOf(win.panel)
    qtbot.mouseClick(bar, Qt.MouseButton.MiddleButton, pos=bar.tabRect(jobs_tab).center())
    assert win.tabs.indexOf(win.panel) == jobs_tab and win.tabs.count() == 3  # Jobs, Protobuf, b
    # A middle press on one tab released on another closes neither (as a button pressed and left).
    qtbot.mousePress(bar, Qt.MouseButton.MiddleButton, pos=bar.tabRect(win.tabs.count() - 1).center())
    qtbot.mouseRelease(bar, Qt.MouseButton.MiddleButton, pos=bar.tabRect(jobs_tab).center())
    assert win.detail_tabs.job_ids() == [b]


@pytest.mark.slow
def test_open_job_tabs_come_back_at_the_next_start(embedded_window: MainWindow, qloop: Any,
                                                   tmp_path: Any) -> None:
    """The job tabs open at the last close open again, in their order, the one in front in front;
    a job that no longer exists is skipped without any message."""
    from console.session import ConnectionState, Session, SessionOptions

    win = embedded_window
    session = win.session
    gone = "00000000-0000-4000-8000-000000000000"

    async def first_run() -> tuple[str, str]:
        a = await session.create_job(sh_spec("kept-a", "true"), "kept-a")
        b = await session.create_job(sh_spec("kept-b", "true"), "kept-b")
        await until(lambda: session.jobs_model.row_of(b) is not None, what="jobs listed")
        win.open_job(b)
        win.open_job(a)
        win.open_job(b)  # b in front, a behind it
        return a, b

    a, b = run(qloop, first_run())
    win.save_settings()
    from PySide6.QtCore import QSettings

    s = QSettings()  # a job deleted since (or purged): its tab is not opened again, and nothing is said
    tabs = s.value("main/jobTabs")
    assert tabs == [b, a], tabs
    s.setValue("main/jobTabs", [b, gone, a])
    s.sync()

    # The next start: a new session and window on the same data directory (the engine kept running).
    session2 = Session(SessionOptions(data_dir=tmp_path / "data", profiles_dir=tmp_path / "profiles"))
    win2 = MainWindow(session2)
    win2.resize(1280, 800)
    win2.show()
    try:
        run(qloop, session2.start())
        run(qloop, until(lambda: session2.state == ConnectionState.CONNECTED, what="connected again"))
        run(qloop, until(lambda: len(win2.detail_tabs.job_tabs()) == 2, what="the two tabs reopened"))
        run(qloop, until(lambda: win2.detail_tabs.current_job_id() == b, what="b in front"))
        assert win2.detail_tabs.job_ids() == [b, a]
        assert gone not in win2.detail_tabs.details
        run(qloop, until(lambda: "kept-b" in win2.tabs.tabText(win2.tabs.currentIndex()), what="b's title"))
        message = win2.message_label.text()
        assert gone not in message and "not found" not in message.lower(), message
        win2.grab().save("/tmp/shots-ops17/restored-tabs-1280x800.png")
    finally:
        win2.detail_tabs.close_all()
        run(qloop, session2.stop())
        win2._closing = True
        win2.close()
