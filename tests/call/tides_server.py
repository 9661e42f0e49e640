"""A foreign gRPC server for the call tests: tides.proto.txt compiled at start with grpcio-tools,
served with grpc.aio on 127.0.0.1 (TLS), server reflection (grpcio-reflection: v1alpha only), and a
token-checking interceptor in front of every method, reflection included.

    python tides_server.py WORKDIR CERT KEY TOKEN

writes WORKDIR/port when it listens. GetForecast takes and returns raw bytes: its response is
deliberately not canonical (fields out of order, an unknown field), and it echoes the request bytes
it received, so byte-exact tests can tell a pass-through from a parse and re-serialize.
"""

from __future__ import annotations

import asyncio
import importlib
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import grpc
import grpc_tools
from grpc_reflection.v1alpha import reflection

HERE = Path(__file__).resolve().parent
SERVICE = "acme.tides.v2.Tides"


def compile_proto(workdir: Path) -> Any:
    src = workdir / "proto"
    src.mkdir(parents=True, exist_ok=True)
    shutil.copy(HERE / "tides.proto.txt", src / "tides.proto")
    bundled = Path(grpc_tools.__file__).resolve().parent / "_proto"
    subprocess.run([sys.executable, "-m", "grpc_tools.protoc", f"-I{src}", f"-I{bundled}",
                    f"--python_out={workdir}", str(src / "tides.proto")], check=True)
    sys.path.insert(0, str(workdir))
    return importlib.import_module("tides_pb2")


def varint(n: int) -> bytes:
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


class TokenCheck(grpc.aio.ServerInterceptor):
    def __init__(self, token: str) -> None:
        self.expected = f"Bearer {token}"

        async def deny(_requests: Any, context: grpc.aio.ServicerContext[Any, Any]) -> None:
            await context.abort(grpc.StatusCode.UNAUTHENTICATED, "missing or wrong bearer token")

        self.denied = grpc.stream_stream_rpc_method_handler(deny)

    async def intercept_service(self, continuation: Any, details: grpc.HandlerCallDetails) -> Any:
        md = dict(details.invocation_metadata or ())
        if md.get("authorization") != self.expected:
            return self.denied
        return await continuation(details)


def handlers(pb: Any) -> grpc.GenericRpcHandler:
    async def get_forecast(raw: bytes, context: grpc.aio.ServicerContext[Any, Any]) -> bytes:
        req = pb.ForecastRequest.FromString(raw)
        body = pb.Forecast(station_code=req.station.code)
        for day in range(req.days):
            tide = body.tides.add(kind=pb.HIGH if day % 2 == 0 else pb.LOW, height_m=1.5 + day)
            tide.at.FromSeconds(1_700_000_000 + day * 86400)
        # request_seen (3) first, then the rest, then unknown field 1000: valid, but not canonical
        return (varint(3 << 3 | 2) + varint(len(raw)) + raw + body.SerializeToString()
                + varint(1000 << 3 | 0) + varint(7))

    async def stream_readings(req: Any, context: grpc.aio.ServicerContext[Any, Any]) -> AsyncIterator[Any]:
        await context.send_initial_metadata((("x-tides-region", "north"),))
        for i in range(req.days):
            yield pb.Reading(station_code=req.station.code, seq=-i, height_m=0.5 * i)
        context.set_trailing_metadata((("x-tides-served", "readings"),))

    async def upload(requests: AsyncIterator[Any], context: grpc.aio.ServicerContext[Any, Any]) -> Any:
        count, top = 0, 0.0
        async for r in requests:
            count += 1
            top = max(top, r.height_m)
        return pb.UploadSummary(count=count, max_height_m=top)

    async def echo(requests: AsyncIterator[Any], context: grpc.aio.ServicerContext[Any, Any]) -> AsyncIterator[Any]:
        async for note in requests:
            yield pb.Note(text=note.text.upper(), seq=note.seq + 100)

    async def sleep(req: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
        await asyncio.sleep(req.seconds)
        return pb.SleepReply()

    return grpc.method_handlers_generic_handler(SERVICE, {
        "GetForecast": grpc.unary_unary_rpc_method_handler(get_forecast),  # bytes in, bytes out
        "StreamReadings": grpc.unary_stream_rpc_method_handler(
            stream_readings, pb.ForecastRequest.FromString, pb.Reading.SerializeToString),
        "Upload": grpc.stream_unary_rpc_method_handler(
            upload, pb.Reading.FromString, pb.UploadSummary.SerializeToString),
        "Echo": grpc.stream_stream_rpc_method_handler(echo, pb.Note.FromString, pb.Note.SerializeToString),
        "Sleep": grpc.unary_unary_rpc_method_handler(sleep, pb.SleepRequest.FromString,
                                                     pb.SleepReply.SerializeToString),
    })


async def serve(workdir: Path, cert: Path, key: Path, token: str) -> None:
    pb = compile_proto(workdir)
    server = grpc.aio.server(interceptors=[TokenCheck(token)])
    server.add_generic_rpc_handlers((handlers(pb),))
    reflection.enable_server_reflection((SERVICE, reflection.SERVICE_NAME), server)
    creds = grpc.ssl_server_credentials([(key.read_bytes(), cert.read_bytes())])
    port = server.add_secure_port("127.0.0.1:0", creds)
    await server.start()
    (workdir / "port.tmp").write_text(str(port))
    (workdir / "port.tmp").rename(workdir / "port")
    await server.wait_for_termination()


if __name__ == "__main__":
    asyncio.run(serve(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4]))
