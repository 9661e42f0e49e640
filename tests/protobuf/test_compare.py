"""Comparing two messages: field alignment (by number, index, map key), byte ranges, byte diff."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from proto_strategies import job_specs, raw_messages

from pelorus.api import job_pb2, job_service_pb2
from pelorus.protobuf import align as al
from pelorus.protobuf.compare import ADDED, CHANGED, REMOVED, CompareCancelled, Comparison, compare
from pelorus.protobuf.document import Document, encode_frame
from pelorus.protobuf.readings import best
from pelorus.protobuf.schema import SchemaRegistry
from pelorus.protobuf.schemaless import Field, Message, decode
from pelorus.protobuf.wire import LEN, SGROUP, VARINT, encode_varint, read_varint

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
@pytest.mark.slow
def test_a_message_compared_with_itself_is_equal(registry: SchemaRegistry, spec: job_pb2.JobSpec) -> None:
    data = spec.SerializeToString()
    for type_name in ("pelorus.v1.JobSpec", None):
        result = compare(data, bytes(data), registry, type_name)
        assert result.equal and result.differences == [] and result.byte_ops() == []


@FAST
@given(raw_messages())
@pytest.mark.slow
def test_raw_wire_data_compared_with_itself_is_equal(data: bytes) -> None:
    result = compare(data, bytearray(data))
    assert result.equal and not result.errors


# -- one edit = one difference -------------------------------------------------------------------


@FAST
@given(raw_messages(), st.data())
@pytest.mark.slow
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
@pytest.mark.slow
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
@pytest.mark.slow
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
@pytest.mark.slow
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


def test_repeated_items_align_and_maps_by_key(registry: SchemaRegistry) -> None:
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


def spec_with_args(args: list[str]) -> bytes:
    s = job_pb2.JobSpec(name="x")
    s.default_spec.command = "sh"
    s.default_spec.args.extend(args)
    return s.SerializeToString()


def kinds(result: Comparison) -> list[tuple[str, str, Any]]:
    return [(d.kind, d.path, d.item) for d in result.differences]


def test_an_insertion_at_the_front_is_one_addition(registry: SchemaRegistry) -> None:
    old = ["-c", "make", "all", "install"]
    a, b = spec_with_args(old), spec_with_args(["-x", *old])
    r = compare(a, b, registry, "JobSpec")
    assert kinds(r) == [(ADDED, "default_spec.args[0]", (None, 0))]
    d = r.differences[0]
    assert d.right.value == '"-x"' and b[d.right.start:d.right.end] == b"\x12\x02-x"
    # the byte diff: default_spec's length prefix, and the item inserted before the old first one
    first = a.index(b"\x12\x02-c")
    assert [(o.tag, o.a0, o.a1, o.b0, o.b1) for o in r.byte_ops()] == [
        ("replace", 4, 5, 4, 5), ("insert", first, first, d.right.start, d.right.end)]
    # schemaless, the same: repeated field 7.2 of length-delimited items
    assert [(d.kind, d.path, d.item) for d in compare(a, b).differences] == [(ADDED, "7.2[0]", (None, 0))]


def test_a_removal_in_the_middle_is_one_removal(registry: SchemaRegistry) -> None:
    a = spec_with_args(["-c", "make", "all", "install"])
    b = spec_with_args(["-c", "make", "install"])
    r = compare(a, b, registry, "JobSpec")
    assert kinds(r) == [(REMOVED, "default_spec.args[2]", (2, None))]
    d = r.differences[0]
    assert d.left.value == '"all"' and d.left.index_path[-1] == 3  # command is item 0 of the level
    js = d.to_json()
    assert js["left_index"] == 2 and js["right_index"] is None


def test_a_change_and_a_move(registry: SchemaRegistry) -> None:
    a = spec_with_args(["a", "b", "c", "d", "e", "f"])
    b = spec_with_args(["a", "c", "d", "E", "f", "b"])  # b moved to the end, e changed
    r = compare(a, b, registry, "JobSpec")
    assert kinds(r) == [(REMOVED, "default_spec.args[1]", (1, None)),
                        (CHANGED, "default_spec.args[4→3]", (4, 3)),
                        (ADDED, "default_spec.args[5]", (None, 5))]
    removed, changed, added = r.differences
    assert removed.note == "moved to default_spec.args[5]" and added.note == "moved from default_spec.args[1]"
    assert (changed.left.value, changed.right.value) == ('"e"', '"E"')


def test_repeated_messages_align_and_compare_inside(registry: SchemaRegistry) -> None:
    jobs = [job_pb2.JobSummary(job_id=f"j{i}", name=f"job {i}", instance_count=i) for i in range(6)]
    a = job_service_pb2.ListJobsResponse(jobs=jobs, revision=7)
    b = job_service_pb2.ListJobsResponse(revision=7)
    b.jobs.add(job_id="new", name="inserted")
    b.jobs.extend(jobs[:3] + jobs[4:])  # j3 removed
    b.jobs[5].instance_count = 50  # j5, now right item 5 (was left 5)
    r = compare(a.SerializeToString(), b.SerializeToString(), registry, "pelorus.v1.ListJobsResponse")
    assert kinds(r) == [(ADDED, "jobs[0]", (None, 0)), (REMOVED, "jobs[3]", (3, None)),
                        (CHANGED, "jobs[5].instance_count", (5, 5))]
    assert (r.differences[2].left.value, r.differences[2].right.value) == ("5", "50")


@pytest.mark.slow
def test_a_long_list_with_an_insertion_stays_one_addition_and_fast() -> None:
    import time

    items = [b"\x0a" + encode_varint(len(v)) + v for v in (f"item {i}".encode() for i in range(200_000))]
    a = b"".join(items)
    b = b"".join(items[:1000] + [b"\x0a\x03new"] + items[1000:150_000] + items[150_001:])
    t = time.perf_counter()
    r = compare(a, b)
    assert time.perf_counter() - t < 20
    assert kinds(r) == [(ADDED, "1[1000]", (None, 1000)), (REMOVED, "1[150000]", (150_000, None))]


def test_cancel_reaches_the_alignment() -> None:
    items = [b"\x0a" + encode_varint(len(v)) + v for v in (f"item {i}".encode() for i in range(50_000))]
    stop = threading.Event()
    stop.set()
    with pytest.raises(CompareCancelled):  # a shifted list: aligned, no field walked before the cancel
        compare(b"".join(items), b"".join(items[1:] + items[:1]), cancel=stop)


def test_scalars_stay_paired_by_index() -> None:
    # schemaless varints of one number: item k with item k (a shift is k changes, as before)
    a = b"".join(b"\x08" + encode_varint(i) for i in range(5))
    b = b"".join(b"\x08" + encode_varint(i) for i in range(1, 6))
    assert [(d.kind, d.path) for d in compare(a, b).differences] == [(CHANGED, f"1[{k}]") for k in range(5)]


@FAST
@given(st.lists(st.sampled_from(["a", "b", "c", "dd", "", "eee"]), max_size=12))
def test_a_list_compared_with_itself_has_no_differences(registry: SchemaRegistry, args: list[str]) -> None:
    data = spec_with_args(args)
    assert compare(data, bytes(data), registry, "JobSpec").differences == []
    assert compare(data, bytearray(data)).differences == []


EDITS = st.lists(st.tuples(st.sampled_from(["insert", "delete", "change", "move"]), st.integers(0, 40),
                           st.integers(0, 40), st.sampled_from(["a", "b", "c", "x", "yy", ""])), max_size=6)


def edited(items: list[str], edits: list[tuple[str, int, int, str]]) -> list[str]:
    out = list(items)
    for op, i, j, v in edits:
        if op == "insert":
            out.insert(i % (len(out) + 1), v)
        elif out and op == "delete":
            del out[i % len(out)]
        elif out and op == "change":
            out[i % len(out)] += v + "!"
        elif out and op == "move":
            out.insert(j % len(out), out.pop(i % len(out)))
    return out


def check_consistent(left: list[Any], right: list[Any], diffs: list[tuple[str, int | None, int | None]]) -> None:
    """Every left item is matched or removed, every right item matched or added; changed pairs
    and matched pairs keep the order, and what is matched without a report is equal."""
    removed = [i for k, i, _j in diffs if k == REMOVED]
    added = [j for k, _i, j in diffs if k == ADDED]
    changed = [(i, j) for k, i, j in diffs if k == CHANGED]
    lefts = removed + [i for i, _j in changed]
    rights = added + [j for _i, j in changed]
    assert len(set(lefts)) == len(lefts) and len(set(rights)) == len(rights)  # each reported once
    assert all(i is not None and 0 <= i < len(left) for i in lefts)
    assert all(j is not None and 0 <= j < len(right) for j in rights)
    quiet_l = [i for i in range(len(left)) if i not in set(lefts)]
    quiet_r = [j for j in range(len(right)) if j not in set(rights)]
    assert [left[i] for i in quiet_l] == [right[j] for j in quiet_r]  # matched, in order, equal
    pairs = sorted(changed + list(zip(quiet_l, quiet_r, strict=False)))
    assert [j for _i, j in pairs] == sorted(j for _i, j in pairs)  # no crossing pairs
    assert all(left[i] != right[j] for i, j in changed)


@FAST
@given(st.lists(st.sampled_from(["a", "b", "c", "dd", "", "eee"]), max_size=12), EDITS)
def test_random_edits_give_consistent_differences(registry: SchemaRegistry, args: list[str],
                                                  edits: list[tuple[str, int, int, str]]) -> None:
    other = edited(args, edits)
    r = compare(spec_with_args(args), spec_with_args(other), registry, "JobSpec")
    assert all(d.path.startswith("default_spec.args[") for d in r.differences)
    check_consistent(args, other, [(d.kind, *d.item) for d in r.differences])


@FAST
@given(st.lists(st.integers(0, 6), max_size=40), EDITS)
def test_align_is_consistent_on_any_lists(items: list[int], edits: list[tuple[str, int, int, str]]) -> None:
    other: list[Any] = edited([str(x) for x in items], edits)
    left: list[Any] = [str(x) for x in items]
    head, steps = al.align(len(left), len(other), lambda i, j: left[i] == other[j], left.__getitem__,
                           other.__getitem__)
    assert [left[k] for k in range(head)] == other[:head]
    diffs: list[tuple[str, int | None, int | None]] = []
    for s in steps:
        if s.left is None:
            diffs.append((ADDED, None, s.right))
        elif s.right is None:
            diffs.append((REMOVED, s.left, None))
        elif left[s.left] != other[s.right]:
            diffs.append((CHANGED, s.left, s.right))
    check_consistent(left, other, diffs)


def test_align_falls_back_to_index_beyond_its_bounds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(al, "ALIGN_LIMIT", 4)
    left = list("abcdefghij")
    right = ["z", *left[:5], "y", *left[5:]]
    _h, steps = al.align(len(left), len(right), lambda i, j: left[i] == right[j], left.__getitem__,
                         right.__getitem__)
    # over the limit, anchors (keys found once a side) still align the two lists
    assert [s for s in steps if s.left is None or s.right is None] == [al.Step(None, 0), al.Step(None, 6)]
    monkeypatch.setattr(al, "ANCHOR_LIMIT", 4)
    _h, steps = al.align(len(left), len(right), lambda i, j: left[i] == right[j], left.__getitem__,
                         right.__getitem__)
    # the common tail (f…j) is trimmed; the middle is then paired by index
    assert steps == [al.Step(k, k) for k in range(5)] + [al.Step(None, 5), al.Step(None, 6)]


# -- streams -----------------------------------------------------------------------------------------


def stream(specs: list[job_pb2.JobSpec], framing: str = "varint") -> bytes:
    return b"".join(encode_frame(framing, s.SerializeToString()) for s in specs)


def test_streams_compare_record_by_record(registry: SchemaRegistry) -> None:
    recs = [job_pb2.JobSpec(name=f"job-{i}", owner="ann", instance_count=i) for i in range(5)]
    changed = job_pb2.JobSpec(name="job-3", owner="bob", instance_count=3)
    a = stream(recs)
    b = stream([job_pb2.JobSpec(name="first")] + recs[:1] + recs[2:3] + [changed] + recs[4:])
    r = compare(a, b, registry, "JobSpec", framing="varint")
    assert r.framing == "varint" and r.records == (5, 5)
    assert kinds(r) == [(ADDED, "record[0]", (None, 0)), (REMOVED, "record[1]", (1, None)),
                        (CHANGED, "record[3].owner", (3, 3))]
    add, rem, chg = r.differences
    assert add.right.record == 0 and add.right.value == "{1 field}" and add.right.type == "pelorus.v1.JobSpec"
    assert rem.left.record == 1 and (rem.left.start, rem.left.end) == (len(stream(recs[:1])), len(stream(recs[:2])))
    assert chg.left.record == 3 and chg.right.record == 3 and chg.left.index_path == (1,)
    assert a[chg.left.start:chg.left.end] == b"\x12\x03ann"
    assert r.summary().endswith("in 5 → 5 varint records")
    # "auto" finds the same streams; gRPC frames align the same way
    assert kinds(compare(a, b, registry, "JobSpec", framing="auto")) == kinds(r)
    g = compare(stream(recs, "grpc"), stream(recs[1:], "grpc"), registry, "JobSpec", framing="auto")
    assert g.framing == "grpc" and kinds(g) == [(REMOVED, "record[0]", (0, None))]
    assert compare(a, bytes(a), framing="varint").equal
    # and the byte diff of a removed record is exactly its bytes (prefix included)
    ops = compare(a, stream(recs[:2] + recs[3:]), framing="varint").byte_ops()
    assert [(o.tag, o.a0, o.a1) for o in ops] == [("delete", len(stream(recs[:2])), len(stream(recs[:3])))]


def test_a_cut_stream_names_its_damage() -> None:
    recs = [job_pb2.JobSpec(name=f"job-{i}") for i in range(3)]
    a = stream(recs)
    r = compare(a, a[:-2], framing="varint")
    assert [s for s, _e in r.errors] == ["right"]
    assert {(d.kind, d.path) for d in r.differences} == {(REMOVED, "record[2]"), (ADDED, "<undecoded bytes>")}
    with pytest.raises(ValueError, match="framing"):
        compare(a, a, framing="lines")


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


def test_a_cut_string_is_named_as_the_damage_not_a_guess_inside_it() -> None:
    """A string whose bytes happen to start like a field ("\\x08...") is cut: the damage is its length
    running past the end, not "value of field 1 ... runs past the end" from reading it as a message."""
    good = job_pb2.JobSpec(name="abc", description="\x08\x7f\x08 and more text").SerializeToString()
    cut = good[:8]  # name (0-4), then description's tag at 5, length at 6, value from 7: "\x08" kept
    top = decode(cut).error
    assert top is not None and len(decode(cut).error_chain()) > 1  # the guess inside exists...
    result = compare(good, cut)
    assert [(s, e.offset, e.reason) for s, e in result.errors] == [("right", 6, top.reason)]  # ...and is not named
    recs = [good, cut]
    s = b"".join(encode_varint(len(r)) + r for r in recs)
    t = b"".join(encode_varint(len(r)) + r for r in [good, good])
    result = compare(t, s, framing="varint")
    assert [(side, e.offset) for side, e in result.errors] == [("right", len(good) + 2 + 6)]
