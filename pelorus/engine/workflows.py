"""Workflows: rolling restarts and updates in batches, and the simple start/stop records.

A rolling workflow is driven by pod changes, not by a timer: whenever a pod of the job
changes, `poke` schedules `advance`, which counts the instances of the current batch
that have come back (their new run is RUNNING or finished), records per-instance
events, and starts the next batch unless the workflow is paused. Its progress is
persisted with every step, so a restarted engine picks it up where it was.

It acts on the engine only through `ports.WorkflowHost`, so it imports no engine and a
unit test drives it with a small fake host.
"""

from __future__ import annotations

import asyncio
import uuid

from pelorus.api import job_pb2, pod_pb2, workflow_pb2
from pelorus.engine.ports import WorkflowHost
from pelorus.engine.records import JobRecord, WorkflowRun
from pelorus.engine.states import ACTIVE_POD_STATES, ACTIVE_WORKFLOW_STATES, short
from pelorus.engine.timeutil import from_timestamp, now, set_timestamp

P = pod_pb2
W = workflow_pb2
J = job_pb2
ROLLING = (W.WORKFLOW_STATE_ROLLING_FORWARD, W.WORKFLOW_STATE_ROLLING_BACKWARD)
# A paused workflow still counts the instances of its in-flight batch as they come back.
TRACKING = (*ROLLING, W.WORKFLOW_STATE_PAUSED)
# An instance counts as rolled once its new run has stayed RUNNING this long (or succeeded).
MIN_READY_SECONDS = 1.0


