"""SQLite store (WAL). The engine's only durable state.

Every state change is written and committed here *before* it is acknowledged to a
caller or sent to a watcher, so an engine killed with SIGKILL loses nothing it said.
WAL with synchronous=NORMAL survives a killed process (not a power cut), which is the
failure this engine guards against; it keeps commits in the tens of microseconds.

Protos are stored serialised, with the columns that queries filter and sort on copied
out beside them. All methods run on the engine's event-loop thread.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from pelorus.api import common_pb2, job_pb2, pod_pb2, watch_service_pb2, workflow_pb2
from pelorus.engine.errors import invalid
from pelorus.engine.migrations import ensure_text_index, migrate
from pelorus.engine.privacy import private_dir, private_file

log = logging.getLogger("pelorus.store")

CHANGE_JOB = 1
CHANGE_POD = 2
# Changes kept for Watch resumption; older start revisions get OUT_OF_RANGE.
CHANGE_RETENTION = 500_000
_MAX_ROWID = 2**63 - 1
# QueryJobs with at most this many matches may read them through its filters' indexes and sort them.
FEW_MATCHES = 5000
# Orders a walk down an index serves (migrations: jobs_created_id, jobs_updated, jobs_name, the key).
_INDEXED_ORDER = {"created_at", "updated_at", "name", "job_id"}

_ORDERABLE = {
    "name": "name",
    "owner": "owner",
    "namespace": "namespace",
    "state": "state",
    "priority": "priority",
    "created_at": "created_at",
    "creation_time": "created_at",
    "updated_at": "updated_at",
    "ended_at": "ended_at",
    "job_id": "job_id",
    "id": "job_id",
}


@dataclass
class StoredJob:
    job_id: str
    spec: job_pb2.JobSpec
    status: job_pb2.JobStatus
    idempotency_key: str | None


@dataclass(frozen=True)
class SpecVersion:
    """One row of a job's spec history: the version that set it, when, by whom, and the workflow
    it started ("" / 0.0 where unknown: rows written before schema 4, or by the engine itself)."""

    version: int
    created_at: float = 0.0
    author: str = ""
    workflow_id: str = ""


@dataclass
class StoredPod:
    info: pod_pb2.PodInfo
    spec_version: int
    handle: str
    out_offset: int
    err_offset: int


class Checkpointer:
    """Checkpoints the WAL every `period` seconds on its own connection and thread (PASSIVE:
    it never waits for the engine's writer, and sqlite3 releases the GIL while it works)."""

    def __init__(self, path: Path, period: float = 1.0) -> None:
        self._path = path
        self._period = period
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="store-checkpoint", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            conn = sqlite3.connect(self._path, isolation_level=None)
        except sqlite3.Error:
            log.exception("the WAL checkpointer cannot open %s; the WAL will grow until restart", self._path)
            return
        try:
            conn.execute("PRAGMA busy_timeout=1000")
            wal = Path(f"{self._path}-wal")
            done_for: tuple[int, int] | None = None
            while not self._stop.wait(self._period):
                try:
                    st = wal.stat()
                except OSError:
                    continue
                if (st.st_mtime_ns, st.st_size) == done_for:
                    continue  # nothing written since the last checkpoint: an idle engine sleeps
                try:
                    busy, frames, copied = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                    if not busy and frames == copied:  # all copied: no need to come back until a write
                        done_for = (st.st_mtime_ns, st.st_size)
                except sqlite3.Error as exc:  # busy or locked: the next round catches up
                    log.debug("WAL checkpoint skipped: %s", exc)
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
        except sqlite3.Error as exc:
            log.debug("final WAL checkpoint skipped: %s", exc)
        finally:
            conn.close()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


class Store:
    """One SQLite database file; revisions of the change log are assigned here."""

    def __init__(self, path: Path) -> None:
        private_dir(path.parent)
        private_file(path)  # SQLite gives the -wal and -shm files the database file's mode
        self.path = path
        self._conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.execute("PRAGMA foreign_keys=OFF")
        self._conn.execute("PRAGMA busy_timeout=5000")
        # Checkpoints (copying the WAL into the database, with an fsync) run in a thread of their
        # own (Checkpointer), not inside whichever commit crossed 1,000 pages: on a busy disk that
        # commit took 100+ ms, and every RPC waited behind it on the engine's loop.
        self._conn.execute("PRAGMA wal_autocheckpoint=0")
        self.schema_version = migrate(self._conn)
        # QueryJobs reads name / keyword substrings through jobs_text where this SQLite has it.
        self.text_index = ensure_text_index(self._conn)
        self._depth = 0
        row = self._conn.execute("SELECT MAX(revision) FROM changes").fetchone()
        saved = self._meta("revision")
        self.revision = max(row[0] or 0, int(saved or 0))
        if self.revision == 0:
            # Revision 0 means "from now" to Watch; a fresh store starts at 1 so that a client
            # that listed (or said hello) before the first change can still resume from it.
            self.revision = 1
            self._set_meta("revision", "1")
        self.compacted_revision = int(self._meta("compacted_revision") or 0)
        self._checkpointer = Checkpointer(path)

    def close(self) -> None:
        self._checkpointer.stop()
        self._conn.close()

    # -- transactions -------------------------------------------------------------
    @contextlib.contextmanager
    def tx(self) -> Iterator[None]:
        """A write transaction; nested uses join the outer one."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self._conn.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield
        except BaseException:
            self._depth = 0
            self._conn.execute("ROLLBACK")
            raise
        self._depth = 0
        self._conn.execute("COMMIT")

    def _meta(self, key: str) -> str | None:
        row = self._conn.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def _set_meta(self, key: str, value: str) -> None:
        self._conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))

    # -- change log ---------------------------------------------------------------
    def add_change(self, change: watch_service_pb2.Change) -> bytes:
        """Assign the next revision to the change and log it; returns its serialised form."""
        self.revision += 1
        change.revision = self.revision
        if change.HasField("job"):
            change.job.status.revision = self.revision
            kind, job_id = CHANGE_JOB, change.job.job_id
        else:
            change.pod.revision = self.revision
            kind, job_id = CHANGE_POD, change.pod.job_id
        payload = change.SerializeToString()
        self._conn.execute(
            "INSERT INTO changes(revision, kind, job_id, payload) VALUES (?, ?, ?, ?)",
            (self.revision, kind, job_id, payload),
        )
        return payload

    def changes_since(self, revision: int, limit: int) -> list[tuple[int, int, str, bytes]]:
        return self._conn.execute(
            "SELECT revision, kind, job_id, payload FROM changes WHERE revision > ? ORDER BY revision LIMIT ?",
            (revision, limit),
        ).fetchall()

    def optimize(self) -> None:
        """Let SQLite refresh its planner statistics (cheap; run now and then)."""
        self._conn.execute("PRAGMA optimize")

    def compact_changes(self, keep: int = CHANGE_RETENTION) -> int:
        """Drop the oldest changes beyond `keep`; returns how many went."""
        cutoff = self.revision - keep
        if cutoff <= self.compacted_revision:
            return 0
        with self.tx():
            cur = self._conn.execute("DELETE FROM changes WHERE revision <= ?", (cutoff,))
            self.compacted_revision = cutoff
            self._set_meta("compacted_revision", str(cutoff))
            self._set_meta("revision", str(self.revision))
        return cur.rowcount

    # -- jobs ---------------------------------------------------------------------
    def put_job(self, job_id: str, spec: job_pb2.JobSpec, status: job_pb2.JobStatus,
                idempotency_key: str | None = None, spec_changed: bool = False,
                spec_version: SpecVersion | None = None, new: bool = False) -> None:
        """Write the job; with `spec_changed` (or a new job) also its spec as a new version
        (`spec_version` says which, when and by whom; by default the status's version, now).
        `new`: the caller knows no row has this job id (a freshly generated one): insert at once,
        without the update that would find nothing and the label delete that would remove nothing."""
        search = " ".join([spec.name, spec.owner, spec.description, job_id,
                           *(f"{k}={v}" for k, v in spec.labels.items())]).lower()
        ended = status.ended_at.seconds + status.ended_at.nanos / 1e9 if status.HasField("ended_at") else 0.0
        expires = status.expires_at.seconds if status.HasField("expires_at") else 0
        params = (spec.name, spec.owner, spec.namespace or "default", status.state, spec.priority,
                  status.created_at.seconds + status.created_at.nanos / 1e9,
                  status.updated_at.seconds + status.updated_at.nanos / 1e9, ended, expires,
                  status.version.value, spec.unique_key, search, spec.SerializeToString(),
                  status.SerializeToString())
        with self.tx():
            updated = 0 if new else self._conn.execute(
                "UPDATE jobs SET name=?, owner=?, namespace=?, state=?, priority=?, created_at=?, updated_at=?, "
                "ended_at=?, expires_at=?, version=?, unique_key=?, search=?, spec=?, status=? WHERE job_id=?",
                (*params, job_id),
            ).rowcount
            if updated == 0:
                self._conn.execute(
                    "INSERT INTO jobs(name, owner, namespace, state, priority, created_at, updated_at, ended_at, "
                    "expires_at, version, unique_key, search, spec, status, job_id, idempotency_key) "
                    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (*params, job_id, idempotency_key),
                )
                spec_changed = True
            if spec_changed:
                if not new:
                    self._conn.execute("DELETE FROM job_labels WHERE job_id=?", (job_id,))
                if spec.labels:
                    self._conn.executemany("INSERT INTO job_labels(job_id, key, value) VALUES (?,?,?)",
                                           [(job_id, k, v) for k, v in spec.labels.items()])
                meta = spec_version or SpecVersion(status.version.value, status.updated_at.seconds
                                                   + status.updated_at.nanos / 1e9)
                self._conn.execute("INSERT OR REPLACE INTO job_specs(job_id, version, spec, created_at, author, "
                                   "workflow_id) VALUES (?,?,?,?,?,?)",
                                   (job_id, meta.version, spec.SerializeToString(), meta.created_at, meta.author,
                                    meta.workflow_id))

    def put_job_status(self, job_id: str, spec: job_pb2.JobSpec, status: job_pb2.JobStatus) -> None:
        """Status-only update (the common case: runtime changes)."""
        ended = status.ended_at.seconds + status.ended_at.nanos / 1e9 if status.HasField("ended_at") else 0.0
        self._conn.execute(
            "UPDATE jobs SET state=?, updated_at=?, ended_at=?, expires_at=?, version=?, status=? WHERE job_id=?",
            (status.state, status.updated_at.seconds + status.updated_at.nanos / 1e9, ended,
             status.expires_at.seconds if status.HasField("expires_at") else 0, status.version.value,
             status.SerializeToString(), job_id),
        )

    def load_jobs(self) -> list[StoredJob]:
        rows = self._conn.execute("SELECT job_id, spec, status, idempotency_key FROM jobs").fetchall()
        return [StoredJob(r[0], job_pb2.JobSpec.FromString(r[1]), job_pb2.JobStatus.FromString(r[2]), r[3])
                for r in rows]

    def job_statuses(self) -> Iterator[tuple[str, bytes]]:
        """(job_id, status bytes) of every job: what the engine needs to tell live from finished."""
        yield from self._conn.execute("SELECT job_id, status FROM jobs").fetchall()

    def iter_job_rows(self, page: int = 5000) -> Iterator[tuple[str, bytes, bytes]]:
        """(job_id, spec, status) of every job, read a page at a time."""
        last = ""
        while True:
            rows = self._conn.execute("SELECT job_id, spec, status FROM jobs WHERE job_id > ? ORDER BY job_id "
                                      "LIMIT ?", (last, page)).fetchall()
            if not rows:
                return
            yield from rows
            last = rows[-1][0]

    def job_rows_after(self, after: str, limit: int) -> list[tuple[str, bytes, bytes]]:
        """(job_id, spec, status) of up to ``limit`` jobs with ids after ``after``, in id order."""
        rows: list[tuple[str, bytes, bytes]] = self._conn.execute(
            "SELECT job_id, spec, status FROM jobs WHERE job_id > ? ORDER BY job_id LIMIT ?", (after, limit)).fetchall()
        return rows

    def load_job(self, job_id: str) -> StoredJob | None:
        r = self._conn.execute("SELECT job_id, spec, status, idempotency_key FROM jobs WHERE job_id=?",
                               (job_id,)).fetchone()
        if r is None:
            return None
        return StoredJob(r[0], job_pb2.JobSpec.FromString(r[1]), job_pb2.JobStatus.FromString(r[2]), r[3])

    def job_by_idempotency_key(self, key: str) -> str | None:
        row = self._conn.execute("SELECT job_id FROM jobs WHERE idempotency_key=?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def spec_at_version(self, job_id: str, version: int) -> job_pb2.JobSpec | None:
        row = self._conn.execute("SELECT spec FROM job_specs WHERE job_id=? AND version<=? ORDER BY version DESC "
                                 "LIMIT 1", (job_id, version)).fetchone()
        return None if row is None else job_pb2.JobSpec.FromString(row[0])

    def spec_versions(self, job_id: str) -> list[int]:
        """The versions at which the job's spec was written (each later version keeps the spec before it)."""
        rows = self._conn.execute("SELECT version FROM job_specs WHERE job_id=? ORDER BY version", (job_id,))
        return [int(r[0]) for r in rows]

    def spec_history(self, job_id: str, offset: int, limit: int,
                     newest_first: bool = True) -> tuple[list[SpecVersion], int]:
        """A page of the job's spec versions, and how many there are."""
        (total,) = self._conn.execute("SELECT count(*) FROM job_specs WHERE job_id=?", (job_id,)).fetchone()
        rows = self._conn.execute(
            "SELECT version, created_at, author, workflow_id FROM job_specs WHERE job_id=? "
            f"ORDER BY version {'DESC' if newest_first else 'ASC'} LIMIT ? OFFSET ?", (job_id, limit, offset))
        return [SpecVersion(int(r[0]), float(r[1]), str(r[2]), str(r[3])) for r in rows], int(total)

    def workflow(self, workflow_id: str) -> workflow_pb2.WorkflowInfo | None:
        row = self._conn.execute("SELECT info FROM workflows WHERE workflow_id=?", (workflow_id,)).fetchone()
        return None if row is None else workflow_pb2.WorkflowInfo.FromString(row[0])

    def job_ids_by_name(self, name: str) -> list[str]:
        rows = self._conn.execute("SELECT job_id FROM jobs WHERE name=? ORDER BY created_at DESC", (name,))
        return [r[0] for r in rows]

    def query_jobs(self, q: job_pb2.JobQuerySpec, default_limit: int = 100,
                   max_limit: int = 10_000) -> tuple[list[tuple[str, bytes, bytes]], int]:
        """Filter, order and page in SQL; returns (job_id, spec, status) rows and the total count.

        Normally the page walks the order's index (or the owner's) and stops at its end, testing
        each job against the filters. A state or label filter that matches few jobs (at most
        FEW_MATCHES, counted on its own index) drives instead: its matches are read through its
        index and sorted, where the walk would have read every job to find them (state RUNNING
        among 100,000 finished jobs: 140 ms -> under 1 ms)."""
        # (condition through its index, its args, the same tested on each row, its args, may drive)
        cond: list[tuple[str, list[object], str, list[object], bool]] = []

        def add(by_index: str, per_row: str, values: list[object], drives: bool) -> None:
            cond.append((by_index, values, per_row, values, drives))

        if q.job_states:
            marks = ",".join("?" * len(q.job_states))
            # "+state" keeps the planner off the state index, which is rarely selective.
            add(f"state IN ({marks})", f"+state IN ({marks})", list(q.job_states), True)
        if q.owner:
            add("owner = ?", "owner = ?", [q.owner], False)
        if q.namespace:
            add("namespace = ?", "namespace = ?", [q.namespace], False)
        for key, value in q.labels.items():
            add("jobs.job_id IN (SELECT l.job_id FROM job_labels l WHERE l.key=? AND l.value=?)",
                "EXISTS (SELECT 1 FROM job_labels l WHERE l.job_id = jobs.job_id AND l.key=? AND l.value=?)",
                [key, value], True)
        # Substrings: the name's (lower(name) holds it) and keywords (the search text holds each).
        # Those of 3+ characters are read through the trigram index (one phrase each, all in one
        # MATCH), which gives exactly the rows instr() does; shorter ones (and any with a NUL) scan.
        texts = ([("name", "instr(lower(name), ?) > 0", q.name.lower())] if q.name else []) + \
            [("search", "instr(search, ?) > 0", word.lower()) for word in q.keywords]
        indexed = [t for t in texts if self.text_index and len(t[2]) >= 3 and "\0" not in t[2]]
        for t in texts:
            if t not in indexed:
                add(t[1], t[1], [t[2]], False)
        text_i, text_n = -1, 0
        if indexed:
            match = " AND ".join(f'{column} : "{text.replace(chr(34), chr(34) * 2)}"' for column, _, text in indexed)
            # How many match, counted no further than FEW_MATCHES + 1 (a substring of every job's
            # name costs the index more than the scan: those scan, for the page and the count).
            (text_n,) = self._conn.execute("SELECT COUNT(*) FROM (SELECT 1 FROM jobs_text WHERE jobs_text MATCH ? "
                                           "LIMIT ?)", (match, FEW_MATCHES + 1)).fetchone()
            text_i = len(cond)
            cond.append(("jobs.rowid IN (SELECT rowid FROM jobs_text WHERE jobs_text MATCH ?)", [match],
                         " AND ".join(t[1] for t in indexed), [t[2] for t in indexed], True))
        column: str | None
        for field, op in (("created_after", ">="), ("created_before", "<"), ("ended_after", ">="),
                          ("ended_before", "<")):
            if q.HasField(field):
                ts = getattr(q, field)
                column = "created_at" if field.startswith("created") else "ended_at"
                add(f"{column} {op} ?", f"{column} {op} ?", [ts.seconds + ts.nanos / 1e9], False)
        order: list[tuple[str, str]] = []
        for ob in q.pagination.order_by:
            column = _ORDERABLE.get(ob.property)
            if column is None:
                raise invalid("spec.pagination.order_by.property",
                              f"unknown property {ob.property!r}; use one of {', '.join(sorted(_ORDERABLE))}")
            order.append((column, "DESC" if ob.order == common_pb2.OrderBy.ORDER_DESC else "ASC"))
        order.append(("created_at", "DESC") if not order else ("job_id", "ASC"))
        limit = min(q.pagination.limit or default_limit, max_limit)
        driver = -1
        if not q.owner:  # the owner's index serves an owner's jobs better than any of these
            fewest = FEW_MATCHES + 1
            for i, (by_index, values, _, _, drives) in enumerate(cond):
                if drives:
                    (n,) = (text_n,) if i == text_i else \
                        self._conn.execute(f"SELECT COUNT(*) FROM jobs WHERE {by_index}", values).fetchone()
                    if n < fewest:
                        driver, fewest = i, n
            if driver >= 0 and order[0][0] in _INDEXED_ORDER:
                # A walk down the order's index reads about jobs * page / matches rows to fill the
                # page; the driving filter reads its matches and sorts them. Walk when that is less.
                (jobs,) = self._conn.execute("SELECT MAX(rowid) FROM jobs").fetchone()  # about how many
                if fewest * fewest > 4 * (jobs or 0) * (limit + q.pagination.offset):
                    driver = -1
        clause = (" WHERE " + " AND ".join(c[0] if i == driver else c[2] for i, c in enumerate(cond))) if cond else ""
        args = [a for i, c in enumerate(cond) for a in (c[1] if i == driver else c[3])]
        # "+column" keeps the planner off the order's index when a filter drives.
        order_by = ", ".join(f"{'+' if driver >= 0 else ''}{c} {d}" for c, d in order)
        # The count reads every match whatever the order: labels and text through their index, not row by row.
        counted = [i == driver or c[0].startswith("jobs.job_id IN") or (i == text_i and text_n <= FEW_MATCHES)
                   for i, c in enumerate(cond)]
        count_clause = (" WHERE " + " AND ".join(c[0] if by else c[2] for by, c in zip(counted, cond, strict=True))) \
            if cond else ""
        count_args = [a for by, c in zip(counted, cond, strict=True) for a in (c[1] if by else c[3])]
        (total,) = self._conn.execute(f"SELECT COUNT(*) FROM jobs{count_clause}", count_args).fetchone()
        if total <= q.pagination.offset:
            return [], int(total)  # nothing on this page: no second scan (a keyword matching nothing)
        rows = self._conn.execute(
            f"SELECT job_id, spec, status FROM jobs{clause} ORDER BY {order_by} LIMIT ? OFFSET ?",
            (*args, limit, q.pagination.offset),
        ).fetchall()
        return rows, int(total)

    def delete_job(self, job_id: str) -> None:
        """Remove the job and everything it owns (pods, runs, events, logs, workflows)."""
        with self.tx():
            for table in ("jobs", "job_labels", "job_specs", "pods", "pod_runs", "pod_events", "workflows",
                          "workflow_events", "logs", "progress_samples"):
                self._conn.execute(f"DELETE FROM {table} WHERE job_id=?", (job_id,))

    # -- pods ---------------------------------------------------------------------
    def put_pod(self, info: pod_pb2.PodInfo, spec_version: int, handle: str | None = None) -> None:
        st = info.status
        if handle is None:
            self._conn.execute(
                "INSERT INTO pods(pod_name, job_id, instance_id, state, host, spec_version, info) "
                "VALUES (?,?,?,?,?,?,?) ON CONFLICT(pod_name) DO UPDATE SET state=excluded.state, "
                "host=excluded.host, spec_version=excluded.spec_version, info=excluded.info",
                (info.pod_name, info.job_id, info.instance_id, st.state, st.host, spec_version,
                 info.SerializeToString()),
            )
        else:
            self._conn.execute(
                "INSERT INTO pods(pod_name, job_id, instance_id, state, host, spec_version, handle, info) "
                "VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(pod_name) DO UPDATE SET state=excluded.state, "
                "host=excluded.host, spec_version=excluded.spec_version, handle=excluded.handle, "
                "out_offset=0, err_offset=0, info=excluded.info",
                (info.pod_name, info.job_id, info.instance_id, st.state, st.host, spec_version, handle,
                 info.SerializeToString()),
            )

    def put_pods(self, rows: Sequence[tuple[pod_pb2.PodInfo, int]]) -> None:
        self._conn.executemany(
            "INSERT OR REPLACE INTO pods(pod_name, job_id, instance_id, state, host, spec_version, info) "
            "VALUES (?,?,?,?,?,?,?)",
            [(i.pod_name, i.job_id, i.instance_id, i.status.state, i.status.host, v, i.SerializeToString())
             for i, v in rows],
        )

    def delete_pod(self, pod_name: str) -> None:
        self._conn.execute("DELETE FROM pods WHERE pod_name=?", (pod_name,))

    def load_pods(self, job_id: str | None = None) -> list[StoredPod]:
        sql = "SELECT info, spec_version, handle, out_offset, err_offset FROM pods"
        rows = (self._conn.execute(sql + " WHERE job_id=? ORDER BY instance_id", (job_id,)) if job_id
                else self._conn.execute(sql))
        return [StoredPod(pod_pb2.PodInfo.FromString(r[0]), r[1], r[2], r[3], r[4]) for r in rows]

    def set_output_offsets(self, pod_name: str, out_offset: int, err_offset: int) -> None:
        self._conn.execute("UPDATE pods SET out_offset=?, err_offset=? WHERE pod_name=?",
                           (out_offset, err_offset, pod_name))

    def archive_run(self, info: pod_pb2.PodInfo) -> None:
        self._conn.execute("INSERT OR REPLACE INTO pod_runs(pod_id, pod_name, job_id, info) VALUES (?,?,?,?)",
                           (info.status.pod_id, info.pod_name, info.job_id, info.SerializeToString()))

    def previous_runs(self, pod_name: str, limit: int = 0) -> list[pod_pb2.PodInfo]:
        rows = self._conn.execute("SELECT info FROM pod_runs WHERE pod_name=? ORDER BY rowid DESC LIMIT ?",
                                  (pod_name, limit or -1))
        return [pod_pb2.PodInfo.FromString(r[0]) for r in rows]

    def run_info(self, pod_id: str) -> pod_pb2.PodInfo | None:
        row = self._conn.execute("SELECT info FROM pod_runs WHERE pod_id=?", (pod_id,)).fetchone()
        return None if row is None else pod_pb2.PodInfo.FromString(row[0])

    def add_pod_event(self, job_id: str, pod_name: str, event: pod_pb2.PodEvent) -> None:
        self._conn.execute("INSERT INTO pod_events(job_id, pod_name, pod_id, event) VALUES (?,?,?,?)",
                           (job_id, pod_name, event.pod_id, event.SerializeToString()))

    def pod_events(self, pod_name: str, pod_id: str = "", limit: int = 0) -> list[pod_pb2.PodEvent]:
        if pod_id:
            rows = self._conn.execute("SELECT event FROM pod_events WHERE pod_name=? AND pod_id=? ORDER BY id "
                                      "LIMIT ?", (pod_name, pod_id, limit or -1))
        else:
            rows = self._conn.execute("SELECT event FROM pod_events WHERE pod_name=? ORDER BY id LIMIT ?",
                                      (pod_name, limit or -1))
        return [pod_pb2.PodEvent.FromString(r[0]) for r in rows]

    def job_pod_events(self, job_id: str, after: int, limit: int) -> list[tuple[int, str, bytes]]:
        """(cursor, pod name, serialised PodEvent) of the job's events after ``after``, oldest first.
        Cursors are SQLite rowids: one past the largest (a uint64 from a client) has nothing after it."""
        rows = self._conn.execute("SELECT id, pod_name, event FROM pod_events WHERE job_id=? AND id>? ORDER BY id "
                                  "LIMIT ?", (job_id, min(after, _MAX_ROWID), limit))
        return [(int(r[0]), str(r[1]), bytes(r[2])) for r in rows]

    # -- workflows ----------------------------------------------------------------
    def put_workflow(self, job_id: str, info: workflow_pb2.WorkflowInfo, progress: str) -> None:
        st = info.status
        self._conn.execute(
            "INSERT INTO workflows(workflow_id, job_id, created_at, info, progress) VALUES (?,?,?,?,?) "
            "ON CONFLICT(workflow_id) DO UPDATE SET info=excluded.info, progress=excluded.progress",
            (st.workflow_id, job_id, st.created_at.seconds + st.created_at.nanos / 1e9,
             info.SerializeToString(), progress),
        )

    def workflows(self, job_id: str) -> list[tuple[workflow_pb2.WorkflowInfo, str]]:
        rows = self._conn.execute("SELECT info, progress FROM workflows WHERE job_id=? ORDER BY created_at DESC, "
                                  "rowid DESC", (job_id,))
        return [(workflow_pb2.WorkflowInfo.FromString(r[0]), r[1]) for r in rows]

    def add_workflow_event(self, job_id: str, event: workflow_pb2.WorkflowEvent, per_instance: bool) -> None:
        self._conn.execute(
            "INSERT INTO workflow_events(workflow_id, job_id, instance_id, event) VALUES (?,?,?,?)",
            (event.workflow_id, job_id, event.instance_id if per_instance else None, event.SerializeToString()),
        )

    def workflow_events(self, workflow_id: str, per_instance: bool) -> list[workflow_pb2.WorkflowEvent]:
        cond = "instance_id IS NOT NULL" if per_instance else "instance_id IS NULL"
        rows = self._conn.execute(f"SELECT event FROM workflow_events WHERE workflow_id=? AND {cond} ORDER BY id",
                                  (workflow_id,))
        return [workflow_pb2.WorkflowEvent.FromString(r[0]) for r in rows]

    def job_events(self, job_id: str, instance_id: int | None, limit: int) -> list[workflow_pb2.WorkflowEvent]:
        if instance_id is None:
            rows = self._conn.execute("SELECT event FROM workflow_events WHERE job_id=? AND instance_id IS NULL "
                                      "ORDER BY id DESC LIMIT ?", (job_id, limit or -1))
        else:
            rows = self._conn.execute("SELECT event FROM workflow_events WHERE job_id=? AND instance_id=? "
                                      "ORDER BY id DESC LIMIT ?", (job_id, instance_id, limit or -1))
        return [workflow_pb2.WorkflowEvent.FromString(r[0]) for r in reversed(rows.fetchall())]

    # -- progress history ---------------------------------------------------------
    def add_progress_sample(self, job_id: str, run: int, t: float, sample: bytes) -> None:
        self._conn.execute("INSERT INTO progress_samples(job_id, run, t, sample) VALUES (?,?,?,?)",
                           (job_id, run, t, sample))

    def progress_run_extent(self, job_id: str, run: int) -> tuple[int, float]:
        """(samples stored, time of the last) for one run."""
        row = self._conn.execute("SELECT COUNT(*), MAX(t) FROM progress_samples WHERE job_id=? AND run=?",
                                 (job_id, run)).fetchone()
        return int(row[0]), float(row[1] or 0.0)

    def progress_samples(self, job_id: str, run: int) -> list[bytes]:
        rows = self._conn.execute("SELECT sample FROM progress_samples WHERE job_id=? AND run=? ORDER BY id",
                                  (job_id, run))
        return [r[0] for r in rows]

    def progress_runs(self, job_id: str) -> list[int]:
        rows = self._conn.execute("SELECT DISTINCT run FROM progress_samples WHERE job_id=? ORDER BY run", (job_id,))
        return [int(r[0]) for r in rows]

    def thin_progress_run(self, job_id: str, run: int) -> int:
        """Drop every other sample of the run (never the first or the last); returns how many are left."""
        ids = [r[0] for r in self._conn.execute(
            "SELECT id FROM progress_samples WHERE job_id=? AND run=? ORDER BY id", (job_id, run))]
        drop = ids[1:-1:2]
        self._conn.executemany("DELETE FROM progress_samples WHERE id=?", [(i,) for i in drop])
        return len(ids) - len(drop)

    def drop_progress_runs(self, job_id: str, keep_from: int) -> None:
        self._conn.execute("DELETE FROM progress_samples WHERE job_id=? AND run<?", (job_id, keep_from))

    # -- logs ---------------------------------------------------------------------
    def add_logs(self, rows: Sequence[tuple[str, str, int, float, int, str]]) -> None:
        """rows: (job_id, pod_id, seq, ts, stream, text)."""
        self._conn.executemany("INSERT INTO logs(job_id, pod_id, seq, ts, stream, text) VALUES (?,?,?,?,?,?)",
                               rows)

    def last_log_seq(self, pod_id: str) -> int:
        row = self._conn.execute("SELECT MAX(seq) FROM logs WHERE pod_id=?", (pod_id,)).fetchone()
        return int(row[0] or 0)

    def read_logs(self, pod_id: str, after_seq: int, limit: int) -> list[tuple[int, float, int, str]]:
        after_seq = min(after_seq, 2**63 - 1)  # a uint64 from the wire past SQLite's integers: nothing after it
        return self._conn.execute(
            "SELECT seq, ts, stream, text FROM logs WHERE pod_id=? AND seq>? ORDER BY seq LIMIT ?",
            (pod_id, after_seq, limit),
        ).fetchall()

    def counts(self) -> dict[str, int]:
        return {t: self._conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                for t in ("jobs", "pods", "pod_runs", "logs", "changes")}
