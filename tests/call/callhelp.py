"""Run `call` in-process with its stdin, stdout (text and bytes) and stderr captured."""

from __future__ import annotations

import contextlib
import io
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tlshelp import make_cert

from console.call_engine import resolve
from pelorus.grpccall.cli import main


@dataclass
class Result:
    code: int
    out: bytes
    err: str

    @property
    def text(self) -> str:
        return self.out.decode("utf-8")

    def __str__(self) -> str:  # for assertion messages
        return f"exit {self.code}\nstdout: {self.out[:2000]!r}\nstderr: {self.err}"


def call(*argv: str, stdin: bytes = b"") -> Result:
    raw = io.BytesIO()
    out = io.TextIOWrapper(raw, encoding="utf-8", write_through=True)
    err = io.StringIO()
    code = main(list(argv), engine=resolve, stdout=out, stderr=err, stdin=io.BytesIO(stdin))
    out.flush()
    return Result(code, raw.getvalue(), err.getvalue())


@dataclass
class Tides:
    address: str
    ca: Path
    token: str
    proto: Path
    workdir: Path

    def args(self, *words: str, token: bool = True) -> list[str]:
        """`call` arguments for this server: address, TLS roots and (by default) the token."""
        auth = ["-H", f"authorization: Bearer {self.token}"] if token else []
        return [self.address, *words, "--tls-ca", str(self.ca), *auth]


HERE = Path(__file__).resolve().parent
TOKEN = "tides-token-5f1e9a"


@contextlib.contextmanager
def start_tides(workdir: Path) -> Iterator[Tides]:
    """tides_server.py in its own session on 127.0.0.1 with TLS (a fresh self-signed certificate);
    ended by its process group at exit."""
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
        yield Tides(f"127.0.0.1:{port}", cert, TOKEN, workdir / "proto" / "tides.proto", workdir)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(5)
