"""Sort keys of the jobs table's columns as arrays, read from ``JobColumns`` (numpy).

Apart from jobs_table so that the table model (made before the first paint) does not import
numpy; the proxy, which sorts, does.  Keys order rows exactly as ``jobs_table.SORT_KEYS`` orders
the plain rows: bytes for text (UTF-8 order is code point order), float64 for the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

import numpy as np

from console.models import job_row as R
from console.models.job_columns import JobColumns
from console.models.jobs_table import Column

_NUM_COLUMN: Final[dict[Column, str]] = {
    Column.PRIORITY: "priority", Column.RUNNING: "pod_running", Column.PENDING: "pod_pending",
    Column.SUCCEEDED: "pod_succeeded", Column.FAILED: "pod_failed", Column.CREATED: "created",
    Column.UPDATED: "updated", Column.VERSION: "version",
}


def _mapped(codes: np.ndarray, key: Callable[[int], Any], dtype: Any) -> np.ndarray:
    """``key`` of every code (called once per distinct code), as an array of ``dtype``."""
    uniq, inv = np.unique(codes, return_inverse=True)
    if not len(uniq):
        return np.zeros(0, dtype)
    return np.array([key(int(u)) for u in uniq], dtype=dtype)[inv.reshape(-1)]


def _full_text(cols: JobColumns, rows: np.ndarray, keys: np.ndarray, full: Callable[[R.Row], str]) -> np.ndarray:
    """Text keys; where a value was cut to fit its column (rare: over 256 bytes), the keys
    become Python bytes objects with the full value there, so the order stays exact."""
    if not cols.long_ids or not len(rows):
        return keys
    at = []
    for job_id in cols.long_ids:
        r = cols.index.get(job_id)
        if r is not None:
            i = int(np.searchsorted(rows, r))
            if i < len(rows) and rows[i] == r:
                at.append((i, r))
    if not at:
        return keys
    out = keys.astype(object)
    for i, r in at:
        out[i] = full(cols.reference_row(r)).encode()
    return out


def column_keys(cols: JobColumns, col: int, rows: np.ndarray) -> np.ndarray:
    """Sort keys of ``rows`` for a column, as an array ordered exactly as ``SORT_KEYS`` orders
    the rows (bytes for text, float64 for the rest)."""
    if col == Column.NAME:
        return _full_text(cols, rows, np.asarray(cols.derived("names_fold")[rows]), lambda r: r[R.NAME].casefold())
    if col == Column.OWNER:
        return _full_text(cols, rows, np.asarray(cols.derived("owners_fold")[rows]), lambda r: r[R.OWNER].casefold())
    if col == Column.ID:
        return _full_text(cols, rows, np.asarray(cols.strings["ids"][rows]), lambda r: r[R.ID])
    if col == Column.STATE:
        return _mapped(cols.num("state")[rows], lambda s: R.STATE_RANK.get(s, len(R.STATE_RANK)), np.float64)
    if col == Column.WORKFLOW:
        t = cols.num("wf_type")[rows].astype(np.int64)
        st = cols.num("wf_state")[rows].astype(np.int64)
        pair = (t << 32) | (st & 0xFFFFFFFF)
        row: list[Any] = [None] * R.N_FIELDS

        def text(p: int) -> bytes:
            row[R.WF_TYPE] = p >> 32
            row[R.WF_STATE] = int(np.int32(np.uint32(p & 0xFFFFFFFF)))
            return R.workflow_text(row).casefold().encode()

        return _mapped(pair, text, np.bytes_)
    if col == Column.PROGRESS:
        s = cols.num("prog_successful")[rows].astype(np.float64)
        f = cols.num("prog_failed")[rows].astype(np.float64)
        rem = cols.num("prog_remaining")[rows].astype(np.float64)
        done = s + f
        total = done + rem
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(total > 0, done / np.where(total > 0, total, 1), -1.0)
    return np.asarray(cols.num(_NUM_COLUMN[Column(col)])[rows], dtype=np.float64)
