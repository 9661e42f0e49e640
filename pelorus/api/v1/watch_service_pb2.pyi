import datetime

from google.protobuf import duration_pb2 as _duration_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from pelorus.api.v1 import job_pb2 as _job_pb2
from pelorus.api.v1 import pod_pb2 as _pod_pb2
from pelorus.api.v1 import workflow_pb2 as _workflow_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class JobFilter(_message.Message):
    __slots__ = ("job_ids", "labels")
    class LabelsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    JOB_IDS_FIELD_NUMBER: _ClassVar[int]
    LABELS_FIELD_NUMBER: _ClassVar[int]
    job_ids: _containers.RepeatedScalarFieldContainer[str]
    labels: _containers.ScalarMap[str, str]
    def __init__(self, job_ids: _Optional[_Iterable[str]] = ..., labels: _Optional[_Mapping[str, str]] = ...) -> None: ...

class PodFilter(_message.Message):
    __slots__ = ("job_id", "pod_names")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    POD_NAMES_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    pod_names: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, job_id: _Optional[str] = ..., pod_names: _Optional[_Iterable[str]] = ...) -> None: ...

class WatchRequest(_message.Message):
    __slots__ = ("start_revision", "job_filter", "pod_filter")
    START_REVISION_FIELD_NUMBER: _ClassVar[int]
    JOB_FILTER_FIELD_NUMBER: _ClassVar[int]
    POD_FILTER_FIELD_NUMBER: _ClassVar[int]
    start_revision: int
    job_filter: JobFilter
    pod_filter: PodFilter
    def __init__(self, start_revision: _Optional[int] = ..., job_filter: _Optional[_Union[JobFilter, _Mapping]] = ..., pod_filter: _Optional[_Union[PodFilter, _Mapping]] = ...) -> None: ...

class Change(_message.Message):
    __slots__ = ("revision", "job", "pod", "deleted")
    REVISION_FIELD_NUMBER: _ClassVar[int]
    JOB_FIELD_NUMBER: _ClassVar[int]
    POD_FIELD_NUMBER: _ClassVar[int]
    DELETED_FIELD_NUMBER: _ClassVar[int]
    revision: int
    job: _job_pb2.JobSummary
    pod: _pod_pb2.PodInfo
    deleted: bool
    def __init__(self, revision: _Optional[int] = ..., job: _Optional[_Union[_job_pb2.JobSummary, _Mapping]] = ..., pod: _Optional[_Union[_pod_pb2.PodInfo, _Mapping]] = ..., deleted: _Optional[bool] = ...) -> None: ...

class WatchResponse(_message.Message):
    __slots__ = ("changes", "revision")
    CHANGES_FIELD_NUMBER: _ClassVar[int]
    REVISION_FIELD_NUMBER: _ClassVar[int]
    changes: _containers.RepeatedCompositeFieldContainer[Change]
    revision: int
    def __init__(self, changes: _Optional[_Iterable[_Union[Change, _Mapping]]] = ..., revision: _Optional[int] = ...) -> None: ...

class WatchJobRequest(_message.Message):
    __slots__ = ("job_id", "progress_update_period", "max_polling_period")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    PROGRESS_UPDATE_PERIOD_FIELD_NUMBER: _ClassVar[int]
    MAX_POLLING_PERIOD_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    progress_update_period: _duration_pb2.Duration
    max_polling_period: _duration_pb2.Duration
    def __init__(self, job_id: _Optional[str] = ..., progress_update_period: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., max_polling_period: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ...) -> None: ...

class WatchJobResponse(_message.Message):
    __slots__ = ("job_id", "timestamp", "progress", "workflow_status", "state", "pod_stats", "instances_done", "instances_failed", "max_failed_instances", "applied_period")
    class PodStatsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    TIMESTAMP_FIELD_NUMBER: _ClassVar[int]
    PROGRESS_FIELD_NUMBER: _ClassVar[int]
    WORKFLOW_STATUS_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    POD_STATS_FIELD_NUMBER: _ClassVar[int]
    INSTANCES_DONE_FIELD_NUMBER: _ClassVar[int]
    INSTANCES_FAILED_FIELD_NUMBER: _ClassVar[int]
    MAX_FAILED_INSTANCES_FIELD_NUMBER: _ClassVar[int]
    APPLIED_PERIOD_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    timestamp: _timestamp_pb2.Timestamp
    progress: _job_pb2.Progress
    workflow_status: _workflow_pb2.WorkflowStatus
    state: _job_pb2.JobState
    pod_stats: _containers.ScalarMap[str, int]
    instances_done: int
    instances_failed: int
    max_failed_instances: int
    applied_period: _duration_pb2.Duration
    def __init__(self, job_id: _Optional[str] = ..., timestamp: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., progress: _Optional[_Union[_job_pb2.Progress, _Mapping]] = ..., workflow_status: _Optional[_Union[_workflow_pb2.WorkflowStatus, _Mapping]] = ..., state: _Optional[_Union[_job_pb2.JobState, str]] = ..., pod_stats: _Optional[_Mapping[str, int]] = ..., instances_done: _Optional[int] = ..., instances_failed: _Optional[int] = ..., max_failed_instances: _Optional[int] = ..., applied_period: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ...) -> None: ...

class GetJobProgressHistoryRequest(_message.Message):
    __slots__ = ("job_id", "run")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    RUN_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    run: int
    def __init__(self, job_id: _Optional[str] = ..., run: _Optional[int] = ...) -> None: ...

class GetJobProgressHistoryResponse(_message.Message):
    __slots__ = ("job_id", "run", "samples", "resolution", "runs")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    RUN_FIELD_NUMBER: _ClassVar[int]
    SAMPLES_FIELD_NUMBER: _ClassVar[int]
    RESOLUTION_FIELD_NUMBER: _ClassVar[int]
    RUNS_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    run: int
    samples: _containers.RepeatedCompositeFieldContainer[WatchJobResponse]
    resolution: _duration_pb2.Duration
    runs: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, job_id: _Optional[str] = ..., run: _Optional[int] = ..., samples: _Optional[_Iterable[_Union[WatchJobResponse, _Mapping]]] = ..., resolution: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., runs: _Optional[_Iterable[int]] = ...) -> None: ...
