"""Benchmark: sustained job updates through ChangeBatcher → JobsTableModel → JobsProxyModel → a
shown QTableView (offscreen), with the event loop running.

Stalls are measured with a 1 ms PreciseTimer heartbeat: the gap between two heartbeats is how
long the event loop was busy (flushes, proxy work, painting).  Reports updates applied per second
and the p50/p95/p99/max gap.  Target: 20,000 updates/s with the longest stall < 50 ms.
The peer (QStandardItemModel + dynamic QSortFilterProxyModel) gets the same stream, fed with
setData on the changed cells, through the same batcher.
"""

from __future__ import annotations

import gc
import os
import random
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt, QTimer  # noqa: I001
from PySide6.QtWidgets import QApplication, QHeaderView, QTableView
from table_jobs import as_delivered, make_jobs, report, standard_model_rows, summary

from console.models import job_row as R
from console.models.batcher import ChangeBatcher
from console.models.jobs_proxy import JobsProxyModel
from console.models.jobs_table import _DISPLAY, SORT_KEYS, Column, JobsTableModel, SortRole

N = 100_000
SECONDS = float(sys.argv[1]) if len(sys.argv) > 1 else 5.0
FREEZE = os.environ.get("BENCH_GC_FREEZE", "1") == "1"


def make_updates(n_updates: int, seed: int = 2) -> list[Any]:
    rnd = random.Random(seed)
    base = random.Random(1)
    originals = [summary(i, base) for i in range(N)]  # same jobs as make_jobs(N, seed=1)
    out = []
    for k in range(n_updates):
        i = rnd.randrange(N)
        s = summary(i, rnd, version=2 + k, updated=1_770_000_000 + k)  # new status...
        o = originals[i]  # ...same identity: id, name, owner, labels do not change on updates
        s.job_id, s.name, s.owner, s.namespace = o.job_id, o.name, o.owner, o.namespace
        s.labels.clear()
        s.labels.update(o.labels)
        out.append(s)
    return as_delivered(out)


def make_view(model: Any) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.verticalHeader().setDefaultSectionSize(22)
    view.verticalHeader().hide()
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.setSortingEnabled(False)
    view.resize(1400, 900)
    view.show()
    return view


def run(app: QApplication, sink: Callable[[Sequence[Any]], Any], updates: list[Any], rate: int,
        seconds: float) -> dict[str, float]:
    batcher = ChangeBatcher(sink)
    beats: list[float] = []
    heartbeat = QTimer()
    heartbeat.setTimerType(Qt.TimerType.PreciseTimer)
    heartbeat.setInterval(1)
    heartbeat.timeout.connect(lambda: beats.append(time.perf_counter()))
    tick_ms = 4
    state = {"pos": 0, "pushed": 0}
    t_start = time.perf_counter()

    def produce() -> None:  # push what the wall clock says is due (rate-controlled, no drift)
        due = int((time.perf_counter() - t_start) * rate) - state["pushed"]
        if due <= 0:
            return
        pos = state["pos"]
        chunk = [(updates[(pos + j) % len(updates)], False) for j in range(due)]
        state["pos"] = pos + due
        state["pushed"] += due
        batcher.extend(chunk)

    producer = QTimer()
    producer.setTimerType(Qt.TimerType.PreciseTimer)
    producer.setInterval(tick_ms)
    producer.timeout.connect(produce)
    heartbeat.start()
    producer.start()
    applied0 = batcher.applied
    end = t_start + seconds
    while time.perf_counter() < end:
        app.processEvents()
    producer.stop()
    heartbeat.stop()
    elapsed = time.perf_counter() - t_start
    gaps = sorted((b - a) * 1000 for a, b in zip(beats, beats[1:], strict=False))

    def pct(p: float) -> float:
        return gaps[min(len(gaps) - 1, int(p / 100 * len(gaps)))] if gaps else float("nan")

    return {"rate": (batcher.applied - applied0) / elapsed, "offered": state["pushed"] / elapsed,
            "p50": pct(50), "p95": pct(95), "p99": pct(99), "max": gaps[-1] if gaps else float("nan"),
            "flushes": batcher.flushes, "pending": batcher.pending()}


def main() -> None:
    app = QApplication.instance() or QApplication([])
    jobs = make_jobs(N)
    updates = make_updates(200_000)
    results: dict[str, dict[str, float]] = {}

    model = JobsTableModel()
    proxy = JobsProxyModel(model)
    model.reset(jobs)
    if FREEZE:
        # App-level policy the console should adopt after its initial load: move the 100k rows
        # and messages out of the cyclic GC's reach, so a full collection does not walk them.
        gc.collect()
        gc.freeze()
    view = make_view(proxy)
    for name, col, order in [("sorted_by_name", Column.NAME, Qt.SortOrder.AscendingOrder),
                             ("sorted_by_updated_desc", Column.UPDATED, Qt.SortOrder.DescendingOrder)]:
        proxy.sort(col, order)
        view.selectRow(5)
        for _ in range(20):
            app.processEvents()
        results[name] = run(app, model.apply_batch, updates, 20_000, SECONDS)
    proxy.sort(Column.NAME)
    results["max_offered_100k_per_s"] = run(app, model.apply_batch, updates, 100_000, SECONDS)
    view.close()

    # peer: same stream into QStandardItemModel + QSortFilterProxyModel (dynamic sort by name)
    sm, index = standard_model_rows(jobs)
    sp = QSortFilterProxyModel()
    sp.setSortRole(SortRole)
    sp.setSourceModel(sm)
    sp.sort(Column.NAME)
    peer_view = make_view(sp)

    def peer_sink(batch: Sequence[Any]) -> None:
        for s, _deleted in batch:
            r = index[s.job_id]
            row = R.make_row(s)
            for c in (Column.STATE, Column.RUNNING, Column.SUCCEEDED, Column.FAILED, Column.PROGRESS,
                      Column.UPDATED, Column.VERSION):
                it = sm.item(r, c)
                it.setData(_DISPLAY[c](row), Qt.ItemDataRole.DisplayRole)
                it.setData(SORT_KEYS[c](row), SortRole)

    peer = run(app, peer_sink, updates, 20_000, SECONDS)
    peer_view.close()

    for name, res in results.items():
        report(f"table_updates.{name}.updates_per_s", res["rate"], "updates/s",
               peer["rate"] if name == "sorted_by_name" else None, offered=round(res["offered"]), gc_freeze=FREEZE,
               target=20_000 if not name.startswith("max") else None, flushes=res["flushes"])
        for k in ("p50", "p95", "p99", "max"):
            report(f"table_updates.{name}.stall_{k}", res[k], "ms",
                   peer[k] if name == "sorted_by_name" else None,
                   target_ms=50 if k == "max" and not name.startswith("max") else None)


if __name__ == "__main__":
    main()
