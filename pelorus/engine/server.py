"""Assemble the gRPC server around an Engine: servicers, health, reflection, auth, binding.

The data directory is locked (flock) for the life of the server, so a second engine on
the same store fails at once with a message instead of corrupting it.
"""

from __future__ import annotations

import asyncio
import fcntl
import hmac
import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, cast

import grpc
from google.protobuf.message import Message
from grpc_health.v1 import health, health_pb2, health_pb2_grpc

from pelorus.api import (
    job_service_pb2,
    job_service_pb2_grpc,
    pod_service_pb2,
    pod_service_pb2_grpc,
    watch_service_pb2,
)
from pelorus.engine import limits
from pelorus.engine.auth import TokenAuthInterceptor, bearer_token
from pelorus.engine.engine import Engine, EngineConfig
from pelorus.engine.executors.base import Executor, ExecutorEvents
from pelorus.engine.grpcaccept import pipelined_server
from pelorus.engine.guard import DEFAULT_MAX_STREAMS_PER_CLIENT, RequestGuard
from pelorus.engine.paths import socket_address, socket_path
from pelorus.engine.privacy import private_file, secure_data_dir
from pelorus.engine.reflection import enable_reflection
from pelorus.engine.services.jobs import JobService
from pelorus.engine.services.pods import PodService
from pelorus.engine.services.watch import WatchService

log = logging.getLogger("pelorus.server")

SERVICE_NAMES = (
    job_service_pb2.DESCRIPTOR.services_by_name["JobService"].full_name,
    pod_service_pb2.DESCRIPTOR.services_by_name["PodService"].full_name,
    watch_service_pb2.DESCRIPTOR.services_by_name["WatchService"].full_name,
)
MAX_MESSAGE = limits.TRANSPORT_MAX_BYTES  # requests above limits.MAX_REQUEST_BYTES are refused by the guard
EXECUTOR_HEALTH = "pelorus.v1.Executor"
EXECUTOR_HEALTH_PERIOD = 2.0
# Trailing metadata of a Check on EXECUTOR_HEALTH: which executor, and its describe() as JSON
# (for Ray: address, reachable, nodes, resources). Health has no message field for details,
# and this keeps the API's .proto files untouched.
EXECUTOR_NAME_KEY = "pelorus-executor"
EXECUTOR_DETAILS_KEY = "pelorus-executor-details"


@dataclass
class ServeOptions:
    data_dir: Path
    socket: Path | None = None
    listen: str | None = None
    tls_cert: Path | None = None
    tls_key: Path | None = None
    tokens: dict[str, str] = field(default_factory=dict)
    token_names: dict[str, str] = field(default_factory=dict)  # token -> who its calls are attributed to
    insecure: bool = False
    max_running_pods: int = 256
    stop_pods_on_exit: bool = False
    callback_attempts: int | None = None
    callback_first_delay: float | None = None
    executor: str = "local"  # "local" | "ray"
    ray_address: str = ""
    ray_autoscaling: bool = False  # the Ray cluster may grow: never-fitting pods wait instead of being refused
    max_streams_per_client: int = DEFAULT_MAX_STREAMS_PER_CLIENT
    watch_buffer: int | None = None  # changes buffered per watcher before its Watch ends (tests)
    max_cold_jobs: int | None = None  # finished jobs kept in memory at most (tests; default MAX_COLD_RESIDENT)


def _serialize(response: bytes | Message) -> bytes:
    """Watch yields responses it serialised itself (framed once per change); the rest are messages."""
    return response if isinstance(response, bytes) else response.SerializeToString()


def add_watch_service(servicer: WatchService, server: grpc.aio.Server) -> None:
    """Like the generated add_WatchServiceServicer_to_server, with a pass-through serializer for Watch."""
    handlers: dict[str, grpc.RpcMethodHandler[Any, Any]] = {
        "Watch": grpc.unary_stream_rpc_method_handler(
            servicer.Watch, request_deserializer=watch_service_pb2.WatchRequest.FromString,
            response_serializer=_serialize),
        "WatchJob": grpc.unary_stream_rpc_method_handler(
            servicer.WatchJob, request_deserializer=watch_service_pb2.WatchJobRequest.FromString,
            response_serializer=watch_service_pb2.WatchJobResponse.SerializeToString),
        "GetJobProgressHistory": grpc.unary_unary_rpc_method_handler(
            servicer.GetJobProgressHistory,
            request_deserializer=watch_service_pb2.GetJobProgressHistoryRequest.FromString,
            response_serializer=watch_service_pb2.GetJobProgressHistoryResponse.SerializeToString),
    }
    server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler("pelorus.v1.WatchService", handlers),))


