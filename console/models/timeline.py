"""Workflow timeline data: lanes of pod-state intervals and event markers on one time axis.

Pure data shaping (no Qt, no gRPC): the Workflows tab hands in the job's workflows and each pod's
events (ListJobPodEvents) and gets back lanes ("job", "instance N"), intervals coloured by pod state,
and markers for workflow / instance events.  A run's end (SUCCEEDED, FAILED, KILLED, LOST) is an
instant, a zero-length interval the view draws as an end marker: the quiet time until the next run
is not a bar of the ended state.  The view draws only what is on screen.
"""

from __future__ import annotations

import asyncio
import time
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from google.protobuf.timestamp_pb2 import Timestamp
from PySide6.QtCore import QCoreApplication

from pelorus.api import pod_pb2, workflow_pb2

TERMINAL = frozenset({pod_pb2.POD_STATE_SUCCEEDED, pod_pb2.POD_STATE_FAILED, pod_pb2.POD_STATE_LOST,
                      pod_pb2.POD_STATE_KILLED, pod_pb2.POD_STATE_DELETED})
JOB_LANE = "job"


def _secs(ts: Timestamp) -> float:
    return ts.seconds + ts.nanos * 1e-9


@dataclass(frozen=True)
class Interval:
    lane: int
    start: float
    end: float
    state: str  # pod state name without prefix
    pod_id: str
    detail: str


@dataclass(frozen=True)
class Marker:
    lane: int
    t: float
    state: str  # workflow state name without prefix
    label: str


@dataclass
class Timeline:
    lanes: list[str] = field(default_factory=list)
    instances: list[int] = field(default_factory=list)  # lane -> instance id (-1 for the job lane)
    intervals: list[Interval] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    t0: float = 0.0
    t1: float = 1.0

    def lane_of(self, instance: int) -> int:
        try:
            return self.instances.index(instance)
        except ValueError:
            return -1

    def intervals_in(self, lane: int) -> list[Interval]:
        return [iv for iv in self.intervals if iv.lane == lane]

    # -- per-lane index: what the view draws is found by bisection, not by scanning everything -----
    def index(self) -> None:
        """(Re)build the per-lane index; call after changing ``intervals`` / ``markers``."""
        for _ in self.index_steps():
            pass

    def index_steps(self) -> Iterator[None]:
        """``index()`` one lane at a time (yields between lanes: see ``build_timeline_async``)."""
        n = len(self.lanes)
        ivs: list[list[Interval]] = [[] for _ in range(n)]
        for k, iv in enumerate(self.intervals):
            if 0 <= iv.lane < n:
                ivs[iv.lane].append(iv)
            if not k % 2000:
                yield
        mks: list[list[Marker]] = [[] for _ in range(n)]
        for k, m in enumerate(self.markers):
            if 0 <= m.lane < n:
                mks[m.lane].append(m)
            if not k % 2000:
                yield
        lane_iv: list[list[Interval]] = []
        lane_starts: list[list[float]] = []
        lane_maxend: list[list[float]] = []
        for lane_ivs in ivs:
            lane_ivs.sort(key=lambda iv: iv.start)
            lane_iv.append(lane_ivs)
            lane_starts.append([iv.start for iv in lane_ivs])
            maxend, running = [], float("-inf")
            for iv in lane_ivs:
                running = max(running, iv.end)
                maxend.append(running)
            lane_maxend.append(maxend)
            yield
        lane_mk: list[list[Marker]] = []
        lane_mt: list[list[float]] = []
        for lane_mks in mks:
            lane_mks.sort(key=lambda m: m.t)
            lane_mk.append(lane_mks)
            lane_mt.append([m.t for m in lane_mks])
        # swapped in at once: a reader between two steps never sees a half-built index
        self._lane_iv, self._lane_starts, self._lane_maxend = lane_iv, lane_starts, lane_maxend
        self._lane_mk, self._lane_mt = lane_mk, lane_mt
        self._indexed = (len(self.intervals), len(self.markers), n)

    def _ensure_index(self) -> None:
        if getattr(self, "_indexed", None) != (len(self.intervals), len(self.markers), len(self.lanes)):
            self.index()

    def lane_intervals(self, lane: int) -> list[Interval]:
        """The lane's intervals in start order (the index's list: do not modify)."""
        self._ensure_index()
        return self._lane_iv[lane]

    def visible_intervals(self, lane: int, t0: float, t1: float) -> list[Interval]:
        """The lane's intervals that overlap [t0, t1], in start order."""
        self._ensure_index()
        lo = bisect_left(self._lane_maxend[lane], t0)
        hi = bisect_right(self._lane_starts[lane], t1)
        return [iv for iv in self._lane_iv[lane][lo:hi] if iv.end >= t0]

    def visible_markers(self, lane: int, t0: float, t1: float) -> list[Marker]:
        self._ensure_index()
        mt = self._lane_mt[lane]
        return self._lane_mk[lane][bisect_left(mt, t0):bisect_right(mt, t1)]

    def change_times(self) -> list[float]:
        """Every instant something happens: interval starts / ends and markers, sorted."""
        times = {iv.start for iv in self.intervals} | {iv.end for iv in self.intervals} | {m.t for m in self.markers}
        return sorted(times)


