"""Every window and dialog, read as a screen reader reads it: each interactive widget reached
through QAccessible has a name (Qt derives one from a button's text or a form label's buddy; the
others set theirs), in both themes, and Tab visits them in reading order (console/views/tab_order.py);
the custom surfaces (timeline, charts, hex pane) work from the keyboard. Each window is also saved as
a screenshot, light and dark, at 1280x800."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from enginehelp import sh_spec
from guihelp import job_tab, run, until
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QScrollBar,
    QTabBar,
    QTabWidget,
    QTextEdit,
    QWidget,
)

from console.views import theme

SHOTS = Path("/tmp/shots-theme19")
INTERACTIVE = (QAbstractButton, QLineEdit, QComboBox, QAbstractItemView, QAbstractSpinBox, QTabBar, QTabWidget,
               QAbstractSlider, QPlainTextEdit, QTextEdit)
#: Parts Qt names through their owner (a spin box's editor, a table's corner button).
PARTS = {"qt_spinbox_lineedit", "qt_tableview_cornerbutton"}


def _part_of_another(w: QWidget) -> bool:
    parent = w.parentWidget()
    return (isinstance(w, (QScrollBar, QHeaderView)) or w.objectName() in PARTS
            or (isinstance(w, QLineEdit) and isinstance(parent, QComboBox))
            or (isinstance(parent, QAbstractScrollArea) and parent.viewport() is w))


def unnamed(top: QWidget) -> list[str]:
    """The interactive widgets shown in `top` whose accessible interface has no name."""
    out = []
    labelled = {id(label.buddy()) for label in top.findChildren(QLabel) if label.buddy() is not None}
    for w in [top, *top.findChildren(QWidget)]:
        if w is not top and not w.isVisibleTo(top):
            continue
        if not (isinstance(w, INTERACTIVE) or w.focusPolicy() & Qt.FocusPolicy.TabFocus) or _part_of_another(w):
            continue
        iface = QAccessible.queryAccessibleInterface(w)
        assert iface is not None and iface.isValid(), w
        name = iface.text(QAccessible.Text.Name).strip()
        if isinstance(w, QComboBox) and not (w.accessibleName() or id(w) in labelled):
            name = ""  # Qt reads the current item as its name: that says what is chosen, not what for
        if not name:
            parent = w.parentWidget()
            out.append(f"{type(w).__name__} {w.objectName()!r} ({iface.role().name}) in "
                       f"{type(parent).__name__ if parent else '-'} {parent.objectName() if parent else ''!r}")
    return out


def tab_stops(top: QWidget) -> list[QWidget]:
    """The visible widgets Tab visits in `top`, in Tab's order, from its first."""
    stops: list[QWidget] = []
    w = top.nextInFocusChain()
    while w is not top and len(stops) < 200:
        if (w.isVisibleTo(top) and w.isEnabled() and w.focusPolicy() & Qt.FocusPolicy.TabFocus
                and w.focusProxy() is None and top.isAncestorOf(w) and w not in stops):
            stops.append(w)
        w = w.nextInFocusChain()
    return stops


def _next_column(top: QWidget, a: QWidget, b: QWidget) -> bool:
    """Whether ``b`` starts a column right of the one ``a`` ends: they sit in two different panes
    (containers: a splitter's panes, a layout's side-by-side stacks) and b's pane lies wholly right
    of a's. Reading a pane top to bottom, then the next pane, is reading order; two controls side
    by side in one grid are not panes (Tab must go across their row first)."""
    chain_a = [a]
    while chain_a[-1] is not top and chain_a[-1].parentWidget() is not None:
        chain_a.append(chain_a[-1].parentWidget())
    pane_b = b
    while pane_b.parentWidget() is not None and pane_b.parentWidget() not in chain_a:
        pane_b = pane_b.parentWidget()
    common = pane_b.parentWidget()
    if common is None or pane_b is b:
        return False
    pane_a = chain_a[chain_a.index(common) - 1]
    if pane_a is a:
        return False
    left_end = pane_a.mapTo(top, pane_a.rect().topRight()).x()
    return pane_b.mapTo(top, pane_b.rect().topLeft()).x() >= left_end


