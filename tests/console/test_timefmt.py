"""Times, durations, sizes, schedules and the summary's derived lines, as operators read them."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import pytest

from console import timefmt
from console.models.summary_text import callback_text, queue_text, resources_text, retry_text
from pelorus.api import job_pb2, pod_pb2, workflow_pb2

NOON = 1_796_558_400  # 2026-12-06 12:00:00 UTC (a Sunday)


@pytest.fixture
def berlin() -> Iterator[None]:
    """The machine's zone is Europe/Berlin (CET in December) for the test."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = "Europe/Berlin"
    time.tzset()
    timefmt._fmt.cache_clear()
    yield
    if old is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = old
    time.tzset()
    timefmt._fmt.cache_clear()
    timefmt.set_utc(False)


def test_times_carry_their_zone_and_switch_between_local_and_utc(berlin: None) -> None:
    timefmt.set_utc(False)
    assert timefmt.fmt_time_tz(NOON) == "2026-12-06 13:00:00 CET"
    assert timefmt.fmt_time(NOON, with_date=False) == "13:00:00"
    timefmt.set_utc(True)
    assert timefmt.fmt_time_tz(NOON) == "2026-12-06 12:00:00 UTC"
    assert timefmt.zone_name() == "UTC"
    tip = timefmt.time_tip(NOON, now=NOON + 180)
    shown, other, in_words = tip.split("\n")
    assert (shown, other) == ("2026-12-06 12:00:00 UTC (3 min ago)", "2026-12-06 13:00:00 CET")
    assert "2026" in in_words and "12:00" in in_words  # the locale's long date, in the shown zone (UTC)
    assert timefmt.fmt_time_tz(0) == "" and timefmt.time_tip(0) == "not set"


def test_relative_times_and_spans() -> None:
    assert timefmt.relative(NOON + 8, now=NOON) == "in 8 s"
    assert timefmt.relative(NOON - 720, now=NOON) == "12 min ago"
    assert timefmt.relative(NOON, now=NOON + 0.3) == "now"
    assert timefmt.fmt_span(0.5) == "0.5 s"
    assert timefmt.fmt_span(1) == "1 s"
    assert timefmt.fmt_span(3900) == "1 h 5 min"
    assert timefmt.fmt_span(2 * 86400 + 3 * 3600) == "2 d 3 h"


def test_memory_in_binary_units() -> None:
    assert timefmt.human_bytes(67108864) == "64 MiB"
    assert timefmt.human_bytes(512) == "512 B"
    assert timefmt.human_bytes(1.5 * 2**30) == "1.5 GiB"


def test_schedules_in_words(berlin: None) -> None:
    every = job_pb2.Schedule()
    every.every.FromSeconds(1)
    assert timefmt.schedule_words(every) == "every 1 s"
    assert timefmt.schedule_words(job_pb2.Schedule()) == "run now"
    cron = job_pb2.Schedule(cron="0 * * * *", timezone="Europe/Berlin")
    next_run = NOON + 3600  # 14:00 CET
    assert (timefmt.schedule_words(cron, next_run, now=next_run - 720)
            == "cron 0 * * * * Europe/Berlin, next 14:00:00 CET, in 12 min")
    at = job_pb2.Schedule()
    at.at.FromSeconds(NOON)
    assert timefmt.schedule_words(at, NOON) == "once at 2026-12-06 13:00:00 CET"


def _pod(instance: int, state: int, attempt: int = 1, next_at: float = 0, reason: str = "") -> pod_pb2.PodInfo:
    pod = pod_pb2.PodInfo(pod_name=f"j-{instance}", instance_id=instance)
    pod.status.state = state  # type: ignore[assignment]
    pod.status.attempt = attempt
    pod.status.reason = reason
    if next_at:
        pod.status.next_attempt_at.FromSeconds(int(next_at))
    return pod


def test_retry_and_queue_lines() -> None:
    pending, running = pod_pb2.POD_STATE_PENDING, pod_pb2.POD_STATE_RUNNING
    one = [_pod(0, pending, attempt=2, next_at=NOON + 8, reason="FAILED")]
    assert retry_text(5, one, now=NOON) == "attempt 2 of 5, next in 8 s"
    assert retry_text(5, one, now=NOON + 9) == "attempt 2 of 5, now"
    several = one + [_pod(1, pending, attempt=3, next_at=NOON + 4), _pod(2, running)]
    assert retry_text(5, several, now=NOON) == "2 instances retrying; instance 1: attempt 3 of 5, next in 4 s"
    assert retry_text(0, [_pod(0, running)], now=NOON) == ""
    assert retry_text(3, [_pod(0, running, attempt=3)], now=NOON) == "attempt 3 of 3"
    queued = [_pod(0, pending, reason="EXECUTOR_UNAVAILABLE"), _pod(1, pending), _pod(2, running)]
    assert queue_text(queued, NOON) == "2 pending: EXECUTOR_UNAVAILABLE (1), waiting for a slot (1)"
    assert queue_text([_pod(0, running)], NOON) == ""
    assert queue_text(one, NOON) == ""  # waiting out its backoff: not queued
    assert queue_text(one, NOON + 9) == "1 pending: FAILED (1)"


def test_callback_and_resources_lines(berlin: None) -> None:
    timefmt.set_utc(True)
    wf = workflow_pb2.WorkflowInfo()
    ev = wf.events.add(message="callback POST http://127.0.0.1:1/x gave up after 3 attempts; last answered 500",
                       state=workflow_pb2.WORKFLOW_STATE_FAILED)
    ev.timestamp.FromSeconds(NOON)
    assert callback_text([wf]) == ("FAILED 2026-12-06 12:00:00 UTC: callback POST http://127.0.0.1:1/x gave up "
                                   "after 3 attempts; last answered 500")
    assert callback_text([workflow_pb2.WorkflowInfo()]) == ""
    res = pod_pb2.Resources(cpu=0.5, memory_bytes=64 * 2**20)
    res.custom["gpu"] = 1
    assert resources_text(res) == "cpu 0.5, memory 64 MiB, gpu=1"
