"""Fixtures for the Ray executor's integration tests: a real two-node Ray cluster on
loopback (started once per session, only its own processes stopped at the end) and
engines running with `--executor ray` against it.

These tests run whenever Ray is installed (the install command in README / .ci/run,
`pip install -e '.[test,ray]'`, installs it). Without Ray they are skipped on a developer's
machine and FAIL when CI=true (see raycluster.need_ray): in CI they must run.

Cost on a 2-core machine under load: the cluster takes ~15-40 s to start; test_ray_executor.py
takes ~2 min, test_ray_head_loss.py (a cluster of its own, head killed and restarted) ~2 min. Run
them one module at a time on a small machine.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from enginehelp import EngineProcess
from raycluster import RayTestCluster, need_ray


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "ray: needs Ray (pip install -e '.[ray]'); starts a local two-node cluster")


@pytest.fixture(scope="session")
def ray_cluster() -> Iterator[RayTestCluster]:
    need_ray()
    try:
        cluster = RayTestCluster().start()
    except RuntimeError:  # e.g. a port taken between choosing and binding it: once more, new ports
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
