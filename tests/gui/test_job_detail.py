"""The job detail (pods, logs, progress, workflows) against the real embedded engine."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from enginehelp import group_gone, sh_spec
from guihelp import embedded_session, run, screenshot, until, until_async
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from console.models.log_buffer import STDERR
from console.models.pods_table import PodColumn, pod_state_name
from console.session import Session
from console.views.job_detail import ALL_PODS, JobDetailDialog
from console.views.progress_chart import BACKGROUND_PERIOD
from pelorus.api import job_pb2, pod_pb2, workflow_pb2
from pelorus.specfile import demo_specs

J = job_pb2
P = pod_pb2
W = workflow_pb2


@pytest.fixture
def session(qloop: Any, tmp_path: Path) -> Iterator[Session]:
    with embedded_session(qloop, tmp_path) as s:
        yield s


async def open_detail(session: Session, job_id: str) -> JobDetailDialog:
    dialog = JobDetailDialog(session, job_id)
    dialog.show()
    await dialog.load()
    return dialog


def states(dialog: JobDetailDialog) -> list[str]:
    m = dialog.pods_model
    return [m.data(m.index(r, PodColumn.STATE)) for r in range(m.rowCount())]


@pytest.mark.slow
def test_demo_jobs_open_by_double_click_and_enter_several_at_once(session: Session, qloop: Any,
                                                                    qtbot: Any) -> None:
    from console.views.main_window import MainWindow

    win = MainWindow(session)
    win.show()

    async def body() -> None:
        win.actions_by_name["demo"].trigger()  # "Load demo jobs"
        await until(lambda: session.jobs_model.rowCount() == len(demo_specs()), timeout=15, what="demo jobs")
        panel = win.panel
        by_name = {panel.proxy.data(panel.proxy.index(r, 0)): panel.proxy.job_id_at(r)
                   for r in range(panel.proxy.rowCount())}
        bulk, flaky = by_name["bulk-thumbnails"], by_name["web-frontend"]
        # Double-click the bulk job's row.
        panel.select_job(bulk)
        rect = panel.table.visualRect(panel.table.currentIndex())
        qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        await until(lambda: win.detail_tabs.current_job_id() == bulk, what="double-click opens its tab")
        # Enter on the flaky job's row (back on the Jobs tab).
        win.tabs.setCurrentWidget(panel)
        panel.table.setFocus()
        panel.select_job(flaky)
        qtbot.keyClick(panel.table, Qt.Key.Key_Return)

        def details() -> dict[str, JobDetailDialog]:
            return {t.job_id: t.detail for t in win.detail_tabs.job_tabs()}

        await until(lambda: set(details()) == {bulk, flaky}, what="two details open")
        assert win.detail_tabs.current_job_id() == flaky
        assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, JobDetailDialog) and w.isVisible()]
        a, b = details()[bulk], details()[flaky]
        await until(lambda: a.pods.rowCount() == 6 and b.pods.rowCount() >= 1, timeout=15, what="pods of both")
        # The tab behind streams progress every BACKGROUND_PERIOD s: its second point may be that far off.
        await until(lambda: len(a.progress.series) >= 2 and len(b.progress.series) >= 2,
                    timeout=15 + BACKGROUND_PERIOD, what="both streaming progress")
        assert "bulk-thumbnails" in a.windowTitle() and "web-frontend" in b.windowTitle()
        assert "bulk-thumbnails" in win.tabs.tabText(win.tabs.indexOf(win.detail_tabs.tab_of(bulk)))
        # The tab behind slows down; the one in front keeps its full rate.
        await until(lambda: a.background, timeout=5, what="the tab behind in the background")
        assert not b.background and b.progress.period == b.progress.effective_period() < 10.0
        # Opening the job behind again brings its tab to the front instead of opening a second one.
        win.tabs.setCurrentWidget(panel)
        panel.select_job(bulk)
        qtbot.keyClick(panel.table, Qt.Key.Key_Return)
        await until(lambda: not a.background, timeout=5, what="in front by opening it again")
        assert win.detail_tabs.current_detail() is a and len(win.detail_tabs.job_tabs()) == 2
        ids = {a.job_id, b.job_id}
        assert ids == {bulk, flaky}
        for d in (a, b):
            assert win.detail_tabs.close_job(d.job_id)
        await until(lambda: all(t.done() for d in (a, b) for t in d.all_tasks()), timeout=5, what="streams end")
        # A closed job opens afresh.
        win.open_job(bulk)
        await until(lambda: bulk in details() and details()[bulk] is not a, what="reopened after close")
        win.detail_tabs.close_job(bulk)

    try:
        run(qloop, body(), timeout=90)
    finally:
        win._closing = True
        win.close()


@pytest.mark.slow
def test_pods_table_follows_a_job_from_pending_to_succeeded(session: Session, qloop: Any) -> None:
    async def body() -> None:
        spec = sh_spec("follow-me", "sleep 0.6; echo done", instances=3)
        spec.parallelism = 1  # two wait PENDING while one runs
        job_id = await session.create_job(spec, "detail-follow")
        dialog = await open_detail(session, job_id)
        seen: set[str] = set()
        dialog.pods_model.dataChanged.connect(lambda *_: seen.update(states(dialog)))
        dialog.pods_model.modelReset.connect(lambda: seen.update(states(dialog)))
        seen.update(states(dialog))
        await until(lambda: dialog.pods.rowCount() == 3, what="three pods")
        await until(lambda: "RUNNING" in states(dialog), what="a pod running")
        assert "PENDING" in states(dialog) or "PENDING" in seen
        dialog.tabs.setCurrentWidget(dialog.pods_view)
        screenshot(dialog, "detail-pods-running")
        await until(lambda: states(dialog) == ["SUCCEEDED"] * 3, timeout=20, what="all pods succeeded")
        assert {"PENDING", "RUNNING", "SUCCEEDED"} <= seen
        m = dialog.pods_model
        assert [m.data(m.index(r, PodColumn.EXIT)) for r in range(3)] == ["0"] * 3
        assert all(m.data(m.index(r, PodColumn.ENDED)) for r in range(3))
        await until(lambda: "SUCCEEDED" in dialog.windowTitle(), what="title shows the end state")
        # Selecting a pod shows its events and makes it the Logs tab's pod.
        dialog.pods_view.select_instance(2)
        await until(lambda: dialog.pods_view.events.count() >= 3, what="pod events listed")
        texts = [dialog.pods_view.events.item(i).text() for i in range(dialog.pods_view.events.count())]
        assert any("SUCCEEDED" in t for t in texts) and any("RUNNING" in t for t in texts)
        assert dialog.log_pod_box.currentData() == 2
        await until(lambda: any("done" in r[3] for r in dialog.log_view.buffer.records()), what="logs of pod 2")
        dialog.close()
        await until(lambda: all(t.done() for t in dialog.all_tasks()), timeout=5, what="streams stopped")

    run(qloop, body(), timeout=60)


def test_stop_a_pod_from_its_context_menu(session: Session, qloop: Any) -> None:
    async def body() -> None:
        job_id = await session.create_job(sh_spec("stop-one", "sleep 60", instances=2, kill_grace_period=2),
                                          "detail-stop")
        dialog = await open_detail(session, job_id)
        dialog.tabs.setCurrentWidget(dialog.pods_view)
        await until(lambda: states(dialog) == ["RUNNING", "RUNNING"], timeout=15, what="both running")
        victim = dialog.pods_model.pod(1)
        pid = victim.status.pid
        assert pid > 0
        menu = dialog.pods_view.menu_for(victim)
        actions = {a.objectName(): a for a in menu.actions()}
        assert actions["podAction_stop"].isEnabled() and not actions["podAction_start"].isEnabled()
        actions["podAction_stop"].trigger()
        await until(lambda: dialog.pods_view.last_dialog is not None and dialog.pods_view.last_dialog.isVisible(),
                    what="the confirmation")
        box = dialog.pods_view.last_dialog
        assert victim.pod_name in box.text()  # it names the pod it hits
        screenshot(box, "detail-pod-stop-confirm")
        next(b for b in box.buttons() if b.objectName() == "podConfirmButton").click()
        await until(lambda: states(dialog)[1] == "KILLED", timeout=15, what="pod 1 KILLED")
        assert states(dialog)[0] == "RUNNING"
        assert await group_gone(pid)
        # Filter and sort like the jobs table.
        view = dialog.pods_view
        view.filter_box.setText("killed")
        assert dialog.pods.rowCount() == 1 and "1 of 2 pod(s)" in view.counts.text()
        view.filter_box.clear()
        view.table.sortByColumn(int(PodColumn.INSTANCE), Qt.SortOrder.DescendingOrder)
        assert view.proxy.data(view.proxy.index(0, int(PodColumn.INSTANCE))) == "1"
        assert view.select_instance(0) and view.selected_pod().instance_id == 0
        view.table.sortByColumn(int(PodColumn.INSTANCE), Qt.SortOrder.AscendingOrder)
        # Start it again from the menu: a new run appears.
        menu = dialog.pods_view.menu_for(dialog.pods_model.pod(1))
        start = next(a for a in menu.actions() if a.objectName() == "podAction_start")
        dialog.pods_view.confirm = False
        start.trigger()
        await until(lambda: dialog.pods_model.pod(1).status.run == 2 and states(dialog)[1] == "RUNNING",
                    timeout=15, what="a second run")
        # Restart instance 0 from its menu (confirmed): its old process goes, a new run comes.
        dialog.pods_view.confirm = True
        old = dialog.pods_model.pod(0)
        restart = next(a for a in dialog.pods_view.menu_for(old).actions() if a.objectName() == "podAction_restart")
        restart.trigger()
        await until(lambda: dialog.pods_view.last_dialog is not None, what="restart confirmation")
        box = dialog.pods_view.last_dialog
        assert old.pod_name in box.text() and "Restart" in box.text()
        next(b for b in box.buttons() if b.objectName() == "podConfirmButton").click()
        await until(lambda: dialog.pods_model.pod(0).status.run == old.status.run + 1
                    and states(dialog)[0] == "RUNNING", timeout=15, what="instance 0's new run")
        assert dialog.pods_model.pod(0).status.prev_pod_id == old.status.pod_id
        assert await group_gone(old.status.pid)
        # Multi-selection: stop both from one menu; the confirmation names both pods.
        view.table.selectAll()
        assert len(view.selected_pods()) == 2 and view.buttons["stop"].text() == "Stop 2…"
        pids = [p.status.pid for p in dialog.pods_model.pods()]
        stop_all = next(a for a in view.menu_for(dialog.pods_model.pod(0)).actions()
                        if a.objectName() == "podAction_stop")
        assert stop_all.text() == "Stop 2 of 2 selected pods…"
        stop_all.trigger()
        await until(lambda: view.last_dialog is not None, what="multi-stop confirmation")
        box = view.last_dialog
        assert all(p.pod_name in box.text() for p in dialog.pods_model.pods())
        next(b for b in box.buttons() if b.objectName() == "podConfirmButton").click()
        await until(lambda: states(dialog) == ["KILLED", "KILLED"], timeout=15, what="both KILLED")
        for pid in pids:
            assert await group_gone(pid)
        screenshot(dialog, "detail-pods-killed")
        dialog.close()

    run(qloop, body(), timeout=60)


def test_previous_runs_expand_beneath_their_instance(session: Session, qloop: Any) -> None:
    async def body() -> None:
        job_id = await session.create_job(sh_spec("runs-tree", "sleep 60", instances=3, kill_grace_period=1),
                                          "detail-runs-tree")
        dialog = await open_detail(session, job_id)
        dialog.tabs.setCurrentWidget(dialog.pods_view)
        await until(lambda: states(dialog) == ["RUNNING"] * 3, timeout=15, what="all running")
        view, m = dialog.pods_view, dialog.pods_model
        first = m.pod(1)
        assert not m.hasChildren(m.index(1, 0))
        # Restart instance 1 from its menu: a new run, and the old one goes beneath it.
        view.confirm = False
        next(a for a in view.menu_for(first).actions() if a.objectName() == "podAction_restart").trigger()
        await until(lambda: m.pod(1).status.run == 2 and states(dialog)[1] == "RUNNING", timeout=15,
                    what="instance 1's second run")
        top = view.proxy.mapFromSource(m.index(1, 0))
        assert view.proxy.hasChildren(top) and not view.table.isExpanded(top)
        assert view.expand_instance(1) and view.table.isExpanded(top)  # expanding loads them (GetPod)

        def child_text(col: PodColumn) -> str:
            return str(view.proxy.data(view.proxy.index(0, int(col), top)))

        await until(lambda: m.previous_loaded(first.pod_name) and child_text(PodColumn.STATE) == "KILLED",
                    what="the previous run's final state (GetPod)")
        assert view.proxy.rowCount(top) == 1
        child = view.proxy.index(0, int(PodColumn.STATE), top)
        assert child_text(PodColumn.POD_ID) == first.status.pod_id and child_text(PodColumn.RUN) == "1 / 1"
        assert child_text(PodColumn.STARTED) and child_text(PodColumn.ENDED) and child_text(PodColumn.REASON)
        assert view.table.visualRect(child).top() > view.table.visualRect(top).top()  # beneath its instance
        screenshot(dialog, "detail-pods-previous-run")
        # Selecting the previous run's row: its own events beside the table; actions on the current run.
        view.table.selectionModel().setCurrentIndex(
            child, view.table.selectionModel().SelectionFlag.ClearAndSelect
            | view.table.selectionModel().SelectionFlag.Rows)
        assert view.selected_run().status.pod_id == first.status.pod_id
        assert [p.status.pod_id for p in view.selected_pods()] == [m.pod(1).status.pod_id]
        await until(lambda: "previous run" in view.events_title.text() and view.events.count() >= 2,
                    what="the previous run's events")
        texts = [view.events.item(i).text() for i in range(view.events.count())]
        assert all("run 1" in t for t in texts) and any("KILLED" in t for t in texts)
        menu = view.menu_for(view.selected_pod(), view.selected_run())
        actions = {a.objectName(): a for a in menu.actions()}
        stop = actions["podAction_stop"]
        assert m.pod(1).status.pod_id in stop.text() and stop.isEnabled()
        assert view.buttons["stop"].isEnabled()  # the current run is RUNNING
        # …and its logs, from the same menu: the Logs tab tails that run.
        assert first.status.pod_id in actions["podAction_runLogs"].text()
        actions["podAction_runLogs"].trigger()
        assert dialog.tabs.currentWidget() is dialog.log_view.parentWidget()
        await until(lambda: dialog.log_view.pod_id == first.status.pod_id
                    and dialog.log_run_box.currentData() == first.status.pod_id, what="the previous run's logs")
        await until(lambda: dialog.log_run_box.count() == 2 and "KILLED" in dialog.log_run_box.currentText(),
                    what="the run described in the run picker")
        dialog.tabs.setCurrentWidget(view)
        # Filter on instances: a matching instance keeps its previous runs; sorting keeps them beneath.
        view.filter_box.setText(m.pod(1).status.pod_id)
        assert dialog.pods.rowCount() == 1
        top = view.proxy.index(0, 0)
        assert view.proxy.data(top) == "1" and view.proxy.rowCount(top) == 1
        view.filter_box.clear()
        view.table.sortByColumn(int(PodColumn.INSTANCE), Qt.SortOrder.DescendingOrder)
        top = view.proxy.index(1, 0)
        assert view.proxy.data(top) == "1" and view.proxy.rowCount(top) == 1
        view.table.sortByColumn(int(PodColumn.INSTANCE), Qt.SortOrder.AscendingOrder)
        # Another restart while expanded: the second run slides in on top, refreshed to its final state.
        second = m.pod(1).status.pod_id
        await session.client.restart_pod(m.pod(1).pod_name, check_sla=False)
        top = view.proxy.mapFromSource(m.index(1, 0))
        await until(lambda: view.proxy.rowCount(top) == 2
                    and view.proxy.data(view.proxy.index(0, int(PodColumn.POD_ID), top)) == second
                    and view.proxy.data(view.proxy.index(0, int(PodColumn.STATE), top)) == "KILLED",
                    timeout=15, what="two previous runs, newest first")
        assert view.proxy.data(view.proxy.index(1, int(PodColumn.POD_ID), top)) == first.status.pod_id
        dialog.close()

    run(qloop, body(), timeout=60)


@pytest.mark.slow
def test_log_tail_is_live_and_follow_lock_releases(session: Session, qloop: Any) -> None:
    script = ('i=0; while [ $i -lt 400 ]; do i=$((i+1)); echo "line $i"; '
              'if [ $((i % 50)) -eq 0 ]; then echo "oops $i" >&2; fi; sleep 0.01; done; sleep 30')
    async def body() -> None:
        job_id = await session.create_job(sh_spec("chatty", script, kill_grace_period=1), "detail-logs")
        dialog = await open_detail(session, job_id)
        dialog.tabs.setCurrentIndex(2)
        view = dialog.log_view
        buf = view.buffer

        def texts() -> list[str]:
            return [r[3] for r in buf.records()]

        await until(lambda: "line 5" in texts(), timeout=15, what="first lines")
        assert "line 400" not in texts()  # they arrive as the pod prints them
        pod = dialog.pods_model.pod(0)
        assert pod_state_name(pod.status.state) == "RUNNING"
        assert view.following
        await until(lambda: buf.rowCount() > 150, timeout=15, what="enough lines to scroll")
        sb = view.list.verticalScrollBar()
        assert sb.value() == sb.maximum()
        sb.setValue(10)  # the operator scrolls up
        assert not view.following
        rows_then = buf.rowCount()
        await until(lambda: buf.rowCount() > rows_then + 30, what="more lines")
        assert sb.value() == 10 and not view.following  # stays put
        assert view.jump_button.isVisible()
        screenshot(dialog, "detail-logs-released")
        sb.setValue(sb.maximum())  # back to the bottom: re-engaged
        assert view.following
        # Hidden, the tail keeps streaming (applied once a second); shown again, once a frame.
        dialog.hide()
        assert buf.interval_ms == 1000
        n = buf.total_appended
        await until(lambda: buf.total_appended > n + 10, timeout=5, what="lines while hidden")
        dialog.show()
        assert buf.interval_ms == 16
        n = buf.rowCount()
        await until(lambda: buf.rowCount() > n + 10, what="more lines")
        await asyncio.sleep(0.05)
        assert sb.value() == sb.maximum()
        # stderr lines are marked.
        await until(lambda: "oops 100" in texts(), what="stderr line")
        row = texts().index("oops 100")
        assert buf.record(row)[2] == STDERR
        # Search: highlight and walk.
        view.search.setText("oops")
        first = view.find_next()
        assert first >= 0 and texts()[first].startswith("oops")
        assert not view.following
        second = view.find_next()
        assert second != first and texts()[second].startswith("oops")
        assert view.find_previous() == first
        # Pause: the view freezes while lines keep queuing.
        view.set_paused(True)
        frozen = buf.rowCount()
        await until(lambda: buf.pending() > 20, what="lines queued while paused")
        assert buf.rowCount() == frozen
        view.set_paused(False)
        assert buf.rowCount() > frozen
        view.set_wrap(True)
        await asyncio.sleep(0.1)
        screenshot(dialog, "detail-logs-wrap-search")
        view.set_wrap(False)
        saved = view.save_to(Path(dialog.session.options.data_dir) / "pod.log")
        text = (Path(dialog.session.options.data_dir) / "pod.log").read_text()
        assert saved == buf.rowCount() and "line 1\n" in text and "E oops 50" in text
        dialog.close()

    run(qloop, body(), timeout=90)


def test_logs_of_a_previous_run_and_merged_tail(session: Session, qloop: Any) -> None:
    async def body() -> None:
        script = 'echo "run of $PELORUS_INSTANCE_ID at $(date +%s%N)"; sleep 30'
        job_id = await session.create_job(sh_spec("runs", script, instances=2, kill_grace_period=1), "detail-runs")
        dialog = await open_detail(session, job_id)
        await until(lambda: states(dialog) == ["RUNNING", "RUNNING"], timeout=15, what="running")
        first_run = dialog.pods_model.pod(0).status.pod_id
        dialog.show_logs_of(0)
        await until(lambda: dialog.log_view.buffer.rowCount() >= 1, what="first run's log")
        await dialog.session.client.restart_pod(dialog.pods_model.pod(0).pod_name, check_sla=False)
        await until(lambda: dialog.pods_model.pod(0).status.pod_id not in ("", first_run)
                    and states(dialog)[0] == "RUNNING", timeout=15, what="second run")
        # The Logs tab follows the new run by itself ("current run" chosen).
        await until(lambda: dialog.log_view.pod_id == "" and dialog._log_pod_id != first_run
                    and any("run of 0" in r[3] for r in dialog.log_view.buffer.records()), what="new run tailed")
        await until(lambda: dialog.log_run_box.findData(first_run) >= 0, what="previous run offered")
        dialog.log_run_box.setCurrentIndex(dialog.log_run_box.findData(first_run))
        dialog._retail()
        await until(lambda: any("run of 0" in r[3] for r in dialog.log_view.buffer.records())
                    and dialog.log_view.pod_id == first_run, what="previous run's log")
        # Merged tail: both instances, each line tagged by instance.
        dialog.show_logs_of(ALL_PODS)
        buf = dialog.log_view.buffer
        await until(lambda: {r[4] for r in buf.records() if "run of" in r[3]} == {0, 1}, what="merged tail")
        assert buf.merged and any(buf.text(i).startswith("[1] ") for i in range(buf.rowCount()))
        dialog.tabs.setCurrentIndex(2)
        screenshot(dialog, "detail-logs-merged")
        dialog.close()

    run(qloop, body(), timeout=60)


@pytest.mark.slow
def test_progress_chart_matches_what_the_pods_printed(session: Session, qloop: Any) -> None:
    # Each of 3 pods processes 20 items; item i fails when i % 7 == 0 (2 failures per pod).
    script = ('ok=0; bad=0; i=0; while [ $i -lt 20 ]; do i=$((i+1)); '
              'if [ $((i % 7)) -eq 0 ]; then bad=$((bad+1)); else ok=$((ok+1)); fi; '
              'echo "::progress successful=$ok failed=$bad remaining=$((20-i))"; sleep 0.05; done')

    async def body() -> None:
        spec = sh_spec("progressive", script, instances=3)
        spec.max_failed_instances = 1
        job_id = await session.create_job(spec, "detail-progress")
        dialog = await open_detail(session, job_id)
        chart = dialog.progress
        chart.period_box.setCurrentIndex(0)  # 250 ms
        dialog.tabs.setCurrentWidget(chart)
        await until(lambda: len(chart.series) >= 2, timeout=15, what="progress samples")
        # The chart's state follows the jobs feed (it may say SUCCEEDED before WatchJob's last sample):
        # the numbers are final once the stream has ended with the job.
        await until(lambda: chart.state_name == "SUCCEEDED" and not chart.streaming, timeout=30, what="job done")
        d = chart.series.data
        assert (d.last("successful"), d.last("failed"), d.last("remaining")) == (54.0, 6.0, 0.0)
        ok, bad = d.view("successful"), d.view("failed")
        assert (ok[1:] >= ok[:-1]).all() and (bad[1:] >= bad[:-1]).all()  # a burn-up never goes down
        assert chart.series.max_failed_instances == 1
        # The curves show the series (drawn by the timer, not per message).
        assert chart.redraws <= chart.samples + 2
        _x, y = chart.curves["successful"].getData()
        assert y is not None and y[-1] == 54.0
        assert "ETA" in chart.summary.text() and "54 ok" in chart.summary.text()
        label = chart.show_crosshair(float(d.last("t")))
        assert "successful=54" in label
        # Hidden (or minimised), the detail keeps streaming but slowly; shown again, at the chosen rate.
        dialog.hide()
        assert chart.background and chart.period == 10.0
        assert dialog.pods_model.interval_ms == 1000 and dialog.log_view.buffer.interval_ms == 1000
        dialog.show()
        assert not chart.background and chart.period == 0.25
        assert dialog.pods_model.interval_ms == 16 and dialog.log_view.buffer.interval_ms == 16
        dialog.showMinimized()
        await until(lambda: dialog.background, timeout=5, what="minimised: background rate")
        assert chart.period == 10.0 and dialog.pods_model.interval_ms == 1000
        dialog.showNormal()
        await until(lambda: not dialog.background, timeout=5, what="restored: full rate")
        assert chart.period == 0.25 and dialog.log_view.buffer.interval_ms == 16
        out = Path(dialog.session.options.data_dir)
        assert chart.export_png(out / "p.png") and (out / "p.png").stat().st_size > 1000
        chart.export_csv(out / "p.csv")
        rows = (out / "p.csv").read_text().splitlines()
        assert rows[-1].split(",")[1:4] == ["54", "6", "0"]
        dialog.close()

    run(qloop, body(), timeout=60)


@pytest.mark.slow
def test_screenshots_of_every_tab_during_a_bulk_job(session: Session, qloop: Any) -> None:
    async def body() -> None:
        spec = demo_specs()["1-bulk-thumbnails"]
        job_id = await session.create_job(spec, "detail-shots")
        dialog = await open_detail(session, job_id)
        dialog.progress.period_box.setCurrentIndex(0)
        dialog.tabs.setCurrentWidget(dialog.progress)
        await until(lambda: len(dialog.progress.series) >= 6 and dialog.progress.series.data.last("successful") > 20,
                    timeout=30, what="progress moving")
        await until(lambda: "RUNNING" in states(dialog), what="pods running")
        dialog.pods_view.select_instance(next(r for r, s in enumerate(states(dialog)) if s == "RUNNING"))
        await until(lambda: dialog.pods_view.events.count() > 0, what="events")
        await until(lambda: dialog.log_view.buffer.rowCount() > 5, what="log lines")
        for index, name in enumerate(("summary", "pods", "logs", "progress", "workflows")):
            dialog.tabs.setCurrentIndex(index)
            await asyncio.sleep(0.15)
            screenshot(dialog, f"detail-tab-{name}")
        dialog.close()

    run(qloop, body(), timeout=60)


@pytest.mark.slow
def test_empty_states_of_a_job_that_has_not_run(session: Session, qloop: Any) -> None:
    async def body() -> None:
        spec = sh_spec("yearly", "echo hi", instances=2)
        spec.schedule.cron = "0 0 1 1 *"  # next run: the new year
        job_id = await session.create_job(spec, "detail-empty")
        dialog = await open_detail(session, job_id)
        await asyncio.sleep(0.3)
        assert "Next run" in dialog.summary_labels and dialog.summary_labels["Next run"].text()
        view = dialog.pods_view
        dialog.tabs.setCurrentWidget(view)
        if dialog.pods.rowCount() == 0:  # no pods until the first run: the table says so
            assert view.empty_label.isVisible() and "No pods" in view.empty_label.text()
        else:
            assert not view.empty_label.isVisible()
        view.filter_box.setText("no-such-pod")
        assert view.empty_label.isVisible() and "No pod matches" in view.empty_label.text()
        await asyncio.sleep(0.1)
        screenshot(dialog, "detail-empty-pods-filtered")
        view.filter_box.clear()
        assert not view.empty_label.isVisible() or dialog.pods.rowCount() == 0
        for index, name in enumerate(("summary", "pods", "logs", "progress", "workflows")):
            dialog.tabs.setCurrentIndex(index)
            await asyncio.sleep(0.15)
            screenshot(dialog, f"detail-empty-{name}")
        dialog.close()

    run(qloop, body(), timeout=30)


@pytest.mark.slow
def test_rolling_restart_with_pause_and_resume_on_the_timeline(session: Session, qloop: Any) -> None:
    async def version(job_id: str) -> int:
        return int((await session.client.get_job(job_id)).job_info.status.version.value)

    async def body() -> None:
        job_id = await session.create_job(sh_spec("rolling", "sleep 60", instances=3, kill_grace_period=1),
                                          "detail-rolling")
        dialog = await open_detail(session, job_id)
        await until(lambda: states(dialog) == ["RUNNING"] * 3, timeout=15, what="all running")
        client = session.client
        await client.restart_job(job_id, await version(job_id), batch_size=1)
        await client.pause_workflow(job_id, await version(job_id))
        await asyncio.sleep(0.5)
        await client.resume_workflow(job_id, await version(job_id))
        await until(lambda: all(dialog.pods_model.pod(i).status.run == 2 and states(dialog)[i] == "RUNNING"
                                for i in range(3)), timeout=30, what="every instance restarted")
        # The Progress tab shows the rolling restart's instances: completed / remaining / failed.
        chart = dialog.progress
        dialog.tabs.setCurrentWidget(chart)
        await until(lambda: chart.series.wf_start is not None and chart.series.data.last("wf_done") == 3,
                    timeout=15, what="the workflow's instances on the chart")
        d = chart.series.data
        assert (d.last("wf_remaining"), d.last("wf_failed")) == (0.0, 0.0)
        done = d.view("wf_done")[chart.series.wf_start:]
        assert (done[1:] >= done[:-1]).all() and done[0] < 3  # it climbed while the restart rolled
        await until(lambda: chart.wf_shown and chart.wf_plot.isVisible()
                    and chart.curves["wf_done"].getData()[1] is not None
                    and chart.curves["wf_done"].getData()[1][-1] == 3, what="the workflow plot drawn")
        assert "3 instance(s) done, 0 remaining, 0 failed" in chart.workflow_label.text()
        screenshot(dialog, "detail-progress-rolling-restart")
        dialog.tabs.setCurrentIndex(4)
        await dialog.load_workflows()
        tl = dialog.timeline.timeline
        assert tl.lanes == ["job", "instance 0", "instance 1", "instance 2"]
        for lane in (1, 2, 3):
            runs = {iv.pod_id for iv in tl.intervals_in(lane)}
            assert len(runs) == 2, (lane, runs)  # both runs of the instance on its lane
            assert any(iv.state == "KILLED" for iv in tl.intervals_in(lane))
        job_states = {m.state for m in tl.markers if m.lane == 0}
        assert {"PAUSED", "ROLLING_FORWARD"} <= job_states, job_states
        await asyncio.sleep(0.1)
        assert dialog.timeline.painted_intervals > 0
        view = dialog.timeline
        # Hover names what is under the pointer; a click on a lane selects that pod.
        iv = tl.intervals_in(2)[0]
        y = 22 + 2 * 18 + 9
        assert "instance 1" in view.describe_at(view.x_of((iv.start + iv.end) / 2) if iv.end > iv.start
                                                 else view.x_of(iv.start), y)
        view.instanceClicked.emit(1)
        assert dialog.pods_view.selected_pod().instance_id == 1
        screenshot(dialog, "detail-workflow-timeline")
        dialog.close()

    run(qloop, body(), timeout=90)


@pytest.mark.slow
def test_timeline_toolbar_pauses_resumes_and_aborts_the_running_workflow(session: Session, qloop: Any) -> None:
    # Pods take ~0.4 s to stop, so a rolling restart in batches of 1 is slow enough to catch.
    script = "trap 'sleep 0.4; exit 0' TERM; sleep 60 & wait"
    client = session.client

    async def version(job_id: str) -> int:
        return int((await client.get_job(job_id)).job_info.status.version.value)

    async def wf_state(job_id: str) -> str:
        workflows = await client.list_workflows(job_id)
        return W.WorkflowState.Name(workflows[0].status.state).removeprefix("WORKFLOW_STATE_") if workflows else ""

    async def body() -> None:
        job_id = await session.create_job(sh_spec("toolbar", script, instances=3, kill_grace_period=5),
                                          "detail-toolbar")
        dialog = await open_detail(session, job_id)
        await until(lambda: states(dialog) == ["RUNNING"] * 3, timeout=15, what="all running")
        dialog.tabs.setCurrentIndex(4)
        await dialog.load_workflows()
        buttons = dialog.wf_buttons
        assert not buttons["pause"].isEnabled() and not buttons["resume"].isEnabled()
        await client.restart_job(job_id, await version(job_id), batch_size=1)
        await dialog.load_workflows()
        assert dialog.workflow_state in ("INITIALIZED", "ROLLING_FORWARD"), dialog.workflow_state
        assert buttons["pause"].isEnabled() and buttons["abort"].isEnabled() and not buttons["resume"].isEnabled()
        # Pause from the toolbar: the engine's workflow is PAUSED and the buttons follow.
        buttons["pause"].click()
        await until_async(lambda: _eq(wf_state(job_id), "PAUSED"), timeout=15, what="engine workflow PAUSED")
        await until(lambda: dialog.workflow_state == "PAUSED" and buttons["resume"].isEnabled(),
                    what="toolbar shows PAUSED")
        assert not buttons["pause"].isEnabled() and buttons["abort"].isEnabled()
        await asyncio.sleep(1.0)  # the batch in flight when paused completes
        runs_then = [dialog.pods_model.pod(i).status.run for i in range(3)]
        await asyncio.sleep(1.5)  # paused: nothing more moves (an idle stretch for the collapse below)
        assert await wf_state(job_id) == "PAUSED"
        assert [dialog.pods_model.pod(i).status.run for i in range(3)] == runs_then
        assert 1 in runs_then, runs_then  # paused before every instance was restarted
        await dialog.load_workflows()
        screenshot(dialog, "detail-timeline-toolbar-paused")
        # Collapse idle stretches: the quiet paused second becomes a narrow band.
        view = dialog.timeline
        dialog.set_collapse_threshold(1.0)  # the toolbar's "over 1 s"
        assert view.collapse_threshold == 1.0
        dialog.collapse_button.setChecked(True)
        assert view.collapsed and view.timemap.gaps
        s, e = view.timemap.gaps[-1]
        assert e - s > 1.0 and view.x_of(e) - view.x_of(s) < 0.1 * view.width()
        painted = view.paints
        await until(lambda: view.paints > painted, what="repaint collapsed")
        screenshot(dialog, "detail-timeline-collapsed")
        dialog.collapse_button.setChecked(False)
        assert not view.timemap
        # Resume from the toolbar: it rolls forward again and finishes.
        buttons["resume"].click()
        await until_async(lambda: _in(wf_state(job_id), ("ROLLING_FORWARD", "SUCCEEDED")), timeout=15,
                          what="engine workflow resumed")
        await until(lambda: all(dialog.pods_model.pod(i).status.run == 2 and states(dialog)[i] == "RUNNING"
                                for i in range(3)), timeout=30, what="every instance restarted")
        await until_async(lambda: _eq(wf_state(job_id), "SUCCEEDED"), timeout=15, what="workflow done")
        await dialog.load_workflows()
        assert not any(b.isEnabled() for b in buttons.values())
        # A refused action shows the engine's sentence.
        await dialog._run_workflow_action("resume")
        msg = dialog.workflow_message.text()
        assert msg and "<" not in msg and msg != "Resume requested.", msg
        # Abort: a second restart, paused, then aborted after a confirmation naming the job.
        await client.restart_job(job_id, await version(job_id), batch_size=1)
        await client.pause_workflow(job_id, await version(job_id))
        await dialog.load_workflows()
        assert buttons["abort"].isEnabled()
        buttons["abort"].click()
        box = dialog.last_workflow_dialog
        assert box is not None and box.isVisible() and "toolbar" in box.text() and job_id in box.text()
        screenshot(box, "detail-timeline-abort-confirm")
        box.button(QMessageBox.StandardButton.Cancel).click()
        await asyncio.sleep(0.3)
        assert await wf_state(job_id) == "PAUSED"  # cancelled: nothing sent
        buttons["abort"].click()
        box = dialog.last_workflow_dialog
        assert box is not None
        next(b for b in box.buttons() if b.objectName() == "workflowAbortButton").click()
        await until_async(lambda: _eq(wf_state(job_id), "ABORTED"), timeout=15, what="workflow ABORTED")
        await until(lambda: dialog.workflow_state == "ABORTED", what="toolbar shows ABORTED")
        assert not any(b.isEnabled() for b in buttons.values())
        dialog.close()

    run(qloop, body(), timeout=120)


async def _eq(value: Any, want: Any) -> bool:
    return await value == want


async def _in(value: Any, want: Any) -> bool:
    return await value in want


def test_collapse_idle_threshold_is_a_toolbar_choice_and_persists(session: Session, qloop: Any) -> None:
    from console.models.timeline import build_timeline
    from console.views.job_detail import COLLAPSE_THRESHOLDS

    def ev(t: float, state: int, pod_id: str) -> P.PodEvent:
        e = P.PodEvent(pod_id=pod_id, actual_state=state)
        e.timestamp.seconds, e.timestamp.nanos = int(t), int((t % 1) * 1e9)
        return e

    # Quiet stretches of 20 s and 90 s between bursts of activity.
    events = {0: [ev(0, P.POD_STATE_PENDING, "j-0-1"), ev(1, P.POD_STATE_RUNNING, "j-0-1"),
                  ev(21, P.POD_STATE_KILLED, "j-0-1"), ev(21.5, P.POD_STATE_RUNNING, "j-0-2"),
                  ev(111.5, P.POD_STATE_SUCCEEDED, "j-0-2")]}
    tl = build_timeline([], events, now=200.0)

    async def body() -> None:
        dialog = JobDetailDialog(session, "not-loaded")
        dialog.tabs.setCurrentIndex(4)
        dialog.show()
        box, button, view = dialog.collapse_threshold_box, dialog.collapse_button, dialog.timeline
        assert box.isVisible() and box.count() == len(COLLAPSE_THRESHOLDS)
        assert box.currentData() == 10.0 and button.isChecked()  # defaults: idle collapsed
        button.setChecked(False)
        view.set_timeline(tl)
        button.setChecked(True)
        assert [round(e - s) for s, e in view.timemap.gaps] == [20, 90]
        box.setCurrentIndex(box.findData(30.0))  # the operator picks "over 30 s": only the long one stays
        assert view.collapse_threshold == 30.0 and [round(e - s) for s, e in view.timemap.gaps] == [90]
        assert "30 s" in button.toolTip()
        await asyncio.sleep(0.05)
        screenshot(dialog, "detail-timeline-threshold")
        dialog.close()
        # A new detail starts with the same choice, collapsed.
        again = JobDetailDialog(session, "not-loaded")
        assert again.collapse_threshold_box.currentText() == "over 30 s" and again.collapse_button.isChecked()
        assert again.timeline.collapse_threshold == 30.0 and again.timeline.collapsed
        again.timeline.set_timeline(tl)
        assert [round(e - s) for s, e in again.timeline.timemap.gaps] == [90]
        again.collapse_button.setChecked(False)
        again.close()
        third = JobDetailDialog(session, "not-loaded")
        assert not third.collapse_button.isChecked() and third.collapse_threshold_box.currentData() == 30.0
        third.close()

    run(qloop, body(), timeout=30)
