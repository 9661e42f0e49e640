"""Input framing: text encodings (base64 / hex) and record streams (single, varint-delimited, gRPC).

Captured data arrives as one message, as ``writeDelimitedTo``-style streams (varint length
prefixes), as gRPC frames (1-byte compressed flag + 4-byte big-endian length), or pasted as base64
or hex text. Detection is explainable (each candidate says why it matched) and the caller can
override it. Records are indexed by offset only — a :class:`RecordIndex` holds two integer arrays,
never decoded messages — so a million-record file costs a few megabytes and decoding happens per
record when it is shown.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import re
import struct
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import repeat
from typing import TYPE_CHECKING, Final, Literal, Protocol

from pelorus.protobuf.refscan import scan_fields
from pelorus.protobuf.schemaless import Cancelled, Progress, current_progress
from pelorus.protobuf.wire import Buffer, WireError, read_varint
from pelorus.text import QT_TRANSLATE_NOOP

if TYPE_CHECKING:
    import numpy as np

_NUMPY_FROM: Final = 256
"""Indexes of at least this many records finish with numpy; shorter ones (the detection's probes of a single
message) in plain Python, so a decode that needs no numpy starts without importing it."""

Framing = Literal["single", "varint", "grpc"]
FRAMINGS: Final[tuple[str, ...]] = ("single", "varint", "grpc")

_HEX_RE: Final = re.compile(rb"\A(?:0x)?[0-9a-fA-F\s:]+\Z")
_B64_RE: Final = re.compile(rb"\A[A-Za-z0-9+/=_\-\s]+\Z")
_SAMPLE_RECORDS: Final = 64
_DETECT_WHOLE_BELOW: Final = 4 << 20
"""Buffers up to this size are checked whole by :func:`candidates` (a stream must tile them exactly);
larger ones only by a bounded prefix, so detection on a 100 MB file costs milliseconds, and
:func:`index` falls back to the next candidate if the chosen stream turns out not to tile."""
_DETECT_BYTES: Final = 1 << 20
_DETECT_RECORDS: Final = 65536
_DEGENERATE_MIN: Final = 16
"""A stream of at least this many records, most of them empty, is not believed (see candidates)."""
_PROGRESS_RECORDS = 65536
"""The record index reports progress and checks for cancellation every this many records (tests lower it)."""
_GRPC_HEADER: Final = struct.Struct(">xI")  # compressed flag (checked in bulk), 4-byte big-endian length
_RESYNC_RECORDS = 256
"""An incremental re-index (:meth:`RecordIndex.after_splices`) re-frames at most this many records
looking for the old chain again; past that it rebuilds the whole index (its loop is the faster one)."""


# Where a stream stops (the editor's damage banner): marked for the console's translation (pelorus/text.py).
_FLAG = QT_TRANSLATE_NOOP("Framing", "record {record}: compressed flag {flag} at offset {offset} is not 0 or 1")
_RECORD = QT_TRANSLATE_NOOP("Framing", "record {record}: {reason}")
_PAST_END = QT_TRANSLATE_NOOP("Framing", "record {record} at offset {offset}: length {length} runs past the end "
                              "({available} bytes available)")
_HEADER_CUT = QT_TRANSLATE_NOOP("Framing", "record {record}: gRPC frame header at offset {offset} is cut short")


class SpliceLike(Protocol):
    """What :meth:`RecordIndex.after_splices` needs of an edit's splice (document.Splice fits)."""

    @property
    def offset(self) -> int: ...
    @property
    def old(self) -> bytes: ...
    @property
    def new(self) -> bytes: ...


@dataclass(frozen=True)
class Record:
    """One framed record: ``offset``/``length`` of its payload and where its prefix starts."""

    index: int
    prefix_offset: int
    offset: int
    length: int
    compressed: bool = False

    @property
    def end(self) -> int:
        return self.offset + self.length


