"""The store answers the common QueryJobs shapes from an index, not by sorting every match
(issue 18: QueryJobs with a filter and order_by under 50 ms at 100,000 jobs)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pelorus.engine.store as store_mod
from pelorus.api import common_pb2, job_pb2
from pelorus.engine.store import Store


def _plan(store: Store, sql: str, args: tuple[object, ...]) -> str:
    return " / ".join(row[3] for row in store._conn.execute("EXPLAIN QUERY PLAN " + sql, args))


def test_an_owners_jobs_newest_first_come_from_the_owner_created_index(tmp_path: Path) -> None:
    store = Store(tmp_path / "engine.db")
    try:
        for i in range(30):
            spec = job_pb2.JobSpec(name=f"j{i}", owner=f"user{i % 3}")
            st = job_pb2.JobStatus(state=job_pb2.JOB_STATE_SUCCEEDED)
            st.created_at.seconds = 1_800_000_000 + i
            store.put_job(f"job-{i:03d}", spec, st)
        q = job_pb2.JobQuerySpec(owner="user1")
        q.pagination.limit = 5
        q.pagination.order_by.add(property="created_at", order=common_pb2.OrderBy.ORDER_DESC)
        rows, total = store.query_jobs(q)
        assert total == 10
        assert [r[0] for r in rows] == [f"job-{i:03d}" for i in (28, 25, 22, 19, 16)]
        plan = _plan(store, "SELECT job_id FROM jobs WHERE owner = ? ORDER BY created_at DESC, job_id LIMIT 5",
                     ("user1",))
        assert "jobs_owner_created" in plan and "TEMP B-TREE" not in plan, plan
    finally:
        store.close()


def test_a_pod_events_cursor_past_the_largest_rowid_reads_nothing(tmp_path: Path) -> None:
    from pelorus.api import pod_pb2

    store = Store(tmp_path / "engine.db")
    try:
        with store.tx():
            store.add_pod_event("job", "job-0", pod_pb2.PodEvent(pod_id="job-0-1", message="started"))
        assert [r[1] for r in store.job_pod_events("job", 0, 10)] == ["job-0"]
        assert store.job_pod_events("job", 2**64 - 1, 10) == []  # a uint64 cursor: no OverflowError (INTERNAL)
    finally:
        store.close()


def _fill(store: Store, n: int) -> None:
    with store.tx():
        for i in range(n):
            spec = job_pb2.JobSpec(name=f"job-{i}", owner=f"user{i % 4}")
            spec.labels.update({"team": f"t{i % 5}", "tier": "batch" if i % 7 else "web"})
            state = job_pb2.JOB_STATE_RUNNING if i % 50 == 0 else job_pb2.JOB_STATE_SUCCEEDED
            st = job_pb2.JobStatus(state=state)
            st.created_at.seconds = 1_800_000_000 + i
            st.updated_at.seconds = 1_800_000_000 + (i * 37) % n
            store.put_job(f"id-{i:04d}", spec, st)


def test_every_plan_of_a_query_gives_the_same_page_and_total(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A state or label filter with few matches drives the query through its index (state RUNNING
    among many finished jobs read every job before); many matches walk the order's index. Both
    answer exactly what a filter in Python over every job would, page by page."""
    import pelorus.engine.store as store_mod

    store = Store(tmp_path / "engine.db")
    try:
        n = 600
        _fill(store, n)
        D, A = common_pb2.OrderBy.ORDER_DESC, common_pb2.OrderBy.ORDER_ASC

        def spec(i: int) -> tuple[str, int, dict[str, str], str, int]:  # owner, state, labels, name, updated
            return (f"user{i % 4}", job_pb2.JOB_STATE_RUNNING if i % 50 == 0 else job_pb2.JOB_STATE_SUCCEEDED,
                    {"team": f"t{i % 5}", "tier": "batch" if i % 7 else "web"}, f"job-{i}", (i * 37) % n)

        cases = [
            ({"job_states": [job_pb2.JOB_STATE_RUNNING]}, {}, [("created_at", D)]),
            ({"job_states": [job_pb2.JOB_STATE_SUCCEEDED]}, {}, [("updated_at", D)]),
            ({}, {"tier": "web"}, [("updated_at", D)]),
            ({}, {"team": "t1", "tier": "web"}, [("name", A)]),
            ({"job_states": [job_pb2.JOB_STATE_RUNNING]}, {"team": "t0"}, [("updated_at", A)]),
            ({"owner": "user2", "job_states": [job_pb2.JOB_STATE_RUNNING]}, {"tier": "batch"}, [("created_at", D)]),
            ({"keywords": ["team=t3"]}, {}, [("updated_at", D)]),
            ({"keywords": ["no-such-word"]}, {}, [("updated_at", D)]),
        ]
        for fields, labels, order in cases:
            def matches(i: int, fields: dict = fields, labels: dict = labels) -> bool:  # type: ignore[type-arg]
                owner, state, lab, _, _ = spec(i)
                return ((not fields.get("job_states") or state in fields["job_states"])
                        and fields.get("owner", owner) == owner
                        and all(lab.get(k) == v for k, v in labels.items())
                        and all(w in " ".join(f"{k}={v}" for k, v in lab.items()) for w in fields.get("keywords", [])))

            def key(i: int, order: list = order) -> tuple:  # type: ignore[type-arg]
                _, _, _, name, updated = spec(i)
                value = {"created_at": i, "updated_at": updated, "name": name}[order[0][0]]
                return (-value if order[0][1] == D and not isinstance(value, str) else value, f"id-{i:04d}")

            expected = [f"id-{i:04d}" for i in sorted((i for i in range(n) if matches(i)), key=key)]
            if order[0][0] == "name" and order[0][1] == D:
                expected.reverse()
            for few in (0, 10, store_mod.FEW_MATCHES):
                monkeypatch.setattr(store_mod, "FEW_MATCHES", few)
                for offset in (0, 7, len(expected)):
                    q = job_pb2.JobQuerySpec(**fields)
                    q.labels.update(labels)
                    q.pagination.limit, q.pagination.offset = 5, offset
                    for prop, direction in order:
                        q.pagination.order_by.add(property=prop, order=direction)
                    rows, total = store.query_jobs(q)
                    assert total == len(expected), (fields, labels)
                    assert [r[0] for r in rows] == expected[offset:offset + 5], (fields, labels, few, offset)
    finally:
        store.close()


