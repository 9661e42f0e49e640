"""The per-node pod agent of the Ray executor: one long-lived Ray actor per node (as a kubelet
is one daemon per node) that runs that node's pods as local process groups.

Why an agent and not one Ray job (or task) per pod: a Ray job starts a supervisor actor and a
driver process per pod (~1.5 pods/s, ~60 MB PSS each); a pod here is the local executor's
`/bin/sh` shim and the command, started by a process that already runs. The agent *is* a
LocalExecutor on the node: spool files, the exit file the shim writes, SIGTERM then SIGKILL to
the process group, pidfd exit detection, byte offsets for exact re-reading. Ray still does the
accounting and placement: the controller reserves each pod's resources with a placement group
and only then asks the agent on the node Ray chose.

The agent keeps an event log (output lines with their byte offsets, exits) that the controller
long-polls (`poll`), so output reaches the controller within one poll tick; `adopt` re-reads
a pod's spool files from given offsets (after an engine or controller restart the missed lines
come from the files, not from memory).

Pods die with their agent: a tiny watchdog process holds the read end of a pipe whose write end
only the agent holds; when the agent dies (its node or the head went away, or Ray killed it),
the watchdog kills every pod process group the agent started, so no pod runs on unaccounted.

The head gone: Ray ends a worker node's processes only when its raylet gives up on the GCS
(about a minute without GCS fault tolerance), while the engine reports the pods LOST within
seconds; so the agent checks the GCS's port every second and, unreachable for HEAD_LOST_AFTER,
kills its pods and exits. With GCS fault tolerance a head restart slower than that still costs
the pods (the engine has given them up by then anyway).
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import deque
from pathlib import Path
from typing import Any

from pelorus.engine.executors.base import ExitInfo, LaunchRequest, OutputStream, PodHandle
from pelorus.engine.executors.local import LocalExecutor, _StreamReader, _take_lines

log = logging.getLogger(__name__)

# Events kept for pollers that fall behind (a poller further behind resyncs through adopt).
EVENT_LOG = 20000
# Ended pods' exits are kept this long for an engine that was down when they ended.
ENDED_TTL = 24 * 3600.0
# The head's GCS unreachable this long: the pods are ended and the agent exits (see above).
HEAD_LOST_AFTER = 5.0

# Detaches (Ray kills a dead worker's direct children, this one must outlive the agent), then
# reads the pipe until EOF (the agent died), collecting the pods' process group ids the agent
# writes into it; then SIGKILLs those groups and the group of every process that carries this
# agent's marker in its environment (a pod's shim may already be dead, its group alive).
_WATCHDOG = r"""
import os, signal, sys
if os.fork():
    os._exit(0)
os.setsid()
marker = ("PELORUS_AGENT=" + sys.argv[1]).encode() + b"\0"
groups, data = set(), b""
try:
    while chunk := os.read(0, 4096):
        data += chunk
        *lines, data = data.split(b"\n")
        groups.update(int(x) for x in lines if x.strip().isdigit())
except OSError:
    pass
for name in os.listdir("/proc"):
    if name.isdigit():
        try:
            with open(f"/proc/{name}/environ", "rb") as f:
                if marker in f.read():
                    groups.add(os.getpgid(int(name)))
        except OSError:
            pass
for pgid in groups:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except OSError:
        pass
