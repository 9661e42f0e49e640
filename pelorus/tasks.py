"""Background asyncio tasks one owner starts and must not lose: the engine's, and each widget's.

Three things go wrong with a bare `asyncio.ensure_future`: the loop holds only a weak reference to
a task, so one nobody else holds may be collected before it ends; an exception in a task nobody
awaits surfaces late ("Task exception was never retrieved") or never; and an owner that goes away
(a closed dialog, a stopping engine) must cancel what it started, or the tasks call into an object
that no longer exists. `TaskSet` does those three in one place; the console's widgets use its
subclass `console.tasks.WidgetTasks`, which reports failures to the operator.
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")

log = logging.getLogger("pelorus.tasks")

#: Told that a task failed (not cancelled): the task, for its name, and what it raised.
ErrorHandler = Callable[["asyncio.Task[Any]", BaseException], None]


class TaskSet:
    """The running tasks of one owner.

    `start` keeps a strong reference until the task ends; a task that raises is handed to
    `on_error` (by default: logged with its traceback); `on_finish` runs after any other end
    (returned, or cancelled by someone else). `cancel_all` cancels what runs and detaches both
    callbacks first, so nothing calls back into an owner that is going away; `close` does the same
    and cancels anything started afterwards at once.
    """

    def __init__(self, owner: str, on_error: ErrorHandler | None = None,
                 on_finish: Callable[[], None] | None = None) -> None:
        self.owner = owner
        self._on_error = on_error
        self._on_finish = on_finish
        self._tasks: set[asyncio.Task[Any]] = set()
        self.closed = False

    def start(self, coro: Awaitable[T], name: str | None = None) -> asyncio.Future[T]:
        """Run `coro` as a task owned here.

        After `close` nothing is scheduled: `coro` is closed unstarted (no "coroutine was never
        awaited" when the loop is gone) and an already cancelled future is returned. The same when
        there is no loop to run it on (a Qt timer or signal delivered outside the asyncio loop,
        e.g. after it closed): a bug in the caller, logged, instead of a leaked coroutine."""
        if self.closed:
            return _refused(coro)
        try:
            task = asyncio.ensure_future(coro)
        except RuntimeError as exc:  # no current loop, or it is closed
            log.error("%s: cannot start %s: %s", self.owner, name or _name_of(coro), exc)
            return _refused(coro)
        if name is not None:
            task.set_name(name)
        self._tasks.add(task)
        task.add_done_callback(self._done)
        return task

    def cancel_all(self) -> list[asyncio.Task[Any]]:
        """Cancel every running task and forget it; returns them, for a caller that awaits their end.
        Their exceptions from here on are only logged at debug level: the owner asked them to stop."""
        tasks = list(self._tasks)
        self._tasks.clear()
        for task in tasks:
            task.remove_done_callback(self._done)
            task.add_done_callback(_retrieve)
            task.cancel()
        return tasks

    def close(self) -> None:
        """The owner goes away: cancel what runs, and anything started later."""
        self.closed = True
        self.cancel_all()

    @property
    def running(self) -> int:
        return sum(1 for task in self._tasks if not task.done())

    def __len__(self) -> int:
        return len(self._tasks)

    def __iter__(self) -> Iterator[asyncio.Task[Any]]:
        return iter(list(self._tasks))

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        exc = None if task.cancelled() else task.exception()
        if exc is not None:
            (self._on_error or self._log_failure)(task, exc)
        elif self._on_finish is not None:
            self._on_finish()

    def _log_failure(self, task: asyncio.Task[Any], exc: BaseException) -> None:
        log.error("%s: task %s failed", self.owner, task.get_name(), exc_info=exc)


STOP_WAIT = 5.0
"""Seconds `cancel_and_wait` gives a cancelled task to end."""


async def cancel_and_wait(task: asyncio.Task[Any], what: str, timeout: float = STOP_WAIT) -> bool:
    """Cancel ``task`` and wait at most ``timeout`` seconds for it to end; True when it did.

    Stopping must itself stop: a task that does not end once cancelled (something under it took the
    CancelledError for an error and carried on) is logged with its stack and left behind instead of
    holding whoever stops it for ever (a session stop, a quit). The stack names the culprit."""
    if task.done():
        _retrieve(task)
        return True
    task.cancel()
    done, _ = await asyncio.wait({task}, timeout=timeout)
    if done:
        _retrieve(task)
        return True
    stack = io.StringIO()
    try:
        task.print_stack(file=stack)
    except Exception:  # noqa: BLE001 - a frame of compiled code (grpc's Cython) can have no line number
        stack.write(repr(task))
    log.warning("%s did not end within %.0f s of being cancelled; left behind.\n%s", what, timeout, stack.getvalue())
    task.add_done_callback(_retrieve)
    return False


def _name_of(coro: Awaitable[Any]) -> str:
    return str(getattr(coro, "__qualname__", None) or type(coro).__name__)


class _NoLoop:
    """The loop of `_refused` futures when no loop is at hand: a Future only asks its loop for
    `get_debug` and, with callbacks added, `call_soon` (which here runs them at once)."""

    def get_debug(self) -> bool:
        return False

    def call_soon(self, callback: Callable[..., object], *args: Any, context: Any = None) -> None:
        callback(*args)

    def is_closed(self) -> bool:
        return True


def _refused(coro: Awaitable[T]) -> asyncio.Future[T]:
    """A cancelled future standing for `coro`, which is closed without ever running (or cancelled,
    when it is already a future)."""
    if asyncio.isfuture(coro):
        coro.cancel()
        return coro
    close = getattr(coro, "close", None)
    if close is not None:
        close()  # a coroutine closed before it starts never warns it was not awaited
    loop: Any
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        loop = _NoLoop()
    future: asyncio.Future[T] = asyncio.Future(loop=loop)
    future.cancel()
    return future


def _retrieve(task: asyncio.Task[Any]) -> None:
    """Fetch the outcome of a task its owner cancelled, so asyncio does not warn it was never seen."""
    if not task.cancelled() and task.exception() is not None:
        log.debug("task %s ended with %r after it was cancelled", task.get_name(), task.exception())
