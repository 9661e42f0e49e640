from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class EntityVersion(_message.Message):
    __slots__ = ("value",)
    VALUE_FIELD_NUMBER: _ClassVar[int]
    value: int
    def __init__(self, value: _Optional[int] = ...) -> None: ...

class OrderBy(_message.Message):
    __slots__ = ("order", "property")
    class Order(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        ORDER_ASC: _ClassVar[OrderBy.Order]
        ORDER_DESC: _ClassVar[OrderBy.Order]
    ORDER_ASC: OrderBy.Order
    ORDER_DESC: OrderBy.Order
    ORDER_FIELD_NUMBER: _ClassVar[int]
    PROPERTY_FIELD_NUMBER: _ClassVar[int]
    order: OrderBy.Order
    property: str
    def __init__(self, order: _Optional[_Union[OrderBy.Order, str]] = ..., property: _Optional[str] = ...) -> None: ...

class Pagination(_message.Message):
    __slots__ = ("offset", "limit", "order_by")
    OFFSET_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    ORDER_BY_FIELD_NUMBER: _ClassVar[int]
    offset: int
    limit: int
    order_by: _containers.RepeatedCompositeFieldContainer[OrderBy]
    def __init__(self, offset: _Optional[int] = ..., limit: _Optional[int] = ..., order_by: _Optional[_Iterable[_Union[OrderBy, _Mapping]]] = ...) -> None: ...

class PaginationResult(_message.Message):
    __slots__ = ("offset", "limit", "total")
    OFFSET_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    offset: int
    limit: int
    total: int
    def __init__(self, offset: _Optional[int] = ..., limit: _Optional[int] = ..., total: _Optional[int] = ...) -> None: ...
