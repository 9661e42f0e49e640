"""JobsTableModel: rows, roles, and the exact signals a batch emits."""

from __future__ import annotations

import time
from typing import Any

import pytest
from models.jobs_factory import make_job
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtTest import QAbstractItemModelTester

from console.models import palette
from console.models.jobs_table import (
    Column,
    JobIdRole,
    JobsTableModel,
    ProgressRole,
    Role,
    SortRole,
    contiguous_runs_desc,
    merge_ranges,
)


class Recorder:
    """Records model signals as plain tuples so tests can compare exact ranges."""

    def __init__(self, model: JobsTableModel) -> None:
        self.events: list[tuple[Any, ...]] = []
        model.rowsAboutToBeInserted.connect(lambda p, a, b: self.events.append(("insert", a, b)))
        model.rowsAboutToBeRemoved.connect(lambda p, a, b: self.events.append(("remove", a, b)))
        model.dataChanged.connect(lambda tl, br, roles: self.events.append(
            ("changed", tl.row(), tl.column(), br.row(), br.column())))
        model.rowsUpdated.connect(lambda rows: self.events.append(("updated", tuple(rows))))
        model.modelReset.connect(lambda: self.events.append(("reset",)))

    def of(self, kind: str) -> list[tuple[Any, ...]]:
        return [e for e in self.events if e[0] == kind]


@pytest.fixture
def model(qapp: Any) -> JobsTableModel:
    m = JobsTableModel()
    m.reset([make_job(i) for i in range(10)])
    return m


def test_reset_and_display(model: JobsTableModel) -> None:
    assert model.rowCount() == 10
    assert model.columnCount() == len(Column) == 14
    idx = model.index(3, Column.STATE)
    assert model.data(idx) == "FAILED"  # STATES[3]
    assert model.data(model.index(3, Column.NAME)) == "job 000003"
    assert model.data(model.index(3, Column.ID), JobIdRole) == "job-000003"
    assert model.data(model.index(3, Column.OWNER)) == "alice"
    assert model.data(model.index(3, Column.PRIORITY), SortRole) == 3
    assert model.data(model.index(3, Column.PRIORITY)) == "3"
    assert model.data(model.index(2, Column.RUNNING)) == "2"
    assert model.data(model.index(2, Column.PENDING)) == "1"
    assert model.data(model.index(2, Column.VERSION)) == "1"
    assert model.data(model.index(3, Column.UPDATED), SortRole) == 1_700_000_006.0
    assert model.data(model.index(3, Column.CREATED)).startswith("2023-11-1")
    assert model.headerData(Column.PROGRESS, Qt.Orientation.Horizontal) == "Progress"
    assert model.row_of("job-000007") == 7
    assert model.data(QModelIndex()) is None


def test_duplicate_ids_in_reset_keep_last(qapp: Any) -> None:
    m = JobsTableModel()
    m.reset([make_job(1), make_job(2), make_job(1, name="newer")])
    assert m.rowCount() == 2
    assert m.data(m.index(0, Column.NAME)) == "newer"


def test_progress_workflow_and_tooltips(qapp: Any) -> None:
    m = JobsTableModel()
    m.reset([make_job(0, progress=(30, 10, 60), workflow=(1, 2), pods={"RUNNING": 2, "LOST": 1,
                                                                        "LAUNCHING": 3}),
             make_job(1)])
    assert m.data(m.index(0, Column.PROGRESS), ProgressRole) == pytest.approx(0.4)
    assert m.data(m.index(0, Column.PROGRESS)) == "40% (40/100)"
    assert m.data(m.index(1, Column.PROGRESS), ProgressRole) is None
    assert m.data(m.index(1, Column.PROGRESS), SortRole) == -1.0
    assert m.data(m.index(0, Column.WORKFLOW)) == "UPDATE · ROLLING_FORWARD"
    assert m.data(m.index(1, Column.WORKFLOW)) == ""
    assert m.data(m.index(0, Column.FAILED)) == "1"  # LOST counts as failed
    assert m.data(m.index(0, Column.PENDING)) == "3"  # LAUNCHING counts as pending
    tip = m.data(m.index(0, Column.RUNNING), Qt.ItemDataRole.ToolTipRole)
    assert "LOST: 1" in tip and "LAUNCHING: 3" in tip
    assert "team=t0" in m.data(m.index(0, Column.NAME), Qt.ItemDataRole.ToolTipRole)
    assert m.data(m.index(0, Column.STATE), Role.STATE) == "RUNNING"


def test_state_colours_and_stale_greying(model: JobsTableModel) -> None:
    rec = Recorder(model)
    fg = Qt.ItemDataRole.ForegroundRole
    state_idx = model.index(3, Column.STATE)
    assert model.data(state_idx, fg) == palette.state_color("FAILED")
    assert model.data(state_idx, Qt.ItemDataRole.DecorationRole) == palette.state_color("FAILED")
    assert model.data(state_idx, Qt.ItemDataRole.BackgroundRole) == palette.state_background("FAILED")
    assert model.data(model.index(3, Column.NAME), fg) is None

    model.set_stale(True)
    assert rec.of("changed") == [("changed", 0, 0, 9, len(Column) - 1)]
    for col in Column:
        assert model.data(model.index(3, col), fg) == palette.STALE_FOREGROUND
    assert model.data(state_idx, Qt.ItemDataRole.BackgroundRole) is None
    assert model.data(state_idx, Qt.ItemDataRole.DecorationRole) == palette.STALE_DECORATION
    model.set_stale(True)  # no-op, no second signal
    assert len(rec.of("changed")) == 1
    model.set_stale(False)
    assert model.data(state_idx, fg) == palette.state_color("FAILED")


