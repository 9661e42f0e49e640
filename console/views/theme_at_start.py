"""Whether the theme has to be applied before the first window paints, decided cheaply.

`python main.py` paints its window (console.views.window_frame) before the rest of the console is
imported; console.views.theme (and console.models.palette under it) are among what waits, unless the
window would paint in the wrong colours without them: a saved Light or Dark choice (the platform is
asked for that scheme first), or a system whose colour scheme and palette disagree (a dark desktop
whose platform gives Qt a light palette: our palette stands in). Otherwise the platform's palette is
already the one the theme controller keeps, and the controller is made just after the first paint.

Reading the system's scheme the ordinary way (``QStyleHints.colorScheme()``) returns a ``Qt.ColorScheme``,
and the first use of PySide6's ``Qt`` namespace builds all its ~90 Python enums: 15-25 ms, as much as
the rest of the first window. So :func:`system_scheme` calls Qt's C++ getter through ctypes (Linux's
libQt6Gui, already loaded); where that is not possible (another platform, another library name) it
returns None and the caller takes the ordinary way.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtGui import QGuiApplication, QPalette

SETTING = "view/theme"  # console.views.theme.SETTING: "system" (or none), "light", "dark"
UNKNOWN, LIGHT, DARK = 0, 1, 2  # Qt::ColorScheme's values
_GETTER = "_ZNK11QStyleHints11colorSchemeEv"  # QStyleHints::colorScheme() const (Itanium C++ ABI)


def system_scheme(app: QGuiApplication) -> int | None:
    """Qt::ColorScheme's value as the application's style hints give it (UNKNOWN, LIGHT, DARK), read
    without building PySide6's ``Qt`` namespace; None where that cannot be done."""
    try:
        import ctypes
        import os

        from shiboken6 import Shiboken

        lib = ctypes.CDLL("libQt6Gui.so.6", mode=os.RTLD_NOLOAD | os.RTLD_LAZY)  # the one PySide6 loaded
        getter = getattr(lib, _GETTER)
        getter.restype = ctypes.c_int
        getter.argtypes = [ctypes.c_void_p]
        value = int(getter(Shiboken.getCppPointer(app.styleHints())[0]))
    except (OSError, AttributeError, ImportError, TypeError, ValueError):
        return None
    return value if value in (UNKNOWN, LIGHT, DARK) else None


def palette_is_dark(p: QPalette) -> bool:
    """As console.views.theme._is_dark: the window darker than its text."""
    return p.color(QPalette.ColorRole.Window).lightness() < p.color(QPalette.ColorRole.WindowText).lightness()


def needed_before_paint(app: QGuiApplication) -> bool:
    """True when the window would paint in other colours than the theme controller's: make the
    controller first. False: the saved mode follows the system, and the platform's palette is
    already of the system's scheme (what the controller keeps), so it can come after the paint."""
    if str(QSettings().value(SETTING, "system")) in ("light", "dark"):
        return True  # an explicit choice: the platform is asked for it before anything paints
    scheme = system_scheme(app)
    if scheme is None:
        return True
    return palette_is_dark(QGuiApplication.palette()) != (scheme == DARK)
