"""Add a remote engine: address, plaintext or TLS, token, in one dialog.

One dialog, opened with open() rather than two QInputDialog.getText calls: those ran nested event
loops under the qasync one, and a wrong address could only be found out after the token was typed.
OK stays disabled until the address can be dialled, and says why.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from console.models import palette
from console.views.endpoint_form import EndpointForm


@dataclass(frozen=True)
class RemoteEngine:
    address: str
    token: str | None
    tls_ca: str
    insecure: bool


def address_problem(address: str) -> str | None:
    """Why ``address`` cannot be dialled (host:port, [v6]:port or unix:/path), or None."""
    from PySide6.QtCore import QCoreApplication

    if not address:
        return QCoreApplication.translate("ConnectionDialog", "Type the engine's address.")
    if address.startswith("unix:"):
        return None if len(address) > len("unix:") else QCoreApplication.translate(
            "ConnectionDialog", "Type the socket's path after unix:.")
    host, sep, port = address.rpartition(":")
    if not sep or not host or host in ("[", "[]"):
        return QCoreApplication.translate("ConnectionDialog", "Write it as host:port, e.g. jobs.example.com:7443.")
    if not port.isdigit() or not 0 < int(port) < 65536:
        return QCoreApplication.translate("ConnectionDialog", "The port must be a number from 1 to 65535.")
    if any(c.isspace() for c in address):
        return QCoreApplication.translate("ConnectionDialog", "The address cannot contain spaces.")
    return None


class ConnectionDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("connectionDialog")
        self.setWindowTitle(self.tr("Add a remote engine"))
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel(self.tr("Connect to an engine started elsewhere (pelorus-engine --listen HOST:PORT).")))
        form = EndpointForm(
            address_name=self.tr("Engine address"),
            plaintext_label=self.tr("Plaintext (no TLS: only for an engine started with --insecure)"),
            token_hint=self.tr("stored in the system keyring, or a file only you can read"),
        )
        self.form = form
        self.address, self.plaintext, self.token, self.tls_ca = form.address, form.plaintext, form.token, form.tls_ca
        self.address.setObjectName("remoteAddress")
        self.plaintext.setObjectName("remotePlaintext")
        self.token.setObjectName("remoteToken")
        self.tls_ca.setObjectName("remoteTlsCa")
        lay.addWidget(form)
        self.problem = QLabel()
        self.problem.setObjectName("remoteProblem")
        self.problem.setWordWrap(True)
        lay.addWidget(self.problem)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Add and connect"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        self.address.textChanged.connect(self._check)
        self._check()
        self.address.setFocus()

    def _check(self) -> None:
        problem = address_problem(self.address.text().strip())
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(problem is None)
        # no scolding before the first key: the hint shows once something is typed
        self.problem.setText(palette.span(problem, palette.ERROR) if problem and self.address.text() else "")

    def remote(self) -> RemoteEngine:
        return RemoteEngine(self.address.text().strip(), self.form.token_text(), self.form.tls_ca_text() or "",
                            self.plaintext.isChecked())
