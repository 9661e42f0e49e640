"""Flat row layout for the jobs table, shared by the Qt model and the Qt-free filter.

Why a flat list per job instead of keeping JobSummary messages and reading them on demand:
reading a field of a upb message from Python costs 50-150 ns and a map 1 µs, and sorting or
filtering 100k jobs touches the same fields again and again.  So the scalar fields the table
shows, sorts and filters on are copied once into a plain list when a change arrives.

What is *not* copied eagerly: the two maps (labels, pod_stats) cost ~1 µs each to iterate,
i.e. ~0.2 s per 100k rows, so they stay in the message (kept at ``MSG``) and are read lazily —
for tooltips, for ``label:k=v`` filters, and for the free-text haystack (``HAY``, filled on first
use or by the model's idle warm-up).  Callers must not mutate a summary after handing it over.

No Qt here: this module is imported by ``job_filter`` which must stay testable without Qt.
"""

from __future__ import annotations

from typing import Any, Final

from pelorus.api import job_pb2, workflow_pb2

# Field indices into a row (a list; only HAY is ever written after creation).
ID: Final = 0
NAME: Final = 1
OWNER: Final = 2
NAMESPACE: Final = 3
STATE: Final = 4  # int, JobState enum number
PRIORITY: Final = 5
POD_RUNNING: Final = 6
POD_PENDING: Final = 7
POD_SUCCEEDED: Final = 8
POD_FAILED: Final = 9
PROG_SUCCESSFUL: Final = 10
PROG_FAILED: Final = 11
PROG_REMAINING: Final = 12
WF_TYPE: Final = 13  # int, WorkflowType enum number (0 = none)
WF_STATE: Final = 14
CREATED: Final = 15  # float epoch seconds (0.0 = unset)
UPDATED: Final = 16
VERSION: Final = 17
INSTANCES: Final = 18
HAY: Final = 19  # str | None: casefolded "name owner id k=v ..." for free-text search, lazy
MSG: Final = 20  # the JobSummary itself (labels, pod_stats, reason, message read lazily)
N_FIELDS: Final = 21

Row = list[Any]


def _enum_names(enum: Any, prefix: str) -> dict[int, str]:
    return {v.number: v.name[len(prefix):] for v in enum.DESCRIPTOR.values}


#: JobState number -> name without the JOB_STATE_ prefix ("RUNNING").
STATE_NAMES: Final[dict[int, str]] = _enum_names(job_pb2.JobState, "JOB_STATE_")
#: Name without prefix -> JobState number.
STATE_BY_NAME: Final[dict[str, int]] = {v: k for k, v in STATE_NAMES.items()}
#: States a user can filter on, in lifecycle order (also the table's sort order for "state").
STATE_ORDER: Final[tuple[str, ...]] = (
    "INITIALIZED", "PENDING", "RUNNING", "KILLING", "SUCCEEDED", "FAILED", "KILLED",
    "UNINITIALIZED", "DELETED", "INVALID",
)
#: JobState number -> rank in STATE_ORDER, so sorting by state groups the lifecycle sensibly
#: (active jobs together) rather than alphabetically.
STATE_RANK: Final[dict[int, int]] = {STATE_BY_NAME[n]: i for i, n in enumerate(STATE_ORDER)}

WORKFLOW_TYPE_NAMES: Final[dict[int, str]] = _enum_names(workflow_pb2.WorkflowType, "WORKFLOW_TYPE_")
WORKFLOW_STATE_NAMES: Final[dict[int, str]] = _enum_names(workflow_pb2.WorkflowState, "WORKFLOW_STATE_")

# Pod states folded into the four table columns; the tooltip shows the exact breakdown.
_POD_RUNNING: Final = "POD_STATE_RUNNING"
_POD_PENDING: Final = frozenset(
    {"POD_STATE_INITIALIZED", "POD_STATE_PENDING", "POD_STATE_LAUNCHING", "POD_STATE_STARTING"}
)
_POD_SUCCEEDED: Final = "POD_STATE_SUCCEEDED"
_POD_FAILED: Final = frozenset({"POD_STATE_FAILED", "POD_STATE_LOST"})


def state_name(state: int) -> str:
    """Display name of a JobState number; unknown numbers (newer engine) stay visible as numbers."""
    return STATE_NAMES.get(state) or str(state)


def make_row(s: job_pb2.JobSummary) -> Row:
    """Copy the scalar fields of one summary into a row (hot path: ~3-5 µs, keep it lean)."""
    st = s.status
    run = pend = succ = fail = 0
    for k, v in st.pod_stats.items():
        if k == _POD_RUNNING:
            run += v
        elif k in _POD_PENDING:
            pend += v
        elif k == _POD_SUCCEEDED:
            succ += v
        elif k in _POD_FAILED:
            fail += v
    pr = st.progress
    wf = st.workflow_status
    c = st.created_at
    u = st.updated_at
    return [
        s.job_id, s.name, s.owner, s.namespace, st.state, s.priority,
        run, pend, succ, fail,
        pr.successful, pr.failed, pr.remaining,
        wf.type, wf.state,
        c.seconds + c.nanos * 1e-9, u.seconds + u.nanos * 1e-9,
        st.version.value, s.instance_count,
        None, s,
    ]


def haystack(row: Row) -> str:
    """Casefolded text free-text search looks in (name, owner, id, labels); cached in the row."""
    h: str | None = row[HAY]
    if h is None:
        parts = [row[NAME], row[OWNER], row[ID]]
        parts.extend(k + "=" + v for k, v in row[MSG].labels.items())
        h = row[HAY] = "\x1f".join(parts).casefold()
    return h


def labels(row: Row) -> dict[str, str]:
    """The job's labels (read from the message: cheap for one row, costly for 100k)."""
    return dict(row[MSG].labels)


def pod_stats(row: Row) -> dict[str, int]:
    """Exact pod-state counts, names without the POD_STATE_ prefix."""
    return {k.removeprefix("POD_STATE_"): v for k, v in row[MSG].status.pod_stats.items()}


def progress_fraction(row: Row) -> float | None:
    """Done / total from the bulk-progress counters, or None when the job reports none."""
    done = row[PROG_SUCCESSFUL] + row[PROG_FAILED]
    total = done + row[PROG_REMAINING]
    return done / total if total else None


def workflow_text(row: Row) -> str:
    """"UPDATE · ROLLING_FORWARD", or "" when the job has never had a workflow."""
    t = row[WF_TYPE]
    if not t:
        return ""
    return f"{WORKFLOW_TYPE_NAMES.get(t, str(t))} · {WORKFLOW_STATE_NAMES.get(row[WF_STATE], str(row[WF_STATE]))}"
