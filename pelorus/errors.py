"""The client's error family: what an engine call failed with, as a sentence for an operator.

gRPC errors are translated once, at the client's edge; everything above catches these.
`ClientError` (a call failed, seen from the console) is distinct by name from the engine's own
`pelorus.engine.errors.EngineError` (raised inside the engine, turned into the gRPC status),
so a reader of either side never mistakes one for the other.
Cancellation (asyncio.CancelledError) is never translated: it is not a failure.
"""

from __future__ import annotations

import re

import grpc


class ClientError(Exception):
    """An engine call failed. `str()` is a sentence: "<action> failed: <the engine's reason>"."""

    def __init__(self, code: grpc.StatusCode, message: str, method: str = "") -> None:
        self.code = code
        self.message = message
        self.method = method
        action = _action(method)
        super().__init__(f"{action} failed: {message}" if action else message)


class NotFound(ClientError):
    pass


class AlreadyExists(ClientError):
    pass


class InvalidArgument(ClientError):
    pass


class Conflict(ClientError):
    """Someone else changed the entity (ABORTED: stale version)."""


class FailedPrecondition(ClientError):
    pass


class Unauthenticated(ClientError):
    pass


class PermissionDenied(ClientError):
    pass


class Unavailable(ClientError):
    """The engine cannot be reached (down, restarting, network)."""


class DeadlineExceeded(ClientError):
    pass


_BY_CODE: dict[grpc.StatusCode, type[ClientError]] = {
    grpc.StatusCode.NOT_FOUND: NotFound,
    grpc.StatusCode.ALREADY_EXISTS: AlreadyExists,
    grpc.StatusCode.INVALID_ARGUMENT: InvalidArgument,
    grpc.StatusCode.ABORTED: Conflict,
    grpc.StatusCode.FAILED_PRECONDITION: FailedPrecondition,
    grpc.StatusCode.UNAUTHENTICATED: Unauthenticated,
    grpc.StatusCode.PERMISSION_DENIED: PermissionDenied,
    grpc.StatusCode.UNAVAILABLE: Unavailable,
    grpc.StatusCode.DEADLINE_EXCEEDED: DeadlineExceeded,
}


def _action(method: str) -> str:
    """"/pelorus.v1.JobService/StopJob" -> "Stop job"."""
    name = method.rsplit("/", 1)[-1]
    if not name:
        return ""
    words: list[str] = []
    for ch in name:
        if ch.isupper() and words:
            words.append(" ")
        words.append(ch.lower())
    text = "".join(words).replace("i d", "ID")
    return text[:1].upper() + text[1:]


def _unreachable(details: str) -> str:
    """grpc's connection errors name every layer and the address twice; keep what an operator
    can act on (the address is on screen already)."""
    if "CERTIFICATE_VERIFY_FAILED" in details:
        why = details.split("CERTIFICATE_VERIFY_FAILED:", 1)[1].strip().removesuffix(": OK")
        return f"the engine's TLS certificate is not trusted ({why}); is the right CA certificate given?"
    if "errors resolving" in details:
        return f"the engine's host name cannot be resolved ({details.rsplit(': ', 1)[-1].rstrip(']')})"
    if details.startswith(("Stream removed", "Socket closed", "Connection reset")):
        return f"the connection to the engine was lost ({details})"
    last = re.search(r"last error: \w+: (.*)", details)
    if last:
        details = last.group(1).rsplit(": ", 1)[-1]
    return f"the engine is unreachable ({details})"


def from_rpc_error(exc: grpc.aio.AioRpcError, method: str) -> ClientError:
    """The typed error for a failed call of `method` (a method name like "StopJob")."""
    code = exc.code()
    details = exc.details() or code.name.lower().replace("_", " ")
    if code == grpc.StatusCode.UNAVAILABLE:
        details = _unreachable(details)
    elif code == grpc.StatusCode.DEADLINE_EXCEEDED:
        details = "the engine did not answer in time"
    return _BY_CODE.get(code, ClientError)(code, details, method)
