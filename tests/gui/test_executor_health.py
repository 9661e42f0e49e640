"""The connection bar names the engine's executor and its health, from a real engine's
health service (`pelorus.v1.Executor` + details in trailing metadata)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from guihelp import embedded_main_window, run, screenshot, until


def test_connection_bar_shows_the_local_executor_serving(qloop: Any, tmp_path: Path) -> None:
    with embedded_main_window(qloop, tmp_path) as win:
        session = win.session
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
