"""The engine's documented limits on requests, in one place.

Every request is checked against these before it reaches the engine (see requestcheck.py);
docs/limits.md is generated from this module (`python -m pelorus.engine.limits > docs/limits.md`),
so the table and the code cannot disagree. Why limits at all: a job's name, owner and
labels go out in every list and Watch update, its spec is stored with every version, and
one client must not be able to grow the store or every other client's streams without bound.
"""

from __future__ import annotations

from dataclasses import dataclass

KiB = 1024
MiB = 1024 * KiB

MAX_REQUEST_BYTES = 4 * MiB
"""Largest serialised request the engine decodes (bigger: INVALID_ARGUMENT, not decoded)."""
TRANSPORT_MAX_BYTES = 64 * MiB
"""gRPC's own cap on a received message; above it gRPC answers RESOURCE_EXHAUSTED itself."""

MAX_INSTANCES = 100_000
MAX_DURATION_SECONDS = 10 * 366 * 24 * 3600
"""Any Duration in a request (deadlines, grace periods, intervals, TTL): at most ~10 years."""
MIN_TIMESTAMP_SECONDS = -62_135_596_800  # 0001-01-01T00:00:00Z, protobuf's Timestamp range
MAX_TIMESTAMP_SECONDS = 253_402_300_799  # 9999-12-31T23:59:59Z
CRON_HORIZON_YEARS = 5
"""A cron expression must fire at least once within this many years from now."""

QUERY_DEFAULT_LIMIT = 100
QUERY_MAX_LIMIT = 10_000
VERSIONS_DEFAULT_LIMIT = 100
VERSIONS_MAX_LIMIT = 1000
POD_EVENTS_DEFAULT_LIMIT = 5000
POD_EVENTS_MAX_LIMIT = 20_000


def applied_query_limit(asked: int) -> int:
    """The page size QueryJobs applies (and reports back) for a requested limit (0: default)."""
    return min(asked or QUERY_DEFAULT_LIMIT, QUERY_MAX_LIMIT)


def applied_pod_events_limit(asked: int) -> int:
    """The page size ListJobPodEvents applies for a requested limit (0: default)."""
    return min(asked or POD_EVENTS_DEFAULT_LIMIT, POD_EVENTS_MAX_LIMIT)


def applied_versions_limit(asked: int) -> int:
    """The page size ListJobVersions applies (and reports back) for a requested limit (0: default)."""
    return min(asked or VERSIONS_DEFAULT_LIMIT, VERSIONS_MAX_LIMIT)


DEFAULT_STRING = 1024
DEFAULT_BYTES = 1 * MiB
DEFAULT_ITEMS = 1000


@dataclass(frozen=True)
class Limit:
    """For a string/bytes field: `length` (characters / bytes). For a repeated field: `items`
    and the `length` of each item. For a map: `items` entries, `key` and `length` (value)."""

    length: int = DEFAULT_STRING
    items: int = DEFAULT_ITEMS
    key: int = DEFAULT_STRING


LABELS = Limit(items=64, key=128, length=256)
IDS = Limit(items=10_000, length=128)

# (message full name, field name) -> Limit. Fields not listed get the defaults above;
# a field named here and in a `*` row takes the specific row.
FIELDS: dict[tuple[str, str], Limit] = {
    ("*", "job_id"): Limit(length=128),
    ("*", "pod_name"): Limit(length=160),
    ("*", "pod_id"): Limit(length=192),
    ("*", "idempotency_key"): Limit(length=256),
    ("*", "job_name"): Limit(length=256),
    ("pelorus.v1.JobSpec", "name"): Limit(length=256),
    ("pelorus.v1.JobSpec", "owner"): Limit(length=256),
    ("pelorus.v1.JobSpec", "description"): Limit(length=16 * KiB),
    ("pelorus.v1.JobSpec", "labels"): LABELS,
    ("pelorus.v1.JobSpec", "namespace"): Limit(length=256),
    ("pelorus.v1.JobSpec", "unique_key"): Limit(length=256),
    ("pelorus.v1.JobSpec", "callback_url"): Limit(length=2048),
    ("pelorus.v1.PodSpec", "command"): Limit(length=4096),
    ("pelorus.v1.PodSpec", "args"): Limit(items=1000, length=32 * KiB),
    ("pelorus.v1.PodSpec", "env"): Limit(items=512, key=256, length=32 * KiB),
    ("pelorus.v1.PodSpec", "working_dir"): Limit(length=4096),
    ("pelorus.v1.PodSpec", "image"): Limit(length=1024),
    ("pelorus.v1.PodSpec", "labels"): LABELS,
    ("pelorus.v1.Resources", "custom"): Limit(items=64, key=128),
    ("pelorus.v1.Schedule", "cron"): Limit(length=256),
    ("pelorus.v1.Schedule", "timezone"): Limit(length=128),
    ("google.protobuf.Any", "type_url"): Limit(length=1024),
    ("google.protobuf.Any", "value"): Limit(length=1 * MiB),
    ("google.protobuf.FieldMask", "paths"): Limit(items=100, length=256),
    ("pelorus.v1.JobQuerySpec", "labels"): LABELS,
    ("pelorus.v1.JobQuerySpec", "keywords"): Limit(items=100, length=256),
    ("pelorus.v1.JobQuerySpec", "owner"): Limit(length=256),
    ("pelorus.v1.JobQuerySpec", "name"): Limit(length=256),
    ("pelorus.v1.JobQuerySpec", "namespace"): Limit(length=256),
    ("pelorus.v1.Pagination", "order_by"): Limit(items=10),
    ("pelorus.v1.OrderBy", "property"): Limit(length=64),
    ("pelorus.v1.PodQuerySpec", "names"): IDS,
    ("pelorus.v1.PodQuerySpec", "hosts"): Limit(items=10_000, length=256),
    ("pelorus.v1.JobFilter", "job_ids"): IDS,
    ("pelorus.v1.JobFilter", "labels"): LABELS,
    ("pelorus.v1.PodFilter", "pod_names"): IDS,
    ("pelorus.v1.RestartSpec", "ranges"): Limit(items=1000),
}


