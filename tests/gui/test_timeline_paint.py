"""The timeline's interval drawing in whole pixel columns (issue 18): what the view draws equals,
pixel for pixel, one QRectF per interval as it was drawn before (bars by colour, run ends haloed),
whether it draws the merged rectangles or the one-image layer; the cached collapsed layout equals a
recomputation."""

from __future__ import annotations

import random
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from timelinehelp import pod_event

from console.models.palette import POD_STATE_COLORS
from console.models.timeline import TimeMap
from console.views import timeline_view as tv
from console.views.timeline_view import AXIS_H, GUTTER, LANE_H, RUN_ENDS, TimelineView, bar_columns, merge_spans
from pelorus.api import pod_pb2, workflow_pb2

P = pod_pb2
W, H = 900, 400


def _image() -> QImage:
    img = QImage(W, H, QImage.Format.Format_ARGB32_Premultiplied)
    img.fill(0)
    return img


def _pixels(img: QImage) -> np.ndarray:
    return np.frombuffer(img.constBits(), dtype=np.uint32).reshape(H, -1)[:, :W].copy()


def test_bar_columns_are_the_columns_qpainter_fills(qapp: Any) -> None:
    rng = random.Random(18)
    for _ in range(400):
        x, w = rng.uniform(0, 60), rng.choice([rng.uniform(0, 3), rng.uniform(2, 30), round(rng.uniform(0, 9) * 2) / 2])
        img = _image()
        p = QPainter(img)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor("#ff0000"))
        p.drawRects([QRectF(x, 0, w, 3)])
        p.end()
        filled = np.flatnonzero(_pixels(img)[1])
        c0, c1 = bar_columns(np.array([x]), np.array([w]))
        assert filled.tolist() == list(range(int(c0[0]), int(c1[0]))), (x, w)


def test_merged_spans_cover_exactly_the_columns_of_the_spans() -> None:
    rng = np.random.default_rng(18)
    key = rng.integers(0, 5, 400)
    c0 = rng.integers(0, 300, 400)
    c1 = c0 + rng.integers(1, 12, 400)
    mk, m0, m1 = merge_spans(key, c0, c1)
    for k in range(5):
        want = np.zeros(320, dtype=bool)
        for a, b in zip(c0[key == k], c1[key == k], strict=True):
            want[a:b] = True
        got = np.zeros(320, dtype=bool)
        spans = sorted(zip(m0[mk == k].tolist(), m1[mk == k].tolist(), strict=True))
        for a, b in spans:
            assert not got[a:b].any()  # merged spans never overlap ...
            got[a:b] = True
        assert all(b < a2 for (_a, b), (a2, _b) in zip(spans, spans[1:], strict=False))  # ... nor touch
        assert (got == want).all()


def _timeline(rng: random.Random) -> Any:
    """40 instances with runs of every length (many under a pixel), ends of every kind, quiet stretches."""
    from console.models.timeline import build_timeline

    t0 = 1_770_000_000.0
    events = {}
    ends = (P.POD_STATE_SUCCEEDED, P.POD_STATE_FAILED, P.POD_STATE_KILLED, P.POD_STATE_LOST)
    for i in range(40):
        t, evs = t0 + rng.uniform(0, 5), []
        for run in range(rng.randint(5, 40)):
            pod = f"j-{i}-{run}"
            evs.append(pod_event(t, P.POD_STATE_PENDING, pod))
            t += rng.choice([0.001, 0.05, 0.4, 2.0, 10.0])
            evs.append(pod_event(t, P.POD_STATE_RUNNING, pod))
            t += rng.choice([0.002, 0.3, 3.0, 30.0])
            evs.append(pod_event(t, rng.choice(ends), pod))
            t += rng.choice([0.0, 0.01, 1.0, 5.0, 200.0])
        events[i] = evs
    wf = workflow_pb2.WorkflowInfo()
    for k in range(30):
        w = wf.events.add(state=workflow_pb2.WORKFLOW_STATE_ROLLING_FORWARD, message="x")
        w.timestamp.seconds = int(t0 + k * 40)
    return build_timeline([wf], events, now=t0 + 3000)


