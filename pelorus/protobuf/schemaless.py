"""Schemaless decoding: bytes → a lazily expanded tree of fields with exact offsets.

Why a codec of our own: re-serialising through upb canonicalises (reorders fields, shortens
over-long varints, packs repeated scalars), so "an untouched file saves byte-identical" and "an edit
changes only its bytes" need a model that remembers where every field's bytes are. Each
:class:`Message` is one level: a flat list of ``(tag_offset, key, value_offset, end)`` quadruples
produced by a tight scan over the buffer (one Python-level step per field, no objects per field),
and :class:`Field` views are created only when someone looks. A length-delimited value becomes a
nested :class:`Message` only when asked, and only when it parses cleanly to its end.

Scale: a level over :data:`CHUNK_BYTES` is scanned a chunk at a time into an int64 array (8 bytes
per record entry instead of a list's ~36), reporting to a :class:`Progress` token and stopping with
:class:`Cancelled` when asked (the editor's progress bar and Cancel); chunks of small fields go
through the vectorised :func:`fastscan.dense_fields` (same records, ~2.5x faster). Other long loops
(the record index of a stream) report to the same token through :func:`current_progress`. :func:`expand_all` on a large
message uses the vectorised walk of :mod:`pelorus.protobuf.fastscan`, which finds every nested
level at once and gives exactly the tree this module's per-level scan gives.

Damage: decoding never raises out of :func:`decode`. The scan keeps every whole field before the
damage, records a :class:`~pelorus.protobuf.wire.WireError` with the exact offset, and (for a
length prefix that runs past the end) keeps the clipped field as ``Message.damaged`` so the valid
part of the truncated submessage can still be shown.
"""

from __future__ import annotations

import gc
import threading
from array import array
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Final, Union

from pelorus.protobuf.refscan import NOT_MESSAGE, REFERENCE, Stop, scan_fields, worded
from pelorus.protobuf.wire import (
    LEN,
    SGROUP,
    Buffer,
    WireError,
    read_varint,
)

if TYPE_CHECKING:
    from pelorus.protobuf.fastscan import Tree

# numpy (and the vectorised modules built on it) is imported where it is used: a small decode, and the
# CLI's raw decode through the C renderer, start without paying for it

VECTOR_FROM_BYTES = 16384
"""expand_all on a level at least this large uses the vectorised full decode (fastscan); below it the
numpy set-up costs more than the reference walk. Tests lower it to exercise the fast path."""
_BAD_FIRST: Final = frozenset((4, 6, 7))  # wire types that cannot open a message

__all__ = ["Cancelled", "Field", "Message", "Progress", "current_progress", "decode", "decode_span", "expand_all",
           "progress_scope", "scan"]

Recs = Union[list[int], "array[int]"]
"""A level's flat ``(tag_offset, key, value_offset, end)`` records: a list, or an int64 array for
levels scanned in chunks (8 bytes an entry instead of ~36 for a list of large ints)."""

CHUNK_BYTES: Final = 4 << 20
"""Spans larger than this are scanned a chunk at a time: records go into an int64 array (memory),
and each chunk reports progress and checks for cancellation (see :func:`progress_scope`)."""


DENSE_BELOW = 32
"""Chunks of a long level whose fields average fewer bytes than this use the vectorised dense scan
(0 turns it off; tests raise it to force the dense path on any input)."""


class Cancelled(Exception):
    """The scan was cancelled through its :class:`Progress` token."""


class Progress:
    """Thread-safe enough progress/cancel token for long scans (ints and a bool: no locks needed).

    A worker thread runs the decode inside ``progress_scope(token)``; the UI thread reads
    ``fraction`` and calls ``cancel()``.
    """

    def __init__(self) -> None:
        self.done = 0
        self.total = 0
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 0.0


_local = threading.local()


@contextmanager
def progress_scope(token: Progress) -> Iterator[Progress]:
    """Chunked scans on this thread report to ``token`` and stop with :class:`Cancelled` when asked."""
    prev = getattr(_local, "token", None)
    _local.token = token
    try:
        yield token
    finally:
        _local.token = prev


