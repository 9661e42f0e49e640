"""`pelorus install-desktop`: the desktop entry and icon land where the XDG spec says, with an
Exec line that starts this installation's console whatever PATH is."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from console import desktop_entry
from pelorus.shipped import icon_path, resources_dir


def test_quote_exec_arg_follows_the_spec() -> None:
    assert desktop_entry.quote_exec_arg("/usr/bin/python3") == "/usr/bin/python3"
    assert desktop_entry.quote_exec_arg("/home/a b/.venv/bin/python") == '"/home/a b/.venv/bin/python"'
    assert desktop_entry.quote_exec_arg('/x/$HOME"q`\\') == '"/x/\\$HOME\\"q\\`\\\\"'
    assert desktop_entry.quote_exec_arg("/100%/py") == "/100%%/py"


def test_install_and_uninstall(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    where = desktop_entry.install(python="/opt/my env/bin/python")
    assert where.desktop == tmp_path / "share" / "applications" / "pelorus.desktop"
    assert where.icon == tmp_path / "share" / "icons" / "hicolor" / "scalable" / "apps" / "pelorus.svg"
    entry = where.desktop.read_text()
    assert 'Exec="/opt/my env/bin/python" -m console\n' in entry
    assert "Icon=pelorus\n" in entry and entry.startswith("[Desktop Entry]\n")
    template = (resources_dir() / "pelorus.desktop").read_text().splitlines()
    assert [line for line in entry.splitlines() if not line.startswith("Exec=")] == \
        [line for line in template if not line.startswith("Exec=")]
    assert where.icon.read_bytes() == icon_path().read_bytes()
    if shutil.which("desktop-file-validate"):
        proc = subprocess.run(["desktop-file-validate", str(where.desktop)], capture_output=True, text=True)
        assert proc.returncode == 0 and not proc.stdout.strip(), proc.stdout + proc.stderr

    desktop_entry.uninstall()
    assert not where.desktop.exists() and not where.icon.exists()


def test_relative_xdg_data_home_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", "relative/share")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert desktop_entry.targets().desktop == tmp_path / ".local/share/applications/pelorus.desktop"


def test_the_command(tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    proc = subprocess.run([sys.executable, "-m", "console", "install-desktop"], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    entry = tmp_path / ".local/share/applications/pelorus.desktop"
    assert f"Exec={desktop_entry.quote_exec_arg(sys.executable)} -m console" in entry.read_text()
    assert "installed" in proc.stdout
