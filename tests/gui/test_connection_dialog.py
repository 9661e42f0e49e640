"""Adding a remote engine: one dialog (address, plaintext or TLS, token) that refuses an address it
cannot dial, then the window connects to that engine and shows its jobs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from enginehelp import Client, EngineProcess, sh_spec
from guihelp import run, until
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialogButtonBox

from console.views.connection_dialog import ConnectionDialog, address_problem


@pytest.mark.parametrize(("address", "ok"), [
    ("jobs.example.com:7443", True), ("127.0.0.1:1", True), ("[::1]:7000", True), ("unix:/run/p.sock", True),
    ("", False), ("jobs.example.com", False), (":7443", False), ("host:0", False), ("host:65536", False),
    ("host:port", False), ("my host:7443", False), ("unix:", False), ("[]:80", False),
])
def test_which_addresses_can_be_dialled(qapp: Any, address: str, ok: bool) -> None:
    assert (address_problem(address) is None) == ok, address_problem(address)


@pytest.mark.slow
def test_add_a_remote_engine_then_its_jobs_show(qloop: Any, tmp_path: Path, engine: EngineProcess) -> None:
    from console.session import ConnectionState, Session, SessionOptions
    from console.views.main_window import MainWindow

    async def seed() -> str:
        async with Client(engine.address) as c:
            return (await c.create(sh_spec("remote-nightly", "true"))).job_id

    job_id = run(qloop, seed())
    session = Session(SessionOptions(data_dir=tmp_path / "data", profiles_dir=tmp_path / "profiles"))
    win = MainWindow(session)
    win.show()
    try:
        win.add_profile_button.click()
        dialog = win.findChild(ConnectionDialog)
        assert dialog is not None and dialog.isVisible()
        ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert not ok.isEnabled() and dialog.problem.text() == ""  # nothing typed, nothing scolded
        QTest.keyClicks(dialog.address, "jobs.example.com")
        assert not ok.isEnabled() and "host:port" in dialog.problem.text()
        QTest.keyClick(dialog.address, Qt.Key.Key_Return)  # Return with a bad address adds nothing
        assert dialog.isVisible() and session.profiles.load()[1:] == []
        dialog.address.setText(engine.address)
        assert ok.isEnabled() and dialog.problem.text() == ""
        ok.click()
        assert not dialog.isVisible()
        run(qloop, until(lambda: session.state == ConnectionState.CONNECTED, timeout=20, what="connected"))
        run(qloop, until(lambda: session.jobs_model.row_of(job_id) is not None, what="the remote engine's job"))
        assert win.profile_box.currentText() == engine.address == session.profile_name
        assert [p.address for p in session.profiles.load()[1:]] == [engine.address]  # kept for the next start

        win.add_profile_button.click()  # Cancel adds nothing and leaves the connection alone
        again = [d for d in win.findChildren(ConnectionDialog) if d.isVisible()]
        assert len(again) == 1
        again[0].address.setText("other.example.com:7443")
        again[0].reject()
        assert len(session.profiles.load()) == 2 and session.state == ConnectionState.CONNECTED
    finally:
        run(qloop, session.stop())
        win._closing = True
        win.close()
