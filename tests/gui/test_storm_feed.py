"""A storm of job changes from a real engine, through the client's job feed, the batcher (spread
over many frames by a tiny time budget) and the models, into a shown table sorted by Updated:
nothing is lost - every row ends equal to GetJob's summary of its job, deleted jobs are gone,
new jobs are there - and the table is ordered by Updated once the re-sort has run."""

from __future__ import annotations

import asyncio
import random
from typing import Any

from enginehelp import EngineProcess, sh_spec
from guihelp import run, until
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView

from console.models import job_row as R
from console.models.batcher import ChangeBatcher
from console.models.jobs_proxy import JobsProxyModel
from console.models.jobs_table import Column, JobsTableModel
from pelorus.api import job_pb2
from pelorus.client import ConnectionConfig, EngineClient


def test_storm_through_the_feed_loses_nothing(engine: EngineProcess, qloop: Any) -> None:
    model = JobsTableModel()
    proxy = JobsProxyModel(model, resort_interval_ms=50)
    proxy.sort(Column.UPDATED, Qt.SortOrder.DescendingOrder)
    batcher = ChangeBatcher(model.apply_batch, budget_ms=0.05)
    batcher.MIN_PER_FLUSH = 3  # type: ignore[misc]  # a frame takes 3 changes: the backlog spans many frames
    left: list[int] = []  # changes still pending after each flush
    batcher.flushed.connect(lambda n, dt: left.append(batcher.pending()))
    view = QTableView()
    view.setModel(proxy)
    view.resize(900, 500)
    view.show()

    async def body() -> None:
        client = EngineClient(ConnectionConfig(address=engine.address))
        await client.connect()
        ids = [(await client.create_job(sh_spec(f"storm-{i}", "true"), start_paused=True)).job_id for i in range(30)]
        feed = asyncio.ensure_future(client.job_feed(
            lambda jobs, rev: (batcher.discard(), model.reset(jobs)), batcher.extend, lambda s, d: None))
        await until(lambda: model.rowCount() == 30, what="the listing")
        rnd = random.Random(5)

        async def refresh(n: int, pool: list[str]) -> None:
            for _ in range(n):
                await client.refresh_job(rnd.choice(pool))

        await asyncio.gather(*(refresh(40, ids) for _ in range(8)))  # 320 changes from 8 callers
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
            if model.rowCount() != len(expected) or batcher.pending():
                return False
            for job_id, s in truth.items():
                r = model.row_of(job_id)
                if r is None or model.columns().column_row(r) != R.make_row(s)[:R.HAY]:
                    return False
            return True

        await until(matches, timeout=20, what="the table to equal GetJob for every job")
        assert all(model.row_of(j) is None for j in gone)
        assert any(n > 0 for n in left)  # frames really left work for later frames
        await until(lambda: not proxy.has_pending_order(), what="the re-sort")
        shown = [proxy.job_id_at(p) for p in range(proxy.rowCount())]
        assert sorted(shown) == sorted(expected)
        updated = [truth[j].status.updated_at.ToNanoseconds() for j in shown]
        assert updated == sorted(updated, reverse=True)
        feed.cancel()
        await asyncio.gather(feed, return_exceptions=True)
        await client.close()

    run(qloop, body(), timeout=90)
    view.close()
