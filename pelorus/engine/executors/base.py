"""The small interface between the scheduler and whatever runs pods.

The scheduler decides *what* runs and records every state change; an executor only
starts processes, reports what they print and how they end, and kills them. Keeping
the interface this narrow is what lets a Ray executor slot in without touching the
scheduler.
"""

from __future__ import annotations

import abc
import enum
from dataclasses import dataclass, field
from typing import Protocol


class OutputStream(enum.IntEnum):
    """Matches pelorus.v1.LogLine.Stream."""

    STDOUT = 0
    STDERR = 1
    SYSTEM = 2


class ExecutorUnavailable(RuntimeError):
    """The executor's backend (e.g. a Ray head) cannot be reached right now. launch()
    raises it when nothing was started, so the scheduler keeps the pod PENDING with this
    message and tries again after a backoff, without spending one of the pod's attempts."""


@dataclass(frozen=True)
class LaunchRequest:
    """Everything an executor needs to start one pod run."""

    pod_id: str
    pod_name: str
    job_id: str
    instance_id: int
    command: str
    args: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)
    working_dir: str = ""
    image: str = ""
    cpu: float = 0.0
    memory_bytes: int = 0
    custom_resources: dict[str, float] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    # Time between SIGTERM and SIGKILL on stop (executors that fix it at submission need it here).
    kill_grace: float = 10.0


@dataclass(frozen=True)
class PodHandle:
    """How to find a running pod again, persisted by the scheduler so a restarted
    engine can re-adopt it. `token` is executor-specific (e.g. a process start time,
    a Ray submission id)."""

    pid: int = 0
    host: str = ""
    node_id: str = ""
    token: str = ""


@dataclass(frozen=True)
class ExitInfo:
    """How a pod run ended. exit_code is None when the executor cannot know it
    (killed by a signal, or the process vanished while nobody watched)."""

    exit_code: int | None
    reason: str
    message: str
    lost: bool = False


@dataclass(frozen=True)
class UsageSample:
    cpu_seconds: float
    memory_rss_bytes: int


class ExecutorEvents(Protocol):
    """Callbacks from an executor to the scheduler, always on the engine's event loop."""

    def on_output(self, pod_id: str, stream: OutputStream, lines: list[str]) -> None:
        """Complete lines (without the newline), in the order the pod printed them per stream."""

    def on_exited(self, pod_id: str, info: ExitInfo) -> None:
        """Called exactly once per launched or adopted pod, after its last on_output."""

    def on_placed(self, pod_id: str, handle: PodHandle) -> None:
        """The pod's host / node became known after launch() returned (e.g. a cluster
        scheduler placed it later)."""

    def on_starting(self, pod_id: str, reason: str, message: str) -> None:
        """Why a STARTING pod is not running yet (e.g. queued on a cluster for resources)."""

    def on_running(self, pod_id: str, reason: str, message: str) -> None:
        """The pod's command started (only from executors with `reports_running`: until
        then the pod is STARTING)."""


class Executor(abc.ABC):
    """Runs pods. One instance per engine; all methods run on the engine's event loop."""

    name: str = "abstract"
    # False: launch() returns once the command runs (the pod goes RUNNING at once). True:
    # launch() returns once the backend accepted the pod, which is STARTING until the
    # executor calls events.on_running.
    reports_running: bool = False
    # True only for an executor that runs PodSpec.image (a container); the engine refuses
    # a spec with an image on one that would run the command on the host instead.
    runs_images: bool = False

    def __init__(self, events: ExecutorEvents) -> None:
        self.events = events

    async def start(self) -> None:  # noqa: B027 (optional hook: most executors need no start-up)
        """Prepare resources (connections, spool directories). Fails with a clear message."""

    @abc.abstractmethod
    async def launch(self, request: LaunchRequest) -> PodHandle:
        """Start the pod and return once it is running. Raises on failure to start."""

    async def launch_many(self, requests: list[LaunchRequest]) -> list[PodHandle | Exception]:
        """Start several pods: one result per request, in order - its handle, or the exception
        its launch raised. Executors that can start a batch in one go (one round trip to a
        cluster, one hand-off to a spawner thread) override this; the default launches one
        after another and, once the backend is unavailable, refuses the rest with the same
        ExecutorUnavailable (nothing of them was started)."""
        out: list[PodHandle | Exception] = []
        unavailable: ExecutorUnavailable | None = None
        for request in requests:
            if unavailable is not None:
                out.append(unavailable)
                continue
            try:
                out.append(await self.launch(request))
            except ExecutorUnavailable as exc:
                unavailable = exc
                out.append(exc)
            except Exception as exc:  # noqa: BLE001 - the pod's launch failure, reported per pod
                out.append(exc)
        return out

    @abc.abstractmethod
    async def kill(self, pod_id: str, grace_period: float, reason: str = "KILLED", message: str = "") -> None:
        """Ask the pod to stop (SIGTERM or equivalent), then force it after the grace period.
        Returns once the kill is under way; on_exited reports the end with `reason` and
        `message` (the scheduler's own, e.g. DEADLINE_EXCEEDED) instead of the exit status."""

    @abc.abstractmethod
    async def adopt(self, request: LaunchRequest, handle: PodHandle, output_offsets: dict[OutputStream, int]) -> bool:
        """Re-attach to a pod launched by an earlier engine process. Output resumes after
        the given byte offsets so no line is stored twice. False = the pod is gone and its
        exit is unknowable (the scheduler marks it LOST); a pod that ended while nobody
        watched but left its exit status is reported through on_exited and returns True."""

    async def find_launched(self, request: LaunchRequest) -> PodHandle | None:
        """A pod whose launch an earlier engine process began but never recorded (it died
        between starting the process and storing its handle): a handle to pass to adopt(), or
        None when nothing of it can be found (it is then LOST). Executors that cannot tell
        keep this default."""
        return None

    async def kill_all(self, grace_period: float = 0.0, timeout: float = 10.0) -> None:  # noqa: B027 (optional)
        """Kill every pod this executor watches or is launching, and wait (bounded) until each
        has been reported: the last step of an engine stop that must leave no pod running
        (`--stop-pods-on-exit`), after the scheduler has stopped. Executors that cannot kill
        on their own keep this default."""

    def output_offsets(self, pod_id: str) -> dict[OutputStream, int]:
        """Byte offsets of output already delivered through on_output, per stream; the
        scheduler stores them with the lines so re-adoption resumes exactly there."""
        return {}

    def usage(self, pod_id: str) -> UsageSample | None:
        """Latest resource usage, if the executor measures it."""
        return None

    def never_fits(self, cpu: float, memory_bytes: int, custom: dict[str, float]) -> str:
        """Why no machine this executor runs pods on can ever hold a pod asking for these
        resources (the engine then refuses the spec with INVALID_ARGUMENT), or "" when it may fit
        or the executor cannot tell (e.g. a cluster that may grow, or not reached yet)."""
        return ""

    def describe(self) -> dict[str, str]:
        """Health details shown to operators (e.g. the Ray cluster's state)."""
        return {"executor": self.name}

    async def close(self) -> None:  # noqa: B027 (optional hook)
        """Stop watching pods. Pods keep running so a restarted engine can re-adopt them."""
