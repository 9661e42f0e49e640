"""In-memory records the engine keeps for each job, and the pure rules that derive a
job's status from its pods. No I/O here, so the rules are easy to test and reuse."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from pelorus.api import job_pb2, pod_pb2, watch_service_pb2, workflow_pb2
from pelorus.engine import validation
from pelorus.engine.states import ACTIVE_POD_STATES, TERMINAL_POD_STATES

_PROGRESS = re.compile(r"^::progress\s+(.*)$")
_PAIR = re.compile(r"(successful|failed|remaining)=(\d+)")


def pod_name(job_id: str, instance_id: int) -> str:
    return f"{job_id}-{instance_id}"


def pod_id(name: str, run: int) -> str:
    return f"{name}-{run}"


def parse_progress(line: str) -> dict[str, int] | None:
    """`::progress successful=N failed=N remaining=N` -> counts (any subset of the keys)."""
    m = _PROGRESS.match(line)
    if m is None:
        return None
    pairs = {k: int(v) for k, v in _PAIR.findall(m.group(1))}
    return pairs or None


@dataclass
class WorkflowRun:
    """An active rolling workflow: what is left, what is in flight, what is done.

    `current` maps an instance to the first pod run that counts as "rolled": the
    instance is done once its run number reaches it and the pod is running or finished.
    """

    info: workflow_pb2.WorkflowInfo
    todo: list[int] = field(default_factory=list)
    current: dict[int, int] = field(default_factory=dict)
    done: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    target_version: int = 0
    previous_version: int = 0

    @property
    def workflow_id(self) -> str:
        return self.info.status.workflow_id

    def progress_json(self) -> str:
        import json

        return json.dumps({"todo": self.todo, "current": self.current, "done": self.done, "failed": self.failed,
                           "target_version": self.target_version, "previous_version": self.previous_version})

    @classmethod
    def from_json(cls, info: workflow_pb2.WorkflowInfo, text: str) -> WorkflowRun:
        import json

        data = json.loads(text or "{}")
        return cls(info, list(data.get("todo", [])), {int(k): v for k, v in data.get("current", {}).items()},
                   list(data.get("done", [])), list(data.get("failed", [])), data.get("target_version", 0),
                   data.get("previous_version", 0))


def is_live_status(st: job_pb2.JobStatus) -> bool:
    """A job the engine keeps working on by itself: not finished, or with a run scheduled,
    or with a workflow rolling (see jobcache.py). A job created stopped and never started
    (INITIALIZED, no run scheduled) is not: nothing happens to it until a request starts it."""
    from pelorus.engine.states import ACTIVE_WORKFLOW_STATES, TERMINAL_JOB_STATES

    if st.HasField("next_run_at") or st.workflow_status.state in ACTIVE_WORKFLOW_STATES:
        return True
    return st.state not in TERMINAL_JOB_STATES and st.state != job_pb2.JOB_STATE_INITIALIZED


def summary_from_rows(job_id: str, spec_bytes: bytes, status_bytes: bytes) -> job_pb2.JobSummary:
    """A JobSummary from a stored job's spec and status (what JobRecord.summary() gives)."""
    spec = job_pb2.JobSpec.FromString(spec_bytes)
    s = job_pb2.JobSummary(job_id=job_id, name=spec.name, owner=spec.owner, namespace=spec.namespace or "default",
                           instance_count=spec.instance_count, priority=spec.priority)
    s.labels.update(spec.labels)
    s.status.MergeFromString(status_bytes)
    return s


