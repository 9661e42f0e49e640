"""Pieces of the Ray executor that need no cluster: the install hint without Ray, and the
log splitter (Ray's entrypoint line cut out of the command's output, offsets, no duplicates)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from enginehelp import ROOT
from raycluster import need_ray

BLOCK_RAY = "import sys; sys.modules['ray'] = None; sys.modules['ray.job_submission'] = None\n"


def test_executor_ray_without_ray_says_how_to_install(tmp_path) -> None:
    code = BLOCK_RAY + ("from pelorus.engine.serve import main\n"
                        f"raise SystemExit(main(['--data-dir', {str(tmp_path)!r}, '--executor', 'ray']))")
    proc = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True, cwd=ROOT,
                          timeout=60)
    assert proc.returncode != 0
    assert "pip install -e '.[ray]'" in proc.stderr, proc.stderr
    assert not (tmp_path / "engine.sock").exists()


def test_unschedulable_names_the_resource_and_the_largest_node() -> None:
    """The reason a pod can never be placed, from the alive nodes' totals (no Ray needed)."""
    from pelorus.engine.executors.ray_controller import unschedulable

    nodes = {
        "a": {"alive": True, "name": "head", "resources": {"CPU": 1.0, "memory": 8 * 2**30}},
        "b": {"alive": True, "name": "big", "resources": {"CPU": 2.0, "memory": 4 * 2**30, "gpu_x": 1.0}},
        "c": {"alive": False, "name": "dead", "resources": {"CPU": 64.0, "gpu_x": 8.0}},
    }
    assert unschedulable({"CPU": 2.0}, nodes) == ""
    assert unschedulable({"CPU": 0.1, "gpu_x": 1.0}, nodes) == ""
    why = unschedulable({"CPU": 8.0}, nodes)
    assert "asks for cpu 8, the largest node has cpu 2 (big)" in why, why  # the dead node does not count
    why = unschedulable({"CPU": 0.5, "gpu_x": 2.0}, nodes)
    assert "gpu_x 2" in why and "gpu_x 1 (big)" in why, why
    why = unschedulable({"CPU": 0.1, "memory": 16 * 2**30}, nodes)
    assert "memory 16384 MiB" in why and "memory 8192 MiB (head)" in why, why
    # Each resource fits somewhere, but no node has both together.
    why = unschedulable({"CPU": 2.0, "memory": 8 * 2**30}, nodes)
    assert why == "no single Ray node has all the resources this pod asks for together", why
    assert unschedulable({"CPU": 8.0}, {}) == ""  # no node known yet: nothing to say
    # A cluster that does not grow: the reason says so, and how to say that it does.
    why = unschedulable({"CPU": 8.0}, nodes, may_grow=False)
    assert "asks for cpu 8, the largest node has cpu 2 (big)" in why and "--ray-autoscaling" in why, why
    assert "joins" not in why, why


@pytest.mark.ray
@pytest.mark.slow
def test_health_reports_an_unreachable_ray_head(engine_factory: Any, tmp_path: Path) -> None:
    need_ray()
    import asyncio

    from enginehelp import Client, arun
    from grpc_health.v1 import health_pb2, health_pb2_grpc

    engine = engine_factory(tmp_path / "e", "--executor", "ray", "--ray-address", "http://127.0.0.1:9").start()

    async def body() -> None:
        async with Client(engine.address) as c:
            health = health_pb2_grpc.HealthStub(c.channel)
            overall = await health.Check(health_pb2.HealthCheckRequest(service=""))
            assert overall.status == health_pb2.HealthCheckResponse.SERVING  # the engine itself serves
            for _ in range(100):
                resp = await health.Check(health_pb2.HealthCheckRequest(service="pelorus.v1.Executor"))
                if resp.status == health_pb2.HealthCheckResponse.NOT_SERVING:
                    return
                await asyncio.sleep(0.1)
            raise AssertionError("the executor health never reported the unreachable Ray head")

    arun(body(), timeout=30)


