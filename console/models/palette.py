"""The one place job/workflow state colours live (Qt value types only, no widgets).

Why here and not in a stylesheet: item models hand colours to any view through
ForegroundRole / BackgroundRole / DecorationRole, and charts or chips reuse the same mapping,
so every surface agrees on "FAILED is red" without parsing a theme.
"""

from __future__ import annotations

from typing import Final

from PySide6.QtGui import QColor

#: Strong colour per job state (name without prefix): text, chips, decoration swatches.
STATE_COLORS: Final[dict[str, QColor]] = {
    "INITIALIZED": QColor("#6b7280"),
    "PENDING": QColor("#b45309"),
    "RUNNING": QColor("#1d4ed8"),
    "SUCCEEDED": QColor("#15803d"),
    "FAILED": QColor("#b91c1c"),
    "KILLED": QColor("#7c3aed"),
    "KILLING": QColor("#a21caf"),
    "UNINITIALIZED": QColor("#9ca3af"),
    "DELETED": QColor("#4b5563"),
    "INVALID": QColor("#9ca3af"),
}
_UNKNOWN: Final = QColor("#9ca3af")

#: Text colour of every cell while the data is stale (connection lost).
STALE_FOREGROUND: Final = QColor("#9ca3af")
#: Decoration swatch while stale: keeps the icon's footprint but drops the meaning.
STALE_DECORATION: Final = QColor("#d1d5db")
#: Foreground of a non-zero failed-pod count.
FAILED_COUNT: Final = STATE_COLORS["FAILED"]


def _tint(c: QColor, alpha: int = 38) -> QColor:
    t = QColor(c)
    t.setAlpha(alpha)
    return t


#: Light translucent background for the state cell (works on light and dark bases).
STATE_BACKGROUNDS: Final[dict[str, QColor]] = {k: _tint(v) for k, v in STATE_COLORS.items()}

WORKFLOW_STATE_COLORS: Final[dict[str, QColor]] = {
    "INITIALIZED": QColor("#6b7280"),
    "ROLLING_FORWARD": QColor("#1d4ed8"),
    "PAUSED": QColor("#b45309"),
    "SUCCEEDED": QColor("#15803d"),
    "ABORTED": QColor("#7c3aed"),
    "FAILED": QColor("#b91c1c"),
    "ROLLING_BACKWARD": QColor("#a21caf"),
    "ROLLED_BACK": QColor("#4b5563"),
}


def state_color(state: str) -> QColor:
    """Foreground colour for a job state name ("RUNNING"); grey for unknown states."""
    return STATE_COLORS.get(state, _UNKNOWN)


def state_background(state: str) -> QColor:
    """Translucent background for a job state name."""
    return STATE_BACKGROUNDS.get(state, _tint(_UNKNOWN))
