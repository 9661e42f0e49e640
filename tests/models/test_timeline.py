"""Timeline data: lanes, pod-state intervals, workflow markers."""

from __future__ import annotations

import itertools

from console.models.timeline import build_timeline, collapse_idle
from pelorus.api import pod_pb2, workflow_pb2


def ev(t: float, state: int, pod_id: str = "j-0-1") -> pod_pb2.PodEvent:
    e = pod_pb2.PodEvent(pod_id=pod_id, actual_state=state)
    e.timestamp.seconds, e.timestamp.nanos = int(t), int((t % 1) * 1e9)
    return e


def test_intervals_per_instance_and_markers() -> None:
    P = pod_pb2
    events = {
        1: [ev(10, P.POD_STATE_PENDING, "j-1-1"), ev(11, P.POD_STATE_RUNNING, "j-1-1"),
            ev(15, P.POD_STATE_KILLED, "j-1-1"), ev(15.5, P.POD_STATE_RUNNING, "j-1-2")],
        0: [ev(10, P.POD_STATE_RUNNING), ev(12, P.POD_STATE_SUCCEEDED)],
    }
    wf = workflow_pb2.WorkflowInfo()
    wf.status.type = workflow_pb2.WORKFLOW_TYPE_RESTART
    w = wf.events.add(state=workflow_pb2.WORKFLOW_STATE_PAUSED, message="paused by request")
    w.timestamp.seconds = 13
    ie = wf.instance_events.add(instance_id=1)
    e = ie.events.add(state=workflow_pb2.WORKFLOW_STATE_ROLLING_FORWARD, message="restarted")
    e.timestamp.seconds = 15
    tl = build_timeline([wf], events, now=20.0)
    assert tl.lanes == ["job", "instance 0", "instance 1"]
    lane1 = tl.intervals_in(2)
    assert [(i.state, i.start, i.end) for i in lane1] == [
        ("PENDING", 10, 11), ("RUNNING", 11, 15), ("KILLED", 15, 15), ("RUNNING", 15.5, 20.0)]
    assert tl.intervals_in(1)[-1].end == 12  # ended: a point, not stretched to now
    assert [(m.lane, m.state) for m in tl.markers] == [(0, "PAUSED"), (2, "ROLLING_FORWARD")]
    assert "RESTART" in tl.markers[0].label
    assert tl.t0 == 10 and tl.t1 == 20.0


def test_collapse_idle_maps_long_quiet_stretches_to_a_band() -> None:
    P = pod_pb2
    # Busy 0..10, nothing happens 10..100 (one RUNNING interval spans it), busy again 100..110.
    events = {0: [ev(0, P.POD_STATE_PENDING), ev(2, P.POD_STATE_RUNNING), ev(10, P.POD_STATE_KILLED),
                  ev(10, P.POD_STATE_RUNNING, "j-0-2"), ev(100, P.POD_STATE_KILLED, "j-0-2"),
                  ev(101, P.POD_STATE_RUNNING, "j-0-3"), ev(110, P.POD_STATE_SUCCEEDED, "j-0-3")]}
    tl = build_timeline([], events, now=200.0)
    assert (tl.t0, tl.t1) == (0, 110)
    tm = collapse_idle(tl, threshold=30, band=2.0)
    assert tm.gaps == [(10.0, 100.0)]
    d = tm.to_display
    assert d(0) == 0 and d(5) == 5 and d(10) == 10  # before the gap: 1:1
    assert d(55) == 11.0  # inside: linear within the band
    assert d(100) == 12.0 and d(105) == 17.0 and d(110) == 22.0  # after: shifted by 90 - 2
    assert tm.bands() == [(10.0, 12.0)]
    for t in (0, 3.5, 10, 40, 99.9, 100, 104, 110):
        assert abs(tm.to_real(d(t)) - t) < 1e-9
    assert tm.segments(0, 110) == [(0, 10.0), (100.0, 110)]
    # Monotone everywhere; short gaps stay; a threshold above every gap collapses nothing.
    xs = [d(t / 10) for t in range(1101)]
    assert all(b >= a for a, b in itertools.pairwise(xs))
    assert collapse_idle(tl, threshold=30).band == (110 - 90) * 0.03
    none = collapse_idle(tl, threshold=95)
    assert not none and none.to_display(57.0) == 57.0 and none.to_real(57.0) == 57.0


