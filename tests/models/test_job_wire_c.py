"""The C scan of many messages (pelorus/protobuf/_rawwire.c ``scan_many``) against the numpy
reference ``job_wire.scan_numpy``: the same fields from any bytes, valid or not, and where
the reference raises, the C declines (the caller then runs the reference, which words the
error).  Skipped when the extension is not built (outside CI: see tests/protobuf/test_rawwire.py)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from models.jobs_factory import make_job

from console.models import job_wire as W

scan_many = pytest.importorskip("pelorus.protobuf._rawwire").scan_many

_FIELDS = dict(varints=(1, 4, 6, 7), spans=(2, 3, 8), repeated=(5, 9))


def _ref(buf: Any, starts: Any, ends: Any) -> Any:
    try:
        return W.scan_numpy(buf, starts, ends, **_FIELDS)
    except W.SummaryWireError:
        return None


def _same(a: W.Fields, b: W.Fields) -> None:
    for f in _FIELDS["varints"]:
        assert a.varint(f).tolist() == b.varint(f).tolist(), f
    for f in _FIELDS["spans"]:
        assert [x.tolist() for x in a.span(f)] == [x.tolist() for x in b.span(f)], f
    for f in _FIELDS["repeated"]:
        assert [x.tolist() for x in a.spans(f)] == [x.tolist() for x in b.spans(f)], f


_FIELD = st.one_of(
    st.tuples(st.integers(1, 12), st.just(0), st.integers(0, 2**64 - 1)),
    st.tuples(st.integers(1, 12), st.just(2), st.binary(max_size=300)),
    st.tuples(st.integers(1, 12), st.just(1), st.binary(min_size=8, max_size=8)),
    st.tuples(st.integers(1, 12), st.just(5), st.binary(min_size=4, max_size=4)),
    st.tuples(st.integers(60, 2**20), st.just(0), st.integers(0, 300)),
)


def _varint(v: int) -> bytes:
    out = bytearray()
    while True:
        out.append((v & 0x7F) | (0x80 if v > 0x7F else 0))
        v >>= 7
        if not v:
            return bytes(out)


def _encode(fields: list[tuple[int, int, Any]]) -> bytes:
    out = bytearray()
    for num, wt, value in fields:
        out += _varint(num << 3 | wt)
        if wt == 0:
            out += _varint(value)
        elif wt == 2:
            out += _varint(len(value)) + value
        else:
            out += value
    return bytes(out)


@settings(max_examples=300, deadline=None)
@given(msgs=st.lists(st.one_of(st.lists(_FIELD, max_size=8).map(_encode), st.binary(max_size=40)), max_size=12))
def test_c_scan_equals_the_numpy_scan(msgs: list[bytes]) -> None:
    lens = np.array([len(m) for m in msgs], np.int64)
    ends = np.cumsum(lens)
    buf = W.padded(b"".join(msgs))
    starts = ends - lens
    ref = _ref(buf, starts, ends)
    got = W._scan_c(buf, starts, ends, _FIELDS["varints"], _FIELDS["spans"], _FIELDS["repeated"])
    if ref is None:
        assert got is None
        with pytest.raises(W.SummaryWireError):
            W.scan(buf, starts, ends, **_FIELDS)
        return
    if got is None:  # declined: the reference must then be what scan gives
        got = W.scan(buf, starts, ends, **_FIELDS)
    _same(got, ref)


def test_the_table_decode_uses_the_c_scan_and_equals_the_reference(monkeypatch: pytest.MonkeyPatch) -> None:
    msgs = [make_job(i, labels={"team": f"t{i % 3}", "env": "prod"}, pods={"RUNNING": i % 4, "FAILED": 1})
            for i in range(500)]
    buf, starts, ends = W.concat([m.SerializeToString() for m in msgs])
    assert W._SCAN_MANY is not None
    fast = W.decode(buf, starts, ends, with_labels=True)
    monkeypatch.setattr(W, "_SCAN_MANY", None)
    slow = W.decode(buf, starts, ends, with_labels=True)
    for k in ("ids", "names", "owners", "namespaces", "labels"):
        assert getattr(fast, k).tolist() == getattr(slow, k).tolist()
    for k in W.NUMERIC:
        assert fast.nums[k].tolist() == slow.nums[k].tolist(), k


@settings(max_examples=200, deadline=None)
@given(blobs=st.lists(st.binary(max_size=50), min_size=1, max_size=20), cap=st.one_of(st.none(), st.integers(1, 60)))
def test_c_gather_and_copy_equal_numpy(blobs: list[bytes], cap: int | None) -> None:
    buf, starts, ends = W.concat(blobs)
    fast = W.gather(buf, starts, ends, cap)
    dst_fast = np.zeros(int(ends[-1]) + 8, np.uint8)
    lens = ends - starts
    at = np.cumsum(lens[::-1])[::-1] - lens + 3  # the spans in reverse order, shifted
    W.copy_spans(dst_fast, buf, starts, lens, at)
    with pytest.MonkeyPatch.context() as m:
        m.setattr(W, "_GATHER_MANY", None)
        m.setattr(W, "_COPY_MANY", None)
        slow = W.gather(buf, starts, ends, cap)
        dst_slow = np.zeros_like(dst_fast)
        W.copy_spans(dst_slow, buf, starts, lens, at)
    assert fast.dtype == slow.dtype and fast.tolist() == slow.tolist()
    assert dst_fast.tolist() == dst_slow.tolist()
