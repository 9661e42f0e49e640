"""The raw text and JSON of a whole schemaless message, a batch of fields at a time, without a
:class:`~pelorus.protobuf.readings.Reading` per field.

Why: ``proto decode --format raw`` and the editor's Text / JSON panes print every field with its top
reading. Ranking every reading of every field (:func:`readings.best`) costs ~20 µs a field; most
fields' top reading follows from a few facts that numpy finds for all fields of a batch at once:

- a varint: ``int64`` when its top bit is set, ``bool`` for 0 and 1, else ``uint64``;
- a fixed32 / fixed64: ``float`` / ``double`` when the value is finite and of moderate size, else the
  signed reading when negative, else the unsigned one (the scores of readings.py decide exactly so);
- a length-delimited value of printable ASCII without ``"`` or ``\\`` is a ``string`` (score 0.9, the
  highest a length-delimited reading has) printed as it is between quotes;
- one with a control byte that the vectorised walk (:mod:`fastscan`) parses as a message whose first
  64 field numbers are all at most 10000 is a ``message`` (0.8: no other reading of a payload that is
  not printable text scores as high).

Every other field (non-ASCII text, text needing escapes, packed-looking payloads, bytes, groups,
pinned paths, levels deeper than ``MAX_DEPTH``) is handed to the reference renderer in render.py, one
field at a time, so the output is the same character for character (tests/protobuf/test_golden_decode.py
and test_fastrender.py compare the two). The lines (or JSON items) of a batch are laid out with array
operations too (:meth:`_Batch._layout`): how many lines each row takes goes up the tree, where each
starts comes down, and the strings are made in bulk and put in place, with no Python step per field.
Pinned paths use a per-row walk (:func:`_level_lines`) that knows each row's path. Top-level fields
are taken in batches of about :data:`BATCH_BYTES`, so the working memory (the batch's tree of every
nested level) stays bounded whatever the size of the message.
"""

from __future__ import annotations

import json
from array import array
from collections.abc import Callable, Iterator
from functools import cached_property
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import numpy.typing as npt

from pelorus.protobuf import fastscan
from pelorus.protobuf.schemaless import Field, Message, _tree_level

if TYPE_CHECKING:
    from pelorus.protobuf.readings import Path, Pins

BATCH_BYTES = 1 << 20
"""Top-level fields are rendered in batches of about this many bytes (tests lower it); JSON, ~48 times
larger than its input, in batches of a quarter of it."""
FAST_FROM_FIELDS = 64
"""Levels with fewer top-level fields than this are rendered by the reference path (no numpy set-up)."""

# row codes
_UINT, _BOOL, _INT64, _FLOAT, _FIXED32, _SFIXED32, _DOUBLE, _FIXED64, _SFIXED64, _STRING, _MESSAGE, _OTHER = range(12)
_KIND: Final = ("uint64", "bool", "int64", "float", "fixed32", "sfixed32", "double", "fixed64", "sfixed64",
                "string", "message", "")
_KIND_ARR: Final = np.array(_KIND, dtype=object)
_WIRE: Final = ("varint", "fixed64", "length-delimited", "start group", "end group", "fixed32")

U64 = npt.NDArray[np.uint64]


def _gather_le(u8: npt.NDArray[np.uint8], pos: npt.NDArray[np.int64], width: int) -> U64:
    """Little-endian unsigned values of ``width`` bytes at each ``pos``."""
    out = np.zeros(pos.shape[0], dtype=np.uint64)
    for j in range(width):
        out |= np.take(u8, pos + j).astype(np.uint64) << np.uint64(8 * j)
    return out


_MAX_INDENT: Final = 102  # depths shown (MAX_DEPTH levels and one more, whose rows the reference path takes)


class _Layout:
    """The output of one batch as positions (see :meth:`_Batch._layout`)."""

    def __init__(self, depth: npt.NDArray[np.int64], pos: npt.NDArray[np.int64], n: npt.NDArray[np.int64],
                 leaf: npt.NDArray[np.bool_], msg: npt.NDArray[np.bool_], sp_rows: list[int],
                 sp_pieces: list[list[str]], total: int, row_level: npt.NDArray[np.int64]) -> None:
        self.depth = depth
        self.pos = pos
        self.n = n
        self.leaf = leaf
        self.msg = msg
        self.sp_rows = sp_rows
        self.sp_pieces = sp_pieces
        self.total = total
        self.row_level = row_level


