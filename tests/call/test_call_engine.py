"""`call` against the project's own engine: on its unix socket, through `--engine` (the embedded
engine's data dir, or a saved profile with TLS and token), the four call kinds it has."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from callhelp import call
from enginehelp import EngineProcess
from tlshelp import TOKENS, make_cert, tcp_address, write_tokens

from console.profiles import Profile, ProfileStore
from pelorus.api import job_service_pb2 as js

JOBS = "pelorus.v1.JobService"
SPEC = '{"spec": {"name": "called", "owner": "tests", "instance_count": 1, "default_spec": {"command": "true"}}, ' \
       '"start_paused": true}'


def test_lists_the_engine_services_and_calls_unary_and_streaming(shared_engine: EngineProcess) -> None:
    addr = shared_engine.address
    res = call(addr)
    assert res.code == 0, res
    assert {JOBS, "pelorus.v1.PodService", "pelorus.v1.WatchService"} <= set(res.text.splitlines())
    res = call(addr, f"{JOBS}/CreateJob", "-d", SPEC)
    assert res.code == 0, res
    job_id = json.loads(res.text)["job_id"]
    res = call(addr, "JobService/GetJob", "-d", json.dumps({"job_id": job_id, "summary_only": True}))
    assert res.code == 0, res
    assert json.loads(res.text)["summary"]["name"] == "called"
    res = call(addr, f"{JOBS}/ListJobs", "-d", '{"batch_size": 1}', "--out", "text")
    assert res.code == 0 and job_id in res.text, res
    res = call(addr, f"{JOBS}/GetJob", "-d", '{"job_id": "no-such-job"}')
    assert res.code == 64 + 5, res
    assert res.err.startswith("error: NOT_FOUND: ")


def test_binary_request_reaches_the_engine_as_sent(shared_engine: EngineProcess, tmp_path: Path) -> None:
    request = js.GetJobRequest(job_id="no-such-job-either").SerializeToString()
    (tmp_path / "req.bin").write_bytes(request)
    res = call(shared_engine.address, f"{JOBS}/GetJob", "--in", "binary", "-d", f"@{tmp_path / 'req.bin'}")
    assert res.code == 69 and "no-such-job-either" in res.err, res


def test_engine_flag_uses_the_embedded_engine_of_a_data_dir(shared_engine: EngineProcess, tmp_path: Path) -> None:
    res = call("--engine", "--data-dir", str(shared_engine.data_dir), f"{JOBS}/QueryJobs", "-d", "{}")
    assert res.code == 0, res
    assert isinstance(json.loads(res.text), dict)
    res = call("--engine", "--data-dir", str(tmp_path / "nothing-here"), f"{JOBS}/QueryJobs")
    assert res.code == 1 and "is not running" in res.err, res
    res = call(shared_engine.address, "--engine", "--data-dir", str(shared_engine.data_dir))
    assert res.code == 1 and "service" in res.err, res  # the address is read as a method with --engine


def test_engine_profile_brings_its_tls_and_token(engine_factory: type[EngineProcess], tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    cert, key = make_cert(tmp_path)
    tokens = write_tokens(tmp_path / "tokens.yaml")
    engine = engine_factory(tmp_path / "tcp-engine", "--listen", "127.0.0.1:0", "--tls-cert", str(cert),
                            "--tls-key", str(key), "--tokens-file", str(tokens)).start()
    address = tcp_address(engine)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    store = ProfileStore()
    assert str(store.dir).startswith(str(tmp_path))
    store.add(Profile("lab", address, str(cert)), TOKENS["viewer"])
    store.add(Profile("lab-no-token", address, str(cert)), None)
    res = call("--engine", "--profile", "lab", f"{JOBS}/QueryJobs", "-d", "{}", "-v")
    assert res.code == 0, res
    assert "authorization: Bearer ***" in res.err
    res = call("--engine", "--profile", "lab-no-token", f"{JOBS}/QueryJobs", "-d", "{}")
    assert res.code == 64 + 16, res
    assert res.err.startswith("error: UNAUTHENTICATED: ")
    res = call("--engine", "--profile", "nope")
    assert res.code == 1 and "no saved profile named 'nope'" in res.err, res
    # the same engine by address: TLS roots and the token by hand
    res = call(address, f"{JOBS}/QueryJobs", "--tls-ca", str(cert), "-H", f"authorization: Bearer {TOKENS['viewer']}")
    assert res.code == 0, res
    res = call(address, f"{JOBS}/QueryJobs", "--plaintext", "--timeout", "3",
               "-H", f"authorization: Bearer {TOKENS['viewer']}")
    assert res.code == 64 + 14, res  # UNAVAILABLE: plaintext to a TLS port


def test_the_engine_own_proto_given_by_path_loads_beside_the_built_in_copy(shared_engine: EngineProcess) -> None:
    """Regression: job_service.proto compiled from its own directory is "job_service.proto", not
    "pelorus/v1/job_service.proto", so its symbols clashed with the built-in copy ("duplicate symbol")."""
    proto = Path(__file__).resolve().parents[2] / "proto" / "pelorus" / "v1" / "job_service.proto"
    res = call(shared_engine.address, "JobService/GetJob", "--proto", str(proto), "-d", '{"job_id": "nope"}')
    assert res.code == 64 + 5, res
    assert res.err.startswith("error: NOT_FOUND: ")