class TimeMap:
    """Real time <-> display time with idle stretches (``gaps``) squeezed into a ``band`` each.

    Outside the gaps time runs 1:1 (shifted left by what earlier gaps saved); a gap (s, e) shows
    as ``band`` display seconds, mapped linearly.  No gaps: the identity.
    """

    def __init__(self, gaps: Sequence[tuple[float, float]] = (), band: float = 0.0) -> None:
        self.gaps = sorted((float(s), float(e)) for s, e in gaps if e > s)
        self.band = max(0.0, float(band))
        self._rs = [s for s, _e in self.gaps]
        self._ds: list[float] = []  # display time where each gap's band starts
        shift = 0.0
        for s, e in self.gaps:
            self._ds.append(s - shift)
            shift += (e - s) - self.band

    def __bool__(self) -> bool:
        return bool(self.gaps)

    def to_display(self, t: float) -> float:
        i = bisect_right(self._rs, t) - 1
        if i < 0:
            return t
        s, e = self.gaps[i]
        ds = self._ds[i]
        if t < e:
            return ds + (t - s) / (e - s) * self.band
        return ds + self.band + (t - e)

    def to_real(self, d: float) -> float:
        i = bisect_right(self._ds, d) - 1
        if i < 0:
            return d
        s, e = self.gaps[i]
        ds = self._ds[i]
        if d < ds + self.band:
            return s + (d - ds) / self.band * (e - s)
        return e + (d - ds - self.band)

    def bands(self) -> list[tuple[float, float]]:
        """Display spans of the collapsed gaps (where the view draws its break markers)."""
        return [(ds, ds + self.band) for ds in self._ds]

    def segments(self, r0: float, r1: float) -> list[tuple[float, float]]:
        """The uncollapsed real-time stretches within [r0, r1]."""
        out, cur = [], r0
        for s, e in self.gaps:
            if e <= cur:
                continue
            if s >= r1:
                break
            if s > cur:
                out.append((cur, s))
            cur = max(cur, e)
        if cur < r1:
            out.append((cur, r1))
        return out


def collapse_idle(tl: Timeline, threshold: float, band: float | None = None) -> TimeMap:
    """Squeeze every stretch longer than ``threshold`` seconds with no state change or event.

    ``band`` (display seconds per collapsed stretch) defaults to 3% of the time that stays.
    """
    times = tl.change_times()
    gaps = [(a, b) for a, b in pairwise(times) if b - a > threshold]
    if band is None:
        busy = (tl.t1 - tl.t0) - sum(b - a for a, b in gaps)
        band = max(busy * 0.03, 1e-3)
    return TimeMap(gaps, band)


def build_timeline(workflows: Sequence[workflow_pb2.WorkflowInfo],
                   pod_events: Mapping[int, Iterable[pod_pb2.PodEvent]], now: float) -> Timeline:
    """The timeline of these workflows and pod events, built in one go."""
    tl = Timeline()
    for _ in _build_steps(tl, workflows, pod_events, now):
        pass
    return tl


