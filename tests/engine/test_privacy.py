"""The engine's files are private to its user: data dir 0700, files 0600, secrets refused
when others can read them (as ssh and PostgreSQL do)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from enginehelp import ROOT, Client, EngineProcess, arun, sh_spec
from tlshelp import make_cert, write_tokens

from pelorus.api import job_pb2


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_existing_0755_data_dir_is_tightened_and_every_file_is_0600(engine_factory: type[EngineProcess],
                                                                   tmp_path: Path) -> None:
    data = tmp_path / "open"
    data.mkdir(mode=0o755)
    data.chmod(0o755)
    (data / "spool").mkdir()
    (data / "spool").chmod(0o755)
    stale = data / "spool" / "old-pod-1.out"
    stale.write_text("secret output\n")
    stale.chmod(0o644)
    old_umask = os.umask(0o022)  # what most users have: files 0644 unless the engine says otherwise
    try:
        eng = engine_factory(data).start()
    finally:
        os.umask(old_umask)
    assert mode(data) == 0o700
    assert f"{data} was mode 0755 (readable by other users); tightened to 0700" in eng.log()
    assert mode(data / "spool") == 0o700 and mode(stale) == 0o600

    async def body() -> None:
        async with Client(eng.address) as c:
            job = (await c.create(sh_spec("private", "echo token=abc; sleep 30"))).job_id
            await c.wait_state(job, job_pb2.JOB_STATE_RUNNING)
            await c.wait_pod(job, 0, lambda p: p.status.pid > 0, what="a pid")
    arun(body())
    files = [data / n for n in ("engine.db", "engine.db-wal", "engine.db-shm", "engine.lock", "engine.sock")]
    files += [p for p in (data / "spool").iterdir()]
    assert len(files) >= 7
    for path in files:
        assert path.exists(), path
        assert mode(path) & 0o077 == 0, f"{path} is {mode(path):04o}"


def _serve(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pelorus.engine.serve", "--data-dir", str(tmp_path / "d"), *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=30)


def test_world_readable_tls_key_or_tokens_file_is_refused(tmp_path: Path) -> None:
    cert, key = make_cert(tmp_path)
    tokens = write_tokens(tmp_path / "tokens.yaml")
    key.chmod(0o644)
    res = _serve(tmp_path, "--listen", "127.0.0.1:0", "--tls-cert", str(cert), "--tls-key", str(key),
                 "--tokens-file", str(tokens))
    assert res.returncode != 0
    assert f"TLS key {key} is mode 0644" in res.stderr and f"chmod 600 {key}" in res.stderr, res.stderr
    key.chmod(0o600)
    tokens.chmod(0o604)
    res = _serve(tmp_path, "--listen", "127.0.0.1:0", "--tls-cert", str(cert), "--tls-key", str(key),
                 "--tokens-file", str(tokens))
    assert res.returncode != 0
    assert f"tokens file {tokens} is mode 0604" in res.stderr and "chmod 600" in res.stderr, res.stderr
