"""Shipped files are found through the package, and missing ones are reported, never ignored."""

from __future__ import annotations

from pathlib import Path

import pytest

from pelorus.shipped import demo_dir, icon_path, proto_dir
from pelorus.specfile import SpecError, demo_specs

ROOT = Path(__file__).resolve().parents[2]


def test_checkout_resources_resolve_to_the_top_level_folders() -> None:
    assert demo_dir().resolve() == ROOT / "resources" / "demo"
    assert proto_dir().resolve() == ROOT / "proto"
    assert icon_path().is_file() and (proto_dir() / "pelorus" / "v1" / "job.proto").is_file()
    assert len(demo_specs()) == len(list((ROOT / "resources" / "demo").glob("*.yaml"))) > 0


def test_no_demo_specs_is_an_error_that_says_where(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match=f"No demo job specs .* in {tmp_path}"):
        demo_specs(tmp_path)
