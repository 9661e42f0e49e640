"""ProtoTreeModel: a lazily expanded tree over a schemaless :class:`Message` (optionally a schema).

One row per field occurrence, in byte order, with exact offsets. Columns: field number, name
(from the schema, ``name[i]`` for repeated items, ``labels["k"]`` for map entries), type (schema
type, or the chosen schemaless reading), value, and the byte span. Rows are exposed to views in
batches through ``canFetchMore`` / ``fetchMore``, and a row's node is built only when it is first
asked for (``index``), straight from the level's field records: row ``i`` of a level with ten million
fields costs the same as row 0, and ``index_for_path`` / ``index_at_offset`` jump to it (binary search
on offsets, one ``beginInsertRows`` for the rows before it) without building the rows in between.
A nested level larger than :data:`BIG_VALUE` bytes is not scanned on the UI thread: the row reports
children, ``is_pending`` says so, the view runs ``resolve_children`` in a worker thread and then calls
``children_resolved``.

Editing goes through :class:`~pelorus.protobuf.document.Document` (``setData`` on the value
column): the value is parsed and range-checked here (``parse_edit``), then written with
``Document.set_field``. Every edit changes offsets after it, so the model resets; views keep
expansion by index path (``PathRole`` / ``index_for_path``).

Without a schema, each field shows its top-ranked reading; ``ReadingsRole`` exposes every
reading and ``pin`` chooses another per field-number path (``Pins``).
"""

from __future__ import annotations

import base64
import binascii
import functools
import math
import struct
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as _dc_field
from enum import IntEnum
from typing import TYPE_CHECKING, Any, Final

from google.protobuf.descriptor import Descriptor, FieldDescriptor
from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFont

from console.models import palette
from pelorus.protobuf import structure as sx
from pelorus.protobuf import wellknown as wk
from pelorus.protobuf.document import Document, Edit, EditError, IndexPath
from pelorus.protobuf.readings import Pins, Reading, readings
from pelorus.protobuf.render import _show, cut_value, default_value, format_value, varint_as
from pelorus.protobuf.schemaless import Field, Message, decode_span
from pelorus.protobuf.wire import (
    FIXED32,
    FIXED64,
    LEN,
    SGROUP,
    VARINT,
    WIRE_TYPE_NAMES,
    WireError,
    encode_varint,
    fixed32_values,
    fixed64_values,
    read_varint,
)

if TYPE_CHECKING:
    from pelorus.protobuf.schema import SchemaRegistry

_Index = QModelIndex | QPersistentModelIndex

BATCH: Final = 256
"""Rows created per fetchMore."""
BIG_VALUE: Final = 1 << 20
"""Nested values above this size are decoded off the UI thread (see module doc)."""
QUICK_READING: Final = 64 * 1024
"""Above this size a schemaless value gets a cheap reading instead of the full ranked list."""


class Column(IntEnum):
    NUMBER = 0
    NAME = 1
    TYPE = 2
    VALUE = 3
    BYTES = 4


HEADERS: Final = ("Field", "Name", "Type", "Value", "Bytes")

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

ERROR_FG: Final = palette.ERROR
UNKNOWN_FG: Final = palette.UNKNOWN_DATA
MUTED_FG: Final = palette.TEXT_MUTED

_FD = FieldDescriptor
TYPE_NAMES: Final[dict[int, str]] = {
    _FD.TYPE_DOUBLE: "double", _FD.TYPE_FLOAT: "float", _FD.TYPE_INT64: "int64", _FD.TYPE_UINT64: "uint64",
    _FD.TYPE_INT32: "int32", _FD.TYPE_FIXED64: "fixed64", _FD.TYPE_FIXED32: "fixed32", _FD.TYPE_BOOL: "bool",
    _FD.TYPE_STRING: "string", _FD.TYPE_GROUP: "group", _FD.TYPE_MESSAGE: "message", _FD.TYPE_BYTES: "bytes",
    _FD.TYPE_UINT32: "uint32", _FD.TYPE_ENUM: "enum", _FD.TYPE_SFIXED32: "sfixed32",
    _FD.TYPE_SFIXED64: "sfixed64", _FD.TYPE_SINT32: "sint32", _FD.TYPE_SINT64: "sint64",
}
_VARINT_TYPES: Final = frozenset((_FD.TYPE_INT64, _FD.TYPE_UINT64, _FD.TYPE_INT32, _FD.TYPE_BOOL, _FD.TYPE_UINT32,
                                  _FD.TYPE_ENUM, _FD.TYPE_SINT32, _FD.TYPE_SINT64))
_F32_TYPES: Final = frozenset((_FD.TYPE_FIXED32, _FD.TYPE_SFIXED32, _FD.TYPE_FLOAT))
_F64_TYPES: Final = frozenset((_FD.TYPE_FIXED64, _FD.TYPE_SFIXED64, _FD.TYPE_DOUBLE))


expected_wire_type = sx.wire_type_of  # one definition, in the Qt-free core


# (reading kind used to encode, min, max) per schema scalar type
_INT_RANGES: Final[dict[int, tuple[str, int, int]]] = {
    _FD.TYPE_INT32: ("int64", -(1 << 31), (1 << 31) - 1),
    _FD.TYPE_INT64: ("int64", -(1 << 63), (1 << 63) - 1),
    _FD.TYPE_UINT32: ("uint64", 0, (1 << 32) - 1),
    _FD.TYPE_UINT64: ("uint64", 0, (1 << 64) - 1),
    _FD.TYPE_SINT32: ("sint64", -(1 << 31), (1 << 31) - 1),
    _FD.TYPE_SINT64: ("sint64", -(1 << 63), (1 << 63) - 1),
    _FD.TYPE_FIXED32: ("fixed32", 0, (1 << 32) - 1),
    _FD.TYPE_SFIXED32: ("sfixed32", -(1 << 31), (1 << 31) - 1),
    _FD.TYPE_FIXED64: ("fixed64", 0, (1 << 64) - 1),
    _FD.TYPE_SFIXED64: ("sfixed64", -(1 << 63), (1 << 63) - 1),
    _FD.TYPE_ENUM: ("int64", -(1 << 31), (1 << 31) - 1),
}
_KIND_RANGES: Final[dict[str, tuple[int, int]]] = {
    "uint64": (0, (1 << 64) - 1),
    "int64": (-(1 << 63), (1 << 64) - 1),  # schemaless: an int64 reading may be typed as unsigned
    "sint64": (-(1 << 63), (1 << 63) - 1),
    "fixed32": (0, (1 << 32) - 1),
    "sfixed32": (-(1 << 31), (1 << 31) - 1),
    "fixed64": (0, (1 << 64) - 1),
    "sfixed64": (-(1 << 63), (1 << 63) - 1),
}


@dataclass(frozen=True)
class FieldSpan:
    """Byte ranges of one field: tag ``[start, tag_end)``, length prefix ``[tag_end, value_start)``,
    value ``[value_start, value_end)``, and for groups the END_GROUP tag ``[value_end, end)``."""

    start: int
    tag_end: int
    value_start: int
    value_end: int
    end: int

    def contains(self, offset: int) -> bool:
        return self.start <= offset < self.end


@dataclass(frozen=True)
class EditorSpec:
    """What editor a value cell needs: ``widget`` is int / float / bool / enum / string / bytes."""

    widget: str
    kind: str
    """Reading kind passed to Document.set_field."""
    current: object
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[tuple[str, int], ...] = ()
    """(name, number) for enums."""
    single_precision: bool = False
    type_label: str = ""
    """The declared type for messages ("uint32"); ``kind`` is only how the value is encoded."""


