"""The jobs table as an operator of k9s / Lens expects it (issue 17): the state chips and a typed
``state:`` are one filter, named saved views in the View menu, exports of what is shown (CSV and
JSON, read back and compared with GetJob / ListPods), a palette that finds jobs by name, id and
label with recent items first, and a desktop menu bar with one shortcut per action.
Real main window on a real embedded engine (offscreen)."""

from __future__ import annotations

import csv
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from enginehelp import sh_spec
from followhelp import table_state
from guihelp import job_tab, open_dialog, run, screenshot, until
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QFileDialog, QMenu, QMessageBox

from console.actions import ACTIONS, Name
from console.models.jobs_table import Column
from console.models.pods_table import PodColumn
from console.views import saved_views
from console.views.command_palette import SETTING_RECENT, CommandPalette
from console.views.main_window import MainWindow
from pelorus.api import job_pb2, pod_pb2

J = job_pb2


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


async def export_to(dialog: QFileDialog, path: Path) -> None:
    """Choose ``path`` in the (Qt, non-native) save dialog and accept it."""
    assert dialog.isVisible() and dialog.acceptMode() == QFileDialog.AcceptMode.AcceptSave
    dialog.selectFile(str(path))
    dialog.accept()


def test_chips_and_typed_state_are_one_filter(embedded_window: MainWindow, qloop: Any, qtbot: Any) -> None:
    win = embedded_window
    panel = win.panel

    async def body() -> None:
        ok = await win.session.create_job(sh_spec("chip-ok", "true"), "chip-1")
        bad = await win.session.create_job(sh_spec("chip-bad", "exit 3"), "chip-2")
        await until(lambda: table_state(win.session, ok) == "SUCCEEDED" and table_state(win.session, bad) == "FAILED",
                     timeout=20, what="one succeeded, one failed")
        panel.set_filter_text("chip")
        # A chip writes its state into the text...
        panel.chips["FAILED"].click()
        assert panel.filter_box.text() == "chip state:FAILED"
        assert panel.proxy.rowCount() == 1 and panel.proxy.job_id_at(0) == bad
        panel.chips["SUCCEEDED"].click()
        assert panel.filter_box.text() == "chip state:SUCCEEDED,FAILED" and panel.proxy.rowCount() == 2
        # ...typing a state: term checks the chips it names...
        panel.filter_box.clear()
        panel.filter_box.setFocus()
        qtbot.keyClicks(panel.filter_box, "state:succ")
        assert panel.chips["SUCCEEDED"].isChecked() and not panel.chips["FAILED"].isChecked()
        assert panel.proxy.rowCount() == 1 and panel.proxy.job_id_at(0) == ok
        # ...and unchecking the last chip takes the term away (and with it the filter).
        panel.chips["SUCCEEDED"].click()
        assert panel.filter_box.text() == "" and panel.proxy.rowCount() == 2
        assert not any(c.isChecked() for c in panel.chips.values())
        assert panel.proxy.state_chips() == set()  # one filter: the text's

    run(qloop, body(), timeout=40)


def test_the_completer_never_covers_the_chips_and_closes_when_cleared(embedded_window: MainWindow, qloop: Any,
                                                                     qtbot: Any) -> None:
    win = embedded_window
    panel = win.panel

    async def body() -> None:
        win.activateWindow()
        panel.filter_box.setFocus()
        qtbot.keyClicks(panel.filter_box, "sta")
        popup = panel.filter_box._completer.popup()
        await until(lambda: popup.isVisible(), timeout=5, what="suggestions")
        screenshot(win, "filter-completer")
        shown = popup.geometry()
        for chip in panel.chips.values():
            top_left = chip.mapToGlobal(chip.rect().topLeft())
            chip_rect = chip.rect().translated(top_left)
            assert not shown.intersects(chip_rect), f"the suggestions cover the {chip.text()} chip"
        # Cleared with the clear button (or select-all, delete): the suggestions go.
        panel.filter_box.clear()
        await until(lambda: not popup.isVisible(), timeout=2, what="suggestions closed after clearing")
        qtbot.keyClicks(panel.filter_box, "o")
        await until(lambda: popup.isVisible(), timeout=5, what="suggestions again")
        qtbot.keyClick(panel.filter_box, Qt.Key.Key_Backspace)
        await until(lambda: not popup.isVisible(), timeout=2, what="closed when emptied by typing")

    run(qloop, body(), timeout=30)


