"""The console's one table of actions: for each job and pod action, its name, label, shortcut and
icon, when it is enabled for a job's (or pod's) state, how loudly it asks first, and the engine
call that performs it.

The toolbar, the menus, the jobs table's context menu, the pods view and the command palette are
all built from ``ACTIONS``; the session performs them (``Session.perform_on_jobs`` /
``perform_on_pods``).  No Qt and no client here, so every rule is unit-tested without a window
or an engine (tests/console/test_actions.py).

Rules read the engine's own states (``pelorus.api`` job / workflow / pod enums) and mirror what
the engine does (pelorus/engine/engine.py, workflows.py): an action is offered only on a job it
has something to do on, and a bulk action over a mixed selection acts on the eligible jobs and
names the rest ("3 stopped; 2 already finished: a, b").  A rule returns ``None`` when the action
applies, else the short reason it does not ("already finished"), which groups the skipped.
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

from pelorus.api import job_pb2, pod_pb2, workflow_pb2
from pelorus.text import render

J = job_pb2
W = workflow_pb2
P = pod_pb2



def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 - the name pyside6-lupdate looks for
    """Marks ``text`` for translation (pyside6-lupdate collects it into resources/i18n/*.ts) and
    returns it unchanged: this module is Qt-free, so the console translates the table's texts
    where it shows them (console.i18n.action_text), and sentences built here take a translator."""
    return text


class Translator(Protocol):
    """QCoreApplication.translate's shape; ``english`` when there is no Qt (tests, the CLI)."""

    def __call__(self, context: str, source: str, disambiguation: str | None = None, n: int = -1) -> str: ...


def english(context: str, source: str, disambiguation: str | None = None, n: int = -1) -> str:
    """The source text itself (%n filled in): what Qt shows when no translation is loaded."""
    return source.replace("%n", str(n)) if n >= 0 else source


MAX_NAMED = 5  # names listed per group in a result message before "and N more"

FINISHED_JOB_STATES = frozenset({J.JOB_STATE_SUCCEEDED, J.JOB_STATE_FAILED, J.JOB_STATE_KILLED})
ROLLING_WORKFLOW_STATES = frozenset({W.WORKFLOW_STATE_ROLLING_FORWARD, W.WORKFLOW_STATE_ROLLING_BACKWARD})
ACTIVE_WORKFLOW_STATES = frozenset({W.WORKFLOW_STATE_INITIALIZED, W.WORKFLOW_STATE_ROLLING_FORWARD,
                                    W.WORKFLOW_STATE_PAUSED, W.WORKFLOW_STATE_ROLLING_BACKWARD})
# Only update and restart workflows can be paused, resumed or aborted (the engine's rec.workflow);
# START / STOP / DELETE records are not operator-controllable.
CONTROLLABLE_WORKFLOWS = frozenset({W.WORKFLOW_TYPE_UPDATE, W.WORKFLOW_TYPE_RESTART})
TERMINAL_POD_STATES = frozenset({P.POD_STATE_SUCCEEDED, P.POD_STATE_FAILED, P.POD_STATE_LOST,
                                 P.POD_STATE_KILLED, P.POD_STATE_DELETED})
STARTED_POD_STATES = frozenset({P.POD_STATE_LAUNCHING, P.POD_STATE_STARTING, P.POD_STATE_RUNNING})


class Name(enum.StrEnum):
    """Every action of the console.  A StrEnum so that settings and object names stay readable."""

    NEW = "new"
    EDIT = "edit"
    OPEN = "open"
    START = "start"
    STOP = "stop"
    RESTART = "restart"
    PAUSE = "pause"
    RESUME = "resume"
    ABORT = "abort"
    DELETE = "delete"
    FORCE_DELETE = "force_delete"
    REFRESH = "refresh"
    DEMO = "demo"
    FILTER = "filter"
    PALETTE = "palette"
    POD_STOP = "pod_stop"
    POD_START = "pod_start"
    POD_RESTART = "pod_restart"
    # The window's own commands (menu bar, palette): tabs, files, editing, tools.
    CLOSE_TAB = "close_tab"
    NEXT_TAB = "next_tab"
    PREV_TAB = "prev_tab"
    CONNECT = "connect"
    EXPORT = "export"
    OPEN_PROTO = "open_proto"
    QUIT = "quit"
    COPY = "copy"
    SELECT_ALL = "select_all"
    SAVE_VIEW = "save_view"
    PROTO_EDITOR = "proto_editor"
    CALL = "call"


class Scope(enum.Enum):
    """What an action applies to: the window (nothing selected needed), selected jobs, or pods."""

    WINDOW = "window"
    JOB = "job"
    POD = "pod"


class Confirm(enum.Enum):
    """Confirmation in proportion to the risk."""

    NONE = "none"  # read-only, or undoable (pause / resume offer an undo instead)
    TARGETS = "targets"  # a dialog naming what it hits and what it skips
    TYPE_NAME = "type_name"  # also type the job's name (or the number of jobs): cannot be undone


# -- what the rules read ------------------------------------------------------------------------


@dataclass(frozen=True)
class JobFacts:
    """What the rules and the confirmation read of one job (from a JobSummary or a JobInfo)."""

    job_id: str
    name: str
    state: int = J.JOB_STATE_INVALID  # JobState
    desired_state: int = J.JOB_STATE_INVALID
    workflow_type: int = W.WORKFLOW_TYPE_INVALID  # the latest workflow's (0: none ever)
    workflow_state: int = W.WORKFLOW_STATE_INVALID
    next_run: bool = False  # a scheduled run is pending (recurring job between runs)
    running_pods: int = 0
    pending_pods: int = 0

    @property
    def key(self) -> str:
        return self.job_id

    @classmethod
    def of(cls, job_id: str, name: str, status: job_pb2.JobStatus) -> JobFacts:
        stats = status.pod_stats
        pending = sum(stats.get(k, 0) for k in ("POD_STATE_PENDING", "POD_STATE_INITIALIZED",
                                                  "POD_STATE_LAUNCHING", "POD_STATE_STARTING"))
        return cls(job_id, name, status.state, status.desired_state, status.workflow_status.type,
                   status.workflow_status.state, status.HasField("next_run_at"),
                   stats.get("POD_STATE_RUNNING", 0), pending)

    @classmethod
    def from_summary(cls, summary: job_pb2.JobSummary) -> JobFacts:
        return cls.of(summary.job_id, summary.name, summary.status)

    @classmethod
    def from_info(cls, info: job_pb2.JobInfo) -> JobFacts:
        return cls.of(info.job_id, info.spec.name, info.status)


@dataclass(frozen=True)
class PodFacts:
    """What the rules read of one pod (its instance's current run)."""

    pod_name: str
    instance_id: int
    state: int  # PodState
    pod_id: str = ""

    @property
    def key(self) -> str:
        return self.pod_name

    @property
    def name(self) -> str:
        return f"instance {self.instance_id}"  # the pod views show their own (translated) wording

    @classmethod
    def from_info(cls, pod: pod_pb2.PodInfo) -> PodFacts:
        return cls(pod.pod_name, pod.instance_id, pod.status.state, pod.status.pod_id)


# -- the rules (None: applies; else why not) --------------------------------------------------------


def _gone(job: JobFacts) -> str | None:
    return QT_TRANSLATE_NOOP("Actions", "deleted") if job.state == J.JOB_STATE_DELETED else None


def can_stop(job: JobFacts) -> str | None:
    """Something to stop: pods, a pending or scheduled run. Never rewrites a finished outcome."""
    if (gone := _gone(job)) is not None:
        return gone
    if job.state == J.JOB_STATE_KILLING:
        return QT_TRANSLATE_NOOP("Actions", "already stopping")
    if job.state in FINISHED_JOB_STATES:
        if job.next_run and job.desired_state != J.JOB_STATE_KILLED:
            return None  # a recurring job between runs: stopping cancels the next run
        return (
            QT_TRANSLATE_NOOP("Actions", "already stopped")
            if job.state == J.JOB_STATE_KILLED
            else QT_TRANSLATE_NOOP("Actions", "already finished")
        )
    return None


def can_start(job: JobFacts) -> str | None:
    """A new run of a finished or stopped job, or the first of one never started."""
    if (gone := _gone(job)) is not None:
        return gone
    if job.state == J.JOB_STATE_KILLING:
        return QT_TRANSLATE_NOOP("Actions", "still stopping")
    if job.state in FINISHED_JOB_STATES or job.state == J.JOB_STATE_INITIALIZED:
        return None
    return QT_TRANSLATE_NOOP("Actions", "already running")


def can_restart(job: JobFacts) -> str | None:
    """A rolling restart of a job that runs (a finished or stopped one is started instead)."""
    if (gone := _gone(job)) is not None:
        return gone
    if job.desired_state == J.JOB_STATE_KILLED or job.state == J.JOB_STATE_KILLING:
        return (
            QT_TRANSLATE_NOOP("Actions", "stopped (start it instead)")
            if job.state != J.JOB_STATE_KILLING
            else QT_TRANSLATE_NOOP("Actions", "still stopping")
        )
    if job.state in (J.JOB_STATE_PENDING, J.JOB_STATE_RUNNING):
        return None
    if job.state in FINISHED_JOB_STATES:
        return QT_TRANSLATE_NOOP("Actions", "not running (start it instead)")
    return QT_TRANSLATE_NOOP("Actions", "not started yet")


def _workflow(job: JobFacts) -> str | None:
    if (gone := _gone(job)) is not None:
        return gone
    if job.workflow_type not in CONTROLLABLE_WORKFLOWS or job.workflow_state not in ACTIVE_WORKFLOW_STATES:
        return QT_TRANSLATE_NOOP("Actions", "no update or restart in progress")
    return None


def can_pause(job: JobFacts) -> str | None:
    """Only a rolling (forward or backward) update or restart."""
    if (why := _workflow(job)) is not None:
        return why
    if job.workflow_state == W.WORKFLOW_STATE_PAUSED:
        return QT_TRANSLATE_NOOP("Actions", "already paused")
    return (
        None
        if job.workflow_state in ROLLING_WORKFLOW_STATES
        else QT_TRANSLATE_NOOP("Actions", "workflow not rolling yet")
    )


def can_resume(job: JobFacts) -> str | None:
    if (why := _workflow(job)) is not None:
        return why
    return None if job.workflow_state == W.WORKFLOW_STATE_PAUSED else QT_TRANSLATE_NOOP("Actions", "not paused")


def can_abort(job: JobFacts) -> str | None:
    return _workflow(job)


def can_delete(job: JobFacts) -> str | None:
    """Without force the engine deletes only a finished, stopped or never-started job."""
    if (gone := _gone(job)) is not None:
        return gone
    if job.state in FINISHED_JOB_STATES or job.state == J.JOB_STATE_INITIALIZED:
        return None
    return QT_TRANSLATE_NOOP("Actions", "still active (stop it first, or delete with force)")


def can_force_delete(job: JobFacts) -> str | None:
    return _gone(job)


def can_refresh(job: JobFacts) -> str | None:
    return _gone(job)


def can_edit(job: JobFacts) -> str | None:
    return _gone(job)


def any_job(_job: JobFacts) -> str | None:
    return None


def can_stop_pod(pod: PodFacts) -> str | None:
    return QT_TRANSLATE_NOOP("Actions", "already ended") if pod.state in TERMINAL_POD_STATES else None


def can_start_pod(pod: PodFacts) -> str | None:
    return None if pod.state in TERMINAL_POD_STATES else QT_TRANSLATE_NOOP("Actions", "still running")


def can_restart_pod(pod: PodFacts) -> str | None:
    if pod.state in TERMINAL_POD_STATES or pod.state in STARTED_POD_STATES:
        return None
    return (
        QT_TRANSLATE_NOOP("Actions", "being stopped")
        if pod.state == P.POD_STATE_KILLING
        else QT_TRANSLATE_NOOP("Actions", "not started yet")
    )


# -- the calls -------------------------------------------------------------------------------------


class EngineCalls(Protocol):
    """The engine calls actions perform (pelorus.client.EngineClient provides them)."""

    async def start_job(self, job_id: str, version: int) -> int: ...
    async def stop_job(self, job_id: str, version: int) -> int: ...
    async def restart_job(self, job_id: str, version: int, batch_size: int = 0) -> int: ...
    async def pause_workflow(self, job_id: str, version: int) -> int: ...
    async def resume_workflow(self, job_id: str, version: int) -> int: ...
    async def abort_workflow(self, job_id: str, version: int) -> int: ...
    async def delete_job(self, job_id: str, version: int, force: bool = False) -> None: ...
    async def refresh_job(self, job_id: str) -> None: ...
    async def start_pod(self, pod_name: str) -> None: ...
    async def stop_pod(self, pod_name: str) -> None: ...
    async def restart_pod(self, pod_name: str, check_sla: bool = True) -> str: ...


@dataclass(frozen=True)
class Options:
    """What the confirmation may add to a call."""

    batch_size: int = 0  # restart: instances at a time (0 = all)
    check_sla: bool = True  # pod restart: refuse if too many instances would be down


JobCall = Callable[[EngineCalls, str, int, Options], Awaitable[object]]
PodCall = Callable[[EngineCalls, str, Options], Awaitable[object]]


# -- the table -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    """One row of the table.  ``label`` has the menu mnemonic (&); ``verb`` heads dialogs;
    ``did`` is the result message's past tense ("3 stopped")."""

    name: Name
    label: str
    tip: str
    scope: Scope
    shortcut: str | None = None  # a QKeySequence string ("Ctrl+Shift+X", "Del")
    icon: str = ""  # a QStyle.StandardPixmap name ("SP_MediaStop"): present on every platform
    verb: str = ""
    did: str = ""
    confirm: Confirm = Confirm.NONE
    consequence: str = ""  # the confirmation's second line: what happens to the pods
    mutating: bool = True  # disabled on a read-only (viewer) connection
    single: bool = False  # needs exactly one selected job
    asks_batch: bool = False  # restart: the confirmation also asks the batch size
    asks_sla: bool = False  # pod restart: the confirmation offers "check the SLA first"
    undo: Name | None = None  # offered after success (pause <-> resume)
    job_rule: Callable[[JobFacts], str | None] | None = None
    pod_rule: Callable[[PodFacts], str | None] | None = None
    job_call: JobCall | None = None  # called with the job's current version (read just before)
    pod_call: PodCall | None = None
    versioned: bool = True  # False: the call takes no version (refresh), so no GetJob first
    offline: bool = False  # a window command that works without a connection (filter, quit, tabs)

    @property
    def text(self) -> str:
        """The label without its mnemonic, for sentences and the palette."""
        return self.label.replace("&", "")


def _table(*rows: Action) -> dict[Name, Action]:
    return {a.name: a for a in rows}


ACTIONS: dict[Name, Action] = _table(
    Action(
        Name.NEW,
        QT_TRANSLATE_NOOP("Actions", "&New job…"),
        QT_TRANSLATE_NOOP("Actions", "Create a job from a spec"),
        Scope.WINDOW,
        "Ctrl+N",
        "SP_FileIcon",
    ),
    Action(
        Name.EDIT,
        QT_TRANSLATE_NOOP("Actions", "&Edit…"),
        QT_TRANSLATE_NOOP("Actions", "Edit the job's spec (rolling update)"),
        Scope.JOB,
        "Ctrl+E",
        "SP_FileDialogDetailedView",
        verb=QT_TRANSLATE_NOOP("Actions", "Edit"),
        single=True,
        job_rule=can_edit,
    ),
    Action(
        Name.START,
        QT_TRANSLATE_NOOP("Actions", "&Start"),
        QT_TRANSLATE_NOOP("Actions", "Start the selected jobs (a new run of a finished or stopped job)"),
        Scope.JOB,
        "Ctrl+Shift+S",
        "SP_MediaPlay",
        QT_TRANSLATE_NOOP("Actions", "Start"),
        QT_TRANSLATE_NOOP("Actions", "started"),
        job_rule=can_start,
        job_call=lambda c, j, v, o: c.start_job(j, v),
    ),
    Action(
        Name.STOP,
        QT_TRANSLATE_NOOP("Actions", "S&top"),
        QT_TRANSLATE_NOOP("Actions", "Stop (kill) the selected jobs"),
        Scope.JOB,
        "Ctrl+Shift+X",
        "SP_MediaStop",
        QT_TRANSLATE_NOOP("Actions", "Stop"),
        QT_TRANSLATE_NOOP("Actions", "stopped"),
        Confirm.TARGETS,
        QT_TRANSLATE_NOOP("Actions", "Running pods get SIGTERM, then SIGKILL after their grace period."),
        job_rule=can_stop,
        job_call=lambda c, j, v, o: c.stop_job(j, v),
    ),
    Action(
        Name.RESTART,
        QT_TRANSLATE_NOOP("Actions", "&Restart…"),
        QT_TRANSLATE_NOOP("Actions", "Rolling restart of running jobs"),
        Scope.JOB,
        "Ctrl+Shift+R",
        "SP_BrowserReload",
        QT_TRANSLATE_NOOP("Actions", "Restart"),
        QT_TRANSLATE_NOOP("Actions", "restarting"),
        Confirm.TARGETS,
        QT_TRANSLATE_NOOP("Actions", "Pods are killed and started again, batch by batch."),
        asks_batch=True,
        job_rule=can_restart,
        job_call=lambda c, j, v, o: c.restart_job(j, v, batch_size=o.batch_size),
    ),
    Action(
        Name.PAUSE,
        QT_TRANSLATE_NOOP("Actions", "&Pause"),
        QT_TRANSLATE_NOOP("Actions", "Pause the rolling workflow"),
        Scope.JOB,
        "Ctrl+Shift+P",
        "SP_MediaPause",
        QT_TRANSLATE_NOOP("Actions", "Pause"),
        QT_TRANSLATE_NOOP("Actions", "paused"),
        undo=Name.RESUME,
        job_rule=can_pause,
        job_call=lambda c, j, v, o: c.pause_workflow(j, v),
    ),
    Action(
        Name.RESUME,
        QT_TRANSLATE_NOOP("Actions", "Res&ume"),
        QT_TRANSLATE_NOOP("Actions", "Resume the paused workflow"),
        Scope.JOB,
        "Ctrl+Shift+U",
        "SP_MediaSeekForward",
        QT_TRANSLATE_NOOP("Actions", "Resume"),
        QT_TRANSLATE_NOOP("Actions", "resumed"),
        undo=Name.PAUSE,
        job_rule=can_resume,
        job_call=lambda c, j, v, o: c.resume_workflow(j, v),
    ),
    Action(
        Name.ABORT,
        QT_TRANSLATE_NOOP("Actions", "&Abort workflow"),
        QT_TRANSLATE_NOOP("Actions", "Abort the update or restart in progress"),
        Scope.JOB,
        "Ctrl+Shift+A",
        "SP_DialogCancelButton",
        QT_TRANSLATE_NOOP("Actions", "Abort workflow"),
        QT_TRANSLATE_NOOP("Actions", "aborted"),
        Confirm.TARGETS,
        QT_TRANSLATE_NOOP("Actions", "Instances not yet reached stay as they are; the workflow cannot be resumed."),
        job_rule=can_abort,
        job_call=lambda c, j, v, o: c.abort_workflow(j, v),
    ),
    Action(
        Name.DELETE,
        QT_TRANSLATE_NOOP("Actions", "&Delete"),
        QT_TRANSLATE_NOOP("Actions", "Delete finished jobs"),
        Scope.JOB,
        "Del",
        "SP_TrashIcon",
        QT_TRANSLATE_NOOP("Actions", "Delete"),
        QT_TRANSLATE_NOOP("Actions", "deleted"),
        Confirm.TARGETS,
        QT_TRANSLATE_NOOP("Actions", "Each job, its pods' history and its logs are removed."),
        job_rule=can_delete,
        job_call=lambda c, j, v, o: c.delete_job(j, v, force=False),
    ),
    Action(
        Name.FORCE_DELETE,
        QT_TRANSLATE_NOOP("Actions", "Delete with &force…"),
        QT_TRANSLATE_NOOP("Actions", "Stop, then delete (cannot be undone)"),
        Scope.JOB,
        "Shift+Del",
        "SP_DialogDiscardButton",
        QT_TRANSLATE_NOOP("Actions", "Force delete"),
        QT_TRANSLATE_NOOP("Actions", "deleted"),
        Confirm.TYPE_NAME,
        QT_TRANSLATE_NOOP("Actions", "Running pods are killed, then everything is removed. This cannot be undone."),
        job_rule=can_force_delete,
        job_call=lambda c, j, v, o: c.delete_job(j, v, force=True),
    ),
    Action(
        Name.REFRESH,
        QT_TRANSLATE_NOOP("Actions", "Re&fresh"),
        QT_TRANSLATE_NOOP("Actions", "Reload the selected jobs from the store"),
        Scope.JOB,
        "F5",
        "SP_BrowserReload",
        QT_TRANSLATE_NOOP("Actions", "Refresh"),
        QT_TRANSLATE_NOOP("Actions", "refreshed"),
        job_rule=can_refresh,
        versioned=False,
        job_call=lambda c, j, v, o: c.refresh_job(j),
    ),
    Action(
        Name.OPEN,
        QT_TRANSLATE_NOOP("Actions", "&Open job"),
        QT_TRANSLATE_NOOP("Actions", "Show the job's detail (Enter)"),
        Scope.JOB,
        None,
        "SP_FileDialogInfoView",
        QT_TRANSLATE_NOOP("Actions", "Open"),
        mutating=False,
        single=True,
        job_rule=any_job,
    ),
    Action(
        Name.DEMO,
        QT_TRANSLATE_NOOP("Actions", "Load &demo jobs"),
        QT_TRANSLATE_NOOP("Actions", "Create the demo jobs"),
        Scope.WINDOW,
        "Ctrl+Shift+D",
        "SP_DirOpenIcon",
    ),
    Action(
        Name.FILTER,
        QT_TRANSLATE_NOOP("Actions", "&Filter"),
        QT_TRANSLATE_NOOP("Actions", "Focus the filter box (/)"),
        Scope.WINDOW,
        "Ctrl+F",
        "SP_FileDialogContentsView",
        mutating=False,
        offline=True,
    ),
    Action(
        Name.PALETTE,
        QT_TRANSLATE_NOOP("Actions", "Command &palette…"),
        QT_TRANSLATE_NOOP("Actions", "Every action with its shortcut, and jobs by name"),
        Scope.WINDOW,
        "Ctrl+K",
        "SP_CommandLink",
        mutating=False,
        offline=True,
    ),
    Action(
        Name.POD_STOP,
        QT_TRANSLATE_NOOP("Actions", "S&top pod…"),
        QT_TRANSLATE_NOOP("Actions", "Stop the pod's current run"),
        Scope.POD,
        None,
        "SP_MediaStop",
        QT_TRANSLATE_NOOP("Actions", "Stop"),
        QT_TRANSLATE_NOOP("Actions", "stopped"),
        Confirm.TARGETS,
        QT_TRANSLATE_NOOP(
            "Actions", "Its process gets SIGTERM, then SIGKILL after the grace period; the pod ends KILLED."
        ),
        pod_rule=can_stop_pod,
        pod_call=lambda c, p, o: c.stop_pod(p),
    ),
    Action(
        Name.POD_START,
        QT_TRANSLATE_NOOP("Actions", "&Start pod…"),
        QT_TRANSLATE_NOOP("Actions", "Start a new run of the instance"),
        Scope.POD,
        None,
        "SP_MediaPlay",
        QT_TRANSLATE_NOOP("Actions", "Start"),
        QT_TRANSLATE_NOOP("Actions", "started"),
        Confirm.TARGETS,
        QT_TRANSLATE_NOOP("Actions", "A new run of this instance is started."),
        pod_rule=can_start_pod,
        pod_call=lambda c, p, o: c.start_pod(p),
    ),
    Action(
        Name.POD_RESTART,
        QT_TRANSLATE_NOOP("Actions", "&Restart pod…"),
        QT_TRANSLATE_NOOP("Actions", "Kill the current run and start a new one"),
        Scope.POD,
        None,
        "SP_BrowserReload",
        QT_TRANSLATE_NOOP("Actions", "Restart"),
        QT_TRANSLATE_NOOP("Actions", "restarted"),
        Confirm.TARGETS,
        QT_TRANSLATE_NOOP(
            "Actions", "The running process is killed and a new run starts (the job's SLA is checked first)."
        ),
        asks_sla=True,
        pod_rule=can_restart_pod,
        pod_call=lambda c, p, o: c.restart_pod(p, check_sla=o.check_sla),
    ),
    Action(
        Name.CLOSE_TAB,
        QT_TRANSLATE_NOOP("Actions", "&Close tab"),
        QT_TRANSLATE_NOOP("Actions", "Close the job's tab (its streams end)"),
        Scope.WINDOW,
        "Ctrl+W",
        "SP_TitleBarCloseButton",
        mutating=False,
        offline=True,
    ),
    Action(
        Name.NEXT_TAB,
        QT_TRANSLATE_NOOP("Actions", "Ne&xt tab"),
        QT_TRANSLATE_NOOP("Actions", "Show the next tab"),
        Scope.WINDOW,
        "Ctrl+Tab",
        "SP_ArrowRight",
        mutating=False,
        offline=True,
    ),
    Action(
        Name.PREV_TAB,
        QT_TRANSLATE_NOOP("Actions", "Pre&vious tab"),
        QT_TRANSLATE_NOOP("Actions", "Show the previous tab"),
        Scope.WINDOW,
        "Ctrl+Shift+Tab",
        "SP_ArrowLeft",
        mutating=False,
        offline=True,
    ),
    Action(
        Name.CONNECT,
        QT_TRANSLATE_NOOP("Actions", "&Connect…"),
        QT_TRANSLATE_NOOP("Actions", "Connect to a remote engine (address and token)"),
        Scope.WINDOW,
        None,
        "SP_DriveNetIcon",
        mutating=False,
        offline=True,
    ),
    Action(
        Name.EXPORT,
        QT_TRANSLATE_NOOP("Actions", "&Export…"),
        QT_TRANSLATE_NOOP("Actions", "Save the jobs shown (filter and sort applied) as CSV or JSON"),
        Scope.WINDOW,
        "Ctrl+Shift+E",
        "SP_DialogSaveButton",
        mutating=False,
        offline=True,
    ),
    Action(
        Name.OPEN_PROTO,
        QT_TRANSLATE_NOOP("Actions", "&Open protobuf file…"),
        QT_TRANSLATE_NOOP("Actions", "Open a binary protobuf message in the editor"),
        Scope.WINDOW,
        "Ctrl+O",
        "SP_DialogOpenButton",
        mutating=False,
        offline=True,
    ),
    Action(
        Name.QUIT,
        QT_TRANSLATE_NOOP("Actions", "&Quit"),
        QT_TRANSLATE_NOOP("Actions", "Close Pelorus (asks what to do with a busy embedded engine)"),
        Scope.WINDOW,
        "Ctrl+Q",
        "SP_DialogCloseButton",
        mutating=False,
        offline=True,
    ),
    Action(
        Name.COPY,
        QT_TRANSLATE_NOOP("Actions", "&Copy"),
        QT_TRANSLATE_NOOP("Actions", "Copy the selection (table rows as tab-separated text)"),
        Scope.WINDOW,
        "Ctrl+C",
        "SP_FileLinkIcon",
        mutating=False,
        offline=True,
    ),
    Action(
        Name.SELECT_ALL,
        QT_TRANSLATE_NOOP("Actions", "Select &all"),
        QT_TRANSLATE_NOOP("Actions", "Select everything in the focused table or text"),
        Scope.WINDOW,
        "Ctrl+A",
        "SP_DialogApplyButton",
        mutating=False,
        offline=True,
    ),
    Action(
        Name.SAVE_VIEW,
        QT_TRANSLATE_NOOP("Actions", "&Save current view…"),
        QT_TRANSLATE_NOOP("Actions", "Name the filter, columns and sort, to return to them"),
        Scope.WINDOW,
        None,
        "SP_DialogSaveButton",
        mutating=False,
        offline=True,
    ),
    Action(
        Name.PROTO_EDITOR,
        QT_TRANSLATE_NOOP("Actions", "&Protobuf editor"),
        QT_TRANSLATE_NOOP("Actions", "Show the protobuf editor"),
        Scope.WINDOW,
        None,
        "SP_FileDialogDetailedView",
        mutating=False,
        offline=True,
    ),
    Action(
        Name.CALL,
        QT_TRANSLATE_NOOP("Actions", "&Call…"),
        QT_TRANSLATE_NOOP("Actions", "Call a gRPC method (the Call panel beside the protobuf editor)"),
        Scope.WINDOW,
        None,
        "SP_CommandLink",
        mutating=False,
        offline=True,
    ),
)
JOB_ACTIONS: tuple[Name, ...] = tuple(n for n, a in ACTIONS.items() if a.scope is Scope.JOB)
POD_ACTIONS: tuple[Name, ...] = tuple(n for n, a in ACTIONS.items() if a.scope is Scope.POD)
# Toolbar and menu order; None is a separator.
TOOLBAR: tuple[Name | None, ...] = (
    Name.NEW,
    Name.EDIT,
    None,
    Name.START,
    Name.STOP,
    Name.RESTART,
    None,
    Name.PAUSE,
    Name.RESUME,
    Name.ABORT,
    None,
    Name.DELETE,
    Name.FORCE_DELETE,
    Name.REFRESH,
    None,
    Name.PALETTE,
)
# A job tab's own toolbar: what can be done to that one job.
JOB_TOOLBAR: tuple[Name | None, ...] = (
    Name.EDIT,
    None,
    Name.START,
    Name.STOP,
    Name.RESTART,
    None,
    Name.PAUSE,
    Name.RESUME,
    Name.ABORT,
    None,
    Name.REFRESH,
    None,
    Name.DELETE,
    Name.FORCE_DELETE,
    None,
    Name.PALETTE,
)
JOB_MENU: tuple[Name | None, ...] = (
    Name.OPEN,
    Name.EDIT,
    None,
    Name.START,
    Name.STOP,
    Name.RESTART,
    None,
    Name.PAUSE,
    Name.RESUME,
    Name.ABORT,
    None,
    Name.REFRESH,
    None,
    Name.DELETE,
    Name.FORCE_DELETE,
)


# -- planning, availability, outcome -----------------------------------------------------------------

Subject = TypeVar("Subject", JobFacts, PodFacts)


def why_not(action: Action, subject: JobFacts | PodFacts) -> str | None:
    """None when ``action`` applies to ``subject``; else the short reason it does not."""
    if isinstance(subject, JobFacts):
        return (
            action.job_rule(subject)
            if action.job_rule is not None
            else QT_TRANSLATE_NOOP("Actions", "not a job action")
        )
    return action.pod_rule(subject) if action.pod_rule is not None else QT_TRANSLATE_NOOP("Actions", "not a pod action")


@dataclass
class Plan(Generic[Subject]):
    """Who an action hits and who it skips (grouped by reason, in first-seen order)."""

    action: Action
    eligible: list[Subject] = field(default_factory=list)
    skipped: dict[str, list[Subject]] = field(default_factory=dict)


def plan(action: Action, subjects: Sequence[Subject]) -> Plan[Subject]:
    out: Plan[Subject] = Plan(action)
    for s in subjects:
        reason = why_not(action, s)
        if reason is None:
            out.eligible.append(s)
        else:
            out.skipped.setdefault(reason, []).append(s)
    return out


@dataclass(frozen=True)
class Availability:
    enabled: bool
    why: str = ""  # why not, for tooltips and the palette


def tally(subjects: Sequence[JobFacts] | Sequence[PodFacts]) -> list[tuple[JobFacts | PodFacts, int]]:
    """The selection grouped by what the rules read (a job's states, a pod's state), with counts:
    a select-all of 100,000 jobs is a handful of groups, so enabling a dozen actions stays cheap."""
    first: dict[tuple[int, ...], JobFacts | PodFacts] = {}
    counts: dict[tuple[int, ...], int] = {}
    for s in subjects:
        key = (
            (s.state, s.desired_state, s.workflow_type, s.workflow_state, int(s.next_run))
            if isinstance(s, JobFacts)
            else (s.state,)
        )
        first.setdefault(key, s)
        counts[key] = counts.get(key, 0) + 1
    return [(first[k], n) for k, n in counts.items()]


def availability(
    action: Action,
    subjects: Sequence[JobFacts] | Sequence[PodFacts],
    *,
    connected: bool,
    read_only: bool,
    translate: Translator = english,
) -> Availability:
    """Whether ``action`` can be triggered now on the selection ``subjects`` (``why`` through ``translate``)."""
    return availability_of(action, tally(subjects), connected=connected, read_only=read_only, translate=translate)


def availability_of(
    action: Action,
    groups: Sequence[tuple[JobFacts | PodFacts, int]],
    *,
    connected: bool,
    read_only: bool,
    translate: Translator = english,
) -> Availability:
    """``availability`` over a selection already grouped by ``tally``."""
    if action.mutating and read_only:
        return Availability(False, translate("Actions", QT_TRANSLATE_NOOP("Actions", "read-only connection")))
    if not connected and not action.offline:
        return Availability(False, translate("Actions", QT_TRANSLATE_NOOP("Actions", "not connected")))
    if action.scope is Scope.WINDOW:
        return Availability(True)
    total = sum(n for _s, n in groups)
    if not total:
        return Availability(
            False,
            translate(
                "Actions",
                QT_TRANSLATE_NOOP("Actions", "select a job")
                if action.scope is Scope.JOB
                else QT_TRANSLATE_NOOP("Actions", "select a pod"),
            ),
        )
    if action.single and total != 1:
        return Availability(False, translate("Actions", QT_TRANSLATE_NOOP("Actions", "select exactly one job")))
    reasons: dict[str, int] = {}
    for s, n in groups:
        reason = why_not(action, s)
        if reason is None:
            return Availability(True)
        reasons[reason] = reasons.get(reason, 0) + n
    if total == 1:
        return Availability(False, translate("Actions", next(iter(reasons))))
    return Availability(
        False,
        translate("Actions", "; ").join(
            translate("Actions", "{0} {1}", "a count, then a reason").format(n, translate("Actions", r))
            for r, n in reasons.items()
        ),
    )


def name_list(names: Sequence[str], limit: int = MAX_NAMED, translate: Translator = english) -> str:
    shown = ", ".join(names[:limit])
    return shown + (translate("Actions", " and {0} more").format(len(names) - limit) if len(names) > limit else "")


@dataclass
class Outcome:
    """What a performed action did, per target: done, skipped (by reason) or failed (with the
    engine's sentence); ``cancelled`` when the operator said no (nothing was sent)."""

    action: Action
    done: list[str] = field(default_factory=list)  # names
    skipped: dict[str, list[str]] = field(default_factory=dict)  # reason -> names
    failed: list[tuple[str, str]] = field(default_factory=list)  # (name, the engine's sentence)
    cancelled: bool = False
    done_keys: list[str] = field(default_factory=list)  # job ids / pod names, as ``done``
    failed_keys: list[str] = field(default_factory=list)

    def skip(self, reason: str, name: str) -> None:
        self.skipped.setdefault(reason, []).append(name)

    @property
    def level(self) -> str:
        """ "error" when something failed, "warning" when nothing was done, else "info"."""
        if self.failed:
            return "error"
        return "info" if self.done else "warning"

    def message(self, translate: Translator = english) -> str:
        """ "3 stopped; 2 already finished: a, b; 1 failed: c (why)" (in the language of ``translate``; the
        engine's sentences stay as the engine wrote them)."""
        a = self.action
        verb = translate("Actions", a.verb or a.text)
        if self.cancelled:
            return translate("Actions", "{0}: cancelled, nothing was sent").format(verb)
        parts = []
        if self.done:
            parts.append(
                translate("Actions", "{0} {1}", "a count, then what was done").format(
                    len(self.done), translate("Actions", a.did)
                )
                if len(self.done) > 1 or a.scope is not Scope.POD
                else translate("Actions", "{0} {1}", "a pod, then what was done to it").format(
                    self.done[0], translate("Actions", a.did)
                )
            )
        elif not self.failed:
            parts.append(translate("Actions", "nothing to {0}").format(verb.lower()))
        for reason, names in self.skipped.items():
            parts.append(
                translate("Actions", "{0} {1}: {2}").format(
                    len(names), translate("Actions", reason), name_list(names, translate=translate)
                )
            )
        if self.failed:
            shown = translate("Actions", "; ").join(f"{n}: {render(e, translate)}" for n, e in self.failed[:MAX_NAMED])
            more = (
                translate("Actions", " and {0} more").format(len(self.failed) - MAX_NAMED)
                if len(self.failed) > MAX_NAMED
                else ""
            )
            failed = len(self.failed)  # a plain name: lupdate's Python parser reads no call in tr's arguments
            parts.append(translate("Actions", "%n failed: {0}", "", failed).format(shown + more))
        return translate("Actions", "; ").join(parts)


@dataclass(frozen=True)
class ConfirmRequest:
    """What a confirmation shows: the action, whom it hits and whom it skips (by reason), and for a
    force delete what to type (the job's name, or the number of jobs)."""

    action: Action
    targets: Sequence[JobFacts] | Sequence[PodFacts]
    skipped: dict[str, list[str]]

    @property
    def type_to_confirm(self) -> str | None:
        if self.action.confirm is not Confirm.TYPE_NAME:
            return None
        return self.targets[0].name if len(self.targets) == 1 else str(len(self.targets))


Confirmer = Callable[[ConfirmRequest], Awaitable[Options | None]]


async def already_confirmed(_request: ConfirmRequest) -> Options:
    """For a view that asked the operator itself before calling the session."""
    return Options()


def needs_asking(action: Action) -> bool:
    return action.confirm is not Confirm.NONE or action.asks_batch or action.asks_sla