def out_of_reading_order(top: QWidget) -> list[str]:
    """Tab stops that come before one above them, or left of one on their row (rows: 8 px), unless
    Tab moves on to the next column of panes (a splitter's right pane after its left one)."""
    where = [(w.mapTo(top, w.rect().topLeft()), w) for w in tab_stops(top)]
    bad = []
    for (a, wa), (b, wb) in zip(where, where[1:], strict=False):
        if (b.y() < a.y() - 8 or (abs(b.y() - a.y()) <= 8 and b.x() < a.x())) and not _next_column(top, wa, wb):
            bad.append(f"{type(wa).__name__} {wa.objectName()!r} @{a.x()},{a.y()} -> "
                       f"{type(wb).__name__} {wb.objectName()!r} @{b.x()},{b.y()}")
    return bad


@pytest.fixture
def themes(qloop: Any) -> Iterator[theme.ThemeController]:
    c = theme.controller()
    yield c
    c.set_mode(theme.Mode.SYSTEM)
    c._on_system_scheme(Qt.ColorScheme.Light)


def check(ctl: theme.ThemeController, top: QWidget, name: str, size: tuple[int, int] = (1280, 800)) -> None:
    """No unnamed interactive widget in `top`, Tab in reading order; a screenshot in each theme."""
    SHOTS.mkdir(exist_ok=True)
    if top.isWindow():
        top.resize(*size)
    QApplication.processEvents()
    assert unnamed(top) == [], name
    assert out_of_reading_order(top) == [], name
    for mode in (theme.Mode.LIGHT, theme.Mode.DARK):
        ctl.set_mode(mode)
        QApplication.processEvents()
        top.grab().save(str(SHOTS / f"{name}-{mode.value}.png"))
    ctl.set_mode(theme.Mode.LIGHT)


def test_the_walk_finds_an_unnamed_field(qapp: Any) -> None:
    top = QWidget()
    field = QLineEdit(top)
    QComboBox(top).addItem("x")
    top.show()
    found = unnamed(top)
    assert len(found) == 2 and "QLineEdit" in found[0] and "QComboBox" in found[1]
    field.setAccessibleName("Address")
    assert len(unnamed(top)) == 1
    field.move(0, 60)  # created first, laid out below the combo box: Tab would go up
    assert len(out_of_reading_order(top)) == 1
    field.move(0, 0)
    assert out_of_reading_order(top) == []
    top.close()