@pytest.mark.slow
def test_without_ray_the_ray_tests_skip_locally_and_fail_in_ci(tmp_path: Path) -> None:
    """The gate itself, in a child interpreter where `import ray` fails."""
    test = tmp_path / "test_gate.py"
    test.write_text("from raycluster import need_ray\n\ndef test_needs_ray():\n    need_ray()\n")
    code = BLOCK_RAY + "import sys, pytest\nraise SystemExit(pytest.main(sys.argv[1:]))"
    for ci, want_rc, want in (("", 0, "1 skipped"), ("true", 1, "1 failed")):
        env = {k: v for k, v in __import__("os").environ.items() if k != "CI"}
        if ci:
            env["CI"] = ci
        proc = subprocess.run([sys.executable, "-c", code, "-q", "-p", "no:cacheprovider", "--rootdir", str(tmp_path),
                               "-o", f"pythonpath={Path(__file__).parent}", str(test)],
                              capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)
        assert proc.returncode == want_rc and want in proc.stdout, (ci, proc.stdout, proc.stderr)
        if ci:
            assert "CI=true, so the Ray tests must run" in proc.stdout


def test_readme_install_command_is_what_ci_runs_and_installs_ray() -> None:
    """CI must run the Ray tests, so the test set-up it runs (.ci/run = ./dev test) pulls Ray in,
    and the README's manual install line is the same."""
    import re

    readme = (ROOT / "README.md").read_text()
    ci_script = (ROOT / ".ci" / "run").read_text()
    dev = (ROOT / "dev").read_text()
    assert re.search(r"^exec \./dev test$", ci_script, re.M), ".ci/run does not run ./dev test"
    dev_extras = re.search(r'\[ "\$1" = test \] && target="\.\[([^\]]*)\]"', dev)
    assert dev_extras, "./dev lost its test install line"
    manual = re.search(r"^\.venv/bin/python -m pip install -e '\.\[([^\]]*)\]'$", readme, re.M)
    assert manual, "README lost its manual install line"
    assert manual.group(1) == dev_extras.group(1)
    extras = dev_extras.group(1).split(",")
    assert "test" in extras and "ray" in extras, extras


# ---------------------------------------------------------------- the controller against fake agents


class _Method:
    def __init__(self, fn: Any) -> None:
        self.fn = fn

    def remote(self, *args: Any) -> Any:
        import asyncio

        return asyncio.ensure_future(self.fn(*args))


