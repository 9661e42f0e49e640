"""Rows to export: the jobs, pods, pod events and workflow events as the tables show them, with
raw values, and writing them as CSV or JSON.  No widgets (the views pass what is on screen).

What a spreadsheet or a script wants is the value, not the text drawn for a person: a time is
ISO-8601 with its offset (in the zone the View menu chose, as on screen), a duration is seconds,
memory is bytes, a count is a number, an unset value is empty (CSV) or null (JSON).  Column keys
are the columns' names in snake case ("created", "pod_id"), in the order shown.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from console import timefmt
from console.models import job_row as R
from console.models.jobs_table import Column
from console.models.pods_table import PodColumn, pod_state_name
from pelorus.api import pod_pb2, workflow_pb2

Record = dict[str, Any]
FORMATS = {".csv": "CSV", ".json": "JSON"}


def iso(seconds: float) -> str | None:
    """ISO-8601 with the zone's offset ("2026-12-06T21:14:03.250+01:00"); None when unset."""
    if not seconds:
        return None
    moment = datetime.fromtimestamp(seconds, UTC)
    if not timefmt.use_utc():
        moment = moment.astimezone()
    return moment.isoformat(timespec="milliseconds")


def _secs(ts: Any) -> float:
    return float(ts.seconds + ts.nanos * 1e-9)


def _key(name: str) -> str:
    return name.lower()


# -- jobs ------------------------------------------------------------------------------------------
_JOB_VALUES: dict[Column, Callable[[R.Row], Any]] = {
    Column.NAME: lambda r: r[R.NAME],
    Column.ID: lambda r: r[R.ID],
    Column.STATE: lambda r: R.state_name(r[R.STATE]),
    Column.PRIORITY: lambda r: r[R.PRIORITY],
    Column.OWNER: lambda r: r[R.OWNER],
    Column.RUNNING: lambda r: r[R.POD_RUNNING],
    Column.PENDING: lambda r: r[R.POD_PENDING],
    Column.SUCCEEDED: lambda r: r[R.POD_SUCCEEDED],
    Column.FAILED: lambda r: r[R.POD_FAILED],
    Column.PROGRESS: lambda r: None if (f := R.progress_fraction(r)) is None else round(f, 6),
    Column.WORKFLOW: lambda r: R.workflow_text(r).replace(" · ", " ") or None,
    Column.CREATED: lambda r: iso(r[R.CREATED]),
    Column.UPDATED: lambda r: iso(r[R.UPDATED]),
    Column.VERSION: lambda r: r[R.VERSION],
}


def job_records(rows: Iterable[R.Row], columns: Sequence[int]) -> tuple[list[str], list[Record]]:
    """Jobs table rows (in the order shown) over the columns shown (logical indices, view order)."""
    cols = [Column(c) for c in columns]
    keys = [_key(c.name) for c in cols]
    return keys, [{k: _JOB_VALUES[c](row) for k, c in zip(keys, cols, strict=True)} for row in rows]


# -- pods ------------------------------------------------------------------------------------------
def _duration(st: pod_pb2.PodStatus, now: float) -> float | None:
    start = _secs(st.started_at)
    if not start:
        return None
    end = _secs(st.ended_at) or now
    return round(max(0.0, end - start), 3)


def _pod_progress(st: pod_pb2.PodStatus) -> float | None:
    pr = st.progress
    total = pr.successful + pr.failed + pr.remaining
    return round((pr.successful + pr.failed) / total, 6) if total else None


