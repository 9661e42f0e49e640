"""The action table (console/actions.py): which action is enabled for which job / workflow / pod
state, how a mixed selection is split, and what the result message says. No Qt, no engine."""

from __future__ import annotations

import asyncio

import pytest

from console import actions
from console.actions import (
    ACTIONS,
    JOB_ACTIONS,
    POD_ACTIONS,
    Confirm,
    ConfirmRequest,
    JobFacts,
    Name,
    Options,
    Outcome,
    PodFacts,
    Scope,
    availability,
    plan,
    why_not,
)
from pelorus.api import job_pb2, pod_pb2, workflow_pb2

J, W, P = job_pb2, workflow_pb2, pod_pb2
JOB_STATES = [v.number for v in J.JobState.DESCRIPTOR.values]
WF_STATES = [v.number for v in W.WorkflowState.DESCRIPTOR.values]
POD_STATES = [v.number for v in P.PodState.DESCRIPTOR.values]


def job(state: int, *, desired: int | None = None, wf_type: int = W.WORKFLOW_TYPE_INVALID,
        wf_state: int = W.WORKFLOW_STATE_INVALID, next_run: bool = False, name: str = "j") -> JobFacts:
    if desired is None:
        desired = J.JOB_STATE_KILLED if state in (J.JOB_STATE_KILLED, J.JOB_STATE_KILLING) else J.JOB_STATE_RUNNING
    return JobFacts(f"id-{name}", name, state, desired, wf_type, wf_state, next_run)


def short(state: int) -> str:
    return J.JobState.Name(state).removeprefix("JOB_STATE_")  # type: ignore[arg-type]


# Expected enablement of the state-driven job actions for a job in each state (no workflow,
# desired state RUNNING unless the job is stopped / stopping). "x" = enabled.
#                     INV  INIT PEND RUN  SUCC FAIL KLD  KLNG UNIN DEL
EXPECTED = {
    Name.START:        ("-", "x", "-", "-", "x", "x", "x", "-", "-", "-"),
    Name.STOP:         ("x", "x", "x", "x", "-", "-", "-", "-", "x", "-"),
    Name.RESTART:      ("-", "-", "x", "x", "-", "-", "-", "-", "-", "-"),
    Name.PAUSE:        ("-", "-", "-", "-", "-", "-", "-", "-", "-", "-"),
    Name.RESUME:       ("-", "-", "-", "-", "-", "-", "-", "-", "-", "-"),
    Name.ABORT:        ("-", "-", "-", "-", "-", "-", "-", "-", "-", "-"),
    Name.DELETE:       ("-", "x", "-", "-", "x", "x", "x", "-", "-", "-"),
    Name.FORCE_DELETE: ("x", "x", "x", "x", "x", "x", "x", "x", "x", "-"),
    Name.REFRESH:      ("x", "x", "x", "x", "x", "x", "x", "x", "x", "-"),
    Name.EDIT:         ("x", "x", "x", "x", "x", "x", "x", "x", "x", "-"),
    Name.OPEN:         ("x", "x", "x", "x", "x", "x", "x", "x", "x", "x"),
}
STATE_COLUMNS = (J.JOB_STATE_INVALID, J.JOB_STATE_INITIALIZED, J.JOB_STATE_PENDING, J.JOB_STATE_RUNNING,
                 J.JOB_STATE_SUCCEEDED, J.JOB_STATE_FAILED, J.JOB_STATE_KILLED, J.JOB_STATE_KILLING,
                 J.JOB_STATE_UNINITIALIZED, J.JOB_STATE_DELETED)


def test_the_matrix_covers_every_job_action_and_every_engine_state() -> None:
    assert set(EXPECTED) == set(JOB_ACTIONS)
    assert sorted(STATE_COLUMNS) == sorted(JOB_STATES)


