"""The protobuf editor on its own: ``python main.py open FILE [--type T] [--proto P ...]``.

Kept apart from proto_editor.py (the editor widget and its window) so that the widget module holds
no command line and no event loop start-up; the console's tab and the payload editor use the widget
and :class:`~console.views.proto_editor.ProtoEditorWindow`, this module runs them standalone.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import logging
import os
import sys

from PySide6.QtWidgets import QApplication

from console import i18n
from console.ui_thread_gc import collect_on_ui_thread
from console.views.proto_editor import ProtoEditor, ProtoEditorWindow
from pelorus.protobuf import framing as fr

__all__ = ["ProtoEditorWindow", "build_parser", "main", "run_standalone"]


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
    i18n.install(app=app)  # the console's language
    collector = collect_on_ui_thread()  # noqa: F841 - kept for the app's lifetime (see console.ui_thread_gc)
    from console.views import theme

    theme.controller()  # the saved theme (or the system's), before the first window
    try:
        return int(qasync.run(run_standalone(app, args)))
    except asyncio.CancelledError:
        return 0
