"""The protobuf editor in its own window: ``python main.py open FILE [--type T] [--proto P ...]``.

Kept apart from proto_editor.py (the editor widget) so that the widget module holds the widget
only; the console's tab uses the widget, this module the standalone window and its command line.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import logging
import os
import sys

from PySide6.QtCore import Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox

from console.ui_thread_gc import collect_on_ui_thread
from console.views.proto_editor import ProtoEditor
from pelorus.protobuf import framing as fr

__all__ = ["ProtoEditorWindow", "build_parser", "main", "run_standalone"]


class ProtoEditorWindow(QMainWindow):
    """A main window around one editor; asks before closing with unsaved edits.

    Signals:
        closed(): the window closed (the standalone loop ends).
    """

    closed = Signal()

    def __init__(self, editor: ProtoEditor) -> None:
        super().__init__()
        self.editor = editor
        self.setCentralWidget(editor)
        self.setWindowTitle(f"Pelorus — {editor.tab_title}")
        editor.titleChanged.connect(lambda t: self.setWindowTitle(f"Pelorus — {t}"))
        self.resize(1280, 800)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.editor.modified:
            answer = QMessageBox.question(self, "Unsaved edits", "Discard the unsaved edits?",
                                          QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel)
            if answer != QMessageBox.StandardButton.Discard:
                event.ignore()
                return
        self.editor.close_tasks()
        event.accept()
        self.closed.emit()


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="main.py open", description="Open the protobuf editor on a file")
    p.add_argument("file", nargs="?", help="binary (or hex/base64 text) protobuf file")
    p.add_argument("--type", help="message type (full name or unambiguous suffix); omit for schemaless")
    p.add_argument("--proto", action="append", default=[], metavar="P", help=".proto file or directory (repeatable)")
    p.add_argument("-I", "--proto-path", action="append", default=[], dest="include", metavar="DIR",
                   help="import search path (repeatable)")
    p.add_argument("--descriptor-set", action="append", default=[], metavar="F", help="FileDescriptorSet (repeatable)")
    p.add_argument("--framing", choices=("auto", *fr.FRAMINGS), default="auto")
    return p


async def run_standalone(app: QApplication, args: argparse.Namespace) -> int:
    editor = ProtoEditor()
    editor.include_paths.extend(args.include)
    window = ProtoEditorWindow(editor)
    window.show()
    closed = asyncio.Event()
    app.aboutToQuit.connect(closed.set)
    window.closed.connect(closed.set)
    schema_errors: list[str] = []  # opening the file clears the error row: shown again after it
    for ds in args.descriptor_set:
        if not await editor.load_descriptor_set(ds):
            schema_errors.append(editor.error_label.text())
    if args.proto and not await editor.load_protos(args.proto):
        schema_errors.append(editor.error_label.text())
    if args.file:
        if await editor.open_path(args.file, args.framing) and args.type:
            editor.set_type(args.type)
    elif args.type:
        editor.set_type(args.type)
    if schema_errors:
        now = editor.error_label.text() if editor.error_label.isVisible() else ""
        editor.show_error("\n".join([t for t in (now, *schema_errors) if t]))
    await closed.wait()
    editor.close_tasks()
    return 0


def main(argv: list[str] | None = None) -> int:
    """``python main.py open FILE ...``: the editor in its own window on a qasync loop."""
    os.environ.setdefault("QT_API", "pyside6")
    qasync = importlib.import_module("qasync")  # untyped; imported after QT_API is set

    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName("Pelorus")
    app.setOrganizationName("Pelorus")
    collector = collect_on_ui_thread()  # noqa: F841 - kept for the app's lifetime (see console.ui_thread_gc)
    try:
        return int(qasync.run(run_standalone(app, args)))
    except asyncio.CancelledError:
        return 0
