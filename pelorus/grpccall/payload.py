"""Requests in, responses out: JSON, text or binary, one message or several.

Requests become bytes before the call (the call itself carries only bytes):

* JSON: one object, several objects one after the other (NDJSON or just concatenated), or one
  array of objects. A document that does not fit the request type is reported with the field's
  dotted path and its line and column in the input, found by re-parsing the failing object one
  field at a time (the protobuf runtime says what is wrong but not where).
* text: protobuf text format; several messages are separated by a line holding only ``---``.
* binary: the bytes as they are for a method that takes one request; a client- or bidi-streaming
  method takes varint-delimited messages (``writeDelimitedTo``), which ``--out binary`` writes.

Responses are written as the server sent them (binary, delimited for streams so the editor opens
them as a record stream) or decoded with the schema; bytes the schema cannot parse are shown
schemaless rather than dropped.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, BinaryIO, TextIO

from google.protobuf import json_format, message_factory
from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.message import Message as PbMessage

from pelorus.protobuf import framing
from pelorus.protobuf.render import raw_json
from pelorus.protobuf.schema import SchemaError, SchemaRegistry
from pelorus.protobuf.schemaless import decode as schemaless_decode
from pelorus.protobuf.textedit import unknown_paths
from pelorus.protobuf.wire import encode_varint
from pelorus.text import QT_TRANSLATE_NOOP, text_of

FORMATS = ("json", "text", "binary")
JsonPath = tuple[str | int, ...]


class PayloadError(Exception):
    """The request input cannot be turned into messages; the message names where and why."""


# -- JSON requests ------------------------------------------------------------------------------------------

def json_documents(text: str) -> list[tuple[Any, int]]:
    """Every JSON value in ``text`` with its start offset; a lone top-level array is spread into its items."""
    decoder = json.JSONDecoder()
    docs: list[tuple[Any, int]] = []
    pos, end = _skip_ws(text, 0), len(text)
    while pos < end:
        try:
            value, after = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as err:
            raise PayloadError(QT_TRANSLATE_NOOP(
                "PayloadError", "the request is not valid JSON: {msg} (line {lineno}, column {colno})").format(
                msg=err.msg, lineno=err.lineno, colno=err.colno)
                               ) from None
        docs.append((value, pos))
        pos = _skip_ws(text, after)
    if len(docs) == 1 and isinstance(docs[0][0], list):
        items, start = docs[0]
        offsets = _item_offsets(text, start)
        return [(item, off) for item, off in zip(items, offsets, strict=True)]
    return docs


def json_requests(registry: SchemaRegistry, desc: Descriptor, text: str) -> list[bytes]:
    """Each JSON request as the serialized message bytes."""
    cls = message_factory.GetMessageClass(desc)
    out: list[bytes] = []
    docs = json_documents(text)
    for n, (doc, offset) in enumerate(docs, 1):
        msg = cls()
        try:
            json_format.ParseDict(doc, msg, descriptor_pool=registry.pool)
        except (json_format.ParseError, TypeError, AttributeError) as err:
            which = (QT_TRANSLATE_NOOP("PayloadError", "request {n}").format(n=n) if len(docs) > 1
                     else QT_TRANSLATE_NOOP("PayloadError", "the request").format())
            path = _culprit(registry, desc, doc, ())
            where = _locate(text, offset, path)
            reason = _reason(err)
            raise PayloadError(QT_TRANSLATE_NOOP(
                "PayloadError", "{which} does not fit {type}: field {field} ({where}): {reason}").format(
                which=which, type=desc.full_name, field=_dotted(path), where=where, reason=reason) if path
                else QT_TRANSLATE_NOOP("PayloadError", "{which} does not fit {type} ({where}): {reason}").format(
                which=which, type=desc.full_name, where=where, reason=reason)) from None
        out.append(msg.SerializeToString())
    return out


def _reason(err: Exception) -> str:
    text = " ".join((str(err) or type(err).__name__).split())
    while text.endswith(".."):  # protobuf's nested messages each end in a full stop
        text = text[:-1]
    return text


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def _value_end(text: str, pos: int) -> int:
    return json.JSONDecoder().raw_decode(text, pos)[1]


def _item_offsets(text: str, start: int) -> list[int]:
    """Start offsets of the items of the (valid) JSON array at ``start``."""
    offsets: list[int] = []
    pos = _skip_ws(text, start + 1)
    while text[pos] != "]":
        offsets.append(pos)
        pos = _skip_ws(text, _value_end(text, pos))
        if text[pos] == ",":
            pos = _skip_ws(text, pos + 1)
    return offsets


def _member_offsets(text: str, start: int) -> dict[str, tuple[int, int]]:
    """Key -> (key offset, value offset) for the (valid) JSON object at ``start``; the last duplicate wins,
    as in json.loads."""
    members: dict[str, tuple[int, int]] = {}
    pos = _skip_ws(text, start + 1)
    while text[pos] != "}":
        key, after = json.decoder.scanstring(text, pos + 1)  # type: ignore[attr-defined]
        colon = _skip_ws(text, after)
        value = _skip_ws(text, colon + 1)
        members[key] = (pos, value)
        pos = _skip_ws(text, _value_end(text, value))
        if text[pos] == ",":
            pos = _skip_ws(text, pos + 1)
    return members


def _locate(text: str, offset: int, path: JsonPath) -> str:
    """"line L, column C" of the key (or array item) at ``path`` inside the value at ``offset``."""
    pos = offset
    for step in path:
        if isinstance(step, int):
            items = _item_offsets(text, pos) if text[pos] == "[" else []
            if step >= len(items):
                break
            pos = items[step]
        else:
            members = _member_offsets(text, pos) if text[pos] == "{" else {}
            if step not in members:
                break
            key_at, value_at = members[step]
            pos = value_at if step != path[-1] else key_at
    line = text.count("\n", 0, pos) + 1
    column = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return QT_TRANSLATE_NOOP("PayloadError", "line {line}, column {column}").format(line=line, column=column)


def _dotted(path: JsonPath) -> str:
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else step)
    return out


def _field(desc: Descriptor, key: str) -> FieldDescriptor | None:
    return desc.fields_by_name.get(key) or next((f for f in desc.fields if f.json_name == key), None)


def _fails(registry: SchemaRegistry, desc: Descriptor, doc: dict[str, Any]) -> bool:
    try:
        json_format.ParseDict(doc, message_factory.GetMessageClass(desc)(), descriptor_pool=registry.pool)
    except (json_format.ParseError, TypeError, AttributeError):
        return True
    return False


def _culprit(registry: SchemaRegistry, desc: Descriptor, value: Any, path: JsonPath) -> JsonPath:
    """The deepest path whose value alone still fails to parse (well-known types are leaves)."""
    if not isinstance(value, dict) or desc.full_name.startswith("google.protobuf."):
        return path
    for key, item in value.items():
        if not _fails(registry, desc, {key: item}):
            continue
        field = _field(desc, key)
        sub = field.message_type if field is not None else None
        if field is None or sub is None:
            return (*path, key)
        if sub.GetOptions().map_entry:
            vsub = sub.fields_by_name["value"].message_type
            if isinstance(item, dict) and vsub is not None:
                for mk, mv in item.items():
                    if _fails(registry, desc, {key: {mk: mv}}):
                        return _culprit(registry, vsub, mv, (*path, key, mk))
            return (*path, key)
        if field.is_repeated:
            if isinstance(item, list):
                for i, elem in enumerate(item):
                    if _fails(registry, desc, {key: [elem]}):
                        return _culprit(registry, sub, elem, (*path, key, i))
            return (*path, key)
        return _culprit(registry, sub, item, (*path, key))
    return path


# -- text and binary requests ------------------------------------------------------------------------------

def text_requests(registry: SchemaRegistry, desc: Descriptor, text: str) -> list[bytes]:
    chunks = [c for c in _split_text(text)]
    out: list[bytes] = []
    for n, chunk in enumerate(chunks, 1):
        try:
            msg = registry.from_text(desc.full_name, chunk)
        except SchemaError as err:
            raise (PayloadError(QT_TRANSLATE_NOOP("PayloadError", "request {n}: {reason}").format(
                n=n, reason=text_of(err))) if len(chunks) > 1 else PayloadError(text_of(err))) from None
        out.append(msg.SerializeToString())
    return out


def _split_text(text: str) -> list[str]:
    chunks: list[list[str]] = [[]]
    for line in text.splitlines(keepends=True):
        if line.strip() == "---":
            chunks.append([])
        else:
            chunks[-1].append(line)
    return ["".join(c) for c in chunks if "".join(c).strip() or len(chunks) == 1]


def binary_requests(data: bytes, streaming: bool) -> list[bytes]:
    """One message as it is, or a varint-delimited stream of them for a streaming method."""
    if not streaming:
        return [data]
    idx = framing.index(data, "varint")
    if idx.error is not None:
        raise PayloadError(QT_TRANSLATE_NOOP(
            "PayloadError", "the binary input is not a varint-delimited stream of requests (a streaming method takes "
            "several): {error}").format(error=idx.error))
    return [bytes(data[o:o + n]) for o, n in zip(idx.offsets, idx.lengths, strict=True)]


def parse_requests(registry: SchemaRegistry, desc: Descriptor, data: bytes, fmt: str, streaming: bool) -> list[bytes]:
    if fmt == "binary":
        return binary_requests(data, streaming)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise PayloadError(QT_TRANSLATE_NOOP(
            "PayloadError", "the {fmt} request is not UTF-8 text (byte {start}); binary input needs "
            "--in binary").format(
            fmt=fmt, start=err.start)) from None
    return json_requests(registry, desc, text) if fmt == "json" else text_requests(registry, desc, text)


# -- responses ---------------------------------------------------------------------------------------------

class ResponseWriter:
    """Writes each response as it arrives: JSON (pretty for one, one object per line for a stream),
    text (a ``---`` line between messages) or the bytes (varint-delimited for a stream)."""

    def __init__(self, registry: SchemaRegistry, desc: Descriptor, fmt: str, streaming: bool,
                 text_out: TextIO, binary_out: BinaryIO, warn: Callable[[str], None]) -> None:
        self.registry, self.desc, self.fmt, self.streaming = registry, desc, fmt, streaming
        self.text_out, self.binary_out, self.warn = text_out, binary_out, warn
        self.count = 0

    def __call__(self, data: bytes) -> None:
        self.count += 1
        if self.fmt == "binary":
            if self.streaming:
                self.binary_out.write(encode_varint(len(data)))
            self.binary_out.write(data)
            self.binary_out.flush()
            return
        self.text_out.write(self.render(data))
        self.text_out.flush()

    def render(self, data: bytes) -> str:
        msg = self._decode(data)
        if msg is None:
            self.warn(f"response {self.count} does not parse as {self.desc.full_name}; shown schemaless")
            return json.dumps(raw_json(schemaless_decode(data)), indent=None if self.streaming else 2) + "\n"
        if self.fmt == "text":
            sep = "---\n" if self.count > 1 else ""
            return sep + self.registry.to_text(msg)
        try:
            text = self.registry.to_json(msg, indent=None if self.streaming else 2) + "\n"
        except SchemaError as err:  # an Any of a type the schema lacks: text format shows it
            self.warn(f"response {self.count}: {err}; shown as text format")
            return self.registry.to_text(msg)
        paths = unknown_paths(msg, self.registry.pool)
        if paths:  # JSON has no place for them: say so, as `proto decode` does
            shown = ", ".join(paths[:5]) + (", …" if len(paths) > 5 else "")
            self.warn(f"response {self.count}: {len(paths)} unknown field(s) left out of the JSON ({shown}); "
                      "--out text or binary keeps them")
        return text

    def _decode(self, data: bytes) -> PbMessage | None:
        try:
            return self.registry.parse(self.desc.full_name, data)
        except SchemaError:
            return None
