"""Job specs as YAML: the format of resources/demo and of the console's spec editor.

The YAML mirrors JobSpec's protobuf JSON mapping (camelCase or snake_case keys, durations
as "1.5s", timestamps as RFC 3339), so nothing here invents a second schema. Errors say
where: the line and column, the field path as the YAML writes it, and for a misspelt field or
enum value the nearest real one (pelorus/specyaml.py).

The one extension is the ``data`` payload (a google.protobuf.Any): JSON has no form for an Any
whose type is not loaded, so such a payload is written as its type and its bytes,
``{"@type": URL, "@bytes": BASE64}``, and read back byte for byte; an Any of a loaded type is
written decoded, as the JSON mapping says. Which types are loaded is the ``pool`` argument
(default: the process' generated types; the console passes its protobuf editor's schemas).
``keep_payload_bytes`` puts the original bytes back when an edit left the decoded payload as
it was, so a round trip through YAML never re-encodes a payload nobody touched.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections import OrderedDict
from pathlib import Path
from typing import Any

import yaml
from google.protobuf import any_pb2, descriptor_pool, json_format
from google.protobuf.descriptor_pool import DescriptorPool
from google.protobuf.message import DecodeError
from yaml.nodes import Node

from pelorus.api import job_pb2
from pelorus.shipped import MissingResources, demo_dir
from pelorus.specyaml import check_tree, locate, snake
from pelorus.text import QT_TRANSLATE_NOOP

_AT = QT_TRANSLATE_NOOP("SpecError", "line {line}, column {column}: {message}")
_AT_LINE = QT_TRANSLATE_NOOP("SpecError", "line {line}: {message}")


class SpecError(ValueError):
    """A spec that cannot be read. `line` and `column` are 1-based when known; `detail` is the
    problem without them, naming fields as the YAML writes them (snake_case)."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        if line is None:
            text = message
        elif column is None:
            text = _AT_LINE.format(line=line, message=message)
        else:
            text = _AT.format(line=line, column=column, message=message)
        super().__init__(text)
        self.text = text
        self.line = line
        self.column = column
        self.detail = message


def _field_line(text: str, message: str) -> int | None:
    """Best effort: the line of the first key named in a json_format error."""
    for token in message.replace('"', " ").replace(".", " ").split():
        for number, line in enumerate(text.splitlines(), start=1):
            stripped = line.strip()
            if stripped.startswith(f"{token}:"):
                return number
    return None


BYTES_KEY = "@bytes"


def payload_type(any_msg: any_pb2.Any) -> str:
    """The full message name an Any's type URL names ("type.googleapis.com/a.B" -> "a.B")."""
    return any_msg.type_url.rsplit("/", 1)[-1]


def payload_type_known(any_msg: any_pb2.Any, pool: DescriptorPool | None = None) -> bool:
    try:
        (pool or descriptor_pool.Default()).FindMessageTypeByName(payload_type(any_msg))
    except KeyError:
        return False
    return True


def payload_decoded(any_msg: any_pb2.Any, pool: DescriptorPool | None = None) -> dict[str, Any] | None:
    """The payload as its JSON mapping (with "@type"), or None when its type is not in ``pool``
    or its bytes do not parse as that type (then only type and bytes can be shown)."""
    pool = pool or descriptor_pool.Default()
    try:
        pool.FindMessageTypeByName(payload_type(any_msg))
        data = json_format.MessageToDict(any_msg, preserving_proto_field_name=True, descriptor_pool=pool)
    except (KeyError, TypeError, DecodeError, json_format.Error):
        return None
    plain: dict[str, Any] = _plain(data)
    return plain


