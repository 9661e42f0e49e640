"""LineText: a large read-only text as UTF-8 bytes and an index of its line breaks (no Qt).

Why: the editor's Text / JSON panes show messages whose text runs to hundreds of millions of
characters (the JSON of a 10 MB ListPodsResponse is 482 M characters, 15.5 M lines), which a
QPlainTextEdit takes 1-105 s to lay out. :class:`~console.views.large_text_view.LargeTextView` paints
only the lines on screen from this index, so what the view costs is the lines it shows.

How: the text is appended a chunk at a time (the renderer's batches, from a worker thread) into one
``bytearray``; each chunk's line breaks are found with numpy (``flatnonzero(chunk == 10)``) and kept
as one array per chunk (``uint32`` offsets while the text is under 4 GB), so building the index costs
a few array operations per chunk and no Python step per line, and the view can show the first lines
while later chunks are still being rendered. Appending and reading both hold the GIL, so the UI
thread reads a consistent prefix while a worker appends.

Lines are those of ``str.splitlines`` on ``\\n`` only: ``"a\\nb\\n"`` has two lines, ``""`` none.
Searching (:meth:`find`, :meth:`count`) works on the bytes in slices of :data:`SCAN_BYTES`, so a
worker thread running it gives the GIL back to the UI thread between slices (``bytes.find`` holds it
for a whole call).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

__all__ = ["SCAN_BYTES", "RenderStopped", "LineText"]

SCAN_BYTES = 4 << 20
"""Bytes searched per call in :meth:`LineText.find` / :meth:`LineText.count` (about 1-5 ms each)."""
_CHUNK_CHARS = 8 << 20
"""A long ``str`` is encoded and indexed this many characters at a time (bounded extra memory)."""


class RenderStopped(Exception):
    """Raised by :meth:`LineText.append` once :meth:`LineText.cancel` was called (stops a renderer)."""


class LineText:
    """Append-only text with a line index; see the module doc. Reading methods take line numbers
    (0-based) and byte offsets into :attr:`data`."""

    def __init__(self) -> None:
        self.data = bytearray()
        self._parts: list[npt.NDArray[np.uint32] | npt.NDArray[np.int64]] = []
        """Per appended chunk: the absolute offsets of its ``\\n`` bytes."""
        self._firsts: list[int] = []
        """Per part: the offset of its first ``\\n`` (for finding the part of an offset)."""
        self._cum: list[int] = []
        """Per part: the number of ``\\n`` in it and every part before it."""
        self.breaks = 0
        """Line breaks indexed so far."""
        self.max_len = 0
        """The longest line so far, in bytes (= characters for ASCII text)."""
        self._line_start = 0  # where the line being appended began
        self.done = False
        """True once :meth:`finish` ran: every line is indexed."""
        self.cancelled = False

    # -- building ---------------------------------------------------------------------------------

    @classmethod
    def from_text(cls, text: str) -> LineText:
        """The whole of ``text``, indexed (a chunk at a time)."""
        lt = cls()
        lt.append_text(text)
        lt.finish()
        return lt

    def append_text(self, text: str) -> None:
        """Append ``text`` (encoded to UTF-8), :data:`_CHUNK_CHARS` characters at a time."""
        for i in range(0, len(text), _CHUNK_CHARS):
            self.append(text[i : i + _CHUNK_CHARS].encode("utf-8", "surrogatepass"))

    def append(self, chunk: bytes) -> None:
        """Append UTF-8 bytes and index their line breaks. Raises :class:`RenderStopped` after :meth:`cancel`."""
        if self.cancelled:
            raise RenderStopped
        if not chunk:
            return
        base = len(self.data)
        self.data += chunk
        nl = np.flatnonzero(np.frombuffer(chunk, dtype=np.uint8) == 10)
        if not nl.size:
            self.max_len = max(self.max_len, len(self.data) - self._line_start)
            return
        pos = nl.astype(np.uint32) + np.uint32(base) if len(self.data) < (1 << 32) else nl + base
        first = int(pos[0])
        self.max_len = max(self.max_len, first - self._line_start)
        if pos.size > 1:
            self.max_len = max(self.max_len, int(np.diff(pos).max()) - 1)
        self._parts.append(pos)
        self._firsts.append(first)
        self.breaks += int(pos.size)
        self._cum.append(self.breaks)
        self._line_start = int(pos[-1]) + 1

    def finish(self) -> None:
        """Every chunk is in: a last line without a trailing break counts too."""
        self.max_len = max(self.max_len, len(self.data) - self._line_start)
        self.done = True

    def cancel(self) -> None:
        """Make the next :meth:`append` raise :class:`RenderStopped` (a stale or cancelled render)."""
        self.cancelled = True

    # -- reading ----------------------------------------------------------------------------------

    @property
    def line_count(self) -> int:
        """Lines shown: every complete line, and once :attr:`done` a last one without a break."""
        tail = 1 if self.done and len(self.data) > self._line_start else 0
        return self.breaks + tail

    def _break(self, j: int) -> int:
        """The offset of the ``j``-th line break (0-based)."""
        k = bisect.bisect_right(self._cum, j)
        before = self._cum[k - 1] if k else 0
        return int(self._parts[k][j - before])

    def start(self, line: int) -> int:
        """Offset of ``line``'s first byte."""
        return 0 if line <= 0 else self._break(line - 1) + 1

    def end(self, line: int) -> int:
        """Offset just past ``line``'s last byte (its break excluded)."""
        return self._break(line) if line < self.breaks else len(self.data)

    def line_bytes(self, line: int) -> bytes:
        return bytes(self.data[self.start(line) : self.end(line)])

    def line(self, line: int) -> str:
        """The text of ``line`` (0-based), without its break."""
        return self.line_bytes(line).decode("utf-8", "replace")

    def text(self, first: int, last: int) -> str:
        """Lines ``first`` .. ``last`` (inclusive) joined with ``\\n``, as the text has them."""
        if first > last or first >= self.line_count:
            return ""
        last = min(last, self.line_count - 1)
        return self.data[self.start(first) : self.end(last)].decode("utf-8", "replace")

    def span_bytes(self, first: int, last: int) -> int:
        """How many bytes lines ``first`` .. ``last`` hold (what copying them takes)."""
        if first > last or first >= self.line_count:
            return 0
        return self.end(min(last, self.line_count - 1)) - self.start(first)

    def line_of(self, offset: int) -> int:
        """The line holding byte ``offset``."""
        k = bisect.bisect_right(self._firsts, offset) - 1
        if k < 0:
            return 0
        before = self._cum[k - 1] if k else 0
        # breaks before offset: those of the earlier parts, plus this part's breaks below offset
        return before + int(np.searchsorted(self._parts[k], offset, side="left"))

    def column_of(self, offset: int) -> int:
        """Characters between the start of ``offset``'s line and ``offset``."""
        s = self.start(self.line_of(offset))
        return len(bytes(self.data[s:offset]).decode("utf-8", "replace"))

    # -- searching --------------------------------------------------------------------------------

    @staticmethod
    def _needle(needle: str, case: bool) -> bytes:
        raw = needle.encode("utf-8", "surrogatepass")
        return raw if case else raw.lower()

    def _slice(self, lo: int, hi: int, case: bool) -> bytes:
        piece = bytes(self.data[lo:hi])
        return piece if case else piece.lower()

    def search(self, needle: str, start: int, case: bool = False, backwards: bool = False,
               stop: Callable[[], bool] | None = None) -> tuple[int, int, int] | None:
        """One pass over the text for the find bar: ``(offset, matches, number)`` of the first match at
        or after ``start`` (with ``backwards``, the last one starting before it), wrapping round at the
        end, with how many matches there are and which one it is (1-based); ``(-1, 0, 0)`` for none,
        None when ``stop()`` said stop. A needle without ASCII letters (or ``case``) is searched in
        place; otherwise each slice is lowered first. Matches are counted per slice, so a needle that
        overlaps itself ("aa" in "aaa") may count once more at a slice boundary."""
        raw = needle.encode("utf-8", "surrogatepass")
        fold = not case and raw.lower() != raw.upper()
        pat = raw.lower() if fold else raw
        size = len(self.data)
        if not pat or not size:
            return -1, 0, 0
        over = len(pat) - 1
        total, first, last, hit, number = 0, -1, -1, -1, 0
        lo = 0
        while lo < size:
            if stop is not None and stop():
                return None
            hi = min(size, lo + SCAN_BYTES)
            end = min(size, hi + over)  # a match starting before hi may run over it
            piece: bytes | bytearray
            if fold:
                piece, base, a, b = bytes(self.data[lo:end]).lower(), lo, 0, end - lo
            else:
                piece, base, a, b = self.data, 0, lo, end
            n = piece.count(pat, a, b)
            if n:
                if first < 0:
                    first = base + piece.find(pat, a, b)
                if not backwards and hit < 0 and start < hi:
                    at = piece.find(pat, max(a, start - base), b)
                    if at >= 0:
                        hit, number = base + at, total + piece.count(pat, a, at) + 1
                elif backwards and lo < start:
                    at = piece.rfind(pat, a, min(b, start - base + over))
                    if at >= 0:
                        hit, number = base + at, total + piece.count(pat, a, at) + 1
                last = base + piece.rfind(pat, a, b)
            total += n
            lo = hi
        if hit < 0 and total:  # wrap round
            hit, number = (last, total) if backwards else (first, 1)
        return hit, total, number

    def find(self, needle: str, start: int, case: bool = False, backwards: bool = False,
             stop: Callable[[], bool] | None = None) -> int:
        """The offset of the first match at or after ``start`` (the last one starting before ``start``
        with ``backwards``), -1 when there is none; ASCII letters match either case unless ``case``.
        ``stop()`` is asked between slices: True gives up (-1)."""
        pat = self._needle(needle, case)
        size = len(self.data)
        if not pat or size == 0:
            return -1
        over = len(pat) - 1
        if not backwards:
            lo = max(0, start)
            while lo < size:
                if stop is not None and stop():
                    return -1
                hi = min(size, lo + SCAN_BYTES)
                at = self._slice(lo, min(size, hi + over), case).find(pat)
                if at >= 0:
                    return lo + at
                lo = hi
            return -1
        hi = min(size, start)
        while hi > 0:
            if stop is not None and stop():
                return -1
            lo = max(0, hi - SCAN_BYTES)
            at = self._slice(lo, min(size, hi + over), case).rfind(pat, 0, hi - lo + over)  # starts before hi
            if at >= 0:
                return lo + at
            hi = lo
        return -1

    def count(self, needle: str, case: bool = False, end: int | None = None,
              stop: Callable[[], bool] | None = None) -> int:
        """Non-overlapping matches starting before ``end`` (default: all); -1 when ``stop()`` said stop."""
        pat = self._needle(needle, case)
        size = len(self.data) if end is None else min(end, len(self.data))
        if not pat:
            return 0
        total, lo = 0, 0
        over = len(pat) - 1
        while lo < size:
            if stop is not None and stop():
                return -1
            hi = min(size, lo + SCAN_BYTES)
            piece = self._slice(lo, min(len(self.data), hi + over), case)
            nxt = hi  # where the next slice starts: past the last match counted here when it runs over hi
            at = piece.find(pat)
            while 0 <= at < hi - lo:
                total += 1
                nxt = max(hi, lo + at + len(pat))
                at = piece.find(pat, at + len(pat))
            lo = nxt
        return total
