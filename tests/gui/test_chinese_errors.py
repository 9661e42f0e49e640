"""The core's errors reach the console in the operator's language, through the real UI paths.

The Qt-free core raises EditError, SchemaError, SpecError, TextEditError, PayloadError, TargetError
and ClientError with a :class:`pelorus.text.Text` (the English sentence, plus its template and
arguments); the console translates the template and fills the arguments where it shows the error.
Each test triggers the error as an operator would (a bad value typed in the editor's tree, a bad spec
in the spec editor, a bad target in the Call panel, an action the engine refuses) in Chinese and in
English; what the engine itself says (its gRPC status details) stays English in both.
Screenshots of the Chinese error states go to /tmp/shots-lang19b/ (checked for clipped text).
"""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from enginehelp import EngineProcess, sh_spec
from guihelp import find_row, run, until
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QWidget
from zhhelp import clipped, settle

from console import i18n
from console.models.proto_tree import Column
from console.views.proto_editor import ProtoEditor

SHOTS = Path("/tmp/shots-lang19b")


@pytest.fixture(params=["zh_CN", "en"])
def lang(request: Any, qapp: Any) -> Iterator[str]:
    before = QLocale()
    i18n.install(request.param, qapp)
    yield request.param
    i18n.uninstall(qapp)
    QLocale.setDefault(before)


def pick(lang: str, zh: str, en: str) -> str:
    return zh if lang == "zh_CN" else en


def shoot(widget: QWidget, lang: str, name: str, problems: list[str]) -> None:
    """A zh_CN picture of an error state, and what of it is clipped."""
    if lang != "zh_CN":
        return
    SHOTS.mkdir(parents=True, exist_ok=True)
    widget.grab().save(str(SHOTS / f"{name}.png"))
    problems += [f"{name}: {p}" for p in clipped(widget)]


def test_editor_refusals_value_type_text_and_raw_field(lang: str, qloop: Any, editor: ProtoEditor,
                                                       tmp_path: Path) -> None:
    """ValueEditor (a value typed in the tree), SchemaError (an unknown type), TextEditError (JSON that
    does not parse) and EditError (a raw field's value on OK of the Add field dialog)."""
    from console.views.proto_edit_actions import RawFieldDialog

    src = tmp_path / "spec.bin"
    src.write_bytes(sh_spec("nightly", "echo hi", instances=2).SerializeToString())
    problems: list[str] = []

    async def body() -> None:
        assert await editor.open_path(src)
        assert editor.set_type("JobSpec")
        await settle()
        # a value that does not parse, typed into the tree: the status line says why, in Chinese
        cell = find_row(editor, "instance_count").siblingAtColumn(Column.VALUE)
        assert not editor.model.setData(cell, "abc")
        await settle()
        want = pick(lang, "未修改：'abc' 不是整数", "Not changed: 'abc' is not a whole number")
        assert editor.status.text() == want, editor.status.text()
        await settle()  # laid out before the picture
        shoot(editor, lang, "editor-value-refused", problems)

        # an unknown type: the banner
        assert not editor.set_type("NoSuchType")
        want = pick(lang, "消息类型 'NoSuchType' 未加载（请加载定义它的 .proto 或描述符集）",
                    "message type 'NoSuchType' is not loaded (load a .proto or descriptor set that defines it)")
        assert editor.error_label.text() == want, editor.error_label.text()
        await settle()  # laid out before the picture
        shoot(editor, lang, "editor-unknown-type", problems)
        editor.show_error("")

        # JSON that does not parse: the pane's error line, framed by the console, the JSON decoder's
        # own reason (a library's message) as it is
        editor.side.setCurrentWidget(editor.json_pane)
        await settle()
        editor.json_view.setPlainText('{\n  "name": \n}')
        editor.json_pane.apply_button.click()
        await until(lambda: bool(editor.json_pane.error.text()), what="the pane's error")
        text = editor.json_pane.error.text()
        want = pick(lang, "未应用 — 第 3 行，第 1 列：不是有效的 JSON：Expecting value",
                    "Not applied — line 3, column 1: not valid JSON: Expecting value")
        assert text == want, text
        await settle()  # laid out before the picture
        shoot(editor, lang, "editor-json-not-applied", problems)
        editor.json_pane.revert_button.click()

        # a raw field's value where no schema describes the level: EditError on OK, the dialog stays
        assert editor.set_type(None)
        await settle()
        dialog = RawFieldDialog(editor, "after name", 99)
        dialog.show()
        dialog.wire.setCurrentIndex(dialog.wire.findText("length-delimited"))
        dialog.as_hex.setChecked(True)
        dialog.value.setText("zz")
        buttons = dialog.findChild(QDialogButtonBox)
        assert buttons is not None
        buttons.button(QDialogButtonBox.StandardButton.Ok).click()
        await settle()
        want = pick(lang, "未添加 — 不是 hex 字节：'zz'（每个字节两位十六进制数字，例如 0a ff）",
                    "Not added — not hex bytes: 'zz' (two hex digits per byte, e.g. 0a ff)")
        assert dialog.isVisible() and dialog.error.text() == want, dialog.error.text()
        await settle()  # laid out before the picture
        shoot(dialog, lang, "editor-raw-field-refused", problems)
        dialog.close()

    run(qloop, body())
    assert not problems, problems


BAD_SPEC = """\
name: nightly
owner: data
instanc_count: 2
default_spec:
  command: sh
  args: [-c, 'echo hi']
"""


