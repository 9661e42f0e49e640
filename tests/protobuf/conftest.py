"""Fixtures for the protobuf core tests."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from pelorus.protobuf.schema import SchemaRegistry

# The suite runs with --import-mode=importlib; make the strategy helpers next to this file importable.
if str(Path(__file__).parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(scope="session")
def registry() -> SchemaRegistry:
    return SchemaRegistry()
