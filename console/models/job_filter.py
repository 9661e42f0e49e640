"""The jobs-table filter language: parse, compile to a row predicate, complete.  No Qt.

Syntax (terms separated by spaces, all terms must match; ``-term`` negates a term)::

    web                       free text: name, owner, id or a label "k=v" contains it (any case)
    "two words"               quoted free text (``\\"`` escapes a quote)
    state:RUNNING             state is RUNNING; a unique prefix and any case work (state:run)
    state:running,failed      a comma means "any of"
    owner:alice   ns:prod     exact (any case); ``namespace:`` is ``ns:``; ns:default matches ""
    label:team=ml  label:gpu  label equals / label present; label:team=ml,team=ops is "any of"
    name:etl   id:3fa2        substring of the name / prefix of the id (any case)
    name~^etl-\\d+$           regular expression (any case); also owner~ ns~ id~
    priority>5  version<=3    numeric comparison (> >= < <= = !=), also instances, running,
                              pending, succeeded, failed; ``priority:5`` is ``priority=5``

Every term compiles twice: to a predicate over one ``job_row`` row (the plain reference, and
what a single changed job is checked with in tests) and to a mask over the table's columns
(``job_columns.JobColumns``: numpy, a keystroke over a million jobs is a few array operations).
Jobs whose text was cut to fit a column (``JobColumns.long_ids``) are checked with the
predicate on their full row.

Errors never escape as exceptions: ``parse`` returns them with their position in the text, so the
filter box can underline the bad part while the table keeps its last good filter.
Unknown ``word:`` qualifiers are errors (typos like ``stat:`` should not silently match nothing);
quote text to search for a literal colon: ``"10:30"``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from difflib import get_close_matches
from typing import Any, Final

import numpy as np
import numpy.typing as npt
from PySide6.QtCore import QCoreApplication

from console.i18n import QT_TRANSLATE_NOOP
from console.models import job_row as R
from console.models import job_wire as W
from console.models.job_columns import JobColumns
from console.models.job_wire import ROW_FIELD

Predicate = Callable[[R.Row], bool]
BoolArray = npt.NDArray[np.bool_]
#: mask(columns, ascending source rows) -> one bool per row
Mask = Callable[[JobColumns, npt.NDArray[np.int64]], BoolArray]
_FIELD_NAME: Final[dict[int, str]] = {v: k for k, v in ROW_FIELD.items()}


@dataclass(frozen=True, slots=True)
class FilterError:
    """A problem in the filter text, ``text[start:end]`` being the offending part."""

    start: int
    end: int
    message: str

    def __str__(self) -> str:
        return QCoreApplication.translate("FilterError", "{0} (at {1})").format(self.message, self.start + 1)


@dataclass(frozen=True, slots=True)
class Term:
    """One parsed term (kept for display, e.g. as removable pills)."""

    start: int
    end: int
    key: str  # "" for free text
    op: str  # ":" "~" ">" ">=" "<" "<=" "=" "!=" ("" for free text)
    value: str
    negated: bool = False


def _always(_row: R.Row) -> bool:
    return True


def _all_rows(_cols: JobColumns, rows: npt.NDArray[np.int64]) -> BoolArray:
    return np.ones(len(rows), bool)


def _find(col: npt.NDArray[np.bytes_], needle: str) -> BoolArray:
    return np.asarray(np.strings.find(col, needle.encode()) >= 0, dtype=bool)


_FIND_MANY: Any = W._c_function("find_many")


def _find_rows(col: npt.NDArray[np.bytes_], needle: str, rows: npt.NDArray[np.int64] | None = None) -> BoolArray:
    """``_find(col[rows], needle)`` (every row when ``rows`` is None) without the copy of the rows,
    in C when built (pelorus/protobuf/_rawwire.c ``find_many``: ~10x quicker than numpy's per-value
    find: a million folded names in ~15 ms)."""
    raw = needle.encode()
    if _FIND_MANY is not None and raw and col.flags.c_contiguous and col.dtype.itemsize:
        if rows is not None and 4 * len(rows) >= len(col):  # most rows: the whole column is quicker
            every = _find_rows(col, needle)
            return every[rows]
        out = np.empty(len(col) if rows is None else len(rows), bool)
        at = None if rows is None else np.ascontiguousarray(rows, np.int64)
        if _FIND_MANY(col, col.dtype.itemsize, raw, at, out):
            return out
    return _find(col if rows is None else col[rows], needle)


@dataclass(frozen=True, slots=True)
class FilterResult:
    """Outcome of ``parse``: a predicate for the valid terms plus the errors of the others."""

    text: str
    terms: tuple[Term, ...] = ()
    errors: tuple[FilterError, ...] = ()
    predicate: Predicate = field(default=_always)
    vector: Mask = field(default=_all_rows)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def matches_all(self) -> bool:
        """True when the filter is empty (lets callers skip the scan)."""
        return not self.terms

    def __call__(self, row: R.Row) -> bool:
        return self.predicate(row)

    def mask(self, cols: JobColumns, rows: npt.NDArray[np.int64]) -> BoolArray:
        """Which of ``rows`` (ascending source rows) match, on the columns."""
        out = np.asarray(self.vector(cols, rows), dtype=bool)
        if cols.long_ids and len(rows):
            for job_id in cols.long_ids:
                r = cols.index.get(job_id)
                if r is None:
                    continue
                at = int(np.searchsorted(rows, r))
                if at < len(rows) and rows[at] == r:
                    out[at] = self.predicate(cols.reference_row(r))
        return out


# ---- tokenising ------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Token:
    start: int
    end: int
    raw: str
    unterminated: bool


def _tokenize(text: str) -> list[_Token]:
    """Split on whitespace outside double quotes; remembers unterminated quotes."""
    tokens: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        start = i
        quoted = False
        while i < n and (quoted or not text[i].isspace()):
            c = text[i]
            if c == "\\" and quoted and i + 1 < n:
                i += 2
                continue
            if c == '"':
                quoted = not quoted
            i += 1
        tokens.append(_Token(start, i, text[start:i], quoted))
    return tokens


def _unquote(raw: str) -> str:
    """Remove double quotes and resolve ``\\"`` / ``\\\\`` inside them."""
    out: list[str] = []
    quoted = False
    i = 0
    while i < len(raw):
        c = raw[i]
        if quoted and c == "\\" and i + 1 < len(raw):
            out.append(raw[i + 1])
            i += 2
            continue
        if c == '"':
            quoted = not quoted
        else:
            out.append(c)
        i += 1
    return "".join(out)


