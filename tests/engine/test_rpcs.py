"""Every JobService / PodService RPC against a real engine, with its error codes."""

from __future__ import annotations

import uuid

import grpc
import pytest
from enginehelp import Client, EngineProcess, arun, sh_spec
from google.protobuf import field_mask_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from pelorus.api import common_pb2, job_pb2, pod_pb2, workflow_pb2
from pelorus.api import job_service_pb2 as js
from pelorus.api import pod_service_pb2 as ps

J, P, W = job_pb2, pod_pb2, workflow_pb2
DONE = (J.JOB_STATE_SUCCEEDED, J.JOB_STATE_FAILED, J.JOB_STATE_KILLED)


async def expect_code(code: grpc.StatusCode, call, *needles: str) -> str:
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await call
    assert info.value.code() == code, info.value.details()
    for needle in needles:
        assert needle in info.value.details(), info.value.details()
    return info.value.details() or ""


def version(value: int) -> common_pb2.EntityVersion:
    return common_pb2.EntityVersion(value=value)


def test_create_get_and_finish(shared_engine: EngineProcess) -> None:
    async def body() -> None:
        async with Client(shared_engine.address) as c:
            spec = sh_spec("rpc-basic", "echo hello; exit 0", instances=2)
            spec.labels["team"] = "core"
            created = await c.create(spec)
            assert created.created and created.version.value == 1
            uuid.UUID(created.job_id)
            st = await c.wait_state(created.job_id, J.JOB_STATE_SUCCEEDED)
            assert st.reason == "SUCCEEDED" and "2 instance" in st.message
            assert st.pod_stats["POD_STATE_SUCCEEDED"] == 2 and st.instances_done == 2
            for field in ("created_at", "updated_at", "dispatched_at", "started_at", "ended_at"):
                assert st.HasField(field), field
            got = await c.get(created.job_id)
            assert got.job_info.spec.labels["team"] == "core"
            assert got.summary.name == "rpc-basic" and got.summary.status.state == J.JOB_STATE_SUCCEEDED
            assert got.workflow_info.status.type == W.WORKFLOW_TYPE_START
            summary_only = await c.jobs.GetJob(js.GetJobRequest(job_id=created.job_id, summary_only=True))
            assert not summary_only.HasField("job_info") and summary_only.summary.job_id == created.job_id

    arun(body())


def test_bad_specs_are_rejected_naming_the_field(shared_engine: EngineProcess) -> None:
    async def body() -> None:
        async with Client(shared_engine.address) as c:
            cases = []
            s = sh_spec("x", "true")
            s.instance_count = 0
            cases.append((s, "spec.instance_count"))
            s = sh_spec("x", "true")
            s.default_spec.command = " "
            cases.append((s, "spec.default_spec.command"))
            s = sh_spec("x", "true")
            s.schedule.cron = "every day at noon"
            cases.append((s, "spec.schedule.cron"))
            s = sh_spec("", "true")
            cases.append((s, "spec.name"))
            s = sh_spec("x", "true")
            s.default_spec.active_deadline.seconds = -5
            cases.append((s, "spec.default_spec.active_deadline"))
            s = sh_spec("x", "true")
            s.schedule.cron = "0 * * * *"
            s.schedule.timezone = "Mars/Olympus"
            cases.append((s, "spec.schedule.timezone"))
            before = await c.jobs.QueryJobs(js.QueryJobsRequest())
            for spec, field in cases:
                await expect_code(grpc.StatusCode.INVALID_ARGUMENT, c.create(spec), field)
            await expect_code(grpc.StatusCode.INVALID_ARGUMENT, c.create(sh_spec("x", "true"), job_id="not-a-uuid"),
                              "job_id")
            after = await c.jobs.QueryJobs(js.QueryJobsRequest())
            assert after.pagination.total == before.pagination.total, "a rejected spec left a job behind"

    arun(body())


def test_unknown_ids_are_not_found(shared_engine: EngineProcess) -> None:
    async def body() -> None:
        async with Client(shared_engine.address) as c:
            missing = str(uuid.uuid4())
            nf = grpc.StatusCode.NOT_FOUND
            await expect_code(nf, c.get(missing), missing)
            await expect_code(nf, c.jobs.StopJob(js.StopJobRequest(job_id=missing, version=version(1))))
            await expect_code(nf, c.jobs.GetJobIDFromJobName(js.GetJobIDFromJobNameRequest(job_name="nope-nope")))
            await expect_code(nf, c.pods.GetPod(ps.GetPodRequest(pod_name=f"{missing}-0")))
            await expect_code(nf, c.jobs.ListJobWorkflows(js.ListJobWorkflowsRequest(job_id=missing)))
            await expect_code(nf, c.jobs.RefreshJob(js.RefreshJobRequest(job_id=missing)))
            await expect_code(nf, c.jobs.GetJobCache(js.GetJobCacheRequest(job_id=missing)))
            stream = c.pods.GetPodLogs(ps.GetPodLogsRequest(pod_name=f"{missing}-3"))
            await expect_code(nf, stream.read())
            stream = c.jobs.ListPods(js.ListPodsRequest(job_id=missing))
            await expect_code(nf, stream.read())

    arun(body())


