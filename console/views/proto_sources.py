"""SchemaSources: where the protobuf editor's schemas come from, the .proto export, and "Compare with…".

The "Schemas ▾" menu (.proto files, a directory of them, import paths, a descriptor set, server
reflection, exporting the readings as a .proto) and the "Compare with…" button. Each slow step runs
in a worker thread through the editor's busy row; what is compared with what is the session's
decision (:meth:`~pelorus.protobuf.session.EditorSession.compare_plan`).

Server reflection opens its own EngineClient for an address the operator types (the editor also
runs standalone, without a console session); "the connected engine" uses ``client_source``, which
the main window sets. The editor is reached only through :class:`~console.views.proto_host.EditorHost`.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QFileDialog, QMenu, QPushButton

from console.i18n import core_text, error_text
from console.views.proto_compare import ProtoCompareWindow
from console.views.proto_host import EditorHost
from console.views.reflection_dialog import ReflectionDialog
from pelorus.client import ConnectionConfig, EngineClient
from pelorus.errors import ClientError
from pelorus.protobuf.readings import export_proto as readings_export_proto
from pelorus.protobuf.schema import SchemaError
from pelorus.protobuf.session import load_file, message_name

__all__ = ["ClientSource", "SchemaSources"]

ClientSource = Callable[[], EngineClient | None]
"""Gives the console session's EngineClient (None when there is none): "the connected engine"."""

_PROTOBUF_FILES = "Protobuf (*.bin *.pb *.binpb *.msg *.txt);;All files (*)"


