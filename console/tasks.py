"""The tasks a widget starts (streams, engine calls), with failures shown to the operator.

`WidgetTasks` is `pelorus.tasks.TaskSet` reporting through `console.messages`: a failed task's
sentence goes to the widget's own status line when it has one (`show`), else to the main window's
message bar (`messages.error`). A failure that is not an engine's answer (`ClientError`) is a bug,
so its traceback is logged as well. A widget calls `close()` (or `cancel_all()` to restart its
streams) when it closes, so no task calls back into a deleted widget.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from console import messages
from console.i18n import core_text
from pelorus.errors import ClientError
from pelorus.tasks import TaskSet
from pelorus.text import text_of

__all__ = ["WidgetTasks"]


class WidgetTasks(TaskSet):
    def __init__(self, owner: str, show: Callable[[str], None] | None = None,
                 on_finish: Callable[[], None] | None = None) -> None:
        super().__init__(owner, self._report, on_finish)
        self._show = show

    def _report(self, task: asyncio.Task[Any], exc: BaseException) -> None:
        text = text_of(exc) or type(exc).__name__  # English (the log); shown translated
        if not isinstance(exc, ClientError):
            messages.log.error("%s: task %s failed", self.owner, task.get_name(), exc_info=exc)
        if self._show is None:
            messages.error(text)
        else:
            if isinstance(exc, ClientError):
                messages.log.warning("%s: %s", self.owner, text)
            self._show(core_text(text))
