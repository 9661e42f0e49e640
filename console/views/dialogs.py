"""Dialogs awaited from coroutines: opened with open(), never exec(), so Qt never runs a
nested event loop under the asyncio one (qasync re-entrancy)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TypeVar

from PySide6.QtWidgets import QDialog, QInputDialog, QMessageBox, QWidget

D = TypeVar("D", bound=QWidget)


@contextmanager
def disposable(dialog: D) -> Iterator[D]:
    """A dialog made for one question, deleted once the caller has read its answer. Left hidden
    under its window, one more would pile up per question for the window's life, and Qt still
    sends every one of them each style, palette and font change (a crash was seen in one)."""
    try:
        yield dialog
    finally:
        dialog.deleteLater()



async def ask_int(parent: QWidget, title: str, label: str, value: int, minimum: int = 0,
                  maximum: int = 100_000) -> int | None:
    """QInputDialog.getInt without its nested event loop (which would stall the asyncio loop)."""
    with disposable(QInputDialog(parent)) as dialog:
        dialog.setObjectName("askInt")
        dialog.setInputMode(QInputDialog.InputMode.IntInput)
        dialog.setWindowTitle(title)
        dialog.setLabelText(label)
        dialog.setIntRange(minimum, maximum)
        dialog.setIntValue(value)
        return dialog.intValue() if await exec_async(dialog) else None


async def exec_async(dialog: QDialog | QMessageBox) -> bool:
    """Open a dialog without a nested event loop; resolve when it finishes."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[bool] = loop.create_future()

    def finished(result: int) -> None:
        if not future.done():
            future.set_result(result == QDialog.DialogCode.Accepted or isinstance(dialog, QMessageBox))

    dialog.finished.connect(finished)
    dialog.open()
    return await future
