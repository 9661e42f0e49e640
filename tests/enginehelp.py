"""Test harness: a real engine in a child process on a unix socket (or loopback TCP),
and a small async client over the generated stubs.

Engines are started in their own session so a test can SIGKILL one without touching
the pods it runs; every pod process a test's engine started is ended at teardown by
its recorded process group, never by name.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

import grpc
import psutil

from pelorus.api import (
    job_pb2,
    job_service_pb2_grpc,
    pod_pb2,
    pod_service_pb2_grpc,
    watch_service_pb2_grpc,
)
from pelorus.api import (
    job_service_pb2 as js,
)
from pelorus.api import (
    pod_service_pb2 as ps,
)

ROOT = Path(__file__).resolve().parents[1]
T = TypeVar("T")


def arun(coro: Coroutine[Any, Any, T], timeout: float = 60.0) -> T:
    """Run one test coroutine on a fresh loop, bounded in time."""
    return asyncio.run(asyncio.wait_for(coro, timeout))


class EngineProcess:
    stop_pods_on_exit = True  # a test that leaves pods to be re-adopted sets it False

    def __init__(self, data_dir: Path, *extra: str) -> None:
        self.data_dir = data_dir
        self.extra = list(extra)
        self.proc: subprocess.Popen[bytes] | None = None
        self.log_path = data_dir / "engine-test.log"

    @property
    def address(self) -> str:
        return f"unix:{self.data_dir / 'engine.sock'}"

    def start(self, timeout: float = 20.0) -> EngineProcess:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        log = open(self.log_path, "ab")  # noqa: SIM115 - handed to the child
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "pelorus.engine.serve", "--data-dir", str(self.data_dir),
             *(["--stop-pods-on-exit"] if self.stop_pods_on_exit else []), "--log-level", "INFO", *self.extra],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True, cwd=ROOT,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"engine exited with {self.proc.returncode}:\n{self.log()}")
            if b"engine ready" in self.log_path.read_bytes()[offset:]:
                return self
            time.sleep(0.05)
        raise RuntimeError(f"engine did not start in {timeout} s:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self, timeout: float = 20.0) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(5)

    def kill9(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(5)

    def reap_pods(self) -> list[int]:
        """End every pod process group this engine's store knows about (teardown safety net)."""
        db = self.data_dir / "engine.db"
        ended: list[int] = []
        if not db.exists():
            return ended
        with sqlite3.connect(db) as conn:
            rows = conn.execute("SELECT handle FROM pods WHERE handle != ''").fetchall()
        for (handle,) in rows:
            data = json.loads(handle)
            pid = int(data.get("pid", 0))
            if pid <= 0:
                continue
            try:
                proc = psutil.Process(pid)
                token = float(data.get("token") or 0)
                if token and abs(proc.create_time() - token) > 1.0:
                    continue  # the pid was reused by something that is not ours
                os.killpg(pid, signal.SIGKILL)
                ended.append(pid)
            except (psutil.NoSuchProcess, ProcessLookupError, PermissionError, ValueError):
                continue
        return ended


