"""Every RPC against bad input: each case names the code and a substring of the message.

Bad input gets INVALID_ARGUMENT naming the field and the limit; INTERNAL and UNKNOWN never
come from a client's bytes. Raw cases go through a generic channel with identity
serializers, as an attacker's bytes would.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from typing import Any

import grpc
import pytest
from enginehelp import Client, EngineProcess, arun, sh_spec
from google.protobuf.message import Message

from pelorus.api import job_pb2, pod_pb2, watch_service_pb2, workflow_pb2
from pelorus.api import job_service_pb2 as js
from pelorus.api import pod_service_pb2 as ps
from pelorus.api import watch_service_pb2 as ws
from pelorus.engine import limits

IA = grpc.StatusCode.INVALID_ARGUMENT
JOB_ID = "00000000-0000-4000-8000-000000000000"  # replaced by a real job's id at run time


def spec(**changes: Any) -> job_pb2.JobSpec:
    s = sh_spec("bad-input", "true")
    for path, value in changes.items():
        target: Any = s
        *parents, last = path.split("__")
        for p in parents:
            target = getattr(target, p)
        if callable(value):
            value(getattr(target, last))
        else:
            setattr(target, last, value)
    return s


def schedule(**kw: Any) -> job_pb2.JobSpec:
    s = spec()
    for key, value in kw.items():
        if key == "at_seconds":
            s.schedule.at.seconds = value
        elif key == "every_seconds":
            s.schedule.every.seconds = value
        else:
            setattr(s.schedule, key, value)
    return s


def with_labels(n: int = 1, key: str = "k", value: str = "v") -> Callable[[Any], None]:
    def put(labels: Any) -> None:
        for i in range(n):
            labels[f"{key}{i}" if n > 1 else key] = value
    return put


# (case id, service.method, request, code, substring of the message)
CREATE = "JobService.CreateJob"
CASES: list[tuple[str, str, Message, grpc.StatusCode, str]] = [
    ("cron never fires", CREATE, js.CreateJobRequest(spec=schedule(cron="0 0 31 2 *")), IA,
     "spec.schedule.cron: '0 0 31 2 *' never fires"),
    ("cron 7 fields", CREATE, js.CreateJobRequest(spec=schedule(cron="0 0 1 1 * * 2030")), IA, "it has 7 fields"),
    ("cron garbage", CREATE, js.CreateJobRequest(spec=schedule(cron="every day")), IA, "expected 5 fields"),
    ("at after 9999", CREATE, js.CreateJobRequest(spec=schedule(at_seconds=limits.MAX_TIMESTAMP_SECONDS + 1)), IA,
     "spec.schedule.at: is out of range"),
    ("at before year 1", CREATE, js.CreateJobRequest(spec=schedule(at_seconds=limits.MIN_TIMESTAMP_SECONDS - 1)),
     IA, "9999-12-31T23:59:59Z"),
    ("every below minimum", CREATE, js.CreateJobRequest(spec=schedule(every_seconds=0)), IA,
     "spec.schedule.every"),
    ("cpu NaN", CREATE, js.CreateJobRequest(spec=spec(default_spec__resources__cpu=float("nan"))), IA,
     "spec.default_spec.resources.cpu: must be a finite number"),
    ("cpu inf", CREATE, js.CreateJobRequest(spec=spec(default_spec__resources__cpu=float("inf"))), IA,
     "must be a finite number, not inf"),
    ("cpu negative", CREATE, js.CreateJobRequest(spec=spec(default_spec__resources__cpu=-1.0)), IA,
     "must not be negative"),
    ("custom resource -3", CREATE, js.CreateJobRequest(
        spec=spec(default_spec__resources__custom=lambda m: m.__setitem__("gpu", -3)),
    ), IA, "spec.default_spec.resources.custom['gpu']: must not be negative"),
    ("invalid Duration", CREATE, js.CreateJobRequest(
        spec=spec(default_spec__kill_grace_period=lambda d: (setattr(d, "seconds", 1), setattr(d, "nanos", -5))),
    ), IA, "spec.default_spec.kill_grace_period: is not a valid Duration"),
    ("negative Duration", CREATE, js.CreateJobRequest(
        spec=spec(ttl_after_finished=lambda d: setattr(d, "seconds", -5)),
    ), IA, "spec.ttl_after_finished: must not be negative"),
    ("deadline 10^12 s", CREATE, js.CreateJobRequest(
        spec=spec(default_spec__active_deadline=lambda d: setattr(d, "seconds", 10**12)),
    ), IA, f"the limit is {limits.MAX_DURATION_SECONDS:,} s"),
    ("backoff kind 77", CREATE, js.CreateJobRequest(spec=spec(default_spec__backoff__kind=77)), IA,
     "spec.default_spec.backoff.kind: 77 is not a Kind; use one of KIND_FIXED, KIND_EXPONENTIAL"),
    ("restart policy 99", CREATE, js.CreateJobRequest(spec=spec(default_spec__restart_policy=99)), IA,
     "RESTART_POLICY_NEVER, RESTART_POLICY_ON_FAILURE, RESTART_POLICY_ALWAYS"),
    ("name too long", CREATE, js.CreateJobRequest(spec=spec(name="n" * 257)), IA, "spec.name"),
    ("owner 10 MB", CREATE, js.CreateJobRequest(spec=spec(owner="o" * 300)), IA,
     "spec.owner: is 300 characters; the limit is 256"),
    ("description too long", CREATE, js.CreateJobRequest(spec=spec(description="d" * 20_000)), IA,
     "spec.description: is 20,000 characters; the limit is 16,384"),
    ("label value too long", CREATE, js.CreateJobRequest(spec=spec(labels=with_labels(value="v" * 1000))), IA,
     "spec.labels['k']: is 1,000 characters; the limit is 256"),
    ("label key too long", CREATE, js.CreateJobRequest(spec=spec(labels=with_labels(key="k" * 1000))), IA,
     "the limit is 128"),
    ("too many labels", CREATE, js.CreateJobRequest(spec=spec(labels=with_labels(n=65))), IA,
     "spec.labels: has 65 entries; the limit is 64"),
    ("too many env", CREATE, js.CreateJobRequest(spec=spec(default_spec__env=lambda m: m.update(
        {f"V{i}": "x" for i in range(513)}))), IA, "spec.default_spec.env: has 513 entries; the limit is 512"),
    ("env value too long", CREATE, js.CreateJobRequest(spec=spec(default_spec__env=lambda m: m.update(
        {"BIG": "x" * 40_000}))), IA, "spec.default_spec.env['BIG']: is 40,000 characters"),
    ("too many args", CREATE, js.CreateJobRequest(spec=spec(default_spec__args=lambda a: a.extend(
        ["x"] * 1001))), IA, "spec.default_spec.args: has 1,003 entries; the limit is 1,000"),
    ("command too long", CREATE, js.CreateJobRequest(spec=spec(default_spec__command="c" * 5000)), IA,
     "spec.default_spec.command: is 5,000 characters; the limit is 4,096"),
    ("image on local", CREATE, js.CreateJobRequest(spec=spec(default_spec__image="alpine:3")), IA,
     "the 'local' executor cannot run container images"),
    ("no spec", CREATE, js.CreateJobRequest(), IA, "spec: required"),
    ("job id not a uuid", CREATE, js.CreateJobRequest(job_id="x", spec=spec()), IA, "job_id"),
    ("query state 42", "JobService.QueryJobs", js.QueryJobsRequest(spec=job_pb2.JobQuerySpec(job_states=[42])), IA,
     "spec.job_states[0]: 42 is not a JobState"),
    ("query created_after nanos", "JobService.QueryJobs", js.QueryJobsRequest(spec=job_pb2.JobQuerySpec(
        created_after={"seconds": 1, "nanos": 2_000_000_000})), IA, "spec.created_after: is not a valid Timestamp"),
    ("query order 5", "JobService.QueryJobs", js.QueryJobsRequest(spec=job_pb2.JobQuerySpec(
        pagination={"order_by": [{"order": 5, "property": "name"}]})), IA, "is not a Order"),
    ("query pods state 3", "JobService.QueryPods", js.QueryPodsRequest(
        job_id=JOB_ID, spec=pod_pb2.PodQuerySpec(pod_states=[3])), IA, "spec.pod_states[0]: 3 is not a PodState"),
    ("watch job_ids too long", "WatchService.Watch", ws.WatchRequest(job_filter=ws.JobFilter(job_ids=["x" * 200])),
     IA, "job_filter.job_ids[0]: is 200 characters; the limit is 128"),
    ("watchjob negative period", "WatchService.WatchJob", ws.WatchJobRequest(
        job_id=JOB_ID, progress_update_period={"seconds": -1}), IA, "progress_update_period: must not be negative"),
    ("patch mask too big", "JobService.PatchJob", js.PatchJobRequest(
        job_id=JOB_ID, update_mask={"paths": ["name"] * 101}), IA, "update_mask.paths: has 101 entries"),
    ("replace with bad enum", "JobService.ReplaceJob", js.ReplaceJobRequest(
        job_id=JOB_ID, spec=spec(default_spec__restart_policy=9)), IA, "spec.default_spec.restart_policy"),
    ("replace no spec", "JobService.ReplaceJob", js.ReplaceJobRequest(job_id=JOB_ID), IA, "spec: required"),
    ("diff with NaN", "JobService.GetReplaceJobDiff", js.GetReplaceJobDiffRequest(
        job_id=JOB_ID, spec=spec(default_spec__resources__cpu=float("nan"))), IA, "finite"),
    ("restart too many ranges", "JobService.RestartJob", js.RestartJobRequest(
        job_id=JOB_ID, restart_spec=workflow_pb2.RestartSpec(ranges=[workflow_pb2.InstanceRange(to=1)] * 1001)),
     IA, "restart_spec.ranges: has 1,001 entries"),
    ("unknown field", "JobService.GetJob", js.GetJobRequest(job_id=JOB_ID), IA, "does not define"),
]
# Every request that names a job or a pod refuses an empty id (not NOT_FOUND).
EMPTY_ID: list[tuple[str, Message, str]] = [
    *[(f"JobService.{m}", getattr(js, f"{m}Request")(), "job_id: required") for m in (
        "ReplaceJob", "PatchJob", "GetReplaceJobDiff", "RestartJob", "StartJob", "StopJob", "PauseJobWorkflow",
        "ResumeJobWorkflow", "AbortJobWorkflow", "DeleteJob", "GetJob", "ListJobWorkflows", "GetWorkflowEvents",
        "ListPods", "QueryPods", "RefreshJob", "GetJobCache")],
    *[(f"PodService.{m}", getattr(ps, f"{m}Request")(), "pod_name: required") for m in (
        "GetPod", "GetPodEvents", "StartPod", "StopPod", "RestartPod", "GetPodLogs")],
    ("JobService.GetJobIDFromJobName", js.GetJobIDFromJobNameRequest(), "job_name: required"),
    ("WatchService.WatchJob", ws.WatchJobRequest(), "job_id: required"),
]
STREAMING = {"ListJobs", "ListPods", "GetPodLogs", "Watch", "WatchJob"}
REQUEST_TYPES: dict[str, type[Message]] = {
    **{f"JobService.{m.name}": getattr(js, m.input_type.name)
       for m in js.DESCRIPTOR.services_by_name["JobService"].methods},
    **{f"PodService.{m.name}": getattr(ps, m.input_type.name)
       for m in ps.DESCRIPTOR.services_by_name["PodService"].methods},
    **{f"WatchService.{m.name}": getattr(ws, m.input_type.name)
       for m in watch_service_pb2.DESCRIPTOR.services_by_name["WatchService"].methods},
}


async def call_raw(channel: grpc.aio.Channel, method: str, data: bytes, timeout: float = 10.0
                   ) -> tuple[grpc.StatusCode, str]:
    """Send bytes as the request of pelorus.v1.<method>; the status and its message."""
    service, name = method.split(".")
    path = f"/pelorus.v1.{service}/{name}"
    try:
        if method.rsplit(".", 1)[-1] in STREAMING:
            call = channel.unary_stream(path)(data, timeout=timeout)
            async for _ in call:
                if method.endswith(("Watch", "WatchJob")):
                    call.cancel()
                    return grpc.StatusCode.OK, ""
            return grpc.StatusCode.OK, ""
        await channel.unary_unary(path)(data, timeout=timeout)
        return grpc.StatusCode.OK, ""
    except grpc.aio.AioRpcError as exc:
        return exc.code(), exc.details() or ""


def _with_job(request: Message, job_id: str) -> bytes:
    data = request.SerializeToString()
    return data.replace(JOB_ID.encode(), job_id.encode())


@pytest.fixture(scope="module")
def job_id(shared_engine: EngineProcess) -> str:
    async def create() -> str:
        async with Client(shared_engine.address) as c:
            return (await c.create(sh_spec("bad-input-target", "sleep 600"))).job_id
    return arun(create())


@pytest.mark.parametrize(("case", "method", "request_", "code", "needle"), CASES, ids=[c[0] for c in CASES])
def test_bad_request_is_refused_naming_the_field(shared_engine: EngineProcess, job_id: str, case: str,
                                                 method: str, request_: Message, code: grpc.StatusCode,
                                                 needle: str) -> None:
    data = _with_job(request_, job_id)
    if case == "unknown field":
        data += b"\xf8\x06\x01"  # field 111, varint 1
    async def body() -> tuple[grpc.StatusCode, str]:
        async with Client(shared_engine.address) as c:
            return await call_raw(c.channel, method, data)
    got, message = arun(body())
    assert got == code, f"{case}: {got} {message}"
    assert needle in message, f"{case}: {message!r} lacks {needle!r}"


@pytest.mark.parametrize(("method", "request_", "needle"), EMPTY_ID, ids=[c[0] for c in EMPTY_ID])
def test_empty_id_is_invalid_argument(shared_engine: EngineProcess, method: str, request_: Message,
                                      needle: str) -> None:
    async def body() -> tuple[grpc.StatusCode, str]:
        async with Client(shared_engine.address) as c:
            return await call_raw(c.channel, method, request_.SerializeToString())
    got, message = arun(body())
    assert got == IA and needle in message, (got, message)


UNDECODABLE = {
    "invalid UTF-8": b"\x0a\x02\xff\xfe",
    "truncated": b"\x0a\x05ab",
    "10,000 nested groups": b"\x13" * 10_000 + b"\x14" * 10_000,
    "length past the end": b"\x0a\x80\x80\x80\x80\x08xyz",
}


@pytest.mark.parametrize("method", sorted(REQUEST_TYPES))
def test_undecodable_bytes_are_invalid_argument_naming_the_type(shared_engine: EngineProcess, method: str) -> None:
    type_name = REQUEST_TYPES[method].DESCRIPTOR.full_name

    async def body() -> list[tuple[str, grpc.StatusCode, str]]:
        async with Client(shared_engine.address) as c:
            return [(what, *await call_raw(c.channel, method, data)) for what, data in UNDECODABLE.items()]
    for what, code, message in arun(body()):
        assert code == IA, f"{method} {what}: {code} {message}"
        # a body that is valid on the wire but not for the type is named by its field instead
        assert f"could not be read as {type_name}" in message or f"(in {type_name})" in message, message


def test_undecodable_floods_log_one_warning_and_no_traceback(engine_factory: type[EngineProcess]) -> None:
    eng = engine_factory().start()
    before = len(eng.log())

    async def body() -> None:
        async with Client(eng.address) as c:
            for _ in range(200):
                code, _msg = await call_raw(c.channel, "JobService.GetJob", UNDECODABLE["truncated"])
                assert code == IA
    arun(body())
    log = eng.log()[before:]
    assert "Traceback" not in log and " ERROR " not in log, log[-2000:]
    warnings = [line for line in log.splitlines() if " WARNING " in line and "could not be read" in line]
    assert 1 <= len(warnings) <= 2, warnings


def test_oversized_request_is_refused_with_the_limit(shared_engine: EngineProcess) -> None:
    data = js.GetJobRequest(job_id="x" * (limits.MAX_REQUEST_BYTES + 10)).SerializeToString()

    async def body() -> tuple[grpc.StatusCode, str]:
        async with Client(shared_engine.address) as c:
            return await call_raw(c.channel, "JobService.GetJob", data)
    code, message = arun(body())
    assert code == IA and f"at most {limits.MAX_REQUEST_BYTES:,} bytes" in message, (code, message)


def test_query_pagination_reports_the_limit_applied(shared_engine: EngineProcess, job_id: str) -> None:
    async def body() -> list[int]:
        async with Client(shared_engine.address) as c:
            out = []
            for asked in (0, 1, 50_000):
                q = job_pb2.JobQuerySpec()
                q.pagination.limit = asked
                out.append((await c.jobs.QueryJobs(js.QueryJobsRequest(spec=q))).pagination.limit)
            return out
    assert arun(body()) == [limits.QUERY_DEFAULT_LIMIT, 1, limits.QUERY_MAX_LIMIT]


def test_a_refused_request_leaves_nothing_behind(shared_engine: EngineProcess) -> None:
    async def body() -> None:
        async with Client(shared_engine.address) as c:
            before = (await c.jobs.QueryJobs(js.QueryJobsRequest())).pagination.total
            for _case, method, request_, _code, _needle in CASES:
                if method == CREATE:
                    await call_raw(c.channel, method, request_.SerializeToString())
            after = (await c.jobs.QueryJobs(js.QueryJobsRequest())).pagination.total
            assert after == before

    arun(body())


def test_limits_doc_is_generated_from_the_code() -> None:
    from pathlib import Path

    doc = Path(__file__).resolve().parents[2] / "docs" / "limits.md"
    assert doc.read_text() == limits.markdown(), "regenerate: python -m pelorus.engine.limits > docs/limits.md"
    assert re.search(r"Serialised request \| 4 MiB", doc.read_text())


def test_engine_log_has_no_traceback_after_the_bad_inputs(shared_engine: EngineProcess) -> None:
    asyncio.run(asyncio.sleep(0.2))
    log = shared_engine.log()
    assert "Traceback" not in log and " ERROR " not in log, log[-3000:]
