"""Acceptance: the schemaless raw decode agrees field by field with `protoc --decode_raw` on a seeded
random corpus (every wire type, over-long varints, groups, nesting, packed runs, long values, and a
large message that takes the batch renderer).

Where the two decoders differ by design the corpus stays out of the way: protoc shows any payload
that parses as a message as one, Pelorus prefers printable text (so strings here start with ``f``,
whose wire type 6 cannot open a message) and ranks messages with field numbers above 10000 low (so
numbers stay below); protoc refuses tags and length prefixes longer than 5 bytes (Pelorus reads
them), so the corpus pads them to 5 at most. Values are compared as wire values: our JSON's reading
is encoded back (readings.encode_value) and must give protoc's number or bytes; a packed run is
compared as the values it holds (an over-long varint inside it is re-encoded short).
"""

from __future__ import annotations

import base64
import json
import random
import re
import shutil
import struct
import subprocess
import sys
from typing import Any

import pytest

from pelorus.protobuf import fastrender
from pelorus.protobuf.readings import encode_value
from pelorus.protobuf.render import raw_json_text, raw_text
from pelorus.protobuf.schemaless import decode
from pelorus.protobuf.wire import encode_varint, read_varint


def _protoc() -> list[str] | None:
    found = shutil.which("protoc")
    if found:
        return [found, "--decode_raw"]
    try:
        import grpc_tools  # noqa: F401
    except ImportError:
        return None
    return [sys.executable, "-m", "grpc_tools.protoc", "--decode_raw"]


PROTOC = _protoc()
needs_protoc = pytest.mark.skipif(PROTOC is None, reason="no protoc: neither Debian's protobuf-compiler "
                                  "(apt-get install protobuf-compiler) nor grpcio-tools is installed")


def _v(r: random.Random, value: int, most: int = 10) -> bytes:
    """``value`` as a varint, sometimes over-long (up to ``most`` bytes: protoc refuses tags and length
    prefixes longer than 5 bytes, which Pelorus reads)."""
    minimal = len(encode_varint(value))
    return encode_varint(value, width=max(minimal, min(most, minimal + r.choice([0, 0, 0, 0, 1, 4]))))


def gen(r: random.Random, depth: int, fields: int) -> bytes:
    """A message that opens with a varint field (so it is never printable text) and then random fields."""
    out = bytearray(b"\x08" + _v(r, r.randrange(2**64)))
    for _ in range(r.randrange(fields)):
        number = r.choice([r.randrange(1, 16), r.randrange(16, 2048), r.randrange(2048, 10001)])
        wt = r.choice([0, 0, 1, 2, 2, 2, 5] + ([3] if depth else []))
        out += _v(r, number << 3 | wt, 5)
        if wt == 0:
            out += _v(r, r.choice([0, 1, r.randrange(128), r.randrange(2**35), r.randrange(2**64)]))
        elif wt == 1:
            out += r.choice([struct.pack("<d", r.gauss(0, 1e3)), r.randbytes(8)])
        elif wt == 5:
            out += r.choice([struct.pack("<f", r.uniform(-1e3, 1e3)), r.randbytes(4)])
        elif wt == 3:
            out += gen(r, depth - 1, fields) + encode_varint(number << 3 | 4)
        else:
            kind = r.randrange(6) if depth else r.randrange(1, 6)
            if kind == 0:
                payload = gen(r, depth - 1, fields)
            elif kind == 1:
                payload = ("f" + "".join(r.choice("abc XYZ019 -_:.,ß✓\t") for _ in range(r.randrange(90)))).encode()
            elif kind == 2:
                payload = b"\x07" + r.randbytes(r.randrange(100))
            elif kind == 3:
                payload = b""
            elif kind == 4:
                payload = b"\x07" + b"".join(encode_varint(r.randrange(2**20)) for _ in range(r.randrange(60)))
            else:
                payload = b"\x07" + struct.pack(f"<{(k := r.randrange(1, 50))}f", *(r.uniform(-9, 9) for _ in range(k)))
            out += _v(r, len(payload), 5) + payload
    return bytes(out)


_LINE = re.compile(r'^\s*(\d+)(?:: (.*)| \{)$')


def _unescape(text: str) -> bytes:
    """protoc's C-escaped string literal (without the quotes) as bytes."""
    raw = text.encode("utf-8")
    out = bytearray()
    i = 0
    simple = {ord("n"): 10, ord("r"): 13, ord("t"): 9, ord('"'): 34, ord("'"): 39, ord("\\"): 92}
    while i < len(raw):
        c = raw[i]
        if c != 0x5C:
            out.append(c)
            i += 1
            continue
        nxt = raw[i + 1]
        if nxt in simple:
            out.append(simple[nxt])
            i += 2
        else:
            out.append(int(raw[i + 1 : i + 4], 8))
            i += 4
    return bytes(out)


