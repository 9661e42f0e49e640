"""EditorHost: what the protobuf editor's helpers (structure edits, type assignment) may use of it.

Why a Protocol: the helpers used to import ProtoEditor (an import cycle among the proto_* views)
and call its private methods. They now see only this public surface, which ProtoEditor implements;
the editor builds them, they never build or import it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, Protocol

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import QLabel, QTreeView, QWidget

from console.models.proto_tree import ProtoTreeModel
from pelorus.protobuf.document import Document, Edit
from pelorus.protobuf.framing import RecordIndex
from pelorus.protobuf.session import EditorSession

__all__ = ["EditorHost"]


class EditorHost(Protocol):
    """The public surface of :class:`console.views.proto_editor.ProtoEditor` its helpers rely on."""

    # read-only members (a Protocol's plain attributes would have to match the editor's types exactly)
    @property
    def model(self) -> ProtoTreeModel: ...

    @property
    def tree(self) -> QTreeView: ...

    @property
    def status(self) -> QLabel: ...

    @property
    def redo_button(self) -> QWidget: ...

    @property
    def record_row(self) -> QWidget: ...

    @property
    def record_info(self) -> QLabel: ...

    @property
    def doc(self) -> Document | None: ...

    @property
    def records(self) -> RecordIndex | None: ...

    @property
    def framing(self) -> str: ...

    @property
    def last_edit_message(self) -> str: ...

    @property
    def session(self) -> EditorSession: ...

    def dialog_parent(self) -> QWidget: ...

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Future[Any]: ...

    def select_path(self, path: tuple[int, ...]) -> QModelIndex: ...

    def refresh_text_views(self) -> None: ...

    def show_error(self, text: str) -> None: ...

    def schemas_changed(self) -> None: ...

    async def busy(self, what: str, coro: Coroutine[Any, Any, Any]) -> Any: ...

    def document_changed(self, message: str, reload: bool = True, edit: Edit | None = None) -> None: ...

    def add_record(self) -> bool: ...

    async def remove_record(self, confirm: bool = True) -> bool: ...

    async def canonicalise(self) -> bool: ...
