"""The console's session with one engine: connection, live feeds into the models, actions.

It is the seam between the asyncio side (EngineClient) and the Qt side (models, views):
feeds push changes into the batcher, which repaints at most once a frame; views call the
session's coroutines to act and never touch the client or mutate a model themselves.

Signals:
    stateChanged(str, str): a ConnectionState value and a detail sentence.
    readOnlyChanged(bool): actions became (un)available (e.g. the engine said the token is a viewer's).
    executorHealthChanged(object): the engine's executor and its health (a client.ExecutorHealth), polled.
"""

from __future__ import annotations

import asyncio
import enum
import gc
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from console import messages
from console.embedded import EmbeddedEngine
from console.models.batcher import ChangeBatcher
from console.models.jobs_table import JobsTableModel
from console.profiles import EMBEDDED, Profile, ProfileStore
from console.views.confirm import Target
from pelorus.api import job_pb2
from pelorus.client import ConnectionConfig, EngineClient, ExecutorHealth
from pelorus.errors import ClientError
from pelorus.specfile import demo_specs

log = logging.getLogger("pelorus.session")
ACTIVE_STATES = (job_pb2.JOB_STATE_PENDING, job_pb2.JOB_STATE_RUNNING, job_pb2.JOB_STATE_KILLING)
MAX_CONCURRENT_ACTIONS = 8
EXECUTOR_HEALTH_PERIOD = 3.0  # seconds between executor health checks (one tiny unary call)


class ConnectionState(str, enum.Enum):  # noqa: UP042 (str() stays the member name)
    CONNECTING = "connecting"
    CONNECTED = "connected"
    RECONNECTING = "reconnecting"
    DISCONNECTED = "disconnected"


@dataclass
class SessionOptions:
    remote: str | None = None
    tls_ca: Path | None = None
    token: str | None = None
    insecure: bool = False
    data_dir: Path | None = None
    read_only: bool = False
    profiles_dir: Path | None = None


