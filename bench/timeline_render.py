"""Benchmark: the workflow timeline as the job detail loads it: TIMELINE_MAX_PODS (300) instances
and 100,000 events (no engine, no transport: the events are built as the protobuf messages
GetPodEvents / ListJobWorkflows deliver, and handed to the same functions the Workflows tab calls).

300 instances x 300 pod events (runs cycling PENDING -> RUNNING -> end) and x 33 per-instance
workflow events = ~100,000 events over a few hours, with two quiet stretches.
(It used to draw 1,000 instances, which the app never loads: it fetches at most 300 pods' events.)
The TimelineView sits in a QScrollArea (as in the job detail) shown offscreen at 1200x700.

Measures
  - the longest UI-thread block while the timeline is built, on a running qasync loop with a
    1 ms heartbeat: the app's path (build_timeline_async, slices between frames) against the
    one-go build_timeline it replaced (the peer, same run); target < 16 ms;
  - model build (build_timeline + lane index), informational;
  - time to first paint: show() until the view's first paintEvent has run;
  - frame time while panning: 200 programmatic pan steps, each followed by a synchronous
    repaint(), at three views: the whole span (fit, the densest), a 5% zoom, and the whole span
    with idle stretches collapsed.  median / p95 / max ms; target median < 16 ms, max < 50 ms.

Prints JSON lines {"name", "value", "unit", "target", "path", "transport", ...}; exit 1 when the
async build did not give the same timeline or nothing was painted.
Usage: python bench/timeline_render.py
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import asyncio

import qasync
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QScrollArea

from console.models.timeline import build_timeline, build_timeline_async
from console.ui_thread_gc import collect_on_ui_thread
from console.views.job_detail import TIMELINE_MAX_PODS
from console.views.timeline_view import TimelineView
from pelorus.api import pod_pb2, workflow_pb2

INSTANCES = TIMELINE_MAX_PODS
POD_EVENTS = 300  # per instance
WF_EVENTS = 33  # per instance
PATH = "GetPodEvents/ListJobWorkflows messages -> build_timeline_async -> TimelineView (as the job detail)"
T0 = 1_770_000_000.0
STEPS = 200
P = pod_pb2
CYCLE = (P.POD_STATE_PENDING, P.POD_STATE_RUNNING, P.POD_STATE_KILLED)


def stamp(msg: object, t: float) -> None:
    msg.timestamp.seconds, msg.timestamp.nanos = int(t), int((t % 1) * 1e9)  # type: ignore[attr-defined]


def when(i: int, k: int) -> float:
    t = T0 + k * 30.0 + (i % 25) * 0.5
    if k >= POD_EVENTS // 3:
        t += 600  # a quiet ten minutes
    if k >= 2 * POD_EVENTS // 3:
        t += 900  # and a quiet quarter of an hour
    return t


def synth() -> tuple[list[workflow_pb2.WorkflowInfo], dict[int, list[pod_pb2.PodEvent]]]:
    pod_events: dict[int, list[pod_pb2.PodEvent]] = {}
    for i in range(INSTANCES):
        evs = []
        for k in range(POD_EVENTS):
            e = P.PodEvent(pod_id=f"bench-{i}-{k // 3 + 1}", actual_state=CYCLE[k % 3], reason="bench")
            stamp(e, when(i, k))
            evs.append(e)
        pod_events[i] = evs
    wf = workflow_pb2.WorkflowInfo()
    wf.status.type = workflow_pb2.WORKFLOW_TYPE_RESTART
    for k in range(20):
        ev = wf.events.add(state=workflow_pb2.WORKFLOW_STATE_ROLLING_FORWARD, message=f"batch {k}")
        stamp(ev, when(0, k * 4))
    for i in range(INSTANCES):
        ie = wf.instance_events.add(instance_id=i)
        for k in range(WF_EVENTS):
            ev = ie.events.add(state=workflow_pb2.WORKFLOW_STATE_ROLLING_FORWARD, message="restarted")
            stamp(ev, when(i, k * 9 + 2))
    return [wf], pod_events


def emit(name: str, value: float, unit: str, target: str | None = None, **extra: object) -> None:
    row: dict[str, object] = {"name": name, "value": round(value, 3), "unit": unit, "target": target}
    row.update(extra)
    print(json.dumps(row), flush=True)


def pan_frames(app: Any, view: TimelineView, fraction: float) -> list[float]:
    frames = []
    for step in range(STEPS):
        direction = 1 if (step // 50) % 2 == 0 else -1  # to and fro
        t = time.perf_counter()
        view.pan(direction * fraction)
        view.repaint()  # synchronous paint of what the scroll area shows
        frames.append((time.perf_counter() - t) * 1000)
    app.processEvents()
    return frames


def report_frames(name: str, frames: list[float], view: TimelineView) -> None:
    s = sorted(frames)
    p95 = s[min(len(s) - 1, int(0.95 * len(s)))]
    emit(f"{name}_median", statistics.median(s), "ms", "< 16", steps=len(s), intervals_per_frame=view.painted_intervals)
    emit(f"{name}_p95", p95, "ms", None)
    emit(f"{name}_max", s[-1], "ms", "< 50")


def ui_blocking(app: Any, build: Any) -> tuple[float, float, Any]:
    """(longest heartbeat gap ms, wall ms, result) of ``await build()`` on a qasync loop."""
    beats: list[float] = []
    heart = QTimer()
    heart.setTimerType(Qt.TimerType.PreciseTimer)
    heart.setInterval(1)
    heart.timeout.connect(lambda: beats.append(time.perf_counter()))

    async def go() -> tuple[float, Any]:
        heart.start()
        await asyncio.sleep(0.05)
        t = time.perf_counter()
        result = await build()
        wall = time.perf_counter() - t
        await asyncio.sleep(0.05)
        heart.stop()
        return wall, result

    loop = qasync.QEventLoop(app, already_running=False)
    asyncio.set_event_loop(loop)
    try:
        wall, result = loop.run_until_complete(go())
    finally:
        loop.close()
        asyncio.set_event_loop(None)
    gaps = [(b - a) * 1000 for a, b in zip(beats, beats[1:], strict=False)]
    return max(gaps, default=float("nan")), wall * 1000, result


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    collector = collect_on_ui_thread()  # noqa: F841 - as the app: the cyclic GC runs from a UI timer
    t = time.perf_counter()
    workflows, pod_events = synth()
    synth_s = time.perf_counter() - t
    n_events = sum(len(v) for v in pod_events.values()) + sum(
        len(ie.events) for wf in workflows for ie in wf.instance_events) + sum(len(wf.events) for wf in workflows)
    now = when(0, POD_EVENTS) + 60

    async def one_go() -> Any:
        return build_timeline(workflows, pod_events, now)

    async def sliced() -> Any:
        return await build_timeline_async(workflows, pod_events, now)

    peer_gap, peer_wall, tl = ui_blocking(app, one_go)
    gap, wall, tl_async = ui_blocking(app, sliced)
    same = (tl_async.intervals == tl.intervals and tl_async.markers == tl.markers and tl_async.lanes == tl.lanes
            and (tl_async.t0, tl_async.t1) == (tl.t0, tl.t1))
    emit("timeline_build_longest_ui_block", gap, "ms", "< 16", peer_value=round(peer_gap, 1),
         peer="build_timeline in one go (before)", build_wall_ms=round(wall), peer_build_wall_ms=round(peer_wall),
         same_timeline=same, instances=INSTANCES, events=n_events, path=PATH, transport="none (in-process)")
    build_ms = peer_wall
    emit("timeline_model_build", build_ms, "ms", None, instances=INSTANCES, events=n_events,
         intervals=len(tl.intervals), markers=len(tl.markers), synth_s=round(synth_s, 2))
    if not same:
        print("the sliced build gave a different timeline", file=sys.stderr)
        return 1

    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    view = TimelineView()
    scroll.setWidget(view)
    scroll.resize(1200, 700)
    t = time.perf_counter()
    view.set_timeline(tl)
    scroll.show()
    while view.paints == 0 and time.perf_counter() - t < 30:
        app.processEvents()
    first_ms = (time.perf_counter() - t) * 1000
    emit("timeline_first_paint", first_ms, "ms", None, instances=INSTANCES, events=n_events,
         lanes=len(tl.lanes), intervals_painted=view.painted_intervals)

    # Whole span in view (every interval of the visible lanes on screen): the densest frames.
    report_frames("timeline_pan_fit", pan_frames(app, view, 0.01), view)
    # Zoomed to 5% of the span, panning by 2% of the view per step.
    view.fit()
    span = view.v1 - view.v0
    view.v0, view.v1 = view.v0 + span * 0.1, view.v0 + span * 0.15  # a busy stretch
    report_frames("timeline_pan_zoomed", pan_frames(app, view, 0.02), view)
    # Idle stretches collapsed (the time map is applied to every coordinate).
    view.set_collapse(True, threshold=60.0)
    report_frames("timeline_pan_collapsed", pan_frames(app, view, 0.01), view)
    emit("timeline_collapsed_gaps", len(view.timemap.gaps), "count", None)
    # Scrolled to the bottom lanes: only what the scroll area shows is painted.
    view.set_collapse(False)
    scroll.verticalScrollBar().setValue(scroll.verticalScrollBar().maximum())
    app.processEvents()
    report_frames("timeline_pan_bottom", pan_frames(app, view, 0.01), view)
    # Hover lookup (tooltip text under the pointer), bisected per lane.
    t = time.perf_counter()
    for k in range(200):
        view.describe_at(200 + k * 4, 22 + 18 * (INSTANCES - 60 + k % 50) + 9)
    emit("timeline_hover_lookup", (time.perf_counter() - t) * 1000 / 200, "ms", "< 16")
    scroll.close()
    return 0 if view.paints else 1


if __name__ == "__main__":
    sys.exit(main())
