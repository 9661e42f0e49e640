"""Headless decode/encode commands and their exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pelorus.api import job_pb2
from pelorus.protobuf.cli import main
from pelorus.protobuf.wire import encode_varint


@pytest.fixture
def spec_file(tmp_path: Path) -> Path:
    spec = job_pb2.JobSpec(name="cli", instance_count=2, priority=-1)
    spec.data.Pack(job_pb2.Progress(successful=1))
    p = tmp_path / "spec.bin"
    p.write_bytes(spec.SerializeToString())
    return p


def test_decode_json_text_raw(spec_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["decode", str(spec_file), "--type", "pelorus.v1.JobSpec"]) == 0
    obj = json.loads(capsys.readouterr().out)
    assert obj["name"] == "cli" and obj["data"]["@type"].endswith("pelorus.v1.Progress")
    assert main(["decode", str(spec_file), "--type", "JobSpec", "--format", "text"]) == 0
    assert 'name: "cli"' in capsys.readouterr().out
    assert main(["decode", str(spec_file)]) == 0
    out = capsys.readouterr().out
    assert '1: "cli"  # string @0' in out and "8: -1  # int64" in out
    assert main(["decode", str(spec_file), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["fields"][0]["value"] == "cli"


def test_decode_stream_and_hex(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    recs = [job_pb2.JobSpec(name=f"r{i}").SerializeToString() for i in range(3)]
    p = tmp_path / "stream.hex"
    p.write_text(b"".join(encode_varint(len(r)) + r for r in recs).hex())
    assert main(["decode", str(p), "--type", "JobSpec"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(line)["name"] for line in lines] == ["r0", "r1", "r2"]


def test_decode_errors_and_exit_codes(tmp_path: Path, spec_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["decode"]) == 2
    assert main(["decode", str(spec_file), "--format", "yaml"]) == 2
    assert main(["frobnicate"]) == 2
    capsys.readouterr()
    assert main(["decode", str(tmp_path / "missing.bin")]) == 1
    assert "cannot read" in capsys.readouterr().err
    assert main(["decode", str(spec_file), "--type", "acme.Nope"]) == 1
    assert "acme.Nope" in capsys.readouterr().err
    cut = tmp_path / "cut.bin"
    cut.write_bytes(spec_file.read_bytes()[:-3])
    assert main(["decode", str(cut), "--type", "JobSpec"]) == 1
    assert main(["decode", str(cut), "--framing", "single"]) == 1
    assert "damaged at offset" in capsys.readouterr().err
    bad = tmp_path / "bad.proto"
    bad.write_text('syntax = "proto3"; import "nowhere.proto"; message B { int32 x = 1; }')
    assert main(["decode", str(spec_file), "--type", "B", "--proto", str(bad)]) == 1
    assert '"nowhere.proto"' in capsys.readouterr().err


def test_encode_from_json_and_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "in.json"
    src.write_text('{"name": "enc", "instance_count": 4, "data": {"@type": '
                   '"type.googleapis.com/pelorus.v1.Progress", "successful": "2"}}')
    out = tmp_path / "out.bin"
    assert main(["encode", "--type", "JobSpec", str(src), str(out)]) == 0
    spec = job_pb2.JobSpec.FromString(out.read_bytes())
    assert spec.name == "enc" and spec.instance_count == 4
    txt = tmp_path / "in.txt"
    txt.write_text('name: "t" priority: -3')
    assert main(["encode", "--type", "JobSpec", "--from", "text", "--framing", "varint", str(txt), str(out)]) == 0
    assert out.read_bytes()[0] == len(out.read_bytes()) - 1
    txt.write_text("nme: 1")
    assert main(["encode", "--type", "JobSpec", str(txt), str(out)]) == 1
    assert "nme" in capsys.readouterr().err
    assert main(["encode", str(txt), str(out)]) == 2


def test_module_entry_point(spec_file: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "pelorus.protobuf.cli", "decode", str(spec_file), "--type", "JobSpec"],
                          capture_output=True, text=True, cwd=Path(__file__).resolve().parents[2])
    assert proc.returncode == 0 and '"name": "cli"' in proc.stdout


def test_encode_unwritable_output_is_one_line_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "in.json"
    src.write_text('{"name": "enc"}')
    assert main(["encode", "--type", "JobSpec", str(src), str(tmp_path / "no" / "such" / "dir.bin")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: cannot write ") and "dir.bin" in err and err.count("\n") == 1
    assert main(["encode", "--type", "JobSpec", str(src), str(tmp_path)]) == 1  # a directory
    assert "cannot write" in capsys.readouterr().err


def test_encode_input_that_is_not_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "spec.bin"  # a binary message passed where JSON/text is expected
    src.write_bytes(b"\x0a\x03\xff\xfe\x00")
    assert main(["encode", "--type", "JobSpec", str(src), str(tmp_path / "out.bin")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "spec.bin is not UTF-8 text" in err and "offset 2" in err
    assert not (tmp_path / "out.bin").exists()


@pytest.mark.parametrize("doc", ["null", "[1, 2]", '"name"', "3"])
def test_encode_json_that_is_not_an_object(tmp_path: Path, capsys: pytest.CaptureFixture[str], doc: str) -> None:
    src = tmp_path / "in.json"
    src.write_text(doc + "\n")
    assert main(["encode", "--type", "JobSpec", str(src), str(tmp_path / "out.bin")]) == 1
    err = capsys.readouterr().err
    assert "must be a JSON object" in err and "pelorus.v1.JobSpec" in err


def test_encode_well_known_types_from_their_json_forms(tmp_path: Path) -> None:
    from google.protobuf import timestamp_pb2, wrappers_pb2

    src, out = tmp_path / "in.json", tmp_path / "out.bin"
    src.write_text("7")
    assert main(["encode", "--type", "google.protobuf.Int32Value", str(src), str(out)]) == 0
    assert wrappers_pb2.Int32Value.FromString(out.read_bytes()).value == 7
    src.write_text('"2024-01-02T03:04:05Z"')
    assert main(["encode", "--type", "google.protobuf.Timestamp", str(src), str(out)]) == 0
    assert timestamp_pb2.Timestamp.FromString(out.read_bytes()).seconds == 1704164645


def test_decode_damage_names_the_offset_with_and_without_a_type(
        spec_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = spec_file.read_bytes()
    cut = tmp_path / "cut.bin"
    cut.write_bytes(data[:3])  # inside the first field, the string name="cli" (0a 03 63 6c 69)
    # with a type: the runtime only says "corrupt"; the offset and the reason come from the wire scan
    assert main(["decode", str(cut), "--type", "JobSpec"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 2 and "pelorus.v1.JobSpec" in err  # the damage, then "the output is partial"
    assert "damaged at offset 1: field 1: length 3 at offset 1 runs past the end, which is at offset 3" in err
    # schemaless: the line names the real damage (the cut length), not a guess at reading the
    # clipped string as a message
    assert main(["decode", str(cut)]) == 1
    err = capsys.readouterr().err
    assert "damaged at offset 1: field 1: length 3 at offset 1 runs past the end" in err


@pytest.mark.parametrize("fmt", ["raw", "json"])
def test_decode_very_deep_nesting_without_a_traceback(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    """3,000 nested messages (each field 1 holds the next): rendered to 100 levels, then bytes."""
    data = b""
    for _ in range(3000):
        data = b"\x0a" + encode_varint(len(data)) + data
    src = tmp_path / "deep.bin"
    src.write_bytes(data)
    assert main(["decode", str(src), "--format", fmt]) == 0
    out = capsys.readouterr().out
    assert "nested deeper than 100 levels" in out
    if fmt == "json":
        obj = json.loads(out)
        for _ in range(100):
            obj = obj["fields"][0]["message"]
        assert obj["fields"][0]["kind"] == "bytes"
