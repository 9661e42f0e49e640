""""Assign type…": read a schemaless length-delimited field (or an Any whose type is not loaded) as
a chosen message type.

A view choice, not an edit: the model remembers the type for the field for the session (like a
pinned reading, see ``ProtoTreeModel.assign_type``), the bytes and the undo history do not change.
Bytes that do not parse as the type show as damaged / unknown fields, as any decode does.

* :class:`TypeChooserDialog` — a filterable list of the loaded message types.
* :class:`TypeAssign` — the context-menu section ("Assign type…", "Clear assigned type").
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, Qt, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QListWidget, QMenu, QVBoxLayout, QWidget

from console.models.proto_tree import PathRole
from console.views.proto_dialogs import ask
from console.views.proto_host import EditorHost

__all__ = ["TypeAssign", "TypeChooserDialog"]


class TypeChooserDialog(QDialog):
    """Pick one of ``names``: typing filters the list (case-insensitive substring); Enter or OK takes
    the highlighted type."""

    def __init__(self, parent: QWidget, names: list[str], what: str, suggested: str | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("typeChooser")
        self.setWindowTitle(self.tr("Assign type"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.names = names
        lay = QVBoxLayout(self)
        head = QLabel(self.tr("Read {0} as this message type. The bytes do not change.").format(what))
        head.setWordWrap(True)
        lay.addWidget(head)
        self.filter = QLineEdit()
        self.filter.setAccessibleName(self.tr("Filter types"))
        self.filter.setObjectName("typeFilter")
        self.filter.setPlaceholderText(self.tr("type to filter"))
        self.filter.setClearButtonEnabled(True)
        lay.addWidget(self.filter)
        self.list = QListWidget()
        self.list.setAccessibleName(self.tr("Types"))
        self.list.setObjectName("typeList")
        self.list.addItems(names)
        lay.addWidget(self.list, 1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        self.filter.textChanged.connect(self._filter)
        self.filter.returnPressed.connect(self.accept)
        self.list.itemDoubleClicked.connect(lambda _i: self.accept())
        self.resize(460, 420)
        if suggested:
            self.filter.setText(suggested.rsplit(".", 1)[-1])
        self._filter(self.filter.text())

    def _filter(self, text: str) -> None:
        needle = text.strip().lower()
        first = -1
        for i in range(self.list.count()):
            item = self.list.item(i)
            hide = bool(needle) and needle not in item.text().lower()
            item.setHidden(hide)
            if not hide and first < 0:
                first = i
        if first >= 0 and (self.list.currentItem() is None or self.list.currentItem().isHidden()):
            self.list.setCurrentRow(first)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(first >= 0)

    def choice(self) -> str | None:
        item = self.list.currentItem()
        return None if item is None or item.isHidden() else item.text()


class TypeAssign(QObject):
    """The editor's "Assign type…" / "Clear assigned type" menu section.

    Signals:
        sig_done(str): an assignment changed (the status text), for tests and the status bar.
    """

    sig_done = Signal(str)

    def __init__(self, editor: EditorHost) -> None:
        super().__init__(editor.dialog_parent())
        self.ed = editor
        self.dialog: TypeChooserDialog | None = None

    def populate(self, menu: QMenu, ix: QModelIndex) -> None:
        """Add the section for row ``ix`` when its bytes can be read as a chosen type."""
        m = self.ed.model
        if not ix.isValid() or not m.can_assign_type(ix) or not m.message_type_names():
            return
        menu.addSection(self.tr("Schema"))
        menu.addAction(self.tr("Assign type…"), lambda: self.ed.spawn(self.choose(ix)))
        current = m.assigned_type(ix)
        if current is not None:
            menu.addAction(self.tr("Clear assigned type ({0})").format(current), lambda: self.clear(ix))

    async def choose(self, ix: QModelIndex) -> bool:
        """Ask for a type (filterable list) and read the row's bytes as it."""
        m = self.ed.model
        path = ix.data(PathRole)
        label = ix.siblingAtColumn(1).data() or self.tr("field {0}").format(ix.data())
        parent = self.ed.dialog_parent()
        dialog = TypeChooserDialog(parent, m.message_type_names(), self.tr("the bytes of {0}").format(label),
                                   m.assigned_type(ix))
        self.dialog = dialog  # reachable for tests
        try:
            accepted = await ask(dialog) == QDialog.DialogCode.Accepted
            name = dialog.choice() if accepted else None  # read before the deferred delete
        finally:
            self.dialog = None
        if name is None:
            return False
        target = m.index_for_path(path) if path is not None else ix  # the model may have reset meanwhile
        if not target.isValid() or not m.assign_type(target, name):
            return False
        self._after(path, self.tr("Reading {0} as {1} (a view choice: the bytes are unchanged).").format(label, name))
        return True

    def clear(self, ix: QModelIndex) -> bool:
        m = self.ed.model
        path = ix.data(PathRole)
        label = ix.siblingAtColumn(1).data() or self.tr("field {0}").format(ix.data())
        if not m.assign_type(ix, None):
            return False
        self._after(path, self.tr("{0} is read without a schema again.").format(label))
        return True

    def _after(self, path: tuple[int, ...] | None, text: str) -> None:
        if path is not None:
            ix = self.ed.model.index_for_path(path)
            if ix.isValid():
                self.ed.tree.expand(ix)
                self.ed.tree.setCurrentIndex(ix)
        self.ed.refresh_text_views()
        self.ed.status.setText(text)
        self.sig_done.emit(text)