class SchemaSources:
    """The editor's schema menu entries, the .proto export and "Compare with…"."""

    def __init__(self, host: EditorHost, menu: QMenu) -> None:
        self.host = host
        self.client_source: ClientSource | None = None
        """Set by the main window: the session's EngineClient (None when standalone)."""
        self.compare_windows: list[ProtoCompareWindow] = []
        menu.addAction(QCoreApplication.translate("SchemaSources", "Load .proto files…"), self._choose_protos)
        menu.addAction(
            QCoreApplication.translate("SchemaSources", "Load a directory of .proto files…"), self._choose_proto_dir
        )
        menu.addAction(QCoreApplication.translate("SchemaSources", "Add import path…"), self._choose_include)
        menu.addAction(QCoreApplication.translate("SchemaSources", "Load descriptor set…"), self._choose_descriptor_set)
        menu.addSeparator()
        menu.addAction(
            QCoreApplication.translate("SchemaSources", "Export readings as .proto…"), self._choose_export_proto
        )
        menu.addAction(QCoreApplication.translate("SchemaSources", "From server reflection…"), self._choose_reflection)
        self.compare_button = QPushButton(QCoreApplication.translate("SchemaSources", "Compare with…"))
        self.compare_button.setToolTip(
            QCoreApplication.translate(
                "SchemaSources", "Compare this message (including unsaved edits) with another file"
            )
        )
        self.compare_button.clicked.connect(self._choose_compare)

    # -- schemas ----------------------------------------------------------------------------------

    async def load_protos(self, files: list[str], include_paths: list[str] | None = None) -> bool:
        session = self.host.session
        includes = [*session.include_paths, *(include_paths or [])]
        return await self._load(
            QCoreApplication.translate("SchemaSources", "Compiling {0} .proto file(s)…").format(len(files)),
            session.registry.compile_protos,
            files,
            includes,
        )

    async def load_descriptor_set(self, path: str) -> bool:
        return await self._load(
            QCoreApplication.translate("SchemaSources", "Loading {0}…").format(Path(path).name),
            self.host.session.registry.load_descriptor_set,
            path,
        )

    async def load_reflection(self, address: str | None = None, *, insecure: bool = False,
                              token: str | None = None, tls_ca: str | None = None) -> bool:
        """Load every schema a server exposes through reflection; ``address`` None = the connected engine."""
        host = self.host
        if address is None:
            client = self.client_source() if self.client_source is not None else None
            if client is None or not client.connected:
                host.show_error(QCoreApplication.translate("SchemaSources", "Not connected to an engine: choose "
                                                                            "another server and type its address."))
                return False
        else:
            client = EngineClient(ConnectionConfig(address, insecure=insecure, token=token, tls_ca=tls_ca))
        where = client.config.address
        host.show_error("")
        try:
            got = await host.busy(
                QCoreApplication.translate("SchemaSources", "Reading schemas from {0} (server reflection)…").format(
                    where
                ),
                client.reflect_files(),
            )
        except asyncio.CancelledError:
            return False
        except ClientError as err:
            host.show_error(error_text(err))
            return False
        return await self._load(
            QCoreApplication.translate("SchemaSources", "Loading {0} file(s) from {1}…").format(len(got.files), where),
            host.session.registry.add_file_protos,
            got.files,
            QCoreApplication.translate("SchemaSources", "server reflection at {0}").format(where),
        )

    async def _load(self, what: str, fn: Callable[..., list[str]], *args: Any) -> bool:
        host = self.host
        try:
            added = await host.busy(what, asyncio.to_thread(fn, *args))
        except asyncio.CancelledError:
            return False
        except SchemaError as err:
            host.show_error(error_text(err))
            return False
        host.show_error("")
        host.status.setText(
            QCoreApplication.translate("SchemaSources", "Loaded {0} schema file(s): {1}").format(
                len(added), ", ".join(added[:5])
            )
        )
        host.schemas_changed()
        return True

    async def export_proto(self, path: str | os.PathLike[str]) -> bool:
        """Write a .proto of the message's shape with the pinned (else best) reading per field.

        Built in a worker (a huge level has many fields to look at) from plain data: the decoded
        message and a copy of the pins, never the tree.
        """
        host, session = self.host, self.host.session
        root = session.tree.root_message()
        if root is None:
            host.show_error(QCoreApplication.translate("SchemaSources", "Open a file first: the .proto is built from "
                                                                        "the decoded fields."))
            return False
        target = Path(path)
        name = message_name(session.path)
        try:
            text = await host.busy(QCoreApplication.translate("SchemaSources", "Exporting {0}…").format(target.name),
                                   asyncio.to_thread(readings_export_proto, root, session.pins_copy(), name))
            target.write_text(text, encoding="utf-8")
        except asyncio.CancelledError:
            return False
        except OSError as err:
            host.show_error(
                QCoreApplication.translate("SchemaSources", "Cannot write {0}: {1}").format(
                    target, err.strerror or error_text(err))
            )
            return False
        host.status.setText(
            QCoreApplication.translate(
                "SchemaSources", "Exported the field readings (pinned, else the best) as message {0} to {1}."
            ).format(name, target)
        )
        return True

    # -- compare ------------------------------------------------------------------------------------

    async def compare_with(self, path: str | os.PathLike[str]) -> ProtoCompareWindow | None:
        """Compare the current message (with unsaved edits) against ``path`` in a new window.

        A stream is compared with a file that tiles as the same stream record by record (records
        aligned); with any other file, the current record is compared with it as one message."""
        host, session = self.host, self.host.session
        if session.payload() is None:
            return None
        p = Path(path)
        try:
            other = await host.busy(
                QCoreApplication.translate("SchemaSources", "Reading {0}…").format(p.name),
                asyncio.to_thread(load_file, p, session.compare_framing()),
            )
        except asyncio.CancelledError:
            return None
        except (OSError, ValueError) as err:
            host.show_error(
                QCoreApplication.translate("SchemaSources", "Cannot open {0}: {1}").format(
                    p, getattr(err, "strerror", None) or err
                )
            )
            return None
        plan = session.compare_plan(other)
        if plan is None:  # the file was closed meanwhile
            return None
        left, name, framing = plan
        name = core_text(name)
        window = ProtoCompareWindow(session.registry)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.setWindowTitle(
            QCoreApplication.translate("SchemaSources", "Pelorus — compare {0} with {1}").format(
                session.tab_title, p.name
            )
        )
        self.compare_windows.append(window)
        window.destroyed.connect(lambda _o=None, w=window: self.compare_windows.remove(w)
                                 if w in self.compare_windows else None)
        window.show()
        desc = session.tree.descriptor
        await window.view.compare_bytes(left, other.doc.to_bytes(), desc.full_name if desc is not None else None,
                                        name, p.name, pins=session.tree.pins, framing=framing)
        return window

    # -- file and server choosers -------------------------------------------------------------------

    def _choose_compare(self) -> None:
        path, _f = QFileDialog.getOpenFileName(
            self.host.dialog_parent(),
            QCoreApplication.translate("SchemaSources", "Compare with a protobuf file"),
            str(self.host.session.path or ""),
            _PROTOBUF_FILES,
        )
        if path:
            self.host.spawn(self.compare_with(path))

    def _choose_reflection(self) -> None:
        client = self.client_source() if self.client_source is not None else None
        connected = client.config.address if client is not None and client.connected else None
        dialog = ReflectionDialog(connected, self.host.dialog_parent())
        if dialog.exec() != ReflectionDialog.DialogCode.Accepted:
            return
        source = dialog.source()
        if source is None:
            self.host.show_error(QCoreApplication.translate("SchemaSources", "Server reflection: type the server's "
                                                                             "address as host:port."))
            return
        self.host.spawn(self.load_reflection(source.address, insecure=source.insecure, token=source.token,
                                             tls_ca=source.tls_ca))

    def _choose_protos(self) -> None:
        files, _f = QFileDialog.getOpenFileNames(
            self.host.dialog_parent(),
            QCoreApplication.translate("SchemaSources", "Load .proto files"),
            "",
            QCoreApplication.translate("SchemaSources", "Proto files (*.proto)"),
        )
        if files:
            self.host.spawn(self.load_protos(files))

    def _choose_proto_dir(self) -> None:
        d = QFileDialog.getExistingDirectory(
            self.host.dialog_parent(), QCoreApplication.translate("SchemaSources", "Directory of .proto files")
        )
        if d:
            self.host.spawn(self.load_protos([d]))

    def _choose_include(self) -> None:
        d = QFileDialog.getExistingDirectory(
            self.host.dialog_parent(), QCoreApplication.translate("SchemaSources", "Import path")
        )
        if d:
            paths = self.host.session.include_paths
            paths.append(d)
            self.host.status.setText(QCoreApplication.translate("SchemaSources", "Import paths: ") + ", ".join(paths))

    def _choose_export_proto(self) -> None:
        current = self.host.session.path
        start = str(current.with_suffix(".proto")) if current is not None else ""
        path, _f = QFileDialog.getSaveFileName(
            self.host.dialog_parent(),
            QCoreApplication.translate("SchemaSources", "Export readings as .proto"),
            start,
            QCoreApplication.translate("SchemaSources", "Proto files (*.proto)"),
        )
        if path:
            self.host.spawn(self.export_proto(path))

    def _choose_descriptor_set(self) -> None:
        path, _f = QFileDialog.getOpenFileName(
            self.host.dialog_parent(),
            QCoreApplication.translate("SchemaSources", "Load a FileDescriptorSet"),
            "",
            QCoreApplication.translate("SchemaSources", "Descriptor sets (*.desc *.pb *.binpb);;All files (*)"),
        )
        if path:
            self.host.spawn(self.load_descriptor_set(path))
