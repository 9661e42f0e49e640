"""TimelineView: the job's workflows on a shared time axis (a first version).

Lane 0 carries the job-level workflow events (diamonds, coloured by workflow state); one lane per
instance shows its pod-state intervals (coloured by pod state) and its instance events.  Only the
lanes and the time span on screen are drawn.  Wheel zooms around the pointer, drag pans, F or a
double-click fits, hovering shows the interval or event under the pointer, and a click on an
instance lane emits ``instanceClicked`` (the detail selects that pod).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPolygonF
from PySide6.QtWidgets import QToolTip, QWidget

from console.models.palette import WORKFLOW_STATE_COLORS
from console.models.pods_table import POD_STATE_COLORS
from console.models.timeline import Timeline

LANE_H = 18
GUTTER = 96
AXIS_H = 22
RUN_ENDS = frozenset({"SUCCEEDED", "FAILED", "KILLED", "LOST", "DELETED"})


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
        self._update_height()

    def set_timeline(self, timeline: Timeline, fit: bool = True) -> None:
        """New data. Unless ``fit``, the zoom stays; a view that showed the live end keeps showing it."""
        old = self.timeline
        at_end = self.v1 >= old.t1
        self.timeline = timeline
        if fit or self.v1 <= self.v0 or not old.intervals:
            self.fit()
        elif at_end:
            self.v1 = timeline.t1 + (timeline.t1 - self.v0) * 0.02  # grows live
        self._update_height()
        self.update()

    def _update_height(self) -> None:
        self.setMinimumHeight(AXIS_H + LANE_H * max(1, len(self.timeline.lanes)) + 4)

    def fit(self) -> None:
        span = max(self.timeline.t1 - self.timeline.t0, 1e-3)
        self.v0, self.v1 = self.timeline.t0 - span * 0.02, self.timeline.t1 + span * 0.02
        self.update()

    # -- mapping ---------------------------------------------------------------------------------
    def x_of(self, t: float) -> float:
        width = max(1, self.width() - GUTTER - 8)
        return GUTTER + (t - self.v0) / (self.v1 - self.v0) * width

    def t_of(self, x: float) -> float:
        width = max(1, self.width() - GUTTER - 8)
        return self.v0 + (x - GUTTER) / width * (self.v1 - self.v0)

    def lane_at(self, y: float) -> int:
        lane = int((y - AXIS_H) // LANE_H)
        return lane if 0 <= lane < len(self.timeline.lanes) else -1

    # -- painting --------------------------------------------------------------------------------
    def paintEvent(self, event: Any) -> None:
        p = QPainter(self)
        clip = event.rect()
        p.fillRect(clip, self.palette().base())
        tl = self.timeline
        first = max(0, (clip.top() - AXIS_H) // LANE_H)
        last = min(len(tl.lanes) - 1, (clip.bottom() - AXIS_H) // LANE_H + 1)
        # lanes
        for lane in range(first, last + 1):
            y = AXIS_H + lane * LANE_H
            if lane % 2:
                p.fillRect(0, y, self.width(), LANE_H, QColor(0, 0, 0, 10))
            p.setPen(self.palette().text().color())
            p.drawText(QRectF(4, y, GUTTER - 8, LANE_H), int(Qt.AlignmentFlag.AlignVCenter), tl.lanes[lane])
        # intervals (visible lanes and span only)
        drawn = 0
        for iv in tl.intervals:
            if iv.lane < first or iv.lane > last or iv.end < self.v0 or iv.start > self.v1:
                continue
            x0, x1 = self.x_of(max(iv.start, self.v0)), self.x_of(min(iv.end, self.v1))
            color = POD_STATE_COLORS.get(iv.state, QColor("#9ca3af"))
            y = AXIS_H + iv.lane * LANE_H + 3
            p.fillRect(QRectF(x0, y, max(2.0, x1 - x0), LANE_H - 6), color)
            drawn += 1
        self.painted_intervals = drawn
        # Run ends on top (KILLED / FAILED / SUCCEEDED are instants; the next run would hide them).
        for iv in tl.intervals:
            if iv.state not in RUN_ENDS or iv.lane < first or iv.lane > last or not (self.v0 <= iv.start <= self.v1):
                continue
            x = self.x_of(iv.start)
            y = AXIS_H + iv.lane * LANE_H + 1
            p.fillRect(QRectF(x - 2, y, 5, LANE_H - 2), self.palette().base())
            p.fillRect(QRectF(x - 1, y, 3, LANE_H - 2), POD_STATE_COLORS.get(iv.state, QColor("#374151")))
        # markers
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        for m in tl.markers:
            if m.lane < first or m.lane > last or not (self.v0 <= m.t <= self.v1):
                continue
            x, y = self.x_of(m.t), AXIS_H + m.lane * LANE_H + LANE_H / 2
            color = WORKFLOW_STATE_COLORS.get(m.state, QColor("#374151"))
            p.setPen(color.darker(130))
            p.setBrush(color)
            p.drawPolygon(QPolygonF([QPointF(x, y - 5), QPointF(x + 5, y), QPointF(x, y + 5), QPointF(x - 5, y)]))
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        # axis
        p.fillRect(0, 0, self.width(), AXIS_H, self.palette().window())
        p.setPen(self.palette().text().color())
        span = self.v1 - self.v0
        step = _nice_step(span / max(1, (self.width() - GUTTER) / 110))
        t = (self.v0 // step + 1) * step
        while t < self.v1:
            x = self.x_of(t)
            p.drawLine(int(x), AXIS_H - 5, int(x), AXIS_H)
            fmt = "%H:%M:%S" if step >= 1 else "%H:%M:%S.%f"
            label = datetime.fromtimestamp(t).strftime(fmt)[:12 if step < 1 else 8]
            p.drawText(QRectF(x - 50, 0, 100, AXIS_H - 5), int(Qt.AlignmentFlag.AlignCenter), label)
            t += step
        p.end()

    # -- interaction -----------------------------------------------------------------------------
    def wheelEvent(self, event: Any) -> None:
        factor = 0.8 if event.angleDelta().y() > 0 else 1.25
        t = self.t_of(event.position().x())
        self.v0 = t - (t - self.v0) * factor
        self.v1 = t + (self.v1 - t) * factor
        self.update()

    def mousePressEvent(self, event: Any) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._drag = (event.position().x(), self.v0, self.v1)
            lane = self.lane_at(event.position().y())
            if lane > 0:
                self.instanceClicked.emit(self.timeline.instances[lane])

    def mouseMoveEvent(self, event: Any) -> None:
        if self._drag is not None and event.buttons() & Qt.MouseButton.LeftButton:
            x, v0, v1 = self._drag
            dt = (event.position().x() - x) / max(1, self.width() - GUTTER - 8) * (v1 - v0)
            self.v0, self.v1 = v0 - dt, v1 - dt
            self.update()
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
        else:
            super().keyPressEvent(event)
            return
        self.update()

    def describe_at(self, x: float, y: float) -> str:
        lane = self.lane_at(y)
        if lane < 0 or x < GUTTER:
            return ""
        t = self.t_of(x)
        tol = 6 / max(1, self.width() - GUTTER) * (self.v1 - self.v0)
        for m in self.timeline.markers:
            if m.lane == lane and abs(m.t - t) <= tol:
                return f"{datetime.fromtimestamp(m.t):%H:%M:%S.%f}"[:-3] + f"  {m.state}\n{m.label}"
        for iv in self.timeline.intervals:
            if iv.lane == lane and iv.start - tol <= t <= iv.end + tol:
                length = iv.end - iv.start
                return (f"{self.timeline.lanes[lane]} · {iv.pod_id}\n{iv.state} for {length:.2f} s "
                        f"from {datetime.fromtimestamp(iv.start):%H:%M:%S}" + (f"\n{iv.detail}" if iv.detail else ""))
        return ""


def _nice_step(raw: float) -> float:
    for step in (0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 43200, 86400):
        if step >= raw:
            return float(step)
    return 86400.0 * max(1, round(raw / 86400))
