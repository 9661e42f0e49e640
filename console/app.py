"""`python main.py`: the console on the embedded engine (or `--connect HOST:PORT`).

One asyncio loop (qasync's, on Qt's event loop) runs everything: grpc.aio channels are
created inside coroutines on it. On quit: the window decides about the embedded engine,
then the session cancels its stream tasks and closes its channel, then the loop stops.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import logging
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication

from console import i18n, startup_marks
from console.ui_thread_gc import collect_on_ui_thread
from console.views.window_frame import WindowFrame, first_paint_then

if TYPE_CHECKING:
    from console.views.main_window import MainWindow

log = logging.getLogger("pelorus.app")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="main.py", description="Pelorus console")
    p.add_argument("--connect", metavar="HOST:PORT", help="open on a remote engine instead of the embedded one")
    p.add_argument("--tls-ca", type=Path, help="CA certificate (PEM) that signed the remote engine's certificate")
    p.add_argument("--token-file", type=Path, help="file holding the bearer token for the remote engine")
    p.add_argument("--insecure", action="store_true", help="connect to --connect without TLS")
    p.add_argument("--data-dir", type=Path, help="the embedded engine's data directory")
    p.add_argument("--read-only", action="store_true", help="disable every action that changes anything")
    return p


_VALUED = {"--connect": str, "--tls-ca": Path, "--token-file": Path, "--data-dir": Path}
_FLAGS = ("--insecure", "--read-only")


def quick_args(argv: list[str]) -> argparse.Namespace | None:
    """``build_parser().parse_args(argv)`` for the plain spellings (``--opt VALUE``, ``--opt=VALUE``,
    the flags), without building the parser: its help texts go through gettext, which searches for
    catalogues and imports locale, a few ms before the first paint. None for anything else (an
    abbreviation, --help, a mistake): argparse then answers as it always did."""
    ns = argparse.Namespace(**{k[2:].replace("-", "_"): None for k in _VALUED},
                            **{k[2:].replace("-", "_"): False for k in _FLAGS})
    i = 0
    while i < len(argv):
        arg = argv[i]
        name, eq, value = arg.partition("=")
        if name in _FLAGS and not eq:
            setattr(ns, name[2:].replace("-", "_"), True)
        elif name in _VALUED:
            if not eq:
                i += 1
                if i == len(argv) or argv[i].startswith("-"):
                    return None
                value = argv[i]
            setattr(ns, name[2:].replace("-", "_"), _VALUED[name](value))
        else:
            return None
        i += 1
    return ns


# OpenBLAS (numpy's) reads these when it loads and starts a pool of that many threads (one per core
# when unset) that spin for a while: ~20 ms of CPU in a re-attach's first second, for a console
# that multiplies no matrices.  Set for numpy's import only (see single_threaded_blas).
BLAS_THREADS_ENV = ("OPENBLAS_NUM_THREADS",)


@contextlib.contextmanager
def single_threaded_blas() -> Iterator[None]:
    """numpy's first import in here loads OpenBLAS with one thread (unless the operator set the
    variable); the environment is restored after, so the engine and pods the console starts
    inherit the operator's own."""
    saved = {k: os.environ.get(k) for k in BLAS_THREADS_ENV}
    for k, v in saved.items():
        if v is None:
            os.environ[k] = "1"
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)


def build(frame: WindowFrame, args: argparse.Namespace) -> MainWindow:
    """The console inside the frame (after its first paint: these imports are most of start-up)."""
    from console import messages

    with single_threaded_blas():  # numpy is first imported here (the jobs table's columns)
        from console.session import Session, SessionOptions
        from console.views.main_window import MainWindow

    startup_marks.mark("console_imports")
    token = None
    if args.token_file:
        try:
            token = args.token_file.read_text().strip()
        except OSError as exc:
            messages.error(
                QCoreApplication.translate("app", "Cannot read the token file {0}: {1}").format(
                    args.token_file, exc.strerror
                )
            )
    session = Session(SessionOptions(remote=args.connect, tls_ca=args.tls_ca, token=token, insecure=args.insecure,
                                     data_dir=args.data_dir, read_only=args.read_only))
    window = MainWindow(session)
    frame.host(window)
    window.closed.connect(frame.close)
    startup_marks.mark("window_built")
    return window


async def run(app: QApplication, frame: WindowFrame, args: argparse.Namespace, rest: list[str] | None = None) -> int:
    import asyncio

    window = build(frame, args)
    if frame.closed_early:  # the operator closed the window while the console was being built
        return 0
    if rest:
        when_first_rows(window, lambda: after_first_rows(app, rest))
    # What start-up made (the modules, the window) lives as long as the app: out of the cyclic
    # collector's sight, the first tick of console.ui_thread_gc no longer walks all of it (40-70 ms
    # on this machine, just when the first rows of a re-attach arrive).
    gc.freeze()
    session = window.session
    closed = asyncio.Event()
    app.aboutToQuit.connect(closed.set)
    window.closed.connect(closed.set)
    start = asyncio.ensure_future(session.start())
    await closed.wait()
    if not start.done():
        start.cancel()
    await session.stop()
    return 0


def before_first_paint(app: QApplication) -> list[str]:
    """What the first window needs before it paints: its language when that is not English (the
    frame's title, menu titles and "Starting…" are translated), and the theme when the platform's
    palette is not already the one the theme controller would keep (console.views.theme_at_start).
    Returns what is left for after the paint (``after_first_paint``)."""
    later = ["icon"]  # the window icon (an SVG: its image plugin and QtSvg load when it is first drawn)
    if i18n.wanted() == i18n.ENGLISH:
        later.append("i18n")  # English is the source text: its file holds only plural forms, unused so far
    else:
        i18n.install(app=app)  # the saved language, or the system's
    from console.views import theme_at_start

    if theme_at_start.needed_before_paint(app):
        from console.views import theme

        theme.controller()  # the saved theme (or the system's), before the first window
    else:
        later.append("theme")
    return later


