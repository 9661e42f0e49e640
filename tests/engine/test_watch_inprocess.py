"""Watch, in process (a real Engine and store, an executor that starts nothing): under a steady
flow of commits a live watcher gets one response per coalescing window with everything committed
meanwhile, in order, nothing lost or repeated; a change after a quiet spell goes out at once."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, cast

import pytest
from enginefakes import FakeExecutor

from pelorus.api import job_pb2
from pelorus.api import watch_service_pb2 as ws
from pelorus.engine.engine import Engine, EngineConfig
from pelorus.engine.services import watch


class FakeContext:
    async def abort(self, code: object, details: str) -> None:
        raise AssertionError(f"the watch was aborted: {code} {details}")

    def peer(self) -> str:
        return "test"


def test_a_steady_flow_of_changes_comes_in_few_responses_and_a_lone_change_at_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    window = 0.3
    monkeypatch.setattr(watch, "COALESCE", window)
    executor = FakeExecutor()
    eng = Engine(EngineConfig(tmp_path / "engine"), executor)
    executor.events = eng
    spec = job_pb2.JobSpec(name="watched", instance_count=1)
    spec.default_spec.command = "true"
    rec = eng.job(eng.create_job("", spec, "", start_paused=True)[0])

    def change(text: str) -> None:
        rec.status.message = text
        with eng.unit_of_work() as uow:
            uow.mark_job(rec)

    async def body() -> None:
        stream = cast(AsyncIterator[bytes], WatchServiceUnderTest(eng).Watch(ws.WatchRequest(), FakeContext()))

        async def read() -> ws.WatchResponse:
            return ws.WatchResponse.FromString(await asyncio.wait_for(anext(stream), 10))

        start = (await read()).revision
        commits = 40

        async def produce() -> None:
            for i in range(commits):
                change(f"change {i}")
                await asyncio.sleep(0.01)

        t0 = time.monotonic()
        producer = asyncio.create_task(produce())
        responses: list[ws.WatchResponse] = []
        seen: list[int] = []
        while len(seen) < commits:
            responses.append(await read())
            seen.extend(c.revision for c in responses[-1].changes)
        elapsed = time.monotonic() - t0
        await producer
        assert seen == list(range(start + 1, start + commits + 1)), "lost, repeated or out of order"
        assert responses[-1].revision == seen[-1]
        assert len(responses) <= elapsed / window + 2, (len(responses), elapsed)
        assert len(responses) < commits / 4

        await asyncio.sleep(window * 1.5)  # a quiet spell
        t1 = time.monotonic()
        change("after a quiet spell")
        lone = await read()
        assert [c.revision for c in lone.changes] == [seen[-1] + 1]
        assert time.monotonic() - t1 < window * 0.8, "a lone change waited for the window"
        await cast(Any, stream).aclose()

    try:
        asyncio.run(body())
    finally:
        eng.progress.close()
        eng.store.close()


class WatchServiceUnderTest(watch.WatchService):
    """The servicer as registered (its Watch wrapped by @rpc), called without a server."""
