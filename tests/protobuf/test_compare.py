"""Comparing two messages: field alignment (by number, index, map key), byte ranges, byte diff."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from proto_strategies import job_specs, raw_messages

from console.api import job_pb2
from console.protobuf.compare import ADDED, CHANGED, REMOVED, CompareCancelled, Comparison, compare
from console.protobuf.document import Document
from console.protobuf.readings import best
from console.protobuf.schema import SchemaRegistry
from console.protobuf.schemaless import Field, Message
from console.protobuf.wire import LEN, SGROUP, VARINT, encode_varint, read_varint

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def reads_as_message(f: Field) -> Message | None:
    """The rule compare() uses schemalessly: a clean parse whose top reading is a message."""
    if f.wire_type == SGROUP:
        return f.message()
    if f.wire_type != LEN:
        return None
    m = f.message()
    return m if m is not None and best(f).kind in ("message", "group") else None


def leaves(msg: Message, path: tuple[int, ...] = ()) -> list[tuple[tuple[int, ...], Field]]:
    out: list[tuple[tuple[int, ...], Field]] = []
    for i, f in enumerate(msg):
        child = reads_as_message(f)
        if child is not None:
            out += leaves(child, (*path, i))
        else:
            out.append(((*path, i), f))
    return out


def ancestors_read_as_messages(doc: Document, path: tuple[int, ...]) -> bool:
    level = doc.root
    for i in path[:-1]:
        child = reads_as_message(level[i])
        if child is None:
            return False
        level = child
    return True


def new_value(f: Field, data: Any) -> bytes:
    """Raw value bytes of the same wire type that differ in value from ``f``'s."""
    if f.wire_type == VARINT:
        old = read_varint(f.value, 0)[0]
        v = data.draw(st.integers(0, 2**64 - 1).filter(lambda x: x != old))
        return encode_varint(v)
    if f.wire_type == LEN:
        # a leading 0 byte can start neither a field nor printable text: the value stays a leaf
        return b"\x00" + data.draw(st.binary(max_size=8).filter(lambda x: b"\x00" + x != f.value))
    width = len(f.value)
    return data.draw(st.binary(min_size=width, max_size=width).filter(lambda x: x != f.value))


def only(result: Comparison) -> Any:
    assert len(result.differences) == 1, [d.describe() for d in result.differences]
    return result.differences[0]


# -- equality -------------------------------------------------------------------------------------


@FAST
@given(job_specs())
def test_a_message_compared_with_itself_is_equal(registry: SchemaRegistry, spec: job_pb2.JobSpec) -> None:
    data = spec.SerializeToString()
    for type_name in ("pelorus.v1.JobSpec", None):
        result = compare(data, bytes(data), registry, type_name)
        assert result.equal and result.differences == [] and result.byte_ops() == []


@FAST
@given(raw_messages())
def test_raw_wire_data_compared_with_itself_is_equal(data: bytes) -> None:
    result = compare(data, bytearray(data))
    assert result.equal and not result.errors


# -- one edit = one difference -------------------------------------------------------------------


@FAST
@given(raw_messages(), st.data())
def test_one_edit_is_reported_as_exactly_that_change(data: bytes, draw: Any) -> None:
    doc = Document(data)
    candidates = [(p, f) for p, f in leaves(doc.root) if f.wire_type != SGROUP]
    assume(candidates)
    path, f = draw.draw(st.sampled_from(candidates))
    edit = doc.set_field(path, new_value(f, draw))
    assume(ancestors_read_as_messages(doc, path))  # the edit may turn a parent into "text"
    _chain, g = doc.resolve(path)
    result = compare(data, doc.data)
    d = only(result)
    assert d.kind == CHANGED and not d.encoding_only
    assert d.left.index_path == path and d.right.index_path == path
    assert (d.left.start, d.left.end) == (f.tag_offset, f.end)
    assert (d.right.start, d.right.end) == (g.tag_offset, g.end)
    assert (d.left.value_start, d.right.value_start) == (f.value_offset, g.value_offset)
    # the byte diff stays inside the bytes the edit spliced (the value and enclosing length prefixes)
    ops = result.byte_ops()
    assert ops
    spliced: list[tuple[int, int]] = []
    for s in edit.splices:  # adjacent splices (a length prefix right before the value) are one range
        lo, hi = s.offset, s.offset + len(s.old)
        if spliced and spliced[-1][1] == lo:
            lo = spliced.pop()[0]
        spliced.append((lo, hi))
    for op in ops:
        assert any(lo <= op.a0 and op.a1 <= hi for lo, hi in spliced), (op, spliced)


