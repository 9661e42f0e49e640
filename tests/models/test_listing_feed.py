"""ListingFeed: the first page into the table at once, the rest in growing batches, nothing
lost or reordered; and the column store's buffer merging (many pages, little waste) keeps
every summary readable."""

from __future__ import annotations

from typing import Any

from models.jobs_factory import make_job

from console.models import job_row as R
from console.models.job_columns import JobColumns
from console.models.jobs_table import JobsTableModel
from console.models.listing_feed import ListingFeed
from pelorus.api import job_service_pb2


def _pages(n: int, per: int) -> list[bytes]:
    out = []
    for k in range(0, n, per):
        resp = job_service_pb2.ListJobsResponse(revision=7)
        resp.jobs.extend(make_job(i) for i in range(k, min(n, k + per)))
        out.append(resp.SerializeToString())
    out.append(job_service_pb2.ListJobsResponse(revision=7, last=True).SerializeToString())
    return out


def test_first_page_at_once_then_growing_batches(qapp: Any) -> None:
    model = JobsTableModel()
    now = [0.0]
    feed = ListingFeed(model, min_bytes=1, ratio=0.5, max_wait=10.0, clock=lambda: now[0])
    pages = _pages(5000, 50)
    feed.page(pages[0])
    assert model.rowCount() == 50  # shown before the second page arrives
    counts = [model.rowCount()]
    for raw in pages[1:]:
        feed.page(raw)
        counts.append(model.rowCount())
    feed.flush()
    assert model.rowCount() == 5000
    assert [model.job_id(r) for r in range(5000)] == [f"job-{i:06d}" for i in range(5000)]
    assert 3 < feed.batches < 30  # not one insert per page (101 pages)
    steps = sorted({c for c in counts})
    assert all(b - a >= a // 2 - 50 for a, b in zip(steps, steps[1:], strict=False))


def test_a_batch_waits_at_most_max_wait(qapp: Any) -> None:
    model = JobsTableModel()
    now = [0.0]
    feed = ListingFeed(model, min_bytes=1 << 30, max_wait=0.5, clock=lambda: now[0])
    pages = _pages(300, 100)
    feed.page(pages[0])
    feed.page(pages[1])
    assert model.rowCount() == 100
    now[0] = 0.6
    feed.page(pages[2])
    assert model.rowCount() == 300


def test_empty_listing_resets_to_empty(qapp: Any) -> None:
    model = JobsTableModel()
    model.reset([make_job(1)])
    feed = ListingFeed(model)
    feed.page(job_service_pb2.ListJobsResponse(revision=3, last=True).SerializeToString())
    feed.flush()
    assert model.rowCount() == 0


def test_many_page_buffers_merge_and_every_summary_stays_readable() -> None:
    from console.models import job_wire as W

    cols = JobColumns()
    pages = _pages(2000, 10)
    for raw in pages:
        w = W.list_jobs_wire([raw])
        cols.load(w.buf, w.starts, w.ends)
    assert len(cols._bufs) < 64
    for r in range(0, 2000, 37):
        assert cols.summary(r) == make_job(r)
        assert cols.reference_row(r)[R.ID] == f"job-{r:06d}"
    # an update after the merge lands on the right row and reads back
    s = make_job(5, name="renamed")
    s.status.revision = 99
    cols.load_messages([s])
    assert cols.summary(5).name == "renamed" and cols.text("names", 5) == "renamed"
    assert cols.summary(6) == make_job(6)


def test_a_first_listing_in_id_order_indexes_its_ids_in_idle_slices(qapp: Any) -> None:
    from console.models import job_wire as W

    msgs = [make_job(i) for i in range(50)]
    msgs.append(make_job(50, name="long"))
    msgs[-1].job_id = "z" * 300  # longer than a column holds: read back from the summary
    wire = W.list_jobs_wire([job_service_pb2.ListJobsResponse(jobs=msgs).SerializeToString()])
    cols = JobColumns()
    cols.load(wire.buf, wire.starts, wire.ends)
    assert cols.n == 51 and cols._index_todo == (0, 51)  # nothing indexed yet
    assert not cols.warm("names_fold", 20)  # the warm-up's first slices index ids
    assert cols._index_todo == (20, 51)
    want = {m.job_id: r for r, m in enumerate(msgs)}
    assert cols.index == want  # asking finishes it
    # then changes land on their rows, new jobs append, as after any listing
    s = make_job(7, name="renamed")
    s.status.revision = 5
    appended, replaced = cols.load_messages([s, make_job(99)])
    assert replaced == [7] and appended.tolist() == [51]
    assert cols.summary(7).name == "renamed" and cols.index["job-000099"] == 51

    model = JobsTableModel()
    model.reset(wire)
    assert model.row_of("z" * 300) == 50 and model.row_of("job-000003") == 3


def test_later_pages_in_id_order_append_without_lookups_and_index_in_idle_slices(qapp: Any) -> None:
    """The next pages of a listing in id order (streamed): appended as they come, their ids
    indexed later (the warm-up, or on demand); a page out of order, or after a Watch change
    appended a job, takes the usual path (lookups: a known job replaced in place)."""
    from console.models import job_wire as W
    from console.models.job_columns import prepare

    def wire(ids: list[int], name: str = "") -> W.Wire:
        msgs = [make_job(i, name=name) if name else make_job(i) for i in ids]
        return W.list_jobs_wire([job_service_pb2.ListJobsResponse(jobs=msgs).SerializeToString()])

    cols = JobColumns()
    cols.load(*(lambda w: (w.buf, w.starts, w.ends))(wire(list(range(10)))))
    w2 = prepare(wire(list(range(10, 30))))
    appended, replaced = cols.load(w2.buf, w2.starts, w2.ends, w2.decoded)
    assert appended.tolist() == list(range(10, 30)) and replaced == []
    assert cols._index_todo == (0, 30) and cols.index_pending()
    assert not cols.warm("names_fold", 25) and cols._index_todo == (25, 30)
    w3 = wire(list(range(30, 35)))
    cols.load(w3.buf, w3.starts, w3.ends)
    assert cols._index_todo == (25, 35)
    assert cols.index == {f"job-{i:06d}": i for i in range(35)}  # finished on demand
    # a page whose first id is not after the last one shown: lookups (job 34 replaced in place)
    w4 = wire([34, 40], name="again")
    appended, replaced = cols.load(w4.buf, w4.starts, w4.ends)
    assert replaced == [34] and appended.tolist() == [35] and cols.text("names", 34) == "again"
    w5 = wire([41, 42])  # in order again, but the table no longer is all one listing in order
    appended, replaced = cols.load(w5.buf, w5.starts, w5.ends)
    assert appended.tolist() == [36, 37] and not cols.index_pending() and cols.index["job-000042"] == 37

    # the table model: after the warm-up has finished, a page in order starts it again
    model = JobsTableModel()
    model.reset(wire(list(range(5))))
    model.ensure_haystacks()
    model.append_wire(prepare(wire(list(range(5, 9)))))
    assert model.columns().index_pending() and model._warm
    assert model.row_of("job-000008") == 8 and model.rowCount() == 9
    assert "job-000008" in model.columns().index
