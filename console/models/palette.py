"""Every colour the console draws, by role, in one place (Qt value types only, no widgets).

Why here and not in a stylesheet: item models hand colours to any view through
ForegroundRole / BackgroundRole / DecorationRole, and charts, chips and status lines reuse the
same roles, so every surface agrees on "FAILED is red" and "an error reads in the error colour"
without parsing a theme. No other module holds a colour literal (tests/architecture/test_palette.py).

Ready for a dark theme: the values are one `Theme` (LIGHT); the constants below are built from the
active theme (`THEME`) when this module is imported. A dark theme is a second `Theme` here with the
same roles and states (tests/architecture/test_palette.py checks every Theme in this module names
them all, with valid colours), chosen as THEME before the first window is built, together with a
dark QPalette for Qt's own widgets.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from PySide6.QtGui import QColor


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


LIGHT: Final = Theme(
    roles={
        # text, by how much it should stand out
        "text": "#222222",
        "text_secondary": "#4b5563",  # labels and axes a step below the body text
        "text_muted": "#6b7280",  # hints, placeholders, previous runs, system log lines
        "text_faint": "#9ca3af",  # stale or unknown data
        "decoration_faint": "#d1d5db",  # a swatch that keeps its place but drops its meaning
        "text_on_accent": "#ffffff",  # text on a state-coloured chip
        # meanings
        "error": "#b3261e",
        "warning": "#8a6d00",
        "ok": "#1b7f3b",
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
        "hex_error_bg": "#fca5a5",
        "hex_zero": "#9ca3af",
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
        "INITIALIZED": "#6b7280",
        "PENDING": "#b45309",
        "RUNNING": "#1d4ed8",
        "SUCCEEDED": "#15803d",
        "FAILED": "#b91c1c",
        "KILLED": "#7c3aed",
        "KILLING": "#a21caf",
        "UNINITIALIZED": "#9ca3af",
        "DELETED": "#4b5563",
        "INVALID": "#9ca3af",
    },
    workflow_states={
        "INITIALIZED": "#6b7280",
        "ROLLING_FORWARD": "#1d4ed8",
        "PAUSED": "#b45309",
        "SUCCEEDED": "#15803d",
        "ABORTED": "#7c3aed",
        "FAILED": "#b91c1c",
        "ROLLING_BACKWARD": "#a21caf",
        "ROLLED_BACK": "#4b5563",
    },
    pod_states={"LAUNCHING": "#0e7490", "STARTING": "#0e7490", "LOST": "#92400e", "PREEMPTING": "#a21caf"},
    sources=("#1d4ed8", "#047857", "#9333ea", "#c2410c", "#0e7490", "#a16207", "#be185d", "#4d7c0f",
             "#4338ca", "#0f766e", "#7e22ce", "#b45309"),
)

#: The theme the constants below were built from.
THEME: Final = LIGHT


def role(name: str) -> QColor:
    """The active theme's colour for a role ("error", "text_muted", ...)."""
    return QColor(THEME.roles[name])


def tint(c: QColor, alpha: int = 38) -> QColor:
    """`c`, translucent: a background that reads on light and dark bases."""
    t = QColor(c)
    t.setAlpha(alpha)
    return t


def css(c: QColor) -> str:
    """A colour for a Qt stylesheet or rich text."""
    return c.name() if c.alpha() == 255 else f"rgba({c.red()}, {c.green()}, {c.blue()}, {c.alpha()})"


def span(text: str, c: QColor) -> str:
    """`text` (plain, escaped here) as rich text in colour `c`."""
    return f"<span style='color:{css(c)}'>{html.escape(text)}</span>"


# -- roles as constants ---------------------------------------------------------------------------
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
SOURCE_COLORS: Final = tuple(QColor(c) for c in THEME.sources)

#: A box holding an error message (a stylesheet body for a QLabel).
ERROR_BOX_CSS: Final = (f"background: {css(role('error_box_bg'))}; color: {css(role('error_box_text'))}; "
                        f"border: 1px solid {css(role('error_box_border'))}; padding: 4px;")
#: A small notice such as "read only" (a stylesheet body for a QLabel).
BADGE_CSS: Final = f"background:{css(role('badge_bg'))}; color:{css(role('badge_text'))}; border-radius:3px;"

#: Strong colour per job state (name without prefix): text, chips, decoration swatches.
STATE_COLORS: Final[dict[str, QColor]] = {k: QColor(v) for k, v in THEME.job_states.items()}
_UNKNOWN: Final = TEXT_FAINT

#: Text colour of every cell while the data is stale (connection lost).
STALE_FOREGROUND: Final = TEXT_FAINT
#: Decoration swatch while stale: keeps the icon's footprint but drops the meaning.
STALE_DECORATION: Final = role("decoration_faint")
#: Foreground of a non-zero failed-pod count.
FAILED_COUNT: Final = STATE_COLORS["FAILED"]

#: Light translucent background for the state cell (works on light and dark bases).
STATE_BACKGROUNDS: Final[dict[str, QColor]] = {k: tint(v) for k, v in STATE_COLORS.items()}

WORKFLOW_STATE_COLORS: Final[dict[str, QColor]] = {k: QColor(v) for k, v in THEME.workflow_states.items()}

#: Pod states: the job states' colours plus the pod-only states.
POD_STATE_COLORS: Final[dict[str, QColor]] = {**STATE_COLORS,
                                              **{k: QColor(v) for k, v in THEME.pod_states.items()}}
POD_STATE_BACKGROUNDS: Final[dict[str, QColor]] = {k: tint(v) for k, v in POD_STATE_COLORS.items()}


def state_color(state: str) -> QColor:
    """Foreground colour for a job state name ("RUNNING"); grey for unknown states."""
    return STATE_COLORS.get(state, _UNKNOWN)


def state_background(state: str) -> QColor:
    """Translucent background for a job state name."""
    return STATE_BACKGROUNDS.get(state, tint(_UNKNOWN))


def source_color(source: int) -> QColor:
    """The colour of merged log tail number `source` (instance id), cycling through the sources."""
    return SOURCE_COLORS[source % len(SOURCE_COLORS)]
