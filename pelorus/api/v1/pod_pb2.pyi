import datetime

from google.protobuf import duration_pb2 as _duration_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from pelorus.api.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class PodState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    POD_STATE_INVALID: _ClassVar[PodState]
    POD_STATE_INITIALIZED: _ClassVar[PodState]
    POD_STATE_PENDING: _ClassVar[PodState]
    POD_STATE_LAUNCHING: _ClassVar[PodState]
    POD_STATE_STARTING: _ClassVar[PodState]
    POD_STATE_RUNNING: _ClassVar[PodState]
    POD_STATE_SUCCEEDED: _ClassVar[PodState]
    POD_STATE_FAILED: _ClassVar[PodState]
    POD_STATE_LOST: _ClassVar[PodState]
    POD_STATE_KILLING: _ClassVar[PodState]
    POD_STATE_KILLED: _ClassVar[PodState]
    POD_STATE_PREEMPTING: _ClassVar[PodState]
    POD_STATE_DELETED: _ClassVar[PodState]

class RestartPolicy(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RESTART_POLICY_NEVER: _ClassVar[RestartPolicy]
    RESTART_POLICY_ON_FAILURE: _ClassVar[RestartPolicy]
    RESTART_POLICY_ALWAYS: _ClassVar[RestartPolicy]
POD_STATE_INVALID: PodState
POD_STATE_INITIALIZED: PodState
POD_STATE_PENDING: PodState
POD_STATE_LAUNCHING: PodState
POD_STATE_STARTING: PodState
POD_STATE_RUNNING: PodState
POD_STATE_SUCCEEDED: PodState
POD_STATE_FAILED: PodState
POD_STATE_LOST: PodState
POD_STATE_KILLING: PodState
POD_STATE_KILLED: PodState
POD_STATE_PREEMPTING: PodState
POD_STATE_DELETED: PodState
RESTART_POLICY_NEVER: RestartPolicy
RESTART_POLICY_ON_FAILURE: RestartPolicy
RESTART_POLICY_ALWAYS: RestartPolicy

class Backoff(_message.Message):
    __slots__ = ("kind", "delay", "max_delay")
    class Kind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        KIND_FIXED: _ClassVar[Backoff.Kind]
        KIND_EXPONENTIAL: _ClassVar[Backoff.Kind]
    KIND_FIXED: Backoff.Kind
    KIND_EXPONENTIAL: Backoff.Kind
    KIND_FIELD_NUMBER: _ClassVar[int]
    DELAY_FIELD_NUMBER: _ClassVar[int]
    MAX_DELAY_FIELD_NUMBER: _ClassVar[int]
    kind: Backoff.Kind
    delay: _duration_pb2.Duration
    max_delay: _duration_pb2.Duration
    def __init__(self, kind: _Optional[_Union[Backoff.Kind, str]] = ..., delay: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., max_delay: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ...) -> None: ...

class Resources(_message.Message):
    __slots__ = ("cpu", "memory_bytes", "custom")
    class CustomEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: float
        def __init__(self, key: _Optional[str] = ..., value: _Optional[float] = ...) -> None: ...
    CPU_FIELD_NUMBER: _ClassVar[int]
    MEMORY_BYTES_FIELD_NUMBER: _ClassVar[int]
    CUSTOM_FIELD_NUMBER: _ClassVar[int]
    cpu: float
    memory_bytes: int
    custom: _containers.ScalarMap[str, float]
    def __init__(self, cpu: _Optional[float] = ..., memory_bytes: _Optional[int] = ..., custom: _Optional[_Mapping[str, float]] = ...) -> None: ...

class PodSpec(_message.Message):
    __slots__ = ("command", "args", "env", "working_dir", "image", "resources", "restart_policy", "max_attempts", "backoff", "active_deadline", "kill_grace_period", "discard_logs", "labels")
    class EnvEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    class LabelsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    COMMAND_FIELD_NUMBER: _ClassVar[int]
    ARGS_FIELD_NUMBER: _ClassVar[int]
    ENV_FIELD_NUMBER: _ClassVar[int]
    WORKING_DIR_FIELD_NUMBER: _ClassVar[int]
    IMAGE_FIELD_NUMBER: _ClassVar[int]
    RESOURCES_FIELD_NUMBER: _ClassVar[int]
    RESTART_POLICY_FIELD_NUMBER: _ClassVar[int]
    MAX_ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    BACKOFF_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_DEADLINE_FIELD_NUMBER: _ClassVar[int]
    KILL_GRACE_PERIOD_FIELD_NUMBER: _ClassVar[int]
    DISCARD_LOGS_FIELD_NUMBER: _ClassVar[int]
    LABELS_FIELD_NUMBER: _ClassVar[int]
    command: str
    args: _containers.RepeatedScalarFieldContainer[str]
    env: _containers.ScalarMap[str, str]
    working_dir: str
    image: str
    resources: Resources
    restart_policy: RestartPolicy
    max_attempts: int
    backoff: Backoff
    active_deadline: _duration_pb2.Duration
    kill_grace_period: _duration_pb2.Duration
    discard_logs: bool
    labels: _containers.ScalarMap[str, str]
    def __init__(self, command: _Optional[str] = ..., args: _Optional[_Iterable[str]] = ..., env: _Optional[_Mapping[str, str]] = ..., working_dir: _Optional[str] = ..., image: _Optional[str] = ..., resources: _Optional[_Union[Resources, _Mapping]] = ..., restart_policy: _Optional[_Union[RestartPolicy, str]] = ..., max_attempts: _Optional[int] = ..., backoff: _Optional[_Union[Backoff, _Mapping]] = ..., active_deadline: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., kill_grace_period: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., discard_logs: _Optional[bool] = ..., labels: _Optional[_Mapping[str, str]] = ...) -> None: ...

class ResourceUsage(_message.Message):
    __slots__ = ("cpu_seconds", "memory_rss_bytes")
    CPU_SECONDS_FIELD_NUMBER: _ClassVar[int]
    MEMORY_RSS_BYTES_FIELD_NUMBER: _ClassVar[int]
    cpu_seconds: float
    memory_rss_bytes: int
    def __init__(self, cpu_seconds: _Optional[float] = ..., memory_rss_bytes: _Optional[int] = ...) -> None: ...

class PodProgress(_message.Message):
    __slots__ = ("successful", "failed", "remaining", "updated_at")
    SUCCESSFUL_FIELD_NUMBER: _ClassVar[int]
    FAILED_FIELD_NUMBER: _ClassVar[int]
    REMAINING_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    successful: int
    failed: int
    remaining: int
    updated_at: _timestamp_pb2.Timestamp
    def __init__(self, successful: _Optional[int] = ..., failed: _Optional[int] = ..., remaining: _Optional[int] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class PodStatus(_message.Message):
    __slots__ = ("state", "desired_state", "pod_id", "run", "attempt", "host", "pid", "executor", "created_at", "started_at", "ended_at", "has_exit_code", "exit_code", "reason", "message", "progress", "usage", "successful_runs", "next_attempt_at", "prev_pod_id", "version", "node_id", "job_run")
    STATE_FIELD_NUMBER: _ClassVar[int]
    DESIRED_STATE_FIELD_NUMBER: _ClassVar[int]
    POD_ID_FIELD_NUMBER: _ClassVar[int]
    RUN_FIELD_NUMBER: _ClassVar[int]
    ATTEMPT_FIELD_NUMBER: _ClassVar[int]
    HOST_FIELD_NUMBER: _ClassVar[int]
    PID_FIELD_NUMBER: _ClassVar[int]
    EXECUTOR_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    STARTED_AT_FIELD_NUMBER: _ClassVar[int]
    ENDED_AT_FIELD_NUMBER: _ClassVar[int]
    HAS_EXIT_CODE_FIELD_NUMBER: _ClassVar[int]
    EXIT_CODE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    PROGRESS_FIELD_NUMBER: _ClassVar[int]
    USAGE_FIELD_NUMBER: _ClassVar[int]
    SUCCESSFUL_RUNS_FIELD_NUMBER: _ClassVar[int]
    NEXT_ATTEMPT_AT_FIELD_NUMBER: _ClassVar[int]
    PREV_POD_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    NODE_ID_FIELD_NUMBER: _ClassVar[int]
    JOB_RUN_FIELD_NUMBER: _ClassVar[int]
    state: PodState
    desired_state: PodState
    pod_id: str
    run: int
    attempt: int
    host: str
    pid: int
    executor: str
    created_at: _timestamp_pb2.Timestamp
    started_at: _timestamp_pb2.Timestamp
    ended_at: _timestamp_pb2.Timestamp
    has_exit_code: bool
    exit_code: int
    reason: str
    message: str
    progress: PodProgress
    usage: ResourceUsage
    successful_runs: int
    next_attempt_at: _timestamp_pb2.Timestamp
    prev_pod_id: str
    version: _common_pb2.EntityVersion
    node_id: str
    job_run: int
    def __init__(self, state: _Optional[_Union[PodState, str]] = ..., desired_state: _Optional[_Union[PodState, str]] = ..., pod_id: _Optional[str] = ..., run: _Optional[int] = ..., attempt: _Optional[int] = ..., host: _Optional[str] = ..., pid: _Optional[int] = ..., executor: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., started_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., ended_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., has_exit_code: _Optional[bool] = ..., exit_code: _Optional[int] = ..., reason: _Optional[str] = ..., message: _Optional[str] = ..., progress: _Optional[_Union[PodProgress, _Mapping]] = ..., usage: _Optional[_Union[ResourceUsage, _Mapping]] = ..., successful_runs: _Optional[int] = ..., next_attempt_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., prev_pod_id: _Optional[str] = ..., version: _Optional[_Union[_common_pb2.EntityVersion, _Mapping]] = ..., node_id: _Optional[str] = ..., job_run: _Optional[int] = ...) -> None: ...

class PodInfo(_message.Message):
    __slots__ = ("pod_name", "job_id", "instance_id", "status", "revision")
    POD_NAME_FIELD_NUMBER: _ClassVar[int]
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    INSTANCE_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    REVISION_FIELD_NUMBER: _ClassVar[int]
    pod_name: str
    job_id: str
    instance_id: int
    status: PodStatus
    revision: int
    def __init__(self, pod_name: _Optional[str] = ..., job_id: _Optional[str] = ..., instance_id: _Optional[int] = ..., status: _Optional[_Union[PodStatus, _Mapping]] = ..., revision: _Optional[int] = ...) -> None: ...

class PodEvent(_message.Message):
    __slots__ = ("pod_id", "actual_state", "desired_state", "timestamp", "host", "reason", "message", "prev_pod_id", "attempt")
    POD_ID_FIELD_NUMBER: _ClassVar[int]
    ACTUAL_STATE_FIELD_NUMBER: _ClassVar[int]
    DESIRED_STATE_FIELD_NUMBER: _ClassVar[int]
    TIMESTAMP_FIELD_NUMBER: _ClassVar[int]
    HOST_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    PREV_POD_ID_FIELD_NUMBER: _ClassVar[int]
    ATTEMPT_FIELD_NUMBER: _ClassVar[int]
    pod_id: str
    actual_state: PodState
    desired_state: PodState
    timestamp: _timestamp_pb2.Timestamp
    host: str
    reason: str
    message: str
    prev_pod_id: str
    attempt: int
    def __init__(self, pod_id: _Optional[str] = ..., actual_state: _Optional[_Union[PodState, str]] = ..., desired_state: _Optional[_Union[PodState, str]] = ..., timestamp: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., host: _Optional[str] = ..., reason: _Optional[str] = ..., message: _Optional[str] = ..., prev_pod_id: _Optional[str] = ..., attempt: _Optional[int] = ...) -> None: ...

class PodQuerySpec(_message.Message):
    __slots__ = ("pagination", "pod_states", "names", "hosts")
    PAGINATION_FIELD_NUMBER: _ClassVar[int]
    POD_STATES_FIELD_NUMBER: _ClassVar[int]
    NAMES_FIELD_NUMBER: _ClassVar[int]
    HOSTS_FIELD_NUMBER: _ClassVar[int]
    pagination: _common_pb2.Pagination
    pod_states: _containers.RepeatedScalarFieldContainer[PodState]
    names: _containers.RepeatedScalarFieldContainer[str]
    hosts: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, pagination: _Optional[_Union[_common_pb2.Pagination, _Mapping]] = ..., pod_states: _Optional[_Iterable[_Union[PodState, str]]] = ..., names: _Optional[_Iterable[str]] = ..., hosts: _Optional[_Iterable[str]] = ...) -> None: ...

class LogLine(_message.Message):
    __slots__ = ("pod_id", "seq", "timestamp", "stream", "text")
    class Stream(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        STREAM_STDOUT: _ClassVar[LogLine.Stream]
        STREAM_STDERR: _ClassVar[LogLine.Stream]
        STREAM_SYSTEM: _ClassVar[LogLine.Stream]
    STREAM_STDOUT: LogLine.Stream
    STREAM_STDERR: LogLine.Stream
    STREAM_SYSTEM: LogLine.Stream
    POD_ID_FIELD_NUMBER: _ClassVar[int]
    SEQ_FIELD_NUMBER: _ClassVar[int]
    TIMESTAMP_FIELD_NUMBER: _ClassVar[int]
    STREAM_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    pod_id: str
    seq: int
    timestamp: _timestamp_pb2.Timestamp
    stream: LogLine.Stream
    text: str
    def __init__(self, pod_id: _Optional[str] = ..., seq: _Optional[int] = ..., timestamp: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., stream: _Optional[_Union[LogLine.Stream, str]] = ..., text: _Optional[str] = ...) -> None: ...
