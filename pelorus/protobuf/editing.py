"""Edits of the protobuf editor's document tree, Qt-free: values, structure, oneofs, well-known types.

Why a module apart from :mod:`pelorus.protobuf.tree`: the tree reads (rows, labels, readings);
this module changes the document. Each operation maps a row (a :class:`~pelorus.protobuf.tree.Node`)
to its level (parent path + descriptor), writes through :class:`~pelorus.protobuf.document.Document`
/ :mod:`pelorus.protobuf.structure` / :mod:`pelorus.protobuf.wellknown`, then reloads the tree once
(every edit moves the offsets after it) and emits ``edited(edit)``. A refused edit changes nothing
and emits ``rejected(reason)``; structure edits then return None, else the index path of the row to
select.

A value cell's editor is described by :class:`EditorSpec` (which widget, range, choices);
:func:`parse_edit` turns what an editor produced into the typed value, or says why not.
"""

from __future__ import annotations

import base64
import binascii
import math
import struct
from collections.abc import Callable
from dataclasses import dataclass

from google.protobuf.descriptor import FieldDescriptor

from pelorus.protobuf import structure as sx
from pelorus.protobuf import wellknown as wk
from pelorus.protobuf.document import Document, Edit, EditError, IndexPath
from pelorus.protobuf.events import Event
from pelorus.protobuf.render import _show, format_value
from pelorus.protobuf.schemaless import Field
from pelorus.protobuf.tree import (
    INT_RANGES,
    KIND_RANGES,
    TYPE_NAMES,
    Node,
    ProtoTree,
    expected_wire_type,
    fd_type,
    packed_values,
    scalar_value,
)
from pelorus.protobuf.wire import LEN, SGROUP, encode_varint
from pelorus.text import QT_TRANSLATE_NOOP, text_of

_FD = FieldDescriptor

__all__ = ["EditorSpec", "StructInfo", "TreeEditor", "parse_edit", "parse_packed"]


# Edit descriptions (the editor's status line, Undo, the save preview): marked for the console's
# translation (pelorus/text.py).
_SET_FIELD = QT_TRANSLATE_NOOP("TreeEditor", "set field {number} at offset {offset} to {value}")
_SET_NAMED = QT_TRANSLATE_NOOP("TreeEditor", "set field {number} ({name}) at offset {offset} to {value}")
_SET_TIME = QT_TRANSLATE_NOOP("TreeEditor", "set {name} at offset {offset} to {value}")
_REMOVE = QT_TRANSLATE_NOOP("TreeEditor", "remove {label} ({size} bytes)")


def _enum_choices(fd: FieldDescriptor) -> tuple[tuple[str, int], ...]:
    et = fd.enum_type
    assert et is not None
    return tuple((str(v.name), int(v.number)) for v in et.values)


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
                raise ValueError(QT_TRANSLATE_NOOP(
                    "ValueEditor", "{value!r} is not true or false").format(value=value))
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
                raise ValueError(QT_TRANSLATE_NOOP(
                    "ValueEditor", "{value!r} is not a whole number").format(value=value)) from None
        else:
            n = int(value)  # type: ignore[call-overload]
        lo, hi = spec.minimum, spec.maximum
        if lo is not None and hi is not None and not lo <= n <= hi:
            what = spec.type_label or (spec.kind.replace('64', '') if w == 'enum' else spec.kind)
            raise ValueError(QT_TRANSLATE_NOOP(
                "ValueEditor", "{n} is out of range for {what}: {lo} … {hi}").format(n=n, what=what, lo=lo, hi=hi))
        return n
    if w == "float":
        try:
            x = float(str(value).strip()) if isinstance(value, str) else float(value)  # type: ignore[arg-type]
        except ValueError:
            raise ValueError(QT_TRANSLATE_NOOP(
                "ValueEditor", "{value!r} is not a number").format(value=value)) from None
        if spec.single_precision and math.isfinite(x) and abs(x) > 3.4028234663852886e38:
            raise ValueError(QT_TRANSLATE_NOOP(
                "ValueEditor", "{x} does not fit in a 32-bit float").format(x=x))
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
                raise ValueError(QT_TRANSLATE_NOOP(
                    "ValueEditor", "{b64!r} is not valid base64").format(b64=b64)) from None
        if text.startswith(("0x", "0X")):
            text = text[2:]
        try:
            return bytes.fromhex(text)
        except ValueError:
            raise ValueError(QT_TRANSLATE_NOOP(
                "ValueEditor", "bytes must be hex digits (0a ff 10) or base64: then base64 text").format()) from None
    if w == "list":
        return parse_packed(spec, str(value))
    raise ValueError(QT_TRANSLATE_NOOP("ValueEditor", "no editor for {w}").format(w=w))


