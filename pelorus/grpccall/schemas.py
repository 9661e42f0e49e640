"""The schema of the method to call: from the server (reflection) or from .proto / descriptor-set files.

Reflection reuses :meth:`pelorus.client.EngineClient.reflect_files` (v1, then v1alpha, imports
followed transitively) on the call's own channel and headers, so a server that wants a token or a
client certificate for reflection gets them, as grpcurl's ``-H`` does. Schemas load into a
:class:`~pelorus.protobuf.schema.SchemaRegistry`, the same one the editor uses, so what the call
sends and receives opens in the editor with the same types.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import grpc
from google.protobuf import descriptor_pb2
from google.protobuf.descriptor import (
    Descriptor,
    EnumDescriptor,
    FieldDescriptor,
    MethodDescriptor,
    ServiceDescriptor,
)

from pelorus.client import ConnectionConfig, EngineClient
from pelorus.protobuf.schema import SchemaError, SchemaRegistry, compile_to_descriptor_set
from pelorus.text import QT_TRANSLATE_NOOP


@dataclass
class Schemas:
    """A registry with the method types, and the services to offer (as listed by the server or the files)."""

    registry: SchemaRegistry
    services: list[str]
    source: str
    missing: dict[str, str] = field(default_factory=dict)


class _Reflector(EngineClient):
    """An EngineClient whose reflection runs on a channel it was given, with the call's headers."""

    headers: tuple[tuple[str, str], ...] = ()

    @property
    def metadata(self) -> tuple[tuple[str, str], ...]:
        return self.headers


async def from_reflection(channel: grpc.aio.Channel, address: str, headers: Sequence[tuple[str, str]],
                          timeout: float) -> Schemas:
    """Ask the server for its services and their files; raises pelorus.errors.ClientError when it
    cannot answer (its gRPC status says why) and SchemaError when its files do not load."""
    client = _Reflector(ConnectionConfig(address, deadline=timeout))
    client.headers = tuple(headers)
    client._channel = channel  # reflect_files uses, and leaves open, a channel the client already has
    reflected = await client.reflect_files()
    origin = f"server reflection at {address}"
    try:
        registry = SchemaRegistry()
        registry.add_file_protos(reflected.files, origin)
    except SchemaError:
        # the server ships its own (different) copy of a file Pelorus has built in, e.g. an older
        # pelorus/v1/job.proto: the server's view is the one that matters for calling it
        registry = SchemaRegistry(builtin=False)
        registry.add_file_protos(reflected.files, origin)
    return Schemas(registry, sorted(reflected.services), f"{origin} ({reflected.protocol})", reflected.missing)


def from_files(protos: Sequence[str | os.PathLike[str]], includes: Sequence[str | os.PathLike[str]],
               descriptor_sets: Sequence[str | os.PathLike[str]]) -> Schemas:
    """Schemas from .proto files (compiled with grpcio-tools' protoc) and descriptor sets."""
    registry = SchemaRegistry()
    services: list[str] = []
    sets: list[descriptor_pb2.FileDescriptorSet] = []
    if protos:
        sets.append(compile_to_descriptor_set(protos, includes))
    for path in descriptor_sets:
        fds = descriptor_pb2.FileDescriptorSet()
        try:
            fds.ParseFromString(Path(path).read_bytes())
        except OSError as err:
            raise SchemaError(QT_TRANSLATE_NOOP(
                "SchemaError", "cannot read descriptor set {path}: {strerror}").format(
                path=path, strerror=err.strerror)) from None
        except Exception as err:  # noqa: BLE001 - DecodeError or worse: the file is not a descriptor set
            raise SchemaError(QT_TRANSLATE_NOOP(
                "SchemaError", "{path} is not a FileDescriptorSet: {err}").format(path=path, err=err)) from None
        sets.append(fds)
    try:
        for fds in sets:
            registry.add_file_descriptor_set(fds)
    except SchemaError:
        # the files define symbols Pelorus has built in, under other file names (its own
        # job_service.proto compiled without -I proto): let the given files stand alone
        registry = SchemaRegistry(builtin=False)
        for fds in sets:
            registry.add_file_descriptor_set(fds)
    for fds in sets:
        for f in fds.file:
            services += [f"{f.package}.{s.name}" if f.package else s.name for s in f.service]
    names = ", ".join(str(p) for p in [*protos, *descriptor_sets])
    return Schemas(registry, sorted(dict.fromkeys(services)), names)


