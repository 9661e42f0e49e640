"""The Call panel's history: the calls sent, newest first, to re-run; persisted as JSON text.

No Qt and no gRPC here (models make no calls): the panel stores ``to_json()`` in QSettings and
fills the form back from a :class:`~pelorus.grpccall.commandline.CallSpec`.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field, replace

from pelorus.grpccall.commandline import CallSpec

MAX_ENTRIES = 50
SECRET_HEADERS = frozenset({"authorization", "cookie"})
"""Never written to the history: tokens live in the keyring or 0600 files (console/profiles.py)."""


@dataclass
class HistoryEntry:
    spec: CallSpec
    sent_at: float = field(default_factory=time.time)
    status: str = ""  # the gRPC status name the call ended with ("" while running)

    @property
    def label(self) -> str:
        when = time.strftime("%H:%M:%S", time.localtime(self.sent_at))
        where = "engine" if self.spec.engine else self.spec.address
        return f"{when}  {self.spec.method}  @ {where}  {self.status}".rstrip()


class CallHistory:
    def __init__(self, entries: list[HistoryEntry] | None = None) -> None:
        self.entries: list[HistoryEntry] = list(entries or [])

    def add(self, entry: HistoryEntry) -> None:
        """Newest first; an identical earlier call moves to the top instead of repeating. Secret
        headers are dropped (re-running an engine call takes the token from the connection)."""
        headers = [(k, v) for k, v in entry.spec.headers if k.lower() not in SECRET_HEADERS]
        entry = HistoryEntry(replace(entry.spec, headers=headers), entry.sent_at, entry.status)
        self.entries = [e for e in self.entries if e.spec != entry.spec]
        self.entries.insert(0, entry)
        del self.entries[MAX_ENTRIES:]

    def to_json(self) -> str:
        return json.dumps([{"spec": asdict(e.spec), "sent_at": e.sent_at, "status": e.status}
                           for e in self.entries])

    @classmethod
    def from_json(cls, text: str) -> CallHistory:
        """Entries from ``to_json`` text; anything unreadable is skipped (a history is never worth an error)."""
        try:
            raw = json.loads(text or "[]")
        except ValueError:
            return cls()
        entries: list[HistoryEntry] = []
        for item in raw if isinstance(raw, list) else []:
            try:
                spec = dict(item["spec"])
                spec["headers"] = [(str(k), str(v)) for k, v in spec.get("headers", [])]
                entries.append(HistoryEntry(CallSpec(**spec), float(item.get("sent_at", 0)),
                                            str(item.get("status", ""))))
            except (KeyError, TypeError, ValueError):
                continue
        return cls(entries[:MAX_ENTRIES])
