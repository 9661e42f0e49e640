"""The jobs table's cell delegate (JobsCellDelegate) paints from each row's cached texts what the
style paints from data(): the same pixels (texts, colours, elision, the Workflow column's short
form, the selection's highlight, the focused cell), and a changed row shows its new text; data()
still answers every role (screen readers, tests)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from guihelp import run, until
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QStyledItemDelegate

from console import timefmt
from console.models import palette
from console.models.jobs_table import CellsRole, Column, JobsTableModel
from console.views.jobs_panel import JobsCellDelegate, JobsPanel, WorkflowDelegate
from pelorus.api import job_pb2

SHOTS = Path("/tmp/shots-storm18d")


def make_job(i: int, name: str | None = None, failed: int = 0) -> job_pb2.JobSummary:
    s = job_pb2.JobSummary(job_id=f"job-{i:04d}", name=name or f"job {i:04d}", owner="alice", instance_count=10,
                           priority=i % 7)
    s.status.state = (job_pb2.JOB_STATE_RUNNING, job_pb2.JOB_STATE_FAILED, job_pb2.JOB_STATE_PENDING)[i % 3]
    s.status.version.value = 1 + i
    s.status.pod_stats["POD_STATE_FAILED"] = failed
    s.status.pod_stats["POD_STATE_RUNNING"] = i % 5
    s.status.progress.successful, s.status.progress.remaining = i, 30 - i
    s.status.created_at.seconds = 1_760_000_000 + i
    s.status.updated_at.seconds = 1_760_000_100 + i
    if i % 4 == 0:
        s.status.workflow_status.type, s.status.workflow_status.state = 1, 3
    return s


JOBS = [make_job(i, name="a rather long job name that does not fit its column" if i == 27 else None,
                 failed=2 if i == 26 else 0) for i in range(30)]


@pytest.fixture
def panel(qloop: Any) -> Iterator[JobsPanel]:
    model = JobsTableModel()
    model.reset(JOBS)
    p = JobsPanel(model)
    p.auto_fit = False  # the widths below stay as set
    p.resize(1500, 500)
    p.show()
    header = p.table.horizontalHeader()
    header.resizeSection(int(Column.NAME), 120)  # long names elided
    header.resizeSection(int(Column.WORKFLOW), 110)  # the workflow's state alone where the whole does not fit
    p.table.sortByColumn(int(Column.UPDATED), Qt.SortOrder.DescendingOrder)
    yield p
    p.close()
    p.deleteLater()


def styled(panel: JobsPanel) -> QImage:
    """The table as the style paints it from data() (the delegates before JobsCellDelegate)."""
    table = panel.table
    fast = table.itemDelegate()
    plain, workflow = QStyledItemDelegate(table), WorkflowDelegate(table)
    table.setItemDelegate(plain)
    table.setItemDelegateForColumn(int(Column.WORKFLOW), workflow)
    try:
        return table.grab().toImage()
    finally:
        table.setItemDelegateForColumn(int(Column.WORKFLOW), None)  # type: ignore[arg-type]
        table.setItemDelegate(fast)


def ours(panel: JobsPanel) -> QImage:
    assert isinstance(panel.table.itemDelegate(), JobsCellDelegate)
    return panel.table.grab().toImage()


def test_the_delegate_paints_what_the_style_paints_from_data(panel: JobsPanel) -> None:
    table = panel.table
    table.selectRow(1)
    table.selectionModel().select(panel.proxy.index(4, 0), QItemSelectionModel.SelectionFlag.Select
                                  | QItemSelectionModel.SelectionFlag.Rows)
    table.setFocus()
    SHOTS.mkdir(parents=True, exist_ok=True)
    image = ours(panel)
    image.save(str(SHOTS / "test-delegate.png"))
    reference = styled(panel)
    reference.save(str(SHOTS / "test-style.png"))
    assert image == reference


def test_stale_rows_are_greyed_alike(panel: JobsPanel) -> None:
    panel.model.set_stale(True)
    assert ours(panel) == styled(panel)


def test_data_still_answers_display_role_and_cells_agree(panel: JobsPanel) -> None:
    proxy = panel.proxy
    for r in range(proxy.rowCount()):
        texts = proxy.index(r, 0).data(CellsRole)
        assert texts == tuple(proxy.index(r, c).data(Qt.ItemDataRole.DisplayRole) for c in range(len(Column)))


def test_a_changed_row_shows_its_new_text(panel: JobsPanel) -> None:
    before = ours(panel)
    changed = make_job(28, name="renamed job")
    panel.model.apply_batch([(changed, False)])
    row = panel.proxy.row_of("job-0028")
    assert row is not None
    assert panel.proxy.index(row, int(Column.NAME)).data(CellsRole)[int(Column.NAME)] == "renamed job"
    after = ours(panel)
    assert after != before
    assert after == styled(panel)


def test_times_follow_the_utc_switch(panel: JobsPanel) -> None:
    was = timefmt.use_utc()
    try:
        timefmt.set_utc(not was)
        proxy = panel.proxy
        shown = proxy.index(0, int(Column.UPDATED)).data(CellsRole)[int(Column.UPDATED)]
        assert shown == proxy.index(0, int(Column.UPDATED)).data(Qt.ItemDataRole.DisplayRole)
        assert ours(panel) == styled(panel)
    finally:
        timefmt.set_utc(was)


def test_the_dark_theme_paints_alike(panel: JobsPanel, qloop: Any) -> None:
    from console.views import theme
    ctl = theme.controller()
    panel.table.selectRow(0)
    light = ours(panel)
    dark_base = QColor(palette.DARK.qt["base"])

    async def go() -> None:
        ctl.set_mode(theme.Mode.DARK)
        await until(lambda: panel.table.viewport().palette().base().color() == dark_base, what="the dark palette")
        dark = ours(panel)
        SHOTS.mkdir(parents=True, exist_ok=True)
        dark.save(str(SHOTS / "test-delegate-dark.png"))
        assert dark != light  # the delegate's cached palette colours followed the switch
        assert dark == styled(panel)

    try:
        run(qloop, go())
    finally:
        ctl.set_mode(theme.Mode.SYSTEM)
