"""Scheduling against a real engine: priority, parallelism, retries with backoff,
completions, schedules (at / every / cron), unique keys, active deadlines, TTL,
callbacks and the job data handed to pods."""

from __future__ import annotations

import asyncio
import base64
import socket
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import grpc
import psutil
import pytest
from enginehelp import Client, EngineProcess, arun, eventually, group_alive, group_gone, sh_spec
from google.protobuf import any_pb2, struct_pb2

from pelorus.api import (
    job_pb2,
    pod_pb2,
    workflow_pb2,
)
from pelorus.api import (
    job_service_pb2 as js,
)
from pelorus.api import (
    pod_service_pb2 as ps,
)
from pelorus.api import (
    watch_service_pb2 as ws,
)

J = job_pb2
P = pod_pb2
TERMINAL = (J.JOB_STATE_SUCCEEDED, J.JOB_STATE_FAILED, J.JOB_STATE_KILLED)


def secs(ts: object) -> float:
    return ts.seconds + ts.nanos / 1e9  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def eng(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EngineProcess]:
    """One engine for the module; callbacks retry fast so a dead URL gives up quickly."""
    proc = EngineProcess(tmp_path_factory.mktemp("sched") / "engine",
                         "--callback-attempts", "2", "--callback-first-delay", "0.1").start()
    yield proc
    proc.stop()
    proc.reap_pods()


async def pod_logs(c: Client, name: str, **kw: object) -> list[pod_pb2.LogLine]:
    lines: list[pod_pb2.LogLine] = []
    request = ps.GetPodLogsRequest(pod_name=name, **kw)  # type: ignore[arg-type]
    async for resp in c.pods.GetPodLogs(request, timeout=10):
        lines.extend(resp.lines)
    return lines


def retry_spec(name: str, counter: Path, fail_times: int, kind: int, delay_ms: int,
               max_attempts: int = 5) -> job_pb2.JobSpec:
    script = (f'n=$(cat {counter} 2>/dev/null || echo 0); n=$((n+1)); echo $n > {counter}; '
              f'echo "attempt $n"; [ "$n" -gt {fail_times} ] || exit 7')
    spec = sh_spec(name, script, restart_policy=P.RESTART_POLICY_ON_FAILURE, max_attempts=max_attempts)
    spec.default_spec.backoff.kind = kind  # type: ignore[assignment]
    spec.default_spec.backoff.delay.FromMilliseconds(delay_ms)
    return spec


# -- priority and parallelism -------------------------------------------------------------
@pytest.mark.slow
def test_priority_orders_queued_jobs(engine_factory: type[EngineProcess]) -> None:
    engine = engine_factory(None, "--max-running-pods", "1").start()

    async def body() -> None:
        async with Client(engine.address) as c:
            blocker = (await c.create(sh_spec("blocker", "sleep 0.8"))).job_id
            await c.wait_pod(blocker, 0, lambda p: p.status.state == P.POD_STATE_RUNNING, what="RUNNING")
            low_spec = sh_spec("low", "true")
            low_spec.priority = 1
            high_spec = sh_spec("high", "true")
            high_spec.priority = 10
            low = (await c.create(low_spec)).job_id
            high = (await c.create(high_spec)).job_id
            # Both wait for the only slot.
            assert (await c.pod(low, 0)).current.status.state == P.POD_STATE_PENDING
            assert (await c.pod(high, 0)).current.status.state == P.POD_STATE_PENDING
            for job in (blocker, low, high):
                await c.wait_state(job, J.JOB_STATE_SUCCEEDED)
            b, lo, hi = [(await c.pod(j, 0)).current.status for j in (blocker, low, high)]
            assert secs(b.ended_at) <= secs(hi.started_at) <= secs(lo.started_at), (b, hi, lo)
            assert secs(hi.ended_at) <= secs(lo.started_at)

    arun(body(), 30)


@pytest.mark.slow
def test_parallelism_limits_running_pods(eng: EngineProcess) -> None:
    async def body() -> None:
        async with Client(eng.address) as c:
            spec = sh_spec("par", "sleep 0.3", instances=6)
            spec.parallelism = 2
            job = (await c.create(spec)).job_id
            seen_running = 0
            while True:
                st = await c.status(job)
                running = sum(st.pod_stats.get(s, 0) for s in
                              ("POD_STATE_RUNNING", "POD_STATE_LAUNCHING", "POD_STATE_STARTING"))
                assert running <= 2, dict(st.pod_stats)
                seen_running = max(seen_running, running)
                if st.state in TERMINAL:
                    break
                await asyncio.sleep(0.03)
            assert st.state == J.JOB_STATE_SUCCEEDED, st
            assert seen_running == 2
            spans = []
            for i in range(6):
                ps_ = (await c.pod(job, i)).current.status
                spans.append((secs(ps_.started_at), secs(ps_.ended_at)))
            # Sweep: at ties, an end comes before a start (the slot is freed first).
            points = sorted([(s, 1) for s, _ in spans] + [(e, -1) for _, e in spans], key=lambda p: (p[0], p[1]))
            level = peak = 0
            for _, d in points:
                level += d
                peak = max(peak, level)
            assert peak == 2, spans

    arun(body(), 30)


