"""``proto decode --type`` on damaged bytes prints what decodes before the damage; JSON names the unknown
fields it leaves out."""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from google.protobuf import json_format, text_format
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message as PbMessage
from hypothesis import given, settings
from hypothesis import strategies as st
from proto_strategies import job_specs

from pelorus.api import job_pb2
from pelorus.protobuf.cli import main
from pelorus.protobuf.schemaless import decode


def _run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def _assert_prefix(part: PbMessage, whole: PbMessage) -> None:
    """``part`` holds only what ``whole`` holds, in serialisation (field number) order: every field but
    the last one set equal, the last one possibly cut (a shorter repeated list, a submessage that is
    itself such a prefix); map entries are each whole or with the value cut."""
    pf, wf = part.ListFields(), whole.ListFields()
    assert len(pf) <= len(wf), (part, whole)
    for k, ((fp, vp), (fw, vw)) in enumerate(zip(pf, wf, strict=False)):
        assert fp.number == fw.number, (part, whole)
        last = k == len(pf) - 1
        is_msg = fp.type == FieldDescriptor.TYPE_MESSAGE
        if fp.message_type is not None and fp.message_type.GetOptions().map_entry:
            for key, value in vp.items():
                assert key in vw and value in (vw[key], type(value)()), (key, value, vw)
        elif not last:
            assert vp == vw, (fp.name, vp, vw)
        elif fp.is_repeated:
            assert len(vp) <= len(vw) and list(vp)[:-1] == list(vw)[: len(vp) - 1], (fp.name, vp, vw)
            if is_msg:
                _assert_prefix(vp[-1], vw[len(vp) - 1])
            else:
                assert vp[-1] == vw[len(vp) - 1]
        elif is_msg:
            _assert_prefix(vp, vw)
        else:
            assert vp == vw, (fp.name, vp, vw)


@settings(max_examples=10, deadline=None)
@given(spec=job_specs(), fmt=st.sampled_from(["json", "text"]))
@pytest.mark.slow
def test_truncation_at_every_offset_prints_a_valid_prefix(spec: job_pb2.JobSpec, fmt: str) -> None:
    data = spec.SerializeToString()
    boundaries = {0} | {f.end for f in decode(data)}
    with tempfile.TemporaryDirectory() as tmp:
        cut = Path(tmp) / "cut.bin"
        for k in range(len(data)):
            cut.write_bytes(data[:k])
            code, out, err = _run(["decode", str(cut), "--type", "JobSpec", "--format", fmt, "--framing", "single"])
            assert "Traceback" not in err
            got = job_pb2.JobSpec()
            if fmt == "json":
                json_format.Parse(out, got)
            else:
                text_format.Parse(out, got)
            _assert_prefix(got, spec)
            # and it holds at least every whole top-level field before the cut
            whole_before = max(b for b in boundaries if b <= k)
            _assert_prefix(job_pb2.JobSpec.FromString(data[:whole_before]), got)
            if k in boundaries:
                assert code == 0 and err == "", (k, err)
            else:
                assert code == 1, k
                assert "damaged at offset" in err and "the output is partial" in err, err


def test_cut_submessage_keeps_its_whole_fields(tmp_path: Path) -> None:
    """Everything of a message sits in one outer field: a cut near the end still shows its fields."""
    spec = job_pb2.JobSpec()
    spec.default_spec.command = "run"
    spec.default_spec.args.extend(["a", "bb", "hello world"])
    data = spec.SerializeToString()
    cut = tmp_path / "cut.bin"
    cut.write_bytes(data[:-3])  # inside the last args string
    code, out, err = _run(["decode", str(cut), "--type", "JobSpec"])
    assert code == 1
    assert json.loads(out) == {"default_spec": {"command": "run", "args": ["a", "bb"]}}
    lines = err.splitlines()
    assert len(lines) == 2
    assert lines[0] == ("error: bytes do not parse as pelorus.v1.JobSpec: damaged at offset 1: "
                        f"field 7: length {len(data) - 2} at offset 1 runs past the end, which is at offset "
                        f"{len(data) - 3}")
    assert lines[1].startswith("note: the output is partial: the 0 whole top-level field(s) before the damage "
                               "and the whole fields of the submessage it cuts")


def test_damage_before_anything_decodes_says_so(tmp_path: Path) -> None:
    cut = tmp_path / "cut.bin"
    cut.write_bytes(b"\x0a\x05ab")  # the first field, a string, is cut
    code, out, err = _run(["decode", str(cut), "--type", "JobSpec", "--format", "text"])
    assert code == 1 and out == ""
    assert "damaged at offset 1" in err and "nothing before the damage decodes" in err


