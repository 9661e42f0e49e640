"""A remote engine: TLS on loopback TCP, bearer tokens with roles, and the serve flags
that refuse to expose an engine without them unless told so explicitly."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from enginehelp import ROOT, Client, EngineProcess, arun, sh_spec
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc
from tlshelp import TOKENS, make_cert, tcp_address, write_tokens

from pelorus.api import job_pb2, pod_pb2
from pelorus.api import job_service_pb2 as js
from pelorus.api import watch_service_pb2 as ws


class Remote:
    def __init__(self, engine: EngineProcess, cert: bytes) -> None:
        self.engine = engine
        self.address = tcp_address(engine)
        self.cert = cert

    def client(self, role: str | None = None, token: str | None = None) -> Client:
        creds = grpc.ssl_channel_credentials(root_certificates=self.cert)
        return Client(self.address, token=token or (TOKENS[role] if role else None), credentials=creds,
                      server_name="localhost")


@pytest.fixture(scope="module")
def remote(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Remote]:
    base = tmp_path_factory.mktemp("auth")
    cert, key = make_cert(base)
    tokens = write_tokens(base / "tokens.yaml")
    engine = EngineProcess(base / "engine", "--listen", "127.0.0.1:0", "--tls-cert", str(cert),
                           "--tls-key", str(key), "--tokens-file", str(tokens)).start()
    try:
        yield Remote(engine, cert.read_bytes())
    finally:
        engine.stop()
        engine.reap_pods()


async def code_of(awaitable: object) -> grpc.StatusCode:
    try:
        await awaitable  # type: ignore[misc]
    except grpc.aio.AioRpcError as exc:
        return exc.code()
    return grpc.StatusCode.OK


def test_missing_or_wrong_token_is_unauthenticated(remote: Remote) -> None:
    async def body() -> None:
        for token in (None, "not-a-real-token-at-all", TOKENS["admin"] + "x"):
            async with remote.client(token=token) as c:
                with pytest.raises(grpc.aio.AioRpcError) as err:
                    await c.jobs.QueryJobs(js.QueryJobsRequest(), metadata=c.metadata, timeout=10)
                assert err.value.code() == grpc.StatusCode.UNAUTHENTICATED
                assert "bearer token" in err.value.details()
                assert await code_of(c.create(sh_spec("x", "true"))) == grpc.StatusCode.UNAUTHENTICATED
                stream = c.watch.Watch(ws.WatchRequest(), metadata=c.metadata, timeout=10)
                assert await code_of(stream.read()) == grpc.StatusCode.UNAUTHENTICATED
        # A bare token without the "Bearer " scheme is refused too.
        async with remote.client() as c:
            md = (("authorization", TOKENS["admin"]),)
            assert await code_of(c.jobs.QueryJobs(js.QueryJobsRequest(), metadata=md, timeout=10)) == \
                grpc.StatusCode.UNAUTHENTICATED

    arun(body(), 30)


def test_bearer_scheme_is_case_insensitive(remote: Remote) -> None:
    async def body() -> None:
        async with remote.client() as c:
            for scheme in ("bearer", "BEARER", "Bearer", "bEaReR"):
                md = (("authorization", f"{scheme} {TOKENS['viewer']}"),)
                assert await code_of(c.jobs.QueryJobs(js.QueryJobsRequest(), metadata=md, timeout=10)) == \
                    grpc.StatusCode.OK, scheme
            md = (("authorization", f"Basic {TOKENS['viewer']}"),)
            assert await code_of(c.jobs.QueryJobs(js.QueryJobsRequest(), metadata=md, timeout=10)) == \
                grpc.StatusCode.UNAUTHENTICATED

    arun(body(), 30)


def test_reflection_lists_every_service_it_serves(remote: Remote) -> None:
    async def ask(c: Client, service: str, request: reflection_pb2.ServerReflectionRequest
                  ) -> reflection_pb2.ServerReflectionResponse:
        call = c.channel.stream_stream(f"/{service}/ServerReflectionInfo",
                                       request_serializer=reflection_pb2.ServerReflectionRequest.SerializeToString,
                                       response_deserializer=reflection_pb2.ServerReflectionResponse.FromString)(
            metadata=c.metadata, timeout=10)
        await call.write(request)
        await call.done_writing()
        resp = await call.read()
        call.cancel()
        return resp

    async def body() -> None:
        async with remote.client("viewer") as c:
            for served in ("grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection"):
                resp = await ask(c, served, reflection_pb2.ServerReflectionRequest(list_services=""))
                names = {s.name for s in resp.list_services_response.service}
                assert {"grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection",
                        "pelorus.v1.JobService", "grpc.health.v1.Health"} <= names, names
                for name in names:  # every listed service is described, v1 included
                    got = await ask(c, served, reflection_pb2.ServerReflectionRequest(file_containing_symbol=name))
                    assert got.HasField("file_descriptor_response"), (name, got)

    arun(body(), 30)


def test_roles(remote: Remote) -> None:
    async def body() -> None:
        async with remote.client("operator") as op, remote.client("viewer") as viewer, \
                remote.client("admin") as admin:
            job = (await op.create(sh_spec("auth-job", "sleep 300", kill_grace_period=0.5))).job_id
            await op.wait_pod(job, 0, lambda p: p.status.state == pod_pb2.POD_STATE_RUNNING, what="RUNNING")

            # viewer: reads and watches, nothing else.
            assert (await viewer.get(job)).job_info.spec.name == "auth-job"
            q = await viewer.jobs.QueryJobs(js.QueryJobsRequest(), metadata=viewer.metadata, timeout=10)
            assert job in {r.job_id for r in q.records}
            watch = viewer.watch.Watch(ws.WatchRequest(job_filter=ws.JobFilter(job_ids=[job])),
                                       metadata=viewer.metadata, timeout=10)
            first = await watch.read()
            assert first.revision > 0
            watch.cancel()
            listed = [r async for r in viewer.jobs.ListJobs(js.ListJobsRequest(), metadata=viewer.metadata,
                                                             timeout=10)]
            assert listed[-1].last
            with pytest.raises(grpc.aio.AioRpcError) as err:
                await viewer.create(sh_spec("nope", "true"))
            assert err.value.code() == grpc.StatusCode.PERMISSION_DENIED
            assert "operator" in err.value.details() and "viewer" in err.value.details()
            st = await viewer.status(job)
            assert await code_of(viewer.jobs.StopJob(js.StopJobRequest(job_id=job, version=st.version),
                                                     metadata=viewer.metadata, timeout=10)) == \
                grpc.StatusCode.PERMISSION_DENIED
            assert (await viewer.status(job)).desired_state == job_pb2.JOB_STATE_RUNNING  # nothing happened

            # operator: acts, but does not delete.
            await op.jobs.StopJob(js.StopJobRequest(job_id=job, version=st.version), metadata=op.metadata,
                                  timeout=10)
            st = await op.wait_state(job, job_pb2.JOB_STATE_KILLED)
            with pytest.raises(grpc.aio.AioRpcError) as err:
                await op.jobs.DeleteJob(js.DeleteJobRequest(job_id=job, version=st.version), metadata=op.metadata,
                                        timeout=10)
            assert err.value.code() == grpc.StatusCode.PERMISSION_DENIED
            assert "admin" in err.value.details()
            await op.get(job)  # still there

            # admin: deletes.
            await admin.jobs.DeleteJob(js.DeleteJobRequest(job_id=job, version=st.version),
                                       metadata=admin.metadata, timeout=10)
            assert await code_of(admin.get(job)) == grpc.StatusCode.NOT_FOUND

        log = remote.engine.log()
        assert "refused /pelorus.v1.JobService/CreateJob: role viewer, needs operator" in log
        assert "refused /pelorus.v1.JobService/DeleteJob: role operator, needs admin" in log
        for token in TOKENS.values():
            assert token not in log  # refusals never log the token

    arun(body(), 30)


def test_refusals_for_missing_tokens_are_logged(remote: Remote) -> None:
    async def body() -> None:
        async with remote.client(token="an-unknown-token-xyz") as c:
            assert await code_of(c.get("some-job")) == grpc.StatusCode.UNAUTHENTICATED
        async with remote.client() as c:
            assert await code_of(c.get("some-job")) == grpc.StatusCode.UNAUTHENTICATED

    arun(body(), 20)
    log = remote.engine.log()
    assert "refused /pelorus.v1.JobService/GetJob: unknown bearer token" in log
    assert "refused /pelorus.v1.JobService/GetJob: missing bearer token" in log
    assert "an-unknown-token-xyz" not in log


def test_health_needs_no_token_and_reflection_needs_one(remote: Remote) -> None:
    async def body() -> None:
        async with remote.client() as c:
            health = health_pb2_grpc.HealthStub(c.channel)
            resp = await health.Check(health_pb2.HealthCheckRequest(service=""), timeout=10)
            assert resp.status == health_pb2.HealthCheckResponse.SERVING
            resp = await health.Check(health_pb2.HealthCheckRequest(service="pelorus.v1.JobService"), timeout=10)
            assert resp.status == health_pb2.HealthCheckResponse.SERVING
        for role, expected in ((None, grpc.StatusCode.UNAUTHENTICATED), ("viewer", grpc.StatusCode.OK)):
            async with remote.client(role) as c:
                stub = reflection_pb2_grpc.ServerReflectionStub(c.channel)
                call = stub.ServerReflectionInfo(metadata=c.metadata, timeout=10)
                try:  # a refused call may fail at the write already
                    await call.write(reflection_pb2.ServerReflectionRequest(list_services=""))
                    await call.done_writing()
                    resp = await call.read()
                    got = grpc.StatusCode.OK
                    names = {s.name for s in resp.list_services_response.service}
                    assert "pelorus.v1.JobService" in names
                except grpc.aio.AioRpcError as exc:
                    got = exc.code()
                assert got == expected, role

    arun(body(), 20)


def test_plaintext_client_cannot_talk_to_tls(remote: Remote) -> None:
    async def body() -> None:
        async with Client(remote.address, token=TOKENS["admin"]) as c:
            assert await code_of(c.jobs.QueryJobs(js.QueryJobsRequest(), metadata=c.metadata, timeout=3)) in (
                grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED)

    arun(body(), 20)


# -- serve flags ----------------------------------------------------------------------------
def serve(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pelorus.engine.serve", "--data-dir", str(tmp_path / "d"), *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=30)


@pytest.mark.slow
def test_listen_refuses_without_tls_or_tokens(tmp_path: Path) -> None:
    cert, key = make_cert(tmp_path)
    res = serve(tmp_path, "--listen", "127.0.0.1:0")
    assert res.returncode != 0
    assert "--tls-cert" in res.stderr and "--insecure" in res.stderr, res.stderr

    res = serve(tmp_path, "--listen", "127.0.0.1:0", "--tls-cert", str(cert), "--tls-key", str(key))
    assert res.returncode != 0
    assert "--tokens-file" in res.stderr, res.stderr

    res = serve(tmp_path, "--listen", "127.0.0.1:0", "--tls-cert", str(cert))
    assert res.returncode != 0 and "go together" in res.stderr, res.stderr

    short = tmp_path / "short.yaml"
    short.write_text("tokens:\n  - token: tooshort\n    role: admin\n")
    short.chmod(0o600)
    res = serve(tmp_path, "--listen", "127.0.0.1:0", "--tls-cert", str(cert), "--tls-key", str(key),
                "--tokens-file", str(short))
    assert res.returncode != 0 and "shorter than 16" in res.stderr, res.stderr

    badrole = tmp_path / "role.yaml"
    badrole.write_text("tokens:\n  - token: abcdefghijklmnopqrstuvwxyz\n    role: root\n")
    badrole.chmod(0o600)
    res = serve(tmp_path, "--listen", "127.0.0.1:0", "--tls-cert", str(cert), "--tls-key", str(key),
                "--tokens-file", str(badrole))
    assert res.returncode != 0 and "'root'" in res.stderr, res.stderr


def test_insecure_plaintext_listen_works(engine_factory: type[EngineProcess]) -> None:
    engine = engine_factory(None, "--listen", "127.0.0.1:0", "--insecure").start()
    address = tcp_address(engine)
    assert address.startswith("127.0.0.1:")

    async def body() -> None:
        async with Client(address) as c:
            job = (await c.create(sh_spec("plain", "true"))).job_id
            st = await c.wait_state(job, job_pb2.JOB_STATE_SUCCEEDED)
            assert st.reason == "SUCCEEDED"

    arun(body(), 20)


@pytest.mark.slow
def test_bare_port_binds_loopback(engine_factory: type[EngineProcess], tmp_path: Path) -> None:
    cert, key = make_cert(tmp_path)
    tokens = write_tokens(tmp_path / "tokens.yaml")
    engine = engine_factory(None, "--listen", "0", "--tls-cert", str(cert), "--tls-key", str(key),
                            "--tokens-file", str(tokens)).start()
    assert tcp_address(engine).startswith("127.0.0.1:")


def test_a_job_version_names_the_token_that_set_it(remote: Remote) -> None:
    """ListJobVersions attributes each spec version to the tokens file's `name` of the caller."""
    async def body() -> None:
        async with remote.client("operator") as op, remote.client("viewer") as viewer:
            created = await op.create(sh_spec("attributed", "sleep 30"), start_paused=True)
            spec = sh_spec("attributed", "sleep 30")
            spec.labels["changed"] = "yes"
            await op.jobs.ReplaceJob(js.ReplaceJobRequest(job_id=created.job_id, version=created.version, spec=spec),
                                     metadata=op.metadata, timeout=10)
            resp = await viewer.jobs.ListJobVersions(js.ListJobVersionsRequest(job_id=created.job_id),
                                                     metadata=viewer.metadata, timeout=10)
            assert [v.changed_by for v in resp.versions] == ["operator-user", "operator-user"]

    arun(body())