def _split_commas(raw: str, base: int) -> list[tuple[int, int, str]]:
    """Split a raw value on commas outside quotes: (start, end, unquoted item) with text offsets."""
    items: list[tuple[int, int, str]] = []
    quoted = False
    start = 0
    i = 0
    while i <= len(raw):
        if i == len(raw) or (raw[i] == "," and not quoted):
            items.append((base + start, base + i, _unquote(raw[start:i])))
            start = i + 1
        elif raw[i] == "\\" and quoted:
            i += 1
        elif raw[i] == '"':
            quoted = not quoted
        i += 1
    return items


# ---- qualifiers ------------------------------------------------------------------------------

_KEY_RE: Final = re.compile(r"([A-Za-z_]+)(>=|<=|!=|:|~|>|<|=)")
_ALIASES: Final[dict[str, str]] = {"namespace": "ns", "prio": "priority", "label": "label",
                                   "labels": "label", "owner": "owner", "user": "owner"}
_NUMERIC_FIELDS: Final[dict[str, int]] = {
    "priority": R.PRIORITY, "version": R.VERSION, "instances": R.INSTANCES,
    "running": R.POD_RUNNING, "pending": R.POD_PENDING, "succeeded": R.POD_SUCCEEDED,
    "failed": R.POD_FAILED,
}
_TEXT_FIELDS: Final[dict[str, int]] = {"name": R.NAME, "owner": R.OWNER, "ns": R.NAMESPACE, "id": R.ID}
_TEXT_COLUMNS: Final[dict[str, str]] = {"name": "names", "owner": "owners", "ns": "namespaces", "id": "ids"}
#: Qualifier names offered by completion, with what they do.
QUALIFIERS: Final[dict[str, str]] = {
    "state:": QT_TRANSLATE_NOOP("job_filter", "job state (running, failed, …)"),
    "owner:": QT_TRANSLATE_NOOP("job_filter", "owner (exact)"),
    "label:": QT_TRANSLATE_NOOP("job_filter", "label k=v, or k to require the key"),
    "name:": QT_TRANSLATE_NOOP("job_filter", "name contains"),
    "name~": QT_TRANSLATE_NOOP("job_filter", "name matches a regular expression"),
    "ns:": QT_TRANSLATE_NOOP("job_filter", "namespace"),
    "id:": QT_TRANSLATE_NOOP("job_filter", "job id prefix"),
    "priority>": QT_TRANSLATE_NOOP("job_filter", "priority greater than"),
    "priority<": QT_TRANSLATE_NOOP("job_filter", "priority less than"),
}
_ALL_KEYS: Final = sorted({"state", "label", *(_NUMERIC_FIELDS), *(_TEXT_FIELDS), *(_ALIASES)})
_COMPARE: Final[dict[str, Callable[[int, int], bool]]] = {
    ">": lambda a, b: a > b, ">=": lambda a, b: a >= b, "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b, "=": lambda a, b: a == b, "!=": lambda a, b: a != b,
    ":": lambda a, b: a == b,
}