class _FakeAgent:
    """The agent's poll / launch / adopt, with what Ray allows of an async actor: its first
    poll (the one that fixes where the controller's event stream starts) may run after calls
    made later (here it waits 0.3 s, meanwhile a launch could start and end a pod)."""

    def __init__(self, lose_exits: bool = False) -> None:
        import asyncio

        self.seq = 0
        self.events: list[tuple[int, dict[str, Any]]] = []
        self.ended: dict[str, dict[str, Any]] = {}
        self.calls: list[str] = []
        self.changed = asyncio.Event()
        self.lose_exits = lose_exits
        self.poll, self.launch, self.adopt = _Method(self._poll), _Method(self._launch), _Method(self._adopt)
        self.launch_many = _Method(self._launch_many)

    def emit(self, ev: dict[str, Any]) -> None:
        self.seq += 1
        self.events.append((self.seq, ev))
        self.changed.set()

    async def _poll(self, since: int, timeout: float) -> dict[str, Any]:
        import asyncio

        self.calls.append("poll")
        if since >= 1 << 62:
            await asyncio.sleep(0.3)
            self.calls.append("first poll answers")
        elif self.seq <= since:
            self.changed.clear()
            try:
                await asyncio.wait_for(self.changed.wait(), timeout)
            except TimeoutError:
                pass
        return {"seq": self.seq, "events": [e for s, e in self.events if s > since], "running": [], "pid": 1}

    async def _launch(self, request: dict[str, Any]) -> dict[str, Any]:
        self.calls.append("launch")
        pod = request["pod_id"]
        self.emit({"ev": "output", "pod": pod, "stream": 0, "start": 0, "end": 6, "lines": ["hello"]})
        end = {"ev": "exited", "pod": pod, "exit_code": 0, "reason": "SUCCEEDED", "message": "exited with code 0",
               "lost": False, "offsets": {0: 6, 1: 0}}
        self.ended[pod] = end
        if not self.lose_exits:
            self.emit(end)
        return {"ok": True, "pid": 42}

    async def _launch_many(self, requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [await self._launch(r) for r in requests]

    async def _adopt(self, pod_id: str, offsets: dict[str, int]) -> dict[str, Any]:
        self.calls.append("adopt")
        if pod_id in self.ended:
            return {"state": "ended", "exit": self.ended[pod_id], "seq": self.seq,
                    "output": [{"ev": "output", "pod": pod_id, "stream": 0, "start": 0, "end": 6, "lines": ["hello"]}]}
        return {"state": "unknown"}


class _Writer:
    def __init__(self) -> None:
        self.data = b""

    def write(self, data: bytes) -> None:
        self.data += data


def _run_one_pod(agent: _FakeAgent) -> list[dict[str, Any]]:
    """A controller places one pod on a node whose agent it has not started yet; what the
    engine's connection received."""
    import asyncio
    import json

    from pelorus.engine.executors import ray_controller as rc

    class AgentClass:
        def options(self, **_: Any) -> Any:
            return self

        def remote(self, node_id: str) -> _FakeAgent:
            return agent

    async def body() -> list[dict[str, Any]]:
        ctl = rc.Controller("token")
        ctl.agent_cls = AgentClass()
        writer = _Writer()
        conn = rc.Conn(writer)  # type: ignore[arg-type]
        pod = rc.CPod(pod_id="job-0-1", request={"pod_id": "job-0-1"}, bundle={"CPU": 0.1}, owner=conn)
        ctl.pods[pod.pod_id] = pod
        ctl.placed(pod, "ab" * 28)  # a node id as Ray writes them
        for _ in range(100):
            events = [json.loads(line) for line in writer.data.splitlines()]
            if any(e["ev"] == "exited" for e in events):
                break
            await asyncio.sleep(0.05)
        for task in [*ctl.tasks, *ctl.agent_tasks.values()]:
            task.cancel()
        return events

    return asyncio.run(body())


def test_controller_asks_an_agent_nothing_before_its_first_poll_answered() -> None:
    """The flake of test_head_killed_and_restarted: right after a (new) controller started an
    agent, Ray ran a pod's launch before the agent's first poll, the pod ended before that poll
    read where the event stream starts, and its exit was behind the start: RUNNING for ever."""
    need_ray()
    agent = _FakeAgent()
    events = _run_one_pod(agent)
    assert agent.calls.index("first poll answers") < agent.calls.index("launch"), agent.calls
    assert "adopt" not in agent.calls, agent.calls  # the exit came with the events, not read back
    assert [e["ev"] for e in events] == ["placed", "running", "output", "exited"], events
    assert events[-1]["reason"] == "SUCCEEDED" and events[2]["lines"] == ["hello"]


def test_controller_reads_back_an_exit_that_never_came() -> None:
    """The agent's answer lists what it runs: a pod the controller takes for running that the
    agent no longer runs, without its exit among the events, is read back from the agent."""
    need_ray()
    agent = _FakeAgent(lose_exits=True)
    events = _run_one_pod(agent)
    assert "adopt" in agent.calls, agent.calls
    assert events[-1]["ev"] == "exited" and events[-1]["reason"] == "SUCCEEDED", events
    assert any(e["ev"] == "output" and e["lines"] == ["hello"] for e in events), events
