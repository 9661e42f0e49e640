"""Vectorised full recursive decode: every nested level of a message found in a few numpy passes.

Why: the lazy tree decodes one level at a time with a tight Python loop, which is right for
browsing but makes "decode everything" (search, export, the full-decode benchmark) cost one
Python-level trial parse per length-delimited field — ~4 µs a field, 2 MB/s. Here all the
length-delimited payloads of one nesting depth are walked *in lockstep*: one numpy step advances
every still-open candidate span by one field (tag varint, wire type, length/value), so the Python
overhead is paid per step and per depth, not per field.

Exactness: a span is "a message" under exactly the rule of :meth:`Message.child` (the reference
``schemaless._scan`` with ``group=0`` returns no error). The vectorised step handles only the
common encodings (tags and length prefixes up to 5 bytes, wire types 0/1/2/5, one level of group,
and the failures around them); anything else — a group inside a group, a 6..10-byte tag or length
prefix — hands the rest of that span to the reference scanner from the field where it stopped, and
so does a step once fewer than ``_SCALAR_BELOW`` spans are still open (a long repeated field
finishes at the reference scanner's speed instead of costing one numpy step per field). Varint
lengths come from one position-indexed pass (:func:`varint_lengths`, a byte per byte of input).
Tests (tests/protobuf/test_fastscan.py) compare the result with the reference over
hypothesis-generated, corrupted and truncated messages.

Cost: ~28 bytes per field (int32 positions, an int64 key, an int32 child link) in columns filled in
place depth by depth; on the 10 MB ListPodsResponse of bench/proto_raw_decode.py (1.8M fields, 414k
levels) 0.3–0.5 s on this shared 2-core machine (20–35 MB/s, about the same per MB as on 1 MB once
warm), against ~4.5 s for the reference walk. The time is numpy work per field (the gathers of
tag/length bytes, the scatter of rows into place), not Python per step.

Long single levels (millions of small fields in one span) are the other shape: :func:`dense_fields`
walks one speculative chain per 1 KiB window in lockstep and joins them exactly (see there);
:func:`pelorus.protobuf.schemaless._scan_chunked` uses it for chunks of small fields — the
10M-field level of bench/proto_edit_save.py in ~2 s instead of ~5–9 s.

The result is a :class:`Tree`: one table of every field of every decoded level (offsets exactly as
the reference records them) plus, per field, the level its payload decodes to. Message objects for
nested levels are built from it only when someone asks (``Message.child``), so a full decode of a
10 MB message creates no per-level Python objects.
"""

from __future__ import annotations

from array import array
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import numpy.typing as npt

from pelorus.protobuf.refscan import NOT_MESSAGE, REFERENCE, scan_fields

if TYPE_CHECKING:
    from collections.abc import Sequence

    from pelorus.protobuf.wire import Buffer

I64 = npt.NDArray[np.int64]
Arr = npt.NDArray[np.signedinteger[Any]]  # positions: int32 or int64
Mask = npt.NDArray[np.bool_]


_SCALAR_BELOW: Final = 24
_PAD: Final = 16
_ROWS_GUESS = 4
"""The tree's columns start with room for one row per this many bytes (0: the root only, so tests
exercise the growth); a 10 MB ListPodsResponse has one row per ~5.5 bytes."""
_TOO_LONG: Final = 11  # vlen value: not terminated within 10 bytes (or before the end of the data)


