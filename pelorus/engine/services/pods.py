"""PodService."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import grpc

from pelorus.api import job_pb2, pod_pb2, pod_service_pb2_grpc
from pelorus.api import pod_service_pb2 as ps
from pelorus.engine.aiotools import wait_event
from pelorus.engine.engine import Engine
from pelorus.engine.errors import not_found, precondition
from pelorus.engine.services._errors import rpc
from pelorus.engine.states import ACTIVE_POD_STATES, TERMINAL_POD_STATES
from pelorus.engine.timeutil import set_timestamp

Ctx = grpc.aio.ServicerContext[Any, Any]
P = pod_pb2
LOG_BATCH = 2000


class PodService(pod_service_pb2_grpc.PodServiceServicer):
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @rpc
    def GetPod(self, request: ps.GetPodRequest, context: Ctx) -> ps.GetPodResponse:
        rec, inst = self.engine.pod(request.pod_name)
        with self.engine.unit_of_work(read_committed=True) as eng:
            previous = [p for p in eng.store.previous_runs(request.pod_name, 0)
                        if p.status.pod_id != rec.pods[inst].status.pod_id]
            if request.limit:
                previous = previous[:request.limit]
            return ps.GetPodResponse(current=rec.pods[inst], previous=previous, spec=eng.pod_spec(rec, inst))

    @rpc
    def GetPodEvents(self, request: ps.GetPodEventsRequest, context: Ctx) -> ps.GetPodEventsResponse:
        self.engine.pod(request.pod_name)
        with self.engine.unit_of_work(read_committed=True) as eng:
            return ps.GetPodEventsResponse(events=eng.store.pod_events(request.pod_name, request.pod_id,
                                                                       request.limit))

    @rpc
    def StartPod(self, request: ps.StartPodRequest, context: Ctx) -> ps.StartPodResponse:
        rec, inst = self.engine.pod(request.pod_name)
        state = rec.pods[inst].status.state
        self._check_has_run(rec.pods[inst])
        if state not in TERMINAL_POD_STATES:
            raise precondition(f"pod {request.pod_name} is {P.PodState.Name(state)[10:]}; only a finished pod "
                               "can be started")
        with self.engine.unit_of_work() as eng:
            if rec.status.desired_state != job_pb2.JOB_STATE_RUNNING:
                rec.status.desired_state = job_pb2.JOB_STATE_RUNNING
                eng.mark_job(rec)
            eng.next_run(rec, inst, message="started by request")
        return ps.StartPodResponse()

    @rpc
    async def StopPod(self, request: ps.StopPodRequest, context: Ctx) -> ps.StopPodResponse:
        rec, inst = self.engine.pod(request.pod_name)
        with self.engine.unit_of_work() as eng:
            await eng.kill_pod(rec, inst, P.POD_STATE_KILLED, "KILLED_ON_REQUEST", "stopped by request")
        return ps.StopPodResponse()

    @rpc
    async def RestartPod(self, request: ps.RestartPodRequest, context: Ctx) -> ps.RestartPodResponse:
        rec, inst = self.engine.pod(request.pod_name)
        pod = rec.pods[inst]
        if request.check_sla and rec.spec.sla.max_unavailable_instances:
            unavailable = sum(1 for i, p in rec.pods.items()
                              if i != inst and p.status.state != P.POD_STATE_RUNNING
                              and not rec.instance_done(p))
            if unavailable + 1 > rec.spec.sla.max_unavailable_instances:
                raise precondition(f"restarting {request.pod_name} would make {unavailable + 1} instance(s) "
                                   f"unavailable; the job's SLA allows "
                                   f"{rec.spec.sla.max_unavailable_instances}")
        self._check_has_run(pod)
        if pod.status.state == P.POD_STATE_PENDING:
            return ps.RestartPodResponse(new_pod_id=pod.status.pod_id)
        with self.engine.unit_of_work() as eng:
            if pod.status.state in ACTIVE_POD_STATES:
                next_id = f"{pod.pod_name}-{pod.status.run + 1}"
                await eng.kill_pod(rec, inst, P.POD_STATE_RUNNING, "KILLED_FOR_RESTART", "restarted by request")
            else:
                if rec.status.desired_state != job_pb2.JOB_STATE_RUNNING:
                    # A pod of a stopped job: restarting it starts it (as StartPod does), or it would
                    # wait PENDING for ever.
                    rec.status.desired_state = job_pb2.JOB_STATE_RUNNING
                    eng.mark_job(rec)
                eng.next_run(rec, inst, message="restarted by request")
                next_id = rec.pods[inst].status.pod_id
        return ps.RestartPodResponse(new_pod_id=next_id)

    @staticmethod
    def _check_has_run(pod: pod_pb2.PodInfo) -> None:
        """A pod of a job that was created stopped has never run: starting that one instance would
        leave the job RUNNING for ever beside instances that never start. The job is started instead."""
        if pod.status.run == 0:
            raise precondition(f"pod {pod.pod_name} has not run yet (its job was created stopped); start the job")

    @rpc
    async def GetPodLogs(self, request: ps.GetPodLogsRequest, context: Ctx) -> AsyncIterator[ps.GetPodLogsResponse]:
        eng = self.engine
        rec, inst = eng.pod(request.pod_name)
        pod_id = request.pod_id or rec.pods[inst].status.pod_id
        if not pod_id:
            raise not_found(f"pod {request.pod_name} has not run yet, so it has no logs")
        if pod_id != rec.pods[inst].status.pod_id and eng.store.run_info(pod_id) is None:
            raise not_found(f"run {pod_id!r} of pod {request.pod_name}")
        event = eng.follow_logs(pod_id)
        try:
            eng.flush_logs()
            after = request.after_seq
            if request.tail_lines:
                after = max(after, eng.store.last_log_seq(pod_id) - request.tail_lines)
            while True:
                event.clear()
                rows = eng.store.read_logs(pod_id, after, LOG_BATCH)
                if rows:
                    resp = ps.GetPodLogsResponse()
                    for seq, ts, stream, text in rows:
                        line = resp.lines.add(pod_id=pod_id, seq=seq, stream=stream, text=text)
                        set_timestamp(line.timestamp, ts)
                    after = rows[-1][0]
                    yield resp
                    continue
                if self._run_ended(pod_id):
                    eng.flush_logs()
                    if eng.store.read_logs(pod_id, after, 1):
                        continue
                    yield ps.GetPodLogsResponse(end_of_logs=True)
                    return
                if not request.follow:
                    return
                await wait_event(event, 1.0)  # not wait_for, which can swallow a cancellation (aiotools)
        finally:
            eng.unfollow_logs(pod_id, event)

    def _run_ended(self, pod_id: str) -> bool:
        name, _, _ = pod_id.rpartition("-")
        try:
            rec, inst = self.engine.pod(name)
        except Exception:  # the job was deleted meanwhile
            return True
        current = rec.pods[inst].status
        return current.pod_id != pod_id or current.state in TERMINAL_POD_STATES
