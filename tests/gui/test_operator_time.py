"""Issue 17, time: zones on every time, the UTC / local switch, schedules in words, retries,
the callback's last delivery and resources in the job summary - against the real embedded engine."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from enginehelp import sh_spec
from guihelp import embedded_session, run, until
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QMenu

from console import timefmt
from console.models.jobs_table import Column
from console.models.pods_table import PodColumn
from console.session import Session
from console.views.job_detail import JobDetailDialog
from pelorus.api import pod_pb2

SHOTS = Path("/tmp/shots-operator")


@pytest.fixture
def session(qloop: Any, tmp_path: Path) -> Iterator[Session]:
    with embedded_session(qloop, tmp_path) as s:
        yield s
    timefmt.set_utc(False)


@pytest.fixture
def callback_server() -> Iterator[tuple[str, list[bytes]]]:
    """A loopback HTTP server that answers 200 to every POST and keeps the bodies."""
    bodies: list[bytes] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server API
            bodies.append(self.rfile.read(int(self.headers["Content-Length"])))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *_args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/done", bodies
    server.shutdown()
    server.server_close()


def _label(detail: JobDetailDialog, row: str) -> str:
    return detail.summary_labels[row].text()


@pytest.mark.slow
def test_summary_shows_retries_schedule_resources_and_times_with_their_zone(session: Session, qloop: Any) -> None:
    from console.views.main_window import MainWindow

    win = MainWindow(session)
    win.show()

    async def body() -> None:
        flaky = sh_spec("flaky", "exit 3", max_attempts=5,
                        restart_policy=pod_pb2.RESTART_POLICY_ON_FAILURE)
        flaky.default_spec.backoff.delay.FromSeconds(30)
        flaky.default_spec.resources.memory_bytes = 64 * 2**20
        flaky.default_spec.resources.cpu = 0.5
        flaky_id = await session.create_job(flaky, "flaky")
        recurring = sh_spec("tick", "true")
        recurring.schedule.every.FromSeconds(2)
        tick_id = await session.create_job(recurring, "tick")
        await until(lambda: session.jobs_model.row_of(flaky_id) is not None, what="job in table")

        win.open_job(flaky_id)
        detail = win._details[flaky_id]
        await until(lambda: detail.job is not None, what="detail loaded")
        # A failed first attempt: the summary counts down to the second.
        await until(lambda: _label(detail, "Attempts").startswith("attempt 2 of 5, next in "), timeout=20,
                    what=f"retry countdown (got {_label(detail, 'Attempts')!r})")
        assert _label(detail, "Resources") == "cpu 0.5, memory 64 MiB"
        assert _label(detail, "Schedule") == "run now"
        assert _label(detail, "Queue") == ""  # backing off, not queued
        zone = timefmt.zone_name()
        for row in ("Created", "Dispatched", "Started", "Updated"):
            assert _label(detail, row).endswith(f" {zone}"), (row, _label(detail, row))
            assert "ago" in detail.summary_labels[row].toolTip()
        detail.resize(1280, 800)
        detail.grab().save(str(SHOTS / "summary-retry-1280.png"))

        win.open_job(tick_id)
        tick = win._details[tick_id]
        await until(lambda: tick.job is not None, what="tick loaded")
        await until(lambda: _label(tick, "Schedule").startswith("every 2 s, next "), timeout=10,
                    what=f"schedule in words (got {_label(tick, 'Schedule')!r})")
        await until(lambda: int(_label(tick, "Runs")) >= 1, timeout=10, what="run count")

        # The View menu's switch: everything in UTC, persisted.
        win.set_times_in_utc(False)
        view = win.menuBar().findChild(type(win.utc_action.parent()), "viewMenu")
        assert win.utc_action in view.actions()
        win.utc_action.trigger()
        assert win.utc_action.isChecked() and timefmt.use_utc()
        assert QSettings().value(timefmt.SETTING_UTC, type=bool) is True
        model = session.jobs_model
        assert model.headerData(Column.UPDATED, Qt.Orientation.Horizontal) == "Updated (UTC)"
        assert detail.pods_model.headerData(PodColumn.STARTED, Qt.Orientation.Horizontal) == "Started (UTC)"
        await until(lambda: _label(detail, "Created").endswith(" UTC"), what="summary in UTC")
        assert "UTC" in win.panel.proxy.headerData(Column.CREATED, Qt.Orientation.Horizontal)
        win.utc_action.trigger()
        assert not timefmt.use_utc()
        assert QSettings().value(timefmt.SETTING_UTC, type=bool) is False

    try:
        run(qloop, body(), timeout=90)
    finally:
        win.save_settings()
        win.close()


def test_callback_last_delivery_in_the_summary(session: Session, qloop: Any,
                                               callback_server: tuple[str, list[bytes]]) -> None:
    url, bodies = callback_server

    async def body() -> None:
        spec = sh_spec("called-back", "true")
        spec.callback_url = url
        job_id = await session.create_job(spec, "called-back")
        detail = JobDetailDialog(session, job_id)
        detail.show()
        await detail.load()
        assert _label(detail, "Callback") == "not delivered yet" or _label(detail, "Callback").startswith("delivered")
        await until(lambda: bool(bodies), timeout=20, what="callback POST")
        await until(lambda: _label(detail, "Callback").startswith("delivered "), timeout=10,
                    what=f"callback in the summary (got {_label(detail, 'Callback')!r})")
        assert f"callback POST {url} answered 200" in _label(detail, "Callback")
        detail.close()

    run(qloop, body(), timeout=60)


def test_the_utc_choice_is_restored_by_the_next_window(session: Session, qloop: Any) -> None:
    from console.views.main_window import MainWindow

    QSettings().setValue(timefmt.SETTING_UTC, True)
    win = MainWindow(session)
    try:
        assert win.utc_action.isChecked() and timefmt.use_utc()
        assert session.jobs_model.headerData(Column.CREATED, Qt.Orientation.Horizontal) == "Created (UTC)"
        # Help: the keyboard shortcuts come from the action table.
        assert win.menuBar().findChild(QMenu, "helpMenu") is not None
        text = win.shortcut_text()
        for name in ("palette", "stop", "restart"):
            action = win.actions_by_name[name]
            assert action.shortcut().toString() in text and action.text().replace("&", "") in text
    finally:
        win.close()