class _Batch:
    """One batch's tree (every nested level of some top-level fields) and per-row facts."""

    def __init__(self, buf: Any, recs: list[int]) -> None:
        start, end = recs[0], max(recs[3::4])
        tree = fastscan.build(buf, start, end, recs)
        self.tree = tree
        base = tree.base
        n = len(tree)
        size = end - start
        u8 = np.zeros(size + 16, dtype=np.uint8)
        u8[:size] = np.frombuffer(buf, dtype=np.uint8, count=size, offset=start)
        t = tree.t.astype(np.int64) + base  # the tree's columns are relative to its base
        v = tree.v.astype(np.int64) + base
        e = tree.e.astype(np.int64) + base
        key = tree.key
        wt = key & 7
        code = np.full(n, _OTHER, dtype=np.int8)
        value = np.empty(n, dtype=object)  # each row's value as Python shows it (filled by masks, in C)
        # varints
        ix = np.flatnonzero(wt == 0)
        if ix.shape[0]:
            vv, width = v[ix] - base, e[ix] - v[ix]
            u = np.zeros(ix.shape[0], dtype=np.uint64)
            for j in range(10):
                live = width > j
                if not live.any():
                    break
                b = np.take(u8, np.where(live, vv + j, size)).astype(np.uint64) & np.uint64(0x7F)
                u |= b << np.uint64(7 * j)
            neg = u >= np.uint64(1 << 63)
            c = np.where(neg, _INT64, np.where(u <= 1, _BOOL, _UINT)).astype(np.int8)
            code[ix] = c
            vals = np.empty(ix.shape[0], dtype=object)
            vals[:] = u.tolist()
            if neg.any():
                vals[neg] = u[neg].view(np.int64).tolist()
            vals[u == 0] = False
            vals[u == 1] = True
            value[ix] = vals
        # fixed32 / fixed64
        for w, nbytes, fcode, ucode, scode, lo, hi in (
                (5, 4, _FLOAT, _FIXED32, _SFIXED32, 1e-6, 1e9),
                (1, 8, _DOUBLE, _FIXED64, _SFIXED64, 1e-9, 1e15)):
            ix = np.flatnonzero(wt == w)
            if not ix.shape[0]:
                continue
            raw = _gather_le(u8, v[ix] - base, nbytes)
            uu: npt.NDArray[Any]
            if nbytes == 4:
                uu = raw.astype(np.uint32)
                with np.errstate(invalid="ignore"):
                    f = uu.view(np.float32).astype(np.float64)
                s = uu.view(np.int32)
            else:
                uu = raw
                f = raw.view(np.float64)
                s = raw.view(np.int64)
            with np.errstate(invalid="ignore", over="ignore"):
                a = np.abs(f)
                good = np.isfinite(f) & (a >= lo) & (a <= hi)
            c = np.where(good, fcode, np.where(s < 0, scode, ucode)).astype(np.int8)
            code[ix] = c
            vals = np.empty(ix.shape[0], dtype=object)
            vals[:] = uu.tolist()
            for which, col in ((c == scode, s), (c == fcode, f)):
                if which.any():
                    vals[which] = col[which].tolist()
            value[ix] = vals
        # length-delimited
        ix = np.flatnonzero(wt == 2)
        self.text = ""
        if ix.shape[0]:
            b = u8[:size]
            plain = (b >= 0x20) & (b < 0x7F) & (b != 0x22) & (b != 0x5C)
            ctrl = ((b < 0x20) & (b != 9) & (b != 10) & (b != 13)) | (b == 0x7F)
            ct: type[np.signedinteger[Any]] = np.int32 if size < (1 << 31) - 1 else np.int64
            cs_plain = np.zeros(size + 1, dtype=ct)
            np.cumsum(plain, out=cs_plain[1:], dtype=ct)
            cs_ctrl = np.zeros(size + 1, dtype=ct)
            np.cumsum(ctrl, out=cs_ctrl[1:], dtype=ct)
            lv, le = v[ix] - base, e[ix] - base
            simple = (cs_plain[le] - cs_plain[lv]) == (le - lv)
            has_ctrl = (cs_ctrl[le] - cs_ctrl[lv]) > 0
            child = tree.child[ix]
            msg = has_ctrl & (child >= 0)
            if msg.any():  # a message whose first 64 field numbers include one above 10000 scores 0.45
                big = (key >> 3) > 10000
                level = np.repeat(np.arange(tree.levels), tree.count)
                rank = np.arange(n) - tree.first[level]
                odd = np.bincount(level[big & (rank < 64)], minlength=tree.levels)
                lv_of = np.where(child >= 0, child, 0)
                msg &= odd[lv_of] == 0
            code[ix] = np.where(simple, _STRING, np.where(msg, _MESSAGE, _OTHER)).astype(np.int8)
            self.text = bytes(b).decode("latin-1")
        self.code_arr = code
        self.value_obj = value
        self.cols = (t, v, e)
        self.base = base
        # levels with three or more neighbouring fields of the same tag and length (possible runs)
        same = np.zeros(n, dtype=np.bool_)
        if n > 2:
            ln = e - t
            same[1:] = (key[1:] == key[:-1]) & (ln[1:] == ln[:-1]) & (t[1:] == e[:-1])
        self.run_levels: set[int] = set()
        if n > 2 and (same[1:] & same[:-1]).any():
            level = np.repeat(np.arange(tree.levels), tree.count)
            rows = np.flatnonzero(same[1:] & same[:-1]) + 1
            self.run_levels = set(level[rows].tolist())
        # The first level is a slice of the top level, whose runs were found on the whole level and are
        # batches of their own (_batches): a chain of like fields that a batch boundary cuts is no run
        # even where the batch's part of it is all the same bytes.
        self.run_levels.discard(0)

    # Python lists of the columns, made when a per-row walk (JSON, pinned paths) needs them
    @cached_property
    def code(self) -> list[int]:
        out: list[int] = self.code_arr.tolist()
        return out

    @cached_property
    def value(self) -> list[Any]:
        out: list[Any] = self.value_obj.tolist()
        return out

    @cached_property
    def t(self) -> list[int]:
        return self.cols[0].tolist()  # type: ignore[no-any-return]

    @cached_property
    def v(self) -> list[int]:
        return self.cols[1].tolist()  # type: ignore[no-any-return]

    @cached_property
    def e(self) -> list[int]:
        return self.cols[2].tolist()  # type: ignore[no-any-return]

    @cached_property
    def key(self) -> list[int]:
        return self.tree.key.tolist()  # type: ignore[no-any-return]

    @cached_property
    def child(self) -> list[int]:
        return self.tree.child.tolist()  # type: ignore[no-any-return]

    @cached_property
    def first(self) -> list[int]:
        return self.tree.first.tolist()  # type: ignore[no-any-return]

    @cached_property
    def count(self) -> list[int]:
        return self.tree.count.tolist()  # type: ignore[no-any-return]

    def _layout(self, special_pieces: Callable[[list[int], npt.NDArray[np.int64], dict[int, int]], list[list[str]]]
                ) -> _Layout:
        """Where every piece of this batch's output goes (no pins on this path).

        Each row is shown by ``n[row]`` pieces (lines of text, or blocks of JSON): 1 for a value, 2 plus
        its level's pieces for a message (its opening and its closing), as many as the reference
        renderer gives for a row handed to it (``special_pieces``), 0 for a row a run shows once or a
        row inside a value not shown as a message. Counts go up wave by wave from the deepest (the tree
        is built breadth first, so a wave of levels is a contiguous range of levels and of rows),
        positions come down from the root; the caller puts the pieces in place with array operations.
        """
        from pelorus.protobuf.render import MAX_DEPTH

        tree = self.tree
        n = len(tree)
        nlev = tree.levels
        first, count = tree.first, tree.count
        child = tree.child.astype(np.int64)
        code = self.code_arr
        row_level = np.repeat(np.arange(nlev), count)
        has_child = np.flatnonzero(child >= 0)
        parent_row = np.zeros(nlev, dtype=np.int64)
        parent_row[child[has_child]] = has_child
        # waves: level depth, found breadth first
        level_depth = np.zeros(nlev, dtype=np.int64)
        waves = [(0, 1)]
        lo_l, hi_l = 0, 1
        while True:
            rows = slice(int(first[lo_l]), int(first[hi_l - 1] + count[hi_l - 1]))
            kids = child[rows]
            kids = kids[kids >= 0]
            if not kids.shape[0]:
                break
            lo_l, hi_l = int(kids.min()), int(kids.max()) + 1
            level_depth[lo_l:hi_l] = len(waves)
            waves.append((lo_l, hi_l))
        depth = level_depth[row_level]
        # rows the reference renderer takes, and rows a run hides
        special = (code == _OTHER) | (depth >= MAX_DEPTH)
        hidden = np.zeros(n, dtype=np.bool_)
        run_count: dict[int, int] = {}
        for lev in sorted(self.run_levels):
            a = int(first[lev])
            for i, c in self.runs(lev).items():
                run_count[a + i] = c
                hidden[a + i + 1 : a + i + c] = True
        if run_count:
            heads = np.fromiter(run_count, dtype=np.int64, count=len(run_count))
            special[heads] = True
        special &= ~hidden
        # alive: the row is on screen (its level is shown as a message all the way up)
        shows_level = (code == _MESSAGE) & ~special & ~hidden
        alive_level = np.zeros(nlev, dtype=np.bool_)
        alive_level[0] = True
        for lo_l, hi_l in waves[1:]:
            alive_level[lo_l:hi_l] = shows_level[parent_row[lo_l:hi_l]] & alive_level[row_level[parent_row[lo_l:hi_l]]]
        alive = alive_level[row_level] & ~hidden
        special &= alive
        sp_rows = np.flatnonzero(special).tolist()
        sp_lines = special_pieces(sp_rows, depth, run_count) if sp_rows else []
        nlines = np.where(alive, 1, 0).astype(np.int64)
        if sp_rows:
            nlines[sp_rows] = [len(x) for x in sp_lines]
        level_lines = np.zeros(nlev, dtype=np.int64)
        msg_rows = shows_level & alive
        for lo_l, hi_l in reversed(waves):
            a, z = int(first[lo_l]), int(first[hi_l - 1] + count[hi_l - 1])
            m = msg_rows[a:z]
            if m.any():
                ix = np.flatnonzero(m) + a
                nlines[ix] = 2 + level_lines[child[ix]]
            level_lines[lo_l:hi_l] = np.bincount(row_level[a:z] - lo_l, weights=nlines[a:z],
                                                 minlength=hi_l - lo_l).astype(np.int64)
        pos = np.zeros(n, dtype=np.int64)
        level_start = np.zeros(nlev, dtype=np.int64)
        for lo_l, hi_l in waves:
            if lo_l:
                level_start[lo_l:hi_l] = pos[parent_row[lo_l:hi_l]] + 1
            a, z = int(first[lo_l]), int(first[hi_l - 1] + count[hi_l - 1])
            excl = np.cumsum(nlines[a:z]) - nlines[a:z]
            lv = row_level[a:z]
            pos[a:z] = level_start[lv] + excl - excl[first[lv] - a]
        return _Layout(depth, pos, nlines, alive & ~special & ~(shows_level & alive), shows_level & alive,
                       sp_rows, sp_lines, int(level_lines[0]), row_level)

    def _field(self, buf: Any, rec: tuple[int, int, int, int], kid: int) -> Field:
        """The field of one row, its nested level (or that it has none) already known from the tree, so
        the reference renderer does not parse it again."""
        t, key, v, e = rec
        one = Message(buf, t, e, [t, key, v, e], None)
        if key & 7 == 2 and e > v:  # (an empty payload's level is the reference's own)
            one._children = {0: _tree_level(self.tree, kid) if kid >= 0 else None}
        return one[0]

    def _special_text(self, buf: Any, indents: list[str], path: Path, pins: Pins
                      ) -> Callable[[list[int], npt.NDArray[np.int64], dict[int, int]], list[list[str]]]:
        from pelorus.protobuf.render import field_lines

        def lines_of(sp_rows: list[int], depth: npt.NDArray[np.int64], run_count: dict[int, int]) -> list[list[str]]:
            ts, vs, es = (c[sp_rows].tolist() for c in self.cols)
            ks, dl = self.tree.key[sp_rows].tolist(), depth[sp_rows].tolist()
            kids = self.tree.child[sp_rows].tolist()
            out_all: list[list[str]] = []
            for j, r in enumerate(sp_rows):
                out: list[str] = []
                f = self._field(buf, (ts[j], ks[j], vs[j], es[j]), kids[j])
                field_lines(f, run_count.get(r, 1), pins, path, indents[dl[j]], out, dl[j])
                out_all.append(out)
            return out_all

        return lines_of

    def text_lines(self, buf: Any, indent: str, path: Path, pins: Pins) -> list[str]:
        """Every line of this batch in order, put in place with array operations (see :meth:`_layout`)."""
        indents = [indent + "  " * d for d in range(_MAX_INDENT)]
        lay = self._layout(self._special_text(buf, indents, path, pins))
        depth, pos, nlines, leaf, msg_rows, sp_rows, sp_lines = (lay.depth, lay.pos, lay.n, lay.leaf, lay.msg,
                                                                lay.sp_rows, lay.sp_pieces)
        code = self.code_arr
        tree = self.tree
        total = lay.total
        out_arr = np.empty(total, dtype=object)
        ind_arr = np.array(indents, dtype=object)
        num = tree.key >> 3
        tl, vl, el_ = self.cols
        strings = leaf & (code == _STRING)
        values = leaf & ~strings
        if values.any():
            ix = np.flatnonzero(values)
            out_arr[pos[ix]] = list(map("{}{}: {}  # {} @{}".format, ind_arr[depth[ix]].tolist(), num[ix].tolist(),
                                        self.value_obj[ix].tolist(), _KIND_ARR[code[ix]].tolist(), tl[ix].tolist()))
        if strings.any():
            ix = np.flatnonzero(strings)
            base = self.base
            lo_s = (vl[ix] - base).tolist()
            hi_s = (el_[ix] - base).tolist()
            text = self.text
            out_arr[pos[ix]] = list(map('{}{}: "{}"  # string @{}'.format, ind_arr[depth[ix]].tolist(),
                                        num[ix].tolist(), map(text.__getitem__, map(slice, lo_s, hi_s)),
                                        tl[ix].tolist()))
        if msg_rows.any():
            ix = np.flatnonzero(msg_rows)
            ind = ind_arr[depth[ix]]
            el = el_[ix] - tl[ix]
            out_arr[pos[ix]] = list(map("{}{} {{  # message @{}+{}".format, ind.tolist(), num[ix].tolist(),
                                        tl[ix].tolist(), el.tolist()))
            out_arr[pos[ix] + nlines[ix] - 1] = [i + "}" for i in ind.tolist()]
        if sp_rows:
            k = nlines[sp_rows]
            at = np.repeat(pos[sp_rows], k) + (np.arange(int(k.sum())) - np.repeat(np.cumsum(k) - k, k))
            flat: list[str] = [line for x in sp_lines for line in x]
            out_arr[at] = flat
        lines: list[str] = out_arr.tolist()
        return lines

    def json_pieces(self, buf: Any, path: Path, pins: Pins, first_item: bool) -> list[str]:
        """The items of this batch's top-level "fields" list (json.dumps indent=2), put in place with
        array operations (see :meth:`_layout`); each piece starts with its separator."""
        from pelorus.protobuf.render import raw_json

        tree = self.tree
        inds = ["    " + "      " * d for d in range(_MAX_INDENT)]
        firsts = tree.first

        def blocks(sp_rows: list[int], depth: npt.NDArray[np.int64], run_count: dict[int, int]) -> list[list[str]]:
            ts, vs, es = (c[sp_rows].tolist() for c in self.cols)
            ks, dl = tree.key[sp_rows].tolist(), depth[sp_rows].tolist()
            out: list[list[str]] = []
            for j, r in enumerate(sp_rows):
                one = _run_level(buf, (ts[j], ks[j], vs[j], es[j]), run_count.get(r, 1))
                item = raw_json(one, pins, path, dl[j])["fields"][0]
                ind = inds[dl[j]]
                out.append([ind + json.dumps(item, ensure_ascii=False, indent=2).replace("\n", "\n" + ind)])
            return out

        lay = self._layout(blocks)
        depth, pos, n = lay.depth, lay.pos, lay.n
        code = self.code_arr
        key = tree.key
        t, v, e = self.cols
        # each piece's separator: "\n" before the first item of a list, ",\n" before the others
        first_row = np.zeros(len(tree), dtype=np.bool_)
        first_row[firsts[tree.count > 0]] = True
        if not first_item:
            first_row[0] = False
        sep = np.where(first_row, "\n", ",\n").astype(object)
        out_arr = np.empty(lay.total, dtype=object)
        ind_arr = np.array(inds, dtype=object)
        inner_arr = np.array([i + "  " for i in inds], dtype=object)
        wire_arr = np.array(_WIRE + ("", ""), dtype=object)

        def head(ix: npt.NDArray[np.int64]) -> list[Any]:
            return [sep[ix].tolist(), ind_arr[depth[ix]].tolist(), (key[ix] >> 3).tolist(),
                    wire_arr[key[ix] & 7].tolist(), t[ix].tolist(), (e[ix] - t[ix]).tolist(),
                    _KIND_ARR[code[ix]].tolist()]

        tmpl = ('{0}{1}{{\n{1}  "number": {2},\n{1}  "wire_type": "{3}",\n{1}  "offset": {4},\n{1}  "length": {5},\n'
                '{1}  "kind": "{6}",\n{1}  ')
        leaf = lay.leaf
        strings = leaf & (code == _STRING)
        values = leaf & ~strings
        if values.any():
            ix = np.flatnonzero(values)
            vals = self.value_obj[ix]
            vals[vals == True] = "true"  # noqa: E712 (bools and the ints 0 / 1 alike: only bool rows hold them)
            vals[vals == False] = "false"  # noqa: E712
            is_bool = code[ix] == _BOOL
            shown = np.where(is_bool, vals, self.value_obj[ix])
            out_arr[pos[ix]] = list(map((tmpl + '"value": {7}\n{1}}}').format, *head(ix), shown.tolist()))
        if strings.any():
            ix = np.flatnonzero(strings)
            base = self.base
            text = self.text
            sl = map(text.__getitem__, map(slice, (v[ix] - base).tolist(), (e[ix] - base).tolist()))
            out_arr[pos[ix]] = list(map((tmpl + '"value": "{7}"\n{1}}}').format, *head(ix), sl))
        msg = lay.msg
        if msg.any():
            ix = np.flatnonzero(msg)
            empty = tree.count[tree.child[ix]] == 0
            opening = '"message": {{\n{1}    "fields": ['
            for sel, tail in ((~empty, opening), (empty, opening + "]")):
                if sel.any():
                    out_arr[pos[ix[sel]]] = list(map((tmpl + tail).format, *head(ix[sel])))
            inner = inner_arr[depth[ix]]
            ind = ind_arr[depth[ix]]
            closing = np.where(empty, "", "\n" + inner + "  ]") + "\n" + inner + "}\n" + ind + "}"
            out_arr[pos[ix] + n[ix] - 1] = closing
        if lay.sp_rows:
            ix = np.asarray(lay.sp_rows, dtype=np.int64)
            out_arr[pos[ix]] = sep[ix] + np.array([b[0] for b in lay.sp_pieces], dtype=object)
        pieces: list[str] = out_arr.tolist()
        return pieces

    def runs(self, level: int) -> dict[int, int]:
        from pelorus.protobuf.render import runs

        if level not in self.run_levels:
            return {}
        return runs(_tree_level(self.tree, level))


