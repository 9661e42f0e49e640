"""Qt-free console pieces: connection profiles and token storage, spec YAML, three-way spec merge."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from console.profiles import EMBEDDED, Profile, ProfileStore
from pelorus.api import job_pb2
from pelorus.specfile import SpecError, demo_specs, dump_spec, parse_spec
from pelorus.specmerge import rebase


def test_profiles_round_trip_and_tokens_stay_out_of_the_profiles_file(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path)
    assert [p.name for p in store.load()] == [EMBEDDED]
    store.add(Profile("prod", "prod.example:7443", tls_ca="/etc/ca.pem"), token="s3cret-token-value-123")
    loaded = store.load()
    assert [p.name for p in loaded] == [EMBEDDED, "prod"] and loaded[1].address == "prod.example:7443"
    assert "s3cret" not in (tmp_path / "profiles.json").read_text()
    assert store.token("prod") == "s3cret-token-value-123"
    token_file = tmp_path / "tokens" / "prod"
    if token_file.exists():  # no keyring here: a file only the user can read
        assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
        assert stat.S_IMODE(token_file.parent.stat().st_mode) == 0o700
    assert store.token("nobody") is None


def test_a_corrupt_profiles_file_falls_back_to_the_embedded_engine(tmp_path: Path) -> None:
    (tmp_path / "profiles.json").write_text("{not json")
    assert [p.name for p in ProfileStore(tmp_path).load()] == [EMBEDDED]


def test_spec_yaml_round_trip_and_errors_with_lines() -> None:
    for spec in demo_specs().values():
        assert parse_spec(dump_spec(spec)) == spec
    with pytest.raises(SpecError) as info:
        parse_spec("name: x\ninstance_count: [1\n")
    assert info.value.line is not None and info.value.line >= 2
    with pytest.raises(SpecError) as info:
        parse_spec("name: x\ninstance_count: 2\nbogus_field: 1\n")
    assert "bogus_field" in str(info.value) and info.value.line == 3
    with pytest.raises(SpecError):
        parse_spec("")
    with pytest.raises(SpecError):
        parse_spec("- a list\n")


def test_rebase_applies_your_changes_on_theirs_and_names_conflicts() -> None:
    base = job_pb2.JobSpec(name="a", owner="o", instance_count=2)
    base.default_spec.command = "sh"
    base.labels["x"] = "1"
    theirs = job_pb2.JobSpec()
    theirs.CopyFrom(base)
    theirs.instance_count = 5
    theirs.schedule.cron = "* * * * *"
    yours = job_pb2.JobSpec()
    yours.CopyFrom(base)
    yours.owner = "me"
    yours.default_spec.env["A"] = "1"
    merged, conflicts = rebase(base, theirs, yours)
    assert (merged.owner, merged.instance_count, merged.schedule.cron) == ("me", 5, "* * * * *")
    assert merged.default_spec.env["A"] == "1" and merged.labels["x"] == "1"
    assert not merged.default_spec.HasField("resources")  # untouched sub-messages stay unset
    assert conflicts == []
    yours.instance_count = 3
    merged, conflicts = rebase(base, theirs, yours)
    assert merged.instance_count == 3 and conflicts == ["instance_count"]
