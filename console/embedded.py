"""The embedded engine: a child process on a private unix socket in the user's data dir.

The console starts it on first launch and re-attaches on the next one (the engine keeps
running while the console is closed if the operator chose so). It is started in its own
session so closing the console's terminal does not kill it, and stopped by its pid (read
from the data dir's lock file), never by name.

An engine this process started and that has exited is reaped as soon as it is looked at
(``pid()``), whichever EmbeddedEngine object started it: a zombie is not a running engine, so
stopping an engine that already died returns at once, and ``last_exit`` says how it ended.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QCoreApplication

from pelorus.engine.paths import default_data_dir, socket_address, socket_path

START_TIMEOUT = 20.0


class EmbeddedEngineError(RuntimeError):
    pass


@dataclass
class EmbeddedEngine:
    data_dir: Path
    _proc: subprocess.Popen[bytes] | None = None
    #: How the last engine seen here ended ("was killed by SIGKILL", "exited with code 1"); "" if unknown.
    last_exit: str = ""
    _starting: asyncio.Lock = field(default_factory=asyncio.Lock, repr=False)

    @classmethod
    def default(cls) -> EmbeddedEngine:
        return cls(default_data_dir())

    @property
    def address(self) -> str:
        return socket_address(socket_path(self.data_dir))

    @property
    def log_path(self) -> Path:
        return self.data_dir / "engine.log"

    def pid(self) -> int | None:
        """The running engine's pid, if the lock file names a live process (not a zombie)."""
        try:
            text = (self.data_dir / "engine.lock").read_text().strip()
            pid = int(text)
        except (OSError, ValueError):
            return None
        if self._reaped(pid):
            return None
        try:
            os.kill(pid, 0)
        except OSError:
            return None
        return pid

    def _reaped(self, pid: int) -> bool:
        """True if ``pid`` is a child of this process that has exited (reaped now, with its
        status recorded in ``last_exit``); False if it runs or is not our child."""
        if self._proc is not None and self._proc.pid == pid:
            code = self._proc.poll()
            if code is None:
                return False
            self.last_exit = describe_exit(code)
            return True
        try:  # a child started through another EmbeddedEngine object (e.g. before a profile switch)
            got, status = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            return False  # not ours: its own parent (or init) reaps it
        if got == 0:
            return False
        self.last_exit = describe_exit(os.waitstatus_to_exitcode(status))
        return True

    def is_running(self) -> bool:
        return self.pid() is not None and socket_path(self.data_dir).exists()

    async def ensure_running(self) -> bool:
        """Start the engine unless one already serves this data dir. True if it was started now.
        Concurrent calls (an automatic restart and the operator's button) start it once."""
        async with self._starting:
            return await self._ensure_running()

    async def _ensure_running(self) -> bool:
        if self.is_running():
            return False
        self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        with open(self.log_path, "ab") as log:
            proc = subprocess.Popen(  # noqa: S603 - our own interpreter and module
                [sys.executable, "-m", "pelorus.engine.serve", "--data-dir", str(self.data_dir)],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
            )
        self._proc = proc
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                self.last_exit = describe_exit(proc.returncode)
                raise EmbeddedEngineError(
                    QCoreApplication.translate(
                        "EmbeddedEngine", "the engine {0} at start; its log is {1}:\n{2}"
                    ).format(self.last_exit, self.log_path, self.log_tail())
                )
            # The lock names the new engine before it listens, and a killed engine leaves its socket
            # file behind: ready means the socket accepts a connection.
            if self.pid() == proc.pid and _accepting(socket_path(self.data_dir)):
                return True
            await asyncio.sleep(0.05)
        raise EmbeddedEngineError(
            QCoreApplication.translate("EmbeddedEngine", "the engine did not start within {0:.0f} s; see {1}").format(
                START_TIMEOUT, self.log_path
            )
        )

    async def stop(self, timeout: float = 15.0) -> bool:
        """Ask the engine to exit (SIGTERM: it finishes its writes); True once it is gone.
        An engine that already exited (even one left a zombie) returns True at once."""
        pid = self.pid()
        if pid is None:
            return True
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            return True
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.pid() is None:  # gone (a child of ours is reaped here, not left a zombie)
                return True
            await asyncio.sleep(0.05)
        return False

    def log_tail(self, lines: int = 15) -> str:
        """The engine log's last lines (what to show when it keeps dying)."""
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def describe_exit(code: int) -> str:
    """A Popen / waitstatus exit code as words: "exited with code 1", "was killed by SIGKILL"."""
    if code < 0:
        try:
            return QCoreApplication.translate("embedded", "was killed by {0}").format(signal.Signals(-code).name)
        except ValueError:
            return QCoreApplication.translate("embedded", "was killed by signal {0}").format(-code)
    return (
        QCoreApplication.translate("embedded", "exited normally")
        if code == 0
        else QCoreApplication.translate("embedded", "exited with code {0}").format(code)
    )


def _accepting(path: Path) -> bool:
    """True if something accepts connections on the unix socket ``path`` (a quick local connect)."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        try:
            sock.connect(str(path))
        except OSError:
            return False
    return True