class Session(QObject):
    stateChanged = Signal(str, str)
    readOnlyChanged = Signal(bool)
    executorHealthChanged = Signal(object)

    def __init__(self, options: SessionOptions, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.options = options
        self.read_only = options.read_only
        self.profiles = ProfileStore(options.profiles_dir)
        self.jobs_model = JobsTableModel(self)
        self.batcher = ChangeBatcher(self.jobs_model.apply_batch, parent=self)
        self.client: EngineClient = None  # type: ignore[assignment]  # set by start()
        self.embedded: EmbeddedEngine | None = None
        self.profile_name = EMBEDDED if not options.remote else options.remote
        self.state = ConnectionState.DISCONNECTED
        self._feed: asyncio.Task[Any] | None = None
        self.executor_health: ExecutorHealth | None = None
        self._health_task: asyncio.Task[None] | None = None

    # -- connection -----------------------------------------------------------------------
    @property
    def is_embedded(self) -> bool:
        return self.embedded is not None

    def profile_names(self) -> list[str]:
        names = [p.name for p in self.profiles.load()]
        if self.profile_name not in names:
            names.append(self.profile_name)
        return names

    def _set_state(self, state: ConnectionState, detail: str = "") -> None:
        self.state = state
        self.jobs_model.set_stale(state != ConnectionState.CONNECTED)
        self.stateChanged.emit(state.value, detail)

    def _config(self) -> ConnectionConfig:
        opts = self.options
        if opts.remote:
            self.embedded = None
            return ConnectionConfig(address=opts.remote, tls_ca=opts.tls_ca, token=opts.token,
                                    insecure=opts.insecure, read_only=opts.read_only)
        self.embedded = EmbeddedEngine(opts.data_dir) if opts.data_dir else EmbeddedEngine.default()
        return ConnectionConfig(address=self.embedded.address, read_only=opts.read_only)

    async def start(self) -> None:
        self._set_state(ConnectionState.CONNECTING, "starting the embedded engine" if not self.options.remote else "")
        try:
            config = self._config()
            if self.embedded is not None:
                started = await self.embedded.ensure_running()
                if started:
                    messages.info(f"Started the embedded engine (data in {self.embedded.data_dir})")
            self.client = EngineClient(config)
            await self.client.connect()
        except (ClientError, OSError, RuntimeError) as exc:
            self._set_state(ConnectionState.DISCONNECTED, str(exc))
            messages.error(f"Could not connect: {exc}")
            return
        self._feed = asyncio.ensure_future(self.client.job_feed(self._on_snapshot, self._on_changes,
                                                                self._on_feed_state))
        self._feed.add_done_callback(self._feed_ended)
        self._health_task = asyncio.ensure_future(self._poll_executor_health())

    async def _poll_executor_health(self) -> None:
        """Which executor runs the pods and whether it can (e.g. the Ray head reachable)."""
        while True:
            try:
                health = await self.client.executor_health()
            except ClientError as exc:
                log.debug("executor health: %s", exc)  # the connection state already says it
            else:
                if health != self.executor_health:
                    self.executor_health = health
                    self.executorHealthChanged.emit(health)
            await asyncio.sleep(EXECUTOR_HEALTH_PERIOD)

    def _feed_ended(self, task: asyncio.Task[Any]) -> None:
        """A feed only ends on its own for errors retrying cannot fix (a bad token): say so."""
        if not task.cancelled() and task.exception() is not None:
            self._set_state(ConnectionState.DISCONNECTED, str(task.exception()))
            messages.error(f"Disconnected: {task.exception()}")

    async def stop(self) -> None:
        if self._health_task is not None:
            self._health_task.cancel()
            await asyncio.gather(self._health_task, return_exceptions=True)
            self._health_task = None
        if self.executor_health is not None:
            self.executor_health = None
            self.executorHealthChanged.emit(None)
        if self._feed is not None:
            self._feed.cancel()
            await asyncio.gather(self._feed, return_exceptions=True)
            self._feed = None
        self.batcher.flush()
        if self.client is not None:
            await self.client.close()
        self._set_state(ConnectionState.DISCONNECTED)

    async def switch_profile(self, name: str) -> None:
        profile = next((p for p in self.profiles.load() if p.name == name), None)
        if profile is None or name == self.profile_name:
            return
        await self.stop()
        self.jobs_model.reset([])
        self.profile_name = name
        if profile.embedded:
            self.options.remote = None
        else:
            self.options.remote = profile.address
            self.options.tls_ca = Path(profile.tls_ca) if profile.tls_ca else None
            self.options.insecure = profile.insecure
            self.options.token = self.profiles.token(name)
        await self.start()

    def add_remote_profile(self, address: str, token: str | None, tls_ca: str = "", insecure: bool = False) -> str:
        self.profiles.add(Profile(address, address, tls_ca, insecure), token)
        return address

    async def stop_embedded_engine(self) -> None:
        if self.embedded is not None:
            await self.stop()
            if await self.embedded.stop():
                messages.info("Stopped the embedded engine")
            else:
                messages.error("The embedded engine did not stop in time")

    # -- feed callbacks -------------------------------------------------------------------
    def _on_snapshot(self, jobs: list[job_pb2.JobSummary], revision: int) -> None:
        self.batcher.discard()
        self.jobs_model.reset(jobs)
        # The snapshot's rows live as long as the session: keep the cyclic GC from walking
        # them on every collection (measured: the main source of UI stalls at 100k jobs).
        gc.freeze()
        if self.client.role == "viewer" and not self.read_only:
            self.read_only = True  # a viewer token may only look: grey out every action
            self.client.config.read_only = True
            messages.info("Connected with a viewer token: read-only")
            self.readOnlyChanged.emit(True)

    def _on_changes(self, changes: list[tuple[job_pb2.JobSummary, bool]]) -> None:
        self.batcher.extend(changes)

    def _on_feed_state(self, state: str, detail: str = "") -> None:
        self._set_state(ConnectionState(state), detail)

    # -- reading ----------------------------------------------------------------------------
    def _summary(self, job_id: str) -> job_pb2.JobSummary | None:
        row = self.jobs_model.row_of(job_id)
        return None if row is None else self.jobs_model.summary(row)

    def targets(self, job_ids: list[str]) -> list[Target]:
        out = []
        for job_id in job_ids:
            s = self._summary(job_id)
            if s is None:
                continue
            stats = s.status.pod_stats
            pending = sum(stats.get(k, 0) for k in ("POD_STATE_PENDING", "POD_STATE_INITIALIZED",
                                                      "POD_STATE_LAUNCHING"))
            out.append(Target(job_id, s.name, stats.get("POD_STATE_RUNNING", 0), pending))
        return out

    def active_job_count(self) -> int:
        return sum(1 for row in range(self.jobs_model.rowCount())
                   if self.jobs_model.summary(row).status.state in ACTIVE_STATES)

    # -- acting -------------------------------------------------------------------------------
    async def create_job(self, spec: job_pb2.JobSpec, idempotency_key: str) -> str:
        resp = await self.client.create_job(spec, idempotency_key=idempotency_key)
        return str(resp.job_id)

    async def load_demo_jobs(self) -> int:
        """Create the demo jobs; the same demo twice is the same job (idempotency key)."""
        created = 0
        for stem, spec in demo_specs().items():
            resp = await self.client.create_job(spec, idempotency_key=f"pelorus-demo:{stem}")
            created += int(resp.created)
        return created

    async def run_action(self, action: str, job_ids: list[str], on_progress: Callable[[], None] | None = None,
                         cancelled: Callable[[], bool] | None = None, **kwargs: Any) -> list[tuple[str, str | None]]:
        """Run an action on each job (a few at a time), acting on each job's current version.
        Returns (job name, None or the error sentence) per job, in the order given."""
        semaphore = asyncio.Semaphore(MAX_CONCURRENT_ACTIONS)

        async def one(job_id: str) -> tuple[str, str | None]:
            summary = self._summary(job_id)
            name = summary.name if summary is not None else job_id
            async with semaphore:
                if cancelled is not None and cancelled():
                    return name, "cancelled before it started"
                try:
                    await self._act(action, job_id, **kwargs)
                    return name, None
                except ClientError as exc:
                    return name, str(exc)
                finally:
                    if on_progress is not None:
                        on_progress()

        return list(await asyncio.gather(*(one(j) for j in job_ids)))

    async def _act(self, action: str, job_id: str, **kwargs: Any) -> None:
        c = self.client
        if action == "refresh":
            await c.refresh_job(job_id)
            return
        current = await c.get_job(job_id)
        version = current.job_info.status.version.value
        if action == "start":
            await c.start_job(job_id, version)
        elif action == "stop":
            await c.stop_job(job_id, version)
        elif action == "restart":
            await c.restart_job(job_id, version, batch_size=kwargs.get("batch_size", 0))
        elif action == "pause":
            await c.pause_workflow(job_id, version)
        elif action == "resume":
            await c.resume_workflow(job_id, version)
        elif action == "abort":
            await c.abort_workflow(job_id, version)
        elif action == "delete":
            await c.delete_job(job_id, version, force=False)
        elif action == "force_delete":
            await c.delete_job(job_id, version, force=True)
        else:
            raise ValueError(f"unknown action {action!r}")
