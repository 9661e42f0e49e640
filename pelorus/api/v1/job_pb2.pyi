import datetime

from google.protobuf import any_pb2 as _any_pb2
from google.protobuf import duration_pb2 as _duration_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from pelorus.api.v1 import common_pb2 as _common_pb2
from pelorus.api.v1 import pod_pb2 as _pod_pb2
from pelorus.api.v1 import workflow_pb2 as _workflow_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class JobState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    JOB_STATE_INVALID: _ClassVar[JobState]
    JOB_STATE_INITIALIZED: _ClassVar[JobState]
    JOB_STATE_PENDING: _ClassVar[JobState]
    JOB_STATE_RUNNING: _ClassVar[JobState]
    JOB_STATE_SUCCEEDED: _ClassVar[JobState]
    JOB_STATE_FAILED: _ClassVar[JobState]
    JOB_STATE_KILLED: _ClassVar[JobState]
    JOB_STATE_KILLING: _ClassVar[JobState]
    JOB_STATE_UNINITIALIZED: _ClassVar[JobState]
    JOB_STATE_DELETED: _ClassVar[JobState]
JOB_STATE_INVALID: JobState
JOB_STATE_INITIALIZED: JobState
JOB_STATE_PENDING: JobState
JOB_STATE_RUNNING: JobState
JOB_STATE_SUCCEEDED: JobState
JOB_STATE_FAILED: JobState
JOB_STATE_KILLED: JobState
JOB_STATE_KILLING: JobState
JOB_STATE_UNINITIALIZED: JobState
JOB_STATE_DELETED: JobState

class Schedule(_message.Message):
    __slots__ = ("at", "every", "cron", "timezone")
    AT_FIELD_NUMBER: _ClassVar[int]
    EVERY_FIELD_NUMBER: _ClassVar[int]
    CRON_FIELD_NUMBER: _ClassVar[int]
    TIMEZONE_FIELD_NUMBER: _ClassVar[int]
    at: _timestamp_pb2.Timestamp
    every: _duration_pb2.Duration
    cron: str
    timezone: str
    def __init__(self, at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., every: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., cron: _Optional[str] = ..., timezone: _Optional[str] = ...) -> None: ...

class SlaSpec(_message.Message):
    __slots__ = ("max_unavailable_instances",)
    MAX_UNAVAILABLE_INSTANCES_FIELD_NUMBER: _ClassVar[int]
    max_unavailable_instances: int
    def __init__(self, max_unavailable_instances: _Optional[int] = ...) -> None: ...

class JobSpec(_message.Message):
    __slots__ = ("name", "owner", "description", "labels", "namespace", "instance_count", "default_spec", "priority", "parallelism", "schedule", "unique_key", "sla", "completions", "ttl_after_finished", "callback_url", "max_failed_instances", "data")
    class LabelsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    NAME_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    LABELS_FIELD_NUMBER: _ClassVar[int]
    NAMESPACE_FIELD_NUMBER: _ClassVar[int]
    INSTANCE_COUNT_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_SPEC_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    PARALLELISM_FIELD_NUMBER: _ClassVar[int]
    SCHEDULE_FIELD_NUMBER: _ClassVar[int]
    UNIQUE_KEY_FIELD_NUMBER: _ClassVar[int]
    SLA_FIELD_NUMBER: _ClassVar[int]
    COMPLETIONS_FIELD_NUMBER: _ClassVar[int]
    TTL_AFTER_FINISHED_FIELD_NUMBER: _ClassVar[int]
    CALLBACK_URL_FIELD_NUMBER: _ClassVar[int]
    MAX_FAILED_INSTANCES_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    name: str
    owner: str
    description: str
    labels: _containers.ScalarMap[str, str]
    namespace: str
    instance_count: int
    default_spec: _pod_pb2.PodSpec
    priority: int
    parallelism: int
    schedule: Schedule
    unique_key: str
    sla: SlaSpec
    completions: int
    ttl_after_finished: _duration_pb2.Duration
    callback_url: str
    max_failed_instances: int
    data: _any_pb2.Any
    def __init__(self, name: _Optional[str] = ..., owner: _Optional[str] = ..., description: _Optional[str] = ..., labels: _Optional[_Mapping[str, str]] = ..., namespace: _Optional[str] = ..., instance_count: _Optional[int] = ..., default_spec: _Optional[_Union[_pod_pb2.PodSpec, _Mapping]] = ..., priority: _Optional[int] = ..., parallelism: _Optional[int] = ..., schedule: _Optional[_Union[Schedule, _Mapping]] = ..., unique_key: _Optional[str] = ..., sla: _Optional[_Union[SlaSpec, _Mapping]] = ..., completions: _Optional[int] = ..., ttl_after_finished: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., callback_url: _Optional[str] = ..., max_failed_instances: _Optional[int] = ..., data: _Optional[_Union[_any_pb2.Any, _Mapping]] = ...) -> None: ...

