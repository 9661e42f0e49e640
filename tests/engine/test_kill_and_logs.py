"""Stopping things (jobs, single pods, forced deletes) leaves no process behind, and pod
logs stream while the pod runs: follow, tail, resume, previous runs, stderr, progress."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import grpc
import pytest
from enginehelp import Client, EngineProcess, arun, eventually, group_alive, group_gone, sh_spec

from pelorus.api import job_pb2, pod_pb2, workflow_pb2
from pelorus.api import job_service_pb2 as js
from pelorus.api import pod_service_pb2 as ps

J = job_pb2
P = pod_pb2
OUT, ERR = pod_pb2.LogLine.STREAM_STDOUT, pod_pb2.LogLine.STREAM_STDERR


def secs(ts: object) -> float:
    return ts.seconds + ts.nanos / 1e9  # type: ignore[attr-defined]


async def pod_logs(c: Client, name: str, **kw: object) -> tuple[list[pod_pb2.LogLine], bool]:
    lines: list[pod_pb2.LogLine] = []
    end = False
    request = ps.GetPodLogsRequest(pod_name=name, **kw)  # type: ignore[arg-type]
    async for resp in c.pods.GetPodLogs(request, timeout=10):
        assert not end, "a message after end_of_logs"
        lines.extend(resp.lines)
        end = end or resp.end_of_logs
    return lines, end


async def wait_line(c: Client, name: str, text: str, timeout: float = 10.0) -> None:
    async def seen() -> bool:
        try:
            lines, _ = await pod_logs(c, name)
        except grpc.aio.AioRpcError:
            return False
        return any(ln.text == text for ln in lines)

    await eventually(seen, timeout, f"{name} to print {text!r}")


async def running(c: Client, job: str, inst: int) -> pod_pb2.PodInfo:
    return await c.wait_pod(job, inst, lambda p: p.status.state == P.POD_STATE_RUNNING, what="RUNNING")


# -- stopping ------------------------------------------------------------------------------
def test_stop_job_kills_term_ignoring_pods_and_their_children(shared_engine: EngineProcess) -> None:
    async def body() -> None:
        async with Client(shared_engine.address) as c:
            spec = sh_spec("stubborn", "trap '' TERM; sleep 300 & echo ready; sleep 300", instances=2,
                           kill_grace_period=0.5)
            job = (await c.create(spec)).job_id
            pids = []
            for i in range(2):
                pids.append((await running(c, job, i)).status.pid)
                await wait_line(c, f"{job}-{i}", "ready")  # the trap is in place
            assert all(p > 0 and group_alive(p) for p in pids)
            st = await c.status(job)
            t0 = time.time()
            resp = await c.jobs.StopJob(js.StopJobRequest(job_id=job, version=st.version), timeout=10)
            assert resp.version.value == st.version.value + 1
            st = await c.wait_state(job, J.JOB_STATE_KILLED, timeout=10)
            assert st.reason == "KILLED_ON_REQUEST" and st.HasField("ended_at")
            for i, pid in enumerate(pids):
                cur = (await c.pod(job, i)).current.status
                assert cur.state == P.POD_STATE_KILLED
                assert cur.reason == "KILLED_ON_REQUEST"
                # SIGTERM was ignored: only the SIGKILL after the grace period ended it.
                assert secs(cur.ended_at) - t0 >= 0.45, secs(cur.ended_at) - t0
                assert await group_gone(pid), f"process group {pid} survived the stop"
            # A stop workflow was recorded and finished.
            wfs = await c.jobs.ListJobWorkflows(js.ListJobWorkflowsRequest(job_id=job), timeout=10)
            stop = wfs.workflows[0].status  # newest first
            assert stop.type == workflow_pb2.WORKFLOW_TYPE_STOP
            assert stop.state == workflow_pb2.WORKFLOW_STATE_SUCCEEDED

    arun(body(), 30)


def test_stop_start_restart_one_pod(shared_engine: EngineProcess) -> None:
    async def body() -> None:
        async with Client(shared_engine.address) as c:
            job = (await c.create(sh_spec("service", "sleep 300", instances=2, kill_grace_period=0.5))).job_id
            p0 = await running(c, job, 0)
            p1 = await running(c, job, 1)
            name0, name1 = f"{job}-0", f"{job}-1"

            await c.pods.StopPod(ps.StopPodRequest(pod_name=name0), timeout=10)
            cur = await c.wait_pod(job, 0, lambda p: p.status.state == P.POD_STATE_KILLED, what="KILLED")
            assert cur.status.reason == "KILLED_ON_REQUEST" and cur.status.pod_id == f"{name0}-1"
            assert await group_gone(p0.status.pid)
            assert (await c.pod(job, 1)).current.status.state == P.POD_STATE_RUNNING
            assert (await c.status(job)).state == J.JOB_STATE_RUNNING

            await c.pods.StartPod(ps.StartPodRequest(pod_name=name0), timeout=10)
            cur = await running(c, job, 0)
            assert cur.status.pod_id == f"{name0}-2" and cur.status.run == 2
            assert cur.status.prev_pod_id == f"{name0}-1"
            with pytest.raises(grpc.aio.AioRpcError) as err:
                await c.pods.StartPod(ps.StartPodRequest(pod_name=name0), timeout=10)
            assert err.value.code() == grpc.StatusCode.FAILED_PRECONDITION

            resp = await c.pods.RestartPod(ps.RestartPodRequest(pod_name=name1), timeout=10)
            assert resp.new_pod_id == f"{name1}-2"
            cur = await c.wait_pod(job, 1, lambda p: p.status.pod_id == resp.new_pod_id
                                   and p.status.state == P.POD_STATE_RUNNING, what="the restarted run")
            assert cur.status.pid != p1.status.pid
            assert await group_gone(p1.status.pid)
            got = await c.pod(job, 1)
            assert [p.status.pod_id for p in got.previous] == [f"{name1}-1"]
            assert got.previous[0].status.reason == "KILLED_FOR_RESTART"
            events = await c.pods.GetPodEvents(ps.GetPodEventsRequest(pod_name=name1), timeout=10)
            assert {e.pod_id for e in events.events} == {f"{name1}-1", f"{name1}-2"}

            with pytest.raises(grpc.aio.AioRpcError) as err:
                await c.pods.StopPod(ps.StopPodRequest(pod_name=f"{job}-7"), timeout=10)
            assert err.value.code() == grpc.StatusCode.NOT_FOUND

            st = await c.status(job)
            await c.jobs.StopJob(js.StopJobRequest(job_id=job, version=st.version), timeout=10)
            await c.wait_state(job, J.JOB_STATE_KILLED)
            assert await group_gone(cur.status.pid)

    arun(body(), 30)


def test_delete_running_job_needs_force(shared_engine: EngineProcess) -> None:
    async def body() -> None:
        async with Client(shared_engine.address) as c:
            job = (await c.create(sh_spec("to-delete", "sleep 300", kill_grace_period=0.5))).job_id
            pid = (await running(c, job, 0)).status.pid
            st = await c.status(job)
            with pytest.raises(grpc.aio.AioRpcError) as err:
                await c.jobs.DeleteJob(js.DeleteJobRequest(job_id=job, version=st.version), timeout=10)
            assert err.value.code() == grpc.StatusCode.FAILED_PRECONDITION
            assert "force" in err.value.details()
            assert group_alive(pid)
            assert (await c.status(job)).state == J.JOB_STATE_RUNNING

            await c.jobs.DeleteJob(js.DeleteJobRequest(job_id=job, version=st.version, force=True), timeout=15)
            with pytest.raises(grpc.aio.AioRpcError) as err:
                await c.get(job)
            assert err.value.code() == grpc.StatusCode.NOT_FOUND
            assert await group_gone(pid)
            with pytest.raises(grpc.aio.AioRpcError) as err:
                await c.jobs.GetJobIDFromJobName(js.GetJobIDFromJobNameRequest(job_name="to-delete"), timeout=10)
            assert err.value.code() == grpc.StatusCode.NOT_FOUND

    arun(body(), 30)


# -- logs ------------------------------------------------------------------------------------
@pytest.mark.slow
def test_follow_streams_lines_while_the_pod_runs(shared_engine: EngineProcess) -> None:
    async def body() -> None:
        async with Client(shared_engine.address) as c:
            script = "for i in $(seq 1 15); do echo line $i; sleep 0.1; done"
            job = (await c.create(sh_spec("chatty", script))).job_id
            await running(c, job, 0)
            name = f"{job}-0"
            got: list[pod_pb2.LogLine] = []
            states_while_streaming: list[int] = []
            end = False
            async for resp in c.pods.GetPodLogs(ps.GetPodLogsRequest(pod_name=name, follow=True), timeout=15):
                assert not end
                if resp.lines and len(states_while_streaming) < 3:
                    states_while_streaming.append((await c.pod(job, 0)).current.status.state)
                got.extend(resp.lines)
                end = resp.end_of_logs
            assert end
            assert P.POD_STATE_RUNNING in states_while_streaming  # lines arrived before the exit
            out = [ln for ln in got if ln.stream == OUT]
            assert [ln.text for ln in out] == [f"line {i}" for i in range(1, 16)]
            seqs = [ln.seq for ln in got]
            assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs) and seqs[0] >= 1
            assert all(ln.pod_id == f"{name}-1" for ln in got)
            assert (await c.pod(job, 0)).current.status.state == P.POD_STATE_SUCCEEDED

            # tail and resume over the finished run.
            tail, end = await pod_logs(c, name, tail_lines=3)
            assert [ln.seq for ln in tail] == seqs[-3:] and end
            after, end = await pod_logs(c, name, after_seq=seqs[9])
            assert [ln.seq for ln in after] == seqs[10:] and end
            again, _ = await pod_logs(c, name, follow=True)  # a finished run ends the follow at once
            assert [ln.seq for ln in again] == seqs

    arun(body(), 30)


def test_logs_of_previous_runs_and_stderr(shared_engine: EngineProcess, tmp_path: Path) -> None:
    async def body() -> None:
        async with Client(shared_engine.address) as c:
            counter = tmp_path / "n"
            script = (f'n=$(cat {counter} 2>/dev/null || echo 0); n=$((n+1)); echo $n > {counter}; '
                      'echo "run $n out"; echo "run $n err" >&2')
            spec = sh_spec("twice", script)
            spec.completions = 2
            job = (await c.create(spec)).job_id
            await c.wait_state(job, J.JOB_STATE_SUCCEEDED)
            name = f"{job}-0"
            for run in (1, 2):
                lines, end = await pod_logs(c, name, pod_id=f"{name}-{run}")
                assert end
                texts = {(ln.stream, ln.text) for ln in lines}
                assert (OUT, f"run {run} out") in texts and (ERR, f"run {run} err") in texts, texts
                assert all(ln.pod_id == f"{name}-{run}" for ln in lines)
            current, _ = await pod_logs(c, name)
            assert (OUT, "run 2 out") in {(ln.stream, ln.text) for ln in current}
            with pytest.raises(grpc.aio.AioRpcError) as err:
                await pod_logs(c, name, pod_id=f"{name}-9")
            assert err.value.code() == grpc.StatusCode.NOT_FOUND

    arun(body(), 20)


def test_progress_markers_update_pod_and_job(shared_engine: EngineProcess, tmp_path: Path) -> None:
    gate = tmp_path / "go"

    async def body() -> None:
        async with Client(shared_engine.address) as c:
            script = (
                'i=$PELORUS_INSTANCE_ID; '
                'echo "::progress successful=0 failed=0 remaining=10"; '
                'if [ "$i" = 0 ]; then echo "::progress successful=4 failed=1 remaining=5"; '
                'else echo "::progress successful=2 remaining=8"; fi; '
                f'while [ ! -e {gate} ]; do sleep 0.05; done; '
                'if [ "$i" = 0 ]; then echo "::progress successful=9 failed=1 remaining=0"; '
                'else echo "::progress successful=10 failed=0 remaining=0"; fi'
            )
            job = (await c.create(sh_spec("bulk", script, instances=2))).job_id
            st = await c.wait_job(job, lambda s: s.progress.successful == 6, timeout=10, what="progress 6")
            assert st.state == J.JOB_STATE_RUNNING
            assert (st.progress.successful, st.progress.failed, st.progress.remaining) == (6, 1, 13)
            assert st.progress.HasField("updated_at")
            pod0 = (await c.pod(job, 0)).current.status.progress
            assert (pod0.successful, pod0.failed, pod0.remaining) == (4, 1, 5)
            gate.touch()
            st = await c.wait_state(job, J.JOB_STATE_SUCCEEDED)
            assert (st.progress.successful, st.progress.failed, st.progress.remaining) == (19, 1, 0)
            assert st.progress.elapsed.ToNanoseconds() > 0
            pod1 = (await c.pod(job, 1)).current.status.progress
            assert (pod1.successful, pod1.failed, pod1.remaining) == (10, 0, 0)
            lines, _ = await pod_logs(c, f"{job}-0")
            assert any(ln.text.startswith("::progress") for ln in lines)  # markers stay in the log

    arun(body(), 20)


def test_progress_counts_even_with_discarded_logs(shared_engine: EngineProcess) -> None:
    async def body() -> None:
        async with Client(shared_engine.address) as c:
            spec = sh_spec("quiet", 'echo noise; echo "::progress successful=3 remaining=0"', discard_logs=True)
            job = (await c.create(spec)).job_id
            st = await c.wait_state(job, J.JOB_STATE_SUCCEEDED)
            assert st.progress.successful == 3
            lines, end = await pod_logs(c, f"{job}-0")
            assert not [ln for ln in lines if ln.stream in (OUT, ERR)] and end

    arun(body(), 20)


def test_stop_during_follow_ends_the_stream(shared_engine: EngineProcess) -> None:
    async def body() -> None:
        async with Client(shared_engine.address) as c:
            job = (await c.create(sh_spec("endless", "while :; do echo tick; sleep 0.1; done",
                                          kill_grace_period=0.5))).job_id
            await running(c, job, 0)
            name = f"{job}-0"
            await wait_line(c, name, "tick")

            async def follow() -> tuple[list[pod_pb2.LogLine], bool]:
                return await pod_logs(c, name, follow=True)

            task = asyncio.ensure_future(follow())
            await asyncio.sleep(0.4)
            assert not task.done()
            await c.pods.StopPod(ps.StopPodRequest(pod_name=name), timeout=10)
            lines, end = await asyncio.wait_for(task, 10)
            assert end and sum(1 for ln in lines if ln.text == "tick") >= 3

    arun(body(), 20)


def test_stopping_every_pod_by_hand_ends_the_job_killed_not_failed(shared_engine: EngineProcess) -> None:
    async def body() -> None:
        async with Client(shared_engine.address) as c:
            job_id = (await c.create(sh_spec("one-pod", "sleep 60", kill_grace_period=0.3))).job_id
            await c.wait_pod(job_id, 0, lambda p: p.status.state == pod_pb2.POD_STATE_RUNNING, what="running")
            await c.pods.StopPod(ps.StopPodRequest(pod_name=f"{job_id}-0"))
            st = await c.wait_state(job_id, job_pb2.JOB_STATE_KILLED, job_pb2.JOB_STATE_FAILED)
            assert st.state == job_pb2.JOB_STATE_KILLED and st.instances_failed == 0
            assert "stopped by request" in st.message

    arun(body())


@pytest.mark.slow
def test_deadline_kill_is_retried_and_named_in_the_job_message(shared_engine: EngineProcess) -> None:
    async def body() -> None:
        async with Client(shared_engine.address) as c:
            spec = sh_spec("deadline-retry", "sleep 30", active_deadline=0.5, kill_grace_period=0.2,
                           restart_policy=pod_pb2.RESTART_POLICY_ON_FAILURE, max_attempts=2)
            spec.default_spec.backoff.delay.FromMilliseconds(100)
            job_id = (await c.create(spec)).job_id
            st = await c.wait_state(job_id, job_pb2.JOB_STATE_FAILED, timeout=15)
            pod = await c.pod(job_id, 0)
            assert pod.current.status.attempt == 2 and pod.current.status.reason == "DEADLINE_EXCEEDED"
            assert [p.status.reason for p in pod.previous if p.status.run == 1] == ["DEADLINE_EXCEEDED"]
            assert "instance 0: killed: active deadline of 0.5 s exceeded (SIGTERM) (attempt 2)" in st.message

    arun(body())
