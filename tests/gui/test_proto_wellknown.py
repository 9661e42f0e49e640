""""Assign type…" on an Any of an unloaded type (and on an unknown length-delimited field), and the
Timestamp / Duration editors, driven through the protobuf editor's real widgets offscreen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from google.protobuf import timestamp_pb2
from guihelp import context_menu, find_row, menu_action, refocus, run, until
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit

from console.models.proto_tree import Column
from console.views.proto_assign import TypeChooserDialog
from console.views.proto_editor import ProtoEditor
from pelorus.api import job_pb2
from pelorus.protobuf.wire import encode_varint

SHOTS = Path("/tmp/shots/anytype")
SAMPLE_PROTO = """syntax = "proto3";
package acme;
import "google/protobuf/timestamp.proto";
message Sample { string label = 1; int64 count = 2; google.protobuf.Timestamp at = 3; }
"""
OLD_PROTO = """syntax = "proto3";
package acme;
message OldSample { string title = 1; int64 total = 2; }
"""
AT = encode_varint(1796083200)  # 2026-12-01T00:00:00Z
SAMPLE_BYTES = b"\x0a\x05hello\x10\x2a\x1a" + bytes([1 + len(AT)]) + b"\x08" + AT  # label, count = 42, at
UNKNOWN_LEN = b"\xba\x3e" + bytes([len(SAMPLE_BYTES)]) + SAMPLE_BYTES  # field 999, length-delimited


def shot(widget: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    widget.grab().save(str(SHOTS / f"{name}.png"))


def value(ix: QModelIndex) -> str:
    return ix.siblingAtColumn(Column.VALUE).data()


async def assign(ed: ProtoEditor, ix: QModelIndex, type_filter: str, screenshot: str | None = None) -> None:
    """Open the row's context menu, choose "Assign type…", filter the list and press OK."""
    menu = await context_menu(ed, ix)
    if screenshot:
        menu.popup(ed.tree.viewport().mapToGlobal(ed.tree.visualRect(ix).center()))
        await until(menu.isVisible, what="the menu")
        shot(menu, screenshot)
        shot(ed, screenshot + "_editor")
        menu.hide()
    menu_action(menu, "Assign type…").trigger()
    await until(lambda: ed.type_assign.dialog is not None and ed.type_assign.dialog.isVisible(), what="chooser")
    dialog = ed.type_assign.dialog
    assert isinstance(dialog, TypeChooserDialog)
    dialog.filter.clear()
    QTest.keyClicks(dialog.filter, type_filter)
    shown = [dialog.list.item(i).text() for i in range(dialog.list.count()) if not dialog.list.item(i).isHidden()]
    assert shown and all(type_filter.lower() in s.lower() for s in shown)
    if screenshot:
        shot(dialog, screenshot + "_chooser")
    QTest.keyClick(dialog.filter, Qt.Key.Key_Return)
    await until(lambda: ed.type_assign.dialog is None, what="the chooser to close")
    await until(lambda: not ed.tasks, what="the assignment")
    await refocus(ed)