def _batches(msg: Message, repeats: dict[int, int], size: int) -> Iterator[tuple[int, int, bool]]:
    """``(first, stop, run)`` top-level field indices of each batch (about ``size`` bytes of fields); a run
    of identical fields, shown once, is a batch of its own (``run`` True) that needs no tree."""
    n = len(msg)
    recs = msg._recs
    starts = sorted(repeats)
    k = 0
    i = 0
    while i < n:
        if k < len(starts) and starts[k] == i:
            yield i, i + repeats[i], True
            i += repeats[i]
            k += 1
            continue
        start = recs[i << 2]
        cut = starts[k] if k < len(starts) else n
        j = i + 1
        while j < cut and recs[(j << 2) + 3] - start < size:
            j += 1
        yield i, j, False
        i = j


def usable(msg: Message, pins: Pins | None) -> bool:
    """Whether the batch renderer takes this level (else the reference path is as fast)."""
    return len(msg) >= max(1, FAST_FROM_FIELDS)


def _run_level(buf: Any, rec: tuple[int, int, int, int], count: int) -> Message:
    """A level of ``count`` copies of the field ``rec``, back to back (what raw_json shows as one run)."""
    t0, key, v, e = rec
    size = e - t0
    if count < 3:
        return Message(buf, t0, e, [t0, key, v, e], None)
    # raw_json finds the run again (one bytes comparison); records in an int64 array, as chunked scans keep them
    step = np.arange(count, dtype=np.int64)[:, None] * size
    cols = (np.array([t0, key, v, e], dtype=np.int64)[None, :] + step * np.array([1, 0, 1, 1]))
    recs = array("q")
    recs.frombytes(cols.tobytes())
    return Message(buf, t0, t0 + count * size, recs, None)


