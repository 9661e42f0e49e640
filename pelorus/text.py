"""Sentences of the Qt-free core that the console shows in the operator's language.

The core builds its sentences in English (the CLI and the logs print them as they are), but some
reach the console's status lines, tooltips and menus, where they must be translated. The core cannot
call Qt, so it keeps the template and its arguments beside the English text:

    _SAVED = QT_TRANSLATE_NOOP("EditorSession", "Saved {target} ({size:,} bytes).")
    ...
    return _SAVED.format(target=path, size=n)        # a Text: a str, English

A :class:`Text` *is* the English string (a ``str`` subclass: comparisons, ``print`` and f-strings see
English); the console's ``console.i18n.core_text`` looks up ``source`` under ``context`` with
``QCoreApplication.translate`` and fills the translated template with the (recursively translated)
arguments. ``QT_TRANSLATE_NOOP`` is the marker Qt's lupdate reads (it must be called by that name,
with literal arguments; console/i18n_regenerate.py runs lupdate over every core module that uses it).

Plurals: a template may carry ``(s)`` / ``(es)`` after a noun; :meth:`Template.count` says which
number they agree with ("1 record", "3 records"). Chinese has one form, so its templates carry none.
Engine messages (what the engine answers over gRPC) are not Texts: they are the API and stay English.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["QT_TRANSLATE_NOOP", "Template", "Text", "fill"]

_PLURAL = re.compile(r"\((e?s)\)")


def fill(template: str, args: Mapping[str, Any], n: int | None = None) -> str:
    """``template`` with its ``(s)`` / ``(es)`` agreeing with ``n`` (when given) and its ``{name}``
    fields formatted from ``args``."""
    if n is not None:
        template = _PLURAL.sub(lambda m: "" if n == 1 else m.group(1), template)
    return template.format(**args) if args else template


class Text(str):
    """A core sentence: the English text, plus what the console needs to translate it."""

    context: str
    source: str
    args: Mapping[str, Any]
    n: int | None

    def __new__(cls, context: str, source: str, args: Mapping[str, Any] | None = None,
                n: int | None = None) -> Text:
        args = dict(args or {})
        self = super().__new__(cls, fill(source, args, n))
        self.context, self.source, self.args, self.n = context, source, args, n
        return self

    def __reduce__(self) -> tuple[Any, ...]:  # pickles / copies as a Text, not a plain str
        return (Text, (self.context, self.source, dict(self.args), self.n))


@dataclass(frozen=True)
class Template:
    """A marked template (see :func:`QT_TRANSLATE_NOOP`); :meth:`format` makes the sentence."""

    context: str
    source: str

    def format(self, **args: Any) -> Text:
        return Text(self.context, self.source, args)

    def count(self, n: int, **args: Any) -> Text:
        """The sentence with its ``(s)`` agreeing with ``n`` (``{n}`` in the template is ``n``)."""
        return Text(self.context, self.source, {"n": n, **args}, n)

    def __str__(self) -> str:
        return self.source


def QT_TRANSLATE_NOOP(context: str, source: str) -> Template:  # noqa: N802 - the name lupdate reads
    """Mark ``source`` for translation under ``context`` (Qt's macro of that name, for the core)."""
    return Template(context, source)
