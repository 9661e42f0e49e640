"""The proxy's keystroke shortcuts against a filter computed from scratch (hypothesis).

A keystroke that extends the filter ("e" -> "et") searches only the rows shown; one over every
row ORs each column's whole search into the result; one that lets rows back in (backspace)
picks them from the full order kept since the last sort, and takes the result of a recent filter
(while no row changed since) instead of searching again; the inverse mapping and data()'s row
lists are made when read.  Whatever the keystrokes (typed one character at a time, backspaces,
label and state terms pasted in, text that does not parse), sorts between them and rows
arriving or changing between them: the proxy shows exactly the rows a new proxy given the same
table, sort and filter shows, in the same order right after a sort, with every mapping
(``mapFromSource``, ``row_of``, data()) agreeing.  Also each free-text mask on a subset of rows
against the same mask on every row and against the row predicate, and the warm-up holding off
while someone types."""

from __future__ import annotations

import random
import time
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from models.jobs_factory import STATES, make_job
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from console.models import job_filter
from console.models.jobs_proxy import _CHUNK_BITS, JobsProxyModel
from console.models.jobs_table import Column, JobsTableModel

_NAMES = ["etl", "ETL-daily", "web", "Straße", "é", "a", "ab", "abc", "x", "beta"]
_OWNERS = ["alice", "bob", "Bob", "ünï", "etta"]
_CHARS = list("etlabws-1 ")
_PASTE = ["label:team=t1", "label:env", "label:team=t2,team=t3", "state:running", "-e", "owner:bob",
          "t1", "job-0001", "priority>4", '"b e"', "name:et", "état"]
_SORTS = [-1, int(Column.NAME), int(Column.PRIORITY), int(Column.STATE), int(Column.UPDATED), int(Column.OWNER)]


def _job(i: int, rnd: random.Random) -> Any:
    labels = {"team": f"t{rnd.randint(0, 3)}"}
    if rnd.random() < 0.5:
        labels["env"] = rnd.choice(["prod", "dev", "beta"])
    return make_job(i, name=f"{rnd.choice(_NAMES)}{rnd.randint(0, 9)}", priority=rnd.randint(-2, 9),
                    state=rnd.choice(STATES), owner=rnd.choice(_OWNERS), labels=labels,
                    updated=rnd.randint(1, 50))


def _shown(proxy: JobsProxyModel) -> list[int]:
    return [proxy.source_row(p) for p in range(proxy.rowCount())]


def _fresh(model: JobsTableModel, text: str, col: int, desc: bool, chips: list[str]) -> JobsProxyModel:
    fresh = JobsProxyModel(model, resort_interval_ms=10_000)
    fresh.set_state_chips(chips)
    if col >= 0:
        fresh.sort(col, Qt.SortOrder.DescendingOrder if desc else Qt.SortOrder.AscendingOrder)
    assert fresh.set_filter_text(text).ok
    return fresh


action = st.one_of(
    st.tuples(st.just("char"), st.sampled_from(_CHARS)),
    st.tuples(st.just("char"), st.sampled_from(_CHARS)),
    st.tuples(st.just("backspace"), st.integers(1, 3)),
    st.tuples(st.just("paste"), st.sampled_from(_PASTE)),
    st.tuples(st.just("clear"), st.just(0)),
    st.tuples(st.just("chips"), st.lists(st.sampled_from(STATES), max_size=2, unique=True)),
    st.tuples(st.just("sort"), st.sampled_from(_SORTS), st.booleans()),
    st.tuples(st.just("append"), st.integers(1, 40)),
    st.tuples(st.just("update"), st.integers(1, 8)),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10**6), n=st.integers(0, 150), actions=st.lists(action, min_size=1, max_size=16))
