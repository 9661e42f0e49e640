"""Time series for the live progress charts, in preallocated numpy buffers (no Qt, no gRPC).

``GrowableSeries`` keeps float64 columns that double when full, so appending is amortised O(1)
and a chart can hand ``view(col)`` (a slice, no copy) straight to pyqtgraph's setData.

``ProgressSeries`` turns WatchJob samples into the chart columns:
    t                   seconds since the first sample
    successful, failed, remaining   items (burn-up)
    throughput          items/s, exponentially smoothed over ``smoothing`` seconds
    instances_failed    failed instances (against the job's max_failed_instances)
    instances_done
    wf_done, wf_remaining, wf_failed   instances of the current rolling workflow (RESTART / UPDATE):
                        completed / remaining / failed; meaningful from ``wf_start`` (the first sample
                        that carried one) on, 0 before
and derives the ETA from the smoothed throughput. ``revision`` increases with every change so a
redraw timer can skip idle ticks.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

COLUMNS = ("t", "successful", "failed", "remaining", "throughput", "instances_done", "instances_failed",
           "wf_done", "wf_remaining", "wf_failed")


class GrowableSeries:
    """Named float64 columns in one preallocated 2-D buffer that doubles when full."""

    def __init__(self, columns: Sequence[str], capacity: int = 1024) -> None:
        self.columns = tuple(columns)
        self._col = {name: i for i, name in enumerate(self.columns)}
        self._buf = np.zeros((len(self.columns), max(1, capacity)), dtype=np.float64)
        self.n = 0
        self.grows = 0

    @property
    def capacity(self) -> int:
        return int(self._buf.shape[1])

    def __len__(self) -> int:
        return self.n

    def append(self, values: Sequence[float]) -> None:
        if self.n == self.capacity:
            bigger = np.zeros((self._buf.shape[0], self.capacity * 2), dtype=np.float64)
            bigger[:, :self.n] = self._buf[:, :self.n]
            self._buf = bigger
            self.grows += 1
        self._buf[:, self.n] = values
        self.n += 1

    def view(self, column: str) -> npt.NDArray[np.float64]:
        """The filled part of one column (a view: valid until the next append)."""
        return self._buf[self._col[column], :self.n]

    def last(self, column: str) -> float:
        return float(self._buf[self._col[column], self.n - 1]) if self.n else math.nan

    def clear(self) -> None:
        self.n = 0


class ProgressSeries:
    def __init__(self, capacity: int = 1024, smoothing: float = 5.0) -> None:
        self.data = GrowableSeries(COLUMNS, capacity)
        self.smoothing = smoothing  # seconds (time constant of the throughput EMA)
        self.t0: float | None = None  # wall time of the first sample
        self.max_failed_instances = 0
        self.instance_count = 0
        self.revision = 0
        self.wf_start: int | None = None  # index of the first sample with a rolling workflow
        self._rate: float | None = None

    def __len__(self) -> int:
        return len(self.data)

    def clear(self) -> None:
        self.data.clear()
        self.t0 = None
        self.wf_start = None
        self._rate = None
        self.revision += 1

    def add(self, wall_time: float, successful: int, failed: int, remaining: int, instances_done: int = 0,
            instances_failed: int = 0, max_failed_instances: int | None = None,
            workflow: tuple[int, int, int] | None = None) -> None:
        """One sample. Samples out of time order are ignored (a resent snapshot).

        ``workflow``: (completed, remaining, failed) instances of the current rolling workflow, if any;
        without one, the last known counts carry on (the workflow that ran last stays "current")."""
        if max_failed_instances is not None:
            self.max_failed_instances = max_failed_instances
        if self.t0 is None:
            self.t0 = wall_time
        t = wall_time - self.t0
        d = self.data
        if d.n and t < d.last("t"):
            return
        processed = successful + failed
        rate = 0.0
        if d.n:
            dt = t - d.last("t")
            prev = d.last("successful") + d.last("failed")
            if dt > 0:
                inst = max(0.0, (processed - prev) / dt)
                alpha = 1.0 - math.exp(-dt / self.smoothing) if self.smoothing > 0 else 1.0
                before = self._rate  # None until two samples are apart in time
                self._rate = inst if before is None else before + alpha * (inst - before)
                if before is None and d.n == 1:  # the first sample had no rate yet: give it the first one
                    d.view("throughput")[0] = self._rate
            rate = self._rate or 0.0
        if d.n and dt == 0:  # same instant: replace rather than add a vertical step
            d.n -= 1
            if self.wf_start is not None and self.wf_start > d.n:
                self.wf_start = None
        if workflow is None:
            wf: tuple[float, ...] = ((d.last("wf_done"), d.last("wf_remaining"), d.last("wf_failed"))
                                     if d.n and self.wf_start is not None else (0.0, 0.0, 0.0))
        else:
            wf = tuple(float(v) for v in workflow)
            if self.wf_start is None:
                self.wf_start = d.n
        d.append((t, successful, failed, remaining, rate, instances_done, instances_failed, *wf))
        self.revision += 1

    # -- derived -----------------------------------------------------------------------------
    def throughput(self) -> float:
        return self.data.last("throughput") if len(self.data) else 0.0

    def eta_seconds(self) -> float | None:
        """Seconds until remaining reaches 0 at the smoothed throughput; None when unknown."""
        if not len(self.data):
            return None
        remaining = self.data.last("remaining")
        if remaining <= 0:
            return 0.0
        rate = self.throughput()
        return remaining / rate if rate > 0 else None

    def eta_line(self) -> tuple[list[float], list[float]] | None:
        """Projection of processed items (successful + failed) from the last sample to completion."""
        eta = self.eta_seconds()
        if eta is None or not len(self.data):
            return None
        d = self.data
        t, done = d.last("t"), d.last("successful") + d.last("failed")
        return [t, t + eta], [done, done + d.last("remaining")]

    def value_at(self, t: float) -> dict[str, float] | None:
        """The sample at or just before ``t`` (for the crosshair)."""
        d = self.data
        if not len(d):
            return None
        i = int(np.searchsorted(d.view("t"), t, side="right")) - 1
        i = min(max(i, 0), len(d) - 1)
        return {name: float(d.view(name)[i]) for name in COLUMNS}

    def to_csv(self) -> str:
        out = io.StringIO()
        w = csv.writer(out)
        w.writerow(COLUMNS)
        cols = [self.data.view(c) for c in COLUMNS]
        for i in range(len(self.data)):
            w.writerow([f"{cols[0][i]:.3f}"] + [f"{c[i]:.6g}" for c in cols[1:]])
        return out.getvalue()
