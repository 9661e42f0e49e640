"""Connection profiles: the embedded engine plus remote engines the operator added.

Profiles live in a JSON file in the user's config dir. Tokens never go there: they go to
the system keyring when the `keyring` package and a backend are available, else to one
file per profile that only the user can read (0600, in a 0700 directory).
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

import platformdirs

EMBEDDED = "Embedded engine"
KEYRING_SERVICE = "pelorus"


@dataclass(frozen=True)
class Profile:
    name: str
    address: str = ""  # empty = the embedded engine
    tls_ca: str = ""
    insecure: bool = False

    @property
    def embedded(self) -> bool:
        return not self.address


class ProfileStore:
    def __init__(self, config_dir: Path | None = None) -> None:
        self.dir = config_dir or Path(platformdirs.user_config_dir("pelorus", appauthor=False))
        self.path = self.dir / "profiles.json"

    def load(self) -> list[Profile]:
        profiles = [Profile(EMBEDDED)]
        try:
            data = json.loads(self.path.read_text())
            profiles += [Profile(**p) for p in data.get("profiles", []) if p.get("name") != EMBEDDED]
        except (OSError, ValueError, TypeError):
            pass
        return profiles

    def save(self, profiles: list[Profile]) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        data = {"profiles": [asdict(p) for p in profiles if not p.embedded]}
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=2))
        tmp.replace(self.path)

    def add(self, profile: Profile, token: str | None) -> None:
        profiles = [p for p in self.load() if p.name != profile.name] + [profile]
        self.save(profiles)
        if token:
            self.set_token(profile.name, token)

    # -- tokens -------------------------------------------------------------------------
    def _token_file(self, name: str) -> Path:
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)
        return self.dir / "tokens" / safe

    def set_token(self, name: str, token: str) -> str:
        """Returns where it went: "keyring" or the file path."""
        try:
            import keyring  # optional: present on most desktops

            keyring.set_password(KEYRING_SERVICE, name, token)
            return "keyring"
        except Exception:  # noqa: BLE001 - no keyring module or no usable backend: fall back to a file
            pass
        path = self._token_file(name)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(path.parent, 0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(token)
        return str(path)

    def token(self, name: str) -> str | None:
        try:
            import keyring

            value = keyring.get_password(KEYRING_SERVICE, name)
            if value:
                return str(value)
        except Exception:  # noqa: BLE001 - fall back to the file
            pass
        try:
            return self._token_file(name).read_text().strip() or None
        except OSError:
            return None
