"""Plain-text and JSON renderings of a schemaless tree (for the CLI's ``--format raw`` and exports).

Kept apart from the decoder so the GUI can reuse the same wording for tooltips and copy-as-text.
Without pins, :func:`write_raw_text` and :func:`write_raw_json` (indent 2) go through the C renderer
(pelorus/protobuf/_rawwire.c, a port of the readings' ranking and of these functions, built when the
package is installed with a compiler; ``PELORUS_PROTOBUF_PURE=1`` turns it off). Otherwise large levels go
through :mod:`pelorus.protobuf.fastrender`, which prints the same characters without a Reading per field.
The functions here stay the reference both are tested against (tests/protobuf/test_rawwire.py,
test_golden_decode.py) and the one the others hand unusual fields to.
"""

from __future__ import annotations

import base64
import bisect
import io
import json
import os
import sys
from array import array
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any, Literal, Protocol, cast, overload

from google.protobuf.descriptor import EnumDescriptor, FieldDescriptor

from pelorus.protobuf import refscan
from pelorus.protobuf.readings import Path, Pins, best
from pelorus.protobuf.schemaless import Field, Message
from pelorus.protobuf.valuetext import float32_text
from pelorus.protobuf.wire import WIRE_TYPE_NAMES, read_varint, to_signed32, to_signed64, zigzag_decode

_FD = FieldDescriptor

MAX_DEPTH = 100
"""Nesting rendered as messages (protobuf's own parse limit); deeper levels are shown as bytes,
so a hostile or accidental deep chain cannot exhaust the Python stack."""
RUN_MIN = 3
"""Consecutive fields with identical bytes are rendered once with their count from this many on:
12 MB of ``0a 00`` (six million empty fields) is one line, not 150 MB of text and minutes."""


PURE_ENV = refscan.PURE_ENV
"""Set to 1 to use only the pure-Python code (the tests run both paths through it)."""


class RawText(Protocol):
    @overload
    def __call__(self, buf: Any, start: int, stop: int, indent: str, depth: int = 0, runs: bool = True,
                 as_bytes: Literal[False] = False) -> str: ...

    @overload
    def __call__(self, buf: Any, start: int, stop: int, indent: str, depth: int = 0, runs: bool = True, *,
                 as_bytes: Literal[True]) -> bytes: ...

    @overload
    def __call__(self, buf: Any, start: int, stop: int, indent: str, depth: int = 0, runs: bool = True,
                 as_bytes: bool = False, *, fd: int) -> int: ...


def native_raw_text() -> RawText | None:
    """The C renderer of raw text (pelorus/protobuf/_rawwire.c, built when the package is installed with a
    compiler at hand), or None: not built, or turned off with ``PELORUS_PROTOBUF_PURE=1`` (then the JSON
    is rendered in Python too). It prints the same characters as :func:`field_lines` and :func:`raw_json`
    (tests/protobuf/test_rawwire.py holds it to that)."""
    if os.environ.get(PURE_ENV, "") not in ("", "0"):
        return None
    try:
        from pelorus.protobuf import _rawwire
    except ImportError:
        return None
    return _rawwire.raw_text


def runs(msg: Message) -> dict[int, int]:
    """{first index: count} of every run of at least RUN_MIN consecutive fields of ``msg`` whose
    bytes are identical. Found with array operations over the field records, then each run is
    checked with one bytes comparison, so the cost stays linear and small for millions of fields."""
    n = len(msg)
    if n < RUN_MIN:
        return {}
    import numpy as np

    recs = msg._recs
    if isinstance(recs, array) and recs.itemsize == 8:
        a = np.frombuffer(recs, dtype=np.int64)
    else:
        a = np.asarray(recs, dtype=np.int64)
    a = a.reshape(-1, 4)
    length = a[:, 3] - a[:, 0]
    same = (a[1:, 1] == a[:-1, 1]) & (length[1:] == length[:-1]) & (a[1:, 0] == a[:-1, 3])
    if not same.any():
        return {}
    edges = np.diff(np.concatenate(([0], same.astype(np.int8), [0])))
    starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    out: dict[int, int] = {}
    buf = msg.buf
    for lo, hi in zip(starts.tolist(), stops.tolist(), strict=True):
        count = hi - lo + 1  # `same` pairs lo..hi-1 link fields lo..hi
        if count < RUN_MIN:
            continue
        first, size = int(a[lo, 0]), int(length[lo])
        one = bytes(buf[first : first + size])
        if bytes(buf[first : first + size * count]) == one * count:
            out[lo] = count
    return out


