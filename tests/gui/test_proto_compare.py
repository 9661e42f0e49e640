"""The compare view and schemas from server reflection, driven through the real editor (offscreen,
qasync loop; the reflection test talks to a real engine on its unix socket)."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest
from enginehelp import EngineProcess
from guihelp import find_row, run, screenshot

from console.models.proto_tree import Column
from console.views.proto_compare import ProtoCompareWindow, split_path
from console.views.proto_editor import ProtoEditor
from pelorus.api import job_pb2
from pelorus.client import ConnectionConfig, EngineClient
from pelorus.protobuf.compare import ADDED, CHANGED, REMOVED
from pelorus.protobuf.schema import SchemaRegistry


def spec(**changes: Any) -> job_pb2.JobSpec:
    s = job_pb2.JobSpec(name="nightly-etl", owner="ann", description="load the warehouse", instance_count=3,
                        labels={"team": "web", "env": "dev"})
    s.default_spec.command = "sh"
    s.default_spec.args.extend(["-c", "run.sh", "--all"])
    s.data.Pack(job_pb2.Progress(successful=5, failed=1, remaining=9))
    for k, v in changes.items():
        setattr(s, k, v)
    return s


def test_split_path_keeps_map_keys_whole() -> None:
    assert split_path('a.b[0].labels["x.y"].c') == ["a", "b[0]", 'labels["x.y"]', "c"]


def test_compare_with_a_file_steps_through_the_differences(qloop: Any, editor: ProtoEditor, tmp_path: Path) -> None:
    left = tmp_path / "old.bin"
    left.write_bytes(spec().SerializeToString())
    other = spec(owner="bob")
    other.labels["env"] = "prod"
    other.labels["tier"] = "gold"
    del other.default_spec.args[2]
    other.data.Pack(job_pb2.Progress(successful=5, failed=4, remaining=9))
    right = tmp_path / "new.bin"
    right.write_bytes(other.SerializeToString())

    async def scenario() -> ProtoCompareWindow:
        assert await editor.open_path(left)
        assert editor.set_type("JobSpec")
        # an unsaved edit: it must take part in the comparison
        assert editor.model.setData(find_row(editor, "instance_count").siblingAtColumn(Column.VALUE), "7")
        assert editor.modified
        window = await editor.compare_with(right)
        assert window is not None
        return window

    window = run(qloop, scenario())
    view = window.view
    result = view.result
    assert result is not None and result.type_name == "pelorus.v1.JobSpec"
    got = {(d.kind, d.path) for d in result.differences}
    assert got == {(CHANGED, "owner"), (CHANGED, "instance_count"), (CHANGED, 'labels["env"]'),
                   (ADDED, 'labels["tier"]'), (REMOVED, "default_spec.args[2]"), (CHANGED, "data.value.failed")}
    ic = next(d for d in result.differences if d.path == "instance_count")
    assert (ic.left.value, ic.right.value) == ("7", "3")  # left = the editor's document, with the edit
    assert len(view.leaves) == 6
    assert view.left_label.text() == "Left: old.bin with unsaved edits (142 bytes)"
    assert view.summary.text().startswith("6 differences: 1 added, 1 removed, 4 changed")

    # the first difference is selected; step through all of them and back
    lh, rh = view.left_hex.hex_model, view.right_hex.hex_model
    seen = []
    for i in range(len(view.leaves)):
        d = view.current_difference
        assert d is not None
        seen.append(d.path)
        assert view.position.text() == f"{i + 1} of 6"
        if d.left is not None:
            assert lh.highlight_range() == (d.left.start, d.left.end)
        else:
            assert lh.highlight_range() is None
        if d.right is not None:
            assert rh.highlight_range() == (d.right.start, d.right.end)
        else:
            assert rh.highlight_range() is None
        if i == 1:
            screenshot(window, "proto_compare")
        view.next_difference()
    assert len(set(seen)) == 6 and not view.next_button.isEnabled()
    view.previous_difference()
    assert view.current_difference is not None and view.current_difference.path == seen[-2]
    # byte-diff tints: the changed owner byte range is tinted on both sides, untouched bytes are not
    owner = next(d for d in result.differences if d.path == "owner")
    assert lh.diff_at(owner.left.value_start) == "changed" and rh.diff_at(owner.right.value_start) == "changed"
    assert lh.diff_at(0) is None and rh.diff_at(0) is None  # the name field is equal
    tier = next(d for d in result.differences if d.kind == ADDED)
    assert rh.diff_at(tier.right.start) == "added"
    # a click on a byte of the right pane selects the difference holding it
    view.right_hex.byteClicked.emit(tier.right.start + 1)
    assert view.current_difference is tier


@pytest.mark.slow
def test_two_streams_compare_record_by_record(qloop: Any, editor: ProtoEditor, tmp_path: Path) -> None:
    from pelorus.protobuf.document import encode_frame

    def frames(specs: list[job_pb2.JobSpec]) -> bytes:
        return b"".join(encode_frame("varint", x.SerializeToString()) for x in specs)

    recs = [spec(name=f"job-{i}") for i in range(4)]
    first = spec(name="first")
    left, right, single = tmp_path / "old.stream", tmp_path / "new.stream", tmp_path / "one.bin"
    left.write_bytes(frames(recs))
    right.write_bytes(frames([first, *recs[:2], spec(name="job-2", owner="bob"), recs[3]]))
    single.write_bytes(recs[0].SerializeToString())

    async def scenario() -> tuple[ProtoCompareWindow, ProtoCompareWindow]:
        assert await editor.open_path(left)
        assert editor.framing == "varint" and editor.set_type("JobSpec")
        streams = await editor.compare_with(right)
        one = await editor.compare_with(single)  # not a stream: the shown record against that message
        assert streams is not None and one is not None
        return streams, one

    window, one = run(qloop, scenario())
    view = window.view
    result = view.result
    assert result is not None and result.framing == "varint" and result.records == (4, 5)
    assert [(d.kind, d.path) for d in result.differences] == [(ADDED, "record[0]"), (CHANGED, "record[2→3].owner")]
    assert view.left_label.text().startswith("Left: old.stream (") and "record" not in view.left_label.text()
    assert view.summary.text().startswith("2 differences: 1 added, 0 removed, 1 changed in 4 → 5 varint records")
    # the added record is selected first: its bytes (prefix included) light up on the right
    d = view.current_difference
    assert d is not None and d.right is not None and d.right.record == 0
    assert view.right_hex.hex_model.highlight_range() == (0, len(frames([first])))
    assert view.left_hex.hex_model.highlight_range() is None
    view.next_difference()
    owner = view.current_difference
    assert owner is not None and owner.left is not None and owner.right is not None
    assert "record 2" in view.leaves[1].toolTip(0) and "record 3" in view.leaves[1].toolTip(0)
    assert left.read_bytes()[owner.left.start:owner.left.end] == b"\x12\x03ann"
    screenshot(window, "proto_compare_streams")
    assert one.view.result is not None and one.view.result.framing == "single" and one.view.result.equal
    assert "record 1" in one.view.left_label.text()


def test_schema_from_engine_reflection_decodes_a_message(qloop: Any, engine: EngineProcess, tmp_path: Path) -> None:
    path = tmp_path / "spec.bin"
    path.write_bytes(spec().SerializeToString())
    ed = ProtoEditor(registry=SchemaRegistry(builtin=False))  # types only from the engine
    ed.resize(1200, 700)
    ed.show()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]

    async def scenario() -> None:
        client = EngineClient(ConnectionConfig(engine.address))
        await client.connect()
        try:
            assert await ed.open_path(path)
            assert not ed.set_type("pelorus.v1.JobSpec")  # not loaded yet
            actions = [a.text() for a in ed.schema_button.menu().actions()]
            assert "From server reflection…" in actions
            assert not await ed.load_reflection()  # no client_source: standalone editor
            assert "Not connected" in ed.last_error
            ed.client_source = lambda: client
            assert await ed.load_reflection()
            assert "pelorus.v1.JobSpec" in ed.registry.message_types()
            assert ed.type_combo.findText("pelorus.v1.JobSpec") >= 0
            assert ed.set_type("pelorus.v1.JobSpec")
            assert find_row(ed, "owner").siblingAtColumn(Column.VALUE).data() == '"ann"'
            assert find_row(ed, "instance_count").siblingAtColumn(Column.VALUE).data() == "3"
            assert ed.error_label.isHidden()
            screenshot(ed, "proto_editor_reflection")
            # a typed address where nothing listens: the banner says so, nothing else changes
            types = ed.registry.message_types()
            assert not await ed.load_reflection(f"127.0.0.1:{closed_port}", insecure=True)
            assert "reflection failed" in ed.last_error.lower() and ed.error_label.isVisible()
            assert ed.registry.message_types() == types
        finally:
            await client.close()

    try:
        run(qloop, scenario())
    finally:
        ed.close_tasks()
        ed.close()
        ed.deleteLater()


@pytest.mark.slow
def test_a_long_comparison_shows_progress_and_can_be_cancelled(qloop: Any) -> None:
    import asyncio

    from guihelp import until

    from pelorus.protobuf.wire import encode_varint

    def item(i: int) -> bytes:  # a nested message of 10 fields; only the first differs between the sides
        body = b"\x08" + encode_varint(i) + b"".join(bytes([(f << 3), f]) for f in range(2, 11))
        return b"\x0a" + encode_varint(len(body)) + body

    n = 100_000  # ~1M fields to walk: many seconds of work, cancelled within the first
    left = b"".join(item(i) for i in range(n))
    # every item changed in place (a shifted copy would now align as one removal and one addition)
    right = b"".join(item(i + n) for i in range(n))
    window = ProtoCompareWindow()
    window.show()
    view = window.view

    async def scenario() -> None:
        task = asyncio.ensure_future(view.compare_bytes(left, right, None, "a", "b"))
        await until(lambda: view.busy_row.isVisible() and view.progress.value() > 0, timeout=30,
                    what="progress")
        assert view.tree.topLevelItemCount() == 0  # the UI thread is free while the worker runs
        view.cancel_button.click()
        assert await task is False
        assert "cancelled" in view.status.text() and not view.busy_row.isVisible()
        assert view.result is None

    try:
        run(qloop, scenario())
    finally:
        window.close()
        window.deleteLater()


@pytest.mark.slow
def test_closing_the_window_during_a_comparison_cancels_it(qloop: Any, editor: ProtoEditor, tmp_path: Path) -> None:
    import asyncio

    from guihelp import until

    from pelorus.protobuf.wire import encode_varint

    def item(i: int) -> bytes:
        body = b"\x08" + encode_varint(i) + b"".join(bytes([(f << 3), f]) for f in range(2, 11))
        return b"\x0a" + encode_varint(len(body)) + body

    left, right = tmp_path / "l.bin", tmp_path / "r.bin"
    left.write_bytes(b"".join(item(i) for i in range(100_000)))
    right.write_bytes(b"".join(item(i + 100_000) for i in range(100_000)))  # changed in place: a long walk

    async def scenario() -> None:
        assert await editor.open_path(left)
        task = asyncio.ensure_future(editor.compare_with(right))
        await until(lambda: bool(editor.compare_windows) and editor.compare_windows[0].view.progress.value() > 0,
                    timeout=30, what="the comparison under way")
        editor.compare_windows[0].close()  # deletes the window (WA_DeleteOnClose) while the worker runs
        await task
        await until(lambda: not editor.compare_windows, what="the window forgotten")

    run(qloop, scenario())


def test_reflection_dialog_choices(qloop: Any) -> None:
    from PySide6.QtTest import QTest

    from console.views.reflection_dialog import ReflectionDialog, ReflectionSource

    standalone = ReflectionDialog(None)
    assert not standalone.engine_radio.isEnabled() and standalone.address_radio.isChecked()
    assert standalone.source() is None  # no address typed yet
    QTest.keyClicks(standalone.address, " 127.0.0.1:7443 ")
    standalone.plaintext.setChecked(True)
    QTest.keyClicks(standalone.token, "tok-123")
    assert standalone.source() == ReflectionSource("127.0.0.1:7443", True, "tok-123", None)
    connected = ReflectionDialog("unix:/tmp/engine.sock")
    assert connected.engine_radio.isChecked() and "unix:/tmp/engine.sock" in connected.engine_radio.text()
    assert connected.source() == ReflectionSource(None)
    QTest.keyClicks(connected.address, "h:1")  # typing an address switches to "another server"
    assert connected.address_radio.isChecked() and connected.source() == ReflectionSource("h:1")
    QTest.keyClicks(connected.tls_ca, "/etc/ca.pem")
    assert connected.source() == ReflectionSource("h:1", tls_ca="/etc/ca.pem")
    connected.plaintext.setChecked(True)  # plaintext reads no CA file: the field says so and it is not sent
    assert not connected.tls_ca.isEnabled()
    assert connected.source() == ReflectionSource("h:1", insecure=True)
    for d in (standalone, connected):
        d.deleteLater()
