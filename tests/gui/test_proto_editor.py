"""The protobuf editor driven through its real widgets (offscreen, on a qasync loop)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from guihelp import find_row, run, screenshot, until
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QComboBox, QLineEdit

from console.models.proto_tree import Column, PathRole, ReadingsRole
from console.views.proto_editor import ProtoEditor
from pelorus.api import job_pb2
from pelorus.protobuf.wire import encode_varint


def job_spec() -> job_pb2.JobSpec:
    spec = job_pb2.JobSpec(name="nightly-etl", owner="ann", description="load the warehouse", instance_count=3,
                           priority=-2, namespace="data", labels={"team": "web"})
    spec.default_spec.command = "sh"
    spec.schedule.cron = "0 3 * * *"
    spec.ttl_after_finished.seconds = 3600
    spec.data.Pack(job_pb2.Progress(successful=5, failed=1, remaining=9))
    return spec


def highlight(ed: ProtoEditor) -> tuple[int, int] | None:
    return ed.hex.hex_model.highlight_range()


def test_open_select_edit_save_reopen(qloop: Any, editor: ProtoEditor, tmp_path: Path) -> None:
    spec = job_spec()
    original = spec.SerializeToString()
    src = tmp_path / "spec.bin"
    src.write_bytes(original)

    async def scenario() -> None:
        assert await editor.open_path(src)
        assert editor.set_type("JobSpec")
        name = find_row(editor, "name")
        editor.tree.setCurrentIndex(name)
        assert highlight(editor) == (0, 2 + len("nightly-etl"))
        # a nested field, three levels down (data → value → failed): the highlight moves there
        data = find_row(editor, "data")
        value = find_row(editor, "value", data)
        failed = find_row(editor, "failed", value)
        editor.tree.expand(data)
        editor.tree.expand(value)
        editor.tree.setCurrentIndex(failed)
        span = editor.current_span()
        assert span is not None and highlight(editor) == (span.start, span.end)
        assert original[span.start:span.end] == b"\x10\x01"
        assert editor.hex.hex_model.data(editor.hex.hex_model.cell_for(span.start), Qt.ItemDataRole.DisplayRole) \
            == "10"
        screenshot(editor, "proto_editor_nested")
        # clicking a byte selects the innermost field holding it
        editor.select_offset(span.start + 1)
        assert editor.tree.currentIndex().data(PathRole) == failed.data(PathRole)

        # edit instance_count through its editor delegate
        ic = find_row(editor, "instance_count").siblingAtColumn(Column.VALUE)
        editor.tree.setCurrentIndex(ic)
        editor.tree.edit(ic)
        await until(lambda: editor.tree.findChild(QLineEdit, "proto-int-editor") is not None, what="int editor")
        line = editor.tree.findChild(QLineEdit, "proto-int-editor")
        line.selectAll()
        QTest.keyClicks(line, "7")
        QTest.keyClick(line, Qt.Key.Key_Return)
        await until(lambda: editor.modified, what="the edit")
        assert find_row(editor, "instance_count").siblingAtColumn(Column.VALUE).data() == "7"
        assert "instance_count" in editor.tab_title or editor.tab_title.endswith("•")
        preview = editor.save_preview()
        assert "set field 6" in preview and "03 → 07" in preview
        assert await editor.save()
        assert not editor.modified

    run(qloop, scenario())
    saved = src.read_bytes()
    expected = job_spec()
    expected.instance_count = 7
    assert saved == expected.SerializeToString()
    diff = [i for i, (a, b) in enumerate(zip(original, saved, strict=True)) if a != b]
    assert len(diff) == 1 and saved[diff[0]] == 7

    reopened = ProtoEditor(registry=editor.registry)

    async def reopen() -> None:
        assert await reopened.open_path(src)
        reopened.set_type("pelorus.v1.JobSpec")
        assert find_row(reopened, "instance_count").siblingAtColumn(Column.VALUE).data() == "7"

    run(qloop, reopen())
    reopened.deleteLater()


def test_enum_combo_range_check_and_undo_redo(qloop: Any, editor: ProtoEditor, tmp_path: Path) -> None:
    status = job_pb2.JobStatus(state=job_pb2.JOB_STATE_RUNNING, revision=4)
    data = status.SerializeToString() + bytes([0x10, 0x63])  # desired_state = 99: not in JobState
    src = tmp_path / "status.bin"
    src.write_bytes(data)

    async def scenario() -> None:
        assert await editor.open_path(src)
        editor.set_type("pelorus.v1.JobStatus")
        desired = find_row(editor, "desired_state").siblingAtColumn(Column.VALUE)
        assert desired.data() == "99 (unknown)"
        state = find_row(editor, "state").siblingAtColumn(Column.VALUE)
        assert state.data() == "JOB_STATE_RUNNING"
        editor.tree.setCurrentIndex(state)
        editor.tree.edit(state)
        await until(lambda: editor.tree.findChild(QComboBox, "proto-enum-editor") is not None, what="enum editor")
        combo = editor.tree.findChild(QComboBox, "proto-enum-editor")
        combo.setCurrentIndex(combo.findData(job_pb2.JOB_STATE_FAILED))
        editor.tree.itemDelegateForColumn(Column.VALUE).commitData.emit(combo)
        editor.tree.itemDelegateForColumn(Column.VALUE).closeEditor.emit(combo)
        await until(lambda: editor.modified, what="the enum edit")
        assert find_row(editor, "state").siblingAtColumn(Column.VALUE).data() == "JOB_STATE_FAILED"
        # out of range for uint64: rejected with the reason, nothing changes
        rev = find_row(editor, "revision").siblingAtColumn(Column.VALUE)
        assert not editor.model.setData(rev, "-1")
        assert "out of range" in editor.status.text()
        before = editor.doc.to_bytes()
        editor.undo()
        assert editor.doc.to_bytes() == data and not editor.modified
        editor.redo()
        assert editor.doc.to_bytes() == before
        QTest.keySequence(editor.tree, "Ctrl+Z")
        assert editor.doc.to_bytes() == data

    run(qloop, scenario())


def test_schemaless_decode_with_readings(qloop: Any, editor: ProtoEditor, tmp_path: Path) -> None:
    src = tmp_path / "unknown.bin"
    src.write_bytes(job_spec().SerializeToString())

    async def scenario() -> None:
        assert await editor.open_path(src)
        m = editor.model
        assert m.descriptor is None
        m.fetch_all()
        numbers = [m.index(r, Column.NUMBER).data() for r in range(m.rowCount())]
        assert numbers[:3] == ["1", "2", "3"]
        assert m.index(0, Column.VALUE).data() == '"nightly-etl"'
        prio = next(m.index(r, 0) for r in range(m.rowCount()) if m.index(r, 0).data() == "8")
        readings = prio.data(ReadingsRole)
        assert readings[0].kind == "int64" and readings[0].value == -2
        sched = next(m.index(r, 0) for r in range(m.rowCount()) if m.index(r, 0).data() == "10")
        editor.tree.expand(sched)
        m.fetch_all(sched)
        editor.tree.setCurrentIndex(m.index(0, 0, sched))
        await until(lambda: highlight(editor) is not None, what="highlight")
        m.pin(prio, "sint64")
        prio = next(m.index(r, 0) for r in range(m.rowCount()) if m.index(r, 0).data() == "8")
        assert prio.siblingAtColumn(Column.TYPE).data() == "sint64 (pinned)"
        editor.side.setCurrentWidget(editor.text_pane)
        assert "nightly-etl" in editor.text_view.toPlainText()
        m.pin(prio, None)
        editor.side.setCurrentWidget(editor.hex)
        sched = next(m.index(r, 0) for r in range(m.rowCount()) if m.index(r, 0).data() == "10")
        editor.select_path((*sched.data(PathRole), 0))
        screenshot(editor, "proto_editor_schemaless")

    run(qloop, scenario())


def test_corrupt_file_shows_error_offset_and_keeps_prefix(qloop: Any, editor: ProtoEditor, tmp_path: Path) -> None:
    good = job_pb2.JobSpec(name="ok", owner="me").SerializeToString()
    bad = good + b"\x1a" + encode_varint(50) + b"short"  # description says 50 bytes, 5 are there
    src = tmp_path / "bad.bin"
    src.write_bytes(bad)

    async def scenario() -> None:
        assert await editor.open_path(src, "single")
        editor.set_type("JobSpec")
        assert editor.error_label.isVisible()
        assert f"offset {len(good) + 1}" in editor.error_label.text()
        m = editor.model
        m.fetch_all()
        names = [m.index(r, Column.NAME).data() for r in range(m.rowCount())]
        assert names[:2] == ["name", "owner"]
        errors = [m.index(r, Column.VALUE).data() for r in range(m.rowCount())]
        assert any("offset" in (e or "") for e in errors)
        marks = editor.hex.hex_model.part_at(len(good) + 1)
        assert marks == "error"

    run(qloop, scenario())


def test_varint_stream_record_browser(qloop: Any, editor: ProtoEditor, tmp_path: Path) -> None:
    recs = [job_pb2.Progress(successful=i, failed=i % 3).SerializeToString() for i in range(1, 40)]
    src = tmp_path / "stream.bin"
    src.write_bytes(b"".join(encode_varint(len(r)) + r for r in recs))

    async def scenario() -> None:
        assert await editor.open_path(src)
        assert editor.framing == "varint" and editor.record_row.isVisible()
        editor.set_type("Progress")
        editor.record_spin.setValue(5)
        m = editor.model
        assert find_row(editor, "successful").siblingAtColumn(Column.VALUE).data() == "5"
        assert m.byte_span(find_row(editor, "successful")).start > 0  # absolute offsets in the file

    run(qloop, scenario())


def _big_nested(fields: int) -> bytes:
    inner = b"".join(b"\x08" + encode_varint(i) for i in range(fields))
    return b"\x0a" + encode_varint(len(inner)) + inner + b"\x10\x01"


@pytest.mark.slow
def test_large_nested_level_decodes_off_thread_with_progress_and_cancel(
        qloop: Any, editor: ProtoEditor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Expanding a big nested message scans it in a worker thread: the bar shows real progress, Cancel
    stops the scan (the row stays pending and can be expanded again), and the rows then appear."""
    from pelorus.protobuf import schemaless

    monkeypatch.setattr(schemaless, "CHUNK_BYTES", 16 * 1024)
    src = tmp_path / "big.bin"
    src.write_bytes(_big_nested(1_500_000))

    async def scenario() -> None:
        assert await editor.open_path(src)
        m = editor.model
        m.fetch_all()
        top = m.index(0, 0)
        assert m.is_pending(top)
        editor.tree.expand(top)
        await until(lambda: editor.busy_row.isVisible(), what="busy bar")
        editor.cancel()
        await until(lambda: not editor.busy_row.isVisible(), what="cancelled")
        assert m.is_pending(top) and not editor.tree.isExpanded(top)

        seen: list[tuple[int, int]] = []
        editor.tree.expand(top)

        def resolved() -> bool:
            if editor.progress.maximum() == 1000:
                seen.append((editor.progress.value(), editor.progress.maximum()))
            return not m.is_pending(top) and m.rowCount(top) > 0

        await until(resolved, timeout=60, what="rows of the big level")
        assert seen and all(0 <= v <= 1000 for v, _ in seen)
        assert editor.progress.maximum() == 0  # back to the indeterminate bar for other work
        assert m.index(1, Column.VALUE, top).data() in ("1", "True")
        last = m.index_for_path((0, 1_499_999))
        assert last.isValid() and last.siblingAtColumn(Column.VALUE).data() == "1499999"
        editor.tree.scrollTo(last)
        editor.tree.setCurrentIndex(last)
        screenshot(editor, "proto_editor_big_level")

    run(qloop, scenario(), timeout=120)


