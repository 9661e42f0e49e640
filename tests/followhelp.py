"""What an open job detail shows against what the engine says (issue 12): shared by the GUI tests
that drive a job through its lifecycle with its detail open (in its tab of the main window)."""

from __future__ import annotations

import time
from typing import Any

from guihelp import until

from console.session import Session
from console.views.job_detail import JobDetail
from pelorus.api import job_pb2, pod_pb2
from pelorus.engine.states import short
from pelorus.errors import NotFound

J = job_pb2
FOLLOW_WITHIN = 1.0  # seconds: the detail shows what the engine says within this


def state_name(state: int) -> str:
    return short(J.JobState.Name(state))


def shown(dialog: JobDetail) -> dict[str, Any]:
    """What the detail shows: header state, summary rows, pods (name -> state, run)."""
    labels = dialog.summary_labels
    return {
        "state": labels["State"].text(),
        "version": labels["Version"].text(),
        "instances": labels["Instances"].text(),
        "progress": labels["Progress"].text(),
        "pods": {p.pod_name: (short(pod_pb2.PodState.Name(p.status.state)), p.status.pod_id)
                 for p in dialog.pods_model.pods()},
    }


async def engine_truth(session: Session, job_id: str) -> dict[str, Any] | None:
    """The same, from GetJob and ListPods (None once the job is gone)."""
    try:
        info = (await session.client.get_job(job_id)).job_info
        pods = await session.client.list_pods(job_id)
    except NotFound:
        return None
    st = info.status
    return {
        "state": state_name(st.state),
        "version": str(st.version.value),
        "instances": (f"{info.spec.instance_count} ({st.instances_done} done, {st.instances_failed} failed; "
                      f"{info.spec.max_failed_instances} failure(s) tolerated)"),
        "progress": f"{st.progress.successful} ok, {st.progress.failed} failed, {st.progress.remaining} left",
        "pods": {p.pod_name: (short(pod_pb2.PodState.Name(p.status.state)), p.status.pod_id) for p in pods},
    }


def table_state(session: Session, job_id: str) -> str | None:
    row = session.jobs_model.row_of(job_id)
    return None if row is None else state_name(session.jobs_model.summary(row).status.state)


async def follows(session: Session, dialog: JobDetail, job_id: str, settled: Any, what: str) -> None:
    """Wait (engine time) until ``settled(truth)``; from then on the detail must equal GetJob / ListPods
    within FOLLOW_WITHIN. Throughout, the header never names a state the jobs table does not."""
    deadline = time.monotonic() + 30
    while True:
        truth = await engine_truth(session, job_id)
        if settled(truth):
            break
        assert time.monotonic() < deadline, f"{what}: the engine never settled ({truth})"
        await until(lambda: True, timeout=0.1)
    since = time.monotonic()
    while True:
        truth = await engine_truth(session, job_id)
        got = shown(dialog)  # read with the table, in the same instant
        table = table_state(session, job_id)
        if table is not None:
            assert got["state"] == table or dialog.session.jobs_model.row_of(job_id) is None, \
                f"{what}: detail says {got['state']}, table says {table}"
        if truth is None and dialog.gone:
            return
        if truth is not None and got == truth:
            return
        assert time.monotonic() - since < FOLLOW_WITHIN, f"{what}: detail {got} != engine {truth}"
        await until(lambda: True, timeout=0.05)
