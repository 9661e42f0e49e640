"""The jobs feed on a thread of its own: receive, parse and coalesce the Watch stream off the UI thread.

A storm (tens of thousands of job changes a second) parsed on the UI thread is what stalled
the window: every WatchResponse was deserialized, filtered and re-serialized there.  Here a
worker thread runs its own asyncio loop and its own grpc.aio channel (``EngineClient`` on
that loop; grpc objects stay on the loop that made them), runs ``EngineClient.job_feed`` and
keeps, per job, only the latest change as (job id, JobSummary wire bytes, deleted, revision).
Once a frame (``FRAME``), and only when the UI thread has taken the previous one, it cuts what
accumulated into a ``WireBatch`` whose summaries are already decoded into columns (numpy, on
the worker), queues it and tells the UI thread by one queued signal (never more than one
outstanding).  The UI thread applies a batch to the column store in one go
(``JobsTableModel.apply_wire_batch``): the proxy re-sorts at most once per its interval and
dataChanged goes out in ranges for the rows on screen.

Order and consistency:
- Per job, the stream's order is kept: a newer change replaces an older pending one (keeping
  its place in the queue, so no job waits behind newer ones), and the model skips any change
  older than what a row shows: revisions only move forward, and a row only ever shows a state
  the engine committed.
- Events (connection state, listings) keep their order with the changes: a (re)listing clears
  the changes pending before it and goes out before any that follow it.

Life: ``run()`` is a coroutine on the UI loop that starts the thread and ends with it:
cancelling it cancels the feed on the worker's loop (the Watch call is cancelled, the channel
closed), then joins the thread.  A fatal feed error (a bad token) is raised from ``run()``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from pelorus.client import ConnectionConfig, EngineClient
from pelorus.errors import ClientError

log = logging.getLogger("pelorus.feed")

#: (job id, JobSummary bytes, deleted, status.revision)
WireChange = tuple[str, bytes, bool, int]
#: how long stopping waits for the thread to end before leaving it behind (it is a daemon)
JOIN_TIMEOUT = 5.0
#: how long the worker's loop lives on after its channel closed, for grpc's last completions
CLOSE_GRACE = 0.2
#: how long after its thread ended the worker's loop is closed (see ``run``)
LOOP_CLOSE_DELAY = 5.0
#: the least time between two batches handed to the UI thread (one a frame at most)
FRAME = 0.016
#: changes received but not yet taken by the UI thread beyond which the worker stops reading
#: until the UI thread takes them (or BACKLOG_WAIT passes): a worker parsing flat out holds the
#: GIL most of the time, and every call from Qt into Python (each data() of a paint) waits for it
BACKLOG = 5000
BACKLOG_WAIT = 0.05
#: the longest the worker waits for the UI thread to finish applying and painting a batch
UI_WAIT = 0.05
#: the GIL's switch interval while a feed thread runs (Python's default is 5 ms): the UI thread
#: waiting for the GIL at each call from Qt into Python waits at most this long for the worker
SWITCH_INTERVAL = 0.0005


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


class JobFeedThread(QObject):
    """Runs ``EngineClient.job_feed`` on a worker thread; the callbacks run on the UI thread.

    ``on_listing(wires, revision, first, complete)`` gets a listing: ``job_wire.Wire`` pages,
    decoded off the UI thread.  With ``stream_first_listing`` the first listing goes page by page
    as it arrives, later ones whole; ``first``: the table is replaced by these pages (none: an
    empty table), else they are appended; ``complete``: the listing is all there.
    ``on_batch(WireBatch)`` gets a frame's coalesced changes; ``on_state(state, detail)``
    the feed's connection state.  ``role`` is the token's role as the engine announced it.
    ``list_all(client)`` (on the worker's loop) replaces ListJobs: a ``job_wire.Wire`` and its
    revision, or None for "the table already holds the listing at that revision" (a benchmark
    replays the log from an older listing).
    """

    _ready = Signal()

    def __init__(self, config: ConnectionConfig, on_listing: Callable[[list[Any], int, bool, bool], None],
                 on_batch: Callable[[WireBatch], object], on_state: Callable[[str, str], None],
                 stream_first_listing: bool = True, parent: QObject | None = None,
                 list_all: Callable[[EngineClient], Awaitable[tuple[Any, int]]] | None = None) -> None:
        super().__init__(parent)
        self._config = config
        self._on_listing = on_listing
        self._on_batch = on_batch
        self._on_state = on_state
        self._stream_first = stream_first_listing
        self._streamed = False  # the last listing went page by page
        self._list_override = list_all
        self._lock = threading.Lock()
        # ("listing", wires, rev, first, complete) | ("state", s, d) | ("batch", WireBatch), in order
        self._events: list[tuple[Any, ...]] = []
        self._pending: dict[str, WireChange] = {}
        self._signalled = False
        self._out = False  # a batch is queued that the UI thread has not taken yet
        self._cut_at = 0.0  # time.monotonic() of the last batch cut
        self._cut_timer: asyncio.TimerHandle | None = None
        self._taken = threading.Event()  # set when the UI thread took what was pending
        # Cleared while the UI thread applies a batch and paints it: the worker then waits before
        # reading on.  A worker parsing meanwhile would hold the GIL that each of the paint's
        # thousands of calls into Python (data()) must take back: that made paints 5-10x longer.
        self._ui_free = threading.Event()
        self._ui_free.set()
        self._free_timer = QTimer(self)
        self._free_timer.setSingleShot(True)
        self._free_timer.setInterval(0)  # after the paints that the batch's signals posted
        self._free_timer.timeout.connect(self._ui_free.set)
        self._stop = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None
        self._thread: threading.Thread | None = None
        self.role: str | None = None
        self.received = 0  #: changes received on the worker (before coalescing)
        self.taken = 0  #: of those, how many the UI thread has taken (coalesced into what it got)
        self._ready.connect(self._drain, Qt.ConnectionType.QueuedConnection)

    # -- UI thread ----------------------------------------------------------------------------
    async def run(self) -> None:
        """Start the worker, wait until its feed ends; cancelled: stop it and join the thread."""
        ui_loop = asyncio.get_running_loop()
        sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL))
        done: asyncio.Future[BaseException | None] = ui_loop.create_future()

        def finished(exc: BaseException | None, loop: asyncio.AbstractEventLoop) -> None:
            # The worker's loop is closed a while later, not at once: a late grpc completion for
            # it, read by the UI loop's side of grpc's poller, must find it open (a closed one
            # raises "Event loop is closed" on the UI loop); stopped, it just drops it.
            ui_loop.call_later(LOOP_CLOSE_DELAY, loop.close)
            if not done.done():
                done.set_result(exc)

        self._thread = threading.Thread(target=self._thread_main, args=(ui_loop, finished),
                                        name="pelorus-job-feed", daemon=True)
        self._thread.start()
        try:
            exc = await asyncio.shield(done)
        except asyncio.CancelledError:
            self.stop()
            with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(asyncio.shield(done), JOIN_TIMEOUT)
            self._join()
            raise
        self._join()
        self._drain()  # what the feed delivered before it ended
        if exc is not None:
            raise exc

    def stop(self) -> None:
        """Ask the worker to end (any thread): its feed task is cancelled on its own loop."""
        with self._lock:
            self._stop.set()
            self._taken.set()
            self._ui_free.set()
            loop, task = self._loop, self._task
        if loop is not None and task is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile: it is ending anyway
                loop.call_soon_threadsafe(task.cancel)

    def is_alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _join(self) -> None:
        if self._thread is not None:
            self._thread.join(JOIN_TIMEOUT)
            if self._thread.is_alive():
                log.warning("the job feed's thread did not end within %.0f s", JOIN_TIMEOUT)

    def _drain(self) -> None:
        """Take what the worker queued (UI thread), in order: listings, states, batches."""
        with self._lock:
            events, self._events = self._events, []
            self._signalled = False
            was_out, self._out = self._out, False
            self._taken.set()
            loop = self._loop
        if events:
            self._ui_free.clear()
            self._free_timer.start()
        for ev in events:
            if ev[0] == "batch":
                self.taken = ev[1].received
                self._on_batch(ev[1])
            elif ev[0] == "listing":
                self._on_listing(ev[1], ev[2], ev[3], ev[4])
            else:
                self._on_state(ev[1], ev[2])
        if was_out and loop is not None:  # what accumulated meanwhile: the next batch
            with contextlib.suppress(RuntimeError):  # the worker's loop closed: it is ending
                loop.call_soon_threadsafe(self._cut_soon)

    # -- worker thread ------------------------------------------------------------------------
    def _post(self) -> None:
        # called with the lock held: one queued signal outstanding at most
        if not self._signalled:
            self._signalled = True
            self._taken.clear()
            self._ready.emit()

    def _thread_main(self, ui_loop: asyncio.AbstractEventLoop,
                     finished: Callable[[BaseException | None, asyncio.AbstractEventLoop], None]) -> None:
        loop = asyncio.SelectorEventLoop()  # not new_event_loop(): the policy is qasync's (a Qt loop)
        loop.set_exception_handler(_exception_handler)
        asyncio.set_event_loop(loop)
        exc: BaseException | None = None
        try:
            with self._lock:
                if self._stop.is_set():
                    return
                self._loop = loop
                self._task = loop.create_task(self._main())
            loop.run_until_complete(self._task)
        except asyncio.CancelledError:
            pass
        except BaseException as e:  # noqa: BLE001 - handed to the UI thread, raised from run()
            exc = e
        finally:
            try:
                loop.run_until_complete(loop.shutdown_asyncgens())
            finally:
                with self._lock:
                    self._loop = self._task = None
                asyncio.set_event_loop(None)
                try:
                    ui_loop.call_soon_threadsafe(finished, exc, loop)
                except RuntimeError:  # the UI loop is gone (quitting): nothing to tell
                    loop.close()

    async def _main(self) -> None:
        # What the UI thread's first batch would otherwise import there: numpy.ma (np.unique's
        # first call loads it, ~80 ms), the wire decoder
        import numpy.ma  # noqa: F401

        from console.models import job_wire  # noqa: F401

        client = EngineClient(self._config)
        try:
            try:
                await client.connect()
            except ClientError as exc:  # the feed reports it and retries with backoff
                log.info("job feed: %s; retrying", exc)
                client.open()
            await client.job_feed(self._w_snapshot, self._w_changes, self._w_state, lambda: self._list(client),
                                  extract=_extract)
        finally:
            await client.close()
            # grpc.aio routes a completion to the loop its call belongs to from whichever bound
            # loop reads it (grpc's poller); one arriving after this loop closed would fail on the
            # UI loop ("Event loop is closed"): let the closed channel's last completions land here
            await asyncio.sleep(CLOSE_GRACE)

    async def _list(self, client: EngineClient) -> tuple[Any, int]:
        if self._list_override is None:
            return await self._w_list(client)
        wire, revision = await self._list_override(client)
        self._streamed = wire is None
        return wire, revision

    async def _w_list(self, client: EngineClient) -> tuple[Any, int]:
        from console.models import job_wire as W

        if self._stream_first:
            self._stream_first = False
            first = True

            def page(raw: bytes) -> None:
                nonlocal first
                wire = W.list_jobs_wire([raw])  # decoded here, not on the UI thread
                with self._lock:
                    self.role = client.role
                    if first:
                        self._pending.clear()  # older than the listing that replaces the table
                    self._events.append(("listing", [wire], wire.revision, first, False))
                    self._post()
                first = False

            _, revision = await client.list_jobs_raw(on_page=page)
            self._streamed = not first
            return None, revision
        pages, revision = await client.list_jobs_raw()
        self.role = client.role
        self._streamed = False
        return W.list_jobs_wire(pages), revision

    def _w_snapshot(self, wire: Any, revision: int) -> None:
        with self._lock:
            if wire is None and self._streamed:  # its pages went already: the listing is complete
                self._events.append(("listing", [], revision, False, True))
            else:  # one whole listing (or an empty one) replaces the table
                self._pending.clear()
                self._events.append(("listing", [] if wire is None else [wire], revision, True, True))
            self._post()

    def _w_changes(self, batch: list[WireChange]) -> None:
        with self._lock:
            pending = self._pending
            for change in batch:
                pending[change[0]] = change
            self.received += len(batch)
            behind = self.received - self.taken >= BACKLOG and not self._stop.is_set()
        self._cut_soon()
        if behind:  # let the UI thread catch up (this blocks only the worker's loop, without the GIL)
            self._taken.wait(BACKLOG_WAIT)
        self._ui_free.wait(UI_WAIT)

    def _cut_soon(self) -> None:
        """Cut a batch now if a frame passed since the last one, else when it has (worker)."""
        if self._cut_timer is not None or self._loop is None:
            return
        wait = self._cut_at + FRAME - time.monotonic()
        if wait <= 0:
            self._cut()
        else:
            self._cut_timer = self._loop.call_later(wait, self._cut)

    def _cut(self) -> None:
        """Hand what is pending to the UI thread as one decoded batch, unless one is still out."""
        from console.models import job_wire as W

        self._cut_timer = None
        with self._lock:
            if self._out or not self._pending:
                return
            pending, self._pending = self._pending, {}
            received = self.received
        self._cut_at = time.monotonic()
        live = [c[1] for c in pending.values() if not c[2]]
        deleted = [(c[0], c[3]) for c in pending.values() if c[2]]
        buf, starts, ends = W.concat(live)
        decoded = W.decode(buf, starts, ends, with_labels=True) if live else None
        with self._lock:
            self._events.append(("batch", WireBatch(buf, starts, ends, decoded, deleted, received)))
            self._out = True
            self._post()

    def _w_state(self, state: str, detail: str) -> None:
        with self._lock:
            self._events.append(("state", state, detail))
            self._post()


def _extract(changes: Any) -> list[WireChange]:
    """Watch changes of jobs as wire changes (on the worker: the parse and re-encode happen here)."""
    out: list[WireChange] = []
    add = out.append
    for ch in changes:
        if ch.HasField("job"):
            job = ch.job
            add((job.job_id, job.SerializeToString(), ch.deleted, job.status.revision))
    return out


def _exception_handler(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    # grpc.aio wakes every loop bound to it for each completion; the loops that lose the race
    # for the wake-up byte get BlockingIOError (harmless: grpc/grpc#25364, PR #36096)
    if isinstance(context.get("exception"), BlockingIOError):
        return
    loop.default_exception_handler(context)