@pytest.mark.slow
def test_blocked_queue_does_not_spin_the_engine(eng: EngineProcess) -> None:
    """Pods queued behind parallelism or a unique key must not busy-loop the scheduler
    (it once spun at 100 % CPU and starved every RPC)."""
    assert eng.proc is not None
    proc = psutil.Process(eng.proc.pid)

    async def body() -> None:
        async with Client(eng.address) as c:
            spec = sh_spec("one-at-a-time", "sleep 1.2", instances=3)
            spec.parallelism = 1
            job = (await c.create(spec)).job_id
            keyed = sh_spec("keyed", "sleep 1.2")
            keyed.unique_key = "spin-check"
            holder = (await c.create(keyed)).job_id
            await c.wait_pod(job, 0, lambda p: p.status.state == P.POD_STATE_RUNNING, what="RUNNING")
            await c.wait_pod(holder, 0, lambda p: p.status.state == P.POD_STATE_RUNNING, what="RUNNING")
            waiter = (await c.create(keyed)).job_id
            before = sum(proc.cpu_times()[:2])
            t0 = time.monotonic()
            await asyncio.sleep(0.8)
            used = sum(proc.cpu_times()[:2]) - before
            assert used < 0.4 * (time.monotonic() - t0), f"engine used {used:.2f} s CPU while pods only waited"
            start = time.monotonic()
            await c.get(job)  # and it still answers promptly
            assert time.monotonic() - start < 0.5
            for j in (job, holder, waiter):
                st = await c.status(j)
                await c.jobs.StopJob(js.StopJobRequest(job_id=j, version=st.version), timeout=10)

    arun(body(), 20)


# -- retries ---------------------------------------------------------------------------------
@pytest.mark.parametrize(("kind", "delays"), [(P.Backoff.KIND_FIXED, [0.4, 0.4]),
                                              (P.Backoff.KIND_EXPONENTIAL, [0.3, 0.6])])
@pytest.mark.slow
def test_retries_with_backoff(eng: EngineProcess, tmp_path: Path, kind: int, delays: list[float]) -> None:
    async def body() -> None:
        async with Client(eng.address) as c:
            spec = retry_spec(f"retry-{kind}", tmp_path / "count", fail_times=2, kind=kind,
                              delay_ms=int(delays[0] * 1000))
            job = (await c.create(spec)).job_id
            st = await c.wait_state(job, *TERMINAL)
            assert st.state == J.JOB_STATE_SUCCEEDED, st
            pod = await c.pod(job, 0)
            cur = pod.current.status
            assert cur.attempt == 3 and cur.run == 3 and cur.state == P.POD_STATE_SUCCEEDED
            assert cur.pod_id == f"{job}-0-3" and cur.prev_pod_id == f"{job}-0-2"
            runs = sorted(pod.previous, key=lambda p: p.status.run)
            assert [(p.status.run, p.status.attempt, p.status.state, p.status.exit_code) for p in runs] == [
                (1, 1, P.POD_STATE_FAILED, 7), (2, 2, P.POD_STATE_FAILED, 7)]
            chain = [p.status for p in runs] + [cur]
            for before, after, delay in zip(chain[:-1], chain[1:], delays, strict=True):
                gap = secs(after.started_at) - secs(before.ended_at)
                assert gap >= delay - 0.02, (gap, delay)
                assert gap < delay + 3.0, (gap, delay)
            lines = [ln.text for ln in await pod_logs(c, f"{job}-0", pod_id=f"{job}-0-1")]
            assert "attempt 1" in lines

    arun(body(), 30)


