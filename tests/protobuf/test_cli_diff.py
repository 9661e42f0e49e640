"""``proto diff``: field diff output and diff(1) exit codes (0 equal, 1 different, 2 trouble)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pelorus.api import job_pb2
from pelorus.protobuf.cli import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    a = job_pb2.JobSpec(name="cli", owner="ann", instance_count=2)
    b = job_pb2.JobSpec(name="cli", owner="bob", instance_count=2, labels={"env": "prod"})
    pa, pb = tmp_path / "a.bin", tmp_path / "b.bin"
    pa.write_bytes(a.SerializeToString())
    pb.write_bytes(b.SerializeToString())
    return pa, pb


def test_equal_and_different(pair: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    a, b = pair
    assert main(["diff", str(a), str(a)]) == 0
    assert capsys.readouterr().out == "# no differences (bytes identical)\n"
    assert main(["diff", str(a), str(b), "--type", "JobSpec"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == ['~ owner: "ann" → "bob"  [left @5+5, right @5+5]',
                   '+ labels["env"]: "env" → "prod"  [right @10+13]',
                   "# 2 differences: 1 added, 0 removed, 1 changed"]
    assert main(["diff", str(a), str(b)]) == 1  # schemaless: numbers instead of names
    assert capsys.readouterr().out.startswith('~ 2: "ann" → "bob"')


def test_json_bytes_and_ignore_encoding(tmp_path: Path, pair: tuple[Path, Path],
                                        capsys: pytest.CaptureFixture[str]) -> None:
    a, b = pair
    assert main(["diff", str(a), str(b), "--type", "JobSpec", "--json"]) == 1
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [x.get("path") for x in lines[:-1]] == ["owner", 'labels["env"]']
    assert lines[0]["left"]["offset"] == 5 and lines[0]["right"]["value"] == '"bob"'
    assert lines[-1]["equal"] is False and lines[-1]["added"] == 1
    assert main(["diff", str(a), str(b), "--bytes"]) == 1
    assert "  bytes replace: left [7, 10) → right [7, 10)" in capsys.readouterr().out
    long = tmp_path / "long.bin"
    long.write_bytes(b"\x08\x81\x00")  # field 1 = 1 with an over-long varint
    short = tmp_path / "short.bin"
    short.write_bytes(b"\x08\x01")
    assert main(["diff", str(short), str(long)]) == 1
    assert "same value, encoded differently" in capsys.readouterr().out
    assert main(["diff", str(short), str(long), "--ignore-encoding"]) == 0


def test_trouble_is_exit_2(tmp_path: Path, pair: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    a, b = pair
    assert main(["diff", str(a)]) == 2
    assert main(["diff", str(a), str(tmp_path / "missing.bin")]) == 2
    assert "cannot read" in capsys.readouterr().err
    assert main(["diff", str(a), str(b), "--type", "acme.Nope"]) == 2
    assert "acme.Nope" in capsys.readouterr().err
    cut = tmp_path / "cut.bin"
    cut.write_bytes(b.read_bytes()[:-3])
    assert main(["diff", str(b), str(cut)]) == 2  # damaged: the diff is still printed
    captured = capsys.readouterr()
    assert "<undecoded bytes>" in captured.out and "right input" in captured.err and "damaged at offset" in captured.err


def test_through_main_py_with_hex_input(tmp_path: Path, pair: tuple[Path, Path]) -> None:
    a, b = pair
    hexed = tmp_path / "b.hex"
    hexed.write_text(b.read_bytes().hex())
    res = subprocess.run([sys.executable, "main.py", "proto", "diff", str(a), str(hexed), "--type", "JobSpec"],
                         cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert res.returncode == 1, res.stderr
    assert res.stdout.endswith("# 2 differences: 1 added, 0 removed, 1 changed\n")
    same = subprocess.run([sys.executable, "main.py", "proto", "diff", str(b), str(hexed)], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert same.returncode == 0, same.stdout + same.stderr


def test_streams_and_repeated_items_are_aligned(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from pelorus.protobuf.document import encode_frame

    recs = [job_pb2.JobSpec(name=f"job-{i}", owner="ann") for i in range(4)]
    a, b = tmp_path / "a.stream", tmp_path / "b.stream"
    a.write_bytes(b"".join(encode_frame("varint", r.SerializeToString()) for r in recs))
    b.write_bytes(b"".join(encode_frame("varint", r.SerializeToString())
                           for r in [job_pb2.JobSpec(name="new"), *recs]))
    assert main(["diff", str(a), str(b), "--type", "JobSpec", "--framing", "varint"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("+ record[0]: {1 field}") and len(out) == 2
    assert out[1] == "# 1 difference: 1 added, 0 removed, 0 changed in 4 → 5 varint records"
    assert main(["diff", str(a), str(b), "--framing", "auto", "--json"]) == 1
    first, summary = (json.loads(x) for x in capsys.readouterr().out.splitlines())
    assert (first["kind"], first["path"], first["left_index"], first["right_index"]) == ("added", "record[0]", None, 0)
    assert first["right"]["record"] == 0 and first["right"]["offset"] == 0
    assert summary["framing"] == "varint" and summary["records"] == [4, 5]
    assert main(["diff", str(a), str(a), "--framing", "varint"]) == 0
    capsys.readouterr()
    cut = tmp_path / "cut.stream"
    cut.write_bytes(a.read_bytes()[:-3])
    assert main(["diff", str(a), str(cut), "--framing", "varint"]) == 2  # damaged stream: trouble
    captured = capsys.readouterr()
    assert "- record[3]" in captured.out and "right input" in captured.err and "damaged at offset" in captured.err
    assert main(["diff", str(a), str(b), "--framing", "lines"]) == 2  # usage
    # one message with a repeated string: an insertion at the front is one line, not one per item
    s1 = job_pb2.JobSpec(name="x")
    s1.default_spec.args.extend(["-c", "make", "all"])
    s2 = job_pb2.JobSpec(name="x")
    s2.default_spec.args.extend(["-v", "-c", "make", "all"])
    p1, p2 = tmp_path / "s1.bin", tmp_path / "s2.bin"
    p1.write_bytes(s1.SerializeToString())
    p2.write_bytes(s2.SerializeToString())
    capsys.readouterr()
    assert main(["diff", str(p1), str(p2), "--type", "JobSpec"]) == 1
    assert capsys.readouterr().out.splitlines()[:-1] == ['+ default_spec.args[0]: "-v"  [right @5+4]']


def test_diff_names_the_outermost_damage_of_a_cut_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A cut string that starts like a field is reported as the cut length, not a guess inside it."""
    good = job_pb2.JobSpec(name="abc", description="\x08\x7f\x08 and more text").SerializeToString()
    a, b = tmp_path / "a.bin", tmp_path / "b.bin"
    a.write_bytes(good)
    b.write_bytes(good[:8])
    assert main(["diff", str(a), str(b)]) == 2
    err = capsys.readouterr().err
    assert err == (f"error: right input ({b}) is damaged at offset 6: field 3: length 17 at offset 6 runs past "
                   "the end, which is at offset 8\n")
