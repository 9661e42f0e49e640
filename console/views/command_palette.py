"""Ctrl+K: every action of the action table with its shortcut and whether it applies to the
selection now (and why not), filtered as you type; typing part of a job's name, the start of its
id or one of its labels ("team=ml") also offers "Open job <name>", which selects the job and opens
its tab.  What was chosen last comes first (actions and jobs, persisted in QSettings), so the
job an operator keeps returning to is one Ctrl+K, Return away."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, QSettings, Qt
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
MAX_RECENT = 8
SETTING_RECENT = "palette/recent"  # newest first: "action:<name>" or "job:<id>"


def recent_keys() -> list[str]:
    raw = QSettings().value(SETTING_RECENT, [])
    items = raw if isinstance(raw, list) else [raw] if raw else []
    return [str(k) for k in items][:MAX_RECENT]


def remember(key: str) -> None:
    """``key`` was just chosen: first in the recent list from now on."""
    if key:
        QSettings().setValue(SETTING_RECENT, ([key] + [k for k in recent_keys() if k != key])[:MAX_RECENT])


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
    key: str = ""  # remembered among the recent items when chosen ("action:stop")


# (text, limit) -> [(job id, name, state[, why it matched])]
FindJobs = Callable[[str, int], Sequence[tuple[str, ...]]]
LookupJob = Callable[[str], tuple[str, str] | None]  # job id -> (name, state), None when gone


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
                 open_job: Callable[[str], object] | None = None, parent: QWidget | None = None,
                 lookup_job: LookupJob | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Command palette"))
        self.setMinimumSize(560, 400)
        self._entries = entries
        self._find_jobs = find_jobs
        self._open_job = open_job
        self._lookup_job = lookup_job
        self.search = QLineEdit()
        self.search.setAccessibleName(self.tr("Command or job name"))
        self.search.setObjectName("paletteSearch")
        self.search.setPlaceholderText(self.tr("Type a command, or a job's name, id or label (team=ml)…"))
        self.list = QListWidget()
        self.list.setAccessibleName(self.tr("Matching commands and jobs"))
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

    def _action_item(self, entry: PaletteEntry) -> QListWidgetItem:
        label = entry.label if entry.enabled else f"{entry.label}  — {entry.why}"
        item = QListWidgetItem(f"{label}\t{entry.shortcut}" if entry.shortcut else label)
        if entry.icon:
            item.setIcon(self.style().standardIcon(getattr(QStyle.StandardPixmap, entry.icon)))
        item.setData(Qt.ItemDataRole.UserRole, entry)
        item.setToolTip(entry.tip if entry.enabled else f"{entry.tip} — not now: {entry.why}")
        if not entry.enabled or entry.run is None:
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
        return item

    def _job_item(self, job_id: str, name: str, state: str, why: str) -> QListWidgetItem:
        how = "" if why in ("", "name") else self.tr(" · id") if why == "id" else f" · {why}"
        item = QListWidgetItem(self.tr("Open job {0}  — {1}").format(name, state) + f"{how}\t{job_id[:8]}")
        item.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_FileDialogInfoView))
        item.setData(Qt.ItemDataRole.UserRole, job_id)
        item.setToolTip(self.tr("Select job {0} ({1}) and open it in its tab").format(name, job_id))
        return item

    def _refill(self, text: str) -> None:
        self.list.clear()
        words = text.lower().split()
        rank = {k: i for i, k in enumerate(recent_keys())}
        last = len(rank)
        found: list[tuple[int, int, QListWidgetItem]] = []  # (recent rank, table order, item)
        for entry in self._entries:
            if all(w in entry.label.lower() for w in words):
                found.append((rank.get(entry.key, last), len(found), self._action_item(entry)))
        jobs: list[tuple[str, ...]] = []
        if words and self._find_jobs is not None:
            jobs = list(self._find_jobs(text, MAX_JOBS))
        elif self._lookup_job is not None:  # nothing typed: the jobs opened lately
            for key in rank:
                if key.startswith("job:") and (known := self._lookup_job(key[4:])) is not None:
                    jobs.append((key[4:], *known))
        for job_id, name, state, *why in jobs:
            found.append((rank.get(f"job:{job_id}", last), len(found), self._job_item(job_id, name, state,
                                                                                      why[0] if why else "")))
        for _r, _i, item in sorted(found, key=lambda f: (f[0], f[1])):
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
            remember(data.key)
            self.accept()
            data.run()
        elif isinstance(data, str) and self._open_job is not None:
            remember(f"job:{data}")
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
