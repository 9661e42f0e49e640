"""Structure edits, stream records, text/JSON apply, canonicalise and the save preview, driven through
the protobuf editor's real widgets (context menu, keys, dialogs) offscreen on a qasync loop."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from guihelp import context_menu, find_row, menu_action, refocus, run, screenshot, until
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMenu, QMessageBox

from console.models.proto_tree import Column, PathRole
from console.views.proto_edit_actions import SavePreviewDialog
from console.views.proto_editor import ProtoEditor
from pelorus.api import job_pb2
from pelorus.protobuf import framing as fr
from pelorus.protobuf.document import encode_frame

UNKNOWN = b"\xb8\x3e\x07"  # field 999 = 7: in no schema


def job_spec() -> job_pb2.JobSpec:
    spec = job_pb2.JobSpec(name="nightly-etl", owner="ann", instance_count=3, labels={"team": "web"})
    spec.default_spec.command = "sh"
    spec.default_spec.args.extend(["-c", "make"])
    spec.schedule.cron = "0 3 * * *"
    spec.data.Pack(job_pb2.Progress(successful=5, failed=1))
    return spec


async def settle(ed: ProtoEditor) -> None:
    """Wait for the editor's spawned work (Apply, Canonicalise, renders run in worker threads)."""
    await until(lambda: not ed.tasks, what="the editor's tasks")


def parsed(ed: ProtoEditor) -> job_pb2.JobSpec:
    assert ed.doc is not None
    return job_pb2.JobSpec.FromString(ed.doc.to_bytes())


async def answer(ed: ProtoEditor, name: str, button: str) -> str:
    """Wait for the question ``name`` and press ``button``; the question's text."""
    await until(lambda: any(b.isVisible() for b in ed.findChildren(QMessageBox, name)), what=f"dialog {name}")
    box = next(b for b in ed.findChildren(QMessageBox, name) if b.isVisible())
    text = f"{box.text()} {box.informativeText()}"
    next(b for b in box.buttons() if b.text().replace("&", "") == button).click()
    return text