def _reference(view: TimelineView, first: int, last: int, img: QImage) -> None:
    """The intervals as drawn before level of detail: one QRectF per interval (at least 2 px wide),
    grouped by colour in the order colours first appear, run ends as haloed marks on top."""
    v0, v1 = view.v0, view.v1
    scale = view._width() / (v1 - v0)
    bars: dict[int, tuple[QColor, list[QRectF]]] = {}
    halos: list[QRectF] = []
    marks: dict[int, tuple[QColor, list[QRectF]]] = {}
    tm = view.timemap
    for lane in range(first, last + 1):
        y = AXIS_H + lane * LANE_H - view.y_off + 3
        for iv in view.timeline.lane_intervals(lane):
            ds, de = tm.to_display(iv.start), tm.to_display(iv.end)
            if de < v0 or ds > v1:
                continue
            x0 = GUTTER + (max(ds, v0) - v0) * scale
            w = max(2.0, GUTTER + (min(de, v1) - v0) * scale - x0)
            color = POD_STATE_COLORS.get(iv.state, tv.palette.TEXT_FAINT)
            if iv.state in RUN_ENDS:
                if ds >= v0:
                    top = y - 2
                    halos += [QRectF(x0 - 2, top, 5, LANE_H - 2), QRectF(x0 - 4, top, 9, 5)]
                    marks.setdefault(color.rgba(), (color, []))[1].extend(
                        [QRectF(x0 - 1, top, 3, LANE_H - 2), QRectF(x0 - 3, top + 1, 7, 3)])
                continue
            bars.setdefault(color.rgba(), (color, []))[1].append(QRectF(x0, y, w, LANE_H - 6))
    p = QPainter(img)
    p.setClipRect(QRectF(0, AXIS_H, view.width(), view._lanes_height()))
    p.setPen(Qt.PenStyle.NoPen)
    for color, rects in bars.values():
        p.setBrush(color)
        p.drawRects(rects)
    p.setBrush(view.palette().base())
    p.drawRects(halos)
    for color, rects in marks.values():
        p.setBrush(color)
        p.drawRects(rects)
    p.end()


def _drawn(view: TimelineView, first: int, last: int, raster: bool) -> QImage:
    layout = view.frame_layout(first, last, view.v0, view.v1, view._width() / (view.v1 - view.v0))
    img = _image()
    p = QPainter(img)
    p.setClipRect(QRectF(0, AXIS_H, view.width(), view._lanes_height()))
    y0 = AXIS_H + first * LANE_H - view.y_off
    if raster:
        block = tv.raster_layer(layout, last - first + 1, W, view._colors, view.palette().base().color())
        layer = QImage(block.data, W, block.shape[0] * LANE_H, W * 4, QImage.Format.Format_ARGB32_Premultiplied)
        p.drawImage(0, y0, layer)
        del layer
    else:
        bars, halos, marks = layout.rects(y0)
        p.setPen(Qt.PenStyle.NoPen)
        for ci, rects in bars:
            p.setBrush(view._colors[ci])
            p.drawRects(rects)
        p.setBrush(view.palette().base())
        p.drawRects(halos)
        for ci, rects in marks:
            p.setBrush(view._colors[ci])
            p.drawRects(rects)
    p.end()
    return img


@pytest.mark.parametrize("collapsed", [False, True])
def test_the_interval_layer_draws_the_pixels_one_rect_per_interval_drew(qapp: Any, collapsed: bool) -> None:
    rng = random.Random(18 + collapsed)
    view = TimelineView()
    view.resize(W, H)
    view.set_timeline(_timeline(rng))
    if collapsed:
        view.set_collapse(True, threshold=20.0)
    view.vbar.setValue(LANE_H * 3 + 7)  # a lane cut by the axis
    shown = view.visible_lanes()
    full = (view.v0, view.v1)
    for zoom in (1.0, 0.3, 0.05, 0.004):
        span = (full[1] - full[0]) * zoom
        view.v0 = full[0] + rng.uniform(0, (full[1] - full[0]) - span)
        view.v1 = view.v0 + span
        want = _image()
        _reference(view, shown.start, shown.stop - 1, want)
        want_px = _pixels(want)
        assert want_px.any()
        for raster in (False, True):
            got = _pixels(_drawn(view, shown.start, shown.stop - 1, raster))
            bad = np.argwhere(got != want_px)
            assert not len(bad), (zoom, raster, bad[:5].tolist())