def parse_protoc(text: str) -> list[Any]:
    """protoc --decode_raw text as nested lists of (number, 'msg', [...]) or (number, 'value', int | bytes)."""
    stack: list[list[Any]] = [[]]
    for line in text.splitlines():
        if line.strip() == "}":
            done = stack.pop()
            stack[-1][-1] = (stack[-1][-1][0], "msg", done)
            continue
        m = _LINE.match(line)
        assert m, line
        number = int(m.group(1))
        value = m.group(2)
        if value is None:
            stack[-1].append((number, "msg", None))
            stack.append([])
        elif value.startswith('"'):
            stack[-1].append((number, "value", _unescape(value[1:-1])))
        elif value.startswith("0x"):
            stack[-1].append((number, "value", int(value, 16)))
        else:
            stack[-1].append((number, "value", int(value)))
    assert len(stack) == 1
    return stack[0]


def from_ours(obj: dict[str, Any]) -> list[Any]:
    """Our --format json tree in the same shape, values encoded back to wire values."""
    out: list[Any] = []
    for f in obj["fields"]:
        times = f.get("repeated", 1)
        if "message" in f:
            item: Any = (f["number"], "msg", from_ours(f["message"]))
        else:
            kind, value = f["kind"], f["value"]
            if kind == "bytes":
                value = base64.b64decode(value)
            wt, raw = encode_value(kind, value)
            if wt == 0:
                item = (f["number"], "value", read_varint(raw, 0)[0])
            elif wt in (1, 5):
                item = (f["number"], "value", int.from_bytes(raw, "little"))
            elif kind.startswith("packed_"):  # compared as values: an over-long varint in a run is re-encoded short
                item = (f["number"], "packed", (kind, raw))
            else:
                item = (f["number"], "value", raw)
        out += [item] * times
    return out


def _canonical_packed(kind: str, payload: bytes) -> bytes:
    """protoc's bytes read as ``kind`` and encoded back the way encode_value does."""
    if kind in ("packed_varint", "packed_sint64"):
        values, pos = [], 0
        while pos < len(payload):
            v, pos = read_varint(payload, pos)
            values.append(v)
        return encode_value("packed_varint", values)[1]  # zigzag or not, the varints are the same
    return payload  # fixed-width runs have one encoding


def agree(ours: list[Any], theirs: list[Any]) -> list[Any]:
    """``theirs`` with each value in the form ours has (packed runs read as ours reads them)."""
    out: list[Any] = []
    for mine, (number, kind, value) in zip(ours, theirs, strict=False):
        if kind == "msg" and mine[1] == "msg":
            out.append((number, kind, agree(mine[2], value)))
        elif mine[1] == "packed" and isinstance(value, bytes):
            out.append((number, "packed", (mine[2][0], _canonical_packed(mine[2][0], value))))
        else:
            out.append((number, kind, value))
    return out + theirs[len(out):]


def _protoc_tree(data: bytes) -> list[Any]:
    assert PROTOC is not None
    done = subprocess.run(PROTOC, input=data, capture_output=True, timeout=120, check=True)
    return parse_protoc(done.stdout.decode("utf-8"))


@needs_protoc
@pytest.mark.slow
@pytest.mark.parametrize("seed", range(6))
def test_raw_decode_agrees_with_protoc_field_by_field(seed: int) -> None:
    r = random.Random(seed)
    data = b"".join(gen(r, 3, 12) for _ in range(r.randrange(1, 40)))
    want = _protoc_tree(data)
    got = from_ours(json.loads(raw_json_text(decode(data))))
    assert got == agree(got, want)
    # the text view shows the same fields in the same order, at the same depth
    text = raw_text(decode(data))
    shown = [(len(m.group(1)) // 2, int(m.group(2))) for m in re.finditer(r"^( *)(\d+)[: ]", text, re.M)]
    assert shown == list(_flatten(want))


@needs_protoc
@pytest.mark.slow
def test_a_large_message_agrees_with_protoc_through_the_batch_renderer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fastrender, "BATCH_BYTES", 4096)
    r = random.Random(99)
    data = b"".join(b"\x0a" + encode_varint(len(m)) + m for m in (gen(r, 3, 10) for _ in range(800)))
    assert fastrender.usable(decode(data), None)
    got = from_ours(json.loads(raw_json_text(decode(data))))
    assert got == agree(got, _protoc_tree(data))


def _flatten(tree: list[Any], depth: int = 0) -> Any:
    for number, kind, value in tree:
        yield depth, number
        if kind == "msg":
            yield from _flatten(value, depth + 1)


def test_protoc_text_parser_reads_what_protoc_prints() -> None:
    text = '1: 0x00000001\n2: "a\\007\\n\\"\\377"\n3 {\n  1: 18446744073709551615\n}\n'
    assert parse_protoc(text) == [(1, "value", 1), (2, "value", b'a\x07\n"\xff'),
                                  (3, "msg", [(1, "value", 2**64 - 1)])]
