"""The engine's pure rules, without an engine: schedules, spec validation, backoff,
progress markers and store migrations."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timezone
from pathlib import Path

import grpc
import pytest

from pelorus.api import job_pb2, pod_pb2
from pelorus.engine import schedules, validation
from pelorus.engine.errors import EngineError
from pelorus.engine.migrations import MIGRATIONS, migrate
from pelorus.engine.records import parse_progress
from pelorus.engine.store import Store
from pelorus.engine.timeutil import set_timestamp


def ts(*args: int, tz: timezone = UTC) -> float:
    return datetime(*args, tzinfo=tz).timestamp()


def good_spec(**kw: object) -> job_pb2.JobSpec:
    fields: dict[str, object] = {"name": "j", "instance_count": 1, **kw}
    spec = job_pb2.JobSpec(**fields)  # type: ignore[arg-type]
    spec.default_spec.command = "true"
    return spec


def invalid_field(spec: job_pb2.JobSpec) -> str:
    with pytest.raises(EngineError) as err:
        validation.validate_job_spec(spec)
    assert err.value.code == grpc.StatusCode.INVALID_ARGUMENT
    return err.value.message


# -- schedules ----------------------------------------------------------------------------
def test_cron_validation_names_the_field() -> None:
    for bad in ("not a cron", "* * *", "61 * * * *", "* * * * * * * *"):
        with pytest.raises(EngineError) as err:
            schedules.validate(job_pb2.Schedule(cron=bad))
        assert err.value.code == grpc.StatusCode.INVALID_ARGUMENT
        assert err.value.message.startswith("spec.schedule.cron:"), err.value.message
    schedules.validate(job_pb2.Schedule(cron="*/5 9-17 * * mon-fri"))


def test_interval_too_short_and_unknown_timezone() -> None:
    sched = job_pb2.Schedule()
    sched.every.FromMilliseconds(100)
    with pytest.raises(EngineError, match=r"^spec\.schedule\.every:"):
        schedules.validate(sched)
    with pytest.raises(EngineError, match=r"^spec\.schedule\.timezone:.*Mars/Olympus"):
        schedules.validate(job_pb2.Schedule(cron="0 9 * * *", timezone="Mars/Olympus"))


def test_first_run_at_now_and_cron_with_timezone() -> None:
    created = ts(2024, 1, 15, 12, 0, 0)
    assert schedules.first_run(job_pb2.Schedule(), created) == created  # no schedule: now
    later = job_pb2.Schedule()
    set_timestamp(later.at, created + 90)
    assert schedules.first_run(later, created) == pytest.approx(created + 90)
    past = job_pb2.Schedule()
    set_timestamp(past.at, created - 3600)
    assert schedules.first_run(past, created) == created  # a time already gone runs now
    every = job_pb2.Schedule()
    every.every.FromSeconds(60)
    assert schedules.first_run(every, created) == created  # an interval starts now

    # 09:00 in Paris is 08:00 UTC in winter and 07:00 UTC in summer.
    paris = job_pb2.Schedule(cron="0 9 * * *", timezone="Europe/Paris")
    assert schedules.first_run(paris, created) == ts(2024, 1, 16, 8, 0, 0)
    assert schedules.first_run(paris, ts(2024, 7, 15, 12, 0, 0)) == ts(2024, 7, 16, 7, 0, 0)
    assert schedules.first_run(paris, ts(2024, 7, 15, 6, 0, 0)) == ts(2024, 7, 15, 7, 0, 0)
    utc = job_pb2.Schedule(cron="0 9 * * *")
    assert schedules.first_run(utc, created) == ts(2024, 1, 16, 9, 0, 0)
    minute = job_pb2.Schedule(cron="* * * * *")
    first = schedules.first_run(minute, created + 1.5)
    assert first == created + 60 and first % 60 == 0


def test_next_run_interval_collapses_missed_runs() -> None:
    every = job_pb2.Schedule()
    every.every.FromSeconds(10)
    assert schedules.next_run(every, 100.0, 105.0) == 110.0
    # The engine was down from 110 to 135: the three missed runs collapse into one, now.
    assert schedules.next_run(every, 100.0, 135.0) == 135.0
    assert schedules.is_recurring(every)


def test_next_run_cron_and_one_shot() -> None:
    cron = job_pb2.Schedule(cron="*/15 * * * *")
    last = ts(2024, 3, 1, 10, 0, 0)
    assert schedules.next_run(cron, last, last + 20) == ts(2024, 3, 1, 10, 15, 0)
    # Missed cron slots are skipped, not replayed: the next one after now.
    assert schedules.next_run(cron, last, ts(2024, 3, 1, 11, 7, 0)) == ts(2024, 3, 1, 11, 15, 0)
    at = job_pb2.Schedule()
    set_timestamp(at.at, last)
    assert schedules.next_run(at, last, last + 1) == 0.0
    assert schedules.next_run(job_pb2.Schedule(), last, last + 1) == 0.0
    assert not schedules.is_recurring(at) and schedules.is_recurring(cron)


# -- validation --------------------------------------------------------------------------
def test_valid_spec_passes() -> None:
    spec = good_spec()
    spec.default_spec.active_deadline.FromSeconds(5)
    spec.callback_url = "https://example.invalid/hook"
    validation.validate_job_spec(spec)


def test_validation_errors_name_the_field() -> None:
    spec = good_spec()
    spec.default_spec.command = "   "
    assert invalid_field(spec).startswith("spec.default_spec.command:")

    assert invalid_field(good_spec(instance_count=0)).startswith("spec.instance_count:")
    assert invalid_field(good_spec(name="")).startswith("spec.name:")
    assert invalid_field(good_spec(max_failed_instances=2)).startswith("spec.max_failed_instances:")

    for field in ("active_deadline", "kill_grace_period"):
        spec = good_spec()
        getattr(spec.default_spec, field).FromSeconds(-1)
        assert invalid_field(spec).startswith(f"spec.default_spec.{field}:"), field
    spec = good_spec()
    spec.default_spec.backoff.delay.FromMilliseconds(-500)
    assert invalid_field(spec).startswith("spec.default_spec.backoff.delay:")
    spec = good_spec()
    spec.ttl_after_finished.FromSeconds(-3)
    assert invalid_field(spec).startswith("spec.ttl_after_finished:")

    spec = good_spec(schedule=job_pb2.Schedule(cron="0 9 * * *", timezone="Nowhere/Special"))
    assert invalid_field(spec).startswith("spec.schedule.timezone:")
    spec = good_spec(schedule=job_pb2.Schedule(cron="every day"))
    assert invalid_field(spec).startswith("spec.schedule.cron:")

    for url in ("ftp://example.com/x", "example.com/hook", "javascript:alert(1)"):
        message = invalid_field(good_spec(callback_url=url))
        assert message.startswith("spec.callback_url:") and url in message

    spec = good_spec()
    spec.default_spec.env["BAD=NAME"] = "x"
    assert invalid_field(spec).startswith("spec.default_spec.env:")
    spec = good_spec()
    spec.default_spec.resources.cpu = -1
    assert invalid_field(spec).startswith("spec.default_spec.resources.cpu:")


# -- retries -----------------------------------------------------------------------------
def test_backoff_fixed_and_exponential_with_cap() -> None:
    pod = pod_pb2.PodSpec(command="x")
    assert [validation.backoff_delay(pod, n) for n in (1, 2, 5)] == [1.0, 1.0, 1.0]  # default 1 s
    pod.backoff.delay.FromMilliseconds(2500)
    assert [validation.backoff_delay(pod, n) for n in (1, 2, 5)] == [2.5, 2.5, 2.5]

    pod = pod_pb2.PodSpec(command="x")
    pod.backoff.kind = pod_pb2.Backoff.KIND_EXPONENTIAL
    pod.backoff.delay.FromMilliseconds(500)
    pod.backoff.max_delay.FromSeconds(3)
    assert [validation.backoff_delay(pod, n) for n in range(1, 7)] == [0.5, 1.0, 2.0, 3.0, 3.0, 3.0]
    pod.ClearField("backoff")
    pod.backoff.kind = pod_pb2.Backoff.KIND_EXPONENTIAL
    assert validation.backoff_delay(pod, 3) == 4.0
    assert validation.backoff_delay(pod, 40) == 300.0  # default cap: 5 min


def test_max_attempts_and_completions_defaults() -> None:
    pod = pod_pb2.PodSpec(command="x", max_attempts=7)
    assert validation.max_attempts(pod) == 1  # NEVER never retries
    pod.restart_policy = pod_pb2.RESTART_POLICY_ON_FAILURE
    assert validation.max_attempts(pod) == 7
    pod.max_attempts = 0
    assert validation.max_attempts(pod) == 3
    assert validation.completions(job_pb2.JobSpec()) == 1
    assert validation.completions(job_pb2.JobSpec(completions=4)) == 4
    assert validation.kill_grace(pod) == 10.0
    pod.kill_grace_period.FromMilliseconds(250)
    assert validation.kill_grace(pod) == 0.25


# -- progress markers --------------------------------------------------------------------
def test_parse_progress() -> None:
    assert parse_progress("::progress successful=3 failed=1 remaining=6") == {
        "successful": 3, "failed": 1, "remaining": 6}
    assert parse_progress("::progress remaining=10") == {"remaining": 10}
    assert parse_progress("::progress   failed=2  successful=0 bogus=5") == {"failed": 2, "successful": 0}
    assert parse_progress("::progress") is None
    assert parse_progress("::progress nothing useful") is None
    assert parse_progress("progress successful=1") is None
    assert parse_progress("  ::progress successful=1") is None  # only at the start of the line
    assert parse_progress("::progress successful=-1") is None


# -- store migrations ---------------------------------------------------------------------
def test_store_migrates_a_fresh_file(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "engine.db"
    store = Store(path)
    try:
        assert store.schema_version == len(MIGRATIONS)
        assert store.revision <= 1  # nothing has happened yet
    finally:
        store.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert {"jobs", "pods", "pod_runs", "pod_events", "workflows", "logs", "changes", "meta"} <= tables
        assert migrate(conn) == len(MIGRATIONS)  # idempotent on an up-to-date file
    Store(path).close()  # reopening is fine


def test_store_refuses_a_newer_schema(tmp_path: Path) -> None:
    path = tmp_path / "engine.db"
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 5}")
    with pytest.raises(RuntimeError, match="newer Pelorus"):
        Store(path)
    with sqlite3.connect(path) as conn:  # nothing was changed
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS) + 5
        assert conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0


def test_a_version_1_store_upgrades_in_place_keeping_its_jobs(tmp_path: Path) -> None:
    path = tmp_path / "engine.db"
    with sqlite3.connect(path) as conn:  # a store as the first release wrote it
        conn.executescript(MIGRATIONS[0])
        conn.execute("PRAGMA user_version = 1")
        conn.execute("INSERT INTO job_labels(job_id, key, value) VALUES ('j1', 'team', 'web')")
    store = Store(path)
    try:
        assert store.schema_version == len(MIGRATIONS) >= 2
    finally:
        store.close()
    with sqlite3.connect(path) as conn:
        indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
        assert "job_labels_kvj" in indexes and "job_labels_kv" not in indexes
        assert conn.execute("SELECT job_id FROM job_labels").fetchall() == [("j1",)]


def test_spec_versions_written_before_schema_4_keep_their_rows(tmp_path: Path) -> None:
    """Schema 4 adds when / by whom / workflow to job_specs: old rows stay, with those unknown."""
    from pelorus.engine.store import SpecVersion

    path = tmp_path / "engine.db"
    with sqlite3.connect(path) as conn:  # a store as schema 3 wrote it
        for step in MIGRATIONS[:3]:
            conn.executescript(step)
        conn.execute("PRAGMA user_version = 3")
        for version in (1, 4):
            conn.execute("INSERT INTO job_specs(job_id, version, spec) VALUES ('j1', ?, x'0a0161')", (version,))
    store = Store(path)
    try:
        rows, total = store.spec_history("j1", 0, 10)
        assert total == 2 and rows == [SpecVersion(4), SpecVersion(1)]
        oldest_first, _ = store.spec_history("j1", 0, 1, newest_first=False)
        assert oldest_first == [SpecVersion(1)]
        assert store.spec_at_version("j1", 3) is not None and store.spec_at_version("j1", 3).name == "a"
    finally:
        store.close()
