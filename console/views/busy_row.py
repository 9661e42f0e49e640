"""The row that shows long work under way: what it is, how far it got, and a Cancel button.

The protobuf editor and the Compare window both run work in threads that an operator may want to
stop; the same row in both keeps the way to stop it in the same place.
"""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

PROGRESS_STEPS = 1000  # a fraction done is shown as round(fraction * PROGRESS_STEPS)


class BusyRow(QWidget):
    """Hidden until `begin`; the owner connects `cancel_button` to what stops its work."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel()
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setMaximumHeight(14)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.label)
        row.addWidget(self.progress, 1)
        row.addWidget(self.cancel_button)
        self.hide()

    def begin(self, what: str, *, measured: bool) -> None:
        """Show `what`; `measured` work starts the bar at 0, other work gets a busy bar until it reports."""
        self.label.setText(what)
        if measured:
            self.progress.setRange(0, PROGRESS_STEPS)
            self.progress.setValue(0)
        else:
            self.progress.setRange(0, 0)
        self.show()

    def set_fraction(self, fraction: float) -> None:
        self.progress.setRange(0, PROGRESS_STEPS)
        self.progress.setValue(int(fraction * PROGRESS_STEPS))
