"""Workflow timeline data: lanes of pod-state intervals and event markers on one time axis.

Pure data shaping (no Qt, no gRPC): the Workflows tab hands in the job's workflows and each pod's
events (GetPodEvents) and gets back lanes ("job", "instance N"), intervals coloured by pod state,
and markers for workflow / instance events.  The view draws only what is on screen.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from console.api import pod_pb2, workflow_pb2

TERMINAL = frozenset({pod_pb2.POD_STATE_SUCCEEDED, pod_pb2.POD_STATE_FAILED, pod_pb2.POD_STATE_LOST,
                      pod_pb2.POD_STATE_KILLED, pod_pb2.POD_STATE_DELETED})
JOB_LANE = "job"


def _secs(ts: Any) -> float:
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


def build_timeline(workflows: Sequence[workflow_pb2.WorkflowInfo],
                   pod_events: Mapping[int, Iterable[pod_pb2.PodEvent]], now: float) -> Timeline:
    tl = Timeline(lanes=[JOB_LANE], instances=[-1])
    for instance in sorted(pod_events):
        tl.lanes.append(f"instance {instance}")
        tl.instances.append(instance)
    times: list[float] = []
    for lane, instance in enumerate(tl.instances):
        if instance < 0:
            continue
        events = sorted(pod_events[instance], key=lambda e: (_secs(e.timestamp)))
        for i, ev in enumerate(events):
            start = _secs(ev.timestamp)
            times.append(start)
            if i + 1 < len(events):
                end = _secs(events[i + 1].timestamp)
            elif ev.actual_state in TERMINAL:
                end = start  # a point: the run ended here
            else:
                end = max(start, now)
            state = pod_pb2.PodState.Name(ev.actual_state).removeprefix("POD_STATE_")
            why = " — ".join(x for x in (ev.reason, ev.message) if x)
            tl.intervals.append(Interval(lane, start, end, state, ev.pod_id, why))
    for wf in workflows:
        kind = workflow_pb2.WorkflowType.Name(wf.status.type).removeprefix("WORKFLOW_TYPE_")
        for ev in wf.events:
            t = _secs(ev.timestamp)
            times.append(t)
            state = workflow_pb2.WorkflowState.Name(ev.state).removeprefix("WORKFLOW_STATE_")
            tl.markers.append(Marker(0, t, state, f"{kind}: {ev.message or state}"))
        for ie in wf.instance_events:
            lane = tl.lane_of(ie.instance_id)
            if lane < 0:
                continue
            for ev in ie.events:
                t = _secs(ev.timestamp)
                times.append(t)
                state = workflow_pb2.WorkflowState.Name(ev.state).removeprefix("WORKFLOW_STATE_")
                tl.markers.append(Marker(lane, t, state, f"{kind}: {ev.message or state}"))
    if times:
        tl.t0 = min(times)
        tl.t1 = max(max(times), max((iv.end for iv in tl.intervals), default=tl.t0))
        if tl.t1 <= tl.t0:
            tl.t1 = tl.t0 + 1.0
    return tl
