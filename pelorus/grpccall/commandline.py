"""A call as a shell command: ``python main.py call ...`` or ``grpcurl ...`` ("Copy as" in the Call panel).

The words are quoted for a POSIX shell with :func:`shlex.quote`, so what is pasted runs as composed.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass
class CallSpec:
    """What the Call panel composed: enough to repeat the call from a terminal."""

    address: str
    method: str  # package.Service/Method
    request_json: str = ""
    headers: list[tuple[str, str]] = field(default_factory=list)
    timeout: float | None = None
    plaintext: bool = False
    tls_ca: str = ""
    engine: bool = False  # the console's engine: `call --engine`


def _request_words(spec: CallSpec) -> list[str]:
    text = spec.request_json.strip()
    return ["-d", text] if text else []


def as_call_command(spec: CallSpec, program: Sequence[str] = ("python", "main.py")) -> str:
    words = [*program, "call"]
    if spec.engine:
        words.append("--engine")
    else:
        words.append(spec.address)
    words.append(spec.method)
    words += _request_words(spec)
    for name, value in spec.headers:
        if spec.engine and name == "authorization":
            continue  # --engine brings the token itself; never paste a secret it already has
        words += ["-H", f"{name}: {value}"]
    if not spec.engine and spec.plaintext and not spec.address.startswith("unix:"):
        words.append("--plaintext")
    if not spec.engine and spec.tls_ca:
        words += ["--tls-ca", spec.tls_ca]
    if spec.timeout:
        words += ["--timeout", f"{spec.timeout:g}"]
    return shlex.join(words)


def as_grpcurl(spec: CallSpec) -> str:
    """grpcurl's spelling: flags first, then address and method (a unix socket via -unix)."""
    words = ["grpcurl"]
    address = spec.address
    if address.startswith("unix:"):
        words += ["-unix", "-plaintext"]
        address = address.removeprefix("unix:")
    elif spec.plaintext:
        words.append("-plaintext")
    if spec.tls_ca:
        words += ["-cacert", spec.tls_ca]
    for name, value in spec.headers:
        words += ["-H", f"{name}: {value}"]
    if spec.timeout:
        words += ["-max-time", f"{spec.timeout:g}"]
    words += _request_words(spec)
    words += [address, spec.method]
    return shlex.join(words)