def current_progress() -> Progress | None:
    """The token of the enclosing :func:`progress_scope` on this thread (other long loops, e.g. the
    record index of a stream, report to it and check it for cancellation)."""
    token: Progress | None = getattr(_local, "token", None)
    return token


def _scan_chunked(buf: Buffer, start: int, end: int) -> tuple[Recs, Stop | None, int, int]:
    """:func:`_scan` of a level a chunk at a time (same result; records in an int64 array).

    A chunk of small fields (under :data:`DENSE_BELOW` bytes a field on average, e.g. a level of
    millions of short records) goes through the vectorised :func:`fastscan.dense_fields`, whose
    chain stops at any field it does not take: that one field is scanned here by the reference loop
    (which words the error, if it is one), then the vectorised scan goes on.
    """
    token: Progress | None = getattr(_local, "token", None)
    if token is not None:
        token.total += end - start
    out: array[int] = array("q")
    pos = start
    dense = False
    backoff = wait = 0  # reference chunks to run before the dense scan is tried again
    try:
        while True:
            if token is not None and token.cancelled:
                raise Cancelled(f"cancelled at offset {pos}")
            # the first reference chunk is a short probe of the level's density
            chunk_end = pos + (CHUNK_BYTES if pos > start else min(CHUNK_BYTES, 1 << 16))
            if dense:
                chunk_stop = min(end, chunk_end)
                from pelorus.protobuf import fastscan

                found, after, plain, ref_bytes = fastscan.dense_fields(buf, pos, end, chunk_stop)
                if found.shape[0]:
                    out.frombytes(found.data.cast("B"))  # no intermediate bytes copy
                n = found.shape[0]
                stop: Stop | None = None
                et = after
                if not plain:  # one field for the reference scanner
                    recs, stop, after, et = scan_fields(buf, after, end, 0, 0, after + 1)
                    out += array("q", recs)
                    n += len(recs) >> 2
                # a chunk mostly left to the reference scanner (guesses that do not synchronise, groups)
                # wasted its vector work: the next chunks go to the reference loop (twice as many after
                # each such chunk), which then judges the density again
                dense = n > 0 and (after - pos) < n * DENSE_BELOW
                if dense and ref_bytes * 2 > after - pos:
                    dense = False
                    backoff = 2 * backoff if backoff else 1
                    wait = backoff
            else:
                recs, stop, after, et = scan_fields(buf, pos, end, 0, 0, chunk_end)
                n = len(recs) >> 2
                out += array("q", recs)  # the constructor converts twice as fast as extend()
                del recs
                if wait:
                    wait -= 1
                else:
                    dense = n > 0 and (after - pos) < n * DENSE_BELOW and DENSE_BELOW > 0
            if token is not None:
                token.done += after - pos if stop is None else end - pos
            if stop is not None or after >= end:
                return out, stop, after, et
            pos = after
    finally:
        if token is not None:
            token.done = min(token.done, token.total)


def scan(
    buf: Buffer, start: int, end: int, group: int = 0
) -> tuple[list[int], WireError | None, int, int]:
    """Scan one message level in ``buf[start:end]``.

    Returns ``(recs, error, stop, end_tag_offset)``: ``recs`` is the flat quadruple list
    ``(tag_offset, key, value_offset, end)`` for every whole field before any damage; ``error`` is
    None for a clean parse; ``stop`` is where the scan stopped (``end`` when clean, after the
    END_GROUP tag when ``group`` is set); ``end_tag_offset`` is where that END_GROUP tag began.
    """
    recs, stop, after, end_tag = scan_fields(buf, start, end, group, 0)
    return recs, (None if stop is None else worded(stop, end)), after, end_tag


