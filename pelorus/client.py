"""EngineClient: the only console code that touches grpc.aio.

It owns the channel, puts a deadline and the bearer token on every call, refuses
mutations locally in read-only mode, turns gRPC errors into `pelorus.errors`, and runs
resumable feeds (list, then watch from the listed revision; on a dropped connection,
back off and resume from the last revision seen — nothing lost, nothing twice).

An EngineClient belongs to the event loop that ran `connect()`: grpc.aio binds channels
to the loop they are created on. In the console that is the one qasync loop; in tests and
scripts it is the plain asyncio loop. It imports nothing from Qt.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self, TypeVar

import grpc
from google.protobuf import descriptor_pb2, field_mask_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2

from pelorus.api import (
    common_pb2,
    job_pb2,
    job_service_pb2_grpc,
    pod_pb2,
    pod_service_pb2_grpc,
    watch_service_pb2_grpc,
    workflow_pb2,
)
from pelorus.api import job_service_pb2 as js
from pelorus.api import pod_service_pb2 as ps
from pelorus.api import watch_service_pb2 as ws
from pelorus.errors import ClientError, PermissionDenied, Unavailable, from_rpc_error
from pelorus.text import QT_TRANSLATE_NOOP

__all__ = ["CONNECTED", "DISCONNECTED", "RECONNECTING", "ConnectionConfig", "EngineClient", "ExecutorHealth",
           "ReflectedFiles", "backoff"]

log = logging.getLogger("pelorus.client")
ROLE_HEADER = "x-pelorus-role"  # pelorus.engine.auth.ROLE_HEADER (the client does not import the engine)
# pelorus.engine.server's EXECUTOR_HEALTH and the trailing-metadata keys of its Check.
EXECUTOR_HEALTH = "pelorus.v1.Executor"
EXECUTOR_NAME_KEY, EXECUTOR_DETAILS_KEY = "pelorus-executor", "pelorus-executor-details"
REFLECTION_SERVICES = ("grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection")
"""Tried in this order by reflect_files (pelorus.engine.reflection serves both)."""
T = TypeVar("T")
_WRITE_LOST = "Internal error from Core"
_WRITE_RACE_ATTEMPTS = 4  # calls of one reflection protocol when the server's answer beats our first write
"""What grpc.aio says when a stream's write fails because the server has already ended the call."""

#: What the engine's auth interceptor gives operators and admins; refused locally in read-only mode.
MUTATING = frozenset({
    "CreateJob", "ReplaceJob", "PatchJob", "RestartJob", "StartJob", "StopJob", "PauseJobWorkflow",
    "ResumeJobWorkflow", "AbortJobWorkflow", "DeleteJob", "StartPod", "StopPod", "RestartPod", "RefreshJob",
})
BACKOFF_FIRST, BACKOFF_MAX = 0.25, 10.0
#: Feeds replace the channel after this many failed attempts in a row: a fresh channel
#: forgets grpc's own reconnect backoff and any state it kept about a dead peer.
REOPEN_AFTER = 4
#: Listing 100k jobs takes seconds, not the unary deadline.
LIST_DEADLINE = 120.0
LIST_JOBS_METHOD = "/pelorus.v1.JobService/ListJobs"
WATCH_METHOD = "/pelorus.v1.WatchService/Watch"
#: A feed gives up on these (retrying cannot help); everything else is retried with backoff.
FATAL = frozenset({
    grpc.StatusCode.UNAUTHENTICATED, grpc.StatusCode.PERMISSION_DENIED, grpc.StatusCode.NOT_FOUND,
    grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.FAILED_PRECONDITION, grpc.StatusCode.UNIMPLEMENTED,
})

# Feed connection states, as given to the `on_state(state, detail)` callback.
CONNECTED, RECONNECTING, DISCONNECTED = "connected", "reconnecting", "disconnected"
StateCallback = Callable[[str, str], None]


@dataclass
class ConnectionConfig:
    """Where the engine is and how to talk to it. Mutable on purpose: the session turns
    `read_only` on when the engine says the token is a viewer's."""

    address: str  # "unix:/path/engine.sock" or "host:port"
    tls_ca: Path | str | None = None  # PEM roots for TCP; None = the system's roots
    token: str | None = None  # sent as "authorization: Bearer <token>"
    insecure: bool = False  # plaintext TCP (only with an engine started --insecure)
    server_name: str | None = None  # TLS name to verify instead of the address's host
    deadline: float = 10.0  # seconds, for every unary call
    read_only: bool = False  # refuse mutating calls before they are sent


@dataclass(frozen=True)
class ExecutorHealth:
    """What runs the engine's pods and whether it can: `status` is the health service's
    SERVING / NOT_SERVING (UNKNOWN from an engine that does not report it); `details`
    the executor's own (for Ray: ray_address, ray_reachable, ray_nodes_alive, ray_error...)."""

    status: str
    executor: str = ""
    details: dict[str, str] = field(default_factory=dict)

    @property
    def serving(self) -> bool:
        return self.status == "SERVING"

    @property
    def address(self) -> str:
        return self.details.get("ray_address", "")