class EngineHealth(health.aio.HealthServicer):
    """The stock health servicer; a Check on EXECUTOR_HEALTH also answers which executor runs
    pods and its details, in trailing metadata (see EXECUTOR_DETAILS_KEY). Health needs no
    token, the details do (on an engine with tokens): they name hosts, paths and addresses."""

    def __init__(self, executor_details: Callable[[], dict[str, str]], tokens: dict[str, str]) -> None:
        super().__init__()
        self._details = executor_details
        self._tokens = [t.encode() for t in tokens]

    def _may_see_details(self, context: grpc.aio.ServicerContext[Any, Any]) -> bool:
        if not self._tokens:
            return True
        given = (bearer_token(dict(context.invocation_metadata() or ()).get("authorization", "")) or "").encode()
        return bool(given) and any(hmac.compare_digest(given, t) for t in self._tokens)

    async def Check(self, request: health_pb2.HealthCheckRequest,
                    context: grpc.aio.ServicerContext[Any, Any]) -> health_pb2.HealthCheckResponse:
        if request.service == EXECUTOR_HEALTH and self._may_see_details(context):
            try:
                details = self._details()
                context.set_trailing_metadata((
                    (EXECUTOR_NAME_KEY, details.get("executor", "?")),
                    (EXECUTOR_DETAILS_KEY, json.dumps(details, ensure_ascii=True, sort_keys=True)),
                ))
            except Exception:  # the status alone still answers the probe
                log.exception("executor details for the health check")
        return await super().Check(request, context)


class DataDirLocked(RuntimeError):
    pass


def lock_data_dir(data_dir: Path) -> IO[str]:
    secure_data_dir(data_dir)
    private_file(data_dir / "engine.lock")
    handle = open(data_dir / "engine.lock", "a+")  # noqa: SIM115 - held for the server's life
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        owner = handle.read().strip()
        handle.close()
        raise DataDirLocked(f"another engine (pid {owner or '?'}) is already using {data_dir}") from None
    handle.seek(0)
    handle.truncate()
    handle.write(str(os.getpid()))
    handle.flush()
    return handle