class _Ctx:
    """What every level of one render shares: the buffer, the pins and the output list."""

    def __init__(self, buf: Any, pins: Pins, bt: _Batch, out: list[str]) -> None:
        self.buf = buf
        self.pins = pins
        self.pinned = pins.by_path
        self.bt = bt
        self.out = out


def text_lines(msg: Message, pins: Pins, path: Path, indent: str, emit: Callable[[list[str]], object]) -> None:
    """The raw text lines of ``msg``'s fields (not its damage notes), a batch at a time to ``emit``."""
    from pelorus.protobuf.render import field_lines, runs

    top_runs = runs(msg)
    for lo, hi, run in _batches(msg, top_runs, BATCH_BYTES):
        lines: list[str] = []
        if run:
            t, key, v, e = msg.span_at(lo)
            field_lines(Field(msg.buf, None, lo, t, key, v, e), hi - lo, pins, path, indent, lines, 0)
            emit(lines)
            continue
        bt = _Batch(msg.buf, list(msg._recs[lo << 2: hi << 2]))
        if not pins.by_path:
            lines = bt.text_lines(msg.buf, indent, path, pins)
        else:  # pinned paths: the walk that knows each row's path
            _level_lines(_Ctx(msg.buf, pins, bt, lines), 0, 0, indent, path, {}, 0)
        del bt
        emit(lines)


