"""Every colour the console draws, by role, in one place (Qt value types only, no widgets).

Why here and not in a stylesheet: item models hand colours to any view through
ForegroundRole / BackgroundRole / DecorationRole, and charts, chips and status lines reuse the
same roles, so every surface agrees on "FAILED is red" and "an error reads in the error colour"
without parsing a theme. No other module holds a colour literal (tests/architecture/test_palette.py).

Two themes, LIGHT and DARK, with the same roles and states. The constants below (ERROR,
STATE_COLORS, ...) and what `role()` returns are *live*: one QColor object per role, repainted in
place by `apply(theme)`, so a model or painter that reads them when it paints follows a switch with
no code of its own. Treat them as read-only (copy with QColor(c) before changing one). Text and
style sheets that baked a colour in (`span`, `css`) carry the role beside the value, so the theme
switcher (console/views/theme.py) rewrites them; what draws its own colours (charts) listens to
`notifier().changed`. The contrast and colour-vision tests (tests/architecture/test_themes.py) read
`text_pairs(theme)`: every text colour with the backgrounds it is drawn on.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QColor, QPalette


@dataclass(frozen=True)
class Theme:
    """Colour values by role: "#rrggbb", or "#aarrggbb" for a translucent one."""

    roles: Mapping[str, str]
    job_states: Mapping[str, str]
    workflow_states: Mapping[str, str]
    #: Pod states that are not also job states.
    pod_states: Mapping[str, str]
    #: Distinct colours for merged log tails, one per instance (cycled).
    sources: tuple[str, ...]
    #: Qt's own palette (QPalette roles, snake_case), used where the platform gives none of this
    #: scheme (offscreen, a desktop without a dark palette): see `qpalette()`.
    qt: Mapping[str, str] = field(default_factory=dict)
    name: str = "light"


LIGHT: Final = Theme(
    roles={
        # text, by how much it should stand out
        "text": "#222222",
        "text_secondary": "#434b59",  # labels and axes a step below the body text
        "text_muted": "#5f6672",  # hints, placeholders, previous runs, system log lines
        "text_faint": "#636a76",  # stale or unknown data
        "decoration_faint": "#d1d5db",  # a swatch that keeps its place but drops its meaning
        "text_on_accent": "#ffffff",  # text on a state-coloured chip
        # meanings
        "error": "#b3261e",
        "warning": "#7a6000",
        "ok": "#18743a",
        "unknown": "#92400e",  # data no schema describes
        # boxes and marks
        "error_box_bg": "#fee2e2",
        "error_box_text": "#7f1d1d",
        "error_box_border": "#fca5a5",
        "error_line_bg": "#fde7e9",  # the line a spec error points at
        "badge_bg": "#ffe08a",  # "read only" and similar notices
        "badge_text": "#5c4400",
        "match_bg": "#fff3b0",  # a line that matches the search
        "current_match_bg": "#ffc94d",
        "match_text_bg": "#f5b700",  # the matching characters themselves
        "stderr_bg": "#1cb3261e",  # the error colour, faint
        # charts and timelines
        "chart_background": "#ffffff",
        "chart_foreground": "#333333",
        "chart_legend_bg": "#d7ffffff",
        "chart_crosshair": "#9ca3af",
        "lane_stripe": "#0a000000",  # every other lane, barely darker
        "gap_band": "#46787878",  # a collapsed idle stretch
        "gap_edge": "#5a5a5a",
        # bytes and differences (protobuf editor and compare)
        "hex_tag_bg": "#fde68a",
        "hex_length_bg": "#fdba74",
        "hex_value_bg": "#bfdbfe",
        "hex_error_bg": "#fdb4b4",
        "hex_zero": "#636a76",
        "diff_added_bg": "#dcfce7",
        "diff_removed_bg": "#fee2e2",
        "diff_changed_bg": "#fef3c7",
        "diff_encoding_bg": "#e5e7eb",  # same value, other bytes
        "diff_added_mark": "#bbf7d0",
        "diff_removed_mark": "#fecaca",
        "diff_changed_mark": "#fde68a",
        "selected_key_mark": "#a5b4fc",
        "selected_value_mark": "#7dd3fc",
    },
    job_states={
        "INITIALIZED": "#5f6672",
        "PENDING": "#724709",
        "RUNNING": "#1d4ed8",
        "SUCCEEDED": "#11702f",
        "FAILED": "#b91c1c",
        "KILLED": "#6e34f7",
        "KILLING": "#a11fb1",
        "UNINITIALIZED": "#5f6672",
        "DELETED": "#3a404c",
        "INVALID": "#5f6672",
    },
    workflow_states={
        "INITIALIZED": "#5f6672",
        "ROLLING_FORWARD": "#1d4ed8",
        "PAUSED": "#724709",
        "SUCCEEDED": "#11702f",
        "ABORTED": "#6e34f7",
        "FAILED": "#b91c1c",
        "ROLLING_BACKWARD": "#a11fb1",
        "ROLLED_BACK": "#3a404c",
    },
    pod_states={"LAUNCHING": "#0c5775", "STARTING": "#0c5775", "LOST": "#6d1401", "PREEMPTING": "#a11fb1"},
    sources=("#1d4ed8", "#047857", "#9333ea", "#c2410c", "#0e7490", "#8f5706", "#be185d", "#44700c",
             "#4338ca", "#0f766e", "#7e22ce", "#9a4a08"),
    qt={"window": "#efefef", "window_text": "#222222", "base": "#ffffff", "alternate_base": "#f5f5f5",
        "text": "#222222", "button": "#efefef", "button_text": "#222222", "bright_text": "#ffffff",
        "highlight": "#2a6aae", "highlighted_text": "#ffffff", "link": "#1a5fb4", "link_visited": "#7b3fa0",
        "tooltip_base": "#ffffdc", "tooltip_text": "#222222", "placeholder": "#5f6672", "light": "#ffffff",
        "midlight": "#e3e3e3", "mid": "#a0a0a0", "dark": "#a0a0a0", "shadow": "#767676",
        "disabled_text": "#8a8a8a"},
    name="light",
)

DARK: Final = Theme(
    roles={
        "text": "#e3e5e8",
        "text_secondary": "#c4c9d0",
        "text_muted": "#a9b0ba",
        "text_faint": "#98a0ac",
        "decoration_faint": "#4b5058",
        "text_on_accent": "#111318",
        "error": "#f28b82",
        "warning": "#e8c35a",
        "ok": "#6fcf8d",
        "unknown": "#f0a868",
        "error_box_bg": "#4a1f1f",
        "error_box_text": "#ffd7d4",
        "error_box_border": "#8c3b36",
        "error_line_bg": "#4d2326",
        "badge_bg": "#5c4400",
        "badge_text": "#ffe08a",
        "match_bg": "#44391a",
        "current_match_bg": "#6b5000",
        "match_text_bg": "#7a5800",
        "stderr_bg": "#1cf28b82",
        "chart_background": "#1e1f22",
        "chart_foreground": "#d0d3d8",
        "chart_legend_bg": "#d71e1f22",
        "chart_crosshair": "#7b828c",
        "lane_stripe": "#0fffffff",
        "gap_band": "#46a0a0a0",
        "gap_edge": "#8a8f98",
        "hex_tag_bg": "#5c4a12",
        "hex_length_bg": "#6b3a12",
        "hex_value_bg": "#1f3f66",
        "hex_error_bg": "#7a2626",
        "hex_zero": "#98a0ac",
        "diff_added_bg": "#1f3d2a",
        "diff_removed_bg": "#4a2326",
        "diff_changed_bg": "#4a3f1a",
        "diff_encoding_bg": "#3a3d42",
        "diff_added_mark": "#2d5c3c",
        "diff_removed_mark": "#6b2f33",
        "diff_changed_mark": "#6b5a1f",
        "selected_key_mark": "#3f4a8a",
        "selected_value_mark": "#1f5a7a",
    },
    job_states={
        "INITIALIZED": "#a9b0ba",
        "PENDING": "#efa133",
        "RUNNING": "#6ea8fe",
        "SUCCEEDED": "#61cb7c",
        "FAILED": "#f86f65",
        "KILLED": "#b688d6",
        "KILLING": "#fe9eee",
        "UNINITIALIZED": "#a9b0ba",
        "DELETED": "#d0d4da",
        "INVALID": "#a9b0ba",
    },
    workflow_states={
        "INITIALIZED": "#a9b0ba",
        "ROLLING_FORWARD": "#6ea8fe",
        "PAUSED": "#efa133",
        "SUCCEEDED": "#61cb7c",
        "ABORTED": "#b688d6",
        "FAILED": "#f86f65",
        "ROLLING_BACKWARD": "#fe9eee",
        "ROLLED_BACK": "#d0d4da",
    },
    pod_states={"LAUNCHING": "#46d2f6", "STARTING": "#46d2f6", "LOST": "#d3a54d", "PREEMPTING": "#fe9eee"},
    sources=("#6ea8fe", "#4cc38a", "#c084fc", "#fb923c", "#22d3ee", "#facc15", "#f472b6", "#a3e635",
             "#818cf8", "#2dd4bf", "#d8b4fe", "#fbbf24"),
    qt={"window": "#2b2d31", "window_text": "#e3e5e8", "base": "#1e1f22", "alternate_base": "#26282c",
        "text": "#e3e5e8", "button": "#35373c", "button_text": "#e3e5e8", "bright_text": "#ffffff",
        "highlight": "#2f5f9e", "highlighted_text": "#ffffff", "link": "#8ab4f8", "link_visited": "#c58af9",
        "tooltip_base": "#3a3c42", "tooltip_text": "#e3e5e8", "placeholder": "#9aa1ab", "light": "#4a4d53",
        "midlight": "#3e4046", "mid": "#26282c", "dark": "#18191b", "shadow": "#0d0d0e",
        "disabled_text": "#7d828a"},
    name="dark",
)

THEMES: Final = {"light": LIGHT, "dark": DARK}

#: The active theme (set by `apply`).
THEME: Theme = LIGHT

# -- live colours -----------------------------------------------------------------------------------
# One QColor per key ("error", "job:FAILED", "workflow:PAUSED", "pod:LOST", "source:3"), recoloured in
# place by apply(); _KEYS finds an object's key again (css() writes it beside the value).
_LIVE: Final[dict[str, QColor]] = {}
_KEYS: Final[dict[int, str]] = {}


def _values(theme: Theme) -> dict[str, str]:
    return {**theme.roles, **{f"job:{k}": v for k, v in theme.job_states.items()},
            **{f"workflow:{k}": v for k, v in theme.workflow_states.items()},
            **{f"pod:{k}": v for k, v in theme.pod_states.items()},
            **{f"source:{i}": v for i, v in enumerate(theme.sources)}}


def _live(key: str) -> QColor:
    c = _LIVE.get(key)
    if c is None:
        c = _LIVE[key] = QColor(_values(THEME)[key])
        _KEYS[id(c)] = key
    return c


def role(name: str) -> QColor:
    """The active theme's colour for a role ("error", "text_muted", ...): the live object, which a
    theme switch recolours in place (read it when painting; copy it before changing it)."""
    return _live(name)


def current() -> Theme:
    """The active theme."""
    return THEME


def tint(c: QColor, alpha: int = 38) -> QColor:
    """`c`, translucent: a background that reads on light and dark bases."""
    t = QColor(c)
    t.setAlpha(alpha)
    return t


def css(c: QColor) -> str:
    """A colour for a Qt stylesheet or rich text. A live colour carries its role in a comment
    (`#b3261e/*pal:error*/`), so a theme switch can rewrite the text it went into (`retheme`)."""
    value = c.name() if c.alpha() == 255 else f"rgba({c.red()}, {c.green()}, {c.blue()}, {c.alpha()})"
    key = _KEYS.get(id(c))
    return f"{value}/*pal:{key}*/" if key is not None and _LIVE.get(key) is c else value


def span(text: str, c: QColor) -> str:
    """`text` (plain, escaped here) as rich text in colour `c`."""
    return f"<span style='color:{css(c)}'>{html.escape(text)}</span>"


_MARKED: Final = re.compile(r"(#[0-9a-fA-F]{6}|rgba\([0-9, ]*\))/\*pal:([\w:]+)\*/")


def retheme(text: str) -> str:
    """`text` (rich text or a style sheet made with `css` / `span`) with every marked colour in the
    active theme's value."""
    def repl(m: re.Match[str]) -> str:
        c = _LIVE.get(m.group(2))
        return m.group(0) if c is None else css(c)
    return _MARKED.sub(repl, text) if "/*pal:" in text else text



