"""A live language change for every open window: the texts on screen, in the new language, now.

Qt's pattern is a ``retranslateUi()`` per window, called on ``LanguageChange``, that sets every text
again. Pelorus's windows build their texts once, in their constructors, with ``self.tr`` / ``translate``
and ``.format(...)``; writing (and keeping) a retranslate method for each of them would repeat every
constructor. Instead, just before the new translator is installed, :func:`snapshot` reads the texts
the open windows show (labels, buttons, titles, tooltips, placeholders, tabs, menus and actions,
combo box items, table headers) and finds each one in the catalogue (resources/i18n/pelorus_zh_CN.ts:
every marked string, with its context), exactly or as a template whose ``{0}`` / ``{name}`` parts it
fills; after the switch, :func:`Snapshot.apply` sets the same message in the new language with the
same values. The context is the widget's class or one of its parents' (what ``self.tr`` used), or the
action table's, so a text that only happens to equal a message elsewhere (a job's name) stays as it is.

A text in one colour (``palette.span``) is redone inside the same colour. What it does not redo:
other rich text (status lines with links or several colours, which their windows rewrite on their
next update), item views' cells (their models translate when asked: every view is repainted and its
headers refreshed), and the core's sentences (CoreLabel and the message bar follow LanguageChange
themselves).
"""

from __future__ import annotations

import html
import logging
import re
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from PySide6.QtCore import QAbstractItemModel, QCoreApplication, QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QTableView,
    QTableWidget,
    QTabWidget,
    QTextEdit,
    QTreeView,
    QTreeWidget,
    QWidget,
)

from console import i18n
from pelorus.text import Text

log = logging.getLogger("pelorus.i18n")

__all__ = ["Snapshot", "sentence", "snapshot"]

_WORD = re.compile(r"[A-Za-z\u4e00-\u9fff]{2}")
_FIELD = re.compile(r"\{(\w*)(?:![rsa])?(?::[^{}]*)?\}|%L?n")


@dataclass(frozen=True)
class _Message:
    context: str
    source: str
    comment: str | None
    numerus: bool
    parts: tuple[str, ...]  # the source's placeholders, in order ("{0}", "{name}", "%n")


@lru_cache(maxsize=1)
def _catalogue() -> dict[str, list[_Message]]:
    """Every message of the console (the zh_CN .ts lists them all, translated or not), by context."""
    out: dict[str, list[_Message]] = {}
    path = i18n.i18n_dir() / f"pelorus_{i18n.CHINESE}.ts"
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as exc:  # an incomplete install: the switch stays partial
        log.warning("cannot read %s for a live language change: %s", path, exc)
        return out
    for ctx in root.iter("context"):
        name = ctx.findtext("name") or ""
        for m in ctx.iter("message"):
            source = m.findtext("source") or ""
            if not source.strip():
                continue
            parts = tuple(f.group(0) for f in _FIELD.finditer(source))
            out.setdefault(name, []).append(
                _Message(name, source, m.findtext("comment"), m.get("numerus") == "yes", parts))
    return out


def _shown(m: _Message, n: int = -1) -> str:
    """The message as the installed translators show it."""
    return QCoreApplication.translate(m.context, m.source, m.comment, n)


def _pattern(text: str) -> re.Pattern[str] | None:
    """A regex matching ``text`` with each placeholder as a group; None without placeholders."""
    out, last, n = [], 0, 0
    for f in _FIELD.finditer(text):
        out.append(re.escape(text[last:f.start()]))
        out.append("(.*?)" if f.group(0).startswith("{") else r"(-?\d[\d,.\s]*)")
        last, n = f.end(), n + 1
    if not n:
        return None
    out.append(re.escape(text[last:]))
    return re.compile("".join(out) + r"\Z", re.S)


@dataclass
class _Found:
    message: _Message
    values: tuple[str, ...]  # what each placeholder showed, by the source's placeholders
    inner: tuple[_Found | None, ...] = ()  # a value that is itself a message ("{0}:" of "Name")


