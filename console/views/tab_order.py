"""Tab order that follows the layout: :func:`follow_layout` puts a window's Tab stops in the order its
layouts show them.

Qt's focus chain is the order widgets were *created* in, which drifts from the order they are *laid
out* in as soon as a helper adds a button to a bar after the fact (the protobuf editor's Edit ▾ and
Compare with…), a window builds its central widget before its toolbars (the main window), or a
button box lays out OK and Cancel in the platform's order. A keyboard or screen-reader user then
jumps around the window. :func:`layout_order` reads the widgets in layout order instead: box layouts
item by item (a horizontal one left to right, a vertical one top to bottom), grids row by row,
splitters pane by pane, a tab widget's bar before its pages, a main window's top toolbars before its
central widget; :func:`follow_layout` makes that the Tab order (``QWidget.setTabOrder``). Call it once
a window is built, and again after it adds widgets (a new tab).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QBoxLayout,
    QGridLayout,
    QLayout,
    QMainWindow,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QToolBar,
    QWidget,
)


def _tab_stop(w: QWidget) -> bool:
    return bool(w.focusPolicy() & Qt.FocusPolicy.TabFocus) and w.focusProxy() is None


def layout_order(root: QWidget) -> list[QWidget]:
    """The Tab stops under ``root`` (hidden ones included: they keep their place) in layout order;
    widgets no layout holds follow, in creation order."""
    out: list[QWidget] = []
    seen: set[int] = set()

    def add(w: QWidget) -> None:
        if id(w) not in seen:
            seen.add(id(w))
            out.append(w)

    def widget(w: QWidget) -> None:
        if id(w) in seen or w.isWindow() and w is not root:
            return
        if isinstance(w, QTabWidget):
            seen.add(id(w))  # its focus goes to the bar
            add(w.tabBar())
            for i in range(w.count()):
                page = w.widget(i)
                if page is not None:
                    widget(page)
            return
        if isinstance(w, (QSplitter, QStackedWidget)):
            seen.add(id(w))
            for i in range(w.count()):
                page = w.widget(i)
                if page is not None:
                    widget(page)
            return
        if isinstance(w, QScrollArea) and w.widget() is not None and not _tab_stop(w):
            seen.add(id(w))
            inner = w.widget()
            assert inner is not None
            widget(inner)
            return
        if w is not root and _tab_stop(w):
            add(w)
            if isinstance(w, QAbstractScrollArea) or w.layout() is None:
                return  # a control: its parts (a viewport, a spin box's editor) are its own business
        seen.add(id(w))
        if isinstance(w, QMainWindow):
            main_window(w)
        elif (lay := w.layout()) is not None:
            layout(lay)
        for child in w.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly):
            widget(child)  # not in a layout (or already seen: skipped)

    def layout(lay: QLayout) -> None:
        # The layout's members by their index, found from the widgets and sub-layouts (QObjects)
        # rather than with itemAt(): that would wrap the layout's QSpacerItems, which shiboken
        # cannot see deleted, and a stale wrapper then came back for a new widget or layout made
        # at the same address (a QSpacerItem from allWidgets() and from layout(), in CI).
        members: list[tuple[int, QWidget | QLayout]] = []
        direct = Qt.FindChildOption.FindDirectChildrenOnly
        for sub in lay.findChildren(QLayout, options=direct):
            members.append((lay.indexOf(sub), sub))
        host = lay.parentWidget()
        if host is not None:
            for child in host.findChildren(QWidget, options=direct):
                members.append((lay.indexOf(child), child))
        members = sorted((m for m in members if m[0] >= 0), key=lambda m: m[0])
        if isinstance(lay, QGridLayout):
            grid = lay

            def cell(m: tuple[int, QWidget | QLayout]) -> tuple[int, int]:
                where: tuple[int, ...] = tuple(grid.getItemPosition(m[0]))  # type: ignore[arg-type]
                return where[0], where[1]

            members.sort(key=cell)
        elif isinstance(lay, QBoxLayout) and lay.direction() in (QBoxLayout.Direction.RightToLeft,
                                                                  QBoxLayout.Direction.BottomToTop):
            members.reverse()
        for _, member in members:
            if isinstance(member, QWidget):
                widget(member)
            else:
                layout(member)

    def main_window(win: QMainWindow) -> None:
        bars = [b for b in win.findChildren(QToolBar) if b.parentWidget() is win]
        top = [b for b in bars if win.toolBarArea(b) in (Qt.ToolBarArea.TopToolBarArea,
                                                         Qt.ToolBarArea.LeftToolBarArea)]
        for bar in top:
            widget(bar)
        if (central := win.centralWidget()) is not None:
            widget(central)
        for bar in bars:
            widget(bar)  # the other areas' (the status bar and docks follow as unlaid children)

    widget(root)
    return out


def follow_layout(root: QWidget) -> None:
    """Make the Tab order of ``root`` the order its layouts show its widgets in (see the module doc)."""
    stops = layout_order(root)
    for a, b in zip(stops, stops[1:], strict=False):
        QWidget.setTabOrder(a, b)
