"""The engine's resident job records: every live job, and finished ones only while in use.

With 100,000 finished jobs and 1,000,000 pods in the store, holding every record in memory
took the engine to 2.1 GB (issue 18 asks for 300 MiB). Live jobs (running, pending,
scheduled, rolling, with a pod still active) stay resident, because the scheduler, the
workflows and the executor's callbacks work on them all the time. A finished job is read
from the store when a request names it and dropped again once unused for a while
(Engine._evict_cold), so memory follows what is live, not what was ever run. A job created
stopped (start_paused) and never started counts as finished here: nothing happens to it until a
request starts it.

The finished ones are also bounded in number: lookups are kept in least-recently-used order,
and once more than ``Engine`` allows are resident (a client creating 100,000 stopped jobs, or
reading every finished one) the least recently used are dropped at once, not a minute later
(Engine._trim_cold): 100,000 jobs created through the API had the engine at 2.4 GB before.

A dict, so code that iterates ``jobs.values()`` sees the resident records (every live one);
``get`` / ``in`` / ``[]`` fall back to the store through the engine's loader.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from pelorus.engine.records import JobRecord


class JobCache(dict[str, JobRecord]):
    """Resident records by job id; a miss loads the job from the store (``loader`` inserts it)."""

    def __init__(self, loader: Callable[[str], JobRecord | None]) -> None:
        super().__init__()
        self._loader = loader
        # job id -> monotonic time of its last lookup, least recently used first
        self._used: dict[str, float] = {}
        self.on_grown: Callable[[], None] | None = None  # called when a record is added past ``grown_past``
        self.grown_past = 1 << 62

    def _touch(self, job_id: str) -> None:
        used = self._used
        used.pop(job_id, None)  # re-inserted last: the dict's order is the order of use
        used[job_id] = time.monotonic()

    def get(self, job_id: str, default: JobRecord | None = None) -> JobRecord | None:  # type: ignore[override]
        rec = dict.get(self, job_id)
        if rec is None and job_id:
            rec = self._loader(job_id)
        if rec is None:
            return default
        self._touch(job_id)
        return rec

    def __contains__(self, job_id: object) -> bool:
        return isinstance(job_id, str) and self.get(job_id) is not None

    def __getitem__(self, job_id: str) -> JobRecord:
        rec = self.get(job_id)
        if rec is None:
            raise KeyError(job_id)
        return rec

    def __setitem__(self, job_id: str, rec: JobRecord) -> None:
        super().__setitem__(job_id, rec)
        self._touch(job_id)
        if len(self) > self.grown_past and self.on_grown is not None:
            self.on_grown()

    def pop(self, job_id: str, default: JobRecord | None = None) -> JobRecord | None:  # type: ignore[override]
        self._used.pop(job_id, None)
        return super().pop(job_id, default)

    def values(self) -> list[JobRecord]:  # type: ignore[override]
        """A copy: a loop over the resident jobs may look up (and so load) another job."""
        return list(super().values())

    def items(self) -> list[tuple[str, JobRecord]]:  # type: ignore[override]
        return list(super().items())

    def resident(self, job_id: str) -> bool:
        """In memory now (no store read)."""
        return dict.__contains__(self, job_id)

    def unused_since_before(self, older_than: float) -> list[str]:
        """Ids of the resident jobs last looked up at or before ``older_than`` (monotonic),
        least recently used first. Only those are read: the sweep costs what it may evict,
        not one look at every resident job (thousands under a steady stream of new jobs)."""
        out: list[str] = []
        for job_id, used in self._used.items():
            if used > older_than:
                break
            out.append(job_id)
        return out

    def unused_since(self, job_id: str) -> float:
        """Monotonic time of the last lookup (0.0 if never looked up)."""
        return self._used.get(job_id, 0.0)

    def least_recently_used(self) -> list[str]:
        """Resident job ids, the longest unused first."""
        return list(self._used)
