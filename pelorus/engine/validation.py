"""Spec validation: every problem names its field, nothing is half-written on error."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pelorus.api import job_pb2, pod_pb2
from pelorus.engine import schedules
from pelorus.engine.errors import invalid
from pelorus.engine.limits import MAX_INSTANCES, field_limit
from pelorus.engine.timeutil import duration_seconds

if TYPE_CHECKING:
    from pelorus.engine.executors.base import Executor

MAX_NAME_LENGTH = field_limit("pelorus.v1.JobSpec", "name").length


def validate_job_spec(spec: job_pb2.JobSpec, executor: Executor | None = None) -> None:
    """What the spec means; sizes, numbers, enums and times were checked on the request
    (requestcheck.py). With `executor`: also that it can run what the spec asks for."""
    if not spec.name.strip():
        raise invalid("spec.name", "must not be empty")
    if len(spec.name) > MAX_NAME_LENGTH:
        raise invalid("spec.name", f"longer than {MAX_NAME_LENGTH} characters")
    if spec.instance_count == 0:
        raise invalid("spec.instance_count", "must be at least 1")
    if spec.instance_count > MAX_INSTANCES:
        raise invalid("spec.instance_count", f"must be at most {MAX_INSTANCES}")
    if spec.max_failed_instances > spec.instance_count:
        raise invalid("spec.max_failed_instances", "cannot exceed instance_count")
    validate_pod_spec(spec.default_spec, "spec.default_spec")
    schedules.validate(spec.schedule)
    if duration_seconds(spec.ttl_after_finished) < 0:
        raise invalid("spec.ttl_after_finished", "must not be negative")
    if spec.callback_url and not spec.callback_url.startswith(("http://", "https://")):
        raise invalid("spec.callback_url", f"{spec.callback_url!r} is not an http(s) URL")
    if executor is not None:
        res = spec.default_spec.resources
        why = executor.never_fits(res.cpu, res.memory_bytes, dict(res.custom))
        if why:
            raise invalid("spec.default_spec.resources", why)
    if executor is not None and spec.default_spec.image and not executor.runs_images:
        raise invalid("spec.default_spec.image", f"the {executor.name!r} executor cannot run container images, "
                      f"so {spec.default_spec.image!r} would be ignored and the command run on the host; "
                      "clear image, or use an engine whose executor runs containers")


def validate_pod_spec(pod: pod_pb2.PodSpec, field: str) -> None:
    if not pod.command.strip():
        raise invalid(f"{field}.command", "must not be empty")
    for name, value in ((".active_deadline", pod.active_deadline), (".kill_grace_period", pod.kill_grace_period),
                        (".backoff.delay", pod.backoff.delay), (".backoff.max_delay", pod.backoff.max_delay)):
        if duration_seconds(value) < 0:
            raise invalid(field + name, "must not be negative")
    if pod.resources.cpu < 0:
        raise invalid(f"{field}.resources.cpu", "must not be negative")
    for key in pod.env:
        if not key or "=" in key or "\0" in key:
            raise invalid(f"{field}.env", f"invalid variable name {key!r}")


def completions(spec: job_pb2.JobSpec) -> int:
    return spec.completions or 1


def max_attempts(pod: pod_pb2.PodSpec) -> int:
    if pod.restart_policy == pod_pb2.RESTART_POLICY_NEVER:
        return 1
    return pod.max_attempts or (3 if pod.restart_policy == pod_pb2.RESTART_POLICY_ON_FAILURE else 0)


def backoff_delay(pod: pod_pb2.PodSpec, failures: int) -> float:
    """Delay before the next attempt after `failures` consecutive failures (>= 1)."""
    base = duration_seconds(pod.backoff.delay) or 1.0
    if pod.backoff.kind == pod_pb2.Backoff.KIND_EXPONENTIAL:
        cap = duration_seconds(pod.backoff.max_delay) or 300.0
        return float(min(cap, base * (2 ** max(0, failures - 1))))
    return base


def kill_grace(pod: pod_pb2.PodSpec) -> float:
    return duration_seconds(pod.kill_grace_period) if pod.HasField("kill_grace_period") else 10.0
