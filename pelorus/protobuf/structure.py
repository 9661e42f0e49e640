"""Schema-aware structure edits on a :class:`~pelorus.protobuf.document.Document` (no Qt).

The document edits bytes by index path and knows nothing about schemas; this module decides, from a
message descriptor, *which* bytes a structure edit means: what a new repeated item, map entry or
absent field looks like, where it goes, which other oneof members setting one member clears, which
occurrences "clear a field" removes, and which item "move up" swaps with. Each function makes one
undoable edit whose description names the field, so the save preview can say what changes.

Placement rules (why): a new item goes right after the selected item or the field's last
occurrence, so repeated order reads as the operator expects; an absent field goes before the first
field with a larger number, so a canonical file stays canonical. Nothing else moves.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from google.protobuf.descriptor import Descriptor, FieldDescriptor

from pelorus.protobuf.document import Document, Edit, EditError, IndexPath
from pelorus.protobuf.schemaless import Field, Message
from pelorus.protobuf.wire import FIXED32, FIXED64, LEN, SGROUP, VARINT, encode_tag, encode_varint, read_varint
from pelorus.text import QT_TRANSLATE_NOOP

_FD = FieldDescriptor
_VARINT_TYPES = frozenset((_FD.TYPE_INT64, _FD.TYPE_UINT64, _FD.TYPE_INT32, _FD.TYPE_BOOL, _FD.TYPE_UINT32,
                           _FD.TYPE_ENUM, _FD.TYPE_SINT32, _FD.TYPE_SINT64))
_F32_TYPES = frozenset((_FD.TYPE_FIXED32, _FD.TYPE_SFIXED32, _FD.TYPE_FLOAT))
_F64_TYPES = frozenset((_FD.TYPE_FIXED64, _FD.TYPE_SFIXED64, _FD.TYPE_DOUBLE))


# Edit descriptions (the editor's status line, Undo, the save preview) and the removal confirmation:
# marked for the console's translation (pelorus/text.py).
_ADD_ITEM = QT_TRANSLATE_NOOP("StructureEdit", "add {label}[{n}]")
_ADD_ENTRY = QT_TRANSLATE_NOOP("StructureEdit", "add an entry to {label}")
_SET = QT_TRANSLATE_NOOP("StructureEdit", "set {label}")
_SET_ONEOF = QT_TRANSLATE_NOOP("StructureEdit", "set oneof {oneof} to {label}")
_SET_ONEOF_CLEARS = QT_TRANSLATE_NOOP("StructureEdit", "set oneof {oneof} to {label} (clears {cleared})")
_APPEND_PACKED = QT_TRANSLATE_NOOP("StructureEdit", "append an item to packed {name}")
_CLEAR = QT_TRANSLATE_NOOP("StructureEdit", "clear {label} ({n} occurrence(s), {size} bytes)")
_MOVE_UP = QT_TRANSLATE_NOOP("StructureEdit", "move {label} up (to position {k})")
_MOVE_DOWN = QT_TRANSLATE_NOOP("StructureEdit", "move {label} down (to position {k})")
_REMOVAL_ONE = QT_TRANSLATE_NOOP("StructureEdit", "{label} ({kind}, 1 occurrence, {size:,} bytes)")
_REMOVAL = QT_TRANSLATE_NOOP("StructureEdit", "{label} ({kind}, {n} item(s), {size:,} bytes)")
_ADD_RAW = QT_TRANSLATE_NOOP("StructureEdit", "add field {number} ({name}, {size} bytes) at position {at}")


def wire_type_of(fd: FieldDescriptor) -> int:
    """The wire type a field of this schema type is written with (unpacked)."""
    t = fd.type
    if t in _VARINT_TYPES:
        return VARINT
    if t in _F32_TYPES:
        return FIXED32
    if t in _F64_TYPES:
        return FIXED64
    if t == _FD.TYPE_GROUP:
        return SGROUP
    return LEN


def is_map(fd: FieldDescriptor) -> bool:
    mt = fd.message_type
    return fd.type == _FD.TYPE_MESSAGE and mt is not None and bool(mt.GetOptions().map_entry)


def real_oneof(fd: FieldDescriptor) -> str | None:
    """Name of the field's oneof, ignoring the synthetic oneof of a proto3 ``optional`` field."""
    o = fd.containing_oneof
    if o is None:
        return None
    if len(o.fields) == 1 and o.name == f"_{fd.name}":
        return None
    return str(o.name)


