"""A bounded, downsampled progress history of each run of each job, kept in the store.

WatchJob shows progress from the moment a client starts watching; a chart opened late,
or on a finished job, needs the curve before that. Every commit that changes what a
progress chart plots appends a sample (the WatchJob message of that moment) to the
current run's history, at most one per `resolution` seconds; a change within that time is
written when it runs out, and a run's end is written at once. When a run holds
`max_samples`, every other sample is dropped (the first and last stay) and the resolution
doubles, so a run of any length keeps at most `max_samples` evenly spread samples. Only
the latest `keep_runs` runs of a job keep their history.

Samples are written in the engine's commit transaction, so they are as durable as the
state they show.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from pelorus.api import watch_service_pb2 as ws
from pelorus.engine.ports import JobsAndStore
from pelorus.engine.records import JobRecord
from pelorus.engine.states import TERMINAL_JOB_STATES
from pelorus.engine.timeutil import now, set_timestamp

MAX_SAMPLES = 400
FIRST_RESOLUTION = 0.5
KEEP_RUNS = 10


def progress_message(rec: JobRecord) -> ws.WatchJobResponse:
    """The job's progress now, as WatchJob sends it (without timestamp and applied period)."""
    st = rec.status
    resp = ws.WatchJobResponse(job_id=rec.job_id, progress=st.progress, workflow_status=st.workflow_status,
                               state=st.state, instances_done=st.instances_done,
                               instances_failed=st.instances_failed,
                               max_failed_instances=rec.spec.max_failed_instances)
    resp.pod_stats.update(st.pod_stats)
    return resp


def _plotted(rec: JobRecord) -> tuple[object, ...]:
    """What a progress chart plots (not the ever-growing elapsed time): a sample is due when it changes."""
    st = rec.status
    p, w = st.progress, st.workflow_status
    return (st.state, p.successful, p.failed, p.remaining, p.instances_reporting, st.instances_done,
            st.instances_failed, w.workflow_id, w.state, w.num_instances_completed, w.num_instances_remaining,
            w.num_instances_failed, tuple(sorted(st.pod_stats.items())))


@dataclass
class _Track:
    run: int
    count: int
    last_t: float
    resolution: float
    key: tuple[object, ...] = ()
    timer: asyncio.TimerHandle | None = None


class ProgressHistory:
    def __init__(self, engine: JobsAndStore, max_samples: int = MAX_SAMPLES, first_resolution: float = FIRST_RESOLUTION,
                 keep_runs: int = KEEP_RUNS) -> None:
        self.engine = engine
        self.max_samples = max(4, max_samples)
        self.first_resolution = first_resolution
        self.keep_runs = max(1, keep_runs)
        self._tracks: dict[str, _Track] = {}

    def _track(self, rec: JobRecord) -> _Track:
        run = rec.status.run_count
        tr = self._tracks.get(rec.job_id)
        if tr is None or tr.run != run:
            if tr is not None and tr.timer is not None:
                tr.timer.cancel()
            count, last_t = self.engine.store.progress_run_extent(rec.job_id, run)
            tr = _Track(run, count, last_t, self.first_resolution)
            self._tracks[rec.job_id] = tr
            if count == 0:
                self.engine.store.drop_progress_runs(rec.job_id, keep_from=run - self.keep_runs + 1)
        return tr

    def fresh(self, rec: JobRecord) -> None:
        """A job just created with an id no earlier job had: it has no samples to count or drop,
        so its first commit need not ask the store."""
        run = rec.status.run_count
        if run and rec.job_id not in self._tracks:
            self._tracks[rec.job_id] = _Track(run, 0, 0.0, self.first_resolution)

    def observe(self, rec: JobRecord, t: float) -> None:
        """Called for every job a commit writes (inside its transaction, after the state is derived)."""
        if rec.status.run_count == 0:
            return  # never ran: nothing to plot
        tr = self._track(rec)
        key = _plotted(rec)
        if key == tr.key:
            return
        if tr.count and t - tr.last_t < tr.resolution and rec.status.state not in TERMINAL_JOB_STATES:
            if tr.timer is None:  # write it when the resolution allows, unless newer news comes first
                try:
                    loop = asyncio.get_running_loop()
                except RuntimeError:
                    return
                tr.timer = loop.call_later(tr.last_t + tr.resolution - t, self._due, rec.job_id)
            return
        self._write(rec, tr, key, t)

    def _due(self, job_id: str) -> None:
        tr = self._tracks.get(job_id)
        rec = self.engine.jobs.get(job_id)
        if tr is None:
            return
        tr.timer = None
        if rec is None or rec.status.run_count != tr.run:
            return
        key = _plotted(rec)
        if key != tr.key:
            with self.engine.store.tx():
                self._write(rec, tr, key, now())

    def _write(self, rec: JobRecord, tr: _Track, key: tuple[object, ...], t: float) -> None:
        if tr.timer is not None:
            tr.timer.cancel()
            tr.timer = None
        sample = progress_message(rec)
        set_timestamp(sample.timestamp, t)
        store = self.engine.store
        store.add_progress_sample(rec.job_id, tr.run, t, sample.SerializeToString())
        tr.key, tr.last_t = key, t
        tr.count += 1
        if tr.count > self.max_samples:
            tr.count = store.thin_progress_run(rec.job_id, tr.run)
            tr.resolution *= 2

    def close(self) -> None:
        """The engine is stopping (its store closes next): pending samples are not written."""
        for tr in self._tracks.values():
            if tr.timer is not None:
                tr.timer.cancel()
                tr.timer = None

    def idle(self, job_id: str) -> bool:
        """No sample of the job waits to be written (it may be dropped from memory)."""
        tr = self._tracks.get(job_id)
        return tr is None or tr.timer is None

    def forget(self, job_id: str) -> None:
        tr = self._tracks.pop(job_id, None)
        if tr is not None and tr.timer is not None:
            tr.timer.cancel()

    def history(self, rec: JobRecord, run: int = 0) -> ws.GetJobProgressHistoryResponse:
        """The stored samples of a run (0: the current one); for the current run of a job
        still going, its state now is the last sample."""
        run = run or rec.status.run_count
        store = self.engine.store
        resp = ws.GetJobProgressHistoryResponse(job_id=rec.job_id, run=run, runs=store.progress_runs(rec.job_id))
        resp.samples.extend(ws.WatchJobResponse.FromString(b) for b in store.progress_samples(rec.job_id, run))
        tr = self._tracks.get(rec.job_id)
        resp.resolution.FromNanoseconds(int((tr.resolution if tr and tr.run == run else self.first_resolution)
                                            * 1e9))
        if run == rec.status.run_count and run and rec.status.state not in TERMINAL_JOB_STATES:
            live = progress_message(rec)
            set_timestamp(live.timestamp, now())
            resp.samples.append(live)
        return resp