def test_saved_views_save_apply_delete_and_persist(embedded_window: MainWindow, qloop: Any, qtbot: Any) -> None:
    win = embedded_window
    panel = win.panel
    views = win.saved_views

    async def body() -> None:
        header = panel.table.horizontalHeader()
        panel.set_filter_text("owner:tests state:failed")
        # the header's context menu hides a column (Name cannot be hidden)
        columns = panel.column_menu()
        by_title = {a.text(): a for a in columns.actions()}
        assert not by_title["Name"].isEnabled() and by_title["Owner"].isChecked()
        by_title["Owner"].trigger()
        assert header.isSectionHidden(int(Column.OWNER)) and not header.isSectionHidden(int(Column.NAME))
        assert not panel.column_menu().actions()[int(Column.OWNER)].isChecked()
        panel.table.sortByColumn(int(Column.NAME), Qt.SortOrder.AscendingOrder)
        # Save current view… asks for a name (offering the filter), from the View menu's action.
        win.actions_by_name[Name.SAVE_VIEW].trigger()
        dialog = views.last_dialog
        assert dialog is not None and dialog.isVisible() and dialog.textValue() == "owner:tests state:failed"
        screenshot(dialog, "saved-views-save-dialog")
        dialog.setTextValue("Failed of tests")
        dialog.accept()
        assert [v.name for v in saved_views.load()] == ["Failed of tests"]
        # Change everything, then pick the view from the menu: all of it comes back.
        panel.set_filter_text("")
        header.setSectionHidden(int(Column.OWNER), False)
        panel.table.sortByColumn(int(Column.CREATED), Qt.SortOrder.DescendingOrder)
        views.menu.popup(win.mapToGlobal(win.rect().center()))
        await until(lambda: views.menu.isVisible(), timeout=5, what="the saved views menu")
        screenshot(views.menu, "saved-views-menu")
        entry = views.menu.findChild(type(win.actions_by_name[Name.SAVE_VIEW]), "view_Failed of tests")
        assert entry is not None
        texts = [a.text() for a in views.menu.actions()]
        assert texts[0].replace("&", "").startswith("Save current view") and "Failed of tests" in texts
        views.menu.hide()
        entry.trigger()
        assert panel.filter_box.text() == "owner:tests state:failed" and panel.chips["FAILED"].isChecked()
        assert header.isSectionHidden(int(Column.OWNER))
        assert panel.proxy.sortColumn() == int(Column.NAME)
        assert panel.proxy.sortOrder() == Qt.SortOrder.AscendingOrder
        # Saving under the same name replaces it; an empty name saves nothing.
        panel.set_filter_text("owner:tests")
        views.save("Failed of tests")
        assert [(v.name, v.filter) for v in saved_views.load()] == [("Failed of tests", "owner:tests")]
        dialog = views.save_current()
        dialog.setTextValue("   ")
        dialog.accept()
        assert len(saved_views.load()) == 1
        # Persisted: a new menu over the same settings lists it; Delete removes it.
        again = saved_views.SavedViews(panel, win)
        assert [a.text() for a in again.menu.actions()][-1] == "Failed of tests"
        delete = again.menu.findChild(QMenu, "deleteViewMenu")
        assert delete is not None
        delete.actions()[0].trigger()
        assert saved_views.load() == []
        # A damaged setting is no view, not a crash.
        QSettings().setValue(saved_views.SETTING, "{not json")
        assert saved_views.load() == []

    run(qloop, body(), timeout=30)


