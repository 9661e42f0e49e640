"""ListJobVersions against a real engine: every spec version, newest first, paged, with when and
the workflow each started; a stale or bad request fails naming what is wrong."""

from __future__ import annotations

import grpc
import pytest
from enginehelp import Client, EngineProcess, arun, sh_spec

from pelorus.api import common_pb2, job_pb2, workflow_pb2
from pelorus.api import job_service_pb2 as js
from pelorus.api import pod_service_pb2 as ps

J, W = job_pb2, workflow_pb2


async def _code(call: object) -> tuple[grpc.StatusCode, str]:
    try:
        await call  # type: ignore[misc]
    except grpc.aio.AioRpcError as exc:
        return exc.code(), exc.details() or ""
    return grpc.StatusCode.OK, ""


async def _job_with_three_versions(c: Client) -> tuple[str, int]:
    """A finished job whose spec was set three times (create + two replaces), then restarted
    (a new entity version that sets no spec); returns its id and entity version."""
    spec = sh_spec("versions", "true")
    spec.labels["v"] = "1"
    created = await c.create(spec)
    job_id = created.job_id
    await c.wait_state(job_id, J.JOB_STATE_SUCCEEDED)
    version = (await c.status(job_id)).version.value
    for v in ("2", "3"):
        spec.labels["v"] = v
        resp = await c.jobs.ReplaceJob(js.ReplaceJobRequest(job_id=job_id, spec=spec,
                                                            version=common_pb2.EntityVersion(value=version)))
        version = resp.version.value
    restarted = await c.jobs.RestartJob(js.RestartJobRequest(job_id=job_id,
                                                             version=common_pb2.EntityVersion(value=version)))
    return job_id, restarted.version.value


@pytest.mark.slow
def test_versions_newest_first_with_time_and_workflow(shared_engine: EngineProcess) -> None:
    async def body() -> None:
        async with Client(shared_engine.address) as c:
            job_id, now_version = await _job_with_three_versions(c)
            resp = await c.jobs.ListJobVersions(js.ListJobVersionsRequest(job_id=job_id))
            numbers = [v.version.value for v in resp.versions]
            assert len(numbers) == 3 and numbers == sorted(numbers, reverse=True) and numbers[-1] == 1
            assert resp.job_version.value == now_version > numbers[0], "the restart set no spec"
            assert resp.pagination.total == 3 and resp.pagination.limit == 100
            times = [v.created_at.ToNanoseconds() for v in resp.versions]
            assert all(times) and times == sorted(times, reverse=True)
            kinds = [v.workflow.type for v in resp.versions]
            assert kinds == [W.WORKFLOW_TYPE_UPDATE, W.WORKFLOW_TYPE_UPDATE, W.WORKFLOW_TYPE_START]
            assert all(v.workflow.workflow_id and v.workflow.state == W.WORKFLOW_STATE_SUCCEEDED
                       for v in resp.versions)
            assert [v.changed_by for v in resp.versions] == ["", "", ""], "no tokens: nobody to name"
            # each version's spec is GetJob at that version
            for v, label in zip(resp.versions, ("3", "2", "1"), strict=True):
                got = await c.jobs.GetJob(js.GetJobRequest(job_id=job_id, version=v.version))
                assert got.job_info.spec.labels["v"] == label

    arun(body())


@pytest.mark.slow
def test_versions_are_paged_and_ordered_on_request(shared_engine: EngineProcess) -> None:
    async def body() -> None:
        async with Client(shared_engine.address) as c:
            job_id, _ = await _job_with_three_versions(c)

            async def page(offset: int, limit: int, asc: bool = False) -> js.ListJobVersionsResponse:
                req = js.ListJobVersionsRequest(job_id=job_id)
                req.pagination.offset, req.pagination.limit = offset, limit
                if asc:
                    req.pagination.order_by.add(property="version", order=common_pb2.OrderBy.ORDER_ASC)
                return await c.jobs.ListJobVersions(req)

            first, rest = await page(0, 2), await page(2, 2)
            assert len(first.versions) == 2 and len(rest.versions) == 1
            assert first.pagination.total == rest.pagination.total == 3
            assert rest.versions[0].version.value == 1
            assert rest.pagination.offset == 2 and rest.pagination.limit == 2
            assert [v.version.value for v in (await page(0, 0, asc=True)).versions][0] == 1
            assert not (await page(10, 5)).versions, "past the end: an empty page, not an error"
            assert (await page(0, 50_000)).pagination.limit == 1000, "clamped to the documented maximum"

    arun(body())


