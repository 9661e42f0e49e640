"""SIGTERM ends the engine promptly: within 20 s after stopping every pod with
--stop-pods-on-exit, within 2 s without it (pods are left running, to be re-adopted).

The pod count defaults to 300 (what a shared 2-core machine launches in seconds);
PELORUS_SHUTDOWN_PODS=1000 runs the issue's full scale.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time

import pytest
from enginehelp import Client, EngineProcess, arun, group_alive

from pelorus.api import job_pb2
from pelorus.api import job_service_pb2 as js
from pelorus.api import watch_service_pb2 as ws

PODS = int(os.environ.get("PELORUS_SHUTDOWN_PODS", "300"))


async def _run_pods(eng: EngineProcess, n: int) -> list[int]:
    """Start n `sleep` pods and hold a Watch open (as a console would); their pids."""
    async with Client(eng.address) as c:
        spec = job_pb2.JobSpec(name="many", instance_count=n)
        spec.default_spec.command = "sleep"
        spec.default_spec.args.append("600")
        job = (await c.create(spec)).job_id
        deadline = time.monotonic() + 240
        while True:
            resp = await c.jobs.GetJob(js.GetJobRequest(job_id=job, summary_only=True), timeout=120)
            if resp.summary.status.pod_stats.get("POD_STATE_RUNNING", 0) >= n:
                break
            assert time.monotonic() < deadline, resp.summary.status.pod_stats
            await asyncio.sleep(0.5)
        pids = []
        async for page in c.jobs.ListPods(js.ListPodsRequest(job_id=job), timeout=60):
            pids.extend(p.status.pid for p in page.pods)
        return pids


def _sigterm_and_time(eng: EngineProcess, limit: float) -> float:
    assert eng.proc is not None
    async def open_watch() -> None:
        watcher = Client(eng.address)  # a watcher that reads nothing must not hold the shutdown up
        call = watcher.watch.Watch(ws.WatchRequest())
        await call.read()
        t = time.monotonic()
        eng.proc.send_signal(signal.SIGTERM)  # type: ignore[union-attr]
        while eng.proc.poll() is None and time.monotonic() - t < limit + 30:  # type: ignore[union-attr]
            await asyncio.sleep(0.05)
        took[0] = time.monotonic() - t
        await watcher.channel.close()

    took = [0.0]
    arun(open_watch(), limit + 60)
    return took[0]


@pytest.mark.slow
def test_sigterm_with_stop_pods_on_exit_stops_every_pod_and_exits_within_20_s(
        engine_factory: type[EngineProcess]) -> None:
    eng = engine_factory(None, "--max-running-pods", str(PODS + 10)).start()
    pids = arun(_run_pods(eng, PODS), 300)
    took = _sigterm_and_time(eng, 20)
    assert eng.proc is not None and eng.proc.returncode == 0, eng.log()[-2000:]
    assert took < 20, f"exit took {took:.1f} s with {PODS} pods"
    alive = [p for p in pids if group_alive(p)]
    assert not alive, f"{len(alive)} pods survived"
    assert "Traceback" not in eng.log()


@pytest.mark.slow
def test_sigterm_without_stop_pods_exits_within_2_s_and_leaves_pods(engine_factory: type[EngineProcess]) -> None:
    factory = engine_factory
    factory.stop_pods_on_exit = False
    eng = factory(None, "--max-running-pods", "110").start()
    try:
        pids = arun(_run_pods(eng, 100), 300)
        took = _sigterm_and_time(eng, 2)
        assert took < 2, f"exit took {took:.1f} s"
        assert all(group_alive(p) for p in pids[:10]), "pods were stopped although --stop-pods-on-exit was not given"
    finally:
        eng.reap_pods()


def test_pods_killed_while_they_are_being_launched_still_end(engine: EngineProcess) -> None:
    """Pods spawn off the loop, so a StopJob can reach a pod mid-launch; the kill must still be
    delivered once it runs (it used to be lost: the pod stayed KILLING until its command ended)."""
    async def body() -> None:
        async with Client(engine.address) as c:
            for round_ in range(3):
                spec = job_pb2.JobSpec(name=f"stop-at-launch-{round_}", instance_count=40)
                spec.default_spec.command = "sleep"
                spec.default_spec.args.append("60")
                spec.default_spec.kill_grace_period.FromMilliseconds(200)
                created = await c.create(spec)
                await asyncio.sleep(0.05 * round_)
                req = js.StopJobRequest(job_id=created.job_id)
                req.version.value = created.version.value
                await c.jobs.StopJob(req, timeout=30)
                await c.wait_state(created.job_id, job_pb2.JOB_STATE_KILLED, timeout=20)

    arun(body(), 120)
