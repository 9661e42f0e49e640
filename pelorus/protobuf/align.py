"""Align two sequences of items (repeated fields, stream records) so an insertion is one addition.

Pairing repeated items by index turns one insertion at the front into a change of every later
item. :func:`align` instead trims the common head and tail (the common case: an edit somewhere in
a long list costs one pass). When both sides keep as many items and most of what is left still
equals its counterpart by index (edits in place), that pairing stands. Otherwise it runs
``difflib.SequenceMatcher`` over a cheap key per item (a hash of the item's bytes) on what is left.
Items both sides hold unchanged but elsewhere are paired up as moves; what is left of a replaced run
is paired by position (a changed item).

Bounds: SequenceMatcher without autojunk is about quadratic in the worst case, so it runs on a
middle of at most :data:`ALIGN_LIMIT` items a side whose duplicate-key work (sum over keys of left
count × right count) stays under :data:`ALIGN_WORK`. A bigger middle is first cut at anchors, as
patience diff does (keys found once on each side, kept in the longest run in the same order on
both, n log n), and each gap between anchors is aligned on its own, or paired by index when it is
still too big; so is a middle with no anchors, or one over :data:`ANCHOR_LIMIT` items. Keys only
steer the alignment: callers still compare the bytes of every pair, so a hash collision can make a
pairing worse, never a difference wrong.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Hashable, Sequence
from difflib import SequenceMatcher
from typing import Final, NamedTuple

__all__ = ["ALIGN_LIMIT", "ALIGN_WORK", "ANCHOR_LIMIT", "IN_PLACE_SHARE", "Step", "align"]

ALIGN_LIMIT: Final = 1000
"""Items per side aligned by SequenceMatcher in one piece (its worst case, edits between every
other item, costs about 0.13 s at this size and grows quadratically)."""
ALIGN_WORK: Final = 300_000
"""Bound on the duplicate-key work (sum of left × right counts per key) for one SequenceMatcher run."""
IN_PLACE_SHARE: Final = 4
"""Equal counts with at most one item in this many differing in place: paired by index (edits in place)."""
ANCHOR_LIMIT: Final = 1_000_000
"""Items per side (after trimming the common head and tail) above which the middle is paired by index."""


class Step(NamedTuple):
    """One pairing: ``left`` and ``right`` indices (None: the item is only on the other side).

    ``moved`` is set on a removed item that reappears unchanged on the right (and on that added
    item): the index of its partner on the other side. Pairs may still differ in bytes (a changed
    item); the caller compares them.
    """

    left: int | None
    right: int | None
    moved: int | None = None


def align(
    n_left: int,
    n_right: int,
    same: Callable[[int, int], bool],
    key_left: Callable[[int], Hashable],
    key_right: Callable[[int], Hashable],
) -> tuple[int, list[Step]]:
    """Align ``n_left`` items with ``n_right`` items.

    ``same(i, j)`` says whether left item ``i`` equals right item ``j`` (used on pairs by index:
    the head, the tail, edits in place); ``key_*`` give each item's alignment key. Returns
    ``(head, steps)``: the first ``head`` items are equal pairs ``(k, k)`` (not listed), then the
    steps in order (left order for left items, right order for right items), then an equal tail,
    also not listed (its pairs are ``(n_left - t + k, n_right - t + k)``). Pairs ``same`` found
    equal in place may be left out of the steps too: every item in no step is paired with an
    equal one, in order.
    """
    head = 0
    while head < n_left and head < n_right and same(head, head):
        head += 1
    tail = 0
    while tail < n_left - head and tail < n_right - head and same(n_left - 1 - tail, n_right - 1 - tail):
        tail += 1
    lo_a, hi_a, lo_b, hi_b = head, n_left - tail, head, n_right - tail
    if lo_a == hi_a or lo_b == hi_b:
        return head, [Step(i, None) for i in range(lo_a, hi_a)] + [Step(None, j) for j in range(lo_b, hi_b)]
    if hi_a - lo_a == hi_b - lo_b:
        # as many items on both sides: when most stand where they stood (edits in place, the
        # common case), pairing by index is the answer and costs one comparison per item
        n = hi_a - lo_a
        budget = n // IN_PLACE_SHARE
        changed: list[Step] = []
        for k in range(n):
            if not same(lo_a + k, lo_b + k):
                changed.append(Step(lo_a + k, lo_b + k))
                if len(changed) > budget:
                    break
        else:
            return head, changed
    if hi_a - lo_a > ANCHOR_LIMIT or hi_b - lo_b > ANCHOR_LIMIT:
        return head, _by_index(lo_a, hi_a, lo_b, hi_b)
    ka = [key_left(i) for i in range(lo_a, hi_a)]
    kb = [key_right(j) for j in range(lo_b, hi_b)]
    return head, _middle(ka, kb, lo_a, lo_b, anchor=True)


def _middle(ka: list[Hashable], kb: list[Hashable], lo_a: int, lo_b: int, anchor: bool) -> list[Step]:
    if not ka or not kb:
        return [Step(lo_a + i, None) for i in range(len(ka))] + [Step(None, lo_b + j) for j in range(len(kb))]
    if len(ka) <= ALIGN_LIMIT and len(kb) <= ALIGN_LIMIT and _duplicate_work(ka, kb) <= ALIGN_WORK:
        return _steps(ka, kb, lo_a, lo_b)
    if not anchor:
        return _by_index(lo_a, lo_a + len(ka), lo_b, lo_b + len(kb))
    anchors = _anchors(ka, kb)
    if not anchors:
        return _by_index(lo_a, lo_a + len(ka), lo_b, lo_b + len(kb))
    out: list[Step] = []
    pi = pj = 0
    for i, j in [*anchors, (len(ka), len(kb))]:
        if i > pi or j > pj:
            out += _middle(ka[pi:i], kb[pj:j], lo_a + pi, lo_b + pj, anchor=False)
        if i < len(ka):
            out.append(Step(lo_a + i, lo_b + j))
        pi, pj = i + 1, j + 1
    return out


def _anchors(ka: list[Hashable], kb: list[Hashable]) -> list[tuple[int, int]]:
    """Patience-diff anchors: keys found exactly once on each side, the longest run of them in the
    same order on both (a longest increasing subsequence, n log n). Long lists with edits spread
    through them get aligned between the anchors, each gap on its own."""
    ca, cb = Counter(ka), Counter(kb)
    where_b = {k: j for j, k in enumerate(kb) if cb[k] == 1}
    pairs = [(i, where_b[k]) for i, k in enumerate(ka) if ca[k] == 1 and k in where_b]
    tails: list[int] = []  # tails[n]: index into pairs of the smallest right end of a run of length n + 1
    ends: list[int] = []  # the right index of each tails[n] (what bisect searches)
    back: list[int] = [-1] * len(pairs)
    for p, (_i, j) in enumerate(pairs):
        n = bisect_left(ends, j)
        if n > 0:
            back[p] = tails[n - 1]
        if n == len(tails):
            tails.append(p)
            ends.append(j)
        else:
            tails[n] = p
            ends[n] = j
    run: list[tuple[int, int]] = []
    p = tails[-1] if tails else -1
    while p >= 0:
        run.append(pairs[p])
        p = back[p]
    return run[::-1]


def _by_index(lo_a: int, hi_a: int, lo_b: int, hi_b: int) -> list[Step]:
    n = min(hi_a - lo_a, hi_b - lo_b)
    out = [Step(lo_a + k, lo_b + k) for k in range(n)]
    out += [Step(i, None) for i in range(lo_a + n, hi_a)]
    out += [Step(None, j) for j in range(lo_b + n, hi_b)]
    return out


def _duplicate_work(ka: Sequence[Hashable], kb: Sequence[Hashable]) -> int:
    ca, cb = Counter(ka), Counter(kb)
    return sum(n * cb[k] for k, n in ca.items() if k in cb)


def _steps(ka: list[Hashable], kb: list[Hashable], lo_a: int, lo_b: int) -> list[Step]:
    ops = SequenceMatcher(None, ka, kb, autojunk=False).get_opcodes()
    # items outside the matched runs whose key appears unmatched on the other side: moves
    spare_b: dict[Hashable, list[int]] = {}
    for tag, _i1, _i2, j1, j2 in ops:
        if tag in ("insert", "replace"):
            for j in range(j1, j2):
                spare_b.setdefault(kb[j], []).append(j)
    moved_a: dict[int, int] = {}
    for tag, i1, i2, _j1, _j2 in ops:
        if tag in ("delete", "replace"):
            for i in range(i1, i2):
                js = spare_b.get(ka[i])
                if js:
                    moved_a[i] = js.pop(0)
    moved_b = {j: i for i, j in moved_a.items()}
    out: list[Step] = []
    for tag, i1, i2, j1, j2 in ops:
        if tag == "equal":
            out.extend(Step(lo_a + i1 + k, lo_b + j1 + k) for k in range(i2 - i1))
            continue
        rest_a = [i for i in range(i1, i2) if i not in moved_a]
        rest_b = [j for j in range(j1, j2) if j not in moved_b]
        pairs = dict(zip(rest_a, rest_b, strict=False))  # what is left of a replaced run: changed, by position
        paired_b = set(pairs.values())
        for i in range(i1, i2):
            if i in moved_a:
                out.append(Step(lo_a + i, None, lo_b + moved_a[i]))
            elif i in pairs:
                out.append(Step(lo_a + i, lo_b + pairs[i]))
            else:
                out.append(Step(lo_a + i, None))
        for j in range(j1, j2):
            if j in moved_b:
                out.append(Step(None, lo_b + j, lo_a + moved_b[j]))
            elif j not in paired_b:
                out.append(Step(None, lo_b + j))
    return out
