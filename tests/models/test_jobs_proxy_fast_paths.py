"""The proxy's fast paths against the plain reference (hypothesis): a filter that narrows the
previous one tests only the rows shown, and a filter that lets rows back in picks them from the
full sorted order kept since the last sort, instead of sorting them again.  After any sequence of
keystrokes, sorts, appended pages and updates, the proxy shows exactly the jobs the row predicate
keeps, with sort keys in order; right after a sort, in the reference's stable order.  Also the
ASCII casefold of the columns against Python's str.casefold."""

from __future__ import annotations

import random
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from models.jobs_factory import STATES, make_job
from PySide6.QtCore import Qt

from console.models import job_filter
from console.models import job_row as R
from console.models.job_columns import casefold
from console.models.jobs_proxy import JobsProxyModel
from console.models.jobs_table import SORT_KEYS, Column, JobsTableModel

_NAMES = ["etl", "ETL-daily", "web", "Straße", "é", "a", "ab", "abc", "x"]
_TYPED = ["", "e", "et", "etl", "etl-d", "a", "ab", "abc", "Ab", "straße", "STRASSE", "state:running",
          "state:running e", "state:running et", "owner:bob", "owner:bob a", "-e", "-et", "label:team=t1",
          "label:team=t1 e", "priority>3", "priority>3 ab", "e priority>3", "t1", "t1 et"]


def _job(i: int, rnd: random.Random) -> Any:
    return make_job(i, name=f"{rnd.choice(_NAMES)}{rnd.randint(0, 9)}", priority=rnd.randint(-2, 9),
                    state=rnd.choice(STATES), owner=rnd.choice(["alice", "bob", "Bob", "ünï"]),
                    labels={"team": f"t{rnd.randint(0, 3)}"}, updated=rnd.randint(1, 50))


def _truth(model: JobsTableModel, text: str, col: int, desc: bool) -> list[str]:
    res = job_filter.parse(text)
    rows = [model.columns().reference_row(r) for r in range(model.rowCount())]
    kept = [r for r in rows if res(r)]
    if col >= 0:
        kept = sorted(kept, key=SORT_KEYS[col], reverse=desc)
    return [r[R.ID] for r in kept]


action = st.one_of(
    st.tuples(st.just("type"), st.sampled_from(_TYPED)),
    st.tuples(st.just("sort"), st.sampled_from([-1, int(Column.NAME), int(Column.PRIORITY), int(Column.STATE),
                                                int(Column.UPDATED), int(Column.OWNER)]), st.booleans()),
    st.tuples(st.just("append"), st.integers(1, 30)),
    st.tuples(st.just("update"), st.integers(1, 10)),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10**6), n=st.integers(0, 120), actions=st.lists(action, min_size=1, max_size=10))
def test_fast_filter_and_sort_paths_equal_the_reference(qapp: Any, seed: int, n: int, actions: list[Any]) -> None:
    rnd = random.Random(seed)
    model = JobsTableModel()
    proxy = JobsProxyModel(model, resort_interval_ms=10_000)
    model.reset([_job(i, rnd) for i in range(n)])
    text, col, desc = "", -1, False
    total = n
    for act in actions:
        exact = False
        if act[0] == "type":
            text = act[1]
            assert proxy.set_filter_text(text).ok
        elif act[0] == "sort":
            col, desc = act[1], act[2]
            proxy.sort(col, Qt.SortOrder.DescendingOrder if desc else Qt.SortOrder.AscendingOrder)
            exact = True
        elif act[0] == "append":
            model.apply_batch([(_job(total + k, rnd), False) for k in range(act[1])])
            total += act[1]
        elif total:
            changes = [(_job(rnd.randrange(total), rnd), False) for _ in range(act[1])]
            model.apply_batch(changes)
            proxy.resort_now()
        shown = [proxy.job_id_at(p) for p in range(proxy.rowCount())]
        want = _truth(model, text, col, desc)
        if exact or col < 0:
            assert shown == want, (act, text, col, desc)
        else:
            assert sorted(shown) == sorted(want), (act, text, col, desc)
            keys = [SORT_KEYS[col](model.columns().reference_row(model.row_of(j) or 0)) for j in shown]
            assert keys == sorted(keys, reverse=desc)
        full = proxy.full_order()
        if full is not None:  # when kept, it is every row, in an order the filter can pick from
            assert sorted(full.tolist()) == list(range(model.rowCount()))
            if col >= 0:
                keys = [SORT_KEYS[col](model.columns().reference_row(int(r))) for r in full]
                assert keys == sorted(keys, reverse=desc)


@settings(deadline=None)  # 300 rows a case: over 200 ms on a busy machine
@given(old=st.sampled_from(_TYPED), new=st.sampled_from(_TYPED))
def test_narrows_only_when_every_match_was_a_match_before(old: str, new: str) -> None:
    a, b = job_filter.parse(old), job_filter.parse(new)
    if not job_filter.narrows(a, b):
        return
    rnd = random.Random(len(old) * 31 + len(new))
    for i in range(300):
        row = R.make_row(_job(i, rnd))
        assert not b(row) or a(row), (old, new, row[R.NAME])


def test_narrows_examples() -> None:
    p = job_filter.parse
    assert job_filter.narrows(p("e"), p("et"))
    assert job_filter.narrows(p(""), p("et"))
    assert job_filter.narrows(p("etl"), p("etl owner:bob"))
    assert job_filter.narrows(p("E"), p("et"))
    assert not job_filter.narrows(p("et"), p("e"))
    assert not job_filter.narrows(p("-e"), p("-et"))  # not matching "e" is stricter than not matching "et"
    assert not job_filter.narrows(p("owner:bob"), p("owner:bobby"))
    assert not job_filter.narrows(p("e"), p(""))


_BYTES = st.lists(st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00"), max_size=10)
                  .map(lambda t: t.encode()), max_size=20)


@given(values=_BYTES)
def test_casefold_equals_python_casefold(values: list[bytes]) -> None:
    arr = np.array(values, dtype=f"S{max([1] + [len(v) for v in values])}")
    got = casefold(arr, cap=10_000).tolist()
    assert got == [v.decode().casefold().encode().rstrip(b"\x00") for v in values]