def test_recently_updated_first_comes_from_the_updated_index(tmp_path: Path) -> None:
    store = Store(tmp_path / "engine.db")
    try:
        _fill(store, 30)
        plan = _plan(store, "SELECT job_id FROM jobs ORDER BY updated_at DESC, job_id LIMIT 5", ())
        assert "jobs_updated" in plan and "TEMP B-TREE" not in plan, plan
        plan = _plan(store, "SELECT job_id FROM jobs WHERE state IN (?) ORDER BY +created_at DESC LIMIT 5",
                     (job_pb2.JOB_STATE_RUNNING,))
        assert "jobs_state" in plan, plan
    finally:
        store.close()


# -- name substring and keyword filters: the trigram index against the filter in Python ----------------
# Letters in both cases, non-ASCII ones that lower-case differently in SQLite (ASCII only) and
# Python, the FTS5 quote, spaces and "=" (keywords may span fields: "name owner", "team=x").
_CHARS = st.sampled_from(list('abcAB É éßİi"= -1'))
_TEXT = st.text(_CHARS, max_size=8)


def _ascii_lower(s: str) -> str:  # SQLite's lower() without ICU
    return "".join(c.lower() if "A" <= c <= "Z" else c for c in s)


@st.composite
def _store_and_query(draw: st.DrawFn) -> tuple[list[tuple[str, str, str, dict[str, str], int]], list[int], dict]:  # type: ignore[type-arg]
    jobs = draw(st.lists(st.tuples(_TEXT, _TEXT, _TEXT, st.dictionaries(_TEXT, _TEXT, max_size=2),
                                   st.sampled_from([job_pb2.JOB_STATE_RUNNING, job_pb2.JOB_STATE_SUCCEEDED])),
                         min_size=1, max_size=25))
    renamed = draw(st.lists(st.integers(0, len(jobs) - 1), max_size=4))
    deleted = draw(st.lists(st.integers(0, len(jobs) - 1), max_size=3))
    # Substrings of the stored text as well as arbitrary ones, so that most queries match something.
    pieces = [t for j in jobs for t in (j[0], j[1], j[2], *(f"{k}={v}" for k, v in j[3].items()))] + ["job-"]
    sub = st.one_of(_TEXT, st.sampled_from(pieces).flatmap(
        lambda t: st.tuples(st.integers(0, len(t)), st.integers(0, 6)).map(lambda ab: t[ab[0]:ab[0] + ab[1]])))
    query = {
        "name": draw(st.one_of(st.just(""), sub, sub.map(str.upper))),
        "keywords": draw(st.lists(st.one_of(sub, sub.map(str.upper)), max_size=3)),
        "running": draw(st.booleans()),
        "order": draw(st.sampled_from(["", "name", "updated_at"])),
        "offset": draw(st.integers(0, 6)),
        "few": draw(st.sampled_from([0, 3, 5000])),
    }
    return jobs, renamed + [-1 - d for d in deleted], query


