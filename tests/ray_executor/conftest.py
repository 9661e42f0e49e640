"""Fixtures for the Ray executor's integration tests: a real two-node Ray cluster on
loopback (started once per session, only its own processes stopped at the end) and
engines running with `--executor ray` against it.

These tests run whenever Ray is installed (`pip install -e '.[ray]'`); they are skipped
only when `import ray` fails.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from enginehelp import EngineProcess
from raycluster import RayTestCluster


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "ray: needs Ray (pip install -e '.[ray]'); starts a local two-node cluster")


def _require_ray() -> None:
    try:
        import ray  # noqa: F401
    except ImportError as exc:
        pytest.skip(f"Ray is not installed (import ray failed: {exc}); pip install -e '.[ray]' to run these tests")


@pytest.fixture(scope="session")
def ray_cluster() -> Iterator[RayTestCluster]:
    _require_ray()
    cluster = RayTestCluster().start()
    try:
        yield cluster
    finally:
        cluster.stop()


class RayEngine(EngineProcess):
    def __init__(self, data_dir: Path, cluster: RayTestCluster, *extra: str) -> None:
        super().__init__(data_dir, "--executor", "ray", "--ray-address", cluster.address, *extra)


@pytest.fixture(scope="session")
def ray_engine(ray_cluster: RayTestCluster, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RayEngine]:
    """One engine for the read-mostly tests (stops its pods on exit)."""
    eng = RayEngine(tmp_path_factory.mktemp("rayengine") / "engine", ray_cluster).start()
    yield eng
    eng.stop()


@pytest.fixture
def ray_engine_factory(ray_cluster: RayTestCluster, tmp_path: Path) -> Iterator[type[RayEngine]]:
    started: list[RayEngine] = []

    class Factory(RayEngine):
        def __init__(self, data_dir: Path | None = None, *extra: str) -> None:
            super().__init__(data_dir or tmp_path / "engine", ray_cluster, *extra)
            started.append(self)

    yield Factory
    for eng in started:
        eng.stop()
