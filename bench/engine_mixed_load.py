"""Mixed load: N clients creating, getting, querying and stopping jobs at once, for S seconds.

    python bench/engine_mixed_load.py [--clients 50] [--seconds 60] [--watchers 2] [--think 0.1] [--pin]

Each client has its own channel and loops over a weighted mix: GetJob 40 %, QueryJobs 25 %,
CreateJob 20 % (2 pods of `sleep 2`, so processes really start and end), StopJob 15 %.
Each client waits --think seconds between calls (0: a closed loop, every client always has
a call in flight; then latency is 50 / throughput by Little's law, whatever the engine does).
A few watchers read the full change stream meanwhile, as consoles would. Prints one JSON
object per line: p50 / p99 / max per RPC, calls and error rate, the engine's RSS before and
after. The issue's target: GetJob p99 under 50 ms with 50 clients for 60 s.

Path timed: a grpc.aio client call (unary, protobuf) on its own channel over the engine's unix
socket, from before the call to its reply, in the load generator's process.

The generator is Python too, and on a small machine its 50 clients compete with the engine for
CPU, so part of every figure is the generator's own lateness. Two floors are measured in the
same run: `Health` - a probe client calling the health check (a no-op RPC through the same
transport and the engine's loop) every 20 ms - and `generator_lag` - how late a 10 ms sleep on
the generator's own loop wakes (the client-side delay any reply waits before it is timed).
With --pin the engine (a child process, with the pods it starts) runs on the first CPU and the
generator on the others (sched_setaffinity), so they no longer take turns on one core.

--pods-anywhere (with --pin): the pods are NOT pinned with the engine. A pinned engine's pods
inherit its CPU, so their process starts and exits (about 2 per CreateJob) load the engine's
core; in production the engine is not pinned and pods run wherever the kernel puts them. The
engine starts unpinned and, once its pod-spawner thread exists (after the seed jobs), every
engine thread is pinned to the first CPU except that thread, which - with the pods it forks -
may run on any CPU. Its Python work still takes the engine's GIL and counts in the engine's
CPU. The output says which: "pinning" names the pods' CPUs. Quote figures both ways.

Costs: `engine_cpu_s` is the engine process's own CPU (user + system, all its threads) during
the load; `pods_cpu_s` the CPU of the pods it reaped meanwhile (shim + command); per call, both
are divided by the calls of the mix (the probe's health checks excluded). `loop_thread_*` count
the engine main thread's context switches per call: voluntary (it blocked: an idle loop, a lock)
and preemptions (another thread or process took its CPU while it could run).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import grpc
from _engine import Client, emit, engine, job_spec, machine, note, percentile, pin_this_process, run, split_cpus
from grpc_health.v1 import health_pb2, health_pb2_grpc

from pelorus.api import job_pb2
from pelorus.api import job_service_pb2 as js
from pelorus.api import watch_service_pb2 as ws

MIX = (("GetJob", 40), ("QueryJobs", 25), ("CreateJob", 20), ("StopJob", 15))


async def client_loop(address: str, until: float, jobs: list[str], lat: dict[str, list[float]],
                      errors: dict[str, int], rng: random.Random, think: float) -> None:
    names = [n for n, _ in MIX]
    weights = [w for _, w in MIX]
    async with Client(address) as c:
        await asyncio.sleep(rng.uniform(0, think))  # spread the clients' phases
        while time.monotonic() < until:
            if think:
                await asyncio.sleep(think)
            op = rng.choices(names, weights)[0]
            t = time.perf_counter()
            try:
                if op == "GetJob":
                    await c.jobs.GetJob(js.GetJobRequest(job_id=rng.choice(jobs)), timeout=30)
                elif op == "QueryJobs":
                    q = job_pb2.JobQuerySpec(owner=f"user{rng.randrange(10)}")
                    q.pagination.limit = 50
                    await c.jobs.QueryJobs(js.QueryJobsRequest(spec=q), timeout=30)
                elif op == "CreateJob":
                    spec = job_spec(f"mixed-{rng.randrange(1 << 30)}", 2, "sleep", "2",
                                    owner=f"user{rng.randrange(10)}", labels={"bench": "mixed"})
                    jobs.append((await c.create(spec)).job_id)
                else:
                    job = rng.choice(jobs)
                    got = await c.jobs.GetJob(js.GetJobRequest(job_id=job, summary_only=True), timeout=30)
                    t = time.perf_counter()  # time the StopJob alone
                    req = js.StopJobRequest(job_id=job)
                    req.version.value = got.summary.status.version.value
                    await c.jobs.StopJob(req, timeout=30)
            except grpc.aio.AioRpcError as exc:
                if exc.code() != grpc.StatusCode.ABORTED:  # a concurrent stop bumped the version: expected
                    errors[op] = errors.get(op, 0) + 1
                continue
            lat.setdefault(op, []).append(time.perf_counter() - t)


async def watcher(address: str, until: float, counts: list[int]) -> None:
    async with Client(address) as c:
        call = c.watch.Watch(ws.WatchRequest(), timeout=until - time.monotonic() + 5)
        try:
            async for resp in call:
                counts[0] += len(resp.changes)
                counts[1] += 1
                if time.monotonic() > until:
                    break
        except grpc.aio.AioRpcError:
            pass
        finally:
            call.cancel()


async def probe(address: str, until: float, lat: dict[str, list[float]], errors: dict[str, int]) -> None:
    """The floors: a no-op RPC every 20 ms, and the generator loop's own lateness."""
    async with Client(address) as c:
        health = health_pb2_grpc.HealthStub(c.channel)
        while time.monotonic() < until:
            t = time.perf_counter()
            await asyncio.sleep(0.01)
            lat.setdefault("generator_lag", []).append(time.perf_counter() - t - 0.01)
            t = time.perf_counter()
            try:
                await health.Check(health_pb2.HealthCheckRequest(), timeout=30)
            except grpc.aio.AioRpcError:
                errors["Health"] = errors.get("Health", 0) + 1
                continue
            lat.setdefault("Health", []).append(time.perf_counter() - t)
            await asyncio.sleep(0.01)


