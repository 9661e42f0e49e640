"""Watch: batched changes, filters, and resumption without loss or duplicates."""

from __future__ import annotations

import asyncio
import itertools

import grpc
import pytest
from enginehelp import Client, EngineProcess, arun, sh_spec

from pelorus.api import job_pb2
from pelorus.api import watch_service_pb2 as ws

J = job_pb2


async def collect(stream, until, limit_s: float = 20.0) -> list[ws.Change]:
    """Read changes until `until(changes)` holds."""
    got: list[ws.Change] = []

    async def read() -> None:
        while True:
            resp = await stream.read()
            assert resp is not grpc.aio.EOF, "stream ended early"
            got.extend(resp.changes)
            if until(got):
                return

    await asyncio.wait_for(read(), limit_s)
    stream.cancel()
    return got


def job_finished(job_id: str):
    def check(changes: list[ws.Change]) -> bool:
        return any(ch.HasField("job") and ch.job.job_id == job_id
                   and ch.job.status.state in (J.JOB_STATE_SUCCEEDED, J.JOB_STATE_FAILED) for ch in changes)
    return check


def test_resume_after_dropped_connection_loses_and_repeats_nothing(engine: EngineProcess) -> None:
    async def body() -> None:
        async with Client(engine.address) as c:
            first = c.watch.Watch(ws.WatchRequest())
            hello = await first.read()
            start = hello.revision
            reference = c.watch.Watch(ws.WatchRequest(start_revision=start))
            created = await c.create(sh_spec("watched", "echo x; sleep 0.05", instances=40))
            job_id = created.job_id
            # Read part of the stream, then drop the connection mid-job.
            partial: list[ws.Change] = []
            while len(partial) < 15:
                partial.extend((await first.read()).changes)
            first.cancel()
            last = partial[-1].revision
            await asyncio.sleep(0.5)  # changes keep coming while disconnected
            resumed = c.watch.Watch(ws.WatchRequest(start_revision=last))
            rest = await collect(resumed, job_finished(job_id))
            ref = await collect(reference, job_finished(job_id))
            combined = [ch.revision for ch in partial + rest]
            assert combined == sorted(combined), "changes out of order"
            assert len(combined) == len(set(combined)), "a change was delivered twice"
            ref_revs = [ch.revision for ch in ref]
            assert combined[: len(ref_revs)] == ref_revs[: len(combined)], "the resumed stream differs"
            assert set(ref_revs) <= set(combined), "the resumed stream missed changes"
            # Every pod change of the job is there: each of the 40 pods reached SUCCEEDED.
            done = {ch.pod.pod_name for ch in partial + rest
                    if ch.HasField("pod") and ch.pod.status.state == 10}
            assert len(done) == 40

    arun(body())


@pytest.mark.slow
def test_changes_are_batched(engine: EngineProcess) -> None:
    async def body() -> None:
        async with Client(engine.address) as c:
            start = (await c.watch.Watch(ws.WatchRequest()).read()).revision
            created = await c.create(sh_spec("batched", "true", instances=200))
            await c.wait_state(created.job_id, J.JOB_STATE_SUCCEEDED, timeout=30)
            stream = c.watch.Watch(ws.WatchRequest(start_revision=start))
            sizes = []
            total = 0
            while True:
                resp = await stream.read()
                sizes.append(len(resp.changes))
                total += len(resp.changes)
                if resp.changes and job_finished(created.job_id)(list(resp.changes)):
                    break
            stream.cancel()
            assert total > 600  # pending, launching, running, succeeded per pod + job changes
            assert max(sizes) > 100, f"catch-up should come in large batches, got {sizes[:10]}"

    arun(body())


def test_filters(engine: EngineProcess) -> None:
    async def body() -> None:
        async with Client(engine.address) as c:
            start = (await c.watch.Watch(ws.WatchRequest()).read()).revision
            a = (await c.create(sh_spec("a", "true", instances=2))).job_id
            b_spec = sh_spec("b", "true", instances=2)
            b_spec.labels["team"] = "blue"
            b = (await c.create(b_spec)).job_id
            await c.wait_state(a, J.JOB_STATE_SUCCEEDED)
            await c.wait_state(b, J.JOB_STATE_SUCCEEDED)
            only_a_jobs = ws.WatchRequest(start_revision=start, job_filter=ws.JobFilter(job_ids=[a]))
            got = await collect(c.watch.Watch(only_a_jobs), job_finished(a))
            assert got and all(ch.HasField("job") and ch.job.job_id == a for ch in got)
            blue = ws.WatchRequest(start_revision=start, job_filter=ws.JobFilter(labels={"team": "blue"}))
            got = await collect(c.watch.Watch(blue), job_finished(b))
            assert got and all(ch.job.job_id == b for ch in got)
            pods_of_b = ws.WatchRequest(start_revision=start, pod_filter=ws.PodFilter(job_id=b,
                                                                                       pod_names=[f"{b}-1"]))
            got = await collect(c.watch.Watch(pods_of_b), lambda chs: any(ch.pod.status.state == 10 for ch in chs))
            assert got and all(ch.HasField("pod") and ch.pod.pod_name == f"{b}-1" for ch in got)

    arun(body())


def test_revision_from_the_future_is_out_of_range(engine: EngineProcess) -> None:
    async def body() -> None:
        async with Client(engine.address) as c:
            stream = c.watch.Watch(ws.WatchRequest(start_revision=10**9))
            with pytest.raises(grpc.aio.AioRpcError) as info:
                await stream.read()
            assert info.value.code() == grpc.StatusCode.OUT_OF_RANGE
            assert "list again" in info.value.details()

    arun(body())


@pytest.mark.slow
def test_watch_job_progress_and_period_clamp(engine: EngineProcess) -> None:
    async def body() -> None:
        async with Client(engine.address) as c:
            script = ("for i in 1 2 3 4; do echo \"::progress successful=$i failed=0 remaining=$((4-i))\"; "
                      "sleep 0.2; done")
            created = await c.create(sh_spec("progress", script, instances=3))
            req = ws.WatchJobRequest(job_id=created.job_id)
            req.progress_update_period.FromMilliseconds(10)  # below the floor: clamped to 250 ms
            updates = []
            async for resp in c.watch.WatchJob(req):
                updates.append(resp)
            assert updates[0].applied_period.ToMilliseconds() == 250
            last = updates[-1]
            assert last.state == J.JOB_STATE_SUCCEEDED
            assert (last.progress.successful, last.progress.remaining) == (12, 0)
            assert last.instances_done == 3
            successes = [u.progress.successful for u in updates]
            assert successes == sorted(successes) and len(set(successes)) > 1
            gaps = [(b.timestamp.ToMilliseconds() - a.timestamp.ToMilliseconds())
                    for a, b in itertools.pairwise(updates)]
            # Spaced by the period, except the job's end, which is sent as soon as it happens.
            assert min(gaps[:-1]) >= 240, gaps
            slow = ws.WatchJobRequest(job_id=created.job_id)
            slow.progress_update_period.FromSeconds(600)
            resp = await c.watch.WatchJob(slow).read()
            assert resp.applied_period.seconds == 50

    arun(body())
