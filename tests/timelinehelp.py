"""Helpers for timeline tests: pod events at given times."""

from __future__ import annotations

from pelorus.api import pod_pb2


def pod_event(t: float, state: int, pod_id: str = "j-0-1") -> pod_pb2.PodEvent:
    """A pod event of ``pod_id`` entering ``state`` at ``t`` (seconds since the epoch, fractions kept)."""
    e = pod_pb2.PodEvent(pod_id=pod_id, actual_state=state)
    e.timestamp.seconds, e.timestamp.nanos = int(t), int((t % 1) * 1e9)
    return e
