"""Confirmation in proportion to the risk.

- read-only actions and pause / resume: no dialog (pause / resume offer an undo instead);
- stop / restart / delete: a dialog that names the jobs and the pods they hit;
- delete with force: the operator types the job's name (or the number of jobs for several).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

MAX_LISTED = 12


@dataclass(frozen=True)
class Target:
    """What an action will hit: a job and its pods by state."""

    job_id: str
    name: str
    running: int
    pending: int


def describe_targets(targets: list[Target]) -> str:
    lines = [f"• {t.name}  ({t.job_id[:8]}) — {t.running} running, {t.pending} pending pod(s)"
             for t in targets[:MAX_LISTED]]
    if len(targets) > MAX_LISTED:
        lines.append(f"• … and {len(targets) - MAX_LISTED} more")
    running = sum(t.running for t in targets)
    pending = sum(t.pending for t in targets)
    return "\n".join(lines) + f"\n\nIn all: {len(targets)} job(s), {running} running and {pending} pending pod(s)."


class ConfirmDialog(QDialog):
    """Names the targets; for force delete, asks to type the job name (or the count)."""

    def __init__(self, parent: QWidget | None, verb: str, targets: list[Target], consequence: str,
                 type_to_confirm: str | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"{verb} {len(targets)} job(s)?")
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        headline = QLabel(f"<b>{verb}</b> {'this job' if len(targets) == 1 else f'these {len(targets)} jobs'}?"
                          f"<br>{consequence}")
        headline.setWordWrap(True)
        layout.addWidget(headline)
        listing = QPlainTextEdit(describe_targets(targets))
        listing.setReadOnly(True)
        listing.setMaximumHeight(160)
        layout.addWidget(listing)
        self.typed: QLineEdit | None = None
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.addButton(verb, QDialogButtonBox.ButtonRole.DestructiveRole)
        self.ok.setObjectName("confirmButton")
        if type_to_confirm is not None:
            layout.addWidget(QLabel(f"Type <b>{type_to_confirm}</b> to confirm:"))
            self.typed = QLineEdit()
            self.typed.setObjectName("typeToConfirm")
            self.typed.textChanged.connect(lambda text: self.ok.setEnabled(text.strip() == type_to_confirm))
            layout.addWidget(self.typed)
            self.ok.setEnabled(False)
        buttons.rejected.connect(self.reject)
        self.ok.clicked.connect(self.accept)
        layout.addWidget(buttons)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setDefault(True)


def show_results(parent: QWidget | None, title: str, results: list[tuple[str, str | None]]) -> None:
    """Per-job outcome of a bulk action: (job name, None on success or the error sentence)."""
    failed = [(n, e) for n, e in results if e]
    if not failed:
        return
    text = "\n".join(f"• {name}: {err}" for name, err in failed[:20])
    if len(failed) > 20:
        text += f"\n• … and {len(failed) - 20} more"
    box = QMessageBox(QMessageBox.Icon.Warning, title,
                      f"{len(results) - len(failed)} of {len(results)} succeeded; {len(failed)} failed:", parent=parent)
    box.setInformativeText(text)
    box.open()
