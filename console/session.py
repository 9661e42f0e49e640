"""The console's session with one engine: connection, live feeds into the models, actions.

It is the seam between the asyncio side (EngineClient) and the Qt side (models, views):
the jobs feed's Watch stream is read on the loop as raw bytes and parsed on a worker thread
(console/job_feed_thread.py), which hands the models one decoded batch of changes a frame; views call the
session's coroutines to act (``perform_on_jobs`` / ``perform_on_pods``, driven by the table in
console/actions.py) and to read, and never touch the client or mutate a model themselves.  The
session imports no view: a confirmation goes through the ``confirmer`` callback the main window
installs (or one a view passes along).

Signals:
    stateChanged(str, str): a ConnectionState value and a detail sentence.
    readOnlyChanged(bool): actions became (un)available (e.g. the engine said the token is a viewer's).
    executorHealthChanged(object): the engine's executor and its health (a client.ExecutorHealth), polled;
        ``executor_health_age()`` says how old the last answer is (a dead engine gives none).
    engineChanged(str, str): the embedded engine's EngineStatus value and a sentence. It is watched
        by pid (``ENGINE_POLL``): its death is noticed within a second, it is restarted once on its
        own (again only after it ran ``ENGINE_STABLE_AFTER``), then on request
        (``restart_embedded_engine``); every feed is re-attached to the restarted engine.
"""

from __future__ import annotations

import asyncio
import enum
import gc
import logging
import time
from collections.abc import AsyncGenerator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from console import actions, messages, startup_marks
from console.actions import Action, Confirmer, ConfirmRequest, JobFacts, Options, Outcome, PodFacts
from console.embedded import EmbeddedEngine, EmbeddedEngineError, StopOutcome, StopProgress
from console.i18n import error_text, translate
from console.job_feed_thread import JobFeedThread
from console.models import job_row as R
from console.models.jobs_table import JobsTableModel
from console.profiles import EMBEDDED, Profile, ProfileStore
from pelorus.api import job_pb2, pod_pb2, workflow_pb2
from pelorus.api import job_service_pb2 as js
from pelorus.api import pod_service_pb2 as ps
from pelorus.api import watch_service_pb2 as ws
from pelorus.client import ConnectionConfig, EngineClient, ExecutorHealth
from pelorus.engine.states import ACTIVE_POD_STATES
from pelorus.errors import ClientError, NotFound
from pelorus.tasks import cancel_and_wait
from pelorus.text import text_of

if TYPE_CHECKING:  # numpy is imported on first use: it is not needed for the first paint
    from PySide6.QtWidgets import QWidget

    from console.models import job_wire as W

log = logging.getLogger("pelorus.session")
ACTIVE_STATES = (job_pb2.JOB_STATE_PENDING, job_pb2.JOB_STATE_RUNNING, job_pb2.JOB_STATE_KILLING)
_FINISHED_STATES = (job_pb2.JOB_STATE_SUCCEEDED, job_pb2.JOB_STATE_FAILED, job_pb2.JOB_STATE_KILLED,
                    job_pb2.JOB_STATE_DELETED)
MAX_CONCURRENT_ACTIONS = 8
EXECUTOR_HEALTH_PERIOD = 3.0  # seconds between executor health checks (one tiny unary call)
QUIT_POD_STOP_TIMEOUT = 30.0  # "Stop engine" waits this long for the pods it stops
_ACTIVE_POD_NAMES = tuple(pod_pb2.PodState.Name(s) for s in ACTIVE_POD_STATES)
ENGINE_POLL = 0.25  # seconds between checks that the embedded engine's process is alive (no call)
ENGINE_STABLE_AFTER = 60.0  # an engine that ran this long earns another automatic restart


