"""ChangeBatcher: turns a stream of job changes into at most one model update per frame.

Why: a Watch stream can deliver thousands of changes a second, often several for the same job
(state, then pods, then progress).  Applying each one would emit thousands of model signals and
repaint requests; collecting them for one frame (~16 ms) and keeping only the latest change per
job bounds the work per frame and makes it proportional to the jobs that changed.

The timer is single-shot and armed only when a change arrives while none is pending, so an idle
console wakes up zero times a second.

A flush is bounded in time, not only in count: in a storm (50,000 changes/s) applying every
pending change in one go blocked the UI for 100+ ms on a busy machine.  The batcher keeps a
running estimate of the sink's cost per change and hands it only as many changes as fit in
``budget_ms``; the rest stay pending (still coalescing: a job changed again keeps one entry, in
its first-pending position, so no job waits behind newer ones) and go out on the next frames.
Nothing is dropped: only superseded states of the same job are.

Signals:
    flushed(int applied, float seconds): after each flush, how many changes reached the sink and
        how long the sink took (the bench and a status-bar diagnostic use it).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from pelorus.api import job_pb2

Change = tuple[job_pb2.JobSummary, bool]
Sink = Callable[[Sequence[Change]], Any]


class ChangeBatcher(QObject):
    """Coalesce (summary, deleted) changes per job id and flush them to ``sink`` once per frame."""

    flushed = Signal(int, float)

    #: Never fewer changes than this per flush, whatever the estimate (progress under any load).
    MIN_PER_FLUSH = 200
    #: Sink seconds per change assumed before the first flush has been timed.
    FIRST_COST = 10e-6

    def __init__(self, sink: Sink, interval_ms: int = 16, max_per_flush: int | None = 20000,
                 parent: QObject | None = None, budget_ms: float | None = 8.0) -> None:
        """``sink`` is usually ``JobsTableModel.apply_batch``.

        ``max_per_flush`` caps one frame's work in changes, ``budget_ms`` in estimated sink
        time (None: no time bound); the rest stays pending, still coalescing, and goes out on
        the next frames.
        """
        super().__init__(parent)
        self._sink = sink
        self._pending: dict[str, Change] = {}
        self._max = max_per_flush
        self._budget = None if budget_ms is None else budget_ms / 1000.0
        #: estimated sink seconds per change (moving average of past flushes); the first guess is
        #: a 100k-row table's on a busy 2-core machine, so even the first frame of a storm is bounded
        self._cost = self.FIRST_COST if self._budget is not None else 0.0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(interval_ms)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self.flush)
        self.received = 0  #: changes pushed so far
        self.applied = 0  #: changes handed to the sink so far (received - applied = coalesced/pending)
        self.flushes = 0

    def push(self, summary: job_pb2.JobSummary, deleted: bool = False) -> None:
        """Queue one change; a later change of the same job replaces it."""
        self._pending[summary.job_id] = (summary, deleted)
        self.received += 1
        if not self._timer.isActive():
            self._timer.start()

    def extend(self, changes: Iterable[Change]) -> None:
        """Queue many changes (e.g. one WatchResponse)."""
        pending = self._pending
        n = 0
        for change in changes:
            pending[change[0].job_id] = change
            n += 1
        self.received += n
        if n and not self._timer.isActive():
            self._timer.start()

    def pending(self) -> int:
        """Distinct jobs waiting for the next flush."""
        return len(self._pending)

    def flush(self, everything: bool = False) -> int:
        """Hand pending changes to the sink now (up to ``limit()``, or all of them when
        ``everything``); returns how many."""
        if not self._pending:
            return 0
        limit = None if everything else self.limit()
        if limit is None or len(self._pending) <= limit:
            batch = list(self._pending.values())
            self._pending = {}
        else:
            items = iter(self._pending)
            keys = [next(items) for _ in range(limit)]
            batch = [self._pending.pop(k) for k in keys]
        t0 = time.perf_counter()
        self._sink(batch)
        dt = time.perf_counter() - t0
        if len(batch) >= 20:  # tiny batches are all fixed cost: they would skew the estimate up
            # Rise at once, fall slowly: a frame that overran must not be followed by another.
            per = dt / len(batch)
            self._cost = per if per > self._cost else 0.8 * self._cost + 0.2 * per
        self.applied += len(batch)
        self.flushes += 1
        if self._pending and not self._timer.isActive():
            self._timer.start()
        self.flushed.emit(len(batch), dt)
        return len(batch)

    def limit(self) -> int | None:
        """How many changes the next flush hands over at most (None: all pending)."""
        limit = self._max
        if self._budget is not None and self._cost > 0:
            fit = max(self.MIN_PER_FLUSH, int(self._budget / self._cost))
            limit = fit if limit is None else min(limit, fit)
        return limit

    def discard(self) -> None:
        """Drop everything pending (e.g. before a full resync replaces the table)."""
        self._pending.clear()
        self._timer.stop()
