"""The reference scanner of one protobuf level: the exact, per-field Python loop.

Why a module of its own: both the lazy tree (:mod:`pelorus.protobuf.schemaless`) and the vectorised
walk (:mod:`pelorus.protobuf.fastscan`, which hands awkward spans back to it) need this loop; kept
here, neither of them imports the other's internals and there is no import cycle between them.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Final

from pelorus.protobuf.wire import Buffer, WireError, read_varint
from pelorus.text import QT_TRANSLATE_NOOP, Template

PURE_ENV: Final = "PELORUS_PROTOBUF_PURE"
"""Set to 1 to use only the pure-Python code (no C extension); the tests run both paths through it."""

_ScanClean = Callable[[Buffer, int, int, "int | None"], "tuple[list[int], None, int, int] | None"]
try:
    from pelorus.protobuf._rawwire import scan_clean as _scan_clean

    _SCAN_CLEAN: _ScanClean | None = _scan_clean
except ImportError:  # installed without a C compiler: the Python loop alone
    _SCAN_CLEAN = None

MAX_GROUP_DEPTH: Final = 100
NOT_MESSAGE: Final = -1
"""``fastscan.Tree.child`` value: the field's payload is not a clean message (or the field is not LEN)."""
REFERENCE: Final = -2
"""``fastscan.Tree.child`` value: a group; its level is decoded by the reference path when asked."""


class Stop(Exception):
    """Cheap failure signal; turned into a worded WireError only when someone needs it.

    Failed trial parses (a string tried as a message) are the common case in a full decode, and
    formatting a sentence for each one would dominate the run time.
    """

    def __init__(self, offset: int, code: int, a: int = 0, b: int = 0) -> None:
        self.offset = offset
        self.code = code
        self.a = a
        self.b = b


# marked for the console's translation (pelorus/text.py): the editor's damage banner shows them
REASONS: Final[dict[int, Template]] = {
    1: QT_TRANSLATE_NOOP("WireError", "field at offset {o} runs past the end of the data"),
    2: QT_TRANSLATE_NOOP("WireError", "length prefix of field {a} at offset {o} is missing"),
    # the length and the room left, both as offsets
    3: QT_TRANSLATE_NOOP("WireError", "field {a}: length {b} at offset {o} runs past the end, which is at "
                                      "offset {end}"),
    4: QT_TRANSLATE_NOOP("WireError", "varint at offset {o} is longer than 10 bytes"),
    5: QT_TRANSLATE_NOOP("WireError", "value of field {a} at offset {o} runs past the end"),
    6: QT_TRANSLATE_NOOP("WireError", "end of group {a} at offset {o} without a matching start"),
    7: QT_TRANSLATE_NOOP("WireError", "invalid wire type {a} in tag at offset {o}"),
    8: QT_TRANSLATE_NOOP("WireError", "field number 0 in tag at offset {o}"),
    9: QT_TRANSLATE_NOOP("WireError", "group {a} is not closed before offset {o}"),
    10: QT_TRANSLATE_NOOP("WireError", "tag at offset {o} is wider than 32 bits (field number out of range)"),
    11: QT_TRANSLATE_NOOP("WireError", "groups nested deeper than 100 levels at offset {o}"),
}


def worded(stop: Stop, end: int) -> WireError:
    return WireError(stop.offset, REASONS[stop.code].format(o=stop.offset, a=stop.a, b=stop.b, end=end))


def scan_group(buf: Buffer, pos: int, end: int, number: int, depth: int) -> tuple[int, int]:
    """Skip a group body starting at ``pos``; return (offset of END_GROUP tag, end after it).

    Groups are rare (proto2 only), so this goes through the general scan recursively.
    """
    if depth > MAX_GROUP_DEPTH:
        raise Stop(pos, 11)
    _recs, stop, after, end_tag = scan_fields(buf, pos, end, number, depth + 1)
    if stop is not None:
        raise stop
    return end_tag, after


def scan_fields(
    buf: Buffer, start: int, end: int, group: int, depth: int, limit: int | None = None
) -> tuple[list[int], Stop | None, int, int]:
    """The hot loop behind :func:`scan`: one pass, no calls on the common path.

    Common path = 1-byte tags and 1-byte lengths; everything else goes through read_varint.
    ``limit`` (framing detection on huge files) stops, clean so far, at the first field starting at
    or after it; fields are still checked against ``end``.
    """
    if group == 0 and _SCAN_CLEAN is not None and os.environ.get(PURE_ENV, "") in ("", "0"):
        # the same loop in C (pelorus/protobuf/_rawwire.c) when the level is clean; damage is worded below
        try:
            clean = _SCAN_CLEAN(buf, start, end, limit)
        except (TypeError, BufferError):
            clean = None
        if clean is not None:
            return clean
    stop_at = end if limit is None else min(end, limit)
    recs: list[int] = []
    ext = recs.extend
    pos = start
    t = start
    try:
        while pos < stop_at:
            t = pos
            key = buf[pos]
            pos += 1
            if key >= 0x80:
                try:
                    key, pos = read_varint(buf, t, end)
                except WireError:
                    raise Stop(t, 1) from None
                if key > 0xFFFFFFFF:
                    raise Stop(t, 10)
            elif key < 8:
                raise Stop(t, 8)
            wt = key & 7
            if wt == 2:
                if pos >= end:
                    raise Stop(pos, 2, key >> 3)
                lp = pos
                n = buf[pos]
                pos += 1
                if n >= 0x80:
                    if pos < end and buf[pos] < 0x80:  # 2-byte length: 128 B .. 16 KiB payloads
                        n = (n & 0x7F) | (buf[pos] << 7)
                        pos += 1
                    else:
                        try:
                            n, pos = read_varint(buf, lp, end)
                        except WireError:
                            raise Stop(lp, 1) from None
                v = pos
                pos += n
                if pos > end:
                    ext((t, key, v, pos))  # decode_span clips this one into Message.damaged
                    raise Stop(lp, 3, key >> 3, n)
            elif wt == 0:
                v = pos
                while buf[pos] >= 0x80:
                    pos += 1
                pos += 1
                if pos > end:
                    raise Stop(v, 5, key >> 3)
                if pos - v > 10:
                    raise Stop(v, 4)
            elif wt == 1:
                v = pos
                pos += 8
                if pos > end:
                    raise Stop(v, 5, key >> 3)
            elif wt == 5:
                v = pos
                pos += 4
                if pos > end:
                    raise Stop(v, 5, key >> 3)
            elif wt == 3:
                v = pos
                _et, pos = scan_group(buf, pos, end, key >> 3, depth)
            elif wt == 4:
                if group and key >> 3 == group:
                    return recs, None, pos, t
                raise Stop(t, 6, key >> 3)
            else:
                raise Stop(t, 7, wt)
            ext((t, key, v, pos))
    except IndexError:
        return recs, Stop(t, 1), t, t
    except Stop as stop:
        # without its traceback: a returned exception keeps its raising frame alive in a cycle
        # (stop -> traceback -> frame -> stop), and with it the caller's arrays until a full collection
        return recs, stop.with_traceback(None), t, t
    if pos < end:  # stopped at limit
        return recs, None, pos, pos
    if group:
        return recs, Stop(end, 9, group), end, end
    return recs, None, pos, pos
