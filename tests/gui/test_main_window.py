"""The main window driven through its real widgets, on the embedded engine (a real child process)."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest
from enginehelp import Client, group_gone, sh_spec
from guihelp import embedded_main_window, job_tab, open_dialog, run, screenshot, until, until_async
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox, QPlainTextEdit
from tlshelp import TOKENS, make_cert, tcp_address, write_tokens

from console.models.jobs_table import Column
from console.session import ConnectionState, Session, SessionOptions
from console.views.command_palette import CommandPalette
from console.views.confirm import ConfirmDialog
from console.views.main_window import MainWindow
from console.views.spec_editor import ConflictDialog, SpecEditorDialog
from pelorus.api import job_pb2, pod_pb2, workflow_pb2
from pelorus.api import job_service_pb2 as js

J = job_pb2


@pytest.fixture
def window(qloop: Any, tmp_path: Path) -> Iterator[MainWindow]:
    with embedded_main_window(qloop, tmp_path) as win:
        yield win


def rows(win: MainWindow) -> int:
    return win.panel.proxy.rowCount()


def job_state(win: MainWindow, name: str) -> int | None:
    model = win.session.jobs_model
    for row in range(model.rowCount()):
        summary = model.summary(row)
        if summary.name == name:
            return summary.status.state
    return None


def job_id_of(win: MainWindow, name: str) -> str:
    model = win.session.jobs_model
    return next(model.summary(r).job_id for r in range(model.rowCount()) if model.summary(r).name == name)


@pytest.mark.slow
def test_launch_load_demo_and_watch_rows_change_live(window: MainWindow, qloop: Any, qtbot: Any) -> None:
    win = window
    assert win.panel.stack.currentWidget() is win.panel.empty
    screenshot(win, "main-empty")
    qtbot.mouseClick(win.panel.demo_button, Qt.MouseButton.LeftButton)

    async def body() -> None:
        await until(lambda: win.session.jobs_model.rowCount() == 6, what="six demo jobs")
        assert win.panel.stack.currentWidget() is win.panel.table
        await until(lambda: job_state(win, "flaky-sync") == J.JOB_STATE_SUCCEEDED, timeout=30,
                    what="flaky-sync to succeed live")
        await until(lambda: job_state(win, "slow-export") == J.JOB_STATE_FAILED, timeout=30,
                    what="slow-export to hit its deadline")
        screenshot(win, "main-demo-jobs")
        # Loading the demo again makes nothing new (idempotency keys).
        qtbot.mouseClick(win.panel.demo_button, Qt.MouseButton.LeftButton)
        await asyncio.sleep(1.0)
        assert win.session.jobs_model.rowCount() == 6

    run(qloop, body(), timeout=90)
    assert "connected" in win.conn_status.text()


def test_filter_qualifiers_and_chips(window: MainWindow, qloop: Any, qtbot: Any) -> None:
    win = window
    run(qloop, win.session.load_demo_jobs())
    run(qloop, until(lambda: win.session.jobs_model.rowCount() == 6, what="demo jobs"))
    qtbot.keyClicks(win.panel.filter_box, "label:team=web")
    assert rows(win) == 1 and win.panel.proxy.job_id_at(0) == job_id_of(win, "web-frontend")
    win.panel.filter_box.clear()
    qtbot.keyClicks(win.panel.filter_box, "owner:data")
    assert rows(win) == 2
    win.panel.filter_box.clear()
    qtbot.keyClicks(win.panel.filter_box, "name~^(heart|minutely)")
    assert rows(win) == 2
    win.panel.filter_box.setText("owner:data")
    win.panel.filter_box.setText("owner:data name~(")  # as if pasted
    # A bad regex: the error is shown and the last valid filter (owner:data) stays in force.
    assert win.panel.filter_error.isVisible() and rows(win) == 2
    screenshot(win, "main-filter-error")
    win.panel.filter_box.clear()
    run(qloop, until(lambda: job_state(win, "web-frontend") == J.JOB_STATE_RUNNING, what="service running"))
    win.panel.chips["RUNNING"].click()
    assert all(win.panel.proxy.data(win.panel.proxy.index(r, int(Column.STATE))) == "RUNNING"
               for r in range(rows(win)))
    assert "of 6 jobs" in win.panel.count_label.text()
    screenshot(win, "main-chip-running")
    win.panel.chips["RUNNING"].click()
    assert rows(win) == 6


@pytest.mark.slow
def test_sorting_while_streaming_keeps_the_selection(window: MainWindow, qloop: Any) -> None:
    win = window
    run(qloop, win.session.load_demo_jobs())
    run(qloop, until(lambda: win.session.jobs_model.rowCount() == 6, what="demo jobs"))
    target = job_id_of(win, "bulk-thumbnails")
    assert win.panel.select_job(target)
    for column in (Column.NAME, Column.UPDATED, Column.STATE, Column.PRIORITY):
        win.panel.table.sortByColumn(int(column), Qt.SortOrder.DescendingOrder)
        run(qloop, asyncio.sleep(0.4))  # updates stream in meanwhile (bulk job is running)
        assert win.panel.selected_job_ids() == [target], column


def test_stop_through_the_toolbar_kills_the_job(window: MainWindow, qloop: Any) -> None:
    win = window

    async def body() -> None:
        job_id = await win.session.create_job(sh_spec("to-kill", "sleep 60", instances=3, kill_grace_period=0.5),
                                              "k-1")
        await until(lambda: job_state(win, "to-kill") == J.JOB_STATE_RUNNING, what="running")
        # the job turns RUNNING with its first pod: wait for the three the confirmation will list
        await until(lambda: [f.running_pods for f in win.session.job_facts([job_id])] == [3], what="3 pods running")
        win.panel.select_job(job_id)
        win.actions_by_name["stop"].trigger()
        dialog = await open_dialog(ConfirmDialog)
        listing = dialog.findChild(QPlainTextEdit).toPlainText()
        assert "to-kill" in listing and "3 running" in listing
        screenshot(dialog, "confirm-stop")
        dialog.ok.click()
        await until(lambda: job_state(win, "to-kill") == J.JOB_STATE_KILLED, timeout=20, what="KILLED")
        async with Client(win.session.embedded.address) as c:
            pods = await c.jobs.QueryPods(js.QueryPodsRequest(job_id=job_id))
            assert [p.status.state for p in pods.pods] == [pod_pb2.POD_STATE_KILLED] * 3
            for pod in pods.pods:
                assert await group_gone(pod.status.pid)

    run(qloop, body(), timeout=60)


def test_keyboard_palette_and_read_only(window: MainWindow, qloop: Any, qtbot: Any) -> None:
    win = window
    qtbot.keyClick(win, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    palette = run(qloop, open_dialog(CommandPalette))
    texts = [palette.list.item(i).text() for i in range(palette.list.count())]
    assert any(t.startswith("Stop") and "Ctrl+Shift+X" in t for t in texts)
    assert any(t.startswith("Command palette") and "Ctrl+K" in t for t in texts)
    screenshot(palette, "command-palette")
    palette.close()
    win.session.read_only = True
    win._update_enabled()
    assert not win.actions_by_name["new"].isEnabled() and not win.actions_by_name["stop"].isEnabled()
    assert not win.panel.demo_button.isEnabled()


@pytest.mark.slow
def test_engine_killed_mid_session_then_restarted(window: MainWindow, qloop: Any, tmp_path: Path) -> None:
    win = window
    embedded = win.session.embedded
    assert embedded is not None

    async def body() -> None:
        await win.session.create_job(sh_spec("before-crash", "true"), "c-1")
        await until(lambda: job_state(win, "before-crash") == J.JOB_STATE_SUCCEEDED, what="first job done")
        pid = embedded.pid()
        assert pid is not None
        os.kill(pid, signal.SIGKILL)
        await until(lambda: win.session.state == ConnectionState.RECONNECTING, what="reconnecting")
        assert win.session.jobs_model.is_stale()
        # The console restarts its embedded engine by itself (test_engine_supervision has the details).
        assert any(s in win.conn_status.text() for s in ("reconnecting", "restarting the embedded engine"))
        screenshot(win, "main-reconnecting")
        assert win.session.jobs_model.rowCount() == 1  # the last data stays, greyed
        await embedded.ensure_running()  # started once, whoever asks first
        await until(lambda: win.session.state == ConnectionState.CONNECTED, timeout=30, what="reconnected")
        assert not win.session.jobs_model.is_stale()
        async with Client(embedded.address) as c:
            await c.create(sh_spec("after-restart", "true"))
        await until(lambda: job_state(win, "after-restart") == J.JOB_STATE_SUCCEEDED, what="catch-up")
        assert job_state(win, "before-crash") == J.JOB_STATE_SUCCEEDED

    run(qloop, body(), timeout=90)


def test_stale_edit_shows_three_versions_and_rebases(window: MainWindow, qloop: Any) -> None:
    win = window

    async def body() -> None:
        job_id = await win.session.create_job(sh_spec("edited", "sleep 60", instances=2, kill_grace_period=0.2),
                                              "e-1")
        await until(lambda: job_state(win, "edited") == J.JOB_STATE_RUNNING, what="running")
        win.panel.select_job(job_id)
        win.actions_by_name["edit"].trigger()
        editor = await open_dialog(SpecEditorDialog)
        # Meanwhile someone else scales the job to 3 instances.
        async with Client(win.session.embedded.address) as c:
            got = await c.get(job_id)
            theirs = job_pb2.JobSpec()
            theirs.CopyFrom(got.job_info.spec)
            theirs.instance_count = 3
            await c.jobs.ReplaceJob(js.ReplaceJobRequest(job_id=job_id, version=got.job_info.status.version,
                                                         spec=theirs))
        editor.owner.setText("someone-else")
        editor.owner.textEdited.emit("someone-else")
        await until(lambda: editor.submit.isEnabled(), what="valid spec")
        screenshot(editor, "spec-editor")
        editor.submit.click()
        conflict = await open_dialog(ConflictDialog)
        base = conflict.findChild(QPlainTextEdit, "conflict_base").toPlainText()
        theirs_text = conflict.findChild(QPlainTextEdit, "conflict_theirs").toPlainText()
        yours = conflict.findChild(QPlainTextEdit, "conflict_yours").toPlainText()
        assert "instance_count: 2" in base and "instance_count: 3" in theirs_text
        assert "owner: someone-else" in yours and "instance_count: 2" in yours
        screenshot(conflict, "conflict-dialog")
        conflict.rebase.click()
        await until(lambda: any(isinstance(w, SpecEditorDialog) and w.isVisible() and w is not editor
                                for w in QApplication.topLevelWidgets()), what="editor reopened")
        rebased = [w for w in QApplication.topLevelWidgets()
                   if isinstance(w, SpecEditorDialog) and w.isVisible() and w is not editor][-1]
        text = rebased.yaml.toPlainText()
        assert "instance_count: 3" in text and "owner: someone-else" in text  # theirs kept, yours re-applied
        assert rebased.version == 2
        rebased.submit.click()
        diff = await open_dialog(QMessageBox)
        assert "Instances updated" in diff.informativeText()
        diff.button(QMessageBox.StandardButton.Apply).click()
        batch = await open_dialog(QInputDialog)
        batch.setIntValue(0)
        batch.accept()
        async with Client(win.session.embedded.address) as c:
            await until_async(lambda: _owner_is(c, job_id, "someone-else"), what="update applied")
            spec = (await c.get(job_id)).job_info.spec
            assert spec.instance_count == 3

    run(qloop, body(), timeout=60)


async def _owner_is(c: Client, job_id: str, owner: str) -> bool:
    return (await c.get(job_id)).job_info.spec.owner == owner


def test_force_delete_needs_the_job_name_typed(window: MainWindow, qloop: Any) -> None:
    win = window

    async def body() -> None:
        job_id = await win.session.create_job(sh_spec("doomed", "sleep 60", kill_grace_period=0.2), "d-1")
        await until(lambda: job_state(win, "doomed") == J.JOB_STATE_RUNNING, what="running")
        win.panel.select_job(job_id)
        win.actions_by_name["force_delete"].trigger()
        dialog = await open_dialog(ConfirmDialog)
        assert not dialog.ok.isEnabled()
        # The name field has the focus; Return does nothing until the name matches, then confirms.
        await until(lambda: dialog.typed.hasFocus(), timeout=5, what="focus in the name field")
        QTest.keyClicks(dialog.typed, "doome")
        assert not dialog.ok.isEnabled()
        QTest.keyClick(dialog.typed, Qt.Key.Key_Return)
        await asyncio.sleep(0.2)
        assert dialog.isVisible() and job_state(win, "doomed") == J.JOB_STATE_RUNNING  # neither cancelled nor done
        QTest.keyClicks(dialog.typed, "d")
        assert dialog.ok.isEnabled()
        screenshot(dialog, "confirm-force-delete")
        QTest.keyClick(dialog.typed, Qt.Key.Key_Return)
        await until(lambda: job_state(win, "doomed") is None, timeout=20, what="the job to disappear")

    run(qloop, body(), timeout=40)


def test_pause_offers_undo(window: MainWindow, qloop: Any) -> None:
    win = window

    async def body() -> None:
        spec = sh_spec("paused", "trap 'sleep 0.5; exit 0' TERM; sleep 60 & wait", instances=4, kill_grace_period=5)
        job_id = await win.session.create_job(spec, "p-1")
        await until(lambda: job_state(win, "paused") == J.JOB_STATE_RUNNING, what="running")
        async with Client(win.session.embedded.address) as c:
            st = await c.status(job_id)
            req = js.RestartJobRequest(job_id=job_id, version=st.version)
            req.restart_spec.batch_size = 1
            await c.jobs.RestartJob(req)
        win.panel.select_job(job_id)
        # Pause is offered once the row shows the restart rolling (the table is what the operator sees).
        await until(lambda: win.actions_by_name["pause"].isEnabled(), what="pause enabled by the rolling restart")
        win.actions_by_name["pause"].trigger()
        await until(lambda: win.undo_button.isVisible(), what="undo offered")
        async with Client(win.session.embedded.address) as c:
            assert (await c.status(job_id)).workflow_status.state == workflow_pb2.WORKFLOW_STATE_PAUSED
            win.undo_button.click()
            await until_async(lambda: _workflow_state_is(c, job_id, workflow_pb2.WORKFLOW_STATE_ROLLING_FORWARD,
                                                         workflow_pb2.WORKFLOW_STATE_SUCCEEDED), what="resumed")

    run(qloop, body(), timeout=40)


async def _workflow_state_is(c: Client, job_id: str, *states: int) -> bool:
    return (await c.status(job_id)).workflow_status.state in states


def test_settings_persist_filter_and_columns(qloop: Any, tmp_path: Path) -> None:
    session = Session(SessionOptions(data_dir=tmp_path / "unused", profiles_dir=tmp_path / "profiles"))
    win = MainWindow(session)
    win.panel.set_filter_text("owner:alice")
    win.panel.chips["FAILED"].setChecked(True)
    win.panel.table.horizontalHeader().resizeSection(int(Column.NAME), 333)
    win.panel.table.sortByColumn(int(Column.PRIORITY), Qt.SortOrder.AscendingOrder)
    win.save_settings()
    win._closing = True
    win.close()
    again = MainWindow(Session(SessionOptions(data_dir=tmp_path / "unused", profiles_dir=tmp_path / "profiles")))
    assert again.panel.filter_box.text() == "owner:alice state:FAILED"  # a chip is part of the filter text
    assert again.panel.chips["FAILED"].isChecked()
    assert again.panel.table.horizontalHeader().sectionSize(int(Column.NAME)) == 333
    assert again.panel.proxy.sortColumn() == int(Column.PRIORITY)
    assert again.panel.proxy.sortOrder() == Qt.SortOrder.AscendingOrder
    again._closing = True
    again.close()


def test_remote_engine_over_tls_with_a_viewer_token_is_read_only(qloop: Any, tmp_path: Path,
                                                                   engine_factory: Any) -> None:
    cert, key = make_cert(tmp_path)
    tokens = write_tokens(tmp_path / "tokens.yaml")
    engine = engine_factory(tmp_path / "remote", "--listen", "127.0.0.1:0", "--tls-cert", str(cert),
                            "--tls-key", str(key), "--tokens-file", str(tokens)).start()
    address = tcp_address(engine)
    session = Session(SessionOptions(remote=address, tls_ca=cert, token=TOKENS["viewer"],
                                     profiles_dir=tmp_path / "profiles"))
    win = MainWindow(session)
    win.show()

    async def body() -> None:
        creds = grpc.ssl_channel_credentials(root_certificates=cert.read_bytes())
        async with Client(address, token=TOKENS["admin"], credentials=creds) as admin:
            await admin.create(sh_spec("remote-job", "true"))
        await session.start()
        await until(lambda: session.state == ConnectionState.CONNECTED, what="connected over TLS")
        await until(lambda: job_state(win, "remote-job") == J.JOB_STATE_SUCCEEDED, what="the remote job")
        assert session.read_only and win.read_only_action.isVisible()
        win.panel.select_job(job_id_of(win, "remote-job"))
        win._update_enabled()
        assert not win.actions_by_name["stop"].isEnabled() and not win.actions_by_name["new"].isEnabled()
        assert win.actions_by_name["open"].isEnabled() and win.actions_by_name["refresh"].isEnabled() is False
        screenshot(win, "main-remote-viewer")
        await session.stop()

    run(qloop, body(), timeout=40)
    win._closing = True
    win.close()


def test_quit_with_running_jobs_asks_and_can_stop_the_engine(window: MainWindow, qloop: Any) -> None:
    win = window
    embedded = win.session.embedded
    assert embedded is not None

    async def body() -> None:
        job_id = await win.session.create_job(sh_spec("still-running", "sleep 60", kill_grace_period=0.2), "q-1")
        await until(lambda: job_state(win, "still-running") == J.JOB_STATE_RUNNING
                    and win.session.running_pod_count() == 1, what="running")
        pod = (await win.session.client.list_pods(job_id))[0]
        win.close()
        box = await open_dialog(QMessageBox)
        assert "1 active job(s) with 1 running pod(s)" in box.text()
        # Each choice says what happens to the pods (and does it: issue 12).
        assert "keeps supervising its 1 pod(s)" in box.informativeText()
        assert "stops the 1 running pod(s) (their jobs end KILLED)" in box.informativeText()
        screenshot(box, "quit-dialog")
        stop = next(b for b in box.buttons() if b.text() == "Stop engine")
        stop.click()
        await until(lambda: embedded.pid() is None, timeout=20, what="the engine to stop")
        await until(lambda: not win.isVisible(), what="the window to close")
        assert await group_gone(pod.status.pid)  # was: left running, unsupervised

    run(qloop, body(), timeout=40)


@pytest.mark.slow
def test_keyboard_shortcuts_drive_every_job_action(window: MainWindow, qloop: Any, qtbot: Any) -> None:
    win = window
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    spec = sh_spec("keys", "trap 'sleep 0.3; exit 0' TERM; sleep 60 & wait", instances=3, kill_grace_period=5)

    async def workflow_state(job_id: str) -> int:
        async with Client(win.session.embedded.address) as c:
            return (await c.status(job_id)).workflow_status.state

    async def press(key: Qt.Key, modifiers: Any = Qt.KeyboardModifier.NoModifier, action: str = "") -> None:
        if action:  # offered once the row shows the state it applies to (enabled by state)
            await until(lambda: win.actions_by_name[action].isEnabled(), what=f"{action} enabled")
        win.activateWindow()  # offscreen, a closed dialog does not hand activation back by itself
        await until(lambda: QApplication.activeWindow() is win, timeout=5, what="the window to be active")
        win.panel.table.setFocus()
        qtbot.keyClick(win.panel.table, key, modifiers)

    async def body() -> None:
        job_id = await win.session.create_job(spec, "keys-1")
        await until(lambda: job_state(win, "keys") == J.JOB_STATE_RUNNING, what="running")
        win.activateWindow()
        win.panel.table.setFocus()
        win.panel.select_job(job_id)
        await press(Qt.Key.Key_R, ctrl_shift, action="restart")  # restart: one dialog, the batch size inside
        confirm = await open_dialog(ConfirmDialog)
        assert confirm.batch is not None and confirm.batch.value() == 1
        screenshot(confirm, "confirm-restart-batch")
        confirm.ok.click()
        await asyncio.sleep(0.3)
        assert not any(isinstance(w, QInputDialog) and w.isVisible() for w in QApplication.topLevelWidgets())
        await until_async(lambda: _workflow_state_is_async(win, job_id, workflow_pb2.WORKFLOW_STATE_ROLLING_FORWARD),
                          what="restart rolling")
        await press(Qt.Key.Key_A, ctrl_shift, action="abort")  # abort: confirmed (an aborted workflow is over)
        (await open_dialog(ConfirmDialog)).ok.click()
        await until_async(lambda: _workflow_state_is_async(win, job_id, workflow_pb2.WORKFLOW_STATE_ABORTED),
                          what=f"aborted ({win.message_label.text()})")
        await press(Qt.Key.Key_X, ctrl_shift, action="stop")  # stop
        (await open_dialog(ConfirmDialog)).ok.click()
        await until(lambda: job_state(win, "keys") == J.JOB_STATE_KILLED, timeout=20, what="KILLED")
        await press(Qt.Key.Key_S, ctrl_shift, action="start")  # start
        await until(lambda: job_state(win, "keys") == J.JOB_STATE_RUNNING, what="running again")
        await press(Qt.Key.Key_X, ctrl_shift, action="stop")
        (await open_dialog(ConfirmDialog)).ok.click()
        await until(lambda: job_state(win, "keys") == J.JOB_STATE_KILLED, timeout=20, what="KILLED again")
        await press(Qt.Key.Key_Delete, action="delete")  # delete (finished job: no force needed)
        (await open_dialog(ConfirmDialog)).ok.click()
        await until(lambda: job_state(win, "keys") is None, what="deleted")

    run(qloop, body(), timeout=60)


async def _workflow_state_is_async(win: MainWindow, job_id: str, state: int) -> bool:
    async with Client(win.session.embedded.address) as c:
        return (await c.status(job_id)).workflow_status.state == state


def test_slash_focuses_the_filter_and_enter_opens_the_detail(window: MainWindow, qloop: Any, qtbot: Any) -> None:
    win = window

    async def body() -> None:
        job_id = await win.session.create_job(sh_spec("detail", "echo hi", instances=2), "det-1")
        await until(lambda: job_state(win, "detail") == J.JOB_STATE_SUCCEEDED, what="done")
        win.panel.table.setFocus()
        win.panel.select_job(job_id)
        qtbot.keyClick(win.panel.table, Qt.Key.Key_Return)
        detail = await job_tab(win, job_id)  # in its tab of the main window
        await until(lambda: detail.pods.rowCount() == 2, what="pods listed")
        assert "detail" in detail.windowTitle() and "SUCCEEDED" in detail.windowTitle()
        screenshot(win, "job-detail")
        qtbot.keyClick(win, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)  # Ctrl+W closes the tab
        await until(lambda: win.tabs.currentWidget() is not None and not win.detail_tabs.job_tabs(),
                    what="the tab closed")
        win.tabs.setCurrentWidget(win.panel)
        win.activateWindow()
        await until(lambda: QApplication.activeWindow() is win, timeout=5, what="the window to be active")
        win.panel.table.setFocus()
        qtbot.keyClick(win.panel.table, Qt.Key.Key_Slash)
        assert win.panel.filter_box.hasFocus()

    run(qloop, body(), timeout=30)


def test_filter_completion_offers_qualifiers_and_values(window: MainWindow, qloop: Any, qtbot: Any) -> None:
    win = window
    run(qloop, win.session.load_demo_jobs())
    run(qloop, until(lambda: win.session.jobs_model.rowCount() == 6, what="demo jobs"))
    box = win.panel.filter_box
    qtbot.keyClicks(box, "own")
    suggestions = [box._items.item(i).text() for i in range(box._items.rowCount())]
    assert any(s.startswith("owner:") for s in suggestions), suggestions
    box.clear()
    qtbot.keyClicks(box, "owner:fi")
    suggestions = [box._items.item(i).text() for i in range(box._items.rowCount())]
    assert any("finance" in s for s in suggestions), suggestions
    box._insert(box._items.index(0, 0))
    assert box.text().startswith("owner:finance")
    assert rows(win) == 1


@pytest.mark.slow
def test_switching_between_embedded_and_a_saved_remote_profile(window: MainWindow, qloop: Any,
                                                               engine_factory: Any, tmp_path: Path) -> None:
    win = window
    remote = engine_factory(tmp_path / "remote", "--listen", "127.0.0.1:0", "--insecure").start()
    address = tcp_address(remote)

    async def body() -> None:
        async with Client(address) as c:  # plaintext TCP: the engine was started --insecure
            await c.create(sh_spec("on-the-remote", "true"))
        name = win.session.add_remote_profile(address, None, insecure=True)
        assert name in win.session.profile_names()
        await win.session.switch_profile(name)
        await until(lambda: win.session.state == ConnectionState.CONNECTED, what="remote connected")
        await until(lambda: job_state(win, "on-the-remote") is not None, what="remote jobs shown")
        assert win.session.jobs_model.rowCount() == 1 and not win.session.is_embedded
        await win.session.switch_profile("Embedded engine")
        await until(lambda: win.session.state == ConnectionState.CONNECTED, what="embedded again")
        assert win.session.is_embedded and job_state(win, "on-the-remote") is None

    run(qloop, body(), timeout=40)


def test_new_job_from_the_editor_then_bulk_stop_two_jobs(window: MainWindow, qloop: Any, qtbot: Any) -> None:
    win = window

    async def body() -> None:
        win.actions_by_name["new"].trigger()
        editor = await open_dialog(SpecEditorDialog)
        editor.set_text("name: typed\ninstance_count: 0\ndefault_spec: {command: sleep, args: ['60']}\n")
        assert not editor.submit.isEnabled() and "Line 2" in editor.error.text()  # points at the line
        screenshot(editor, "spec-editor-error")
        editor.instances.setValue(2)  # the form fixes it
        await until(lambda: editor.submit.isEnabled(), what="valid after the form edit")
        assert "instance_count: 2" in editor.yaml.toPlainText()
        editor.submit.click()
        await until(lambda: job_state(win, "typed") == J.JOB_STATE_RUNNING, what="created and running")
        other = await win.session.create_job(sh_spec("second", "sleep 60", kill_grace_period=0.2), "second-1")
        await until(lambda: job_state(win, "second") == J.JOB_STATE_RUNNING, what="second running")
        win.panel.select_job(job_id_of(win, "typed"))
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        win.panel.table.selectionModel().select(win.panel.proxy.index(win.panel.proxy.row_of(other), 0), flags)
        assert len(win.panel.selected_job_ids()) == 2
        win.actions_by_name["stop"].trigger()
        dialog = await open_dialog(ConfirmDialog)
        assert "2 job(s)" in dialog.findChild(QPlainTextEdit).toPlainText()
        dialog.ok.click()
        await until(lambda: job_state(win, "typed") == J.JOB_STATE_KILLED and
                    job_state(win, "second") == J.JOB_STATE_KILLED, timeout=20, what="both KILLED")
        assert "2 stopped" in win.message_label.text()

    run(qloop, body(), timeout=60)
