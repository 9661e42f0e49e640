"""Helpers for GUI tests on a qasync loop (see tests/gui/conftest.py)."""

from __future__ import annotations

import asyncio
import io
import os
import time
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import qasync

if TYPE_CHECKING:
    from PySide6.QtCore import QModelIndex
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QMenu

    from console.session import Session
    from console.views.main_window import MainWindow
    from console.views.proto_editor import ProtoEditor

T = TypeVar("T")
SCREENSHOTS = Path(os.environ.get("PELORUS_SCREENSHOTS", Path(__file__).resolve().parents[1] / "screenshots"))


def run(loop: qasync.QEventLoop, coro: Coroutine[Any, Any, T], timeout: float = 60.0) -> T:
    """Run ``coro`` on the qasync loop for at most ``timeout`` seconds.

    Not asyncio.wait_for: on Python 3.11 it waits for a timed-out coroutine to end after cancelling
    it, so a coroutine that swallows its cancellation hangs the test for ever (and pytest-timeout's
    signal never reaches Python inside Qt's event loop). Here a timeout is a failure that shows where
    the coroutine was stuck. (The task is made inside the running loop, as wait_for does.)

    Inside a coroutine never call QApplication.processEvents() or a dialog's exec(): a nested Qt
    loop makes qasync wake other tasks inside the running one ("Cannot enter into task … while
    another task … is being executed"); those tasks are lost and a later stop waits for them."""

    async def bounded() -> T:
        task = asyncio.ensure_future(coro)
        done, _ = await asyncio.wait({task}, timeout=timeout)
        if done:
            return task.result()
        where = io.StringIO()
        try:
            task.print_stack(file=where)
        except Exception:  # a frame of compiled code (grpc's Cython) can have no line number
            where.write(repr(task))
        task.cancel()
        await asyncio.wait({task}, timeout=10)
        ended = "cancelled" if task.done() else "still running after being cancelled"
        raise TimeoutError(f"gave up after {timeout:.0f} s ({ended}); it was at:\n{where.getvalue()}")

    return loop.run_until_complete(bounded())


async def until(pred: Callable[[], bool], timeout: float = 15.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not pred():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


async def until_async(pred: Callable[[], Awaitable[bool]], timeout: float = 15.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not await pred():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


async def open_dialog(kind: type, timeout: float = 10.0) -> Any:
    """The newest visible top-level widget of ``kind`` (a dialog the code under test opened)."""
    from PySide6.QtWidgets import QApplication

    found: list[Any] = []

    def visible() -> bool:
        found[:] = [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]
        return bool(found)

    await until(visible, timeout, what=f"a {kind.__name__}")
    return found[-1]


async def job_tab(win: Any, job_id: str | None = None, timeout: float = 10.0) -> Any:
    """The JobDetail of the job tab in front of ``win`` (of ``job_id`` when given): where the code
    under test opened a job."""

    def shown() -> bool:
        detail = win.detail_tabs.current_detail()
        return detail is not None and (job_id is None or detail.job_id == job_id)

    await until(shown, timeout, what=f"the tab of job {job_id or '(any)'} in front")
    return win.detail_tabs.current_detail()


@contextmanager
def embedded_session(loop: qasync.QEventLoop, tmp_path: Path,
                     window: Callable[[Session], MainWindow] | None = None) -> Iterator[Session]:
    """A session on its own embedded engine (a child process under ``tmp_path``), connected; with
    ``window``, the main window it makes is shown before the session starts, as the app does.

    On the way out every window but the main one closes first, so the job tabs' and dialogs' streams
    end before the engine does; then the session, the engine (by the pid in its data dir, never by
    name) and the pods it left stop, and the main window closes without asking."""
    from enginehelp import EngineProcess
    from PySide6.QtWidgets import QApplication

    from console.embedded import EmbeddedEngine
    from console.session import ConnectionState, Session, SessionOptions
    from console.views.job_detail import JobDetail

    session = Session(SessionOptions(data_dir=tmp_path / "data", profiles_dir=tmp_path / "profiles"))
    win = None if window is None else window(session)
    if win is not None:
        win.show()
    run(loop, session.start())
    run(loop, until(lambda: session.state == ConnectionState.CONNECTED, what="connected"))
    try:
        yield session
    finally:
        if win is not None:
            win.detail_tabs.close_all()
        for w in QApplication.topLevelWidgets():
            if w is not win and (w.isVisible() or isinstance(w, JobDetail)):
                w.close()
        run(loop, session.stop())
        engine = EngineProcess(tmp_path / "data")
        embedded = session.embedded or EmbeddedEngine(tmp_path / "data")
        if embedded.pid() is not None:
            run(loop, embedded.stop(timeout=15))
        engine.reap_pods()
        if win is not None:
            win._closing = True
            win.close()


@contextmanager
def embedded_main_window(loop: qasync.QEventLoop, tmp_path: Path,
                         size: tuple[int, int] | None = None) -> Iterator[MainWindow]:
    """The main window on its own embedded engine, connected (see ``embedded_session``)."""
    from console.views.main_window import MainWindow

    made: list[MainWindow] = []

    def window(session: Session) -> MainWindow:
        made.append(MainWindow(session))
        if size is not None:
            made[0].resize(*size)
        return made[0]

    with embedded_session(loop, tmp_path, window):
        yield made[0]


def screenshot(widget: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    widget.grab().save(str(path))
    return path


def find_row(ed: ProtoEditor, name: str, parent: QModelIndex | None = None, col: int | None = None) -> QModelIndex:
    """The editor tree's row named ``name`` under ``parent`` (top level by default), all rows fetched.

    ``col`` matches another column instead of the name (Column.NUMBER for schemaless rows)."""
    from PySide6.QtCore import QModelIndex

    from console.models.proto_tree import Column

    parent = parent or QModelIndex()
    m = ed.model
    m.fetch_all(parent)
    for r in range(m.rowCount(parent)):
        if m.index(r, Column.NAME if col is None else col, parent).data() == name:
            return m.index(r, 0, parent)
    names = [m.index(r, Column.NAME, parent).data() for r in range(m.rowCount(parent))]
    raise AssertionError(f"no row {name!r} in {names}")


# -- the protobuf editor's context menus (shared by the structure and well-known-type tests) ----------


def menu_action(menu: QMenu, *texts: str) -> QAction:
    """The action reached through submenus whose texts start with ``texts`` in turn."""
    for depth, text in enumerate(texts):
        for act in menu.actions():
            if act.text().split("\t")[0].startswith(text):
                if depth == len(texts) - 1:
                    return act
                sub = act.menu()
                assert sub is not None, f"{act.text()!r} has no submenu"
                menu = sub
                break
        else:
            raise AssertionError(f"no {text!r} in {[a.text() for a in menu.actions()]}")
    raise AssertionError("no texts")


async def context_menu(ed: ProtoEditor, ix: QModelIndex) -> QMenu:
    """The tree's real context menu for row ``ix`` (popped up, then closed again)."""
    ed.tree.scrollTo(ix)
    ed.tree.setCurrentIndex(ix)
    ed._context_menu(ed.tree.visualRect(ix).center())
    menu = ed.context_menu
    menu.hide()
    await refocus(ed)
    return menu


async def refocus(ed: ProtoEditor) -> None:
    """Offscreen, a closed popup or dialog keeps the window activation: give it back (shortcuts need it)."""
    from PySide6.QtWidgets import QApplication

    await asyncio.sleep(0.05)
    ed.activateWindow()
    QApplication.setActiveWindow(ed)  # type: ignore[attr-defined]
    ed.tree.setFocus()
