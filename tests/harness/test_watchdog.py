"""The test run's watchdog (tests/conftest.py): a test stuck inside Qt's own event loop, where
pytest-timeout's signal cannot reach it, ends the run with the test's id and every stack
instead of hanging until CI gives up."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]

STUCK_IN_QT = '''
import pytest
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication


@pytest.mark.timeout(1)
def test_stuck_in_a_nested_qt_loop(qapp):
    # a slot that runs Python now and then, as a stuck dialog's timers do: the alarm's exception lands there
    tick = QTimer(interval=50)
    tick.timeout.connect(lambda: None)
    tick.start()
    QEventLoop().exec()
'''


def test_a_test_stuck_in_qt_ends_the_run_with_its_stacks(tmp_path: Path) -> None:
    (tmp_path / "conftest.py").write_text((TESTS / "conftest.py").read_text())
    (tmp_path / "test_stuck.py").write_text(STUCK_IN_QT)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PELORUS_TEST_WATCHDOG_GRACE_S="2",
               PYTHONPATH=os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")]))
    t0 = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", str(tmp_path)],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    took = time.monotonic() - t0
    out = done.stdout + done.stderr
    assert done.returncode == 3, out
    assert "WATCHDOG: test_stuck.py::test_stuck_in_a_nested_qt_loop still running after 3 s" in out, out
    assert "test_stuck_in_a_nested_qt_loop" in out.split("WATCHDOG", 1)[1], out  # the stuck frame is shown
    assert took < 30, took


@pytest.mark.timeout(5)
def test_a_quick_test_is_not_touched_by_the_watchdog() -> None:
    time.sleep(0.1)
