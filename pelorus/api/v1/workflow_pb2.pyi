import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from pelorus.api.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class WorkflowType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    WORKFLOW_TYPE_INVALID: _ClassVar[WorkflowType]
    WORKFLOW_TYPE_UPDATE: _ClassVar[WorkflowType]
    WORKFLOW_TYPE_RESTART: _ClassVar[WorkflowType]
    WORKFLOW_TYPE_START: _ClassVar[WorkflowType]
    WORKFLOW_TYPE_STOP: _ClassVar[WorkflowType]
    WORKFLOW_TYPE_DELETE: _ClassVar[WorkflowType]

class WorkflowState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    WORKFLOW_STATE_INVALID: _ClassVar[WorkflowState]
    WORKFLOW_STATE_INITIALIZED: _ClassVar[WorkflowState]
    WORKFLOW_STATE_ROLLING_FORWARD: _ClassVar[WorkflowState]
    WORKFLOW_STATE_PAUSED: _ClassVar[WorkflowState]
    WORKFLOW_STATE_SUCCEEDED: _ClassVar[WorkflowState]
    WORKFLOW_STATE_ABORTED: _ClassVar[WorkflowState]
    WORKFLOW_STATE_FAILED: _ClassVar[WorkflowState]
    WORKFLOW_STATE_ROLLING_BACKWARD: _ClassVar[WorkflowState]
    WORKFLOW_STATE_ROLLED_BACK: _ClassVar[WorkflowState]
WORKFLOW_TYPE_INVALID: WorkflowType
WORKFLOW_TYPE_UPDATE: WorkflowType
WORKFLOW_TYPE_RESTART: WorkflowType
WORKFLOW_TYPE_START: WorkflowType
WORKFLOW_TYPE_STOP: WorkflowType
WORKFLOW_TYPE_DELETE: WorkflowType
WORKFLOW_STATE_INVALID: WorkflowState
WORKFLOW_STATE_INITIALIZED: WorkflowState
WORKFLOW_STATE_ROLLING_FORWARD: WorkflowState
WORKFLOW_STATE_PAUSED: WorkflowState
WORKFLOW_STATE_SUCCEEDED: WorkflowState
WORKFLOW_STATE_ABORTED: WorkflowState
WORKFLOW_STATE_FAILED: WorkflowState
WORKFLOW_STATE_ROLLING_BACKWARD: WorkflowState
WORKFLOW_STATE_ROLLED_BACK: WorkflowState

class UpdateSpec(_message.Message):
    __slots__ = ("batch_size", "start_paused", "max_tolerable_instance_failures", "rollback_on_failure")
    BATCH_SIZE_FIELD_NUMBER: _ClassVar[int]
    START_PAUSED_FIELD_NUMBER: _ClassVar[int]
    MAX_TOLERABLE_INSTANCE_FAILURES_FIELD_NUMBER: _ClassVar[int]
    ROLLBACK_ON_FAILURE_FIELD_NUMBER: _ClassVar[int]
    batch_size: int
    start_paused: bool
    max_tolerable_instance_failures: int
    rollback_on_failure: bool
    def __init__(self, batch_size: _Optional[int] = ..., start_paused: _Optional[bool] = ..., max_tolerable_instance_failures: _Optional[int] = ..., rollback_on_failure: _Optional[bool] = ...) -> None: ...

class InstanceRange(_message.Message):
    __slots__ = ("to",)
    FROM_FIELD_NUMBER: _ClassVar[int]
    TO_FIELD_NUMBER: _ClassVar[int]
    to: int
    def __init__(self, to: _Optional[int] = ..., **kwargs) -> None: ...

class RestartSpec(_message.Message):
    __slots__ = ("batch_size", "ranges")
    BATCH_SIZE_FIELD_NUMBER: _ClassVar[int]
    RANGES_FIELD_NUMBER: _ClassVar[int]
    batch_size: int
    ranges: _containers.RepeatedCompositeFieldContainer[InstanceRange]
    def __init__(self, batch_size: _Optional[int] = ..., ranges: _Optional[_Iterable[_Union[InstanceRange, _Mapping]]] = ...) -> None: ...

