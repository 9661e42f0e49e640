"""The Ray executor against plain Ray tasks and the local executor, in the same run: how fast
N pods of `true` reach SUCCEEDED, and what a running pod costs in memory (PSS).

    python bench/ray_launch.py [--instances 40,200] [--pss-pods 16] [--repeat 3]

Needs Ray (`pip install -e '.[ray]'`). A cluster like the tests' one is started (head: 1 CPU,
worker: 1 CPU + node2, both on loopback) in its own temp dir and process groups, and only
those are stopped at the end (never `ray stop`).

Per job size N, side by side:
  * ray_tasks  - a Ray driver runs N tasks (num_cpus=0.1, like a pod's default request), each
                 `subprocess.run(["true"])`; timed twice: cold (Ray starts its worker processes)
                 and warm. This is "Ray's pace".
  * ray        - an engine with `--executor ray`: a job of N instances of `true` (cpu 0.1 each),
                 from CreateJob to the job SUCCEEDED.
  * local      - the same job on an engine with the local executor.
The Ray executor's job is run after a warm-up job, as the warm tasks run after the cold ones.
With --repeat R the three are timed R times, interleaved (tasks, Ray executor, local executor),
and the medians are printed with every run's figures: on a shared machine one run can be off by 3x.

Memory: M pods of `sleep` running on each executor; PSS of the engine and every process of
the cluster (raylets, workers, the controller and agents, the pods' shims) with the pods
running minus the same with none, less the `sleep` commands' own PSS, divided by M.
Prints one JSON object per line; exits non-zero when it could not measure.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests" / "ray_executor"))

import psutil
from _engine import BenchEngine, Client, emit, job_spec, machine, note, percentile, run

from pelorus.api import job_pb2, pod_pb2
from pelorus.api import job_service_pb2 as js
from pelorus.api import pod_service_pb2 as ps

TERMINAL = {job_pb2.JOB_STATE_SUCCEEDED, job_pb2.JOB_STATE_FAILED, job_pb2.JOB_STATE_KILLED}

_TASKS = r"""
import json, subprocess, sys, time, ray
ray.init(address=sys.argv[1], logging_level="ERROR", log_to_driver=False)

@ray.remote(num_cpus=0.1)
def pod():
    return subprocess.run(["true"]).returncode

for label in ("cold", "warm"):
    t = time.monotonic()
    codes = ray.get([pod.remote() for _ in range(int(sys.argv[2]))])
    assert codes == [0] * len(codes), codes
    print(json.dumps({"label": label, "wall": time.monotonic() - t}), flush=True)