class RecordIndex:
    """Offsets of every record in a buffer; records are materialised only when asked for.

    ``error`` is set when the stream is cut short: every whole record before it is indexed.
    """

    def __init__(self, buf: Buffer, framing: Framing, max_records: int | None = None) -> None:
        self.buf = buf
        self.framing = framing
        self.max_records = max_records
        self.complete = True  # False when max_records stopped the index before the end
        self.prefix_offsets = array("q")
        self.offsets = array("q")
        self.lengths = array("q")
        self.flags = array("b")
        self.error: WireError | None = None
        self._build()

    def _build(self) -> None:
        buf = self.buf
        n = len(buf)
        if self.framing == "single":
            self._add(0, 0, n, 0)
            return
        cap = self.max_records if self.max_records is not None else n + 1
        # a Progress scope (the editor's open) sees a full index advance through the buffer and can cancel
        # it; detection's bounded probes (max_records) are quick and stay out of the bar
        token = current_progress() if self.max_records is None else None
        base = 0
        if token is not None:
            base = token.done
            token.total += n
        try:
            if self.framing == "varint":
                self._build_varint(cap, token, base)
            else:
                self._build_grpc(cap, token, base)
        finally:
            if token is not None:
                token.done = min(base + n, token.total)

    def _build_grpc(self, cap: int, token: Progress | None, base: int) -> None:
        """gRPC frames one after the other: a tight loop that collects only each frame's start
        (flags, offsets and lengths follow with numpy); reports to ``token`` every
        ``_PROGRESS_RECORDS`` frames.

        The checks wait until the loop is over, and give the offset and sentence a per-frame check
        would: a compressed flag other than 0/1 can be anywhere (the first one ends the index there;
        the frames walked past it are dropped), a cut-short header or an overrunning length only
        at the last frame reached (positions only grow)."""
        buf = self.buf
        n = len(buf)
        starts: list[int] = []
        sa = starts.append
        header = _GRPC_HEADER.unpack_from  # the fastest length read on a memoryview of an mmap
        pos = 0
        while pos < n:
            room = min(_PROGRESS_RECORDS, cap - len(starts))
            if room <= 0:
                self.complete = False
                break
            if starts:
                _report(token, pos, base)
            try:
                for _ in repeat(None, room):
                    sa(pos)
                    pos += 5 + header(buf, pos)[0]
                    if pos >= n:
                        break
            except struct.error:  # a header cut short by the end: worded below
                pos = n + 1
        if not starts:
            return
        if len(starts) < _NUMPY_FROM:
            self._finish_grpc_small(starts)
            return
        import numpy as np

        data = np.frombuffer(buf, dtype=np.uint8)
        st = np.array(starts, dtype=np.int64)
        flags = data[st]
        bad = np.flatnonzero(flags[:-1] > 1)
        if bad.shape[0]:
            i = int(bad[0])
            p = starts[i]
            self.error = WireError(p, _FLAG.format(record=i, flag=int(flags[i]), offset=p))
            self.complete = True  # it stopped before any record budget did
            st, flags = st[:i], flags[:i]
        else:
            last = _frame_one(buf, "grpc", starts[-1], len(starts) - 1)
            if isinstance(last, WireError):
                self.error = last
                self.complete = True
                st, flags = st[:-1], flags[:-1]
        if not st.shape[0]:
            return
        offs = st + 5
        ends = np.empty_like(st)
        ends[:-1] = st[1:]
        ends[-1] = offs[-1] + int.from_bytes(bytes(buf[int(st[-1]) + 1 : int(st[-1]) + 5]), "big")
        self.prefix_offsets = _int_array(st)
        self.offsets = _int_array(offs)
        self.lengths = _int_array(ends - offs)
        self.flags = array("b", flags.astype(np.int8).tobytes())

    def _finish_grpc_small(self, starts: list[int]) -> None:
        """The end of :meth:`_build_grpc` for a few frames, without numpy (the same checks and results)."""
        buf = self.buf
        flags = [buf[p] for p in starts]
        bad = next((i for i in range(len(starts) - 1) if flags[i] > 1), None)
        if bad is not None:
            p = starts[bad]
            self.error = WireError(p, f"record {bad}: compressed flag {flags[bad]} at offset {p} is not 0 or 1")
            self.complete = True
            starts, flags = starts[:bad], flags[:bad]
        else:
            last = _frame_one(buf, "grpc", starts[-1], len(starts) - 1)
            if isinstance(last, WireError):
                self.error = last
                self.complete = True
                starts, flags = starts[:-1], flags[:-1]
        if not starts:
            return
        offs = [p + 5 for p in starts]
        ends = [*starts[1:], offs[-1] + int.from_bytes(bytes(buf[starts[-1] + 1 : starts[-1] + 5]), "big")]
        self.prefix_offsets = array("q", starts)
        self.offsets = array("q", offs)
        self.lengths = array("q", [e - o for e, o in zip(ends, offs, strict=True)])
        self.flags = array("b", flags)

    def _build_varint(self, cap: int, token: Progress | None, base: int) -> None:
        """The chain of varint prefixes: a tight loop that collects only each record's start; the
        payload offsets (start + prefix width), lengths and flags follow in bulk with numpy.

        Why so bare: at a million records every bytecode per record is visible (this loop is about
        5x faster than one that also checks bounds and stores two offsets per record). A record that
        runs past the end can only be the last one reached (positions only grow), so that check
        waits until the loop is over. The loop runs in batches of ``_PROGRESS_RECORDS`` records;
        between batches it reports to ``token`` and stops with :class:`Cancelled` when asked."""
        buf = self.buf
        n = len(buf)
        starts: list[int] = []
        sa = starts.append
        pos = 0
        while pos < n:
            room = min(_PROGRESS_RECORDS, cap - len(starts))
            if room <= 0:
                self.complete = False
                break
            if starts:
                _report(token, pos, base)
            for _ in repeat(None, room):
                b = buf[pos]
                sa(pos)
                if b < 0x80:
                    pos += b + 1
                else:
                    try:
                        length, pos = read_varint(buf, pos)
                    except WireError as err:
                        starts.pop()
                        self.error = WireError(err.offset, _RECORD.format(record=len(starts), reason=err.reason))
                        pos = n + 1  # stop; nothing ran past the end
                        break
                    pos += length
                if pos >= n:
                    break
        if pos > n and self.error is None:  # the last record reached claims more bytes than are left
            start = starts.pop()
            length, after = read_varint(buf, start)
            self.error = WireError(
                start, _PAST_END.format(record=len(starts), offset=start, length=length, available=n - after))
        if not starts:
            return
        if len(starts) < _NUMPY_FROM:  # the same offsets and lengths without numpy
            payloads: list[int] = []
            for p in starts:
                k = p
                while buf[k] >= 0x80:  # each prefix was read whole above
                    k += 1
                payloads.append(k + 1)
            stops = [*starts[1:], payloads[-1] + read_varint(buf, starts[-1])[0]]
            self.prefix_offsets = array("q", starts)
            self.offsets = array("q", payloads)
            self.lengths = array("q", [e - o for e, o in zip(stops, payloads, strict=True)])
            self.flags = array("b", bytes(len(starts)))
            return
        import numpy as np

        data = np.frombuffer(buf, dtype=np.uint8)
        st = np.array(starts, dtype=np.int64)
        width = np.ones(len(st), dtype=np.int64)
        more = np.flatnonzero(data[st] >= 0x80)  # prefixes of two bytes or more (each was read whole above)
        k = 1
        while more.size:
            width[more] += 1
            more = more[data[st[more] + k] >= 0x80]
            k += 1
        offs = st + width
        ends = np.empty_like(st)
        ends[:-1] = st[1:]
        ends[-1] = offs[-1] + read_varint(buf, starts[-1])[0]
        self.prefix_offsets = _int_array(st)
        self.offsets = _int_array(offs)
        self.lengths = _int_array(ends - offs)
        self.flags = array("b", bytes(len(starts)))

    def after_splices(self, buf: Buffer, splices: Sequence[SpliceLike]) -> RecordIndex:
        """The index of ``buf``, which is this index's buffer with ``splices`` applied.

        ``splices`` are ascending and disjoint, their offsets in this (the old) buffer, as
        document.Edit keeps them (for an undo pass ``edit.inverse()``). Why not just rebuild: at a
        million records a rebuild takes most of a second on the UI thread after every edit, while
        an edit touches one or two records. Records wholly before the first splice keep their
        entries; from the first touched record the new bytes are re-framed until a record starts
        where an old record started (past the last splice, shifted by the size delta): from there
        the chain is the old one shifted, because framing reads only the bytes it walks over.

        Falls back to a full rebuild whenever it cannot be sure: a bounded, truncated or damaged
        old index, splices that do not match the old or the new bytes, or no resynchronisation
        within ``_RESYNC_RECORDS`` records.
        """
        if not self._splices_fit(buf, splices):
            return RecordIndex(buf, self.framing)
        n = len(self)
        n_old = len(self.buf)
        delta = len(buf) - n_old
        lo = splices[0].offset
        hi = splices[-1].offset + len(splices[-1].old)
        pre = self.prefix_offsets
        k = max(0, bisect.bisect_right(pre, lo) - 1)
        if k < n and self.offsets[k] + self.lengths[k] <= lo:
            k += 1  # lo is at the very end (an append): every record stays
        pos = pre[k] if k < n else n_old  # <= lo: the same place in both buffers
        added: list[tuple[int, int, int, int]] = []
        error: WireError | None = None
        sync = n
        while True:
            if pos >= hi + delta:
                p_old = pos - delta
                j = bisect.bisect_left(pre, p_old)
                if j < n and pre[j] == p_old:
                    sync = j
                    break
                if p_old == n_old:  # the end of both buffers
                    sync = n
                    break
            if len(added) >= _RESYNC_RECORDS:
                return RecordIndex(buf, self.framing)
            frame = _frame_one(buf, self.framing, pos, k + len(added))
            if isinstance(frame, WireError):
                error = frame
                break
            added.append(frame)
            pos = frame[1] + frame[2]
        out = RecordIndex.__new__(RecordIndex)
        out.buf = buf
        out.framing = self.framing
        out.max_records = None
        out.complete = True
        out.error = error
        cols = list(zip(*added, strict=False)) if added else [(), (), (), ()]
        tail = error is None and sync < n
        out.prefix_offsets = _joined(pre, k, cols[0], sync if tail else n, delta)
        out.offsets = _joined(self.offsets, k, cols[1], sync if tail else n, delta)
        out.lengths = _joined(self.lengths, k, cols[2], sync if tail else n, 0)
        flags = self.flags[:k]
        flags.extend(array("b", cols[3]))
        if tail:
            flags.extend(self.flags[sync:])
        out.flags = flags
        return out

    def _splices_fit(self, buf: Buffer, splices: Sequence[SpliceLike]) -> bool:
        """The splices turn this index's buffer into ``buf``, as far as can be checked cheaply:
        each old part is in the old buffer, each new part in the new one, sizes add up; and this
        index is a whole, undamaged walk of its buffer (only then is its tail reusable)."""
        if (self.framing == "single" or self.max_records is not None or not self.complete
                or self.error is not None or not splices):
            return False
        old = self.buf
        prev = 0
        shift = 0
        for s in splices:
            end = s.offset + len(s.old)
            if s.offset < prev or end > len(old):
                return False
            if bytes(old[s.offset : end]) != s.old:
                return False
            at = s.offset + shift
            if bytes(buf[at : at + len(s.new)]) != s.new:
                return False
            shift += len(s.new) - len(s.old)
            prev = end
        return len(buf) == len(old) + shift

    def _add(self, prefix: int, offset: int, length: int, flag: int) -> None:
        self.prefix_offsets.append(prefix)
        self.offsets.append(offset)
        self.lengths.append(length)
        self.flags.append(flag)

    def __len__(self) -> int:
        return len(self.offsets)

    def __getitem__(self, index: int) -> Record:
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return Record(index, self.prefix_offsets[index], self.offsets[index], self.lengths[index],
                      bool(self.flags[index]))

    def __iter__(self) -> Iterator[Record]:
        for i in range(len(self)):
            yield self[i]

    def payload(self, index: int) -> bytes:
        r = self[index]
        return bytes(self.buf[r.offset : r.end])


