"""Compare two protobuf messages: field by field (aligned by path) and byte by byte.

Alignment: at each message level the fields are grouped by field number. Occurrences of one
number that are all length-delimited (repeated messages, strings, bytes; groups) are aligned as
sequences (pelorus.protobuf.align: common head and tail trimmed, SequenceMatcher over a hash of
each item's bytes, bounded, by index beyond the bounds), so an insertion at the front is one
addition, not a change of every later item; an item found unchanged elsewhere is reported as a
removal and an addition noted "moved", and a pair whose indices differ is named ``args[4→3]``.
Scalar occurrences and the elements of packed repeated scalars are paired by index (a shifted
list of numbers is that many changes), map entries by their key (``labels["team"]``), and
``google.protobuf.Any`` values are compared as their packed type when both sides name the same
known type. Without a schema the wire trees are compared the same way, a length-delimited value
being a nested message when its top-ranked reading (``readings.best``, honouring pins) says so.
Two streams (``framing="varint"`` / ``"grpc"``) have their records aligned the same way and each
changed pair compared as two messages (``record[3].owner``).

Every difference carries both sides' byte ranges (the whole field, and its value), so a viewer can
highlight them in two hex panes, and the Document index path of each side, so an editor can select
the field. A field whose bytes differ while its value does not (an over-long varint, fields in
another order inside a nested message) is reported as a change with ``encoding_only`` set: this is
a byte-preserving editor, so such a change is real, but a script may choose to ignore it.

Cost: identical subtrees are skipped with one byte comparison (``memcmp`` speed), so comparing two
large, mostly equal messages costs the size of the paths to the differences. Two large, wholly
different messages cost a full walk, bounded by ``max_differences``; the walk reports progress and
checks for cancellation every few thousand fields, so callers run it in a worker thread.

Byte diff (:meth:`Comparison.byte_ops`): a plain ``difflib.SequenceMatcher`` over the bytes of two
1 MB messages does not finish (bytes have 256 values, so every value is "popular": with autojunk it
matches nothing, without it it is quadratic). Instead the field diff is the coarse alignment and
each differing field is refined with SequenceMatcher when both sides are at most
:data:`REFINE_LIMIT` bytes (else it is one replaced range after trimming the common prefix and
suffix); length prefixes of the enclosing messages that changed are added. The result is bounded
by the field diff's own cost.
"""

from __future__ import annotations

import gc
import json
import struct
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from difflib import SequenceMatcher
from functools import cached_property
from typing import TYPE_CHECKING, Final, cast

from google.protobuf.descriptor import Descriptor, EnumDescriptor, FieldDescriptor

from pelorus.protobuf import framing as fr
from pelorus.protobuf.align import Step, align
from pelorus.protobuf.readings import Pins, best
from pelorus.protobuf.render import _show, default_value, format_value, varint_as
from pelorus.protobuf.schemaless import Field, Message, decode, decode_span
from pelorus.protobuf.wire import (
    FIXED32,
    FIXED64,
    LEN,
    SGROUP,
    VARINT,
    WIRE_TYPE_NAMES,
    Buffer,
    WireError,
    read_varint,
)
from pelorus.text import QT_TRANSLATE_NOOP

if TYPE_CHECKING:
    from pelorus.protobuf.schema import SchemaRegistry

__all__ = [
    "ADDED",
    "CHANGED",
    "REMOVED",
    "ByteOp",
    "CompareCancelled",
    "Comparison",
    "Difference",
    "Side",
    "compare",
]

ADDED: Final = "added"
REMOVED: Final = "removed"
CHANGED: Final = "changed"

REFINE_LIMIT: Final = 4096
"""Differing fields up to this size (each side) get a byte-exact SequenceMatcher refinement."""
QUICK_READING: Final = 64 * 1024
"""Above this size a schemaless value is taken as a message whenever it parses (no ranked readings)."""
CHECK_EVERY: Final = 2048
"""Fields compared between progress reports / cancellation checks."""

_FD = FieldDescriptor
_VARINT_TYPES: Final = frozenset((_FD.TYPE_INT64, _FD.TYPE_UINT64, _FD.TYPE_INT32, _FD.TYPE_BOOL, _FD.TYPE_UINT32,
                                  _FD.TYPE_ENUM, _FD.TYPE_SINT32, _FD.TYPE_SINT64))
_F32: Final[dict[int, str]] = {_FD.TYPE_FIXED32: "I", _FD.TYPE_SFIXED32: "i", _FD.TYPE_FLOAT: "f"}
_F64: Final[dict[int, str]] = {_FD.TYPE_FIXED64: "Q", _FD.TYPE_SFIXED64: "q", _FD.TYPE_DOUBLE: "d"}


class CompareCancelled(Exception):
    """The caller set the cancel event; the partial result is dropped."""


@dataclass(frozen=True)
class Side:
    """Where one side of a difference is: the field's bytes ``[start, end)`` (tag through value),
    its value bytes ``[value_start, value_end)``, its Document index path (for a packed element:
    the packed field's path), and how it reads."""

    index_path: tuple[int, ...]
    start: int
    end: int
    value_start: int
    value_end: int
    render: Callable[[], tuple[str, str]] = field(compare=False, repr=False, default=lambda: ("", ""))
    """(value, type) text, computed on first use: a big diff shows a few hundred rows, not all."""
    record: int | None = None
    """When two streams are compared: the record this side is in (``index_path`` is inside it)."""

    @classmethod
    def fixed(cls, index_path: tuple[int, ...], start: int, end: int, value_start: int, value_end: int,
              value: str, type: str) -> Side:
        return cls(index_path, start, end, value_start, value_end, lambda: (value, type))

    @cached_property
    def _text(self) -> tuple[str, str]:
        return self.render()

    @property
    def value(self) -> str:
        return self._text[0]

    @property
    def type(self) -> str:
        return self._text[1]

    @property
    def length(self) -> int:
        return self.end - self.start


# The sentences the console shows (the Compare window's summary, status line and tooltips), marked for
# its translation (pelorus/text.py); `pelorus proto diff` prints them in English.
_D_ADDED = QT_TRANSLATE_NOOP("Comparison", "+ {path}: {value}  [right @{start}+{length}]")
_D_REMOVED = QT_TRANSLATE_NOOP("Comparison", "- {path}: {value}  [left @{start}+{length}]")
_D_CHANGED = QT_TRANSLATE_NOOP("Comparison", "~ {path}: {left} → {right}  [left @{lstart}+{llength}, "
                               "right @{rstart}+{rlength}]")
