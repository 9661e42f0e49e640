"""Finding jobs by name, id prefix and label for the command palette (issue 17).  No Qt."""

from __future__ import annotations

from models.jobs_factory import make_job

from console.models import job_row as R
from console.models.job_search import JobMatch, find


def rows() -> list[R.Row]:
    jobs = [make_job(1, name="etl-nightly", labels={"team": "ml", "env": "prod"}, state="RUNNING"),
            make_job(2, name="web-frontend", labels={"team": "web"}, state="FAILED"),
            make_job(3, name="nightly-etl-backfill", labels={}, state="KILLED")]
    jobs[0].job_id, jobs[1].job_id, jobs[2].job_id = "3fa2c0de-1", "3fb7aaaa-2", "9c00ffee-3"
    return [R.make_row(j) for j in jobs]


def test_by_name_words_in_any_order_and_those_starting_with_it_first() -> None:
    assert [m.name for m in find(rows(), "etl")] == ["etl-nightly", "nightly-etl-backfill"]
    assert [m.name for m in find(rows(), "NIGHTLY etl")] == ["nightly-etl-backfill", "etl-nightly"]
    assert find(rows(), "nothing-like-it") == [] and find(rows(), "   ") == []


def test_by_id_prefix() -> None:
    assert find(rows(), "3fa") == [JobMatch("3fa2c0de-1", "etl-nightly", "RUNNING", "id")]
    assert {m.name for m in find(rows(), "3f")} == {"etl-nightly", "web-frontend"}
    assert find(rows(), "3") == []  # one character is no id prefix (nor in any name)
    assert find(rows(), "c0de") == []  # the middle of an id is not its start


def test_by_label() -> None:
    assert find(rows(), "team=ml") == [JobMatch("3fa2c0de-1", "etl-nightly", "RUNNING", "team=ml")]
    assert [m.name for m in find(rows(), "team=")] == ["etl-nightly", "web-frontend"]
    assert [m.name for m in find(rows(), "env=prod etl")] == ["etl-nightly"]  # every word must match


def test_names_before_ids_before_labels_and_a_limit() -> None:
    many = [R.make_row(make_job(i, name=f"job-{i:03d}", labels={"x": "web"})) for i in range(50)]
    both = rows() + many
    got = find(both, "web", limit=5)
    assert got[0].name == "web-frontend" and len(got) == 5 and all(m.why == "x=web" for m in got[1:])
