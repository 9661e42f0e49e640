"""Benchmark: the jobs table at 100,000 and 1,000,000 jobs: load, sort, filter keystrokes, memory.

    python bench/table_scale.py [--sizes 100000,1000000] [--peer-max 100000]

Path timed (ours): ListJobsResponse wire bytes, as ``EngineClient.list_jobs_raw`` hands them over
-> job_wire.list_jobs_wire -> job_columns.prepare (decode, casefold the search columns: the
jobs feed's thread does this part; timed here in line, before the rest) -> JobsTableModel.reset
-> JobsProxyModel (sorted by Name) -> a shown
1280x800 QTableView (offscreen platform), events processed until it has painted.  Transport:
none (in-process; bench/reattach.py has the engine and the socket).  Each step is timed to
the end of the repaint it causes.
Peer (same run, same jobs, up to --peer-max rows: it needs minutes and gigabytes beyond):
the same pages parsed by protobuf -> QStandardItemModel (text + sort value per cell) ->
QSortFilterProxyModel -> the same view; its keystroke filters the Name column only.

Streamed (the app's path on attach, console/job_feed_thread.py): the pages go to
console/models/listing_feed.ListingFeed on a worker thread, which hands growing batches over,
decoded, casefolded for search and with their ids as str (job_columns.prepare, on that thread);
the UI thread writes them (JobsTableModel.reset / append_wire) and repaints; the sort by Name is
on all along.  Timed to the first rows painted and to all rows painted, with the process's CPU;
then keystrokes typed right after the last paint, no event loop run between ("streamed first").

Keystrokes: "first after load" is typed 0.3 s after the load (about the time to reach the
filter box, while the idle warm-up builds the search columns) and "cold" right after the load
with no event loop run at all.  Memory per row: the process's resident size after the load and
the warm-up minus before, over the rows (the input pages freed, malloc_trim), and what the
model holds counted object by object (columns, kept summary bytes, the job id index, the
proxy's arrays).
Storm (``--storm``, at the sizes ``--storm-sizes``; ``--storm-only`` measures nothing else): after the
load (and the idle warm-up: the job id index and the search columns built), a storm of job changes
replaces summaries of random jobs, each a new revision of the job's summary (same size), in batches of
``--storm-batch`` jobs, as the job feed's thread hands them over (console/job_feed_thread.WireBatch:
coalesced and decoded there, here in line and not timed) -> JobsTableModel.apply_wire_batch ->
JobsProxyModel (sorted by Updated, descending) -> the shown view repainted.  It goes on until the
summary buffers the columns hold have reached the size at which 70763bb rewrote every live summary
in one apply (2x the live bytes + 64 MB), and as many changes again as that took times
``--storm-after``.  Reported: the longest apply on the UI thread (and its p99), the longest part of
an apply that the columns spend on their wire buffers (``JobColumns._maybe_compact``: merges and
compaction; "apply_buffers"), the longest frame
(apply + repaint + the events it queued, the proxy's throttled re-sort included), the wire buffers
held, and the process's resident memory before, at the peak of and after the storm; checked: every
row's revision is its last change's, and a sample of rows' summary bytes equal the last ones sent.
Exit status 1 when a figure could not be measured or a check failed.
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import os
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from PySide6.QtCore import QSortFilterProxyModel, Qt  # noqa: E402
from PySide6.QtWidgets import QApplication, QTableView  # noqa: E402
from table_jobs import report, standard_model_rows, summary  # noqa: E402

from console.models import job_wire as W  # noqa: E402
from console.models.jobs_proxy import JobsProxyModel  # noqa: E402
from console.models.jobs_table import Column, JobsTableModel, SortRole  # noqa: E402
from pelorus.api import job_service_pb2  # noqa: E402

PATH = ("ListJobsResponse wire pages -> job_wire.list_jobs_wire -> job_columns.prepare (the feed thread's "
        "part, here on the same thread, before) -> JobsTableModel.reset -> JobsProxyModel "
        "(sorted) -> shown QTableView painted")
STREAM_PATH = ("ListJobsResponse wire pages -> ListingFeed batches on a worker thread, decoded and folded there "
               "(job_columns.prepare) -> UI thread: JobsTableModel.reset/append_wire -> JobsProxyModel (sorted) -> "
               "shown QTableView painted")
STORM_PATH = ("WireBatch of coalesced job changes, decoded (the job feed's thread's part, here in line and not timed) "
              "-> JobsTableModel.apply_wire_batch (columns written, wire buffers merged / compacted) -> "
              "JobsProxyModel (Updated desc) -> shown QTableView repainted")
PEER_PATH = "same pages parsed by protobuf -> QStandardItemModel -> QSortFilterProxyModel -> same view"
TRANSPORT = "none (in-process)"


def rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def pages_of(n: int, seed: int = 1) -> list[bytes]:
    rnd = random.Random(seed)
    out = []
    for k in range(0, n, 1000):
        resp = job_service_pb2.ListJobsResponse()
        resp.jobs.extend(summary(i, rnd) for i in range(k, min(n, k + 1000)))
        if k + 1000 >= n:
            resp.revision, resp.last = 1, True
        out.append(resp.SerializeToString())
    return out


class Timer:
    def __init__(self, app: QApplication, view: QTableView) -> None:
        self.app, self.view = app, view

    def __call__(self, fn: Callable[[], object]) -> float:
        """Seconds for ``fn`` and the repaint it causes."""
        gc.collect()
        t0 = time.perf_counter()
        fn()
        self.view.viewport().repaint()
        self.app.processEvents()
        return time.perf_counter() - t0


def run_ours(app: QApplication, pages: list[bytes], n: int) -> dict[str, float]:
    from console.models.job_columns import prepare

    view = QTableView()
    view.resize(1280, 800)
    view.setWordWrap(False)
    model = JobsTableModel()
    proxy = JobsProxyModel(model)
    proxy.sort(Column.NAME)
    view.setModel(proxy)
    view.show()
    app.processEvents()
    t = Timer(app, view)
    gc.collect()
    before = rss()
    out: dict[str, float] = {}
    out["load"] = t(lambda: model.reset(prepare(W.list_jobs_wire(pages))))
    if proxy.rowCount() != n:
        raise RuntimeError(f"loaded {proxy.rowCount()} rows, expected {n}")
    out["key_cold"] = t(lambda: proxy.set_filter_text("etl"))
    t(lambda: proxy.set_filter_text(""))
    # the user's path: a fresh load, 0.3 s of event loop (warm-up slices), then a keystroke
    model.reset(prepare(W.list_jobs_wire(pages)))
    end = time.perf_counter() + 0.3
    while time.perf_counter() < end:
        app.processEvents()
    out["key_first_after_load"] = t(lambda: proxy.set_filter_text("e"))
    out["key_2nd_char"] = t(lambda: proxy.set_filter_text("et"))
    out["key_clear"] = t(lambda: proxy.set_filter_text(""))
    model.ensure_haystacks()
    out["key_free_warm"] = t(lambda: proxy.set_filter_text("e"))
    out["key_state"] = t(lambda: proxy.set_filter_text("state:running"))
    out["key_owner_state"] = t(lambda: proxy.set_filter_text("state:running owner:alice"))
    out["key_label"] = t(lambda: proxy.set_filter_text("label:team=ml"))
    t(lambda: proxy.set_filter_text(""))
    out["sort_name_desc"] = t(lambda: proxy.sort(Column.NAME, Qt.SortOrder.DescendingOrder))
    out["sort_priority"] = t(lambda: proxy.sort(Column.PRIORITY))
    out["sort_state"] = t(lambda: proxy.sort(Column.STATE))
    out["sort_updated_desc"] = t(lambda: proxy.sort(Column.UPDATED, Qt.SortOrder.DescendingOrder))
    del pages[:]
    gc.collect()
    ctypes.CDLL("libc.so.6").malloc_trim(0)  # hand freed load temporaries back, as a long-running app's heap would
    out["rss_bytes_per_row"] = (rss() - before) / n
    cols = model.columns()
    index = sys.getsizeof(cols.index) + sum(sys.getsizeof(k) for k in cols.index)
    proxy_arrays = sum(a.nbytes for a in (proxy._order, proxy._inv, proxy._accept, proxy._dirty))
    proxy_arrays += 0 if proxy._keys is None else proxy._keys.nbytes
    out["model_bytes_per_row"] = (cols.nbytes() + index + proxy_arrays) / n
    out["columns_bytes_per_row"] = cols.nbytes() / n
    # checks: sorted by Updated, every row shown
    upd = model.columns().num("updated")
    shown = [upd[proxy.source_row(p)] for p in range(0, proxy.rowCount(), max(1, n // 1000))]
    if shown != sorted(shown, reverse=True) or proxy.rowCount() != n:
        raise RuntimeError(f"the proxy is not ordered by Updated after the sort ({proxy.rowCount()} rows)")
    view.close()
    return out


def run_streamed(app: QApplication, pages: list[bytes], n: int) -> dict[str, float]:
    """The app's path (console/job_feed_thread.py): ListingFeed on a worker thread, its batches
    decoded and folded there (job_columns.prepare), handed to the UI thread, which writes them
    (JobsTableModel.reset / append_wire) and repaints.  The pages go in as fast as the worker
    takes them (the transport is not timed).  Then keystrokes typed right after the last rows
    were painted, with no event loop run between: the first is the one the goal names."""
    import threading

    from console.models.listing_feed import ListingFeed

    try:
        from console.models.job_columns import prepare
    except ImportError:  # before it (the worker split the pages, the UI thread decoded them): for a before/after
        def prepare(wire: W.Wire) -> W.Wire:
            return wire

    view = QTableView()
    view.resize(1280, 800)
    view.setWordWrap(False)
    model = JobsTableModel()
    proxy = JobsProxyModel(model)
    proxy.sort(Column.NAME)
    view.setModel(proxy)
    view.show()
    app.processEvents()
    gc.collect()
    lock = threading.Lock()
    ready = threading.Event()
    events: list[tuple[W.Wire, bool]] = []

    class Events:  # what job_feed_thread._ListingEvents does, without the engine
        def reset(self, wire: W.Wire) -> None:
            self._emit(wire, True)

        def append_wire(self, wire: W.Wire) -> None:
            self._emit(wire, False)

        def _emit(self, wire: W.Wire, first: bool) -> None:
            wire = prepare(wire)
            with lock:
                events.append((wire, first))
            ready.set()

    done = threading.Event()

    def worker() -> None:
        feed = ListingFeed(Events())
        for raw in pages:
            feed.page(raw)
        feed.flush()
        done.set()
        ready.set()

    t0 = time.perf_counter()
    cpu0 = time.process_time()
    thread = threading.Thread(target=worker, name="listing-worker")
    thread.start()
    first = 0.0
    while True:
        ready.wait(0.05)
        with lock:
            got, events[:] = list(events), []
            ready.clear()
            finished = done.is_set() and not events
        for wire, is_first in got:
            if is_first:
                model.reset(wire)
            else:
                model.append_wire(wire)
        if got:
            view.viewport().repaint()
            app.processEvents()
            if not first and proxy.rowCount():
                first = time.perf_counter() - t0
        if finished and not got:
            break
    thread.join()
    view.viewport().repaint()
    app.processEvents()
    out = {"load_streamed_first_rows": first, "load_streamed": time.perf_counter() - t0,
           "load_streamed_cpu": time.process_time() - cpu0}
    if proxy.rowCount() != n:
        raise RuntimeError(f"streamed {proxy.rowCount()} rows, expected {n}")
    t = Timer(app, view)
    out["key_streamed_first"] = t(lambda: proxy.set_filter_text("e"))
    out["key_streamed_2nd_char"] = t(lambda: proxy.set_filter_text("et"))
    out["key_streamed_clear"] = t(lambda: proxy.set_filter_text(""))
    out["key_streamed_label"] = t(lambda: proxy.set_filter_text("label:team=ml"))
    view.close()
    return out


def _held(cols: Any) -> int:
    return sum(len(b) for b in cols._bufs)


def run_storm(app: QApplication, pages: list[bytes], n: int, batch: int, after: float, max_changes: int,
              seed: int = 7) -> dict[str, float]:
    """The storm (see the module docstring).  Returns the figures; raises RuntimeError when the
    buffers never reached the old full compaction's size or a check failed."""
    from console.job_feed_thread import WireBatch
    from console.models.job_columns import prepare
    from pelorus.api import job_pb2

    view = QTableView()
    view.resize(1280, 800)
    view.setWordWrap(False)
    model = JobsTableModel()
    proxy = JobsProxyModel(model)
    proxy.sort(Column.UPDATED, Qt.SortOrder.DescendingOrder)
    view.setModel(proxy)
    view.show()
    app.processEvents()
    gc.collect()
    model.reset(prepare(W.list_jobs_wire(pages)))
    cols = model.columns()
    end = time.perf_counter() + 30  # the idle warm-up, as the app runs it (then whatever is left, at once)
    while model._warm and time.perf_counter() < end:
        app.processEvents()
    model.ensure_haystacks()
    cols.index  # noqa: B018 - the deferred job id index, finished as the warm-up would
    view.viewport().repaint()
    app.processEvents()
    gc.collect()
    ctypes.CDLL("libc.so.6").malloc_trim(0)
    rss_before = rss()
    # the wire buffers' housekeeping inside each apply (merges of small buffers, compaction), timed apart
    housekeeping: list[float] = []
    cls = type(cols)
    real = cls._maybe_compact

    mark: list[bool] = []

    def timed(self: Any, *args: Any) -> None:
        if not mark and _held(self) >= 2 * self._live_bytes + (64 << 20):  # (the old code compacts at once)
            mark.append(True)
        t = time.perf_counter()
        real(self, *args)
        housekeeping.append(time.perf_counter() - t)

    cls._maybe_compact = timed  # type: ignore[method-assign]
    rnd = random.Random(seed)
    last_rev = np.zeros(n, np.int64)
    sample = set(rnd.sample(range(n), min(n, 5000)))
    sent: dict[int, bytes] = {}
    applies: list[float] = []
    frames: list[float] = []
    held_peak = rss_peak = 0
    changes = 0
    trigger_at = 0  # changes when the buffers first reached the old full compaction's size
    rev = 0
    t_updated = 1_900_000_000
    parse = job_pb2.JobSummary.FromString
    while True:
        held = _held(cols)
        if not trigger_at and (mark or held >= 2 * cols._live_bytes + (64 << 20)):
            trigger_at = changes
        if trigger_at and changes >= trigger_at * (1 + after):
            break
        if changes >= max_changes:
            break
        rows = rnd.sample(range(n), batch)
        blobs = []
        for r in rows:  # the next revision of each job's summary: as big as the last one
            s = parse(cols.wire(r))
            rev += 1
            t_updated += 1
            st = s.status
            st.revision = rev
            st.updated_at.seconds = t_updated
            st.version.value += 1
            st.progress.successful = (st.progress.successful + 1) % 500
            blob = s.SerializeToString()
            blobs.append(blob)
            last_rev[r] = rev
            if r in sample:
                sent[r] = blob
        buf, starts, ends = W.concat(blobs)
        wb = WireBatch(buf, starts, ends, W.decode(buf, starts, ends, with_labels=True), [], len(blobs))
        changes += len(blobs)
        t0 = time.perf_counter()
        model.apply_wire_batch(wb)
        t1 = time.perf_counter()
        view.viewport().repaint()
        app.processEvents()
        t2 = time.perf_counter()
        applies.append(t1 - t0)
        frames.append(t2 - t0)
        held_peak = max(held_peak, _held(cols))
        rss_peak = max(rss_peak, rss())
        if len(applies) % 100 == 0:  # progress, on stderr
            print(f"storm {n:,}: {changes:,} changes, held {_held(cols) / 1e6:.0f} MB, live "
                  f"{cols._live_bytes / 1e6:.0f} MB, longest apply {max(applies) * 1000:.0f} ms, "
                  f"longest buffer housekeeping {max(housekeeping) * 1000:.0f} ms", file=sys.stderr)
    cls._maybe_compact = real  # type: ignore[method-assign]
    if not trigger_at:
        raise RuntimeError(f"the buffers never reached 2x live + 64 MB in {changes:,} changes "
                           f"(held {_held(cols) / 1e6:.0f} MB, live {cols._live_bytes / 1e6:.0f} MB)")
    if not bool((cols.num("revision") == last_rev).all() if n == cols.n else False):
        raise RuntimeError("after the storm some row's revision is not its last change's")
    bad = [r for r, blob in sent.items() if cols.wire(r) != blob]
    if bad:
        raise RuntimeError(f"{len(bad)} of {len(sent)} sampled rows lost their last summary (row {bad[0]})")
    held_after = _held(cols)
    del sent, blobs, wb, buf
    gc.collect()
    ctypes.CDLL("libc.so.6").malloc_trim(0)
    rss_after = rss()
    a = np.sort(np.array(applies)) * 1000
    f = np.sort(np.array(frames)) * 1000
    h = np.sort(np.array(housekeeping)) * 1000
    view.close()
    return {"storm_changes": changes, "storm_changes_at_old_trigger": trigger_at, "storm_applies": len(applies),
            "storm_apply_max": float(a[-1]), "storm_apply_p99": float(a[int(0.99 * (len(a) - 1))]),
            "storm_apply_median": float(a[len(a) // 2]), "storm_frame_max": float(f[-1]),
            "storm_frame_p99": float(f[int(0.99 * (len(f) - 1))]),
            "storm_apply_buffers_max": float(h[-1]), "storm_apply_buffers_p99": float(h[int(0.99 * (len(h) - 1))]),
            "storm_held_peak_mb": held_peak / 1e6, "storm_held_after_mb": held_after / 1e6,
            "storm_live_mb": cols._live_bytes / 1e6,
            "storm_rss_before_mb": rss_before / 1e6, "storm_rss_peak_mb": rss_peak / 1e6,
            "storm_rss_after_mb": rss_after / 1e6}


def report_storm(n: int, out: dict[str, float], load: float, module: str) -> None:
    for key, value in out.items():
        unit = "ms" if key.startswith(("storm_apply", "storm_frame")) else "MB" if key.endswith("_mb") else "count"
        report(f"table_scale.{n}.{key}", value, unit, None, peer="none (no peer applies a storm here)",
               path=STORM_PATH, transport=TRANSPORT, load=load, module=module,
               **({"target_ms": 50} if key == "storm_apply_max" else {}))


def run_peer(app: QApplication, pages: list[bytes]) -> dict[str, float]:
    view = QTableView()
    view.resize(1280, 800)
    view.setWordWrap(False)
    view.show()
    t = Timer(app, view)
    holder: dict[str, Any] = {}

    def load() -> None:
        jobs = [j for p in pages for j in job_service_pb2.ListJobsResponse.FromString(p).jobs]
        sm, _ = standard_model_rows(jobs)
        sp = QSortFilterProxyModel()
        sp.setSortRole(SortRole)
        sp.setSourceModel(sm)
        sp.sort(Column.NAME)
        view.setModel(sp)
        holder["m"], holder["p"] = sm, sp

    out: dict[str, float] = {"load": t(load)}
    sp: QSortFilterProxyModel = holder["p"]
    sp.setFilterKeyColumn(Column.NAME)
    sp.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    out["key_first_after_load"] = t(lambda: sp.setFilterFixedString("e"))
    out["key_2nd_char"] = t(lambda: sp.setFilterFixedString("et"))
    out["key_clear"] = t(lambda: sp.setFilterFixedString(""))
    out["sort_name_desc"] = t(lambda: sp.sort(Column.NAME, Qt.SortOrder.DescendingOrder))
    out["sort_priority"] = t(lambda: sp.sort(Column.PRIORITY))
    out["sort_updated_desc"] = t(lambda: sp.sort(Column.UPDATED, Qt.SortOrder.DescendingOrder))
    view.close()
    return out


TARGETS = {
    100_000: {"load": 3000, "key_first_after_load": 50, "key_2nd_char": 50, "key_cold": 50, "sort": 1000},
    1_000_000: {"load": 3000, "key_first_after_load": 100, "key_2nd_char": 100, "key_cold": 100, "sort": 1000},
}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="100000,1000000")
    ap.add_argument("--peer-max", type=int, default=100_000)
    ap.add_argument("--storm", action="store_true", help="also the storm (see the module docstring)")
    ap.add_argument("--storm-only", action="store_true", help="the storm alone")
    ap.add_argument("--storm-sizes", default="1000000", help="sizes the storm runs at")
    ap.add_argument("--storm-batch", type=int, default=2000, help="jobs changed per batch (one apply)")
    ap.add_argument("--storm-after", type=float, default=0.25,
                    help="changes after the old trigger point, as a fraction of the changes before it")
    ap.add_argument("--storm-max-changes", type=int, default=20_000_000)
    args = ap.parse_args()
    app = QApplication.instance() or QApplication([])
    import console.models.job_columns as jc

    module = str(Path(jc.__file__).resolve())
    storm_sizes = {int(x) for x in args.storm_sizes.split(",")} if args.storm or args.storm_only else set()
    for n in (int(x) for x in args.sizes.split(",")):
        pages = pages_of(n)
        if n in storm_sizes:
            storm = run_storm(app, pages, n, args.storm_batch, args.storm_after, args.storm_max_changes)
            report_storm(n, storm, os.getloadavg()[0], module)
            gc.collect()
        if args.storm_only:
            continue
        ours = run_ours(app, list(pages), n)  # first: the peer's freed memory would hide ours
        gc.collect()
        peer = run_peer(app, pages) if n <= args.peer_max else {}
        gc.collect()
        ours.update(run_streamed(app, pages, n))
        targets = TARGETS.get(n, {})
        load = os.getloadavg()[0]
        for key, value in ours.items():
            if key.endswith("per_row"):
                report(f"table_scale.{n}.{key}", value, "bytes", None, path=PATH, transport=TRANSPORT,
                       target=1024, load=load)
                continue
            if key == "load_streamed_cpu":
                report(f"table_scale.{n}.{key}", value * 1000, "ms", None, path=STREAM_PATH, transport=TRANSPORT,
                       load=load, note="CPU of the whole process (worker + UI thread)")
                continue
            target = targets.get("sort" if key.startswith("sort") else "load" if key == "load_streamed" else
                                 "key_first_after_load" if key == "key_streamed_first" else
                                 "key_2nd_char" if key == "key_streamed_2nd_char" else key,
                                 100 if key.startswith("key") else None)
            pv = peer.get(key)
            report(f"table_scale.{n}.{key}", value * 1000, "ms", None if pv is None else pv * 1000,
                   peer="QStandardItemModel + QSortFilterProxyModel" if pv is not None else
                   f"none (the peer is run up to {args.peer_max:,} rows)" if n > args.peer_max else
                   "none (the peer loads the whole listing at once)",
                   path=STREAM_PATH if "streamed" in key else PATH, peer_path=PEER_PATH, transport=TRANSPORT,
                   target_ms=target, load=load)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except RuntimeError as exc:
        print(f"table_scale: could not measure: {exc}", file=sys.stderr)
        sys.exit(1)