def _report(token: Progress | None, pos: int, base: int) -> None:
    """Progress of a record index at ``pos``; :class:`Cancelled` when the token asks for it."""
    if token is None:
        return
    if token.cancelled:
        raise Cancelled(f"record index cancelled at offset {pos}")
    token.done = min(base + pos, token.total)


def _int_array(values: np.ndarray) -> array[int]:
    """An ``array('q')`` holding a numpy int64 vector (one copy of the bytes, no Python ints)."""
    import numpy as np

    out = array("q")
    out.frombytes(values.astype(np.int64, copy=False).tobytes())
    return out


def _frame_one(buf: Buffer, framing: str, pos: int, count: int) -> tuple[int, int, int, int] | WireError:
    """(prefix offset, payload offset, length, flag) of record number ``count`` framed at ``pos``, or
    the error a full index would stop with there (the same offset and sentence as its loops give)."""
    n = len(buf)
    if framing == "grpc":
        if pos + 5 > n:
            return WireError(pos, _HEADER_CUT.format(record=count, offset=pos))
        flag = buf[pos]
        if flag > 1:
            return WireError(pos, _FLAG.format(record=count, flag=flag, offset=pos))
        length = int.from_bytes(bytes(buf[pos + 1 : pos + 5]), "big")
        if pos + 5 + length > n:
            return WireError(pos, _PAST_END.format(record=count, offset=pos, length=length, available=n - pos - 5))
        return pos, pos + 5, length, flag
    try:
        length, after = read_varint(buf, pos)
    except WireError as err:
        return WireError(pos, _RECORD.format(record=count, reason=err.reason))
    if after + length > n:
        return WireError(pos, _PAST_END.format(record=count, offset=pos, length=length, available=n - after))
    return pos, after, length, 0