class WorkflowStatus(_message.Message):
    __slots__ = ("workflow_id", "type", "state", "prev_state", "num_instances_completed", "num_instances_remaining", "num_instances_failed", "instances_current", "version", "prev_version", "created_at", "updated_at", "completed_at", "batch_size")
    WORKFLOW_ID_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    PREV_STATE_FIELD_NUMBER: _ClassVar[int]
    NUM_INSTANCES_COMPLETED_FIELD_NUMBER: _ClassVar[int]
    NUM_INSTANCES_REMAINING_FIELD_NUMBER: _ClassVar[int]
    NUM_INSTANCES_FAILED_FIELD_NUMBER: _ClassVar[int]
    INSTANCES_CURRENT_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    PREV_VERSION_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    COMPLETED_AT_FIELD_NUMBER: _ClassVar[int]
    BATCH_SIZE_FIELD_NUMBER: _ClassVar[int]
    workflow_id: str
    type: WorkflowType
    state: WorkflowState
    prev_state: WorkflowState
    num_instances_completed: int
    num_instances_remaining: int
    num_instances_failed: int
    instances_current: _containers.RepeatedScalarFieldContainer[int]
    version: _common_pb2.EntityVersion
    prev_version: _common_pb2.EntityVersion
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    completed_at: _timestamp_pb2.Timestamp
    batch_size: int
    def __init__(self, workflow_id: _Optional[str] = ..., type: _Optional[_Union[WorkflowType, str]] = ..., state: _Optional[_Union[WorkflowState, str]] = ..., prev_state: _Optional[_Union[WorkflowState, str]] = ..., num_instances_completed: _Optional[int] = ..., num_instances_remaining: _Optional[int] = ..., num_instances_failed: _Optional[int] = ..., instances_current: _Optional[_Iterable[int]] = ..., version: _Optional[_Union[_common_pb2.EntityVersion, _Mapping]] = ..., prev_version: _Optional[_Union[_common_pb2.EntityVersion, _Mapping]] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., completed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., batch_size: _Optional[int] = ...) -> None: ...

class WorkflowEvent(_message.Message):
    __slots__ = ("type", "state", "timestamp", "message", "instance_id", "workflow_id")
    TYPE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    TIMESTAMP_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    INSTANCE_ID_FIELD_NUMBER: _ClassVar[int]
    WORKFLOW_ID_FIELD_NUMBER: _ClassVar[int]
    type: WorkflowType
    state: WorkflowState
    timestamp: _timestamp_pb2.Timestamp
    message: str
    instance_id: int
    workflow_id: str
    def __init__(self, type: _Optional[_Union[WorkflowType, str]] = ..., state: _Optional[_Union[WorkflowState, str]] = ..., timestamp: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., message: _Optional[str] = ..., instance_id: _Optional[int] = ..., workflow_id: _Optional[str] = ...) -> None: ...

class InstanceWorkflowEvents(_message.Message):
    __slots__ = ("instance_id", "events")
    INSTANCE_ID_FIELD_NUMBER: _ClassVar[int]
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    instance_id: int
    events: _containers.RepeatedCompositeFieldContainer[WorkflowEvent]
    def __init__(self, instance_id: _Optional[int] = ..., events: _Optional[_Iterable[_Union[WorkflowEvent, _Mapping]]] = ...) -> None: ...

class WorkflowInfo(_message.Message):
    __slots__ = ("status", "update_spec", "restart_spec", "instances_added", "instances_removed", "instances_updated", "events", "instance_events")
    STATUS_FIELD_NUMBER: _ClassVar[int]
    UPDATE_SPEC_FIELD_NUMBER: _ClassVar[int]
    RESTART_SPEC_FIELD_NUMBER: _ClassVar[int]
    INSTANCES_ADDED_FIELD_NUMBER: _ClassVar[int]
    INSTANCES_REMOVED_FIELD_NUMBER: _ClassVar[int]
    INSTANCES_UPDATED_FIELD_NUMBER: _ClassVar[int]
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    INSTANCE_EVENTS_FIELD_NUMBER: _ClassVar[int]
    status: WorkflowStatus
    update_spec: UpdateSpec
    restart_spec: RestartSpec
    instances_added: _containers.RepeatedScalarFieldContainer[int]
    instances_removed: _containers.RepeatedScalarFieldContainer[int]
    instances_updated: _containers.RepeatedScalarFieldContainer[int]
    events: _containers.RepeatedCompositeFieldContainer[WorkflowEvent]
    instance_events: _containers.RepeatedCompositeFieldContainer[InstanceWorkflowEvents]
    def __init__(self, status: _Optional[_Union[WorkflowStatus, _Mapping]] = ..., update_spec: _Optional[_Union[UpdateSpec, _Mapping]] = ..., restart_spec: _Optional[_Union[RestartSpec, _Mapping]] = ..., instances_added: _Optional[_Iterable[int]] = ..., instances_removed: _Optional[_Iterable[int]] = ..., instances_updated: _Optional[_Iterable[int]] = ..., events: _Optional[_Iterable[_Union[WorkflowEvent, _Mapping]]] = ..., instance_events: _Optional[_Iterable[_Union[InstanceWorkflowEvents, _Mapping]]] = ...) -> None: ...
