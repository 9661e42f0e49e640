"""The sentences the Qt-free core builds (pelorus/text.py) reach the console in Chinese: the protobuf
editor's status line (the field under the cursor, what an edit did), its damage banner, the tree's
cells and tooltips, the reading menu's reasons, and the Compare window's summary and status line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from enginehelp import sh_spec
from guihelp import run
from PySide6.QtCore import Qt
from zhhelp import settle

from console import i18n


def test_the_editor_and_compare_show_the_core_sentences_in_chinese(chinese: None, qloop: Any,
                                                                   tmp_path: Path) -> None:
    from console.views.proto_editor import ProtoEditor

    editor = ProtoEditor()
    editor.show()
    left, right, cut = tmp_path / "left.bin", tmp_path / "right.bin", tmp_path / "cut.bin"
    spec = sh_spec("nightly", "echo hi", instances=2)
    left.write_bytes(spec.SerializeToString())
    spec.owner = "zhang"
    right.write_bytes(spec.SerializeToString())
    cut.write_bytes(spec.SerializeToString()[:-3])

    async def body() -> None:
        assert await editor.open_path(left)
        assert editor.status.text().startswith("left.bin：") and "字节，单条消息。" in editor.status.text()
        assert editor.set_type("JobSpec")
        await settle()
        model = editor.model
        name = model.index(0, 0)  # field 1, name: a string, so a length prefix
        editor.tree.setCurrentIndex(name)
        status = editor.status.text()
        assert status.startswith("字段 1 · 字节 0…") and "tag 1，长度前缀 1，值 7" in status, status
        assert "bytes" not in status and "length prefix" not in status
        tip = model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
        assert tip.startswith("字段 1，线路类型 length-delimited\n字节 0…"), tip

        # an edit: its description (the tree editor's) inside the session's sentence, both translated
        assert model.setData(model.index(0, 3), "etl")
        await settle()
        status = editor.status.text()
        assert status.startswith("已编辑：将偏移 0 处的字段 1（name）设为 'etl'") and "字节）。" in status, status
        editor.undo()
        assert editor.status.text().startswith("已撤销："), editor.status.text()

        compare = await editor.compare_with(right)
        assert compare is not None
        await settle()
        view = compare.view
        assert view.summary.text().startswith("1 处差异：新增 0，删除 0，更改 1"), view.summary.text()
        view.select_difference(0)
        assert view.status.text().startswith("~ owner："), view.status.text()
        assert "[左侧 @" in view.status.text() and "，右侧 @" in view.status.text()
        compare.close()

        assert await editor.open_path(cut)
        await settle()
        banner = editor.error_label.text()
        assert banner.startswith("在字节偏移 ") and "超出了" in banner, banner
        assert "Damaged" not in banner and "runs past" not in banner
        i18n.install(i18n.ENGLISH)  # a live switch (View ▸ Language): the core's sentences follow
        await settle()
        assert editor.error_label.text().startswith("Damaged at byte offset "), editor.error_label.text()

    try:
        run(qloop, body(), timeout=60)
    finally:
        editor.close_tasks()
        for w in list(editor.compare_windows):
            w.close()
        editor.close()
        editor.deleteLater()


def test_the_reading_menu_and_schemaless_cells_in_chinese(chinese: None, qloop: Any, tmp_path: Path) -> None:
    """Without a schema: the Type column says a reading is pinned, a nested message's Value counts
    its fields, and the tooltip gives the reading's reason, all in Chinese."""
    from console.views.proto_editor import ProtoEditor

    editor = ProtoEditor()
    editor.show()
    path = tmp_path / "m.bin"
    path.write_bytes(sh_spec("nightly", "echo hi", instances=2).SerializeToString())

    async def body() -> None:
        assert await editor.open_path(path)
        await settle()
        model = editor.model
        rows = [model.index(r, 3).data() for r in range(model.rowCount())]
        assert any(v.startswith("{") and "个字段}" in v for v in rows), rows
        tip = model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
        assert "解读：string — 可打印的 UTF-8 文本" in tip, tip
        model.pin(model.index(0, 0), "bytes")
        await settle()
        assert model.index(0, 2).data() == "bytes（已固定）"

    try:
        run(qloop, body(), timeout=60)
    finally:
        editor.close_tasks()
        editor.close()
        editor.deleteLater()
