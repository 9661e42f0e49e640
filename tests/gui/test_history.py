"""The History tab of the job detail against a real embedded engine: the versions, the diff of
two of them, revert (a new version equal to the old spec), and a stale revert that changes nothing."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from enginehelp import sh_spec
from guihelp import open_dialog, run, screenshot, until

from console.views.history_view import HistoryView
from console.views.job_detail import JobDetailDialog
from console.views.main_window import MainWindow
from console.views.replace_flow import ReplaceConfirmDialog
from pelorus.api import job_pb2

J = job_pb2


async def _job_with_versions(win: MainWindow) -> tuple[str, list[job_pb2.JobSpec]]:
    """A finished job whose spec was set three times: 1 instance, then labels, then 3 instances."""
    session = win.session
    spec = sh_spec("history-gui", "true")
    job_id = await session.create_job(spec, "history-gui-key")
    await until(lambda: (r := session.jobs_model.row_of(job_id)) is not None
                and session.jobs_model.summary(r).status.state == J.JOB_STATE_SUCCEEDED, what="job done")
    specs = [job_pb2.JobSpec.FromString(spec.SerializeToString())]
    spec.labels["tier"] = "gold"
    version = (await session.get_job(job_id)).job_info.status.version.value
    version = await session.replace_job(job_id, version, spec)
    specs.append(job_pb2.JobSpec.FromString(spec.SerializeToString()))
    spec.instance_count = 3
    await session.replace_job(job_id, version, spec)
    specs.append(job_pb2.JobSpec.FromString(spec.SerializeToString()))
    return job_id, specs


async def _history(win: MainWindow, job_id: str) -> tuple[JobDetailDialog, HistoryView]:
    detail = JobDetailDialog(win.session, job_id, win)
    detail.resize(1280, 800)
    detail.show()
    await detail.load()
    detail.tabs.setCurrentWidget(detail.history)
    history = detail.history
    await until(lambda: len(history.versions) == 3, what="three versions listed")
    return detail, history


@pytest.mark.slow
def test_pick_two_versions_and_the_diff_shows_the_changed_field(embedded_window: MainWindow, qloop: Any) -> None:
    async def body() -> None:
        job_id, _specs = await _job_with_versions(embedded_window)
        detail, history = await _history(embedded_window, job_id)
        numbers = [v.version.value for v in history.versions]
        assert numbers == sorted(numbers, reverse=True)
        assert history.list.topLevelItemCount() == 3
        assert "(current)" in history.list.topLevelItem(0).text(0)
        assert history.list.topLevelItem(2).text(3) == "START"
        assert history.list.topLevelItem(0).text(3) == "UPDATE"
        oldest, newest = numbers[-1], numbers[0]
        history.select_versions(oldest, newest)
        await until(lambda: history.diff.rows != [], what="the diff")
        changed = history.diff.changed()
        assert ("instance_count: 1", "instance_count: 3") in changed, changed
        assert (None, "labels:") in changed and (None, "  tier: gold") in changed, changed
        assert f"Version {oldest}" == history.diff.old_title.text()
        # one version: what it changed against the one before
        history.select_versions(numbers[1])
        await until(lambda: history.diff.new_title.text() == f"Version {numbers[1]}", what="single diff")
        assert history.diff.changed() == [(None, "labels:"), (None, "  tier: gold")]
        assert history.revert_button.isEnabled()
        history.select_versions(newest)
        assert not history.revert_button.isEnabled(), "the current spec is nothing to revert to"
        history.select_versions(oldest, newest)
        await until(lambda: len(history.diff.changed()) == 3, what="two-version diff again")
        screenshot(detail, "history_diff_1280x800")
        detail.resize(1920, 1080)
        await asyncio.sleep(0.1)
        screenshot(detail, "history_diff_1920x1080")
        detail.close()

    run(qloop, body(), 90)


@pytest.mark.slow
def test_revert_makes_a_new_version_equal_to_the_old_spec(embedded_window: MainWindow, qloop: Any) -> None:
    async def body() -> None:
        session = embedded_window.session
        job_id, specs = await _job_with_versions(embedded_window)
        detail, history = await _history(embedded_window, job_id)
        oldest = history.versions[-1].version.value
        before = history.job_version
        history.select_versions(oldest)
        history.revert_button.click()
        dialog = await open_dialog(ReplaceConfirmDialog)
        assert dialog.objectName() == "revertConfirm"
        diff_text = dialog.findChild(type(history.summary), "replaceConfirmDiff").text()
        assert "Instances removed: 1–2" in diff_text, diff_text
        screenshot(dialog, "history_revert_confirm")
        dialog.batch_box.setValue(0)
        dialog.apply_button.click()
        await until(lambda: history.job_version > before and len(history.versions) == 4, what="reverted")
        now = await session.get_job(job_id)
        assert now.job_info.spec.SerializeToString(deterministic=True) == specs[0].SerializeToString(
            deterministic=True)
        newest = history.versions[0]
        assert newest.version.value == now.job_info.status.version.value
        assert "Reverted" in history.status.text()
        # version 1 again: its spec is the job's now, so there is nothing to ask or send
        history.select_versions(oldest)
        history.revert_button.click()
        await until(lambda: "already" in history.status.text(), what="nothing to revert")
        assert len(history.versions) == 4 and history.job_version == now.job_info.status.version.value
        detail.close()

    run(qloop, body(), 90)


@pytest.mark.slow
def test_a_stale_revert_changes_nothing_and_says_so(embedded_window: MainWindow, qloop: Any) -> None:
    async def body() -> None:
        session = embedded_window.session
        job_id, specs = await _job_with_versions(embedded_window)
        detail, history = await _history(embedded_window, job_id)
        oldest = history.versions[-1].version.value
        seen = history.job_version
        history.select_versions(oldest)
        history.revert_button.click()
        dialog = await open_dialog(ReplaceConfirmDialog)
        # Someone else changes the job while the confirmation is open.
        other = job_pb2.JobSpec.FromString(specs[-1].SerializeToString())
        other.description = "changed by someone else"
        theirs = await session.replace_job(job_id, seen, other)
        dialog.apply_button.click()
        await until(lambda: "Not reverted" in history.status.text(), what="the stale message")
        text = history.status.text()
        assert f"you saw version {seen}" in text and f"now at version {theirs}" in text, text
        now = await session.get_job(job_id)
        assert now.job_info.status.version.value == theirs, "nothing was changed"
        assert now.job_info.spec.description == "changed by someone else"
        # the detail is true: the list has their version on top, the chosen one still selected
        assert history.job_version == theirs and history.versions[0].version.value == theirs
        assert history.selected_versions() == [oldest] and history.revert_button.isEnabled()
        await until(lambda: detail.summary_labels["Version"].text() == str(theirs), what="summary version")
        screenshot(detail, "history_stale_1280x800")
        detail.close()

    run(qloop, body(), 90)


@pytest.mark.slow
def test_older_versions_load_a_page_at_a_time(embedded_window: MainWindow, qloop: Any,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    import console.views.history_view as history_view

    monkeypatch.setattr(history_view, "PAGE", 2)

    async def body() -> None:
        job_id, _specs = await _job_with_versions(embedded_window)
        detail = JobDetailDialog(embedded_window.session, job_id, embedded_window)
        detail.show()
        await detail.load()
        detail.tabs.setCurrentWidget(detail.history)
        history = detail.history
        await until(lambda: len(history.versions) == 2, what="the first page")
        assert history.total == 3 and history.more_button.isVisible()
        assert history.more_button.text() == "Load older (1 more)"
        history.more_button.click()
        await until(lambda: len(history.versions) == 3, what="the older page")
        assert not history.more_button.isVisible()
        assert [v.version.value for v in history.versions] == sorted((v.version.value for v in history.versions),
                                                                     reverse=True)
        detail.close()

    run(qloop, body(), 90)
