"""Benchmark: 10 live progress charts (ProgressChart, pyqtgraph) at 4 updates/s each, shown offscreen.

Each chart gets a WatchJobResponse every 250 ms (as WatchJob does at its fastest period); the
charts redraw on their own ~30 Hz timers only when their series changed.  Measured over the run:
  - cpu_pct_one_core: process CPU time / wall time (target < 25 %);
  - redraw_ms: time of one chart's redraw (setData on its curves), p50 / p99 / max;
  - gap_ms: event-loop busy stretches from a 1 ms heartbeat (includes painting), p50 / p99 / max.
Two scenarios: a fresh job, and charts that already hold a long history (clipToView and
auto-downsampling keep the per-frame cost flat).  Prints one JSON object per line, no asserts.
Usage: python bench/charts.py [seconds]
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psutil
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QGridLayout, QWidget

from console.views.progress_chart import ProgressChart
from pelorus.api import job_pb2
from pelorus.api import watch_service_pb2 as ws

SECONDS = float(sys.argv[1]) if len(sys.argv) > 1 else 10.0
CHARTS = 10
RATE_HZ = 4
TOTAL = 1_000_000


def response(k: int, t: float, chart: int) -> ws.WatchJobResponse:
    done = min(TOTAL, k * (20 + chart))
    failed = done // 50
    resp = ws.WatchJobResponse(job_id=f"job-{chart}", state=job_pb2.JOB_STATE_RUNNING, instances_done=k // 100,
                               instances_failed=min(2, k // 1000), max_failed_instances=3)
    resp.progress.successful = done - failed
    resp.progress.failed = failed
    resp.progress.remaining = TOTAL - done
    resp.timestamp.seconds = int(t)
    resp.timestamp.nanos = int((t % 1) * 1e9)
    return resp


def pct(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    s = sorted(values)
    return s[min(len(s) - 1, int(p / 100 * len(s)))]


def run(app: QApplication, charts: list[ProgressChart], label: str, history: int) -> dict[str, object]:
    t_base = time.time() - history / RATE_HZ
    ks = [0] * len(charts)
    for i, chart in enumerate(charts):
        chart.series.clear()
        for k in range(history):
            chart.add_response(response(k, t_base + k / RATE_HZ, i))
        ks[i] = history
        chart.redraw(force=True)
    app.processEvents()
    redraws: list[float] = []
    for chart in charts:
        original = chart.redraw

        def timed(force: bool = False, _orig=original) -> bool:
            t = time.perf_counter()
            drew = _orig(force)
            if drew:
                redraws.append((time.perf_counter() - t) * 1000)
            return drew

        chart.timer.timeout.disconnect()
        chart.timer.timeout.connect(timed)
        chart.redraw = timed  # type: ignore[method-assign]
    feeders = []
    for i, chart in enumerate(charts):
        timer = QTimer()
        timer.setInterval(1000 // RATE_HZ)

        def feed(i: int = i, chart: ProgressChart = chart) -> None:
            ks[i] += 1
            chart.add_response(response(ks[i], time.time(), i))

        timer.timeout.connect(feed)
        timer.start(1000 // RATE_HZ + i)  # staggered, as independent streams are
        feeders.append(timer)
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
    proc = psutil.Process()
    cpu0 = proc.cpu_times()
    wall0 = time.perf_counter()
    beat.start()
    # A real event loop (exec), so idle time is spent idle and the CPU figure is honest.
    QTimer.singleShot(int(SECONDS * 1000), lambda: app.exit(0))  # quit() would close the windows
    app.exec()
    beat.stop()
    for t in feeders:
        t.stop()
    wall = time.perf_counter() - wall0
    cpu1 = proc.cpu_times()
    cpu = (cpu1.user - cpu0.user) + (cpu1.system - cpu0.system)
    # The heartbeat itself wakes the loop 1000×/s: measure the CPU without it separately.
    return {"bench": "charts", "scenario": label, "charts": len(charts), "updates_per_s_each": RATE_HZ,
            "history_points": history, "seconds": round(wall, 2),
            "cpu_pct_one_core_incl_1ms_heartbeat": round(100 * cpu / wall, 1),
            "redraws": len(redraws), "redraw_ms_p50": round(pct(redraws, 50), 2),
            "redraw_ms_p99": round(pct(redraws, 99), 2), "redraw_ms_max": round(max(redraws or [0]), 2),
            "gap_ms_p50": round(pct(gaps, 50), 2), "gap_ms_p99": round(pct(gaps, 99), 2),
            "gap_ms_max": round(max(gaps or [0]), 2)}


def cpu_only(app: QApplication, charts: list[ProgressChart], history: int) -> dict[str, object]:
    """Same load without the heartbeat: the CPU the charts alone cost."""
    ks = [history] * len(charts)
    feeders = []
    for i, chart in enumerate(charts):
        timer = QTimer()

        def feed(i: int = i, chart: ProgressChart = chart) -> None:
            ks[i] += 1
            chart.add_response(response(ks[i], time.time(), i))

        timer.timeout.connect(feed)
        timer.start(1000 // RATE_HZ + i)
        feeders.append(timer)
    proc = psutil.Process()
    cpu0 = proc.cpu_times()
    wall0 = time.perf_counter()
    QTimer.singleShot(int(SECONDS * 1000), lambda: app.exit(0))  # quit() would close the windows
    app.exec()
    for t in feeders:
        t.stop()
    wall = time.perf_counter() - wall0
    cpu1 = proc.cpu_times()
    cpu = (cpu1.user - cpu0.user) + (cpu1.system - cpu0.system)
    return {"bench": "charts_cpu", "charts": len(charts), "updates_per_s_each": RATE_HZ,
            "history_points": history, "seconds": round(wall, 2), "cpu_pct_one_core": round(100 * cpu / wall, 1)}


def main() -> None:
    app = QApplication.instance() or QApplication([])
    window = QWidget()
    grid = QGridLayout(window)
    charts = [ProgressChart() for _ in range(CHARTS)]
    for i, chart in enumerate(charts):
        grid.addWidget(chart, i // 5, i % 5)
    window.resize(2400, 1100)
    window.show()
    app.processEvents()
    warm = cpu_only(app, charts, 0)  # first layout and paints: reported, not the steady state
    warm["bench"] = "charts_warmup"
    print(json.dumps(warm), flush=True)
    print(json.dumps(cpu_only(app, charts, 0)), flush=True)
    print(json.dumps(run(app, charts, "fresh job", 0)), flush=True)
    print(json.dumps(run(app, charts, "long history (about 2 h at 4/s)", 28_800)), flush=True)
    print(json.dumps(cpu_only(app, charts, 28_800)), flush=True)


if __name__ == "__main__":
    main()
