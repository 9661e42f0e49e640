"""Helpers for the packaging tests: an engine started from any command line, and a Python
environment in which PySide6 (and everything built on it) cannot be imported."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

# A sitecustomize that makes Qt unimportable, as on a headless server where PySide6 is not
# installed (or is, but cannot load its libraries): any import of these raises ImportError.
QT_BLOCKER = '''
import sys

BLOCKED = {"PySide6", "shiboken6", "qasync", "pyqtgraph"}


class _NoQt:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in BLOCKED:
            raise ImportError(f"No module named {name!r} (Qt is blocked in this test)")
        return None


sys.meta_path.insert(0, _NoQt())
'''


def qt_blocked_env(tmp: Path, base: dict[str, str] | None = None) -> dict[str, str]:
    """An environment whose Python cannot import Qt (a sitecustomize on PYTHONPATH)."""
    site = tmp / "no-qt-site"
    site.mkdir(parents=True, exist_ok=True)
    (site / "sitecustomize.py").write_text(QT_BLOCKER)
    env = dict(os.environ if base is None else base)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(site), env.get("PYTHONPATH", "")) if p)
    return env


def health_status(socket: Path, timeout: float = 10.0) -> str:
    with grpc.insecure_channel(f"unix:{socket}") as channel:
        resp = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(service=""), timeout=timeout)
    return str(health_pb2.HealthCheckResponse.ServingStatus.Name(resp.status))


@contextmanager
def running_engine(argv: Sequence[str], data_dir: Path, cwd: Path, env: dict[str, str] | None = None,
                   timeout: float = 30.0) -> Iterator[Path]:
    """Start `argv` (an engine command line, given --data-dir DATA_DIR here) in `cwd`, wait for
    "engine ready", yield its socket; SIGTERM (then SIGKILL) its process group at the end."""
    data_dir.mkdir(parents=True, exist_ok=True)
    log_path = data_dir.parent / f"{data_dir.name}.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([*argv, "--data-dir", str(data_dir), "--stop-pods-on-exit"], cwd=cwd, env=env,
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + timeout
        while b"engine ready" not in log_path.read_bytes():
            if proc.poll() is not None:
                raise AssertionError(f"{argv[0]} exited with {proc.returncode}:\n{log_path.read_text()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"{argv[0]} not ready in {timeout} s:\n{log_path.read_text()}")
            time.sleep(0.05)
        yield data_dir / "engine.sock"
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(5)
