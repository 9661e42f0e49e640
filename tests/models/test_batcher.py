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
