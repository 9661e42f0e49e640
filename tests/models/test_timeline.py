"""Timeline data: lanes, pod-state intervals, workflow markers."""

from __future__ import annotations

from console.api import pod_pb2, workflow_pb2
from console.models.timeline import build_timeline


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
        ("PENDING", 10, 11), ("RUNNING", 11, 15), ("KILLED", 15, 15.5), ("RUNNING", 15.5, 20.0)]
    assert tl.intervals_in(1)[-1].end == 12  # ended: a point, not stretched to now
    assert [(m.lane, m.state) for m in tl.markers] == [(0, "PAUSED"), (2, "ROLLING_FORWARD")]
    assert "RESTART" in tl.markers[0].label
    assert tl.t0 == 10 and tl.t1 == 20.0
