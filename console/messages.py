"""User-facing messages (error / warning / info) that any layer may send.

Messages are logged, then handed to whatever sink the main window installed (its status
bar). Messages sent before a sink exists are queued and delivered when one is installed.
"""

from __future__ import annotations

import enum
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger("pelorus")


class Level(enum.Enum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True)
class Message:
    level: Level
    text: str


_sink: Callable[[Message], None] | None = None
_queued: list[Message] = []


def install_sink(sink: Callable[[Message], None] | None) -> None:
    global _sink
    _sink = sink
    if sink is not None:
        while _queued:
            sink(_queued.pop(0))


def current_sink() -> Callable[[Message], None] | None:
    return _sink


def _send(level: Level, text: str) -> None:
    global _sink
    getattr(log, "warning" if level == Level.WARNING else level.value)(text)
    msg = Message(level, text)
    if _sink is not None and _owner_deleted(_sink):
        _sink = None  # its window was deleted without uninstalling it: keep the message for the next
    if _sink is None:
        _queued.append(msg)
    else:
        _sink(msg)


def _owner_deleted(sink: Callable[[Message], None]) -> bool:
    """A sink that is a deleted Qt object's method (its window went without uninstalling it)."""
    owner = getattr(sink, "__self__", None)
    if owner is None or "shiboken6" not in sys.modules:
        return False
    import shiboken6
    from PySide6.QtCore import QObject

    return isinstance(owner, QObject) and not shiboken6.isValid(owner)


def info(text: str) -> None:
    _send(Level.INFO, text)


def warning(text: str) -> None:
    _send(Level.WARNING, text)


def error(text: str) -> None:
    _send(Level.ERROR, text)