def _show(value: object) -> str:
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bytes):
        return "0x" + value.hex() if len(value) <= 64 else f"0x{value[:64].hex()}… ({len(value)} bytes)"
    if isinstance(value, list) and len(value) > 32:
        return f"[{', '.join(map(str, value[:32]))}, … ({len(value)} values)]"
    return str(value)


def varint_as(t: int, u: int) -> object:
    """An unsigned varint ``u`` read as schema type ``t`` (a FieldDescriptor.TYPE_* number).

    The one definition the tree model and the comparison share, so both show a field alike."""
    if t == _FD.TYPE_BOOL:
        return u != 0
    if t in (_FD.TYPE_INT32, _FD.TYPE_ENUM):
        return to_signed32(u)
    if t == _FD.TYPE_INT64:
        return to_signed64(u)
    if t == _FD.TYPE_UINT32:
        return u & 0xFFFFFFFF
    if t in (_FD.TYPE_SINT32, _FD.TYPE_SINT64):
        return zigzag_decode(u)
    return u


def default_value(fd: FieldDescriptor) -> object:
    """The proto3 default of a scalar field (what an absent map key or value reads as)."""
    t = fd.type
    if t == _FD.TYPE_STRING:
        return ""
    if t == _FD.TYPE_BYTES:
        return b""
    if t == _FD.TYPE_BOOL:
        return False
    if t in (_FD.TYPE_FLOAT, _FD.TYPE_DOUBLE):
        return 0.0
    return 0


def format_value(fd: FieldDescriptor, value: object) -> str:
    """A typed scalar as one short text: enum names (unknown numbers kept), true/false, floats at
    their precision (float32 in the shortest form that reads back the same), strings quoted, bytes as hex."""
    if fd.type == _FD.TYPE_ENUM and isinstance(value, int):
        ev = cast(EnumDescriptor, fd.enum_type).values_by_number.get(value)
        return ev.name if ev is not None else f"{value} (unknown)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value) if fd.type == _FD.TYPE_DOUBLE else float32_text(value)
    return _show(value)


CUT_SHOWN = 40
"""Characters of a cut string (or twice as many hex digits of cut bytes) shown before the damage note."""


def cut_value(f: Field, as_text: bool = True, base: int = 0) -> str:
    """What survives of a length-delimited value cut by the end of the data, and what is missing:
    ``"hel…" ⚠ truncated at offset 63: needs 10 bytes, 3 left`` (hex for bytes or non-text).

    ``f`` is a clipped field (``Message.damaged``); ``base`` is added to its offset (a record shown
    in the file's terms)."""
    lo = f.length_offset
    assert lo is not None, "only length-delimited fields are cut this way"
    declared = read_varint(f.raw, lo - f.tag_offset)[0]
    kept = f.value
    text = _utf8_head(kept) if as_text else None
    shown = (json.dumps(text[:CUT_SHOWN] + "…", ensure_ascii=False) if text is not None
             else f"0x{kept[: CUT_SHOWN // 2].hex()}…")
    return f"{shown} ⚠ truncated at offset {f.end + base}: needs {declared:,} bytes, {len(kept):,} left"