def _joined(col: array[int], k: int, middle: Sequence[int], sync: int, delta: int) -> array[int]:
    """``col[:k]`` + ``middle`` + ``col[sync:]`` shifted by ``delta`` (one vectorised add, not a loop
    over a million entries)."""
    import numpy as np

    out = col[:k]
    out.extend(array("q", middle))
    if sync < len(col):
        rest = np.frombuffer(col, dtype=np.int64)[sync:]
        out.frombytes((rest + delta).tobytes() if delta else rest.tobytes())
    return out


@dataclass(frozen=True)
class Candidate:
    framing: Framing
    score: float
    reason: str


def _clean(buf: Buffer, start: int, end: int) -> bool:
    return scan_fields(buf, start, end, 0, 0)[1] is None


def candidates(buf: Buffer) -> list[Candidate]:
    """Every framing that fits, best first, each with the reason.

    A stream must tile the data exactly and its first records must parse as messages; a stream
    of two or more records beats a clean single parse (which happens by accident more often than
    a whole chain of lengths tiling exactly does). Buffers over ``_DETECT_WHOLE_BELOW`` are judged
    by a bounded prefix (the first 65,536 top-level fields or records): a single
    parse that reaches the end is verified and beats a stream that is only plausible so far.
    """
    out: list[Candidate] = []
    n = len(buf)
    bounded = n > _DETECT_WHOLE_BELOW
    pos = fields = 0
    while True:  # top-level fields, a MiB at a time, until the end or the field budget
        recs, stop, after, _et = scan_fields(buf, pos, n, 0, 0, pos + _DETECT_BYTES if bounded else None)
        fields += len(recs) >> 2
        if stop is not None or after >= n or fields >= _DETECT_RECORDS:
            break
        pos = after
    single_ok = stop is None
    single_whole = single_ok and after >= n
    if single_ok:
        out.append(Candidate("single", 0.5, "parses cleanly as one message" if single_whole else
                             f"the first {after:,} bytes parse cleanly as one message"))
    streams: tuple[Framing, ...] = ("grpc", "varint")
    for framing in streams:
        if n == 0:
            break
        idx = RecordIndex(buf, framing, _DETECT_RECORDS if bounded else None)
        if len(idx) == 0 or (idx.error is not None and len(idx) < 2):
            continue
        sample = range(min(len(idx), _SAMPLE_RECORDS))
        if not all(_clean(buf, idx.offsets[i], idx.offsets[i] + idx.lengths[i]) for i in sample):
            continue
        empty = _empty_records(idx)
        if len(idx) >= _DEGENERATE_MIN and empty * 2 > len(idx):
            # zero bytes tile as millions of empty frames or records; real streams do not look so
            what = "gRPC frames" if framing == "grpc" else "varint-prefixed records"
            out.append(Candidate(framing, -0.5, f"{len(idx):,} {what}, but {empty:,} of them are empty: "
                                                "more likely not a stream"))
            continue
        if idx.error is not None:  # whole records that parse, then damage (typically the last one cut)
            what = "gRPC frames" if framing == "grpc" else "varint-prefixed records"
            out.append(Candidate(framing, 0.2, f"{len(idx):,} whole {what}, then the stream is cut short "
                                               f"at offset {idx.error.offset}"))
            continue
        if not idx.complete:
            what = "gRPC frames" if framing == "grpc" else "varint-prefixed records"
            score = 0.8 if framing == "grpc" else (0.4 if single_whole else 0.6)
            out.append(Candidate(framing, score, f"the first {len(idx):,} {what} line up and parse "
                                                 "(the rest is indexed when opened)"))
        elif framing == "grpc":
            out.append(Candidate("grpc", 0.9, f"{len(idx)} gRPC frame(s) tile the data exactly"))
        elif len(idx) >= 2 or not single_ok:
            out.append(Candidate("varint", 0.7 if len(idx) >= 2 else 0.3,
                                 f"{len(idx)} varint-prefixed record(s) tile the data exactly"))
    if not any(c.score >= 0 for c in out):
        out.append(Candidate("single", 0.0, "nothing fits; decoding as one (damaged) message"))
    out.sort(key=lambda c: -c.score)
    return out


