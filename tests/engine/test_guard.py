"""The request guard in process: each method's handler is wrapped once, not once per call, and
the wrapped handlers still refuse undecodable bytes and count a client's open streams."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import grpc

from pelorus.api import job_service_pb2 as js
from pelorus.engine.guard import RequestGuard, Undecodable


@dataclass
class Details:
    method: str
    invocation_metadata: tuple[tuple[str, str], ...] = ()


class FakeContext:
    def __init__(self, metadata: tuple[tuple[str, str], ...]) -> None:
        self._metadata = metadata

    def invocation_metadata(self) -> tuple[tuple[str, str], ...]:
        return self._metadata

    def peer(self) -> str:
        return "unix:test"

    async def abort(self, code: grpc.StatusCode, details: str) -> None:
        raise AssertionError(f"aborted: {code} {details}")


async def _echo(request: Any, context: Any) -> Any:
    return request


def test_a_methods_handler_is_wrapped_once_and_again_only_when_it_changes() -> None:
    guard = RequestGuard()
    found = [grpc.unary_unary_rpc_method_handler(_echo, request_deserializer=js.GetJobRequest.FromString)]

    async def continuation(_details: Any) -> Any:
        return found[0]

    async def body() -> None:
        details = Details("/pelorus.v1.JobService/GetJob")
        first = await guard.intercept_service(continuation, details)  # type: ignore[arg-type]
        assert first is not None and first is not found[0]
        assert await guard.intercept_service(continuation, details) is first  # type: ignore[arg-type]
        assert isinstance(first.request_deserializer(b"\xff\xff"), Undecodable)  # type: ignore[misc]
        assert first.request_deserializer(js.GetJobRequest(job_id="x").SerializeToString()).job_id == "x"  # type: ignore[misc]
        found[0] = grpc.unary_unary_rpc_method_handler(_echo, request_deserializer=js.GetJobRequest.FromString)
        again = await guard.intercept_service(continuation, details)  # type: ignore[arg-type]
        assert again is not first  # e.g. a handler an auth interceptor made for this call

    asyncio.run(body())


def test_a_wrapped_stream_holds_a_slot_of_the_client_named_by_the_calls_own_metadata() -> None:
    guard = RequestGuard()
    inside: list[list[str]] = []

    async def stream(request: Any, context: Any) -> AsyncIterator[int]:
        inside.append([key.split(":")[0] for key in guard._streams])  # whose slot is held
        yield 1

    handler = grpc.unary_stream_rpc_method_handler(stream)

    async def continuation(_details: Any) -> Any:
        return handler

    async def body() -> None:
        wrapped = await guard.intercept_service(continuation, Details("/pelorus.v1.WatchService/Watch"))  # type: ignore[arg-type]
        assert wrapped is not None and wrapped.unary_stream is not None
        for metadata in ((), (("authorization", "Bearer t1"),)):
            items = [i async for i in wrapped.unary_stream(object(), FakeContext(metadata))]  # type: ignore[attr-defined]
            assert items == [1]
        assert guard.open_streams() == 0

    asyncio.run(body())
    assert inside == [["peer"], ["token"]]
