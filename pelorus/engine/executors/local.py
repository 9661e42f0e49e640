"""The default executor: one local subprocess per pod.

Design choices, and why:

* Each pod runs in its own session (``start_new_session=True``), so its process group id
  equals the pid of the shim and a kill reaches everything the pod started.
* stdout/stderr go to files in the spool directory, never to pipes: a pipe dies with the
  engine (the pod would get SIGPIPE or block), a file does not. A restarted engine
  re-adopts the pod and resumes reading at the byte offsets the scheduler stored.
* The command runs under a tiny ``/bin/sh`` shim that writes the exit status to
  ``<pod_id>.exit`` even when no engine is watching; that is how an engine that was down
  while a pod finished still learns its exit code.
* No thread per child and no polling: exits are noticed through a pidfd registered with
  the event loop (it works for adopted pods too, which are not our children), and new
  output through one inotify watch on the spool directory (spoolwatch.py): an engine whose
  pods are quiet is not woken at all. Without inotify (or with PELORUS_OUTPUT_WATCH=poll,
  kept for comparison benchmarks) one periodic task reads every pod's files instead.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import functools
import logging
import os
import pathlib
import shutil
import signal
import socket
import subprocess
from dataclasses import dataclass, field
from typing import cast

import psutil

from pelorus.engine import threadprio
from pelorus.engine.executors.base import (
    Executor,
    ExecutorEvents,
    ExitInfo,
    LaunchRequest,
    OutputStream,
    PodHandle,
    UsageSample,
)
from pelorus.engine.executors.spoolwatch import SpoolWatch

log = logging.getLogger(__name__)

# Longer lines are split into pieces of at most this many bytes so one runaway line
# (a binary blob, a progress bar without newlines) cannot grow a buffer without bound.
LINE_CAP = 64 * 1024
# Bytes read per os.pread call, and the most read per stream per poll tick, so one chatty
# pod cannot monopolise the event loop; the rest is picked up on the next tick.
READ_CHUNK = 256 * 1024
READ_PER_TICK = 1024 * 1024
# How far a recorded start time may drift from the live one and still be the same
# process. /proc start times are wall-clock derived (boot time + ticks), so small clock
# adjustments shift them; re-using a pid within a second needs a full pid wrap-around.
START_TIME_TOLERANCE = 1.0
# After the first write event, wait this long before reading so a burst of writes (a pod
# printing many lines, many pods at once) is read in one pass, not one pass per write.
# Well inside the 100 ms the operator may wait for a log line.
OUTPUT_COALESCE = 0.01
# Where PELORUS_OUTPUT_WATCH=poll (or no inotify): the period of the polling reader.
POLL_INTERVAL = 0.05

# The shim, in order: remember and hide the exit-file path; point its own stderr at
# /dev/null (keeping the pod's stderr on fd 3) so dash's "Terminated" notice for a
# signalled command does not land in the pod's log; trap TERM/INT with a *command* (an
# ignored signal would be inherited by the pod's command, a trapped one is reset in the
# subshell) so the shim outlives SIGTERM and waits for the command; run the command via
# exec in a subshell (same single fork as a plain command); record its status.
# A plain redirect instead of write+mv saves a fork per pod; the file is only read after
# the shim has exited, and a half-written file (shim SIGKILLed mid-write) parses as
# "unknown".
_SHIM = (
    'f=$PELORUS_EXIT_FILE; unset PELORUS_EXIT_FILE; exec 3>&2 2>/dev/null; trap : TERM INT; '
    '(exec "$@" 2>&3 3>&-); rc=$?; echo $rc >"$f"; exit $rc'
)
_SHIM_NAME = "pelorus-shim"

# children() scans the whole process table; give up finding the pod's command after a few
# tries (it may not have been forked yet, or has ended) and report the shim alone.
_MAIN_LOOKUPS = 3

_STREAM_SUFFIX = {OutputStream.STDOUT: ".out", OutputStream.STDERR: ".err"}


class LocalLaunchError(RuntimeError):
    """A pod could not be started; the message names what to fix."""


# What the spawner thread hands back per started pod: the shim's Popen, start-time token, pidfd.
_Spawned = tuple[subprocess.Popen[bytes], str, int]
# A kill asked for while the pod was being spawned: grace period, reason, message.
_KillOrder = tuple[float, str, str]


@dataclass
class _Batch:
    """Pods handed to the spawner thread in one launch_many call."""

    requests: list[LaunchRequest]
    handed: asyncio.Future[list[PodHandle | Exception]]  # set by _spawned once all are tracked
    cancelled: bool = False  # launch_many was cancelled: kill what the spawner starts


@dataclass
class _StreamReader:
    """Tails one spool file. `delivered` counts bytes handed out as lines; `pending`
    holds bytes read past that (an unfinished line)."""

    fd: int
    delivered: int = 0
    pending: bytearray = field(default_factory=bytearray)

    @property
    def read_pos(self) -> int:
        return self.delivered + len(self.pending)


@dataclass
class _Pod:
    request: LaunchRequest
    pid: int
    pgid: int
    token: str
    pidfd: int  # -1 once the exit was seen (or for a pod that ended before adoption)
    streams: dict[OutputStream, _StreamReader]
    popen: subprocess.Popen[bytes] | None = None
    done: asyncio.Future[ExitInfo] | None = None
    kill_reason: str = ""
    kill_message: str = ""
    kill_grace: float = 0.0
    force_at: float | None = None
    force_handle: asyncio.TimerHandle | None = None
    forced: bool = False
    wait_status: int | None = None
    main_pid: int = 0  # the pod's command (the shim's child), once found
    main_lookups: int = 0


class LocalExecutor(Executor):
    """Runs pods as local processes; see the module docstring for the design."""

    name = "local"

    def __init__(self, events: ExecutorEvents, spool_dir: pathlib.Path, poll_interval: float = POLL_INTERVAL,
                 output_watch: str | None = None) -> None:
        """output_watch: "inotify" (the default; polling if inotify cannot be had) or
        "poll"; None reads PELORUS_OUTPUT_WATCH."""
        super().__init__(events)
        # Absolute, because the shim writes the exit file from the pod's working directory.
        self.spool_dir = pathlib.Path(spool_dir).absolute()
        self._spool_prefix = os.path.join(os.fspath(self.spool_dir), "")
        self.poll_interval = poll_interval
        self.output_watch = output_watch or os.environ.get("PELORUS_OUTPUT_WATCH", "inotify")
        self._spool_watch: SpoolWatch | None = None
        self._output_due: set[str] = set()  # pods to read at the next _read_due
        self._read_handle: asyncio.TimerHandle | None = None
        self.host = socket.gethostname()
        self._pods: dict[str, _Pod] = {}
        # Offsets of pods that ended, kept until discard() so the scheduler can store them.
        self._final_offsets: dict[str, dict[OutputStream, int]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._poll_task: asyncio.Task[None] | None = None
        # Pods handed to the spawner and not tracked yet, with a kill asked for meanwhile (or None);
        # the spawner's batches in flight (see launch_many).
        self._in_flight: dict[str, _KillOrder | None] = {}
        self._spawning: set[asyncio.Future[list[_Spawned | LocalLaunchError]]] = set()
        self._closed = False
        # One thread: launches stay in order, and fork/exec runs off the loop (see launch).
        # Named for the OS too: threadprio leaves it (and so the pods it starts) at the ordinary policy.
        self._spawner = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="pod-spawner",
                                                              initializer=threadprio.name_os_thread,
                                                              initargs=("pod-spawner",))

    @property
    def _started_loop(self) -> asyncio.AbstractEventLoop:
        """The loop start() ran on; everything that uses it runs after start()."""
        return cast(asyncio.AbstractEventLoop, self._loop)

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        """Create the spool directory and start watching it for output (idempotent)."""
        if self._spool_watch is not None or self._poll_task is not None:
            return
        try:
            self.spool_dir.mkdir(parents=True, exist_ok=True, mode=0o700)  # pods' output: private
        except OSError as exc:
            raise LocalLaunchError(f"cannot create spool directory {self.spool_dir}: {exc.strerror}") from exc
        self._loop = asyncio.get_running_loop()
        if self.output_watch != "poll":
            try:
                self._spool_watch = SpoolWatch(self.spool_dir)
            except OSError as exc:
                log.warning("cannot watch %s with inotify (%s); reading pods' output every %.0f ms instead",
                            self.spool_dir, exc, self.poll_interval * 1000)
        if self._spool_watch is not None:
            self._loop.add_reader(self._spool_watch.fd, self._on_spool_events)
        else:
            self._poll_task = self._loop.create_task(self._poll_loop(), name="local-executor-poll")

    @property
    def watching(self) -> str:
        """How output is noticed: "inotify" or "poll"."""
        return "inotify" if self._spool_watch is not None else "poll"

    async def close(self) -> None:
        """Stop watching; pods keep running and can be adopted by a later executor. A batch the
        spawner is still starting is waited for (bounded) while the loop runs: its pods are then
        tracked (and detached here like the others) or, if its launch was cancelled, killed."""
        await self._wait_spawning()
        self._closed = True
        if self._poll_task is not None:
            self._poll_task.cancel()
            try:
                await self._poll_task
            except asyncio.CancelledError:
                pass
            self._poll_task = None
        if self._spool_watch is not None:
            self._started_loop.remove_reader(self._spool_watch.fd)
            self._spool_watch.close()
            self._spool_watch = None
        if self._read_handle is not None:
            self._read_handle.cancel()
            self._read_handle = None
        self._output_due.clear()
        for pod in list(self._pods.values()):
            self._detach(pod)
            if pod.done is not None and not pod.done.done():
                pod.done.cancel()
        self._pods.clear()
        self._spawner.shutdown(wait=False)

    async def _wait_spawning(self, timeout: float = 30.0) -> None:
        """Until the spawner has handed back every batch in flight (each is then tracked or killed)."""
        if self._spawning:
            await asyncio.wait(list(self._spawning), timeout=timeout)
            await asyncio.sleep(0)  # the batches' _spawned callbacks run in the same pass as wait's

    async def kill_all(self, grace_period: float = 0.0, timeout: float = 10.0) -> None:
        """Kill every pod this executor watches or is starting, and wait (bounded) until each
        has been reported; for tests and an orderly shutdown that must not leave pods."""
        for pod_id in list(self._in_flight):
            await self.kill(pod_id, grace_period, "KILLED", "the engine stopped")
        await self._wait_spawning()
        pods = list(self._pods.values())
        for pod in pods:
            await self.kill(pod.request.pod_id, grace_period, "KILLED", "the engine stopped")
        waits = [pod.done for pod in pods if pod.done is not None]
        if waits:
            await asyncio.wait(waits, timeout=grace_period + timeout)

    def describe(self) -> dict[str, str]:
        return {
            "executor": self.name,
            "host": self.host,
            "spool_dir": str(self.spool_dir),
            "running_pods": str(len(self._pods)),
            "output_watch": self.watching,
        }

    # ------------------------------------------------------------------ launch

    async def launch(self, request: LaunchRequest) -> PodHandle:
        """Start the pod under the shim. Raises LocalLaunchError with a clear message
        (missing working directory, unusable spool) instead of launching a doomed pod."""
        result = (await self.launch_many([request]))[0]
        if isinstance(result, Exception):
            raise result
        return result

    async def launch_many(self, requests: list[LaunchRequest]) -> list[PodHandle | Exception]:
        """Start the pods in order, in one hand-off to the spawner thread (one wake-up of the
        loop for the batch rather than one per pod); a pod that cannot start gets its
        LocalLaunchError in its place.

        Every process the spawner starts is tracked (or, for a cancelled batch, killed) by the
        executor itself, on the loop, as soon as the spawner hands the batch back: not by this
        coroutine, which may be cancelled meanwhile (the engine stops). Until then the batch's
        pods are in flight: kill() on one of them is kept and delivered once it is tracked,
        and close() / kill_all() wait for the batches in flight."""
        await self.start()
        out: list[PodHandle | Exception | None] = [None] * len(requests)
        jobs: list[tuple[int, LaunchRequest, dict[str, pathlib.Path], dict[str, str], str | None]] = []
        batch_ids: set[str] = set()
        for i, request in enumerate(requests):
            try:
                if request.pod_id in self._pods or request.pod_id in self._in_flight or request.pod_id in batch_ids:
                    raise LocalLaunchError(f"pod {request.pod_id} is already running on this executor")
                cwd = self._check_working_dir(request.working_dir)
                paths = self._paths(request.pod_id)
                # A stale status must never be read for this run. On the loop, not in the spawner: each
                # system call there is one more hand-over of the GIL, which the loop waits for.
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(self._spool_base(request.pod_id) + ".exit")
                env = self._build_env(request, paths["exit"])
            except Exception as exc:  # noqa: BLE001 - this pod's failure, the others start
                out[i] = exc
                continue
            batch_ids.add(request.pod_id)
            jobs.append((i, request, paths, env, cwd))
        if not jobs:
            return cast("list[PodHandle | Exception]", out)
        loop = self._started_loop
        batch = _Batch(requests=[r for _, r, _, _, _ in jobs], handed=loop.create_future())
        for request in batch.requests:
            self._in_flight[request.pod_id] = None
        # fork/exec takes milliseconds (more on a busy host) and releases the GIL: in a worker
        # thread it no longer stalls every RPC on the loop while a burst of pods launches.
        try:
            spawning = loop.run_in_executor(self._spawner, self._spawn_many, [(r, p, e, c) for _, r, p, e, c in jobs])
        except RuntimeError:  # the spawner was shut down (closed): nothing started
            for request in batch.requests:
                self._in_flight.pop(request.pod_id, None)
            raise
        self._spawning.add(spawning)
        spawning.add_done_callback(functools.partial(self._spawned, batch))
        try:
            # Not shielded: _spawned's set_result wakes this task in the loop's next pass, before any
            # exit of the batch's pods can be noticed (their pidfds are polled only from then on), so
            # the caller records each pod as started before its on_exited, as with one launch at a time.
            handed = await batch.handed
        except asyncio.CancelledError:
            # The engine stops: what the spawner starts for this batch must not run unwatched.
            # (Already tracked when the batch was handed back just before the cancel: killed too.)
            batch.cancelled = True
            if batch.handed.done():  # handed back just before the cancel: tracked, but nobody has the handles
                for request in batch.requests:
                    pod = self._pods.get(request.pod_id)
                    if pod is not None and pod.popen is not None and pod.pidfd >= 0:
                        self._pods.pop(request.pod_id)
                        self._detach(pod, kill=True)
            raise
        for (i, _, _, _, _), res in zip(jobs, handed, strict=True):
            out[i] = res
        return cast("list[PodHandle | Exception]", out)

    def _spawned(self, batch: _Batch, spawning: asyncio.Future[list[_Spawned | LocalLaunchError]]) -> None:
        """On the loop, as soon as the spawner has started a batch: track each process (or
        kill it, if the batch's launch was cancelled), then deliver the kills asked for while
        the batch was in flight, and hand the handles to launch_many."""
        self._spawning.discard(spawning)
        kills = {r.pod_id: self._in_flight.pop(r.pod_id, None) for r in batch.requests}
        if spawning.cancelled():
            results: list[_Spawned | LocalLaunchError] = [LocalLaunchError("the launch was cancelled")] * len(
                batch.requests)
        elif spawning.exception() is not None:
            exc = spawning.exception()
            results = [LocalLaunchError(f"cannot start pods: {exc}")] * len(batch.requests)
        else:
            results = spawning.result()
        handed: list[PodHandle | Exception] = []
        for request, res in zip(batch.requests, results, strict=True):
            if isinstance(res, Exception):
                handed.append(res)
            elif batch.cancelled or self._closed:
                _end_unwatched(*res)
                handed.append(LocalLaunchError(f"pod {request.pod_id}: the launch was cancelled"))
            else:
                handed.append(self._watch_spawned(request, *res))
                order = kills[request.pod_id]
                pod = self._pods.get(request.pod_id)
                if order is not None and pod is not None:
                    self._kill_now(pod, *order)
        if not batch.handed.done():
            batch.handed.set_result(handed)

    def _watch_spawned(self, request: LaunchRequest, popen: subprocess.Popen[bytes], token: str,
                       pidfd: int) -> PodHandle | Exception:
        pid = popen.pid
        try:
            streams = self._open_streams(request.pod_id, {})
        except OSError as exc:  # e.g. out of file descriptors: do not leave an unwatched pod
            os.close(pidfd)
            os.killpg(pid, signal.SIGKILL)
            popen.wait()
            return LocalLaunchError(f"cannot watch pod {request.pod_id}: {exc}")
        self._final_offsets.pop(request.pod_id, None)
        pod = _Pod(request=request, pid=pid, pgid=pid, token=token, pidfd=pidfd, streams=streams, popen=popen)
        self._track(pod)
        return PodHandle(pid=pid, host=self.host, node_id="", token=token)

    @classmethod
    def _spawn_many(cls, jobs: list[tuple[LaunchRequest, dict[str, pathlib.Path], dict[str, str], str | None]]
                    ) -> list[_Spawned | LocalLaunchError]:
        out: list[_Spawned | LocalLaunchError] = []
        for job in jobs:
            try:
                out.append(cls._spawn(*job))
            except LocalLaunchError as exc:
                out.append(exc)
            except Exception as exc:  # noqa: BLE001 - one pod's failure; the batch's others are handed back
                out.append(LocalLaunchError(f"cannot start pod {job[0].pod_id}: {exc}"))
        return out

    @staticmethod
    def _spawn(request: LaunchRequest, paths: dict[str, pathlib.Path], env: dict[str, str],
               cwd: str | None) -> tuple[subprocess.Popen[bytes], str, int]:
        """Start the shim (in the spawner thread): its Popen, start-time token and pidfd."""
        out_fd = err_fd = -1
        try:
            out_fd = os.open(paths["out"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_APPEND | os.O_CLOEXEC, 0o600)
            err_fd = os.open(paths["err"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_APPEND | os.O_CLOEXEC, 0o600)
            popen = subprocess.Popen(
                ["/bin/sh", "-c", _SHIM, _SHIM_NAME, request.command, *request.args],
                stdin=subprocess.DEVNULL,
                stdout=out_fd,
                stderr=err_fd,
                env=env,
                cwd=cwd,
                start_new_session=True,
                close_fds=True,
            )
        except OSError as exc:
            raise LocalLaunchError(f"cannot start pod {request.pod_id}: {exc}") from exc
        finally:
            for fd in (out_fd, err_fd):
                if fd >= 0:
                    os.close(fd)
        pid = popen.pid
        # The child is not reaped until we waitpid it, so /proc/<pid> stays valid here even
        # if it already exited (zombie) and the pid cannot be reused under us.
        token = _start_time_token(pid)
        try:
            pidfd = os.pidfd_open(pid)
        except OSError as exc:
            os.killpg(pid, signal.SIGKILL)
            popen.wait()
            raise LocalLaunchError(f"cannot watch pod {request.pod_id}: {exc}") from exc
        return popen, token, pidfd

    def _check_working_dir(self, working_dir: str) -> str | None:
        """Fail the launch (not the pod) for a missing directory: the operator gets the
        reason at once instead of an opaque exit code."""
        if not working_dir:
            return None
        if not os.path.isdir(working_dir):
            raise LocalLaunchError(f"working directory does not exist or is not a directory: {working_dir}")
        return working_dir

    def _build_env(self, request: LaunchRequest, exit_file: pathlib.Path) -> dict[str, str]:
        env = dict(os.environ)
        env.update(request.env)
        env.update(
            PELORUS_POD_ID=request.pod_id,
            PELORUS_POD_NAME=request.pod_name,
            PELORUS_JOB_ID=request.job_id,
            PELORUS_INSTANCE_ID=str(request.instance_id),
            PELORUS_EXIT_FILE=str(exit_file),
        )
        return env

    # ------------------------------------------------------------------ adopt

    async def adopt(self, request: LaunchRequest, handle: PodHandle, output_offsets: dict[OutputStream, int]) -> bool:
        """Re-attach to a pod started by an earlier engine (see base.Executor.adopt).
        on_exited for a pod that already ended is delivered after this returns."""
        await self.start()
        if request.pod_id in self._pods:
            return True
        paths = self._paths(request.pod_id)
        if handle.pid > 0 and (not handle.host or handle.host == self.host):
            pidfd = self._open_verified_pidfd(handle)
            if pidfd is not None:
                try:
                    streams = self._open_streams(request.pod_id, output_offsets)
                except OSError:
                    os.close(pidfd)
                    raise
                pod = _Pod(request=request, pid=handle.pid, pgid=handle.pid, token=handle.token, pidfd=pidfd,
                           streams=streams)
                self._track(pod)
                return True
        if _read_exit_file(paths["exit"]) is None:
            return False
        # Ended while nobody watched but left its status: report it like a normal exit.
        try:
            streams = self._open_streams(request.pod_id, output_offsets)
        except OSError as exc:
            log.warning("cannot read the output of ended pod %s: %s", request.pod_id, exc)
            streams = {}
        pod = _Pod(request=request, pid=handle.pid, pgid=0, token=handle.token, pidfd=-1, streams=streams)
        pod.done = self._started_loop.create_future()
        self._pods[request.pod_id] = pod
        self._started_loop.call_soon(self._finish, pod)
        return True

    async def find_launched(self, request: LaunchRequest) -> PodHandle | None:
        """The shim of a pod an earlier engine started but never recorded, found by the pod id
        and exit file in its environment (it leads its own process group); or, if it already
        ended, its exit file (adopt() reports that exit)."""
        paths = self._paths(request.pod_id)
        exit_file = str(paths["exit"])
        for proc in psutil.process_iter(["pid", "environ"]):
            env = proc.info.get("environ") or {}
            if env.get("PELORUS_POD_ID") != request.pod_id or env.get("PELORUS_EXIT_FILE") != exit_file:
                continue
            try:
                if os.getpgid(proc.pid) != proc.pid:
                    continue  # a child of the shim, not the shim
            except ProcessLookupError:
                continue
            return PodHandle(pid=proc.pid, host=self.host, node_id="", token=_start_time_token(proc.pid))
        if _read_exit_file(paths["exit"]) is not None:
            return PodHandle(pid=0, host=self.host, node_id="", token="")
        return None

    def _open_verified_pidfd(self, handle: PodHandle) -> int | None:
        """A pidfd on handle.pid if that pid is still the process we started.

        The pidfd is opened *before* the start time is checked: once open it refers to one
        specific process, so a pid recycled after the check cannot slip in."""
        try:
            pidfd = os.pidfd_open(handle.pid)
        except (ProcessLookupError, PermissionError):
            return None
        try:
            recorded = float(handle.token)
            live = psutil.Process(handle.pid).create_time()
            if abs(live - recorded) > START_TIME_TOLERANCE:
                raise ValueError("start time differs: the pid was reused")
            if os.getpgid(handle.pid) != handle.pid:
                raise ValueError("not a pod's process group leader")
        except (ValueError, psutil.Error, ProcessLookupError) as exc:
            log.info("not adopting pid %s: %s", handle.pid, exc)
            os.close(pidfd)
            return None
        return pidfd

    # ------------------------------------------------------------------ kill

    async def kill(self, pod_id: str, grace_period: float, reason: str = "KILLED", message: str = "") -> None:
        """SIGTERM the pod's process group now and SIGKILL it after grace_period if the pod
        has not ended. The reason/message let the scheduler say why (e.g.
        DEADLINE_EXCEEDED); a second call can only bring the SIGKILL forward. A pod its batch
        is still spawning is killed as soon as it is tracked. Killing a pod that is not running
        here is a no-op: its on_exited is already out or on the way."""
        pod = self._pods.get(pod_id)
        if pod is None and pod_id in self._in_flight:
            # Being spawned in a batch: delivered as soon as the spawner hands it back (_spawned).
            order = self._in_flight[pod_id]
            if order is None or grace_period < order[0]:
                self._in_flight[pod_id] = (max(0.0, grace_period), order[1] if order else reason,
                                           order[2] if order else message)
            return
        if pod is None or pod.pidfd < 0:
            return
        self._kill_now(pod, grace_period, reason, message)

    def _kill_now(self, pod: _Pod, grace_period: float, reason: str, message: str) -> None:
        if pod.pidfd < 0:
            return
        if not pod.kill_reason:
            pod.kill_reason = reason
            pod.kill_message = message or "killed on request"
        loop = self._started_loop
        force_at = loop.time() + max(0.0, grace_period)
        if pod.force_at is not None and pod.force_at <= force_at:
            return
        pod.kill_grace = max(0.0, grace_period)
        pod.force_at = force_at
        if pod.force_handle is not None:
            pod.force_handle.cancel()
        if grace_period <= 0:
            self._force_kill(pod)
            return
        self._signal_group(pod, signal.SIGTERM)
        pod.force_handle = loop.call_at(force_at, self._force_kill, pod)

    def _force_kill(self, pod: _Pod) -> None:
        pod.force_handle = None
        if self._pods.get(pod.request.pod_id) is not pod or pod.pidfd < 0:
            return  # already ended; _finish cleaned up the group
        pod.forced = True
        self._signal_group(pod, signal.SIGKILL)

    def _signal_group(self, pod: _Pod, sig: signal.Signals) -> None:
        """Signal the pod's whole process group. For our own children the shim is not
        reaped before we are done signalling, so the group id cannot have been recycled."""
        if pod.pgid <= 0:
            return
        try:
            os.killpg(pod.pgid, sig)
        except ProcessLookupError:
            pass
        except PermissionError as exc:
            log.warning("cannot signal process group %s of pod %s: %s", pod.pgid, pod.request.pod_id, exc)

    # ------------------------------------------------------------------ output

    def output_offsets(self, pod_id: str) -> dict[OutputStream, int]:
        """Bytes delivered so far per stream. Updated *before* on_output is called, so
        inside the callback the offsets already include the lines being delivered."""
        pod = self._pods.get(pod_id)
        if pod is not None:
            return {stream: reader.delivered for stream, reader in pod.streams.items()}
        return dict(self._final_offsets.get(pod_id, {}))

    def discard(self, pod_id: str) -> None:
        """Delete an ended pod's spool files once the scheduler has stored its output."""
        if pod_id in self._pods:
            raise RuntimeError(f"pod {pod_id} is still running; kill it before discarding its output")
        base = self._spool_base(pod_id)
        for suffix in (".out", ".err", ".exit"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(base + suffix)
        self._final_offsets.pop(pod_id, None)

    def _on_spool_events(self) -> None:
        """The spool directory's inotify descriptor is readable: note which pods wrote,
        and read them after OUTPUT_COALESCE."""
        assert self._spool_watch is not None
        try:
            changes = self._spool_watch.read()
        except OSError:
            log.exception("reading inotify events of %s failed; reading every pod", self.spool_dir)
            changes = None
        if changes is None or changes.overflow:
            self._output_due.update(self._pods)
        else:
            self._output_due.update(changes.pod_ids)
        self._schedule_read()

    def _schedule_read(self, delay: float = OUTPUT_COALESCE) -> None:
        if self._read_handle is None and self._output_due:
            self._read_handle = self._started_loop.call_later(delay, self._read_due)

    def _read_due(self) -> None:
        """Read the pods that wrote. A pod left with unread bytes (its per-pass budget
        spent) is read again next pass: no further write event may come for them."""
        self._read_handle = None
        due, self._output_due = self._output_due, set()
        for pod_id in due:
            pod = self._pods.get(pod_id)
            if pod is None or pod.pidfd < 0:
                continue  # not ours, or finishing (_finish does the last read)
            try:
                if self._pump(pod, final=False):
                    self._output_due.add(pod_id)
            except Exception:  # one broken pod must not stop output for the others
                log.exception("reading output of pod %s failed", pod.request.pod_id)
        self._schedule_read(0.0)

    async def _poll_loop(self) -> None:
        while True:
            await asyncio.sleep(self.poll_interval)
            for pod in list(self._pods.values()):
                if pod.pidfd < 0:
                    continue  # finishing; _finish does the last read
                try:
                    self._pump(pod, final=False)
                except Exception:  # one broken pod must not stop output for the others
                    log.exception("reading output of pod %s failed", pod.request.pod_id)

    def _pump(self, pod: _Pod, final: bool) -> bool:
        """Read new bytes of both streams and deliver the complete lines. With final=True,
        read to the end and deliver a trailing unfinished line as well. True when a
        stream stopped at its budget with bytes possibly left to read."""
        more = False
        for stream, reader in pod.streams.items():
            budget = None if final else READ_PER_TICK
            while True:
                got = _read_more(reader, budget)
                lines = _take_lines(reader, final=final and got == 0)
                if lines:
                    self._deliver(pod.request.pod_id, stream, lines)
                if got == 0:
                    break
                if budget is not None:
                    budget -= got
                    if budget <= 0:
                        more = True
                        break  # the rest next tick
        return more

    def _deliver(self, pod_id: str, stream: OutputStream, lines: list[str]) -> None:
        try:
            self.events.on_output(pod_id, stream, lines)
        except Exception:
            log.exception("on_output for pod %s raised", pod_id)

    # ------------------------------------------------------------------ exit

    def _track(self, pod: _Pod) -> None:
        pod.done = self._started_loop.create_future()
        self._pods[pod.request.pod_id] = pod
        self._started_loop.add_reader(pod.pidfd, self._on_pidfd_ready, pod)
        if self._spool_watch is not None:
            # Adopted: what it wrote while no engine watched raised no event we could see. Launched:
            # it starts in the spawner thread before it is tracked here (a batch's first pod writes
            # while the next ones spawn), and the write events of an untracked pod are dropped.
            self._output_due.add(pod.request.pod_id)
            self._schedule_read()

    def _on_pidfd_ready(self, pod: _Pod) -> None:
        """The shim has exited: clean up the group, read the rest, report once."""
        self._started_loop.remove_reader(pod.pidfd)
        os.close(pod.pidfd)
        pod.pidfd = -1
        # Take down anything the pod left behind (a container's processes die with it)
        # *before* reaping the shim, while its pid still pins the group id.
        self._signal_group(pod, signal.SIGKILL)
        pod.wait_status = self._reap(pod)
        self._finish(pod)

    def _reap(self, pod: _Pod) -> int | None:
        """waitpid status of the shim when it is our child (also when an adopted pod
        happens to be, e.g. re-adopted within one process); None otherwise."""
        try:
            got_pid, status = os.waitpid(pod.pid, os.WNOHANG)
        except ChildProcessError:
            return None
        if got_pid == 0:
            return None
        if pod.popen is not None:
            pod.popen.returncode = os.waitstatus_to_exitcode(status)
        return status

    def _finish(self, pod: _Pod) -> None:
        if self._pods.get(pod.request.pod_id) is not pod:
            return  # detached by close() before a scheduled finish ran
        if pod.force_handle is not None:
            pod.force_handle.cancel()
            pod.force_handle = None
        try:
            self._pump(pod, final=True)
        except Exception:
            log.exception("final read of pod %s failed", pod.request.pod_id)
        self._final_offsets[pod.request.pod_id] = {s: r.delivered for s, r in pod.streams.items()}
        info = self._exit_info(pod, pod.wait_status)
        self._pods.pop(pod.request.pod_id, None)
        self._close_streams(pod)
        try:
            self.events.on_exited(pod.request.pod_id, info)
        except Exception:
            log.exception("on_exited for pod %s raised", pod.request.pod_id)
        if pod.done is not None and not pod.done.done():
            pod.done.set_result(info)

    def _exit_info(self, pod: _Pod, wait_status: int | None) -> ExitInfo:
        """Turn what we know (exit file first, then the waitpid status) into an ExitInfo."""
        code = _read_exit_file(self._spool_base(pod.request.pod_id) + ".exit")
        killer: str | None = None
        if code is None and wait_status is not None:
            if os.WIFEXITED(wait_status):
                code = os.WEXITSTATUS(wait_status)
            elif os.WIFSIGNALED(wait_status):
                killer = _signal_name(os.WTERMSIG(wait_status))
        if pod.kill_reason:
            if pod.forced:
                how = f"SIGKILL after {pod.kill_grace:.1f} s grace" if pod.kill_grace > 0 else "SIGKILL"
            else:
                how = "SIGTERM"
            return ExitInfo(code, pod.kill_reason, f"{pod.kill_message} ({how})")
        if code is None:
            if killer is not None:
                return ExitInfo(None, "FAILED", f"killed by signal {killer}")
            return ExitInfo(
                None, "LOST", "the process ended while no engine watched it and left no exit status", lost=True
            )
        if code == 0:
            return ExitInfo(0, "SUCCEEDED", "exited with code 0")
        return ExitInfo(code, "FAILED", self._failure_message(pod.request, code))

    def _failure_message(self, request: LaunchRequest, code: int) -> str:
        if code == 127 and not _command_exists(request):
            return f"command not found: {request.command}"
        if code == 126 and not _command_exists(request):
            return f"command cannot be executed (not executable or a directory): {request.command}"
        if code > 128 and (name := _signal_name(code - 128)) is not None:
            return f"exited with code {code} (terminated by {name})"
        return f"exited with code {code}"

    # ------------------------------------------------------------------ usage

    def usage(self, pod_id: str) -> UsageSample | None:
        """CPU of the pod's command (with its reaped children) and its RSS, or the shim's
        (whose children_* count the command once it ended) when the command is not found.
        One read of /proc/<pid>/stat per sample: with 1,000 pods, psutil's four calls per
        pod were most of an idle engine's CPU."""
        pod = self._pods.get(pod_id)
        if pod is None or pod.pidfd < 0:
            return None
        if pod.main_pid == 0 and pod.main_lookups < _MAIN_LOOKUPS:
            pod.main_lookups += 1
            pod.main_pid = _first_child(pod.pid)
        if pod.main_pid:
            stat = _proc_stat(pod.main_pid)
            if stat is not None and stat.ppid == pod.pid:
                return UsageSample(cpu_seconds=stat.cpu_seconds, memory_rss_bytes=stat.rss_bytes)
            pod.main_pid = 0  # the command ended; the shim's children_* now count it
            pod.main_lookups = _MAIN_LOOKUPS
        stat = _proc_stat(pod.pid)
        if stat is None:
            return None
        return UsageSample(cpu_seconds=stat.cpu_seconds, memory_rss_bytes=stat.rss_bytes)

    # ------------------------------------------------------------------ helpers

    def _spool_base(self, pod_id: str) -> str:
        """The path of the pod's spool files without their suffix (a plain string: hot paths)."""
        if not pod_id or "/" in pod_id or pod_id in (".", ".."):
            raise LocalLaunchError(f"pod id {pod_id!r} cannot name a spool file")
        return self._spool_prefix + pod_id

    def _paths(self, pod_id: str) -> dict[str, pathlib.Path]:
        if not pod_id or "/" in pod_id or pod_id in (".", ".."):
            raise LocalLaunchError(f"pod id {pod_id!r} cannot name a spool file")
        base = self.spool_dir / pod_id
        return {"out": base.with_name(pod_id + ".out"), "err": base.with_name(pod_id + ".err"),
                "exit": base.with_name(pod_id + ".exit")}

    def _open_streams(self, pod_id: str, offsets: dict[OutputStream, int]) -> dict[OutputStream, _StreamReader]:
        """Readers for the pod's spool files. A missing file (deleted by hand) only costs
        that stream's output; the pod is still watched and its exit still reported."""
        base = self._spool_base(pod_id)
        streams: dict[OutputStream, _StreamReader] = {}
        try:
            for stream, suffix in _STREAM_SUFFIX.items():
                try:
                    fd = os.open(base + suffix, os.O_RDONLY | os.O_CLOEXEC)
                except FileNotFoundError:
                    log.warning("spool file %s of pod %s is missing; its output is lost", suffix, pod_id)
                    continue
                streams[stream] = _StreamReader(fd=fd, delivered=max(0, int(offsets.get(stream, 0))))
        except OSError:
            for reader in streams.values():
                os.close(reader.fd)
            raise
        return streams

    def _close_streams(self, pod: _Pod) -> None:
        for reader in pod.streams.values():
            try:
                os.close(reader.fd)
            except OSError:
                pass
        pod.streams = {}

    def _detach(self, pod: _Pod, kill: bool = False) -> None:
        """Stop watching a pod without touching the process (close(), engine restart); or, with
        `kill`, SIGKILL its group and reap it first (a launch cancelled: nothing will report it)."""
        if kill:
            self._signal_group(pod, signal.SIGKILL)
            if pod.popen is not None:
                pod.popen.wait()
        if pod.done is not None and not pod.done.done():
            pod.done.cancel()
        if pod.pidfd >= 0:
            self._started_loop.remove_reader(pod.pidfd)
            os.close(pod.pidfd)
            pod.pidfd = -1
        if pod.force_handle is not None:
            pod.force_handle.cancel()
        self._close_streams(pod)
        if pod.popen is not None:
            # Otherwise Popen.__del__ would queue the still-running child in subprocess's
            # private reaper list, and the next Popen() in this process would reap it and
            # swallow the status an adopting executor may still want.
            pod.popen.returncode = 0
            pod.popen = None


def _read_more(reader: _StreamReader, budget: int | None) -> int:
    """Append newly written bytes to reader.pending; returns how many were read."""
    size = READ_CHUNK if budget is None else min(READ_CHUNK, budget)
    data = os.pread(reader.fd, size, reader.read_pos)
    reader.pending += data
    return len(data)


def _take_lines(reader: _StreamReader, final: bool) -> list[str]:
    """Split complete lines off reader.pending and advance reader.delivered past them.
    Lines over LINE_CAP bytes are cut (at a UTF-8 character boundary) into pieces; with
    final=True an unfinished last line is delivered too."""
    buf = reader.pending
    if not buf:
        return []
    pieces: list[bytes] = []
    pos = 0
    last_nl = buf.rfind(b"\n")
    if last_nl >= 0:
        pieces = bytes(buf[:last_nl]).split(b"\n")
        if max(map(len, pieces)) > LINE_CAP:
            pieces = [piece for line in pieces for piece in _cut(line)]
        pos = last_nl + 1
    while len(buf) - pos > LINE_CAP:  # an unfinished line already too long: emit a piece
        end = _piece_end(buf, pos)
        pieces.append(bytes(buf[pos:end]))
        pos = end
    if final and pos < len(buf):
        pieces.append(bytes(buf[pos:]))
        pos = len(buf)
    del buf[:pos]
    reader.delivered += pos
    return [piece.decode("utf-8", "replace") for piece in pieces]


def _piece_end(data: bytes | bytearray, start: int) -> int:
    """End of a LINE_CAP piece starting at `start`, moved back off UTF-8 continuation
    bytes so a character is not split across two lines."""
    end = start + LINE_CAP
    back = end
    while back > end - 3 and (data[back] & 0xC0) == 0x80:
        back -= 1
    return back if back > start else end


def _cut(line: bytes) -> list[bytes]:
    """Split a line into pieces of at most LINE_CAP bytes."""
    out: list[bytes] = []
    pos = 0
    while len(line) - pos > LINE_CAP:
        end = _piece_end(line, pos)
        out.append(line[pos:end])
        pos = end
    out.append(line[pos:])
    return out


def _start_time_token(pid: int) -> str:
    """The process's start time as psutil's create_time() gives it (tokens stored by
    earlier engines compare equal), from one /proc read instead of psutil's three: this
    runs for every pod launched, on the spawner thread that shares the GIL with the loop."""
    stat = _proc_stat(pid)
    if stat is None:
        return ""
    return repr(_boot_time() + stat.start_ticks / _CLK_TCK)


@functools.cache
def _boot_time() -> float:
    with open("/proc/stat", "rb") as f:
        for line in f:
            if line.startswith(b"btime"):
                return float(line.split()[1])
    return psutil.boot_time()


def _read_exit_file(path: str | pathlib.Path) -> int | None:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        return int(os.read(fd, 64).strip())
    except (OSError, ValueError):
        return None
    finally:
        os.close(fd)


def _command_exists(request: LaunchRequest) -> bool:
    """Whether the shell could have found the command (to tell 'not found' from a
    command that itself exited 127)."""
    command = request.command
    if "/" in command:
        if not os.path.isabs(command) and request.working_dir:
            command = os.path.join(request.working_dir, command)
        return os.path.isfile(command) and os.access(command, os.X_OK)
    path = request.env.get("PATH", os.environ.get("PATH", os.defpath))
    return shutil.which(command, path=path) is not None


def _signal_name(signum: int) -> str | None:
    try:
        return signal.Signals(signum).name
    except ValueError:
        return None


_CLK_TCK = os.sysconf("SC_CLK_TCK")
_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


@dataclass(frozen=True)
class _ProcStat:
    ppid: int
    cpu_seconds: float  # user + system, with reaped children
    rss_bytes: int
    start_ticks: int  # clock ticks after boot


def _proc_stat(pid: int) -> _ProcStat | None:
    """The fields of /proc/<pid>/stat we sample (proc(5)); None when the process is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            data = f.read()
    except OSError:
        return None
    # The command name (field 2) may hold spaces and parentheses: split after its last ')'.
    fields = data[data.rfind(b")") + 2:].split()
    try:
        ticks = int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])
        return _ProcStat(ppid=int(fields[1]), cpu_seconds=ticks / _CLK_TCK, rss_bytes=int(fields[21]) * _PAGE_SIZE,
                         start_ticks=int(fields[19]))
    except (IndexError, ValueError):
        return None


def _first_child(pid: int) -> int:
    """The shim's child (the pod's command), or 0. /proc/<pid>/task/<pid>/children names it
    in one read; psutil's children() scans the whole process table instead, which on a busy
    host costs milliseconds per pod and, for hundreds of pods every usage sample, blocked the
    engine's loop for seconds (GetJob p50 of 200+ ms under load)."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children", "rb") as f:
            pids = [int(x) for x in f.read().split()]
    except (OSError, ValueError):
        try:  # kernels without CONFIG_PROC_CHILDREN
            children = psutil.Process(pid).children()
        except psutil.Error:
            return 0
        return children[0].pid if children else 0
    return pids[0] if pids else 0


def _end_unwatched(popen: subprocess.Popen[bytes], _token: str, pidfd: int) -> None:
    """A pod started for a launch that was cancelled (the engine stops): end it, unreported."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(popen.pid, signal.SIGKILL)
    os.close(pidfd)
    popen.wait()
