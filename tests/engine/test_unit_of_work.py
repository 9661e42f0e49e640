"""The engine's unit of work, in process: a block's changes are committed to the store and only
then published to watchers, when the block ends; servicers never call commit() themselves."""

from __future__ import annotations

import ast
import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from enginefakes import FakeExecutor

from pelorus.api import job_pb2
from pelorus.engine.engine import Engine, EngineConfig
from pelorus.engine.ports import SchedulerHost, WorkflowHost

SERVICES = Path(__file__).resolve().parents[2] / "pelorus" / "engine" / "services"


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    executor = FakeExecutor()
    eng = Engine(EngineConfig(tmp_path / "engine"), executor)
    executor.events = eng
    yield eng
    eng.progress.close()
    eng.store.close()


def _stopped_job(eng: Engine) -> str:
    spec = job_pb2.JobSpec(name="uow", instance_count=2)
    spec.default_spec.command = "true"
    job_id, _version, _created = eng.create_job("", spec, "", start_paused=True)
    return job_id


def test_the_engine_is_the_hosts_the_scheduler_and_workflows_need(engine: Engine) -> None:
    # mypy checks these assignments structurally: the Engine implements both Protocols.
    scheduler_host: SchedulerHost = engine
    workflow_host: WorkflowHost = engine
    assert scheduler_host.max_running_pods == engine.config.max_running_pods
    assert workflow_host.jobs is engine.jobs


def test_changes_are_committed_then_published_when_the_block_ends(engine: Engine) -> None:
    job_id = _stopped_job(engine)
    rec = engine.job(job_id)
    sub = engine.hub.subscribe(lambda _kind, _job: True)
    before = engine.store.revision
    with engine.unit_of_work() as uow:
        rec.status.message = "changed in a unit of work"
        uow.mark_job(rec)
        assert engine.store.revision == before and not sub.queue  # nothing durable or streamed mid-block
    assert engine.store.revision == before + 1
    published = sub.take()
    assert [(c.revision, c.job_id) for c in published] == [(before + 1, job_id)]
    stored = engine.store.load_job(job_id)
    assert stored is not None and stored.status.message == "changed in a unit of work"


def test_read_committed_commits_what_is_pending_before_the_block_reads(engine: Engine) -> None:
    job_id = _stopped_job(engine)
    rec = engine.job(job_id)
    before = engine.store.revision
    rec.status.message = "pending from elsewhere"
    engine.mark_job(rec)  # no running loop here: its scheduled commit never comes by itself
    with engine.unit_of_work(read_committed=True) as uow:
        assert uow.store.revision == before + 1
    with engine.unit_of_work() as uow:
        rec.status.message = "pending again"
        engine.mark_job(rec)
    assert engine.store.revision == before + 2


def test_a_block_that_raises_commits_nothing_itself(engine: Engine) -> None:
    job_id = _stopped_job(engine)
    rec = engine.job(job_id)
    before = engine.store.revision
    with pytest.raises(RuntimeError), engine.unit_of_work() as uow:
        rec.status.message = "half done"
        uow.mark_job(rec)
        raise RuntimeError("refused")
    assert engine.store.revision == before  # it goes out with the engine's next (scheduled) commit
    engine.commit()
    assert engine.store.revision == before + 1


def _commit_calls(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(), str(path))
    return [node.lineno for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "commit"]


def test_servicers_never_call_commit() -> None:
    files = sorted(SERVICES.glob("*.py"))
    assert len(files) >= 4, files
    calls = {f.name: lines for f in files if (lines := _commit_calls(f))}
    assert calls == {}, f"servicers call commit() (use engine.unit_of_work()): {calls}"


def test_the_commit_check_finds_a_commit_call(tmp_path: Path) -> None:
    sample = tmp_path / "svc.py"
    sample.write_text("def f(self):\n    self.engine.commit()\n")
    assert _commit_calls(sample) == [2]


def test_a_read_of_one_job_commits_that_jobs_pending_changes_and_no_others(engine: Engine) -> None:
    read, other = _stopped_job(engine), _stopped_job(engine)
    before = engine.store.revision
    engine.job(other).status.message = "pending elsewhere"
    engine.mark_job(engine.job(other))
    rec = engine.committed_job(read)  # the job read has nothing pending: nothing is written for it
    assert rec is engine.job(read) and engine.store.revision == before
    rec.status.message = "pending on the job read"
    engine.mark_job(rec)
    engine.committed_job(read)  # ... now it has: what the read returns is durable first
    assert engine.store.revision > before
    stored = engine.store.load_job(read)
    assert stored is not None and stored.status.message == "pending on the job read"


def test_changes_the_engine_makes_by_itself_go_out_together_within_the_commit_delay(
        engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    from pelorus.engine import engine as engine_module

    monkeypatch.setattr(engine_module, "COMMIT_DELAY", 0.2)  # wide enough for a loaded machine
    first, second = engine.job(_stopped_job(engine)), engine.job(_stopped_job(engine))
    publishes: list[list[str]] = []
    publish = engine.hub.publish
    engine.hub.publish = lambda changes: (publishes.append([c.job_id for c in changes]), publish(changes))[1]  # type: ignore[method-assign]

    async def body() -> None:
        first.status.message = "a pod of mine ended"
        engine.mark_job(first)
        await asyncio.sleep(0)  # another callback of the loop, a moment later
        second.status.message = "a pod of mine started"
        engine.mark_job(second)
        assert publishes == []  # not yet: within COMMIT_DELAY
        await asyncio.sleep(0.5)

    asyncio.run(body())
    assert sorted(map(sorted, publishes)) == [sorted([first.job_id, second.job_id])]  # one transaction, one publish
    stored = engine.store.load_job(second.job_id)
    assert stored is not None and stored.status.message == "a pod of mine started"
