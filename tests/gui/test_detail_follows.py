"""An open job detail follows its job through every transition (issue 12): after each step its
header, summary and pods equal GetJob / ListPods within a second, and never disagree with the
jobs table.  The detail is where the operator sees it: the job's tab in the main window (issue 17).
Real embedded engine, real widgets (offscreen), a qasync loop."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from enginehelp import sh_spec
from followhelp import FOLLOW_WITHIN, J, follows, shown
from guihelp import job_tab, run, screenshot, until

from console.actions import Name, Options, already_confirmed
from console.views.job_detail import JobDetail
from console.views.main_window import MainWindow


async def open_in_tab(win: MainWindow, job_id: str) -> JobDetail:
    """Open the job as the operator does (its tab in front) and wait for it to load."""
    win.open_job(job_id)
    detail: JobDetail = await job_tab(win, job_id)
    await until(lambda: detail.job is not None, what="the detail loaded")
    assert detail.isVisible() and not detail.isWindow()
    return detail


def test_detail_follows_stop_start_restart_replace_delete(embedded_window: MainWindow, qloop: Any) -> None:
    win = embedded_window
    session = win.session

    async def body() -> None:
        spec = sh_spec("follow-all", "echo '::progress successful=1 failed=0 remaining=1'; sleep 60",
                       instances=2, kill_grace_period=0.2)
        job_id = await session.create_job(spec, "follow-all")
        dialog = await open_in_tab(win, job_id)
        running = lambda t: (t is not None and t["state"] == "RUNNING"  # noqa: E731
                             and all(s == "RUNNING" for s, _ in t["pods"].values()) and len(t["pods"]) == 2)
        await follows(session, dialog, job_id, running, "created")
        screenshot(dialog, "follow-1-running")

        await session.perform_on_jobs(Name.STOP, [job_id], confirmer=already_confirmed, quiet=True)
        await follows(session, dialog, job_id, lambda t: t is not None and t["state"] == "KILLED", "stopped")
        assert "KILLED" in dialog.header.text()
        screenshot(dialog, "follow-2-stopped")

        # The reported defect: after Start the detail still said KILLED for over 20 s.
        await session.perform_on_jobs(Name.START, [job_id], confirmer=already_confirmed, quiet=True)
        await follows(session, dialog, job_id, running, "started")
        assert "RUNNING" in dialog.header.text() and dialog.progress.streaming
        dialog.tabs.setCurrentWidget(dialog.progress)
        await until(lambda: dialog.progress.state_name == "RUNNING", timeout=FOLLOW_WITHIN, what="chart state")
        screenshot(dialog, "follow-3-started")
        dialog.tabs.setCurrentIndex(0)

        before = {name: run for name, (_s, run) in shown(dialog)["pods"].items()}
        await session.perform_on_jobs(Name.RESTART, [job_id], options=Options(batch_size=0), quiet=True)
        await follows(session, dialog, job_id, lambda t: running(t) and all(
            run != before[name] for name, (_s, run) in t["pods"].items()), "restarted")
        await until(lambda: dialog.workflows.topLevelItemCount() >= 1
                    and dialog.workflows.topLevelItem(0).text(0).startswith("RESTART"),
                    timeout=FOLLOW_WITHIN, what="the restart workflow listed")
        screenshot(dialog, "follow-4-restarted")

        current = (await session.client.get_job(job_id)).job_info
        new_spec = J.JobSpec()
        new_spec.CopyFrom(current.spec)
        new_spec.labels["tier"] = "gold"
        new_spec.default_spec.args[1] = new_spec.default_spec.args[1].replace("sleep 60", "sleep 61")
        await session.client.replace_job(job_id, current.status.version.value, new_spec, batch_size=0)
        await follows(session, dialog, job_id, lambda t: running(t) and t["version"] != str(
            current.status.version.value), "replaced")
        await until(lambda: "tier=gold" in dialog.summary_labels["Labels"].text() and "sleep 61"
                    in dialog.spec_text.toPlainText(), timeout=FOLLOW_WITHIN, what="the new spec shown")
        screenshot(dialog, "follow-5-replaced")

        await session.perform_on_jobs(Name.FORCE_DELETE, [job_id], confirmer=already_confirmed, quiet=True)
        await follows(session, dialog, job_id, lambda t: t is None, "deleted")
        assert "DELETED" in dialog.header.text() and dialog.pods.model().rowCount() == 0
        screenshot(dialog, "follow-6-deleted")
        assert win.detail_tabs.close_job(job_id)
        await until(lambda: all(t.done() for t in dialog.all_tasks()), timeout=5, what="streams stopped")

    run(qloop, body(), timeout=150)


@pytest.mark.slow
def test_detail_follows_a_job_to_its_purge(embedded_window: MainWindow, qloop: Any) -> None:
    win = embedded_window
    session = win.session

    async def body() -> None:
        spec = sh_spec("short-lived", "sleep 0.3")
        spec.ttl_after_finished.FromMilliseconds(1000)
        job_id = await session.create_job(spec, "purged")
        dialog = await open_in_tab(win, job_id)
        await follows(session, dialog, job_id, lambda t: t is not None and t["state"] == "SUCCEEDED", "succeeded")
        assert dialog.summary_labels["Purged at"].text()  # when it will go
        await follows(session, dialog, job_id, lambda t: t is None, "purged")
        # the engine answers NotFound a moment before the removal reaches the detail through the feed
        await until(lambda: "DELETED" in dialog.header.text(), timeout=10, what="the header says DELETED")
        assert "purged after its time-to-live" in dialog.header.text()
        dialog._tick_summary()  # the summary's once-a-second redraw (relative times) must not bring it back
        await asyncio.sleep(1.2)
        assert "DELETED" in dialog.header.text() and dialog.summary_labels["State"].text() == "DELETED"
        screenshot(dialog, "follow-7-purged")

    run(qloop, body(), timeout=60)
