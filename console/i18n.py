"""The console's language: which translation is loaded, and the locale numbers are written in.

The language follows the system locale (``QLocale.system()``) unless the operator picked one in
View ▸ Language (persisted under ``SETTING``).  Pelorus's own messages come from
``resources/i18n/pelorus_<lang>.qm`` (compiled from the Qt Linguist .ts source by
``python console/i18n_regenerate.py``); Qt's own (the buttons of standard dialogs, the context
menus of line edits) from ``qtbase_<lang>.qm`` in Qt's translations folder, which the PySide6
wheel ships.  English is the source language: its file holds only the plural forms.

A change of language (View ▸ Language) loads the translation at once, in every open window: the main
window's menus, actions (toolbar, palette), tabs and table headers follow it (MainWindow.retranslate,
on Qt's LanguageChange), so do the status lines the Qt-free core feeds (views/core_label.CoreLabel)
and the message bar, and every other text the windows show is read before the switch and set again in
the new language after it (views/relabel.py). What stays until its window next writes it: the
coloured (rich-text) status lines and the menus a window fills with data when they open.

The core's errors carry their sentence as a Text too: :func:`error_text` shows one translated.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, QTranslator

# pelorus.shipped (importlib.resources) and pelorus.text (dataclasses) are imported where used: `python
# main.py` imports this module before its first paint (console.app), where only `wanted()` is called.

log = logging.getLogger("pelorus.i18n")

SETTING = "view/language"
SYSTEM = "system"
ENGLISH = "en"
CHINESE = "zh_CN"
# (setting value, how the menu names it): each language in its own name, as desktops list them.
CHOICES: tuple[tuple[str, str], ...] = ((SYSTEM, ""), (ENGLISH, "English"), (CHINESE, "简体中文"))
TRANSLATED = (CHINESE,)  # languages with a pelorus_<lang>.qm

_installed: list[QTranslator] = []  # kept alive: Qt does not own an installed translator


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 - the name pyside6-lupdate looks for
    """Marks ``text`` for translation in ``context`` and returns it unchanged, for texts made before
    a translator can be asked (module constants); translate them where shown.  PySide6's own is
    typed as returning ``object``."""
    return text


def i18n_dir() -> Path:
    """resources/i18n: the .ts sources and the compiled .qm files."""
    from pelorus.shipped import resources_dir

    return resources_dir() / "i18n"


def qt_translations_dir() -> str:
    """Qt's own translations (qtbase_zh_CN.qm, ...): inside the PySide6 wheel."""
    return QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)


def saved_choice() -> str:
    """The operator's choice in View ▸ Language ("system" when none or unknown)."""
    value = str(QSettings().value(SETTING, SYSTEM) or SYSTEM)
    return value if value in {c for c, _ in CHOICES} else SYSTEM


def save_choice(choice: str) -> None:
    QSettings().setValue(SETTING, choice)


def locale_for(choice: str, system: QLocale | None = None) -> QLocale:
    """The locale a choice means: the system's for "system", else the named language's."""
    if choice == SYSTEM:
        return system if system is not None else QLocale.system()
    return QLocale(choice)


def language_of(locale: QLocale) -> str:
    """The translation a locale gets: "zh_CN" for any Chinese in simplified script, else English
    (the source).  Traditional Chinese (zh_TW, zh_HK) gets English rather than simplified text."""
    if (locale.language() == QLocale.Language.Chinese
            and locale.script() != QLocale.Script.TraditionalChineseScript
            and locale.territory() not in (QLocale.Country.Taiwan, QLocale.Country.HongKong,
                                           QLocale.Country.Macau)):
        return CHINESE
    return ENGLISH


def wanted(choice: str | None = None) -> str:
    """The language ``install`` would load for ``choice`` (default: the saved one): "en", "zh_CN"."""
    return language_of(locale_for(choice if choice is not None else saved_choice()))


def install(choice: str | None = None, app: QCoreApplication | None = None) -> str:
    """Load the translations for ``choice`` (default: the saved one) into the application and make
    its locale the default QLocale (numbers, dates).  Returns the language loaded ("en", "zh_CN").
    Calling it again replaces what an earlier call installed."""
    app = app or QCoreApplication.instance()
    if app is None:
        raise RuntimeError("i18n.install needs a QCoreApplication")
    uninstall(app)
    locale = locale_for(choice if choice is not None else saved_choice())
    language = language_of(locale)
    if language == ENGLISH:
        # English text: numbers in the system's convention, unless English was picked over another.
        keep = locale.language() == QLocale.Language.English or choice in (None, SYSTEM)
        QLocale.setDefault(locale if keep else QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
        plurals = QTranslator(app)  # "%n job(s)" -> "1 job" / "3 jobs"
        if plurals.load("pelorus_en", str(i18n_dir())):
            app.installTranslator(plurals)
            _installed.append(plurals)
        return ENGLISH
    QLocale.setDefault(QLocale(language))
    own = QTranslator(app)
    if own.load(f"pelorus_{language}", str(i18n_dir())):
        app.installTranslator(own)
        _installed.append(own)
    else:
        log.warning("no translation pelorus_%s.qm in %s: the console stays in English", language, i18n_dir())
    for name in ("qtbase",):
        qt = QTranslator(app)
        if qt.load(f"{name}_{language}", qt_translations_dir()):
            app.installTranslator(qt)
            _installed.append(qt)
    return language


def uninstall(app: QCoreApplication | None = None) -> None:
    """Remove every translator ``install`` added (back to English)."""
    app = app or QCoreApplication.instance()
    while _installed:
        translator = _installed.pop()
        if app is not None:
            app.removeTranslator(translator)


def action_text(text: str) -> str:
    """A text of the action table (console/actions.py, marked there with QT_TRANSLATE_NOOP) as shown."""
    return QCoreApplication.translate("Actions", text) if text else text


def plain_label(label: str) -> str:
    """A menu label without its mnemonic, for sentences and the palette: "&Stop" -> "Stop",
    "停止(&T)" -> "停止" (CJK labels carry the mnemonic in parentheses, as Qt's own do)."""
    return re.sub(r"\(&\w\)", "", label).replace("&&", "\0").replace("&", "").replace("\0", "&")


def core_text(text: str) -> str:
    """A sentence of the Qt-free core (a :class:`pelorus.text.Text`) in the console's language; any
    other string (an engine message, a name) unchanged. The template is looked up under its context,
    its arguments translated the same way (a sentence inside a sentence) and filled in; a translation
    whose fields do not match the template falls back to the English text (logged)."""
    from pelorus.text import render

    return render(text, _translate_core)


def _translate_core(context: str, source: str) -> str:
    return QCoreApplication.translate(context, source)


def error_text(exc: BaseException) -> str:
    """What an error says, in the console's language: the core's errors carry their sentence as a
    :class:`pelorus.text.Text` (``text_of``), translated here; an engine's or a library's message
    stays as written (English). ``str(exc)`` is still the English sentence (logs, CLI)."""
    from pelorus.text import text_of

    return core_text(text_of(exc))


def translate(context: str, source: str, disambiguation: str | None = None, n: int = -1) -> str:
    """QCoreApplication.translate for Qt-free code that takes a translator (actions.Result.message)."""
    return QCoreApplication.translate(context, source, disambiguation, n)


def number(n: float) -> str:
    """A count as the chosen locale writes it (12,345; grouping and digits by QLocale)."""
    return QLocale().toString(n) if isinstance(n, int) else QLocale().toString(float(n), "f", 1)