@pytest.mark.slow
def test_protobuf_windows_and_dialogs_are_named(themes: theme.ThemeController, qloop: Any, tmp_path: Path) -> None:
    from console.views.call_panel import protobuf_page
    from console.views.command_palette import CommandPalette, PaletteEntry
    from console.views.proto_compare import ProtoCompareWindow
    from console.views.proto_editor import ProtoEditor, ProtoEditorWindow
    from console.views.reflection_dialog import ReflectionDialog
    from console.views.spec_editor import SpecEditorDialog
    from pelorus.api import job_pb2

    spec = job_pb2.JobSpec(name="nightly-etl", owner="ops", instance_count=3, priority=2)
    spec.labels["team"] = "data"
    other = job_pb2.JobSpec()
    other.CopyFrom(spec)
    other.name, other.instance_count = "nightly-etl-2", 5
    (tmp_path / "spec.bin").write_bytes(spec.SerializeToString())
    editor = ProtoEditor()
    window = ProtoEditorWindow(editor)
    window.show()

    async def load() -> None:
        assert await editor.open_path(tmp_path / "spec.bin")
        assert editor.set_type("JobSpec")
        editor.tree.setCurrentIndex(editor.model.index(0, 0))

    run(qloop, load())
    check(themes, window, "proto-editor-window")
    page, _call = protobuf_page(ProtoEditor())
    page.show()
    check(themes, page, "call-panel")
    compare = ProtoCompareWindow()
    compare.show()
    run(qloop, compare.view.compare_bytes(spec.SerializeToString(), other.SerializeToString(),
                                          "pelorus.v1.JobSpec", "a.bin", "b.bin"))
    check(themes, compare, "proto-compare")
    entries = [PaletteEntry("Stop", "Ctrl+K", True, "", "Stop the selected jobs"),
               PaletteEntry("Delete", "", False, "select a job", "Delete the job")]
    pal = CommandPalette(entries)
    pal.show()
    check(themes, pal, "command-palette", (640, 420))
    spec = SpecEditorDialog()
    spec.show()
    check(themes, spec, "spec-editor")
    reflection = ReflectionDialog("127.0.0.1:7000")
    reflection.show()
    check(themes, reflection, "reflection-dialog", (640, 300))
    from console.views.proto_assign import TypeChooserDialog
    from console.views.proto_edit_actions import RawFieldDialog, SavePreviewDialog

    small = [(TypeChooserDialog(editor, ["pelorus.v1.JobSpec", "pelorus.v1.PodSpec"], "field 7"), "assign-type"),
             (RawFieldDialog(editor, "after name", 99), "raw-field"),
             (SavePreviewDialog(editor, "/tmp/spec.bin", "@12 +3: 0a 03 …", "1 edit"), "save-preview")]
    for dialog, shot in small:
        dialog.show()
        check(themes, dialog, shot, (640, 420))
    for dialog in (spec, reflection, pal, *(d for d, _s in small)):  # Tab reads them as they are laid out
        assert len(tab_stops(dialog)) >= 2 and out_of_reading_order(dialog) == [], dialog
    for w in (window, page, compare, pal, spec, reflection, *(d for d, _s in small)):
        w.close()
        w.deleteLater()
    editor.close_tasks()


@pytest.mark.slow
def test_main_window_detail_and_confirmations_are_named(qloop: Any, tmp_path: Path,
                                                        themes: theme.ThemeController) -> None:
    """The windows of a session, built without an engine: the walk reads widgets, not data.
    (Screenshots with live data: tests/gui/test_theme.py and the other GUI tests.)"""
    from console import actions
    from console.actions import ConfirmRequest, JobFacts
    from console.session import Session, SessionOptions
    from console.views.confirm import ConfirmDialog
    from console.views.main_window import MainWindow
    from console.views.spec_editor import SpecEditorDialog

    session = Session(SessionOptions(data_dir=tmp_path / "data", profiles_dir=tmp_path / "profiles"))
    win = MainWindow(session)
    win.show()
    try:
        check(themes, win, "main-window")
        win.tabs.setCurrentIndex(1)
        check(themes, win, "main-window-protobuf")
        win.tabs.setCurrentIndex(0)
        facts = [JobFacts("job-1", "nightly-etl", running_pods=2)]
        for name in (actions.Name.RESTART, actions.Name.FORCE_DELETE):
            dialog = ConfirmDialog(win, ConfirmRequest(actions.ACTIONS[name], facts, {}))
            dialog.show()
            check(themes, dialog, f"confirm-{name.value}", (700, 480))
            dialog.close()
        spec = SpecEditorDialog(win)
        spec.show()
        check(themes, spec, "new-job")
        spec.close()
        from console.views.engine_stop import EngineStopDialog
        from console.views.spec_editor import ConflictDialog

        for dialog, shot in ((ConflictDialog(win, "name: a\n", "name: b\n", "name: c\n", 4), "conflict"),
                             (EngineStopDialog(win), "engine-stop")):
            dialog.show()
            check(themes, dialog, shot, (900, 600))
            dialog.close()
        win.show_shortcuts()
        box = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible())
        check(themes, box, "shortcuts", (700, 600))
        box.close()

        win._add_profile()  # opened, not exec'd: the walk reads it as it is
        from console.views.connection_dialog import ConnectionDialog

        connection = win.findChild(ConnectionDialog)
        assert connection is not None and connection.isVisible()
        check(themes, connection, "connection-dialog", (640, 320))
        assert out_of_reading_order(connection) == []
        connection.reject()
    finally:
        win._closing = True
        win.close()


