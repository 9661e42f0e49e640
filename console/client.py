"""EngineClient: the only console code that touches grpc.aio.

It owns the channel, puts a deadline and the bearer token on every call, refuses
mutations locally in read-only mode, turns gRPC errors into `console.errors`, and runs
resumable feeds (list, then watch from the listed revision; on a dropped connection,
back off and resume from the last revision seen — nothing lost, nothing twice).

An EngineClient belongs to the event loop that ran `connect()`: grpc.aio binds channels
to the loop they are created on. In the console that is the one qasync loop.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import grpc
from google.protobuf import field_mask_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc

from console.api import (
    common_pb2,
    job_pb2,
    job_service_pb2 as js,
    job_service_pb2_grpc,
    pod_pb2,
    pod_service_pb2 as ps,
    pod_service_pb2_grpc,
    watch_service_pb2 as ws,
    watch_service_pb2_grpc,
    workflow_pb2,
)
from console.errors import EngineError, PermissionDenied, from_rpc_error

log = logging.getLogger("pelorus.client")
ROLE_HEADER = "x-pelorus-role"  # console.engine.auth.ROLE_HEADER (the client does not import the engine)
R = TypeVar("R")

MUTATING = frozenset({
    "CreateJob", "ReplaceJob", "PatchJob", "RestartJob", "StartJob", "StopJob", "PauseJobWorkflow",
    "ResumeJobWorkflow", "AbortJobWorkflow", "DeleteJob", "StartPod", "StopPod", "RestartPod", "RefreshJob",
})
BACKOFF_FIRST, BACKOFF_MAX = 0.25, 10.0
# Feeds reopen the channel after this many failed attempts in a row (a fresh connection
# sidesteps any state the old one kept about a dead peer).
REOPEN_AFTER = 4

StateCallback = Callable[[str, str], None]


@dataclass
class ConnectionConfig:
    address: str  # "unix:/path/engine.sock" or "host:port"
    tls_ca: Path | None = None
    token: str | None = None
    insecure: bool = False  # plaintext TCP (only with an engine started --insecure)
    server_name: str | None = None
    deadline: float = 10.0
    read_only: bool = False


def backoff(attempt: int) -> float:
    """Exponential with full jitter between half and all of the step: 0.25 s, 0.5 s, ... 10 s."""
    step: float = min(BACKOFF_MAX, BACKOFF_FIRST * 2 ** max(0, attempt - 1))
    return float(step * random.uniform(0.5, 1.0))


@dataclass
class _Stubs:
    jobs: job_service_pb2_grpc.JobServiceStub
    pods: pod_service_pb2_grpc.PodServiceStub
    watch: watch_service_pb2_grpc.WatchServiceStub
    health: health_pb2_grpc.HealthStub


@dataclass
class EngineClient:
    config: ConnectionConfig
    _channel: grpc.aio.Channel | None = field(default=None, init=False)
    _stubs: _Stubs | None = field(default=None, init=False)
    #: The token's role as the engine announced it ("viewer", "operator", "admin"); None on an
    #: engine without tokens (the embedded one), where everything is allowed.
    role: str | None = field(default=None, init=False)

    # -- connection ---------------------------------------------------------------------
    def _open(self) -> None:
        cfg = self.config
        options: list[tuple[str, Any]] = [("grpc.max_receive_message_length", 64 * 1024 * 1024)]
        if cfg.server_name:
            options.append(("grpc.ssl_target_name_override", cfg.server_name))
        if cfg.address.startswith("unix:") or cfg.insecure:
            channel = grpc.aio.insecure_channel(cfg.address, options=options)
        else:
            root = cfg.tls_ca.read_bytes() if cfg.tls_ca else None
            channel = grpc.aio.secure_channel(cfg.address, grpc.ssl_channel_credentials(root), options=options)
        self._channel = channel
        self._stubs = _Stubs(job_service_pb2_grpc.JobServiceStub(channel),
                             pod_service_pb2_grpc.PodServiceStub(channel),
                             watch_service_pb2_grpc.WatchServiceStub(channel),
                             health_pb2_grpc.HealthStub(channel))

    async def connect(self) -> None:
        """Open the channel and check the engine's health; raises Unavailable if it is not there."""
        self._open()
        resp = await self._call(self.stubs.health.Check, health_pb2.HealthCheckRequest(), "Health check")
        if resp.status != health_pb2.HealthCheckResponse.SERVING:
            raise EngineError(grpc.StatusCode.UNAVAILABLE, "the engine is not serving (shutting down?)",
                              "Health check")

    async def reopen(self) -> None:
        old = self._channel
        self._open()
        if old is not None:
            await old.close()

    async def close(self) -> None:
        if self._channel is not None:
            await self._channel.close()
            self._channel = None

    async def __aenter__(self) -> EngineClient:
        await self.connect()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def stubs(self) -> _Stubs:
        if self._stubs is None:
            raise EngineError(grpc.StatusCode.UNAVAILABLE, "not connected", "")
        return self._stubs

    @property
    def metadata(self) -> tuple[tuple[str, str], ...]:
        return (("authorization", f"Bearer {self.config.token}"),) if self.config.token else ()

    async def _call(self, method: Any, request: Any, name: str, timeout: float | None = None) -> Any:
        """One unary call with deadline and token; gRPC errors become EngineErrors."""
        if self.config.read_only and name in MUTATING:
            raise PermissionDenied(grpc.StatusCode.PERMISSION_DENIED, "the console is in read-only mode", name)
        try:
            return await method(request, timeout=timeout or self.config.deadline, metadata=self.metadata)
        except grpc.aio.AioRpcError as exc:
            raise from_rpc_error(exc, name) from None

    @staticmethod
    def _version(value: int) -> common_pb2.EntityVersion:
        return common_pb2.EntityVersion(value=value)

    # -- jobs ----------------------------------------------------------------------------
    async def create_job(self, spec: job_pb2.JobSpec, idempotency_key: str = "", job_id: str = "",
                         start_paused: bool = False) -> js.CreateJobResponse:
        return await self._call(self.stubs.jobs.CreateJob, js.CreateJobRequest(
            spec=spec, idempotency_key=idempotency_key, job_id=job_id, start_paused=start_paused), "CreateJob")

    async def get_job(self, job_id: str, summary_only: bool = False) -> js.GetJobResponse:
        return await self._call(self.stubs.jobs.GetJob, js.GetJobRequest(job_id=job_id, summary_only=summary_only),
                                "GetJob")

    async def replace_job(self, job_id: str, version: int, spec: job_pb2.JobSpec, batch_size: int = 0,
                          start_paused: bool = False, rollback_on_failure: bool = False) -> int:
        req = js.ReplaceJobRequest(job_id=job_id, version=self._version(version), spec=spec)
        req.update_spec.batch_size = batch_size
        req.update_spec.start_paused = start_paused
        req.update_spec.rollback_on_failure = rollback_on_failure
        return int((await self._call(self.stubs.jobs.ReplaceJob, req, "ReplaceJob")).version.value)

    async def patch_job(self, job_id: str, version: int, spec: job_pb2.JobSpec, paths: Sequence[str],
                        batch_size: int = 0) -> int:
        req = js.PatchJobRequest(job_id=job_id, version=self._version(version), spec=spec,
                                 update_mask=field_mask_pb2.FieldMask(paths=list(paths)))
        req.update_spec.batch_size = batch_size
        return int((await self._call(self.stubs.jobs.PatchJob, req, "PatchJob")).version.value)

    async def replace_diff(self, job_id: str, version: int, spec: job_pb2.JobSpec) -> js.GetReplaceJobDiffResponse:
        return await self._call(self.stubs.jobs.GetReplaceJobDiff, js.GetReplaceJobDiffRequest(
            job_id=job_id, version=self._version(version), spec=spec), "GetReplaceJobDiff")

    async def restart_job(self, job_id: str, version: int, batch_size: int = 0,
                          ranges: Sequence[tuple[int, int]] = ()) -> int:
        req = js.RestartJobRequest(job_id=job_id, version=self._version(version))
        req.restart_spec.batch_size = batch_size
        for lo, hi in ranges:
            r = req.restart_spec.ranges.add(to=hi)
            setattr(r, "from", lo)
        return int((await self._call(self.stubs.jobs.RestartJob, req, "RestartJob")).version.value)

    async def _versioned(self, method: Any, request_type: Any, name: str, job_id: str, version: int) -> int:
        resp = await self._call(method, request_type(job_id=job_id, version=self._version(version)), name)
        return int(resp.version.value)

    async def start_job(self, job_id: str, version: int) -> int:
        return await self._versioned(self.stubs.jobs.StartJob, js.StartJobRequest, "StartJob", job_id, version)

    async def stop_job(self, job_id: str, version: int) -> int:
        return await self._versioned(self.stubs.jobs.StopJob, js.StopJobRequest, "StopJob", job_id, version)

    async def pause_workflow(self, job_id: str, version: int) -> int:
        return await self._versioned(self.stubs.jobs.PauseJobWorkflow, js.PauseJobWorkflowRequest,
                                     "PauseJobWorkflow", job_id, version)

    async def resume_workflow(self, job_id: str, version: int) -> int:
        return await self._versioned(self.stubs.jobs.ResumeJobWorkflow, js.ResumeJobWorkflowRequest,
                                     "ResumeJobWorkflow", job_id, version)

    async def abort_workflow(self, job_id: str, version: int) -> int:
        return await self._versioned(self.stubs.jobs.AbortJobWorkflow, js.AbortJobWorkflowRequest,
                                     "AbortJobWorkflow", job_id, version)

    async def delete_job(self, job_id: str, version: int, force: bool = False) -> None:
        # A forced delete waits for pods to stop: give it the pods' grace periods on top.
        await self._call(self.stubs.jobs.DeleteJob, js.DeleteJobRequest(
            job_id=job_id, version=self._version(version), force=force), "DeleteJob",
            timeout=self.config.deadline + (60.0 if force else 0.0))

    async def refresh_job(self, job_id: str) -> None:
        await self._call(self.stubs.jobs.RefreshJob, js.RefreshJobRequest(job_id=job_id), "RefreshJob")

    async def job_ids_by_name(self, name: str) -> list[str]:
        resp = await self._call(self.stubs.jobs.GetJobIDFromJobName,
                                js.GetJobIDFromJobNameRequest(job_name=name), "GetJobIDFromJobName")
        return list(resp.job_id)

    async def query_jobs(self, spec: job_pb2.JobQuerySpec) -> js.QueryJobsResponse:
        return await self._call(self.stubs.jobs.QueryJobs, js.QueryJobsRequest(spec=spec), "QueryJobs")

    async def list_workflows(self, job_id: str, instance_events: bool = False) -> list[workflow_pb2.WorkflowInfo]:
        resp = await self._call(self.stubs.jobs.ListJobWorkflows, js.ListJobWorkflowsRequest(
            job_id=job_id, instance_events=instance_events), "ListJobWorkflows")
        return list(resp.workflows)

    async def workflow_events(self, job_id: str, instance_id: int | None = None,
                              limit: int = 0) -> list[workflow_pb2.WorkflowEvent]:
        req = js.GetWorkflowEventsRequest(job_id=job_id, limit=limit)
        if instance_id is not None:
            req.has_instance_id, req.instance_id = True, instance_id
        return list((await self._call(self.stubs.jobs.GetWorkflowEvents, req, "GetWorkflowEvents")).events)

    async def list_pods(self, job_id: str) -> list[pod_pb2.PodInfo]:
        pods, _revision = await self._list_pods(job_id)
        return pods

    async def _list_pods(self, job_id: str) -> tuple[list[pod_pb2.PodInfo], int]:
        pods: list[pod_pb2.PodInfo] = []
        revision = 0
        call = self.stubs.jobs.ListPods(js.ListPodsRequest(job_id=job_id), metadata=self.metadata,
                                        timeout=self.config.deadline * 3)
        try:
            async for resp in call:
                pods.extend(resp.pods)
                revision = resp.revision or revision
        except grpc.aio.AioRpcError as exc:
            raise from_rpc_error(exc, "ListPods") from None
        return pods, revision

    async def query_pods(self, job_id: str, spec: pod_pb2.PodQuerySpec) -> js.QueryPodsResponse:
        return await self._call(self.stubs.jobs.QueryPods, js.QueryPodsRequest(job_id=job_id, spec=spec), "QueryPods")

    async def list_jobs(self) -> tuple[list[job_pb2.JobSummary], int]:
        jobs: list[job_pb2.JobSummary] = []
        revision = 0
        call = self.stubs.jobs.ListJobs(js.ListJobsRequest(), metadata=self.metadata, timeout=120)
        try:
            metadata = await call.initial_metadata()
            role = dict(metadata or ()).get(ROLE_HEADER)
            if role:
                self.role = str(role)
            async for resp in call:
                jobs.extend(resp.jobs)
                revision = resp.revision or revision
        except grpc.aio.AioRpcError as exc:
            raise from_rpc_error(exc, "ListJobs") from None
        return jobs, revision

    # -- pods ----------------------------------------------------------------------------
    async def get_pod(self, pod_name: str) -> ps.GetPodResponse:
        return await self._call(self.stubs.pods.GetPod, ps.GetPodRequest(pod_name=pod_name), "GetPod")

    async def pod_events(self, pod_name: str, pod_id: str = "") -> list[pod_pb2.PodEvent]:
        resp = await self._call(self.stubs.pods.GetPodEvents, ps.GetPodEventsRequest(pod_name=pod_name,
                                                                                       pod_id=pod_id), "GetPodEvents")
        return list(resp.events)

    async def start_pod(self, pod_name: str) -> None:
        await self._call(self.stubs.pods.StartPod, ps.StartPodRequest(pod_name=pod_name), "StartPod")

    async def stop_pod(self, pod_name: str) -> None:
        await self._call(self.stubs.pods.StopPod, ps.StopPodRequest(pod_name=pod_name), "StopPod")

    async def restart_pod(self, pod_name: str, check_sla: bool = True) -> str:
        resp = await self._call(self.stubs.pods.RestartPod, ps.RestartPodRequest(pod_name=pod_name,
                                                                                  check_sla=check_sla), "RestartPod")
        return str(resp.new_pod_id)

    async def pod_logs(self, pod_name: str, pod_id: str = "", follow: bool = False, tail_lines: int = 0,
                       after_seq: int = 0) -> AsyncIterator[list[pod_pb2.LogLine]]:
        call = self.stubs.pods.GetPodLogs(ps.GetPodLogsRequest(pod_name=pod_name, pod_id=pod_id, follow=follow,
                                                               tail_lines=tail_lines, after_seq=after_seq),
                                          metadata=self.metadata)
        try:
            async for resp in call:
                if resp.lines:
                    yield list(resp.lines)
                if resp.end_of_logs:
                    return
        except grpc.aio.AioRpcError as exc:
            raise from_rpc_error(exc, "GetPodLogs") from None
        finally:
            call.cancel()

    async def watch_job(self, job_id: str, period: float = 1.0) -> AsyncIterator[ws.WatchJobResponse]:
        req = ws.WatchJobRequest(job_id=job_id)
        req.progress_update_period.FromMilliseconds(int(period * 1000))
        call = self.stubs.watch.WatchJob(req, metadata=self.metadata)
        try:
            async for resp in call:
                yield resp
        except grpc.aio.AioRpcError as exc:
            raise from_rpc_error(exc, "WatchJob") from None
        finally:
            call.cancel()

    # -- resumable feeds ----------------------------------------------------------------------
    async def job_feed(self, on_snapshot: Callable[[list[job_pb2.JobSummary], int], None],
                       on_changes: Callable[[list[tuple[job_pb2.JobSummary, bool]]], None],
                       on_state: StateCallback) -> None:
        """Every job, then every change to them, until cancelled. Survives engine restarts."""

        def changes(resp: ws.WatchResponse) -> list[tuple[job_pb2.JobSummary, bool]]:
            return [(ch.job, ch.deleted) for ch in resp.changes if ch.HasField("job")]

        await self._feed(self.list_jobs, lambda rev: ws.WatchRequest(start_revision=rev, job_filter=ws.JobFilter()),
                         on_snapshot, changes, on_changes, on_state)

    async def pod_feed(self, job_id: str, on_snapshot: Callable[[list[pod_pb2.PodInfo], int], None],
                       on_changes: Callable[[list[tuple[pod_pb2.PodInfo, bool]]], None],
                       on_state: StateCallback) -> None:
        """The pods of one job, then every change to them, until cancelled."""

        def changes(resp: ws.WatchResponse) -> list[tuple[pod_pb2.PodInfo, bool]]:
            return [(ch.pod, ch.deleted) for ch in resp.changes if ch.HasField("pod")]

        await self._feed(lambda: self._list_pods(job_id),
                         lambda rev: ws.WatchRequest(start_revision=rev, pod_filter=ws.PodFilter(job_id=job_id)),
                         on_snapshot, changes, on_changes, on_state)

    async def _feed(self, list_all: Callable[[], Any], watch_request: Callable[[int], ws.WatchRequest],
                    on_snapshot: Callable[[Any, int], None], extract: Callable[[ws.WatchResponse], list[Any]],
                    on_changes: Callable[[Any], None], on_state: StateCallback) -> None:
        revision: int | None = None
        attempt = 0
        while True:
            call = None
            try:
                if revision is None:
                    items, revision = await list_all()
                    on_snapshot(items, revision)
                call = self.stubs.watch.Watch(watch_request(revision), metadata=self.metadata)
                first = True
                async for resp in call:
                    if first:
                        first, attempt = False, 0
                        on_state("connected", "")
                    batch = extract(resp)
                    if batch:
                        on_changes(batch)
                    revision = max(revision, resp.revision)
                raise EngineError(grpc.StatusCode.UNAVAILABLE, "the engine closed the watch", "Watch")
            except asyncio.CancelledError:
                if call is not None:
                    call.cancel()
                raise
            except (grpc.aio.AioRpcError, EngineError) as exc:
                err = exc if isinstance(exc, EngineError) else from_rpc_error(exc, "Watch")
                if err.code == grpc.StatusCode.OUT_OF_RANGE:
                    revision = None  # compacted, or a different store: list again
                    continue
                if err.code in (grpc.StatusCode.UNAUTHENTICATED, grpc.StatusCode.PERMISSION_DENIED):
                    on_state("disconnected", str(err))
                    raise err from None
                attempt += 1
                delay = backoff(attempt)
                on_state("reconnecting", f"attempt {attempt}, next try in {delay:.1f} s ({err.message})")
                await asyncio.sleep(delay)
                if attempt % REOPEN_AFTER == 0:
                    await self.reopen()
