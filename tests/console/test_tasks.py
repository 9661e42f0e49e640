"""The one helper for owned tasks (pelorus.tasks.TaskSet, console.tasks.WidgetTasks): it keeps
each task alive, reports a failure once (to the widget's line or the message bar, logged), and
cancel_all / close cancel what runs without calling back into the owner."""

from __future__ import annotations

import asyncio
import gc
import logging
import weakref
from collections.abc import Callable, Coroutine, Iterator
from typing import Any

import grpc
import pytest

from console import messages
from console.tasks import WidgetTasks
from pelorus.errors import NotFound
from pelorus.tasks import TaskSet


@pytest.fixture
def sent() -> Iterator[list[messages.Message]]:
    """What reached the message bar (messages' sink) during the test."""
    got: list[messages.Message] = []
    messages.install_sink(got.append)
    yield got
    messages.install_sink(None)


def run(main: Callable[[], Coroutine[Any, Any, None]]) -> list[dict[str, Any]]:
    """Run `main` on a fresh loop; returns what reached the loop's exception handler (asyncio's
    "Task exception was never retrieved" among others), after a garbage collection."""
    loop = asyncio.new_event_loop()
    seen: list[dict[str, Any]] = []
    loop.set_exception_handler(lambda _loop, ctx: seen.append(ctx))
    try:
        loop.run_until_complete(main())
        gc.collect()
        loop.run_until_complete(asyncio.sleep(0))
    finally:
        loop.close()
    return seen


async def _wait_forever() -> None:
    await asyncio.get_running_loop().create_future()  # held only by this frame: a reference cycle


async def _fail(exc: BaseException) -> None:
    await asyncio.sleep(0)
    raise exc


def test_a_started_task_is_kept_alive_until_it_ends() -> None:
    async def main() -> None:
        tasks = TaskSet("test")
        kept = weakref.ref(tasks.start(_wait_forever(), "kept"))
        bare = weakref.ref(asyncio.ensure_future(_wait_forever()))  # what the helper prevents
        await asyncio.sleep(0)
        gc.collect()
        assert bare() is None, "a bare task in a cycle is collected mid-flight (the test's premise)"
        task = kept()
        assert task is not None and not task.done() and len(tasks) == 1 and tasks.running == 1
        assert list(tasks) == [task] and task.get_name() == "kept"
        tasks.cancel_all()
        await asyncio.sleep(0)
        assert task.cancelled() and len(tasks) == 0

    run(main)


def test_a_failure_goes_to_the_widgets_line_and_the_log(caplog: pytest.LogCaptureFixture,
                                                          sent: list[messages.Message]) -> None:
    shown: list[str] = []

    async def main() -> None:
        tasks = WidgetTasks("pods view", show=shown.append)
        tasks.start(_fail(NotFound(grpc.StatusCode.NOT_FOUND, "job j1 not found", "/x/StopJob")))
        tasks.start(_fail(ValueError("a bug")), "buggy")
        await asyncio.sleep(0.01)
        assert len(tasks) == 0

    with caplog.at_level(logging.INFO, logger="pelorus"):
        assert run(main) == []  # each exception was retrieved: asyncio has nothing to warn about
    assert shown == ["Stop job failed: job j1 not found", "a bug"]
    assert sent == []  # the widget has its own line: the message bar stays for the main window
    bug = [r for r in caplog.records if r.exc_info]
    assert [r.getMessage() for r in bug] == ["pods view: task buggy failed"]  # with its traceback
    assert any(r.getMessage() == "pods view: Stop job failed: job j1 not found" for r in caplog.records)


def test_without_a_line_of_its_own_a_failure_reaches_the_message_bar(sent: list[messages.Message]) -> None:
    async def main() -> None:
        WidgetTasks("main window").start(_fail(NotFound(grpc.StatusCode.NOT_FOUND, "gone", "/x/GetJob")))
        await asyncio.sleep(0.01)

    assert run(main) == []
    assert sent == [messages.Message(messages.Level.ERROR, "Get job failed: gone")]


def test_the_engines_failures_are_logged_with_their_traceback(caplog: pytest.LogCaptureFixture) -> None:
    async def main() -> None:
        TaskSet("engine").start(_fail(RuntimeError("boom")), "scheduler")
        await asyncio.sleep(0.01)

    with caplog.at_level(logging.ERROR, logger="pelorus.tasks"):
        assert run(main) == []
    [record] = caplog.records
    assert record.getMessage() == "engine: task scheduler failed" and record.exc_info is not None