def _default_value_bytes(fd: FieldDescriptor) -> bytes:
    """Value bytes (payload for length-delimited) of the field's default: zero, empty, first enum value."""
    wt = wire_type_of(fd)
    if wt == VARINT:
        et = fd.enum_type
        if fd.type == _FD.TYPE_ENUM and et is not None:
            first = et.values[0].number if et.values else 0
            return encode_varint(first)
        return b"\x00"
    if wt == FIXED32:
        return b"\x00" * 4
    if wt == FIXED64:
        return b"\x00" * 8
    if wt == SGROUP:
        return b""
    return b""


def encode_field(fd: FieldDescriptor, value: bytes) -> bytes:
    """A whole field: tag + (length prefix +) ``value`` bytes; groups get their END_GROUP tag."""
    wt = wire_type_of(fd)
    if wt == LEN:
        return encode_tag(fd.number, LEN) + encode_varint(len(value)) + value
    if wt == SGROUP:
        return encode_tag(fd.number, SGROUP) + value + encode_tag(fd.number, 4)
    return encode_tag(fd.number, wt) + value


def default_field_bytes(fd: FieldDescriptor) -> bytes:
    """The encoding of a newly added field: its default value, written explicitly (so it is present)."""
    return encode_field(fd, _default_value_bytes(fd))


def new_map_entry(fd: FieldDescriptor, existing: Message) -> bytes:
    """A map entry with a key not used yet ("key", "key2", ... or the next free number) and a default value."""
    entry = fd.message_type
    assert entry is not None
    kfd, vfd = entry.fields_by_number[1], entry.fields_by_number[2]
    used: set[object] = set()
    for f in existing:
        if f.number != fd.number or f.wire_type != LEN:
            continue
        m = f.message()
        if m is None:
            continue
        for kf in m:
            if kf.number == 1:
                used.add(_key_value(kfd, kf))
    if kfd.type == _FD.TYPE_STRING:
        key_bytes = next(f"key{n if n > 1 else ''}".encode() for n in range(1, len(used) + 2)
                         if f"key{n if n > 1 else ''}" not in used)
        key = encode_field(kfd, key_bytes)
    elif kfd.type == _FD.TYPE_BOOL:
        key = encode_field(kfd, b"\x01" if False in used else b"\x00")
    else:
        ints = [int(k) for k in used if isinstance(k, int)]
        nxt = max(ints) + 1 if ints else 0
        key = encode_field(kfd, _int_bytes(kfd, nxt))
    return encode_field(fd, key + default_field_bytes(vfd))


def _key_value(kfd: FieldDescriptor, f: Field) -> object:
    if f.wire_type == LEN:
        return f.value.decode("utf-8", errors="replace")
    if f.wire_type == VARINT:
        u = read_varint(f.value, 0)[0]
        if kfd.type == _FD.TYPE_BOOL:
            return u != 0
        if kfd.type in (_FD.TYPE_SINT32, _FD.TYPE_SINT64):
            return (u >> 1) ^ -(u & 1)
        return u if u < 1 << 63 else u - (1 << 64)
    return int.from_bytes(f.value, "little")


def _int_bytes(fd: FieldDescriptor, n: int) -> bytes:
    wt = wire_type_of(fd)
    if wt == FIXED32:
        return (n & 0xFFFFFFFF).to_bytes(4, "little")
    if wt == FIXED64:
        return (n & (1 << 64) - 1).to_bytes(8, "little")
    if fd.type in (_FD.TYPE_SINT32, _FD.TYPE_SINT64):
        return encode_varint((n << 1) ^ (n >> 63))
    return encode_varint(n)