class _TermError(Exception):
    """Internal: aborts one term; converted to a FilterError, never escapes ``parse``."""

    def __init__(self, start: int, end: int, message: str) -> None:
        super().__init__(message)
        self.error = FilterError(start, end, message)


def resolve_state(word: str) -> int | None:
    """State number for a name or unique prefix (any case), None if unknown or ambiguous."""
    up = word.strip().upper().removeprefix("JOB_STATE_")
    if up in R.STATE_BY_NAME:
        return R.STATE_BY_NAME[up]
    hits = [n for n in R.STATE_ORDER if n.startswith(up)] if up else []
    return R.STATE_BY_NAME[hits[0]] if len(hits) == 1 else None


def _state_term(items: list[tuple[int, int, str]]) -> tuple[Predicate, Mask]:
    wanted: set[int] = set()
    for start, end, word in items:
        num = resolve_state(word)
        if num is None:
            up = word.strip().upper()
            hits = [n for n in R.STATE_ORDER if up and n.startswith(up)]
            if hits:
                msg = QCoreApplication.translate("job_filter", "ambiguous state '{0}': {1}").format(
                    word, ", ".join(hits)
                )
            else:
                msg = QCoreApplication.translate("job_filter", "unknown state '{0}' (one of {1}, …)").format(
                    word, ", ".join(R.STATE_ORDER[:7]).lower()
                )
            raise _TermError(start, end, msg)
        wanted.add(num)
    frozen = frozenset(wanted)
    arr = np.fromiter(wanted, np.int64)
    return (lambda r: r[R.STATE] in frozen,
            lambda c, rows: np.isin(c.num("state")[rows], arr))


def _label_term(items: list[tuple[int, int, str]]) -> tuple[Predicate, Mask]:
    pairs: list[tuple[str, str | None]] = []
    for start, end, item in items:
        k, sep, v = item.partition("=")
        if not k:
            raise _TermError(
                start, end, QCoreApplication.translate("job_filter", "label needs a key: label:key=value or label:key")
            )
        pairs.append((k, v if sep else None))

    def pred(r: R.Row) -> bool:
        lab = r[R.MSG].labels
        for k, v in pairs:
            got = lab.get(k)
            if got is not None and (v is None or got == v):
                return True
        return False

    # labels column: b"\x1fk=v\x1fk2=v2\x1f"
    needles = ["\x1f" + k + ("=" if v is None else "=" + v + "\x1f") for k, v in pairs]

    def mask(c: JobColumns, rows: npt.NDArray[np.int64]) -> BoolArray:
        lab = c.derived("labels")
        out = np.zeros(len(rows), bool)
        for needle in needles:
            out |= _find_rows(lab, needle, rows)
        return out

    return pred, mask


