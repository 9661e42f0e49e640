"""TextPanes: the protobuf editor's text-format and JSON tabs, kept in step with the message.

What it decides is the session's (:meth:`~pelorus.protobuf.session.EditorSession.render_job`, which
result is stale, :meth:`~pelorus.protobuf.session.EditorSession.apply_text_result`); this class
runs the renders and applies in worker threads and puts the results into the panes:

* a pane shows the message it was rendered from and is re-rendered only when the session's state
  changed (document, record, type, pins); a render that finishes after a newer one started, or
  after the operator typed, is dropped;
* a pane with unapplied typing is never overwritten (it says the message changed underneath);
* Apply parses the text with the chosen type in a worker (the pane is read-only meanwhile) and
  makes it the message, one undoable edit; a bad parse shows the line and keeps the text;
* a message over the editable limit (session.TEXT_VIEW_LIMIT, 4 MB) is rendered in a worker, a batch
  at a time, into a :class:`~console.models.line_text.LineText` shown by the pane's read-only virtual
  view (:mod:`console.views.large_text_view`): its first lines show as soon as the first batch is in,
  the scroll range grows as the rest arrives, and edits of such a message go through the tree or hex.

The editor is reached only through :class:`~console.views.proto_host.EditorHost`.
"""

from __future__ import annotations

import asyncio
import functools
import time
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QTabWidget

from console.i18n import core_text, error_text
from console.models.line_text import LineText, RenderStopped
from console.views.proto_edit_actions import TextApplyPane
from console.views.proto_host import EditorHost
from pelorus.protobuf.schema import SchemaError
from pelorus.protobuf.textedit import (
    SCHEMALESS_NOTE,
    Applied,
    PaneText,
    TextEditError,
    apply_text,
    pane_text,
    write_pane_text,
)
from pelorus.text import text_of

__all__ = ["GROW_EVERY", "READONLY_WIDGET_CHARS", "TextPanes"]

READONLY_WIDGET_CHARS = 4 << 20
"""A read-only text (schemaless, or damaged) of a message under the editable limit that is longer than
this goes to the virtual view too: QPlainTextEdit lays out ~10 M characters a second at best (the
schemaless JSON of a 4 MB ListPodsResponse is ~190 M characters), and nothing is lost, as it cannot be
applied anyway."""

GROW_EVERY = 0.1
"""Seconds between the virtual view's updates while a large message's text is still being rendered."""


