"""What the protobuf editor shows at its default size: 16 bytes a hex row with every header cell
labelled, floats as written, reading choices with their values, a varint described as a varint,
and a Protobuf tab that keeps its name when a file opens."""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any

import pytest
from guihelp import context_menu, find_row, run, screenshot, until
from PySide6.QtCore import Qt

from console.models.proto_tree import Column
from console.views.proto_editor import ProtoEditor, ProtoEditorWindow
from pelorus.protobuf.wire import encode_varint


def sample() -> bytes:
    """float 3.14 (field 1), varint 150 (field 2), a nested message (3), a double (4), a string (5)."""
    inner = b"\x08" + encode_varint(150) + b"\x12\x05hello"
    return (b"\x0d" + struct.pack("<f", 3.14) + b"\x10" + encode_varint(150) + b"\x1a" + bytes([len(inner)]) + inner
            + b"\x21" + struct.pack("<d", 2.5) + b"\x2a\x0bhello world")


def test_default_window_shows_sixteen_bytes_a_row_and_floats_as_written(qloop: Any, tmp_path: Path) -> None:
    src = tmp_path / "sample.bin"
    src.write_bytes(sample())
    editor = ProtoEditor()
    window = ProtoEditorWindow(editor)  # its default size: 1280 x 800
    window.show()

    async def scenario() -> None:
        assert await editor.open_path(src)
        await until(lambda: editor.hex.hex_model.bytes_per_row == 16, what="16 bytes a row")
        hm = editor.hex.hex_model
        assert editor.hex.visible_columns_fit()
        headers = [hm.headerData(c, Qt.Orientation.Horizontal) for c in range(hm.columnCount())]
        assert all(headers) and headers[:16] == [f"{i:x}" for i in range(16)]
        floats = find_row(editor, "1", col=Column.NUMBER)
        assert floats.siblingAtColumn(Column.VALUE).data() == "3.14"
        varint = find_row(editor, "2", col=Column.NUMBER)
        editor.tree.setCurrentIndex(varint)
        assert editor.status.text() == "Field 2 · bytes 5…7 (3 bytes: tag 1, varint 2)"
        menu = await context_menu(editor, varint)
        labels = [a.text() for a in menu.actions()]
        assert any(t.startswith("uint64 = 150 — ") for t in labels), labels
        assert any(t.startswith("sint64 = 75 — ") for t in labels), labels
        fixed = await context_menu(editor, floats)
        assert any(t.startswith("float = 3.14 — ") for t in [a.text() for a in fixed.actions()])
        screenshot(window, "proto_editor_default_size")

    try:
        run(qloop, scenario())
    finally:
        editor.close_tasks()
        window.close()


@pytest.mark.slow
def test_the_protobuf_tab_keeps_its_name_when_a_file_opens(embedded_window: Any, qloop: Any, tmp_path: Path) -> None:
    win = embedded_window
    src = tmp_path / "sample.bin"
    src.write_bytes(sample())
    tab = win.tabs.indexOf(win.proto_page)

    async def scenario() -> None:
        editor = win.proto_editor
        assert win.tabs.tabText(tab) == "Protobuf"
        assert await editor.open_path(src)
        await until(lambda: win.tabs.tabText(tab) == "Protobuf · sample.bin", what="tab title with the file")
        win.tabs.setCurrentIndex(tab)
        screenshot(win, "main_window_protobuf_tab")

    run(qloop, scenario())
