"""Structure-edit actions, the text/JSON apply panes and the save preview of the protobuf editor.

Kept out of proto_editor.py (which lays out the window and loads files) so that the editing
workflow reads in one place:

* :class:`EditActions` — tree actions with keys (Insert: add an item / a field, Delete: remove,
  Ctrl+Up / Ctrl+Down: move an item) and the structure part of the tree's context menu (add item,
  add field ▸, set oneof member ▸, clear, remove, move), plus the toolbar's "Canonicalise" and the
  record row's "Add record" / "Remove record". Removing a submessage, a packed list or a whole
  repeated field asks first, naming what goes.
* :class:`TextApplyPane` — a text-format or JSON view that can be edited and applied back; a bad
  parse shows the line and column and keeps the text.
* :class:`RawFieldDialog` — "Add field…" where no schema describes the level: field number, wire
  type and value, appended after the selected field (structure.add_raw_field).
* :class:`SavePreviewDialog` — what saving changes (each edit, its fields and bytes), shown before
  every save of a modified document.

Dialogs are opened window-modal and awaited (:func:`console.views.proto_dialogs.ask`), never
``exec()``. The editor is reached only through :class:`~console.views.proto_host.EditorHost` (its
public surface), so this module does not import proto_editor.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QFont, QKeySequence, QTextCursor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from console.i18n import QT_TRANSLATE_NOOP, core_text, error_text
from console.models import palette
from console.models.line_text import LineText
from console.models.proto_tree import PathRole
from console.views.large_text_view import LargeTextBox
from console.views.proto_dialogs import ask, confirm
from console.views.proto_host import EditorHost
from pelorus.protobuf import structure as sx
from pelorus.protobuf.document import EditError
from pelorus.protobuf.editing import StructInfo
from pelorus.protobuf.textedit import Format, TextEditError
from pelorus.protobuf.wire import FIXED32, FIXED64, LEN, VARINT

__all__ = ["EditActions", "RawFieldDialog", "SavePreviewDialog", "TextApplyPane"]


class EditActions(QObject):
    """The editor's structure edits: actions with keys, the context-menu section, toolbar buttons.

    Signals:
        sig_done(str): an action finished (the status line text), for tests and the status bar.
    """

    sig_done = Signal(str)

    def __init__(self, editor: EditorHost) -> None:
        super().__init__(editor.dialog_parent())
        self.ed = editor
        tree = editor.tree
        self.add_action = self._action(self.tr("Add…"), QKeySequence(Qt.Key.Key_Insert), self.add_at_current)
        self.remove_action = self._action(self.tr("Remove"), QKeySequence(QKeySequence.StandardKey.Delete),
                                          lambda: self.ed.spawn(self.remove_current()))
        self.up_action = self._action(self.tr("Move up"), QKeySequence("Ctrl+Up"), lambda: self.move_current(-1))
        self.down_action = self._action(self.tr("Move down"), QKeySequence("Ctrl+Down"), lambda: self.move_current(+1))
        for a in (self.add_action, self.remove_action, self.up_action, self.down_action):
            tree.addAction(a)
        self._install_buttons()

    def _action(self, text: str, key: QKeySequence, slot: Any) -> QAction:
        act = QAction(text, self.ed.tree)
        act.setShortcut(key)
        act.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        act.triggered.connect(slot)
        return act

    def _install_buttons(self) -> None:
        """A visible "Canonicalise" next to Undo/Redo and "Add/Remove record" in the record row."""
        ed = self.ed
        self.canonicalise_button = QPushButton(self.tr("Canonicalise"))
        self.canonicalise_button.setObjectName("canonicaliseButton")
        self.canonicalise_button.setToolTip(self.tr("Re-encode the message through its schema (field order, varint "
                                                    "widths, "
                                            "packing): an explicit, undoable step"))
        self.canonicalise_button.clicked.connect(lambda: ed.spawn(ed.canonicalise()))
        self.edit_button = QToolButton()
        self.edit_button.setText(self.tr("Edit ▾"))
        self.edit_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.edit_button)
        menu.aboutToShow.connect(lambda: self._fill_edit_menu(menu))
        self.edit_button.setMenu(menu)
        bar = _layout_holding(ed.dialog_parent(), ed.redo_button)
        if bar is not None:
            at = bar.indexOf(ed.redo_button) + 1
            bar.insertWidget(at, self.canonicalise_button)
            bar.insertWidget(at, self.edit_button)
        self.add_record_button = QPushButton(self.tr("Add record"))
        self.add_record_button.setToolTip(self.tr("Insert an empty record after this one"))
        self.remove_record_button = QPushButton(self.tr("Remove record…"))
        self.add_record_button.clicked.connect(ed.add_record)
        self.remove_record_button.clicked.connect(lambda: ed.spawn(ed.remove_record()))
        rec = ed.record_row.layout()
        if isinstance(rec, QHBoxLayout):
            at = rec.indexOf(ed.record_info) + 1
            rec.insertWidget(at, self.remove_record_button)
            rec.insertWidget(at, self.add_record_button)

    def update(self) -> None:
        ed = self.ed
        has = ed.doc is not None
        self.canonicalise_button.setEnabled(has and ed.model.descriptor is not None)
        self.edit_button.setEnabled(has)
        stream = has and ed.framing != "single"
        self.add_record_button.setEnabled(stream)
        self.remove_record_button.setEnabled(stream and ed.records is not None and len(ed.records) > 0)

    # -- what the current row allows ----------------------------------------------------------

    def _current(self) -> QModelIndex:
        ix = self.ed.tree.currentIndex()
        return ix.siblingAtColumn(0) if ix.isValid() else ix

    def _fill_edit_menu(self, menu: QMenu) -> None:
        menu.clear()
        self.populate(menu, self._current())
        menu.addSeparator()
        act = menu.addAction(self.tr("Canonicalise"), lambda: self.ed.spawn(self.ed.canonicalise()))
        act.setEnabled(self.canonicalise_button.isEnabled())

    def populate(self, menu: QMenu, ix: QModelIndex) -> None:
        """Add the structure section for row ``ix`` (invalid: the top level) to ``menu``."""
        m = self.ed.model
        if m.document is None:
            return
        info = m.struct_info(ix) if ix.isValid() else None
        menu.addSection(self.tr("Structure"))
        if info is not None and info.can_add_item:
            what = "entry" if info.kind.startswith("map") else "item"
            menu.addAction(self.tr("Add {0} after {1}\tInsert").format(what, info.label), lambda: self.add_item(ix))
        inside = m.add_choices(ix) if ix.isValid() else []
        parent = ix.parent() if ix.isValid() else QModelIndex()
        here = m.add_choices(parent)
        if inside and info is not None:
            self._add_menu(menu, self.tr("Add field inside {0}").format(info.label), ix, inside)
        if here:
            where = (
                "here" if not parent.isValid() else self.tr("beside {0}").format(info.label if info else "").rstrip()
            )
            self._add_menu(
                menu, self.tr("Add field {0}").format(where) if ix.isValid() else self.tr("Add field"), parent, here
            )
        raw_target = m.raw_add_target(ix)
        if raw_target is not None:
            where = self.tr("after {0}").format(info.label) if info is not None else self.tr("at the end")
            menu.addAction(self.tr("Add field {0}…").format(where), lambda: self.ed.spawn(self.add_raw_field(ix)))
        if info is not None:
            if info.item or info.occurrences > 1:
                menu.addAction(
                    self.tr("Move {0} up\tCtrl+Up").format(info.label), lambda: self.move(ix, -1)
                ).setEnabled(info.can_up)
                menu.addAction(self.tr("Move {0} down\tCtrl+Down").format(info.label),
                               lambda: self.move(ix, +1)).setEnabled(info.can_down)
            menu.addSeparator()
            menu.addAction(
                self.tr("Remove {0}…").format(info.label)
                if _needs_confirm(info)
                else self.tr("Remove {0}\tDel").format(info.label),
                lambda: self.ed.spawn(self.remove(ix)),
            )
            if info.occurrences > 1 or info.item:
                menu.addAction(self.tr("Clear {0} (all {1})…").format(info.field_name, info.occurrences),
                               lambda: self.ed.spawn(self.clear(ix)))
            elif info.oneof:
                menu.addAction(
                    self.tr("Clear oneof {0} ({1})").format(info.oneof, info.field_name),
                    lambda: self.ed.spawn(self.clear(ix)),
                )

    def _add_menu(self, menu: QMenu, title: str, target: QModelIndex, choices: list[Any]) -> None:
        sub = menu.addMenu(title)
        oneofs: dict[str, QMenu] = {}
        for c in choices:
            text = f"{c.fd.name} ({c.fd.number})"
            if c.what == self.tr("set oneof member"):
                oneof = c.fd.containing_oneof.name
                holder = oneofs.get(oneof)
                if holder is None:
                    holder = oneofs[oneof] = sub.addMenu(self.tr("Set oneof {0}").format(oneof))
                clears = self.tr(" — clears {0}").format(', '.join(c.clears)) if c.clears else ""
                holder.addAction(f"{text}{clears}", self._add_field_slot(target, c.fd.number))
            else:
                sub.addAction(f"{c.what}: {text}", self._add_field_slot(target, c.fd.number))

    def _add_field_slot(self, target: QModelIndex, number: int) -> Callable[[], None]:
        return lambda: self.add_field(target, number)

    # -- the actions ------------------------------------------------------------------------------

    def add_at_current(self) -> None:
        """Insert: a new item after a repeated item; else offer the fields that can be added."""
        ix = self._current()
        m = self.ed.model
        info = m.struct_info(ix) if ix.isValid() else None
        if info is not None and info.can_add_item:
            self.add_item(ix)
            return
        menu = QMenu(self.ed.tree)
        self.populate(menu, ix)
        if menu.isEmpty():
            self.ed.status.setText(self.tr("Nothing can be added here."))
            return
        rect = self.ed.tree.visualRect(ix) if ix.isValid() else self.ed.tree.viewport().rect()
        menu.popup(self.ed.tree.viewport().mapToGlobal(rect.bottomLeft() if ix.isValid() else QPoint(8, 8)))
        self.menu = menu  # kept for tests and so it is not collected while open

    async def add_raw_field(self, ix: QModelIndex) -> bool:
        """Schemaless "Add field…": ask for number, wire type and value, then add it after the row."""
        m = self.ed.model
        info = m.struct_info(ix) if ix.isValid() else None
        path = ix.data(PathRole) if ix.isValid() else None
        where = self.tr("after {0}").format(info.label) if info is not None else self.tr("at the end of the top level")
        parent = self.ed.dialog_parent()
        dialog = RawFieldDialog(parent, where, info.number if info is not None else 1)
        self.raw_dialog = dialog  # reachable for tests
        if await ask(dialog) != QDialog.DialogCode.Accepted:
            return False
        if path is not None:
            ix = m.index_for_path(path)  # the model may have reset while the dialog was open
            if not ix.isValid():
                return False
        number, wire_type, text, as_hex = dialog.choice()
        new = m.add_raw_field(ix, number, wire_type, text, as_hex)
        self._select(new)
        return new is not None

    def add_item(self, ix: QModelIndex) -> None:
        self._select(self.ed.model.add_item(ix))

    def add_field(self, target: QModelIndex, number: int) -> None:
        self._select(self.ed.model.add_field(target, number))

    def move_current(self, step: int) -> None:
        ix = self._current()
        if ix.isValid():
            self.move(ix, step)

    def move(self, ix: QModelIndex, step: int) -> None:
        self._select(self.ed.model.move_row(ix, step))

    async def remove_current(self) -> bool:
        ix = self._current()
        return await self.remove(ix) if ix.isValid() else False

    async def remove(self, ix: QModelIndex) -> bool:
        """Remove the row's field; a submessage or packed list asks first, naming what goes."""
        m = self.ed.model
        info = m.struct_info(ix)
        if info is None:
            return False
        path = ix.data(PathRole)
        if _needs_confirm(info):
            what = self.tr("{0} ({1}, {2:,} bytes)").format(info.label, info.kind, info.size)
            detail = (self.tr("Its whole subtree goes with it.") if info.nested else
                      self.tr("Every value in this packed list goes with it."))
            parent = self.ed.dialog_parent()
            if not await confirm(parent, "confirmRemove", self.tr("Remove field"), self.tr("Remove {0}?").format(what),
                                 detail + self.tr(" Undo brings it back."), self.tr("Remove")):
                return False
            ix = m.index_for_path(path)  # the model may have reset while the question was open
            if not ix.isValid():
                return False
        new = m.remove_row(ix)
        if new is not None:
            self._select_after_remove(path)
        return new is not None

    async def clear(self, ix: QModelIndex) -> bool:
        """Remove every occurrence of the row's field (the whole repeated field or map), after asking."""
        m = self.ed.model
        info = m.struct_info(ix)
        if info is None:
            return False
        path = ix.data(PathRole)
        if info.occurrences > 1 or info.nested or info.packed:
            text = self.tr("Remove all of {0} ({1}: {2} item(s))?").format(info.field_name, info.kind, info.occurrences)
            parent = self.ed.dialog_parent()
            if not await confirm(parent, "confirmRemove", self.tr("Clear field"), text,
                                 self.tr("Undo brings them back."), self.tr("Clear")):
                return False
            ix = m.index_for_path(path)
            if not ix.isValid():
                return False
        new = m.clear_row_field(ix)
        if new is not None:
            self._select_after_remove(path)
        return new is not None

    def _select(self, path: tuple[int, ...] | None) -> None:
        if path is None:
            return
        self.ed.select_path(path)  # the hex pane follows the selection to the new bytes
        self.ed.status.setText(self.ed.last_edit_message)  # say what the edit did, not just where it is
        self.sig_done.emit(self.ed.status.text())

    def _select_after_remove(self, path: tuple[int, ...]) -> None:
        m = self.ed.model
        ix = m.index_for_path(path)
        if not ix.isValid() and path[-1] > 0:
            ix = m.index_for_path((*path[:-1], path[-1] - 1))
        if not ix.isValid() and len(path) > 1:
            ix = m.index_for_path(path[:-1])
        if ix.isValid():
            self.ed.tree.setCurrentIndex(ix)
        self.ed.status.setText(self.ed.last_edit_message)
        self.sig_done.emit(self.ed.status.text())


