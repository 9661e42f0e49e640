"""The Call panel of the Protobuf tab: compose a request, send it to any gRPC method, read the answers.

It shares the protobuf editor's schema registry (services appear as soon as their schemas are loaded:
the engine's are built in; "Load services" reads any server's by reflection through the editor's
own ``load_reflection``) and opens responses in that editor, byte-exact. The call itself is
``pelorus.grpccall.invoke`` on the qasync loop — the same code as ``python main.py call`` — so a
stream's responses are listed as they arrive and Cancel cancels the call.

Not here: a session of its own. "The connected engine" is whatever the main window's session is
connected to (``editor.client_source``), with its TLS and token.
"""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

from google.protobuf import json_format, message_factory
from google.protobuf.descriptor import MethodDescriptor
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSettings, Qt
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QDoubleSpinBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSplitter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.i18n import error_text
from console.models import palette
from console.models.call_history import SECRET_HEADERS, CallHistory, HistoryEntry
from console.views.proto_editor import ProtoEditor
from console.views.tab_order import follow_layout
from pelorus.client import MUTATING
from pelorus.grpccall import schemas as sch
from pelorus.grpccall.commandline import CallSpec, as_call_command, as_grpcurl
from pelorus.grpccall.invoke import Outcome, invoke
from pelorus.grpccall.payload import PayloadError, binary_requests, json_requests
from pelorus.grpccall.target import Target, TargetError, open_channel, parse_header
from pelorus.protobuf.schema import SchemaError
from pelorus.protobuf.wire import encode_varint

HISTORY_KEY = "call/history"
METADATA_ROWS = 4
PREVIEW_CHARS = 160
METHOD_ROLE = Qt.ItemDataRole.UserRole


