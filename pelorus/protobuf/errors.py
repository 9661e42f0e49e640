"""The protobuf core's operator-facing error, in a module of its own: the CLI's schemaless paths catch it
without importing the schema machinery (google.protobuf's runtime, grpc_tools) they do not use."""

from __future__ import annotations


class SchemaError(Exception):
    """A schema could not be loaded or a type could not be found; the message is for operators."""


SchemaError.__module__ = "pelorus.protobuf.schema"  # where it has always been imported from (and shown)