def _level_lines(ctx: _Ctx, level: int, depth: int, ind: str, pth: Path, repeats: dict[int, int], offset: int
                 ) -> None:
    from pelorus.protobuf.render import MAX_DEPTH, field_lines

    bt = ctx.bt
    codes, values, ts, vs, es, keys, childs = bt.code, bt.value, bt.t, bt.v, bt.e, bt.key, bt.child
    text, base, pinned = bt.text, bt.base, ctx.pinned
    lines = ctx.out
    add = lines.append
    a = bt.first[level]
    z = a + bt.count[level]
    i = a
    while i < z:
        count = repeats.get(i - a + offset, 1) if repeats else 1
        row = i
        i += count
        key = keys[row]
        num = key >> 3
        c = codes[row]
        if count > 1 or c == _OTHER or depth >= MAX_DEPTH or (pinned and (*pth, num) in pinned):
            f = Field(ctx.buf, None, 0, ts[row], key, vs[row], es[row])
            field_lines(f, count, ctx.pins, pth, ind, lines, depth)
            continue
        if c == _MESSAGE:
            t = ts[row]
            add(f"{ind}{num} {{  # message @{t}+{es[row] - t}")
            sub = childs[row]
            _level_lines(ctx, sub, depth + 1, ind + "  ", (*pth, num) if pinned else pth, bt.runs(sub), 0)
            add(f"{ind}}}")
        elif c == _STRING:
            add(f'{ind}{num}: "{text[vs[row] - base:es[row] - base]}"  # string @{ts[row]}')
        else:
            add(f"{ind}{num}: {values[row]}  # {_KIND[c]} @{ts[row]}")