_D_NOTE = QT_TRANSLATE_NOOP("Comparison", "{text}  ({note})")
_N_MOVED_TO = QT_TRANSLATE_NOOP("Comparison", "moved to {item}")
_N_MOVED_FROM = QT_TRANSLATE_NOOP("Comparison", "moved from {item}")
_N_SAME_VALUE = QT_TRANSLATE_NOOP("Comparison", "same value, encoded differently")
_N_WIRE_TYPE = QT_TRANSLATE_NOOP("Comparison", "wire type {left} → {right}")
_N_SAME_FIELDS = QT_TRANSLATE_NOOP("Comparison", "same fields, encoded differently (field order or varint widths)")
_N_SAME_MESSAGE = QT_TRANSLATE_NOOP("Comparison", "same message, its length prefix encoded differently")
_S_EQUAL = QT_TRANSLATE_NOOP("Comparison", "no differences{records}")
_S_IDENTICAL = QT_TRANSLATE_NOOP("Comparison", "no differences (bytes identical){records}")
_S_DIFFS = QT_TRANSLATE_NOOP("Comparison", "{n:,} difference(s): {added:,} added, {removed:,} removed, "
                             "{changed:,} changed{encoding}{records}")
_S_DIFFS_MORE = QT_TRANSLATE_NOOP("Comparison", "{n:,}+ difference(s): {added:,} added, {removed:,} removed, "
                                  "{changed:,} changed{encoding}{records}")
_S_ENCODING = QT_TRANSLATE_NOOP("Comparison", " ({enc:,} only in encoding)")
_S_RECORDS = QT_TRANSLATE_NOOP("Comparison", " in {left:,} → {n:,} {framing} record(s)")


@dataclass(frozen=True)
class Difference:
    """One added / removed / changed field (or map entry, or repeated or packed element)."""

    kind: str
    path: str
    """Readable path: ``default_spec.args[1]``, ``labels["team"]``; schemaless ``3.1[2]``."""
    left: Side | None
    right: Side | None
    note: str = ""
    encoding_only: bool = False
    other_at: int = 0
    """For an added field: where it would sit on the left; for a removed one: on the right."""
    item: tuple[int | None, int | None] | None = None
    """For a difference of or inside a repeated item (the innermost one; in a stream comparison,
    else the record): the item's index on the left and on the right (None on the side that lacks it)."""

    @property
    def depth(self) -> int:
        return self.path.count(".")

    def describe(self) -> str:
        """One line for the CLI and tooltips."""
        if self.kind == ADDED and self.right is not None:
            r = self.right
            text = _D_ADDED.format(path=self.path, value=r.value, start=r.start, length=r.length)
        elif self.kind == REMOVED and self.left is not None:
            left = self.left
            text = _D_REMOVED.format(path=self.path, value=left.value, start=left.start, length=left.length)
        else:
            assert self.left is not None and self.right is not None
            left, r = self.left, self.right
            text = _D_CHANGED.format(path=self.path, left=left.value, right=r.value, lstart=left.start,
                                     llength=left.length, rstart=r.start, rlength=r.length)
        return _D_NOTE.format(text=text, note=self.note) if self.note else text

    def to_json(self) -> dict[str, object]:
        def side(s: Side | None) -> dict[str, object] | None:
            if s is None:
                return None
            out: dict[str, object] = {"path": list(s.index_path), "offset": s.start, "length": s.length,
                                      "value_offset": s.value_start, "value_length": s.value_end - s.value_start,
                                      "value": s.value, "type": s.type}
            if s.record is not None:
                out["record"] = s.record
            return out

        out: dict[str, object] = {"kind": self.kind, "path": self.path, "left": side(self.left),
                                  "right": side(self.right)}
        if self.note:
            out["note"] = self.note
        if self.encoding_only:
            out["encoding_only"] = True
        if self.item is not None:
            out["left_index"], out["right_index"] = self.item
        return out


@dataclass(frozen=True)
class ByteOp:
    """Bytes ``left[a0:a1]`` became ``right[b0:b1]``: tag "replace", "delete" (b0 == b1) or "insert"."""

    tag: str
    a0: int
    a1: int
    b0: int
    b1: int


@dataclass
class Comparison:
    """The result of :func:`compare`."""

    left_size: int
    right_size: int
    type_name: str | None
    differences: list[Difference] = field(default_factory=list)
    errors: list[tuple[str, WireError]] = field(default_factory=list)
    """("left" | "right", the damage): compared up to it, the undecoded tails as raw bytes."""
    truncated: bool = False
    """Stopped after ``max_differences``; more differences exist."""
    fields_compared: int = 0
    framing: str = "single"
    """"single", or the stream framing ("varint" / "grpc") when records were compared."""
    records: tuple[int, int] | None = None
    """For streams: the number of records on the left and on the right."""
    _headers: list[ByteOp] = field(default_factory=list, repr=False)
    _left: Buffer = field(default=b"", repr=False)
    _right: Buffer = field(default=b"", repr=False)

    @property
    def equal(self) -> bool:
        return not self.differences and not self.truncated

    def counts(self) -> dict[str, int]:
        out = {ADDED: 0, REMOVED: 0, CHANGED: 0}
        for d in self.differences:
            out[d.kind] += 1
        return out

    def summary(self) -> str:
        records = self._records_text()
        if self.equal:
            identical = self.left_size == self.right_size and bytes(self._left) == bytes(self._right)
            return (_S_IDENTICAL if identical else _S_EQUAL).format(records=records)
        c = self.counts()
        enc = sum(1 for d in self.differences if d.encoding_only)
        n = len(self.differences)
        return (_S_DIFFS_MORE if self.truncated else _S_DIFFS).count(
            n, added=c[ADDED], removed=c[REMOVED], changed=c[CHANGED],
            encoding=_S_ENCODING.format(enc=enc) if enc else "", records=records)

    def _records_text(self) -> str:
        if self.records is None:
            return ""
        return _S_RECORDS.count(self.records[1], left=self.records[0], framing=self.framing)

    def byte_ops(self, cancel: threading.Event | None = None) -> list[ByteOp]:
        """The byte diff, in left-offset order (see the module doc for why it is built this way).

        Raises CompareCancelled when ``cancel`` is set (checked every few thousand differences)."""
        with _no_gc():
            return self._byte_ops(cancel)

    def _byte_ops(self, cancel: threading.Event | None) -> list[ByteOp]:
        a, b = self._left, self._right
        ops: list[ByteOp] = []
        for h in self._headers:  # tags and length prefixes of enclosing messages
            ops.extend(_refine(a, h.a0, h.a1, b, h.b0, h.b1))
        for i, d in enumerate(self.differences):
            if cancel is not None and i % CHECK_EVERY == 0 and cancel.is_set():
                raise CompareCancelled()
            lt, rt = d.left, d.right
            if lt is not None and rt is not None:
                ops.extend(_refine(a, lt.start, lt.end, b, rt.start, rt.end))
            elif lt is not None:
                ops.append(ByteOp("delete", lt.start, lt.end, d.other_at, d.other_at))
            elif rt is not None:
                ops.append(ByteOp("insert", d.other_at, d.other_at, rt.start, rt.end))
        ops.sort(key=lambda o: (o.a0, o.b0))
        return ops


