"""The progress history stays bounded however long a run goes, keeps its first and latest
samples and spreads the rest evenly; old runs beyond the kept few are dropped."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from pelorus.api import job_pb2
from pelorus.api import watch_service_pb2 as ws
from pelorus.engine.progress_history import ProgressHistory
from pelorus.engine.records import JobRecord
from pelorus.engine.store import Store


def _job(run: int) -> JobRecord:
    status = job_pb2.JobStatus(state=job_pb2.JOB_STATE_RUNNING, run_count=run)
    return JobRecord("job-1", job_pb2.JobSpec(name="long", instance_count=1), status)


def test_history_is_bounded_and_downsampled(tmp_path: Path) -> None:
    store = Store(tmp_path / "engine.db")
    rec = _job(1)
    history = ProgressHistory(SimpleNamespace(store=store, jobs={rec.job_id: rec}),  # type: ignore[arg-type]
                              max_samples=50, first_resolution=1.0, keep_runs=2)
    t0 = 1_000_000.0
    for i in range(5000):  # one change a second for 5000 s
        rec.status.progress.successful = i
        with store.tx():
            history.observe(rec, t0 + i)
    rec.status.state = job_pb2.JOB_STATE_SUCCEEDED
    rec.status.progress.successful = 5000
    with store.tx():
        history.observe(rec, t0 + 5000.2)  # the end is written at once, whatever the resolution
    samples = [ws.WatchJobResponse.FromString(b) for b in store.progress_samples(rec.job_id, 1)]
    assert 25 <= len(samples) <= 51
    done = [s.progress.successful for s in samples]
    assert done[0] == 0 and done[-1] == 5000 and done == sorted(done)
    assert samples[-1].state == job_pb2.JOB_STATE_SUCCEEDED
    gaps = [b - a for a, b in zip(done, done[1:-1], strict=False)]
    assert max(gaps) <= 4 * min(gaps), gaps  # evenly spread, not all at one end
    resp = history.history(rec)
    assert resp.resolution.ToSeconds() >= 64 and list(resp.runs) == [1]

    for run in (2, 3, 4):  # only the latest keep_runs runs keep a history
        rec.status.run_count = run
        rec.status.state = job_pb2.JOB_STATE_RUNNING
        with store.tx():
            history.observe(rec, t0 + 6000 + run)
    assert store.progress_runs(rec.job_id) == [3, 4]
    store.close()