@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(_store_and_query())
def test_text_filters_give_exactly_the_page_and_total_of_the_filter_in_python(case) -> None:  # type: ignore[no-untyped-def]
    """Name substring and keywords through the trigram index (3+ characters) or the scan (shorter,
    or no index): the same page and total as the filter written in Python, after renames and deletes."""
    jobs, edits, query = case
    few = store_mod.FEW_MATCHES
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "engine.db")
        try:
            store_mod.FEW_MATCHES = query["few"]
            live: dict[str, tuple[str, str, str, dict[str, str], int, int]] = {}

            def put(i: int, name: str, owner: str, description: str, labels: dict[str, str], state: int) -> None:
                spec = job_pb2.JobSpec(name=name, owner=owner, description=description)
                spec.labels.update(labels)
                status = job_pb2.JobStatus(state=state)
                status.created_at.seconds = 1_800_000_000 + i
                status.updated_at.seconds = 1_800_000_000 + (i * 7) % 11
                store.put_job(f"id-{i:03d}", spec, status)
                live[f"id-{i:03d}"] = (name, owner, description, labels, state, (i * 7) % 11)

            with store.tx():
                for i, (name, owner, description, labels, state) in enumerate(jobs):
                    put(i, name, owner, description, labels, state)
            for e in edits:
                if e >= 0:
                    name, owner, description, labels, state = jobs[e]
                    put(e, "job-" + name[::-1], owner, description.upper(), labels, state)
                elif f"id-{-1 - e:03d}" in live:
                    store.delete_job(f"id-{-1 - e:03d}")
                    del live[f"id-{-1 - e:03d}"]

            def matches(job_id: str) -> bool:
                name, owner, description, labels, state, _ = live[job_id]
                search = " ".join([name, owner, description, job_id, *(f"{k}={v}" for k, v in labels.items())]).lower()
                return ((not query["running"] or state == job_pb2.JOB_STATE_RUNNING)
                        and query["name"].lower() in _ascii_lower(name)
                        and all(w.lower() in search for w in query["keywords"]))

            def key(job_id: str) -> tuple:  # type: ignore[type-arg]
                order = query["order"]
                if order == "name":
                    return (live[job_id][0], job_id)
                if order == "updated_at":
                    return (-live[job_id][5], job_id)
                return (-int(job_id[3:]), job_id)

            expected = sorted((j for j in live if matches(j)), key=key)
            q = job_pb2.JobQuerySpec(name=query["name"], keywords=query["keywords"])
            if query["running"]:
                q.job_states.append(job_pb2.JOB_STATE_RUNNING)
            if query["order"]:
                q.pagination.order_by.add(property=query["order"], order=common_pb2.OrderBy.ORDER_ASC
                                          if query["order"] == "name" else common_pb2.OrderBy.ORDER_DESC)
            q.pagination.limit, q.pagination.offset = 4, query["offset"]
            assert store.text_index
            for indexed in (True, False):
                store.text_index = indexed
                rows, total = store.query_jobs(q)
                assert (total, [r[0] for r in rows]) == \
                    (len(expected), expected[query["offset"]:query["offset"] + 4]), (indexed, query)
        finally:
            store_mod.FEW_MATCHES = few
            store.close()


