"""EditorSession: the protobuf editor's state and rules, Qt-free.

What one open file is: its path, the :class:`~pelorus.protobuf.document.Document` (with its undo
history), how it was framed (:class:`~pelorus.protobuf.framing.RecordIndex`) and encoded (binary,
hex or base64 text), the shown record, the chosen type, the document tree and its edits
(:class:`~pelorus.protobuf.tree.ProtoTree`, :class:`~pelorus.protobuf.editing.TreeEditor`, which
hold the pins and assigned types), and which rows were expanded / selected across a reload.

Why Qt-free: ProtoEditor (console/views/proto_editor.py) keeps the widgets, the worker threads and
the wiring; the decisions (what a save writes, where the records are after an edit, which record
an edit touched, when a worker's result is stale, what the damage banner says) live here and are
tested without a display (tests/protobuf/test_editor_session.py). Slow steps are plain calls
(:func:`load_file`, :meth:`EditorSession.save_call`) that the editor runs in a worker thread.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from pelorus.protobuf import framing as fr
from pelorus.protobuf.document import Document, Edit, EditError, IndexPath
from pelorus.protobuf.editing import TreeEditor
from pelorus.protobuf.readings import Pins
from pelorus.protobuf.schema import SchemaRegistry, TypeGuess
from pelorus.protobuf.schemaless import decode_span
from pelorus.protobuf.textedit import Applied, Format
from pelorus.protobuf.tree import ProtoTree
from pelorus.text import QT_TRANSLATE_NOOP, Text

__all__ = ["INLINE_RENDER_LIMIT", "LARGE_VIEW_LIMIT", "TEXT_VIEW_LIMIT", "EditorSession", "Loaded", "RenderJob",
           "Replaced", "ViewMemory",
           "load_file", "message_name"]

TEXT_VIEW_LIMIT: Final = 4 << 20
"""Records up to this size are shown in an editable text widget (QPlainTextEdit), whose layout of the
whole text costs ~0.1 s per MB of text on the UI thread and whose Apply parses it back (~15 s of
pure-Python parsing for 4 MB). Larger ones are rendered in a worker thread, in batches, into the
editor's virtual text view (read-only; a RenderJob "large"), which paints only the lines on screen."""
LARGE_VIEW_LIMIT: Final = 32 << 20
"""Records larger than this get no text view ("too_large": use the CLI). Memory decides it: the view
holds the whole text as UTF-8 bytes plus 4 bytes per line, and schemaless JSON is up to ~48 times the
payload (a 10 MB ListPodsResponse: 482 MB of JSON, 15.5 M lines), so 32 MB can mean ~1.6 GB."""
INLINE_RENDER_LIMIT: Final = 64 << 10
"""Payloads up to this size are rendered on the UI thread (~1 MB/s: a few tens of ms); larger ones in
a worker thread, with the busy row."""


@dataclass
class Loaded:
    """What a worker thread hands back after opening a file."""

    path: Path
    doc: Document
    index: fr.RecordIndex
    encoding: str
    source_text: bytes = b""
    """The file's hex / base64 text (saving writes that encoding back); empty for binary files."""


def load_file(path: Path, framing: str) -> Loaded:
    """Open (memory-mapped when large), undo hex/base64 text, index records, scan the first level.
    Slow for big files: run it in a worker thread."""
    doc = Document.open(path)
    encoding = "binary"
    source = b""
    if len(doc) < (1 << 20):
        data, encoding = fr.decode_text(doc.to_bytes(), "auto")
        if encoding != "binary":
            source = doc.to_bytes()
            doc = Document(data)
    idx = fr.index(doc.data, framing)  # type: ignore[arg-type]
    if idx.framing == "single":
        _ = doc.root  # the first level's scan, here rather than on the UI thread
    return Loaded(path, doc, idx, encoding, source)


@dataclass
class ViewMemory:
    """Which rows were expanded and which was selected, by index path: a reload (every edit moves
    the offsets after it) replaces every node, and the view is put back from these paths."""

    expanded: list[IndexPath] = field(default_factory=list)
    selected: IndexPath | None = None


