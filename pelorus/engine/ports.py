"""What the scheduler, the workflow driver and the progress history need from the engine.

Each is a small `typing.Protocol` of public names that the `Engine` implements (mypy checks
it where the Engine hands itself to them), so `scheduler.py`, `workflows.py` and
`progress_history.py` never import `engine.py` (no import cycle: an import-linter contract
keeps it so), never call the Engine's private methods, and can be driven in a unit test by a
small fake host instead of an engine process.

The engine's commit-then-publish discipline stays the engine's: a host marks what it
changed (`mark_job`, `mark_pod`, `defer`) and `commit()` writes it all in one transaction
before anything is acknowledged or streamed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Protocol

from pelorus.api import pod_pb2
from pelorus.engine.executors.base import Executor, LaunchRequest, PodHandle
from pelorus.engine.records import JobRecord
from pelorus.engine.store import Store


class JobsAndStore(Protocol):
    """The cache of jobs (by id) and the store behind it."""

    @property
    def jobs(self) -> dict[str, JobRecord]: ...

    @property
    def store(self) -> Store: ...


class Changes(Protocol):
    """Marking what changed, and committing it (store first, then the watch hub)."""

    def commit(self) -> None: ...

    def mark_job(self, rec: JobRecord) -> None: ...

    def mark_pod(self, rec: JobRecord, inst: int, handle: PodHandle | None = None) -> None: ...


class SchedulerHost(JobsAndStore, Changes, Protocol):
    """What `Scheduler` uses: the slot limit, the executor, and the pod transitions it drives
    (launching, launch failure, deadline kill) and the scheduled runs it starts."""

    @property
    def max_running_pods(self) -> int: ...

    @property
    def host(self) -> str:
        """This machine's name (a local pod's host)."""
        ...

    @property
    def executor(self) -> Executor: ...

    def set_pod_state(self, rec: JobRecord, inst: int, state: pod_pb2.PodState, message: str = "",
                      reason: str = "", handle: PodHandle | None = None) -> None: ...

    def mark_started(self, rec: JobRecord, t: float) -> None: ...

    def begin_run(self, rec: JobRecord, t: float, instances: list[int] | None = None) -> None: ...

    def pod_spec(self, rec: JobRecord, inst: int) -> pod_pb2.PodSpec: ...

    def kill_grace(self, rec: JobRecord, inst: int) -> float: ...

    def launch_request(self, rec: JobRecord, inst: int) -> LaunchRequest: ...

    def finish_pod(self, rec: JobRecord, inst: int, state: pod_pb2.PodState, exit_code: int | None, reason: str,
                   message: str) -> None: ...

    def after_failure(self, rec: JobRecord, inst: int) -> None: ...

    async def kill_pod(self, rec: JobRecord, inst: int, then: pod_pb2.PodState, reason: str, message: str,
                       grace: float | None = None) -> None: ...

    def poke_workflows(self) -> None:
        """Pods were launched: let every rolling workflow count them."""
        ...


class WorkflowHost(JobsAndStore, Changes, Protocol):
    """What `WorkflowDriver` uses: versions, pods' new runs, kills and removals, background tasks."""

    def defer(self, kind: str, row: object) -> None: ...

    def bump_version(self, rec: JobRecord, spec_changed: bool = False) -> int: ...

    def spawn(self, coro: Awaitable[object], name: str) -> asyncio.Future[object]: ...

    def new_pod(self, rec: JobRecord, inst: int, state: pod_pb2.PodState, t: float) -> pod_pb2.PodInfo: ...

    def next_run(self, rec: JobRecord, inst: int, *, delay: float = 0.0, attempt: int = 1,
                 reset_successes: bool = False, message: str = "") -> None: ...

    async def kill_pod(self, rec: JobRecord, inst: int, then: pod_pb2.PodState, reason: str, message: str,
                       grace: float | None = None) -> None: ...

    def remove_instance(self, rec: JobRecord, inst: int) -> None: ...

    def wake_scheduler(self) -> None: ...


__all__ = ["Changes", "JobsAndStore", "SchedulerHost", "WorkflowHost"]
