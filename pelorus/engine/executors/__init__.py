"""Executors run pods. The scheduler talks to them only through `base.Executor`."""

from pelorus.engine.executors.base import (
    Executor,
    ExecutorEvents,
    ExitInfo,
    LaunchRequest,
    PodHandle,
    UsageSample,
)

__all__ = ["Executor", "ExecutorEvents", "ExitInfo", "LaunchRequest", "PodHandle", "UsageSample"]