def test_refined_filter_equals_a_filter_from_scratch(qapp: Any, seed: int, n: int, actions: list[Any]) -> None:
    rnd = random.Random(seed)
    model = JobsTableModel()
    proxy = JobsProxyModel(model, resort_interval_ms=10_000)
    model.reset([_job(i, rnd) for i in range(n)])
    typed, applied, col, desc, chips = "", "", -1, False, []
    total = n
    exact = True  # nothing arrived or changed since the last sort: the order is the sort's own
    for act in actions:
        kind = act[0]
        if kind in ("char", "backspace", "paste", "clear"):
            if kind == "char":
                typed += act[1]
            elif kind == "backspace":
                typed = typed[: -act[1]]
            elif kind == "paste":
                typed = f"{typed} {act[1]}" if typed.strip() else act[1]
            else:
                typed = ""
            if proxy.set_filter_text(typed).ok:  # else the last good filter stays
                applied = typed
        elif kind == "chips":
            chips = act[1]
            proxy.set_state_chips(chips)
        elif kind == "sort":
            col, desc = act[1], act[2]
            proxy.sort(col, Qt.SortOrder.DescendingOrder if desc else Qt.SortOrder.AscendingOrder)
            exact = True
        elif kind == "append":
            model.apply_batch([(_job(total + k, rnd), False) for k in range(act[1])])
            total += act[1]
            exact = col < 0
        elif total:
            model.apply_batch([(_job(rnd.randrange(total), rnd), False) for _ in range(act[1])])
            proxy.resort_now()
            exact = col < 0
        assert proxy.filter().text == applied
        want = _shown(_fresh(model, applied, col, desc, chips))
        got = _shown(proxy)
        if exact:
            assert got == want, (act, applied, col, desc)
        else:  # rows placed among others since the sort: the same rows, the sort keys in order
            assert sorted(got) == sorted(want), (act, applied, col, desc)
            keys = proxy._keys
            assert keys is not None
            ks = keys[np.array(got, np.int64)].tolist() if got else []
            assert ks == sorted(ks, reverse=desc)
        # every mapping agrees with the order
        for p, r in enumerate(got):
            assert proxy.mapFromSource(model.index(r, 0)).row() == p
            assert proxy.row_of(model.job_id(r)) == p
        hidden = sorted(set(range(model.rowCount())) - set(got))
        for r in hidden[:20]:
            assert not proxy.mapFromSource(model.index(r, 0)).isValid()
        for p in {0, len(got) // 2, len(got) - 1, (1 << _CHUNK_BITS) - 1, 1 << _CHUNK_BITS} & set(range(len(got))):
            assert proxy.data(proxy.index(p, int(Column.NAME))) == model.data(model.index(got[p], int(Column.NAME)))


def test_selection_follows_its_job_through_keystrokes(qapp: Any) -> None:
    """Persistent indexes (a view's current row, its selection) are moved to their job's new row,
    or dropped when the job is filtered out, without the whole inverse mapping."""
    rnd = random.Random(7)
    model = JobsTableModel()
    proxy = JobsProxyModel(model)
    model.reset([_job(i, rnd) for i in range(3000)])
    proxy.sort(int(Column.NAME))
    target = next(p for p in range(proxy.rowCount())
                  if "etl" in str(proxy.data(proxy.index(p, int(Column.NAME)))).casefold())
    job = proxy.job_id_at(target)
    other = next(p for p in range(proxy.rowCount()) if "et" not in str(proxy.data(proxy.index(p, int(Column.NAME))))
                 .casefold() and "et" not in model.summary(proxy.source_row(p)).owner.casefold()
                 and not any("et" in f"{k}={v}".casefold()
                             for k, v in model.summary(proxy.source_row(p)).labels.items()))
    kept = proxy.index(target, 1)
    from PySide6.QtCore import QPersistentModelIndex

    pin, gone = QPersistentModelIndex(kept), QPersistentModelIndex(proxy.index(other, 0))
    for text in ("e", "et", "etl", "et", "", "et"):
        proxy.set_filter_text(text)
        assert pin.isValid() and proxy.job_id_at(pin.row()) == job and pin.column() == 1, text
    assert not gone.isValid()


_MASK_TEXTS = ["e", "et", "b e", "t1", "bob", "job-00", "ünï", "ss", "straße", "label:env=beta", "-et", "e et",
               "owner:bob e", "x label:team=t1"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10**6), n=st.integers(1, 300), text=st.sampled_from(_MASK_TEXTS),
       picks=st.lists(st.integers(0, 10**6), max_size=200), built=st.booleans())
def test_mask_on_some_rows_equals_every_row_and_the_predicate(qapp: Any, seed: int, n: int, text: str,
                                                              picks: list[int], built: bool) -> None:
    rnd = random.Random(seed)
    model = JobsTableModel()
    model.reset([_job(i, rnd) for i in range(n)])
    if built:
        model.ensure_haystacks()
    cols = model.columns()
    res = job_filter.parse(text)
    every = res.mask(cols, np.arange(n, dtype=np.int64))
    truth = [res(cols.reference_row(r)) for r in range(n)]
    assert every.tolist() == truth
    rows = np.unique(np.array([p % n for p in picks], np.int64))
    assert res.mask(cols, rows).tolist() == [truth[r] for r in rows.tolist()]


def test_warm_up_holds_off_while_typing(qtbot: QtBot) -> None:
    """A keystroke (or a sort) holds the idle warm-up for a moment: its slices (the deferred job
    id index first) do not run between a keystroke and its repaint; then it goes on."""
    rnd = random.Random(3)
    model = JobsTableModel()
    proxy = JobsProxyModel(model)
    calls: list[float] = []
    warm = model._warm_step

    def counted() -> None:
        calls.append(time.monotonic())
        warm()

    model._warm_timer.timeout.disconnect()
    model._warm_timer.timeout.connect(counted)
    model.reset([_job(i, rnd) for i in range(50)])
    assert model._warm
    proxy.set_filter_text("e")
    typed = time.monotonic()
    qtbot.waitUntil(lambda: not model._warm, timeout=5000)
    work = [t for t in calls if t - typed < model._WARM_HOLD - 0.02]
    assert len(work) <= 1  # at most the timer's one re-check, which only reschedules
    assert calls and calls[-1] - typed >= model._WARM_HOLD - 0.02
    assert proxy.set_filter_text("et").ok


def test_backspace_takes_a_recent_result_until_a_row_changes(qapp: Any) -> None:
    rnd = random.Random(11)
    model = JobsTableModel()
    proxy = JobsProxyModel(model)
    model.reset([_job(i, rnd) for i in range(400)])
    searched: list[int] = []
    compute = proxy._compute_accept

    def counted(rows: np.ndarray) -> np.ndarray:
        searched.append(len(rows))
        return compute(rows)

    proxy._compute_accept = counted  # type: ignore[method-assign]
    for text in ("e", "et", "etl"):
        proxy.set_filter_text(text)
    searched.clear()
    proxy.set_filter_text("et")  # backspace: "et" was searched two keystrokes ago
    proxy.set_filter_text("e ")  # the same terms as "e"
    assert searched == []
    assert _shown(proxy) == _shown(_fresh(model, "e", -1, False, []))
    model.apply_batch([(_job(rnd.randrange(400), rnd), False)])  # a row changed: searched again
    searched.clear()
    proxy.set_filter_text("et")
    assert searched and _shown(proxy) == _shown(_fresh(model, "et", -1, False, []))
