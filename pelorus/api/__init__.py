"""Code generated from proto/pelorus/v1 (committed; regenerate with `python pelorus/api/regenerate.py`).

Import the generated modules from here so that callers never depend on protoc's package layout::

    from pelorus.api import job_pb2, job_service_pb2_grpc
"""

from pelorus.api.v1 import (
    common_pb2,
    job_pb2,
    job_service_pb2,
    job_service_pb2_grpc,
    pod_pb2,
    pod_service_pb2,
    pod_service_pb2_grpc,
    watch_service_pb2,
    watch_service_pb2_grpc,
    workflow_pb2,
)

__all__ = [
    "common_pb2",
    "job_pb2",
    "job_service_pb2",
    "job_service_pb2_grpc",
    "pod_pb2",
    "pod_service_pb2",
    "pod_service_pb2_grpc",
    "watch_service_pb2",
    "watch_service_pb2_grpc",
    "workflow_pb2",
]