def test_max_attempts_exhausted_fails_instance_and_job(eng: EngineProcess) -> None:
    async def body() -> None:
        async with Client(eng.address) as c:
            spec = sh_spec("always-fails", "echo boom >&2; exit 3", instances=2,
                           restart_policy=P.RESTART_POLICY_ON_FAILURE, max_attempts=2)
            spec.default_spec.backoff.delay.FromMilliseconds(100)
            job = (await c.create(spec)).job_id
            st = await c.wait_state(job, *TERMINAL)
            assert st.state == J.JOB_STATE_FAILED, st
            assert st.reason == "FAILED"
            assert "2 of 2 instance(s) failed" in st.message, st.message
            assert st.instances_failed == 2 and st.instances_done == 0
            assert st.HasField("ended_at")
            for i in range(2):
                pod = await c.pod(job, i)
                cur = pod.current.status
                assert cur.state == P.POD_STATE_FAILED and cur.attempt == 2 and cur.run == 2
                assert cur.has_exit_code and cur.exit_code == 3
                assert cur.reason and cur.message
                assert len(pod.previous) == 1
                assert not cur.HasField("next_attempt_at")

    arun(body(), 30)


def test_completions_need_that_many_successful_runs(eng: EngineProcess) -> None:
    async def body() -> None:
        async with Client(eng.address) as c:
            spec = sh_spec("thrice", "echo run", instances=2)
            spec.completions = 3
            job = (await c.create(spec)).job_id
            st = await c.wait_state(job, *TERMINAL)
            assert st.state == J.JOB_STATE_SUCCEEDED, st
            assert st.instances_done == 2
            for i in range(2):
                pod = await c.pod(job, i)
                assert pod.current.status.successful_runs == 3
                assert pod.current.status.run == 3
                assert [p.status.state for p in pod.previous] == [P.POD_STATE_SUCCEEDED] * 2

    arun(body(), 30)


# -- schedules ------------------------------------------------------------------------------
@pytest.mark.slow
def test_schedule_at_runs_once_at_that_time(eng: EngineProcess) -> None:
    async def body() -> None:
        async with Client(eng.address) as c:
            spec = sh_spec("later", "true")
            at = time.time() + 1.0
            spec.schedule.at.FromNanoseconds(int(at * 1e9))
            job = (await c.create(spec)).job_id
            st = await c.status(job)
            assert st.state == J.JOB_STATE_PENDING, st
            assert st.HasField("next_run_at") and abs(secs(st.next_run_at) - at) < 0.01
            assert (await c.pod(job, 0)).current.status.state != P.POD_STATE_RUNNING
            st = await c.wait_state(job, *TERMINAL, timeout=10)
            assert st.state == J.JOB_STATE_SUCCEEDED and st.run_count == 1
            assert not st.HasField("next_run_at")
            started = secs((await c.pod(job, 0)).current.status.started_at)
            assert started >= at - 0.01, (started, at)

    arun(body(), 20)


@pytest.mark.slow
def test_schedule_every_repeats_until_stopped(eng: EngineProcess) -> None:
    async def body() -> None:
        async with Client(eng.address) as c:
            spec = sh_spec("tick", "echo tick")
            spec.schedule.every.FromSeconds(1)
            job = (await c.create(spec)).job_id
            seen: set[int] = set()

            def check(st: job_pb2.JobStatus) -> bool:
                assert st.state not in TERMINAL, st
                seen.add(st.state)
                return st.run_count >= 2

            await c.wait_job(job, check, timeout=10, what="two runs")
            st = await c.wait_job(job, lambda s: s.state == J.JOB_STATE_PENDING and s.HasField("next_run_at"),
                                  what="waiting for its next run")
            assert "next run scheduled" in st.message
            pod = await c.pod(job, 0)
            assert pod.current.status.run >= 2 and pod.previous
            stop = await c.jobs.StopJob(js.StopJobRequest(job_id=job, version=st.version), timeout=10)
            assert stop.version.value > st.version.value
            st = await c.wait_state(job, J.JOB_STATE_KILLED)
            assert not st.HasField("next_run_at")
            runs = st.run_count
            await asyncio.sleep(1.3)
            st = await c.status(job)
            assert st.state == J.JOB_STATE_KILLED and st.run_count == runs

    arun(body(), 25)


