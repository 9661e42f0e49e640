"""The engine and the `proto` commands run where Qt cannot be imported (a headless server):
`pelorus engine serve`, `pelorus-engine` and `pelorus proto decode` must not import PySide6."""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from packhelp import health_status, qt_blocked_env, running_engine

from pelorus.api import job_pb2

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = Path(sysconfig.get_path("scripts"))


def _script(name: str) -> list[str]:
    path = SCRIPTS / name
    if not path.exists():
        pytest.fail(f"{path} is missing: install the project (./dev test does) so its commands exist")
    return [str(path)]


def test_the_blocker_blocks_qt(tmp_path: Path) -> None:
    """The control: in this environment the console itself cannot start."""
    env = qt_blocked_env(tmp_path)
    for code in ("import PySide6", "import console.app"):
        proc = subprocess.run([sys.executable, "-c", code], env=env, cwd=tmp_path, capture_output=True, text=True,
                              timeout=60)
        assert proc.returncode != 0 and "Qt is blocked" in proc.stderr, (code, proc.stderr)


@pytest.mark.parametrize("command", [
    pytest.param([sys.executable, str(ROOT / "main.py"), "engine", "serve"], id="main.py engine serve"),
    pytest.param(["pelorus", "engine", "serve"], id="pelorus engine serve", marks=pytest.mark.slow),
    pytest.param(["pelorus-engine"], id="pelorus-engine", marks=pytest.mark.slow),
])
def test_engine_starts_without_qt(tmp_path: Path, command: list[str]) -> None:
    argv = command if command[0] == sys.executable else [*_script(command[0]), *command[1:]]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    with running_engine(argv, tmp_path / "data", cwd=elsewhere, env=qt_blocked_env(tmp_path)) as socket:
        assert health_status(socket) == "SERVING"


def test_proto_decode_without_qt(tmp_path: Path) -> None:
    """`pelorus proto decode`, by the built-in type and through a user's .proto that imports the
    shipped pelorus/v1/job.proto (found through the installed package, from another directory)."""
    spec = job_pb2.JobSpec(name="headless", owner="ops", instance_count=3)
    data = tmp_path / "spec.bin"
    data.write_bytes(spec.SerializeToString())
    env = qt_blocked_env(tmp_path)
    pelorus = _script("pelorus")

    proc = subprocess.run([*pelorus, "proto", "decode", str(data), "--type", "JobSpec", "--format", "json"],
                          env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == {"name": "headless", "owner": "ops", "instance_count": 3}

    wrapper = tmp_path / "mine.proto"
    wrapper.write_text('syntax = "proto3";\npackage mine;\nimport "pelorus/v1/job.proto";\n'
                       "message Wrapper { pelorus.v1.JobSpec spec = 1; }\n")
    wrapped = tmp_path / "wrapped.bin"
    wrapped.write_bytes(b"\x0a" + bytes([len(data.read_bytes())]) + data.read_bytes())
    proc = subprocess.run([*pelorus, "proto", "decode", str(wrapped), "--type", "mine.Wrapper", "--proto",
                           str(wrapper), "--format", "json"],
                          env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == {"spec": {"name": "headless", "owner": "ops", "instance_count": 3}}
