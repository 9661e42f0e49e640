"""JobCache keeps its jobs in order of last use, so the eviction sweep reads only the
jobs it may evict (pelorus/engine/jobcache.py)."""

from __future__ import annotations

import time

from pelorus.api import job_pb2
from pelorus.engine.jobcache import JobCache
from pelorus.engine.records import JobRecord


def _rec(job_id: str) -> JobRecord:
    return JobRecord(job_id, job_pb2.JobSpec(name=job_id), job_pb2.JobStatus())


def test_unused_since_before_lists_the_least_recently_used_first_and_stops_at_the_cutoff() -> None:
    cache = JobCache(lambda job_id: None)
    for name in ("a", "b", "c", "d"):
        cache[name] = _rec(name)
    assert cache.unused_since_before(time.monotonic()) == ["a", "b", "c", "d"]
    assert cache.get("b") is not None  # a lookup makes it the most recently used
    cutoff = time.monotonic()
    assert cache.unused_since_before(cutoff) == ["a", "c", "d", "b"]
    time.sleep(0.01)
    assert cache.get("a") is not None
    assert cache.unused_since_before(cutoff) == ["c", "d", "b"]  # "a" was used after the cutoff
    cache.pop("c")
    assert cache.unused_since_before(cutoff) == ["d", "b"]
    assert cache.unused_since_before(0.0) == []


def test_a_miss_loaded_from_the_store_is_the_most_recently_used() -> None:
    stored = {"x": _rec("x")}
    cache = JobCache(lambda job_id: None)
    cache._loader = lambda job_id: cache.__setitem__(job_id, stored[job_id]) or stored[job_id]  # as Engine._load_job
    cache["a"] = _rec("a")
    assert cache.get("x") is stored["x"]
    assert cache.unused_since_before(time.monotonic()) == ["a", "x"]
