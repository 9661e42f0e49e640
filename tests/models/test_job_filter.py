"""The filter language: every qualifier, errors with positions, completion.  No Qt needed."""

from __future__ import annotations

import pytest
from models.jobs_factory import make_job

from console.models import job_filter as F
from console.models import job_row as R


def rows() -> list[R.Row]:
    return [
        R.make_row(make_job(1, name="etl-nightly", owner="alice", state="RUNNING", priority=7,
                            labels={"team": "ml", "env": "prod"}, namespace="prod", version=3,
                            pods={"RUNNING": 4, "FAILED": 1})),
        R.make_row(make_job(2, name="Backfill 2024", owner="Bob", state="FAILED", priority=2,
                            labels={"team": "ops"}, pods={})),
        R.make_row(make_job(3, name="etl-hourly", owner="carol smith", state="KILLED", priority=5,
                            labels={}, namespace="")),
    ]


def names(text: str) -> list[str]:
    res = F.parse(text)
    assert res.ok, res.errors
    return [r[R.NAME] for r in rows() if res(r)]


@pytest.mark.parametrize(("text", "expected"), [
    ("", ["etl-nightly", "Backfill 2024", "etl-hourly"]),
    ("etl", ["etl-nightly", "etl-hourly"]),
    ("ETL night", ["etl-nightly"]),
    ('"backfill 2024"', ["Backfill 2024"]),
    ("team=ml", ["etl-nightly"]),  # free text reaches labels
    ("job-000003", ["etl-hourly"]),  # and ids
    ("state:RUNNING", ["etl-nightly"]),
    ("state:running,failed", ["etl-nightly", "Backfill 2024"]),
    ("state:kille", ["etl-hourly"]),  # unique prefix
    ("-state:running", ["Backfill 2024", "etl-hourly"]),
    ("owner:alice", ["etl-nightly"]),
    ("owner:bob", ["Backfill 2024"]),  # any case
    ('owner:"carol smith"', ["etl-hourly"]),
    ("user:alice,bob", ["etl-nightly", "Backfill 2024"]),
    ("label:team=ml", ["etl-nightly"]),
    ("label:team", ["etl-nightly", "Backfill 2024"]),
    ("label:team=ml,team=ops", ["etl-nightly", "Backfill 2024"]),
    ("label:env=prod label:team=ops", []),
    ("name:etl", ["etl-nightly", "etl-hourly"]),
    (r"name~^etl-\w+ly$", ["etl-nightly", "etl-hourly"]),
    ("name~BACK", ["Backfill 2024"]),
    ("ns:prod", ["etl-nightly"]),
    ("namespace:default", ["Backfill 2024", "etl-hourly"]),
    ("id:job-00000", ["etl-nightly", "Backfill 2024", "etl-hourly"]),
    ("id:JOB-000002", ["Backfill 2024"]),
    ("priority>5", ["etl-nightly"]),
    ("priority>=5", ["etl-nightly", "etl-hourly"]),
    ("priority<5", ["Backfill 2024"]),
    ("priority:2", ["Backfill 2024"]),
    ("priority!=2 etl", ["etl-nightly", "etl-hourly"]),
    ("version=3", ["etl-nightly"]),
    ("failed>0", ["etl-nightly"]),
    ("owner:alice state:running etl label:env=prod", ["etl-nightly"]),
])
def test_qualifiers(text: str, expected: list[str]) -> None:
    assert names(text) == expected


@pytest.mark.parametrize(("text", "start", "fragment"), [
    ("state:bogus", 6, "unknown state 'bogus'"),
    ("state:k", 6, "ambiguous state 'k'"),
    ("etl stat:running", 4, "unknown qualifier 'stat' — did you mean 'state'?"),
    ("name~(abc", 5, "bad regular expression"),
    ("name~abc(", 8, "bad regular expression"),
    ('owner:"alice', 6, "unterminated quote"),
    ("priority>high", 9, "needs a whole number"),
    ("owner:", 0, "needs a value"),
    ("state:running,", 0, "needs a value"),
    ("label:=x", 6, "label needs a key"),
    ("state>3", 0, "use state:NAME"),
    ("owner>3", 0, "is text"),
])
def test_errors_have_positions(text: str, start: int, fragment: str) -> None:
    res = F.parse(text)
    assert not res.ok
    err = res.errors[0]
    assert fragment in err.message
    assert err.start == start
    assert 0 <= err.start <= err.end <= len(text)


