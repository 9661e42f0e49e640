"""Structure edits (add / remove / reorder items and map entries, oneof, optional, Any), stream
records, text/JSON apply: exactly the intended bytes change, unknowns survive, undo/redo is exact."""

from __future__ import annotations

from typing import Any

import pytest
from google.protobuf import any_pb2
from hypothesis import given, settings
from hypothesis import strategies as st
from proto_strategies import job_specs

from pelorus.api import job_pb2
from pelorus.protobuf import framing as fr
from pelorus.protobuf import structure as sx
from pelorus.protobuf.document import Document, Edit, EditError, encode_frame
from pelorus.protobuf.schema import SchemaRegistry
from pelorus.protobuf.schemaless import decode
from pelorus.protobuf.textedit import TextEditError, apply_text, editable_text
from pelorus.protobuf.wire import encode_varint

REG = SchemaRegistry()
SPEC = REG.find("pelorus.v1.JobSpec")
POD = REG.find("pelorus.v1.PodSpec")
SCHED = REG.find("pelorus.v1.Schedule")
PROGRESS = REG.find("pelorus.v1.Progress")
UNKNOWN = b"\xb8\x3e\x07"  # field 999 = 7, in no schema


def spec() -> job_pb2.JobSpec:
    s = job_pb2.JobSpec(name="etl", owner="ann", instance_count=3, labels={"team": "web"})
    s.default_spec.command = "sh"
    s.default_spec.args.extend(["-c", "echo hi"])
    s.default_spec.env["A"] = "1"
    s.schedule.cron = "0 3 * * *"
    s.data.Pack(job_pb2.Progress(successful=5, failed=1))
    return s


def data_with_unknowns() -> bytes:
    s = spec()
    pod = s.default_spec.SerializeToString() + UNKNOWN  # an unknown field inside a submessage too
    s.ClearField("default_spec")
    return s.SerializeToString() + b"\x3a" + encode_varint(len(pod)) + pod + UNKNOWN


def index_of(doc: Document, parent: tuple[int, ...], number: int, nth: int = 0) -> int:
    level = doc.level_at(parent)[1]
    return sx.occurrences(level, number)[nth]


def check_exact(original: bytes, out: bytes, edit: Edit) -> None:
    """Bytes before the first splice and after the last one are untouched; undo/redo are exact."""
    first = edit.splices[0]
    last = edit.splices[-1]
    assert out[: first.offset] == original[: first.offset]
    tail = len(original) - (last.offset + len(last.old))
    assert out[len(out) - tail :] == original[len(original) - tail :]
    # replaying the splices on the original gives the output
    pos, pieces = 0, []
    for s in edit.splices:
        assert original[s.offset : s.offset + len(s.old)] == s.old
        pieces += [original[pos : s.offset], s.new]
        pos = s.offset + len(s.old)
    assert b"".join([*pieces, original[pos:]]) == out


def roundtrip(doc: Document, original: bytes) -> None:
    out = doc.to_bytes()
    doc.undo()
    assert doc.to_bytes() == original
    doc.redo()
    assert doc.to_bytes() == out


def test_add_repeated_item_after_selected_keeps_everything_else() -> None:
    original = data_with_unknowns()
    doc = Document(original)
    pod = (index_of(doc, (), 7),)
    first_arg = index_of(doc, pod, 2, 0)
    edit, path = sx.add_field(doc, pod, POD, POD.fields_by_number[2], after=first_arg)
    out = doc.to_bytes()
    check_exact(original, out, edit)
    assert path == (*pod, first_arg + 1)
    # exactly one new field (2 bytes: tag + empty string) and the pod's length prefix grew by 2
    assert len(out) == len(original) + 2
    assert {s.offset for s in edit.splices[:-1]} == {doc.resolve(pod)[1].tag_offset + 1}
    parsed = REG.parse("JobSpec", out)
    assert list(parsed.default_spec.args) == ["-c", "", "echo hi"]
    assert out.endswith(UNKNOWN) and out.count(UNKNOWN) == 2  # unknowns on both levels survive
    assert "add args[1]" in edit.description
    roundtrip(doc, original)