@pytest.mark.slow
def test_export_jobs_pods_and_events_read_back_equal_to_the_engine(embedded_window: MainWindow, qloop: Any,
                                                                   tmp_path: Path) -> None:
    win = embedded_window
    session = win.session
    out = tmp_path / "out"
    out.mkdir()

    async def body() -> None:
        ids = [await session.create_job(sh_spec(f"exp-{n}", "echo hi", instances=2), f"exp-{n}") for n in "abc"]
        other = await session.create_job(sh_spec("not-exported", "true"), "exp-x")
        await until(lambda: all(table_state(session, j) == "SUCCEEDED" for j in [*ids, other]), timeout=30,
                    what="all done")
        win.panel.set_filter_text("exp-")
        win.panel.table.sortByColumn(int(Column.NAME), Qt.SortOrder.DescendingOrder)
        win.panel.table.horizontalHeader().setSectionHidden(int(Column.PRIORITY), True)
        # File > Export… (the jobs as shown), CSV.
        win.actions_by_name[Name.EXPORT].trigger()
        dialog = win.last_export
        assert dialog is not None and dialog.defaultSuffix() == "csv"
        assert dialog.nameFilters() == ["CSV (*.csv)", "JSON (*.json)"]
        screenshot(dialog, "export-dialog")
        await export_to(dialog, out / "jobs")  # no suffix typed: the chosen format's is added
        rows = read_csv(out / "jobs.csv")
        header = win.panel.table.horizontalHeader()
        shown = [header.logicalIndex(v) for v in range(header.count())
                 if not header.isSectionHidden(header.logicalIndex(v))]
        assert list(rows[0]) == [Column(c).name.lower() for c in shown] and "priority" not in rows[0]
        assert [r["name"] for r in rows] == ["exp-c", "exp-b", "exp-a"]  # the filter and the sort
        for r in rows:
            info = (await session.client.get_job(r["id"])).job_info
            st = info.status
            assert r["state"] == "SUCCEEDED" == J.JobState.Name(st.state).removeprefix("JOB_STATE_")
            assert int(r["version"]) == st.version.value
            assert datetime.fromisoformat(r["created"]).timestamp() == pytest.approx(
                st.created_at.seconds + st.created_at.nanos / 1e9, abs=0.001)
            assert r["created"][-6] in "+-" or r["created"].endswith("Z")  # with its zone
        # The same as JSON (numbers stay numbers).
        win.actions_by_name[Name.EXPORT].trigger()
        dialog = win.last_export
        dialog.selectNameFilter("JSON (*.json)")
        dialog.filterSelected.emit("JSON (*.json)")
        assert dialog.defaultSuffix() == "json"
        await export_to(dialog, out / "jobs.json")
        data = json.loads((out / "jobs.json").read_text())
        assert [d["id"] for d in data] == [r["id"] for r in rows] and isinstance(data[0]["version"], int)

        # The pods of one job, from its tab's Pods tab: equal to ListPods.
        win.open_job(ids[0])
        detail = await job_tab(win, ids[0])
        await until(lambda: detail.pods_model.rowCount() == 2, timeout=10, what="pods listed")
        pods_view = detail.pods_view
        detail.tabs.setCurrentWidget(pods_view)
        menu = pods_view.export_button.menu()
        menu.aboutToShow.emit()
        pod_events = pods_view.export_button.entries["export_pod-events_csv"][0]
        assert not pod_events.isEnabled()  # no pod selected: no events to export
        pods_view.export_button.entries["export_pods_json"][0].trigger()
        await export_to(pods_view.export_button.last_dialog, out / "pods.json")
        pods = json.loads((out / "pods.json").read_text())
        truth = {p.pod_name: p for p in await session.client.list_pods(ids[0])}
        assert len(pods) == 2
        for p in pods:
            real = truth[f"{ids[0]}-{p['instance']}"]
            assert p["pod_id"] == real.status.pod_id and p["state"] == "SUCCEEDED" and p["exit"] == 0
            assert datetime.fromisoformat(p["started"]).timestamp() == pytest.approx(
                real.status.started_at.seconds + real.status.started_at.nanos / 1e9, abs=0.001)
        pod_header = pods_view.table.header()
        assert list(pods[0]) == [PodColumn(pod_header.logicalIndex(v)).name.lower() for v in range(pod_header.count())
                                 if not pod_header.isSectionHidden(pod_header.logicalIndex(v))]
        # A pod's events, once one is selected.
        pods_view.select_instance(1)
        await until(lambda: len(pods_view.events_shown) > 0, timeout=10, what="events of instance 1")
        menu.aboutToShow.emit()
        assert pod_events.isEnabled()
        pod_events.trigger()
        await export_to(pods_view.export_button.last_dialog, out / "events.csv")
        events = read_csv(out / "events.csv")
        real_events = await session.pod_events(f"{ids[0]}-1")
        assert [e["state"] for e in events] == [
            pod_pb2.PodState.Name(e.actual_state).removeprefix("POD_STATE_") for e in real_events]
        # The workflow events of the Workflows tab.
        await until(lambda: bool(detail.workflows_shown), timeout=10, what="workflows listed")
        detail.export_workflows_button.menu().aboutToShow.emit()
        detail.export_workflows_button.entries["export_workflow-events_csv"][0].trigger()
        await export_to(detail.export_workflows_button.last_dialog, out / "wf.csv")
        wf_rows = read_csv(out / "wf.csv")
        wfs = await session.list_workflows(ids[0], instance_events=True)
        assert len(wf_rows) == sum(len(w.events) + sum(len(i.events) for i in w.instance_events) for w in wfs) > 0
        assert {r["workflow_id"] for r in wf_rows} == {w.status.workflow_id for w in wfs}

    run(qloop, body(), timeout=90)