class _SecretDelegate(QStyledItemDelegate):
    """Shows an authorization value as its scheme and dots (editing shows the real text)."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        super().initStyleOption(option, index)
        name = str(index.model().index(index.row(), 0).data() or "").strip().lower()
        if name in SECRET_HEADERS and option.text:
            scheme, sep, _secret = option.text.partition(" ")
            option.text = f"{scheme} ••••••" if sep else "••••••"


class CallPanel(QWidget):
    """Attributes tests and the main window use: ``editor``, ``address``, ``methods`` (tree),
    ``request`` (JSON), ``metadata`` (table), ``deadline``, ``responses`` (list, bytes in
    ``response_bytes``), ``status``, ``history_list``, ``outcome`` (the last call's)."""

    def __init__(self, editor: ProtoEditor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("CallPanel")
        self.editor = editor
        self.response_bytes: list[bytes] = []
        self.outcome: Outcome | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._call_task: asyncio.Task[Outcome | None] | None = None
        self._tmp = tempfile.TemporaryDirectory(prefix="pelorus-call-")
        self.history = CallHistory.from_json(str(QSettings().value(HISTORY_KEY, "") or ""))
        self._build()
        self.refresh_methods()
        self._fill_history()

    # -- construction ---------------------------------------------------------------------------

    def _build(self) -> None:
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.setSpacing(4)
        row = QHBoxLayout()
        self.address = QLineEdit()
        self.address.setAccessibleName(self.tr("Server address"))
        self.address.setPlaceholderText(self.tr("the connected engine, or host:port"))
        self.address.setToolTip(self.tr("Empty: the engine the console is connected to, with its TLS and token"))
        self.plaintext = QCheckBox(self.tr("Plaintext"))
        self.plaintext.setToolTip(self.tr("No TLS (a unix: address never uses TLS)"))
        self.load_button = QPushButton(self.tr("Load services"))
        self.load_button.setToolTip(self.tr("Read the server's schemas by server reflection"))
        self.load_button.clicked.connect(lambda: self._spawn(self.load_services()))
        row.addWidget(QLabel(self.tr("Server")))
        row.addWidget(self.address, 1)
        row.addWidget(self.plaintext)
        row.addWidget(self.load_button)
        lay.addLayout(row)
        row2 = QHBoxLayout()
        self.tls_ca = QLineEdit()
        self.tls_ca.setAccessibleName(self.tr("TLS CA certificate file"))
        self.tls_ca.setPlaceholderText(self.tr("TLS CA certificate (PEM) path; empty = the system's roots"))
        row2.addWidget(QLabel(self.tr("TLS CA")))
        row2.addWidget(self.tls_ca, 1)
        lay.addLayout(row2)

        split = QSplitter(Qt.Orientation.Vertical)
        split.setChildrenCollapsible(False)
        self.methods = QTreeWidget()
        self.methods.setAccessibleName(self.tr("Services and methods"))
        self.methods.setHeaderLabels([self.tr("Service / method"), self.tr("Kind")])
        self.methods.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.methods.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.methods.header().setStretchLastSection(False)
        self.methods.currentItemChanged.connect(lambda cur, _prev: self._method_chosen(cur))
        split.addWidget(self.methods)

        compose = QWidget()
        cl = QVBoxLayout(compose)
        cl.setContentsMargins(0, 0, 0, 0)
        self.request_label = QLabel(self.tr("Request (JSON; several objects, one per line, for a stream)"))
        self.request_label.setWordWrap(True)  # (the panel stays narrow: the editor beside it needs the room)
        request_row = QHBoxLayout()
        request_row.addWidget(self.request_label, 1)
        cl.addLayout(request_row)
        source = QHBoxLayout()
        source.addWidget(QLabel(self.tr("Send")))
        self.from_json = QRadioButton(self.tr("the JSON below"))
        self.from_json.setChecked(True)
        self.from_editor = QRadioButton(self.tr("the editor's message"))
        self.from_editor.setToolTip(self.tr("The message open in the editor, byte for byte (a varint-delimited stream "
                                    "of records for a client-streaming method): edit it in the typed tree"))
        self.edit_button = QPushButton(self.tr("Edit in editor ▸"))
        self.edit_button.setToolTip(self.tr("Open this JSON in the editor's typed tree, and send what the editor "
                                            "holds"))
        self.edit_button.clicked.connect(lambda: self._spawn(self.edit_in_editor()))
        source.addWidget(self.from_json)
        source.addWidget(self.from_editor)
        source.addStretch(1)
        request_row.addWidget(self.edit_button, 0, Qt.AlignmentFlag.AlignTop)  # beside the label, not the radios
        cl.addLayout(source)
        self.request = QPlainTextEdit()
        self.request.setAccessibleName(self.tr("Request"))
        self.request.setAccessibleDescription(self.tr("The request message in protobuf text format"))
        self.request.setObjectName("callRequest")
        self.request.setTabChangesFocus(True)
        cl.addWidget(self.request, 2)
        self.metadata = QTableWidget(METADATA_ROWS, 2)
        self.metadata.setAccessibleName(self.tr("Request metadata"))
        self.metadata.setAccessibleDescription(self.tr("Header names and values sent with the call"))
        self.metadata.setHorizontalHeaderLabels([self.tr("Metadata name"), self.tr("Value")])
        self.metadata.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.metadata.verticalHeader().setVisible(False)
        self.metadata.setItemDelegateForColumn(1, _SecretDelegate(self.metadata))
        self.metadata.setMaximumHeight(self.metadata.verticalHeader().defaultSectionSize() * (METADATA_ROWS + 1) + 6)
        cl.addWidget(self.metadata)
        buttons = QHBoxLayout()
        buttons.addWidget(QLabel(self.tr("Deadline")))
        self.deadline = QDoubleSpinBox()
        self.deadline.setAccessibleName(self.tr("Deadline in seconds"))
        self.deadline.setRange(0.0, 3600.0)
        self.deadline.setDecimals(1)
        self.deadline.setValue(10.0)
        self.deadline.setSuffix(" s")
        self.deadline.setSpecialValueText(self.tr("none"))
        buttons.addWidget(self.deadline)
        buttons.addStretch(1)
        self.copy_button = QToolButton()
        self.copy_button.setText(self.tr("Copy as ▾"))
        self.copy_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        copy_menu = QMenu(self.copy_button)
        copy_menu.addAction(self.tr("Copy as grpcurl"), lambda: self._copy(as_grpcurl(self.call_spec())))
        copy_menu.addAction(self.tr("Copy as main.py call"), lambda: self._copy(as_call_command(self.call_spec())))
        self.copy_button.setMenu(copy_menu)
        request_row.addWidget(self.copy_button, 0, Qt.AlignmentFlag.AlignTop)  # (the buttons' row stays narrow)
        self.send_button = QPushButton(self.tr("Send"))
        self.send_button.setDefault(True)
        self.send_button.clicked.connect(lambda: self._spawn(self.send()))
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        buttons.addWidget(self.send_button)
        buttons.addWidget(self.cancel_button)
        cl.addLayout(buttons)
        split.addWidget(compose)

        answers = QWidget()
        al = QVBoxLayout(answers)
        al.setContentsMargins(0, 0, 0, 0)
        self.status = QLabel(self.tr("Choose a method, write the request, Send."))
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        al.addWidget(self.status)
        self.responses = QListWidget()
        self.responses.setAccessibleName(self.tr("Responses"))
        self.responses.setObjectName("callResponses")
        self.responses.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.responses.itemDoubleClicked.connect(lambda item: self._spawn(self.open_response(self.responses.row(item))))
        self.responses.currentRowChanged.connect(lambda _r: self._update_buttons())
        al.addWidget(self.responses, 1)
        rb = QHBoxLayout()
        self.open_button = QPushButton(self.tr("Open in editor"))
        self.open_button.clicked.connect(lambda: self._spawn(self.open_response(self.responses.currentRow())))
        self.save_button = QPushButton(self.tr("Save .bin…"))
        self.save_button.clicked.connect(self._choose_save)
        rb.addWidget(self.open_button)
        rb.addWidget(self.save_button)
        rb.addStretch(1)
        al.addLayout(rb)
        al.addWidget(QLabel(self.tr("History (double-click to fill the form again)")))
        self.history_list = QListWidget()
        self.history_list.setAccessibleName(self.tr("Call history"))
        self.history_list.itemDoubleClicked.connect(lambda item: self.restore(self.history_list.row(item)))
        al.addWidget(self.history_list, 1)
        split.addWidget(answers)
        split.setSizes([180, 300, 320])
        lay.addWidget(split, 1)
        self._update_buttons()

    # -- methods --------------------------------------------------------------------------------

    def refresh_methods(self) -> None:
        """The tree of every service whose schema the editor's registry holds."""
        current = self.current_method()
        self.methods.clear()
        pool = self.editor.registry.pool
        services: dict[str, Any] = {}
        for name in self.editor.registry.files:
            for svc in pool.FindFileByName(name).services_by_name.values():
                services[svc.full_name] = svc
        for full_name in sorted(services):
            top = QTreeWidgetItem([full_name, ""])
            for m in services[full_name].methods:
                child = QTreeWidgetItem([m.name, sch.kind(m).replace("_", " ")])
                child.setData(0, METHOD_ROLE, m.full_name)
                top.addChild(child)
            self.methods.addTopLevelItem(top)
        if current is not None:
            self.select_method(current.full_name)

    def current_method(self) -> MethodDescriptor | None:
        item = self.methods.currentItem()
        name = item.data(0, METHOD_ROLE) if item is not None else None
        if not name:
            return None
        try:
            return self.editor.registry.pool.FindMethodByName(str(name))
        except KeyError:
            return None

    def select_method(self, name: str) -> bool:
        """Select ``pkg.Service.Method`` or ``pkg.Service/Method``; False when no loaded schema has it."""
        full = name.replace("/", ".")
        for i in range(self.methods.topLevelItemCount()):
            top = self.methods.topLevelItem(i)
            if top is None:
                continue
            for j in range(top.childCount()):
                child = top.child(j)
                if child is not None and child.data(0, METHOD_ROLE) == full:
                    top.setExpanded(True)
                    self.methods.setCurrentItem(child)
                    return True
        return False

    def _method_chosen(self, item: QTreeWidgetItem | None) -> None:
        method = self.current_method()
        if method is None:
            self._update_buttons()
            return
        stream = self.tr("several objects, one per line") if method.client_streaming else self.tr("one object")
        self.request_label.setText(self.tr("Request: {0} (JSON, {1})").format(method.input_type.full_name, stream))
        if not self.request.toPlainText().strip() or self.request.property("template"):
            template = message_factory.GetMessageClass(method.input_type)()
            text = json_format.MessageToJson(template, descriptor_pool=self.editor.registry.pool, indent=2,
                                             preserving_proto_field_name=True,
                                             always_print_fields_with_no_presence=True)
            self.request.setPlainText(text)
            self.request.setProperty("template", True)  # replaced on the next choice unless edited
            self.request.textChanged.connect(self._request_edited, Qt.ConnectionType.SingleShotConnection)
        self._update_buttons()

    def _request_edited(self) -> None:
        self.request.setProperty("template", False)

    async def load_services(self) -> bool:
        """Read the server's schemas by reflection into the editor's registry (the editor's own loader)."""
        address = self.address.text().strip() or None
        token = next((v.removeprefix("Bearer ").strip() for k, v in self.headers() if k == "authorization"), None)
        self._set_status(self.tr("Reading services from {0}…").format(address or self.tr("the connected engine")))
        ok = await self.editor.load_reflection(address, insecure=self.plaintext.isChecked(), token=token,
                                               tls_ca=self.tls_ca.text().strip() or None)
        self.refresh_methods()
        self._set_status(
            self.tr("Services loaded.")
            if ok
            else self.tr("Could not load services: {0}").format(self.editor.last_error),
            not ok,
        )
        return ok

    # -- the call -------------------------------------------------------------------------------

    def headers(self) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        for r in range(self.metadata.rowCount()):
            name_item, value_item = self.metadata.item(r, 0), self.metadata.item(r, 1)
            name = name_item.text().strip() if name_item is not None else ""
            if name:
                out.append(parse_header(f"{name}: {value_item.text() if value_item is not None else ''}"))
        return out

    def set_headers(self, headers: list[tuple[str, str]]) -> None:
        self.metadata.clearContents()
        self.metadata.setRowCount(max(METADATA_ROWS, len(headers) + 1))
        for r, (k, v) in enumerate(headers):
            self.metadata.setItem(r, 0, QTableWidgetItem(k))
            self.metadata.setItem(r, 1, QTableWidgetItem(v))

    def _target(self) -> tuple[Target, list[tuple[str, str]], bool]:
        """Where the call goes, its metadata, and whether it is the connected engine."""
        headers = self.headers()
        address = self.address.text().strip()
        if address:
            ca = self.tls_ca.text().strip()
            target = Target(address, plaintext=self.plaintext.isChecked(), tls_ca=Path(ca) if ca else None)
            return target, headers, False
        client = self.editor.client_source() if self.editor.client_source is not None else None
        if client is None or not client.connected:
            raise TargetError(self.tr("not connected to an engine: type a server address"))
        cfg = client.config
        method = self.current_method()
        if cfg.read_only and method is not None and method.full_name.startswith("pelorus.") \
                and method.name in MUTATING:
            raise TargetError(
                self.tr("the console is in read-only mode: {0} would change the engine").format(method.name)
            )
        token = [("authorization", f"Bearer {cfg.token}")] if cfg.token else []
        target = Target(cfg.address, plaintext=cfg.insecure, tls_ca=Path(cfg.tls_ca) if cfg.tls_ca else None,
                        server_name=cfg.server_name)
        return target, token + [h for h in headers if h[0] != "authorization" or not token], True

    def call_spec(self) -> CallSpec:
        method = self.current_method()
        name = f"{method.containing_service.full_name}/{method.name}" if method is not None else ""
        try:
            target, headers, engine = self._target()
        except TargetError:
            target, headers, engine = Target(""), self.headers(), True
        return CallSpec(target.address, name, self._request_text(method), headers,
                        self.deadline.value() or None, plaintext=target.plaintext,
                        tls_ca=str(target.tls_ca) if target.tls_ca else "", engine=engine)

    async def send(self) -> Outcome | None:
        """Send the composed request; responses are listed as they arrive. None when nothing was sent."""
        if self._call_task is not None and not self._call_task.done():
            return None
        method = self.current_method()
        if method is None:
            self._set_status(self.tr("Choose a method first."), True)
            return None
        try:
            target, headers, _engine = self._target()  # a read-only refusal comes before any input error
            requests = self._editor_requests(method) if self.from_editor.isChecked() else self._json_requests(method)
            if not method.client_streaming and len(requests) != 1:
                raise PayloadError(
                    self.tr("{0} takes one request; the text holds {1}").format(method.full_name, len(requests))
                )
            channel = open_channel(target)
        except (PayloadError, TargetError, SchemaError) as err:
            self._set_status(error_text(err), True)
            return None
        entry = HistoryEntry(self.call_spec())
        self.response_bytes.clear()
        self.responses.clear()
        self.outcome = None
        self._set_status(self.tr("Calling {0} on {1}…").format(sch.method_path(method), target.address))
        self._call_task = asyncio.ensure_future(
            invoke(channel, sch.method_path(method), sch.kind(method), requests,
                   lambda data: self._add_response(method, data), headers, self.deadline.value() or None))
        self._update_buttons()
        try:
            outcome = await self._call_task
        except asyncio.CancelledError:
            self._set_status(self.tr("Cancelled after {0} response(s).").format(len(self.response_bytes)), True)
            entry.status = "CANCELLED"
            return None
        finally:
            self._call_task = None
            await channel.close()
            self._remember(entry)
            self._update_buttons()
        entry.status = outcome.code.name
        self._remember(entry)
        self.outcome = outcome
        self._show_outcome(outcome)
        return outcome

    def _request_text(self, method: MethodDescriptor | None) -> str:
        """The request as JSON text: what is typed, or the editor's message (one object per line)."""
        if method is None or not self.from_editor.isChecked():
            return self.request.toPlainText()
        try:
            reg = self.editor.registry
            return "\n".join(reg.to_json(reg.parse(method.input_type.full_name, r), indent=None)
                             for r in self._editor_requests(method))
        except (PayloadError, SchemaError):
            return self.request.toPlainText()

    def _json_requests(self, method: MethodDescriptor) -> list[bytes]:
        text = self.request.toPlainText()
        return json_requests(self.editor.registry, method.input_type, text) if text.strip() else [b""]

    def _editor_requests(self, method: MethodDescriptor) -> list[bytes]:
        """The editor's message as it is (its records, for a client stream); it must be the input type."""
        doc = self.editor.doc
        if doc is None:
            raise PayloadError(self.tr("the editor has no message open: Edit in editor, or send the JSON"))
        shown = self.editor.model.descriptor
        if shown is not None and shown.full_name != method.input_type.full_name:
            raise PayloadError(
                self.tr("the editor's message is a {0}; {1} takes a {2}").format(
                    shown.full_name, method.name, method.input_type.full_name
                )
            )
        stream = method.client_streaming and self.editor.framing == "varint"
        return binary_requests(doc.to_bytes(), stream)

    async def edit_in_editor(self) -> bool:
        """Encode the JSON request and open it in the editor typed as the method's input; sends then take
        the editor's message (edits in its tree included)."""
        method = self.current_method()
        if method is None:
            self._set_status(self.tr("Choose a method first."), True)
            return False
        try:
            requests = self._json_requests(method)
        except PayloadError as err:
            self._set_status(error_text(err), True)
            return False
        data = (b"".join(encode_varint(len(r)) + r for r in requests) if method.client_streaming
                else requests[0])
        path = Path(self._tmp.name) / f"{method.name}-request.bin"
        path.write_bytes(data)
        if not await self.editor.open_path(path, "varint" if method.client_streaming else "single"):
            return False
        self.editor.set_type(method.input_type.full_name)
        self.from_editor.setChecked(True)
        self._set_status(
            self.tr("The request is open in the editor as {0}; Send sends it.").format(method.input_type.full_name)
        )
        return True

    def cancel(self) -> None:
        if self._call_task is not None:
            self._call_task.cancel()

    def _add_response(self, method: MethodDescriptor, data: bytes) -> None:
        self.response_bytes.append(data)
        n = len(self.response_bytes)
        try:
            preview = self.editor.registry.to_json(self.editor.registry.parse(method.output_type.full_name, data),
                                                   indent=None)
        except SchemaError:
            preview = self.tr("(does not parse as {0})").format(method.output_type.full_name)
        if len(preview) > PREVIEW_CHARS:
            preview = preview[:PREVIEW_CHARS] + "…"
        item = QListWidgetItem(self.tr("#{0}  {1:,} bytes  {2}").format(n, len(data), preview))
        item.setToolTip(self.tr("Double-click to open it in the editor, byte-exact"))
        self.responses.addItem(item)
        if n == 1:
            self.responses.setCurrentRow(0)

    def _show_outcome(self, o: Outcome) -> None:
        timing = self.tr("{0:.1f} ms").format(o.elapsed * 1000)
        if o.first_response is not None and o.responses > 1:
            timing += self.tr(" (first response after {0:.1f} ms)").format(o.first_response * 1000)
        trailers = ", ".join(f"{k}: {v!s}" for k, v in o.trailers)
        text = self.tr("{0} · {1} response(s) · {2}").format(o.code.name, o.responses, timing)
        if o.details:
            text += f"\n{o.details}"
        if trailers:
            text += self.tr("\nTrailers: {0}").format(trailers)
        self._set_status(text, not o.ok)

    def _set_status(self, text: str, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(f"color: {palette.css(palette.ERROR)};" if error else "")

    # -- responses ------------------------------------------------------------------------------

    async def open_response(self, row: int) -> bool:
        """Open response ``row`` in the editor, exactly the bytes received, typed as the method's output."""
        if not 0 <= row < len(self.response_bytes):
            return False
        method = self.current_method()
        name = f"{method.name if method is not None else 'response'}-response-{row + 1}.bin"
        path = Path(self._tmp.name) / name
        path.write_bytes(self.response_bytes[row])
        self.responses.setCurrentRow(row)
        if not await self.editor.open_path(path, "single"):
            return False
        if method is not None:
            self.editor.set_type(method.output_type.full_name)
        return True

    def save_response(self, row: int, path: str | Path) -> None:
        Path(path).write_bytes(self.response_bytes[row])
        self._set_status(self.tr("Saved response {0} to {1}.").format(row + 1, path))

    def _choose_save(self) -> None:
        row = self.responses.currentRow()
        if row < 0:
            return
        path, _f = QFileDialog.getSaveFileName(self, self.tr("Save the response"), f"response-{row + 1}.bin",
                                               self.tr("Protobuf (*.bin);;All files (*)"))
        if path:
            try:
                self.save_response(row, path)
            except OSError as err:
                self._set_status(self.tr("Cannot save {0}: {1}").format(path, err.strerror), True)

    # -- history --------------------------------------------------------------------------------

    def _remember(self, entry: HistoryEntry) -> None:
        self.history.add(entry)
        QSettings().setValue(HISTORY_KEY, self.history.to_json())
        self._fill_history()

    def _fill_history(self) -> None:
        self.history_list.clear()
        for e in self.history.entries:
            self.history_list.addItem(e.label)

    def restore(self, row: int) -> None:
        """Fill the form from history entry ``row`` (the newest is 0) to re-run it."""
        if not 0 <= row < len(self.history.entries):
            return
        spec = self.history.entries[row].spec
        self.address.setText("" if spec.engine else spec.address)
        self.plaintext.setChecked(spec.plaintext)
        self.tls_ca.setText("" if spec.engine else spec.tls_ca)
        if not self.select_method(spec.method):
            self._set_status(self.tr("{0} is not loaded: Load services first.").format(spec.method), True)
        self.request.setPlainText(spec.request_json)
        self.request.setProperty("template", False)
        self.from_json.setChecked(True)
        self.set_headers(spec.headers)
        self.deadline.setValue(spec.timeout or 0.0)

    # -- plumbing -------------------------------------------------------------------------------

    def _copy(self, text: str) -> None:
        QApplication.clipboard().setText(text)
        self._set_status(self.tr("Copied: ") + text)

    def _update_buttons(self) -> None:
        running = self._call_task is not None and not self._call_task.done()
        self.send_button.setEnabled(not running and self.current_method() is not None)
        self.cancel_button.setEnabled(running)
        has = 0 <= self.responses.currentRow() < len(self.response_bytes)
        self.open_button.setEnabled(has)
        self.save_button.setEnabled(has)

    def _spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def close_tasks(self) -> None:
        self.cancel()
        for task in list(self._tasks):
            task.cancel()
        with contextlib.suppress(OSError):
            self._tmp.cleanup()


class ProtobufPage(QSplitter):
    """The Protobuf tab's page: the Call panel beside the editor.

    The editor comes first: while the window is too narrow for the Call panel and an editor whose
    tree reads well beside a 16-byte hex row (1400 px and less), the panel starts closed, and the
    "Call panel" button at the start of the editor's toolbar (or Tools ▸ Call) opens it, as narrow
    as its rows allow.  Once the operator opens, closes or drags it, their choice stays.
    """

    def __init__(self, editor: ProtoEditor, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setObjectName("protobufPage")
        self.editor = editor
        self.panel = CallPanel(editor)
        self.addWidget(self.panel)
        self.addWidget(editor)
        self.setStretchFactor(0, 0)
        self.setStretchFactor(1, 1)
        self.setCollapsible(1, False)
        self.chosen = False  # the operator opened, closed or dragged the panel: leave it as they left it
        self.toggle = QToolButton()
        self.toggle.setObjectName("callPanelToggle")
        self.toggle.setText(self.tr("Call panel"))
        self.toggle.setCheckable(True)
        self.toggle.setToolTip(self.tr("Show or hide the Call panel: call the engine's methods with a JSON "
                                       "or the editor's message (Tools ▸ Call)"))
        self.toggle.toggled.connect(lambda on: self.show_call_panel(on) if on != self.call_panel_shown() else None)
        editor.toolbar_row.insertWidget(0, self.toggle)
        self.splitterMoved.connect(self._dragged)
        self.fit()
        follow_layout(self)  # the toggle came after the editor's own Tab order was set


    def panel_width(self) -> int:
        """The panel's width when it opens: as narrow as its rows allow."""
        return self.panel.minimumSizeHint().width() + 8

    def call_panel_shown(self) -> bool:
        return not self.panel.isHidden() and self.sizes()[0] > 0

    def show_call_panel(self, shown: bool = True) -> None:
        """Open (or close) the Call panel; the operator's choice from now on."""
        self.chosen = True
        self._place(shown)

    def fit(self) -> None:
        """The panel open when the editor keeps its comfortable width beside it, else closed."""
        if not self.chosen:
            total = self.width() - self.handleWidth()
            self._place(total >= self.panel_width() + self.editor.comfortable_width())

    def _place(self, shown: bool) -> None:
        self.panel.setHidden(not shown)  # a closed panel's fields must not take Tab focus out of sight
        total = max(self.width() - self.handleWidth(), self.panel_width() + self.editor.minimumSizeHint().width())
        panel = self.panel_width() if shown else 0
        self.setSizes([panel, total - panel])
        self._sync_toggle()

    def _dragged(self, _pos: int, _index: int) -> None:
        self.chosen = True
        if self.sizes()[0] == 0:  # dragged shut: closed, as by the button
            self.panel.setHidden(True)
        self._sync_toggle()

    def _sync_toggle(self) -> None:
        shown = self.call_panel_shown()
        if self.toggle.isChecked() != shown:
            self.toggle.blockSignals(True)
            self.toggle.setChecked(shown)
            self.toggle.blockSignals(False)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self.fit()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        self.fit()


def protobuf_page(editor: ProtoEditor, parent: QWidget | None = None) -> tuple[ProtobufPage, CallPanel]:
    """The Protobuf tab's page (a ProtobufPage) and its Call panel."""
    page = ProtobufPage(editor, parent)
    return page, page.panel
