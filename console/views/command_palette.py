"""Ctrl+K: every action of the action table with its shortcut and whether it applies to the
selection now (and why not), filtered as you type; typing part of a job's name also offers
"Open job <name>", which selects the job and opens its detail."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QKeyEvent, QPainter, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

MAX_JOBS = 20  # job matches offered at once: type more of the name to narrow them


@dataclass(frozen=True)
class PaletteEntry:
    """One action as the palette shows it (built by the window from the action table)."""

    label: str
    shortcut: str
    enabled: bool
    why: str  # why not, when disabled
    tip: str
    icon: str = ""  # a QStyle.StandardPixmap name
    run: Callable[[], object] | None = None


FindJobs = Callable[[str, int], list[tuple[str, str, str]]]  # (text, limit) -> [(job id, name, state)]


class _TwoColumns(QStyledItemDelegate):
    """Paints an item's "label\tright" text as the label on the left and the right part (shortcut,
    job id) right-aligned, so shortcuts line up whatever the label's length (a plain list expands
    the tab to the next 8-character stop)."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        left, _tab, right = opt.text.partition("\t")
        opt.text = ""
        style = opt.widget.style() if opt.widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        text_rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, opt.widget).adjusted(4, 0, -8, 0)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        enabled = bool(opt.state & QStyle.StateFlag.State_Enabled)
        group = QPalette.ColorGroup.Normal if enabled else QPalette.ColorGroup.Disabled
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.save()
        painter.setPen(opt.palette.color(group, role))
        align = Qt.AlignmentFlag.AlignVCenter
        right_width = opt.fontMetrics.horizontalAdvance(right) + 12 if right else 0
        painter.drawText(text_rect.adjusted(0, 0, -right_width, 0), align | Qt.AlignmentFlag.AlignLeft,
                         opt.fontMetrics.elidedText(left, Qt.TextElideMode.ElideRight,
                                                    text_rect.width() - right_width))
        if right:
            if not selected:
                painter.setPen(opt.palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text))
            painter.drawText(text_rect, align | Qt.AlignmentFlag.AlignRight, right)
        painter.restore()


class CommandPalette(QDialog):
    def __init__(self, entries: list[PaletteEntry], find_jobs: FindJobs | None = None,
                 open_job: Callable[[str], object] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Command palette"))
        self.setMinimumSize(560, 400)
        self._entries = entries
        self._find_jobs = find_jobs
        self._open_job = open_job
        self.search = QLineEdit()
        self.search.setObjectName("paletteSearch")
        self.search.setPlaceholderText(self.tr("Type a command, or part of a job's name…"))
        self.list = QListWidget()
        self.list.setObjectName("paletteList")
        self.list.setItemDelegate(_TwoColumns(self.list))
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.list)
        self.search.textChanged.connect(self._refill)
        self.list.itemActivated.connect(self._run)
        self.search.installEventFilter(self)
        self.no_matches = False
        self._refill("")

    def _refill(self, text: str) -> None:
        self.list.clear()
        words = text.lower().split()
        for entry in self._entries:
            if not all(w in entry.label.lower() for w in words):
                continue
            label = entry.label if entry.enabled else f"{entry.label}  — {entry.why}"
            item = QListWidgetItem(f"{label}\t{entry.shortcut}" if entry.shortcut else label)
            if entry.icon:
                item.setIcon(self.style().standardIcon(getattr(QStyle.StandardPixmap, entry.icon)))
            item.setData(Qt.ItemDataRole.UserRole, entry)
            item.setToolTip(entry.tip if entry.enabled else self.tr("{0} — not now: {1}").format(entry.tip, entry.why))
            if not entry.enabled or entry.run is None:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
            self.list.addItem(item)
        if words and self._find_jobs is not None:
            for job_id, name, state in self._find_jobs(text, MAX_JOBS):
                item = QListWidgetItem(self.tr("Open job {0}  — {1}\t{2}").format(name, state, job_id[:8]))
                item.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_FileDialogInfoView))
                item.setData(Qt.ItemDataRole.UserRole, job_id)
                item.setToolTip(self.tr("Select job {0} ({1}) and open its detail").format(name, job_id))
                self.list.addItem(item)
        if self.list.count() == 0:  # say so, rather than an empty list that looks broken
            none = QListWidgetItem(self.tr("No matches for “{0}”").format(text.strip()))
            none.setFlags(Qt.ItemFlag.NoItemFlags)
            none.setData(Qt.ItemDataRole.UserRole, None)
            self.list.addItem(none)
            self.no_matches = True
            return
        self.no_matches = False
        for row in range(self.list.count()):
            if self.list.item(row).flags() & Qt.ItemFlag.ItemIsEnabled:
                self.list.setCurrentRow(row)
                break

    def _run(self, item: QListWidgetItem) -> None:
        if not item.flags() & Qt.ItemFlag.ItemIsEnabled:
            return
        data = item.data(Qt.ItemDataRole.UserRole)
        if isinstance(data, PaletteEntry) and data.run is not None:
            self.accept()
            data.run()
        elif isinstance(data, str) and self._open_job is not None:
            self.accept()
            self._open_job(data)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if obj is self.search and isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress:
            if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                self.list.keyPressEvent(event)
                return True
            current = self.list.currentItem()
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and current is not None:
                self._run(current)
                return True
        return super().eventFilter(obj, event)