def _text_term(key: str, op: str, items: list[tuple[int, int, str]], vstart: int, vend: int,
               raw_value: str) -> tuple[Predicate, Mask]:
    idx = _TEXT_FIELDS[key]
    column = _TEXT_COLUMNS[key]
    if op == "~":
        pattern = _unquote(raw_value)
        try:
            rx = re.compile(pattern, re.IGNORECASE)
        except re.error as exc:
            pos = vstart + (exc.pos or 0) + (1 if raw_value.startswith('"') else 0)
            raise _TermError(
                min(pos, vend),
                vend,
                QCoreApplication.translate("job_filter", "bad regular expression: {0}").format(exc.msg),
            ) from None
        search = rx.search

        def regex_mask(c: JobColumns, rows: npt.NDArray[np.int64]) -> BoolArray:
            # a regular expression has no array form: each value is decoded and searched
            raw = c.strings[column][rows].tolist()
            return np.fromiter((search(v.decode("utf-8", "replace")) is not None for v in raw), bool, len(raw))

        return (lambda r: search(r[idx]) is not None), regex_mask
    values = [v.casefold() for _, _, v in items]
    fold = column + "_fold"
    if key == "name":
        def name_mask(c: JobColumns, rows: npt.NDArray[np.int64]) -> BoolArray:
            col = c.derived(fold)
            out = np.zeros(len(rows), bool)
            for v in values:
                out |= _find_rows(col, v, rows)
            return out

        return (lambda r: any(v in r[idx].casefold() for v in values)), name_mask
    if key == "id":
        def id_mask(c: JobColumns, rows: npt.NDArray[np.int64]) -> BoolArray:
            col = c.derived(fold)[rows]
            out = np.zeros(len(rows), bool)
            for v in values:
                out |= np.asarray(np.strings.startswith(col, v.encode()), dtype=bool)
            return out

        return (lambda r: any(r[idx].casefold().startswith(v) for v in values)), id_mask
    wanted = frozenset(values)
    wanted_arr = np.array([v.encode() for v in wanted])
    if key == "ns":  # an empty namespace is shown and matched as "default"
        default = "default" in wanted

        def ns_mask(c: JobColumns, rows: npt.NDArray[np.int64]) -> BoolArray:
            col = c.derived(fold)[rows]
            out = np.isin(col, wanted_arr)
            return out | (col == b"") if default else out

        return (lambda r: (r[idx].casefold() or "default") in wanted), ns_mask
    return (lambda r: r[idx].casefold() in wanted), lambda c, rows: np.isin(c.derived(fold)[rows], wanted_arr)


def _numeric_term(key: str, op: str, items: list[tuple[int, int, str]]) -> tuple[Predicate, Mask]:
    idx = _NUMERIC_FIELDS[key]
    name = _FIELD_NAME[idx]
    if op == "~":
        raise _TermError(
            items[0][0] - 1,
            items[-1][1],
            QCoreApplication.translate("job_filter", "'{0}' is a number: use > >= < <= = !=").format(key),
        )
    nums: list[int] = []
    for start, end, word in items:
        try:
            nums.append(int(word))
        except ValueError:
            raise _TermError(
                start,
                end,
                QCoreApplication.translate("job_filter", "'{0}' needs a whole number, not '{1}'").format(key, word),
            ) from None
    cmp = _COMPARE[op]

    def mask(c: JobColumns, rows: npt.NDArray[np.int64]) -> BoolArray:
        col = c.num(name)[rows].astype(np.int64)
        out = np.zeros(len(rows), bool)
        for n in nums:
            out |= np.asarray(cmp(col, n), dtype=np.bool_)  # type: ignore[arg-type]
        return out

    if len(nums) == 1:
        n0 = nums[0]
        return (lambda r: cmp(r[idx], n0)), mask
    return (lambda r: any(cmp(r[idx], n) for n in nums)), mask


