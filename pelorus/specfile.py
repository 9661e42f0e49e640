"""Job specs as YAML: the format of resources/demo and of the console's spec editor.

The YAML mirrors JobSpec's protobuf JSON mapping (camelCase or snake_case keys, durations
as "1.5s", timestamps as RFC 3339), so nothing here invents a second schema. Errors say
where: a YAML syntax error carries its line, a field error names the field path.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from google.protobuf import json_format

from pelorus.api import job_pb2
from pelorus.shipped import MissingResources, demo_dir


class SpecError(ValueError):
    """A spec that cannot be read. `line` is 1-based when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message if line is None else f"line {line}: {message}")
        self.line = line
        self.detail = message


def _field_line(text: str, message: str) -> int | None:
    """Best effort: the line of the first key named in a json_format error."""
    for token in message.replace('"', " ").replace(".", " ").split():
        for number, line in enumerate(text.splitlines(), start=1):
            stripped = line.strip()
            if stripped.startswith(f"{token}:"):
                return number
    return None


def parse_spec(text: str) -> job_pb2.JobSpec:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise SpecError(f"not valid YAML: {problem}", mark.line + 1 if mark else None) from None
    if data is None:
        raise SpecError("the spec is empty")
    if not isinstance(data, dict):
        raise SpecError("a job spec is a mapping of fields (name:, instanceCount:, defaultSpec: ...)", 1)
    spec = job_pb2.JobSpec()
    try:
        json_format.ParseDict(data, spec)
    except json_format.ParseError as exc:
        raise SpecError(str(exc), _field_line(text, str(exc))) from None
    return spec


class _SpecDumper(yaml.SafeDumper):
    """Multi-line strings (shell scripts in args) as literal blocks, the way people write them."""


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_SpecDumper.add_representer(str, _str_representer)


def dump_spec(spec: job_pb2.JobSpec) -> str:
    data = json_format.MessageToDict(spec, preserving_proto_field_name=True)
    return yaml.dump(data, Dumper=_SpecDumper, sort_keys=False, default_flow_style=False, width=100)


def load_spec_file(path: Path) -> job_pb2.JobSpec:
    try:
        return parse_spec(path.read_text())
    except SpecError as exc:
        raise SpecError(f"{path.name}: {exc}") from None


def demo_specs(folder: Path | None = None) -> dict[str, job_pb2.JobSpec]:
    """The demo jobs, by file stem, in a stable order (from the installed resources/demo by default).

    No spec found is an error that says where it looked: "Load demo jobs" must never create
    nothing and say nothing.
    """
    try:
        folder = demo_dir() if folder is None else folder
    except MissingResources as exc:
        raise SpecError(f"No demo job specs: {exc}") from None
    paths = sorted(folder.glob("*.yaml"))
    if not paths:
        raise SpecError(f"No demo job specs (*.yaml) in {folder}; the installation is incomplete")
    return {path.stem: load_spec_file(path) for path in paths}
