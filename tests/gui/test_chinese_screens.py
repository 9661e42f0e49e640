"""Windows and dialogs in Chinese at 1280x800, saved as screenshots ($PELORUS_SCREENSHOTS,
"zh-*.png") and checked for clipped text: a button, label, check box or tab narrower than its
Chinese text needs (a layout sized for English cuts Chinese off). The main window's are in
test_chinese_window.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from enginehelp import sh_spec
from guihelp import run
from zhhelp import settle, shoot


@pytest.mark.slow
def test_the_protobuf_editor_and_its_dialogs_in_chinese(chinese: None, qloop: Any, tmp_path: Path) -> None:
    """The editor (as in the Protobuf tab and `main.py open`), Compare, and the editor's dialogs."""
    from console.views.proto_editor import ProtoEditor

    editor = ProtoEditor()
    editor.show()
    problems: list[str] = []

    async def body() -> None:
        await shoot(editor, "protobuf-empty", problems)
        left, right = tmp_path / "left.bin", tmp_path / "right.bin"
        spec = sh_spec("批量导入", "echo hi", instances=2)
        left.write_bytes(spec.SerializeToString())
        spec.owner = "张三"
        right.write_bytes(spec.SerializeToString())
        assert await editor.open_path(left)
        assert editor.set_type("JobSpec")
        await settle(5)
        await shoot(editor, "protobuf-editor", problems)
        compare = await editor.compare_with(right)
        assert compare is not None
        await settle(5)
        await shoot(compare, "protobuf-compare", problems)
        compare.close()

        from console.views.proto_assign import TypeChooserDialog
        from console.views.proto_edit_actions import RawFieldDialog, SavePreviewDialog
        from console.views.reflection_dialog import ReflectionDialog

        for dialog, shot in ((ReflectionDialog("unix:/tmp/engine.sock", editor), "reflection"),
                             (TypeChooserDialog(editor, ["pelorus.v1.JobSpec", "pelorus.v1.PodSpec"], "字段 7"),
                              "assign-type"),
                             (RawFieldDialog(editor, "在 name 之后", 99), "raw-field"),
                             (SavePreviewDialog(editor, str(left), "@12 +3: 0a 03 …", "1 处改动"), "save-preview")):
            dialog.show()
            await settle(5)
            await shoot(dialog, shot, problems, resize=False)
            dialog.close()

    try:
        run(qloop, body(), timeout=90)
    finally:
        editor.close_tasks()
        for w in list(editor.compare_windows):
            w.close()
        editor.close()
        editor.deleteLater()
    assert not problems, "\n".join(problems)
