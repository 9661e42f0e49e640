"""Where the engine keeps its files: the user's data directory, per platform conventions."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

ENV_DATA_DIR = "PELORUS_DATA_DIR"


def default_data_dir() -> Path:
    override = os.environ.get(ENV_DATA_DIR)
    return Path(override) if override else Path(platformdirs.user_data_dir("pelorus", appauthor=False))


def socket_path(data_dir: Path) -> Path:
    return data_dir / "engine.sock"


def socket_address(path: Path) -> str:
    return f"unix:{path}"