class EngineServer:
    """Create inside a coroutine on the loop that will run it (grpc.aio binds to it)."""

    def __init__(self, options: ServeOptions, executor: Executor | None = None) -> None:
        self.options = options
        self._lock = lock_data_dir(options.data_dir)
        config = EngineConfig(options.data_dir, max_running_pods=options.max_running_pods)
        if options.max_cold_jobs is not None:
            config.max_cold_resident = max(1, options.max_cold_jobs)
        if options.callback_attempts is not None:
            config.callback_attempts = max(1, options.callback_attempts)
        if options.callback_first_delay is not None:
            config.callback_first_delay = max(0.0, options.callback_first_delay)
        if executor is None and options.executor == "ray":
            from pelorus.engine.executors.ray import RayExecutor

            executor = RayExecutor(cast(ExecutorEvents, None), options.ray_address,  # the engine, set below
                                   autoscaling=options.ray_autoscaling)
        self.engine = Engine(config, executor=executor)
        if executor is not None and executor.events is None:
            executor.events = self.engine
        if options.watch_buffer is not None:
            self.engine.hub.max_queued = max(1, options.watch_buffer)
        self.guard = RequestGuard(options.max_streams_per_client)
        interceptors: list[grpc.aio.ServerInterceptor] = [self.guard]
        if options.tokens:
            interceptors.append(TokenAuthInterceptor(options.tokens, options.token_names))
        # Several calls requested per method at once: see grpcaccept.py (GetJob under mixed load).
        self.server = pipelined_server(interceptors=interceptors, options=[
            ("grpc.max_send_message_length", MAX_MESSAGE),
            ("grpc.max_receive_message_length", MAX_MESSAGE),
            ("grpc.so_reuseport", 0),
        ])
        # pelorus/api's *_pb2_grpc.py are generated without type stubs
        job_service_pb2_grpc.add_JobServiceServicer_to_server(JobService(self.engine), self.server)  # type: ignore[no-untyped-call]
        pod_service_pb2_grpc.add_PodServiceServicer_to_server(PodService(self.engine), self.server)  # type: ignore[no-untyped-call]
        add_watch_service(WatchService(self.engine), self.server)
        self.health = EngineHealth(self.engine.executor.describe, options.tokens)
        health_pb2_grpc.add_HealthServicer_to_server(self.health, self.server)
        enable_reflection((*SERVICE_NAMES, health.SERVICE_NAME), self.server)  # as v1 and v1alpha
        self.addresses: list[str] = []
        self.port = 0
        self._health_task: asyncio.Task[None] | None = None

    def _bind(self) -> None:
        opts = self.options
        if opts.listen:
            if opts.tls_cert and opts.tls_key:
                creds = grpc.ssl_server_credentials([(opts.tls_key.read_bytes(), opts.tls_cert.read_bytes())])
                self.port = self.server.add_secure_port(opts.listen, creds)
            else:
                self.port = self.server.add_insecure_port(opts.listen)
            host = opts.listen.rsplit(":", 1)[0]
            self.addresses.append(f"{host}:{self.port}")
        if opts.socket is not None or not opts.listen:
            path = opts.socket or socket_path(opts.data_dir)
            if path.exists():
                path.unlink()  # stale socket of a dead engine: we hold the data-dir lock
            self.server.add_insecure_port(socket_address(path))
            os.chmod(path, 0o600)
            self.addresses.append(socket_address(path))

    async def start(self) -> None:
        await self.engine.start()
        self._bind()
        await self.server.start()
        for name in ("", *SERVICE_NAMES):
            await self.health.set(name, health_pb2.HealthCheckResponse.SERVING)
        await self._report_executor_health()
        self._health_task = asyncio.ensure_future(self._watch_executor_health())
        log.info("engine serving on %s (data in %s)", ", ".join(self.addresses), self.options.data_dir)

    async def _report_executor_health(self) -> None:
        """`pelorus.v1.Executor` in the health service: NOT_SERVING while the executor's backend
        (e.g. the Ray head) is unreachable, so probes and consoles can tell."""
        details = self.engine.executor.describe()
        reachable = details.get("ray_reachable", "yes") != "no"
        await self.health.set(EXECUTOR_HEALTH, health_pb2.HealthCheckResponse.SERVING if reachable
                              else health_pb2.HealthCheckResponse.NOT_SERVING)

    async def _watch_executor_health(self) -> None:
        while True:
            await asyncio.sleep(EXECUTOR_HEALTH_PERIOD)
            try:
                await self._report_executor_health()
            except Exception:  # a health probe must never take the server down
                log.exception("executor health check failed")

    async def stop(self, grace: float = 1.0) -> None:
        """Stop serving: Watch streams end at once (UNAVAILABLE, with the revision to resume from),
        other calls get `grace` seconds; then the engine stops (and its pods, with --stop-pods-on-exit)."""
        if self._health_task is not None:
            self._health_task.cancel()
            await asyncio.gather(self._health_task, return_exceptions=True)
        await self.health.enter_graceful_shutdown()
        self.engine.hub.close_all()
        await self.server.stop(grace)
        await self.engine.stop(stop_pods=self.options.stop_pods_on_exit)
        self._lock.close()

    async def wait(self) -> None:
        await self.server.wait_for_termination()


async def run_until_signal(options: ServeOptions) -> None:
    import gc
    import signal
    import sys

    # grpc.aio's completion-queue poller is a second thread: each accepted call needs it to
    # get the GIL from a busy loop thread, and every method accepts one call per hand-over.
    # The default 5 ms switch interval capped GetJob at ~200 calls/s under a mixed load.
    sys.setswitchinterval(0.0005)

    from pelorus.engine import stallwatch, threadprio

    server = EngineServer(options)
    await server.start()
    # What start-up made (modules, descriptors, the loaded jobs) lives as long as the process:
    # frozen out of the collector's generations, a full collection under load walks only what
    # was made since (the worst pause under the mixed load was 20 ms before).
    gc.collect()
    gc.freeze()
    # grpc's poller and event-engine threads exist now: they must not preempt the loop thread
    # (threadprio.py). Threads grpc adds later from the loop thread are caught on the next pass.
    demoting = asyncio.ensure_future(threadprio.keep_helpers_demoted())
    stalls = stallwatch.from_env()  # PELORUS_STALL_MS: an opt-in diagnostic of a late loop
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    print(f"pelorus engine ready on {' '.join(server.addresses)}", flush=True)
    await stop.wait()
    log.info("stopping")
    if stalls is not None:
        stalls.stop()
    demoting.cancel()
    await asyncio.gather(demoting, return_exceptions=True)
    await server.stop()
