"""The protobuf editor's document tree, Qt-free: rows, lazy levels, readings, pins, labels, offsets.

One row per field occurrence, in byte order, with exact offsets. A :class:`Node` is built only when
first asked for (:meth:`ProtoTree.child`), straight from its level's field records: row ``i`` of a
level with ten million fields costs the same as row 0, and :meth:`ProtoTree.node_for_path` /
:meth:`ProtoTree.node_at_offset` jump to it (binary search on offsets) without building the rows in
between. A nested level larger than :data:`BIG_VALUE` bytes is not scanned where the caller runs
(the UI thread): :meth:`ProtoTree.is_pending` says so, :meth:`ProtoTree.level_decoder` gives the
decode as a call for a worker thread, then :meth:`ProtoTree.children_resolved`.

Why Qt-free: the tree is the model, as napari's components are; ``console.models.proto_tree``
only adapts it to ``QAbstractItemModel``. Changes are announced through :class:`Event` s:
``resetting`` / ``reset`` around a rebuild, ``inserting`` / ``inserted`` (node, first, last) when
rows become visible to listeners (``exposed``: lazily, in batches), and ``changed`` (node) when a
row's display changes (its big level was decoded).

Without a schema, each field shows its top-ranked reading; :meth:`ProtoTree.readings_of` gives every
reading and :meth:`ProtoTree.pin` chooses another per field-number path (:class:`Pins`). A type can
be assigned to schemaless bytes (:meth:`ProtoTree.assign_type`): a way of reading them, not an edit.
Edits live in :mod:`pelorus.protobuf.editing`.
"""

from __future__ import annotations

import functools
import struct
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as _dc_field
from enum import IntEnum
from typing import TYPE_CHECKING, Any, Final

from google.protobuf.descriptor import Descriptor, FieldDescriptor

from pelorus.protobuf import structure as sx
from pelorus.protobuf import wellknown as wk
from pelorus.protobuf.document import Document, IndexPath
from pelorus.protobuf.events import Event
from pelorus.protobuf.readings import Pins, Reading, readings
from pelorus.protobuf.render import cut_value, default_value, format_value, varint_as
from pelorus.protobuf.schemaless import Field, Message, decode_span
from pelorus.protobuf.valuetext import show_reading
from pelorus.protobuf.wire import (
    FIXED32,
    FIXED64,
    LEN,
    SGROUP,
    VARINT,
    WIRE_TYPE_NAMES,
    WireError,
    fixed32_values,
    fixed64_values,
    read_varint,
)
from pelorus.text import QT_TRANSLATE_NOOP

if TYPE_CHECKING:
    from pelorus.protobuf.schema import SchemaRegistry

BATCH: Final = 256
"""Rows exposed per fetch_more."""
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


expected_wire_type = sx.wire_type_of  # one definition, in pelorus.protobuf.structure


