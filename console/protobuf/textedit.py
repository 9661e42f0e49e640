"""Editing a message as text format or JSON and applying it back (no Qt).

Applying necessarily re-encodes the message through the schema (google.protobuf's text_format /
json_format parse into a message that is then serialised canonically), so the bytes of the edited
message are rewritten even where the text did not change. What this module keeps:

* unknown fields — text format and JSON cannot carry them back (text prints them as numbers that
  do not parse; JSON drops them), so they are left out of the editable text and re-attached, level
  by level, from the original bytes (top level, set singular submessages, repeated submessages by
  position, map values by key);
* the error position — a parse error carries the line and column (JSON syntax errors from the JSON
  reader, schema errors located by the field name they mention), and the caller keeps the text.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Final, Literal

from google.protobuf import json_format, text_format
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message as PbMessage

from console.protobuf.schema import SchemaError, SchemaRegistry
from console.protobuf.schemaless import decode

Format = Literal["text", "json"]
_QUOTED: Final = re.compile(r'"([^"]+)"')
_FIELD_ERR: Final = re.compile(r"Failed to parse (\w+) field")


class TextEditError(ValueError):
    """Edited text that does not parse or fit the type; ``line``/``column`` are 1-based (0 = unknown)."""

    def __init__(self, reason: str, line: int = 0, column: int = 0) -> None:
        where = f"line {line}, column {column}: " if line else ""
        super().__init__(f"{where}{reason}")
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
    return _count_unknowns(msg)


def editable_text(registry: SchemaRegistry, type_name: str, payload: bytes, fmt: Format) -> str:
    """The message as text that parses back: text format without unknown fields, or JSON.

    A leading comment (text format) says how many unknown fields are kept aside; raises
    SchemaError when the bytes do not fit or JSON cannot express an Any of an unloaded type.
    """
    msg = registry.parse(type_name, payload)
    if fmt == "json":
        return registry.to_json(msg)
    text = text_format.MessageToString(msg, descriptor_pool=registry.pool, print_unknown_fields=False)
    n = _count_unknowns(msg)
    if n:
        text = (f"# {n} unknown field{'s' if n != 1 else ''} (not in the schema) are not shown here; "
                "applying keeps them.\n") + text
    return text


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
        raise TextEditError(f"not valid JSON: {err.msg}", err.lineno, err.colno) from None
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
        kept = _carry_unknowns(old, new)
    try:
        payload = new.SerializeToString(deterministic=True)
    except Exception as err:  # noqa: BLE001 - upb raises EncodeError / ValueError for unset required fields
        raise TextEditError(f"cannot encode: {err}") from None
    return Applied(payload, kept, new)


# -- unknown fields -------------------------------------------------------------------------------


def _unknown_raw(msg: PbMessage) -> bytes:
    """Exact bytes of the unknown fields of one level (upb writes them after the known ones)."""
    desc = msg.DESCRIPTOR
    level = decode(msg.SerializeToString())
    return b"".join(f.raw for f in level if f.number not in desc.fields_by_number and not _is_extension(msg, f.number))


def _is_extension(msg: PbMessage, number: int) -> bool:
    return any(fd.number == number for fd, _v in msg.ListFields() if fd.is_extension)


def _count_unknowns(msg: PbMessage) -> int:
    n = len(decode(_unknown_raw(msg)))
    for fd, value in msg.ListFields():
        if fd.type != FieldDescriptor.TYPE_MESSAGE:
            continue
        if _map_entry(fd):
            if _map_value_is_message(fd):
                n += sum(_count_unknowns(v) for v in value.values())
        elif fd.is_repeated:
            n += sum(_count_unknowns(v) for v in value)
        else:
            n += _count_unknowns(value)
    return n


def _carry_unknowns(old: PbMessage, new: PbMessage) -> int:
    """Copy unknown fields from ``old`` to ``new`` wherever the same submessage exists in both."""
    raw = _unknown_raw(old)
    kept = 0
    if raw:
        new.MergeFromString(raw)  # unknown numbers land in the unknown set; known fields are untouched
        kept += len(decode(raw))
    for fd, value in old.ListFields():
        if fd.type != FieldDescriptor.TYPE_MESSAGE or fd.is_extension:
            continue
        target = getattr(new, fd.name)
        if _map_entry(fd):
            if not _map_value_is_message(fd):
                continue
            for key, sub in value.items():
                if key in target:
                    kept += _carry_unknowns(sub, target[key])
        elif fd.is_repeated:
            for a, b in zip(value, target, strict=False):
                kept += _carry_unknowns(a, b)
        elif new.HasField(fd.name):
            kept += _carry_unknowns(value, target)
    return kept


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
