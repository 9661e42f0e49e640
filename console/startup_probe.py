"""Start-up probe for bench/startup.py: with PELORUS_STARTUP_PROBE set, the app prints
``painted <time.monotonic()>`` once its first window has painted, then exits at once.

With ``PELORUS_STARTUP_PROBE=rows:N`` (bench/reattach.py) it goes on after the first paint and
prints ``rows_first <time> <count>`` once the jobs table shows a row (after the paint that
shows it) and ``rows_all <time> <count>`` once it shows N, then exits.  Each of ``painted`` and
``rows_first`` is followed by `` cpu <ui> <process>``: the UI thread's CPU seconds
(time.thread_time) and the whole process's (time.process_time) at that moment, and after
``rows_first`` a ``marks <json>`` line lists the phases console.startup_marks recorded in between
([name, monotonic, UI thread CPU or null off the UI thread, process CPU], in order).

Why in the app and not in the benchmark: "to the first painted window" must be the real
`python main.py` path, and only the process itself sees its first paint.  The bare PySide6
window the benchmark compares against uses the same rule (an event filter on the window, installed
before it is shown: its first Paint event delivered, then the rest of that event-loop pass, then
report), so both figures time the same thing.
"""

from __future__ import annotations

import json
import os
import sys
import time

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

ENV = "PELORUS_STARTUP_PROBE"


class _FirstPaint(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.seen = False

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if not self.seen and event.type() == QEvent.Type.Paint:
            self.seen = True
            QTimer.singleShot(0, _report)
        return False


def _cpu() -> str:
    return f"cpu {time.thread_time():.6f} {time.process_time():.6f}"


def _report() -> None:
    print(f"painted {time.monotonic():.6f} {_cpu()}", flush=True)
    sys.stdout.flush()
    want = os.environ.get(ENV, "")
    if want.startswith("rows:"):
        from console import startup_marks

        startup_marks.start()
        startup_marks.mark("painted")
        global _rows_probe
        _rows_probe = _RowsProbe(int(want[5:]))
        return
    os._exit(0)  # the time to first paint is measured; tearing down is not part of it


class _RowsProbe(QObject):
    """Polls the jobs table's row count every few ms (found by class name: importing the models
    here would change what start-up loads) and reports the paints showing first and all rows."""

    def __init__(self, want: int) -> None:
        super().__init__()
        self.want = want
        self.first = False
        self.timer = QTimer(self)
        self.timer.setInterval(2)
        self.timer.timeout.connect(self.poll)
        self.timer.start()

    def poll(self) -> None:
        for w in QApplication.allWidgets():
            if not w.inherits("QAbstractItemView") or not w.isVisible():
                continue
            m = w.model()  # type: ignore[attr-defined]
            if m is None or type(m).__name__ != "JobsProxyModel":
                continue
            n = m.rowCount()
            if n and not self.first:
                w.repaint()  # the rows are on screen once this returns
                self.first = True
                print(f"rows_first {time.monotonic():.6f} {n} {_cpu()}", flush=True)
                from console import startup_marks

                startup_marks.mark("rows_painted")
                print(f"marks {json.dumps(startup_marks.MARKS)}", flush=True)
            if n >= self.want:
                w.repaint()
                print(f"rows_all {time.monotonic():.6f} {n}", flush=True)
                sys.stdout.flush()
                os._exit(0)
            return


_rows_probe: _RowsProbe | None = None


_probe: _FirstPaint | None = None


def install_if_asked(window: QWidget) -> None:
    """Install the probe on the first top-level window, before it is shown, when the environment
    asks for it (a no-op otherwise).

    On the window, not the application: an application-wide filter written in Python makes every
    event of every object cross into Python (a wrapper for each, and PySide6 builds each new event
    and widget type on first sight), which cost a window with a menu bar and a label ~35 ms of CPU
    before its first paint and the bare window almost nothing, so it measured the probe, not the app."""
    global _probe
    if os.environ.get(ENV) and _probe is None:
        _probe = _FirstPaint()
        window.installEventFilter(_probe)
