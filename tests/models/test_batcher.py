"""ChangeBatcher: one flush per frame, latest change per job, timer armed only when needed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from models.jobs_factory import make_job
from pytestqt.qtbot import QtBot

from console.models.batcher import Change, ChangeBatcher
from console.models.jobs_table import Column, JobsTableModel


class Sink:
    def __init__(self) -> None:
        self.batches: list[list[Change]] = []

    def __call__(self, batch: Sequence[Change]) -> None:
        self.batches.append(list(batch))


def test_coalesces_to_latest_per_job(qtbot: QtBot) -> None:
    sink = Sink()
    b = ChangeBatcher(sink)
    for v in range(5):
        b.push(make_job(1, version=v))
    b.push(make_job(2))
    b.push(make_job(3))
    b.push(make_job(3), deleted=True)
    assert sink.batches == []  # nothing before the frame
    qtbot.waitUntil(lambda: len(sink.batches) == 1, timeout=1000)
    batch = sink.batches[0]
    assert [(s.job_id, s.status.version.value, d) for s, d in batch] == [
        ("job-000001", 4, False), ("job-000002", 1, False), ("job-000003", 1, True)]
    assert (b.received, b.applied, b.flushes) == (8, 3, 1)


def test_one_flush_per_frame_and_idle_timer(qtbot: QtBot) -> None:
    sink = Sink()
    b = ChangeBatcher(sink, interval_ms=16)
    b.extend((make_job(i), False) for i in range(100))
    assert b._timer.isActive()
    b.extend((make_job(i), False) for i in range(50, 150))
    qtbot.waitUntil(lambda: len(sink.batches) == 1, timeout=1000)
    assert len(sink.batches[0]) == 150
    assert not b._timer.isActive()  # idle: no wake-ups
    qtbot.wait(50)
    assert len(sink.batches) == 1
    b.push(make_job(7))
    assert b._timer.isActive()
    qtbot.waitUntil(lambda: len(sink.batches) == 2, timeout=1000)


def test_max_per_flush_spreads_over_frames(qtbot: QtBot) -> None:
    sink = Sink()
    b = ChangeBatcher(sink, interval_ms=1, max_per_flush=40)
    b.extend((make_job(i), False) for i in range(100))
    qtbot.waitUntil(lambda: b.pending() == 0, timeout=2000)
    assert [len(x) for x in sink.batches] == [40, 40, 20]


def test_drives_the_model(qtbot: QtBot) -> None:
    m = JobsTableModel()
    m.reset([make_job(i) for i in range(10)])
    flushed: list[Any] = []
    b = ChangeBatcher(m.apply_batch)
    b.flushed.connect(lambda n, dt: flushed.append(n))
    with qtbot.waitSignal(m.rowsInserted, timeout=1000):
        b.push(make_job(3, name="renamed"))
        b.push(make_job(11))
        b.push(make_job(5), deleted=True)
    assert flushed == [3]
    assert m.rowCount() == 10
    assert m.data(m.index(m.row_of("job-000003"), Column.NAME)) == "renamed"
    assert m.row_of("job-000005") is None
    b.push(make_job(12))
    b.discard()
    qtbot.wait(40)
    assert m.row_of("job-000012") is None


class SlowSink(Sink):
    """Costs ``per_change`` seconds per change, like a model on a busy machine."""

    def __init__(self, per_change: float) -> None:
        super().__init__()
        self.per_change = per_change

    def __call__(self, batch: Sequence[Change]) -> None:
        import time

        super().__call__(batch)
        end = time.perf_counter() + self.per_change * len(batch)
        while time.perf_counter() < end:
            pass


def test_time_budget_bounds_a_flush_and_loses_nothing(qtbot: QtBot) -> None:
    # 50 µs a change and a 5 ms budget: after the first (unestimated) flush, at most
    # max(MIN_PER_FLUSH, 100) changes a flush; the rest waits, still coalescing.
    sink = SlowSink(50e-6)
    b = ChangeBatcher(sink, interval_ms=1, budget_ms=5.0)
    b.extend((make_job(i), False) for i in range(300))
    b.flush()
    assert len(sink.batches[0]) == 300  # no estimate yet: everything
    b.extend((make_job(i, version=2), False) for i in range(1000))
    b.flush()
    assert len(sink.batches[1]) == ChangeBatcher.MIN_PER_FLUSH  # 5 ms / 50 µs = 100 < the floor
    assert b.pending() == 800
    # jobs still pending change again: one entry each, in their first-pending place
    b.extend((make_job(i, version=3), False) for i in range(999, 199, -1))
    assert b.pending() == 800
    qtbot.waitUntil(lambda: b.pending() == 0, timeout=5000)
    latest: dict[str, int] = {}
    for batch in sink.batches:
        for s, _d in batch:
            latest[s.job_id] = s.status.version.value
    assert latest == {make_job(i).job_id: (2 if i < 200 else 3) for i in range(1000)}
    later = [s.job_id for batch in sink.batches[2:] for s, _d in batch]
    assert later == [make_job(i).job_id for i in range(200, 1000)]  # first pending goes first
    assert b.received == 300 + 1000 + 800 and b.applied == 300 + 1000


def test_flush_everything_ignores_the_budget(qtbot: QtBot) -> None:
    sink = SlowSink(50e-6)
    b = ChangeBatcher(sink, interval_ms=1000, budget_ms=1.0)
    b.extend((make_job(i), False) for i in range(300))
    b.flush()
    b.extend((make_job(i, version=2), False) for i in range(600))
    assert b.flush(everything=True) == 600
    assert b.pending() == 0
