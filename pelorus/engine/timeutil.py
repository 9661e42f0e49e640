"""Wall-clock helpers: the engine stores times as float seconds since the epoch."""

from __future__ import annotations

import time

from google.protobuf.duration_pb2 import Duration
from google.protobuf.timestamp_pb2 import Timestamp


def now() -> float:
    return time.time()


def to_timestamp(seconds: float) -> Timestamp:
    ts = Timestamp()
    if seconds:
        ts.FromNanoseconds(int(seconds * 1e9))
    return ts


def set_timestamp(ts: Timestamp, seconds: float) -> None:
    if seconds:
        ts.FromNanoseconds(int(seconds * 1e9))
    else:
        ts.Clear()


def from_timestamp(ts: Timestamp) -> float:
    return ts.seconds + ts.nanos / 1e9


def duration_seconds(d: Duration) -> float:
    return d.seconds + d.nanos / 1e9


def to_duration(seconds: float) -> Duration:
    d = Duration()
    d.FromNanoseconds(int(seconds * 1e9))
    return d
