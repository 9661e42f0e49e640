"""The scale-out executor: each pod run is a Ray job (Ray Jobs API, JobSubmissionClient).

Design choices, and why:

* Submission id = the pod id (`<job>-<instance>-<run>`). Ray rejects a reused id, and a
  restart is a new run with a new id, so the id alone finds the job again after an
  engine restart (adopt) and nothing else needs persisting.
* The entrypoint is the shell-quoted command + args (`exec ...`, after `cd` into the
  working directory if one is set). Environment: runtime_env env_vars (the pod's env and
  the PELORUS_* variables the local executor sets).
* Placement: the pod always asks for entrypoint resources - its cpu request (default
  `default_cpu`, a fraction), memory request and custom resources - because a job without
  any runs its driver on the head node (ray#42436).
* launch() returns as soon as Ray accepted the submission (~30 ms): waiting for the job to
  leave Ray's PENDING state would take 1-2 s per pod and the scheduler launches pods one
  after another. The pod is STARTING meanwhile (reports_running): Ray's PENDING message
  (waiting for resources / runtime env) is its reason, and when the status poll sees
  Ray's RUNNING the node (driver_node_id) and RUNNING are reported to the engine.
* Status: one poll loop asks get_job_info for every watched pod each `poll_interval`.
  SUCCEEDED -> exit 0; FAILED -> driver_exit_code (none: Ray's error type + message; a
  dead supervisor / node -> LOST); STOPPED -> killed (the kill's reason) or, stopped by
  someone else, FAILED "stopped on the Ray cluster".
* Logs: Ray merges stdout and stderr into one log, delivered as STDOUT; Ray's own lines in
  it (runtime-env setup, "Running entrypoint for job ...") are delivered as SYSTEM.
  A tail_job_logs websocket per pod streams lines live. Its end is only a hint
  (ray#46413, #51601, #57002): the status is re-checked, and when the job is terminal the
  full log (get_job_logs) is read and everything after what was already delivered is
  delivered, including an unfinished last line. The STDOUT offset counts characters of
  the Ray log consumed (complete lines only), so adopt() resumes exactly there and no
  line is delivered twice.
* Kill: stop_job. Ray sends SIGTERM to the command's process tree and SIGKILL after
  RAY_JOB_STOP_WAIT_TIME_S, which Ray reads (as an integer) from the job's environment at
  *submission*: the executor sets it from the pod's kill grace period when it submits.
  A kill with a different grace (e.g. the engine's shutdown) still waits the submitted one.
* Head unreachable at launch: launch() raises RayHeadUnreachable (an ExecutorUnavailable)
  naming the address; the scheduler keeps the pod PENDING with that reason and launches it
  again after a backoff, without spending an attempt. A submission whose answer was lost
  (the head accepted it, then the connection dropped) is found again on the retry: Ray
  says the submission id exists, and that job is the pod's. While pods run, an unreachable
  head only pauses the watch: the poll retries with backoff and no pod is reported ended
  until Ray says so.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import logging
import math
import re
import shlex
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any, cast

from pelorus.engine.executors.base import (
    Executor,
    ExecutorEvents,
    ExecutorUnavailable,
    ExitInfo,
    LaunchRequest,
    OutputStream,
    PodHandle,
)

log = logging.getLogger(__name__)

INSTALL_HINT = "pip install -e '.[ray]'"
TERMINAL = frozenset({"SUCCEEDED", "FAILED", "STOPPED"})
# Error types after which the pod's own exit is unknowable (its node or supervisor died).
_LOST_ERRORS = frozenset({"JOB_SUPERVISOR_ACTOR_DIED", "JOB_SUPERVISOR_ACTOR_UNKNOWN_FAILURE"})
# Ray's job-manager / supervisor logging lines written into the job's log.
_RAY_LOG_LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}\t(?:DEBUG|INFO|WARNING|ERROR|CRITICAL) "
    r"(?:job_manager|job_supervisor|runtime_env[a-z_]*|setup_worker|plugin)\.py:\d+ -- ")
REQUEST_TIMEOUT = 30.0
CLUSTER_REFRESH = 5.0


class RayUnavailable(RuntimeError):
    """Ray is not installed (the message says how to install it)."""


class RayLaunchError(RuntimeError):
    """A pod could not be submitted to Ray; the message names what to fix."""


class RayHeadUnreachable(RayLaunchError, ExecutorUnavailable):
    """The Ray head (dashboard / Jobs API) did not answer; nothing was submitted."""


def require_ray() -> None:
    """Fail with an actionable message when the optional Ray dependency is missing."""
    try:
        import ray.job_submission  # noqa: F401
    except ImportError as exc:
        raise RayUnavailable(
            f"the Ray executor needs Ray, which is not installed ({exc}); install it with: {INSTALL_HINT}"
        ) from None


@dataclass
class _Pod:
    request: LaunchRequest
    marker: str  # "Running entrypoint for job <id>: <entrypoint>\n", Ray's own line
    consumed: int = 0  # characters of the Ray log delivered as complete lines
    pending: str = ""  # characters read after `consumed` (an unfinished line)
    marker_state: int = 0  # 0 not seen, 1 cut out of pending at cut_at, 2 delivered
    cut_at: int = 0
    node_id: str = ""
    host: str = ""
    status: str = "PENDING"
    kill_reason: str = ""
    kill_message: str = ""
    stop_requested_at: float = 0.0
    stop_wait: int = 0
    finishing: bool = False
    tail_task: asyncio.Task[None] | None = None
    done: asyncio.Future[ExitInfo] | None = None
    poll_errors: int = 0
    running_reported: bool = False
    pending_message: str = ""


@dataclass
class _Cluster:
    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)
    usage: dict[str, list[float]] = field(default_factory=dict)
    error: str = ""
    refreshed: float = 0.0


class RayExecutor(Executor):
    """Runs pods as Ray jobs; see the module docstring for the design."""

    name = "ray"
    reports_running = True

    def __init__(self, events: ExecutorEvents, address: str, poll_interval: float = 0.5,
                 default_cpu: float = 0.1, threads: int = 8) -> None:
        require_ray()
        super().__init__(events)
        address = address.strip().rstrip("/")
        if not address:
            raise RayLaunchError("the Ray executor needs --ray-address (the dashboard, e.g. http://HEAD:8265)")
        if "://" not in address:
            address = f"http://{address}"
        self.address = address
        self.poll_interval = poll_interval
        self.default_cpu = default_cpu
        self._threads = concurrent.futures.ThreadPoolExecutor(max_workers=threads, thread_name_prefix="ray-exec")
        self._client: Any = None
        self._client_lock = asyncio.Lock()
        self._pods: dict[str, _Pod] = {}
        self._final_offsets: dict[str, dict[OutputStream, int]] = {}
        self._cluster = _Cluster()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._poll_task: asyncio.Task[None] | None = None
        self._cluster_task: asyncio.Task[None] | None = None
        self.submitted_total = 0

    @property
    def _started_loop(self) -> asyncio.AbstractEventLoop:
        """The loop start() ran on; everything that uses it runs after start()."""
        return cast(asyncio.AbstractEventLoop, self._loop)

    # ------------------------------------------------------------------ plumbing

    async def _call(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        """Run a blocking Ray SDK call (requests under the hood) off the event loop."""
        loop = asyncio.get_running_loop()
        return await asyncio.wait_for(loop.run_in_executor(self._threads, lambda: fn(*args, **kwargs)),
                                      REQUEST_TIMEOUT)

    async def _get_client(self) -> Any:
        """The JobSubmissionClient, created on first use (its constructor contacts the head)."""
        if self._client is not None:
            return self._client
        async with self._client_lock:
            if self._client is None:
                from ray.job_submission import JobSubmissionClient

                try:
                    self._client = await self._call(JobSubmissionClient, self.address)
                except Exception as exc:
                    self._cluster.error = _unreachable(self.address, exc)
                    raise RayHeadUnreachable(self._cluster.error) from exc
        return self._client

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        """Start the poll loops; an unreachable head is logged, not fatal (pods launched
        meanwhile fail with LAUNCH_FAILED and are retried per their policy)."""
        if self._poll_task is not None:
            return
        self._loop = asyncio.get_running_loop()
        try:
            await self._get_client()
        except RayLaunchError as exc:
            log.warning("%s; will retry on the next launch", exc)
        self._poll_task = self._loop.create_task(self._poll_loop(), name="ray-executor-poll")
        self._cluster_task = self._loop.create_task(self._cluster_loop(), name="ray-executor-cluster")

    async def close(self) -> None:
        """Stop watching; Ray jobs keep running and a later engine re-adopts them."""
        for task in (self._poll_task, self._cluster_task):
            if task is not None:
                task.cancel()
        for task in (self._poll_task, self._cluster_task):
            if task is not None:
                try:
                    await task
                except asyncio.CancelledError:
                    pass
        self._poll_task = self._cluster_task = None
        for pod in list(self._pods.values()):
            if pod.tail_task is not None:
                pod.tail_task.cancel()
            if pod.done is not None and not pod.done.done():
                pod.done.cancel()
        self._pods.clear()
        self._threads.shutdown(wait=False, cancel_futures=True)

    # ------------------------------------------------------------------ launch

    def _entrypoint(self, request: LaunchRequest) -> str:
        cmd = "exec " + shlex.join([request.command, *request.args])
        if request.working_dir:
            cmd = f"cd {shlex.quote(request.working_dir)} && {cmd}"
        return cmd

    @staticmethod
    def _stop_wait(request: LaunchRequest) -> int:
        """The pod's kill grace period, as Ray wants it (whole seconds, fixed at submission)."""
        return max(0, math.ceil(request.kill_grace))

    def _submit_kwargs(self, request: LaunchRequest) -> dict[str, Any]:
        env = {str(k): str(v) for k, v in request.env.items()}
        env.update(
            PELORUS_POD_ID=request.pod_id,
            PELORUS_POD_NAME=request.pod_name,
            PELORUS_JOB_ID=request.job_id,
            PELORUS_INSTANCE_ID=str(request.instance_id),
            RAY_JOB_STOP_WAIT_TIME_S=str(self._stop_wait(request)),
        )
        resources = {k: float(v) for k, v in request.custom_resources.items() if v}
        cpu = request.cpu if request.cpu > 0 else self.default_cpu
        kwargs: dict[str, Any] = {
            "entrypoint": self._entrypoint(request),
            "submission_id": request.pod_id,
            "runtime_env": {"env_vars": env},
            "metadata": {"pelorus_job_id": request.job_id, "pelorus_pod_name": request.pod_name,
                         **{f"label.{k}": str(v) for k, v in request.labels.items()}},
            "entrypoint_num_cpus": cpu,
        }
        if request.memory_bytes > 0:
            kwargs["entrypoint_memory"] = int(request.memory_bytes)
        if resources:
            kwargs["entrypoint_resources"] = resources
        return kwargs

    async def launch(self, request: LaunchRequest) -> PodHandle:
        """Submit the pod as a Ray job; returns once Ray accepted it (see module docstring)."""
        await self.start()
        if request.pod_id in self._pods:
            raise RayLaunchError(f"pod {request.pod_id} is already running on this executor")
        client = await self._get_client()
        kwargs = self._submit_kwargs(request)
        try:
            await self._call(client.submit_job, **kwargs)
        except Exception as exc:
            if "already exists" in str(exc):
                # An earlier submission of this very pod reached Ray but its answer was lost
                # (submission id = pod id, and only this run uses it): that job is ours.
                log.info("Ray job %s was already submitted; watching it", request.pod_id)
            elif isinstance(exc, (ConnectionError, OSError, asyncio.TimeoutError)) or "onnection" in str(exc):
                self._cluster.error = _unreachable(self.address, exc)
                raise RayHeadUnreachable(self._cluster.error) from exc
            else:
                raise RayLaunchError(f"Ray rejected the job: {_short(exc)}") from exc
        self.submitted_total += 1
        self._final_offsets.pop(request.pod_id, None)
        pod = _Pod(request=request, marker=f"Running entrypoint for job {request.pod_id}: {kwargs['entrypoint']}\n",
                   stop_wait=int(kwargs["runtime_env"]["env_vars"]["RAY_JOB_STOP_WAIT_TIME_S"]))
        self._track(pod)
        return PodHandle(pid=0, host="", node_id="", token=request.pod_id)

    def _track(self, pod: _Pod) -> None:
        pod.done = self._started_loop.create_future()
        self._pods[pod.request.pod_id] = pod
        pod.tail_task = self._started_loop.create_task(self._tail(pod), name=f"ray-tail-{pod.request.pod_id}")

    # ------------------------------------------------------------------ adopt

    async def adopt(self, request: LaunchRequest, handle: PodHandle, output_offsets: dict[OutputStream, int]) -> bool:
        """Find the Ray job by its submission id (= pod id) and watch it again, resuming
        output after the stored offset. A job Ray no longer knows is gone (False); while
        the head is unreachable the pod is watched anyway and the poll decides later."""
        await self.start()
        if request.pod_id in self._pods:
            return True
        sid = handle.token or request.pod_id
        info = None
        try:
            client = await self._get_client()
            info = await self._call(client.get_job_info, sid)
        except Exception as exc:  # noqa: BLE001
            if _is_not_found(exc):
                return False
            log.warning("cannot check Ray job %s while adopting it (%s); watching it anyway", sid, _short(exc))
        entrypoint = info.entrypoint if info is not None else self._entrypoint(request)
        pod = _Pod(request=request, marker=f"Running entrypoint for job {sid}: {entrypoint}\n",
                   consumed=max(0, int(output_offsets.get(OutputStream.STDOUT, 0))),
                   node_id=handle.node_id, host=handle.host)
        env = (info.runtime_env or {}).get("env_vars", {}) if info is not None else {}
        pod.stop_wait = int(env.get("RAY_JOB_STOP_WAIT_TIME_S", 3))
        self._final_offsets.pop(request.pod_id, None)
        self._track(pod)
        if info is not None:
            self._started_loop.call_soon(self._on_info, pod, info)
        return True

    # ------------------------------------------------------------------ kill

    async def kill(self, pod_id: str, grace_period: float, reason: str = "KILLED", message: str = "") -> None:
        """stop_job: Ray sends SIGTERM to the command's process tree and SIGKILL after the
        stop wait set at submission (the pod's grace period). Idempotent."""
        pod = self._pods.get(pod_id)
        if pod is None or pod.finishing:
            return
        if not pod.kill_reason:
            pod.kill_reason = reason
            pod.kill_message = message or "killed on request"
        if abs(grace_period - pod.stop_wait) >= 1 and not pod.stop_requested_at:
            log.info("pod %s: Ray waits the submitted %d s before SIGKILL, not %.1f s", pod_id, pod.stop_wait,
                     grace_period)
        pod.stop_requested_at = pod.stop_requested_at or time.monotonic()
        try:
            client = await self._get_client()
            await self._call(client.stop_job, pod_id)
        except Exception as exc:  # noqa: BLE001 - the poll retries stopping while it is wanted
            log.warning("stop_job %s failed (%s); will retry", pod_id, _short(exc))

    # ------------------------------------------------------------------ status

    async def _poll_loop(self) -> None:
        while True:
            await asyncio.sleep(self.poll_interval)
            pods = [p for p in self._pods.values() if not p.finishing]
            if not pods:
                continue
            try:
                client = await self._get_client()
            except RayLaunchError as exc:
                self._cluster.error = str(exc)
                await asyncio.sleep(min(5.0, self.poll_interval * 4))
                continue
            results = await asyncio.gather(*(self._call(client.get_job_info, p.request.pod_id) for p in pods),
                                           return_exceptions=True)
            for pod, res in zip(pods, results, strict=False):
                try:
                    self._on_info(pod, res)
                except Exception:  # one broken pod must not stop the others
                    log.exception("status of pod %s", pod.request.pod_id)

    def _on_info(self, pod: _Pod, info: Any) -> None:
        if pod.finishing or self._pods.get(pod.request.pod_id) is not pod:
            return
        if isinstance(info, BaseException):
            if _is_not_found(info):
                self._start_finish(pod, None)
                return
            pod.poll_errors += 1
            if pod.poll_errors in (1, 10) or pod.poll_errors % 100 == 0:
                log.warning("cannot get the status of Ray job %s (%d tries): %s", pod.request.pod_id,
                            pod.poll_errors, _short(info))
            return
        pod.poll_errors = 0
        pod.status = str(getattr(info.status, "value", info.status))
        if info.driver_node_id and info.driver_node_id != pod.node_id:
            self._place(pod, info.driver_node_id)
        if pod.status == "PENDING":
            message = f"Ray: PENDING: {_first_line(info.message or '') or 'waiting to start'}"
            if message != pod.pending_message:
                pod.pending_message = message
                self.events.on_starting(pod.request.pod_id, "RAY_PENDING", message)
        elif pod.status == "RUNNING":
            self._report_running(pod)
        if pod.status in TERMINAL:
            self._start_finish(pod, info)
        elif pod.kill_reason and time.monotonic() - pod.stop_requested_at > pod.stop_wait + 10:
            pod.stop_requested_at = time.monotonic()  # the stop got lost (head restarted?): ask again
            self._started_loop.create_task(self.kill(pod.request.pod_id, pod.stop_wait))

    def _place(self, pod: _Pod, node_id: str) -> None:
        pod.node_id = node_id
        node = self._cluster.nodes.get(node_id)
        pod.host = _node_name(node_id, node)
        if node is None:
            # Unknown yet: refresh the node table soon and fix the name then.
            self._cluster.refreshed = 0.0
        self._report_placement(pod)

    def _report_running(self, pod: _Pod) -> None:
        if not pod.running_reported:
            pod.running_reported = True
            where = f" on node {pod.host}" if pod.host else ""
            self.events.on_running(pod.request.pod_id, "RAY_RUNNING", f"Ray: RUNNING{where}")

    def _report_placement(self, pod: _Pod) -> None:
        """Tell the engine which node the pod runs on (learnt after launch() returned)."""
        self.events.on_placed(pod.request.pod_id,
                              PodHandle(pid=0, host=pod.host, node_id=pod.node_id, token=pod.request.pod_id))

    # ------------------------------------------------------------------ output

    async def _tail(self, pod: _Pod) -> None:
        """Stream the job's log; reconnect after a pause when the stream ends early."""
        backoff = 0.5
        while not pod.finishing:
            received = 0
            try:
                client = await self._get_client()
                async for chunk in client.tail_job_logs(pod.request.pod_id):
                    received = self._feed(pod, chunk, received)
                backoff = 0.5
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - the end of a tail is only a hint
                log.debug("log tail of %s ended: %s", pod.request.pod_id, _short(exc))
            if pod.finishing:
                return
            # Ended: maybe the job is over, maybe the connection dropped. Ask at once.
            try:
                client = await self._get_client()
                info = await self._call(client.get_job_info, pod.request.pod_id)
            except Exception as exc:  # noqa: BLE001
                info = exc
            self._on_info(pod, info)
            if pod.finishing:
                return
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, 5.0)

    def _feed(self, pod: _Pod, chunk: str, received: int) -> int:
        """A tail chunk covering [received, received+len) of the log (every tail starts at
        the beginning). Keep what lies past what we hold and deliver complete lines."""
        end = received + len(chunk)
        have = pod.consumed + len(pod.pending) + (len(pod.marker) if pod.marker_state == 1 else 0)
        if end > have and not pod.finishing:
            pod.pending += chunk[max(0, have - received):]
            self._drain(pod, final=False)
        return end

    def _drain(self, pod: _Pod, final: bool) -> None:
        """Deliver the complete lines of pod.pending (all of it with final=True).

        Ray appends its "Running entrypoint for job ..." line when it has started the
        command, so it can land in the middle of the command's first line: it is cut out
        (marker_state 1, at clean position cut_at) and delivered as SYSTEM lines right
        after the line it interrupted. `consumed` counts raw log characters, marker
        included only once it has been delivered, so a re-adopting executor that reads
        the raw log again from `consumed` finds everything not yet delivered, once."""
        marker = pod.marker
        buf = pod.pending
        if pod.marker_state == 0:
            m = buf.find(marker)
            if m >= 0:
                buf = buf[:m] + buf[m + len(marker):]
                pod.marker_state, pod.cut_at = 1, m
        limit = len(buf)
        if pod.marker_state == 0 and not final:
            limit = _partial_start(buf, marker)  # a marker still arriving is not output yet
        marker_lines = [(OutputStream.SYSTEM, line) for line in marker[:-1].split("\n")]
        pos = extra = 0
        out: list[tuple[OutputStream, str]] = []
        while True:
            if pod.marker_state == 1 and pod.cut_at == pos:
                out.extend(marker_lines)
                pod.marker_state, extra = 2, len(marker)
            if pos >= limit:
                break
            nl = buf.find("\n", pos, limit)
            if nl < 0:
                if not final:
                    break
                nl = end = limit
            else:
                end = nl + 1
            line = buf[pos:nl]
            out.append((_classify(line), line))
            if pod.marker_state == 1 and pos < pod.cut_at < end:
                out.extend(marker_lines)
                pod.marker_state, extra = 2, len(marker)
            pos = end
        if not out:
            pod.pending = buf
            return
        pod.pending = buf[pos:]
        if pod.marker_state == 1:
            pod.cut_at -= pos
        pod.consumed += pos + extra  # before on_output: the engine reads the offsets inside it
        self._deliver(pod, out)

    def _deliver(self, pod: _Pod, out: list[tuple[OutputStream, str]]) -> None:
        i = 0
        while i < len(out):
            stream = out[i][0]
            j = i
            while j < len(out) and out[j][0] == stream:
                j += 1
            try:
                self.events.on_output(pod.request.pod_id, stream, [line for _, line in out[i:j]])
            except Exception:
                log.exception("on_output for pod %s raised", pod.request.pod_id)
            i = j

    def output_offsets(self, pod_id: str) -> dict[OutputStream, int]:
        """Characters of the Ray log delivered (as STDOUT; Ray merges the streams)."""
        pod = self._pods.get(pod_id)
        if pod is not None:
            return {OutputStream.STDOUT: pod.consumed}
        return dict(self._final_offsets.get(pod_id, {}))

    def discard(self, pod_id: str) -> None:
        self._final_offsets.pop(pod_id, None)

    # ------------------------------------------------------------------ exit

    def _start_finish(self, pod: _Pod, info: Any) -> None:
        pod.finishing = True
        self._started_loop.create_task(self._finish(pod, info), name=f"ray-finish-{pod.request.pod_id}")

    async def _finish(self, pod: _Pod, info: Any) -> None:
        """Stop the tail, reconcile with the full log, report the exit exactly once."""
        if pod.tail_task is not None and pod.tail_task is not asyncio.current_task():
            pod.tail_task.cancel()
            try:
                await pod.tail_task
            except (asyncio.CancelledError, Exception):  # noqa: BLE001
                log.debug("log tail of %s stopped", pod.request.pod_id)
        if info is not None:
            try:
                client = await self._get_client()
                full = await self._call(client.get_job_logs, pod.request.pod_id)
                if len(full) >= pod.consumed:
                    pod.pending = full[pod.consumed:]
                    if pod.marker_state == 1:
                        pod.marker_state = 0  # the raw text has it again
                else:
                    log.warning("Ray log of %s is shorter than what was delivered", pod.request.pod_id)
            except Exception as exc:  # noqa: BLE001 - the node with the log may be gone
                log.warning("cannot read the full log of %s: %s", pod.request.pod_id, _short(exc))
                self._deliver(pod, [(OutputStream.SYSTEM, f"the rest of the Ray log is unavailable: {_short(exc)}")])
        self._drain(pod, final=True)
        if info is not None and (str(getattr(info.status, "value", info.status)) == "SUCCEEDED"
                                 or info.driver_exit_code is not None):
            self._report_running(pod)  # it ran, even if it ended between two polls
        exit_info = self._exit_info(pod, info)
        if self._pods.get(pod.request.pod_id) is not pod:
            return  # close() detached it meanwhile
        self._final_offsets[pod.request.pod_id] = {OutputStream.STDOUT: pod.consumed}
        self._pods.pop(pod.request.pod_id, None)
        try:
            self.events.on_exited(pod.request.pod_id, exit_info)
        except Exception:
            log.exception("on_exited for pod %s raised", pod.request.pod_id)
        if pod.done is not None and not pod.done.done():
            pod.done.set_result(exit_info)

    def _exit_info(self, pod: _Pod, info: Any) -> ExitInfo:
        if info is None:
            return ExitInfo(None, "LOST", "the Ray job no longer exists on the cluster", lost=True)
        status = str(getattr(info.status, "value", info.status))
        code = info.driver_exit_code
        where = f" on Ray node {pod.host}" if pod.host else ""
        if pod.kill_reason and status in ("STOPPED", "FAILED"):
            took = (time.monotonic() - pod.stop_requested_at) if pod.stop_requested_at else 0.0
            how = (f"ray stop_job: SIGTERM, SIGKILL after {pod.stop_wait} s grace"
                   if pod.stop_wait and took >= pod.stop_wait else "ray stop_job: SIGTERM")
            return ExitInfo(code, pod.kill_reason, f"{pod.kill_message} ({how})")
        if status == "SUCCEEDED":
            return ExitInfo(0, "SUCCEEDED", f"exited with code 0{where}")
        if status == "STOPPED":
            return ExitInfo(code, "KILLED", f"stopped on the Ray cluster (ray job stop){where}")
        error_type = str(getattr(getattr(info, "error_type", None), "value", info.error_type or ""))
        if code is not None:
            return ExitInfo(int(code), "FAILED", f"exited with code {code}{where}")
        message = _first_line(info.message or "") or "no message"
        if error_type in _LOST_ERRORS:
            return ExitInfo(None, "LOST", f"Ray lost the pod{where}: {message}", lost=True)
        return ExitInfo(None, error_type or "FAILED", f"Ray: {message}")

    # ------------------------------------------------------------------ cluster

    async def _cluster_loop(self) -> None:
        while True:
            if time.monotonic() - self._cluster.refreshed >= CLUSTER_REFRESH:
                try:
                    await self._refresh_cluster()
                except Exception as exc:  # noqa: BLE001
                    self._cluster.error = _unreachable(self.address, exc)
                    self._cluster.refreshed = time.monotonic()
            await asyncio.sleep(0.5)

    async def _refresh_cluster(self) -> None:
        nodes = await self._call(self._get_json, "/api/v0/nodes?limit=10000&detail=false")
        table = {n["node_id"]: n for n in nodes["data"]["result"]["result"]}
        try:
            status = await self._call(self._get_json, "/api/cluster_status")
            usage = status["data"]["clusterStatus"]["loadMetricsReport"]["usage"]
        except Exception:  # noqa: BLE001 - optional detail
            usage = {}
        self._cluster = _Cluster(nodes=table, usage=usage, refreshed=time.monotonic())
        for pod in self._pods.values():  # names that were unknown when the pod was placed
            if pod.node_id and pod.host != _node_name(pod.node_id, table.get(pod.node_id)):
                self._place(pod, pod.node_id)

    def _get_json(self, path: str) -> Any:
        with urllib.request.urlopen(self.address + path, timeout=10) as resp:
            return json.load(resp)

    def describe(self) -> dict[str, str]:
        c = self._cluster
        alive = [n for n in c.nodes.values() if n.get("state") == "ALIVE"]
        out = {
            "executor": self.name,
            "ray_address": self.address,
            "ray_reachable": "no" if c.error else ("yes" if c.refreshed else "unknown"),
            "ray_nodes_alive": str(len(alive)),
            "ray_nodes_dead": str(len(c.nodes) - len(alive)),
            "ray_nodes": json.dumps({_node_name(i, n): n.get("state", "?") for i, n in c.nodes.items()}),
            "ray_resources": json.dumps({k: {"used": v[0], "total": v[1]} for k, v in c.usage.items()
                                         if isinstance(v, list) and len(v) == 2 and k != "objectStoreMemory"}),
            "running_pods": str(len(self._pods)),
            "submitted_total": str(self.submitted_total),
        }
        if c.error:
            out["ray_error"] = c.error
        return out


