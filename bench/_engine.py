"""Shared helper for the engine benchmarks: a real engine in a child process on a unix
socket in a temporary data dir, a grpc.aio client over the generated stubs, JSON-line output.

Only processes this module started are ended, by pid / process group (the engine runs in
its own session; its pods are ended by the engine itself via --stop-pods-on-exit, and any
pod process group the store still records is SIGKILLed at teardown as a safety net).

Profiling the engine (optional, never on by default):
    BENCH_PROFILE=cprofile  run the engine under cProfile; the .prof path and the top
                            functions are printed to stderr at shutdown.
    PELORUS_STALL_MS=20     the engine logs what its loop was doing whenever it was that late;
                            the report is printed to stderr at shutdown.
    BENCH_PROFILE=py-spy    attach `py-spy record` to the engine pid for the whole run
                            (needs ptrace permission); writes a speedscope JSON + top list.
                            BENCH_PYSPY_NATIVE=1 adds native frames (grpc's Cython).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import platform
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import grpc
import psutil

from pelorus.api import (
    job_pb2,
    job_service_pb2_grpc,
    pod_service_pb2_grpc,
    watch_service_pb2_grpc,
)
from pelorus.api import (
    job_service_pb2 as js,
)
from pelorus.api import (
    watch_service_pb2 as ws,
)

MAX_MESSAGE = 64 * 1024 * 1024
CHANNEL_OPTIONS = [("grpc.max_receive_message_length", MAX_MESSAGE), ("grpc.max_send_message_length", MAX_MESSAGE)]


def emit(name: str, value: Any, unit: str, **context: Any) -> None:
    """One JSON object per line on stdout."""
    row: dict[str, Any] = {"name": name, "value": value, "unit": unit}
    row.update(context)
    print(json.dumps(row), flush=True)


def note(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def machine() -> dict[str, Any]:
    return {"cpus": os.cpu_count(), "python": platform.python_version(), "grpcio": grpc.__version__}


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    k = (len(s) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


class BenchEngine:
    """`python -m pelorus.engine.serve` on DATA_DIR/engine.sock, in its own session."""

    def __init__(self, *extra: str, label: str = "engine", data_dir: Path | None = None,
                 cpus: set[int] | None = None) -> None:
        self.cpus = cpus  # run the engine (and the pods it starts) on these CPUs only
        self._own_tmp = data_dir is None
        self.data_dir = Path(tempfile.mkdtemp(prefix="pelorus-bench-")) if data_dir is None else data_dir
        self.extra = list(extra)
        self.label = label
        self.proc: subprocess.Popen[bytes] | None = None
        self.log_path = self.data_dir / "engine-bench.log"
        self.profile = os.environ.get("BENCH_PROFILE", "")
        self.prof_path = Path(tempfile.gettempdir()) / f"pelorus-bench-{label}-{os.getpid()}.prof"
        self._spy: subprocess.Popen[bytes] | None = None

    @property
    def address(self) -> str:
        return f"unix:{self.data_dir / 'engine.sock'}"

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def start(self, timeout: float = 30.0) -> BenchEngine:
        cmd = [sys.executable]
        if self.profile == "cprofile":
            cmd += ["-m", "cProfile", "-o", str(self.prof_path)]
        cmd += ["-m", "pelorus.engine.serve", "--data-dir", str(self.data_dir), "--stop-pods-on-exit",
                "--log-level", "WARNING", *self.extra]
        self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        offset = self.log_path.stat().st_size if self.log_path.exists() else 0  # a reused dir keeps its log
        log = open(self.log_path, "ab")  # noqa: SIM115 - handed to the child
        cpus = self.cpus
        pin = None if cpus is None else (lambda: os.sched_setaffinity(0, cpus))  # before exec: every thread inherits
        self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, cwd=ROOT,
                                     preexec_fn=pin)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"engine exited with {self.proc.returncode}:\n{self.log()}")
            if b"engine ready" in self.log_path.read_bytes()[offset:]:
                break
            time.sleep(0.05)
        else:
            self.stop()
            raise RuntimeError(f"engine did not start in {timeout} s:\n{self.log()}")
        if self.profile == "py-spy" and shutil.which("py-spy"):
            out = self.prof_path.with_suffix(".speedscope.json")
            self._spy = subprocess.Popen(
                ["py-spy", "record", "--pid", str(self.proc.pid), "--rate", "200", "--format", "speedscope",
                 "--output", str(out),
                 # --native (BENCH_PYSPY_NATIVE=1) shows Cython / C frames; it must pause the process
                 *(["--native"] if os.environ.get("BENCH_PYSPY_NATIVE") else ["--nonblocking"])],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        return self

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def rss(self) -> int:
        return psutil.Process(self.pid).memory_info().rss

    def cpu_seconds(self) -> float:
        t = psutil.Process(self.pid).cpu_times()
        return t.user + t.system

    def loop_thread_switches(self) -> tuple[int, int]:
        """(voluntary, involuntary) context switches of the engine's main thread (its event loop):
        an involuntary one is the loop thread preempted - by its own helper threads or anything else."""
        fields = {}
        for line in Path(f"/proc/{self.pid}/task/{self.pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            fields[key] = value.strip()
        return int(fields.get("voluntary_ctxt_switches", 0)), int(fields.get("nonvoluntary_ctxt_switches", 0))

    def children_cpu_seconds(self) -> float:
        """CPU of the engine's reaped children: the pods (each shim with the command it ran)."""
        t = psutil.Process(self.pid).cpu_times()
        return t.children_user + t.children_system

    def pin_threads(self, cpus: set[int], except_prefix: str, others: set[int]) -> dict[str, int]:
        """Pin every thread of the engine to `cpus` but those named `except_prefix*` or that have
        running children (an engine that does not name its threads for the OS: the thread that
        forks the pods), which go to `others` (with what they start later: a thread's children
        inherit its mask). How many of each."""
        counts = {"pinned": 0, "other": 0}
        for tid in os.listdir(f"/proc/{self.pid}/task"):
            try:
                name = Path(f"/proc/{self.pid}/task/{tid}/comm").read_text().strip()
                children = Path(f"/proc/{self.pid}/task/{tid}/children")
                spare = name.startswith(except_prefix) or (children.exists() and bool(children.read_text().strip()))
                os.sched_setaffinity(int(tid), others if spare else cpus)
                counts["other" if spare else "pinned"] += 1
            except (FileNotFoundError, ProcessLookupError):
                continue
        return counts

    def store_bytes(self) -> dict[str, int]:
        out = {}
        for suffix in ("", "-wal", "-shm"):
            p = self.data_dir / f"engine.db{suffix}"
            out["db" + suffix.replace("-", "_")] = p.stat().st_size if p.exists() else 0
        out["total"] = sum(out.values())
        return out

    def store_counts(self) -> dict[str, int]:
        """Row counts read through a separate read-only connection (WAL readers do not block the writer)."""
        uri = f"file:{self.data_dir / 'engine.db'}?mode=ro"
        with contextlib.closing(sqlite3.connect(uri, uri=True, timeout=10)) as conn:
            return {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                    for t in ("jobs", "pods", "changes", "pod_runs", "pod_events")}

    def stop(self, timeout: float = 30.0) -> None:
        if self._spy is not None and self._spy.poll() is None:
            self._spy.send_signal(signal.SIGINT)  # py-spy writes its output on SIGINT
            try:
                self._spy.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self._spy.pid, signal.SIGKILL)
                self._spy.wait(5)
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        self._reap_pods()
        if os.environ.get("PELORUS_STALL_MS"):  # the engine's stall watch report (pelorus/engine/stallwatch.py)
            text = self.log()
            at = text.find("stall watch:")
            note(f"--- stall watch of {self.label}:\n" + (text[text.rfind(chr(10), 0, at) + 1:] if at >= 0 else "none"))
        if self.profile == "cprofile" and self.prof_path.exists():
            import pstats

            note(f"--- cProfile of {self.label}: {self.prof_path}")
            stats = pstats.Stats(str(self.prof_path), stream=sys.stderr)
            stats.sort_stats("tottime").print_stats(25)
            stats.sort_stats("cumulative").print_stats(40)
        if self._own_tmp:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def _reap_pods(self) -> None:
        """Safety net: SIGKILL the process group of every pod the store recorded, if it is
        still the same process (its start-time token matches)."""
        db = self.data_dir / "engine.db"
        if not db.exists():
            return
        try:
            with contextlib.closing(sqlite3.connect(db, timeout=5)) as conn:
                rows = conn.execute("SELECT handle FROM pods WHERE handle != ''").fetchall()
        except sqlite3.Error:
            return
        for (handle,) in rows:
            try:
                data = json.loads(handle)
                pid = int(data.get("pid", 0))
                if pid <= 0:
                    continue
                proc = psutil.Process(pid)
                token = float(data.get("token") or 0)
                if token and abs(proc.create_time() - token) > 1.0:
                    continue
                os.killpg(pid, signal.SIGKILL)
            except (psutil.NoSuchProcess, ProcessLookupError, PermissionError, ValueError, TypeError):
                continue

    def __enter__(self) -> BenchEngine:  # noqa: PYI034
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@contextlib.contextmanager
def engine(*extra: str, label: str = "engine", cpus: set[int] | None = None) -> Iterator[BenchEngine]:
    eng = BenchEngine(*extra, label=label, cpus=cpus)
    try:
        eng.start()
        yield eng
    finally:
        eng.stop()


