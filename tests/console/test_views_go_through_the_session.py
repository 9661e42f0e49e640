"""Views read and act through the session, never through its client (an import-linter contract
cannot see ``self.session.client.stop_job(...)``: no import is involved, so this reads the code)."""

from __future__ import annotations

import ast
from pathlib import Path

VIEWS = Path(__file__).resolve().parents[2] / "console" / "views"
# The protobuf editor's "From server reflection…" may read the connected engine's schemas: the main
# window hands it the session's client (reflection is not an action, and the editor runs standalone).
ALLOWED = {("main_window.py", "client_source")}


def _client_uses(path: Path) -> list[str]:
    """``<...>session.client`` expressions in a module, as "file:line" (minus the allowed one)."""
    tree = ast.parse(path.read_text(), str(path))
    allowed_lines = {node.lineno for node in ast.walk(tree) if isinstance(node, ast.Assign)
                     for target in node.targets if isinstance(target, ast.Attribute)
                     and (path.name, target.attr) in ALLOWED}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "client":
            owner = node.value
            name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
            if name == "session" and node.lineno not in allowed_lines:
                found.append(f"{path.name}:{node.lineno}")
    return found


def test_no_view_calls_the_sessions_client() -> None:
    uses = [use for path in sorted(VIEWS.glob("*.py")) for use in _client_uses(path)]
    assert uses == [], f"views reaching around the session to its client: {uses}"


def test_the_check_sees_a_call_through_the_client(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("async def f(self):\n    await self.session.client.stop_job('j', 1)\n")
    assert _client_uses(sample) == ["sample.py:2"]