#: Where free text is looked for, in this order (each later column only for the rows not
#: matched yet; labels, the costliest to decode, last).
FREE_TEXT_COLUMNS: Final = ("names_fold", "owners_fold", "ids_fold", "labels_fold")


def _column(c: JobColumns, name: str, rows: npt.NDArray[np.int64]) -> npt.NDArray[np.bytes_]:
    col = c.derived(name)
    return col if len(rows) == len(col) else col[rows]  # every row (ascending): no copy


def _free_term(value: str) -> tuple[Predicate, Mask]:
    needle = value.casefold()
    hay = R.haystack

    def mask(c: JobColumns, rows: npt.NDArray[np.int64]) -> BoolArray:
        # the reference's haystack joins these texts with "\x1f": a needle without it (always,
        # but for a quoted one) is in the joined text when it is in one of them
        if "\x1f" in needle:
            return np.zeros(len(rows), bool)
        every = len(rows) == c.n  # every row, in order (the proxy's full refilter)
        out = _find_rows(c.derived(FREE_TEXT_COLUMNS[0]), needle, None if every else rows)
        for name in FREE_TEXT_COLUMNS[1:]:
            if every:
                missing = len(out) - int(np.count_nonzero(out))
                if not missing:
                    break
                if 4 * missing >= len(out):
                    # most rows still out: the whole column, OR-ed in (gathering the rows left and
                    # scattering the result back cost more than the search: ~17 of 28 ms at 1M)
                    out |= _find_rows(c.derived(name), needle)
                    continue
            left = np.flatnonzero(~out)
            if not len(left):
                break
            if c.has_derived(name) or 4 * len(left) >= c.n:  # built (or worth building, as derived_at)
                out[left] = _find_rows(c.derived(name), needle, rows[left])
            else:
                out[left] = _find(c.derived_at(name, rows[left]), needle)
        return out

    return (lambda r: "\x1f" not in needle and needle in hay(r)), mask


def _compile_term(tok: _Token) -> tuple[Term, tuple[Predicate, Mask]]:
    raw = tok.raw
    negated = raw.startswith("-") and len(raw) > 1
    body = raw[1:] if negated else raw
    base = tok.start + (1 if negated else 0)
    if tok.unterminated:
        raise _TermError(
            tok.start + raw.index('"'), tok.end, QCoreApplication.translate("job_filter", "unterminated quote")
        )
    m = _KEY_RE.match(body)
    key = m.group(1).lower() if m else ""
    key = _ALIASES.get(key, key)
    known = key == "state" or key == "label" or key in _TEXT_FIELDS or key in _NUMERIC_FIELDS
    if m is None or (not known and m.group(2) == "="):
        value = _unquote(body)
        if not value:
            raise _TermError(tok.start, tok.end, QCoreApplication.translate("job_filter", "empty search text"))
        return Term(tok.start, tok.end, "", "", value, negated), _free_term(value)
    op = m.group(2)
    if not known:
        guess = get_close_matches(key, _ALL_KEYS, n=1)
        hint = QCoreApplication.translate("job_filter", " — did you mean '{0}'?").format(guess[0]) if guess else ""
        raise _TermError(base, base + len(m.group(1)),
                         QCoreApplication.translate("job_filter", "unknown qualifier '{0}'{1} (quote the text to "
                                                                  "search for it)").format(m.group(1), hint))
    vstart = base + m.end()
    raw_value = body[m.end():]
    items = _split_commas(raw_value, vstart)
    if not raw_value or any(not v.strip() for _, _, v in items):
        raise _TermError(
            base, tok.end, QCoreApplication.translate("job_filter", "'{0}{1}' needs a value").format(m.group(1), op)
        )
    if key == "state":
        if op != ":":
            raise _TermError(base, vstart, QCoreApplication.translate("job_filter", "use state:NAME"))
        pred = _state_term(items)
    elif key == "label":
        if op != ":":
            raise _TermError(base, vstart, QCoreApplication.translate("job_filter", "use label:key=value"))
        pred = _label_term(items)
    elif key in _NUMERIC_FIELDS:
        pred = _numeric_term(key, op, items)
    else:
        if op not in (":", "~"):
            raise _TermError(base, vstart, QCoreApplication.translate("job_filter", "'{0}' is text: use {0}:value or "
                                                                                    "{0}~regex").format(key))
        pred = _text_term(key, op, items, vstart, tok.end, raw_value)
    return Term(tok.start, tok.end, key, op, _unquote(raw_value), negated), pred


