"""Deterministic protobuf messages of three kinds, any size: the corpus of bench/proto_raw_decode.py
and of the golden tests (tests/protobuf/test_golden_decode.py).

- :func:`list_pods`: the project's own ``pelorus.v1.ListPodsResponse`` (strings, varints incl.
  negative int32, doubles, nested timestamps / progress / usage).
- :func:`all_types`: ``pelorus.bench.AllTypesList`` (bench/protos/alltypes.proto, every field type
  the way protobuf's unittest TestAllTypes has them: packed and unpacked repeated scalars,
  fixed-width fields, enums, maps, oneofs).
- :func:`descriptor_set`: a ``google.protobuf.FileDescriptorSet`` (descriptor.proto, the project's
  protos and alltypes.proto, repeated under new file names up to the size asked).
- :func:`random_wire`: seeded random wire data (over-long varints and tags, groups, packed-looking
  payloads, nesting) and damaged copies of it.
"""

from __future__ import annotations

import random
import struct
import sys
from functools import cache
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from google.protobuf import descriptor_pb2
from google.protobuf.message import Message

from pelorus.api import job_service_pb2
from pelorus.protobuf.schema import SchemaRegistry
from pelorus.protobuf.wire import encode_varint

PROTOS = Path(__file__).resolve().parent / "protos"
ALLTYPES_PROTO = PROTOS / "alltypes.proto"
ALLTYPES = "pelorus.bench.AllTypesList"
LIST_PODS = "pelorus.v1.ListPodsResponse"
FILE_DESCRIPTOR_SET = "google.protobuf.FileDescriptorSet"


@cache
def registry() -> SchemaRegistry:
    """The project's types, the well-known ones and alltypes.proto."""
    reg = SchemaRegistry()
    reg.compile_protos([str(ALLTYPES_PROTO)], [str(PROTOS)])
    return reg


def list_pods(target: int, seed: int = 1) -> bytes:
    """A ListPodsResponse of at least ``target`` bytes (deterministic for a seed)."""
    r = random.Random(seed)
    resp = job_service_pb2.ListPodsResponse()
    i = 0
    size = 0
    while size < target:
        p = resp.pods.add()
        p.pod_name = f"job-{i // 10}-{i % 10}"
        p.job_id = f"job-{i // 10}"
        p.instance_id = i % 10
        p.revision = r.randrange(1, 1 << 40)
        s = p.status
        s.state = r.randrange(0, 16)
        s.desired_state = 9
        s.pod_id = p.pod_name + "-1"
        s.run = r.randrange(5)
        s.attempt = 1
        s.host = f"host{r.randrange(100)}.example"
        s.pid = r.randrange(1 << 20)
        s.executor = "local"
        s.created_at.seconds = 1_700_000_000 + i
        s.created_at.nanos = r.randrange(10**9)
        s.started_at.seconds = 1_700_000_005 + i
        s.exit_code = r.choice([0, 1, -9])
        s.has_exit_code = True
        s.reason = "FAILED" if s.exit_code else "SUCCEEDED"
        s.message = f"exit status {s.exit_code}"
        s.progress.successful = r.randrange(1000)
        s.progress.remaining = r.randrange(1000)
        s.usage.cpu_seconds = r.random() * 100
        s.usage.memory_rss_bytes = r.randrange(1 << 32)
        s.version.value = r.randrange(1000)
        size += p.ByteSize() + 3
        i += 1
    resp.revision = 12345
    resp.last = True
    return resp.SerializeToString(deterministic=True)


