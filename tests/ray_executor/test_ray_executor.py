"""The Ray executor against a real two-node Ray cluster on loopback (see conftest.py):
placement, exit codes, complete logs, progress, kill, restart as a new run, engine restart,
Ray's PENDING as STARTING, the head unreachable at launch, a worker node lost."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import grpc
import psutil
import pytest
from enginehelp import Client, EngineProcess, arun, sh_spec
from grpc_health.v1 import health_pb2, health_pb2_grpc
from raycluster import RayTestCluster, TcpForwarder

from pelorus.api import job_pb2, pod_pb2
from pelorus.api import job_service_pb2 as js
from pelorus.api import pod_service_pb2 as ps

# The first test also starts the session's cluster (~15-25 s on 2 busy cores).
pytestmark = [pytest.mark.ray, pytest.mark.slow, pytest.mark.timeout(300)]
J, P, S = job_pb2, pod_pb2, pod_pb2.LogLine
DONE = (J.JOB_STATE_SUCCEEDED, J.JOB_STATE_FAILED, J.JOB_STATE_KILLED)


async def logs(c: Client, pod_name: str, pod_id: str = "") -> list[pod_pb2.LogLine]:
    out: list[pod_pb2.LogLine] = []
    async for resp in c.pods.GetPodLogs(ps.GetPodLogsRequest(pod_name=pod_name, pod_id=pod_id)):
        out.extend(resp.lines)
    return out


def stdout(lines: list[pod_pb2.LogLine]) -> list[str]:
    return [ln.text for ln in lines if ln.stream == S.STREAM_STDOUT]


def pod_processes(pod_id: str) -> list[psutil.Process]:
    """The processes of one pod run (the agent starts them with PELORUS_POD_ID in the environment)."""
    out = []
    for p in psutil.process_iter(["pid"]):
        try:
            if p.environ().get("PELORUS_POD_ID") == pod_id:
                out.append(p)
        except psutil.Error:
            continue
    return out


def pending_placement_groups(cluster: RayTestCluster, prefix: str, settle: float = 5.0) -> list[dict]:
    """Placement groups of this job's pods that Ray still holds (not REMOVED), read through the
    dashboard's state API; waits up to `settle` s for them to go (an ended pod's group is removed
    right after its exit is reported)."""
    import json
    import urllib.request

    deadline = time.monotonic() + settle
    while True:
        url = f"{cluster.address}/api/v0/placement_groups?limit=10000&detail=true"
        with urllib.request.urlopen(url, timeout=10) as resp:
            groups = json.load(resp)["data"]["result"]["result"]
        held = [g for g in groups if g.get("name", "").startswith(prefix) and g.get("state") != "REMOVED"]
        if not held or time.monotonic() > deadline:
            return held
        time.sleep(0.2)


def node_ids(cluster: RayTestCluster) -> tuple[str, str]:
    nodes = cluster.alive_nodes()
    head = next(n["node_id"] for n in nodes if n["is_head_node"])
    worker = next(n["node_id"] for n in nodes if n.get("resources_total", {}).get("node2"))
    return head, worker


def test_bulk_job_runs_across_both_nodes_with_progress(ray_engine: EngineProcess, ray_cluster: RayTestCluster) -> None:
    head, worker = node_ids(ray_cluster)

    async def body() -> None:
        async with Client(ray_engine.address) as c:
            script = ("echo ::progress successful=0 failed=0 remaining=2; sleep 1.5; "
                      "echo ::progress successful=2 failed=0 remaining=0; echo done $PELORUS_INSTANCE_ID")
            spec = sh_spec("ray-bulk", script, instances=4)
            spec.default_spec.resources.cpu = 1  # one per node at a time: 4 pods need both nodes
            job_id = (await c.create(spec)).job_id
            st = await c.wait_state(job_id, *DONE, timeout=60)
            assert st.state == J.JOB_STATE_SUCCEEDED, st
            assert st.progress.successful == 8 and st.progress.remaining == 0, st.progress
            seen = set()
            for i in range(4):
                pod = (await c.pod(job_id, i)).current.status
                assert pod.executor == "ray" and pod.exit_code == 0 and pod.has_exit_code
                assert pod.node_id in (head, worker), pod
                assert pod.host and pod.node_id[:8] in pod.host or pod.host.endswith("/head"), pod.host
                assert pod.pod_id == f"{job_id}-{i}-1"
                seen.add(pod.node_id)
                assert stdout(await logs(c, f"{job_id}-{i}"))[-1] == f"done {i}"
            assert seen == {head, worker}

            pinned = sh_spec("ray-pinned", "echo pinned", instances=2)
            pinned.default_spec.resources.custom["node2"] = 1
            pinned_id = (await c.create(pinned)).job_id
            assert (await c.wait_state(pinned_id, *DONE, timeout=60)).state == J.JOB_STATE_SUCCEEDED
            for i in range(2):
                assert (await c.pod(pinned_id, i)).current.status.node_id == worker

    arun(body(), 120)


def test_exit_codes_and_logs_complete_to_the_last_line(ray_engine: EngineProcess) -> None:
    async def body() -> None:
        async with Client(ray_engine.address) as c:
            script = ('i=0; while [ $i -lt 300 ]; do i=$((i+1)); echo "line $i"; done; echo "to stderr" >&2; '
                      'printf "last line without newline"; exit $PELORUS_INSTANCE_ID')
            spec = sh_spec("ray-exits", script, instances=3)
            spec.default_spec.restart_policy = P.RESTART_POLICY_NEVER
            job_id = (await c.create(spec)).job_id
            await c.wait_state(job_id, J.JOB_STATE_FAILED, timeout=60)
            expected = [f"line {n}" for n in range(1, 301)] + ["last line without newline"]
            for i in range(3):
                pod = (await c.pod(job_id, i)).current.status
                assert pod.has_exit_code and pod.exit_code == i, pod
                assert pod.state == (P.POD_STATE_SUCCEEDED if i == 0 else P.POD_STATE_FAILED)
                assert pod.message.startswith(f"exited with code {i}"), pod.message
                lines = await logs(c, f"{job_id}-{i}")
                assert stdout(lines) == expected  # every line once, in order, the unfinished last one too
                assert [ln.text for ln in lines if ln.stream == S.STREAM_STDERR] == ["to stderr"]
                assert [ln.seq for ln in lines] == sorted({ln.seq for ln in lines})
            missing = (await c.create(sh_spec("ray-missing", "exit 0")))  # sanity: a trivial pod succeeds
            assert (await c.wait_state(missing.job_id, *DONE, timeout=60)).state == J.JOB_STATE_SUCCEEDED

    arun(body(), 120)


def test_kill_of_sigterm_ignoring_pod_with_a_child(ray_engine: EngineProcess, tmp_path: Path) -> None:
    pids = tmp_path / "pids"
    script = f"trap '' TERM; sleep 300 & echo $! > {pids}; echo $$ >> {pids}; echo ready; while :; do sleep 0.2; done"

    async def body() -> None:
        async with Client(ray_engine.address) as c:
            created = await c.create(sh_spec("ray-stubborn", script, kill_grace_period=1))
            job_id = created.job_id
            await c.wait_pod(job_id, 0, lambda p: p.status.state == P.POD_STATE_RUNNING, timeout=30, what="running")

            async def ready() -> bool:
                return "ready" in stdout(await logs(c, f"{job_id}-0"))

            deadline = time.monotonic() + 30
            while not await ready():
                assert time.monotonic() < deadline, "the pod never printed ready"
                await asyncio.sleep(0.1)
            procs = [psutil.Process(int(p)) for p in pids.read_text().split()]
            assert all(p.is_running() for p in procs)
            t0 = time.monotonic()
            st = await c.status(job_id)
            await c.jobs.StopJob(js.StopJobRequest(job_id=job_id, version=st.version))
            pod = await c.wait_pod(job_id, 0, lambda p: p.status.state == P.POD_STATE_KILLED, timeout=30,
                                   what="KILLED")
            took = time.monotonic() - t0
            assert "SIGKILL" in pod.status.message, pod.status.message
            assert 0.9 <= took < 15, took
            for p in procs:
                try:
                    p.wait(5)
                except psutil.TimeoutExpired:
                    pytest.fail(f"pod process {p.pid} survived the kill")

    arun(body(), 90)


def test_restart_is_a_new_run_with_a_new_pod_id(ray_engine: EngineProcess, ray_cluster: RayTestCluster) -> None:
    async def body() -> None:
        async with Client(ray_engine.address) as c:
            created = await c.create(sh_spec("ray-restart", "echo run $PELORUS_RUN; sleep 60", kill_grace_period=0))
            job_id = created.job_id
            await c.wait_pod(job_id, 0, lambda p: p.status.state == P.POD_STATE_RUNNING, timeout=30, what="running")
            # Ray's RUNNING can come before the shell has printed anything; a restart then would rightly
            # leave run 1 with no output, so wait for its line before restarting.
            deadline = time.monotonic() + 30
            while "run 1" not in stdout(await logs(c, f"{job_id}-0")):
                assert time.monotonic() < deadline, "run 1 printed nothing"
                await asyncio.sleep(0.1)
            await c.jobs.RestartJob(js.RestartJobRequest(job_id=job_id, version=created.version))
            pod = await c.wait_pod(job_id, 0, lambda p: p.status.run == 2 and p.status.state == P.POD_STATE_RUNNING,
                                   timeout=40, what="run 2 running")
            assert pod.status.pod_id == f"{job_id}-0-2" and pod.status.prev_pod_id == f"{job_id}-0-1"
            first = next(p.status for p in (await c.pod(job_id, 0)).previous if p.status.run == 1)
            assert first.state == P.POD_STATE_KILLED, first
            assert not pod_processes(f"{job_id}-0-1")
            deadline = time.monotonic() + 30
            while "run 2" not in stdout(await logs(c, f"{job_id}-0")):
                assert time.monotonic() < deadline
                await asyncio.sleep(0.1)
            assert stdout(await logs(c, f"{job_id}-0", f"{job_id}-0-1")) == ["run 1"]
            st = await c.status(job_id)
            await c.jobs.StopJob(js.StopJobRequest(job_id=job_id, version=st.version))
            await c.wait_state(job_id, J.JOB_STATE_KILLED, timeout=30)
            assert not pod_processes(f"{job_id}-0-2")
            assert not pending_placement_groups(ray_cluster, job_id)

    arun(body(), 120)


def test_engine_restarted_mid_run_re_adopts_pods(ray_engine_factory: type[EngineProcess]) -> None:
    first = ray_engine_factory().start()
    # Instance 2 ends while no engine runs: its exit and its last lines come with the re-adoption.
    script = ('n=40; [ "$PELORUS_INSTANCE_ID" = 2 ] && n=12; '
              'for i in $(seq 1 $n); do echo line $i; echo err $i >&2; sleep 0.1; done')

    async def before() -> str:
        async with Client(first.address) as c:
            job_id = (await c.create(sh_spec("ray-adopt", script, instances=3))).job_id
            deadline = time.monotonic() + 40
            while len(stdout(await logs(c, f"{job_id}-0"))) < 3:
                assert time.monotonic() < deadline, "no output before the engine restart"
                await asyncio.sleep(0.05)
            return job_id

    job_id = arun(before(), 60)
    first.kill9()
    time.sleep(1.0)
    second = ray_engine_factory().start()

    async def after() -> None:
        async with Client(second.address) as c:
            st = await c.wait_state(job_id, *DONE, timeout=40)
            assert st.state == J.JOB_STATE_SUCCEEDED, st
            for i in range(3):
                name = f"{job_id}-{i}"
                n = 12 if i == 2 else 40
                lines = await logs(c, name)
                assert stdout(lines) == [f"line {k}" for k in range(1, n + 1)]  # each once, in order
                errs = [ln.text for ln in lines if ln.stream == S.STREAM_STDERR]
                assert errs == [f"err {k}" for k in range(1, n + 1)]
                pod = (await c.pod(job_id, i)).current.status
                assert pod.run == 1 and pod.pod_id == f"{name}-1" and pod.node_id
                events = await c.pods.GetPodEvents(ps.GetPodEventsRequest(pod_name=name))
                assert any("re-adopted" in e.message for e in events.events)

    arun(after(), 60)


def test_controller_killed_pods_run_on_and_are_re_adopted(ray_engine_factory: type[EngineProcess],
                                                          ray_cluster: RayTestCluster) -> None:
    """The controller (a Ray job on the head) dies while pods print: the head is alive, so the
    engine starts a new controller, which finds the agents still running the pods; they end
    SUCCEEDED on their first run with every line once."""
    engine = ray_engine_factory().start()
    script = "for i in $(seq 1 100); do echo line $i; sleep 0.1; done"

    async def body() -> None:
        async with Client(engine.address) as c:
            job_id = (await c.create(sh_spec("ray-ctl-lost", script, instances=2))).job_id
            deadline = time.monotonic() + 40
            for i in range(2):
                while len(stdout(await logs(c, f"{job_id}-{i}"))) < 3:
                    assert time.monotonic() < deadline, "no output before the controller died"
                    await asyncio.sleep(0.05)
            mine = f":{ray_cluster.gcs_port}"
            killed = 0
            for p in psutil.process_iter(["pid", "cmdline"]):
                try:
                    if ("pelorus.engine.executors.ray_controller" in " ".join(p.info["cmdline"] or ())
                            and p.environ().get("RAY_ADDRESS", "").endswith(mine)):
                        p.kill()
                        killed += 1
                except psutil.Error:
                    continue
            assert killed == 1
            st = await c.wait_state(job_id, *DONE, timeout=90)
            assert st.state == J.JOB_STATE_SUCCEEDED, st
            for i in range(2):
                assert stdout(await logs(c, f"{job_id}-{i}")) == [f"line {n}" for n in range(1, 101)]
                pod = (await c.pod(job_id, i)).current.status
                assert (pod.run, pod.attempt) == (1, 1), pod

    arun(body(), 150)


def test_worker_node_lost_mid_pod(ray_engine: EngineProcess, ray_cluster: RayTestCluster) -> None:
    """A node of its own (resource node3) is SIGKILLed under a running pod: within 10 s the run
    is LOST with the reason, every line it printed before the kill is kept, its processes are
    gone, and it is retried per the job's policy."""
    node = ray_cluster.start_worker(resources={"node3": 1})

    async def body() -> None:
        async with Client(ray_engine.address) as c:
            await wait_engine_sees_resource(c, "node3")
            spec = sh_spec("ray-node-lost", "for i in 1 2 3 4 5; do echo line $i; done; echo up; sleep 120",
                           kill_grace_period=0)
            spec.default_spec.resources.custom["node3"] = 1
            spec.default_spec.restart_policy = P.RESTART_POLICY_ON_FAILURE
            spec.default_spec.max_attempts = 2
            created = await c.create(spec)
            job_id = created.job_id
            deadline = time.monotonic() + 40
            while "up" not in stdout(await logs(c, f"{job_id}-0")):
                assert time.monotonic() < deadline, "the pod never started on the extra node"
                await asyncio.sleep(0.1)
            procs = pod_processes(f"{job_id}-0-1")
            assert procs
            t0 = time.monotonic()
            ray_cluster.kill_node(node)
            pod = await c.pod(job_id, 0)
            while not any(p.status.run == 1 for p in pod.previous):
                assert time.monotonic() - t0 < 10, f"run 1 still not ended 10 s after its node died: {pod.current}"
                await asyncio.sleep(0.2)
                pod = await c.pod(job_id, 0)
            first = next(p for p in pod.previous if p.status.run == 1).status
            assert first.state == P.POD_STATE_LOST, first
            assert "node" in first.message and "gone" in first.message, first.message
            assert stdout(await logs(c, f"{job_id}-0", f"{job_id}-0-1")) == [f"line {i}" for i in range(1, 6)] + ["up"]
            for p in procs:
                try:
                    p.wait(15)
                except psutil.TimeoutExpired:
                    pytest.fail(f"pod process {p.pid} outlived its node")
            assert pod.current.status.run == 2 and pod.current.status.attempt == 2  # retried per the policy
            # Run 2 asks for node3, which no alive node has any more: unschedulable, with the reason.
            pod = await c.wait_pod(job_id, 0, lambda p: p.status.reason == "UNSCHEDULABLE", timeout=15,
                                   what="unschedulable")
            assert "node3 1" in pod.status.message and "node3 0" in pod.status.message, pod.status.message
            st = await c.status(job_id)
            await c.jobs.StopJob(js.StopJobRequest(job_id=job_id, version=st.version))
            await c.wait_state(job_id, J.JOB_STATE_KILLED, timeout=10)
            assert not pending_placement_groups(ray_cluster, job_id)

    try:
        arun(body(), 150)
    finally:
        ray_cluster.kill_node(node)


