"""`pelorus install-desktop`: put Pelorus in the desktop's application launcher (no Qt needed).

Writes the desktop entry (resources/pelorus.desktop, with Exec pointing at this installation's
interpreter, so it works from a virtualenv that is not on PATH) to
$XDG_DATA_HOME/applications and the icon to $XDG_DATA_HOME/icons/hicolor/scalable/apps,
XDG_DATA_HOME defaulting to ~/.local/share as the XDG base directory spec says.
`--uninstall` removes both.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from pelorus.shipped import MissingResources, icon_path, resources_dir

DESKTOP_FILE = "pelorus.desktop"
ICON_FILE = "pelorus.svg"


@dataclass(frozen=True)
class Targets:
    desktop: Path
    icon: Path


def data_home() -> Path:
    value = os.environ.get("XDG_DATA_HOME", "")
    # The spec: a relative or empty XDG_DATA_HOME is invalid and must be ignored.
    return Path(value) if value and os.path.isabs(value) else Path.home() / ".local" / "share"


def targets(base: Path | None = None) -> Targets:
    base = data_home() if base is None else base
    return Targets(desktop=base / "applications" / DESKTOP_FILE,
                   icon=base / "icons" / "hicolor" / "scalable" / "apps" / ICON_FILE)


def quote_exec_arg(arg: str) -> str:
    """One Exec argument, quoted as the Desktop Entry spec requires ('%' doubled for field codes)."""
    arg = arg.replace("%", "%%")
    reserved = set(" \t\n\"'\\><~|&;$*?#()`")
    if not any(ch in reserved for ch in arg):
        return arg
    escaped = "".join("\\" + ch if ch in '"`$\\' else ch for ch in arg)
    return f'"{escaped}"'


def exec_line(python: str | None = None) -> str:
    """Start the console with this interpreter: `python -m console` needs nothing on PATH."""
    return " ".join(quote_exec_arg(a) for a in (python or sys.executable, "-m", "console"))


def render_entry(template: str, exec_value: str) -> str:
    lines = [f"Exec={exec_value}" if line.startswith("Exec=") else line for line in template.splitlines()]
    return "\n".join(lines) + "\n"


def install(base: Path | None = None, python: str | None = None) -> Targets:
    """Write the desktop entry and the icon; returns where they went."""
    where = targets(base)
    template = (resources_dir() / DESKTOP_FILE).read_text(encoding="utf-8")
    where.desktop.parent.mkdir(parents=True, exist_ok=True)
    where.icon.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(icon_path(), where.icon)
    where.desktop.write_text(render_entry(template, exec_line(python)), encoding="utf-8")
    where.desktop.chmod(0o755)  # some desktops ask before running an entry that is not executable
    _refresh_caches(where)
    return where


def uninstall(base: Path | None = None) -> Targets:
    where = targets(base)
    where.desktop.unlink(missing_ok=True)
    where.icon.unlink(missing_ok=True)
    _refresh_caches(where)
    return where


def _refresh_caches(where: Targets) -> None:
    """Best effort: desktops watch the folder; the MIME cache only speeds up the next lookup."""
    folder = where.desktop.parent
    if shutil.which("update-desktop-database") and folder.is_dir():
        subprocess.run(["update-desktop-database", "-q", str(folder)], check=False, capture_output=True, timeout=30)


def main(argv: list[str] | None = None, prog: str = "pelorus install-desktop") -> int:
    p = argparse.ArgumentParser(prog=prog, description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--uninstall", action="store_true", help="remove the desktop entry and the icon")
    args = p.parse_args(argv)
    try:
        if args.uninstall:
            where = uninstall()
            print(f"removed {where.desktop} and {where.icon}")
        else:
            where = install()
            print(f"installed {where.desktop}\n      and {where.icon}\n"
                  "Pelorus is now in the desktop's application launcher.")
    except (MissingResources, OSError) as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return 1
    return 0
