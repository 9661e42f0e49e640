"""The spec editor's error line: the YAML's field name, line and column, the nearest field name,
the line highlighted and the word underlined; fixing it makes the spec valid again."""

from __future__ import annotations

from typing import Any

from guihelp import screenshot
from PySide6.QtGui import QTextCharFormat

from console.views.spec_editor import SpecEditorDialog

BAD = """\
name: nightly
owner: data
instanc_count: 2
default_spec:
  command: sh
  args: [-c, 'echo hi']
"""


def _shown(dialog: SpecEditorDialog) -> None:
    dialog._timer.stop()
    dialog._validate()


def test_an_unknown_field_points_at_its_line_and_suggests_the_name(qloop: Any) -> None:
    dialog = SpecEditorDialog(None)
    dialog.resize(1280, 800)
    dialog.show()
    dialog.yaml.setPlainText(BAD)
    _shown(dialog)
    text = dialog.error.text()
    assert "Line 3, column 1: unknown field instanc_count: did you mean instance_count?" in text, text
    assert not dialog.submit.isEnabled()
    assert (dialog.name.text(), dialog.owner.text()) == ("nightly", "data"), "the form follows the YAML"
    selections = dialog.yaml.extraSelections()
    assert selections[0].cursor.blockNumber() == 2, "the line is highlighted"
    word = selections[1]
    assert word.cursor.selectedText() == "instanc_count"
    assert word.format.underlineStyle() == QTextCharFormat.UnderlineStyle.WaveUnderline
    screenshot(dialog, "spec_editor_error_1280x800")
    dialog.resize(1920, 1080)
    screenshot(dialog, "spec_editor_error_1920x1080")
    dialog.yaml.setPlainText(BAD.replace("instanc_count", "instance_count"))
    _shown(dialog)
    assert dialog.submit.isEnabled() and "Valid spec" in dialog.error.text()
    assert dialog.yaml.extraSelections() == []
    dialog.close()


def test_a_nested_value_and_an_engine_rule_are_located(qloop: Any) -> None:
    dialog = SpecEditorDialog(None)
    dialog.show()
    dialog.yaml.setPlainText(BAD.replace("instanc_count: 2", "instance_count: 2").replace(
        "command: sh", "command: sh\n  restart_policy: ALWAYS"))
    _shown(dialog)
    text = dialog.error.text()
    assert "Line 6, column 19: default_spec.restart_policy: ALWAYS is not a RestartPolicy: did you mean " \
           "RESTART_POLICY_ALWAYS?" in text, text
    dialog.yaml.setPlainText(BAD.replace("instanc_count: 2", "instance_count: 0"))
    _shown(dialog)
    text = dialog.error.text()
    assert "Line 3, column 1: instance_count: must be at least 1" in text, text
    dialog.close()
