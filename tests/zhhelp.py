"""Screenshots of translated windows, with a check for text cut off by a layout sized for English."""

from __future__ import annotations

import asyncio

from guihelp import screenshot
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QLabel, QPushButton, QTabBar, QToolButton, QWidget

SIZE = (1280, 800)


async def settle(rounds: int = 3) -> None:
    """A few turns of the loop, for posted events and layouts to land before a look or a picture."""
    for _ in range(rounds):
        await asyncio.sleep(0.05)  # the loop runs Qt's events; processEvents here would nest it


def clipped(root: QWidget) -> list[str]:
    """Visible buttons, labels, check boxes and tabs under ``root`` whose text does not fit."""
    bad = []
    for w in [root, *root.findChildren(QWidget)]:
        if not w.isVisibleTo(root) or w.width() <= 1:
            continue
        if isinstance(w, (QPushButton, QCheckBox)) and w.text():
            if w.width() + 2 < w.sizeHint().width() and w.sizePolicy().horizontalPolicy().name != "Ignored":
                bad.append(f"{type(w).__name__} {w.text()!r}: {w.width()} < {w.sizeHint().width()}")
        elif isinstance(w, QToolButton) and w.text() and w.toolButtonStyle() != Qt.ToolButtonStyle.ToolButtonIconOnly:
            if w.width() + 2 < w.sizeHint().width():
                bad.append(f"QToolButton {w.text()!r}: {w.width()} < {w.sizeHint().width()}")
        elif isinstance(w, QLabel) and w.text() and not w.wordWrap() and w.pixmap().isNull():
            if w.width() + 2 < w.minimumSizeHint().width():
                bad.append(f"QLabel {w.text()[:40]!r}: {w.width()} < {w.minimumSizeHint().width()}")
        elif isinstance(w, QTabBar):
            for i in range(w.count()):
                need = w.fontMetrics().horizontalAdvance(w.tabText(i).replace("&", ""))
                if w.tabRect(i).width() < need:
                    bad.append(f"tab {w.tabText(i)!r}: {w.tabRect(i).width()} < {need}")
    return bad


async def shoot(widget: QWidget, name: str, problems: list[str], resize: bool = True) -> None:
    """Called from a test's coroutine: the loop (not a nested QApplication.processEvents, which
    makes qasync lose tasks) lays the widget out before it is grabbed."""
    if resize:
        widget.resize(*SIZE)
    for _ in range(2):
        await asyncio.sleep(0.02)
    screenshot(widget, f"zh-{name}")
    problems += [f"{name}: {p}" for p in clipped(widget)]
