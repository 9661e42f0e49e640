"""ListingFeed: a first ListJobs listing into the jobs table as its pages arrive.  No Qt.

The first page is shown at once (the window has rows within a page's decode of it arriving);
later pages are held and added in batches that grow with the table: a batch goes in when it
holds at least ``ratio`` of what the table already shows (or ``min_bytes``), or when its
oldest page has waited ``max_wait`` seconds.  Why: every insert costs the table, the proxy
(which places the rows among those shown) and the view work proportional to the rows already
there, so page by page a million jobs paid that a thousand times (300,000 jobs took 45 s);
growing batches pay it a few dozen times, and a batch decodes many pages in one pass.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

from console.models import job_wire as W


class _Table(Protocol):
    def reset(self, jobs: W.Wire) -> None: ...

    def append_wire(self, wire: W.Wire) -> object: ...


class ListingFeed:
    """``page(raw)`` for every ListJobsResponse as received, then ``flush()`` at the end."""

    def __init__(self, table: _Table, min_bytes: int = 256 << 10, ratio: float = 0.5, max_wait: float = 0.5,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._table = table
        self._min_bytes = min_bytes
        self._ratio = ratio
        self._max_wait = max_wait
        self._clock = clock
        self._started = False
        self._shown_bytes = 0
        self._pending: list[bytes] = []
        self._pending_bytes = 0
        self._oldest = 0.0
        self.batches = 0  #: inserts made (the reset of the first page included)

    def page(self, raw: bytes) -> None:
        if not self._started:
            self._started = True
            self._table.reset(W.list_jobs_wire([raw]))
            self._shown_bytes = len(raw)
            self.batches = 1
            return
        if not self._pending:
            self._oldest = self._clock()
        self._pending.append(raw)
        self._pending_bytes += len(raw)
        if (self._pending_bytes >= max(self._min_bytes, int(self._shown_bytes * self._ratio))
                or self._clock() - self._oldest >= self._max_wait):
            self.flush()

    def flush(self) -> None:
        """Add the pages held (the end of the listing, or a batch that is due)."""
        if not self._pending:
            return
        pages, self._pending = self._pending, []
        self._shown_bytes += self._pending_bytes
        self._pending_bytes = 0
        self._table.append_wire(W.list_jobs_wire(pages))
        self.batches += 1
