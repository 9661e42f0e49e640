"""Start-up probe for bench/startup.py: with PELORUS_STARTUP_PROBE set, the app prints
``painted <time.monotonic()>`` once its first window has painted, then exits at once.

Why in the app and not in the benchmark: "to the first painted window" must be the real
`python main.py` path, and only the process itself sees its first paint.  The bare PySide6
window the benchmark compares against uses the same rule (first Paint event delivered, then the
rest of that event-loop pass, then report), so both figures time the same thing.
"""

from __future__ import annotations

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
        if not self.seen and event.type() == QEvent.Type.Paint and isinstance(obj, QWidget) and obj.isWindow():
            self.seen = True
            QTimer.singleShot(0, _report)
        return False


def _report() -> None:
    print(f"painted {time.monotonic():.6f}", flush=True)
    sys.stdout.flush()
    os._exit(0)  # the time to first paint is measured; tearing down is not part of it


_probe: _FirstPaint | None = None


def install_if_asked(app: QApplication) -> None:
    """Install the probe when the environment asks for it (a no-op otherwise)."""
    global _probe
    if os.environ.get(ENV) and _probe is None:
        _probe = _FirstPaint()
        app.installEventFilter(_probe)
