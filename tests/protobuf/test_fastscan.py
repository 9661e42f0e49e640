"""The vectorised full decode (fastscan) gives exactly the tree of the reference per-level decoder.

The reference is ``Message.child`` → ``refscan.scan_fields`` one level at a time; the fast path walks
every candidate payload of a nesting depth in lockstep with numpy. They must agree on every level's
field records (tag offset, key, value offset, end), on which length-delimited fields are messages,
and on the root's damage (error offset and reason), for valid, over-long, grouped, corrupted and
truncated input.
"""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from proto_strategies import job_specs, raw_messages

from pelorus.api import job_pb2
from pelorus.protobuf import fastscan, refscan, schemaless
from pelorus.protobuf.schemaless import Message, _expand_all, decode, expand_all
from pelorus.protobuf.wire import encode_varint


def _reference(data: bytes) -> Message:
    msg = decode(data)
    _expand_all(msg)
    return msg


def _same(fast: Message, ref: Message, path: tuple[int, ...] = ()) -> int:
    """Assert the two trees are identical; return the number of levels compared."""
    assert (fast.start, fast.end) == (ref.start, ref.end), path
    assert list(fast._recs) == list(ref._recs), path
    assert (fast.error is None) == (ref.error is None), path
    if ref.error is not None:
        assert fast.error is not None
        assert (fast.error.offset, fast.error.reason) == (ref.error.offset, ref.error.reason)
    levels = 1
    for i in range(len(ref)):
        a, b = fast.child(i), ref.child(i)
        assert (a is None) == (b is None), (path, i, ref.span_at(i))
        if a is not None and b is not None:
            levels += _same(a, b, (*path, i))
    return levels


@pytest.fixture(params=["lockstep", "default"])
def fast_path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Force the vectorised decode on small inputs; 'lockstep' also keeps every span in numpy steps
    (by default a handful of remaining spans finish in the reference scanner) and grows the tree's
    columns from the root's size."""
    monkeypatch.setattr(schemaless, "VECTOR_FROM_BYTES", 0)
    if request.param == "lockstep":
        monkeypatch.setattr(fastscan, "_SCALAR_BELOW", 1)
        monkeypatch.setattr(fastscan, "_ROWS_GUESS", 0)  # the tree's columns grow depth by depth


def _check(data: bytes) -> None:
    fast = decode(data)
    count = expand_all(fast)
    assert fast._tree is not None
    ref = decode(data)
    assert count == _expand_all(ref)
    _same(fast, ref)


def _wrapped(parts: list[bytes]) -> bytes:
    """Each part as a length-delimited field 1 of a top level (so they are walked side by side)."""
    return b"".join(b"\x0a" + encode_varint(len(p)) + p for p in parts)


_cases = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@_cases
@given(st.lists(raw_messages(depth=3), min_size=1, max_size=8))
@pytest.mark.slow
def test_valid_wire_data_same_tree(fast_path: None, parts: list[bytes]) -> None:
    _check(_wrapped(parts))


@_cases
@given(st.lists(job_specs(), min_size=1, max_size=6))
@pytest.mark.slow
def test_api_messages_same_tree(fast_path: None, specs: list[job_pb2.JobSpec]) -> None:
    _check(_wrapped([s.SerializeToString() for s in specs]))


@_cases
@given(st.lists(raw_messages(depth=3), min_size=1, max_size=6), st.integers(0, 2**32), st.integers(1, 6))
@pytest.mark.slow
def test_corrupted_data_same_tree(fast_path: None, parts: list[bytes], seed: int, hits: int) -> None:
    """Flipped, deleted and inserted bytes inside the payloads; the top level stays intact."""
    rnd = random.Random(seed)
    damaged = []
    for p in parts:
        b = bytearray(p)
        for _ in range(hits):
            op = rnd.randrange(3)
            at = rnd.randrange(len(b) + 1)
            if op == 0 and b:
                b[min(at, len(b) - 1)] = rnd.randrange(256)
            elif op == 1 and b:
                del b[min(at, len(b) - 1)]
            else:
                b.insert(at, rnd.choice([0x80, 0xFF, 0x0B, 0x0C, 0x1A, 0x03, 0x04, rnd.randrange(256)]))
        damaged.append(bytes(b))
    _check(_wrapped(damaged))


