"""Finding jobs by what an operator remembers of them: part of the name, the start of the id, a
label ("team=ml").  The command palette's "Open job …" entries.  No Qt.

Every word typed must match the job in one of those ways (any case): the name contains it, the id
starts with it, or one of its labels ``key=value`` contains it.  Jobs whose name starts with the
first word come first, then other name matches, then id and label matches, each group by name.
Reads the jobs table's flat rows (console/models/job_row.py): labels are read from the message
only for rows whose name and id did not already match, so typing stays cheap on 100k jobs.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from console.models import job_row as R

MIN_ID_PREFIX = 2  # "3f" already narrows a UUID to a few in 256; one character would match a sixteenth


class JobMatch(NamedTuple):
    job_id: str
    name: str
    state: str
    why: str  # "name", "id", or the label that matched ("team=ml")


def _label_hit(row: R.Row, word: str) -> str:
    for k, v in row[R.MSG].labels.items():
        pair = f"{k}={v}"
        if word in pair.casefold():
            return pair
    return ""


def find(rows: Iterable[R.Row], text: str, limit: int = 20) -> list[JobMatch]:
    words = text.casefold().split()
    if not words:
        return []
    hits: list[tuple[int, str, JobMatch]] = []
    for row in rows:
        name = str(row[R.NAME])
        folded = name.casefold()
        job_id = str(row[R.ID])
        low_id = job_id.casefold()
        why = "name"
        rank = 0 if folded.startswith(words[0]) else 1
        for w in words:
            if w in folded:
                continue
            if len(w) >= MIN_ID_PREFIX and low_id.startswith(w):
                why, rank = "id", max(rank, 2)
                continue
            pair = _label_hit(row, w)
            if pair:
                why, rank = pair, max(rank, 3)
                continue
            break
        else:
            hits.append((rank, folded, JobMatch(job_id, name, R.state_name(row[R.STATE]), why)))
    hits.sort(key=lambda h: (h[0], h[1]))
    return [m for _r, _n, m in hits[:limit]]
