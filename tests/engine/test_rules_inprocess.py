"""The scheduling and workflow rules, in process and in milliseconds: the Scheduler and the
WorkflowDriver driven against a small fake host (tests/enginefakes.py, implementing
pelorus/engine/ports.py over a real SQLite store), and the retry and schedule rules through an
in-process Engine whose executor starts nothing. The process-level tests (test_scheduling.py,
test_workflows.py) check the same rules end to end with real pods; these pin the rules alone.

Time is a fake clock patched into the modules that read it, so a backoff or a scheduled run
falls due when the test says, not after a sleep."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import enginefakes
import pytest
from enginefakes import FakeExecutor, FakeHost, job

from pelorus.api import job_pb2, pod_pb2, workflow_pb2
from pelorus.engine import engine as engine_module
from pelorus.engine import scheduler as scheduler_module
from pelorus.engine import workflows as workflows_module
from pelorus.engine.engine import Engine, EngineConfig
from pelorus.engine.executors.base import ExitInfo, UsageSample
from pelorus.engine.ports import SchedulerHost, WorkflowHost
from pelorus.engine.records import JobRecord
from pelorus.engine.scheduler import Scheduler
from pelorus.engine.timeutil import from_timestamp, set_timestamp
from pelorus.engine.workflows import WorkflowDriver

P = pod_pb2
J = job_pb2
W = workflow_pb2
T0 = 1_800_000_000.0


class Clock:
    def __init__(self) -> None:
        self.t = T0

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    c = Clock()
    for module in (scheduler_module, workflows_module, engine_module, enginefakes):
        monkeypatch.setattr(module, "now", c)
    return c


@pytest.fixture
def host(tmp_path: Path) -> Iterator[FakeHost]:
    h = FakeHost(tmp_path, max_running_pods=256)
    yield h
    h.close()


def scheduler_for(host: FakeHost) -> Scheduler:
    typed: SchedulerHost = host  # mypy: the fake implements the port the Engine implements
    sched = Scheduler(typed)
    host.on_next_run = sched.enqueue
    return sched


def launched_jobs(host: FakeHost) -> list[str]:
    executor = host.executor
    assert isinstance(executor, FakeExecutor)
    return [pod_id.rsplit("-", 2)[0] for pod_id in executor.launched]


def queue(host: FakeHost, rec: JobRecord) -> None:
    host.add(rec)
    for inst in range(rec.spec.instance_count):
        host.next_run(rec, inst)


def states(rec: JobRecord) -> list[str]:
    return [P.PodState.Name(rec.pods[i].status.state)[10:] for i in sorted(rec.pods)]


# -- the scheduler ---------------------------------------------------------------------------
def test_higher_priority_then_older_jobs_launch_first(host: FakeHost, clock: Clock) -> None:
    host.max_running_pods = 3
    sched = scheduler_for(host)
    for job_id, prio, age in (("low", 0, 10), ("high-new", 5, 1), ("high-old", 5, 5), ("mid", 2, 20)):
        queue(host, job(job_id, priority=prio, created=T0 - age))
    asyncio.run(sched.tick())
    assert launched_jobs(host) == ["high-old", "high-new", "mid"]  # the slot limit leaves "low" queued
    assert states(host.jobs["low"]) == ["PENDING"]
    assert host.commits >= 1  # LAUNCHING committed before the launches
    assert host.workflow_pokes == 1


def test_pods_held_back_while_the_executor_is_down_launch_as_soon_as_it_is_back(host: FakeHost,
                                                                              clock: Clock) -> None:
    """ExecutorUnavailable keeps a pod PENDING with a growing backoff; executor_available (the
    executor's backend answers again) launches it at the next tick, not when the backoff ends."""
    from pelorus.engine.executors.base import ExecutorUnavailable

    sched = scheduler_for(host)
    executor = host.executor
    assert isinstance(executor, FakeExecutor)
    executor.fail_launch = ExecutorUnavailable("Ray head down")
    rec = job("held", instances=2)
    queue(host, rec)
    for _ in range(4):  # the backoff grows: 1, 2, 4, 8 s
        asyncio.run(sched.tick())
        clock.advance(30)
    asyncio.run(sched.tick())
    assert states(rec) == ["PENDING", "PENDING"]
    assert all(p.status.reason == "EXECUTOR_UNAVAILABLE" for p in rec.pods.values())
    executor.fail_launch = None
    asyncio.run(sched.tick())
    assert states(rec) == ["PENDING", "PENDING"]  # still waiting out the backoff
    sched.executor_available()
    asyncio.run(sched.tick())
    assert states(rec) == ["RUNNING", "RUNNING"]
    assert len(executor.launched) == 2


def test_parallelism_caps_a_jobs_running_pods_and_a_freed_slot_is_refilled(host: FakeHost, clock: Clock) -> None:
    sched = scheduler_for(host)
    rec = job("par", instances=5, parallelism=2)
    queue(host, rec)
    asyncio.run(sched.tick())
    assert states(rec) == ["RUNNING", "RUNNING", "PENDING", "PENDING", "PENDING"]
    asyncio.run(sched.tick())
    assert states(rec).count("RUNNING") == 2  # no slot freed: nothing more starts
    rec.pods[0].status.state = P.POD_STATE_SUCCEEDED
    sched.pod_down(rec.pods[0].status.pod_id)
    asyncio.run(sched.tick())
    assert states(rec) == ["SUCCEEDED", "RUNNING", "RUNNING", "PENDING", "PENDING"]


def test_a_tick_launches_a_bounded_batch_and_the_next_tick_is_due_at_once(host: FakeHost, clock: Clock) -> None:
    sched = scheduler_for(host)
    batch = scheduler_module.MAX_LAUNCH_BATCH
    rec = job("many", instances=batch * 2 + 3)
    queue(host, rec)
    commits = host.commits
    asyncio.run(sched.tick())
    assert states(rec).count("RUNNING") == batch  # one tick commits and launches one batch ...
    assert host.commits > commits
    assert sched._next_due() <= clock()  # ... and the next one follows without waiting
    asyncio.run(sched.tick())
    asyncio.run(sched.tick())
    assert states(rec).count("RUNNING") == batch * 2 + 3


def test_a_tick_hands_its_batch_to_the_executor_in_one_call_and_one_failure_stays_that_pods(
        host: FakeHost, clock: Clock) -> None:
    """launch_many: one call per tick (one round trip to a cluster); a result per pod, in order,
    so a pod the executor could not start fails alone and the others run."""
    from pelorus.engine.executors.base import LaunchRequest, PodHandle

    class BatchExecutor(FakeExecutor):
        def __init__(self) -> None:
            super().__init__()
            self.calls: list[int] = []

        async def launch_many(self, requests: list[LaunchRequest]) -> list[PodHandle | Exception]:
            self.calls.append(len(requests))
            out: list[PodHandle | Exception] = []
            for r in requests:
                if r.instance_id == 2:
                    out.append(OSError("no such file"))
                else:
                    self.launched.append(r.pod_id)
                    out.append(PodHandle(pid=1000 + len(self.launched), host="fakehost"))
            return out

    executor = BatchExecutor()
    host.executor = executor
    sched = scheduler_for(host)
    rec = job("batch", instances=5)
    queue(host, rec)
    asyncio.run(sched.tick())
    assert executor.calls == [5]
    assert states(rec) == ["RUNNING", "RUNNING", "FAILED", "RUNNING", "RUNNING"]
    assert rec.pods[2].status.reason == "LAUNCH_FAILED" and "no such file" in rec.pods[2].status.message
    assert host.failures == [("batch", 2)]
    assert sched.describe()["active_pods"] == "4"


def test_a_pod_queued_twice_launches_once_and_stays_running(host: FakeHost, clock: Clock) -> None:
    """After an engine restart restore() queues every PENDING pod, also one that reconciling a
    restarted pod (KILLING, then its next run) had just queued. The tick picked that pod twice
    (it reads PENDING until the pick is over), the batch launched it once, and the twin's
    "already running" failed the RUNNING pod: its process ran on with no record to stop it (the
    pods the lifecycle model found alive after the engine stopped)."""
    from pelorus.engine.executors.base import LaunchRequest, PodHandle

    class OncePerPodExecutor(FakeExecutor):  # as the local and Ray executors: a pod id starts once
        attempts = 0

        async def launch(self, request: LaunchRequest) -> PodHandle:
            self.attempts += 1
            if request.pod_id in self.launched:
                raise RuntimeError(f"pod {request.pod_id} is already running on this executor")
            return await super().launch(request)

    executor = OncePerPodExecutor()
    host.executor = executor
    sched = scheduler_for(host)
    rec = job("twice", instances=2)
    queue(host, rec)  # queued by next_run ...
    sched.restore()  # ... and again by restore()
    asyncio.run(sched.tick())
    assert sorted(executor.launched) == sorted(p.status.pod_id for p in rec.pods.values())
    assert executor.attempts == 2  # each pod once in the batch
    assert states(rec) == ["RUNNING", "RUNNING"]
    assert host.failures == []
    assert sched.describe()["active_pods"] == "2"


def test_the_engine_wide_slot_limit_spans_jobs(host: FakeHost, clock: Clock) -> None:
    host.max_running_pods = 3
    sched = scheduler_for(host)
    a, b = job("a", instances=2, created=T0 - 2), job("b", instances=2, created=T0 - 1)
    queue(host, a)
    queue(host, b)
    asyncio.run(sched.tick())
    assert states(a) + states(b) == ["RUNNING", "RUNNING", "RUNNING", "PENDING"]
    assert sched.describe()["active_pods"] == "3"


def test_a_unique_key_makes_the_second_job_wait_until_the_first_finishes(host: FakeHost, clock: Clock) -> None:
    sched = scheduler_for(host)
    first, second = job("first", unique_key="k", created=T0 - 2), job("second", unique_key="k", created=T0 - 1)
    queue(host, first)
    queue(host, second)
    asyncio.run(sched.tick())
    assert states(first) == ["RUNNING"] and states(second) == ["PENDING"]
    assert second.status.message == "waiting: job first holds unique key 'k'"
    first.pods[0].status.state = P.POD_STATE_SUCCEEDED
    sched.pod_down(first.pods[0].status.pod_id)
    sched.release_unique_key(first)
    asyncio.run(sched.tick())
    assert states(second) == ["RUNNING"]


def test_a_retry_waits_for_its_backoff(host: FakeHost, clock: Clock) -> None:
    sched = scheduler_for(host)
    rec = host.add(job("retry"))
    host.next_run(rec, 0, delay=2.5, attempt=2)
    asyncio.run(sched.tick())
    assert states(rec) == ["PENDING"]
    clock.advance(2.4)
    asyncio.run(sched.tick())
    assert states(rec) == ["PENDING"]
    clock.advance(0.1)
    asyncio.run(sched.tick())
    assert states(rec) == ["RUNNING"]


def test_a_launch_failure_fails_the_pod_and_hands_it_to_the_retry_policy(host: FakeHost, clock: Clock) -> None:
    sched = scheduler_for(host)
    executor = host.executor
    assert isinstance(executor, FakeExecutor)
    executor.fail_launch = OSError("no such file")
    rec = job("bad")
    queue(host, rec)
    asyncio.run(sched.tick())
    assert states(rec) == ["FAILED"]
    assert rec.pods[0].status.reason == "LAUNCH_FAILED"
    assert host.failures == [("bad", 0)]
    assert sched.describe()["active_pods"] == "0"


def test_a_scheduled_run_begins_when_due_and_not_once_cancelled(host: FakeHost, clock: Clock) -> None:
    sched = scheduler_for(host)
    due, cancelled = host.add(job("due")), host.add(job("cancelled"))
    sched.schedule_run(due, T0 + 60)
    sched.schedule_run(cancelled, T0 + 60)
    sched.cancel_run(cancelled)
    asyncio.run(sched.tick())
    assert host.begun == []
    clock.advance(60)
    asyncio.run(sched.tick())
    assert host.begun == [("due", T0 + 60)]


def test_an_active_deadline_kills_the_pod(host: FakeHost, clock: Clock) -> None:
    sched = scheduler_for(host)
    rec = job("deadline")
    rec.spec.default_spec.active_deadline.FromSeconds(5)
    queue(host, rec)
    asyncio.run(sched.tick())
    set_timestamp(rec.pods[0].status.started_at, clock())
    sched.restore()  # tracks the deadline of the running pod from its start
    clock.advance(5)
    asyncio.run(sched.tick())
    assert host.kills == [("deadline", 0, P.POD_STATE_FAILED, "DEADLINE_EXCEEDED")]


# -- retries and schedules through an in-process engine ---------------------------------------
@pytest.fixture
def engine(tmp_path: Path, clock: Clock) -> Iterator[Engine]:
    executor = FakeExecutor()
    eng = Engine(EngineConfig(tmp_path / "engine"), executor)
    executor.events = eng
    yield eng
    eng.progress.close()
    eng.store.close()


def _create(eng: Engine, spec: job_pb2.JobSpec) -> JobRecord:
    job_id, _, _ = eng.create_job("", spec, "", start_paused=False)
    return eng.job(job_id)


def _fail_attempts(eng: Engine, rec: JobRecord, clock: Clock, n: int) -> list[float]:
    """Launch and fail the pod n times; the delay before each next attempt."""
    delays = []
    for _ in range(n):
        asyncio.run(eng.scheduler.tick())
        st = rec.pods[0].status
        assert st.state == P.POD_STATE_RUNNING, st
        eng.on_exited(st.pod_id, ExitInfo(exit_code=3, reason="FAILED", message="exit 3"))
        nxt = rec.pods[0].status
        if nxt.state != P.POD_STATE_PENDING:
            break
        delays.append(round(from_timestamp(nxt.next_attempt_at) - clock(), 3))
        clock.advance(delays[-1])
    return delays


def _spec(**pod: object) -> job_pb2.JobSpec:
    spec = job_pb2.JobSpec(name="rules", instance_count=1)
    spec.default_spec.command = "false"
    for key, value in pod.items():
        setattr(spec.default_spec, key, value)
    return spec


def test_fixed_backoff_delays_each_retry_alike(engine: Engine, clock: Clock) -> None:
    spec = _spec(restart_policy=P.RESTART_POLICY_ON_FAILURE, max_attempts=4)
    spec.default_spec.backoff.delay.FromMilliseconds(1500)
    rec = _create(engine, spec)
    assert _fail_attempts(engine, rec, clock, 4) == [1.5, 1.5, 1.5]
    assert rec.pods[0].status.state == P.POD_STATE_FAILED and rec.pods[0].status.attempt == 4


def test_exponential_backoff_doubles_up_to_its_cap(engine: Engine, clock: Clock) -> None:
    spec = _spec(restart_policy=P.RESTART_POLICY_ON_FAILURE, max_attempts=6)
    spec.default_spec.backoff.kind = P.Backoff.KIND_EXPONENTIAL
    spec.default_spec.backoff.delay.FromMilliseconds(500)
    spec.default_spec.backoff.max_delay.FromSeconds(3)
    rec = _create(engine, spec)
    assert _fail_attempts(engine, rec, clock, 6) == [0.5, 1.0, 2.0, 3.0, 3.0]


def test_usage_is_sampled_for_every_running_pod_and_only_those(engine: Engine, clock: Clock,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    # The sweep finds running pods through the scheduler's active pods, not a walk over every
    # resident job: a finished job's pods and a pending one are not sampled.
    asked: list[str] = []

    def usage(pod_id: str) -> UsageSample:
        asked.append(pod_id)
        return UsageSample(cpu_seconds=1.5, memory_rss_bytes=4096)

    monkeypatch.setattr(engine.executor, "usage", usage)
    done = _create(engine, _spec(command="true"))
    asyncio.run(engine.scheduler.tick())
    engine.on_exited(done.pods[0].status.pod_id, ExitInfo(exit_code=0, reason="", message=""))
    running = _create(engine, job_pb2.JobSpec(name="two", instance_count=2, default_spec=pod_pb2.PodSpec(
        command="sleep")))
    asyncio.run(engine.scheduler.tick())
    waiting = _create(engine, _spec(command="sleep"))  # pending: no tick since it was made
    assert waiting.pods[0].status.state == P.POD_STATE_PENDING
    asked.clear()
    asyncio.run(engine._sample_usage())
    want = {running.pods[i].status.pod_id for i in (0, 1)}
    assert set(asked) == want and len(asked) == 2
    assert all(running.pods[i].status.usage.memory_rss_bytes == 4096 for i in (0, 1))


def test_an_interval_schedule_sets_the_next_run_from_the_last_start(engine: Engine, clock: Clock) -> None:
    spec = _spec()
    spec.default_spec.command = "true"
    spec.schedule.every.FromSeconds(60)
    rec = _create(engine, spec)
    asyncio.run(engine.scheduler.tick())
    started = from_timestamp(rec.status.started_at)
    assert started == T0
    clock.advance(7)
    engine.on_exited(rec.pods[0].status.pod_id, ExitInfo(exit_code=0, reason="", message=""))
    engine.commit()  # the job's state (and its next run) is derived on commit
    assert rec.status.state == J.JOB_STATE_PENDING
    assert from_timestamp(rec.status.next_run_at) == T0 + 60
    clock.advance(53)
    asyncio.run(engine.scheduler.tick())  # the run falls due: a new run of the job starts
    assert rec.status.run_count == 2 and rec.pods[0].status.run == 2


def test_a_schedule_at_a_later_time_waits_pending(engine: Engine, clock: Clock) -> None:
    spec = _spec()
    set_timestamp(spec.schedule.at, T0 + 30)
    rec = _create(engine, spec)
    assert rec.status.state == J.JOB_STATE_PENDING and from_timestamp(rec.status.next_run_at) == T0 + 30
    asyncio.run(engine.scheduler.tick())
    assert rec.status.run_count == 0
    clock.advance(30)
    asyncio.run(engine.scheduler.tick())
    assert rec.status.run_count == 1


# -- rolling workflows -------------------------------------------------------------------------
def running_job(host: FakeHost, job_id: str, instances: int) -> JobRecord:
    rec = host.add(job(job_id, instances=instances))
    for inst in range(instances):
        host.next_run(rec, inst)
        st = rec.pods[inst].status
        st.state = P.POD_STATE_RUNNING
        set_timestamp(st.started_at, T0 - 60)
    return rec


def driver_for(host: FakeHost) -> WorkflowDriver:
    typed: WorkflowHost = host  # mypy: the fake implements the port the Engine implements
    return WorkflowDriver(typed)


async def settle(host: FakeHost) -> None:
    while host.tasks:
        await host.tasks.pop(0)


def come_back(host: FakeHost, rec: JobRecord, insts: list[int]) -> None:
    """The killed pods' new runs are up (and have been for longer than MIN_READY_SECONDS)."""
    for inst in insts:
        host.next_run(rec, inst)
        st = rec.pods[inst].status
        st.state = P.POD_STATE_RUNNING
        set_timestamp(st.started_at, T0 - 2 * workflows_module.MIN_READY_SECONDS)  # the clock stays at T0


def killed(host: FakeHost) -> list[int]:
    out = [inst for _, inst, _, _ in host.kills]
    host.kills.clear()
    return out


def wf_state(rec: JobRecord) -> str:
    assert rec.latest_workflow is not None
    return W.WorkflowState.Name(rec.latest_workflow.status.state)[15:]


def test_a_rolling_restart_goes_in_batches_of_its_size(host: FakeHost, clock: Clock) -> None:
    async def scenario() -> list[list[int]]:
        driver = driver_for(host)
        rec = running_job(host, "roll", 5)
        version = driver.start_restart(rec, [0, 1, 2, 3, 4], W.RestartSpec(batch_size=2))
        assert version == 2
        batches = []
        await settle(host)
        while (batch := killed(host)):
            batches.append(batch)
            come_back(host, rec, batch)
            driver.poke(rec)
            await settle(host)
        assert rec.workflow is None
        assert wf_state(rec) == "SUCCEEDED"
        assert rec.latest_workflow is not None and rec.latest_workflow.status.num_instances_completed == 5
        return batches

    assert asyncio.run(scenario()) == [[0, 1], [2, 3], [4]]
    assert all(reason == "KILLED_FOR_RESTART" for _, _, _, reason in host.kills)


def test_pause_holds_the_next_batch_resume_continues_abort_ends(host: FakeHost, clock: Clock) -> None:
    async def scenario() -> None:
        driver = driver_for(host)
        rec = running_job(host, "ops", 3)
        assert driver.pause(rec) == rec.version == 1  # no workflow: a no-op, nothing bumped
        driver.start_restart(rec, [0, 1, 2], W.RestartSpec(batch_size=1))
        await settle(host)
        assert killed(host) == [0]
        v = driver.pause(rec)
        assert (wf_state(rec), v) == ("PAUSED", 3)
        assert driver.pause(rec) == 3  # already paused: a no-op
        come_back(host, rec, [0])
        driver.poke(rec)
        await settle(host)
        assert killed(host) == []  # paused: the batch in flight is counted, no new one starts
        assert rec.workflow is not None and rec.workflow.done == [0]
        assert driver.resume(rec) == 4 and wf_state(rec) == "ROLLING_FORWARD"
        assert driver.resume(rec) == 4  # not paused: a no-op
        await settle(host)
        assert killed(host) == [1]
        assert driver.abort(rec) == 5
        assert rec.workflow is None and wf_state(rec) == "ABORTED"
        assert driver.abort(rec) == 5  # nothing active: a no-op
        come_back(host, rec, [1])
        driver.poke(rec)
        await settle(host)
        assert killed(host) == []  # an aborted workflow rolls nothing more

    asyncio.run(scenario())


def test_an_update_with_too_many_failures_rolls_back(host: FakeHost, clock: Clock) -> None:
    async def scenario() -> None:
        driver = driver_for(host)
        rec = running_job(host, "upd", 2)
        host.store.put_job(rec.job_id, rec.spec, rec.status, None, True)  # version 1's spec, to roll back to
        new = job_pb2.JobSpec()
        new.CopyFrom(rec.spec)
        new.default_spec.command = "broken"
        update = W.UpdateSpec(batch_size=1, rollback_on_failure=True)
        assert driver.start_update(rec, new, update) == 2
        await settle(host)
        assert killed(host) == [0]
        host.next_run(rec, 0)
        rec.pods[0].status.state = P.POD_STATE_FAILED
        driver.poke(rec)
        await settle(host)
        assert wf_state(rec) == "ROLLING_BACKWARD"
        assert rec.spec.default_spec.command == "true" and rec.version == 3

    asyncio.run(scenario())


def test_the_update_diff_names_added_removed_updated_instances(host: FakeHost) -> None:
    driver = driver_for(host)
    rec = running_job(host, "diff", 3)
    grown = job_pb2.JobSpec()
    grown.CopyFrom(rec.spec)
    grown.instance_count = 5
    assert driver.diff(rec, grown) == {"added": [3, 4], "removed": [], "updated": [], "unchanged": [0, 1, 2]}
    shrunk = job_pb2.JobSpec()
    shrunk.CopyFrom(rec.spec)
    shrunk.instance_count = 1
    shrunk.default_spec.command = "new"
    assert driver.diff(rec, shrunk) == {"added": [], "removed": [1, 2], "updated": [0], "unchanged": []}
