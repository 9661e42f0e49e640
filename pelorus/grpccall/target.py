"""Where a call goes and how: address, TLS (roots, client certificate, name override) and headers.

grpcurl's habits: TCP is TLS with the system's roots unless ``plaintext``; a ``unix:`` address is
always plaintext (the engine's local socket).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc

from pelorus.text import QT_TRANSLATE_NOOP

MAX_MESSAGE = 64 * 1024 * 1024


class TargetError(Exception):
    """The target cannot be used as given (an unreadable certificate, a malformed header)."""


@dataclass
class Target:
    address: str
    plaintext: bool = False
    tls_ca: Path | None = None
    tls_cert: Path | None = None
    tls_key: Path | None = None
    server_name: str | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)

    @property
    def secure(self) -> bool:
        return not (self.plaintext or self.address.startswith("unix:"))


def parse_header(text: str) -> tuple[str, str]:
    """``'name: value'`` -> ``("name", "value")``; gRPC metadata keys are lower-case ASCII."""
    name, sep, value = text.partition(":")
    name = name.strip().lower()
    if not sep or not name:
        raise TargetError(QT_TRANSLATE_NOOP(
            "TargetError", "header {text!r} is not 'name: value'").format(text=text))
    return name, value.strip()


def _read(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as err:
        raise TargetError(QT_TRANSLATE_NOOP(
            "TargetError", "cannot read the {what} {path}: {strerror}").format(
            what=what, path=path, strerror=err.strerror)) from None


def open_channel(target: Target) -> grpc.aio.Channel:
    """A grpc.aio channel to the target (open it inside the loop that will use it)."""
    options: list[tuple[str, Any]] = [
        ("grpc.max_receive_message_length", MAX_MESSAGE),
        ("grpc.max_send_message_length", MAX_MESSAGE),
    ]
    if target.server_name:
        options.append(("grpc.ssl_target_name_override", target.server_name))
    if not target.secure:
        return grpc.aio.insecure_channel(target.address, options=options)
    if (target.tls_cert is None) != (target.tls_key is None):
        raise TargetError(QT_TRANSLATE_NOOP(
            "TargetError", "--tls-cert and --tls-key go together (the client certificate and its key)").format())
    root = _read(target.tls_ca, QT_TRANSLATE_NOOP("TargetError", "CA certificate").format()) if target.tls_ca else None
    key = _read(target.tls_key, QT_TRANSLATE_NOOP("TargetError", "client key").format()) if target.tls_key else None
    chain = (_read(target.tls_cert, QT_TRANSLATE_NOOP("TargetError", "client certificate").format())
             if target.tls_cert else None)
    creds = grpc.ssl_channel_credentials(root, key, chain)
    return grpc.aio.secure_channel(target.address, creds, options=options)


@dataclass(frozen=True)
class EngineConnection:
    """The console's saved connection to an engine (``call --engine``): resolved by the console,
    which owns the profiles and the embedded engine, and handed to the Qt-free command."""

    address: str
    tls_ca: Path | None = None
    token: str | None = None
    insecure: bool = False
    label: str = ""