@dataclass
class ReflectedFiles:
    """What server reflection gave: every file descriptor reachable from the listed services,
    and the imports (file name → the file importing it) the server could not supply."""

    address: str
    services: list[str]
    files: list[descriptor_pb2.FileDescriptorProto]
    missing: dict[str, str]
    protocol: str = ""
    """The reflection service that answered: grpc.reflection.v1.ServerReflection or the v1alpha one."""


def backoff(attempt: int) -> float:
    """Delay before retry `attempt` (1-based): doubles from 0.25 s to 10 s, jittered into the
    upper half of the step so consoles reconnecting to one restarted engine spread out."""
    step: float = min(BACKOFF_MAX, BACKOFF_FIRST * 2 ** max(0, attempt - 1))
    return random.uniform(max(BACKOFF_FIRST, step / 2), step)


def _cancelled_by_caller() -> bool:
    """A CancelledError from grpc is either our task being cancelled (pass it on) or the call
    being cancelled under us because its channel was closed (a lost connection)."""
    task = asyncio.current_task()
    return task is None or task.cancelling() > 0


def _status(code: int) -> grpc.StatusCode:
    """The grpc.StatusCode for a numeric code (UNKNOWN for codes grpc does not know)."""
    for sc in grpc.StatusCode:
        if sc.value[0] == code:
            return sc
    return grpc.StatusCode.UNKNOWN


@contextlib.contextmanager
def _translated(method: str) -> Iterator[None]:
    """gRPC failures of `method` become ClientErrors; the caller's cancellation stays a cancellation."""
    try:
        yield
    except grpc.aio.AioRpcError as exc:
        raise from_rpc_error(exc, method) from None
    except asyncio.CancelledError:
        if _cancelled_by_caller():
            raise
        raise Unavailable(grpc.StatusCode.UNAVAILABLE, QT_TRANSLATE_NOOP(
            "ClientError", "the connection to the engine was closed").format(), method) from None


@dataclass
class _Stubs:
    jobs: job_service_pb2_grpc.JobServiceStub
    pods: pod_service_pb2_grpc.PodServiceStub
    watch: watch_service_pb2_grpc.WatchServiceStub
    health: health_pb2_grpc.HealthStub


