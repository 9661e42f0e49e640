"""Editing a message as text format or JSON and applying it back (no Qt).

Applying necessarily re-encodes the message through the schema (google.protobuf's text_format /
json_format parse into a message that is then serialised canonically), so the bytes of the edited
message are rewritten even where the text did not change. What this module keeps:

* unknown fields — text format and JSON cannot carry them back (text prints them as numbers that
  do not parse; JSON drops them), so they are left out of the editable text and re-attached, level
  by level, from the original bytes: top level, set singular submessages and groups, repeated ones
  by position, map values by key, message extensions, and the message packed in a
  google.protobuf.Any (text and JSON expand a known packed type and re-pack it from the text, so
  its unknown fields would be lost without this; Any inside Any recurses the same way);
* the error position — a parse error carries the line and column (JSON syntax errors from the JSON
  reader, schema errors located by the field name they mention), and the caller keeps the text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final, Literal

from google.protobuf import json_format, message_factory, text_format
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.descriptor_pool import DescriptorPool
from google.protobuf.message import DecodeError
from google.protobuf.message import Message as PbMessage
from google.protobuf.unknown_fields import UnknownFieldSet

from pelorus.protobuf.partial import parse_prefix
from pelorus.protobuf.readings import Pins
from pelorus.protobuf.render import raw_json_text, raw_text, write_raw_json, write_raw_text
from pelorus.protobuf.schema import SchemaError, SchemaRegistry
from pelorus.protobuf.schemaless import decode, decode_span
from pelorus.text import QT_TRANSLATE_NOOP

Format = Literal["text", "json"]
_QUOTED: Final = re.compile(r'"([^"]+)"')
_FIELD_ERR: Final = re.compile(r"Failed to parse (\w+) field")
ANY: Final = "google.protobuf.Any"
_SUBMESSAGE: Final = (FieldDescriptor.TYPE_MESSAGE, FieldDescriptor.TYPE_GROUP)


_AT = QT_TRANSLATE_NOOP("TextEditError", "line {line}, column {column}: {reason}")


class TextEditError(ValueError):
    """Edited text that does not parse or fit the type; ``line``/``column`` are 1-based (0 = unknown)."""

    def __init__(self, reason: str, line: int = 0, column: int = 0) -> None:
        self.text = _AT.format(line=line, column=column, reason=reason) if line else reason
        super().__init__(self.text)
        self.reason = reason
        self.line = line
        self.column = column


@dataclass(frozen=True)
class Applied:
    """The bytes to write for an edited text, and what was kept or changed."""

    payload: bytes
    unknown_kept: int
    message: PbMessage


def unknown_count(registry: SchemaRegistry, type_name: str, payload: bytes) -> int:
    """Unknown fields anywhere in the message (what the editable text cannot show)."""
    try:
        msg = registry.parse(type_name, payload)
    except SchemaError:
        return 0
    return _count_unknowns(msg, registry.pool)


def editable_text(registry: SchemaRegistry, type_name: str, payload: bytes, fmt: Format) -> str:
    """The message as text that parses back: text format without unknown fields, or JSON.

    A leading comment (text format) says how many unknown fields are kept aside; raises
    SchemaError when the bytes do not fit or JSON cannot express an Any of an unloaded type.
    """
    msg = registry.parse(type_name, payload)
    if fmt == "json":
        return registry.to_json(msg)
    try:
        text = text_format.MessageToString(msg, descriptor_pool=registry.pool, print_unknown_fields=False)
    except DecodeError as err:  # an Any packs bytes its type does not parse: the printer expands it
        raise SchemaError(QT_TRANSLATE_NOOP(
            "SchemaError", "an Any packs bytes that do not parse ({err}); the text cannot be edited").format(
            err=err)) from None
    n = _count_unknowns(msg, registry.pool)
    if n:
        text = (f"# {n} unknown field{'s' if n != 1 else ''} (not in the schema) are not shown here; "
                "applying keeps them.\n") + text
    return text


@dataclass(frozen=True)
class PaneText:
    """What a text/JSON pane shows: the text, whether it can be applied back, and a note (None:
    the pane's default note about canonical re-encoding)."""

    text: str
    editable: bool
    note: str | None = None


SCHEMALESS_NOTE: Final = QT_TRANSLATE_NOOP(
    "TextPanes", "Schemaless view (read-only): choose a message type to edit as text.").format()
_READ_ONLY = QT_TRANSLATE_NOOP("TextPanes", "Read-only: {why}.")
_DAMAGED = QT_TRANSLATE_NOOP("TextPanes", "damaged at offset {offset}: {reason}; only what decodes before it is shown")


def pane_text(registry: SchemaRegistry, type_name: str | None, payload: bytes, fmt: Format,
              pins: Pins | None) -> PaneText:
    """The pane's content for ``payload``: editable text of ``type_name``, or a read-only schemaless
    rendering (with the operator's pinned readings) when there is no type. Plain data in and out, so
    it can run in a worker thread (pass a copy of the pins, not the live ones)."""
    if type_name is not None:
        try:
            return PaneText(editable_text(registry, type_name, payload, fmt), True)
        except SchemaError as err:
            return _damaged_pane(registry, type_name, payload, fmt, err)
    tree = decode_span(payload, 0, len(payload))
    text = raw_text(tree, pins) if fmt == "text" else raw_json_text(tree, pins)
    return PaneText(text, False, SCHEMALESS_NOTE)


def write_pane_text(registry: SchemaRegistry, type_name: str | None, payload: bytes, fmt: Format,
                    pins: Pins | None, write: Callable[[str], object],
                    write_bytes: Callable[[bytes], object] | None = None) -> PaneText:
    """:func:`pane_text` handed to ``write`` a batch at a time instead of returned as one string: the
    same characters, for a view that shows the first lines while the rest is rendered (the editor's
    virtual text view). A schemaless rendering comes in the renderer's batches (the C renderer holds
    the GIL for one batch, not for the whole message); a typed one (upb's printer) in one piece. With
    ``write_bytes``, the C renderer's batches go there as UTF-8 bytes instead (no decoding to ``str``),
    in order with what goes to ``write``. The result's ``text`` is empty; ``editable`` and ``note``
    are :func:`pane_text`'s."""
    if type_name is not None:
        streamed = _write_typed(registry, type_name, payload, fmt, write)
        if streamed is not None:
            return streamed
        shown = pane_text(registry, type_name, payload, fmt, pins)
        write(shown.text)
        return PaneText("", shown.editable, shown.note)
    tree = decode_span(payload, 0, len(payload))
    if fmt == "text":
        write_raw_text(tree, write, pins, write_bytes=write_bytes)
    elif len(tree):
        write_raw_json(tree, write, pins, write_bytes=write_bytes)
    else:
        write(raw_json_text(tree, pins))
    return PaneText("", False, SCHEMALESS_NOTE)


def _write_typed(registry: SchemaRegistry, type_name: str, payload: bytes, fmt: Format,
                 write: Callable[[str], object]) -> PaneText | None:
    """:func:`editable_text` in pieces where the schema's streaming printers give the same characters
    (SchemaRegistry.write_json always; write_text when the message has no unknown field anywhere, whose
    printing would differ, and holds no Any); None when they cannot (the caller prints it whole)."""
    try:
        msg = registry.parse(type_name, payload)
    except SchemaError:
        return None
    if fmt == "text":
        if _holds_any_type(msg.DESCRIPTOR, set()):
            return None
        bare = registry.parse(type_name, payload)
        bare.DiscardUnknownFields()  # upb, recursive: smaller exactly when an unknown field is anywhere
        if bare.ByteSize() != msg.ByteSize():
            return None
        registry.write_text(msg, write, size=len(payload))
        return PaneText("", True)
    try:
        registry.write_json(msg, write, size=len(payload))
    except SchemaError as err:  # an out-of-range Timestamp: what came before it is written
        write(f"\n# {err}\n")
        return PaneText("", False, f"Read-only: {err}.")
    return PaneText("", True)


def _holds_any_type(desc: Any, seen: set[str]) -> bool:
    """Whether a message of ``desc`` can hold a google.protobuf.Any at any depth."""
    if desc.full_name == ANY:
        return True
    if desc.full_name in seen:
        return False
    seen.add(desc.full_name)
    return any(f.message_type is not None and _holds_any_type(f.message_type, seen) for f in desc.fields)


def _damaged_pane(registry: SchemaRegistry, type_name: str, payload: bytes, fmt: Format,
                  err: SchemaError) -> PaneText:
    """Bytes the type refuses: read-only, with what decodes before the wire damage (as the tree and
    ``proto decode`` show it) under a comment naming the offset; just the error when there is none."""
    pre = parse_prefix(registry, type_name, payload, 0, len(payload))
    if pre.damage is None or pre.message is None or not pre.message.ByteSize():
        return PaneText(f"# {err}", False, "")
    head = _DAMAGED.format(offset=pre.damage.offset, reason=pre.damage.reason)
    try:
        if fmt == "json":
            return PaneText(registry.to_json(pre.message), False, _READ_ONLY.format(why=head))
        return PaneText(f"# {head}\n" + registry.to_text(pre.message), False, _READ_ONLY.format(why=head))
    except SchemaError:
        return PaneText(f"# {err}", False, "")


def canonical(registry: SchemaRegistry, type_name: str, payload: bytes) -> bytes:
    """The canonical encoding of ``payload`` as ``type_name`` (field order, varint widths, packing);
    unknown fields stay (upb keeps them, Any values are kept verbatim). Raises SchemaError."""
    return registry.parse(type_name, payload).SerializeToString(deterministic=True)


def parse_text(registry: SchemaRegistry, type_name: str, text: str, fmt: Format) -> PbMessage:
    """Parse edited text as ``type_name``; TextEditError says where and why it does not fit."""
    msg = registry.new(type_name)
    if fmt == "text":
        try:
            text_format.Parse(text, msg, descriptor_pool=registry.pool)
        except text_format.ParseError as err:
            line, col = err.GetLine() or 0, err.GetColumn() or 0
            reason = str(err)
            prefix = f"{line}:{col} : "
            if reason.startswith(prefix):
                reason = reason[len(prefix):]
            raise TextEditError(reason, line, col) from None
        return msg
    try:
        json.loads(text)
    except json.JSONDecodeError as err:
        raise TextEditError(QT_TRANSLATE_NOOP(
            "TextEditError", "not valid JSON: {msg}").format(msg=err.msg), err.lineno, err.colno) from None
    try:
        json_format.Parse(text, msg, descriptor_pool=registry.pool)
    except (json_format.ParseError, TypeError, KeyError, ValueError) as err:
        reason = str(err).split("\n", 1)[0].strip()
        line, col = _locate(text, reason)
        raise TextEditError(reason, line, col) from None
    return msg


def apply_text(registry: SchemaRegistry, type_name: str, original: bytes, text: str, fmt: Format) -> Applied:
    """Parse the edited text and encode it, re-attaching the original's unknown fields."""
    new = parse_text(registry, type_name, text, fmt)
    kept = 0
    try:
        old = registry.parse(type_name, original)
    except SchemaError:
        old = None
    if old is not None:
        kept = _carry_unknowns(old, new, registry.pool)
    try:
        payload = new.SerializeToString(deterministic=True)
    except Exception as err:  # noqa: BLE001 - upb raises EncodeError / ValueError for unset required fields
        raise TextEditError(QT_TRANSLATE_NOOP(
            "TextEditError", "cannot encode: {err}").format(err=err)) from None
    return Applied(payload, kept, new)


# -- unknown fields -------------------------------------------------------------------------------


def _unknown_raw(msg: PbMessage) -> bytes:
    """Exact bytes of the unknown fields of one level (upb writes them after the known ones)."""
    desc = msg.DESCRIPTOR
    level = decode(msg.SerializeToString())
    return b"".join(f.raw for f in level if f.number not in desc.fields_by_number and not _is_extension(msg, f.number))


def _is_extension(msg: PbMessage, number: int) -> bool:
    return any(fd.number == number for fd, _v in msg.ListFields() if fd.is_extension)


def _count_unknowns(msg: PbMessage, pool: DescriptorPool) -> int:
    n = len(decode(_unknown_raw(msg)))
    packed = _unpack(msg, pool)
    if packed is not None:
        n += _count_unknowns(packed, pool)
    for _fd, sub in _submessages(msg):
        n += _count_unknowns(sub, pool)
    return n


def unknown_paths(msg: PbMessage, pool: DescriptorPool, where: str = "") -> list[str]:
    """Where each unknown field is, as ``path.number`` (``spec.args[2].9``, ``labels["k"].9``,
    ``data(pelorus.v1.Progress).9`` inside an Any): what JSON output leaves out, named for the
    warning that says so. Same walk as the count the text pane's note gives."""
    here = f"{where}." if where else ""
    # the runtime's own unknown set (no re-serialisation per level: 2.6 MB of messages took 2 s that way)
    unknown = UnknownFieldSet(msg)
    numbers = [unknown[i].field_number for i in range(len(unknown))]  # the stubs type it as indexable only
    out = [f"{here}{n}" for n in numbers if not _is_extension(msg, n)]
    packed = _unpack(msg, pool)
    if packed is not None:
        out += unknown_paths(packed, pool, f"{where}({packed.DESCRIPTOR.full_name})")
    for fd, value in msg.ListFields():
        if fd.type not in _SUBMESSAGE:
            continue
        name = f"{here}[{fd.full_name}]" if fd.is_extension else f"{here}{fd.name}"
        if _map_entry(fd):
            if _map_value_is_message(fd):
                for key, sub in value.items():
                    out += unknown_paths(sub, pool, f"{name}[{json.dumps(key)}]")
        elif fd.is_repeated:
            for i, sub in enumerate(value):
                out += unknown_paths(sub, pool, f"{name}[{i}]")
        else:
            out += unknown_paths(value, pool, name)
    return out


def _carry_unknowns(old: PbMessage, new: PbMessage, pool: DescriptorPool) -> int:
    """Copy unknown fields from ``old`` to ``new`` wherever the same submessage exists in both.

    Submessages are paired by field (singular and groups), position (repeated), key (map values)
    and extension; an Any is followed into its packed message when both pack the same loaded type,
    and re-packed only when something was carried into it (otherwise its bytes stay as parsed).
    """
    raw = _unknown_raw(old)
    kept = 0
    if raw:
        new.MergeFromString(raw)  # unknown numbers land in the unknown set; known fields are untouched
        kept += len(decode(raw))
    kept += _carry_into_any(old, new, pool)
    for fd, value in old.ListFields():
        if fd.type not in _SUBMESSAGE:
            continue
        if fd.is_extension:
            if new.HasExtension(fd):  # type: ignore[arg-type]
                kept += _carry_repeated_or_one(fd, value, new.Extensions[fd], pool)  # type: ignore[index]
            continue
        target = getattr(new, fd.name)
        if _map_entry(fd):
            if not _map_value_is_message(fd):
                continue
            for key, sub in value.items():
                if key in target:
                    kept += _carry_unknowns(sub, target[key], pool)
        elif fd.is_repeated or new.HasField(fd.name):
            kept += _carry_repeated_or_one(fd, value, target, pool)
    return kept


def _carry_repeated_or_one(fd: FieldDescriptor, old: object, new: object, pool: DescriptorPool) -> int:
    if fd.is_repeated:
        pairs: list[tuple[PbMessage, PbMessage]] = list(zip(old, new, strict=False))  # type: ignore[call-overload]
        return sum(_carry_unknowns(a, b, pool) for a, b in pairs)
    assert isinstance(old, PbMessage) and isinstance(new, PbMessage)
    return _carry_unknowns(old, new, pool)


def _carry_into_any(old: PbMessage, new: PbMessage, pool: DescriptorPool) -> int:
    """Unknown fields of the message an Any packs (at any depth below it), carried and re-packed."""
    if old.DESCRIPTOR.full_name != ANY or getattr(old, "type_url") != getattr(new, "type_url"):
        return 0
    old_inner, new_inner = _unpack(old, pool), _unpack(new, pool)
    if old_inner is None or new_inner is None:
        return 0
    kept = _carry_unknowns(old_inner, new_inner, pool)
    if kept:
        setattr(new, "value", new_inner.SerializeToString(deterministic=True))
    return kept


def _unpack(msg: PbMessage, pool: DescriptorPool) -> PbMessage | None:
    """The message an Any packs, when its type is in ``pool`` and its bytes parse; else None."""
    if msg.DESCRIPTOR.full_name != ANY:
        return None
    type_url: str = getattr(msg, "type_url")
    if not type_url:
        return None
    try:
        desc = pool.FindMessageTypeByName(type_url.rsplit("/", 1)[-1])
    except KeyError:
        return None
    inner = message_factory.GetMessageClass(desc)()
    try:
        inner.ParseFromString(getattr(msg, "value"))
    except DecodeError:
        return None
    return inner


def _submessages(msg: PbMessage) -> list[tuple[FieldDescriptor, PbMessage]]:
    """Every set submessage one level down: singular, repeated items, map values, extensions."""
    out: list[tuple[FieldDescriptor, PbMessage]] = []
    for fd, value in msg.ListFields():
        if fd.type not in _SUBMESSAGE:
            continue
        if _map_entry(fd):
            if _map_value_is_message(fd):
                out.extend((fd, v) for v in value.values())
        elif fd.is_repeated:
            out.extend((fd, v) for v in value)
        else:
            out.append((fd, value))
    return out


def _map_entry(fd: FieldDescriptor) -> bool:
    mt = fd.message_type
    return mt is not None and bool(mt.GetOptions().map_entry)


def _map_value_is_message(fd: FieldDescriptor) -> bool:
    mt = fd.message_type
    return mt is not None and mt.fields_by_number[2].type == FieldDescriptor.TYPE_MESSAGE


def _locate(text: str, reason: str) -> tuple[int, int]:
    """Line/column of the JSON key a json_format error names (its field), else (0, 0)."""
    names = [m.group(1) for m in _FIELD_ERR.finditer(reason)] + _QUOTED.findall(reason)
    for name in names:
        leaf = name.rsplit(".", 1)[-1]
        camel = re.sub(r"_([a-z])", lambda m: m.group(1).upper(), leaf)
        for candidate in dict.fromkeys((leaf, camel)):
            m = re.search(r'"' + re.escape(candidate) + r'"\s*:', text)
            if m is not None:
                before = text[: m.start()]
                line = before.count("\n") + 1
                col = m.start() - (before.rfind("\n") + 1) + 1
                return line, col
    return 0, 0
