"""The pipelined call acceptor (pelorus/engine/grpcaccept.py): in use on the pinned grpcio,
every call of a burst on one method is answered, handlers of one method run concurrently,
calls of registered methods are started without the server loop (interceptors included),
a busy method gets more requests outstanding, and the server still stops promptly with
requests outstanding."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import grpc
import pytest
from grpc_health.v1 import health, health_pb2, health_pb2_grpc

from pelorus.engine.grpcaccept import DEPTH, MAX_DEPTH, can_start_calls, is_pipelined, pipelined_server, usable


class SlowHealth(health.aio.HealthServicer):
    """Check waits until `inside` handlers are running at once (or a timeout)."""

    def __init__(self, want: int) -> None:
        super().__init__()
        self.want = want
        self.inside = 0
        self.most = 0
        self.all_in = asyncio.Event()

    async def Check(self, request: health_pb2.HealthCheckRequest, context: Any) -> health_pb2.HealthCheckResponse:
        self.inside += 1
        self.most = max(self.most, self.inside)
        if self.inside >= self.want:
            self.all_in.set()
        try:
            await asyncio.wait_for(self.all_in.wait(), 5)
        except TimeoutError:
            pass
        finally:
            self.inside -= 1
        return health_pb2.HealthCheckResponse(status=health_pb2.HealthCheckResponse.SERVING)


class CountingInterceptor(grpc.aio.ServerInterceptor):
    """Counts the calls it sees; refuses Health/List (no handler: UNIMPLEMENTED)."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    async def intercept_service(self, continuation: Any, details: grpc.HandlerCallDetails) -> Any:
        self.seen.append(details.method)
        if details.method.endswith("/List"):
            return None
        return await continuation(details)


async def _serve(tmp_path: Path, servicer: health.aio.HealthServicer,
                 interceptors: list[grpc.aio.ServerInterceptor] | None = None) -> tuple[grpc.aio.Server, str]:
    server = pipelined_server(interceptors=interceptors)
    health_pb2_grpc.add_HealthServicer_to_server(servicer, server)
    address = f"unix:{tmp_path / 's.sock'}"
    server.add_insecure_port(address)
    await server.start()
    return server, address


def test_the_pipelined_acceptor_is_in_use_on_this_grpcio() -> None:
    # grpcio with grpc PR #43461 (the accept loop rewritten) no longer has the method overridden:
    # then the stock server is used, which that fix makes fast, and there is nothing to check here.
    if not usable():
        pytest.skip(f"grpcio {grpc.__version__} has no per-method accept future to pipeline (grpc PR #43461)")

    async def body() -> None:
        assert is_pipelined(pipelined_server())

    asyncio.run(body())


@pytest.mark.parametrize("calls", [3, 40])
def test_a_burst_on_one_method_is_answered_and_its_handlers_overlap(tmp_path: Path, calls: int) -> None:
    async def body() -> None:
        servicer = SlowHealth(want=calls)
        server, address = await _serve(tmp_path, servicer)
        try:
            async with grpc.aio.insecure_channel(address) as channel:
                stub = health_pb2_grpc.HealthStub(channel)
                replies = await asyncio.wait_for(asyncio.gather(
                    *(stub.Check(health_pb2.HealthCheckRequest(), timeout=20) for _ in range(calls))), 20)
            assert [r.status for r in replies] == [health_pb2.HealthCheckResponse.SERVING] * calls
            assert servicer.most == calls  # every call was accepted while the others waited in their handlers
        finally:
            await server.stop(None)

    asyncio.run(body())


def test_the_server_stops_promptly_with_requests_outstanding_and_then_refuses(tmp_path: Path) -> None:
    async def body() -> None:
        server, address = await _serve(tmp_path, health.aio.HealthServicer())
        async with grpc.aio.insecure_channel(address) as channel:
            stub = health_pb2_grpc.HealthStub(channel)
            for _ in range(DEPTH * 3):  # accepted calls are requested again as they come
                await stub.Check(health_pb2.HealthCheckRequest(), timeout=10)
            t = time.monotonic()
            await server.stop(1.0)
            assert time.monotonic() - t < 1.0  # no accepted call was left waiting for the grace period
            with pytest.raises(grpc.aio.AioRpcError) as err:
                await stub.Check(health_pb2.HealthCheckRequest(), timeout=2)
            assert err.value.code() in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED)

    asyncio.run(body())


CHECK = b"/grpc.health.v1.Health/Check"
LIST = b"/grpc.health.v1.Health/List"


def test_calls_of_a_registered_method_start_without_the_server_loop_and_through_the_interceptors(
        tmp_path: Path) -> None:
    if not (usable() and can_start_calls()):
        pytest.skip(f"grpcio {grpc.__version__}: calls go through its own server loop")

    async def body() -> None:
        counting = CountingInterceptor()
        server, address = await _serve(tmp_path, SlowHealth(want=40), [counting])
        try:
            async with grpc.aio.insecure_channel(address) as channel:
                stub = health_pb2_grpc.HealthStub(channel)
                replies = await asyncio.wait_for(asyncio.gather(
                    *(stub.Check(health_pb2.HealthCheckRequest(), timeout=20) for _ in range(40))), 20)
                assert len(replies) == 40
                with pytest.raises(grpc.aio.AioRpcError) as err:
                    await stub.List(health_pb2.HealthListRequest(), timeout=10)
                assert err.value.code() == grpc.StatusCode.UNIMPLEMENTED  # the interceptor's refusal
            assert counting.seen.count(CHECK.decode()) == 40
            methods = server._server.__dict__["_pelorus_methods"]  # type: ignore[attr-defined]
            check = methods[CHECK]
            # The server loop's future for Check was never given a call: all 40 started here.
            assert check.waiter is not None and not check.waiter.done() and not check.ready
            # The burst used up Check's requests: it keeps more now; a quiet method keeps DEPTH.
            assert DEPTH < check.depth <= MAX_DEPTH
            assert methods[b"/grpc.health.v1.Health/Watch"].depth == DEPTH
        finally:
            await server.stop(None)

    asyncio.run(body())
