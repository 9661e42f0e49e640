"""The C renderer of raw text and schemaless JSON (pelorus/protobuf/_rawwire.c) against the pure-Python
reference (render.py).

Both must print the same characters for any input: generated valid messages (every wire type, over-long
varints, groups, packed-looking payloads, runs, deep nesting, awkward text) and malformed ones (cut,
flipped, random bytes), where the damage notes come from the same Python code on both paths. The golden
cases (test_golden_decode.py) run the CLI both ways too, and the protoc agreement corpus is rendered
both ways here.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import struct
import sys
import sysconfig
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from proto_strategies import raw_messages
from test_protoc_agreement import gen

from pelorus.protobuf import fastrender, render
from pelorus.protobuf.readings import Pins
from pelorus.protobuf.schemaless import decode
from pelorus.protobuf.wire import encode_varint

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

import proto_corpus as corpus  # noqa: E402


def _built() -> bool:
    try:
        from pelorus.protobuf import _rawwire  # noqa: F401
    except ImportError:
        return False
    return True


needs_c = pytest.mark.skipif(not _built(), reason="the C extension is not built (no compiler at install time)")


def _streamed_json(data: bytes) -> str:
    parts: list[str] = []
    render.write_raw_json(decode(data), parts.append)
    return "".join(parts)


def _both(data: bytes, monkeypatch: pytest.MonkeyPatch) -> tuple[tuple[str, str, str], tuple[str, str, str]]:
    """(raw text, JSON as one str, JSON a batch at a time) of ``data`` through the C renderer and in pure
    Python."""
    monkeypatch.delenv(render.PURE_ENV, raising=False)
    assert render.native_raw_text() is not None
    fast = render.raw_text(decode(data)), render.raw_json_text(decode(data)), _streamed_json(data)
    monkeypatch.setenv(render.PURE_ENV, "1")
    assert render.native_raw_text() is None
    pure = render.raw_text(decode(data)), render.raw_json_text(decode(data)), _streamed_json(data)
    monkeypatch.delenv(render.PURE_ENV)
    return fast, pure


def _same(data: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    fast, pure = _both(data, monkeypatch)
    for what, a_text, b_text in (("text", fast[0], pure[0]), ("JSON", fast[1], pure[1]),
                                 ("streamed JSON", fast[2], pure[2]), ("JSON, both ways", fast[2], fast[1])):
        if a_text != b_text:
            for i, (a, b) in enumerate(zip(a_text.splitlines(), b_text.splitlines(), strict=False)):
                assert a == b, f"{what}: line {i} differs for {data.hex()}"
            assert a_text == b_text, f"the {what} differs in length for {data.hex()}"


def _field(number: int, wt: int, body: bytes) -> bytes:
    return encode_varint(number << 3 | wt) + (encode_varint(len(body)) if wt == 2 else b"") + body


# -- generated inputs ---------------------------------------------------------------------------

_TEXTS = [b"plain", b"tab\tnew\nline\rcr", b'quote " and \\ slash', b"\x00\x01\x1f\x7f", b"\x08\x0c\x0b",
          "ß✓ 中文 \u2028 \u00a0 \u200b".encode(), b"\xed\xa0\x80", b"\xc0\xaf", b"\xf4\x90\x80\x80", b"\xe2\x82",
          "\U0001f600 emoji".encode(), b"\xc2\x85 nel", b"\xff\xfe"]


@st.composite
def payloads(draw: Any, depth: int) -> bytes:
    """A length-delimited value of any shape the readings tell apart."""
    kind = draw(st.integers(0, 9))
    if kind == 0:
        return draw(st.sampled_from(_TEXTS)) * draw(st.integers(1, 3))
    if kind == 1:
        values = draw(st.lists(st.floats(width=32, allow_nan=True), min_size=1, max_size=40))
        return struct.pack(f"<{len(values)}f", *values)
    if kind == 2:
        values = draw(st.lists(st.floats(allow_nan=True), min_size=1, max_size=40))
        return struct.pack(f"<{len(values)}d", *values)
    if kind == 3:
        values = draw(st.lists(st.integers(0, 2**64 - 1) | st.integers(0, 300), min_size=1, max_size=40))
        return b"".join(encode_varint(v) for v in values)
    if kind == 4 and depth > 0:
        return draw(messages(depth - 1))
    if kind == 5:
        return draw(st.binary(max_size=80))
    if kind == 6:  # a message with odd field numbers (scores below packed readings)
        return b"".join(_field(draw(st.integers(10001, 2**29 - 1)), 0, b"\x01") for _ in range(draw(st.integers(1, 3))))
    if kind == 7:
        return b""
    if kind == 8:
        return bytes(draw(st.lists(st.sampled_from([0, 0, 0x80, 0x3f, 0x7f, 0xff, 1]), max_size=24)))
    return draw(raw_messages(1))


@st.composite
def messages(draw: Any, depth: int = 3) -> bytes:
    out = bytearray()
    for _ in range(draw(st.integers(0, 8))):
        number = draw(st.sampled_from([1, 2, 3, 15, 16, 2047, 10000, 10001, 2**29 - 1]))
        wt = draw(st.sampled_from([0, 1, 2, 2, 2, 5] + ([3] if depth > 0 else [])))
        if wt == 0:
            one = _field(number, 0, encode_varint(draw(st.sampled_from([0, 1, 2, 2**32, 2**63 - 1, 2**63, 2**64 - 1])
                                                       | st.integers(0, 2**64 - 1))))
        elif wt == 1:
            one = _field(number, 1, draw(st.binary(min_size=8, max_size=8)
                                         | st.floats().map(lambda x: struct.pack("<d", x))))
        elif wt == 5:
            one = _field(number, 5, draw(st.binary(min_size=4, max_size=4)
                                         | st.floats(width=32).map(lambda x: struct.pack("<f", x))))
        elif wt == 3:
            one = _field(number, 3, draw(messages(depth - 1))) + encode_varint(number << 3 | 4)
        else:
            one = _field(number, 2, draw(payloads(depth)))
        repeat = draw(st.sampled_from([1, 1, 1, 2, 3, 4]))  # runs (3 or more identical fields) and near-runs
        out += one * repeat
        if draw(st.integers(0, 9)) == 0 and wt == 2:  # a chain of same key and length, not all the same bytes
            out += one[:-1] + bytes([one[-1] ^ 1])
    return bytes(out)


@st.composite
def damaged(draw: Any) -> bytes:
    data = draw(messages())
    how = draw(st.integers(0, 3))
    if how == 0 and data:
        return data[: draw(st.integers(0, len(data) - 1))]
    if how == 1 and data:
        i = draw(st.integers(0, len(data) - 1))
        return data[:i] + bytes([data[i] ^ draw(st.integers(1, 255))]) + data[i + 1:]
    if how == 2:
        return data + draw(st.binary(min_size=1, max_size=12))
    return draw(st.binary(max_size=200))


# -- the tests ----------------------------------------------------------------------------------

@needs_c
@pytest.mark.slow
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=messages())
def test_generated_messages_render_the_same_in_c_and_python(data: bytes) -> None:
    with pytest.MonkeyPatch.context() as mp:
        _same(data, mp)


@needs_c
@pytest.mark.slow
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=damaged() | raw_messages())
def test_malformed_and_random_bytes_render_the_same_in_c_and_python(data: bytes) -> None:
    with pytest.MonkeyPatch.context() as mp:
        _same(data, mp)


@needs_c
@pytest.mark.slow
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=messages(), depth=st.sampled_from([0, 1, 97, 98, 99, 100, 101]), indent=st.sampled_from(["", "  ", "\t"]))
def test_one_level_at_any_depth_and_indent_is_what_field_lines_prints(data: bytes, depth: int, indent: str) -> None:
    """The C function called as the Python renderer would be at that depth (runs found on its level)."""
    from pelorus.protobuf import _rawwire

    msg = decode(data)
    if msg.error is not None:
        with pytest.raises(ValueError, match="does not parse cleanly"):
            _rawwire.raw_text(data, 0, len(data), indent, depth, True)
        return
    lines: list[str] = []
    render._raw_lines(msg, Pins(), (), indent, lines, depth)
    want = "".join(line + "\n" for line in lines)
    assert _rawwire.raw_text(data, 0, len(data), indent, depth, True) == want
    items = _rawwire.raw_json(data, 0, len(data), True, 1, depth, True).decode()
    got = '{\n  "fields": [' + items + ("\n  ]\n}" if items else "]\n}")
    assert got == json.dumps(render.raw_json(msg, Pins(), (), depth), ensure_ascii=False, indent=2)


@needs_c
@pytest.mark.parametrize("seed", range(6))
def test_the_protoc_agreement_corpus_renders_the_same(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    r = random.Random(seed)
    _same(b"".join(gen(r, 3, 12) for _ in range(r.randrange(1, 40))), monkeypatch)


@needs_c
def test_crafted_edges_render_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    deep = b"\x08\x01"
    for _ in range(130):
        deep = b"\x0a" + encode_varint(len(deep)) + deep
    group_deep = b"\x08\x01"
    for _ in range(120):
        group_deep = b"\x0b" + group_deep + b"\x0c"
    cases = [
        b"", deep, group_deep, b"\x0a\x00" * 5000, b"\x08\x01" * 3 + b"\x08\x02", b"\x0a\x01a" * 2 + b"\x0a\x01b",
        b"\x80\x00\x01",  # an over-long tag of field number 0 (the scan takes it)
        b"\x0a\x02\x80\x08",  # a two-byte key of field 1 inside
        _field(1, 2, b"".join(encode_varint(k * 977) for k in range(100))),  # more than 32 values
        _field(1, 2, bytes(range(256)) * 2),  # more than 64 bytes
        _field(1, 2, struct.pack("<40d", *[1.5] * 40)), _field(1, 2, struct.pack("<40f", *[0.0] * 39, 2.0)),
        _field(1, 2, struct.pack("<2d", float("nan"), 1.0)), _field(1, 5, struct.pack("<f", float("inf"))),
        _field(1, 1, struct.pack("<d", -1e300)), _field(1, 5, struct.pack("<f", 1e-7)),
    ]
    for data in cases:
        _same(data, monkeypatch)


@needs_c
def test_large_messages_in_batches_render_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    """Top-level runs cut by batch boundaries: the C side must not find a run the whole level has not
    (compared with the reference renderer, which takes each level whole)."""
    monkeypatch.setattr(render, "NATIVE_BATCH_BYTES", 64)
    monkeypatch.setattr(fastrender, "FAST_FROM_FIELDS", 1 << 62)
    near_run = _field(1, 2, b"abc") * 3 + _field(1, 2, b"abd")
    data = corpus.list_pods(1 << 16) + near_run * 20 + _field(2, 0, b"\x05") * 7 + corpus.all_types(1 << 15)
    _same(data, monkeypatch)


def test_the_extension_is_built_where_a_compiler_is() -> None:
    """setup.py builds it as optional: an install with a C compiler and the Python headers has it."""
    headers = Path(sysconfig.get_paths()["include"]) / "Python.h"
    if not (shutil.which("cc") or shutil.which("gcc")) or not headers.exists():
        if os.environ.get("CI") == "true":  # ./dev installs them as root: CI must build the fast path
            pytest.fail("no C compiler or Python headers under CI=true: ./dev should have installed them")
        pytest.skip("no C compiler or Python headers here: the pure-Python path is used")
    assert _built(), "pip install -e . should have built pelorus/protobuf/_rawwire.c"


@needs_c
@pytest.mark.parametrize("shape", ["single", "stream", "damaged"])
def test_the_cli_prints_the_same_bytes_with_and_without_the_extension(shape: str, tmp_path: Path) -> None:
    """As a process (its stdout a real file): the C path writes UTF-8 bytes straight to stdout's buffer,
    between text writes (record headers, damage notes) that must stay in order."""
    import os
    import subprocess

    body = corpus.list_pods(1 << 15) + _field(7, 2, "ß✓ 中文".encode()) + _field(8, 2, b"x" * 5) * 4
    if shape == "stream":
        data = b"".join(encode_varint(len(m)) + m for m in (body, _field(1, 0, b"\x01"), body))
    elif shape == "damaged":
        data = body + b"\x0a\x20abc"
    else:
        data = body
    path = tmp_path / "in.bin"
    path.write_bytes(data)
    for fmt in ("raw", "json"):
        outs = []
        for pure, unbuffered in (("0", "0"), ("0", "1"), ("1", "0")):  # -u: stdout's FileIO has no buffer
            env = {**os.environ, render.PURE_ENV: pure, "PYTHONIOENCODING": "utf-8"}
            env.pop("PYTHONUNBUFFERED", None)
            if unbuffered == "1":
                env["PYTHONUNBUFFERED"] = "1"
            argv = [sys.executable, str(ROOT / "main.py"), "proto", "decode", str(path), "--format", fmt]
            done = subprocess.run(argv, capture_output=True, env=env, timeout=120, check=False)
            outs.append((done.returncode, done.stdout, done.stderr))
        assert outs[0] == outs[2] and outs[1] == outs[2], fmt
        if fmt == "raw":
            assert outs[0][1].count(b"# record ") == (3 if shape == "stream" else 0)


def _scan_both(data: bytes, start: int, end: int, limit: int | None) -> tuple[Any, Any]:
    from pelorus.protobuf import refscan

    def plain(got: Any) -> Any:
        recs, stop, after, et = got
        return list(recs), None if stop is None else (stop.offset, stop.code, stop.a, stop.b), after, et

    with pytest.MonkeyPatch.context() as mp:
        mp.delenv(render.PURE_ENV, raising=False)
        fast = plain(refscan.scan_fields(memoryview(data), start, end, 0, 0, limit))
        mp.setenv(render.PURE_ENV, "1")
        pure = plain(refscan.scan_fields(memoryview(data), start, end, 0, 0, limit))
    return fast, pure


@needs_c
@pytest.mark.slow
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=damaged() | messages(), cut=st.integers(0, 40), limit=st.none() | st.integers(0, 300))
def test_the_scan_of_a_level_is_the_same_in_c_and_python(data: bytes, cut: int, limit: int | None) -> None:
    """refscan.scan_fields takes the C scan when the level is clean: the same records, stop and offsets."""
    fast, pure = _scan_both(data, min(cut, len(data)), len(data), limit)
    assert fast == pure


def test_without_the_extension_the_cli_decodes_in_pure_python(tmp_path: Path) -> None:
    """An install that could not compile the extension (it is optional in setup.py) still decodes."""
    import subprocess

    path = tmp_path / "in.bin"
    path.write_bytes(_field(1, 0, b"\x01") + _field(2, 2, b"hi"))
    probe = ("import sys\nsys.modules['pelorus.protobuf._rawwire'] = None  # as if it was never built\n"
             "from pelorus.protobuf import cli, refscan, render\n"
             "assert render.native_raw_text() is None and refscan._SCAN_CLEAN is None\n"
             f"sys.exit(cli.main(['decode', {str(path)!r}, '--format', 'raw']))\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout == '1: True  # bool @0\n2: "hi"  # string @2\n'


@needs_c
@settings(max_examples=3000, deadline=None)
@given(st.floats(allow_nan=True, allow_infinity=True) | st.floats(min_value=1e-4, max_value=2.0 ** 53)
       | st.integers(0, (1 << 64) - 1).map(lambda u: struct.unpack("<d", struct.pack("<Q", u))[0])
       | st.floats(width=32, allow_nan=False, allow_infinity=False))
def test_floats_are_printed_as_repr_prints_them(d: float) -> None:
    """The C side's own shortest-digits search (1e-4 <= |d| < 2**53; elsewhere CPython's) prints repr's text."""
    from pelorus.protobuf._rawwire import float_text

    assert float_text(d) == repr(d)