# -- roles as constants (live: see the module docstring) --------------------------------------------
TEXT: Final = role("text")
TEXT_SECONDARY: Final = role("text_secondary")
TEXT_MUTED: Final = role("text_muted")
TEXT_FAINT: Final = role("text_faint")
TEXT_ON_ACCENT: Final = role("text_on_accent")
ERROR: Final = role("error")
WARNING: Final = role("warning")
OK: Final = role("ok")
UNKNOWN_DATA: Final = role("unknown")
ERROR_LINE_BG: Final = role("error_line_bg")
MATCH_BG: Final = role("match_bg")
CURRENT_MATCH_BG: Final = role("current_match_bg")
MATCH_TEXT_BG: Final = role("match_text_bg")
STDERR_BG: Final = role("stderr_bg")
CHART_BACKGROUND: Final = role("chart_background")
CHART_FOREGROUND: Final = role("chart_foreground")
CHART_LEGEND_BG: Final = role("chart_legend_bg")
CHART_CROSSHAIR: Final = role("chart_crosshair")
LANE_STRIPE: Final = role("lane_stripe")
GAP_BAND: Final = role("gap_band")
GAP_EDGE: Final = role("gap_edge")
SOURCE_COLORS: Final = tuple(_live(f"source:{i}") for i in range(len(THEME.sources)))


