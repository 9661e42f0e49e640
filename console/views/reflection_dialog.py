"""Where to read schemas from by server reflection: the connected engine, or an address.

The dialog only gathers the choice; the editor runs the call (EngineClient.reflect_files) on the
qasync loop and shows errors in its banner.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from console.views.endpoint_form import EndpointForm


@dataclass(frozen=True)
class ReflectionSource:
    """``address`` None means the connected engine."""

    address: str | None
    insecure: bool = False
    token: str | None = None
    tls_ca: str | None = None


class ReflectionDialog(QDialog):
    def __init__(self, connected_address: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Schemas from server reflection"))
        lay = QVBoxLayout(self)
        lay.addWidget(
            QLabel(self.tr("Load every message type a gRPC server describes through its reflection service."))
        )
        self.engine_radio = QRadioButton(
            self.tr("The connected engine ({0})").format(connected_address)
            if connected_address
            else self.tr("The connected engine (not connected)")
        )
        self.engine_radio.setEnabled(connected_address is not None)
        self.address_radio = QRadioButton(self.tr("Another server:"))
        lay.addWidget(self.engine_radio)
        lay.addWidget(self.address_radio)
        form = EndpointForm(
            address_name=self.tr("Server address"),
            plaintext_label=self.tr("Plaintext (no TLS)"),
            token_hint=self.tr("bearer token, if the server wants one"),
        )
        self.form = form
        self.address, self.plaintext, self.token, self.tls_ca = form.address, form.plaintext, form.token, form.tls_ca
        lay.addWidget(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        (self.engine_radio if connected_address else self.address_radio).setChecked(True)
        self.address.textEdited.connect(lambda _t: self.address_radio.setChecked(True))

    def source(self) -> ReflectionSource | None:
        """The choice, or None when "another server" has no address."""
        if self.engine_radio.isChecked():
            return ReflectionSource(None)
        address = self.address.text().strip()
        if not address:
            return None
        return ReflectionSource(address, self.plaintext.isChecked(), self.form.token_text(), self.form.tls_ca_text())
