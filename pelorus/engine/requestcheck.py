"""The one check every request goes through before the engine sees it.

A walk over the request's set fields, driven by its descriptor, so no message type and no
field can be forgotten: sizes of strings, bytes, lists and maps (limits.py), finite and
non-negative numbers, declared enum values only, well-formed Durations and Timestamps in
range, no unknown fields, and the ids a request cannot do without. Each problem is an
INVALID_ARGUMENT naming the field path from the request (`spec.default_spec.env['X']`) and
the limit. What a spec *means* (a command, at least one instance, a cron that fires) is
validation.py's job, run by the engine on the whole spec it is about to store.
"""

from __future__ import annotations

import math
from typing import Any

from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message
from google.protobuf.unknown_fields import UnknownFieldSet

from pelorus.engine import limits
from pelorus.engine.errors import invalid

FD = FieldDescriptor
_DURATION = "google.protobuf.Duration"
_TIMESTAMP = "google.protobuf.Timestamp"
_NANOS = 999_999_999
_TYPE_NAMES = {getattr(FD, n): n[5:].lower() for n in dir(FD) if n.startswith("TYPE_")}

# Request type (short name) -> the fields it cannot do without.
REQUIRED: dict[str, tuple[str, ...]] = {
    **{name: ("job_id",) for name in (
        "ReplaceJobRequest", "PatchJobRequest", "GetReplaceJobDiffRequest", "RestartJobRequest", "StartJobRequest",
        "StopJobRequest", "PauseJobWorkflowRequest", "ResumeJobWorkflowRequest", "AbortJobWorkflowRequest",
        "DeleteJobRequest", "GetJobRequest", "ListJobVersionsRequest", "ListJobWorkflowsRequest",
        "GetWorkflowEventsRequest", "ListJobPodEventsRequest",
        "ListPodsRequest", "QueryPodsRequest", "RefreshJobRequest", "GetJobCacheRequest", "WatchJobRequest")},
    **{name: ("pod_name",) for name in (
        "GetPodRequest", "GetPodEventsRequest", "StartPodRequest", "StopPodRequest", "RestartPodRequest",
        "GetPodLogsRequest")},
    "GetJobIDFromJobNameRequest": ("job_name",),
    "CreateJobRequest": ("spec",),
}
REQUIRED["ReplaceJobRequest"] = ("job_id", "spec")


def check_request(request: Message) -> None:
    """Raise INVALID_ARGUMENT (EngineError) for the first problem found, naming its field."""
    name = request.DESCRIPTOR.name
    for required in REQUIRED.get(name, ()):
        field = request.DESCRIPTOR.fields_by_name[required]
        present = (request.HasField(required) if field.message_type is not None
                   else bool(getattr(request, required)))
        if not present:
            raise invalid(required, f"required: {name} needs a {required}")
    check_message(request, "")


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def check_message(msg: Message, path: str) -> None:
    desc = msg.DESCRIPTOR
    unknown = UnknownFieldSet(msg)
    if len(unknown):
        first = unknown[0]
        where = path or desc.name
        known = desc.fields_by_number.get(first.field_number)
        if known is not None:
            raise invalid(_join(path, known.name), f"arrived with wire type {first.wire_type}, which a "
                          f"{_TYPE_NAMES.get(known.type, 'field')} cannot have (in {desc.full_name})")
        numbers = sorted({unknown[i].field_number for i in range(len(unknown))})
        raise invalid(where, f"has field number(s) {', '.join(map(str, numbers[:10]))} that {desc.full_name} "
                             "does not define (a newer client? this engine would ignore them)")
    full_name = desc.full_name
    if full_name == _DURATION:
        _check_duration(msg, path)
        return
    if full_name == _TIMESTAMP:
        _check_timestamp(msg, path)
        return
    for field, value in msg.ListFields():
        shape, limit, kind = _plan(full_name, field)
        if shape == _SCALAR:
            # The commonest case first, and its path only built when it is wrong.
            if kind == FD.TYPE_STRING:
                if len(value) > limit.length:
                    _check_value(field, value, _join(path, field.name), limit)
            elif kind in _QUIET_KINDS:
                pass
            else:
                _check_value(field, value, _join(path, field.name), limit)
            continue
        where = _join(path, field.name)
        if shape == _MAP:
            _check_map(field, value, where, limit)
        else:
            if len(value) > limit.items:
                raise invalid(where, f"has {len(value):,} entries; the limit is {limit.items:,}")
            for i, item in enumerate(value):
                _check_value(field, item, f"{where}[{i}]", limit)


