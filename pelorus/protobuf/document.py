"""A byte-preserving editable protobuf document with undo/redo.

The document is the original buffer plus the edits applied to it. An edit is a short list of
:class:`Splice` records — the replaced value bytes and the rewritten length prefixes of every
enclosing length-delimited field — so an untouched document saves byte-identical, an edit changes
exactly those bytes, and undo/redo store only the spliced bytes (never a copy of the document).

Memory choice (documented because the brief asked): **splice**. Until the first edit the document
works directly on the caller's buffer (``bytes`` or an ``mmap``), so opening a 100 MB file copies
nothing; each edit then builds the new contents with one ``bytes.join`` over the unchanged pieces
(one O(size) copy per edit, ~30 ms per 100 MB), and the previous contents are released. A piece
table (patch overlay) would avoid even that copy but makes every decoder read through an
indirection; it can replace ``_apply`` later without changing this API.

Field addressing: an *index path* — the position of the field at each level, outermost first
(``(3, 0, 5)`` = the 4th top-level field, its first nested field, that one's 6th). Field numbers
alone cannot address one occurrence of a repeated field.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pelorus.protobuf.readings import KINDS, encode_value
from pelorus.protobuf.schemaless import Field, Message, decode, decode_span, scan
from pelorus.protobuf.wire import (
    FIXED32,
    FIXED64,
    LEN,
    SGROUP,
    VARINT,
    Buffer,
    WireError,
    encode_tag,
    encode_varint,
    read_varint,
)
from pelorus.text import QT_TRANSLATE_NOOP

if TYPE_CHECKING:
    from pelorus.protobuf.schema import SchemaRegistry

IndexPath = tuple[int, ...]


# Edit descriptions (the editor's status line, Undo, the save preview): marked for the console's
# translation (pelorus/text.py).
_UNDO = QT_TRANSLATE_NOOP("Document", "undo {edit}")
_SET = QT_TRANSLATE_NOOP("Document", "set field {number} at offset {offset}")
_REMOVE = QT_TRANSLATE_NOOP("Document", "remove field {number} at offset {offset}")
_INSERT = QT_TRANSLATE_NOOP("Document", "insert field {number} at offset {offset}")
_MOVE = QT_TRANSLATE_NOOP("Document", "move field {number} to position {index}")
_SWAP = QT_TRANSLATE_NOOP("Document", "swap field {a} at offset {a_offset} with field {b} at offset {b_offset}")
_ADD_RECORD = QT_TRANSLATE_NOOP("Document", "add a {size}-byte record at offset {offset}")
_REMOVE_RECORD = QT_TRANSLATE_NOOP("Document", "remove the {size}-byte record at offset {offset}")
_CANONICALISE = QT_TRANSLATE_NOOP("Document", "canonicalise as {type}")
_RESTRUCTURE_REMOVE = QT_TRANSLATE_NOOP("Document", "remove {n} occurrence(s) of field(s) {fields}")
_RESTRUCTURE_INSERT = QT_TRANSLATE_NOOP("Document", "insert field(s) {fields} at position {at}")
_AND = QT_TRANSLATE_NOOP("Document", "{first} and {second}")


class EditError(ValueError):
    """An edit that cannot be applied (bad path, value that does not fit the wire type, ...)."""


@dataclass(frozen=True)
class Splice:
    """Bytes ``old`` at ``offset`` (in the buffer before the edit) become ``new``."""

    offset: int
    old: bytes
    new: bytes


@dataclass(frozen=True)
class Edit:
    """One undoable action: its splices in ascending offset order and a sentence for the history."""

    description: str
    splices: tuple[Splice, ...]

    def inverse(self) -> Edit:
        out: list[Splice] = []
        shift = 0
        for s in self.splices:
            out.append(Splice(s.offset + shift, s.new, s.old))
            shift += len(s.new) - len(s.old)
        return Edit(_UNDO.format(edit=self.description), tuple(out))

    @property
    def changed_bytes(self) -> int:
        return sum(max(len(s.old), len(s.new)) for s in self.splices)


@dataclass
class Document:
    """Editable bytes with a lazily decoded schemaless tree."""

    _data: Buffer
    _undo: list[Edit] = field(default_factory=list)
    _redo: list[Edit] = field(default_factory=list)
    _root: Message | None = None
    _saved_depth: int = 0
    _scope: tuple[int, str] | None = None
    """(prefix offset, framing) of the stream record that paths address; None = the whole buffer."""

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> Document:
        """Open a file; large files are memory-mapped read-only rather than read into memory."""
        p = Path(path)
        size = p.stat().st_size
        if size >= 1 << 20:
            import mmap

            with p.open("rb") as fh:
                mm = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
            return cls(memoryview(mm))
        return cls(p.read_bytes())

    # -- reading ------------------------------------------------------------------------------

    @property
    def data(self) -> Buffer:
        return self._data

    def to_bytes(self) -> bytes:
        return bytes(self._data)

    def __len__(self) -> int:
        return len(self._data)

    @property
    def root(self) -> Message:
        """The top level that index paths address: the whole buffer, or the scoped record's payload."""
        if self._root is None:
            if self._scope is None:
                self._root = decode(self._data)
            else:
                start, end = self.root_span()
                self._root = decode_span(self._data, start, end)
        return self._root

    # -- stream records -----------------------------------------------------------------------

    def set_scope(self, prefix_offset: int | None, framing: str = "single") -> None:
        """Address one record of a length-delimited stream (None: the whole buffer again).

        Why on the document: every path-based edit then works unchanged inside a record, and
        ``_commit`` rewrites the record's framing prefix the way it rewrites enclosing length
        prefixes, while undo/redo stay one history for the whole file. Only the prefix offset is
        kept; the payload's extent is read from the prefix each time, so it follows edits.
        """
        if prefix_offset is None or framing == "single":
            self._scope = None
        else:
            if framing not in ("varint", "grpc"):
                raise EditError(QT_TRANSLATE_NOOP(
                    "EditError", "unknown framing {framing!r}").format(framing=framing))
            self._scope = (prefix_offset, framing)
            self._frame_at(prefix_offset, framing)  # validates
        self._root = None

    @property
    def scope(self) -> tuple[int, str] | None:
        return self._scope

    def root_span(self) -> tuple[int, int]:
        """[start, end) of the bytes the root level covers (the record payload when scoped)."""
        if self._scope is None:
            return 0, len(self._data)
        _po, start, length = self._frame_at(*self._scope)
        return start, start + length

    def _frame_at(self, prefix_offset: int, framing: str) -> tuple[int, int, int]:
        """(prefix offset, payload offset, payload length) of the record framed at ``prefix_offset``."""
        data = self._data
        if framing == "grpc":
            if prefix_offset + 5 > len(data):
                raise EditError(QT_TRANSLATE_NOOP(
                    "EditError", "no gRPC frame header at offset {prefix_offset}").format(prefix_offset=prefix_offset))
            length = int.from_bytes(bytes(data[prefix_offset + 1 : prefix_offset + 5]), "big")
            start = prefix_offset + 5
        else:
            try:
                length, start = read_varint(data, prefix_offset)
            except WireError as err:
                raise EditError(QT_TRANSLATE_NOOP(
                    "EditError", "no record prefix at offset {prefix_offset}: {reason}").format(
                    prefix_offset=prefix_offset, reason=err.reason)) from None
        if start + length > len(data):
            raise EditError(QT_TRANSLATE_NOOP(
                "EditError", "record at offset {prefix_offset} runs past the end").format(prefix_offset=prefix_offset))
        return prefix_offset, start, length

    @property
    def modified(self) -> bool:
        return len(self._undo) != self._saved_depth

    def resolve(self, path: IndexPath) -> tuple[list[Field], Field]:
        """(enclosing fields outermost first, the field) for an index path."""
        if not path:
            raise EditError(QT_TRANSLATE_NOOP(
                "EditError", "empty path: name a field").format())
        level: Message = self.root
        chain: list[Field] = []
        for depth, idx in enumerate(path):
            if not 0 <= idx < len(level):
                raise EditError(QT_TRANSLATE_NOOP(
                    "EditError", "path {path}: level {depth} has {n} field(s), no index {idx}").format(
                    path=path, depth=depth, n=len(level), idx=idx))
            f = level[idx]
            if depth == len(path) - 1:
                return chain, f
            child = f.message()
            if child is None:
                raise EditError(QT_TRANSLATE_NOOP(
                    "EditError", "path {path}: field {number} at offset {tag_offset} is not a message").format(
                    path=path, number=f.number, tag_offset=f.tag_offset))
            chain.append(f)
            level = child
        raise AssertionError("unreachable")

    def path_at(self, offset: int) -> IndexPath:
        """Index path of the innermost field containing byte ``offset`` (hex-pane click → tree)."""
        return tuple(f.index for f in self.root.field_at_offset(offset))

    # -- editing ------------------------------------------------------------------------------

    def set_field(
        self, path: IndexPath, value: object, kind: str | None = None, description: str | None = None
    ) -> Edit:
        """Replace one field's value, keeping its tag bytes and (where it fits) its prefix widths.

        ``value`` may be raw bytes (the payload for length-delimited fields, the exact value
        encoding otherwise) or a typed value; ``kind`` (a reading kind such as "sint64", "float",
        "string", "packed_varint") says how to encode a typed value and may change the wire type,
        in which case the tag is rewritten too.
        """
        chain, f = self.resolve(path)
        wt = f.wire_type
        if isinstance(value, (bytes, bytearray, memoryview)) and kind is None:
            raw = bytes(value)
            new_wt = wt
            if wt != LEN:
                _check_raw_value(wt, raw)
        else:
            new_wt, raw = encode_value(kind or _infer_kind(wt, value), value)
        desc = description or _SET.format(number=f.number, offset=f.tag_offset)
        if new_wt != wt:
            if SGROUP in (wt, new_wt):
                raise EditError(QT_TRANSLATE_NOOP(
                    "EditError", "changing a group to another wire type is not supported").format())
            body = encode_tag(f.number, new_wt)
            body += encode_varint(len(raw)) + raw if new_wt == LEN else raw
            return self._commit(desc, chain, f.tag_offset, f.end, body)
        if wt == LEN:
            return self._commit(desc, [*chain, f], f.value_offset, f.end, raw)
        if wt == SGROUP:
            return self._commit(desc, chain, f.value_offset, f.value_end, raw)
        return self._commit(desc, chain, f.value_offset, f.end, raw)

    def remove_field(self, path: IndexPath, description: str | None = None) -> Edit:
        """Delete one field occurrence (tag through value)."""
        chain, f = self.resolve(path)
        return self._commit(description or _REMOVE.format(number=f.number, offset=f.tag_offset), chain,
                            f.tag_offset, f.end, b"")

    def insert_field(self, parent: IndexPath, index: int, number: int, value: object, kind: str) -> Edit:
        """Insert a new field before position ``index`` of the level at ``parent`` (() = top)."""
        if kind not in KINDS:
            raise EditError(QT_TRANSLATE_NOOP(
                "EditError", "unknown kind {kind!r}").format(kind=kind))
        if parent:
            chain, pf = self.resolve(parent)
            level = pf.message()
            if level is None:
                raise EditError(QT_TRANSLATE_NOOP(
                    "EditError", "field at path {parent} is not a message").format(parent=parent))
            chain = [*chain, pf]
        else:
            chain, level = [], self.root
        if not 0 <= index <= len(level):
            raise EditError(QT_TRANSLATE_NOOP(
                "EditError", "index {index} out of range 0..{n}").format(index=index, n=len(level)))
        pos = level[index].tag_offset if index < len(level) else level.end
        wt, raw = encode_value(kind, value)
        body = encode_tag(number, wt) + (encode_varint(len(raw)) + raw if wt == LEN else raw)
        return self._commit(_INSERT.format(number=number, offset=pos), chain, pos, pos, body)

    def move_field(self, path: IndexPath, new_index: int) -> Edit:
        """Move a field within its level (reorder repeated items); one undoable edit."""
        chain, f = self.resolve(path)
        level = chain[-1].message() if chain else self.root
        assert level is not None
        if not 0 <= new_index < len(level):
            raise EditError(QT_TRANSLATE_NOOP(
                "EditError", "index {new_index} out of range 0..{last}").format(
                new_index=new_index, last=len(level) - 1))
        fields = list(level)
        item = fields.pop(path[-1])
        fields.insert(new_index, item)
        body = b"".join(x.raw for x in fields)
        return self._commit(_MOVE.format(number=f.number, index=new_index), chain, level.start, level.end, body)


    def remove_fields(self, paths: Sequence[IndexPath], description: str | None = None) -> Edit:
        """Delete several field occurrences of one level in one undoable edit (clear a repeated
        field, a field written more than once, the other members of a oneof)."""
        if not paths:
            raise EditError(QT_TRANSLATE_NOOP("EditError", "nothing to remove").format())
        parent = tuple(paths[0][:-1])
        if any(tuple(p[:-1]) != parent for p in paths):
            raise EditError(QT_TRANSLATE_NOOP(
                "EditError", "fields to remove must be on one level").format())
        return self.restructure(parent, remove=[p[-1] for p in paths], description=description)

    def insert_raw(self, parent: IndexPath, index: int, raw: bytes, description: str | None = None) -> Edit:
        """Insert already encoded field(s) (tag through value) before position ``index`` of a level."""
        return self.restructure(parent, insert_at=index, raw=raw, description=description)

    def restructure(
        self,
        parent: IndexPath,
        remove: Sequence[int] = (),
        insert_at: int | None = None,
        raw: bytes = b"",
        description: str | None = None,
    ) -> Edit:
        """The general structure edit on one level: drop the fields at positions ``remove`` and
        insert ``raw`` (whole encoded fields) before position ``insert_at`` (numbered as before the
        edit; ``len(level)`` = at the end). One edit; only those bytes and the length prefixes
        above them change, every other field keeps its bytes and order."""
        chain, level = self.level_at(parent)
        n = len(level)
        gone = sorted(set(remove))
        for i in gone:
            if not 0 <= i < n:
                raise EditError(QT_TRANSLATE_NOOP(
                    "EditError", "index {i} out of range 0..{last}").format(i=i, last=n - 1))
        if raw:
            _check_fields(raw)
            if insert_at is None or not 0 <= insert_at <= n:
                raise EditError(QT_TRANSLATE_NOOP(
                    "EditError", "insert position {insert_at} out of range 0..{n}").format(insert_at=insert_at, n=n))
        parts: list[tuple[int, int, bytes]] = []
        merged = bool(raw) and insert_at in gone
        for i in gone:
            f = level[i]
            parts.append((f.tag_offset, f.end, raw if merged and i == insert_at else b""))
        if raw and not merged:
            assert insert_at is not None
            pos = level[insert_at].tag_offset if insert_at < n else level.end
            parts.append((pos, pos, raw))
        parts.sort(key=lambda p: (p[0], p[1]))
        if not parts:
            raise EditError(QT_TRANSLATE_NOOP("EditError", "nothing to change").format())
        desc = description or _describe_restructure(level, gone, raw, insert_at)
        return self.replace_ranges(desc, chain, parts)

    def swap_fields(self, a: IndexPath, b: IndexPath, description: str | None = None) -> Edit:
        """Exchange two fields of one level (move a repeated item or map entry up/down).

        Two splices of the same total size: fields between them keep their bytes and offsets, and
        no length prefix above changes.
        """
        if tuple(a[:-1]) != tuple(b[:-1]) or not a:
            raise EditError(QT_TRANSLATE_NOOP(
                "EditError", "fields to swap must be on one level").format())
        if a[-1] == b[-1]:
            raise EditError(QT_TRANSLATE_NOOP(
                "EditError", "a field cannot be swapped with itself").format())
        chain, level = self.level_at(tuple(a[:-1]))
        i, j = sorted((a[-1], b[-1]))
        for k in (i, j):
            if not 0 <= k < len(level):
                raise EditError(QT_TRANSLATE_NOOP(
                    "EditError", "index {k} out of range 0..{last}").format(k=k, last=len(level) - 1))
        fi, fj = level[i], level[j]
        desc = description or _SWAP.format(a=fi.number, a_offset=fi.tag_offset, b=fj.number, b_offset=fj.tag_offset)
        return self.replace_ranges(desc, chain, [(fi.tag_offset, fi.end, fj.raw), (fj.tag_offset, fj.end, fi.raw)])

    def replace_root(self, payload: bytes, description: str) -> Edit:
        """Replace the whole root level (the scoped record's payload, or the buffer) with ``payload``.

        Used by "apply text/JSON" and canonicalisation: one undoable edit; a record's framing
        prefix is rewritten, the other records keep their bytes.
        """
        start, end = self.root_span()
        if self._scope is None:
            edit = Edit(description, (Splice(0, bytes(self._data), bytes(payload)),))
            self._do(edit)
            return edit
        return self.replace_ranges(description, [], [(start, end, bytes(payload))])

    def splice(self, offset: int, length: int, new: bytes, description: str) -> Edit:
        """Raw bytes ``[offset, offset+length)`` become ``new``, with no prefix bookkeeping.

        For framing-level edits of a stream (add or remove a whole record); field edits go
        through the path-based methods so that enclosing length prefixes stay right.
        """
        if not 0 <= offset <= offset + length <= len(self._data):
            raise EditError(QT_TRANSLATE_NOOP(
                "EditError", "bytes {offset}..{end} are outside the document").format(
                offset=offset, end=offset + length))
        edit = Edit(description, (Splice(offset, bytes(self._data[offset : offset + length]), bytes(new)),))
        self._do(edit)
        return edit

    def insert_record(self, offset: int, payload: bytes, framing: str, description: str | None = None) -> Edit:
        """Insert a new record (its framing prefix + ``payload``) at byte ``offset`` of a stream."""
        frame = encode_frame(framing, payload)
        return self.splice(offset, 0, frame, description or _ADD_RECORD.format(size=len(payload), offset=offset))

    def remove_record(self, prefix_offset: int, framing: str, description: str | None = None) -> Edit:
        """Delete the record framed at ``prefix_offset`` (prefix and payload)."""
        po, start, length = self._frame_at(prefix_offset, framing)
        if self._scope is not None and self._scope[0] == po:
            self._scope = None
            self._root = None
        return self.splice(po, start + length - po, b"",
                           description or _REMOVE_RECORD.format(size=length, offset=po))

    def canonicalise(self, registry: SchemaRegistry, type_name: str) -> Edit:
        """Re-serialise through the schema (explicit, undoable): fields reordered, varints shortened.

        Scoped to a stream record, only that record's payload (and its framing prefix) changes.
        """
        start, end = self.root_span()
        msg = registry.parse(type_name, bytes(self._data[start:end]))
        new = msg.SerializeToString(deterministic=True)
        return self.replace_root(new, _CANONICALISE.format(type=type_name))

    def undo(self) -> Edit | None:
        if not self._undo:
            return None
        edit = self._undo.pop()
        self._data = _apply(self._data, edit.inverse())
        self._root = None
        self._redo.append(edit)
        return edit

    def redo(self) -> Edit | None:
        if not self._redo:
            return None
        edit = self._redo.pop()
        self._data = _apply(self._data, edit)
        self._root = None
        self._undo.append(edit)
        return edit

    @property
    def history(self) -> list[Edit]:
        return list(self._undo)

    @property
    def can_redo(self) -> bool:
        """An undone edit can be redone (cleared by the next new edit)."""
        return bool(self._redo)

    def save(self, path: str | os.PathLike[str], encode: Callable[[bytes], bytes] | None = None) -> None:
        """Write atomically (temp file + rename) so a failed save never leaves half a file.

        ``encode`` turns the bytes into what the file holds (hex or base64 text read as such).
        """
        p = Path(path)
        tmp = p.with_name(p.name + ".tmp-pelorus")
        with tmp.open("wb") as fh:
            fh.write(self._data if encode is None else encode(bytes(self._data)))
        os.replace(tmp, p)
        self._saved_depth = len(self._undo)

    # -- machinery ----------------------------------------------------------------------------

    def level_at(self, parent: IndexPath) -> tuple[list[Field], Message]:
        """(the fields enclosing the level, the level) for a parent path (() = the root)."""
        if not parent:
            return [], self.root
        chain, pf = self.resolve(parent)
        level = pf.message()
        if level is None and pf.wire_type == LEN and pf.value_offset == pf.end:
            level = decode_span(self._data, pf.value_offset, pf.end)  # an empty submessage: a level with no fields
        if level is None:
            raise EditError(QT_TRANSLATE_NOOP(
                "EditError", "field at path {parent} is not a message").format(parent=parent))
        return [*chain, pf], level

    def _commit(self, desc: str, chain: list[Field], start: int, end: int, new: bytes) -> Edit:
        """Replace ``[start, end)`` and rewrite the length prefixes of ``chain`` (outermost first)."""
        return self.replace_ranges(desc, chain, [(start, end, new)])

    def replace_ranges(self, desc: str, chain: list[Field], parts: list[tuple[int, int, bytes]]) -> Edit:
        """Replace several ``[start, end)`` ranges of one level (ascending, disjoint) and rewrite the
        length prefixes of ``chain`` (outermost first) and, when scoped, the record's framing prefix."""
        data = self._data
        delta = sum(len(new) - (end - start) for start, end, new in parts)
        prefix_splices: list[Splice] = []
        for anc in reversed(chain):
            if anc.wire_type != LEN:
                continue  # groups have no length prefix
            lp = anc.tag_offset + anc.tag_length
            old_len, after = read_varint(data, lp)
            width = after - lp
            new_len = old_len + delta
            new_prefix = encode_varint(new_len, width if new_len < 1 << (7 * width) else 0)
            old_prefix = bytes(data[lp:after])
            if new_prefix != old_prefix:
                prefix_splices.append(Splice(lp, old_prefix, new_prefix))
            delta += len(new_prefix) - width
        if self._scope is not None and delta:
            frame = self._frame_splice(delta)
            if frame is not None:
                prefix_splices.append(frame)
        splices = [*reversed(prefix_splices), *(Splice(s, bytes(data[s:e]), new) for s, e, new in parts)]
        edit = Edit(desc, tuple(splices))
        self._do(edit)
        return edit

    def _frame_splice(self, delta: int) -> Splice | None:
        """The rewritten framing prefix of the scoped record when its payload grows by ``delta``."""
        assert self._scope is not None
        po, start, length = self._frame_at(*self._scope)
        new_len = length + delta
        old = bytes(self._data[po:start])
        if self._scope[1] == "grpc":
            if new_len >= 1 << 32:
                raise EditError(QT_TRANSLATE_NOOP(
                    "EditError", "a gRPC frame holds at most 4 GiB").format())
            new = old[:1] + new_len.to_bytes(4, "big")
        else:
            width = start - po
            new = encode_varint(new_len, width if new_len < 1 << (7 * width) else 0)
        return None if new == old else Splice(po, old, new)

    def _do(self, edit: Edit) -> None:
        self._data = _apply(self._data, edit)
        self._root = None
        self._undo.append(edit)
        self._redo.clear()
        if self._saved_depth > len(self._undo) - 1:
            self._saved_depth = -1  # the saved state is no longer reachable by undo