@pytest.mark.parametrize("name", list(EXPECTED))
@pytest.mark.parametrize("column", range(len(STATE_COLUMNS)))
def test_job_action_enabled_by_job_state(name: Name, column: int) -> None:
    state = STATE_COLUMNS[column]
    why = why_not(ACTIONS[name], job(state))
    assert (why is None) == (EXPECTED[name][column] == "x"), f"{name} on a {short(state)} job: {why}"


# Workflow actions by the (update or restart) workflow's state, on a RUNNING job.
#                  INV  INIT ROLLF PAUSED SUCC ABRT FAIL ROLLB ROLLED_BACK
WF_EXPECTED = {
    Name.PAUSE:  ("-", "-", "x", "-", "-", "-", "-", "x", "-"),
    Name.RESUME: ("-", "-", "-", "x", "-", "-", "-", "-", "-"),
    Name.ABORT:  ("-", "x", "x", "x", "-", "-", "-", "x", "-"),
}
WF_COLUMNS = (W.WORKFLOW_STATE_INVALID, W.WORKFLOW_STATE_INITIALIZED, W.WORKFLOW_STATE_ROLLING_FORWARD,
              W.WORKFLOW_STATE_PAUSED, W.WORKFLOW_STATE_SUCCEEDED, W.WORKFLOW_STATE_ABORTED,
              W.WORKFLOW_STATE_FAILED, W.WORKFLOW_STATE_ROLLING_BACKWARD, W.WORKFLOW_STATE_ROLLED_BACK)


@pytest.mark.parametrize("wf_type", [W.WORKFLOW_TYPE_UPDATE, W.WORKFLOW_TYPE_RESTART])
@pytest.mark.parametrize("name", list(WF_EXPECTED))
@pytest.mark.parametrize("column", range(len(WF_COLUMNS)))
def test_workflow_actions_enabled_by_workflow_state(wf_type: int, name: Name, column: int) -> None:
    assert sorted(WF_COLUMNS) == sorted(WF_STATES)
    facts = job(J.JOB_STATE_RUNNING, wf_type=wf_type, wf_state=WF_COLUMNS[column])
    assert (why_not(ACTIONS[name], facts) is None) == (WF_EXPECTED[name][column] == "x")


@pytest.mark.parametrize("wf_type", [W.WORKFLOW_TYPE_START, W.WORKFLOW_TYPE_STOP, W.WORKFLOW_TYPE_DELETE])
def test_start_stop_delete_records_are_not_pausable(wf_type: int) -> None:
    """A STOP record stays ROLLING_FORWARD while pods go down: the engine cannot pause it."""
    facts = job(J.JOB_STATE_KILLING, wf_type=wf_type, wf_state=W.WORKFLOW_STATE_ROLLING_FORWARD)
    for name in (Name.PAUSE, Name.RESUME, Name.ABORT):
        assert why_not(ACTIONS[name], facts) == "no update or restart in progress"


def test_recurring_job_between_runs_can_be_stopped_but_a_stopped_one_cannot() -> None:
    assert why_not(ACTIONS[Name.STOP], job(J.JOB_STATE_SUCCEEDED, next_run=True)) is None
    assert why_not(ACTIONS[Name.STOP], job(J.JOB_STATE_SUCCEEDED)) == "already finished"
    assert why_not(ACTIONS[Name.STOP], job(J.JOB_STATE_KILLED, next_run=True)) == "already stopped"


def test_restart_of_a_job_being_stopped_is_refused_as_the_engine_would() -> None:
    """The engine refuses RestartJob when the desired state is KILLED."""
    assert why_not(ACTIONS[Name.RESTART], job(J.JOB_STATE_RUNNING, desired=J.JOB_STATE_KILLED)) is not None


# Pod actions by pod state: stop unless ended; start once ended; restart a started or ended one.
POD_STARTED = {P.POD_STATE_LAUNCHING, P.POD_STATE_STARTING, P.POD_STATE_RUNNING}
POD_ENDED = {P.POD_STATE_SUCCEEDED, P.POD_STATE_FAILED, P.POD_STATE_LOST, P.POD_STATE_KILLED, P.POD_STATE_DELETED}