@dataclass(eq=False)  # a connection, compared by identity
class EngineClient:
    """Async client of one engine. Belongs to the loop that ran `connect()` (the qasync loop
    in the console); call it only from coroutines on that loop. Use `async with` or
    `connect()` / `close()`. Every method raises `pelorus.errors.ClientError` subclasses."""

    config: ConnectionConfig
    #: The token's role as the engine announced it ("viewer", "operator", "admin"); None on an
    #: engine without tokens (the embedded one), where everything is allowed.
    role: str | None = field(default=None, init=False)
    _channel: grpc.aio.Channel | None = field(default=None, init=False, repr=False)
    _stubs: _Stubs | None = field(default=None, init=False, repr=False)
    _closed: bool = field(default=True, init=False, repr=False)
    _reopen_lock: asyncio.Lock = field(default_factory=asyncio.Lock, init=False, repr=False)

    # -- connection ---------------------------------------------------------------------
    def _open(self) -> None:
        cfg = self.config
        options: list[tuple[str, Any]] = [
            ("grpc.max_receive_message_length", 64 * 1024 * 1024),
            # grpc's own reconnect backoff grows to 120 s by default; keep it in step with ours
            # so a restarted engine is found again within seconds.
            ("grpc.initial_reconnect_backoff_ms", int(BACKOFF_FIRST * 1000)),
            ("grpc.max_reconnect_backoff_ms", int(BACKOFF_MAX * 1000)),
            # Channels to one address share subchannels (and their backoff) through a global pool
            # unless told otherwise; a reopened channel must really start a new connection.
            ("grpc.use_local_subchannel_pool", 1),
        ]
        if cfg.server_name:
            options.append(("grpc.ssl_target_name_override", cfg.server_name))
        if cfg.address.startswith("unix:") or cfg.insecure:
            channel = grpc.aio.insecure_channel(cfg.address, options=options)
        else:
            root = Path(cfg.tls_ca).read_bytes() if cfg.tls_ca else None
            channel = grpc.aio.secure_channel(cfg.address, grpc.ssl_channel_credentials(root), options=options)
        self._channel = channel
        self._stubs = _Stubs(job_service_pb2_grpc.JobServiceStub(channel),  # type: ignore[no-untyped-call]
                             pod_service_pb2_grpc.PodServiceStub(channel),  # type: ignore[no-untyped-call]
                             watch_service_pb2_grpc.WatchServiceStub(channel),  # type: ignore[no-untyped-call]
                             health_pb2_grpc.HealthStub(channel))

    async def connect(self) -> None:
        """Open the channel on the running loop and check the engine's health within the
        deadline; raises Unavailable (or DeadlineExceeded) if it is not there."""
        await self.close()
        self._open()
        self._closed = False
        try:
            # types-grpcio-health-checking's HealthStub declares no methods
            resp = await self._call(self.stubs.health.Check,  # type: ignore[attr-defined]
                                    health_pb2.HealthCheckRequest(), "Health check")
            if resp.status != health_pb2.HealthCheckResponse.SERVING:
                raise Unavailable(grpc.StatusCode.UNAVAILABLE, QT_TRANSLATE_NOOP(
                    "ClientError", "the engine is not serving (shutting down?)").format(),
                                  "Health check")
        except BaseException:
            await self.close()
            raise

    async def close(self) -> None:
        """Close the channel; calls and feeds still running on it end (feeds report "disconnected")."""
        self._closed = True
        channel, self._channel, self._stubs = self._channel, None, None
        if channel is not None:
            await channel.close()

    async def _reopen(self, stale: grpc.aio.Channel | None) -> None:
        """Replace the channel a feed failed on, once, however many feeds ask."""
        async with self._reopen_lock:
            if self._closed or self._channel is not stale:
                return  # closed, or another feed already replaced it
            log.info("reopening the channel to %s", self.config.address)
            self._open()
            if stale is not None:
                await stale.close()

    async def __aenter__(self) -> Self:
        await self.connect()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def connected(self) -> bool:
        return self._channel is not None

    @property
    def stubs(self) -> _Stubs:
        if self._stubs is None:
            raise Unavailable(grpc.StatusCode.UNAVAILABLE, QT_TRANSLATE_NOOP(
                "ClientError", "not connected to an engine").format(), "")
        return self._stubs

    @property
    def metadata(self) -> tuple[tuple[str, str], ...]:
        return (("authorization", f"Bearer {self.config.token}"),) if self.config.token else ()

    def _check_allowed(self, name: str) -> None:
        if self.config.read_only and name in MUTATING:
            raise PermissionDenied(grpc.StatusCode.PERMISSION_DENIED, QT_TRANSLATE_NOOP(
                "ClientError", "the console is in read-only mode").format(), name)

    async def _call(self, method: Any, request: Any, name: str, timeout: float | None = None) -> Any:
        """One unary call with a deadline and the token; gRPC errors become ClientErrors."""
        self._check_allowed(name)
        with _translated(name):
            return await method(request, timeout=timeout or self.config.deadline, metadata=self.metadata)

    async def _collect(self, call: Any, name: str, items: Callable[[Any], Sequence[T]]) -> tuple[list[T], int]:
        """Drain a List* stream: every item, and the revision its last message carries."""
        out: list[T] = []
        revision = 0
        try:
            with _translated(name):
                role = dict(await call.initial_metadata() or ()).get(ROLE_HEADER)
                if role:
                    self.role = str(role)
                async for resp in call:
                    out.extend(items(resp))
                    revision = resp.revision or revision
        finally:
            call.cancel()
        return out, revision

    async def executor_health(self) -> ExecutorHealth:
        """The `pelorus.v1.Executor` health status with the executor's name and details."""
        request = health_pb2.HealthCheckRequest(service=EXECUTOR_HEALTH)
        # types-grpcio-health-checking's HealthStub declares no methods
        call = self.stubs.health.Check(request, timeout=self.config.deadline,  # type: ignore[attr-defined]
                                       metadata=self.metadata)
        try:
            with _translated("Health check"):
                resp = await call
                trailing = dict(await call.trailing_metadata() or ())
        except ClientError as exc:
            if exc.code == grpc.StatusCode.NOT_FOUND:  # an engine without executor health
                return ExecutorHealth("UNKNOWN")
            raise
        try:
            details = {str(k): str(v) for k, v in json.loads(trailing.get(EXECUTOR_DETAILS_KEY) or "{}").items()}
        except (ValueError, AttributeError):
            details = {}
        status = health_pb2.HealthCheckResponse.ServingStatus.Name(resp.status)
        return ExecutorHealth(status, str(trailing.get(EXECUTOR_NAME_KEY) or details.get("executor", "")), details)

    @staticmethod
    def _version(value: int) -> common_pb2.EntityVersion:
        return common_pb2.EntityVersion(value=value)

    # -- schemas ---------------------------------------------------------------------------
    async def reflect_files(self) -> ReflectedFiles:
        """Every file descriptor the server exposes through server reflection: the files of each
        listed service (FileContainingSymbol), then their imports, transitively
        (FileByFilename), on one stream under the unary deadline, with the token.

        Protocol: ``grpc.reflection.v1.ServerReflection`` first, then, if the server answers
        UNIMPLEMENTED, ``grpc.reflection.v1alpha`` (the same messages under the older name).
        v1 first because it is the stable name every current server offers (grpc-java, grpc-go
        and tonic serve it, some only it) and grpcurl tries it first too; only older servers
        (grpcio-reflection's own, old grpc-go) need the fallback, which costs them one round
        trip. grpcio-reflection ships only v1alpha modules, so both calls use its message classes
        over a generic stream-stream call on the method path.

        Works on a connected client (the engine) or on one never connected — any gRPC server
        typed by the operator, which need not serve health checking: a channel is opened for
        this call only. A server with neither raises ClientError with code UNIMPLEMENTED;
        imports the server cannot supply are named in ``missing`` (the registry refuses them).
        """
        name = "LoadSchemaFromReflection"
        temporary = self._channel is None
        if temporary:
            self._open()
        assert self._channel is not None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.config.deadline  # one deadline for both attempts
        try:
            for service in REFLECTION_SERVICES:
                method = self._channel.stream_stream(
                    f"/{service}/ServerReflectionInfo",
                    request_serializer=reflection_pb2.ServerReflectionRequest.SerializeToString,
                    response_deserializer=reflection_pb2.ServerReflectionResponse.FromString)
                for attempt in range(1, _WRITE_RACE_ATTEMPTS + 1):
                    call: Any = method(metadata=self.metadata, timeout=max(0.001, deadline - loop.time()))
                    try:
                        with _translated(name):
                            return await self._reflect(call, name, service)
                    except ClientError as exc:
                        # A server that refuses the call at once (UNIMPLEMENTED without this protocol,
                        # UNAUTHENTICATED without a token) may answer before our first write; grpc.aio
                        # then reports the failed write as INTERNAL and its answer is lost (the call's
                        # status is overwritten): ask again, the next call usually reads the answer.
                        lost_race = exc.code == grpc.StatusCode.INTERNAL and exc.message == _WRITE_LOST
                        if lost_race and attempt < _WRITE_RACE_ATTEMPTS:
                            continue
                        if exc.code != grpc.StatusCode.UNIMPLEMENTED and not lost_race:
                            raise
                        break
                    finally:
                        call.cancel()
            raise ClientError(grpc.StatusCode.UNIMPLEMENTED,
                              QT_TRANSLATE_NOOP(
                "ClientError", "{address} does not offer server reflection ({names})").format(
                address=self.config.address, names=' or '.join(REFLECTION_SERVICES)), name)
        finally:
            if temporary:
                channel, self._channel, self._stubs = self._channel, None, None
                if channel is not None:
                    await channel.close()

    async def _reflect(self, call: Any, name: str, protocol: str) -> ReflectedFiles:
        R = reflection_pb2.ServerReflectionRequest

        async def ask(request: reflection_pb2.ServerReflectionRequest) -> reflection_pb2.ServerReflectionResponse:
            try:
                await call.write(request)
            except asyncio.InvalidStateError:  # the server already ended the call: its status says why
                raise ClientError(await call.code(), await call.details() or "", name) from None
            resp = await call.read()
            if resp is grpc.aio.EOF:
                raise Unavailable(grpc.StatusCode.UNAVAILABLE, QT_TRANSLATE_NOOP(
                    "ClientError", "the server ended the reflection stream early").format(), name)
            assert isinstance(resp, reflection_pb2.ServerReflectionResponse)
            return resp

        listed = await ask(R(list_services=""))
        if listed.HasField("error_response"):
            raise ClientError(_status(listed.error_response.error_code),
                              QT_TRANSLATE_NOOP(
                "ClientError", "listing services failed: {error_message}").format(
                error_message=listed.error_response.error_message), name)
        services = [s.name for s in listed.list_services_response.service]
        files: dict[str, descriptor_pb2.FileDescriptorProto] = {}
        missing: dict[str, str] = {}

        def take(resp: reflection_pb2.ServerReflectionResponse) -> None:
            for raw in resp.file_descriptor_response.file_descriptor_proto:
                fdp = descriptor_pb2.FileDescriptorProto.FromString(raw)
                files.setdefault(fdp.name, fdp)

        for service in services:
            resp = await ask(R(file_containing_symbol=service))
            if resp.HasField("error_response"):
                missing[f"(file of service {service})"] = resp.error_response.error_message
            else:
                take(resp)
        asked: set[str] = set()
        while True:
            wanted = [(dep, f.name) for f in list(files.values()) for dep in f.dependency
                      if dep not in files and dep not in asked]
            if not wanted:
                break
            for dep, importer in wanted:
                if dep in asked:
                    continue
                asked.add(dep)
                resp = await ask(R(file_by_filename=dep))
                if resp.HasField("error_response"):
                    missing[dep] = importer
                else:
                    take(resp)
        await call.done_writing()
        return ReflectedFiles(self.config.address, services, list(files.values()), missing, protocol)

    # -- jobs: mutations (return the job's new entity version) ----------------------------
    async def create_job(self, spec: job_pb2.JobSpec, idempotency_key: str = "", job_id: str = "",
                         start_paused: bool = False) -> js.CreateJobResponse:
        """Same key (or job id) + same spec returns the existing job (`created` False)."""
        resp: js.CreateJobResponse = await self._call(self.stubs.jobs.CreateJob, js.CreateJobRequest(
            spec=spec, idempotency_key=idempotency_key, job_id=job_id, start_paused=start_paused), "CreateJob")
        return resp

    async def replace_job(self, job_id: str, version: int, spec: job_pb2.JobSpec, batch_size: int = 0,
                          start_paused: bool = False, rollback_on_failure: bool = False) -> int:
        req = js.ReplaceJobRequest(job_id=job_id, version=self._version(version), spec=spec)
        req.update_spec.batch_size = batch_size
        req.update_spec.start_paused = start_paused
        req.update_spec.rollback_on_failure = rollback_on_failure
        return int((await self._call(self.stubs.jobs.ReplaceJob, req, "ReplaceJob")).version.value)

    async def patch_job(self, job_id: str, version: int, spec: job_pb2.JobSpec, paths: Sequence[str],
                        batch_size: int = 0) -> int:
        """Only the fields named in `paths` (a FieldMask, e.g. "instance_count") are taken from `spec`."""
        req = js.PatchJobRequest(job_id=job_id, version=self._version(version), spec=spec,
                                 update_mask=field_mask_pb2.FieldMask(paths=list(paths)))
        req.update_spec.batch_size = batch_size
        return int((await self._call(self.stubs.jobs.PatchJob, req, "PatchJob")).version.value)

    async def restart_job(self, job_id: str, version: int, batch_size: int = 0,
                          ranges: Sequence[tuple[int, int]] = ()) -> int:
        """`ranges` are [from, to) instance ranges; none means every instance."""
        req = js.RestartJobRequest(job_id=job_id, version=self._version(version))
        req.restart_spec.batch_size = batch_size
        for lo, hi in ranges:
            r = req.restart_spec.ranges.add(to=hi)
            setattr(r, "from", lo)  # `from` is a Python keyword
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
        """Without force a job that is still active fails with FailedPrecondition."""
        # A forced delete waits for pods to stop: give it the pods' grace periods on top.
        await self._call(self.stubs.jobs.DeleteJob, js.DeleteJobRequest(
            job_id=job_id, version=self._version(version), force=force), "DeleteJob",
            timeout=self.config.deadline + (60.0 if force else 0.0))

    async def refresh_job(self, job_id: str) -> None:
        await self._call(self.stubs.jobs.RefreshJob, js.RefreshJobRequest(job_id=job_id), "RefreshJob")

    # -- jobs: reading ---------------------------------------------------------------------
    async def get_job(self, job_id: str, summary_only: bool = False, version: int = 0) -> js.GetJobResponse:
        """The job now; with `version`, its spec as it was at that version (NotFound names the
        versions there are)."""
        req = js.GetJobRequest(job_id=job_id, summary_only=summary_only)
        if version:
            req.version.value = version
        resp: js.GetJobResponse = await self._call(self.stubs.jobs.GetJob, req, "GetJob")
        return resp

    async def list_versions(self, job_id: str, offset: int = 0, limit: int = 0,
                            oldest_first: bool = False) -> js.ListJobVersionsResponse:
        """One page of the job's spec versions (newest first unless `oldest_first`; `limit` 0 is the
        engine's default page), with the paging totals and the job's entity version now."""
        req = js.ListJobVersionsRequest(job_id=job_id)
        req.pagination.offset, req.pagination.limit = offset, limit
        if oldest_first:
            req.pagination.order_by.add(property="version", order=common_pb2.OrderBy.ORDER_ASC)
        resp: js.ListJobVersionsResponse = await self._call(self.stubs.jobs.ListJobVersions, req, "ListJobVersions")
        return resp

    async def replace_diff(self, job_id: str, version: int, spec: job_pb2.JobSpec) -> js.GetReplaceJobDiffResponse:
        resp: js.GetReplaceJobDiffResponse = await self._call(self.stubs.jobs.GetReplaceJobDiff,
                                                              js.GetReplaceJobDiffRequest(
            job_id=job_id, version=self._version(version), spec=spec), "GetReplaceJobDiff")
        return resp

    async def job_ids_by_name(self, name: str) -> list[str]:
        """Newest first."""
        resp = await self._call(self.stubs.jobs.GetJobIDFromJobName,
                                js.GetJobIDFromJobNameRequest(job_name=name), "GetJobIDFromJobName")
        return list(resp.job_id)

    async def query_jobs(self, spec: job_pb2.JobQuerySpec) -> js.QueryJobsResponse:
        resp: js.QueryJobsResponse = await self._call(self.stubs.jobs.QueryJobs, js.QueryJobsRequest(spec=spec),
                                                      "QueryJobs")
        return resp

    async def job_cache(self, job_id: str) -> js.GetJobCacheResponse:
        """The engine's in-memory view of the job, to compare with `get_job` (the store)."""
        resp: js.GetJobCacheResponse = await self._call(self.stubs.jobs.GetJobCache,
                                                        js.GetJobCacheRequest(job_id=job_id), "GetJobCache")
        return resp

    async def list_jobs(self) -> tuple[list[job_pb2.JobSummary], int]:
        """Every job, and the store revision the listing reflects (what to Watch from)."""
        call = self.stubs.jobs.ListJobs(js.ListJobsRequest(), metadata=self.metadata, timeout=LIST_DEADLINE)
        return await self._collect(call, "ListJobs", lambda resp: resp.jobs)

    async def list_jobs_raw(self, on_page: Callable[[bytes], None] | None = None,
                            batch_size: int = 0) -> tuple[list[bytes], int]:
        """ListJobs without parsing: every ListJobsResponse's wire bytes, and the store revision.

        The console decodes the summaries of a whole listing at once straight from these bytes
        (console/models/job_wire.py), ~5x cheaper than upb messages read field by field, and it
        keeps the bytes instead of ~1 KB a message.  ``on_page`` is given each response as it
        arrives (and then the result holds none): the table shows the first page at once.

        The engine streams the pages from the revision it returns, read as they are sent: a
        summary may be newer than that revision (its status.revision), so the Watch that
        follows may bring changes a page already had; ``JobsTableModel`` skips those."""
        if self._channel is None:
            raise Unavailable(grpc.StatusCode.UNAVAILABLE, QT_TRANSLATE_NOOP(
                "ClientError", "not connected to an engine").format(), "ListJobs")
        method: Any = self._channel.unary_stream(
            LIST_JOBS_METHOD, request_serializer=js.ListJobsRequest.SerializeToString, response_deserializer=None)
        call = method(js.ListJobsRequest(batch_size=batch_size), metadata=self.metadata, timeout=LIST_DEADLINE)
        pages: list[bytes] = []
        last = b""
        try:
            with _translated("ListJobs"):
                role = dict(await call.initial_metadata() or ()).get(ROLE_HEADER)
                if role:
                    self.role = str(role)
                async for raw in call:
                    if on_page is None:
                        pages.append(raw)
                    else:
                        on_page(raw)
                    last = raw
        finally:
            call.cancel()
        # the last message carries the revision (every one does, from engines that stream)
        return pages, js.ListJobsResponse.FromString(last).revision if last else 0

    async def list_workflows(self, job_id: str, instance_events: bool = False) -> list[workflow_pb2.WorkflowInfo]:
        """Newest first, each with its events."""
        resp = await self._call(self.stubs.jobs.ListJobWorkflows, js.ListJobWorkflowsRequest(
            job_id=job_id, instance_events=instance_events), "ListJobWorkflows")
        return list(resp.workflows)

    async def workflow_events(self, job_id: str, instance_id: int | None = None,
                              limit: int = 0) -> list[workflow_pb2.WorkflowEvent]:
        """Job-level events, or one instance's when `instance_id` is given."""
        req = js.GetWorkflowEventsRequest(job_id=job_id, limit=limit)
        if instance_id is not None:
            req.has_instance_id, req.instance_id = True, instance_id
        return list((await self._call(self.stubs.jobs.GetWorkflowEvents, req, "GetWorkflowEvents")).events)

    async def list_pods(self, job_id: str) -> list[pod_pb2.PodInfo]:
        """Every pod of the job (the ListPods stream, collected)."""
        pods, _revision = await self._list_pods(job_id)
        return pods

    async def _list_pods(self, job_id: str) -> tuple[list[pod_pb2.PodInfo], int]:
        call = self.stubs.jobs.ListPods(js.ListPodsRequest(job_id=job_id), metadata=self.metadata,
                                        timeout=LIST_DEADLINE)
        return await self._collect(call, "ListPods", lambda resp: resp.pods)

    async def job_pod_events(self, job_id: str, after: int = 0,
                             limit: int = 0) -> AsyncGenerator[js.ListJobPodEventsResponse, None]:
        """Every pod event of the job after cursor `after`, a page (ListJobPodEvents) at a time,
        until the engine has no more; each page's `next_cursor` is where a later call resumes."""
        while True:
            req = js.ListJobPodEventsRequest(job_id=job_id, after=after, limit=limit)
            page: js.ListJobPodEventsResponse = await self._call(self.stubs.jobs.ListJobPodEvents, req,
                                                                 "ListJobPodEvents")
            yield page
            if not page.more or page.next_cursor <= after:
                return
            after = page.next_cursor

    async def query_pods(self, job_id: str, spec: pod_pb2.PodQuerySpec) -> js.QueryPodsResponse:
        resp: js.QueryPodsResponse = await self._call(
            self.stubs.jobs.QueryPods, js.QueryPodsRequest(job_id=job_id, spec=spec), "QueryPods")
        return resp

    # -- pods ----------------------------------------------------------------------------
    async def get_pod(self, pod_name: str) -> ps.GetPodResponse:
        resp: ps.GetPodResponse = await self._call(self.stubs.pods.GetPod, ps.GetPodRequest(pod_name=pod_name),
                                                   "GetPod")
        return resp

    async def pod_events(self, pod_name: str, pod_id: str = "") -> list[pod_pb2.PodEvent]:
        resp = await self._call(self.stubs.pods.GetPodEvents,
                                ps.GetPodEventsRequest(pod_name=pod_name, pod_id=pod_id), "GetPodEvents")
        return list(resp.events)

    async def start_pod(self, pod_name: str) -> None:
        await self._call(self.stubs.pods.StartPod, ps.StartPodRequest(pod_name=pod_name), "StartPod")

    async def stop_pod(self, pod_name: str) -> None:
        await self._call(self.stubs.pods.StopPod, ps.StopPodRequest(pod_name=pod_name), "StopPod")

    async def restart_pod(self, pod_name: str, check_sla: bool = True) -> str:
        """Returns the new run's pod id. With check_sla, refused if the job's SLA would be broken."""
        resp = await self._call(self.stubs.pods.RestartPod,
                                ps.RestartPodRequest(pod_name=pod_name, check_sla=check_sla), "RestartPod")
        return str(resp.new_pod_id)

    # -- streams (no deadline: they last as long as the caller reads; cancel to stop) ----------
    async def pod_logs(self, pod_name: str, pod_id: str = "", follow: bool = False, tail_lines: int = 0,
                       after_seq: int = 0) -> AsyncGenerator[list[pod_pb2.LogLine], None]:
        """Batches of log lines; with `follow`, new lines as the pod prints them, until the run
        ends. Resume a broken follow with `after_seq` = the last line's seq."""
        call = self.stubs.pods.GetPodLogs(ps.GetPodLogsRequest(pod_name=pod_name, pod_id=pod_id, follow=follow,
                                                               tail_lines=tail_lines, after_seq=after_seq),
                                          metadata=self.metadata, timeout=None if follow else LIST_DEADLINE)
        try:
            with _translated("GetPodLogs"):
                async for resp in call:
                    if resp.lines:
                        yield list(resp.lines)
                    if resp.end_of_logs:
                        return
        finally:
            call.cancel()

    async def watch_job(self, job_id: str, period: float = 1.0) -> AsyncGenerator[ws.WatchJobResponse, None]:
        """Progress of one job every `period` seconds (the engine clamps it to 0.25..50 s) while it
        changes; ends when the job reaches a terminal state."""
        req = ws.WatchJobRequest(job_id=job_id)
        req.progress_update_period.FromMilliseconds(int(period * 1000))
        call = self.stubs.watch.WatchJob(req, metadata=self.metadata)
        try:
            with _translated("WatchJob"):
                async for resp in call:
                    yield resp
        finally:
            call.cancel()

    async def progress_history(self, job_id: str, run: int = 0) -> ws.GetJobProgressHistoryResponse:
        """The stored progress samples of one run of the job (0: the current run), oldest first:
        the same messages `watch_job` yields, so a chart backfills from them and then follows."""
        resp: ws.GetJobProgressHistoryResponse = await self._call(
            self.stubs.watch.GetJobProgressHistory, ws.GetJobProgressHistoryRequest(job_id=job_id, run=run),
            "GetJobProgressHistory")
        return resp

    # -- resumable feeds ----------------------------------------------------------------------
    async def job_feed(self, on_snapshot: Callable[[Any, int], None],
                       on_changes: Callable[[list[tuple[job_pb2.JobSummary, bool]]], None],
                       on_state: StateCallback,
                       list_all: Callable[[], Awaitable[tuple[Any, int]]] | None = None) -> None:
        """Every job (`on_snapshot(jobs, revision)`), then every change as (summary, deleted)
        batches, until cancelled. Survives engine restarts; see `_feed`. `list_all` replaces
        ListJobs for the (re)listing: its first result is what `on_snapshot` gets (the console
        lists raw bytes, `list_jobs_raw`; a benchmark replays the log from an older listing)."""

        def extract(changes: Sequence[ws.Change]) -> list[tuple[job_pb2.JobSummary, bool]]:
            return [(ch.job, ch.deleted) for ch in changes if ch.HasField("job")]

        await self._feed(list_all or self.list_jobs,
                         lambda rev: ws.WatchRequest(start_revision=rev, job_filter=ws.JobFilter()),
                         on_snapshot, extract, on_changes, on_state)

    async def job_feed_raw(self, on_snapshot: Callable[[Any, int], None],
                           on_response: Callable[[bytes], Awaitable[None] | None],
                           on_state: StateCallback, list_all: Callable[[], Awaitable[tuple[Any, int]]],
                           revision_seen: Callable[[], Awaitable[int]]) -> None:
        """`job_feed` with every WatchResponse handed over unparsed (`on_response(wire bytes)`),
        on this loop and this channel: the console parses them on a plain worker thread
        (console/job_feed_thread.py), so the loop's thread does no protobuf work for a storm.  Whoever
        parses also drops the changes at or below the last revision it saw (the listing's, then
        each response's) and tells it through `revision_seen()`, awaited before a Watch resumes.
        An awaitable returned by `on_response` is awaited before the next response is read."""
        await self._feed(list_all, lambda rev: ws.WatchRequest(start_revision=rev, job_filter=ws.JobFilter()),
                         on_snapshot, lambda changes: list(changes), lambda _batch: None, on_state,
                         raw=(on_response, revision_seen))

    async def pod_feed(self, job_id: str, on_snapshot: Callable[[list[pod_pb2.PodInfo], int], None],
                       on_changes: Callable[[list[tuple[pod_pb2.PodInfo, bool]]], None],
                       on_state: StateCallback) -> None:
        """The pods of one job, then every change to them, until cancelled. Ends with NotFound
        ("disconnected") if the job is gone when the feed (re)lists."""

        def extract(changes: Sequence[ws.Change]) -> list[tuple[pod_pb2.PodInfo, bool]]:
            return [(ch.pod, ch.deleted) for ch in changes if ch.HasField("pod")]

        await self._feed(lambda: self._list_pods(job_id),
                         lambda rev: ws.WatchRequest(start_revision=rev, pod_filter=ws.PodFilter(job_id=job_id)),
                         on_snapshot, extract, on_changes, on_state)

    async def _feed(self, list_all: Callable[[], Any], watch_request: Callable[[int], ws.WatchRequest],
                    on_snapshot: Callable[[Any, int], None], extract: Callable[[Sequence[ws.Change]], list[Any]],
                    on_changes: Callable[[Any], None], on_state: StateCallback,
                    raw: tuple[Callable[[bytes], Awaitable[None] | None], Callable[[], Awaitable[int]]] | None = None,
                    ) -> None:
        """List, then Watch from the listed revision; on a lost connection report "reconnecting"
        and retry with backoff, resuming from the last revision seen; on OUT_OF_RANGE (change log
        compacted, or a different store behind the address) list again.  With `raw` (on_response,
        revision_seen) the responses go unparsed to on_response (`extract`, `on_changes` unused)
        and a resumed Watch starts from what `revision_seen()` returns (see `job_feed_raw`).

        Callbacks rather than an async iterator: state changes must reach the UI while the feed
        sleeps between attempts, and the consumer (the session) only routes each kind of event
        to a different place. They run on the loop, synchronously; one that raises ends the feed.
        Fatal errors (bad token, job gone, ...) report "disconnected" and are raised; `close()`
        reports "disconnected" and returns.
        """
        revision: int | None = None  # last revision delivered; None = a (fresh) snapshot is needed
        attempt = 0  # failed attempts in a row
        state = ""

        def report(new: str, detail: str = "") -> None:
            nonlocal state
            if new != state or new == RECONNECTING:
                state = new
                on_state(new, detail)

        while True:
            channel = self._channel
            call: Any = None
            relisted = revision is None
            try:
                with _translated("Watch"):
                    if revision is None:
                        items, revision = await list_all()
                        on_snapshot(items, revision)
                    elif raw is not None:  # the parser of the responses knows how far they went
                        revision = await raw[1]()
                    if raw is not None:
                        if self._channel is None:
                            raise Unavailable(grpc.StatusCode.UNAVAILABLE, QT_TRANSLATE_NOOP(
                                "ClientError", "not connected to an engine").format(), "Watch")
                        method: Any = self._channel.unary_stream(  # same channel, responses left as bytes
                            WATCH_METHOD, request_serializer=ws.WatchRequest.SerializeToString,
                            response_deserializer=None)
                        call = method(watch_request(revision), metadata=self.metadata)
                        on_response = raw[0]
                        async for data in call:
                            attempt = 0
                            report(CONNECTED)
                            wait = on_response(data)
                            if wait is not None:  # the parser is far behind: read on when it caught up
                                await wait
                        raise Unavailable(grpc.StatusCode.UNAVAILABLE, QT_TRANSLATE_NOOP(
                            "ClientError", "the engine ended the watch").format(), "Watch")
                    call = self.stubs.watch.Watch(watch_request(revision), metadata=self.metadata)
                    async for resp in call:
                        attempt = 0
                        report(CONNECTED)
                        changes = resp.changes
                        # never twice; changes come in revision order, so usually all are fresh
                        # and the per-change filter (~1 ms per 1,000 on the UI thread) is skipped
                        fresh = (changes if not changes or changes[0].revision > revision
                                 else [ch for ch in changes if ch.revision > revision])
                        batch = extract(fresh)
                        if batch:
                            on_changes(batch)
                        revision = max(revision, resp.revision)
                raise Unavailable(grpc.StatusCode.UNAVAILABLE, QT_TRANSLATE_NOOP(
                    "ClientError", "the engine ended the watch").format(), "Watch")
            except ClientError as exc:
                err = exc
            finally:
                if call is not None:
                    call.cancel()
            if self._closed:
                report(DISCONNECTED, "the connection was closed")
                return
            if err.code == grpc.StatusCode.RESOURCE_EXHAUSTED and "watch again from revision" in err.message:
                log.info("watch ended for reading too slowly (%s); resuming from revision %s", err.message, revision)
                continue  # the engine stopped buffering for us; nothing is lost, resume at once
            if err.code == grpc.StatusCode.OUT_OF_RANGE and not relisted:
                log.info("watch from revision %s refused (%s); listing again", revision, err.message)
                revision = None
                continue
            if err.code in FATAL:
                report(DISCONNECTED, str(err))
                raise err
            attempt += 1
            delay = backoff(attempt)
            report(RECONNECTING, f"attempt {attempt}, next try in {delay:.1f} s: {err}")
            await asyncio.sleep(delay)
            if attempt % REOPEN_AFTER == 0:
                await self._reopen(channel)
