"""Window-modal dialogs awaited on the qasync loop, for the protobuf editor and its helpers.

Why not ``exec()``: a nested event loop under the qasync loop would re-enter running coroutines.
A module of its own so that the editor's helpers (proto_edit_actions, proto_assign) and the editor
share it without importing each other.
"""

from __future__ import annotations

import asyncio

from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

__all__ = ["ask", "confirm"]


async def ask(dialog: QDialog) -> int:
    """Open ``dialog`` window-modal and wait for it to close; its result code (Accepted = 1)."""
    loop = asyncio.get_running_loop()
    fut: asyncio.Future[int] = loop.create_future()

    def done(result: int) -> None:
        if not fut.done():
            fut.set_result(result)

    dialog.finished.connect(done)
    dialog.open()
    try:
        return await fut
    finally:
        dialog.deleteLater()


async def confirm(parent: QWidget, name: str, title: str, text: str, detail: str, action: str) -> bool:
    """A Yes/Cancel question (Cancel is the default); True when the operator chose ``action``."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Cancel, parent)
    box.setObjectName(name)
    box.setInformativeText(detail)
    yes = box.addButton(action, QMessageBox.ButtonRole.AcceptRole)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    await ask(box)
    return box.clickedButton() is yes
