"""Widgets that go away while their work is pending: nothing they started calls back into them.

The intermittent teardown errors these pin down: a task's done callback writing into a status
line (a QLabel) whose widget was already deleted; a job detail's workflow reload that, cancelled
by the close, restarted its timer in its `finally`, so the timer later fired into a closed detail
(and, after the test's loop was gone, made a coroutine nobody ran: "coroutine
'JobDetail._reload_workflows_once' was never awaited"); a main window closed for good that kept
its job tabs streaming, its tasks running and its message bar installed."""

from __future__ import annotations

import asyncio
from typing import Any

import shiboken6
from enginehelp import sh_spec
from guihelp import job_tab, run, until

from console import messages
from console.views.job_detail import JobDetail
from console.views.main_window import MainWindow


async def _open(win: MainWindow) -> JobDetail:
    """The job's detail in its tab of the window."""
    job_id = await win.session.create_job(sh_spec("teardown", "echo hi"), "teardown")
    win.open_job(job_id)
    detail: JobDetail = await job_tab(win, job_id)
    await until(lambda: detail.job is not None, what="the detail loaded")
    return detail


async def _window_of_its_own(win: MainWindow) -> JobDetail:
    """The job's detail as a window of its own (no tab page deletes it on close)."""
    job_id = await win.session.create_job(sh_spec("teardown", "echo hi"), "teardown")
    detail = JobDetail(win.session, job_id)
    detail.show()
    await detail.load()
    return detail


def test_a_workflow_reload_cancelled_by_the_close_leaves_the_timer_stopped(embedded_window: MainWindow,
                                                                          qloop: Any) -> None:
    win = embedded_window

    async def body() -> None:
        detail = await _window_of_its_own(win)
        started = asyncio.Event()
        release = asyncio.Event()

        async def slow_load() -> None:  # the reload in flight when the tab closes
            started.set()
            await release.wait()

        detail.load_workflows = slow_load  # type: ignore[method-assign]
        detail._reload_workflows()  # the timer's first shot: a reload runs
        await started.wait()
        detail._reload_workflows()  # a change meanwhile: "again" once this one ends
        assert detail._wf_loading and detail._wf_again
        detail.close()  # while the reload waits
        await until(lambda: all(t.done() for t in detail.all_tasks()), timeout=5, what="its tasks end")
        await asyncio.sleep(0.05)
        assert not detail._wf_timer.isActive(), "the cancelled reload restarted the timer of a closed detail"
        assert not detail._summary_timer.isActive()
        detail._reload_workflows()  # a late shot anyway starts nothing
        assert not detail._wf_loading and not list(detail.all_tasks())

    run(qloop, body(), timeout=60)


def test_a_detail_deleted_without_closing_cancels_its_tasks(embedded_window: MainWindow, qloop: Any) -> None:
    """Deleted under it (no closeEvent, no stop_streams): each tab's tasks end with
    the widget, and their late ends call nothing back into the deleted status lines."""
    win = embedded_window

    async def body() -> None:
        detail = await _window_of_its_own(win)
        release = asyncio.Event()

        async def pending_then_fails() -> None:
            await release.wait()
            raise RuntimeError("the answer came after the widget went")

        views = (detail, detail.pods_view, detail.log_view, detail.progress, detail.history)
        tasks = [v._tasks.start(pending_then_fails()) for v in views]  # type: ignore[attr-defined]
        await asyncio.sleep(0)
        shiboken6.delete(detail)  # as a deleted parent would: no closeEvent, no stop_streams
        release.set()
        await asyncio.gather(*tasks, return_exceptions=True)
        assert all(t.cancelled() for t in tasks)

    run(qloop, body(), timeout=60)


def test_a_main_window_closed_for_good_ends_its_tabs_tasks_and_message_bar(embedded_window: MainWindow,
                                                                          qloop: Any) -> None:
    win = embedded_window
    detail = run(qloop, _open(win), timeout=60)
    assert messages.current_sink() == win._show_message
    win._closing = True  # as after the quit dialog (or a test that decided already)
    win.close()
    assert detail._closed and not detail._wf_timer.isActive()
    assert win._tasks.closed and messages.current_sink() is None
    run(qloop, until(lambda: all(t.done() for t in detail.all_tasks()), timeout=5, what="the tab's tasks end"))
