"""The jobs feed: the Watch stream received on the UI loop as raw bytes, parsed and coalesced on a worker thread.

A storm (tens of thousands of job changes a second) parsed on the UI thread is what stalled
the window: every WatchResponse was deserialized, filtered and re-serialized there.  Here the
stream stays where every grpc.aio object of the console lives, on the qasync loop and the
session's one channel (/work/shared/notes/async-qt.md: grpc.aio objects are made on one loop
only; several loops bound to grpc give spurious BlockingIOError), but its responses are left
as wire bytes (``EngineClient.job_feed_raw``: the Watch method called with no deserializer),
so the UI thread only appends each response's bytes to a queue.  A plain worker thread (no
asyncio loop, no grpc object) parses them, drops changes at or below the last revision it saw,
keeps per job only the latest change as (job id, JobSummary wire bytes, deleted, revision),
and once a frame (``FRAME``), when the UI thread has taken the previous batch, cuts what
accumulated into a ``WireBatch`` whose summaries are already decoded into columns (numpy, on
the worker), queues it and tells the UI thread by one queued signal (never more than one
outstanding).  The UI thread applies a batch to the column store in one go
(``JobsTableModel.apply_wire_batch``): the proxy re-sorts at most once per its interval and
dataChanged goes out in ranges for the rows on screen.

Order and consistency:
- Everything the feed gives (listing pages, the listing's revision, responses, connection
  states) goes through the one queue to the worker, and comes back in that order (a state
  first sends the changes pending before it as a batch of their own).
- Per job, the stream's order is kept: a newer change replaces an older pending one (keeping
  its place in the queue, so no job waits behind newer ones), and the model skips any change
  older than what a row shows: revisions only move forward, and a row only ever shows a state
  the engine committed.
- A (re)listing clears the changes pending before it and goes out before any that follow it.
- A resumed Watch starts from the last revision the worker parsed (``_revision_seen``: asked
  through the queue, so after every response received before it).

Back-pressure: the worker waits while the UI thread applies a batch and until the table has
painted it (``hold_for_paint``, released by the watched viewport's paint: a worker parsing
meanwhile holds the GIL that each of the paint's thousands of data() calls must take back), then
parses at least ``PARSE_SLICE`` before it cuts the next batch; it also waits when the UI thread is
far behind (``BACKLOG``).  The UI loop stops reading the stream while the worker is far behind
(``INBOX_HIGH`` bytes queued), so grpc's flow control holds the engine back.

Life: ``run()`` is a coroutine on the UI loop that starts the thread and runs the feed: cancelling
it cancels the Watch call on the UI loop, tells the worker to stop and joins it.  A fatal feed
error (a bad token) is raised from ``run()`` after what the worker still had was handed over.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal

from console import startup_marks
from pelorus.client import EngineClient

if TYPE_CHECKING:  # numpy and the decoder are imported on the worker, not for the first paint
    from PySide6.QtWidgets import QWidget

    from console.models import job_wire as W
    from console.models.listing_feed import ListingFeed

log = logging.getLogger("pelorus.feed")

#: (job id, JobSummary bytes, deleted, status.revision)
WireChange = tuple[str, bytes, bool, int]
#: how long stopping waits for the thread to end before leaving it behind (it is a daemon)
JOIN_TIMEOUT = 5.0
#: the least time between two batches handed to the UI thread (one a frame at most)
FRAME = 0.016
#: changes received but not yet taken by the UI thread beyond which the worker stops parsing
#: until the UI thread takes them (or BACKLOG_WAIT passes): a worker parsing flat out holds the
#: GIL most of the time, and every call from Qt into Python (each data() of a paint) waits for it
BACKLOG = 5000
BACKLOG_WAIT = 0.05
#: the longest the worker waits for the UI thread to finish applying and painting a batch (a
#: release always comes, at the latest PAINT_WAIT_MS after the hold; this bounds a UI thread that
#: does not return to its loop)
UI_WAIT = 0.3
#: once the UI thread lets it parse on, the worker parses at least this long before it cuts the next
#: batch (it cut as soon as a frame had passed since the last one: after a paint that was at once,
#: and the UI thread got a batch of one response a frame)
PARSE_SLICE = 0.008
#: the GIL's switch interval while a feed runs (Python's default is 5 ms): the UI thread
#: waiting for the GIL at each call from Qt into Python waits at most this long for the worker
SWITCH_INTERVAL = 0.0005
#: how long a hold waits for the table's paint before it lets the worker parse on without one
PAINT_WAIT_MS = 250
#: with no table watched, the event that lets the worker parse on, posted at the lowest priority:
#: delivered once the loop has run what was queued before it (not always after the paint: in a
#: storm a paint came later, so with a table watched its paint releases the worker)
_RELEASE = QEvent.Type(QEvent.registerEventType())
_RELEASE_PRIORITY = -0x7FFF
#: Watch bytes queued for the worker beyond which the UI loop reads no more of the stream
#: until the worker has taken them (grpc's flow control then holds the engine back)
INBOX_HIGH = 8 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class WireBatch:
    """One frame's coalesced job changes: the latest of each job since the previous batch.

    ``buf``/``starts``/``ends``: the live jobs' JobSummary bytes; ``decoded``: those decoded into
    columns (``job_wire.decode``, labels included) or None when there are none; ``deleted``:
    (job id, revision) of jobs deleted; ``received``: changes the feed had received when the
    batch was cut (before coalescing)."""

    buf: Any
    starts: Any
    ends: Any
    decoded: Any
    deleted: list[tuple[str, int]]
    received: int

    def __len__(self) -> int:
        return len(self.starts) + len(self.deleted)



class _ListingEvents:
    """ListingFeed's table, on the worker: its reset / batches become "listing" events for the UI
    thread.  ListingFeed decides the batches (the first page at once, then batches growing with
    the rows shown), so a million jobs go in a few dozen inserts, not one per page."""

    def __init__(self, feed: JobFeedThread) -> None:
        self._feed = feed

    def reset(self, jobs: W.Wire) -> None:
        self._emit(jobs, first=True)

    def append_wire(self, wire: W.Wire) -> None:
        self._emit(wire, first=False)

    def _emit(self, wire: W.Wire, first: bool) -> None:
        from console.models.job_columns import prepare

        wire = prepare(wire)  # decoded and folded here, on the worker: the UI thread only writes it
        if first:
            startup_marks.mark("first_page_decoded")
        feed = self._feed
        with feed._lock:
            if first:
                feed._pending.clear()  # older than the listing that replaces the table
            feed._events.append(("listing", [wire], wire.revision, first, False))
            feed._post()

class JobFeedThread(QObject):
    """Runs ``EngineClient.job_feed_raw`` on the UI loop and parses it on a worker thread; the
    callbacks run on the UI thread.

    ``client`` is the session's connected client (its loop is the UI's).
    ``on_listing(wires, revision, first, complete)`` gets a listing: ``job_wire.Wire`` pages,
    decoded off the UI thread.  With ``stream_first_listing`` the first listing goes page by page
    as it arrives, later ones whole; ``first``: the table is replaced by these pages (none: an
    empty table), else they are appended; ``complete``: the listing is all there.
    ``on_batch(WireBatch)`` gets a frame's coalesced changes; ``on_state(state, detail)``
    the feed's connection state.  ``list_all(client)`` (on the UI loop) replaces ListJobs: a
    ``job_wire.Wire`` and its revision, or None for "the table already holds the listing at
    that revision" (a benchmark replays the log from an older listing).
    """

    _ready = Signal()

    def __init__(self, client: EngineClient, on_listing: Callable[[list[Any], int, bool, bool], None],
                 on_batch: Callable[[WireBatch], object], on_state: Callable[[str, str], None],
                 stream_first_listing: bool = True, parent: QObject | None = None,
                 list_all: Callable[[EngineClient], Awaitable[tuple[Any, int]]] | None = None) -> None:
        super().__init__(parent)
        self._client = client
        self._on_listing = on_listing
        self._on_batch = on_batch
        self._on_state = on_state
        self._stream_first = stream_first_listing
        self._listing_kind = "pages"  # how the last listing came: "streamed" | "wire" | "pages"
        self._list_override = list_all
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)  # the worker waits on it for input or a cut
        # UI loop -> worker, in order: ("page", bytes, first) | ("snapshot", kind, items, rev) |
        # ("watch", bytes) | ("state", s, d) | ("sync", future)
        self._inbox: deque[tuple[Any, ...]] = deque()
        self._inbox_bytes = 0
        self._reader_wait: asyncio.Future[None] | None = None  # the UI loop's reading waits on it
        self._finishing = False  # the feed ended: the worker hands over what it has, then ends
        self._ui_loop: asyncio.AbstractEventLoop | None = None
        # worker -> UI thread, in order: ("listing", wires, rev, first, complete) | ("state", s, d) |
        # ("batch", WireBatch)
        self._events: list[tuple[Any, ...]] = []
        self._pending: dict[str, WireChange] = {}
        self._signalled = False
        self._out = False  # a batch is queued that the UI thread has not taken yet
        self._taken = threading.Event()  # set when the UI thread took what was pending
        # Cleared while the UI thread applies a batch and paints it: the worker then waits before
        # parsing on.  A worker parsing meanwhile would hold the GIL that each of the paint's
        # thousands of calls into Python (data()) must take back: that made paints 5-10x longer.
        # Set again once the jobs table has painted (``release_after_paints_of``: its viewport's
        # Paint event starts a 0 ms timer, which fires when that paint is done), or PAINT_WAIT
        # after the hold when no paint came (the changes were off screen); with no table shown,
        # by a posted event of the lowest priority.  The 0 ms timer started at the hand-over that
        # released it before fired ahead of the paint (measured), so the worker parsed through
        # every paint of a storm.
        self._ui_free = threading.Event()
        self._ui_free.set()
        self._release_posted = False
        self._paint_pending = False  # held for a paint of the watched table that has not come yet
        self._painter: QWidget | None = None
        self._after_paint = QTimer(self)
        self._after_paint.setSingleShot(True)
        self._after_paint.setInterval(0)
        self._after_paint.timeout.connect(self._painted)
        self._holds = 0  # hold_for_paint calls so far; _holds_painted: how many a paint has covered
        self._holds_painted = 0
        self._paint_wait = QTimer(self)
        self._paint_wait.setSingleShot(True)
        self._paint_wait.setInterval(PAINT_WAIT_MS)
        self._paint_wait.timeout.connect(self._release)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._feeding = False  # run() is in the feed (a failed worker cancels it)
        self._w_revision = 0  # the worker's: the last revision it parsed
        self._w_resumed = 0.0  # the worker's: time.monotonic() when the UI thread last let it parse on
        self.received = 0  #: changes the worker parsed (before coalescing)
        self.taken = 0  #: of those, how many the UI thread has taken (coalesced into what it got)
        self._ready.connect(self._drain, Qt.ConnectionType.QueuedConnection)

    @property
    def role(self) -> str | None:
        """The token's role as the engine announced it (with the listing)."""
        return self._client.role

    # -- UI thread ----------------------------------------------------------------------------
    async def run(self) -> None:
        """Start the worker and run the feed on this loop until it ends; cancelled: the Watch is
        cancelled here, the worker told to stop and joined."""
        ui_loop = self._ui_loop = asyncio.get_running_loop()
        sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL))
        ended: asyncio.Future[BaseException | None] = ui_loop.create_future()
        me = asyncio.current_task()

        def finished(exc: BaseException | None) -> None:
            if not ended.done():
                ended.set_result(exc)
            if exc is not None and self._feeding and me is not None and not me.done():
                me.cancel()  # the worker failed: the feed cannot go on (raised below)

        self._thread = threading.Thread(target=self._thread_main, args=(ui_loop, finished),
                                        name="pelorus-job-feed", daemon=True)
        self._thread.start()
        try:
            self._feeding = True
            await self._client.job_feed_raw(self._put_snapshot, self._put_response, self._put_state,
                                            self._list, self._revision_seen)
        except asyncio.CancelledError:
            self._feeding = False
            self.stop()
            await self._wait_end(ended)
            failed = ended.result() if ended.done() else None
            if failed is not None:
                raise failed from None
            raise
        except BaseException:
            self._feeding = False
            await self._finish(ended)
            raise
        self._feeding = False
        await self._finish(ended)

    def stop(self) -> None:
        """Ask the worker to end at once (any thread)."""
        with self._lock:
            self._stop.set()
            self._taken.set()
            self._ui_free.set()
            self._wake.notify_all()

    def is_alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    async def _finish(self, ended: asyncio.Future[BaseException | None]) -> None:
        """The feed ended: the worker hands over what it still has, then ends; deliver it."""
        with self._lock:
            self._finishing = True
            self._wake.notify_all()
        await self._wait_end(ended)
        self._drain()

    async def _wait_end(self, ended: asyncio.Future[BaseException | None]) -> None:
        with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError):
            await asyncio.wait_for(asyncio.shield(ended), JOIN_TIMEOUT)
        if self._thread is not None:
            self._thread.join(0.5)  # it has ended, or ends now: its last step was to tell us
            if self._thread.is_alive():
                log.warning("the job feed's thread did not end within %.0f s", JOIN_TIMEOUT)

    def _put(self, item: tuple[Any, ...], size: int = 0) -> asyncio.Future[None] | None:
        """Queue an item for the worker (UI loop); a future to await when the worker is far behind."""
        with self._lock:
            self._inbox.append(item)
            self._inbox_bytes += size
            self._wake.notify()
            if self._inbox_bytes < INBOX_HIGH or self._stop.is_set() or self._ui_loop is None:
                return None
            if self._reader_wait is None or self._reader_wait.done():
                self._reader_wait = self._ui_loop.create_future()
            return self._reader_wait

    def _put_response(self, data: bytes) -> asyncio.Future[None] | None:
        return self._put(("watch", data), len(data))

    def _put_snapshot(self, items: Any, revision: int) -> None:
        self._put(("snapshot", self._listing_kind, items, revision))

    def _put_state(self, state: str, detail: str) -> None:
        self._put(("state", state, detail))

    async def _revision_seen(self) -> int:
        """The last revision the worker parsed, after everything queued so far."""
        assert self._ui_loop is not None
        fut: asyncio.Future[int] = self._ui_loop.create_future()
        with self._lock:
            if self._stop.is_set():  # the worker ended (or ends): nothing more is parsed
                return self._w_revision
            self._inbox.append(("sync", fut))
            self._wake.notify()
        return await fut

    async def _list(self) -> tuple[Any, int]:
        client = self._client
        if self._list_override is not None:
            wire, revision = await self._list_override(client)
            self._listing_kind = "streamed" if wire is None else "wire"
            return wire, revision
        if self._stream_first:
            self._stream_first = False
            first = True

            def page(raw: bytes) -> None:  # decoded on the worker, not here
                nonlocal first
                if first:
                    startup_marks.mark("first_page_received")
                self._put(("page", raw, first), len(raw))
                first = False

            self._listing_kind = "streamed"
            _, revision = await client.list_jobs_raw(on_page=page)
            if first:  # no page at all: the snapshot replaces the table with an empty one
                self._listing_kind = "pages"
                return [], revision
            return None, revision
        pages, revision = await client.list_jobs_raw()
        self._listing_kind = "pages"
        return pages, revision

    def _drain(self) -> None:
        """Take what the worker queued (UI thread), in order: listings, states, batches."""
        with self._lock:
            events, self._events = self._events, []
            self._signalled = False
            was_out, self._out = self._out, False
            self._taken.set()
            if was_out:  # what accumulated meanwhile: the next batch
                self._wake.notify()
        if events:  # held while the UI thread applies them, and for the paint they cause
            self._ui_free.clear()
        for ev in events:
            if ev[0] == "batch":
                self.taken = ev[1].received
                self._on_batch(ev[1])
            elif ev[0] == "listing":
                self._on_listing(ev[1], ev[2], ev[3], ev[4])
            else:
                self._on_state(ev[1], ev[2])
        if events and not self._paint_pending:
            if self._painter_shown():
                self._release()  # no paint asked for (before or by these): nothing on screen changed
            else:
                self.hold_for_paint()  # no table watched: until the loop has run (the posted event)

    def hold_for_paint(self) -> None:
        """Keep the worker from parsing until the table has painted (UI thread), so it does not
        hold the GIL that each of the paint's calls into Python (data()) must take back.

        The main window calls it when the jobs proxy signals a change on screen (dataChanged: a
        batch's rows) or a layout change (a re-sort, a filter: a full repaint).  With a table
        watched (``release_after_paints_of``) its paint releases the worker; a batch that asked
        for no paint releases it once applied.  With none, ``_drain`` holds it for every batch
        until a posted event of the lowest priority comes back."""
        self._ui_free.clear()
        self._holds += 1
        if self._painter_shown():
            self._paint_pending = True
            if not self._paint_wait.isActive():
                self._paint_wait.start()  # released by the paint, or after PAINT_WAIT_MS without one
        elif not self._release_posted:
            self._release_posted = True
            QCoreApplication.postEvent(self, QEvent(_RELEASE), _RELEASE_PRIORITY)

    def _painter_shown(self) -> bool:
        """The watched table will paint: shown, and its window exposed (not minimized, say)."""
        painter = self._painter
        if painter is None or not shiboken6.isValid(painter) or not painter.isVisible():
            return False
        handle = painter.window().windowHandle()
        return handle is not None and handle.isExposed()

    def release_after_paints_of(self, widget: QWidget | None) -> None:
        """The widget whose paints release the held worker: the jobs table's viewport (UI thread)."""
        old = self._painter
        if old is not None and shiboken6.isValid(old):
            old.removeEventFilter(self)
        self._painter = widget
        if widget is not None:
            widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, e: QEvent) -> bool:  # noqa: N802 - Qt API
        if e.type() == QEvent.Type.Paint and self._paint_pending:
            self._holds_painted = self._holds  # the holds asked so far: this paint shows their changes
            self._after_paint.start()  # a timer fires from the loop: after this paint is done
        return False

    def _painted(self) -> None:
        if self._holds_painted == self._holds:  # else a hold came after that paint began: its own paint
            self._release()

    def event(self, e: QEvent) -> bool:  # noqa: D102 - Qt API
        if e.type() == _RELEASE:
            self._release_posted = False
            self._release()
            return True
        return super().event(e)

    def _release(self) -> None:
        self._paint_pending = False
        self._paint_wait.stop()
        self._ui_free.set()

    # -- worker thread (no asyncio loop, no grpc object) --------------------------------------
    def _post(self) -> None:
        # called with the lock held: one queued signal outstanding at most
        if not self._signalled:
            self._signalled = True
            self._taken.clear()
            self._ready.emit()

    def _thread_main(self, ui_loop: asyncio.AbstractEventLoop,
                     finished: Callable[[BaseException | None], None]) -> None:
        exc: BaseException | None = None
        try:
            self._work(ui_loop)
        except BaseException as e:  # noqa: BLE001 - handed to the UI thread, raised from run()
            log.exception("the job feed's thread failed")
            exc = e
        finally:
            with self._lock:
                self._stop.set()
                left, reader = list(self._inbox), self._reader_wait
                self._inbox.clear()
                self._inbox_bytes = 0
            waiting = [it[1] for it in left if it[0] == "sync"]
            try:
                ui_loop.call_soon_threadsafe(_ended_waits, reader, waiting, self._w_revision, finished, exc)
            except RuntimeError:  # the UI loop is gone (quitting): nothing to tell
                pass

    def _work(self, ui_loop: asyncio.AbstractEventLoop) -> None:
        # What the UI thread's first batch would otherwise import there: the wire decoder, and
        # numpy.ma (np.unique's first call loads it) once the first page has gone to the UI thread
        # (the first page needs none of it: not before a re-attach's first rows)
        from console.models import job_wire as W
        from console.models.job_columns import prepare
        from console.models.listing_feed import ListingFeed
        from pelorus.api import watch_service_pb2 as ws

        startup_marks.mark("worker_imports")
        parse = ws.WatchResponse.FromString
        self._w_revision = 0
        listing: ListingFeed | None = None  # a first listing streamed in, its pages batched
        cut_at = 0.0  # time.monotonic() of the last batch cut
        while True:
            with self._lock:
                while True:
                    if self._stop.is_set():
                        return
                    if self._inbox or self._finishing:
                        break
                    due = self._pending and not self._out
                    wait = max(cut_at + FRAME, self._w_resumed + PARSE_SLICE) - time.monotonic() if due else None
                    if wait is not None and wait <= 0:
                        break
                    self._wake.wait(wait)
                items = list(self._inbox)
                self._inbox.clear()
                self._inbox_bytes = 0
                reader, self._reader_wait = self._reader_wait, None
            if reader is not None:  # the UI loop reads on
                ui_loop.call_soon_threadsafe(_resolve, reader, None)
            for item in items:
                if self._stop.is_set():
                    return
                kind = item[0]
                if kind == "watch":
                    resp = parse(item[1])
                    rev = self._w_revision
                    out: list[WireChange] = []
                    add = out.append
                    for ch in resp.changes:
                        if ch.revision > rev and ch.HasField("job"):
                            job = ch.job
                            add((job.job_id, job.SerializeToString(), ch.deleted, job.status.revision))
                    self._w_revision = max(rev, resp.revision)
                    if out:
                        with self._lock:
                            pending = self._pending
                            for change in out:
                                pending[change[0]] = change
                            self.received += len(out)
                            behind = self.received - self.taken >= BACKLOG and not self._stop.is_set()
                        cut_at = self._cut_if_due(W, cut_at)
                        if behind:  # let the UI thread catch up (waiting here releases the GIL)
                            self._taken.wait(BACKLOG_WAIT)
                        if not self._ui_free.is_set():
                            self._ui_free.wait(UI_WAIT)
                            self._w_resumed = time.monotonic()
                elif kind == "page":
                    if item[2]:  # a first page: a new streamed listing, in growing batches
                        listing = ListingFeed(_ListingEvents(self))
                    assert listing is not None
                    listing.page(item[1])
                    if not item[2] and "numpy.ma" not in sys.modules:  # a later page: see above
                        import numpy.ma  # noqa: F401
                elif kind == "snapshot":
                    _, how, items_, revision = item
                    if listing is not None:  # the streamed listing's last pages
                        listing.flush()
                        listing = None
                    if "numpy.ma" not in sys.modules:  # a listing of one page (see above)
                        import numpy.ma  # noqa: F401
                    with self._lock:
                        if how == "streamed":  # its pages went already (or the table holds it)
                            self._events.append(("listing", [], revision, False, True))
                        else:  # one whole listing (or an empty one) replaces the table
                            wires = [items_] if how == "wire" else [W.list_jobs_wire(items_)] if items_ else []
                            wires = [prepare(w) for w in wires]  # decoded and folded off the UI thread
                            self._pending.clear()
                            self._events.append(("listing", wires, revision, True, True))
                        self._post()
                    self._w_revision = revision
                elif kind == "state":
                    self._cut(W, force=True)  # the changes received before it go before it
                    with self._lock:
                        self._events.append(("state", item[1], item[2]))
                        self._post()
                else:  # "sync"
                    ui_loop.call_soon_threadsafe(_resolve, item[1], self._w_revision)
            with self._lock:
                finishing = self._finishing and not self._inbox
            if finishing:  # the feed ended: what is pending goes now, whatever is out
                self._cut(W, force=True)
                return
            else:
                cut_at = self._cut_if_due(W, cut_at)

    def _cut_if_due(self, W: Any, cut_at: float) -> float:  # noqa: N803 - the module's short name
        now = time.monotonic()
        if now - cut_at >= FRAME and now - self._w_resumed >= PARSE_SLICE and self._cut(W):
            return time.monotonic()
        return cut_at

    def _cut(self, W: Any, force: bool = False) -> bool:  # noqa: N803
        """Hand what is pending to the UI thread as one decoded batch, unless one is still out."""
        with self._lock:
            if (self._out and not force) or not self._pending:
                return False
            pending, self._pending = self._pending, {}
            received = self.received
        live = [c[1] for c in pending.values() if not c[2]]
        deleted = [(c[0], c[3]) for c in pending.values() if c[2]]
        buf, starts, ends = W.concat(live)
        decoded = W.decode(buf, starts, ends, with_labels=True) if live else None
        with self._lock:
            self._events.append(("batch", WireBatch(buf, starts, ends, decoded, deleted, received)))
            self._out = True
            self._post()
        return True


def _resolve(fut: asyncio.Future[Any], value: Any) -> None:
    if not fut.done():
        fut.set_result(value)


def _ended_waits(reader: asyncio.Future[None] | None, waiting: list[asyncio.Future[int]], revision: int,
                 finished: Callable[[BaseException | None], None], exc: BaseException | None) -> None:
    """The worker ended (UI loop): release whatever waited for it, then tell ``run()``."""
    if reader is not None:
        _resolve(reader, None)
    for fut in waiting:
        _resolve(fut, revision)
    finished(exc)
