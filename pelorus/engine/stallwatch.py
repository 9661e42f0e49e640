"""An opt-in diagnostic: what the engine's loop was doing whenever it was late.

PELORUS_STALL_MS=20 starts a watchdog thread. A task on the loop stamps a heartbeat every
few milliseconds; whenever the heartbeat is older than the threshold, the watchdog samples
the loop thread's Python stack (sys._current_frames) once per stall. At exit (or on
`report()`), the stalls are written to the log: how many, their total and worst length, and
the stacks seen most often. It costs one thread waking every 2 ms, so it is never on by
default.

A stall is the loop not running its callbacks: a long callback (a commit, a scan, a big
serialisation), a GC pause, or the process waiting for a CPU. The stack tells the first
from the last (a stall whose stack is the selector's select was the OS, not the engine).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import gc
import logging
import os
import sys
import threading
import time
import traceback

log = logging.getLogger("pelorus.engine.stall")

ENV = "PELORUS_STALL_MS"
HEARTBEAT = 0.002


class StallWatch:
    def __init__(self, threshold_ms: float) -> None:
        self.threshold = threshold_ms / 1000.0
        self._beat = time.monotonic()
        self._loop_thread = threading.get_ident()
        self._stop = threading.Event()
        self.stalls: list[float] = []
        self.stacks: collections.Counter[str] = collections.Counter()
        self.stack_time: dict[str, float] = collections.defaultdict(float)
        self._thread = threading.Thread(target=self._watch, name="stall-watch", daemon=True)
        self._task: asyncio.Task[None] | None = None
        self.gc_runs = [0, 0, 0]  # collections per generation, and their time
        self.gc_time = [0.0, 0.0, 0.0]
        self.gc_worst = 0.0
        self._gc_started = 0.0

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._heartbeat())
        self._thread.start()
        gc.callbacks.append(self._on_gc)

    def _on_gc(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._gc_started = time.perf_counter()
            return
        took = time.perf_counter() - self._gc_started
        gen = info.get("generation", 0)
        self.gc_runs[gen] += 1
        self.gc_time[gen] += took
        self.gc_worst = max(self.gc_worst, took)

    async def _heartbeat(self) -> None:
        while True:
            self._beat = time.monotonic()
            await asyncio.sleep(HEARTBEAT)

    def _watch(self) -> None:
        sampled_for = -1.0  # the heartbeat of the stall in progress, -1 when none
        stack = ""
        late_total = 0.0
        while not self._stop.wait(HEARTBEAT):
            beat = self._beat
            late = time.monotonic() - beat
            if beat != sampled_for and sampled_for >= 0:  # the stall ended: record its length
                self.stalls.append(late_total)
                self.stacks[stack] += 1
                self.stack_time[stack] += late_total
                sampled_for = -1.0
            if late < self.threshold:
                continue
            late_total = late
            if sampled_for != beat:
                frame = sys._current_frames().get(self._loop_thread)
                lines = traceback.format_stack(frame, limit=14) if frame is not None else ["?"]
                stack = "".join(line for line in lines if "asyncio/" not in line)
                sampled_for = beat

    def report(self) -> None:
        log.warning("stall watch: garbage collections per generation %s, %s ms in all, worst %.1f ms",
                    self.gc_runs, [round(t * 1000) for t in self.gc_time], self.gc_worst * 1000)
        if not self.stalls:
            log.warning("stall watch: no stall over %.0f ms", self.threshold * 1000)
            return
        s = sorted(self.stalls)
        log.warning("stall watch: %d stalls over %.0f ms, %.2f s in all, p50 %.0f ms, worst %.0f ms",
                    len(s), self.threshold * 1000, sum(s), s[len(s) // 2] * 1000, s[-1] * 1000)
        for stack, total in sorted(self.stack_time.items(), key=lambda kv: -kv[1])[:12]:
            log.warning("stall watch: %d stalls, %.0f ms in all, at:\n%s", self.stacks[stack], total * 1000, stack)

    def stop(self) -> None:
        with contextlib.suppress(ValueError):
            gc.callbacks.remove(self._on_gc)
        self._stop.set()
        if self._task is not None:
            self._task.cancel()
        self._thread.join(timeout=1)
        self.report()


def from_env() -> StallWatch | None:
    """A started StallWatch if PELORUS_STALL_MS is set (call on the loop)."""
    value = os.environ.get(ENV, "")
    if not value:
        return None
    watch = StallWatch(float(value))
    watch.start()
    return watch
