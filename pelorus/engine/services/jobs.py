"""JobService."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import grpc

from pelorus.api import job_pb2, job_service_pb2_grpc, workflow_pb2
from pelorus.api import job_service_pb2 as js
from pelorus.engine import limits
from pelorus.engine.engine import Engine
from pelorus.engine.errors import invalid
from pelorus.engine.services._errors import rpc
from pelorus.engine.states import TERMINAL_POD_STATES
from pelorus.engine.timeutil import set_timestamp

Ctx = grpc.aio.ServicerContext[Any, Any]


def to_ranges(instances: list[int]) -> list[workflow_pb2.InstanceRange]:
    """[0,1,2,5] -> [0,3) [5,6)."""
    ranges: list[workflow_pb2.InstanceRange] = []
    for i in sorted(instances):
        if ranges and ranges[-1].to == i:
            ranges[-1].to = i + 1
        else:
            r = workflow_pb2.InstanceRange(to=i + 1)
            setattr(r, "from", i)
            ranges.append(r)
    return ranges


def _version(request: object) -> int:
    return int(request.version.value)  # type: ignore[attr-defined]


class JobService(job_service_pb2_grpc.JobServiceServicer):
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @rpc
    def CreateJob(self, request: js.CreateJobRequest, context: Ctx) -> js.CreateJobResponse:
        job_id, version, created = self.engine.create_job(request.job_id, request.spec, request.idempotency_key,
                                                          request.start_paused)
        resp = js.CreateJobResponse(job_id=job_id, created=created)
        resp.version.value = version
        return resp

    @rpc
    def ReplaceJob(self, request: js.ReplaceJobRequest, context: Ctx) -> js.ReplaceJobResponse:
        with self.engine.unit_of_work() as eng:
            version = eng.replace_job(request.job_id, _version(request), request.spec, request.update_spec)
        resp = js.ReplaceJobResponse()
        resp.version.value = version
        return resp

    @rpc
    def PatchJob(self, request: js.PatchJobRequest, context: Ctx) -> js.PatchJobResponse:
        rec = self.engine.job(request.job_id)
        self.engine.check_version(rec, _version(request))
        if not request.update_mask.paths:
            raise invalid("update_mask", "name at least one field to patch, e.g. instance_count")
        # types-protobuf: DESCRIPTOR may be upb's Descriptor, which IsValidForDescriptor's stub does not accept
        if not request.update_mask.IsValidForDescriptor(job_pb2.JobSpec.DESCRIPTOR):  # type: ignore[arg-type]
            raise invalid("update_mask", f"{', '.join(request.update_mask.paths)} names a field JobSpec does not "
                                         "have")
        merged = job_pb2.JobSpec()
        merged.CopyFrom(rec.spec)
        try:
            request.update_mask.MergeMessage(request.spec, merged, replace_message_field=True,
                                             replace_repeated_field=True)
        except ValueError as exc:
            raise invalid("update_mask", str(exc)) from None
        with self.engine.unit_of_work() as eng:
            version = eng.replace_job(request.job_id, _version(request), merged, request.update_spec)
        resp = js.PatchJobResponse()
        resp.version.value = version
        return resp

    @rpc
    def GetReplaceJobDiff(self, request: js.GetReplaceJobDiffRequest, context: Ctx) -> js.GetReplaceJobDiffResponse:
        diff = self.engine.replace_diff(request.job_id, _version(request), request.spec)
        return js.GetReplaceJobDiffResponse(
            instances_added=to_ranges(diff["added"]), instances_removed=to_ranges(diff["removed"]),
            instances_updated=to_ranges(diff["updated"]), instances_unchanged=to_ranges(diff["unchanged"]))

    @rpc
    def RestartJob(self, request: js.RestartJobRequest, context: Ctx) -> js.RestartJobResponse:
        with self.engine.unit_of_work() as eng:
            version = eng.restart_job(request.job_id, _version(request), request.restart_spec)
        resp = js.RestartJobResponse()
        resp.version.value = version
        return resp

    @rpc
    def StartJob(self, request: js.StartJobRequest, context: Ctx) -> js.StartJobResponse:
        resp = js.StartJobResponse()
        resp.version.value = self.engine.start_job(request.job_id, _version(request))
        return resp

    @rpc
    async def StopJob(self, request: js.StopJobRequest, context: Ctx) -> js.StopJobResponse:
        resp = js.StopJobResponse()
        resp.version.value = await self.engine.stop_job(request.job_id, _version(request))
        return resp

    def _workflow_action(self, request: object, action: str) -> int:
        rec = self.engine.job(request.job_id)  # type: ignore[attr-defined]
        self.engine.check_version(rec, _version(request))
        with self.engine.unit_of_work() as eng:
            version: int = getattr(eng.workflows, action)(rec)
        return version

    @rpc
    def PauseJobWorkflow(self, request: js.PauseJobWorkflowRequest, context: Ctx) -> js.PauseJobWorkflowResponse:
        resp = js.PauseJobWorkflowResponse()
        resp.version.value = self._workflow_action(request, "pause")
        return resp

    @rpc
    def ResumeJobWorkflow(self, request: js.ResumeJobWorkflowRequest, context: Ctx) -> js.ResumeJobWorkflowResponse:
        resp = js.ResumeJobWorkflowResponse()
        resp.version.value = self._workflow_action(request, "resume")
        return resp

    @rpc
    def AbortJobWorkflow(self, request: js.AbortJobWorkflowRequest, context: Ctx) -> js.AbortJobWorkflowResponse:
        resp = js.AbortJobWorkflowResponse()
        resp.version.value = self._workflow_action(request, "abort")
        return resp

    @rpc
    async def DeleteJob(self, request: js.DeleteJobRequest, context: Ctx) -> js.DeleteJobResponse:
        await self.engine.delete_job(request.job_id, _version(request), request.force)
        return js.DeleteJobResponse()

    @rpc
    def GetJob(self, request: js.GetJobRequest, context: Ctx) -> js.GetJobResponse:
        # What GetJob says is what was committed and streamed (a read: nothing to commit after).
        eng = self.engine
        rec = eng.committed_job(request.job_id)
        spec = eng.spec_at(rec, request.version.value) if request.version.value else rec.spec
        resp = js.GetJobResponse(summary=rec.summary())
        if not request.summary_only:
            resp.job_info.job_id = rec.job_id
            resp.job_info.spec.CopyFrom(spec)
            resp.job_info.status.CopyFrom(rec.status)
            if rec.latest_workflow is not None:
                resp.workflow_info.CopyFrom(rec.latest_workflow)
        return resp

    @rpc
    def ListJobVersions(self, request: js.ListJobVersionsRequest, context: Ctx) -> js.ListJobVersionsResponse:
        rec = self.engine.job(request.job_id)
        page = request.pagination
        newest_first = True
        for i, order in enumerate(page.order_by):
            if order.property != "version":
                raise invalid(f"pagination.order_by[{i}].property",
                              f"versions can be ordered by 'version' only, not {order.property!r}")
            newest_first = order.order == order.ORDER_DESC
        limit = limits.applied_versions_limit(page.limit)
        with self.engine.unit_of_work(read_committed=True) as eng:
            rows, total = eng.store.spec_history(rec.job_id, page.offset, limit, newest_first)
            resp = js.ListJobVersionsResponse()
            resp.job_version.value = rec.version
            for row in rows:
                item = resp.versions.add(changed_by=row.author)
                item.version.value = row.version
                workflow = eng.store.workflow(row.workflow_id) if row.workflow_id else None
                if workflow is not None:
                    item.workflow.CopyFrom(workflow.status)
                if row.created_at:
                    set_timestamp(item.created_at, row.created_at)
                elif workflow is not None:  # written before the store kept the time (schema 4)
                    item.created_at.CopyFrom(workflow.status.created_at)
                elif row.version == 1:
                    item.created_at.CopyFrom(rec.status.created_at)
        resp.pagination.offset, resp.pagination.limit, resp.pagination.total = page.offset, limit, total
        return resp

    @rpc
    def GetJobIDFromJobName(self, request: js.GetJobIDFromJobNameRequest,
                            context: Ctx) -> js.GetJobIDFromJobNameResponse:
        ids = self.engine.job_by_name(request.job_name)
        if not ids:
            from pelorus.engine.errors import not_found

            raise not_found(f"job named {request.job_name!r}")
        return js.GetJobIDFromJobNameResponse(job_id=ids)

    @rpc
    def QueryJobs(self, request: js.QueryJobsRequest, context: Ctx) -> js.QueryJobsResponse:
        rows, total = self.engine.store.query_jobs(request.spec, limits.QUERY_DEFAULT_LIMIT, limits.QUERY_MAX_LIMIT)
        resp = js.QueryJobsResponse(spec=request.spec)
        for job_id, spec_bytes, status_bytes in rows:
            spec = job_pb2.JobSpec.FromString(spec_bytes)
            s = resp.records.add(job_id=job_id, name=spec.name, owner=spec.owner,
                                 namespace=spec.namespace or "default", instance_count=spec.instance_count,
                                 priority=spec.priority)
            s.labels.update(spec.labels)
            s.status.MergeFromString(status_bytes)
        resp.pagination.offset = request.spec.pagination.offset
        resp.pagination.limit = limits.applied_query_limit(request.spec.pagination.limit)
        resp.pagination.total = total
        return resp

    @rpc
    async def ListJobs(self, request: js.ListJobsRequest, context: Ctx) -> AsyncIterator[js.ListJobsResponse]:
        # Pages stream from a revision taken first: page one leaves at once instead of after
        # every summary was built (100,000 jobs took seconds), and the engine keeps serving
        # between pages.  Each page is read after a commit, so it holds committed state at or
        # after ``revision``: a client that shows the pages and then watches from ``revision``
        # sees every later change (one it already has again, which each summary's
        # status.revision tells apart) and ends in the engine's state; no job is lost or listed
        # twice (pages follow the store's job id order).
        size = request.batch_size or 1000
        with self.engine.unit_of_work(read_committed=True) as eng:
            revision = eng.store.revision
        after: str | None = ""
        while after is not None:
            with self.engine.unit_of_work(read_committed=True) as eng:
                batch, after = eng.jobs_page(after, size)
            if batch:
                yield js.ListJobsResponse(jobs=batch, revision=revision)
        yield js.ListJobsResponse(revision=revision, last=True)

    @rpc
    def ListJobWorkflows(self, request: js.ListJobWorkflowsRequest, context: Ctx) -> js.ListJobWorkflowsResponse:
        self.engine.job(request.job_id)
        with self.engine.unit_of_work(read_committed=True) as eng:
            store = eng.store
            resp = js.ListJobWorkflowsResponse()
            for info, _progress in store.workflows(request.job_id):
                wf = resp.workflows.add()
                wf.CopyFrom(info)
                wf.events.extend(store.workflow_events(info.status.workflow_id, per_instance=False))
                if request.instance_events:
                    per: dict[int, list[workflow_pb2.WorkflowEvent]] = {}
                    for ev in store.workflow_events(info.status.workflow_id, per_instance=True):
                        per.setdefault(ev.instance_id, []).append(ev)
                    for inst in sorted(per):
                        events = per[inst]
                        if request.instance_events_limit:
                            events = events[-request.instance_events_limit:]
                        wf.instance_events.add(instance_id=inst, events=events)
        return resp

    @rpc
    def GetWorkflowEvents(self, request: js.GetWorkflowEventsRequest, context: Ctx) -> js.GetWorkflowEventsResponse:
        self.engine.job(request.job_id)
        with self.engine.unit_of_work(read_committed=True) as eng:
            events = eng.store.job_events(request.job_id, request.instance_id if request.has_instance_id else None,
                                          request.limit)
        return js.GetWorkflowEventsResponse(events=events)

    @rpc
    async def ListPods(self, request: js.ListPodsRequest, context: Ctx) -> AsyncIterator[js.ListPodsResponse]:
        rec = self.engine.job(request.job_id)
        with self.engine.unit_of_work(read_committed=True) as eng:
            revision = eng.store.revision
            lo = getattr(request.range, "from")
            hi = request.range.to or rec.spec.instance_count
            pods = [rec.pods[i] for i in sorted(rec.pods) if lo <= i < hi]
        size = request.batch_size or 1000
        for start in range(0, len(pods), size):
            yield js.ListPodsResponse(pods=pods[start:start + size])
        yield js.ListPodsResponse(revision=revision, last=True)

    @rpc
    def QueryPods(self, request: js.QueryPodsRequest, context: Ctx) -> js.QueryPodsResponse:
        rec = self.engine.job(request.job_id)
        q = request.spec
        states, names, hosts = set(q.pod_states), set(q.names), set(q.hosts)
        pods = [p for _, p in sorted(rec.pods.items())
                if (not states or p.status.state in states) and (not names or p.pod_name in names)
                and (not hosts or p.status.host in hosts)]
        for ob in reversed(q.pagination.order_by):
            key = _POD_ORDER.get(ob.property)
            if key is None:
                raise invalid("spec.pagination.order_by.property",
                              f"unknown pod property {ob.property!r}; use one of {', '.join(sorted(_POD_ORDER))}")
            pods.sort(key=key, reverse=ob.order == ob.ORDER_DESC)
        total = len(pods)
        offset = q.pagination.offset
        limit = q.pagination.limit or total
        page = pods[offset:offset + limit]
        resp = js.QueryPodsResponse(pods=page)
        resp.pagination.offset, resp.pagination.limit, resp.pagination.total = offset, limit, total
        return resp

    @rpc
    def ListJobPodEvents(self, request: js.ListJobPodEventsRequest, context: Ctx) -> js.ListJobPodEventsResponse:
        rec = self.engine.job(request.job_id)
        limit = limits.applied_pod_events_limit(request.limit)
        with self.engine.unit_of_work(read_committed=True) as eng:  # a cursor never skips a pending event
            rows = eng.store.job_pod_events(rec.job_id, request.after, limit)
        resp = js.ListJobPodEventsResponse(next_cursor=rows[-1][0] if rows else request.after,
                                           more=len(rows) == limit)
        for _cursor, pod_name, event in rows:
            item = resp.events.add(instance_id=int(pod_name.rpartition("-")[2]))
            item.event.MergeFromString(event)
        return resp

    @rpc
    def RefreshJob(self, request: js.RefreshJobRequest, context: Ctx) -> js.RefreshJobResponse:
        self.engine.refresh_job(request.job_id)
        return js.RefreshJobResponse()

    @rpc
    def GetJobCache(self, request: js.GetJobCacheRequest, context: Ctx) -> js.GetJobCacheResponse:
        rec = self.engine.job(request.job_id)
        return js.GetJobCacheResponse(spec=rec.spec, status=rec.status)


_POD_ORDER = {
    "instance_id": lambda p: p.instance_id,
    "state": lambda p: p.status.state,
    "host": lambda p: p.status.host,
    "started_at": lambda p: (p.status.started_at.seconds, p.status.started_at.nanos),
    "ended_at": lambda p: (p.status.ended_at.seconds, p.status.ended_at.nanos),
    "run": lambda p: p.status.run,
    "exit_code": lambda p: p.status.exit_code,
    "terminal": lambda p: p.status.state in TERMINAL_POD_STATES,
}