@dataclass(frozen=True)
class StructInfo:
    """Structure facts about one row, for menus and confirmations."""

    label: str
    """As the tree names the row: ``args[1]``, ``labels[team]``, ``default_spec``, ``field 7``."""
    field_name: str
    number: int
    kind: str
    """``repeated string``, ``map string → string``, ``PodSpec``, a schemaless reading."""
    item: bool
    """One item of a repeated field / one map entry (removing it leaves the others)."""
    can_up: bool
    can_down: bool
    nested: bool
    """A submessage (or group): removing it takes its whole subtree."""
    packed: bool
    """A packed run of repeated scalars (removing it removes all the values in it)."""
    occurrences: int
    can_add_item: bool
    oneof: str | None
    size: int


def parse_edit(spec: EditorSpec, value: object) -> object:
    """Turn what an editor produced (text, int, bool) into the typed value; ValueError says why not."""
    w = spec.widget
    if w == "bool":
        if isinstance(value, str):
            v = value.strip().lower()
            if v not in ("true", "false", "1", "0"):
                raise ValueError(f"{value!r} is not true or false")
            return v in ("true", "1")
        return bool(value)
    if w in ("int", "enum"):
        if isinstance(value, bool):
            value = int(value)
        if isinstance(value, str):
            text = value.strip().replace("_", "")
            if w == "enum":
                for name, num in spec.choices:
                    if text == name:
                        return num
                text = text.split(" ", 1)[0]
            try:
                n = int(text, 0)
            except ValueError:
                raise ValueError(f"{value!r} is not a whole number") from None
        else:
            n = int(value)  # type: ignore[call-overload]
        lo, hi = spec.minimum, spec.maximum
        if lo is not None and hi is not None and not lo <= n <= hi:
            what = spec.type_label or (spec.kind.replace('64', '') if w == 'enum' else spec.kind)
            raise ValueError(f"{n} is out of range for {what}: {lo} … {hi}")
        return n
    if w == "float":
        try:
            x = float(str(value).strip()) if isinstance(value, str) else float(value)  # type: ignore[arg-type]
        except ValueError:
            raise ValueError(f"{value!r} is not a number") from None
        if spec.single_precision and math.isfinite(x) and abs(x) > 3.4028234663852886e38:
            raise ValueError(f"{x} does not fit in a 32-bit float")
        return x
    if w == "string":
        return str(value)
    if w == "bytes":
        if isinstance(value, (bytes, bytearray)):
            return bytes(value)
        text = "".join(str(value).split())
        if text[:7].lower() == "base64:":
            b64 = text[7:]
            try:
                return base64.b64decode(b64 + "=" * (-len(b64) % 4), altchars=b"-_" if "-" in b64 or "_" in b64
                                        else None, validate=True)
            except (binascii.Error, ValueError):
                raise ValueError(f"{b64!r} is not valid base64") from None
        if text.startswith(("0x", "0X")):
            text = text[2:]
        try:
            return bytes.fromhex(text)
        except ValueError:
            raise ValueError("bytes must be hex digits (0a ff 10) or base64: then base64 text") from None
    if w == "list":
        return parse_packed(spec, str(value))
    raise ValueError(f"no editor for {w}")


def _packed_spec(fd: FieldDescriptor, f: Field) -> EditorSpec | None:
    """A packed run of repeated scalars is edited as one comma-separated list (add, remove, reorder)."""
    vals = packed_values(fd, f)
    if vals is None:
        return None
    names = tuple((v.name, v.number) for v in fd.enum_type.values) if fd.type == _FD.TYPE_ENUM else ()
    lo, hi = (_INT_RANGES[fd.type][1], _INT_RANGES[fd.type][2]) if fd.type in _INT_RANGES else (None, None)
    return EditorSpec("list", f"packed {TYPE_NAMES[fd.type]}", ", ".join(format_value(fd, v) for v in vals), lo, hi,
                      names, fd.type == _FD.TYPE_FLOAT)


def parse_packed(spec: EditorSpec, text: str) -> bytes:
    """``1, 2, 3`` (enum names allowed) → the packed payload bytes for ``spec.kind`` ("packed int32", ...)."""
    t = spec.kind.split(" ", 1)[1]
    items = [x.strip() for x in text.replace("[", "").replace("]", "").split(",") if x.strip()]
    out = bytearray()
    for n, item in enumerate(items, 1):
        try:
            if t in ("float", "double"):
                x = float(item)
                out += struct.pack("<f" if t == "float" else "<d", x)
                continue
            if t == "bool":
                if item.lower() not in ("true", "false", "1", "0"):
                    raise ValueError(f"{item!r} is not true or false")
                out += b"\x01" if item.lower() in ("true", "1") else b"\x00"
                continue
            named = dict(spec.choices)
            v = named[item] if item in named else int(item.split(" ", 1)[0], 0)
        except (ValueError, struct.error) as err:
            raise ValueError(f"item {n} ({item!r}): {err}") from None
        if spec.minimum is not None and spec.maximum is not None and not spec.minimum <= v <= spec.maximum:
            raise ValueError(f"item {n}: {v} is out of range for {t}: {spec.minimum} … {spec.maximum}")
        if t in ("fixed32", "sfixed32"):
            out += struct.pack("<I" if t == "fixed32" else "<i", v)
        elif t in ("fixed64", "sfixed64"):
            out += struct.pack("<Q" if t == "fixed64" else "<q", v)
        elif t in ("sint32", "sint64"):
            out += encode_varint((v << 1) ^ (v >> 63))
        else:
            out += encode_varint(v)
    return bytes(out)


@dataclass(eq=False)
class _Node:
    parent: _Node | None
    row: int
    field: Field | None = None  # None for the invisible root and error rows
    path: IndexPath | None = None  # Document index path; None when not addressable
    numpath: tuple[int, ...] = ()
    fd: FieldDescriptor | None = None
    desc: Descriptor | None = None  # schema of the nested level (children), if any
    occurrence: int = -1  # index among repeated occurrences at its level
    error: str | None = None  # error rows
    error_offset: int = -1
    any_unknown: str | None = None  # Any value of a type that is not loaded
    label: str | None = None  # name shown instead of the descriptor's
    # children
    state: int = 0  # 0 unknown, 1 resolved, 2 pending (big, not scanned yet)
    level: Message | None = None
    damaged: bool = False
    rows: dict[int, _Node] = _dc_field(default_factory=dict)  # built on first access, by row
    exposed: int = 0  # rows the views have been told about (rowCount)
    total: int = -1  # rows of the level: fields, then the truncated field and the error row
    occurrences: _Occurrences | None = None
    any_type: str | None = None  # for Any levels: the type_url's type name
    assigned: str | None = None  # a type the operator assigned to these bytes (a view choice)
    # cached display
    reading: Reading | None = None
    cache: dict[int, Any] | None = None


class _Occurrences:
    """Occurrence of row i among the fields with the same number before it, in O(log n) per row.

    Built once per large level (a stable argsort of field numbers) and only for schema rows of
    repeated fields, which show ``name[i]``; small levels count directly.
    """

    def __init__(self, level: Message) -> None:
        import numpy as np

        keys = np.asarray(level._recs[1::4], dtype=np.int64) >> 3
        self._order = np.argsort(keys, kind="stable")
        self._sorted = keys[self._order]

    def of(self, row: int, number: int) -> int:
        import numpy as np

        lo = int(np.searchsorted(self._sorted, number, "left"))
        hi = int(np.searchsorted(self._sorted, number, "right"))
        return int(np.searchsorted(self._order[lo:hi], row))


