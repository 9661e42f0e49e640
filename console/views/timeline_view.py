"""TimelineView: the job's workflows on a shared time axis.

Lane 0 carries the job-level workflow events (diamonds, coloured by workflow state); one lane per
instance shows its pod-state intervals (coloured by pod state), its instance events, and each run's
end as a marker (a run that ended is an instant, not a bar).  The lanes are a virtualised list: the
view is as tall as its parent gives it, the time axis stays on top, a scroll bar (and the wheel over
the lane names, Shift+wheel anywhere, Page Up / Page Down / Home / End) moves through the lanes, and
only the lanes on screen in the time span on screen are drawn: 1,000 instances cost what 30 do.
Wheel zooms around the pointer, drag pans, F or a double-click fits, hovering shows the interval or
event under the pointer, and a click on an instance lane emits ``instanceClicked`` (the detail
selects that pod).

``set_collapse(True)`` squeezes idle stretches (no event or state change for longer than
``collapse_threshold`` seconds) into a narrow band each, drawn with a break marker; the visible
span ``v0``..``v1`` is then in display time (see ``console.models.timeline.TimeMap``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
from PySide6.QtCore import QLineF, QPoint, QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPen, QPolygonF, QRegion
from PySide6.QtWidgets import QScrollBar, QToolTip, QWidget

from console.models import palette
from console.models.palette import POD_STATE_COLORS, WORKFLOW_STATE_COLORS
from console.models.timeline import Timeline, TimeMap, collapse_idle

LANE_H = 18
GUTTER = 96
AXIS_H = 22
RUN_ENDS = frozenset({"SUCCEEDED", "FAILED", "KILLED", "LOST", "DELETED"})
MIN_LANES_SHOWN = 6  # the height the view asks for; more lanes scroll
BAR_H = LANE_H - 6
_DIAMOND = QPolygonF([QPointF(0, -5), QPointF(5, 0), QPointF(0, 5), QPointF(-5, 0)])  # a marker at (0, 0)
RASTER_FROM = 1500  # rectangles in a frame from which the intervals are drawn as one image
_BIG = np.int64(1) << 32  # beyond any pixel column: separates groups in one running maximum

#: The colours intervals are drawn in (the palette's live QColors: a theme change recolours them),
#: indexed by the lane cache's colour index; the last one is for states the palette does not name.
_IV_COLORS: list[QColor] = [*POD_STATE_COLORS.values(), palette.TEXT_FAINT]
_IV_COLOR_INDEX: dict[str, int] = {k: i for i, k in enumerate(POD_STATE_COLORS)}


def bar_columns(x0: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The pixel columns [c0, c1) that QPainter fills for ``QRectF(x0, y, w, h)`` without
    antialiasing: those whose left edge + 0.5 lies in [x0, x0 + w) (tests/console check it
    against QPainter)."""
    return np.floor(x0 + 0.5).astype(np.int64), np.floor(x0 + w + 0.5).astype(np.int64)