def test_pod_no_node_can_fit_is_refused_at_create(ray_engine: EngineProcess) -> None:
    """cpu 8 on a cluster of 1-CPU nodes that does not grow (the engine runs without
    --ray-autoscaling): CreateJob and ReplaceJob fail with INVALID_ARGUMENT naming the resource
    and the largest node, and nothing is created or changed."""
    async def body() -> None:
        async with Client(ray_engine.address) as c:
            deadline = time.monotonic() + 60  # the engine judges from the nodes the controller reports
            while await executor_health(c) != health_pb2.HealthCheckResponse.SERVING:
                assert time.monotonic() < deadline, "the engine never reached the Ray cluster"
                await asyncio.sleep(0.2)
            spec = sh_spec("ray-never-fits", "echo never", instances=2)
            spec.default_spec.resources.cpu = 8
            with pytest.raises(grpc.aio.AioRpcError) as info:
                await c.create(spec)
            assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT, info.value
            why = info.value.details() or ""
            assert "spec.default_spec.resources" in why and "asks for cpu 8, the largest node has cpu 1" in why, why
            assert "--ray-autoscaling" in why, why
            with pytest.raises(grpc.aio.AioRpcError) as info:  # nothing was created in the store
                await c.jobs.GetJobIDFromJobName(js.GetJobIDFromJobNameRequest(job_name="ray-never-fits"),
                                                 metadata=c.metadata, timeout=10)
            assert info.value.code() == grpc.StatusCode.NOT_FOUND, info.value

            fits = sh_spec("ray-fits-then-not", "sleep 30")
            created = await c.create(fits)
            fits.default_spec.resources.custom["gpu_x"] = 1
            with pytest.raises(grpc.aio.AioRpcError) as info:
                await c.jobs.ReplaceJob(js.ReplaceJobRequest(job_id=created.job_id, version=created.version,
                                                             spec=fits), metadata=c.metadata, timeout=10)
            assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT, info.value
            assert "gpu_x 1, the largest node has gpu_x 0" in (info.value.details() or ""), info.value.details()
            got = await c.get(created.job_id)
            assert not got.job_info.spec.default_spec.resources.custom and got.job_info.status.version.value == \
                created.version.value
            st = await c.status(created.job_id)
            await c.jobs.StopJob(js.StopJobRequest(job_id=created.job_id, version=st.version))

    arun(body(), 90)