class Progress(_message.Message):
    __slots__ = ("successful", "failed", "remaining", "elapsed", "updated_at", "run", "instances_reporting", "instances_total")
    SUCCESSFUL_FIELD_NUMBER: _ClassVar[int]
    FAILED_FIELD_NUMBER: _ClassVar[int]
    REMAINING_FIELD_NUMBER: _ClassVar[int]
    ELAPSED_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    RUN_FIELD_NUMBER: _ClassVar[int]
    INSTANCES_REPORTING_FIELD_NUMBER: _ClassVar[int]
    INSTANCES_TOTAL_FIELD_NUMBER: _ClassVar[int]
    successful: int
    failed: int
    remaining: int
    elapsed: _duration_pb2.Duration
    updated_at: _timestamp_pb2.Timestamp
    run: int
    instances_reporting: int
    instances_total: int
    def __init__(self, successful: _Optional[int] = ..., failed: _Optional[int] = ..., remaining: _Optional[int] = ..., elapsed: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., run: _Optional[int] = ..., instances_reporting: _Optional[int] = ..., instances_total: _Optional[int] = ...) -> None: ...

class JobStatus(_message.Message):
    __slots__ = ("state", "desired_state", "version", "revision", "pod_stats", "workflow_status", "progress", "reason", "message", "created_at", "updated_at", "dispatched_at", "started_at", "ended_at", "expires_at", "purged_at", "next_run_at", "run_count", "instances_done", "instances_failed")
    class PodStatsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    STATE_FIELD_NUMBER: _ClassVar[int]
    DESIRED_STATE_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    REVISION_FIELD_NUMBER: _ClassVar[int]
    POD_STATS_FIELD_NUMBER: _ClassVar[int]
    WORKFLOW_STATUS_FIELD_NUMBER: _ClassVar[int]
    PROGRESS_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    DISPATCHED_AT_FIELD_NUMBER: _ClassVar[int]
    STARTED_AT_FIELD_NUMBER: _ClassVar[int]
    ENDED_AT_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    PURGED_AT_FIELD_NUMBER: _ClassVar[int]
    NEXT_RUN_AT_FIELD_NUMBER: _ClassVar[int]
    RUN_COUNT_FIELD_NUMBER: _ClassVar[int]
    INSTANCES_DONE_FIELD_NUMBER: _ClassVar[int]
    INSTANCES_FAILED_FIELD_NUMBER: _ClassVar[int]
    state: JobState
    desired_state: JobState
    version: _common_pb2.EntityVersion
    revision: int
    pod_stats: _containers.ScalarMap[str, int]
    workflow_status: _workflow_pb2.WorkflowStatus
    progress: Progress
    reason: str
    message: str
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    dispatched_at: _timestamp_pb2.Timestamp
    started_at: _timestamp_pb2.Timestamp
    ended_at: _timestamp_pb2.Timestamp
    expires_at: _timestamp_pb2.Timestamp
    purged_at: _timestamp_pb2.Timestamp
    next_run_at: _timestamp_pb2.Timestamp
    run_count: int
    instances_done: int
    instances_failed: int
    def __init__(self, state: _Optional[_Union[JobState, str]] = ..., desired_state: _Optional[_Union[JobState, str]] = ..., version: _Optional[_Union[_common_pb2.EntityVersion, _Mapping]] = ..., revision: _Optional[int] = ..., pod_stats: _Optional[_Mapping[str, int]] = ..., workflow_status: _Optional[_Union[_workflow_pb2.WorkflowStatus, _Mapping]] = ..., progress: _Optional[_Union[Progress, _Mapping]] = ..., reason: _Optional[str] = ..., message: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., dispatched_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., started_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., ended_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., expires_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., purged_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., next_run_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., run_count: _Optional[int] = ..., instances_done: _Optional[int] = ..., instances_failed: _Optional[int] = ...) -> None: ...