def occurrences(level: Message, number: int) -> list[int]:
    """Positions of every occurrence of field ``number`` on a level."""
    return [i for i in range(len(level)) if level.key_at(i) >> 3 == number]


def number_order_position(level: Message, number: int) -> int:
    """Where a new field ``number`` goes: before the first field with a larger number."""
    for i in range(len(level)):
        if level.key_at(i) >> 3 > number:
            return i
    return len(level)


@dataclass(frozen=True)
class AddChoice:
    """A field that can be added on a level: why it is offered and what adding it does."""

    fd: FieldDescriptor
    what: str
    """"add item", "add entry", "set" (absent singular / optional) or "set oneof member"."""
    clears: tuple[str, ...] = ()
    """Names of the oneof members that setting this one clears."""


def addable_fields(desc: Descriptor, level: Message) -> list[AddChoice]:
    """Fields of ``desc`` that can be added on ``level``: every repeated / map field, and every
    singular field that is absent (a oneof member also names the set members it would clear)."""
    present = {level.key_at(i) >> 3 for i in range(len(level))}
    out: list[AddChoice] = []
    for fd in sorted(desc.fields, key=lambda f: f.number):
        if is_map(fd):
            out.append(AddChoice(fd, "add entry"))
        elif fd.is_repeated:
            out.append(AddChoice(fd, "add item"))
        elif fd.number not in present:
            oneof = real_oneof(fd)
            if oneof is not None and fd.containing_oneof is not None:
                others = tuple(o.name for o in fd.containing_oneof.fields if o.number in present)
                out.append(AddChoice(fd, "set oneof member", others))
            else:
                out.append(AddChoice(fd, "set"))
    return out


def add_field(doc: Document, parent: IndexPath, desc: Descriptor, fd: FieldDescriptor,
              after: int | None = None) -> tuple[Edit, IndexPath]:
    """Add ``fd`` on the level at ``parent``: a new repeated item / map entry (after position
    ``after`` when given, else after the last occurrence), or an absent singular field with its
    default value. Setting a oneof member removes the other members in the same edit, as
    protobuf does. Returns the edit and the new field's path."""
    level = doc.level_at(parent)[1]
    if desc.fields_by_number.get(fd.number) is not fd:
        raise EditError(QT_TRANSLATE_NOOP(
            "EditError", "{full_name} is not a field of {full_name2}").format(
            full_name=fd.full_name, full_name2=desc.full_name))
    occ = occurrences(level, fd.number)
    label = fd.name
    packed = _packed_target(fd, level, occ, after)
    if packed is not None:
        return _append_packed(doc, parent, fd, level, packed)
    if is_map(fd):
        raw = new_map_entry(fd, level)
    else:
        raw = default_field_bytes(fd)
    remove: list[int] = []
    if fd.is_repeated:
        if after is not None and after in occ:
            at = after + 1
        else:
            at = (occ[-1] + 1) if occ else number_order_position(level, fd.number)
        n = sum(1 for i in occ if i < at)  # the new item's position among the field's items
        what = _ADD_ITEM.format(label=label, n=n) if not is_map(fd) else _ADD_ENTRY.format(label=label)
    else:
        if occ:
            raise EditError(QT_TRANSLATE_NOOP(
                "EditError", "{label} is already set; edit its value instead").format(label=label))
        at = number_order_position(level, fd.number)
        oneof = real_oneof(fd)
        what = _SET.format(label=label)
        if oneof is not None and fd.containing_oneof is not None:
            members = {o.number: o.name for o in fd.containing_oneof.fields if o.number != fd.number}
            remove = [i for i in range(len(level)) if level.key_at(i) >> 3 in members]
            cleared = sorted({members[level.key_at(i) >> 3] for i in remove})
            what = (_SET_ONEOF_CLEARS.format(oneof=oneof, label=label, cleared=", ".join(cleared)) if cleared
                    else _SET_ONEOF.format(oneof=oneof, label=label))
            if remove:
                at = remove[0]  # the new member takes the place of the first one it replaces
    edit = doc.restructure(parent, remove=remove, insert_at=at, raw=raw, description=what)
    new_index = at - sum(1 for i in remove if i < at)
    return edit, (*parent, new_index)