def error_box_css() -> str:
    """A box holding an error message (a stylesheet body for a QLabel), in the active theme."""
    return (f"background: {css(role('error_box_bg'))}; color: {css(role('error_box_text'))}; "
            f"border: 1px solid {css(role('error_box_border'))}; padding: 4px;")


def badge_css() -> str:
    """A small notice such as "read only" (a stylesheet body for a QLabel), in the active theme."""
    return f"background:{css(role('badge_bg'))}; color:{css(role('badge_text'))}; border-radius:3px;"


#: The same as error_box_css() / badge_css(), as the light theme builds them (a style sheet set
#: from them follows a switch through `retheme`; prefer the functions in new code).
ERROR_BOX_CSS: Final = error_box_css()
BADGE_CSS: Final = badge_css()

#: Strong colour per job state (name without prefix): text, chips, decoration swatches.
STATE_COLORS: Final[dict[str, QColor]] = {k: _live(f"job:{k}") for k in THEME.job_states}
_UNKNOWN: Final = TEXT_FAINT

#: Text colour of every cell while the data is stale (connection lost).
STALE_FOREGROUND: Final = TEXT_FAINT
#: Decoration swatch while stale: keeps the icon's footprint but drops the meaning.
STALE_DECORATION: Final = role("decoration_faint")
#: Foreground of a non-zero failed-pod count.
FAILED_COUNT: Final = STATE_COLORS["FAILED"]

