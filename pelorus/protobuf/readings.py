"""Ranked interpretations ("readings") of a schemaless field, pins, and .proto export.

The wire format does not say whether a varint is an unsigned id, a negative int64, a zigzag sint or
a bool, nor whether a length-delimited value is a string, a nested message or packed numbers. Peers
either guess one answer (bbpb: message else bytes) or try a fixed order (protobuf-inspector). We
offer every plausible reading with a score and a one-line reason, so the operator sees *why* the
top one won and can pin another per field path (a path is the tuple of field numbers from the
root, so a pin applies to every occurrence of a repeated field). Scores are small hand-set numbers:
explainable beats clever here.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Final

from pelorus.protobuf.schemaless import Field, Message
from pelorus.protobuf.wire import (
    FIXED32,
    FIXED64,
    LEN,
    SGROUP,
    VARINT,
    WireError,
    encode_varint,
    fixed32_values,
    fixed64_values,
    pack_fixed32,
    pack_fixed64,
    read_varint,
    to_signed64,
    zigzag_decode,
    zigzag_encode,
)
from pelorus.text import QT_TRANSLATE_NOOP

Value = int | float | bool | str | bytes | list[int] | list[float] | Message | None
Path = tuple[int, ...]

# kind → (wire type, .proto scalar type, packed?)
KINDS: Final[dict[str, tuple[int, str, bool]]] = {
    "uint64": (VARINT, "uint64", False),
    "int64": (VARINT, "int64", False),
    "sint64": (VARINT, "sint64", False),
    "bool": (VARINT, "bool", False),
    "fixed32": (FIXED32, "fixed32", False),
    "sfixed32": (FIXED32, "sfixed32", False),
    "float": (FIXED32, "float", False),
    "fixed64": (FIXED64, "fixed64", False),
    "sfixed64": (FIXED64, "sfixed64", False),
    "double": (FIXED64, "double", False),
    "string": (LEN, "string", False),
    "bytes": (LEN, "bytes", False),
    "message": (LEN, "message", False),
    "packed_varint": (LEN, "uint64", True),
    "packed_sint64": (LEN, "sint64", True),
    "packed_fixed32": (LEN, "fixed32", True),
    "packed_float": (LEN, "float", True),
    "packed_fixed64": (LEN, "fixed64", True),
    "packed_double": (LEN, "double", True),
    "group": (SGROUP, "group", False),
}

_PRINTABLE_EXTRA: Final = frozenset("\t\n\r")


# Why each reading is offered (the editor's reading menu shows them): marked for the console's
# translation (pelorus/text.py); made once, not per field.
_R0 = QT_TRANSLATE_NOOP("Reading", "top bit set: a negative int32/int64").format()
_R1 = QT_TRANSLATE_NOOP("Reading", "very large as unsigned").format()
_R2 = QT_TRANSLATE_NOOP("Reading", "zigzag of a huge value").format()
_R3 = QT_TRANSLATE_NOOP("Reading", "0 or 1: looks like a flag").format()
_R4 = QT_TRANSLATE_NOOP("Reading", "non-negative integer (or enum number)").format()
_R5 = QT_TRANSLATE_NOOP("Reading", "same as unsigned for values below 2^63").format()
_R6 = QT_TRANSLATE_NOOP("Reading", "zigzag (sint32/sint64) reading").format()
_R7 = QT_TRANSLATE_NOOP("Reading", "finite float of moderate size").format()
_R8 = QT_TRANSLATE_NOOP("Reading", "implausible as float").format()
_R9 = QT_TRANSLATE_NOOP("Reading", "unsigned 32-bit").format()
_R10 = QT_TRANSLATE_NOOP("Reading", "negative 32-bit").format()
_R11 = QT_TRANSLATE_NOOP("Reading", "signed 32-bit").format()
_R12 = QT_TRANSLATE_NOOP("Reading", "finite double of moderate size").format()
_R13 = QT_TRANSLATE_NOOP("Reading", "implausible as double").format()
_R14 = QT_TRANSLATE_NOOP("Reading", "unsigned 64-bit").format()
_R15 = QT_TRANSLATE_NOOP("Reading", "negative 64-bit").format()
_R16 = QT_TRANSLATE_NOOP("Reading", "signed 64-bit").format()
_R17 = QT_TRANSLATE_NOOP("Reading", "printable UTF-8 text").format()
_R18 = QT_TRANSLATE_NOOP("Reading", "valid UTF-8 but has control characters").format()
_R19 = QT_TRANSLATE_NOOP("Reading", "zigzag packed varints").format()
_R20 = QT_TRANSLATE_NOOP("Reading", "packed floats of moderate size").format()
_R21 = QT_TRANSLATE_NOOP("Reading", "packed floats (implausible)").format()
_R22 = QT_TRANSLATE_NOOP("Reading", "packed unsigned 32-bit").format()
_R23 = QT_TRANSLATE_NOOP("Reading", "packed doubles of moderate size").format()
_R24 = QT_TRANSLATE_NOOP("Reading", "packed doubles (implausible)").format()
_R25 = QT_TRANSLATE_NOOP("Reading", "packed unsigned 64-bit").format()
_R26 = QT_TRANSLATE_NOOP("Reading", "empty: an empty string, bytes or message").format()
_R27 = QT_TRANSLATE_NOOP("Reading", "empty message").format()
_R28 = QT_TRANSLATE_NOOP("Reading", "empty bytes").format()
_R29 = QT_TRANSLATE_NOOP("Reading", "raw bytes (always possible)").format()
_R30 = QT_TRANSLATE_NOOP("Reading", "proto2 group").format()
_MESSAGE_WITH = QT_TRANSLATE_NOOP("Reading", "parses cleanly as a message with {n} field(s)")
_VARINTS = QT_TRANSLATE_NOOP("Reading", "{n} varint(s)")
_VARINTS_SMALL = QT_TRANSLATE_NOOP("Reading", "{n} varint(s), all below 2^32")


@dataclass(frozen=True)
class Reading:
    """One interpretation of a field's bytes: ``kind`` (a key of KINDS), the value, a score in 0..1
    and the reason shown to the operator."""

    kind: str
    value: Value
    score: float
    reason: str
    pinned: bool = False


def _plausible_float(x: float) -> bool:
    """Floats people store are finite and of moderate magnitude (0 is ambiguous, so not counted)."""
    return math.isfinite(x) and (1e-6 <= abs(x) <= 1e9)


def _plausible_double(x: float) -> bool:
    return math.isfinite(x) and (1e-9 <= abs(x) <= 1e15)


_DROP_EXTRA: Final = str.maketrans("", "", "".join(_PRINTABLE_EXTRA))
_VECTOR_FROM: Final = 64
"""Payloads at least this long are read with numpy (the same values; a Python step per byte or per value
made a packed run of a few MB cost seconds). numpy is imported by the functions that use it: a decode that
needs none of them starts without it."""


def _printable(text: str) -> bool:
    """Every character printable or a tab / newline / carriage return (str.isprintable in C)."""
    return text.isprintable() or text.translate(_DROP_EXTRA).isprintable()


def _packed_varints(payload: bytes) -> list[int] | None:
    if len(payload) >= _VECTOR_FROM:
        return _packed_varints_np(payload)
    out: list[int] = []
    pos = 0
    try:
        while pos < len(payload):
            value, pos = read_varint(payload, pos)
            out.append(value)
    except WireError:
        return None
    return out


def _packed_varints_np(payload: bytes) -> list[int] | None:
    """:func:`_packed_varints` with array operations: every varint ends at a byte below 0x80, none may
    be longer than 10 bytes, and values keep their low 64 bits (the uint64 shifts wrap as read_varint masks)."""
    import numpy as np

    b = np.frombuffer(payload, dtype=np.uint8)
    n = b.shape[0]
    ends = np.flatnonzero(b < 0x80)
    if ends.shape[0] == 0 or ends[-1] != n - 1:
        return None
    starts = np.empty_like(ends)
    starts[0] = 0
    starts[1:] = ends[:-1] + 1
    lens = ends - starts + 1
    if int(lens.max()) > 10:
        return None
    shift = (np.arange(n, dtype=np.int64) - np.repeat(starts, lens)) * 7
    vals = np.bitwise_or.reduceat((b & 0x7F).astype(np.uint64) << shift.astype(np.uint64), starts)
    out: list[int] = vals.tolist()
    return out


def _zigzag_all(values: list[int]) -> list[int]:
    if len(values) < _VECTOR_FROM:
        return [zigzag_decode(v) for v in values]
    import numpy as np

    u = np.array(values, dtype=np.uint64)
    half = (u >> np.uint64(1)).astype(np.int64)
    out: list[int] = np.where((u & np.uint64(1)) == 1, ~half, half).tolist()
    return out


def _all_plausible(values: list[float], lo: float, hi: float) -> bool:
    """Every value finite and of moderate size, or zero, and not all zero (as the packed readings ask)."""
    import numpy as np

    a = np.abs(np.array(values, dtype=np.float64))
    with np.errstate(invalid="ignore"):
        ok = (a == 0.0) | (np.isfinite(a) & (a >= lo) & (a <= hi))
    return bool(ok.all()) and bool((a != 0.0).any())


def _varint_readings(u: int) -> list[Reading]:
    out: list[Reading] = []
    if u >= 1 << 63:
        out.append(Reading("int64", to_signed64(u), 0.8, _R0))
        out.append(Reading("uint64", u, 0.4, _R1))
        out.append(Reading("sint64", zigzag_decode(u), 0.1, _R2))
        return out
    if u in (0, 1):
        out.append(Reading("bool", bool(u), 0.7, _R3))
    out.append(Reading("uint64", u, 0.6, _R4))
    out.append(Reading("int64", u, 0.3, _R5))
    out.append(Reading("sint64", zigzag_decode(u), 0.2, _R6))
    return out


def _fixed32_readings(raw: bytes) -> list[Reading]:
    u, s, f = fixed32_values(raw)
    out = [
        Reading("float", f, 0.7 if _plausible_float(f) else 0.15,
                _R7 if _plausible_float(f) else _R8),
        Reading("fixed32", u, 0.5, _R9),
        Reading("sfixed32", s, 0.55 if s < 0 else 0.3, _R10 if s < 0 else _R11),
    ]
    return out


def _fixed64_readings(raw: bytes) -> list[Reading]:
    u, s, d = fixed64_values(raw)
    out = [
        Reading("double", d, 0.75 if _plausible_double(d) else 0.15,
                _R12 if _plausible_double(d) else _R13),
        Reading("fixed64", u, 0.5, _R14),
        Reading("sfixed64", s, 0.55 if s < 0 else 0.3, _R15 if s < 0 else _R16),
    ]
    return out


def _utf8(payload: bytes) -> str | None:
    try:
        return payload.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _text_reading(text: str) -> Reading:
    if _printable(text):
        return Reading("string", text, 0.9, _R17)
    return Reading("string", text, 0.3, _R18)


def _message_reading(msg: Message) -> Reading:
    # A message parse that has only absurd field numbers is probably a coincidence.
    numbers = [msg.key_at(i) >> 3 for i in range(min(len(msg), 64))]
    odd = sum(1 for x in numbers if x > 10000)
    score = 0.8 if odd == 0 else 0.45
    return Reading("message", msg, score, _MESSAGE_WITH.format(n=len(msg)))  # "(s)" kept: golden captures


def _varints_reading(packed: list[int]) -> Reading:
    small = (max(packed) < 1 << 32) if packed else True
    return Reading("packed_varint", packed, 0.5 if small else 0.3,
                   (_VARINTS_SMALL if small else _VARINTS).format(n=len(packed)))


def _sint_reading(packed: list[int]) -> Reading:
    return Reading("packed_sint64", _zigzag_all(packed), 0.15, _R19)


def _floats_reading(payload: bytes) -> Reading:
    floats = list(struct.unpack(f"<{len(payload) // 4}f", payload))
    good = _all_plausible(floats, 1e-6, 1e9)
    return Reading("packed_float", floats, 0.55 if good else 0.1,
                   _R20 if good else _R21)


def _fixed32s_reading(payload: bytes) -> Reading:
    return Reading("packed_fixed32", list(struct.unpack(f"<{len(payload) // 4}I", payload)), 0.2,
                   _R22)


def _doubles_reading(payload: bytes) -> Reading:
    doubles = list(struct.unpack(f"<{len(payload) // 8}d", payload))
    good = _all_plausible(doubles, 1e-9, 1e15)
    return Reading("packed_double", doubles, 0.6 if good else 0.1,
                   _R23 if good else _R24)


def _fixed64s_reading(payload: bytes) -> Reading:
    return Reading("packed_fixed64", list(struct.unpack(f"<{len(payload) // 8}Q", payload)), 0.2,
                   _R25)


def _len_readings(f: Field) -> list[Reading]:
    payload = f.value
    n = len(payload)
    out: list[Reading] = []
    if n == 0:
        out.append(Reading("string", "", 0.5, _R26))
        out.append(Reading("message", f.message(), 0.4, _R27))
        out.append(Reading("bytes", payload, 0.3, _R28))
        return out
    text = _utf8(payload)
    if text is not None:
        out.append(_text_reading(text))
    msg = f.message()
    if msg is not None:
        out.append(_message_reading(msg))
    packed = _packed_varints(payload)
    if packed is not None and (msg is None or len(packed) > 1):
        out.append(_varints_reading(packed))
        out.append(_sint_reading(packed))
    if n % 4 == 0:
        out.append(_floats_reading(payload))
        out.append(_fixed32s_reading(payload))
    if n % 8 == 0:
        out.append(_doubles_reading(payload))
        out.append(_fixed64s_reading(payload))
    out.append(Reading("bytes", payload, 0.1, _R29))
    return out


def _len_best(f: Field) -> Reading:
    """``_len_readings(f)`` sorted, first: the same Reading, building only the readings that can still
    win. Scores, highest first (ties go to the one listed first): printable text 0.9, a message 0.8,
    plausible doubles 0.6, plausible floats 0.55, varints below 2^32 0.5, a message with odd field
    numbers 0.45, other text 0.3, other varints 0.3, fixed32 0.2 (before fixed64), sint64 0.15, the
    rest 0.1 (only bytes is left at 0.1: a length that is a multiple of 4 always has fixed32)."""
    payload = f.value
    n = len(payload)
    if n == 0:
        return Reading("string", "", 0.5, _R26)
    text = _utf8(payload)
    if text is not None and _printable(text):
        return _text_reading(text)
    msg = f.message()
    as_message = _message_reading(msg) if msg is not None else None
    if as_message is not None and as_message.score == 0.8:
        return as_message
    if n % 8 == 0:
        r = _doubles_reading(payload)
        if r.score == 0.6:
            return r
    if n % 4 == 0:
        r = _floats_reading(payload)
        if r.score == 0.55:
            return r
    packed = _packed_varints(payload)
    as_varints = _varints_reading(packed) if packed is not None and (msg is None or len(packed) > 1) else None
    if as_varints is not None and as_varints.score == 0.5:
        return as_varints
    if as_message is not None:
        return as_message
    if text is not None:
        return _text_reading(text)
    if as_varints is not None:
        return as_varints
    if n % 4 == 0:
        return _fixed32s_reading(payload)
    if packed is not None and (msg is None or len(packed) > 1):
        return _sint_reading(packed)
    return Reading("bytes", payload, 0.1, _R29)


def readings(f: Field, pinned: str | None = None) -> list[Reading]:
    """All readings of ``f``, best first; a ``pinned`` kind is moved to the front and marked."""
    wt = f.wire_type
    if wt == VARINT:
        out = _varint_readings(read_varint(f.value, 0)[0])
    elif wt == FIXED32:
        out = _fixed32_readings(f.value)
    elif wt == FIXED64:
        out = _fixed64_readings(f.value)
    elif wt == LEN:
        out = _len_readings(f)
    else:
        out = [Reading("group", f.message(), 1.0, _R30)]
    out.sort(key=lambda r: -r.score)
    if pinned is not None:
        for i, r in enumerate(out):
            if r.kind == pinned:
                out.insert(0, Reading(r.kind, r.value, r.score, r.reason, pinned=True))
                del out[i + 1]
                break
        else:
            raise ValueError(QT_TRANSLATE_NOOP(
                "Readings", "field {number} at offset {tag_offset} cannot be read as {pinned}").format(
                number=f.number, tag_offset=f.tag_offset, pinned=pinned))
    return out


def best(f: Field, pinned: str | None = None) -> Reading:
    """The reading shown by default (the pinned one if it applies): ``readings(f, pinned)[0]``, without
    building the readings that cannot win."""
    if pinned is None and f.wire_type == LEN:
        return _len_best(f)
    return readings(f, pinned)[0]


def encode_value(kind: str, value: object) -> tuple[int, bytes]:
    """Encode a typed value as (wire type, value bytes) — the inverse of a reading.

    For length-delimited kinds the bytes are the payload (the caller writes the length prefix).
    """
    if kind not in KINDS:
        raise ValueError(QT_TRANSLATE_NOOP(
            "Readings", "unknown kind {kind!r}").format(kind=kind))
    wt = KINDS[kind][0]
    if kind in ("uint64", "int64"):
        v = int(value)  # type: ignore[call-overload]
        if not -(1 << 63) <= v < 1 << 64:
            raise ValueError(QT_TRANSLATE_NOOP(
                "Readings", "{v} does not fit in 64 bits").format(v=v))
        return wt, encode_varint(v)
    if kind == "sint64":
        v = int(value)  # type: ignore[call-overload]
        if not -(1 << 63) <= v < 1 << 63:
            raise ValueError(QT_TRANSLATE_NOOP(
                "Readings", "{v} does not fit in sint64").format(v=v))
        return wt, encode_varint(zigzag_encode(v))
    if kind == "bool":
        return wt, encode_varint(1 if value else 0)
    if wt == FIXED32:
        return wt, pack_fixed32(value, kind)  # type: ignore[arg-type]
    if wt == FIXED64:
        return wt, pack_fixed64(value, kind)  # type: ignore[arg-type]
    if kind == "string":
        return wt, str(value).encode("utf-8")
    if kind in ("bytes", "message"):
        if isinstance(value, Message):
            return wt, value.encode()
        return wt, bytes(value)  # type: ignore[call-overload]
    items = list(value)  # type: ignore[call-overload]
    if kind == "packed_varint":
        return wt, b"".join(encode_varint(int(v)) for v in items)
    if kind == "packed_sint64":
        return wt, b"".join(encode_varint(zigzag_encode(int(v))) for v in items)
    if kind == "packed_fixed32":
        return wt, struct.pack(f"<{len(items)}I", *items)
    if kind == "packed_float":
        return wt, struct.pack(f"<{len(items)}f", *items)
    if kind == "packed_fixed64":
        return wt, struct.pack(f"<{len(items)}Q", *items)
    if kind == "packed_double":
        return wt, struct.pack(f"<{len(items)}d", *items)
    raise ValueError(QT_TRANSLATE_NOOP(
        "Readings", "cannot encode kind {kind!r}").format(kind=kind))


@dataclass
class Pins:
    """Operator-chosen readings per field path (tuple of field numbers from the root)."""

    by_path: dict[Path, str] = field(default_factory=dict)

    def pin(self, path: Path, kind: str) -> None:
        if kind not in KINDS:
            raise ValueError(QT_TRANSLATE_NOOP(
                "Readings", "unknown kind {kind!r}; expected one of {names}").format(kind=kind, names=', '.join(KINDS)))
        self.by_path[tuple(path)] = kind

    def unpin(self, path: Path) -> None:
        self.by_path.pop(tuple(path), None)

    def get(self, path: Path) -> str | None:
        return self.by_path.get(tuple(path))


def walk(msg: Message, path: Path = ()) -> Iterator[tuple[Path, Field]]:
    """Every field with its number path, depth first, descending into clean nested messages."""
    for f in msg:
        p = (*path, f.number)
        yield p, f
        if f.wire_type in (LEN, SGROUP):
            child = f.message()
            if child is not None:
                yield from walk(child, p)


# ---------------------------------------------------------------------------------------------
# .proto export


@dataclass
class _Shape:
    """What export learned about one field number at one path."""

    kind: str
    repeated: bool = False
    children: dict[int, _Shape] = field(default_factory=dict)


_EXPORT_DEPTH: Final = 100
"""Levels exported as nested messages (protobuf's parse limit); deeper ones become bytes."""


def _collect(levels: Iterable[Message], path: Path, pins: Pins, sample: int) -> dict[int, _Shape]:
    shapes: dict[int, _Shape] = {}
    deep = len(path) >= _EXPORT_DEPTH
    nested: dict[int, list[Message]] = {}
    for seen, msg in enumerate(levels):
        if seen >= sample:
            break
        counts: dict[int, int] = {}
        for f in msg:
            num = f.number
            counts[num] = counts.get(num, 0) + 1
            p = (*path, num)
            if num not in shapes:
                kind = pins.get(p) or best(f).kind
                shapes[num] = _Shape("bytes" if deep and kind in ("message", "group") else kind)
            if shapes[num].kind in ("message", "group"):
                child = f.message()
                if child is not None:
                    nested.setdefault(num, []).append(child)
        for num, c in counts.items():
            if c > 1:
                shapes[num].repeated = True
    for num, children in nested.items():
        shapes[num].children = _collect(children, (*path, num), pins, sample)
    return shapes


def _emit(name: str, shapes: dict[int, _Shape], indent: str, lines: list[str]) -> None:
    lines.append(f"{indent}message {name} {{")
    inner = indent + "  "
    for num in sorted(shapes):
        s = shapes[num]
        fname = f"field_{num}"
        if s.kind in ("message", "group"):
            tname = f"Field{num}"
            _emit(tname, s.children, inner, lines)
            label = "repeated" if s.repeated else "optional"
            if s.kind == "group":
                lines.append(f"{inner}// field {num} was a proto2 group; exported as a message")
            lines.append(f"{inner}{label} {tname} {fname} = {num};")
            continue
        ptype = KINDS[s.kind][1]
        if KINDS[s.kind][2]:
            lines.append(f"{inner}repeated {ptype} {fname} = {num} [packed = true];")
        else:
            label = "repeated" if s.repeated else "optional"
            lines.append(f"{inner}{label} {ptype} {fname} = {num};")
    lines.append(f"{indent}}}")


def export_proto(
    root: Message | None,
    pins: Pins,
    message_name: str = "Message",
    package: str | None = None,
    sample: int = 1000,
) -> str:
    """A proto2 .proto describing the decoded data with pinned (else top-ranked) readings.

    proto2 because it keeps the observed encoding faithful: unpacked repeated scalars stay unpacked
    and presence is explicit. Field names are ``field_N``, nested types ``FieldN``. ``sample``
    bounds how many occurrences per path are inspected, so export stays fast on huge repeated
    fields. With ``root`` None, only the pins are exported.
    """
    if root is not None:
        shapes = _collect([root], (), pins, sample)
    else:
        shapes = {}
        for path, kind in sorted(pins.by_path.items()):
            level = shapes
            for num in path[:-1]:
                level = level.setdefault(num, _Shape("message")).children
            level.setdefault(path[-1], _Shape(kind)).kind = kind
    lines = ['syntax = "proto2";', ""]
    if package:
        lines += [f"package {package};", ""]
    _emit(message_name, shapes, "", lines)
    return "\n".join(lines) + "\n"