def test_damaged_record_of_a_stream_prints_its_prefix(tmp_path: Path) -> None:
    from pelorus.protobuf.wire import encode_varint

    recs = [job_pb2.JobSpec(name=f"r{i}", description="x" * 20).SerializeToString() for i in range(2)]
    data = b"".join(encode_varint(len(r)) + r for r in recs)
    cut = tmp_path / "s.bin"
    cut.write_bytes(data[:-5])  # the second record's description is cut
    code, out, err = _run(["decode", str(cut), "--type", "JobSpec", "--framing", "varint"])
    assert code == 1 and "Traceback" not in err
    assert [json.loads(line).get("name") for line in out.splitlines()][:1] == ["r0"]


def _with_unknowns() -> bytes:
    spec = job_pb2.JobSpec(name="u")
    spec.default_spec.command = "c"
    inner = spec.default_spec.SerializeToString() + b"\xc8\x01\x07"  # field 25 = 7 inside default_spec
    top = job_pb2.JobSpec(name="u").SerializeToString()
    return top + b"\x3a" + bytes([len(inner)]) + inner + b"\xf8\x01\x05"  # default_spec, then field 31 = 5


def test_json_names_the_unknown_fields_it_leaves_out(tmp_path: Path) -> None:
    src = tmp_path / "u.bin"
    src.write_bytes(_with_unknowns())
    code, out, err = _run(["decode", str(src), "--type", "JobSpec"])
    assert code == 0
    assert json.loads(out) == {"name": "u", "default_spec": {"command": "c"}}
    assert err == ("warning: 2 unknown field(s) left out of the JSON (31, default_spec.25); "
                   "--format text or raw keeps them\n")
    code, out, err = _run(["decode", str(src), "--type", "JobSpec", "--format", "text"])
    assert code == 0 and err == ""
    assert "31: 5" in out and "25: 7" in out


def test_json_of_a_message_without_unknowns_warns_nothing(tmp_path: Path) -> None:
    src = tmp_path / "k.bin"
    src.write_bytes(job_pb2.JobSpec(name="k").SerializeToString())
    assert _run(["decode", str(src), "--type", "JobSpec"])[2] == ""


def test_unknown_fields_inside_an_any_are_named(tmp_path: Path) -> None:
    spec = job_pb2.JobSpec()
    spec.data.type_url = "type.googleapis.com/pelorus.v1.Progress"
    spec.data.value = job_pb2.Progress(successful=1).SerializeToString() + b"\xa0\x06\x01"  # field 100
    src = tmp_path / "a.bin"
    src.write_bytes(spec.SerializeToString())
    code, _out, err = _run(["decode", str(src), "--type", "JobSpec"])
    assert code == 0 and "1 unknown field(s)" in err and "data(pelorus.v1.Progress).100" in err
    code, out, _err = _run(["decode", str(src), "--type", "JobSpec", "--format", "text"])
    assert "100: 1" in out



def test_raw_text_shows_what_survives_of_a_cut_string(tmp_path: Path) -> None:
    src = tmp_path / "cut.bin"
    src.write_bytes(b"\x0a\x02ok\x1a\x0ahel")  # field 3: 10 bytes announced, 3 left ("hel" scans as a field)
    code, out, err = _run(["decode", str(src)])
    assert code == 1
    assert out.splitlines() == [
        '1: "ok"  # string @0',
        '# 3: "hel…" ⚠ truncated at offset 9: needs 10 bytes, 3 left  # cut field @4',
        "# error at offset 5: field 3: length 10 at offset 5 runs past the end, which is at offset 9",
    ]  # no second error line from reading "hel" as a message
    assert "damaged at offset 5" in err


@settings(max_examples=5, deadline=None)
@given(spec=job_specs(), byte=st.sampled_from([0x00, 0x07, 0x80, 0xFF]))
@pytest.mark.slow
def test_corruption_at_every_offset_never_raises(spec: job_pb2.JobSpec, byte: int) -> None:
    """One byte overwritten anywhere: exit 0 or 1, never a traceback, and the output (if any) parses."""
    data = spec.SerializeToString()
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "bad.bin"
        for k in range(len(data)):
            src.write_bytes(data[:k] + bytes([byte]) + data[k + 1:])
            code, out, err = _run(["decode", str(src), "--type", "JobSpec", "--format", "json", "--framing", "single"])
            assert code in (0, 1) and "Traceback" not in err, (k, err)
            assert err.startswith(("error:", "warning:")) or code == 0, err
            if out:
                json_format.Parse(out, job_pb2.JobSpec(), ignore_unknown_fields=False)
            else:
                assert code == 1 and err.startswith("error:")