def test_pod_no_node_can_fit_waits_unschedulable_when_the_cluster_may_grow_and_stops(
        ray_engine_factory: type[EngineProcess], ray_cluster: RayTestCluster) -> None:
    """With --ray-autoscaling (a node that large may join), cpu 8 on a cluster of 1-CPU nodes is
    accepted and STARTING with reason UNSCHEDULABLE naming the resource and the largest node;
    StopJob ends it within 10 s and leaves no placement group in Ray."""
    engine = ray_engine_factory(None, "--ray-autoscaling").start()

    async def body() -> None:
        async with Client(engine.address) as c:
            spec = sh_spec("ray-too-big", "echo never", instances=2)
            spec.default_spec.resources.cpu = 8
            job_id = (await c.create(spec)).job_id
            for i in range(2):
                pod = await c.wait_pod(job_id, i, lambda p: p.status.reason == "UNSCHEDULABLE", timeout=60,
                                       what="unschedulable")
                assert pod.status.state == P.POD_STATE_STARTING, pod.status
                assert "asks for cpu 8, the largest node has cpu 1" in pod.status.message, pod.status.message
                assert "starts if a node that large joins" in pod.status.message, pod.status.message
            # The groups are created right after the launch is answered (in a batch, off the
            # controller's loop), so UNSCHEDULABLE can be shown a moment before Ray lists them.
            deadline = time.monotonic() + 10
            while len(groups := pending_placement_groups(ray_cluster, job_id, settle=0)) < 2 and \
                    time.monotonic() < deadline:
                await asyncio.sleep(0.2)
            assert len(groups) == 2, groups
            st = await c.status(job_id)
            t0 = time.monotonic()
            await c.jobs.StopJob(js.StopJobRequest(job_id=job_id, version=st.version))
            await c.wait_state(job_id, J.JOB_STATE_KILLED, timeout=10)
            assert time.monotonic() - t0 < 10
            assert not pending_placement_groups(ray_cluster, job_id)
            pod = (await c.pod(job_id, 0)).current.status
            assert pod.state == P.POD_STATE_KILLED and "never placed" in pod.message, pod
            assert not stdout(await logs(c, f"{job_id}-0"))

    arun(body(), 120)


