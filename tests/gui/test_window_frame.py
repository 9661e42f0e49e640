"""The window `python main.py` paints first (console.views.window_frame) is the window the console
is then built into: same top-level window, same geometry, the menu titles where they were, and
closing it closes the console through MainWindow's own close."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from guihelp import run, screenshot, until
from PySide6.QtCore import QRect, QSettings

from console.session import Session, SessionOptions
from console.views.main_window import MainWindow
from console.views.window_frame import SETTING_GEOMETRY, WindowFrame


def test_the_console_is_built_into_the_first_window(qloop: Any, tmp_path: Path) -> None:
    QSettings().setValue(SETTING_GEOMETRY, None)
    frame = WindowFrame()
    frame.setGeometry(QRect(40, 30, 1200, 760))
    frame.show()
    screenshot(frame, "window_frame_starting")
    titles = [(a.text(), frame.menuBar().actionGeometry(a).x()) for a in frame.menuBar().actions()]
    assert frame.starting.text() == "Starting…"
    geometry = frame.geometry()

    session = Session(SessionOptions(data_dir=tmp_path / "data", profiles_dir=tmp_path / "profiles"))
    win = MainWindow(session)
    frame.host(win)
    win.closed.connect(frame.close)
    screenshot(frame, "window_frame_built")
    assert frame.centralWidget() is win and not win.isWindow() and win.window() is frame
    assert win.isVisible() and frame.geometry() == geometry  # nothing moved
    assert frame.windowTitle() == win.windowTitle() == "Pelorus"
    first_menu = frame.menuBar().actions()[0].menu()
    assert first_menu is not None and first_menu.objectName() == "fileMenu" and first_menu.isEnabled()
    # The real menus stand where their titles stood while starting.
    assert [(a.text(), frame.menuBar().actionGeometry(a).x()) for a in frame.menuBar().actions()] == titles

    frame.close()  # MainWindow's close flow (nothing running: no question), then the frame closes
    run(qloop, until(lambda: not frame.isVisible(), what="frame closed"))
    assert win.isHidden()
    saved = QSettings().value(SETTING_GEOMETRY)
    assert saved == frame.saveGeometry()  # the top-level window's (WindowFrame restores it at the next start)
    frame.deleteLater()


def test_closing_the_window_while_starting_ends_the_start(qloop: Any) -> None:
    frame = WindowFrame()
    frame.show()
    assert frame.close() and frame.closed_early  # console.app then returns instead of building on
    frame.deleteLater()


def test_the_rest_of_start_up_waits_for_the_first_rows(qloop: Any, monkeypatch: Any) -> None:
    """console.app.when_first_rows: what start-up leaves for later (the icon, a theme controller that
    changes nothing) runs once, a little after the jobs table's first rows, or at the latest after a
    while when none come (an empty or unreachable engine)."""
    import asyncio
    from types import SimpleNamespace

    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QWidget

    from console import app as console_app

    monkeypatch.setattr(console_app, "AFTER_ROWS_MS", 20)
    monkeypatch.setattr(console_app, "AT_THE_LATEST_MS", 400)

    def owner() -> tuple[Any, QStandardItemModel, list[float]]:
        widget: Any = QWidget()
        widget.session = SimpleNamespace(jobs_model=QStandardItemModel(widget))
        calls: list[float] = []
        console_app.when_first_rows(widget, lambda: calls.append(1))
        return widget, widget.session.jobs_model, calls

    async def scenario() -> None:
        w1, rows_come, with_rows = owner()
        w2, _, without = owner()
        await asyncio.sleep(0.1)
        assert with_rows == [] and without == []  # no rows yet: nothing early
        rows_come.appendRow(QStandardItem("job"))
        await until(lambda: with_rows == [1], 2, "the rest after the first rows")
        assert without == []
        rows_come.appendRow(QStandardItem("job 2"))
        await until(lambda: without == [1], 3, "the rest at the latest")
        await asyncio.sleep(0.5)
        assert with_rows == [1] and without == [1]  # once each
        w1.deleteLater()
        w2.deleteLater()

    run(qloop, scenario())
