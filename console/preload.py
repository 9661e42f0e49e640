"""The console's Qt-free imports, loaded on a thread while the UI thread builds the console.

After its first paint the console imports asyncio, grpc, protobuf (the API's descriptors), numpy
and the column store before it can connect and show a row: ~0.2 s of CPU on this machine, all of it
between the first paint and the first rows (bench/reattach.py).  None of these modules touches Qt,
so a thread started at the first paint (console.app) imports them while the UI thread imports the
views and builds the window: the UI thread then finds them in sys.modules (an import already under
way on the thread is waited for, by Python's per-module import lock, never done twice).  On a busy
machine the thread also gets its own share of the CPU.

Only modules that import no Qt (and make no grpc channel or asyncio loop: importing them does
neither) belong in ``MODULES``; the PySide6 classes and the ``Qt`` namespace are built on the UI
thread, which owns them.
"""

from __future__ import annotations

import importlib
import logging
import threading

#: imported in this order (the first ones are what connecting needs)
MODULES = (
    "asyncio",
    "grpc",
    "grpc.aio",
    "pelorus.client",  # protobuf, the API's descriptors and stubs
    "console.embedded",  # platformdirs (the embedded engine's paths)
    "console.profiles",
    "console.messages",
    "console.actions",
    "pelorus.tasks",
    "pelorus.engine.states",
    "numpy",
    "console.models.job_columns",  # the column store and the wire decoder
    "console.models.listing_feed",
    "console.models.job_search",
    "numpy.ma",  # np.unique's first call imports it (the feed's worker needs it)
)

log = logging.getLogger("pelorus.preload")
_thread: threading.Thread | None = None


def _run() -> None:
    for name in MODULES:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - the UI thread imports it again and reports what is wrong
            log.debug("preloading %s failed", name, exc_info=True)
            return


def start() -> threading.Thread:
    """Start importing ``MODULES`` on a daemon thread (once)."""
    global _thread
    if _thread is None:
        _thread = threading.Thread(target=_run, name="pelorus-preload", daemon=True)
        _thread.start()
    return _thread
