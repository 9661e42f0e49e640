"""Server reflection under both of its service names: grpc.reflection.v1 and v1alpha.

Newer clients and servers (grpc-java, grpc-go, Rust tonic, grpcurl) speak
``grpc.reflection.v1.ServerReflection``; older ones only ``grpc.reflection.v1alpha``. The two
services' messages are wire-identical (v1 is v1alpha renamed), and grpcio-reflection 1.85 ships
only the v1alpha Python modules, so the one v1alpha servicer implementation is registered under
both names: a generic handler per name over the same method behaviour and message classes.

The service list names both. So that a client asking for the file defining v1 gets an answer
(not "not found"), v1's descriptor - v1alpha's file with the package renamed, which is all v1
is - is added to the default pool once (`_register_v1`), unless something already put it there.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool
from grpc_reflection.v1alpha import reflection, reflection_pb2

__all__ = ["METHOD", "SERVICE_NAMES", "V1", "V1ALPHA", "enable_reflection"]

V1: Final = "grpc.reflection.v1.ServerReflection"
V1ALPHA: Final[str] = reflection.SERVICE_NAME
SERVICE_NAMES: Final = (V1, V1ALPHA)
"""Newest first: the order clients try them in."""
METHOD: Final = "ServerReflectionInfo"


V1_FILE: Final = "grpc/reflection/v1/reflection.proto"


def _register_v1() -> None:
    """Put grpc.reflection.v1's file descriptor in the default pool (v1alpha's, renamed)."""
    pool = descriptor_pool.Default()
    try:
        pool.FindFileByName(V1_FILE)
        return
    except KeyError:
        pass
    try:
        pool.FindServiceByName(V1)
        return  # defined under another file name by some other library
    except KeyError:
        pass
    fdp = descriptor_pb2.FileDescriptorProto()
    reflection_pb2.DESCRIPTOR.CopyToProto(fdp)
    old, new = ".grpc.reflection.v1alpha.", ".grpc.reflection.v1."
    fdp.name, fdp.package = V1_FILE, "grpc.reflection.v1"
    fdp.ClearField("options")
    for message in fdp.message_type:
        for field in message.field:
            if field.type_name.startswith(old):
                field.type_name = new + field.type_name[len(old):]
    for service in fdp.service:
        for method in service.method:
            method.input_type = new + method.input_type[len(old):]
            method.output_type = new + method.output_type[len(old):]
    pool.Add(fdp)


def enable_reflection(service_names: Iterable[str], server: grpc.aio.Server,
                      names: Iterable[str] = SERVICE_NAMES) -> None:
    """Serve reflection of ``service_names`` (and of v1alpha itself) on ``server`` under each of
    ``names`` (both by default; tests pass one to stand in for an older or newer server)."""
    names = tuple(names)
    if V1 in names:
        _register_v1()
    served = tuple(n for n in SERVICE_NAMES if n in names) or (V1ALPHA,)
    servicer = reflection.aio.ReflectionServicer((*service_names, *served))
    handlers = {
        METHOD: grpc.stream_stream_rpc_method_handler(
            servicer.ServerReflectionInfo,
            request_deserializer=reflection_pb2.ServerReflectionRequest.FromString,
            response_serializer=reflection_pb2.ServerReflectionResponse.SerializeToString,
        ),
    }
    for name in names:
        server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler(name, handlers),))
