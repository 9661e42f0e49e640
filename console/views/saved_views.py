"""View > Saved views: named jobs-table views (filter text, visible columns, sort), persisted.

An operator who looks at "failed jobs of team ml, newest first" every morning names that view
once and picks it from the menu after.  A view is plain data (``SavedView``) stored as JSON in
QSettings under ``SETTING``; columns are kept by their header titles' column names (the model's
Column enum), so a view saved before a column was added still applies.  The state chips are
part of the filter text (``state:``), so a view brings them back too.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from PySide6.QtCore import QObject, QSettings, Qt
from PySide6.QtWidgets import QInputDialog, QMenu, QWidget

from console import messages
from console.models.jobs_table import Column
from console.views.jobs_panel import JobsPanel

SETTING = "views/saved"
MAX_NAME = 60


@dataclass(frozen=True)
class SavedView:
    name: str
    filter: str = ""
    hidden: list[str] = field(default_factory=list)  # Column names of the hidden columns
    sort_column: str = ""  # a Column name ("" = unsorted)
    descending: bool = False


def load(settings: QSettings | None = None) -> list[SavedView]:
    """The saved views, by name (an unreadable entry is skipped, never fatal)."""
    raw = (settings or QSettings()).value(SETTING, "")
    try:
        items = json.loads(str(raw)) if raw else []
    except json.JSONDecodeError:
        return []
    views = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and isinstance(item.get("name"), str) and item["name"].strip():
            views.append(SavedView(item["name"], str(item.get("filter", "")),
                                   [str(c) for c in item.get("hidden", []) if isinstance(c, str)],
                                   str(item.get("sort_column", "")), bool(item.get("descending", False))))
    return sorted(views, key=lambda v: v.name.casefold())


def store(views: list[SavedView], settings: QSettings | None = None) -> None:
    s = settings or QSettings()
    s.setValue(SETTING, json.dumps([asdict(v) for v in views]))
    s.sync()


class SavedViews(QObject):
    """The Saved views submenu over a jobs panel."""

    def __init__(self, panel: JobsPanel, parent: QWidget) -> None:
        super().__init__(parent)
        self.panel = panel
        self._parent = parent
        self.menu = QMenu(self.tr("Saved &views"), parent)
        self.menu.setObjectName("savedViewsMenu")
        self.menu.aboutToShow.connect(self.rebuild)
        self.last_dialog: QInputDialog | None = None
        self.rebuild()

    # -- reading and applying the panel -------------------------------------------------------------
    def current(self, name: str) -> SavedView:
        """The panel as it is now, under ``name``."""
        header = self.panel.table.horizontalHeader()
        hidden = [c.name for c in Column if header.isSectionHidden(int(c))]
        col = self.panel.proxy.sortColumn()
        sort_column = Column(col).name if 0 <= col < len(Column) else ""
        return SavedView(name, self.panel.filter_box.text(), hidden, sort_column,
                         self.panel.proxy.sortOrder() == Qt.SortOrder.DescendingOrder)

    def apply(self, name: str) -> bool:
        view = next((v for v in load() if v.name == name), None)
        if view is None:
            return False
        header = self.panel.table.horizontalHeader()
        hidden = set(view.hidden)
        for c in Column:
            header.setSectionHidden(int(c), c.name in hidden)
        if view.sort_column in Column.__members__:
            order = Qt.SortOrder.DescendingOrder if view.descending else Qt.SortOrder.AscendingOrder
            self.panel.table.sortByColumn(int(Column[view.sort_column]), order)
        self.panel.set_filter_text(view.filter)
        messages.info(self.tr("View “{0}”").format(view.name))
        return True

    # -- saving and deleting ------------------------------------------------------------------------
    def save(self, name: str) -> SavedView:
        """Save the current view as ``name`` (replacing a view of that name)."""
        name = name.strip()[:MAX_NAME]
        if not name:
            raise ValueError("a view needs a name")
        view = self.current(name)
        store([v for v in load() if v.name != name] + [view])
        self.rebuild()
        return view

    def delete(self, name: str) -> bool:
        views = load()
        kept = [v for v in views if v.name != name]
        if len(kept) == len(views):
            return False
        store(kept)
        self.rebuild()
        messages.info(self.tr("Deleted the view “{0}”").format(name))
        return True

    def save_current(self) -> QInputDialog:
        """Save current view…: asks for a name (offering the filter text), then saves."""
        dialog = QInputDialog(self._parent)
        dialog.setObjectName("saveViewDialog")
        dialog.setWindowTitle(self.tr("Save current view"))
        dialog.setLabelText(self.tr("Name of this view (filter, visible columns and sort):"))
        dialog.setTextValue(self.panel.filter_box.text()[:MAX_NAME])
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def done(text: str) -> None:
            if not text.strip():
                messages.warning(self.tr("A view needs a name: nothing was saved."))
                return
            replaced = any(v.name == text.strip() for v in load())
            view = self.save(text)
            messages.info((self.tr("Replaced the view “{0}”") if replaced else self.tr("Saved the view “{0}”"))
                          .format(view.name))

        dialog.textValueSelected.connect(done)
        dialog.finished.connect(lambda *_a: setattr(self, "last_dialog", None))
        self.last_dialog = dialog
        dialog.open()
        return dialog

    def rebuild(self) -> None:
        """The menu: Save current view…, Delete ▸ (each view), then the views themselves."""
        menu = self.menu
        menu.clear()
        window_actions: Any = getattr(self._parent, "actions_by_name", {})
        save = window_actions.get("save_view")
        if save is not None:
            menu.addAction(save)
        views = load()
        delete = menu.addMenu(self.tr("&Delete"))
        delete.setObjectName("deleteViewMenu")
        delete.setEnabled(bool(views))
        menu.addSeparator()
        if not views:
            none = menu.addAction(self.tr("(no saved views yet)"))
            none.setEnabled(False)
        for v in views:
            act = menu.addAction(v.name)
            act.setObjectName(f"view_{v.name}")
            act.setToolTip(v.filter or self.tr("(no filter)"))
            act.triggered.connect(lambda _c=False, n=v.name: self.apply(n))
            gone = delete.addAction(v.name)
            gone.triggered.connect(lambda _c=False, n=v.name: self.delete(n))
