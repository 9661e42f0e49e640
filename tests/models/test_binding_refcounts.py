"""Guard against the PySide6 6.12.0 defect (pinned out in pyproject.toml): under CPython 3.11 it
dropped a reference to True on every signal emit and to None on every void call, aborting the
interpreter after a few thousand calls. If this fails, the installed binding has it again."""

from __future__ import annotations

import sys
from typing import Any

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    sig = Signal(int)


def test_emit_and_void_calls_keep_singleton_refcounts(qapp: Any) -> None:
    o = _Emitter()
    got: list[int] = []
    o.sig.connect(got.append)
    true_before, none_before = sys.getrefcount(True), sys.getrefcount(None)
    for i in range(200):
        o.sig.emit(i)
        o.setObjectName(f"n{i}")
    assert len(got) == 200
    assert sys.getrefcount(True) >= true_before - 5
    assert sys.getrefcount(None) >= none_before - 5
