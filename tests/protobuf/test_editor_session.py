"""EditorSession (pelorus.protobuf.session): the protobuf editor's state and rules, without Qt.

The editor widget (console/views/proto_editor.py) only shows what the session decides; these
tests drive the session as the widget would (install, show a record, edit, undo, save) and check
the decisions directly: records re-indexed after an edit, the record an edit touched, stale-result
state, what a save writes and says, the damage sentence.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pelorus.api import job_pb2
from pelorus.protobuf.document import Document
from pelorus.protobuf.session import EditorSession, load_file, message_name
from pelorus.protobuf.tree import Column
from pelorus.protobuf.wire import encode_varint


def stream(*payloads: bytes) -> bytes:
    return b"".join(encode_varint(len(p)) + p for p in payloads)


def opened(tmp_path: Path, data: bytes, framing: str = "auto", name: str = "m.bin") -> EditorSession:
    f = tmp_path / name
    f.write_bytes(data)
    s = EditorSession()
    s.install(load_file(f, framing))
    if s.is_stream:
        s.show_record(0)
    return s


def test_a_single_message_opens_edits_undoes_and_saves_byte_preserving(tmp_path: Path) -> None:
    data = job_pb2.JobSpec(name="etl", instance_count=3).SerializeToString()
    s = opened(tmp_path, data)
    assert not s.is_stream and s.framing == "single" and s.tab_title == "m.bin"
    assert s.payload() == data and s.save_preview() == "No edits: the file is written back byte-identical."
    before = s.state()
    assert s.state() == before  # nothing changed: a worker's result still applies
    s.set_type("pelorus.v1.JobSpec")
    assert s.state() != before  # the type is part of what a rendering depends on
    row = s.tree.node_for_path((1,))
    assert row is not None and s.tree.text(row, Column.NAME) == "instance_count"
    state = s.state()
    assert s.editing.set_value(row, "9")
    assert s.state() != state and s.modified and s.tab_title == "m.bin •"
    doc = s.doc
    assert doc is not None and s.save_summary().startswith("1 edit;")
    assert s.after_change(doc.history[-1]) is None  # a single message: the tree already reloaded
    assert "set field 6 (instance_count)" in s.save_preview()
    undone = s.undo()
    assert undone is not None and undone[0].startswith("Undid: set field 6") and not s.modified
    redone = s.redo()
    assert redone is not None and s.modified
    target = tmp_path / "out.bin"
    s.save_call(target)()
    assert s.saved(target) == f"Saved {target} ({len(doc):,} bytes)." and s.path == target and not s.modified
    assert job_pb2.JobSpec.FromString(target.read_bytes()).instance_count == 9


def test_hex_text_is_saved_back_as_hex_text(tmp_path: Path) -> None:
    data = job_pb2.JobSpec(name="etl").SerializeToString()
    s = opened(tmp_path, data.hex(" ").encode() + b"\n", name="m.txt")
    assert s.encoding == "hex" and s.payload() == data
    target = tmp_path / "same.txt"
    s.save_call(target)()
    assert target.read_bytes() == (tmp_path / "m.txt").read_bytes()  # untouched: byte-identical text
    assert "as hex text" in s.saved(target)


def test_stream_records_follow_edits_to_the_record_they_touched(tmp_path: Path) -> None:
    a, b, c = (job_pb2.JobSpec(name=n).SerializeToString() for n in ("a", "bb", "ccc"))
    s = opened(tmp_path, stream(a, b, c), "varint")
    assert s.is_stream and s.records is not None and len(s.records) == 3
    assert s.show_record(1) is not None and s.current_record() == 1 and s.payload() == b
    assert s.show_record(7) is None and s.current_record() == 1
    added = s.add_record()
    assert added is not None and added[0].startswith("Added an empty record 3")
    assert s.after_change(added[1]) == 2  # the new record, right after the shown one
    assert s.records is not None and len(s.records) == 4 and s.records.payload(2) == b""
    s.show_record(0)
    assert s.record_at(0) == 0 and s.record_at(len(stream(a)) + 1) == 1
    what = s.record_to_remove()
    assert what is not None and what.startswith("record 1 of 4")
    removed = s.remove_record()
    assert removed is not None and s.after_change(removed[1]) == 0
    assert s.records is not None and [s.records.payload(i) for i in range(3)] == [b, b"", c]
    undone = s.undo()
    assert undone is not None and s.after_change(undone[1]) == 0
    assert s.records is not None and s.records.payload(0) == a


def test_removing_the_last_record_leaves_an_empty_tree(tmp_path: Path) -> None:
    s = opened(tmp_path, stream(b"\x08\x01"), "varint")
    removed = s.remove_record()
    assert removed is not None and s.after_change(removed[1]) == -1
    assert s.tree.root_message() is None and s.record_to_remove() is None


def test_damage_is_worded_with_its_offset_and_marked(tmp_path: Path) -> None:
    good = job_pb2.JobSpec(name="ok").SerializeToString()
    s = EditorSession()
    s.tree.set_document(Document(good + b"\x0a\x10ab"))
    text, marks = s.damage()
    assert text.startswith(f"Damaged at byte offset {len(good) + 1}:") and "Everything before it" in text
    assert marks == [(len(good) + 1, len(good) + 2, "error")]
    s.tree.set_document(Document(good))
    assert s.damage() == ("", [])


def test_message_name_from_the_file_name() -> None:
    assert message_name(Path("job-spec.bin")) == "JobSpec"
    assert message_name(Path("123.bin")) == "Message" and message_name(None) == "Message"


def test_render_job_says_how_a_text_pane_gets_the_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pelorus.protobuf import session as session_mod

    s = EditorSession()
    assert s.render_job("text").how == "empty"
    data = job_pb2.JobSpec(name="etl").SerializeToString()
    s = opened(tmp_path, data)
    s.set_type("pelorus.v1.JobSpec")
    job = s.render_job("json")
    assert job.how == "inline" and job.args is not None
    assert job.args[1:4] == ("pelorus.v1.JobSpec", data, "json") and job.args[4] is not s.tree.pins
    monkeypatch.setattr(session_mod, "INLINE_RENDER_LIMIT", 4)
    worker = s.render_job("text")
    assert worker.how == "worker" and worker.text == f"Rendering {len(data)} bytes as text format…"
    monkeypatch.setattr(session_mod, "TEXT_VIEW_LIMIT", 4)
    large = s.render_job("text")  # over the editable widget's limit: the virtual view, rendered in a worker
    assert large.how == "large" and large.args == worker.args and large.text == worker.text
    monkeypatch.setattr(session_mod, "LARGE_VIEW_LIMIT", 4)
    assert s.render_job("text").how == "too_large"


def test_undo_and_redo_availability(tmp_path: Path) -> None:
    s = opened(tmp_path, b"\x08\x96\x01")  # 150: read as an integer
    assert not s.can_undo and not s.can_redo
    row = s.tree.node_for_path((0,))
    assert row is not None and s.editing.set_value(row, "5")
    assert s.can_undo and not s.can_redo
    assert s.undo() is not None and s.can_redo and not s.can_undo


def test_a_text_apply_or_canonicalise_result_is_dropped_when_the_message_changed(tmp_path: Path) -> None:
    from pelorus.protobuf.textedit import apply_text, canonical

    data = job_pb2.JobSpec(name="etl", owner="ann").SerializeToString()
    s = opened(tmp_path, data)
    s.set_type("pelorus.v1.JobSpec")
    state = s.state()
    applied = apply_text(s.registry, "pelorus.v1.JobSpec", data, 'name: "new"', "text")
    row = s.tree.node_for_path((1,))
    assert row is not None and s.editing.set_value(row, "bob")  # the message changes meanwhile
    out = s.apply_text_result(applied, data, state, "text")
    assert out.stale and out.edit is None and "nothing was applied" in out.message
    payload = s.payload()
    assert payload is not None
    state = s.state()
    out = s.apply_text_result(apply_text(s.registry, "pelorus.v1.JobSpec", payload, 'name: "new"', "text"),
                              payload, state, "text")
    assert out.edit is not None and out.message.startswith("Applied the text format edit")
    assert job_pb2.JobSpec.FromString(s.doc.to_bytes() if s.doc else b"").name == "new"
    payload = s.payload()
    assert payload is not None
    same = s.canonical_result(canonical(s.registry, "pelorus.v1.JobSpec", payload), payload, s.state())
    assert same.same and same.message == "Already canonical as pelorus.v1.JobSpec: nothing to change."


def test_guesses_are_remembered_and_worded() -> None:
    s = EditorSession()
    assert s.guessed([]).startswith("No loaded type parses")
    data = job_pb2.JobSpec(name="etl").SerializeToString()
    said = s.guessed(s.registry.guess_types(data))
    assert said.startswith("Best guesses: ") and s.guesses


def test_field_span_parts_and_sentence() -> None:
    from pelorus.protobuf.tree import FieldSpan

    span = FieldSpan(10, 11, 12, 15, 15)
    assert span.parts() == [(10, 11, "tag"), (11, 12, "length"), (12, 15, "value"), (15, 15, "tag")]
    assert span.describe(7) == "Field 7 · bytes 10…14 (5 bytes: tag 1, length prefix 1, value 3)"
    err = FieldSpan(4, 4, 4, 5, 5)
    assert err.is_error and err.parts() == [(4, 5, "error")]


def test_compare_plan_aligns_streams_and_compares_a_record_with_a_single_message(tmp_path: Path) -> None:
    a, b = (job_pb2.JobSpec(name=n).SerializeToString() for n in ("a", "bb"))
    s = opened(tmp_path, stream(a, b), "varint", name="s.bin")
    s.show_record(1)
    assert s.compare_framing() == "varint"
    (tmp_path / "other.bin").write_bytes(stream(b, a))
    plan = s.compare_plan(load_file(tmp_path / "other.bin", s.compare_framing()))
    assert plan == (stream(a, b), "s.bin", "varint")  # the whole streams, record by record
    (tmp_path / "one.bin").write_bytes(b"\x0a")  # does not tile as a stream: one message
    plan = s.compare_plan(load_file(tmp_path / "one.bin", s.compare_framing()))
    assert plan == (b, "s.bin record 2", "single")
    single = opened(tmp_path, a, name="m.bin")
    assert single.compare_framing() == "single"
    assert single.compare_plan(load_file(tmp_path / "one.bin", "single")) == (a, "m.bin", "single")