def _utf8_head(raw: bytes) -> str | None:
    """``raw`` as UTF-8 text when it is, or when only its last character is cut; else None."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        if err.reason != "unexpected end of data":
            return None
        try:
            return raw[: err.start].decode("utf-8")
        except UnicodeDecodeError:
            return None


def raw_text(msg: Message, pins: Pins | None = None, path: Path = (), indent: str = "") -> str:
    """protoc --decode_raw style text, with each field's offset and the chosen reading's kind; a cut
    string or bytes value at the end is a comment line showing what survives of it."""
    parts: list[str] = []
    write_raw_text(msg, parts.append, pins, path, indent)
    return "".join(parts)


def write_raw_text(msg: Message, write: Callable[[str], object], pins: Pins | None = None, path: Path = (),
                   indent: str = "", write_bytes: Callable[[bytes], object] | None = None) -> None:
    """:func:`raw_text`, handed to ``write`` a batch of lines at a time (the CLI prints a large message
    as it renders it, instead of holding all of its text). With ``write_bytes``, the C renderer's
    batches go there as UTF-8 bytes (not decoded to ``str``); the rest still goes to ``write``."""
    pins = pins or Pins()

    def emit(lines: list[str]) -> None:
        if lines:
            write("\n".join(lines) + "\n")

    c_text = None if pins.by_path else native_raw_text()
    if c_text is not None:
        _native_lines(msg, c_text, indent, write, write_bytes)
    elif (fastrender := _fastrender()).usable(msg, pins):
        fastrender.text_lines(msg, pins, path, indent, emit)
    else:
        lines: list[str] = []
        _raw_lines(msg, pins, path, indent, lines, 0)
        emit(lines)
    tail: list[str] = []
    chain = msg.error_chain()
    d = msg.damaged
    kind = best(d, pins.get((*path, d.number))).kind if d is not None else ""
    if d is not None and kind in ("string", "bytes"):
        tail.append(f"{indent}# {d.number}: {cut_value(d, kind == 'string')}  # cut field @{d.tag_offset}")
        chain = chain[:1]  # errors inside a cut string are guesses at reading it as a message
    for err in chain:
        tail.append(f"{indent}# error at offset {err.offset}: {err.reason}")
    emit(tail)


def _native_json(msg: Message, write: Callable[[str], object],
                 write_bytes: Callable[[bytes], object] | None = None) -> None:
    """:func:`write_raw_json` (indent 2, no pins) through the C renderer, as :func:`_native_lines` does the
    text: the same characters as ``json.dumps(raw_json(msg), indent=2, ensure_ascii=False)``."""
    from pelorus.protobuf import _rawwire

    n = len(msg)
    recs = msg._recs
    buf = msg.buf
    binary = write_bytes or _utf8_stdout(write)
    fd = _stdout_fd() if binary is not None and write_bytes is None else -1
    write('{\n  "fields": [')
    top_runs = _rawwire.runs(buf, recs[0], recs[((n - 1) << 2) + 3])
    first = True
    for lo, hi, run in _batches(recs[3::4], top_runs, NATIVE_BATCH_BYTES // 8):  # JSON is ~50x its input
        t = recs[lo << 2]
        e = recs[((lo if run else hi - 1) << 2) + 3]  # a run: its first field, shown with the count
        if fd >= 0:  # the C side writes to stdout's file itself (no bytes object of ~6 MB a batch)
            sys.stdout.flush()
            _rawwire.raw_json(buf, t, e, first, hi - lo if run else 1, 0, False, fd=fd)
            first = False
            continue
        chunk = _rawwire.raw_json(buf, t, e, first, hi - lo if run else 1, 0, False)
        first = False
        if binary is not None:
            if write_bytes is None:
                sys.stdout.flush()
            binary(chunk)
        else:
            write(chunk.decode("utf-8"))
    write("\n  ]" + _json_errors(msg) + "\n}")


def _fastrender() -> ModuleType:
    from pelorus.protobuf import fastrender  # numpy: imported when a path needs it

    return fastrender


def _native_lines(msg: Message, c_text: RawText, indent: str, write: Callable[[str], object],
                  write_bytes: Callable[[bytes], object] | None = None) -> None:
    """The fields' lines of a top level through the C renderer, about :data:`NATIVE_BATCH_BYTES` of fields at
    a time. The level's runs are found on the whole level (a batch boundary must not make one), so the C side
    is told not to look for runs at its first level. No numpy here: the CLI's raw decode starts without it."""
    from pelorus.protobuf import _rawwire

    n = len(msg)
    if not n:
        return
    recs = msg._recs
    buf = msg.buf
    binary = write_bytes or _utf8_stdout(write)
    fd = _stdout_fd() if binary is not None and write_bytes is None else -1
    top_runs = _rawwire.runs(buf, recs[0], recs[((n - 1) << 2) + 3])
    for lo, hi, run in _batches(recs[3::4], top_runs, NATIVE_BATCH_BYTES):
        if run:
            t, _key, _v, e = msg.span_at(lo)
            count = hi - lo
            write(f"{indent}# the next field is repeated {count:,} times, byte for byte "
                  f"(@{t} to @{t + (count - 1) * (e - t)}); shown once\n" + c_text(buf, t, e, indent, 0, False))
            continue
        t, e = recs[lo << 2], recs[((hi - 1) << 2) + 3]
        if fd >= 0:  # the C side writes to stdout's file itself
            sys.stdout.flush()
            c_text(buf, t, e, indent, 0, False, fd=fd)
            continue
        if binary is not None:  # the same characters, without decoding them to str and encoding them again
            if write_bytes is None:
                sys.stdout.flush()
            binary(c_text(buf, t, e, indent, 0, False, as_bytes=True))
            continue
        text = c_text(buf, t, e, indent, 0, False)
        if text:
            write(text)


