"""EngineClient against real engine processes: calls, typed errors, auth, and feeds that
survive an engine killed with SIGKILL (or replaced by another store) without losing or
repeating a change."""

from __future__ import annotations

import asyncio
import re
import signal
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc
import pytest
from enginehelp import EngineProcess, arun, sh_spec
from tlshelp import TOKENS, make_cert, tcp_address, write_tokens

from pelorus import errors
from pelorus.api import job_pb2, pod_pb2
from pelorus.api import watch_service_pb2 as ws
from pelorus.client import CONNECTED, DISCONNECTED, RECONNECTING, ConnectionConfig, EngineClient, backoff
from pelorus.engine import auth

J = job_pb2
TERMINAL = (J.JOB_STATE_SUCCEEDED, J.JOB_STATE_FAILED, J.JOB_STATE_KILLED)


async def wait_until(pred: Callable[[], bool], timeout: float = 15.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not pred():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


async def wait_job(client: EngineClient, job_id: str, *states: int, timeout: float = 15.0) -> J.JobInfo:
    deadline = time.monotonic() + timeout
    while True:
        info = (await client.get_job(job_id)).job_info
        if info.status.state in states:
            return info
        if time.monotonic() > deadline:
            raise AssertionError(f"job {job_id} never reached {states}; last:\n{info.status}")
        await asyncio.sleep(0.05)


@dataclass
class Recorder:
    """What a feed delivered: snapshots, changes (with their revisions) and states."""

    snapshots: list[tuple[dict[str, Any], int]] = field(default_factory=list)
    revisions: list[int] = field(default_factory=list)
    states: list[tuple[str, str]] = field(default_factory=list)
    current: dict[str, Any] = field(default_factory=dict)  # key -> latest entity, as a model would hold

    def key(self, item: Any) -> str:
        return str(item.job_id) if isinstance(item, J.JobSummary) else str(item.pod_name)

    def revision_of(self, item: Any) -> int:
        return int(item.status.revision) if isinstance(item, J.JobSummary) else int(item.revision)

    def on_snapshot(self, items: list[Any], revision: int) -> None:
        self.current = {self.key(i): i for i in items}
        self.snapshots.append((dict(self.current), revision))

    def on_changes(self, batch: list[tuple[Any, bool]]) -> None:
        for item, deleted in batch:
            self.revisions.append(self.revision_of(item))
            if deleted:
                self.current.pop(self.key(item), None)
            else:
                self.current[self.key(item)] = item

    def on_state(self, state: str, detail: str) -> None:
        self.states.append((state, detail))

    @property
    def state(self) -> str:
        return self.states[-1][0] if self.states else ""

    def job_state(self, job_id: str) -> int:
        item = self.current.get(job_id)
        return int(item.status.state) if item is not None else -1


async def run_feed(start: Callable[[Recorder], Awaitable[None]]) -> tuple[Recorder, asyncio.Task[None]]:
    rec = Recorder()
    task = asyncio.ensure_future(start(rec))
    await wait_until(lambda: rec.state == CONNECTED, what="feed connected")
    return rec, task


async def stop_feed(task: asyncio.Task[None]) -> None:
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert task.cancelled()


def job_feed(client: EngineClient) -> Callable[[Recorder], Awaitable[None]]:
    return lambda rec: client.job_feed(rec.on_snapshot, rec.on_changes, rec.on_state)


def job_feed_raw(client: EngineClient, synced: list[int]) -> Callable[[Recorder], Awaitable[None]]:
    """``job_feed_raw`` with its responses parsed here as the console's worker does (dropping what
    is at or below the last revision parsed); ``synced`` gets each revision a resumed Watch asked for."""

    def start(rec: Recorder) -> Awaitable[None]:
        seen = 0

        def on_snapshot(items: list[Any], revision: int) -> None:
            nonlocal seen
            seen = revision
            rec.on_snapshot(items, revision)

        def on_response(data: bytes) -> None:
            nonlocal seen
            assert isinstance(data, bytes)
            resp = ws.WatchResponse.FromString(data)
            batch = [(ch.job, ch.deleted) for ch in resp.changes if ch.revision > seen and ch.HasField("job")]
            if batch:
                rec.on_changes(batch)
            seen = max(seen, resp.revision)

        async def revision_seen() -> int:
            synced.append(seen)
            return seen

        return client.job_feed_raw(on_snapshot, on_response, rec.on_state, client.list_jobs, revision_seen)

    return start


# -- unit ---------------------------------------------------------------------------------------
def test_backoff_doubles_from_a_quarter_second_to_ten_seconds_with_jitter() -> None:
    for attempt in range(1, 30):
        step = min(10.0, 0.25 * 2 ** (attempt - 1))
        delays = {backoff(attempt) for _ in range(50)}
        assert all(max(0.25, step / 2) <= d <= step for d in delays)
    assert len({backoff(5) for _ in range(20)}) > 1
    assert max(backoff(100) for _ in range(100)) <= 10.0


def test_local_mutating_list_matches_the_engines_roles() -> None:
    from pelorus.client import MUTATING
    assert MUTATING == auth.OPERATOR_METHODS | auth.ADMIN_METHODS


def rpc_error(code: grpc.StatusCode, details: str) -> grpc.aio.AioRpcError:
    return grpc.aio.AioRpcError(code, grpc.aio.Metadata(), grpc.aio.Metadata(), details=details)


@pytest.mark.parametrize(("code", "details", "method", "kind", "sentence"), [
    (grpc.StatusCode.ABORTED, "unexpected entity version", "StopJob", errors.Conflict,
     "Stop job failed: unexpected entity version"),
    (grpc.StatusCode.NOT_FOUND, "job 'x' not found", "GetJobIDFromJobName", errors.NotFound,
     "Get job ID from job name failed: job 'x' not found"),
    (grpc.StatusCode.UNAVAILABLE, ("failed to connect to all addresses; last error: UNKNOWN: unix:/s/engine.sock: "
     "connect failed: addr: unix:/s/engine.sock error: Connection refused"), "ListJobs", errors.Unavailable,
     "List jobs failed: the engine is unreachable (Connection refused)"),
    (grpc.StatusCode.UNAVAILABLE, "Stream removed (Socket closed)", "Watch", errors.Unavailable,
     "Watch failed: the connection to the engine was lost (Stream removed (Socket closed))"),
    (grpc.StatusCode.UNAVAILABLE, ("failed to connect to all addresses; last error: UNKNOWN: ipv4:127.0.0.1:1: Tls "
     "handshake failed (TSI_PROTOCOL_FAILURE): SSL_ERROR_SSL: error:1000007d:SSL routines:OPENSSL_internal:"
     "CERTIFICATE_VERIFY_FAILED: self signed certificate: OK"), "Health check", errors.Unavailable,
     ("Health check failed: the engine's TLS certificate is not trusted (self signed certificate); "
     "is the right CA certificate given?")),
    (grpc.StatusCode.DEADLINE_EXCEEDED, "Deadline Exceeded", "RestartPod", errors.DeadlineExceeded,
     "Restart pod failed: the engine did not answer in time"),
    (grpc.StatusCode.RESOURCE_EXHAUSTED, "too big", "QueryJobs", errors.ClientError, "Query jobs failed: too big"),
])
def test_errors_are_typed_sentences(code: grpc.StatusCode, details: str, method: str, kind: type[errors.ClientError],
                                    sentence: str) -> None:
    err = errors.from_rpc_error(rpc_error(code, details), method)
    assert type(err) is kind and err.code == code and err.method == method
    assert str(err) == sentence


# -- calls ----------------------------------------------------------------------------------------
def test_connect_health_and_close(engine: EngineProcess) -> None:
    async def body() -> None:
        client = EngineClient(ConnectionConfig(engine.address))
        await client.connect()
        assert client.connected
        assert (await client.list_jobs())[1] >= 1
        await client.close()
        assert not client.connected
        with pytest.raises(errors.Unavailable):
            await client.get_job("x")
        # Nothing there: Unavailable with a sentence, not a traceback, and no channel left open.
        missing = EngineClient(ConnectionConfig(f"unix:{engine.data_dir}/nobody.sock", deadline=3))
        with pytest.raises(errors.Unavailable) as err:
            await missing.connect()
        assert str(err.value).startswith("Health check failed: the engine is unreachable")
        assert not missing.connected

    arun(body(), 30)


def test_create_get_stop_roundtrip_and_reads(engine: EngineProcess) -> None:
    async def body() -> None:
        async with EngineClient(ConnectionConfig(engine.address)) as c:
            spec = sh_spec("roundtrip", "echo hello; sleep 300", instances=2, kill_grace_period=0.5)
            created = await c.create_job(spec, idempotency_key="rt-1")
            assert created.created
            again = await c.create_job(spec, idempotency_key="rt-1")
            assert (again.job_id, again.created) == (created.job_id, False)
            job_id = created.job_id
            info = await wait_job(c, job_id, J.JOB_STATE_RUNNING)
            assert info.spec.name == "roundtrip"
            assert await c.job_ids_by_name("roundtrip") == [job_id]
            page = await c.query_jobs(J.JobQuerySpec(name="roundtrip"))
            assert [r.job_id for r in page.records] == [job_id]
            pods = await c.list_pods(job_id)
            assert sorted(p.pod_name for p in pods) == [f"{job_id}-0", f"{job_id}-1"]
            assert (await c.get_pod(f"{job_id}-0")).current.pod_name == f"{job_id}-0"
            assert await c.pod_events(f"{job_id}-0")
            assert len((await c.query_pods(job_id, pod_pb2.PodQuerySpec())).pods) == 2
            assert (await c.job_cache(job_id)).spec.name == "roundtrip"
            progress = c.watch_job(job_id, period=0.25)
            first = await anext(progress)
            assert first.job_id == job_id
            await progress.aclose()
            version = await c.stop_job(job_id, info.status.version.value)
            assert version > info.status.version.value
            await wait_job(c, job_id, J.JOB_STATE_KILLED)
            assert await c.list_workflows(job_id)
            assert await c.workflow_events(job_id)
            await c.refresh_job(job_id)
            current = (await c.get_job(job_id)).job_info.status.version.value
            await c.delete_job(job_id, current)
            with pytest.raises(errors.NotFound):
                await c.get_job(job_id)

    arun(body(), 40)


def test_each_engine_error_is_typed_and_a_sentence(engine: EngineProcess) -> None:
    async def body() -> None:
        async with EngineClient(ConnectionConfig(engine.address)) as c:
            with pytest.raises(errors.NotFound) as nf:
                await c.get_job("00000000-0000-0000-0000-000000000000")
            assert str(nf.value).startswith("Get job failed: ")
            assert "Traceback" not in str(nf.value) and nf.value.code == grpc.StatusCode.NOT_FOUND

            with pytest.raises(errors.InvalidArgument) as bad:
                await c.create_job(sh_spec("bad", "true", instances=0))
            assert "instance_count" in str(bad.value) and str(bad.value).startswith("Create job failed: ")

            with pytest.raises(errors.AlreadyExists):
                await c.create_job(sh_spec("one", "true"), idempotency_key="k")
                await c.create_job(sh_spec("other", "true"), idempotency_key="k")

            job = await c.create_job(sh_spec("long", "sleep 300", kill_grace_period=0.5))
            info = await wait_job(c, job.job_id, J.JOB_STATE_RUNNING)
            stale = info.status.version.value
            await c.stop_job(job.job_id, stale)
            with pytest.raises(errors.Conflict) as conflict:
                await c.stop_job(job.job_id, stale)
            assert str(conflict.value).startswith("Stop job failed: unexpected entity version")

            job2 = await c.create_job(sh_spec("active", "sleep 300", kill_grace_period=0.5))
            info2 = await wait_job(c, job2.job_id, J.JOB_STATE_RUNNING)
            with pytest.raises(errors.FailedPrecondition) as pre:
                await c.delete_job(job2.job_id, info2.status.version.value)
            assert str(pre.value).startswith("Delete job failed: ")
            await c.delete_job(job2.job_id, info2.status.version.value, force=True)

    arun(body(), 40)


def test_a_hung_engine_gives_deadline_exceeded(engine: EngineProcess) -> None:
    async def body() -> None:
        async with EngineClient(ConnectionConfig(engine.address, deadline=0.5)) as c:
            assert engine.proc is not None
            engine.proc.send_signal(signal.SIGSTOP)
            try:
                started = time.monotonic()
                with pytest.raises(errors.DeadlineExceeded) as late:
                    await c.get_job("any")
                assert time.monotonic() - started < 3
            finally:
                engine.proc.send_signal(signal.SIGCONT)
            assert str(late.value) == "Get job failed: the engine did not answer in time"
            with pytest.raises(errors.NotFound):  # and the same client carries on
                await c.get_job("any")

    arun(body(), 20)


def test_read_only_refuses_mutations_locally(engine: EngineProcess, tmp_path: Path) -> None:
    async def body() -> None:
        async with EngineClient(ConnectionConfig(engine.address)) as rw:
            job = await rw.create_job(sh_spec("ro", "sleep 300", kill_grace_period=0.5))
            info = await wait_job(rw, job.job_id, J.JOB_STATE_RUNNING)
            async with EngineClient(ConnectionConfig(engine.address, read_only=True)) as ro:
                assert (await ro.get_job(job.job_id)).job_info.spec.name == "ro"  # reading is fine
                version = info.status.version.value
                refusals: list[Awaitable[Any]] = [
                    ro.create_job(sh_spec("x", "true")), ro.stop_job(job.job_id, version),
                    ro.start_job(job.job_id, version), ro.restart_job(job.job_id, version),
                    ro.pause_workflow(job.job_id, version), ro.delete_job(job.job_id, version, force=True),
                    ro.refresh_job(job.job_id), ro.stop_pod(f"{job.job_id}-0"), ro.restart_pod(f"{job.job_id}-0"),
                ]
                for refused in refusals:
                    with pytest.raises(errors.PermissionDenied, match="read-only mode"):
                        await refused
            # Nothing reached the engine: the job is still running at the version we read.
            now = (await rw.get_job(job.job_id)).job_info.status
            assert (now.state, now.version.value) == (J.JOB_STATE_RUNNING, version)

    arun(body(), 30)


def test_tokens_unauthenticated_and_permission_denied(engine_factory: type[EngineProcess], tmp_path: Path) -> None:
    tokens = write_tokens(tmp_path / "tokens.yaml")
    eng = engine_factory(tmp_path / "remote", "--listen", "127.0.0.1:0", "--insecure",
                         "--tokens-file", str(tokens)).start()
    address = tcp_address(eng)

    def config(token: str | None) -> ConnectionConfig:
        return ConnectionConfig(address, insecure=True, token=token)

    async def body() -> None:
        for token in (None, "not-a-real-token-at-all"):
            async with EngineClient(config(token)) as anon:  # health needs no token
                with pytest.raises(errors.Unauthenticated) as unauth:
                    await anon.query_jobs(J.JobQuerySpec())
                assert "bearer token" in str(unauth.value)
                # A feed with a bad token gives up at once: retrying cannot help.
                rec = Recorder()
                with pytest.raises(errors.Unauthenticated):
                    await anon.job_feed(rec.on_snapshot, rec.on_changes, rec.on_state)
                assert rec.state == DISCONNECTED and not rec.snapshots
        async with EngineClient(config(TOKENS["viewer"])) as viewer:
            assert (await viewer.list_jobs())[0] == []
            assert viewer.role == "viewer"
            with pytest.raises(errors.PermissionDenied) as denied:
                await viewer.create_job(sh_spec("x", "true"))
            assert str(denied.value) == "Create job failed: CreateJob needs the operator role; this token has viewer"
        async with EngineClient(config(TOKENS["operator"])) as op:
            job = await op.create_job(sh_spec("tok", "true"))
            info = await wait_job(op, job.job_id, *TERMINAL)
            with pytest.raises(errors.PermissionDenied, match="needs the admin role"):
                await op.delete_job(job.job_id, info.status.version.value)
        async with EngineClient(config(TOKENS["admin"])) as admin:
            await admin.delete_job(job.job_id, info.status.version.value)

    arun(body(), 40)


def test_tls_with_server_name_override(engine_factory: type[EngineProcess], tmp_path: Path) -> None:
    cert, key = make_cert(tmp_path)
    tokens = write_tokens(tmp_path / "tokens.yaml")
    eng = engine_factory(tmp_path / "tls", "--listen", "127.0.0.1:0", "--tls-cert", str(cert),
                         "--tls-key", str(key), "--tokens-file", str(tokens)).start()
    port = tcp_address(eng).rsplit(":", 1)[1]

    async def body() -> None:
        # Dialled by IP, verified as "localhost" (the certificate's name).
        cfg = ConnectionConfig(f"127.0.0.1:{port}", tls_ca=cert, token=TOKENS["operator"], server_name="localhost")
        async with EngineClient(cfg) as c:
            assert (await c.create_job(sh_spec("tls", "true"))).created
        with pytest.raises(errors.Unavailable):  # no CA given: the self-signed certificate is refused
            await EngineClient(ConnectionConfig(f"localhost:{port}", deadline=3)).connect()

    arun(body(), 30)


# -- feeds ----------------------------------------------------------------------------------------
def test_job_feed_snapshot_then_live_changes(engine: EngineProcess) -> None:
    async def body() -> None:
        async with EngineClient(ConnectionConfig(engine.address)) as c:
            baseline = asyncio.all_tasks()
            before = await c.create_job(sh_spec("before", "true"))
            await wait_job(c, before.job_id, J.JOB_STATE_SUCCEEDED)
            rec, task = await run_feed(job_feed(c))
            (snapshot, revision), = rec.snapshots
            assert before.job_id in snapshot and revision > 0
            assert rec.states == [(CONNECTED, "")]
            live = await c.create_job(sh_spec("live", "sleep 0.2"))
            await wait_until(lambda: rec.job_state(live.job_id) == J.JOB_STATE_SUCCEEDED, what="live job done")
            assert rec.revisions == sorted(set(rec.revisions)) and min(rec.revisions) > revision
            info = (await c.get_job(live.job_id)).job_info
            await c.delete_job(live.job_id, info.status.version.value)
            await wait_until(lambda: live.job_id not in rec.current, what="deletion delivered")
            # Cancelling ends the stream and leaves no task behind.
            await stop_feed(task)
            await asyncio.sleep(0.1)
            assert asyncio.all_tasks() == baseline

    arun(body(), 30)


def test_pod_feed_of_one_job(engine: EngineProcess) -> None:
    async def body() -> None:
        async with EngineClient(ConnectionConfig(engine.address)) as c:
            other = await c.create_job(sh_spec("other", "sleep 0.3"))
            job = await c.create_job(sh_spec("pods", "sleep 0.3", instances=3), start_paused=True)
            rec = Recorder()
            task = asyncio.ensure_future(c.pod_feed(job.job_id, rec.on_snapshot, rec.on_changes, rec.on_state))
            await wait_until(lambda: rec.state == CONNECTED, what="pod feed connected")
            assert len(rec.snapshots[0][0]) == 3
            info = (await c.get_job(job.job_id)).job_info
            await c.start_job(job.job_id, info.status.version.value)
            names = {f"{job.job_id}-{i}" for i in range(3)}
            await wait_until(lambda: all(p.status.state == pod_pb2.POD_STATE_SUCCEEDED
                                         for p in rec.current.values()) and set(rec.current) == names,
                             what="every pod SUCCEEDED")
            assert not any(k.startswith(other.job_id) for k in rec.current)  # only this job's pods
            assert rec.revisions == sorted(set(rec.revisions))
            await stop_feed(task)

    arun(body(), 30)


@pytest.mark.slow
@pytest.mark.parametrize("as_bytes", [False, True], ids=["parsed", "raw"])
def test_feed_survives_sigkill_and_restart_on_the_same_store(engine_factory: type[EngineProcess],
                                                               tmp_path: Path, as_bytes: bool) -> None:
    """Also with the responses as raw bytes (the console's jobs feed): the resumed Watch starts
    from the revision the parser of the bytes says it reached."""
    data_dir = tmp_path / "crash"
    eng = engine_factory(data_dir).start()
    synced: list[int] = []

    async def body() -> None:
        async with EngineClient(ConnectionConfig(eng.address)) as c:
            for i in range(3):
                await c.create_job(sh_spec(f"pre-{i}", "true"))
            rec, task = await run_feed(job_feed_raw(c, synced) if as_bytes else job_feed(c))
            await wait_until(lambda: len(rec.current) == 3 and all(rec.job_state(j) == J.JOB_STATE_SUCCEEDED
                                                                   for j in rec.current), what="pre jobs done")
            last_before = max([rec.snapshots[0][1], *rec.revisions])

            eng.kill9()
            await wait_until(lambda: rec.state == RECONNECTING, what="reconnecting reported")
            await asyncio.sleep(1.0)  # a few failed attempts while the engine is down
            retries = [d for s, d in rec.states if s == RECONNECTING]
            assert re.match(r"attempt 1, next try in \d+\.\d s: ", retries[0]), retries[0]
            await asyncio.to_thread(engine_factory(data_dir).start)
            # Another client changes things right after the restart, most likely before the feed is
            # back (it is backing off): none of it may be lost.
            async with EngineClient(ConnectionConfig(eng.address)) as other:
                made = [(await other.create_job(sh_spec(f"post-{i}", "echo hi"))).job_id for i in range(5)]
            await wait_until(lambda: rec.state == CONNECTED, timeout=20, what="connected again")
            await wait_until(lambda: all(rec.job_state(j) == J.JOB_STATE_SUCCEEDED for j in made), timeout=20,
                             what="post-restart jobs done in the feed")
            assert [s for s, _ in rec.states][-1] == CONNECTED
            assert len(rec.snapshots) == 1, "resumed, not re-listed"
            assert len(rec.revisions) == len(set(rec.revisions)), "a change was delivered twice"
            assert rec.revisions == sorted(rec.revisions)

            # Every job change the engine logged after the feed's last pre-kill revision reached the
            # feed (the engine is quiet now: all jobs are done), and its view equals a fresh listing.
            async with EngineClient(ConnectionConfig(eng.address)) as reference:
                raw = reference.stubs.watch.Watch(ws.WatchRequest(start_revision=last_before,
                                                                  job_filter=ws.JobFilter()))
                logged: list[int] = []
                while True:
                    resp = await raw.read()
                    if not resp.changes:  # the engine's "caught up" marker
                        break
                    logged.extend(ch.revision for ch in resp.changes)
                raw.cancel()
                listed, _revision = await reference.list_jobs()
            assert [r for r in rec.revisions if r > last_before] == logged and logged
            assert {j.job_id: j.status.revision for j in listed} == \
                {k: v.status.revision for k, v in rec.current.items()}
            await stop_feed(task)
            if as_bytes:  # each resumed Watch asked the parser where it was
                assert synced and synced[0] >= last_before

    arun(body(), 60)


@pytest.mark.slow
def test_engine_with_another_store_behind_the_address_gives_a_fresh_snapshot(
        engine_factory: type[EngineProcess], tmp_path: Path) -> None:
    sock = tmp_path / "s.sock"
    first = engine_factory(tmp_path / "a", "--socket", str(sock)).start()
    address = f"unix:{sock}"

    async def body() -> None:
        async with EngineClient(ConnectionConfig(address)) as c:
            for i in range(4):
                await c.create_job(sh_spec(f"a-{i}", "true"))
            rec, task = await run_feed(job_feed(c))
            await wait_until(lambda: all(rec.job_state(j) == J.JOB_STATE_SUCCEEDED for j in rec.current)
                             and len(rec.current) == 4, what="first store's jobs done")
            first.kill9()
            await wait_until(lambda: rec.state == RECONNECTING)
            # A new, empty store: its revisions are behind ours, the engine answers OUT_OF_RANGE.
            await asyncio.to_thread(engine_factory(tmp_path / "b", "--socket", str(sock)).start)
            await wait_until(lambda: len(rec.snapshots) == 2, timeout=20, what="a fresh snapshot")
            assert rec.snapshots[1][0] == {}
            await wait_until(lambda: rec.state == CONNECTED)
            job = await c.create_job(sh_spec("b", "true"))
            await wait_until(lambda: rec.job_state(job.job_id) == J.JOB_STATE_SUCCEEDED, what="new store's job")
            assert set(rec.current) == {job.job_id}
            await stop_feed(task)

    arun(body(), 60)


@pytest.mark.slow
def test_close_ends_a_feed_and_in_flight_calls_without_cancelling_the_caller(engine: EngineProcess) -> None:
    async def body() -> None:
        c = EngineClient(ConnectionConfig(engine.address))
        await c.connect()
        job = await c.create_job(sh_spec("stubborn", "trap '' TERM; sleep 300", kill_grace_period=2))
        info = await wait_job(c, job.job_id, J.JOB_STATE_RUNNING)
        rec, task = await run_feed(job_feed(c))
        # A forced delete waits for the grace period: close the client while it is in flight.
        delete = asyncio.ensure_future(c.delete_job(job.job_id, info.status.version.value, force=True))
        await asyncio.sleep(0.5)
        await c.close()
        with pytest.raises(errors.Unavailable, match="connection to the engine was closed"):
            await delete
        await asyncio.wait_for(task, 5)  # the feed returns on its own
        assert rec.states[-1] == (DISCONNECTED, "the connection was closed")

    arun(body(), 30)


def test_a_channel_replaced_under_a_feed_is_a_dropped_connection_not_a_cancellation(engine: EngineProcess) -> None:
    async def body() -> None:
        async with EngineClient(ConnectionConfig(engine.address)) as c:
            rec, task = await run_feed(job_feed(c))
            old = c._channel
            await c._reopen(old)  # what the feed does itself after repeated failures
            assert c._channel is not old
            await wait_until(lambda: [s for s, _ in rec.states][-2:] == [RECONNECTING, CONNECTED],
                             what="reconnecting, then connected on the new channel")
            assert "connection to the engine was closed" in rec.states[-2][1]
            assert not task.done() and len(rec.snapshots) == 1  # resumed from its revision, not re-listed
            job = await c.create_job(sh_spec("after-reopen", "true"))
            await wait_until(lambda: rec.job_state(job.job_id) == J.JOB_STATE_SUCCEEDED, what="change delivered")
            await stop_feed(task)

    arun(body(), 30)


# -- streams --------------------------------------------------------------------------------------
def test_pod_logs_follow_and_resume(engine: EngineProcess) -> None:
    async def body() -> None:
        async with EngineClient(ConnectionConfig(engine.address)) as c:
            job = await c.create_job(sh_spec("logs", "for i in 1 2 3 4 5; do echo line $i; sleep 0.1; done"))
            pod = f"{job.job_id}-0"
            lines: list[pod_pb2.LogLine] = []
            async for batch in c.pod_logs(pod, follow=True):  # ends when the run ends
                lines.extend(batch)
            texts = [ln.text for ln in lines if ln.stream == pod_pb2.LogLine.STREAM_STDOUT]
            assert texts == [f"line {i}" for i in range(1, 6)]
            seqs = [ln.seq for ln in lines]
            assert seqs == sorted(set(seqs))
            # Resume after a line: only the rest.
            third = next(ln for ln in lines if ln.text == "line 3")
            rest = [ln.text async for batch in c.pod_logs(pod, after_seq=third.seq) for ln in batch
                    if ln.stream == pod_pb2.LogLine.STREAM_STDOUT]
            assert rest == ["line 4", "line 5"]
            tail = [ln async for batch in c.pod_logs(pod, tail_lines=2) for ln in batch]
            assert len(tail) == 2
            with pytest.raises(errors.NotFound):
                async for _ in c.pod_logs("no-such-pod"):
                    pass

    arun(body(), 30)


@pytest.mark.slow
def test_feed_resumes_at_once_when_the_engine_drops_a_slow_watcher(engine_factory: type[EngineProcess],
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    """The engine ends a Watch that fell --watch-buffer changes behind with RESOURCE_EXHAUSTED and
    the revision to resume from; the feed resumes from it without a reconnect or a lost change."""
    eng = engine_factory(None, "--watch-buffer", "20").start()
    caplog.set_level("INFO", logger="pelorus.client")

    async def body() -> None:
        async with EngineClient(ConnectionConfig(eng.address)) as c:
            job = await c.create_job(sh_spec("slow-feed", "true", instances=300), start_paused=True)
            rec = Recorder()
            slow_once = [True]

            def on_changes(batch: list[tuple[Any, bool]]) -> None:
                if slow_once[0]:
                    slow_once[0] = False
                    time.sleep(4)  # blocks the loop: the feed reads nothing while the job runs
                rec.on_changes(batch)

            task = asyncio.ensure_future(c.pod_feed(job.job_id, rec.on_snapshot, on_changes, rec.on_state))
            await wait_until(lambda: rec.state == CONNECTED, what="feed connected")
            info = (await c.get_job(job.job_id)).job_info
            await c.start_job(job.job_id, info.status.version.value)
            await wait_until(lambda: len(rec.current) == 300 and all(
                p.status.state == pod_pb2.POD_STATE_SUCCEEDED for p in rec.current.values()),
                timeout=90, what="every pod's end delivered")
            await stop_feed(task)
            assert all(state == CONNECTED for state, _ in rec.states), rec.states
            assert rec.revisions == sorted(set(rec.revisions)), "a change was delivered twice"

    arun(body(), 150)
    assert any("resuming from revision" in r.getMessage() for r in caplog.records), \
        "the engine never dropped the slow watcher; the test did not test anything"
