"""Jobs with a ``data`` payload (google.protobuf.Any) in the console (issue 12): the detail opens and
shows it (decoded when its type is loaded, type URL and bytes when not) with "Open in protobuf
editor"; Edit + ReplaceJob keep its bytes identical unless the operator edits the payload."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from enginehelp import sh_spec
from guihelp import embedded_main_window, find_row, run, screenshot, until
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox

from console.models.proto_tree import Column
from console.views.main_window import MainWindow
from console.views.proto_editor import ProtoEditorWindow
from console.views.spec_editor import SpecEditorDialog
from pelorus.api import job_pb2

J = job_pb2
# pelorus.v1.Progress {successful: 1, failed: 2} with its fields out of order: valid protobuf that any
# re-encoding would reorder, so only bytes kept as they are survive an edit unchanged.
KNOWN = ("type.googleapis.com/pelorus.v1.Progress", b"\x10\x02\x08\x01")
UNKNOWN = ("type.googleapis.com/acme.billing.Invoice", b"\x0a\x05hello\x10\x96\x01\xff\x01")


@pytest.fixture
def window(qloop: Any, tmp_path: Path) -> Iterator[MainWindow]:
    with embedded_main_window(qloop, tmp_path) as win:
        yield win


async def visible(kind: type, exclude: tuple[Any, ...] = ()) -> Any:
    found: list[Any] = []

    def look() -> bool:
        found[:] = [w for w in QApplication.topLevelWidgets()
                    if isinstance(w, kind) and w.isVisible() and w not in exclude]
        return bool(found)

    await until(look, 10, what=f"a {kind.__name__}")
    return found[-1]


async def edit_owner(win: MainWindow, job_id: str, owner: str, replace: tuple[str, str] | None = None,
                     before: Any = None) -> None:
    """Edit through the real flow: Edit action, the spec editor (form or YAML), the diff, the batch size."""
    win.panel.select_job(job_id)
    win.actions_by_name["edit"].trigger()
    editor: SpecEditorDialog = await visible(SpecEditorDialog)
    await until(lambda: editor.submit.isEnabled(), what="the spec with its payload valid")
    if replace is not None:
        text = editor.yaml.toPlainText()
        assert replace[0] in text
        editor.set_text(text.replace(*replace))
    if before is not None:
        await before(editor)
    editor.owner.setText(owner)
    editor.owner.textEdited.emit(owner)
    await until(lambda: editor.submit.isEnabled() and editor.spec is not None and editor.spec.owner == owner,
                what="the edit valid")
    editor.submit.click()
    diff: QMessageBox = await visible(QMessageBox)
    diff.button(QMessageBox.StandardButton.Apply).click()
    batch: QInputDialog = await visible(QInputDialog)
    batch.setIntValue(0)
    batch.accept()


async def spec_of(win: MainWindow, job_id: str, owner: str) -> job_pb2.JobSpec:
    async def owner_is() -> bool:
        return (await win.session.client.get_job(job_id)).job_info.spec.owner == owner

    for _ in range(200):
        if await owner_is():
            break
        await until(lambda: True, timeout=0.05)
    spec = (await win.session.client.get_job(job_id)).job_info.spec
    assert spec.owner == owner
    return spec


@pytest.mark.parametrize(("kind", "payload"), [("known", KNOWN), ("unknown", UNKNOWN)])
def test_a_job_with_a_payload_opens_shows_edits_and_keeps_its_bytes(window: MainWindow, qloop: Any,
                                                                     kind: str, payload: tuple[str, bytes]) -> None:
    win = window
    type_url, value = payload
    type_name = type_url.rsplit("/", 1)[-1]

    async def body() -> None:
        spec = sh_spec(f"payload-{kind}", "sleep 60", kill_grace_period=0.2)
        spec.data.type_url, spec.data.value = type_url, value
        job_id = await win.session.create_job(spec, f"payload-{kind}")
        win.open_job(job_id)
        await until(lambda: job_id in win._details and win._details[job_id].job is not None, what="detail loaded")
        dialog = win._details[job_id]
        await until(lambda: dialog.summary_labels["State"].text() == "RUNNING", timeout=15, what="running")
        assert "color:#b3261e" not in dialog.status.text()  # no error
        text = dialog.spec_text.toPlainText()
        label = dialog.payload_row.label.text()
        assert type_name in label and f"{len(value)} bytes" in label
        if kind == "known":
            assert "successful: '1'" in text and "failed: '2'" in text and "decoded" in label
        else:
            assert "'@bytes': CgVoZWxsbxCWAf8B" in text and "type not loaded" in label
        await until(lambda: dialog.pods.model().rowCount() == 1, what="its pod shown")
        screenshot(dialog, f"payload-{kind}-detail")

        # "Open in protobuf editor": the payload's bytes, typed when the type is loaded.
        dialog.payload_row.open_button.click()
        editor_window: ProtoEditorWindow = await visible(ProtoEditorWindow)
        await until(lambda: editor_window.editor.doc is not None, what="the payload opened")
        assert editor_window.editor.doc.to_bytes() == value
        assert editor_window.editor.type_name == (type_name if kind == "known" else None)
        screenshot(editor_window, f"payload-{kind}-editor")
        editor_window.close()

        # Edit something else: the payload's bytes stay identical through ReplaceJob.
        await edit_owner(win, job_id, "new-owner")
        after = await spec_of(win, job_id, "new-owner")
        assert after.data.type_url == type_url and after.data.value == value
        await until(lambda: dialog.summary_labels["Owner"].text() == "new-owner", timeout=5, what="detail follows")

        if kind == "known":
            # Field by field in the protobuf editor's tree: the edited bytes go in as they are (still
            # in their non-canonical order, which a YAML round trip would have re-encoded).
            taken: list[bytes] = []

            async def in_the_tree(editor: SpecEditorDialog) -> None:
                assert editor.payload_bar.isVisible() and "decoded" in editor.payload_label.text()
                window = await editor.edit_payload()
                ed = window.editor
                await until(lambda: ed.doc is not None and ed.type_name == type_name, what="payload typed")
                ix = find_row(ed, "successful")
                assert ed.model.setData(ix.siblingAtColumn(Column.VALUE), "5")
                taken.append(ed.doc.to_bytes())
                assert taken[0] == b"\x10\x02\x08\x05"
                screenshot(window, "payload-edit-in-tree")
                assert editor.take_payload()
                await until(lambda: editor.spec is not None and editor.spec.data.value == taken[0],
                            what="the editor's bytes in the spec")
                assert "successful: '5'" in editor.yaml.toPlainText()
                screenshot(editor, "payload-spec-editor")
                ed.undo()  # taken: the window may close without asking about unsaved edits
                window.close()

            await edit_owner(win, job_id, "third", before=in_the_tree)
            assert (await spec_of(win, job_id, "third")).data.value == b"\x10\x02\x08\x05"
            # Edited in the YAML: the payload changes (and only then).
            await edit_owner(win, job_id, "fourth", ("successful: '5'", "successful: '9'"))
            edited = await spec_of(win, job_id, "fourth")
            got = job_pb2.Progress()
            assert edited.data.Unpack(got) and (got.successful, got.failed) == (9, 2)
        else:  # the base64 bytes can be edited too
            await edit_owner(win, job_id, "third", ("CgVoZWxsbxCWAf8B", "CgVoZWxsbw=="))
            edited = await spec_of(win, job_id, "third")
            assert edited.data.type_url == type_url and edited.data.value == b"\x0a\x05hello"

    run(qloop, body(), timeout=90)
