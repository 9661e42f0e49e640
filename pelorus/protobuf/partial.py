"""What a schema type makes of damaged bytes: the valid part before the damage (no Qt).

The runtime (upb) parses all or nothing: one cut length prefix and ``ParseFromString`` says only
"Wire format was corrupt". Issue 5 asks to decode everything valid up to the damage, as the editor's
tree does, so :func:`parse_prefix` rebuilds the longest prefix of the bytes that ends at a field
boundary before the damage and parses that:

* the whole fields of the level before the damage, byte for byte;
* when the damage is a length-delimited field of a message type whose length runs past the end, the
  whole fields of what is left of that submessage too (recursively, with its length prefix rewritten
  to what is kept), so a message wrapped in one outer field is not reduced to nothing;
* a clipped string, bytes or packed run is left out (a shortened value would read as a whole one).

The result names the outermost damage (where the bytes really stop making sense; deeper errors are
guesses at a clipped value) and how many bytes the parsed prefix kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.message import Message as PbMessage

from pelorus.protobuf.schema import SchemaError, SchemaRegistry
from pelorus.protobuf.schemaless import Message, decode_span
from pelorus.protobuf.wire import LEN, Buffer, WireError, encode_varint

MAX_DEPTH: Final = 100
"""Submessages followed into the damage at most this deep (protobuf's own nesting limit)."""

__all__ = ["Prefix", "Refusal", "explain_refusal", "parse_prefix"]


@dataclass(frozen=True)
class Prefix:
    """The message parsed from the valid prefix of damaged bytes.

    ``damage`` is the outermost wire damage (None when the wire data is whole and the type itself
    rejected it, e.g. invalid UTF-8 in a string field: then ``message`` is None). ``fields`` counts
    the whole top-level fields kept.
    """

    message: PbMessage | None
    damage: WireError | None
    fields: int
    into_cut: bool = False  # whole fields of the cut submessage are kept too
    refused_at: int | None = None  # offset of the first whole field the type refuses (e.g. bad UTF-8)


def parse_prefix(registry: SchemaRegistry, type_name: str, buf: Buffer, start: int, end: int) -> Prefix:
    """Parse the longest field-boundary prefix of ``buf[start:end]`` that ``type_name`` accepts.

    Never raises for bad bytes; raises SchemaError only for an unknown type.
    """
    desc = registry.find(type_name)
    level = decode_span(buf, start, end)
    chain = level.error_chain()
    damage = chain[0] if chain else None
    whole = len(level)
    body = _prefix(buf, level, desc, 0)
    try:
        return Prefix(registry.parse(type_name, body), damage, whole, len(body) > _whole(level, whole) - start)
    except SchemaError:
        pass
    # a whole field before the damage is itself refused (bad UTF-8, a group the type does not
    # expect): keep the longest run of whole fields that parses (refusal is monotonic in the count)
    lo, hi = 0, whole
    best: PbMessage | None = None
    while lo <= hi:
        mid = (lo + hi) // 2
        body = bytes(buf[start : _whole(level, mid)])
        try:
            msg = registry.parse(type_name, body)
        except SchemaError:
            hi = mid - 1
            continue
        best, lo = msg, mid + 1
    kept = hi if best is not None else 0
    return Prefix(best, damage, kept, False, level.span_at(kept)[0] if kept < whole else None)


def _whole(level: Message, n: int) -> int:
    """Where the first ``n`` fields of ``level`` end (they tile the level from its start)."""
    return level.span_at(n - 1)[3] if n else level.start


def _prefix(buf: Buffer, level: Message, desc: Descriptor | None, depth: int) -> bytes:
    """Whole fields of ``level``, then what is valid of its clipped submessage (see the module doc)."""
    body = bytes(level.buf[level.start : _whole(level, len(level))])
    d = level.damaged
    if d is None or desc is None or depth >= MAX_DEPTH or d.wire_type != LEN:
        return body
    fd = desc.fields_by_number.get(d.number)
    if fd is None or fd.type != FieldDescriptor.TYPE_MESSAGE:
        return body
    inner = decode_span(buf, d.value_offset, min(d.end, len(buf)))
    sub = _prefix(buf, inner, fd.message_type, depth + 1)
    if not sub:
        return body
    tag = bytes(buf[d.tag_offset : d.length_offset])
    return body + tag + encode_varint(len(sub)) + sub


@dataclass(frozen=True)
class Refusal:
    """Why a type refuses bytes that are whole on the wire: the innermost refused field."""

    offset: int  # the refused field's tag
    path: str  # field names from the top, e.g. "default_spec.env[value]" -> "default_spec.env.value"
    reason: str


def explain_refusal(registry: SchemaRegistry, type_name: str, buf: Buffer, start: int, end: int,
                    runtime_reason: str = "") -> Refusal | None:
    """Which field ``type_name`` refuses in wire-valid ``buf[start:end]``, and why (the runtime only
    says "Wire format was corrupt" or "String field had bad UTF-8"). None if nothing is refused."""
    return _refused(registry, registry.find(type_name), buf, start, end, "", 0, runtime_reason)


def _parses(registry: SchemaRegistry, desc: Descriptor, data: bytes) -> bool:
    try:
        registry.parse(desc.full_name, data)
    except SchemaError:
        return False
    return True


def _refused(registry: SchemaRegistry, desc: Descriptor, buf: Buffer, start: int, end: int, path: str,
             depth: int, runtime_reason: str) -> Refusal | None:
    level = decode_span(buf, start, end)
    if depth >= MAX_DEPTH:
        return Refusal(start, path or desc.name, f"nested deeper than {MAX_DEPTH} levels")
    # the first field whose inclusion makes the level unparseable (refusal is monotonic in the count)
    lo, hi, first_bad = 0, len(level) - 1, -1
    while lo <= hi:
        mid = (lo + hi) // 2
        if _parses(registry, desc, bytes(buf[start : level.span_at(mid)[3]])):
            lo = mid + 1
        else:
            first_bad, hi = mid, mid - 1
    if first_bad < 0:
        return None
    tag_offset, key, value_offset, field_end = level.span_at(first_bad)
    number, wire_type = key >> 3, key & 7
    fd = desc.fields_by_number.get(number)
    name = fd.name if fd is not None else str(number)
    here = f"{path}.{name}" if path else name
    if fd is not None and wire_type == LEN:
        if fd.type == FieldDescriptor.TYPE_STRING:
            try:
                bytes(buf[value_offset:field_end]).decode("utf-8")
            except UnicodeDecodeError as exc:
                at = value_offset + exc.start
                return Refusal(tag_offset, here, f"string field {fd.full_name} ({number}) is not valid UTF-8 "
                                                 f"(byte {exc.start} of its value, at offset {at})")
        if fd.type == FieldDescriptor.TYPE_MESSAGE and fd.message_type is not None:
            inner = _refused(registry, fd.message_type, buf, value_offset, field_end, here, depth + 1,
                             runtime_reason)
            if inner is not None:
                return inner
    kind = {0: "varint", 1: "fixed64", 2: "length-delimited", 3: "group start", 4: "group end",
            5: "fixed32"}.get(wire_type, f"wire type {wire_type}")
    return Refusal(tag_offset, here, f"field {number} ({kind}) is refused by {desc.full_name}"
                                     + (f": {runtime_reason}" if runtime_reason else ""))
