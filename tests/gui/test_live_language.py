"""View ▸ Language changes every open window at once: the main window, a job's tab, a job detail
window and the protobuf editor (with its Call panel) show the new language without a restart.

The check: after the switch, no visible text is an English message whose Chinese differs (and back),
and the protobuf editor shows the same texts as one built in Chinese from the start.
"""

from __future__ import annotations

import asyncio
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from enginehelp import sh_spec
from guihelp import run, until
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTabWidget,
    QTextEdit,
    QWidget,
)

from console import i18n
from console.views.main_window import MainWindow

SHOTS = Path("/tmp/shots-lang19b")
TS = Path(__file__).resolve().parents[2] / "resources" / "i18n" / "pelorus_zh_CN.ts"


@pytest.fixture
def english(qapp: Any) -> Iterator[None]:
    before = QLocale()
    i18n.save_choice(i18n.ENGLISH)
    i18n.install(i18n.ENGLISH, qapp)
    yield
    i18n.uninstall(qapp)
    QLocale.setDefault(before)


def visible_texts(root: QWidget) -> list[str]:
    """What ``root`` shows in words: labels, buttons, tabs, group titles, placeholders, combo items."""
    out = [root.windowTitle()]
    for w in [root, *root.findChildren(QWidget)]:
        if not w.isVisibleTo(root) and w is not root:
            continue
        if isinstance(w, QLabel):
            out.append(w.text())
        elif isinstance(w, QAbstractButton):
            out.append(w.text())
        elif isinstance(w, QGroupBox):
            out.append(w.title())
        elif isinstance(w, (QLineEdit, QPlainTextEdit, QTextEdit)):
            out.append(w.placeholderText())
        if isinstance(w, QTabWidget):
            out += [w.tabText(i) for i in range(w.count())]
        elif isinstance(w, QComboBox):
            out += [w.itemText(i) for i in range(w.count())]
        out.append(w.toolTip())
    return [t.strip() for t in out if t.strip() and not re.search(r"<[a-zA-Z/]", t)]


def english_only() -> set[str]:
    """English messages (without placeholders) whose Chinese is different: one of them on screen after
    the switch to Chinese is a text that did not follow."""
    out = set()
    for m in ET.parse(TS).getroot().iter("message"):
        src, tr = m.findtext("source") or "", m.find("translation")
        text = tr.text if tr is not None and tr.get("type") != "unfinished" else None
        if text and text != src and "{" not in src and "%" not in src and re.search(r"[a-z]{3}", src):
            out.add(src)
    return out


def test_switching_language_changes_every_open_window(english: None, embedded_window: MainWindow,
                                                       qloop: Any, qapp: Any) -> None:
    from console.views.call_panel import protobuf_page
    from console.views.job_detail import JobDetailDialog
    from console.views.proto_editor import ProtoEditor

    win = embedded_window
    session = win.session
    detail: list[JobDetailDialog] = []
    leftovers: dict[str, list[str]] = {}
    english_messages = english_only()

    async def body() -> None:
        job_id = await session.create_job(sh_spec("live-language", "sleep 30", instances=2), "live-language")
        tab = win.open_job(job_id)
        await until(lambda: tab.pods_model.rowCount() == 2, what="the job's tab lists its pods")
        dialog = JobDetailDialog(session, job_id)
        dialog.resize(1280, 800)
        dialog.show()
        await dialog.load()
        detail.append(dialog)
        editor = win.proto_editor
        win.tabs.setCurrentWidget(win.proto_page)
        await asyncio.sleep(0.3)
        assert "Open…" in visible_texts(editor) and "Pods" in [dialog.tabs.tabText(i)
                                                               for i in range(dialog.tabs.count())]

        win.set_language(i18n.CHINESE)  # View ▸ Language ▸ 简体中文
        await asyncio.sleep(0.3)
        for name, root in (("main window", win.proto_page), ("job tab", tab), ("job detail", dialog),
                           ("protobuf editor", editor)):
            left = [t for t in visible_texts(root) if t in english_messages]
            if left:
                leftovers[name] = left
        win.tabs.setCurrentIndex(0)
        await asyncio.sleep(0.2)
        left = [t for t in visible_texts(win) if t in english_messages]
        if left:
            leftovers["main window"] = left
        assert "已启动内置引擎（数据位于 " in win.message_label.text(), win.message_label.text()
        SHOTS.mkdir(parents=True, exist_ok=True)
        win.grab().save(str(SHOTS / "live-main-window.png"))
        dialog.grab().save(str(SHOTS / "live-job-detail.png"))
        win.tabs.setCurrentWidget(win.proto_page)
        await asyncio.sleep(0.2)
        win.grab().save(str(SHOTS / "live-protobuf.png"))

        # the editor now says what one built in Chinese says
        page, _panel = protobuf_page(ProtoEditor())
        page.resize(win.proto_page.size())
        page.show()
        fresh = page.editor
        await asyncio.sleep(0.2)
        now, built = set(visible_texts(editor)), set(visible_texts(fresh))
        Path("/tmp/lang19b/diff.txt").write_text(repr((sorted(now - built), sorted(built - now), leftovers)))
        assert now == built, (sorted(now - built), sorted(built - now), leftovers)
        _panel.close_tasks()
        page.close()

        win.set_language(i18n.ENGLISH)  # and back
        await asyncio.sleep(0.2)
        assert "Open…" in visible_texts(editor) and "Pods" in [dialog.tabs.tabText(i)
                                                               for i in range(dialog.tabs.count())]
        dialog.close()

    try:
        run(qloop, body(), timeout=90)
    finally:
        for w in QApplication.topLevelWidgets():
            if isinstance(w, JobDetailDialog):
                w.close()
    assert not leftovers, leftovers


def test_the_endpoint_fields_follow_a_language_change(english: None, qapp: Any) -> None:
    """The address / token / CA fields both connection dialogs share (EndpointForm) change with the
    rest: their texts are found in the form's own context, not the dialog's. A line in one colour
    (the address's problem) changes too, in the same colour."""
    from console.views import relabel
    from console.views.connection_dialog import ConnectionDialog
    from console.views.reflection_dialog import ReflectionDialog

    dialogs = [ConnectionDialog(), ReflectionDialog(None)]
    for d in dialogs:
        d.show()
    connection = dialogs[0]
    assert isinstance(connection, ConnectionDialog)
    connection.address.setText("no-port")  # the problem line: one sentence in the error colour
    was = connection.problem.text()
    assert "Write it as host:port" in was and was.startswith("<span")
    shown = relabel.snapshot(dialogs)
    i18n.install(i18n.CHINESE, qapp)
    try:
        shown.apply()
        colour = was[:was.index(">") + 1]
        assert connection.problem.text() == colour + "请写成 主机:端口 的形式，例如 jobs.example.com:7443。</span>"
        for d in dialogs:
            labels = {w.text() for w in d.findChildren(QLabel)}
            assert {"地址", "令牌", "TLS CA"} <= labels, labels
            assert d.token.accessibleName() == "Bearer 令牌"  # type: ignore[attr-defined]
            assert d.tls_ca.placeholderText() == "CA 证书（PEM）路径；留空 = 使用系统根证书"  # type: ignore[attr-defined]
    finally:
        i18n.install(i18n.ENGLISH, qapp)
        for d in dialogs:
            d.deleteLater()
