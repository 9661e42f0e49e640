"""The embedded engine: a child process on a private unix socket in the user's data dir.

The console starts it on first launch and re-attaches on the next one (the engine keeps
running while the console is closed if the operator chose so). It is started in its own
session so closing the console's terminal does not kill it, and stopped by its pid (read
from the data dir's lock file), never by name.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from pelorus.engine.paths import default_data_dir, socket_address, socket_path

START_TIMEOUT = 20.0


class EmbeddedEngineError(RuntimeError):
    pass


@dataclass
class EmbeddedEngine:
    data_dir: Path
    _proc: subprocess.Popen[bytes] | None = None

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
        """The running engine's pid, if the lock file names a live process."""
        try:
            text = (self.data_dir / "engine.lock").read_text().strip()
            pid = int(text)
            if self._proc is not None and self._proc.pid == pid and self._proc.poll() is not None:
                return None  # our child died (and is now reaped, not a zombie)
            os.kill(pid, 0)
            return pid
        except (OSError, ValueError):
            return None

    def is_running(self) -> bool:
        return self.pid() is not None and socket_path(self.data_dir).exists()

    async def ensure_running(self) -> bool:
        """Start the engine unless one already serves this data dir. True if it was started now."""
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
                raise EmbeddedEngineError(f"the engine exited at start (code {proc.returncode}); "
                                          f"its log is {self.log_path}:\n{self._log_tail()}")
            if socket_path(self.data_dir).exists() and self.pid() == proc.pid:
                return True
            await asyncio.sleep(0.05)
        raise EmbeddedEngineError(f"the engine did not start within {START_TIMEOUT:.0f} s; see {self.log_path}")

    async def stop(self, timeout: float = 15.0) -> bool:
        """Ask the engine to exit (SIGTERM: it finishes its writes); True once it is gone."""
        pid = self.pid()
        if pid is None:
            return True
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc is not None and self._proc.pid == pid:
                if self._proc.poll() is not None:  # our child: reap it, or it lingers as a zombie
                    return True
            elif self.pid() is None:
                return True
            await asyncio.sleep(0.05)
        return False

    def _log_tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""
