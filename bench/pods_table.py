"""Benchmark: the job detail's pods table (tree model + sort/filter proxy + view) with many pods.

10,000 instances, shown offscreen in a PodsView sorted by state; measured:
  - reset_ms: the ListPods snapshot;
  - flush_ms: one frame's batch of Watch changes (state changes of every pod; then 2,000 new runs,
    each sliding its previous run in beneath its instance) including the repaint;
  - expand_ms: expanding an instance with 50 previous runs (loaded) and repainting;
  - the re-sort when sorted by a column that changes (the model sorts itself, at most every 500 ms).
Prints one JSON object per line (p50 / max over repeats), no asserts.
Usage: python bench/pods_table.py [instances]
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from console.models.pods_table import PodColumn, PodsTableModel
from console.views.pods_view import PodsView
from pelorus.api import pod_pb2

N = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
P = pod_pb2


class _Session:  # the view only reads this flag (no engine: nothing is acted on here)
    read_only = True


def pod(i: int, run: int, state: int, revision: int) -> pod_pb2.PodInfo:
    p = pod_pb2.PodInfo(pod_name=f"job-{i}", job_id="job", instance_id=i, revision=revision)
    st = p.status
    st.state, st.run, st.attempt, st.pod_id = state, run, 1, f"job-{i}-{run}"
    st.host, st.pid = "vm", 1000 + i
    st.started_at.seconds = 1_700_000_000 + i
    st.progress.successful, st.progress.remaining = i % 30, 30 - i % 30
    return p


def timed(fn, app: QApplication, view: PodsView) -> float:
    t = time.perf_counter()
    fn()
    view.table.viewport().repaint()
    app.processEvents()
    return (time.perf_counter() - t) * 1000


def stats(name: str, values: list[float], **extra: object) -> None:
    v = sorted(values)
    print(json.dumps({"bench": "pods_table", "case": name, "instances": N, "unit": "ms",
                      "p50": round(v[len(v) // 2], 2), "max": round(v[-1], 2), "repeats": len(v), **extra}),
          flush=True)


def main() -> None:
    app = QApplication.instance() or QApplication([])
    model = PodsTableModel()
    view = PodsView(_Session(), model)
    view.resize(1200, 800)
    view.show()
    app.processEvents()
    rev = [1]
    runs = [1] * N
    states = (P.POD_STATE_RUNNING, P.POD_STATE_SUCCEEDED, P.POD_STATE_PENDING)

    pods = [pod(i, 1, P.POD_STATE_PENDING, 1) for i in range(N)]

    def snapshot() -> None:
        model.reset(pods, 1)

    # The batches are built before the clock starts: the figures are the table's, not protobuf's.
    def all_change(k: int) -> Any:
        rev[0] += 1
        batch = [(pod(i, runs[i], states[(i + k) % 3], rev[0]), False) for i in range(N)]
        return lambda: (model.push(batch), model.flush())

    def new_runs(k: int) -> Any:
        rev[0] += 1
        batch = []
        for i in range(k * 2000 % N, k * 2000 % N + 2000):
            i %= N
            runs[i] += 1
            batch.append((pod(i, runs[i], P.POD_STATE_RUNNING, rev[0]), False))
        return lambda: (model.push(batch), model.flush())

    for column, label in ((PodColumn.INSTANCE, "sorted by instance (default)"), (PodColumn.STATE, "sorted by state")):
        view.table.sortByColumn(int(column), Qt.SortOrder.AscendingOrder)
        model._resort_timer.stop()
        stats(f"reset ({label})", [timed(snapshot, app, view) for _ in range(3)])
        model._resort_timer.stop()
        flushes = []
        for k in range(5):
            flushes.append(timed(all_change(k), app, view))
            model._resort_timer.stop()  # measured apart below
        stats(f"flush: every pod changes state ({label})", flushes)
        flushes = []
        for k in range(5):
            flushes.append(timed(new_runs(k), app, view))
            model._resort_timer.stop()
        stats(f"flush: 2,000 new runs ({label})", flushes)
        if column != PodColumn.INSTANCE:
            resorts = []
            for k in range(3):
                all_change(k + 1)()
                model._resort_timer.stop()
                resorts.append(timed(model.resort, app, view))
            stats(f"re-sort after every pod changed ({label}; at most every 500 ms while pods change)", resorts)
    view.table.sortByColumn(int(PodColumn.INSTANCE), Qt.SortOrder.AscendingOrder)
    name = "job-7"
    model.push([(pod(7, runs[7] + 50, P.POD_STATE_RUNNING, rev[0] + 1), False)])
    model.flush()
    model.set_previous(name, [pod(7, r, P.POD_STATE_KILLED, 1) for r in range(runs[7] + 49, 0, -1)][:50])
    stats("expand an instance with 50 previous runs", [timed(lambda: view.expand_instance(7), app, view)])
    stats("filter 'running' then clear", [timed(lambda: view.filter_box.setText("running"), app, view),
                                          timed(lambda: view.filter_box.clear(), app, view)])


if __name__ == "__main__":
    main()
