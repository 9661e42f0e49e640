"""The console's top-level window, shown (and painted) before the rest of the console is imported.

`python main.py` shows this frame first (title, the saved geometry, the menu bar's titles and
"Starting…"), lets it paint, then imports asyncio, qasync, grpc, numpy and the views and builds
the MainWindow *into* it (`host`): the operator sees one window from the first paint on, in the
same place, and its content fills in.  This module imports Qt only (bench/startup.py times it), and
not even Qt's ``Qt`` namespace: PySide6 builds its ~90 Python enums on first use (15-25 ms, more than
the rest of this window), so nothing before the first paint touches it (the label's alignment is set
by name) and the console pays for it afterwards.

Once hosted, the MainWindow is the frame's central widget and its menu bar is the frame's (in the
place of the titles shown while starting); the frame follows its title, and closing the frame
is closing the MainWindow (which may ask first, then emits ``closed``).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QByteArray, QCoreApplication, QSettings
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QMenuBar, QWidget

DEFAULT_SIZE = (1400, 820)  # as MainWindow's own
SETTING_GEOMETRY = "main/geometry"  # MainWindow saves it (from the top-level window: this frame)
# The menu bar's titles while starting: the same as MainWindow's, so nothing moves when its bar takes their place.
MENU_TITLES = ("&File", "&Edit", "&View", "&Jobs", "&Tools", "&Help")


class WindowFrame(QMainWindow):
    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("pelorusFrame")
        self.setWindowTitle(QCoreApplication.translate("MainWindow", "Pelorus"))
        self.resize(*DEFAULT_SIZE)
        geometry = QSettings().value(SETTING_GEOMETRY)
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        self.hosted: QMainWindow | None = None
        self.closed_early = False  # closed before the console was built: the app then just exits
        bar = QMenuBar(self)
        for title in MENU_TITLES:  # translated in MainWindow's context, as its own menus are
            bar.addMenu(QCoreApplication.translate("MainWindow", title)).setEnabled(False)
        self.setMenuBar(bar)
        self.starting = QLabel(QCoreApplication.translate("MainWindow", "Starting…"))
        self.starting.setObjectName("startingLabel")
        self.starting.setProperty("alignment", "AlignHCenter|AlignVCenter")  # Qt.AlignCenter, without `Qt`
        self.setCentralWidget(self.starting)

    def host(self, window: QMainWindow) -> None:
        """Put the built MainWindow into this frame: its content, its menu bar, its title."""
        self.hosted = window
        menu_bar = window.menuBar()
        self.setCentralWidget(window)  # (a child now: setParent drops its window flag)
        self.setMenuBar(menu_bar)  # the real menus where the titles were (the old bar is deleted)
        self.setWindowTitle(window.windowTitle())
        window.windowTitleChanged.connect(self.setWindowTitle)
        window.show()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        window = self.hosted
        if window is None:
            self.closed_early = True
            event.accept()
            return
        if window.isHidden():  # the MainWindow has closed (it hides on accepting): the frame goes with it
            event.accept()
            return
        event.ignore()
        window.close()  # MainWindow.closeEvent: may ask first; closes itself, then emits closed


def first_paint_then(frame: QWidget, watch: Callable[[QWidget], None] | None = None) -> None:
    """Show the frame and run Qt's loop until it has painted once (and the rest of that pass).
    ``watch`` (console.startup_probe) installs its own filter on the frame before it is shown, after
    this one's, so it sees the paint first and reports in the same pass.

    Called before any asyncio loop exists (console.app.main), so this is the only loop running."""
    from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer

    loop = QEventLoop()

    class _Painted(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
            if event.type() == QEvent.Type.Paint:
                obj.removeEventFilter(self)
                QTimer.singleShot(0, loop.quit)
            return False

    painted = _Painted(frame)
    frame.installEventFilter(painted)
    if watch is not None:
        watch(frame)
    frame.show()
    QTimer.singleShot(2000, loop.quit)  # no paint (a platform that never exposes it): go on anyway
    loop.exec()
