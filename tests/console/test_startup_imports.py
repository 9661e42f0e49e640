"""Start-up imports only what the first window needs: the protobuf editor, the Call panel, the
job detail window, the spec editor (and yaml) and pyqtgraph load when first used
(bench/startup.py: ~0.3 s of start-up)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

LAZY = ("pyqtgraph", "console.views.proto_editor", "console.views.call_panel", "console.views.job_detail",
        "console.models.proto_tree", "console.views.progress_chart", "console.views.spec_editor",
        "console.views.replace_flow", "yaml")


def test_first_window_does_not_import_the_heavy_views() -> None:
    code = (
        "import os, sys; os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
        "import console.app\n"
        "from console.views.main_window import MainWindow\n"
        "from console.session import Session, SessionOptions\n"
        f"print(sorted(m for m in {LAZY!r} if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                         check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


FIRST_PAINT_FREE = ("asyncio", "qasync", "grpc", "numpy", "google.protobuf", "console.session",
                    "console.views.main_window", "console.actions", "console.views.jobs_panel")


def test_the_window_paints_before_the_console_is_imported() -> None:
    """console.app shows and paints its window (console.views.window_frame) before it imports
    asyncio, qasync, grpc, numpy and the views: importing it (and making that window) loads none."""
    code = (
        "import os, sys; os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
        "import console.app\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "frame = console.app.WindowFrame()\n"
        f"print(sorted(m for m in {FIRST_PAINT_FREE!r} if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                         check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr
