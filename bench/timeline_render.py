"""Benchmark: the workflow timeline of a 1,000-instance job, loaded as the job detail loads it.

A real engine (child process, unix socket) holds a job of 1,000 instances (created stopped, so no
pod process runs) whose store gets ~90,000 pod events (30 runs per instance: PENDING -> RUNNING ->
SUCCEEDED / KILLED, over a few hours with two quiet stretches) written before the engine starts.
The app's path is then timed on a running qasync loop with a 1 ms heartbeat:
TimelineEvents.update (ListJobPodEvents pages over gRPC) -> build_timeline_async -> TimelineView.
The per-instance workflow events (10 per instance) are built in-process as ListJobWorkflows
delivers them. The view sits in a QScrollArea (as in the job detail) shown offscreen at 1200x700.

Measures
  - the longest UI-thread block while the whole timeline is loaded and built (target < 16 ms), and
    the wall time; the peer, in the same run: the path it replaced, one GetPodEvents call per pod
    (asyncio.gather, as the detail did for at most 300 pods) and the same sliced build;
  - a refresh with nothing new (the detail reloads while a job runs): one ListJobPodEvents call;
  - time to first paint, and frame times while panning (whole span, 5% zoom, idle collapsed,
    scrolled to the last lanes): each step is ``view.pan`` and the update request it posts delivered
    at once (the view's dirty region painted and flushed, as the event loop does next): median / p95 /
    max wall ms (target median < 16 ms, max < 50 ms), beside the UI thread's CPU ms and the process's
    (Qt's own threads included: work handed to them shows as a wall above the UI thread's CPU) and
    how often per step the UI thread blocked (voluntary context switches, Linux).

Prints JSON lines {"name", "value", "unit", "target", "path", "transport", ...}; exit 1 when it
could not measure (the engine did not start, the two paths gave different timelines, nothing painted,
a pan step painted nothing).
Usage: python bench/timeline_render.py
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import statistics
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import asyncio

import qasync
from _engine import BenchEngine, Client, job_spec
from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTimer
from PySide6.QtWidgets import QApplication, QScrollArea

from console.models.timeline import Timeline, build_timeline_async
from console.ui_thread_gc import collect_on_ui_thread
from console.views.timeline_feed import TimelineEvents
from console.views.timeline_view import LANE_H, TimelineView
from pelorus.api import pod_pb2, workflow_pb2
from pelorus.client import ConnectionConfig, EngineClient

INSTANCES = 1000
POD_EVENTS = 90  # per instance
WF_EVENTS = 10  # per instance
PATH = "ListJobPodEvents pages (TimelineEvents.update) -> build_timeline_async -> TimelineView (as the job detail)"
PEER_PATH = "one GetPodEvents per pod (asyncio.gather) -> build_timeline_async (the path it replaced)"
TRANSPORT = "gRPC over a unix socket to a real engine process"
T0 = 1_770_000_000.0
STEPS = 200
P = pod_pb2
CYCLE = (P.POD_STATE_PENDING, P.POD_STATE_RUNNING, P.POD_STATE_SUCCEEDED)


def stamp(msg: object, t: float) -> None:
    msg.timestamp.seconds, msg.timestamp.nanos = int(t), int((t % 1) * 1e9)  # type: ignore[attr-defined]


def when(i: int, k: int) -> float:
    t = T0 + k * 90.0 + (i % 25) * 0.5
    if k >= POD_EVENTS // 3:
        t += 600  # a quiet ten minutes
    if k >= 2 * POD_EVENTS // 3:
        t += 900  # and a quiet quarter of an hour
    return t


def pod_events_rows(job_id: str) -> list[tuple[str, str, str, bytes]]:
    """The store's pod_events rows of every instance, in time order (as the engine writes them)."""
    rows = []
    for k in range(POD_EVENTS):
        for i in range(INSTANCES):
            state = CYCLE[k % 3] if (k % 3 != 2 or i % 7) else P.POD_STATE_KILLED
            pod_id = f"{job_id}-{i}-{k // 3 + 1}"
            e = P.PodEvent(pod_id=pod_id, actual_state=state, reason="bench")
            stamp(e, when(i, k))
            rows.append((job_id, f"{job_id}-{i}", pod_id, e.SerializeToString()))
    return rows


def workflows_of() -> list[workflow_pb2.WorkflowInfo]:
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
    return [wf]


def prepare(eng: BenchEngine) -> tuple[str, int]:
    """The 1,000-instance job, its events written into the stopped engine's store; (job id, events)."""
    async def create() -> str:
        async with Client(eng.address) as c:
            return str((await c.create(job_spec("timeline-bench", INSTANCES, "true"), start_paused=True)).job_id)

    eng.start()
    job_id = asyncio.run(asyncio.wait_for(create(), 60))
    eng.proc.send_signal(2)  # SIGINT: a clean stop (the store closed), the data dir kept
    eng.proc.wait(30)
    rows = pod_events_rows(job_id)
    with contextlib.closing(sqlite3.connect(eng.data_dir / "engine.db", timeout=10)) as conn, conn:
        conn.executemany("INSERT INTO pod_events(job_id, pod_name, pod_id, event) VALUES (?,?,?,?)", rows)
    eng.log_path.unlink()  # start() waits for a new "engine ready" line
    eng.start()
    return job_id, len(rows)


def emit(name: str, value: float, unit: str, target: str | None = None, **extra: object) -> None:
    row: dict[str, object] = {"name": name, "value": round(value, 3), "unit": unit, "target": target}
    row.update(extra)
    print(json.dumps(row), flush=True)


class NotPainted(Exception):
    """A pan step's update request painted nothing: no frame to time."""


def waits() -> int | None:
    """The UI thread's voluntary context switches so far (it blocked: a lock, a semaphore, I/O),
    where Linux tells them; None elsewhere."""
    try:
        with open("/proc/thread-self/status") as f:
            return next(int(line.split(":")[1]) for line in f if line.startswith("voluntary_ctxt_switches"))
    except (OSError, StopIteration, ValueError):
        return None


def pan_frames(app: Any, view: TimelineView, fraction: float) -> tuple[list[float], list[float], list[float],
                                                                     float | None]:
    """Wall, UI-thread CPU and process CPU ms of each pan step: ``view.pan`` and the update it asked
    for delivered at once (the UpdateRequest the event loop delivers next: the region the view marked
    dirty painted and flushed, as in the app). The process CPU counts Qt's own threads too. Last, the
    UI thread's voluntary context switches per step (None where unknown)."""
    frames, cpu, proc = [], [], []
    blocked = waits()
    for step in range(STEPS):
        direction = 1 if (step // 50) % 2 == 0 else -1  # to and fro
        painted = view.paints
        t, c, pc = time.perf_counter(), time.thread_time(), time.process_time()
        view.pan(direction * fraction)
        QCoreApplication.sendPostedEvents(None, QEvent.Type.UpdateRequest)
        frames.append((time.perf_counter() - t) * 1000)
        cpu.append((time.thread_time() - c) * 1000)
        proc.append((time.process_time() - pc) * 1000)
        if view.paints == painted:
            raise NotPainted(f"pan step {step} painted nothing")
    after = waits()
    per_step = None if blocked is None or after is None else (after - blocked) / STEPS
    app.processEvents()
    return frames, cpu, proc, per_step


def report_frames(name: str, measured_frames: tuple[list[float], list[float], list[float], float | None],
                  view: TimelineView) -> None:
    frames, cpu, proc, blocked = measured_frames
    s = sorted(frames)
    p95 = s[min(len(s) - 1, int(0.95 * len(s)))]
    emit(f"{name}_median", statistics.median(s), "ms", "< 16", steps=len(s), intervals_per_frame=view.painted_intervals,
         cpu_median_ms=round(statistics.median(cpu), 2), process_cpu_median_ms=round(statistics.median(proc), 2),
         ui_thread_waits_per_step=None if blocked is None else round(blocked, 1),
         load_average=round(os.getloadavg()[0], 2))
    emit(f"{name}_p95", p95, "ms", None)
    emit(f"{name}_max", s[-1], "ms", "< 50")


class _Feed:
    """What TimelineEvents.update reads from: the session's one-line delegation to the client."""

    def __init__(self, client: EngineClient) -> None:
        self.job_pod_events = client.job_pod_events


async def measured(build: Any) -> tuple[float, float, Any, float]:
    """(longest heartbeat gap ms, wall ms, result, longest gap in UI-thread CPU ms) of ``await build()``
    on the running loop. The CPU figure is the thread's own time between two beats: on a loaded
    machine a gap can be the scheduler's (the thread not running), which the wall figure counts too."""
    beats: list[float] = []
    cpu: list[float] = []
    heart = QTimer()
    heart.setTimerType(Qt.TimerType.PreciseTimer)
    heart.setInterval(1)

    def beat() -> None:
        beats.append(time.perf_counter())
        cpu.append(time.thread_time())

    heart.timeout.connect(beat)
    heart.start()
    await asyncio.sleep(0.05)
    t = time.perf_counter()
    result = await build()
    wall = time.perf_counter() - t
    await asyncio.sleep(0.05)
    heart.stop()
    gaps = [(b - a) * 1000 for a, b in zip(beats, beats[1:], strict=False)]
    cpu_gaps = [(b - a) * 1000 for a, b in zip(cpu, cpu[1:], strict=False)]
    return max(gaps, default=float("nan")), wall * 1000, result, max(cpu_gaps, default=float("nan"))


def same(a: Timeline, b: Timeline) -> bool:
    return a.intervals == b.intervals and a.markers == b.markers and a.lanes == b.lanes and (a.t0, a.t1) == (b.t0,
                                                                                                           b.t1)


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    collector = collect_on_ui_thread()  # noqa: F841 - as the app: the cyclic GC runs from a UI timer
    eng = BenchEngine(label="timeline")
    try:
        t = time.perf_counter()
        job_id, n_pod_events = prepare(eng)
        prep_s = time.perf_counter() - t
        workflows = workflows_of()
        now = when(0, POD_EVENTS) + 60
        n_events = n_pod_events + sum(len(ie.events) for wf in workflows for ie in wf.instance_events)
        loop = qasync.QEventLoop(app, already_running=False)
        asyncio.set_event_loop(loop)
        try:
            results = loop.run_until_complete(asyncio.wait_for(_load_all(eng, job_id, workflows, now), 300))
        finally:
            loop.close()
            asyncio.set_event_loop(None)
    finally:
        eng.stop()
    (gap, wall, (tl, feed), cpu_gap), (peer_gap, peer_wall, peer_tl, peer_cpu), (refresh_gap, refresh_wall, _r, _c), \
        idle = results
    if not same(tl, peer_tl) or len(tl.lanes) != INSTANCES + 1:
        print("the two loading paths gave different timelines", file=sys.stderr)
        return 1
    emit("timeline_load_longest_ui_block", gap, "ms", "< 16", peer_value=round(peer_gap, 1), peer=PEER_PATH,
         load_wall_ms=round(wall), peer_load_wall_ms=round(peer_wall), pages=feed.pages, instances=INSTANCES,
         idle_longest_gap_ms=round(idle[0], 1), load_average=round(os.getloadavg()[0], 2),
         events=n_events, path=PATH, transport=TRANSPORT)
    emit("timeline_load_longest_ui_block_cpu", cpu_gap, "ms", "< 16", peer_value=round(peer_cpu, 1), peer=PEER_PATH,
         note="the UI thread's own CPU time in its longest gap between 1 ms heartbeats (scheduler stalls left out)",
         path=PATH, transport=TRANSPORT)
    emit("timeline_load_wall", wall, "ms", None, peer_value=round(peer_wall), peer=PEER_PATH, path=PATH,
         transport=TRANSPORT, calls=feed.pages, peer_calls=INSTANCES, prepare_s=round(prep_s, 1))
    emit("timeline_refresh_nothing_new", refresh_wall, "ms", None, longest_ui_block_ms=round(refresh_gap, 1),
         path="TimelineEvents.update from the last cursor (one ListJobPodEvents call)", transport=TRANSPORT)

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
         lanes=len(tl.lanes), lanes_painted=view.painted_lanes, intervals_painted=view.painted_intervals)

    try:
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
        # Scrolled to the last lanes: only the lanes on screen are painted.
        view.set_collapse(False)
        view.vbar.setValue(view.vbar.maximum())
        app.processEvents()
        report_frames("timeline_pan_bottom", pan_frames(app, view, 0.01), view)
        emit("timeline_lanes_painted", view.painted_lanes, "count", None, lanes=len(tl.lanes))
    except NotPainted as e:
        print(e, file=sys.stderr)
        return 1
    # Hover lookup (tooltip text under the pointer), bisected per lane.
    t = time.perf_counter()
    for k in range(200):
        view.describe_at(200 + k * 4, 22 + LANE_H * (k % 30) + 9)
    emit("timeline_hover_lookup", (time.perf_counter() - t) * 1000 / 200, "ms", "< 16")
    scroll.close()
    return 0 if view.paints else 1


async def _load_all(eng: BenchEngine, job_id: str, workflows: list[workflow_pb2.WorkflowInfo],
                    now: float) -> tuple[Any, Any, Any, Any]:
    client = EngineClient(ConnectionConfig(eng.address, deadline=60.0))
    await client.connect()
    try:
        feed = TimelineEvents()

        async def app_path() -> tuple[Timeline, TimelineEvents]:
            await feed.update(_Feed(client), job_id)  # type: ignore[arg-type]
            return await build_timeline_async(workflows, feed.for_instances(range(INSTANCES)), now), feed

        async def peer_path() -> Timeline:
            names = [f"{job_id}-{i}" for i in range(INSTANCES)]
            events = await asyncio.gather(*(client.pod_events(n) for n in names))
            return await build_timeline_async(workflows, dict(enumerate(events)), now)

        async def refresh() -> None:
            await feed.update(_Feed(client), job_id)  # type: ignore[arg-type]

        async def idle() -> None:
            await asyncio.sleep(1.0)

        baseline = await measured(idle)  # the machine's own noise: the heartbeat with nothing to do
        ours = await measured(app_path)
        peer = await measured(peer_path)
        again = await measured(refresh)
        return ours, peer, again, baseline
    finally:
        await client.close()


if __name__ == "__main__":
    sys.exit(main())
