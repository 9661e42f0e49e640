"""State sets and names shared by the scheduler, the store and the servicers."""

from __future__ import annotations

from pelorus.api import job_pb2, pod_pb2, workflow_pb2

JobState = job_pb2.JobState
PodState = pod_pb2.PodState
WorkflowState = workflow_pb2.WorkflowState
WorkflowType = workflow_pb2.WorkflowType

TERMINAL_JOB_STATES = frozenset(
    {job_pb2.JOB_STATE_SUCCEEDED, job_pb2.JOB_STATE_FAILED, job_pb2.JOB_STATE_KILLED, job_pb2.JOB_STATE_DELETED}
)
TERMINAL_POD_STATES = frozenset(
    {
        pod_pb2.POD_STATE_SUCCEEDED,
        pod_pb2.POD_STATE_FAILED,
        pod_pb2.POD_STATE_LOST,
        pod_pb2.POD_STATE_KILLED,
        pod_pb2.POD_STATE_DELETED,
    }
)
# A pod in one of these holds an executor slot (its process may be alive).
ACTIVE_POD_STATES = frozenset(
    {pod_pb2.POD_STATE_LAUNCHING, pod_pb2.POD_STATE_STARTING, pod_pb2.POD_STATE_RUNNING, pod_pb2.POD_STATE_KILLING}
)
ACTIVE_WORKFLOW_STATES = frozenset(
    {workflow_pb2.WORKFLOW_STATE_INITIALIZED, workflow_pb2.WORKFLOW_STATE_ROLLING_FORWARD,
     workflow_pb2.WORKFLOW_STATE_PAUSED, workflow_pb2.WORKFLOW_STATE_ROLLING_BACKWARD}
)


def pod_state_name(state: int) -> str:
    return pod_pb2.PodState.Name(state)


def job_state_name(state: int) -> str:
    return job_pb2.JobState.Name(state)


def short(name: str) -> str:
    """JOB_STATE_RUNNING -> RUNNING, for sentences."""
    for prefix in ("JOB_STATE_", "POD_STATE_", "WORKFLOW_STATE_", "WORKFLOW_TYPE_"):
        if name.startswith(prefix):
            return name[len(prefix):]
    return name
