"""Small fakes for in-process engine tests: an executor that starts nothing, and hosts that
implement the scheduler's and the workflow driver's Protocols (pelorus/engine/ports.py) over a
real SQLite store in a temporary directory, without an Engine.

The fake hosts keep only what the rule under test needs: pods change state as the driver asks
and every call is recorded, so a test reads what the scheduler or the workflows decided."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Coroutine
from pathlib import Path
from typing import Any

from pelorus.api import job_pb2, pod_pb2
from pelorus.engine import validation
from pelorus.engine.executors.base import Executor, LaunchRequest, OutputStream, PodHandle
from pelorus.engine.records import JobRecord, pod_id, pod_name
from pelorus.engine.store import Store
from pelorus.engine.timeutil import now, set_timestamp

P = pod_pb2
J = job_pb2


class FakeExecutor(Executor):
    """Starts nothing: launches and kills are recorded (a launch can be made to fail)."""

    name = "fake"

    def __init__(self) -> None:
        super().__init__(None)  # type: ignore[arg-type]  # no events: nothing ever runs
        self.launched: list[str] = []
        self.killed: list[tuple[str, float, str]] = []
        self.fail_launch: Exception | None = None

    async def launch(self, request: LaunchRequest) -> PodHandle:
        if self.fail_launch is not None:
            raise self.fail_launch
        self.launched.append(request.pod_id)
        return PodHandle(pid=1000 + len(self.launched), host="fakehost")

    async def kill(self, pod_id: str, grace_period: float, reason: str = "KILLED", message: str = "") -> None:
        self.killed.append((pod_id, grace_period, reason))

    async def adopt(self, request: LaunchRequest, handle: PodHandle, output_offsets: dict[OutputStream, int]) -> bool:
        return False


def job(job_id: str, instances: int = 1, *, priority: int = 0, parallelism: int = 0, unique_key: str = "",
        created: float = 0.0, version: int = 1) -> JobRecord:
    """A RUNNING job whose instances have no run yet (a test gives them one with `pending`)."""
    spec = job_pb2.JobSpec(name=job_id, instance_count=instances, priority=priority, parallelism=parallelism,
                           unique_key=unique_key)
    spec.default_spec.command = "true"
    status = job_pb2.JobStatus(state=J.JOB_STATE_RUNNING, desired_state=J.JOB_STATE_RUNNING)
    status.version.value = version
    set_timestamp(status.created_at, created or now())
    rec = JobRecord(job_id, spec, status)
    for inst in range(instances):
        pod = pod_pb2.PodInfo(pod_name=pod_name(job_id, inst), job_id=job_id, instance_id=inst)
        pod.status.state = P.POD_STATE_INITIALIZED
        rec.pods[inst] = pod
        rec.pod_versions[inst] = version
    return rec


class FakeHost:
    """The engine as the scheduler and the workflow driver see it (ports.SchedulerHost and
    ports.WorkflowHost), with the pod bookkeeping reduced to what their rules depend on."""

    def __init__(self, data_dir: Path, max_running_pods: int = 256) -> None:
        self.jobs: dict[str, JobRecord] = {}
        self.store = Store(data_dir / "engine.db")
        self.max_running_pods = max_running_pods
        self.host = "fakehost"
        self.executor: Executor = FakeExecutor()
        self.commits = 0
        self.marked_jobs: list[str] = []
        self.deferred: list[tuple[str, object]] = []
        self.begun: list[tuple[str, float]] = []
        self.failures: list[tuple[str, int]] = []
        self.removed: list[tuple[str, int]] = []
        self.kills: list[tuple[str, int, int, str]] = []
        self.tasks: list[asyncio.Task[object]] = []
        self.scheduler_wakes = 0
        self.workflow_pokes = 0
        self.on_next_run: Any = None  # e.g. scheduler.enqueue, to hand new runs to a scheduler

    def close(self) -> None:
        self.store.close()

    def add(self, rec: JobRecord) -> JobRecord:
        self.jobs[rec.job_id] = rec
        return rec

    # -- Changes -----------------------------------------------------------------------
    def commit(self) -> None:
        self.commits += 1

    def mark_job(self, rec: JobRecord) -> None:
        self.marked_jobs.append(rec.job_id)

    def mark_pod(self, rec: JobRecord, inst: int, handle: PodHandle | None = None) -> None:
        self.marked_jobs.append(rec.job_id)

    # -- SchedulerHost -------------------------------------------------------------------
    def set_pod_state(self, rec: JobRecord, inst: int, state: pod_pb2.PodState, message: str = "",
                      reason: str = "", handle: PodHandle | None = None) -> None:
        st = rec.pods[inst].status
        st.state = state
        if message:
            st.message = message
        if reason:
            st.reason = reason

    def mark_started(self, rec: JobRecord, t: float) -> None:
        if not rec.status.HasField("started_at"):
            set_timestamp(rec.status.started_at, t)

    def begin_run(self, rec: JobRecord, t: float, instances: list[int] | None = None) -> None:
        self.begun.append((rec.job_id, t))

    def pod_spec(self, rec: JobRecord, inst: int) -> pod_pb2.PodSpec:
        return rec.spec.default_spec

    def kill_grace(self, rec: JobRecord, inst: int) -> float:
        return validation.kill_grace(self.pod_spec(rec, inst))

    def launch_request(self, rec: JobRecord, inst: int) -> LaunchRequest:
        pod = rec.pods[inst]
        return LaunchRequest(pod_id=pod.status.pod_id, pod_name=pod.pod_name, job_id=rec.job_id, instance_id=inst,
                             command=self.pod_spec(rec, inst).command)

    def finish_pod(self, rec: JobRecord, inst: int, state: pod_pb2.PodState, exit_code: int | None, reason: str,
                   message: str) -> None:
        st = rec.pods[inst].status
        st.state, st.reason, st.message = state, reason, message

    def after_failure(self, rec: JobRecord, inst: int) -> None:
        self.failures.append((rec.job_id, inst))

    async def kill_pod(self, rec: JobRecord, inst: int, then: pod_pb2.PodState, reason: str, message: str,
                       grace: float | None = None) -> None:
        st = rec.pods[inst].status
        self.kills.append((rec.job_id, inst, then, reason))
        st.state, st.desired_state, st.reason, st.message = P.POD_STATE_KILLING, then, reason, message

    def poke_workflows(self) -> None:
        self.workflow_pokes += 1

    # -- WorkflowHost --------------------------------------------------------------------
    def defer(self, kind: str, row: object) -> None:
        self.deferred.append((kind, row))

    def bump_version(self, rec: JobRecord, spec_changed: bool = False) -> int:
        rec.status.version.value = rec.version + 1
        return rec.version

    def spawn(self, coro: Awaitable[object], name: str) -> asyncio.Task[object]:
        task: asyncio.Task[object] = asyncio.get_running_loop().create_task(
            coro if isinstance(coro, Coroutine) else _await(coro), name=name)
        self.tasks.append(task)
        return task

    def new_pod(self, rec: JobRecord, inst: int, state: pod_pb2.PodState, t: float) -> pod_pb2.PodInfo:
        pod = pod_pb2.PodInfo(pod_name=pod_name(rec.job_id, inst), job_id=rec.job_id, instance_id=inst)
        pod.status.state = state
        rec.pods[inst] = pod
        rec.pod_versions[inst] = rec.version
        return pod

    def next_run(self, rec: JobRecord, inst: int, *, delay: float = 0.0, attempt: int = 1,
                 reset_successes: bool = False, message: str = "") -> None:
        """A new PENDING run of the instance (as the Engine's next_run, without the events)."""
        old = rec.pods.get(inst) or self.new_pod(rec, inst, P.POD_STATE_INITIALIZED, now())
        pod = pod_pb2.PodInfo(pod_name=old.pod_name, job_id=rec.job_id, instance_id=inst)
        st = pod.status
        st.run = old.status.run + 1
        st.pod_id = pod_id(old.pod_name, st.run)
        st.attempt = attempt
        st.state = P.POD_STATE_PENDING
        st.desired_state = P.POD_STATE_RUNNING
        st.message = message
        if delay > 0:
            set_timestamp(st.next_attempt_at, now() + delay)
        rec.pods[inst] = pod
        if self.on_next_run is not None:
            self.on_next_run(rec, inst, now() + delay)

    def remove_instance(self, rec: JobRecord, inst: int) -> None:
        rec.pods.pop(inst)
        rec.pod_versions.pop(inst, None)
        self.removed.append((rec.job_id, inst))

    def wake_scheduler(self) -> None:
        self.scheduler_wakes += 1


async def _await(aw: Awaitable[object]) -> object:
    return await aw
