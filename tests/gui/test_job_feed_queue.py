"""The jobs feed's queue between the UI loop and its worker thread (console/job_feed_thread.py),
without an engine: responses given as bytes come back as batches in order with the states, a
change at or below a revision already parsed is dropped, the latest change per job wins, a
deleted job goes, and the UI loop's reading waits while the worker is far behind."""

from __future__ import annotations

import asyncio
from typing import Any

from guihelp import run, until

from console import job_feed_thread as F
from console.models.jobs_table import JobsTableModel
from pelorus.api import job_pb2, job_service_pb2
from pelorus.api import watch_service_pb2 as ws


def summary(job_id: str, revision: int) -> job_pb2.JobSummary:
    s = job_pb2.JobSummary(job_id=job_id, name=f"name-{job_id}", owner="me", namespace="default")
    s.status.revision = revision
    s.status.updated_at.FromNanoseconds(revision * 1_000_000_000)
    return s


def response(*changes: tuple[str, int, bool]) -> bytes:
    resp = ws.WatchResponse(revision=max(r for _, r, _ in changes))
    for job_id, rev, deleted in changes:
        resp.changes.append(ws.Change(revision=rev, job=summary(job_id, rev), deleted=deleted))
    return resp.SerializeToString()


class FakeClient:
    """What the feed needs of EngineClient: ``job_feed_raw`` giving prepared responses."""

    role = None

    def __init__(self, responses: list[bytes]) -> None:
        self.responses = responses
        self.waited = 0
        self.synced: int | None = None

    async def job_feed_raw(self, on_snapshot: Any, on_response: Any, on_state: Any, list_all: Any,
                           revision_seen: Any) -> None:
        items, revision = await list_all()
        on_snapshot(items, revision)
        on_state("connected", "")
        for data in self.responses:
            wait = on_response(data)
            if wait is not None:
                self.waited += 1
                await wait
        self.synced = await revision_seen()
        on_state("reconnecting", "test")
        await asyncio.Event().wait()  # until cancelled