def test_add_map_entry_picks_a_free_key_and_move_entry() -> None:
    original = spec().SerializeToString()
    doc = Document(original)
    sx.add_field(doc, (), SPEC, SPEC.fields_by_name["labels"])
    edit, _p = sx.add_field(doc, (), SPEC, SPEC.fields_by_name["labels"])
    parsed = REG.parse("JobSpec", doc.to_bytes())
    assert dict(parsed.labels) == {"team": "web", "key": "", "key2": ""}
    assert "labels" in edit.description
    # move the last label up: a swap of two entries, no prefix changes, other fields in place
    before = doc.to_bytes()
    last = index_of(doc, (), 4, 2)
    edit, new = sx.move_item(doc, (last,), -1, "labels[key2]")
    assert len(edit.splices) == 2 and new == (index_of(doc, (), 4, 1),)
    check_exact(before, doc.to_bytes(), edit)
    assert len(doc.to_bytes()) == len(before)
    with pytest.raises(EditError, match="first"):
        sx.move_item(doc, (index_of(doc, (), 4, 0),), -1, "labels[team]")


def test_move_repeated_item_down_swaps_only_the_two_items() -> None:
    original = data_with_unknowns()
    doc = Document(original)
    pod = (index_of(doc, (), 7),)
    a = index_of(doc, pod, 2, 0)
    edit, new = sx.move_item(doc, (*pod, a), +1, "args[0]")
    assert new == (*pod, index_of(doc, pod, 2, 1))
    assert list(REG.parse("JobSpec", doc.to_bytes()).default_spec.args) == ["echo hi", "-c"]
    assert [len(s.old) for s in edit.splices] == [4, 9] and [len(s.new) for s in edit.splices] == [9, 4]
    check_exact(original, doc.to_bytes(), edit)
    roundtrip(doc, original)


def test_set_oneof_member_clears_the_others_in_one_edit() -> None:
    original = data_with_unknowns()
    doc = Document(original)
    sched = (index_of(doc, (), 10),)
    assert [c.what for c in sx.addable_fields(SCHED, doc.level_at(sched)[1]) if c.fd.name == "every"] == \
        ["set oneof member"]
    edit, path = sx.add_field(doc, sched, SCHED, SCHED.fields_by_name["every"])
    parsed = REG.parse("JobSpec", doc.to_bytes())
    assert parsed.schedule.WhichOneof("when") == "every" and not parsed.schedule.cron
    assert "clears cron" in edit.description
    # the cron field is gone from the bytes (not just shadowed), the new member took its place
    sched_level = doc.level_at(sched)[1]
    assert [f.number for f in sched_level] == [2] and path == (*sched, 0)
    check_exact(original, doc.to_bytes(), edit)
    roundtrip(doc, original)
    # clearing a oneof member (or any field) removes all of its occurrences
    sx.clear_field(doc, sched, 2, "every")
    assert REG.parse("JobSpec", doc.to_bytes()).schedule.WhichOneof("when") is None
    with pytest.raises(EditError, match="not set"):
        sx.clear_field(doc, sched, 2, "every")


def test_add_absent_field_in_number_order_and_refuse_a_set_one() -> None:
    s = job_pb2.JobSpec(name="a", priority=4, callback_url="x")
    original = s.SerializeToString()
    doc = Document(original)
    choices = {c.fd.name: c.what for c in sx.addable_fields(SPEC, doc.root)}
    assert "name" not in choices and choices["owner"] == "set" and choices["labels"] == "add entry"
    edit, path = sx.add_field(doc, (), SPEC, SPEC.fields_by_name["instance_count"])
    assert path == (1,)  # after name (1), before priority (8)
    assert doc.to_bytes() == original[:3] + b"\x30\x00" + original[3:]
    with pytest.raises(EditError, match="already set"):
        sx.add_field(doc, (), SPEC, SPEC.fields_by_name["name"])
    sx.add_field(doc, (), SPEC, SPEC.fields_by_name["default_spec"])  # an empty submessage
    assert REG.parse("JobSpec", doc.to_bytes()).HasField("default_spec")


