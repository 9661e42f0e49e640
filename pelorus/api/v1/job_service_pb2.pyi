import datetime

from google.protobuf import field_mask_pb2 as _field_mask_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from pelorus.api.v1 import common_pb2 as _common_pb2
from pelorus.api.v1 import job_pb2 as _job_pb2
from pelorus.api.v1 import pod_pb2 as _pod_pb2
from pelorus.api.v1 import workflow_pb2 as _workflow_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CreateJobRequest(_message.Message):
    __slots__ = ("job_id", "spec", "idempotency_key", "start_paused")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    SPEC_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    START_PAUSED_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    spec: _job_pb2.JobSpec
    idempotency_key: str
    start_paused: bool
    def __init__(self, job_id: _Optional[str] = ..., spec: _Optional[_Union[_job_pb2.JobSpec, _Mapping]] = ..., idempotency_key: _Optional[str] = ..., start_paused: _Optional[bool] = ...) -> None: ...

class CreateJobResponse(_message.Message):
    __slots__ = ("job_id", "version", "created")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    CREATED_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    version: _common_pb2.EntityVersion
    created: bool
    def __init__(self, job_id: _Optional[str] = ..., version: _Optional[_Union[_common_pb2.EntityVersion, _Mapping]] = ..., created: _Optional[bool] = ...) -> None: ...

class ReplaceJobRequest(_message.Message):
    __slots__ = ("job_id", "version", "spec", "update_spec")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    SPEC_FIELD_NUMBER: _ClassVar[int]
    UPDATE_SPEC_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    version: _common_pb2.EntityVersion
    spec: _job_pb2.JobSpec
    update_spec: _workflow_pb2.UpdateSpec
    def __init__(self, job_id: _Optional[str] = ..., version: _Optional[_Union[_common_pb2.EntityVersion, _Mapping]] = ..., spec: _Optional[_Union[_job_pb2.JobSpec, _Mapping]] = ..., update_spec: _Optional[_Union[_workflow_pb2.UpdateSpec, _Mapping]] = ...) -> None: ...

class ReplaceJobResponse(_message.Message):
    __slots__ = ("version",)
    VERSION_FIELD_NUMBER: _ClassVar[int]
    version: _common_pb2.EntityVersion
    def __init__(self, version: _Optional[_Union[_common_pb2.EntityVersion, _Mapping]] = ...) -> None: ...