@pytest.mark.slow
def test_assign_type_to_an_any_of_an_unloaded_type(qloop: Any, editor: ProtoEditor, tmp_path: Path) -> None:
    spec = job_pb2.JobSpec(name="w")
    spec.data.type_url = "type.googleapis.com/acme.OldSample"
    spec.data.value = SAMPLE_BYTES
    original = spec.SerializeToString() + UNKNOWN_LEN
    src = tmp_path / "any.bin"
    src.write_bytes(original)
    (tmp_path / "sample.proto").write_text(SAMPLE_PROTO)
    (tmp_path / "old.proto").write_text(OLD_PROTO)

    async def scenario() -> None:
        assert await editor.open_path(src)
        assert editor.set_type("JobSpec")
        assert await editor.load_protos([str(tmp_path / "sample.proto")], [str(tmp_path)])
        data = find_row(editor, "data")
        assert "acme.OldSample (type not loaded)" in value(data)
        raw = find_row(editor, "value", data)
        assert "not loaded" in raw.siblingAtColumn(Column.TYPE).data()
        assert value(find_row(editor, "2", raw, Column.NUMBER)) == "42"  # schemaless
        editor.tree.expand(data)

        await assign(editor, data, "acme.samp", screenshot="assign_menu")
        assert not editor.modified and editor.doc.to_bytes() == original  # a view choice, not an edit
        data = find_row(editor, "data")
        assert "read as acme.Sample" in value(data)
        inner = find_row(editor, "value", data)
        assert inner.siblingAtColumn(Column.TYPE).data() == "acme.Sample (assigned)"
        editor.tree.expand(inner)
        assert value(find_row(editor, "label", inner)) == '"hello"'
        count = find_row(editor, "count", inner)
        assert value(count) == "42"
        assert value(find_row(editor, "at", inner)) == "2026-12-01T00:00:00Z"
        # the hex highlight follows a field inside
        editor.tree.setCurrentIndex(count)
        span = editor.current_span()
        assert span is not None and editor.hex.hex_model.highlight_range() == (span.start, span.end)
        assert original[span.start:span.end] == b"\x10\x2a"
        shot(editor, "assigned_any")
        # remembered across a reload (another type choice round trip), like a pin
        assert editor.set_type("JobSpec")
        assert "read as acme.Sample" in value(find_row(editor, "data"))

        # the menu on the value row offers to clear it
        inner = find_row(editor, "value", find_row(editor, "data"))
        menu = await context_menu(editor, inner)
        menu_action(menu, "Clear assigned type (acme.Sample)").trigger()
        await refocus(editor)
        assert "type not loaded" in value(find_row(editor, "data"))

        # a wrong type that does not fit: damaged / unknown fields, no crash, bytes unchanged
        await assign(editor, find_row(editor, "data"), "JobStatus")
        inner = find_row(editor, "value", find_row(editor, "data"))
        assert inner.siblingAtColumn(Column.TYPE).data() == "pelorus.v1.JobStatus (assigned)"
        editor.model.fetch_all(inner)
        rows = [(editor.model.index(r, Column.NAME, inner).data(), editor.model.index(r, Column.TYPE, inner).data(),
                 editor.model.index(r, Column.VALUE, inner).data()) for r in range(editor.model.rowCount(inner))]
        assert rows[0][0] == "state" and "≠ wire" in rows[0][1]  # a string where an enum varint belongs
        assert rows[1] == ("desired_state", "JobState", "42 (unknown)")
        assert not editor.modified and editor.doc.to_bytes() == original

        # an unknown length-delimited field can be read as a type too
        unknown = find_row(editor, "999", None, Column.NUMBER)
        await assign(editor, unknown, "acme.Sample")
        unknown = find_row(editor, "999", None, Column.NUMBER)
        assert unknown.siblingAtColumn(Column.TYPE).data() == "acme.Sample (assigned)"
        assert value(find_row(editor, "label", unknown)) == '"hello"'

        # loading the type_url's own type decodes the Any with it, no assignment needed
        assert await editor.load_protos([str(tmp_path / "old.proto")], [str(tmp_path)])
        data = find_row(editor, "data")
        assert value(data) == "acme.OldSample"
        assert value(find_row(editor, "title", find_row(editor, "value", data))) == '"hello"'
        assert not editor.modified
        assert await editor.save(tmp_path / "out.bin")
        assert (tmp_path / "out.bin").read_bytes() == original  # byte-identical

    run(qloop, scenario())


def test_assigning_a_type_to_bytes_that_do_not_parse_shows_damage(qloop: Any, editor: ProtoEditor,
                                                                  tmp_path: Path) -> None:
    spec = job_pb2.JobSpec(name="w")
    spec.data.type_url = "type.googleapis.com/acme.Gone"
    spec.data.value = b"\x0a\x20abc"  # a length prefix running past the end
    src = tmp_path / "bad.bin"
    src.write_bytes(spec.SerializeToString())

    async def scenario() -> None:
        assert await editor.open_path(src)
        assert editor.set_type("JobSpec")
        data = find_row(editor, "data")
        await assign(editor, data, "pelorus.v1.Progress")
        inner = find_row(editor, "value", find_row(editor, "data"))
        assert "pelorus.v1.Progress" in inner.siblingAtColumn(Column.TYPE).data()
        assert "damaged" in value(inner) or "does not parse" in value(inner)
        editor.model.fetch_all(inner)
        for r in range(editor.model.rowCount(inner)):  # every row renders
            for c in range(editor.model.columnCount()):
                editor.model.index(r, c, inner).data()
        assert not editor.modified

    run(qloop, scenario())


