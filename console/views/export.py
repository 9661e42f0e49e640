"""Export what a table shows to CSV or JSON: File > Export… for the jobs, an Export button on the
pods and workflow events.

The rows are read when the file is chosen, as shown then (filter and sort applied, the columns
shown in the order shown), with raw values (console/models/export_rows.py).  The save dialog offers
CSV and JSON and adds the chosen format's suffix; a path that cannot be written is said in a
message box naming the file and the reason, never a traceback.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDir, QSettings, Qt
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QToolButton, QWidget

from console import messages
from console.models import export_rows
from console.models.export_rows import Record

Produce = Callable[[], tuple[list[str], list[Record]]]
FILTERS = {".csv": "CSV (*.csv)", ".json": "JSON (*.json)"}
SETTING_DIR = "export/last_dir"


def shown_columns(header: Any) -> list[int]:
    """Logical indices of the columns on screen, left to right."""
    return [c for v in range(header.count()) if not header.isSectionHidden(c := header.logicalIndex(v))]


def jobs_records(panel: Any) -> tuple[list[str], list[Record]]:
    """The jobs table (a JobsPanel) as shown: its rows in order, its columns in order."""
    proxy = panel.proxy
    model = proxy.source()
    shown = [model.row(proxy.source_row(r)) for r in range(proxy.rowCount())]  # the table's column store
    return export_rows.job_records(shown, shown_columns(panel.table.horizontalHeader()))


def pods_records(view: Any) -> tuple[list[str], list[Record]]:
    """A PodsView's instances as shown (its filter and sort), current runs, columns in order."""
    proxy, model = view.proxy, view.model
    pods = []
    for r in range(proxy.rowCount()):
        pod = model.pod_at(proxy.mapToSource(proxy.index(r, 0)))
        if pod is not None:
            pods.append(pod)
    return export_rows.pod_records(pods, shown_columns(view.table.header()), time.time())


def save_file(parent: QWidget, path: str, produce: Produce, what: str) -> bool:
    """Write what ``produce`` gives to ``path``; False (and a message box saying why) when it cannot."""
    try:
        keys, records = produce()
        written = export_rows.write(path, keys, records)
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        box = QMessageBox(QMessageBox.Icon.Warning, parent.tr("Export failed"),
                          parent.tr("Could not write {0}: {1}.").format(path, reason),
                          QMessageBox.StandardButton.Close, parent)
        box.setObjectName("exportError")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        messages.error(parent.tr("Export failed: could not write {0}").format(path))
        return False
    QSettings().setValue(SETTING_DIR, str(written.parent))
    messages.info(parent.tr("Exported %n {0} to {1}", "", len(records)).format(what, written))
    return True


def ask_and_save(parent: QWidget, title: str, base_name: str, produce: Produce, what: str,
                 suffix: str = ".csv") -> QFileDialog:
    """The save dialog (CSV or JSON, ``suffix`` first); writing happens when a file is chosen."""
    dialog = QFileDialog(parent, title)
    dialog.setObjectName("exportDialog")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)  # the same on every desktop (and testable)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    order = [suffix] + [s for s in FILTERS if s != suffix]
    dialog.setNameFilters([FILTERS[s] for s in order])
    dialog.setDefaultSuffix(suffix.lstrip("."))
    dialog.setDirectory(str(QSettings().value(SETTING_DIR, QDir.homePath())))
    dialog.selectFile(base_name + suffix)
    chosen = {FILTERS[s]: s for s in FILTERS}

    def on_filter(name: str) -> None:
        new = chosen.get(name, ".csv")
        dialog.setDefaultSuffix(new.lstrip("."))
        names = dialog.selectedFiles()
        if names:
            stem = Path(names[0]).stem if Path(names[0]).suffix.lower() in FILTERS else Path(names[0]).name
            dialog.selectFile(stem + new)

    dialog.filterSelected.connect(on_filter)
    dialog.fileSelected.connect(lambda path: save_file(parent, path, produce, what))
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


class ExportButton(QToolButton):
    """"Export ▾" with, for each source, "<what> as CSV…" and "<what> as JSON…"."""

    def __init__(self, sources: Sequence[tuple[str, str, Produce, Callable[[], bool]]],
                 parent: QWidget | None = None) -> None:
        """``sources``: (label, base file name, produce, available) each; an unavailable source
        (no pod selected for its events) is greyed."""
        super().__init__(parent)
        self.setText(self.tr("Export"))
        self.setObjectName("exportButton")
        self.setToolTip(self.tr("Save the rows shown (filter and sort applied) as CSV or JSON"))
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self)
        menu.setObjectName("exportMenu")
        self.entries: dict[str, Any] = {}
        for label, base, produce, available in sources:
            for suffix, fmt in export_rows.FORMATS.items():
                act = menu.addAction(self.tr("{0} as {1}…").format(label, fmt))
                act.setObjectName(f"export_{base}_{suffix.lstrip('.')}")
                act.triggered.connect(lambda _c=False, b=base, p=produce, s=suffix, lab=label: self.last(
                    ask_and_save(self.window(), self.tr("Export {0}").format(lab.lower()), b, p, lab.lower(), s)))
                self.entries[act.objectName()] = (act, available)
        menu.aboutToShow.connect(self._sync)
        self.setMenu(menu)
        self.last_dialog: QFileDialog | None = None

    def last(self, dialog: QFileDialog) -> None:
        self.last_dialog = dialog

    def _sync(self) -> None:
        for act, available in self.entries.values():
            act.setEnabled(available())


def base_name(what: str, extra: str = "") -> str:
    """"jobs-20261206-2114" (and a job's name): a file name that sorts by when it was taken."""
    stamp = time.strftime("%Y%m%d-%H%M")
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in extra)[:40]
    return "-".join(p for p in (what, safe, stamp) if p)
