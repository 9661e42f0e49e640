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
and test_fastrender.py compare the two). Top-level fields are taken in batches of about
:data:`BATCH_BYTES`, so the working memory (the batch's tree of every nested level) stays bounded
whatever the size of the message.
"""

from __future__ import annotations

import json
from array import array
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import numpy.typing as npt

from pelorus.protobuf import fastscan
from pelorus.protobuf.schemaless import Field, Message, _tree_level

if TYPE_CHECKING:
    from pelorus.protobuf.readings import Path, Pins

BATCH_BYTES = 1 << 20
"""Top-level fields are rendered in batches of about this many bytes (tests lower it)."""
FAST_FROM_FIELDS = 64
"""Levels with fewer top-level fields than this are rendered by the reference path (no numpy set-up)."""

# row codes
_UINT, _BOOL, _INT64, _FLOAT, _FIXED32, _SFIXED32, _DOUBLE, _FIXED64, _SFIXED64, _STRING, _MESSAGE, _OTHER = range(12)
_KIND: Final = ("uint64", "bool", "int64", "float", "fixed32", "sfixed32", "double", "fixed64", "sfixed64",
                "string", "message", "")
_WIRE: Final = ("varint", "fixed64", "length-delimited", "start group", "end group", "fixed32")

U64 = npt.NDArray[np.uint64]


def _gather_le(u8: npt.NDArray[np.uint8], pos: npt.NDArray[np.int64], width: int) -> U64:
    """Little-endian unsigned values of ``width`` bytes at each ``pos``."""
    out = np.zeros(pos.shape[0], dtype=np.uint64)
    for j in range(width):
        out |= np.take(u8, pos + j).astype(np.uint64) << np.uint64(8 * j)
    return out


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
        value: list[Any] = [None] * n
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
            uvals = u.tolist()
            svals = u.view(np.int64).tolist()
            negl = neg.tolist()
            for k, r in enumerate(ix.tolist()):
                value[r] = svals[k] if negl[k] else (uvals[k] == 1 if uvals[k] <= 1 else uvals[k])
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
            fl, ul, sl, cl = f.tolist(), uu.tolist(), s.tolist(), c.tolist()
            for k, r in enumerate(ix.tolist()):
                cc = cl[k]
                value[r] = fl[k] if cc == fcode else (sl[k] if cc == scode else ul[k])
        # length-delimited
        ix = np.flatnonzero(wt == 2)
        self.text = ""
        if ix.shape[0]:
            b = u8[:size]
            plain = (b >= 0x20) & (b < 0x7F) & (b != 0x22) & (b != 0x5C)
            ctrl = ((b < 0x20) & (b != 9) & (b != 10) & (b != 13)) | (b == 0x7F)
            cs_plain = np.zeros(size + 1, dtype=np.int64)
            np.cumsum(plain, out=cs_plain[1:])
            cs_ctrl = np.zeros(size + 1, dtype=np.int64)
            np.cumsum(ctrl, out=cs_ctrl[1:])
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
        self.code: list[int] = code.tolist()
        self.value = value
        self.t: list[int] = t.tolist()
        self.v: list[int] = v.tolist()
        self.e: list[int] = e.tolist()
        self.key: list[int] = key.tolist()
        self.child: list[int] = tree.child.tolist()
        self.first: list[int] = tree.first.tolist()
        self.count: list[int] = tree.count.tolist()
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

    def runs(self, level: int) -> dict[int, int]:
        from pelorus.protobuf.render import runs

        if level not in self.run_levels:
            return {}
        return runs(_tree_level(self.tree, level))


def _batches(msg: Message, repeats: dict[int, int]) -> Iterator[tuple[int, int, bool]]:
    """``(first, stop, run)`` top-level field indices of each batch (about BATCH_BYTES of fields); a run
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
        while j < cut and recs[(j << 2) + 3] - start < BATCH_BYTES:
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
    for lo, hi, run in _batches(msg, top_runs):
        lines: list[str] = []
        if run:
            t, key, v, e = msg.span_at(lo)
            field_lines(Field(msg.buf, None, lo, t, key, v, e), hi - lo, pins, path, indent, lines, 0)
            emit(lines)
            continue
        ctx = _Ctx(msg.buf, pins, _Batch(msg.buf, list(msg._recs[lo << 2: hi << 2])), lines)
        _level_lines(ctx, 0, 0, indent, path, {}, 0)
        del ctx
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
    for lo, hi, run in _batches(msg, top_runs):
        out: list[str] = []
        if run:
            item = raw_json(_run_level(msg.buf, msg.span_at(lo), hi - lo), pins, path, 0)["fields"][0]
            body = json.dumps(item, ensure_ascii=False, indent=2)
            emit(("\n" if first_item else ",\n") + "    " + body.replace("\n", "\n    "))
            first_item = False
            continue
        ctx = _Ctx(msg.buf, pins, _Batch(msg.buf, list(msg._recs[lo << 2: hi << 2])), out)
        _level_items(ctx, 0, 0, "    ", path, {}, 0, first_item)
        first_item = False
        del ctx
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