"""


async def wait_job(c: Client, job_id: str, timeout: float) -> job_pb2.JobStatus:
    deadline = time.monotonic() + timeout
    while True:
        st = (await c.jobs.GetJob(js.GetJobRequest(job_id=job_id, summary_only=True), timeout=30)).summary.status
        if st.state in TERMINAL:
            return st
        if time.monotonic() > deadline:
            raise TimeoutError(f"job {job_id} not finished after {timeout} s: {st}")
        await asyncio.sleep(0.02)


async def timed_job(eng: BenchEngine, name: str, n: int, timeout: float) -> tuple[float, str]:
    async with Client(eng.address) as c:
        spec = job_spec(name, n, "true")
        spec.default_spec.resources.cpu = 0.1
        t0 = time.monotonic()
        job_id = (await c.create(spec)).job_id
        st = await wait_job(c, job_id, timeout)
        return time.monotonic() - t0, job_pb2.JobState.Name(st.state)


def tree_pss(roots: list[int]) -> tuple[int, int]:
    """PSS of the roots and all their descendants, and of the pods' commands among them
    (a process with PELORUS_POD_ID whose parent is a pod's shim)."""
    seen: dict[int, psutil.Process] = {}
    for pid in roots:
        try:
            p = psutil.Process(pid)
        except psutil.Error:
            continue
        for q in [p, *p.children(recursive=True)]:
            seen[q.pid] = q
    total = commands = 0
    for q in seen.values():
        try:
            pss = q.memory_full_info().pss
        except psutil.Error:
            continue
        total += pss
        try:
            if q.name() == "sleep" and "PELORUS_POD_ID" in q.environ():
                commands += pss
        except psutil.Error:
            pass
    return total, commands


async def pss_per_pod(eng: BenchEngine, roots: list[int], m: int, label: str) -> float:
    async with Client(eng.address) as c:
        await asyncio.sleep(2)
        idle, _ = tree_pss(roots)
        spec = job_spec(f"pss-{label}", m, "sleep", "60")
        spec.default_spec.resources.cpu = 0.1
        spec.default_spec.kill_grace_period.seconds = 0
        job_id = (await c.create(spec)).job_id
        deadline = time.monotonic() + 120
        while True:
            pods = [(await c.pods.GetPod(ps.GetPodRequest(pod_name=f"{job_id}-{i}"), timeout=30)).current.status
                    for i in range(m)]
            if all(p.state == pod_pb2.POD_STATE_RUNNING for p in pods):
                break
            if time.monotonic() > deadline:
                raise TimeoutError(f"{label}: {m} pods not all RUNNING")
            await asyncio.sleep(0.2)
        await asyncio.sleep(2)
        busy, commands = tree_pss(roots)
        st = (await c.jobs.GetJob(js.GetJobRequest(job_id=job_id, summary_only=True))).summary.status
        await c.jobs.StopJob(js.StopJobRequest(job_id=job_id, version=st.version))
        await wait_job(c, job_id, 60)
        return (busy - idle - commands) / m


async def log_latency(eng: BenchEngine) -> list[float]:
    """ms from a line's write (the pod prints the time) to the engine storing it (the line's timestamp)."""
    async with Client(eng.address) as c:
        spec = job_spec("log-latency", 1, "sh", "-c", "for i in $(seq 1 60); do date +%s.%N; sleep 0.05; done")
        spec.default_spec.resources.cpu = 0.1
        job_id = (await c.create(spec)).job_id
        await wait_job(c, job_id, 120)
        out = []
        async for resp in c.pods.GetPodLogs(ps.GetPodLogsRequest(pod_name=f"{job_id}-0")):
            for ln in resp.lines:
                if ln.stream == 0:
                    stored = ln.timestamp.seconds + ln.timestamp.nanos / 1e9
                    out.append((stored - float(ln.text)) * 1000)
        return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    p.add_argument("--instances", default="40,200", help="comma-separated job sizes (default 40,200)")
    p.add_argument("--pss-pods", type=int, default=16)
    p.add_argument("--timeout", type=float, default=300)
    p.add_argument("--repeat", type=int, default=1,
                   help="time each job size this many times, interleaved, and print the medians (and every run)")
    args = p.parse_args()
    try:
        import ray
    except ImportError:
        note("ray_launch needs Ray: pip install -e '.[ray]'")
        raise SystemExit(2) from None
    from raycluster import RayTestCluster

    ctx = dict(machine(), ray=ray.__version__, cluster="head 1 CPU + worker 1 CPU, loopback", pod_cpu=0.1,
               load=" ".join(f"{x:.2f}" for x in psutil.getloadavg()))
    t0 = time.monotonic()
    cluster = RayTestCluster().start()
    emit("ray_launch.cluster_start_s", round(time.monotonic() - t0, 1), "s", **ctx)
    measured = 0
    try:
        cluster_roots = [proc.pid for proc in cluster.procs]
        with BenchEngine("--executor", "ray", "--ray-address", cluster.address, label="ray") as ray_eng, \
                BenchEngine(label="local") as local_eng:
            warm, _ = run(timed_job(ray_eng, "warm-up", 4, args.timeout), args.timeout + 30)
            emit("ray_launch.first_job_s", round(warm, 2), "s", executor="ray", instances=4,
                 path="engine start -> controller job -> agents -> 4 pods SUCCEEDED", **ctx)
            for n in (int(x) for x in str(args.instances).split(",")):
                walls: dict[str, list[float]] = {"cold": [], "warm": [], "ray": [], "local": []}
                ray_state = ""
                for _ in range(args.repeat):  # interleaved, so a load spike hits all three alike
                    proc = subprocess.run([sys.executable, "-c", _TASKS, f"127.0.0.1:{cluster.gcs_port}", str(n)],
                                          capture_output=True, text=True, timeout=args.timeout)
                    tasks = {r["label"]: r["wall"] for r in map(json.loads, proc.stdout.split("\n")[:-1])}
                    if len(tasks) != 2:
                        note(proc.stderr[-2000:])
                        raise RuntimeError("the plain Ray tasks did not run")
                    ray_wall, ray_state = run(timed_job(ray_eng, f"ray-{n}", n, args.timeout), args.timeout + 30)
                    local_wall, _ = run(timed_job(local_eng, f"local-{n}", n, args.timeout), args.timeout + 30)
                    for key, value in (("cold", tasks["cold"]), ("warm", tasks["warm"]), ("ray", ray_wall),
                                       ("local", local_wall)):
                        walls[key].append(value)
                med = {k: statistics.median(v) for k, v in walls.items()}
                peers = dict(ray_tasks_cold_s=round(med["cold"], 2), ray_tasks_warm_s=round(med["warm"], 2),
                             local_executor_s=round(med["local"], 2))
                base = dict(instances=n, command="true", transport="gRPC unix socket + TCP loopback to the "
                            "controller", **ctx)
                if args.repeat > 1:
                    base["median_of"] = args.repeat
                    base["runs_s"] = {k: [round(x, 2) for x in v] for k, v in walls.items()}
                emit("ray_launch.job_to_succeeded_s", round(med["ray"], 2), "s", executor="ray", state=ray_state,
                     path="CreateJob -> placement groups -> agents -> SUCCEEDED", **peers, **base)
                emit("ray_launch.pods_per_s", round(n / med["ray"], 1), "pods/s", executor="ray",
                     ray_tasks_warm_per_s=round(n / med["warm"], 1), local_per_s=round(n / med["local"], 1), **base)
                emit("ray_launch.vs_plain_ray_tasks", round(med["ray"] / med["warm"], 2), "x", executor="ray",
                     goal="<= 2", vs_cold=round(med["ray"] / med["cold"], 2),
                     **({"per_run": [round(r / w, 2) for r, w in zip(walls["ray"], walls["warm"], strict=True)]}
                        if args.repeat > 1 else {}), **base)
                measured += 1
            lat_ray = run(log_latency(ray_eng), 200)
            lat_local = run(log_latency(local_eng), 200)
            for q, tag in ((0.5, "p50"), (0.95, "p95"), (1.0, "max")):
                emit(f"ray_launch.log_line_to_store_ms.{tag}", round(percentile(lat_ray, q), 1), "ms", executor="ray",
                     local_executor_ms=round(percentile(lat_local, q), 1), lines=len(lat_ray), goal="<= 100",
                     path="pod writes a line -> agent -> controller -> engine store", **ctx)
            fixed: dict[str, list[float]] = {"controller": [], "agent": []}
            for q in psutil.process_iter(["pid", "cmdline"]):
                try:
                    cmd = " ".join(q.info["cmdline"] or ())
                    kind = ("controller" if "pelorus.engine.executors.ray_controller" in cmd
                            else "agent" if cmd.startswith("ray::PodAgent") else "")
                    if kind:
                        fixed[kind].append(q.memory_full_info().pss / 2**20)
                except psutil.Error:
                    continue
            for kind, values in fixed.items():
                emit(f"ray_launch.{kind}_pss_mb", round(max(values), 1) if values else None, "MB", count=len(values),
                     path="fixed cost: the controller on the head, one agent per node", **ctx)
            per_pod_ray = run(pss_per_pod(ray_eng, [ray_eng.pid, *cluster_roots], args.pss_pods, "ray"), 200)
            per_pod_local = run(pss_per_pod(local_eng, [local_eng.pid], args.pss_pods, "local"), 200)
            emit("ray_launch.executor_pss_per_running_pod_mb", round(per_pod_ray / 2**20, 2), "MB", executor="ray",
                 pods=args.pss_pods, local_executor_mb=round(per_pod_local / 2**20, 2), goal="<= 25",
                 path="engine + cluster processes, pods running minus idle, less the pods' own commands", **ctx)
            measured += 1
    finally:
        cluster.stop()
    if not measured:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
