"""When a job's next run is due: run-at, fixed interval or cron (via croniter)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import CroniterError, croniter

from pelorus.api import job_pb2
from pelorus.engine.errors import invalid
from pelorus.engine.limits import CRON_HORIZON_YEARS
from pelorus.engine.timeutil import duration_seconds, from_timestamp

MIN_INTERVAL_SECONDS = 0.5


def validate(schedule: job_pb2.Schedule) -> None:
    """Raise INVALID_ARGUMENT naming the field when the schedule cannot be evaluated."""
    kind = schedule.WhichOneof("when")
    if kind == "cron":
        fields = len(schedule.cron.split())
        if fields != 5 or not croniter.is_valid(schedule.cron):
            got = f"; it has {fields} field{'s' if fields != 1 else ''}" if fields != 5 else ""
            raise invalid("spec.schedule.cron", f"{schedule.cron!r} is not a valid cron expression "
                          f"(expected 5 fields: minute hour day-of-month month day-of-week{got})")
        _check_fires(schedule)
    elif kind == "every":
        if duration_seconds(schedule.every) < MIN_INTERVAL_SECONDS:
            raise invalid("spec.schedule.every", f"interval must be at least {MIN_INTERVAL_SECONDS} s")
    if schedule.timezone:
        _zone(schedule.timezone)


def _check_fires(schedule: job_pb2.Schedule) -> None:
    """A valid expression that never matches a date (`0 0 31 2 *`) would leave the job
    scheduled forever; refuse it, and one that first fires only decades from now."""
    horizon = CRON_HORIZON_YEARS * 366 * 86400.0
    start = time.time()
    try:
        first = next_cron(schedule, start)
    except (CroniterError, ValueError, OverflowError):
        first = float("inf")
    if first - start > horizon:
        raise invalid("spec.schedule.cron", f"{schedule.cron!r} never fires in the next {CRON_HORIZON_YEARS} years "
                      "(e.g. a day that month does not have)")


def _zone(name: str) -> ZoneInfo | timezone:
    if not name:
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise invalid("spec.schedule.timezone", f"unknown time zone {name!r}") from None


def is_recurring(schedule: job_pb2.Schedule) -> bool:
    return schedule.WhichOneof("when") in ("every", "cron")


def first_run(schedule: job_pb2.Schedule, created: float) -> float:
    """Time of the first run: 0 means now."""
    kind = schedule.WhichOneof("when")
    if kind == "at":
        return max(from_timestamp(schedule.at), created)
    if kind == "cron":
        return next_cron(schedule, created)
    return created


def next_run(schedule: job_pb2.Schedule, last_start: float, now: float) -> float:
    """Next run after one that started at last_start; 0 when nothing more is scheduled.
    Missed runs (engine down) collapse into one run now rather than a burst."""
    kind = schedule.WhichOneof("when")
    if kind == "every":
        due = last_start + duration_seconds(schedule.every)
        return max(due, now) if due < now else due
    if kind == "cron":
        return next_cron(schedule, max(last_start, now))
    return 0.0


def next_cron(schedule: job_pb2.Schedule, after: float) -> float:
    start = datetime.fromtimestamp(after, _zone(schedule.timezone))
    return float(croniter(schedule.cron, start).get_next(float))