class Tree:
    """Every field of every decoded level below (and including) a root level.

    Columns ``t, key, v, e`` hold ``(tag_offset, key, value_offset, end)`` for every row, relative
    to ``base``; level ``L`` owns rows ``first[L] : first[L] + count[L]`` and the buffer span
    ``start[L] : stop[L]`` (absolute). ``child[row]`` is the level decoded from that row's
    payload, :data:`NOT_MESSAGE`, or :data:`REFERENCE` for groups. Level 0 is the root.
    """

    __slots__ = ("buf", "base", "t", "key", "v", "e", "child", "first", "count", "start", "stop", "extra")

    def __init__(self, buf: Buffer, base: int, cols: tuple[Arr, Arr, Arr, Arr], child: npt.NDArray[np.int32],
                 first: I64, count: I64, start: I64, stop: I64) -> None:
        self.buf = buf
        self.base = base
        self.t, self.key, self.v, self.e = cols
        self.child = child
        self.first = first
        self.count = count
        self.start = start
        self.stop = stop
        self.extra: dict[int, Any] = {}
        """Group levels found by the reference path (schemaless.Message | None, kept by schemaless;
        typed Any so this module need not import schemaless, which imports it)."""

    def __len__(self) -> int:
        """Number of fields in all levels."""
        return int(self.t.shape[0])

    @property
    def levels(self) -> int:
        return int(self.first.shape[0])

    def row(self, row: int) -> tuple[int, int, int, int]:
        """``(tag_offset, key, value_offset, end)`` of one row, absolute."""
        b = self.base
        return int(self.t[row]) + b, int(self.key[row]), int(self.v[row]) + b, int(self.e[row]) + b

    def level_recs(self, level: int) -> list[int]:
        """The flat quadruple list the reference scan would produce for ``level``."""
        a = int(self.first[level])
        z = a + int(self.count[level])
        b = self.base
        cols = (self.t[a:z].astype(np.int64) + b, self.key[a:z], self.v[a:z].astype(np.int64) + b,
                self.e[a:z].astype(np.int64) + b)
        rows: list[int] = np.stack(cols, axis=1).ravel().tolist()
        return rows


