"""Benchmark: lines per second appended to a shown LogView (offscreen) with the UI responsive,
and memory at the ring-buffer limit.

A producer timer delivers GetPodLogs-sized batches of protobuf LogLine messages (as the stream
does) at a target rate; the LogBuffer converts and queues them and flushes once a frame; the view
follows the tail and paints.  A 1 ms PreciseTimer heartbeat measures how long the event loop was
busy (the gap between two beats): "responsive" means p99 gap under 50 ms.

Prints one JSON object per line:
  {"bench": "log_tail", "target_lps": ..., "achieved_lps": ..., "gap_ms_p50/p99/max": ...}
  {"bench": "log_tail_memory", "lines": 100000, "rss_mb": ..., "rss_delta_mb": ...}
Usage: python bench/log_tail.py [seconds per rate]
"""

from __future__ import annotations

import gc
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psutil
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from console.models.log_buffer import LogBuffer
from console.views.log_view import LogView
from pelorus.api import pod_pb2

SECONDS = float(sys.argv[1]) if len(sys.argv) > 1 else 3.0
RATES = (50_000, 100_000, 200_000)
BATCH = 500  # lines per GetPodLogsResponse (engine LOG_BATCH order of magnitude)


def make_batches(n_batches: int, width: int = 90) -> list[list[pod_pb2.LogLine]]:
    out = []
    seq = 0
    for _batch in range(n_batches):
        lines = []
        for _ in range(BATCH):
            seq += 1
            ln = pod_pb2.LogLine(pod_id="job-0-1", seq=seq, text=f"item {seq}: thumbnail written ".ljust(width, "x"),
                                 stream=(pod_pb2.LogLine.STREAM_STDERR if seq % 97 == 0
                                         else pod_pb2.LogLine.STREAM_STDOUT))
            ln.timestamp.seconds = 1_770_000_000 + seq // 1000
            lines.append(ln)
        out.append(lines)
    return out


def pct(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    s = sorted(values)
    return s[min(len(s) - 1, int(p / 100 * len(s)))]


def run_rate(app: QApplication, view: LogView, batches: list[list[pod_pb2.LogLine]], rate: int) -> dict[str, object]:
    buf = view.buffer
    buf.clear()
    gaps: list[float] = []
    last = [time.perf_counter()]
    beat = QTimer()
    beat.setTimerType(Qt.TimerType.PreciseTimer)
    beat.setInterval(1)

    def on_beat() -> None:
        now = time.perf_counter()
        gaps.append((now - last[0]) * 1000)
        last[0] = now

    beat.timeout.connect(on_beat)
    sent = [0]
    k = [0]
    start = time.perf_counter()

    def produce() -> None:
        # Deliver what the target rate says is due by now (catching up after a stall).
        due = int((time.perf_counter() - start) * rate)
        while sent[0] + BATCH <= due:
            buf.append_lines(batches[k[0] % len(batches)])
            k[0] += 1
            sent[0] += BATCH

    feeder = QTimer()
    feeder.setTimerType(Qt.TimerType.PreciseTimer)
    feeder.setInterval(5)
    feeder.timeout.connect(produce)
    appended0 = buf.total_appended
    beat.start()
    feeder.start()
    deadline = start + SECONDS
    while time.perf_counter() < deadline:
        app.processEvents()
    feeder.stop()
    beat.stop()
    elapsed = time.perf_counter() - start
    buf.flush()
    achieved = (buf.total_appended - appended0) / elapsed
    return {"bench": "log_tail", "target_lps": rate, "achieved_lps": round(achieved), "seconds": round(elapsed, 2),
            "rows": buf.rowCount(), "following": view.following,
            "gap_ms_p50": round(pct(gaps, 50), 2), "gap_ms_p99": round(pct(gaps, 99), 2),
            "gap_ms_max": round(max(gaps or [0]), 2)}


def main() -> None:
    app = QApplication.instance() or QApplication([])
    proc = psutil.Process()
    gc.collect()
    rss0 = proc.memory_info().rss
    view = LogView(LogBuffer(capacity=100_000))
    view.resize(1200, 800)
    view.show()
    app.processEvents()
    batches = make_batches(200)  # 100,000 distinct lines, reused
    for rate in RATES:
        print(json.dumps(run_rate(app, view, batches, rate)), flush=True)
    # Memory at the ring limit: fill well past capacity with ~90-char lines.
    buf = view.buffer
    buf.clear()
    gc.collect()
    rss_empty = proc.memory_info().rss
    for b in batches + batches:  # 200,000 lines through a 100,000-line ring
        buf.append_lines(b)
        buf.flush()
        app.processEvents()
    gc.collect()
    rss_full = proc.memory_info().rss
    print(json.dumps({"bench": "log_tail_memory", "capacity": buf.capacity, "lines": buf.rowCount(),
                      "dropped": buf.total_dropped, "rss_mb": round(rss_full / 2**20, 1),
                      "rss_buffer_delta_mb": round((rss_full - rss_empty) / 2**20, 1),
                      "rss_at_start_mb": round(rss0 / 2**20, 1)}), flush=True)
    # Twice more through the ring: memory stays flat.
    for b in batches + batches:
        buf.append_lines(b)
        buf.flush()
    app.processEvents()
    gc.collect()
    print(json.dumps({"bench": "log_tail_memory_after_400k", "lines": buf.rowCount(),
                      "rss_mb": round(proc.memory_info().rss / 2**20, 1)}), flush=True)


if __name__ == "__main__":
    main()
