"""EngineClient.list_jobs_raw against a real engine: the raw pages hold what ListJobs parses to,
page by page when asked, and the revision the feed watches from."""

from __future__ import annotations

import asyncio

import pytest
from enginehelp import EngineProcess, arun, sh_spec

from console.models import job_wire as W
from pelorus import errors
from pelorus.api import job_pb2
from pelorus.api import job_service_pb2 as js
from pelorus.client import ConnectionConfig, EngineClient


@pytest.mark.slow
def test_raw_listing_equals_the_parsed_one(engine: EngineProcess) -> None:
    async def body() -> None:
        client = EngineClient(ConnectionConfig(engine.address))
        with pytest.raises(errors.Unavailable):
            await client.list_jobs_raw()  # not connected: a sentence, not a crash
        await client.connect()
        try:
            await asyncio.gather(*(client.create_job(sh_spec(f"raw-{i}", "true"), start_paused=True)
                                   for i in range(5)))
            parsed, revision = await client.list_jobs()
            pages, raw_revision = await client.list_jobs_raw()
            streamed: list[bytes] = []
            none_kept, streamed_revision = await client.list_jobs_raw(on_page=streamed.append)
        finally:
            await client.close()
        assert revision == raw_revision == streamed_revision > 0
        assert none_kept == [] and streamed == pages
        wire = W.list_jobs_wire(pages)
        got = [job_pb2.JobSummary.FromString(wire.buf[s:e].tobytes()) for s, e in zip(wire.starts, wire.ends,
                                                                                       strict=True)]
        assert got == parsed and len(got) >= 5
        assert wire.revision == revision and wire.last

    arun(body(), 60)


@pytest.mark.slow
def test_jobs_changed_while_the_listing_streams_end_in_their_final_state(engine: EngineProcess, qapp: object) -> None:
    """The session's loading path (pages into the table as they arrive, then the Watch from
    the listing's revision) while jobs change, go and come during the listing: every job ends
    in the engine's state, none is lost or shown twice, and no row ever steps back to an older
    change (a page can be newer than the revision the Watch replays from)."""
    from console.models.jobs_table import JobsTableModel

    n = 1500

    async def body() -> None:
        client = EngineClient(ConnectionConfig(engine.address))
        await client.connect()
        model = JobsTableModel()
        shown: dict[str, int] = {}  # job id -> the newest revision its row has shown
        stepped_back: list[str] = []
        newer_pages = 0
        during: list[str] = []  # what the mutator did before the listing ended
        listing_done = asyncio.Event()
        first_page = asyncio.Event()

        def check(job_ids: list[str]) -> None:
            revs = model.columns().num("revision")
            for job_id in job_ids:
                r = model.row_of(job_id)
                if r is None:
                    continue
                if revs[r] < shown.get(job_id, 0):
                    stepped_back.append(job_id)
                shown[job_id] = int(revs[r])

        async def list_all() -> tuple[None, int]:
            nonlocal newer_pages

            def page(raw: bytes) -> None:
                nonlocal newer_pages
                wire = W.list_jobs_wire([raw])
                if not first_page.is_set():
                    model.reset(wire)
                    first_page.set()
                else:
                    model.append_wire(wire)
                d = W.decode(wire.buf, wire.starts, wire.ends)
                newer_pages += int((d.nums["revision"] > wire.revision).sum())
                check([bytes(x).decode() for x in d.ids])

            _, revision = await client.list_jobs_raw(on_page=page, batch_size=5)
            listing_done.set()
            return None, revision

        def on_changes(changes: list[tuple[job_pb2.JobSummary, bool]]) -> None:
            model.apply_batch(changes)
            check([s.job_id for s, _deleted in changes])

        async def mutate(ids: list[str]) -> None:
            await first_page.wait()
            # the jobs listed last, last first: they change before their page is read, twice
            # (the Watch then replays a change older than the page, in an earlier batch)
            for rnd in range(2):
                for k, job_id in enumerate(reversed(ids)):
                    version = (await client.get_job(job_id, summary_only=True)).summary.status.version.value
                    if rnd and k % 5 == 4:
                        await client.delete_job(job_id, version)
                        what = "deleted"
                    else:
                        spec = job_pb2.JobSpec()
                        spec.labels["round"] = f"{rnd}-{k}"
                        await client.patch_job(job_id, version, spec, ["labels"])
                        what = "changed"
                    if rnd and k % 7 == 0:
                        await client.create_job(sh_spec(f"stream-new-{k}", "true"), start_paused=True)
                        what += "+created"
                    if not listing_done.is_set():
                        during.append(what)

        try:
            spec = sh_spec("stream", "true")
            spec.labels.update({f"pad{k:02d}": "p" * 250 for k in range(16)})
            # big summaries (~4 KB, ~6 MB in all): the engine cannot send every page before the
            # table has read some (flow control), so it reads the last ones after they changed
            gate = asyncio.Semaphore(32)

            async def create(i: int) -> js.CreateJobResponse:
                async with gate:
                    return await client.create_job(spec, idempotency_key=f"stream-{i}", start_paused=True)

            created = await asyncio.gather(*(create(i) for i in range(n)))
            ids = sorted(c.job_id for c in created)
            feed = asyncio.ensure_future(client.job_feed(lambda _jobs, _rev: None, on_changes,
                                                         lambda _state, _detail="": None, list_all))
            await mutate(ids[-60:])
            truth: list[job_pb2.JobSummary] = []
            deadline = asyncio.get_running_loop().time() + 20
            while True:  # the Watch catches up: the table equals a fresh listing
                truth, _ = await client.list_jobs()
                if model.rowCount() == len(truth) and all(
                        model.row_of(s.job_id) is not None and model.summary(model.row_of(s.job_id) or 0) == s
                        for s in truth):
                    break
                assert asyncio.get_running_loop().time() < deadline, "the table never caught up with the engine"
                await asyncio.sleep(0.1)
            feed.cancel()
            await asyncio.gather(feed, return_exceptions=True)
        finally:
            await client.close()
        job_ids = [model.job_id(r) for r in range(model.rowCount())]
        assert len(job_ids) == len(set(job_ids)) == len(truth)  # none lost, none twice
        assert not stepped_back, f"rows went back to an older change: {stepped_back[:5]}"
        assert during, "nothing changed while the pages streamed: the test proved nothing"
        assert newer_pages > 0, f"no page was newer than the listing's revision ({during})"

    arun(body(), 120)