def test_cancel_all_cancels_and_calls_nothing_back(sent: list[messages.Message]) -> None:
    shown: list[str] = []
    finished: list[None] = []

    async def raises_when_cancelled() -> None:
        try:
            await _wait_forever()
        except asyncio.CancelledError:
            raise RuntimeError("cleanup failed") from None

    async def main() -> None:
        tasks = WidgetTasks("log view", show=shown.append, on_finish=lambda: finished.append(None))
        a, b = tasks.start(_wait_forever()), tasks.start(raises_when_cancelled())
        await asyncio.sleep(0)
        assert sorted(t.get_name() for t in tasks.cancel_all()) == sorted([a.get_name(), b.get_name()])
        await asyncio.gather(a, b, return_exceptions=True)
        assert a.cancelled() and isinstance(b.exception(), RuntimeError)
        c = tasks.start(asyncio.sleep(0))  # cancel_all is not close: the owner may start again
        await c
        assert not c.cancelled() and finished == [None]

    assert run(main) == []  # b's exception was retrieved quietly, not left for asyncio to warn about
    assert shown == [] and sent == []


def test_close_cancels_what_runs_and_what_starts_later() -> None:
    ran: list[str] = []

    async def step(name: str) -> None:
        ran.append(name)
        await _wait_forever()

    async def main() -> None:
        tasks = WidgetTasks("job detail")
        first = tasks.start(step("first"))
        await asyncio.sleep(0)
        tasks.close()
        late = tasks.start(step("late"))
        await asyncio.gather(first, late, return_exceptions=True)
        assert first.cancelled() and late.cancelled() and len(tasks) == 0 and tasks.closed

    assert run(main) == []
    assert ran == ["first"]  # the late one never ran


def test_cancel_and_wait_ends_a_task_and_leaves_behind_one_that_will_not_end(
        caplog: pytest.LogCaptureFixture) -> None:
    from pelorus.tasks import cancel_and_wait

    give_up = False

    async def stubborn() -> None:  # takes its cancellation for an error and carries on
        while not give_up:
            try:
                await asyncio.sleep(0.05)
            except asyncio.CancelledError:
                continue

    async def main() -> None:
        polite = asyncio.ensure_future(_wait_forever())
        await asyncio.sleep(0)
        assert await cancel_and_wait(polite, "a polite task", timeout=1) and polite.cancelled()
        failed = asyncio.ensure_future(_fail(NotFound(grpc.StatusCode.NOT_FOUND, "gone", "GetJob")))
        await asyncio.sleep(0.01)
        assert await cancel_and_wait(failed, "a finished task")  # its exception is fetched, not warned about
        rude = asyncio.ensure_future(stubborn(), loop=asyncio.get_running_loop())
        await asyncio.sleep(0)
        with caplog.at_level(logging.WARNING, logger="pelorus.tasks"):
            started = asyncio.get_running_loop().time()
            assert not await cancel_and_wait(rude, "a stubborn poll", timeout=0.3)
            assert asyncio.get_running_loop().time() - started < 1.0
        assert "a stubborn poll did not end within 0 s" in caplog.text and "stubborn" in caplog.text
        nonlocal give_up
        give_up = True  # let it end, so the loop closes clean
        await asyncio.wait({rude}, timeout=1)
        assert rude.done()

    seen = run(main)
    assert not [c for c in seen if "exception was never retrieved" in str(c.get("message", ""))]


# -- owners that go away: a deleted widget, a closed set, a loop that is gone ---------------------


def _label_owner() -> Any:
    """A widget with a status line, as the views have (its `show` is a bound method of it)."""
    from PySide6.QtWidgets import QLabel, QWidget

    class Owner(QWidget):
        def __init__(self) -> None:
            super().__init__()
            self.status = QLabel(self)
            self.finished = 0

        def show_error(self, text: str) -> None:
            self.status.setText(text)

        def on_finish(self) -> None:
            self.finished += 1
            self.status.setText("done")

        def sink(self, msg: messages.Message) -> None:  # as the main window's message bar
            self.status.setText(msg.text)

    return Owner()


