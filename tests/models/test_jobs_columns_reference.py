"""The column-stored jobs table against a straightforward reference (hypothesis).

The reference is the plain one: a dict of the latest JobSummary per job (first-seen order),
``job_row.make_row`` rows, the filter's row predicate and Python's stable ``sorted`` on
``SORT_KEYS``.  The model decodes wire bytes in bulk into numpy columns and the proxy filters
with array masks and sorts with argsort; after every step of a random sequence (loads, batches
of updates / deletes / new jobs, filters, sorts) both must show the same jobs in the same order
with the same cells, under QAbstractItemModelTester.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import Qt
from PySide6.QtTest import QAbstractItemModelTester

from console.models import job_filter
from console.models import job_row as R
from console.models import job_wire as W
from console.models.job_columns import prepare
from console.models.jobs_proxy import JobsProxyModel
from console.models.jobs_table import _DISPLAY, SORT_KEYS, Column, JobsTableModel
from pelorus.api import job_pb2, job_service_pb2

# text without the separators the columns use internally (\x1f, and "=" in label keys)
_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00\x1f"), max_size=12)
_WORD = st.sampled_from(["etl", "ETL", "Straße", "web", "é", "a", "", "x" * 300])
_POD_STATES = ["POD_STATE_RUNNING", "POD_STATE_PENDING", "POD_STATE_LAUNCHING", "POD_STATE_SUCCEEDED",
               "POD_STATE_FAILED", "POD_STATE_LOST", "POD_STATE_KILLING", "POD_STATE_NEWER_THAN_US"]


@st.composite
def summaries(draw: Any, job_id: str) -> job_pb2.JobSummary:
    s = job_pb2.JobSummary(job_id=job_id, name=draw(st.one_of(_WORD, _TEXT)) + draw(_WORD),
                           owner=draw(st.sampled_from(["alice", "Bob", "carol smith", "", "Ünï"])),
                           namespace=draw(st.sampled_from(["", "prod", "Staging"])),
                           instance_count=draw(st.integers(0, 2**32 - 1)),
                           priority=draw(st.integers(-(2**31), 2**31 - 1)))
    for k in draw(st.lists(st.sampled_from(["team", "env", "gpu", "Ü"]), max_size=3, unique=True)):
        s.labels[k] = draw(st.sampled_from(["ml", "ops", "", "prod", "v" * 600]))
    status = s.status
    status.state = draw(st.sampled_from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 42]))
    status.version.value = draw(st.integers(0, 2**40))
    for k in draw(st.lists(st.sampled_from(_POD_STATES), max_size=4, unique=True)):
        status.pod_stats[k] = draw(st.integers(0, 300))
    if draw(st.booleans()):
        p = status.progress
        p.successful, p.failed, p.remaining = (draw(st.integers(0, 2**33)) for _ in range(3))
    if draw(st.booleans()):
        status.workflow_status.type = draw(st.integers(0, 3))
        status.workflow_status.state = draw(st.integers(0, 9))
    status.created_at.seconds = draw(st.integers(0, 2**34))
    status.updated_at.seconds = draw(st.sampled_from([0, 1_700_000_000, 1_700_000_001, 2**34]))
    status.updated_at.nanos = draw(st.sampled_from([0, 1, 500_000_000]))
    status.reason = draw(_TEXT)
    return s


_IDS = [f"job-{i:02d}" for i in range(14)] + ["Ünïcode-id", "x" * 300]
_FILTERS = ["", "etl", "e", "straße", "STRASSE", "team=ml", "ml", "state:running", "-state:running",
            "state:pend,run", "owner:bob", "owner:alice,carol", "ns:default", "ns:prod", "label:team",
            "label:team=ml", "label:env=prod,gpu", "name:etl", r"name~^e.+", "id:job-0", "priority>0",
            "priority<=-5", "version>=3", "running>2", "failed:1", "instances!=0", "é", "xxxx", "-etl owner:bob",
            "vvvv", "unknown:thing"]

step = st.one_of(
    st.tuples(st.just("load"), st.lists(st.sampled_from(_IDS), max_size=10)),
    st.tuples(st.just("batch"), st.lists(st.tuples(st.sampled_from(_IDS), st.booleans()), max_size=10)),
    st.tuples(st.just("page"), st.lists(st.sampled_from(_IDS), max_size=10)),
    st.tuples(st.just("filter"), st.sampled_from(_FILTERS)),
    st.tuples(st.just("sort"), st.integers(-1, len(Column) - 1), st.booleans()),
)


def _wire(msgs: list[job_pb2.JobSummary]) -> W.Wire:
    pages = []
    for k in range(0, max(len(msgs), 1), 3):  # several pages, as ListJobs sends them
        resp = job_service_pb2.ListJobsResponse(revision=5)
        resp.jobs.extend(msgs[k:k + 3])
        pages.append(resp.SerializeToString())
    return W.list_jobs_wire(pages)


def _expected(truth: dict[str, job_pb2.JobSummary], text: str, col: int, desc: bool) -> list[R.Row]:
    """The reference: filter with the row predicate, then Python's stable sort."""
    res = job_filter.parse(text)
    kept = [r for r in (R.make_row(s) for s in truth.values()) if res(r)]
    return sorted(kept, key=SORT_KEYS[col], reverse=desc) if col >= 0 else kept