def split_method(name: str) -> tuple[str, str]:
    """``pkg.Service/Method``, ``/pkg.Service/Method`` or ``pkg.Service.Method`` -> (service, method)."""
    name = name.strip().lstrip("/")
    if "/" in name:
        service, _, method = name.rpartition("/")
    else:
        service, _, method = name.rpartition(".")
    if not service or not method:
        raise SchemaError(QT_TRANSLATE_NOOP(
            "SchemaError", "{name!r} is not SERVICE/METHOD (e.g. pelorus.v1.JobService/ListJobs)").format(name=name))
    return service, method


def find_service(schemas: Schemas, name: str) -> ServiceDescriptor:
    """A service by full name, or by an unambiguous suffix ("JobService", "v1.JobService")."""
    pool = schemas.registry.pool
    try:
        return pool.FindServiceByName(name)
    except KeyError:
        pass
    known = list(schemas.services)
    matches = [s for s in known if s == name or s.endswith("." + name)]
    if len(matches) == 1:
        try:
            return pool.FindServiceByName(matches[0])
        except KeyError:
            pass
    if len(matches) > 1:
        raise SchemaError(QT_TRANSLATE_NOOP(
            "SchemaError", "service {name!r} is ambiguous: {names}").format(name=name, names=', '.join(matches)))
    offered = ", ".join(known) or "none"
    raise SchemaError(QT_TRANSLATE_NOOP(
        "SchemaError", "service {name!r} is not in {source} (services: {offered})").format(
        name=name, source=schemas.source, offered=offered))


def find_method(schemas: Schemas, name: str) -> MethodDescriptor:
    service_name, method_name = split_method(name)
    service = find_service(schemas, service_name)
    method = service.methods_by_name.get(method_name)
    if method is None:
        listed = ", ".join(m.name for m in service.methods)
        raise SchemaError(QT_TRANSLATE_NOOP(
            "SchemaError", "{full_name} has no method {method_name!r} (methods: {listed})").format(
            full_name=service.full_name, method_name=method_name, listed=listed))
    return method


def method_path(method: MethodDescriptor) -> str:
    """The HTTP/2 path the call goes to: /package.Service/Method."""
    return f"/{method.containing_service.full_name}/{method.name}"


def kind(method: MethodDescriptor) -> str:
    """unary, server_streaming, client_streaming or bidi_streaming."""
    c, s = method.client_streaming, method.server_streaming
    return {(False, False): "unary", (False, True): "server_streaming",
            (True, False): "client_streaming", (True, True): "bidi_streaming"}[(c, s)]


# -- listing and describing -------------------------------------------------------------------------------

def listing(schemas: Schemas, service: str | None = None) -> list[str]:
    """Service names, or one service's methods as full names (grpcurl's ``list`` output)."""
    if service is None:
        return list(schemas.services)
    svc = find_service(schemas, service)
    return [f"{svc.full_name}.{m.name}" for m in svc.methods]


def describe(schemas: Schemas, symbol: str) -> str:
    """A service, method, message or enum as .proto-like source."""
    pool = schemas.registry.pool
    symbol = symbol.strip().lstrip(".")
    try:
        return f"{symbol} is a service:\n{_service_source(pool.FindServiceByName(symbol))}"
    except KeyError:
        pass
    try:
        return f"{symbol} is a message:\n{_message_source(pool.FindMessageTypeByName(symbol), '')}"
    except KeyError:
        pass
    try:
        return f"{symbol} is an enum:\n{_enum_source(pool.FindEnumTypeByName(symbol), '')}"
    except KeyError:
        pass
    try:
        return f"{symbol} is a method:\n{_rpc_line(pool.FindMethodByName(symbol))}"
    except KeyError:
        pass
    if "/" in symbol:
        method = find_method(schemas, symbol)
        return f"{method.full_name} is a method:\n{_rpc_line(method)}"
    try:
        desc = find_service(schemas, symbol)
        return f"{desc.full_name} is a service:\n{_service_source(desc)}"
    except SchemaError:
        pass
    try:
        msg = schemas.registry.find(symbol)
        return f"{msg.full_name} is a message:\n{_message_source(msg, '')}"
    except SchemaError:
        raise SchemaError(QT_TRANSLATE_NOOP(
            "SchemaError", "symbol {symbol!r} is not in {source}").format(
            symbol=symbol, source=schemas.source)) from None


