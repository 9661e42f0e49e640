"""Schema decode/encode, unknowns, Any-in-Any, compile errors; byte-preserving edits."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from proto_strategies import job_specs

from pelorus.api import job_pb2
from pelorus.protobuf.document import Document
from pelorus.protobuf.schema import ProtoCompileError, SchemaError, SchemaRegistry, compile_to_descriptor_set
from pelorus.protobuf.schemaless import Field, Message, decode
from pelorus.protobuf.wire import encode_varint


@settings(max_examples=60, deadline=None)
@given(job_specs())
def test_schema_decode_encode_round_trip(spec: job_pb2.JobSpec) -> None:
    reg = _REG
    data = spec.SerializeToString(deterministic=True)  # map order is otherwise unspecified
    msg = reg.parse("pelorus.v1.JobSpec", data)
    assert msg.SerializeToString(deterministic=True) == data
    again = reg.from_text("JobSpec", reg.to_text(msg))
    assert again.SerializeToString(deterministic=True) == data
    via_json = reg.from_json("JobSpec", reg.to_json(msg))
    assert via_json.SerializeToString(deterministic=True) == msg.SerializeToString(deterministic=True)


_REG = SchemaRegistry()


def test_unknown_enum_values_and_unknown_fields_survive(registry: SchemaRegistry) -> None:
    status = job_pb2.JobStatus(state=3).SerializeToString()
    data = bytes([0x08, 0x63])  # state = 99, not in JobState
    data += bytes([0xB8, 0x3E, 0x07])  # field 999 varint 7, unknown to JobStatus
    assert getattr(registry.parse("JobStatus", data + status), "state") == 3  # last one wins
    reparsed = registry.parse("JobStatus", data)
    assert getattr(reparsed, "state") == 99
    assert reparsed.SerializeToString() == data
    assert "999: 7" in registry.to_text(reparsed)
    assert decode(data).encode() == data


def test_any_inside_any_is_unpacked(registry: SchemaRegistry) -> None:
    from google.protobuf import any_pb2

    inner = any_pb2.Any()
    inner.Pack(job_pb2.Progress(successful=5))
    outer = job_pb2.JobSpec(name="wrapper")
    outer.data.Pack(inner)
    msg = registry.parse("JobSpec", outer.SerializeToString())
    text = registry.to_text(msg)
    assert "[type.googleapis.com/google.protobuf.Any]" in text
    assert "[type.googleapis.com/pelorus.v1.Progress]" in text and "successful: 5" in text
    js = registry.to_json(msg)
    assert '"successful": "5"' in js
    unpacked = registry.unpack_any(getattr(msg, "data"))
    assert unpacked is not None and registry.unpack_any(unpacked) is not None


def test_any_of_unknown_type_is_a_clear_json_error(registry: SchemaRegistry) -> None:
    spec = job_pb2.JobSpec()
    spec.data.type_url = "type.googleapis.com/acme.Missing"
    spec.data.value = b"\x08\x01"
    msg = registry.parse("JobSpec", spec.SerializeToString())
    try:
        registry.to_json(msg)
    except SchemaError as err:
        assert "acme.Missing" in str(err)
    else:
        raise AssertionError("expected SchemaError")
    assert "acme.Missing" in registry.to_text(msg)


def test_compile_with_unresolved_import_names_it(tmp_path: Path) -> None:
    (tmp_path / "a.proto").write_text(
        'syntax = "proto3";\nimport "vendor/missing.proto";\nmessage A { int32 x = 1; }\n')
    try:
        SchemaRegistry(builtin=False).compile_protos([tmp_path / "a.proto"], [tmp_path / "inc"])
    except ProtoCompileError as err:
        assert "vendor/missing.proto" in str(err) and err.unresolved == ["vendor/missing.proto"]
        assert str(tmp_path / "inc") in str(err)  # the searched paths are listed
    else:
        raise AssertionError("expected ProtoCompileError")


def test_compile_and_descriptor_set_and_guess(tmp_path: Path) -> None:
    (tmp_path / "acme").mkdir()
    (tmp_path / "acme" / "w.proto").write_text(
        'syntax = "proto3";\npackage acme;\nimport "google/protobuf/timestamp.proto";\n'
        "message Widget { string label = 1; sint64 delta = 2; repeated float weights = 3;"
        " google.protobuf.Timestamp at = 4; }\n"
    )
    fds = compile_to_descriptor_set([tmp_path / "acme" / "w.proto"], [tmp_path])
    (tmp_path / "w.binpb").write_bytes(fds.SerializeToString())
    reg = SchemaRegistry()
    reg.load_descriptor_set(tmp_path / "w.binpb")
    w = reg.new("acme.Widget")
    reg_msg = reg.from_text("Widget", 'label: "gear" delta: -4 weights: [1.5, 2.5] at { seconds: 10 }')
    data = reg_msg.SerializeToString()
    assert w is not None and "acme.Widget" in reg.message_types()
    guesses = reg.guess_types(data)
    assert guesses[0].full_name == "acme.Widget" and guesses[0].unknown_fields == 0


# -- document -------------------------------------------------------------------------------


def _leaves(msg: Message, path: tuple[int, ...] = ()) -> list[tuple[tuple[int, ...], Field]]:
    out = []
    for f in msg:
        p = (*path, f.index)
        child = f.message() if f.wire_type == 2 else None
        if child is not None and len(child) and f.value[:1] not in (b"",) and _is_msg(f):
            out += _leaves(child, p)
        out.append((p, f))
    return out


def _is_msg(f: Field) -> bool:
    from pelorus.protobuf.readings import best

    return best(f).kind == "message"


@settings(max_examples=60, deadline=None)
@given(job_specs(), st.data())
def test_edits_change_exactly_the_field_and_its_length_prefixes(spec: job_pb2.JobSpec, data: st.DataObject) -> None:
    original = spec.SerializeToString()
    doc = Document(original)
    strings = [(p, f) for p, f in _leaves(doc.root) if f.wire_type == 2 and not _is_msg(f)]
    if not strings:
        return
    path, f = data.draw(st.sampled_from(strings))
    new_value = data.draw(st.binary(max_size=300))
    chain, _ = doc.resolve(path)
    edit = doc.set_field(path, new_value)
    out = doc.to_bytes()
    # bytes before the first touched prefix and after the field are untouched
    first = edit.splices[0].offset
    assert out[:first] == original[:first]
    tail = len(original) - f.end
    assert out[len(out) - tail :] == original[f.end :]
    # splices are exactly: the value, and the length prefixes of the field and its ancestors
    prefix_offsets = {a.tag_offset + a.tag_length for a in [*chain, f]}
    assert {s.offset for s in edit.splices[:-1]} <= prefix_offsets
    assert edit.splices[-1].offset == f.value_offset and edit.splices[-1].new == new_value
    # the result still decodes, and the edited field holds the new bytes
    edited = decode(out)
    assert edited.error is None and edited.encode() == out
    _chain2, f2 = doc.resolve(path)
    assert f2.value == new_value
    doc.undo()
    assert doc.to_bytes() == original
    doc.redo()
    assert doc.to_bytes() == out


def test_typed_edit_keeps_over_long_prefix_width() -> None:
    payload = b"\x0a\x02ab"  # nested: field 1 = "ab"
    data = b"\x0a" + encode_varint(len(payload), width=3) + payload + b"\x10\x01"
    doc = Document(data)
    edit = doc.set_field((0, 0), "abcd")
    out = doc.to_bytes()
    assert out == b"\x0a" + encode_varint(6, width=3) + b"\x0a\x04abcd" + b"\x10\x01"
    assert len(edit.splices) == 3
    doc.set_field((1,), 300)
    assert doc.to_bytes().endswith(b"\x10\xac\x02")
    doc.undo()
    doc.undo()
    assert doc.to_bytes() == data and not doc.modified


def test_remove_insert_move_and_canonicalise(registry: SchemaRegistry, tmp_path: Path) -> None:
    spec = job_pb2.JobSpec(name="n", owner="o", instance_count=3)
    data = b"\x30\x83\x00" + spec.SerializeToString()  # over-long instance_count first
    doc = Document(data)
    doc.remove_field((0,))
    assert doc.to_bytes() == spec.SerializeToString()
    doc.insert_field((), 0, 6, 9, "uint64")
    assert registry.parse("JobSpec", doc.to_bytes()).instance_count == 3  # last one wins
    doc.move_field((0,), len(doc.root) - 1)
    assert registry.parse("JobSpec", doc.to_bytes()).instance_count == 9
    doc.canonicalise(registry, "JobSpec")
    assert doc.to_bytes() == job_pb2.JobSpec(name="n", owner="o", instance_count=9).SerializeToString()
    doc.save(tmp_path / "out.bin")
    assert (tmp_path / "out.bin").read_bytes() == doc.to_bytes() and not doc.modified
    for _ in range(4):
        doc.undo()
    assert doc.to_bytes() == data


def test_untouched_large_file_saves_byte_identical(tmp_path: Path) -> None:
    big = b"".join(job_pb2.JobSpec(name=f"j{i}", priority=-i).SerializeToString() for i in range(60000))
    src = tmp_path / "big.bin"
    src.write_bytes(big)
    doc = Document.open(src)
    assert len(doc.root) > 0
    doc.save(tmp_path / "copy.bin")
    assert (tmp_path / "copy.bin").read_bytes() == big
    assert doc.path_at(5) == (2,) or doc.path_at(5)