class Field:
    """One field occurrence: where its tag, length prefix and value are, and lazy interpretations.

    Offsets are absolute positions in the document buffer. ``end`` is exclusive; for groups it
    includes the END_GROUP tag. ``raw`` is the exact original encoding (tag through value).
    """

    __slots__ = ("_buf", "_owner", "_index", "tag_offset", "key", "value_offset", "end", "truncated")

    def __init__(
        self,
        buf: Buffer,
        owner: Message | None,
        index: int,
        tag_offset: int,
        key: int,
        value_offset: int,
        end: int,
        truncated: bool = False,
    ) -> None:
        self._buf = buf
        self._owner = owner
        self._index = index
        self.tag_offset = tag_offset
        self.key = key
        self.value_offset = value_offset
        self.end = end
        self.truncated = truncated

    @property
    def number(self) -> int:
        """Field number."""
        return self.key >> 3

    @property
    def wire_type(self) -> int:
        """Wire type 0..5."""
        return self.key & 7

    @property
    def tag_length(self) -> int:
        """Bytes in the tag as written (over-long tags are kept)."""
        return read_varint(self._buf, self.tag_offset)[1] - self.tag_offset

    @property
    def header_length(self) -> int:
        """Tag plus length prefix: everything before the value."""
        return self.value_offset - self.tag_offset

    @property
    def length_offset(self) -> int | None:
        """Where the length prefix starts (length-delimited fields only)."""
        return self.tag_offset + self.tag_length if self.wire_type == LEN else None

    @property
    def value_end(self) -> int:
        """End of the value bytes (before the END_GROUP tag for groups)."""
        if self.wire_type == SGROUP:
            return scan(self._buf, self.value_offset, len(self._buf), group=self.number)[3]
        return self.end

    @property
    def value_length(self) -> int:
        """Bytes in the value (payload for length-delimited)."""
        return self.value_end - self.value_offset

    @property
    def raw(self) -> bytes:
        """Exact original bytes of the whole field."""
        return bytes(self._buf[self.tag_offset : self.end])

    @property
    def value(self) -> bytes:
        """Exact original value bytes (varint bytes, fixed bytes, payload, or group body)."""
        return bytes(self._buf[self.value_offset : self.value_end])

    @property
    def index(self) -> int:
        """Position among the fields of its level."""
        return self._index

    def value_head(self, size: int) -> bytes:
        """The first ``size`` value bytes (a look at a large value without copying all of it)."""
        return bytes(self._buf[self.value_offset : min(self.value_end, self.value_offset + size)])

    @property
    def message_cached(self) -> bool:
        """Its nested level was already decoded (a big value's level costs nothing to show again)."""
        owner = self._owner
        return owner is not None and owner.child_cached(self._index)

    def message(self) -> Message | None:
        """The value as a nested message, if it is length-delimited (or a group) and parses cleanly.

        Cached on the owning level, so expanding a node twice costs nothing.
        """
        if self._owner is not None and not self.truncated:
            return self._owner.child(self._index)
        wt = self.wire_type
        if wt not in (LEN, SGROUP):
            return None
        msg = decode_span(self._buf, self.value_offset, self.value_end)
        return None if msg.error is not None else msg

    def partial_message(self) -> Message:
        """Decode the value as a message even if damaged (for showing what is left of it)."""
        end = min(self.value_end, len(self._buf))
        return decode_span(self._buf, self.value_offset, end)

    def __repr__(self) -> str:
        return (
            f"Field(number={self.number}, wire_type={self.wire_type}, tag_offset={self.tag_offset}, "
            f"value_offset={self.value_offset}, end={self.end})"
        )


