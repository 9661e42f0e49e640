"""The server's front door: what happens before a request reaches a servicer.

- Undecodable bytes (invalid UTF-8, a truncated body, absurd nesting) and oversized requests
  become INVALID_ARGUMENT naming the request type, with one rate-limited WARNING line and
  no traceback. gRPC would otherwise answer UNKNOWN "Unexpected DecodeError" and log an
  ERROR traceback per call, so any client could flood the log.
- A client (its bearer token, else its connection) may hold a bounded number of streams
  at once; beyond it a new stream fails RESOURCE_EXHAUSTED at once.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, cast

import grpc

from pelorus.engine import limits

log = logging.getLogger("pelorus.rpc")

DEFAULT_MAX_STREAMS_PER_CLIENT = 100
WARN_EVERY = 10.0


class Undecodable:
    """Stands in for a request that could not be decoded; the wrapped behaviour refuses it."""

    def __init__(self, type_name: str, reason: str) -> None:
        self.type_name = type_name
        self.reason = reason

    @property
    def message(self) -> str:
        return f"the request could not be read as {self.type_name}: {self.reason}"


class RateLimitedWarning:
    """At most one WARNING per `every` seconds; the next line says how many were held back."""

    def __init__(self, every: float = WARN_EVERY) -> None:
        self.every = every
        self._last = -1e18
        self._held = 0

    def __call__(self, text: str) -> bool:
        t = time.monotonic()
        if t - self._last < self.every:
            self._held += 1
            return False
        held, self._held, self._last = self._held, 0, t
        log.warning("%s%s", text, f" (and {held} more like it in the last {self.every:.0f} s)" if held else "")
        return True


def _type_name(deserializer: Callable[[bytes], Any] | None, method: str) -> str:
    owner = getattr(deserializer, "__self__", None)
    desc = getattr(owner, "DESCRIPTOR", None)
    return str(getattr(desc, "full_name", "")) or f"{method.rsplit('/', 1)[-1]}Request"


def safe_deserializer(deserializer: Callable[[bytes], Any] | None, type_name: str) -> Callable[[bytes], Any]:
    def deserialize(data: bytes) -> Any:
        if len(data) > limits.MAX_REQUEST_BYTES:
            cap = limits.MAX_REQUEST_BYTES
            return Undecodable(type_name, f"it is {len(data):,} bytes; the engine accepts requests of at most "
                                          f"{cap:,} bytes ({cap // 2**20} MiB)")
        if deserializer is None:
            return data
        try:
            return deserializer(data)
        except Exception as exc:  # DecodeError, RecursionError inside upb, UnicodeDecodeError...
            reason = str(exc) or type(exc).__name__
            if "Error parsing message" in reason or not reason.strip():
                reason = "the bytes are not a valid protobuf encoding of it (truncated, bad UTF-8, or nested too deep)"
            return Undecodable(type_name, reason)

    return deserialize


def client_key(context: grpc.aio.ServicerContext[Any, Any], metadata: dict[str, Any]) -> str:
    """Who a stream belongs to: its bearer token (hashed, never kept in clear), else its peer."""
    header = metadata.get("authorization", "")
    header = header.decode(errors="replace") if isinstance(header, bytes) else str(header)
    if header.strip():
        return "token:" + hashlib.sha256(header.strip().encode()).hexdigest()[:16]
    return "peer:" + (context.peer() or "?")


class RequestGuard(grpc.aio.ServerInterceptor):
    def __init__(self, max_streams_per_client: int = DEFAULT_MAX_STREAMS_PER_CLIENT) -> None:
        self.max_streams = max_streams_per_client
        self._streams: dict[str, int] = {}
        self._warn = RateLimitedWarning()
        # method -> (the handler found for it, its wrapped form): wrapping builds closures and a
        # handler, so it is done once per method, not once per call. A later interceptor that
        # returns a new handler per call (auth) gets it wrapped per call, as before.
        self._wrapped: dict[str, tuple[grpc.RpcMethodHandler[Any, Any], grpc.RpcMethodHandler[Any, Any]]] = {}

    def open_streams(self, key: str | None = None) -> int:
        return sum(self._streams.values()) if key is None else self._streams.get(key, 0)

    async def intercept_service(
        self, continuation: Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler[Any, Any] | None]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler[Any, Any] | None:
        handler = await continuation(handler_call_details)
        if handler is None:
            return None
        method = handler_call_details.method
        cached = self._wrapped.get(method)
        if cached is not None and cached[0] is handler:
            return cached[1]
        wrapped = self._wrap(handler, method)
        self._wrapped[method] = (handler, wrapped)
        return wrapped

    def _wrap(self, handler: grpc.RpcMethodHandler[Any, Any], method: str) -> grpc.RpcMethodHandler[Any, Any]:
        """The handler with undecodable requests refused and streams counted per client."""
        type_name = _type_name(handler.request_deserializer, method)
        kw = {"request_deserializer": safe_deserializer(handler.request_deserializer, type_name),
              "response_serializer": handler.response_serializer}
        refuse = self._refuse
        # Under grpc.aio the behaviours are coroutine / async-generator functions; types-grpcio
        # types RpcMethodHandler for the sync server only.
        if handler.unary_unary:
            unary_behavior = cast("Callable[[Any, Any], Awaitable[Any]]", handler.unary_unary)

            async def unary(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
                if isinstance(request, Undecodable):
                    await refuse(request, method, context)
                return await unary_behavior(request, context)

            return grpc.unary_unary_rpc_method_handler(unary, **kw)
        if handler.unary_stream:
            stream_behavior = cast("Callable[[Any, Any], AsyncIterator[Any]]", handler.unary_stream)

            async def stream(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> AsyncIterator[Any]:
                if isinstance(request, Undecodable):
                    await refuse(request, method, context)
                async with self._stream_slot(method, context):
                    async for item in stream_behavior(request, context):
                        yield item

            return grpc.unary_stream_rpc_method_handler(stream, **kw)
        if handler.stream_stream:
            bidi_behavior = cast("Callable[[Any, Any], AsyncIterator[Any]]", handler.stream_stream)

            async def bidi(requests: AsyncIterator[Any], context: grpc.aio.ServicerContext[Any, Any]
                           ) -> AsyncIterator[Any]:
                async with self._stream_slot(method, context):
                    async for item in bidi_behavior(self._checked(requests, method, context), context):
                        yield item

            return grpc.stream_stream_rpc_method_handler(bidi, **kw)
        return handler  # client-streaming: none are served

    async def _checked(self, requests: AsyncIterator[Any], method: str,
                       context: grpc.aio.ServicerContext[Any, Any]) -> AsyncIterator[Any]:
        async for request in requests:
            if isinstance(request, Undecodable):
                await self._refuse(request, method, context)
            yield request

    async def _refuse(self, request: Undecodable, method: str, context: grpc.aio.ServicerContext[Any, Any]) -> None:
        self._warn(f"refused {method} from {context.peer()}: {request.message}")
        await context.abort(grpc.StatusCode.INVALID_ARGUMENT, request.message)

    def _stream_slot(self, method: str, context: grpc.aio.ServicerContext[Any, Any]) -> _StreamSlot:
        metadata = dict(context.invocation_metadata() or ())
        return _StreamSlot(self, client_key(context, metadata), method, context)


class _StreamSlot:
    """Holds one of a client's stream slots for the life of a stream."""

    def __init__(self, guard: RequestGuard, key: str, method: str,
                 context: grpc.aio.ServicerContext[Any, Any]) -> None:
        self.guard, self.key, self.method, self.context = guard, key, method, context

    async def __aenter__(self) -> None:
        streams = self.guard._streams
        if streams.get(self.key, 0) >= self.guard.max_streams:
            who = "this token" if self.key.startswith("token:") else "this connection"
            self.guard._warn(f"refused {self.method} from {self.context.peer()}: {who} already has "
                             f"{self.guard.max_streams} streams open")
            await self.context.abort(
                grpc.StatusCode.RESOURCE_EXHAUSTED,
                f"{who} already has {self.guard.max_streams} streams open (Watch, WatchJob, ListJobs, ListPods, "
                "GetPodLogs, reflection), the engine's limit per client (--max-streams-per-client); "
                "close one and try again")
        streams[self.key] = streams.get(self.key, 0) + 1

    async def __aexit__(self, *exc: object) -> None:
        left = self.guard._streams.get(self.key, 1) - 1
        if left > 0:
            self.guard._streams[self.key] = left
        else:
            self.guard._streams.pop(self.key, None)
