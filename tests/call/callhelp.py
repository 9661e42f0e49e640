"""Run `call` in-process with its stdin, stdout (text and bytes) and stderr captured."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

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
