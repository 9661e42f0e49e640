"""Hypothesis strategies for the protobuf tests: Pelorus API messages with random fields, and raw wire data."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from pelorus.api import job_pb2
from pelorus.protobuf.wire import encode_varint

text = st.text(max_size=12)
u32 = st.integers(0, 2**32 - 1)
i32 = st.integers(-(2**31), 2**31 - 1)


@st.composite
def job_specs(draw: Any) -> job_pb2.JobSpec:
    """A JobSpec with a random subset of fields, nested messages, maps and an Any payload."""
    s = job_pb2.JobSpec()
    if draw(st.booleans()):
        s.name = draw(text)
    if draw(st.booleans()):
        s.owner = draw(text)
    for k, v in draw(st.dictionaries(text, text, max_size=3)).items():
        s.labels[k] = v
    s.instance_count = draw(u32)
    s.priority = draw(i32)
    if draw(st.booleans()):
        ps = s.default_spec
        ps.command = draw(text)
        ps.args.extend(draw(st.lists(text, max_size=3)))
        ps.resources.cpu = draw(st.floats(allow_nan=False))
        ps.resources.memory_bytes = draw(st.integers(0, 2**64 - 1))
        ps.restart_policy = draw(st.integers(0, 2))
        ps.discard_logs = draw(st.booleans())
    if draw(st.booleans()):
        s.ttl_after_finished.seconds = draw(st.integers(0, 10**9))
        s.ttl_after_finished.nanos = draw(st.integers(0, 999_999_999))
    if draw(st.booleans()):
        s.schedule.cron = draw(text)
    if draw(st.booleans()):
        s.data.Pack(job_pb2.Progress(successful=draw(st.integers(0, 2**64 - 1)), failed=draw(u32)))
    return s


def _padded(value: int, extra: int) -> bytes:
    """An over-long varint: the minimal encoding plus ``extra`` redundant continuation bytes."""
    minimal = len(encode_varint(value))
    return encode_varint(value, width=min(10, minimal + extra))


@st.composite
def raw_messages(draw: Any, depth: int = 2) -> bytes:
    """Random valid wire data, including over-long varints/tags/lengths, packed-looking payloads,
    nested messages and repeated field numbers in any order."""
    out = bytearray()
    for _ in range(draw(st.integers(0, 6))):
        number = draw(st.one_of(st.integers(1, 20), st.integers(1, 2**29 - 1)))
        wt = draw(st.sampled_from([0, 1, 2, 5] + ([3] if depth > 0 else [])))
        pad = draw(st.sampled_from([0, 0, 0, 1, 3]))
        out += _padded((number << 3) | wt, pad)
        if wt == 0:
            out += _padded(draw(st.integers(0, 2**64 - 1)), draw(st.sampled_from([0, 0, 2])))
        elif wt == 1:
            out += draw(st.binary(min_size=8, max_size=8))
        elif wt == 5:
            out += draw(st.binary(min_size=4, max_size=4))
        elif wt == 2:
            nested = depth > 0 and draw(st.booleans())
            payload = draw(raw_messages(depth - 1)) if nested else draw(st.binary(max_size=20))
            out += _padded(len(payload), draw(st.sampled_from([0, 0, 1]))) + payload
        else:
            out += draw(raw_messages(depth - 1)) + encode_varint((number << 3) | 4)
    return bytes(out)
