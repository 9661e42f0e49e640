"""Ray executor vs local executor on the same job: pods launched per second and
submission-to-running latency, on a throw-away two-node Ray cluster on loopback.

    python bench/ray_launch.py [--instances 2,20] [--ray-address http://HEAD:8265]

Needs Ray (`pip install -e '.[ray]'`). Without --ray-address a cluster like the tests'
one is started (head: 1 CPU, worker: 1 CPU + node2) in its own temp dir and process
groups, and only those are stopped at the end (never `ray stop`).

The job: N instances of `date +%s.%N; sleep 0.5` (each pod prints the moment its command
started). Per pod, with everything on one machine (one clock):
  * launched  = the pod's first STARTING or RUNNING event (the executor's launch() returned:
                for Ray, the submission was accepted and the pod is STARTING),
  * running   = the command's own first line (for Ray: the driver has started on a node),
  * reported  = the pod's RUNNING event (for Ray: the status poll saw Ray's RUNNING).
Figures: pods launched per second (N / (last launched - job created)), and the latency
launched -> running, job created -> running and running -> reported (p50 / p95 / max).
Prints one JSON object per line; nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests" / "ray_executor"))

from _engine import Client, emit, engine, job_spec, machine, note, percentile, run

from pelorus.api import job_pb2, pod_pb2
from pelorus.api import job_service_pb2 as js
from pelorus.api import pod_service_pb2 as ps

TERMINAL = {job_pb2.JOB_STATE_SUCCEEDED, job_pb2.JOB_STATE_FAILED, job_pb2.JOB_STATE_KILLED}


def ts(t) -> float:
    return t.seconds + t.nanos / 1e9


async def scenario(label: str, extra: tuple[str, ...], instances: int, timeout: float, ctx: dict) -> None:
    with engine(*extra, label=label) as eng:
        async with Client(eng.address) as c:
            spec = job_spec(f"ray-launch-{label}", instances, "sh", "-c", "date +%s.%N; sleep 0.5")
            t0 = time.monotonic()
            job_id = (await c.create(spec)).job_id
            deadline = t0 + timeout
            while True:
                request = js.GetJobRequest(job_id=job_id, summary_only=True)
                st = (await c.jobs.GetJob(request, timeout=30)).summary.status
                if st.state in TERMINAL:
                    break
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{label}: job not finished after {timeout} s: {st}")
                await asyncio.sleep(0.05)
            wall = time.monotonic() - t0
            info = (await c.jobs.GetJob(js.GetJobRequest(job_id=job_id), timeout=30)).job_info
            created = ts(info.status.created_at) if info.status.HasField("created_at") else None
            launched, running, reported, nodes = [], [], [], set()
            for i in range(instances):
                name = f"{job_id}-{i}"
                pod = (await c.pods.GetPod(ps.GetPodRequest(pod_name=name), timeout=30)).current.status
                lines = [ln.text async for resp in c.pods.GetPodLogs(ps.GetPodLogsRequest(pod_name=name))
                         for ln in resp.lines if ln.stream == 0]
                events = (await c.pods.GetPodEvents(ps.GetPodEventsRequest(pod_name=name), timeout=30)).events
                launched.append(min(ts(e.timestamp) for e in events
                                    if e.actual_state in (pod_pb2.POD_STATE_STARTING, pod_pb2.POD_STATE_RUNNING)))
                reported.append(min(ts(e.timestamp) for e in events if e.actual_state == pod_pb2.POD_STATE_RUNNING))
                running.append(float(lines[0]))
                nodes.add(pod.node_id or pod.host)
            created = created or min(launched)
            span = max(launched) - created
            base = dict(executor=label, instances=instances, state=job_pb2.JobState.Name(st.state), **ctx)
            emit("ray_launch.pods_launched_per_s", round(instances / span, 2) if span > 0 else None, "pods/s", **base)
            lat = [(r - s) * 1000 for s, r in zip(launched, running, strict=False)]
            e2e = [(r - created) * 1000 for r in running]
            lag = [(p - r) * 1000 for r, p in zip(running, reported, strict=False)]
            for name, values in (("launched_to_running", lat), ("created_to_running", e2e),
                                 ("running_to_reported", lag)):
                for q, tag in ((0.5, "p50"), (0.95, "p95"), (1.0, "max")):
                    emit(f"ray_launch.{name}_ms.{tag}", round(percentile(values, q), 1), "ms", **base)
            emit("ray_launch.job_wall_s", round(wall, 2), "s", nodes_used=len(nodes), **base)
            rss = eng.rss() if hasattr(eng, "rss") else None
            if rss:
                emit("ray_launch.engine_rss_mb", round(rss / 2**20, 1), "MB", **base)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    p.add_argument("--instances", default="2,20", help="comma-separated job sizes (default 2,20)")
    p.add_argument("--ray-address", default=None, help="use this cluster instead of starting one")
    p.add_argument("--timeout", type=float, default=240)
    args = p.parse_args()
    try:
        import ray
    except ImportError:
        note("ray_launch needs Ray: pip install -e '.[ray]'")
        raise SystemExit(2) from None
    ctx = dict(machine(), ray=ray.__version__)
    cluster = None
    address = args.ray_address
    if address is None:
        from raycluster import RayTestCluster

        t0 = time.monotonic()
        cluster = RayTestCluster().start()
        address = cluster.address
        emit("ray_launch.cluster_start_s", round(time.monotonic() - t0, 1), "s", nodes=2, **ctx)
    try:
        for n in (int(x) for x in str(args.instances).split(",")):
            run(scenario("local", (), n, args.timeout, ctx), args.timeout + 30)
            run(scenario("ray", ("--executor", "ray", "--ray-address", address), n, args.timeout,
                         dict(ctx, cluster="2 nodes x 1 CPU, loopback", pod_cpu=0.1)), args.timeout + 30)
    finally:
        if cluster is not None:
            cluster.stop()


if __name__ == "__main__":
    main()
