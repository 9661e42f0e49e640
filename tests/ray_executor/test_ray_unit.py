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
