"""JobColumns' wire buffers under merging and compaction (hypothesis): after any sequence of
batches of updates, inserts and removes, merges of the small buffers at any point with any
per-merge budget, and incremental compactions (started by small thresholds, moving a few bytes
an apply), every row's summary bytes equal the latest ones sent for that job (a dict of the
latest, in first-seen order, is the reference), each buffer's live-byte count is right, and
the buffers held stay bounded."""

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
    st.tuples(st.just("compact"), st.sampled_from([0, 1, 300, 5000])),
)
# thresholds small enough that a few batches start compactions and merges, and steps of a few
# summaries each: (slack, step budget, step budget per byte of the batch, merge at)
thresholds = st.tuples(st.sampled_from([0, 200, 3000, 64 << 20]), st.sampled_from([1, 40, 700, 8 << 20]),
                       st.sampled_from([0, 0, 2]), st.sampled_from([2, 3, 8, 64]))


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
    # each buffer's live bytes as counted; empty slots are free and no row reads them
    bo = cols._buf_of[: cols.n]
    lens = cols._end[: cols.n] - cols._start[: cols.n]
    counted = np.bincount(bo, weights=lens, minlength=len(cols._bufs)).astype(np.int64)
    assert counted.tolist() == cols._buf_live[: len(counted)].tolist()
    assert not cols._buf_live[len(cols._bufs):].any()
    for b in cols._free:
        assert b < len(cols._bufs) and len(cols._bufs[b]) == 0
    assert not cols._bufs or len(cols._bufs) - 1 not in cols._free
    assert not set(bo.tolist()) & cols._free
    r = cols._round
    if r is not None:
        assert r.sources and not {*r.sources, r.to} & cols._free
        assert r.fill + int(cols._buf_live[r.sources].sum()) <= len(cols._bufs[r.to]) - W._PAD


@settings(max_examples=300, deadline=None)
@given(st.lists(step, max_size=40), thresholds)
def test_merges_keep_every_summary(steps: list[tuple[Any, ...]], limits: tuple[int, int, int, int]) -> None:
    cols = JC.JobColumns()
    ref: dict[str, bytes] = {}
    rev = 0
    slack, budget, per_batch, merge_at = limits
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(JC, "_COMPACT_SLACK", slack)
        patch.setattr(JC, "_COMPACT_BUDGET", budget)
        patch.setattr(JC, "_COMPACT_PER_BATCH", per_batch)
        patch.setattr(JC, "_MERGE_AT", merge_at)
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
                cols._maybe_compact(arg)
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
        before = _held_bufs(self)
        real(self)
        if _held_bufs(self) < before:
            copied.append(int(self._buf_live.max()))

    with pytest.MonkeyPatch.context() as m:
        m.setattr(JC.JobColumns, "_merge_small", spy)
        for rev in range(1, 300):
            blobs = [_msg(j, 2000, rev) for j in ids]  # ~400 KB a batch, every job replaced
            ref.update(zip(ids, blobs, strict=True))
            cols.load(*W.concat(blobs))
            assert _held_bufs(cols) <= 65
    _check(cols, ref)
    assert copied
    assert max(copied) <= 2 * sum(len(b) for b in ref.values()) + 64


def _held_bufs(cols: JC.JobColumns) -> int:
    return len(cols._bufs) - len(cols._free)


def test_compaction_is_incremental_and_memory_stays_bounded() -> None:
    """A storm past the compaction mark: no apply copies more than its step's budget (the old
    compaction rewrote every live summary in one apply), the buffers held stay within a few times
    the live bytes, compactions do run and end, and every summary is the latest."""
    cols = JC.JobColumns()
    ids = [f"job-{i:05d}" for i in range(3000)]
    ref: dict[str, bytes] = {}
    blobs = [_msg(j, 40, 1) for j in ids]
    ref.update(zip(ids, blobs, strict=True))
    cols.load(*W.concat(blobs))
    budget, slack = 20_000, 50_000
    copies: list[int] = []
    real_copy = W.copy_spans

    def counting(dst: Any, src: Any, s: Any, lens: Any, at: Any) -> None:
        copies.append(int(lens.sum()))
        real_copy(dst, src, s, lens, at)

    rounds = ended = 0
    rnd = np.random.default_rng(3)
    with pytest.MonkeyPatch.context() as m:
        m.setattr(JC, "_COMPACT_BUDGET", budget)
        m.setattr(JC, "_COMPACT_SLACK", slack)
        m.setattr(JC, "_MERGE_BUDGET", budget)
        m.setattr(W, "copy_spans", counting)
        for rev in range(2, 400):
            picked = [ids[i] for i in rnd.choice(len(ids), 100, replace=False).tolist()]
            batch = [_msg(j, 40 + rev % 7, rev) for j in picked]
            ref.update(zip(picked, batch, strict=True))
            had = cols._round is not None
            copies.clear()
            buf, starts, ends = W.concat(batch)
            cols.load(buf, starts, ends)
            assert sum(copies) <= max(budget, 2 * len(buf)) + 200  # + one summary past the budget
            rounds += cols._round is not None and not had
            ended += had and cols._round is None
            assert cols.held() <= 4 * cols._live_bytes + slack + 4 * max(budget, 2 * len(buf))
    _check(cols, ref)
    assert rounds >= 2 and ended >= 2


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
