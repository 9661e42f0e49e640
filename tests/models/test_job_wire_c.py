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


_TEXTS = st.lists(st.binary(max_size=12).map(lambda b: b.rstrip(b"\0")), max_size=30)


@settings(max_examples=300, deadline=None)
@given(values=_TEXTS, needle=st.binary(min_size=1, max_size=4), data=st.data())
def test_find_many_equals_numpy_find(values: list[bytes], needle: bytes, data: Any) -> None:
    """job_filter._find_rows (C ``find_many``: the whole column, or some rows) against numpy's
    find, NUL bytes inside values and needles included (the C declines a needle with one)."""
    from console.models import job_filter

    col = np.array(values, dtype=f"S{max([len(v) for v in values] + [1])}")
    text = needle.decode("latin-1")  # _find_rows encodes as UTF-8: compare on that
    want = np.strings.find(col, text.encode()) >= 0
    assert job_filter._find_rows(col, text).tolist() == want.tolist()
    rows = np.array(sorted(data.draw(st.sets(st.integers(0, max(len(values) - 1, 0)))) if values else []),
                    np.int64)
    assert job_filter._find_rows(col, text, rows).tolist() == want[rows].tolist()


def test_find_many_over_a_long_column_equals_numpy_find() -> None:
    """Long enough for the vector loop (16 places at a time) and its matches at every offset,
    across rows that fill their width (a match must not span two rows)."""
    from console.models import job_filter

    rng = np.random.default_rng(7)
    for width in (1, 2, 3, 7, 16, 17, 33):
        raw = rng.choice(np.frombuffer(b"abab\0", np.uint8), size=(3000, width))
        col = np.ascontiguousarray(raw).view(f"S{width}").reshape(-1)
        for needle in ("a", "b", "ab", "ba", "aba", "abab", "bb", "aab" * 3):
            want = np.strings.find(col, needle.encode()) >= 0
            assert job_filter._find_rows(col, needle).tolist() == want.tolist(), (width, needle)
            rows = np.flatnonzero(rng.random(len(col)) < 0.1)
            assert job_filter._find_rows(col, needle, rows).tolist() == want[rows].tolist(), (width, needle)