def test_the_view_paints_the_same_with_either_path(qapp: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    view = TimelineView()
    view.resize(W, H)
    view.set_timeline(_timeline(random.Random(7)))
    view.set_collapse(True, threshold=20.0)
    monkeypatch.setattr(tv, "RASTER_FROM", 0)
    layer = view.grab().toImage()
    monkeypatch.setattr(tv, "RASTER_FROM", 10**9)
    rects = view.grab().toImage()
    assert view.painted_intervals > 0
    assert layer == rects


def test_the_cached_collapsed_layout_equals_a_recomputation(qapp: Any) -> None:
    view = TimelineView()
    view.resize(W, H)
    tl = _timeline(random.Random(3))
    view.set_timeline(tl)
    for threshold in (20.0, 60.0):
        view.set_collapse(True, threshold=threshold)
        view.grab()
        tm = view.timemap
        assert tm.gaps
        assert view._bands().tolist() == [list(b) for b in tm.bands()]
        for lane in range(len(tl.lanes)):
            ivs = tl.lane_intervals(lane)
            ds, de, _maxend, colors, is_end = view._lane_cache(lane)
            assert ds.tolist() == [tm.to_display(iv.start) for iv in ivs]
            assert de.tolist() == [tm.to_display(iv.end) for iv in ivs]
            assert [view._colors[c] for c in colors.tolist()] == [
                POD_STATE_COLORS.get(iv.state, tv.palette.TEXT_FAINT) for iv in ivs]
            assert is_end.tolist() == [iv.state in RUN_ENDS for iv in ivs]
            mt, md, mcolors = view._marker_cache(lane)
            mks = tl.visible_markers(lane, float("-inf"), float("inf"))
            assert md.tolist() == [tm.to_display(m.t) for m in mks]
            assert mt.tolist() == [m.t for m in mks]
    view.set_collapse(False)
    assert not view.timemap and view._bands().shape == (0, 2)
    assert view._lane_cache(1)[0].tolist() == [iv.start for iv in tl.lane_intervals(1)]
    assert isinstance(view.timemap, TimeMap)


def test_a_stamped_gap_edge_is_the_dashed_line_it_replaces(qapp: Any) -> None:
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QPen

    view = TimelineView()
    view.resize(W, H)
    rng = random.Random(5)
    for top, bottom in ((AXIS_H, H - 2), (AXIS_H + 37, H - 40)):
        edge = view._dash_column(top, bottom)
        for _ in range(60):
            x = rng.uniform(GUTTER, W - 20) if rng.random() < 0.8 else float(rng.randint(GUTTER, W - 20))
            want, got = _image(), _image()
            for img, stamp in ((want, False), (got, True)):
                p = QPainter(img)
                p.setClipRect(QRectF(0, AXIS_H, view.width(), view._lanes_height()))
                if stamp:
                    p.drawImage(int(np.floor(x)), 0, edge)
                else:
                    p.setPen(QPen(tv.palette.GAP_EDGE, 1, Qt.PenStyle.DashLine))
                    p.drawLine(QPointF(x, top), QPointF(x, bottom))
                p.end()
            assert _pixels(want).any()
            assert (_pixels(got) == _pixels(want)).all(), (x, top, bottom)


def _old_gaps(view: TimelineView, p: QPainter, top: int, bottom: int, text_color: QColor) -> None:
    """The collapsed bands as drawn before (70763bb): all fills as one drawRects call of translucent
    QRectFs, then per band its two strokes and its stamped dashed edges; since then clipped at the
    lane names' edge (a band reaching past the span's left end greyed the names)."""
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QPen

    bands = view._bands()
    seen = (bands[:, 1] >= view.v0) & (bands[:, 0] <= view.v1)
    if not seen.any():
        return
    w = view._width()
    xa = (GUTTER + (bands[seen, 0] - view.v0) / (view.v1 - view.v0) * w).tolist()
    xb = (GUTTER + (bands[seen, 1] - view.v0) / (view.v1 - view.v0) * w).tolist()
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(tv.palette.GAP_BAND)
    p.save()  # (not over the lane names: clipped at their edge, as the bars are)
    p.setClipRect(QRectF(GUTTER, top, view.width(), bottom - top), Qt.ClipOperation.IntersectClip)
    p.drawRects([QRectF(a, top, max(3.0, b - a), bottom - top) for a, b in zip(xa, xb, strict=True)])
    p.restore()
    p.setPen(QPen(text_color, 1.5))
    edge = view._dash_column(top, bottom)
    for a, b in zip(xa, xb, strict=True):
        xm = (a + b) / 2
        if xm >= GUTTER + 7:
            for dx in (-3, 3):
                p.drawLine(QPointF(xm + dx - 4, AXIS_H + 2), QPointF(xm + dx + 4, AXIS_H - 12))
        for x in (int(np.floor(a)), int(np.floor(b))):
            if x >= GUTTER:
                p.drawImage(x, 0, edge)


@pytest.mark.parametrize("threshold", [2.0, 20.0])
def test_collapsed_bands_paint_what_translucent_rectangles_painted(qapp: Any, monkeypatch: pytest.MonkeyPatch,
                                                                    threshold: float) -> None:
    """The band fills blended from an image of the band colour are the pixels of the translucent
    QRectF fills they replace, over bars, markers, stripes and each other (bands 3 px wide overlap
    when many are close), scrolled, zoomed, panned past either end."""
    rng = random.Random(int(threshold))
    view = TimelineView()
    view.resize(W, H)
    view.set_timeline(_timeline(rng))
    view.set_collapse(True, threshold=threshold)
    assert len(view.timemap.gaps) > 5
    full = (view.v0, view.v1)
    frames = 0
    for zoom, start, scroll in ((1.0, 0.0, 0), (1.0, 0.5, 40), (0.2, 0.3, 5), (0.02, 0.6, 100), (4.0, -1.5, 0),
                                (0.001, rng.random(), 3)):
        span = (full[1] - full[0]) * zoom
        view.v0 = full[0] + (full[1] - full[0]) * start
        view.v1 = view.v0 + span
        view.vbar.setValue(scroll)
        for part in (view.rect(), QRect(0, 100, W, 150), QRect(200, 0, 300, AXIS_H + 40)):  # whole, partial
            got = view.grab(part).toImage()
            monkeypatch.setattr(TimelineView, "_paint_gaps", _old_gaps)
            want = view.grab(part).toImage()
            monkeypatch.undo()
            assert got == want, (zoom, start, scroll, part)
        frames += int(((view._bands()[:, 1] >= view.v0) & (view._bands()[:, 0] <= view.v1)).any())
    assert frames >= 4  # bands were on screen in most frames


def test_a_pan_repaints_the_lanes_not_their_scroll_bar(qloop: Any) -> None:
    """A pan or zoom marks all but the lane scroll bar dirty: the bar (whose groove Qt fills through
    its GUI thread pool) is not repainted per frame; scrolling the lanes still repaints it."""
    from guihelp import run, until
    from PySide6.QtCore import QCoreApplication, QEvent, QObject

    class Paints(QObject):
        count = 0

        def eventFilter(self, _obj: QObject, event: QEvent) -> bool:
            self.count += event.type() == QEvent.Type.Paint
            return False

    def flush() -> None:  # the update requests the loop would deliver next, now
        QCoreApplication.sendPostedEvents(None, QEvent.Type.UpdateRequest)

    view = TimelineView()
    view.resize(W, H)
    view.set_timeline(_timeline(random.Random(9)))
    view.show()
    run(qloop, until(lambda: view.paints > 0, what="the first paint"))
    assert view.vbar.isVisible()
    bar = Paints()
    view.vbar.installEventFilter(bar)
    before = view.paints
    for step in (0.1, -0.05):
        view.pan(step)
        flush()
    view.set_collapse(True, threshold=20.0)
    flush()
    assert view.paints == before + 3
    assert bar.count == 0
    view.vbar.setValue(view.vbar.value() + LANE_H)
    flush()
    assert bar.count == 1
    view.close()


def test_mark_windows_cover_what_one_span_per_mark_covers() -> None:
    """The run-end marks' windows from one running count per colour equal a span per mark, for marks
    on screen, at its edges and far off it (they cover nothing there)."""
    rng = np.random.default_rng(18)
    n, width = 7, 60
    lane = rng.integers(0, n, 300)
    c = rng.integers(-30, width + 30, 300)
    windows = ((-2, 3), (-4, 5), (-1, 2), (-3, 4))
    for (a, b), got in zip(windows, tv._windows(n, width, lane, c, windows), strict=True):
        assert (got == tv._cover(n, width, lane, c + a, c + b)).all(), (a, b)


def test_display_times_are_the_time_maps_floats(qapp: Any) -> None:
    """The array mapping gives what TimeMap.to_display gives for each time, bit for bit: before,
    inside, at either end of and after the gaps, and with no gap at all."""
    rng = np.random.default_rng(5)
    edges = np.sort(rng.uniform(0, 1000, 40)) + 1_770_000_000.0
    tm = TimeMap(list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True)), band=1.7)
    t = np.concatenate([rng.uniform(edges[0] - 50, edges[-1] + 50, 500), edges, [edges[0] - 1e-6]])
    view = TimelineView()
    view.timemap = tm
    assert view._display_times(t).tolist() == [tm.to_display(x) for x in t.tolist()]
    assert view._display_times(np.zeros(0)).shape == (0,)
    view.timemap = TimeMap()
    assert view._display_times(t).tolist() == t.tolist()


def test_a_band_past_the_left_end_leaves_the_lane_names_alone(qapp: Any) -> None:
    """Panned so that a collapsed stretch begins left of the span, its band starts where the bars
    do: the lane names' column looks as it does with nothing collapsed."""
    view = TimelineView()
    view.resize(W, H)
    view.set_timeline(_timeline(random.Random(3)))
    view.set_collapse(True, threshold=2.0)
    bands = view._bands()
    a, b = bands[len(bands) // 2]
    view.v0, view.v1 = (a + b) / 2, (a + b) / 2 + 2 * (b - a)  # zoomed in: the span opens inside a band
    names = QRect(0, AXIS_H, GUTTER - 8, H - AXIS_H)
    collapsed = view.grab(names).toImage()
    view.set_collapse(False)  # the names' column does not depend on the span shown
    assert collapsed == view.grab(names).toImage()
