"""Engine memory with a big store: RSS and read latency after a restart on 100,000 jobs and
1,000,000 pods, and while the same numbers are created through the API (issue 18: at most
300 MiB, QueryJobs with a filter and order_by under 50 ms).

    python bench/engine_memory.py [--jobs 100000] [--pods-per-job 10] [--calls 50]
                                  [--api-jobs 100000] [--api-run-every 1000] [--concurrency 16]

Fill: FOR SPEED, NOT THROUGH THE API. The store is written directly with the store's own
write path (pelorus.engine.store.Store.put_job / put_pods, the methods the engine's commit
uses), every job SUCCEEDED with its pods SUCCEEDED, as a store looks after a long run. Then a
real engine process (`python -m pelorus.engine.serve`) starts on that data dir and a client on
its unix socket measures: time to ready, RSS once settled, and per-call latency of
QueryJobs (owner filter, order_by created_at DESC, limit 50), GetJob (random ids) and
ListPods (one job's pods). Peer in the same run: the same engine on an empty store.

Through the API (--api-jobs, 0 to skip): a real engine on an empty store, and a client on its
unix socket that calls CreateJob `--api-jobs` times (`--concurrency` in flight on one
channel), `--pods-per-job` instances each. Jobs are created start_paused (every pod written,
INITIALIZED, no process), so 1,000,000 pods can be stored in minutes; every
`--api-run-every`-th job instead runs `true` in each instance and finishes SUCCEEDED. The
engine's RSS is sampled every 0.25 s: the peak while creating, at the end of creation, and
60 s + one eviction sweep later (when the engine has dropped what it no longer uses); then the
same QueryJobs / GetJob / ListPods calls as above on the store it made.
Store query shapes (--shapes; --shapes-only skips the engine phases): after the fill, QueryJobs
shapes (filter / order_by, limit 50) timed IN PROCESS on the filled store (`Store.query_jobs`, no
gRPC, no engine), median of `--shape-repeat` calls each after one warm-up: what the store adds to
a QueryJobs round trip.
Exit code 1 when the engine did not start or a call failed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _engine import BenchEngine, Client, emit, machine, note, percentile, run

from pelorus.api import common_pb2, job_pb2, pod_pb2
from pelorus.api import job_service_pb2 as js
from pelorus.engine.store import Store

T0 = 1_780_000_000


def fill(data_dir: Path, jobs: int, pods_per_job: int) -> list[str]:
    """Write `jobs` finished jobs with their pods through Store's own write path."""
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    store = Store(data_dir / "engine.db")
    ids: list[str] = []
    started = time.monotonic()
    try:
        batch = 2000
        for first in range(0, jobs, batch):
            with store.tx():
                pods: list[tuple[pod_pb2.PodInfo, int]] = []
                for i in range(first, min(jobs, first + batch)):
                    job_id = f"{i:08x}-bench-0000-0000-{i:012x}"
                    ids.append(job_id)
                    spec = job_pb2.JobSpec(name=f"nightly-report-{i}", owner=f"user{i % 50}",
                                           instance_count=pods_per_job,
                                           description="a finished job, kept in the store")
                    spec.labels.update({"team": f"t{i % 20}", "tier": "batch"})
                    spec.default_spec.command = "true"
                    st = job_pb2.JobStatus(state=job_pb2.JOB_STATE_SUCCEEDED,
                                           desired_state=job_pb2.JOB_STATE_SUCCEEDED,
                                           reason="SUCCEEDED", message="every instance succeeded",
                                           run_count=1, instances_done=pods_per_job)
                    st.version.value = 1
                    st.pod_stats["POD_STATE_SUCCEEDED"] = pods_per_job
                    for field, dt in (("created_at", 0), ("updated_at", 60), ("started_at", 1), ("ended_at", 60)):
                        getattr(st, field).seconds = T0 + i + dt
                    store.put_job(job_id, spec, st)
                    for inst in range(pods_per_job):
                        info = pod_pb2.PodInfo(pod_name=f"{job_id}-{inst}", job_id=job_id, instance_id=inst)
                        ps = info.status
                        ps.state = pod_pb2.POD_STATE_SUCCEEDED
                        ps.pod_id = f"{job_id}-{inst}-1"
                        ps.host = "bench-host"
                        ps.reason, ps.message = "SUCCEEDED", "exited with code 0"
                        ps.started_at.seconds, ps.ended_at.seconds = T0 + i + 1, T0 + i + 60
                        pods.append((info, 1))
                store.put_pods(pods)
            if first % 20000 == 0:
                note(f"filled {first + batch} jobs ({time.monotonic() - started:.0f} s)")
    finally:
        store.close()
    return ids