def test_error_keeps_valid_terms() -> None:
    res = F.parse("etl state:bogus")
    assert len(res.errors) == 1 and len(res.terms) == 1
    assert [r[R.NAME] for r in rows() if res(r)] == ["etl-nightly", "etl-hourly"]


def test_never_raises_on_garbage() -> None:
    for text in ['"', '\\', ':::', 'name~', '-', '"a\\"b"', 'x:"y', 'label:"a=b c"', '\x00', 'ä:ö']:
        F.parse(text)  # must not raise


def test_escaped_quote_in_value() -> None:
    res = F.parse(r'"say \"hi\""')
    assert res.ok and res.terms[0].value == 'say "hi"'


def test_completion_qualifiers() -> None:
    labels = [c.insert for c in F.completions("ow", 2)]
    assert labels == ["owner:"]
    assert {c.insert for c in F.completions("", 0)} >= {"state:", "owner:", "label:", "name~"}
    c = F.completions("etl sta", 7)[0]
    assert (c.start, c.end, c.insert) == (4, 7, "state:")
    assert any(c.insert == "state:RUNNING" for c in F.completions("run", 3))


def test_completion_values() -> None:
    known = {"owner": ["alice", "al bundy", "bob"], "namespace": ["prod", "default"],
             "label": ["team=ml", "env=prod"]}
    got = F.completions("owner:al", 8, known)
    assert [c.insert for c in got] == ["alice", '"al bundy"']
    assert (got[0].start, got[0].end) == (6, 8)
    got = F.completions("state:running,fa", 16)
    assert [c.insert for c in got] == ["FAILED"] and got[0].start == 14
    assert [c.insert for c in F.completions("ns:p", 4, known)] == ["prod"]
    assert [c.insert for c in F.completions("label:te", 8, known)] == ["team=ml"]
    # cursor in the middle of the text: only the word under it is replaced
    got = F.completions("state:ki owner:bob", 8)
    assert {c.insert for c in got} == {"KILLING", "KILLED"} and got[0].end == 8
    assert F.completions("name~x", 6) == []


# -- the state chips and a typed state: term are one filter (issue 17) ---------------------------------
@pytest.mark.parametrize(("text", "states"), [
    ("", []),
    ("web", []),
    ("state:run", ["RUNNING"]),
    ("owner:alice state:failed,RUNNING", ["RUNNING", "FAILED"]),
    ("-state:running", []),  # a negated term is the text's own: the chips do not claim it
    ("state:bogus", []),
    ("state:running,bogus", ["RUNNING"]),
    ("state:k", []),  # ambiguous: killing / killed
])
def test_the_chips_read_the_first_state_term(text: str, states: list[str]) -> None:
    assert F.states_in(text) == states


@pytest.mark.parametrize(("text", "states", "expected"), [
    ("", ["RUNNING"], "state:RUNNING"),
    ("web", ["FAILED", "RUNNING"], "web state:RUNNING,FAILED"),
    ("web state:run owner:a", ["RUNNING", "FAILED"], "web state:RUNNING,FAILED owner:a"),
    ("web state:run owner:a", [], "web owner:a"),
    ("state:run", [], ""),
    ("  web  ", [], "  web  "),  # nothing to remove: the text as typed
    ("-state:killed x", ["PENDING"], "-state:killed x state:PENDING"),
])
def test_a_chip_edits_the_state_term(text: str, states: list[str], expected: str) -> None:
    got = F.with_states(text, states)
    assert got == expected
    assert F.parse(got).ok
    assert F.states_in(got) == [s for s in R.STATE_ORDER if s in states]