def _empty_records(idx: RecordIndex) -> int:
    lengths = idx.lengths
    if isinstance(lengths, array) and lengths.itemsize == 8 and len(lengths) >= _NUMPY_FROM:
        import numpy as np

        return int(np.count_nonzero(np.frombuffer(lengths, dtype=np.int64) == 0))
    return sum(1 for n in lengths if n == 0)


def detect(buf: Buffer) -> Framing:
    """The best framing for ``buf``."""
    return candidates(buf)[0].framing


def index(buf: Buffer, framing: Framing | Literal["auto"] = "auto") -> RecordIndex:
    """Index the records of ``buf`` with the given (or detected) framing."""
    if framing == "auto":
        first: RecordIndex | None = None
        for c in candidates(buf):  # a stream judged on a prefix may still fail to tile: then the next one
            if c.score < 0:
                break  # implausible readings (see candidates) are offered, never chosen
            idx = RecordIndex(buf, c.framing)
            if idx.error is None:
                return idx
            first = first or idx
        return first if first is not None else RecordIndex(buf, "single")  # the best, damage and all
    if framing not in FRAMINGS:
        raise ValueError(QT_TRANSLATE_NOOP(
            "Framing", "unknown framing {framing!r}; expected auto, single, varint or grpc").format(framing=framing))
    return RecordIndex(buf, framing)


