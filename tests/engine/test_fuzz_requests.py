"""A fuzz sweep over every RPC: random valid-ish requests (built from each request type's
descriptor) and random bytes, sent as raw bytes through a generic channel. Every answer must
be a code a client can act on, never INTERNAL or UNKNOWN, and the engine must stay up with
no traceback in its log.

Pods the sweep might create run with PATH pointing at an empty directory and with the
command forced to `true`, so a random request cannot run anything real.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest
from enginehelp import EngineProcess
from google.protobuf.descriptor import Descriptor, FieldDescriptor
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pelorus.api import job_service_pb2, pod_service_pb2, watch_service_pb2

FD = FieldDescriptor
ALLOWED = {
    grpc.StatusCode.OK, grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.NOT_FOUND, grpc.StatusCode.ALREADY_EXISTS,
    grpc.StatusCode.ABORTED, grpc.StatusCode.FAILED_PRECONDITION, grpc.StatusCode.OUT_OF_RANGE,
    grpc.StatusCode.RESOURCE_EXHAUSTED, grpc.StatusCode.PERMISSION_DENIED, grpc.StatusCode.UNAUTHENTICATED,
}
METHODS: list[tuple[str, Any, bool]] = []  # (path, request class, server-streaming)
for module, service in ((job_service_pb2, "JobService"), (pod_service_pb2, "PodService"),
                        (watch_service_pb2, "WatchService")):
    for m in module.DESCRIPTOR.services_by_name[service].methods:
        METHODS.append((f"/pelorus.v1.{service}/{m.name}", getattr(module, m.input_type.name), m.server_streaming))

I32, U32, I64, U64 = (-(2**31), 2**31 - 1), (0, 2**32 - 1), (-(2**63), 2**63 - 1), (0, 2**64 - 1)
INT_RANGES = {FD.TYPE_INT32: I32, FD.TYPE_SINT32: I32, FD.TYPE_SFIXED32: I32, FD.TYPE_UINT32: U32,
              FD.TYPE_FIXED32: U32, FD.TYPE_INT64: I64, FD.TYPE_SINT64: I64, FD.TYPE_SFIXED64: I64,
              FD.TYPE_UINT64: U64, FD.TYPE_FIXED64: U64}
texts = st.one_of(st.text(max_size=20), st.sampled_from(["", "x" * 300, "é" * 5000, "0 0 31 2 *", "* * * * *",
                                                          "Europe/Paris", "name"]),
                  st.builds(lambda n: "k" * n, st.integers(0, 20_000)))
numbers = st.one_of(st.floats(allow_nan=True, allow_infinity=True, width=64), st.sampled_from([0.0, -3.0, 1e308]))


def _ints(kind: int) -> st.SearchStrategy[int]:
    lo, hi = INT_RANGES[kind]
    return st.one_of(st.integers(lo, hi), st.sampled_from([lo, hi, 0, 1]), st.integers(max(lo, -5), min(hi, 100)))


def _value(draw: Any, field: FieldDescriptor, depth: int, job_ids: list[str]) -> Any:
    kind = field.type
    if kind == FD.TYPE_STRING:
        if field.name == "command":
            return draw(st.sampled_from(["", "true"]))
        if field.name in ("job_id", "pod_name", "pod_id") and job_ids and draw(st.booleans()):
            base = draw(st.sampled_from(job_ids))
            return base if field.name == "job_id" else f"{base}-{draw(st.integers(0, 2))}"
        return draw(texts)
    if kind == FD.TYPE_BYTES:
        return draw(st.binary(max_size=50))
    if kind == FD.TYPE_BOOL:
        return draw(st.booleans())
    if kind in (FD.TYPE_DOUBLE, FD.TYPE_FLOAT):
        value = draw(numbers)
        return value if kind == FD.TYPE_DOUBLE or not (abs(value) > 3e38) else float("inf")
    if kind == FD.TYPE_ENUM:
        return draw(st.one_of(st.sampled_from([v.number for v in field.enum_type.values]), st.integers(-3, 120)))
    return draw(_ints(kind))


@st.composite
def messages(draw: Any, desc: Descriptor, depth: int = 0, job_ids: tuple[str, ...] = ()) -> Any:
    from google.protobuf import message_factory

    msg = message_factory.GetMessageClass(desc)()
    for field in desc.fields:
        if not draw(st.booleans()):
            continue
        if field.message_type is not None:
            if depth >= 4:
                continue
            entry = field.message_type
            if field.is_repeated and entry.GetOptions().map_entry:
                for _ in range(draw(st.integers(0, 3))):
                    key = _value(draw, entry.fields_by_name["key"], depth, list(job_ids))
                    target = getattr(msg, field.name)
                    value_field = entry.fields_by_name["value"]
                    if value_field.message_type is not None:
                        target[key].CopyFrom(draw(messages(value_field.message_type, depth + 1, job_ids)))
                    else:
                        target[key] = _value(draw, value_field, depth, list(job_ids))
            elif field.is_repeated:
                for _ in range(draw(st.integers(0, 2))):
                    getattr(msg, field.name).add().CopyFrom(draw(messages(entry, depth + 1, job_ids)))
            elif entry.full_name == "google.protobuf.Any":
                getattr(msg, field.name).type_url = draw(texts)
            else:
                getattr(msg, field.name).CopyFrom(draw(messages(entry, depth + 1, job_ids)))
        elif field.is_repeated:
            for _ in range(draw(st.integers(0, 3))):
                getattr(msg, field.name).append(_value(draw, field, depth, list(job_ids)))
        else:
            setattr(msg, field.name, _value(draw, field, depth, list(job_ids)))
    return msg


@pytest.fixture(scope="module")
def fuzz_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[EngineProcess, grpc.Channel, list[str]]]:
    base = tmp_path_factory.mktemp("fuzz")
    empty = base / "empty-path"
    empty.mkdir()
    saved = os.environ.get("PATH", "")
    os.environ["PATH"] = str(empty)  # what pods would look commands up in; the engine needs none
    try:
        eng = EngineProcess(base / "engine", "--max-running-pods", "2").start()
    finally:
        os.environ["PATH"] = saved
    channel = grpc.insecure_channel(eng.address)
    from pelorus.api import job_pb2

    spec = job_pb2.JobSpec(name="fuzz-target", instance_count=2)
    spec.default_spec.command = "true"
    created = channel.unary_unary("/pelorus.v1.JobService/CreateJob")(
        job_service_pb2.CreateJobRequest(spec=spec, start_paused=True).SerializeToString(), timeout=10)
    job_id = job_service_pb2.CreateJobResponse.FromString(created).job_id
    try:
        yield eng, channel, [job_id]
    finally:
        channel.close()
        eng.stop()
        eng.reap_pods()


def _call(channel: grpc.Channel, path: str, streaming: bool, data: bytes) -> grpc.StatusCode:
    try:
        if streaming:
            call = channel.unary_stream(path)(data, timeout=5)
            for _ in call:
                call.cancel()  # the first answer is enough (Watch never ends)
                break
        else:
            channel.unary_unary(path)(data, timeout=5)
    except grpc.RpcError as exc:
        code = exc.code()  # type: ignore[attr-defined]
        return grpc.StatusCode.OK if code == grpc.StatusCode.CANCELLED else code  # type: ignore[no-any-return]
    return grpc.StatusCode.OK


FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), database=None)


@pytest.mark.slow
@pytest.mark.parametrize(("path", "request_type", "streaming"), METHODS, ids=[m[0].rsplit("/", 1)[-1] for m in METHODS])
def test_random_requests_get_an_actionable_code(fuzz_engine: tuple[EngineProcess, grpc.Channel, list[str]],
                                                path: str, request_type: Any, streaming: bool) -> None:
    eng, channel, job_ids = fuzz_engine

    @FUZZ
    @given(st.one_of(messages(request_type.DESCRIPTOR, job_ids=tuple(job_ids)).map(lambda m: m.SerializeToString()),
                     st.binary(max_size=300)))
    def sweep(data: bytes) -> None:
        code = _call(channel, path, streaming, data)
        assert code in ALLOWED, f"{path} answered {code} to {data[:200]!r}"

    sweep()
    assert eng.proc is not None and eng.proc.poll() is None, "the engine died"
    log = eng.log()
    assert "Traceback" not in log and " ERROR " not in log, log[-3000:]


def test_engine_still_answers_after_the_sweep(fuzz_engine: tuple[EngineProcess, grpc.Channel, list[str]]) -> None:
    eng, channel, job_ids = fuzz_engine
    try:
        got = channel.unary_unary("/pelorus.v1.JobService/GetJob")(
            job_service_pb2.GetJobRequest(job_id=job_ids[0]).SerializeToString(), timeout=10)
        assert job_service_pb2.GetJobResponse.FromString(got).job_info.job_id == job_ids[0]
    except grpc.RpcError as exc:
        # The sweep may have deleted it: a DeleteJob at its (unchanged) version 1 is a valid request,
        # now that the no-op actions before it no longer bump that version.
        assert exc.code() == grpc.StatusCode.NOT_FOUND, exc  # type: ignore[attr-defined]
        listed = channel.unary_stream("/pelorus.v1.JobService/ListJobs")(
            job_service_pb2.ListJobsRequest().SerializeToString(), timeout=10)
        assert any(job_service_pb2.ListJobsResponse.FromString(r).last for r in listed)
    assert Path(eng.data_dir).exists()
