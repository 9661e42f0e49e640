"""The console in Chinese: the main window started with the zh_CN translation finds translated
menus, toolbar, table headers, tooltips, a confirmation and the result sentence, on a real engine.
The translation is installed before the window is built (as console.app does) and removed after."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from enginehelp import sh_spec
from guihelp import open_dialog, run, until
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMenu, QMessageBox, QPlainTextEdit, QToolButton
from zhhelp import SIZE, shoot

from console import i18n
from console.actions import Name
from console.views.command_palette import CommandPalette
from console.views.confirm import ConfirmDialog
from console.views.main_window import MainWindow
from pelorus.api import job_pb2

J = job_pb2


def state_of(win: MainWindow, job_id: str) -> int | None:
    row = win.session.jobs_model.row_of(job_id)
    return None if row is None else win.session.jobs_model.summary(row).status.state


@pytest.mark.slow
def test_the_main_window_in_chinese(chinese: None, embedded_window: MainWindow, qloop: Any, qtbot: Any) -> None:
    win = embedded_window
    menus = [a.text() for a in win.menuBar().actions()]
    assert menus == ["文件(&F)", "编辑(&E)", "视图(&V)", "作业(&J)", "工具(&T)", "帮助(&H)"], menus
    toolbar = [a.text() for a in win.actions_bar.actions() if not a.isSeparator()]
    assert {"新建作业(&N)…", "启动(&S)", "停止(&T)", "重启(&R)…", "暂停(&P)", "删除(&D)"} <= set(toolbar), toolbar
    assert win.actions_by_name[Name.STOP].statusTip() == "停止（终止）所选作业"
    assert win.windowTitle() == "Pelorus" and win.tabs.tabText(0) == "作业"
    model = win.session.jobs_model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers[0] == "名称" and "状态" in headers and any(h.startswith("创建时间 (") for h in headers), headers
    language_menu = win.language_menu
    assert [a.text() for a in language_menu.actions()][1:] == ["English", "简体中文"]
    assert language_menu.actions()[0].text().startswith("跟随系统")
    assert "已连接" in win.conn_label.text()

    async def body() -> None:
        running = await win.session.create_job(sh_spec("长任务", "sleep 60", kill_grace_period=0.3), "zh-run")
        done = await win.session.create_job(sh_spec("quick-ok", "true"), "zh-ok")
        await until(lambda: state_of(win, running) == J.JOB_STATE_RUNNING
                    and state_of(win, done) == J.JOB_STATE_SUCCEEDED, timeout=30, what="running and succeeded")
        win.panel.select_job(done)
        await until(lambda: not win.actions_by_name[Name.STOP].isEnabled(), what="stop disabled on a finished job")
        assert "当前不可用：已结束" in win.actions_by_name[Name.STOP].toolTip()
        win.panel.select_job(running)
        await until(lambda: win.actions_by_name[Name.STOP].isEnabled(), what="stop enabled")
        win.resize(*SIZE)
        await shoot(win, "main-jobs", problems)
        win.show_palette()
        palette = await open_dialog(CommandPalette)
        await shoot(palette, "command-palette", problems)
        palette.close()
        win.show_shortcuts()
        box = await open_dialog(QMessageBox)
        await shoot(box, "keyboard-shortcuts", problems)
        box.close()
        await asyncio.sleep(0.1)
        button = win.actions_bar.widgetForAction(win.actions_by_name[Name.STOP])
        assert isinstance(button, QToolButton)
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        dialog = await open_dialog(ConfirmDialog)
        await shoot(dialog, "confirm-stop", problems)
        assert dialog.windowTitle() == "停止 1 个作业？"
        listing = dialog.findChild(QPlainTextEdit).toPlainText()
        assert "长任务" in listing and "共计：1 个作业" in listing, listing
        cancel = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Cancel)
        assert cancel.text() == "取消"  # Qt's own button, from qtbase_zh_CN.qm
        dialog.ok.click()
        await until(lambda: state_of(win, running) == J.JOB_STATE_KILLED, timeout=20, what="KILLED")
        await until(lambda: "已停止 1 个" in win.message_label.text(), what="the result sentence in Chinese")
        # The language menu: the choice is kept and loaded now, in the whole window, no restart needed
        # (tests/gui/test_live_language.py checks every text of the open windows).
        jobs_menu = win.menuBar().findChild(QMenu, "jobsMenu")
        assert jobs_menu.title() == "作业(&J)"
        win.findChild(type(win.actions_by_name[Name.STOP]), "language_en").trigger()
        assert i18n.saved_choice() == i18n.ENGLISH
        await until(lambda: jobs_menu.title() == "&Jobs", what="the menus in English")
        assert win.actions_by_name[Name.STOP].text() == "S&top" and win.tabs.tabText(0) == "Jobs"
        assert win.session.jobs_model.headerData(0, Qt.Orientation.Horizontal) == "Name"
        assert win.panel.filter_box.placeholderText().startswith("Filter: "), win.panel.filter_box.placeholderText()

    problems: list[str] = []
    run(qloop, body(), timeout=90)
    assert not problems, "\n".join(problems)