_POD_VALUES: dict[PodColumn, Callable[[pod_pb2.PodInfo, float], Any]] = {
    PodColumn.INSTANCE: lambda p, _n: p.instance_id,
    PodColumn.POD_ID: lambda p, _n: p.status.pod_id or None,
    PodColumn.RUN: lambda p, _n: p.status.run or None,
    PodColumn.STATE: lambda p, _n: pod_state_name(p.status.state),
    PodColumn.HOST: lambda p, _n: p.status.host or p.status.node_id or None,
    PodColumn.STARTED: lambda p, _n: iso(_secs(p.status.started_at)),
    PodColumn.ENDED: lambda p, _n: iso(_secs(p.status.ended_at)),
    PodColumn.DURATION: lambda p, n: _duration(p.status, n),
    PodColumn.EXIT: lambda p, _n: p.status.exit_code if p.status.has_exit_code else None,
    PodColumn.REASON: lambda p, _n: " — ".join(x for x in (p.status.reason, p.status.message) if x) or None,
    PodColumn.PROGRESS: lambda p, _n: _pod_progress(p.status),
    PodColumn.CPU: lambda p, _n: p.status.usage.cpu_seconds or None,
    PodColumn.MEMORY: lambda p, _n: p.status.usage.memory_rss_bytes or None,
    PodColumn.EXECUTOR: lambda p, _n: p.status.executor or None,
}


def pod_records(pods: Iterable[pod_pb2.PodInfo], columns: Sequence[int],
                now: float) -> tuple[list[str], list[Record]]:
    """Pods (each instance's current run, in the order shown) over the columns shown."""
    cols = [PodColumn(c) for c in columns]
    keys = [_key(c.name) for c in cols]
    return keys, [{k: _POD_VALUES[c](p, now) for k, c in zip(keys, cols, strict=True)} for p in pods]


POD_EVENT_KEYS = ["time", "pod_id", "state", "desired_state", "attempt", "host", "reason", "message"]


def pod_event_records(events: Iterable[pod_pb2.PodEvent]) -> tuple[list[str], list[Record]]:
    """A pod's events as its events list shows them (oldest first)."""
    out = [{"time": iso(_secs(e.timestamp)), "pod_id": e.pod_id or None, "state": pod_state_name(e.actual_state),
            "desired_state": pod_state_name(e.desired_state), "attempt": e.attempt, "host": e.host or None,
            "reason": e.reason or None, "message": e.message or None} for e in events]
    return list(POD_EVENT_KEYS), out


WORKFLOW_EVENT_KEYS = ["workflow_id", "type", "instance", "time", "state", "message"]


def _wf_name(enum: Any, value: int, prefix: str) -> str:
    return str(enum.Name(value)).removeprefix(prefix)


def workflow_event_records(workflows: Iterable[workflow_pb2.WorkflowInfo]) -> tuple[list[str], list[Record]]:
    """Every workflow's events, then its per-instance events, as the Workflows tab lists them."""
    out: list[Record] = []
    for wf in workflows:
        s = wf.status
        kind = _wf_name(workflow_pb2.WorkflowType, s.type, "WORKFLOW_TYPE_")

        def record(ev: workflow_pb2.WorkflowEvent, instance: int | None, wid: str = s.workflow_id,
                   kind: str = kind) -> Record:
            return {"workflow_id": wid, "type": kind, "instance": instance, "time": iso(_secs(ev.timestamp)),
                    "state": _wf_name(workflow_pb2.WorkflowState, ev.state, "WORKFLOW_STATE_"),
                    "message": ev.message or None}

        out.extend(record(ev, None) for ev in wf.events)
        for ie in wf.instance_events:
            out.extend(record(ev, ie.instance_id) for ev in ie.events)
    return list(WORKFLOW_EVENT_KEYS), out


# -- writing ---------------------------------------------------------------------------------------
def write(path: str | Path, keys: Sequence[str], records: Sequence[Record]) -> Path:
    """Write ``records`` to ``path`` as CSV or JSON, by its suffix (OSError when it cannot be
    written, ValueError for another suffix).  JSON: a list of objects, keys in column order."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"'{p.name}': choose a .csv or .json file")
    if suffix == ".csv":
        with p.open("w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=list(keys))
            writer.writeheader()
            for rec in records:
                writer.writerow({k: "" if v is None else v for k, v in rec.items()})
    else:
        with p.open("w", encoding="utf-8") as f:
            json.dump([{k: rec[k] for k in keys} for rec in records], f, indent=2, ensure_ascii=False)
            f.write("\n")
    return p
