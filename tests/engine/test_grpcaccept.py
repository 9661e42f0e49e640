"""The pipelined call acceptor (pelorus/engine/grpcaccept.py): in use on the pinned grpcio,
every call of a burst on one method is answered, handlers of one method run concurrently,
and the server still stops promptly with requests outstanding."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import grpc
import pytest
from grpc_health.v1 import health, health_pb2, health_pb2_grpc

from pelorus.engine.grpcaccept import DEPTH, is_pipelined, pipelined_server, usable


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


async def _serve(tmp_path: Path, servicer: health.aio.HealthServicer) -> tuple[grpc.aio.Server, str]:
    server = pipelined_server()
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
