"""``call --engine``: the console's saved connection, for the Qt-free ``call`` command.

The console owns the profiles and the embedded engine; this module (no Qt) turns them into an
address, TLS roots and token. The embedded engine is not started here: a call that finds it not
running says so, as the console's own status line would.
"""

from __future__ import annotations

from pathlib import Path

from console.embedded import EmbeddedEngine
from console.profiles import EMBEDDED, ProfileStore
from pelorus.grpccall.target import EngineConnection, TargetError


def resolve(profile: str | None, data_dir: Path | None, profiles_dir: Path | None = None) -> EngineConnection:
    """The embedded engine (default, or the one on ``data_dir``), or the saved profile ``profile``."""
    if profile and profile != EMBEDDED:
        store = ProfileStore(profiles_dir)
        found = next((p for p in store.load() if p.name == profile), None)
        if found is None:
            names = ", ".join(p.name for p in store.load())
            raise TargetError(f"no saved profile named {profile!r} (profiles: {names})")
        return EngineConnection(found.address, Path(found.tls_ca) if found.tls_ca else None,
                                store.token(found.name), found.insecure, f"profile {found.name}")
    engine = EmbeddedEngine(data_dir) if data_dir else EmbeddedEngine.default()
    if not engine.is_running():
        raise TargetError(f"the embedded engine ({engine.data_dir}) is not running; open the console "
                                 "or run `python main.py engine serve` first")
    return EngineConnection(engine.address, label=f"embedded engine ({engine.data_dir})")