def decode_text(data: bytes, encoding: Literal["auto", "binary", "hex", "base64"] = "auto") -> tuple[bytes, str]:
    """Turn pasted hex or base64 text into bytes; return (bytes, encoding used).

    ``auto`` only converts when the whole input is hex or base64 text *and* the raw bytes do not
    already parse as a clean message (a binary message can consist of printable bytes); input
    that starts with whitespace stays binary. Hex is
    tried before base64 because every hex string is also valid base64 alphabet.
    """
    if encoding == "binary":
        return data, "binary"
    if encoding == "hex":
        return _from_hex(data), "hex"
    if encoding == "base64":
        return _from_base64(data), "base64"
    stripped = data.strip()
    if not stripped or data[:1].isspace():
        # Pasted text starts with its first digit; a binary message whose first field is number 1
        # starts with 0x0a / 0x09 / 0x0d (whitespace), and one of digits would read as hex.
        return data, "binary"
    raw_ok = _fits(data)
    for name, pattern, convert in (("hex", _HEX_RE, _from_hex), ("base64", _B64_RE, _from_base64)):
        if not pattern.match(stripped):
            continue
        try:
            converted = convert(stripped)
        except ValueError:
            continue
        if not raw_ok or _fits(converted):
            return converted, name
    return data, "binary"