async def bench(args: argparse.Namespace) -> None:
    rng = random.Random(args.seed)
    split = split_cpus() if args.pin else None
    if args.pin and split is None:
        note("--pin: only one CPU is allowed here; running unpinned")
    if split is not None:
        pin_this_process(split[1])
    pods_anywhere = split is not None and args.pods_anywhere
    pinning = "unpinned" if split is None else f"engine cpu {sorted(split[0])}, generator cpu {sorted(split[1])}"
    if pods_anywhere:
        assert split is not None
        pinning += f", pods (and the pod-spawner thread) cpu {sorted(split[0] | split[1])}"
    elif split is not None:
        pinning += f", pods cpu {sorted(split[0])} (inherited)"
    engine_cpus = None if split is None or pods_anywhere else split[0]
    with engine("--max-running-pods", "512", label="mixed", cpus=engine_cpus) as eng:
        async with Client(eng.address) as c:
            jobs = [(await c.create(job_spec(f"seed-{i}", 2, "sleep", "2", owner=f"user{i % 10}"))).job_id
                    for i in range(args.seed_jobs)]
        if pods_anywhere:
            assert split is not None
            counts = eng.pin_threads(split[0], "pod-spawner", split[0] | split[1])
            if not counts["other"]:
                note("--pods-anywhere: no pod-spawner thread found; the pods run on the engine's CPU")
        await asyncio.sleep(1)
        rss_before = eng.rss()
        cpu_before = eng.cpu_seconds()
        pods_cpu_before = eng.children_cpu_seconds()
        switches_before = eng.loop_thread_switches()
        lat: dict[str, list[float]] = {}
        errors: dict[str, int] = {}
        changes = [0, 0]  # changes, responses
        until = time.monotonic() + args.seconds
        note(f"{args.clients} clients for {args.seconds} s ...")
        t0 = time.perf_counter()
        await asyncio.gather(*(client_loop(eng.address, until, jobs, lat, errors, random.Random(rng.random()),
                                           args.think)
                               for _ in range(args.clients)),
                             probe(eng.address, until, lat, errors),
                             *(watcher(eng.address, until, changes) for _ in range(args.watchers)))
        wall = time.perf_counter() - t0
        ctx = {**machine(), "clients": args.clients, "seconds": args.seconds, "watchers": args.watchers,
               "think_s": args.think, "pinning": pinning, "path": "grpc.aio unary call, unix socket"}
        calls = 0
        for op in [*(n for n, _w in MIX), "Health"]:
            values = lat.get(op, [])
            n = len(values) + errors.get(op, 0)
            calls += n if op != "Health" else 0  # the probe is not part of the mix
            emit(f"engine_mixed_load.{op}.p99", round(percentile(values, 0.99) * 1000, 2), "ms",
                 p50_ms=round(percentile(values, 0.5) * 1000, 2), max_ms=round(max(values, default=0) * 1000, 2),
                 calls=n, calls_per_s=round(n / wall, 1), error_rate=round(errors.get(op, 0) / n, 4) if n else 0.0,
                 **ctx)
        lag = lat.get("generator_lag", [])
        emit("engine_mixed_load.generator_lag.p99", round(percentile(lag, 0.99) * 1000, 2), "ms",
             p50_ms=round(percentile(lag, 0.5) * 1000, 2), max_ms=round(max(lag, default=0) * 1000, 2),
             samples=len(lag), **ctx)
        cpu_s = eng.cpu_seconds() - cpu_before
        pods_cpu_s = eng.children_cpu_seconds() - pods_cpu_before
        switches = [b - a for a, b in zip(switches_before, eng.loop_thread_switches(), strict=True)]
        emit("engine_mixed_load.rss", round(eng.rss() / 2**20, 1), "MiB", before_mib=round(rss_before / 2**20, 1),
             engine_cpu_s=round(cpu_s, 1), jobs=len(jobs), changes_watched=changes[0],
             watch_responses=changes[1], calls=calls, engine_cpu_ms_per_call=round(cpu_s * 1000 / max(1, calls), 3),
             loop_thread_switches_per_call=round(switches[0] / max(1, calls), 2),
             loop_thread_preemptions_per_call=round(switches[1] / max(1, calls), 2),
             pods_cpu_s=round(pods_cpu_s, 1), pods_cpu_ms_per_call=round(pods_cpu_s * 1000 / max(1, calls), 3),
             loadavg=[round(x, 2) for x in os.getloadavg()],
             **ctx)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--clients", type=int, default=50)
    p.add_argument("--seconds", type=float, default=60.0)
    p.add_argument("--watchers", type=int, default=2)
    p.add_argument("--think", type=float, default=0.1, help="seconds each client waits between calls")
    p.add_argument("--seed-jobs", type=int, default=100)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--pin", action="store_true",
                   help="engine on the first CPU, this load generator on the others (sched_setaffinity)")
    p.add_argument("--pods-anywhere", action="store_true",
                   help="with --pin: the pods (and the engine's pod-spawner thread) on all CPUs, not the engine's")
    args = p.parse_args()
    run(bench(args), args.seconds + 600)


if __name__ == "__main__":
    main()
