"""Wire primitives and the schemaless decoder: exact offsets, byte-identical re-encoding, damage."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from proto_strategies import job_specs, raw_messages

from pelorus.api import job_pb2
from pelorus.protobuf.schemaless import Message, decode, expand_all
from pelorus.protobuf.wire import (
    WireError,
    decode_varint_bytes,
    encode_varint,
    read_varint,
    zigzag_decode,
    zigzag_encode,
)


@given(st.integers(0, 2**64 - 1), st.integers(0, 10))
def test_varint_round_trip_including_over_long(value: int, width: int) -> None:
    raw = encode_varint(value, width)
    assert decode_varint_bytes(raw) == value
    assert len(raw) >= max(1, width) or len(raw) == len(encode_varint(value))


@given(st.integers(-(2**63), 2**63 - 1))
def test_zigzag_round_trip(value: int) -> None:
    assert zigzag_decode(zigzag_encode(value)) == value


def test_varint_errors_name_the_offset() -> None:
    try:
        read_varint(b"\x00\x80\x80", 1)
    except WireError as err:
        assert err.offset == 1 and "past the end" in err.reason
    else:
        raise AssertionError("expected WireError")
    try:
        read_varint(b"\xff" * 11, 0)
    except WireError as err:
        assert "longer than 10 bytes" in err.reason


def _check_tree(msg: Message) -> None:
    """Every field's spans tile its level exactly and nested levels re-encode to their payload."""
    pos = msg.start
    for f in msg:
        assert f.tag_offset == pos
        assert f.tag_offset < f.value_offset <= f.end
        pos = f.end
        child = f.message()
        if child is not None:
            assert child.encode() == f.value
            _check_tree(child)
    if msg.error is None:
        assert pos == msg.end


@settings(max_examples=150, deadline=None)
@given(raw_messages())
@pytest.mark.slow
def test_raw_wire_decode_reencode_is_byte_identical(data: bytes) -> None:
    msg = decode(data)
    assert msg.error is None, msg.error
    assert msg.encode() == data
    _check_tree(msg)


@settings(max_examples=100, deadline=None)
@given(job_specs())
def test_job_spec_decode_reencode_is_byte_identical(spec: job_pb2.JobSpec) -> None:
    data = spec.SerializeToString()
    msg = decode(data)
    assert msg.error is None
    assert msg.encode() == data
    expand_all(msg)
    _check_tree(msg)
    assert sorted({f.number for f in msg}) == sorted(fd.number for fd, _ in spec.ListFields())


def test_over_long_encodings_and_field_order_survive() -> None:
    # field 1 varint 1 written over-long (08 81 00), then field 2 before field 1 again.
    data = bytes.fromhex("088100") + bytes.fromhex("1203616263") + bytes.fromhex("0801")
    msg = decode(data)
    assert msg.encode() == data
    assert [f.number for f in msg] == [1, 2, 1]
    assert msg[0].value == b"\x81\x00"


def _sample() -> bytes:
    spec = job_pb2.JobSpec(name="nightly", owner="ops", instance_count=4, priority=-2)
    spec.labels["team"] = "infra"
    spec.default_spec.command = "run.sh"
    spec.default_spec.resources.cpu = 0.5
    spec.data.Pack(job_pb2.Progress(successful=7))
    return spec.SerializeToString()


def test_truncation_at_every_offset_reports_a_sensible_offset_and_never_raises() -> None:
    data = _sample()
    full = decode(data)
    ends = {f.end for f in full}
    for cut in range(len(data)):
        msg = decode(data[:cut])
        whole = [f for f in full if f.end <= cut]
        assert [f.raw for f in msg] == [f.raw for f in whole]
        if cut in ends or cut == 0:
            assert msg.error is None
            continue
        assert msg.error is not None, cut
        last_end = whole[-1].end if whole else 0
        assert last_end <= msg.error.offset <= cut
        chain = msg.error_chain()
        assert chain and all(e.offset <= cut for e in chain)
        # everything valid up to the damage is still reachable through the damaged field
        if msg.damaged is not None:
            assert msg.damaged.partial_message() is not None


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200))
def test_garbage_never_raises(data: bytes) -> None:
    msg = decode(data)
    assert data.startswith(msg.encode())
    if msg.error is not None:
        assert 0 <= msg.error.offset <= len(data)
    expand_all(msg)
    for f in msg:
        f.message()


def test_groups_are_decoded_with_their_end_tag() -> None:
    # field 3 group { field 1 varint 5 } then field 2 varint 1
    data = bytes([0x1B, 0x08, 0x05, 0x1C, 0x10, 0x01])
    msg = decode(data)
    assert msg.error is None and len(msg) == 2
    g = msg[0]
    assert g.end == 4 and g.value == b"\x08\x05"
    child = g.message()
    assert child is not None and child[0].value == b"\x05"
    assert msg.encode() == data


def test_invalid_wire_type_and_field_zero_are_errors() -> None:
    assert decode(b"\x08\x01\x0f").error.offset == 2  # type: ignore[union-attr]
    err = decode(b"\x00\x01").error
    assert err is not None and "field number 0" in err.reason
    err = decode(b"\x0c").error  # end group without start
    assert err is not None and "without a matching start" in err.reason


def test_field_at_offset_finds_nested_path() -> None:
    data = _sample()
    msg = decode(data)
    spec_field = msg.find(7)[0]
    inner = spec_field.message()
    assert inner is not None
    target = inner[0]
    path = msg.field_at_offset(target.value_offset + 1)
    assert [f.number for f in path] == [7, 1]