def test_a_widget_deleted_while_its_task_runs_is_not_called_back(qapp: Any, sent: list[messages.Message]) -> None:
    """The race behind "Internal C++ object (QLabel) already deleted" from a done callback: the
    widget (with its status line) is deleted while its task waits; the task then fails / ends."""
    import shiboken6

    async def main() -> None:
        release = asyncio.Event()

        async def fails_later() -> None:
            await release.wait()
            raise NotFound(grpc.StatusCode.NOT_FOUND, "gone", "/x/GetJob")

        async def ends_later() -> None:
            await release.wait()

        owner = _label_owner()
        tasks = WidgetTasks("pods view", show=owner.show_error, on_finish=owner.on_finish)
        failing, ending = tasks.start(fails_later()), tasks.start(ends_later())
        await asyncio.sleep(0)
        shiboken6.delete(owner)  # deleted without closing (its parent, its tab page went)
        assert not shiboken6.isValid(owner)
        release.set()
        await asyncio.gather(failing, ending, return_exceptions=True)
        assert failing.cancelled() and ending.cancelled() and tasks.closed and len(tasks) == 0
        late = tasks.start(ends_later())
        await asyncio.sleep(0)
        assert late.cancelled()

    assert run(main) == []  # nothing raised in a done callback (the loop's handler saw nothing)
    assert sent == []


def test_a_task_of_a_deleted_widget_that_still_ends_calls_nothing_back(qapp: Any,
                                                                       sent: list[messages.Message]) -> None:
    """Even a task its set did not get to cancel (it ended in the same loop turn as the widget
    went) does not touch the deleted widget: failures are only logged."""
    import shiboken6

    async def main() -> None:
        owner = _label_owner()
        tasks = WidgetTasks("log view", show=owner.show_error, on_finish=owner.on_finish)
        failing = tasks.start(_fail(NotFound(grpc.StatusCode.NOT_FOUND, "gone", "/x/GetJob")))
        ending = tasks.start(asyncio.sleep(0))
        await asyncio.sleep(0)
        tasks.closed = True  # as if closing were under way; the done callbacks are still attached
        owner.destroyed.disconnect()  # ...and the destroyed signal came too late to cancel them
        shiboken6.delete(owner)
        await asyncio.gather(failing, ending, return_exceptions=True)

    assert run(main) == []
    assert sent == []


def test_a_closed_set_closes_a_coroutine_unstarted_even_without_a_loop(recwarn: pytest.WarningsRecorder) -> None:
    """A Qt timer firing into a closed widget after the test's (or app's) loop is gone: the
    coroutine is closed, never left "never awaited", and no task is made on a dead loop."""
    ran: list[str] = []

    async def reload() -> None:
        ran.append("reload")

    asyncio.set_event_loop(None)  # as after the GUI tests' loop closed: no current loop at all
    tasks = WidgetTasks("job detail")
    tasks.close()
    refused = tasks.start(reload())
    assert refused.cancelled()
    gc.collect()
    assert not [w for w in recwarn if "never awaited" in str(w.message)]
    assert ran == []


def test_starting_without_a_loop_is_logged_not_leaked(caplog: pytest.LogCaptureFixture,
                                                      recwarn: pytest.WarningsRecorder) -> None:
    async def reload() -> None:
        pass

    asyncio.set_event_loop(None)
    tasks = TaskSet("job detail")
    with caplog.at_level(logging.ERROR, logger="pelorus.tasks"):
        refused = tasks.start(reload(), "reload")
    assert refused.cancelled() and len(tasks) == 0
    assert "job detail: cannot start reload" in caplog.text
    gc.collect()
    assert not [w for w in recwarn if "never awaited" in str(w.message)]


def test_a_deleted_windows_sink_is_dropped_and_the_message_kept(qapp: Any) -> None:
    """A main window deleted without uninstalling its message bar: the next message is queued
    for the next window instead of raising "Internal C++ object (QLabel) already deleted"."""
    import shiboken6

    window = _label_owner()
    messages.install_sink(window.sink)
    try:
        messages.error("first")
        assert window.status.text() == "first"
        shiboken6.delete(window)
        messages.error("after the window went")
        got: list[messages.Message] = []
        messages.install_sink(got.append)
        assert got == [messages.Message(messages.Level.ERROR, "after the window went")]
    finally:
        messages.install_sink(None)