@dataclass
class JobRecord:
    job_id: str
    spec: job_pb2.JobSpec
    status: job_pb2.JobStatus
    pods: dict[int, pod_pb2.PodInfo] = field(default_factory=dict)
    # Job spec version each instance's current run was started from.
    pod_versions: dict[int, int] = field(default_factory=dict)
    workflow: WorkflowRun | None = None
    latest_workflow: workflow_pb2.WorkflowInfo | None = None
    idempotency_key: str | None = None

    @property
    def version(self) -> int:
        return int(self.status.version.value)

    def summary(self) -> job_pb2.JobSummary:
        s = job_pb2.JobSummary(job_id=self.job_id, name=self.spec.name, owner=self.spec.owner,
                               namespace=self.spec.namespace or "default", instance_count=self.spec.instance_count,
                               priority=self.spec.priority)
        s.labels.update(self.spec.labels)
        s.status.CopyFrom(self.status)
        return s

    def job_change(self, deleted: bool = False) -> watch_service_pb2.Change:
        return watch_service_pb2.Change(job=self.summary(), deleted=deleted)

    def count_pods(self) -> Counter[int]:
        return Counter(p.status.state for p in self.pods.values())

    def active_pods(self) -> int:
        return sum(1 for p in self.pods.values() if p.status.state in ACTIVE_POD_STATES)

    def pods_started(self) -> bool:
        """Has any instance been given a run yet (a job created stopped has none)?"""
        return any(p.status.run > 0 for p in self.pods.values())

    def all_terminal(self) -> bool:
        return all(p.status.state in TERMINAL_POD_STATES for p in self.pods.values())

    def instance_done(self, pod: pod_pb2.PodInfo) -> bool:
        return (pod.status.state == pod_pb2.POD_STATE_SUCCEEDED
                and pod.status.successful_runs >= validation.completions(self.spec))

    def killed_on_request(self) -> int:
        return sum(1 for p in self.pods.values()
                   if p.status.state == pod_pb2.POD_STATE_KILLED and p.status.reason == "KILLED_ON_REQUEST")

    def failure_summary(self, limit: int = 3) -> str:
        """The first few failed instances and why, for the job's terminal message."""
        failed = [(i, p.status) for i, p in sorted(self.pods.items())
                  if p.status.state in (pod_pb2.POD_STATE_FAILED, pod_pb2.POD_STATE_LOST)]
        parts = [f"instance {i}: {st.message or st.reason}" + (f" (attempt {st.attempt})" if st.attempt > 1 else "")
                 for i, st in failed[:limit]]
        if len(failed) > limit:
            parts.append(f"and {len(failed) - limit} more")
        return "; ".join(parts)

    def refresh_aggregates(self, now: float) -> None:
        """Recompute pod_stats, progress and instance counts from the pods."""
        st = self.status
        counts = self.count_pods()
        st.ClearField("pod_stats")
        for state, n in counts.items():
            st.pod_stats[pod_pb2.PodState.Name(state)] = n
        done = failed = 0
        succ = fail = rem = 0
        reporting = 0
        latest = 0.0
        run = st.run_count
        for p in self.pods.values():
            ps = p.status
            if self.instance_done(p):
                done += 1
            elif ps.state in (pod_pb2.POD_STATE_FAILED, pod_pb2.POD_STATE_LOST) or (
                    ps.state == pod_pb2.POD_STATE_KILLED and ps.reason != "KILLED_ON_REQUEST"):
                failed += 1  # an instance an operator stopped on purpose is not a failure
            # Progress is the current run's: a pod still on an earlier run of the job (not yet
            # restarted) has not reported for this one. job_run 0: stored before runs were tagged.
            if ps.job_run not in (run, 0):
                continue
            pr = ps.progress
            if not pr.HasField("updated_at"):
                continue
            reporting += 1
            succ += pr.successful
            fail += pr.failed
            rem += pr.remaining
            latest = max(latest, pr.updated_at.seconds + pr.updated_at.nanos / 1e9)
        st.instances_done = done
        st.instances_failed = failed
        prog = st.progress
        prog.successful, prog.failed, prog.remaining = succ, fail, rem
        prog.run = run
        prog.instances_reporting = reporting
        prog.instances_total = self.spec.instance_count
        if latest:
            prog.updated_at.FromNanoseconds(int(latest * 1e9))
        else:
            prog.ClearField("updated_at")
        if st.HasField("started_at"):
            start = st.started_at.seconds + st.started_at.nanos / 1e9
            end = (st.ended_at.seconds + st.ended_at.nanos / 1e9) if st.HasField("ended_at") else now
            prog.elapsed.FromNanoseconds(max(0, int((end - start) * 1e9)))