def _negate(p: Predicate) -> Predicate:
    return lambda r: not p(r)


def _negate_mask(m: Mask) -> Mask:
    return lambda c, rows: ~m(c, rows)


def _all_masks(masks: list[Mask]) -> Mask:
    if not masks:
        return _all_rows
    if len(masks) == 1:
        return masks[0]

    def both(c: JobColumns, rows: npt.NDArray[np.int64]) -> BoolArray:
        out = masks[0](c, rows)
        for m in masks[1:]:
            # later terms only look at the rows still in: a narrow first term makes the rest cheap
            left = np.flatnonzero(out)
            if not len(left):
                break
            out[left] = m(c, rows[left])
        return out

    return both


def _all_of(preds: list[Predicate]) -> Predicate:
    if not preds:
        return _always
    if len(preds) == 1:
        return preds[0]
    if len(preds) == 2:
        a, b = preds
        return lambda r: a(r) and b(r)
    ps = tuple(preds)
    return lambda r: all(p(r) for p in ps)


def narrows(old: FilterResult, new: FilterResult) -> bool:
    """True when every job ``new`` matches is matched by ``old`` too, as one more keystroke in
    a search word makes it ("e" -> "et", "etl" -> "etl owner:bob"): every term of ``old`` is
    in ``new``, or is free text that a free-text term of ``new`` contains (any case).  Then a
    filter need only look at the rows shown already.  False when unsure."""
    if old.errors or new.errors:
        return False

    def same(t: Term) -> tuple[str, str, str, bool]:
        return t.key, t.op, t.value, t.negated

    have = {same(t) for t in new.terms}
    free = [t.value.casefold() for t in new.terms if not t.key and not t.negated]
    for t in old.terms:
        if same(t) in have:
            continue
        if t.key or t.negated:
            return False
        needle = t.value.casefold()
        if not any(needle in f for f in free):
            return False
    return True


def parse(text: str) -> FilterResult:
    """Parse filter text; never raises.  The predicate covers the terms that parsed."""
    terms: list[Term] = []
    preds: list[Predicate] = []
    masks: list[Mask] = []
    errors: list[FilterError] = []
    for tok in _tokenize(text):
        try:
            term, (pred, mask) = _compile_term(tok)
        except _TermError as exc:
            errors.append(exc.error)
            continue
        terms.append(term)
        preds.append(_negate(pred) if term.negated else pred)
        masks.append(_negate_mask(mask) if term.negated else mask)
    return FilterResult(text, tuple(terms), tuple(errors), _all_of(preds), _all_masks(masks))


# ---- completion ------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Completion:
    """Replace ``text[start:end]`` with ``insert``; ``label`` / ``detail`` are for the popup."""

    start: int
    end: int
    insert: str
    label: str
    detail: str = ""