def test_ray_pending_is_starting_until_ray_runs_it(ray_engine: EngineProcess) -> None:
    """Two pods for the one node2 slot: Ray runs one and keeps the other PENDING, which the
    engine shows as STARTING with Ray's reason; each goes RUNNING when Ray says so."""
    async def body() -> None:
        async with Client(ray_engine.address) as c:
            spec = sh_spec("ray-queued", "echo start; sleep 4", instances=2)
            spec.default_spec.resources.custom["node2"] = 1
            job_id = (await c.create(spec)).job_id
            deadline = time.monotonic() + 40
            while True:
                pods = [(await c.pod(job_id, i)).current.status for i in range(2)]
                states = sorted(p.state for p in pods)
                # Ray's reason is shown once the pod has waited a moment (PENDING_NOTICE).
                if states == [P.POD_STATE_STARTING, P.POD_STATE_RUNNING] and any(
                        p.reason == "RAY_PENDING" for p in pods):
                    break
                assert time.monotonic() < deadline, pods
                await asyncio.sleep(0.1)
            waiting = next(p for p in pods if p.state == P.POD_STATE_STARTING)
            running = next(p for p in pods if p.state == P.POD_STATE_RUNNING)
            assert waiting.reason == "RAY_PENDING" and waiting.message.startswith("Ray: PENDING: "), waiting
            assert not waiting.HasField("started_at")
            assert running.reason == "RAY_RUNNING" and running.message.startswith("Ray: RUNNING on node "), running
            assert running.HasField("started_at") and running.node_id
            assert (await c.wait_state(job_id, *DONE, timeout=60)).state == J.JOB_STATE_SUCCEEDED
            for i in range(2):
                name = f"{job_id}-{i}"
                events = (await c.pods.GetPodEvents(ps.GetPodEventsRequest(pod_name=name))).events
                order = [e.actual_state for e in events]
                assert P.POD_STATE_STARTING in order and P.POD_STATE_RUNNING in order, order
                assert order.index(P.POD_STATE_STARTING) < order.index(P.POD_STATE_RUNNING), order
                assert stdout(await logs(c, name)) == ["start"]

    arun(body(), 120)


