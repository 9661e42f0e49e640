"""Finding jobs by what an operator remembers of them: part of the name, the start of the id, a
label ("team=ml").  The command palette's "Open job …" entries.  No Qt.

Every word typed must match the job in one of those ways (any case): the name contains it, the id
starts with it, or one of its labels ``key=value`` contains it.  Jobs whose name starts with the
first word come first, then other name matches, then id and label matches, each group by name.
Reads the jobs table's columns (or flat rows, in tests): labels are read from the message only for
rows whose name and id did not already match, so typing stays cheap on 100k jobs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import NamedTuple

from console.models import job_row as R
from console.models.job_columns import JobColumns

MIN_ID_PREFIX = 2  # "3f" already narrows a UUID to a few in 256; one character would match a sixteenth


class JobMatch(NamedTuple):
    job_id: str
    name: str
    state: str
    why: str  # "name", "id", or the label that matched ("team=ml")


Facts = tuple[str, str, int, Callable[[], Mapping[str, str]]]
"""What the search reads of one job: name, id, state number, and its labels (read only when needed)."""


def _label_hit(labels: Mapping[str, str], word: str) -> str:
    for k, v in labels.items():
        pair = f"{k}={v}"
        if word in pair.casefold():
            return pair
    return ""


def find(rows: Iterable[R.Row], text: str, limit: int = 20) -> list[JobMatch]:
    """Search flat job rows (console/models/job_row.py)."""
    def facts(r: R.Row) -> Facts:
        msg = r[R.MSG]
        return str(r[R.NAME]), str(r[R.ID]), int(r[R.STATE]), lambda: msg.labels

    return _find(map(facts, rows), text, limit)


def find_in_columns(cols: JobColumns, count: int, text: str, limit: int = 20) -> list[JobMatch]:
    """Search the jobs table's column storage (the live model): labels are decoded only for rows
    whose name and id did not match already."""
    state = cols.num("state")

    def facts(i: int) -> Facts:
        return cols.text("names", i), cols.job_id(i), int(state[i]), lambda: cols.summary(i).labels

    return _find(map(facts, range(count)), text, limit)


def _find(jobs: Iterable[Facts], text: str, limit: int) -> list[JobMatch]:
    words = text.casefold().split()
    if not words:
        return []
    hits: list[tuple[int, str, JobMatch]] = []
    for name, job_id, state, labels in jobs:
        folded = name.casefold()
        low_id = job_id.casefold()
        why = "name"
        rank = 0 if folded.startswith(words[0]) else 1
        for w in words:
            if w in folded:
                continue
            if len(w) >= MIN_ID_PREFIX and low_id.startswith(w):
                why, rank = "id", max(rank, 2)
                continue
            pair = _label_hit(labels(), w)
            if pair:
                why, rank = pair, max(rank, 3)
                continue
            break
        else:
            hits.append((rank, folded, JobMatch(job_id, name, R.state_name(state), why)))
    hits.sort(key=lambda h: (h[0], h[1]))
    return [m for _r, _n, m in hits[:limit]]
