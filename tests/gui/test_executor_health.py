"""The connection bar names the engine's executor and its health, from a real engine's
health service (`pelorus.v1.Executor` + details in trailing metadata)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from enginehelp import EngineProcess
from guihelp import run, screenshot, until

from console.embedded import EmbeddedEngine
from console.session import ConnectionState, Session, SessionOptions
from console.views.main_window import MainWindow


def test_connection_bar_shows_the_local_executor_serving(qloop: Any, tmp_path: Path) -> None:
    session = Session(SessionOptions(data_dir=tmp_path / "data", profiles_dir=tmp_path / "profiles"))
    win = MainWindow(session)
    win.show()
    try:
        run(qloop, session.start())
        run(qloop, until(lambda: session.state == ConnectionState.CONNECTED, what="connected"))
        run(qloop, until(lambda: "SERVING" in win.executor_label.text(), what="executor health shown"))
        text = win.executor_label.text()
        health = session.executor_health
        assert health is not None and health.executor == "local" and health.serving
        assert "Executor: <b>local</b>" in text and f"on {health.details['host']}" in text
        assert "NOT_SERVING" not in text
        assert "pelorus.v1.Executor: SERVING" in win.executor_label.toolTip()
        screenshot(win, "executor-health-local")
        run(qloop, session.stop())
        assert win.executor_label.text() == ""  # disconnected: no stale claim
    finally:
        run(qloop, session.stop())
        embedded = session.embedded or EmbeddedEngine(tmp_path / "data")
        if embedded.pid() is not None:
            run(qloop, embedded.stop(timeout=15))
        EngineProcess(tmp_path / "data").reap_pods()
        win._closing = True
        win.close()
