"""ProgressChart: live progress of one job from WatchJob (pyqtgraph).

Plots on a shared time axis:
  - burn-up: successful / failed / remaining items, and a dashed ETA projection of processed items;
  - throughput: items per second, smoothed;
  - failed instances against the job's tolerated limit (max_failed_instances);
  - the current rolling workflow (RESTART / UPDATE): instances completed / remaining / failed —
    shown once a WatchJob sample carries such a workflow.
Samples go into ProgressSeries (preallocated numpy buffers that double); a ~30 Hz QTimer redraws
only when the series changed and the chart is visible and not paused — never once per message.

Cost (bench/charts.py): the curves get only what is on screen, clipped to the visible time span and
reduced to a min/max pair per pixel column here (``decimate``; exact for the monotone burn-up), so
a chart with hours of history hands pyqtgraph ~2 points per pixel instead of every sample; and the
curves are redrawn at most once per time step that moves them a pixel (at most once a second) —
a 2 h chart does not repaint 4×/s for sub-pixel changes.  Axes, titles and legends are cached as
pixmaps (their text is most of a repaint).  Pens are width 1 without antialiasing.

Signals:
    sampled(): a WatchJob message was recorded (tests and the status line use it).
"""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGraphicsItem,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from console.i18n import QT_TRANSLATE_NOOP
from console.models import palette
from console.models.progress_series import ProgressSeries
from console.tasks import WidgetTasks
from pelorus.api import job_pb2, workflow_pb2
from pelorus.errors import ClientError

PERIODS = ((0.25, "250 ms"), (0.5, "500 ms"), (1.0, "1 s"), (2.0, "2 s"), (5.0, "5 s"), (10.0, "10 s"),
           (30.0, "30 s"), (50.0, "50 s"))
REDRAW_MS = 33
MAX_CURVE_GAP = 1.0  # seconds: the longest a visible change waits for a redraw
ROLLING = frozenset({workflow_pb2.WORKFLOW_TYPE_RESTART, workflow_pb2.WORKFLOW_TYPE_UPDATE})
GRID = False  # pyqtgraph draws the grid with the axes, which then repaint (text too) with every curve update
SUMMARY_EVERY = 0.5
BACKGROUND_PERIOD = 10.0
HOVER_HINT = QT_TRANSLATE_NOOP("ProgressChart", "Hover a chart to read its values; drag or wheel to pan and zoom "
                                                "time (right-click: more).")
#: Each curve in the colour of the state it counts toward (palette.py).
CURVE_STATES = (
    ("successful", "SUCCEEDED"), ("failed", "FAILED"), ("remaining", "INITIALIZED"), ("eta", "RUNNING"),
    ("throughput", "RUNNING"), ("instances_failed", "FAILED"), ("limit", "PENDING"),
    ("wf_done", "SUCCEEDED"), ("wf_remaining", "INITIALIZED"), ("wf_failed", "FAILED"))
COLORS = {name: palette.state_color(state).name() for name, state in CURVE_STATES}  # the theme's (apply_theme)
SERIES_CURVES = ("successful", "failed", "remaining", "throughput", "instances_failed")
WORKFLOW_CURVES = ("wf_done", "wf_remaining", "wf_failed")
TERMINAL = (job_pb2.JOB_STATE_SUCCEEDED, job_pb2.JOB_STATE_FAILED, job_pb2.JOB_STATE_KILLED,
            job_pb2.JOB_STATE_DELETED)

pg.setConfigOptions(antialias=False, useOpenGL=False, background=palette.CHART_BACKGROUND,
                    foreground=palette.CHART_FOREGROUND)


def _pen(color: str, dashed: bool = False) -> Any:
    pen = pg.mkPen(color=color, width=1)
    if dashed:
        pen.setStyle(Qt.PenStyle.DashLine)
    return pen


def nice_ceiling(value: float) -> float:
    """The next round step at or above ``value`` (axis ranges move in steps, not every sample)."""
    if value <= 0:
        return 1.0
    exp = math.floor(math.log10(value))
    for m in (1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0):
        if m * 10.0**exp >= value:
            return m * 10.0**exp
    return 10.0 ** (exp + 1)