def encode_text(data: bytes, encoding: str, original: bytes) -> bytes:
    """``data`` written back as the hex or base64 text ``original`` was read from (see decode_text).

    Unchanged bytes give ``original`` itself, so an untouched text file saves byte-identical.
    Otherwise the original's style is kept where it is cheap to: spaced and upper-case hex pairs,
    the URL-safe base64 alphabet, the trailing newline.
    """
    if encoding not in ("hex", "base64"):
        raise ValueError(QT_TRANSLATE_NOOP(
            "Framing", "not a text encoding: {encoding}").format(encoding=encoding))
    try:
        if decode_text(original, encoding)[0] == data:  # type: ignore[arg-type]
            return original
    except ValueError:
        pass
    body = original.strip()
    tail = original[len(original.rstrip()):]
    if encoding == "hex":
        text = data.hex(" ") if re.search(rb"[0-9a-fA-F]\s+[0-9a-fA-F]", body) else data.hex()
        if body.startswith((b"0x", b"0X")):
            text = "0x" + text
        if re.search(rb"[A-F]", body) and not re.search(rb"[a-f]", body):
            text = text.upper().replace("0X", "0x")
        return text.encode("ascii") + tail
    urlsafe = b"-" in body or b"_" in body
    out = base64.urlsafe_b64encode(data) if urlsafe else base64.b64encode(data)
    if not body.endswith(b"="):
        out = out.rstrip(b"=")
    return out + tail


def _fits(buf: Buffer) -> bool:
    """Some framing parses cleanly."""
    return candidates(buf)[0].score > 0


def _from_hex(data: bytes) -> bytes:
    text = re.sub(rb"[\s:]", b"", data.strip())
    if text.startswith((b"0x", b"0X")):
        text = text[2:]
    try:
        return binascii.unhexlify(text)
    except (binascii.Error, ValueError) as err:
        raise ValueError(QT_TRANSLATE_NOOP("Framing", "not valid hex: {err}").format(err=err)) from None


def _from_base64(data: bytes) -> bytes:
    text = re.sub(rb"\s", b"", data)
    altchars = b"-_" if (b"-" in text or b"_" in text) else None
    text += b"=" * (-len(text) % 4)
    try:
        return base64.b64decode(text, altchars=altchars, validate=True)
    except (binascii.Error, ValueError) as err:
        raise ValueError(QT_TRANSLATE_NOOP(
            "Framing", "not valid base64: {err}").format(err=err)) from None