def _rpc_line(m: MethodDescriptor) -> str:
    cs = "stream " if m.client_streaming else ""
    ss = "stream " if m.server_streaming else ""
    return f"rpc {m.name} ( {cs}.{m.input_type.full_name} ) returns ( {ss}.{m.output_type.full_name} );"


def _service_source(s: ServiceDescriptor) -> str:
    body = "".join(f"  {_rpc_line(m)}\n" for m in s.methods)
    return f"service {s.name} {{\n{body}}}"


def _enum_source(e: EnumDescriptor, indent: str) -> str:
    body = "".join(f"{indent}  {v.name} = {v.number};\n" for v in e.values)
    return f"{indent}enum {e.name} {{\n{body}{indent}}}"


_SCALAR = {
    FieldDescriptor.TYPE_DOUBLE: "double", FieldDescriptor.TYPE_FLOAT: "float",
    FieldDescriptor.TYPE_INT64: "int64", FieldDescriptor.TYPE_UINT64: "uint64",
    FieldDescriptor.TYPE_INT32: "int32", FieldDescriptor.TYPE_FIXED64: "fixed64",
    FieldDescriptor.TYPE_FIXED32: "fixed32", FieldDescriptor.TYPE_BOOL: "bool",
    FieldDescriptor.TYPE_STRING: "string", FieldDescriptor.TYPE_BYTES: "bytes",
    FieldDescriptor.TYPE_UINT32: "uint32", FieldDescriptor.TYPE_SFIXED32: "sfixed32",
    FieldDescriptor.TYPE_SFIXED64: "sfixed64", FieldDescriptor.TYPE_SINT32: "sint32",
    FieldDescriptor.TYPE_SINT64: "sint64",
}


def _type_name(f: FieldDescriptor) -> str:
    if f.message_type is not None:
        return "." + f.message_type.full_name
    if f.enum_type is not None:
        return "." + f.enum_type.full_name
    return _SCALAR.get(f.type, "?")


def _field_line(f: FieldDescriptor) -> str:
    mt = f.message_type
    if mt is not None and mt.GetOptions().map_entry:
        k, v = mt.fields_by_name["key"], mt.fields_by_name["value"]
        return f"map<{_type_name(k)}, {_type_name(v)}> {f.name} = {f.number};"
    label = "repeated " if f.is_repeated else ("optional " if f.has_presence and f.containing_oneof is None
                                               and mt is None else "")
    return f"{label}{_type_name(f)} {f.name} = {f.number};"


def _message_source(d: Descriptor, indent: str) -> str:
    lines = [f"{indent}message {d.name} {{"]
    for nested in d.nested_types:
        if not nested.GetOptions().map_entry:
            lines.append(_message_source(nested, indent + "  "))
    for enum in d.enum_types:
        lines.append(_enum_source(enum, indent + "  "))
    done: set[str] = set()
    for f in d.fields:
        oneof = f.containing_oneof
        if oneof is not None and not oneof.name.startswith("_"):  # "_x": a proto3 optional's synthetic oneof
            if oneof.name in done:
                continue
            done.add(oneof.name)
            lines.append(f"{indent}  oneof {oneof.name} {{")
            lines += [f"{indent}    {_type_name(o)} {o.name} = {o.number};" for o in oneof.fields]
            lines.append(f"{indent}  }}")
            continue
        lines.append(f"{indent}  {_field_line(f)}")
    lines.append(f"{indent}}}")
    return "\n".join(lines)