def decimate(t: np.ndarray, columns: list[np.ndarray], x0: float, x1: float,
             buckets: int) -> tuple[np.ndarray, list[np.ndarray]]:
    """The samples within [x0, x1] (plus one either side), reduced to a (first, last) time and a
    (min, max) value per bucket when there are more than two per bucket; the newest samples that do
    not fill a bucket stay as they are, so the curve's tip is exact."""
    n = len(t)
    lo = max(0, int(np.searchsorted(t, x0, "left")) - 1)
    hi = min(n, int(np.searchsorted(t, x1, "right")) + 1)
    m = hi - lo
    buckets = max(1, buckets)
    if m <= 2 * buckets:
        return t[lo:hi], [c[lo:hi] for c in columns]
    k = (m - 1) // buckets  # the newest sample never goes into a bucket
    b = (m - 1) // k
    cut = lo + b * k
    tb = t[lo:cut].reshape(b, k)
    t_out = np.concatenate((np.column_stack((tb[:, 0], tb[:, -1])).ravel(), t[cut:hi]))
    out = []
    for c in columns:
        cb = c[lo:cut].reshape(b, k)
        out.append(np.concatenate((np.column_stack((cb.min(axis=1), cb.max(axis=1))).ravel(), c[cut:hi])))
    return t_out, out


def fmt_duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    s = round(seconds)
    h, rem = divmod(s, 3600)
    m, s = divmod(rem, 60)
    return f"{h}h {m:02d}m {s:02d}s" if h else (f"{m}m {s:02d}s" if m else f"{s}s")