@_cases
@given(st.lists(st.binary(max_size=40), min_size=1, max_size=12))
def test_random_bytes_same_tree(fast_path: None, parts: list[bytes]) -> None:
    _check(_wrapped(parts))


@_cases
@given(raw_messages(depth=3), st.data())
@pytest.mark.slow
def test_truncated_top_level_same_tree_and_error(fast_path: None, data: bytes, d: st.DataObject) -> None:
    """A cut-off file: the root's error (offset, reason) and its valid part's subtree agree."""
    whole = _wrapped([data, data])
    cut = whole[: d.draw(st.integers(0, len(whole)))]
    _check(cut)


@pytest.mark.parametrize(
    "payload",
    [
        b"",  # empty payload: not a message (Message.child's rule)
        b"\x08",  # tag without value
        b"\x08\x96\x01",  # 2-byte varint
        b"\x0b\x08\x01\x0c",  # group 1 holding a varint
        b"\x0b\x13\x08\x01\x14\x0c",  # group in a group: handed to the reference scanner
        b"\x0b\x08\x01",  # group never closed
        b"\x0c",  # end group without a start
        b"\x84\x00",  # over-long END_GROUP tag of field 0 at the top: an error, not a clean stop
        b"\x88\x80\x80\x80\x80\x00\x01",  # 6-byte tag: reference scanner
        b"\x0a\x81\x80\x80\x80\x80\x00" + b"x",  # 7-byte length prefix
        b"\x0a\x81\x80\x80\x80\x80\x01" + b"x",  # 7-byte length prefix whose high bits matter
        b"\xf8\xff\xff\xff\x0f\x01",  # field number 2**29 - 1
        b"\xf8\xff\xff\xff\x1f\x01",  # tag wider than 32 bits
        b"\x08" + b"\xff" * 9 + b"\x01",  # 10-byte varint
        b"\x08" + b"\xff" * 10 + b"\x01",  # 11-byte varint
        b"\x0a\x05abc",  # length past the end
        b"\x0e\x01",  # wire type 6
    ],
)
def test_edge_encodings_same_tree(fast_path: None, payload: bytes) -> None:
    _check(_wrapped([payload] * 3 + [b"\x08\x01" + payload, payload + b"\x08\x01"]))


def test_default_threshold_uses_fast_path_on_a_large_message() -> None:
    """A realistic 300 KB message takes the vectorised path and matches the reference."""
    spec = job_pb2.JobSpec(name="x" * 50, owner="o")
    spec.default_spec.args.extend(["arg"] * 5)
    data = _wrapped([spec.SerializeToString()] * 3000)
    assert len(data) >= schemaless.VECTOR_FROM_BYTES
    fast = decode(data)
    expand_all(fast)
    assert fast._tree is not None and len(fast._tree) > 3000
    _same(fast, _reference(data))


@settings(max_examples=150, deadline=None)
@given(raw_messages(depth=2), st.integers(1, 40), st.data())
@pytest.mark.slow
def test_chunked_scan_of_large_levels_is_the_same_decode(data: bytes, chunk: int, d: st.DataObject) -> None:
    """Levels over CHUNK_BYTES are scanned a chunk at a time into an int64 array: same records, same
    error (offset and reason), same clipped truncated field — also when the data is cut anywhere."""
    cut = data[: d.draw(st.integers(0, len(data)))]
    plain = decode(cut)
    saved = schemaless.CHUNK_BYTES
    schemaless.CHUNK_BYTES = chunk
    try:
        chunked = decode(cut)
    finally:
        schemaless.CHUNK_BYTES = saved
    assert list(chunked._recs) == list(plain._recs)
    assert (chunked.error is None) == (plain.error is None)
    if plain.error is not None:
        assert chunked.error is not None
        assert (chunked.error.offset, chunked.error.reason) == (plain.error.offset, plain.error.reason)
    assert (chunked.damaged is None) == (plain.damaged is None)
    if plain.damaged is not None and chunked.damaged is not None:
        assert (chunked.damaged.tag_offset, chunked.damaged.end) == (plain.damaged.tag_offset, plain.damaged.end)
    assert chunked.encode() == plain.encode()