async def executor_health(c: Client) -> int:
    stub = health_pb2_grpc.HealthStub(c.channel)
    return (await stub.Check(health_pb2.HealthCheckRequest(service="pelorus.v1.Executor"))).status


async def wait_engine_sees_resource(c: Client, resource: str, timeout: float = 20.0) -> None:
    """Until the engine's executor reports a node with `resource` (it judges at CreateJob whether
    a pod can ever fit from the nodes the controller reports every second)."""
    import json

    from pelorus.client import EXECUTOR_DETAILS_KEY

    stub = health_pb2_grpc.HealthStub(c.channel)
    deadline = time.monotonic() + timeout
    while True:
        call = stub.Check(health_pb2.HealthCheckRequest(service="pelorus.v1.Executor"))
        await call
        trailing = dict(await call.trailing_metadata() or ())
        if resource in json.loads(json.loads(trailing.get(EXECUTOR_DETAILS_KEY) or "{}").get("ray_resources", "{}")):
            return
        assert time.monotonic() < deadline, f"the engine never saw a node with {resource}: {trailing}"
        await asyncio.sleep(0.2)


def test_head_unreachable_pods_wait_pending_then_launch(ray_engine_factory: type[EngineProcess],
                                                         ray_cluster: RayTestCluster) -> None:
    """The engine talks to the head through a relay that is closed at first: pods stay
    PENDING with the reason (no attempt spent, restart policy NEVER), the health says
    NOT_SERVING; once the relay opens they launch, run once and succeed."""
    relay = TcpForwarder(ray_cluster.dashboard_port)
    engine = ray_engine_factory(None, "--ray-address", relay.address).start()

    async def body() -> None:
        async with Client(engine.address) as c:
            spec = sh_spec("ray-head-down", "echo hello $PELORUS_INSTANCE_ID", instances=2)
            spec.default_spec.restart_policy = P.RESTART_POLICY_NEVER
            job_id = (await c.create(spec)).job_id
            deadline = time.monotonic() + 30
            while True:
                pod = (await c.pod(job_id, 0)).current.status
                if pod.reason == "EXECUTOR_UNAVAILABLE":
                    break
                assert time.monotonic() < deadline, pod
                await asyncio.sleep(0.1)
            assert pod.state == P.POD_STATE_PENDING, pod
            assert f"Ray head {relay.address} unreachable: " in pod.message, pod.message
            assert "launch retried in" in pod.message, pod.message
            deadline = time.monotonic() + 10
            while await executor_health(c) != health_pb2.HealthCheckResponse.NOT_SERVING:
                assert time.monotonic() < deadline, "health never said NOT_SERVING"
                await asyncio.sleep(0.2)
            await asyncio.sleep(3)  # a few retries later: still waiting, nothing spent
            for i in range(2):
                # Each retry passes through LAUNCHING (durable before the executor is asked), so a
                # look may catch one mid-retry: it must come back to PENDING, on the same run/attempt.
                deadline = time.monotonic() + 15
                while True:
                    pod = (await c.pod(job_id, i)).current.status
                    assert (pod.run, pod.attempt) == (1, 1), pod
                    if pod.state == P.POD_STATE_PENDING and pod.reason == "EXECUTOR_UNAVAILABLE":
                        break
                    assert pod.state == P.POD_STATE_LAUNCHING and time.monotonic() < deadline, pod
                    await asyncio.sleep(0.05)

            relay.open()
            st = await c.wait_state(job_id, *DONE, timeout=90)
            assert st.state == J.JOB_STATE_SUCCEEDED, st
            for i in range(2):
                pod = (await c.pod(job_id, i)).current.status
                assert (pod.run, pod.attempt, pod.exit_code) == (1, 1, 0), pod
                assert pod.node_id and pod.reason == "SUCCEEDED", pod
                assert stdout(await logs(c, f"{job_id}-{i}")) == [f"hello {i}"]
            deadline = time.monotonic() + 20
            while await executor_health(c) != health_pb2.HealthCheckResponse.SERVING:
                assert time.monotonic() < deadline, "health never came back to SERVING"
                await asyncio.sleep(0.2)

    try:
        arun(body(), 180)
    finally:
        relay.close()


