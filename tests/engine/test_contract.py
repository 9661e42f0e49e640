"""The engine's lifecycle contract (issue 12), one defect per test, against a real engine:
actions with nothing to do are no-ops; workflows end; GetJob at a version; WatchJob's end
at once; per-run, honest progress and its history; callbacks on every terminal state."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import time

import grpc
import pytest
from enginehelp import Client, EngineProcess, arun, eventually, group_alive, group_gone, sh_spec

from pelorus.api import common_pb2, job_pb2, pod_pb2, workflow_pb2
from pelorus.api import job_service_pb2 as js
from pelorus.api import watch_service_pb2 as ws

J, P, W = job_pb2, pod_pb2, workflow_pb2
TERMINAL_WF = {W.WORKFLOW_STATE_SUCCEEDED, W.WORKFLOW_STATE_ABORTED, W.WORKFLOW_STATE_FAILED,
               W.WORKFLOW_STATE_ROLLED_BACK}


async def workflows(c: Client, job_id: str) -> list[workflow_pb2.WorkflowInfo]:
    return list((await c.jobs.ListJobWorkflows(js.ListJobWorkflowsRequest(job_id=job_id), timeout=10)).workflows)


async def version(c: Client, job_id: str) -> int:
    return int((await c.status(job_id)).version.value)


def ev(v: int) -> common_pb2.EntityVersion:
    return common_pb2.EntityVersion(value=v)


def req(cls: type, job_id: str, v: int) -> object:
    r = cls(job_id=job_id)
    r.version.value = v
    return r


@pytest.mark.slow
def test_stop_never_rewrites_an_outcome_and_records_nothing(engine_factory: type[EngineProcess]) -> None:
    """Stop on SUCCEEDED / FAILED / KILLED: OK, same version, same state, no workflow; and the
    STOP that did stop a job ends SUCCEEDED (it used to stay ROLLING_FORWARD, across restarts)."""
    eng = engine_factory().start()

    async def body() -> None:
        async with Client(eng.address) as c:
            ok = (await c.create(sh_spec("ok", "true"))).job_id
            bad = (await c.create(sh_spec("bad", "exit 3"))).job_id
            long = (await c.create(sh_spec("long", "sleep 60", instances=4, kill_grace_period=0.3))).job_id
            await c.wait_state(ok, J.JOB_STATE_SUCCEEDED)
            await c.wait_state(bad, J.JOB_STATE_FAILED)
            await c.wait_job(long, lambda st: st.pod_stats.get("POD_STATE_RUNNING") == 4, what="4 running")
            v = await version(c, long)
            stopped = (await c.jobs.StopJob(req(js.StopJobRequest, long, v), timeout=10)).version.value
            assert stopped == v + 1
            await c.wait_state(long, J.JOB_STATE_KILLED)
            for job_id, state in ((ok, J.JOB_STATE_SUCCEEDED), (bad, J.JOB_STATE_FAILED), (long, J.JOB_STATE_KILLED)):
                before = await c.status(job_id)
                n = len(await workflows(c, job_id))
                got = await c.jobs.StopJob(req(js.StopJobRequest, job_id, before.version.value), timeout=10)
                assert got.version.value == before.version.value, "a no-op Stop bumped the version"
                after = await c.status(job_id)
                assert after.state == state and after.reason == before.reason and after.message == before.message
                assert after.version.value == before.version.value
                assert len(await workflows(c, job_id)) == n, "a no-op Stop recorded a workflow"
            await eventually(lambda: _all_ended(c, long), timeout=5, what="every workflow of the stopped job ended")
        eng.kill9()
        eng.start()
        async with Client(eng.address) as c:
            await asyncio.sleep(0.5)
            assert await _all_ended(c, long), [w.status for w in await workflows(c, long)]

    arun(body(), 60)


async def _all_ended(c: Client, job_id: str) -> bool:
    return all(w.status.state in TERMINAL_WF for w in await workflows(c, job_id))


@pytest.mark.slow
def test_stop_workflow_counts_pods_and_ends_after_an_engine_restart(engine_factory: type[EngineProcess]) -> None:
    """A STOP still waiting for pods when the engine is SIGKILLed ends once they are down."""
    eng = engine_factory().start()

    async def body() -> None:
        async with Client(eng.address) as c:
            spec = sh_spec("slow-stop", "trap 'sleep 1.5; exit 0' TERM; sleep 60 & wait", instances=2,
                           kill_grace_period=5)
            job = (await c.create(spec)).job_id
            await c.wait_job(job, lambda st: st.pod_stats.get("POD_STATE_RUNNING") == 2, what="2 running")
            await c.jobs.StopJob(req(js.StopJobRequest, job, await version(c, job)), timeout=10)
            wf = (await workflows(c, job))[0]
            assert wf.status.type == W.WORKFLOW_TYPE_STOP and wf.status.state == W.WORKFLOW_STATE_ROLLING_FORWARD
            assert (wf.status.num_instances_completed, wf.status.num_instances_remaining) == (0, 2)
        eng.kill9()
        eng.start()
        async with Client(eng.address) as c:
            await c.wait_state(job, J.JOB_STATE_KILLED, timeout=15)
            await eventually(lambda: _all_ended(c, job), timeout=5, what="the STOP workflow ended")
            wf = (await workflows(c, job))[0]
            assert wf.status.state == W.WORKFLOW_STATE_SUCCEEDED
            assert (wf.status.num_instances_completed, wf.status.num_instances_remaining) == (2, 0)

    arun(body(), 60)


def test_actions_with_nothing_to_do_are_noops(engine: EngineProcess) -> None:
    """Pause / Resume / Abort without a matching workflow and Start on a running job: OK,
    the current version, nothing recorded (they used to fail with FAILED_PRECONDITION or bump)."""

    async def body() -> None:
        async with Client(engine.address) as c:
            job = (await c.create(sh_spec("idle", "sleep 60", instances=2, kill_grace_period=0.3))).job_id
            await c.wait_job(job, lambda st: st.pod_stats.get("POD_STATE_RUNNING") == 2, what="2 running")
            v = await version(c, job)
            n = len(await workflows(c, job))
            for call, cls in ((c.jobs.PauseJobWorkflow, js.PauseJobWorkflowRequest),
                              (c.jobs.ResumeJobWorkflow, js.ResumeJobWorkflowRequest),
                              (c.jobs.AbortJobWorkflow, js.AbortJobWorkflowRequest),
                              (c.jobs.StartJob, js.StartJobRequest)):
                got = await call(req(cls, job, v), timeout=10)
                assert got.version.value == v, cls.__name__
            assert await version(c, job) == v and len(await workflows(c, job)) == n
            # A stale version is still refused, no-op or not.
            with pytest.raises(grpc.aio.AioRpcError) as err:
                await c.jobs.PauseJobWorkflow(req(js.PauseJobWorkflowRequest, job, v - 1), timeout=10)
            assert err.value.code() == grpc.StatusCode.ABORTED
            # Replace with the very same spec changes nothing.
            spec = (await c.get(job)).job_info.spec
            got = await c.jobs.ReplaceJob(js.ReplaceJobRequest(job_id=job, version=ev(v), spec=spec), timeout=10)
            assert got.version.value == v and len(await workflows(c, job)) == n
            await c.jobs.StopJob(req(js.StopJobRequest, job, v), timeout=10)

    arun(body(), 30)


def test_restart_of_a_finished_job_starts_a_new_run(engine: EngineProcess) -> None:
    async def body() -> None:
        async with Client(engine.address) as c:
            job = (await c.create(sh_spec("again", "sleep 60", kill_grace_period=0.2))).job_id
            await c.wait_job(job, lambda st: st.pod_stats.get("POD_STATE_RUNNING") == 1, what="running")
            v = (await c.jobs.StopJob(req(js.StopJobRequest, job, await version(c, job)), timeout=10)).version.value
            await c.wait_state(job, J.JOB_STATE_KILLED)
            got = await c.jobs.RestartJob(req(js.RestartJobRequest, job, v), timeout=10)
            assert got.version.value == v + 1
            st = await c.wait_job(job, lambda st: st.pod_stats.get("POD_STATE_RUNNING") == 1, what="running again")
            assert st.run_count == 2 and st.desired_state == J.JOB_STATE_RUNNING
            assert (await c.pod(job, 0)).current.status.run == 2

    arun(body(), 30)


def test_get_job_at_a_version(engine: EngineProcess) -> None:
    async def body() -> None:
        async with Client(engine.address) as c:
            spec = sh_spec("versions", "sleep 60", kill_grace_period=0.2)
            spec.default_spec.env["V"] = "one"
            created = await c.create(spec)
            job = created.job_id
            spec.default_spec.env["V"] = "two"
            v2 = (await c.jobs.ReplaceJob(js.ReplaceJobRequest(job_id=job, version=created.version, spec=spec),
                                          timeout=10)).version.value
            await c.jobs.StopJob(req(js.StopJobRequest, job, v2), timeout=10)
            assert await version(c, job) == 3

            async def env_at(v: int) -> str:
                got = await c.jobs.GetJob(req(js.GetJobRequest, job, v), timeout=10)
                return got.job_info.spec.default_spec.env["V"]

            assert [await env_at(v) for v in (1, 2, 3)] == ["one", "two", "two"]
            assert (await c.get(job)).job_info.spec.default_spec.env["V"] == "two"
            with pytest.raises(grpc.aio.AioRpcError) as err:
                await c.jobs.GetJob(req(js.GetJobRequest, job, 9), timeout=10)
            assert err.value.code() == grpc.StatusCode.NOT_FOUND
            assert "versions 1 to 3" in err.value.details() and "1, 2" in err.value.details()

    arun(body(), 30)


@pytest.mark.slow
def test_watch_job_sends_the_end_at_once(engine: EngineProcess) -> None:
    """Period 8 s, the job ends after ~1 s: the final message comes then, not at 8 s."""

    async def body() -> None:
        async with Client(engine.address) as c:
            job = (await c.create(sh_spec("quick-end", "sleep 1"))).job_id
            request = ws.WatchJobRequest(job_id=job)
            request.progress_update_period.FromSeconds(8)
            t0 = time.monotonic()
            states = [resp.state async for resp in c.watch.WatchJob(request, timeout=20)]
            assert states[-1] == J.JOB_STATE_SUCCEEDED
            assert time.monotonic() - t0 < 4.0, f"the end came {time.monotonic() - t0:.1f} s later"

    arun(body(), 30)


PROGRESS_BY_RUN = ('if [ "$PELORUS_RUN" = 1 ]; then echo "::progress successful=100 failed=0 remaining=0"; '
                   'else echo "::progress successful=1 failed=0 remaining=9"; fi; sleep 60')


def test_progress_is_the_current_runs_and_says_who_reported(engine: EngineProcess) -> None:
    async def body() -> None:
        async with Client(engine.address) as c:
            # Parallelism 2 of 3: the third instance waits, and has reported nothing.
            spec = sh_spec("by-run", PROGRESS_BY_RUN, instances=3, kill_grace_period=0.2)
            spec.parallelism = 2
            job = (await c.create(spec)).job_id
            st = await c.wait_job(job, lambda st: st.progress.instances_reporting == 2, what="2 reporting")
            assert (st.progress.successful, st.progress.remaining) == (200, 0)
            assert st.progress.instances_total == 3 and st.progress.run == 1
            assert st.pod_stats.get("POD_STATE_PENDING") == 1
            v = (await c.jobs.StopJob(req(js.StopJobRequest, job, st.version.value), timeout=10)).version.value
            await c.wait_state(job, J.JOB_STATE_KILLED)
            spec.parallelism = 0
            spec.instance_count = 2
            v = (await c.jobs.ReplaceJob(js.ReplaceJobRequest(job_id=job, version=ev(v), spec=spec),
                                         timeout=10)).version.value
            v = (await c.jobs.StartJob(req(js.StartJobRequest, job, v), timeout=10)).version.value
            await c.wait_job(job, lambda st: st.progress.instances_reporting == 2 and st.run_count == 2,
                             what="run 2 reporting")
            # A rolling restart of every instance is a new run: paused after its first batch, one
            # instance is in the new run and the other's old counts do not mix in.
            restart = req(js.RestartJobRequest, job, v)
            restart.restart_spec.batch_size = 1
            v = (await c.jobs.RestartJob(restart, timeout=10)).version.value
            await c.jobs.PauseJobWorkflow(req(js.PauseJobWorkflowRequest, job, v), timeout=10)
            st = await c.wait_job(job, lambda st: st.progress.instances_reporting == 1, what="1 reporting")
            assert st.progress.run == st.run_count == 3
            assert (st.progress.successful, st.progress.remaining) == (1, 9), st.progress
            assert st.progress.instances_total == 2

    arun(body(), 60)


@pytest.mark.slow
def test_progress_history_keeps_the_whole_curve(engine: EngineProcess) -> None:
    async def body() -> None:
        async with Client(engine.address) as c:
            script = ("for i in 1 2 3 4 5 6 7 8; do echo \"::progress successful=$i failed=0 remaining=$((8-i))\"; "
                      "sleep 0.3; done")
            job = (await c.create(sh_spec("curve", script))).job_id
            await c.wait_state(job, J.JOB_STATE_SUCCEEDED)
            hist = await c.watch.GetJobProgressHistory(ws.GetJobProgressHistoryRequest(job_id=job), timeout=10)
            assert hist.run == 1 and list(hist.runs) == [1]
            done = [s.progress.successful for s in hist.samples]
            assert done == sorted(done) and len(set(done)) >= 5, done  # the curve, not only its end
            assert hist.samples[-1].state == J.JOB_STATE_SUCCEEDED and done[-1] == 8
            times = [s.timestamp.ToNanoseconds() for s in hist.samples]
            assert times == sorted(times)
            st = await c.status(job)
            v = (await c.jobs.StartJob(req(js.StartJobRequest, job, st.version.value), timeout=10)).version.value
            assert v == st.version.value + 1
            await c.wait_job(job, lambda st: st.run_count == 2 and st.state == J.JOB_STATE_SUCCEEDED, what="run 2")
            hist2 = await c.watch.GetJobProgressHistory(ws.GetJobProgressHistoryRequest(job_id=job), timeout=10)
            assert hist2.run == 2 and list(hist2.runs) == [1, 2]
            assert hist2.samples[0].progress.successful <= 2  # run 2 starts from its own beginning
            old = await c.watch.GetJobProgressHistory(ws.GetJobProgressHistoryRequest(job_id=job, run=1), timeout=10)
            assert [s.progress.successful for s in old.samples] == done

    arun(body(), 40)


# -- callbacks --------------------------------------------------------------------------------
def test_callback_fires_when_a_job_ends_killed(engine: EngineProcess,
                                               hook: tuple[str, list[dict[str, object]]]) -> None:
    url, received = hook

    async def body() -> None:
        async with Client(engine.address) as c:
            spec = sh_spec("killed-calls-back", "sleep 60", kill_grace_period=0.2)
            spec.callback_url = url
            job = (await c.create(spec)).job_id
            await c.wait_job(job, lambda st: st.pod_stats.get("POD_STATE_RUNNING") == 1, what="running")
            await c.jobs.StopJob(req(js.StopJobRequest, job, await version(c, job)), timeout=10)
            await c.wait_state(job, J.JOB_STATE_KILLED)

            async def posted() -> bool:
                return any(r.get("job_id") == job for r in received)

            await eventually(posted, timeout=10, what="the callback POST of a KILLED job")
            got = next(r for r in received if r.get("job_id") == job)
            assert got["state"] == "KILLED" and got["reason"] == "KILLED_ON_REQUEST"

    arun(body(), 30)


def test_a_pod_launched_just_before_a_sigkill_is_adopted_not_orphaned(engine_factory: type[EngineProcess]) -> None:
    """The engine records LAUNCHING, starts the process, then records its handle. Killed in
    between, the next engine used to mark the pod LOST and leave its process running for ever,
    outside every job. It now finds the process (by the pod id in its environment) and adopts it."""
    eng = engine_factory().start()

    async def body() -> tuple[str, int]:
        async with Client(eng.address) as c:
            job = (await c.create(sh_spec("launching", "sleep 60", kill_grace_period=0.2))).job_id
            pod = await c.wait_pod(job, 0, lambda p: p.status.state == P.POD_STATE_RUNNING, what="RUNNING")
            return job, pod.status.pid

    job, pid = arun(body(), 30)
    eng.kill9()
    # Put the store back to the moment between "LAUNCHING is durable" and "the handle is recorded".
    with sqlite3.connect(eng.data_dir / "engine.db") as db:
        (blob,) = db.execute("SELECT info FROM pods WHERE job_id=?", (job,)).fetchone()
        info = pod_pb2.PodInfo.FromString(blob)
        info.status.state = P.POD_STATE_LAUNCHING
        info.status.pid = 0
        db.execute("UPDATE pods SET info=?, state=?, handle='' WHERE job_id=?",
                   (info.SerializeToString(), P.POD_STATE_LAUNCHING, job))
    eng.start()

    async def after() -> None:
        async with Client(eng.address) as c:
            pod = await c.wait_pod(job, 0, lambda p: p.status.state != P.POD_STATE_LAUNCHING, what="reconciled")
            assert pod.status.state == P.POD_STATE_RUNNING and pod.status.pid == pid, pod.status
            v = await version(c, job)
            await c.jobs.StopJob(req(js.StopJobRequest, job, v), timeout=10)
            await c.wait_state(job, J.JOB_STATE_KILLED)
            assert await group_gone(pid), "the adopted pod's process survived its job's stop"

    try:
        arun(after(), 30)
    finally:
        if group_alive(pid):
            os.killpg(pid, signal.SIGKILL)  # ours: do not leave it behind when the test fails