class PatchJobRequest(_message.Message):
    __slots__ = ("job_id", "version", "spec", "update_mask", "update_spec")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    SPEC_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    UPDATE_SPEC_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    version: _common_pb2.EntityVersion
    spec: _job_pb2.JobSpec
    update_mask: _field_mask_pb2.FieldMask
    update_spec: _workflow_pb2.UpdateSpec
    def __init__(self, job_id: _Optional[str] = ..., version: _Optional[_Union[_common_pb2.EntityVersion, _Mapping]] = ..., spec: _Optional[_Union[_job_pb2.JobSpec, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ..., update_spec: _Optional[_Union[_workflow_pb2.UpdateSpec, _Mapping]] = ...) -> None: ...

class PatchJobResponse(_message.Message):
    __slots__ = ("version",)
    VERSION_FIELD_NUMBER: _ClassVar[int]
    version: _common_pb2.EntityVersion
    def __init__(self, version: _Optional[_Union[_common_pb2.EntityVersion, _Mapping]] = ...) -> None: ...

class GetReplaceJobDiffRequest(_message.Message):
    __slots__ = ("job_id", "version", "spec")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    SPEC_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    version: _common_pb2.EntityVersion
    spec: _job_pb2.JobSpec
    def __init__(self, job_id: _Optional[str] = ..., version: _Optional[_Union[_common_pb2.EntityVersion, _Mapping]] = ..., spec: _Optional[_Union[_job_pb2.JobSpec, _Mapping]] = ...) -> None: ...

class GetReplaceJobDiffResponse(_message.Message):
    __slots__ = ("instances_added", "instances_removed", "instances_updated", "instances_unchanged")
    INSTANCES_ADDED_FIELD_NUMBER: _ClassVar[int]
    INSTANCES_REMOVED_FIELD_NUMBER: _ClassVar[int]
    INSTANCES_UPDATED_FIELD_NUMBER: _ClassVar[int]
    INSTANCES_UNCHANGED_FIELD_NUMBER: _ClassVar[int]
    instances_added: _containers.RepeatedCompositeFieldContainer[_workflow_pb2.InstanceRange]
    instances_removed: _containers.RepeatedCompositeFieldContainer[_workflow_pb2.InstanceRange]
    instances_updated: _containers.RepeatedCompositeFieldContainer[_workflow_pb2.InstanceRange]
    instances_unchanged: _containers.RepeatedCompositeFieldContainer[_workflow_pb2.InstanceRange]
    def __init__(self, instances_added: _Optional[_Iterable[_Union[_workflow_pb2.InstanceRange, _Mapping]]] = ..., instances_removed: _Optional[_Iterable[_Union[_workflow_pb2.InstanceRange, _Mapping]]] = ..., instances_updated: _Optional[_Iterable[_Union[_workflow_pb2.InstanceRange, _Mapping]]] = ..., instances_unchanged: _Optional[_Iterable[_Union[_workflow_pb2.InstanceRange, _Mapping]]] = ...) -> None: ...

class RestartJobRequest(_message.Message):
    __slots__ = ("job_id", "version", "restart_spec")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    RESTART_SPEC_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    version: _common_pb2.EntityVersion
    restart_spec: _workflow_pb2.RestartSpec
    def __init__(self, job_id: _Optional[str] = ..., version: _Optional[_Union[_common_pb2.EntityVersion, _Mapping]] = ..., restart_spec: _Optional[_Union[_workflow_pb2.RestartSpec, _Mapping]] = ...) -> None: ...

class RestartJobResponse(_message.Message):
    __slots__ = ("version",)
    VERSION_FIELD_NUMBER: _ClassVar[int]
    version: _common_pb2.EntityVersion
    def __init__(self, version: _Optional[_Union[_common_pb2.EntityVersion, _Mapping]] = ...) -> None: ...

class StartJobRequest(_message.Message):
    __slots__ = ("job_id", "version")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    version: _common_pb2.EntityVersion
    def __init__(self, job_id: _Optional[str] = ..., version: _Optional[_Union[_common_pb2.EntityVersion, _Mapping]] = ...) -> None: ...

class StartJobResponse(_message.Message):
    __slots__ = ("version",)
    VERSION_FIELD_NUMBER: _ClassVar[int]
    version: _common_pb2.EntityVersion
    def __init__(self, version: _Optional[_Union[_common_pb2.EntityVersion, _Mapping]] = ...) -> None: ...

class StopJobRequest(_message.Message):
    __slots__ = ("job_id", "version")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    version: _common_pb2.EntityVersion
    def __init__(self, job_id: _Optional[str] = ..., version: _Optional[_Union[_common_pb2.EntityVersion, _Mapping]] = ...) -> None: ...

class StopJobResponse(_message.Message):
    __slots__ = ("version",)
    VERSION_FIELD_NUMBER: _ClassVar[int]
    version: _common_pb2.EntityVersion
    def __init__(self, version: _Optional[_Union[_common_pb2.EntityVersion, _Mapping]] = ...) -> None: ...

class PauseJobWorkflowRequest(_message.Message):
    __slots__ = ("job_id", "version")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    version: _common_pb2.EntityVersion
    def __init__(self, job_id: _Optional[str] = ..., version: _Optional[_Union[_common_pb2.EntityVersion, _Mapping]] = ...) -> None: ...

class PauseJobWorkflowResponse(_message.Message):
    __slots__ = ("version",)
    VERSION_FIELD_NUMBER: _ClassVar[int]
    version: _common_pb2.EntityVersion
    def __init__(self, version: _Optional[_Union[_common_pb2.EntityVersion, _Mapping]] = ...) -> None: ...

class ResumeJobWorkflowRequest(_message.Message):
    __slots__ = ("job_id", "version")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    version: _common_pb2.EntityVersion
    def __init__(self, job_id: _Optional[str] = ..., version: _Optional[_Union[_common_pb2.EntityVersion, _Mapping]] = ...) -> None: ...

class ResumeJobWorkflowResponse(_message.Message):
    __slots__ = ("version",)
    VERSION_FIELD_NUMBER: _ClassVar[int]
    version: _common_pb2.EntityVersion
    def __init__(self, version: _Optional[_Union[_common_pb2.EntityVersion, _Mapping]] = ...) -> None: ...

class AbortJobWorkflowRequest(_message.Message):
    __slots__ = ("job_id", "version")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    version: _common_pb2.EntityVersion
    def __init__(self, job_id: _Optional[str] = ..., version: _Optional[_Union[_common_pb2.EntityVersion, _Mapping]] = ...) -> None: ...

class AbortJobWorkflowResponse(_message.Message):
    __slots__ = ("version",)
    VERSION_FIELD_NUMBER: _ClassVar[int]
    version: _common_pb2.EntityVersion
    def __init__(self, version: _Optional[_Union[_common_pb2.EntityVersion, _Mapping]] = ...) -> None: ...

class DeleteJobRequest(_message.Message):
    __slots__ = ("job_id", "version", "force")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    FORCE_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    version: _common_pb2.EntityVersion
    force: bool
    def __init__(self, job_id: _Optional[str] = ..., version: _Optional[_Union[_common_pb2.EntityVersion, _Mapping]] = ..., force: _Optional[bool] = ...) -> None: ...

class DeleteJobResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetJobRequest(_message.Message):
    __slots__ = ("job_id", "summary_only", "version")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_ONLY_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    summary_only: bool
    version: _common_pb2.EntityVersion
    def __init__(self, job_id: _Optional[str] = ..., summary_only: _Optional[bool] = ..., version: _Optional[_Union[_common_pb2.EntityVersion, _Mapping]] = ...) -> None: ...

class GetJobResponse(_message.Message):
    __slots__ = ("job_info", "summary", "workflow_info")
    JOB_INFO_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    WORKFLOW_INFO_FIELD_NUMBER: _ClassVar[int]
    job_info: _job_pb2.JobInfo
    summary: _job_pb2.JobSummary
    workflow_info: _workflow_pb2.WorkflowInfo
    def __init__(self, job_info: _Optional[_Union[_job_pb2.JobInfo, _Mapping]] = ..., summary: _Optional[_Union[_job_pb2.JobSummary, _Mapping]] = ..., workflow_info: _Optional[_Union[_workflow_pb2.WorkflowInfo, _Mapping]] = ...) -> None: ...

class ListJobVersionsRequest(_message.Message):
    __slots__ = ("job_id", "pagination")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    PAGINATION_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    pagination: _common_pb2.Pagination
    def __init__(self, job_id: _Optional[str] = ..., pagination: _Optional[_Union[_common_pb2.Pagination, _Mapping]] = ...) -> None: ...

class JobVersion(_message.Message):
    __slots__ = ("version", "created_at", "changed_by", "workflow")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    CHANGED_BY_FIELD_NUMBER: _ClassVar[int]
    WORKFLOW_FIELD_NUMBER: _ClassVar[int]
    version: _common_pb2.EntityVersion
    created_at: _timestamp_pb2.Timestamp
    changed_by: str
    workflow: _workflow_pb2.WorkflowStatus
    def __init__(self, version: _Optional[_Union[_common_pb2.EntityVersion, _Mapping]] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., changed_by: _Optional[str] = ..., workflow: _Optional[_Union[_workflow_pb2.WorkflowStatus, _Mapping]] = ...) -> None: ...

class ListJobVersionsResponse(_message.Message):
    __slots__ = ("versions", "pagination", "job_version")
    VERSIONS_FIELD_NUMBER: _ClassVar[int]
    PAGINATION_FIELD_NUMBER: _ClassVar[int]
    JOB_VERSION_FIELD_NUMBER: _ClassVar[int]
    versions: _containers.RepeatedCompositeFieldContainer[JobVersion]
    pagination: _common_pb2.PaginationResult
    job_version: _common_pb2.EntityVersion
    def __init__(self, versions: _Optional[_Iterable[_Union[JobVersion, _Mapping]]] = ..., pagination: _Optional[_Union[_common_pb2.PaginationResult, _Mapping]] = ..., job_version: _Optional[_Union[_common_pb2.EntityVersion, _Mapping]] = ...) -> None: ...

class GetJobIDFromJobNameRequest(_message.Message):
    __slots__ = ("job_name",)
    JOB_NAME_FIELD_NUMBER: _ClassVar[int]
    job_name: str
    def __init__(self, job_name: _Optional[str] = ...) -> None: ...

class GetJobIDFromJobNameResponse(_message.Message):
    __slots__ = ("job_id",)
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    job_id: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, job_id: _Optional[_Iterable[str]] = ...) -> None: ...

class QueryJobsRequest(_message.Message):
    __slots__ = ("spec",)
    SPEC_FIELD_NUMBER: _ClassVar[int]
    spec: _job_pb2.JobQuerySpec
    def __init__(self, spec: _Optional[_Union[_job_pb2.JobQuerySpec, _Mapping]] = ...) -> None: ...

class QueryJobsResponse(_message.Message):
    __slots__ = ("records", "pagination", "spec")
    RECORDS_FIELD_NUMBER: _ClassVar[int]
    PAGINATION_FIELD_NUMBER: _ClassVar[int]
    SPEC_FIELD_NUMBER: _ClassVar[int]
    records: _containers.RepeatedCompositeFieldContainer[_job_pb2.JobSummary]
    pagination: _common_pb2.PaginationResult
    spec: _job_pb2.JobQuerySpec
    def __init__(self, records: _Optional[_Iterable[_Union[_job_pb2.JobSummary, _Mapping]]] = ..., pagination: _Optional[_Union[_common_pb2.PaginationResult, _Mapping]] = ..., spec: _Optional[_Union[_job_pb2.JobQuerySpec, _Mapping]] = ...) -> None: ...

class ListJobsRequest(_message.Message):
    __slots__ = ("batch_size",)
    BATCH_SIZE_FIELD_NUMBER: _ClassVar[int]
    batch_size: int
    def __init__(self, batch_size: _Optional[int] = ...) -> None: ...

class ListJobsResponse(_message.Message):
    __slots__ = ("jobs", "revision", "last")
    JOBS_FIELD_NUMBER: _ClassVar[int]
    REVISION_FIELD_NUMBER: _ClassVar[int]
    LAST_FIELD_NUMBER: _ClassVar[int]
    jobs: _containers.RepeatedCompositeFieldContainer[_job_pb2.JobSummary]
    revision: int
    last: bool
    def __init__(self, jobs: _Optional[_Iterable[_Union[_job_pb2.JobSummary, _Mapping]]] = ..., revision: _Optional[int] = ..., last: _Optional[bool] = ...) -> None: ...

class ListJobWorkflowsRequest(_message.Message):
    __slots__ = ("job_id", "instance_events", "instance_events_limit")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    INSTANCE_EVENTS_FIELD_NUMBER: _ClassVar[int]
    INSTANCE_EVENTS_LIMIT_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    instance_events: bool
    instance_events_limit: int
    def __init__(self, job_id: _Optional[str] = ..., instance_events: _Optional[bool] = ..., instance_events_limit: _Optional[int] = ...) -> None: ...

class ListJobWorkflowsResponse(_message.Message):
    __slots__ = ("workflows",)
    WORKFLOWS_FIELD_NUMBER: _ClassVar[int]
    workflows: _containers.RepeatedCompositeFieldContainer[_workflow_pb2.WorkflowInfo]
    def __init__(self, workflows: _Optional[_Iterable[_Union[_workflow_pb2.WorkflowInfo, _Mapping]]] = ...) -> None: ...

class GetWorkflowEventsRequest(_message.Message):
    __slots__ = ("job_id", "has_instance_id", "instance_id", "limit")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    HAS_INSTANCE_ID_FIELD_NUMBER: _ClassVar[int]
    INSTANCE_ID_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    has_instance_id: bool
    instance_id: int
    limit: int
    def __init__(self, job_id: _Optional[str] = ..., has_instance_id: _Optional[bool] = ..., instance_id: _Optional[int] = ..., limit: _Optional[int] = ...) -> None: ...

class GetWorkflowEventsResponse(_message.Message):
    __slots__ = ("events",)
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    events: _containers.RepeatedCompositeFieldContainer[_workflow_pb2.WorkflowEvent]
    def __init__(self, events: _Optional[_Iterable[_Union[_workflow_pb2.WorkflowEvent, _Mapping]]] = ...) -> None: ...

class ListPodsRequest(_message.Message):
    __slots__ = ("job_id", "range", "batch_size")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    RANGE_FIELD_NUMBER: _ClassVar[int]
    BATCH_SIZE_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    range: _workflow_pb2.InstanceRange
    batch_size: int
    def __init__(self, job_id: _Optional[str] = ..., range: _Optional[_Union[_workflow_pb2.InstanceRange, _Mapping]] = ..., batch_size: _Optional[int] = ...) -> None: ...

class ListPodsResponse(_message.Message):
    __slots__ = ("pods", "revision", "last")
    PODS_FIELD_NUMBER: _ClassVar[int]
    REVISION_FIELD_NUMBER: _ClassVar[int]
    LAST_FIELD_NUMBER: _ClassVar[int]
    pods: _containers.RepeatedCompositeFieldContainer[_pod_pb2.PodInfo]
    revision: int
    last: bool
    def __init__(self, pods: _Optional[_Iterable[_Union[_pod_pb2.PodInfo, _Mapping]]] = ..., revision: _Optional[int] = ..., last: _Optional[bool] = ...) -> None: ...

class QueryPodsRequest(_message.Message):
    __slots__ = ("job_id", "spec")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    SPEC_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    spec: _pod_pb2.PodQuerySpec
    def __init__(self, job_id: _Optional[str] = ..., spec: _Optional[_Union[_pod_pb2.PodQuerySpec, _Mapping]] = ...) -> None: ...

class QueryPodsResponse(_message.Message):
    __slots__ = ("pods", "pagination")
    PODS_FIELD_NUMBER: _ClassVar[int]
    PAGINATION_FIELD_NUMBER: _ClassVar[int]
    pods: _containers.RepeatedCompositeFieldContainer[_pod_pb2.PodInfo]
    pagination: _common_pb2.PaginationResult
    def __init__(self, pods: _Optional[_Iterable[_Union[_pod_pb2.PodInfo, _Mapping]]] = ..., pagination: _Optional[_Union[_common_pb2.PaginationResult, _Mapping]] = ...) -> None: ...

class ListJobPodEventsRequest(_message.Message):
    __slots__ = ("job_id", "after", "limit")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    AFTER_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    after: int
    limit: int
    def __init__(self, job_id: _Optional[str] = ..., after: _Optional[int] = ..., limit: _Optional[int] = ...) -> None: ...

class InstancePodEvent(_message.Message):
    __slots__ = ("instance_id", "event")
    INSTANCE_ID_FIELD_NUMBER: _ClassVar[int]
    EVENT_FIELD_NUMBER: _ClassVar[int]
    instance_id: int
    event: _pod_pb2.PodEvent
    def __init__(self, instance_id: _Optional[int] = ..., event: _Optional[_Union[_pod_pb2.PodEvent, _Mapping]] = ...) -> None: ...

class ListJobPodEventsResponse(_message.Message):
    __slots__ = ("events", "next_cursor", "more")
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_CURSOR_FIELD_NUMBER: _ClassVar[int]
    MORE_FIELD_NUMBER: _ClassVar[int]
    events: _containers.RepeatedCompositeFieldContainer[InstancePodEvent]
    next_cursor: int
    more: bool
    def __init__(self, events: _Optional[_Iterable[_Union[InstancePodEvent, _Mapping]]] = ..., next_cursor: _Optional[int] = ..., more: _Optional[bool] = ...) -> None: ...

class RefreshJobRequest(_message.Message):
    __slots__ = ("job_id",)
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    def __init__(self, job_id: _Optional[str] = ...) -> None: ...

class RefreshJobResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetJobCacheRequest(_message.Message):
    __slots__ = ("job_id",)
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    def __init__(self, job_id: _Optional[str] = ...) -> None: ...

class GetJobCacheResponse(_message.Message):
    __slots__ = ("spec", "status")
    SPEC_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    spec: _job_pb2.JobSpec
    status: _job_pb2.JobStatus
    def __init__(self, spec: _Optional[_Union[_job_pb2.JobSpec, _Mapping]] = ..., status: _Optional[_Union[_job_pb2.JobStatus, _Mapping]] = ...) -> None: ...
