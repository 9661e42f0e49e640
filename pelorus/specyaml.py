"""Where in a job spec's YAML a problem is, and what the writer probably meant.

protobuf's JSON parser reports problems with its own field names (camelCase), the name of the
enclosing field only, and no position. This walks the YAML's node tree (which knows every key's
line and column) beside JobSpec's descriptor first, so an unknown key, a value of the wrong shape
or an enum value that does not exist is reported with the name as written in the file (snake_case,
as the editor shows it), at its line and column, with the nearest field or value name (difflib).
Problems only the parser sees (a number that is not one, a malformed duration) are then located by
the field path the parser names. ``locate`` finds the node of a path such as
``default_spec.env['X']`` (for the engine's own validation messages).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.timestamp_pb2 import Timestamp
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from pelorus.text import QT_TRANSLATE_NOOP

FD = FieldDescriptor
#: Well-known types written as one string (or number) in the JSON mapping.
_SCALAR_MESSAGES = frozenset({
    "google.protobuf.Duration", "google.protobuf.Timestamp", "google.protobuf.FieldMask",
    *(f"google.protobuf.{w}Value" for w in ("Double", "Float", "Int64", "UInt64", "Int32", "UInt32", "Bool",
                                             "String", "Bytes")),
})
_CAMEL = re.compile(r"(?<=[a-z0-9])([A-Z])")
_STEP = re.compile(r"\.?([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]|\[\"((?:[^\"\\]|\\.)*)\"\]")


@dataclass(frozen=True)
class Problem:
    """A problem with the field path it concerns, as written in the YAML, and where it is (1-based)."""

    message: str
    line: int | None = None
    column: int | None = None


def snake(name: str) -> str:
    """instanceCount -> instance_count."""
    return _CAMEL.sub(r"_\1", name).lower()


def nearest(word: str, choices: list[str]) -> str | None:
    """The choice closest to ``word`` (its snake_case form, ignoring case), or None when none is close."""
    if not choices:
        return None
    folded = {c.lower(): c for c in choices}
    for candidate in (word, snake(word), word.lower()):
        if candidate.lower() in folded:
            return folded[candidate.lower()]
    close = difflib.get_close_matches(snake(word).lower(), list(folded), n=1, cutoff=0.6)
    return folded[close[0]] if close else None


def _field(desc: Descriptor, key: str) -> FieldDescriptor | None:
    return desc.fields_by_name.get(key) or desc.fields_by_camelcase_name.get(key)


def _at(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _shape(node: Node) -> str:
    if isinstance(node, MappingNode):
        return QT_TRANSLATE_NOOP("SpecError", "a mapping").format()
    if isinstance(node, SequenceNode):
        return QT_TRANSLATE_NOOP("SpecError", "a list").format()
    return f"{node.value!r}" if isinstance(node, ScalarNode) else QT_TRANSLATE_NOOP(
        "SpecError", "something else").format()


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def check_tree(root: Node, desc: Descriptor, skip: frozenset[str] = frozenset()) -> Problem | None:
    """The first problem the node tree shows against ``desc`` (top-level keys in ``skip`` are left
    alone, e.g. the ``data`` payload, read elsewhere); None when the shapes fit."""
    return _walk(root, desc, "", skip)


def _walk(node: Node, desc: Descriptor, path: str, skip: frozenset[str] = frozenset()) -> Problem | None:
    if not isinstance(node, MappingNode):
        return Problem(QT_TRANSLATE_NOOP(
            "SpecError", "{path}: expected a mapping of {type} fields, not {shape}").format(
            path=path, type=desc.name, shape=_shape(node)), *_at(node))
    oneofs: dict[str, str] = {}
    for key_node, value_node in node.value:
        key = str(key_node.value)
        if key in skip:
            continue
        field = _field(desc, key)
        if field is None:
            names = [f.name for f in desc.fields]
            hint = nearest(key, names)
            if hint:
                text = (QT_TRANSLATE_NOOP("SpecError", "unknown field {key} in {path}: did you mean {hint}?") if path
                        else QT_TRANSLATE_NOOP(
                            "SpecError", "unknown field {key}: did you mean {hint}?")).format(
                    key=key, path=path, hint=hint)
            else:
                text = (QT_TRANSLATE_NOOP("SpecError", "unknown field {key} in {path}; {type} has {names}") if path
                        else QT_TRANSLATE_NOOP("SpecError", "unknown field {key}; {type} has {names}")).format(
                    key=key, path=path, type=desc.name, names=", ".join(names))
            return Problem(text, *_at(key_node))
        group = field.containing_oneof
        if group is not None:
            if group.name in oneofs:
                return Problem(QT_TRANSLATE_NOOP(
                    "SpecError", "{path}: {first} and {second} are alternatives ({oneof}); give only one").format(
                    path=_join(path, field.name), first=oneofs[group.name], second=field.name, oneof=group.name),
                    *_at(key_node))
            oneofs[group.name] = field.name
        problem = _value(field, value_node, _join(path, field.name))
        if problem is not None:
            return problem
    return None


def _value(field: FieldDescriptor, node: Node, path: str) -> Problem | None:
    if isinstance(node, ScalarNode) and node.tag.endswith(":null"):
        return None  # null: the field's default, as the JSON mapping says
    message = field.message_type
    if message is not None and message.GetOptions().map_entry:
        if not isinstance(node, MappingNode):
            return Problem(QT_TRANSLATE_NOOP(
                "SpecError", "{path}: expected a mapping (key: value), not {shape}").format(
                path=path, shape=_shape(node)), *_at(node))
        value_field = message.fields_by_name["value"]
        for key_node, item in node.value:
            problem = _single(value_field, item, f"{path}['{key_node.value}']")
            if problem is not None:
                return problem
        return None
    if field.is_repeated:
        if not isinstance(node, SequenceNode):
            return Problem(QT_TRANSLATE_NOOP(
                "SpecError", "{path}: expected a list (one `- item` per line, or [a, b]), not {shape}").format(
                path=path, shape=_shape(node)), *_at(node))
        for i, item in enumerate(node.value):
            problem = _single(field, item, f"{path}[{i}]")
            if problem is not None:
                return problem
        return None
    return _single(field, node, path)


def _single(field: FieldDescriptor, node: Node, path: str) -> Problem | None:
    message = field.message_type
    if message is not None:
        if message.full_name in _SCALAR_MESSAGES:
            if not isinstance(node, ScalarNode):
                return Problem(QT_TRANSLATE_NOOP(
                    "SpecError", "{path}: expected a single value (e.g. 30s for a duration), not {shape}").format(
                    path=path, shape=_shape(node)), *_at(node))
            if message.full_name == "google.protobuf.Duration" and not _DURATION.match(str(node.value)):
                return Problem(QT_TRANSLATE_NOOP(
                    "SpecError", "{path}: expected a duration in seconds such as 30s or 1.5s, not {value}").format(
                    path=path, value=node.value), *_at(node))
            if message.full_name == "google.protobuf.Timestamp":
                try:
                    Timestamp().FromJsonString(str(node.value))
                except ValueError:
                    return Problem(QT_TRANSLATE_NOOP(
                        "SpecError", "{path}: expected a time with its zone such as 2026-01-01T09:00:00Z or "
                                   "2026-01-01T10:00:00+01:00, not {value}").format(path=path, value=node.value),
                                   *_at(node))
            return None
        if message.full_name.startswith("google.protobuf."):
            return None  # Any, Struct, Value...: free-form
        return _walk(node, message, path)
    if not isinstance(node, ScalarNode):
        return Problem(QT_TRANSLATE_NOOP(
            "SpecError", "{path}: expected a single value, not {shape}").format(path=path, shape=_shape(node)),
                       *_at(node))
    kind = node.tag.rsplit(":", 1)[-1]  # str, int, float, bool, as YAML read it
    if field.type in (FD.TYPE_STRING, FD.TYPE_BYTES) and kind in ("int", "float", "bool"):
        return Problem((QT_TRANSLATE_NOOP(
            "SpecError", "{path}: {value} is read as a number; put it in quotes ('{value}') to give it "
                                          "as text") if kind != "bool" else
                        QT_TRANSLATE_NOOP(
                            "SpecError", "{path}: {value} is read as true/false; put it in quotes ('{value}') to "
                                          "give it as text")).format(path=path, value=node.value), *_at(node))
    if field.type in _INTEGERS:
        if kind == "bool" or kind == "float" or (kind == "str" and not _is_int(str(node.value))):
            return Problem(QT_TRANSLATE_NOOP("SpecError", "{path}: expected a whole number, not {value}").format(
                path=path, value=node.value), *_at(node))
        if field.type in _UNSIGNED and str(node.value).strip().startswith("-"):
            return Problem(QT_TRANSLATE_NOOP("SpecError", "{path}: must not be negative ({value})").format(
                path=path, value=node.value), *_at(node))
    if field.type in (FD.TYPE_FLOAT, FD.TYPE_DOUBLE) and kind not in ("int", "float"):
        if kind == "bool" or not _is_float(str(node.value)):
            return Problem(QT_TRANSLATE_NOOP("SpecError", "{path}: expected a number, not {value}").format(
                path=path, value=node.value), *_at(node))
    if field.type == FD.TYPE_BOOL and kind != "bool":
        return Problem(QT_TRANSLATE_NOOP("SpecError", "{path}: expected true or false, not {value}").format(
            path=path, value=node.value), *_at(node))
    enum = field.enum_type
    if enum is not None and not str(node.value).lstrip("-").isdigit() and node.value not in enum.values_by_name:
        names = list(enum.values_by_name)
        hint = nearest(str(node.value), names) or _suffix_match(str(node.value), names)
        text = (QT_TRANSLATE_NOOP("SpecError", "{path}: {value} is not a {type}: did you mean {hint}?") if hint
                else QT_TRANSLATE_NOOP("SpecError", "{path}: {value} is not a {type}; use one of {names}")).format(
            path=path, value=node.value, type=enum.name, hint=hint, names=", ".join(names))
        return Problem(text, *_at(node))
    return None


_INTEGERS = frozenset({FD.TYPE_INT32, FD.TYPE_INT64, FD.TYPE_UINT32, FD.TYPE_UINT64, FD.TYPE_SINT32, FD.TYPE_SINT64,
                       FD.TYPE_FIXED32, FD.TYPE_FIXED64, FD.TYPE_SFIXED32, FD.TYPE_SFIXED64})
_UNSIGNED = frozenset({FD.TYPE_UINT32, FD.TYPE_UINT64, FD.TYPE_FIXED32, FD.TYPE_FIXED64})


_DURATION = re.compile(r"^-?\d+(\.\d{1,9})?s$")


def _is_float(text: str) -> bool:
    try:
        float(text.strip())
    except ValueError:
        return False
    return True


def _is_int(text: str) -> bool:
    try:
        int(text.strip())
    except ValueError:
        return False
    return True


def _suffix_match(value: str, names: list[str]) -> str | None:
    """ON_FAILURE -> RESTART_POLICY_ON_FAILURE: the value without the enum's prefix."""
    want = snake(value).upper()
    hits = [n for n in names if n.endswith("_" + want)]
    if len(hits) == 1:
        return hits[0]
    close = difflib.get_close_matches(want, [n.split("_", 2)[-1] for n in names], n=1, cutoff=0.6)
    return next((n for n in names if close and n.endswith(close[0])), None)


def steps(path: str) -> list[str | int]:
    """``default_spec.env['X']`` -> ["default_spec", "env", "X"]; ``args[2]`` -> ["args", 2]."""
    out: list[str | int] = []
    for m in _STEP.finditer(path):
        name, index, key1, key2 = m.groups()
        if name is not None:
            out.append(name)
        elif index is not None:
            out.append(int(index))
        else:
            out.append(key1 if key1 is not None else key2)
    return out


def locate(root: Node, path: str) -> tuple[int, int] | None:
    """(line, column) of the deepest node on ``path`` the YAML has (a key's, for a field; an item's,
    for a list index); None when not even its first step is there."""
    node: Node = root
    found: tuple[int, int] | None = None
    for step in steps(path):
        if isinstance(step, int):
            if not isinstance(node, SequenceNode) or step >= len(node.value):
                return found
            node = node.value[step]
            found = _at(node)
            continue
        if not isinstance(node, MappingNode):
            return found
        match = next(((k, v) for k, v in node.value
                      if str(k.value) in (step, snake(step)) or snake(str(k.value)) == snake(step)), None)
        if match is None:
            return found
        found = _at(match[0])
        node = match[1]
    return found
