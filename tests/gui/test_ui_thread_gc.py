"""Garbage made of Qt objects is collected on the UI thread even while a worker thread allocates.

Without console.ui_thread_gc, CPython collects in whichever thread crosses the allocation
threshold: the worker below would destroy the cycle's QObject from the wrong thread (the cause of
the segmentation faults in the editor's GUI tests, where a decode or a comparison ran in a worker).
"""

from __future__ import annotations

import gc
import threading
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QTimer

from console import ui_thread_gc


class Probe(QObject):
    """A QObject in a reference cycle; remembers which thread finally let go of it."""

    def __init__(self, died_in: list[int]) -> None:
        super().__init__()
        self.me = self
        self.died_in = died_in
        self.timer = QTimer(self)  # a timer must be stopped by its own thread: Qt's classic complaint
        self.timer.start(1000)

    def __del__(self) -> None:
        self.died_in.append(threading.get_ident())


def allocate_a_lot() -> None:
    junk = [[i] for i in range(300_000)]  # container objects: they count toward the GC thresholds
    del junk


def test_a_qt_cycle_dropped_on_the_ui_thread_dies_on_the_ui_thread(qapp: Any) -> None:
    collector = ui_thread_gc.collect_on_ui_thread(interval_s=0.05)
    try:
        assert not gc.isenabled()
        died_in: list[int] = []
        gc.collect()
        Probe(died_in)  # unreachable at once, but kept alive by its own cycle
        worker = threading.Thread(target=allocate_a_lot)
        worker.start()
        worker.join()  # the UI thread allocates nothing meanwhile: only the worker could collect
        assert died_in == []
        deadline = threading.Event()
        QTimer.singleShot(2000, deadline.set)
        ballast: list[list[list[int]]] = []
        while not died_in and not deadline.is_set():
            ballast.append([[i] for i in range(1000)])  # live objects push the counts past the threshold
            QCoreApplication.processEvents()
        assert died_in == [threading.get_ident()]
    finally:
        ui_thread_gc.stop(collector)
    assert gc.isenabled()
