"""JobsProxyModel: sort on every column, filter + chips, live updates keeping the selection."""

from __future__ import annotations

import random
from typing import Any

import pytest
from models.jobs_factory import STATES, make_job
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtTest import QAbstractItemModelTester
from pytestqt.qtbot import QtBot

from console.models.jobs_proxy import JobsProxyModel
from console.models.jobs_table import Column, JobIdRole, JobsTableModel, SortRole


def varied(n: int, seed: int = 7) -> list[Any]:
    rnd = random.Random(seed)
    return [make_job(i, name=f"{rnd.choice('abcXYZ')}{rnd.randint(0, 99)}", priority=rnd.randint(-3, 9),
                     state=rnd.choice(STATES), version=rnd.randint(1, 5),
                     pods={"RUNNING": rnd.randint(0, 3), "FAILED": rnd.randint(0, 2),
                           "SUCCEEDED": rnd.randint(0, 4), "PENDING": rnd.randint(0, 2)},
                     progress=(rnd.randint(0, 5), rnd.randint(0, 2), rnd.randint(0, 5)),
                     workflow=(rnd.randint(0, 2), rnd.randint(1, 4)),
                     created=rnd.randint(1, 10**6), updated=rnd.randint(1, 10**6))
            for i in range(n)]


@pytest.fixture
def models(qapp: Any) -> tuple[JobsTableModel, JobsProxyModel]:
    m = JobsTableModel()
    p = JobsProxyModel(m, resort_interval_ms=20)
    m.reset(varied(300))
    return m, p


def ids(p: JobsProxyModel) -> list[str]:
    return [p.data(p.index(r, 0), JobIdRole) for r in range(p.rowCount())]


def column_keys(p: JobsProxyModel, col: int) -> list[Any]:
    return [p.data(p.index(r, col), SortRole) for r in range(p.rowCount())]


@pytest.mark.parametrize("col", list(Column))
@pytest.mark.parametrize("order", [Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder])
def test_sort_every_column(models: tuple[JobsTableModel, JobsProxyModel], col: Column,
                           order: Qt.SortOrder) -> None:
    m, p = models
    p.sort(col, order)
    keys = column_keys(p, col)
    desc = order == Qt.SortOrder.DescendingOrder
    assert keys == sorted(keys, reverse=desc)
    # stable: ties keep source order in both directions
    src = [m.row_of(j) for j in ids(p)]
    for a, b, ka, kb in zip(src, src[1:], keys, keys[1:], strict=False):
        if ka == kb:
            assert a < b
    assert p.sortColumn() == col and p.sortOrder() == order


def test_unsort_restores_source_order(models: tuple[JobsTableModel, JobsProxyModel]) -> None:
    m, p = models
    p.sort(Column.NAME)
    p.sort(-1)
    assert ids(p) == [m.job_id(r) for r in range(m.rowCount())]


def test_filter_and_chips_combine(models: tuple[JobsTableModel, JobsProxyModel]) -> None:
    m, p = models
    rows = [m.summary(r) for r in range(m.rowCount())]

    def expect(pred: Any) -> set[str]:
        return {s.job_id for s in rows if pred(s)}

    res = p.set_filter_text("owner:alice")
    assert res.ok
    assert set(ids(p)) == expect(lambda s: s.owner == "alice")
    p.set_state_chips({"RUNNING", "failed"})
    running_failed = {3, 5}  # JobState numbers
    assert set(ids(p)) == expect(lambda s: s.owner == "alice" and s.status.state in running_failed)
    bad = p.set_filter_text("owner:alice name~(")  # error: previous filter stays
    assert not bad.ok and p.filter().text == "owner:alice"
    p.set_filter_text("")
    assert set(ids(p)) == expect(lambda s: s.status.state in running_failed)
    assert p.state_chips() == {"RUNNING", "FAILED"}
    p.set_state_chips(())
    assert p.rowCount() == m.rowCount()


def test_filter_keeps_sort_order(models: tuple[JobsTableModel, JobsProxyModel]) -> None:
    _, p = models
    p.sort(Column.PRIORITY, Qt.SortOrder.DescendingOrder)
    p.set_filter_text("state:running")
    p.set_filter_text("")  # widening merges rows back into place
    keys = column_keys(p, Column.PRIORITY)
    assert keys == sorted(keys, reverse=True)