NATIVE_BATCH_BYTES = 1 << 20
"""The C renderer takes about this many bytes of top-level fields a call (tests lower it)."""


def _batches(ends: Any, repeats: dict[int, int], size: int) -> Iterator[tuple[int, int, bool]]:
    """``(first, stop, run)`` field indices of each batch of about ``size`` bytes of fields (``ends``: each
    field's end); a run of identical fields, shown once, is a batch of its own (``run`` True)."""
    n = len(ends)
    starts = sorted(repeats)
    k = i = 0
    while i < n:
        if k < len(starts) and starts[k] == i:
            yield i, i + repeats[i], True
            i += repeats[i]
            k += 1
            continue
        cut = starts[k] if k < len(starts) else n
        begin = ends[i - 1] if i else 0  # only a size: the gap before the first field does not matter
        j = min(cut, max(i + 1, bisect.bisect_left(ends, begin + size, i + 1, cut)))
        yield i, j, False
        i = j


def _utf8_stdout(write: Callable[[str], object]) -> Callable[[bytes], object] | None:
    """The binary ``write`` under ``write`` when it is the process's stdout writing UTF-8 without newline
    translation (the CLI's case), else None."""
    stdout = getattr(write, "__self__", None)
    if stdout is None or stdout is not sys.stdout or os.linesep != "\n":
        return None
    encoding = getattr(stdout, "encoding", None) or ""
    raw = getattr(stdout, "buffer", None)
    if encoding.lower().replace("_", "-") not in ("utf-8", "utf8") or raw is None:
        return None
    out: Callable[[bytes], object] = raw.write
    return out


def _stdout_fd() -> int:
    """The file descriptor under ``sys.stdout`` when its bytes go straight to a file (a FileIO under
    at most one buffer), else -1: the C renderer may then write there itself, once
    ``sys.stdout`` is flushed."""
    buf = getattr(sys.stdout, "buffer", None)
    raw = buf if isinstance(buf, io.FileIO) else getattr(buf, "raw", None)  # (-u: no buffer between them)
    if not isinstance(raw, io.FileIO):
        return -1
    try:
        return raw.fileno()
    except (OSError, ValueError):
        return -1


def _raw_lines(msg: Message, pins: Pins, path: Path, indent: str, lines: list[str], depth: int) -> None:
    repeats = runs(msg)
    i, n = 0, len(msg)
    while i < n:
        f = msg[i]
        count = repeats.get(i, 1)
        i += count
        field_lines(f, count, pins, path, indent, lines, depth)


def field_lines(f: Field, count: int, pins: Pins, path: Path, indent: str, lines: list[str], depth: int) -> None:
    """The raw text lines of one field (and of its nested levels) shown ``count`` times in a row."""
    if count > 1:
        last = f.tag_offset + (count - 1) * (f.end - f.tag_offset)
        lines.append(f"{indent}# the next field is repeated {count:,} times, byte for byte "
                     f"(@{f.tag_offset} to @{last}); shown once")
    p = (*path, f.number)
    r = best(f, pins.get(p))
    where = f"@{f.tag_offset}"
    if r.kind in ("message", "group") and isinstance(r.value, Message) and depth >= MAX_DEPTH:
        lines.append(f"{indent}{f.number}: {_show(f.value)}  # bytes {where} "
                     f"(a {r.kind} nested deeper than {MAX_DEPTH} levels, not expanded)")
    elif r.kind in ("message", "group") and isinstance(r.value, Message):
        lines.append(f"{indent}{f.number} {{  # {r.kind} {where}+{f.end - f.tag_offset}")
        _raw_lines(r.value, pins, p, indent + "  ", lines, depth + 1)
        lines.append(f"{indent}}}")
    else:
        lines.append(f"{indent}{f.number}: {_show(r.value)}  # {r.kind} {where}")