class Message:
    """One decoded level over ``buf[start:end]``; fields are views created on demand.

    ``error`` is set when the level is damaged: the fields before the damage are all present.
    ``damaged`` is the clipped length-delimited field whose length ran past the end, if that was
    the damage.
    """

    __slots__ = ("buf", "start", "end", "_recs", "error", "damaged", "_children", "_tree", "_base")

    def __init__(
        self,
        buf: Buffer,
        start: int,
        end: int,
        recs: Recs,
        error: WireError | None,
        damaged: Field | None = None,
    ) -> None:
        self.buf = buf
        self.start = start
        self.end = end
        self._recs = recs
        self.error = error
        self.damaged = damaged
        self._children: dict[int, Message | None] | None = None  # created on first child()
        self._tree: Tree | None = None  # set when a full decode (expand_all) already found the children
        self._base = 0  # this level's first row in _tree

    def __len__(self) -> int:
        return len(self._recs) >> 2

    def __getitem__(self, index: int) -> Field:
        n = len(self)
        if index < 0:
            index += n
        if not 0 <= index < n:
            raise IndexError(index)
        r = self._recs
        i = index << 2
        return Field(self.buf, self, index, r[i], r[i + 1], r[i + 2], r[i + 3])

    def __iter__(self) -> Iterator[Field]:
        for i in range(len(self)):
            yield self[i]

    @property
    def fields(self) -> list[Field]:
        """All fields of this level (materialised; prefer indexing for huge levels)."""
        return list(self)

    def key_at(self, index: int) -> int:
        """Tag value of field ``index`` without building a Field."""
        return self._recs[(index << 2) + 1]

    def keys(self) -> Recs:
        """The tag values of every field, in order (a slice of the records; no Field objects)."""
        return self._recs[1::4]

    def child_cached(self, index: int) -> bool:
        """Field ``index``'s nested level was already decoded (see :meth:`child`)."""
        cache = self._children
        return bool(cache) and cache is not None and index in cache

    def index_at(self, offset: int) -> int | None:
        """The field whose bytes contain ``offset`` (binary search on offsets), or None."""
        r = self._recs
        n = len(self)
        lo, hi = 0, n
        while lo < hi:  # fields are in offset order
            mid = (lo + hi) // 2
            if r[(mid << 2) + 3] <= offset:
                lo = mid + 1
            else:
                hi = mid
        return lo if lo < n and r[lo << 2] <= offset else None

    def span_at(self, index: int) -> tuple[int, int, int, int]:
        """(tag_offset, key, value_offset, end) of field ``index`` without building a Field."""
        i = index << 2
        r = self._recs
        return r[i], r[i + 1], r[i + 2], r[i + 3]

    def child(self, index: int) -> Message | None:
        """Nested message of field ``index`` if it parses cleanly to its end (cached)."""
        cache = self._children
        if cache is None:
            cache = self._children = {}
        elif index in cache:
            return cache[index]
        result: Message | None = None
        tree = self._tree
        if tree is not None:
            row = self._base + index
            level = int(tree.child[row])
            if level >= 0:
                result = cache[index] = _tree_level(tree, level)
                return result
            if level == NOT_MESSAGE:
                cache[index] = None
                return None
            if row in tree.extra:
                result = cache[index] = tree.extra[row]
                return result
        i = index << 2
        r = self._recs
        key = r[i + 1]
        wt = key & 7
        result = None
        if wt == LEN:
            v, e = r[i + 2], r[i + 3]
            first = self.buf[v] if v < e else 8
            if first < 8 or (first & 7) in _BAD_FIRST or (first < 0x80 and v + 1 >= e):
                # cheap rejection: the first byte cannot start a field (most strings end here)
                cache[index] = None
                return None
            recs, stop, _after, _et = scan_fields(self.buf, v, e, 0, 0) if e - v <= CHUNK_BYTES else _scan_chunked(
                self.buf, v, e)
            if stop is None:
                result = Message(self.buf, v, e, recs, None)
        elif wt == SGROUP:
            v = r[i + 2]
            recs, stop, _after, et = scan_fields(self.buf, v, r[i + 3], key >> 3, 0)
            if stop is None:
                result = Message(self.buf, v, et, recs, None)
        cache[index] = result
        return result

    def find(self, number: int) -> list[Field]:
        """Every occurrence of field ``number`` in order."""
        r = self._recs
        return [self[i >> 2] for i in range(0, len(r), 4) if r[i + 1] >> 3 == number]

    def field_at_offset(self, offset: int) -> list[Field]:
        """Path of fields (outermost first) whose bytes contain ``offset`` — for hex-pane clicks."""
        path: list[Field] = []
        level: Message | None = self
        while level is not None:
            at = level.index_at(offset)
            if at is None:
                break
            f = level[at]
            path.append(f)
            level = f.message() if offset >= f.value_offset else None
        return path

    def raw(self) -> bytes:
        """The level's bytes exactly as in the buffer."""
        return bytes(self.buf[self.start : self.end])

    def encode(self) -> bytes:
        """Re-encode from the field records: byte-identical to the input for the decoded part.

        Built from each field's own span (not from ``start``/``end``), so it really is a round trip
        through the decoded structure; for a damaged level it yields the valid prefix.
        """
        r = self._recs
        buf = self.buf
        return b"".join(bytes(buf[r[i] : r[i + 3]]) for i in range(0, len(r), 4))

    def error_chain(self) -> list[WireError]:
        """The damage from the outermost level down to the innermost truncated submessage."""
        chain: list[WireError] = []
        msg: Message | None = self
        while msg is not None and msg.error is not None:
            chain.append(msg.error)
            msg = msg.damaged.partial_message() if msg.damaged is not None else None
        return chain


