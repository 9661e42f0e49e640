"""ProtoTreeModel: the Qt item model over the Qt-free protobuf document tree.

The tree (rows, lazy levels, readings, pins, labels, offsets) is
:class:`pelorus.protobuf.tree.ProtoTree`; the edits are :class:`pelorus.protobuf.editing.TreeEditor`.
This class only adapts them, as napari's Qt item models adapt its containers: the tree's
``resetting`` / ``reset`` become ``beginResetModel`` / ``endResetModel``, ``inserting`` /
``inserted`` (rows becoming visible, in batches through ``canFetchMore`` / ``fetchMore`` or when
``index_for_path`` / ``index_at_offset`` jump to a row) become ``beginInsertRows`` /
``endInsertRows``, ``changed`` becomes ``dataChanged``; each index's internal pointer is its
:class:`~pelorus.protobuf.tree.Node`. The methods below taking an index translate it to the node
(an invalid index is the root) and call the tree.

Editing: ``setData`` on the value column calls ``TreeEditor.set_value``; every edit reloads the
tree (offsets after it move), so views keep expansion by index path (``PathRole`` /
``index_for_path``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

from google.protobuf.descriptor import Descriptor
from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFont

from console.i18n import QT_TRANSLATE_NOOP, core_text
from console.models import palette
from pelorus.protobuf import structure as sx
from pelorus.protobuf.document import Document, IndexPath
from pelorus.protobuf.editing import EditorSpec, StructInfo, TreeEditor
from pelorus.protobuf.readings import Pins, Reading
from pelorus.protobuf.schemaless import Field, Message
from pelorus.protobuf.tree import BATCH, HEADERS, Column, FieldSpan, Node, ProtoTree, Tone
from pelorus.protobuf.wire import WireError

if TYPE_CHECKING:
    from pelorus.protobuf.schema import SchemaRegistry

__all__ = ["BATCH", "Column", "EditorRole", "EditorSpec", "ErrorRole", "FieldSpan", "NumberPathRole", "PathRole",
           "ProtoTreeModel", "ReadingsRole", "SpanRole", "StructInfo"]
"""Re-exported from pelorus.protobuf (tree, editing) for the views: BATCH, Column, FieldSpan,
EditorSpec, StructInfo."""

_Index = QModelIndex | QPersistentModelIndex

_BASE = int(Qt.ItemDataRole.UserRole)
SpanRole: Final = _BASE + 1
"""FieldSpan of the row (absolute offsets in the shown buffer), or None."""
PathRole: Final = _BASE + 2
"""Index path for Document (tuple) or None when the row is not addressable (damaged part)."""
ReadingsRole: Final = _BASE + 3
"""list[Reading] for a schemaless row (best / pinned first); [] with a schema."""
EditorRole: Final = _BASE + 4
"""EditorSpec for an editable value cell, else None."""
ErrorRole: Final = _BASE + 5
"""Error sentence on an error row (or a damaged field), else None."""
NumberPathRole: Final = _BASE + 6
"""Field-number path from the root (what pins are keyed by)."""

_TONES: Final = {Tone.ERROR: palette.ERROR, Tone.UNKNOWN: palette.UNKNOWN_DATA, Tone.MUTED: palette.TEXT_MUTED}


# pelorus.protobuf.tree.HEADERS (Qt-free), listed for lupdate; translated in headerData.
_HEADER_NAMES = (QT_TRANSLATE_NOOP("ProtoTreeModel", "Field"), QT_TRANSLATE_NOOP("ProtoTreeModel", "Name"),
                 QT_TRANSLATE_NOOP("ProtoTreeModel", "Type"), QT_TRANSLATE_NOOP("ProtoTreeModel", "Value"),
                 QT_TRANSLATE_NOOP("ProtoTreeModel", "Bytes"))

class ProtoTreeModel(QAbstractItemModel):
    """The tree of one message (a whole document or one record of a stream), for Qt views.

    Signals:
        edited(object): an Edit was applied (the model has reset).
        editRejected(str or a core Text): a value did not parse / fit, or an edit was refused; nothing changed.
    """

    edited = Signal(object)
    editRejected = Signal(object)  # a str, or a core Text (translated where shown): Signal(str) would drop it

    def __init__(self, parent: QObject | None = None, tree: ProtoTree | None = None,
                 editing: TreeEditor | None = None) -> None:
        """Adapt ``tree`` (a new empty one if None) and ``editing`` (its edits; new if None)."""
        super().__init__(parent)
        self.tree = tree if tree is not None else ProtoTree()
        self.editing = editing if editing is not None else TreeEditor(self.tree)
        self.tree.resetting.connect(self.beginResetModel)
        self.tree.reset.connect(self.endResetModel)
        self.tree.inserting.connect(lambda node, first, last: self.beginInsertRows(self._index(node), first, last))
        self.tree.inserted.connect(lambda _node, _first, _last: self.endInsertRows())
        self.tree.changed.connect(self._node_changed)
        self.editing.edited.connect(self.edited.emit)
        self.editing.rejected.connect(self.editRejected.emit)
        self._mono = QFont("monospace")
        self._mono.setStyleHint(QFont.StyleHint.Monospace)

    # -- nodes and indexes ------------------------------------------------------------------------

    def node(self, index: _Index) -> Node:
        """The tree node behind ``index`` (the root for an invalid index)."""
        if index.isValid():
            node = index.internalPointer()
            assert isinstance(node, Node)
            return node
        return self.tree.root

    def _index(self, node: Node | None, column: int = 0) -> QModelIndex:
        if node is None or node is self.tree.root or node.parent is None:
            return QModelIndex()
        return self.createIndex(node.row, column, node)

    def _node_changed(self, node: Node) -> None:
        self.dataChanged.emit(self._index(node, 0), self._index(node, len(HEADERS) - 1))

    # -- configuration (the tree's, through the model for its views) ------------------------------

    def set_document(self, doc: Document | None, base: int = 0) -> None:
        """Show ``doc`` (editable). ``base`` is added to every displayed offset (record mode)."""
        self.tree.set_document(doc, base)

    def set_message(self, msg: Message | None, base: int = 0) -> None:
        """Show a decoded level read-only (offsets in ``msg`` are already absolute → base 0)."""
        self.tree.set_message(msg, base)

    def set_schema(self, registry: SchemaRegistry | None, type_name: str | None) -> None:
        """Decode with ``type_name`` from ``registry`` (None: schemaless). Raises SchemaError."""
        self.tree.set_schema(registry, type_name)

    def reload(self) -> None:
        self.tree.reload()

    def after_document_change(self) -> None:
        """The document changed outside the model (undo/redo, a text apply): rebuild."""
        self.tree.reload()

    def pin(self, index: _Index, kind: str | None) -> None:
        """Pin (or with None unpin) a reading for the row's field-number path; the tree reloads."""
        self.tree.pin(self.node(index), kind)

    @property
    def pins(self) -> Pins:
        return self.tree.pins

    @property
    def assigned(self) -> dict[tuple[tuple[int, ...], str | None], str]:
        return self.tree.assigned

    @property
    def document(self) -> Document | None:
        return self.tree.document

    @property
    def descriptor(self) -> Descriptor | None:
        return self.tree.descriptor

    @property
    def base(self) -> int:
        return self.tree.base

    def root_message(self) -> Message | None:
        return self.tree.root_message()

    def root_error(self) -> WireError | None:
        """Where the root level is damaged (None when the message is whole)."""
        return self.tree.root_error()

    def node_field(self, index: _Index) -> Field | None:
        return self.node(index).field

    # -- assigned types -------------------------------------------------------------------------

    def can_assign_type(self, index: _Index) -> bool:
        return index.isValid() and self.tree.can_assign_type(self.node(index))

    def assigned_type(self, index: _Index) -> str | None:
        return self.tree.assigned_type(self.node(index)) if index.isValid() else None

    def message_type_names(self) -> list[str]:
        return self.tree.message_type_names()

    def assign_type(self, index: _Index, type_name: str | None) -> bool:
        """Read the row's bytes as ``type_name`` (None: schemaless again); False with editRejected."""
        why = self.tree.assign_type(self.node(index), type_name) if index.isValid() else \
            self.tr("only a schemaless length-delimited field can be read as a chosen type")
        if why is not None:
            self.editRejected.emit(why)
            return False
        return True

    # -- QAbstractItemModel ---------------------------------------------------------------------

    def index(self, row: int, column: int, parent: _Index = QModelIndex()) -> QModelIndex:  # noqa: B008 - Qt signature
        node = self.node(parent)
        if 0 <= row < node.exposed and 0 <= column < len(HEADERS):
            return self.createIndex(row, column, self.tree.child(node, row))
        return QModelIndex()

    def parent(self, index: _Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        return self._index(self.node(index).parent)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        if parent.isValid() and parent.column() != 0:
            return 0
        return self.node(parent).exposed

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return len(HEADERS)

    def hasChildren(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008 - Qt signature
        if parent.isValid() and parent.column() > 0:
            return False
        return self.tree.has_children(self.node(parent))

    def canFetchMore(self, parent: _Index) -> bool:
        return self.tree.can_fetch_more(self.node(parent))

    def fetchMore(self, parent: _Index) -> None:
        self.tree.fetch_more(self.node(parent))

    def fetch_all(self, parent: _Index = QModelIndex()) -> None:  # noqa: B008 - Qt signature
        self.tree.fetch_all(self.node(parent))

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.tr(HEADERS[section])  # pelorus.protobuf.tree's names, marked in _HEADER_NAMES
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        fl = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == Column.VALUE and self.editing.editor_spec(self.node(index)) is not None:
            fl |= Qt.ItemFlag.ItemIsEditable
        return fl

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        node = self.node(index)
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return core_text(self.tree.text(node, col))
        if role == Qt.ItemDataRole.EditRole:
            spec = self.editing.editor_spec(node)
            return None if spec is None else spec.current
        if role == SpanRole:
            return self.tree.byte_span(node)
        if role == PathRole:
            return node.path
        if role == NumberPathRole:
            return node.numpath
        if role == ReadingsRole:
            return self.tree.readings_of(node)
        if role == EditorRole:
            return self.editing.editor_spec(node)
        if role == ErrorRole:
            return node.error
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = self.tree.tooltip_lines(node)
            return "\n".join(core_text(line) for line in lines) if lines is not None else None
        if role == Qt.ItemDataRole.ForegroundRole:
            tone = self.tree.tone(node, col)
            return None if tone is None else _TONES[tone]
        if role == Qt.ItemDataRole.FontRole and col in (Column.BYTES, Column.NUMBER):
            return self._mono
        return None

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or index.column() != Column.VALUE:
            return False
        return self.editing.set_value(self.node(index), value)

    # -- rows, offsets, readings ----------------------------------------------------------------

    def byte_span(self, index: _Index) -> FieldSpan | None:
        """The row's byte ranges (not Qt's ``span()``, which is about cell spans and is left alone)."""
        return self.tree.byte_span(self.node(index))

    def readings_of(self, index: _Index) -> list[Reading]:
        return self.tree.readings_of(self.node(index))

    def is_pending(self, index: _Index) -> bool:
        """The row's nested level is large and not decoded yet (run level_decoder in a thread)."""
        return self.tree.is_pending(self.node(index))

    def level_decoder(self, index: _Index) -> Callable[[], int]:
        """The decode of the row's nested level, as a call for a worker thread. The node is looked up
        here, on the UI thread: a worker must not read a QModelIndex while the tree may be replaced."""
        return self.tree.level_decoder(self.node(index))

    def children_resolved(self, index: _Index) -> None:
        """Call on the UI thread after the level decoder ran: the row changes, its rows appear."""
        self.tree.children_resolved(self.node(index))

    def index_for_path(self, path: IndexPath) -> QModelIndex:
        """Row for a Document index path, fetching (and decoding) levels on the way; invalid if absent."""
        return self._index(self.tree.node_for_path(path))

    def index_at_offset(self, offset: int) -> QModelIndex:
        """Innermost row whose bytes contain ``offset`` (absolute), decoding on the way."""
        return self._index(self.tree.node_at_offset(offset))

    def fetch_all_until(self, parent: _Index, rel_offset: int) -> None:
        """Expose the rows of ``parent`` up to the one containing ``rel_offset`` (or all of them)."""
        self.tree.fetch_all_until(self.node(parent), rel_offset)

    # -- structure editing (pelorus.protobuf.editing; an invalid index is the top level) ---------

    def struct_info(self, index: _Index) -> StructInfo | None:
        """What structure edits the row allows (None for error rows and read-only models)."""
        return self.editing.struct_info(self.node(index))

    def add_choices(self, index: _Index) -> list[sx.AddChoice]:
        return self.editing.add_choices(self.node(index))

    def add_field(self, index: _Index, number: int) -> IndexPath | None:
        return self.editing.add_field(self.node(index), number)

    def raw_add_target(self, index: _Index) -> tuple[IndexPath, int | None] | None:
        return self.editing.raw_add_target(self.node(index))

    def add_raw_field(self, index: _Index, number: int, wire_type: int, text: str,
                      as_hex: bool = False) -> IndexPath | None:
        return self.editing.add_raw_field(self.node(index), number, wire_type, text, as_hex)

    def add_item(self, index: _Index) -> IndexPath | None:
        return self.editing.add_item(self.node(index))

    def remove_row(self, index: _Index) -> IndexPath | None:
        return self.editing.remove_row(self.node(index))

    def clear_row_field(self, index: _Index) -> IndexPath | None:
        return self.editing.clear_row_field(self.node(index))

    def move_row(self, index: _Index, step: int) -> IndexPath | None:
        return self.editing.move_row(self.node(index), step)
