"""Bounded per client: a limit on concurrent streams, and a cap on what a Watch buffers for a
reader that does not keep up (the stream ends RESOURCE_EXHAUSTED naming the revision to
resume from, and resuming from it loses and repeats nothing)."""

from __future__ import annotations

import asyncio
import re
import time

import grpc
import psutil
import pytest
from enginehelp import Client, EngineProcess, arun, sh_spec

from pelorus.api import job_pb2
from pelorus.api import job_service_pb2 as js
from pelorus.api import pod_service_pb2 as ps
from pelorus.api import watch_service_pb2 as ws

J = job_pb2


def test_streams_per_client_are_limited(engine_factory: type[EngineProcess]) -> None:
    eng = engine_factory(None, "--max-streams-per-client", "3").start()

    async def body() -> None:
        async with Client(eng.address) as c:
            streams = [c.watch.Watch(ws.WatchRequest(), timeout=30) for _ in range(3)]
            for s in streams:
                await s.read()
            extra = c.watch.Watch(ws.WatchRequest(), timeout=30)
            with pytest.raises(grpc.aio.AioRpcError) as err:
                await extra.read()
            assert err.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
            assert "already has 3 streams open" in err.value.details()
            assert "--max-streams-per-client" in err.value.details()
            # unary calls are not streams: still served
            await c.jobs.QueryJobs(js.QueryJobsRequest(), timeout=10)
            streams[0].cancel()
            await asyncio.sleep(0.3)  # the server sees the cancellation
            again = c.watch.Watch(ws.WatchRequest(), timeout=30)
            assert (await again.read()).revision > 0
            for s in (*streams, again):
                s.cancel()

    arun(body(), 60)
    assert "Traceback" not in eng.log()


@pytest.mark.slow
def test_slow_reader_ends_with_resume_revision_and_resumes_without_loss(
        engine_factory: type[EngineProcess]) -> None:
    eng = engine_factory(None, "--watch-buffer", "20").start()
    n = 400

    async def body() -> None:
        async with Client(eng.address) as c:
            stream = c.watch.Watch(ws.WatchRequest(), timeout=120)
            first = await stream.read()
            start = first.revision
            job = (await c.create(sh_spec("flood", "true", instances=n))).job_id
            await c.wait_state(job, J.JOB_STATE_SUCCEEDED, timeout=90)  # while the watcher reads nothing
            seen: list[ws.Change] = []
            with pytest.raises(grpc.aio.AioRpcError) as err:
                while True:
                    resp = await stream.read()
                    assert resp is not grpc.aio.EOF, "the stream ended without a status"
                    seen.extend(resp.changes)
            assert err.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED, err.value.details()
            m = re.search(r"watch again from revision (\d+)", err.value.details() or "")
            assert m, err.value.details()
            resume = int(m.group(1))
            assert all(ch.revision <= resume for ch in seen) and resume >= start
            resumed = c.watch.Watch(ws.WatchRequest(start_revision=resume), timeout=60)
            final = (await c.jobs.QueryJobs(js.QueryJobsRequest())).records[0].status.revision
            while not seen or seen[-1].revision < final:
                resp = await resumed.read()
                assert resp is not grpc.aio.EOF
                seen.extend(ch for ch in resp.changes)
            resumed.cancel()
            revisions = [ch.revision for ch in seen]
            assert len(revisions) == len(set(revisions)), "a change came twice"
            assert revisions == sorted(revisions)
            pods = {ch.pod.pod_name: ch.pod for ch in seen if ch.HasField("pod")}
            assert len(pods) == n and all(p.status.state == 10 for p in pods.values())  # SUCCEEDED

    arun(body(), 180)


@pytest.mark.slow
def test_300_unread_watch_streams_stay_small_and_getjob_stays_fast(engine_factory: type[EngineProcess]) -> None:
    eng = engine_factory(None, "--max-streams-per-client", "400").start()
    assert eng.proc is not None
    proc = psutil.Process(eng.proc.pid)

    async def body() -> None:
        async with Client(eng.address) as c:
            ids = [(await c.create(sh_spec(f"w{i}", "true"))).job_id for i in range(300)]
            for job in ids[-5:]:
                await c.wait_state(job, J.JOB_STATE_SUCCEEDED, timeout=120)
            await asyncio.sleep(1)
            before = proc.memory_info().rss
            channels = [grpc.aio.insecure_channel(eng.address) for _ in range(10)]
            calls = [channels[i % 10].unary_stream("/pelorus.v1.WatchService/Watch")(
                ws.WatchRequest(start_revision=1).SerializeToString()) for i in range(300)]
            peak, worst = before, 0.0
            until = time.monotonic() + 15
            while time.monotonic() < until:
                t = time.perf_counter()
                await c.get(ids[0])
                worst = max(worst, time.perf_counter() - t)
                peak = max(peak, proc.memory_info().rss)
                await asyncio.sleep(0.2)
            for call in calls:
                call.cancel()
            for ch in channels:
                await ch.close()
            growth = (peak - before) / 2**20
            assert growth < 150, f"engine memory grew {growth:.0f} MiB"
            assert worst < 1.0, f"GetJob took {worst * 1000:.0f} ms"

    arun(body(), 300)
    time.sleep(0.5)
    log = eng.log()
    assert "Traceback" not in log and " ERROR " not in log, log[-2000:]


_ABANDONING_CLIENT = r'''
import asyncio, sys, grpc
from pelorus.api import pod_service_pb2 as ps, watch_service_pb2 as ws
async def main():
    ch = grpc.aio.insecure_channel(sys.argv[1])
    calls = [ch.unary_stream("/pelorus.v1.WatchService/Watch")(ws.WatchRequest(start_revision=1).SerializeToString())
             for _ in range(20)]
    calls.append(ch.unary_stream("/pelorus.v1.PodService/GetPodLogs")(
        ps.GetPodLogsRequest(pod_name=sys.argv[2], follow=True).SerializeToString()))
    for c in calls:
        await c.read()
    print("ready", flush=True)
    await asyncio.sleep(60)
asyncio.run(main())
'''


@pytest.mark.slow
def test_disconnects_and_cancellations_are_not_errors_in_the_log(engine_factory: type[EngineProcess]) -> None:
    import signal
    import subprocess
    import sys

    eng = engine_factory().start()

    async def body() -> None:
        async with Client(eng.address) as c:
            job = (await c.create(sh_spec("chatty", "while true; do echo line; sleep 0.01; done"))).job_id
            for i in range(50):
                await c.create(sh_spec(f"j{i}", "true"))
            await c.wait_state(job, J.JOB_STATE_RUNNING)
            child = subprocess.Popen([sys.executable, "-c", _ABANDONING_CLIENT, eng.address, f"{job}-0"],
                                     stdout=subprocess.PIPE)
            try:
                assert child.stdout is not None and child.stdout.readline().strip() == b"ready"
            finally:
                child.send_signal(signal.SIGKILL)  # a client that vanishes mid-stream
                child.wait(10)
            follow = c.pods.GetPodLogs(ps.GetPodLogsRequest(pod_name=f"{job}-0", follow=True))
            await follow.read()
            follow.cancel()
            watch = c.watch.Watch(ws.WatchRequest(start_revision=1))
            await watch.read()
            watch.cancel()
            unary = c.jobs.QueryJobs(js.QueryJobsRequest())
            unary.cancel()  # a unary call the client gives up on
            await asyncio.sleep(2)
            await c.get(job)  # still serving

    arun(body(), 90)
    log = eng.log()
    assert "Traceback" not in log and " ERROR " not in log, log[-3000:]
