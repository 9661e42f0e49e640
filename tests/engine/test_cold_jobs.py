"""Finished jobs live in the store, not in memory (issue 18: 100,000 jobs and 1,000,000 pods in
at most 300 MiB): an idle finished job is dropped from the engine's cache and read back, whole,
when a request names it; a restarted engine loads only the live jobs; ListJobs still lists
every job; a deleted job never comes back. In process, with the engine's real store and a
stand-in executor."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from enginefakes import FakeExecutor

from pelorus.api import job_pb2, pod_pb2
from pelorus.engine.engine import Engine, EngineConfig
from pelorus.engine.errors import EngineError
from pelorus.engine.executors.base import ExitInfo

P = pod_pb2
J = job_pb2


def _engine(data_dir: Path) -> Engine:
    executor = FakeExecutor()
    eng = Engine(EngineConfig(data_dir), executor)
    executor.events = eng
    return eng


def _close(eng: Engine) -> None:
    eng.progress.close()
    eng.store.close()


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    eng = _engine(tmp_path / "engine")
    yield eng
    _close(eng)


def _create(eng: Engine, name: str, instances: int, command: str = "true") -> str:
    spec = job_pb2.JobSpec(name=name, instance_count=instances)
    spec.default_spec.command = command
    job_id, _, _ = eng.create_job("", spec, "", start_paused=False)
    return job_id


def _finish(eng: Engine, job_id: str) -> None:
    rec = eng.job(job_id)
    for pod in list(rec.pods.values()):
        eng.on_exited(pod.status.pod_id, ExitInfo(exit_code=0, reason="SUCCEEDED", message="exited with code 0"))
    eng.commit()
    assert eng.job(job_id).status.state == J.JOB_STATE_SUCCEEDED


def _evict_all_cold(eng: Engine) -> int:
    return eng._evict_cold(time.monotonic() + 1.0)  # as if unused for longer than COLD_AFTER


def test_a_finished_job_leaves_memory_and_comes_back_whole_when_asked(engine: Engine) -> None:
    done = _create(engine, "done", 3)
    live = _create(engine, "live", 1, "sleep")
    asyncio.run(engine.scheduler.tick())
    _finish(engine, done)
    before = engine.job(done)
    pods_before = {i: p.SerializeToString() for i, p in before.pods.items()}

    assert _evict_all_cold(engine) == 1
    assert not engine.jobs.resident(done) and engine.jobs.resident(live)
    assert engine.job(live).pods[0].status.pod_id in engine._pod_index  # its executor callbacks still land

    again = engine.job(done)  # read back from the store
    assert again is not before and engine.jobs.resident(done)
    assert again.status.state == J.JOB_STATE_SUCCEEDED and again.version == before.version
    assert {i: p.SerializeToString() for i, p in again.pods.items()} == pods_before
    name, inst = engine.pod(f"{done}-2")
    assert name is again and inst == 2

    # A job looked up just now is not dropped; a live one never is.
    assert engine._evict_cold(time.monotonic() - 60.0) == 0
    assert _evict_all_cold(engine) == 1 and engine.jobs.resident(live)

    listed = {s.job_id: s for chunk in engine.iter_jobs(1) for s in chunk}
    assert set(listed) == {done, live}
    assert listed[done].status.state == J.JOB_STATE_SUCCEEDED and listed[done].name == "done"
    assert not engine.jobs.resident(done)  # listing reads the store, it does not load every job


def test_a_restarted_engine_loads_only_live_jobs_and_finds_the_rest_on_demand(tmp_path: Path) -> None:
    first = _engine(tmp_path / "engine")
    done = _create(first, "done", 2)
    live = _create(first, "live", 1, "sleep")
    spec = job_pb2.JobSpec(name="paused", instance_count=1)
    spec.default_spec.command = "true"
    paused, _, _ = first.create_job("", spec, "", start_paused=True)
    asyncio.run(first.scheduler.tick())
    _finish(first, done)
    _close(first)

    second = _engine(tmp_path / "engine")
    try:
        second._load()
        assert second.jobs.resident(live)
        # A job created stopped and never started is not live: nothing happens to it until a request.
        assert not second.jobs.resident(done) and not second.jobs.resident(paused)
        assert second.job(done).status.state == J.JOB_STATE_SUCCEEDED
        assert done in second.jobs and "no-such-job" not in second.jobs
        # Read back, the stopped job starts as it would have in memory.
        rec = second.job(paused)
        assert rec.status.state == J.JOB_STATE_INITIALIZED
        second.start_job(paused, rec.version)
        assert second.job(paused).status.state == J.JOB_STATE_PENDING
        assert [p.status.state for p in second.job(paused).pods.values()] == [P.POD_STATE_PENDING]
        assert not second._is_cold(second.job(paused))
    finally:
        _close(second)


def test_a_deleted_finished_job_does_not_come_back(engine: Engine) -> None:
    done = _create(engine, "done", 1)
    asyncio.run(engine.scheduler.tick())
    _finish(engine, done)
    assert _evict_all_cold(engine) == 1
    asyncio.run(engine.delete_job(done, engine.job(done).version, force=False))
    with pytest.raises(EngineError):
        engine.job(done)
    assert not engine.jobs.resident(done)
    assert [s for chunk in engine.iter_jobs(10) for s in chunk] == []


def _answers(eng: Engine, job_id: str) -> tuple[bytes, bytes, list[bytes], list[bytes]]:
    """What GetJob, ListPods and the Watch log say of a job, serialised."""
    rec = eng.job(job_id)
    changes = [payload for _, _, jid, payload in eng.store.changes_since(0, 1_000_000) if jid == job_id]
    return (rec.summary().SerializeToString(), rec.spec.SerializeToString(),
            [rec.pods[i].SerializeToString() for i in sorted(rec.pods)], changes)


def _cold_resident(eng: Engine) -> list[str]:
    return [job_id for job_id in eng.jobs.least_recently_used() if eng._is_cold(dict.__getitem__(eng.jobs, job_id))]


def test_finished_and_stopped_jobs_in_memory_are_bounded_and_answered_the_same_once_dropped(tmp_path: Path) -> None:
    """Past max_cold_resident finished jobs, the least recently used are dropped at once (not a
    minute later): creating many stopped jobs does not grow memory, and a dropped job reads back
    exactly as it was (GetJob, its pods, its Watch changes, QueryJobs)."""
    executor = FakeExecutor()
    eng = Engine(EngineConfig(tmp_path / "engine", max_cold_resident=4), executor)
    executor.events = eng

    async def body() -> None:
        live = _create(eng, "live", 1, "sleep")
        await eng.scheduler.tick()
        done = _create(eng, "done", 2)
        await eng.scheduler.tick()
        _finish(eng, done)
        before = {done: _answers(eng, done)}
        paused: list[str] = []
        for i in range(12):
            spec = job_pb2.JobSpec(name=f"stopped-{i}", owner="ops", instance_count=3)
            spec.default_spec.command = "true"
            job_id, _, _ = eng.create_job("", spec, "", start_paused=True)
            paused.append(job_id)
            before[job_id] = _answers(eng, job_id)
            await asyncio.sleep(0)  # the trim runs once the request is done with the job
            assert len(_cold_resident(eng)) <= 4
        q = job_pb2.JobQuerySpec(owner="ops")
        q.pagination.order_by.add(property="created_at", order=1)
        query_before = eng.store.query_jobs(q)
        assert eng.jobs.resident(live) and eng.jobs.resident(paused[-1])  # the newest stays, the live one always
        assert not eng.jobs.resident(done) and not eng.jobs.resident(paused[0])  # the least recently used went
        assert eng.job(live).pods[0].status.pod_id in eng._pod_index
        for job_id, answer in before.items():
            assert _answers(eng, job_id) == answer, job_id
            await asyncio.sleep(0)
            assert len(_cold_resident(eng)) <= 4
        assert eng.store.query_jobs(q) == query_before
        # A stopped job read back starts like any other.
        first = eng.job(paused[0])
        eng.start_job(paused[0], first.version)
        await eng.scheduler.tick()
        assert eng.job(paused[0]).status.state == J.JOB_STATE_RUNNING
        for _ in range(20):  # however many others are read meanwhile, a live job stays
            for job_id in paused[1:]:
                eng.job(job_id)
            await asyncio.sleep(0)
        assert eng.jobs.resident(paused[0]) and eng.jobs.resident(live)

    try:
        asyncio.run(body())
    finally:
        _close(eng)


def test_a_run_cancelled_or_fired_leaves_no_token_behind(engine: Engine) -> None:
    """The scheduler kept a run token for every job ever stopped or deleted (a dict growing with
    the history); a token now lives only while its run is scheduled."""
    spec = job_pb2.JobSpec(name="later", instance_count=1)
    spec.default_spec.command = "true"
    spec.schedule.cron = "0 0 1 1 *"  # next 1 January: the run waits in the scheduler
    jobs = []
    for _ in range(3):
        job_id, _, _ = engine.create_job("", spec, "", start_paused=False)
        jobs.append(job_id)
    tokens = engine.scheduler._run_tokens
    assert set(tokens) == set(jobs)
    asyncio.run(engine.stop_job(jobs[0], engine.job(jobs[0]).version))
    assert set(tokens) == set(jobs[1:])
    asyncio.run(engine.delete_job(jobs[1], engine.job(jobs[1]).version, force=True))
    assert set(tokens) == {jobs[2]}
    # Scheduled again (the stopped job started), the stale heap entry of the first run is skipped.
    engine.start_job(jobs[0], engine.job(jobs[0]).version)
    assert set(tokens) == {jobs[0], jobs[2]}
