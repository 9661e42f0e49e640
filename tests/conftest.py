"""Shared fixtures. Qt tests run offscreen; engines run as real child processes."""

from __future__ import annotations

import faulthandler
import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from enginehelp import EngineProcess  # noqa: E402

WATCHDOG_GRACE_S = float(os.environ.get("PELORUS_TEST_WATCHDOG_GRACE_S", "60"))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """A last resort behind pytest-timeout: its SIGALRM handler runs only when Python code runs on
    the main thread, and inside Qt's C++ event loop (a dialog's exec, a stuck qasync wait) the
    exception it raises is swallowed by the slot that happened to run, so a hung GUI test would hang
    the whole run until CI's own limit, with nothing said. This timer fires a minute after the
    test's own timeout, prints every thread's stack with the test's id and ends the run at once."""
    marker = item.get_closest_marker("timeout")
    limit = float(marker.args[0]) if marker is not None and marker.args else float(item.config.getini("timeout") or 0)
    if limit <= 0:
        yield
        return
    timer = threading.Timer(limit + WATCHDOG_GRACE_S, _dump_stacks_and_exit, (item, limit + WATCHDOG_GRACE_S))
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()


def _dump_stacks_and_exit(item: pytest.Item, after: float) -> None:
    capture = item.config.pluginmanager.getplugin("capturemanager")
    if capture is not None:
        capture.suspend_global_capture(in_=True)  # what follows must reach the terminal, not a capture file
    sys.stderr.write(f"\n+++ WATCHDOG: {item.nodeid} still running after {after:.0f} s: "
                     "the stacks of every thread, then the run ends +++\n")
    sys.stderr.flush()
    faulthandler.dump_traceback(file=sys.stderr, all_threads=True)
    sys.stderr.flush()
    os._exit(3)


@pytest.fixture
def engine_factory(tmp_path: Path) -> Iterator[type[EngineProcess]]:
    """Start engines on data dirs under tmp_path; all are stopped and their pods reaped."""
    started: list[EngineProcess] = []

    class Factory(EngineProcess):
        def __init__(self, data_dir: Path | None = None, *extra: str) -> None:
            super().__init__(data_dir or tmp_path / "engine", *extra)
            started.append(self)

    yield Factory
    for eng in started:
        eng.stop()
    for eng in started:
        eng.reap_pods()


@pytest.fixture
def engine(engine_factory: type[EngineProcess]) -> EngineProcess:
    return engine_factory().start()


@pytest.fixture(scope="module")
def shared_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EngineProcess]:
    """One engine for a module's read-mostly tests (faster than one per test)."""
    eng = EngineProcess(tmp_path_factory.mktemp("shared") / "engine").start()
    yield eng
    eng.stop()
    eng.reap_pods()