def field_limit(message: str, field: str) -> Limit:
    return FIELDS.get((message, field)) or FIELDS.get(("*", field)) or Limit()


def _size(n: int) -> str:
    if n >= MiB and n % MiB == 0:
        return f"{n // MiB} MiB"
    if n >= KiB and n % KiB == 0:
        return f"{n // KiB} KiB"
    return f"{n:,}"


def _shape(message: str, field: str) -> str:
    """"string", "list", "message list" or "map", from the field's descriptor ("string" for `*`)."""
    from google.protobuf import descriptor_pool

    import pelorus.api  # noqa: F401 - registers the API's descriptors in the default pool

    if message == "*":
        return "string"
    fd = descriptor_pool.Default().FindMessageTypeByName(message).fields_by_name[field]
    if fd.is_repeated and fd.message_type is not None:
        return "map" if fd.message_type.GetOptions().map_entry else "message list"
    return "list" if fd.is_repeated else "string"


def markdown() -> str:
    """The limits as a Markdown page (docs/limits.md)."""
    lines = [
        "# Engine request limits",
        "",
        "Generated from `pelorus/engine/limits.py` (`python -m pelorus.engine.limits > docs/limits.md`).",
        "A request over any limit fails with INVALID_ARGUMENT and a message naming the field path",
        "and the limit, e.g. `spec.labels['team']: value is 300 characters; the limit is 256`.",
        "",
        "| What | Limit |",
        "|---|---|",
        f"| Serialised request | {_size(MAX_REQUEST_BYTES)} (gRPC itself refuses above {_size(TRANSPORT_MAX_BYTES)}"
        " with RESOURCE_EXHAUSTED) |",
        f"| Instances per job | {MAX_INSTANCES:,} |",
        f"| Any Duration | 0 .. {MAX_DURATION_SECONDS:,} s (about 10 years); never negative |",
        "| Any Timestamp | 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59Z, nanos 0..999,999,999 |",
        "| Numbers (cpu, custom resources) | finite and not negative |",
        "| Enum fields | one of the declared values (the message lists them) |",
        f"| Cron | 5 fields (minute hour day-of-month month day-of-week); must fire within "
        f"{CRON_HORIZON_YEARS} years |",
        f"| QueryJobs page | default {QUERY_DEFAULT_LIMIT}, at most {QUERY_MAX_LIMIT:,} rows; the result's "
        "`pagination.limit` is the limit applied |",
        f"| ListJobVersions page | default {VERSIONS_DEFAULT_LIMIT}, at most {VERSIONS_MAX_LIMIT:,} versions; "
        "ordered by `version` only (newest first unless asked otherwise); `pagination.limit` is the limit "
        "applied |",
        f"| ListJobPodEvents page | default {POD_EVENTS_DEFAULT_LIMIT:,}, at most {POD_EVENTS_MAX_LIMIT:,} events |",
        "| Unknown fields | refused (the engine would otherwise ignore what the client meant) |",
        f"| Any other string | {_size(DEFAULT_STRING)} characters |",
        f"| Any other bytes | {_size(DEFAULT_BYTES)} |",
        f"| Any other list or map | {DEFAULT_ITEMS:,} entries |",
        "",
        "| Field | Length (characters; of each item or value) | Entries | Key length |",
        "|---|---|---|---|",
    ]
    for (message, field), limit in FIELDS.items():
        where = f"every `{field}`" if message == "*" else f"`{message.rsplit('.', 1)[-1]}.{field}`"
        shape = _shape(message, field)
        length = "-" if shape == "message list" else _size(limit.length)
        entries = _size(limit.items) if shape in ("list", "map", "message list") else "-"
        key = _size(limit.key) if shape == "map" else "-"
        if shape == "map" and message.endswith("Resources"):
            length = "- (values: finite, not negative)"
        lines.append(f"| {where} | {length} | {entries} | {key} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
