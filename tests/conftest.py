"""Shared fixtures. Qt tests run offscreen; engines run as real child processes."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from enginehelp import EngineProcess  # noqa: E402


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
