"""Which pending pod runs next, and when scheduled things fall due.

Order: job priority (higher first), then job age, then instance id. Limits: the
engine-wide slot count, each job's parallelism, and unique keys (one job per key
dispatches at a time; the others wait PENDING with a message saying for whom).
Retries wait in a heap until their backoff ends; deadlines are checked on each tick.

It acts on the engine only through `ports.SchedulerHost`, so it imports no engine and a
unit test drives it with a small fake host.
"""

from __future__ import annotations

import asyncio
import heapq
import json
import logging
from collections import deque

from pelorus.api import job_pb2, pod_pb2
from pelorus.engine.aiotools import wait_event
from pelorus.engine.executors.base import ExecutorUnavailable
from pelorus.engine.ports import SchedulerHost
from pelorus.engine.records import JobRecord
from pelorus.engine.states import ACTIVE_POD_STATES
from pelorus.engine.timeutil import duration_seconds, from_timestamp, now, set_timestamp

log = logging.getLogger("pelorus.scheduler")
P = pod_pb2
J = job_pb2
# Pods one tick marks LAUNCHING (committed in one go, on the loop, before the first spawn) and
# launches; the rest go in the next tick, at once. Under a steady flood of pods every tick took
# the maximum, and committing 64 pods (with their jobs) held every call for 20-45 ms.
MAX_LAUNCH_BATCH = 16
# Backoff while the executor's backend is unreachable: 1 s, 2 s, 4 s ... capped.
UNAVAILABLE_FIRST_DELAY = 1.0
UNAVAILABLE_MAX_DELAY = 30.0


