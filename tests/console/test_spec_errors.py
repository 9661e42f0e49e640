"""Spec errors on real bad specs: the YAML's own field names, the line and column, and the nearest
field or value name when one is close."""

from __future__ import annotations

import pytest

from pelorus.specfile import SpecError, locate_field, parse_spec
from pelorus.specyaml import nearest

GOOD = """\
name: nightly
owner: data
instance_count: 2
default_spec:
  command: sh
  args: [-c, 'echo hi']
  restart_policy: RESTART_POLICY_ON_FAILURE
  env:
    MODE: fast
  resources:
    cpu: 0.5
schedule:
  cron: 0 * * * *
"""


def bad(old: str, new: str) -> SpecError:
    text = GOOD.replace(old, new, 1)
    assert text != GOOD, old
    with pytest.raises(SpecError) as info:
        parse_spec(text)
    return info.value


@pytest.mark.parametrize(("old", "new", "line", "column", "says"), [
    ("instance_count:", "instanc_count:", 3, 1, "unknown field instanc_count: did you mean instance_count?"),
    ("instance_count:", "instanceCont:", 3, 1, "unknown field instanceCont: did you mean instance_count?"),
    ("  command:", "  comand:", 5, 3, "unknown field comand in default_spec: did you mean command?"),
    ("  restart_policy:", "  restartPolicey:", 7, 3, "did you mean restart_policy?"),
    ("RESTART_POLICY_ON_FAILURE", "ON_FAILURE", 7, 19,
     "default_spec.restart_policy: ON_FAILURE is not a RestartPolicy: did you mean RESTART_POLICY_ON_FAILURE?"),
    ("RESTART_POLICY_ON_FAILURE", "RESTART_POLICY_ON_FAILUR", 7, 19, "did you mean RESTART_POLICY_ON_FAILURE?"),
    ("instance_count: 2", "instance_count: two", 3, 17, "instance_count: expected a whole number, not two"),
    ("instance_count: 2", "instance_count: -2", 3, 17, "instance_count: must not be negative"),
    ("MODE: fast", "MODE: 1", 9, 11, "default_spec.env['MODE']: 1 is read as a number; put it in quotes"),
    ("cpu: 0.5", "cpu: lots", 11, 10, "default_spec.resources.cpu: expected a number, not lots"),
    ("  args: [-c, 'echo hi']", "  args: -c", 6, 9, "default_spec.args: expected a list"),
    ("cron: 0 * * * *", "every: 5 minutes", 13, 10, "schedule.every: expected a duration in seconds such as 30s"),
    ("cron: 0 * * * *", "at: tomorrow", 13, 7, "schedule.at: expected a time with its zone"),
    ("cron: 0 * * * *", "cron: 0 * * * *\n  every: 5s", 14, 3, "schedule.every: cron and every are alternatives"),
    ("  env:\n    MODE: fast", "  env: [MODE]", 8, 8, "default_spec.env: expected a mapping (key: value), not a list"),
    ("owner: data", "owner: data\n  bad: indent", 3, 6, "not valid YAML"),
])
def test_a_bad_spec_names_the_field_as_written_at_its_line_and_column(old: str, new: str, line: int, column: int,
                                                                       says: str) -> None:
    err = bad(old, new)
    assert says in err.detail, err.detail
    assert (err.line, err.column) == (line, column), str(err)
    assert str(err).startswith(f"line {line}, column {column}: ")
    assert "Failed to parse" not in err.detail and "camel" not in err.detail and "Available Fields" not in err.detail


def test_the_good_spec_and_camel_case_keys_still_parse() -> None:
    spec = parse_spec(GOOD)
    assert spec.instance_count == 2 and spec.default_spec.env["MODE"] == "fast"
    assert parse_spec("name: x\ninstanceCount: 3\ndefaultSpec:\n  command: sh\n").instance_count == 3
    assert parse_spec("name: x\nschedule:\n  at: 2026-01-01T00:00:00Z\n").schedule.at.seconds == 1767225600


def test_no_suggestion_when_nothing_is_close() -> None:
    err = bad("instance_count:", "zzzzqqq:")
    assert "did you mean" not in err.detail and "JobSpec has name, owner" in err.detail
    assert nearest("instanceCount", ["instance_count", "name"]) == "instance_count"


def test_a_validation_path_is_located_in_the_yaml() -> None:
    assert locate_field(GOOD, "default_spec.env['MODE']") == (9, 5)
    assert locate_field(GOOD, "default_spec.args[1]") == (6, 14)
    assert locate_field(GOOD, "instance_count") == (3, 1)
    assert locate_field(GOOD, "sla.max_unavailable") is None
    assert locate_field("name: [", "name") is None
