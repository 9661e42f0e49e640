"""Job details as tabs of the main window, several at once, beside the Jobs tab.

An operator used to Lens or a browser opens a job (Enter, double-click, the palette) and gets a tab
named after it; the Jobs tab stays one click (or Ctrl+Tab) away and nothing covers the main
toolbar.  Each job tab is a ``JobTab``: the job's own toolbar over its ``JobDetail``.  The toolbar
holds the window's QActions (one per row of the action table), which act on the job of the tab in
front and are enabled by that job's state (``MainWindow.target_job_ids``), so a shortcut in a job
tab acts on that job and never on rows selected in the table behind it.

A tab's text follows the detail's title ("name — STATE", from the jobs table's row); a tab out of
sight is hidden, so its detail streams slowly (``JobDetail.set_background``) until it is in front
again, and so do all of them while the window is minimised.  Ctrl+W, the tab's close button or a
middle click on the tab closes it and ends its streams.  (The middle click is handled by the tab
bar itself, a ``JobTabBar``: Qt 6.11's bar does it on its own, 6.10's may not, and an event filter
on the bar from Python crashed the interpreter at exit, the bar being destroyed before its
filter.)  The window saves the open job tabs with its other settings and opens them again at the
next start (``open(..., front=False)``).

Signals:
    currentJobChanged(str): the job tab in front changed ("" when the Jobs or another fixed tab is).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QAction, QMouseEvent
from PySide6.QtWidgets import QTabBar, QTabWidget, QToolBar, QVBoxLayout, QWidget

from console.session import Session

if TYPE_CHECKING:  # imported when the first job opens: it pulls in pyqtgraph (start-up time)
    from console.views.job_detail import JobDetail


class JobTab(QWidget):
    """One job's page: its toolbar of job actions above its detail."""

    def __init__(self, detail: JobDetail, actions: Sequence[QAction | None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("jobTab")
        self.detail = detail
        self.toolbar = QToolBar(self.tr("Job actions"))
        self.toolbar.setObjectName("jobToolbar")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for action in actions:
            if action is None:
                self.toolbar.addSeparator()
            else:
                self.toolbar.addAction(action)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.toolbar)
        layout.addWidget(detail, 1)

    @property
    def job_id(self) -> str:
        return self.detail.job_id


class JobTabBar(QTabBar):
    """The main window's tab bar: a middle click on a tab asks to close it (tabCloseRequested), as
    in browsers and file managers; the window's fixed tabs ignore the request."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._middle_pressed = -1

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        if event.button() == Qt.MouseButton.MiddleButton:
            self._middle_pressed = self.tabAt(event.position().toPoint())
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        if event.button() == Qt.MouseButton.MiddleButton:
            index = self.tabAt(event.position().toPoint())
            pressed, self._middle_pressed = self._middle_pressed, -1
            if index >= 0 and index == pressed:  # released on the tab it was pressed on
                self.tabCloseRequested.emit(index)
            event.accept()
            return
        super().mouseReleaseEvent(event)


def tab_text(title: str) -> str:
    """A tab's text from the detail's title: "Job web — RUNNING" -> "web — RUNNING"."""
    return title.removeprefix("Job ")


class DetailTabs(QObject):
    currentJobChanged = Signal(str)

    def __init__(self, tabs: QTabWidget, session: Session, actions: Sequence[QAction | None],
                 spawn: Callable[[Any], object]) -> None:
        super().__init__(tabs)
        self.tabs = tabs
        self.session = session
        self._actions = list(actions)
        self._spawn = spawn
        self.details: dict[str, JobDetail] = {}  # open details by job id
        self._fixed = tabs.count()  # the tabs there before any job's (Jobs, Protobuf): never closed
        tabs.setTabsClosable(True)
        tabs.setMovable(False)
        bar = tabs.tabBar()
        bar.setElideMode(Qt.TextElideMode.ElideMiddle)
        bar.setUsesScrollButtons(True)
        for i in range(self._fixed):
            for side in (QTabBar.ButtonPosition.RightSide, QTabBar.ButtonPosition.LeftSide):
                bar.setTabButton(i, side, None)  # None removes the close button
        tabs.window().installEventFilter(self)  # minimised: every job tab streams slowly
        tabs.tabCloseRequested.connect(self._close_index)
        tabs.currentChanged.connect(lambda _i: self.currentJobChanged.emit(self.current_job_id() or ""))

    # -- what is open ---------------------------------------------------------------------------
    def current_tab(self) -> JobTab | None:
        page = self.tabs.currentWidget()
        return page if isinstance(page, JobTab) else None

    def current_job_id(self) -> str | None:
        tab = self.current_tab()
        return tab.job_id if tab is not None else None

    def current_detail(self) -> JobDetail | None:
        tab = self.current_tab()
        return tab.detail if tab is not None else None

    def tab_of(self, job_id: str) -> JobTab | None:
        detail = self.details.get(job_id)
        parent = detail.parentWidget() if detail is not None else None
        return parent if isinstance(parent, JobTab) else None

    def job_tabs(self) -> list[JobTab]:
        return [w for i in range(self.tabs.count()) if isinstance(w := self.tabs.widget(i), JobTab)]

    # -- open / close ---------------------------------------------------------------------------
    def job_ids(self) -> list[str]:
        """The jobs of the open job tabs, in tab order."""
        return [tab.job_id for tab in self.job_tabs()]

    def open(self, job_id: str, front: bool = True) -> JobDetail:
        """Bring the job's tab to the front, opening it (and its streams) if it is not open yet;
        ``front=False`` opens it behind the tab in front (tabs restored at start-up)."""
        have = self.tab_of(job_id)
        if have is not None:
            if front:
                self.tabs.setCurrentWidget(have)
            return have.detail
        from console.views.job_detail import JobDetail

        detail = JobDetail(self.session, job_id)
        tab = JobTab(detail, self._actions)
        self.details[job_id] = detail
        index = self.tabs.addTab(tab, tab_text(detail.windowTitle()))
        self.tabs.setTabToolTip(index, job_id)
        self._name_close_button(index, detail.windowTitle())
        detail.windowTitleChanged.connect(lambda title, t=tab: self._retitle(t, title))
        if front:
            self.tabs.setCurrentIndex(index)
        else:
            detail.set_background(True)  # out of sight: it streams slowly until it is in front
        self._spawn(detail.load())
        return detail

    def _retitle(self, tab: JobTab, title: str) -> None:
        index = self.tabs.indexOf(tab)
        if index >= 0:
            self.tabs.setTabText(index, tab_text(title))
            self.tabs.setTabToolTip(index, f"{title}\n{tab.job_id}")
            self._name_close_button(index, title)

    def _name_close_button(self, index: int, title: str) -> None:
        """The tab's close button says what it closes (screen readers read the name)."""
        button = self.tabs.tabBar().tabButton(index, QTabBar.ButtonPosition.RightSide)
        if button is not None:
            button.setAccessibleName(self.tr("Close the tab of {0}").format(tab_text(title)))

    def close_job(self, job_id: str) -> bool:
        tab = self.tab_of(job_id)
        if tab is None:
            return False
        self._close_index(self.tabs.indexOf(tab))
        return True

    def close_current(self) -> bool:
        """Ctrl+W: close the job tab in front (the fixed tabs stay)."""
        tab = self.current_tab()
        if tab is None:
            return False
        self._close_index(self.tabs.indexOf(tab))
        return True

    def _close_index(self, index: int) -> None:
        page = self.tabs.widget(index)
        if not isinstance(page, JobTab):
            return
        detail = page.detail
        detail.close()  # its closeEvent ends the streams
        detail.stop_streams()  # (a widget never shown gets no closeEvent)
        if self.details.get(page.job_id) is detail:
            del self.details[page.job_id]
        self.tabs.removeTab(index)
        page.deleteLater()

    def close_all(self) -> None:
        for tab in self.job_tabs():
            self._close_index(self.tabs.indexOf(tab))

    def cycle(self, step: int) -> None:
        """Ctrl+Tab / Ctrl+Shift+Tab: the next / previous tab, wrapping around."""
        count = self.tabs.count()
        if count > 1:
            self.tabs.setCurrentIndex((self.tabs.currentIndex() + step) % count)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        tabs = getattr(self, "tabs", None)  # cleared by the cycle collector before Qt lets go: see CommandPalette
        if tabs is not None and obj is tabs.window() and event.type() == QEvent.Type.WindowStateChange:
            minimised = tabs.window().isMinimized()
            for detail in self.details.values():
                detail.set_background(minimised or not detail.isVisible())
            return False
        return super().eventFilter(obj, event)
