"""The "Stop engine" progress dialog: what the stop is waiting for, a way to cut it short,
and how it went.

Stopping the embedded engine can take seconds (its pods stop first, then the process exits;
SIGKILL after a bounded wait). A window that merely froze for that long, then closed, left
the operator guessing whether the pods were stopped and the engine ended cleanly.
"""

from __future__ import annotations

import asyncio

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from console.session import EngineStopReport, Session
from console.views.dialogs import exec_async

# A clean stop's sentence stays this long before the window closes by itself.
CLEAN_RESULT_SHOWN = 1.2


class EngineStopDialog(QDialog):
    """Modal while the session stops the embedded engine; "Kill now" skips the rest of the
    wait for the engine's process (SIGKILL at once: its pods are left to be re-adopted)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("engineStopDialog")
        self.setWindowTitle(self.tr("Stopping the engine"))
        self.setModal(True)
        self.setMinimumWidth(460)
        self.kill_now = asyncio.Event()
        self.label = QLabel(self.tr("Stopping the engine…"))
        self.label.setObjectName("engineStopLabel")
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)  # busy: how long an engine takes to exit is not known
        self.bar.setTextVisible(False)
        self.button = QPushButton(self.tr("Kill now"))
        self.button.setObjectName("engineStopKill")
        self.button.setToolTip(self.tr("Stop waiting: SIGKILL the engine now (its running pods keep running "
                                       "and are re-adopted when it starts again)"))
        self._connect_signals()
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignRight)

    def _connect_signals(self) -> None:
        self.button.clicked.connect(self._on_button)

    def _on_button(self) -> None:
        if self.kill_now.is_set() or self.bar.maximum() == 1:  # finished: the button closes
            self.accept()
            return
        self.kill_now.set()
        self.button.setEnabled(False)
        self.label.setText(self.tr("Killing the engine (SIGKILL)…"))

    def reject(self) -> None:
        """Escape / the close box do not abandon a stop half-way; "Kill now" shortens it."""
        if self.bar.maximum() == 1:
            super().reject()

    def show_progress(self, text: str) -> None:
        if self.bar.maximum() != 1:
            self.label.setText(text)

    def show_result(self, report: EngineStopReport) -> None:
        self.bar.setRange(0, 1)
        self.bar.setValue(1)
        self.label.setText(report.text)
        self.button.setText(self.tr("Close"))
        self.button.setEnabled(True)
        self.button.setToolTip("")
        self.adjustSize()  # the sentence may take more lines than the progress did


async def stop_engine_showing_progress(session: Session, parent: QWidget | None, stop_pods: bool) -> None:
    """Stop the embedded engine with the dialog up; a clean stop closes it by itself after a
    moment, anything else (killed, pods left running) waits for the operator to read it."""
    dialog = EngineStopDialog(parent)
    dialog.show()
    try:
        report = await session.stop_embedded_engine(stop_pods=stop_pods, progress=dialog.show_progress,
                                                    kill_now=dialog.kill_now)
        if report is None:
            return
        dialog.show_result(report)
        if report.clean:
            await asyncio.sleep(CLEAN_RESULT_SHOWN)
        else:
            await exec_async(dialog)
    finally:
        dialog.hide()
        dialog.deleteLater()