class Client:
    """Stubs on one channel; create inside the coroutine that uses it."""

    def __init__(self, address: str, token: str | None = None,
                 credentials: grpc.ChannelCredentials | None = None, server_name: str | None = None) -> None:
        options = [("grpc.ssl_target_name_override", server_name)] if server_name else []
        self.channel = (grpc.aio.secure_channel(address, credentials, options=options) if credentials
                        else grpc.aio.insecure_channel(address))
        self.metadata = (("authorization", f"Bearer {token}"),) if token else ()
        self.jobs = job_service_pb2_grpc.JobServiceStub(self.channel)
        self.pods = pod_service_pb2_grpc.PodServiceStub(self.channel)
        self.watch = watch_service_pb2_grpc.WatchServiceStub(self.channel)

    async def __aenter__(self) -> Client:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.channel.close()

    async def create(self, spec: job_pb2.JobSpec, **kw: Any) -> js.CreateJobResponse:
        return await self.jobs.CreateJob(js.CreateJobRequest(spec=spec, **kw), metadata=self.metadata, timeout=10)

    async def get(self, job_id: str) -> js.GetJobResponse:
        return await self.jobs.GetJob(js.GetJobRequest(job_id=job_id), metadata=self.metadata, timeout=10)

    async def status(self, job_id: str) -> job_pb2.JobStatus:
        return (await self.get(job_id)).job_info.status

    async def pod(self, job_id: str, instance: int) -> ps.GetPodResponse:
        return await self.pods.GetPod(ps.GetPodRequest(pod_name=f"{job_id}-{instance}"), metadata=self.metadata,
                                      timeout=10)

    async def wait_job(self, job_id: str, pred: Callable[[job_pb2.JobStatus], bool], timeout: float = 20.0,
                       what: str = "condition") -> job_pb2.JobStatus:
        deadline = time.monotonic() + timeout
        st = await self.status(job_id)
        while not pred(st):
            if time.monotonic() > deadline:
                raise AssertionError(f"job {job_id} never reached {what}; last status:\n{st}")
            await asyncio.sleep(0.05)
            st = await self.status(job_id)
        return st

    async def wait_state(self, job_id: str, *states: int, timeout: float = 20.0) -> job_pb2.JobStatus:
        names = "/".join(job_pb2.JobState.Name(s) for s in states)
        return await self.wait_job(job_id, lambda st: st.state in states, timeout, names)

    async def wait_pod(self, job_id: str, instance: int, pred: Callable[[pod_pb2.PodInfo], bool],
                       timeout: float = 20.0, what: str = "condition") -> pod_pb2.PodInfo:
        deadline = time.monotonic() + timeout
        while True:
            cur = (await self.pod(job_id, instance)).current
            if pred(cur):
                return cur
            if time.monotonic() > deadline:
                raise AssertionError(f"pod {job_id}-{instance} never reached {what}; last:\n{cur}")
            await asyncio.sleep(0.05)


async def eventually(pred: Callable[[], Awaitable[bool]], timeout: float = 10.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not await pred():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


def sh_spec(name: str, script: str, instances: int = 1, **pod: Any) -> job_pb2.JobSpec:
    """A job whose pods run `sh -c script`."""
    spec = job_pb2.JobSpec(name=name, owner="tests", instance_count=instances)
    spec.default_spec.command = "sh"
    spec.default_spec.args.extend(["-c", script])
    for key, value in pod.items():
        if key in ("kill_grace_period", "active_deadline"):
            getattr(spec.default_spec, key).FromMilliseconds(int(value * 1000))
        else:
            setattr(spec.default_spec, key, value)
    return spec


def pod_shims(spool: Path, *pod_ids: str) -> list[psutil.Process]:
    """Live shims (process group leaders) of these pods started by a local executor spooling to
    ``spool``: a pod left running shows here, a reaped or zombie one does not."""
    found = []
    for proc in psutil.process_iter(["pid", "environ", "status"]):
        env = proc.info.get("environ") or {}
        if env.get("PELORUS_POD_ID") in pod_ids and env.get("PELORUS_EXIT_FILE", "").startswith(str(spool)) \
                and proc.info["status"] != psutil.STATUS_ZOMBIE:
            found.append(proc)
    return found


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return any(p.info["status"] != psutil.STATUS_ZOMBIE for p in psutil.process_iter(["pid", "status"])
               if _pgid(p.info["pid"]) == pgid)


async def group_gone(pgid: int, timeout: float = 3.0) -> bool:
    """True once nothing (but zombies) is left in the process group. SIGKILL is delivered
    asynchronously, so a process can still be listed for a few milliseconds after the
    engine reported the pod down; more than `timeout` means it really survived."""
    deadline = time.monotonic() + timeout
    while group_alive(pgid):
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.02)
    return True


def _pgid(pid: int) -> int:
    try:
        return os.getpgid(pid)
    except ProcessLookupError:
        return -1
