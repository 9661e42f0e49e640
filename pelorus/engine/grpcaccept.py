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
each method keeps ``DEPTH`` requests outstanding in the core, twice as many (up to
``MAX_DEPTH``) each time a method's calls use up every one, so a busy method's calls do not
wait in the core for the loop to request them again one by one.

A call accepted for a registered method is started at once, as the server loop would start
it (grpcio's ``_handle_rpc`` in ``_schedule_rpc_coro``, with the same handlers, resolver and
interceptors), instead of being handed to the server loop: that loop takes at most one call
per method each time round (one ``asyncio.wait`` over one future per method, two loop passes
at least), so GetJob, the busiest method, was started one per round while the other methods
each had a round of their own. The server loop now only sees the generic (unregistered)
methods, whose name only the Cython side can read (their calls queue here and the future
handed to the loop is already done when one is queued), and the errors that end accepting
at shutdown. With ``maximum_concurrent_rpcs`` (its limiter is the server loop's) every call
goes through the server loop.

Measured under the mixed load, pinned, 30 s runs on the shared 2-vCPU machine at load 10-16
(p50 ms, GetJob against the other methods): 4 requested and handed to the server loop
295-320 against 40-65; 32 handed to the loop 118-158 against 52-114; started here with 4
requested 171-539 against 62-173; started here with up to 64 requested 121 against 118-124
and 37 against 32-39: GetJob is no longer singled out.

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

# Requests kept outstanding per method at first. A few cover the core -> poller -> loop
# hand-over of a quiet method; each is one small core object and one pending task.
DEPTH = 4
# A method that used up every outstanding request (calls may be waiting in the core for one)
# keeps twice as many, up to this. On a contended CPU each re-request waits for a loop pass,
# and 4 held GetJob back: under the mixed load its median was 1.5-3 times the other
# methods'; with 64 it is theirs.
MAX_DEPTH = 64


class _Method:
    """The outstanding requests of one method and the calls they accepted, in order."""

    __slots__ = ("depth", "inflight", "ready", "waiter")

    def __init__(self) -> None:
        self.depth = DEPTH
        self.inflight: set[asyncio.Task[Any]] = set()
        self.ready: collections.deque[asyncio.Task[Any]] = collections.deque()
        self.waiter: asyncio.Future[Any] | None = None


class PipelinedAioServer(cygrpc.AioServer):  # type: ignore[misc]
    """cygrpc.AioServer with DEPTH to MAX_DEPTH outstanding call requests per method, the
    calls of registered methods started as they are accepted (see the module doc)."""

    def __init__(self, loop: asyncio.AbstractEventLoop, thread_pool: Any, generic_handlers: Any,
                 interceptors: Any, options: Any, maximum_concurrent_rpcs: int | None, *rest: Any) -> None:
        # What the server loop starts calls with (cdef attributes of AioServer, not readable
        # here): the interceptors as it keeps them, and the handlers (add_* below).
        self.__dict__["_pelorus_interceptors"] = tuple(interceptors) if interceptors else ()
        self.__dict__["_pelorus_direct"] = maximum_concurrent_rpcs is None and can_start_calls()
        self.__dict__["_pelorus_tasks"] = set()
        self.__dict__.setdefault("_pelorus_registered", {})
        super().__init__(loop, thread_pool, generic_handlers, interceptors, options, maximum_concurrent_rpcs, *rest)

    def add_generic_rpc_handlers(self, generic_rpc_handlers: Any) -> None:
        self.__dict__.setdefault("_pelorus_generic", []).extend(generic_rpc_handlers)
        super().add_generic_rpc_handlers(generic_rpc_handlers)

    def add_registered_method_handlers(self, method_handlers: dict[str, Any]) -> None:
        if not self.is_running():  # as AioServer: none once started
            self.__dict__.setdefault("_pelorus_registered", {}).update(method_handlers)
        super().add_registered_method_handlers(method_handlers)

    def _pelorus_resolver(self) -> Any:
        """The server loop's method resolver, built as it builds it (the same list and dict)."""
        resolver = self.__dict__.get("_pelorus_resolver_obj")
        if resolver is None:
            resolver = self.__dict__["_pelorus_resolver_obj"] = cygrpc._MethodResolver(
                self.__dict__.setdefault("_pelorus_generic", []), self.__dict__["_pelorus_registered"])
        return resolver

    def _pelorus_start(self, method_bytes: bytes, rpc_state: Any, loop: asyncio.AbstractEventLoop) -> None:
        """Start an accepted call as the server loop would (grpcio's _server_main_loop)."""
        method_name = method_bytes.decode()
        rpc_coro = cygrpc._handle_rpc(method_name, self._pelorus_resolver(), self.__dict__["_pelorus_interceptors"],
                                      rpc_state, loop, False)
        task = loop.create_task(cygrpc._schedule_rpc_coro(rpc_coro, rpc_state, loop, method_name), name="rpc_task")
        tasks: set[asyncio.Task[Any]] = self.__dict__["_pelorus_tasks"]
        tasks.add(task)  # the loop holds tasks weakly
        task.add_done_callback(tasks.discard)

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
        while len(state.inflight) + len(state.ready) < state.depth and self.is_running():
            coro = (self._request_registered_call(method_bytes) if method_bytes is not None
                    else self._request_call())
            task = loop.create_task(coro)
            state.inflight.add(task)
            task.add_done_callback(lambda t: self._pelorus_accepted(t, method_bytes, state))

    def _pelorus_accepted(self, task: asyncio.Task[Any], method_bytes: bytes | None, state: _Method) -> None:
        state.inflight.discard(task)
        if task.cancelled():
            return
        if state.depth < MAX_DEPTH and all(t.done() for t in state.inflight):
            # Every request is taken (their callbacks queue behind this one): this method's
            # calls come faster than they are requested again.
            state.depth *= 2
        if method_bytes is not None and task.exception() is None and self.__dict__.get("_pelorus_direct"):
            loop = asyncio.get_running_loop()
            self._pelorus_start(method_bytes, task.result(), loop)
            with contextlib.suppress(RuntimeError):  # the loop is closing
                self._pelorus_arm(method_bytes, state, loop)
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


def can_start_calls() -> bool:
    """Whether this grpcio has the module functions the server loop starts a call with."""
    return all(callable(getattr(cygrpc, name, None)) for name in ("_handle_rpc", "_schedule_rpc_coro",
                                                                   "_MethodResolver"))


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
