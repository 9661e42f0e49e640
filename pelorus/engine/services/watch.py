"""WatchService: the change log, then live changes, in batches; and per-job progress."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterable
from typing import TYPE_CHECKING, Any

import grpc

from pelorus.api import watch_service_pb2 as ws
from pelorus.api import watch_service_pb2_grpc
from pelorus.engine.engine import Engine
from pelorus.engine.errors import EngineError, not_found
from pelorus.engine.progress_history import progress_message
from pelorus.engine.services._errors import rpc
from pelorus.engine.states import TERMINAL_JOB_STATES
from pelorus.engine.store import CHANGE_JOB, CHANGE_POD
from pelorus.engine.timeutil import duration_seconds, now, set_timestamp, to_duration
from pelorus.engine.watchhub import PublishedChange, Subscription, frame, job_and_pod_filter

if TYPE_CHECKING:
    def _VarintBytes(value: int) -> bytes: ...  # private in protobuf, so not in types-protobuf
else:
    from google.protobuf.internal.encoder import _VarintBytes  # noqa: PLC2701 - the stable varint encoder


def _revision_of(framed: bytes) -> int:
    """The revision of a framed Change (field 1 of the Change, right after the frame header)."""
    return int(ws.Change.FromString(framed[_header_len(framed):]).revision)


def _header_len(framed: bytes) -> int:
    i = 1
    while framed[i] & 0x80:
        i += 1
    return i + 1

Ctx = grpc.aio.ServicerContext[Any, Any]
BATCH = 1000
BATCH_BYTES = 64 * 1024
"""A response is cut at BATCH changes or BATCH_BYTES, whichever comes first: what waits in
gRPC's send buffer for a reader that does not read is one response, not a page of them."""
CATCH_UP_PAGE = 500
COALESCE = 0.02
"""Under a steady flow of changes a live Watch sends at most one response per COALESCE seconds,
with everything committed meanwhile: a response per commit (hundreds a second under load) cost
the engine a gRPC send each. The first change after a quiet spell goes out at once."""
MIN_PERIOD, MAX_PERIOD, DEFAULT_PERIOD = 0.25, 50.0, 1.0


def clamp_period(seconds: float) -> float:
    return DEFAULT_PERIOD if seconds <= 0 else min(MAX_PERIOD, max(MIN_PERIOD, seconds))


def encode_response(framed: list[bytes], revision: int) -> bytes:
    """A serialised WatchResponse from already-framed changes (the server registers Watch with
    a pass-through serializer, so nothing is parsed or re-encoded on the way out)."""
    tail = b"\x10" + _VarintBytes(revision) if revision else b""
    return b"".join(framed) + tail


def overflow_message(last: int, cap: int) -> str:
    return (f"this watch fell more than {cap:,} changes behind (the client reads too slowly), so the "
            f"engine stopped buffering for it; watch again from revision {last} to resume without losing a change")


def _cut(framed: list[bytes]) -> list[list[bytes]]:
    """Framed changes in responses of at most BATCH changes / about BATCH_BYTES."""
    out: list[list[bytes]] = []
    chunk: list[bytes] = []
    size = 0
    for f in framed:
        chunk.append(f)
        size += len(f)
        if len(chunk) >= BATCH or size >= BATCH_BYTES:
            out.append(chunk)
            chunk, size = [], 0
    if chunk:
        out.append(chunk)
    return out


