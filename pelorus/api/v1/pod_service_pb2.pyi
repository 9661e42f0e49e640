from pelorus.api.v1 import pod_pb2 as _pod_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class GetPodRequest(_message.Message):
    __slots__ = ("pod_name", "limit")
    POD_NAME_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    pod_name: str
    limit: int
    def __init__(self, pod_name: _Optional[str] = ..., limit: _Optional[int] = ...) -> None: ...

class GetPodResponse(_message.Message):
    __slots__ = ("current", "previous", "spec")
    CURRENT_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_FIELD_NUMBER: _ClassVar[int]
    SPEC_FIELD_NUMBER: _ClassVar[int]
    current: _pod_pb2.PodInfo
    previous: _containers.RepeatedCompositeFieldContainer[_pod_pb2.PodInfo]
    spec: _pod_pb2.PodSpec
    def __init__(self, current: _Optional[_Union[_pod_pb2.PodInfo, _Mapping]] = ..., previous: _Optional[_Iterable[_Union[_pod_pb2.PodInfo, _Mapping]]] = ..., spec: _Optional[_Union[_pod_pb2.PodSpec, _Mapping]] = ...) -> None: ...

class GetPodEventsRequest(_message.Message):
    __slots__ = ("pod_name", "pod_id", "limit")
    POD_NAME_FIELD_NUMBER: _ClassVar[int]
    POD_ID_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    pod_name: str
    pod_id: str
    limit: int
    def __init__(self, pod_name: _Optional[str] = ..., pod_id: _Optional[str] = ..., limit: _Optional[int] = ...) -> None: ...

class GetPodEventsResponse(_message.Message):
    __slots__ = ("events",)
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    events: _containers.RepeatedCompositeFieldContainer[_pod_pb2.PodEvent]
    def __init__(self, events: _Optional[_Iterable[_Union[_pod_pb2.PodEvent, _Mapping]]] = ...) -> None: ...

class StartPodRequest(_message.Message):
    __slots__ = ("pod_name",)
    POD_NAME_FIELD_NUMBER: _ClassVar[int]
    pod_name: str
    def __init__(self, pod_name: _Optional[str] = ...) -> None: ...

class StartPodResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class StopPodRequest(_message.Message):
    __slots__ = ("pod_name",)
    POD_NAME_FIELD_NUMBER: _ClassVar[int]
    pod_name: str
    def __init__(self, pod_name: _Optional[str] = ...) -> None: ...

class StopPodResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class RestartPodRequest(_message.Message):
    __slots__ = ("pod_name", "check_sla")
    POD_NAME_FIELD_NUMBER: _ClassVar[int]
    CHECK_SLA_FIELD_NUMBER: _ClassVar[int]
    pod_name: str
    check_sla: bool
    def __init__(self, pod_name: _Optional[str] = ..., check_sla: _Optional[bool] = ...) -> None: ...

class RestartPodResponse(_message.Message):
    __slots__ = ("new_pod_id",)
    NEW_POD_ID_FIELD_NUMBER: _ClassVar[int]
    new_pod_id: str
    def __init__(self, new_pod_id: _Optional[str] = ...) -> None: ...

class GetPodLogsRequest(_message.Message):
    __slots__ = ("pod_name", "pod_id", "follow", "tail_lines", "after_seq")
    POD_NAME_FIELD_NUMBER: _ClassVar[int]
    POD_ID_FIELD_NUMBER: _ClassVar[int]
    FOLLOW_FIELD_NUMBER: _ClassVar[int]
    TAIL_LINES_FIELD_NUMBER: _ClassVar[int]
    AFTER_SEQ_FIELD_NUMBER: _ClassVar[int]
    pod_name: str
    pod_id: str
    follow: bool
    tail_lines: int
    after_seq: int
    def __init__(self, pod_name: _Optional[str] = ..., pod_id: _Optional[str] = ..., follow: _Optional[bool] = ..., tail_lines: _Optional[int] = ..., after_seq: _Optional[int] = ...) -> None: ...

class GetPodLogsResponse(_message.Message):
    __slots__ = ("lines", "end_of_logs")
    LINES_FIELD_NUMBER: _ClassVar[int]
    END_OF_LOGS_FIELD_NUMBER: _ClassVar[int]
    lines: _containers.RepeatedCompositeFieldContainer[_pod_pb2.LogLine]
    end_of_logs: bool
    def __init__(self, lines: _Optional[_Iterable[_Union[_pod_pb2.LogLine, _Mapping]]] = ..., end_of_logs: _Optional[bool] = ...) -> None: ...
