"""The engine: the cache of jobs and pods, the one place that changes them, and the
commit-then-publish discipline every change goes through.

Everything runs on one asyncio loop, so there are no locks: a handler mutates the
cache, marks what it touched dirty, and `commit()` writes all of it (plus the change
log) in one SQLite transaction before anything is acknowledged or streamed.

Scheduling (which pending pod runs next) lives in `scheduler.py`, rolling workflows in
`workflows.py`; both act through the small interfaces of `ports.py`, which the Engine
implements, and never import this module. Servicers change and read state inside
`unit_of_work()`, which commits and publishes (a read of one job, GetJob, uses
`committed_job()`): they never call `commit()` themselves.
"""

from __future__ import annotations

import asyncio
import heapq
import json
import logging
import socket
import time
import uuid
from collections.abc import Awaitable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import cast

import grpc
from google.protobuf import json_format

from pelorus.api import job_pb2, pod_pb2, watch_service_pb2, workflow_pb2
from pelorus.engine import callbacks, caller, schedules, validation
from pelorus.engine.errors import EngineError, invalid, not_found, precondition, stale_version
from pelorus.engine.executors.base import Executor, ExitInfo, LaunchRequest, OutputStream, PodHandle
from pelorus.engine.jobcache import JobCache
from pelorus.engine.progress_history import ProgressHistory
from pelorus.engine.records import (
    JobRecord,
    WorkflowRun,
    is_live_status,
    parse_progress,
    pod_id,
    pod_name,
    summary_from_rows,
)
from pelorus.engine.scheduler import Scheduler
from pelorus.engine.states import (
    ACTIVE_POD_STATES,
    ACTIVE_WORKFLOW_STATES,
    TERMINAL_JOB_STATES,
    TERMINAL_POD_STATES,
    short,
)
from pelorus.engine.store import CHANGE_JOB, CHANGE_POD, SpecVersion, Store
from pelorus.engine.timeutil import duration_seconds, from_timestamp, now, set_timestamp
from pelorus.engine.watchhub import PublishedChange, WatchHub
from pelorus.engine.workflows import WorkflowDriver
from pelorus.tasks import TaskSet

log = logging.getLogger("pelorus.engine")

P = pod_pb2
J = job_pb2
W = workflow_pb2

# How long the log flusher gathers output after the first line before it stores the batch:
# lines reach GetPodLogs followers within this plus the executor's OUTPUT_COALESCE.
LOG_FLUSH_INTERVAL = 0.03
MAINTENANCE_INTERVAL = 1.0
# The most a change made by the engine itself (not by a request) waits to be committed.
COMMIT_DELAY = 0.005
MAX_LOG_LINE = 64 * 1024
# A finished job looked up by a request stays in memory this long after its last lookup
# (seconds); the sweep runs every EVICT_INTERVAL.
COLD_AFTER = 60.0
EVICT_INTERVAL = 10.0
# At most this many finished jobs stay in memory however recently they were used: past it, the
# least recently used are dropped (each costs the engine ~25 KB with 10 pods).
MAX_COLD_RESIDENT = 1000


@dataclass
class EngineConfig:
    data_dir: Path
    max_running_pods: int = 256
    usage_interval: float = 5.0
    callback_attempts: int = callbacks.ATTEMPTS
    callback_first_delay: float = callbacks.FIRST_DELAY
    max_cold_resident: int = MAX_COLD_RESIDENT  # finished jobs kept in memory at most (see jobcache.py)

    @property
    def db_path(self) -> Path:
        return self.data_dir / "engine.db"

    @property
    def spool_dir(self) -> Path:
        return self.data_dir / "spool"