@pytest.mark.slow
def test_indexing_a_long_stream_shows_progress_and_can_be_cancelled(
        qloop: Any, editor: ProtoEditor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Opening a stream of a million delimited records indexes it in the worker under the Progress
    token: the bar fills, Cancel stops the index (nothing is opened), and opening again completes."""
    from pelorus.protobuf import framing

    monkeypatch.setattr(framing, "_PROGRESS_RECORDS", 4096)
    src = tmp_path / "stream.bin"
    src.write_bytes(b"".join(b"\x02\x08" + bytes([i & 0x7F]) for i in range(1_000_000)))

    async def scenario() -> None:
        task = editor.spawn(editor.open_path(src, "varint"))
        await until(lambda: editor.busy_row.isVisible(), what="busy bar")
        editor.cancel()
        assert await task is False
        await until(lambda: not editor.busy_row.isVisible(), what="cancelled")
        assert editor.records is None

        seen: list[int] = []
        task = editor.spawn(editor.open_path(src, "varint"))

        def opened() -> bool:
            if editor.progress.maximum() == 1000:
                seen.append(editor.progress.value())
                if len(seen) == 1:
                    screenshot(editor, "proto_editor_stream_indexing")
            return task.done()

        await until(opened, timeout=60, what="stream opened")
        assert task.result() is True
        assert editor.records is not None and len(editor.records) == 1_000_000
        assert seen and all(0 <= v <= 1000 for v in seen) and max(seen) > 0
        screenshot(editor, "proto_editor_stream_opened")

    run(qloop, scenario(), timeout=120)


@pytest.mark.parametrize("width", [1000, 1280, 1600, 2400])
def test_hex_pane_fits_offset_hex_and_ascii_at_every_window_width(qloop: Any, editor: ProtoEditor, tmp_path: Path,
                                                                  width: int) -> None:
    raw = job_spec().SerializeToString()
    src = tmp_path / "spec.bin"
    src.write_bytes(raw)

    async def scenario() -> None:
        editor.resize(width, 760)
        assert await editor.open_path(src)
        editor.set_type("JobSpec")
        editor.side.setCurrentWidget(editor.hex)
        await until(lambda: editor.width() == width, what="the editor at the asked width")
        editor._fit_splitter()
        await asyncio.sleep(0.1)
        hexv = editor.hex
        m = hexv.hex_model
        assert editor.minimumSizeHint().width() <= 1000  # the toolbar no longer holds the window wide
        assert m.bytes_per_row in (8, 16, 32) and (m.bytes_per_row >= 16 or width < 1500)
        assert hexv.visible_columns_fit(), (m.bytes_per_row, hexv.horizontalHeader().length(),
                                            hexv.viewport().width())
        assert hexv.horizontalScrollBar().maximum() == 0
        # the last ASCII cell of the first row is on screen, and a click on it selects its field
        n = m.bytes_per_row
        cell = m.index(0, 2 * n - 1)
        rect = hexv.visualRect(cell)
        assert hexv.viewport().rect().contains(rect), (rect, hexv.viewport().rect())
        assert m.offset_of(cell) == n - 1 and m.cell_for(n - 1, ascii=True) == cell
        QTest.mouseClick(hexv.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        span = editor.current_span()
        assert span is not None and span.start <= n - 1 < span.end
        assert m.index(0, 0).data() == f"{raw[0]:02x}" and m.headerData(1, Qt.Orientation.Vertical) == f"{n:08x}"
        screenshot(editor, f"proto_editor_hex_{width}")
        if width >= 2400:  # the operator widens the pane: 32 bytes a row, still without scrolling
            editor.splitter.setSizes([width - 1420, 1400])
            await until(lambda: m.bytes_per_row == 32, what="32 bytes a row")
            await asyncio.sleep(0.05)
            assert hexv.visible_columns_fit() and m.offset_of(m.index(1, 0)) == 32

    run(qloop, scenario())


@pytest.mark.parametrize("encoding", ["hex", "base64"])
def test_text_encoded_file_saves_back_in_its_encoding(
        qloop: Any, editor: ProtoEditor, tmp_path: Path, encoding: str) -> None:
    """A file opened as hex or base64 text is saved as that text: byte-identical when untouched
    (spacing and the final newline included), re-encoded after an edit — never silently binary."""
    import base64

    raw = job_pb2.JobSpec(name="b64", instance_count=3).SerializeToString()
    text = (raw.hex(" ").upper() if encoding == "hex" else base64.b64encode(raw).decode()) + "\n"
    src = tmp_path / f"spec.{encoding}"
    src.write_text(text)

    async def scenario() -> None:
        assert await editor.open_path(src)
        assert editor.encoding == encoding
        assert await editor.save()
        assert src.read_text() == text  # untouched: the very same text
        editor.set_type("JobSpec")
        assert editor.model.setData(find_row(editor, "instance_count").siblingAtColumn(Column.VALUE), "9")
        assert await editor.save()

    run(qloop, scenario())
    expected = job_pb2.JobSpec(name="b64", instance_count=9).SerializeToString()
    saved = src.read_text()
    assert saved.endswith("\n")
    if encoding == "hex":
        assert saved == expected.hex(" ").upper() + "\n"  # the original's style: spaced upper-case pairs
    else:
        assert base64.b64decode(saved) == expected


def test_pinned_readings_export_as_a_proto_that_decodes_the_file(
        qloop: Any, editor: ProtoEditor, tmp_path: Path) -> None:
    """Schemaless: pin field 8 (priority -2, a varint) as zigzag, export the readings as a .proto
    from the Schemas menu's action; the file names the pinned type and compiles with protoc."""
    src = tmp_path / "spec.bin"
    src.write_bytes(job_pb2.JobSpec(name="exp", priority=-2, instance_count=3).SerializeToString())
    out = tmp_path / "readings.proto"

    async def scenario() -> None:
        assert await editor.open_path(src)
        prio = find_row(editor, "8", col=Column.NUMBER)
        editor.model.pin(prio, "sint64")
        actions = {a.text(): a for a in editor.schema_button.menu().actions()}
        assert "Export readings as .proto…" in actions
        assert await editor.export_proto(out)
        assert "Exported" in editor.status.text() and str(out) in editor.status.text()
        assert await editor.load_protos([str(out)])

    run(qloop, scenario())
    text = out.read_text()
    assert "optional sint64 field_8 = 8;" in text and "optional string field_1 = 1;" in text
    assert "message Spec" in text  # named after the file


def test_open_command_keeps_the_schema_error_in_view(qloop: Any, tmp_path: Path) -> None:
    """`main.py open FILE --proto broken.proto --type T`: the import error stays on screen after
    the file opens (opening used to clear it, leaving only "type T is not loaded")."""
    from PySide6.QtWidgets import QApplication

    from console.views.proto_window import ProtoEditorWindow, build_parser, run_standalone

    src = tmp_path / "spec.bin"
    src.write_bytes(job_spec().SerializeToString())
    bad = tmp_path / "bad.proto"
    bad.write_text('syntax = "proto3"; import "nowhere/dep.proto"; message B { dep.X x = 1; }')
    args = build_parser().parse_args([str(src), "--proto", str(bad), "--type", "B"])

    async def scenario() -> None:
        task = asyncio.ensure_future(run_standalone(QApplication.instance(), args))

        def window() -> ProtoEditorWindow | None:
            return next((w for w in QApplication.topLevelWidgets()
                         if isinstance(w, ProtoEditorWindow) and w.isVisible()), None)

        await until(lambda: window() is not None and window().editor.doc is not None, what="the file opened")
        ed = window().editor
        await until(lambda: "is not loaded" in ed.error_label.text(), what="the type error")
        text = ed.error_label.text()
        assert ed.error_label.isVisible()
        assert '"nowhere/dep.proto"' in text and "Searched:" in text
        window().close()
        assert await task == 0

    run(qloop, scenario())


def test_damage_at_the_first_byte_says_nothing_was_decoded(qloop: Any, editor: ProtoEditor, tmp_path: Path) -> None:
    src = tmp_path / "noise.bin"
    src.write_bytes(b"\x16\xf1\x1e\xf0")  # wire type 6 in the first tag
    cut = tmp_path / "cut.bin"
    cut.write_bytes(job_spec().SerializeToString()[:20])

    async def scenario() -> None:
        assert await editor.open_path(src)
        text = editor.error_label.text()
        assert "offset 0" in text and "No field before it could be decoded" in text
        assert "Everything before it" not in text
        assert await editor.open_path(cut)
        assert "Everything before it is decoded below" in editor.error_label.text()

    run(qloop, scenario())
