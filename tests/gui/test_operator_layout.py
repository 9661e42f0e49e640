"""Issue 17, layout: at the default size and at 1280x800 / 1920x1080 the jobs table shows every
column without clipping state names, progress text is readable at any fill, and the pods table's
rows and Duration column are readable - against the real embedded engine with the demo jobs."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from enginehelp import sh_spec
from guihelp import embedded_main_window, run, until
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QFontMetrics, QImage, QPainter
from PySide6.QtWidgets import QApplication, QStyle, QStyleOptionHeader

from console.models import palette
from console.models.jobs_table import Column
from console.models.pods_table import PodColumn
from console.views.jobs_panel import paint_progress, shown_workflow_text
from console.views.main_window import MainWindow
from console.views.sort_header import SortHeader
from pelorus.api import job_pb2, workflow_pb2

SHOTS = Path("/tmp/shots-operator")


@pytest.fixture
def window(qloop: Any, tmp_path: Path) -> Iterator[MainWindow]:
    with embedded_main_window(qloop, tmp_path) as win:
        yield win
        win.panel.auto_fit = False


def clipped_columns(win: MainWindow) -> list[str]:
    """Columns whose title (beside a sort arrow: any column may be sorted by) or any visible cell
    needs more room than the column has, and columns that lie (partly) outside the viewport.  Name,
    id and owner may elide their cells, not their titles; the Workflow column shows the state alone
    where the type does not fit too (the state stays whole)."""
    table = win.panel.table
    header = table.horizontalHeader()
    assert isinstance(header, SortHeader)
    fm = table.fontMetrics()
    proxy = win.panel.proxy
    out = []
    for col in range(proxy.columnCount()):
        if header.isSectionHidden(col):
            continue
        width = header.sectionSize(col)
        right = header.sectionViewportPosition(col) + width
        title = str(proxy.headerData(col, Qt.Orientation.Horizontal))
        option = header.section_option(col)
        option.sortIndicator = QStyleOptionHeader.SortIndicator.SortUp
        label = header.style().subElementRect(QStyle.SubElement.SE_HeaderLabel, option, header)
        if header.fontMetrics().horizontalAdvance(title) > label.width():
            out.append(f"title {title!r} clipped: needs {header.fontMetrics().horizontalAdvance(title)}, "
                       f"has {label.width()} of {width}")
        need = 0
        for row in range(min(proxy.rowCount(), 50)):
            text = str(proxy.data(proxy.index(row, col)) or "")
            if col == Column.PROGRESS:
                text = text or "100% (1000/1000)"
            if col == Column.WORKFLOW and fm.horizontalAdvance(text) + 12 > width:
                text = shown_workflow_text(text)
            if col not in (Column.ID, Column.NAME, Column.OWNER):  # free text, elided (the tooltip has it)
                need = max(need, fm.horizontalAdvance(text) + 12 + (22 if col == Column.STATE else 0))
        if need > width or right > table.viewport().width():
            out.append(f"{title}: needs {need}, has {width}, right edge {right}/{table.viewport().width()}")
    return out


def test_every_column_fits_at_the_default_and_common_sizes(window: MainWindow, qloop: Any) -> None:
    """1400x820 (the default), 1280x800 and 1920x1080, with a job whose name is long and whose restart
    is ROLLING_FORWARD, more rows than the table shows (a vertical scroll bar takes room) and a row
    selected: no column clipped, no horizontal scroll bar, the states whole, long names elided."""
    win = window
    SHOTS.mkdir(exist_ok=True)

    async def body() -> None:
        rolling = sh_spec("rolling-restart-of-the-payments-service-in-eu-west-1-canary", "sleep 60", instances=3,
                          kill_grace_period=0.2)
        job_id = await win.session.create_job(rolling, "roll")
        await until(lambda: win.session.jobs_model.row_of(job_id) is not None, what="job")
        for name, script in (("a-job-that-fails", "exit 1"), ("a-job-that-succeeds", "true"),
                             ("initialized-then-started", "sleep 60")):
            await win.session.create_job(sh_spec(name, script, kill_grace_period=0.2), name)
        for i in range(30):
            await win.session.create_job(sh_spec(f"batch-{i:02d}", "true"), f"batch-{i}")
        await until(lambda: win.panel.proxy.rowCount() == 34, timeout=30, what="jobs")
        model = win.session.jobs_model

        def summary() -> Any:
            row = model.row_of(job_id)
            return model.summary(row) if row is not None else None

        await until(lambda: summary().status.state == job_pb2.JOB_STATE_RUNNING, timeout=20, what="running")
        await win.session.client.restart_job(job_id, summary().status.version.value, batch_size=1)
        await until(lambda: summary().status.workflow_status.state == workflow_pb2.WORKFLOW_STATE_ROLLING_FORWARD,
                    timeout=20, what="ROLLING_FORWARD")
        win.panel.select_job(job_id)
        table = win.panel.table
        for w, h in ((1400, 820), (1280, 800), (1920, 1080)):
            win.resize(w, h)
            await until(lambda w=w: win.width() == w, what="resized")  # noqa: B023
            await asyncio.sleep(0.1)  # the loop lays out (never processEvents inside a coroutine: see guihelp)
            win.grab().save(str(SHOTS / f"main-{w}x{h}.png"))
            assert table.verticalScrollBar().isVisible() or h > 1000  # (34 rows fit at 1080 px)
            assert not table.horizontalScrollBar().isVisible(), (w, h, table.horizontalScrollBar().maximum())
            assert clipped_columns(win) == [], (w, h)
            row = win.panel.proxy.row_of(job_id)
            assert row is not None
            flow = win.panel.proxy.index(row, int(Column.WORKFLOW))
            shown = str(flow.data())
            if table.fontMetrics().horizontalAdvance(shown) + 12 > table.columnWidth(int(Column.WORKFLOW)):
                shown = shown_workflow_text(shown)
            assert "ROLLING_FORWARD" in shown, (w, shown)
            name_width = table.columnWidth(int(Column.NAME))
            assert name_width >= 14 * table.fontMetrics().horizontalAdvance("M"), (w, name_width)
            if w <= 1400:  # the long name is elided ("…"), its tooltip whole
                assert table.fontMetrics().horizontalAdvance(rolling.name) + 12 > name_width
                assert table.textElideMode() == Qt.TextElideMode.ElideRight
        font = win.panel.font()  # a bigger font (as a theme's style or the language would): fitted again
        font.setPointSizeF(font.pointSizeF() + 3)
        win.panel.setFont(font)
        await asyncio.sleep(0.2)
        assert clipped_columns(win) == [] and not table.horizontalScrollBar().isVisible()

    run(qloop, body(), timeout=120)


def _near(a: QColor, b: QColor, tol: int = 60) -> bool:
    return abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue()) <= tol


def test_progress_text_readable_at_any_fill(qapp: Any) -> None:
    """The bar's text is drawn in the text colour over the unfilled part and in the on-accent colour
    over the filled part: at every fill, the text's pixels on each side are the colour readable there."""
    font = QApplication.font()
    text = "50% (5/10)"
    for fraction in (0.0, 0.1, 0.5, 0.9, 1.0):
        image = QImage(160, 22, QImage.Format.Format_ARGB32)
        image.fill(palette.CHART_BACKGROUND)
        painter = QPainter(image)
        painter.setFont(font)
        paint_progress(painter, QRect(0, 0, 160, 22), fraction, text)
        painter.end()
        image.save(str(SHOTS / f"progress-{int(fraction * 100)}.png"))
        split = 1 + round(158 * fraction)
        text_left = (160 - QFontMetrics(font).horizontalAdvance(text)) // 2
        text_right = 160 - text_left
        colours = {(x, y): image.pixelColor(x, y) for x in range(text_left, text_right) for y in range(3, 19)}
        left = [c for (x, _y), c in colours.items() if x < split]
        right = [c for (x, _y), c in colours.items() if x > split]
        if right:
            assert any(_near(c, palette.TEXT) for c in right), fraction  # dark text on the unfilled part
            assert not any(_near(c, palette.TEXT_ON_ACCENT, 20) and not _near(c, palette.CHART_BACKGROUND, 20)
                           for c in right), fraction
        if left:
            assert any(_near(c, palette.TEXT_ON_ACCENT) for c in left), fraction  # light text on the fill
            assert not any(_near(c, palette.TEXT, 20) for c in left), fraction


