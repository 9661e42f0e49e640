"""Benchmark: 100k jobs into JobsTableModel + JobsProxyModel, sort, one filter keystroke.

Side by side in the same run: QStandardItemModel + QSortFilterProxyModel holding the same rows,
and (to justify the custom proxy) QSortFilterProxyModel over our JobsTableModel.
Prints one JSON object per line.  Targets: load < 1 s, sort < 300 ms, keystroke < 100 ms.

Path: ListJobs-shaped messages (ListJobsResponse wire bytes parsed, as gRPC delivers them) ->
JobsTableModel.reset -> JobsProxyModel (sorted by name) -> filter text, all in-process (transport:
none).  No view is shown here (bench/storm.py has the view and the stream).  Two first-keystroke
figures: "cold" (the keystroke lands before the event loop has run once after the load: every
free-text haystack is built inside it) and "user path" (the load, then the event loop runs for
0.3 s - about the time to reach the filter box - while the idle warm-up fills haystacks in
slices, then the keystroke).
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QRegularExpression, QSortFilterProxyModel, Qt  # noqa: I001
from table_jobs import make_jobs, report, standard_model_rows

from console.models.jobs_proxy import JobsProxyModel
from console.models.jobs_table import Column, JobsTableModel, SortRole

N = 100_000
LABEL = {"path": "ListJobsResponse wire -> JobsTableModel.reset -> JobsProxyModel (sorted) -> filter text",
         "transport": "none (in-process)"}


def timed(fn: Callable[[], object]) -> float:
    gc.collect()
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main() -> None:
    app = QCoreApplication.instance() or QCoreApplication([])
    jobs = make_jobs(N)

    # --- ours -------------------------------------------------------------------------------
    model = JobsTableModel()
    proxy = JobsProxyModel(model)
    proxy.sort(Column.NAME)  # a persisted sort is active while the list arrives
    load = timed(lambda: model.reset(jobs))
    assert proxy.rowCount() == N
    cold_filter = timed(lambda: proxy.set_filter_text("etl"))  # haystacks not warmed yet
    proxy.set_filter_text("")
    # The user's path: a fresh load, the event loop runs ~0.3 s (warm-up slices), then a keystroke.
    model.reset(jobs)
    t_end = time.perf_counter() + 0.3
    while time.perf_counter() < t_end:
        app.processEvents()
    user_filter = timed(lambda: proxy.set_filter_text("etl"))
    proxy.set_filter_text("")
    model.ensure_haystacks()  # what the idle warm-up does in the first ~0.5 s after a load
    sort_name = timed(lambda: proxy.sort(Column.NAME, Qt.SortOrder.DescendingOrder))
    sort_prio = timed(lambda: proxy.sort(Column.PRIORITY))
    sort_updated = timed(lambda: proxy.sort(Column.UPDATED, Qt.SortOrder.DescendingOrder))
    key_free = timed(lambda: proxy.set_filter_text("e"))
    key_free2 = timed(lambda: proxy.set_filter_text("et"))
    key_clear = timed(lambda: proxy.set_filter_text(""))
    key_state = timed(lambda: proxy.set_filter_text("state:running"))
    key_combo = timed(lambda: proxy.set_filter_text("state:running owner:alice"))
    proxy.set_filter_text("")

    # --- peer: QStandardItemModel + QSortFilterProxyModel -----------------------------------
    holder: dict[str, object] = {}

    def peer_load() -> None:
        sm, _ = standard_model_rows(jobs)
        sp = QSortFilterProxyModel()
        sp.setSortRole(SortRole)
        sp.setSourceModel(sm)
        sp.sort(Column.NAME)
        holder["m"], holder["p"] = sm, sp

    peer_load_t = timed(peer_load)
    sp: QSortFilterProxyModel = holder["p"]  # type: ignore[assignment]
    peer_sort_name = timed(lambda: sp.sort(Column.NAME, Qt.SortOrder.DescendingOrder))
    peer_sort_prio = timed(lambda: sp.sort(Column.PRIORITY))
    peer_sort_updated = timed(lambda: sp.sort(Column.UPDATED, Qt.SortOrder.DescendingOrder))
    sp.setFilterKeyColumn(Column.NAME)
    sp.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    peer_key_free = timed(lambda: sp.setFilterFixedString("e"))
    peer_key_free2 = timed(lambda: sp.setFilterFixedString("et"))
    peer_key_clear = timed(lambda: sp.setFilterFixedString(""))
    sp.setFilterKeyColumn(Column.STATE)
    peer_key_state = timed(lambda: sp.setFilterRegularExpression(
        QRegularExpression("^RUNNING$")))
    sp.setFilterFixedString("")

    # --- QSortFilterProxyModel over our model (why the proxy is custom) ----------------------
    qsf = QSortFilterProxyModel()
    qsf.setSortRole(SortRole)
    qsf.setSourceModel(model)
    qsf_sort = timed(lambda: qsf.sort(Column.NAME))
    qsf.setFilterKeyColumn(Column.NAME)
    qsf.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    qsf_key = timed(lambda: qsf.setFilterFixedString("et"))

    ms = 1000.0
    report("table_load.load_100k_model_proxy_sorted", load * ms, "ms", peer_load_t * ms, target_ms=1000)
    report("table_load.sort_name_desc", sort_name * ms, "ms", peer_sort_name * ms, target_ms=300)
    report("table_load.sort_priority", sort_prio * ms, "ms", peer_sort_prio * ms, target_ms=300)
    report("table_load.sort_updated_desc", sort_updated * ms, "ms", peer_sort_updated * ms, target_ms=300)
    report("table_load.keystroke_free_text_1st_char", key_free * ms, "ms", peer_key_free * ms,
           target_ms=100, note="ours searches name/owner/id/labels; peer searches the name column only")
    report("table_load.keystroke_free_text_2nd_char", key_free2 * ms, "ms", peer_key_free2 * ms, target_ms=100)
    report("table_load.keystroke_clear", key_clear * ms, "ms", peer_key_clear * ms, target_ms=100)
    report("table_load.keystroke_state_qualifier", key_state * ms, "ms", peer_key_state * ms, target_ms=100)
    report("table_load.keystroke_two_qualifiers", key_combo * ms, "ms", None, target_ms=100)
    report("table_load.keystroke_free_text_cold_haystacks", cold_filter * ms, "ms", None,
           note="first free-text filter before the idle warm-up filled the label haystacks", **LABEL)
    report("table_load.keystroke_first_after_load_user_path", user_filter * ms, "ms", None, target_ms=50,
           note="load, 0.3 s of event loop (the idle warm-up runs), then the first keystroke", **LABEL)
    report("table_load.qsortfilterproxy_over_jobs_model_sort_name", qsf_sort * ms, "ms", sort_name * ms,
           peer="JobsProxyModel (ours)")
    report("table_load.qsortfilterproxy_over_jobs_model_keystroke", qsf_key * ms, "ms", key_free2 * ms,
           peer="JobsProxyModel (ours)")
    del app


if __name__ == "__main__":
    main()
