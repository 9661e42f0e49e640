"""The Call panel: compose and send requests through the real widgets, to the engine (the connected
one, with the editor's built-in schemas) and to a foreign TLS server loaded by reflection; open a
response in the editor byte-exact; history and "Copy as"."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

import grpc
from enginehelp import EngineProcess
from guihelp import find_row, run, screenshot, until
from PySide6.QtWidgets import QApplication

from console.models.proto_tree import Column
from console.views.call_panel import CallPanel, protobuf_page
from console.views.proto_editor import ProtoEditor
from pelorus.api import job_service_pb2 as js
from pelorus.client import ConnectionConfig, EngineClient

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "call"))
from callhelp import start_tides  # noqa: E402

SHOTS = Path("/tmp/shots-call")
SPEC = {"spec": {"name": "from-panel", "owner": "gui", "instance_count": 2, "default_spec": {"command": "true"}},
        "start_paused": True}


def _page(editor: ProtoEditor) -> tuple[Any, CallPanel]:
    page, panel = protobuf_page(editor)
    page.resize(1440, 860)
    page.show()
    return page, panel


def _close(page: Any, editor: ProtoEditor) -> None:
    """Hand the editor back to its fixture (which closes it) before the page goes."""
    editor.setParent(None)
    page.close()
    page.deleteLater()


def test_send_to_the_connected_engine_and_open_the_response_in_the_editor(
        qloop: Any, editor: ProtoEditor, engine: EngineProcess) -> None:
    page, panel = _page(editor)
    created_id: list[str] = []

    async def scenario() -> None:
        client = EngineClient(ConnectionConfig(engine.address))
        await client.connect()
        editor.client_source = lambda: client
        try:
            # the engine's services are built in: no loading needed
            assert panel.select_method("pelorus.v1.JobService/CreateJob")
            assert '"start_paused": false' in panel.request.toPlainText()  # the template shows defaults
            panel.request.setPlainText(json.dumps(SPEC, indent=2))
            panel.send_button.click()
            await until(lambda: panel.outcome is not None, what="CreateJob outcome")
            assert panel.outcome is not None and panel.outcome.code == grpc.StatusCode.OK, panel.status.text()
            created = js.CreateJobResponse.FromString(panel.response_bytes[0])
            created_id.append(created.job_id)
            assert created.job_id and panel.responses.count() == 1

            # a server stream: every response listed, then one opened in the editor byte-exact
            assert panel.select_method("pelorus.v1.JobService.ListPods")
            panel.request.setPlainText(json.dumps({"job_id": created.job_id, "batch_size": 1}))
            outcome = await panel.send()
            assert outcome is not None and outcome.ok, panel.status.text()
            assert panel.responses.count() == len(panel.response_bytes) >= 2
            assert panel.status.text().startswith("OK · ")
            screenshot(page, "call_panel_engine")
            page.grab().save(str(SHOTS / "call_panel_engine.png"))
            assert await panel.open_response(1)
            assert editor.doc is not None and editor.doc.to_bytes() == panel.response_bytes[1]
            assert editor.type_name == "pelorus.v1.ListPodsResponse"
            page.grab().save(str(SHOTS / "call_panel_opened.png"))

            # the request edited in the editor's typed tree, and sent from there
            assert panel.select_method("pelorus.v1.JobService/GetJob")
            panel.request.setPlainText(json.dumps({"job_id": "typed-in-json", "summary_only": True}))
            assert await panel.edit_in_editor()
            assert editor.type_name == "pelorus.v1.GetJobRequest" and panel.from_editor.isChecked()
            assert editor.model.setData(find_row(editor, "job_id").siblingAtColumn(Column.VALUE), created.job_id)
            outcome = await panel.send()
            assert outcome is not None and outcome.ok, panel.status.text()
            assert js.GetJobResponse.FromString(panel.response_bytes[0]).summary.name == "from-panel"
            assert await panel.open_response(0)  # the editor now holds the response; the request must match
            assert await panel.send() is None
            assert "the editor's message is a pelorus.v1.GetJobResponse" in panel.status.text()
            panel.from_json.setChecked(True)

            # a stream that does not end: responses are listed while it runs, and Cancel ends it
            assert panel.select_method("pelorus.v1.WatchService/Watch")
            panel.request.setPlainText('{"start_revision": 1, "job_filter": {}}')
            panel.deadline.setValue(0)
            watching = asyncio.ensure_future(panel.send())
            await until(lambda: panel.cancel_button.isEnabled() and panel.responses.count() >= 1,
                        what="a Watch response listed while the call runs")
            assert not panel.send_button.isEnabled() and not watching.done()
            panel.cancel_button.click()
            assert await watching is None
            assert panel.status.text().startswith("Cancelled after ") and panel.send_button.isEnabled()
            panel.deadline.setValue(10)

            # read-only mode (the session's choice) holds here too: nothing is sent
            client.config.read_only = True
            assert panel.select_method("pelorus.v1.JobService/StopJob")
            assert await panel.send() is None
            assert "read-only mode: StopJob would change the engine" in panel.status.text()
            client.config.read_only = False

            # a failing call: the status names it, nothing listed
            assert panel.select_method("pelorus.v1.JobService/GetJob")
            panel.request.setPlainText('{"job_id": "no-such-job"}')
            outcome = await panel.send()
            assert outcome is not None and outcome.code == grpc.StatusCode.NOT_FOUND
            assert panel.status.text().startswith("NOT_FOUND · 0 response(s)") and panel.responses.count() == 0

            # a request that does not fit: nothing sent, the field, line and column shown
            panel.request.setPlainText('{\n  "job_id": "x",\n  "summary_only": "yes"\n}')
            assert await panel.send() is None
            assert "field summary_only (line 3, column 3)" in panel.status.text()
        finally:
            await client.close()

    SHOTS.mkdir(exist_ok=True)
    run(qloop, scenario())
    # history: newest first, persisted, re-runnable; tokens never stored
    labels = [panel.history_list.item(i).text() for i in range(panel.history_list.count())]
    assert "GetJob" in labels[0] and "NOT_FOUND" in labels[0] and "CreateJob" in labels[-1], labels
    again = CallPanel(ProtoEditor())
    assert again.history_list.count() == 5
    assert "CANCELLED" in again.history.entries[1].label
    sent_from_editor = again.history.entries[2].spec
    assert json.loads(sent_from_editor.request_json) == {"job_id": created_id[0], "summary_only": True}
    again.restore(4)
    assert again.current_method() is not None and again.current_method().name == "CreateJob"  # type: ignore[union-attr]
    assert json.loads(again.request.toPlainText()) == SPEC
    panel.restore(0)
    panel.copy_button.menu().actions()[1].trigger()  # Copy as main.py call
    text = QApplication.clipboard().text()
    assert text.startswith("python main.py call --engine pelorus.v1.JobService/GetJob -d "), text
    panel.close_tasks()
    again.close_tasks()
    _close(page, editor)


def test_foreign_server_by_reflection_with_tls_token_and_bidi(qloop: Any, editor: ProtoEditor, tmp_path: Path) -> None:
    page, panel = _page(editor)
    with start_tides(tmp_path) as tides:

        async def scenario() -> None:
            panel.address.setText(tides.address)
            panel.tls_ca.setText(str(tides.ca))
            panel.set_headers([("authorization", f"Bearer {tides.token}")])
            assert await panel.load_services(), panel.status.text()
            assert panel.select_method("acme.tides.v2.Tides/Echo")
            panel.request.setPlainText('{"text": "ebb", "seq": 1}\n{"text": "flow"}')
            outcome = await panel.send()
            assert outcome is not None and outcome.ok, panel.status.text()
            assert [t.split("  ", 2)[2] for t in (panel.responses.item(i).text() for i in range(2))] == [
                '{"text": "EBB", "seq": 101}', '{"text": "FLOW", "seq": 100}']
            assert await panel.open_response(0)
            assert editor.doc is not None and editor.doc.to_bytes() == panel.response_bytes[0]
            assert editor.type_name == "acme.tides.v2.Note"
            panel.save_response(1, tmp_path / "second.bin")
            assert (tmp_path / "second.bin").read_bytes() == panel.response_bytes[1]
            # a deadline the server cannot meet; then Cancel on a slow call
            assert panel.select_method("acme.tides.v2.Tides.Sleep")
            panel.request.setPlainText('{"seconds": 5}')
            panel.deadline.setValue(0.3)
            outcome = await panel.send()
            assert outcome is not None and outcome.code == grpc.StatusCode.DEADLINE_EXCEEDED
            panel.deadline.setValue(0)
            task = asyncio.ensure_future(panel.send())
            await until(lambda: panel.cancel_button.isEnabled(), what="call running")
            panel.cancel_button.click()
            assert await task is None
            assert panel.status.text().startswith("Cancelled")
            page.grab().save(str(SHOTS / "call_panel_tides.png"))
            from PySide6.QtCore import QSettings
            assert tides.token not in str(QSettings().value("call/history"))  # tokens never stored
            panel.copy_button.menu().actions()[0].trigger()  # Copy as grpcurl
            assert QApplication.clipboard().text().startswith("grpcurl -cacert ")

        SHOTS.mkdir(exist_ok=True)
        run(qloop, scenario())
    panel.close_tasks()
    _close(page, editor)