def test_the_text_index_is_built_for_a_store_written_before_it(tmp_path: Path) -> None:
    """Migration 7 (or a later open, where the first had no trigram tokenizer) indexes existing jobs."""
    import sqlite3

    path = tmp_path / "engine.db"
    store = Store(path)
    try:
        _fill(store, 20)
    finally:
        store.close()
    with sqlite3.connect(path) as conn:  # as a store looks where the index could not be made
        conn.executescript("DROP TRIGGER jobs_text_insert; DROP TRIGGER jobs_text_delete; "
                           "DROP TRIGGER jobs_text_update; DROP TABLE jobs_text;")
    store = Store(path)
    try:
        assert store.text_index
        q = job_pb2.JobQuerySpec(name="JOB-1")
        q.pagination.limit = 100
        plan = _plan(store, "SELECT COUNT(*) FROM jobs WHERE jobs.rowid IN (SELECT rowid FROM jobs_text "
                            "WHERE jobs_text MATCH ?)", ('name : "job-1"',))
        assert "jobs_text" in plan, plan
        rows, total = store.query_jobs(q)
        assert total == 11 and {r[0] for r in rows} == {f"id-{i:04d}" for i in [1, *range(10, 20)]}
    finally:
        store.close()


def test_without_the_trigram_tokenizer_the_filters_scan_and_a_later_open_rebuilds_the_index(
        tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """An SQLite without FTS5 trigram: migration 7 is skipped on a new store, and on a store that has the
    index its triggers go (job writes would fail on them) and it is marked stale; the next open on an
    SQLite that has it rebuilds it, jobs written meanwhile included."""
    import pelorus.engine.migrations as migrations

    def query(store: Store, name: str) -> tuple[list[str], int]:
        q = job_pb2.JobQuerySpec(name=name)
        q.pagination.limit = 100
        rows, total = store.query_jobs(q)
        return sorted(r[0] for r in rows), total

    monkeypatch.setattr(migrations, "trigram_available", lambda: False)
    store = Store(tmp_path / "new.db")
    try:
        assert not store.text_index
        _fill(store, 12)
        assert query(store, "job-11") == (["id-0011"], 1)
    finally:
        store.close()
    monkeypatch.undo()
    store = Store(tmp_path / "new.db")  # the index is added where it was skipped
    try:
        assert store.text_index and query(store, "job-11") == (["id-0011"], 1)
    finally:
        store.close()

    monkeypatch.setattr(migrations, "trigram_available", lambda: False)
    store = Store(tmp_path / "new.db")  # moved to an SQLite without it: jobs are written and renamed
    try:
        assert not store.text_index
        spec = job_pb2.JobSpec(name="renamed-while-stale")
        store.put_job("id-0011", spec, job_pb2.JobStatus(state=job_pb2.JOB_STATE_RUNNING))
        store.put_job("id-0099", job_pb2.JobSpec(name="job-99"), job_pb2.JobStatus())
        assert query(store, "job-11") == ([], 0) and query(store, "while-stale") == (["id-0011"], 1)
    finally:
        store.close()
    monkeypatch.undo()
    store = Store(tmp_path / "new.db")
    try:
        assert store.text_index
        assert query(store, "job-11") == ([], 0)
        assert query(store, "while-stale") == (["id-0011"], 1)
        assert query(store, "job-99") == (["id-0099"], 1)
    finally:
        store.close()
