"""A minimal observable event: plain callbacks, no Qt.

Why: the protobuf editor's document tree and editor session are plain objects (napari's
components are the model, its Qt layer only adapts). They announce changes through these events;
the Qt item model connects them to ``beginInsertRows`` / ``dataChanged`` / ``beginResetModel``, and
tests connect plain lists.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, ParamSpec

P = ParamSpec("P")

__all__ = ["Event"]


class Event(Generic[P]):
    """Callbacks called in connection order, synchronously, on the thread that emits."""

    __slots__ = ("_callbacks",)

    def __init__(self) -> None:
        self._callbacks: list[Callable[P, object]] = []

    def connect(self, callback: Callable[P, object]) -> None:
        self._callbacks.append(callback)

    def disconnect(self, callback: Callable[P, object]) -> None:
        self._callbacks.remove(callback)

    def emit(self, *args: P.args, **kwargs: P.kwargs) -> None:
        for cb in list(self._callbacks):
            cb(*args, **kwargs)
