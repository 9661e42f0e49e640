"""Progress chart data: doubling numpy buffers, smoothed throughput, ETA, crosshair lookup, CSV."""

from __future__ import annotations

import math

import numpy as np

from console.models.progress_series import GrowableSeries, ProgressSeries


def test_growable_series_doubles_and_keeps_values() -> None:
    s = GrowableSeries(("t", "v"), capacity=4)
    for i in range(100):
        s.append((float(i), float(i * i)))
    assert len(s) == 100 and s.capacity == 128 and s.grows == 5
    assert s.view("t").dtype == np.float64
    np.testing.assert_array_equal(s.view("v"), np.arange(100.0) ** 2)
    assert s.last("v") == 99.0 * 99.0


def test_views_do_not_copy() -> None:
    s = GrowableSeries(("t",), capacity=8)
    s.append((1.0,))
    v = s.view("t")
    assert v.base is not None  # a slice of the buffer


def test_throughput_eta_and_lookup() -> None:
    p = ProgressSeries(smoothing=0.0001)  # ~no smoothing: the rate is the last step's
    t0 = 1000.0
    for i in range(11):  # 10 items/s, 100 total
        p.add(t0 + i, successful=9 * i, failed=i, remaining=100 - 10 * i, instances_failed=0,
              max_failed_instances=1)
    assert len(p) == 11
    assert math.isclose(p.throughput(), 10.0, rel_tol=1e-6)
    assert p.eta_seconds() == 0.0  # remaining 0
    q = ProgressSeries(smoothing=0.0001)
    q.add(0, 0, 0, 100)
    q.add(2, 10, 0, 90)
    assert math.isclose(q.eta_seconds() or 0, 18.0, rel_tol=1e-6)
    xs, ys = q.eta_line() or ([], [])
    assert xs == [2.0, 20.0] and ys == [10.0, 100.0]
    v = p.value_at(3.5)
    assert v is not None and v["successful"] == 27 and v["t"] == 3.0
    assert p.max_failed_instances == 1


def test_smoothing_damps_a_spike() -> None:
    p = ProgressSeries(smoothing=5.0)
    done = 0
    for i in range(20):
        done += 100 if i == 10 else 1
        p.add(float(i), done, 0, 10_000 - done)
    assert p.throughput() < 50  # a single spike of 100 items does not dominate


def test_out_of_order_and_same_instant_samples() -> None:
    p = ProgressSeries()
    p.add(10.0, 1, 0, 9)
    p.add(11.0, 2, 0, 8)
    p.add(10.5, 5, 0, 5)  # older than the last: ignored
    p.add(11.0, 3, 0, 7)  # same instant: replaces
    assert len(p) == 2 and p.data.last("successful") == 3


def test_csv() -> None:
    p = ProgressSeries()
    p.add(5.0, 1, 2, 3, 0, 1)
    lines = p.to_csv().splitlines()
    assert lines[0].startswith("t,successful,failed,remaining,throughput")
    assert lines[1].startswith("0.000,1,2,3,0,0,1")