def test_cron_schedule(eng: EngineProcess) -> None:
    async def body() -> None:
        async with Client(eng.address) as c:
            bad = sh_spec("bad-cron", "true")
            bad.schedule.cron = "61 * * * *"
            with pytest.raises(grpc.aio.AioRpcError) as err:
                await c.create(bad)
            assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
            assert "spec.schedule.cron" in err.value.details()
            assert "61 * * * *" in err.value.details()

            spec = sh_spec("minutely", "true")
            spec.schedule.cron = "* * * * *"
            t0 = time.time()
            job = (await c.create(spec)).job_id
            st = await c.status(job)
            assert st.state == J.JOB_STATE_PENDING, st
            nxt = st.next_run_at
            assert nxt.seconds % 60 == 0 and nxt.nanos == 0, nxt
            assert t0 < secs(nxt) <= t0 + 60.5
            await c.jobs.StopJob(js.StopJobRequest(job_id=job, version=st.version), timeout=10)
            st = await c.wait_state(job, J.JOB_STATE_KILLED)
            assert not st.HasField("next_run_at")

    arun(body(), 20)


# -- unique keys, deadlines, TTL -------------------------------------------------------------
@pytest.mark.slow
def test_unique_key_makes_the_second_job_wait(eng: EngineProcess) -> None:
    async def body() -> None:
        async with Client(eng.address) as c:
            first_spec = sh_spec("holder", "sleep 0.8")
            first_spec.unique_key = "nightly-report"
            first = (await c.create(first_spec)).job_id
            await c.wait_pod(first, 0, lambda p: p.status.state == P.POD_STATE_RUNNING, what="RUNNING")
            second_spec = sh_spec("waiter", "true")
            second_spec.unique_key = "nightly-report"
            second = (await c.create(second_spec)).job_id
            st = await c.wait_job(second, lambda s: first in s.message, timeout=5, what="a waiting message")
            assert st.state == J.JOB_STATE_PENDING
            assert "nightly-report" in st.message
            assert (await c.pod(second, 0)).current.status.state == P.POD_STATE_PENDING
            await c.wait_state(first, J.JOB_STATE_SUCCEEDED)
            st = await c.wait_state(second, J.JOB_STATE_SUCCEEDED)
            ended_first = secs((await c.pod(first, 0)).current.status.ended_at)
            started_second = secs((await c.pod(second, 0)).current.status.started_at)
            assert started_second >= ended_first

    arun(body(), 20)


@pytest.mark.slow
def test_active_deadline_kills_the_pod(eng: EngineProcess) -> None:
    async def body() -> None:
        async with Client(eng.address) as c:
            spec = sh_spec("slow", "sleep 30", active_deadline=1.0, kill_grace_period=0.5)
            job = (await c.create(spec)).job_id
            cur = await c.wait_pod(job, 0, lambda p: p.status.state == P.POD_STATE_RUNNING, what="RUNNING")
            pid = cur.status.pid
            assert pid > 0 and group_alive(pid)
            st = await c.wait_state(job, *TERMINAL, timeout=10)
            assert st.state == J.JOB_STATE_FAILED, st
            cur = (await c.pod(job, 0)).current.status
            assert cur.state == P.POD_STATE_FAILED
            assert cur.reason == "DEADLINE_EXCEEDED"
            assert "deadline" in cur.message and "1 s" in cur.message, cur.message
            ran = secs(cur.ended_at) - secs(cur.started_at)
            assert 0.9 <= ran < 5.0, ran
            assert await group_gone(pid)

    arun(body(), 20)


@pytest.mark.slow
def test_ttl_after_finished_purges_the_job(eng: EngineProcess) -> None:
    async def body() -> None:
        async with Client(eng.address) as c:
            spec = sh_spec("short-lived", "echo bye")
            spec.ttl_after_finished.FromSeconds(1)
            created = await c.create(spec)
            job = created.job_id
            rev = (await c.status(job)).revision
            changes: list[ws.Change] = []

            async def watch() -> None:
                req = ws.WatchRequest(start_revision=rev, job_filter=ws.JobFilter(job_ids=[job]))
                async for resp in c.watch.Watch(req):
                    changes.extend(resp.changes)
                    if any(ch.deleted for ch in resp.changes):
                        return

            watcher = asyncio.ensure_future(watch())
            try:
                st = await c.wait_state(job, J.JOB_STATE_SUCCEEDED)
                assert st.HasField("expires_at")
                assert abs(secs(st.expires_at) - (secs(st.ended_at) + 1.0)) < 0.01

                async def gone() -> bool:
                    try:
                        await c.get(job)
                    except grpc.aio.AioRpcError as exc:
                        assert exc.code() == grpc.StatusCode.NOT_FOUND
                        return True
                    return False

                await eventually(gone, timeout=6, what="the job to be purged")
                await asyncio.wait_for(watcher, 5)
            finally:
                watcher.cancel()
            final = [ch for ch in changes if ch.deleted]
            assert len(final) == 1 and final[0].job.job_id == job
            status = final[0].job.status
            assert status.HasField("purged_at") and secs(status.purged_at) >= secs(status.expires_at) - 0.01
            with pytest.raises(grpc.aio.AioRpcError) as err:
                await pod_logs(c, f"{job}-0")
            assert err.value.code() == grpc.StatusCode.NOT_FOUND
            with sqlite3.connect(eng.data_dir / "engine.db") as db:  # its logs and runs are gone too
                for table in ("logs", "pods", "pod_runs", "pod_events", "jobs"):
                    n = db.execute(f"SELECT count(*) FROM {table} WHERE job_id=?", (job,)).fetchone()[0]  # noqa: S608
                    assert n == 0, table

    arun(body(), 20)