def test_proto3_optional_and_proto2_presence(tmp_path: Any) -> None:
    (tmp_path / "p.proto").write_text(
        'syntax = "proto3";\npackage t;\nmessage O { optional int32 a = 1; int32 b = 2; oneof k { string x = 3; } }\n')
    (tmp_path / "q.proto").write_text('syntax = "proto2";\npackage t;\nmessage P { optional int32 a = 1; }\n')
    reg = SchemaRegistry()
    reg.compile_protos([tmp_path / "p.proto", tmp_path / "q.proto"], [tmp_path])
    o = reg.find("t.O")
    assert sx.real_oneof(o.fields_by_name["a"]) is None and sx.real_oneof(o.fields_by_name["x"]) == "k"
    doc = Document(b"")
    sx.add_field(doc, (), o, o.fields_by_name["a"])
    msg = reg.parse("t.O", doc.to_bytes())
    assert msg.HasField("a") and msg.a == 0  # present with the default value
    sx.clear_field(doc, (), 1, "a")
    assert not reg.parse("t.O", doc.to_bytes()).HasField("a") and doc.to_bytes() == b""
    p = reg.find("t.P")
    doc2 = Document(b"")
    sx.add_field(doc2, (), p, p.fields_by_name["a"])
    assert reg.parse("t.P", doc2.to_bytes()).HasField("a")


def test_edit_inside_any_repacks_value_and_every_prefix() -> None:
    original = data_with_unknowns()
    doc = Document(original)
    data = (index_of(doc, (), 17),)
    value = (*data, index_of(doc, data, 2))
    edit, path = sx.add_field(doc, value, PROGRESS, PROGRESS.fields_by_name["remaining"])
    out = doc.to_bytes()
    parsed = REG.parse("JobSpec", out)
    inner = job_pb2.Progress()
    assert parsed.data.Unpack(inner) and inner.successful == 5 and inner.remaining == 0
    assert inner.HasField("elapsed") is False and len(out) == len(original) + 2
    # the Any's own length prefix and its value's prefix were both rewritten
    assert len(edit.splices) == 3
    check_exact(original, out, edit)
    doc.set_field((*path,), 9, "uint64")
    assert REG.parse("JobSpec", doc.to_bytes()).data.value.endswith(b"\x18\x09")
    doc.undo()
    doc.undo()
    assert doc.to_bytes() == original


def test_any_inside_any_edit() -> None:
    inner = any_pb2.Any()
    inner.Pack(job_pb2.Progress(successful=1))
    outer = job_pb2.JobSpec(name="w")
    outer.data.Pack(inner)
    original = outer.SerializeToString()
    doc = Document(original)
    d = (index_of(doc, (), 17),)
    v = (*d, index_of(doc, d, 2))
    vv = (*v, index_of(doc, v, 2))
    succ = (*vv, index_of(doc, vv, 1))
    edit = doc.set_field(succ, 300, "uint64")  # one more byte: four prefixes above it grow
    assert len(edit.splices) == 4
    got = job_pb2.JobSpec.FromString(doc.to_bytes())
    a = any_pb2.Any()
    p = job_pb2.Progress()
    assert got.data.Unpack(a) and a.Unpack(p) and p.successful == 300


