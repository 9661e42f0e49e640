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


class _Events:
    def __init__(self) -> None:
        self.lines: list[tuple[int, str]] = []

    def on_output(self, pod_id, stream, lines) -> None:
        self.lines.extend((int(stream), ln) for ln in lines)

    def on_exited(self, pod_id, info) -> None:
        pass

    def on_starting(self, pod_id, reason, message) -> None:
        pass

    def on_running(self, pod_id, reason, message) -> None:
        pass


@pytest.mark.ray
@pytest.mark.parametrize("cut", [0, 3, 9, 14, 20])
@pytest.mark.parametrize("step", [1, 4, 1000])
def test_log_splitter_cuts_rays_line_out_and_resumes_without_duplicates(cut: int, step: int) -> None:
    need_ray()
    from pelorus.engine.executors.base import LaunchRequest, OutputStream
    from pelorus.engine.executors.ray import RayExecutor, _Pod

    marker = "Running entrypoint for job p-0-1: exec sh -c 'a\nb'\n"
    child = "one\ntwo\nthree\n::progress successful=1\nlast"
    raw = "2026-01-01 00:00:00,000\tINFO job_manager.py:581 -- Runtime env is setting up.\n"
    raw += child[:cut] + marker + child[cut:]
    want_stdout = child.split("\n")

    def run(start: int, stop_at: int | None) -> tuple[list[tuple[int, str]], int]:
        events = _Events()
        ex = RayExecutor(events, "http://127.0.0.1:1")
        pod = _Pod(request=LaunchRequest(pod_id="p-0-1", pod_name="p-0", job_id="p", instance_id=0, command="x"),
                   marker=marker, consumed=start)
        received = 0
        text = raw if stop_at is None else raw[:stop_at]
        for i in range(0, len(text), step):
            received = ex._feed(pod, text[i:i + step], received)
        if stop_at is None:  # the job ended: reconcile with the full log
            pod.pending = raw[pod.consumed:]
            if pod.marker_state == 1:
                pod.marker_state = 0
            ex._drain(pod, final=True)
        ex._threads.shutdown()
        return events.lines, pod.consumed

    whole, consumed = run(0, None)
    assert consumed == len(raw)
    assert [t for s, t in whole if s == OutputStream.STDOUT] == want_stdout
    assert [t for s, t in whole if s == OutputStream.SYSTEM][1:] == marker[:-1].split("\n")
    for stop in range(0, len(raw), 7):  # an engine restart anywhere: resume from the offset
        first, offset = run(0, stop)
        rest, _ = run(offset, None)
        assert first + rest == whole, (stop, first, rest)


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
