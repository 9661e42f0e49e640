"""Timestamp / Duration text (RFC 3339, protobuf JSON durations) and their one-edit write."""

from __future__ import annotations

import pytest
from google.protobuf import duration_pb2, timestamp_pb2
from hypothesis import given, settings
from hypothesis import strategies as st

from pelorus.api import job_pb2
from pelorus.protobuf import wellknown as wk
from pelorus.protobuf.document import Document, EditError


@settings(max_examples=200, deadline=None)
@given(st.integers(wk.TIMESTAMP_MIN, wk.TIMESTAMP_MAX), st.integers(0, 999_999_999))
def test_timestamp_text_round_trips_and_matches_protobuf_json(seconds: int, nanos: int) -> None:
    text = wk.format_timestamp(seconds, nanos)
    assert wk.parse_timestamp(text) == (seconds, nanos)
    assert text == timestamp_pb2.Timestamp(seconds=seconds, nanos=nanos).ToJsonString()


@settings(max_examples=200, deadline=None)
@given(st.integers(-wk.DURATION_MAX, wk.DURATION_MAX), st.integers(0, 999_999_999))
def test_duration_text_round_trips_and_matches_protobuf_json(seconds: int, nanos: int) -> None:
    if seconds < 0:
        nanos = -nanos
    text = wk.format_duration(seconds, nanos)
    assert wk.parse_duration(text) == (seconds, nanos)
    assert text == duration_pb2.Duration(seconds=seconds, nanos=nanos).ToJsonString()


def test_timestamp_parse_offsets_and_errors() -> None:
    assert wk.parse_timestamp("2026-12-01T23:15:00.123456789Z") == (1796166900, 123456789)
    assert wk.parse_timestamp("1970-01-01T02:00:00+02:00") == (0, 0)
    assert wk.parse_timestamp("9999-12-31T23:59:59.999999999Z") == (wk.TIMESTAMP_MAX, 999_999_999)
    for bad, why in [("yesterday", "not an RFC 3339"), ("2026-02-30T00:00:00Z", "day is out of range"),
                     ("2026-12-01T23:15:00", "not an RFC 3339"), ("2026-12-01T23:15:00.1234567890Z", "RFC 3339"),
                     ("0000-12-31T23:59:59Z", "outside the Timestamp range"),
                     ("0001-01-01T00:00:00+00:01", "outside the Timestamp range"),
                     ("9999-12-31T23:59:59-00:01", "outside the Timestamp range"),
                     ("10000-01-01T00:00:00Z", "not an RFC 3339")]:
        with pytest.raises(ValueError, match=why):
            wk.parse_timestamp(bad)


def test_duration_parse_and_errors() -> None:
    assert wk.parse_duration("3600s") == (3600, 0)
    assert wk.parse_duration("1.5s") == (1, 500_000_000)
    assert wk.parse_duration("-2.000000001s") == (-2, -1)
    assert wk.parse_duration("-0.5s") == (0, -500_000_000)
    for bad in ("1.5", "1h", "1.0000000001s", "315576000001s", ""):
        with pytest.raises(ValueError):
            wk.parse_duration(bad)


def _status(ts: timestamp_pb2.Timestamp | None) -> bytes:
    st_ = job_pb2.JobStatus(revision=4, message="ok")
    if ts is not None:
        st_.created_at.CopyFrom(ts)
    return st_.SerializeToString()


def _created_path(doc: Document) -> tuple[int, ...]:
    level = doc.root
    return next((i,) for i in range(len(level)) if level[i].number == 10)


def test_set_seconds_nanos_changes_only_those_bytes_and_adds_nanos_only_when_needed() -> None:
    data = _status(timestamp_pb2.Timestamp(seconds=1_700_000_000))
    doc = Document(data)
    path = _created_path(doc)
    # same seconds, nanos still 0: nothing to do
    with pytest.raises(EditError):
        wk.set_seconds_nanos(doc, path, 1_700_000_000, 0, "noop")
    wk.set_seconds_nanos(doc, path, 1_700_000_001, 0, "seconds only")
    out = doc.to_bytes()
    assert len(out) == len(data) and sum(a != b for a, b in zip(data, out, strict=True)) == 1  # one varint byte
    assert job_pb2.JobStatus.FromString(out).created_at.seconds == 1_700_000_001
    wk.set_seconds_nanos(doc, path, 1_700_000_001, 5, "nanos appear")
    ts = timestamp_pb2.Timestamp(seconds=1_700_000_001, nanos=5)
    assert doc.to_bytes() == _status(ts)  # nanos inserted after seconds; the prefix above grew by 2
    doc.undo()
    doc.undo()
    assert doc.to_bytes() == data


def test_set_seconds_nanos_on_an_empty_timestamp_and_negative_duration() -> None:
    st_ = job_pb2.JobStatus(revision=1)
    st_.created_at.SetInParent()
    data = st_.SerializeToString()
    doc = Document(data)
    wk.set_seconds_nanos(doc, _created_path(doc), -5, 7, "pre-epoch")
    assert job_pb2.JobStatus.FromString(doc.to_bytes()).created_at == timestamp_pb2.Timestamp(seconds=-5, nanos=7)
    spec = job_pb2.JobSpec(name="x")
    spec.ttl_after_finished.seconds = 3600
    doc = Document(spec.SerializeToString())
    level = doc.root
    path = next((i,) for i in range(len(level)) if level[i].number == 14)
    wk.set_seconds_nanos(doc, path, -2, -1, "negative")
    got = job_pb2.JobSpec.FromString(doc.to_bytes()).ttl_after_finished
    assert (got.seconds, got.nanos) == (-2, -1)
