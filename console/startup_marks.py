"""Start-up phase marks for bench/reattach.py: where the time and the CPU go between the first
paint and the first rows on screen.  A no-op unless console.startup_probe turned it on (with
``PELORUS_STARTUP_PROBE=rows:N``); importing it costs nothing (``time`` and ``threading`` only).

``mark(name)`` records (name, time.monotonic(), the UI thread's CPU seconds or None when called
on another thread, the process's CPU seconds).  The probe prints them once the first rows painted.
"""

from __future__ import annotations

import threading
import time

#: the marks so far, or None when nobody asked (the normal case)
MARKS: list[tuple[str, float, float | None, float]] | None = None
_MAIN = threading.main_thread().ident


def start() -> None:
    global MARKS
    if MARKS is None:
        MARKS = []


def mark(name: str) -> None:
    marks = MARKS
    if marks is None:
        return
    ui = time.thread_time() if threading.get_ident() == _MAIN else None
    marks.append((name, time.monotonic(), ui, time.process_time()))