def test_entry_point_exit_code_and_partial_output(tmp_path: Path) -> None:
    import subprocess
    import sys

    spec = job_pb2.JobSpec(name="cli", description="a long description")
    src = tmp_path / "cut.bin"
    src.write_bytes(spec.SerializeToString()[:-4])
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.run([sys.executable, "main.py", "proto", "decode", str(src), "--type", "JobSpec"],
                          capture_output=True, text=True, cwd=root, timeout=60, check=False)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert json.loads(proc.stdout) == {"name": "cli"}
    assert "damaged at offset 6" in proc.stderr and "the output is partial" in proc.stderr


def test_an_any_packing_damaged_bytes_is_an_error_not_a_traceback(tmp_path: Path, registry: Any) -> None:
    from pelorus.protobuf.textedit import pane_text

    spec = job_pb2.JobSpec(name="n")
    spec.data.type_url = "type.googleapis.com/pelorus.v1.Progress"
    spec.data.value = b"\x10"  # field 2's varint is missing
    src = tmp_path / "any.bin"
    src.write_bytes(spec.SerializeToString())
    code, out, err = _run(["decode", str(src), "--type", "JobSpec"])
    assert code == 1 and out == "" and err.startswith("error: cannot write JSON: a google.protobuf.Any packs bytes")
    code, out, err = _run(["decode", str(src), "--type", "JobSpec", "--format", "text"])
    assert code == 0 and out.startswith("# Any values are shown as bytes")
    got = text_format.Parse(out, job_pb2.JobSpec())
    assert got == spec
    pane = pane_text(registry, "pelorus.v1.JobSpec", src.read_bytes(), "text", None)  # the editor's text pane
    assert not pane.editable and "do not parse" in pane.text


def test_a_whole_field_the_type_refuses_ends_the_prefix(tmp_path: Path) -> None:
    """Invalid UTF-8 in a whole string field before the damage: the longest run of fields that parses."""
    data = b"\x12\x02ok" + b"\x0a\x01\xff" + b"\x1a\x09cut"  # owner, name (bad UTF-8), description (cut)
    src = tmp_path / "bad.bin"
    src.write_bytes(data)
    code, out, err = _run(["decode", str(src), "--type", "JobSpec"])
    assert code == 1 and json.loads(out) == {"owner": "ok"}
    assert "damaged at offset 8" in err and "the output is partial" in err
    assert "the field at offset 4 does not fit the type" in err


def test_a_duration_json_cannot_express_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    """upb parses a Duration whose nanos are out of range (1879048192); JSON cannot write it. The
    CLI used to end in a SerializeToJsonError traceback; it now says so and exits 1."""
    from pelorus.protobuf.wire import encode_varint

    number = job_pb2.JobSpec.DESCRIPTOR.fields_by_name["ttl_after_finished"].number
    duration = b"\x10" + encode_varint(1879048192)
    src = tmp_path / "ttl.bin"
    src.write_bytes(encode_varint(number << 3 | 2) + bytes([len(duration)]) + duration)
    code, out, err = _run(["decode", str(src), "--type", "JobSpec", "--format", "json"])
    assert code == 1 and out == "" and err.startswith("error: cannot write JSON:") and "text format" in err
    code, out, _err = _run(["decode", str(src), "--type", "JobSpec", "--format", "text"])
    assert code == 0 and "nanos: 1879048192" in out


def test_a_cut_message_of_digits_is_not_read_as_hex(tmp_path: Path) -> None:
    """A JobSpec named "100000000" cut after 6 bytes is b'\\n\\t1000': all hex digits and whitespace,
    and as hex a clean message (field 2 = 0). It was shown as that; it is binary, and damaged."""
    data = job_pb2.JobSpec(name="100000000").SerializeToString()[:6]
    assert data == b"\n\t1000"
    cut = tmp_path / "cut.bin"
    cut.write_bytes(data)
    code, out, err = _run(["decode", str(cut), "--type", "JobSpec", "--format", "text"])
    assert code == 1 and out == "" and "damaged at offset 1" in err, (out, err)
    # Pasted hex text still reads as hex.
    cut.write_bytes(job_pb2.JobSpec(name="x").SerializeToString().hex().encode() + b"\n")
    code, out, err = _run(["decode", str(cut), "--type", "JobSpec", "--format", "text"])
    assert code == 0 and out.strip() == 'name: "x"', (out, err)