def merge_spans(key: np.ndarray, c0: np.ndarray, c1: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Merge the column spans [c0, c1) that overlap or touch and share ``key`` (lane and colour):
    (key, c0, c1) of the merged spans, sorted by key then c0. The union of the columns is unchanged."""
    if not len(key):
        return key, c0, c1
    order = np.lexsort((c0, key))
    key, c0, c1 = key[order], c0[order], c1[order]
    new_key = np.empty(len(key), dtype=bool)
    new_key[0] = True
    np.not_equal(key[1:], key[:-1], out=new_key[1:])
    off = np.cumsum(new_key) * _BIG
    reach = np.maximum.accumulate(c1 + off) - off  # the furthest column so far in this key
    starts = new_key.copy()
    starts[1:] |= c0[1:] > reach[:-1]
    idx = np.flatnonzero(starts)
    return key[idx], c0[idx], np.maximum.reduceat(c1, idx)


@dataclass
class FrameLayout:
    """What a paint draws for the intervals, in whole pixel columns, lanes counted from the first
    painted: bar spans [c0, c1) by colour index and run-end marks (column c) by colour index, each in
    the order a colour first appears (the order they are drawn in)."""

    drawn: int = 0
    bars: list[tuple[int, np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=list)  # ci, lane, c0, c1
    marks: list[tuple[int, np.ndarray, np.ndarray]] = field(default_factory=list)  # ci, lane, c

    def size(self) -> int:
        """How many rectangles ``rects`` gives."""
        return sum(len(b[1]) for b in self.bars) + 4 * sum(len(m[1]) for m in self.marks)

    def rects(self, first_y: int) -> tuple[list[tuple[int, list[QRect]]], list[QRect], list[tuple[int, list[QRect]]]]:
        """The same as QPainter rectangles (bars by colour, halos, marks by colour) for lanes whose
        first one's top is at ``first_y``: what ``raster_layer`` must equal, pixel for pixel."""
        bars = [(ci, [QRect(a, first_y + ln * LANE_H + 3, b - a, BAR_H) for ln, a, b in
                      zip(lane.tolist(), c0.tolist(), c1.tolist(), strict=True)]) for ci, lane, c0, c1 in self.bars]
        halos: list[QRect] = []
        marks = []
        for ci, lane, c in self.marks:
            rects = []
            for ln, x in zip(lane.tolist(), c.tolist(), strict=True):
                top = first_y + ln * LANE_H + 1
                halos += [QRect(x - 2, top, 5, LANE_H - 2), QRect(x - 4, top, 9, 5)]
                rects += [QRect(x - 1, top, 3, LANE_H - 2), QRect(x - 3, top + 1, 7, 3)]
            marks.append((ci, rects))
        return bars, halos, marks


def _premultiplied(color: QColor) -> int:
    a = color.alpha()
    if a == 255:
        return int(color.rgba())
    return (a << 24) | ((color.red() * a // 255) << 16) | ((color.green() * a // 255) << 8) | (color.blue() * a // 255)


def _cover(n: int, width: int, lane: np.ndarray, c0: np.ndarray, c1: np.ndarray) -> np.ndarray:
    """(n, width) bools: the columns [c0, c1) of each span's lane."""
    c0, c1 = np.clip(c0, 0, width), np.clip(c1, 0, width)
    size = n * (width + 1)
    d = np.bincount(lane * (width + 1) + c0, minlength=size) - np.bincount(lane * (width + 1) + c1, minlength=size)
    return np.cumsum(d.reshape(n, width + 1), axis=1)[:, :width] > 0


_REACH = 4  # the furthest a run-end mark's pixels reach either side of its column (its halo's cap)


def _windows(n: int, width: int, lane: np.ndarray, c: np.ndarray,
             windows: tuple[tuple[int, int], ...]) -> list[np.ndarray]:
    """For each window (a, b): (n, width) bools, the columns [c + a, c + b) of each point's lane
    (|a|, b - 1 <= _REACH), from one running count of the points instead of one per window."""
    keep = (c >= -_REACH) & (c < width + _REACH)  # the others cover no column on screen
    row = width + 2 * _REACH + 1  # a lane's columns padded by _REACH, after a first one left empty
    counts = np.bincount(lane[keep] * row + c[keep] + (_REACH + 1), minlength=n * row)
    run = np.cumsum(counts.reshape(n, row), axis=1)  # run[:, j]: points left of padded column j
    # column x is covered by a point at c with c + a <= x < c + b: one with x - b < c <= x - a
    return [run[:, _REACH + 1 - a:_REACH + 1 - a + width] > run[:, _REACH + 1 - b:_REACH + 1 - b + width]
            for a, b in windows]


def raster_layer(layout: FrameLayout, n: int, width: int, colors: list[QColor], base: QColor) -> np.ndarray:
    """The intervals of ``n`` lanes as premultiplied ARGB pixels, shape (n, LANE_H, width), transparent
    where nothing is drawn: exactly what QPainter draws for ``layout.rects`` (bars by colour, then the
    base-coloured halos, then the marks by colour), in one image instead of thousands of rectangles.

    Each pixel takes the colour of the last layer drawn over it: layers are numbered in drawing
    order (0: nothing) and a row's pixel is the highest number covering it, looked up in ``lut``."""
    nb, nm = len(layout.bars), len(layout.marks)
    lut = np.zeros(nb + nm + 2, dtype=np.uint32)
    dt = np.uint8 if len(lut) < 256 else np.int32
    bars = np.zeros((n, width), dtype=dt)
    for k, (ci, lane, c0, c1) in enumerate(layout.bars, start=1):
        lut[k] = _premultiplied(colors[ci])
        np.maximum(bars, _cover(n, width, lane, c0, c1) * dt(k), out=bars)
    halo_k = nb + 1
    lut[halo_k] = _premultiplied(base)
    if layout.marks:
        lane = np.concatenate([m[1] for m in layout.marks])
        c = np.concatenate([m[2] for m in layout.marks])
        halo_full, halo_cap = _windows(n, width, lane, c, ((-2, 3), (-4, 5)))
    else:
        halo_full = halo_cap = np.zeros((n, width), dtype=bool)
    halo_full_k, halo_cap_k = halo_full * dt(halo_k), halo_cap * dt(halo_k)  # the cap holds the full bar
    mark_full = np.zeros((n, width), dtype=dt)
    mark_cap = np.zeros((n, width), dtype=dt)  # full | cap: the cap's window holds the full bar's
    for k, (ci, lane, c) in enumerate(layout.marks, start=halo_k + 1):
        lut[k] = _premultiplied(colors[ci])
        full, cap = _windows(n, width, lane, c, ((-1, 2), (-3, 4)))
        np.maximum(mark_full, full * dt(k), out=mark_full)
        np.maximum(mark_cap, cap * dt(k), out=mark_cap)

    def row(*layers: np.ndarray) -> np.ndarray:
        top = layers[0]
        for layer in layers[1:]:
            top = np.maximum(top, layer)
        return lut.take(top)

    block = np.zeros((n, LANE_H, width), dtype=np.uint32)
    # rows of a lane (from its top): marks and halos 1..16 (caps 2..4 and 1..5), bars 3..14
    block[:, 1] = row(halo_cap_k, mark_full)
    block[:, 2] = row(halo_cap_k, mark_cap)
    block[:, 3:5] = row(bars, halo_cap_k, mark_cap)[:, None]
    block[:, 5] = row(bars, halo_cap_k, mark_full)
    block[:, 6:15] = row(bars, halo_full_k, mark_full)[:, None]
    block[:, 15:17] = row(halo_full_k, mark_full)[:, None]
    return block


def _display_times(tm: TimeMap, t: np.ndarray, gaps: np.ndarray, bands: np.ndarray) -> np.ndarray:
    """``tm.to_display`` of each time in ``t`` (``gaps`` and ``bands``: the map's as (n, 2) arrays):
    the same operations element-wise, so the same floats (tests/gui/test_timeline_paint), without a
    Python call per time."""
    if not tm.gaps or not len(t):
        return t.copy()
    i = np.searchsorted(gaps[:, 0], t, side="right") - 1
    j = np.maximum(i, 0)
    s, e, d0 = gaps[j, 0], gaps[j, 1], bands[j, 0]
    return np.where(i < 0, t, np.where(t < e, d0 + (t - s) / (e - s) * tm.band, d0 + tm.band + (t - e)))


def _first_seen(cols: np.ndarray) -> list[int]:
    uniq, first = np.unique(cols, return_index=True)
    return [int(c) for c in uniq[np.argsort(first)]]


class TimelineView(QWidget):
    instanceClicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("workflowTimeline")
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.timeline = Timeline()
        self.v0, self.v1 = 0.0, 1.0  # visible time span
        self._drag: tuple[float, float, float] | None = None
        self.painted_intervals = 0  # what the last paint drew (tests / bench)
        self.paints = 0
        self.collapsed = False
        self.collapse_threshold = 10.0  # seconds without any event / state change
        self.timemap = TimeMap()
        self._colors = _IV_COLORS
        self._lanes_cache: dict[int, tuple[Any, ...]] = {}
        self._markers_cache: dict[int, tuple[np.ndarray, np.ndarray, list[QColor]]] = {}
        self._window_of: tuple[int, int] | None = None  # the lanes whose caches _window joined
        self._window_arrs: tuple[Any, ...] = ()
        self._bands_of: TimeMap | None = None
        self._bands_arr = np.zeros((0, 2))
        self._gaps_arr = np.zeros((0, 2))
        self._dash_of: tuple[int, int, int, int] | None = None
        self._dash_img = QImage()  # lane -> display coords, colours (paint)
        self._band_tile_of: tuple[int, int, int] | None = None
        self._band_tile_img = QImage()
        self._cache_of: tuple[Timeline, TimeMap] | None = None  # held: identity, not id()
        self.painted_lanes = 0  # lanes the last paint drew (tests / bench)
        self.vbar = QScrollBar(Qt.Orientation.Vertical, self)
        self.vbar.setObjectName("timelineLanes")
        self.vbar.valueChanged.connect(self.update)
        self.current_lane = 0  # the keyboard's lane: Up / Down move it, Enter opens its pod
        self.setAccessibleName(self.tr("Workflow timeline"))
        self.setAccessibleDescription(self.tr(
            "Up and Down choose a lane, Enter selects that instance's pod; Left and Right pan, "
            "plus and minus zoom, F fits the whole run."))
        self._update_height()

    def set_timeline(self, timeline: Timeline, fit: bool = True) -> None:
        """New data. Unless ``fit``, the zoom stays; a view that showed the live end keeps showing it."""
        old = self.timeline
        at_end = self.v1 >= self.timemap.to_display(old.t1)
        self.timeline = timeline
        self.timemap = collapse_idle(timeline, self.collapse_threshold) if self.collapsed else TimeMap()
        if fit or self.v1 <= self.v0 or not old.intervals:
            self.fit()
        elif at_end:
            d1 = self.timemap.to_display(timeline.t1)
            self.v1 = d1 + (d1 - self.v0) * 0.02  # grows live
        self._update_height()
        self.update()

    def _update_height(self) -> None:
        self.setMinimumHeight(AXIS_H + LANE_H * max(1, min(MIN_LANES_SHOWN, len(self.timeline.lanes))) + 4)
        self._sync_scrollbar()

    # -- the lane list: a window of lanes under a fixed axis ------------------------------------------
    @property
    def y_off(self) -> int:
        """Pixels of lanes scrolled above the top of the lane area."""
        return self.vbar.value()

    def _lanes_height(self) -> int:
        return max(0, self.height() - AXIS_H)

    def _sync_scrollbar(self) -> None:
        content = LANE_H * len(self.timeline.lanes)
        page = self._lanes_height()
        self.vbar.setRange(0, max(0, content - page))
        self.vbar.setPageStep(max(LANE_H, page))
        self.vbar.setSingleStep(LANE_H)
        self.vbar.setVisible(content > page)
        w = self.vbar.sizeHint().width()
        self.vbar.setGeometry(self.width() - w, AXIS_H, w, page)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._sync_scrollbar()

    def visible_lanes(self) -> range:
        """The lanes (partly) on screen."""
        first = self.y_off // LANE_H
        last = min(len(self.timeline.lanes) - 1, (self.y_off + self._lanes_height() - 1) // LANE_H)
        return range(first, last + 1)

    def lane_y(self, lane: int) -> int:
        """The top of ``lane`` in widget coordinates (may be above or below the view)."""
        return AXIS_H + lane * LANE_H - self.y_off

    def scroll_to_lane(self, lane: int) -> None:
        """Bring ``lane`` on screen (as few pixels moved as needed)."""
        top = lane * LANE_H
        if top < self.y_off:
            self.vbar.setValue(top)
        elif top + LANE_H > self.y_off + self._lanes_height():
            self.vbar.setValue(top + LANE_H - self._lanes_height())

    def set_collapse(self, on: bool, threshold: float | None = None) -> None:
        """Collapse idle stretches (or show real time again); refits."""
        if threshold is not None:
            self.collapse_threshold = threshold
        self.collapsed = on
        self.timemap = collapse_idle(self.timeline, self.collapse_threshold) if on else TimeMap()
        self.fit()

    def fit(self) -> None:
        d0, d1 = self.timemap.to_display(self.timeline.t0), self.timemap.to_display(self.timeline.t1)
        span = max(d1 - d0, 1e-3)
        self.v0, self.v1 = d0 - span * 0.02, d1 + span * 0.02
        self.update_span()

    def pan(self, fraction: float) -> None:
        """Move the visible span by ``fraction`` of its width (positive: later)."""
        dt = (self.v1 - self.v0) * fraction
        self.v0, self.v1 = self.v0 + dt, self.v1 + dt
        self.update_span()

    def update_span(self) -> None:
        """Schedule the repaint a new time span needs: all but the lane scroll bar, which a pan or a
        zoom leaves as it was (a repaint of the whole view repaints that child too, and its style
        fills its groove through Qt's GUI thread pool: a wait per frame on a busy machine)."""
        if self.vbar.isVisible():
            self.update(QRegion(self.rect()).subtracted(QRegion(self.vbar.geometry())))
        else:
            self.update()

    # -- mapping (t: real time, d: display time, x: pixels) ---------------------------------------
    def _width(self) -> int:
        bar = self.vbar.width() if self.vbar.isVisible() else 0
        return max(1, self.width() - GUTTER - 8 - bar)

    def x_of_d(self, d: float) -> float:
        return GUTTER + (d - self.v0) / (self.v1 - self.v0) * self._width()

    def d_of(self, x: float) -> float:
        return self.v0 + (x - GUTTER) / self._width() * (self.v1 - self.v0)

    def x_of(self, t: float) -> float:
        return self.x_of_d(self.timemap.to_display(t))

    def t_of(self, x: float) -> float:
        return self.timemap.to_real(self.d_of(x))

    def lane_at(self, y: float) -> int:
        if y < AXIS_H:
            return -1
        lane = int((y - AXIS_H + self.y_off) // LANE_H)
        return lane if 0 <= lane < len(self.timeline.lanes) else -1

    # -- painting --------------------------------------------------------------------------------
    def paintEvent(self, event: Any) -> None:
        p = QPainter(self)
        clip = event.rect()
        p.fillRect(clip, self.palette().base())
        tl = self.timeline
        tm = self.timemap
        y_off = self.y_off
        shown = self.visible_lanes()
        first = max(shown.start, (max(clip.top(), AXIS_H) - AXIS_H + y_off) // LANE_H)
        last = min(shown.stop - 1, (clip.bottom() - AXIS_H + y_off) // LANE_H)
        p.setClipRect(QRectF(0, AXIS_H, self.width(), self._lanes_height()))
        r0, r1 = tm.to_real(self.v0), tm.to_real(self.v1)  # the visible real-time span
        scale = self._width() / (self.v1 - self.v0)
        v0, to_d = self.v0, tm.to_display
        if tm:
            def xof(t: float) -> float:
                return GUTTER + (to_d(t) - v0) * scale
        else:
            def xof(t: float) -> float:
                return GUTTER + (t - v0) * scale
        text_color = self.palette().text().color()
        base = self.palette().base()
        # lanes
        for lane in range(first, last + 1):
            y = AXIS_H + lane * LANE_H - y_off
            if lane % 2:
                p.fillRect(0, y, self.width(), LANE_H, palette.LANE_STRIPE)
            p.setPen(text_color)
            p.drawText(QRectF(4, y, GUTTER - 8, LANE_H), int(Qt.AlignmentFlag.AlignVCenter), tl.lanes[lane])
        # intervals (visible lanes and span only, found by bisection in display coordinates), in
        # whole pixel columns (see bar_columns), gathered with numpy, not per interval: bars of a
        # colour that overlap or touch in a lane are one span, so at most one per pixel column, lane
        # and colour whatever the zoom. Many are drawn as one image (raster_layer), a few as
        # rectangles; both give the pixels one QRectF per interval gave (tests/gui/test_timeline_paint).
        v1 = self.v1
        layout = self.frame_layout(first, last, v0, v1, scale)
        self.painted_intervals = layout.drawn
        self.painted_lanes = max(0, last - first + 1)
        if layout.size() < RASTER_FROM:  # a few rectangles: QPainter draws them faster than a layer
            bars, halos, marks = layout.rects(AXIS_H + first * LANE_H - y_off)
            p.setPen(Qt.PenStyle.NoPen)
            for ci, rects in bars:
                p.setBrush(self._colors[ci])
                p.drawRects(rects)
            # Run ends on top (KILLED / FAILED / SUCCEEDED are instants): a bar across the lane with a
            # square cap, haloed in the base colour so a run starting right after does not hide it.
            if halos:
                p.setBrush(base)
                p.drawRects(halos)
            for ci, rects in marks:
                p.setBrush(self._colors[ci])
                p.drawRects(rects)
        else:  # the same pixels as one image
            block = raster_layer(layout, last - first + 1, self.width(), self._colors, base.color())
            image = QImage(block.data, block.shape[2], block.shape[0] * LANE_H, block.shape[2] * 4,
                           QImage.Format.Format_ARGB32_Premultiplied)
            p.drawImage(QPoint(0, AXIS_H + first * LANE_H - y_off), image)
            del image  # before ``block``, whose memory it uses
        # markers (pen and brush set only when the colour changes: the drawing order is kept)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        current: QColor | None = None
        if last >= first:
            _ds, _de, _colors, _is_end, _lanes, mt, md, mcolors, mlanes = self._window(first, last)
            shown_mk = np.flatnonzero((mt >= r0) & (mt <= r1)).tolist()  # by lane, then time (sorted)
            xs = (GUTTER + (md[shown_mk] - v0) * scale).tolist()
            yms = (mlanes[shown_mk] * LANE_H + (AXIS_H + first * LANE_H - y_off + LANE_H / 2)).tolist()
            for k, x, ym in zip(shown_mk, xs, yms, strict=True):
                color = mcolors[k]
                if color is not current:
                    current = color
                    p.setPen(color.darker(130))
                    p.setBrush(color)
                p.drawPolygon(_DIAMOND.translated(x, ym))  # the same floats as the corners computed here
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        # collapsed idle stretches: a band with a break marker (two slanted strokes)
        if tm:
            top = max(AXIS_H, clip.top())
            bottom = min(AXIS_H + len(tl.lanes) * LANE_H - y_off, clip.bottom() + 1)
            self._paint_gaps(p, top, bottom, text_color)
        # axis: ticks per uncollapsed stretch, in real time (over the lanes: it never scrolls away)
        p.setClipping(False)
        p.fillRect(0, 0, self.width(), AXIS_H, self.palette().window())
        p.setPen(text_color)
        step = _nice_step((self.v1 - self.v0) / max(1, (self.width() - GUTTER) / 110))
        fmt = "%H:%M:%S" if step >= 1 else "%H:%M:%S.%f"
        last_x = -1e9
        for s0, s1 in (tm.segments(r0, r1) if tm else [(r0, r1)]):
            t = (s0 // step + 1) * step
            while t < s1:
                x = xof(t)
                if x - last_x >= 100:
                    p.drawLine(int(x), AXIS_H - 5, int(x), AXIS_H)
                    label = datetime.fromtimestamp(t).strftime(fmt)[:12 if step < 1 else 8]
                    p.drawText(QRectF(x - 50, 0, 100, AXIS_H - 5), int(Qt.AlignmentFlag.AlignCenter), label)
                    last_x = x
                t += step
        if tm:  # the break marks over the axis too
            p.setPen(QPen(text_color, 1.5))
            bands = self._bands()
            mid = (bands[:, 0] + bands[:, 1]) / 2
            on = (self.v0 <= mid) & (mid <= self.v1)
            w, span = self._width(), self.v1 - self.v0
            xs = (GUTTER + (bands[on] - self.v0) / span * w).tolist()  # x_of_d of each end
            for xa, xb in xs:
                xm = (xa + xb) / 2
                if xm < GUTTER + 7:
                    continue  # over the names' column: as in the lanes, no mark
                for dx in (-3, 3):
                    p.drawLine(QLineF(xm + dx - 4, AXIS_H - 2, xm + dx + 4, 4))
        if not tl.intervals:  # nothing has run yet: say so rather than show bare lanes
            p.setPen(palette.TEXT_MUTED)
            p.drawText(QRectF(GUTTER, AXIS_H, self.width() - GUTTER, max(LANE_H * len(tl.lanes), 3 * LANE_H)),
                       int(Qt.AlignmentFlag.AlignCenter),
                       self.tr("No pod has run yet: each instance's lane fills in as its pods change state."))
        if self.hasFocus() and 0 <= self.current_lane < len(tl.lanes):  # where the keyboard is
            pen = QPen(self.palette().highlight().color(), 2)
            p.setPen(pen)
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(QRectF(1, AXIS_H + self.current_lane * LANE_H + 1, self.width() - 3, LANE_H - 2))
        self.paints += 1
        p.end()

    def _paint_gaps(self, p: QPainter, top: int, bottom: int, text_color: QColor) -> None:
        """The collapsed stretches on screen over the lanes' rows ``top``..``bottom``: each a band
        (at least 3 px wide), then per band its break marker's two strokes and its dashed edges."""
        bands = self._bands()
        seen = (bands[:, 1] >= self.v0) & (bands[:, 0] <= self.v1)
        if not seen.any():
            return
        w = self._width()
        xa_arr = GUTTER + (bands[seen, 0] - self.v0) / (self.v1 - self.v0) * w
        xb_arr = GUTTER + (bands[seen, 1] - self.v0) / (self.v1 - self.v0) * w
        # The fills: the columns QPainter fills for QRectF(a, top, max(3, b - a), bottom - top),
        # blended from a pre-filled image of the band colour (the same pixels, tested). QPainter's
        # own fill of a rectangle that tall and translucent hands its rows to Qt's GUI thread pool
        # and waits for it: per band and frame, a wait far longer than the fill on a busy machine.
        if bottom > top:
            c0, c1 = bar_columns(xa_arr, np.maximum(3.0, xb_arr - xa_arr))
            tile = self._band_tile()  # at least bottom - top tall: the rows painted lie in the lanes' area
            # from the lane names' edge on, as the bars: a band reaching past the left end of the
            # span must not grey the names
            for a, b in zip(np.maximum(c0, GUTTER).tolist(), np.minimum(c1, self.width()).tolist(), strict=True):
                if b > a:
                    p.drawImage(a, top, tile, 0, 0, b - a, bottom - top)
        # one call per stroke: drawLines strokes a wide pen otherwise than separate lines do
        p.setPen(QPen(text_color, 1.5))
        edge = self._dash_column(top, bottom)
        xms = ((xa_arr + xb_arr) / 2).tolist()
        # the dashed edges: the column a dashed drawLine at x fills, stamped at floor(x)
        fa, fb = np.floor(xa_arr).astype(np.int64).tolist(), np.floor(xb_arr).astype(np.int64).tolist()
        for xm, a, b in zip(xms, fa, fb, strict=True):
            if xm >= GUTTER + 7:  # (a mark or an edge left of the span would stand over the names)
                for dx in (-3, 3):
                    p.drawLine(QLineF(xm + dx - 4, AXIS_H + 2, xm + dx + 4, AXIS_H - 12))
            for x in (a, b):
                if x >= GUTTER:
                    p.drawImage(x, 0, edge)

    def _lane_cache(self, lane: int) -> tuple[Any, ...]:
        """A lane's intervals in display time (numpy), their colours and run-end flags; rebuilt
        when the timeline or the time map changes, for the lanes painted."""
        of = self._cache_of
        if of is None or of[0] is not self.timeline or of[1] is not self.timemap:
            self._lanes_cache.clear()
            self._markers_cache.clear()
            self._window_of = None
            self._cache_of = (self.timeline, self.timemap)
        c = self._lanes_cache.get(lane)
        if c is None:
            ivs = self.timeline.lane_intervals(lane)
            ds = self._display_times(np.array([iv.start for iv in ivs], dtype=float))
            de = self._display_times(np.array([iv.end for iv in ivs], dtype=float))
            maxend = np.maximum.accumulate(de) if len(de) else de
            fallback = len(_IV_COLORS) - 1
            colors = np.array([_IV_COLOR_INDEX.get(iv.state, fallback) for iv in ivs], dtype=np.int64)
            c = (ds, de, maxend, colors, np.array([iv.state in RUN_ENDS for iv in ivs], dtype=bool))
            self._lanes_cache[lane] = c
        return c

    def frame_layout(self, first: int, last: int, v0: float, v1: float, scale: float) -> FrameLayout:
        """The intervals of lanes ``first``..``last`` for the span ``v0``..``v1`` (display time) at
        ``scale`` pixels per display second, in pixel columns: a bar covers the columns QPainter would
        fill for its QRectF (at least 2 px wide), bars of one colour that overlap or touch in a lane
        are one span, and coinciding run-end marks of a colour are one mark."""
        out = FrameLayout()
        if last < first:
            return out
        ds, de, colors, is_end, lanes = self._window(first, last)[:5]
        # what the per-lane bisection found (each lane's starts are sorted): the intervals that end
        # at or after v0 and start at or before v1, lane by lane in start order
        idx = np.flatnonzero((de >= v0) & (ds <= v1))
        out.drawn = len(idx)
        s0, s1 = ds[idx], de[idx]
        xs0 = GUTTER + (np.maximum(s0, v0) - v0) * scale
        ws = np.maximum(2.0, GUTTER + (np.minimum(s1, v1) - v0) * scale - xs0)
        end = is_end[idx]
        col_all, lane_all = colors[idx], lanes[idx]
        bar = ~end
        if bar.any():
            col = col_all[bar]
            c0, c1 = bar_columns(xs0[bar], ws[bar])
            key, c0, c1 = merge_spans(col * _BIG + lane_all[bar], c0, c1)  # colour, then lane
            kcol, klane = key // _BIG, key % _BIG
            for ci in _first_seen(col):
                m = kcol == ci
                out.bars.append((ci, klane[m], c0[m], c1[m]))
        mark = end & (s0 >= v0)
        if mark.any():
            ecol, elane, ec = col_all[mark], lane_all[mark], bar_columns(xs0[mark], ws[mark])[0]
            for ci in _first_seen(ecol):
                spots = np.unique((elane * _BIG + ec)[ecol == ci])  # a lane's marks in one column: once
                out.marks.append((ci, spots // _BIG, spots % _BIG))
        return out

    def _window(self, first: int, last: int) -> tuple[Any, ...]:
        """The caches of lanes ``first``..``last`` end to end, kept while those lanes are the ones on
        screen (a pan or zoom reuses them): interval display starts, ends, colour indexes, run-end
        flags and lanes (counted from ``first``), then marker real and display times, colours and lanes."""
        self._lane_cache(first)  # drops the window too when the timeline or the time map changed
        if self._window_of != (first, last):
            ivs = [self._lane_cache(lane) for lane in range(first, last + 1)]
            mks = [self._marker_cache(lane) for lane in range(first, last + 1)]
            rel = np.arange(last - first + 1, dtype=np.int64)
            self._window_arrs = (
                *(np.concatenate([c[k] for c in ivs]) for k in (0, 1, 3, 4)),
                np.repeat(rel, [len(c[0]) for c in ivs]),
                np.concatenate([m[0] for m in mks]), np.concatenate([m[1] for m in mks]),
                [color for m in mks for color in m[2]], np.repeat(rel, [len(m[0]) for m in mks]))
            self._window_of = (first, last)
        return self._window_arrs

    def _marker_cache(self, lane: int) -> tuple[np.ndarray, np.ndarray, list[QColor]]:
        """A lane's markers: real times, display times (numpy) and colours; dropped with the lane cache."""
        self._lane_cache(lane)  # clears both when the timeline or the time map changed
        c = self._markers_cache.get(lane)
        if c is None:
            self.timeline._ensure_index()
            mks = self.timeline._lane_mk[lane]
            mt = np.array([m.t for m in mks], dtype=float)
            c = (mt, self._display_times(mt),
                 [WORKFLOW_STATE_COLORS.get(m.state, palette.TEXT_SECONDARY) for m in mks])
            self._markers_cache[lane] = c
        return c

    def _dash_column(self, top: int, bottom: int) -> QImage:
        """One pixel column as ``drawLine(QPointF(x, top), QPointF(x, bottom))`` with the gap edge's
        dashed pen fills it at any x in [c, c + 1) (the dashes start at ``top``): stamped at each band
        edge instead of stroking a dash pattern per edge and frame (tests/gui/test_timeline_paint)."""
        key = (top, bottom, self._lanes_height(), palette.GAP_EDGE.rgba())
        if self._dash_of != key:
            img = QImage(3, bottom + 2, QImage.Format.Format_ARGB32_Premultiplied)
            img.fill(0)
            q = QPainter(img)
            q.setClipRect(QRectF(0, AXIS_H, 3, self._lanes_height()))
            q.setPen(QPen(palette.GAP_EDGE, 1, Qt.PenStyle.DashLine))
            q.drawLine(QPointF(1, top), QPointF(1, bottom))
            q.end()
            self._dash_of, self._dash_img = key, img.copy(1, 0, 1, bottom + 2)
        return self._dash_img

    def _band_tile(self) -> QImage:
        """An image of the gap band's colour as large as the lane area (kept while its size and the
        colour stay): a band's fill is a part of it blended in."""
        key = (self.width(), self._lanes_height(), palette.GAP_BAND.rgba())
        if self._band_tile_of != key:
            img = QImage(key[0], key[1], QImage.Format.Format_ARGB32_Premultiplied)
            img.fill(palette.GAP_BAND)
            self._band_tile_of, self._band_tile_img = key, img
        return self._band_tile_img

    def _bands(self) -> np.ndarray:
        """The time map's collapsed bands (display time) as an (n, 2) array, kept per time map."""
        if self._bands_of is not self.timemap:
            self._bands_of = self.timemap
            self._bands_arr = np.array(self.timemap.bands(), dtype=float).reshape(-1, 2)
            self._gaps_arr = np.array(self.timemap.gaps, dtype=float).reshape(-1, 2)
        return self._bands_arr

    def _display_times(self, t: np.ndarray) -> np.ndarray:
        """The time map's display times of the real times ``t`` (see ``_display_times``)."""
        bands = self._bands()
        return _display_times(self.timemap, t, self._gaps_arr, bands)

    # -- interaction -----------------------------------------------------------------------------
    def wheelEvent(self, event: Any) -> None:
        over_names = event.position().x() < GUTTER
        if over_names or event.modifiers() & Qt.KeyboardModifier.ShiftModifier:  # through the lanes
            delta = event.angleDelta().y() or event.angleDelta().x()
            self.vbar.setValue(self.vbar.value() - int(delta / 120 * 3 * LANE_H))
            return
        factor = 0.8 if event.angleDelta().y() > 0 else 1.25
        d = self.d_of(event.position().x())
        self.v0 = d - (d - self.v0) * factor
        self.v1 = d + (self.v1 - d) * factor
        self.update_span()

    def mousePressEvent(self, event: Any) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._drag = (event.position().x(), self.v0, self.v1)
            lane = self.lane_at(event.position().y())
            if lane > 0:
                self.instanceClicked.emit(self.timeline.instances[lane])

    def mouseMoveEvent(self, event: Any) -> None:
        if self._drag is not None and event.buttons() & Qt.MouseButton.LeftButton:
            x, v0, v1 = self._drag
            dt = (event.position().x() - x) / self._width() * (v1 - v0)
            self.v0, self.v1 = v0 - dt, v1 - dt
            self.update_span()
            return
        text = self.describe_at(event.position().x(), event.position().y())
        if text:
            QToolTip.showText(event.globalPosition().toPoint(), text, self)
        else:
            QToolTip.hideText()

    def mouseReleaseEvent(self, _event: Any) -> None:
        self._drag = None

    def mouseDoubleClickEvent(self, _event: Any) -> None:
        self.fit()

    def keyPressEvent(self, event: Any) -> None:
        key = event.key()
        span = self.v1 - self.v0
        if key == Qt.Key.Key_F:
            self.fit()
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.v0, self.v1 = self.v0 + span * 0.1, self.v1 - span * 0.1
        elif key == Qt.Key.Key_Minus:
            self.v0, self.v1 = self.v0 - span * 0.125, self.v1 + span * 0.125
        elif key == Qt.Key.Key_Left:
            self.v0, self.v1 = self.v0 - span * 0.1, self.v1 - span * 0.1
        elif key == Qt.Key.Key_Right:
            self.v0, self.v1 = self.v0 + span * 0.1, self.v1 + span * 0.1
        elif key == Qt.Key.Key_PageDown:
            self.vbar.setValue(self.vbar.value() + self.vbar.pageStep())
        elif key == Qt.Key.Key_PageUp:
            self.vbar.setValue(self.vbar.value() - self.vbar.pageStep())
        elif key == Qt.Key.Key_Home:
            self.vbar.setValue(0)
        elif key == Qt.Key.Key_End:
            self.vbar.setValue(self.vbar.maximum())
        elif key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and self.timeline.lanes:
            step = -1 if key == Qt.Key.Key_Up else 1
            self.current_lane = max(0, min(len(self.timeline.lanes) - 1, self.current_lane + step))
            self.setToolTip(self.describe_lane(self.current_lane))
            self.setAccessibleDescription(self.describe_lane(self.current_lane))
            self.scroll_to_lane(self.current_lane)
            self.update()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and 0 < self.current_lane < len(self.timeline.lanes):
            self.instanceClicked.emit(self.timeline.instances[self.current_lane])
        else:
            super().keyPressEvent(event)
            return
        self.update_span()

    def focusInEvent(self, event: Any) -> None:
        super().focusInEvent(event)
        self.update()  # the keyboard's lane shows while focused

    def focusOutEvent(self, event: Any) -> None:
        super().focusOutEvent(event)
        self.update()

    def describe_lane(self, lane: int) -> str:
        """What the keyboard's lane holds, in words (its name and its latest state)."""
        if not 0 <= lane < len(self.timeline.lanes):
            return ""
        last = list(self.timeline.visible_intervals(lane, self.timeline.t0, self.timeline.t1))
        state = last[-1].state if last else ""
        return f"{self.timeline.lanes[lane]} {state}".strip()

    def describe_at(self, x: float, y: float) -> str:
        lane = self.lane_at(y)
        if lane < 0 or x < GUTTER:
            return ""
        tm = self.timemap
        d = self.d_of(x)
        tol = 6 / self._width() * (self.v1 - self.v0)  # display seconds
        r0, r1 = tm.to_real(d - tol), tm.to_real(d + tol)
        for m in self.timeline.visible_markers(lane, r0, r1):
            return f"{datetime.fromtimestamp(m.t):%H:%M:%S.%f}"[:-3] + f"  {m.state}\n{m.label}"
        for iv in self.timeline.visible_intervals(lane, r0, r1):
            length = iv.end - iv.start
            return self.tr("{0} · {1}\n{2} for {3:.2f} s from {4:%H:%M:%S}").format(
                self.timeline.lanes[lane], iv.pod_id, iv.state, length, datetime.fromtimestamp(iv.start)
            ) + (f"\n{iv.detail}" if iv.detail else "")
        for b0, b1 in tm.bands():
            if b0 <= d <= b1:
                s, e = tm.gaps[tm.bands().index((b0, b1))]
                return self.tr("idle for {0:.1f} s (collapsed)").format(e - s)
        return ""


def _nice_step(raw: float) -> float:
    for step in (0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 43200, 86400):
        if step >= raw:
            return float(step)
    return 86400.0 * max(1, round(raw / 86400))
