"""Schemas from server reflection: EngineClient.reflect_files against real engines (unix socket,
plaintext loopback TCP, TLS + tokens), a port with nothing listening, a gRPC server without
reflection, and one whose files import something it cannot supply."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import grpc
import pytest
from enginehelp import EngineProcess, arun
from google.protobuf import descriptor_pb2
from grpc_health.v1 import health, health_pb2_grpc
from grpc_reflection.v1alpha import reflection, reflection_pb2, reflection_pb2_grpc
from tlshelp import TOKENS, make_cert, tcp_address, write_tokens

from pelorus import errors
from pelorus.api import job_pb2, job_service_pb2
from pelorus.client import _WRITE_LOST, REFLECTION_SERVICES, ConnectionConfig, EngineClient
from pelorus.engine import reflection as engine_reflection
from pelorus.protobuf.schema import SchemaError, SchemaRegistry


def spec_bytes() -> bytes:
    spec = job_pb2.JobSpec(name="reflected", owner="ops", instance_count=2, labels={"team": "web"})
    spec.default_spec.command = "sh"
    spec.ttl_after_finished.seconds = 60
    return spec.SerializeToString()


def test_reflection_from_the_connected_engine_loads_every_file(engine: EngineProcess) -> None:
    async def body() -> None:
        async with EngineClient(ConnectionConfig(engine.address)) as client:
            got = await client.reflect_files()
        assert {"pelorus.v1.JobService", "pelorus.v1.PodService", "pelorus.v1.WatchService"} <= set(got.services)
        names = {f.name for f in got.files}
        assert "pelorus/v1/job.proto" in names
        assert "google/protobuf/timestamp.proto" in names  # imports resolved transitively
        assert not got.missing
        assert got.protocol == "grpc.reflection.v1.ServerReflection"  # the engine serves v1: tried first
        reg = SchemaRegistry(builtin=False)  # nothing built in: every type must come from the engine
        added = reg.add_file_protos(got.files, f"server reflection at {got.address}")
        assert "pelorus/v1/job.proto" in added
        msg = reg.parse("pelorus.v1.JobSpec", spec_bytes())
        assert getattr(msg, "name") == "reflected" and reg.to_json(msg).count('"team"') == 1
        # into a registry with the API built in, only the files it lacks are added (health, reflection)
        again = SchemaRegistry().add_file_protos(got.files, "again")
        assert set(again) == {n for n in added if not n.startswith(("pelorus/", "google/"))}
        assert "grpc_health/v1/health.proto" in again

    arun(body(), 30)


def test_reflection_from_a_typed_address_without_connecting(engine_factory: type[EngineProcess],
                                                            tmp_path: Path) -> None:
    eng = engine_factory(tmp_path / "tcp", "--listen", "127.0.0.1:0", "--insecure").start()
    address = tcp_address(eng)

    async def body() -> None:
        client = EngineClient(ConnectionConfig(address, insecure=True, deadline=5))
        got = await client.reflect_files()  # never connected: a channel for this call only
        assert not client.connected
        assert "pelorus/v1/job.proto" in {f.name for f in got.files}

    arun(body(), 30)


def test_reflection_needs_a_token_on_a_protected_engine(engine_factory: type[EngineProcess],
                                                        tmp_path: Path) -> None:
    cert, key = make_cert(tmp_path)
    tokens = write_tokens(tmp_path / "tokens.yaml")
    eng = engine_factory(tmp_path / "auth", "--listen", "127.0.0.1:0", "--tls-cert", str(cert),
                         "--tls-key", str(key), "--tokens-file", str(tokens)).start()
    address = tcp_address(eng)

    async def body() -> None:
        anonymous = EngineClient(ConnectionConfig(address, tls_ca=cert, server_name="localhost", deadline=5))
        with pytest.raises(errors.Unauthenticated) as err:
            await anonymous.reflect_files()
        assert "bearer token" in str(err.value)
        viewer = EngineClient(ConnectionConfig(address, tls_ca=cert, server_name="localhost",
                                               token=TOKENS["viewer"], deadline=5))
        got = await viewer.reflect_files()
        reg = SchemaRegistry()
        reg.add_file_protos(got.files, "reflection")
        assert getattr(reg.parse("JobSpec", spec_bytes()), "owner") == "ops"

    arun(body(), 30)


def test_nothing_listening_is_unavailable() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there

    async def body() -> None:
        client = EngineClient(ConnectionConfig(f"127.0.0.1:{port}", insecure=True, deadline=3))
        with pytest.raises((errors.Unavailable, errors.DeadlineExceeded)) as err:
            await client.reflect_files()
        assert "reflection failed" in str(err.value).lower()

    arun(body(), 20)


async def _server(*servicers: Any) -> tuple[grpc.aio.Server, str]:
    server = grpc.aio.server()
    for add, servicer in servicers:
        add(servicer, server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    return server, f"127.0.0.1:{port}"


def test_a_server_without_reflection_is_named_as_such() -> None:
    async def body() -> None:
        server, address = await _server((health_pb2_grpc.add_HealthServicer_to_server, health.aio.HealthServicer()))
        try:
            client = EngineClient(ConnectionConfig(address, insecure=True, deadline=5))
            with pytest.raises(errors.ClientError) as err:
                await client.reflect_files()
            assert err.value.code == grpc.StatusCode.UNIMPLEMENTED
            assert f"{address} does not offer server reflection" in str(err.value)
        finally:
            await server.stop(0)

    arun(body(), 20)


class _PartialReflection(reflection_pb2_grpc.ServerReflectionServicer):
    """A reflection service whose only file imports one it cannot serve (as a misbuilt server would)."""

    def __init__(self) -> None:
        self.file = descriptor_pb2.FileDescriptorProto(name="acme/svc.proto", package="acme", syntax="proto3",
                                                       dependency=["acme/missing.proto",
                                                                   "google/protobuf/any.proto"])
        self.file.message_type.add(name="Thing").field.add(
            name="id", number=1, type=descriptor_pb2.FieldDescriptorProto.TYPE_STRING,
            label=descriptor_pb2.FieldDescriptorProto.LABEL_OPTIONAL)
        self.file.service.add(name="Svc")
        self.asked: list[str] = []

    async def ServerReflectionInfo(self, request_iterator: AsyncIterator[Any],  # noqa: N802 - gRPC name
                                   context: Any) -> AsyncIterator[reflection_pb2.ServerReflectionResponse]:
        R = reflection_pb2
        async for req in request_iterator:
            which = req.WhichOneof("message_request")
            self.asked.append(f"{which}={getattr(req, which)}")
            if which == "list_services":
                yield R.ServerReflectionResponse(list_services_response=R.ListServiceResponse(
                    service=[R.ServiceResponse(name="acme.Svc")]))
            elif which == "file_containing_symbol" and req.file_containing_symbol == "acme.Svc":
                yield R.ServerReflectionResponse(file_descriptor_response=R.FileDescriptorResponse(
                    file_descriptor_proto=[self.file.SerializeToString()]))
            else:
                yield R.ServerReflectionResponse(error_response=R.ErrorResponse(error_code=5,
                                                                                error_message="not found"))


def test_unresolved_imports_are_named() -> None:
    async def body() -> None:
        partial = _PartialReflection()
        server, address = await _server((reflection_pb2_grpc.add_ServerReflectionServicer_to_server, partial))
        try:
            got = await EngineClient(ConnectionConfig(address, insecure=True, deadline=5)).reflect_files()
        finally:
            await server.stop(0)
        # both imports were asked for by file name; the one the server lacks is reported
        assert "file_by_filename=acme/missing.proto" in partial.asked
        assert got.missing == {"acme/missing.proto": "acme/svc.proto", "google/protobuf/any.proto": "acme/svc.proto"}
        reg = SchemaRegistry()  # any.proto is built in, so only acme/missing.proto is unresolved
        before = reg.files
        with pytest.raises(SchemaError) as err:
            reg.add_file_protos(got.files, f"server reflection at {address}")
        assert str(err.value) == (f"server reflection at {address}: 1 import(s) could not be resolved: "
                                  "acme/missing.proto (imported by acme/svc.proto)")
        assert reg.files == before

    arun(body(), 20)


async def _ask_list(address: str, service: str) -> list[str] | grpc.StatusCode:
    """List services through one reflection service name, with a plain generic call.

    A server that refuses the method (UNIMPLEMENTED) may answer before our first write; grpc.aio then
    reports the write as INTERNAL "Internal error from Core" and the answer is lost. The client asks
    again in that case (pelorus.client, _WRITE_LOST), and so does this helper."""
    async with grpc.aio.insecure_channel(address) as channel:
        for attempt in range(1, 9):
            call = channel.stream_stream(f"/{service}/ServerReflectionInfo",
                                         request_serializer=reflection_pb2.ServerReflectionRequest.SerializeToString,
                                         response_deserializer=reflection_pb2.ServerReflectionResponse.FromString)(
                timeout=5)
            try:
                await call.write(reflection_pb2.ServerReflectionRequest(list_services=""))
                resp = await call.read()
                await call.done_writing()
            except grpc.aio.AioRpcError as exc:
                if exc.code() == grpc.StatusCode.INTERNAL and exc.details() == _WRITE_LOST and attempt < 8:
                    continue
                return exc.code()
            return [s.name for s in resp.list_services_response.service]
    raise AssertionError("unreachable")


JOB_SERVICE = job_service_pb2.DESCRIPTOR.services_by_name["JobService"].full_name


@pytest.mark.parametrize("served", [("grpc.reflection.v1alpha.ServerReflection",),
                                    ("grpc.reflection.v1.ServerReflection",)], ids=["v1alpha-only", "v1-only"])
def test_a_server_with_one_reflection_version(served: tuple[str, ...]) -> None:
    """An older server (grpcio-reflection's own servicer: v1alpha only) makes the client fall back;
    a newer one serving only v1 (as tonic can) is read through v1 with the v1alpha messages."""
    async def body() -> None:
        server = grpc.aio.server()
        if served == (reflection.SERVICE_NAME,):
            reflection.enable_server_reflection((JOB_SERVICE, reflection.SERVICE_NAME), server)
        else:
            engine_reflection.enable_reflection((JOB_SERVICE,), server, names=served)
        address = f"127.0.0.1:{server.add_insecure_port('127.0.0.1:0')}"
        await server.start()
        try:
            other = next(s for s in REFLECTION_SERVICES if s not in served)
            assert await _ask_list(address, other) == grpc.StatusCode.UNIMPLEMENTED  # really only one
            got = await EngineClient(ConnectionConfig(address, insecure=True, deadline=5)).reflect_files()
        finally:
            await server.stop(0)
        assert got.protocol == served[0]
        assert JOB_SERVICE in got.services and not got.missing
        reg = SchemaRegistry(builtin=False)
        reg.add_file_protos(got.files, f"reflection ({got.protocol})")
        assert getattr(reg.parse("pelorus.v1.JobSpec", spec_bytes()), "name") == "reflected"

    arun(body(), 20)


def test_the_engine_answers_on_both_reflection_names(engine_factory: type[EngineProcess], tmp_path: Path) -> None:
    eng = engine_factory(tmp_path / "both", "--listen", "127.0.0.1:0", "--insecure").start()
    address = tcp_address(eng)

    async def body() -> None:
        v1 = await _ask_list(address, "grpc.reflection.v1.ServerReflection")
        v1alpha = await _ask_list(address, "grpc.reflection.v1alpha.ServerReflection")
        assert isinstance(v1, list) and v1 == v1alpha and "pelorus.v1.JobService" in v1
        assert await _ask_list(address, "grpc.reflection.v2.ServerReflection") == grpc.StatusCode.UNIMPLEMENTED

    arun(body(), 30)
