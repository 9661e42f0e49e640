"""A job's ``data`` payload (a google.protobuf.Any) in the job detail: what it is, never an error.

A payload of a loaded type reads "pelorus.v1.Progress · 4 bytes · decoded (in the spec)"; one whose
type is not loaded reads "acme.Payload · 12 bytes · type not loaded (bytes shown base64)". Either
opens in a protobuf editor window of its own (the console's loaded schemas, its type chosen when
known): a separate window, so an open document in the main editor tab is never replaced.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from google.protobuf import any_pb2
from google.protobuf.descriptor_pool import DescriptorPool
from PySide6.QtCore import QCoreApplication, QLocale, Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from console.i18n import QT_TRANSLATE_NOOP
from console.tasks import WidgetTasks
from pelorus.specfile import payload_decoded, payload_type, payload_type_known


async def open_payload_editor(payload: any_pb2.Any, registry: Any = None, title: str = "Job payload") -> Any:
    """A protobuf editor window (a ProtoEditorWindow of its own) on the payload's bytes, its type
    chosen when ``registry`` (the console's SchemaRegistry; None: the built-in types) knows it.
    The bytes go through a private temporary file, the editor's way in."""
    from console.views.proto_editor import ProtoEditor, ProtoEditorWindow  # heavy: only when asked

    name = payload_type(payload) or "payload"
    path = Path(tempfile.mkdtemp(prefix="pelorus-payload-")) / f"{name}.bin"
    path.write_bytes(payload.value)
    editor = ProtoEditor(None, registry)
    window = ProtoEditorWindow(editor)
    window.setObjectName("payloadEditor")
    window.setWindowTitle(f"{title} — {name}")
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    window.show()
    if await editor.open_path(path, "single") and name in editor.registry.message_types():
        editor.set_type(name)
    return window


def describe_payload(payload: any_pb2.Any, pool: DescriptorPool | None) -> str:
    size = len(payload.value)
    if payload_decoded(payload, pool) is not None:
        how = QT_TRANSLATE_NOOP("payload_view", "decoded (in the spec)")
    elif payload_type_known(payload, pool):
        how = QT_TRANSLATE_NOOP("payload_view", "its bytes do not parse as that type (they are in the spec, base64)")
    else:
        how = QT_TRANSLATE_NOOP("payload_view", "type not loaded (its bytes are in the spec, base64)")
    translate = QCoreApplication.translate
    size_text = (translate("payload_view", "1 byte") if size == 1
                 else translate("payload_view", "{0} bytes").format(QLocale().toString(size)))
    return "{} · {} · {}".format(payload_type(payload) or translate("payload_view", "(no type)"), size_text,
                                    translate("payload_view", how))


class PayloadRow(QWidget):
    """The "Data" row of the job summary: type, size, how it is shown, "Open in protobuf editor"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("payloadRow")
        self.label = QLabel(self.tr("none"))
        self.label.setObjectName("payloadLabel")
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setWordWrap(True)
        self.open_button = QPushButton(self.tr("Open in protobuf editor"))
        self.open_button.setObjectName("openPayload")
        self.open_button.setToolTip(self.tr("Inspect the payload's bytes field by field (a new editor window)"))
        self.open_button.hide()
        self.open_button.clicked.connect(self._open)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.label, 1)
        lay.addWidget(self.open_button)
        self.payload: any_pb2.Any | None = None
        self.pool: DescriptorPool | None = None
        self.registry: Any = None  # the console's SchemaRegistry, if any
        self.editors: list[QWidget] = []  # editor windows opened from here (kept alive)
        self._tasks = WidgetTasks("payload view", widget=self)

    def set_payload(self, payload: any_pb2.Any | None, pool: DescriptorPool | None, registry: Any = None) -> None:
        self.payload, self.pool, self.registry = payload, pool, registry
        if payload is None:
            self.label.setText(self.tr("none"))
            self.open_button.hide()
            return
        self.label.setText(describe_payload(payload, pool))
        self.open_button.show()

    def _open(self) -> None:
        self._tasks.start(self.open_in_editor())

    async def open_in_editor(self) -> Any:
        """A protobuf editor window showing the payload's bytes (typed when the type is loaded)."""
        if self.payload is None:
            return None
        window = await open_payload_editor(self.payload, self.registry)
        self.editors.append(window)
        window.closed.connect(lambda w=window: self.editors.remove(w) if w in self.editors else None)
        return window

    def close_editors(self) -> None:
        self._tasks.cancel_all()
        for window in list(self.editors):
            window.close()