@pytest.mark.parametrize("framing", ["varint", "grpc"])
def test_stream_record_edit_rewrites_only_its_frame(framing: str) -> None:
    recs = [job_pb2.JobSpec(name=f"r{i}", description="x" * (120 + i)).SerializeToString() for i in range(4)]
    original = b"".join(encode_frame(framing, r) for r in recs)
    doc = Document(original)
    idx = fr.index(original, framing)  # type: ignore[arg-type]
    assert len(idx) == 4
    rec = idx[1]
    doc.set_scope(rec.prefix_offset, framing)
    assert doc.root_span() == (rec.offset, rec.end)
    desc_i = index_of(doc, (), 3)
    edit = doc.set_field((desc_i,), "y" * 200, "string")  # the record grows past 127: a wider varint prefix
    out = doc.to_bytes()
    check_exact(original, out, edit)
    idx2 = fr.index(out, framing)  # type: ignore[arg-type]
    assert len(idx2) == 4 and idx2.error is None
    assert [idx2.payload(i) for i in (0, 2, 3)] == [recs[0], recs[2], recs[3]]
    assert out[: rec.prefix_offset] == original[: rec.prefix_offset]
    assert job_pb2.JobSpec.FromString(idx2.payload(1)).description == "y" * 200
    # structure edits and canonicalise work inside the record too
    sx.add_field(doc, (), SPEC, SPEC.fields_by_name["labels"])
    doc.canonicalise(REG, "JobSpec")
    idx3 = fr.index(doc.to_bytes(), framing)  # type: ignore[arg-type]
    assert dict(job_pb2.JobSpec.FromString(idx3.payload(1)).labels) == {"key": ""}
    assert [idx3.payload(i) for i in (0, 2, 3)] == [recs[0], recs[2], recs[3]]
    for _ in range(3):
        doc.undo()
    assert doc.to_bytes() == original


def test_add_and_remove_records() -> None:
    recs = [job_pb2.Progress(successful=i).SerializeToString() for i in range(1, 4)]
    original = b"".join(encode_frame("varint", r) for r in recs)
    doc = Document(original)
    idx = fr.index(original, "varint")
    new = job_pb2.Progress(failed=7).SerializeToString()
    doc.insert_record(idx[0].end, new, "varint")
    idx2 = fr.index(doc.to_bytes(), "varint")
    assert [idx2.payload(i) for i in range(4)] == [recs[0], new, recs[1], recs[2]]
    doc.set_scope(idx2[1].prefix_offset, "varint")
    doc.remove_record(idx2[1].prefix_offset, "varint")
    assert doc.scope is None and doc.to_bytes() == original
    doc.remove_record(idx[2].prefix_offset, "varint")
    assert doc.to_bytes() == original[: idx[2].prefix_offset]
    doc.undo()
    doc.undo()
    doc.undo()
    assert doc.to_bytes() == original
    with pytest.raises(EditError):
        encode_frame("single", b"")


def test_text_and_json_apply_keep_unknown_fields_and_report_positions() -> None:
    original = data_with_unknowns()
    text = editable_text(REG, "JobSpec", original, "text")
    assert text.startswith("# 2 unknown fields") and "999" not in text
    applied = apply_text(REG, "JobSpec", original, text.replace('owner: "ann"', 'owner: "bob"'), "text")
    assert applied.unknown_kept == 2
    assert applied.payload.count(UNKNOWN) == 2
    got = REG.parse("JobSpec", applied.payload)
    assert got.owner == "bob" and got.default_spec.args == ["-c", "echo hi"]
    with pytest.raises(TextEditError) as err:
        apply_text(REG, "JobSpec", original, 'name: "x"\nowner: 5\n', "text")
    assert err.value.line == 2 and err.value.column > 0
    js = editable_text(REG, "JobSpec", original, "json")
    applied = apply_text(REG, "JobSpec", original, js.replace('"etl"', '"etl2"'), "json")
    assert REG.parse("JobSpec", applied.payload).name == "etl2" and applied.unknown_kept == 2
    with pytest.raises(TextEditError) as err:
        apply_text(REG, "JobSpec", original, '{\n  "name": "x",\n  "owner": \n}', "json")
    assert err.value.line == 4 and "not valid JSON" in str(err.value)
    with pytest.raises(TextEditError) as err:
        apply_text(REG, "JobSpec", original, '{\n  "name": "x",\n  "nope": 1\n}', "json")
    assert (err.value.line, err.value.column) == (3, 3) and "nope" in str(err.value)
    with pytest.raises(TextEditError) as err:
        apply_text(REG, "JobSpec", original, '{\n  "instanceCount": "many"\n}', "json")
    assert err.value.line == 2


