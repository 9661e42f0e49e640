"""The tasks a widget starts (streams, engine calls), with failures shown to the operator.

`WidgetTasks` is `pelorus.tasks.TaskSet` reporting through `console.messages`: a failed task's
sentence goes to the widget's own status line when it has one (`show`), else to the main window's
message bar (`messages.error`). A failure that is not an engine's answer (`ClientError`) is a bug,
so its traceback is logged as well. A widget calls `close()` (or `cancel_all()` to restart its
streams) when it closes, so no task calls back into a deleted widget.

A widget can also be deleted without closing (its parent, its tab page deleted; a test's window
released): the tasks know their widget (given, or the owner of the bound `show` / `on_finish`),
close themselves when its C++ object is destroyed, and never call `show` / `on_finish` on a widget
that is gone (shiboken6.isValid), so a task ending late cannot raise "Internal C++ object already
deleted" from its done callback.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject

from console import messages
from console.i18n import core_text
from pelorus.errors import ClientError
from pelorus.tasks import TaskSet
from pelorus.text import text_of

__all__ = ["WidgetTasks", "alive", "widget_of"]


def alive(obj: object) -> bool:
    """Whether a Qt object's C++ side still exists (a Python wrapper can outlive it)."""
    return shiboken6.isValid(obj)


def widget_of(callback: Callable[..., Any] | None) -> QObject | None:
    """The Qt object a bound method belongs to (None for a function or a plain object's method)."""
    owner = getattr(callback, "__self__", None)
    return owner if isinstance(owner, QObject) else None


class WidgetTasks(TaskSet):
    def __init__(self, owner: str, show: Callable[[str], None] | None = None,
                 on_finish: Callable[[], None] | None = None, widget: QObject | None = None) -> None:
        super().__init__(owner, self._report, None if on_finish is None else self._finished)
        self._show = show
        self._finish = on_finish
        self._widget = widget if widget is not None else (widget_of(show) or widget_of(on_finish))
        if self._widget is not None:
            me = weakref.ref(self)  # the connection must not keep these tasks (and so the widget) alive

            def destroyed(*_args: object) -> None:
                tasks = me()
                if tasks is not None and not tasks.closed:
                    messages.log.debug("%s: its widget was deleted; its tasks are cancelled", tasks.owner)
                    tasks.close()

            self._widget.destroyed.connect(destroyed)

    def _widget_gone(self) -> bool:
        return self._widget is not None and not alive(self._widget)

    def _finished(self) -> None:
        if self._finish is not None and not self._widget_gone():
            self._finish()

    def _report(self, task: asyncio.Task[Any], exc: BaseException) -> None:
        text = text_of(exc) or type(exc).__name__  # English (the log); shown translated
        if not isinstance(exc, ClientError):
            messages.log.error("%s: task %s failed", self.owner, task.get_name(), exc_info=exc)
        if self._widget_gone():
            messages.log.warning("%s (its widget is gone): %s", self.owner, text)
        elif self._show is None:
            messages.error(text)
        else:
            if isinstance(exc, ClientError):
                messages.log.warning("%s: %s", self.owner, text)
            self._show(core_text(text))