def _fill_all(m: Message, r: random.Random, i: int) -> None:
    """Every field of one AllTypes (repeated ones with 0..40 values, so some runs exceed 32)."""
    m.optional_int32 = r.randrange(-(2**31), 2**31)
    m.optional_int64 = r.randrange(-(2**63), 2**63)
    m.optional_uint32 = r.randrange(2**32)
    m.optional_uint64 = r.randrange(2**64)
    m.optional_sint32 = r.randrange(-(2**31), 2**31)
    m.optional_sint64 = r.randrange(-(2**63), 2**63)
    m.optional_fixed32 = r.randrange(2**32)
    m.optional_fixed64 = r.randrange(2**64)
    m.optional_sfixed32 = r.randrange(-(2**31), 2**31)
    m.optional_sfixed64 = r.randrange(-(2**63), 2**63)
    m.optional_float = r.uniform(-1e6, 1e6)
    m.optional_double = r.gauss(0, 1e3)
    m.optional_bool = bool(i % 2)
    m.optional_string = r.choice(["hello", "héllo wörld", "tab\there", "line\nbreak", f"item {i}", "\x01ctl", ""])
    m.optional_bytes = bytes(r.randrange(256) for _ in range(r.randrange(0, 80)))
    m.optional_nested_message.bb = r.randrange(-5, 1000)
    m.optional_nested_message.note = f"n{i}"
    m.optional_nested_enum = r.choice([0, 1, 2, 3, -1])
    n = r.randrange(0, 41)
    m.repeated_int32.extend(r.randrange(-(2**31), 2**31) for _ in range(n))
    m.repeated_int64.extend(r.randrange(-(2**40), 2**40) for _ in range(n))
    m.repeated_uint32.extend(r.randrange(2**32) for _ in range(n))
    m.repeated_uint64.extend(r.randrange(2**64) for _ in range(n))
    m.repeated_sint32.extend(r.randrange(-1000, 1000) for _ in range(n))
    m.repeated_sint64.extend(r.randrange(-(2**50), 2**50) for _ in range(n))
    m.repeated_fixed32.extend(r.randrange(2**32) for _ in range(n))
    m.repeated_fixed64.extend(r.randrange(2**64) for _ in range(n))
    m.repeated_sfixed32.extend(r.randrange(-(2**31), 2**31) for _ in range(n))
    m.repeated_sfixed64.extend(r.randrange(-(2**63), 2**63) for _ in range(n))
    m.repeated_float.extend(r.uniform(-100, 100) for _ in range(n))
    m.repeated_double.extend(r.gauss(0, 1) for _ in range(n))
    m.repeated_bool.extend(r.random() < 0.5 for _ in range(n))
    m.repeated_string.extend(f"s{i}.{k}" for k in range(n % 5))
    m.repeated_bytes.extend(bytes([k, 0, 255 - k]) for k in range(n % 4))
    for k in range(n % 3):
        m.repeated_nested_message.add(bb=k, note="x" * k)
    m.repeated_nested_enum.extend(r.choice([0, 1, 2, 3]) for _ in range(n % 7))
    m.unpacked_int32.extend(r.randrange(-100, 100) for _ in range(n % 6))
    m.unpacked_double.extend(r.random() for _ in range(n % 4))
    m.unpacked_fixed32.extend(r.randrange(2**32) for _ in range(n % 4))
    for k in range(n % 4):
        m.map_string_int32[f"k{k}"] = k * i
        m.map_int32_message[k].bb = k
    which = i % 4
    if which == 0:
        m.oneof_uint32 = i
    elif which == 1:
        m.oneof_nested_message.bb = i
    elif which == 2:
        m.oneof_string = f"one {i}"
    else:
        m.oneof_bytes = b"\x00\x01" * (i % 5)


def all_types(target: int, seed: int = 1) -> bytes:
    """An AllTypesList of at least ``target`` bytes (every field type, deterministic for a seed)."""
    r = random.Random(seed)
    lst = registry().new(ALLTYPES)
    items = getattr(lst, "items")
    i = 0
    size = 0
    while size < target:
        m = items.add()
        _fill_all(m, r, i)
        size += m.ByteSize() + 4
        i += 1
    return lst.SerializeToString(deterministic=True)


@cache
def _descriptor_files() -> tuple[bytes, ...]:
    # Files that do not change with the project's API or protobuf's version (descriptor.proto does),
    # so the golden decode tests keep their corpus: the well-known types and the benchmark's own.
    from google.protobuf import any_pb2, duration_pb2, field_mask_pb2, struct_pb2, timestamp_pb2, wrappers_pb2

    reg = registry()
    files = [m.DESCRIPTOR for m in (any_pb2, duration_pb2, field_mask_pb2, struct_pb2, timestamp_pb2, wrappers_pb2)]
    files.append(reg.pool.FindFileByName("alltypes.proto"))
    out = []
    for fd in files:
        fdp = descriptor_pb2.FileDescriptorProto()
        fd.CopyToProto(fdp)
        out.append(fdp.SerializeToString(deterministic=True))
    return tuple(out)


