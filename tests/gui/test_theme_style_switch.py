"""The theme switching back and forth many times must not replace the application's style each time.

Replacing it (QApplication.setStyle) sends every widget of the application, shown or hidden, a
StyleChange at once, and every scroll area lays its children out there. In the full GUI suite, 1 run in
4 died inside setStyle (test_sort_arrow's theme switches): a hidden QPlainTextEdit in a confirmation
dialog left under an old main window had lost its viewport, and the StyleChange made it lay the freed
viewport out (gdb: QApplication::setStyle → QAbstractScrollArea::event → QWidget::setGeometry).
The theme controller now installs Fusion once, the first time the platform's palette does not fit, and
afterwards changes palettes only. Here, in a child process (a crash there fails this test instead of
ending the run): a session started on another style than Fusion, tables with sort headers, a command
palette, a hidden dialog whose text box lost its viewport the way the CI one had, then 120 switches
with a garbage collection between them. The code before the fix replaced the style on every switch and
died at the first switch after the viewport went."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from PySide6.QtWidgets import QStyleFactory

ROOT = Path(__file__).resolve().parents[2]
SWITCHES = 120

CHILD = textwrap.dedent("""
    import gc, json, os, sys, time
    import shiboken6
    from PySide6.QtCore import QCoreApplication, QEvent, QObject, QSettings
    from PySide6.QtWidgets import QApplication, QDialog, QPlainTextEdit, QVBoxLayout

    app = QApplication(sys.argv[:1])
    QCoreApplication.setOrganizationName("PelorusTests")
    QCoreApplication.setApplicationName("theme-style-switch")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, sys.argv[1])
    app.setStyle("Windows")  # the platform's style: one without a dark palette

    from console.models.jobs_table import JobsTableModel
    from console.models.pods_table import PodsTableModel
    from console.views import theme
    from console.views.command_palette import CommandPalette, PaletteEntry
    from console.views.jobs_panel import JobsPanel
    from console.views.pods_view import PodsView

    class Count(QObject):
        n = 0
        def eventFilter(self, watched, event):
            if event.type() == QEvent.Type.StyleChange:
                Count.n += 1
            return False

    keep = []
    for _ in range(2):
        panel = JobsPanel(JobsTableModel()); panel.resize(900, 200); panel.show()
        pods = PodsView(None, PodsTableModel()); pods.resize(900, 200); pods.show()
        keep += [panel, pods]
    entries = [PaletteEntry("Stop", "Ctrl+K", True, "", ""), PaletteEntry("Delete", "", False, "no job", "")]
    keep.append(CommandPalette(entries))
    counter = Count()
    keep[0].installEventFilter(counter)
    ctl = theme.controller()  # follows the system: light, on the platform's style
    assert app.style().name().lower() == "windows", app.style().name()
    ctl.set_mode(theme.Mode.DARK)  # no dark palette on that style: Fusion stands in
    first = app.style().name().lower()

    # A hidden dialog whose text box lost its viewport behind Qt's back (what the CI core showed)
    dialog = QDialog(keep[0])
    QVBoxLayout(dialog).addWidget(listing := QPlainTextEdit("job-1"))
    dialog.show(); dialog.hide()
    shiboken6.delete(listing.viewport())
    junk = [bytearray(256) for _ in range(4000)]  # the freed viewport's memory in other hands

    t0 = time.monotonic()
    modes = (theme.Mode.LIGHT, theme.Mode.DARK)
    for i in range(int(sys.argv[2])):
        ctl.set_mode(modes[i % 2])
        keep[i % len(keep)].grab()
        gc.collect()
    print(json.dumps({"first": first, "style": app.style().name().lower(), "style_changes": Count.n,
                      "seconds": round(time.monotonic() - t0, 2)}), flush=True)
    os._exit(0)  # not Qt's teardown of a widget tree broken on purpose
""")


@pytest.mark.skipif("Windows" not in QStyleFactory.keys() or "Fusion" not in QStyleFactory.keys(),
                    reason="needs Qt's Windows and Fusion styles")
def test_many_theme_switches_replace_the_style_once_and_survive_a_lost_viewport(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", CHILD, str(tmp_path / "settings"), str(SWITCHES)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    took = time.monotonic() - started
    assert done.returncode == 0, f"the child died (rc {done.returncode}):\n{done.stderr[-3000:]}"
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["first"] == result["style"] == "fusion", result
    assert result["style_changes"] == 1, result  # Windows → Fusion once; the 120 switches: palettes only
    assert took < 30, took