@pytest.mark.slow
def test_live_updates_enter_leave_and_throttled_resort(qtbot: QtBot,
                                                        models: tuple[JobsTableModel, JobsProxyModel]) -> None:
    m, p = models
    tester = QAbstractItemModelTester(p, QAbstractItemModelTester.FailureReportingMode.Fatal)
    p.sort(Column.PRIORITY)
    p.set_state_chips({"RUNNING"})
    layouts: list[int] = []
    p.layoutChanged.connect(lambda *a: layouts.append(1))
    before = p.rowCount()
    leaving = ids(p)[0]
    entering = next(m.summary(r) for r in range(m.rowCount()) if m.summary(r).status.state != 3)
    changes = [(make_job(int(leaving[4:]), state="FAILED"), False),
               (make_job(int(entering.job_id[4:]), state="RUNNING", priority=100), False),
               (make_job(9000, state="RUNNING", priority=-100), False)]
    m.apply_batch(changes)
    assert p.rowCount() == before + 1
    assert leaving not in ids(p)
    assert ids(p)[-1] == entering.job_id and ids(p)[0] == "job-009000"  # placed at once
    assert layouts == []  # row signals, not a layout change

    # A key change keeps its row in place until the throttled re-sort.
    mid = ids(p)[len(ids(p)) // 2]
    m.apply_batch([(make_job(int(mid[4:]), state="RUNNING", priority=-1000), False)])
    assert ids(p)[len(ids(p)) // 2] == mid and p.has_pending_order()
    qtbot.waitUntil(lambda: not p.has_pending_order(), timeout=2000)
    assert ids(p)[0] == mid and len(layouts) == 1
    keys = column_keys(p, Column.PRIORITY)
    assert keys == sorted(keys)
    del tester


def test_selection_survives_resort_and_updates(qtbot: QtBot, models: tuple[JobsTableModel, JobsProxyModel]) -> None:
    m, p = models
    p.sort(Column.UPDATED, Qt.SortOrder.DescendingOrder)
    sel = QItemSelectionModel(p)
    chosen = [ids(p)[i] for i in (5, 40, 41, 200)]
    for j in chosen:
        sel.select(p.index(p.row_of(j), 0),
                   QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows)
    sel.setCurrentIndex(p.index(p.row_of(chosen[0]), 0), QItemSelectionModel.SelectionFlag.NoUpdate)

    rnd = random.Random(3)
    for step in range(5):  # stream: every update moves its row to the top after the re-sort
        picked = rnd.sample(range(300), 40)
        m.apply_batch([(make_job(i, updated=10**7 + step * 1000 + k), False) for k, i in enumerate(picked)])
        m.apply_batch([(make_job(1000 + step), False)])  # and new jobs arrive
        qtbot.waitUntil(lambda: not p.has_pending_order(), timeout=2000)
    p.sort(Column.NAME)
    selected = {p.data(i, JobIdRole) for i in sel.selectedRows()}
    assert selected == set(chosen)
    assert p.data(sel.currentIndex(), JobIdRole) == chosen[0]


def test_frozen_order_holds_rows(qtbot: QtBot, models: tuple[JobsTableModel, JobsProxyModel]) -> None:
    m, p = models
    p.sort(Column.PRIORITY)
    p.set_order_frozen(True)
    last = ids(p)[-1]
    m.apply_batch([(make_job(int(last[4:]), priority=-99), False)])
    qtbot.wait(60)
    assert ids(p)[-1] == last
    p.set_order_frozen(False)
    qtbot.waitUntil(lambda: ids(p)[0] == last, timeout=2000)


@pytest.mark.slow
def test_source_deletes_map_through(models: tuple[JobsTableModel, JobsProxyModel]) -> None:
    m, p = models
    tester = QAbstractItemModelTester(p, QAbstractItemModelTester.FailureReportingMode.Fatal)
    p.sort(Column.NAME)
    p.set_filter_text("state:running,failed")
    victims = ids(p)[::3]
    m.apply_batch([(make_job(int(j[4:])), True) for j in victims])
    assert not set(victims) & set(ids(p))
    for r in range(p.rowCount()):
        src = p.mapToSource(p.index(r, 2))
        assert p.mapFromSource(src).row() == r
        assert m.data(src) in ("RUNNING", "FAILED")
    m.reset(varied(50, seed=1))
    assert p.rowCount() == sum(1 for r in range(50) if m.summary(r).status.state in (3, 5))
    del tester


@pytest.mark.slow
def test_100k_rows_through_proxy(qapp: Any) -> None:
    m = JobsTableModel()
    p = JobsProxyModel(m)
    m.reset([make_job(i) for i in range(100_000)])
    assert p.rowCount() == 100_000
    p.sort(Column.NAME, Qt.SortOrder.DescendingOrder)
    assert p.data(p.index(0, Column.NAME)) == "job 099999"
    p.set_filter_text("state:failed owner:bob")
    assert p.rowCount() == sum(1 for i in range(100_000) if i % 5 == 3 and i % 3 == 1)


_ROLES = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.BackgroundRole,
          Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.TextAlignmentRole, Qt.ItemDataRole.ToolTipRole,
          Qt.ItemDataRole.FontRole, Qt.ItemDataRole.CheckStateRole, SortRole, JobIdRole)


def assert_cells_match_source(p: JobsProxyModel) -> None:
    m = p.source()
    for r in range(p.rowCount()):
        for c in Column:
            idx = p.index(r, c)
            src = p.mapToSource(idx)
            for role in _ROLES:
                assert p.data(idx, int(role)) == m.data(src, int(role)), (r, c, role)


def test_data_fast_path_follows_every_order_change(qtbot: QtBot,
                                                   models: tuple[JobsTableModel, JobsProxyModel]) -> None:
    """data() reads rows through a cached list of the order: it must follow sort, filter, live
    inserts, removals and re-sorts (a stale cache would show another job's cells)."""
    m, p = models
    p.sort(Column.UPDATED, Qt.SortOrder.DescendingOrder)
    assert_cells_match_source(p)
    rnd = random.Random(3)
    m.apply_batch([(make_job(i, updated=10**7 + i, state=rnd.choice(STATES)), False) for i in range(0, 300, 7)])
    assert_cells_match_source(p)
    p.resort_now()
    assert_cells_match_source(p)
    m.apply_batch([(make_job(i), True) for i in range(5, 300, 11)] + [(make_job(5000 + i), False) for i in range(5)])
    assert_cells_match_source(p)
    p.set_filter_text("state:RUNNING,FAILED")
    assert_cells_match_source(p)
    p.set_filter_text("")
    p.sort(Column.NAME)
    assert_cells_match_source(p)
    assert p.flags(p.index(0, 0)) == m.flags(m.index(0, 0))


def test_updates_signal_few_ranges_covering_every_changed_row(
        models: tuple[JobsTableModel, JobsProxyModel]) -> None:
    """A storm scatters updated rows all over an Updated-sorted table: the proxy emits at most
    MAX_CHANGED_RANGES dataChanged ranges per batch, and together they cover every changed row."""
    from console.models.jobs_proxy import MAX_CHANGED_RANGES

    m, p = models
    p.sort(Column.UPDATED, Qt.SortOrder.DescendingOrder)
    ranges: list[tuple[int, int]] = []
    p.dataChanged.connect(lambda tl, br, roles: ranges.append((tl.row(), br.row())))
    changed = list(range(0, 300, 3))
    m.apply_batch([(make_job(i, updated=10**7 + i), False) for i in changed])
    assert 1 <= len(ranges) <= MAX_CHANGED_RANGES
    for i in changed:
        row = p.row_of(make_job(i).job_id)
        assert row is not None and any(lo <= row <= hi for lo, hi in ranges)
    ranges.clear()
    m.apply_batch([(make_job(4, updated=10**7 + 4), False)])  # one row: one exact range
    assert ranges == [(p.row_of(make_job(4).job_id), p.row_of(make_job(4).job_id))]


def test_followed_view_gets_exact_runs_on_screen_and_nothing_off_screen(
        qtbot: QtBot, models: tuple[JobsTableModel, JobsProxyModel]) -> None:
    """With a followed view, the rows it shows get exact ranges (it repaints only those) and
    the changed rows above and below it none: a range of more than ~200 cells anywhere makes a
    QTableView repaint its whole viewport."""
    from PySide6.QtWidgets import QTableView

    m, p = models
    p.sort(Column.UPDATED, Qt.SortOrder.DescendingOrder)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(p)
    view.verticalHeader().setDefaultSectionSize(20)
    view.resize(600, 300)
    view.show()
    qtbot.waitExposed(view)
    view.scrollTo(p.index(150, 0), QTableView.ScrollHint.PositionAtTop)
    first, final = view.rowAt(0), view.rowAt(view.viewport().height() - 1)
    assert 0 < first < final < p.rowCount() - 1
    p.follow_view(view)
    ranges: list[tuple[int, int]] = []
    p.dataChanged.connect(lambda tl, br, roles: ranges.append((tl.row(), br.row())))
    changed_rows = [first + 1, first + 2, final - 1, 3, 40, 290, 299]
    m.apply_batch([(make_job(int(p.job_id_at(r)[4:]), updated=10**7 + r), False) for r in changed_rows])
    assert sorted(ranges) == [(first + 1, first + 2), (final - 1, final - 1)]
    p.follow_view(None)
    ranges.clear()
    m.apply_batch([(make_job(int(p.job_id_at(r)[4:]), updated=10**7 + 1000 + r), False) for r in changed_rows])
    assert len(ranges) <= 16 and all(any(lo <= r <= hi for lo, hi in ranges) for r in changed_rows)


def test_storm_frame_repaints_only_the_changed_rows_on_screen(qtbot: QtBot) -> None:
    """A batch that changes two rows on screen and a hundred below it repaints those two rows,
    not the whole viewport (a large dataChanged range anywhere would)."""
    from PySide6.QtGui import QPaintEvent
    from PySide6.QtWidgets import QTableView

    painted: list[int] = []

    class View(QTableView):
        def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt API
            painted.append(event.region().boundingRect().height())
            super().paintEvent(event)

    m = JobsTableModel()
    p = JobsProxyModel(m, resort_interval_ms=60_000)  # the re-sort (a full repaint) is not this frame's
    m.reset(varied(300))
    p.sort(Column.UPDATED, Qt.SortOrder.DescendingOrder)
    view = View()
    qtbot.addWidget(view)
    view.setModel(p)
    view.verticalHeader().setDefaultSectionSize(20)
    view.resize(600, 300)
    view.show()
    qtbot.waitExposed(view)
    p.follow_view(view)
    qtbot.waitUntil(lambda: bool(painted), timeout=2000)
    painted.clear()
    final = view.rowAt(view.viewport().height() - 1)
    changed = [2, 5, *range(final + 20, final + 120)]
    m.apply_batch([(make_job(int(p.job_id_at(r)[4:]), priority=7), False) for r in changed])  # no re-sort
    qtbot.waitUntil(lambda: bool(painted), timeout=2000)
    assert max(painted) <= 5 * 20, f"repainted {max(painted)} px of a {view.viewport().height()} px viewport"


@pytest.mark.parametrize("order", [Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder])
def test_rows_inserted_while_others_wait_for_the_resort_end_in_order(
        models: tuple[JobsTableModel, JobsProxyModel], order: Qt.SortOrder) -> None:
    """New jobs arriving while updated rows wait, out of order, for the throttled re-sort must
    still end in order after it (the binary search used to land on the waiting rows)."""
    m, p = models
    p.sort(Column.UPDATED, order)
    rnd = random.Random(11)
    waiting = [int(p.job_id_at(r)[4:]) for r in range(0, p.rowCount(), 2)]
    m.apply_batch([(make_job(i, updated=rnd.choice([1, 10**9])), False) for i in waiting])
    assert p.has_pending_order()
    m.apply_batch([(make_job(7000 + k, updated=rnd.randint(1, 10**6)), False) for k in range(40)])
    p.resort_now()
    keys = column_keys(p, Column.UPDATED)
    assert keys == sorted(keys, reverse=order == Qt.SortOrder.DescendingOrder)
    p.set_filter_text("state:RUNNING")
    m.apply_batch([(make_job(i, updated=rnd.choice([2, 10**9 + 1])), False) for i in waiting])
    p.set_filter_text("")  # rows re-entering while others wait
    p.resort_now()
    keys = column_keys(p, Column.UPDATED)
    assert keys == sorted(keys, reverse=order == Qt.SortOrder.DescendingOrder)