def _shape(states: tuple[Any, ...] = (), owner: str = "",
           labels: dict[str, str] | None = None, name: str = "",
           keywords: tuple[str, ...] = (), order: tuple[tuple[str, int], ...] = (),
           offset: int = 0) -> job_pb2.JobQuerySpec:
    q = job_pb2.JobQuerySpec(job_states=states, owner=owner, name=name, keywords=keywords)
    q.labels.update(labels or {})
    for prop, direction in order:
        q.pagination.order_by.add(property=prop, order=direction)
    q.pagination.limit, q.pagination.offset = 50, offset
    return q


def store_shapes(data_dir: Path, jobs: int, repeat: int) -> None:
    """Time QueryJobs shapes in the store itself (Store.query_jobs, in process), median of `repeat`."""
    D, A = common_pb2.OrderBy.ORDER_DESC, common_pb2.OrderBy.ORDER_ASC
    S = job_pb2.JOB_STATE_SUCCEEDED
    shapes = [
        ("state_running_none_match", "state RUNNING (no match) / created_at",
         _shape((job_pb2.JOB_STATE_RUNNING,), order=(("created_at", D),))),
        ("label_team", "label team=t3 (5,000 match) / updated_at",
         _shape(labels={"team": "t3"}, order=(("updated_at", D),))),
        ("none_updated", "none / updated_at", _shape(order=(("updated_at", D),))),
        ("state_all_updated", "state SUCCEEDED (all) / updated_at", _shape((S,), order=(("updated_at", D),))),
        ("owner_label_state", "owner + label + state / created_at, name",
         _shape((S,), owner="user13", labels={"team": "t3"}, order=(("created_at", D), ("name", A)))),
        ("owner", "owner / created_at", _shape(owner="user13", order=(("created_at", D),))),
        ("name_few", "name substring 'report-4242' (11 match) / created_at",
         _shape(name="report-4242", order=(("created_at", D),))),
        ("name_none", "name substring 'no-such-job' (no match) / created_at",
         _shape(name="no-such-job", order=(("created_at", D),))),
        ("name_all", "name substring 'Nightly' (all match) / created_at",
         _shape(name="Nightly", order=(("created_at", D),))),
        ("name_short", "name substring '-9' (2 characters: scan) / created_at",
         _shape(name="-9", order=(("created_at", D),))),
        ("keywords_none", "2 keywords 'team=t3' 'no-such-word' (no match) / updated_at",
         _shape(keywords=("team=t3", "no-such-word"), order=(("updated_at", D),))),
        ("keywords_some", "2 keywords 'team=t3' 'user13' (1,000 match) / updated_at",
         _shape(keywords=("team=t3", "user13"), order=(("updated_at", D),))),
        ("keyword_state", "keyword 'report-4242' + state SUCCEEDED / name",
         _shape((S,), keywords=("report-4242",), order=(("name", A),))),
        ("deep_page", "none / created_at, offset 50,000", _shape(order=(("created_at", D),), offset=jobs // 2)),
        ("deep_page_default", "none / default order, offset 50,000", _shape(offset=jobs // 2)),
    ]
    store = Store(data_dir / "engine.db")
    try:
        for key, what, q in shapes:
            rows, total = store.query_jobs(q)  # warm-up
            times = []
            for _ in range(repeat):
                t = time.perf_counter()
                store.query_jobs(q)
                times.append((time.perf_counter() - t) * 1000)
            emit(f"engine_memory.store_query.{key}", round(statistics.median(times), 2), "ms", shape=what,
                 max_ms=round(max(times), 2), total=total, rows=len(rows), repeat=repeat, jobs=jobs,
                 text_index=getattr(store, "text_index", None), path="Store.query_jobs in process (no gRPC, no engine)",
                 transport="none (in process)", loadavg_1m=round(os.getloadavg()[0], 2), **machine())
    finally:
        store.close()


async def calls_latency(eng: BenchEngine, ids: list[str], calls: int, out: dict[str, float]) -> None:
    """QueryJobs (owner filter, order_by created_at DESC, limit 50), GetJob and ListPods, `calls` each."""
    rng = random.Random(1)
    lat: dict[str, list[float]] = {"QueryJobs": [], "GetJob": [], "ListPods": []}
    async with Client(eng.address) as c:
        for _ in range(calls):
            q = job_pb2.JobQuerySpec(owner=f"user{rng.randrange(50)}")
            q.pagination.limit = 50
            q.pagination.order_by.add(property="created_at", order=common_pb2.OrderBy.ORDER_DESC)
            t = time.perf_counter()
            got = await c.jobs.QueryJobs(js.QueryJobsRequest(spec=q), timeout=60)
            lat["QueryJobs"].append(time.perf_counter() - t)
            assert got.records, "QueryJobs returned nothing"
            t = time.perf_counter()
            await c.jobs.GetJob(js.GetJobRequest(job_id=rng.choice(ids)), timeout=60)
            lat["GetJob"].append(time.perf_counter() - t)
            t = time.perf_counter()
            pods = [p async for resp in c.jobs.ListPods(js.ListPodsRequest(job_id=rng.choice(ids)), timeout=60)
                    for p in resp.pods]
            lat["ListPods"].append(time.perf_counter() - t)
            assert pods, "ListPods returned no pod"
    out["rss_after_calls_mib"] = eng.rss() / 2**20
    for op, values in lat.items():
        out[f"{op}.p50_ms"] = percentile(values, 0.5) * 1000
        out[f"{op}.p99_ms"] = percentile(values, 0.99) * 1000


async def measure(data_dir: Path | None, ids: list[str], calls: int, label: str) -> dict[str, float]:
    eng = BenchEngine(label=label, data_dir=data_dir)
    t = time.monotonic()
    try:
        eng.start(timeout=600)
        ready = time.monotonic() - t
        await asyncio.sleep(3)
        out: dict[str, float] = {"ready_s": ready, "rss_mib": eng.rss() / 2**20}
        if ids:
            await calls_latency(eng, ids, calls, out)
        return out
    finally:
        eng.stop(timeout=120)


def api_spec(i: int, pods_per_job: int) -> job_pb2.JobSpec:
    spec = job_pb2.JobSpec(name=f"nightly-report-{i}", owner=f"user{i % 50}", instance_count=pods_per_job,
                           description="a job created through the API")
    spec.labels.update({"team": f"t{i % 20}", "tier": "batch"})
    spec.default_spec.command = "true"
    return spec


async def via_api(args: argparse.Namespace) -> dict[str, float]:
    """CreateJob --api-jobs times on a fresh engine, sampling its RSS; then the same calls as after a restart."""
    eng = BenchEngine(label="memory-api")
    out: dict[str, float] = {}
    peak = 0
    sampling = True

    async def sample() -> None:
        nonlocal peak
        while sampling:
            peak = max(peak, eng.rss())
            await asyncio.sleep(0.25)

    try:
        eng.start(timeout=120)
        await asyncio.sleep(1)
        out["rss_start_mib"] = eng.rss() / 2**20
        sampler = asyncio.create_task(sample())
        ids: list[str] = [""] * args.api_jobs
        nxt = 0
        ran = 0
        started = time.monotonic()
        async with Client(eng.address) as c:
            async def worker() -> None:
                nonlocal nxt, ran
                while nxt < args.api_jobs:
                    i = nxt
                    nxt += 1
                    runs = args.api_run_every > 0 and i % args.api_run_every == 0
                    ran += runs
                    resp = await c.create(api_spec(i, args.pods_per_job), start_paused=not runs)
                    ids[i] = resp.job_id
                    if i and i % 20000 == 0:
                        note(f"api: created {i} jobs ({time.monotonic() - started:.0f} s, "
                             f"RSS {eng.rss() / 2**20:.0f} MiB)")

            await asyncio.gather(*(worker() for _ in range(args.concurrency)))
            out["create_s"] = time.monotonic() - started
            out["created_per_s"] = args.api_jobs / out["create_s"]
            out["rss_created_mib"] = eng.rss() / 2**20
            out["peak_creating_mib"] = peak / 2**20
            # The jobs that run: wait until they have finished (bounded), then one eviction sweep.
            deadline = time.monotonic() + 600
            running = [j for j, i in zip(ids, range(args.api_jobs), strict=True)
                       if args.api_run_every > 0 and i % args.api_run_every == 0]
            for job_id in running:
                while time.monotonic() < deadline:
                    got = await c.jobs.GetJob(js.GetJobRequest(job_id=job_id, summary_only=True), timeout=60)
                    if got.summary.status.state == job_pb2.JOB_STATE_SUCCEEDED:
                        break
                    await asyncio.sleep(0.5)
            out["ran_jobs"] = ran
            out["rss_ran_mib"] = eng.rss() / 2**20
            await asyncio.sleep(args.settle)  # COLD_AFTER (60 s) and one EVICT_INTERVAL (10 s) sweep
            sampling = False
            await sampler
            out["rss_settled_mib"] = eng.rss() / 2**20
            out["peak_mib"] = peak / 2**20
            counts = eng.store_counts()
            out["stored_jobs"], out["stored_pods"] = counts["jobs"], counts["pods"]
        await calls_latency(eng, ids, args.calls, out)
        return out
    finally:
        sampling = False
        eng.stop(timeout=120)


async def bench(args: argparse.Namespace) -> None:
    if args.shapes_only:
        with tempfile.TemporaryDirectory(prefix="pelorus-bench-shapes-") as tmp:
            t = time.monotonic()
            fill(Path(tmp) / "data", args.jobs, args.pods_per_job)
            size = sum(p.stat().st_size for p in (Path(tmp) / "data").glob("engine.db*"))
            emit("engine_memory.store_fill", round(time.monotonic() - t, 1), "s", jobs=args.jobs,
                 pods=args.jobs * args.pods_per_job, store_mib=round(size / 2**20, 1),
                 path="Store.put_job/put_pods, 2,000 jobs per transaction", **machine())
            store_shapes(Path(tmp) / "data", args.jobs, args.shape_repeat)
        return
    if not args.skip_fill:
        await restarted(args)
    if args.api_jobs:
        await api_phase(args)


async def restarted(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="pelorus-bench-memory-") as tmp:
        data_dir = Path(tmp) / "data"
        t = time.monotonic()
        ids = fill(data_dir, args.jobs, args.pods_per_job)
        fill_s = time.monotonic() - t
        note(f"filled {args.jobs} jobs / {args.jobs * args.pods_per_job} pods in {fill_s:.0f} s; "
             f"store {sum(p.stat().st_size for p in data_dir.glob('engine.db*')) / 2**20:.0f} MiB")
        if args.shapes:
            store_shapes(data_dir, args.jobs, args.shape_repeat)
        empty = await measure(None, [], 0, "memory-empty")
        big = await measure(data_dir, ids, args.calls, "memory-big")
    ctx = {**machine(), "jobs": args.jobs, "pods": args.jobs * args.pods_per_job, "transport": "unix socket",
           "fill": "Store.put_job/put_pods directly (the store's own write path), not the API",
           "loadavg_1m": round(os.getloadavg()[0], 2)}
    emit("engine_memory.rss", round(big["rss_mib"], 1), "MiB",
         path="engine process RSS 3 s after ready, restarted on the filled store",
         rss_after_calls_mib=round(big["rss_after_calls_mib"], 1), ready_s=round(big["ready_s"], 1),
         peer_empty_store={"rss_mib": round(empty["rss_mib"], 1), "ready_s": round(empty["ready_s"], 1)},
         target_mib=300, **ctx)
    for op in ("QueryJobs", "GetJob", "ListPods"):
        emit(f"engine_memory.{op}.p99", round(big[f"{op}.p99_ms"], 2), "ms", p50_ms=round(big[f"{op}.p50_ms"], 2),
             path=f"{op} round trip from a grpc.aio client, {args.calls} calls, engine on the filled store",
             calls=args.calls, **ctx)


async def api_phase(args: argparse.Namespace) -> None:
    api = await via_api(args)
    ctx = {**machine(), "jobs": args.api_jobs, "pods": args.api_jobs * args.pods_per_job, "transport": "unix socket",
           "fill": f"CreateJob through the API, {args.concurrency} in flight, start_paused except every "
                   f"{args.api_run_every}-th job, which runs `true` per instance",
           "loadavg_1m": round(os.getloadavg()[0], 2)}
    emit("engine_memory.api.peak_rss", round(api["peak_mib"], 1), "MiB",
         path="engine process RSS sampled every 0.25 s while CreateJob filled an empty store, until settled",
         peak_while_creating_mib=round(api["peak_creating_mib"], 1), rss_created_mib=round(api["rss_created_mib"], 1),
         rss_after_runs_mib=round(api["rss_ran_mib"], 1), rss_settled_mib=round(api["rss_settled_mib"], 1),
         rss_after_calls_mib=round(api["rss_after_calls_mib"], 1), rss_start_mib=round(api["rss_start_mib"], 1),
         create_s=round(api["create_s"], 1), created_per_s=round(api["created_per_s"], 1),
         ran_jobs=int(api["ran_jobs"]), stored_jobs=int(api["stored_jobs"]), stored_pods=int(api["stored_pods"]),
         target_mib=300, **ctx)
    for op in ("QueryJobs", "GetJob", "ListPods"):
        emit(f"engine_memory.api.{op}.p99", round(api[f"{op}.p99_ms"], 2), "ms", p50_ms=round(api[f"{op}.p50_ms"], 2),
             path=f"{op} round trip from a grpc.aio client, {args.calls} calls, on the store made through the API",
             calls=args.calls, **ctx)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--jobs", type=int, default=100_000)
    p.add_argument("--pods-per-job", type=int, default=10)
    p.add_argument("--calls", type=int, default=50)
    p.add_argument("--api-jobs", type=int, default=100_000, help="jobs created through the API (0: skip)")
    p.add_argument("--api-run-every", type=int, default=1000, help="every N-th API job runs (0: none)")
    p.add_argument("--concurrency", type=int, default=16)
    p.add_argument("--settle", type=float, default=75.0,
                   help="seconds to wait after creation (the engine drops jobs unused for 60 s, sweeping every 10 s)")
    p.add_argument("--skip-fill", action="store_true", help="only the API phase")
    p.add_argument("--shapes", action="store_true", help="also time QueryJobs shapes in the filled store")
    p.add_argument("--shapes-only", action="store_true", help="only fill and time QueryJobs shapes in the store")
    p.add_argument("--shape-repeat", type=int, default=10)
    args = p.parse_args()
    run(bench(args), 3600)


if __name__ == "__main__":
    main()