def after_first_paint(app: QApplication, later: list[str]) -> list[str]:
    """Of what ``before_first_paint`` left, what the console needs before it is built (the language).
    Returns what can wait until the jobs table shows its first rows (``after_first_rows``): the icon,
    and the theme controller when making it changes nothing on screen (the platform's palette is
    already the theme's, and console.models.palette's colours, light until a theme is applied, are
    the light theme's; on a dark desktop it is made now, before the window's texts take colours)."""
    rest = [x for x in later if x == "icon"]
    if "i18n" in later:
        i18n.install(app=app)
    if "theme" in later:
        from console.views import theme_at_start

        if theme_at_start.system_scheme(app) == theme_at_start.DARK:
            from console.views import theme

            theme.controller()  # no change of colours: the platform's palette is already this theme's
        else:
            rest.append("theme")
    return rest


def after_first_rows(app: QApplication, rest: list[str]) -> None:
    """What ``after_first_paint`` left for once the first rows show: none of it changes the window."""
    if "icon" in rest:
        from PySide6.QtGui import QIcon

        from pelorus.shipped import icon_path

        app.setWindowIcon(QIcon(str(icon_path())))  # the window, already shown, takes it too
    if "theme" in rest:
        from console.views import theme

        theme.controller()  # the palette's colours are the light theme's already, as the platform's


# The rest of start-up (after_first_rows) runs this long after the jobs table's first rows reached it
# (their paint first), or this long after the window was built when none came (an empty engine, no engine)
AFTER_ROWS_MS = 250
AT_THE_LATEST_MS = 3000


def when_first_rows(window: MainWindow, then: Callable[[], None]) -> None:
    """Call ``then`` once, AFTER_ROWS_MS after the jobs table first has rows, or AT_THE_LATEST_MS
    after now, whichever comes first."""
    from PySide6.QtCore import QTimer

    model = window.session.jobs_model
    done = listening = False

    def quiet() -> None:
        nonlocal listening
        if listening:
            listening = False
            model.modelReset.disconnect(rows)
            model.rowsInserted.disconnect(rows)

    def run() -> None:
        nonlocal done
        if not done:
            done = True
            quiet()
            then()

    def rows(*_args: object) -> None:
        if model.rowCount() and listening:
            quiet()
            QTimer.singleShot(AFTER_ROWS_MS, window, run)

    listening = True

    model.modelReset.connect(rows)
    model.rowsInserted.connect(rows)
    QTimer.singleShot(AT_THE_LATEST_MS, window, run)


def _quicker_feature_check() -> None:
    """PySide6 asks of every module imported after it whether its source mentions "PySide6" (its
    ``__feature__`` switching: shibokensupport.feature._mod_uses_pyside, once per module), by
    ``inspect.getsource``, which reads and splits the whole file through linecache: ~0.15 ms a
    module, 30-45 ms of CPU over the ~300 modules the console imports after its first paint.  The
    same answer (tested on every module the console loads) from the file's bytes.  Left alone when
    PySide6 has no such function (another version)."""
    feature = sys.modules.get("shibokensupport.feature")
    if feature is None or not callable(getattr(feature, "_mod_uses_pyside", None)):
        return

    def mod_uses_pyside(module: object) -> bool:
        file = getattr(module, "__file__", None)
        if not isinstance(file, str) or not file.endswith(".py"):
            return False  # built in, compiled or without source: getsource raised, PySide6 said False
        try:
            with open(file, "rb") as f:
                return b"PySide6" in f.read()
        except OSError:
            return False

    setattr(feature, "_mod_uses_pyside", mod_uses_pyside)  # noqa: B010 - a module mypy cannot see


def main(argv: list[str] | None = None) -> int:
    _quicker_feature_check()
    args = quick_args(sys.argv[1:] if argv is None else argv)
    if args is None:
        args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = QApplication.instance()
    if not isinstance(app, QApplication):  # none yet (a QCoreApplication would make this raise)
        app = QApplication(sys.argv[:1])
    app.setApplicationName("Pelorus")
    app.setOrganizationName("Pelorus")
    app.setDesktopFileName("pelorus")  # ties the window to pelorus.desktop (`pelorus install-desktop`)
    app.setQuitOnLastWindowClosed(False)  # the window's close handler decides, then quits
    collector = collect_on_ui_thread()  # noqa: F841 - kept for the app's lifetime (see console.ui_thread_gc)
    # The window first (title, saved geometry, menu titles, "Starting…"), painted before asyncio,
    # qasync, grpc, numpy and the views are imported, and before what it does not need (the icon, an
    # English translation, a theme that changes nothing: before_first_paint); then the console is built into it.
    later = before_first_paint(app)
    frame = WindowFrame()
    probe = bool(os.environ.get("PELORUS_STARTUP_PROBE"))  # bench/startup.py: report the first paint, then exit
    if probe:
        from console.startup_probe import install_if_asked
    first_paint_then(frame, install_if_asked if probe else None)
    if frame.closed_early:
        return 0
    rest = after_first_paint(app, later)
    startup_marks.mark("after_first_paint")
    os.environ.setdefault("QT_API", "pyside6")  # before qasync is imported: it picks a binding on import
    import asyncio

    import qasync

    startup_marks.mark("asyncio_qasync")

    try:
        return int(qasync.run(run(app, frame, args, rest)))
    except asyncio.CancelledError:
        return 0