def encode_frame(framing: str, payload: bytes) -> bytes:
    """A stream record: varint length + payload, or a gRPC frame (flag 0, 4-byte big-endian length)."""
    if framing == "varint":
        return encode_varint(len(payload)) + payload
    if framing == "grpc":
        if len(payload) >= 1 << 32:
            raise EditError(QT_TRANSLATE_NOOP(
                "EditError", "a gRPC frame holds at most 4 GiB").format())
        return b"\x00" + len(payload).to_bytes(4, "big") + payload
    raise EditError(QT_TRANSLATE_NOOP(
        "EditError", "records need a stream framing (varint or grpc), not {framing!r}").format(framing=framing))


def _check_fields(raw: bytes) -> None:
    """``raw`` must be whole, valid fields (what is inserted has to decode)."""
    stop = scan(raw, 0, len(raw))[1]
    if stop is not None:
        raise EditError(QT_TRANSLATE_NOOP(
            "EditError", "bytes to insert are not whole fields: {reason}").format(reason=stop.reason))


def _describe_restructure(level: Message, gone: list[int], raw: bytes, insert_at: int | None) -> str:
    words: list[str] = []
    if gone:
        nums = sorted({level[i].number for i in gone})
        words.append(_RESTRUCTURE_REMOVE.count(len(gone), fields=", ".join(map(str, nums))))
    if raw:
        added = decode(raw)
        nums = sorted({f.number for f in added})
        words.append(_RESTRUCTURE_INSERT.count(len(nums), fields=", ".join(map(str, nums)), at=insert_at))
    return _AND.format(first=words[0], second=words[1]) if len(words) == 2 else "".join(words)