def test_replace_root_is_one_undoable_edit() -> None:
    original = data_with_unknowns()
    doc = Document(original)
    applied = apply_text(REG, "JobSpec", original, editable_text(REG, "JobSpec", original, "json"), "json")
    doc.replace_root(applied.payload, "apply JSON")
    assert doc.modified and len(doc.history) == 1
    assert REG.parse("JobSpec", doc.to_bytes()) == REG.parse("JobSpec", original)
    doc.undo()
    assert doc.to_bytes() == original


# -- properties ----------------------------------------------------------------------------------


def _message_levels(doc: Document, desc: Any, path: tuple[int, ...] = ()) -> list[tuple[tuple[int, ...], Any]]:
    """(path, descriptor) of every schema message level reachable from the root (Any values included)."""
    out = [(path, desc)]
    level = doc.level_at(path)[1]
    for i in range(len(level)):
        fd = desc.fields_by_number.get(level.key_at(i) >> 3)
        if fd is None or fd.type != fd.TYPE_MESSAGE or level.key_at(i) & 7 != 2:
            continue
        if level[i].message() is None:
            continue
        out += _message_levels(doc, fd.message_type, (*path, i))
        if fd.message_type.full_name == "google.protobuf.Any":
            sub = doc.level_at((*path, i))[1]
            v = sx.occurrences(sub, 2)
            url = sx.occurrences(sub, 1)
            if v and url and sub[v[0]].message() is not None:
                t = sub[url[0]].value.decode().rsplit("/", 1)[-1]
                out += _message_levels(doc, REG.find(t), (*path, i, v[0]))
    return out


@settings(max_examples=80, deadline=None)
@given(job_specs(), st.data())
def test_random_structure_edits_are_exact_and_undo_byte_identical(spec_: job_pb2.JobSpec, data: st.DataObject) -> None:
    original = spec_.SerializeToString() + UNKNOWN
    doc = Document(original)
    path, desc = data.draw(st.sampled_from(_message_levels(doc, SPEC)))
    level = doc.level_at(path)[1]
    op = data.draw(st.sampled_from(["add", "clear", "move", "remove"]))
    try:
        if op == "add":
            choices = sx.addable_fields(desc, level)
            if not choices:
                return
            choice = data.draw(st.sampled_from(choices))
            edit, _new = sx.add_field(doc, path, desc, choice.fd)
        elif op == "clear":
            if not len(level):
                return
            n = level.key_at(data.draw(st.integers(0, len(level) - 1))) >> 3
            edit = sx.clear_field(doc, path, n, str(n))
        elif op == "remove":
            if not len(level):
                return
            edit = doc.remove_field((*path, data.draw(st.integers(0, len(level) - 1))))
        else:
            if not len(level):
                return
            i = data.draw(st.integers(0, len(level) - 1))
            edit, _new = sx.move_item(doc, (*path, i), data.draw(st.sampled_from([-1, 1])), "item")
    except EditError:
        assert doc.to_bytes() == original  # a refused edit changes nothing
        return
    out = doc.to_bytes()
    check_exact(original, out, edit)
    assert decode(out).error is None
    assert out.endswith(UNKNOWN) or path == () and op in ("clear", "remove")
    REG.parse("JobSpec", out)  # still a valid JobSpec
    roundtrip(doc, original)


# -- schemaless add -----------------------------------------------------------------------------