def _unreachable(address: str, exc: BaseException) -> str:
    return f"Ray head {address} unreachable: {_short(exc)}"


def _node_name(node_id: str, node: dict[str, Any] | None) -> str:
    """Readable and unique: several nodes can share a host name and an IP."""
    short = node_id[:8]
    if not node:
        return f"ray-node-{short}"
    name = node.get("node_name") or node.get("node_ip") or "ray-node"
    return f"{name}/{'head' if node.get('is_head_node') else short}"


def _partial_start(buf: str, marker: str) -> int:
    """Where a proper prefix of `marker` starts at the end of buf (len(buf) if none)."""
    start = max(0, len(buf) - len(marker) + 1)
    while (j := buf.find(marker[0], start)) >= 0:
        if marker.startswith(buf[j:]):
            return j
        start = j + 1
    return len(buf)


def _classify(line: str) -> OutputStream:
    return OutputStream.SYSTEM if _RAY_LOG_LINE.match(line) else OutputStream.STDOUT


def _is_not_found(exc: BaseException) -> bool:
    text = str(exc)
    return "status code 404" in text or "does not exist" in text


def _first_line(text: str) -> str:
    return text.strip().split("\n", 1)[0][:500]


def _short(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    if isinstance(exc, urllib.error.URLError):
        text = str(exc.reason)
    return _first_line(text)