@pytest.mark.slow
def test_progress_and_cancel_of_a_chunked_scan(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(schemaless, "CHUNK_BYTES", 1000)
    data = b"".join(b"\x08" + encode_varint(i) for i in range(20_000))
    token = schemaless.Progress()
    with schemaless.progress_scope(token):
        msg = decode(data)
    assert len(msg) == 20_000 and token.total == len(data) and token.done == len(data) and token.fraction == 1.0
    token = schemaless.Progress()
    token.cancel()
    with schemaless.progress_scope(token), pytest.raises(schemaless.Cancelled):
        decode(data)
    wrapped = b"\x0a" + encode_varint(len(data)) + data
    outer = decode(wrapped)
    with schemaless.progress_scope(token), pytest.raises(schemaless.Cancelled):
        outer.child(0)
    assert outer.child(0) is not None and len(outer.child(0)) == 20_000  # not cached as "not a message"


@_cases
@given(st.lists(raw_messages(depth=3), min_size=1, max_size=6), st.binary(max_size=9))
@pytest.mark.slow
def test_full_decode_of_a_nested_level_with_offsets_into_the_document(
        fast_path: None, parts: list[bytes], head: bytes) -> None:
    """expand_all on a level that starts deep inside the buffer (Tree.base != 0) keeps absolute offsets."""
    inner = _wrapped(parts)
    data = b"\x12" + encode_varint(len(head)) + head + b"\x0a" + encode_varint(len(inner)) + inner
    top = decode(data)
    assert top.error is None
    lazy = top.child(1)
    assert lazy is not None and lazy.start > 0
    expand_all(lazy)
    assert lazy._tree is not None and lazy._tree.base == lazy.start
    ref = decode(data).child(1)
    assert ref is not None
    _expand_all(ref)
    _same(lazy, ref)


def _corrupt(data: bytes, seed: int, hits: int) -> bytes:
    rnd = random.Random(seed)
    b = bytearray(data)
    for _ in range(hits):
        at = rnd.randrange(len(b) + 1)
        if rnd.randrange(2) and b:
            b[min(at, len(b) - 1)] = rnd.randrange(256)
        else:
            b.insert(at, rnd.choice([0x80, 0xFF, 0x0B, 0x0C, 0x03, 0x04, 0x07, rnd.randrange(256)]))
    return bytes(b)


_dense_inputs = st.one_of(
    st.lists(raw_messages(depth=2), min_size=1, max_size=12).map(b"".join),
    st.tuples(st.lists(raw_messages(depth=2), min_size=1, max_size=8).map(b"".join), st.integers(0, 2**32),
              st.integers(1, 5)).map(lambda t: _corrupt(*t)),
    st.binary(max_size=200),
)


@settings(max_examples=300, deadline=None)
@given(_dense_inputs, st.integers(1, 48), st.integers(1, 64), st.data())
@pytest.mark.slow
def test_dense_scan_of_long_levels_is_the_same_decode(data: bytes, window: int, chunk: int, d: st.DataObject) -> None:
    """The vectorised scan of long levels (speculative chains per window, one reference field at each
    field it does not take) gives the reference's records, error (offset and reason) and clipped
    field, with tiny windows and chunks so every join, miss and hand-over is exercised."""
    cut = data[: d.draw(st.integers(0, len(data)))]
    plain = decode(cut)
    saved = (schemaless.CHUNK_BYTES, schemaless.DENSE_BELOW, fastscan.DENSE_WINDOW)
    schemaless.CHUNK_BYTES, schemaless.DENSE_BELOW, fastscan.DENSE_WINDOW = chunk, 1 << 30, window
    try:
        dense = decode(cut)
    finally:
        schemaless.CHUNK_BYTES, schemaless.DENSE_BELOW, fastscan.DENSE_WINDOW = saved
    assert list(dense._recs) == list(plain._recs)
    assert (dense.error is None) == (plain.error is None)
    if plain.error is not None and dense.error is not None:
        assert (dense.error.offset, dense.error.reason) == (plain.error.offset, plain.error.reason)
    assert (dense.damaged is None) == (plain.damaged is None)
    if plain.damaged is not None and dense.damaged is not None:
        assert (dense.damaged.tag_offset, dense.damaged.end) == (plain.damaged.tag_offset, plain.damaged.end)


@settings(max_examples=300, deadline=None)
@given(_dense_inputs, st.integers(1, 48), st.data())
@pytest.mark.slow
def test_dense_fields_returns_a_prefix_of_the_reference_level(data: bytes, window: int, d: st.DataObject) -> None:
    """dense_fields from any true field start: its records are the reference's next records, ``after``
    is the next field's tag offset, and ``plain`` is False only where the reference's own next field
    is one it leaves to the reference (a group, a long tag or prefix, or damage)."""
    ref, stop, _after, _et = refscan.scan_fields(data, 0, len(data), 0, 0)
    rows = [tuple(ref[i:i + 4]) for i in range(0, len(ref), 4)]
    if stop is not None and rows and rows[-1][3] > len(data):
        rows.pop()  # the clipped overrun field is the reference's error, not a plain field
    i = d.draw(st.integers(0, len(rows)))
    start = rows[i][0] if i < len(rows) else (rows[-1][3] if rows else 0)
    stop_at = d.draw(st.integers(start, len(data)))
    saved = fastscan.DENSE_WINDOW
    fastscan.DENSE_WINDOW = window
    try:
        got, after, plain, _ref = fastscan.dense_fields(memoryview(data), start, len(data), stop_at)
    finally:
        fastscan.DENSE_WINDOW = saved
    got_rows = [tuple(r) for r in got.tolist()]
    assert got_rows == rows[i:i + len(got_rows)]
    nxt = rows[i + len(got_rows)][0] if i + len(got_rows) < len(rows) else None
    if got_rows:
        assert after == got_rows[-1][3]
    else:
        assert after == start
    failing = rows[-1][3] if rows else 0  # where the reference's failing field (if any) starts
    if not plain:  # halted at a true field start that is not plain, or at the reference's damage
        assert after < stop_at
        assert after == nxt if nxt is not None else (stop is not None and after == failing)
    elif after < stop_at and after < len(data):  # a missed speculation stops exactly at a field start
        assert after == nxt if nxt is not None else (stop is not None and after == failing)


def _varint_lengths_reference(u8: np.ndarray) -> list[int]:  # type: ignore[type-arg]
    """Byte by byte: the length of the varint at each position, 11 if unterminated within 10 bytes or the data."""
    data = u8.tobytes()
    out = []
    for p in range(len(data)):
        k = 0
        while k < 10 and p + k < len(data) and data[p + k] >= 0x80:
            k += 1
        out.append(k + 1 if k < 10 and p + k < len(data) else 11)
    return out


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.integers(0, 255), st.integers(0x80, 0xFF)), max_size=200))
@pytest.mark.slow
def test_varint_lengths_match_a_byte_by_byte_walk(values: list[int]) -> None:
    u8 = np.array(values, dtype=np.uint8)
    got = fastscan.varint_lengths(u8)
    assert got[: len(values)].tolist() == _varint_lengths_reference(u8)
    assert (got[len(values):] == 11).all()
