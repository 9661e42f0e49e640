"""google.protobuf.Timestamp and Duration as text, and their edit as one change (no Qt).

The tree shows a Timestamp as an RFC 3339 date and a Duration as protobuf's JSON text ("1.5s");
operators edit that text. Parsing is strict (a clear sentence for a bad string, the ranges the
protobuf JSON mapping allows), and :func:`set_seconds_nanos` writes both fields through the
byte-preserving :class:`~pelorus.protobuf.document.Document`: one undoable edit that rewrites only
the varints that change (and the length prefixes above them). A field that is absent stays absent
when its new value is 0 (proto3 default), and is inserted only when needed.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Final

from pelorus.protobuf.document import Document, Edit, EditError, IndexPath
from pelorus.protobuf.schemaless import Message
from pelorus.protobuf.wire import VARINT, encode_tag, encode_varint, read_varint, to_signed32, to_signed64
from pelorus.text import QT_TRANSLATE_NOOP

__all__ = ["DURATION_MAX", "TIMESTAMP_MAX", "TIMESTAMP_MIN", "format_duration", "format_timestamp",
           "parse_duration", "parse_timestamp", "seconds_nanos", "set_seconds_nanos"]

TIMESTAMP_MIN: Final = -62135596800
"""0001-01-01T00:00:00Z in seconds since the epoch (the protobuf Timestamp range)."""
TIMESTAMP_MAX: Final = 253402300799
"""9999-12-31T23:59:59Z."""
DURATION_MAX: Final = 315576000000
"""±10,000 years in seconds (the protobuf Duration range)."""
_EPOCH: Final = _dt.datetime(1970, 1, 1)

_RFC3339: Final = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))")
_DURATION: Final = re.compile(r"([+-])?(\d+)(?:\.(\d{0,9}))?s")


def _fraction(nanos: int) -> str:
    """``.123``, ``.123456`` or ``.123456789`` (3, 6 or 9 digits, as protobuf's JSON writes); '' for 0."""
    if nanos == 0:
        return ""
    digits = f"{nanos:09d}"
    for width in (3, 6):
        if digits[width:] == "0" * (9 - width):
            return "." + digits[:width]
    return "." + digits


def format_timestamp(seconds: int, nanos: int) -> str:
    """RFC 3339 in UTC with the nanoseconds kept (``2026-12-01T23:15:00.123456789Z``)."""
    if not TIMESTAMP_MIN <= seconds <= TIMESTAMP_MAX or not 0 <= nanos <= 999_999_999:
        raise ValueError(QT_TRANSLATE_NOOP(
            "ValueEditor", "{seconds}s {nanos}ns is outside the Timestamp range 0001-01-01 … 9999-12-31").format(
            seconds=seconds, nanos=nanos))
    t = _EPOCH + _dt.timedelta(seconds=seconds)
    return t.isoformat(timespec="seconds") + _fraction(nanos) + "Z"


def parse_timestamp(text: str) -> tuple[int, int]:
    """RFC 3339 text → (seconds, nanos); ValueError with a sentence for a bad string or range."""
    s = text.strip()
    m = _RFC3339.fullmatch(s)
    if m is None:
        raise ValueError(QT_TRANSLATE_NOOP(
            "ValueEditor", "{text!r} is not an RFC 3339 date-time like 2026-12-01T23:15:00.123456789Z (date, 'T', "
            "time, optional fraction, then Z or an offset like +02:00)").format(text=text))
    y, mo, d, hh, mm, ss = (int(m.group(i)) for i in range(1, 7))
    if y == 0:
        raise ValueError(QT_TRANSLATE_NOOP(
            "ValueEditor", "{text!r} is outside the Timestamp range 0001-01-01T00:00:00Z … "
            "9999-12-31T23:59:59Z").format(
            text=text))
    try:
        t = _dt.datetime(y, mo, d, hh, mm, ss)
    except ValueError as err:
        raise ValueError(QT_TRANSLATE_NOOP(
            "ValueEditor", "{text!r} is not a valid date-time: {err}").format(text=text, err=err)) from None
    seconds = int((t - _EPOCH).total_seconds())
    if m.group(9):
        off = int(m.group(10)) * 3600 + int(m.group(11)) * 60
        if int(m.group(10)) > 23 or int(m.group(11)) > 59:
            raise ValueError(QT_TRANSLATE_NOOP(
                "ValueEditor", "{text!r}: the UTC offset {sign}{hours}:{minutes} is not valid").format(
                text=text, sign=m.group(9), hours=m.group(10), minutes=m.group(11)))
        seconds -= off if m.group(9) == "+" else -off
    nanos = int((m.group(7) or "").ljust(9, "0") or 0)
    if not TIMESTAMP_MIN <= seconds <= TIMESTAMP_MAX:
        raise ValueError(QT_TRANSLATE_NOOP(
            "ValueEditor", "{text!r} is outside the Timestamp range 0001-01-01T00:00:00Z … "
            "9999-12-31T23:59:59Z").format(
            text=text))
    return seconds, nanos


def format_duration(seconds: int, nanos: int) -> str:
    """Protobuf's JSON text for a Duration: ``3600s``, ``1.500s``, ``-2.000000001s``."""
    neg = seconds < 0 or nanos < 0
    return ("-" if neg else "") + f"{abs(seconds)}{_fraction(abs(nanos))}s"


def parse_duration(text: str) -> tuple[int, int]:
    """``3600s`` / ``1.5s`` / ``-2.000000001s`` → (seconds, nanos) with one sign; ValueError says why not."""
    s = text.strip()
    m = _DURATION.fullmatch(s)
    if m is None:
        raise ValueError(QT_TRANSLATE_NOOP(
            "ValueEditor", "{text!r} is not a duration like 3600s, 1.5s or -2.000000001s (seconds, optional "
            "fraction of up to 9 digits, then 's')").format(text=text))
    sign = -1 if m.group(1) == "-" else 1
    seconds = int(m.group(2))
    nanos = int((m.group(3) or "").ljust(9, "0") or 0)
    if seconds > DURATION_MAX:
        raise ValueError(QT_TRANSLATE_NOOP(
            "ValueEditor", "{text!r} is outside the Duration range ±{max}s (10,000 years)").format(
            text=text, max=DURATION_MAX))
    return sign * seconds, sign * nanos


def seconds_nanos(level: Message) -> tuple[int, int]:
    """(seconds, nanos) of a Timestamp/Duration level: the last varint occurrence of each wins."""
    s = n = 0
    for i in range(len(level)):
        f = level[i]
        if f.wire_type != VARINT:
            continue
        u = read_varint(f.value, 0)[0]
        if f.number == 1:
            s = to_signed64(u)
        elif f.number == 2:
            n = to_signed32(u)
    return s, n


def editable_level(level: Message) -> bool:
    """Fields 1 and 2 are all varints and the level is whole: the date/duration editor applies."""
    return level.error is None and all(level[i].wire_type == VARINT for i in range(len(level))
                                       if level[i].number in (1, 2))


def _varint(value: int) -> bytes:
    return encode_varint(value & ((1 << 64) - 1))  # int64 / int32: negatives as ten-byte two's complement


def set_seconds_nanos(doc: Document, path: IndexPath, seconds: int, nanos: int, description: str) -> Edit:
    """Write ``seconds`` (field 1) and ``nanos`` (field 2) of the message at ``path`` in one edit.

    The last occurrence of each field gets the new varint (earlier duplicates would be overridden
    by it anyway, so they are left as they are); an absent field is inserted only if its value is
    not 0: seconds before the first field, nanos after the last seconds (else at the end)."""
    chain, level = doc.level_at(path)
    if not editable_level(level):
        raise EditError(QT_TRANSLATE_NOOP(
            "EditError", "seconds / nanos here are not plain varints: edit the fields one by one").format())
    last: dict[int, int] = {}
    for i in range(len(level)):
        if level[i].number in (1, 2):
            last[level[i].number] = i
    parts: list[tuple[int, int, bytes]] = []
    current = seconds_nanos(level)
    for number, value, old in ((1, seconds, current[0]), (2, nanos, current[1])):
        if number in last:
            f = level[last[number]]
            if value != old:
                parts.append((f.value_offset, f.end, _varint(value)))
        elif value != 0:
            body = encode_tag(number, VARINT) + _varint(value)
            if number == 1:
                pos = level[0].tag_offset if len(level) else level.end
            else:
                pos = level[last[1]].end if 1 in last else level.end
            parts.append((pos, pos, body))
    if not parts:
        raise EditError(QT_TRANSLATE_NOOP("EditError", "the value is unchanged").format())
    parts.sort(key=lambda p: (p[0], p[1]))
    return doc.replace_ranges(description, chain, parts)  # one undoable edit of the level