def _packed_spec(fd: FieldDescriptor, f: Field) -> EditorSpec | None:
    """A packed run of repeated scalars is edited as one comma-separated list (add, remove, reorder)."""
    vals = packed_values(fd, f)
    if vals is None:
        return None
    names = _enum_choices(fd) if fd.type == _FD.TYPE_ENUM else ()
    lo, hi = (INT_RANGES[fd.type][1], INT_RANGES[fd.type][2]) if fd.type in INT_RANGES else (None, None)
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
                    raise ValueError(QT_TRANSLATE_NOOP(
                        "ValueEditor", "{item!r} is not true or false").format(item=item))
                out += b"\x01" if item.lower() in ("true", "1") else b"\x00"
                continue
            named = dict(spec.choices)
            v = named[item] if item in named else int(item.split(" ", 1)[0], 0)
        except (ValueError, struct.error) as err:
            raise ValueError(QT_TRANSLATE_NOOP(
                "ValueEditor", "item {n} ({item!r}): {err}").format(n=n, item=item, err=err)) from None
        if spec.minimum is not None and spec.maximum is not None and not spec.minimum <= v <= spec.maximum:
            raise ValueError(QT_TRANSLATE_NOOP(
                "ValueEditor", "item {n}: {v} is out of range for {t}: {minimum} … {maximum}").format(
                n=n, v=v, t=t, minimum=spec.minimum, maximum=spec.maximum))
        if t in ("fixed32", "sfixed32"):
            out += struct.pack("<I" if t == "fixed32" else "<i", v)
        elif t in ("fixed64", "sfixed64"):
            out += struct.pack("<Q" if t == "fixed64" else "<q", v)
        elif t in ("sint32", "sint64"):
            out += encode_varint((v << 1) ^ (v >> 63))
        else:
            out += encode_varint(v)
    return bytes(out)



EditRun = Callable[[Document], tuple[Edit, IndexPath]]
"""A structure edit: applied to the document, gives the Edit and the index path to select."""


