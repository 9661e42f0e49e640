"""The pod events behind a job's timeline: every instance's, loaded page by page and kept.

The first load reads the job's events with ListJobPodEvents a page at a time (a 1,000-instance job
in a few calls instead of one GetPodEvents per pod); each later load asks only for what happened
after the last cursor. Between pages the loop runs (the calls are awaited, and the few
milliseconds of sorting a page into lanes are cut into slices), so the window keeps drawing while a
large job's history arrives. ``for_instances`` hands the build (console.models.timeline) one list
per instance, empty for an instance that has no event yet, so every instance has its lane.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING

from pelorus.api import pod_pb2

if TYPE_CHECKING:
    from console.session import Session

SLICE_S = 0.006  # longest stretch spent sorting events into lanes before letting the loop run


class TimelineEvents:
    def __init__(self) -> None:
        self.by_instance: dict[int, list[pod_pb2.PodEvent]] = {}
        self.cursor = 0  # the engine's cursor after the last event taken
        self.pages = 0  # ListJobPodEvents calls made (tests, bench)
        self._updating = False

    @property
    def count(self) -> int:
        return sum(len(v) for v in self.by_instance.values())

    def reset(self) -> None:
        """Forget everything (another engine, or the job was created anew)."""
        self.by_instance.clear()
        self.cursor = 0

    async def update(self, session: Session, job_id: str) -> dict[int, list[pod_pb2.PodEvent]]:
        """Take the events after the cursor, every page of them; returns ``by_instance``.

        A call while another is still taking pages returns what is there (the running one brings
        the rest, and its caller builds from it): two at once would take the same pages twice."""
        if self._updating:
            return self.by_instance
        self._updating = True
        try:
            async for page in session.job_pod_events(job_id, self.cursor):
                self.pages += 1
                deadline = time.perf_counter() + SLICE_S
                by = self.by_instance
                for k, item in enumerate(page.events):
                    lane = by.get(item.instance_id)
                    if lane is None:
                        lane = by[item.instance_id] = []
                    lane.append(item.event)
                    if not k % 256 and time.perf_counter() > deadline:
                        await asyncio.sleep(0)
                        deadline = time.perf_counter() + SLICE_S
                self.cursor = max(self.cursor, page.next_cursor)
        finally:
            self._updating = False
        return self.by_instance

    def for_instances(self, instances: Iterable[int]) -> dict[int, list[pod_pb2.PodEvent]]:
        """One event list per instance given (empty when it has none yet); all known ones when none are given."""
        wanted = list(instances)
        if not wanted:
            return dict(self.by_instance)
        return {i: self.by_instance.get(i, []) for i in wanted}
