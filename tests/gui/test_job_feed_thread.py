"""The jobs feed parsed off the UI thread (console/job_feed_thread.py), against a real engine: a
burst of changes ends with every row equal to GetJob's summary (nothing lost, deleted jobs gone,
new jobs there); revisions only move forward in the table, per job, batch after batch; batches
come in the UI thread, decoded, one at a time; stopping cancels the stream on the UI loop and
joins the worker thread; the feed makes no event loop but the qasync one and no grpc object off
the UI thread, on the client's one channel; the session runs its feed this way."""

from __future__ import annotations

import asyncio
import random
import threading
from pathlib import Path
from typing import Any

import grpc
from enginehelp import EngineProcess, sh_spec
from guihelp import run, until
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView

from console.job_feed_thread import JobFeedThread, WireBatch
from console.models import job_row as R
from console.models.jobs_proxy import JobsProxyModel
from console.models.jobs_table import Column, JobsTableModel
from pelorus.api import job_pb2
from pelorus.client import ConnectionConfig, EngineClient


def _threads() -> set[str]:
    return {t.name for t in threading.enumerate() if t.is_alive()}


def test_burst_through_the_feed_thread_loses_nothing_and_moves_forward(engine: EngineProcess, qloop: Any) -> None:
    model = JobsTableModel()
    proxy = JobsProxyModel(model, resort_interval_ms=50)
    proxy.sort(Column.UPDATED, Qt.SortOrder.DescendingOrder)
    view = QTableView()
    view.setModel(proxy)
    view.resize(900, 500)
    view.show()
    proxy.follow_view(view)
    main_thread = threading.get_ident()
    batches: list[int] = []
    went_back: list[str] = []
    states: list[str] = []

    def on_listing(wires: list[Any], revision: int, first: bool, complete: bool) -> None:
        assert threading.get_ident() == main_thread
        if first:
            model.reset(wires[0] if wires else [])
            wires = wires[1:]
        for w in wires:
            model.append_wire(w)

    def on_batch(batch: WireBatch) -> None:
        assert threading.get_ident() == main_thread  # applied on the UI thread only
        assert batch.decoded is None or batch.decoded.n == len(batch.starts)  # decoded on the worker
        cols = model.columns()
        before = {model.job_id(r): int(cols.nums["revision"][r]) for r in range(model.rowCount())}
        model.apply_wire_batch(batch)
        for r in range(model.rowCount()):
            job_id = model.job_id(r)
            if int(cols.nums["revision"][r]) < before.get(job_id, 0):
                went_back.append(job_id)
        batches.append(len(batch))

    async def body() -> None:
        client = EngineClient(ConnectionConfig(address=engine.address))
        await client.connect()
        ids = [(await client.create_job(sh_spec(f"burst-{i}", "true"), start_paused=True)).job_id for i in range(30)]
        feed = JobFeedThread(client, on_listing, on_batch, lambda s, d: states.append(s))
        task = asyncio.ensure_future(feed.run())
        await until(lambda: model.rowCount() == 30, what="the listing")
        assert feed.is_alive() and "pelorus-job-feed" in _threads()
        rnd = random.Random(11)

        async def refresh(n: int, pool: list[str]) -> None:
            for _ in range(n):
                await client.refresh_job(rnd.choice(pool))

        await asyncio.gather(*(refresh(50, ids) for _ in range(8)))  # 400 changes from 8 callers
        gone = ids[:3]
        for job_id in gone:
            await client.delete_job(job_id, (await client.get_job(job_id)).job_info.status.version.value,
                                    force=True)
        new = [(await client.create_job(sh_spec(f"late-{i}", "true"), start_paused=True)).job_id for i in range(4)]
        expected = [j for j in ids if j not in gone] + new
        await asyncio.gather(*(refresh(10, expected) for _ in range(4)))
        truth: dict[str, job_pb2.JobSummary] = {}
        for job_id in expected:
            truth[job_id] = (await client.get_job(job_id, summary_only=True)).summary

        def matches() -> bool:
            if model.rowCount() != len(expected):
                return False
            for job_id, s in truth.items():
                r = model.row_of(job_id)
                if r is None or model.columns().column_row(r) != R.make_row(s)[:R.HAY]:
                    return False
            return True

        await until(matches, timeout=20, what="the table to equal GetJob for every job")
        assert all(model.row_of(j) is None for j in gone)
        assert not went_back, f"rows went back to older revisions: {went_back[:3]}"
        assert batches and sum(batches) < feed.received  # coalesced: fewer rows applied than changes received
        assert states[0] == "connected"
        await until(lambda: not proxy.has_pending_order(), what="the re-sort")
        updated = [truth[proxy.job_id_at(p)].status.updated_at.ToNanoseconds() for p in range(proxy.rowCount())]
        assert updated == sorted(updated, reverse=True)

        # Stopping: the stream's task is cancelled on the UI loop, the worker thread told to stop and joined.
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        assert task.cancelled()
        assert not feed.is_alive() and "pelorus-job-feed" not in _threads()
        await client.close()

    run(qloop, body(), timeout=120)
    view.close()


def test_feed_thread_ends_with_a_fatal_error_raised_on_the_ui_side(engine: EngineProcess, qloop: Any) -> None:
    """A feed that cannot go on (the engine refuses the listing for good) ends the thread and
    raises from run(), so the session can say "disconnected"."""
    from pelorus.errors import ClientError, PermissionDenied

    async def refuse(_client: EngineClient) -> tuple[Any, int]:
        raise PermissionDenied(grpc.StatusCode.PERMISSION_DENIED, "not for this token", "ListJobs")

    states: list[str] = []

    async def body() -> None:
        client = EngineClient(ConnectionConfig(address=engine.address))
        await client.connect()
        feed = JobFeedThread(client, lambda *a: None, lambda b: None, lambda s, d: states.append(s), list_all=refuse)
        try:
            await asyncio.wait_for(feed.run(), 20)
        except ClientError as exc:
            assert isinstance(exc, PermissionDenied)
        else:
            raise AssertionError("run() should raise the feed's fatal error")
        assert not feed.is_alive()
        assert states[-1] == "disconnected"
        await client.close()

    run(qloop, body(), timeout=60)