class JobInfo(_message.Message):
    __slots__ = ("job_id", "spec", "status")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    SPEC_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    spec: JobSpec
    status: JobStatus
    def __init__(self, job_id: _Optional[str] = ..., spec: _Optional[_Union[JobSpec, _Mapping]] = ..., status: _Optional[_Union[JobStatus, _Mapping]] = ...) -> None: ...

class JobSummary(_message.Message):
    __slots__ = ("job_id", "name", "owner", "namespace", "labels", "instance_count", "priority", "status")
    class LabelsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    NAMESPACE_FIELD_NUMBER: _ClassVar[int]
    LABELS_FIELD_NUMBER: _ClassVar[int]
    INSTANCE_COUNT_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    name: str
    owner: str
    namespace: str
    labels: _containers.ScalarMap[str, str]
    instance_count: int
    priority: int
    status: JobStatus
    def __init__(self, job_id: _Optional[str] = ..., name: _Optional[str] = ..., owner: _Optional[str] = ..., namespace: _Optional[str] = ..., labels: _Optional[_Mapping[str, str]] = ..., instance_count: _Optional[int] = ..., priority: _Optional[int] = ..., status: _Optional[_Union[JobStatus, _Mapping]] = ...) -> None: ...

class JobQuerySpec(_message.Message):
    __slots__ = ("pagination", "labels", "keywords", "job_states", "owner", "name", "namespace", "created_after", "created_before", "ended_after", "ended_before")
    class LabelsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    PAGINATION_FIELD_NUMBER: _ClassVar[int]
    LABELS_FIELD_NUMBER: _ClassVar[int]
    KEYWORDS_FIELD_NUMBER: _ClassVar[int]
    JOB_STATES_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    NAMESPACE_FIELD_NUMBER: _ClassVar[int]
    CREATED_AFTER_FIELD_NUMBER: _ClassVar[int]
    CREATED_BEFORE_FIELD_NUMBER: _ClassVar[int]
    ENDED_AFTER_FIELD_NUMBER: _ClassVar[int]
    ENDED_BEFORE_FIELD_NUMBER: _ClassVar[int]
    pagination: _common_pb2.Pagination
    labels: _containers.ScalarMap[str, str]
    keywords: _containers.RepeatedScalarFieldContainer[str]
    job_states: _containers.RepeatedScalarFieldContainer[JobState]
    owner: str
    name: str
    namespace: str
    created_after: _timestamp_pb2.Timestamp
    created_before: _timestamp_pb2.Timestamp
    ended_after: _timestamp_pb2.Timestamp
    ended_before: _timestamp_pb2.Timestamp
    def __init__(self, pagination: _Optional[_Union[_common_pb2.Pagination, _Mapping]] = ..., labels: _Optional[_Mapping[str, str]] = ..., keywords: _Optional[_Iterable[str]] = ..., job_states: _Optional[_Iterable[_Union[JobState, str]]] = ..., owner: _Optional[str] = ..., name: _Optional[str] = ..., namespace: _Optional[str] = ..., created_after: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., created_before: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., ended_after: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., ended_before: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
