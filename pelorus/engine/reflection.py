"""Server reflection under both of its service names: grpc.reflection.v1 and v1alpha.

Newer clients and servers (grpc-java, grpc-go, Rust tonic, grpcurl) speak
``grpc.reflection.v1.ServerReflection``; older ones only ``grpc.reflection.v1alpha``. The two
services' messages are wire-identical (v1 is v1alpha renamed), and grpcio-reflection 1.85 ships
only the v1alpha Python modules, so the one v1alpha servicer implementation is registered under
both names: a generic handler per name over the same method behaviour and message classes.

The service list names v1alpha but not v1: a client that asks for the file defining a listed
service would get "not found" for v1 (its descriptor is in no pool here), and clients try the v1
method path directly rather than looking for it in the list.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

import grpc
from grpc_reflection.v1alpha import reflection, reflection_pb2

__all__ = ["METHOD", "SERVICE_NAMES", "V1", "V1ALPHA", "enable_reflection"]

V1: Final = "grpc.reflection.v1.ServerReflection"
V1ALPHA: Final[str] = reflection.SERVICE_NAME
SERVICE_NAMES: Final = (V1, V1ALPHA)
"""Newest first: the order clients try them in."""
METHOD: Final = "ServerReflectionInfo"


def enable_reflection(service_names: Iterable[str], server: grpc.aio.Server,
                      names: Iterable[str] = SERVICE_NAMES) -> None:
    """Serve reflection of ``service_names`` (and of v1alpha itself) on ``server`` under each of
    ``names`` (both by default; tests pass one to stand in for an older or newer server)."""
    servicer = reflection.aio.ReflectionServicer((*service_names, V1ALPHA))
    handlers = {
        METHOD: grpc.stream_stream_rpc_method_handler(
            servicer.ServerReflectionInfo,
            request_deserializer=reflection_pb2.ServerReflectionRequest.FromString,
            response_serializer=reflection_pb2.ServerReflectionResponse.SerializeToString,
        ),
    }
    for name in names:
        server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler(name, handlers),))
