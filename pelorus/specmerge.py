"""Three-way merge of job specs, field by field, for "rebase my edit onto theirs".

A field the operator changed (yours != base) takes their value; every other field takes
the other editor's (theirs). A field both changed differently is a conflict: yours wins,
and the field is named so the operator reviews it before resubmitting.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message

from pelorus.api import job_pb2

if TYPE_CHECKING:  # the C (upb) backend's descriptor type, as a message's DESCRIPTOR may be
    from google._upb._message import FieldDescriptor as UpbFieldDescriptor

    AnyFieldDescriptor: TypeAlias = FieldDescriptor | UpbFieldDescriptor


def _merge(base: Message, theirs: Message, yours: Message, out: Message, prefix: str,
           conflicts: list[str]) -> None:
    for field in out.DESCRIPTOR.fields:
        name = field.name
        path = f"{prefix}{name}"
        b, t, y = getattr(base, name), getattr(theirs, name), getattr(yours, name)
        is_message = field.type == FieldDescriptor.TYPE_MESSAGE and not field.is_repeated
        if is_message and not any(m.HasField(name) for m in (base, theirs, yours)):
            continue
        sub = field.message_type
        if is_message and sub is not None and sub.full_name.startswith("pelorus.") \
                and not sub.oneofs:  # a oneof (Schedule) merges as a whole
            _merge(b, t, y, getattr(out, name), path + ".", conflicts)
            continue
        changed_by_you = _value(b, field) != _value(y, field)
        changed_by_them = _value(b, field) != _value(t, field)
        chosen = y if changed_by_you else t
        if changed_by_you and changed_by_them and _value(t, field) != _value(y, field):
            conflicts.append(path)
        if field.is_repeated:
            out.ClearField(name)
            if field.message_type is not None and field.message_type.GetOptions().map_entry:
                value_field = field.message_type.fields_by_name["value"]
                target = getattr(out, name)
                for key in chosen:
                    if value_field.type == FieldDescriptor.TYPE_MESSAGE:
                        target[key].CopyFrom(chosen[key])
                    else:
                        target[key] = chosen[key]
            else:
                getattr(out, name).extend(chosen)
        elif field.type == FieldDescriptor.TYPE_MESSAGE:
            if (yours if changed_by_you else theirs).HasField(name):
                getattr(out, name).CopyFrom(chosen)
            else:
                out.ClearField(name)
        else:
            setattr(out, name, chosen)


def _value(message_value: object, field: AnyFieldDescriptor) -> object:
    if field.is_repeated:
        if field.message_type is not None and field.message_type.GetOptions().map_entry:
            return {k: (v.SerializeToString(deterministic=True) if isinstance(v, Message) else v)
                    for k, v in message_value.items()}  # type: ignore[attr-defined]
        return [v.SerializeToString(deterministic=True) if isinstance(v, Message) else v
                for v in message_value]  # type: ignore[attr-defined]
    if isinstance(message_value, Message):
        return message_value.SerializeToString(deterministic=True)
    return message_value


def rebase(base: job_pb2.JobSpec, theirs: job_pb2.JobSpec,
           yours: job_pb2.JobSpec) -> tuple[job_pb2.JobSpec, list[str]]:
    """Your changes since base, applied on theirs; returns the merged spec and conflicting fields."""
    out = job_pb2.JobSpec()
    conflicts: list[str] = []
    _merge(base, theirs, yours, out, "", conflicts)
    return out, conflicts