@pytest.mark.slow
def test_repeated_items_oneof_and_remove_from_menu_and_keys(qloop: Any, editor: ProtoEditor, tmp_path: Path) -> None:
    original = job_spec().SerializeToString() + UNKNOWN
    src = tmp_path / "spec.bin"
    src.write_bytes(original)

    async def scenario() -> None:
        assert await editor.open_path(src)
        assert editor.set_type("JobSpec")
        pod = find_row(editor, "default_spec")
        editor.tree.expand(pod)
        arg0 = find_row(editor, "args[0]", pod)
        # add an item from the context menu: it appears after args[0], selected, hex highlight on it
        menu_action(await context_menu(editor, arg0), "Add item after args[0]").trigger()
        assert list(parsed(editor).default_spec.args) == ["-c", "", "make"]
        cur = editor.tree.currentIndex()
        assert cur.siblingAtColumn(Column.NAME).data() == "args[1]"
        span = editor.current_span()
        assert span is not None and editor.hex.hex_model.highlight_range() == (span.start, span.end)
        assert editor.doc.to_bytes()[span.start:span.end] == b"\x12\x00"
        assert "add args[1]" in editor.status.text()
        # reorder with the keyboard: Ctrl+Down swaps it with the next item, and the selection follows it
        await refocus(editor)
        QTest.keyClick(editor.tree, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
        assert list(parsed(editor).default_spec.args) == ["-c", "make", ""]
        assert editor.tree.currentIndex().siblingAtColumn(Column.NAME).data() == "args[2]"
        QTest.keyClick(editor.tree, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
        assert list(parsed(editor).default_spec.args) == ["-c", "", "make"]
        # Insert on a repeated item adds another one after it
        QTest.keyClick(editor.tree, Qt.Key.Key_Insert)
        assert len(parsed(editor).default_spec.args) == 4
        screenshot(editor, "proto_editor_structure_edit")
        # Delete on a single item removes it without asking
        QTest.keyClick(editor.tree, Qt.Key.Key_Delete)
        await until(lambda: len(parsed(editor).default_spec.args) == 3, what="item removed")

        # set a oneof member: schedule.every replaces cron in one edit
        sched = find_row(editor, "schedule")
        menu = await context_menu(editor, sched)
        menu_action(menu, "Add field inside schedule", "Set oneof when", "every (2) — clears cron").trigger()
        got = parsed(editor)
        assert got.schedule.WhichOneof("when") == "every" and got.schedule.cron == ""
        assert "clears cron" in editor.doc.history[-1].description

        # removing a whole submessage asks, naming it; Cancel keeps it, Remove takes it
        pod = find_row(editor, "default_spec")
        editor.tree.setCurrentIndex(pod)
        await refocus(editor)
        before = editor.doc.to_bytes()
        QTest.keyClick(editor.tree, Qt.Key.Key_Delete)
        text = await answer(editor, "confirmRemove", "Cancel")
        assert "default_spec" in text and "PodSpec" in text and "bytes" in text
        assert editor.doc.to_bytes() == before
        editor.tree.setCurrentIndex(find_row(editor, "default_spec"))
        await refocus(editor)
        QTest.keyClick(editor.tree, Qt.Key.Key_Delete)
        await answer(editor, "confirmRemove", "Remove")
        await until(lambda: not parsed(editor).HasField("default_spec"), what="submessage removed")
        assert editor.doc.to_bytes().endswith(UNKNOWN)  # the unknown field is untouched
        # clearing a whole map asks too
        labels = find_row(editor, 'labels["team"]')
        editor.spawn(editor.edit_actions.clear(labels))
        await answer(editor, "confirmRemove", "Clear")
        await until(lambda: not parsed(editor).labels, what="map cleared")
        # add an absent field from the top-level menu (right-click on empty space)
        menu = QMenu()
        editor.edit_actions.populate(menu, QModelIndex())
        menu_action(menu, "Add field", "set: namespace (5)").trigger()
        assert parsed(editor).HasField("default_spec") is False
        assert find_row(editor, "namespace").isValid()
        # every step undoes back to the original bytes, and redoes
        n = len(editor.doc.history)
        for _ in range(n):
            editor.undo()
        assert editor.doc.to_bytes() == original and not editor.modified
        for _ in range(n):
            editor.redo()
        assert parsed(editor).namespace == "" and not parsed(editor).labels

    run(qloop, scenario())


def test_edit_inside_any_repacks(qloop: Any, editor: ProtoEditor, tmp_path: Path) -> None:
    original = job_spec().SerializeToString()
    src = tmp_path / "any.bin"
    src.write_bytes(original)

    async def scenario() -> None:
        assert await editor.open_path(src)
        editor.set_type("JobSpec")
        data = find_row(editor, "data")
        editor.tree.expand(data)
        value = find_row(editor, "value", data)
        editor.tree.expand(value)
        editor.tree.setCurrentIndex(value)
        await refocus(editor)
        QTest.keyClick(editor.tree, Qt.Key.Key_Insert)  # not a repeated item: the add-field menu opens
        menu = editor.edit_actions.menu
        menu_action(menu, "Add field inside value", "set: remaining (3)").trigger()
        menu.hide()
        await refocus(editor)
        remaining = editor.tree.currentIndex()
        assert remaining.siblingAtColumn(Column.NAME).data() == "remaining"
        assert editor.model.setData(remaining.siblingAtColumn(Column.VALUE), "12")
        inner = job_pb2.Progress()
        assert parsed(editor).data.Unpack(inner)
        assert (inner.successful, inner.failed, inner.remaining) == (5, 1, 12)
        # the rest of the file is as it was: only the Any and its value grew
        out = editor.doc.to_bytes()
        assert len(out) == len(original) + 2
        rest = job_spec()
        rest.ClearField("data")
        assert job_pb2.JobSpec.FromString(out).name == rest.name and out.startswith(original[:20])

    run(qloop, scenario())


def _index_is_fresh(editor: ProtoEditor) -> None:
    """The editor's record index (updated incrementally after each edit) equals a full rebuild."""
    assert editor.records is not None and editor.doc is not None
    full = fr.RecordIndex(editor.doc.data, editor.records.framing)  # type: ignore[arg-type]
    got = editor.records
    assert bytes(got.buf) == bytes(editor.doc.data)
    assert (list(got.prefix_offsets), list(got.offsets), list(got.lengths), list(got.flags)) == (
        list(full.prefix_offsets), list(full.offsets), list(full.lengths), list(full.flags))
    assert (got.error is None) == (full.error is None)


def test_stream_record_edit_add_and_remove(qloop: Any, editor: ProtoEditor, tmp_path: Path) -> None:
    recs = [job_pb2.Progress(successful=i, failed=i % 3).SerializeToString() for i in range(1, 12)]
    original = b"".join(encode_frame("varint", r) for r in recs)
    src = tmp_path / "stream.bin"
    src.write_bytes(original)

    async def scenario() -> None:
        assert await editor.open_path(src)
        assert editor.framing == "varint"
        editor.set_type("Progress")
        editor.record_spin.setValue(4)
        succ = find_row(editor, "successful").siblingAtColumn(Column.VALUE)
        assert succ.data() == "4"
        assert editor.model.setData(succ, "300")  # one byte longer: the record's varint prefix is rewritten
        _index_is_fresh(editor)
        idx = fr.index(editor.doc.to_bytes(), "varint")
        assert len(idx) == 11 and idx.error is None
        assert job_pb2.Progress.FromString(idx.payload(3)).successful == 300
        assert [idx.payload(i) for i in range(11) if i != 3] == [r for i, r in enumerate(recs) if i != 3]
        assert editor.record_spin.value() == 4 and find_row(editor, "successful").siblingAtColumn(
            Column.VALUE).data() == "300"
        # structure edits inside a record
        menu = QMenu()
        editor.edit_actions.populate(menu, QModelIndex())
        menu_action(menu, "Add field", "set: remaining (3)").trigger()
        assert job_pb2.Progress.FromString(fr.index(editor.doc.to_bytes(), "varint").payload(3)).HasField is not None
        # add a record after this one, then remove it again through the confirmation
        editor.edit_actions.add_record_button.click()
        assert len(editor.records) == 12 and editor.record_spin.value() == 5
        _index_is_fresh(editor)
        await asyncio.sleep(0.05)
        screenshot(editor, "proto_editor_stream_record_added")
        assert editor.records.payload(4) == b""
        editor.remove_record_button = editor.edit_actions.remove_record_button
        editor.remove_record_button.click()
        text = await answer(editor, "confirmRemoveRecord", "Remove")
        assert "record 5 of 12" in text
        await until(lambda: len(editor.records) == 11, what="record removed")
        _index_is_fresh(editor)
        # undo everything, back to the original bytes; the shown record follows each undo
        while editor.doc.history:
            editor.undo()
            _index_is_fresh(editor)
        assert editor.doc.to_bytes() == original
        editor.redo()
        _index_is_fresh(editor)
        editor.undo()
        assert editor.record_spin.value() == 4

    run(qloop, scenario())


def test_apply_json_and_a_broken_json_edit(qloop: Any, editor: ProtoEditor, tmp_path: Path) -> None:
    original = job_spec().SerializeToString() + UNKNOWN
    src = tmp_path / "spec.bin"
    src.write_bytes(original)

    async def scenario() -> None:
        assert await editor.open_path(src)
        editor.set_type("JobSpec")
        pane = editor.json_pane
        editor.side.setCurrentWidget(pane)
        text = editor.json_view.toPlainText()
        assert '"nightly-etl"' in text and not pane.apply_button.isEnabled()
        assert "canonical" in pane.note.text()
        editor.json_view.setPlainText(text.replace('"nightly-etl"', '"weekly-etl"'))
        assert pane.apply_button.isEnabled()
        pane.apply_button.click()
        await settle(editor)
        got = parsed(editor)
        assert got.name == "weekly-etl" and got.default_spec.args == ["-c", "make"]
        assert editor.doc.to_bytes().endswith(UNKNOWN)  # unknown field kept through the re-encode
        assert len(editor.doc.history) == 1 and "re-encoded" in editor.status.text()
        assert find_row(editor, "name").siblingAtColumn(Column.VALUE).data() == '"weekly-etl"'
        # broken JSON: the error names line and column, the text stays, the document does not change
        before = editor.doc.to_bytes()
        broken = editor.json_view.toPlainText().replace('"owner": "ann"', '"owner": ann')
        editor.json_view.setPlainText(broken)
        pane.apply_button.click()
        await settle(editor)
        assert pane.error.isVisible() and "line" in pane.error.text() and "column" in pane.error.text()
        assert editor.json_view.toPlainText() == broken and editor.doc.to_bytes() == before
        line = broken[: broken.index("ann")].count("\n") + 1
        assert f"line {line}" in pane.error.text()
        assert editor.json_view.textCursor().blockNumber() == line - 1
        # a schema error (unknown field name) is located too
        editor.json_view.setPlainText(broken.replace('"owner": ann', '"ownr": "x"'))
        pane.apply_button.click()
        await settle(editor)
        assert "ownr" in pane.error.text() and f"line {line}" in pane.error.text()
        await asyncio.sleep(0.1)  # let the layout settle before the picture
        screenshot(editor, "proto_editor_json_error")
        # an undo elsewhere does not wipe the unapplied text
        editor.undo()
        assert "ownr" in editor.json_view.toPlainText() and "changed since" in pane.note.text()
        pane.revert_button.click()
        assert '"nightly-etl"' in editor.json_view.toPlainText() and not pane.dirty
        # text format applies the same way
        editor.side.setCurrentWidget(editor.text_pane)
        t = editor.text_view.toPlainText()
        assert t.startswith("# 1 unknown field")
        editor.text_view.setPlainText(t.replace("instance_count: 3", "instance_count: 8"))
        editor.text_pane.apply_button.click()
        await settle(editor)
        await settle(editor)
        assert parsed(editor).instance_count == 8

    run(qloop, scenario())


def test_canonicalise_save_preview_and_reopen(qloop: Any, editor: ProtoEditor, tmp_path: Path) -> None:
    spec = job_pb2.JobSpec(name="n", owner="o", instance_count=3)
    original = b"\x30\x83\x00" + spec.SerializeToString()  # an over-long instance_count, written first
    src = tmp_path / "long.bin"
    src.write_bytes(original)

    async def scenario() -> None:
        assert await editor.open_path(src)
        button = editor.edit_actions.canonicalise_button
        assert not button.isEnabled()  # needs a schema
        editor.set_type("JobSpec")
        assert button.isEnabled() and button.isVisible()
        button.click()
        await settle(editor)
        assert editor.doc.to_bytes() == spec.SerializeToString() and len(editor.doc.history) == 1
        editor.undo()
        assert editor.doc.to_bytes() == original
        editor.redo()
        # choosing another framing would re-read the file: with unsaved edits it asks first
        vi = editor.framing_combo.findData("varint")
        editor.framing_combo.setCurrentIndex(vi)
        editor.framing_combo.activated.emit(vi)
        text = await answer(editor, "confirmReframe", "Cancel")
        assert "1 unsaved edit" in text
        await until(lambda: editor.framing_combo.currentData() == "single", what="framing kept")
        assert editor.modified and editor.doc.to_bytes() == spec.SerializeToString()
        # Save shows the preview first; Cancel writes nothing
        editor.save_button.click()
        await until(lambda: getattr(editor, "save_dialog", None) is not None and editor.save_dialog.isVisible(),
                    what="save preview")
        dialog: SavePreviewDialog = editor.save_dialog
        preview = dialog.text.toPlainText()
        assert "canonicalise as pelorus.v1.JobSpec" in preview and "@0:" in preview
        dialog.grab().save(str(Path(screenshot(editor, "proto_editor_before_save")).with_name(
            "proto_editor_save_preview.png")))
        dialog.reject()
        await until(lambda: not dialog.isVisible(), what="dialog closed")
        assert src.read_bytes() == original and editor.modified
        editor.save_button.click()
        await until(lambda: editor.save_dialog is not dialog and editor.save_dialog.isVisible(), what="preview")
        editor.save_dialog.accept()
        await until(lambda: not editor.modified, what="saved")
        assert src.read_bytes() == spec.SerializeToString()
        # an unmodified document saves without asking
        assert await editor.save(confirm=True)

    run(qloop, scenario())
    reopened = ProtoEditor(registry=editor.registry)

    async def reopen() -> None:
        assert await reopened.open_path(src)
        reopened.set_type("JobSpec")
        ic = find_row(reopened, "instance_count")
        assert ic.siblingAtColumn(Column.VALUE).data() == "3"
        assert reopened.model.byte_span(ic).start == 3 + 3  # after name and owner now: canonical order
        assert ic.data(PathRole) == (2,)

    run(qloop, reopen())
    reopened.deleteLater()


def big_spec(n_labels: int) -> bytes:
    """A JobSpec of several hundred KB (a labels map) whose Any packs a Progress with an unknown field."""
    spec = job_spec()
    for i in range(n_labels):
        spec.labels[f"key{i:06d}"] = "v" * 12
    progress = job_pb2.Progress(successful=5, failed=1)
    progress.MergeFromString(UNKNOWN)
    spec.data.value = progress.SerializeToString()
    return spec.SerializeToString(deterministic=True) + UNKNOWN


async def max_gap_while(ed: ProtoEditor, done: Any) -> float:
    """Longest pause of the event loop (s) until ``done()``: how long the UI thread was blocked."""
    gap, last = 0.0, asyncio.get_running_loop().time()
    while not done():
        await asyncio.sleep(0.01)
        now = asyncio.get_running_loop().time()
        gap, last = max(gap, now - last), now
    return gap


@pytest.mark.slow
def test_large_text_render_and_apply_run_off_the_ui_thread(qloop: Any, editor: ProtoEditor, tmp_path: Path) -> None:
    original = big_spec(12_000)
    assert len(original) > 300_000
    src = tmp_path / "big.bin"
    src.write_bytes(original)

    async def scenario() -> None:
        assert await editor.open_path(src)
        editor.set_type("JobSpec")
        pane = editor.text_pane
        shown: list[str] = []
        pane.view.textChanged.connect(lambda: shown.append(pane.view.toPlainText()[:200]))
        # rendering: a placeholder at once, the busy row, and the text from the worker
        editor.side.setCurrentWidget(pane)
        assert pane.view.toPlainText().startswith("Rendering")
        await until(lambda: editor.busy_row.isVisible() and "Rendering" in editor.busy_label.text(), what="busy row")
        # an edit while that render runs: its (stale) result is dropped, the new message is rendered
        name = find_row(editor, "name").siblingAtColumn(Column.VALUE)
        assert editor.model.setData(name, "renamed")
        gap = await max_gap_while(editor, lambda: not editor.tasks)
        text = pane.view.toPlainText()
        assert 'name: "renamed"' in text and text.startswith("# 2 unknown fields") and pane.editable
        assert not any('name: "nightly-etl"' in t for t in shown), "a stale render reached the pane"
        assert gap < 1.0, f"the UI thread was blocked for {gap:.2f} s"
        # Apply in a worker: the pane is read-only, the document unchanged until it finishes; Cancel
        # leaves everything as it was and keeps the text
        before = editor.doc.to_bytes()
        edited = text.replace("instance_count: 3", "instance_count: 9")
        pane.view.setPlainText(edited)
        pane.apply_button.click()
        await until(lambda: pane.busy, what="apply started")
        assert pane.view.isReadOnly() and not pane.apply_button.isEnabled() and editor.busy_row.isVisible()
        assert "Applying the text format edit" in editor.busy_label.text()
        editor.cancel_button.click()
        await settle(editor)
        assert editor.doc.to_bytes() == before and pane.view.toPlainText() == edited and pane.dirty
        assert "cancelled" in editor.status.text() and not pane.view.isReadOnly()
        # an error found by the worker: shown with its line, text kept, document unchanged
        broken = edited.replace("instance_count: 9", "instance_count: nine")
        pane.view.setPlainText(broken)
        pane.apply_button.click()
        await settle(editor)
        assert pane.error.isVisible() and "line" in pane.error.text()
        assert pane.view.toPlainText() == broken and editor.doc.to_bytes() == before
        # and applied for real: one edit, the unknown fields (top level and inside the Any) kept
        pane.view.setPlainText(edited)
        pane.apply_button.click()
        gap = await max_gap_while(editor, lambda: not editor.tasks)
        got = parsed(editor)
        assert got.instance_count == 9 and got.name == "renamed" and len(got.labels) == 12_001
        out = editor.doc.to_bytes()
        assert out.endswith(UNKNOWN) and got.data.value.endswith(UNKNOWN)
        assert "2 unknown fields kept" in editor.status.text()
        assert gap < 1.0, f"the UI thread was blocked for {gap:.2f} s"
        assert "instance_count: 9" in pane.view.toPlainText() and not pane.dirty
        # canonicalise in a worker, cancelled: nothing changes
        editor.undo()
        editor.undo()  # back to the original bytes (not canonical: the unknown field follows the Any)
        assert editor.doc.to_bytes() == original
        editor.edit_actions.canonicalise_button.click()
        await until(lambda: editor.busy_row.isVisible() and "Canonicalising" in editor.busy_label.text(),
                    what="canonicalise started")
        editor.cancel_button.click()
        await settle(editor)
        assert editor.doc.to_bytes() == original and "cancelled" in editor.status.text()

    run(qloop, scenario(), timeout=120)


@pytest.mark.slow
def test_schemaless_add_field_by_number_wire_type_and_value(qloop: Any, editor: ProtoEditor, tmp_path: Path) -> None:
    from console.views.proto_edit_actions import RawFieldDialog
    from pelorus.protobuf.schemaless import decode

    original = job_spec().SerializeToString() + UNKNOWN
    src = tmp_path / "raw.bin"
    src.write_bytes(original)

    def row(number: int, parent: QModelIndex | None = None) -> QModelIndex:
        parent = parent or QModelIndex()
        m = editor.model
        m.fetch_all(parent)
        return next(m.index(r, 0, parent) for r in range(m.rowCount(parent))
                    if m.index(r, Column.NUMBER, parent).data() == str(number))

    async def dialog_open() -> RawFieldDialog:
        await until(lambda: any(d.isVisible() for d in editor.findChildren(RawFieldDialog)),
                    what="the add-field dialog")
        return next(d for d in editor.findChildren(RawFieldDialog) if d.isVisible())

    async def scenario() -> None:
        assert await editor.open_path(src)
        assert editor.model.descriptor is None  # schemaless
        # a nested level: inside field 7 (the pod spec), after its field 1 (command "sh")
        pod = row(7)
        editor.tree.expand(pod)
        command = row(1, pod)
        menu = await context_menu(editor, command)
        assert not any(a.text().startswith("Move") for a in menu.actions())  # a single field: no moves
        menu_action(menu, "Add field after").trigger()
        dialog = await dialog_open()
        dialog.number.setValue(40)
        dialog.wire.setCurrentIndex(dialog.wire.findText("varint"))
        dialog.value.setText("lots")
        dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
        await asyncio.sleep(0.05)
        assert dialog.isVisible() and "not an integer" in dialog.error.text()  # stays open, says why
        assert editor.doc.to_bytes() == original
        dialog.value.setText("300")
        assert not dialog.error.isVisible()
        await asyncio.sleep(0.05)
        dialog.grab().save(str(Path(screenshot(editor, "proto_editor_schemaless_add")).with_name(
            "proto_editor_schemaless_add_dialog.png")))
        dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
        await until(lambda: len(editor.doc.history) == 1, what="field added")
        out = editor.doc.to_bytes()
        edit = editor.doc.history[0]
        inserted = [s for s in edit.splices if not s.old]
        assert len(inserted) == 1 and inserted[0].new == b"\xc0\x02\xac\x02"  # field 40 = 300
        assert len(edit.splices) == 2  # plus pod spec's length prefix, nothing else
        assert job_pb2.JobSpec.FromString(out).default_spec.args == ["-c", "make"]
        cur = editor.tree.currentIndex()
        assert cur.siblingAtColumn(Column.NUMBER).data() == "40" and cur.data(PathRole)[-1] == 1
        span = editor.current_span()
        assert span is not None and out[span.start:span.end] == b"\xc0\x02\xac\x02"
        assert editor.hex.hex_model.highlight_range() == (span.start, span.end)
        assert "add field 40" in editor.status.text()
        # Insert on a top-level row offers it too; length-delimited as hex, appended after the row
        editor.tree.setCurrentIndex(row(1))
        await refocus(editor)
        QTest.keyClick(editor.tree, Qt.Key.Key_Insert)
        menu = editor.edit_actions.menu
        menu_action(menu, "Add field after").trigger()
        menu.hide()
        dialog = await dialog_open()
        dialog.number.setValue(3000)
        dialog.wire.setCurrentIndex(dialog.wire.findText("length-delimited"))
        assert dialog.as_hex.isVisible()
        dialog.as_hex.setChecked(True)
        dialog.value.setText("de ad be ef")
        dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
        await until(lambda: len(editor.doc.history) == 2, what="second field added")
        top = decode(editor.doc.to_bytes())
        assert top[1].number == 3000 and top[1].value == b"\xde\xad\xbe\xef" and top[0].number == 1
        # Cancel adds nothing; undo twice gives back the file byte for byte
        menu_action(await context_menu(editor, row(2)), "Add field after").trigger()
        dialog = await dialog_open()
        dialog.reject()
        await asyncio.sleep(0.05)
        assert len(editor.doc.history) == 2
        editor.undo()
        editor.undo()
        assert editor.doc.to_bytes() == original
        # with a schema the schemaless add is not offered on schema levels
        editor.set_type("JobSpec")
        names = [a.text() for a in (await context_menu(editor, find_row(editor, "name"))).actions()]
        assert not any(t.startswith("Add field after") for t in names)

    run(qloop, scenario())