#: Light translucent background for the state cell (works on light and dark bases).
STATE_BACKGROUNDS: Final[dict[str, QColor]] = {k: tint(v) for k, v in STATE_COLORS.items()}
_UNKNOWN_BACKGROUND: Final = tint(_UNKNOWN)

WORKFLOW_STATE_COLORS: Final[dict[str, QColor]] = {k: _live(f"workflow:{k}") for k in THEME.workflow_states}

#: Pod states: the job states' colours plus the pod-only states.
POD_STATE_COLORS: Final[dict[str, QColor]] = {**STATE_COLORS, **{k: _live(f"pod:{k}") for k in THEME.pod_states}}
POD_STATE_BACKGROUNDS: Final[dict[str, QColor]] = {k: tint(v) for k, v in POD_STATE_COLORS.items()}


def state_color(state: str) -> QColor:
    """Foreground colour for a job state name ("RUNNING"); grey for unknown states."""
    return STATE_COLORS.get(state, _UNKNOWN)


def state_background(state: str) -> QColor:
    """Translucent background for a job state name."""
    return STATE_BACKGROUNDS.get(state, _UNKNOWN_BACKGROUND)


def source_color(source: int) -> QColor:
    """The colour of merged log tail number `source` (instance id), cycling through the sources."""
    return SOURCE_COLORS[source % len(SOURCE_COLORS)]


# -- switching --------------------------------------------------------------------------------------
class ThemeNotifier(QObject):
    """Tells what draws its own colours (charts, brushes stored in items) that the theme changed.

    Signals:
        changed(str): the new theme's name ("light" / "dark"), after every live colour changed.
    """

    changed = Signal(str)


_notifier: ThemeNotifier | None = None


def notifier() -> ThemeNotifier:
    """The one notifier (made on first use, on the thread that owns the application)."""
    global _notifier
    if _notifier is None:
        _notifier = ThemeNotifier()
    return _notifier


def apply(theme: Theme) -> bool:
    """Make `theme` the active one: every live colour is recoloured in place and the derived
    backgrounds are recomputed; then `notifier().changed` is emitted. False when it already was."""
    global THEME
    if theme is THEME:
        return False
    THEME = theme
    values = _values(theme)
    for key, c in _LIVE.items():
        c.setRgba(QColor(values[key]).rgba())
    for backgrounds, colours in ((STATE_BACKGROUNDS, STATE_COLORS), (POD_STATE_BACKGROUNDS, POD_STATE_COLORS)):
        for k, c in colours.items():
            backgrounds[k].setRgba(tint(c).rgba())
    _UNKNOWN_BACKGROUND.setRgba(tint(_UNKNOWN).rgba())
    notifier().changed.emit(theme.name)
    return True


