"""No nested Qt event loop inside a coroutine.

A dialog's exec(), the static QInputDialog / QFileDialog / QMessageBox helpers, processEvents and
qtbot's waits all run Qt's loop again from inside the task that is running; qasync then wakes other
tasks inside it ("Cannot enter into task ... while another task is being executed"), they are lost,
and a later stop waits for them for ever. That was the teardown hang of two sessions. Coroutines open
dialogs (console.views.dialogs.exec_async) and wait with asyncio.sleep instead.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NESTING = {
    "processEvents", "exec", "exec_", "getText", "getInt", "getDouble", "getItem", "getMultiLineText",
    "getOpenFileName", "getOpenFileNames", "getSaveFileName", "getExistingDirectory", "question", "warning",
    "critical", "information", "about", "wait", "waitUntil", "waitSignal", "waitSignals", "waitExposed",
    "waitActive", "qWait",
}
QT_WAITS = {"wait", "waitUntil", "waitSignal", "waitSignals", "waitExposed", "waitActive"}  # on qtbot only
BOX_HELPERS = {"question", "warning", "critical", "information", "about"}  # on QMessageBox only


def nested_loop_calls(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for fn in ast.walk(tree):
        if not isinstance(fn, ast.AsyncFunctionDef):
            continue
        for node in ast.walk(fn):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in NESTING):
                continue
            owner, name = ast.unparse(node.func.value), node.func.attr
            if name in QT_WAITS and "qtbot" not in owner or name in BOX_HELPERS and "QMessageBox" not in owner:
                continue  # asyncio's wait, a logger's warning
            found.append((node.lineno, ast.unparse(node.func)))
    return found


def test_the_check_sees_a_nested_loop() -> None:
    code = ("async def f(app, d, qtbot, log):\n    app.processEvents()\n    d.exec()\n    qtbot.wait(10)\n"
            "    QFileDialog.getOpenFileName(None)\n    log.warning('x')\n    await asyncio.wait([])\n")
    assert [name for _line, name in nested_loop_calls(ast.parse(code))] == [
        "app.processEvents", "d.exec", "qtbot.wait", "QFileDialog.getOpenFileName"]


def test_no_coroutine_runs_a_nested_qt_loop() -> None:
    bad = []
    for folder in ("console", "pelorus", "tests", "bench"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "/api/" in path.as_posix() or path == Path(__file__).resolve():
                continue
            for line, name in nested_loop_calls(ast.parse(path.read_text(), str(path))):
                bad.append(f"{path.relative_to(ROOT)}:{line}: {name}")
    assert bad == [], "a nested Qt event loop inside a coroutine:\n" + "\n".join(bad)