@dataclass
class _Shown:
    """The catalogue as the installed language shows it: exact texts, and templates to match."""

    exact: dict[str, list[_Message]]
    templates: dict[str, list[tuple[_Message, re.Pattern[str], list[str], int]]]

    @classmethod
    def now(cls) -> _Shown:
        exact: dict[str, list[_Message]] = {}
        templates: dict[str, list[tuple[_Message, re.Pattern[str], list[str], int]]] = {}
        for context, msgs in _catalogue().items():
            for m in msgs:
                if m.numerus:
                    continue  # a plural's form depends on its number: left to its window
                shown = _shown(m)
                if not m.parts:
                    exact.setdefault(shown, []).append(m)
                    continue
                pattern = _pattern(shown)
                if pattern is not None:
                    literal = _FIELD.sub("", shown)
                    order = [f.group(0) for f in _FIELD.finditer(shown)]
                    # "{0}:", "{0} {1}" would match any text: only where every value is a message too
                    weight = len(literal) if _WORD.search(literal) else 0
                    templates.setdefault(context, []).append((m, pattern, order, weight))
        return cls(exact, templates)

    def find(self, text: str, contexts: list[str], strict: bool = False) -> _Found | None:
        """The message (in one of ``contexts``, else one that means the same in every context) that
        shows as ``text``, and the values its placeholders showed."""
        candidates = self.exact.get(text, [])
        for context in contexts:
            for m in candidates:
                if m.context == context:
                    return _Found(m, ())
        shared = _shared(candidates, strict)
        if shared is not None:
            return shared
        for context in contexts:
            best: _Found | None = None
            best_weight = -1
            for m, pattern, order, weight in self.templates.get(context, ()):
                match = pattern.match(text) if weight > best_weight else None
                if match is None:
                    continue
                values = dict(zip(order, match.groups(), strict=True))
                shown = tuple(values.get(p, "") for p in m.parts)
                inner = tuple(self.exact_in(v, contexts) for v in shown)
                if weight == 0 and not all(inner):
                    continue
                best, best_weight = _Found(m, shown, inner), weight
            if best is not None:
                return best
        return None

    def exact_in(self, text: str, contexts: list[str]) -> _Found | None:
        """The message without placeholders (in ``contexts``) that shows as ``text``."""
        candidates = self.exact.get(text, [])
        for m in candidates:
            if m.context in contexts:
                return _Found(m, ())
        for m in candidates:  # a class's own extra context ("JobDetailDialog" rows in JobDetail)
            if any(m.context.startswith(c) for c in contexts if c != "Actions"):
                return _Found(m, ())
        return _shared(candidates, strict=True)


def _shared(candidates: list[_Message], strict: bool = False) -> _Found | None:
    """A text marked under another context (``translate("TextPanes", ...)`` in a helper module, a
    button made by a helper class that is not its parent), when that is the only message it can be.
    ``strict`` (a label's text, which often shows data: a job named "Jobs"): only a module's own
    contexts count, not another class's."""
    classes = _class_names(len(sys.modules)) if strict else frozenset()
    shared = [m for m in candidates if m.context not in classes]
    if shared and len({(m.source, m.comment) for m in shared}) == 1:
        return _Found(shared[0], ())
    return None


@lru_cache(maxsize=1)
def _class_names(_modules: int) -> frozenset[str]:
    """The names of the console's classes (the contexts ``self.tr`` gives); cached while no module
    is imported."""
    return frozenset(obj.__name__ for name, module in list(sys.modules.items())
                     if name.startswith("console") and module is not None
                     for obj in vars(module).values()
                     if isinstance(obj, type) and obj.__module__ == name)


def _refill(found: _Found) -> str:
    """The found message in the new language, each placeholder replaced by the value it showed."""
    template = _shown(found.message)
    inner = found.inner or (None,) * len(found.values)
    values = {p: _refill(f) if f is not None else v
              for p, v, f in zip(found.message.parts, found.values, inner, strict=True)}
    return _FIELD.sub(lambda f: values.get(f.group(0), f.group(0)), template)


@dataclass
class _Binding:
    found: _Found
    setter: Callable[[str], object]
    getter: Callable[[], str]
    was: str
    lead: str = ""  # " Engine: ": the spaces around the message, kept
    trail: str = ""
    escape: bool = False  # the message sits inside a colour span (palette.span): HTML-escape it


def _contexts(obj: QObject) -> list[str]:
    """Where ``obj``'s texts were translated: its class and its parents' classes (and their bases
    among Pelorus's), then the action table's context."""
    out: list[str] = []
    o: QObject | None = obj
    while o is not None:
        for cls in type(o).__mro__:
            name = cls.__name__
            if cls.__module__.startswith("console") and name not in out:
                out.append(name)
        o = o.parent()
    out.append("Actions")
    return out


