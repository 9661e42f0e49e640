""""Stop engine" on the real embedded engine (issue 13): it waits for the engine's process to
end, shows what it waits for meanwhile, escalates SIGTERM -> SIGKILL within a bound (or at
once with "Kill now"), and says how it went: stopped cleanly in N s, pods left running to be
re-adopted, had to be killed."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path
from typing import Any

import pytest
from enginehelp import group_gone, sh_spec
from guihelp import open_dialog, run, screenshot, until
from PySide6.QtWidgets import QMessageBox

from console.session import EngineStopReport
from console.views.engine_stop import EngineStopDialog, stop_engine_showing_progress
from console.views.main_window import MainWindow
from pelorus.api import job_pb2

J = job_pb2
SHOTS = Path("/tmp/shots-engine18")


def _save(widget: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    widget.grab().save(str(SHOTS / f"{name}.png"))
    screenshot(widget, name)


def _job_state(win: MainWindow, name: str) -> int | None:
    model = win.session.jobs_model
    for r in range(model.rowCount()):
        s = model.summary(r)
        if s.name == name:
            return int(s.status.state)
    return None


@pytest.mark.slow
def test_quit_stop_engine_shows_progress_then_says_it_stopped_cleanly(embedded_window: MainWindow,
                                                                       qloop: Any) -> None:
    win = embedded_window
    embedded = win.session.embedded
    assert embedded is not None
    said: list[str] = []

    async def body() -> None:
        # The pod takes a second to honour SIGTERM: the dialog has something to show meanwhile.
        spec = sh_spec("slow-to-stop", "trap 'sleep 1; exit 0' TERM; sleep 60 & wait", kill_grace_period=10)
        job_id = await win.session.create_job(spec, "stop-1")
        await until(lambda: win.session.running_pod_count() == 1, what="a running pod")
        pod = (await win.session.client.list_pods(job_id))[0]
        pid = embedded.pid()
        win.close()
        box = await open_dialog(QMessageBox)
        next(b for b in box.buttons() if b.text() == "Stop engine").click()
        dialog = await open_dialog(EngineStopDialog)
        await until(lambda: "Stopping 1 running pod" in dialog.label.text(), what="the pods' progress")
        _save(dialog, "engine-stop-progress")
        await until(lambda: dialog.bar.maximum() == 1, timeout=30, what="the result")
        said.append(dialog.label.text())
        _save(dialog, "engine-stop-clean")
        await until(lambda: not win.isVisible(), timeout=10, what="the window to close by itself")
        assert pid is not None and embedded.pid() is None
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)  # the process itself ended (not only its socket)
        assert await group_gone(pod.status.pid)

    run(qloop, body(), timeout=60)
    assert said[0].startswith("Stopped the embedded engine cleanly in "), said
    assert "Its 1 running pod(s) were stopped first (their jobs end KILLED)." in said[0]


@pytest.mark.slow
def test_an_engine_that_does_not_exit_is_killed_on_request_and_the_dialog_says_so(
        embedded_window: MainWindow, qloop: Any) -> None:
    win = embedded_window
    embedded = win.session.embedded
    assert embedded is not None

    async def body() -> EngineStopReport | None:
        await win.session.create_job(sh_spec("left", "sleep 60"), "stop-2")
        await until(lambda: win.session.running_pod_count() == 1, what="a running pod")
        pid = embedded.pid()
        assert pid is not None
        os.kill(pid, signal.SIGSTOP)  # a hung engine: SIGTERM stays pending, SIGKILL still works
        started = time.monotonic()
        stopping = asyncio.ensure_future(stop_engine_showing_progress(win.session, win, stop_pods=False))
        dialog = await open_dialog(EngineStopDialog)
        await until(lambda: "Waiting for the engine to exit" in dialog.label.text(), what="the wait shown")
        assert "it is killed after 20 s" in dialog.label.text()
        _save(dialog, "engine-stop-waiting")
        dialog.button.click()  # "Kill now"
        await until(lambda: dialog.bar.maximum() == 1, timeout=10, what="the result")
        text = dialog.label.text()
        _save(dialog, "engine-stop-killed")
        assert not stopping.done()  # not clean: it waits until the operator has read it
        assert dialog.button.text() == "Close"
        dialog.button.click()
        await asyncio.wait_for(stopping, 5)
        assert time.monotonic() - started < 10
        assert embedded.pid() is None
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
        assert "was killed on request (SIGKILL) after" in text, text
        assert "1 pod(s) keep running unsupervised; the engine re-adopts them when it starts again." in text
        return None

    run(qloop, body(), timeout=60)
