"""Local pods launched per second, and time until the job is done.

    python bench/engine_launch.py [--instances 1000] [--sleep-instances 200] [--peer-spawns 300]

Scenario 1: one job of N instances of `true`. Scenario 2: one job of M instances of
`sleep 0.5` (all fit under the default slot limit at once: concurrency). Each scenario runs
on a fresh engine with the default --max-running-pods. Launch times are the pods' own
started_at timestamps (set when the executor's Popen returned), read back with ListPods
after the job finished, measured from the job's created_at.

Peer (side by side): bare subprocess.Popen of `/bin/sh -c true` in a new session from one
Python process, sequentially, reaped afterwards: roughly the ceiling for any Python engine
that forks one process per pod.
Prints one JSON object per line; targets are printed as keys, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _engine import Client, emit, engine, job_spec, machine, note, percentile, run

from pelorus.api import job_pb2, pod_pb2
from pelorus.api import job_service_pb2 as js

TERMINAL = {job_pb2.JOB_STATE_SUCCEEDED, job_pb2.JOB_STATE_FAILED, job_pb2.JOB_STATE_KILLED}


def ts(t) -> float:
    return t.seconds + t.nanos / 1e9


def peer_spawn_rate(n: int) -> float:
    """Popen rate of the same kind of process the executor starts (a shell in its own session)."""
    procs = []
    t0 = time.perf_counter()
    for _ in range(n):
        procs.append(subprocess.Popen(["/bin/sh", "-c", "true"], stdin=subprocess.DEVNULL,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                      start_new_session=True, close_fds=True))
    dt = time.perf_counter() - t0
    for p in procs:
        p.wait(10)
    return n / dt


def max_overlap(intervals: list[tuple[float, float]]) -> int:
    events = sorted([(s, 1) for s, _ in intervals] + [(e, -1) for _, e in intervals])
    cur = best = 0
    for _, d in events:
        cur += d
        best = max(best, cur)
    return best


async def scenario(label: str, instances: int, command: str, args: tuple[str, ...], peer: float | None,
                   timeout: float, extra_ctx: dict) -> None:
    with engine(label=label) as eng:
        async with Client(eng.address) as c:
            cpu0 = eng.cpu_seconds()
            t_client0 = time.time()
            resp = await c.create(job_spec(f"launch-{label}", instances, command, *args))
            job_id = resp.job_id
            deadline = time.monotonic() + timeout
            peak_rss = 0
            while True:
                request = js.GetJobRequest(job_id=job_id, summary_only=True)
                st = (await c.jobs.GetJob(request, timeout=30)).summary.status
                peak_rss = max(peak_rss, eng.rss())
                if st.state in TERMINAL:
                    break
                if time.monotonic() > deadline:
                    raise TimeoutError(f"job not finished after {timeout} s: {st}")
                await asyncio.sleep(0.05)
            t_client_done = time.time()
            cpu = eng.cpu_seconds() - cpu0
            pods: list[pod_pb2.PodInfo] = []
            async for r in c.jobs.ListPods(js.ListPodsRequest(job_id=job_id), timeout=60):
                pods.extend(r.pods)
            created = ts(st.created_at)
            starts = sorted(ts(p.status.started_at) for p in pods if p.status.HasField("started_at"))
            ends = [ts(p.status.ended_at) for p in pods if p.status.HasField("ended_at")]
            intervals = [(ts(p.status.started_at), ts(p.status.ended_at)) for p in pods
                         if p.status.HasField("started_at") and p.status.HasField("ended_at")]
            states = {}
            for p in pods:
                name = pod_pb2.PodState.Name(p.status.state)
                states[name] = states.get(name, 0) + 1
            n = len(starts)
            span = starts[-1] - created
            lo, hi = percentile(starts, 0.1), percentile(starts, 0.9)
            steady = 0.8 * n / (hi - lo) if hi > lo else None
            job_state = job_pb2.JobState.Name(st.state)
            ctx = {**machine(), **extra_ctx, "instances": instances, "command": " ".join((command, *args)),
                   "max_running_pods": "256 (engine default)", "pods_started": n, "pod_states": states,
                   "job_state": job_state}
            emit(f"engine_launch.{label}.launch_rate", round(n / span, 1), "pods/s",
                 seconds_create_to_last_started=round(span, 3),
                 first_started_after_s=round(starts[0] - created, 3),
                 steady_rate_p10_p90=round(steady, 1) if steady else None,
                 **({"peer": "subprocess.Popen('/bin/sh -c true', new session), sequential, same machine",
                     "peer_value": round(peer, 1)} if peer else {}),
                 **({"target": ">= 200 pods/s"} if command == "true" else {}), **ctx)
            emit(f"engine_launch.{label}.time_to_succeeded", round(ts(st.ended_at) - created, 3), "s",
                 client_observed_s=round(t_client_done - t_client0, 3),
                 last_pod_ended_after_s=round(max(ends) - created, 3) if ends else None,
                 peak_concurrent_pods=max_overlap(intervals), engine_cpu_s=round(cpu, 2),
                 engine_peak_rss_mib=round(peak_rss / 2**20, 1), **ctx)
            counts = eng.store_counts()
            note(f"{label}: store counts {counts}; engine log tail:\n{eng.log()[-1500:]}")


async def bench(args: argparse.Namespace) -> None:
    peer = peer_spawn_rate(args.peer_spawns) if args.peer_spawns else None
    await scenario(f"true_x{args.instances}", args.instances, "true", (), peer, args.job_timeout, {})
    await scenario(f"sleep05_x{args.sleep_instances}", args.sleep_instances, "sleep", ("0.5",), None,
                   args.job_timeout, {"ideal_time_to_succeeded_s": 0.5})


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--instances", type=int, default=1000)
    ap.add_argument("--sleep-instances", type=int, default=200)
    ap.add_argument("--peer-spawns", type=int, default=300, help="0 = skip the Popen peer")
    ap.add_argument("--job-timeout", type=float, default=180.0)
    ap.add_argument("--timeout", type=float, default=600.0, help="bound on the whole run (s)")
    args = ap.parse_args()
    run(bench(args), args.timeout)


if __name__ == "__main__":
    main()