@pytest.mark.parametrize("state", POD_STATES)
def test_pod_actions_enabled_by_pod_state(state: int) -> None:
    pod = PodFacts("job-0", 0, state)
    got = {n for n in POD_ACTIONS if why_not(ACTIONS[n], pod) is None}
    want = {Name.POD_START, Name.POD_RESTART} if state in POD_ENDED else {Name.POD_STOP}
    if state in POD_STARTED:
        want.add(Name.POD_RESTART)
    assert got == want, P.PodState.Name(state)  # type: ignore[arg-type]


def test_every_action_has_a_label_tip_and_unique_shortcut_and_mutating_ones_a_call() -> None:
    shortcuts = [a.shortcut for a in ACTIONS.values() if a.shortcut]
    assert len(shortcuts) == len(set(shortcuts))
    for name, a in ACTIONS.items():
        assert a.name is name and a.label and a.tip and a.icon.startswith("SP_")
        if a.scope is Scope.JOB and a.mutating and name is not Name.EDIT:
            assert a.job_call is not None and a.job_rule is not None and a.did
        if a.scope is Scope.POD:
            assert a.pod_call is not None and a.pod_rule is not None and a.confirm is Confirm.TARGETS
    assert ACTIONS[Name.FORCE_DELETE].confirm is Confirm.TYPE_NAME
    assert ACTIONS[Name.PAUSE].confirm is Confirm.NONE and ACTIONS[Name.PAUSE].undo is Name.RESUME


def test_a_mixed_selection_is_split_and_the_message_names_the_skipped() -> None:
    sel = [job(J.JOB_STATE_RUNNING, name="r1"), job(J.JOB_STATE_SUCCEEDED, name="a"),
           job(J.JOB_STATE_PENDING, name="r2"), job(J.JOB_STATE_FAILED, name="b"),
           job(J.JOB_STATE_KILLED, name="k"), job(J.JOB_STATE_RUNNING, name="r3")]
    p = plan(ACTIONS[Name.STOP], sel)
    assert [j.name for j in p.eligible] == ["r1", "r2", "r3"]
    assert {r: [j.name for j in js] for r, js in p.skipped.items()} == {
        "already finished": ["a", "b"], "already stopped": ["k"]}
    out = Outcome(ACTIONS[Name.STOP], done=["r1", "r2", "r3"],
                  skipped={r: [j.name for j in js] for r, js in p.skipped.items()})
    assert out.message() == "3 stopped; 2 already finished: a, b; 1 already stopped: k"
    assert out.level == "info"
    out.failed.append(("r4", "the engine said no"))
    assert out.message().endswith("1 failed: r4: the engine said no") and out.level == "error"
    nothing = Outcome(ACTIONS[Name.RESUME], skipped={"not paused": ["x"]})
    assert nothing.message() == "nothing to resume; 1 not paused: x" and nothing.level == "warning"
    many = Outcome(ACTIONS[Name.STOP], skipped={"already finished": [f"j{i}" for i in range(8)]})
    assert "8 already finished: j0, j1, j2, j3, j4 and 3 more" in many.message()


def test_availability_says_why_not() -> None:
    stop = ACTIONS[Name.STOP]
    done = [job(J.JOB_STATE_SUCCEEDED, name="a"), job(J.JOB_STATE_FAILED, name="b")]
    assert availability(stop, done, connected=True, read_only=False) == actions.Availability(
        False, "2 already finished")
    assert availability(stop, done + [job(J.JOB_STATE_RUNNING)], connected=True, read_only=False).enabled
    assert availability(stop, [job(J.JOB_STATE_RUNNING)], connected=True, read_only=True).why == "read-only connection"
    assert availability(stop, [job(J.JOB_STATE_RUNNING)], connected=False, read_only=False).why == "not connected"
    assert availability(stop, [], connected=True, read_only=False).why == "select a job"
    assert availability(ACTIONS[Name.EDIT], done, connected=True, read_only=False).why == "select exactly one job"
    assert availability(ACTIONS[Name.OPEN], done[:1], connected=True, read_only=True).enabled  # looking is fine
    assert availability(ACTIONS[Name.NEW], [], connected=True, read_only=False).enabled
    assert availability(ACTIONS[Name.PALETTE], [], connected=False, read_only=True).enabled


