"""Engine idle: CPU of an engine supervising 1,000 running (sleeping) pods, and log latency.

    python bench/engine_idle.py [--pods 1000] [--seconds 30] [--lines 100] [--only inotify|poll]

Path timed: a real engine process (`python -m pelorus.engine.serve`, local executor) on a
unix socket with N pods of `sleep 3600` running; nothing calls it while its CPU time
(user + system, from /proc) is read over --seconds. Then one more pod prints a line
with its wall-clock time every 50 ms, and a client following GetPodLogs (stream, follow)
measures print -> received latency: the executor noticing the write, the store commit,
the follower wake-up and the gRPC stream.

Peers in the same run: the same engine with PELORUS_OUTPUT_WATCH=poll (the former way:
every pod's two spool files read every 50 ms) against the default (one inotify watch on
the spool directory). Exit code 1 when pods did not all start or no line came back.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _engine import BenchEngine, Client, emit, job_spec, machine, note, percentile, run

from pelorus.api import job_service_pb2 as js
from pelorus.api import pod_service_pb2 as ps

JOB_SIZE = 100
PRINTER = ("import time,sys\n"
           "for i in range({n}):\n"
           "    print(repr(time.time()), flush=True); time.sleep(0.05)\n")


async def running_pods(c: Client, job_ids: list[str]) -> int:
    total = 0
    for job_id in job_ids:
        got = await c.jobs.GetJob(js.GetJobRequest(job_id=job_id, summary_only=True), timeout=30)
        total += sum(n for state, n in got.summary.status.pod_stats.items() if "RUNNING" in state)
    return total


async def measure(mode: str, args: argparse.Namespace) -> dict[str, float]:
    os.environ["PELORUS_OUTPUT_WATCH"] = mode  # inherited by the engine process only
    eng = BenchEngine("--max-running-pods", str(args.pods + 10), label=f"idle-{mode}")
    try:
        eng.start()
        async with Client(eng.address) as c:
            jobs = []
            for i in range(0, args.pods, JOB_SIZE):
                n = min(JOB_SIZE, args.pods - i)
                jobs.append((await c.create(job_spec(f"idle-{i}", n, "sleep", "3600"))).job_id)
            deadline = time.monotonic() + 180
            running = 0
            while time.monotonic() < deadline:
                running = await running_pods(c, jobs)
                if running >= args.pods:
                    break
                await asyncio.sleep(1)
            if running < args.pods:
                raise SystemExit(f"{mode}: only {running} of {args.pods} pods running after 180 s")
            note(f"{mode}: {running} pods running; settling 5 s, then measuring {args.seconds} s idle")
            await asyncio.sleep(5)
            cpu0, t0 = eng.cpu_seconds(), time.monotonic()
            await asyncio.sleep(args.seconds)
            cpu_pct = (eng.cpu_seconds() - cpu0) / (time.monotonic() - t0) * 100
            rss = eng.rss()

            printer = (await c.create(job_spec("printer", 1, sys.executable, "-c",
                                               PRINTER.format(n=args.lines)))).job_id
            pod_name = f"{printer}-0"
            latencies: list[float] = []
            call = c.pods.GetPodLogs(ps.GetPodLogsRequest(pod_name=pod_name, follow=True), timeout=120)
            try:
                async for resp in call:
                    got = time.time()
                    for line in resp.lines:
                        try:
                            latencies.append(got - float(line.text))
                        except ValueError:
                            continue  # the engine's own lines (started, exited)
                    if resp.end_of_logs:
                        break
            finally:
                call.cancel()
            if not latencies:
                raise SystemExit(f"{mode}: no log line came back")
            note(f"{mode}: cpu {cpu_pct:.2f} %, {len(latencies)} lines")
            return {"cpu_pct": cpu_pct, "rss_mib": rss / 2**20, "p50_ms": percentile(latencies, 0.5) * 1000,
                    "p99_ms": percentile(latencies, 0.99) * 1000, "max_ms": max(latencies) * 1000,
                    "lines": len(latencies)}
    finally:
        os.environ.pop("PELORUS_OUTPUT_WATCH", None)
        eng.stop(timeout=60)


async def bench(args: argparse.Namespace) -> None:
    modes = [args.only] if args.only else ["inotify", "poll"]
    results = {mode: await measure(mode, args) for mode in modes}
    ctx = {**machine(), "pods": args.pods, "seconds": args.seconds, "transport": "unix socket",
           "loadavg_1m": round(os.getloadavg()[0], 2)}
    for mode, r in results.items():
        peer = {f"peer_{m}": {k: round(v, 2) for k, v in o.items()} for m, o in results.items() if m != mode}
        emit(f"engine_idle.{mode}.cpu", round(r["cpu_pct"], 2), "% of one core",
             path=f"engine process CPU (user+system) over {args.seconds:g} s with {args.pods} sleeping pods, "
                  "no client calls", rss_mib=round(r["rss_mib"], 1), **peer, **ctx)
        emit(f"engine_idle.{mode}.log_latency.p99", round(r["p99_ms"], 1), "ms",
             path="pod prints a line -> executor -> store commit -> GetPodLogs(follow) stream -> client",
             p50_ms=round(r["p50_ms"], 1), max_ms=round(r["max_ms"], 1), lines=r["lines"], **peer, **ctx)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--pods", type=int, default=1000)
    p.add_argument("--seconds", type=float, default=30.0)
    p.add_argument("--lines", type=int, default=100)
    p.add_argument("--only", choices=["inotify", "poll"])
    args = p.parse_args()
    run(bench(args), 2 * (args.seconds + 600))


if __name__ == "__main__":
    main()
