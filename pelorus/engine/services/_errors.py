"""Turning EngineError into a gRPC status, once, for every servicer method."""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TypeVar

import grpc
from google.protobuf.message import Message

from pelorus.engine.errors import EngineError
from pelorus.engine.requestcheck import check_request

log = logging.getLogger("pelorus.rpc")
F = TypeVar("F", bound=Callable[..., Any])


def rpc(method: F) -> F:
    """Wrap a unary or server-streaming servicer method so every request is checked first
    (requestcheck.py), EngineError becomes the status and an unexpected exception becomes
    INTERNAL with a log line (never a traceback to the user)."""
    if inspect.isasyncgenfunction(method):

        @functools.wraps(method)
        async def stream(self: Any, request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> AsyncIterator[Any]:
            try:
                check_request(request)
                async for item in method(self, request, context):
                    yield item
            except EngineError as exc:
                await context.abort(exc.code, exc.message)
            except (grpc.aio.AbortError, GeneratorExit):
                raise
            except Exception:
                log.exception("%s failed", method.__name__)
                await context.abort(grpc.StatusCode.INTERNAL, f"{method.__name__} failed inside the engine; "
                                    "see the engine log")

        return stream  # type: ignore[return-value]

    @functools.wraps(method)
    async def unary(self: Any, request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
        try:
            check_request(request)
            result = method(self, request, context)
            # A reply (most calls) is returned as it is: the ABC check costs more than the call's own work.
            if not isinstance(result, Message) and isinstance(result, Awaitable):
                result = await result
            return result
        except EngineError as exc:
            await context.abort(exc.code, exc.message)
        except grpc.aio.AbortError:
            raise
        except Exception:
            log.exception("%s failed", method.__name__)
            await context.abort(grpc.StatusCode.INTERNAL, f"{method.__name__} failed inside the engine; "
                                "see the engine log")

    return unary  # type: ignore[return-value]
