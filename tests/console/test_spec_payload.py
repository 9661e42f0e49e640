"""A job's ``data`` payload (google.protobuf.Any) in spec YAML: decoded when its type is loaded,
type URL and bytes when it is not; never an exception, and never re-encoded unless edited."""

from __future__ import annotations

import pytest
from google.protobuf import struct_pb2

from pelorus.api import job_pb2
from pelorus.specfile import SpecError, dump_spec, keep_payload_bytes, parse_spec

# pelorus.v1.Progress with its fields out of order (failed=2 before successful=1): valid protobuf
# that a re-encoding would reorder, so only kept bytes survive a round trip unchanged.
NON_CANONICAL = b"\x10\x02\x08\x01"


def spec_with(type_url: str, value: bytes) -> job_pb2.JobSpec:
    spec = job_pb2.JobSpec(name="payload", instance_count=1)
    spec.default_spec.command = "true"
    spec.data.type_url = type_url
    spec.data.value = value
    return spec


def test_a_loaded_type_is_written_decoded_and_read_back() -> None:
    spec = job_pb2.JobSpec(name="s", instance_count=1)
    st = struct_pb2.Struct()
    st.update({"threshold": 0.5, "tags": ["a", "b"]})
    spec.data.Pack(st)
    text = dump_spec(spec)  # was: yaml RepresenterError "cannot represent an object"
    assert "'@type': type.googleapis.com/google.protobuf.Struct" in text and "threshold: 0.5" in text
    back = struct_pb2.Struct()
    assert parse_spec(text).data.Unpack(back) and back == st  # (a map's encoded order may differ)
    assert keep_payload_bytes(spec, parse_spec(text)) == spec


def test_an_unknown_type_is_written_as_type_and_bytes_and_read_back_byte_for_byte() -> None:
    spec = spec_with("type.googleapis.com/acme.Unknown", b"\x08\x96\x01\xff\x00")
    text = dump_spec(spec)  # was: TypeError "Can not find message descriptor by type_url"
    assert "acme.Unknown" in text and "'@bytes': CJYB/wA=" in text
    back = parse_spec(text)
    assert back.data.type_url == spec.data.type_url and back.data.value == spec.data.value


def test_an_untouched_payload_keeps_its_bytes_and_an_edited_one_changes() -> None:
    spec = spec_with("type.googleapis.com/pelorus.v1.Progress", NON_CANONICAL)
    text = dump_spec(spec)
    assert "successful: '1'" in text and "failed: '2'" in text
    reparsed = parse_spec(text)
    assert reparsed.data.value != NON_CANONICAL  # what re-encoding alone gives
    assert keep_payload_bytes(spec, reparsed).data.value == NON_CANONICAL
    renamed = parse_spec(text.replace("name: payload", "name: renamed"))
    assert keep_payload_bytes(spec, renamed).data.value == NON_CANONICAL
    edited = parse_spec(text.replace("successful: '1'", "successful: '7'"))
    keep_payload_bytes(spec, edited)
    got = job_pb2.Progress()
    edited.data.Unpack(got)
    assert got.successful == 7 and got.failed == 2


@pytest.mark.parametrize(("yaml_data", "says"), [
    ("data: 5\n", '"@type"'),
    ("data:\n  '@type': type.googleapis.com/acme.Unknown\n  x: 1\n", "acme.Unknown is not loaded"),
    ("data:\n  '@type': type.googleapis.com/acme.Unknown\n  '@bytes': '!!'\n", "not base64"),
    ("data:\n  '@type': type.googleapis.com/pelorus.v1.Progress\n  nope: 1\n", "pelorus.v1.Progress"),
])
def test_bad_payloads_are_clear_errors_at_their_line(yaml_data: str, says: str) -> None:
    with pytest.raises(SpecError) as info:
        parse_spec("name: x\ninstance_count: 1\n" + yaml_data)
    assert says in str(info.value) and info.value.line == 3


def test_bytes_that_do_not_parse_as_their_loaded_type_are_kept_as_bytes() -> None:
    spec = spec_with("type.googleapis.com/pelorus.v1.Progress", b"\x08")  # a varint cut short
    text = dump_spec(spec)
    assert "'@bytes': CA==" in text
    assert parse_spec(text).data.value == b"\x08"