def test_visible_queries_use_the_lane_index() -> None:
    P = pod_pb2
    events = {i: [ev(10 * k, P.POD_STATE_RUNNING, f"j-{i}-{k}") for k in range(100)] for i in range(5)}
    tl = build_timeline([], events, now=1000.0)
    got = tl.visible_intervals(3, 105, 125)
    assert [iv.start for iv in got] == [100, 110, 120]
    assert got == [iv for iv in tl.intervals_in(3) if iv.end >= 105 and iv.start <= 125]
    assert tl.visible_intervals(1, 2000, 3000) == []


def test_sliced_build_equals_the_one_go_build_and_yields_between_slices() -> None:
    """build_timeline_async (the job detail's path) gives the same timeline as build_timeline,
    and hands the loop back many times on a large input instead of holding it throughout."""
    import asyncio

    from console.models.timeline import build_timeline_async

    P = pod_pb2
    cycle = (P.POD_STATE_PENDING, P.POD_STATE_RUNNING, P.POD_STATE_FAILED)
    events = {i: [ev(1000 + k * 7 + i * 0.5, cycle[k % 3], f"j-{i}-{k // 3}") for k in range(60)] for i in range(50)}
    wf = workflow_pb2.WorkflowInfo()
    wf.status.type = workflow_pb2.WORKFLOW_TYPE_UPDATE
    for i in range(0, 50, 3):
        ie = wf.instance_events.add(instance_id=i)
        e = ie.events.add(state=workflow_pb2.WORKFLOW_STATE_ROLLING_FORWARD, message="updated")
        e.timestamp.seconds = 1100 + i
    ie = wf.instance_events.add(instance_id=999)  # an instance without pod events: no lane, skipped
    ie.events.add(state=workflow_pb2.WORKFLOW_STATE_ROLLING_FORWARD).timestamp.seconds = 1200
    whole = build_timeline([wf], events, now=2000)

    ticks = 0

    async def count_ticks() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0)
            ticks += 1

    async def go() -> object:
        ticker = asyncio.ensure_future(count_ticks())
        tl = await build_timeline_async([wf], events, now=2000, budget_s=0.0)
        ticker.cancel()
        return tl

    sliced = asyncio.run(go())
    assert sliced.lanes == whole.lanes and sliced.instances == whole.instances  # type: ignore[attr-defined]
    assert sliced.intervals == whole.intervals and sliced.markers == whole.markers  # type: ignore[attr-defined]
    assert (sliced.t0, sliced.t1) == (whole.t0, whole.t1)  # type: ignore[attr-defined]
    assert sliced.visible_intervals(3, 1000, 1100) == whole.visible_intervals(3, 1000, 1100)  # type: ignore[attr-defined]
    assert ticks > 50  # the loop ran between slices


def test_an_ended_run_is_a_point_not_a_bar_to_the_next_run() -> None:
    """A pod that succeeded at 10 and ran again at 600 has nothing drawn between: the run's end is
    an instant (the view's end marker), not a ten-minute SUCCEEDED bar."""
    P = pod_pb2
    events = {0: [ev(0, P.POD_STATE_RUNNING, "j-0-1"), ev(10, P.POD_STATE_SUCCEEDED, "j-0-1"),
                  ev(600, P.POD_STATE_PENDING, "j-0-2"), ev(601, P.POD_STATE_RUNNING, "j-0-2"),
                  ev(605, P.POD_STATE_FAILED, "j-0-2")]}
    tl = build_timeline([], events, now=900.0)
    assert [(i.state, i.start, i.end) for i in tl.intervals_in(1)] == [
        ("RUNNING", 0, 10), ("SUCCEEDED", 10, 10), ("PENDING", 600, 601), ("RUNNING", 601, 605), ("FAILED", 605, 605)]
    assert tl.t1 == 605
    # with idle collapsed (the detail's default) the 590 quiet seconds become a band
    assert collapse_idle(tl, threshold=10).gaps == [(10.0, 600.0)]
