"""Store schema, versioned with PRAGMA user_version. Append a step; never edit an old one."""

from __future__ import annotations

import logging
import sqlite3

log = logging.getLogger("pelorus.store")

# A trigram index over each job's lower-cased name and its search text (name, owner, description,
# id, labels; already lower-cased): QueryJobs' name and keyword filters of 3+ characters read their
# matches from it instead of every job. Contentless (the text is in `jobs`); triggers keep it in
# step with every write to `jobs` in the same transaction. Case-sensitive on lower-cased text, so
# a phrase match is exactly `instr(lower(name), ?)` / `instr(search, ?)`. Keyed by the jobs' rowid
# (a VACUUM may renumber those: drop jobs_text then, and the next open rebuilds it). No column
# sizes (columnsize=0): nothing ranks, and each job write saves a page.
TEXT_INDEX = """
    CREATE VIRTUAL TABLE jobs_text USING fts5(name, search, content='', columnsize=0,
                                          tokenize='trigram case_sensitive 1');
    CREATE TRIGGER jobs_text_insert AFTER INSERT ON jobs BEGIN
        INSERT INTO jobs_text(rowid, name, search) VALUES (new.rowid, lower(new.name), new.search);
    END;
    CREATE TRIGGER jobs_text_delete AFTER DELETE ON jobs BEGIN
        INSERT INTO jobs_text(jobs_text, rowid, name, search) VALUES ('delete', old.rowid, lower(old.name), old.search);
    END;
    CREATE TRIGGER jobs_text_update AFTER UPDATE OF name, search ON jobs
    WHEN old.name IS NOT new.name OR old.search IS NOT new.search BEGIN
        INSERT INTO jobs_text(jobs_text, rowid, name, search) VALUES ('delete', old.rowid, lower(old.name), old.search);
        INSERT INTO jobs_text(rowid, name, search) VALUES (new.rowid, lower(new.name), new.search);
    END;
    INSERT INTO jobs_text(rowid, name, search) SELECT rowid, lower(name), search FROM jobs;
"""
_TEXT_TRIGGERS = ("jobs_text_insert", "jobs_text_delete", "jobs_text_update")

