"""Keeping the engine's files private to its user.

The data directory holds job specs (env values: often credentials), pod output and the
control socket, so it is 0700 and its files 0600, whatever the umask. A directory or file
left with group/other access by an older engine or by hand is tightened with a log line,
as ssh and PostgreSQL insist on; if that is impossible (not ours), start-up stops with a
message saying how to fix it. Secrets handed to the engine (a TLS key, a tokens file) that
others can read are refused rather than silently used. The engine's process umask is left
alone: pods inherit it, and what they create is their business.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

log = logging.getLogger("pelorus.engine")

DIR_MODE = 0o700
FILE_MODE = 0o600
# Files in the data directory the engine creates (SQLite gives -wal/-shm the db file's mode).
PRIVATE_FILES = ("engine.db", "engine.db-wal", "engine.db-shm", "engine.db-journal", "engine.lock")


class NotPrivate(RuntimeError):
    """A path others can read that the engine cannot (or must not) fix itself."""


def private_dir(path: Path) -> None:
    """Create `path` 0700, or tighten an existing one with group/other access to 0700."""
    path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    _tighten(path, DIR_MODE)


def private_file(path: Path) -> None:
    """Create `path` empty 0600 if missing; tighten an existing one to 0600."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC, FILE_MODE)
    os.close(fd)
    _tighten(path, FILE_MODE)


def secure_data_dir(data_dir: Path) -> None:
    """The data dir 0700; the store, its WAL/SHM, the lock and the spool files 0600."""
    private_dir(data_dir)
    for name in PRIVATE_FILES:
        if (data_dir / name).exists():
            _tighten(data_dir / name, FILE_MODE)
    spool = data_dir / "spool"
    if spool.is_dir():
        _tighten(spool, DIR_MODE)
        for entry in os.scandir(spool):
            if entry.is_file(follow_symlinks=False) and entry.stat().st_mode & 0o077:
                os.chmod(entry.path, FILE_MODE)


def _tighten(path: Path, mode: int) -> None:
    st = path.stat()
    current = stat.S_IMODE(st.st_mode)
    if not current & 0o077:
        return
    try:
        os.chmod(path, mode)
    except PermissionError:
        raise NotPrivate(f"{path} is mode {current:04o}, so other users can read the engine's data, and this "
                         f"user cannot change it (owner uid {st.st_uid}); as its owner run: "
                         f"chmod {mode:o} {path}") from None
    log.warning("%s was mode %04o (readable by other users); tightened to %04o", path, current, mode)


def check_secret_file(path: Path, what: str) -> None:
    """Refuse a secret (TLS key, tokens file) that group or others may read or write, as
    PostgreSQL does: 0600 (or 0640 when owned by root, for an ssl-cert style group)."""
    try:
        st = path.stat()
    except OSError as exc:
        raise NotPrivate(f"cannot read {what} {path}: {exc.strerror}") from None
    mode = stat.S_IMODE(st.st_mode)
    allowed = 0o037 if st.st_uid == 0 else 0o077
    if mode & allowed:
        raise NotPrivate(f"{what} {path} is mode {mode:04o}: other users can read it. Make it private with: "
                         f"chmod 600 {path}")
