"""Fan-out of committed changes to live watchers.

Only changes already committed to the store's change log are published, so a watcher
that falls behind can always resume from the log instead of the engine buffering without
bound: a subscriber's queue is capped (MAX_QUEUED); overflow drops it and marks the
subscriber `overflowed`, and its Watch ends with RESOURCE_EXHAUSTED naming the revision
to resume from.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pelorus.engine.store import CHANGE_JOB, CHANGE_POD

if TYPE_CHECKING:
    def _VarintBytes(value: int) -> bytes: ...  # private in protobuf, so not in types-protobuf
else:
    from google.protobuf.internal.encoder import _VarintBytes  # the stable varint encoder

MAX_QUEUED = 10_000
"""Changes held for one watcher that has not taken them yet (a slow or stalled reader)."""


def frame(payload: bytes) -> bytes:
    """A serialised Change as field 1 of a WatchResponse (tag, length, bytes)."""
    return b"\x0a" + _VarintBytes(len(payload)) + payload


@dataclass(frozen=True)
class PublishedChange:
    """A committed change. `framed` is computed once here, so fanning it out to many
    watchers costs a join, not a re-encoding per watcher."""

    revision: int
    kind: int
    job_id: str
    payload: bytes
    framed: bytes = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "framed", frame(self.payload))


@dataclass(eq=False)
class Subscription:
    """A watcher's view: which changes it wants, and what arrived since it last looked."""

    wants: Callable[[int, str], bool]
    queue: list[PublishedChange] = field(default_factory=list)
    overflowed: bool = False
    wakeup: asyncio.Event = field(default_factory=asyncio.Event)

    def take(self) -> list[PublishedChange]:
        items, self.queue = self.queue, []
        self.wakeup.clear()
        return items


class WatchHub:
    def __init__(self) -> None:
        self._subs: set[Subscription] = set()
        self.closing = False
        self.max_queued = MAX_QUEUED

    def subscribe(self, wants: Callable[[int, str], bool]) -> Subscription:
        sub = Subscription(wants)
        self._subs.add(sub)
        return sub

    def unsubscribe(self, sub: Subscription) -> None:
        self._subs.discard(sub)

    @property
    def subscriber_count(self) -> int:
        return len(self._subs)

    def publish(self, changes: list[PublishedChange]) -> None:
        for sub in self._subs:
            if sub.overflowed:
                continue
            wanted = [c for c in changes if sub.wants(c.kind, c.job_id)]
            if not wanted:
                continue
            if len(sub.queue) + len(wanted) > self.max_queued:
                sub.queue.clear()
                sub.overflowed = True
            else:
                sub.queue.extend(wanted)
            sub.wakeup.set()

    def close_all(self) -> None:
        """Wake every watcher to end (the engine is shutting down)."""
        self.closing = True
        for sub in self._subs:
            sub.wakeup.set()


def job_and_pod_filter(job_ids: set[str] | None, pod_job_id: str | None, watch_jobs: bool,
                       watch_pods: bool) -> Callable[[int, str], bool]:
    """Cheap pre-filter on (kind, job_id); finer filters (labels, pod names) run on payloads."""

    def wants(kind: int, job_id: str) -> bool:
        if kind == CHANGE_JOB:
            return watch_jobs and (not job_ids or job_id in job_ids)
        if kind == CHANGE_POD:
            return watch_pods and (not pod_job_id or job_id == pod_job_id)
        return False

    return wants