class TextPanes:
    """The text-format / JSON panes of one editor (``side`` is the tab widget holding them)."""

    def __init__(self, host: EditorHost, side: QTabWidget) -> None:
        self.host = host
        self.side = side
        self._render_seq: dict[str, int] = {}
        """Per pane format: the number of the latest render; an older render's result is dropped."""
        self._shown_state: dict[str, tuple[object, ...]] = {}
        """Per pane format: the session state (EditorSession.state) its clean text was rendered from."""
        self._large: dict[str, tuple[LineText, tuple[object, ...]]] = {}
        """Per pane format: the large text being rendered or shown and the state it is of (a newer
        render cancels it; one of an older state in a pane not showing is dropped: it may be 100s of MB)."""
        self.timings: dict[str, float] = {}
        """Per pane format: seconds from the render's start to its first lines and to its end
        ("text.first", "text.done", ...): what the benchmark reports."""

    def forget(self) -> None:
        """Render again next time even if the session state looks the same (a schema was reloaded:
        the same type name may now render differently, an Any's packed type for one)."""
        self._shown_state.clear()

    def refresh(self) -> None:
        """Show the current message in the pane that is showing (if a text pane is)."""
        pane = self.side.currentWidget()
        if not isinstance(pane, TextApplyPane):
            return
        if pane.dirty:
            pane.stale()  # never overwrite what the operator typed and has not applied
            return
        session = self.host.session
        state = session.state()
        if self._shown_state.get(pane.fmt) == state:
            return  # already shows this message (switching tabs back, say)
        seq = self._render_seq[pane.fmt] = self._render_seq.get(pane.fmt, 0) + 1
        self._shown_state.pop(pane.fmt, None)
        old = self._large.pop(pane.fmt, None)
        if old is not None:
            old[0].cancel()  # a render still running for the previous message stops at its next batch
        self._drop_hidden_large(pane, state)
        job = session.render_job(pane.fmt)
        if job.how in ("empty", "too_large") or job.args is None:
            pane.set_content(core_text(job.text), False, "")
            if job.how == "too_large":
                self._shown_state[pane.fmt] = state
            return
        if job.how == "inline":
            self._show_rendered(pane, pane_text(*job.args), state)
            return
        if job.how == "large":
            lines = LineText()
            self._large[pane.fmt] = (lines, state)
            pane.set_large(lines, "", core_text(job.text))
            self.host.spawn(self._render_large(pane, seq, state, job.args, lines))
            return
        pane.set_content(core_text(job.text), False, "")
        self.host.spawn(self._render_in_worker(pane, seq, state, job.args))

    def _drop_hidden_large(self, showing: TextApplyPane, state: tuple[object, ...]) -> None:
        """The other pane's large text of an older message is let go (and its render stopped) now rather
        than when that pane is shown again: it can be hundreds of MB."""
        for i in range(self.side.count()):
            other = self.side.widget(i)
            if not isinstance(other, TextApplyPane) or other is showing:
                continue
            held = self._large.get(other.fmt)
            if held is not None and held[1] != state:
                held[0].cancel()
                del self._large[other.fmt]
                self._shown_state.pop(other.fmt, None)
                other.large.set_lines(None)

    def revert(self, pane: TextApplyPane) -> None:
        """Drop the operator's typing: the pane shows the current message again."""
        pane.dirty = False
        self._shown_state.pop(pane.fmt, None)
        self.refresh()

    async def apply(self, pane: TextApplyPane) -> bool:
        """Parse the pane's text with the chosen type and make it the message: one undoable edit.

        Parsing and re-encoding run in a worker thread (a multi-MB message takes seconds) on plain
        data captured here; the pane is read-only meanwhile. Cancel, a bad parse, or a document
        that changed underneath change nothing, and the text stays as typed.
        """
        host, session = self.host, self.host.session
        desc = session.tree.descriptor
        payload = session.payload()
        if session.doc is None or desc is None or payload is None:
            return False
        label = QCoreApplication.translate("TextPanes", "text format") if pane.fmt == "text" else "JSON"
        registry, type_name, text, fmt = session.registry, desc.full_name, pane.view.toPlainText(), pane.fmt
        state = session.state()
        pane.set_busy(True)
        try:
            applied: Applied = await host.busy(
                QCoreApplication.translate("TextPanes", "Applying the {0} edit ({1:,} bytes)…").format(
                    label, len(payload)
                ),
                asyncio.to_thread(apply_text, registry, type_name, payload, text, fmt),
            )
        except asyncio.CancelledError:
            host.status.setText(
                QCoreApplication.translate(
                    "TextPanes", "Applying the {0} edit was cancelled: nothing changed, the text is kept."
                ).format(label)
            )
            return False
        except (TextEditError, SchemaError) as err:
            err = err if isinstance(err, TextEditError) else TextEditError(text_of(err))
            pane.show_error(err)
            session.last_error = str(err)
            host.status.setText(QCoreApplication.translate("TextPanes", "{0} not applied: {1}").format(
                label, error_text(err)))
            return False
        finally:
            pane.set_busy(False)
        out = session.apply_text_result(applied, payload, state, fmt)
        if out.stale:
            pane.stale()
        elif out.same:
            pane.set_content(text, True)
            self._shown_state[pane.fmt] = state
        if out.edit is None:
            if out.error:
                host.show_error(out.error)
            else:
                host.status.setText(out.message)
            return False
        pane.dirty = False
        host.document_changed(out.message, edit=out.edit)
        return True

    async def _render_in_worker(self, pane: TextApplyPane, seq: int, state: tuple[object, ...],
                                args: tuple[Any, ...]) -> None:
        """Render a large message's text in a worker thread; the result is dropped when a newer render
        started or the document, record, type or pins changed meanwhile (a stale-result guard)."""
        what = QCoreApplication.translate("TextPanes", "text format") if pane.fmt == "text" else "JSON"
        registry, type_name, payload, fmt, pins = args

        def render() -> tuple[PaneText, LineText | None]:
            made = pane_text(registry, type_name, payload, fmt, pins)
            if made.editable or len(made.text) <= READONLY_WIDGET_CHARS:
                return made, None
            return PaneText("", False, made.note), LineText.from_text(made.text)  # indexed here, not on the UI

        try:
            shown, lines = await self.host.busy(
                QCoreApplication.translate("TextPanes", "Rendering {0:,} bytes as {1}…").format(len(payload), what),
                asyncio.to_thread(render),
            )
        except asyncio.CancelledError:
            if self._render_seq.get(pane.fmt) == seq and not pane.dirty:
                pane.set_content(QCoreApplication.translate("TextPanes", "Rendering the {0} was cancelled: show "
                                                                         "another tab and this one again to render "
                                                                         "it.").format(what), False, "")
            return
        if self._render_seq.get(pane.fmt) != seq or self.host.session.state() != state or pane.dirty:
            return  # stale: a newer render (or the operator's typing) owns the pane
        if lines is not None:  # read-only text too long for the widget's layout: the virtual view
            pane.set_large(lines, self._note(shown.note))
            self._large[pane.fmt] = (lines, state)
            self._shown_state[pane.fmt] = state
            return
        self._show_rendered(pane, shown, state)

    @staticmethod
    def _note(note: str | None) -> str:
        return core_text(note) if note else ""

    def _show_rendered(self, pane: TextApplyPane, shown: PaneText, state: tuple[object, ...]) -> None:
        pane.set_content(shown.text, shown.editable, shown.note)  # set_content translates the core's note
        self._shown_state[pane.fmt] = state

    async def _render_large(self, pane: TextApplyPane, seq: int, state: tuple[object, ...], args: tuple[Any, ...],
                            lines: LineText) -> None:
        """Render a large message's text into ``lines`` in a worker thread, a batch at a time, while the
        pane's virtual view shows what has arrived (its scroll range grows every :data:`GROW_EVERY` s).
        A newer render, an edit or Cancel stops the worker at its next batch."""
        what = QCoreApplication.translate("TextPanes", "text format") if pane.fmt == "text" else "JSON"
        view = pane.large.view
        started = time.perf_counter()
        self.timings.pop(f"{pane.fmt}.first", None)
        self.timings.pop(f"{pane.fmt}.done", None)

        def current() -> bool:
            held = self._large.get(pane.fmt)
            return self._render_seq.get(pane.fmt) == seq and held is not None and held[0] is lines

        async def follow(job: asyncio.Future[PaneText]) -> None:
            shown = 0
            while not job.done() and current():
                if lines.line_count != shown:
                    shown = lines.line_count
                    view.grown()
                    self.timings.setdefault(f"{pane.fmt}.first", time.perf_counter() - started)
                await asyncio.sleep(GROW_EVERY if shown else 0.01)  # the first screen as soon as it is in

        registry, type_name, payload, fmt, pins = args
        render = functools.partial(write_pane_text, registry, type_name, payload, fmt, pins, lines.append_text,
                                   lines.append)  # the C renderer's batches as bytes, straight into the index
        job = asyncio.ensure_future(asyncio.to_thread(render))

        async def rendered() -> PaneText:
            return await job

        follower = asyncio.ensure_future(follow(job))
        size = len(payload)
        try:
            shown: PaneText = await self.host.busy(
                QCoreApplication.translate("TextPanes", "Rendering {0:,} bytes as {1}…").format(size, what), rendered())
        except (asyncio.CancelledError, RenderStopped):
            lines.cancel()
            if current():
                lines.finish()
                view.grown()
                pane.note.setText(QCoreApplication.translate("TextPanes", "Rendering the {0} was cancelled: what is "
                                                                          "shown is its start; show another tab and "
                                                                          "this one again to render it all.")
                                  .format(what))
                self._large.pop(pane.fmt, None)
            return
        finally:
            follower.cancel()
        if not current() or self.host.session.state() != state:
            lines.cancel()
            return  # stale: a newer render owns the pane
        lines.finish()
        view.grown()
        self.timings.setdefault(f"{pane.fmt}.first", time.perf_counter() - started)
        self.timings[f"{pane.fmt}.done"] = time.perf_counter() - started
        note = QCoreApplication.translate(
            "TextPanes", "Read-only: a message this large ({0:,} bytes) is shown without editing here; edit it in the "
                         "tree or the hex pane.").format(size)
        damaged = self._note(shown.note) if shown.note != SCHEMALESS_NOTE else ""  # what the typed path says
        pane.note.setText(f"{damaged} {note}".strip())
        self._shown_state[pane.fmt] = state