def test_pods_table_rows_and_duration_readable(window: MainWindow, qloop: Any) -> None:
    win = window

    async def body() -> None:
        spec = sh_spec("many-pods", "sleep 60", instances=6, kill_grace_period=0.2)
        job_id = await win.session.create_job(spec, "pods")
        await until(lambda: win.session.jobs_model.row_of(job_id) is not None, what="job")
        win.open_job(job_id)
        detail = win._details[job_id]
        await until(lambda: detail.pods_model.rowCount() == 6, timeout=15, what="pods")
        detail.tabs.setCurrentWidget(detail.pods_view)
        for w, h in ((1280, 800), (1920, 1080)):
            detail.resize(w, h)
            await asyncio.sleep(0.05)
            detail.grab().save(str(SHOTS / f"pods-{w}x{h}.png"))
            table = detail.pods
            header = table.header() if hasattr(table, "header") else table.horizontalHeader()
            fm = table.fontMetrics()
            assert header.sectionSize(PodColumn.DURATION) >= fm.horizontalAdvance("Duration") + 20
            assert header.sectionSize(PodColumn.DURATION) >= fm.horizontalAdvance("59m59s") + 12
            assert table.viewport().height() >= 6 * fm.height(), "six pod rows visible"
            assert table.sizeHintForRow(0) >= fm.height() + 8, "rows with room around the text"
            left = header.sectionViewportPosition(PodColumn.DURATION)
            assert 0 <= left and left + header.sectionSize(PodColumn.DURATION) <= table.viewport().width()
        detail.close()
        await asyncio.sleep(0.2)

    run(qloop, body(), timeout=60)


def test_the_palette_says_no_matches(qapp: Any) -> None:
    from console.views.command_palette import CommandPalette, PaletteEntry

    entry = PaletteEntry(label="Stop", tip="Stop the job", shortcut="", enabled=True, why="", run=lambda: None)
    palette_dialog = CommandPalette([entry], find_jobs=lambda _text, _limit: [])
    palette_dialog.search.setText("zzz-nothing")
    assert palette_dialog.no_matches and palette_dialog.list.count() == 1
    item = palette_dialog.list.item(0)
    assert item.text() == "No matches for “zzz-nothing”"
    assert not item.flags() & Qt.ItemFlag.ItemIsEnabled
    palette_dialog.search.setText("sto")
    assert not palette_dialog.no_matches and palette_dialog.list.item(0).text() == "Stop"
    palette_dialog.deleteLater()