def _packed_target(fd: FieldDescriptor, level: Message, occ: list[int], after: int | None) -> int | None:
    """The packed occurrence a new scalar item is appended to (the chosen one, else the last), if any."""
    if not fd.is_repeated or wire_type_of(fd) == LEN or not occ:
        return None
    target = after if after is not None and after in occ else occ[-1]
    return target if level.key_at(target) & 7 == LEN else None


def _append_packed(doc: Document, parent: IndexPath, fd: FieldDescriptor, level: Message,
                   index: int) -> tuple[Edit, IndexPath]:
    f = level[index]
    payload = f.value + _default_value_bytes(fd)
    path = (*parent, index)
    return doc.set_field(path, payload, description=_APPEND_PACKED.format(name=fd.name)), path


def clear_field(doc: Document, parent: IndexPath, number: int, label: str) -> Edit:
    """Remove every occurrence of field ``number`` on the level (clear a repeated field, an optional
    field, a oneof member; protobuf reads the last of repeated writes of a singular field, so all go)."""
    level = doc.level_at(parent)[1]
    occ = occurrences(level, number)
    if not occ:
        raise EditError(QT_TRANSLATE_NOOP(
            "EditError", "{label} is not set").format(label=label))
    size = sum(level[i].end - level[i].tag_offset for i in occ)
    what = _CLEAR.count(len(occ), label=label, size=size)
    return doc.remove_fields([(*parent, i) for i in occ], description=what)


def move_item(doc: Document, path: IndexPath, step: int, label: str) -> tuple[Edit, IndexPath]:
    """Swap a repeated item / map entry with the previous (step -1) or next (+1) occurrence of the
    same field number. Fields in between stay where they are; returns the item's new path."""
    if step not in (-1, 1):
        raise EditError(QT_TRANSLATE_NOOP("EditError", "move by one item at a time").format())
    parent, i = tuple(path[:-1]), path[-1]
    level = doc.level_at(parent)[1]
    if not 0 <= i < len(level):
        raise EditError(QT_TRANSLATE_NOOP(
            "EditError", "no field at path {path}").format(path=path))
    occ = occurrences(level, level.key_at(i) >> 3)
    k = occ.index(i) + step
    if not 0 <= k < len(occ):
        raise EditError(QT_TRANSLATE_NOOP(
            "EditError", "{label} is already the first item").format(label=label) if step < 0
            else QT_TRANSLATE_NOOP("EditError", "{label} is already the last item").format(label=label))
    j = occ[k]
    edit = doc.swap_fields(path, (*parent, j),
                           description=(_MOVE_UP if step < 0 else _MOVE_DOWN).format(label=label, k=k))
    return edit, (*parent, j)


def describe_removal(level: Message, number: int, label: str, kind: str) -> str:
    """What removing a whole field takes away, for the confirmation (items, bytes)."""
    occ = occurrences(level, number)
    size = sum(level[i].end - level[i].tag_offset for i in occ)
    if len(occ) == 1:
        return _REMOVAL_ONE.format(label=label, kind=kind, size=size)
    return _REMOVAL.count(len(occ), label=label, kind=kind, size=size)


# -- schemaless adds ------------------------------------------------------------------------------

RAW_WIRE_TYPES: dict[str, int] = {"varint": VARINT, "fixed32": FIXED32, "fixed64": FIXED64,
                                  "length-delimited": LEN}
"""The wire types a field can be added with when there is no schema (groups are not offered)."""
MAX_FIELD_NUMBER = (1 << 29) - 1
_FLOAT_MARKS = (".", "e", "E", "inf", "nan")


