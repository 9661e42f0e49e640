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


def test_current_workflow_instances_from_its_first_sample_on() -> None:
    p = ProgressSeries()
    p.add(0, 0, 0, 10)
    p.add(1, 2, 0, 8)
    assert p.wf_start is None and p.data.last("wf_remaining") == 0
    p.add(2, 4, 0, 6, workflow=(0, 3, 0))  # a rolling restart of 3 instances starts
    p.add(3, 6, 0, 4, workflow=(1, 2, 0))
    p.add(4, 7, 0, 3)  # a sample without a workflow: the counts carry on
    p.add(5, 8, 0, 2, workflow=(2, 0, 1))
    assert p.wf_start == 2
    np.testing.assert_array_equal(p.data.view("wf_done")[p.wf_start:], [0, 1, 1, 2])
    np.testing.assert_array_equal(p.data.view("wf_remaining")[p.wf_start:], [3, 2, 2, 0])
    np.testing.assert_array_equal(p.data.view("wf_failed")[p.wf_start:], [0, 0, 0, 1])
    assert p.to_csv().splitlines()[0].endswith("wf_done,wf_remaining,wf_failed")
    p.clear()
    assert p.wf_start is None


def test_decimate_keeps_extremes_and_the_exact_tip() -> None:
    from console.views.progress_chart import decimate

    t = np.arange(28_800, dtype=np.float64) / 4.0  # 2 h at 4 samples/s
    ok = np.cumsum(np.ones_like(t) * 3.0)
    wobble = np.sin(t / 7.0) * 100.0
    tt, (a, b) = decimate(t, [ok, wobble], 0.0, float(t[-1]), 400)
    assert len(tt) <= 2 * 400 + 2 * (len(t) // 400) and len(tt) == len(a) == len(b)
    assert tt[-1] == t[-1] and a[-1] == ok[-1] and b[-1] == wobble[-1]  # the tip is exact
    assert a[0] == ok[0] and np.all(np.diff(tt) >= 0)
    assert b.max() == wobble.max() and b.min() == wobble.min()  # peaks survive
    # Clipped to the visible span (plus one sample either side); few points pass unchanged.
    tt, (a,) = decimate(t, [ok], 100.0, 110.0, 400)
    assert tt[0] <= 100.0 and tt[-1] >= 110.0 and len(tt) == 43
    np.testing.assert_array_equal(a, ok[(t >= 99.75) & (t <= 110.25)])


def test_the_first_rate_starts_the_smoothing_and_is_given_to_the_first_sample() -> None:
    """The rate is unknown (None) until two samples are apart in time: a same-instant replacement
    of the first sample keeps it unknown (throughput 0, no arithmetic on the missing rate); the
    first real step gives the rate unsmoothed, to the first sample too; `clear` forgets it."""
    p = ProgressSeries(smoothing=5.0)
    p.add(0.0, 0, 0, 100)
    p.add(0.0, 5, 0, 95)  # same instant: replaces the first sample
    assert len(p) == 1 and p.throughput() == 0.0
    p.add(2.0, 25, 0, 75)  # 10 items/s over the first step: taken as is, not smoothed toward 0
    assert p.throughput() == 10.0 and p.data.view("throughput")[0] == 10.0
    p.add(4.0, 65, 0, 35)  # 20 items/s, smoothed: between the two
    assert 10.0 < p.throughput() < 20.0
    p.clear()
    p.add(10.0, 0, 0, 10)
    p.add(11.0, 4, 0, 6)
    assert p.throughput() == 4.0 and p.data.view("throughput")[0] == 4.0
