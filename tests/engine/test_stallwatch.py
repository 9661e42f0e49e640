"""The opt-in stall watch (PELORUS_STALL_MS): a loop blocked longer than the threshold is
recorded with the stack that blocked it; an idle loop records nothing."""

from __future__ import annotations

import asyncio
import time

from pelorus.engine.stallwatch import StallWatch


def _blocks_the_loop() -> None:
    time.sleep(0.08)


def test_a_blocked_loop_is_recorded_with_its_stack() -> None:
    async def body() -> StallWatch:
        watch = StallWatch(30)
        watch.start()
        await asyncio.sleep(0.05)
        _blocks_the_loop()
        await asyncio.sleep(0.05)
        watch.stop()
        return watch

    watch = asyncio.run(body())
    assert len(watch.stalls) == 1 and watch.stalls[0] >= 0.03
    assert any("_blocks_the_loop" in stack for stack in watch.stacks)


def test_an_idle_loop_records_no_stall() -> None:
    async def body() -> StallWatch:
        watch = StallWatch(200)  # generous: a loaded test machine may be late by tens of ms
        watch.start()
        await asyncio.sleep(0.2)
        watch.stop()
        return watch

    assert asyncio.run(body()).stalls == []