@contextmanager
def _no_gc() -> Iterator[None]:
    """As in schemaless.expand_all: generational GC passes over 100k fresh result objects made a
    big comparison superlinear, and these objects are freed by reference counting anyway."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _refine(a: Buffer, a0: int, a1: int, b: Buffer, b0: int, b1: int) -> list[ByteOp]:
    """Byte ops turning ``a[a0:a1]`` into ``b[b0:b1]``: exact for small ranges, one block for big ones."""
    x = bytes(a[a0:a1])
    y = bytes(b[b0:b1])
    if x == y:
        return []
    # trim the common prefix and suffix (cheap, and keeps SequenceMatcher's input small)
    n = min(len(x), len(y))
    p = 0
    while p < n and x[p] == y[p]:
        p += 1
    s = 0
    while s < n - p and x[len(x) - 1 - s] == y[len(y) - 1 - s]:
        s += 1
    x, y = x[p:len(x) - s], y[p:len(y) - s]
    a0, b0 = a0 + p, b0 + p
    if len(x) > REFINE_LIMIT or len(y) > REFINE_LIMIT or not x or not y:
        tag = "replace" if x and y else ("delete" if x else "insert")
        return [ByteOp(tag, a0, a0 + len(x), b0, b0 + len(y))]
    sm = SequenceMatcher(None, x, y, autojunk=False)
    return [ByteOp(tag, a0 + i1, a0 + i2, b0 + j1, b0 + j2)
            for tag, i1, i2, j1, j2 in sm.get_opcodes() if tag != "equal"]


def _same(a: Buffer, a0: int, a1: int, b: Buffer, b0: int, b1: int) -> bool:
    return a1 - a0 == b1 - b0 and bytes(a[a0:a1]) == bytes(b[b0:b1])


# -- typed values (schema mode) -----------------------------------------------------------------


def _scalar(fd: FieldDescriptor, buf: Buffer, start: int, end: int, wt: int) -> object:
    """Typed value of one scalar element whose value bytes are ``buf[start:end]``."""
    t = fd.type
    if wt == VARINT:
        return varint_as(t, read_varint(buf, start, end)[0])
    raw = bytes(buf[start:end])
    if wt == FIXED32 and t in _F32:
        return struct.unpack("<" + _F32[t], raw)[0]
    if wt == FIXED64 and t in _F64:
        return struct.unpack("<" + _F64[t], raw)[0]
    if t == _FD.TYPE_STRING:
        return raw.decode("utf-8", errors="replace")
    return raw


def _expected_wt(fd: FieldDescriptor) -> int:
    t = fd.type
    if t in _VARINT_TYPES:
        return VARINT
    if t in _F32:
        return FIXED32
    if t in _F64:
        return FIXED64
    if t == _FD.TYPE_GROUP:
        return SGROUP
    return LEN


def _type_name(fd: FieldDescriptor) -> str:
    if fd.type == _FD.TYPE_ENUM:
        return cast(EnumDescriptor, fd.enum_type).name
    if fd.type in (_FD.TYPE_MESSAGE, _FD.TYPE_GROUP):
        return _msg_type(fd).full_name
    names = {v: k.removeprefix("TYPE_").lower() for k, v in vars(_FD).items()
             if k.startswith("TYPE_") and isinstance(v, int)}
    return names.get(fd.type, "?")


def _msg_type(fd: FieldDescriptor) -> Descriptor:
    return cast(Descriptor, fd.message_type)  # set on every message and group field


def _is_map(fd: FieldDescriptor) -> bool:
    return fd.type == _FD.TYPE_MESSAGE and bool(_msg_type(fd).GetOptions().map_entry)


def _packed_elements(buf: Buffer, start: int, end: int, wt: int) -> list[tuple[int, int]] | None:
    """(start, end) of every element of a packed payload, or None when it does not split cleanly."""
    out: list[tuple[int, int]] = []
    if wt == VARINT:
        pos = start
        while pos < end:
            try:
                _v, nxt = read_varint(buf, pos, end)
            except WireError:
                return None
            out.append((pos, nxt))
            pos = nxt
        return out
    width = 4 if wt == FIXED32 else 8
    if (end - start) % width:
        return None
    return [(p, p + width) for p in range(start, end, width)]


def _could_outrank_message(f: Field, m: Message) -> bool:
    """Whether a reading other than "message" might rank first for a value that parses cleanly.

    Mirrors readings._len_readings: a clean parse scores 0.8, beaten only by printable UTF-8 text
    (0.9); with absurd field numbers it drops to 0.45 and packed readings may win. Anything else
    is certainly a message, so best() (which also tries packed varints, floats and doubles over the
    whole payload) need not run.
    """
    if any(m.key_at(i) >> 3 > 10000 for i in range(min(len(m), 64))):
        return True
    try:
        text = f.value.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return text.replace("\t", "").replace("\n", "").replace("\r", "").isprintable()


def _item_path(name: str, st: Step) -> tuple[str, str]:
    """``args[2]`` (one side, or the same index on both), ``args[4→3]`` (left → right), and the
    note of a moved item."""
    i, j = st.left, st.right
    path = f"{name}[{j if i is None else i}]" if i is None or j is None or i == j else f"{name}[{i}→{j}]"
    if st.moved is None:
        return path, ""
    return path, (_N_MOVED_TO if j is None else _N_MOVED_FROM).format(item=f"{name}[{st.moved}]")


def _all_len(level: Message, idx: list[int]) -> bool:
    """Whether every occurrence is length-delimited or a group (the items worth aligning)."""
    return all(level.key_at(i) & 7 in (LEN, SGROUP) for i in idx)


def _item_key(level: Message, idx: list[int], buf: Buffer, poll: Callable[[], None]) -> Callable[[int], int]:
    """Alignment key of item ``k``: a hash of its bytes (tag through value)."""
    def key(k: int) -> int:
        poll()
        t, _k, _v, e = level.span_at(idx[k])
        return hash(bytes(buf[t:e]))
    return key


@dataclass
class _Elem:
    """One comparable item at a level: a field occurrence, or one element of a packed field."""

    f: Field
    index_path: tuple[int, ...]
    start: int
    end: int
    value_start: int
    value_end: int
    wt: int  # wire type of the element's value (packed elements: the scalar's wire type)


class _Comparer:
    def __init__(self, a: Buffer, b: Buffer, registry: SchemaRegistry | None, pins: Pins, max_differences: int,
                 progress: Callable[[float], None] | None, cancel: threading.Event | None) -> None:
        self.a, self.b = a, b
        self.registry = registry
        self.pins = pins
        self.limit = max_differences
        self.progress = progress
        self.cancel = cancel
        self.out: list[Difference] = []
        self.headers: list[ByteOp] = []
        self.errors: list[tuple[str, WireError]] = []
        self.count = 0
        self.full = False
        self._size = max(1, len(a))
        self._polls = 0

    # -- bookkeeping -------------------------------------------------------------------------

    def _tick(self, offset: int) -> None:
        self.count += 1
        if self.count % CHECK_EVERY == 0:
            if self.cancel is not None and self.cancel.is_set():
                raise CompareCancelled()
            if self.progress is not None:
                self.progress(min(1.0, offset / self._size))

    def _poll(self) -> None:
        """Called per item while aligning (before any field is walked): honours Cancel there too."""
        self._polls += 1
        if self._polls % CHECK_EVERY == 0 and self.cancel is not None and self.cancel.is_set():
            raise CompareCancelled()

    def _emit(self, d: Difference) -> None:
        if len(self.out) >= self.limit:
            self.full = True
            raise _Full()
        self.out.append(d)

    # -- sides --------------------------------------------------------------------------------

    def _side(self, e: _Elem, buf: Buffer, fd: FieldDescriptor | None, numpath: tuple[int, ...],
              desc: Descriptor | None = None, msg: Message | None = None) -> Side:
        return Side(e.index_path, e.start, e.end, e.value_start, e.value_end,
                    lambda: self._show(e, buf, fd, numpath, desc, msg))

    def _show(self, e: _Elem, buf: Buffer, fd: FieldDescriptor | None, numpath: tuple[int, ...],
              desc: Descriptor | None, msg: Message | None) -> tuple[str, str]:
        n = e.value_end - e.value_start
        if desc is not None and msg is not None and desc.GetOptions().map_entry:
            return self._entry_text(desc, msg, buf), desc.name
        if desc is not None or msg is not None:
            count = len(msg) if msg is not None else 0
            name = desc.full_name if desc is not None else "message"
            return f"{{{count} field{'s' if count != 1 else ''}}}", name
        if fd is not None and e.wt == _expected_wt(fd) and fd.type not in (_FD.TYPE_MESSAGE, _FD.TYPE_GROUP):
            return format_value(fd, _scalar(fd, buf, e.value_start, e.value_end, e.wt)), _type_name(fd)
        if fd is not None and e.wt != LEN and e.f.wire_type == LEN:  # packed element
            return format_value(fd, _scalar(fd, buf, e.value_start, e.value_end, e.wt)), _type_name(fd)
        if e.wt == LEN and n > QUICK_READING:
            return f"{n:,} bytes", WIRE_TYPE_NAMES[LEN]
        try:
            r = best(e.f, self.pins.get(numpath))
        except ValueError:
            r = best(e.f)
        if isinstance(r.value, Message):
            return f"{{{len(r.value)} fields}}", r.kind
        text = _show(r.value)
        if fd is not None:
            return text, f"{r.kind} (schema says {_type_name(fd)})"
        return text, r.kind

    def _entry_text(self, desc: Descriptor, msg: Message, buf: Buffer) -> str:
        """``key → value`` of a map entry (the value's summary when it is a message)."""
        parts: dict[int, str] = {}
        for j in range(len(msg)):
            f = msg[j]
            efd = desc.fields_by_number.get(f.number)
            if efd is None or f.wire_type != _expected_wt(efd):
                continue
            if efd.type in (_FD.TYPE_MESSAGE, _FD.TYPE_GROUP):
                inner = f.message()
                parts[f.number] = f"{{{len(inner) if inner is not None else '?'} fields}}"
            else:
                parts[f.number] = format_value(efd, _scalar(efd, buf, f.value_offset, f.value_end, f.wire_type))
        k = parts.get(1, format_value(desc.fields_by_number[1], default_value(desc.fields_by_number[1])))
        v = parts.get(2, format_value(desc.fields_by_number[2], default_value(desc.fields_by_number[2]))
                      if desc.fields_by_number[2].type not in (_FD.TYPE_MESSAGE, _FD.TYPE_GROUP) else "{}")
        return f"{k} → {v}"

    # -- levels -------------------------------------------------------------------------------

    def level(self, la: Message, lb: Message, desc: Descriptor | None, pa: tuple[int, ...], pb: tuple[int, ...],
              label: str, numpath: tuple[int, ...], entry_value_label: str | None = None) -> None:
        """Compare two decoded levels (both are known to differ in bytes, or are the roots)."""
        groups_a: dict[int, list[int]] = {}
        groups_b: dict[int, list[int]] = {}
        for i in range(len(la)):
            groups_a.setdefault(la.key_at(i) >> 3, []).append(i)
        for i in range(len(lb)):
            groups_b.setdefault(lb.key_at(i) >> 3, []).append(i)
        order = list(groups_a) + [n for n in groups_b if n not in groups_a]
        any_inner: Descriptor | None = None
        if desc is not None and desc.full_name == "google.protobuf.Any":
            any_inner = self._any_type(la, lb)
        for num in order:
            ia, ib = groups_a.get(num, []), groups_b.get(num, [])
            fd = desc.fields_by_number.get(num) if desc is not None else None
            if fd is None and desc is not None and self.registry is not None and desc.extension_ranges:
                try:
                    fd = self.registry.pool.FindExtensionByNumber(desc, num)
                except KeyError:
                    fd = None
            if entry_value_label is not None and num == 2:
                name = entry_value_label
            elif fd is not None:
                name = (label + "." if label else "") + fd.name
            else:
                name = (label + "." if label else "") + str(num)
            np = (*numpath, num)
            if num == 2 and any_inner is not None:
                self.occurrences(la, lb, ia, ib, None, any_inner, pa, pb, name, np, repeated=False)
            elif fd is not None and _is_map(fd):
                self.map_entries(la, lb, ia, ib, fd, pa, pb, name, np)
            elif fd is not None and fd.is_repeated and _expected_wt(fd) not in (LEN, SGROUP):
                self.packed(la, lb, ia, ib, fd, pa, pb, name, np)
            else:
                sub = _msg_type(fd) if fd is not None and fd.type in (_FD.TYPE_MESSAGE, _FD.TYPE_GROUP) else None
                repeated = (fd.is_repeated if fd is not None else False) or len(ia) > 1 or len(ib) > 1
                self.occurrences(la, lb, ia, ib, fd, sub, pa, pb, name, np, repeated)
        self._damage(la, lb, label, pa, pb)

    def _any_type(self, la: Message, lb: Message) -> Descriptor | None:
        def url(level: Message) -> str | None:
            for i in range(len(level)):
                if level.key_at(i) == (1 << 3) | LEN:
                    return level[i].value.decode("utf-8", errors="replace")
            return None

        ua, ub = url(la), url(lb)
        if ua is None or ua != ub or self.registry is None:
            return None
        try:
            return self.registry.pool.FindMessageTypeByName(ua.rsplit("/", 1)[-1])
        except KeyError:
            return None

    def _damage(self, la: Message, lb: Message, label: str, pa: tuple[int, ...], pb: tuple[int, ...]) -> None:
        """Damaged levels: the bytes after the last whole field are compared as raw tails."""
        if la.error is None and lb.error is None:
            return
        ta = la.span_at(len(la) - 1)[3] if len(la) else la.start
        tb = lb.span_at(len(lb) - 1)[3] if len(lb) else lb.start
        if _same(self.a, ta, la.end, self.b, tb, lb.end):
            return
        name = (label + "." if label else "") + "<undecoded bytes>"
        why = "; ".join(f"{s} damaged at offset {m.error.offset}: {m.error.reason}"
                        for s, m in (("left", la), ("right", lb)) if m.error is not None)
        self._emit_tails(name, why, (ta, la.end, pa), (tb, lb.end, pb))

    def _emit_tails(self, name: str, why: str, left: tuple[int, int, tuple[int, ...]],
                    right: tuple[int, int, tuple[int, ...]]) -> None:
        """The undecoded tails ``[start, end)`` of both sides (which differ), as one raw difference."""
        def side(buf: Buffer, t: int, e: int, p: tuple[int, ...]) -> Side:
            raw = bytes(buf[t:min(e, t + 64)])
            return Side.fixed(p, t, e, t, e, f"0x{raw.hex()}" + ("…" if e - t > 64 else ""), "raw bytes")

        (ta, ea, pa), (tb, eb, pb) = left, right
        if ta == ea:
            self._emit(Difference(ADDED, name, None, side(self.b, tb, eb, pb), why, other_at=ta))
        elif tb == eb:
            self._emit(Difference(REMOVED, name, side(self.a, ta, ea, pa), None, why, other_at=tb))
        else:
            self._emit(Difference(CHANGED, name, side(self.a, ta, ea, pa), side(self.b, tb, eb, pb), why))

    def _elem(self, level: Message, i: int, prefix: tuple[int, ...]) -> _Elem:
        f = level[i]
        return _Elem(f, (*prefix, i), f.tag_offset, f.end, f.value_offset, f.value_end, f.wire_type)

    def occurrences(self, la: Message, lb: Message, ia: list[int], ib: list[int], fd: FieldDescriptor | None,
                    sub: Descriptor | None, pa: tuple[int, ...], pb: tuple[int, ...], name: str,
                    numpath: tuple[int, ...], repeated: bool) -> None:
        """Occurrences of one field number: length-delimited and group items aligned (see align.py),
        anything else (scalars, one occurrence a side) paired by index."""
        a, b = self.a, self.b

        def same(i: int, j: int) -> bool:  # equal items are skipped before any Field is built (the common case)
            ta, _ka, _va, xa = la.span_at(ia[i])
            tb, _kb, _vb, xb = lb.span_at(ib[j])
            self._poll()  # Cancel while aligning too (progress follows the walk below, in left order)
            return xa - ta == xb - tb and a[ta:xa] == b[tb:xb]

        if repeated and _all_len(la, ia) and _all_len(lb, ib):
            head, steps = align(len(ia), len(ib), same, _item_key(la, ia, a, self._poll),
                                _item_key(lb, ib, b, self._poll))
        else:
            head, steps = 0, [Step(k if k < len(ia) else None, k if k < len(ib) else None)
                              for k in range(max(len(ia), len(ib)))]
        # where an added (removed) item would sit on the other side: after the last item passed there
        at_a = la.span_at(ia[head - 1])[3] if head else (la.span_at(ia[0])[0] if ia else la.end)
        at_b = lb.span_at(ib[head - 1])[3] if head else (lb.span_at(ib[0])[0] if ib else lb.end)
        for st in steps:
            i, j = st.left, st.right
            if i is not None and j is not None and same(i, j):
                self._tick(la.span_at(ia[i])[0])
            else:
                path, note = _item_path(name, st) if repeated else (name, "")
                ea = self._elem(la, ia[i], pa) if i is not None else None
                eb = self._elem(lb, ib[j], pb) if j is not None else None
                before = len(self.out)
                self.pair(ea, eb, fd, sub, path, numpath, la, lb, other_at=at_b if j is None else at_a, note=note)
                if repeated:
                    self._mark_items(before, i, j)
            if i is not None:
                at_a = la.span_at(ia[i])[3]
            if j is not None:
                at_b = lb.span_at(ib[j])[3]
        self._count_quiet(len(ia) - sum(1 for st in steps if st.left is not None),
                          la.span_at(ia[-1])[3] if ia else la.end)

    def _count_quiet(self, n: int, offset: int) -> None:
        """Count the ``n`` equal items the alignment paired without listing them (head, tail,
        edits in place), and report the progress they make."""
        self.count += n
        if n >= CHECK_EVERY and self.progress is not None:
            self.progress(min(1.0, offset / self._size))

    def _mark_items(self, before: int, i: int | None, j: int | None) -> None:
        """Give the differences emitted since ``before`` that lie in no inner repeated item these indices."""
        for k in range(before, len(self.out)):
            if self.out[k].item is None:
                self.out[k] = replace(self.out[k], item=(i, j))

    def pair(self, ea: _Elem | None, eb: _Elem | None, fd: FieldDescriptor | None, sub: Descriptor | None,
             path: str, numpath: tuple[int, ...], la: Message, lb: Message, entry_value_label: str | None = None,
             other_at: int | None = None, note: str = "") -> None:
        """Compare one item with its partner; ``other_at`` (default: the end of the other level) is
        where an added or removed item would sit on the other side."""
        a, b = self.a, self.b
        if ea is None:
            assert eb is not None
            self._tick(la.end)
            mb = self._as_message(eb, fd, sub, numpath)
            self._emit(Difference(ADDED, path, None, self._side(eb, b, fd, numpath, sub if mb else None, mb), note,
                                  other_at=la.end if other_at is None else other_at))
            return
        if eb is None:
            self._tick(ea.start)
            ma = self._as_message(ea, fd, sub, numpath)
            self._emit(Difference(REMOVED, path, self._side(ea, a, fd, numpath, sub if ma else None, ma), None, note,
                                  other_at=lb.end if other_at is None else other_at))
            return
        self._tick(ea.start)
        if _same(a, ea.start, ea.end, b, eb.start, eb.end):
            return
        before = len(self.out)
        ma = self._as_message(ea, fd, sub, numpath)
        mb = self._as_message(eb, fd, sub, numpath)
        if ma is not None and mb is not None and ea.wt == eb.wt:
            if not _same(a, ea.start, ea.value_start, b, eb.start, eb.value_start):
                self.headers.append(ByteOp("replace", ea.start, ea.value_start, eb.start, eb.value_start))
            if ea.wt == SGROUP and not _same(a, ea.value_end, ea.end, b, eb.value_end, eb.end):
                self.headers.append(ByteOp("replace", ea.value_end, ea.end, eb.value_end, eb.end))
            if not _same(a, ma.start, ma.end, b, mb.start, mb.end):
                self.level(ma, mb, sub, ea.index_path, eb.index_path, path, numpath, entry_value_label)
            if len(self.out) == before:
                self.headers = [h for h in self.headers if not (h.a0 == ea.start and h.b0 == eb.start)]
                self._emit(Difference(CHANGED, path, self._side(ea, a, fd, numpath, sub, ma),
                                      self._side(eb, b, fd, numpath, sub, mb),
                                      "same fields, encoded differently (field order or varint widths)", True))
            return
        sa = self._side(ea, a, fd, numpath, sub if ma else None, ma)
        sb = self._side(eb, b, fd, numpath, sub if mb else None, mb)
        same_value = ea.wt == eb.wt and ma is None and mb is None and self._same_value(ea, eb, fd)
        note = ""
        if same_value:
            note = _N_SAME_VALUE.format()
        elif ea.wt != eb.wt:
            note = _N_WIRE_TYPE.format(left=WIRE_TYPE_NAMES.get(ea.wt, ea.wt), right=WIRE_TYPE_NAMES.get(eb.wt, eb.wt))
        self._emit(Difference(CHANGED, path, sa, sb, note, same_value))

    def _same_value(self, ea: _Elem, eb: _Elem, fd: FieldDescriptor | None) -> bool:
        a, b = self.a, self.b
        if ea.wt == VARINT:
            va = read_varint(a, ea.value_start, ea.value_end)[0]
            vb = read_varint(b, eb.value_start, eb.value_end)[0]
            if fd is not None and _expected_wt(fd) == VARINT:
                return varint_as(fd.type, va) == varint_as(fd.type, vb)
            return va == vb
        return _same(a, ea.value_start, ea.value_end, b, eb.value_start, eb.value_end)

    def _as_message(self, e: _Elem, fd: FieldDescriptor | None, sub: Descriptor | None,
                    numpath: tuple[int, ...]) -> Message | None:
        """The element's value as a nested level to descend into, or None to compare it as a leaf."""
        f = e.f
        if e.wt != f.wire_type:  # packed element
            return None
        wt = f.wire_type
        if wt not in (LEN, SGROUP):
            return None
        if fd is not None:
            if fd.type not in (_FD.TYPE_MESSAGE, _FD.TYPE_GROUP) or wt != _expected_wt(fd):
                return None
            return f.message()
        if sub is not None:  # an Any value of a known type
            return f.message()
        if wt == SGROUP:
            return f.message()
        m = f.message()
        if m is None or e.value_end - e.value_start > QUICK_READING:
            return m
        pinned = self.pins.get(numpath)
        if pinned is None and not _could_outrank_message(f, m):
            return m  # the same answer best() gives, without ranking every reading (the hot path)
        try:
            kind = best(f, pinned).kind
        except ValueError:
            kind = best(f).kind
        return m if kind in ("message", "group") else None

    def map_entries(self, la: Message, lb: Message, ia: list[int], ib: list[int], fd: FieldDescriptor,
                    pa: tuple[int, ...], pb: tuple[int, ...], name: str, numpath: tuple[int, ...]) -> None:
        entry = _msg_type(fd)
        kfd = entry.fields_by_number[1]

        def keyed(level: Message, idx: list[int], buf: Buffer) -> dict[tuple[object, int], int]:
            out: dict[tuple[object, int], int] = {}
            seen: dict[object, int] = {}
            for i in idx:
                m = level[i].message()
                key = format_value(kfd, default_value(kfd))  # an entry without a key has the default one
                if m is not None:
                    for j in range(len(m)):
                        kf = m[j]
                        if kf.number == 1 and kf.wire_type == _expected_wt(kfd):
                            key = format_value(kfd, _scalar(kfd, buf, kf.value_offset, kf.value_end, kf.wire_type))
                n = seen.get(key, 0)
                seen[key] = n + 1
                out[(key, n)] = i
            return out

        ka, kb = keyed(la, ia, self.a), keyed(lb, ib, self.b)
        order = list(ka) + [k for k in kb if k not in ka]
        for key in order:
            shown, dup = key
            path = f"{name}[{shown}]" + (f"#{dup}" if dup else "")
            ea = self._elem(la, ka[key], pa) if key in ka else None
            eb = self._elem(lb, kb[key], pb) if key in kb else None
            self.pair(ea, eb, fd, entry, path, numpath, la, lb, entry_value_label=path)

    def packed(self, la: Message, lb: Message, ia: list[int], ib: list[int], fd: FieldDescriptor,
               pa: tuple[int, ...], pb: tuple[int, ...], name: str, numpath: tuple[int, ...]) -> None:
        """Repeated scalars: packed and unpacked occurrences flattened into elements, paired by index."""
        want = _expected_wt(fd)

        def elements(level: Message, idx: list[int], buf: Buffer, prefix: tuple[int, ...]) -> list[_Elem]:
            out: list[_Elem] = []
            for i in idx:
                f = level[i]
                p = (*prefix, i)
                if f.wire_type == LEN:
                    parts = _packed_elements(buf, f.value_offset, f.end, want)
                    if parts is not None:
                        out.extend(_Elem(f, p, s, e, s, e, want) for s, e in parts)
                        continue
                out.append(_Elem(f, p, f.tag_offset, f.end, f.value_offset, f.value_end, f.wire_type))
            return out

        xa, xb = elements(la, ia, self.a, pa), elements(lb, ib, self.b, pb)
        def same(x: _Elem, y: _Elem) -> bool:
            return _same(self.a, x.value_start, x.value_end, self.b, y.value_start, y.value_end)

        if len(xa) == len(xb) and all(same(x, y) for x, y in zip(xa, xb, strict=False)):
            # same elements; a difference in packing (packed vs unpacked, split runs) is encoding only
            occ_a = [(la.span_at(i)[0], la.span_at(i)[3]) for i in ia]
            occ_b = [(lb.span_at(i)[0], lb.span_at(i)[3]) for i in ib]
            if len(occ_a) == len(occ_b) and all(_same(self.a, s, e, self.b, t, u)
                                                for (s, e), (t, u) in zip(occ_a, occ_b, strict=False)):
                return
            ea, eb = self._elem(la, ia[0], pa), self._elem(lb, ib[0], pb)
            sa = Side.fixed(ea.index_path, occ_a[0][0], occ_a[-1][1], ea.value_start, ea.value_end,
                      f"{len(xa)} value(s)", _type_name(fd))
            sb = Side.fixed(eb.index_path, occ_b[0][0], occ_b[-1][1], eb.value_start, eb.value_end,
                      f"{len(xb)} value(s)", _type_name(fd))
            self._emit(Difference(CHANGED, name, sa, sb, "same values, packed differently", True))
            return
        for k in range(max(len(xa), len(xb))):
            x, y = (xa[k] if k < len(xa) else None), (xb[k] if k < len(xb) else None)
            if x is not None and y is not None and same(x, y):
                continue  # equal values; packed on one side and not the other is not a change of this element
            before = len(self.out)
            self.pair(x, y, fd, None, f"{name}[{k}]", numpath, la, lb)
            self._mark_items(before, k if x is not None else None, k if y is not None else None)


    def records(self, xa: fr.RecordIndex, xb: fr.RecordIndex, desc: Descriptor | None) -> None:
        """Two streams: records aligned like repeated items (an inserted record is one addition),
        each changed pair compared as two messages, paths ``record[3].owner``."""
        a, b = self.a, self.b

        def span(x: fr.RecordIndex, i: int) -> tuple[int, int, int]:
            return x.prefix_offsets[i], x.offsets[i], x.offsets[i] + x.lengths[i]

        def same(i: int, j: int) -> bool:
            p, _o, e = span(xa, i)
            q, _u, f = span(xb, j)
            self._poll()
            return _same(a, p, e, b, q, f)

        def key(x: fr.RecordIndex, buf: Buffer) -> Callable[[int], int]:
            # the payload only: a record whose prefix alone changed still aligns with its old self
            def k(i: int) -> int:
                self._poll()
                return hash(bytes(buf[x.offsets[i]:x.offsets[i] + x.lengths[i]]))
            return k

        head, steps = align(len(xa), len(xb), same, key(xa, a), key(xb, b))
        at_a = span(xa, head - 1)[2] if head else (xa.prefix_offsets[0] if len(xa) else len(a))
        at_b = span(xb, head - 1)[2] if head else (xb.prefix_offsets[0] if len(xb) else len(b))
        for st in steps:
            i, j = st.left, st.right
            if i is not None and j is not None and same(i, j):
                self._tick(xa.offsets[i])
            else:
                path, note = _item_path("record", st)
                before = len(self.out)
                self._record_pair(xa, xb, i, j, desc, path, note, at_a, at_b)
                for k in range(before, len(self.out)):
                    d = self.out[k]
                    self.out[k] = replace(d, item=(i, j) if d.item is None else d.item,
                                          left=replace(d.left, record=i) if d.left is not None else None,
                                          right=replace(d.right, record=j) if d.right is not None else None)
            if i is not None:
                at_a = span(xa, i)[2]
            if j is not None:
                at_b = span(xb, j)[2]
        self._count_quiet(len(xa) - sum(1 for st in steps if st.left is not None),
                          span(xa, len(xa) - 1)[2] if len(xa) else len(a))
        self._stream_tail(xa, xb)

    def _record_side(self, x: fr.RecordIndex, buf: Buffer, i: int, desc: Descriptor | None) -> Side:
        p, o, e = x.prefix_offsets[i], x.offsets[i], x.offsets[i] + x.lengths[i]

        def render() -> tuple[str, str]:
            n = len(decode_span(buf, o, e))
            return f"{{{n} field{'s' if n != 1 else ''}}}", desc.full_name if desc is not None else "message"
        return Side((), p, e, o, e, render)

    def _record_pair(self, xa: fr.RecordIndex, xb: fr.RecordIndex, i: int | None, j: int | None,
                     desc: Descriptor | None, path: str, note: str, at_a: int, at_b: int) -> None:
        a, b = self.a, self.b
        if i is None:
            assert j is not None
            self._tick(at_a)
            self._emit(Difference(ADDED, path, None, self._record_side(xb, b, j, desc), note, other_at=at_a))
            return
        if j is None:
            self._tick(xa.offsets[i])
            self._emit(Difference(REMOVED, path, self._record_side(xa, a, i, desc), None, note, other_at=at_b))
            return
        self._tick(xa.offsets[i])
        ra, rb = xa[i], xb[j]
        sa, sb = self._record_side(xa, a, i, desc), self._record_side(xb, b, j, desc)
        if ra.compressed or rb.compressed:  # gRPC frames with the compressed flag: bytes, not a message
            self._emit(Difference(CHANGED, path, sa, sb, "compressed record(s): compared as bytes"))
            return
        la, lb = decode_span(a, ra.offset, ra.end), decode_span(b, rb.offset, rb.end)
        for which, level in (("left", la), ("right", lb)):
            if level.error is not None:  # the outermost damage: deeper ones are guesses at a clipped value
                self.errors.append((which, level.error))
        before = len(self.out)
        prefix_changed = not _same(a, ra.prefix_offset, ra.offset, b, rb.prefix_offset, rb.offset)
        if not _same(a, ra.offset, ra.end, b, rb.offset, rb.end):
            if prefix_changed:
                self.headers.append(ByteOp("replace", ra.prefix_offset, ra.offset, rb.prefix_offset, rb.offset))
            self.level(la, lb, desc, (), (), path, ())
        if len(self.out) == before:
            self.headers = [h for h in self.headers if not (h.a0 == ra.prefix_offset and h.b0 == rb.prefix_offset)]
            why = (_N_SAME_FIELDS if not prefix_changed else _N_SAME_MESSAGE).format()
            self._emit(Difference(CHANGED, path, sa, sb, why, True))

    def _stream_tail(self, xa: fr.RecordIndex, xb: fr.RecordIndex) -> None:
        """A stream cut short: the bytes after its last whole record are compared as raw tails."""
        if xa.error is None and xb.error is None:
            return
        ta = xa.offsets[-1] + xa.lengths[-1] if len(xa) else 0
        tb = xb.offsets[-1] + xb.lengths[-1] if len(xb) else 0
        ea, eb = len(self.a), len(self.b)
        for which, x in (("left", xa), ("right", xb)):
            if x.error is not None:
                self.errors.append((which, x.error))
        if _same(self.a, ta, ea, self.b, tb, eb):
            return
        why = "; ".join(f"{s} stream damaged at offset {x.error.offset}: {x.error.reason}"
                        for s, x in (("left", xa), ("right", xb)) if x.error is not None)
        self._emit_tails("<undecoded bytes>", why, (ta, ea, ()), (tb, eb, ()))


class _Full(Exception):
    pass


def compare(
    a: Buffer,
    b: Buffer,
    registry: SchemaRegistry | None = None,
    type_name: str | None = None,
    *,
    framing: str = "single",
    pins: Pins | None = None,
    max_differences: int = 100_000,
    progress: Callable[[float], None] | None = None,
    cancel: threading.Event | None = None,
) -> Comparison:
    """Compare message ``a`` (left) with ``b`` (right), with a schema type or schemaless.

    ``framing`` "varint" or "grpc" compares two streams record by record (see
    :meth:`_Comparer.records`); "auto" does so when both sides are detected as (or, the one
    detected as a stream, the other also tiles as) the same stream framing, else compares two
    messages. Raises SchemaError for an unknown type, ValueError for an unknown framing and
    CompareCancelled when ``cancel`` is set; damaged input is not an error (the result's
    ``errors`` name the damage). ``progress`` receives the fraction of the left side walked,
    from the calling thread.
    """
    desc = registry.find(type_name) if (registry is not None and type_name) else None
    ba = memoryview(a) if isinstance(a, (bytes, bytearray)) else a
    bb = memoryview(b) if isinstance(b, (bytes, bytearray)) else b
    chosen = _stream_framing(ba, bb, framing)
    result = Comparison(len(a), len(b), desc.full_name if desc is not None else None, _left=ba, _right=bb)
    c = _Comparer(ba, bb, registry, pins or Pins(), max_differences, progress, cancel)
    xa = xb = None
    if chosen == "single":
        ra, rb = decode(ba), decode(bb)
        for side, root in (("left", ra), ("right", rb)):
            if root.error is not None:  # the outermost damage: deeper ones are guesses at a clipped value
                result.errors.append((side, root.error))
    else:
        xa, xb = fr.index(ba, chosen), fr.index(bb, chosen)  # type: ignore[arg-type]
        result.framing, result.records = chosen, (len(xa), len(xb))
    if not _same(ba, 0, len(a), bb, 0, len(b)):
        with _no_gc():
            try:
                if xa is not None and xb is not None:
                    c.records(xa, xb, desc)
                else:
                    c.level(ra, rb, desc, (), (), "", ())
            except _Full:
                pass
    result.errors.extend(c.errors)
    result.differences = c.out
    result.truncated = c.full
    result.fields_compared = c.count
    result._headers = c.headers
    if progress is not None:
        progress(1.0)
    return result


def _stream_framing(a: Buffer, b: Buffer, framing: str) -> str:
    """The framing both sides are compared with ("single" = two messages)."""
    if framing != "auto":
        if framing not in fr.FRAMINGS:
            raise ValueError(f"unknown framing {framing!r}; expected auto, single, varint or grpc")
        return framing
    fa, fb = fr.index(a, "auto").framing, fr.index(b, "auto").framing
    if fa == fb:
        return fa
    if "single" not in (fa, fb):
        return "single"  # one varint stream, one gRPC stream: nothing to pair records by
    stream, other = (fa, b) if fa != "single" else (fb, a)
    return stream if fr.RecordIndex(other, stream).error is None else "single"


def to_json_lines(result: Comparison) -> str:
    """One JSON object per difference, then a summary object (for ``proto diff --json``)."""
    lines = [json.dumps(d.to_json(), ensure_ascii=False) for d in result.differences]
    summary: dict[str, object] = {"summary": result.summary(), "equal": result.equal, "truncated": result.truncated,
                                  **result.counts(), "errors": [{"side": s, "offset": e.offset, "reason": e.reason}
                                                                for s, e in result.errors]}
    if result.records is not None:
        summary["framing"] = result.framing
        summary["records"] = list(result.records)
    lines.append(json.dumps(summary))
    return "\n".join(lines) + "\n"
