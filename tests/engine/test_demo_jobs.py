"""Each demo job in resources/demo, run for real on an engine: the lifecycle it is there to show."""

from __future__ import annotations

import asyncio

import pytest
from enginehelp import Client, EngineProcess, arun

from pelorus.api import job_pb2, pod_pb2
from pelorus.api import job_service_pb2 as js
from pelorus.api import pod_service_pb2 as ps
from pelorus.engine.timeutil import from_timestamp
from pelorus.specfile import demo_specs

J, P = job_pb2, pod_pb2
DEMOS = demo_specs()


def test_demo_files_parse_and_are_distinct() -> None:
    assert len(DEMOS) >= 5
    assert len({s.name for s in DEMOS.values()}) == len(DEMOS)


@pytest.mark.slow
def test_bulk_job_reports_progress_and_tolerates_one_failure(engine: EngineProcess) -> None:
    async def body() -> None:
        async with Client(engine.address) as c:
            spec = DEMOS["1-bulk-thumbnails"]
            job_id = (await c.create(spec)).job_id
            seen_running = 0

            def finished(st: job_pb2.JobStatus) -> bool:
                nonlocal seen_running
                seen_running = max(seen_running, st.pod_stats.get("POD_STATE_RUNNING", 0))
                return st.state in (J.JOB_STATE_SUCCEEDED, J.JOB_STATE_FAILED)

            st = await c.wait_job(job_id, finished, timeout=40, what="finished")
            assert seen_running <= spec.parallelism
            total = spec.instance_count * 30
            assert st.progress.successful + st.progress.failed == total and st.progress.remaining == 0
            assert st.progress.failed > 0 or st.instances_failed == 0
            expected = J.JOB_STATE_FAILED if st.instances_failed > spec.max_failed_instances else J.JOB_STATE_SUCCEEDED
            assert st.state == expected and st.reason in ("SUCCEEDED", "FAILED")
            assert st.progress.elapsed.ToMilliseconds() > 2000

    arun(body())


@pytest.mark.slow
def test_flaky_job_retries_with_exponential_backoff(engine: EngineProcess) -> None:
    async def body() -> None:
        async with Client(engine.address) as c:
            job_id = (await c.create(DEMOS["2-flaky-retry"])).job_id
            await c.wait_state(job_id, J.JOB_STATE_SUCCEEDED, timeout=20)
            pod = await c.pod(job_id, 0)
            assert pod.current.status.attempt == 3 and pod.current.status.run == 3
            runs = sorted(pod.previous, key=lambda p: p.status.run)
            assert [r.status.state for r in runs[:2]] == [P.POD_STATE_FAILED, P.POD_STATE_FAILED]
            gaps = [from_timestamp(b.status.started_at) - from_timestamp(a.status.ended_at)
                    for a, b in zip(runs, [*runs[1:], pod.current], strict=False)]
            assert gaps[0] >= 0.45 and gaps[1] >= 0.95, gaps  # 0.5 s, then doubled
            lines = [ln.text async for resp in c.pods.GetPodLogs(ps.GetPodLogsRequest(pod_name=f"{job_id}-0"))
                     for ln in resp.lines]
            assert lines == ["attempt 3 of run 3", "synced 1204 rows"]

    arun(body())


def test_cron_job_waits_for_its_minute(engine: EngineProcess) -> None:
    async def body() -> None:
        async with Client(engine.address) as c:
            job_id = (await c.create(DEMOS["3-cron-report"])).job_id
            st = await c.status(job_id)
            assert st.state == J.JOB_STATE_PENDING and st.HasField("next_run_at")
            assert st.next_run_at.seconds % 60 == 0 and st.next_run_at.nanos == 0
            assert st.pod_stats.get("POD_STATE_INITIALIZED") == 1
            resp = await c.jobs.StopJob(js.StopJobRequest(job_id=job_id, version=st.version))
            st = await c.wait_state(job_id, J.JOB_STATE_KILLED)
            assert not st.HasField("next_run_at") and resp.version.value == 2

    arun(body())


@pytest.mark.slow
def test_service_keeps_running_and_restarts_within_its_sla(engine: EngineProcess) -> None:
    async def body() -> None:
        async with Client(engine.address) as c:
            job_id = (await c.create(DEMOS["4-service-frontend"])).job_id
            await c.wait_job(job_id, lambda st: st.pod_stats.get("POD_STATE_RUNNING") == 3, what="3 running")
            restarted = await c.pods.RestartPod(ps.RestartPodRequest(pod_name=f"{job_id}-0", check_sla=True))
            assert restarted.new_pod_id == f"{job_id}-0-2"
            # While instance 0 drains, restarting another would exceed max_unavailable_instances=1.
            try:
                await c.pods.RestartPod(ps.RestartPodRequest(pod_name=f"{job_id}-1", check_sla=True))
            except Exception as exc:  # noqa: BLE001 - asserting on the gRPC error below
                assert "SLA" in str(exc)
            else:
                raise AssertionError("the SLA check let two instances go down at once")
            pod = await c.wait_pod(job_id, 0, lambda p: p.status.run == 2 and p.status.state == P.POD_STATE_RUNNING,
                                   what="run 2 running")
            assert pod.status.prev_pod_id == f"{job_id}-0-1"
            st = await c.status(job_id)
            await c.jobs.StopJob(js.StopJobRequest(job_id=job_id, version=st.version))
            st = await c.wait_state(job_id, J.JOB_STATE_KILLED, timeout=20)
            logs = [ln.text async for resp in c.pods.GetPodLogs(ps.GetPodLogsRequest(pod_name=f"{job_id}-2"))
                    for ln in resp.lines]
            assert logs[0] == "listening on :802" and "draining connections" in logs[-3:]

    arun(body(), timeout=60)


@pytest.mark.slow
def test_export_is_killed_at_its_deadline(engine: EngineProcess) -> None:
    async def body() -> None:
        async with Client(engine.address) as c:
            job_id = (await c.create(DEMOS["5-timeout-export"])).job_id
            st = await c.wait_state(job_id, J.JOB_STATE_FAILED, timeout=20)
            pod = (await c.pod(job_id, 0)).current
            assert pod.status.reason == "DEADLINE_EXCEEDED" and "deadline of 5 s" in pod.status.message
            ran = from_timestamp(pod.status.ended_at) - from_timestamp(pod.status.started_at)
            assert 4.9 <= ran < 8, ran
            assert st.reason == "FAILED"

    arun(body(), timeout=40)


@pytest.mark.slow
def test_interval_job_runs_again(engine: EngineProcess) -> None:
    async def body() -> None:
        async with Client(engine.address) as c:
            spec = DEMOS["6-interval-heartbeat"]
            spec.schedule.every.FromMilliseconds(700)  # the demo's 15 s, shortened for the test
            job_id = (await c.create(spec)).job_id
            st = await c.wait_job(job_id, lambda s: s.run_count >= 3, timeout=15, what="three runs")
            assert st.state in (J.JOB_STATE_PENDING, J.JOB_STATE_RUNNING)
            pod = await c.pod(job_id, 0)
            assert pod.current.status.run >= 2
            await asyncio.sleep(0)
            await c.jobs.StopJob(js.StopJobRequest(job_id=job_id, version=st.version))
            await c.wait_state(job_id, J.JOB_STATE_KILLED)

    arun(body())
