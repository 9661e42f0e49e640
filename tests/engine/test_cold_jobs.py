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
        assert second.jobs.resident(live) and second.jobs.resident(paused)
        assert not second.jobs.resident(done)
        assert second.job(done).status.state == J.JOB_STATE_SUCCEEDED
        assert done in second.jobs and "no-such-job" not in second.jobs
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