@FAST
@given(raw_messages(), st.data())
def test_removing_or_inserting_a_field_is_one_removal_or_addition(data: bytes, draw: Any) -> None:
    doc = Document(data)
    root = doc.root
    numbers = [f.number for f in root]
    unique = [i for i, f in enumerate(root) if numbers.count(f.number) == 1]
    if unique and draw.draw(st.booleans()):
        i = draw.draw(st.sampled_from(unique))
        f = root[i]
        doc.remove_field((i,))
        d = only(compare(data, doc.data))
        assert d.kind == REMOVED and d.right is None
        assert d.left.index_path == (i,) and (d.left.start, d.left.end) == (f.tag_offset, f.end)
    else:
        number = draw.draw(st.integers(1, 2**29 - 1).filter(lambda n: n not in numbers))
        at = draw.draw(st.integers(0, len(root)))
        doc.insert_field((), at, number, draw.draw(st.integers(0, 2**64 - 1)), "uint64")
        g = doc.root[at]
        d = only(compare(data, doc.data))
        assert d.kind == ADDED and d.left is None
        assert d.right.index_path == (at,) and (d.right.start, d.right.end) == (g.tag_offset, g.end)


def schema_leaves(msg: Message, desc: Any, path: tuple[int, ...] = ()) -> list[tuple[tuple[int, ...], Field]]:
    """Scalar fields reached through the schema's message fields (maps and Any left out)."""
    out: list[tuple[tuple[int, ...], Field]] = []
    for i, f in enumerate(msg):
        fd = desc.fields_by_number.get(f.number)
        if fd is None:
            continue
        if fd.message_type is not None:
            if fd.message_type.GetOptions().map_entry or fd.message_type.full_name == "google.protobuf.Any":
                continue
            child = f.message()
            if child is not None:
                out += schema_leaves(child, fd.message_type, (*path, i))
        elif not (fd.is_repeated and f.wire_type == LEN and fd.type not in (fd.TYPE_STRING, fd.TYPE_BYTES)):
            out.append(((*path, i), f))  # (packed numbers are compared per element: not this test)
    return out


@FAST
@given(job_specs(), st.data())
def test_one_edit_with_a_schema_is_exactly_that_change(registry: SchemaRegistry, spec: job_pb2.JobSpec,
                                                       draw: Any) -> None:
    data = spec.SerializeToString()
    doc = Document(data)
    desc = registry.find("pelorus.v1.JobSpec")
    candidates = schema_leaves(doc.root, desc)
    assume(candidates)
    path, f = draw.draw(st.sampled_from(candidates))
    doc.set_field(path, new_value(f, draw))
    _chain, g = doc.resolve(path)
    d = only(compare(data, doc.data, registry, "pelorus.v1.JobSpec"))
    assert d.kind == CHANGED and d.left.index_path == path == d.right.index_path
    assert (d.left.start, d.left.end, d.right.start, d.right.end) == (f.tag_offset, f.end, g.tag_offset, g.end)
    # named by the schema, one name per level: "default_spec.resources.cpu", "default_spec.args[1]"
    assert d.path.count(".") == len(path) - 1 and not any(p[:1].isdigit() for p in d.path.split("."))


@FAST
@given(job_specs(), st.integers(0, 2**32 - 1))
def test_schema_edit_of_a_nested_field(registry: SchemaRegistry, spec: job_pb2.JobSpec, cpu_count: int) -> None:
    spec.default_spec.command = "sh"
    data = spec.SerializeToString()
    doc = Document(data)
    # default_spec (7) → command (1): find both by number
    top = next(i for i, f in enumerate(doc.root) if f.number == 7)
    inner = doc.root[top].message()
    assert inner is not None
    idx = next(i for i, f in enumerate(inner) if f.number == 1)
    old = inner[idx]
    doc.set_field((top, idx), "bash", "string")
    d = only(compare(data, doc.data, registry, "JobSpec"))
    assert d.path == "default_spec.command" and d.kind == CHANGED
    assert (d.left.value, d.right.value) == ('"sh"', '"bash"')
    assert (d.left.start, d.left.end) == (old.tag_offset, old.end)
    assert d.left.type == "string"


# -- alignment -------------------------------------------------------------------------------------