def _quote_if_needed(value: str) -> str:
    if value and not any(c.isspace() or c in ',"' for c in value):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def completions(text: str, cursor: int, known: Mapping[str, Iterable[str]] | None = None,
                limit: int = 50) -> list[Completion]:
    """Suggestions for the word at ``cursor``: qualifier names, then values for the qualifier.

    ``known`` supplies values seen in the data: {"owner": [...], "namespace": [...], "label":
    ["k=v", ...]} (``JobsTableModel.known_values()``); states are always known.
    """
    known = known or {}
    cursor = max(0, min(cursor, len(text)))
    tok_start, tok_end = cursor, cursor
    for tok in _tokenize(text):
        if tok.start <= cursor <= tok.end:
            tok_start, tok_end = tok.start, tok.end
            break
    start = tok_start + (1 if text[tok_start:tok_start + 1] == "-" and cursor > tok_start else 0)
    typed = text[start:cursor]
    m = _KEY_RE.match(typed)
    out: list[Completion] = []
    if m is None:
        low = typed.lower()
        for q, detail in QUALIFIERS.items():
            if q.startswith(low) and q != low:
                out.append(Completion(start, cursor, q, q, detail))
        for state in R.STATE_ORDER[:7]:  # "run" → state:RUNNING is the most common wish
            if low and state.lower().startswith(low):
                out.append(
                    Completion(
                        start, tok_end, f"state:{state}", f"state:{state}", QT_TRANSLATE_NOOP("job_filter", "job state")
                    )
                )
        return out[:limit]
    key = _ALIASES.get(m.group(1).lower(), m.group(1).lower())
    if m.group(2) != ":":
        return []
    value_part = typed[m.end():]
    # Complete only the item after the last comma (outside quotes).
    item_off = _split_commas(value_part, start + m.end())[-1][0]
    item = _unquote(text[item_off:cursor])
    item_end = tok_end
    comma = text.find(",", cursor, tok_end)
    if comma != -1:
        item_end = comma
    candidates: Iterable[str]
    if key == "state":
        candidates = R.STATE_ORDER
        detail = QT_TRANSLATE_NOOP("job_filter", "job state")
    elif key == "owner":
        candidates = known.get("owner", ())
        detail = QT_TRANSLATE_NOOP("job_filter", "owner")
    elif key == "ns":
        candidates = known.get("namespace", ())
        detail = QT_TRANSLATE_NOOP("job_filter", "namespace")
    elif key == "label":
        candidates = known.get("label", ())
        detail = QT_TRANSLATE_NOOP("job_filter", "label")
    else:
        return []
    low = item.casefold()
    for c in candidates:
        if c.casefold().startswith(low) and c != item:
            out.append(Completion(item_off, item_end, _quote_if_needed(c), c, detail))
            if len(out) >= limit:
                break
    return out


# ---- the state chips as part of the text ------------------------------------------------------
# The chips above the table and a typed ``state:`` term are one filter: a chip edits the text's
# first positive ``state:`` term (adding it at the end when there is none, removing it when the
# last chip goes), and the chips show what that term says.


def _state_token(text: str) -> _Token | None:
    """The first term ``state:...`` that is not negated (``-state:`` is left to the text)."""
    for tok in _tokenize(text):
        m = _KEY_RE.match(tok.raw)
        if m is not None and m.group(1).lower() == "state" and m.group(2) == ":":
            return tok
    return None


def states_in(text: str) -> list[str]:
    """The states the text's first ``state:`` term names (full names, lifecycle order; unknown
    or ambiguous words left out): what the chips show as checked."""
    tok = _state_token(text)
    if tok is None:
        return []
    names = set()
    for _s, _e, word in _split_commas(tok.raw[len("state:"):], 0):
        num = resolve_state(word)
        if num is not None:
            names.add(R.state_name(num))
    return [n for n in R.STATE_ORDER if n in names]


def with_states(text: str, states: Iterable[str]) -> str:
    """``text`` with its first ``state:`` term saying ``states`` (removed when there are none)."""
    wanted = [n for n in R.STATE_ORDER if n in {s.upper() for s in states}]
    tok = _state_token(text)
    term = "state:" + ",".join(wanted) if wanted else ""
    if tok is None:
        if not term:
            return text
        return f"{text.rstrip()} {term}" if text.strip() else term
    before, after = text[:tok.start], text[tok.end:]
    if term:
        return before + term + after
    return f"{before.rstrip()} {after.lstrip()}".strip()  # the term goes, with the space before it