class Scheduler:
    def __init__(self, engine: SchedulerHost) -> None:
        self.engine = engine  # the Engine, as far as scheduling needs it (ports.py)
        self._ready: dict[str, deque[tuple[int, str]]] = {}
        self._delayed: list[tuple[float, int, str, int, str]] = []
        self._runs: list[tuple[float, str, int]] = []
        self._run_tokens: dict[str, int] = {}
        self._deadlines: list[tuple[float, str, str, int]] = []
        self._key_holders: dict[str, str] = {}
        self.active: set[str] = set()
        self._seq = 0
        self._wake = asyncio.Event()
        # The last tick found queued pods but could launch none of them (parallelism,
        # unique keys): wait for a wake-up instead of spinning on the ready queue.
        self._stalled = False
        self.launched_total = 0
        self._unavailable_streak = 0  # launches refused in a row because the backend was down
        self._held = False  # hold(): the engine is stopping its pods; nothing new launches

    # -- queueing ---------------------------------------------------------------------
    def enqueue(self, rec: JobRecord, inst: int, due: float) -> None:
        pod_id = rec.pods[inst].status.pod_id
        if due > now():
            self._seq += 1
            heapq.heappush(self._delayed, (due, self._seq, rec.job_id, inst, pod_id))
        else:
            self._ready.setdefault(rec.job_id, deque()).append((inst, pod_id))
        self.wake()

    def dequeue(self, rec: JobRecord, inst: int) -> None:
        """Entries are dropped lazily: a queued pod id that is no longer PENDING is skipped."""

    def schedule_run(self, rec: JobRecord, due: float) -> None:
        self._seq += 1
        token = self._seq
        self._run_tokens[rec.job_id] = token  # an entry pushed earlier for the job is stale now
        heapq.heappush(self._runs, (due, rec.job_id, token))
        self.wake()

    def cancel_run(self, rec: JobRecord) -> None:
        self._run_tokens.pop(rec.job_id, None)  # its heap entry is skipped when it comes due

    def release_unique_key(self, rec: JobRecord) -> None:
        key = rec.spec.unique_key
        if key and self._key_holders.get(key) == rec.job_id:
            del self._key_holders[key]
            self.wake()

    def forget(self, rec: JobRecord) -> None:
        self._ready.pop(rec.job_id, None)
        self.cancel_run(rec)
        self.release_unique_key(rec)
        for pod in rec.pods.values():
            self.active.discard(pod.status.pod_id)

    def pod_down(self, pod_id: str) -> None:
        self.active.discard(pod_id)

    def wake(self) -> None:
        self._wake.set()

    def hold(self) -> None:
        """Launch nothing from now on (the engine is stopping with its pods): queued pods stay
        PENDING; a batch already launching completes."""
        self._held = True

    def executor_available(self) -> None:
        """The executor's backend is reachable again: the pods held back while it was down
        launch now instead of waiting out their backoff."""
        self._unavailable_streak = 0
        for rec in self.engine.jobs.values():
            for inst, pod in rec.pods.items():
                st = pod.status
                if st.state == P.POD_STATE_PENDING and st.reason == "EXECUTOR_UNAVAILABLE":
                    st.ClearField("next_attempt_at")
                    self.enqueue(rec, inst, now())

    def restore(self) -> None:
        """Rebuild queues from the cache after a restart."""
        t = now()
        for rec in self.engine.jobs.values():
            st = rec.status
            if st.HasField("next_run_at") and st.desired_state == J.JOB_STATE_RUNNING:
                self.schedule_run(rec, from_timestamp(st.next_run_at))
            for inst, pod in sorted(rec.pods.items()):
                ps = pod.status
                if ps.state == P.POD_STATE_PENDING:
                    due = from_timestamp(ps.next_attempt_at) if ps.HasField("next_attempt_at") else t
                    self.enqueue(rec, inst, due)
                elif ps.state in ACTIVE_POD_STATES:
                    self.active.add(ps.pod_id)
                    self._track_deadline(rec, inst)
                    if rec.spec.unique_key:
                        self._key_holders.setdefault(rec.spec.unique_key, rec.job_id)

    # -- the loop ---------------------------------------------------------------------
    async def run(self) -> None:
        self.restore()
        while True:
            timeout = self._next_due() - now()
            if timeout > 0:
                await wait_event(self._wake, min(timeout, 5.0))  # not wait_for: see aiotools
            self._wake.clear()
            try:
                await self.tick()
            except Exception:  # keep scheduling whatever one bad pod did
                log.exception("scheduler tick failed")
                await asyncio.sleep(0.1)

    def _next_due(self) -> float:
        t = now() + 5.0
        if self._delayed:
            t = min(t, self._delayed[0][0])
        if self._runs:
            t = min(t, self._runs[0][0])
        if self._deadlines:
            t = min(t, self._deadlines[0][0])
        if not self._stalled and any(self._ready.values()) and \
                len(self.active) < self.engine.max_running_pods:
            return now()
        return t

    async def tick(self) -> None:
        t = now()
        eng = self.engine
        while self._runs and self._runs[0][0] <= t:
            _, job_id, token = heapq.heappop(self._runs)
            if self._run_tokens.get(job_id) != token:
                continue  # cancelled, or scheduled again since
            del self._run_tokens[job_id]
            rec = eng.jobs.get(job_id)
            if rec is not None and rec.status.desired_state == J.JOB_STATE_RUNNING:
                eng.begin_run(rec, t)
        while self._delayed and self._delayed[0][0] <= t:
            _, _, job_id, inst, pod_id = heapq.heappop(self._delayed)
            self._ready.setdefault(job_id, deque()).append((inst, pod_id))
        await self._check_deadlines(t)
        await self._launch(t)
        eng.commit()

    def _runnable_jobs(self) -> list[JobRecord]:
        jobs = []
        for job_id, queue in list(self._ready.items()):
            rec = self.engine.jobs.get(job_id)
            if rec is None or not queue:
                self._ready.pop(job_id, None)
                continue
            jobs.append(rec)
        jobs.sort(key=lambda r: (-r.spec.priority, from_timestamp(r.status.created_at)))
        return jobs

    def _pick(self) -> list[tuple[JobRecord, int]]:
        if self._held:
            return []
        slots = self.engine.max_running_pods - len(self.active)
        picked: list[tuple[JobRecord, int]] = []
        # A pod can be queued twice (restore() after a restart queues every PENDING pod, also one a
        # reconciled restart had just queued; executor_available() re-queues held-back pods that
        # also wait in the delay heap). Its state turns LAUNCHING only after the pick, so within one
        # pick the second entry still reads PENDING: picked twice, the batch launched it once and
        # the twin's "already running" failed the RUNNING pod, whose process then ran on unknown.
        taken: set[str] = set()
        for rec in self._runnable_jobs():
            if slots <= 0 or len(picked) >= MAX_LAUNCH_BATCH:
                break
            if rec.status.desired_state != J.JOB_STATE_RUNNING:
                self._ready.pop(rec.job_id, None)
                continue
            key = rec.spec.unique_key
            holder = self._key_holders.get(key) if key else None
            if holder is not None and holder != rec.job_id and holder in self.engine.jobs:
                self._note_waiting(rec, f"waiting: job {holder} holds unique key {key!r}")
                continue
            queue = self._ready[rec.job_id]
            running = rec.active_pods()
            limit = rec.spec.parallelism or 1 << 30
            while queue and slots > 0 and running < limit and len(picked) < MAX_LAUNCH_BATCH:
                inst, pod_id = queue.popleft()
                pod = rec.pods.get(inst)
                if pod is None or pod.status.pod_id != pod_id or pod.status.state != P.POD_STATE_PENDING \
                        or pod_id in taken:
                    continue
                taken.add(pod_id)
                picked.append((rec, inst))
                slots -= 1
                running += 1
            if key and any(r is rec for r, _ in picked):
                self._key_holders[key] = rec.job_id
        return picked

    def _note_waiting(self, rec: JobRecord, message: str) -> None:
        if rec.status.message != message:
            rec.status.message = message
            self.engine.mark_job(rec)

    async def _launch(self, t: float) -> None:
        eng = self.engine
        picked = self._pick()
        self._stalled = not picked
        if not picked:
            return
        for rec, inst in picked:
            pod = rec.pods[inst]
            pod.status.ClearField("next_attempt_at")
            pod.status.reason = ""  # e.g. EXECUTOR_UNAVAILABLE from a launch held back earlier
            pod.status.host = eng.host if eng.executor.name == "local" else ""
            eng.set_pod_state(rec, inst, P.POD_STATE_LAUNCHING, "launching")
            self.active.add(pod.status.pod_id)
            eng.mark_started(rec, t)
        eng.commit()  # LAUNCHING is durable before any process exists
        # One call to the executor for the whole batch (one round trip to a cluster, one hand-off
        # to the spawner thread) instead of one each: a pod's launch cost is mostly that hop.
        # KILLING: killed while waiting its turn; launched, then killed below.
        batch = [(rec, inst, rec.pods[inst]) for rec, inst in picked
                 if inst in rec.pods and rec.pods[inst].status.state in (P.POD_STATE_LAUNCHING, P.POD_STATE_KILLING)]
        if not batch:
            eng.poke_workflows()
            return
        requests = [eng.launch_request(rec, inst) for rec, inst, _ in batch]
        results = await eng.executor.launch_many(requests)
        if any(isinstance(r, ExecutorUnavailable) for r in results):
            self._unavailable_streak += 1
        for (rec, inst, pod), result in zip(batch, results, strict=True):
            if isinstance(result, ExecutorUnavailable):
                if rec.pods.get(inst) is pod:
                    self._hold_back(rec, inst, result)
                continue
            if isinstance(result, Exception):  # any launch failure is the pod's failure
                # Only of a pod still launching: a failure must never end a run that is up (its
                # process would run on with no record to stop it).
                current = rec.pods.get(inst) is pod
                launching = current and pod.status.state in (P.POD_STATE_LAUNCHING, P.POD_STATE_KILLING)
                if launching or not current:
                    self.active.discard(pod.status.pod_id)
                if launching:
                    eng.finish_pod(rec, inst, P.POD_STATE_FAILED, None, "LAUNCH_FAILED", f"could not start: {result}")
                    eng.after_failure(rec, inst)
                continue
            handle = result
            self._unavailable_streak = 0
            self.launched_total += 1
            st = pod.status
            current = rec.pods.get(inst) is pod
            if st.state == P.POD_STATE_KILLING and current:
                # A kill arrived while the pod was being spawned (the executor did not know it
                # yet): deliver it now, so the pod ends as the kill asked instead of running on.
                st.pid, st.node_id = handle.pid, handle.node_id
                eng.mark_pod(rec, inst, handle)
                await eng.executor.kill(st.pod_id, eng.kill_grace(rec, inst), reason=st.reason, message=st.message)
                continue
            if not current:
                # Its instance was replaced or its job removed while the batch launched (a kill, then
                # a restart or a delete): nothing in the engine tracks this process any more, so it
                # must not run on (the lifecycle model found such pods alive after the engine stopped).
                await eng.executor.kill(st.pod_id, 0.0, reason=st.reason or "KILLED",
                                        message=st.message or "its instance changed while it launched")
                continue
            if st.state != P.POD_STATE_LAUNCHING or rec.pods.get(inst) is not pod:
                continue  # already exited and reported
            st.pid, st.node_id = handle.pid, handle.node_id
            if handle.host:
                st.host = handle.host
            if eng.executor.reports_running:
                # Accepted, not yet running (e.g. queued on the cluster): the executor's on_running says when.
                eng.set_pod_state(rec, inst, P.POD_STATE_STARTING, f"submitted to the {eng.executor.name} executor",
                                  handle=handle)
            else:
                set_timestamp(st.started_at, now())
                eng.set_pod_state(rec, inst, P.POD_STATE_RUNNING, "running", handle=handle)
            self._track_deadline(rec, inst)
        eng.poke_workflows()

    def _hold_back(self, rec: JobRecord, inst: int, exc: ExecutorUnavailable) -> None:
        """The backend is down and nothing was started: the pod goes back to PENDING with
        the reason and is tried again after a backoff; its attempt count is untouched."""
        pod = rec.pods[inst]
        st = pod.status
        self.active.discard(st.pod_id)
        delay = min(UNAVAILABLE_MAX_DELAY, UNAVAILABLE_FIRST_DELAY * 2 ** max(0, self._unavailable_streak - 1))
        st.host = ""
        set_timestamp(st.next_attempt_at, now() + delay)
        self.engine.set_pod_state(rec, inst, P.POD_STATE_PENDING, f"{exc}; launch retried in {delay:.0f} s",
                                  "EXECUTOR_UNAVAILABLE")
        self.enqueue(rec, inst, now() + delay)

    def _track_deadline(self, rec: JobRecord, inst: int) -> None:
        spec = self.engine.pod_spec(rec, inst)
        limit = duration_seconds(spec.active_deadline)
        pod = rec.pods[inst]
        if limit > 0:
            started = from_timestamp(pod.status.started_at) if pod.status.HasField("started_at") else now()
            heapq.heappush(self._deadlines, (started + limit, pod.status.pod_id, rec.job_id, inst))

    async def _check_deadlines(self, t: float) -> None:
        while self._deadlines and self._deadlines[0][0] <= t:
            _, pod_id, job_id, inst = heapq.heappop(self._deadlines)
            rec = self.engine.jobs.get(job_id)
            pod = rec.pods.get(inst) if rec else None
            if rec is None or pod is None or pod.status.pod_id != pod_id:
                continue
            if pod.status.state in (P.POD_STATE_RUNNING, P.POD_STATE_LAUNCHING, P.POD_STATE_STARTING):
                limit = duration_seconds(self.engine.pod_spec(rec, inst).active_deadline)
                await self.engine.kill_pod(rec, inst, P.POD_STATE_FAILED, "DEADLINE_EXCEEDED",
                                           f"killed: active deadline of {limit:g} s exceeded")

    def describe(self) -> dict[str, str]:
        return {"active_pods": str(len(self.active)), "launched_total": str(self.launched_total),
                "queued": str(sum(len(q) for q in self._ready.values()) + len(self._delayed)),
                "unique_keys_held": json.dumps(self._key_holders)}