@needs_c
def test_floats_near_the_edges_of_the_fast_search_are_printed_as_repr_prints_them() -> None:
    r = random.Random(2026)
    vals = [0.1, 0.5, 1.0, 1e-4, 9.999999999999999e-05, 1e15, 2.0 ** 53 - 1, 2.0 ** 53, 1e16, 5e-324, -0.0, 0.0,
            0.3, 2 / 3, 123456789.5, 9.5, 0.125, 4503599627370497.5, 1.7976931348623157e308]
    for _ in range(20_000):
        exp = r.randrange(1009, 1077)  # 1e-4 .. 2**53: the fast search's range
        frac = r.choice([0, 1, (1 << 52) - 1, r.randrange(1 << 52)])
        vals.append(struct.unpack("<d", struct.pack("<Q", exp << 52 | frac))[0])
        vals.append(struct.unpack("<f", struct.pack("<f", r.uniform(-1e6, 1e6)))[0])
        vals.append(r.randrange(1, 10 ** r.randrange(1, 17)) / 10 ** r.randrange(0, 20))
    from pelorus.protobuf._rawwire import float_text

    for d in vals:
        for v in (d, -d):
            assert float_text(v) == repr(v)


@needs_c
@pytest.mark.parametrize("buffering", [-1, 0])
def test_the_c_side_writes_to_stdouts_file_between_python_writes(tmp_path: Path, buffering: int,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """stdout over a file: the C renderer writes its batches to the file descriptor itself, in order with
    what Python writes before and after them (stdout is flushed first)."""
    import io

    data = corpus.list_pods(1 << 14) + _field(7, 2, "ß✓ 中文".encode()) + _field(8, 2, b"x" * 5) * 4
    monkeypatch.setattr(render, "NATIVE_BATCH_BYTES", 4096)
    monkeypatch.delenv(render.PURE_ENV, raising=False)
    want = render.raw_text(decode(data)), render.raw_json_text(decode(data))
    for k, (write_out, expected) in enumerate(((render.write_raw_text, want[0]), (render.write_raw_json, want[1]))):
        path = tmp_path / f"out{k}{buffering}.txt"
        raw = io.FileIO(str(path), "w")
        stream = io.TextIOWrapper(raw if buffering == 0 else io.BufferedWriter(raw), encoding="utf-8",  # type: ignore[arg-type]
                                  write_through=buffering == 0)
        with monkeypatch.context() as m:
            m.setattr(sys, "stdout", stream)
            assert render._stdout_fd() == raw.fileno()
            stream.write("before\n")
            write_out(decode(data), stream.write)
            stream.write("after\n")
            stream.flush()
        stream.close()
        assert path.read_text(encoding="utf-8") == "before\n" + expected + "after\n"