@pytest.mark.slow
def test_job_detail_is_named(embedded_window: Any, qloop: Any) -> None:
    """The job detail on a live job, every tab (names only: the theme switches run elsewhere)."""
    from console.views.job_detail import JobDetailDialog

    win = embedded_window

    async def body() -> None:
        job_id = await win.session.create_job(sh_spec("a11y-web", "echo '::progress successful=1 failed=0 "
                                                      "remaining=1'; sleep 2", instances=2), "a11y-1")
        await until(lambda: win.session.jobs_model.row_of(job_id) is not None, what="listed")
        assert win.panel.proxy.headerData(0, Qt.Orientation.Vertical,
                                          Qt.ItemDataRole.AccessibleTextRole) == "a11y-web"  # the row header
        win.resize(1280, 800)
        win.open_job(job_id)
        detail: JobDetailDialog = await job_tab(win, job_id)  # a tab of the main window
        for i in range(detail.tabs.count()):
            detail.tabs.setCurrentIndex(i)
            await asyncio.sleep(0.2)
            assert unnamed(detail) == [], detail.tabs.tabText(i)
            assert out_of_reading_order(win) == [], detail.tabs.tabText(i)  # the job tab in the window
        assert unnamed(win) == []  # the job tab's own toolbar too

    run(qloop, body(), timeout=60)


def test_the_timeline_charts_and_hex_pane_work_from_the_keyboard(qapp: Any) -> None:
    from console.models.timeline import Timeline
    from console.views.progress_chart import ProgressChart
    from console.views.proto_hex import HexView
    from console.views.timeline_view import TimelineView

    view = TimelineView()
    tl = Timeline(lanes=["job", "instance 0", "instance 1"], instances=[-1, 0, 1])
    view.set_timeline(tl)
    view.resize(600, 200)
    view.show()
    clicked: list[int] = []
    view.instanceClicked.connect(clicked.append)
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_Down)
    QTest.keyClick(view, Qt.Key.Key_Down)
    QTest.keyClick(view, Qt.Key.Key_Return)
    QTest.keyClick(view, Qt.Key.Key_Up)
    QTest.keyClick(view, Qt.Key.Key_Enter)
    assert clicked == [1, 0] and view.current_lane == 1
    assert "instance 0" in view.accessibleDescription()
    view.close()

    chart = ProgressChart()
    chart.resize(700, 500)
    chart.show()
    assert chart.graphics.focusPolicy() & Qt.FocusPolicy.TabFocus
    chart.graphics.setFocus()
    QTest.keyClick(chart.graphics, Qt.Key.Key_Right)
    assert chart.key_x is not None and all(line.isVisible() for line in chart.cross)
    x = chart.key_x
    QTest.keyClick(chart.graphics, Qt.Key.Key_Right)
    assert chart.key_x > x
    span = chart.burnup.vb.viewRange()[0]
    QTest.keyClick(chart.graphics, Qt.Key.Key_Plus)
    zoomed = chart.burnup.vb.viewRange()[0]
    assert zoomed[1] - zoomed[0] < span[1] - span[0]
    QTest.keyClick(chart.graphics, Qt.Key.Key_Return)
    assert chart.key_x is None
    chart.close()
    chart.stop()

    hexview = HexView()
    hexview.hex_model.set_data(b"\x08\x96\x01\x12\x03abc")
    hexview.show()
    bytes_hit: list[int] = []
    hexview.byteClicked.connect(bytes_hit.append)
    hexview.setFocus()
    hexview.setCurrentIndex(hexview.hex_model.index(0, 0))
    QTest.keyClick(hexview, Qt.Key.Key_Right)
    QTest.keyClick(hexview, Qt.Key.Key_Right)
    QTest.keyClick(hexview, Qt.Key.Key_Return)
    assert bytes_hit[-1:] == [2]
    assert hexview.hex_model.headerData(0, Qt.Orientation.Vertical) == "00000000"
    hexview.close()
