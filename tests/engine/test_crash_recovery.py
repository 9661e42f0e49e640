"""SIGKILL the engine while pods run, start it again: nothing acknowledged is lost, running pods
are re-adopted, pods that ended meanwhile report their exit, vanished ones are LOST."""

from __future__ import annotations

import asyncio
import os
import signal

import pytest
from enginehelp import Client, EngineProcess, arun, group_alive, sh_spec

from pelorus.api import job_pb2, pod_pb2
from pelorus.api import pod_service_pb2 as ps
from pelorus.api import watch_service_pb2 as ws

J, P = job_pb2, pod_pb2
COUNTER = "for i in $(seq 1 40); do echo line $i; sleep 0.1; done"


async def all_logs(c: Client, pod_name: str, pod_id: str = "") -> list[ps.GetPodLogsResponse]:
    out = []
    async for resp in c.pods.GetPodLogs(ps.GetPodLogsRequest(pod_name=pod_name, pod_id=pod_id)):
        out.extend(resp.lines)
    return out


@pytest.mark.slow
def test_sigkill_and_restart(engine_factory: type[EngineProcess]) -> None:
    first = engine_factory().start()

    async def before() -> dict[str, object]:
        async with Client(first.address) as c:
            counting = await c.create(sh_spec("counting", COUNTER, instances=2))
            exits_later = await c.create(sh_spec("exits-later", "sleep 1.2; exit 3"))
            vanishes = await c.create(sh_spec("vanishes", "sleep 60"))
            idle = await c.create(sh_spec("idle", "true"), start_paused=True)
            for job in (counting, exits_later, vanishes):
                await c.wait_job(job.job_id, lambda st: st.pod_stats.get("POD_STATE_RUNNING", 0) > 0,
                                 what="running")
            await c.wait_job(counting.job_id, lambda st: st.pod_stats.get("POD_STATE_RUNNING") == 2, what="2 up")
            await asyncio.sleep(0.6)
            seen = await all_logs(c, f"{counting.job_id}-0")
            assert len(seen) >= 3
            revision = (await c.watch.Watch(ws.WatchRequest()).read()).revision
            victim = (await c.pod(vanishes.job_id, 0)).current.status.pid
            counting_pids = [(await c.pod(counting.job_id, i)).current.status.pid for i in range(2)]
            return {"counting": counting.job_id, "exits": exits_later.job_id, "vanishes": vanishes.job_id,
                    "idle": idle.job_id, "revision": revision, "victim": victim, "seen": len(seen),
                    "counting_pids": counting_pids}

    facts = arun(before())
    first.kill9()
    # While no engine runs: one pod vanishes without an exit status, another exits on its own.
    os.killpg(facts["victim"], signal.SIGKILL)
    for pid in facts["counting_pids"]:
        assert group_alive(pid), "pods must survive the engine's death"
    arun(asyncio.sleep(1.5))
    second = engine_factory().start()

    async def after() -> None:
        async with Client(second.address) as c:
            for key in ("counting", "exits", "vanishes", "idle"):
                await c.get(facts[key])  # every acknowledged job is still there
            idle = await c.status(facts["idle"])
            assert idle.state == J.JOB_STATE_INITIALIZED
            lost = await c.wait_pod(facts["vanishes"], 0, lambda p: p.status.state == P.POD_STATE_LOST,
                                    what="LOST")
            assert lost.status.reason == "LOST" and "no exit status" in lost.status.message
            failed = await c.wait_pod(facts["exits"], 0, lambda p: p.status.state == P.POD_STATE_FAILED,
                                      what="FAILED")
            assert failed.status.exit_code == 3 and failed.status.has_exit_code
            await c.wait_state(facts["counting"], J.JOB_STATE_SUCCEEDED, timeout=20)
            for i in range(2):
                name = f"{facts['counting']}-{i}"
                lines = await all_logs(c, name)
                texts = [ln.text for ln in lines]
                assert texts == [f"line {n}" for n in range(1, 41)], texts
                assert [ln.seq for ln in lines] == list(range(1, 41))
                events = await c.pods.GetPodEvents(ps.GetPodEventsRequest(pod_name=name))
                assert any("re-adopted" in e.message for e in events.events)
            # Watch resumes from the revision seen before the crash, without duplicates.
            stream = c.watch.Watch(ws.WatchRequest(start_revision=facts["revision"]))
            revisions: list[int] = []
            while True:
                resp = await asyncio.wait_for(stream.read(), 5)
                if not resp.changes:
                    break
                revisions.extend(ch.revision for ch in resp.changes)
            stream.cancel()
            assert revisions and revisions == sorted(set(revisions)) and revisions[0] > facts["revision"]

    arun(after(), timeout=60)


def test_second_engine_on_the_same_store_is_refused(engine: EngineProcess,
                                                    engine_factory: type[EngineProcess]) -> None:
    twin = engine_factory(engine.data_dir)
    try:
        twin.start(timeout=10)
    except RuntimeError as exc:
        assert "already using" in str(exc)
    else:
        raise AssertionError("a second engine started on a locked data dir")
