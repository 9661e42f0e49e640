"""ListJobs streams its pages from a revision taken first (in process, in milliseconds): the
first page leaves before the other summaries are built, a job changed while the pages stream
is listed in the state it has when its page is read (newer than the revision, which its
status.revision says), a job deleted before its page is left out, and none is listed twice.
The console's side of this (the Watch from that revision never steps a row back) is in
tests/client/test_list_jobs_raw.py, against the engine process."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from enginefakes import FakeExecutor

from pelorus.api import job_pb2
from pelorus.api import job_service_pb2 as js
from pelorus.engine.engine import Engine, EngineConfig
from pelorus.engine.services.jobs import JobService

J = job_pb2


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    executor = FakeExecutor()
    eng = Engine(EngineConfig(tmp_path / "engine"), executor)
    executor.events = eng
    yield eng
    eng.progress.close()
    eng.store.close()


def _spec(name: str) -> job_pb2.JobSpec:
    spec = job_pb2.JobSpec(name=name, owner="tests", instance_count=1)
    spec.default_spec.command = "true"
    return spec


def test_pages_stream_from_a_revision_and_show_changes_made_meanwhile(engine: Engine) -> None:
    ids = sorted(engine.create_job("", _spec(f"stream-{i}"), "", start_paused=True)[0] for i in range(8))
    engine.commit()

    async def body() -> tuple[int, list[js.ListJobsResponse]]:
        stream = JobService(engine).ListJobs(js.ListJobsRequest(batch_size=2), None)  # type: ignore[arg-type]
        first = await anext(stream)
        revision = first.revision
        assert [j.job_id for j in first.jobs] == ids[:2] and not first.last
        # while the rest streams: a listed job and a job still to come change, one still to
        # come is deleted
        for job_id in (ids[0], ids[5]):
            engine.start_job(job_id, engine.job(job_id).version)
        await engine.delete_job(ids[7], engine.job(ids[7]).version, force=True)
        engine.commit()
        return revision, [first] + [m async for m in stream]

    revision, msgs = asyncio.run(body())
    assert revision > 0 and all(m.revision == revision for m in msgs)
    assert msgs[-1].last and not msgs[-1].jobs and not any(m.last for m in msgs[:-1])
    listed = [j for m in msgs for j in m.jobs]
    assert [j.job_id for j in listed] == ids[:7]  # in id order, none twice, the deleted one left out
    by_id = {j.job_id: j for j in listed}
    # the job listed before its change shows the state at the revision; the one listed after
    # shows its change, newer than the revision the client watches from
    assert by_id[ids[0]].status.revision <= revision < engine.job(ids[0]).status.revision
    assert by_id[ids[5]].status.revision > revision
    assert by_id[ids[5]].status == engine.job(ids[5]).status
    # the change log has every change after the revision: what the Watch replays
    replayed = {job_id for _rev, _kind, job_id, _payload in engine.store.changes_since(revision, 100)}
    assert {ids[0], ids[5], ids[7]} <= replayed


def test_an_empty_store_lists_one_last_message(engine: Engine) -> None:
    async def body() -> list[js.ListJobsResponse]:
        return [m async for m in JobService(engine).ListJobs(js.ListJobsRequest(), None)]  # type: ignore[arg-type]

    msgs = asyncio.run(body())
    assert len(msgs) == 1 and msgs[0].last and not msgs[0].jobs
