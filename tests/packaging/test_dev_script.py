"""./dev: the set-up it does on a bare Debian/Ubuntu, checked without touching this machine
(a copy of the script in a scratch folder, with `dpkg-query` and `id` answered by shims)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _dev_packages() -> list[str]:
    body = re.search(r"^QT_PACKAGES=\(\n(.*?)\n\)", (ROOT / "dev").read_text(), re.M | re.S)
    assert body, "./dev lost its QT_PACKAGES list"
    return body.group(1).split()


def _shims(tmp: Path, uid: int) -> dict[str, str]:
    """PATH with a dpkg-query that knows no package installed and an `id` that says `uid`."""
    bin_dir = tmp / "shims"
    bin_dir.mkdir()
    for name, script in (("dpkg-query", "#!/bin/sh\nexit 1\n"),
                         ("id", f"#!/bin/sh\necho {uid}\n"),
                         ("apt-get", f"#!/bin/sh\necho \"apt-get $*\" >> {tmp / 'apt.log'}\nexit 1\n")):
        (bin_dir / name).write_text(script)
        (bin_dir / name).chmod(0o755)
    return {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}


def _scratch_checkout(tmp: Path) -> Path:
    src = tmp / "checkout"
    src.mkdir()
    shutil.copy2(ROOT / "dev", src / "dev")
    shutil.copy2(ROOT / "pyproject.toml", src / "pyproject.toml")
    return src


def test_not_root_prints_the_exact_apt_command_and_stops(tmp_path: Path) -> None:
    src = _scratch_checkout(tmp_path)
    proc = subprocess.run([str(src / "dev"), "test"], env=_shims(tmp_path, 1000), capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 1, proc.stderr
    line = next(x.strip() for x in proc.stderr.splitlines() if "apt-get install" in x)
    assert line.startswith("sudo apt-get update && sudo apt-get install -y ")
    packages = _dev_packages()  # this machine's python3 has venv, so only Qt's packages are named
    assert line.split()[8:] == packages
    assert not (src / ".venv").exists() and not (tmp_path / "apt.log").exists()  # nothing done


def test_root_runs_apt_get_update_first(tmp_path: Path) -> None:
    src = _scratch_checkout(tmp_path)
    proc = subprocess.run([str(src / "dev"), "run"], env=_shims(tmp_path, 0), capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode != 0  # the shim apt-get fails, and ./dev stops there
    calls = (tmp_path / "apt.log").read_text().splitlines()
    assert calls == ["apt-get update -q"], calls
    assert not (src / ".venv").exists()


def test_readme_lists_the_same_packages_as_dev() -> None:
    readme = (ROOT / "README.md").read_text().replace("\\\n", " ")
    manual = re.search(r"^sudo apt-get install -y (.*)$", readme, re.M)
    assert manual, "README lost its apt-get line"
    assert sorted(manual.group(1).split()) == sorted(["python3-venv", *_dev_packages()])
    assert "sudo apt-get update\n" in readme


def test_usage_and_unknown_command() -> None:
    ok = subprocess.run([str(ROOT / "dev"), "--help"], capture_output=True, text=True, timeout=30)
    assert ok.returncode == 0 and "./dev run" in ok.stdout and "./dev test" in ok.stdout
    bad = subprocess.run([str(ROOT / "dev"), "frobnicate"], capture_output=True, text=True, timeout=30)
    assert bad.returncode == 2 and "./dev run" in bad.stderr


def test_run_after_set_up_skips_it_by_the_stamp(tmp_path: Path) -> None:
    """Once set up, `./dev run` goes straight to python (by the stamp's date when no input changed
    since, by the inputs' hash when one was touched without changing); a changed input sets up again."""
    src = _scratch_checkout(tmp_path)
    (src / "main.py").write_text("")
    bin_dir = src / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "python").write_text(f"#!/bin/sh\necho ran >> {tmp_path / 'python.log'}\n")
    (bin_dir / "python").chmod(0o755)
    key = subprocess.run(["bash", "-c", 'cat pyproject.toml dev | sha256sum | cut -c1-16'], cwd=src,
                         capture_output=True, text=True, check=True).stdout
    stamp = src / ".venv" / ".dev-run"
    stamp.write_text(key)
    env = _shims(tmp_path, 1000)  # a set-up would stop at the missing packages (exit 1)

    def run() -> int:
        return subprocess.run([str(src / "dev"), "run"], env=env, capture_output=True, text=True,
                              timeout=60).returncode

    assert run() == 0  # the stamp is newer than every input
    old = stamp.stat().st_mtime_ns
    os.utime(src / "pyproject.toml", ns=(old + 10**9, old + 10**9))  # touched, unchanged
    assert run() == 0 and stamp.stat().st_mtime_ns > old  # the hash agreed; the stamp re-dated
    assert (tmp_path / "python.log").read_text().splitlines() == ["ran", "ran"]
    (src / "pyproject.toml").write_text((src / "pyproject.toml").read_text() + "\n# changed\n")
    assert run() == 1  # set-up again (stopped here by the shims: no package installed)
