"""Cancelling a task that waits on the engine ends the task: grpc.aio's unary calls swallow the
task's CancelledError and end the call CANCELLED instead (grpc/grpc#43502). Before the client
turned that back into a cancellation, a polling loop took it for a lost connection and retried
for ever, and the console's session stop waited for it without end."""

from __future__ import annotations

import asyncio
import signal
import time

from enginehelp import EngineProcess, arun

from pelorus.client import ConnectionConfig, EngineClient
from pelorus.errors import ClientError


async def cancel_in_flight(task: asyncio.Task[object]) -> float:
    """Cancel ``task`` while its call is in flight; seconds until it ended (fails after 5 s)."""
    await asyncio.sleep(0.3)  # the call is sent and waits on the stopped engine
    assert not task.done()
    started = time.monotonic()
    task.cancel()
    done, _ = await asyncio.wait({task}, timeout=5)
    assert done, "the task did not end after being cancelled"
    return time.monotonic() - started


def test_cancelled_calls_and_polling_loops_end(engine: EngineProcess) -> None:
    async def body() -> None:
        async with EngineClient(ConnectionConfig(engine.address, deadline=30)) as client:
            polls = 0

            async def poll_health() -> None:  # the session's executor-health loop, in short
                nonlocal polls
                while True:
                    polls += 1
                    try:
                        await client.executor_health()
                    except ClientError:
                        pass
                    await asyncio.sleep(0.05)

            assert engine.proc is not None
            engine.proc.send_signal(signal.SIGSTOP)
            try:
                one_call = asyncio.ensure_future(client.get_job("any"))
                assert await cancel_in_flight(one_call) < 2 and one_call.cancelled()
                loop_task = asyncio.ensure_future(poll_health())
                assert await cancel_in_flight(loop_task) < 2 and loop_task.cancelled()
                assert polls == 1  # it did not go round again
            finally:
                engine.proc.send_signal(signal.SIGCONT)
            assert (await client.executor_health()) is not None  # and the client carries on

    arun(body(), 30)
