"""LogBuffer: bounded ring, one insert per frame, pause, search."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from console.models.log_buffer import STDERR, STDOUT, LogBuffer, MatchRole, StreamRole


def recs(start: int, n: int, stream: int = STDOUT, source: int = -1) -> list[tuple[int, float, int, str, int]]:
    return [(i, 1_700_000_000.0 + i, stream, f"line {i}", source) for i in range(start, start + n)]


def test_append_is_batched_until_flush(qapp: Any) -> None:
    buf = LogBuffer(capacity=100)
    inserts: list[tuple[int, int]] = []
    buf.rowsInserted.connect(lambda _p, a, b: inserts.append((a, b)))
    for i in range(10):
        buf.append(recs(i * 3, 3))
    assert buf.rowCount() == 0 and buf.pending() == 30
    assert buf.flush() == 30
    assert inserts == [(0, 29)]  # one insert for ten appends
    assert buf.rowCount() == 30 and buf.text(29) == "line 29"


def test_the_timer_flushes_once_a_frame(qapp: Any, qtbot: Any) -> None:
    buf = LogBuffer(capacity=100, interval_ms=10)
    flushes: list[int] = []
    buf.appended.connect(lambda added, _dropped: flushes.append(added))
    buf.append(recs(0, 5))
    buf.append(recs(5, 5))
    qtbot.waitUntil(lambda: buf.rowCount() == 10, timeout=1000)
    assert flushes == [10]


def test_ring_keeps_the_newest_capacity_lines(qapp: Any) -> None:
    buf = LogBuffer(capacity=1000)
    removed: list[tuple[int, int]] = []
    buf.rowsRemoved.connect(lambda _p, a, b: removed.append((a, b)))
    for k in range(25):
        buf.append(recs(k * 100, 100))
        buf.flush()
    assert buf.rowCount() == 1000
    assert buf.record(0)[0] == 1500 and buf.record(999)[0] == 2499
    assert buf.total_dropped == 1500 and buf.total_appended == 2500
    assert all(a == 0 for a, _b in removed)  # always from the front
    # Storage is compacted: the dead prefix never exceeds the live part by much.
    assert len(buf._lines) <= 2 * buf.capacity + 100


def test_a_batch_larger_than_the_ring_keeps_its_tail(qapp: Any) -> None:
    buf = LogBuffer(capacity=50)
    buf.append(recs(0, 20))
    buf.flush()
    buf.append(recs(20, 500))
    buf.flush()
    assert buf.rowCount() == 50
    assert [buf.record(i)[0] for i in (0, 49)] == [470, 519]


def test_pause_queues_and_resume_applies(qapp: Any) -> None:
    buf = LogBuffer(capacity=100)
    buf.set_paused(True)
    buf.append(recs(0, 30))
    assert buf.flush() == 0 and buf.rowCount() == 0 and buf.pending() == 30
    buf.set_paused(False)
    assert buf.rowCount() == 30 and buf.pending() == 0


def test_stderr_marked_and_search(qapp: Any) -> None:
    buf = LogBuffer(capacity=100)
    buf.append(recs(0, 5) + [(5, 0.0, STDERR, "item 5: corrupt source image", -1)] + recs(6, 5))
    buf.flush()
    idx = buf.index(5)
    assert buf.data(idx, StreamRole) == STDERR
    assert buf.data(idx, Qt.ItemDataRole.ForegroundRole) is not None
    assert buf.data(buf.index(0), Qt.ItemDataRole.ForegroundRole) is None
    buf.set_highlight("LINE 1")  # case-insensitive: matches "line 1" and "line 10"
    assert buf.match_count() == 2
    assert buf.data(buf.index(1), MatchRole) and not buf.data(buf.index(2), MatchRole)
    assert buf.find(-1) == 1
    assert buf.find(1) == 10
    assert buf.find(10) == 1  # wraps
    assert buf.find(1, backward=True) == 10
    assert buf.current_match == 10
    buf.set_highlight("nothing like it")
    assert buf.find(0) == -1


def test_merged_lines_name_their_instance(qapp: Any) -> None:
    buf = LogBuffer(capacity=100)
    buf.set_merged(True)
    buf.append(recs(0, 2, source=3) + recs(0, 1, source=4))
    buf.flush()
    assert buf.text(0) == "[3] line 0" and buf.text(2) == "[4] line 0"
    assert buf.data(buf.index(0), Qt.ItemDataRole.ForegroundRole).color() != \
        buf.data(buf.index(2), Qt.ItemDataRole.ForegroundRole).color()
    assert buf.to_text().splitlines()[2] == "[4] line 0"


def test_clear(qapp: Any) -> None:
    buf = LogBuffer(capacity=10)
    buf.append(recs(0, 5))
    buf.flush()
    buf.clear()
    assert buf.rowCount() == 0 and buf.pending() == 0


def mixed(n: int) -> list[tuple[int, float, int, str, int]]:
    """Work lines and ``::progress`` lines alternating, one second apart."""
    return [(i, 1_700_000_000.0 + i, STDOUT, f"::progress successful={i}" if i % 2 else f"item {i}", -1)
            for i in range(n)]


def test_progress_lines_hide_and_come_back_in_time_order(qapp: Any) -> None:
    from console.models.log_buffer import HIDE, SHOW

    buf = LogBuffer(capacity=100)
    buf.append(mixed(10))
    buf.flush()
    buf.set_progress_mode(HIDE)
    assert [buf.text(r) for r in range(buf.rowCount())] == [f"item {i}" for i in range(0, 10, 2)]
    assert buf.hidden_count() == 5
    buf.append([(10, 1_700_000_010.0, STDOUT, "::progress successful=10", -1)])
    assert buf.flush() == 0 and buf.rowCount() == 5 and buf.hidden_count() == 6  # a new one stays hidden
    saved = buf.to_text().splitlines()  # saving while hidden loses nothing
    assert saved == [r[3] for r in mixed(10)] + ["::progress successful=10"]
    buf.set_progress_mode(SHOW)
    assert [buf.record(r)[0] for r in range(buf.rowCount())] == list(range(11))
    assert buf.hidden_count() == 0


def test_dimmed_progress_lines_and_times_before_lines(qapp: Any) -> None:
    from console import timefmt
    from console.models.log_buffer import DIM, PROGRESS_FG

    buf = LogBuffer(capacity=100)
    buf.append(mixed(2))
    buf.flush()
    buf.set_progress_mode(DIM)
    fg = [buf.data(buf.index(r), Qt.ItemDataRole.ForegroundRole) for r in range(2)]
    assert fg[0] is None and fg[1] is not None and fg[1].color() == PROGRESS_FG
    was = timefmt.use_utc()
    timefmt.set_utc(True)
    try:
        buf.set_show_time(True)
        assert buf.text(0) == "22:13:20.000 item 0"  # 1_700_000_000 is 2023-11-14 22:13:20 UTC
    finally:
        timefmt.set_utc(was)
    buf.set_show_time(False)
    assert buf.text(0) == "item 0"
