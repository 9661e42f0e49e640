"""CoreLabel: a QLabel that shows the Qt-free core's sentences in the console's language.

The core (pelorus/) builds sentences as :class:`pelorus.text.Text`: English strings that carry their
template and arguments. A CoreLabel translates one when it is set (``console.i18n.core_text``) and
again when the language changes (View ▸ Language), so a status line fed by the core never stays
English; any other text (the console's own, already translated; an engine message) shows as given.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QLabel

from console.i18n import core_text


class CoreLabel(QLabel):
    """A label whose core sentences are translated (see the module doc)."""

    _raw: str = ""

    def setText(self, text: str) -> None:  # noqa: N802 - Qt's name
        self._raw = text
        super().setText(core_text(text))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.LanguageChange and self._raw:
            super().setText(core_text(self._raw))
        super().changeEvent(event)