def _apply(data: Buffer, edit: Edit) -> bytes:
    pieces: list[bytes | memoryview] = []
    mv = memoryview(data) if not isinstance(data, memoryview) else data
    pos = 0
    for s in edit.splices:
        if bytes(mv[s.offset : s.offset + len(s.old)]) != s.old:
            raise EditError(QT_TRANSLATE_NOOP(
                "EditError", "document changed under the edit at offset {offset}").format(offset=s.offset))
        pieces.append(mv[pos : s.offset])
        pieces.append(s.new)
        pos = s.offset + len(s.old)
    pieces.append(mv[pos:])
    return b"".join(pieces)


def _infer_kind(wire_type: int, value: object) -> str:
    if isinstance(value, bool):
        return "bool"
    if wire_type == VARINT:
        return "uint64" if isinstance(value, int) and value >= 0 else "int64"
    if wire_type == FIXED32:
        return "float" if isinstance(value, float) else ("sfixed32" if int(value) < 0 else "fixed32")  # type: ignore[call-overload]
    if wire_type == FIXED64:
        return "double" if isinstance(value, float) else ("sfixed64" if int(value) < 0 else "fixed64")  # type: ignore[call-overload]
    if wire_type == LEN:
        if isinstance(value, str):
            return "string"
        if isinstance(value, Message):
            return "message"
        if isinstance(value, (list, tuple)):
            return "packed_double" if any(isinstance(v, float) for v in value) else "packed_varint"
        return "bytes"
    raise EditError(QT_TRANSLATE_NOOP(
        "EditError", "cannot infer how to encode {type} for wire type {wire_type}").format(
        type=type(value).__name__, wire_type=wire_type))


def _check_raw_value(wire_type: int, raw: bytes) -> None:
    if wire_type == VARINT:
        try:
            _value, end = read_varint(raw, 0)
        except WireError as err:
            raise EditError(QT_TRANSLATE_NOOP(
                "EditError", "not a varint: {reason}").format(reason=err.reason)) from None
        if end != len(raw):
            raise EditError(QT_TRANSLATE_NOOP(
                "EditError", "raw varint value has trailing bytes").format())
    elif wire_type == FIXED32 and len(raw) != 4:
        raise EditError(QT_TRANSLATE_NOOP(
            "EditError", "fixed32 value needs 4 bytes, got {n}").format(n=len(raw)))
    elif wire_type == FIXED64 and len(raw) != 8:
        raise EditError(QT_TRANSLATE_NOOP(
            "EditError", "fixed64 value needs 8 bytes, got {n}").format(n=len(raw)))
    elif wire_type == SGROUP and scan(raw, 0, len(raw))[1] is not None:
        raise EditError(QT_TRANSLATE_NOOP("EditError", "group body does not parse").format())