class _Same:
    """Wraps an object so that tuples holding it compare it by identity (``is``), not by value."""

    __slots__ = ("obj",)

    def __init__(self, obj: object) -> None:
        self.obj = obj

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Same) and other.obj is self.obj

    def __hash__(self) -> int:
        return id(self.obj)


# The sentences the console shows (status line, banner, save preview), marked for its translation
# (pelorus/text.py); the CLI and the tests read them in English.
_ONE_MESSAGE = QT_TRANSLATE_NOOP("EditorSession", "one message")
_RECORDS = QT_TRANSLATE_NOOP("EditorSession", "{n:,} {framing} record(s)")
_LOADED = QT_TRANSLATE_NOOP("EditorSession", "{name}: {size:,} bytes, {what}.")
_LOADED_HEX = QT_TRANSLATE_NOOP("EditorSession", "{name}: {size:,} bytes, {what} (decoded from hex text).")
_LOADED_B64 = QT_TRANSLATE_NOOP("EditorSession", "{name}: {size:,} bytes, {what} (decoded from base64 text).")
_TOO_LARGE = QT_TRANSLATE_NOOP("EditorSession", "{size:,} bytes: too large for this view (its text would need "
                               "gigabytes of memory); use `python main.py proto decode FILE --format text|json`.")
_RENDERING_TEXT = QT_TRANSLATE_NOOP("EditorSession", "Rendering {size:,} bytes as text format…")
_RENDERING_JSON = QT_TRANSLATE_NOOP("EditorSession", "Rendering {size:,} bytes as JSON…")
_EDITED = QT_TRANSLATE_NOOP("EditorSession", "Edited: {edit} ({n} byte(s) changed).")
_UNDID = QT_TRANSLATE_NOOP("EditorSession", "Undid: {edit}.")
_REDID = QT_TRANSLATE_NOOP("EditorSession", "Redid: {edit}.")
_STALE_TEXT = QT_TRANSLATE_NOOP("EditorSession", "The message changed while the text format edit was being "
                                "applied: nothing was applied, the text is kept (Apply again to replace the "
                                "message with it).")
_STALE_JSON = QT_TRANSLATE_NOOP("EditorSession", "The message changed while the JSON edit was being applied: "
                                "nothing was applied, the text is kept (Apply again to replace the message "
                                "with it).")
_SAME_TEXT = QT_TRANSLATE_NOOP("EditorSession", "The text format gives the same bytes: nothing changed.")
_SAME_JSON = QT_TRANSLATE_NOOP("EditorSession", "The JSON gives the same bytes: nothing changed.")
_SIZES = QT_TRANSLATE_NOOP("EditorSession", "{before:,} → {after:,} bytes")
_SIZES_KEPT = QT_TRANSLATE_NOOP("EditorSession", "{before:,} → {after:,} bytes; {n} unknown field(s) kept")
_APPLY_EDIT_TEXT = QT_TRANSLATE_NOOP("EditorSession", "apply the text format edit as {type} (re-encoded "
                                     "canonically: {sizes})")
_APPLY_EDIT_JSON = QT_TRANSLATE_NOOP("EditorSession", "apply the JSON edit as {type} (re-encoded canonically: "
                                     "{sizes})")
_CANNOT_APPLY = QT_TRANSLATE_NOOP("EditorSession", "Cannot apply: {error}")
_APPLIED_TEXT = QT_TRANSLATE_NOOP("EditorSession", "Applied the text format edit: the message was re-encoded "
                                  "canonically ({sizes}). Undo restores it.")
_APPLIED_JSON = QT_TRANSLATE_NOOP("EditorSession", "Applied the JSON edit: the message was re-encoded "
                                  "canonically ({sizes}). Undo restores it.")
_STALE_CANONICAL = QT_TRANSLATE_NOOP("EditorSession", "The message changed while it was being canonicalised: "
                                     "nothing changed (Canonicalise again).")
_ALREADY_CANONICAL = QT_TRANSLATE_NOOP("EditorSession", "Already canonical as {type}: nothing to change.")
_CANONICALISE_EDIT = QT_TRANSLATE_NOOP("EditorSession", "canonicalise as {type}")
_CANNOT_CANONICALISE = QT_TRANSLATE_NOOP("EditorSession", "Cannot canonicalise: {error}")
_CANONICALISED = QT_TRANSLATE_NOOP("EditorSession", "Canonicalised as {type}: {before:,} → {after:,} bytes (field "
                                   "order, varint widths and packing normalised). Undo restores the original bytes.")
