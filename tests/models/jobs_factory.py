"""Deterministic JobSummary messages for the model tests."""

from __future__ import annotations

from typing import Any

from pelorus.api import job_pb2

STATES = ["RUNNING", "PENDING", "SUCCEEDED", "FAILED", "KILLED"]
OWNERS = ["alice", "bob", "carol"]


def make_job(i: int, *, state: str | None = None, owner: str | None = None, name: str | None = None,
             priority: int | None = None, labels: dict[str, str] | None = None, version: int = 1,
             namespace: str = "", pods: dict[str, int] | None = None,
             progress: tuple[int, int, int] = (0, 0, 0), workflow: tuple[int, int] = (0, 0),
             created: int | None = None, updated: int | None = None, **_: Any) -> job_pb2.JobSummary:
    """A deterministic JobSummary; every field the table shows can be overridden."""
    s = job_pb2.JobSummary(
        job_id=f"job-{i:06d}",
        name=name if name is not None else f"job {i:06d}",
        owner=owner if owner is not None else OWNERS[i % len(OWNERS)],
        namespace=namespace,
        instance_count=4,
        priority=priority if priority is not None else i % 10,
    )
    s.labels.update(labels if labels is not None else {"team": f"t{i % 4}"})
    st = s.status
    st.state = job_pb2.JobState.Value("JOB_STATE_" + (state or STATES[i % len(STATES)]))
    st.version.value = version
    for k, v in (pods if pods is not None else {"RUNNING": i % 3, "PENDING": 1}).items():
        st.pod_stats["POD_STATE_" + k] = v
    st.progress.successful, st.progress.failed, st.progress.remaining = progress
    st.workflow_status.type, st.workflow_status.state = workflow
    st.created_at.seconds = created if created is not None else 1_700_000_000 + i
    st.updated_at.seconds = updated if updated is not None else 1_700_000_000 + 2 * i
    return s