def test_spec_editor_problems(lang: str, qloop: Any) -> None:
    """SpecError: the spec checker's problem (an unknown field, a value of the wrong kind, YAML that
    does not parse) inside the editor's own "Line, column" frame."""
    from console.views.spec_editor import SpecEditorDialog

    dialog = SpecEditorDialog(None)
    dialog.resize(1280, 800)
    dialog.show()
    problems: list[str] = []

    def shown(yaml: str) -> str:
        dialog.yaml.setPlainText(yaml)
        dialog._timer.stop()
        dialog._validate()
        return dialog.error.text()

    async def body() -> None:
        text = shown(BAD_SPEC)
        assert pick(lang, "第 3 行，第 1 列：未知字段 instanc_count：是否想输入 instance_count？",
                    "Line 3, column 1: unknown field instanc_count: did you mean instance_count?") in text, text
        await settle()  # laid out before the picture
        shoot(dialog, lang, "spec-unknown-field", problems)
        text = shown(BAD_SPEC.replace("instanc_count: 2", "instance_count: two"))
        assert pick(lang, "instance_count：应为整数，而不是 two",
                    "instance_count: expected a whole number, not two") in text, text
        text = shown(BAD_SPEC.replace("instanc_count: 2", "instance_count: [1"))
        assert pick(lang, "不是有效的 YAML：", "not valid YAML: ") in text, text
        await settle()  # laid out before the picture
        shoot(dialog, lang, "spec-not-yaml", problems)

    run(qloop, body())
    dialog.close()
    assert not problems, problems


def test_call_panel_target_and_payload(lang: str, qloop: Any, editor: ProtoEditor, tmp_path: Path) -> None:
    """TargetError (a CA certificate that cannot be read) and PayloadError (a request that does not fit
    the method's input), in the Call panel's status line; nothing is sent."""
    from console.views.call_panel import protobuf_page

    page, panel = protobuf_page(editor)
    page.resize(1440, 860)
    page.show()
    problems: list[str] = []
    missing = tmp_path / "no-ca.pem"

    async def body() -> None:
        assert panel.select_method("pelorus.v1.JobService/GetJob")
        panel.address.setText("127.0.0.1:9")
        panel.plaintext.setChecked(False)
        panel.tls_ca.setText(str(missing))
        panel.request.setPlainText('{"job_id": "x"}')
        assert await panel.send() is None
        want = pick(lang, f"无法读取CA 证书 {missing}：No such file or directory",
                    f"cannot read the CA certificate {missing}: No such file or directory")
        assert panel.status.text() == want, panel.status.text()
        await settle()  # laid out before the picture
        shoot(page, lang, "call-target-error", problems)

        panel.plaintext.setChecked(True)
        panel.tls_ca.setText("")
        panel.request.setPlainText('{\n  "job_id": "x",\n  "summary_only": "yes"\n}')
        assert await panel.send() is None
        text = panel.status.text()
        want = pick(lang, "请求与 pelorus.v1.GetJobRequest 不符：字段 summary_only（第 3 行，第 3 列）：",
                    "the request does not fit pelorus.v1.GetJobRequest: field summary_only (line 3, column 3): ")
        assert text.startswith(want), text
        await settle()  # laid out before the picture
        shoot(page, lang, "call-payload-error", problems)

    try:
        run(qloop, body())
    finally:
        panel.close_tasks()
        editor.setParent(None)
        page.close()
        page.deleteLater()
    assert not problems, problems


def test_an_engine_refusal_is_framed_in_the_console_language(lang: str, qloop: Any, tmp_path: Path) -> None:
    """ClientError: the engine refuses a pod action (the pod went away: the table's row is stale, so
    the engine decides); the console's frame ("Stop pod failed:") is translated, the engine's own
    reason stays as the engine wrote it (English: the API)."""
    from console.embedded import EmbeddedEngine
    from console.session import ConnectionState, Session, SessionOptions
    from console.views.job_detail import JobDetailDialog
    from pelorus.errors import ClientError

    session = Session(SessionOptions(data_dir=tmp_path / "data", profiles_dir=tmp_path / "profiles"))
    problems: list[str] = []
    engine_said: list[str] = []

    async def body() -> None:
        await session.start()
        await until(lambda: session.state == ConnectionState.CONNECTED, what="connected")
        job_id = await session.create_job(sh_spec("refused", "sleep 30", instances=1), "refused")
        gone = f"{job_id}-7"
        try:  # what the engine answers, read beside the UI: its own words
            await session.client.stop_pod(gone)
        except ClientError as exc:
            engine_said.append(exc.message)
        dialog = JobDetailDialog(session, job_id)
        dialog.resize(1280, 800)
        dialog.show()
        await dialog.load()
        await until(lambda: dialog.pods_model.rowCount() == 1, what="the pod listed")
        await asyncio.sleep(0.3)  # the pods feed's own status line first
        dialog.pods_view.confirm = False  # the confirmation is not what this test is about
        assert not await dialog.pods_view.act("stop", gone)
        await settle()
        text = html.unescape(re.sub(r"<[^>]+>", "", dialog.status.text()))
        assert engine_said and engine_said[0] in text, (engine_said, text)
        frame = pick(lang, f"停止 {gone}：停止 Pod失败：", f"Stop {gone}: Stop pod failed: ")
        assert f"{frame}{engine_said[0]}" in text, text
        await settle()  # laid out before the picture
        shoot(dialog, lang, "detail-engine-refusal", problems)
        dialog.close()

    try:
        run(qloop, body(), timeout=90)
    finally:
        for w in QApplication.topLevelWidgets():
            if isinstance(w, JobDetailDialog):
                w.close()
        run(qloop, session.stop())
        embedded = session.embedded or EmbeddedEngine(tmp_path / "data")
        if embedded.pid() is not None:
            run(qloop, embedded.stop(timeout=15))
        EngineProcess(tmp_path / "data").reap_pods()
    assert not problems, problems