def descriptor_set(target: int) -> bytes:
    """A FileDescriptorSet of at least ``target`` bytes: real descriptors, repeated under new names."""
    fds = descriptor_pb2.FileDescriptorSet()
    size = 0
    copy = 0
    while size < target or not fds.file:
        for raw in _descriptor_files():
            fdp = fds.file.add()
            fdp.ParseFromString(raw)
            if copy:
                fdp.name = f"copy{copy}/{fdp.name}"
            size += fdp.ByteSize() + 4
        copy += 1
    return fds.SerializeToString(deterministic=True)


def _padded(r: random.Random, value: int) -> bytes:
    minimal = len(encode_varint(value))
    extra = r.choice([0, 0, 0, 0, 1, 3])
    return encode_varint(value, width=min(10, minimal + extra))


def random_wire(r: random.Random, depth: int = 3, fields: int = 8) -> bytes:
    """Random valid wire data: every wire type, over-long varints, groups, nested messages, text,
    packed-looking payloads (varints, floats, doubles), and repeated field numbers in any order."""
    out = bytearray()
    for _ in range(r.randrange(0, fields)):
        number = r.choice([r.randrange(1, 20), r.randrange(1, 2**29), r.randrange(10000, 20000)])
        wt = r.choice([0, 0, 1, 2, 2, 2, 5] + ([3] if depth > 0 else []))
        out += _padded(r, (number << 3) | wt)
        if wt == 0:
            out += _padded(r, r.choice([0, 1, r.randrange(2**7), r.randrange(2**32), r.randrange(2**64)]))
        elif wt == 1:
            out += r.choice([struct.pack("<d", r.gauss(0, 1e3)), r.randbytes(8), struct.pack("<q", -r.randrange(9))])
        elif wt == 5:
            out += r.choice([struct.pack("<f", r.uniform(-1e3, 1e3)), r.randbytes(4),
                             struct.pack("<i", -r.randrange(9))])
        elif wt == 2:
            kind = r.randrange(8) if depth > 0 else r.randrange(1, 8)
            if kind == 0:
                payload = random_wire(r, depth - 1, fields)
            elif kind == 1:
                payload = r.choice(["text", "héllo", "tab\tnl\n", "quote \" back \\", "\x07bell", "ß" * 40,
                                    "x" * 70]).encode()
            elif kind == 2:
                payload = r.randbytes(r.randrange(0, 80))
            elif kind == 3:
                payload = b"".join(encode_varint(r.randrange(2**r.choice([7, 20, 40, 64])))
                                   for _ in range(r.randrange(1, 50)))
            elif kind == 4:
                payload = struct.pack(f"<{(k := r.randrange(1, 40))}f", *(r.uniform(-50, 50) for _ in range(k)))
            elif kind == 5:
                payload = struct.pack(f"<{(k := r.randrange(1, 40))}d", *(r.gauss(0, 9) for _ in range(k)))
            elif kind == 6:
                payload = b""
            else:
                payload = bytes(r.randrange(4)) * r.randrange(1, 12)
            out += _padded(r, len(payload)) + payload
        else:
            out += random_wire(r, depth - 1, fields) + encode_varint((number << 3) | 4)
    return bytes(out)


def damaged(r: random.Random, data: bytes) -> bytes:
    """A copy of ``data`` cut short, with a byte flipped, or with garbage appended."""
    if not data:
        return b"\x0a\x05ab"
    how = r.randrange(3)
    if how == 0:
        return data[: r.randrange(len(data))]
    if how == 1:
        b = bytearray(data)
        b[r.randrange(len(b))] ^= 1 << r.randrange(8)
        return bytes(b)
    return data + r.randbytes(r.randrange(1, 6))


def delimited(records: list[bytes]) -> bytes:
    """A writeDelimitedTo stream of ``records``."""
    return b"".join(encode_varint(len(x)) + x for x in records)
