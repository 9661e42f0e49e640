"""Light or dark: follows the system's colour scheme, live, unless the View menu's Theme says otherwise.

The choice (System / Light / Dark) is a view setting in QSettings. The system's scheme comes from
Qt (QStyleHints.colorScheme and colorSchemeChanged). Where the platform has a palette of the
wanted scheme (it follows QStyleHints.setColorScheme, or already is that scheme) its own palette
and style stay; where it has none (offscreen, a desktop without a dark palette) the Fusion style
with the theme's QPalette (console/models/palette.py) stands in. Switching recolours the palette's
live colours in place, rewrites the colours baked into labels' rich text and style sheets, and
repaints every widget; what draws its own colours (charts) listens to palette.notifier().

The application's style is replaced at most once a session: the first time the platform's palette
does not fit, Fusion is installed and then kept (switching back to the platform's palette keeps it;
Fusion draws with whatever palette it is given); the platform's own style comes back at the next
start. Replacing the style makes Qt send every widget of the application, shown or not, a
StyleChange at once (QApplication::setStyle), and each scroll area lays out its children there:
a stale hidden scroll area whose viewport had gone (seen in the GUI suite: a QPlainTextEdit in a
confirmation dialog left behind under an old main window) made that a segmentation fault inside
setStyle, 1 full test run in 4. Palettes alone never send StyleChange.
"""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtCore import QCoreApplication, QObject, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QMenu, QStyleFactory

from console.models import palette
from console.views.theme_at_start import SETTING  # (there: read before the first paint)


class Mode(StrEnum):
    SYSTEM = "system"
    LIGHT = "light"
    DARK = "dark"


def saved_mode() -> Mode:
    """The View menu's last choice (System when none, or when the setting is not one we know)."""
    saved = str(QSettings().value(SETTING, Mode.SYSTEM.value))
    return Mode(saved) if saved in {m.value for m in Mode} else Mode.SYSTEM


def _is_dark(p: QPalette) -> bool:
    return p.color(QPalette.ColorRole.Window).lightness() < p.color(QPalette.ColorRole.WindowText).lightness()


class ThemeController(QObject):
    """The application's theme: the saved mode, the system's scheme, and what it takes to switch.

    Signals:
        changed(str): the theme now shown ("light" / "dark").
    """

    changed = Signal(str)

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self._app = app
        self._native_style = app.style().name()  # (the platform's style: the one the session started with)
        self._fallback = False  # our QPalette stands in for the platform's (on Fusion)
        self._system = app.styleHints().colorScheme()
        self.mode = saved_mode()
        app.styleHints().colorSchemeChanged.connect(self._on_system_scheme)
        self.apply()

    # -- what is wanted ---------------------------------------------------------------------
    def wanted(self) -> palette.Theme:
        """The theme the mode asks for (System: the system's scheme; unknown reads as light)."""
        if self.mode is Mode.SYSTEM:
            return palette.DARK if self._system == Qt.ColorScheme.Dark else palette.LIGHT
        return palette.DARK if self.mode is Mode.DARK else palette.LIGHT

    def set_mode(self, mode: Mode) -> None:
        """The View menu's choice: saved, and shown at once."""
        self.mode = mode
        QSettings().setValue(SETTING, mode.value)
        self.apply()

    def _on_system_scheme(self, scheme: Qt.ColorScheme) -> None:
        if scheme == self._system:
            return
        self._system = scheme
        if self.mode is Mode.SYSTEM:
            self.apply()

    # -- switching ------------------------------------------------------------------------------
    def apply(self) -> None:
        theme = self.wanted()
        hints = self._app.styleHints()
        requested = {Mode.SYSTEM: Qt.ColorScheme.Unknown, Mode.LIGHT: Qt.ColorScheme.Light,
                     Mode.DARK: Qt.ColorScheme.Dark}[self.mode]
        if self.mode is not Mode.SYSTEM or hints.colorScheme() != self._system:
            hints.setColorScheme(requested)  # ask the platform first (Qt 6.8+; a no-op where unsupported)
        self._set_qt_palette(theme)
        if palette.apply(theme) or self._fallback:
            self._retheme_widgets()
        self.changed.emit(theme.name)

    def _set_qt_palette(self, theme: palette.Theme) -> None:
        if self._fallback:  # back to the platform's palette (the style stays), then see whether it fits
            self._app.setPalette(QPalette())
            self._fallback = False
        if _is_dark(QGuiApplication.palette()) != (theme is palette.DARK):
            self._use_fusion()  # a style that draws with the palette it is given
            self._app.setPalette(palette.qpalette(theme))
            self._fallback = True

    def _use_fusion(self) -> None:
        """Fusion as the application's style, installed only when another one is in use (once a
        session: it is never replaced again, see the module's docstring)."""
        if self._app.style().name().lower() != "fusion" and "Fusion" in QStyleFactory.keys():
            self._app.setStyle("Fusion")

    def _retheme_widgets(self) -> None:
        """Colours baked into rich text and style sheets (palette.css / span) in the new values."""
        for w in QApplication.allWidgets():
            sheet = w.styleSheet()
            if "/*pal:" in sheet:
                w.setStyleSheet(palette.retheme(sheet))
            tip = w.toolTip()
            if "/*pal:" in tip:
                w.setToolTip(palette.retheme(tip))
            if isinstance(w, QLabel) and "/*pal:" in w.text():
                w.setText(palette.retheme(w.text()))
            w.update()

    # -- the View menu ---------------------------------------------------------------------------
    def add_menu(self, menu: QMenu) -> QMenu:
        """A "Theme" submenu (System / Light / Dark, one checked) in `menu`."""
        return add_menu(menu)


def add_menu(menu: QMenu) -> QMenu:
    """A "Theme" submenu (System / Light / Dark, the saved mode checked) in `menu`, made without the
    controller: a choice makes it (``controller().set_mode``).  The main window builds this menu
    before its first rows show, and the controller waits until then (console.app: when the platform's
    palette is already the theme's, making it changes nothing on screen)."""
    sub = menu.addMenu(QCoreApplication.translate("ThemeController", "&Theme"))
    sub.setObjectName("themeMenu")
    group = QActionGroup(sub)
    group.setExclusive(True)
    labels = {Mode.SYSTEM: QCoreApplication.translate("ThemeController", "Follow the &system"),
              Mode.LIGHT: QCoreApplication.translate("ThemeController", "&Light"),
              Mode.DARK: QCoreApplication.translate("ThemeController", "&Dark")}
    mode_now = _controller.mode if _controller is not None else saved_mode()
    for mode, label in labels.items():
        action = QAction(label, sub)
        action.setObjectName(f"theme_{mode.value}")
        action.setCheckable(True)
        action.setChecked(mode is mode_now)
        action.triggered.connect(lambda _checked=False, m=mode: controller().set_mode(m))
        group.addAction(action)
        sub.addAction(action)
    sub.actions()[0].setToolTip(
        QCoreApplication.translate("ThemeController", "Light or dark as the desktop is, switching when it switches"))
    return sub


_controller: ThemeController | None = None


def controller() -> ThemeController:
    """The application's theme controller (made, and the saved theme applied, on first use)."""
    global _controller
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    if _controller is None:
        _controller = ThemeController(app)
    return _controller
