"""Keep the engine's helper threads from preempting its event loop thread (Linux).

The loop thread runs every RPC and holds the GIL while it does. The other threads - grpc's
completion-queue poller and event-engine threads, the store's checkpointer - are woken by
the loop thread itself many times per call (grpc core writes an eventfd to kick its poller
when a call's batch starts or ends). A woken SCHED_OTHER thread on the same CPU preempts
the writer at once: the loop thread is descheduled inside that write, still holding the
GIL, and on a busy CPU it waits behind every other runnable task before it gets the CPU
back. Under a mixed load with the engine on one core, a third of the loop thread's GIL
time was spent off-CPU in that eventfd write (py-spy --gil --native).

SCHED_BATCH threads do not preempt on wakeup (the kernel lets the running thread go on
until it blocks or its slice ends); they still get their fair share of the CPU. So the
helpers become SCHED_BATCH and the loop thread stays SCHED_OTHER. Threads inherit the
policy of the thread that creates them: threads grpc starts later are batch too. Threads
that start pods (the local executor's spawner) are left alone: pods inherit the policy of
their parent thread, and a pod is none of the engine's business to demote.

PELORUS_HELPER_SCHED=other keeps every thread as it is (for comparison benchmarks);
PELORUS_HELPER_SCHED=all demotes the pod spawner too, so the pods run SCHED_BATCH (they then
never preempt the engine's loop on a shared CPU; a choice for batch-only hosts, not the default).

Python does not give its threads' names to the OS (before 3.14): `name_os_thread` does, so
the spawner is known here, and in `top -H`, py-spy and perf, by its name.
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import logging
import os
import threading

log = logging.getLogger(__name__)

ENV = "PELORUS_HELPER_SCHED"
# How often threads started since the last pass are looked for (a listing of /proc/self/task).
PERIOD = 10.0
# Threads left alone, by name prefix (their comm in /proc): the pod spawner's children are pods.
KEEP = ("pod-spawner", "ray-exec")


_PR_SET_NAME = 15


def name_os_thread(name: str) -> None:
    """Give the calling thread's name to the OS (its comm, 15 bytes at most), where prctl exists."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_NAME, ctypes.c_char_p(name.encode()[:15]), 0, 0, 0)
    except (OSError, AttributeError):
        pass


def demote_helper_threads(keep: tuple[str, ...] = KEEP) -> int:
    """Make every thread of this process except the calling one (the loop's) and those named
    `keep*` SCHED_BATCH. Returns how many were changed; 0 where unsupported or turned off."""
    mode = os.environ.get(ENV, "batch")
    if mode == "other" or not hasattr(os, "SCHED_BATCH"):
        return 0
    if mode == "all":
        keep = ()
    me = threading.get_native_id()
    kept = {t.native_id for t in threading.enumerate() if t.name.startswith(keep)}
    changed = 0
    try:
        tids = os.listdir("/proc/self/task")
    except OSError:
        return 0
    for name in tids:
        tid = int(name)
        if tid == me or tid in kept:
            continue
        try:
            with open(f"/proc/self/task/{tid}/comm", encoding="utf-8", errors="replace") as f:
                comm = f.read().strip()
            if comm.startswith(keep) or os.sched_getscheduler(tid) != os.SCHED_OTHER:
                continue
            os.sched_setscheduler(tid, os.SCHED_BATCH, os.sched_param(0))
            changed += 1
        except OSError:  # the thread ended meanwhile, or the policy cannot be set here
            continue
    log.debug("%d helper threads made SCHED_BATCH", changed)
    return changed


async def keep_helpers_demoted(period: float = PERIOD) -> None:
    """demote_helper_threads() now and every `period` seconds, from the loop thread, until cancelled."""
    while True:
        demote_helper_threads()
        await asyncio.sleep(period)