class _Recorder:
    """ExecutorEvents for an executor driven directly (no engine)."""

    def __init__(self) -> None:
        self.lines: list[tuple[int, str]] = []
        self.calls: list[str] = []
        self.exited: asyncio.Future | None = None

    def on_output(self, pod_id, stream, lines) -> None:
        self.lines.extend((int(stream), ln) for ln in lines)

    def on_exited(self, pod_id, info) -> None:
        self.calls.append("exited")
        assert self.exited is not None and not self.exited.done(), "on_exited twice"
        self.exited.set_result(info)

    def on_placed(self, pod_id, handle) -> None:
        self.calls.append("placed")

    def on_starting(self, pod_id, reason, message) -> None:
        self.calls.append("starting")

    def on_running(self, pod_id, reason, message) -> None:
        self.calls.append("running")


def test_launch_finds_a_pod_whose_answer_was_lost(ray_cluster: RayTestCluster) -> None:
    """The controller took the pod but the engine that asked went away before it heard more (its
    connection dropped): the retried launch, from another executor, is told the pod exists and
    watches it - the pod runs once, the lines printed before the takeover are re-read from the
    node's spool file, and nothing is reported twice."""
    import uuid

    from pelorus.engine.executors.base import LaunchRequest
    from pelorus.engine.executors.ray import RayExecutor

    job = f"lost-answer-{uuid.uuid4().hex[:8]}"
    request = LaunchRequest(pod_id=f"{job}-0-1", pod_name=f"{job}-0", job_id=job, instance_id=0, command="sh",
                            args=("-c", "echo first; sleep 1.5; echo second; echo err >&2"))

    async def body() -> None:
        first_events = _Recorder()
        first = RayExecutor(first_events, ray_cluster.address)
        await first.start()
        await first.launch(request)
        deadline = time.monotonic() + 30
        while not pod_processes(request.pod_id):
            assert time.monotonic() < deadline, "the pod never started"
            await asyncio.sleep(0.05)
        await first.close()  # its answers are lost from here on
        events = _Recorder()
        events.exited = asyncio.get_running_loop().create_future()
        ex = RayExecutor(events, ray_cluster.address)
        await ex.start()
        try:
            handle = await ex.launch(request)  # the retry of the launch whose answer was lost
            assert handle.token == request.pod_id
            info = await asyncio.wait_for(events.exited, 60)
            assert (info.exit_code, info.reason) == (0, "SUCCEEDED"), info
            assert [t for s, t in events.lines if s == 0] == ["first", "second"], events.lines
            assert [t for s, t in events.lines if s == 1] == ["err"], events.lines
            assert events.calls.count("running") == 1 and events.calls[-1] == "exited", events.calls
            assert ex.output_offsets(request.pod_id) == {0: len("first\nsecond\n"), 1: len("err\n")}
        finally:
            await ex.close()

    arun(body(), 90)