class TreeEditor:
    """Edits through one :class:`ProtoTree`. Events: ``edited(Edit)`` after an applied edit (the
    tree has reloaded), ``rejected(str)`` when a value did not parse / fit or an edit was refused."""

    def __init__(self, tree: ProtoTree) -> None:
        self.tree = tree
        self.edited: Event[[Edit]] = Event()
        self.rejected: Event[[str]] = Event()

    # -- value cells ------------------------------------------------------------------------------

    def editor_spec(self, node: Node) -> EditorSpec | None:
        """What editor the row's value cell needs; None when it is not editable (read-only tree,
        error rows, submessages other than Timestamp / Duration, mismatched wire types)."""
        f = node.field
        if f is None or node.path is None or self.tree.document is None or node.error is not None:
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
                et = fd.enum_type
                assert et is not None
                return EditorSpec("enum", "int64", cur, -(1 << 31), (1 << 31) - 1, _enum_choices(fd),
                                  type_label=f"enum {et.name} (int32)")
            if t in INT_RANGES:
                kind, lo, hi = INT_RANGES[t]
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
        r = self.tree.reading(node)
        k = r.kind
        if k == "bool":
            return EditorSpec("bool", "bool", r.value)
        if k in KIND_RANGES:
            lo, hi = KIND_RANGES[k]
            return EditorSpec("int", k, r.value, lo, hi)
        if k in ("float", "double"):
            return EditorSpec("float", k, r.value, single_precision=k == "float")
        if k == "string" and r.value is not None:
            return EditorSpec("string", "string", r.value)
        if k == "bytes" and r.value is not None:
            return EditorSpec("bytes", "bytes", r.value)
        return None

    def _time_spec(self, node: Node) -> EditorSpec | None:
        """A Timestamp row edits as an RFC 3339 date, a Duration as "1.5s" (both fields at once)."""
        f = node.field
        desc = node.desc
        if desc is None or desc.full_name not in ("google.protobuf.Timestamp", "google.protobuf.Duration") \
                or f is None or f.wire_type != LEN or node.damaged:
            return None
        if self.tree.resolve(node, blocking=False) != 1 or node.level is None or not wk.editable_level(node.level):
            return None
        s, n = wk.seconds_nanos(node.level)
        if desc.full_name == "google.protobuf.Duration":
            return EditorSpec("duration", "duration", wk.format_duration(s, n), type_label=desc.full_name)
        try:
            text = wk.format_timestamp(s, n)
        except ValueError:
            text = ""  # out of range now: the editor starts empty, any valid date replaces it
        return EditorSpec("timestamp", "timestamp", text, type_label=desc.full_name)

    def set_value(self, node: Node, value: object) -> bool:
        """Write what a value editor produced into the row's bytes: one undoable edit. False when
        nothing changed (same value, or refused: ``rejected`` says why)."""
        spec = self.editor_spec(node)
        doc = self.tree.document
        if spec is None or doc is None or node.path is None:
            return False
        if spec.widget in ("timestamp", "duration"):
            return self._set_time(node, spec, value)
        try:
            typed = parse_edit(spec, value)
        except ValueError as err:
            self.rejected.emit(text_of(err))
            return False
        if typed == spec.current and type(typed) is type(spec.current):
            return False
        f = node.field
        assert f is not None
        packed = spec.widget == "list"
        if packed and typed == f.value:
            return False
        shown = f"[{str(value)[:60]}]" if packed else _show(typed) if not isinstance(typed, str) else repr(typed)[:60]
        what = (_SET_NAMED.format(number=f.number, name=self.tree.name(node), offset=f.tag_offset, value=shown)
                if node.fd is not None else _SET_FIELD.format(number=f.number, offset=f.tag_offset, value=shown))
        try:
            edit = doc.set_field(node.path, typed, None if packed else spec.kind, description=what)
        except (EditError, ValueError, struct.error, OverflowError) as err:
            self.rejected.emit(text_of(err))
            return False
        self._applied(edit)
        return True

    def _set_time(self, node: Node, spec: EditorSpec, value: object) -> bool:
        """Write a Timestamp / Duration row's text as seconds + nanos: one undoable edit."""
        doc = self.tree.document
        assert doc is not None and node.path is not None and node.level is not None
        try:
            s, n = (wk.parse_timestamp if spec.widget == "timestamp" else wk.parse_duration)(str(value))
        except ValueError as err:
            self.rejected.emit(text_of(err))
            return False
        if (s, n) == wk.seconds_nanos(node.level):
            return False
        f = node.field
        assert f is not None
        shown = (wk.format_timestamp if spec.widget == "timestamp" else wk.format_duration)(s, n)
        name = self.tree.name(node)
        what = (_SET_TIME.format(name=name, offset=f.tag_offset, value=shown) if name
                else _SET_FIELD.format(number=f.number, offset=f.tag_offset, value=shown))
        try:
            edit = wk.set_seconds_nanos(doc, node.path, s, n, what)
        except (EditError, ValueError) as err:
            self.rejected.emit(text_of(err))
            return False
        self._applied(edit)
        return True

    def _applied(self, edit: Edit) -> None:
        self.tree.reload()
        self.edited.emit(edit)

    # -- structure ----------------------------------------------------------------------------------

    def struct_info(self, node: Node) -> StructInfo | None:
        """What structure edits the row allows (None for the root, error rows and read-only trees)."""
        f = node.field
        if f is None or node.path is None or self.tree.document is None or node.error is not None:
            return None
        parent = node.parent
        assert parent is not None
        level = parent.level
        fd = self.tree.field_descriptor(node)
        label = self.tree.name(node) if fd is not None else (node.label or f"field {f.number}")
        occ = sx.occurrences(level, f.number) if level is not None else [node.path[-1]]
        pos = occ.index(node.path[-1]) if node.path[-1] in occ else 0
        repeated = fd.is_repeated if fd is not None else len(occ) > 1
        packed = fd is not None and fd.is_repeated and f.wire_type == LEN and expected_wire_type(fd) != LEN
        nested = f.wire_type in (LEN, SGROUP) and self.tree.wants_message(node)
        if fd is not None:
            kind = ("map " if sx.is_map(fd) else "repeated " if fd.is_repeated else "") + \
                (fd_type(fd) if not sx.is_map(fd) else fd_type(fd)[4:-1].replace(", ", " → "))
        else:
            kind = node.desc.full_name if node.desc is not None else self.tree.reading(node).kind
        field_name = fd.name if fd is not None else label
        return StructInfo(
            label=label, field_name=field_name, number=f.number, kind=kind, item=repeated and not packed,
            can_up=repeated and pos > 0, can_down=repeated and pos < len(occ) - 1, nested=nested,
            packed=packed, occurrences=len(occ), can_add_item=fd is not None and fd.is_repeated,
            oneof=sx.real_oneof(fd) if fd is not None else None, size=f.end - f.tag_offset,
        )

    def add_choices(self, node: Node) -> list[sx.AddChoice]:
        """Fields that can be added inside the row's message (the root: the top level)."""
        target = self._level_node(node)
        doc = self.tree.document
        if target is None or target.desc is None or doc is None or target.path is None:
            return []
        try:
            level = doc.level_at(target.path)[1]
        except EditError:
            return []
        return sx.addable_fields(target.desc, level)

    def add_field(self, node: Node, number: int) -> IndexPath | None:
        """Add field ``number`` inside the row's message (the root: the top level)."""
        target = self._level_node(node)
        if target is None or target.desc is None or target.path is None or self.tree.document is None:
            self.rejected.emit(QT_TRANSLATE_NOOP(
                "TreeEditor", "this row is not a message of a known type: nothing to add to").format())
            return None
        fd = target.desc.fields_by_number.get(number)
        if fd is None:
            self.rejected.emit(QT_TRANSLATE_NOOP("TreeEditor", "{type} has no field {number}").format(
                type=target.desc.full_name, number=number))
            return None
        desc, ppath = target.desc, target.path
        return self._struct_edit(lambda doc: sx.add_field(doc, ppath, desc, fd))

    def raw_add_target(self, node: Node) -> tuple[IndexPath, int | None] | None:
        """Where a schemaless "Add field…" at the row goes: (parent path, position it follows; None =
        the level's end). Offered on levels no schema describes (a schemaless decode, an unknown
        submessage); None elsewhere and on read-only trees. The root: the end of the top level."""
        if self.tree.document is None:
            return None
        root = self.tree.root
        if node is root:
            return ((), None) if root.desc is None and root.level is not None else None
        parent = node.parent
        if node.path is None or node.field is None or node.error is not None or parent is None \
                or parent.desc is not None or parent.any_type is not None:
            return None
        return node.path[:-1], node.path[-1]

    def add_raw_field(self, node: Node, number: int, wire_type: int, text: str,
                      as_hex: bool = False) -> IndexPath | None:
        """Add a field by number and wire type after the row, on its level (the root: at the end of
        the top level); the value is parsed by structure.raw_value_bytes. One undoable edit."""
        target = self.raw_add_target(node)
        if target is None:
            self.rejected.emit(QT_TRANSLATE_NOOP(
                "TreeEditor", "fields are added by number only where no schema describes the level").format())
            return None
        ppath, after = target
        return self._struct_edit(lambda doc: sx.add_raw_field(doc, ppath, after, number, wire_type, text, as_hex))

    def add_item(self, node: Node) -> IndexPath | None:
        """A new item / map entry of the row's repeated field, right after the row."""
        fd = self.tree.field_descriptor(node)
        parent = node.parent
        if node.path is None or fd is None or not fd.is_repeated or parent is None or parent.desc is None \
                or self.tree.document is None:
            self.rejected.emit(QT_TRANSLATE_NOOP("TreeEditor", "only repeated fields and maps get new items").format())
            return None
        ppath, desc, after = node.path[:-1], parent.desc, node.path[-1]
        return self._struct_edit(lambda doc: sx.add_field(doc, ppath, desc, fd, after=after))

    def remove_row(self, node: Node) -> IndexPath | None:
        """Remove the row's field occurrence (one repeated item, one map entry, one field)."""
        info = self.struct_info(node)
        if info is None or node.path is None:
            return None
        path = node.path

        def run(doc: Document) -> tuple[Edit, IndexPath]:
            return doc.remove_field(path, description=_REMOVE.format(label=info.label, size=info.size)), path[:-1]

        return self._struct_edit(run)

    def clear_row_field(self, node: Node) -> IndexPath | None:
        """Remove every occurrence of the row's field on its level (the whole repeated field / map);
        on a oneof member, clears the oneof."""
        info = self.struct_info(node)
        if info is None or node.path is None:
            return None
        ppath = node.path[:-1]
        return self._struct_edit(lambda doc: (sx.clear_field(doc, ppath, info.number, info.field_name), ppath))

    def move_row(self, node: Node, step: int) -> IndexPath | None:
        """Swap the row with the previous (-1) / next (+1) item of the same field."""
        info = self.struct_info(node)
        if info is None or node.path is None:
            return None
        path = node.path
        return self._struct_edit(lambda doc: sx.move_item(doc, path, step, info.label))

    def _struct_edit(self, run: EditRun) -> IndexPath | None:
        doc = self.tree.document
        if doc is None:
            return None
        try:
            edit, path = run(doc)
        except (EditError, ValueError) as err:
            self.rejected.emit(text_of(err))
            return None
        self._applied(edit)
        return tuple(path)

    def _level_node(self, node: Node) -> Node | None:
        """The node whose message level an add goes into: the row (if it is a message) or the root."""
        if node is self.tree.root:
            return node
        if node.field is None or node.path is None or node.desc is None:
            return None
        if node.field.wire_type not in (LEN, SGROUP):
            return None
        return node
