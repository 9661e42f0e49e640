"""Every colour comes from console/models/palette.py: no other module of the app holds a colour
literal (a hex colour in a string, QColor built from constants, a named CSS colour in a style
sheet, Qt.GlobalColor), so a dark theme is one table of values, not a hunt through the views."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from PySide6.QtGui import QColor

from console.models import palette

ROOT = Path(__file__).resolve().parents[2]
PALETTE = ROOT / "console" / "models" / "palette.py"
_HEX = re.compile(r"(?<![\w&#])#(?:[0-9a-fA-F]{8}|[0-9a-fA-F]{6}|[0-9a-fA-F]{3})(?![\w])")
_NAMED = re.compile(r"(?:color|background)\s*:\s*(?!\{)([a-z]+)\b", re.IGNORECASE)
_CSS_WORDS = {"transparent", "none", "inherit", "initial"}


def colour_literals(source: str, filename: str) -> list[str]:
    """Where `source` spells a colour itself, as "line: what"."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found += [f"{node.lineno}: {m.group(0)}" for m in _HEX.finditer(node.value)]
            found += [f"{node.lineno}: {m.group(0)}" for m in _NAMED.finditer(node.value)
                      if m.group(1).lower() not in _CSS_WORDS]
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "QColor"
              and node.args and all(isinstance(a, ast.Constant) for a in node.args)):
            found.append(f"{node.lineno}: QColor({', '.join(ast.unparse(a) for a in node.args)})")
        elif isinstance(node, ast.Attribute) and node.attr == "GlobalColor":
            found.append(f"{node.lineno}: Qt.GlobalColor")
    return found


def test_the_check_sees_each_kind_of_literal() -> None:
    sample = '''
label.setText(f"<span style='color:#b3261e'>{text}</span>")
box.setStyleSheet("background: #fee; color: white; border: none")
fill = QColor(0, 0, 0, 10)
pen = QColor("#6b7280")
brush = Qt.GlobalColor.red
ok = "issue #12 and &#9632; and color: {x} and color: transparent"
'''
    assert sorted(f.split(": ", 1)[1] for f in colour_literals(sample, "sample.py")) == sorted([
        "#b3261e", "#fee", "color: white", "QColor(0, 0, 0, 10)", "QColor('#6b7280')", "#6b7280",
        "Qt.GlobalColor"])


def test_no_module_but_the_palette_holds_a_colour() -> None:
    offenders = {}
    for path in sorted([*(ROOT / "console").rglob("*.py"), *(ROOT / "pelorus").rglob("*.py"), ROOT / "main.py"]):
        if path == PALETTE or not path.exists():
            continue
        found = colour_literals(path.read_text(), str(path))
        if found:
            offenders[str(path.relative_to(ROOT))] = found
    assert not offenders, f"colour literals outside console/models/palette.py: {offenders}"


def test_every_theme_names_every_role_with_a_valid_colour() -> None:
    themes = {name: v for name, v in vars(palette).items() if isinstance(v, palette.Theme) and name != "THEME"}
    assert "LIGHT" in themes and palette.THEME in themes.values()
    light = palette.LIGHT
    for name, theme in themes.items():
        assert (theme.roles.keys(), theme.job_states.keys(), theme.workflow_states.keys(),
                theme.pod_states.keys()) == (light.roles.keys(), light.job_states.keys(),
                                             light.workflow_states.keys(), light.pod_states.keys()), name
        values = [*theme.roles.values(), *theme.job_states.values(), *theme.workflow_states.values(),
                  *theme.pod_states.values(), *theme.sources]
        assert [v for v in values if not QColor(v).isValid()] == [], name
    assert palette.STDERR_BG.alpha() == 28 and palette.STDERR_BG.rgb() == palette.ERROR.rgb()


def test_rich_text_in_a_colour_escapes_the_text() -> None:
    assert palette.span("a <b> & c", palette.ERROR) == ("<span style='color:#b3261e/*pal:error*/'>"
                                                        "a &lt;b&gt; &amp; c</span>")
    assert palette.css(palette.LANE_STRIPE) == "rgba(0, 0, 0, 10)/*pal:lane_stripe*/"
    assert palette.css(QColor(palette.ERROR)) == "#b3261e"  # a copy is a value, not a role