def test_session_feeds_the_table_from_its_thread_and_stops_it(engine: EngineProcess, qloop: Any,
                                                              tmp_path: Path) -> None:
    from console.session import ConnectionState, Session, SessionOptions

    session = Session(SessionOptions(remote=engine.address, insecure=True, profiles_dir=tmp_path))

    async def body() -> None:
        client = EngineClient(ConnectionConfig(address=engine.address))
        await client.connect()
        ids = [(await client.create_job(sh_spec(f"s-{i}", "true"), start_paused=True)).job_id for i in range(5)]
        await session.start()
        await until(lambda: session.jobs_model.rowCount() == 5 and session.state == ConnectionState.CONNECTED,
                    what="the session's listing")
        assert "pelorus-job-feed" in _threads()
        for _ in range(20):
            await client.refresh_job(ids[0])
        want = (await client.get_job(ids[0], summary_only=True)).summary
        await until(lambda: session.jobs_model.summary(session.jobs_model.row_of(ids[0]) or 0).status.revision
                    == want.status.revision, what="the last change of the job")
        await session.stop()
        assert "pelorus-job-feed" not in _threads()
        assert session.state == ConnectionState.DISCONNECTED
        await client.close()

    run(qloop, body(), timeout=90)


def test_feed_makes_no_loop_and_no_grpc_object_off_the_ui_thread(engine: EngineProcess, qloop: Any,
                                                                  monkeypatch: Any) -> None:
    """grpc.aio objects live on the qasync loop only (/work/shared/notes/async-qt.md): during a
    running feed the only new thread is the worker, no event loop exists but the qasync one, every
    grpc channel, multicallable and call is made on the UI thread, and the Watch is a call on the
    client's channel whose responses are left as bytes (parsed on the worker)."""
    import gc

    from grpc.aio import _channel as gch

    made: list[tuple[str, int, Any]] = []
    for cls, names in ((gch.Channel, ("__init__", "unary_unary", "unary_stream", "stream_unary", "stream_stream")),
                       (gch.UnaryUnaryMultiCallable, ("__call__",)), (gch.UnaryStreamMultiCallable, ("__call__",)),
                       (gch.StreamUnaryMultiCallable, ("__call__",)), (gch.StreamStreamMultiCallable, ("__call__",))):
        for name in names:
            orig = getattr(cls, name)

            def wrapped(self: Any, *a: Any, _orig: Any = orig, _what: str = f"{cls.__name__}.{name}",
                        **k: Any) -> Any:
                made.append((_what, threading.get_ident(), (a, k)))
                return _orig(self, *a, **k)

            monkeypatch.setattr(cls, name, wrapped)
    loops_made: list[int] = []
    base_init = asyncio.BaseEventLoop.__init__

    def loop_init(self: Any, *a: Any, **k: Any) -> None:
        loops_made.append(threading.get_ident())
        base_init(self, *a, **k)

    monkeypatch.setattr(asyncio.BaseEventLoop, "__init__", loop_init)
    main_thread = threading.get_ident()
    batches: list[int] = []
    model = JobsTableModel()

    def on_listing(wires: list[Any], revision: int, first: bool, complete: bool) -> None:
        if first:
            model.reset(wires[0] if wires else [])
            wires = wires[1:]
        for w in wires:
            model.append_wire(w)

    def on_batch(batch: WireBatch) -> None:
        model.apply_wire_batch(batch)
        batches.append(len(batch))

    async def body() -> None:
        client = EngineClient(ConnectionConfig(address=engine.address))
        await client.connect()
        ids = [(await client.create_job(sh_spec(f"one-{i}", "true"), start_paused=True)).job_id for i in range(10)]
        threads_before = set(threading.enumerate())
        made.clear()
        feed = JobFeedThread(client, on_listing, on_batch, lambda s, d: None)
        task = asyncio.ensure_future(feed.run())
        await until(lambda: model.rowCount() == 10, what="the listing")
        for i in range(60):
            await client.refresh_job(ids[i % 10])
        await until(lambda: feed.taken >= 60, what="the changes applied")
        # while the feed runs
        new_threads = [t for t in threading.enumerate() if t not in threads_before and t.is_alive()]
        assert [t.name for t in new_threads] == ["pelorus-job-feed"]
        open_loops = [o for o in gc.get_objects() if isinstance(o, asyncio.AbstractEventLoop) and not o.is_closed()]
        assert open_loops == [qloop], open_loops
        assert batches
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        assert not feed.is_alive()
        await client.close()

    run(qloop, body(), timeout=90)
    assert not loops_made, "an event loop was made during the feed"
    assert made, "the feed made no grpc call?"
    off = [(what, tid) for what, tid, _ in made if tid != main_thread]
    assert not off, f"grpc objects made off the UI thread: {off[:5]}"
    assert not any(what == "Channel.__init__" for what, _, _ in made), "the feed opened a channel of its own"
    watch = [(a, k) for what, _, (a, k) in made if what == "Channel.unary_stream" and a
             and a[0] == "/pelorus.v1.WatchService/Watch"]
    assert watch and all(k.get("response_deserializer") is None for _, k in watch), \
        "the Watch should be read as raw bytes"