def test_batch_inserts_with_one_signal_at_end(model: JobsTableModel) -> None:
    rec = Recorder(model)
    res = model.apply_batch([(make_job(i), False) for i in range(10, 15)])
    assert rec.of("insert") == [("insert", 10, 14)]
    assert res.inserted == 5 and res.updated == 0
    assert model.rowCount() == 15
    assert model.row_of("job-000014") == 14


def test_batch_updates_in_place_with_merged_ranges(model: JobsTableModel) -> None:
    rec = Recorder(model)
    model.apply_batch([(make_job(i, name=f"u{i}"), False) for i in (7, 2, 3)])
    assert rec.of("insert") == [] and rec.of("remove") == []
    assert rec.of("updated") == [("updated", (2, 3, 7))]
    last = len(Column) - 1
    assert rec.of("changed") == [("changed", 2, 0, 3, last), ("changed", 7, 0, 7, last)]
    assert model.data(model.index(7, Column.NAME)) == "u7"
    # rowsUpdated comes before dataChanged so proxies can re-filter first
    assert rec.events[0][0] == "updated"


def test_batch_deletes_descending_contiguous_runs(model: JobsTableModel) -> None:
    rec = Recorder(model)
    res = model.apply_batch([(make_job(i), True) for i in (1, 2, 3, 6, 8, 9)]
                            + [(make_job(999), True)])  # unknown job: ignored
    assert rec.of("remove") == [("remove", 8, 9), ("remove", 6, 6), ("remove", 1, 3)]
    assert res.removed == 6
    assert [model.job_id(r) for r in range(model.rowCount())] == [
        "job-000000", "job-000004", "job-000005", "job-000007"]
    for r in range(model.rowCount()):
        assert model.row_of(model.job_id(r)) == r
    assert model.row_of("job-000002") is None


def test_mixed_batch_coalesces_per_job(model: JobsTableModel) -> None:
    rec = Recorder(model)
    res = model.apply_batch([
        (make_job(2, name="first"), False),
        (make_job(2, name="second"), False),  # same job twice: last wins
        (make_job(4), True),
        (make_job(20, name="new"), False),
        (make_job(21), False),
        (make_job(21), True),  # created and deleted in one batch: never shown
    ])
    assert (res.inserted, res.updated, res.removed) == (1, 1, 1)
    assert [e[0] for e in rec.events] == ["updated", "changed", "remove", "insert"]
    assert rec.of("insert") == [("insert", 9, 9)]
    assert model.data(model.index(2, Column.NAME)) == "second"
    assert model.data(model.index(9, Column.NAME)) == "new"


def _at(i: int, revision: int, **kw: Any) -> Any:
    s = make_job(i, **kw)
    s.status.revision = revision
    return s


def test_changes_older_than_a_row_are_skipped(qapp: Any) -> None:
    """A ListJobs page may be newer than the revision the Watch replays from: a replayed
    change no newer than the row never steps the row back (nor deletes a job whose id was
    used again after that deletion); newer ones and rows without revisions apply as before."""
    m = JobsTableModel()
    m.reset([_at(0, 7, name="page"), _at(1, 3, name="old"), _at(2, 0, name="unversioned")])
    rec = Recorder(m)
    res = m.apply_batch([(_at(0, 5, name="replayed"), False), (_at(1, 6, name="newer"), False),
                         (_at(2, 0, name="changed"), False)])
    assert [m.data(m.index(r, Column.NAME)) for r in range(3)] == ["page", "newer", "changed"]
    assert (res.updated, rec.of("updated")) == (2, [("updated", (1, 2))])
    assert m.apply_batch([(_at(0, 6), True)]).removed == 0  # deleted at 6, listed again at 7
    assert m.apply_batch([(_at(1, 6), True), (_at(0, 8), True)]).removed == 2
    assert m.rowCount() == 1 and m.job_id(0) == "job-000002"


def test_item_model_tester_through_batches(qapp: Any) -> None:
    m = JobsTableModel()
    tester = QAbstractItemModelTester(m, QAbstractItemModelTester.FailureReportingMode.Fatal)
    m.reset([make_job(i) for i in range(50)])
    m.apply_batch([(make_job(i, state="FAILED"), False) for i in range(0, 50, 7)])
    m.apply_batch([(make_job(i), True) for i in (3, 4, 5, 40)] + [(make_job(60), False)])
    m.set_stale(True)
    m.reset([])
    assert m.rowCount() == 0
    del tester


def test_merge_ranges_and_runs() -> None:
    assert merge_ranges([]) == []
    assert merge_ranges([5]) == [(5, 5)]
    assert merge_ranges([1, 2, 3, 10, 11, 50]) == [(1, 3), (10, 11), (50, 50)]
    rows = list(range(0, 1000, 10))
    ranges = merge_ranges(rows, max_ranges=4)
    assert len(ranges) == 4 and ranges[0][0] == 0 and ranges[-1][1] == 990
    assert contiguous_runs_desc([1, 2, 3, 7, 9, 8]) == [(7, 9), (1, 3)]


@pytest.mark.slow
def test_100k_rows_load(qapp: Any) -> None:
    jobs = [make_job(i) for i in range(100_000)]
    m = JobsTableModel()
    t0 = time.perf_counter()
    m.reset(jobs)
    elapsed = time.perf_counter() - t0
    assert m.rowCount() == 100_000
    assert m.data(m.index(99_999, Column.ID)) == "job-099999"
    assert elapsed < 5.0  # generous: CI boxes are slow; bench/table_load.py tracks the real figure