class ProgressChart(QWidget):
    sampled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("progressChart")
        self.series = ProgressSeries()
        self._tasks = WidgetTasks("progress chart", show=self._show_task_error)
        self._drawn_revision = -1
        self.redraws = 0
        self.samples = 0
        self.period = 1.0
        self.state_name = ""
        self.workflow: Any = None  # the latest WorkflowStatus
        self.run = 0  # the job run the series shows (Progress.run; 0 from engines that do not say)
        self.reporting = (0, 0)  # (instances that reported progress, instances) of that run
        self.backfilled = 0  # samples taken from the engine's stored history when the stream began
        self.background = False  # hidden / minimised: stream at BACKGROUND_PERIOD at most
        self._client: Any = None
        self._closed = False
        self._job_id = ""
        #: Set by a window that follows the job's state from the jobs feed (the job detail): the
        #: summary then shows that state, never an older one from the last WatchJob sample.
        self.state_from_feed = False

        self.period_box = QComboBox()
        self.period_box.setAccessibleName(self.tr("Update period"))
        self.period_box.setObjectName("progressPeriod")
        for seconds, label in PERIODS:
            self.period_box.addItem(label, seconds)
        self.period_box.setCurrentIndex(2)
        self.period_box.setToolTip(self.tr("How often the engine sends progress (WatchJob update period)"))
        self.pause_button = QToolButton()
        self.pause_button.setObjectName("progressPause")
        self.pause_button.setText(self.tr("Pause"))
        self.pause_button.setCheckable(True)
        self.fit_button = QToolButton()
        self.fit_button.setObjectName("progressFit")
        self.fit_button.setText(self.tr("Fit"))
        self.fit_button.setToolTip(self.tr("Show the whole run again after zooming or panning"))
        self.png_button = QToolButton()
        self.png_button.setText(self.tr("Export PNG…"))
        self.csv_button = QToolButton()
        self.csv_button.setText(self.tr("Export CSV…"))
        self.summary = QLabel("")
        self.summary.setObjectName("progressSummary")
        # Its text changes with every sample: a fixed-policy label does not relayout the chart each time.
        self.summary.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.summary.setMinimumWidth(200)
        self._summary_at = 0.0
        self.crosshair_label = QLabel(self.tr(HOVER_HINT))
        self.crosshair_label.setObjectName("progressCrosshair")
        self.crosshair_label.setStyleSheet(f"color:{palette.css(palette.CHART_FOREGROUND)}; font-family: monospace;")
        self.crosshair_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)

        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(QLabel(self.tr("Update every")))
        bar.addWidget(self.period_box)
        bar.addWidget(self.pause_button)
        bar.addWidget(self.fit_button)
        bar.addSpacing(12)
        bar.addWidget(self.summary, 1)
        bar.addWidget(self.png_button)
        bar.addWidget(self.csv_button)

        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setObjectName("progressGraphics")
        self.burnup = self.graphics.addPlot(row=0, col=0, title=self.tr("Items (burn-up)"))
        self.rate_plot = self.graphics.addPlot(row=1, col=0, title=self.tr("Throughput (items/s, smoothed)"))
        self.fail_plot = self.graphics.addPlot(row=2, col=0, title=self.tr("Failed instances vs tolerated limit"))
        # Not in the layout until a rolling workflow shows up (a hidden layout item would keep its space).
        self.wf_plot = pg.PlotItem(title=self.tr("Current workflow: instances (rolling restart / update)"))
        self.graphics.ci.layout.setRowStretchFactor(0, 3)
        self.graphics.ci.layout.setRowStretchFactor(1, 2)
        self.graphics.ci.layout.setRowStretchFactor(2, 2)
        self.plots = (self.burnup, self.rate_plot, self.fail_plot, self.wf_plot)
        for p in self.plots:
            p.showGrid(x=GRID, y=GRID, alpha=0.15)
            p.setClipToView(True)
            p.setDownsampling(auto=True, mode="peak")
            p.setMouseEnabled(x=True, y=False)
            # Ranges are set in steps by redraw(): a sample then repaints the curves, not the axes
            # (axis text is most of a frame's cost).
            p.disableAutoRange()
            p.hideButtons()
        self.fail_plot.setLabel("bottom", self.tr("time since the run's first sample"), units="s")
        self.wf_plot.setLabel("bottom", self.tr("time since the run's first sample"), units="s")
        for p in (self.burnup, self.rate_plot):  # shared time axis: ticks (and grid) without labels
            p.getAxis("bottom").setStyle(showValues=False)
        self._user_range = False  # the operator zoomed / panned: stop fitting until Fit
        self._ranges: dict[str, float] = {}
        self.burnup.vb.sigRangeChangedManually.connect(self._on_manual_range)
        self.rate_plot.vb.sigRangeChangedManually.connect(self._on_manual_range)
        self.fail_plot.vb.sigRangeChangedManually.connect(self._on_manual_range)
        self.wf_plot.vb.sigRangeChangedManually.connect(self._on_manual_range)
        self.rate_plot.setXLink(self.burnup)
        self.fail_plot.setXLink(self.burnup)
        self.wf_plot.setXLink(self.burnup)
        for p in self.plots:  # one row, top right: out of the way of curves that start bottom left
            # on a light backing: curves and the limit line pass beneath it
            p.addLegend(offset=(-6, 2), colCount=4, labelTextSize="8pt", brush=pg.mkBrush(palette.CHART_LEGEND_BG))
            # one width for every value axis: the plots line up, and a longer tick label does not
            # resize (and relayout) the plot
            p.getAxis("left").setWidth(58)
        self._view_dirty = True  # the visible span or size changed: re-clip / re-decimate
        self._drawn_at = 0.0
        self.burnup.vb.sigXRangeChanged.connect(self._on_view_changed)
        self.burnup.vb.sigResized.connect(self._on_view_changed)
        self.wf_shown = False  # the workflow plot appears with the first rolling workflow
        self.empty_text = pg.TextItem(self.tr("No progress reported yet.\nPods report it by printing\n"
                                      "::progress successful=N failed=N remaining=N"), color=palette.TEXT_MUTED,
                                      anchor=(0.5, 0.5))
        self.empty_text.setParentItem(self.burnup.vb)  # in pixels of the plot area, not data
        self.burnup.vb.sigResized.connect(self._place_empty_text)

        def curve(plot: Any, name: str, color: str, dashed: bool = False, step: bool = False) -> Any:
            # Clipping and downsampling happen in redraw() (decimate): pyqtgraph gets what is on screen,
            # so a bare PlotCurveItem does (PlotDataItem's own clip / downsample / bounds bookkeeping
            # was most of a redraw).
            item = pg.PlotCurveItem(name=name, pen=_pen(color, dashed), skipFiniteCheck=True)
            plot.addItem(item)
            return item

        self.curves = {
            "successful": curve(self.burnup, self.tr("successful"), COLORS["successful"]),
            "failed": curve(self.burnup, self.tr("failed"), COLORS["failed"]),
            "remaining": curve(self.burnup, self.tr("remaining"), COLORS["remaining"]),
            "eta": curve(self.burnup, self.tr("ETA (processed, projected)"), COLORS["eta"], dashed=True),
            "throughput": curve(self.rate_plot, self.tr("items/s"), COLORS["throughput"]),
            "instances_failed": curve(self.fail_plot, self.tr("failed instances"), COLORS["instances_failed"]),
            "wf_done": curve(self.wf_plot, self.tr("completed"), COLORS["wf_done"]),
            "wf_remaining": curve(self.wf_plot, self.tr("remaining"), COLORS["wf_remaining"]),
            "wf_failed": curve(self.wf_plot, self.tr("failed"), COLORS["wf_failed"], dashed=True),
        }
        self.limit_line = pg.InfiniteLine(angle=0, movable=False, pen=_pen(COLORS["limit"], dashed=True),
                                          label=self.tr("limit {value:.0f}"),
                                          labelOpts={"position": 0.02, "anchors": [(0, 1), (0, 1)],
                                                     "color": COLORS["limit"]})
        self.fail_plot.addItem(self.limit_line)
        self.fail_plot.legend.addItem(
            pg.PlotDataItem(pen=_pen(COLORS["limit"], dashed=True)), self.tr("tolerated limit")
        )
        self.cross = [pg.InfiniteLine(angle=90, movable=False, pen=_pen(palette.CHART_CROSSHAIR.name()))
                      for _ in self.plots]
        for p, line in zip(self.plots, self.cross, strict=True):
            p.addItem(line, ignoreBounds=True)
            line.hide()
        self._mouse = pg.SignalProxy(self.graphics.scene().sigMouseMoved, rateLimit=30, slot=self._on_mouse)
        # Text is the expensive part of a repaint: axes, titles and legends repaint from a pixmap
        # unless they change themselves (a curve update dirties the plot area, and them with it).
        for p in self.plots:
            for name in ("left", "bottom"):
                p.getAxis(name).setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            p.titleLabel.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            if p.legend is not None:
                p.legend.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        self.workflow_label = QLabel("")
        self.workflow_label.setObjectName("progressWorkflow")
        info = QHBoxLayout()
        info.setContentsMargins(0, 0, 0, 0)
        info.addWidget(self.crosshair_label, 1)
        info.addWidget(self.workflow_label)
        layout.addLayout(info)
        layout.addWidget(self.graphics, 1)

        self.timer = QTimer(self)
        self.timer.setInterval(REDRAW_MS)
        self.timer.timeout.connect(self.redraw)  # started while shown (showEvent)
        palette.notifier().changed.connect(self.apply_theme)
        # From the keyboard: the charts take focus (a highlighted border shows it), Left / Right move
        # the read-out along time, + / - zoom time, F or Enter fit the whole run.
        self.graphics.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.graphics.setStyleSheet("QGraphicsView:focus { border: 2px solid palette(highlight); }")
        self.graphics.setAccessibleName(self.tr("Progress charts"))
        self.graphics.setAccessibleDescription(self.tr(
            "Items, throughput and failed instances over time. Left and Right read the values at a time, "
            "plus and minus zoom, F or Enter fit the whole run."))
        self.graphics.installEventFilter(self)
        self.key_x: float | None = None  # the keyboard's read-out time
        self.period_box.currentIndexChanged.connect(self._on_period)
        self.pause_button.toggled.connect(self.set_paused)
        self.fit_button.clicked.connect(self.fit)
        self.png_button.clicked.connect(lambda: self._ask_path(self.tr("PNG image (*.png)"), "png", self.export_png))
        self.csv_button.clicked.connect(lambda: self._ask_path(self.tr("CSV (*.csv)"), "csv", self.export_csv))

    # -- data ----------------------------------------------------------------------------------
    def add_response(self, resp: Any) -> None:
        """Record one WatchJobResponse (live, or a stored sample of the run's history)."""
        ts = resp.timestamp.seconds + resp.timestamp.nanos * 1e-9 if resp.HasField("timestamp") else time.time()
        p = resp.progress
        if p.run and self.run and p.run != self.run:
            self.series.clear()  # a new run of the job: its curve starts again
        self.run = p.run or self.run
        self.reporting = (p.instances_reporting, p.instances_total)
        wf = resp.workflow_status if resp.HasField("workflow_status") else None
        counts = ((wf.num_instances_completed, wf.num_instances_remaining, wf.num_instances_failed)
                  if wf is not None and wf.type in ROLLING else None)
        self.series.add(ts, p.successful, p.failed, p.remaining, resp.instances_done, resp.instances_failed,
                        resp.max_failed_instances, counts)
        if not self.state_from_feed:
            self.state_name = job_pb2.JobState.Name(resp.state).removeprefix("JOB_STATE_")
        if resp.HasField("workflow_status"):
            self.workflow = resp.workflow_status
        self.samples += 1
        self.sampled.emit()

    def set_paused(self, paused: bool) -> None:
        self.pause_button.blockSignals(True)
        self.pause_button.setChecked(paused)
        self.pause_button.blockSignals(False)
        self.pause_button.setText(self.tr("Resume") if paused else self.tr("Pause"))
        if not paused:
            self.redraw()

    @property
    def paused(self) -> bool:
        return self.pause_button.isChecked()

    def redraw(self, force: bool = False) -> bool:
        """Push the series into the curves if anything visible changed (the timer calls this ~30×/s)."""
        s = self.series
        if not force and (self.paused or not self.isVisible()):
            return False
        now = time.monotonic()
        if not force and now - self._summary_at >= SUMMARY_EVERY and s.revision != self._drawn_revision:
            self._summary_at = now  # text for people: 2×/s is plenty, even while the curves wait
            self._update_summary()
        if not force and not self._view_dirty:
            if s.revision == self._drawn_revision:
                return False
            # A new sample moves the curves by (time per pixel); wait until that is about a pixel.
            (x0, x1), width = self.burnup.vb.viewRange()[0], max(1.0, self.burnup.vb.width())
            if now - self._drawn_at < min(MAX_CURVE_GAP, max(REDRAW_MS / 1000, (x1 - x0) / width)):
                return False
        self._drawn_revision = s.revision
        self._drawn_at = now
        d = s.data
        eta = s.eta_line()
        self._show_workflow(s.wf_start is not None)
        self._fit_ranges(eta)  # first: the range decides what is clipped
        self._view_dirty = False
        (x0, x1), width = self.burnup.vb.viewRange()[0], int(self.burnup.vb.width()) or 400
        t, ys = decimate(d.view("t"), [d.view(n) for n in SERIES_CURVES], x0, x1, width)
        for name, y in zip(SERIES_CURVES, ys, strict=True):
            self.curves[name].setData(t, y)
        if s.wf_start is not None:
            start = s.wf_start
            t, ys = decimate(d.view("t")[start:], [d.view(n)[start:] for n in WORKFLOW_CURVES], x0, x1, width)
            for name, y in zip(WORKFLOW_CURVES, ys, strict=True):
                self.curves[name].setData(t, y)
        if eta is None:
            self.curves["eta"].setData([], [])
        else:
            self.curves["eta"].setData(np.asarray(eta[0]), np.asarray(eta[1]))
        self.limit_line.setValue(s.max_failed_instances)
        if force or now - self._summary_at >= SUMMARY_EVERY:
            self._summary_at = now
            self._update_summary()
        self.redraws += 1
        return True

    def apply_theme(self, _name: str = "") -> None:
        """Background, axes, titles, legends and pens in the active theme (pyqtgraph copies colours
        when an item is made, so a theme switch sets them again)."""
        COLORS.update({name: palette.state_color(state).name() for name, state in CURVE_STATES})
        self.graphics.setBackground(palette.CHART_BACKGROUND)
        for p in self.plots:
            for name in ("left", "bottom"):
                p.getAxis(name).setPen(palette.CHART_FOREGROUND)
                p.getAxis(name).setTextPen(palette.CHART_FOREGROUND)
            p.titleLabel.setText(p.titleLabel.text)  # re-rendered in the configured foreground
            if p.legend is not None:
                p.legend.setBrush(pg.mkBrush(palette.CHART_LEGEND_BG))
                p.legend.setLabelTextColor(palette.CHART_FOREGROUND)
                for _sample, label in p.legend.items:  # setLabelTextColor does not re-render them
                    label.setText(label.text, color=QColor(palette.CHART_FOREGROUND))
        dashed = {"eta", "wf_failed"}
        for name, item in self.curves.items():
            item.setPen(_pen(COLORS[name], dashed=name in dashed))
        self.limit_line.setPen(_pen(COLORS["limit"], dashed=True))
        self.limit_line.label.setColor(COLORS["limit"])
        for sample, _label in self.fail_plot.legend.items:
            if getattr(sample, "item", None) is not None and sample.item not in self.curves.values():
                sample.item.setPen(_pen(COLORS["limit"], dashed=True))
        for line in self.cross:
            line.setPen(_pen(palette.CHART_CROSSHAIR.name()))
        self.empty_text.setColor(palette.TEXT_MUTED)
        self._update_summary()
        self.graphics.update()

    def _place_empty_text(self, *_: Any) -> None:
        r = self.burnup.vb.boundingRect()
        self.empty_text.setPos(r.center())

    def _on_view_changed(self, *_: Any) -> None:
        self._view_dirty = True

    def _show_workflow(self, show: bool) -> None:
        if show and not self.wf_shown:
            self.wf_shown = True
            self.graphics.ci.addItem(self.wf_plot, row=3, col=0)  # the time axis' values and label move to it
            self.graphics.ci.layout.setRowStretchFactor(3, 2)
            self.fail_plot.getAxis("bottom").setStyle(showValues=False)
            self.fail_plot.getAxis("bottom").showLabel(False)

    def _on_manual_range(self, *_: Any) -> None:
        self._user_range = True

    def fit(self) -> None:
        self._user_range = False
        self._ranges.clear()
        self.redraw(force=True)

    def _set_range(self, key: str, value: float, apply: Any) -> None:
        """Grow (never shrink, except on Fit) an axis range to the next 1-2-5 step."""
        current = self._ranges.get(key)
        if current is None or value > current:
            self._ranges[key] = nice_ceiling(value * 1.1)
            apply(self._ranges[key])

    def _fit_ranges(self, eta: tuple[list[float], list[float]] | None) -> None:
        s = self.series
        d = s.data
        if not len(d):
            return
        t_last = d.last("t")
        x_end = max(t_last, 5.0)
        if eta is not None and eta[0][1] <= 3 * max(t_last, 5.0):
            x_end = max(x_end, eta[0][1])  # show the projection when it is not far off
        total = d.last("successful") + d.last("failed") + d.last("remaining")
        if not self._user_range:
            self._set_range("x", x_end, lambda v: self.burnup.setXRange(0, v, padding=0))
        self._set_range("items", max(total, float(d.view("remaining").max(initial=0)), 1.0),
                        lambda v: self.burnup.setYRange(0, v, padding=0))
        self._set_range("rate", max(float(d.view("throughput").max(initial=0)), 1.0),
                        lambda v: self.rate_plot.setYRange(0, v, padding=0))
        self._set_range("failed", max(s.max_failed_instances, d.last("instances_failed"), 1) + 0.5,
                        lambda v: self.fail_plot.setYRange(0, v, padding=0))
        if s.wf_start is not None:
            wf_total = d.last("wf_done") + d.last("wf_remaining") + d.last("wf_failed")
            self._set_range("workflow", max(wf_total, 1.0), lambda v: self.wf_plot.setYRange(0, v, padding=0))

    def _update_summary(self) -> None:
        s = self.series
        if not len(s):
            self.summary.setText(self.tr("waiting for progress…"))
            return
        d = s.data
        ok, bad, left = (int(d.last(c)) for c in ("successful", "failed", "remaining"))
        total = ok + bad + left
        self.empty_text.setVisible(total == 0)
        pct = 100.0 * (ok + bad) / total if total else 0.0
        eta = s.eta_seconds()
        reporting, instances = self.reporting
        partial = 0 < instances and reporting < instances  # the counts cover only the instances that reported
        eta_text = (self.tr("done") if left == 0 and total and not partial else
                    "—" if not total or (partial and left == 0) else fmt_duration(eta))
        known = self.tr(" · {0}/{1} reporting").format(reporting, instances) if partial else ""
        self.summary.setToolTip(
            self.tr(
                "The counts cover the {0} of {1} instances that have reported progress in this run; the others "
                "have not reported yet, so the share and the ETA are for those only."
            ).format(reporting, instances)
            if partial
            else ""
        )
        limit = s.max_failed_instances
        inst_failed = int(d.last("instances_failed"))
        over = inst_failed > limit

        def fg(alarm: bool) -> QColor:
            return palette.state_color("FAILED") if alarm else palette.CHART_FOREGROUND

        self.summary.setText(
            self.tr("<b>{0}</b> · {1:,} ok · {2} · {3:,} left ({4:.0f}%{5}) · {6:.1f} items/s · ETA {7} · ").format(
                self.state_name,
                ok,
                palette.span(self.tr("{0:,} failed").format(bad), fg(bad > 0)),
                left,
                pct,
                known,
                s.throughput(),
                eta_text,
            )
            + palette.span(self.tr("failed instances {0} of {1} tolerated").format(inst_failed, limit), fg(over))
        )
        wf = self.workflow
        if wf is not None and wf.workflow_id:
            kind = workflow_pb2.WorkflowType.Name(wf.type).removeprefix("WORKFLOW_TYPE_")
            state = workflow_pb2.WorkflowState.Name(wf.state).removeprefix("WORKFLOW_STATE_")
            self.workflow_label.setText(
                self.tr("{0} workflow {1}: {2} instance(s) done, {3} remaining, {4} failed").format(
                    kind, state, wf.num_instances_completed, wf.num_instances_remaining, wf.num_instances_failed
                )
            )

    # -- crosshair -----------------------------------------------------------------------------
    def _on_mouse(self, event: Any) -> None:
        pos = event[0]
        for plot, _line in zip(self.plots, self.cross, strict=True):
            if plot.sceneBoundingRect().contains(pos):
                x = plot.vb.mapSceneToView(pos).x()
                self.show_crosshair(x)
                return
        for line in self.cross:
            line.hide()
        self.crosshair_label.setText(self.tr(HOVER_HINT))

    def eventFilter(self, watched: Any, event: Any) -> bool:  # noqa: N802 - Qt API
        graphics = getattr(self, "graphics", None)  # cleared by the cycle collector first: see CommandPalette
        if watched is graphics and event.type() == QEvent.Type.KeyPress and self.chart_key(event.key()):
            return True
        return super().eventFilter(watched, event)

    def chart_key(self, key: int) -> bool:
        """A key on the focused charts (see __init__); True when it was one of theirs."""
        (x0, x1) = self.burnup.vb.viewRange()[0]
        span = max(x1 - x0, 1e-6)
        if key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            x = self.key_x if self.key_x is not None else (x0 + x1) / 2
            x = min(max(x + (span / 50 if key == Qt.Key.Key_Right else -span / 50), x0), x1)
            self.key_x = x
            text = self.show_crosshair(x)
            self.graphics.setAccessibleDescription(text)
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal, Qt.Key.Key_Minus):
            f = 0.1 if key != Qt.Key.Key_Minus else -0.125
            self._user_range = True
            self.burnup.setXRange(x0 + span * f, x1 - span * f, padding=0)
        elif key in (Qt.Key.Key_F, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.key_x = None
            self.fit()
        else:
            return False
        return True

    def show_crosshair(self, x: float) -> str:
        for line in self.cross:
            line.setValue(x)
            line.show()
        v = self.series.value_at(x)
        if v is None:
            text = " "
        else:
            text = self.tr(
                "t={0:7.1f}s  successful={1:.0f}  failed={2:.0f}  remaining={3:.0f}  "
                "throughput={4:.2f}/s  failed instances={5:.0f}"
            ).format(x, v["successful"], v["failed"], v["remaining"], v["throughput"], v["instances_failed"])
        self.crosshair_label.setText(text)
        return text

    # -- export --------------------------------------------------------------------------------
    def _ask_path(self, filt: str, suffix: str, write: Any) -> None:
        dialog = QFileDialog(self, self.tr("Export"), "", filt)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix(suffix)
        dialog.selectFile(f"progress-{self._job_id[:8] or 'job'}.{suffix}")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(lambda path: write(Path(path)))
        dialog.open()

    def export_png(self, path: Path) -> bool:
        self.redraw(force=True)
        return bool(self.graphics.grab().save(str(path)))

    def export_csv(self, path: Path) -> None:
        path.write_text(self.series.to_csv(), encoding="utf-8")

    # -- stream --------------------------------------------------------------------------------
    def watch(self, client: Any, job_id: str) -> None:
        self._client, self._job_id = client, job_id
        self._restart()

    @property
    def streaming(self) -> bool:
        """A WatchJob stream is open (it ends by itself when the job ends, or on an error)."""
        return any(not t.done() for t in self._tasks)

    def set_state(self, name: str) -> None:
        """The job's state as the jobs feed says it (see ``state_from_feed``)."""
        if name != self.state_name:
            self.state_name = name
            self._update_summary()

    def new_run(self, client: Any) -> None:
        """The job started a new run (Start / Restart after it ended): a fresh series, a new stream."""
        self.series.clear()
        self.workflow = None
        self.workflow_label.setText("")
        self._ranges.clear()
        self._client = client
        if not self._closed:
            self._restart()
        self.redraw(force=True)

    def resume(self, client: Any) -> None:
        """After a reconnect (possibly a new client): reopen the stream unless one is open."""
        self._client = client
        if not self._closed and not self.streaming and self._job_id:
            self._restart()

    def _on_period(self, _index: int) -> None:
        if self._client is not None:
            self._restart()

    def set_background(self, background: bool) -> None:
        """Hidden or minimised: ask the engine for progress at most every BACKGROUND_PERIOD."""
        if background == self.background:
            return
        self.background = background
        if self._client is not None and self._tasks:
            self._restart()
        else:
            self.period = self.effective_period()

    def effective_period(self) -> float:
        chosen = float(self.period_box.currentData())
        return max(chosen, BACKGROUND_PERIOD) if self.background else chosen

    def _restart(self) -> None:
        self.stop()
        self.period = self.effective_period()
        self._tasks.start(self._stream(self._client, self._job_id, self.period))

    async def _stream(self, client: Any, job_id: str, period: float) -> None:
        await self._backfill(client, job_id)
        async for resp in client.watch_job(job_id, period):
            self.add_response(resp)
            if resp.state in TERMINAL:
                break
        self.redraw(force=True)

    async def _backfill(self, client: Any, job_id: str) -> None:
        """The run's curve so far, from the engine's stored history, so a chart opened late (or on a
        finished job) shows all of it; the live stream then carries on (older samples are ignored)."""
        history = getattr(client, "progress_history", None)
        if history is None:
            return
        try:
            resp = await history(job_id)
        except ClientError as exc:
            if exc.code.name == "UNIMPLEMENTED":
                return  # an engine from before the history: live samples only
            raise
        for sample in resp.samples:
            self.add_response(sample)
        self.backfilled = len(resp.samples)
        self.redraw(force=True)

    def _show_task_error(self, text: str) -> None:
        self.summary.setText(palette.span(text, palette.ERROR))

    def stop(self) -> None:
        self._tasks.cancel_all()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if not self.timer.isActive() and not self._closed:
            self.timer.start()
        self.redraw()

    def hideEvent(self, event: Any) -> None:
        # Not on screen (another tab, window hidden): no redraw timer at all; samples keep coming.
        self.timer.stop()
        super().hideEvent(event)

    def closeEvent(self, event: Any) -> None:
        self._closed = True
        self.timer.stop()
        self.stop()
        super().closeEvent(event)