@pytest.mark.slow
@settings(max_examples=int(os.environ.get("PELORUS_REFERENCE_EXAMPLES", "25")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data(), steps=st.lists(step, min_size=1, max_size=8))
def test_model_and_proxy_equal_the_reference(qapp: Any, data: Any, steps: list[Any]) -> None:
    model = JobsTableModel()
    proxy = JobsProxyModel(model, resort_interval_ms=10_000)
    QAbstractItemModelTester(proxy, QAbstractItemModelTester.FailureReportingMode.Fatal)
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    truth: dict[str, job_pb2.JobSummary] = {}
    text, col, desc = "", -1, False
    for s in steps:
        if s[0] == "load":
            ids = sorted(set(s[1])) if data.draw(st.booleans()) else s[1]  # in id order, as the engine lists
            msgs = [data.draw(summaries(j)) for j in ids]
            truth = {}
            for m in msgs:
                truth[m.job_id] = m
            how = data.draw(st.sampled_from(["messages", "wire", "prepared"]))
            # "prepared": decoded and folded ahead, as the jobs feed's thread hands a listing over
            model.reset(msgs if how == "messages" else _wire(msgs) if how == "wire" else prepare(_wire(msgs)))
        elif s[0] == "page":  # a streamed listing's batch (new jobs or known ones), raw or prepared
            ids = sorted(set(s[1])) if data.draw(st.booleans()) else s[1]
            msgs = [data.draw(summaries(j)) for j in ids]
            for m in msgs:
                truth[m.job_id] = m
            if msgs:
                model.append_wire(prepare(_wire(msgs)) if data.draw(st.booleans()) else _wire(msgs))
            proxy.resort_now()
        elif s[0] == "batch":
            changes = []
            for job_id, deleted in s[1]:
                m = data.draw(summaries(job_id))
                changes.append((m, deleted))
            latest = {m.job_id: (m, d) for m, d in changes}
            for job_id, (m, d) in latest.items():
                if d:
                    truth.pop(job_id, None)
                else:
                    truth[job_id] = m
            model.apply_batch(changes)
            proxy.resort_now()
        elif s[0] == "filter":
            text = s[1]
            if not proxy.set_filter_text(text).ok:
                text = proxy.filter().text
        else:
            col, desc = s[1], s[2]
            proxy.sort(col, Qt.SortOrder.DescendingOrder if desc else Qt.SortOrder.AscendingOrder)
        # the table: one row per job, first-seen order, every cell as the reference lays it out
        assert [model.job_id(r) for r in range(model.rowCount())] == list(truth)
        for r, m in enumerate(truth.values()):
            ref = R.make_row(m)
            assert model.columns().column_row(r) == ref[: R.HAY]
            assert [model.data(model.index(r, c)) for c in range(len(Column))] == [d(ref) for d in _DISPLAY]
        # the proxy: the reference's filter and stable sort.  Right after a sort or a load the
        # order is exact (ties in source order); rows moved or let in later may sit anywhere
        # among equal keys, so then the keys must be in order and the jobs the same.
        shown = [proxy.job_id_at(p) for p in range(proxy.rowCount())]
        want = _expected(truth, text, col, desc)
        if s[0] in ("sort", "load") or col < 0:
            assert shown == [r[R.ID] for r in want], (text, col, desc)
        else:
            assert sorted(shown) == sorted(r[R.ID] for r in want), (text, col, desc)
            keys = [SORT_KEYS[col](R.make_row(truth[j])) for j in shown]
            assert keys == sorted(keys, reverse=desc), (text, col, desc)
