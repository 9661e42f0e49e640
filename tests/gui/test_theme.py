"""Themes, live: the View menu's Theme (System / Light / Dark) and the system's colour scheme switch
every surface at once — table cells' colours, the charts' background and axes, text coloured in
labels — and the choice is saved with the other view settings."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QLabel, QMenu

from console.models import palette
from console.models.jobs_table import Column, JobsTableModel
from console.views import theme
from console.views.jobs_panel import JobsPanel
from console.views.progress_chart import ProgressChart
from pelorus.api import job_pb2

SHOTS = Path("/tmp/shots-theme19")


@pytest.fixture
def ctl(qloop: Any) -> Iterator[theme.ThemeController]:
    c = theme.controller()
    c.set_mode(theme.Mode.SYSTEM)
    c._on_system_scheme(Qt.ColorScheme.Light)
    yield c
    c._on_system_scheme(Qt.ColorScheme.Light)
    c.set_mode(theme.Mode.SYSTEM)
    assert palette.current() is palette.LIGHT


def _system(scheme: Qt.ColorScheme) -> None:
    """The desktop switches its colour scheme (what the platform emits)."""
    QApplication.styleHints().colorSchemeChanged.emit(scheme)
    QApplication.processEvents()


def make_job(i: int, state: str) -> job_pb2.JobSummary:
    s = job_pb2.JobSummary(job_id=f"job-{i}", name=f"job {i}", owner="alice", instance_count=2)
    s.status.state = job_pb2.JobState.Value("JOB_STATE_" + state)
    s.status.version.value = 1
    return s


def _pixel(widget: Any, x: int, y: int) -> QColor:
    return widget.grab().toImage().pixelColor(x, y)


def test_the_system_switch_repaints_cells_charts_and_labels(ctl: theme.ThemeController, qapp: Any) -> None:
    SHOTS.mkdir(exist_ok=True)
    model = JobsTableModel()
    model.reset([make_job(i, s) for i, s in enumerate(("FAILED", "RUNNING", "SUCCEEDED"))])
    panel = JobsPanel(model)
    panel.resize(900, 300)
    panel.show()
    chart = ProgressChart()
    chart.resize(700, 500)
    chart.show()
    label = QLabel(palette.span("engine unreachable", palette.ERROR))
    label.show()
    state_cell = model.index(0, Column.STATE)
    light_bg = QColor(model.data(state_cell, Qt.ItemDataRole.BackgroundRole))
    light_fg = QColor(model.data(state_cell, Qt.ItemDataRole.ForegroundRole))
    light_chart = _pixel(chart.graphics, 5, 5)
    light_window = QApplication.palette().window().color()
    assert light_chart == QColor(palette.LIGHT.roles["chart_background"])

    _system(Qt.ColorScheme.Dark)
    assert palette.current() is palette.DARK
    dark_fg = QColor(model.data(state_cell, Qt.ItemDataRole.ForegroundRole))
    assert dark_fg.name() == palette.DARK.job_states["FAILED"] != light_fg.name()
    assert QColor(model.data(state_cell, Qt.ItemDataRole.BackgroundRole)) != light_bg
    assert _pixel(chart.graphics, 5, 5) == QColor(palette.DARK.roles["chart_background"])
    axis = chart.burnup.getAxis("left")
    assert axis.pen().color().name() == palette.DARK.roles["chart_foreground"]
    assert chart.curves["failed"].opts["pen"].color().name() == palette.DARK.job_states["FAILED"]
    legend_label = chart.burnup.legend.items[0][1]
    assert palette.DARK.roles["chart_foreground"] in legend_label.item.toHtml()
    assert palette.DARK.roles["error"] in label.text() and palette.LIGHT.roles["error"] not in label.text()
    assert QApplication.palette().window().color().lightness() < light_window.lightness()
    assert QApplication.palette().base().color().name() == palette.DARK.qt["base"]
    panel.grab().save(str(SHOTS / "theme-switch-jobs-dark.png"))
    chart.grab().save(str(SHOTS / "theme-switch-chart-dark.png"))

    _system(Qt.ColorScheme.Light)  # and back, live
    assert QColor(model.data(state_cell, Qt.ItemDataRole.ForegroundRole)) == light_fg
    assert _pixel(chart.graphics, 5, 5) == light_chart
    assert palette.LIGHT.roles["error"] in label.text()
    assert QApplication.palette().window().color() == light_window
    for w in (panel, chart, label):
        w.close()
    chart.stop()


def test_the_manual_choice_overrides_the_system_and_is_saved(ctl: theme.ThemeController) -> None:
    menu = QMenu()
    sub = ctl.add_menu(menu)
    actions = {a.objectName(): a for a in sub.actions()}
    assert actions["theme_system"].isChecked() and not actions["theme_dark"].isChecked()
    actions["theme_dark"].trigger()
    assert palette.current() is palette.DARK and QSettings().value(theme.SETTING) == "dark"
    _system(Qt.ColorScheme.Light)  # the desktop switching does not undo an explicit choice
    assert palette.current() is palette.DARK
    actions["theme_light"].trigger()
    assert palette.current() is palette.LIGHT
    _system(Qt.ColorScheme.Dark)
    assert palette.current() is palette.LIGHT
    actions["theme_system"].trigger()  # following the system again: it is dark now
    assert palette.current() is palette.DARK and QSettings().value(theme.SETTING) == "system"
    actions["theme_dark"].trigger()
    assert theme.saved_mode() is theme.Mode.DARK  # what the next start reads
    QSettings().setValue(theme.SETTING, "bogus")
    assert theme.saved_mode() is theme.Mode.SYSTEM
