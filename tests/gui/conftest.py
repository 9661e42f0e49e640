"""GUI tests: real widgets (pytest-qt, offscreen) on a qasync loop, against real engines.

pytest-qt has no qasync support, so each test gets a qasync QEventLoop on the shared
QApplication (qasync's own test pattern) and runs its coroutine with `run(...)`. Inside
coroutines, wait with `until(...)` (asyncio sleeps), never qtbot.wait*, which would spin
a nested Qt loop under the running one.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyside6")

import pytest  # noqa: E402
import qasync  # noqa: E402
from PySide6.QtCore import QCoreApplication, QEvent, QSettings  # noqa: E402

from console import ui_thread_gc  # noqa: E402

log = logging.getLogger("tests.gui")

if TYPE_CHECKING:
    from console.views.main_window import MainWindow
    from console.views.proto_editor import ProtoEditor


@pytest.fixture
def qloop(qapp: Any, tmp_path: Path) -> Iterator[qasync.QEventLoop]:
    QCoreApplication.setOrganizationName("PelorusTests")
    QCoreApplication.setApplicationName(f"gui-{os.getpid()}")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    qapp.setQuitOnLastWindowClosed(False)  # as console.app does: closing a window must not stop the loop
    loop = qasync.QEventLoop(qapp, already_running=False)
    errors: list[dict[str, Any]] = []
    loop.set_exception_handler(lambda _loop, ctx: errors.append(ctx))
    asyncio.set_event_loop(loop)
    collector = ui_thread_gc.collect_on_ui_thread()  # as the app does: no collection in a worker thread
    yield loop
    try:
        pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
        for task in pending:
            task.cancel()
        if pending:  # bounded: a task that does not end after being cancelled is logged, not waited for ever
            _done, stuck = loop.run_until_complete(asyncio.wait(pending, timeout=10))
            for task in stuck:
                log.warning("task %r did not end within 10 s of being cancelled; left behind", task)
    finally:
        loop.close()
        asyncio.set_event_loop(None)
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # closed windows go first
        ui_thread_gc.stop(collector)  # their cycles are collected here, on the UI thread
    real = [e for e in errors if not isinstance(e.get("exception"), asyncio.CancelledError)]
    assert not real, f"errors on the event loop: {real}"



@pytest.fixture
def editor(qloop: qasync.QEventLoop) -> Iterator[ProtoEditor]:
    """A shown protobuf editor (the one fixture of the editor, structure and compare tests); on
    teardown its tasks are cancelled and the compare windows it opened are closed with it."""
    from console.views.proto_editor import ProtoEditor

    ed = ProtoEditor()
    ed.resize(1440, 800)
    ed.show()
    yield ed
    ed.close_tasks()
    for w in list(ed.compare_windows):
        w.close()
    ed.close()
    ed.deleteLater()


@pytest.fixture
def embedded_window(qloop: Any, tmp_path: Path) -> Iterator[MainWindow]:
    """The main window, 1400 x 800, on its own embedded engine (guihelp.embedded_main_window)."""
    from guihelp import embedded_main_window

    with embedded_main_window(qloop, tmp_path, (1400, 800)) as win:
        yield win


@pytest.fixture
def chinese(qapp: Any) -> Iterator[None]:
    """The console in Simplified Chinese for one test; English (and the locale before) again after it."""
    from PySide6.QtCore import QLocale

    from console import i18n

    before = QLocale()
    assert i18n.install(i18n.CHINESE, qapp) == "zh_CN"
    yield
    i18n.uninstall(qapp)
    QLocale.setDefault(before)