def raw_json_text(msg: Message, pins: Pins | None = None, indent: int | None = 2) -> str:
    """``json.dumps(raw_json(msg, pins), indent=indent, ensure_ascii=False)``, without building the dicts
    of a large message when ``indent`` is 2 (the batch renderer prints the same characters)."""
    if indent == 2 and not (pins and pins.by_path) and len(msg) and native_raw_text() is not None:
        from pelorus.protobuf import _rawwire

        recs = msg._recs
        return _rawwire.json_text(msg.buf, recs[0], recs[((len(msg) - 1) << 2) + 3], '{\n  "fields": [',
                                  "\n  ]" + _json_errors(msg) + "\n}")
    parts: list[str] = []
    write_raw_json(msg, parts.append, pins, indent)
    return "".join(parts)


def _json_errors(msg: Message) -> str:
    """The ``"errors"`` member that closes the JSON of a damaged level ("" for a clean one)."""
    chain = msg.error_chain()
    if not chain:
        return ""
    errs = json.dumps({"errors": [{"offset": e.offset, "reason": e.reason} for e in chain]},
                      ensure_ascii=False, indent=2)
    return ",\n" + errs[2:-2]


def write_raw_json(msg: Message, write: Callable[[str], object], pins: Pins | None = None,
                   indent: int | None = 2, write_bytes: Callable[[bytes], object] | None = None) -> None:
    """:func:`raw_json_text`, handed to ``write`` a batch at a time (the C renderer's batches to
    ``write_bytes`` as UTF-8 bytes when it is given)."""
    pins = pins or Pins()
    if indent == 2 and not pins.by_path and len(msg) and native_raw_text() is not None:
        _native_json(msg, write, write_bytes)
    elif indent == 2 and (fastrender := _fastrender()).usable(msg, pins):
        fastrender.json_chunks(msg, pins, (), write)
    else:
        write(json.dumps(raw_json(msg, pins), ensure_ascii=False, indent=indent))


def raw_json(msg: Message, pins: Pins | None = None, path: Path = (), _depth: int = 0) -> dict[str, Any]:
    """A JSON-able dict: fields with number, wire type, offsets, reading kind and value."""
    pins = pins or Pins()
    fields: list[dict[str, Any]] = []
    repeats = runs(msg)
    i, n = 0, len(msg)
    while i < n:
        f = msg[i]
        count = repeats.get(i, 1)
        i += count
        p = (*path, f.number)
        r = best(f, pins.get(p))
        item: dict[str, Any] = {
            "number": f.number,
            "wire_type": WIRE_TYPE_NAMES[f.wire_type],
            "offset": f.tag_offset,
            "length": f.end - f.tag_offset,
            "kind": r.kind,
        }
        if count > 1:
            item["repeated"] = count  # this field and the next count-1, byte for byte, back to back
        if isinstance(r.value, Message) and _depth >= MAX_DEPTH:
            item["kind"] = "bytes"
            item["value"] = base64.b64encode(f.value).decode("ascii")
            item["note"] = f"a {r.kind} nested deeper than {MAX_DEPTH} levels, not expanded"
        elif isinstance(r.value, Message):
            item["message"] = raw_json(r.value, pins, p, _depth + 1)
        elif isinstance(r.value, bytes):
            item["value"] = base64.b64encode(r.value).decode("ascii")
        else:
            item["value"] = r.value
        fields.append(item)
    out: dict[str, Any] = {"fields": fields}
    chain = msg.error_chain()
    if chain:
        out["errors"] = [{"offset": e.offset, "reason": e.reason} for e in chain]
    return out