def _edit_value(ed: ProtoEditor, ix: QModelIndex, name: str) -> QLineEdit:
    cell = ix.siblingAtColumn(Column.VALUE)
    ed.tree.setCurrentIndex(cell)
    ed.tree.edit(cell)
    line = ed.tree.findChild(QLineEdit, name)
    assert line is not None and line.isVisible()
    return line


async def _type_into(ed: ProtoEditor, ix: QModelIndex, name: str, text: str) -> None:
    line = _edit_value(ed, ix, name)
    line.selectAll()
    QTest.keyClicks(line, text)
    QTest.keyClick(line, Qt.Key.Key_Return)
    await until(lambda: ed.tree.findChild(QLineEdit, name) is None or not line.isVisible(), what="editor closed")


def test_timestamp_and_duration_edited_as_text(qloop: Any, editor: ProtoEditor, tmp_path: Path) -> None:
    status = job_pb2.JobStatus(revision=4, message="ok")
    status.created_at.seconds = 1_700_000_000
    status.updated_at.seconds = 1_700_000_100
    original = status.SerializeToString()
    src = tmp_path / "status.bin"
    src.write_bytes(original)

    async def scenario() -> None:
        assert await editor.open_path(src)
        assert editor.set_type("pelorus.v1.JobStatus")
        created = find_row(editor, "created_at")
        assert value(created) == "2023-11-14T22:13:20Z"
        line = _edit_value(editor, created, "proto-timestamp-editor")
        assert line.text() == "2023-11-14T22:13:20Z"
        shot(editor, "timestamp_editor")
        line.selectAll()
        QTest.keyClicks(line, "2026-12-01T23:15:00.123456789Z")
        QTest.keyClick(line, Qt.Key.Key_Return)
        await until(lambda: editor.modified, what="the timestamp edit")
        expected = job_pb2.JobStatus()
        expected.CopyFrom(status)
        expected.created_at.CopyFrom(timestamp_pb2.Timestamp(seconds=1796166900, nanos=123456789))
        out = editor.doc.to_bytes()
        assert out == expected.SerializeToString()
        # exactly: the Timestamp's prefix, its seconds varint, the new nanos field; the rest as it was
        cf = next(f for f in editor.doc.root if f.number == 10)
        assert out[: cf.tag_offset] == original[: cf.tag_offset]
        assert out[cf.end:] == original[cf.end - (len(out) - len(original)):]
        assert len(editor.doc.history) == 1
        assert value(find_row(editor, "created_at")) == "2026-12-01T23:15:00.123456789Z"
        editor.undo()
        assert editor.doc.to_bytes() == original and not editor.modified

        # malformed and out of range: refused with the reason, nothing changes
        for bad, why in [("2026-13-01T00:00:00Z", "not a valid date-time"),
                         ("tomorrow", "not an RFC 3339 date-time"),
                         ("0001-01-01T00:00:00+01:00", "outside the Timestamp range")]:
            await _type_into(editor, find_row(editor, "updated_at"), "proto-timestamp-editor", bad)
            assert why in editor.status.text() and editor.doc.to_bytes() == original
        assert not editor.model.setData(find_row(editor, "updated_at").siblingAtColumn(Column.VALUE),
                                        "10000-01-01T00:00:00Z")
        assert "RFC 3339" in editor.last_error and editor.doc.to_bytes() == original

    run(qloop, scenario())


def test_duration_edited_as_text(qloop: Any, editor: ProtoEditor, tmp_path: Path) -> None:
    spec = job_pb2.JobSpec(name="w")
    spec.ttl_after_finished.seconds = 3600
    original = spec.SerializeToString()
    src = tmp_path / "spec.bin"
    src.write_bytes(original)

    async def scenario() -> None:
        assert await editor.open_path(src)
        assert editor.set_type("JobSpec")
        ttl = find_row(editor, "ttl_after_finished")
        assert value(ttl) == "3600s"
        await _type_into(editor, ttl, "proto-duration-editor", "-2.000000001s")
        got = job_pb2.JobSpec.FromString(editor.doc.to_bytes()).ttl_after_finished
        assert (got.seconds, got.nanos) == (-2, -1)
        assert value(find_row(editor, "ttl_after_finished")) == "-2.000000001s"
        await _type_into(editor, find_row(editor, "ttl_after_finished"), "proto-duration-editor", "1h")
        assert "not a duration" in editor.status.text()
        editor.undo()
        assert editor.doc.to_bytes() == original

    run(qloop, scenario())