async def build_timeline_async(workflows: Sequence[workflow_pb2.WorkflowInfo],
                               pod_events: Mapping[int, Iterable[pod_pb2.PodEvent]], now: float,
                               budget_s: float = 0.005) -> Timeline:
    """``build_timeline`` in slices of about ``budget_s``, yielding to the event loop between them.

    Why: at 100,000 events the build takes 0.35-0.7 s of pure Python, and the job detail window
    rebuilt it on the UI thread every few seconds while a job ran - the whole console froze
    that long.  A worker thread would not help much (the build holds the GIL throughout, and
    Qt's paint callbacks then wait for it); slices on the loop keep every block under a frame.
    The result is the same Timeline, handed over only when complete.
    """
    tl = Timeline()
    deadline = time.perf_counter() + budget_s
    for _ in _build_steps(tl, workflows, pod_events, now):
        if time.perf_counter() >= deadline:
            await asyncio.sleep(0)
            deadline = time.perf_counter() + budget_s
    return tl


#: Events handled between two checks of the clock in the build's loops.
_STEP_EVENTS = 200


def _build_steps(tl: Timeline, workflows: Sequence[workflow_pb2.WorkflowInfo],
                 pod_events: Mapping[int, Iterable[pod_pb2.PodEvent]], now: float) -> Iterator[None]:
    """Fill ``tl``, yielding every few hundred events (the unit a slice is made of)."""
    tl.lanes, tl.instances = [JOB_LANE], [-1]
    for instance in sorted(pod_events):
        tl.lanes.append(QCoreApplication.translate("timeline", "instance {0}").format(instance))
        tl.instances.append(instance)
    lane_of = {inst: lane for lane, inst in enumerate(tl.instances)}
    times: list[float] = []
    state_name = {v.number: v.name.removeprefix("POD_STATE_") for v in pod_pb2.PodState.DESCRIPTOR.values}
    wf_state_name = {v.number: v.name.removeprefix("WORKFLOW_STATE_")
                     for v in workflow_pb2.WorkflowState.DESCRIPTOR.values}
    done = 0
    for lane, instance in enumerate(tl.instances):
        if instance < 0:
            continue
        events = sorted(pod_events[instance], key=lambda e: (_secs(e.timestamp)))
        for i, ev in enumerate(events):
            start = _secs(ev.timestamp)
            times.append(start)
            if ev.actual_state in TERMINAL:
                end = start  # a point: the run ended here (drawn as an end marker, never a bar to the next run)
            elif i + 1 < len(events):
                end = _secs(events[i + 1].timestamp)
            else:
                end = max(start, now)
            state = state_name.get(ev.actual_state) or str(ev.actual_state)
            why = " — ".join(x for x in (ev.reason, ev.message) if x)
            tl.intervals.append(Interval(lane, start, end, state, ev.pod_id, why))
            done += 1
            if not done % _STEP_EVENTS:
                yield
        yield
    for wf in workflows:
        kind = workflow_pb2.WorkflowType.Name(wf.status.type).removeprefix("WORKFLOW_TYPE_")
        for wev in wf.events:
            t = _secs(wev.timestamp)
            times.append(t)
            state = wf_state_name.get(wev.state) or str(wev.state)
            tl.markers.append(Marker(0, t, state, f"{kind}: {wev.message or state}"))
        for ie in wf.instance_events:
            lane = lane_of.get(ie.instance_id, -1)
            if lane < 0:
                continue
            for wev in ie.events:
                t = _secs(wev.timestamp)
                times.append(t)
                state = wf_state_name.get(wev.state) or str(wev.state)
                tl.markers.append(Marker(lane, t, state, f"{kind}: {wev.message or state}"))
                done += 1
                if not done % _STEP_EVENTS:
                    yield
    if times:
        tl.t0 = min(times)
        yield
        tl.t1 = max(times)
        yield
        for k in range(0, len(tl.intervals), 5000):
            tl.t1 = max(tl.t1, max(iv.end for iv in tl.intervals[k:k + 5000]))
            yield
        if tl.t1 <= tl.t0:
            tl.t1 = tl.t0 + 1.0
    yield
    yield from tl.index_steps()
