"""The console against an engine running `--executor ray`: the connection bar shows the
executor, its Ray address and health (NOT_SERVING with the reason while the head is
unreachable); the job detail's pods table shows the executor and the Ray node."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from enginehelp import EngineProcess, sh_spec
from gui.conftest import qloop  # noqa: F401 - the qasync loop fixture of the GUI tests
from guihelp import run, screenshot, until
from PySide6.QtCore import Qt
from raycluster import RayTestCluster, need_ray

from console.models.pods_table import PodColumn
from console.session import ConnectionState, Session, SessionOptions
from console.views.job_detail import JobDetail
from console.views.main_window import MainWindow

pytestmark = [pytest.mark.ray, pytest.mark.slow, pytest.mark.timeout(300)]


def _window(qloop: Any, tmp_path: Path, address: str) -> tuple[Session, MainWindow]:  # noqa: F811
    session = Session(SessionOptions(remote=address, profiles_dir=tmp_path / "profiles"))
    win = MainWindow(session)
    win.show()
    run(qloop, session.start())
    run(qloop, until(lambda: session.state == ConnectionState.CONNECTED, what="connected"))
    return session, win


def _close(qloop: Any, session: Session, win: MainWindow) -> None:  # noqa: F811
    win.detail_tabs.close_all()
    run(qloop, session.stop())
    win._closing = True
    win.close()


def test_unreachable_ray_head_in_the_connection_bar(qloop: Any, engine_factory: Any, tmp_path: Path) -> None:  # noqa: F811
    need_ray()
    engine = engine_factory(tmp_path / "e", "--executor", "ray", "--ray-address", "http://127.0.0.1:9").start()
    session, win = _window(qloop, tmp_path, engine.address)
    try:
        run(qloop, until(lambda: "NOT_SERVING" in win.executor_label.text(), timeout=30,
                         what="NOT_SERVING shown"))
        text = win.executor_label.text()
        assert "Executor: <b>ray</b> @ http://127.0.0.1:9" in text, text
        assert "Ray head http://127.0.0.1:9 unreachable" in win.executor_label.toolTip()
        screenshot(win, "executor-health-ray-unreachable")
    finally:
        _close(qloop, session, win)


def test_pods_table_shows_executor_and_ray_node(qloop: Any, ray_engine: EngineProcess,  # noqa: F811
                                                ray_cluster: RayTestCluster, tmp_path: Path) -> None:
    session, win = _window(qloop, tmp_path, ray_engine.address)
    try:
        run(qloop, until(lambda: session.executor_health is not None and session.executor_health.serving,
                         timeout=30, what="SERVING"))
        # The answer can come before the connection counts as up; the label follows within a moment.
        run(qloop, until(lambda: "</span> SERVING" in win.executor_label.text(), timeout=3, what="SERVING shown"))
        text = win.executor_label.text()
        assert f"Executor: <b>ray</b> @ {ray_cluster.address}" in text and "</span> SERVING" in text, text
        assert " nodes" in text, text  # the alive node count (2, or 3 while another test's node lives)

        async def body() -> JobDetail:
            spec = sh_spec("ray-console", "echo hi", instances=2)
            spec.default_spec.resources.custom["node2"] = 1  # the worker node
            job_id = await session.create_job(spec, "ray-console")
            dialog = win.open_job(job_id)  # in its tab of the main window
            await until(lambda: dialog.job is not None, timeout=10, what="the detail loaded")
            m = dialog.pods_model

            def done() -> bool:
                return m.rowCount() == 2 and all(m.data(m.index(r, PodColumn.STATE)) == "SUCCEEDED" for r in range(2))

            await until(done, timeout=60, what="both pods succeeded")
            dialog.tabs.setCurrentWidget(dialog.pods_view)
            return dialog

        dialog = run(qloop, body(), 90)
        worker = next(n for n in ray_cluster.alive_nodes() if n.get("resources_total", {}).get("node2"))
        m = dialog.pods_model
        for r in range(2):
            assert m.data(m.index(r, PodColumn.EXECUTOR)) == "ray"
            host = m.data(m.index(r, PodColumn.HOST))
            assert host.endswith("/" + worker["node_id"][:8]), host
        assert m.headerData(PodColumn.EXECUTOR, Qt.Orientation.Horizontal) == "Executor"
        dialog.resize(1400, 500)
        screenshot(dialog, "ray-pods-table")
        screenshot(win, "executor-health-ray-serving")
        dialog.close()
    finally:
        _close(qloop, session, win)
