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

from pelorus.text import QT_TRANSLATE_NOOP, Template

_FAILED = QT_TRANSLATE_NOOP("ClientError", "{action} failed: {message}")
# What each call does, as the "<action> failed:" sentence names it (the console translates it); a
# method not listed is named from its own name ("StopJob" -> "Stop job"), in English.
_ACTIONS: dict[str, Template] = {
    "AbortJobWorkflow": QT_TRANSLATE_NOOP("ClientError", "Abort job workflow"),
    "CreateJob": QT_TRANSLATE_NOOP("ClientError", "Create job"),
    "DeleteJob": QT_TRANSLATE_NOOP("ClientError", "Delete job"),
    "GetJob": QT_TRANSLATE_NOOP("ClientError", "Get job"),
    "GetJobCache": QT_TRANSLATE_NOOP("ClientError", "Get job cache"),
    "GetJobIDFromJobName": QT_TRANSLATE_NOOP("ClientError", "Get job ID from job name"),
    "GetJobProgressHistory": QT_TRANSLATE_NOOP("ClientError", "Get job progress history"),
    "GetPod": QT_TRANSLATE_NOOP("ClientError", "Get pod"),
    "GetPodEvents": QT_TRANSLATE_NOOP("ClientError", "Get pod events"),
    "GetPodLogs": QT_TRANSLATE_NOOP("ClientError", "Get pod logs"),
    "GetReplaceJobDiff": QT_TRANSLATE_NOOP("ClientError", "Get replace job diff"),
    "GetWorkflowEvents": QT_TRANSLATE_NOOP("ClientError", "Get workflow events"),
    "ListJobPodEvents": QT_TRANSLATE_NOOP("ClientError", "List job pod events"),
    "ListJobVersions": QT_TRANSLATE_NOOP("ClientError", "List job versions"),
    "ListJobWorkflows": QT_TRANSLATE_NOOP("ClientError", "List job workflows"),
    "ListJobs": QT_TRANSLATE_NOOP("ClientError", "List jobs"),
    "ListPods": QT_TRANSLATE_NOOP("ClientError", "List pods"),
    "PatchJob": QT_TRANSLATE_NOOP("ClientError", "Patch job"),
    "PauseJobWorkflow": QT_TRANSLATE_NOOP("ClientError", "Pause job workflow"),
    "QueryJobs": QT_TRANSLATE_NOOP("ClientError", "Query jobs"),
    "QueryPods": QT_TRANSLATE_NOOP("ClientError", "Query pods"),
    "RefreshJob": QT_TRANSLATE_NOOP("ClientError", "Refresh job"),
    "ReplaceJob": QT_TRANSLATE_NOOP("ClientError", "Replace job"),
    "RestartJob": QT_TRANSLATE_NOOP("ClientError", "Restart job"),
    "RestartPod": QT_TRANSLATE_NOOP("ClientError", "Restart pod"),
    "ResumeJobWorkflow": QT_TRANSLATE_NOOP("ClientError", "Resume job workflow"),
    "StartJob": QT_TRANSLATE_NOOP("ClientError", "Start job"),
    "StartPod": QT_TRANSLATE_NOOP("ClientError", "Start pod"),
    "StopJob": QT_TRANSLATE_NOOP("ClientError", "Stop job"),
    "StopPod": QT_TRANSLATE_NOOP("ClientError", "Stop pod"),
    "Watch": QT_TRANSLATE_NOOP("ClientError", "Watch"),
    "WatchJob": QT_TRANSLATE_NOOP("ClientError", "Watch job"),
    "ServerReflectionInfo": QT_TRANSLATE_NOOP("ClientError", "Server reflection info"),
}


class ClientError(Exception):
    """An engine call failed. `str()` is a sentence: "<action> failed: <the engine's reason>"."""

    def __init__(self, code: grpc.StatusCode, message: str, method: str = "") -> None:
        """``message``: the engine's reason (its gRPC status details, English: the API) or the client's
        own sentence (a :class:`Text`); the console translates the frame and any Text inside it."""
        self.code = code
        self.message = message
        self.method = method
        action = _action(method)
        self.text: str = _FAILED.format(action=action, message=message) if action else message
        super().__init__(self.text)


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
    """"/pelorus.v1.JobService/StopJob" -> "Stop job" (a Text for the engine's own methods)."""
    name = method.rsplit("/", 1)[-1]
    if not name:
        return ""
    if name in _ACTIONS:
        return _ACTIONS[name].format()
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
        return _UNTRUSTED.format(why=why)
    if "errors resolving" in details:
        return _UNRESOLVED.format(why=details.rsplit(": ", 1)[-1].rstrip("]"))
    if details.startswith(("Stream removed", "Socket closed", "Connection reset")):
        return _LOST.format(why=details)
    last = re.search(r"last error: \w+: (.*)", details)
    if last:
        details = last.group(1).rsplit(": ", 1)[-1]
    return _UNREACHABLE.format(why=details)


# The client's own sentences (grpc's details inside them stay as grpc wrote them).
_UNTRUSTED = QT_TRANSLATE_NOOP("ClientError", "the engine's TLS certificate is not trusted ({why}); "
                                              "is the right CA certificate given?")
_UNRESOLVED = QT_TRANSLATE_NOOP("ClientError", "the engine's host name cannot be resolved ({why})")
_LOST = QT_TRANSLATE_NOOP("ClientError", "the connection to the engine was lost ({why})")
_UNREACHABLE = QT_TRANSLATE_NOOP("ClientError", "the engine is unreachable ({why})")
_NO_ANSWER = QT_TRANSLATE_NOOP("ClientError", "the engine did not answer in time")


def from_rpc_error(exc: grpc.aio.AioRpcError, method: str) -> ClientError:
    """The typed error for a failed call of `method` (a method name like "StopJob")."""
    code = exc.code()
    details = exc.details() or code.name.lower().replace("_", " ")
    if code == grpc.StatusCode.UNAVAILABLE:
        details = _unreachable(details)
    elif code == grpc.StatusCode.DEADLINE_EXCEEDED:
        details = _NO_ANSWER.format()
    return _BY_CODE.get(code, ClientError)(code, details, method)
