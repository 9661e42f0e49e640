"""Crafted input: cost and output stay linear and bounded, and a type's refusal is explained.

Time bounds are generous (a loaded, shared 2-core machine); the issue's figures were 20.8 s
and 88 MB of output for the zeros and 44.7 s for the `0a 00` run.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from pelorus.api import job_pb2
from pelorus.protobuf import framing as fr
from pelorus.protobuf.cli import main
from pelorus.protobuf.render import runs
from pelorus.protobuf.schemaless import decode_span


def test_zero_bytes_are_not_millions_of_empty_frames(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = bytes(10 * 2**20)
    cands = fr.candidates(data)
    assert cands[0].framing == "single", cands
    grpc = [c for c in cands if c.framing == "grpc"]
    assert grpc and grpc[0].score < 0 and "empty" in grpc[0].reason
    path = tmp_path / "zeros.bin"
    path.write_bytes(data)
    t = time.perf_counter()
    assert main(["decode", str(path)]) != 0  # damaged as one message: field number 0
    took = time.perf_counter() - t
    out = capsys.readouterr()
    assert took < 15 and len(out.out) < 1000, (took, len(out.out))
    assert "offset 0" in out.err


def test_a_few_empty_records_still_make_a_stream() -> None:
    assert fr.detect(b"\x00\x00\x00") == "varint"  # three empty varint-prefixed records, as before


@pytest.mark.slow
def test_twelve_mb_of_empty_fields_decodes_raw_quickly_into_one_line(tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "0a00.bin"
    path.write_bytes(b"\x0a\x00" * (6 * 2**20))
    t = time.perf_counter()
    assert main(["decode", str(path)]) == 0
    took = time.perf_counter() - t
    out = capsys.readouterr().out
    assert took < 20, f"{took:.1f} s"  # about 2 s on an idle machine
    assert "repeated 6,291,456 times" in out and len(out) < 500, out[:500]
    assert main(["decode", str(path), "--format", "json"]) == 0
    obj = json.loads(capsys.readouterr().out)
    assert obj["fields"] == [{"number": 1, "wire_type": "length-delimited", "offset": 0, "length": 2,
                              "kind": "string", "repeated": 6 * 2**20, "value": ""}]


def test_runs_collapse_only_identical_neighbours() -> None:
    same = b"\x0a\x01A" * 5
    assert runs(decode_span(same, 0, len(same))) == {0: 5}
    mixed = b"\x0a\x01A\x0a\x01B\x0a\x01A\x0a\x01A"  # A B A A: no run of 3
    assert runs(decode_span(mixed, 0, len(mixed))) == {}
    two_runs = b"\x08\x01" * 3 + b"\x10\x02" + b"\x08\x01" * 4
    assert runs(decode_span(two_runs, 0, len(two_runs))) == {0: 3, 4: 4}


def test_decode_type_names_offset_field_and_reason_of_a_refused_field(tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    spec = job_pb2.JobSpec(name="hello", owner="me", instance_count=3)
    spec.default_spec.command = "echo"
    spec.default_spec.env["KEY"] = "value"
    data = bytearray(spec.SerializeToString())
    bad_at = data.index(b"value")
    data[bad_at] = 0xFF  # valid on the wire, not UTF-8 for a string field
    path = tmp_path / "bad.bin"
    path.write_bytes(bytes(data))
    assert main(["decode", str(path), "--type", "pelorus.v1.JobSpec"]) != 0
    out = capsys.readouterr()
    obj = json.loads(out.out)
    assert obj == {"name": "hello", "owner": "me", "instance_count": 3}  # the whole fields before it
    assert "field default_spec.env.value at offset" in out.err
    assert f"is not valid UTF-8 (byte 0 of its value, at offset {bad_at})" in out.err
    assert "the output is partial" in out.err
