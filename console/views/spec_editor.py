"""Job spec editor: YAML with a form for the common fields, validated as you type.

Used to create a job (submitted with an idempotency key fixed for the dialog's life, so a
retried submit never makes two jobs) and to edit one (ReplaceJob at the version it was
opened at). Errors point at the line: the line number is shown and the line highlighted.
"""

from __future__ import annotations

import shlex
import uuid
from dataclasses import dataclass
from typing import Any

from google.protobuf.descriptor_pool import DescriptorPool
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont, QTextCharFormat, QTextCursor, QTextFormat
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from console.i18n import core_text
from console.models import palette
from console.tasks import WidgetTasks
from console.views.tab_order import follow_layout
from pelorus.api import job_pb2
from pelorus.engine.errors import EngineError
from pelorus.engine.validation import validate_job_spec
from pelorus.specfile import SpecError, best_effort_spec, dump_spec, keep_payload_bytes, locate_field, parse_spec

NEW_JOB_TEMPLATE = """\
name: my-job
owner: me
instance_count: 2
default_spec:
  command: sh
  args: [-c, 'echo "hello from $PELORUS_INSTANCE_ID"; sleep 5']
"""


def schema_registry(widget: Any) -> Any:
    """The console's SchemaRegistry (the protobuf editor of the window ``widget`` lives in), or None."""
    while widget is not None:
        registry = getattr(getattr(widget, "proto_editor", None), "registry", None)
        if registry is not None:
            return registry
        widget = widget.parent() if hasattr(widget, "parent") else None
    return None


def schema_pool(widget: Any) -> DescriptorPool | None:
    """The schemas the operator loaded (the protobuf editor of the window ``widget`` lives in):
    a job's ``data`` payload of such a type is shown and edited decoded. None: the built-in types."""
    registry = schema_registry(widget)
    return None if registry is None else registry.pool


@dataclass(frozen=True)
class SpecCheck:
    """What the editor shows: the spec when valid, else the problem (field names as the YAML
    writes them) and where it is (1-based line and column, when known)."""

    spec: job_pb2.JobSpec | None
    problem: str = ""
    line: int | None = None
    column: int | None = None


def check_spec(text: str, pool: DescriptorPool | None = None) -> SpecCheck:
    try:
        spec = parse_spec(text, pool)
        validate_job_spec(spec)
    except SpecError as exc:
        return SpecCheck(None, exc.detail, exc.line, exc.column)
    except EngineError as exc:  # the engine's own rules, naming the field as `spec.a.b`
        path, _, problem = exc.message.partition(": ")
        path = path.removeprefix("spec.")
        where = locate_field(text, path)
        return SpecCheck(None, f"{path}: {problem}" if problem else exc.message, *(where or (None, None)))
    return SpecCheck(spec)


class SpecEditorDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, spec: job_pb2.JobSpec | None = None,
                 job_id: str | None = None, version: int | None = None) -> None:
        super().__init__(parent)
        self.job_id = job_id
        self.version = version
        self.idempotency_key = str(uuid.uuid4())
        self.base = spec  # an untouched payload keeps these bytes (keep_payload_bytes)
        self.pool = schema_pool(parent)
        editing = job_id is not None
        self.setWindowTitle(
            self.tr("Edit job {0} (version {1})").format(spec.name if spec else "", version)
            if editing
            else self.tr("New job")
        )
        self.resize(760, 620)
        self.yaml = QPlainTextEdit()
        self.yaml.setAccessibleName(self.tr("Job spec (YAML)"))
        self.yaml.setObjectName("specYaml")
        mono = QFont("monospace")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self.yaml.setFont(mono)
        self.yaml.setPlainText(dump_spec(spec, self.pool) if spec is not None else NEW_JOB_TEMPLATE)
        self.name = QLineEdit()
        self.name.setAccessibleName(self.tr("Name"))
        self.owner = QLineEdit()
        self.owner.setAccessibleName(self.tr("Owner"))
        self.instances = QSpinBox()
        self.instances.setAccessibleName(self.tr("Instances"))
        self.instances.setRange(1, 100_000)
        self.priority = QSpinBox()
        self.priority.setAccessibleName(self.tr("Priority"))
        self.priority.setRange(-1000, 1000)
        self.command = QLineEdit()
        self.command.setAccessibleName(self.tr("Command"))
        self.command.setPlaceholderText(self.tr("program and arguments, shell-quoted"))
        form = QFormLayout()
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("Owner"), self.owner)
        form.addRow(self.tr("Instances"), self.instances)
        form.addRow(self.tr("Priority"), self.priority)
        form.addRow(self.tr("Command"), self.command)
        self.error = QLabel()
        self.error.setObjectName("specError")
        self.error.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.submit = self.buttons.addButton(self.tr("Review changes…") if editing else self.tr("Create"),
                                             QDialogButtonBox.ButtonRole.AcceptRole)
        self.submit.setObjectName("submitSpec")
        self.buttons.rejected.connect(self.reject)
        self.submit.clicked.connect(self.accept)
        top = QHBoxLayout()
        top.addLayout(form, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(QLabel(self.tr("Spec (YAML; field names as in pelorus.v1.JobSpec):")))
        layout.addWidget(self.yaml, 1)
        # The data payload, field by field in a protobuf editor window; its edited bytes come back as
        # they are (a byte-precise edit is not re-encoded through the YAML).
        self.payload_bar = QWidget()
        self.payload_bar.setObjectName("payloadBar")
        self.payload_label = QLabel()
        self.edit_payload_button = QPushButton(self.tr("Edit payload in protobuf editor…"))
        self.edit_payload_button.setObjectName("editPayload")
        self.take_payload_button = QPushButton(self.tr("Use the editor's payload"))
        self.take_payload_button.setObjectName("takePayload")
        self.take_payload_button.setToolTip(self.tr("Put the payload as edited in the protobuf editor window into "
                                                    "this spec"))
        self.take_payload_button.setEnabled(False)
        bar = QHBoxLayout(self.payload_bar)
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.payload_label, 1)
        bar.addWidget(self.edit_payload_button)
        bar.addWidget(self.take_payload_button)
        self.payload_bar.hide()
        self.payload_window: Any = None
        self._payload_ref: job_pb2.JobSpec | None = None  # the bytes taken from the editor
        self._tasks = WidgetTasks("spec editor", widget=self)
        self.edit_payload_button.clicked.connect(self._edit_payload)
        self.take_payload_button.clicked.connect(self.take_payload)
        layout.addWidget(self.payload_bar)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.spec: job_pb2.JobSpec | None = None
        self._syncing = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self._validate)
        self.yaml.textChanged.connect(self._timer.start)
        for widget in (self.name, self.owner, self.command):
            widget.textEdited.connect(self._form_changed)
        for spin in (self.instances, self.priority):
            spin.valueChanged.connect(self._form_changed)
        self._validate()

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        """Once laid out, Tab goes through the buttons the way they read (the platform orders them)."""
        super().showEvent(event)
        buttons = sorted((b for b in self.buttons.buttons() if b.isVisible()), key=lambda b: b.x())
        for left, right in zip(buttons, buttons[1:], strict=False):
            QWidget.setTabOrder(left, right)

    def _validate(self) -> None:
        text = self.yaml.toPlainText()
        check = check_spec(text, self.pool)
        spec, problem, line, column = check.spec, check.problem, check.line, check.column
        if spec is not None:
            for ref in (self._payload_ref, self.base):  # bytes nobody changed since, as they were
                if ref is not None:
                    keep_payload_bytes(ref, spec, self.pool)
            self._show_payload(spec)
        self.spec = spec
        if spec is None and not self._syncing:
            try:  # parsable but invalid (e.g. 0 instances): the form still shows what is there
                self._fill_form(parse_spec(text, self.pool))
            except SpecError:
                readable = best_effort_spec(text)  # a typo'd key: the form shows the rest, not stale values
                if readable is not None:
                    self._fill_form(readable)
        self.submit.setEnabled(spec is not None)
        selections = []
        if spec is None:
            if line and column:
                where = self.tr("Line {}, column {}: ").format(line, column)
            else:
                where = self.tr("Line {}: ").format(line) if line else ""
            self.error.setText(palette.span(f"{where}{core_text(problem)}", palette.ERROR))
            if line:
                sel = QTextEdit.ExtraSelection()
                sel.format.setBackground(palette.ERROR_LINE_BG)
                sel.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
                block = self.yaml.document().findBlockByLineNumber(line - 1)
                sel.cursor = QTextCursor(block)
                selections.append(sel)
                if column:
                    selections.extend(self._underline(block, column))
        else:
            self.error.setText(palette.span(self.tr("Valid spec."), palette.OK))
            self._fill_form(spec)
        self.yaml.setExtraSelections(selections)

    @staticmethod
    def _underline(block: Any, column: int) -> list[QTextEdit.ExtraSelection]:
        """A wavy underline under the word the error points at (from ``column`` to the next space or colon)."""
        text = block.text()
        start = min(column - 1, len(text))
        end = start
        while end < len(text) and text[end] not in " :,]}":
            end += 1
        if end == start:
            return []
        sel = QTextEdit.ExtraSelection()
        fmt = QTextCharFormat()
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
        fmt.setUnderlineColor(palette.ERROR)
        sel.format = fmt
        cursor = QTextCursor(block)
        cursor.movePosition(QTextCursor.MoveOperation.Right, QTextCursor.MoveMode.MoveAnchor, start)
        cursor.movePosition(QTextCursor.MoveOperation.Right, QTextCursor.MoveMode.KeepAnchor, end - start)
        sel.cursor = cursor
        return [sel]

    def _show_payload(self, spec: job_pb2.JobSpec) -> None:
        from console.views.payload_view import describe_payload

        has = spec.HasField("data")
        self.payload_bar.setVisible(has)
        if has:
            self.payload_label.setText(self.tr("Payload: {0}").format(describe_payload(spec.data, self.pool)))

    def _edit_payload(self) -> None:
        self._tasks.start(self.edit_payload())

    async def edit_payload(self) -> Any:
        """Open the spec's payload in a protobuf editor window (typed when its type is loaded)."""
        from console.views.payload_view import open_payload_editor

        if self.spec is None or not self.spec.HasField("data"):
            return None
        if self.payload_window is not None:
            self.payload_window.close()
        window = await open_payload_editor(self.spec.data, schema_registry(self.parent()),
                                           self.tr("Payload of {0}").format(self.spec.name))
        self.payload_window = window
        window.closed.connect(self._payload_window_closed)
        self.take_payload_button.setEnabled(True)
        return window

    def _payload_window_closed(self) -> None:
        self.payload_window = None
        self.take_payload_button.setEnabled(False)

    def take_payload(self) -> bool:
        """The payload as edited in the protobuf editor window replaces the spec's, byte for byte."""
        doc = self.payload_window.editor.doc if self.payload_window is not None else None
        if doc is None:
            return False
        try:
            spec = parse_spec(self.yaml.toPlainText(), self.pool)
        except SpecError:
            self.error.setText(palette.span(self.tr("Fix the YAML before taking the payload."), palette.ERROR))
            return False
        spec.data.value = doc.to_bytes()
        self._payload_ref = job_pb2.JobSpec()
        self._payload_ref.data.CopyFrom(spec.data)
        self.set_text(dump_spec(spec, self.pool))
        return True

    def _fill_form(self, spec: job_pb2.JobSpec) -> None:
        self._syncing = True
        try:
            if not self.name.hasFocus():
                self.name.setText(spec.name)
            if not self.owner.hasFocus():
                self.owner.setText(spec.owner)
            if not self.instances.hasFocus():
                self.instances.setValue(spec.instance_count)
            if not self.priority.hasFocus():
                self.priority.setValue(spec.priority)
            if not self.command.hasFocus():
                self.command.setText(shlex.join([spec.default_spec.command, *spec.default_spec.args]))
        finally:
            self._syncing = False

    def _form_changed(self) -> None:
        if self._syncing:
            return
        try:
            spec = parse_spec(self.yaml.toPlainText(), self.pool)
        except SpecError:
            self.error.setText(palette.span(self.tr("Fix the YAML before using the form."), palette.ERROR))
            return
        spec.name = self.name.text()
        spec.owner = self.owner.text()
        spec.instance_count = self.instances.value()
        spec.priority = self.priority.value()
        try:
            argv = shlex.split(self.command.text())
        except ValueError as exc:
            self.error.setText(palette.span(self.tr("Command: {0}").format(exc), palette.ERROR))
            return
        if argv:
            spec.default_spec.command = argv[0]
            del spec.default_spec.args[:]
            spec.default_spec.args.extend(argv[1:])
        self._syncing = True
        try:
            cursor = self.yaml.textCursor().position()
            self.yaml.setPlainText(dump_spec(spec, self.pool))
            c = self.yaml.textCursor()
            c.setPosition(min(cursor, len(self.yaml.toPlainText())))
            self.yaml.setTextCursor(c)
        finally:
            self._syncing = False
        self._validate()

    def set_text(self, text: str) -> None:
        self.yaml.setPlainText(text)
        self._validate()