# -- callbacks -------------------------------------------------------------------------------
def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def job_events(c: Client, job: str) -> list[str]:
    resp = await c.jobs.GetWorkflowEvents(js.GetWorkflowEventsRequest(job_id=job), timeout=10)
    return [e.message for e in resp.events]


def test_callback_posts_final_state(eng: EngineProcess, hook: tuple[str, list[dict[str, object]]]) -> None:
    url, received = hook

    async def body() -> None:
        async with Client(eng.address) as c:
            ok_spec = sh_spec("calls-back", "true")
            ok_spec.callback_url = url
            ok = (await c.create(ok_spec)).job_id
            bad_spec = sh_spec("fails-and-calls-back", "exit 1")
            bad_spec.callback_url = url
            bad = (await c.create(bad_spec)).job_id

            async def both() -> bool:
                return {r.get("job_id") for r in received} >= {ok, bad}

            await eventually(both, timeout=10, what="two callback POSTs")
            by_job = {r["job_id"]: r for r in received}
            assert by_job[ok]["state"] == "SUCCEEDED" and by_job[ok]["name"] == "calls-back"
            assert by_job[ok]["reason"] == "SUCCEEDED"
            assert by_job[bad]["state"] == "FAILED"
            assert by_job[bad]["status"]["state"] == "JOB_STATE_FAILED"  # type: ignore[index]

            async def recorded() -> bool:
                return any("callback" in m and "200" in m for m in await job_events(c, ok))

            await eventually(recorded, timeout=5, what="the callback outcome event")

    arun(body(), 20)


def test_callback_to_dead_url_records_failure(eng: EngineProcess) -> None:
    async def body() -> None:
        async with Client(eng.address) as c:
            spec = sh_spec("calls-nobody", "true")
            spec.callback_url = f"http://127.0.0.1:{closed_port()}/hook"
            job = (await c.create(spec)).job_id
            await c.wait_state(job, J.JOB_STATE_SUCCEEDED)

            async def gave_up() -> bool:
                return any("gave up after 2 attempts" in m for m in await job_events(c, job))

            await eventually(gave_up, timeout=8, what="the callback failure event")
            resp = await c.jobs.GetWorkflowEvents(js.GetWorkflowEventsRequest(job_id=job), timeout=10)
            event = next(e for e in resp.events if "gave up" in e.message)
            assert event.state == workflow_pb2.WORKFLOW_STATE_FAILED
            assert spec.callback_url in event.message

    arun(body(), 20)


# -- what pods are given --------------------------------------------------------------------
def test_job_data_is_handed_to_pods(eng: EngineProcess) -> None:
    async def body() -> None:
        async with Client(eng.address) as c:
            payload = struct_pb2.Struct()
            payload.update({"bucket": "s3://x", "shards": 4})
            spec = sh_spec("with-data", 'echo "$PELORUS_JOB_DATA"; echo "$PELORUS_NOT_SET"')
            spec.data.Pack(payload)
            job = (await c.create(spec)).job_id
            await c.wait_state(job, J.JOB_STATE_SUCCEEDED)
            out = [ln.text for ln in await pod_logs(c, f"{job}-0") if ln.stream == pod_pb2.LogLine.STREAM_STDOUT]
            assert out and out[0] == base64.b64encode(spec.data.SerializeToString()).decode()
            got = any_pb2.Any.FromString(base64.b64decode(out[0]))
            back = struct_pb2.Struct()
            assert got.Unpack(back) and back == payload

            plain = (await c.create(sh_spec("no-data", 'echo "[${PELORUS_JOB_DATA-unset}]"'))).job_id
            await c.wait_state(plain, J.JOB_STATE_SUCCEEDED)
            out = [ln.text for ln in await pod_logs(c, f"{plain}-0") if ln.stream == pod_pb2.LogLine.STREAM_STDOUT]
            assert out == ["[unset]"]

    arun(body(), 20)
