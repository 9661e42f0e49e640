"""JobColumns' wire buffers under merging (hypothesis): after any sequence of batches of updates,
inserts and removes, and merges of the small buffers at any point with any per-merge budget,
every row's summary bytes equal the latest ones sent for that job (a dict of the latest, in
first-seen order, is the reference)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.models import job_columns as JC
from console.models import job_wire as W
from pelorus.api import job_pb2

_IDS = [f"job-{i:02d}" for i in range(12)]

step = st.one_of(
    st.tuples(st.just("batch"), st.lists(st.tuples(st.sampled_from(_IDS), st.integers(0, 300)), min_size=1,
                                         max_size=8)),
    st.tuples(st.just("remove"), st.lists(st.sampled_from(_IDS), min_size=1, max_size=3, unique=True)),
    st.tuples(st.just("merge"), st.sampled_from([0, 1, 200, 2000, 1 << 30])),
    st.tuples(st.just("compact"), st.just(0)),
)


def _msg(job_id: str, pad: int, rev: int) -> bytes:
    s = job_pb2.JobSummary(job_id=job_id, name="n" * (pad % 17), owner="o")
    s.status.revision = rev
    s.status.reason = "r" * pad  # sizes vary: some buffers mostly dead, some mostly live
    return s.SerializeToString()


def _check(cols: JC.JobColumns, ref: dict[str, bytes]) -> None:
    assert cols.n == len(ref)
    for row, (job_id, blob) in enumerate(ref.items()):
        assert cols.job_id(row) == job_id
        assert cols.wire(row) == blob
        assert cols.summary(row).SerializeToString() == blob
    assert cols._live_bytes == sum(len(b) for b in ref.values())


@settings(max_examples=150, deadline=None)
@given(st.lists(step, max_size=40))
def test_merges_keep_every_summary(steps: list[tuple[Any, ...]]) -> None:
    cols = JC.JobColumns()
    ref: dict[str, bytes] = {}
    rev = 0
    for op, arg in steps:
        if op == "batch":
            blobs = []
            for job_id, pad in arg:
                rev += 1
                blob = _msg(job_id, pad, rev)
                blobs.append(blob)
                ref[job_id] = blob
            cols.load(*W.concat(blobs))
        elif op == "remove":
            gone = [cols.index[j] for j in arg if j in cols.index]
            cols.remove(gone)
            for j in arg:
                ref.pop(j, None)
        elif op == "merge":
            with pytest.MonkeyPatch.context() as m:
                m.setattr(JC, "_MERGE_BUDGET", arg)
                cols._merge_small()
        else:
            cols._maybe_compact()
        _check(cols, ref)


def test_storm_merges_are_bounded() -> None:
    """A storm of batches replacing the same few jobs: each merge copies the live summaries of
    the buffers it joins, not their replaced ones (joining 64 batches whole cost 90 ms)."""
    cols = JC.JobColumns()
    ids = [f"job-{i:04d}" for i in range(200)]
    ref: dict[str, bytes] = {}
    copied: list[int] = []
    real = JC.JobColumns._merge_small

    def spy(self: JC.JobColumns) -> None:
        before = len(self._bufs)
        real(self)
        if len(self._bufs) < before:
            copied.append(len(self._bufs[-1]))

    with pytest.MonkeyPatch.context() as m:
        m.setattr(JC.JobColumns, "_merge_small", spy)
        for rev in range(1, 300):
            blobs = [_msg(j, 2000, rev) for j in ids]  # ~400 KB a batch, every job replaced
            ref.update(zip(ids, blobs, strict=True))
            cols.load(*W.concat(blobs))
            assert len(cols._bufs) <= 65
    _check(cols, ref)
    assert copied
    assert max(copied) <= 2 * sum(len(b) for b in ref.values()) + 64


def test_long_storm_keeps_derived_columns() -> None:
    """More than 64 batches with nobody reading a derived column (its changed rows are folded into
    one set on the way): read afterwards it equals one built from scratch."""
    cols = JC.JobColumns()
    ids = [f"job-{i:03d}" for i in range(80)]
    cols.load(*W.concat([_msg(j, 1, 1) for j in ids]))
    assert cols.derived("names_fold") is not None
    for rev in range(2, 72):  # each row changed once, by a batch of its own
        cols.load(*W.concat([_msg(ids[rev], rev, rev), _msg(ids[rev - 1], rev + 5, rev)]))
    fresh = JC.JobColumns()
    fresh.load(*W.concat([cols.wire(r) for r in range(cols.n)]))
    assert cols.derived("names_fold").tolist() == fresh.derived("names_fold").tolist()
    assert JC._distinct(np.array([5, 1, 5, 0, 1], np.int64)).tolist() == [0, 1, 5]
    assert JC._distinct(np.zeros(0, np.int64)).tolist() == []