def test_force_delete_asks_for_the_name_of_one_job_or_the_count_of_several() -> None:
    fd = ACTIONS[Name.FORCE_DELETE]
    one = ConfirmRequest(fd, [job(J.JOB_STATE_RUNNING, name="doomed")], {})
    assert one.type_to_confirm == "doomed"
    two = ConfirmRequest(fd, [job(J.JOB_STATE_RUNNING, name="a"), job(J.JOB_STATE_RUNNING, name="b")], {})
    assert two.type_to_confirm == "2"
    assert ConfirmRequest(ACTIONS[Name.STOP], [job(J.JOB_STATE_RUNNING)], {}).type_to_confirm is None


class Recorder:
    """Records the engine calls an action makes (the table's calls are thin: name and arguments)."""

    def __init__(self) -> None:
        self.calls: list[tuple[object, ...]] = []

    def __getattr__(self, method: str) -> object:
        async def call(*args: object, **kwargs: object) -> int:
            self.calls.append((method, *args, *sorted(kwargs.items())))
            return 7
        return call


@pytest.mark.parametrize(("name", "want"), [
    (Name.START, ("start_job", "id", 3)), (Name.STOP, ("stop_job", "id", 3)),
    (Name.RESTART, ("restart_job", "id", 3, ("batch_size", 2))), (Name.PAUSE, ("pause_workflow", "id", 3)),
    (Name.RESUME, ("resume_workflow", "id", 3)), (Name.ABORT, ("abort_workflow", "id", 3)),
    (Name.DELETE, ("delete_job", "id", 3, ("force", False))),
    (Name.FORCE_DELETE, ("delete_job", "id", 3, ("force", True))), (Name.REFRESH, ("refresh_job", "id")),
])
def test_each_job_action_calls_its_engine_method(name: Name, want: tuple[object, ...]) -> None:
    rec = Recorder()
    call = ACTIONS[name].job_call
    assert call is not None
    asyncio.run(_await(call(rec, "id", 3, Options(batch_size=2))))  # type: ignore[arg-type]
    assert rec.calls == [want]


@pytest.mark.parametrize(("name", "want"), [
    (Name.POD_STOP, ("stop_pod", "p-0")), (Name.POD_START, ("start_pod", "p-0")),
    (Name.POD_RESTART, ("restart_pod", "p-0", ("check_sla", False))),
])
def test_each_pod_action_calls_its_engine_method(name: Name, want: tuple[object, ...]) -> None:
    rec = Recorder()
    call = ACTIONS[name].pod_call
    assert call is not None
    asyncio.run(_await(call(rec, "p-0", Options(check_sla=False))))  # type: ignore[arg-type]
    assert rec.calls == [want]


async def _await(aw: object) -> None:
    await aw  # type: ignore[misc]


def test_job_facts_from_a_summary() -> None:
    s = J.JobSummary(job_id="abc", name="web")
    s.status.state = J.JOB_STATE_RUNNING
    s.status.desired_state = J.JOB_STATE_RUNNING
    s.status.workflow_status.type = W.WORKFLOW_TYPE_RESTART
    s.status.workflow_status.state = W.WORKFLOW_STATE_PAUSED
    s.status.pod_stats["POD_STATE_RUNNING"] = 2
    s.status.pod_stats["POD_STATE_PENDING"] = 1
    f = JobFacts.from_summary(s)
    assert (f.job_id, f.name, f.running_pods, f.pending_pods, f.next_run) == ("abc", "web", 2, 1, False)
    assert why_not(ACTIONS[Name.RESUME], f) is None and why_not(ACTIONS[Name.PAUSE], f) == "already paused"
