"""Rolling restarts and updates: batches, pause / resume / abort mid-way, rollback, events."""

from __future__ import annotations

import asyncio

import pytest
from enginehelp import Client, EngineProcess, arun, sh_spec

from pelorus.api import job_pb2, workflow_pb2
from pelorus.api import job_service_pb2 as js

J, W = job_pb2, workflow_pb2
# Each pod takes ~0.4 s to die on SIGTERM, so a batch is slow enough to pause between.
SLOW_STOP = "trap 'sleep 0.4; exit 0' TERM; sleep 60 & wait"


async def workflow(c: Client, job_id: str) -> workflow_pb2.WorkflowInfo:
    resp = await c.jobs.ListJobWorkflows(js.ListJobWorkflowsRequest(job_id=job_id, instance_events=True))
    return resp.workflows[0]


async def wait_workflow(c: Client, job_id: str, pred, timeout: float = 20.0,
                        what: str = "") -> workflow_pb2.WorkflowInfo:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        wf = await workflow(c, job_id)
        if pred(wf):
            return wf
        if loop.time() > deadline:
            raise AssertionError(f"workflow never reached {what}:\n{wf.status}")
        await asyncio.sleep(0.05)


async def runs(c: Client, job_id: str, n: int) -> list[int]:
    return [(await c.pod(job_id, i)).current.status.run for i in range(n)]


@pytest.mark.slow
def test_rolling_restart_pause_resume(engine: EngineProcess) -> None:
    async def body() -> None:
        async with Client(engine.address) as c:
            created = await c.create(sh_spec("rolling", SLOW_STOP, instances=6, kill_grace_period=5))
            job_id = created.job_id
            await c.wait_job(job_id, lambda st: st.pod_stats.get("POD_STATE_RUNNING") == 6, what="6 running")
            restart = js.RestartJobRequest(job_id=job_id, version=created.version)
            restart.restart_spec.batch_size = 2
            v = (await c.jobs.RestartJob(restart)).version
            v = (await c.jobs.PauseJobWorkflow(js.PauseJobWorkflowRequest(job_id=job_id, version=v))).version
            wf = await wait_workflow(c, job_id, lambda w: w.status.num_instances_completed == 2, what="batch 1")
            assert wf.status.state == W.WORKFLOW_STATE_PAUSED and wf.status.type == W.WORKFLOW_TYPE_RESTART
            await asyncio.sleep(1.0)  # paused: no second batch starts
            assert sorted(await runs(c, job_id, 6)) == [1, 1, 1, 1, 2, 2]
            wf = await workflow(c, job_id)
            assert (wf.status.num_instances_completed, wf.status.num_instances_remaining) == (2, 4)
            # Pausing a paused workflow is a no-op (Peloton's contract): OK, the same version.
            again = await c.jobs.PauseJobWorkflow(js.PauseJobWorkflowRequest(job_id=job_id, version=v))
            assert again.version == v
            await c.jobs.ResumeJobWorkflow(js.ResumeJobWorkflowRequest(job_id=job_id, version=v))
            wf = await wait_workflow(c, job_id, lambda w: w.status.state == W.WORKFLOW_STATE_SUCCEEDED,
                                     what="SUCCEEDED")
            assert await runs(c, job_id, 6) == [2] * 6
            messages = [e.message for e in wf.events]
            assert messages[0].startswith("restart of 6 instance(s) in batches of 2")
            assert "paused by request" in messages and "resumed by request" in messages
            states = [e.state for e in wf.events]
            assert states[-1] == W.WORKFLOW_STATE_SUCCEEDED
            assert W.WORKFLOW_STATE_PAUSED in states and W.WORKFLOW_STATE_ROLLING_FORWARD in states
            assert sorted(ie.instance_id for ie in wf.instance_events) == list(range(6))
            for ie in wf.instance_events:
                assert [e.state for e in ie.events] == [W.WORKFLOW_STATE_ROLLING_FORWARD, W.WORKFLOW_STATE_SUCCEEDED]
                assert all(e.timestamp.seconds for e in ie.events)
            # Never more than one batch (2 instances) was down at once: the rolled-in runs started in pairs.
            starts = sorted([(await c.pod(job_id, i)).current.status.started_at.ToNanoseconds() for i in range(6)])
            gaps = [(b - a) / 1e9 for a, b in zip(starts, starts[1:], strict=False)]
            assert sum(1 for g in gaps if g > 0.3) >= 2, gaps
            pod = await c.pod(job_id, 0)
            assert pod.previous[0].status.reason == "KILLED_FOR_RESTART"
            st = await c.status(job_id)
            assert st.workflow_status.state == W.WORKFLOW_STATE_SUCCEEDED
            await c.jobs.StopJob(js.StopJobRequest(job_id=job_id, version=st.version))

    arun(body(), timeout=90)