_SCALAR, _LIST, _MAP = 0, 1, 2
# Kinds _check_value has nothing to say about (integers and booleans).
_QUIET_KINDS = frozenset({FD.TYPE_INT32, FD.TYPE_INT64, FD.TYPE_UINT32, FD.TYPE_UINT64, FD.TYPE_SINT32,
                          FD.TYPE_SINT64, FD.TYPE_FIXED32, FD.TYPE_FIXED64, FD.TYPE_SFIXED32, FD.TYPE_SFIXED64,
                          FD.TYPE_BOOL})
_PLANS: dict[tuple[str, str], tuple[int, limits.Limit, int]] = {}


def _plan(message: str, field: FieldDescriptor) -> tuple[int, limits.Limit, int]:
    """(shape, limit, type) of a message's field: looked up once per field, not per request."""
    key = (message, field.name)
    plan = _PLANS.get(key)
    if plan is None:
        if field.is_repeated and field.message_type is not None and field.message_type.GetOptions().map_entry:
            shape = _MAP
        elif field.is_repeated:
            shape = _LIST
        else:
            shape = _SCALAR
        plan = _PLANS[key] = (shape, limits.field_limit(message, field.name), field.type)
    return plan


def _check_map(field: FieldDescriptor, value: Any, where: str, limit: limits.Limit) -> None:
    if len(value) > limit.items:
        raise invalid(where, f"has {len(value):,} entries; the limit is {limit.items:,}")
    entry = field.message_type
    assert entry is not None  # a map field has its entry type
    value_field = entry.fields_by_name["value"]
    for key in value:
        if isinstance(key, str) and len(key) > limit.key:
            raise invalid(where, f"key {key[:40]!r}... is {len(key):,} characters; the limit is {limit.key:,}")
        shown = f"{where}[{key[:40]!r}]" if isinstance(key, str) else f"{where}[{key}]"
        _check_value(value_field, value[key], shown, limit)


def _check_value(field: FieldDescriptor, value: Any, where: str, limit: limits.Limit) -> None:
    kind = field.type
    if kind == FD.TYPE_STRING:
        if len(value) > limit.length:
            raise invalid(where, f"is {len(value):,} characters; the limit is {limit.length:,}")
    elif kind == FD.TYPE_BYTES:
        cap = limit.length if limit.length != limits.DEFAULT_STRING else limits.DEFAULT_BYTES
        if len(value) > cap:
            raise invalid(where, f"is {len(value):,} bytes; the limit is {cap:,}")
    elif kind in (FD.TYPE_DOUBLE, FD.TYPE_FLOAT):
        if not math.isfinite(value):
            raise invalid(where, f"must be a finite number, not {value}")
        if value < 0:
            raise invalid(where, f"must not be negative ({value:g})")
    elif kind == FD.TYPE_ENUM:
        enum = field.enum_type
        assert enum is not None  # an enum field has its type
        if value not in enum.values_by_number:
            allowed = ", ".join(v.name for v in enum.values)
            raise invalid(where, f"{value} is not a {enum.name}; use one of {allowed}")
    elif kind in (FD.TYPE_MESSAGE, FD.TYPE_GROUP):
        check_message(value, where)


def _check_duration(msg: Any, where: str) -> None:
    seconds, nanos = int(msg.seconds), int(msg.nanos)
    if not -_NANOS <= nanos <= _NANOS or (seconds > 0 > nanos) or (seconds < 0 < nanos):
        raise invalid(where, f"is not a valid Duration (seconds {seconds}, nanos {nanos}: nanos must be within "
                             "±999,999,999 and have the sign of seconds)")
    if seconds < 0 or nanos < 0:
        raise invalid(where, "must not be negative")
    if seconds > limits.MAX_DURATION_SECONDS or (seconds == limits.MAX_DURATION_SECONDS and nanos):
        raise invalid(where, f"is {seconds:,} s; the limit is {limits.MAX_DURATION_SECONDS:,} s (about 10 years)")


def _check_timestamp(msg: Any, where: str) -> None:
    seconds, nanos = int(msg.seconds), int(msg.nanos)
    if not 0 <= nanos <= _NANOS:
        raise invalid(where, f"is not a valid Timestamp (nanos {nanos} must be within 0..999,999,999)")
    if not limits.MIN_TIMESTAMP_SECONDS <= seconds <= limits.MAX_TIMESTAMP_SECONDS:
        raise invalid(where, f"is out of range (seconds {seconds:,}); a Timestamp must lie between "
                             "0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z")