class ProtoTreeModel(QAbstractItemModel):
    """The tree of one message (a whole document or one record of a stream).

    Signals:
        edited(object): an Edit was applied through setData (the model has reset).
        editRejected(str): a value did not parse / fit; nothing changed.
    """

    edited = Signal(object)
    editRejected = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._root = _Node(None, 0)
        self._doc: Document | None = None
        self._message: Message | None = None
        self._base = 0
        self._descriptor: Descriptor | None = None
        self._registry: SchemaRegistry | None = None
        self.pins = Pins()
        self.assigned: dict[tuple[tuple[int, ...], str | None], str] = {}
        """Types assigned to schemaless length-delimited fields, by (field-number path, the Any's
        type_url type or None): how those bytes are read for the session; the bytes never change."""
        self._mono = QFont("monospace")
        self._mono.setStyleHint(QFont.StyleHint.Monospace)

    # -- configuration --------------------------------------------------------------------------

    def set_document(self, doc: Document | None, base: int = 0) -> None:
        """Show ``doc`` (editable). ``base`` is added to every displayed offset (record mode)."""
        self.beginResetModel()
        self._doc = doc
        self._message = None
        self._base = base
        self._rebuild()
        self.endResetModel()

    def set_message(self, msg: Message | None, base: int = 0) -> None:
        """Show a decoded level read-only (offsets in ``msg`` are already absolute → base 0)."""
        self.beginResetModel()
        self._doc = None
        self._message = msg
        self._base = base
        self._rebuild()
        self.endResetModel()

    def set_schema(self, registry: SchemaRegistry | None, type_name: str | None) -> None:
        """Decode with ``type_name`` from ``registry`` (None: schemaless). Raises SchemaError."""
        desc = registry.find(type_name) if (registry is not None and type_name) else None
        self.beginResetModel()
        self._registry = registry
        self._descriptor = desc
        self._rebuild()
        self.endResetModel()

    def pin(self, index: _Index, kind: str | None) -> None:
        """Pin (or with None unpin) a reading for the row's field-number path; the tree reloads."""
        node = self._node(index)
        if node.field is None:
            return
        if kind is None:
            self.pins.unpin(node.numpath)
        else:
            self.pins.pin(node.numpath, kind)
        self.reload()

    # -- assigned types (a way of reading bytes, not an edit) ------------------------------------

    def _assign_node(self, index: _Index) -> _Node | None:
        """The node whose bytes "Assign type…" reads as a message: a schemaless length-delimited
        field (an unknown field, a schemaless decode, the value of an Any whose type is not loaded),
        or for such an Any's own row its value; None elsewhere."""
        if self._registry is None or not index.isValid():
            return None
        node = self._node(index)
        if node.field is None or node.error is not None:
            return None
        if node.desc is not None and node.desc.full_name == "google.protobuf.Any" and not node.assigned:
            if self._resolve(node, blocking=False) != 1 or node.level is None or not node.any_type \
                    or self._find_type(node.any_type) is not None:
                return None
            for row in range(len(node.level)):
                if node.level.key_at(row) == (2 << 3) | LEN:
                    self._expose(self.createIndex(node.row, 0, node), node, row)
                    return self._child(node, row)
            return None
        if node.fd is None and node.field.wire_type == LEN and (node.desc is None or node.assigned):
            return node
        return None

    def can_assign_type(self, index: _Index) -> bool:
        """The row's bytes can be read as a chosen message type (see ``assign_type``)."""
        return self._assign_node(index) is not None

    def assigned_type(self, index: _Index) -> str | None:
        """The type assigned to the row's bytes (or, on an Any row, to its value), if any."""
        node = self._assign_node(index)
        return None if node is None else self.assigned.get((node.numpath, node.any_unknown))

    def message_type_names(self) -> list[str]:
        return [] if self._registry is None else list(self._registry.message_types())

    def assign_type(self, index: _Index, type_name: str | None) -> bool:
        """Read the row's bytes as ``type_name`` (None: back to the schemaless reading) for the
        session, keyed like a pin by field-number path (and, for an Any, its type_url). The document
        does not change. False (with ``editRejected``) when the row or the type does not allow it."""
        node = self._assign_node(index)
        if node is None:
            self.editRejected.emit("only a schemaless length-delimited field (or an Any of a type that is not "
                                   "loaded) can be read as a chosen type")
            return False
        key = (node.numpath, node.any_unknown)
        if type_name is None:
            self.assigned.pop(key, None)
        else:
            desc = self._find_type(type_name)
            if desc is None:
                self.editRejected.emit(f"type {type_name} is not loaded")
                return False
            self.assigned[key] = desc.full_name
        self.reload()
        return True

    def reload(self) -> None:
        self.beginResetModel()
        self._rebuild()
        self.endResetModel()

    @property
    def document(self) -> Document | None:
        return self._doc

    @property
    def descriptor(self) -> Descriptor | None:
        return self._descriptor

    @property
    def base(self) -> int:
        return self._base

    def root_message(self) -> Message | None:
        return self._root.level

    def root_error(self) -> WireError | None:
        """Where the root level is damaged (None when the message is whole)."""
        msg = self._root.level
        return None if msg is None else msg.error

    def _rebuild(self) -> None:
        root = _Node(None, 0, desc=self._descriptor)
        msg = self._doc.root if self._doc is not None else self._message
        if msg is not None:
            root.level = msg
            root.state = 1
            root.damaged = msg.error is not None
            if self._descriptor is not None and self._descriptor.full_name == "google.protobuf.Any":
                root.any_type = _any_type(msg)
        root.path = ()
        self._root = root

    # -- structure ------------------------------------------------------------------------------

    def _node(self, index: _Index) -> _Node:
        if index.isValid():
            node = index.internalPointer()
            assert isinstance(node, _Node)
            return node
        return self._root

    def node_field(self, index: _Index) -> Field | None:
        return self._node(index).field

    def index(self, row: int, column: int, parent: _Index = QModelIndex()) -> QModelIndex:  # noqa: B008 - Qt signature
        node = self._node(parent)
        if 0 <= row < node.exposed and 0 <= column < len(HEADERS):
            return self.createIndex(row, column, self._child(node, row))
        return QModelIndex()

    def parent(self, index: _Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        node = self._node(index)
        p = node.parent
        if p is None or p is self._root:
            return QModelIndex()
        return self.createIndex(p.row, 0, p)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        if parent.isValid() and parent.column() != 0:
            return 0
        return self._node(parent).exposed

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return len(HEADERS)

    def hasChildren(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008 - Qt signature
        node = self._node(parent)
        if node is self._root:
            return node.level is not None and (len(node.level) > 0 or node.damaged)
        if parent.column() > 0:
            return False
        if node.exposed:
            return True
        state = self._resolve(node, blocking=False)
        if state == 2:
            return True
        return node.level is not None and (len(node.level) > 0 or node.damaged)

    def canFetchMore(self, parent: _Index) -> bool:
        node = self._node(parent)
        if self._resolve(node, blocking=False) != 1 or node.level is None:
            return False
        return node.exposed < self._total(node)

    def fetchMore(self, parent: _Index) -> None:
        node = self._node(parent)
        if self._resolve(node, blocking=False) != 1 or node.level is None:
            return
        self._expose(parent, node, node.exposed + BATCH - 1)

    def _expose(self, parent: _Index, node: _Node, row: int) -> None:
        """Tell the views about every row up to ``row`` (clipped to the level) in one insertion."""
        last = min(row, self._total(node) - 1)
        if last < node.exposed:
            return
        self.beginInsertRows(parent, node.exposed, last)
        node.exposed = last + 1
        self.endInsertRows()

    def fetch_all(self, parent: _Index = QModelIndex()) -> None:  # noqa: B008 - Qt signature
        while self.canFetchMore(parent):
            self.fetchMore(parent)

    def is_pending(self, index: _Index) -> bool:
        """The row's nested level is large and not decoded yet (run resolve_children in a thread)."""
        node = self._node(index)
        return self._resolve(node, blocking=False) == 2

    def level_decoder(self, index: _Index) -> Callable[[], int]:
        """The decode of the row's nested level, as a call for a worker thread. The row's node is
        looked up here, on the UI thread: a worker must not read a QModelIndex's internal pointer
        while the UI thread may replace the tree under it."""
        node = self._node(index)
        return functools.partial(self._resolve, node, True)

    def children_resolved(self, index: _Index) -> None:
        """Call on the UI thread after resolve_children: rows appear."""
        node = self._node(index)
        if node.state == 1:
            self.dataChanged.emit(index.siblingAtColumn(0), index.siblingAtColumn(len(HEADERS) - 1))
            self.fetchMore(index.siblingAtColumn(0))

    # -- decoding a level -----------------------------------------------------------------------

    def _resolve(self, node: _Node, blocking: bool) -> int:
        """Work out the node's nested level: 1 resolved (level may be None), 2 pending."""
        if node.state == 1:
            return 1
        f = node.field
        if f is None:
            node.state = 1
            return 1
        wt = f.wire_type
        if wt not in (LEN, SGROUP):
            node.state = 1
            return 1
        if not blocking and f.end - f.value_offset > BIG_VALUE and not self._child_cached(node):
            node.state = 2
            return 2
        level: Message | None = None
        want_message = self._wants_message(node)
        if want_message:
            level = f.message()
            if level is None:
                level = f.partial_message()
                node.damaged = True
                if level.error is None:  # a group whose end is missing, or wrong wire type
                    level = None
                    node.damaged = False
        node.level = level
        if level is not None and node.desc is not None and node.desc.full_name == "google.protobuf.Any":
            node.any_type = _any_type(level)
        node.state = 1
        return 1

    def _child_cached(self, node: _Node) -> bool:
        f = node.field
        owner = getattr(f, "_owner", None)
        cache = getattr(owner, "_children", None) if owner is not None else None
        return bool(cache) and f is not None and f.index in cache  # type: ignore[operator]

    def _wants_message(self, node: _Node) -> bool:
        f = node.field
        assert f is not None
        scalar = node.fd is not None and node.fd.type not in (_FD.TYPE_MESSAGE, _FD.TYPE_GROUP)
        if node.error is not None and f.wire_type == LEN and not scalar:  # a truncated field: show what is left of it
            if node.fd is None and node.desc is None and self._reading(node).kind == "string":
                return False  # schemaless, and what survives reads as text: a cut string, not a message
            part = f.partial_message()
            return len(part) > 0 or part.damaged is not None
        if node.fd is not None:
            return node.fd.type in (_FD.TYPE_MESSAGE, _FD.TYPE_GROUP) and f.wire_type == expected_wire_type(node.fd)
        if node.desc is not None:  # Any value with a known type
            return True
        kind = self._reading(node).kind
        return kind in ("message", "group")

    def _total(self, node: _Node) -> int:
        """Rows of a resolved level: its fields, then (if damaged) the truncated field and the error."""
        if node.total < 0:
            level = node.level
            if level is None:
                return 0
            node.total = len(level) + (0 if level.error is None else 1 + (level.damaged is not None))
        return node.total

    def _child(self, node: _Node, row: int) -> _Node:
        """Row ``row`` of a resolved level, built on first access (any order)."""
        child = node.rows.get(row)
        if child is None:
            child = node.rows[row] = self._make_child(node, row)
        return child

    def _make_child(self, node: _Node, row: int) -> _Node:
        level = node.level
        assert level is not None
        desc = node.desc
        n = len(level)
        if row >= n:  # the damage rows after the last whole field
            err = level.error
            assert err is not None
            if row == n and level.damaged is not None:
                d = level.damaged
                dn = _Node(node, row, field=d, path=None, numpath=(*node.numpath, d.number),
                           fd=self._field_descriptor(desc, d.number))
                if dn.fd is not None and dn.fd.type in (_FD.TYPE_MESSAGE, _FD.TYPE_GROUP):
                    dn.desc = dn.fd.message_type
                if dn.fd is not None and dn.fd.is_repeated and not _is_map(dn.fd):  # the cut item is args[1]
                    dn.occurrence = self._occurrence(node, row, d.number)
                dn.error = f"truncated: {err.reason}"
                dn.error_offset = err.offset
                return dn
            en = _Node(node, row, error=f"damaged at offset {err.offset + self._rel()}: {err.reason}",
                       error_offset=err.offset)
            en.state = 1
            return en
        any_desc: Descriptor | None = None
        any_missing: str | None = None
        if desc is not None and desc.full_name == "google.protobuf.Any" and node.any_type:
            any_desc = self._find_type(node.any_type)
            if any_desc is None:
                any_missing = node.any_type
        addressable = node.path is not None and not node.damaged
        f = level[row]
        num = f.number
        fd = self._field_descriptor(desc, num)
        child = _Node(node, row, field=f, path=(*node.path, row) if addressable and node.path is not None else None,
                      numpath=(*node.numpath, num), fd=fd)
        if fd is not None:
            if fd.type in (_FD.TYPE_MESSAGE, _FD.TYPE_GROUP):
                child.desc = fd.message_type
            if fd.is_repeated and not _is_map(fd):
                child.occurrence = self._occurrence(node, row, num)
            if num == 2 and (any_desc is not None or any_missing is not None):
                child.fd = None  # the packed message, not "bytes": unpacked with its own type
                child.label = "value"
                child.desc = any_desc
                child.any_unknown = any_missing
        if child.fd is None and child.desc is None and f.wire_type == LEN:
            name = self.assigned.get((child.numpath, child.any_unknown))
            found = self._find_type(name) if name else None
            if found is not None:
                child.desc = found
                child.assigned = found.full_name
        return child

    def _occurrence(self, node: _Node, row: int, number: int) -> int:
        level = node.level
        assert level is not None
        if row < 32:
            key_at = level.key_at
            return sum(1 for j in range(row) if key_at(j) >> 3 == number)
        if node.occurrences is None:
            node.occurrences = _Occurrences(level)
        return node.occurrences.of(row, number)

    def _row_at(self, node: _Node, rel: int) -> int | None:
        """Row whose bytes contain ``rel`` (binary search on the level's offsets), or the error row."""
        level = node.level
        assert level is not None
        r = level._recs
        n = len(level)
        lo, hi = 0, n
        while lo < hi:
            mid = (lo + hi) // 2
            if r[(mid << 2) + 3] <= rel:
                lo = mid + 1
            else:
                hi = mid
        if lo < n and r[lo << 2] <= rel:
            return lo
        err = level.error
        if err is None:
            return None
        d = level.damaged
        if d is not None and d.tag_offset <= rel < d.end:
            return n
        if err.offset <= rel:
            return self._total(node) - 1
        return None

    def _rel(self) -> int:
        return self._base

    def _field_descriptor(self, desc: Descriptor | None, number: int) -> FieldDescriptor | None:
        if desc is None:
            return None
        fd = desc.fields_by_number.get(number)
        if fd is None and self._registry is not None and desc.extension_ranges:
            try:
                fd = self._registry.pool.FindExtensionByNumber(desc, number)
            except KeyError:
                fd = None
        return fd

    def _find_type(self, name: str) -> Descriptor | None:
        if self._registry is None:
            return None
        try:
            return self._registry.pool.FindMessageTypeByName(name)
        except KeyError:
            return None

    # -- readings -------------------------------------------------------------------------------

    def _reading(self, node: _Node) -> Reading:
        if node.reading is not None:
            return node.reading
        f = node.field
        assert f is not None
        pinned = self.pins.get(node.numpath)
        size = f.end - f.value_offset
        if f.wire_type == LEN and size > QUICK_READING and pinned is None:
            r = self._quick_reading(node)
        else:
            try:
                r = readings(f, pinned)[0]
            except ValueError:
                r = readings(f)[0]
        node.reading = r
        return r

    def _quick_reading(self, node: _Node) -> Reading:
        """A cheap reading for a large value: a message if it parses (in a thread), else bytes/string."""
        f = node.field
        assert f is not None
        if node.state != 1 and not self._child_cached(node) and f.end - f.value_offset > BIG_VALUE:
            return Reading("message", None, 0.5, "large value: decoded when expanded")
        msg = f.message()
        if msg is not None:
            return Reading("message", msg, 0.8, f"parses cleanly as a message with {len(msg)} field(s)")
        head = bytes(f._buf[f.value_offset : f.value_offset + 4096])  # type: ignore[attr-defined]
        try:
            head.decode("utf-8")
            return Reading("string", None, 0.5, "large UTF-8 text (first 4 KB checked)")
        except UnicodeDecodeError as err:
            if err.start > len(head) - 4:
                return Reading("string", None, 0.5, "large UTF-8 text (first 4 KB checked)")
        return Reading("bytes", None, 0.1, "large raw bytes")

    def readings_of(self, index: _Index) -> list[Reading]:
        node = self._node(index)
        f = node.field
        if f is None or node.fd is not None or node.assigned:  # an assigned type is the reading
            return []
        try:
            return readings(f, self.pins.get(node.numpath))
        except ValueError:
            return readings(f)

    # -- display --------------------------------------------------------------------------------

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        fl = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == Column.VALUE and self._editor_spec(self._node(index)) is not None:
            fl |= Qt.ItemFlag.ItemIsEditable
        return fl

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        node = self._node(index)
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if node.cache is None:
                node.cache = {}
            text = node.cache.get(col)
            if text is None:
                text = node.cache[col] = self._display(node, col)
            return text
        if role == Qt.ItemDataRole.EditRole:
            spec = self._editor_spec(node)
            return None if spec is None else spec.current
        if role == SpanRole:
            return self.span(index)
        if role == PathRole:
            return node.path
        if role == NumberPathRole:
            return node.numpath
        if role == ReadingsRole:
            return self.readings_of(index)
        if role == EditorRole:
            return self._editor_spec(node)
        if role == ErrorRole:
            return node.error
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(node)
        if role == Qt.ItemDataRole.ForegroundRole:
            if node.error is not None:
                return ERROR_FG
            if node.field is not None and self._descriptor is not None and node.fd is None and node.desc is None:
                return UNKNOWN_FG  # unknown field under a schema, or a schemaless Any value
            if col in (Column.NUMBER, Column.BYTES, Column.TYPE):
                return MUTED_FG
            return None
        if role == Qt.ItemDataRole.FontRole and col in (Column.BYTES, Column.NUMBER):
            return self._mono
        return None

    def span(self, index: _Index) -> FieldSpan | None:
        node = self._node(index)
        f = node.field
        b = self._base
        if f is None:
            if node.error is not None and node.error_offset >= 0:
                o = node.error_offset + b
                return FieldSpan(o, o, o, o + 1, o + 1)
            return None
        tag_end = f.tag_offset + _tag_len(f)
        value_end = f.value_end if f.wire_type == SGROUP else f.end
        return FieldSpan(f.tag_offset + b, tag_end + b, f.value_offset + b, value_end + b, f.end + b)

    def _display(self, node: _Node, col: int) -> str:
        if node.error is not None and node.field is None:
            return {Column.NUMBER: "⚠", Column.NAME: "error", Column.VALUE: node.error}.get(col, "")  # type: ignore[call-overload]
        f = node.field
        assert f is not None
        if col == Column.NUMBER:
            return str(f.number)
        if col == Column.BYTES:
            return f"@{f.tag_offset + self._base} +{f.end - f.tag_offset}"
        if col == Column.NAME:
            return self._name(node)
        if col == Column.TYPE:
            return self._type(node)
        if col == Column.VALUE:
            if node.error is not None:
                return self._truncated_value(node)
            return self._value(node)
        return ""

    def _name(self, node: _Node) -> str:
        fd = node.fd
        if node.label is not None:
            return node.label
        if fd is None:
            return "" if self._descriptor is None else "(unknown)"
        name = fd.name if not fd.is_extension else f"[{fd.full_name}]"
        if _is_map(fd):
            key = self._map_key(node)
            return f"{name}[{key}]"
        if fd.is_repeated and node.occurrence >= 0:
            f = node.field
            if f is not None and f.wire_type == LEN and expected_wire_type(fd) != LEN:
                # one packed run holds many values: it is the run, not item [i]
                n = _packed_count(fd, f)
                run = f", run {node.occurrence + 1}" if node.occurrence else ""
                return f"{name} (packed ×{n:,}{run})" if n is not None else f"{name} (packed{run})"
            return f"{name}[{node.occurrence}]"
        return name

    def _type(self, node: _Node) -> str:
        fd = node.fd
        f = node.field
        assert f is not None
        if fd is not None:
            if f.wire_type != expected_wire_type(fd):
                if f.wire_type == LEN and fd.is_repeated and expected_wire_type(fd) != LEN:
                    return f"packed {self._fd_type(fd)}"
                return f"{self._fd_type(fd)} ≠ wire {WIRE_TYPE_NAMES[f.wire_type]}"
            t = self._fd_type(fd)
            if fd.containing_oneof is not None and not fd.containing_oneof.name.startswith("_"):
                t += f" (oneof {fd.containing_oneof.name})"
            return t
        if node.desc is not None:
            return node.desc.full_name + (" (assigned)" if node.assigned else "")
        r = self._reading(node)
        t = r.kind + (" (pinned)" if r.pinned else "")
        if node.any_unknown is not None:
            t += f" — type {node.any_unknown} not loaded"
        return t

    def _fd_type(self, fd: FieldDescriptor) -> str:
        if _is_map(fd):
            kt = fd.message_type.fields_by_number[1]
            vt = fd.message_type.fields_by_number[2]
            return f"map<{_short_type(kt)}, {_short_type(vt)}>"
        return _short_type(fd)

    def _value(self, node: _Node) -> str:
        f = node.field
        assert f is not None
        fd = node.fd
        if fd is not None and f.wire_type == expected_wire_type(fd):
            if fd.type in (_FD.TYPE_MESSAGE, _FD.TYPE_GROUP):
                return self._message_summary(node)
            return format_value(fd, scalar_value(fd, f))
        if fd is not None and f.wire_type == LEN and fd.is_repeated:
            vals = packed_values(fd, f)
            if vals is None:
                return "(packed values do not decode)"
            shown = ", ".join(format_value(fd, v) for v in vals[:16])
            return f"[{shown}{', …' if len(vals) > 16 else ''}] ({len(vals)})"
        if node.desc is not None and node.fd is None:  # Any value with a known type
            return self._message_summary(node)
        r = self._reading(node)
        if r.kind in ("message", "group"):
            self._resolve(node, blocking=False)
            if node.state == 2:
                return f"{f.end - f.value_offset:,} bytes — expand to decode"
            msg = node.level if node.level is not None else r.value
            n = len(msg) if isinstance(msg, Message) else 0
            return f"{{{n} field{'s' if n != 1 else ''}}}"
        if r.value is None and r.kind in ("string", "bytes"):
            return f"{f.end - f.value_offset:,} bytes"
        return _show(r.value)

    def _truncated_value(self, node: _Node) -> str:
        """The value column of a damaged row: a cut string or bytes shows what survives and how much
        is missing (a cut submessage shows its whole fields as children instead)."""
        f = node.field
        if f is None or f.wire_type != LEN or f.length_offset is None or self._wants_message(node):
            return f"⚠ {node.error}"
        fd = node.fd
        if fd is not None and fd.type in (_FD.TYPE_MESSAGE, _FD.TYPE_GROUP):
            return f"⚠ {node.error}"
        return cut_value(f, fd is None or fd.type == _FD.TYPE_STRING, self._base)

    def _message_summary(self, node: _Node) -> str:
        f = node.field
        assert f is not None
        state = self._resolve(node, blocking=False)
        if state == 2:
            return f"{f.end - f.value_offset:,} bytes — expand to decode"
        level = node.level
        if level is None:
            return "(does not parse as a message)"
        desc = node.desc
        name = desc.full_name if desc is not None else ""
        if name == "google.protobuf.Timestamp":
            s, n = wk.seconds_nanos(level)
            try:
                return wk.format_timestamp(s, n)
            except ValueError:
                return f"{s}s {n}ns (out of range)"
        if name == "google.protobuf.Duration":
            s, n = wk.seconds_nanos(level)
            return wk.format_duration(s, n)
        if name == "google.protobuf.Any":
            if node.any_type is None:
                return "(empty Any)"
            known = self._find_type(node.any_type) is not None
            if known:
                return node.any_type
            shown = self.assigned.get(((*node.numpath, 2), node.any_type))
            if shown and self._find_type(shown) is not None:
                return f"{node.any_type} (not loaded) — read as {shown}"
            return node.any_type + " (type not loaded)"
        if node.fd is not None and _is_map(node.fd):
            vfd = node.fd.message_type.fields_by_number[2]
            for i in range(len(level)):
                vf = level[i]
                if vf.number == 2 and vf.wire_type == expected_wire_type(vfd):
                    if vfd.type == _FD.TYPE_MESSAGE:
                        return "{…}"
                    return format_value(vfd, scalar_value(vfd, vf))
            return format_value(vfd, default_value(vfd))
        n = len(level)
        text = f"{{{n} field{'s' if n != 1 else ''}}}"
        if node.damaged:
            text += " ⚠ damaged"
        return text

    def _map_key(self, node: _Node) -> str:
        f = node.field
        fd = node.fd
        assert f is not None and fd is not None
        level = f.message()
        kfd = fd.message_type.fields_by_number[1]
        if level is not None:
            for i in range(len(level)):
                kf = level[i]
                if kf.number == 1 and kf.wire_type == expected_wire_type(kfd):
                    return format_value(kfd, scalar_value(kfd, kf))
        return format_value(kfd, default_value(kfd))

    def _tooltip(self, node: _Node) -> str | None:
        if node.error is not None:
            return node.error
        f = node.field
        if f is None:
            return None
        b = self._base
        lines = [f"field {f.number}, wire type {WIRE_TYPE_NAMES[f.wire_type]}",
                 (f"bytes {f.tag_offset + b}…{f.end + b - 1} (tag {f.tag_offset + b}, value {f.value_offset + b}, "
                  f"{f.end - f.value_offset} value bytes)")]
        if node.fd is None and node.desc is None:
            r = self._reading(node)
            lines.append(f"reading: {r.kind} — {r.reason}")
        if node.any_unknown is not None:
            lines.append(f"Any of type {node.any_unknown}, which is not loaded: decoded without a schema")
        return "\n".join(lines)

    # -- editing --------------------------------------------------------------------------------

    def _editor_spec(self, node: _Node) -> EditorSpec | None:
        f = node.field
        if f is None or node.path is None or self._doc is None or node.error is not None:
            return None
        fd = node.fd
        wt = f.wire_type
        if fd is not None:
            if wt == LEN and fd.is_repeated and expected_wire_type(fd) != LEN:
                return _packed_spec(fd, f)
            if wt != expected_wire_type(fd):
                return None
            t = fd.type
            if t in (_FD.TYPE_MESSAGE, _FD.TYPE_GROUP):
                return self._time_spec(node)
            cur = scalar_value(fd, f)
            if t == _FD.TYPE_BOOL:
                return EditorSpec("bool", "bool", cur)
            if t == _FD.TYPE_ENUM:
                choices = tuple((v.name, v.number) for v in fd.enum_type.values)
                return EditorSpec("enum", "int64", cur, -(1 << 31), (1 << 31) - 1, choices,
                                  type_label=f"enum {fd.enum_type.name} (int32)")
            if t in _INT_RANGES:
                kind, lo, hi = _INT_RANGES[t]
                return EditorSpec("int", kind, cur, lo, hi, type_label=TYPE_NAMES[t])
            if t == _FD.TYPE_FLOAT:
                return EditorSpec("float", "float", cur, single_precision=True)
            if t == _FD.TYPE_DOUBLE:
                return EditorSpec("float", "double", cur)
            if t == _FD.TYPE_STRING:
                return EditorSpec("string", "string", cur)
            if t == _FD.TYPE_BYTES:
                return EditorSpec("bytes", "bytes", cur)
            return None
        if node.desc is not None:
            return self._time_spec(node)
        r = self._reading(node)
        k = r.kind
        if k == "bool":
            return EditorSpec("bool", "bool", r.value)
        if k in _KIND_RANGES:
            lo, hi = _KIND_RANGES[k]
            return EditorSpec("int", k, r.value, lo, hi)
        if k in ("float", "double"):
            return EditorSpec("float", k, r.value, single_precision=k == "float")
        if k == "string" and r.value is not None:
            return EditorSpec("string", "string", r.value)
        if k == "bytes" and r.value is not None:
            return EditorSpec("bytes", "bytes", r.value)
        return None

    def _time_spec(self, node: _Node) -> EditorSpec | None:
        """A Timestamp row edits as an RFC 3339 date, a Duration as "1.5s" (both fields at once)."""
        f = node.field
        desc = node.desc
        if desc is None or desc.full_name not in ("google.protobuf.Timestamp", "google.protobuf.Duration") \
                or f is None or f.wire_type != LEN or node.damaged:
            return None
        if self._resolve(node, blocking=False) != 1 or node.level is None or not wk.editable_level(node.level):
            return None
        s, n = wk.seconds_nanos(node.level)
        if desc.full_name == "google.protobuf.Duration":
            return EditorSpec("duration", "duration", wk.format_duration(s, n), type_label=desc.full_name)
        try:
            text = wk.format_timestamp(s, n)
        except ValueError:
            text = ""  # out of range now: the editor starts empty, any valid date replaces it
        return EditorSpec("timestamp", "timestamp", text, type_label=desc.full_name)

    def _set_time(self, node: _Node, spec: EditorSpec, value: Any) -> bool:
        """Write a Timestamp / Duration row's text as seconds + nanos: one undoable edit."""
        assert self._doc is not None and node.path is not None and node.level is not None
        try:
            s, n = (wk.parse_timestamp if spec.widget == "timestamp" else wk.parse_duration)(str(value))
        except ValueError as err:
            self.editRejected.emit(str(err))
            return False
        if (s, n) == wk.seconds_nanos(node.level):
            return False
        f = node.field
        assert f is not None
        shown = (wk.format_timestamp if spec.widget == "timestamp" else wk.format_duration)(s, n)
        what = f"set {self._name(node) or f'field {f.number}'} at offset {f.tag_offset} to {shown}"
        try:
            edit = wk.set_seconds_nanos(self._doc, node.path, s, n, what)
        except (EditError, ValueError) as err:
            self.editRejected.emit(str(err))
            return False
        self.reload()
        self.edited.emit(edit)
        return True

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or index.column() != Column.VALUE:
            return False
        node = self._node(index)
        spec = self._editor_spec(node)
        if spec is None or self._doc is None or node.path is None:
            return False
        if spec.widget in ("timestamp", "duration"):
            return self._set_time(node, spec, value)
        try:
            typed = parse_edit(spec, value)
        except ValueError as err:
            self.editRejected.emit(str(err))
            return False
        if typed == spec.current and type(typed) is type(spec.current):
            return False
        f = node.field
        assert f is not None
        packed = spec.widget == "list"
        if packed and typed == f.value:
            return False
        shown = f"[{str(value)[:60]}]" if packed else _show(typed) if not isinstance(typed, str) else repr(typed)[:60]
        what = f"set field {f.number}" + (f" ({self._name(node)})" if node.fd is not None else "") + \
            f" at offset {f.tag_offset} to {shown}"
        try:
            edit = self._doc.set_field(node.path, typed, None if packed else spec.kind, description=what)
        except (EditError, ValueError, struct.error, OverflowError) as err:
            self.editRejected.emit(str(err))
            return False
        self.reload()
        self.edited.emit(edit)
        return True

    def after_document_change(self) -> None:
        """The document changed outside setData (undo/redo): rebuild."""
        self.reload()

    # -- structure editing ----------------------------------------------------------------------
    # Kept apart from the loading code above: every method here maps a row to its level (parent
    # path + descriptor) and calls pelorus.protobuf.structure / Document, then reloads once and
    # emits ``edited``. They return the new row's index path (for the view to select) or None
    # with ``editRejected`` emitted when the edit is refused.

    def struct_info(self, index: _Index) -> StructInfo | None:
        """What structure edits the row allows (None for error rows and read-only models)."""
        node = self._node(index)
        f = node.field
        if f is None or node.path is None or self._doc is None or node.error is not None:
            return None
        parent = node.parent
        assert parent is not None
        level = parent.level
        fd = self._struct_fd(node)
        label = self._name(node) if fd is not None else (node.label or f"field {f.number}")
        occ = sx.occurrences(level, f.number) if level is not None else [node.path[-1]]
        pos = occ.index(node.path[-1]) if node.path[-1] in occ else 0
        repeated = fd.is_repeated if fd is not None else len(occ) > 1
        packed = fd is not None and fd.is_repeated and f.wire_type == LEN and expected_wire_type(fd) != LEN
        nested = f.wire_type in (LEN, SGROUP) and self._wants_message(node)
        if fd is not None:
            kind = ("map " if sx.is_map(fd) else "repeated " if fd.is_repeated else "") + \
                (self._fd_type(fd) if not sx.is_map(fd) else self._fd_type(fd)[4:-1].replace(", ", " → "))
        else:
            kind = node.desc.full_name if node.desc is not None else self._reading(node).kind
        field_name = fd.name if fd is not None else label
        return StructInfo(
            label=label, field_name=field_name, number=f.number, kind=kind, item=repeated and not packed,
            can_up=repeated and pos > 0, can_down=repeated and pos < len(occ) - 1, nested=nested,
            packed=packed, occurrences=len(occ), can_add_item=fd is not None and fd.is_repeated,
            oneof=sx.real_oneof(fd) if fd is not None else None, size=f.end - f.tag_offset,
        )

    def add_choices(self, index: _Index) -> list[sx.AddChoice]:
        """Fields that can be added inside the row's message (or at the top for an invalid index)."""
        target = self._level_node(index)
        if target is None or target.desc is None or self._doc is None or target.path is None:
            return []
        try:
            level = self._doc.level_at(target.path)[1]
        except EditError:
            return []
        return sx.addable_fields(target.desc, level)

    def add_field(self, index: _Index, number: int) -> IndexPath | None:
        """Add field ``number`` inside the row's message (invalid index: the top level)."""
        target = self._level_node(index)
        if target is None or target.desc is None or target.path is None or self._doc is None:
            self.editRejected.emit("this row is not a message of a known type: nothing to add to")
            return None
        fd = target.desc.fields_by_number.get(number)
        if fd is None:
            self.editRejected.emit(f"{target.desc.full_name} has no field {number}")
            return None
        desc, ppath = target.desc, target.path
        return self._struct_edit(lambda doc: sx.add_field(doc, ppath, desc, fd))

    def raw_add_target(self, index: _Index) -> tuple[IndexPath, int | None] | None:
        """Where a schemaless "Add field…" at the row goes: (parent path, position it follows; None =
        the level's end). Offered on levels no schema describes (a schemaless decode, an unknown
        submessage); None elsewhere and on read-only models."""
        if self._doc is None:
            return None
        if not index.isValid():
            root = self._root
            return ((), None) if root.desc is None and root.level is not None else None
        node = self._node(index)
        parent = node.parent
        if node.path is None or node.field is None or node.error is not None or parent is None \
                or parent.desc is not None or parent.any_type is not None:
            return None
        return node.path[:-1], node.path[-1]

    def add_raw_field(self, index: _Index, number: int, wire_type: int, text: str,
                      as_hex: bool = False) -> IndexPath | None:
        """Add a field by number and wire type after the row, on its level (invalid index: at the end
        of the top level); the value is parsed by structure.raw_value_bytes. One undoable edit."""
        target = self.raw_add_target(index)
        if target is None:
            self.editRejected.emit("fields are added by number only where no schema describes the level")
            return None
        ppath, after = target
        return self._struct_edit(lambda doc: sx.add_raw_field(doc, ppath, after, number, wire_type, text, as_hex))

    def add_item(self, index: _Index) -> IndexPath | None:
        """A new item / map entry of the row's repeated field, right after the row."""
        node = self._node(index)
        fd = self._struct_fd(node)
        parent = node.parent
        if node.path is None or fd is None or not fd.is_repeated or parent is None or parent.desc is None \
                or self._doc is None:
            self.editRejected.emit("only repeated fields and maps get new items")
            return None
        ppath, desc, after = node.path[:-1], parent.desc, node.path[-1]
        return self._struct_edit(lambda doc: sx.add_field(doc, ppath, desc, fd, after=after))

    def remove_row(self, index: _Index) -> IndexPath | None:
        """Remove the row's field occurrence (one repeated item, one map entry, one field)."""
        node = self._node(index)
        info = self.struct_info(index)
        if info is None or node.path is None:
            return None
        path = node.path

        def run(doc: Document) -> tuple[Edit, IndexPath]:
            return doc.remove_field(path, description=f"remove {info.label} ({info.size} bytes)"), path[:-1]

        return self._struct_edit(run)

    def clear_row_field(self, index: _Index) -> IndexPath | None:
        """Remove every occurrence of the row's field on its level (the whole repeated field / map)."""
        node = self._node(index)
        info = self.struct_info(index)
        if info is None or node.path is None:
            return None
        ppath = node.path[:-1]
        return self._struct_edit(lambda doc: (sx.clear_field(doc, ppath, info.number, info.field_name), ppath))

    def move_row(self, index: _Index, step: int) -> IndexPath | None:
        """Swap the row with the previous (-1) / next (+1) item of the same field."""
        node = self._node(index)
        info = self.struct_info(index)
        if info is None or node.path is None:
            return None
        path = node.path
        return self._struct_edit(lambda doc: sx.move_item(doc, path, step, info.label))

    def _struct_edit(self, run: Any) -> IndexPath | None:
        doc = self._doc
        if doc is None:
            return None
        try:
            edit, path = run(doc)
        except (EditError, ValueError) as err:
            self.editRejected.emit(str(err))
            return None
        self.reload()
        self.edited.emit(edit)
        return tuple(path)

    def _struct_fd(self, node: _Node) -> FieldDescriptor | None:
        """The row's field descriptor for structure edits (the Any value row has its fd hidden)."""
        if node.fd is not None:
            return node.fd
        f, parent = node.field, node.parent
        if f is None or parent is None or parent.desc is None:
            return None
        return parent.desc.fields_by_number.get(f.number)

    def _level_node(self, index: _Index) -> _Node | None:
        """The node whose message level an add goes into: the row (if it is a message) or the root."""
        if not index.isValid():
            return self._root
        node = self._node(index)
        if node.field is None or node.path is None or node.desc is None:
            return None
        f = node.field
        if f.wire_type not in (LEN, SGROUP):
            return None
        return node

    # -- lookup ---------------------------------------------------------------------------------

    def index_for_path(self, path: IndexPath) -> QModelIndex:
        """Row for a Document index path, fetching (and decoding) levels on the way; invalid if absent."""
        parent = QModelIndex()
        node = self._root
        for i in path:
            self._resolve(node, blocking=True)
            if node.level is None or not 0 <= i < len(node.level):
                return QModelIndex()
            self._expose(parent, node, i)  # field i is row i: the damage rows come after the fields
            child = self._child(node, i)
            if child.path is None or child.path[-1] != i:
                return QModelIndex()
            parent = self.index(i, 0, parent)
            node = child
        return parent

    def index_at_offset(self, offset: int) -> QModelIndex:
        """Innermost row whose bytes contain ``offset`` (absolute), decoding on the way."""
        msg = self._root.level
        if msg is None:
            return QModelIndex()
        rel = offset - self._base
        parent = QModelIndex()
        node = self._root
        best = QModelIndex()
        while True:
            self._resolve(node, blocking=True)
            if node.level is None:
                return best
            found = self._row_at(node, rel)
            if found is None:
                return best
            self._expose(parent, node, found)
            best = self.index(found, 0, parent)
            ch = self._child(node, found)
            if ch.field is None or rel < ch.field.value_offset:
                return best
            parent = best
            node = ch

    def fetch_all_until(self, parent: _Index, rel_offset: int) -> None:
        """Expose the rows of ``parent`` up to the one containing ``rel_offset`` (or all of them)."""
        node = self._node(parent)
        if self._resolve(node, blocking=True) != 1 or node.level is None:
            return
        row = self._row_at(node, rel_offset)
        self._expose(parent, node, self._total(node) - 1 if row is None else row)


def _is_map(fd: FieldDescriptor) -> bool:
    return fd.type == _FD.TYPE_MESSAGE and fd.message_type.GetOptions().map_entry


def _short_type(fd: FieldDescriptor) -> str:
    if fd.type == _FD.TYPE_ENUM:
        return fd.enum_type.name
    if fd.type in (_FD.TYPE_MESSAGE, _FD.TYPE_GROUP):
        return fd.message_type.name if not fd.message_type.full_name.startswith("google.protobuf.") \
            else fd.message_type.full_name
    return TYPE_NAMES[fd.type]


def _tag_len(f: Field) -> int:
    try:
        return f.tag_length
    except WireError:
        return 1


def scalar_value(fd: FieldDescriptor, f: Field) -> Any:
    """Typed value of a scalar field occurrence per its schema type (wire type must match)."""
    t = fd.type
    wt = f.wire_type
    if wt == VARINT:
        u = read_varint(f.value, 0)[0]
        return varint_as(t, u)
    if wt == FIXED32:
        u32, s32, fl = fixed32_values(f.value)
        return fl if t == _FD.TYPE_FLOAT else (s32 if t == _FD.TYPE_SFIXED32 else u32)
    if wt == FIXED64:
        u64, s64, d = fixed64_values(f.value)
        return d if t == _FD.TYPE_DOUBLE else (s64 if t == _FD.TYPE_SFIXED64 else u64)
    raw = f.value
    if t == _FD.TYPE_STRING:
        return raw.decode("utf-8", errors="replace")
    return raw


_HIGH_BYTES: Final = bytes(range(0x80, 0x100))


def _packed_count(fd: FieldDescriptor, f: Field) -> int | None:
    """Values in a packed run, counted without decoding them (None when the run is malformed)."""
    raw = f.value
    t = fd.type
    if t in _VARINT_TYPES:  # one final byte (< 0x80) per varint
        if raw and raw[-1] >= 0x80:
            return None
        return len(raw.translate(None, _HIGH_BYTES))
    size = 4 if t in _F32_TYPES else 8 if t in _F64_TYPES else 0
    if not size or len(raw) % size:
        return None
    return len(raw) // size


def packed_values(fd: FieldDescriptor, f: Field) -> list[Any] | None:
    raw = f.value
    t = fd.type
    try:
        if t in _VARINT_TYPES:
            out = []
            pos = 0
            while pos < len(raw):
                u, pos = read_varint(raw, pos)
                out.append(varint_as(t, u))
            return out
        if t in _F32_TYPES:
            code = {_FD.TYPE_FLOAT: "f", _FD.TYPE_SFIXED32: "i", _FD.TYPE_FIXED32: "I"}[t]
            return list(struct.unpack(f"<{len(raw) // 4}{code}", raw))
        if t in _F64_TYPES:
            code = {_FD.TYPE_DOUBLE: "d", _FD.TYPE_SFIXED64: "q", _FD.TYPE_FIXED64: "Q"}[t]
            return list(struct.unpack(f"<{len(raw) // 8}{code}", raw))
    except (WireError, struct.error):
        return None
    return None


def _any_type(level: Message) -> str | None:
    for i in range(len(level)):
        if level.key_at(i) == (1 << 3) | LEN:
            url = level[i].value.decode("utf-8", errors="replace")
            return url.rsplit("/", 1)[-1] or None
    return None


def decode_record(buf: Any, start: int, end: int) -> Message:
    """Schemaless level for one record of a stream (offsets absolute)."""
    return decode_span(buf, start, end)