def test_repeated_items_align_by_index_and_maps_by_key(registry: SchemaRegistry) -> None:
    a = job_pb2.JobSpec(name="x", labels={"team": "web", "env": "dev", "tier": "1"})
    a.default_spec.args.extend(["-c", "echo", "hi"])
    b = job_pb2.JobSpec(name="x", labels={"tier": "1", "env": "prod", "new": "y"})  # other map order too
    b.default_spec.args.extend(["-c", "echo"])
    result = compare(a.SerializeToString(), b.SerializeToString(), registry, "JobSpec")
    got = {(d.kind, d.path) for d in result.differences}
    assert got == {(REMOVED, 'labels["team"]'), (CHANGED, 'labels["env"]'), (ADDED, 'labels["new"]'),
                   (REMOVED, "default_spec.args[2]")}
    env = next(d for d in result.differences if d.path == 'labels["env"]')
    assert (env.left.value, env.right.value) == ('"dev"', '"prod"')
    team = next(d for d in result.differences if d.kind == REMOVED and d.path.startswith("labels"))
    assert team.left.value == '"team" → "web"'


def test_packed_and_unpacked_repeated_scalars_compare_by_element() -> None:
    reg = SchemaRegistry()
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "nums.proto"
        p.write_text('syntax = "proto3"; package t; message Nums { repeated int32 v = 1; string s = 2; }')
        reg.compile_protos([p])
    packed = b"\x0a\x03\x01\x02\x03"  # v = [1, 2, 3] packed
    unpacked = b"\x08\x01\x08\x02\x08\x03"
    changed = b"\x0a\x03\x01\x07\x03"
    r = compare(packed, unpacked, reg, "t.Nums")
    d = only(r)
    assert d.encoding_only and "packed" in d.note
    d = only(compare(packed, changed, reg, "t.Nums"))
    assert d.path == "v[1]" and (d.left.value, d.right.value) == ("2", "7")
    assert (d.left.start, d.left.end) == (3, 4) and d.left.index_path == (0,)
    d = only(compare(unpacked, b"\x08\x01\x08\x02", reg, "t.Nums"))
    assert d.kind == REMOVED and d.path == "v[2]" and (d.left.start, d.left.end) == (4, 6)


def test_any_is_compared_as_its_packed_type(registry: SchemaRegistry) -> None:
    a = job_pb2.JobSpec()
    a.data.Pack(job_pb2.Progress(successful=5, failed=1))
    b = job_pb2.JobSpec()
    b.data.Pack(job_pb2.Progress(successful=5, failed=2))
    d = only(compare(a.SerializeToString(), b.SerializeToString(), registry, "JobSpec"))
    assert d.path == "data.value.failed" and (d.left.value, d.right.value) == ("1", "2")


def test_encoding_only_changes_are_flagged() -> None:
    d = only(compare(b"\x08\x01", b"\x08\x81\x00"))  # over-long varint, same value
    assert d.kind == CHANGED and d.encoding_only and d.note.startswith("same value")
    d = only(compare(b"\x0a\x04\x08\x01\x10\x02", b"\x0a\x04\x10\x02\x08\x01"))  # nested fields reordered
    assert d.encoding_only and d.path == "1"


def test_schemaless_nested_difference_and_wire_type_change() -> None:
    a = b"\x0a\x04\x08\x01\x10\x02\x18\x05"
    b = b"\x0a\x04\x08\x01\x10\x03\x18\x05"
    d = only(compare(a, b))
    assert d.path == "1.2" and d.left.index_path == (0, 1) and (d.left.start, d.left.end) == (4, 6)
    d = only(compare(b"\x08\x05", b"\x0d\x00\x00\x80\x3f"))
    assert "wire type" in d.note


def test_damaged_input_compares_the_valid_part_and_names_the_damage() -> None:
    good = job_pb2.JobSpec(name="abc", owner="def", instance_count=4).SerializeToString()
    cut = good[:7]
    result = compare(good, cut)
    assert [(s, e.offset) for s, e in result.errors] == [("right", 6)]
    assert {(d.kind, d.path) for d in result.differences} == {(REMOVED, "2"), (REMOVED, "6"),
                                                             (ADDED, "<undecoded bytes>")}
    tail = next(d for d in result.differences if d.kind == ADDED)
    assert (tail.right.start, tail.right.end) == (5, 7) and "damaged at offset 6" in tail.note


def test_max_differences_and_cancel() -> None:
    a = b"".join(b"\x08" + encode_varint(i) for i in range(5000))
    b = b"".join(b"\x08" + encode_varint(i + 1) for i in range(5000))
    r = compare(a, b, max_differences=10)
    assert r.truncated and len(r.differences) == 10 and not r.equal
    stop = threading.Event()
    stop.set()
    with pytest.raises(CompareCancelled):
        compare(a, b, cancel=stop)
    with pytest.raises(CompareCancelled):
        r.byte_ops(cancel=stop)
    assert len(r.byte_ops()) == 10
    seen: list[float] = []
    compare(a, b, progress=seen.append)
    assert seen and seen[-1] == 1.0 and seen == sorted(seen)
