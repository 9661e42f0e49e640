"""LogView without an engine: follow lock across ring drops, released view keeps its lines, wrap, copy."""

from __future__ import annotations

from typing import Any

from guihelp import screenshot
from PySide6.QtWidgets import QApplication

from console.models.log_buffer import STDOUT, LogBuffer
from console.views.log_view import LogView


def feed(view: LogView, start: int, n: int, text: str = "line {i}") -> None:
    view.buffer.append([(i, 0.0, STDOUT, text.format(i=i), -1) for i in range(start, start + n)])
    view.buffer.flush()


def make(qapp: Any, capacity: int = 500) -> LogView:
    view = LogView(LogBuffer(capacity=capacity))
    view.resize(800, 400)
    view.show()
    qapp.processEvents()
    return view


def test_follow_survives_ring_drops(qapp: Any) -> None:
    view = make(qapp)
    sb = view.list.verticalScrollBar()
    for k in range(20):
        feed(view, k * 100, 100)
        qapp.processEvents()
        assert view.following and sb.value() == sb.maximum(), k
    assert view.buffer.rowCount() == 500 and view.buffer.record(499)[0] == 1999


def test_released_view_keeps_its_lines_while_the_ring_drops(qapp: Any) -> None:
    view = make(qapp)
    feed(view, 0, 500)
    sb = view.list.verticalScrollBar()
    sb.setValue(200)
    assert not view.following
    top_seq = view.buffer.record(view.list.top_row())[0]
    feed(view, 500, 100)  # 100 oldest lines leave the ring
    assert not view.following
    assert view.buffer.record(view.list.top_row())[0] == top_seq  # same line still at the top
    assert view.jump_button.isVisible()
    view.jump_button.click()
    assert view.following and sb.value() == sb.maximum()
    view.close()


def test_wrap_shows_long_lines_whole_and_copy(qapp: Any) -> None:
    view = make(qapp)
    feed(view, 0, 3, "short {i}")
    feed(view, 3, 1, "long {i} " + "abcdefghij" * 40)
    feed(view, 4, 2, "after {i}")
    view.set_wrap(True)
    qapp.processEvents()
    assert view.list.verticalScrollBar().maximum() == 0  # everything fits
    assert view.list._wrapped_height(3) > 3 * view.list.line_height()
    screenshot(view, "logview-wrap")
    view.set_wrap(False)
    assert view.list.horizontalScrollBar().maximum() > 0
    view.list._anchor, view.list._cursor = 0, 1
    assert view.list.selected_text() == "short 0\nshort 1"
    assert QApplication.clipboard() is not None
    view.close()


def test_ring_size_is_a_setting(qapp: Any, tmp_path: Any) -> None:
    from PySide6.QtCore import QCoreApplication, QSettings

    from console.views.log_view import RING_SIZES, saved_ring_lines

    # settings of this test only (as the qloop fixture does for the other GUI tests)
    QCoreApplication.setOrganizationName("PelorusTests")
    QCoreApplication.setApplicationName("log-view-settings")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    view = make(qapp)  # a buffer of 500: offered as it is
    box = view.capacity_box
    assert box.currentData() == 500 and box.findData(100_000) >= 0
    feed(view, 0, 500)
    box.setCurrentIndex(box.findData(10_000))
    assert view.buffer.capacity == 10_000 and view.buffer.rowCount() == 500
    feed(view, 500, 20_000)
    assert view.buffer.rowCount() == 10_000 and "10,000" in view.status.text()
    assert saved_ring_lines() == 10_000  # the next log view starts with it
    box.setCurrentIndex(box.findData(RING_SIZES[2]))
    assert saved_ring_lines() == RING_SIZES[2] == 100_000


def test_times_and_progress_lines_are_remembered_choices(qapp: Any, tmp_path: Any) -> None:
    from PySide6.QtCore import QCoreApplication, QSettings

    QCoreApplication.setOrganizationName("PelorusTests")
    QCoreApplication.setApplicationName("log-view-reading-aids")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    view = make(qapp)
    view.resize(1100, 400)
    view.buffer.append([(i, 1_700_000_000.0 + i, STDOUT, f"::progress successful={i}" if i % 2 else f"item {i}", -1)
                        for i in range(40)])
    view.buffer.flush()
    assert not view.time_box.isChecked() and view.progress_box.currentData() == "show"
    view.time_box.setChecked(True)
    view.progress_box.setCurrentIndex(view.progress_box.findData("hide"))
    qapp.processEvents()
    assert view.buffer.rowCount() == 20 and view.buffer.text(0).endswith(" item 0")
    assert "20 progress line(s) hidden" in view.status.text()
    assert view.following and view.list.verticalScrollBar().value() == view.list.verticalScrollBar().maximum()
    screenshot(view, "logview-times-progress-hidden")
    view.close()
    again = make(qapp)  # the next log view starts with the same choices
    assert again.time_box.isChecked() and again.progress_box.currentData() == "hide"
    again.set_progress_mode("show")
    again.set_show_time(False)
    again.close()