_QT_ROLES: Final = {
    "window": QPalette.ColorRole.Window, "window_text": QPalette.ColorRole.WindowText,
    "base": QPalette.ColorRole.Base, "alternate_base": QPalette.ColorRole.AlternateBase,
    "text": QPalette.ColorRole.Text, "button": QPalette.ColorRole.Button,
    "button_text": QPalette.ColorRole.ButtonText, "bright_text": QPalette.ColorRole.BrightText,
    "highlight": QPalette.ColorRole.Highlight, "highlighted_text": QPalette.ColorRole.HighlightedText,
    "link": QPalette.ColorRole.Link, "link_visited": QPalette.ColorRole.LinkVisited,
    "tooltip_base": QPalette.ColorRole.ToolTipBase, "tooltip_text": QPalette.ColorRole.ToolTipText,
    "placeholder": QPalette.ColorRole.PlaceholderText, "light": QPalette.ColorRole.Light,
    "midlight": QPalette.ColorRole.Midlight, "mid": QPalette.ColorRole.Mid, "dark": QPalette.ColorRole.Dark,
    "shadow": QPalette.ColorRole.Shadow,
}


def qpalette(theme: Theme) -> QPalette:
    """Qt's palette for `theme` (for a platform that has none of this scheme)."""
    p = QPalette()
    for name, r in _QT_ROLES.items():
        p.setColor(r, QColor(theme.qt[name]))
    disabled = QColor(theme.qt["disabled_text"])
    for r in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, r, disabled)
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Highlight, QColor(theme.qt["mid"]))
    return p


def text_pairs(theme: Theme) -> list[tuple[str, str, str]]:
    """Every text colour of `theme` with each background it is drawn on, as (what, foreground,
    background) colour values; a translucent background is given with the opaque one beneath it as
    "top over beneath" (the contrast test composites it)."""
    r, qt = theme.roles, theme.qt
    grounds = {"base": qt["base"], "alternate base": qt["alternate_base"], "window": qt["window"]}
    pairs: list[tuple[str, str, str]] = []

    def on(what: str, fg: str, bgs: Mapping[str, str]) -> None:
        pairs.extend((f"{what} on {where}", fg, bg) for where, bg in bgs.items())

    for name in ("text", "text_secondary", "text_muted", "text_faint", "error", "warning", "ok", "unknown",
                 "hex_zero", "chart_foreground"):
        on(name, r[name], grounds)
    states = {**{f"job {k}": v for k, v in theme.job_states.items()},
              **{f"workflow {k}": v for k, v in theme.workflow_states.items()},
              **{f"pod {k}": v for k, v in theme.pod_states.items()}}
    for i, colour in enumerate(theme.sources):  # merged log lines, on the log's base
        on(f"log source {i}", colour, grounds)
    for what, colour in states.items():
        on(what, colour, grounds)
        on(what, colour, {"its tint": f"{tint(QColor(colour)).name(QColor.NameFormat.HexArgb)} over {qt['base']}"})
        on(what, colour, {"chart": r["chart_background"]})
    for k, colour in theme.job_states.items():  # state chips, the progress bar's filled part
        on("text_on_accent", r["text_on_accent"], {f"job {k}": colour})
    text_on = ("error_line_bg", "match_bg", "current_match_bg", "match_text_bg", "hex_tag_bg", "hex_length_bg",
               "hex_value_bg", "hex_error_bg", "diff_added_bg", "diff_removed_bg", "diff_changed_bg",
               "diff_encoding_bg", "diff_added_mark", "diff_removed_mark", "diff_changed_mark",
               "selected_key_mark", "selected_value_mark", "chart_background")
    on("text", r["text"], {name: r[name] for name in text_on})
    on("text_secondary", r["text_secondary"], {name: r[name] for name in ("hex_tag_bg", "hex_length_bg",
                                                                          "hex_value_bg", "hex_error_bg")})
    for name in ("text", "text_muted", "error"):
        on(name, r[name], {"stderr_bg": f"{r['stderr_bg']} over {qt['base']}",
                           "lane stripe": f"{r['lane_stripe']} over {qt['base']}"})
    on("text", r["chart_foreground"], {"legend": f"{r['chart_legend_bg']} over {r['chart_background']}"})
    on("text_muted", r["text_muted"], {"chart": r["chart_background"]})
    on("error_box_text", r["error_box_text"], {"error_box_bg": r["error_box_bg"]})
    on("badge_text", r["badge_text"], {"badge_bg": r["badge_bg"]})
    on("highlighted_text", qt["highlighted_text"], {"highlight": qt["highlight"]})
    on("button_text", qt["button_text"], {"button": qt["button"]})
    on("tooltip_text", qt["tooltip_text"], {"tooltip_base": qt["tooltip_base"]})
    on("link", qt["link"], {"base": qt["base"]})
    on("placeholder", qt["placeholder"], {"base": qt["base"]})
    return pairs
