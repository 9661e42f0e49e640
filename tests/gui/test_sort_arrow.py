"""Issue 17: "the sort arrow agrees with the order shown" - ▲ over ascending rows, ▼ over descending,
in the jobs and pods tables' headers, drawn by the style in use: Fusion (which draws ▼ for Qt's
ascending indicator), the Windows style (which draws ▲ for it), and after the theme switches
light → dark → light, replacing the application's style each time (the proxy style tried before
died with the style it wrapped)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from guihelp import run
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication, QHeaderView, QStyleFactory

from console.models import palette
from console.models.jobs_table import Column, JobsTableModel
from console.models.pods_table import PodColumn, PodsTableModel
from console.views import sort_header, theme
from console.views.jobs_panel import JobsPanel
from console.views.pods_view import PodsView
from pelorus.api import job_pb2

SHOTS = Path("/tmp/shots-ops17")


def arrow(header: QHeaderView, section: int) -> str:
    """The sort arrow as painted: "up", "down" or "" (none to read), from the header's pixels."""
    assert isinstance(header, sort_header.SortHeader)
    image = header.grab().toImage()
    rect = header.arrow_rect(section).adjusted(-1, -1, 1, 1)
    background = image.pixelColor(rect.left() - 2, rect.center().y())
    up = sort_header.points_up(sort_header.ink_rows(image, rect, background, tolerance=12))
    return "" if up is None else "up" if up else "down"


def make_job(i: int, name: str) -> job_pb2.JobSummary:
    s = job_pb2.JobSummary(job_id=f"job-{i}", name=name, owner="alice", instance_count=1)
    s.status.state = job_pb2.JOB_STATE_RUNNING
    s.status.version.value = 1
    return s


@pytest.fixture
def tables(qloop: Any) -> Iterator[tuple[JobsPanel, PodsView]]:
    model = JobsTableModel()
    model.reset([make_job(i, n) for i, n in enumerate(("beta", "alpha", "gamma"))])
    panel = JobsPanel(model)
    panel.resize(1100, 240)
    panel.show()
    pods = PodsView(None, PodsTableModel())
    pods.resize(1100, 240)
    pods.show()
    yield panel, pods
    panel.close()
    pods.close()
    panel.deleteLater()
    pods.deleteLater()


def check(panel: JobsPanel, pods: PodsView, shot: str) -> None:
    """Both tables, both orders: ▲ ascending (the rows A→Z), ▼ descending."""
    jobs = panel.table
    for order, want in ((Qt.SortOrder.AscendingOrder, "up"), (Qt.SortOrder.DescendingOrder, "down")):
        jobs.sortByColumn(int(Column.NAME), order)
        names = [panel.proxy.data(panel.proxy.index(r, int(Column.NAME))) for r in range(3)]
        assert names == sorted(names, reverse=order == Qt.SortOrder.DescendingOrder)
        assert arrow(jobs.horizontalHeader(), int(Column.NAME)) == want, (shot, order)
        pods.table.sortByColumn(int(PodColumn.INSTANCE), order)
        assert arrow(pods.table.header(), int(PodColumn.INSTANCE)) == want, (shot, order)
        if order == Qt.SortOrder.AscendingOrder:
            jobs.horizontalHeader().grab().save(str(SHOTS / f"jobs-header-{shot}.png"))


def test_the_arrow_points_up_for_ascending_in_the_jobs_and_pods_tables(tables: tuple[JobsPanel, PodsView]) -> None:
    SHOTS.mkdir(exist_ok=True)
    panel, pods = tables
    assert isinstance(panel.table.horizontalHeader(), sort_header.SortHeader)
    assert isinstance(pods.table.header(), sort_header.SortHeader)
    check(panel, pods, "fusion")
    # The header keeps what the view's own had: clickable titles, movable columns, the indicator.
    header = panel.table.horizontalHeader()
    assert header.sectionsClickable() and header.sectionsMovable() and header.isSortIndicatorShown()


def test_the_arrow_follows_the_style_drawing_it(tables: tuple[JobsPanel, PodsView]) -> None:
    """The Windows style draws Qt's indicators the other way round from Fusion: still ▲ ascending."""
    if "Windows" not in QStyleFactory.keys():
        pytest.skip("no Windows style in this Qt")
    panel, pods = tables
    windows = QStyleFactory.create("Windows")
    try:
        panel.table.horizontalHeader().setStyle(windows)
        pods.table.header().setStyle(windows)
        check(panel, pods, "windows-style")
    finally:
        panel.table.horizontalHeader().setStyle(None)  # type: ignore[arg-type]  # (back to the application's)
        pods.table.header().setStyle(None)  # type: ignore[arg-type]


class _StyleChanges(QObject):
    """Counts the StyleChange events a widget receives (what replacing the application's style sends)."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.StyleChange:
            self.count += 1
        return False


def test_the_arrow_survives_theme_switches_without_replacing_the_style(tables: tuple[JobsPanel, PodsView],
                                                                       qloop: Any) -> None:
    """Light → dark → light with the theme controller, its light theme made to want another style than
    Fusion (as on a desktop whose own style has no dark palette): the arrows stay right, and the
    application's style is not replaced (only palettes change). Replacing it sends every widget of
    the application a StyleChange, which crashed the full GUI suite inside QApplication.setStyle
    (a stale hidden scroll area's viewport); console/views/theme.py keeps Fusion once it is there."""
    panel, pods = tables
    ctl = theme.controller()
    native = ctl._native_style
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    changes = _StyleChanges()
    panel.installEventFilter(changes)
    seen = []
    try:
        if "Windows" in QStyleFactory.keys():
            ctl._native_style = "Windows"
        for mode in (theme.Mode.LIGHT, theme.Mode.DARK, theme.Mode.LIGHT, theme.Mode.DARK, theme.Mode.LIGHT):
            ctl.set_mode(mode)
            run(qloop, asyncio.sleep(0.05))  # the new palette reaches the widgets through posted events
            seen.append((app.style().name().lower(), palette.current().name))
            check(panel, pods, f"{mode.value}-{len(seen)}")
    finally:
        panel.removeEventFilter(changes)
        ctl._native_style = native
        ctl.set_mode(theme.Mode.DARK)
        ctl.set_mode(theme.Mode.SYSTEM)
        ctl._on_system_scheme(Qt.ColorScheme.Light)
    assert palette.current() is palette.LIGHT
    assert [name for _style, name in seen] == ["light", "dark", "light", "dark", "light"], seen
    assert {style for style, _name in seen} == {app.style().name().lower()} == {"fusion"}, seen
    assert changes.count == 0, f"the application's style was replaced {changes.count} time(s) by theme switches"
