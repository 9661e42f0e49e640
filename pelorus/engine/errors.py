"""The engine's one error type: a gRPC status code plus a sentence an operator can act on.

Inside the engine only; the servicers turn it into the call's status, and the client turns that
status into its own family (`pelorus.errors.ClientError`), which has a different name on purpose.
"""

from __future__ import annotations

import grpc


class EngineError(Exception):
    """Raised anywhere in the engine; servicers turn it into the gRPC status."""

    def __init__(self, code: grpc.StatusCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def not_found(what: str) -> EngineError:
    return EngineError(grpc.StatusCode.NOT_FOUND, f"{what} not found")


def invalid(field: str, problem: str) -> EngineError:
    return EngineError(grpc.StatusCode.INVALID_ARGUMENT, f"{field}: {problem}")


def stale_version(kind: str, given: int, current: int) -> EngineError:
    return EngineError(
        grpc.StatusCode.ABORTED,
        f"unexpected entity version: {kind} is at version {current}, the request carried {given}; "
        "reload and try again",
    )


def precondition(message: str) -> EngineError:
    return EngineError(grpc.StatusCode.FAILED_PRECONDITION, message)
