"""EngineClient.list_jobs_raw against a real engine: the raw pages hold what ListJobs parses to,
page by page when asked, and the revision the feed watches from."""

from __future__ import annotations

import asyncio

import pytest
from enginehelp import EngineProcess, arun, sh_spec

from console.models import job_wire as W
from pelorus import errors
from pelorus.api import job_pb2
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
