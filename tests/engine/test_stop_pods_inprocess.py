"""Engine.stop(stop_pods=True) (`serve --stop-pods-on-exit`) leaves no pod process running: also
one that no record knows of any more, and one whose batch is still being spawned."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
from pathlib import Path

import pytest
from enginehelp import pod_shims

from pelorus.engine.engine import Engine, EngineConfig
from pelorus.engine.executors.base import LaunchRequest
from pelorus.engine.executors.local import LocalExecutor


def _request(pod_id: str) -> LaunchRequest:
    return LaunchRequest(pod_id=pod_id, pod_name=pod_id.rsplit("-", 1)[0], job_id="no-such-job", instance_id=0,
                         command="sleep", args=("300",))


@pytest.mark.timeout(60)
def test_stop_with_pods_kills_what_the_executor_runs_or_spawns_even_unrecorded(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spawn = LocalExecutor._spawn

    def slow_spawn(*args):  # a busy host: the second batch is still being spawned when the stop comes
        result = spawn(*args)
        time.sleep(0.5)
        return result

    config = EngineConfig(tmp_path / "engine")
    ids = ("stray-0-1", "flight-0-1", "flight-1-1")

    async def main() -> None:
        eng = Engine(config)
        await eng.start()
        await eng.executor.launch(_request("stray-0-1"))  # runs; no record knows it
        monkeypatch.setattr(LocalExecutor, "_spawn", staticmethod(slow_spawn))
        flight = asyncio.ensure_future(eng.executor.launch_many([_request("flight-0-1"), _request("flight-1-1")]))
        await asyncio.sleep(0.2)
        await eng.stop(stop_pods=True)
        with contextlib.suppress(asyncio.CancelledError):
            await flight

    try:
        asyncio.run(main())
        assert not pod_shims(config.spool_dir, *ids)
    finally:
        for proc in pod_shims(config.spool_dir, *ids):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
