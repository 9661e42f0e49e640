"""CreateJob throughput, a store of 10,000 jobs / 100,000 pods, and queries over it.

    python bench/engine_create.py [--jobs 10000] [--instances 10] [--seq 1000] [--concurrency 16]

Jobs are created with start_paused=True: every pod is written to the store (INITIALIZED)
but no process is spawned, so the store really holds all of them at once. Every 10th job
is then stopped (StopJob -> KILLED) so that the state filter of the query selects.
Prints one JSON object per line; targets are printed as keys, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _engine import Client, emit, engine, job_spec, machine, note, percentile, run

from pelorus.api import common_pb2, job_pb2
from pelorus.api import job_service_pb2 as js

OWNERS = [f"user{i:02d}" for i in range(20)]
TEAMS = ["ml", "ops", "data", "web"]
ENVS = ["prod", "dev"]


def spec_for(i: int, instances: int) -> job_pb2.JobSpec:
    return job_spec(f"bench-{i:05d}", instances, "sleep", "3600", owner=OWNERS[i % len(OWNERS)],
                    labels={"team": TEAMS[(i // 7) % len(TEAMS)], "env": ENVS[i % 2]})


async def bench(args: argparse.Namespace) -> None:
    ctx = {**machine(), "instances_per_job": args.instances, "start_paused": True,
           "pod_command": "sleep 3600 (never started: jobs created paused)"}
    with engine(label="create") as eng:
        async with Client(eng.address) as c:
            # --- sequential CreateJob ---------------------------------------------------
            ids: list[str] = [""] * args.jobs
            n_seq = min(args.seq, args.jobs)
            t0 = time.perf_counter()
            for i in range(n_seq):
                ids[i] = (await c.create(spec_for(i, args.instances), start_paused=True)).job_id
            dt = time.perf_counter() - t0
            emit("engine_create.create_sequential", round(n_seq / dt, 1), "calls/s", calls=n_seq,
                 seconds=round(dt, 2), pods_per_s=round(n_seq * args.instances / dt, 1), **ctx)

            # --- concurrent CreateJob (N in flight on one channel) ----------------------
            nxt = n_seq
            window: list[float] = []  # completion times, for first/last-1000 rates

            async def worker() -> None:
                nonlocal nxt
                while nxt < args.jobs:
                    i = nxt
                    nxt += 1
                    ids[i] = (await c.create(spec_for(i, args.instances), start_paused=True)).job_id
                    window.append(time.perf_counter())

            t0 = time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(args.concurrency)))
            dt = time.perf_counter() - t0
            n_conc = args.jobs - n_seq
            if n_conc:
                first = window[min(999, len(window) - 1)] - t0
                last = window[-1] - window[max(0, len(window) - 1001)]
                emit("engine_create.create_concurrent", round(n_conc / dt, 1), "calls/s", calls=n_conc,
                     in_flight=args.concurrency, channels=1, seconds=round(dt, 2),
                     pods_per_s=round(n_conc * args.instances / dt, 1),
                     first_1000_calls_per_s=round(min(1000, len(window)) / first, 1),
                     last_1000_calls_per_s=round(min(1000, len(window) - 1) / last, 1) if last > 0 else None,
                     **ctx)

            # --- stop every 10th job so that states differ ------------------------------
            stop_ids = ids[::10]
            t0 = time.perf_counter()
            sem = asyncio.Semaphore(args.concurrency)

            async def stop(job_id: str) -> None:
                async with sem:
                    req = js.StopJobRequest(job_id=job_id)
                    req.version.value = 1
                    await c.jobs.StopJob(req, timeout=30)

            await asyncio.gather(*(stop(j) for j in stop_ids))
            dt_stop = time.perf_counter() - t0
            emit("engine_create.stop_concurrent", round(len(stop_ids) / dt_stop, 1), "calls/s",
                 calls=len(stop_ids), in_flight=args.concurrency, note="StopJob of a paused job (-> KILLED)",
                 **machine())

            # --- what the store holds -----------------------------------------------------
            await asyncio.sleep(1.5)  # let the maintenance tick / WAL settle
            counts = eng.store_counts()
            size = eng.store_bytes()
            emit("engine_create.store_jobs", counts["jobs"], "jobs", pods=counts["pods"],
                 changes=counts["changes"], target="10,000 jobs with 100,000 pods held",
                 states={"INITIALIZED": args.jobs - len(stop_ids), "KILLED": len(stop_ids)}, **machine())
            emit("engine_create.store_size", round(size["total"] / 2**20, 1), "MiB",
                 db_mib=round(size["db"] / 2**20, 1), wal_mib=round(size["db_wal"] / 2**20, 1),
                 bytes_per_pod=round(size["total"] / max(1, counts["pods"])), jobs=counts["jobs"],
                 pods=counts["pods"], **machine())
            emit("engine_create.engine_rss", round(eng.rss() / 2**20, 1), "MiB", jobs=counts["jobs"],
                 pods=counts["pods"], engine_cpu_s=round(eng.cpu_seconds(), 1), **machine())

            # --- QueryJobs: filter + order_by --------------------------------------------
            def filtered(k: int) -> js.QueryJobsRequest:
                q = job_pb2.JobQuerySpec(owner=OWNERS[k % len(OWNERS)],
                                         job_states=[job_pb2.JOB_STATE_INITIALIZED])
                q.labels["team"] = TEAMS[k % len(TEAMS)]
                q.pagination.order_by.add(property="created_at", order=common_pb2.OrderBy.ORDER_DESC)
                q.pagination.order_by.add(property="name", order=common_pb2.OrderBy.ORDER_ASC)
                return js.QueryJobsRequest(spec=q)

            def unfiltered(k: int) -> js.QueryJobsRequest:
                q = job_pb2.JobQuerySpec()
                q.pagination.order_by.add(property="name", order=common_pb2.OrderBy.ORDER_DESC)
                q.pagination.offset = (k * 37) % 9000
                return js.QueryJobsRequest(spec=q)

            def keyword(k: int) -> js.QueryJobsRequest:
                q = job_pb2.JobQuerySpec(keywords=[f"team={TEAMS[k % len(TEAMS)]}", OWNERS[k % len(OWNERS)]])
                q.pagination.order_by.add(property="updated_at", order=common_pb2.OrderBy.ORDER_DESC)
                return js.QueryJobsRequest(spec=q)

            for name, make, what, target in (
                ("engine_create.query_jobs_filtered", filtered,
                 "owner + label team + state INITIALIZED, order_by created_at DESC, name ASC, limit 100 (default)",
                 "median and p95 under 50 ms"),
                ("engine_create.query_jobs_unfiltered_sort", unfiltered,
                 "no filter, order_by name DESC, offset 0..9000, limit 100", None),
                ("engine_create.query_jobs_keywords", keyword,
                 "2 keywords (label + owner substring), order_by updated_at DESC, limit 100", None),
            ):
                await c.jobs.QueryJobs(make(0), timeout=30)  # warm-up
                lat: list[float] = []
                rows = totals = 0
                for k in range(args.queries):
                    req = make(k)
                    t0 = time.perf_counter()
                    resp = await c.jobs.QueryJobs(req, timeout=30)
                    lat.append((time.perf_counter() - t0) * 1000)
                    rows += len(resp.records)
                    totals += resp.pagination.total
                emit(name, round(statistics.median(lat), 2), "ms", p95_ms=round(percentile(lat, 0.95), 2),
                     max_ms=round(max(lat), 2), calls=args.queries, query=what,
                     avg_rows_returned=round(rows / args.queries, 1), avg_total_matched=round(totals / args.queries, 1),
                     jobs=counts["jobs"], **({"target": target} if target else {}),
                     **machine())

            # --- ListJobs: the whole table as a stream -----------------------------------
            times: list[float] = []
            got = 0
            for _ in range(args.list_repeat):
                got = 0
                t0 = time.perf_counter()
                async for resp in c.jobs.ListJobs(js.ListJobsRequest(), timeout=120):
                    got += len(resp.jobs)
                times.append(time.perf_counter() - t0)
            best = min(times)
            emit("engine_create.list_jobs_stream", round(statistics.median(times) * 1000, 1), "ms",
                 best_ms=round(best * 1000, 1), jobs=got, jobs_per_s=round(got / statistics.median(times)),
                 repeats=args.list_repeat, batch_size=1000, **machine())
            note(f"engine log tail:\n{eng.log()[-2000:]}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--jobs", type=int, default=10_000)
    ap.add_argument("--instances", type=int, default=10)
    ap.add_argument("--seq", type=int, default=1000, help="how many of the jobs are created sequentially")
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--queries", type=int, default=50)
    ap.add_argument("--list-repeat", type=int, default=5)
    ap.add_argument("--timeout", type=float, default=900.0, help="bound on the whole run (s)")
    args = ap.parse_args()
    run(bench(args), args.timeout)


if __name__ == "__main__":
    main()
