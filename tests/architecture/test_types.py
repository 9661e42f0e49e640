"""mypy --strict holds on the typed core (pyproject.toml's [tool.mypy]): pelorus/engine,
pelorus/protobuf, pelorus/client.py and pelorus/errors.py."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.timeout(360)
@pytest.mark.slow
def test_mypy_strict_passes(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"),
               "--cache-dir", str(tmp_path / "mypy-cache")]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"mypy exited {result.returncode}:\n{result.stdout}{result.stderr}"