@dataclass
class EngineStopReport:
    """How "Stop engine" went: the engine's end, and the pods it had."""

    outcome: StopOutcome
    pods_before: int  # pods running when the stop began
    pods_left: int  # of those, still running (unsupervised, re-adopted by the next engine)
    stopped_pods: bool  # the operator asked to stop them first
    seconds: float = 0.0  # the whole stop, pods included
    text: str = ""  # the sentence shown to the operator

    @property
    def clean(self) -> bool:
        """Nothing an operator must look into: the engine exited by itself and no pod it was
        asked to stop is left running."""
        return self.outcome.gone and self.outcome.killed_after is None and not (self.stopped_pods and self.pods_left)


class EngineStatus(str, enum.Enum):  # noqa: UP042
    RUNNING = "running"
    RESTARTING = "restarting"
    DEAD = "dead"  # it exited and was not restarted: the operator restarts it (a button)


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
    engineChanged = Signal(str, str)

    def __init__(self, options: SessionOptions, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.options = options
        self.read_only = options.read_only
        self.profiles = ProfileStore(options.profiles_dir)
        self.jobs_model = JobsTableModel(self)
        self._feed_thread: JobFeedThread | None = None
        self._jobs_viewport: QWidget | None = None  # the jobs table's: its paints release the feed's worker
        self.client: EngineClient = None  # type: ignore[assignment]  # set by start()
        self.embedded: EmbeddedEngine | None = None
        self.profile_name = EMBEDDED if not options.remote else options.remote
        self.state = ConnectionState.DISCONNECTED
        self._feed: asyncio.Task[Any] | None = None
        self.executor_health: ExecutorHealth | None = None
        self.executor_health_at: float | None = None  # time.monotonic() of the last answer
        self._health_task: asyncio.Task[None] | None = None
        self.engine_status = ""  # an EngineStatus value for the embedded engine; "" for a remote one
        self.engine_detail = ""
        self.engine_log_tail = ""  # the engine log's last lines once it keeps dying
        self._engines: dict[Path, EmbeddedEngine] = {}  # one per data dir: it knows the child it started
        self._supervisor: asyncio.Task[None] | None = None
        self._auto_restarted_at: float | None = None
        self._engine_up_since = 0.0
        # Asks the operator before an action that needs it (the main window installs its dialog);
        # without one such actions are refused rather than run unasked.
        self.confirmer: Confirmer | None = None
        self._facts_cache: dict[str, tuple[job_pb2.JobSummary, JobFacts]] = {}

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
        engine = EmbeddedEngine(opts.data_dir) if opts.data_dir else EmbeddedEngine.default()
        # The same object again after a profile switch: it holds the Popen of the engine it started,
        # so that engine is reaped when it exits rather than waited on as a zombie.
        self.embedded = self._engines.setdefault(engine.data_dir, engine)
        return ConnectionConfig(address=self.embedded.address, read_only=opts.read_only)

    async def start(self) -> None:
        self._set_state(
            ConnectionState.CONNECTING, self.tr("starting the embedded engine") if not self.options.remote else ""
        )
        try:
            config = self._config()
            if self.embedded is not None:
                started = await self.embedded.ensure_running()
                startup_marks.mark("engine_checked")
                if started:
                    messages.info(self.tr("Started the embedded engine (data in {0})").format(self.embedded.data_dir))
        except (ClientError, OSError, RuntimeError) as exc:
            self._set_state(ConnectionState.DISCONNECTED, error_text(exc))
            messages.error(self.tr("Could not connect: {0}").format(error_text(exc)))
            return
        if self.embedded is not None and self._supervisor is None:
            self._set_engine(EngineStatus.RUNNING)
            self._supervisor = asyncio.ensure_future(self._supervise(self.embedded))
        await self._attach(config)

    async def _attach(self, config: ConnectionConfig) -> bool:
        """A client on ``config``, the jobs feed and the executor health poll."""
        try:
            self.client = EngineClient(config)
            await self.client.connect()
            startup_marks.mark("connected")
        except (ClientError, OSError, RuntimeError) as exc:
            self._set_state(ConnectionState.DISCONNECTED, error_text(exc))
            messages.error(self.tr("Could not connect: {0}").format(error_text(exc)))
            return False
        # The Watch stream is read here, on this client's channel, as raw bytes; a worker thread parses
        # and coalesces it: the UI thread only applies one coalesced batch a frame (console/job_feed_thread.py)
        self._feed_thread = JobFeedThread(self.client, self._on_listing, self.jobs_model.apply_wire_batch,
                                          self._on_feed_state, stream_first_listing=self.jobs_model.rowCount() == 0,
                                          parent=self)
        self._feed_thread.release_after_paints_of(self._jobs_viewport)
        self._feed = asyncio.ensure_future(self._feed_thread.run())
        self._feed.add_done_callback(self._feed_ended)
        self._health_task = asyncio.ensure_future(self._poll_executor_health())
        return True

    def release_feed_after_paints_of(self, widget: QWidget | None) -> None:
        """The jobs table's viewport: its paints let the feed's held worker parse on (every feed)."""
        self._jobs_viewport = widget
        if self._feed_thread is not None:
            self._feed_thread.release_after_paints_of(widget)

    def hold_feed_for_paint(self) -> None:
        """The jobs table is about to repaint (a re-sort, a filter): the feed's worker waits until it
        has painted (``JobFeedThread.hold_for_paint``)."""
        if self._feed_thread is not None:
            self._feed_thread.hold_for_paint()

    # -- the embedded engine's life: noticed dead within ENGINE_POLL, restarted, re-attached ------------
    def _set_engine(self, status: EngineStatus, detail: str = "") -> None:
        self.engine_status, self.engine_detail = status.value, detail
        self.engineChanged.emit(status.value, detail)

    async def _supervise(self, engine: EmbeddedEngine) -> None:
        self._engine_up_since = time.monotonic()
        while True:
            await asyncio.sleep(ENGINE_POLL)
            if self.engine_status != EngineStatus.RUNNING or engine.pid() is not None:
                continue
            how = engine.last_exit or "stopped"
            self.executorHealthChanged.emit(self.executor_health)  # now stale: say so at once
            ran = time.monotonic() - self._engine_up_since
            if self._auto_restarted_at is None or ran > ENGINE_STABLE_AFTER:
                self._auto_restarted_at = time.monotonic()
                log.warning("the embedded engine %s after %.0f s; restarting it", how, ran)
                self._set_engine(
                    EngineStatus.RESTARTING, self.tr("the embedded engine {0}; restarting it…").format(how)
                )
                await self._restart_engine(how)
            else:
                self.engine_log_tail = engine.log_tail(12)
                self._set_engine(EngineStatus.DEAD, self.tr("the embedded engine {0} again, {1:.0f} s after its "
                                                            "restart: not restarted automatically").format(how, ran))
                messages.error(self.tr("The embedded engine {0} again; use Restart engine to start it").format(how))

    async def restart_embedded_engine(self) -> bool:
        """The operator's "Restart engine": start it again and re-attach every feed."""
        if self.embedded is None:
            return False
        self._set_engine(EngineStatus.RESTARTING, self.tr("restarting the embedded engine…"))
        return await self._restart_engine(self.embedded.last_exit or "stopped")

    async def _restart_engine(self, how: str) -> bool:
        engine = self.embedded
        assert engine is not None
        try:
            await engine.ensure_running()
        except EmbeddedEngineError as exc:
            self.engine_log_tail = engine.log_tail(12)
            self._set_engine(
                EngineStatus.DEAD,
                self.tr("the embedded engine could not be started: {0}").format(str(exc).splitlines()[0]),
            )
            messages.error(self.tr("The embedded engine could not be started; see its log"))
            return False
        self._engine_up_since = time.monotonic()
        config = self.client.config if self.client is not None else self._config()
        await self._detach()
        self._set_state(ConnectionState.CONNECTING, self.tr("re-attaching to the restarted engine"))
        if not await self._attach(config):
            self._set_engine(EngineStatus.DEAD, self.tr("the embedded engine was restarted after it {0}, but the "
                                                        "console could not attach to it").format(how))
            return False
        self._set_engine(EngineStatus.RUNNING, self.tr("restarted after it {0}").format(how))
        messages.info(self.tr("The embedded engine {0}; it was restarted and the console re-attached").format(how))
        return True

    def executor_health_age(self) -> float | None:
        """Seconds since the executor health last answered (None: never on this connection)."""
        return None if self.executor_health_at is None else time.monotonic() - self.executor_health_at

    def executor_health_current(self) -> bool:
        """The last answer still describes the engine: connected, engine alive, answered recently."""
        age = self.executor_health_age()
        return (self.state == ConnectionState.CONNECTED and self.engine_status in ("", EngineStatus.RUNNING)
                and age is not None and age <= 2 * EXECUTOR_HEALTH_PERIOD + 1)

    async def _poll_executor_health(self) -> None:
        """Which executor runs the pods and whether it can (e.g. the Ray head reachable)."""
        while True:
            try:
                health = await self.client.executor_health()
            except ClientError as exc:
                log.debug("executor health: %s", exc)  # the connection state already says it
            else:
                self.executor_health_at = time.monotonic()
                if health != self.executor_health:
                    self.executor_health = health
                    self.executorHealthChanged.emit(health)
            await asyncio.sleep(EXECUTOR_HEALTH_PERIOD)

    def _feed_ended(self, task: asyncio.Task[Any]) -> None:
        """A feed only ends on its own for errors retrying cannot fix (a bad token): say so."""
        if not task.cancelled() and task.exception() is not None:
            self._set_state(ConnectionState.DISCONNECTED, str(task.exception()))
            messages.error(self.tr("Disconnected: {0}").format(task.exception()))

    async def stop(self) -> None:
        if self._supervisor is not None:
            await cancel_and_wait(self._supervisor, "the embedded engine's supervisor")
            self._supervisor = None
        if self.engine_status:  # not watching it any more: the bar says nothing about it
            self.engine_status = self.engine_detail = ""
            self.engineChanged.emit("", "")
        await self._detach()
        self._set_state(ConnectionState.DISCONNECTED)

    async def _detach(self) -> None:
        if self._health_task is not None:
            await cancel_and_wait(self._health_task, "the executor health poll")
            self._health_task = None
        self.executor_health_at = None
        if self.executor_health is not None:
            self.executor_health = None
            self.executorHealthChanged.emit(None)
        if self._feed is not None:
            await cancel_and_wait(self._feed, "the jobs feed")
            self._feed = None
        if self._feed_thread is not None:
            if not self._feed_thread.is_alive():  # one left behind (logged) keeps its object
                self._feed_thread.deleteLater()
            self._feed_thread = None
        if self.client is not None:
            await self.client.close()

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

    def running_pod_count(self, job_ids: list[str] | None = None) -> int:
        """Pods holding a process (launching, running, being killed), from the jobs table."""
        model = self.jobs_model
        import numpy as np

        if job_ids is None:  # every job, read from the columns first: a finished job without a
            cols = model.columns()  # running or pending pod has none to count
            busy = ((cols.num("pod_running") > 0) | (cols.num("pod_pending") > 0)
                    | ~np.isin(cols.num("state"), _FINISHED_STATES))
            rows: list[int] = [int(r) for r in busy.nonzero()[0]]
        else:
            rows = [r for r in (model.row_of(j) for j in job_ids) if r is not None]
        return sum(model.summary(r).status.pod_stats.get(name, 0) for r in rows for name in _ACTIVE_POD_NAMES)

    async def stop_running_pods(self, timeout: float = QUIT_POD_STOP_TIMEOUT,
                                progress: Callable[[str], None] | None = None,
                                give_up: asyncio.Event | None = None) -> int:
        """Stop (StopJob) every job with a running pod and wait for its pods; returns the pods still
        running after ``timeout`` or once ``give_up`` is set (0 = all stopped). Used by quitting
        with "Stop engine"."""
        model = self.jobs_model
        job_ids = [model.job_id(r) for r in range(model.rowCount()) if self.running_pod_count([model.job_id(r)])]
        if not job_ids:
            return 0
        started = time.monotonic()
        outcome = await self.perform_on_jobs(actions.Name.STOP, job_ids, confirmer=actions.already_confirmed,
                                             quiet=True)
        failed = [f"{name}: {err}" for name, err in outcome.failed]
        if failed:
            messages.error(self.tr("Could not stop ") + "; ".join(failed))
        deadline = started + timeout
        while (left := self.running_pod_count(job_ids)) and time.monotonic() < deadline and \
                not (give_up is not None and give_up.is_set()):
            if progress is not None:
                progress(self.tr("Stopping %n running pod(s)… {0:.0f} s", "", left).format(
                    time.monotonic() - started))
            await asyncio.sleep(0.1)
        return self.running_pod_count(job_ids)

    async def stop_embedded_engine(self, stop_pods: bool = False, progress: Callable[[str], None] | None = None,
                                   kill_now: asyncio.Event | None = None) -> EngineStopReport | None:
        """Stop the embedded engine and say how it went (also through messages); with ``stop_pods``
        its running pods first (their jobs end KILLED), else they run on unsupervised until the
        engine starts again and re-adopts them. It waits for the engine's process to end, SIGKILLs
        it if SIGTERM was not enough within STOP_TERM_TIMEOUT (or once ``kill_now`` is set), and
        reports progress sentences to ``progress`` meanwhile. None without an embedded engine."""
        if self.embedded is None:
            return None
        started = time.monotonic()
        pods = self.running_pod_count() if self.state == ConnectionState.CONNECTED else 0
        left = pods
        if stop_pods and pods:
            left = await self.stop_running_pods(progress=progress, give_up=kill_now)
        await self.stop()

        def on_progress(p: StopProgress) -> None:
            if progress is None:
                return
            if p.phase == "term":
                progress(self.tr("Waiting for the engine to exit… {0:.1f} s (it is killed after {1:.0f} s)")
                         .format(p.elapsed, p.limit))
            else:
                progress(self.tr("The engine did not exit: killed it (SIGKILL), waiting… {0:.1f} s")
                         .format(p.elapsed))

        outcome = await self.embedded.stop_and_report(progress=on_progress, kill_now=kill_now)
        report = EngineStopReport(outcome, pods_before=pods, pods_left=left, stopped_pods=stop_pods,
                                  seconds=time.monotonic() - started)
        report.text = self._stop_sentence(report)
        (messages.info if report.clean else messages.error)(report.text)
        return report

    def _stop_sentence(self, r: EngineStopReport) -> str:
        o = r.outcome
        if o.already_gone:
            engine = self.tr("The embedded engine had already exited.")
        elif not o.gone:
            engine = self.tr("The embedded engine did not end even {0:.0f} s after SIGKILL; "
                             "see its log: {1}").format(o.seconds - (o.killed_after or 0.0),
                                                        self.embedded.log_path if self.embedded else "")
        elif o.killed_on_request:
            engine = self.tr("The embedded engine was killed on request (SIGKILL) after {0:.1f} s of waiting for it "
                             "to exit.").format(o.killed_after or 0.0)
        elif o.killed_after is not None:
            engine = self.tr("The embedded engine did not exit within {0:.0f} s of SIGTERM and had to be killed "
                             "(SIGKILL); it was gone after {1:.1f} s.").format(o.killed_after, o.seconds)
        else:
            engine = self.tr("Stopped the embedded engine cleanly in {0:.1f} s.").format(r.seconds)
        if r.stopped_pods and r.pods_before and not r.pods_left:
            pods = self.tr("Its %n running pod(s) were stopped first (their jobs end KILLED).", "", r.pods_before)
        elif r.pods_left:
            pods = self.tr("%n pod(s) keep running unsupervised; the engine re-adopts them when it starts again.",
                           "", r.pods_left)
        else:
            pods = ""
        return f"{engine} {pods}".strip()

    # -- feed callbacks -------------------------------------------------------------------
    def _on_listing(self, wires: list[W.Wire], revision: int, first: bool, complete: bool) -> None:
        """A listing from the feed thread: pages decoded there; into an empty table the first
        listing comes page by page, so the first rows show while the rest stream in; a
        re-listing over rows already shown replaces them only once it is complete."""
        if first:
            self.jobs_model.reset(wires[0] if wires else [])
            startup_marks.mark("rows_in_model")
            wires = wires[1:]
        for wire in wires:
            self.jobs_model.append_wire(wire)
        if not complete:
            return
        # The snapshot's rows live as long as the session: keep the cyclic GC from walking
        # them on every collection (measured: the main source of UI stalls at 100k jobs).
        gc.freeze()
        if self.client.role == "viewer" and not self.read_only:
            self.read_only = True  # a viewer token may only look: grey out every action
            self.client.config.read_only = True
            messages.info(self.tr("Connected with a viewer token: read-only"))
            self.readOnlyChanged.emit(True)

    def _on_feed_state(self, state: str, detail: str = "") -> None:
        self._set_state(ConnectionState(state), detail)

    # -- reading ----------------------------------------------------------------------------
    def _summary(self, job_id: str) -> job_pb2.JobSummary | None:
        row = self.jobs_model.row_of(job_id)
        return None if row is None else self.jobs_model.summary(row)

    def job_facts(self, job_ids: Sequence[str]) -> list[JobFacts]:
        """What the action rules read of each job as the table shows it (unknown ids left out).

        Cached per job while its row holds the same summary (a changed job gets a new one), so
        re-checking the actions of a large selection as rows stream in reads only what changed."""
        out = []
        cache = self._facts_cache
        if len(cache) > 2 * self.jobs_model.rowCount() + 1000:
            cache.clear()  # forget deleted jobs now and then
        model = self.jobs_model
        for job_id in job_ids:
            row = model.row_of(job_id)
            if row is None:
                continue
            summary = model.summary(row)
            hit = cache.get(job_id)
            if hit is None or hit[0] is not summary:
                hit = cache[job_id] = (summary, JobFacts.from_summary(summary))
            out.append(hit[1])
        return out

    def active_job_count(self) -> int:
        import numpy as np

        return int(np.isin(self.jobs_model.columns().num("state"), ACTIVE_STATES).sum())

    def find_jobs(self, text: str, limit: int = 20) -> list[tuple[str, str, str]]:
        """(job id, name, state) of the jobs whose name contains every word of ``text`` (ignoring
        case), names that start with it first: "Open job <name>" in the command palette."""
        words = text.casefold().split()
        if not words:
            return []
        import numpy as np

        hits: list[tuple[bool, str, str, str]] = []
        model = self.jobs_model
        cols = model.columns()
        folded_names = cols.derived("names_fold")
        match = np.ones(cols.n, bool)
        for w in words:  # on the columns: no protobuf reads per keystroke
            match &= np.strings.find(folded_names, w.encode()) >= 0
        for r in match.nonzero()[0][:5000].tolist():
            row = model.row(r)
            name = str(row[R.NAME])
            hits.append((not name.casefold().startswith(words[0]), name, str(row[R.ID]), R.state_name(row[R.STATE])))
        hits.sort()
        return [(job_id, name, state) for _later, name, job_id, state in hits[:limit]]

    # The views read the engine through these (never through the client).
    async def get_job(self, job_id: str) -> js.GetJobResponse:
        return await self.client.get_job(job_id)

    async def list_workflows(self, job_id: str, instance_events: bool = False) -> list[workflow_pb2.WorkflowInfo]:
        return await self.client.list_workflows(job_id, instance_events=instance_events)

    async def list_pods(self, job_id: str) -> list[pod_pb2.PodInfo]:
        return await self.client.list_pods(job_id)

    async def get_pod(self, pod_name: str) -> ps.GetPodResponse:
        return await self.client.get_pod(pod_name)

    async def pod_events(self, pod_name: str, pod_id: str = "") -> list[pod_pb2.PodEvent]:
        return await self.client.pod_events(pod_name, pod_id)

    async def list_versions(self, job_id: str, offset: int = 0, limit: int = 0) -> js.ListJobVersionsResponse:
        return await self.client.list_versions(job_id, offset, limit)

    async def spec_at(self, job_id: str, version: int) -> job_pb2.JobSpec:
        """The job's spec as it was at ``version`` (GetJob at a version)."""
        return (await self.client.get_job(job_id, version=version)).job_info.spec

    async def job_pod_events(self, job_id: str, after: int = 0) -> AsyncGenerator[js.ListJobPodEventsResponse, None]:
        """The job's pod events after cursor ``after``, page by page (the timeline's feed)."""
        async for page in self.client.job_pod_events(job_id, after):
            yield page

    async def replace_diff(self, job_id: str, version: int, spec: job_pb2.JobSpec) -> js.GetReplaceJobDiffResponse:
        return await self.client.replace_diff(job_id, version, spec)

    async def replace_job(self, job_id: str, version: int, spec: job_pb2.JobSpec, batch_size: int = 0) -> int:
        return await self.client.replace_job(job_id, version, spec, batch_size=batch_size)

    async def pod_feed(self, job_id: str, on_snapshot: Callable[[list[pod_pb2.PodInfo], int], None],
                       on_changes: Callable[[list[tuple[pod_pb2.PodInfo, bool]]], None],
                       on_state: Callable[..., None]) -> None:
        await self.client.pod_feed(job_id, on_snapshot, on_changes, on_state)

    async def watch_job(self, job_id: str, period: float = 1.0) -> AsyncGenerator[ws.WatchJobResponse, None]:
        async for resp in self.client.watch_job(job_id, period):
            yield resp

    async def pod_logs(self, pod_name: str, pod_id: str = "", follow: bool = False, tail_lines: int = 0,
                       after_seq: int = 0) -> AsyncGenerator[list[pod_pb2.LogLine], None]:
        async for lines in self.client.pod_logs(pod_name, pod_id, follow=follow, tail_lines=tail_lines,
                                                after_seq=after_seq):
            yield lines

    # -- acting -------------------------------------------------------------------------------
    async def create_job(self, spec: job_pb2.JobSpec, idempotency_key: str) -> str:
        resp = await self.client.create_job(spec, idempotency_key=idempotency_key)
        return str(resp.job_id)

    async def load_demo_jobs(self) -> int:
        """Create the demo jobs; the same demo twice is the same job (idempotency key)."""
        created = 0
        from pelorus.specfile import demo_specs  # yaml: ~10 ms of start-up, needed only here

        for stem, spec in demo_specs().items():
            resp = await self.client.create_job(spec, idempotency_key=f"pelorus-demo:{stem}")
            created += int(resp.created)
        return created

    async def perform_on_jobs(self, name: actions.Name, job_ids: Sequence[str], *,
                              confirmer: Confirmer | None = None, options: Options | None = None,
                              on_progress: Callable[[int, int], None] | None = None,
                              cancelled: Callable[[], bool] | None = None, quiet: bool = False) -> Outcome:
        """Perform a job action of the table on the eligible jobs among ``job_ids``, a few at a time.

        Jobs the action does not apply to (by the table's rule, on the row as shown) are skipped and
        named; the confirmation (``confirmer``, else the session's) shows both.  Each job is then
        read again (GetJob) and acted on at its current version, so a job that changed meanwhile
        is skipped too rather than acted on blindly.  The result goes to console.messages unless
        ``quiet``."""
        action = actions.ACTIONS[name]
        facts = self.job_facts(job_ids)
        if len(facts) < len(job_ids):  # not in the table (yet): as the engine has it
            known = {f.job_id for f in facts}
            for job_id in (j for j in job_ids if j not in known):
                try:
                    facts.append(JobFacts.from_info((await self.client.get_job(job_id)).job_info))
                except NotFound:
                    facts.append(JobFacts(job_id, job_id, job_pb2.JOB_STATE_DELETED))
        chosen = actions.plan(action, facts)
        if action.job_call is None:
            raise ValueError(f"{name} is not performed by the session")

        async def one(job: JobFacts, opts: Options) -> str | None:
            assert action.job_call is not None
            if not action.versioned:
                await action.job_call(self.client, job.job_id, 0, opts)
                return None
            current = (await self.client.get_job(job.job_id)).job_info
            reason = action.job_rule(JobFacts.from_info(current)) if action.job_rule is not None else None
            if reason is None:
                await action.job_call(self.client, job.job_id, current.status.version.value, opts)
            return reason

        return await self._perform(action, chosen, one, confirmer, options, on_progress, cancelled, quiet,
                                   recheck=True)

    async def perform_on_pods(self, name: actions.Name, pods: Sequence[PodFacts], *,
                              confirmer: Confirmer | None = None, options: Options | None = None,
                              quiet: bool = False) -> Outcome:
        """Perform a pod action of the table on the eligible ``pods`` (their current runs)."""
        action = actions.ACTIONS[name]
        if action.pod_call is None:
            raise ValueError(f"{name} is not a pod action")

        async def one(pod: PodFacts, opts: Options) -> str | None:
            assert action.pod_call is not None
            await action.pod_call(self.client, pod.pod_name, opts)
            return None

        return await self._perform(action, actions.plan(action, list(pods)), one, confirmer, options, None, None,
                                   quiet)

    async def _perform(self, action: Action, chosen: actions.Plan[actions.Subject],
                       one: Callable[[actions.Subject, Options], Awaitable[str | None]], confirmer: Confirmer | None,
                       options: Options | None, on_progress: Callable[[int, int], None] | None,
                       cancelled: Callable[[], bool] | None, quiet: bool, recheck: bool = False) -> Outcome:
        """Ask (if the action needs it), then run ``one`` per target; ``one`` returns None when done,
        or why it skipped the target after all.  With ``recheck`` (jobs: ``one`` re-reads each job),
        targets the rows said to skip are re-read too unless a confirmation listed them as skipped:
        the row may be a moment behind the engine, and the operator agreed to what was listed."""
        skipped = {r: [s.name for s in subjects] for r, subjects in chosen.skipped.items()}
        outcome = Outcome(action)
        listed = False
        asked_elsewhere = options is not None or confirmer is actions.already_confirmed
        if chosen.eligible and not asked_elsewhere and actions.needs_asking(action):
            ask = confirmer or self.confirmer
            answer = await ask(ConfirmRequest(action, chosen.eligible, skipped)) if ask is not None else None
            if answer is None:
                outcome.cancelled = True
                outcome.skipped = skipped
                if not quiet:
                    messages.info(outcome.message(translate))
                return outcome
            options = answer
            listed = True
        targets = list(chosen.eligible)
        # Re-read the rows' skipped only where no dialog was due to name them (nothing is done unasked).
        if recheck and not listed and (asked_elsewhere or not actions.needs_asking(action)):
            targets += [s for subjects in chosen.skipped.values() for s in subjects]
        else:
            outcome.skipped = skipped
        opts = options or Options()
        semaphore = asyncio.Semaphore(MAX_CONCURRENT_ACTIONS)
        total, finished = len(targets), 0

        async def run(subject: actions.Subject) -> tuple[actions.Subject, str | None, str | None]:
            """(target, skip reason, error sentence) for one target."""
            nonlocal finished
            async with semaphore:
                try:
                    if cancelled is not None and cancelled():
                        return subject, None, self.tr("cancelled before it started")
                    return subject, await one(subject, opts), None
                except ClientError as exc:
                    return subject, None, text_of(exc)  # English (logs); translated where shown
                finally:
                    finished += 1
                    if on_progress is not None:
                        on_progress(finished, total)

        for subject, reason, error in await asyncio.gather(*(run(s) for s in targets)):
            if error is not None:
                outcome.failed.append((subject.name, error))
                outcome.failed_keys.append(subject.key)
            elif reason is not None:
                outcome.skip(reason, subject.name)
            else:
                outcome.done.append(subject.name)
                outcome.done_keys.append(subject.key)
        if not quiet:
            {"error": messages.error, "warning": messages.warning, "info": messages.info}[outcome.level](
                outcome.message(translate))
        return outcome
