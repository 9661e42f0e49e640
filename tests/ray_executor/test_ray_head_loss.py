"""The Ray head killed under running pods and started again, on a cluster of this module's own
(the session's cluster is left alone): the pods turn LOST with the reason within 10 s and their
processes end, on the worker node too; the engine backs off (a handful of dashboard requests
however many pods), the health says NOT_SERVING; pods created meanwhile wait PENDING and launch
within 2 s of health SERVING once the head is back and run to their end."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import pytest
from enginehelp import Client, EngineProcess, arun, sh_spec
from grpc_health.v1 import health_pb2
from raycluster import RayTestCluster, TcpForwarder, need_ray
from test_ray_executor import executor_health, logs, pod_processes, stdout

from pelorus.api import job_pb2, pod_pb2
from pelorus.api import job_service_pb2 as js
from pelorus.api import pod_service_pb2 as ps

pytestmark = [pytest.mark.ray, pytest.mark.slow, pytest.mark.timeout(400)]
J, P = job_pb2, pod_pb2


async def unfinished_pods_report(c: Client, job_id: str, instances: int, engine: EngineProcess,
                                 cluster: RayTestCluster) -> str:
    """For a failure message: each pod of the job that has not ended, with what the engine
    (its status, its events, its log) and Ray's side (the pelorus controller's and agents' logs)
    last said about it."""
    out = []
    for i in range(instances):
        pod = (await c.pod(job_id, i)).current.status
        if pod.state in (P.POD_STATE_SUCCEEDED, P.POD_STATE_FAILED, P.POD_STATE_KILLED, P.POD_STATE_LOST):
            continue
        events = (await c.pods.GetPodEvents(ps.GetPodEventsRequest(pod_name=f"{job_id}-{i}"),
                                            metadata=c.metadata, timeout=10)).events
        engine_log = [line for line in engine.log().splitlines() if pod.pod_id and pod.pod_id in line][-15:]
        ray_log = cluster.log_lines_about(pod.pod_id) if pod.pod_id else []
        out.append("\n".join([
            f"pod {pod.pod_id or f'{job_id}-{i}'}: {P.PodState.Name(pod.state)} reason={pod.reason!r} "
            f"message={pod.message!r} host={pod.host!r} node={pod.node_id!r}",
            "  engine events: " + "; ".join(f"{P.PodState.Name(e.actual_state)} {e.reason} {e.message}"
                                            for e in events[-8:]),
            "  engine log:", *(f"    {line}" for line in engine_log or ["(nothing names the pod)"]),
            "  Ray (controller / agents):", *(f"    {line}" for line in ray_log or ["(nothing names the pod)"]),
        ]))
    return "\n".join(out) or "(every pod has ended)"


@pytest.fixture
def own_cluster() -> Iterator[RayTestCluster]:
    need_ray()
    cluster = RayTestCluster().start()
    try:
        yield cluster
    finally:
        cluster.stop()


def test_head_killed_and_restarted(own_cluster: RayTestCluster, engine_factory, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cluster = own_cluster
    relay = TcpForwarder(cluster.dashboard_port).open()
    engine: EngineProcess = engine_factory(tmp_path / "e", "--executor", "ray", "--ray-address", relay.address).start()

    jobs: list[tuple[str, int]] = []  # (job id, instances), for the failure report

    async def body() -> None:
        async with Client(engine.address) as c:
            try:
                await steps(c)
            except AssertionError as exc:
                reports = [await unfinished_pods_report(c, job, n, engine, cluster) for job, n in jobs]
                raise AssertionError("\n".join([str(exc), *reports])) from None

    async def steps(c: Client) -> None:
        spec = sh_spec("ray-head-lost", "echo up; sleep 300", instances=6, kill_grace_period=0)
        spec.default_spec.restart_policy = P.RESTART_POLICY_NEVER
        job_id = (await c.create(spec)).job_id
        jobs.append((job_id, 6))
        for i in range(6):
            await c.wait_pod(job_id, i, lambda p: p.status.state == P.POD_STATE_RUNNING, timeout=60,
                             what="running")
        assert all(pod_processes(f"{job_id}-{i}-1") for i in range(6))

        t0 = time.monotonic()
        cluster.kill_head()
        for i in range(6):
            pod = await c.wait_pod(job_id, i, lambda p: p.status.state == P.POD_STATE_LOST, timeout=12,
                                   what="LOST")
            assert "Ray" in pod.status.message, pod.status.message
        took = time.monotonic() - t0
        assert took < 10, took
        # Their processes end too, on the worker node as well (its agent sees the head gone),
        # not a minute later when the worker's raylet gives up on the head.
        while left := [p.pid for i in range(6) for p in pod_processes(f"{job_id}-{i}-1")]:
            assert time.monotonic() - t0 < 12, f"pod processes {left} outlived the head by 12 s"
            await asyncio.sleep(0.2)
        gone = time.monotonic() - t0
        deadline = time.monotonic() + 10
        while await executor_health(c) != health_pb2.HealthCheckResponse.NOT_SERVING:
            assert time.monotonic() < deadline, "health never said NOT_SERVING"
            await asyncio.sleep(0.2)

        # Backing off: a few dashboard connections in 8 s, not one per pod per poll.
        before = relay.accepted
        pending = sh_spec("ray-head-back", "echo hello $PELORUS_INSTANCE_ID", instances=3)
        pending_id = (await c.create(pending)).job_id
        jobs.append((pending_id, 3))
        await asyncio.sleep(8)
        assert relay.accepted - before <= 12, relay.accepted - before
        print(f"LOST {took:.1f} s after the head died, processes gone after {gone:.1f} s; "
              f"{relay.accepted - before} dashboard connections in 8 s")
        for i in range(3):
            pod = (await c.pod(pending_id, i)).current.status
            assert pod.state in (P.POD_STATE_PENDING, P.POD_STATE_LAUNCHING), pod
        await asyncio.sleep(10)  # the launch backoff grows meanwhile (1, 2, 4, 8 ... s)

        await asyncio.to_thread(cluster.restart_head)
        deadline = time.monotonic() + 90
        while await executor_health(c) != health_pb2.HealthCheckResponse.SERVING:
            assert time.monotonic() < deadline, "health never came back to SERVING"
            await asyncio.sleep(0.1)
        serving = time.monotonic()
        for i in range(3):
            await c.wait_pod(pending_id, i, lambda p: p.status.state != P.POD_STATE_PENDING, timeout=10,
                             what="launched")
        assert time.monotonic() - serving < 2.5, time.monotonic() - serving
        print(f"held-back pods launched {time.monotonic() - serving:.1f} s after health SERVING")
        st = await c.wait_state(pending_id, J.JOB_STATE_SUCCEEDED, J.JOB_STATE_FAILED, timeout=60)
        pods = [(await c.pod(pending_id, i)).current.status for i in range(3)]
        assert st.state == J.JOB_STATE_SUCCEEDED, [(p.state, p.reason, p.message) for p in pods]
        for i in range(3):  # the output of a pod that ended at once is all there too
            assert stdout(await logs(c, f"{pending_id}-{i}")) == [f"hello {i}"]
        st = await c.status(job_id)
        await c.jobs.StopJob(js.StopJobRequest(job_id=job_id, version=st.version))

    try:
        arun(body(), 330)
    finally:
        relay.close()
