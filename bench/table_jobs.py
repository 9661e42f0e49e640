"""Shared fixtures for the table benchmarks: realistic JobSummary streams, the peer model.

Jobs are serialised into ListJobsResponse batches of 1000 and parsed back, so they sit in
memory the way gRPC delivers them (one arena per response), not as 100k hand-built messages.
"""

from __future__ import annotations

import json
import os
import random
import string
import sys
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pelorus.api import job_pb2, job_service_pb2  # noqa: E402

OWNERS = [f"user{i:02d}" for i in range(40)] + ["alice", "bob", "carol"]
WORDS = ["etl", "train", "backfill", "report", "index", "sync", "export", "scan", "web", "batch"]
STATES = [3, 3, 3, 2, 4, 5, 6, 1]
_T0 = 1_760_000_000


def summary(i: int, rnd: random.Random, version: int = 1, updated: int | None = None) -> job_pb2.JobSummary:
    s = job_pb2.JobSummary(
        job_id=f"{i:08x}-{rnd.getrandbits(16):04x}-4{rnd.getrandbits(12):03x}-8{rnd.getrandbits(12):03x}-"
               f"{rnd.getrandbits(48):012x}",
        name=f"{rnd.choice(WORDS)}-{''.join(rnd.choices(string.ascii_lowercase, k=6))}-{i}",
        owner=rnd.choice(OWNERS), namespace=rnd.choice(["", "prod", "staging"]),
        instance_count=rnd.randint(1, 50), priority=rnd.randint(0, 10))
    s.labels["team"] = rnd.choice(["ml", "ops", "data", "web"])
    s.labels["env"] = rnd.choice(["prod", "dev"])
    st = s.status
    st.state = rnd.choice(STATES)
    st.version.value = version
    st.pod_stats["POD_STATE_RUNNING"] = rnd.randint(0, 20)
    st.pod_stats["POD_STATE_SUCCEEDED"] = rnd.randint(0, 20)
    if rnd.random() < 0.3:
        st.pod_stats["POD_STATE_FAILED"] = rnd.randint(1, 3)
    st.progress.successful = rnd.randint(0, 500)
    st.progress.remaining = rnd.randint(0, 500)
    if rnd.random() < 0.2:
        st.workflow_status.type = 1
        st.workflow_status.state = rnd.randint(1, 8)
    st.created_at.seconds = _T0 + i
    st.updated_at.seconds = updated if updated is not None else _T0 + i + rnd.randint(0, 10_000)
    return s


def as_delivered(msgs: list[job_pb2.JobSummary], batch: int = 1000) -> list[job_pb2.JobSummary]:
    """Round-trip through ListJobsResponse wire bytes, as a ListJobs stream would deliver them."""
    out: list[job_pb2.JobSummary] = []
    for k in range(0, len(msgs), batch):
        resp = job_service_pb2.ListJobsResponse()
        resp.jobs.extend(msgs[k:k + batch])
        out.extend(job_service_pb2.ListJobsResponse.FromString(resp.SerializeToString()).jobs)
    return out


def make_jobs(n: int, seed: int = 1) -> list[job_pb2.JobSummary]:
    rnd = random.Random(seed)
    return as_delivered([summary(i, rnd) for i in range(n)])


def report(name: str, value: float, unit: str, peer_value: float | None = None,
           peer: str = "QStandardItemModel", **extra: Any) -> None:
    row: dict[str, Any] = {"name": name, "value": round(value, 3), "unit": unit, "peer": peer,
                           "peer_value": None if peer_value is None else round(peer_value, 3)}
    row.update(extra)
    print(json.dumps(row), flush=True)


def standard_model_rows(jobs: list[job_pb2.JobSummary]) -> Any:
    """Build the peer: a QStandardItemModel with the same 14 columns (text + SortRole value)."""
    from PySide6.QtGui import QStandardItem, QStandardItemModel

    from console.models import job_row as R
    from console.models.jobs_table import _DISPLAY, COLUMN_TITLES, SORT_KEYS, SortRole

    m = QStandardItemModel(0, len(_DISPLAY))
    m.setHorizontalHeaderLabels(list(COLUMN_TITLES.values()))
    index: dict[str, int] = {}
    for i, s in enumerate(jobs):
        row = R.make_row(s)
        items = []
        for disp, key in zip(_DISPLAY, SORT_KEYS, strict=True):
            it = QStandardItem(disp(row))
            it.setData(key(row), SortRole)
            items.append(it)
        m.appendRow(items)
        index[s.job_id] = i
    return m, index