class ConflictDialog(QDialog):
    """Someone else changed the job: show base, theirs and yours; rebase or give up."""

    def __init__(self, parent: QWidget | None, base: str, theirs: str, yours: str, their_version: int) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("The job changed while you edited it"))
        self.resize(1100, 560)
        explain = QLabel(self.tr("Someone else changed this job (now at version {0}). Nothing was overwritten. "
                                 "Compare the three versions; <b>Rebase</b> re-opens your edit on top of theirs, so "
                                 "you can review it and submit again.").format(their_version))
        explain.setWordWrap(True)
        panes = QHBoxLayout()
        for title, text, name in ((self.tr("Base (what you started from)"), base, "base"),
                                  (self.tr("Theirs (version {0})").format(their_version), theirs, "theirs"),
                                  (self.tr("Yours"), yours, "yours")):
            column = QVBoxLayout()
            column.addWidget(QLabel(f"<b>{title}</b>"))
            edit = QPlainTextEdit(text)
            edit.setAccessibleName(title)
            edit.setObjectName(f"conflict_{name}")
            edit.setReadOnly(True)
            edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
            column.addWidget(edit)
            panes.addLayout(column)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.rebase = buttons.addButton(self.tr("Rebase my edit onto theirs"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.rebase.setObjectName("rebaseButton")
        buttons.rejected.connect(self.reject)
        self.rebase.clicked.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(explain)
        layout.addLayout(panes, 1)
        layout.addWidget(buttons)
        follow_layout(self)  # the buttons in the order the platform lays them out
        self.setWindowModality(Qt.WindowModality.WindowModal)