# (reading kind used to encode, min, max) per schema scalar type
INT_RANGES: Final[dict[int, tuple[str, int, int]]] = {
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
KIND_RANGES: Final[dict[str, tuple[int, int]]] = {
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
    value ``[value_start, value_end)``, and for groups the END_GROUP tag ``[value_end, end)``.
    ``wire_type`` (when known) names the value's encoding in :meth:`describe`."""

    start: int
    tag_end: int
    value_start: int
    value_end: int
    end: int
    wire_type: int | None = None

    def contains(self, offset: int) -> bool:
        return self.start <= offset < self.end

    @property
    def is_error(self) -> bool:
        """The one-byte span of an error row (where decoding stopped)."""
        return self.end == self.start + 1 and self.value_start == self.start

    def parts(self) -> list[tuple[int, int, str]]:
        """``(start, end, kind)`` pieces for a hex view: tag, length prefix, value, END_GROUP tag."""
        if self.is_error:
            return [(self.start, self.end, "error")]
        return [(self.start, self.tag_end, "tag"), (self.tag_end, self.value_start, "length"),
                (self.value_start, self.value_end, "value"), (self.value_end, self.end, "tag")]

    def describe(self, number: int) -> str:
        """``Field 7 · bytes 25…32 (8 bytes: tag 1, length prefix 1, value 6)``; a varint, fixed or
        group field names its own parts (``tag 1, varint 2``), never a length prefix it has not."""
        tag = self.tag_end - self.start
        value = self.value_end - self.value_start
        if self.wire_type == SGROUP:
            inner = _GROUP_PARTS.format(tag=tag, value=value, end=self.end - self.value_end)
        elif self.wire_type in _SPAN_PARTS:
            inner = _SPAN_PARTS[self.wire_type].format(tag=tag, value=value)
        else:
            inner = _LEN_PARTS.format(tag=tag, prefix=self.value_start - self.tag_end, value=value)
        return _SPAN.count(self.end - self.start, field=number, first=self.start, last=self.end - 1, parts=inner)


# describe()'s sentence (the editor's status line: the console translates it, see pelorus/text.py)
_SPAN = QT_TRANSLATE_NOOP("FieldSpan", "Field {field} · bytes {first}…{last} ({n} byte(s): {parts})")
_LEN_PARTS = QT_TRANSLATE_NOOP("FieldSpan", "tag {tag}, length prefix {prefix}, value {value}")
_GROUP_PARTS = QT_TRANSLATE_NOOP("FieldSpan", "tag {tag}, fields {value}, end tag {end}")
# The tree's cell texts and tooltips (shown by console.models.proto_tree): marked for the console's
# translation (pelorus/text.py); constant ones made once.
_T_ERROR = QT_TRANSLATE_NOOP("ProtoTree", "error").format()
_T_UNKNOWN = QT_TRANSLATE_NOOP("ProtoTree", "(unknown)").format()
_T_PACKED = QT_TRANSLATE_NOOP("ProtoTree", "{name} (packed)")
_T_PACKED_RUN = QT_TRANSLATE_NOOP("ProtoTree", "{name} (packed, run {run})")
_T_PACKED_N = QT_TRANSLATE_NOOP("ProtoTree", "{name} (packed ×{n:,})")
_T_PACKED_N_RUN = QT_TRANSLATE_NOOP("ProtoTree", "{name} (packed ×{n:,}, run {run})")
_T_PACKED_TYPE = QT_TRANSLATE_NOOP("ProtoTree", "packed {type}")
_T_WIRE_MISMATCH = QT_TRANSLATE_NOOP("ProtoTree", "{type} ≠ wire {wire}")
_T_ONEOF = QT_TRANSLATE_NOOP("ProtoTree", "{type} (oneof {oneof})")
_T_ASSIGNED = QT_TRANSLATE_NOOP("ProtoTree", "{type} (assigned)")
_T_PINNED = QT_TRANSLATE_NOOP("ProtoTree", "{type} (pinned)")
_T_NOT_LOADED = QT_TRANSLATE_NOOP("ProtoTree", "{kind} — type {type} not loaded")
_T_PACKED_BAD = QT_TRANSLATE_NOOP("ProtoTree", "(packed values do not decode)").format()
_T_EXPAND = QT_TRANSLATE_NOOP("ProtoTree", "{size:,} bytes — expand to decode")
_T_FIELDS = QT_TRANSLATE_NOOP("ProtoTree", "{{{n} field(s)}}")
_T_FIELDS_DAMAGED = QT_TRANSLATE_NOOP("ProtoTree", "{{{n} field(s)}} ⚠ damaged")
_T_BYTES = QT_TRANSLATE_NOOP("ProtoTree", "{size:,} bytes")
_T_NOT_MESSAGE = QT_TRANSLATE_NOOP("ProtoTree", "(does not parse as a message)").format()
_T_OUT_OF_RANGE = QT_TRANSLATE_NOOP("ProtoTree", "{s}s {ns}ns (out of range)")
_T_EMPTY_ANY = QT_TRANSLATE_NOOP("ProtoTree", "(empty Any)").format()
_T_ANY_READ_AS = QT_TRANSLATE_NOOP("ProtoTree", "{type} (not loaded) — read as {shown}")
_T_ANY_NOT_LOADED = QT_TRANSLATE_NOOP("ProtoTree", "{type} (type not loaded)")
_T_TIP_FIELD = QT_TRANSLATE_NOOP("ProtoTree", "field {number}, wire type {wire}")
_T_TIP_BYTES = QT_TRANSLATE_NOOP("ProtoTree", "bytes {first}…{last} (tag {tag}, value {value}, {n} value bytes)")
_T_TIP_READING = QT_TRANSLATE_NOOP("ProtoTree", "reading: {kind} — {reason}")
_T_TIP_ANY = QT_TRANSLATE_NOOP("ProtoTree", "Any of type {type}, which is not loaded: decoded without a schema")
_SPAN_PARTS: Final = {VARINT: QT_TRANSLATE_NOOP("FieldSpan", "tag {tag}, varint {value}"),
                      FIXED32: QT_TRANSLATE_NOOP("FieldSpan", "tag {tag}, fixed32 {value}"),
                      FIXED64: QT_TRANSLATE_NOOP("FieldSpan", "tag {tag}, fixed64 {value}")}
"""How describe() names the value of each wire type other than LEN (which has a length prefix) and groups."""


class Tone:
    """How a cell is coloured (the Qt adapter maps these to the palette): see :meth:`ProtoTree.tone`."""

    ERROR: Final = "error"
    UNKNOWN: Final = "unknown"
    MUTED: Final = "muted"


@dataclass(eq=False)
class Node:
    """One row of the tree (or the invisible root): what it shows and, once resolved, its nested level.

    Built lazily by :meth:`ProtoTree.child`; ``exposed`` counts the rows announced to listeners.
    """

    parent: Node | None
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
    rows: dict[int, Node] = _dc_field(default_factory=dict)  # built on first access, by row
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

        keys = np.asarray(level.keys(), dtype=np.int64) >> 3
        self._order = np.argsort(keys, kind="stable")
        self._sorted = keys[self._order]

    def of(self, row: int, number: int) -> int:
        import numpy as np

        lo = int(np.searchsorted(self._sorted, number, "left"))
        hi = int(np.searchsorted(self._sorted, number, "right"))
        return int(np.searchsorted(self._order[lo:hi], row))


class ProtoTree:
    """The tree of one message (a whole document or one record of a stream), without Qt.

    Events (see the module doc): ``resetting()``, ``reset()``, ``inserting(node, first, last)``,
    ``inserted(node, first, last)``, ``changed(node)``. ``root`` is the invisible root node
    (replaced by every rebuild: listeners must not keep nodes across a reset).
    """

    def __init__(self) -> None:
        self.resetting: Event[[]] = Event()
        self.reset: Event[[]] = Event()
        self.inserting: Event[[Node, int, int]] = Event()
        self.inserted: Event[[Node, int, int]] = Event()
        self.changed: Event[[Node]] = Event()
        self.root = Node(None, 0)
        self._announcing = False
        self._doc: Document | None = None
        self._message: Message | None = None
        self._base = 0
        self._descriptor: Descriptor | None = None
        self._registry: SchemaRegistry | None = None
        self.pins = Pins()
        self.assigned: dict[tuple[tuple[int, ...], str | None], str] = {}
        """Types assigned to schemaless length-delimited fields, by (field-number path, the Any's
        type_url type or None): how those bytes are read for the session; the bytes never change."""

    # -- configuration --------------------------------------------------------------------------

    def set_document(self, doc: Document | None, base: int = 0) -> None:
        """Show ``doc`` (editable). ``base`` is added to every displayed offset (record mode)."""
        def change() -> None:
            self._doc = doc
            self._message = None
            self._base = base

        self._reset(change)

    def set_message(self, msg: Message | None, base: int = 0) -> None:
        """Show a decoded level read-only (offsets in ``msg`` are already absolute → base 0)."""
        def change() -> None:
            self._doc = None
            self._message = msg
            self._base = base

        self._reset(change)

    def set_schema(self, registry: SchemaRegistry | None, type_name: str | None) -> None:
        """Decode with ``type_name`` from ``registry`` (None: schemaless). Raises SchemaError."""
        desc = registry.find(type_name) if (registry is not None and type_name) else None
        def change() -> None:
            self._registry = registry
            self._descriptor = desc

        self._reset(change)

    def reload(self) -> None:
        """Rebuild from the document (after an edit, undo or redo: every offset after it moved)."""
        self._reset(lambda: None)

    def _reset(self, change: Callable[[], None]) -> None:
        """Apply ``change`` and rebuild, announced as one reset. No rows are exposed from a
        ``resetting`` listener (they would belong to the tree being replaced); ``reset`` listeners
        may expose rows of the new tree (the editor re-expands the rows it had open)."""
        self._announcing = True
        try:
            self.resetting.emit()
            change()
            self._rebuild()
        finally:
            self._announcing = False
        self.reset.emit()

    def pin(self, node: Node, kind: str | None) -> None:
        """Pin (or with None unpin) a reading for the row's field-number path; the tree reloads."""
        if node.field is None:
            return
        if kind is None:
            self.pins.unpin(node.numpath)
        else:
            self.pins.pin(node.numpath, kind)
        self.reload()

    @property
    def document(self) -> Document | None:
        return self._doc

    @property
    def descriptor(self) -> Descriptor | None:
        return self._descriptor

    @property
    def registry(self) -> SchemaRegistry | None:
        return self._registry

    @property
    def base(self) -> int:
        return self._base

    def root_message(self) -> Message | None:
        return self.root.level

    def root_error(self) -> WireError | None:
        """Where the root level is damaged (None when the message is whole)."""
        msg = self.root.level
        return None if msg is None else msg.error

    def _rebuild(self) -> None:
        root = Node(None, 0, desc=self._descriptor)
        msg = self._doc.root if self._doc is not None else self._message
        if msg is not None:
            root.level = msg
            root.state = 1
            root.damaged = msg.error is not None
            if self._descriptor is not None and self._descriptor.full_name == "google.protobuf.Any":
                root.any_type = _any_type(msg)
        root.path = ()
        self.root = root

    # -- assigned types (a way of reading bytes, not an edit) ------------------------------------

    def assign_node(self, node: Node) -> Node | None:
        """The node whose bytes "Assign type…" reads as a message: a schemaless length-delimited
        field (an unknown field, a schemaless decode, the value of an Any whose type is not loaded),
        or for such an Any's own row its value; None elsewhere."""
        if self._registry is None or node.field is None or node.error is not None:
            return None
        if node.desc is not None and node.desc.full_name == "google.protobuf.Any" and not node.assigned:
            if self.resolve(node, blocking=False) != 1 or node.level is None or not node.any_type \
                    or self.find_type(node.any_type) is not None:
                return None
            for row in range(len(node.level)):
                if node.level.key_at(row) == (2 << 3) | LEN:
                    self.expose(node, row)
                    return self.child(node, row)
            return None
        if node.fd is None and node.field.wire_type == LEN and (node.desc is None or node.assigned):
            return node
        return None

    def can_assign_type(self, node: Node) -> bool:
        """The row's bytes can be read as a chosen message type (see ``assign_type``)."""
        return self.assign_node(node) is not None

    def assigned_type(self, node: Node) -> str | None:
        """The type assigned to the row's bytes (or, on an Any row, to its value), if any."""
        target = self.assign_node(node)
        return None if target is None else self.assigned.get((target.numpath, target.any_unknown))

    def message_type_names(self) -> list[str]:
        return [] if self._registry is None else list(self._registry.message_types())

    def assign_type(self, node: Node, type_name: str | None) -> str | None:
        """Read the row's bytes as ``type_name`` (None: back to the schemaless reading) for the
        session, keyed like a pin by field-number path (and, for an Any, its type_url). The document
        does not change. Returns why not (the tree unchanged), or None when done (the tree reloads)."""
        target = self.assign_node(node)
        if target is None:
            return ("only a schemaless length-delimited field (or an Any of a type that is not loaded) can be read "
                    "as a chosen type")
        key = (target.numpath, target.any_unknown)
        if type_name is None:
            self.assigned.pop(key, None)
        else:
            desc = self.find_type(type_name)
            if desc is None:
                return f"type {type_name} is not loaded"
            self.assigned[key] = desc.full_name
        self.reload()
        return None

    # -- rows -------------------------------------------------------------------------------------

    def has_children(self, node: Node) -> bool:
        """The row has (or may have, before a big level is decoded) children."""
        if node is self.root:
            return node.level is not None and (len(node.level) > 0 or node.damaged)
        if node.exposed:
            return True
        state = self.resolve(node, blocking=False)
        if state == 2:
            return True
        return node.level is not None and (len(node.level) > 0 or node.damaged)

    def can_fetch_more(self, node: Node) -> bool:
        if self._announcing or self.resolve(node, blocking=False) != 1 or node.level is None:
            return False
        return node.exposed < self.total(node)

    def fetch_more(self, node: Node) -> None:
        """Expose the next :data:`BATCH` rows of a resolved level."""
        if self.resolve(node, blocking=False) != 1 or node.level is None:
            return
        self.expose(node, node.exposed + BATCH - 1)

    def fetch_all(self, node: Node | None = None) -> None:
        node = self.root if node is None else node
        while self.can_fetch_more(node):
            self.fetch_more(node)

    def expose(self, node: Node, row: int) -> None:
        """Announce every row up to ``row`` (clipped to the level) in one insertion."""
        last = min(row, self.total(node) - 1)
        if last < node.exposed or self._announcing:
            return
        first = node.exposed
        # A listener may ask for more rows while it is told about these (Qt's model tester calls
        # fetchMore from its rowsAboutToBeInserted slot, before ``exposed`` moved): that insertion
        # would be announced inside this one, the same rows twice. Such a request is ignored
        # (can_fetch_more is False meanwhile); the rows stay fetchable afterwards.
        self._announcing = True
        try:
            self.inserting.emit(node, first, last)
            node.exposed = last + 1
            self.inserted.emit(node, first, last)
        finally:
            self._announcing = False

    def is_pending(self, node: Node) -> bool:
        """The row's nested level is large and not decoded yet (run level_decoder in a thread)."""
        return self.resolve(node, blocking=False) == 2

    def level_decoder(self, node: Node) -> Callable[[], int]:
        """The decode of the row's nested level, as a call for a worker thread (it emits nothing)."""
        return functools.partial(self.resolve, node, True)

    def children_resolved(self, node: Node) -> None:
        """Call on the listeners' thread after level_decoder ran: the row changes, its rows appear."""
        if node.state == 1:
            self.changed.emit(node)
            self.fetch_more(node)

    # -- decoding a level -----------------------------------------------------------------------

    def resolve(self, node: Node, blocking: bool) -> int:
        """Work out the node's nested level: 1 resolved (level may be None), 2 pending (big and
        ``blocking`` False). Emits no event: it may run in a worker thread."""
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
        if self.wants_message(node):
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

    def _child_cached(self, node: Node) -> bool:
        return node.field is not None and node.field.message_cached

    def wants_message(self, node: Node) -> bool:
        """The row's bytes are shown as a nested message (schema, assigned type, or reading)."""
        f = node.field
        assert f is not None
        scalar = node.fd is not None and node.fd.type not in (_FD.TYPE_MESSAGE, _FD.TYPE_GROUP)
        if node.error is not None and f.wire_type == LEN and not scalar:  # a truncated field: show what is left of it
            if node.fd is None and node.desc is None and self.reading(node).kind == "string":
                return False  # schemaless, and what survives reads as text: a cut string, not a message
            part = f.partial_message()
            return len(part) > 0 or part.damaged is not None
        if node.fd is not None:
            return node.fd.type in (_FD.TYPE_MESSAGE, _FD.TYPE_GROUP) and f.wire_type == expected_wire_type(node.fd)
        if node.desc is not None:  # Any value with a known type
            return True
        kind = self.reading(node).kind
        return kind in ("message", "group")

    def total(self, node: Node) -> int:
        """Rows of a resolved level: its fields, then (if damaged) the truncated field and the error."""
        if node.total < 0:
            level = node.level
            if level is None:
                return 0
            node.total = len(level) + (0 if level.error is None else 1 + (level.damaged is not None))
        return node.total

    def child(self, node: Node, row: int) -> Node:
        """Row ``row`` of a resolved level, built on first access (any order)."""
        child = node.rows.get(row)
        if child is None:
            child = node.rows[row] = self._make_child(node, row)
        return child

    def _make_child(self, node: Node, row: int) -> Node:
        level = node.level
        assert level is not None
        desc = node.desc
        n = len(level)
        if row >= n:  # the damage rows after the last whole field
            err = level.error
            assert err is not None
            if row == n and level.damaged is not None:
                d = level.damaged
                dn = Node(node, row, field=d, path=None, numpath=(*node.numpath, d.number),
                          fd=self._field_descriptor(desc, d.number))
                if dn.fd is not None and dn.fd.type in (_FD.TYPE_MESSAGE, _FD.TYPE_GROUP):
                    dn.desc = dn.fd.message_type
                if dn.fd is not None and dn.fd.is_repeated and not is_map(dn.fd):  # the cut item is args[1]
                    dn.occurrence = self._occurrence(node, row, d.number)
                dn.error = f"truncated: {err.reason}"
                dn.error_offset = err.offset
                return dn
            en = Node(node, row, error=f"damaged at offset {err.offset + self._base}: {err.reason}",
                      error_offset=err.offset)
            en.state = 1
            return en
        any_desc: Descriptor | None = None
        any_missing: str | None = None
        if desc is not None and desc.full_name == "google.protobuf.Any" and node.any_type:
            any_desc = self.find_type(node.any_type)
            if any_desc is None:
                any_missing = node.any_type
        addressable = node.path is not None and not node.damaged
        f = level[row]
        num = f.number
        fd = self._field_descriptor(desc, num)
        child = Node(node, row, field=f, path=(*node.path, row) if addressable and node.path is not None else None,
                     numpath=(*node.numpath, num), fd=fd)
        if fd is not None:
            if fd.type in (_FD.TYPE_MESSAGE, _FD.TYPE_GROUP):
                child.desc = fd.message_type
            if fd.is_repeated and not is_map(fd):
                child.occurrence = self._occurrence(node, row, num)
            if num == 2 and (any_desc is not None or any_missing is not None):
                child.fd = None  # the packed message, not "bytes": unpacked with its own type
                child.label = "value"
                child.desc = any_desc
                child.any_unknown = any_missing
        if child.fd is None and child.desc is None and f.wire_type == LEN:
            name = self.assigned.get((child.numpath, child.any_unknown))
            found = self.find_type(name) if name else None
            if found is not None:
                child.desc = found
                child.assigned = found.full_name
        return child

    def _occurrence(self, node: Node, row: int, number: int) -> int:
        level = node.level
        assert level is not None
        if row < 32:
            key_at = level.key_at
            return sum(1 for j in range(row) if key_at(j) >> 3 == number)
        if node.occurrences is None:
            node.occurrences = _Occurrences(level)
        return node.occurrences.of(row, number)

    def _row_at(self, node: Node, rel: int) -> int | None:
        """Row whose bytes contain ``rel`` (binary search on the level's offsets), or the error row."""
        level = node.level
        assert level is not None
        at = level.index_at(rel)
        if at is not None:
            return at
        n = len(level)
        err = level.error
        if err is None:
            return None
        d = level.damaged
        if d is not None and d.tag_offset <= rel < d.end:
            return n
        if err.offset <= rel:
            return self.total(node) - 1
        return None

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

    def find_type(self, name: str) -> Descriptor | None:
        """A loaded message type by full name (None when no schema has it)."""
        if self._registry is None:
            return None
        try:
            return self._registry.pool.FindMessageTypeByName(name)
        except KeyError:
            return None

    def field_descriptor(self, node: Node) -> FieldDescriptor | None:
        """The row's field descriptor for structure edits (the Any value row has its fd hidden)."""
        if node.fd is not None:
            return node.fd
        f, parent = node.field, node.parent
        if f is None or parent is None or parent.desc is None:
            return None
        return parent.desc.fields_by_number.get(f.number)

    # -- lookup ---------------------------------------------------------------------------------

    def node_for_path(self, path: IndexPath) -> Node | None:
        """The row for a Document index path, exposing (and decoding) levels on the way; None if absent."""
        node = self.root
        for i in path:
            self.resolve(node, blocking=True)
            if node.level is None or not 0 <= i < len(node.level):
                return None
            self.expose(node, i)  # field i is row i: the damage rows come after the fields
            if i >= node.exposed:  # asked from inside an announcement: the row cannot appear now
                return None
            child = self.child(node, i)
            if child.path is None or child.path[-1] != i:
                return None
            node = child
        return node

    def node_at_offset(self, offset: int) -> Node | None:
        """Innermost row whose bytes contain ``offset`` (absolute), decoding and exposing on the way."""
        if self.root.level is None:
            return None
        rel = offset - self._base
        node = self.root
        best: Node | None = None
        while True:
            self.resolve(node, blocking=True)
            if node.level is None:
                return best
            found = self._row_at(node, rel)
            if found is None:
                return best
            self.expose(node, found)
            if found >= node.exposed:  # asked from inside an announcement (see expose)
                return best
            best = ch = self.child(node, found)
            if ch.field is None or rel < ch.field.value_offset:
                return best
            node = ch

    def fetch_all_until(self, node: Node, rel_offset: int) -> None:
        """Expose the rows of ``node`` up to the one containing ``rel_offset`` (or all of them)."""
        if self.resolve(node, blocking=True) != 1 or node.level is None:
            return
        row = self._row_at(node, rel_offset)
        self.expose(node, self.total(node) - 1 if row is None else row)

    # -- readings -------------------------------------------------------------------------------

    def reading(self, node: Node) -> Reading:
        """The reading a schemaless row shows: the pinned one, else the best (cheap for big values)."""
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

    def _quick_reading(self, node: Node) -> Reading:
        """A cheap reading for a large value: a message if it parses (in a thread), else bytes/string."""
        f = node.field
        assert f is not None
        if node.state != 1 and not self._child_cached(node) and f.end - f.value_offset > BIG_VALUE:
            return Reading("message", None, 0.5, "large value: decoded when expanded")
        msg = f.message()
        if msg is not None:
            return Reading("message", msg, 0.8, f"parses cleanly as a message with {len(msg)} field(s)")
        head = f.value_head(4096)
        try:
            head.decode("utf-8")
            return Reading("string", None, 0.5, "large UTF-8 text (first 4 KB checked)")
        except UnicodeDecodeError as err:
            if err.start > len(head) - 4:
                return Reading("string", None, 0.5, "large UTF-8 text (first 4 KB checked)")
        return Reading("bytes", None, 0.1, "large raw bytes")

    def readings_of(self, node: Node) -> list[Reading]:
        """Every reading of a schemaless row (pinned / best first); [] for schema and assigned rows."""
        f = node.field
        if f is None or node.fd is not None or node.assigned:  # an assigned type is the reading
            return []
        try:
            return readings(f, self.pins.get(node.numpath))
        except ValueError:
            return readings(f)

    # -- display --------------------------------------------------------------------------------

    def text(self, node: Node, col: int) -> str:
        """The cell text of column ``col`` (cached per node until the next rebuild)."""
        if node.cache is None:
            node.cache = {}
        text: str | None = node.cache.get(col)
        if text is None:
            text = node.cache[col] = self._display(node, col)
        return text

    def tone(self, node: Node, col: int) -> str | None:
        """:class:`Tone` of a cell: error rows, unknown fields under a schema, muted number/bytes/type."""
        if node.error is not None:
            return Tone.ERROR
        if node.field is not None and self._descriptor is not None and node.fd is None and node.desc is None:
            return Tone.UNKNOWN  # unknown field under a schema, or a schemaless Any value
        if col in (Column.NUMBER, Column.BYTES, Column.TYPE):
            return Tone.MUTED
        return None

    def byte_span(self, node: Node) -> FieldSpan | None:
        """The row's byte ranges, absolute (``base`` added); an error row spans its one byte."""
        f = node.field
        b = self._base
        if f is None:
            if node.error is not None and node.error_offset >= 0:
                o = node.error_offset + b
                return FieldSpan(o, o, o, o + 1, o + 1)
            return None
        tag_end = f.tag_offset + _tag_len(f)
        value_end = f.value_end if f.wire_type == SGROUP else f.end
        return FieldSpan(f.tag_offset + b, tag_end + b, f.value_offset + b, value_end + b, f.end + b, f.wire_type)

    def _display(self, node: Node, col: int) -> str:
        if node.error is not None and node.field is None:
            shown: dict[int, str] = {Column.NUMBER: "⚠", Column.NAME: _T_ERROR, Column.VALUE: node.error}
            return shown.get(col, "")
        f = node.field
        assert f is not None
        if col == Column.NUMBER:
            return str(f.number)
        if col == Column.BYTES:
            return f"@{f.tag_offset + self._base} +{f.end - f.tag_offset}"
        if col == Column.NAME:
            return self.name(node)
        if col == Column.TYPE:
            return self._type(node)
        if col == Column.VALUE:
            if node.error is not None:
                return self._truncated_value(node)
            return self._value(node)
        return ""

    def name(self, node: Node) -> str:
        """The Name column: ``args[1]``, ``labels[team]``, ``[ext.name]``, ``(unknown)``, or ""."""
        fd = node.fd
        if node.label is not None:
            return node.label
        if fd is None:
            return "" if self._descriptor is None else _T_UNKNOWN
        name = fd.name if not fd.is_extension else f"[{fd.full_name}]"
        if is_map(fd):
            key = self._map_key(node)
            return f"{name}[{key}]"
        if fd.is_repeated and node.occurrence >= 0:
            f = node.field
            if f is not None and f.wire_type == LEN and expected_wire_type(fd) != LEN:
                # one packed run holds many values: it is the run, not item [i]
                n = packed_count(fd, f)
                run = node.occurrence + 1
                if n is not None:
                    return (_T_PACKED_N_RUN if node.occurrence else _T_PACKED_N).format(name=name, n=n, run=run)
                return (_T_PACKED_RUN if node.occurrence else _T_PACKED).format(name=name, run=run)
            return f"{name}[{node.occurrence}]"
        return name

    def _type(self, node: Node) -> str:
        fd = node.fd
        f = node.field
        assert f is not None
        if fd is not None:
            if f.wire_type != expected_wire_type(fd):
                if f.wire_type == LEN and fd.is_repeated and expected_wire_type(fd) != LEN:
                    return _T_PACKED_TYPE.format(type=fd_type(fd))
                return _T_WIRE_MISMATCH.format(type=fd_type(fd), wire=WIRE_TYPE_NAMES[f.wire_type])
            t = fd_type(fd)
            if fd.containing_oneof is not None and not fd.containing_oneof.name.startswith("_"):
                return _T_ONEOF.format(type=t, oneof=fd.containing_oneof.name)
            return t
        if node.desc is not None:
            return _T_ASSIGNED.format(type=node.desc.full_name) if node.assigned else node.desc.full_name
        r = self.reading(node)
        kind: str = _T_PINNED.format(type=r.kind) if r.pinned else r.kind
        if node.any_unknown is not None:
            return _T_NOT_LOADED.format(kind=kind, type=node.any_unknown)
        return kind

    def _value(self, node: Node) -> str:
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
                return _T_PACKED_BAD
            shown = ", ".join(format_value(fd, v) for v in vals[:16])
            return f"[{shown}{', …' if len(vals) > 16 else ''}] ({len(vals)})"
        if node.desc is not None and node.fd is None:  # Any value with a known type
            return self._message_summary(node)
        r = self.reading(node)
        if r.kind in ("message", "group"):
            self.resolve(node, blocking=False)
            if node.state == 2:
                return _T_EXPAND.format(size=f.end - f.value_offset)
            msg = node.level if node.level is not None else r.value
            return _T_FIELDS.count(len(msg) if isinstance(msg, Message) else 0)
        if r.value is None and r.kind in ("string", "bytes"):
            return _T_BYTES.format(size=f.end - f.value_offset)
        return show_reading(r)

    def _truncated_value(self, node: Node) -> str:
        """The value column of a damaged row: a cut string or bytes shows what survives and how much
        is missing (a cut submessage shows its whole fields as children instead)."""
        f = node.field
        if f is None or f.wire_type != LEN or f.length_offset is None or self.wants_message(node):
            return f"⚠ {node.error}"
        fd = node.fd
        if fd is not None and fd.type in (_FD.TYPE_MESSAGE, _FD.TYPE_GROUP):
            return f"⚠ {node.error}"
        return cut_value(f, fd is None or fd.type == _FD.TYPE_STRING, self._base)

    def _message_summary(self, node: Node) -> str:
        f = node.field
        assert f is not None
        state = self.resolve(node, blocking=False)
        if state == 2:
            return _T_EXPAND.format(size=f.end - f.value_offset)
        level = node.level
        if level is None:
            return _T_NOT_MESSAGE
        desc = node.desc
        name = desc.full_name if desc is not None else ""
        if name == "google.protobuf.Timestamp":
            s, n = wk.seconds_nanos(level)
            try:
                return wk.format_timestamp(s, n)
            except ValueError:
                return _T_OUT_OF_RANGE.format(s=s, ns=n)
        if name == "google.protobuf.Duration":
            s, n = wk.seconds_nanos(level)
            return wk.format_duration(s, n)
        if name == "google.protobuf.Any":
            if node.any_type is None:
                return _T_EMPTY_ANY
            if self.find_type(node.any_type) is not None:
                return node.any_type
            shown = self.assigned.get(((*node.numpath, 2), node.any_type))
            if shown and self.find_type(shown) is not None:
                return _T_ANY_READ_AS.format(type=node.any_type, shown=shown)
            return _T_ANY_NOT_LOADED.format(type=node.any_type)
        if node.fd is not None and is_map(node.fd):
            vfd = message_type(node.fd).fields_by_number[2]
            for i in range(len(level)):
                vf = level[i]
                if vf.number == 2 and vf.wire_type == expected_wire_type(vfd):
                    if vfd.type == _FD.TYPE_MESSAGE:
                        return "{…}"
                    return format_value(vfd, scalar_value(vfd, vf))
            return format_value(vfd, default_value(vfd))
        return (_T_FIELDS_DAMAGED if node.damaged else _T_FIELDS).count(len(level))

    def _map_key(self, node: Node) -> str:
        f = node.field
        fd = node.fd
        assert f is not None and fd is not None
        level = f.message()
        kfd = message_type(fd).fields_by_number[1]
        if level is not None:
            for i in range(len(level)):
                kf = level[i]
                if kf.number == 1 and kf.wire_type == expected_wire_type(kfd):
                    return format_value(kfd, scalar_value(kfd, kf))
        return format_value(kfd, default_value(kfd))

    def tooltip(self, node: Node) -> str | None:
        """Wire type, byte ranges and (schemaless) why this reading was chosen."""
        lines = self.tooltip_lines(node)
        return "\n".join(lines) if lines is not None else None

    def tooltip_lines(self, node: Node) -> list[str] | None:
        """:meth:`tooltip`'s lines (:class:`~pelorus.text.Text` s, for the console to translate)."""
        if node.error is not None:
            return [node.error]
        f = node.field
        if f is None:
            return None
        b = self._base
        lines: list[str] = [_T_TIP_FIELD.format(number=f.number, wire=WIRE_TYPE_NAMES[f.wire_type]),
                 _T_TIP_BYTES.format(first=f.tag_offset + b, last=f.end + b - 1, tag=f.tag_offset + b,
                                     value=f.value_offset + b, n=f.end - f.value_offset)]
        if node.fd is None and node.desc is None:
            r = self.reading(node)
            lines.append(_T_TIP_READING.format(kind=r.kind, reason=r.reason))
        if node.any_unknown is not None:
            lines.append(_T_TIP_ANY.format(type=node.any_unknown))
        return lines


def fd_type(fd: FieldDescriptor) -> str:
    """The Type column of a schema field: ``uint32``, ``PodSpec``, ``map<string, string>``."""
    if is_map(fd):
        kt = message_type(fd).fields_by_number[1]
        vt = message_type(fd).fields_by_number[2]
        return f"map<{_short_type(kt)}, {_short_type(vt)}>"
    return _short_type(fd)


is_map = sx.is_map  # one definition, in pelorus.protobuf.structure


def message_type(fd: FieldDescriptor) -> Descriptor:
    """The message type of a message / group / map field (the stubs type it Optional)."""
    mt = fd.message_type
    assert mt is not None, fd.full_name
    return mt


def _short_type(fd: FieldDescriptor) -> str:
    if fd.type == _FD.TYPE_ENUM:
        et = fd.enum_type
        assert et is not None
        return str(et.name)
    if fd.type in (_FD.TYPE_MESSAGE, _FD.TYPE_GROUP):
        mt = message_type(fd)
        return str(mt.name) if not mt.full_name.startswith("google.protobuf.") else str(mt.full_name)
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


def packed_count(fd: FieldDescriptor, f: Field) -> int | None:
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
