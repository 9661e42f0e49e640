"""One call of any kind on a grpc.aio channel, with bytes in and bytes out.

grpc's generic multi-callables with no serializers pass bytes through untouched, so the request is
sent exactly as given and each response is handed over exactly as received. A failed call is not
an exception here: its status is part of the outcome, next to the headers, trailers and timing, so
the command line and the Call panel show the same facts.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import grpc

Metadata = Sequence[tuple[str, str | bytes]]
KINDS = ("unary", "server_streaming", "client_streaming", "bidi_streaming")


@dataclass
class Outcome:
    """How a call ended: its status, what the server sent around the messages, and when."""

    code: grpc.StatusCode
    details: str
    headers: list[tuple[str, str | bytes]] = field(default_factory=list)
    trailers: list[tuple[str, str | bytes]] = field(default_factory=list)
    responses: int = 0
    elapsed: float = 0.0  # seconds from the start of the call to its status
    first_response: float | None = None  # seconds from the start to the first response

    @property
    def ok(self) -> bool:
        return self.code == grpc.StatusCode.OK


def _pairs(md: Any) -> list[tuple[str, str | bytes]]:
    return [(str(k), v) for k, v in (md or ())]


async def invoke(channel: grpc.aio.Channel, path: str, kind: str, requests: Sequence[bytes],
                 on_response: Callable[[bytes], None], metadata: Metadata = (),
                 timeout: float | None = None) -> Outcome:
    """Call ``path`` (``/pkg.Service/Method``) and hand every response to ``on_response`` as it arrives.

    ``kind`` is one of KINDS; a unary or server-streaming call takes exactly one request. Cancelling
    the awaiting task cancels the call. An exception from ``on_response`` cancels the call and
    propagates."""
    if kind not in KINDS:
        raise ValueError(f"unknown call kind {kind!r}")
    if kind in ("unary", "server_streaming") and len(requests) != 1:
        raise ValueError(f"a {kind} method takes exactly one request, not {len(requests)}")
    md = tuple(metadata) or None
    start = time.perf_counter()
    first: list[float] = []
    count = 0

    def take(data: bytes) -> None:
        nonlocal count
        if not first:
            first.append(time.perf_counter() - start)
        count += 1
        on_response(data)

    call: Any
    ch: Any = channel  # grpc's stubs type the generic callables as taking Never without serializers
    if kind == "unary":
        call = ch.unary_unary(path)(requests[0], metadata=md, timeout=timeout)
    elif kind == "server_streaming":
        call = ch.unary_stream(path)(requests[0], metadata=md, timeout=timeout)
    elif kind == "client_streaming":
        call = ch.stream_unary(path)(iter(list(requests)), metadata=md, timeout=timeout)
    else:
        call = ch.stream_stream(path)(iter(list(requests)), metadata=md, timeout=timeout)
    try:
        if kind in ("unary", "client_streaming"):
            take(await call)
        else:
            async for data in call:
                take(data)
    except grpc.aio.AioRpcError:
        pass  # the status is read from the call below
    except BaseException:
        call.cancel()
        raise
    code = await call.code()
    return Outcome(code=code, details=await call.details() or "", headers=_pairs(await call.initial_metadata()),
                   trailers=_pairs(await call.trailing_metadata()), responses=count,
                   elapsed=time.perf_counter() - start, first_response=first[0] if first else None)