def test_bad_version_requests_name_the_problem(shared_engine: EngineProcess) -> None:
    async def body() -> None:
        async with Client(shared_engine.address) as c:
            code, text = await _code(c.jobs.ListJobVersions(js.ListJobVersionsRequest()))
            assert code == grpc.StatusCode.INVALID_ARGUMENT and "job_id" in text
            code, text = await _code(c.jobs.ListJobVersions(js.ListJobVersionsRequest(
                job_id="00000000-0000-0000-0000-000000000000")))
            assert code == grpc.StatusCode.NOT_FOUND, text
            code, text = await _code(c.jobs.ListJobVersions(js.ListJobVersionsRequest(job_id="x" * 200)))
            assert code == grpc.StatusCode.INVALID_ARGUMENT and "job_id" in text and "128" in text
            created = await c.create(sh_spec("versions-bad", "true"))
            req = js.ListJobVersionsRequest(job_id=created.job_id)
            req.pagination.order_by.add(property="created_at")
            code, text = await _code(c.jobs.ListJobVersions(req))
            assert code == grpc.StatusCode.INVALID_ARGUMENT and "order_by[0].property" in text and "version" in text
            req = js.ListJobVersionsRequest(job_id=created.job_id)
            req.pagination.order_by.add(order=7, property="version")  # type: ignore[arg-type]
            code, text = await _code(c.jobs.ListJobVersions(req))
            assert code == grpc.StatusCode.INVALID_ARGUMENT and "Order" in text

    arun(body())


@pytest.mark.slow
def test_a_jobs_pod_events_come_in_pages_from_a_cursor(shared_engine: EngineProcess) -> None:
    """ListJobPodEvents: every instance's events in order, paged; from the last cursor only what is new."""
    async def body() -> None:
        async with Client(shared_engine.address) as c:
            created = await c.create(sh_spec("pod-events", "true", instances=4))
            job_id = created.job_id
            await c.wait_state(job_id, J.JOB_STATE_SUCCEEDED)
            whole = await c.jobs.ListJobPodEvents(js.ListJobPodEventsRequest(job_id=job_id))
            assert not whole.more and {e.instance_id for e in whole.events} == {0, 1, 2, 3}
            per_pod = {}
            for inst in range(4):
                got = await c.pods.GetPodEvents(ps.GetPodEventsRequest(pod_name=f"{job_id}-{inst}"))
                per_pod[inst] = list(got.events)
            assert sum(len(v) for v in per_pod.values()) == len(whole.events)
            for inst, events in per_pod.items():
                assert [e.event for e in whole.events if e.instance_id == inst] == events
            pages, after = [], 0
            while True:
                page = await c.jobs.ListJobPodEvents(js.ListJobPodEventsRequest(job_id=job_id, after=after, limit=3))
                pages.append(page)
                assert page.next_cursor >= after
                if not page.more:
                    break
                after = page.next_cursor
            assert [e for p in pages for e in p.events] == list(whole.events)
            assert all(len(p.events) == 3 for p in pages[:-1]) and len(pages) >= 3
            # nothing new since the last cursor: an empty page that keeps the cursor
            last = await c.jobs.ListJobPodEvents(js.ListJobPodEventsRequest(job_id=job_id,
                                                                            after=whole.next_cursor))
            assert not last.events and last.next_cursor == whole.next_cursor and not last.more
            # a restart adds events; from the cursor only those come
            await c.jobs.RestartJob(js.RestartJobRequest(job_id=job_id, version=(await c.status(job_id)).version))
            await c.wait_state(job_id, J.JOB_STATE_SUCCEEDED)
            since = await c.jobs.ListJobPodEvents(js.ListJobPodEventsRequest(job_id=job_id,
                                                                             after=whole.next_cursor))
            assert since.events and all(e.event not in whole.events for e in since.events)
            code, text = await _code(c.jobs.ListJobPodEvents(js.ListJobPodEventsRequest()))
            assert code == grpc.StatusCode.INVALID_ARGUMENT and "job_id" in text
            code, _ = await _code(c.jobs.ListJobPodEvents(js.ListJobPodEventsRequest(job_id="nope")))
            assert code == grpc.StatusCode.NOT_FOUND

    arun(body())
