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

from PySide6.QtCore import QCoreApplication
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
from console.i18n import action_text, core_text, translate
from console.views.tab_order import follow_layout

MAX_LISTED = 12


def describe_targets(targets: Sequence[JobFacts], skipped: dict[str, list[str]] | None = None) -> str:
    lines = [translate("confirm", "• {0}  ({1}) — {2} running, {3} pending pod(s)").format(
                 t.name, t.job_id[:8], t.running_pods, t.pending_pods)
             for t in targets[:MAX_LISTED]]
    if len(targets) > MAX_LISTED:
        lines.append(translate("confirm", "• … and {0} more").format(len(targets) - MAX_LISTED))
    running = sum(t.running_pods for t in targets)
    pending = sum(t.pending_pods for t in targets)
    count = len(targets)  # a plain name: lupdate's Python parser reads no call in tr's arguments
    text = (
        "\n".join(lines)
        + "\n\n"
        + translate("confirm", "In all: %n job(s), {0} running and {1} pending pod(s).", "", count).format(
            running, pending
        )
    )
    if skipped:
        left = sum(len(names) for names in skipped.values())
        text += "\n\n" + translate("confirm", "Left as they are (%n job(s)):", "", left) + "\n" + "\n".join(
            "• " + translate("Actions", "{0} {1}: {2}").format(len(names), action_text(reason),
                                                              name_list(names, MAX_LISTED, translate))
            for reason, names in skipped.items())
    return text


class ConfirmDialog(QDialog):
    """Names the targets and the skipped; for force delete, asks to type the job name (or the count)."""

    def __init__(self, parent: QWidget | None, request: ConfirmRequest) -> None:
        super().__init__(parent)
        action, targets = request.action, [t for t in request.targets if isinstance(t, JobFacts)]
        verb = action_text(action.verb)
        self.setWindowTitle(self.tr("{0} %n job(s)?", "", len(targets)).format(verb))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        skipped = sum(len(names) for names in request.skipped.values())
        skip_line = ("<br>" + self.tr("Left as they are: %n other selected job(s) (listed below).", "", skipped)
                     if skipped else "")
        what = self.tr("<b>{0}</b> this job?") if len(targets) == 1 else self.tr("<b>{0}</b> these %n jobs?", "",
                                                                                   len(targets))
        headline = QLabel(what.format(verb) + f"<br>{action_text(action.consequence)}{skip_line}")
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
            layout.addWidget(QLabel(self.tr("Type <b>{0}</b> to confirm:").format(expected)))
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
        follow_layout(self)  # the buttons in the order the platform lays them out

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        if self.typed is not None:
            self.typed.setFocus()


def show_results(parent: QWidget | None, title: str, failed: list[tuple[str, str]], total: int) -> None:
    """Per-job failures of a bulk action: (job name, the engine's sentence)."""
    if not failed:
        return
    text = "\n".join(f"• {name}: {core_text(err)}" for name, err in failed[:20])  # the engine's sentences, as written
    if len(failed) > 20:
        text += "\n" + QCoreApplication.translate("confirm", "• … and {0} more").format(len(failed) - 20)
    box = QMessageBox(QMessageBox.Icon.Warning, title,
                      QCoreApplication.translate("confirm", "{0} of {1} succeeded; {2} failed:").format(
                          total - len(failed), total, len(failed)), parent=parent)
    box.setObjectName("actionResults")
    box.setInformativeText(text)
    box.open()
