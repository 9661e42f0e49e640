"""The scale-out executor: pods run on a Ray cluster, at Ray's pace and a few MB each.

Design, and why (the figures are in the README's Ray section, from bench/ray_launch.py):

* Not one Ray job per pod. A Ray job starts a supervisor actor and a driver process for each
  pod (~1.5 pods/s, ~60 MB PSS per running pod). Instead, as Kubernetes does with a kubelet
  per node, one long-lived agent actor per node (ray_agent.PodAgent) starts pods as process
  groups under the local executor's shim, with spool files and exit files on the node; a pod
  costs its `/bin/sh` shim and nothing else that runs.
* Ray still does the accounting and placement: each pod's cpu (default `default_cpu`, a
  fraction) / memory / custom resources are reserved by a placement group named by the pod
  id, and the pod starts on the node Ray placed it on. A pod always asks for cpu, so a head
  started with `--num-cpus=0` never gets one by accident.
* A controller (ray_controller, one Ray job running on the head, started through the Jobs API
  by the first engine that needs it and found again by later ones) owns the placement groups
  and the agents. The engine holds one TCP connection to it: launch (a scheduler tick's pods
  in one request) / kill / adopt / forget requests go down it, and every pod's placement,
  RUNNING, output lines (with their byte offsets in the node's spool files) and exit come up
  it as they happen - no per-pod polling, no per-pod request. The controller reads every
  placement group's state in one call per tick and long-polls each agent, so Ray is asked
  O(nodes) times per period, not O(pods).
* Engine restart: the controller and the agents outlive the engine; the new engine connects,
  adopts each pod with its stored byte offsets, and the agent re-reads exactly the missed lines
  from the spool files. find_launched asks the controller for a pod whose launch was never
  recorded.
* Head or node loss: an agent that dies (its node died) takes its pods with it (a watchdog
  kills their process groups) and they are reported LOST with the reason; a controller that
  loses the GCS exits. A connection to the controller that is down (or silent: it beats every
  second) for `lost_after` seconds while the dashboard does not answer either (the head is
  gone) turns every watched pod LOST with the reason; with the dashboard answering, only the
  controller went and a new one re-adopts the pods; reconnecting
  backs off (one dashboard request per attempt, however many pods) and, once back, asks the
  controller to kill what was given up so nothing runs twice.
* A pod that no alive node can ever hold is refused at CreateJob / ReplaceJob (INVALID_ARGUMENT
  naming the resource and the largest node), from the nodes the controller reports every
  second. The engine cannot tell whether an autoscaler will add a node (Ray's own cluster
  status does not say reliably: `ray start --head` runs an autoscaler monitor with nothing to
  scale), so the operator says so: with `--ray-autoscaling` such a pod is accepted and shown
  STARTING with reason UNSCHEDULABLE and the same words, until a node that large joins. The
  same is shown when the check could not be made (no controller reached yet) or the nodes
  changed after create (a node lost). StopJob removes its placement group, so nothing stays
  pending in Ray.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import dataclasses
import functools
import hashlib
import json
import logging
import pathlib
import secrets
import sys
import time
import urllib.error
import urllib.parse
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
from pelorus.tasks import TaskSet

log = logging.getLogger(__name__)

INSTALL_HINT = "pip install -e '.[ray]'"
REQUEST_TIMEOUT = 30.0
STREAM_LIMIT = 64 * 2**20
# The controller beats every second; this much silence means the connection is dead.
SILENCE_LIMIT = 4.0
# Connected-less this long with pods watched: they are reported LOST.
LOST_AFTER = 4.0
CONNECT_BACKOFF = (0.2, 0.5, 1.0, 2.0)
CONTROLLER_START_TIMEOUT = 90.0
DASHBOARD_CHECK = 2.0
# The controller's entrypoint: the first Python that has both Ray and Pelorus (the engine's
# own interpreter first: the same path on a cluster built from one image, or on one machine).
_ENTRYPOINT = (
    'for py in "$PELORUS_RAY_PYTHON" python3 python; do '
    '[ -n "$py" ] && "$py" -c "import importlib.util as u, sys; '
    'sys.exit(not (u.find_spec(\'ray\') and u.find_spec(\'pelorus\')))" 2>/dev/null && '
    'exec "$py" -m pelorus.engine.executors.ray_controller; done; '
    'echo "no Python with both ray and pelorus on this node" >&2; exit 3'
)


class RayUnavailable(RuntimeError):
    """Ray is not installed (the message says how to install it)."""


class RayLaunchError(RuntimeError):
    """A pod could not be submitted to Ray; the message names what to fix."""


class RayHeadUnreachable(RayLaunchError, ExecutorUnavailable):
    """The Ray head (dashboard / controller) did not answer; nothing was started."""


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
    offsets: dict[int, int] = field(default_factory=lambda: {0: 0, 1: 0})
    node_id: str = ""
    host: str = ""
    # Events that arrived before launch()/adopt() returned, delivered right after.
    held: list[dict[str, Any]] | None = field(default_factory=list)
    kill: tuple[float, str, str] | None = None
    running_reported: bool = False
    done: asyncio.Future[ExitInfo] | None = None


class RayExecutor(Executor):
    """Runs pods on a Ray cluster through the pelorus controller; see the module docstring."""

    name = "ray"
    reports_running = True

    def __init__(self, events: ExecutorEvents, address: str, poll_interval: float = 0.5,
                 default_cpu: float = 0.1, lost_after: float = LOST_AFTER, autoscaling: bool = False) -> None:
        """autoscaling: the cluster may grow (see never_fits)."""
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
        self.lost_after = lost_after
        self.autoscaling = autoscaling
        self._threads = concurrent.futures.ThreadPoolExecutor(max_workers=2, thread_name_prefix="ray-exec")
        self._tasks = TaskSet("ray-executor")
        self._client: Any = None
        self._pods: dict[str, _Pod] = {}
        self._final_offsets: dict[str, dict[OutputStream, int]] = {}
        self._abandoned: set[str] = set()
        self._to_forget: list[str] = []  # discarded pods, for the next forget request
        self._loop: asyncio.AbstractEventLoop | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._want_connect = asyncio.Event()
        self._attempt_done = asyncio.Event()  # replaced (and the old one set) after each attempt
        self._replies: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._next_id = 1
        self._last_heard = 0.0
        self._down_since: float | None = time.monotonic()
        self._controller = ""
        self._controller_sid = ""
        self._failed_sids: dict[str, int] = {}
        self._nodes: dict[str, dict[str, Any]] = {}
        self._error = ""
        self._dashboard_ok: bool | None = None
        self.submitted_total = 0
        self.requests_to_head = 0  # dashboard requests, shown in describe()

    @property
    def _started_loop(self) -> asyncio.AbstractEventLoop:
        return cast(asyncio.AbstractEventLoop, self._loop)

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        """Start connecting (in a task of its own; an unreachable head is not fatal)."""
        if self._loop is not None:
            return
        self._loop = asyncio.get_running_loop()
        self._tasks.start(self._connect_loop(), name="ray-executor-connect")
        self._tasks.start(self._watch_loop(), name="ray-executor-watch")
        self._want_connect.set()

    async def close(self) -> None:
        """Stop watching; the pods keep running and a later engine re-adopts them."""
        for task in self._tasks.cancel_all():
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks.close()
        self._drop_connection("executor closed")
        for pod in self._pods.values():
            if pod.done is not None and not pod.done.done():
                pod.done.cancel()
        self._pods.clear()
        self._threads.shutdown(wait=False, cancel_futures=True)

    # ------------------------------------------------------------------ the controller

    async def _call(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        """A blocking Ray SDK call (requests under the hood), off the event loop."""
        self.requests_to_head += 1
        loop = asyncio.get_running_loop()
        return await asyncio.wait_for(loop.run_in_executor(self._threads, lambda: fn(*args, **kwargs)),
                                      REQUEST_TIMEOUT)

    async def _get_client(self) -> Any:
        if self._client is None:
            from ray.job_submission import JobSubmissionClient

            self._client = await self._call(JobSubmissionClient, self.address)
        return self._client

    async def _find_controller(self) -> tuple[str, str]:
        """(host:port, token) of a running controller, starting one if there is none."""
        client = await self._get_client()
        jobs = await self._call(client.list_jobs)
        mine = [j for j in jobs if (j.metadata or {}).get("pelorus_role") == "controller"
                and (j.metadata or {}).get("pelorus_code") == _code_version()
                and str(getattr(j.status, "value", j.status)) in ("PENDING", "RUNNING")
                and self._failed_sids.get(j.submission_id, 0) < 3]
        mine.sort(key=lambda j: (j.start_time or 0, j.submission_id))
        if mine:
            job = mine[0]
            sid, token = job.submission_id, ((job.runtime_env or {}).get("env_vars") or {}).get(
                "PELORUS_CONTROLLER_TOKEN", "")
        else:
            token = secrets.token_hex(16)
            sid = f"pelorus-controller-{secrets.token_hex(6)}"
            await self._call(client.submit_job, entrypoint=_ENTRYPOINT, submission_id=sid, entrypoint_num_cpus=0,
                             runtime_env={"env_vars": {"PELORUS_CONTROLLER_TOKEN": token,
                                                       "PELORUS_RAY_PYTHON": sys.executable,
                                                       "PELORUS_CONTROLLER_HOST": self._bind_host()}},
                             metadata={"pelorus_role": "controller", "pelorus_code": _code_version()})
            log.info("started the pelorus controller on the Ray cluster (Ray job %s)", sid)
        self._controller_sid = sid
        deadline = time.monotonic() + CONTROLLER_START_TIMEOUT
        delay = 0.1
        while True:
            text = await self._call(client.get_job_logs, sid)
            for line in text.splitlines():
                if line.startswith("PELORUS_CONTROLLER "):
                    return line.split()[1], token
            status = await self._call(client.get_job_status, sid)
            state = str(getattr(status, "value", status))
            if state not in ("PENDING", "RUNNING") or time.monotonic() > deadline:
                self._failed_sids[sid] = 3
                tail = " | ".join(text.strip().splitlines()[-3:])
                raise RayLaunchError(f"the pelorus controller (Ray job {sid}) did not start: {state}: {tail}")
            await asyncio.sleep(delay)
            delay = min(delay * 1.5, 1.0)

    def _bind_host(self) -> str:
        """Loopback dashboard: the controller listens on loopback too; otherwise on the head's IP."""
        host = urllib.parse.urlsplit(self.address).hostname or ""
        return host if host in ("127.0.0.1", "localhost", "::1") else ""

    async def _connect_loop(self) -> None:
        attempt = 0
        while True:
            await self._want_connect.wait()
            if self._writer is not None:
                self._want_connect.clear()
                continue
            try:
                await self._connect()
                attempt = 0
                continue
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001
                self._error = _unreachable(self.address, exc) if not isinstance(exc, RayLaunchError) else str(exc)
                if self._controller_sid:
                    self._failed_sids[self._controller_sid] = self._failed_sids.get(self._controller_sid, 0) + 1
                self._client = None if not isinstance(exc, RayLaunchError) else self._client
                log.debug("cannot reach the Ray controller: %s", self._error)
            finally:
                done, self._attempt_done = self._attempt_done, asyncio.Event()
                done.set()
            await asyncio.sleep(CONNECT_BACKOFF[min(attempt, len(CONNECT_BACKOFF) - 1)])
            attempt += 1

    async def _connect(self) -> None:
        where, token = await self._find_controller()
        host, port = where.rsplit(":", 1)
        reader, writer = await asyncio.wait_for(asyncio.open_connection(host, int(port), limit=STREAM_LIMIT), 10)
        writer.write(json.dumps({"op": "hello", "id": 0, "token": token}).encode() + b"\n")
        hello = json.loads(await asyncio.wait_for(reader.readline(), 10) or b"{}")
        if not hello.get("ok"):
            writer.close()
            raise RayLaunchError(f"the pelorus controller at {where} refused the connection")
        self._writer, self._controller, self._last_heard = writer, where, time.monotonic()
        self._failed_sids.pop(self._controller_sid, None)
        self._down_since, self._error = None, ""
        self._want_connect.clear()
        log.info("connected to the pelorus controller at %s", where)
        # Optional in ExecutorEvents (the engine has it): pods held back while the head was
        # down launch now rather than after their backoff.
        available = getattr(self.events, "on_executor_available", None)
        if available is not None:
            available()
        self._tasks.start(self._read_loop(reader, writer), name="ray-executor-read")
        self._tasks.start(self._resync(list(self._pods.values())), name="ray-executor-resync")

    def _drop_connection(self, why: str) -> None:
        writer, self._writer = self._writer, None
        if writer is None:
            return
        writer.close()
        self._down_since = time.monotonic()
        self._error = why
        for fut in self._replies.values():
            if not fut.done():
                fut.set_exception(RayHeadUnreachable(why))
        self._replies.clear()
        self._nodes = {}
        if self._loop is not None:
            self._want_connect.set()
            self._tasks.start(self._check_dashboard(), name="ray-executor-dashboard")  # head gone, or only us?

    async def _read_loop(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        why = "the pelorus controller closed the connection (the Ray head may be down)"
        try:
            while line := await reader.readline():
                self._last_heard = time.monotonic()
                try:
                    self._on_message(json.loads(line))
                except Exception:
                    log.exception("handling a message from the Ray controller failed")
        except (OSError, ValueError) as exc:
            why = f"connection to the pelorus controller lost: {exc}"
        if self._writer is writer:
            self._drop_connection(why)

    async def _request(self, op: str, **fields: Any) -> dict[str, Any]:
        writer = self._writer
        if writer is None:
            raise RayHeadUnreachable(self._error or _unreachable(self.address, "not connected"))
        rid, self._next_id = self._next_id, self._next_id + 1
        fut: asyncio.Future[dict[str, Any]] = self._started_loop.create_future()
        self._replies[rid] = fut
        writer.write(json.dumps({"op": op, "id": rid, **fields}, separators=(",", ":")).encode() + b"\n")
        try:
            return await asyncio.wait_for(fut, REQUEST_TIMEOUT)
        except TimeoutError:
            self._drop_connection(f"the pelorus controller did not answer {op} in {REQUEST_TIMEOUT:.0f} s")
            raise RayHeadUnreachable(self._error) from None
        finally:
            self._replies.pop(rid, None)

    async def _wait_connected(self, timeout: float) -> bool:
        """Connected within `timeout` s; False at once when an attempt fails (the caller reports
        the head unreachable rather than waiting out every retry)."""
        deadline = time.monotonic() + timeout
        while self._writer is None:
            remaining = deadline - time.monotonic()
            if self._error or remaining <= 0:
                return False
            self._want_connect.set()
            attempt = self._attempt_done
            try:
                await asyncio.wait_for(attempt.wait(), remaining)
            except TimeoutError:
                return False
        return True

    async def _watch_loop(self) -> None:
        """Silence means a dead connection; a long disconnection loses the pods; the dashboard's
        own reachability is checked (one request) for the health service."""
        next_check = 0.0
        while True:
            await asyncio.sleep(0.25)
            now = time.monotonic()
            if self._writer is not None and now - self._last_heard > SILENCE_LIMIT:
                self._drop_connection(f"the pelorus controller has been silent for {SILENCE_LIMIT:.0f} s")
            down_for = now - self._down_since if self._writer is None and self._down_since is not None else 0.0
            # The head gone (its dashboard silent too): the pods went with it. The head alive (only the
            # controller restarting): its agents still run the pods, wait for it to come back.
            if down_for > self.lost_after and (self._dashboard_ok is not True or down_for > CONTROLLER_START_TIMEOUT):
                self._lose_all(down_for)
            if now >= next_check:
                next_check = now + (DASHBOARD_CHECK if self._dashboard_ok is not False else 2 * DASHBOARD_CHECK)
                self._tasks.start(self._check_dashboard(), name="ray-executor-dashboard")

    async def _check_dashboard(self) -> None:
        try:
            await self._call(self._get_json, "/api/version")
            self._dashboard_ok = True
        except Exception as exc:  # noqa: BLE001
            self._dashboard_ok = False
            self._error = _unreachable(self.address, exc)

    def _get_json(self, path: str) -> Any:
        with urllib.request.urlopen(self.address + path, timeout=5) as resp:
            return json.load(resp)

    def _lose_all(self, down_for: float) -> None:
        why = self._error or "the Ray cluster is unreachable"
        for pod_id, pod in list(self._pods.items()):
            if pod.held is not None:
                continue  # launch()/adopt() still running: it decides
            self._abandoned.add(pod_id)
            self._exit(pod, ExitInfo(None, "LOST", f"lost contact with the Ray cluster for {down_for:.0f} s ({why}); "
                                                    "the pod's state there is unknown", lost=True))

    async def _resync(self, watched: list[_Pod]) -> None:
        """After (re)connecting: kill what was given up, re-adopt what was watched before."""
        for pod_id in list(self._abandoned):
            try:
                await self._request("kill", pod_id=pod_id, grace=0.0, reason="LOST", message="given up by the engine")
                self._abandoned.discard(pod_id)
            except RayLaunchError:
                return
        for pod in watched:
            if pod.held is not None or self._pods.get(pod.request.pod_id) is not pod:
                continue
            await self._resync_pod(pod)
            if self._writer is None:
                return
            if pod.kill is not None and self._pods.get(pod.request.pod_id) is pod:
                await self._send_kill(pod)

    # ------------------------------------------------------------------ events from the controller

    def _on_message(self, msg: dict[str, Any]) -> None:
        ev = msg.get("ev")
        if ev == "reply":
            fut = self._replies.get(msg.get("id", -1))
            if fut is not None and not fut.done():
                fut.set_result(msg)
            return
        if ev == "cluster":
            self._nodes = msg.get("nodes") or {}
            return
        pod = self._pods.get(msg.get("pod", ""))
        if pod is None:
            return
        if pod.held is not None:
            pod.held.append(msg)
            return
        self._apply(pod, msg)

    def _apply(self, pod: _Pod, msg: dict[str, Any]) -> None:
        ev = msg["ev"]
        pod_id = pod.request.pod_id
        if ev == "output":
            self._output(pod, msg)
        elif ev == "placed":
            pod.node_id, pod.host = msg["node_id"], msg["host"]
            self.events.on_placed(pod_id, PodHandle(pid=0, host=pod.host, node_id=pod.node_id, token=pod_id))
        elif ev == "starting":
            self.events.on_starting(pod_id, msg["reason"], msg["message"])
        elif ev == "running":
            if not pod.running_reported:
                pod.running_reported = True
                self.events.on_running(pod_id, "RAY_RUNNING", msg["message"])
        elif ev == "exited":
            for stream, end in (msg.get("offsets") or {}).items():
                pod.offsets[int(stream)] = max(pod.offsets.get(int(stream), 0), int(end))
            self._exit(pod, ExitInfo(msg.get("exit_code"), msg.get("reason") or "FAILED",
                                     _where(msg.get("message") or "", pod), bool(msg.get("lost"))))

    def _output(self, pod: _Pod, msg: dict[str, Any]) -> None:
        stream, start, end, lines = int(msg["stream"]), int(msg["start"]), int(msg["end"]), list(msg["lines"])
        have = pod.offsets.get(stream, 0)
        if end <= have or not lines:
            return
        if start > have:  # events were lost (e.g. during a reconnection): re-read from the files
            pod.held = []  # from here on, in order after the re-read
            self._tasks.start(self._resync_pod(pod, holding=True), name=f"ray-resync-{pod.request.pod_id}")
            return
        skip = have - start
        while skip > 0 and lines:  # a re-read overlapping what events delivered: drop those lines
            skip -= len(lines.pop(0).encode()) + 1
        if not lines:
            return
        pod.offsets[stream] = end  # before on_output: the engine reads the offsets inside it
        try:
            self.events.on_output(pod.request.pod_id, OutputStream(stream), lines)
        except Exception:
            log.exception("on_output for pod %s raised", pod.request.pod_id)

    def _exit(self, pod: _Pod, info: ExitInfo) -> None:
        pod_id = pod.request.pod_id
        if self._pods.get(pod_id) is not pod:
            return
        if info.exit_code is not None or info.reason == "SUCCEEDED":
            self._report_running(pod)
        self._final_offsets[pod_id] = {OutputStream(s): n for s, n in pod.offsets.items()}
        del self._pods[pod_id]
        try:
            self.events.on_exited(pod_id, info)
        except Exception:
            log.exception("on_exited for pod %s raised", pod_id)
        if pod.done is not None and not pod.done.done():
            pod.done.set_result(info)

    def _report_running(self, pod: _Pod) -> None:
        if not pod.running_reported:
            pod.running_reported = True
            self.events.on_running(pod.request.pod_id, "RAY_RUNNING",
                                   f"Ray: RUNNING on node {pod.host}" if pod.host else "Ray: RUNNING")

    def _release(self, pod: _Pod) -> None:
        """Deliver what arrived while launch()/adopt() ran (scheduled right after it returns)."""
        held, pod.held = pod.held or [], None
        for i, msg in enumerate(held):
            if self._pods.get(pod.request.pod_id) is not pod:
                return
            if pod.held is not None:  # a gap started a re-read: the rest waits for it
                pod.held.extend(held[i:])
                return
            self._apply(pod, msg)

    # ------------------------------------------------------------------ launch / kill / adopt

    async def launch(self, request: LaunchRequest) -> PodHandle:
        """Hand the pod to the controller; returns once its placement group exists (the pod is
        STARTING until the agent on its node has started it)."""
        result = (await self.launch_many([request]))[0]
        if isinstance(result, Exception):
            raise result
        return result

    async def launch_many(self, requests: list[LaunchRequest]) -> list[PodHandle | Exception]:
        """Hand the pods to the controller in one request (one round trip for the batch, not
        one per pod); each result is the pod's handle or why the controller refused it."""
        await self.start()
        out: list[PodHandle | Exception | None] = [None] * len(requests)
        if not await self._wait_connected(0 if self._error else CONTROLLER_START_TIMEOUT):
            down = RayHeadUnreachable(self._error or _unreachable(self.address, "not connected yet"))
            return [down] * len(requests)
        sent: list[tuple[int, _Pod]] = []
        for i, request in enumerate(requests):
            if request.pod_id in self._pods:
                out[i] = RayLaunchError(f"pod {request.pod_id} is already running on this executor")
                continue
            pod = _Pod(request=request)
            pod.done = self._started_loop.create_future()
            self._pods[request.pod_id] = pod
            sent.append((i, pod))
        if sent:
            try:
                reply = await self._request("launch_many", requests=[_request_fields(p.request) for _, p in sent],
                                            default_cpu=self.default_cpu)
            except BaseException as exc:
                if not isinstance(exc, Exception):
                    # Cancelled (the engine stops): the request may have reached the controller, so
                    # the pods stay known here for kill_all (a kill of a pod it never got is a no-op).
                    raise
                for _, pod in sent:
                    self._pods.pop(pod.request.pod_id, None)
                for i, _ in sent:  # e.g. the connection dropped (RayHeadUnreachable): held back
                    out[i] = exc
                return cast("list[PodHandle | Exception]", out)
            results = reply.get("results")
            if not isinstance(results, list) or len(results) != len(sent):
                refused = reply.get("error") or "the Ray controller refused the pods"
                results = [{"ok": False, "error": refused}] * len(sent)
            for (i, pod), res in zip(sent, results, strict=True):
                out[i] = self._launched(pod, res)
        return cast("list[PodHandle | Exception]", out)

    def _launched(self, pod: _Pod, reply: dict[str, Any]) -> PodHandle | Exception:
        request = pod.request
        if not reply.get("ok"):
            self._pods.pop(request.pod_id, None)
            return RayLaunchError(reply.get("error") or "the Ray controller refused the pod")
        self.submitted_total += 1
        self._final_offsets.pop(request.pod_id, None)
        if reply.get("unschedulable"):
            pod.held = [{"ev": "starting", "pod": request.pod_id, "reason": "UNSCHEDULABLE",
                         "message": f"Ray: PENDING: {reply['unschedulable']}"}, *(pod.held or [])]
        self._started_loop.call_soon(self._release, pod)
        return PodHandle(pid=0, host="", node_id="", token=request.pod_id)

    async def kill(self, pod_id: str, grace_period: float, reason: str = "KILLED", message: str = "") -> None:
        """The agent sends SIGTERM to the pod's process group and SIGKILL after the grace; a pod
        not placed yet has its placement group removed. Idempotent."""
        pod = self._pods.get(pod_id)
        if pod is None:
            return
        if pod.kill is None:
            pod.kill = (float(grace_period), reason, message or "killed on request")
        await self._send_kill(pod)

    async def kill_all(self, grace_period: float = 0.0, timeout: float = 10.0) -> None:
        """Kill every pod handed to the controller (also those whose launch was cancelled) and
        wait, bounded, for their ends."""
        pods = list(self._pods.values())
        for pod in pods:
            await self.kill(pod.request.pod_id, grace_period, "KILLED", "the engine stopped")
        waits = [pod.done for pod in pods if pod.done is not None and not pod.done.done()]
        if waits:
            await asyncio.wait(waits, timeout=grace_period + timeout)

    async def _send_kill(self, pod: _Pod) -> None:
        assert pod.kill is not None
        grace, reason, message = pod.kill
        try:
            await self._request("kill", pod_id=pod.request.pod_id, grace=grace, reason=reason, message=message)
        except RayLaunchError as exc:
            log.warning("kill of %s not delivered yet (%s); sent again on reconnection", pod.request.pod_id, exc)

    async def adopt(self, request: LaunchRequest, handle: PodHandle, output_offsets: dict[OutputStream, int]) -> bool:
        """Watch a pod an earlier engine launched, resuming output at the stored offsets."""
        await self.start()
        if request.pod_id in self._pods:
            return True
        pod = _Pod(request=request, node_id=handle.node_id, host=handle.host,
                   offsets={int(s): max(0, int(n)) for s, n in output_offsets.items()})
        pod.offsets.setdefault(0, 0)
        pod.offsets.setdefault(1, 0)
        pod.running_reported = bool(handle.node_id)
        pod.done = self._started_loop.create_future()
        self._pods[request.pod_id] = pod
        self._final_offsets.pop(request.pod_id, None)
        if await self._wait_connected(10.0):
            try:
                found = await self._adopt_remote(pod)
            except RayLaunchError as exc:
                log.warning("cannot check pod %s while adopting it (%s); watching it anyway", request.pod_id, exc)
                found = True
            if not found:
                self._pods.pop(request.pod_id, None)
                return False
        self._started_loop.call_soon(self._release, pod)
        return True

    async def _adopt_remote(self, pod: _Pod) -> bool:
        """Ask the controller for the pod's state and its output after our offsets; what comes
        back, and every event for the pod meanwhile, is delivered in order afterwards (by the
        caller, through _release). False: the cluster does not know the pod."""
        if pod.held is None:
            pod.held = []
        res = await self._request("adopt", pod_id=pod.request.pod_id, node_id=pod.node_id,
                                  offsets={str(s): n for s, n in pod.offsets.items()},
                                  request=_request_fields(pod.request))
        state = res.get("state")
        msgs: list[dict[str, Any]] = []
        if state in ("running", "ended") and res.get("node_id") and res["node_id"] != pod.node_id:
            msgs.append({"ev": "placed", "pod": pod.request.pod_id, "node_id": res["node_id"], "host": res["host"]})
        msgs.extend(res.get("output") or [])
        if state == "running":
            msgs.append({"ev": "running", "pod": pod.request.pod_id, "message": f"Ray: RUNNING on node {res['host']}"})
        elif state == "ended":
            msgs.append(res["exit"])
        elif state == "placing" and res.get("unschedulable"):
            msgs.append({"ev": "starting", "pod": pod.request.pod_id, "reason": "UNSCHEDULABLE",
                         "message": res["unschedulable"]})
        elif state != "placing":
            return False
        pod.held = [*msgs, *(pod.held or [])]
        return True

    async def _resync_pod(self, pod: _Pod, holding: bool = False) -> None:
        """Events were missed (a reconnection, another engine's connection): re-read from the
        files. holding=True: the caller already holds the pod's events (pod.held)."""
        if not holding:
            if pod.held is not None:
                return  # a launch, adopt or resync is under way and delivers in order
            pod.held = []
        try:
            found = await self._adopt_remote(pod)
        except RayLaunchError:
            found = True  # the connection dropped: the next resync (or LOST) decides
        if not found:
            pod.held = [{"ev": "exited", "pod": pod.request.pod_id, "exit_code": None, "reason": "LOST",
                         "lost": True, "message": "the Ray cluster no longer knows the pod (its node or the head "
                                                  "was lost while the engine was not connected)"}, *(pod.held or [])]
        self._release(pod)

    async def find_launched(self, request: LaunchRequest) -> PodHandle | None:
        """A pod an earlier engine handed to the controller but never recorded."""
        await self.start()
        if not await self._wait_connected(10.0):
            return PodHandle(token=request.pod_id)  # adopt() watches it and the controller decides later
        try:
            res = await self._request("find", pod_id=request.pod_id)
        except RayLaunchError:
            return PodHandle(token=request.pod_id)
        if not res.get("found"):
            return None
        return PodHandle(pid=0, host=res.get("host", ""), node_id=res.get("node_id", ""), token=request.pod_id)

    def output_offsets(self, pod_id: str) -> dict[OutputStream, int]:
        """Bytes of each stream's spool file (on the pod's node) delivered so far."""
        pod = self._pods.get(pod_id)
        if pod is not None:
            return {OutputStream(s): n for s, n in pod.offsets.items()}
        return dict(self._final_offsets.get(pod_id, {}))

    def discard(self, pod_id: str) -> None:
        """The engine stored the pod's end: the agent may delete its spool files."""
        self._final_offsets.pop(pod_id, None)
        if self._writer is not None and self._loop is not None:
            if not self._to_forget:  # the pods discarded meanwhile go in the same request
                self._loop.call_soon(self._forget_batch)
            self._to_forget.append(pod_id)

    def _forget_batch(self) -> None:
        pod_ids, self._to_forget = self._to_forget, []
        if pod_ids and self._writer is not None:
            self._tasks.start(self._forget(pod_ids), name=f"ray-forget-{len(pod_ids)}")

    async def _forget(self, pod_ids: list[str]) -> None:
        with contextlib.suppress(RayLaunchError):
            await self._request("forget", pod_ids=pod_ids)

    def never_fits(self, cpu: float, memory_bytes: int, custom: dict[str, float]) -> str:
        """A cluster that does not grow (no --ray-autoscaling) whose alive nodes, as the controller
        last reported them, are all too small for the pod: why, naming the resource and the
        largest node. "" when connected to no controller yet (the pod is then accepted and shown
        UNSCHEDULABLE) or when the cluster may grow."""
        if self.autoscaling or self._writer is None or not self._nodes:
            return ""
        from pelorus.engine.executors.ray_controller import pod_bundle, unschedulable

        nodes = {i: {**n, "name": _label(i, n)} for i, n in self._nodes.items()}
        return unschedulable(pod_bundle(cpu, memory_bytes, custom, self.default_cpu), nodes, may_grow=False)

    # ------------------------------------------------------------------ health

    def describe(self) -> dict[str, str]:
        connected = self._writer is not None
        reachable = connected and self._dashboard_ok is not False
        alive = {k: n for k, n in self._nodes.items() if n.get("alive")}
        totals: dict[str, float] = {}
        for n in alive.values():
            for k, v in (n.get("resources") or {}).items():
                if k in ("CPU", "memory", "GPU") or not k.startswith(("object_store", "accelerator")):
                    totals[k] = totals.get(k, 0.0) + float(v)
        out = {
            "executor": self.name,
            "ray_address": self.address,
            "ray_reachable": "yes" if reachable else ("no" if self._error or self._down_since else "unknown"),
            "ray_controller": self._controller if connected else "",
            "ray_nodes_alive": str(len(alive)) if connected else "unknown",
            "ray_nodes_dead": str(len(self._nodes) - len(alive)) if connected else "unknown",
            "ray_nodes": json.dumps({_label(i, n): "ALIVE" if n.get("alive") else "DEAD"
                                     for i, n in self._nodes.items()}),
            "ray_resources": json.dumps({k: {"total": v} for k, v in sorted(totals.items())}),
            "running_pods": str(len(self._pods)),
            "submitted_total": str(self.submitted_total),
            "ray_dashboard_requests": str(self.requests_to_head),
        }
        if not reachable and self._error:
            out["ray_error"] = self._error
        elif not reachable:
            out["ray_error"] = _unreachable(self.address, "not connected yet")
        return out


@functools.cache
def _code_version() -> str:
    """The controller and agents run the engine's own code: a controller started by another
    version of it is never used (it keeps serving the engines of that version)."""
    here = pathlib.Path(__file__).parent
    digest = hashlib.sha1(usedforsecurity=False)
    for name in ("ray_controller.py", "ray_agent.py", "local.py", "base.py"):
        digest.update((here / name).read_bytes())
    return digest.hexdigest()[:12]


def _request_fields(request: LaunchRequest) -> dict[str, Any]:
    fields = dataclasses.asdict(request)
    fields["args"] = list(request.args)
    return fields


def _where(message: str, pod: _Pod) -> str:
    if pod.host and "Ray node" not in message and message.startswith("exited with code"):
        return f"{message} on Ray node {pod.host}"
    return message


def _label(node_id: str, node: dict[str, Any]) -> str:
    return f"{node.get('name') or 'ray-node'}/{'head' if node.get('head') else node_id[:8]}"


def _unreachable(address: str, exc: BaseException | str) -> str:
    return f"Ray head {address} unreachable: {_short(exc)}"


def _short(exc: BaseException | str) -> str:
    if isinstance(exc, str):
        return exc
    text = str(exc) or type(exc).__name__
    if isinstance(exc, urllib.error.URLError):
        text = str(exc.reason)
    return text.strip().split("\n", 1)[0][:500]


