"""asyncio helpers the engine's long-lived loops need.

`asyncio.wait_for` on Python 3.11 can swallow a cancellation that arrives just as the awaited
future completes (CPython gh-86296, fixed in 3.12): the task then runs on as if never
cancelled, and a shutdown that gathers it waits forever. That is what kept an engine with
hundreds of pods alive for minutes after SIGTERM (its scheduler is woken by every pod exit).
"""

from __future__ import annotations

import asyncio


async def wait_event(event: asyncio.Event, timeout: float) -> bool:
    """Wait until `event` is set or `timeout` seconds pass; True if it was set. A cancellation
    of the caller always propagates."""
    if event.is_set():
        return True
    waiter = asyncio.ensure_future(event.wait())
    try:
        await asyncio.wait((waiter,), timeout=max(0.0, timeout))
    finally:
        waiter.cancel()
    return event.is_set()
