"""job_wire: bulk decoding of JobSummary wire bytes equals protobuf's own reading; bad bytes fail."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from models.jobs_factory import make_job

from console.models import job_row as R
from console.models import job_wire as W
from pelorus.api import job_pb2, job_service_pb2


def pages(msgs: list[job_pb2.JobSummary], per: int, revision: int = 9) -> list[bytes]:
    out = []
    for k in range(0, len(msgs), per):
        resp = job_service_pb2.ListJobsResponse()
        resp.jobs.extend(msgs[k:k + per])
        if k + per >= len(msgs):
            resp.revision, resp.last = revision, True
        out.append(resp.SerializeToString())
    return out


def check(d: W.Decoded, msgs: list[job_pb2.JobSummary]) -> None:
    for i, m in enumerate(msgs):
        ref = R.make_row(m)
        assert {k: d.nums[k][i].item() for k in W.ROW_FIELD} == {k: ref[f] for k, f in W.ROW_FIELD.items()}
        assert [bytes(getattr(d, k)[i]).decode() for k in ("ids", "names", "owners", "namespaces")] == \
            [m.job_id, m.name, m.owner, m.namespace]
        assert job_pb2.JobSummary.FromString(d.buf[d.starts[i]:d.ends[i]].tobytes()) == m
        if d.labels is not None:
            got = {x.decode() for x in bytes(d.labels[i]).split(b"\x1f") if x}
            assert got == {f"{k}={v}" for k, v in m.labels.items()}


def varied(n: int) -> list[job_pb2.JobSummary]:
    rnd = random.Random(3)
    out = []
    for i in range(n):
        m = make_job(i, priority=rnd.choice([0, 5, -1, -(2**31), 2**31 - 1]), name="é" * rnd.randint(0, 90),
                     labels={f"k{j}": "v" * rnd.randint(0, 200) for j in range(rnd.randint(0, 3))},
                     pods={"RUNNING": rnd.randint(0, 200), "LOST": 1, "LAUNCHING": rnd.randint(0, 3)},
                     progress=(rnd.randint(0, 2**40), 0, 7), workflow=(rnd.randint(0, 2), rnd.randint(0, 8)),
                     version=rnd.randint(0, 2**62))
        m.status.updated_at.nanos = rnd.choice([0, 999_999_999])
        m.status.reason = "r" * rnd.randint(0, 300)  # a field the table skips, of any length
        if i % 7 == 0:
            m.ClearField("status")
        out.append(m)
    return out


@pytest.mark.parametrize("per", [1, 3, 1000])  # few pages: the plain split; many: the array split
def test_listing_decodes_like_protobuf(per: int) -> None:
    msgs = varied(60)
    wire = W.list_jobs_wire(pages(msgs, per))
    assert wire.revision == 9 and wire.last and len(wire) == len(msgs)
    check(W.decode(wire.buf, wire.starts, wire.ends, with_labels=True), msgs)
    assert list(W.labels(wire.buf, wire.starts, wire.ends)) == list(
        W.decode(wire.buf, wire.starts, wire.ends, with_labels=True).labels)  # type: ignore[arg-type]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.binary(max_size=40), min_size=1, max_size=4))
def test_bad_bytes_fail_cleanly_or_decode(blobs: list[bytes]) -> None:
    """Any bytes: either a clean SummaryWireError or the same values protobuf reads."""
    buf, starts, ends = W.concat(blobs)
    try:
        d = W.decode(buf, starts, ends, with_labels=True)
    except W.SummaryWireError:
        return
    parsed = []
    for b in blobs:
        try:
            parsed.append(job_pb2.JobSummary.FromString(b))
        except Exception:  # noqa: BLE001 - protobuf refuses what we read: only lenient extras allowed
            return
    for i, m in enumerate(parsed):
        assert d.nums["state"][i] == m.status.state and bytes(d.ids[i]) == m.job_id.encode()


def test_truncated_listing_fails() -> None:
    raw = pages(varied(5), 5)[0]
    with pytest.raises(W.SummaryWireError):
        W.list_jobs_wire([raw[:-3]])
    with pytest.raises(W.SummaryWireError):
        W.decode(W.padded(raw[:40]), np.array([2], np.int64), np.array([40], np.int64))


def test_warm_up_in_slices_with_changes_between_equals_one_build() -> None:
    """The idle warm-up builds derived columns in slices; rows changed meanwhile (before and
    after the slice reached them) and a read before the end still give the one-go values."""
    from console.models.job_columns import JobColumns

    msgs = [make_job(i, name=f"Job {i} É", labels={"team": f"t{i % 3}"}) for i in range(300)]
    changed = [make_job(i, name=f"Renamed {i}", labels={"team": "new"}) for i in (5, 150, 299)]
    warm, fresh = JobColumns(), JobColumns()
    for cols in (warm, fresh):
        cols.load_messages(msgs)
    assert warm.has_derived("labels")  # decoded with the rest by the first listing
    assert not warm.warm("ids_fold", 100)
    assert not warm.warm("labels_fold", 100)
    for cols in (warm, fresh):
        cols.load_messages(changed)
    assert warm.warm("ids_fold", 1000)
    for name in ("labels", "labels_fold", "names_fold", "ids_fold"):  # "labels_fold" finishes on read
        assert list(warm.derived(name)) == list(fresh.derived(name))
    assert bytes(warm.derived("names_fold")[150]) == b"renamed 150"


def test_derived_values_of_a_few_rows_without_building_the_column() -> None:
    """A free-text keystroke right after a load reads the later columns only for the rows the
    name did not match: computed for those rows alone, equal to the built column's values."""
    from console.models.job_columns import JobColumns

    msgs = [make_job(i, name=f"Job {i} É", owner="Ünï" if i % 2 else "Bob", labels={"Team": f"T{i % 3}"})
            for i in range(400)]
    lazy, built = JobColumns(), JobColumns()
    for cols in (lazy, built):
        cols.load_messages(msgs)
    rows = np.array([3, 50, 399], np.int64)
    assert lazy.has_derived("labels")  # decoded with the rest by the first listing
    for name in ("owners_fold", "ids_fold", "labels_fold"):
        assert list(lazy.derived_at(name, rows)) == list(built.derived(name)[rows])
        assert not lazy.has_derived(name)
    assert lazy.derived_at("labels_fold", np.arange(400, dtype=np.int64))[0] == b"\x1fteam=t0\x1f"
    assert lazy.has_derived("labels_fold")  # most rows asked for: the column is built
