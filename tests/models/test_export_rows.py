"""Export rows and files (issue 17): raw values, ISO-8601 times with their offset, CSV and JSON
read back equal, and a file that cannot be written is an OSError (the view says it)."""

from __future__ import annotations

import csv
import json
from datetime import datetime
from pathlib import Path

import pytest
from models.jobs_factory import make_job

from console import timefmt
from console.models import export_rows as X
from console.models import job_row as R
from console.models.jobs_table import Column
from pelorus.api import workflow_pb2


@pytest.fixture(autouse=True)
def utc() -> object:
    was = timefmt.use_utc()
    timefmt.set_utc(True)
    yield None
    timefmt.set_utc(was)


def test_job_records_are_raw_values_in_the_columns_shown() -> None:
    row = R.make_row(make_job(7, name="etl", state="RUNNING", progress=(3, 1, 4), pods={"RUNNING": 2},
                              created=1_700_000_000, updated=1_700_000_060))
    keys, recs = X.job_records([row], [int(Column.STATE), int(Column.NAME), int(Column.CREATED),
                                       int(Column.PROGRESS), int(Column.RUNNING), int(Column.WORKFLOW)])
    assert keys == ["state", "name", "created", "progress", "running", "workflow"]
    assert recs == [{"state": "RUNNING", "name": "etl", "created": "2023-11-14T22:13:20.000+00:00",
                     "progress": 0.5, "running": 2, "workflow": None}]
    assert datetime.fromisoformat(recs[0]["created"]).timestamp() == 1_700_000_000


def test_times_in_the_local_zone_carry_its_offset() -> None:
    timefmt.set_utc(False)
    text = X.iso(1_700_000_000.25)
    assert text is not None and datetime.fromisoformat(text).timestamp() == 1_700_000_000.25
    assert text[-6] in "+-"  # "+01:00": never a naive time
    assert X.iso(0) is None


def test_csv_and_json_read_back(tmp_path: Path) -> None:
    keys = ["name", "exit", "when"]
    recs = [{"name": 'a "quoted", name', "exit": 0, "when": None}, {"name": "b\nline", "exit": None, "when": "x"}]
    X.write(tmp_path / "out.csv", keys, recs)
    with (tmp_path / "out.csv").open(newline="", encoding="utf-8") as f:
        back = list(csv.DictReader(f))
    assert back == [{"name": 'a "quoted", name', "exit": "0", "when": ""}, {"name": "b\nline", "exit": "", "when": "x"}]
    X.write(tmp_path / "out.JSON", keys, recs)
    assert json.loads((tmp_path / "out.JSON").read_text(encoding="utf-8")) == recs


def test_bad_paths_and_suffixes_fail_clearly(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="csv or .json"):
        X.write(tmp_path / "out.txt", ["a"], [])
    with pytest.raises(OSError):
        X.write(tmp_path / "no" / "such" / "dir.csv", ["a"], [])
    with pytest.raises(IsADirectoryError):
        (tmp_path / "taken.csv").mkdir()
        X.write(tmp_path / "taken.csv", ["a"], [])


def test_workflow_events_each_workflows_events_then_per_instance() -> None:
    wf = workflow_pb2.WorkflowInfo()
    wf.status.workflow_id, wf.status.type = "wf-1", workflow_pb2.WORKFLOW_TYPE_RESTART
    ev = wf.events.add(state=workflow_pb2.WORKFLOW_STATE_ROLLING_FORWARD, message="started")
    ev.timestamp.seconds = 1_700_000_000
    inst = wf.instance_events.add(instance_id=3)
    inst.events.add(state=workflow_pb2.WORKFLOW_STATE_SUCCEEDED).timestamp.seconds = 1_700_000_001
    keys, recs = X.workflow_event_records([wf])
    assert keys == X.WORKFLOW_EVENT_KEYS
    assert recs == [
        {"workflow_id": "wf-1", "type": "RESTART", "instance": None, "time": "2023-11-14T22:13:20.000+00:00",
         "state": "ROLLING_FORWARD", "message": "started"},
        {"workflow_id": "wf-1", "type": "RESTART", "instance": 3, "time": "2023-11-14T22:13:21.000+00:00",
         "state": "SUCCEEDED", "message": None}]
