"""The four fields that say how to reach a gRPC server: address, plaintext, token, TLS CA.

Adding a remote engine and loading schemas by reflection from another server ask the same
question; one form keeps their labels, accessible names and the CA field's plaintext rule alike.
"""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QFormLayout, QLineEdit, QWidget


class EndpointForm(QWidget):
    """The fields, laid out as a form; the dialog that owns it reads them and adds the rest.

    A widget, not just a layout: a live language change finds a text's context from the widget
    that shows it and its parents (console/views/relabel.py), and these texts are this class's."""

    def __init__(self, *, address_name: str, plaintext_label: str, token_hint: str) -> None:
        super().__init__()
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        self.address = QLineEdit()
        self.address.setAccessibleName(address_name)
        self.address.setPlaceholderText("host:port")
        self.plaintext = QCheckBox(plaintext_label)
        self.token = QLineEdit()
        self.token.setAccessibleName(self.tr("Bearer token"))
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.token.setPlaceholderText(token_hint)
        self.tls_ca = QLineEdit()
        self.tls_ca.setAccessibleName(self.tr("TLS CA certificate file"))
        self.tls_ca.setPlaceholderText(self.tr("CA certificate (PEM) path; empty = the system's roots"))
        # a plaintext connection reads no CA file: say so by disabling it
        self.plaintext.toggled.connect(lambda on: self.tls_ca.setEnabled(not on))
        form.addRow(self.tr("Address"), self.address)
        form.addRow("", self.plaintext)
        form.addRow(self.tr("Token"), self.token)
        form.addRow(self.tr("TLS CA"), self.tls_ca)

    def token_text(self) -> str | None:
        return self.token.text().strip() or None

    def tls_ca_text(self) -> str | None:
        """The CA file to trust, or None for the system's roots (always None in plaintext)."""
        return None if self.plaintext.isChecked() else self.tls_ca.text().strip() or None
