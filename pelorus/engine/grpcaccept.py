"""A grpc.aio server that keeps several calls requested per method, so a busy method is not
accepted one call per loop round trip.

Why: grpc.aio's server loop (cygrpc.AioServer._server_main_loop) keeps exactly one request
for the next call outstanding per registered method (and one for unregistered methods).
When it completes, the loop wakes, starts the call's task and only then asks the core for
the next call of that method: the request goes to the core, the core's answer to the
completion-queue poller thread, the poller thread hands it to the loop (it needs the GIL),
and the loop runs the waiting tasks - four or five loop passes per accepted call. Under the
mixed load (bench/engine_mixed_load.py) GetJob, the busiest method (about 55 % of the
calls, StopJob's reads included), queued there: 45 ms median where the 0.05 ms handler and
every other method took 10-13 ms, with no loop stall over 15 ms (PELORUS_STALL_MS).

This is grpcio's own known regression: grpc PR #41796 (registered methods in the AsyncIO server)
made the accept loop multiplex one pending request per method with an asyncio.wait per call, and
grpc PR #43461 (open when this was written) replaces it with a persistent accept loop. Once a
grpcio with that fix is installed, `_make_request_call_future` is gone, `usable()` is False and
the stock server is used.

How: the server loop asks for the next call through `_make_request_call_future(method)`,
a plain Python method of the (subclassable) AioServer. `PipelinedAioServer` overrides it:
each method keeps ``DEPTH`` requests outstanding in the core, calls that arrive while the
loop is busy queue here already accepted, and the future handed to the server loop is
already done when one is queued, so the loop starts the next call on its next pass.

It relies on grpcio's private AioServer. `pipelined_server` checks that the class still has
the method it overrides and falls back to the stock server (with a log line) otherwise;
tests/engine/test_grpcaccept.py fails if the fast path is not in use on the pinned grpcio.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
from typing import Any

import grpc
import grpc.aio
from grpc._cython import cygrpc  # type: ignore[attr-defined]  # no stubs for grpcio's Cython core

log = logging.getLogger("pelorus.engine")

# Requests kept outstanding per method. A few are enough to cover the core -> poller ->
# loop hand-over; each is one small core object.
DEPTH = 4


class _Method:
    """The outstanding requests of one method and the calls they accepted, in order."""

    __slots__ = ("inflight", "ready", "waiter")

    def __init__(self) -> None:
        self.inflight: set[asyncio.Task[Any]] = set()
        self.ready: collections.deque[asyncio.Task[Any]] = collections.deque()
        self.waiter: asyncio.Future[Any] | None = None


class PipelinedAioServer(cygrpc.AioServer):  # type: ignore[misc]
    """cygrpc.AioServer with DEPTH outstanding call requests per method (see the module doc)."""

    def _make_request_call_future(self, method_bytes: bytes | None) -> asyncio.Future[Any]:
        methods: dict[bytes | None, _Method] | None = self.__dict__.get("_pelorus_methods")
        if methods is None:
            methods = self.__dict__["_pelorus_methods"] = {}
        state = methods.get(method_bytes)
        if state is None:
            state = methods[method_bytes] = _Method()
        loop = asyncio.get_running_loop()
        self._pelorus_arm(method_bytes, state, loop)
        fut: asyncio.Future[Any] = loop.create_future()
        if state.ready:
            _settle(fut, state.ready.popleft())
        else:
            state.waiter = fut
            fut.add_done_callback(lambda f: self._pelorus_waiter_done(f, state))
        return fut

    def _pelorus_arm(self, method_bytes: bytes | None, state: _Method, loop: asyncio.AbstractEventLoop) -> None:
        while len(state.inflight) + len(state.ready) < DEPTH and self.is_running():
            coro = (self._request_registered_call(method_bytes) if method_bytes is not None
                    else self._request_call())
            task = loop.create_task(coro)
            state.inflight.add(task)
            task.add_done_callback(lambda t: self._pelorus_accepted(t, method_bytes, state))

    def _pelorus_accepted(self, task: asyncio.Task[Any], method_bytes: bytes | None, state: _Method) -> None:
        state.inflight.discard(task)
        if task.cancelled():
            return
        waiter, state.waiter = state.waiter, None
        if waiter is not None and not waiter.done():
            _settle(waiter, task)
        else:
            state.ready.append(task)
        if task.exception() is None:
            with contextlib.suppress(RuntimeError):  # the loop is closing
                self._pelorus_arm(method_bytes, state, asyncio.get_running_loop())

    @staticmethod
    def _pelorus_waiter_done(fut: asyncio.Future[Any], state: _Method) -> None:
        if fut.cancelled():  # the server loop ends (shutdown): stop asking for calls
            if state.waiter is fut:
                state.waiter = None
            for task in list(state.inflight):
                task.cancel()


def _settle(fut: asyncio.Future[Any], task: asyncio.Task[Any]) -> None:
    exc = task.exception()
    if exc is not None:
        fut.set_exception(exc)
    else:
        fut.set_result(task.result())


def usable() -> bool:
    """Whether this grpcio's AioServer still asks for calls through the method we override."""
    return callable(getattr(cygrpc.AioServer, "_make_request_call_future", None)) and callable(
        getattr(cygrpc.AioServer, "_request_registered_call", None)) and callable(
        getattr(cygrpc.AioServer, "_request_call", None))


def pipelined_server(**kwargs: Any) -> grpc.aio.Server:
    """grpc.aio.server(**kwargs), built on PipelinedAioServer when this grpcio allows it."""
    if not usable():
        log.warning("grpcio %s: the pipelined call acceptor is not available; using the stock server",
                    grpc.__version__)
        return grpc.aio.server(**kwargs)
    # grpc.aio.Server.__init__ builds `cygrpc.AioServer(...)`: the class is swapped in the module
    # for this one constructor call (on the loop's thread, nothing else builds servers meanwhile).
    stock = cygrpc.AioServer
    setattr(cygrpc, "AioServer", PipelinedAioServer)  # noqa: B010
    try:
        return grpc.aio.server(**kwargs)
    finally:
        setattr(cygrpc, "AioServer", stock)  # noqa: B010


def is_pipelined(server: grpc.aio.Server) -> bool:
    return isinstance(getattr(server, "_server", None), PipelinedAioServer)
