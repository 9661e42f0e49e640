"""Issue 17: the protobuf editor shows "16 bytes a row at the default size" - in the main window's
Protobuf tab too, at the default window size (1400x820) and at 1280x800, without clipping the
field tree; the Call panel opens beside it from its button or Tools ▸ Call (and fits when open)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from guihelp import run, until

from console.session import Session, SessionOptions
from console.views.main_window import MainWindow
from pelorus.api import job_pb2

SHOTS = Path("/tmp/shots-ops17")


@pytest.fixture
def window(qloop: Any, tmp_path: Path) -> Iterator[MainWindow]:
    """The main window, not connected (the Protobuf tab needs no engine)."""
    session = Session(SessionOptions(data_dir=tmp_path / "data", profiles_dir=tmp_path / "profiles"))
    win = MainWindow(session)
    win.show()
    yield win
    win.proto_editor.close_tasks()
    win.call_panel.close_tasks()
    win._closing = True
    win.close()


def tree_clipped(win: MainWindow) -> bool:
    """Whether the field tree's columns (number, type, bytes, value) run past its viewport."""
    tree = win.proto_editor.tree
    return tree.header().length() > tree.viewport().width() or tree.horizontalScrollBar().isVisible()


def test_sixteen_bytes_a_row_in_the_protobuf_tab(window: MainWindow, qloop: Any, tmp_path: Path) -> None:
    win = window
    SHOTS.mkdir(exist_ok=True)
    spec = job_pb2.JobSpec(name="nightly-etl", owner="ops", instance_count=3, priority=2,
                           description="a message long enough for a few rows of hex " * 3)
    spec.labels["team"] = "data"
    (tmp_path / "spec.bin").write_bytes(spec.SerializeToString())

    async def body() -> None:
        win.tabs.setCurrentWidget(win.proto_page)
        editor = win.proto_editor
        assert await editor.open_path(tmp_path / "spec.bin")
        assert editor.set_type("JobSpec")
        page = win.call_panel.parentWidget()
        hexv = editor.hex
        for w, h in ((1400, 820), (1280, 800), (1920, 1080)):
            win.resize(w, h)
            await until(lambda w=w: win.width() == w, what="resized")  # noqa: B023
            await asyncio.sleep(0.1)  # the loop lays out (never processEvents inside a coroutine)
            win.grab().save(str(SHOTS / f"protobuf-tab-{w}x{h}.png"))
            assert hexv.hex_model.bytes_per_row >= 16, (w, hexv.width(), hexv.preferred_width())
            assert hexv.visible_columns_fit(), (w, hexv.horizontalHeader().length(), hexv.viewport().width())
            assert not tree_clipped(win), (w, editor.tree.header().length(), editor.tree.viewport().width())
            assert page.call_panel_shown() == (w >= 1920), w  # open where the editor keeps its room beside it
        # Opened by the operator (Tools ▸ Call) at 1280: the panel whole, the hex rows whole, the tree unclipped
        win.resize(1280, 800)
        await asyncio.sleep(0.1)
        win.actions_by_name["call"].trigger()
        await asyncio.sleep(0.1)
        assert page.call_panel_shown() and page.toggle.isChecked()
        assert win.call_panel.width() >= win.call_panel.minimumSizeHint().width()
        assert hexv.visible_columns_fit() and not tree_clipped(win)
        win.grab().save(str(SHOTS / "protobuf-tab-call-open-1280x800.png"))
        page.toggle.click()  # the button closes it again, and the hex pane has its 16 bytes back
        await asyncio.sleep(0.1)
        assert not page.call_panel_shown()
        assert hexv.hex_model.bytes_per_row >= 16
        win.resize(1920, 1080)  # the operator's choice stays when the window grows
        await until(lambda: win.width() == 1920, what="resized")
        await asyncio.sleep(0.1)
        assert not page.call_panel_shown()

    run(qloop, body())