class WorkflowDriver:
    def __init__(self, engine: WorkflowHost) -> None:
        self.engine = engine  # the Engine, as far as workflows need it (ports.py)
        self._advancing: set[str] = set()
        # Ids of the jobs given a rolling workflow (rec.workflow set): poke_all, run after every
        # launch batch, visits these instead of every resident job (thousands under load).
        self._rolling: dict[str, None] = {}  # ordered: jobs are poked in the order they began

    # -- records ----------------------------------------------------------------------
    def _new_info(self, rec: JobRecord, wtype: W.WorkflowType, state: W.WorkflowState) -> workflow_pb2.WorkflowInfo:
        info = workflow_pb2.WorkflowInfo()
        st = info.status
        st.workflow_id = str(uuid.uuid4())
        st.type = wtype
        st.state = state
        t = now()
        set_timestamp(st.created_at, t)
        set_timestamp(st.updated_at, t)
        st.version.value = rec.version
        st.prev_version.value = rec.version
        return info

    def _save(self, rec: JobRecord, info: workflow_pb2.WorkflowInfo, progress: str = "") -> None:
        rec.latest_workflow = info
        rec.status.workflow_status.CopyFrom(info.status)
        self.engine.defer("workflow", (rec.job_id, workflow_pb2.WorkflowInfo.FromString(info.SerializeToString()),
                                       progress))
        self.engine.mark_job(rec)

    def _event(self, rec: JobRecord, info: workflow_pb2.WorkflowInfo, message: str,
               state: W.WorkflowState | None = None, instance: int | None = None) -> None:
        ev = workflow_pb2.WorkflowEvent(type=info.status.type, state=info.status.state if state is None else state,
                                        message=message, workflow_id=info.status.workflow_id)
        if instance is not None:
            ev.instance_id = instance
        set_timestamp(ev.timestamp, now())
        self.engine.defer("wf_event", (rec.job_id, ev, instance is not None))

    def job_event(self, rec: JobRecord, message: str, state: W.WorkflowState) -> None:
        """A job-level event (e.g. a callback's outcome) on the job's latest workflow."""
        if rec.latest_workflow is not None:
            self._event(rec, rec.latest_workflow, message, state)

    def record_simple(self, rec: JobRecord, wtype: W.WorkflowType, message: str, done: bool) -> None:
        """START / STOP: one record with its events; STOP finishes when every pod is down
        (`settle_stop`), counting the pods still up as remaining."""
        info = self._new_info(rec, wtype, W.WORKFLOW_STATE_SUCCEEDED if done else W.WORKFLOW_STATE_ROLLING_FORWARD)
        remaining = 0 if done else rec.active_pods()
        info.status.num_instances_remaining = remaining
        info.status.num_instances_completed = len(rec.pods) - remaining
        if done:
            set_timestamp(info.status.completed_at, now())
        self._event(rec, info, message)
        self._save(rec, info)

    @staticmethod
    def stop_pending(rec: JobRecord) -> bool:
        info = rec.latest_workflow
        return (info is not None and info.status.type == W.WORKFLOW_TYPE_STOP
                and info.status.state == W.WORKFLOW_STATE_ROLLING_FORWARD)

    def settle_stop(self, rec: JobRecord) -> None:
        """Bring a rolling STOP up to date with the pods: it succeeds once none is up (whatever
        the job's state did meanwhile, and also for a STOP a previous engine process left), is
        aborted if the job was started again, and otherwise counts the pods still going down."""
        if not self.stop_pending(rec):
            return
        info = rec.latest_workflow
        assert info is not None
        remaining = rec.active_pods()
        if rec.status.desired_state != J.JOB_STATE_KILLED:
            self.finish_simple(rec, W.WORKFLOW_STATE_ABORTED, "aborted: the job was started again")
        elif remaining == 0:
            self.finish_simple(rec, W.WORKFLOW_STATE_SUCCEEDED, "every pod is down")
        elif info.status.num_instances_remaining != remaining:
            info.status.num_instances_remaining = remaining
            info.status.num_instances_completed = len(rec.pods) - remaining
            set_timestamp(info.status.updated_at, now())
            self._save(rec, info)

    def finish_simple(self, rec: JobRecord, state: W.WorkflowState, message: str) -> None:
        info = rec.latest_workflow
        if info is None:
            return
        info.status.prev_state = info.status.state
        info.status.state = state
        info.status.num_instances_completed = len(rec.pods)
        info.status.num_instances_remaining = 0
        set_timestamp(info.status.completed_at, now())
        set_timestamp(info.status.updated_at, now())
        self._event(rec, info, message)
        self._save(rec, info)

    # -- starting rolling workflows ---------------------------------------------------
    def diff(self, rec: JobRecord, spec: job_pb2.JobSpec) -> dict[str, list[int]]:
        old_n, new_n = rec.spec.instance_count, spec.instance_count
        common = min(old_n, new_n)
        changed = (rec.spec.default_spec.SerializeToString(deterministic=True)
                   != spec.default_spec.SerializeToString(deterministic=True))
        return {
            "added": list(range(old_n, new_n)),
            "removed": list(range(new_n, old_n)),
            "updated": list(range(common)) if changed else [],
            "unchanged": [] if changed else list(range(common)),
        }

    def _supersede(self, rec: JobRecord, why: str) -> None:
        if rec.workflow is not None:
            self.finish(rec, W.WORKFLOW_STATE_ABORTED, f"aborted: superseded by {why}")

    def _adopt_spec(self, rec: JobRecord, spec: job_pb2.JobSpec, update: workflow_pb2.UpdateSpec,
                    state: W.WorkflowState) -> tuple[dict[str, list[int]], int, int, workflow_pb2.WorkflowInfo]:
        """Make `spec` the job's new version and open the update workflow that records it. Both a
        rolling update and a replacement at rest go through here, so their history reads the same."""
        diff = self.diff(rec, spec)
        self._supersede(rec, "a new update")
        prev_version = rec.version
        rec.spec = spec
        version = self.engine.bump_version(rec, spec_changed=True)
        info = self._new_info(rec, W.WORKFLOW_TYPE_UPDATE, state)
        info.update_spec.CopyFrom(update)
        info.status.prev_version.value = prev_version
        info.status.batch_size = update.batch_size
        info.instances_added.extend(diff["added"])
        info.instances_removed.extend(diff["removed"])
        info.instances_updated.extend(diff["updated"])
        return diff, prev_version, version, info

    def start_update(self, rec: JobRecord, spec: job_pb2.JobSpec, update: workflow_pb2.UpdateSpec) -> int:
        diff, prev_version, version, info = self._adopt_spec(rec, spec, update, W.WORKFLOW_STATE_INITIALIZED)
        run = WorkflowRun(info, todo=diff["added"] + diff["updated"], target_version=version,
                          previous_version=prev_version)
        self._begin(rec, run, f"update to version {version}: {len(diff['added'])} added, "
                              f"{len(diff['removed'])} removed, {len(diff['updated'])} updated",
                    paused=update.start_paused)
        for inst in diff["removed"]:
            self.engine.spawn(self._remove(rec, inst), f"remove-{rec.job_id}-{inst}")
        if not diff["added"] and not diff["updated"] and not diff["removed"]:
            self.finish(rec, W.WORKFLOW_STATE_SUCCEEDED, "nothing to roll: only job metadata changed")
        return version

    def replace_at_rest(self, rec: JobRecord, spec: job_pb2.JobSpec, update: workflow_pb2.UpdateSpec) -> int:
        """A new spec for a job that is not running (finished, stopped, stopping, never started,
        between scheduled runs): nothing rolls, no pod starts; its next run uses the new spec.
        Instances the new spec drops are removed (a pod still going down is removed once down)."""
        diff, _, version, info = self._adopt_spec(rec, spec, update, W.WORKFLOW_STATE_SUCCEEDED)
        set_timestamp(info.status.completed_at, now())
        for inst in diff["removed"]:
            pod = rec.pods.get(inst)
            if pod is None:
                continue
            if pod.status.state in ACTIVE_POD_STATES:
                self.engine.spawn(self._remove(rec, inst), f"remove-{rec.job_id}-{inst}")
            else:
                self.engine.remove_instance(rec, inst)
        if rec.status.state == J.JOB_STATE_INITIALIZED:
            t = now()
            for inst in diff["added"]:  # a job created stopped has a pod per instance from the start
                self.engine.new_pod(rec, inst, P.POD_STATE_INITIALIZED, t)
                self.engine.mark_pod(rec, inst)
        info.status.num_instances_completed = len(rec.pods)
        self._event(rec, info, f"version {version}: {len(diff['added'])} added, {len(diff['removed'])} removed, "
                               f"{len(diff['updated'])} updated; the job is not running, so the new spec "
                               "applies to its next run")
        self._save(rec, info)
        return version

    async def _remove(self, rec: JobRecord, inst: int) -> None:
        pod = rec.pods.get(inst)
        if pod is None:
            return
        if pod.status.state in ACTIVE_POD_STATES:
            await self.engine.kill_pod(rec, inst, P.POD_STATE_DELETED, "KILLED_FOR_UPDATE",
                                       "instance removed by an update")
        else:
            self.engine.remove_instance(rec, inst)
        self.engine.commit()

    def start_restart(self, rec: JobRecord, instances: list[int], restart: workflow_pb2.RestartSpec,
                      new_run: bool = False) -> int:
        """A rolling restart. Of every instance (`new_run`), it is a new run of the job: the
        job's progress (and its history) start again from the restarted pods' reports."""
        self._supersede(rec, "a restart")
        if new_run:
            rec.status.run_count += 1
            set_timestamp(rec.status.started_at, now())
        version = self.engine.bump_version(rec)
        info = self._new_info(rec, W.WORKFLOW_TYPE_RESTART, W.WORKFLOW_STATE_INITIALIZED)
        info.restart_spec.CopyFrom(restart)
        info.status.batch_size = restart.batch_size
        info.instances_updated.extend(instances)
        run = WorkflowRun(info, todo=list(instances), target_version=version, previous_version=version)
        self._begin(rec, run, f"restart of {len(instances)} instance(s) in batches of "
                              f"{restart.batch_size or len(instances)}", paused=False)
        return version

    def track(self, rec: JobRecord) -> None:
        """The job has a rolling workflow (rec.workflow): poke_all visits it."""
        self._rolling[rec.job_id] = None

    def _begin(self, rec: JobRecord, run: WorkflowRun, message: str, paused: bool) -> None:
        rec.workflow = run
        self.track(rec)
        self._event(rec, run.info, message)
        self._set_state(rec, W.WORKFLOW_STATE_PAUSED if paused else W.WORKFLOW_STATE_ROLLING_FORWARD,
                        "created paused" if paused else "rolling forward")
        self.poke(rec)

    # -- operator actions -------------------------------------------------------------
    # Peloton's contract: each is a no-op (OK, the current version, nothing recorded) when
    # there is no workflow it applies to: none active, already paused, not paused.
    @staticmethod
    def _active(rec: JobRecord) -> WorkflowRun | None:
        if rec.workflow is None or rec.workflow.info.status.state not in ACTIVE_WORKFLOW_STATES:
            return None
        return rec.workflow

    def pause(self, rec: JobRecord) -> int:
        run = self._active(rec)
        if run is None or run.info.status.state == W.WORKFLOW_STATE_PAUSED:
            return rec.version
        self._set_state(rec, W.WORKFLOW_STATE_PAUSED, "paused by request")
        return self.engine.bump_version(rec)

    def resume(self, rec: JobRecord) -> int:
        run = self._active(rec)
        if run is None or run.info.status.state != W.WORKFLOW_STATE_PAUSED:
            return rec.version
        back = run.info.status.prev_state == W.WORKFLOW_STATE_ROLLING_BACKWARD
        self._set_state(rec, W.WORKFLOW_STATE_ROLLING_BACKWARD if back else W.WORKFLOW_STATE_ROLLING_FORWARD,
                        "resumed by request")
        version = self.engine.bump_version(rec)
        self.poke(rec)
        return version

    def abort(self, rec: JobRecord) -> int:
        if self._active(rec) is None:
            return rec.version
        self.finish(rec, W.WORKFLOW_STATE_ABORTED, "aborted by request")
        return self.engine.bump_version(rec)

    # -- driving ----------------------------------------------------------------------
    def _set_state(self, rec: JobRecord, state: W.WorkflowState, message: str) -> None:
        run = rec.workflow
        assert run is not None
        st = run.info.status
        if st.state != state:
            st.prev_state = st.state
            st.state = state
        self._update_counts(run)
        self._event(rec, run.info, message)
        self._save(rec, run.info, run.progress_json())

    def _update_counts(self, run: WorkflowRun) -> None:
        st = run.info.status
        st.num_instances_completed = len(run.done)
        st.num_instances_failed = len(run.failed)
        st.num_instances_remaining = len(run.todo) + len(run.current)
        del st.instances_current[:]
        st.instances_current.extend(sorted(run.current))
        set_timestamp(st.updated_at, now())

    def finish(self, rec: JobRecord, state: W.WorkflowState, message: str) -> None:
        run = rec.workflow
        if run is None:
            return
        set_timestamp(run.info.status.completed_at, now())
        self._set_state(rec, state, message)
        rec.workflow = None

    def poke(self, rec: JobRecord) -> None:
        run = rec.workflow
        if run is None or run.info.status.state not in TRACKING or rec.job_id in self._advancing:
            return
        self._advancing.add(rec.job_id)
        self.engine.spawn(self._advance(rec), f"workflow-{rec.job_id}")

    def poke_all(self) -> None:
        """Poke every job with a rolling workflow (every resident rec.workflow is tracked)."""
        for job_id in list(self._rolling):
            rec = dict.get(self.engine.jobs, job_id)  # resident only: a rolling job is never evicted
            if rec is None or rec.workflow is None:
                del self._rolling[job_id]
                continue
            self.poke(rec)

    def resume_all(self) -> None:
        self.poke_all()

    async def _advance(self, rec: JobRecord) -> None:
        try:
            await self._advance_once(rec)
        finally:
            self._advancing.discard(rec.job_id)
        self.engine.commit()

    async def _advance_once(self, rec: JobRecord) -> None:
        run = rec.workflow
        if run is None or run.info.status.state not in TRACKING or rec.job_id not in self.engine.jobs:
            return
        changed = False
        for inst, target in list(run.current.items()):
            pod = rec.pods.get(inst)
            if pod is None:
                del run.current[inst]
                run.done.append(inst)
                changed = True
                continue
            st = pod.status
            if st.run < target:
                if st.state in ACTIVE_POD_STATES or st.state == P.POD_STATE_PENDING:
                    continue  # going down for the roll; its new run follows
                # Down without a new run: stopped by an operator meanwhile, or lost while the
                # engine was down. It will not come back by itself: the instance did not roll.
                del run.current[inst]
                run.failed.append(inst)
                self._event(rec, run.info, f"instance {inst} did not roll: its run {st.run} ended "
                                           f"{short(P.PodState.Name(st.state))} ({st.message})",
                            W.WORKFLOW_STATE_FAILED, inst)
                changed = True
                continue
            retried = st.run > target and st.attempt > 1
            if st.state == P.POD_STATE_RUNNING and not retried:
                ready_in = MIN_READY_SECONDS - (now() - from_timestamp(st.started_at))
                if ready_in > 0:  # a pod that dies right after starting has not rolled
                    asyncio.get_running_loop().call_later(ready_in + 0.01, self.poke, rec)
                    continue
            if st.state in (P.POD_STATE_RUNNING, P.POD_STATE_SUCCEEDED) and not retried:
                del run.current[inst]
                run.done.append(inst)
                self._event(rec, run.info, f"instance {inst} rolled: run {st.run} "
                                           f"{short(P.PodState.Name(st.state))}", W.WORKFLOW_STATE_SUCCEEDED, inst)
                changed = True
            elif retried or st.state in (P.POD_STATE_FAILED, P.POD_STATE_LOST, P.POD_STATE_KILLED):
                del run.current[inst]
                run.failed.append(inst)
                self._event(rec, run.info, f"instance {inst} failed: {st.message}", W.WORKFLOW_STATE_FAILED, inst)
                changed = True
        tolerable = run.info.update_spec.max_tolerable_instance_failures
        if len(run.failed) > tolerable:
            if (run.info.update_spec.rollback_on_failure
                    and run.info.status.state == W.WORKFLOW_STATE_ROLLING_FORWARD):
                self._start_rollback(rec, run)
            else:
                self.finish(rec, W.WORKFLOW_STATE_FAILED,
                            f"{len(run.failed)} instance(s) failed (tolerated {tolerable})")
            return
        if run.info.status.state in ROLLING:
            batch = run.info.status.batch_size or (len(run.todo) + len(run.current))
            while run.todo and len(run.current) < batch:
                inst = run.todo.pop(0)
                await self._roll_instance(rec, run, inst)
                changed = True
        if not run.todo and not run.current:
            back = W.WORKFLOW_STATE_ROLLING_BACKWARD in (run.info.status.state, run.info.status.prev_state)
            self.finish(rec, W.WORKFLOW_STATE_ROLLED_BACK if back else W.WORKFLOW_STATE_SUCCEEDED,
                        f"{len(run.done)} instance(s) rolled" + (" back" if back else ""))
            return
        if changed:
            self._update_counts(run)
            self._save(rec, run.info, run.progress_json())

    async def _roll_instance(self, rec: JobRecord, run: WorkflowRun, inst: int) -> None:
        eng = self.engine
        restart = run.info.status.type == W.WORKFLOW_TYPE_RESTART
        reason = "KILLED_FOR_RESTART" if restart else "KILLED_FOR_UPDATE"
        pod = rec.pods.get(inst)
        rec.pod_versions[inst] = run.target_version
        if pod is None:
            eng.next_run(rec, inst, message=f"added by update to version {run.target_version}")
            run.current[inst] = rec.pods[inst].status.run
        elif pod.status.state in ACTIVE_POD_STATES:
            run.current[inst] = pod.status.run + 1
            await eng.kill_pod(rec, inst, P.POD_STATE_RUNNING, reason,
                               f"{'restart' if restart else 'update'} workflow {run.workflow_id[:8]}")
        elif pod.status.state == P.POD_STATE_PENDING:
            run.current[inst] = pod.status.run
        else:
            eng.next_run(rec, inst, message=f"{'restarted' if restart else 'updated'} by workflow",
                         reset_successes=True)
            run.current[inst] = rec.pods[inst].status.run
        self._event(rec, run.info, f"instance {inst}: {'restarting' if restart else 'updating'}",
                    W.WORKFLOW_STATE_ROLLING_FORWARD, inst)
        eng.wake_scheduler()

    def _start_rollback(self, rec: JobRecord, run: WorkflowRun) -> None:
        previous = self.engine.store.spec_at_version(rec.job_id, run.previous_version)
        if previous is None:
            self.finish(rec, W.WORKFLOW_STATE_FAILED, "failed, and the previous spec is gone: cannot roll back")
            return
        rec.spec = previous
        version = self.engine.bump_version(rec, spec_changed=True)
        run.todo = sorted(set(run.done) | set(run.current) | set(run.failed))
        run.current, run.done, run.failed = {}, [], []
        run.target_version = version
        self._set_state(rec, W.WORKFLOW_STATE_ROLLING_BACKWARD,
                        f"too many failures: rolling back to the spec of version {run.previous_version}")
        self.poke(rec)