def _plain(value: Any) -> Any:
    """json_format hands Any contents back as OrderedDicts: plain dicts and lists for YAML."""
    if isinstance(value, dict | OrderedDict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _payload_dict(any_msg: any_pb2.Any, pool: DescriptorPool | None) -> dict[str, Any]:
    decoded = payload_decoded(any_msg, pool)
    if decoded is not None:
        return decoded
    return {"@type": any_msg.type_url, BYTES_KEY: base64.b64encode(any_msg.value).decode("ascii")}


def _parse_payload(data: object, pool: DescriptorPool | None) -> any_pb2.Any:
    if not isinstance(data, dict) or not isinstance(data.get("@type"), str) or not data["@type"]:
        raise SpecError(QT_TRANSLATE_NOOP(
            "SpecError", "data: a payload is a mapping with \"@type\" (its type URL) and its fields, or \"@type\" and "
            "\"{key}\" (base64) when its type is not loaded").format(key=BYTES_KEY))
    if BYTES_KEY in data:
        extra = sorted(set(data) - {"@type", BYTES_KEY})
        if extra:
            raise SpecError(QT_TRANSLATE_NOOP(
                "SpecError", "data: with {key} only @type may be given, not {names}").format(
                key=BYTES_KEY, names=', '.join(extra)))
        try:
            value = base64.b64decode(str(data[BYTES_KEY]), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise SpecError(QT_TRANSLATE_NOOP(
                "SpecError", "data.{key}: not base64 ({exc})").format(key=BYTES_KEY, exc=exc)) from None
        return any_pb2.Any(type_url=data["@type"], value=value)
    out = any_pb2.Any()
    try:
        json_format.ParseDict(data, out, descriptor_pool=pool or descriptor_pool.Default())
    except (json_format.ParseError, TypeError, KeyError) as exc:
        type_name = data["@type"].rsplit("/", 1)[-1]
        if "Can not find message descriptor" in str(exc):
            raise SpecError(QT_TRANSLATE_NOOP(
                "SpecError", "data: the type {type_name} is not loaded; load its schema (protobuf editor) or give the "
                "payload as \"@type\" and \"{key}\" (base64)").format(
                type_name=type_name, key=BYTES_KEY)) from None
        raise SpecError(QT_TRANSLATE_NOOP(
            "SpecError", "data ({type_name}): {exc}").format(type_name=type_name, exc=exc)) from None
    return out


def keep_payload_bytes(original: job_pb2.JobSpec, edited: job_pb2.JobSpec,
                       pool: DescriptorPool | None = None) -> job_pb2.JobSpec:
    """``edited`` with ``original``'s payload bytes when the edit left the payload as it was
    (same type, same decoded fields): re-encoding would otherwise change bytes nobody edited
    (field order, unknown fields, non-canonical varints). Edits ``edited`` in place; returns it."""
    if not (original.HasField("data") and edited.HasField("data")):
        return edited
    a, b = original.data, edited.data
    if a.type_url != b.type_url or a.value == b.value:
        return edited
    if _payload_dict(a, pool) == _payload_dict(b, pool):
        b.value = a.value
    return edited


class _SpecLoader(yaml.SafeLoader):
    """SafeLoader that leaves timestamps as text: the JSON mapping reads RFC 3339 strings, and YAML
    would otherwise turn an unquoted `at: 2026-01-01T00:00:00Z` into a datetime it cannot take."""


_SpecLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _compose(text: str) -> tuple[Node | None, Any]:
    """The YAML's node tree (keys with their lines and columns) and the data built from it."""
    loader = _SpecLoader(text)
    try:
        root = loader.get_single_node()
        return root, (loader.construct_document(root) if root is not None else None)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise SpecError(QT_TRANSLATE_NOOP(
            "SpecError", "not valid YAML: {problem}").format(problem=problem), mark.line + 1 if mark else None,
                        mark.column + 1 if mark else None) from None
    finally:
        loader.dispose()


_PARSE_STEP = re.compile(r"Failed to parse (\S+) field: ")
_PARSE_AT = re.compile(r"\s+at [\"']?JobSpec[\w.\[\]'\"]*\.*$")


def _parser_problem(message: str) -> tuple[str, str]:
    """(field path as written, the reason) from json_format's nested "Failed to parse x field: ..."."""
    chain = _PARSE_STEP.findall(message)
    reason = _PARSE_STEP.split(message)[-1] if chain else message
    reason = _PARSE_AT.sub("", reason.strip()).rstrip(".")
    return ".".join(snake(step) for step in chain), reason


def locate_field(text: str, path: str) -> tuple[int, int] | None:
    """(line, column) of the field at ``path`` (e.g. ``default_spec.env['X']``, as the engine's
    validation names it after ``spec.``) in the YAML ``text``; None when it is not written there."""
    try:
        root, _data = _compose(text)
    except SpecError:
        return None
    return None if root is None else locate(root, path)


def parse_spec(text: str, pool: DescriptorPool | None = None) -> job_pb2.JobSpec:
    root, data = _compose(text)
    if data is None or root is None:
        raise SpecError(QT_TRANSLATE_NOOP("SpecError", "the spec is empty").format())
    if not isinstance(data, dict):
        raise SpecError(QT_TRANSLATE_NOOP(
            "SpecError", "a job spec is a mapping of fields (name:, instance_count:, default_spec: ...)").format(
            ), 1, 1)
    problem = check_tree(root, job_pb2.JobSpec.DESCRIPTOR, skip=frozenset({"data"}))  # type: ignore[arg-type]
    if problem is not None:
        raise SpecError(problem.message, problem.line, problem.column)
    spec = job_pb2.JobSpec()
    payload = data.pop("data", None)
    try:
        json_format.ParseDict(data, spec)
    except json_format.ParseError as exc:
        path, reason = _parser_problem(str(exc))
        where = locate(root, path) if path else None
        if where is None:
            raise SpecError(QT_TRANSLATE_NOOP("SpecError", "{path}: {reason}").format(path=path, reason=reason) if path
                            else reason, _field_line(text, str(exc))) from None
        raise SpecError(QT_TRANSLATE_NOOP(
            "SpecError", "{path}: {reason}").format(path=path, reason=reason), *where) from None
    if payload is not None:
        try:
            spec.data.CopyFrom(_parse_payload(payload, pool))
        except SpecError as exc:
            raise SpecError(exc.detail, _field_line(text, "data")) from None
    return spec


def best_effort_spec(text: str) -> job_pb2.JobSpec | None:
    """What a spec with an error still says (unknown keys left out), for a form that should not go
    stale while the YAML has a typo; None when even that cannot be read."""
    try:
        _root, data = _compose(text)
    except SpecError:
        return None
    if not isinstance(data, dict):
        return None
    data.pop("data", None)
    spec = job_pb2.JobSpec()
    try:
        json_format.ParseDict(data, spec, ignore_unknown_fields=True)
    except (json_format.ParseError, TypeError, ValueError):
        return None
    return spec


class _SpecDumper(yaml.SafeDumper):
    """Multi-line strings (shell scripts in args) as literal blocks, the way people write them."""


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_SpecDumper.add_representer(str, _str_representer)


def dump_spec(spec: job_pb2.JobSpec, pool: DescriptorPool | None = None) -> str:
    """The spec as YAML; the payload decoded when its type is in ``pool``, else as type and bytes."""
    payload = None
    if spec.HasField("data"):
        rest = job_pb2.JobSpec()
        rest.CopyFrom(spec)
        rest.ClearField("data")
        payload = _payload_dict(spec.data, pool)
        spec = rest
    data = json_format.MessageToDict(spec, preserving_proto_field_name=True)
    if payload is not None:
        data["data"] = payload
    return yaml.dump(data, Dumper=_SpecDumper, sort_keys=False, default_flow_style=False, width=100,
                     allow_unicode=True)  # names in any script as written (批量导入), not \u escapes


def load_spec_file(path: Path) -> job_pb2.JobSpec:
    try:
        return parse_spec(path.read_text())
    except SpecError as exc:
        raise SpecError(QT_TRANSLATE_NOOP(
            "SpecError", "{name}: {exc}").format(name=path.name, exc=exc)) from None


def demo_specs(folder: Path | None = None) -> dict[str, job_pb2.JobSpec]:
    """The demo jobs, by file stem, in a stable order (from the installed resources/demo by default).

    No spec found is an error that says where it looked: "Load demo jobs" must never create
    nothing and say nothing.
    """
    try:
        folder = demo_dir() if folder is None else folder
    except MissingResources as exc:
        raise SpecError(QT_TRANSLATE_NOOP(
            "SpecError", "No demo job specs: {exc}").format(exc=exc)) from None
    paths = sorted(folder.glob("*.yaml"))
    if not paths:
        raise SpecError(QT_TRANSLATE_NOOP(
            "SpecError", "No demo job specs (*.yaml) in {folder}; the installation is incomplete").format(
            folder=folder))
    return {path.stem: load_spec_file(path) for path in paths}