MIGRATIONS: list[str] = [
    # 1: initial schema
    """
    CREATE TABLE jobs (
        job_id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        owner TEXT NOT NULL,
        namespace TEXT NOT NULL,
        state INTEGER NOT NULL,
        priority INTEGER NOT NULL,
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL,
        ended_at REAL NOT NULL DEFAULT 0,
        expires_at REAL NOT NULL DEFAULT 0,
        version INTEGER NOT NULL,
        idempotency_key TEXT,
        unique_key TEXT NOT NULL DEFAULT '',
        search TEXT NOT NULL DEFAULT '',
        spec BLOB NOT NULL,
        status BLOB NOT NULL
    );
    CREATE UNIQUE INDEX jobs_idempotency ON jobs(idempotency_key) WHERE idempotency_key IS NOT NULL;
    CREATE INDEX jobs_name ON jobs(name);
    CREATE INDEX jobs_state ON jobs(state);
    CREATE INDEX jobs_created ON jobs(created_at);
    CREATE INDEX jobs_owner ON jobs(owner);
    CREATE TABLE job_labels (job_id TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL);
    CREATE INDEX job_labels_kv ON job_labels(key, value);
    CREATE INDEX job_labels_job ON job_labels(job_id);
    CREATE TABLE job_specs (
        job_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        spec BLOB NOT NULL,
        PRIMARY KEY (job_id, version)
    );
    CREATE TABLE pods (
        pod_name TEXT PRIMARY KEY,
        job_id TEXT NOT NULL,
        instance_id INTEGER NOT NULL,
        state INTEGER NOT NULL,
        host TEXT NOT NULL DEFAULT '',
        spec_version INTEGER NOT NULL,
        handle TEXT NOT NULL DEFAULT '',
        out_offset INTEGER NOT NULL DEFAULT 0,
        err_offset INTEGER NOT NULL DEFAULT 0,
        info BLOB NOT NULL
    );
    CREATE INDEX pods_job ON pods(job_id, instance_id);
    CREATE TABLE pod_runs (
        pod_id TEXT PRIMARY KEY,
        pod_name TEXT NOT NULL,
        job_id TEXT NOT NULL,
        info BLOB NOT NULL
    );
    CREATE INDEX pod_runs_name ON pod_runs(pod_name);
    CREATE INDEX pod_runs_job ON pod_runs(job_id);
    CREATE TABLE pod_events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        job_id TEXT NOT NULL,
        pod_name TEXT NOT NULL,
        pod_id TEXT NOT NULL,
        event BLOB NOT NULL
    );
    CREATE INDEX pod_events_name ON pod_events(pod_name);
    CREATE INDEX pod_events_job ON pod_events(job_id);
    CREATE TABLE workflows (
        workflow_id TEXT PRIMARY KEY,
        job_id TEXT NOT NULL,
        created_at REAL NOT NULL,
        info BLOB NOT NULL,
        progress TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX workflows_job ON workflows(job_id, created_at);
    CREATE TABLE workflow_events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        workflow_id TEXT NOT NULL,
        job_id TEXT NOT NULL,
        instance_id INTEGER,
        event BLOB NOT NULL
    );
    CREATE INDEX workflow_events_wf ON workflow_events(workflow_id);
    CREATE INDEX workflow_events_job ON workflow_events(job_id, instance_id);
    CREATE TABLE logs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        job_id TEXT NOT NULL,
        pod_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        ts REAL NOT NULL,
        stream INTEGER NOT NULL,
        text TEXT NOT NULL
    );
    CREATE INDEX logs_pod ON logs(pod_id, seq);
    CREATE INDEX logs_job ON logs(job_id);
    CREATE TABLE changes (
        revision INTEGER PRIMARY KEY,
        kind INTEGER NOT NULL,
        job_id TEXT NOT NULL,
        payload BLOB NOT NULL
    );
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    """,
    # 2: label filters probe (key, value, job_id) without touching the table
    """
    DROP INDEX job_labels_kv;
    CREATE INDEX job_labels_kvj ON job_labels(key, value, job_id);
    """,
    # 3: a bounded progress history per job run (pelorus.engine.progress_history)
    """
    CREATE TABLE progress_samples (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        job_id TEXT NOT NULL,
        run INTEGER NOT NULL,
        t REAL NOT NULL,
        sample BLOB NOT NULL
    );
    CREATE INDEX progress_samples_run ON progress_samples(job_id, run, id);
    """,
    # 4: who set each spec version, when, and the workflow it started (ListJobVersions)
    """
    ALTER TABLE job_specs ADD COLUMN created_at REAL NOT NULL DEFAULT 0;
    ALTER TABLE job_specs ADD COLUMN author TEXT NOT NULL DEFAULT '';
    ALTER TABLE job_specs ADD COLUMN workflow_id TEXT NOT NULL DEFAULT '';
    """,
    # 5: "an owner's jobs, newest first" reads 50 rows instead of sorting all of the owner's
    # (QueryJobs with 100,000 jobs: 15 ms -> 0.3 ms); it also serves the owner filter alone
    """
    DROP INDEX jobs_owner;
    CREATE INDEX jobs_owner_created ON jobs(owner, created_at DESC, job_id);
    """,
    # 6: "recently updated first" (the console's Updated column) reads 50 rows instead of sorting
    # every job (QueryJobs order_by updated_at at 100,000 jobs: ~380 ms -> under 1 ms)
    """
    CREATE INDEX jobs_updated ON jobs(updated_at DESC, job_id);
    """,
    # 7: name substring and keyword filters read a trigram index, not every job (QueryJobs at
    # 100,000 jobs: name substring 60 ms, two keywords 105 ms -> see README). Skipped where this
    # SQLite has no FTS5 trigram tokenizer; ensure_text_index() adds it on a later open that has.
    TEXT_INDEX,
    # 8: "newest first" (created_at DESC, then job_id, as QueryJobs orders) walks one index with no
    # sort of ties, so a deep page (offset 50,000 of 100,000) skips index entries only: ~32 ms -> see README
    """
    DROP INDEX jobs_created;
    CREATE INDEX jobs_created_id ON jobs(created_at DESC, job_id);
    """,
]


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the database to the newest schema; returns the version it is at."""
    (current,) = conn.execute("PRAGMA user_version").fetchone()
    if current > len(MIGRATIONS):
        raise RuntimeError(
            f"the store was written by a newer Pelorus (schema {current}, this one knows {len(MIGRATIONS)}); "
            "upgrade Pelorus or point --data-dir elsewhere"
        )
    for version in range(current + 1, len(MIGRATIONS) + 1):
        step = MIGRATIONS[version - 1]
        if step is TEXT_INDEX and not trigram_available():
            step = ""  # the filters scan; ensure_text_index() logs it and adds the index where it can
        with conn:
            conn.executescript("BEGIN;" + step + f"; PRAGMA user_version = {version};COMMIT;")
    return len(MIGRATIONS)


def trigram_available() -> bool:
    """Whether this SQLite has FTS5 with the trigram tokenizer (3.34+, built with FTS5)."""
    probe = sqlite3.connect(":memory:")
    try:
        probe.execute("CREATE VIRTUAL TABLE t USING fts5(x, content='', tokenize='trigram case_sensitive 1')")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        probe.close()


def ensure_text_index(conn: sqlite3.Connection) -> bool:
    """Whether QueryJobs may read jobs_text: build it if this SQLite can and it is missing or stale; where
    it cannot, drop its triggers (job writes would fail on them) and mark it stale for a later open."""
    def exists(kind: str, name: str) -> bool:
        return conn.execute("SELECT 1 FROM sqlite_master WHERE type=? AND name=?", (kind, name)).fetchone() is not None

    table = exists("table", "jobs_text")
    if not trigram_available():
        log.warning("this SQLite (%s) has no FTS5 trigram tokenizer: QueryJobs name and keyword filters "
                    "read every job", sqlite3.sqlite_version)
        if table:
            with conn:
                conn.executescript("BEGIN;" + "".join(f"DROP TRIGGER IF EXISTS {t};" for t in _TEXT_TRIGGERS)
                                   + "INSERT OR REPLACE INTO meta(key, value) VALUES ('jobs_text_stale', '1');COMMIT;")
        return False
    stale = conn.execute("SELECT 1 FROM meta WHERE key='jobs_text_stale'").fetchone() is not None
    if table and not stale and all(exists("trigger", t) for t in _TEXT_TRIGGERS):
        return True
    log.info("building the jobs text index")
    with conn:
        conn.executescript("BEGIN;" + "".join(f"DROP TRIGGER IF EXISTS {t};" for t in _TEXT_TRIGGERS)
                           + "DROP TABLE IF EXISTS jobs_text;" + TEXT_INDEX
                           + "DELETE FROM meta WHERE key='jobs_text_stale';COMMIT;")
    return True