_THIS_MESSAGE = QT_TRANSLATE_NOOP("EditorSession", "this message")
_NAME_RECORD = QT_TRANSLATE_NOOP("EditorSession", "{name} record {record}")
_NAME_UNSAVED = QT_TRANSLATE_NOOP("EditorSession", "{name} with unsaved edits")
_NO_GUESS = QT_TRANSLATE_NOOP("EditorSession", "No loaded type parses these bytes; load a schema or stay schemaless.")
_GUESS = QT_TRANSLATE_NOOP("EditorSession", "{type} ({known} known, {unknown} unknown)")
_GUESSES_1 = QT_TRANSLATE_NOOP("EditorSession", "Best guesses: {first}")
_GUESSES_2 = QT_TRANSLATE_NOOP("EditorSession", "Best guesses: {first}, {second}")
_GUESSES_3 = QT_TRANSLATE_NOOP("EditorSession", "Best guesses: {first}, {second}, {third}")
_ADD_RECORD_EDIT = QT_TRANSLATE_NOOP("EditorSession", "add record {record} (empty) at offset {offset}")
_ADDED_RECORD = QT_TRANSLATE_NOOP("EditorSession", "Added an empty record {record}: add its fields with Insert.")
_RECORD_OF = QT_TRANSLATE_NOOP("EditorSession", "record {record} of {total:,} ({size:,}-byte payload at offset "
                               "{offset})")
_REMOVE_EDIT = QT_TRANSLATE_NOOP("EditorSession", "remove {what}")
_REMOVED = QT_TRANSLATE_NOOP("EditorSession", "Removed {what}.")
_PREVIEW_EDIT = QT_TRANSLATE_NOOP("EditorSession", "• {edit} ({n} byte(s))")
_NO_EDITS = QT_TRANSLATE_NOOP("EditorSession", "No edits: the file is written back byte-identical.")
_ALREADY_SAVED = QT_TRANSLATE_NOOP("EditorSession", "Already saved: these edits are in the file.")
_SUMMARY = QT_TRANSLATE_NOOP("EditorSession", "{n} edit(s); {before:,} → {after:,} bytes.")
_SAVED = QT_TRANSLATE_NOOP("EditorSession", "Saved {target} ({size:,} bytes).")
_SAVED_AS = QT_TRANSLATE_NOOP("EditorSession", "Saved {target} ({size:,} bytes as {encoding} text).")
_DAMAGED = QT_TRANSLATE_NOOP("EditorSession", "Damaged at byte offset {offset}: {reason}. Everything before it is "
                             "decoded below.")
_DAMAGED_AT_START = QT_TRANSLATE_NOOP("EditorSession", "Damaged at byte offset {offset}: {reason}. No field before "
                                      "it could be decoded: is this a protobuf message, or another framing?")
_CUT_SHORT = QT_TRANSLATE_NOOP("EditorSession", "Stream cut short at byte offset {offset}: {reason}. {n:,} whole "
                               "record(s) before it are shown.")
_TWO_SENTENCES = QT_TRANSLATE_NOOP("EditorSession", "{first} {second}")


def _hex(b: bytes) -> str:
    if not b:
        return "(nothing)"
    return b[:24].hex(" ") + (f" … ({len(b)} bytes)" if len(b) > 24 else "")


def message_name(path: Path | None) -> str:
    """A message name from the file name (``job-spec.bin`` → ``JobSpec``); ``Message`` if none fits."""
    words = re.findall(r"[A-Za-z0-9]+", path.stem if path is not None else "")
    name = "".join(w[:1].upper() + w[1:] for w in words)
    return name if name[:1].isalpha() else "Message"


