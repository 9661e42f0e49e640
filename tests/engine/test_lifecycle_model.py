"""Model-based test of the job lifecycle contract (issue 12) against a real engine process.

Hypothesis drives random sequences of operator actions (create quick / failing / long /
multi-instance jobs, start, stop, restart, pause, resume, abort, replace at the current
and a stale version, delete with and without force, stop and restart pods, SIGKILL the
engine and start it again). A small reference model predicts, from the settled state
before each action, whether it is a no-op, a change (the version goes up by exactly one)
or an error. After every step the engine is given a bounded time to settle, then:

- the version is the model's: it changed exactly when something changed; a stale version
  got ABORTED and changed nothing; a no-op recorded no workflow and moved no state;
- no terminal outcome was rewritten except by an explicit start (the Watch stream's full
  transition history is checked, not only the settled states);
- every workflow ended (or is PAUSED by request) within the settle bound;
- JobStatus pod counts equal ListPods;
- a Watch replayed from the start of the change log reproduces GetJob exactly (also after
  the engine was SIGKILLed: the replay is then rebuilt from the store).

At least 200 steps in the normal run (derandomized, about 90 s; marked slow). Set
PELORUS_LIFECYCLE_PROFILE=long for a longer, randomized exploration.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import grpc
import psutil
import pytest
from enginehelp import EngineProcess, sh_spec
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from pelorus.api import job_pb2, job_service_pb2_grpc, pod_pb2, pod_service_pb2_grpc, watch_service_pb2_grpc
from pelorus.api import job_service_pb2 as js
from pelorus.api import pod_service_pb2 as ps
from pelorus.api import watch_service_pb2 as ws
from pelorus.api import workflow_pb2 as wf_pb2

J, P, W = job_pb2, pod_pb2, wf_pb2
TERMINAL = {J.JOB_STATE_SUCCEEDED, J.JOB_STATE_FAILED, J.JOB_STATE_KILLED}
ACTIVE_PODS = {P.POD_STATE_LAUNCHING, P.POD_STATE_STARTING, P.POD_STATE_RUNNING, P.POD_STATE_KILLING}
DOWN_PODS = {P.POD_STATE_KILLED, P.POD_STATE_FAILED, P.POD_STATE_LOST}
ENDED_WF = {W.WORKFLOW_STATE_SUCCEEDED, W.WORKFLOW_STATE_ABORTED, W.WORKFLOW_STATE_FAILED,
            W.WORKFLOW_STATE_ROLLED_BACK}
ROLLING_WF = {W.WORKFLOW_STATE_INITIALIZED, W.WORKFLOW_STATE_ROLLING_FORWARD, W.WORKFLOW_STATE_ROLLING_BACKWARD}
SETTLE_BOUND = 25.0  # seconds a step may take to settle (workflows end, pods come up or go down)
MIN_STEPS = 200
MAX_JOBS = 5
KILL_EVERY = 6  # steps between engine SIGKILLs at least (each costs an engine start)
KINDS = ("quick", "failing", "long", "multi")
DELETED = J.JOB_STATE_DELETED

PROFILES = {
    # max_examples, stateful_step_count, derandomize
    "default": (20, 40, True),
    "long": (60, 60, False),
}
PROFILE = os.environ.get("PELORUS_LIFECYCLE_PROFILE", "default")

pytestmark = pytest.mark.slow


def _ev(v: int) -> object:
    r = js.StartJobRequest()
    r.version.value = v
    return r.version


class Engine:
    """The real engine process and sync stubs over it, plus the Watch replay."""

    def __init__(self, proc: EngineProcess) -> None:
        self.proc = proc
        self.replay: Replay | None = None
        self._connect()

    def _connect(self) -> None:
        self.channel = grpc.insecure_channel(self.proc.address)
        self.jobs = job_service_pb2_grpc.JobServiceStub(self.channel)
        self.pods = pod_service_pb2_grpc.PodServiceStub(self.channel)
        self.watch = watch_service_pb2_grpc.WatchServiceStub(self.channel)
        self.replay = Replay(self.watch)
        self.replay.start()

    def sigkill_and_restart(self) -> None:
        assert self.replay is not None
        self.proc.kill9()
        self.replay.join(5)
        self.channel.close()
        self.proc.start()
        self._connect()

    def close(self) -> None:
        if self.replay is not None:
            self.replay.cancel()
        self.channel.close()


class Replay(threading.Thread):
    """Watch(start_revision=1, jobs only): the whole change log, then live. Keeps each job's
    latest summary and the sequence of distinct states it went through."""

    def __init__(self, stub: watch_service_pb2_grpc.WatchServiceStub) -> None:
        super().__init__(daemon=True)
        self.lock = threading.Lock()
        self.latest: dict[str, ws.Change] = {}
        self.states: dict[str, list[int]] = {}
        self.call = stub.Watch(ws.WatchRequest(start_revision=1, job_filter=ws.JobFilter()))

    def run(self) -> None:
        try:
            for resp in self.call:
                with self.lock:
                    for ch in resp.changes:
                        job_id = ch.job.job_id
                        self.latest[job_id] = ch
                        state = DELETED if ch.deleted else ch.job.status.state
                        seq = self.states.setdefault(job_id, [])
                        if not seq or seq[-1] != state:
                            seq.append(state)
        except grpc.RpcError:
            pass  # the engine went away (SIGKILL) or the test ended

    def cancel(self) -> None:
        self.call.cancel()

    def job(self, job_id: str) -> ws.Change | None:
        with self.lock:
            return self.latest.get(job_id)

    def history(self, job_id: str) -> list[int]:
        with self.lock:
            return list(self.states.get(job_id, []))


@dataclass
class Job:
    name: str
    job_id: str
    kind: str
    spec: job_pb2.JobSpec
    version: int = 1
    gen: int = 0
    deleted: bool = False
    starts: int = 0  # explicit starts (start, restart, restart / start of a finished pod) so far
    starts_seen: int = 0  # `starts` when the last check ran
    last_state: int = J.JOB_STATE_INVALID
    last_reason: str = ""
    notes: list[str] = field(default_factory=list)

    def __repr__(self) -> str:  # how Hypothesis names the drawn job in a failing sequence
        return self.name


@dataclass
class Observed:
    info: js.GetJobResponse
    pods: list[pod_pb2.PodInfo]
    workflows: list[wf_pb2.WorkflowInfo]

    @property
    def status(self) -> job_pb2.JobStatus:
        return self.info.job_info.status


class State:
    engine: Engine | None = None
    steps = 0
    seen: Counter[str] = Counter()  # what the run exercised (method and outcome), printed at the end


def spec_for(kind: str, name: str, instances: int, parallelism: int) -> job_pb2.JobSpec:
    if kind == "quick":
        spec = sh_spec(name, 'echo "::progress successful=1 failed=0 remaining=0"', instances=instances)
    elif kind == "failing":
        spec = sh_spec(name, 'echo "::progress successful=0 failed=1 remaining=0"; exit 3', instances=instances)
    elif kind == "multi":
        spec = sh_spec(name, 'echo "::progress successful=0 failed=0 remaining=2"; sleep 0.1; '
                             'echo "::progress successful=2 failed=0 remaining=0"', instances=instances)
        spec.parallelism = parallelism
    else:
        spec = sh_spec(name, 'echo "::progress successful=0 failed=0 remaining=10"; exec sleep 600',
                       instances=instances, kill_grace_period=0.3)
    spec.default_spec.env["GEN"] = "0"
    return spec


class LifecycleMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        assert State.engine is not None
        self.eng = State.engine
        self.jobs: dict[str, Job] = {}
        self.counter = 0
        self.steps_since_kill = 0

    # -- helpers -----------------------------------------------------------------------------
    def live(self) -> list[Job]:
        return [j for j in self.jobs.values() if not j.deleted]

    def observe(self, job: Job) -> Observed:
        info = self.eng.jobs.GetJob(js.GetJobRequest(job_id=job.job_id), timeout=10)
        pods = [p for resp in self.eng.jobs.ListPods(js.ListPodsRequest(job_id=job.job_id), timeout=10)
                for p in resp.pods]
        wfs = list(self.eng.jobs.ListJobWorkflows(js.ListJobWorkflowsRequest(job_id=job.job_id),
                                                  timeout=10).workflows)
        return Observed(info, pods, wfs)

    @staticmethod
    def settled(o: Observed, kind: str) -> bool:
        st = o.status
        if kind != "long" and st.state not in TERMINAL | {J.JOB_STATE_INITIALIZED}:
            return False  # quick, failing and multi jobs settle only once they ended
        if dict(st.pod_stats) != dict(Counter(P.PodState.Name(p.status.state) for p in o.pods)):
            return False  # GetJob and ListPods were read on either side of a change: read again
        if any(w.status.state in ROLLING_WF for w in o.workflows):
            return False
        if any(w.status.type == W.WORKFLOW_TYPE_STOP and w.status.state not in ENDED_WF for w in o.workflows):
            return False
        pod_states = [p.status.state for p in o.pods]
        if any(s in (P.POD_STATE_PENDING, P.POD_STATE_LAUNCHING, P.POD_STATE_STARTING, P.POD_STATE_KILLING)
               for s in pod_states):
            return False
        if st.state in (J.JOB_STATE_PENDING, J.JOB_STATE_KILLING):
            return False
        if st.state in TERMINAL:
            return not any(s in ACTIVE_PODS for s in pod_states)
        return True

    def settle(self) -> dict[str, Observed]:
        """Wait (bounded) until every live job is settled; a job that does not is a finding."""
        deadline = time.monotonic() + SETTLE_BOUND
        out: dict[str, Observed] = {}
        for job in self.live():
            while True:
                o = self.observe(job)
                if self.settled(o, job.kind):
                    out[job.name] = o
                    break
                if time.monotonic() > deadline:
                    raise AssertionError(
                        f"{job.name} ({job.kind}) did not settle within {SETTLE_BOUND} s: state "
                        f"{J.JobState.Name(o.status.state)}, pods "
                        f"{[P.PodState.Name(p.status.state) for p in o.pods]}, workflows "
                        f"{[(W.WorkflowType.Name(w.status.type), W.WorkflowState.Name(w.status.state), w.status.num_instances_completed, w.status.num_instances_remaining) for w in o.workflows]}"  # noqa: E501
                        f", pod_stats {dict(o.status.pod_stats)}"
                        f"\nhistory: {job.notes}")
                time.sleep(0.05)
        return out

    def call(self, job: Job, method: str, request: object, timeout: float = 15.0) -> tuple[object | None,
                                                                                             grpc.StatusCode]:
        try:
            stub = self.eng.pods if method in ("StopPod", "RestartPod", "StartPod") else self.eng.jobs
            resp = getattr(stub, method)(request, timeout=timeout)
            return resp, grpc.StatusCode.OK
        except grpc.RpcError as exc:
            return None, exc.code()

    def pick(self, data: st.DataObject, kinds: tuple[str, ...] = KINDS) -> Job | None:
        choices = [j for j in self.live() if j.kind in kinds]
        if not choices:
            return None
        return data.draw(st.sampled_from(sorted(choices, key=lambda j: j.name)), label="job")

    def stale(self, job: Job) -> int:
        return job.version - 1 if job.version > 1 else job.version + 7

    def versioned(self, job: Job, method: str, cls: type, data: st.DataObject, expect: str,
                  extra: dict[str, object] | None = None) -> None:
        """Send a versioned action; `expect` is the model's prediction from the settled state:
        'noop', 'bump', or a status code name."""
        stale = data.draw(st.booleans(), label="stale") if job.version > 0 else False
        before = self.observe(job)
        version = self.stale(job) if stale else job.version
        request = cls(job_id=job.job_id, **(extra or {}))
        request.version.value = version
        resp, code = self.call(job, method, request)
        job.notes.append(f"{method}{' stale' if stale else ''} -> {code.name}")
        State.seen[f"{method} {'stale' if stale else expect} {J.JobState.Name(before.status.state)[10:]}"] += 1
        if stale:
            assert code == grpc.StatusCode.ABORTED, f"{method} with stale version {version}: {code}"
            self.assert_unchanged(job, before, f"{method} at a stale version")
            return
        if expect == "noop":
            assert code == grpc.StatusCode.OK, f"{method} on {job.name} should be a no-op, got {code}"
            assert resp is not None and resp.version.value == job.version, (  # type: ignore[attr-defined]
                f"{method}: no-op answered version {resp.version.value}, expected {job.version}")  # type: ignore[union-attr]
            self.assert_unchanged(job, before, f"no-op {method}")
        elif expect == "bump":
            assert code == grpc.StatusCode.OK, f"{method} on {job.name}: {code} (state " \
                                               f"{J.JobState.Name(before.status.state)})"
            assert resp is not None and resp.version.value == job.version + 1, (  # type: ignore[attr-defined]
                f"{method}: version {resp.version.value}, expected {job.version + 1}")  # type: ignore[union-attr]
            job.version += 1
        else:
            assert code.name == expect, f"{method} on {job.name}: {code.name}, expected {expect}"
            self.assert_unchanged(job, before, f"refused {method}")

    def assert_unchanged(self, job: Job, before: Observed, what: str) -> None:
        after = self.observe(job)
        assert after.status.version.value == before.status.version.value, f"{what} changed the version"
        assert len(after.workflows) == len(before.workflows), f"{what} recorded a workflow"
        if before.workflows:
            assert after.workflows[0].status.state == before.workflows[0].status.state, f"{what} moved a workflow"
        assert after.status.desired_state == before.status.desired_state, f"{what} changed the desired state"
        if before.status.state in TERMINAL:
            assert after.status.state == before.status.state, f"{what} rewrote {job.name}'s outcome"

    # -- rules -------------------------------------------------------------------------------
    @precondition(lambda self: len(self.live()) < MAX_JOBS)
    @rule(kind=st.sampled_from(("long", "quick", "long", "failing", "multi")), instances=st.integers(1, 3),
          parallelism=st.integers(0, 2), paused=st.sampled_from((False, False, True)))
    def create(self, kind: str, instances: int, parallelism: int, paused: bool) -> None:
        self.counter += 1
        name = f"{kind}-{self.counter}"
        if kind == "multi":
            instances += 1
        spec = spec_for(kind, name, instances, parallelism)
        resp = self.eng.jobs.CreateJob(js.CreateJobRequest(spec=spec, start_paused=paused), timeout=10)
        assert resp.version.value == 1 and resp.created
        self.jobs[name] = Job(name, resp.job_id, kind, spec, notes=[f"create paused={paused}"])
        State.seen[f"CreateJob {kind}{' paused' if paused else ''}"] += 1

    @precondition(lambda self: bool(self.live()))
    @rule(data=st.data())
    def start(self, data: st.DataObject) -> None:
        job = self.pick(data)
        assert job is not None
        st_ = self.observe(job).status
        down = any(p.status.state in DOWN_PODS for p in self.observe(job).pods)
        if st_.state in TERMINAL or st_.state == J.JOB_STATE_INITIALIZED or down:
            expect = "bump"
        else:
            expect = "noop"
        before = job.version
        self.versioned(job, "StartJob", js.StartJobRequest, data, expect)
        if job.version > before:
            job.starts += 1

    @precondition(lambda self: bool(self.live()))
    @rule(data=st.data())
    def stop(self, data: st.DataObject) -> None:
        job = self.pick(data)
        assert job is not None
        st_ = self.observe(job).status
        noop = (st_.desired_state == J.JOB_STATE_KILLED or st_.state in TERMINAL
                or st_.state == J.JOB_STATE_INITIALIZED)
        before = job.version
        self.versioned(job, "StopJob", js.StopJobRequest, data, "noop" if noop else "bump")
        if job.version > before:
            o = self.settle()[job.name]
            assert o.status.state == J.JOB_STATE_KILLED, J.JobState.Name(o.status.state)
            assert o.workflows[0].status.type == W.WORKFLOW_TYPE_STOP
            assert o.workflows[0].status.state == W.WORKFLOW_STATE_SUCCEEDED

    @precondition(lambda self: bool(self.live()))
    @rule(data=st.data(), batch=st.integers(0, 2))
    def restart(self, data: st.DataObject, batch: int) -> None:
        job = self.pick(data)
        assert job is not None
        before = job.version
        runs = self.observe(job).status.run_count
        self.versioned(job, "RestartJob", js.RestartJobRequest, data, "bump",
                       {"restart_spec": wf_pb2.RestartSpec(batch_size=batch)})
        if job.version > before:
            job.starts += 1
            assert self.observe(job).status.run_count == runs + 1, "a restart of every instance is a new run"

    @precondition(lambda self: any(j.kind == "long" for j in self.live()))
    @rule(data=st.data())
    def restart_then_pause(self, data: st.DataObject) -> None:
        """A rolling restart paused mid-way (its first batch still coming up)."""
        job = self.pick(data, ("long",))
        assert job is not None
        if self.observe(job).status.state != J.JOB_STATE_RUNNING:
            return
        req = js.RestartJobRequest(job_id=job.job_id, version=_ev(job.version),  # type: ignore[arg-type]
                                   restart_spec=wf_pb2.RestartSpec(batch_size=1))
        resp, code = self.call(job, "RestartJob", req)
        assert code == grpc.StatusCode.OK and resp.version.value == job.version + 1  # type: ignore[union-attr]
        job.version += 1
        job.starts += 1
        resp, code = self.call(job, "PauseJobWorkflow",
                               js.PauseJobWorkflowRequest(job_id=job.job_id,
                                                          version=_ev(job.version)))  # type: ignore[arg-type]
        assert code == grpc.StatusCode.OK and resp.version.value == job.version + 1  # type: ignore[union-attr]
        job.version += 1
        job.notes.append("restart+pause")
        State.seen["RestartJob then PauseJobWorkflow"] += 1

    def _workflow_state(self, job: Job) -> int:
        wfs = self.observe(job).workflows
        active = [w for w in wfs if w.status.state not in ENDED_WF
                  and w.status.type in (W.WORKFLOW_TYPE_RESTART, W.WORKFLOW_TYPE_UPDATE)]
        return active[0].status.state if active else W.WORKFLOW_STATE_INVALID

    @precondition(lambda self: bool(self.live()))
    @rule(data=st.data())
    def pause(self, data: st.DataObject) -> None:
        job = self.pick(data)
        assert job is not None
        # Settled, a workflow is either over or PAUSED: pausing has nothing to do.
        self.versioned(job, "PauseJobWorkflow", js.PauseJobWorkflowRequest, data, "noop")

    @precondition(lambda self: bool(self.live()))
    @rule(data=st.data())
    def resume(self, data: st.DataObject) -> None:
        job = self.pick(data)
        assert job is not None
        paused = self._workflow_state(job) == W.WORKFLOW_STATE_PAUSED
        self.versioned(job, "ResumeJobWorkflow", js.ResumeJobWorkflowRequest, data, "bump" if paused else "noop")

    @precondition(lambda self: bool(self.live()))
    @rule(data=st.data())
    def abort(self, data: st.DataObject) -> None:
        job = self.pick(data)
        assert job is not None
        active = self._workflow_state(job) != W.WORKFLOW_STATE_INVALID
        self.versioned(job, "AbortJobWorkflow", js.AbortJobWorkflowRequest, data, "bump" if active else "noop")

    @precondition(lambda self: bool(self.live()))
    @rule(data=st.data(), same=st.booleans(), resize=st.integers(-1, 1), paused=st.booleans(),
          batch=st.integers(0, 2))
    def replace(self, data: st.DataObject, same: bool, resize: int, paused: bool, batch: int) -> None:
        job = self.pick(data)
        assert job is not None
        spec = job_pb2.JobSpec()
        spec.CopyFrom(self.observe(job).info.job_info.spec)
        if not same:
            job.gen += 1
            spec.default_spec.env["GEN"] = str(job.gen)
            spec.instance_count = min(4, max(1, spec.instance_count + resize))
        before_state = self.observe(job).status.state
        self.versioned(job, "ReplaceJob", js.ReplaceJobRequest, data, "noop" if same else "bump",
                       {"spec": spec, "update_spec": wf_pb2.UpdateSpec(batch_size=batch, start_paused=paused)})
        if not same and before_state in TERMINAL | {J.JOB_STATE_INITIALIZED}:
            o = self.observe(job)
            assert o.status.state == before_state, "a new spec for a job at rest started it"
            assert o.workflows[0].status.state == W.WORKFLOW_STATE_SUCCEEDED

    @precondition(lambda self: bool(self.live()))
    @rule(data=st.data(), force=st.booleans())
    def delete(self, data: st.DataObject, force: bool) -> None:
        job = self.pick(data)
        assert job is not None
        state = self.observe(job).status.state
        at_rest = state in TERMINAL or state == J.JOB_STATE_INITIALIZED
        stale = data.draw(st.booleans(), label="stale")
        req = js.DeleteJobRequest(job_id=job.job_id, force=force)
        req.version.value = self.stale(job) if stale else job.version
        before = self.observe(job)
        _resp, code = self.call(job, "DeleteJob", req, timeout=30)
        State.seen[f"DeleteJob force={force} stale={stale} {code.name}"] += 1
        job.notes.append(f"delete force={force} stale={stale} -> {code.name}")
        if stale:
            assert code == grpc.StatusCode.ABORTED
            self.assert_unchanged(job, before, "DeleteJob at a stale version")
        elif force or at_rest:
            assert code == grpc.StatusCode.OK, code
            job.deleted = True
            _r, code = self.call(job, "GetJob", js.GetJobRequest(job_id=job.job_id))
            assert code == grpc.StatusCode.NOT_FOUND
        else:
            assert code == grpc.StatusCode.FAILED_PRECONDITION, code
            self.assert_unchanged(job, before, "a refused DeleteJob")

    @precondition(lambda self: bool(self.live()))
    @rule(data=st.data(), inst=st.integers(0, 3))
    def stop_pod(self, data: st.DataObject, inst: int) -> None:
        job = self.pick(data)
        assert job is not None
        o = self.observe(job)
        if inst >= len(o.pods):
            return
        pod = o.pods[inst]
        _r, code = self.call(job, "StopPod", ps.StopPodRequest(pod_name=pod.pod_name))
        State.seen[f"StopPod {P.PodState.Name(pod.status.state)[10:]}"] += 1
        job.notes.append(f"stop pod {inst} ({P.PodState.Name(pod.status.state)}) -> {code.name}")
        assert code == grpc.StatusCode.OK, code
        after = self.observe(job)
        assert after.status.version.value == job.version, "a pod action changed the job's version"
        if o.status.state in TERMINAL:
            assert after.status.state == o.status.state, "stopping a pod of a finished job rewrote its outcome"

    @precondition(lambda self: bool(self.live()))
    @rule(data=st.data(), inst=st.integers(0, 3))
    def restart_pod(self, data: st.DataObject, inst: int) -> None:
        job = self.pick(data)
        assert job is not None
        o = self.observe(job)
        if inst >= len(o.pods):
            return
        pod = o.pods[inst]
        _r, code = self.call(job, "RestartPod", ps.RestartPodRequest(pod_name=pod.pod_name))
        State.seen[f"RestartPod {P.PodState.Name(pod.status.state)[10:]} {code.name}"] += 1
        job.notes.append(f"restart pod {inst} ({P.PodState.Name(pod.status.state)}) -> {code.name}")
        if pod.status.run == 0:  # never ran (the job was created stopped): the job is to be started
            assert code == grpc.StatusCode.FAILED_PRECONDITION, code
            return
        assert code == grpc.StatusCode.OK, code
        job.starts += 1  # may start a finished job again
        assert self.observe(job).status.version.value == job.version, "a pod action changed the job's version"

    @precondition(lambda self: self.steps_since_kill >= KILL_EVERY and bool(self.live()))
    @rule()
    def sigkill_engine(self) -> None:
        versions = {j.name: self.observe(j).status.version.value for j in self.live()}
        State.seen["SIGKILL"] += 1
        self.eng.sigkill_and_restart()
        self.steps_since_kill = 0
        for j in self.live():
            j.notes.append("engine SIGKILLed and restarted")
            assert self.observe(j).status.version.value == versions[j.name], "an acknowledged version was lost"

    @precondition(lambda self: self.steps_since_kill >= KILL_EVERY and any(j.kind == "long" for j in self.live()))
    @rule(data=st.data())
    def restart_then_sigkill(self, data: st.DataObject) -> None:
        """The engine dies in the middle of a rolling restart: the workflow must still end."""
        job = self.pick(data, ("long",))
        assert job is not None
        if self.observe(job).status.state != J.JOB_STATE_RUNNING:
            return
        req = js.RestartJobRequest(job_id=job.job_id, version=_ev(job.version),  # type: ignore[arg-type]
                                   restart_spec=wf_pb2.RestartSpec(batch_size=1))
        resp, code = self.call(job, "RestartJob", req)
        assert code == grpc.StatusCode.OK
        job.version += 1
        job.starts += 1
        job.notes.append("restart then SIGKILL")
        State.seen["RestartJob then SIGKILL"] += 1
        self.eng.sigkill_and_restart()
        self.steps_since_kill = 0

    # -- checks after every step ---------------------------------------------------------------
    @invariant()
    def contract_holds(self) -> None:
        State.steps += 1
        self.steps_since_kill += 1
        observed = self.settle()
        for job in self.live():
            o = observed[job.name]
            st_ = o.status
            assert st_.version.value == job.version, f"{job.name}: version {st_.version.value}, model {job.version}"
            for w in o.workflows:
                assert w.status.state in ENDED_WF or w.status.state == W.WORKFLOW_STATE_PAUSED, (
                    f"{job.name}: workflow {W.WorkflowType.Name(w.status.type)} still "
                    f"{W.WorkflowState.Name(w.status.state)}")
            counts = Counter(P.PodState.Name(p.status.state) for p in o.pods)
            assert dict(st_.pod_stats) == dict(counts), f"{job.name}: pod_stats {dict(st_.pod_stats)} != ListPods"
            assert st_.progress.instances_total == o.info.job_info.spec.instance_count
            assert st_.progress.instances_reporting <= st_.progress.instances_total
            assert st_.progress.run == st_.run_count, "the job's progress is not its current run's"
            if st_.state in TERMINAL and st_.run_count:
                # The run's stored progress history ends with its end (durable across SIGKILLs too).
                hist = self.eng.watch.GetJobProgressHistory(ws.GetJobProgressHistoryRequest(job_id=job.job_id),
                                                            timeout=10)
                assert hist.run == st_.run_count and hist.samples, f"{job.name}: no progress history"
                assert hist.samples[-1].state == st_.state, (
                    f"{job.name}: the history ends {J.JobState.Name(hist.samples[-1].state)}, the job is "
                    f"{J.JobState.Name(st_.state)}")
            # The outcome of a finished job stays unless an operator started it again.
            if job.last_state in TERMINAL and st_.state != job.last_state:
                assert job.starts > job.starts_seen, (
                    f"{job.name}: {J.JobState.Name(job.last_state)} became {J.JobState.Name(st_.state)} "
                    f"with no start; history {job.notes}")
            job.last_state, job.last_reason = st_.state, st_.reason
            job.starts_seen = job.starts
            self.check_replay(job, o)
        for job in self.jobs.values():
            if job.deleted:
                self.check_deleted_in_replay(job)

    def check_replay(self, job: Job, o: Observed) -> None:
        replay = self.eng.replay
        assert replay is not None
        deadline = time.monotonic() + 10
        while True:
            ch = replay.job(job.job_id)
            want = o.info.summary.status.revision
            if ch is not None and ch.revision >= want:
                if ch.revision == want:
                    assert ch.job == o.info.summary, f"{job.name}: the Watch replay differs from GetJob"
                    break
                o = self.observe(job)  # changed since: compare with the newer state
                continue
            assert time.monotonic() < deadline, f"{job.name}: the Watch replay never reached revision {want}"
            time.sleep(0.02)
        seq = replay.history(job.job_id)
        # Transitions: a finished job never turns into another outcome or KILLING; it only starts
        # again (PENDING / RUNNING), and not more often than it was started.
        restarts = 0
        for a, b in zip(seq, seq[1:], strict=False):
            if a in TERMINAL:
                assert b in (J.JOB_STATE_PENDING, J.JOB_STATE_RUNNING, DELETED), (
                    f"{job.name}: illegal transition {J.JobState.Name(a)} -> {J.JobState.Name(b)} in {seq}")
                restarts += b != DELETED
            assert a != J.JOB_STATE_INITIALIZED or b != J.JOB_STATE_KILLED, f"{job.name}: {seq}"
        assert restarts <= job.starts, (f"{job.name}: left a terminal state {restarts} time(s) with "
                                        f"{job.starts} start(s): {[J.JobState.Name(s) for s in seq]}")

    def check_deleted_in_replay(self, job: Job) -> None:
        replay = self.eng.replay
        assert replay is not None
        deadline = time.monotonic() + 10
        while True:
            ch = replay.job(job.job_id)
            if ch is not None and ch.deleted:
                return
            assert time.monotonic() < deadline, f"{job.name}: its deletion never showed in the Watch replay"
            time.sleep(0.02)

    def teardown(self) -> None:
        for job in self.live():
            try:
                req = js.DeleteJobRequest(job_id=job.job_id, force=True)
                req.version.value = self.eng.jobs.GetJob(js.GetJobRequest(job_id=job.job_id),
                                                         timeout=10).job_info.status.version.value
                self.eng.jobs.DeleteJob(req, timeout=30)
            except grpc.RpcError:
                pass


def leftover_pods(data_dir: Path) -> list[psutil.Process]:
    """Pod processes (their shims, which lead their process groups) of an engine on data_dir whose
    group still has a live process. A group of zombies only is not left running: a shim the engine
    killed at its exit and did not reap (it was exiting) waits, dead, for init to reap it."""
    spool = str(data_dir / "spool")
    procs = list(psutil.process_iter(["pid", "environ", "status"]))
    live_groups = {_pgid(p.pid) for p in procs if p.info.get("status") != psutil.STATUS_ZOMBIE}
    found = []
    for proc in procs:
        env = proc.info.get("environ") or {}
        if (env.get("PELORUS_EXIT_FILE", "").startswith(spool) and _pgid(proc.pid) == proc.pid
                and proc.pid in live_groups):
            found.append(proc)
    return found


def _pgid(pid: int) -> int:
    try:
        return os.getpgid(pid)
    except ProcessLookupError:
        return -1


@pytest.mark.timeout(600 if PROFILE == "default" else 7200)
def test_lifecycle_model(engine_factory: type[EngineProcess], tmp_path: Path) -> None:
    examples, steps, derandomize = PROFILES[PROFILE]
    proc = engine_factory(tmp_path / "engine").start()
    State.engine = Engine(proc)
    State.steps = 0
    State.seen.clear()
    t0 = time.monotonic()
    try:
        run_state_machine_as_test(LifecycleMachine, settings=settings(
            max_examples=examples, stateful_step_count=steps, deadline=None, derandomize=derandomize,
            database=None, print_blob=True, report_multiple_bugs=False,
            # No shrinking: a real engine's timing differs between replays, so a shrunk case may not
            # fail again; the first failing sequence is reported as it ran (each job's notes say what).
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck)))
    finally:
        State.engine.close()
        State.engine = None
        proc.stop()  # --stop-pods-on-exit: every pod the engine knows of is stopped
        leaked = leftover_pods(proc.data_dir)
        for p in leaked:
            os.killpg(p.pid, signal.SIGKILL)  # ours (started by this test's engine): clean up
    # A pod whose process the engine lost track of (e.g. launched just before a SIGKILL) would
    # run on for ever, outside every job.
    assert not leaked, f"pod processes left running after the engine stopped: {[p.info['environ'].get('PELORUS_POD_ID') for p in leaked]}"  # noqa: E501
    print(f"lifecycle model: {State.steps} checked steps in {time.monotonic() - t0:.0f} s")
    for what, n in sorted(State.seen.items()):
        print(f"  {n:4d}  {what}")
    assert State.steps >= MIN_STEPS, f"only {State.steps} steps ran; raise max_examples"
