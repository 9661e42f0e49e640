"""Fixtures for the call tests: the foreign Tides server (TLS, token, reflection) and a shared engine."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

# The suite runs with --import-mode=importlib; make the helpers next to this file importable.
if str(Path(__file__).parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).parent))

from callhelp import Tides  # noqa: E402
from tlshelp import make_cert  # noqa: E402

HERE = Path(__file__).resolve().parent
TOKEN = "tides-token-5f1e9a"


@pytest.fixture(scope="module")
def tides(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tides]:
    workdir = tmp_path_factory.mktemp("tides")
    cert, key = make_cert(workdir)
    log = open(workdir / "server.log", "wb")  # noqa: SIM115 - handed to the child
    proc = subprocess.Popen([sys.executable, str(HERE / "tides_server.py"), str(workdir), str(cert), str(key), TOKEN],
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    log.close()
    try:
        deadline = time.monotonic() + 30
        while not (workdir / "port").exists():
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"tides server did not start:\n{(workdir / 'server.log').read_text()}")
            time.sleep(0.05)
        port = (workdir / "port").read_text().strip()
        proto = workdir / "proto" / "tides.proto"
        yield Tides(f"127.0.0.1:{port}", cert, TOKEN, proto, workdir)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(5)