class WatchService(watch_service_pb2_grpc.WatchServiceServicer):
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def _fine_filter(self, request: ws.WatchRequest) -> Callable[[int, str, bytes], bool] | None:
        labels = dict(request.job_filter.labels)
        pod_names = set(request.pod_filter.pod_names)
        if not labels and not pod_names:
            return None

        def keep(kind: int, job_id: str, payload: bytes) -> bool:
            change = ws.Change.FromString(payload)
            if kind == CHANGE_JOB and labels:
                return all(change.job.labels.get(k) == v for k, v in labels.items())
            if kind == CHANGE_POD and pod_names:
                return change.pod.pod_name in pod_names
            return True

        return keep

    @rpc
    async def Watch(self, request: ws.WatchRequest, context: Ctx) -> AsyncIterator[bytes]:
        store = self.engine.store
        watch_jobs = request.HasField("job_filter")
        watch_pods = request.HasField("pod_filter")
        if not watch_jobs and not watch_pods:
            watch_jobs = watch_pods = True
        wants = job_and_pod_filter(set(request.job_filter.job_ids) or None, request.pod_filter.job_id or None,
                                   watch_jobs, watch_pods)
        fine = self._fine_filter(request)
        sub = self.engine.hub.subscribe(wants)
        try:
            with self.engine.unit_of_work(read_committed=True):
                start = request.start_revision
                if start and start < store.compacted_revision:
                    raise EngineError(grpc.StatusCode.OUT_OF_RANGE,
                                      f"revision {start} is older than the retained change log (from "
                                      f"{store.compacted_revision + 1}); list again, then watch from its revision")
                if start > store.revision:
                    raise EngineError(grpc.StatusCode.OUT_OF_RANGE,
                                      f"revision {start} is ahead of this engine ({store.revision}); was its store "
                                      "replaced? list again, then watch")
                last = start if start else store.revision
            if start:
                async for data, last in self._catch_up(last, wants, fine):  # noqa: B007, B020 (last advances)
                    yield data
                if sub.overflowed:  # what the queue dropped meanwhile, the catch-up read from the log
                    sub.overflowed = False
                    sub.take()
            loop = asyncio.get_running_loop()
            sent_at = loop.time()
            yield encode_response([], last)
            while True:
                if sub.overflowed:
                    cap = self.engine.hub.max_queued
                    raise EngineError(grpc.StatusCode.RESOURCE_EXHAUSTED, overflow_message(last, cap))
                if self.engine.hub.closing:
                    raise EngineError(grpc.StatusCode.UNAVAILABLE, "the engine is shutting down; watch again from "
                                      f"revision {last} once it is back")
                await sub.wakeup.wait()
                hold = sent_at + COALESCE - loop.time()
                if hold > 0:
                    await asyncio.sleep(hold)  # gather what else is committed meanwhile
                if sub.overflowed or self.engine.hub.closing:
                    continue
                items = [c for c in sub.take() if c.revision > last]
                if not items:
                    continue
                for data, last in self._batches(items, fine):  # noqa: B007 (last advances)
                    sent_at = loop.time()
                    yield data
        finally:
            self.engine.hub.unsubscribe(sub)

    async def _catch_up(self, after: int, wants: Callable[[int, str], bool],
                        fine: Callable[[int, str, bytes], bool] | None) -> AsyncIterator[tuple[bytes, int]]:
        """(serialised response, revision it brings the watcher to), page by page from the log."""
        store = self.engine.store
        while True:
            rows = store.changes_since(after, CATCH_UP_PAGE)
            if not rows:
                return
            after = rows[-1][0]
            framed = [frame(p) for _r, k, j, p in rows if wants(k, j) and (fine is None or fine(k, j, p))]
            del rows
            # Only the page's last batch may claim the page's last revision: a client that
            # resumes from an earlier batch's revision must still get the rest of the page.
            batches = _cut(framed) or [[]]
            del framed
            while batches:
                chunk = batches.pop(0)
                last_of_chunk = after if not batches else _revision_of(chunk[-1])
                yield encode_response(chunk, last_of_chunk), last_of_chunk
            await asyncio.sleep(0)

    @staticmethod
    def _batches(items: list[PublishedChange],
                 fine: Callable[[int, str, bytes], bool] | None) -> Iterable[tuple[bytes, int]]:
        chunk: list[bytes] = []
        size = 0
        top = 0
        for c in items:
            top = c.revision
            if fine is not None and not fine(c.kind, c.job_id, c.payload):
                continue
            chunk.append(c.framed)
            size += len(c.framed)
            if len(chunk) >= BATCH or size >= BATCH_BYTES:
                yield encode_response(chunk, top), top
                chunk, size = [], 0
        if chunk or top:
            yield encode_response(chunk, top), top

    @rpc
    async def WatchJob(self, request: ws.WatchJobRequest, context: Ctx) -> AsyncIterator[ws.WatchJobResponse]:
        period = clamp_period(duration_seconds(request.progress_update_period))
        max_poll = max(period, duration_seconds(request.max_polling_period) or 30.0)
        job_id = request.job_id
        self.engine.job(job_id)
        # Woken by every committed change of the job, so its end is sent at once, not a period late.
        sub = self.engine.hub.subscribe(job_and_pod_filter({job_id}, None, True, False))
        try:
            last_payload = b""
            last_sent = 0.0
            while True:
                with self.engine.unit_of_work(read_committed=True) as eng:
                    rec = eng.jobs.get(job_id)
                    if rec is None:
                        raise not_found(f"job {job_id!r} (deleted while watched)")
                    resp = progress_message(rec)
                resp.applied_period.CopyFrom(to_duration(period))
                payload = resp.SerializeToString(deterministic=True)
                t = now()
                ended = rec.status.state in TERMINAL_JOB_STATES
                if ended or payload != last_payload or t - last_sent >= max_poll:
                    set_timestamp(resp.timestamp, t)
                    yield resp
                    last_payload, last_sent = payload, t
                    if ended:
                        return
                await self._until_next(sub, job_id, t + period)
        finally:
            self.engine.hub.unsubscribe(sub)

    async def _until_next(self, sub: Subscription, job_id: str, deadline: float) -> None:
        """Sleep until `deadline`, or until the job ends or is deleted."""
        while True:
            left = deadline - now()
            if left <= 0:
                return
            try:
                await asyncio.wait_for(sub.wakeup.wait(), timeout=left)
            except TimeoutError:
                return
            sub.take()
            rec = self.engine.jobs.get(job_id)
            if rec is None or rec.status.state in TERMINAL_JOB_STATES:
                return

    @rpc
    def GetJobProgressHistory(self, request: ws.GetJobProgressHistoryRequest,
                              context: Ctx) -> ws.GetJobProgressHistoryResponse:
        rec = self.engine.job(request.job_id)
        with self.engine.unit_of_work(read_committed=True) as eng:
            return eng.progress.history(rec, request.run)
