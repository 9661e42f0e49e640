"""`python main.py`: the console on the embedded engine (or `--connect HOST:PORT`).

One asyncio loop (qasync's, on Qt's event loop) runs everything: grpc.aio channels are
created inside coroutines on it. On quit: the window decides about the embedded engine,
then the session cancels its stream tasks and closes its channel, then the loop stops.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from console import i18n, messages
from console.ui_thread_gc import collect_on_ui_thread
from console.views.window_frame import WindowFrame, first_paint_then
from pelorus.shipped import icon_path

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


def build(frame: WindowFrame, args: argparse.Namespace) -> MainWindow:
    """The console inside the frame (after its first paint: these imports are most of start-up)."""
    from console.session import Session, SessionOptions
    from console.views.main_window import MainWindow

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
    return window


async def run(app: QApplication, frame: WindowFrame, args: argparse.Namespace) -> int:
    import asyncio

    window = build(frame, args)
    if frame.closed_early:  # the operator closed the window while the console was being built
        return 0
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


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = QApplication.instance()
    if not isinstance(app, QApplication):  # none yet (a QCoreApplication would make this raise)
        app = QApplication(sys.argv[:1])
    app.setApplicationName("Pelorus")
    app.setOrganizationName("Pelorus")
    app.setDesktopFileName("pelorus")  # ties the window to pelorus.desktop (`pelorus install-desktop`)
    app.setWindowIcon(QIcon(str(icon_path())))
    i18n.install(app=app)  # the system's language, or the one picked in View ▸ Language
    app.setQuitOnLastWindowClosed(False)  # the window's close handler decides, then quits
    if os.environ.get("PELORUS_STARTUP_PROBE"):  # bench/startup.py: report the first paint, then exit
        from console.startup_probe import install_if_asked

        install_if_asked(app)
    collector = collect_on_ui_thread()  # noqa: F841 - kept for the app's lifetime (see console.ui_thread_gc)
    from console.views import theme

    theme.controller()  # the saved theme (or the system's), before the first window
    # The window first (title, saved geometry, menu titles, "Starting…"), painted before asyncio,
    # qasync, grpc, numpy and the views are imported; then the console is built into it.
    frame = WindowFrame()
    first_paint_then(frame)
    if frame.closed_early:
        return 0
    os.environ.setdefault("QT_API", "pyside6")  # before qasync is imported: it picks a binding on import
    import asyncio

    import qasync

    try:
        return int(qasync.run(run(app, frame, args)))
    except asyncio.CancelledError:
        return 0