class Client:
    """Stubs on one grpc.aio channel; create inside the coroutine that uses it."""

    def __init__(self, address: str) -> None:
        self.channel = grpc.aio.insecure_channel(address, options=CHANNEL_OPTIONS)
        self.jobs = job_service_pb2_grpc.JobServiceStub(self.channel)
        self.pods = pod_service_pb2_grpc.PodServiceStub(self.channel)
        self.watch = watch_service_pb2_grpc.WatchServiceStub(self.channel)

    async def __aenter__(self) -> Client:  # noqa: PYI034
        await asyncio.wait_for(self.channel.channel_ready(), 10)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.channel.close()

    async def create(self, spec: job_pb2.JobSpec, start_paused: bool = False) -> js.CreateJobResponse:
        return await self.jobs.CreateJob(js.CreateJobRequest(spec=spec, start_paused=start_paused), timeout=30)

    async def revision(self) -> int:
        """The engine's current revision: the first (empty) response of a Watch from now."""
        call = self.watch.Watch(ws.WatchRequest(start_revision=0), timeout=30)
        try:
            async for resp in call:
                return int(resp.revision)
        finally:
            call.cancel()
        raise RuntimeError("watch ended without a response")


def job_spec(name: str, instances: int, command: str, *args: str, owner: str = "bench",
             labels: dict[str, str] | None = None) -> job_pb2.JobSpec:
    spec = job_pb2.JobSpec(name=name, owner=owner, instance_count=instances)
    spec.default_spec.command = command
    spec.default_spec.args.extend(args)
    if labels:
        spec.labels.update(labels)
    return spec


def pin_this_process(cpus: set[int]) -> None:
    """Restrict every thread of this process (and the threads and children it makes later) to `cpus`.
    sched_setaffinity(0) binds only the calling thread on Linux, so each existing task is set."""
    for tid in os.listdir("/proc/self/task"):
        with contextlib.suppress(ProcessLookupError):
            os.sched_setaffinity(int(tid), cpus)


def split_cpus() -> tuple[set[int], set[int]] | None:
    """(engine CPUs, load generator CPUs): the first allowed CPU for the engine, the rest for
    the generator; None on a machine with one CPU."""
    allowed = sorted(os.sched_getaffinity(0))
    if len(allowed) < 2:
        return None
    return {allowed[0]}, set(allowed[1:])


def run(coro: Any, timeout: float) -> Any:
    """Run the benchmark coroutine on a fresh loop, bounded in time."""
    return asyncio.run(asyncio.wait_for(coro, timeout))
