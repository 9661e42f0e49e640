"""Python's cyclic garbage collector runs only on the UI thread, from the top of Qt's event loop.

CPython starts a collection in whichever thread crosses the allocation threshold. In this console
that is often a worker (a protobuf decode or a comparison allocates millions of objects), and a
collection there destroys any Qt objects caught in reference cycles (a closed window, its models
and timers) from the wrong thread while the UI thread is painting them: a segmentation fault in
Qt's event loop, seen in the GUI tests before this module existed. A collection on the UI thread
but in the middle of an allocation inside a widget's event handler can free a widget tree Qt is
still dispatching into, just as badly.

So automatic collection is switched off and a timer on the UI thread collects, generation by
generation when the counts pass the usual thresholds (the pattern of calibre and
pyqtgraph's GarbageCollector). Reference counting still frees everything acyclic at once, in any thread.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QTimer

INTERVAL_S = 0.5


class GarbageCollector:
    """Automatic collection off; a UI-thread timer collects generation by generation when the
    counts pass CPython's own thresholds (the logic of pyqtgraph's GarbageCollector, written out
    here so that start-up does not import pyqtgraph - ~0.15 s - just for these lines)."""

    def __init__(self, interval: float = INTERVAL_S) -> None:
        self.threshold = gc.get_threshold()
        self.timer = QTimer()
        self.timer.timeout.connect(self.check)
        gc.disable()
        self.timer.start(int(interval * 1000))

    def check(self) -> None:
        l0, l1, l2 = gc.get_count()
        if l0 > self.threshold[0]:
            gc.collect(0)
            if l1 > self.threshold[1]:
                gc.collect(1)
                if l2 > self.threshold[2]:
                    gc.collect(2)


def collect_on_ui_thread(interval_s: float = INTERVAL_S) -> GarbageCollector:
    """Call on the UI thread once the QApplication exists; keep the result for the app's lifetime."""
    return GarbageCollector(interval=interval_s)


def stop(collector: GarbageCollector) -> None:
    """Stop the timer, collect what is left here on the UI thread, and give collection back to CPython."""
    collector.timer.stop()
    gc.collect()
    gc.enable()


__all__ = ["INTERVAL_S", "GarbageCollector", "collect_on_ui_thread", "stop"]
