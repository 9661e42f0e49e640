"""Edit a job: spec at its version → review the diff and batch size → ReplaceJob.

On a conflict (someone else changed the job: ABORTED) the operator sees base, theirs and
yours, and may rebase: their edit re-applied on top of the new version, reviewed again.
Nothing is ever overwritten silently.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMessageBox,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from console import messages
from console.views.dialogs import ask_int, disposable, exec_async
from console.views.spec_editor import ConflictDialog, SpecEditorDialog, schema_pool
from pelorus.errors import Conflict
from pelorus.specfile import dump_spec, keep_payload_bytes
from pelorus.specmerge import rebase

if TYPE_CHECKING:
    from console.session import Session


def _ranges(ranges: object) -> str:
    parts = [f"{getattr(r, 'from')}" if r.to - getattr(r, "from") == 1 else f"{getattr(r, 'from')}–{r.to - 1}"
             for r in ranges]  # type: ignore[attr-defined]
    return ", ".join(parts) or QCoreApplication.translate("replace_flow", "none")


def describe_diff(diff: object) -> str:
    """What GetReplaceJobDiff says a replace would do to the job's instances, one line each."""
    return "\n".join((
        QCoreApplication.translate("ReplaceFlow", "Instances added: {}").format(_ranges(diff.instances_added)),  # type: ignore[attr-defined]
        QCoreApplication.translate("ReplaceFlow", "Instances removed: {}").format(_ranges(diff.instances_removed)),  # type: ignore[attr-defined]
        QCoreApplication.translate("ReplaceFlow", "Instances updated (restarted): {}").format(
            _ranges(diff.instances_updated)),  # type: ignore[attr-defined]
        QCoreApplication.translate("ReplaceFlow", "Instances unchanged: {}").format(_ranges(diff.instances_unchanged)),  # type: ignore[attr-defined]
    ))


class ReplaceConfirmDialog(QDialog):
    """One confirmation for a replace: what it does (GetReplaceJobDiff) and the batch size.

    ``batch`` is the chosen batch size (instances at a time, 0 = all) once accepted."""

    def __init__(self, parent: QWidget | None, title: str, what: str, diff: object, apply_text: str) -> None:
        super().__init__(parent)
        self.setObjectName("replaceConfirm")
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        head = QLabel(what)
        head.setObjectName("replaceConfirmWhat")
        head.setWordWrap(True)
        body = QLabel(describe_diff(diff))
        body.setObjectName("replaceConfirmDiff")
        self.batch_box = QSpinBox()
        self.batch_box.setObjectName("replaceBatch")
        self.batch_box.setRange(0, 100_000)
        self.batch_box.setValue(1)
        self.batch_box.setSpecialValueText(self.tr("all at once"))
        form = QFormLayout()
        form.addRow(self.tr("Batch size (instances at a time):"), self.batch_box)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.apply_button = buttons.addButton(apply_text, QDialogButtonBox.ButtonRole.AcceptRole)
        self.apply_button.setObjectName("replaceApply")
        self.apply_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(head)
        layout.addWidget(body)
        layout.addLayout(form)
        layout.addWidget(buttons)

    @property
    def batch(self) -> int:
        return self.batch_box.value()


async def _finished(dialog: object) -> bool:
    return await exec_async(dialog)  # type: ignore[arg-type]


async def edit_job_flow(parent: QWidget, session: Session, job_id: str) -> bool:
    job = await session.get_job(job_id)
    base = job.job_info.spec
    version = job.job_info.status.version.value
    pool = schema_pool(parent)  # a payload of a type loaded in the protobuf editor is edited decoded
    text = dump_spec(base, pool)
    while True:
        with disposable(SpecEditorDialog(parent, base, job_id=job_id, version=version)) as editor:
            editor.setObjectName("editJobDialog")
            editor.set_text(text)
            if not await _finished(editor) or editor.spec is None:
                return False
            yours = editor.spec
            text = editor.yaml.toPlainText()
        try:
            diff = await session.replace_diff(job_id, version, yours)
        except Conflict:
            diff = None
        if diff is not None:
            box = QMessageBox(
                QMessageBox.Icon.Question,
                QCoreApplication.translate("replace_flow", "Apply the update?"),
                QCoreApplication.translate("replace_flow", "Update job {0} from version {1}:").format(
                    yours.name, version
                ),
                parent=parent,
            )
            box.setObjectName("diffDialog")
            box.setInformativeText(
                QCoreApplication.translate(
                    "replace_flow",
                    "Instances added: {0}\nInstances removed: {1}\nInstances "
                    "updated (restarted): {2}\nInstances unchanged: {3}",
                ).format(
                    _ranges(diff.instances_added),
                    _ranges(diff.instances_removed),
                    _ranges(diff.instances_updated),
                    _ranges(diff.instances_unchanged),
                )
            )
            box.setStandardButtons(QMessageBox.StandardButton.Apply | QMessageBox.StandardButton.Cancel)
            with disposable(box):
                if not await _finished(box) or box.clickedButton() is not box.button(QMessageBox.StandardButton.Apply):
                    return False
            batch = await ask_int(
                parent,
                QCoreApplication.translate("replace_flow", "Rolling update"),
                QCoreApplication.translate("replace_flow", "Batch size (instances at a time, 0 = all):"),
                1,
            )
            if batch is None:
                return False
            try:
                new_version = await session.replace_job(job_id, version, yours, batch_size=batch)
                messages.info(
                    QCoreApplication.translate("replace_flow", "Updating {0} to version {1} in batches of {2}").format(
                        yours.name, new_version, batch or QCoreApplication.translate("replace_flow", "all")
                    )
                )
                return True
            except Conflict:
                pass
        # Someone else changed it: three versions, rebase or give up.
        current = await session.get_job(job_id)
        theirs = current.job_info.spec
        their_version = current.job_info.status.version.value
        with disposable(ConflictDialog(parent, dump_spec(base, pool), dump_spec(theirs, pool), text,
                                       their_version)) as dialog:
            dialog.setObjectName("conflictDialog")
            answered = await _finished(dialog)
        if not answered:
            messages.warning(
                QCoreApplication.translate(
                    "replace_flow", "Edit of {0} abandoned; the job stays at version {1}"
                ).format(yours.name, their_version)
            )
            return False
        merged, conflicts = rebase(base, theirs, yours)
        if conflicts:
            messages.warning(
                QCoreApplication.translate("replace_flow", "Both of you changed: ")
                + ", ".join(conflicts)
                + QCoreApplication.translate("replace_flow", " — yours were kept; review them")
            )
        keep_payload_bytes(theirs, merged, pool)
        base, version, text = theirs, their_version, dump_spec(merged, pool)
        await asyncio.sleep(0)