def test_head_unreachable_mid_run_loses_nothing(ray_engine_factory: type[EngineProcess],
                                                ray_cluster: RayTestCluster) -> None:
    """The head goes away (relay closed) while pods print: they stay RUNNING (not LOST),
    the health says NOT_SERVING; when it is back they finish with every line, once."""
    relay = TcpForwarder(ray_cluster.dashboard_port).open()
    engine = ray_engine_factory(None, "--ray-address", relay.address).start()
    script = "for i in $(seq 1 80); do echo line $i; sleep 0.1; done"

    async def body() -> None:
        async with Client(engine.address) as c:
            job_id = (await c.create(sh_spec("ray-head-blip", script, instances=2))).job_id
            deadline = time.monotonic() + 40
            for i in range(2):
                while len(stdout(await logs(c, f"{job_id}-{i}"))) < 3:
                    assert time.monotonic() < deadline, "no output before the head went away"
                    await asyncio.sleep(0.05)
            relay.close()
            deadline = time.monotonic() + 15
            while await executor_health(c) != health_pb2.HealthCheckResponse.NOT_SERVING:
                assert time.monotonic() < deadline, "health never said NOT_SERVING"
                await asyncio.sleep(0.2)
            await asyncio.sleep(2)
            for i in range(2):
                pod = (await c.pod(job_id, i)).current.status
                assert pod.state == P.POD_STATE_RUNNING, pod  # nobody knows it ended: not LOST
            relay.open()
            st = await c.wait_state(job_id, *DONE, timeout=60)
            assert st.state == J.JOB_STATE_SUCCEEDED, st
            for i in range(2):
                assert stdout(await logs(c, f"{job_id}-{i}")) == [f"line {n}" for n in range(1, 81)]
                pod = (await c.pod(job_id, i)).current.status
                assert (pod.run, pod.attempt) == (1, 1), pod

    try:
        arun(body(), 150)
    finally:
        relay.close()
