"""An installation whose package lacks the shipped files: "Load demo jobs" says so in the window
and creates nothing (before the wheel carried resources/, it created nothing and said nothing)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from guihelp import embedded_main_window, run, until
from PySide6.QtCore import Qt

from console.views.main_window import MainWindow
from pelorus import shipped


@pytest.fixture
def window(qloop: Any, tmp_path: Path) -> Iterator[MainWindow]:
    with embedded_main_window(qloop, tmp_path) as win:
        yield win


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