def test_idempotent_create(shared_engine: EngineProcess) -> None:
    async def body() -> None:
        async with Client(shared_engine.address) as c:
            spec = sh_spec("idem", "true")
            job_id = str(uuid.uuid4())
            first = await c.create(spec, job_id=job_id)
            again = await c.create(spec, job_id=job_id)
            assert first.job_id == again.job_id == job_id and first.created and not again.created
            other = sh_spec("idem", "false")
            await expect_code(grpc.StatusCode.ALREADY_EXISTS, c.create(other, job_id=job_id), job_id)
            key = f"key-{uuid.uuid4()}"
            a = await c.create(spec, idempotency_key=key)
            b = await c.create(spec, idempotency_key=key)
            assert a.job_id == b.job_id and not b.created
            await expect_code(grpc.StatusCode.ALREADY_EXISTS, c.create(other, idempotency_key=key),
                              "idempotency key")

    arun(body())


def test_stale_version_is_aborted_and_changes_nothing(shared_engine: EngineProcess) -> None:
    async def body() -> None:
        async with Client(shared_engine.address) as c:
            created = await c.create(sh_spec("stale", "sleep 30", instances=2, kill_grace_period=0.5))
            job_id = created.job_id
            await c.wait_state(job_id, J.JOB_STATE_RUNNING)
            restarted = await c.jobs.RestartJob(js.RestartJobRequest(job_id=job_id, version=created.version))
            assert restarted.version.value == 2
            before = await c.get(job_id)
            stale = version(1)
            aborted = grpc.StatusCode.ABORTED
            await expect_code(aborted, c.jobs.StopJob(js.StopJobRequest(job_id=job_id, version=stale)),
                              "unexpected entity version")
            await expect_code(aborted, c.jobs.ReplaceJob(js.ReplaceJobRequest(job_id=job_id, version=stale,
                                                                              spec=before.job_info.spec)))
            await expect_code(aborted, c.jobs.RestartJob(js.RestartJobRequest(job_id=job_id, version=stale)))
            await expect_code(aborted, c.jobs.DeleteJob(js.DeleteJobRequest(job_id=job_id, version=stale,
                                                                            force=True)))
            after = await c.get(job_id)
            assert after.job_info.status.version.value == 2
            assert after.job_info.spec == before.job_info.spec
            assert after.job_info.status.desired_state == J.JOB_STATE_RUNNING
            await c.jobs.StopJob(js.StopJobRequest(job_id=job_id, version=version(2)))
            await c.wait_state(job_id, J.JOB_STATE_KILLED)

    arun(body())