"""


def _session_dir() -> Path:
    """The node's Ray session directory (Ray's own temp files; it goes with the cluster's temp
    dir), or the system temp dir when it cannot be found."""
    try:
        import ray

        node: Any = ray._private.worker._global_node  # no public accessor for the session dir
        return Path(node.get_session_dir_path())
    except Exception:  # noqa: BLE001
        return Path(tempfile.gettempdir())


class PodAgent:
    """The actor's class (the controller wraps it with ray.remote); every method runs on the
    actor's event loop."""

    def __init__(self, node_id: str) -> None:
        self.node_id = node_id
        self.marker = uuid.uuid4().hex
        self.spool = _session_dir() / f"pelorus-agent-{node_id[:16]}"
        self.local = LocalExecutor(self, self.spool, poll_interval=0.02)
        self._events: deque[tuple[int, dict[str, Any]]] = deque(maxlen=EVENT_LOG)
        self._seq = 0
        self._changed: asyncio.Event | None = None
        self._offsets: dict[str, dict[int, int]] = {}
        self._ended: dict[str, tuple[float, dict[str, Any]]] = {}
        self._pids: dict[str, int] = {}
        self._watchdog_fd = self._start_watchdog()
        self._head_watch: asyncio.Task[None] | None = None

    def _start_watchdog(self) -> int:
        r, w = os.pipe()
        first = subprocess.Popen([sys.executable, "-S", "-c", _WATCHDOG, self.marker], stdin=r,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, close_fds=True)
        first.wait(10)  # it forks the watchdog and exits
        os.close(r)
        return w

    async def _ready(self) -> asyncio.Event:
        if self._changed is None:
            self._changed = asyncio.Event()
            await self.local.start()
            self._head_watch = asyncio.ensure_future(self._watch_head())
        return self._changed

    async def _watch_head(self) -> None:
        try:
            import ray

            host, port = ray.get_runtime_context().gcs_address.rsplit(":", 1)
        except Exception as exc:  # noqa: BLE001 - not under Ray (tests): nothing to watch
            log.info("not watching the head: %s", exc)
            return
        down_since: float | None = None
        while True:
            await asyncio.sleep(1.0)
            try:
                _, writer = await asyncio.wait_for(asyncio.open_connection(host, int(port)), 2.0)
                writer.close()
                down_since = None
                continue
            except (OSError, TimeoutError):
                now = time.monotonic()
                down_since = down_since or now
                if now - down_since < HEAD_LOST_AFTER:
                    continue
            log.error("the Ray head (GCS %s:%s) has been unreachable for %.0f s: ending this node's %d pod(s) "
                      "and exiting", host, port, HEAD_LOST_AFTER, len(self._pids))
            for pgid in self._pids.values():
                try:
                    os.killpg(pgid, signal.SIGKILL)
                except OSError:
                    pass
            os._exit(3)  # the watchdog ends whatever is left

    # ------------------------------------------------------------ ExecutorEvents of the LocalExecutor

    def _emit(self, event: dict[str, Any]) -> None:
        self._seq += 1
        self._events.append((self._seq, event))
        if self._changed is not None:
            self._changed.set()

    def on_output(self, pod_id: str, stream: OutputStream, lines: list[str]) -> None:
        offsets = self._offsets.setdefault(pod_id, {})
        start = offsets.get(int(stream), 0)
        end = self.local.output_offsets(pod_id).get(stream, start)
        offsets[int(stream)] = end
        self._emit({"ev": "output", "pod": pod_id, "stream": int(stream), "start": start, "end": end,
                    "lines": lines})

    def on_exited(self, pod_id: str, info: ExitInfo) -> None:
        final = self.local.output_offsets(pod_id)
        event = {"ev": "exited", "pod": pod_id, "exit_code": info.exit_code, "reason": info.reason,
                 "message": info.message, "lost": info.lost,
                 "offsets": {int(s): n for s, n in final.items()}}
        self._ended[pod_id] = (time.monotonic(), event)
        self._offsets.pop(pod_id, None)
        self._pids.pop(pod_id, None)
        self._emit(event)

    def on_placed(self, pod_id: str, handle: PodHandle) -> None:
        """Not called by a LocalExecutor."""

    def on_starting(self, pod_id: str, reason: str, message: str) -> None:
        """Not called by a LocalExecutor."""

    def on_running(self, pod_id: str, reason: str, message: str) -> None:
        """Not called by a LocalExecutor."""

    # ------------------------------------------------------------ the actor's methods

    async def ping(self) -> dict[str, Any]:
        await self._ready()
        return {"node_id": self.node_id, "pid": os.getpid(), "pods": len(self._pids)}

    async def launch(self, request: dict[str, Any]) -> dict[str, Any]:
        """Start one pod; its resources are already reserved by the controller's placement group."""
        return (await self.launch_many([request]))[0]

    async def launch_many(self, requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Start pods in order (one spawner hand-off for the batch): a result per pod."""
        await self._ready()
        reqs: list[LaunchRequest] = []
        for request in requests:
            env = dict(request.get("env") or {})
            env["PELORUS_AGENT"] = self.marker
            req = LaunchRequest(**{**request, "env": env, "args": tuple(request.get("args") or ())})
            self._ended.pop(req.pod_id, None)
            self._offsets[req.pod_id] = {0: 0, 1: 0}
            reqs.append(req)
        out: list[dict[str, Any]] = []
        groups: list[str] = []
        for req, handle in zip(reqs, await self.local.launch_many(reqs), strict=True):
            if isinstance(handle, Exception):  # reported to the engine as the launch's failure
                self._offsets.pop(req.pod_id, None)
                out.append({"ok": False, "error": str(handle)})
                continue
            self._pids[req.pod_id] = handle.pid
            groups.append(f"{handle.pid}\n")
            out.append({"ok": True, "pid": handle.pid})
        if groups:
            try:
                os.write(self._watchdog_fd, "".join(groups).encode())
            except OSError:
                log.warning("the watchdog of the pods on this node is gone")
        return out

    async def kill(self, pod_id: str, grace: float, reason: str, message: str) -> bool:
        await self._ready()
        if pod_id not in self._pids:
            return False
        await self.local.kill(pod_id, grace, reason, message)
        return True

    async def poll(self, since: int, timeout: float) -> dict[str, Any]:
        """Events after `since`, waiting up to `timeout` s for one (a long poll). `gap` says
        events the caller never saw were dropped (it then resyncs through adopt)."""
        changed = await self._ready()
        if self._seq <= since:
            changed.clear()
            try:
                await asyncio.wait_for(changed.wait(), timeout)
            except TimeoutError:
                pass
        self._expire()
        first = self._events[0][0] if self._events else self._seq + 1
        events = [e for s, e in self._events if s > since] if self._seq > since else []
        return {"seq": self._seq, "events": events, "gap": since + 1 < first and since < self._seq,
                "running": sorted(self._pids), "pid": os.getpid()}

    async def adopt(self, pod_id: str, offsets: dict[str, int]) -> dict[str, Any]:
        """What a restarted engine needs: the pod's state and its output after `offsets`,
        re-read from the spool files up to what the event log already carries."""
        await self._ready()
        if pod_id in self._pids:
            upto = {int(s): n for s, n in self.local.output_offsets(pod_id).items()}
            return {"state": "running", "pid": self._pids[pod_id], "seq": self._seq,
                    "output": self._reread(pod_id, offsets, upto)}
        ended = self._ended.get(pod_id)
        if ended is not None:
            event = ended[1]
            return {"state": "ended", "exit": event, "seq": self._seq,
                    "output": self._reread(pod_id, offsets, event["offsets"])}
        return {"state": "unknown"}

    async def forget(self, pod_id: str) -> None:
        """The engine stored the pod's end: drop its exit and spool files."""
        await self.forget_many([pod_id])

    async def forget_many(self, pod_ids: list[str]) -> None:
        await self._ready()
        for pod_id in pod_ids:
            if self._ended.pop(pod_id, None) is not None:
                self.local.discard(pod_id)

    # ------------------------------------------------------------ helpers

    def _reread(self, pod_id: str, since: dict[str, int], upto: dict[Any, int]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        paths = self.local._paths(pod_id)
        for stream, suffix in ((0, "out"), (1, "err")):
            start = int(since.get(str(stream), 0))
            end = int(upto.get(stream, upto.get(str(stream), 0)))
            if end <= start:
                continue
            try:
                fd = os.open(paths[suffix], os.O_RDONLY | os.O_CLOEXEC)
            except OSError:
                continue
            try:
                reader = _StreamReader(fd=fd, delivered=start)
                reader.pending += os.pread(fd, end - start, start)
                lines = _take_lines(reader, final=True)
            finally:
                os.close(fd)
            out.append({"ev": "output", "pod": pod_id, "stream": stream, "start": start, "end": end, "lines": lines})
        return out

    def _expire(self) -> None:
        if not self._ended:
            return
        cutoff = time.monotonic() - ENDED_TTL
        for pod_id in [p for p, (t, _) in self._ended.items() if t < cutoff]:
            self._ended.pop(pod_id, None)
            self.local.discard(pod_id)