def test_an_unwritable_path_is_said_clearly(embedded_window: MainWindow, qloop: Any, tmp_path: Path) -> None:
    win = embedded_window

    async def body() -> None:
        (tmp_path / "a-directory.csv").mkdir()
        win.actions_by_name[Name.EXPORT].trigger()
        dialog = win.last_export
        assert dialog is not None
        from console.views import export

        assert not export.save_file(win, str(tmp_path / "a-directory.csv"), lambda: (["a"], []), "jobs")
        box: QMessageBox = await open_dialog(QMessageBox)
        assert box.objectName() == "exportError"
        assert "a-directory.csv" in box.text() and "Is a directory" in box.text()
        box.close()
        dialog.reject()
        assert not export.save_file(win, str(tmp_path / "missing" / "x.json"), lambda: (["a"], []), "jobs")
        box = await open_dialog(QMessageBox)
        assert "No such file or directory" in box.text()
        box.close()

    run(qloop, body(), timeout=30)


def test_the_palette_finds_jobs_by_name_id_and_label_recent_first(embedded_window: MainWindow, qloop: Any,
                                                                  qtbot: Any) -> None:
    win = embedded_window
    session = win.session

    async def body() -> None:
        spec = sh_spec("pal-api", "true")
        spec.labels["team"] = "payments"
        api = await session.create_job(spec, "pal-api")
        web = await session.create_job(sh_spec("pal-web", "true"), "pal-web")
        await until(lambda: session.jobs_model.row_of(api) is not None and session.jobs_model.row_of(web) is not None,
                    what="listed")

        async def palette(text: str) -> CommandPalette:
            win.activateWindow()
            await until(lambda: QApplication.activeWindow() is win, timeout=5, what="window active")
            qtbot.keyClick(win, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
            found: CommandPalette = await open_dialog(CommandPalette)
            qtbot.keyClicks(found.search, text)
            return found

        def texts(found: CommandPalette) -> list[str]:
            return [found.list.item(i).text() for i in range(found.list.count())]

        found = await palette(api[:6])  # the id's start
        assert any(t.startswith("Open job pal-api") and "id" in t for t in texts(found)), texts(found)
        assert not any("pal-web" in t for t in texts(found))
        found.close()
        found = await palette("team=pay")  # a label
        first = texts(found)
        assert any(t.startswith("Open job pal-api") and "team=payments" in t for t in first), first
        screenshot(found, "palette-finds-job-by-label")
        qtbot.keyClick(found.search, Qt.Key.Key_Return)  # opens it, in its tab
        await job_tab(win, api)
        # Recent first: next time, with nothing typed, the job opened last heads the list; an action
        # chosen then heads it the time after.
        found = await palette("")
        assert texts(found)[0].startswith("Open job pal-api")
        found.close()
        win.tabs.setCurrentWidget(win.panel)
        found = await palette("Refresh")
        qtbot.keyClick(found.search, Qt.Key.Key_Return)
        found = await palette("")
        assert texts(found)[0].startswith("Refresh") and texts(found)[1].startswith("Open job pal-api")
        found.close()
        assert QSettings().value(SETTING_RECENT)[:2] == ["action:refresh", f"job:{api}"]
        # A recent job that is gone is left out, not offered.
        QSettings().setValue(SETTING_RECENT, ["job:no-such-job", "action:refresh"])
        found = await palette("")
        assert texts(found)[0].startswith("Refresh") and not any("no-such-job" in t for t in texts(found))
        found.close()

    run(qloop, body(), timeout=40)


def test_the_menu_bar_and_one_shortcut_per_action(embedded_window: MainWindow, qloop: Any, qtbot: Any) -> None:
    win = embedded_window
    titles = [a.text().replace("&", "") for a in win.menuBar().actions()]
    assert titles == ["File", "Edit", "View", "Jobs", "Tools", "Help"]

    def names(menu_name: str) -> list[str]:
        menu = win.menuBar().findChild(QMenu, menu_name)
        assert menu is not None
        return [a.objectName().removeprefix("action_") for a in menu.actions() if a.objectName()]

    assert names("fileMenu") == ["connect", "export", "open_proto", "close_tab", "quit"]
    assert names("editMenu") == ["copy", "select_all", "filter"]
    assert names("toolsMenu") == ["proto_editor", "call", "palette"]
    assert {n.value for n in ACTIONS if ACTIONS[n].scope.value == "job"} <= set(names("jobsMenu"))
    # Every shortcut of the window is one action's: no key does two things.
    keys: dict[str, str] = {}
    for action in win.findChildren(type(win.actions_by_name[Name.STOP])):
        for seq in action.shortcuts():
            text = seq.toString()
            assert text not in keys, f"{text} is both {keys[text]} and {action.objectName()}"
            keys[text] = action.objectName()
    assert keys["Ctrl+W"] == "action_close_tab" and keys["Ctrl+Q"] == "action_quit"
    assert QKeySequence("Ctrl+Shift+E").toString() in keys

    async def body() -> None:
        # Edit > Copy on the jobs table copies the selected rows, as tab-separated text.
        job_id = await win.session.create_job(sh_spec("copy-me", "true"), "copy-1")
        await until(lambda: win.panel.select_job(job_id), what="listed")
        win.panel.table.setFocus()
        win.actions_by_name[Name.COPY].trigger()
        copied = QApplication.clipboard().text()
        assert copied.startswith("copy-me\t") and job_id[:8] in copied
        # The key does the same (the table takes no Ctrl+C of its own that copies one cell).
        QApplication.clipboard().setText("")
        win.activateWindow()
        await until(lambda: QApplication.activeWindow() is win, timeout=5, what="window active")
        qtbot.keyClick(win.panel.table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
        assert QApplication.clipboard().text() == copied
        # Ctrl+C in the filter box copies its text, not the rows.
        win.panel.set_filter_text("copy-me")
        win.panel.filter_box.setFocus()
        win.panel.filter_box.selectAll()
        qtbot.keyClick(win.panel.filter_box, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
        assert QApplication.clipboard().text() == "copy-me"
        # Tools > Protobuf editor shows it.
        win.actions_by_name[Name.PROTO_EDITOR].trigger()
        assert win.tabs.currentWidget() is win.proto_page

    run(qloop, body(), timeout=30)