def test_replace_diff_and_patch(shared_engine: EngineProcess) -> None:
    async def body() -> None:
        async with Client(shared_engine.address) as c:
            created = await c.create(sh_spec("replace", "sleep 30", instances=3, kill_grace_period=0.2))
            job_id = created.job_id
            await c.wait_state(job_id, J.JOB_STATE_RUNNING)
            spec = (await c.get(job_id)).job_info.spec
            spec.instance_count = 4
            diff = await c.jobs.GetReplaceJobDiff(js.GetReplaceJobDiffRequest(job_id=job_id, version=created.version,
                                                                              spec=spec))
            assert [(getattr(r, "from"), r.to) for r in diff.instances_added] == [(3, 4)]
            assert [(getattr(r, "from"), r.to) for r in diff.instances_unchanged] == [(0, 3)]
            assert not diff.instances_updated
            spec.default_spec.env["COLOR"] = "blue"
            diff = await c.jobs.GetReplaceJobDiff(js.GetReplaceJobDiffRequest(job_id=job_id, version=created.version,
                                                                              spec=spec))
            assert [(getattr(r, "from"), r.to) for r in diff.instances_updated] == [(0, 3)]
            # Patch only the instance count down to 2: instance 2 is removed.
            patch = job_pb2.JobSpec(instance_count=2)
            resp = await c.jobs.PatchJob(js.PatchJobRequest(
                job_id=job_id, version=created.version, spec=patch,
                update_mask=field_mask_pb2.FieldMask(paths=["instance_count"])))
            assert resp.version.value == 2
            got = await c.get(job_id)
            assert got.job_info.spec.instance_count == 2 and got.job_info.spec.name == "replace"
            await c.wait_job(job_id, lambda st: sum(st.pod_stats.values()) == 2, what="two pods")
            await expect_code(grpc.StatusCode.INVALID_ARGUMENT, c.jobs.PatchJob(js.PatchJobRequest(
                job_id=job_id, version=resp.version, spec=patch)), "update_mask")
            await expect_code(grpc.StatusCode.INVALID_ARGUMENT, c.jobs.PatchJob(js.PatchJobRequest(
                job_id=job_id, version=resp.version, spec=patch,
                update_mask=field_mask_pb2.FieldMask(paths=["no_such_field"]))))
            bad = job_pb2.JobSpec()
            bad.CopyFrom(got.job_info.spec)
            bad.instance_count = 0
            await expect_code(grpc.StatusCode.INVALID_ARGUMENT, c.jobs.ReplaceJob(js.ReplaceJobRequest(
                job_id=job_id, version=resp.version, spec=bad)), "instance_count")
            await c.jobs.StopJob(js.StopJobRequest(job_id=job_id, version=resp.version))
            await c.wait_state(job_id, J.JOB_STATE_KILLED)

    arun(body())


def test_query_list_and_names(shared_engine: EngineProcess) -> None:
    async def body() -> None:
        async with Client(shared_engine.address) as c:
            tag = uuid.uuid4().hex[:8]
            ids = []
            for i, owner in enumerate(["ann", "bob", "ann"]):
                spec = sh_spec(f"q-{tag}-{i}", "true")
                spec.owner = owner
                spec.priority = i
                spec.labels["batch"] = tag
                spec.labels["idx"] = str(i)
                ids.append((await c.create(spec)).job_id)
            for job_id in ids:
                await c.wait_state(job_id, J.JOB_STATE_SUCCEEDED)
            q = job_pb2.JobQuerySpec(owner="ann")
            q.labels["batch"] = tag
            q.pagination.order_by.add(property="priority", order=common_pb2.OrderBy.ORDER_DESC)
            resp = await c.jobs.QueryJobs(js.QueryJobsRequest(spec=q))
            assert [r.job_id for r in resp.records] == [ids[2], ids[0]] and resp.pagination.total == 2
            q = job_pb2.JobQuerySpec(keywords=[tag], job_states=[J.JOB_STATE_SUCCEEDED])
            q.pagination.limit = 1
            q.pagination.offset = 1
            q.pagination.order_by.add(property="name")
            resp = await c.jobs.QueryJobs(js.QueryJobsRequest(spec=q))
            assert resp.pagination.total == 3 and [r.name for r in resp.records] == [f"q-{tag}-1"]
            q = job_pb2.JobQuerySpec(keywords=[tag])
            q.pagination.order_by.add(property="bogus")
            await expect_code(grpc.StatusCode.INVALID_ARGUMENT, c.jobs.QueryJobs(js.QueryJobsRequest(spec=q)),
                              "bogus")
            names = await c.jobs.GetJobIDFromJobName(js.GetJobIDFromJobNameRequest(job_name=f"q-{tag}-1"))
            assert list(names.job_id) == [ids[1]]
            seen: list[str] = []
            last = None
            async for msg in c.jobs.ListJobs(js.ListJobsRequest(batch_size=2)):
                assert len(msg.jobs) <= 2
                seen.extend(j.job_id for j in msg.jobs)
                last = msg
            assert last is not None and last.last and last.revision > 0
            assert set(ids) <= set(seen) and len(seen) == len(set(seen))

    arun(body())