def varint_lengths(u8: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    """For every position, the byte length of a varint starting there (1..10), or 11 when it is not
    terminated within 10 bytes or before the end; ``_PAD`` extra entries of 11 past the end.

    Ten shifted ANDs over a bool array: cheaper than a reversed minimum.accumulate over int32.
    """
    n = u8.shape[0]
    out = np.ones(n + _PAD, dtype=np.uint8)
    out[n:] = _TOO_LONG
    cont = u8 >= 0x80
    run = cont.copy()
    view = out[:n]
    for k in range(1, 11):
        view += run
        if k == 10 or not run.any():
            break
        if k < n:  # positions whose varint would run past the end stay "continuing" (→ 11)
            run[: n - k] &= cont[k:]
    return out


def interleave(u8p: npt.NDArray[np.uint8], vlen: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint16]:
    """Byte (low) and varint length at that byte (high) in one uint16 per position."""
    n = min(u8p.shape[0], vlen.shape[0])
    both = np.full(u8p.shape[0], _TOO_LONG << 8, dtype=np.uint16)
    both[:n] = vlen[:n]
    both[:n] <<= 8
    both |= u8p
    return both


def _tail_value(u8p: npt.NDArray[np.uint8], p: I64, width: npt.NDArray[np.uint8]) -> I64:
    """Values of varints of 2..5 bytes at ``p`` (``width`` bytes each)."""
    val = (np.take(u8p, p) & 0x7F).astype(np.int64)
    for j in range(1, 5):
        bj = (np.take(u8p, p + j) & 0x7F).astype(np.int64) << (7 * j)
        val += np.where(width > j, bj, 0)
    return val


def _step(u8p: npt.NDArray[np.uint8], both: npt.NDArray[np.uint16], cur: Arr, end: Arr,
          clip: int) -> tuple[npt.NDArray[np.uint8], I64, Arr, Arr, Mask, Mask]:
    """Parse one field at every ``cur``: ``(first_byte, key, value_offset, field_end, fail, special)``.

    ``fail`` = the span is not a message; ``special`` = an encoding this step leaves to the
    reference scanner (tags or length prefixes of 6..10 bytes). Groups are the caller's. ``both`` is
    :func:`interleave` of the bytes and their varint lengths.
    """
    # one gather per position from the interleaved (byte, varint length) pairs: half the cache misses of
    # two gathers over a buffer larger than the cache (np.take: fast with int32 indices too)
    g = np.take(both, cur)
    b0 = g.astype(np.uint8)
    tl = (g >> 8).astype(np.uint8)
    p = cur + tl
    key = b0.astype(np.int64)
    wt = b0 & 7
    fail = (b0 < 8) | (wt >= 6) | (tl > 10)  # field number 0 in a 1-byte tag; no wire type 6 or 7
    multi = tl > 1
    if multi.any():
        special = (tl > 5) & ~fail
        ix = np.flatnonzero(multi & (tl <= 5))
        if ix.shape[0]:
            kv = _tail_value(u8p, cur[ix], tl[ix])
            key[ix] = kv
            fail[ix] |= kv > 0xFFFFFFFF
    else:
        special = np.zeros(cur.shape[0], dtype=np.bool_)
    g = np.take(both, p)
    b1 = g.astype(np.uint8)
    l1 = (g >> 8).astype(np.uint8)
    is2 = (wt == 2).view(np.uint8)
    a2 = l1 * is2  # length-prefix width (LEN fields only)
    a0 = l1 * (wt == 0).view(np.uint8)  # varint value width (VARINT fields only)
    fixed = ((wt == 1).view(np.uint8) << 3) | ((wt == 5).view(np.uint8) << 2)
    v = p + a2
    new = v + (a0 + fixed + b1 * is2)
    fail |= (a2 | a0) > 10
    long_len = (a2 > 1) & ~fail
    if long_len.any():
        ix = np.flatnonzero(long_len)
        w = l1[ix]
        special[ix] |= w > 5
        new[ix] = v[ix] + np.minimum(_tail_value(u8p, p[ix], w), clip)  # < 2**31: clip < 2**30
    fail |= new > end
    special &= ~fail
    return b0, key, v, new, fail, special


def build(buf: Buffer, start: int, end: int, recs: Sequence[int]) -> Tree:
    """Decode every level below the level ``buf[start:end]`` whose own fields (the flat ``recs``
    quadruples) are already scanned."""
    base, size = start, end - start
    # positions as int32 below 1 GiB (half the memory traffic; sums stay below 2**31 since lengths are
    # clipped to the size), int64 above
    pos_t: type[np.signedinteger[Any]] = np.int32 if size < (1 << 30) else np.int64
    u8p = np.zeros(size + _PAD, dtype=np.uint8)
    if size:
        u8p[:size] = np.frombuffer(buf, dtype=np.uint8, count=size, offset=base)
    vlen = interleave(u8p, varint_lengths(u8p[:size]))
    root = np.frombuffer(array("q", recs), dtype=np.int64).reshape(-1, 4).copy()
    if base:
        root[:, [0, 2, 3]] -= base
    rows = _Rows(pos_t, root.shape[0] + 1 + (1024 + size // _ROWS_GUESS if _ROWS_GUESS else 0))
    n0 = rows.reserve(root.shape[0])
    rows.t[:n0], rows.key[:n0], rows.v[:n0], rows.e[:n0] = root[:, 0], root[:, 1], root[:, 2], root[:, 3]
    rows.child[:n0] = NOT_MESSAGE
    rows.n = n0
    firsts: list[I64] = [np.zeros(1, dtype=np.int64)]
    counts: list[I64] = [np.array([root.shape[0]], dtype=np.int64)]
    starts: list[I64] = [np.array([start], dtype=np.int64)]
    stops: list[I64] = [np.array([end], dtype=np.int64)]
    nlevels = 1
    lo, hi = 0, n0  # rows of the current depth
    while True:
        wts = rows.key[lo:hi] & 7
        groups = np.flatnonzero(wts == 3)
        if groups.shape[0]:
            rows.child[lo + groups] = REFERENCE
        cand = np.flatnonzero(wts == 2)
        if cand.shape[0] == 0:
            break
        sv, se = rows.v[lo + cand], rows.e[lo + cand]
        nxt = rows.n
        ok, cnt = _walk(buf, base, u8p, vlen, sv, se, size + _PAD, rows)
        okix = np.flatnonzero(ok)
        if okix.shape[0] == 0:
            break
        rows.child[lo + cand[okix]] = (nlevels + np.arange(okix.shape[0])).astype(np.int32)
        c = cnt[okix]
        firsts.append(nxt + np.cumsum(c) - c)
        counts.append(c)
        starts.append(sv[okix].astype(np.int64) + base)
        stops.append(se[okix].astype(np.int64) + base)
        nlevels += okix.shape[0]
        lo, hi = nxt, rows.n
        rows.child[lo:hi] = NOT_MESSAGE
    n = rows.n
    return Tree(buf, base, (rows.t[:n], rows.key[:n], rows.v[:n], rows.e[:n]), rows.child[:n],
                np.concatenate(firsts), np.concatenate(counts), np.concatenate(starts), np.concatenate(stops))


class _Rows:
    """The tree's columns, filled depth after depth in place (no concatenation of per-depth parts at
    the end: that copy was ~10% of a full decode). Capacity doubles when a depth needs more."""

    def __init__(self, pos_t: type[np.signedinteger[Any]], cap: int) -> None:
        self.n = 0
        self.t: Arr = np.empty(cap, dtype=pos_t)
        self.key: I64 = np.empty(cap, dtype=np.int64)
        self.v: Arr = np.empty(cap, dtype=pos_t)
        self.e: Arr = np.empty(cap, dtype=pos_t)
        self.child: npt.NDArray[np.int32] = np.empty(cap, dtype=np.int32)

    def reserve(self, extra: int) -> int:
        """Room for ``extra`` more rows after ``n`` (plus one spare slot); returns ``n + extra``."""
        need = self.n + extra + 1
        if need > self.t.shape[0]:
            cap = max(need, 2 * self.t.shape[0])
            for name in ("t", "key", "v", "e", "child"):
                old = getattr(self, name)
                new = np.empty(cap, dtype=old.dtype)
                new[: self.n] = old[: self.n]
                setattr(self, name, new)
        return self.n + extra


def _walk(buf: Buffer, base: int, u8p: npt.NDArray[np.uint8], vlen: npt.NDArray[np.uint16], sv: Arr, se: Arr,
          clip: int, rows: _Rows) -> tuple[Mask, I64]:
    """Walk every span ``[sv[i], se[i])`` field by field.

    Returns ``(ok, count)``: ``ok[i]`` = span i parsed cleanly, ``count[i]`` its number of fields;
    the fields of the ok spans are appended to ``rows``, span after span in offset order.
    """
    pos_t = sv.dtype
    nspan = sv.shape[0]
    ok = np.zeros(nspan, dtype=np.bool_)
    total = np.zeros(nspan, dtype=np.int64)
    # chunks of rows: (span, rank within span, recorded?, t, key, v, e)
    ch_s: list[Arr] = []
    ch_r: list[Arr] = []
    ch_m: list[Mask] = []
    ch_t: list[Arr] = []
    ch_k: list[I64] = []
    ch_v: list[Arr] = []
    ch_e: list[Arr] = []
    live = np.flatnonzero(se > sv)  # an empty payload is not a message (Message.child's rule)
    sid = live.astype(pos_t)
    cur = sv[live]
    end = se[live]
    rank = np.zeros(sid.shape[0], dtype=pos_t)
    # one level of group per span is walked here (its own fields are skipped, not recorded: its level
    # is the reference path's); a group inside a group hands the span to the reference scanner.
    # Group state is kept per span and touched only for the rows that open, close or sit in a group.
    gopen = np.zeros(nspan, dtype=np.bool_)
    g_num = np.zeros(nspan, dtype=np.int64)
    g_t = np.zeros(nspan, dtype=pos_t)
    g_key = np.zeros(nspan, dtype=np.int64)
    g_v = np.zeros(nspan, dtype=pos_t)
    tails: list[tuple[int, int, int, int]] = []
    grouped = False
    while sid.shape[0]:
        if sid.shape[0] < _SCALAR_BELOW:
            restart = np.where(gopen[sid], g_t[sid], cur)
            tails.extend(zip(sid.tolist(), restart.tolist(), end.tolist(), rank.tolist(), strict=False))
            break
        b0, key, v, new, fail, special = _step(u8p, vlen, cur, end, clip)
        sel = ((b0 & 7) - np.uint8(3)) < 2  # wire type 3 or 4
        if grouped:
            sel |= np.take(gopen, sid)
        t = cur
        rec: Mask | None = None
        if sel.any():
            grouped = True
            ix = np.flatnonzero(sel)
            s = sid[ix]
            ing = gopen[s]
            wt = b0[ix] & 7
            num = key[ix] >> 3
            op = wt == 3
            cl = wt == 4
            f = fail[ix]
            sp = special[ix] | (op & ing & ~f)
            f |= cl & (~ing | (num != g_num[s]))
            f &= ~sp
            gd = ~(f | sp)
            shut = gd & cl
            opened = gd & op
            rec = ~(fail | special)
            rec[ix] = shut
            if shut.any():
                js, ss = ix[shut], s[shut]
                t = cur.copy()
                key = key.copy()
                v = v.copy()
                t[js] = g_t[ss]
                key[js] = g_key[ss]
                v[js] = g_v[ss]
                gopen[ss] = False
            if opened.any():
                jo, so = ix[opened], s[opened]
                gopen[so] = True
                g_num[so] = num[opened]
                g_t[so] = cur[jo]
                g_key[so] = key[jo]
                g_v[so] = new[jo]
            f |= gd & (new[ix] == end[ix]) & gopen[s]  # group not closed before the end
            fail[ix] = f
            special[ix] = sp
        good = ~(fail | special)
        if rec is None:
            rec = good
        ch_s.append(sid)
        ch_r.append(rank)
        ch_m.append(rec)
        ch_t.append(t)
        ch_k.append(key)
        ch_v.append(v)
        ch_e.append(new)
        rank = rank + rec
        if special.any():
            ix = np.flatnonzero(special)
            si = sid[ix]
            restart = np.where(gopen[si], g_t[si], cur[ix])
            tails.extend(zip(si.tolist(), restart.tolist(), end[ix].tolist(), rank[ix].tolist(), strict=False))
        done = good & (new == end)
        if done.any():
            ok[sid[done]] = True
            total[sid[done]] = rank[done]
        go = good & (new < end)
        if not go.all():
            gi = np.flatnonzero(go)  # one index array, four takes: cheaper than four boolean masks
            sid, end, rank, new = np.take(sid, gi), np.take(end, gi), np.take(rank, gi), np.take(new, gi)
        cur = new
    for span, c, e, r0 in tails:
        recs, stop, _after, _et = scan_fields(buf, c + base, e + base, 0, 0)
        if stop is not None:
            continue
        ok[span] = True
        nrec = len(recs) >> 2
        total[span] = r0 + nrec
        if nrec:
            a = np.frombuffer(array("q", recs), dtype=np.int64).reshape(-1, 4)
            ch_s.append(np.full(nrec, span, dtype=pos_t))
            ch_r.append((r0 + np.arange(nrec)).astype(pos_t))
            ch_m.append(np.ones(nrec, dtype=np.bool_))
            ch_t.append((a[:, 0] - base).astype(pos_t))
            ch_k.append(a[:, 1])
            ch_v.append((a[:, 2] - base).astype(pos_t))
            ch_e.append((a[:, 3] - base).astype(pos_t))
    cnt: I64 = np.where(ok, total, 0)
    nrows = int(cnt.sum())
    first = np.cumsum(cnt) - cnt
    if not ch_s:
        return ok, cnt
    # scatter chunk by chunk straight into the tree's columns: rows of failed spans and unrecorded rows
    # all land in the spare slot after the new rows
    n0 = rows.n
    spare = rows.reserve(nrows)
    first += n0
    o_t, o_k, o_v, o_e = rows.t, rows.key, rows.v, rows.e
    for cs, cr, cm, ct, ck, cv, ce in zip(ch_s, ch_r, ch_m, ch_t, ch_k, ch_v, ch_e, strict=False):
        dest = np.where(cm & np.take(ok, cs), np.take(first, cs) + cr, spare)
        o_t[dest] = ct
        o_k[dest] = ck
        o_v[dest] = cv
        o_e[dest] = ce
    rows.n = spare
    return ok, cnt


DENSE_WINDOW = 1024
"""Bytes per speculative chain in :func:`dense_fields` (tests lower it to force many windows)."""


def dense_fields(buf: Buffer, pos: int, end: int, stop: int) -> tuple[I64, int, bool, int]:
    """The fields of one level from ``pos`` (a true field start) for field starts before ``stop``.

    Why: a level with millions of small fields (a long repeated field) costs the reference scanner
    ~1 µs a field in Python. Here ``[pos, stop)`` is cut into windows of :data:`DENSE_WINDOW` bytes
    and one chain per window is walked field by field *in lockstep* (the same numpy step as the full
    decode): window 0 from ``pos``, every other window speculatively from its first byte. Then the
    true chain is followed window by window: it enters window k at the first field start at or
    after the window's start (the exit of window k-1); if the speculative chain of window k passed
    through that position, the two coincide from there on (a field's end depends only on where it
    starts), so its fields from there are the true ones. Where the speculation missed (the guess
    never synchronised) or the chain met a field the step does not take, the reference scanner
    takes the rest of that window from the exact position: the result is exact either way.

    Returns ``(recs, after, plain, ref_bytes)``: ``recs`` an ``(n, 4)`` int64 array of
    ``(tag_offset, key, value_offset, end)`` exactly as the reference records them, ``after`` the
    start of the next field not returned (the first at or after ``stop``, or the end); ``plain``
    False when the level is damaged at ``after``: the caller rescans that one field with the
    reference scanner, which words the error. ``ref_bytes``: how much of the range the reference
    scanner had to take (windows whose guess never synchronised, groups, long tags) — the caller
    stops using this path when that is most of it.
    """
    size = stop - pos
    hi = min(len(buf), stop + 32)
    u8p = np.zeros(size + 32 + _PAD, dtype=np.uint8)
    u8p[: hi - pos] = np.frombuffer(buf, dtype=np.uint8, count=hi - pos, offset=pos)
    vlen = interleave(u8p, varint_lengths(u8p[: hi - pos]))
    lim = end - pos  # field ends may pass stop (the next window or call starts there) but not end
    clip = lim + 1
    wstart = np.arange(0, size, DENSE_WINDOW, dtype=np.int64)
    nwin = wstart.shape[0]
    # a chain that meets a field it cannot take restarts at the next byte as a new sub-chain (ids from 1)
    sub_at = np.zeros(size + 1, dtype=np.int32)  # sub-chain that took a field starting here (0: none)
    sid = np.arange(1, nwin + 1, dtype=np.int32)
    cur = wstart
    cend = np.minimum(wstart + DENSE_WINDOW, size)
    endv = np.full(nwin, lim, dtype=np.int64)
    nsub = nwin
    ch: list[tuple[npt.NDArray[np.int32], I64, I64, I64, I64]] = []
    ends: list[tuple[npt.NDArray[np.int32], I64]] = []  # (sub, exit) of chains that left their window
    halts: list[tuple[npt.NDArray[np.int32], I64]] = []
    while sid.shape[0]:
        b0, key, v, new, fail, special = _step(u8p, vlen, cur, endv, clip)
        wt = b0 & 7
        bad = fail | special | (wt == 3) | (wt == 4)
        good = ~bad
        gi = np.flatnonzero(good)
        gs, gc, gn = sid[gi], cur[gi], new[gi]
        sub_at[gc] = gs
        ch.append((gs, gc, key[gi], v[gi], gn))
        left = gn >= cend[gi]
        if left.any():
            ends.append((gs[left], gn[left]))
        nxt_sid, nxt_cur = gs[~left], gn[~left]
        keep_end = cend[gi][~left]
        if gi.shape[0] < sid.shape[0]:
            bi = np.flatnonzero(bad)
            bc = cur[bi]
            halts.append((sid[bi], bc))
            rs = bc + 1
            again = rs < cend[bi]
            rn = int(np.count_nonzero(again))
            nxt_sid = np.concatenate((nxt_sid, np.arange(nsub + 1, nsub + 1 + rn, dtype=np.int32)))
            nxt_cur = np.concatenate((nxt_cur, rs[again]))
            keep_end = np.concatenate((keep_end, cend[bi][again]))
            nsub += rn
        sid, cur, cend = nxt_sid, nxt_cur, keep_end
        endv = endv[: sid.shape[0]]
    sub_exit = np.full(nsub + 1, -1, dtype=np.int64)
    for s_, e_ in ends:
        sub_exit[s_] = e_
    sub_halt = np.full(nsub + 1, -1, dtype=np.int64)
    for s_, h_ in halts:
        sub_halt[s_] = h_
    # follow the true chain from sub-chain to sub-chain: the sub-chain continuing at each exit is
    # looked up in bulk, so the loop below touches Python lists only (one step per window). Where no
    # chain took the true entry (a guess that never synchronised) or the chain halted, the reference
    # scanner takes the rest of that window (exact, and it words any error).
    nxs = np.take(sub_at, np.minimum(np.maximum(sub_exit, 0), size)).tolist()
    ex_l, ha_l = sub_exit.tolist(), sub_halt.tolist()
    taken: list[int] = []
    froms: list[int] = []
    extra: list[int] = []  # flat records found by the reference scanner
    ref_bytes = 0
    entry = 0
    plain = True
    j = int(sub_at[0]) if size else 0
    while entry < size:
        if j:
            taken.append(j)
            froms.append(entry)
            x = ex_l[j]
            if x >= 0:
                entry = x
                j = nxs[j] if entry < size else 0
                continue
            entry = ha_l[j]  # the sub-chain halted inside its window: so does the true chain
        wend = min((entry // DENSE_WINDOW + 1) * DENSE_WINDOW, size)
        recs, halted, aft, _et = scan_fields(buf, entry + pos, end, 0, 0, wend + pos)
        if halted is not None:  # damage: keep the fields before it, the caller rescans that one field
            while recs and recs[-4] >= aft:
                del recs[-4:]
            extra += recs
            entry, plain = aft - pos, False
            break
        extra += recs
        ref_bytes += aft - pos - entry
        entry = aft - pos
        j = int(sub_at[entry]) if entry < size else 0
    after = entry
    acc_from = np.full(nsub + 1, -1, dtype=np.int64)
    acc_from[taken] = froms
    ref_rows = np.array(extra, dtype=np.int64).reshape(-1, 4)
    if ch:
        ws = np.concatenate([c[0] for c in ch])
        ts = np.concatenate([c[1] for c in ch])
        start_at = np.take(acc_from, ws)
        order = np.flatnonzero((start_at >= 0) & (ts >= start_at))
        rows = np.empty((order.shape[0] + ref_rows.shape[0], 4), dtype=np.int64)
        m = order.shape[0]
        rows[:m, 0] = ts[order] + pos
        rows[:m, 1] = np.concatenate([c[2] for c in ch])[order]
        rows[:m, 2] = np.concatenate([c[3] for c in ch])[order] + pos
        rows[:m, 3] = np.concatenate([c[4] for c in ch])[order] + pos
        rows[m:] = ref_rows
    else:
        rows = ref_rows
    if rows.shape[0]:
        rows = rows[np.argsort(rows[:, 0], kind="stable")]  # chain order (a position is taken at most once)
    return rows, after + pos, plain, ref_bytes
