"""`engine serve --config FILE`: YAML keys mirror the flags, flags win, bad files are refused
with the file and the key named (and nothing starts)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from enginehelp import ROOT, Client, EngineProcess, arun, sh_spec

from pelorus.api import pod_pb2
from pelorus.engine.serve import parse_args

P = pod_pb2


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "engine.yaml"
    path.write_text(text)
    return path


def test_keys_mirror_the_flags_and_flags_override(tmp_path: Path) -> None:
    cfg = write(tmp_path, "executor: local\nmax-running-pods: 7\nlog_level: DEBUG\ndata-dir: store\n"
                          "stop-pods-on-exit: true\n")
    args = parse_args(["--config", str(cfg)])
    assert (args.executor, args.max_running_pods, args.log_level) == ("local", 7, "DEBUG")
    assert args.stop_pods_on_exit is True
    assert args.data_dir == tmp_path / "store"  # relative to the file
    args = parse_args(["--config", str(cfg), "--max-running-pods", "3", "--data-dir", "/x"])
    assert args.max_running_pods == 3 and args.data_dir == Path("/x")
    assert parse_args([]).max_running_pods == 256  # no file: the built-in defaults


@pytest.mark.parametrize(("text", "message"), [
    ("ray-adress: http://h:8265\n", "unknown key 'ray-adress' (known: data-dir, executor,"),
    ("max-running-pods: lots\n", "'max-running-pods' must be a whole number, not 'lots'"),
    ("max-running-pods: true\n", "'max-running-pods' must be a whole number, not True"),
    ("executor: kubernetes\n", "'executor' must be one of local, ray, not 'kubernetes'"),
    ("insecure: yes please\n", "'insecure' must be true or false, not 'yes please'"),
    ("listen: [1, 2]\n", "'listen' must be a string, not [1, 2]"),
    ("- executor\n", "must be a mapping of settings"),
    ("executor: [\n", "is not valid YAML"),
])
def test_bad_config_is_refused_with_the_key_named(tmp_path: Path, text: str, message: str) -> None:
    cfg = write(tmp_path, text)
    proc = subprocess.run([sys.executable, "-m", "pelorus.engine.serve", "--config", str(cfg),
                           "--data-dir", str(tmp_path / "d")], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 2, proc
    assert message in proc.stderr and str(cfg) in proc.stderr, proc.stderr
    assert not (tmp_path / "d" / "engine.sock").exists()


def test_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(SystemExit):
        parse_args(["--config", str(tmp_path / "nope.yaml")])


@pytest.mark.slow
def test_engine_runs_with_settings_from_the_file(engine_factory: type[EngineProcess], tmp_path: Path) -> None:
    """A setting with a visible effect: max-running-pods 1 from the file runs one pod at a time."""
    cfg = write(tmp_path, "max-running-pods: 1\nexecutor: local\n")
    engine = engine_factory(tmp_path / "e", "--config", str(cfg)).start()

    async def body() -> None:
        async with Client(engine.address) as c:
            job_id = (await c.create(sh_spec("one-at-a-time", "sleep 1.5", instances=2))).job_id
            await c.wait_pod(job_id, 0, lambda p: p.status.state == P.POD_STATE_RUNNING, timeout=20, what="running")
            other = await c.pod(job_id, 1)
            assert other.current.status.state == P.POD_STATE_PENDING, other.current.status

    arun(body(), 40)