def _tree_level(tree: Tree, level: int) -> Message:
    """A Message view of one level of a fastscan :class:`Tree` whose own children come from the tree too."""
    m = Message(tree.buf, int(tree.start[level]), int(tree.stop[level]), tree.level_recs(level), None)
    m._tree = tree
    m._base = int(tree.first[level])
    return m


def decode_span(buf: Buffer, start: int, end: int) -> Message:
    """Decode one level of ``buf[start:end]``; never raises for bad data (only :class:`Cancelled`)."""
    recs: Recs
    if end - start > CHUNK_BYTES:
        recs, stop, _after, _et = _scan_chunked(buf, start, end)
        error = None if stop is None else worded(stop, end)
    else:
        recs, error, _stop, _et = scan(buf, start, end)
    damaged: Field | None = None
    if error is not None and len(recs) % 4 == 0 and recs:
        # scan() appends the overrunning length-delimited field before raising: clip it out.
        t, key, v, e = recs[-4:]
        if key & 7 == LEN and e > end:
            del recs[-4:]
            damaged = Field(buf, None, len(recs) >> 2, t, key, v, end, truncated=True)
    return Message(buf, start, end, recs, error, damaged)


def decode(data: Buffer) -> Message:
    """Decode a whole buffer schemalessly (first level only; nested levels decode on demand)."""
    if isinstance(data, (bytes, bytearray)):
        data = memoryview(data)
    return decode_span(data, 0, len(data))


def expand_all(msg: Message) -> int:
    """Decode every nested level eagerly; return the number of fields visited.

    The tree normally expands lazily; this is the "full recursive decode" (used by the benchmark
    and by whole-document operations such as search and export).
    """
    was_enabled = gc.isenabled()
    gc.disable()  # the tree is acyclic; generational GC passes over it only cost time
    try:
        if msg._tree is not None or msg.end - msg.start < VECTOR_FROM_BYTES:
            return _expand_all(msg)
        import numpy as np

        from pelorus.protobuf import fastscan

        tree = fastscan.build(msg.buf, msg.start, msg.end, msg._recs)
        msg._tree = tree
        msg._base = 0
        msg._children = None
        count = len(tree)
        # groups (proto2, rare) are left to the reference path: decode and count their levels now
        for row in np.flatnonzero(tree.child == REFERENCE).tolist():
            _t, key, v, e = tree.row(row)
            recs, stop, _after, et = scan_fields(tree.buf, v, e, key >> 3, 0)
            sub = Message(tree.buf, v, et, recs, None) if stop is None else None
            tree.extra[row] = sub
            if sub is not None:
                count += _expand_all(sub)
        return count
    finally:
        if was_enabled:
            gc.enable()


def _expand_all(msg: Message) -> int:
    """Reference full decode: one trial scan per length-delimited field (small messages use it)."""
    count = 0
    stack = [msg]
    pop = stack.pop
    push = stack.append
    while stack:
        m = pop()
        r = m._recs
        n = len(r) >> 2
        count += n
        for i in range(n):
            wt = r[(i << 2) + 1] & 7
            if wt == LEN or wt == SGROUP:
                c = m.child(i)
                if c is not None:
                    push(c)
    return count
