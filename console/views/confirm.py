"""Confirmation in proportion to the risk (the level is the action table's, console/actions.py).

- read-only actions and pause / resume: no dialog (pause / resume offer an undo instead);
- stop / restart / abort / delete: a dialog that names the jobs and the pods they hit, and the
  selected jobs it skips and why;
- delete with force: the operator types the job's name (or the number of jobs for several); the
  name field has the focus, and Return confirms once the name matches (before that it does nothing);
- restart: the batch size is asked inside the same confirmation (one dialog, not two).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from console.actions import ConfirmRequest, JobFacts, name_list

MAX_LISTED = 12


def describe_targets(targets: Sequence[JobFacts], skipped: dict[str, list[str]] | None = None) -> str:
    lines = [f"• {t.name}  ({t.job_id[:8]}) — {t.running_pods} running, {t.pending_pods} pending pod(s)"
             for t in targets[:MAX_LISTED]]
    if len(targets) > MAX_LISTED:
        lines.append(f"• … and {len(targets) - MAX_LISTED} more")
    running = sum(t.running_pods for t in targets)
    pending = sum(t.pending_pods for t in targets)
    text = "\n".join(lines) + f"\n\nIn all: {len(targets)} job(s), {running} running and {pending} pending pod(s)."
    if skipped:
        left = sum(len(names) for names in skipped.values())
        text += f"\n\nLeft as they are ({left} job(s)):\n" + "\n".join(
            f"• {len(names)} {reason}: {name_list(names, MAX_LISTED)}" for reason, names in skipped.items())
    return text


class ConfirmDialog(QDialog):
    """Names the targets and the skipped; for force delete, asks to type the job name (or the count)."""

    def __init__(self, parent: QWidget | None, request: ConfirmRequest) -> None:
        super().__init__(parent)
        action, targets = request.action, [t for t in request.targets if isinstance(t, JobFacts)]
        verb = action.verb
        self.setWindowTitle(f"{verb} {len(targets)} job(s)?")
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        skipped = sum(len(names) for names in request.skipped.values())
        skip_line = (f"<br>{skipped} other selected job(s) are left as they are (listed below)." if skipped else "")
        headline = QLabel(f"<b>{verb}</b> {'this job' if len(targets) == 1 else f'these {len(targets)} jobs'}?"
                          f"<br>{action.consequence}{skip_line}")
        headline.setWordWrap(True)
        layout.addWidget(headline)
        listing = QPlainTextEdit(describe_targets(targets, request.skipped))
        listing.setAccessibleName(self.tr("What this acts on"))
        listing.setObjectName("confirmTargets")
        listing.setReadOnly(True)
        listing.setMaximumHeight(200 if skipped else 160)
        layout.addWidget(listing)
        self.typed: QLineEdit | None = None
        self.batch: QSpinBox | None = None
        if action.asks_batch:
            form = QFormLayout()
            batch = QSpinBox()
            batch.setAccessibleName(self.tr("Batch size"))
            batch.setObjectName("confirmBatch")
            batch.setRange(0, 1_000_000)
            batch.setValue(1)
            batch.setMaximumWidth(160)
            batch.setSpecialValueText(self.tr("all at once"))
            batch.setToolTip(self.tr("Instances restarted at a time; 0 restarts them all at once"))
            form.addRow(self.tr("Batch size (instances at a time):"), batch)
            layout.addLayout(form)
            self.batch = batch
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.addButton(verb if len(targets) == 1 else f"{verb} {len(targets)}",
                                    QDialogButtonBox.ButtonRole.DestructiveRole)
        self.ok.setObjectName("confirmButton")
        expected = request.type_to_confirm
        if expected is not None:
            layout.addWidget(QLabel(f"Type <b>{expected}</b> to confirm:"))
            typed = QLineEdit()
            typed.setAccessibleName(self.tr("Type the job name to confirm"))
            typed.setObjectName("typeToConfirm")
            typed.textChanged.connect(lambda text: self.ok.setEnabled(text.strip() == expected))
            layout.addWidget(typed)
            self.typed = typed
            self.ok.setEnabled(False)
        buttons.rejected.connect(self.reject)
        self.ok.clicked.connect(self.accept)
        layout.addWidget(buttons)
        cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        if self.typed is None:
            cancel.setDefault(True)  # Return on a plain confirmation is the safe answer
        else:
            # Typing the name is the confirmation: Return confirms once it matches (the button is
            # disabled until then, so an early Return does nothing rather than cancel).
            cancel.setAutoDefault(False)
            self.ok.setDefault(True)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        if self.typed is not None:
            self.typed.setFocus()


def show_results(parent: QWidget | None, title: str, failed: list[tuple[str, str]], total: int) -> None:
    """Per-job failures of a bulk action: (job name, the engine's sentence)."""
    if not failed:
        return
    text = "\n".join(f"• {name}: {err}" for name, err in failed[:20])
    if len(failed) > 20:
        text += f"\n• … and {len(failed) - 20} more"
    box = QMessageBox(QMessageBox.Icon.Warning, title,
                      f"{total - len(failed)} of {total} succeeded; {len(failed)} failed:", parent=parent)
    box.setObjectName("actionResults")
    box.setInformativeText(text)
    box.open()
