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
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pelorus.engine.paths import default_data_dir, socket_address, socket_path


class QCoreApplication:
    """Qt's translate when Qt is loaded (the console), the English text otherwise: `main.py call
    --engine` finds the embedded engine through this module and must run without Qt. Named as
    Qt's class so pyside6-lupdate still finds the ``QCoreApplication.translate(...)`` calls."""

    @staticmethod
    def translate(context: str, text: str) -> str:
        qtcore = sys.modules.get("PySide6.QtCore")
        return text if qtcore is None else str(qtcore.QCoreApplication.translate(context, text))

START_TIMEOUT = 20.0
# Stopping: how long a SIGTERMed engine may take to exit (it stops within 2 s with its pods
# left running, issue 13) before it is SIGKILLed, and how long SIGKILL may take.
STOP_TERM_TIMEOUT = 20.0
STOP_KILL_TIMEOUT = 5.0
PROGRESS_EVERY = 0.2


@dataclass(frozen=True)
class StopProgress:
    """Where a stop is: ``phase`` "term" (waiting after SIGTERM) or "kill" (after SIGKILL),
    seconds spent in it and the most it waits there."""

    phase: str
    elapsed: float
    limit: float


@dataclass(frozen=True)
class StopOutcome:
    """How a stop went. ``killed_after`` is set when SIGTERM was not enough (seconds waited
    before SIGKILL); ``gone`` False means the process outlived even SIGKILL's wait."""

    gone: bool
    seconds: float
    already_gone: bool = False
    killed_after: float | None = None
    killed_on_request: bool = False  # SIGKILL because kill_now was set, not after the full wait
    how: str = ""  # "exited normally", "was killed by SIGKILL" (known for a child of ours)


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

    async def stop(self, timeout: float = STOP_TERM_TIMEOUT) -> bool:
        """Stop the engine (see stop_and_report); True once it is gone."""
        return (await self.stop_and_report(timeout)).gone

    async def stop_and_report(self, term_timeout: float = STOP_TERM_TIMEOUT,
                              kill_timeout: float = STOP_KILL_TIMEOUT,
                              progress: Callable[[StopProgress], None] | None = None,
                              kill_now: asyncio.Event | None = None) -> StopOutcome:
        """Ask the engine to exit (SIGTERM: it finishes its writes and leaves its pods to be
        re-adopted), wait for the process itself to end, and SIGKILL it if it has not after
        ``term_timeout`` (or as soon as ``kill_now`` is set). ``progress`` is called about
        every PROGRESS_EVERY seconds while waiting. An engine that already exited (even one
        left a zombie) returns at once."""
        started = time.monotonic()
        pid = self.pid()
        if pid is None:
            return StopOutcome(gone=True, seconds=0.0, already_gone=True)
        if not _signal(pid, signal.SIGTERM):
            return StopOutcome(gone=True, seconds=0.0, already_gone=True)
        if await self._wait_gone(pid, started, term_timeout, "term", progress, kill_now):
            return StopOutcome(gone=True, seconds=time.monotonic() - started, how=self.last_exit)
        killed_after = time.monotonic() - started
        _signal(pid, signal.SIGKILL)
        gone = await self._wait_gone(pid, time.monotonic(), kill_timeout, "kill", progress, None)
        return StopOutcome(gone=gone, seconds=time.monotonic() - started, killed_after=killed_after,
                           killed_on_request=kill_now is not None and kill_now.is_set(), how=self.last_exit)

    async def _wait_gone(self, pid: int, since: float, timeout: float, phase: str,
                         progress: Callable[[StopProgress], None] | None, interrupt: asyncio.Event | None) -> bool:
        """Wait until ``pid`` is no longer a live engine (a child of ours is reaped here)."""
        deadline = since + timeout
        next_report = 0.0
        while True:
            if self.pid() != pid:
                return True
            t = time.monotonic()
            if t >= deadline or (interrupt is not None and interrupt.is_set()):
                return False
            if progress is not None and t >= next_report:
                next_report = t + PROGRESS_EVERY
                progress(StopProgress(phase, t - since, timeout))
            await asyncio.sleep(0.05)

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


def _signal(pid: int, sig: signal.Signals) -> bool:
    """Send ``sig`` to the engine's pid; False if it is already gone."""
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        return False
    return True


def _accepting(path: Path) -> bool:
    """True if something accepts connections on the unix socket ``path`` (a quick local connect)."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        try:
            sock.connect(str(path))
        except OSError:
            return False
    return True