def raw_value_bytes(wire_type: int, text: str, as_hex: bool = False) -> bytes:
    """The value bytes an operator's input means for ``wire_type`` (EditError says why not).

    varint: an integer (decimal or 0x…); a negative one is written as int64 (ten bytes), as
    protobuf writes negative int32/int64. fixed32 / fixed64: an integer (little-endian, negative as
    two's complement) or a float (float / double). length-delimited: the text as UTF-8, or with
    ``as_hex`` the bytes it spells in hex (spaces allowed)."""
    if wire_type == LEN:
        if not as_hex:
            return text.encode("utf-8")
        try:
            return bytes.fromhex(text)
        except ValueError:
            raise EditError(QT_TRANSLATE_NOOP(
                "EditError", "not hex bytes: {text!r} (two hex digits per byte, e.g. 0a ff)").format(
                text=text)) from None
    s = text.strip()
    if not s:
        raise EditError(QT_TRANSLATE_NOOP("EditError", "type a value").format())
    if wire_type in (FIXED32, FIXED64) and any(m in s.lower() for m in _FLOAT_MARKS) and not s.lower().startswith(
            ("0x", "-0x")):
        try:
            x = float(s)
        except ValueError:
            raise EditError(QT_TRANSLATE_NOOP("EditError", "not a number: {s!r}").format(s=s)) from None
        try:
            return struct.pack("<f" if wire_type == FIXED32 else "<d", x)
        except OverflowError:
            raise EditError(QT_TRANSLATE_NOOP(
                "EditError", "{s} does not fit a 32-bit float").format(s=s)) from None
    try:
        n = int(s, 0)
    except ValueError:
        raise EditError(QT_TRANSLATE_NOOP("EditError", "not an integer: {s!r}").format(s=s)) from None
    bits = {VARINT: 64, FIXED32: 32, FIXED64: 64}.get(wire_type)
    if bits is None:
        raise EditError(QT_TRANSLATE_NOOP(
            "EditError", "wire type {wire_type} cannot be added here").format(wire_type=wire_type))
    if not -(1 << (bits - 1)) <= n < 1 << bits:
        raise EditError(QT_TRANSLATE_NOOP(
            "EditError", "{s} does not fit {bits} bits").format(s=s, bits=bits))
    u = n & ((1 << bits) - 1)
    if wire_type == VARINT:
        return encode_varint(u)
    return u.to_bytes(bits // 8, "little")


def encode_raw_field(number: int, wire_type: int, value: bytes) -> bytes:
    """A whole field: tag + (length prefix +) value bytes."""
    if not 1 <= number <= MAX_FIELD_NUMBER:
        raise EditError(QT_TRANSLATE_NOOP(
            "EditError", "field numbers go from 1 to {max:,}, not {number}").format(
            max=MAX_FIELD_NUMBER, number=number))
    if wire_type not in RAW_WIRE_TYPES.values():
        raise EditError(QT_TRANSLATE_NOOP(
            "EditError", "wire type {wire_type} cannot be added here").format(wire_type=wire_type))
    body = encode_varint(len(value)) + value if wire_type == LEN else value
    return encode_tag(number, wire_type) + body


def add_raw_field(doc: Document, parent: IndexPath, after: int | None, number: int, wire_type: int,
                  text: str, as_hex: bool = False) -> tuple[Edit, IndexPath]:
    """Add a field without a schema: right after position ``after`` of the level at ``parent`` (None:
    at the level's end). One edit: the new bytes and the length prefixes above them, nothing else."""
    level = doc.level_at(parent)[1]
    at = len(level) if after is None else after + 1
    if not 0 <= at <= len(level):
        raise EditError(QT_TRANSLATE_NOOP(
            "EditError", "no field at position {after} on this level").format(after=after))
    raw = encode_raw_field(number, wire_type, raw_value_bytes(wire_type, text, as_hex))
    name = next(k for k, v in RAW_WIRE_TYPES.items() if v == wire_type)
    what = _ADD_RAW.format(number=number, name=name, size=len(raw), at=at)
    return doc.restructure(parent, insert_at=at, raw=raw, description=what), (*parent, at)
