"""The protobuf editor: open a file, choose a schema (or none), browse records, edit, save.

Layout: a toolbar (open / save / undo / redo, framing, message type with "Guess", schema
sources), a busy bar with Cancel, an error banner, a record browser for streams, then the tree
(ProtoTreeModel) beside a tab widget with the hex pane (linked both ways), text format and JSON.

Everything slow runs in worker threads through ``asyncio.to_thread`` on the qasync loop: opening
(memory-mapping, framing detection, the first level's scan), decoding a large nested level,
compiling .proto files, guessing types. Cancel abandons the running step (its result is dropped).
Scans of large levels (opening, expanding a big nested message) run under a
:class:`~pelorus.protobuf.schemaless.Progress` token: the bar shows their progress and Cancel stops
them at the next 4 MiB chunk; other steps finish in the background.

Single messages and the records of a stream are edited in place (byte-preserving, via Document).

Mounting as a tab: ``editor = ProtoEditor(parent)``; ``tabs.addTab(editor, editor.tab_title)``;
``editor.titleChanged.connect(lambda t: tabs.setTabText(tabs.indexOf(editor), t))``.
Standalone: ``python main.py open FILE [--type T] [--proto P ...] [-I DIR ...] [--descriptor-set F]``
(console/views/proto_window.py).

The state and rules (file, document, records, type, tree, edits, what a save writes, when a
worker's result is stale) are :class:`pelorus.protobuf.session.EditorSession`, Qt-free; this widget
shows it, runs its slow steps in worker threads and wires the widgets.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QCompleter,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from console.i18n import QT_TRANSLATE_NOOP, core_text, error_text
from console.models import palette
from console.models.proto_tree import Column, PathRole, ProtoTreeModel
from console.tasks import WidgetTasks
from console.views import proto_dialogs
from console.views.busy_row import BusyRow
from console.views.core_label import CoreLabel
from console.views.proto_assign import TypeAssign
from console.views.proto_compare import ProtoCompareWindow
from console.views.proto_delegate import ValueDelegate
from console.views.proto_dialogs import ask
from console.views.proto_edit_actions import EditActions, SavePreviewDialog, TextApplyPane
from console.views.proto_hex import HexView
from console.views.proto_sources import ClientSource, SchemaSources
from console.views.proto_text import TextPanes
from console.views.tab_order import follow_layout
from pelorus.protobuf import framing as fr
from pelorus.protobuf.document import Document, Edit
from pelorus.protobuf.schema import SchemaError, SchemaRegistry, TypeGuess
from pelorus.protobuf.schemaless import Cancelled, Progress, progress_scope
from pelorus.protobuf.session import (
    EditorSession,
    Loaded,
    Replaced,
    ViewMemory,
    load_file,
)
from pelorus.protobuf.textedit import canonical
from pelorus.protobuf.tree import FieldSpan
from pelorus.protobuf.valuetext import reading_preview

log = logging.getLogger("pelorus.proto_editor")

TREE_MIN_WIDTH = 360  # px the field tree keeps (its value readable) when the hex pane takes 16 bytes a row
TREE_COMFORT_WIDTH = 420  # px of tree that shows number, type, bytes and a readable value
SCHEMALESS = QT_TRANSLATE_NOOP("ProtoEditor", "(no schema — schemaless decode)")
FRAMING_LABELS = {
    "auto": QT_TRANSLATE_NOOP("ProtoEditor", "Auto-detect"),
    "single": QT_TRANSLATE_NOOP("ProtoEditor", "Single message"),
    "varint": QT_TRANSLATE_NOOP("ProtoEditor", "Varint-delimited stream"),
    "grpc": QT_TRANSLATE_NOOP("ProtoEditor", "gRPC frames"),
}

class ProtoEditor(QWidget):
    """Signals: titleChanged(str) — the tab title (file name, "•" when modified)."""

    titleChanged = Signal(str)

    def __init__(self, parent: QWidget | None = None, registry: SchemaRegistry | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ProtoEditor")
        self.session = EditorSession(registry)
        """The file, document, records, type, tree and their rules (Qt-free); this widget shows it."""
        self._tasks = WidgetTasks("protobuf editor", widget=self)
        self._busy_task: asyncio.Task[Any] | None = None
        self._build()

    # -- construction ---------------------------------------------------------------------------

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 6, 6, 6)
        outer.setSpacing(4)

        bar = QHBoxLayout()
        self.toolbar_row = bar  # (the Protobuf tab puts its Call panel's toggle at its start)
        self.open_button = QPushButton(self.tr("Open…"))
        self.save_button = QPushButton(self.tr("Save"))
        self.save_as_button = QPushButton(self.tr("Save As…"))
        self.undo_button = _tool_button(self.tr("Undo"))
        self.redo_button = _tool_button(self.tr("Redo"))
        self.framing_combo = QComboBox()
        self.framing_combo.setAccessibleName(self.tr("Framing"))
        for key, label in FRAMING_LABELS.items():
            self.framing_combo.addItem(self.tr(label), key)
        self.framing_combo.setToolTip(self.tr("How the file is framed: one message, or a stream of length-prefixed "
                                              "records"))
        self.type_combo = QComboBox()
        self.type_combo.setAccessibleName(self.tr("Message type"))
        self.type_combo.setEditable(True)
        self.type_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.type_combo.setMinimumWidth(260)
        self.type_combo.setToolTip(self.tr("Message type (type to search); or decode without a schema"))
        self.guess_button = QPushButton(self.tr("Guess type"))
        self.schema_button = _tool_button(self.tr("Schemas ▾"))
        self.schema_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.schema_button)
        self.schema_button.setMenu(menu)
        for w in (self.open_button, self.save_button, self.save_as_button, self.undo_button, self.redo_button):
            bar.addWidget(w)
        bar.addStretch(1)
        # the decoding choices get a row of their own: in one row with the file and edit buttons the
        # editor could not be narrower than ~1350 px (and the hex pane lost its ASCII column)
        decoding = QHBoxLayout()
        decoding.addWidget(QLabel(self.tr("Framing:")))
        decoding.addWidget(self.framing_combo)
        decoding.addSpacing(12)
        decoding.addWidget(QLabel(self.tr("Type:")))
        decoding.addWidget(self.type_combo, 1)
        decoding.addWidget(self.guess_button)
        decoding.addWidget(self.schema_button)
        self.type_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.type_combo.setMinimumContentsLength(24)  # not the longest loaded type name: that could be any width
        outer.addLayout(bar)
        outer.addLayout(decoding)
        self.sources = SchemaSources(self, menu)
        bar.insertWidget(bar.indexOf(self.redo_button) + 1, self.sources.compare_button)

        self.busy_row = BusyRow()
        self.busy_label, self.progress, self.cancel_button = (
            self.busy_row.label, self.busy_row.progress, self.busy_row.cancel_button)
        outer.addWidget(self.busy_row)

        self.error_label = CoreLabel()  # the core's damage sentences, translated
        self.error_label.setObjectName("protoError")
        self.error_label.setWordWrap(True)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.setStyleSheet(f"QLabel#protoError {{ {palette.error_box_css()} }}")
        self.error_label.hide()
        outer.addWidget(self.error_label)

        rec = QHBoxLayout()
        self.record_label = QLabel(self.tr("Record"))
        self.record_spin = QSpinBox()
        self.record_spin.setAccessibleName(self.tr("Record"))
        self.record_spin.setMinimum(1)
        self.record_spin.setKeyboardTracking(False)
        self.record_info = QLabel()
        self.prev_button = _tool_button("◀")
        self.next_button = _tool_button("▶")
        for rw in (self.record_label, self.prev_button, self.record_spin, self.next_button, self.record_info):
            rec.addWidget(rw)
        rec.addStretch(1)
        rec.setContentsMargins(0, 0, 0, 0)
        self.record_row = QWidget()
        self.record_row.setLayout(rec)
        self.record_row.hide()
        outer.addWidget(self.record_row)

        self.model = ProtoTreeModel(self, self.session.tree, self.session.editing)
        self.tree = QTreeView()
        self.tree.setAccessibleName(self.tr("Fields"))
        self.tree.setAccessibleDescription(self.tr(
            "The message's fields; F2 edits a value, Insert adds, Delete removes"))
        self.tree.setObjectName("protoTree")
        self.tree.setModel(self.model)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                  | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.tree.setItemDelegateForColumn(Column.VALUE, ValueDelegate(self.tree))
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        hdr = self.tree.header()
        hdr.setStretchLastSection(False)
        hdr.setMinimumSectionSize(40)
        for col, width in ((Column.NUMBER, 76), (Column.NAME, 130), (Column.TYPE, 140), (Column.BYTES, 76)):
            hdr.resizeSection(col, width)
        hdr.setSectionResizeMode(Column.VALUE, QHeaderView.ResizeMode.Stretch)
        hdr.moveSection(Column.BYTES, Column.VALUE)  # bytes before value: the value column takes the rest

        self.hex = HexView()
        self.hex.setObjectName("protoHex")
        self.text_pane = TextApplyPane("text")
        self.json_pane = TextApplyPane("json")
        self.text_view = self.text_pane.view
        self.json_view = self.json_pane.view
        self.side = QTabWidget()
        self.side.setAccessibleName(self.tr("Bytes, text and JSON"))
        self.side.addTab(self.hex, self.tr("Hex"))
        self.side.addTab(self.text_pane, self.tr("Text format"))
        self.side.addTab(self.json_pane, "JSON")
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.tree)
        self.splitter.addWidget(self.side)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        outer.addWidget(self.splitter, 1)

        self.status = CoreLabel(self.tr("Open a file to decode it (Open…, or drop a path on the command line)."))
        self.status.setObjectName("protoStatus")
        outer.addWidget(self.status)

        self._fill_types()
        self.tree.setColumnHidden(Column.NAME, True)
        self.text_panes = TextPanes(self, self.side)
        self.edit_actions = EditActions(self)
        self.type_assign = TypeAssign(self)
        self._wire()
        self._wire_editing()
        self._update_actions()
        follow_layout(self)  # Edit ▾ and Compare with… were added to the bar after the rows below it

    def _wire(self) -> None:
        self.open_button.clicked.connect(self._choose_file)
        self.save_button.clicked.connect(lambda: self.spawn(self.save(confirm=True)))
        self.save_as_button.clicked.connect(self._choose_save_as)
        self.undo_button.clicked.connect(self.undo)
        self.redo_button.clicked.connect(self.redo)
        self.cancel_button.clicked.connect(self.cancel)
        self.framing_combo.activated.connect(self._framing_chosen)
        self.type_combo.activated.connect(self._type_chosen)
        line = self.type_combo.lineEdit()
        assert line is not None  # the combo is editable
        line.returnPressed.connect(self._type_typed)
        self.guess_button.clicked.connect(lambda: self.spawn(self.guess(show_menu=True)))
        self.record_spin.valueChanged.connect(lambda v: self.show_record(v - 1))
        self.prev_button.clicked.connect(lambda: self.record_spin.setValue(self.record_spin.value() - 1))
        self.next_button.clicked.connect(lambda: self.record_spin.setValue(self.record_spin.value() + 1))
        self.tree.selectionModel().currentChanged.connect(self._tree_current)
        self.tree.expanded.connect(self._expanded_row)
        self.tree.customContextMenuRequested.connect(self._context_menu)
        self.hex.byteClicked.connect(self.select_offset)
        self.model.modelAboutToBeReset.connect(self._remember_view)
        self.model.modelReset.connect(self._restore_view)
        self.model.edited.connect(self._after_edit)
        self.model.editRejected.connect(self._edit_rejected)
        self.side.currentChanged.connect(lambda _i: self.refresh_text_views())
        ctx = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for seq, slot in ((QKeySequence.StandardKey.Undo, self.undo), (QKeySequence("Ctrl+Shift+Z"), self.redo),
                          (QKeySequence.StandardKey.Save, lambda: self.spawn(self.save(confirm=True)))):
            sc = QShortcut(seq, self)
            sc.setContext(ctx)
            sc.activated.connect(slot)

    def _wire_editing(self) -> None:
        """Signals of the structure / text editing parts (kept apart from _wire)."""
        for pane in (self.text_pane, self.json_pane):
            pane.applyRequested.connect(lambda p=pane: self.spawn(self.text_panes.apply(p)))
            pane.revertRequested.connect(lambda p=pane: self.text_panes.revert(p))

    def _fill_types(self) -> None:
        current = self.type_combo.currentText()
        names = [self.tr(SCHEMALESS), *self.registry.message_types()]
        self.type_combo.clear()
        self.type_combo.addItems(names)
        completer = QCompleter(names, self.type_combo)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.activated.connect(lambda _t: self._type_typed())
        self.type_combo.setCompleter(completer)
        i = self.type_combo.findText(current) if current else 0
        self.type_combo.setCurrentIndex(max(0, i))

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if not getattr(self, "_sized", False):
            self._sized = True
            self._fit_splitter()

    def _fit_splitter(self) -> None:
        """The hex pane gets its 16 bytes a row whenever the tree keeps TREE_MIN_WIDTH beside it
        (the editor beside the Call panel in a 1280 px window); else the widest rows that fit in
        3/5 of the width; the rest goes to the tree."""
        total = self.width() - 16  # the splitter's width once laid out (it may not be yet)
        sixteen = self.hex.preferred_width() + 8  # the tab frame: ~4 px a side
        if total - sixteen >= TREE_MIN_WIDTH:
            side = sixteen
        else:
            budget = min(sixteen, max(320, total * 3 // 5))
            side = min(budget, self.hex.width_for(self.hex.rows_fitting(budget - 4)) + 8)
        self.splitter.setSizes([max(200, total - side), side])

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        if getattr(self, "_sized", False) and self.isVisible():
            self._fit_splitter()

    def comfortable_width(self) -> int:
        """The width at which the tree keeps TREE_COMFORT_WIDTH (every column readable) beside a
        16-byte hex row: what the Protobuf tab leaves the editor before it shows the Call panel."""
        return TREE_COMFORT_WIDTH + self.hex.preferred_width() + 8 + 16 + self.splitter.handleWidth()

    # -- public API -----------------------------------------------------------------------------

    # the session's state, read-only here: the editor changes it through the session's methods
    @property
    def registry(self) -> SchemaRegistry:
        return self.session.registry

    @property
    def include_paths(self) -> list[str]:
        return self.session.include_paths

    @property
    def path(self) -> Path | None:
        return self.session.path

    @property
    def doc(self) -> Document | None:
        return self.session.doc

    @property
    def records(self) -> fr.RecordIndex | None:
        return self.session.records

    @property
    def encoding(self) -> str:
        return self.session.encoding

    @property
    def type_name(self) -> str | None:
        return self.session.type_name

    @property
    def guesses(self) -> list[TypeGuess]:
        return self.session.guesses

    @property
    def last_error(self) -> str:
        return self.session.last_error

    @property
    def last_edit_message(self) -> str:
        return self.session.last_edit_message

    @property
    def tab_title(self) -> str:
        return self.session.tab_title

    @property
    def modified(self) -> bool:
        return self.session.modified

    @property
    def framing(self) -> str:
        return self.session.framing

    async def open_path(self, path: str | os.PathLike[str], framing: str = "auto") -> bool:
        """Open ``path`` (decoded in a worker thread; Cancel abandons it). True when shown."""
        p = Path(path)
        self.show_error("")
        try:
            loaded = await self._busy_scan(self.tr("Opening {0}…").format(p.name), load_file, p, framing)
        except (asyncio.CancelledError, Cancelled):
            self.status.setText(self.tr("Opening {0} was cancelled.").format(p.name))
            return False
        except (OSError, ValueError) as err:
            self.show_error(self.tr("Cannot open {0}: {1}").format(
                p, getattr(err, 'strerror', None) or error_text(err)))
            return False
        self._install(loaded)
        return True

    def set_type(self, type_name: str | None) -> bool:
        """Decode with ``type_name`` (None or "" for schemaless). False with the reason shown if unknown."""
        try:
            self.session.set_type(type_name)
        except SchemaError as err:
            self.show_error(error_text(err))
            return False
        self.text_panes.forget()  # a schema (re)load may render the same type differently (an Any's type)
        self.tree.setColumnHidden(Column.NAME, self.model.descriptor is None)  # names come from a schema
        shown = self.model.descriptor.full_name if self.model.descriptor is not None else self.tr(SCHEMALESS)
        i = self.type_combo.findText(shown)
        if i >= 0:
            self.type_combo.setCurrentIndex(i)
        self._show_damage()
        self.refresh_text_views()
        self._update_actions()
        return True

    def show_record(self, i: int) -> None:
        """Show record ``i`` (0-based) of a stream."""
        rec = self.session.show_record(i)
        idx = self.records
        if rec is None or idx is None:
            return
        if self.record_spin.value() != i + 1:
            self.record_spin.blockSignals(True)
            self.record_spin.setValue(i + 1)
            self.record_spin.blockSignals(False)
        self.record_info.setText(self.tr("of {0:,} · payload @{1} +{2} bytes").format(len(idx), rec.offset, rec.length)
                                 + (self.tr(" · compressed") if rec.compressed else ""))
        self.hex.hex_model.set_highlight([(rec.prefix_offset, rec.offset, "length"), (rec.offset, rec.end, "value")])
        self.hex.show_offset(rec.prefix_offset)
        self._show_damage()
        self.refresh_text_views()

    def current_record(self) -> int:
        return self.session.current_record()

    def select_path(self, path: tuple[int, ...]) -> QModelIndex:
        ix = self.model.index_for_path(path)
        if ix.isValid():
            self._select(ix)
        return ix

    def select_offset(self, offset: int) -> None:
        """Select the innermost field containing byte ``offset`` (a hex-pane click)."""
        r = self.session.record_at(offset)
        if r is not None and r != self.current_record():  # hop to the record holding the byte
            self.show_record(r)
        ix = self.model.index_at_offset(offset)
        if ix.isValid():
            self._select(ix)

    def current_span(self) -> FieldSpan | None:
        ix = self.tree.currentIndex()
        return self.model.byte_span(ix) if ix.isValid() else None

    def undo(self) -> None:
        done = self.session.undo()
        if done is not None:
            self.document_changed(done[0], edit=done[1])  # the splices applied

    def redo(self) -> None:
        done = self.session.redo()
        if done is not None:
            self.document_changed(done[0], edit=done[1])

    def save_preview(self) -> str:
        """What saving writes: each edit since opening with its byte changes."""
        return "\n".join(core_text(line) for line in self.session.save_preview_lines())

    async def save(self, path: str | os.PathLike[str] | None = None, confirm: bool = False) -> bool:
        """Write the document (byte-preserving) to ``path`` or the file it came from."""
        if self.doc is None:
            return False
        target = Path(path) if path is not None else self.path
        if target is None:
            return False
        if confirm and self.modified and not await self._confirm_save(target):
            return False
        try:
            await self.busy(
                self.tr("Saving {0}…").format(target.name), asyncio.to_thread(self.session.save_call(target))
            )
        except asyncio.CancelledError:
            return False
        except OSError as err:
            self.show_error(self.tr("Cannot save {0}: {1}").format(target, err.strerror or error_text(err)))
            return False
        self.status.setText(self.session.saved(target))
        self._title_changed()
        return True

    async def guess(self, show_menu: bool = False) -> list[TypeGuess]:
        """Rank every loaded type on the current message/record; offer them in a menu."""
        payload = self._payload()
        if payload is None:
            return []
        try:
            guesses = await self.busy(self.tr("Trying every loaded type…"),
                                       asyncio.to_thread(self.registry.guess_types, payload))
        except asyncio.CancelledError:
            return []
        self.status.setText(self.session.guessed(guesses))
        if show_menu and self.guesses:
            menu = QMenu(self)
            for g in self.guesses:
                act = menu.addAction(
                    self.tr("{0} — {1} known, {2} unknown field(s)").format(
                        g.full_name, g.known_fields, g.unknown_fields
                    )
                )
                act.triggered.connect(lambda _c=False, n=g.full_name: self.set_type(n))
            menu.popup(self.guess_button.mapToGlobal(self.guess_button.rect().bottomLeft()))
        return self.guesses

    def cancel(self) -> None:
        if self._busy_task is not None and not self._busy_task.done():
            self._busy_task.cancel()

    def close_tasks(self) -> None:
        self._tasks.cancel_all()

    # -- editing: text/JSON apply, canonicalise, stream records ---------------------------------

    async def canonicalise(self) -> bool:
        """Re-encode the message (or the shown record) through its schema: explicit and undoable.

        The re-encoding runs in a worker thread; the document changes only when it finishes and
        nothing else changed meanwhile (Cancel or an error leave it as it was).
        """
        desc = self.model.descriptor
        payload = self._payload()
        if self.doc is None or payload is None:
            return False
        if desc is None:
            self.status.setText(self.tr("Canonicalise needs a message type: choose one first."))
            return False
        registry, type_name = self.registry, desc.full_name
        state = self.session.state()
        try:
            new: bytes = await self.busy(self.tr("Canonicalising {0:,} bytes as {1}…").format(len(payload), type_name),
                                          asyncio.to_thread(canonical, registry, type_name, payload))
        except asyncio.CancelledError:
            self.status.setText(self.tr("Canonicalising was cancelled: nothing changed."))
            return False
        except SchemaError as err:
            self.show_error(self.tr("Cannot canonicalise: {0}").format(error_text(err)))
            return False
        out = self.session.canonical_result(new, payload, state)
        if out.edit is None:
            self._not_replaced(out)
            return False
        self.document_changed(out.message, edit=out.edit)
        return True

    def _not_replaced(self, out: Replaced) -> None:
        if out.error:
            self.show_error(out.error)
        else:
            self.status.setText(out.message)

    def add_record(self) -> bool:
        """Insert an empty record after the shown one (a stream); it is then shown for editing."""
        done = self.session.add_record()
        if done is None:
            return False
        self.document_changed(done[0], edit=done[1])
        return True

    async def remove_record(self, confirm: bool = True) -> bool:
        """Remove the shown record (its framing prefix and payload) after asking."""
        what = self.session.record_to_remove()
        if what is None:
            return False
        if confirm and not await proto_dialogs.confirm(
            self,
            "confirmRemoveRecord",
            self.tr("Remove record"),
            self.tr("Remove {0}?").format(core_text(what)),
            self.tr("The other records keep their bytes. Undo brings it back."),
            self.tr("Remove"),
        ):
            return False
        if self.session.record_to_remove() != what:  # the stream changed while the question was open
            return False
        done = self.session.remove_record()
        if done is None:
            return False
        self.document_changed(done[0], edit=done[1])
        return True

    def _follow_stream(self, edit: Edit | None) -> None:
        """After any change to a stream: the session re-indexes the records; show the one the edit touched."""
        target = self.session.after_change(edit)
        idx = self.records
        assert idx is not None
        self.record_spin.setMaximum(max(1, len(idx)))
        if target is None or target < 0:
            self.record_info.setText(self.tr("no records"))
            return
        self.show_record(target)

    # -- internals: loading ---------------------------------------------------------------------

    async def busy(self, what: str, coro: Coroutine[Any, Any, Any]) -> Any:
        """Await ``coro`` with the busy row showing ``what``; Cancel cancels it."""
        task = asyncio.ensure_future(coro)
        self._busy_task = task
        self.busy_row.begin(what, measured=False)
        try:
            return await task
        finally:
            if self._busy_task is task:
                self._busy_task = None
                self.busy_row.hide()

    async def _busy_scan(self, what: str, fn: Any, *args: Any) -> Any:
        """``fn(*args)`` in a worker thread under a Progress token: the bar shows how much of the large
        levels is scanned, and Cancel stops the scan at its next chunk (not just abandons it)."""
        token = Progress()

        def run() -> Any:
            with progress_scope(token):
                return fn(*args)

        def show() -> None:
            if token.total:
                self.busy_row.set_fraction(token.fraction)

        async def in_worker() -> Any:
            # Cancel asks the worker to stop and waits until it has: a thread still scanning a level
            # must never overlap a new scan of the same level (expanding the row again).
            thread = asyncio.ensure_future(asyncio.to_thread(run))
            try:
                return await asyncio.shield(thread)
            except asyncio.CancelledError:
                token.cancel()
                await asyncio.wait([thread])
                if not thread.cancelled():
                    thread.exception()  # the worker's own Cancelled: seen here, not logged as unretrieved
                raise

        timer = QTimer(self)
        timer.setInterval(100)
        timer.timeout.connect(show)
        timer.start()
        try:
            return await self.busy(what, in_worker())
        except asyncio.CancelledError:
            token.cancel()
            raise
        finally:
            timer.stop()
            timer.deleteLater()
            self.progress.setRange(0, 0)

    @property
    def tasks(self) -> frozenset[asyncio.Task[Any]]:
        """The editor's running tasks (opening, saving, decoding, dialogs): empty when idle."""
        return frozenset(self._tasks)

    def dialog_parent(self) -> QWidget:
        """The widget the helpers' dialogs belong to (window-modal over the editor)."""
        return self

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Future[Any]:
        """Run ``coro`` as a task the editor owns (cancelled by close_tasks)."""
        return self._tasks.start(coro)

    def _install(self, loaded: Loaded) -> None:
        said = self.session.install(loaded)
        stream = self.session.is_stream
        i = self.framing_combo.findData(loaded.index.framing)
        self.framing_combo.setCurrentIndex(max(0, i))
        self.hex.hex_model.set_data(loaded.doc.data)
        self.record_row.setVisible(stream)
        if stream:
            self.record_spin.setMaximum(max(1, len(loaded.index)))
            self.show_record(0)
        self._show_damage()
        self.status.setText(said)
        self._update_actions()
        self._title_changed()
        self.refresh_text_views()

    def _payload(self) -> bytes | None:
        return self.session.payload()

    # -- internals: view sync -------------------------------------------------------------------

    def _select(self, ix: QModelIndex) -> None:
        p = ix.parent()
        while p.isValid():
            self.tree.expand(p)
            p = p.parent()
        self.tree.setCurrentIndex(ix)
        self.tree.scrollTo(ix)

    def _tree_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        span = self.model.byte_span(current) if current.isValid() else None
        hm = self.hex.hex_model
        if span is None:
            hm.set_highlight([])
            return
        hm.set_highlight(span.parts())
        self.hex.show_offset(span.start)
        f = self.model.node_field(current)
        if f is not None:
            self.status.setText(span.describe(f.number))

    def _expanded_row(self, ix: QModelIndex) -> None:
        if self.model.is_pending(ix):
            self.spawn(self._resolve_big(QPersistentModelIndex(ix)))

    async def _resolve_big(self, pix: QPersistentModelIndex) -> None:
        model = self.model
        try:
            await self._busy_scan(self.tr("Decoding a large nested message…"), model.level_decoder(pix))
        except (asyncio.CancelledError, Cancelled):
            self.tree.collapse(pix)
            return
        if pix.isValid():
            model.children_resolved(pix)

    def _remember_view(self) -> None:
        expanded: list[tuple[int, ...]] = []

        def walk(parent: QModelIndex) -> None:
            for r in range(self.model.rowCount(parent)):
                ix = self.model.index(r, 0, parent)
                if self.tree.isExpanded(ix):
                    p = ix.data(PathRole)
                    if p is not None:
                        expanded.append(p)
                    walk(ix)

        walk(QModelIndex())
        cur = self.tree.currentIndex()
        self.session.view = ViewMemory(expanded, cur.data(PathRole) if cur.isValid() else None)

    def _restore_view(self) -> None:
        memory = self.session.view
        for p in memory.expanded:
            ix = self.model.index_for_path(p)
            if ix.isValid():
                self.tree.expand(ix)
        if memory.selected:
            ix = self.model.index_for_path(memory.selected)
            if ix.isValid():
                self.tree.setCurrentIndex(ix)
        memory.expanded = []

    def _after_edit(self, edit: Edit) -> None:
        self.document_changed(self.session.edited(edit), reload=False, edit=edit)

    def document_changed(self, message: str, reload: bool = True, edit: Edit | None = None) -> None:
        """The document changed (an edit, undo, redo, an applied text): every view follows; ``message``
        goes to the status line."""
        assert self.doc is not None
        self.hex.hex_model.set_data(self.doc.data)
        if self.session.is_stream:
            self._follow_stream(edit)
        elif self.session.after_change(edit) is None and reload:
            self.model.after_document_change()
        if self.tree.currentIndex().isValid() or self.framing == "single":  # else keep the record's highlight
            self._tree_current(self.tree.currentIndex(), QModelIndex())
        self._show_damage()
        self.status.setText(message)
        self._update_actions()
        self._title_changed()
        self.refresh_text_views()

    def _edit_rejected(self, reason: str) -> None:
        self.session.last_error = reason
        self.status.setText(self.tr("Not changed: {0}").format(core_text(reason)))
        QApplication.beep()

    def _show_damage(self) -> None:
        text, marks = self.session.damage()
        self.hex.hex_model.set_marks(marks)
        self.show_error(text)

    def show_error(self, text: str) -> None:
        """Show ``text`` in the error banner (empty: hide it); remembered as the session's last error."""
        if text:
            self.session.last_error = text
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))

    def refresh_text_views(self) -> None:
        """Show the current message in the text / JSON tab if it is the one showing."""
        self.text_panes.refresh()

    def _update_actions(self) -> None:
        has = self.doc is not None
        self.save_button.setEnabled(has)
        self.save_as_button.setEnabled(has)
        self.undo_button.setEnabled(self.session.can_undo)
        self.redo_button.setEnabled(self.session.can_redo)
        self.guess_button.setEnabled(has)
        self.sources.compare_button.setEnabled(has)
        if hasattr(self, "edit_actions"):
            self.edit_actions.update()

    def _title_changed(self) -> None:
        self.titleChanged.emit(self.tab_title)

    # -- internals: dialogs ---------------------------------------------------------------------

    def _context_menu(self, pos: Any) -> None:
        ix = self.tree.indexAt(pos)
        ix = ix.siblingAtColumn(0) if ix.isValid() else ix
        menu = QMenu(self.tree)
        self.edit_actions.populate(menu, ix)
        self.type_assign.populate(menu, ix)
        self.context_menu = menu  # reachable for tests; replaced by the next one
        readings = self.model.readings_of(ix) if ix.isValid() else []
        if not readings:
            if not menu.isEmpty():
                menu.popup(self.tree.viewport().mapToGlobal(pos))
            return
        menu.addSection(self.tr("Read this field as"))
        pix = QPersistentModelIndex(ix)
        for r in readings:  # each choice shows the value it would give: "sint64 = -75 — …"
            label = self.tr("{kind} = {value} — {reason}").format(kind=r.kind, value=reading_preview(r),
                                                                  reason=core_text(r.reason))
            act = menu.addAction(label + (self.tr(" (pinned)") if r.pinned else ""))
            act.setToolTip(core_text(r.reason))
            act.triggered.connect(lambda _c=False, k=r.kind: self.model.pin(pix, k))
        menu.addAction(self.tr("Unpin"), lambda: self.model.pin(pix, None))
        menu.popup(self.tree.viewport().mapToGlobal(pos))

    async def _confirm_save(self, target: Path) -> bool:
        """The save preview (what changes: fields and bytes) before writing; True to write."""
        dialog = SavePreviewDialog(self, str(target), self.save_preview(),
                                   core_text(self.session.save_summary()))
        self.save_dialog = dialog
        return await ask(dialog) == SavePreviewDialog.DialogCode.Accepted

    def _choose_file(self) -> None:
        path, _f = QFileDialog.getOpenFileName(self, self.tr("Open a protobuf file"), "",
                                               "Protobuf (*.bin *.pb *.binpb *.msg *.txt);;All files (*)")
        if path:
            self.spawn(self.open_path(path, self.framing_combo.currentData()))

    def _choose_save_as(self) -> None:
        path, _f = QFileDialog.getSaveFileName(self, self.tr("Save as"), str(self.path or ""))
        if path:
            self.spawn(self.save(path, confirm=True))

    def _framing_chosen(self, _i: int) -> None:
        if self.path is not None:
            self.spawn(self._reframe(self.framing_combo.currentData()))

    async def _reframe(self, framing: str) -> None:
        """Re-read the file with another framing; unsaved edits would be lost, so ask first."""
        if self.path is None:
            return
        if self.modified and not await proto_dialogs.confirm(
            self,
            "confirmReframe",
            self.tr("Change framing"),
            self.tr("Re-read {0} with another framing?").format(self.path.name),
            self.tr("The {0} unsaved edit(s) are discarded.").format(len(self.doc.history) if self.doc else 0),
            self.tr("Discard edits"),
        ):
            i = self.framing_combo.findData(self.framing)
            self.framing_combo.setCurrentIndex(max(0, i))
            return
        await self.open_path(self.path, framing)

    def _type_chosen(self, i: int) -> None:
        text = self.type_combo.itemText(i)
        self.set_type(None if text == self.tr(SCHEMALESS) else text)

    def _type_typed(self) -> None:
        text = self.type_combo.currentText().strip()
        self.set_type(None if text in ("", self.tr(SCHEMALESS)) else text)


    # -- schema sources, compare (console/views/proto_sources.py) ------------------------------

    @property
    def client_source(self) -> ClientSource | None:
        """Set by the main window: the session's EngineClient (None standalone), for reflection."""
        return self.sources.client_source

    @client_source.setter
    def client_source(self, source: ClientSource | None) -> None:
        self.sources.client_source = source

    @property
    def compare_windows(self) -> list[ProtoCompareWindow]:
        return self.sources.compare_windows

    async def load_protos(self, files: list[str], include_paths: list[str] | None = None) -> bool:
        return await self.sources.load_protos(files, include_paths)

    async def load_descriptor_set(self, path: str) -> bool:
        return await self.sources.load_descriptor_set(path)

    async def load_reflection(self, address: str | None = None, *, insecure: bool = False,
                              token: str | None = None, tls_ca: str | None = None) -> bool:
        return await self.sources.load_reflection(address, insecure=insecure, token=token, tls_ca=tls_ca)

    async def export_proto(self, path: str | os.PathLike[str]) -> bool:
        return await self.sources.export_proto(path)

    async def compare_with(self, path: str | os.PathLike[str]) -> ProtoCompareWindow | None:
        return await self.sources.compare_with(path)

    def schemas_changed(self) -> None:
        """Schemas were loaded: the type list is refilled and the chosen type decoded again."""
        self._fill_types()
        if self.type_name:
            self.set_type(self.type_name)


def _tool_button(text: str) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    return button


class ProtoEditorWindow(QMainWindow):
    """A main window around one editor; asks before closing with unsaved edits.

    Signals:
        closed(): the window closed (the standalone loop ends).
    """

    closed = Signal()

    def __init__(self, editor: ProtoEditor) -> None:
        super().__init__()
        self.editor = editor
        self.setCentralWidget(editor)
        self.setWindowTitle(self.tr("Pelorus — {0}").format(editor.tab_title))
        editor.titleChanged.connect(lambda t: self.setWindowTitle(self.tr("Pelorus — {0}").format(t)))
        self.resize(1280, 800)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.editor.modified:
            answer = QMessageBox.question(self, self.tr("Unsaved edits"), self.tr("Discard the unsaved edits?"),
                                          QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel)
            if answer != QMessageBox.StandardButton.Discard:
                event.ignore()
                return
        self.editor.close_tasks()
        event.accept()
        self.closed.emit()