def json_chunks(msg: Message, pins: Pins, path: Path, emit: Callable[[str], object]) -> None:
    """``json.dumps(raw_json(msg), indent=2, ensure_ascii=False)`` of ``msg`` without building the
    dicts: the same characters, a batch at a time to ``emit``."""
    from pelorus.protobuf.render import raw_json, runs

    top_runs = runs(msg)
    emit('{\n  "fields": [')
    first_item = True
    for lo, hi, run in _batches(msg, top_runs, max(1, BATCH_BYTES // 4)):
        out: list[str] = []
        if run:
            item = raw_json(_run_level(msg.buf, msg.span_at(lo), hi - lo), pins, path, 0)["fields"][0]
            body = json.dumps(item, ensure_ascii=False, indent=2)
            emit(("\n" if first_item else ",\n") + "    " + body.replace("\n", "\n    "))
            first_item = False
            continue
        bt = _Batch(msg.buf, list(msg._recs[lo << 2: hi << 2]))
        if not pins.by_path:
            out = bt.json_pieces(msg.buf, path, pins, first_item)
        else:  # pinned paths: the walk that knows each row's path
            _level_items(_Ctx(msg.buf, pins, bt, out), 0, 0, "    ", path, {}, 0, first_item)
        first_item = False
        del bt
        emit("".join(out))
    emit("\n  ]")
    chain = msg.error_chain()
    if chain:
        errs = json.dumps({"errors": [{"offset": e.offset, "reason": e.reason} for e in chain]},
                          ensure_ascii=False, indent=2)
        emit(",\n" + errs[2:-2])
    emit("\n}")


def _level_items(ctx: _Ctx, level: int, depth: int, ind: str, pth: Path, repeats: dict[int, int], offset: int,
                 first: bool) -> None:
    """The items of one level's "fields" list (``ind``: their indent)."""
    from pelorus.protobuf.render import MAX_DEPTH, raw_json

    bt = ctx.bt
    codes, values, ts, vs, es, keys, childs = bt.code, bt.value, bt.t, bt.v, bt.e, bt.key, bt.child
    text, base, pinned, counts = bt.text, bt.base, ctx.pinned, bt.count
    add = ctx.out.append
    a = bt.first[level]
    z = a + counts[level]
    i = a
    inner = ind + "  "
    while i < z:
        count = repeats.get(i - a + offset, 1) if repeats else 1
        row = i
        i += count
        key = keys[row]
        num = key >> 3
        c = codes[row]
        head = "\n" if first else ",\n"
        first = False
        if count > 1 or c == _OTHER or depth >= MAX_DEPTH or (pinned and (*pth, num) in pinned):
            one = _run_level(ctx.buf, (ts[row], key, vs[row], es[row]), count)
            item = raw_json(one, ctx.pins, pth, depth)["fields"][0]
            body = json.dumps(item, ensure_ascii=False, indent=2)
            add(head + ind + body.replace("\n", "\n" + ind))
            continue
        t = ts[row]
        add(f'{head}{ind}{{\n{inner}"number": {num},\n{inner}"wire_type": "{_WIRE[key & 7]}",\n'
            f'{inner}"offset": {t},\n{inner}"length": {es[row] - t},\n{inner}"kind": "{_KIND[c]}",\n')
        if c == _MESSAGE:
            sub = childs[row]
            if counts[sub] == 0:
                add(f'{inner}"message": {{\n{inner}  "fields": []\n{inner}}}\n{ind}}}')
                continue
            add(f'{inner}"message": {{\n{inner}  "fields": [')
            _level_items(ctx, sub, depth + 1, inner + "    ", (*pth, num) if pinned else pth, bt.runs(sub), 0, True)
            add(f"\n{inner}  ]\n{inner}}}\n{ind}}}")
        elif c == _STRING:
            add(f'{inner}"value": "{text[vs[row] - base:es[row] - base]}"\n{ind}}}')
        elif c == _FLOAT or c == _DOUBLE:
            add(f'{inner}"value": {json.dumps(values[row])}\n{ind}}}')
        elif c == _BOOL:
            add(f'{inner}"value": {"true" if values[row] else "false"}\n{ind}}}')
        else:
            add(f'{inner}"value": {values[row]}\n{ind}}}')


__all__ = ["BATCH_BYTES", "json_chunks", "text_lines", "usable"]