def test_pods_list_query_events_cache(shared_engine: EngineProcess) -> None:
    async def body() -> None:
        async with Client(shared_engine.address) as c:
            created = await c.create(sh_spec("pods", "exit $((PELORUS_INSTANCE_ID % 2))", instances=5))
            job_id = created.job_id
            await c.wait_state(job_id, J.JOB_STATE_FAILED)
            pods = []
            async for msg in c.jobs.ListPods(js.ListPodsRequest(job_id=job_id, batch_size=2)):
                pods.extend(msg.pods)
            assert [p.instance_id for p in pods] == [0, 1, 2, 3, 4]
            assert all(p.pod_name == f"{job_id}-{p.instance_id}" for p in pods)
            assert all(p.status.pod_id == f"{p.pod_name}-1" for p in pods)
            q = pod_pb2.PodQuerySpec(pod_states=[P.POD_STATE_FAILED])
            q.pagination.order_by.add(property="instance_id", order=common_pb2.OrderBy.ORDER_DESC)
            resp = await c.jobs.QueryPods(js.QueryPodsRequest(job_id=job_id, spec=q))
            assert [p.instance_id for p in resp.pods] == [3, 1] and resp.pagination.total == 2
            assert all(p.status.exit_code == 1 and p.status.has_exit_code for p in resp.pods)
            events = await c.pods.GetPodEvents(ps.GetPodEventsRequest(pod_name=f"{job_id}-1"))
            states = [e.actual_state for e in events.events]
            assert states[0] == P.POD_STATE_PENDING and states[-1] == P.POD_STATE_FAILED
            assert P.POD_STATE_RUNNING in states
            assert all(e.timestamp.seconds > 0 for e in events.events)
            cache = await c.jobs.GetJobCache(js.GetJobCacheRequest(job_id=job_id))
            assert cache.status.state == J.JOB_STATE_FAILED and cache.spec.name == "pods"
            await c.jobs.RefreshJob(js.RefreshJobRequest(job_id=job_id))
            assert (await c.status(job_id)).state == J.JOB_STATE_FAILED
            workflows = await c.jobs.ListJobWorkflows(js.ListJobWorkflowsRequest(job_id=job_id))
            assert workflows.workflows[0].status.type == W.WORKFLOW_TYPE_START
            assert workflows.workflows[0].events[0].message == "job created"
            ev = await c.jobs.GetWorkflowEvents(js.GetWorkflowEventsRequest(job_id=job_id))
            assert ev.events and ev.events[0].message == "job created"

    arun(body())


def test_start_stop_and_delete(shared_engine: EngineProcess) -> None:
    async def body() -> None:
        async with Client(shared_engine.address) as c:
            created = await c.create(sh_spec("startstop", "sleep 30", instances=2, kill_grace_period=0.3),
                                     start_paused=True)
            job_id = created.job_id
            st = await c.status(job_id)
            assert st.state == J.JOB_STATE_INITIALIZED and not st.HasField("started_at")
            started = await c.jobs.StartJob(js.StartJobRequest(job_id=job_id, version=created.version))
            await c.wait_state(job_id, J.JOB_STATE_RUNNING)
            await expect_code(grpc.StatusCode.FAILED_PRECONDITION,
                              c.jobs.DeleteJob(js.DeleteJobRequest(job_id=job_id, version=started.version)),
                              "force")
            stopped = await c.jobs.StopJob(js.StopJobRequest(job_id=job_id, version=started.version))
            st = await c.wait_state(job_id, J.JOB_STATE_KILLED)
            assert st.reason == "KILLED_ON_REQUEST" and st.pod_stats["POD_STATE_KILLED"] == 2
            again = await c.jobs.StartJob(js.StartJobRequest(job_id=job_id, version=stopped.version))
            await c.wait_job(job_id, lambda s: s.pod_stats.get("POD_STATE_RUNNING") == 2, what="2 running")
            pod = await c.pod(job_id, 0)
            assert pod.current.status.run == 2 and pod.previous[0].status.state == P.POD_STATE_KILLED
            await c.jobs.DeleteJob(js.DeleteJobRequest(job_id=job_id, version=again.version, force=True))
            await expect_code(grpc.StatusCode.NOT_FOUND, c.get(job_id))

    arun(body())


def test_health_and_reflection(shared_engine: EngineProcess) -> None:
    async def body() -> None:
        async with Client(shared_engine.address) as c:
            health = health_pb2_grpc.HealthStub(c.channel)
            for service in ("", "pelorus.v1.JobService", "pelorus.v1.WatchService", "pelorus.v1.Executor"):
                resp = await health.Check(health_pb2.HealthCheckRequest(service=service))
                assert resp.status == health_pb2.HealthCheckResponse.SERVING
            refl = reflection_pb2_grpc.ServerReflectionStub(c.channel)

            async def requests():
                yield reflection_pb2.ServerReflectionRequest(list_services="")
                yield reflection_pb2.ServerReflectionRequest(file_containing_symbol="pelorus.v1.JobService")

            answers = [a async for a in refl.ServerReflectionInfo(requests())]
            names = {s.name for s in answers[0].list_services_response.service}
            assert {"pelorus.v1.JobService", "pelorus.v1.PodService", "pelorus.v1.WatchService"} <= names
            assert answers[1].file_descriptor_response.file_descriptor_proto

    arun(body())
