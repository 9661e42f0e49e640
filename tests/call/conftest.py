"""Fixtures for the call tests: the foreign Tides server (TLS, token, reflection), one per module."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# The suite runs with --import-mode=importlib; make the helpers next to this file importable.
if str(Path(__file__).parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).parent))

from callhelp import Tides, start_tides  # noqa: E402


@pytest.fixture(scope="module")
def tides(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tides]:
    with start_tides(tmp_path_factory.mktemp("tides")) as server:
        yield server