def _needs_confirm(info: StructInfo) -> bool:
    return info.nested or info.packed


def _layout_holding(root: QWidget, widget: QWidget) -> QHBoxLayout | None:
    """The horizontal layout (anywhere under ``root``'s layout) that holds ``widget``."""
    top = root.layout()
    stack: list[QLayout] = [top] if top is not None else []
    while stack:
        lay = stack.pop()
        if isinstance(lay, QHBoxLayout) and lay.indexOf(widget) >= 0:
            return lay
        # sub-layouts are the layout's QObject children (itemAt() would wrap its spacers: see tab_order)
        stack.extend(lay.findChildren(QLayout, options=Qt.FindChildOption.FindDirectChildrenOnly))
    return None


# -- text format / JSON ------------------------------------------------------------------------------


class TextApplyPane(QWidget):
    """An editable text-format or JSON view with Apply / Revert.

    The text is replaced from the document only while the operator has not typed into it: an
    unapplied edit is never overwritten (the pane says the message changed underneath instead).

    Signals:
        applyRequested(): the operator pressed Apply (the editor parses and applies the text).
        revertRequested(): the operator wants the document's current text back.
    """

    applyRequested = Signal()
    revertRequested = Signal()

    CANONICAL_NOTE = (QT_TRANSLATE_NOOP("TextApplyPane", "Apply re-encodes this message through the schema: the "
                                                         "result is canonical (field order, "
                      "varint widths and packing normalised). Unknown fields are kept. One undoable edit."))

    def __init__(self, fmt: Format, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fmt = fmt
        self.setObjectName(f"{fmt}Pane")
        self.view = QPlainTextEdit()
        self.view.setAccessibleName(self.tr("Text"))
        self.view.setObjectName(f"{fmt}View")
        mono = QFont("monospace")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self.view.setFont(mono)
        self.view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.note = QLabel(self.tr(self.CANONICAL_NOTE))
        self.note.setWordWrap(True)
        self.note.setStyleSheet(f"color: {palette.css(palette.TEXT_SECONDARY)};")
        self.error = QLabel()
        self.error.setObjectName(f"{fmt}Error")
        self.error.setWordWrap(True)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.setStyleSheet(palette.error_box_css())
        self.error.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.error.hide()
        self.apply_button = QPushButton(self.tr("Apply"))
        self.apply_button.setObjectName(f"{fmt}Apply")
        self.revert_button = QPushButton(self.tr("Revert"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.note, 1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.apply_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.view, 1)
        self.large = LargeTextBox()
        """The read-only virtual view that replaces :attr:`view` for a message over the editable limit."""
        self.large.setObjectName(f"{fmt}Large")
        self.large.view.setObjectName(f"{fmt}LargeView")
        self.large.view.message.connect(self.note.setText)
        self.large.hide()
        lay.addWidget(self.large, 1)
        lay.addWidget(self.error)
        lay.addLayout(buttons)
        self.dirty = False
        self.editable = False
        self.busy = False
        self._setting = False
        self.view.textChanged.connect(self._changed)
        self.apply_button.clicked.connect(self.applyRequested)
        self.revert_button.clicked.connect(self.revertRequested)
        self._update()

    @property
    def showing_large(self) -> bool:
        """True while the virtual view (a large message's text, read-only) is the one shown."""
        return not self.large.isHidden()

    def set_large(self, lines: LineText, note: str, placeholder: str = "") -> None:
        """Show ``lines`` (still growing while a worker renders) in the read-only virtual view."""
        if not self.showing_large:
            self._setting = True
            try:
                self.view.setPlainText("")  # the small path's text is not kept beside the large one
            finally:
                self._setting = False
            self.view.hide()
            self.large.show()
        self.large.view.placeholder = placeholder
        self.large.set_lines(lines)
        self.dirty = False
        self.editable = False
        self.note.setText(note)
        self.error.hide()
        self._update()

    def set_content(self, text: str, editable: bool, note: str | None = None) -> None:
        """Show the document's text (clean: nothing unapplied)."""
        if self.showing_large:
            self.large.set_lines(None)
            self.large.hide()
            self.view.show()
        self._setting = True
        try:
            self.view.setPlainText(text)
        finally:
            self._setting = False
        self.dirty = False
        self.editable = editable
        self.view.setReadOnly(not editable)
        self.note.setText(core_text(note) if note is not None else (self.tr(self.CANONICAL_NOTE) if editable else ""))
        self.error.hide()
        self._update()

    def set_busy(self, busy: bool) -> None:
        """While the text is applied in a worker: read-only, no Apply / Revert (the text must stay the
        one being applied); afterwards back as it was."""
        self.busy = busy
        self.view.setReadOnly(busy or not self.editable)
        self._update()

    def stale(self) -> None:
        """The document changed while this text has unapplied edits: keep them, say so."""
        self.note.setText(self.tr("The message changed since you started typing: Apply replaces it with this text, "
                          "Revert shows the current message."))

    def show_error(self, err: TextEditError) -> None:
        """Say what is wrong and where, and put the cursor there; the text stays as typed."""
        self.error.setText(self.tr("Not applied — {0}").format(error_text(err)))
        self.error.show()
        if err.line:
            block = self.view.document().findBlockByLineNumber(err.line - 1)
            if block.isValid():
                cur = QTextCursor(block)
                cur.movePosition(QTextCursor.MoveOperation.Right, QTextCursor.MoveMode.MoveAnchor,
                                 max(0, min(err.column - 1, block.length() - 1)))
                self.view.setTextCursor(cur)
                self.view.centerCursor()

    def _changed(self) -> None:
        if self._setting:
            return
        self.dirty = True
        self._update()

    def _update(self) -> None:
        self.apply_button.setEnabled(self.editable and self.dirty and not self.busy)
        self.revert_button.setEnabled(self.dirty and not self.busy)


# -- schemaless add ----------------------------------------------------------------------------------


class RawFieldDialog(QDialog):
    """Field number, wire type and value of a field to add where there is no schema.

    The value is checked on OK (structure.raw_value_bytes): a bad one is explained in the dialog,
    which stays open with what was typed.
    """

    def __init__(self, parent: QWidget, where: str, number: int) -> None:
        super().__init__(parent)
        self.setObjectName("rawFieldDialog")
        self.setWindowTitle(self.tr("Add field"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        lay = QVBoxLayout(self)
        head = QLabel(self.tr("Add a field {0}. Only its bytes and the length prefixes above it change.").format(where))
        head.setWordWrap(True)
        lay.addWidget(head)
        form = QFormLayout()
        self.number = QSpinBox()
        self.number.setAccessibleName(self.tr("Field number"))
        self.number.setRange(1, sx.MAX_FIELD_NUMBER)
        self.number.setValue(max(1, min(number, sx.MAX_FIELD_NUMBER)))
        self.wire = QComboBox()
        self.wire.setAccessibleName(self.tr("Wire type"))
        for name, wt in sx.RAW_WIRE_TYPES.items():
            self.wire.addItem(name, wt)
        self.value = QLineEdit()
        self.value.setAccessibleName(self.tr("Value"))
        self.as_hex = QCheckBox(self.tr("hex bytes (e.g. 0a ff); else the text as UTF-8"))
        form.addRow(self.tr("Field number"), self.number)
        form.addRow(self.tr("Wire type"), self.wire)
        form.addRow(self.tr("Value"), self.value)
        form.addRow("", self.as_hex)
        lay.addLayout(form)
        self.error = QLabel()
        self.error.setObjectName("rawFieldError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(palette.error_box_css())
        self.error.hide()
        lay.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        self.wire.currentIndexChanged.connect(self._wire_changed)
        self.value.textChanged.connect(self.error.hide)  # the explanation was about the old value
        self.setMinimumWidth(440)
        self._wire_changed()

    def _wire_changed(self) -> None:
        self.error.hide()
        wt = self.wire.currentData()
        self.as_hex.setVisible(wt == LEN)
        self.value.setPlaceholderText({VARINT: self.tr("integer, e.g. 300 or -1 or 0x10"),
                                       FIXED32: self.tr("integer or float, e.g. 7 or 1.5"),
                                       FIXED64: self.tr("integer or double, e.g. 7 or 1.5")}.get(
                                           wt, self.tr("text, or hex bytes")))

    def choice(self) -> tuple[int, int, str, bool]:
        """(field number, wire type, value text, value is hex)."""
        wt = int(self.wire.currentData())
        return self.number.value(), wt, self.value.text(), wt == LEN and self.as_hex.isChecked()

    def accept(self) -> None:
        number, wt, text, as_hex = self.choice()
        try:
            sx.raw_value_bytes(wt, text, as_hex)
        except EditError as err:
            self.error.setText(self.tr("Not added — {0}").format(error_text(err)))
            self.error.show()
            return
        super().accept()


# -- save preview ------------------------------------------------------------------------------------


class SavePreviewDialog(QDialog):
    """What saving writes: every edit since the last save (fields and bytes), then Save / Cancel."""

    def __init__(self, parent: QWidget, target: str, preview: str, summary: str) -> None:
        super().__init__(parent)
        self.setObjectName("savePreview")
        self.setWindowTitle(self.tr("Save protobuf file"))
        self.resize(720, 420)
        lay = QVBoxLayout(self)
        head = QLabel(self.tr("<b>Write {0}?</b><br>{1}<br>Only the bytes listed below change; everything else is "
                              "written back as it was.").format(target, summary))
        head.setWordWrap(True)
        lay.addWidget(head)
        self.text = QPlainTextEdit(preview)
        self.text.setAccessibleName(self.tr("Preview"))
        self.text.setReadOnly(True)
        mono = QFont("monospace")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self.text.setFont(mono)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        lay.addWidget(self.text, 1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