def _texts(w: QObject) -> list[tuple[Callable[[], str], Callable[[str], object]]]:
    """(getter, setter) of each text ``w`` shows."""
    out: list[tuple[Callable[[], str], Callable[[str], object]]] = []
    if isinstance(w, QWidget):
        out.append((w.toolTip, w.setToolTip))
        out.append((w.statusTip, w.setStatusTip))
        out.append((w.accessibleName, w.setAccessibleName))
        if w.isWindow():
            out.append((w.windowTitle, w.setWindowTitle))
    if isinstance(w, QLabel) and w.textFormat() != Qt.TextFormat.RichText:
        out.append((w.text, w.setText))
    elif isinstance(w, QAbstractButton):
        out.append((w.text, w.setText))
    elif isinstance(w, QGroupBox):
        out.append((w.title, w.setTitle))
    elif isinstance(w, QMenu):
        out.append((w.title, w.setTitle))
    elif isinstance(w, (QLineEdit, QPlainTextEdit, QTextEdit)):
        out.append((w.placeholderText, w.setPlaceholderText))
    elif isinstance(w, QAction):
        out += [(w.text, w.setText), (w.toolTip, w.setToolTip), (w.statusTip, w.setStatusTip)]
    if isinstance(w, QTabWidget):
        for i in range(w.count()):
            out.append(_indexed(w.tabText, w.setTabText, i))
            out.append(_indexed(w.tabToolTip, w.setTabToolTip, i))
    elif isinstance(w, QComboBox):
        for i in range(w.count()):
            out.append(_indexed(w.itemText, w.setItemText, i))
    elif isinstance(w, QTableWidget):
        for i in range(w.columnCount()):
            item = w.horizontalHeaderItem(i)
            if item is not None:
                out.append((item.text, item.setText))
    elif isinstance(w, QTreeWidget):
        head = w.headerItem()
        for i in range(w.columnCount()):
            out.append(_indexed(head.text, head.setText, i))
    return out


def _indexed(get: Callable[[int], str], put: Callable[[int, str], object],
             i: int) -> tuple[Callable[[], str], Callable[[str], object]]:
    """The ``i``-th text of a tab bar, combo box or header as a (getter, setter)."""

    def getter() -> str:
        return get(i)

    def setter(text: str) -> object:
        return put(i, text)

    return getter, setter


_TAG = re.compile(r"<[a-zA-Z/!][^>]*>")


# A whole text in one colour, as palette.span writes it: the one kind of rich text a live change redoes.
_ONE_SPAN = re.compile(r"\A(<span style='[^'<>]*'>)([^<>]*)(</span>)\Z")


def _is_rich(text: str) -> bool:
    """HTML (a status line with links or several colours): its window rewrites it on its next update;
    matching it to a message would not work."""
    return bool(_TAG.search(text))


@dataclass
class Snapshot:
    bindings: list[_Binding]
    views: list[QAbstractItemView]
    missed: list[str]

    def apply(self) -> None:
        """Set every found text in the language installed now (a text the window changed since the
        snapshot is left alone: the window wrote a newer one)."""
        for b in self.bindings:
            try:
                if b.getter() == b.was:
                    text = _refill(b.found)
                    b.setter(b.lead + (html.escape(text) if b.escape else text) + b.trail)
            except RuntimeError:  # the widget was deleted meanwhile
                continue
        for view in self.views:
            try:
                model = view.model()
                header = view.horizontalHeader() if isinstance(view, QTableView) else \
                    view.header() if isinstance(view, QTreeView) else None
                columns = header.count() if header is not None else 0
                if isinstance(model, QAbstractItemModel) and columns > 0:
                    model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, columns - 1)
                view.viewport().update()
            except RuntimeError:
                continue


def snapshot(windows: Iterable[QWidget]) -> Snapshot:
    """The texts the ``windows`` (and every widget and action in them) show, with their messages."""
    bindings: list[_Binding] = []
    views: list[QAbstractItemView] = []
    missed: list[str] = []
    seen: set[int] = set()
    shown = _Shown.now()
    for window in windows:
        objs: list[QObject] = [window, *window.findChildren(QWidget), *window.findChildren(QAction)]
        for w in objs:
            if id(w) in seen:
                continue
            seen.add(id(w))
            if isinstance(w, QAbstractItemView):
                views.append(w)
            if isinstance(getattr(w, "_raw", None), Text):
                continue  # a CoreLabel showing a core sentence: it follows LanguageChange itself
            contexts: list[str] | None = None
            for getter, setter in _texts(w):
                try:
                    text = getter()
                except RuntimeError:
                    continue
                if not text:
                    continue
                span = _ONE_SPAN.match(text)
                plain = html.unescape(span.group(2)) if span else text
                if (_is_rich(text) and span is None) or not re.search(r"[A-Za-z\u4e00-\u9fff]", plain):
                    continue
                contexts = contexts or _contexts(w)
                core = plain.strip()
                found = shown.find(core, contexts, strict=isinstance(w, QLabel) and getter == w.text)
                if found is None:
                    missed.append(html.escape(core[:60]))
                    continue
                if span is not None:  # a coloured line: the same colour around the new language's text
                    bindings.append(_Binding(found, setter, getter, text, span.group(1), span.group(3), escape=True))
                    continue
                start = text.index(core)
                bindings.append(_Binding(found, setter, getter, text, text[:start], text[start + len(core):]))
    return Snapshot(bindings, views, missed)


def sentence(text: str) -> Callable[[], str] | None:
    """For a sentence the console composed (the message bar's), found among all its messages now: a
    function giving it in the language installed when it is called; None when it is not one."""
    shown = _Shown.now()
    found = shown.find(text.strip(), list(_catalogue()))
    if found is None:
        return None
    result = found
    return lambda: _refill(result)