@dataclass(frozen=True)
class Replaced:
    """What a worker's re-encoding of the message did (see :meth:`EditorSession.apply_text_result`
    and :meth:`EditorSession.canonical_result`): ``edit`` when applied; else ``stale`` (the message
    changed meanwhile), ``same`` (nothing to change) or ``error`` (the document refused it)."""

    message: str  # a pelorus.text.Text (translated where shown) or ""
    edit: Edit | None = None
    stale: bool = False
    same: bool = False
    error: str | None = None  # a Text, or None


@dataclass(frozen=True)
class RenderJob:
    """How a text-format / JSON pane gets the shown message (see :meth:`EditorSession.render_job`).

    ``how``: "empty" (nothing open: show ``text``), "too_large" (show ``text``, a sentence),
    "inline" (call ``pane_text(*args)`` now: small), "worker" (show ``text`` meanwhile and call
    ``pane_text(*args)`` in a worker thread), "large" (over :data:`TEXT_VIEW_LIMIT`: call
    ``write_pane_text(*args, write)`` in a worker thread into the read-only virtual view). ``args`` are
    plain data: a worker never reads the live document, pins or tree."""

    how: str
    text: str = ""
    args: tuple[SchemaRegistry, str | None, bytes, Format, Pins] | None = None


class EditorSession:
    """One editor's file, document, records, type, tree and view memory (see the module doc)."""

    def __init__(self, registry: SchemaRegistry | None = None) -> None:
        self.registry = registry or SchemaRegistry()
        self.include_paths: list[str] = []
        self.tree = ProtoTree()
        self.editing = TreeEditor(self.tree)
        self.path: Path | None = None
        self.doc: Document | None = None
        self.records: fr.RecordIndex | None = None
        self.encoding = "binary"
        self.source_text = b""
        self.type_name: str | None = None
        self.guesses: list[TypeGuess] = []
        self.last_error = ""
        self.last_edit_message = ""
        self.record = 0
        """The shown record of a stream (0-based); 0 for a single message."""
        self.view = ViewMemory()

    # -- what is open -----------------------------------------------------------------------------

    @property
    def modified(self) -> bool:
        return self.doc is not None and self.doc.modified

    @property
    def framing(self) -> str:
        return self.records.framing if self.records is not None else "single"

    @property
    def is_stream(self) -> bool:
        return self.records is not None and self.records.framing != "single"

    @property
    def tab_title(self) -> str:
        name = self.path.name if self.path is not None else "Protobuf"
        return name + (" •" if self.modified else "")

    def current_record(self) -> int:
        return self.record if self.is_stream else 0

    def install(self, loaded: Loaded) -> str:
        """Make ``loaded`` the open file (a single message is shown at once; a stream's first record
        is shown by :meth:`show_record`). Returns the status sentence."""
        self.path = loaded.path
        self.records = loaded.index
        self.encoding = loaded.encoding
        self.source_text = loaded.source_text
        self.doc = loaded.doc
        self.record = 0
        if not self.is_stream:
            self.tree.set_document(loaded.doc)
        loaded_as = {"hex": _LOADED_HEX, "base64": _LOADED_B64}.get(loaded.encoding, _LOADED)
        what = (_RECORDS.count(len(loaded.index), framing=loaded.index.framing) if self.is_stream
                else _ONE_MESSAGE.format())
        return loaded_as.format(name=loaded.path.name, size=len(loaded.doc), what=what)

    def show_record(self, i: int) -> fr.Record | None:
        """Show record ``i`` (0-based) of a stream in the tree; None when there is no such record.
        An open document is edited in place: its scope is the record, whose prefix follows edits."""
        idx = self.records
        if idx is None or not 0 <= i < len(idx):
            return None
        rec = idx[i]
        if self.doc is not None:
            self.doc.set_scope(rec.prefix_offset, idx.framing)
            self.tree.set_document(self.doc)
        else:
            self.tree.set_message(decode_span(idx.buf, rec.offset, rec.end))
        self.record = i
        return rec

    def record_at(self, offset: int) -> int | None:
        """The record (of a stream) holding byte ``offset``, prefix included; None if none does."""
        idx = self.records
        if idx is None or not self.is_stream:
            return None
        for r in range(len(idx)):
            rec = idx[r]
            if rec.prefix_offset <= offset < rec.end:
                return r
        return None

    def set_type(self, type_name: str | None) -> None:
        """Decode with ``type_name`` (None or "" for schemaless). Raises SchemaError if unknown."""
        self.tree.set_schema(self.registry, type_name or None)
        self.type_name = type_name or None

    def payload(self) -> bytes | None:
        """The bytes of the shown message: the whole document, or the shown record's payload."""
        if self.doc is None:
            return None
        if self.records is not None and self.is_stream:
            rec = self.records[self.current_record()]
            return bytes(self.records.buf[rec.offset : rec.end])
        return self.doc.to_bytes()

    def state(self) -> tuple[object, ...]:
        """What the text views and Apply / Canonicalise work from: the document and its buffer object
        (a new one after every edit, undo and redo; compared by identity, and held, so never reused),
        the shown record, the type and the pinned readings. A worker's result is used only if this is
        unchanged when it finishes."""
        buf = self.doc.data if self.doc is not None else None
        desc = self.tree.descriptor
        return (_Same(self.doc), _Same(buf), self.framing, self.current_record(),
                desc.full_name if desc is not None else None, dict(self.tree.pins.by_path))

    def pins_copy(self) -> Pins:
        """The pins as they are now, for a worker (which must never read the live ones)."""
        return Pins(dict(self.tree.pins.by_path))

    def render_job(self, fmt: Format) -> RenderJob:
        """What the ``fmt`` pane should do to show the current message (see :class:`RenderJob`)."""
        payload = self.payload()
        if payload is None:
            return RenderJob("empty")
        if len(payload) > LARGE_VIEW_LIMIT:
            return RenderJob("too_large", _TOO_LARGE.format(size=len(payload)))
        desc = self.tree.descriptor
        args = (self.registry, desc.full_name if desc is not None else None, payload, fmt, self.pins_copy())
        if len(payload) <= INLINE_RENDER_LIMIT:
            return RenderJob("inline", "", args)
        rendering = _RENDERING_TEXT if fmt == "text" else _RENDERING_JSON
        return RenderJob("worker" if len(payload) <= TEXT_VIEW_LIMIT else "large", rendering.format(size=len(payload)),
                         args)

    @property
    def can_undo(self) -> bool:
        return self.doc is not None and bool(self.doc.history)

    @property
    def can_redo(self) -> bool:
        return self.doc is not None and self.doc.can_redo

    # -- changes ------------------------------------------------------------------------------------

    def edited(self, edit: Edit) -> str:
        """An edit made through the tree: remember and return its sentence."""
        self.last_edit_message = _EDITED.count(edit.changed_bytes, edit=edit.description)
        return self.last_edit_message

    def undo(self) -> tuple[str, Edit] | None:
        """Undo the last edit: (sentence, the splices applied) or None when there is nothing to undo."""
        edit = self.doc.undo() if self.doc is not None else None
        return None if edit is None else (_UNDID.format(edit=edit.description), edit.inverse())

    def redo(self) -> tuple[str, Edit] | None:
        edit = self.doc.redo() if self.doc is not None else None
        return None if edit is None else (_REDID.format(edit=edit.description), edit)

    def after_change(self, edit: Edit | None) -> int | None:
        """Bring the records up to the document after any change. For a stream: only the records the
        splices touched are re-framed (a rebuild when unsure), and the result is the record to show
        (the one the edit touched; -1 when no record is left). None for a single message, whose tree
        the caller reloads when the change did not come through it."""
        assert self.doc is not None
        if self.records is not None and self.records.framing == "single":
            self.records = fr.RecordIndex(self.doc.data, "single")
        if self.records is None or not self.is_stream:
            return None
        framing = self.records.framing
        offset = edit.splices[0].offset if edit is not None and edit.splices else None
        if offset is None and self.doc.scope is not None:
            offset = self.doc.scope[0]
        self.doc.set_scope(None)
        if edit is not None and edit.splices:
            self.records = self.records.after_splices(self.doc.data, edit.splices)
        else:
            self.records = fr.RecordIndex(self.doc.data, framing)
        idx = self.records
        if not len(idx):
            self.tree.set_message(None)
            return -1
        target = len(idx) - 1
        if offset is not None:
            target = min(target, max(0, bisect.bisect_right(idx.prefix_offsets, offset) - 1))
        return target

    def apply_text_result(self, applied: Applied, payload: bytes, state: tuple[object, ...],
                          fmt: Format) -> Replaced:
        """Make a text / JSON pane's parsed result the message, unless the message changed since
        ``state`` was taken (then nothing is applied) or the bytes are the same. One undoable edit."""
        text = fmt == "text"
        if self.state() != state:
            return Replaced(_STALE_TEXT.format() if text else _STALE_JSON.format(), stale=True)
        if applied.payload == payload:
            return Replaced(_SAME_TEXT.format() if text else _SAME_JSON.format(), same=True)
        assert self.doc is not None and self.tree.descriptor is not None
        type_name = self.tree.descriptor.full_name
        sizes = (_SIZES_KEPT.count(applied.unknown_kept, before=len(payload), after=len(applied.payload))
                 if applied.unknown_kept else _SIZES.format(before=len(payload), after=len(applied.payload)))
        try:
            edit = self.doc.replace_root(
                applied.payload, (_APPLY_EDIT_TEXT if text else _APPLY_EDIT_JSON).format(type=type_name, sizes=sizes))
        except EditError as err:
            return Replaced("", error=_CANNOT_APPLY.format(error=str(err)))
        return Replaced((_APPLIED_TEXT if text else _APPLIED_JSON).format(sizes=sizes), edit=edit)

    def canonical_result(self, new: bytes, payload: bytes, state: tuple[object, ...]) -> Replaced:
        """Make the canonical re-encoding ``new`` of ``payload`` the message (see apply_text_result)."""
        desc = self.tree.descriptor
        if self.state() != state or desc is None:
            return Replaced(_STALE_CANONICAL.format(), stale=True)
        type_name = desc.full_name
        if new == payload:
            return Replaced(_ALREADY_CANONICAL.format(type=type_name), same=True)
        assert self.doc is not None
        try:
            edit = self.doc.replace_root(new, _CANONICALISE_EDIT.format(type=type_name))
        except EditError as err:
            return Replaced("", error=_CANNOT_CANONICALISE.format(error=str(err)))
        return Replaced(_CANONICALISED.format(type=type_name, before=len(payload), after=len(new)), edit=edit)

    def compare_framing(self) -> str:
        """How the other file of a comparison is read: as the same kind of stream, else one message."""
        return self.framing if self.is_stream else "single"

    def compare_plan(self, other: Loaded) -> tuple[bytes, str, str] | None:
        """What "Compare with" compares against ``other`` (read with :meth:`compare_framing`):
        ``(left bytes, left name, framing)``. A stream is compared with a file that tiles as the same
        stream record by record (records aligned); with any other file, the shown record is compared
        with it as one message. None when nothing is open."""
        left = self.payload()
        if left is None or self.doc is None:
            return None
        framing = self.compare_framing()
        name: str = self.path.name if self.path is not None else _THIS_MESSAGE.format()
        streams = framing != "single" and other.index.error is None and len(other.index) > 0
        if streams:
            left = self.doc.to_bytes()
        elif framing != "single":
            name = _NAME_RECORD.format(name=name, record=self.current_record() + 1)
        if self.modified:
            name = _NAME_UNSAVED.format(name=name)
        return left, name, framing if streams else "single"

    def guessed(self, guesses: list[TypeGuess]) -> str:
        """Remember the ranked type guesses; the status sentence naming the best three."""
        self.guesses = guesses
        if not guesses:
            return _NO_GUESS.format()
        best = [_GUESS.format(type=g.full_name, known=g.known_fields, unknown=g.unknown_fields) for g in guesses[:3]]
        named = dict(zip(("first", "second", "third"), best, strict=False))
        return (_GUESSES_1, _GUESSES_2, _GUESSES_3)[len(best) - 1].format(**named)

    def add_record(self) -> tuple[str, Edit] | None:
        """Insert an empty record after the shown one (a stream only): (sentence, edit)."""
        idx = self.records
        if self.doc is None or idx is None or idx.framing == "single":
            return None
        cur = self.current_record()
        at = idx[cur].end if len(idx) else len(self.doc)
        number = cur + 2 if len(idx) else 1
        what = _ADD_RECORD_EDIT.format(record=number, offset=at)
        edit = self.doc.insert_record(at, b"", idx.framing, description=what)
        return _ADDED_RECORD.format(record=number), edit

    def record_to_remove(self) -> str | None:
        """What removing the shown record would remove (None: not a stream, or no records)."""
        idx = self.records
        if self.doc is None or idx is None or idx.framing == "single" or not len(idx):
            return None
        cur = self.current_record()
        rec = idx[cur]
        return _RECORD_OF.format(record=cur + 1, total=len(idx), size=rec.length, offset=rec.offset)

    def remove_record(self) -> tuple[str, Edit] | None:
        """Remove the shown record (its framing prefix and payload): (sentence, edit)."""
        what = self.record_to_remove()
        if what is None:
            return None
        assert self.doc is not None and self.records is not None
        rec = self.records[self.current_record()]
        edit = self.doc.remove_record(rec.prefix_offset, self.records.framing,
                                      description=_REMOVE_EDIT.format(what=what))
        return _REMOVED.format(what=what), edit

    # -- saving ---------------------------------------------------------------------------------

    def save_preview(self) -> str:
        """What saving writes: each edit since opening with its byte changes."""
        return "\n".join(self.save_preview_lines())

    def save_preview_lines(self) -> list[str]:
        """:meth:`save_preview`'s lines (sentences are :class:`~pelorus.text.Text`, for the console)."""
        if self.doc is None:
            return []
        lines: list[str] = []
        for edit in self.doc.history:
            lines.append(_PREVIEW_EDIT.count(edit.changed_bytes, edit=edit.description))
            for s in edit.splices:
                lines.append(f"    @{s.offset}: {_hex(s.old)} → {_hex(s.new)}")
        if not lines:
            lines.append(_NO_EDITS.format())
        elif not self.doc.modified:
            lines.insert(0, _ALREADY_SAVED.format())
        return lines

    def save_summary(self) -> str:
        """``3 edit(s); 1,024 → 1,030 bytes.`` for the save preview's heading."""
        assert self.doc is not None
        n = len(self.doc.history)
        original = len(self.doc) - sum(len(s.new) - len(s.old) for e in self.doc.history for s in e.splices)
        return _SUMMARY.count(n, before=original, after=len(self.doc))

    def save_call(self, target: Path) -> Callable[[], None]:
        """The write of the document to ``target`` as a plain call for a worker thread: byte-preserving,
        and as the hex / base64 text it was read from when it was text."""
        assert self.doc is not None
        encode = None
        if self.encoding != "binary":
            encode = functools.partial(fr.encode_text, encoding=self.encoding, original=self.source_text)
        return functools.partial(self.doc.save, target, encode)

    def saved(self, target: Path) -> str:
        """The save finished: the file is now ``target``; the status sentence."""
        assert self.doc is not None
        self.path = target
        if self.encoding != "binary":
            return _SAVED_AS.format(target=str(target), size=len(self.doc), encoding=self.encoding)
        return _SAVED.format(target=str(target), size=len(self.doc))

    # -- what the banner says ---------------------------------------------------------------------

    def damage(self) -> tuple[str, list[tuple[int, int, str]]]:
        """The damage sentence ("" when whole) and the byte marks for the hex pane."""
        errs: list[Text] = []
        marks: list[tuple[int, int, str]] = []
        err = self.tree.root_error()
        if err is not None:
            o = err.offset + self.tree.base
            root = self.tree.root_message()
            nothing = root is not None and len(root) == 0 and root.damaged is None
            errs.append((_DAMAGED_AT_START if nothing else _DAMAGED).format(offset=o, reason=err.reason))
            marks.append((o, o + 1, "error"))
        if self.records is not None and self.records.error is not None:
            e = self.records.error
            errs.append(_CUT_SHORT.count(len(self.records), offset=e.offset, reason=e.reason))
            marks.append((e.offset, e.offset + 1, "error"))
        if len(errs) == 2:
            return _TWO_SENTENCES.format(first=errs[0], second=errs[1]), marks
        return (errs[0] if errs else ""), marks