def test_bytes_in_batches_out_in_order_with_back_pressure(qloop: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(F, "INBOX_HIGH", 2000)  # a few responses: the reader must wait for the worker
    jobs = [f"j{i}" for i in range(20)]
    responses = [response(*((j, 10 + n * 20 + k, False) for k, j in enumerate(jobs))) for n in range(50)]
    last = 10 + 49 * 20 + 19
    responses.append(response(("j0", 5, False)))  # at or below what was parsed: dropped
    responses.append(response(("j1", last + 1, True)))  # deleted
    client = FakeClient(responses)
    model = JobsTableModel()
    events: list[str] = []

    def on_batch(batch: F.WireBatch) -> None:
        events.append("batch")
        model.apply_wire_batch(batch)

    async def listed(_client: Any) -> tuple[Any, int]:
        return None, 1

    async def body() -> None:
        feed = F.JobFeedThread(client, lambda *a: events.append("listing"), on_batch,  # type: ignore[arg-type]
                               lambda s, d: events.append(s), list_all=listed)
        task = asyncio.ensure_future(feed.run())
        await until(lambda: "reconnecting" in events, what="everything through the worker")
        assert client.synced == last + 1  # the worker parsed up to the last response
        assert client.waited > 0  # the reader waited for the worker at least once
        assert events[0] == "listing" and events[1] == "connected" and events[-1] == "reconnecting"
        assert "batch" in events
        assert model.rowCount() == 19 and model.row_of("j1") is None
        cols = model.columns()
        for k, j in enumerate(jobs[2:], start=2):
            r = model.row_of(j)
            assert r is not None and int(cols.nums["revision"][r]) == 10 + 49 * 20 + k
        r0 = model.row_of("j0")
        assert r0 is not None and int(cols.nums["revision"][r0]) == 10 + 49 * 20  # the stale change skipped
        assert feed.received == 50 * 20 + 1  # the stale one never counted: dropped by revision
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        assert task.cancelled() and not feed.is_alive()

    run(qloop, body(), timeout=60)


class PagedClient(FakeClient):
    """A first listing of many pages through the feed's own ListJobs path (``list_jobs_raw``)."""

    def __init__(self, pages: list[bytes], revision: int) -> None:
        super().__init__([])
        self.pages = pages
        self.revision = revision

    async def list_jobs_raw(self, on_page: Any = None, batch_size: int = 0) -> tuple[list[bytes], int]:
        for raw in self.pages:
            on_page(raw)
            await asyncio.sleep(0)
        return [], self.revision


def test_a_streamed_first_listing_goes_in_growing_batches_not_page_by_page(qloop: Any) -> None:
    """Page by page, every insert paid for all the rows already shown (a million jobs: minutes);
    the worker hands the pages over as ListingFeed batches them: the first page at once, the rest
    in a few inserts that grow with the table, in order, the whole listing there at the end."""
    per_page, n_pages = 50, 200
    pages = []
    for p in range(n_pages):
        resp = job_service_pb2.ListJobsResponse(revision=7, last=p == n_pages - 1)
        resp.jobs.extend(summary(f"j{p * per_page + k:06d}", 5) for k in range(per_page))
        pages.append(resp.SerializeToString())
    client = PagedClient(pages, 7)
    model = JobsTableModel()
    listings: list[tuple[int, bool, bool]] = []

    def on_listing(wires: list[Any], revision: int, first: bool, complete: bool) -> None:
        listings.append((sum(len(w) for w in wires), first, complete))
        if first:
            model.reset(wires[0] if wires else [])
            wires = wires[1:]
        for w in wires:
            model.append_wire(w)

    async def body() -> None:
        feed = F.JobFeedThread(client, on_listing, lambda b: None, lambda s, d: None)  # type: ignore[arg-type]
        task = asyncio.ensure_future(feed.run())
        await until(lambda: any(c for _, _, c in listings), what="the whole listing")
        assert listings[0] == (per_page, True, False)  # the first page alone, at once
        assert listings[-1][2] and not any(c for _, _, c in listings[:-1])
        assert sum(n for n, _, _ in listings) == per_page * n_pages
        assert len(listings) <= 20, f"{len(listings)} inserts for {n_pages} pages"
        assert model.rowCount() == per_page * n_pages
        assert [model.job_id(r) for r in (0, 4999, 9999)] == ["j000000", "j004999", "j009999"]
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    run(qloop, body(), timeout=60)


def test_the_worker_waits_until_the_table_has_painted_each_batch(qloop: Any) -> None:
    """A worker parsing while the UI thread paints holds the GIL that each of the paint's calls into
    Python (data()) must take back: paints were several times longer.  The worker is held from the
    batch's hand-over until the paint it caused is done: a 0 ms timer released it before that paint
    (Qt delivered the timer first); the table's viewport, when the feed watches it, releases it
    once painted."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QTableView

    from console.models.jobs_proxy import JobsProxyModel
    from console.models.jobs_table import Column

    jobs = [f"j{i}" for i in range(10)]
    responses = [response(*((j, 10 + n * 10 + k, False) for k, j in enumerate(jobs))) for n in range(40)]
    client = FakeClient(responses)
    model = JobsTableModel()
    model.reset([summary(j, 1) for j in jobs])
    proxy = JobsProxyModel(model)
    proxy.sort(Column.UPDATED, Qt.SortOrder.DescendingOrder)
    feed: F.JobFeedThread | None = None
    after_batch = False
    free_at_paint: list[bool] = []  # for the first paint after each batch: was the worker free?
    held_after: list[bool] = []

    class View(QTableView):
        def paintEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
            nonlocal after_batch
            if after_batch and feed is not None:
                free_at_paint.append(feed._ui_free.is_set())  # noqa: SLF001 - the gate under test
                after_batch = False
            super().paintEvent(event)

    view = View()
    view.setModel(proxy)
    proxy.follow_view(view)
    view.resize(600, 400)
    view.show()

    def on_batch(batch: F.WireBatch) -> None:
        nonlocal after_batch
        model.apply_wire_batch(batch)
        after_batch = True
        assert feed is not None
        held_after.append(not feed._ui_free.is_set())  # noqa: SLF001
        assert feed._painter_shown()  # noqa: SLF001 - released by the view's paint, the path under test

    async def listed(_client: Any) -> tuple[Any, int]:
        return None, 1

    async def body() -> None:
        nonlocal feed
        feed = F.JobFeedThread(client, lambda *a: None, on_batch, lambda s, d: None,  # type: ignore[arg-type]
                               list_all=listed)
        feed.release_after_paints_of(view.viewport())  # as the main window does
        proxy.dataChanged.connect(lambda *_: feed.hold_for_paint() if feed else None)
        task = asyncio.ensure_future(feed.run())
        await until(lambda: client.synced is not None and feed is not None and feed.taken == feed.received,
                    what="every change applied")
        await until(lambda: feed is not None and feed._ui_free.is_set(), what="the worker released")  # noqa: SLF001
        assert held_after and all(held_after)  # held from the hand-over
        assert free_at_paint, "no paint followed a batch"
        assert not any(free_at_paint), f"the worker was free during {sum(free_at_paint)} of the batches' paints"
        # A re-sort repaints the table whole: held for it too when asked (the main window asks)
        proxy.layoutAboutToBeChanged.connect(lambda *_: feed.hold_for_paint() if feed else None)
        proxy.sort(Column.NAME)
        assert not feed._ui_free.is_set()  # noqa: SLF001
        await until(lambda: feed is not None and feed._ui_free.is_set(), what="released after the paint")  # noqa: SLF001
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    try:
        run(qloop, body(), timeout=60)
    finally:
        view.close()
        view.deleteLater()


def test_the_main_window_holds_the_feed_for_a_resort_paint(embedded_window: Any, qloop: Any) -> None:
    """The jobs table's re-sorts and filter keystrokes repaint it whole: the window holds the feed's
    worker until that paint is done (the session's feed, as connected)."""
    from console.models.jobs_table import Column

    win = embedded_window
    feed = win.session._feed_thread  # noqa: SLF001 - the feed the session runs
    assert feed is not None

    async def body() -> None:
        await until(lambda: feed._ui_free.is_set(), what="the worker free")  # noqa: SLF001
        win.panel.proxy.sort(Column.NAME)
        assert not feed._ui_free.is_set()  # noqa: SLF001 - held: the re-sort's paint comes first
        await until(lambda: feed._ui_free.is_set(), what="released after the paint")  # noqa: SLF001

    run(qloop, body())


def test_a_hold_without_a_paint_ends_and_without_a_table_too(qloop: Any) -> None:
    """Changes off screen cause no paint: the hold ends after PAINT_WAIT_MS all the same; with no
    table watched, or one not shown (a minimized window paints nothing), a posted event ends it
    once the loop has run."""
    from PySide6.QtWidgets import QWidget

    feed = F.JobFeedThread(FakeClient([]), lambda *a: None, lambda b: None, lambda s, d: None)  # type: ignore[arg-type]
    shown = QWidget()
    shown.resize(100, 100)
    shown.show()

    async def body() -> None:
        feed.hold_for_paint()
        assert not feed._ui_free.is_set()  # noqa: SLF001
        await until(lambda: feed._ui_free.is_set(), what="released by the posted event")  # noqa: SLF001
        await asyncio.sleep(0.2)  # the widget's own first paints are over
        feed.release_after_paints_of(shown)
        t0 = asyncio.get_running_loop().time()
        feed.hold_for_paint()  # nothing repaints the widget
        await until(lambda: feed._ui_free.is_set(), what="released without a paint")  # noqa: SLF001
        assert asyncio.get_running_loop().time() - t0 >= F.PAINT_WAIT_MS / 1000 * 0.9
        feed.hold_for_paint()
        shown.update()  # a paint releases it at once
        await until(lambda: feed._ui_free.is_set(), timeout=F.PAINT_WAIT_MS / 1000 * 0.9, what="released by the paint")  # noqa: SLF001,E501
        shown.hide()
        feed.hold_for_paint()  # not shown: no paint to wait for
        await until(lambda: feed._ui_free.is_set(), timeout=F.PAINT_WAIT_MS / 1000 * 0.9, what="released, not shown")  # noqa: SLF001,E501

    try:
        run(qloop, body())
    finally:
        feed.release_after_paints_of(None)
        shown.close()
        shown.deleteLater()
