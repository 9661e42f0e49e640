"""A job dropped from the engine's memory (issue 18: finished and stopped jobs stay in the store,
at most a bounded number in memory) is answered exactly as before by GetJob, QueryJobs, ListPods,
GetPodLogs and a resumed Watch, and a stopped one still starts. A real engine on a unix socket,
told to keep at most 2 finished jobs in memory (--max-cold-jobs), so that creating a few more
drops the ones read before."""

from __future__ import annotations

import grpc
from enginehelp import Client, EngineProcess, arun, sh_spec

from pelorus.api import job_pb2, pod_service_pb2
from pelorus.api import job_service_pb2 as js
from pelorus.api import watch_service_pb2 as ws

J = job_pb2


async def _answers(c: Client, job_id: str, name: str) -> list[bytes]:
    full = await c.jobs.GetJob(js.GetJobRequest(job_id=job_id), timeout=10)
    summary = await c.jobs.GetJob(js.GetJobRequest(job_id=job_id, summary_only=True), timeout=10)
    pods = [p.SerializeToString() async for resp in c.jobs.ListPods(js.ListPodsRequest(job_id=job_id), timeout=10)
            for p in resp.pods]
    q = job_pb2.JobQuerySpec(name=name)
    q.pagination.order_by.add(property="created_at")
    query = await c.jobs.QueryJobs(js.QueryJobsRequest(spec=q), timeout=10)
    logs = [line.SerializeToString()
            async for resp in c.pods.GetPodLogs(pod_service_pb2.GetPodLogsRequest(pod_name=f"{job_id}-0"), timeout=10)
            for line in resp.lines] if full.job_info.status.run_count else []
    return [full.SerializeToString(), summary.SerializeToString(), *pods, query.SerializeToString(), *logs]


async def _changes(c: Client, start: int, job_ids: set[str]) -> list[bytes]:
    """Every change of the jobs from `start` up to the engine's revision now (a resumed Watch)."""
    hello = c.watch.Watch(ws.WatchRequest(start_revision=0, job_filter=ws.JobFilter(), pod_filter=ws.PodFilter()))
    upto = (await hello.read()).revision
    hello.cancel()
    stream = c.watch.Watch(ws.WatchRequest(start_revision=start, job_filter=ws.JobFilter(),
                                           pod_filter=ws.PodFilter()))
    got: list[bytes] = []
    while True:
        resp = await stream.read()
        assert resp is not grpc.aio.EOF, "the watch ended"
        got.extend(ch.SerializeToString() for ch in resp.changes
                   if (ch.job.job_id if ch.HasField("job") else ch.pod.job_id) in job_ids)
        if resp.revision >= upto:
            stream.cancel()
            return got


def test_a_job_dropped_from_memory_is_answered_as_before(engine_factory: type[EngineProcess]) -> None:
    eng = engine_factory(None, "--max-cold-jobs", "2").start()

    async def body() -> None:
        async with Client(eng.address) as c:
            first = c.watch.Watch(ws.WatchRequest(start_revision=0, job_filter=ws.JobFilter()))
            start = (await first.read()).revision
            first.cancel()
            done = (await c.create(sh_spec("cold-done", "echo one; echo two", instances=2))).job_id
            await c.wait_state(done, J.JOB_STATE_SUCCEEDED)
            stopped = (await c.create(sh_spec("cold-stopped", "echo later", instances=2),
                                      start_paused=True)).job_id
            before = {done: await _answers(c, done, "cold-done"),
                      stopped: await _answers(c, stopped, "cold-stopped")}
            changes_before = await _changes(c, start, {done, stopped})
            assert len(before[done]) == 2 + 2 + 1 + 2  # GetJob twice, 2 pods, QueryJobs, 2 log lines
            # Five more stopped jobs: the two above are the least recently used and leave memory.
            for i in range(5):
                await c.create(sh_spec(f"filler-{i}", "true", instances=3), start_paused=True)
            for job_id, name in ((done, "cold-done"), (stopped, "cold-stopped")):
                assert await _answers(c, job_id, name) == before[job_id], name
            assert await _changes(c, start, {done, stopped}) == changes_before
            # The stopped job, read back from the store, starts and runs.
            version = (await c.status(stopped)).version.value
            req = js.StartJobRequest(job_id=stopped)
            req.version.value = version
            await c.jobs.StartJob(req, timeout=10)
            st = await c.wait_state(stopped, J.JOB_STATE_SUCCEEDED)
            assert st.instances_done == 2

    arun(body())
