"""Fixtures shared by the engine's tests."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator

import pytest


class _CallbackServer(http.server.ThreadingHTTPServer):
    """Keeps every JSON body POSTed to it, in order of arrival."""

    received: list[dict[str, object]]


class _Hook(http.server.BaseHTTPRequestHandler):
    server: _CallbackServer

    def do_POST(self) -> None:  # noqa: N802 - http.server API
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.received.append(json.loads(body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass  # the test reads what arrived; the request lines are noise


@pytest.fixture
def hook() -> Iterator[tuple[str, list[dict[str, object]]]]:
    """A job callback's receiver on loopback: its URL and the bodies it has received."""
    server = _CallbackServer(("127.0.0.1", 0), _Hook)
    server.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", server.received
    server.shutdown()
    server.server_close()
