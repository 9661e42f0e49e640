"""JobColumns: the jobs table's data as columns (numpy arrays), one entry per job.  No Qt.

Why columns: a million jobs as Python rows cost ~2 KB each and every filter keystroke or sort
walked them in Python.  Here numbers and enum codes are numpy arrays, strings are fixed-width
bytes arrays (UTF-8), and each job's JobSummary is kept as its wire bytes (parsed again only for
the few rows a tooltip or the detail asks about).  Filters and sorts are array operations.

Derived columns (casefolded text for search and sort, labels) are computed on first use for
all rows (or ahead of it, in slices, by the table's idle warm-up) and then kept up to date by
every change.  Free text is searched column by column (name, owner, id, labels, each
casefolded), not in one joined haystack: joining a million rows' texts cost a second and a
column of ~90 bytes a job.

Strings are cut at ``CAP`` bytes (``LABELS_CAP`` for labels) so one huge value
cannot make a whole column huge; ``long_ids`` names the jobs whose text was cut, and the filter
checks those against their full text.  Rows only ever append; deletions close the gap.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import repeat
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from console.models import job_row as R
from console.models import job_wire as W
from pelorus.api import job_pb2

I64 = npt.NDArray[np.int64]
Bytes = npt.NDArray[np.bytes_]
Arr = npt.NDArray[Any]

CAP: Final = 256
LABELS_CAP: Final = 1024
STRINGS: Final = ("ids", "names", "owners", "namespaces")
_MERGE_BUDGET: Final = 8 << 20  # bytes one merge of small buffers copies (a few ms)
_MERGE_AT: Final = 64  # buffers held from which an apply merges small ones
_COMPACT_SLACK: Final = 64 << 20  # buffers held beyond 2x the live summaries start a compaction
_COMPACT_BUDGET: Final = 8 << 20  # live bytes one step of a compaction copies at least
_COMPACT_PER_BATCH: Final = 2  # ... and at least this many times the bytes its apply brought
_PARSED_CACHE: Final = 2048  # parsed summaries kept (tooltips, detail, actions on a selection)


def _widen(arr: Bytes, width: int) -> Bytes:
    return arr if arr.dtype.itemsize >= width else arr.astype(f"S{width}")


def _fit(values: Bytes, like: Bytes) -> tuple[Bytes, Bytes]:
    """Both arrays at the larger of their widths."""
    w = max(values.dtype.itemsize, like.dtype.itemsize)
    return _widen(values, w), _widen(like, w)


def casefold(arr: Bytes, cap: int = CAP, cut: list[int] | None = None) -> Bytes:
    """UTF-8 casefold of every value: ASCII in bulk, Python's str.casefold for the others.
    A folded value longer than ``cap`` bytes (folding can lengthen text: "İ" is 2 bytes, its
    fold 3) is cut there, and its index added to ``cut``."""
    if len(arr) == 0:
        return arr.copy()  # (np.strings.lower: the same, but its first use imports numpy.strings)
    arr = np.ascontiguousarray(arr)
    u8 = arr.view(np.uint8).reshape(len(arr), -1)
    # ASCII lower case on the bytes (np.strings.lower makes a Python call per value: ~5x slower)
    out = (u8 + (((u8 - np.uint8(65)) < 26).view(np.uint8) << np.uint8(5))).view(arr.dtype).reshape(len(arr))
    # rows with a byte over 0x7F: found from the bytes (few), not by a reduction over every row;
    # flatnonzero's indices are in order, so each row's repeats are adjacent (not np.unique: its
    # first call imports numpy.ma, ~8 ms of CPU before a re-attach's first rows)
    hits = np.flatnonzero(u8.reshape(-1) >= 0x80) // u8.shape[1]
    odd = hits[np.concatenate(([True], hits[1:] != hits[:-1]))] if hits.size else hits
    if odd.size:
        full = [bytes(v).decode("utf-8", "replace").casefold().encode() for v in arr[odd].tolist()]
        if cut is not None:
            cut.extend(int(odd[i]) for i, f in enumerate(full) if len(f) > cap)
        folded = [f[:cap] for f in full]
        vals = np.array(folded, dtype=f"S{max(1, max(len(f) for f in folded))}")
        vals, out = _fit(vals, out)
        out[odd] = vals
    return out


class JobColumns:
    """Column storage; see the module docstring.  ``n`` rows; row ``r`` of every column is one job."""

    def __init__(self) -> None:
        self.n = 0
        self._cap = 0
        self.nums: dict[str, Arr] = {k: np.zeros(0, d) for k, d in W.NUMERIC.items()}
        self.strings: dict[str, Arr] = {k: np.zeros(0, "S1") for k in STRINGS}
        # wire bytes of each job's summary: buffer number, start, end.  A buffer's number is its
        # slot in ``_bufs``; a buffer no row reads any more leaves an empty slot (``_free``) that
        # the next buffer takes, so no row's buffer number changes when others go
        self._bufs: list[W.U8] = []
        self._buf_live: I64 = np.zeros(0, np.int64)  # live bytes (rows' summaries) in each buffer
        self._free: set[int] = set()
        self._round: _Round | None = None  # a compaction under way (``_maybe_compact``)
        self._buf_of: Arr = np.zeros(0, np.int32)
        self._start: Arr = np.zeros(0, np.int64)
        self._end: Arr = np.zeros(0, np.int64)
        self._live_bytes = 0
        self._index: dict[str, int] = {}
        self._index_todo = (0, 0)  # rows [a, b) of a first listing not yet in ``_index`` (see ``index``)
        self._in_id_order = False  # every row so far came in a first listing, in strictly ascending id order
        self._derived: dict[str, Arr] = {}
        # derived columns being built in slices: computed chunks, rows covered, rows changed since
        self._partial: dict[str, tuple[list[Bytes], int, set[int]]] = {}
        self._stale: dict[str, list[I64]] = {}  # derived column -> rows changed since last read
        self.long_ids: set[str] = set()
        self._parsed: OrderedDict[tuple[int, int], job_pb2.JobSummary] = OrderedDict()

    # ---- reading -----------------------------------------------------------------------------

    @property
    def index(self) -> dict[str, int]:
        """job id -> row.  After a first listing it is filled in slices by the idle warm-up
        (``warm``): a million ids as Python strings in a dict cost ~1 s that the first paint
        need not wait for; asking for it finishes it at once."""
        if self._index_todo[0] < self._index_todo[1]:
            self._warm_index(self._index_todo[1])
        return self._index

    def _warm_index(self, rows: int) -> bool:
        a, b = self._index_todo
        end = min(b, a + rows)
        raw = self.strings["ids"][a:end].tolist()
        self._index.update(zip([self.job_id(a + i) if len(x) >= CAP else x.decode("utf-8", "replace")
                                for i, x in enumerate(raw)], range(a, end), strict=True))
        self._index_todo = (end, b)
        return end >= b

    def index_pending(self) -> bool:
        """Rows of a first listing not yet in the job id index (the warm-up's first work)."""
        return self._index_todo[0] < self._index_todo[1]

    def num(self, name: str) -> Arr:
        """A numeric column (a view of the live rows: do not keep across changes)."""
        return self.nums[name][: self.n]

    def text(self, name: str, row: int) -> str:
        """One string value ("ids", "names", "owners", "namespaces") as text."""
        raw = self.strings[name][row]
        if len(raw) >= CAP:  # cut: the full value is in the summary
            s = self.summary(row)
            field = {"ids": "job_id", "names": "name", "owners": "owner", "namespaces": "namespace"}[name]
            value: str = getattr(s, field)
            return value
        return bytes(raw).decode("utf-8", "replace")

    def job_id(self, row: int) -> str:
        return self.text("ids", row)

    def wire(self, row: int) -> bytes:
        """The job's JobSummary as wire bytes."""
        buf = self._bufs[int(self._buf_of[row])]
        return buf[int(self._start[row]): int(self._end[row])].tobytes()

    def summary(self, row: int) -> job_pb2.JobSummary:
        """The job's JobSummary, parsed on demand (a few thousand recent ones are kept, so the
        same row asked twice gives the same object until it changes).  Do not mutate."""
        key = (int(self._buf_of[row]), int(self._start[row]))
        hit = self._parsed.get(key)
        if hit is not None:
            self._parsed.move_to_end(key)
            return hit
        s = job_pb2.JobSummary.FromString(self.wire(row))
        self._parsed[key] = s
        if len(self._parsed) > _PARSED_CACHE:
            self._parsed.popitem(last=False)
        return s

    def reference_row(self, row: int) -> R.Row:
        """The row as ``job_row.make_row`` lays it out (for tests and the command palette)."""
        return R.make_row(self.summary(row))

    def column_row(self, row: int) -> list[object]:
        """Fields ``job_row.ID`` .. ``INSTANCES`` read from the columns (not from the kept bytes):
        tests compare it with ``job_row.make_row(GetJob's summary)[:job_row.HAY]``."""
        out: list[object] = [None] * R.HAY
        out[R.ID], out[R.NAME] = self.text("ids", row), self.text("names", row)
        out[R.OWNER], out[R.NAMESPACE] = self.text("owners", row), self.text("namespaces", row)
        for name, field in W.ROW_FIELD.items():
            out[field] = self.nums[name][row].item()
        return out

    def derived(self, name: str) -> Bytes:
        """A derived column for all rows: "names_fold", "owners_fold", "namespaces_fold",
        "ids_fold", "labels" (b"\\x1fk=v\\x1f..."), "labels_fold" (the labels casefolded)."""
        if name not in self._derived and name in self._partial:
            self.warm(name, self.n)  # finish what the warm-up started instead of starting over
        col = self._derived.get(name)
        pending = self._stale.pop(name, None)
        if col is not None and pending:
            # rows changed since the column was last read: recomputed now, once, for all of them
            # (rows past ``n`` are written but not shown yet, see JobsTableModel._apply: later)
            rows = np.unique(np.concatenate(pending))
            later = rows[rows >= self.n]
            if later.size:
                self._stale[name] = [later]
            self._update_derived(name, rows[rows < self.n])
            col = self._derived[name]
        if col is None:
            vals = self._compute(name, np.arange(self.n, dtype=np.int64))
            col = np.zeros(max(self._cap, self.n, 1), vals.dtype)  # room for appends, as every column
            col[: self.n] = vals
            self._derived[name] = col
        return col[: self.n]

    def derived_at(self, name: str, rows: I64) -> Bytes:
        """A derived column's values at ``rows``: read from the column when it is built (or
        when most rows are asked for: then it is built), else computed for these rows alone.
        A free-text keystroke right after a load asks the later columns only for the rows the
        name did not match; it need not wait for a million rows' labels."""
        if name in self._derived or 4 * len(rows) >= self.n:
            return self.derived(name)[rows]
        return self._compute(name, rows)

    def has_derived(self, name: str) -> bool:
        return name in self._derived

    def warm(self, name: str, rows: int) -> bool:
        """Build the next ``rows`` rows of a derived column (the idle warm-up); True when the
        whole column is ready.  Rows changed meanwhile are recomputed at the end.  The job id
        index of a first listing goes first (the Watch's first change needs it)."""
        if self._index_todo[0] < self._index_todo[1]:
            self._warm_index(rows)
            return False
        if name in self._derived:
            return True
        parts, pos, dirty = self._partial.get(name, ([], 0, set()))
        end = min(pos + rows, self.n)
        if end > pos:
            parts.append(self._compute(name, np.arange(pos, end, dtype=np.int64)))
        if end < self.n:
            self._partial[name] = (parts, end, dirty)
            return False
        self._partial.pop(name, None)
        width = max([p.dtype.itemsize for p in parts] + [1])
        col = np.zeros(max(self._cap, self.n, 1), f"S{width}")
        if parts:
            col[: self.n] = np.concatenate([_widen(p, width) for p in parts])
        self._derived[name] = col
        if dirty:
            again = np.array(sorted(dirty), np.int64)
            self._update_derived(name, again)
        return True

    def _compute(self, name: str, rows: I64) -> Bytes:
        if name.endswith("_fold"):
            base = name.removesuffix("_fold")
            if base == "labels":
                text, cap = self.derived_at("labels", rows), LABELS_CAP
            else:
                text, cap = self.strings[base][rows], CAP
            cut: list[int] = []
            folded = casefold(text, cap, cut)
            self.long_ids.update(self.job_id(int(rows[i])) for i in cut)
            return folded
        if name == "labels":
            return self._labels(rows)
        raise KeyError(name)

    def _labels(self, rows: I64) -> Bytes:
        out = np.zeros(len(rows), "S1")
        bufs = self._buf_of[rows]
        # rows grouped by the buffer holding their bytes (a listing streamed in pages has a
        # buffer per page: one pass to group them, not one pass over all rows per buffer)
        order = np.argsort(bufs, kind="stable")
        cuts = np.flatnonzero(np.diff(bufs[order])) + 1
        for sel in np.split(order, cuts) if len(order) else []:
            lab = W.labels(self._bufs[int(bufs[sel[0]])], self._start[rows[sel]], self._end[rows[sel]])
            if lab.dtype.itemsize > LABELS_CAP:
                lab = self._cut_labels(lab, rows[sel])
            lab, out = _fit(lab, out)
            out[sel] = lab
        return out

    def _cut_labels(self, lab: Bytes, rows: I64) -> Bytes:
        long = np.flatnonzero(np.strings.str_len(lab) > LABELS_CAP)
        for i in long.tolist():
            self.long_ids.add(self.job_id(int(rows[i])))
        return lab.astype(f"S{LABELS_CAP}")

    # ---- changing ----------------------------------------------------------------------------

    def _reserve(self, total: int) -> None:
        if total <= self._cap:
            return
        cap = max(total, 2 * self._cap + 1024)  # doubling: a listing that streams in copies each row ~once

        def grow(a: Arr) -> Arr:
            g = np.zeros(cap, a.dtype)
            g[: self.n] = a[: self.n]
            return g

        self.nums = {k: grow(v) for k, v in self.nums.items()}
        self.strings = {k: grow(v) for k, v in self.strings.items()}
        self._derived = {k: grow(v) for k, v in self._derived.items()}
        self._buf_of = grow(self._buf_of)
        self._start = grow(self._start)
        self._end = grow(self._end)
        self._cap = cap

    def _write(self, rows: I64, d: W.Decoded, buf_no: int) -> None:
        """Write decoded values into ``rows`` (allocated already)."""
        at: I64 | slice = rows
        if len(rows) > 1 and int(rows[0]) + len(rows) - 1 == int(rows[-1]) and bool((np.diff(rows) == 1).all()):
            at = slice(int(rows[0]), int(rows[-1]) + 1)  # appended rows: copies, not scatters (~5x cheaper)
        self._write_at(at, rows, d, buf_no)

    def _write_at(self, at: I64 | slice, rows: I64, d: W.Decoded, buf_no: int) -> None:
        for k, v in d.nums.items():
            self.nums[k][at] = v
        for k in STRINGS:
            v = getattr(d, k)
            if v.dtype.itemsize > CAP:
                for i in np.flatnonzero(np.strings.str_len(v) > CAP).tolist():
                    self.long_ids.add(bytes(d.ids[i]).decode("utf-8", "replace"))
                v = v.astype(f"S{CAP}")
            col = self.strings[k]
            if v.dtype.itemsize > col.dtype.itemsize:
                col = self.strings[k] = _widen(col, v.dtype.itemsize)
            col[at] = v
        old = self._end[at] - self._start[at]
        added = int((d.ends - d.starts).sum())
        self._live_bytes += added - int(old.sum())
        self._unlive(self._buf_of[at], old)
        self._buf_live[buf_no] += added
        self._buf_of[at] = buf_no
        self._start[at] = d.starts
        self._end[at] = d.ends
        written = {self._write_labels(at, rows, d.labels)}  # after the bytes: a cut one reads its job id there
        written |= self._write_folded(at, rows, d)
        # Derived columns are brought up to date when next read (a storm of status changes with
        # no text filter and no sort on a text column never pays for them).
        for name in self._derived:
            if name in written:
                continue
            pending = self._stale.setdefault(name, [])
            pending.append(np.array(rows, np.int64))
            if len(pending) > 64:  # a long storm with nobody reading: keep the set small
                pending[:] = [_distinct(np.concatenate(pending))]
        for _parts, pos, dirty in self._partial.values():
            dirty.update(rows[rows < pos].tolist())

    def _write_labels(self, at: I64 | slice, rows: I64, lab: Bytes | None) -> str:
        """Labels decoded with the rest (``load``): into the labels column, which a first
        listing starts.  Returns "labels" when written, "" when left to be derived."""
        if lab is None:
            return ""
        col = self._derived.get("labels")
        if col is None and ("labels" in self._partial or len(rows) != self.n):
            return ""
        if lab.dtype.itemsize > LABELS_CAP:
            lab = self._cut_labels(lab, rows)
        if col is None:
            col = np.zeros(max(self._cap, self.n, 1), lab.dtype)
        lab, col = _fit(lab, col)
        col[at] = lab
        self._derived["labels"] = col
        return "labels"

    def _write_folded(self, at: I64 | slice, rows: I64, d: W.Decoded) -> set[str]:
        """The search columns ``prepare`` folded: into their derived columns when these are
        built (or started, by a first listing); returns the names written."""
        if d.folded is None:
            return set()
        out: set[str] = set()
        for name, vals in d.folded.items():
            col = self._derived.get(name)
            if col is None and (name in self._partial or len(rows) != self.n):
                continue
            if col is None:
                col = np.zeros(max(self._cap, self.n, 1), vals.dtype)
            vals, col = _fit(vals, col)
            col[at] = vals
            self._derived[name] = col
            out.add(name)
        if out:
            self.long_ids.update(d.folded_long)
        return out

    def _update_derived(self, name: str, rows: I64) -> None:
        vals = self._compute(name, rows)
        vals, col = _fit(vals, self._derived[name])
        col[rows] = vals
        self._derived[name] = col

    def _add_buf(self, buf: W.U8) -> int:
        """The buffer's number: the lowest empty slot, or a new one."""
        if self._free:
            b = min(self._free)
            self._free.discard(b)
            self._bufs[b] = buf
        else:
            b = len(self._bufs)
            self._bufs.append(buf)
            if b >= len(self._buf_live):
                self._buf_live = np.concatenate([self._buf_live, np.zeros(max(8, b), np.int64)])
        self._buf_live[b] = 0
        return b

    def _free_buf(self, b: int) -> None:
        """No row reads buffer ``b`` any more: its memory goes, its slot is taken by a later one
        (trailing empty slots are dropped).  Cached summaries are keyed by buffer: cleared."""
        assert self._buf_live[b] == 0
        self._bufs[b] = _EMPTY
        self._free.add(b)
        while self._bufs and len(self._bufs) - 1 in self._free:
            self._free.discard(len(self._bufs) - 1)
            self._bufs.pop()
        self._parsed.clear()

    def _unlive(self, bufs: Arr, lens: I64) -> None:
        """Summaries of ``lens`` bytes in buffers ``bufs`` (one each) were replaced or removed."""
        if len(lens) and bool(lens.any()):
            gone = np.bincount(bufs, weights=lens, minlength=len(self._buf_live))
            self._buf_live -= gone.round().astype(np.int64)

    def load(self, buf: W.U8, starts: I64, ends: I64, decoded: W.Decoded | None = None) -> tuple[I64, list[int]]:
        """Apply summaries in wire form (the first listing, a page of it, or a batch of changes):
        known jobs are replaced in place, new ones appended (a job twice: the last wins).
        ``decoded``: ``job_wire.decode(buf, starts, ends, with_labels=True)`` done already (the
        job feed's thread decodes its batches).  Returns (rows appended, replaced rows in
        ascending order)."""
        if len(starts) == 0:
            return np.zeros(0, np.int64), []
        # labels with the rest: the top-level walk passes them anyway, and the first free-text
        # keystroke after a load then finds them (building them then cost ~1 s at 1M jobs)
        d = decoded if decoded is not None else W.decode(buf, starts, ends, with_labels=True)
        if self.n == 0 and not self._index and len(d.ids) > 1 and bool((d.ids[1:] > d.ids[:-1]).all()):
            # A first listing in id order (as the engine sends it): no id twice, every job new.
            # Its ids go into the index later, in idle slices (``index``).
            self._reserve(len(d.ids))
            self.n = len(d.ids)
            self._write_at(slice(0, self.n), np.arange(self.n, dtype=np.int64), d, self._add_buf(buf))
            self._index_todo = (0, self.n)
            self._in_id_order = True
            return np.arange(self.n, dtype=np.int64), []
        if self._in_id_order and self._next_in_id_order(d.ids):
            # The next pages of that listing (streamed): after every id shown, in order, so all new;
            # their ids join the index in idle slices too (a million lookups and inserts: ~1 s)
            first = self.n
            self._reserve(first + len(d.ids))
            self.n = first + len(d.ids)
            rows = np.arange(first, self.n, dtype=np.int64)
            self._write_at(slice(first, self.n), rows, d, self._add_buf(buf))
            a, b = self._index_todo
            self._index_todo = (a if a < b else first, self.n)  # (unindexed rows always end the table)
            self._maybe_compact(len(buf))
            return rows, []
        self._in_id_order = False
        ids = d.id_strs if d.id_strs is not None else [x.decode("utf-8", "replace") for x in d.ids.tolist()]
        last = dict(zip(ids, range(len(ids)), strict=True))  # the last index of each id
        repeats = len(last) != len(ids)
        if repeats:
            # the last change of each job, at the place of its first (dicts keep first insertion)
            keep = np.fromiter(last.values(), np.int64, len(last))
            d = _take(d, keep)
            ids = [ids[i] for i in keep.tolist()]
        index = self.index
        # a first listing without repeats: ``last`` is the index already (one dict, not two)
        first_listing = not index and self.n == 0 and not repeats
        if not index:  # all new: no lookups
            at_arr = np.full(len(ids), -1, np.int64)
        else:
            at_arr = np.fromiter(map(index.get, ids, repeat(-1, len(ids))), np.int64, len(ids))
        old = np.flatnonzero(at_arr >= 0)
        if old.size:
            # A change older than what a row shows is one it already has (a ListJobs page is
            # read after the revision the Watch starts from): never step a job back.
            rev = np.asarray(d.nums["revision"][old], np.int64)
            behind = (rev > 0) & (rev < self.nums["revision"][at_arr[old]])
            if behind.any():
                at_arr[old[behind]] = -2
                old = old[~behind]
        new = np.flatnonzero(at_arr == -1)
        buf_no = self._add_buf(buf)
        replaced: list[int] = []
        if old.size:
            rows = at_arr[old]
            self._write(rows, d if old.size == len(ids) else _take(d, old), buf_no)
            replaced = sorted(rows.tolist())
        appended = np.zeros(0, np.int64)
        if new.size:
            first = self.n
            self._reserve(first + len(new))
            appended = np.arange(first, first + len(new), dtype=np.int64)
            self.n = first + len(new)
            self._write(appended, d if new.size == len(ids) else _take(d, new), buf_no)
            if first_listing:
                self._index = last
            elif new.size != len(ids):
                for k, i in enumerate(new.tolist()):
                    index[ids[i]] = first + k
            else:
                index.update(zip(ids, range(first, first + len(ids)), strict=True))
        self._maybe_compact(len(buf))
        return appended, replaced

    def _next_in_id_order(self, ids: Bytes) -> bool:
        """``ids`` strictly ascending and after the table's last one (read whole: not cut)."""
        if self.n == 0 or len(ids) == 0 or (len(ids) > 1 and not bool((ids[1:] > ids[:-1]).all())):
            return False
        last = self.strings["ids"][self.n - 1].item()
        return len(last) < CAP and bytes(ids[0]) > last

    def load_messages(self, summaries: Iterable[job_pb2.JobSummary]) -> tuple[I64, list[int]]:
        """``load`` for parsed messages (Watch changes arrive parsed)."""
        blobs = [s.SerializeToString() for s in summaries]
        buf, starts, ends = W.concat(blobs)
        return self.load(buf, starts, ends)

    def remove(self, rows: Sequence[int]) -> None:
        """Delete rows (any order); later rows move up."""
        if not rows:
            return
        for name in list(self._stale):  # bring derived columns up to date before rows move
            self.derived(name)
        self._in_id_order = False
        gone = np.unique(np.asarray(rows, np.int64))
        keep = np.ones(self.n, bool)
        keep[gone] = False
        for j in (self.job_id(int(r)) for r in gone):
            self.index.pop(j, None)
            self.long_ids.discard(j)
        self._partial.clear()  # row numbers moved: the warm-up starts again
        self._live_bytes -= int((self._end[gone] - self._start[gone]).sum())
        self._unlive(self._buf_of[gone], self._end[gone] - self._start[gone])
        if self._round is not None:
            self._round.rows = None  # row numbers moved: the source's rows are found again
        n = int(keep.sum())

        def squeeze(a: Arr) -> Arr:
            out = np.zeros(max(n, 1), a.dtype)
            out[:n] = a[: self.n][keep]
            return out

        self.nums = {k: squeeze(v) for k, v in self.nums.items()}
        self.strings = {k: squeeze(v) for k, v in self.strings.items()}
        self._derived = {k: squeeze(v) for k, v in self._derived.items()}
        self._buf_of = squeeze(self._buf_of)
        self._start = squeeze(self._start)
        self._end = squeeze(self._end)
        first = int(gone[0])
        self.n = n
        self._cap = max(n, 1)
        ids = self.strings["ids"][first:n].tolist()
        for r, raw in enumerate(ids, first):
            self.index[self.job_id(r) if len(raw) >= CAP else raw.decode("utf-8", "replace")] = r

    def clear(self) -> None:
        self.__init__()  # type: ignore[misc]

    def held(self) -> int:
        """Bytes of the wire buffers held (live summaries, replaced ones, room reserved)."""
        return sum(len(b) for b in self._bufs)

    def _maybe_compact(self, batch: int = 0) -> None:
        """After an apply that brought ``batch`` bytes of summaries: one bounded piece of
        housekeeping of the wire buffers, never a rewrite of all of them.

        - Once the buffers hold more than twice the live summaries + ``_COMPACT_SLACK`` (a storm
          replaces every summary many times), a compaction starts (``_plan_round``): the buffers
          most of replaced summaries first, until what stays behind wastes at most a quarter of the
          live bytes, have their live summaries moved into one new buffer, in steps of at most
          ``_COMPACT_BUDGET`` bytes (or ``_COMPACT_PER_BATCH`` times the batch's, if more) per
          apply (``_compact_step``).
          Rewriting all of them in one apply stalled the UI thread 1-2 s at 1,000,000 jobs.
          Memory stays bounded: each step moves at least twice the bytes its apply brought, so a
          compaction ends before the storm has added half as many bytes as it moves; at its
          end the buffers hold at most ~1.25x the live bytes (+ room reserved for summaries
          replaced meanwhile, never written: calloc'd, not resident), and the next starts at
          the same mark as before (2x live + 64 MB).
        - Else, with ``_MERGE_AT`` buffers held (or twice that during a compaction), the small ones
          are merged (``_merge_small``)."""
        if self.n == 0:
            self._bufs, self._free, self._round = [], set(), None
            self._buf_live = np.zeros(0, np.int64)
            self._parsed.clear()  # buffer numbers start again: no cached summary may answer for them
            return
        if self._round is None and self.held() >= 2 * self._live_bytes + _COMPACT_SLACK:
            self._round = self._plan_round()
        held = len(self._bufs) - len(self._free)
        if self._round is not None and held < 2 * _MERGE_AT:
            self._compact_step(max(_COMPACT_BUDGET, _COMPACT_PER_BATCH * batch))
        elif held >= _MERGE_AT:
            self._merge_small()

    def _plan_round(self) -> _Round | None:
        """A compaction: its source buffers (least live first) and the buffer their live summaries go to."""
        sizes = np.fromiter((len(b) for b in self._bufs), np.int64, len(self._bufs))
        live = self._buf_live[: len(sizes)]
        dead = sizes - live
        order = np.argsort(live / np.maximum(sizes, 1), kind="stable")
        left = int(dead.sum())
        sources: list[int] = []
        for b in order.tolist():
            if left <= self._live_bytes // 4:
                break
            if sizes[b] and dead[b] > 0:
                sources.append(b)
                left -= int(dead[b])
        if not sources:
            return None
        to = self._add_buf(np.zeros(int(live[sources].sum()) + W._PAD, np.uint8))  # calloc: pages as written
        return _Round(sources, to)

    def _compact_step(self, budget: int) -> None:
        """Move at most ~``budget`` bytes of live summaries of the compaction's sources into its
        buffer, source by source, each in row order; a source emptied is dropped."""
        r = self._round
        assert r is not None
        n = self.n
        dest = self._bufs[r.to]
        avg = max(16, self._live_bytes // max(n, 1))
        copied = 0
        while r.sources and copied < budget:
            src = r.sources[0]
            if r.rows is None:  # once per source (and after rows were removed): one pass over the rows
                r.rows, r.at = np.flatnonzero(self._buf_of[:n] == src), 0
            win = r.rows[r.at: r.at + max(1024, 4 * (budget - copied) // avg)]
            win = win[win < n]
            here = self._buf_of[win] == src  # not replaced since
            lens = np.where(here, self._end[win] - self._start[win], 0)
            k = max(1, int(np.searchsorted(np.cumsum(lens), budget - copied, side="right")))
            take, ln = win[:k][here[:k]], lens[:k][here[:k]]
            at = r.fill + np.cumsum(ln) - ln
            W.copy_spans(dest, self._bufs[src], self._start[take], ln, at)
            self._start[take] = at
            self._end[take] = at + ln
            self._buf_of[take] = r.to
            moved = int(ln.sum())
            self._buf_live[src] -= moved
            self._buf_live[r.to] += moved
            r.fill += moved
            copied += moved
            r.at += k
            if r.at >= len(r.rows):
                r.sources.pop(0)
                r.rows = None
                self._free_buf(src)
        self._parsed.clear()  # keyed by (buffer, start): both moved
        if not r.sources:
            self._round = None

    def _merge_small(self) -> None:
        """Many buffers (a listing streamed in page by page, a storm's batches of changes): the
        cheapest small buffers joined into one, at most ~``_MERGE_BUDGET`` bytes of copying.  A
        buffer mostly of replaced summaries (a storm's) gives only its live summaries; one mostly
        live (a listing's page) is copied whole, as it is (one memcpy: packing its summaries one
        by one cost ~5x more).  The work of one merge is bounded, not the size of every live summary (rewriting
        all of them every 64 pages made a streamed million-job listing quadratic: 12 s of 45 at
        300,000 jobs) nor of every small buffer (joining 64 storm batches, 34 MB of them dead,
        stalled the UI thread 90 ms).  Equal buffers join first, so merged ones grow
        geometrically and each byte is copied O(log n) times.  Big buffers stay (a compaction
        takes them: ``_maybe_compact``), and so do those a compaction is working on."""
        big = max(1 << 20, self._live_bytes // 16)
        sizes = np.fromiter((len(b) for b in self._bufs), np.int64, len(self._bufs))
        busy = np.zeros(len(sizes), bool)
        busy[list(self._free)] = True
        if self._round is not None:
            busy[[*self._round.sources, self._round.to]] = True
        small = np.flatnonzero((sizes < big) & ~busy)
        if len(small) < 2:
            return
        n = self.n
        bo = self._buf_of[:n]
        live = self._buf_live[: len(sizes)]
        sparse = 2 * live < sizes  # mostly replaced summaries: its live ones alone, packed
        cost = np.where(sparse, live, sizes)  # the others copied whole, as they are (one memcpy)
        order = small[np.argsort(cost[small], kind="stable")]
        take = max(2, int(np.searchsorted(np.cumsum(cost[order]), _MERGE_BUDGET, side="right")))
        chosen = np.sort(order[:take])
        base = np.zeros(len(sizes), np.int64)
        base[chosen] = np.cumsum(cost[chosen]) - cost[chosen]
        merged = np.zeros(int(cost[chosen].sum()) + W._PAD, np.uint8)
        picked = np.zeros(len(sizes), bool)
        picked[chosen] = True
        rows = np.flatnonzero(picked[bo])  # one pass over the rows
        rb = bo[rows]
        whole = ~sparse[rb]
        for b in chosen[~sparse[chosen]].tolist():
            merged[int(base[b]): int(base[b] + sizes[b])] = self._bufs[b]
        wr = rows[whole]
        self._start[wr] += base[rb[whole]]
        self._end[wr] += base[rb[whole]]
        rows, rb = rows[~whole], rb[~whole]
        grouped = np.argsort(rb, kind="stable")  # by buffer, in row order in each
        rows, rb = rows[grouped], rb[grouped]
        ln = self._end[rows] - self._start[rows]
        cum = np.cumsum(ln) - ln
        dst = base[rb] + cum - cum[np.searchsorted(rb, rb, side="left")]
        cuts = np.flatnonzero(np.diff(rb)) + 1
        for sel in np.split(np.arange(len(rows)), cuts) if len(rows) else []:
            W.copy_spans(merged, self._bufs[int(rb[sel[0]])], self._start[rows[sel]], ln[sel], dst[sel])
        self._start[rows] = dst
        self._end[rows] = dst + ln
        total = int(live[chosen].sum())
        for b in chosen.tolist():
            self._buf_live[b] = 0
            self._free_buf(b)
        to = self._add_buf(merged)
        self._buf_live[to] = total
        self._buf_of[wr] = to
        self._buf_of[rows] = to
        self._parsed.clear()  # keyed by (buffer, start): both moved

    def nbytes(self) -> int:
        """Memory held by the columns and buffers (not counting the index dict)."""
        total = sum(b.nbytes for b in self._bufs)
        for group in (self.nums, self.strings, self._derived):
            total += sum(a.nbytes for a in group.values())
        return total + self._buf_of.nbytes + self._start.nbytes + self._end.nbytes


_EMPTY: Final = np.zeros(0, np.uint8)  # a buffer slot no row reads


@dataclass(slots=True)
class _Round:
    """A compaction under way: the buffers whose live summaries are moved (in that order), the
    buffer they go to and how much of it is written; the rows of the first source (found when it
    starts, again after a removal) and how far through them the moving is."""

    sources: list[int]
    to: int
    fill: int = 0
    rows: I64 | None = None
    at: int = 0


def _distinct(rows: I64) -> I64:
    """The distinct rows, ascending, through a mask as long as the table: 65 storm batches of
    ~2,500 rows each through ``np.unique`` (a hash of 160,000 values) cost ~4 ms a derived
    column, all of them in the one apply that crossed the limit."""
    if len(rows) == 0:
        return rows
    mask = np.zeros(int(rows.max()) + 1, bool)
    mask[rows] = True
    return np.flatnonzero(mask).astype(np.int64, copy=False)


def _take(d: W.Decoded, sel: I64) -> W.Decoded:
    pick = sel.tolist()
    return W.Decoded(len(sel), d.buf, d.starts[sel], d.ends[sel], d.ids[sel], d.names[sel], d.owners[sel],
                     d.namespaces[sel], None if d.labels is None else d.labels[sel],
                     {k: v[sel] for k, v in d.nums.items()},
                     None if d.folded is None else {k: v[sel] for k, v in d.folded.items()}, d.folded_long,
                     None if d.id_strs is None else [d.id_strs[i] for i in pick])


#: The derived columns free text reads, folded ahead by ``prepare``
FOLDED: Final = ("names_fold", "owners_fold", "ids_fold", "labels_fold")


def prepare(wire: W.Wire) -> W.Wire:
    """``wire`` with its messages decoded (labels included), the free-text search columns
    casefolded and (out of id order) the job ids as str: what ``JobColumns.load`` would do on the UI thread, done
    ahead on the jobs feed's thread, so a listing's batches only get written there and the
    first keystroke after a load finds the search columns built (at a million jobs the UI
    thread paid ~1.5 s of decoding and ~0.3 s of folding at that keystroke)."""
    if len(wire.starts) == 0 or wire.decoded is not None:
        return wire
    d = W.decode(wire.buf, wire.starts, wire.ends, with_labels=True)
    # ids as str only for a batch out of id order: in order (a listing, as the engine sends it)
    # ``load`` takes them without lookups and indexes them later
    in_order = len(d.ids) > 1 and bool((d.ids[1:] > d.ids[:-1]).all())
    ids = None if in_order else [x.decode("utf-8", "replace") for x in d.ids.tolist()]
    folded: dict[str, Bytes] = {}
    cut: list[int] = []
    for name in FOLDED:
        base = name.removesuffix("_fold")
        cap = LABELS_CAP if base == "labels" else CAP
        text = d.labels if base == "labels" else getattr(d, base)
        assert text is not None
        if text.dtype.itemsize > cap:  # as the table's columns hold them
            text = text.astype(f"S{cap}")
        folded[name] = casefold(text, cap, cut)
    long = tuple(sorted({bytes(d.ids[i]).decode("utf-8", "replace") for i in cut}))
    d.folded, d.folded_long, d.id_strs = folded, long, ids
    return W.Wire(wire.buf, wire.starts, wire.ends, wire.revision, wire.last, d)
