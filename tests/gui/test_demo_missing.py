"""An installation whose package lacks the shipped files: "Load demo jobs" says so in the window
and creates nothing (before the wheel carried resources/, it created nothing and said nothing)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from enginehelp import EngineProcess
from guihelp import run, until
from PySide6.QtCore import Qt

from console.embedded import EmbeddedEngine
from console.session import ConnectionState, Session, SessionOptions
from console.views.main_window import MainWindow
from pelorus import shipped


@pytest.fixture
def window(qloop: Any, tmp_path: Path) -> Iterator[MainWindow]:
    session = Session(SessionOptions(data_dir=tmp_path / "data", profiles_dir=tmp_path / "profiles"))
    win = MainWindow(session)
    win.show()
    run(qloop, session.start())
    run(qloop, until(lambda: session.state == ConnectionState.CONNECTED, what="connected"))
    yield win
    run(qloop, session.stop())
    embedded = session.embedded or EmbeddedEngine(tmp_path / "data")
    if embedded.pid() is not None:
        run(qloop, embedded.stop(timeout=15))
    EngineProcess(tmp_path / "data").reap_pods()
    win._closing = True
    win.close()


@pytest.mark.slow
def test_load_demo_without_the_shipped_files_says_so(window: MainWindow, qloop: Any, qtbot: Any,
                                                    tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bare_package = tmp_path / "site-packages" / "pelorus"  # the package as a build without package data
    bare_package.mkdir(parents=True)
    monkeypatch.setattr(shipped, "resources", SimpleNamespace(files=lambda package: bare_package))
    qtbot.mouseClick(window.panel.demo_button, Qt.MouseButton.LeftButton)

    run(qloop, until(lambda: "No demo job specs" in window.message_label.text(), what="the error message"))
    text = window.message_label.text()
    assert "#b3261e" in text  # shown as an error
    assert f"resources/ folder is not installed beside the pelorus package ({bare_package / 'resources'})" in text
    assert window.session.jobs_model.rowCount() == 0