@pytest.mark.slow
def test_abort_mid_restart(engine: EngineProcess) -> None:
    async def body() -> None:
        async with Client(engine.address) as c:
            created = await c.create(sh_spec("abort", SLOW_STOP, instances=4, kill_grace_period=5))
            job_id = created.job_id
            await c.wait_job(job_id, lambda st: st.pod_stats.get("POD_STATE_RUNNING") == 4, what="4 running")
            restart = js.RestartJobRequest(job_id=job_id, version=created.version)
            restart.restart_spec.batch_size = 1
            v = (await c.jobs.RestartJob(restart)).version
            v = (await c.jobs.AbortJobWorkflow(js.AbortJobWorkflowRequest(job_id=job_id, version=v))).version
            wf = await workflow(c, job_id)
            assert wf.status.state == W.WORKFLOW_STATE_ABORTED and wf.events[-1].message == "aborted by request"
            await asyncio.sleep(1.5)
            before = await runs(c, job_id, 4)
            assert sorted(before) == [1, 1, 1, 2]
            # Nothing to resume after an abort: a no-op, the same version.
            again = await c.jobs.ResumeJobWorkflow(js.ResumeJobWorkflowRequest(job_id=job_id, version=v))
            assert again.version == v
            # A restart of a subset only touches those instances.
            restart = js.RestartJobRequest(job_id=job_id, version=v)
            r = restart.restart_spec.ranges.add(to=4)
            setattr(r, "from", 2)
            v = (await c.jobs.RestartJob(restart)).version
            await wait_workflow(c, job_id, lambda w: w.status.state == W.WORKFLOW_STATE_SUCCEEDED, what="done")
            after = await runs(c, job_id, 4)
            assert after[:2] == before[:2] and all(r > b for r, b in zip(after[2:], before[2:], strict=False))
            await c.jobs.StopJob(js.StopJobRequest(job_id=job_id, version=v))

    arun(body(), timeout=60)


@pytest.mark.slow
def test_update_rolls_new_spec_and_rolls_back_on_failure(engine: EngineProcess) -> None:
    async def body() -> None:
        async with Client(engine.address) as c:
            spec = sh_spec("update", "echo v=$V; sleep 60", instances=3, kill_grace_period=0.3)
            spec.default_spec.env["V"] = "1"
            created = await c.create(spec)
            job_id = created.job_id
            await c.wait_job(job_id, lambda st: st.pod_stats.get("POD_STATE_RUNNING") == 3, what="3 running")
            new = job_pb2.JobSpec()
            new.CopyFrom(spec)
            new.default_spec.env["V"] = "2"
            new.instance_count = 4
            req = js.ReplaceJobRequest(job_id=job_id, version=created.version, spec=new)
            req.update_spec.batch_size = 2
            v = (await c.jobs.ReplaceJob(req)).version
            wf = await wait_workflow(c, job_id, lambda w: w.status.state == W.WORKFLOW_STATE_SUCCEEDED, what="done")
            assert wf.status.type == W.WORKFLOW_TYPE_UPDATE
            assert list(wf.instances_added) == [3] and list(wf.instances_updated) == [0, 1, 2]
            assert (await c.get(job_id)).job_info.spec.default_spec.env["V"] == "2"
            env = [(await c.pod(job_id, i)).spec.env["V"] for i in range(4)]
            assert env == ["2"] * 4
            # An update whose pods fail rolls back to the previous spec.
            bad = job_pb2.JobSpec()
            bad.CopyFrom(new)
            bad.default_spec.args[:] = ["-c", "exit 7"]
            req = js.ReplaceJobRequest(job_id=job_id, version=v, spec=bad)
            req.update_spec.batch_size = 1
            req.update_spec.rollback_on_failure = True
            await c.jobs.ReplaceJob(req)
            wf = await wait_workflow(c, job_id, lambda w: w.status.state == W.WORKFLOW_STATE_ROLLED_BACK,
                                     timeout=30, what="ROLLED_BACK")
            states = [e.state for e in wf.events]
            assert W.WORKFLOW_STATE_ROLLING_BACKWARD in states
            got = await c.get(job_id)
            assert list(got.job_info.spec.default_spec.args) == list(new.default_spec.args)
            await c.wait_job(job_id, lambda st: st.pod_stats.get("POD_STATE_RUNNING") == 4, what="4 running again")
            await c.jobs.StopJob(js.StopJobRequest(job_id=job_id, version=got.job_info.status.version))

    arun(body(), timeout=90)


@pytest.mark.slow
def test_update_created_paused_waits_for_resume(engine: EngineProcess) -> None:
    async def body() -> None:
        async with Client(engine.address) as c:
            created = await c.create(sh_spec("paused-update", "sleep 60", instances=2, kill_grace_period=0.2))
            job_id = created.job_id
            await c.wait_job(job_id, lambda st: st.pod_stats.get("POD_STATE_RUNNING") == 2, what="2 running")
            new = (await c.get(job_id)).job_info.spec
            new.default_spec.env["X"] = "1"
            req = js.ReplaceJobRequest(job_id=job_id, version=created.version, spec=new)
            req.update_spec.start_paused = True
            v = (await c.jobs.ReplaceJob(req)).version
            await asyncio.sleep(0.5)
            assert await runs(c, job_id, 2) == [1, 1]
            assert (await workflow(c, job_id)).status.state == W.WORKFLOW_STATE_PAUSED
            v = (await c.jobs.ResumeJobWorkflow(js.ResumeJobWorkflowRequest(job_id=job_id, version=v))).version
            await wait_workflow(c, job_id, lambda w: w.status.state == W.WORKFLOW_STATE_SUCCEEDED, what="done")
            assert await runs(c, job_id, 2) == [2, 2]
            await c.jobs.StopJob(js.StopJobRequest(job_id=job_id, version=v))

    arun(body(), timeout=60)
