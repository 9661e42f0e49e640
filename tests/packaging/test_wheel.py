"""A wheel carries everything a user needs: built from the checkout, installed into a fresh
venv and run from another directory, its engine serves, and its demo specs, icon, desktop entry
and .proto files are found inside the installed package (not in the checkout)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from packhelp import health_status, qt_blocked_env, running_engine

ROOT = Path(__file__).resolve().parents[2]
SKIP_DIRS = {".git", ".venv", "venv", "build", "dist", "__pycache__", ".mypy_cache", ".ruff_cache",
             ".hypothesis", ".pytest_cache", "bench", "tests"}

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Installed:
    wheel: Path
    venv: Path
    elsewhere: Path  # a working directory that is not the checkout

    def bin(self, name: str) -> Path:
        return self.venv / "bin" / name

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
        env["HOME"] = str(self.elsewhere)  # nothing read from the developer's home
        env["XDG_DATA_HOME"] = str(self.elsewhere / "share")
        return env


def _copy_source(dst: Path) -> None:
    """The checkout's sources, so the build's build/ and *.egg-info land outside the checkout."""
    def ignore(folder: str, names: list[str]) -> set[str]:
        return {n for n in names if n in SKIP_DIRS or n.endswith(".egg-info")}
    shutil.copytree(ROOT, dst, symlinks=True, ignore=ignore)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    tmp = tmp_path_factory.mktemp("wheel")
    src, dist, venv, elsewhere = tmp / "src", tmp / "dist", tmp / "venv", tmp / "elsewhere"
    _copy_source(src)
    elsewhere.mkdir()
    # No build isolation: setuptools comes from the test extra, so the build needs no network.
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(dist), str(src)], check=True, timeout=300, cwd=tmp)
    (wheel,) = dist.glob("pelorus-*.whl")
    # A fresh venv that sees this environment's dependencies but not its (editable) pelorus:
    # a plain path in a .pth file adds the folder without running the .pth files inside it.
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    venv_site = Path(subprocess.check_output(
        [str(venv / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        text=True).strip())
    (venv_site / "_pelorus_test_deps.pth").write_text(
        "\n".join(dict.fromkeys([sysconfig.get_path("purelib"), sysconfig.get_path("platlib")])) + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "--no-deps",
                    "-q", str(wheel)], check=True, timeout=300, cwd=tmp)
    yield Installed(wheel, venv, elsewhere)


def _checkout_files(folder: str, pattern: str) -> set[str]:
    return {p.relative_to(ROOT / folder).as_posix() for p in (ROOT / folder).rglob(pattern)}


def test_wheel_holds_every_module_and_the_shipped_files(installed: Installed) -> None:
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    for package in ("pelorus", "console"):
        modules = {p.relative_to(ROOT).as_posix() for p in (ROOT / package).rglob("*.py")
                   if p.relative_to(ROOT).parts[1] not in ("resources", "proto")}
        assert modules and modules <= names, sorted(modules - names)
    assert {f"pelorus/resources/{n}" for n in _checkout_files("resources", "*.*")} <= names
    assert {f"pelorus/proto/{n}" for n in _checkout_files("proto", "*.proto")} <= names
    assert "pelorus/resources/demo/1-bulk-thumbnails.yaml" in names


def test_installed_package_finds_its_resources(installed: Installed) -> None:
    probe = ("import json, pelorus, console.cli\n"
             "from pelorus.shipped import demo_dir, icon_path, proto_dir\n"
             "from pelorus.specfile import demo_specs\n"
             "print(json.dumps({'pelorus': pelorus.__file__, 'console': console.cli.__file__,\n"
             "  'demos': sorted(demo_specs()), 'demo_dir': str(demo_dir()), 'icon': str(icon_path()),\n"
             "  'protos': sorted(p.relative_to(proto_dir()).as_posix() for p in proto_dir().rglob('*.proto'))}))\n")
    out = subprocess.run([str(installed.bin("python")), "-c", probe], cwd=installed.elsewhere, env=installed.env(),
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    found = json.loads(out.stdout)
    site = str(installed.venv)
    for key in ("pelorus", "console", "demo_dir", "icon"):
        assert found[key].startswith(site), (key, found[key])  # the wheel's copy, not the checkout's
    assert found["demos"] == sorted(p.stem for p in (ROOT / "resources" / "demo").glob("*.yaml"))
    assert found["protos"] == sorted(_checkout_files("proto", "*.proto"))


@pytest.mark.parametrize("command", [["pelorus-engine"], ["pelorus", "engine", "serve"]])
def test_engine_from_the_wheel_serves_from_another_directory(installed: Installed, tmp_path: Path,
                                                            command: list[str]) -> None:
    argv = [str(installed.bin(command[0])), *command[1:]]
    env = qt_blocked_env(tmp_path, installed.env())  # a headless install: no Qt needed
    with running_engine(argv, tmp_path / "data", cwd=installed.elsewhere, env=env) as socket:
        assert health_status(socket) == "SERVING"


def test_install_desktop_from_the_wheel(installed: Installed) -> None:
    env = installed.env()
    proc = subprocess.run([str(installed.bin("pelorus")), "install-desktop"], cwd=installed.elsewhere, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    share = installed.elsewhere / "share"
    entry = (share / "applications" / "pelorus.desktop").read_text()
    assert f"Exec={installed.bin('python')} -m console\n" in entry
    # the launcher's command line works from anywhere (--help: no display here)
    proc = subprocess.run([str(installed.bin("python")), "-m", "console", "--help"], cwd="/", env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and "install-desktop" in proc.stdout, proc.stderr
    assert (share / "icons/hicolor/scalable/apps/pelorus.svg").read_bytes() == \
        (ROOT / "resources" / "pelorus.svg").read_bytes()
