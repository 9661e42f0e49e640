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

Errors: the core's exceptions (EditError, SchemaError, SpecError, PayloadError, ClientError, ...) are
raised with a Text as their message, so ``str(exc)`` is the English sentence (the CLI, the logs) and
:func:`text_of` gives the console the Text to translate (``console.i18n.error_text``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["QT_TRANSLATE_NOOP", "Template", "Text", "fill", "render", "text_of"]

log = logging.getLogger("pelorus.i18n")
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


def text_of(exc: BaseException) -> str:
    """What ``exc`` says, as a :class:`Text` when the core raised it with one (its only argument, or its
    ``text``), else ``str(exc)`` (a library's message, an engine message: English as it is)."""
    text = getattr(exc, "text", None)
    if isinstance(text, Text):
        return text
    if exc.args and isinstance(exc.args[0], Text) and str(exc) == exc.args[0]:
        return exc.args[0]
    return str(exc)


def render(text: str, translate: Callable[[str, str], str]) -> str:
    """``text`` in another language: a :class:`Text`'s template as ``translate(context, source)`` gives
    it, filled with its arguments (Texts among them rendered the same way); any other string as it is.
    A translation whose fields do not fit the arguments gives the English text."""
    if not isinstance(text, Text):
        return text
    template = translate(text.context, text.source)
    args = {k: render(v, translate) if isinstance(v, Text) else v for k, v in text.args.items()}
    try:
        return fill(template, args, text.n)
    except (KeyError, IndexError, ValueError):
        log.warning("translation of %r does not fit its arguments: %r", text.source, template)
        return fill(text.source, args, text.n)
