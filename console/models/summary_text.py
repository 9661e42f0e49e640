"""The job summary's derived lines: retries, the queue, the callback's last delivery, resources.

The engine's JobStatus has no attempt counter of its own: attempts and the next retry live on the
pods (PodStatus.attempt, next_attempt_at), the reason a pod waits is its pending reason, and the
callback's outcome is a job-level workflow event.  These functions put them into the sentences the
job detail's Summary shows.  Qt-free, so they are tested without widgets.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication

from console import timefmt
from pelorus.api import pod_pb2, workflow_pb2

CALLBACK_PREFIX = QCoreApplication.translate("summary_text", "callback POST")
_PENDING = pod_pb2.POD_STATE_PENDING


def retry_text(max_attempts: int, pods: Sequence[Any], now: float) -> str:
    """"attempt 2 of 5, next in 8 s" for the instance retrying soonest, "" when none is retrying.

    Several retrying instances: "3 instances retrying; instance 4: attempt 2 of 5, next in 8 s"."""
    limit = max(1, max_attempts)
    retrying = [p for p in pods if p.status.state == _PENDING
                and timefmt.seconds_of(p.status.next_attempt_at) > 0 and p.status.attempt > 1]
    if not retrying:
        latest = max((p.status.attempt for p in pods), default=0)
        return (
            QCoreApplication.translate("summary_text", "attempt {0} of {1}").format(latest, limit) if latest > 1 else ""
        )
    soonest = min(retrying, key=lambda p: timefmt.seconds_of(p.status.next_attempt_at))
    due = timefmt.seconds_of(soonest.status.next_attempt_at)
    when = (
        "now"
        if due <= now
        else QCoreApplication.translate("summary_text", "next {0}").format(timefmt.relative(due, now))
    )
    one = QCoreApplication.translate("summary_text", "attempt {0} of {1}, {2}").format(
        soonest.status.attempt, limit, when
    )
    if len(retrying) == 1:
        return (
            one
            if len(pods) == 1
            else QCoreApplication.translate("summary_text", "instance {0}: {1}").format(soonest.instance_id, one)
        )
    return QCoreApplication.translate("summary_text", "{0} instances retrying; instance {1}: {2}").format(
        len(retrying), soonest.instance_id, one
    )


def queue_text(pods: Iterable[Any], now: float) -> str:
    """Why pending pods wait for a launch: "2 pending: EXECUTOR_UNAVAILABLE (2)"; "" when nothing
    waits.  A pod waiting out its retry backoff is not queued (the attempts line says when it runs)."""
    pending = [p for p in pods if p.status.state == _PENDING
               and timefmt.seconds_of(p.status.next_attempt_at) <= now]
    if not pending:
        return ""
    reasons = Counter(
        p.status.reason or QCoreApplication.translate("summary_text", "waiting for a slot") for p in pending
    )
    return QCoreApplication.translate("summary_text", "{0} pending: ").format(len(pending)) + ", ".join(
        f"{r} ({n})" for r, n in reasons.most_common(3)
    )


def callback_text(workflows: Sequence[Any]) -> str:
    """The callback's last delivery (newest workflow first): its message and when; "" when none."""
    for wf in workflows:
        for ev in reversed(wf.events):
            if ev.message.startswith(CALLBACK_PREFIX):
                ok = "FAILED" if ev.state == workflow_pb2.WORKFLOW_STATE_FAILED else "delivered"
                return f"{ok} {timefmt.fmt_ts(ev.timestamp)}: {ev.message}"
    return ""


def resources_text(resources: Any) -> str:
    """"cpu 0.5, memory 64 MiB, gpu=1"; "" when the spec asks for nothing."""
    parts = []
    if resources.cpu:
        parts.append(QCoreApplication.translate("summary_text", "cpu {0:g}").format(resources.cpu))
    if resources.memory_bytes:
        parts.append(
            QCoreApplication.translate("summary_text", "memory {0}").format(timefmt.human_bytes(resources.memory_bytes))
        )
    parts += [f"{k}={v:g}" for k, v in sorted(resources.custom.items())]
    return ", ".join(parts)
