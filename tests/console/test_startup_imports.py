"""Start-up imports only what the first window needs: the protobuf editor, the Call panel, the
job detail window, the spec editor (and yaml) and pyqtgraph load when first used
(bench/startup.py: ~0.3 s of start-up)."""

from __future__ import annotations

import os
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


# Not needed before a re-attach's first rows (issue 18): built or imported when first used.
FIRST_ROWS_FREE = LAZY + ("console.views.command_palette", "console.views.confirm", "console.views.connection_dialog",
                          "console.views.dialogs", "console.views.engine_stop", "console.views.relabel",
                          "console.views.edit_commands", "console.views.timeline_view", "console.views.pods_view",
                          "console.views.proto_window", "console.views.export", "numpy.ma", "numpy.strings",
                          "xml.etree.ElementTree")


def test_the_console_up_to_its_first_rows_imports_only_what_the_jobs_table_needs() -> None:
    """What console.app.build imports (the session, the main window) and the window it builds leave
    the rest for later: the dialogs, the command palette, relabel (a language switch), the job
    detail, the protobuf tab's contents; numpy.ma (np.unique) is not needed for the first page."""
    code = (
        "import os, sys; os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
        "import console.app\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "with console.app.single_threaded_blas():\n"
        "    from console.session import Session, SessionOptions\n"
        "    from console.views.main_window import MainWindow\n"
        "    print(os.environ.get('OPENBLAS_NUM_THREADS'))\n"
        "import numpy as np\n"
        "from console.models.job_columns import casefold\n"
        "print(casefold(np.array([b'Ab', b'\\xc3\\x84x', b'cD', b'\\xc3\\x84\\xc3\\x84'])).tolist())\n"
        "from pathlib import Path\n"
        "import tempfile\n"
        "w = MainWindow(Session(SessionOptions(data_dir=Path(tempfile.mkdtemp()))))\n"
        f"print(sorted(m for m in {FIRST_ROWS_FREE!r} if m in sys.modules), os.environ.get('OPENBLAS_NUM_THREADS'))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                         check=True, env=env)
    assert out.stdout.splitlines() == ["1", "[b'ab', b'\\xc3\\xa4x', b'cd', b'\\xc3\\xa4\\xc3\\xa4']", "[] None"], \
        out.stdout + out.stderr


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


BEFORE_PAINT_FREE = ("console.views.theme", "console.models.palette", "console.messages", "pelorus.text",
                     "pelorus.shipped", "importlib.resources", "dataclasses", "locale")


def test_the_first_paint_needs_only_qt_classes(tmp_path: Path) -> None:
    """With the defaults (English, the theme following a system whose palette matches it), nothing
    before the first paint builds PySide6's `Qt` namespace (~90 Python enums, 15-25 ms) or imports
    the theme, the palette, the translations' paths or argparse's gettext (console.app.before_first_paint)."""
    code = (
        "import os, sys; os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
        "import console.app\n"
        "from PySide6 import QtCore\n"
        "from PySide6.QtWidgets import QApplication\n"
        "args = console.app.quick_args(['--data-dir', 'd'])\n"
        "app = QApplication([])\n"
        "app.setOrganizationName('Pelorus'); app.setApplicationName('Pelorus')\n"
        "later = console.app.before_first_paint(app)\n"
        "frame = console.app.WindowFrame()\n"
        "console.app.first_paint_then(frame)\n"
        f"print(sorted(m for m in {BEFORE_PAINT_FREE!r} if m in sys.modules), 'Qt' in vars(QtCore), later)\n"
        "rest = console.app.after_first_paint(app, later)\n"
        "print(rest, app.windowIcon().isNull(), 'console.views.theme' in sys.modules)\n"
        "console.app.after_first_rows(app, rest)\n"
        "import console.views.theme as theme\n"
        "print(app.windowIcon().isNull(), frame.starting.alignment() == QtCore.Qt.AlignmentFlag.AlignCenter,\n"
        "      theme._controller is not None)\n"
    )
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path)}  # no saved language or theme
    env.pop("LANGUAGE", None)
    env.update(LANG="C.UTF-8", LC_ALL="C.UTF-8")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                         check=True, env=env)
    assert out.stdout.splitlines() == ["[] False ['icon', 'i18n', 'theme']", "['icon', 'theme'] True False",
                                       "False True True"], out.stdout + out.stderr


def test_the_saved_theme_is_applied_before_the_first_paint(tmp_path: Path) -> None:
    code = (
        "import os, sys; os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
        "import console.app\n"
        "from PySide6.QtCore import QSettings\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "app.setOrganizationName('Pelorus'); app.setApplicationName('Pelorus')\n"
        "QSettings().setValue('view/theme', 'dark')\n"
        "later = console.app.before_first_paint(app)\n"
        "from console.models import palette\n"
        "from console.views import theme_at_start\n"
        "print(later, palette.current().name, theme_at_start.palette_is_dark(app.palette()))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                         check=True, env={**os.environ, "XDG_CONFIG_HOME": str(tmp_path)})
    assert out.stdout.strip() == "['icon', 'i18n'] dark True", out.stdout + out.stderr


def test_the_quicker_feature_check_answers_as_pysides() -> None:
    """console.app._quicker_feature_check: PySide6's "does this module mention PySide6" from the
    file's bytes, the same answer as its own (inspect.getsource) for every module the console loads."""
    code = (
        "import os, sys; os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
        "import console.app\n"
        "import shibokensupport.feature as feature\n"
        "theirs = feature._mod_uses_pyside\n"
        "console.app._quicker_feature_check()\n"
        "ours = feature._mod_uses_pyside\n"
        "from console.views.main_window import MainWindow\n"
        "from console.session import Session\n"
        "import numpy.ma, grpc.aio, console.models.job_columns, console.models.listing_feed\n"
        "mods = list(sys.modules.values())\n"
        "print(ours is not theirs, len(mods) > 300, [m.__name__ for m in mods if ours(m) != theirs(m)],\n"
        "      sum(map(ours, mods)) > 20)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                         check=True)
    assert out.stdout.strip() == "True True [] True", out.stdout + out.stderr
