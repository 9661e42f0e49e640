"""Storm: a burst of job changes from a real engine's Watch stream into a visible jobs table
sorted by Updated, with the UI's longest stall and frame times measured; the peer in the same run.

    python bench/storm.py [--jobs 5000] [--changes 150000] [--gen-seconds 60]

Path timed (ours): engine (child process) → Watch over a unix socket → JobFeedThread, as the
session runs it (pelorus.client's job feed on the qasync loop and the client's channel, its
responses left as raw bytes; a plain worker thread, no asyncio loop and no grpc object, parses
them and coalesces the latest change per job, and hands one decoded batch of them to the UI
thread a frame, per queued signal) → JobsTableModel →
JobsProxyModel sorted by Updated, descending → a shown jobs table (offscreen platform): the
app's, as JobsPanel sets it up (configure_jobs_table: the progress-bar and workflow delegates,
alternating row colours, its row height and column widths), repainted on every frame.
STORM_PLAIN_VIEW=1 draws a plain QTableView instead (how the bench drew before);
STORM_STYLE_CELLS=1 the app's table with its text cells painted by the style from data() (before
JobsCellDelegate).
Peer: the same Watch stream (replayed from the same revision) through the same client, applied
with setData into a QStandardItemModel + dynamic QSortFilterProxyModel sorted by Updated.

How the storm is made: the engine is driven (CreateJob, then RefreshJob from many concurrent
calls; every RefreshJob commits one job change with a new updated_at).  The live rate the
engine reaches that way is printed.  A live engine on this machine does not reach 50,000 job
changes/s, so the storm is the engine replaying its change log to a Watch from the revision
the table was listed at: the highest real rate the engine delivers (printed as ``offered``).

Measured while the stream is applied:
- stall: gaps of a 1 ms PreciseTimer heartbeat on the UI thread (the longest, and p99);
- frame: the UI thread's work for one painted frame: the table updates since the previous paint
  (ours: applying the feed thread's batches, which includes the proxy's handlers; the peer: its setData calls)
  plus the paint itself.  Paints are the ones the models' signals cause (a shown view repaints
  the changed rows on screen; the proxy's re-sort repaints all of it), as in the app;
- nothing lost: afterwards every row equals ListJobs' summary of that job (all fields the
  table shows), the proxy is ordered by Updated, and the peer's Updated column agrees too.
Exit status 1 when a figure could not be measured or a check failed.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import random
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyside6")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import qasync  # noqa: E402
import shiboken6  # noqa: E402
from _engine import BenchEngine, Client, emit, engine, job_spec, machine, note, percentile  # noqa: E402
from PySide6.QtCore import QCoreApplication, QEvent, QObject, QSortFilterProxyModel, Qt, QTimer  # noqa: E402
from PySide6.QtGui import QStandardItem, QStandardItemModel  # noqa: E402
from PySide6.QtWidgets import QApplication, QHeaderView, QStyledItemDelegate, QTableView  # noqa: E402

from console.job_feed_thread import JobFeedThread  # noqa: E402
from console.models import job_row as R  # noqa: E402
from console.models.jobs_proxy import JobsProxyModel  # noqa: E402
from console.models.jobs_table import _DISPLAY, COLUMN_TITLES, SORT_KEYS, Column, JobsTableModel, SortRole  # noqa: E402
from console.ui_thread_gc import collect_on_ui_thread  # noqa: E402
from console.views import theme  # noqa: E402
from console.views.jobs_panel import JobsCellDelegate, WorkflowDelegate, configure_jobs_table  # noqa: E402
from pelorus.api import job_pb2  # noqa: E402
from pelorus.api import job_service_pb2 as js  # noqa: E402
from pelorus.api import watch_service_pb2 as ws  # noqa: E402
from pelorus.client import ConnectionConfig, EngineClient  # noqa: E402

PATH = ("engine Watch (catch-up replay of RefreshJob changes) -> JobFeedThread (as the session: Watch read as raw "
        "bytes on the qasync loop and the client's one channel; a plain worker thread parses, coalesces and "
        "decodes) -> one batch a frame per queued signal -> JobsTableModel -> "
        "JobsProxyModel (Updated desc) -> shown jobs table (the app's: configure_jobs_table)")
PEER_PATH = ("engine Watch (same replay) -> pelorus.client job feed -> setData per changed cell -> "
             "QStandardItemModel -> QSortFilterProxyModel (dynamic, Updated desc) -> shown jobs table "
             "(the same view set-up)")
TRANSPORT = "unix socket (grpc.aio)"
DIAG = bool(os.environ.get("STORM_DIAG"))
PLAIN_VIEW = bool(os.environ.get("STORM_PLAIN_VIEW"))  # a plain QTableView (the figures before the app's table)
STYLE_CELLS = bool(os.environ.get("STORM_STYLE_CELLS"))  # the app's table, its text cells painted by the style
DIAG_EVENTS: list[tuple[float, str, int]] = []
DIAG_FEED: list[Any] = []
UPDATED_CHANGING = (Column.STATE, Column.UPDATED, Column.VERSION)


class Frames:
    """Frame time = the UI thread's work on the table since the last paint (model updates:
    applying our feed thread's batches incl. the proxy's handlers and its throttled re-sorts, the
    peer's setData calls incl. its dynamic re-sorts) + the paint.  Measured twice: on the wall
    clock (what the user sees: includes waiting for a core and for the GIL) and in the UI
    thread's CPU time (``time.thread_time``: what the frame costs; on a loaded machine the wall
    figure is this one stretched by the time the thread waited)."""

    def __init__(self) -> None:
        self.work = 0.0
        self.work_cpu = 0.0
        self.frames: list[float] = []  # ms, wall clock
        self.frames_cpu: list[float] = []  # ms, UI thread CPU
        self.paint_ends: list[float] = []
        self.on = False

    def add_work(self, seconds: float, cpu_seconds: float = 0.0) -> None:
        self.work += seconds
        self.work_cpu += cpu_seconds

    def painted(self, t0: float, t1: float, cpu: float = 0.0) -> None:
        if self.on:
            self.frames.append((self.work + (t1 - t0)) * 1000)
            self.frames_cpu.append((self.work_cpu + cpu) * 1000)
            self.paint_ends.append(t1)
            if DIAG:
                DIAG_EVENTS.append((t0, f"paint{(t1 - t0) * 1000:.1f}ms cpu{cpu * 1000:.1f}ms", 0))
        self.work = self.work_cpu = 0.0


class TimedView(QTableView):
    """A QTableView that reports how long each paint of its viewport took."""

    def __init__(self, frames: Frames) -> None:
        super().__init__()
        self.frames = frames

    def paintEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        t0 = time.perf_counter()
        c0 = time.thread_time()
        super().paintEvent(event)
        self.frames.painted(t0, time.perf_counter(), time.thread_time() - c0)
        if DIAG and DIAG_FEED:  # was the feed's worker free to parse (and take the GIL) during this paint?
            DIAG_EVENTS.append((t0, f"worker-free={DIAG_FEED[0]._ui_free.is_set()}", 0))  # noqa: SLF001


class TimedProxy(JobsProxyModel):
    """JobsProxyModel whose throttled re-sorts count in the frame's work (as the peer's dynamic
    re-sorts do, inside its setData calls)."""

    def __init__(self, model: JobsTableModel, frames: Frames) -> None:
        self.frames = frames  # before the base class connects its re-sort timer to resort_now
        super().__init__(model)

    def resort_now(self) -> int:
        t0, c0 = time.perf_counter(), time.thread_time()
        moved = super().resort_now()
        self.frames.add_work(time.perf_counter() - t0, time.thread_time() - c0)
        if DIAG:
            DIAG_EVENTS.append((t0, f"resort{(time.perf_counter() - t0) * 1000:.1f}ms", moved))
        return moved


def make_view(model: Any, frames: Frames | None = None) -> QTableView:
    """The app's jobs table (JobsPanel's: its delegates (progress bar, workflow), alternating row
    colours, row height, column widths, sort header; configure_jobs_table), for ours and the peer
    alike, sorted by Updated (descending), shown 1400x900."""
    view = TimedView(frames or Frames())
    view.setModel(model)
    if PLAIN_VIEW:  # the bench before it drew the app's table: a plain QTableView
        view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        view.verticalHeader().setDefaultSectionSize(22)
        view.verticalHeader().hide()
        view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        view.setWordWrap(False)
        view.setShowGrid(False)
    else:
        configure_jobs_table(view)
        if STYLE_CELLS and isinstance(view.itemDelegate(), JobsCellDelegate):  # cells as the style paints them
            view.setItemDelegate(QStyledItemDelegate(view))
            view.setItemDelegateForColumn(int(Column.WORKFLOW), WorkflowDelegate(view))
        view.sortByColumn(int(Column.UPDATED), Qt.SortOrder.DescendingOrder)
    view.resize(1400, 900)
    view.show()
    return view


async def fill(address: str, n_jobs: int, n_changes: int, gen_seconds: float) -> dict[str, Any]:
    """Create jobs, then drive RefreshJob until ``n_changes`` job changes are logged."""
    async with Client(address) as c:
        sem = asyncio.Semaphore(32)

        async def create(i: int) -> str:
            async with sem:
                spec = job_spec(f"storm-{i:05d}", 1, "/bin/true", owner=f"owner{i % 7}",
                                labels={"team": f"t{i % 5}"})
                return (await c.create(spec, start_paused=True)).job_id

        t0 = time.perf_counter()
        ids = list(await asyncio.gather(*(create(i) for i in range(n_jobs))))
        note(f"created {n_jobs} jobs in {time.perf_counter() - t0:.1f} s")
        r0 = await c.revision()
        rnd = random.Random(7)
        done = 0
        stop_at = time.perf_counter() + gen_seconds

        async def worker() -> None:
            nonlocal done
            while done < n_changes and time.perf_counter() < stop_at:
                done += 1
                await c.jobs.RefreshJob(js.RefreshJobRequest(job_id=rnd.choice(ids)), timeout=30)

        t1 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(48)))
        gen_s = time.perf_counter() - t1
        r1 = await c.revision()
        # How many job changes the log holds after r0 (RefreshJobs landing in one commit merge).
        n = 0
        call = c.watch.Watch(ws.WatchRequest(start_revision=r0, job_filter=ws.JobFilter()), timeout=600)
        t2 = time.perf_counter()
        async for resp in call:
            n += len(resp.changes)
            if resp.revision >= r1:
                break
        raw_s = time.perf_counter() - t2
        call.cancel()
    return {"ids": ids, "r0": r0, "r1": r1, "changes": n, "live_rate": done / gen_s, "gen_s": gen_s,
            "raw_rate": n / raw_s}


class Meter:
    """Heartbeat gaps (stalls) and frame times while a run is active."""

    def __init__(self, view: TimedView) -> None:
        self.beats: list[float] = []
        self.frames = view.frames
        self.heart = QTimer()
        self.heart.setTimerType(Qt.TimerType.PreciseTimer)
        self.heart.setInterval(1)
        self.heart.timeout.connect(lambda: self.beats.append(time.perf_counter()))

    def start(self) -> None:
        self.beats.clear()
        self.frames.frames.clear()
        self.frames.frames_cpu.clear()
        self.frames.on = True
        self.heart.start()

    def stop(self) -> dict[str, float]:
        self.heart.stop()
        self.frames.on = False
        gaps = [(b - a) * 1000 for a, b in zip(self.beats, self.beats[1:], strict=False)]
        frames = self.frames.frames
        cpu = self.frames.frames_cpu
        return {"frame_cpu_p50": percentile(cpu, 0.5), "frame_cpu_p99": percentile(cpu, 0.99),
                "stall_max": max(gaps, default=float("nan")), "stall_p99": percentile(gaps, 0.99),
                "frame_p50": percentile(frames, 0.5), "frame_p99": percentile(frames, 0.99),
                "frame_max": max(frames, default=float("nan")), "frames": len(frames), "beats": len(gaps)}


async def storm(address: str, snapshot: tuple[list[job_pb2.JobSummary], int], expected: int,
                sink_factory: Callable[[], tuple[QTableView, Callable[[list[job_pb2.JobSummary], int], None],
                                                 Callable[[Any], None], Callable[[], bool]]],
                ours: bool) -> dict[str, Any]:
    """Replay the log from the snapshot's revision into one table; measure while it drains."""
    view, on_snapshot, on_changes, applied = sink_factory()
    client = EngineClient(ConnectionConfig(address=address))
    await client.connect()
    got = 0
    first = last = 0.0
    done = asyncio.Event()

    def arrived(n: int) -> None:
        nonlocal got, first, last
        if DIAG:
            DIAG_EVENTS.append((time.perf_counter(), "changes", n))
        if not got:
            first = time.perf_counter()
        got += n
        last = time.perf_counter()
        if got >= expected:
            done.set()

    def counting(batch: Sequence[tuple[job_pb2.JobSummary, bool]]) -> None:
        arrived(len(batch))
        on_changes(batch)

    async def listed() -> tuple[list[job_pb2.JobSummary], int]:
        return snapshot

    on_snapshot(*snapshot)
    await asyncio.sleep(0.1)  # the loop paints the snapshot (no processEvents here: a nested loop in a task)
    meter = Meter(view)  # type: ignore[arg-type]
    meter.start()
    if ours:
        # As the session runs it: the Watch read on this loop and channel as raw bytes, a worker thread
        # parses, coalesces and decodes; the UI thread applies one batch of latest changes a frame.
        async def at_snapshot(_client: EngineClient) -> tuple[None, int]:
            return None, snapshot[1]  # the table holds the listing at r0 already

        seen = 0

        def batched(batch: Any) -> None:
            nonlocal seen
            total = batch.received  # changes the thread had received when it cut this batch
            on_changes(batch)
            arrived(total - seen)
            seen = total

        feed_thread = JobFeedThread(client, lambda *a: None, batched, lambda s, d: None,
                                    stream_first_listing=False, list_all=at_snapshot)
        # as the main window does: rows changed on screen and re-sorts hold the worker until painted
        DIAG_FEED[:] = [feed_thread]
        hold = getattr(feed_thread, "hold_for_paint", None)  # (absent before it: the bench runs older code too)
        if hold is not None:
            feed_thread.release_after_paints_of(view.viewport())  # as the main window does
            view.model().dataChanged.connect(lambda *_: hold())
            view.model().layoutAboutToBeChanged.connect(lambda *_: hold())
        task = asyncio.ensure_future(feed_thread.run())
    else:
        task = asyncio.ensure_future(client._feed(  # noqa: SLF001 - the peer gets the same feed from the snapshot
            listed, lambda rev: ws.WatchRequest(start_revision=rev, job_filter=ws.JobFilter()),
            lambda jobs, rev: None, lambda chs: [(ch.job, ch.deleted) for ch in chs if ch.HasField("job")],
            counting, lambda s, d: None))
    t0 = time.perf_counter()
    try:
        await asyncio.wait_for(done.wait(), 300)
    except TimeoutError:
        note(f"storm ({'ours' if ours else 'peer'}): only {got} of {expected} changes arrived")
    # Everything received is in the model and in order: by the app's own frames and re-sorts.
    deadline = time.perf_counter() + 120
    while not applied() and time.perf_counter() < deadline:
        await asyncio.sleep(0.005)
    t_applied = time.perf_counter()
    if not applied():
        note(f"storm ({'ours' if ours else 'peer'}): not applied after 120 s")
    await asyncio.sleep(0.2)  # a few more frames with everything applied
    m = meter.stop()
    if DIAG:
        gaps = sorted(zip(meter.beats, meter.beats[1:], strict=False), key=lambda ab: ab[0] - ab[1])[:5]
        for a, b in gaps:
            inside = [(round((t - a) * 1000, 1), k, n) for t, k, n in DIAG_EVENTS if a - 0.002 <= t <= b]
            note(f"gap {1000 * (b - a):.1f} ms: {inside[:40]}")
        DIAG_EVENTS.clear()
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    await client.close()
    m.update(got=got, seconds=last - first if got else float("nan"), wall=time.perf_counter() - t0,
             applied_s=t_applied - first if got else float("nan"), view=view)
    m["rate"] = got / m["seconds"] if got and m["seconds"] > 0 else float("nan")
    m["applied_rate"] = got / m["applied_s"] if got and m["applied_s"] > 0 else float("nan")
    return m


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--jobs", type=int, default=5000)
    ap.add_argument("--changes", type=int, default=150_000)
    ap.add_argument("--gen-seconds", type=float, default=60.0)
    ap.add_argument("--reuse", type=Path, default=None,
                    help="keep the engine's data dir here and reuse its filled log on the next run")
    ap.add_argument("--only", choices=("both", "ours", "peer"), default="both")
    args = ap.parse_args()
    if os.environ.get("SWI"):
        sys.setswitchinterval(float(os.environ["SWI"]))
    app = QApplication.instance() or QApplication([])
    assert app is not None
    collector = collect_on_ui_thread()  # noqa: F841 - the app's GC policy: collections from a UI timer
    theme.controller()  # as the app does before its first window: the saved theme's palette and style
    failures: list[str] = []
    out: dict[str, Any] = {}

    async def body(address: str) -> None:
        saved = args.reuse / "storm-fill.json" if args.reuse else None
        if saved is not None and saved.exists():
            f = json.loads(saved.read_text())
        else:
            f = await fill(address, args.jobs, args.changes, args.gen_seconds)
            if saved is not None:
                saved.write_text(json.dumps(f))
        out["fill"] = f
        note(f"engine: {f['live_rate']:.0f} RefreshJob/s live ({f['gen_s']:.1f} s), log holds {f['changes']} "
             f"job changes after r0, raw Watch replay {f['raw_rate']:.0f} changes/s")
        # The table is listed at r0, then the storm replays every job change since r0.
        lister = EngineClient(ConnectionConfig(address=address))
        await lister.connect()
        jobs_now, _rev = await lister.list_jobs()
        truth = {s.job_id: s for s in jobs_now}
        await lister.close()
        snapshot = await snapshot_at(address, f["r0"])

        def ours_factory() -> Any:
            model = JobsTableModel()
            frames = Frames()
            proxy = TimedProxy(model, frames)
            proxy.sort(Column.UPDATED, Qt.SortOrder.DescendingOrder)
            view = make_view(proxy, frames)
            proxy.follow_view(view)  # as JobsPanel does
            out["ours_objs"] = (model, proxy, view)

            def on_batch(batch: Any) -> None:  # the session's sink: JobsTableModel.apply_wire_batch
                t0, c0 = time.perf_counter(), time.thread_time()
                model.apply_wire_batch(batch)
                dt = time.perf_counter() - t0
                frames.add_work(dt, time.thread_time() - c0)
                if DIAG:
                    DIAG_EVENTS.append((time.perf_counter(), f"apply{dt * 1000:.1f}ms", len(batch)))

            def on_snapshot(jobs: list[job_pb2.JobSummary], rev: int) -> None:
                model.reset(jobs)
                gc.collect()
                gc.freeze()

            def applied() -> bool:
                return not proxy.has_pending_order()

            return view, on_snapshot, on_batch, applied

        def peer_factory() -> Any:
            sm = QStandardItemModel(0, len(_DISPLAY))
            sm.setHorizontalHeaderLabels(list(COLUMN_TITLES.values()))
            index: dict[str, int] = {}
            sp = QSortFilterProxyModel()
            sp.setSortRole(SortRole)
            sp.setDynamicSortFilter(True)
            sp.setSourceModel(sm)
            frames = Frames()
            view = make_view(sp, frames)
            out["peer_objs"] = (sm, sp, view, index)

            def on_snapshot(jobs: list[job_pb2.JobSummary], rev: int) -> None:
                for i, s in enumerate(jobs):
                    row = R.make_row(s)
                    items = []
                    for disp, key in zip(_DISPLAY, SORT_KEYS, strict=True):
                        it = QStandardItem(disp(row))
                        it.setData(key(row), SortRole)
                        items.append(it)
                    sm.appendRow(items)
                    index[s.job_id] = i
                sp.sort(Column.UPDATED, Qt.SortOrder.DescendingOrder)

            def on_changes(batch: Sequence[tuple[job_pb2.JobSummary, bool]]) -> None:
                t0, c0 = time.perf_counter(), time.thread_time()
                for s, _deleted in batch:
                    r = index[s.job_id]
                    row = R.make_row(s)
                    for c in UPDATED_CHANGING:
                        it = sm.item(r, c)
                        it.setData(_DISPLAY[c](row), Qt.ItemDataRole.DisplayRole)
                        it.setData(SORT_KEYS[c](row), SortRole)
                frames.add_work(time.perf_counter() - t0, time.thread_time() - c0)

            return view, on_snapshot, on_changes, lambda: True  # setData is applied (and sorted) at once

        prof = None
        if os.environ.get("STORM_PROFILE"):
            import cProfile
            prof = cProfile.Profile()
            prof.enable()
        res_ours = await storm(address, snapshot, f["changes"], ours_factory, ours=True)
        if prof is not None:
            import pstats
            prof.disable()
            pstats.Stats(prof, stream=sys.stderr).sort_stats("tottime").print_stats(30)
        res_ours["view"].close()
        if args.only == "ours":
            res_peer = res_ours
            out["peer_objs"] = None
        else:
            res_peer = await storm(address, snapshot, f["changes"], peer_factory, ours=False)
            res_peer["view"].close()
        out["ours"], out["peer"] = res_ours, res_peer
        check(out, truth, failures)

    if args.reuse is not None:
        args.reuse.mkdir(parents=True, exist_ok=True)
        eng = BenchEngine(label="storm", data_dir=args.reuse)
        eng.log_path.unlink(missing_ok=True)  # "engine ready" of the last run must not count
        try:
            eng.start()
            qasync.run(body(eng.address))
        finally:
            eng.stop()
    else:
        with engine(label="storm") as eng:
            qasync.run(body(eng.address))

    ours, peer, f = out.get("ours"), out.get("peer"), out.get("fill")
    if not ours or not peer or not f:
        note("storm: could not measure")
        return 1
    ctx = {"path": PATH, "peer_path": PEER_PATH, "transport": TRANSPORT, "jobs": args.jobs,
           "changes": f["changes"], "load": os.getloadavg()[0], **machine()}
    emit("storm.engine_live_refresh_rate", round(f["live_rate"]), "changes/s", peer_value=None,
         path="RefreshJob x48 in flight -> engine commit -> change log", transport=TRANSPORT)
    emit("storm.engine_raw_replay_rate", round(f["raw_rate"]), "changes/s", peer_value=None,
         path="engine Watch catch-up -> grpc.aio stub, parsed, nothing else", transport=TRANSPORT)
    emit("storm.delivered_rate", round(ours["rate"]), "changes/s", peer_value=round(peer["rate"]),
         target=50_000, note="job changes/s reaching the console's feed callback (first to last)", **ctx)
    emit("storm.applied_rate", round(ours["applied_rate"]), "changes/s", peer_value=round(peer["applied_rate"]),
         note="first change received to every change in the model, in order", **ctx)
    emit("storm.longest_stall", round(ours["stall_max"], 1), "ms", peer_value=round(peer["stall_max"], 1),
         target=50, **ctx)
    emit("storm.stall_p99", round(ours["stall_p99"], 2), "ms", peer_value=round(peer["stall_p99"], 2), **ctx)
    emit("storm.frame_p99", round(ours["frame_p99"], 1), "ms", peer_value=round(peer["frame_p99"], 1),
         target=20, frames=ours["frames"], peer_frames=peer["frames"], **ctx)
    emit("storm.frame_cpu_p99", round(ours["frame_cpu_p99"], 1), "ms", peer_value=round(peer["frame_cpu_p99"], 1),
         note="the same frames in the UI thread's CPU time (thread_time): their cost without the waits for a "
              "core or the GIL", frame_cpu_p50=round(ours["frame_cpu_p50"], 1),
         peer_frame_cpu_p50=round(peer["frame_cpu_p50"], 1), **ctx)
    emit("storm.frame_max", round(ours["frame_max"], 1), "ms", peer_value=round(peer["frame_max"], 1), **ctx)
    emit("storm.lost", len(failures), "checks failed", peer_value=None, **ctx)
    for fail in failures:
        note(f"FAILED: {fail}")
    # The tables and views go before the QApplication does (left to the interpreter's exit,
    # they were destroyed after it: a segfault, exit status 139, after every figure was printed).
    for key in ("ours_objs", "peer_objs"):
        for obj in reversed(out.pop(key, None) or ()):
            if isinstance(obj, QObject) and shiboken6.isValid(obj):
                obj.deleteLater()
    ours.pop("view", None)
    peer.pop("view", None)
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()
    if ours["frames"] < 10 or ours["beats"] < 10 or failures:
        return 1
    return 0


async def snapshot_at(address: str, revision: int) -> tuple[list[job_pb2.JobSummary], int]:
    """The jobs as they were at ``revision``: every job change up to it, replayed from the log."""
    async with Client(address) as c:
        latest: dict[str, job_pb2.JobSummary] = {}
        call = c.watch.Watch(ws.WatchRequest(start_revision=1, job_filter=ws.JobFilter()), timeout=600)
        async for resp in call:
            for ch in resp.changes:
                if ch.revision <= revision:
                    latest[ch.job.job_id] = ch.job
            if resp.revision >= revision:
                break
        call.cancel()
    return list(latest.values()), revision


def check(out: dict[str, Any], truth: dict[str, job_pb2.JobSummary], failures: list[str]) -> None:
    """Every row equals the engine's summary; the order is by Updated; the peer agrees."""
    model, proxy, _view = out["ours_objs"]
    if model.rowCount() != len(truth):
        failures.append(f"ours: {model.rowCount()} rows, engine has {len(truth)} jobs")
    for job_id, s in truth.items():
        r = model.row_of(job_id)
        if r is None:
            failures.append(f"ours: job {job_id} missing")
            continue
        if model.columns().column_row(r) != R.make_row(s)[:R.HAY]:
            failures.append(f"ours: job {job_id} differs from ListJobs")
    updated = [model.columns().num("updated")[proxy.source_row(p)] for p in range(proxy.rowCount())]
    if updated != sorted(updated, reverse=True):
        failures.append("ours: rows not ordered by Updated after the storm")
    if out["peer_objs"] is None:
        return
    sm, sp, _v, index = out["peer_objs"]
    for job_id, s in truth.items():
        if sm.item(index[job_id], Column.UPDATED).data(SortRole) != R.make_row(s)[R.UPDATED]:
            failures.append(f"peer: job {job_id} Updated differs")
            break
    peer_updated = [sp.index(p, Column.UPDATED).data(SortRole) for p in range(sp.rowCount())]
    if peer_updated != sorted(peer_updated, reverse=True):
        failures.append("peer: rows not ordered by Updated")


if __name__ == "__main__":
    sys.exit(main())