def _levels(doc: Document, path: tuple[int, ...] = ()) -> list[tuple[int, ...]]:
    """Every level that decodes as a message (schemaless), as parent paths."""
    out = [path]
    level = doc.level_at(path)[1]
    for i in range(len(level)):
        f = level[i]
        if f.wire_type == 2 and f.value and f.message() is not None and len(path) < 3:
            out += _levels(doc, (*path, i))
    return out


_VALUES = {0: st.integers(-(2**63), 2**64 - 1).map(str), 5: st.integers(0, 2**32 - 1).map(hex),
           1: st.floats(allow_nan=False).map(repr), 2: st.text(max_size=10)}


@settings(max_examples=120, deadline=None)
@given(st.data())
def test_schemaless_add_inserts_only_the_field_and_the_prefixes_above(data: st.DataObject) -> None:
    from proto_strategies import raw_messages

    original = data.draw(raw_messages())
    doc = Document(original)
    parent = data.draw(st.sampled_from(_levels(doc)))
    level = doc.level_at(parent)[1]
    after = data.draw(st.none() | st.integers(0, len(level) - 1)) if len(level) else None
    number = data.draw(st.integers(1, sx.MAX_FIELD_NUMBER))
    wt = data.draw(st.sampled_from([0, 1, 2, 5]))
    text = data.draw(_VALUES[wt])
    before = [f.raw for f in level]
    edit, path = sx.add_raw_field(doc, parent, after, number, wt, text)
    out = doc.to_bytes()
    check_exact(original, out, edit)
    # one inserted run (the field) plus rewritten length prefixes of the enclosing fields only
    inserted = [s for s in edit.splices if not s.old]
    assert len(inserted) == 1 and len(edit.splices) <= 1 + len(parent)
    new_level = doc.level_at(parent)[1]
    at = len(level) if after is None else after + 1
    assert path == (*parent, at) and new_level[at].raw == inserted[0].new
    assert new_level[at].number == number and new_level[at].wire_type == wt
    assert [f.raw for i, f in enumerate(new_level) if i != at] == before  # the others, in order, untouched
    roundtrip(doc, original)


def test_schemaless_values_and_errors() -> None:
    assert sx.raw_value_bytes(0, "300") == b"\xac\x02"
    assert sx.raw_value_bytes(0, "-1") == b"\xff" * 9 + b"\x01"  # as int64, ten bytes
    assert sx.raw_value_bytes(0, "0x10") == b"\x10"
    assert sx.raw_value_bytes(5, "1.5") == b"\x00\x00\xc0\x3f"
    assert sx.raw_value_bytes(5, "-1") == b"\xff\xff\xff\xff"
    assert sx.raw_value_bytes(1, "2") == b"\x02" + b"\x00" * 7
    assert sx.raw_value_bytes(1, "-2.0") == b"\x00" * 7 + b"\xc0"
    assert sx.raw_value_bytes(2, "héllo") == "héllo".encode()
    assert sx.raw_value_bytes(2, "0a ff", as_hex=True) == b"\x0a\xff"
    for wt, text, why in ((0, "x", "not an integer"), (0, str(2**64), "does not fit 64 bits"),
                          (5, str(2**32), "does not fit 32 bits"), (5, "1e40", "32-bit float"),
                          (2, "zz", "not hex"), (0, " ", "type a value")):
        with pytest.raises(EditError, match=why):
            sx.raw_value_bytes(wt, text, as_hex=wt == 2)
    doc = Document(b"\x08\x01")
    with pytest.raises(EditError, match="field numbers go from 1"):
        sx.add_raw_field(doc, (), 0, 0, 0, "1")
    assert doc.to_bytes() == b"\x08\x01" and not doc.history  # nothing changed
    edit, path = sx.add_raw_field(doc, (), 0, 3, 2, "hi")
    assert doc.to_bytes() == b"\x08\x01\x1a\x02hi" and path == (1,) and "add field 3" in edit.description