class Engine:
    """Owns the store, the cache and the executor. One per engine process."""

    def __init__(self, config: EngineConfig, executor: Executor | None = None) -> None:
        self.config = config
        self.store = Store(config.db_path)
        self.hub = WatchHub()
        self.jobs = JobCache(self._load_job)  # live jobs, and finished ones while in use
        self.max_cold_resident = max(1, config.max_cold_resident)
        self.jobs.on_grown = self._cold_grown
        self.jobs.grown_past = self.max_cold_resident
        self._trim_handle: asyncio.Handle | None = None
        self.host = socket.gethostname()
        if executor is None:
            from pelorus.engine.executors.local import LocalExecutor

            executor = LocalExecutor(self, config.spool_dir)
        self.executor = executor
        self._pod_index: dict[str, tuple[str, int]] = {}  # pod_id of a current run -> (job_id, instance)
        self._dirty_jobs: set[str] = set()
        self._dirty_pods: dict[str, tuple[str, int, str | None]] = {}  # pod_name -> (job_id, instance, handle)
        self._deferred: list[tuple[str, object]] = []  # extra rows written with the next commit
        self._commit_handle: asyncio.TimerHandle | None = None
        self._log_rows: list[tuple[str, str, int, float, int, str]] = []
        # (expires_at, job_id) of finished jobs with a time-to-live, resident or not; an entry
        # made stale by a later change is checked against the job when it comes due.
        self._expiry: list[tuple[float, str]] = []
        self._log_seq: dict[str, int] = {}
        self._log_followers: dict[str, set[asyncio.Event]] = {}
        self._offsets_dirty: set[str] = set()
        self._logs_waiting = asyncio.Event()  # output is waiting for _log_flusher
        self._tasks = TaskSet("engine")
        self.started_at = now()
        # Each is handed the Engine as its host Protocol (ports.py): mypy checks the Engine provides it.
        self.scheduler = Scheduler(self)
        self.workflows = WorkflowDriver(self)
        self.progress = ProgressHistory(self)

    # -- what the scheduler and the workflows see (ports.py) ---------------------------
    @property
    def max_running_pods(self) -> int:
        return self.config.max_running_pods

    def poke_workflows(self) -> None:
        self.workflows.poke_all()

    def wake_scheduler(self) -> None:
        self.scheduler.wake()

    # -- lifecycle ------------------------------------------------------------------
    async def start(self) -> None:
        await self.executor.start()
        self._load()
        await self._reconcile_pods()
        self.workflows.resume_all()
        for rec in self.jobs.values():
            if self.workflows.stop_pending(rec):
                self.mark_job(rec)  # a STOP the previous process left rolling: settled on commit
        self.commit()
        self.spawn(self.scheduler.run(), "scheduler")
        self.spawn(self._log_flusher(), "log-flusher")
        self.spawn(self._maintenance(), "maintenance")
        self.scheduler.wake()

    async def stop(self, stop_pods: bool = False) -> None:
        if stop_pods:
            await self.kill_everything()
        await asyncio.gather(*self._tasks.cancel_all(), return_exceptions=True)
        if stop_pods:
            # Whatever the executor still runs or is starting, known to a record or not (a launch the
            # scheduler's cancel cut short, a record that moved on while its batch launched): no pod
            # outlives an engine that was asked to stop them. Their ends are recorded below.
            await self.executor.kill_all(grace_period=0.0, timeout=5.0)
            # What their ends set off (a workflow advancing) is not run: the engine is going away.
            await asyncio.gather(*self._tasks.cancel_all(), return_exceptions=True)
        self._flush_logs()
        self.commit()
        self.progress.close()
        await self.executor.close()
        self.store.close()

    async def kill_everything(self, timeout: float = 15.0) -> None:
        """Stop every active pod (used by tests and `serve --stop-pods-on-exit`). The scheduler
        launches nothing more meanwhile (a retry or the next instance of a job would start after
        this pass and run on)."""
        self.scheduler.hold()
        for rec in list(self.jobs.values()):
            for inst, pod in rec.pods.items():
                if pod.status.state in ACTIVE_POD_STATES and pod.status.state != P.POD_STATE_KILLING:
                    await self.kill_pod(rec, inst, P.POD_STATE_KILLED, "KILLED_ON_REQUEST", "engine shut down",
                                        grace=min(2.0, self.kill_grace(rec, inst)))
        self.commit()
        deadline = now() + timeout
        while now() < deadline and any(p.status.state in ACTIVE_POD_STATES
                                       for r in self.jobs.values() for p in r.pods.values()):
            await asyncio.sleep(0.05)

    def spawn(self, coro: Awaitable[object], name: str) -> asyncio.Future[object]:
        return self._tasks.start(coro, name)

    def _load(self) -> None:
        """Load the live jobs (see jobcache.py); finished ones stay in the store until asked for."""
        live: list[str] = []
        active_names = [P.PodState.Name(s) for s in ACTIVE_POD_STATES]
        for job_id, status_bytes in self.store.job_statuses():
            st = J.JobStatus.FromString(status_bytes)
            # pod_stats is committed with the pods it counts (one transaction): no pod table scan.
            if is_live_status(st) or any(st.pod_stats.get(name) for name in active_names):
                live.append(job_id)
            if st.HasField("expires_at"):
                self._expiry.append((from_timestamp(st.expires_at), job_id))
        heapq.heapify(self._expiry)
        for job_id in live:
            self._load_job(job_id)

    def _load_job(self, job_id: str) -> JobRecord | None:
        """Read one job with its pods and workflow from the store into the cache (the
        JobCache's loader); None if the store has no such job."""
        stored = self.store.load_job(job_id)
        if stored is None:
            return None
        rec = JobRecord(stored.job_id, stored.spec, stored.status, idempotency_key=stored.idempotency_key)
        for sp in self.store.load_pods(job_id):
            rec.pods[sp.info.instance_id] = sp.info
            rec.pod_versions[sp.info.instance_id] = sp.spec_version
            if sp.info.status.pod_id:
                self._pod_index[sp.info.status.pod_id] = (rec.job_id, sp.info.instance_id)
                if sp.info.status.pod_id not in self._log_seq:
                    self._log_seq[sp.info.status.pod_id] = self.store.last_log_seq(sp.info.status.pod_id)
        workflows = self.store.workflows(rec.job_id)
        if workflows:
            info, progress = workflows[0]
            rec.latest_workflow = info
            if info.status.state in ACTIVE_WORKFLOW_STATES and info.status.type in (
                    W.WORKFLOW_TYPE_RESTART, W.WORKFLOW_TYPE_UPDATE):
                rec.workflow = WorkflowRun.from_json(info, progress)
                self.workflows.track(rec)
        self.jobs[rec.job_id] = rec
        return rec

    def _is_cold(self, rec: JobRecord) -> bool:
        """Finished and idle: nothing the engine does on its own will touch it again."""
        return (not is_live_status(rec.status) and rec.workflow is None and not rec.active_pods()
                and rec.job_id not in self._dirty_jobs and self.progress.idle(rec.job_id)
                and not any(p.status.state == P.POD_STATE_PENDING for p in rec.pods.values()))

    def _evict_cold(self, older_than: float) -> int:
        """Drop finished jobs not looked up since `older_than` (monotonic) from memory; they
        stay in the store and are read again when asked for."""
        evicted = 0
        for job_id in self.jobs.unused_since_before(older_than):
            if self._evictable(job_id):
                self._evict(job_id)
                evicted += 1
        return evicted

    def _cold_grown(self) -> None:
        """More jobs are resident than the last trim left (plus the finished ones allowed): trim
        soon, once the request that added one is done with it, not inside its lookup."""
        if self._trim_handle is None:
            try:
                self._trim_handle = asyncio.get_running_loop().call_soon(self._trim_cold)
            except RuntimeError:  # no loop (in-process tests): the maintenance sweep does it
                pass

    def _trim_cold(self) -> int:
        """Drop the least recently used finished jobs while more than ``max_cold_resident`` of
        them are in memory, keeping half of the allowance; returns how many went."""
        self._trim_handle = None
        resident = self.jobs.least_recently_used()
        cold = [job_id for job_id in resident if self._evictable(job_id)]
        keep = self.max_cold_resident // 2
        evicted = 0
        if len(cold) > self.max_cold_resident:
            for job_id in cold[:len(cold) - keep]:
                self._evict(job_id)
                evicted += 1
        # Trim again once the finished ones could have grown past the allowance.
        self.jobs.grown_past = len(self.jobs) + self.max_cold_resident - (len(cold) - evicted)
        return evicted

    def _evictable(self, job_id: str) -> bool:
        rec = dict.get(self.jobs, job_id)
        return (rec is not None and self._is_cold(rec)
                and not any(pod.pod_name in self._dirty_pods for pod in rec.pods.values()))

    def _evict(self, job_id: str) -> None:
        rec = self.jobs.pop(job_id)
        if rec is None:
            return
        self.progress.forget(job_id)
        for pod in rec.pods.values():
            pid = pod.status.pod_id
            if self._pod_index.get(pid, ("",))[0] == job_id:
                del self._pod_index[pid]
            if pid not in self._log_followers:
                self._log_seq.pop(pid, None)

    async def _reconcile_pods(self) -> None:
        """Pods that were active when the last engine process died: re-adopt or mark LOST."""
        for rec in list(self.jobs.values()):
            if not rec.active_pods():
                continue
            # Handles and offsets are store-only columns: read them for this job's pods alone.
            stored = {sp.info.pod_name: sp for sp in self.store.load_pods(rec.job_id)}
            for inst, pod in rec.pods.items():
                st = pod.status
                if st.state not in ACTIVE_POD_STATES:
                    continue
                sp = stored.get(pod.pod_name)
                handle_text = sp.handle if sp else ""
                launching = st.state == P.POD_STATE_LAUNCHING or not handle_text
                if launching:
                    # The engine died between starting the pod and recording it: find what it started.
                    found = await self.executor.find_launched(self.launch_request(rec, inst))
                    if found is None:
                        self.finish_pod(rec, inst, P.POD_STATE_LOST, None, "LOST",
                                         "the engine stopped while the pod was launching")
                        continue
                    handle = found
                    offsets = {OutputStream.STDOUT: 0, OutputStream.STDERR: 0}
                else:
                    handle = PodHandle(**json.loads(handle_text))
                    offsets = {OutputStream.STDOUT: sp.out_offset if sp else 0,
                               OutputStream.STDERR: sp.err_offset if sp else 0}
                adopted = await self.executor.adopt(self.launch_request(rec, inst), handle, offsets)
                if adopted and launching and st.state in (P.POD_STATE_LAUNCHING, P.POD_STATE_STARTING):
                    st.pid, st.host = handle.pid, handle.host or st.host
                    set_timestamp(st.started_at, now())
                    self.set_pod_state(rec, inst, P.POD_STATE_RUNNING,
                                       "running (found after an engine restart: it was launching)", handle=handle)
                elif adopted and launching:
                    self.mark_pod(rec, inst, handle)
                if adopted:
                    self.pod_event(rec, inst, "re-adopted after engine restart")
                    if st.state == P.POD_STATE_KILLING:  # the old process's SIGKILL timer died with it
                        await self.executor.kill(st.pod_id, self.kill_grace(rec, inst), reason=st.reason,
                                                 message=st.message)
                elif self._pod_index.get(st.pod_id) is not None:
                    self.finish_pod(rec, inst, P.POD_STATE_LOST, None, "LOST",
                                     "the pod's process was gone when the engine restarted and left no exit status")

    # -- commit & publish -----------------------------------------------------------
    def mark_job(self, rec: JobRecord) -> None:
        self._dirty_jobs.add(rec.job_id)
        self._schedule_commit()

    def mark_pod(self, rec: JobRecord, inst: int, handle: PodHandle | None = None) -> None:
        pod = rec.pods[inst]
        prev = self._dirty_pods.get(pod.pod_name)
        handle_text = json.dumps(handle.__dict__) if handle is not None else (prev[2] if prev else None)
        self._dirty_pods[pod.pod_name] = (rec.job_id, inst, handle_text)
        self._dirty_jobs.add(rec.job_id)
        self._schedule_commit()

    def defer(self, kind: str, row: object) -> None:
        """An append-only row (event, archived run) written in the next commit."""
        self._deferred.append((kind, row))
        self._schedule_commit()

    def _schedule_commit(self) -> None:
        """Commit what is marked within COMMIT_DELAY (a request that must see it durable
        commits at once itself): changes made by pods starting and ending close together go
        out in one transaction and one publish instead of one each."""
        if self._commit_handle is None:
            try:
                self._commit_handle = asyncio.get_running_loop().call_later(COMMIT_DELAY, self.commit)
            except RuntimeError:
                pass

    @contextmanager
    def unit_of_work(self, *, read_committed: bool = False) -> Iterator[Engine]:
        """A request's work on the engine; servicers change and read state only inside one.

        When the block ends, every change it made is written to the store in one transaction
        and then published to watchers, so a reply or a streamed item never gets ahead of what
        is durable. With `read_committed`, changes still pending from elsewhere (a pod that
        just exited, a scheduler tick) are committed first, so what the block reads - the
        cache, the store's revision, its events - is exactly what was committed and streamed.
        If the block raises, nothing is committed here: whatever it had marked goes out with
        the engine's next scheduled commit, as every marked change does."""
        if read_committed:
            self.commit()
        yield self
        self.commit()

    def committed_job(self, job_id: str) -> JobRecord:
        """The job as last committed and streamed, for a read that changes nothing (GetJob).

        Only the job's own pending changes are committed first. The engine has nearly always
        something pending elsewhere (a pod that just started or ended); committing that too,
        as `unit_of_work(read_committed=True)` does, made every read pay for a transaction and
        cut the batches of the scheduled commit short. A job that is not dirty is exactly what
        its last commit wrote and published: every change to it marks it dirty until then."""
        rec = self.job(job_id)
        if job_id in self._dirty_jobs:
            self.commit()
        return rec

    def commit(self) -> None:
        """Write every pending change in one transaction, then publish it to watchers."""
        if self._commit_handle is not None:
            self._commit_handle.cancel()
            self._commit_handle = None
        if not (self._dirty_jobs or self._dirty_pods or self._deferred):
            return
        t = now()
        published: list[PublishedChange] = []
        dirty_pods, self._dirty_pods = self._dirty_pods, {}
        dirty_jobs, self._dirty_jobs = self._dirty_jobs, set()
        deferred, self._deferred = self._deferred, []
        # A job written in full (created, spec or version changed) that this commit also derives and
        # writes the status of: one full write after the derivation instead of a full write
        # followed by a status update of the same row.
        full: dict[str, tuple[JobRecord, bool, SpecVersion | None, bool]] = {}
        with self.store.tx():
            for kind, row in deferred:
                if kind == "job":
                    job = cast("tuple[JobRecord, bool, SpecVersion | None, bool]", row)
                    job_id = job[0].job_id
                    if job_id in dirty_jobs and job_id not in full and self.jobs.get(job_id) is job[0]:
                        full[job_id] = job
                        continue
                self._write_deferred(kind, row)
            for job_id, inst, handle in dirty_pods.values():
                rec = self.jobs.get(job_id)
                if rec is None or inst not in rec.pods:
                    continue
                pod = rec.pods[inst]
                change = watch_service_pb2.Change(pod=pod)
                payload = self.store.add_change(change)
                pod.revision = change.revision
                self.store.put_pod(pod, rec.pod_versions.get(inst, rec.version), handle)
                published.append(PublishedChange(change.revision, CHANGE_POD, job_id, payload))
            for job_id in dirty_jobs:
                rec = self.jobs.get(job_id)
                if rec is None:
                    continue
                self._derive_job_state(rec, t)
                set_timestamp(rec.status.updated_at, t)
                self.progress.observe(rec, t)
                change = rec.job_change()
                payload = self.store.add_change(change)
                rec.status.revision = change.revision
                if job_id in full:
                    self._write_job(*full.pop(job_id))
                else:
                    self.store.put_job_status(job_id, rec.spec, rec.status)
                if rec.status.HasField("expires_at"):
                    heapq.heappush(self._expiry, (from_timestamp(rec.status.expires_at), job_id))
                published.append(PublishedChange(change.revision, CHANGE_JOB, job_id, payload))
            for job in full.values():  # not reached above (cannot happen today): written all the same
                self._write_job(*job)
        self.hub.publish(published)
        # Deriving state can dirty further things (a stop workflow finishing, a callback).
        if self._dirty_jobs or self._dirty_pods or self._deferred:
            self._schedule_commit()

    def _write_deferred(self, kind: str, row: object) -> None:
        if kind == "pod_event":
            job_id, name, event = cast("tuple[str, str, pod_pb2.PodEvent]", row)
            self.store.add_pod_event(job_id, name, event)
        elif kind == "run":
            self.store.archive_run(cast(pod_pb2.PodInfo, row))
        elif kind == "wf_event":
            job_id, wf_event, per_instance = cast("tuple[str, workflow_pb2.WorkflowEvent, bool]", row)
            self.store.add_workflow_event(job_id, wf_event, per_instance)
        elif kind == "workflow":
            job_id, info, progress = cast("tuple[str, workflow_pb2.WorkflowInfo, str]", row)
            self.store.put_workflow(job_id, info, progress)
        elif kind == "job":
            self._write_job(*cast("tuple[JobRecord, bool, SpecVersion | None, bool]", row))
        elif kind == "delete_pod":
            self.store.delete_pod(cast(str, row))

    def _write_job(self, rec: JobRecord, spec_changed: bool, meta: SpecVersion | None, new: bool) -> None:
        if meta is not None and rec.latest_workflow is not None:
            # The workflow the change started: recorded by the same request, before this commit.
            meta = replace(meta, workflow_id=rec.latest_workflow.status.workflow_id)
        self.store.put_job(rec.job_id, rec.spec, rec.status, rec.idempotency_key, spec_changed, meta, new=new)

    def publish_deleted(self, rec: JobRecord) -> None:
        """Log and publish the final (deleted) changes of a job and its pods."""
        published: list[PublishedChange] = []
        with self.store.tx():
            for pod in rec.pods.values():
                pod.status.state = P.POD_STATE_DELETED
                change = watch_service_pb2.Change(pod=pod, deleted=True)
                published.append(PublishedChange(0, CHANGE_POD, rec.job_id, self.store.add_change(change)))
                published[-1] = PublishedChange(change.revision, CHANGE_POD, rec.job_id, published[-1].payload)
            change = rec.job_change(deleted=True)
            payload = self.store.add_change(change)
            published.append(PublishedChange(change.revision, CHANGE_JOB, rec.job_id, payload))
            self.store.delete_job(rec.job_id)
        self.hub.publish(published)

    # -- job state derivation -------------------------------------------------------
    def _derive_job_state(self, rec: JobRecord, t: float) -> None:
        self._derive_state(rec, t)
        # A STOP workflow ends when the job's pods are down, whatever the job's state did.
        self.workflows.settle_stop(rec)

    def _derive_state(self, rec: JobRecord, t: float) -> None:
        st = rec.status
        rec.refresh_aggregates(t)
        old = st.state
        if old == J.JOB_STATE_DELETED:
            return
        active = rec.active_pods() > 0
        terminal = rec.all_terminal()
        if st.desired_state == J.JOB_STATE_KILLED:
            new = J.JOB_STATE_KILLING if active else J.JOB_STATE_KILLED
        elif old == J.JOB_STATE_INITIALIZED and not rec.pods_started():
            new = old
        elif terminal and rec.pods:
            if (schedules.is_recurring(rec.spec.schedule) and st.desired_state == J.JOB_STATE_RUNNING
                    and not st.HasField("next_run_at")):
                self.on_run_finished(rec)
            if st.HasField("next_run_at"):
                new = J.JOB_STATE_PENDING
            elif st.instances_failed > rec.spec.max_failed_instances:
                new = J.JOB_STATE_FAILED
            elif rec.killed_on_request():
                new = J.JOB_STATE_KILLED  # its instances were stopped by an operator, one by one
            else:
                new = J.JOB_STATE_SUCCEEDED
        elif active or st.HasField("started_at"):
            new = J.JOB_STATE_RUNNING
        else:
            new = J.JOB_STATE_PENDING
        if new == old:
            return
        st.state = new
        if new in TERMINAL_JOB_STATES:
            self._on_job_finished(rec, t)
        elif old in TERMINAL_JOB_STATES:
            st.ClearField("ended_at")
            st.ClearField("expires_at")

    def _on_job_finished(self, rec: JobRecord, t: float) -> None:
        st = rec.status
        set_timestamp(st.ended_at, t)
        n = rec.spec.instance_count
        if st.state == J.JOB_STATE_SUCCEEDED:
            st.reason, st.message = "SUCCEEDED", f"all {n} instance(s) succeeded"
        elif st.state == J.JOB_STATE_FAILED:
            st.reason = "FAILED"
            st.message = (f"{st.instances_failed} of {n} instance(s) failed "
                          f"(the job tolerates {rec.spec.max_failed_instances}): {rec.failure_summary()}")
        elif st.state == J.JOB_STATE_KILLED:
            st.reason = st.reason if st.reason.startswith("KILLED") else "KILLED_ON_REQUEST"
            st.message = st.message or f"{rec.killed_on_request()} instance(s) stopped by request"
        ttl = duration_seconds(rec.spec.ttl_after_finished)
        if rec.spec.HasField("ttl_after_finished"):
            set_timestamp(st.expires_at, t + ttl)
        self.scheduler.release_unique_key(rec)
        if rec.spec.callback_url and st.state in (J.JOB_STATE_SUCCEEDED, J.JOB_STATE_FAILED, J.JOB_STATE_KILLED):
            self.spawn(self._callback(rec.job_id, rec.spec.callback_url, self._final_state_payload(rec)),
                       f"callback-{rec.job_id}")

    def _final_state_payload(self, rec: JobRecord) -> dict[str, object]:
        return {"job_id": rec.job_id, "name": rec.spec.name, "state": short(J.JobState.Name(rec.status.state)),
                "reason": rec.status.reason, "message": rec.status.message,
                "status": json_format.MessageToDict(rec.status)}

    async def _callback(self, job_id: str, url: str, payload: dict[str, object]) -> None:
        ok, message = await callbacks.deliver(url, payload, self.config.callback_attempts,
                                              self.config.callback_first_delay)
        rec = self.jobs.get(job_id)
        if rec is not None:
            self.workflows.job_event(rec, message, W.WORKFLOW_STATE_SUCCEEDED if ok else W.WORKFLOW_STATE_FAILED)
            self.commit()

    # -- pods -----------------------------------------------------------------------
    def pod_spec(self, rec: JobRecord, inst: int) -> pod_pb2.PodSpec:
        version = rec.pod_versions.get(inst, rec.version)
        if version == rec.version:
            return rec.spec.default_spec
        spec = self.store.spec_at_version(rec.job_id, version)
        return (spec or rec.spec).default_spec

    def kill_grace(self, rec: JobRecord, inst: int) -> float:
        return validation.kill_grace(self.pod_spec(rec, inst))

    def launch_request(self, rec: JobRecord, inst: int) -> LaunchRequest:
        pod = rec.pods[inst]
        spec = self.pod_spec(rec, inst)
        env = dict(spec.env)
        env["PELORUS_RUN"] = str(pod.status.run)
        env["PELORUS_ATTEMPT"] = str(pod.status.attempt)
        if rec.spec.HasField("data"):
            import base64

            env["PELORUS_JOB_DATA"] = base64.b64encode(rec.spec.data.SerializeToString()).decode()
        return LaunchRequest(
            pod_id=pod.status.pod_id, pod_name=pod.pod_name, job_id=rec.job_id, instance_id=inst,
            command=spec.command, args=tuple(spec.args), env=env, working_dir=spec.working_dir, image=spec.image,
            cpu=spec.resources.cpu, memory_bytes=spec.resources.memory_bytes,
            custom_resources=dict(spec.resources.custom), labels=dict(spec.labels),
            kill_grace=validation.kill_grace(spec),
        )

    def pod_event(self, rec: JobRecord, inst: int, message: str = "", reason: str = "") -> None:
        pod = rec.pods[inst]
        st = pod.status
        ev = pod_pb2.PodEvent(pod_id=st.pod_id, actual_state=st.state, desired_state=st.desired_state,
                              host=st.host, reason=reason or st.reason, message=message or st.message,
                              prev_pod_id=st.prev_pod_id, attempt=st.attempt)
        set_timestamp(ev.timestamp, now())
        self.defer("pod_event", (rec.job_id, pod.pod_name, ev))

    def set_pod_state(self, rec: JobRecord, inst: int, state: pod_pb2.PodState, message: str = "", reason: str = "",
                      handle: PodHandle | None = None) -> None:
        st = rec.pods[inst].status
        st.state = state
        if reason:
            st.reason = reason
        if message:
            st.message = message
        self.pod_event(rec, inst)
        self.mark_pod(rec, inst, handle)

    def new_pod(self, rec: JobRecord, inst: int, state: pod_pb2.PodState, t: float) -> pod_pb2.PodInfo:
        name = pod_name(rec.job_id, inst)
        pod = pod_pb2.PodInfo(pod_name=name, job_id=rec.job_id, instance_id=inst)
        st = pod.status
        st.state = state
        st.desired_state = P.POD_STATE_RUNNING
        st.run = 0
        st.executor = self.executor.name
        set_timestamp(st.created_at, t)
        rec.pods[inst] = pod
        rec.pod_versions[inst] = rec.version
        return pod

    def next_run(self, rec: JobRecord, inst: int, *, delay: float = 0.0, attempt: int = 1,
                 reset_successes: bool = False, message: str = "") -> None:
        """Replace the instance's current (finished or never-run) pod with a fresh PENDING run."""
        t = now()
        old = rec.pods.get(inst)
        if old is None:
            old = self.new_pod(rec, inst, P.POD_STATE_INITIALIZED, t)
        prev_id = old.status.pod_id
        if prev_id:
            self._pod_index.pop(prev_id, None)
        successes = 0 if reset_successes else old.status.successful_runs
        pod = pod_pb2.PodInfo(pod_name=old.pod_name, job_id=rec.job_id, instance_id=inst)
        st = pod.status
        st.run = old.status.run + 1
        st.pod_id = pod_id(old.pod_name, st.run)
        st.attempt = attempt
        st.state = P.POD_STATE_PENDING
        st.desired_state = P.POD_STATE_RUNNING
        st.successful_runs = successes
        st.prev_pod_id = prev_id
        st.job_run = rec.status.run_count
        st.executor = self.executor.name
        st.message = message
        set_timestamp(st.created_at, t)
        if delay > 0:
            set_timestamp(st.next_attempt_at, t + delay)
        rec.pods[inst] = pod
        self._pod_index[st.pod_id] = (rec.job_id, inst)
        self._log_seq[st.pod_id] = 0
        self.pod_event(rec, inst, message or (f"retrying in {delay:.1f} s" if delay else "waiting for a slot"))
        self.mark_pod(rec, inst)
        self.scheduler.enqueue(rec, inst, t + delay)

    async def kill_pod(self, rec: JobRecord, inst: int, then: pod_pb2.PodState, reason: str, message: str,
                       grace: float | None = None) -> None:
        """Kill the instance's pod. `then` is what it becomes once down: KILLED (stay down),
        RUNNING (a new run starts: restart / update), FAILED (deadline), DELETED (removed)."""
        pod = rec.pods[inst]
        st = pod.status
        if st.state in TERMINAL_POD_STATES:
            return
        if st.state in (P.POD_STATE_PENDING, P.POD_STATE_INITIALIZED):
            self.scheduler.dequeue(rec, inst)
            if then == P.POD_STATE_RUNNING:
                return  # it has not started yet: it will start from the current spec anyway
            self.finish_pod(rec, inst, P.POD_STATE_KILLED if then != P.POD_STATE_FAILED else then, None, reason,
                             message + " (before it started)")
            return
        st.desired_state = then
        st.reason, st.message = reason, message
        if st.state == P.POD_STATE_KILLING:
            self.mark_pod(rec, inst)
            return
        self.set_pod_state(rec, inst, P.POD_STATE_KILLING, message, reason)
        self.commit()
        await self.executor.kill(st.pod_id, self.kill_grace(rec, inst) if grace is None else grace,
                                 reason=reason, message=message)

    # executor callbacks (ExecutorEvents) -------------------------------------------
    def _current_run(self, pod_id_: str) -> tuple[JobRecord, int, pod_pb2.PodInfo] | None:
        """The job, instance and pod whose *current* run is pod_id_ (None for a stale run)."""
        where = self._pod_index.get(pod_id_)
        rec = self.jobs.get(where[0]) if where is not None else None
        if where is None or rec is None:
            return None
        pod = rec.pods.get(where[1])
        if pod is None or pod.status.pod_id != pod_id_:
            return None
        return rec, where[1], pod

    def on_output(self, pod_id_: str, stream: OutputStream, lines: list[str]) -> None:
        found = self._current_run(pod_id_)
        if found is None:
            return
        rec, inst, pod = found
        spec = self.pod_spec(rec, inst)
        t = now()
        seq = self._log_seq.get(pod_id_, 0)
        progressed = False
        for line in lines:
            if stream == OutputStream.STDOUT and line.startswith("::progress"):
                counts = parse_progress(line)
                if counts is not None:
                    pr = pod.status.progress
                    for key, value in counts.items():
                        setattr(pr, key, value)
                    set_timestamp(pr.updated_at, t)
                    progressed = True
            if spec.discard_logs:
                continue
            seq += 1
            self._log_rows.append((rec.job_id, pod_id_, seq, t, int(stream), line[:MAX_LOG_LINE]))
        self._log_seq[pod_id_] = seq
        self._offsets_dirty.add(pod_id_)
        self._logs_waiting.set()
        if progressed:
            self.mark_pod(rec, inst)
        if len(self._log_rows) > 5000:
            self._flush_logs()

    def on_placed(self, pod_id_: str, handle: PodHandle) -> None:
        found = self._current_run(pod_id_)
        if found is None:
            return
        rec, inst, pod = found
        pod.status.host, pod.status.node_id = handle.host, handle.node_id
        self.pod_event(rec, inst, f"placed on {handle.host}" + (f" ({handle.node_id})" if handle.node_id else ""))
        self.mark_pod(rec, inst, handle)

    def on_executor_available(self) -> None:
        """The executor's backend came back (e.g. the Ray head): launch what it held back."""
        self.scheduler.executor_available()

    def on_starting(self, pod_id_: str, reason: str, message: str) -> None:
        """Why a STARTING pod waits (executors with reports_running)."""
        found = self._current_run(pod_id_)
        if found is None:
            return
        rec, inst, pod = found
        st = pod.status
        if st.state == P.POD_STATE_STARTING and (st.reason, st.message) != (reason, message):
            self.set_pod_state(rec, inst, P.POD_STATE_STARTING, message, reason)

    def on_running(self, pod_id_: str, reason: str, message: str) -> None:
        """STARTING -> RUNNING (executors with reports_running); a repeat after re-adoption is ignored."""
        found = self._current_run(pod_id_)
        if found is None:
            return
        rec, inst, pod = found
        if pod.status.state != P.POD_STATE_STARTING:
            return
        set_timestamp(pod.status.started_at, now())
        self.set_pod_state(rec, inst, P.POD_STATE_RUNNING, message or "running", reason)
        self.workflows.poke(rec)

    def on_exited(self, pod_id_: str, info: ExitInfo) -> None:
        self._flush_logs()
        found = self._current_run(pod_id_)
        if found is None:
            return
        rec, inst, pod = found
        st = pod.status
        if st.state == P.POD_STATE_KILLING:
            then = st.desired_state
            final = P.POD_STATE_FAILED if then == P.POD_STATE_FAILED else P.POD_STATE_KILLED
            # The executor's message repeats ours with how it ended ("... (SIGTERM)"): prefer it.
            message = info.message if st.message and st.message in info.message else \
                "; ".join(m for m in (st.message, info.message) if m)
            self.finish_pod(rec, inst, final, info.exit_code, st.reason or "KILLED", message)
            if then == P.POD_STATE_RUNNING:
                self.next_run(rec, inst, message=f"restarting ({st.reason.lower()})")
            elif then == P.POD_STATE_DELETED:
                self.remove_instance(rec, inst)
            elif then == P.POD_STATE_FAILED:
                self.after_failure(rec, inst)  # a run killed at its deadline is retried per the policy
        elif info.lost:
            self.finish_pod(rec, inst, P.POD_STATE_LOST, info.exit_code, "LOST", info.message)
            self.after_failure(rec, inst)
        elif info.exit_code == 0:
            self.finish_pod(rec, inst, P.POD_STATE_SUCCEEDED, 0, "SUCCEEDED", info.message or "exited with code 0")
            self._after_success(rec, inst)
        else:
            self.finish_pod(rec, inst, P.POD_STATE_FAILED, info.exit_code, info.reason or "FAILED", info.message)
            self.after_failure(rec, inst)
        self.scheduler.wake()
        self.workflows.poke(rec)

    def finish_pod(self, rec: JobRecord, inst: int, state: pod_pb2.PodState, exit_code: int | None, reason: str,
                    message: str) -> None:
        pod = rec.pods[inst]
        st = pod.status
        t = now()
        self.scheduler.pod_down(st.pod_id)
        st.state = state
        st.reason, st.message = reason, message
        if exit_code is not None:
            st.has_exit_code, st.exit_code = True, exit_code
        if st.HasField("started_at"):
            set_timestamp(st.ended_at, t)
        if state == P.POD_STATE_SUCCEEDED:
            st.successful_runs += 1
        usage = self.executor.usage(st.pod_id) if st.pod_id else None
        if usage is not None:
            st.usage.cpu_seconds, st.usage.memory_rss_bytes = usage.cpu_seconds, usage.memory_rss_bytes
        self.pod_event(rec, inst)
        self.mark_pod(rec, inst)
        if st.pod_id:
            self.defer("run", pod_pb2.PodInfo.FromString(pod.SerializeToString()))
            self._wake_log_followers(st.pod_id)
            self.executor_discard(st.pod_id)

    def executor_discard(self, pod_id_: str) -> None:
        discard = getattr(self.executor, "discard", None)
        if discard is not None:
            # Only after the output offsets have been committed with the last lines.
            asyncio.get_running_loop().call_later(0.2, discard, pod_id_)

    def _after_success(self, rec: JobRecord, inst: int) -> None:
        spec = self.pod_spec(rec, inst)
        st = rec.pods[inst].status
        if rec.status.desired_state == J.JOB_STATE_KILLED:
            return
        if spec.restart_policy == P.RESTART_POLICY_ALWAYS:
            self.next_run(rec, inst, delay=validation.backoff_delay(spec, 1), message="restarting (policy ALWAYS)")
        elif st.successful_runs < validation.completions(rec.spec):
            self.next_run(rec, inst, message=f"completion {st.successful_runs + 1} of "
                                             f"{validation.completions(rec.spec)}")

    def after_failure(self, rec: JobRecord, inst: int) -> None:
        spec = self.pod_spec(rec, inst)
        st = rec.pods[inst].status
        if rec.status.desired_state == J.JOB_STATE_KILLED:
            return
        limit = validation.max_attempts(spec)
        if spec.restart_policy == P.RESTART_POLICY_ALWAYS or st.attempt < limit:
            delay = validation.backoff_delay(spec, st.attempt)
            self.next_run(rec, inst, delay=delay, attempt=st.attempt + 1,
                          message=f"attempt {st.attempt + 1}" + (f" of {limit}" if limit else "")
                          + f" in {delay:.1f} s after: {st.message}")

    def remove_instance(self, rec: JobRecord, inst: int) -> None:
        pod = rec.pods.pop(inst)
        rec.pod_versions.pop(inst, None)
        self._pod_index.pop(pod.status.pod_id, None)
        pod.status.state = P.POD_STATE_DELETED
        payload_change = watch_service_pb2.Change(pod=pod, deleted=True)
        with self.store.tx():
            payload = self.store.add_change(payload_change)
            self.store.delete_pod(pod.pod_name)
        self.hub.publish([PublishedChange(payload_change.revision, CHANGE_POD, rec.job_id, payload)])
        self.mark_job(rec)

    # -- logs -----------------------------------------------------------------------
    def _flush_logs(self) -> None:
        if not self._log_rows and not self._offsets_dirty:
            return
        rows, self._log_rows = self._log_rows, []
        dirty, self._offsets_dirty = self._offsets_dirty, set()
        with self.store.tx():
            self.store.add_logs(rows)
            for pid in dirty:
                where = self._pod_index.get(pid)
                offsets = self.executor.output_offsets(pid)
                if where is not None and offsets:
                    self.store.set_output_offsets(pod_name(*where), offsets.get(OutputStream.STDOUT, 0),
                                                  offsets.get(OutputStream.STDERR, 0))
        for pid in {r[1] for r in rows}:
            self._wake_log_followers(pid)

    def _wake_log_followers(self, pod_id_: str) -> None:
        for event in self._log_followers.get(pod_id_, ()):
            event.set()

    def follow_logs(self, pod_id_: str) -> asyncio.Event:
        """An event set whenever new lines of the run are committed, or the run ends."""
        event = asyncio.Event()
        self._log_followers.setdefault(pod_id_, set()).add(event)
        return event

    def unfollow_logs(self, pod_id_: str, event: asyncio.Event) -> None:
        followers = self._log_followers.get(pod_id_)
        if followers is not None:
            followers.discard(event)
            if not followers:
                del self._log_followers[pod_id_]

    def flush_logs(self) -> None:
        self._flush_logs()

    async def _log_flusher(self) -> None:
        """Store output in batches: woken by the first line after a flush, it waits
        LOG_FLUSH_INTERVAL for more, then writes them in one transaction. With no output
        it sleeps (no periodic wake-up for an idle engine)."""
        while True:
            await self._logs_waiting.wait()
            await asyncio.sleep(LOG_FLUSH_INTERVAL)
            self._logs_waiting.clear()
            self._flush_logs()
            self.commit()

    # -- maintenance ------------------------------------------------------------------
    async def _maintenance(self) -> None:
        last_usage = 0.0
        last_evict = now()
        last_optimize = now()
        while True:
            await asyncio.sleep(MAINTENANCE_INTERVAL)
            t = now()
            while self._expiry and self._expiry[0][0] <= t:  # resident or not
                _, job_id = heapq.heappop(self._expiry)
                expired = self.jobs.get(job_id)
                if expired is not None and expired.status.state in TERMINAL_JOB_STATES and \
                        expired.status.HasField("expires_at") and from_timestamp(expired.status.expires_at) <= t:
                    self.purge(expired, t)
            if t - last_evict >= EVICT_INTERVAL:
                last_evict = t
                self._evict_cold(time.monotonic() - COLD_AFTER)
            if t - last_usage >= self.config.usage_interval:
                last_usage = t
                await self._sample_usage()
            self.store.compact_changes()
            if t - last_optimize > 600:
                last_optimize = t
                self.store.optimize()

    def _running_pods(self) -> list[tuple[JobRecord, int, pod_pb2.PodInfo]]:
        """Every RUNNING pod, found through the scheduler's active pods (every pod from its
        launch or re-adoption until it is down): not a walk over every resident job's pods,
        which under a steady stream of new jobs are thousands of finished ones (that walk
        held the loop 20+ ms every usage_interval)."""
        out = []
        for pid in list(self.scheduler.active):
            found = self._current_run(pid)
            if found is not None and found[2].status.state == P.POD_STATE_RUNNING:
                out.append(found)
        return out

    async def _sample_usage(self) -> None:
        sampled = 0
        for rec, inst, pod in self._running_pods():
            sampled += 1
            if sampled % 32 == 0:
                await asyncio.sleep(0)  # a few /proc reads per pod: let calls in between
                if pod.status.state != P.POD_STATE_RUNNING or rec.pods.get(inst) is not pod or \
                        dict.get(self.jobs, rec.job_id) is not rec:
                    continue
            usage = self.executor.usage(pod.status.pod_id)
            stored = pod.status.usage
            if usage is not None and (stored.cpu_seconds != usage.cpu_seconds or
                                      stored.memory_rss_bytes != usage.memory_rss_bytes):
                # Unchanged (a sleeping pod) costs no store write and no Watch change.
                stored.cpu_seconds = usage.cpu_seconds
                stored.memory_rss_bytes = usage.memory_rss_bytes
                self.mark_pod(rec, inst)

    def purge(self, rec: JobRecord, t: float) -> None:
        set_timestamp(rec.status.purged_at, t)
        rec.status.state = J.JOB_STATE_DELETED
        rec.status.reason, rec.status.message = "PURGED", "removed after its time-to-live"
        self._forget(rec)

    def _forget(self, rec: JobRecord) -> None:
        self.commit()
        # Deleted from the store first: a lookup from here on must not read the job back in.
        self.publish_deleted(rec)
        self.jobs.pop(rec.job_id, None)
        self.scheduler.forget(rec)
        self.progress.forget(rec.job_id)
        for pod in rec.pods.values():
            self._pod_index.pop(pod.status.pod_id, None)

    # -- lookups --------------------------------------------------------------------
    def job(self, job_id: str) -> JobRecord:
        rec = self.jobs.get(job_id)
        if rec is None:
            raise not_found(f"job {job_id!r}" if job_id else "job (no id given)")
        return rec

    def pod(self, name: str) -> tuple[JobRecord, int]:
        job_id, sep, inst_text = name.rpartition("-")
        rec = self.jobs.get(job_id) if sep else None
        if rec is None or not inst_text.isdigit() or int(inst_text) not in rec.pods:
            raise not_found(f"pod {name!r}")
        return rec, int(inst_text)

    @staticmethod
    def check_version(rec: JobRecord, version: int) -> None:
        if version != rec.version:
            raise stale_version(f"job {rec.job_id}", version, rec.version)

    @staticmethod
    def _spec_version(rec: JobRecord, t: float, spec_changed: bool) -> SpecVersion | None:
        """What ListJobVersions will say of a new spec version: its number, when, and who asked."""
        return SpecVersion(rec.version, t, caller.current()) if spec_changed else None

    def bump_version(self, rec: JobRecord, spec_changed: bool = False) -> int:
        rec.status.version.value = rec.version + 1
        t = now()
        set_timestamp(rec.status.updated_at, t)
        self.defer("job", (rec, spec_changed, self._spec_version(rec, t, spec_changed), False))
        self.mark_job(rec)
        return rec.version

    # -- job operations -------------------------------------------------------------
    def create_job(self, request_job_id: str, spec: job_pb2.JobSpec, idempotency_key: str,
                   start_paused: bool) -> tuple[str, int, bool]:
        validation.validate_job_spec(spec, self.executor)
        key = request_job_id or idempotency_key
        if request_job_id:
            try:
                uuid.UUID(request_job_id)
            except ValueError:
                raise invalid("job_id", f"{request_job_id!r} is not a UUID") from None
        if key:
            existing_id = request_job_id if request_job_id in self.jobs else self.store.job_by_idempotency_key(key)
            if existing_id is not None and existing_id in self.jobs:
                existing = self.jobs[existing_id]
                original = self.store.spec_at_version(existing_id, 1) or existing.spec
                if original.SerializeToString(deterministic=True) == spec.SerializeToString(deterministic=True):
                    return existing_id, existing.version, False
                raise EngineError(grpc.StatusCode.ALREADY_EXISTS,
                                  f"job {existing_id} was already created with this "
                                  f"{'job id' if request_job_id else 'idempotency key'} and a different spec")
        job_id = request_job_id or str(uuid.uuid4())
        t = now()
        status = job_pb2.JobStatus(state=J.JOB_STATE_INITIALIZED, desired_state=J.JOB_STATE_RUNNING)
        status.version.value = 1
        set_timestamp(status.created_at, t)
        set_timestamp(status.updated_at, t)
        rec = JobRecord(job_id, job_pb2.JobSpec.FromString(spec.SerializeToString()), status,
                        idempotency_key=key or None)
        self.jobs[job_id] = rec
        for inst in range(spec.instance_count):
            self.new_pod(rec, inst, P.POD_STATE_INITIALIZED, t)
            self._dirty_pods[rec.pods[inst].pod_name] = (job_id, inst, None)
        # A generated id is in no row yet (a caller's own id may be: a job deleted and created again).
        fresh = not request_job_id
        self.defer("job", (rec, True, self._spec_version(rec, t, True), fresh))
        self.workflows.record_simple(rec, W.WORKFLOW_TYPE_START, "job created", done=True)
        if start_paused:
            status.message = "created stopped: start it to run"
        else:
            self._schedule_first_run(rec, t)
        if fresh:
            self.progress.fresh(rec)
        self.mark_job(rec)
        self.commit()
        self.scheduler.wake()
        return job_id, rec.version, True

    def _schedule_first_run(self, rec: JobRecord, t: float) -> None:
        first = schedules.first_run(rec.spec.schedule, t)
        if first > t + 0.001:
            set_timestamp(rec.status.next_run_at, first)
            rec.status.state = J.JOB_STATE_PENDING
            rec.status.message = "scheduled"
            self.scheduler.schedule_run(rec, first)
        else:
            self.begin_run(rec, t)

    def begin_run(self, rec: JobRecord, t: float, instances: list[int] | None = None) -> None:
        """Start a run of every instance (creation, a scheduled time, StartJob), or of the
        given ones (RestartJob of a finished job with ranges)."""
        st = rec.status
        st.run_count += 1
        st.ClearField("next_run_at")
        st.ClearField("ended_at")
        st.ClearField("expires_at")
        st.ClearField("started_at")
        st.reason, st.message = "", ""
        if st.state in TERMINAL_JOB_STATES or st.state == J.JOB_STATE_INITIALIZED:
            st.state = J.JOB_STATE_PENDING
        for inst in (range(rec.spec.instance_count) if instances is None else instances):
            pod = rec.pods.get(inst)
            if pod is not None and pod.status.state in ACTIVE_POD_STATES:
                continue
            rec.pod_versions[inst] = rec.version
            self.next_run(rec, inst, reset_successes=True, message=f"run {st.run_count} of the job")
        self.mark_job(rec)

    def mark_started(self, rec: JobRecord, t: float) -> None:
        st = rec.status
        if not st.HasField("dispatched_at"):
            set_timestamp(st.dispatched_at, t)
        if not st.HasField("started_at"):
            set_timestamp(st.started_at, t)

    def on_run_finished(self, rec: JobRecord) -> None:
        """All pods are down and the job recurs: schedule its next run."""
        t = now()
        last_start = from_timestamp(rec.status.started_at) if rec.status.HasField("started_at") else t
        nxt = schedules.next_run(rec.spec.schedule, last_start, t)
        if nxt:
            failed = sum(1 for p in rec.pods.values() if p.status.state != P.POD_STATE_SUCCEEDED)
            rec.status.message = (f"run {rec.status.run_count} "
                                  f"{'succeeded' if failed == 0 else f'had {failed} failed instance(s)'}; next run "
                                  "scheduled")
            set_timestamp(rec.status.next_run_at, nxt)
            self.scheduler.release_unique_key(rec)
            self.scheduler.schedule_run(rec, nxt)
            self.mark_job(rec)

    def replace_job(self, job_id: str, version: int, spec: job_pb2.JobSpec,
                    update_spec: workflow_pb2.UpdateSpec) -> int:
        rec = self.job(job_id)
        self.check_version(rec, version)
        validation.validate_job_spec(spec, self.executor)
        if rec.status.state == J.JOB_STATE_DELETED:
            raise precondition("the job is being deleted")
        if spec.SerializeToString(deterministic=True) == rec.spec.SerializeToString(deterministic=True):
            return rec.version  # the same spec: nothing to change
        new = job_pb2.JobSpec.FromString(spec.SerializeToString())
        if not self.rolling(rec):
            return self.workflows.replace_at_rest(rec, new, update_spec)
        return self.workflows.start_update(rec, new, update_spec)

    @staticmethod
    def rolling(rec: JobRecord) -> bool:
        """Is the job running (or about to), so that a change rolls through its pods? A finished,
        stopped, stopping, never-started or between-runs job only takes the spec for its next run."""
        st = rec.status
        return (st.desired_state == J.JOB_STATE_RUNNING and st.state in (J.JOB_STATE_PENDING, J.JOB_STATE_RUNNING)
                and not st.HasField("next_run_at"))

    def replace_diff(self, job_id: str, version: int, spec: job_pb2.JobSpec) -> dict[str, list[int]]:
        rec = self.job(job_id)
        self.check_version(rec, version)
        validation.validate_job_spec(spec, self.executor)
        return self.workflows.diff(rec, spec)

    def restart_job(self, job_id: str, version: int, restart: workflow_pb2.RestartSpec) -> int:
        rec = self.job(job_id)
        self.check_version(rec, version)
        instances: list[int] = []
        for r in restart.ranges:
            if r.to <= r.__getattribute__("from") or r.to > rec.spec.instance_count:
                raise invalid("restart_spec.ranges", f"range [{getattr(r, 'from')}, {r.to}) is outside the job's "
                                                     f"{rec.spec.instance_count} instance(s)")
            instances.extend(range(getattr(r, "from"), r.to))
        if not restart.ranges:
            instances = list(range(rec.spec.instance_count))
        st = rec.status
        if st.state == J.JOB_STATE_KILLING:
            raise precondition("the job is still stopping; restart it once it is KILLED")
        if not self.rolling(rec) and not st.HasField("next_run_at"):
            # Finished, stopped or never started: a restart is a new run of those instances, now.
            st.desired_state = J.JOB_STATE_RUNNING
            self.begin_run(rec, now(), None if not restart.ranges else sorted(set(instances)))
            self.workflows.record_simple(rec, W.WORKFLOW_TYPE_RESTART,
                                         f"restarted: run {st.run_count} of the job", done=True)
            version_ = self.bump_version(rec)
            self.commit()
            self.scheduler.wake()
            return version_
        whole = not restart.ranges or sorted(set(instances)) == list(range(rec.spec.instance_count))
        return self.workflows.start_restart(rec, sorted(set(instances)), restart, new_run=whole)

    def start_job(self, job_id: str, version: int) -> int:
        rec = self.job(job_id)
        self.check_version(rec, version)
        st = rec.status
        if st.state == J.JOB_STATE_KILLING:
            raise precondition("the job is still stopping; start it once it is KILLED")
        down = [inst for inst, pod in rec.pods.items()
                if pod.status.state in (P.POD_STATE_KILLED, P.POD_STATE_FAILED, P.POD_STATE_LOST)]
        if (st.desired_state == J.JOB_STATE_RUNNING and st.state in (J.JOB_STATE_PENDING, J.JOB_STATE_RUNNING)
                and not down):
            return rec.version  # running, or waiting for its scheduled run: nothing to start
        st.desired_state = J.JOB_STATE_RUNNING
        t = now()
        if st.state in TERMINAL_JOB_STATES or st.state == J.JOB_STATE_INITIALIZED:
            st.reason = st.message = ""
            never_ran = st.state == J.JOB_STATE_INITIALIZED
            if (never_ran and schedules.first_run(rec.spec.schedule, t) > t + 0.001) or (
                    not never_ran and schedules.is_recurring(rec.spec.schedule)):
                self._schedule_first_run(rec, t)
            else:
                self.begin_run(rec, t)
        else:
            for inst in down:
                self.next_run(rec, inst, message="started by request")
        self.workflows.record_simple(rec, W.WORKFLOW_TYPE_START, "started by request", done=True)
        version_ = self.bump_version(rec)
        self.commit()
        self.scheduler.wake()
        return version_

    async def stop_job(self, job_id: str, version: int, message: str = "stopped by request") -> int:
        rec = self.job(job_id)
        self.check_version(rec, version)
        st = rec.status
        if st.desired_state == J.JOB_STATE_KILLED or st.state in TERMINAL_JOB_STATES or (
                st.state == J.JOB_STATE_INITIALIZED and not st.HasField("next_run_at")):
            # Already stopped or stopping, finished (its outcome stays), or never started.
            return rec.version
        await self._stop(rec, message)
        version_ = self.bump_version(rec)
        self.commit()
        return version_

    async def _stop(self, rec: JobRecord, message: str) -> None:
        st = rec.status
        st.desired_state = J.JOB_STATE_KILLED
        st.reason, st.message = "KILLED_ON_REQUEST", message
        st.ClearField("next_run_at")
        self.scheduler.cancel_run(rec)
        if rec.workflow is not None:
            self.workflows.finish(rec, W.WORKFLOW_STATE_ABORTED, "aborted: the job was stopped")
        self.workflows.record_simple(rec, W.WORKFLOW_TYPE_STOP, message, done=False)
        for inst in list(rec.pods):
            await self.kill_pod(rec, inst, P.POD_STATE_KILLED, "KILLED_ON_REQUEST", message)
        self.mark_job(rec)

    async def delete_job(self, job_id: str, version: int, force: bool) -> None:
        rec = self.job(job_id)
        self.check_version(rec, version)
        if rec.status.state not in TERMINAL_JOB_STATES and rec.status.state != J.JOB_STATE_INITIALIZED:
            if not force:
                raise precondition(f"job {rec.spec.name!r} is {short(J.JobState.Name(rec.status.state))}; stop it "
                                   "first or delete with force")
            await self._stop(rec, "stopped for deletion")
            self.commit()
            deadline = now() + max((self.kill_grace(rec, i) for i in rec.pods), default=0.0) + 10.0
            while rec.active_pods() and now() < deadline:
                await asyncio.sleep(0.05)
            if rec.active_pods():
                raise EngineError(grpc.StatusCode.DEADLINE_EXCEEDED,
                                  f"{rec.active_pods()} pod(s) of job {rec.job_id} did not stop in time; "
                                  "the job is stopping and was not deleted")
        self._flush_logs()
        rec.status.state = J.JOB_STATE_DELETED
        rec.status.reason, rec.status.message = "DELETED", "deleted by request"
        self._forget(rec)

    def spec_at(self, rec: JobRecord, version: int) -> job_pb2.JobSpec:
        """The job's spec as it was at `version` (GetJob with a version)."""
        spec = self.store.spec_at_version(rec.job_id, version) if 1 <= version <= rec.version else None
        if spec is None:
            changed = self.store.spec_versions(rec.job_id)
            raise EngineError(grpc.StatusCode.NOT_FOUND,
                              f"job {rec.job_id} has no version {version}: it has versions 1 to {rec.version} "
                              f"(its spec was set at version{'s' if len(changed) != 1 else ''} "
                              f"{', '.join(map(str, changed)) or 'none'})")
        return spec

    def job_by_name(self, name: str) -> list[str]:
        return self.store.job_ids_by_name(name)

    def iter_jobs(self, batch: int) -> Iterator[list[job_pb2.JobSummary]]:
        """Every job's summary, from the store (finished jobs are not all in memory); the
        caller commits first, so the store holds what the resident records say."""
        chunk: list[job_pb2.JobSummary] = []
        for job_id, spec_bytes, status_bytes in self.store.iter_job_rows():
            rec = dict.get(self.jobs, job_id)
            if rec is not None:
                chunk.append(rec.summary())
            else:
                chunk.append(summary_from_rows(job_id, spec_bytes, status_bytes))
            if len(chunk) >= batch:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    def jobs_page(self, after: str, limit: int) -> tuple[list[job_pb2.JobSummary], str | None]:
        """Up to ``limit`` job summaries with ids after ``after``, in id order, and the id to
        continue after (None at the end): one ListJobs page, read from the store as
        ``iter_jobs`` does (the caller commits first)."""
        out: list[job_pb2.JobSummary] = []
        rows = self.store.job_rows_after(after, limit)
        for job_id, spec_bytes, status_bytes in rows:
            rec = dict.get(self.jobs, job_id)
            out.append(rec.summary() if rec is not None else summary_from_rows(job_id, spec_bytes, status_bytes))
        return out, (rows[-1][0] if len(rows) == limit else None)

    def refresh_job(self, job_id: str) -> None:
        """Reload the job's spec and status from the store (drops cache drift)."""
        rec = self.job(job_id)
        stored = self.store.load_job(job_id)
        if stored is None:
            raise not_found(f"job {job_id!r} in the store")
        rec.spec, rec.status = stored.spec, stored.status
        self.mark_job(rec)
        self.commit()
