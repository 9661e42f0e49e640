"""How the console writes times, durations, sizes and schedules for operators.

One place decides whether times are shown in UTC or in the machine's local zone (the View menu's
"Times in UTC", persisted by the main window), so every view names the same zone; timestamps
carry their zone ("2026-12-06 14:00:03 CET") or, in tables, the column header does.  Relative
phrases ("3 min ago", "in 8 s") are for tooltips and countdowns.  Plain functions over seconds
since the epoch, so models and tests use them directly.

Language: units and phrases go through Qt's translation (context "timefmt"); numeric times stay
ISO 8601 (2026-12-06 14:00:03) in every language, sortable and the form Chinese operators' tools
use too, while tooltips add the date as the chosen locale writes it (QLocale, console/i18n.py).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, tzinfo
from functools import lru_cache
from typing import Any

from PySide6.QtCore import QCoreApplication, QDateTime, QLocale, QTimeZone

SETTING_UTC = "view/times_in_utc"

_state = {"utc": False}


def set_utc(on: bool) -> None:
    """Show every time in UTC (True) or in the local zone (False)."""
    _state["utc"] = bool(on)


def use_utc() -> bool:
    return _state["utc"]


def _zone() -> tzinfo | None:
    return UTC if _state["utc"] else None


def seconds_of(ts: Any) -> float:
    """A google.protobuf.Timestamp (or anything with seconds / nanos) as float seconds; 0 when unset."""
    s = getattr(ts, "seconds", 0)
    return s + getattr(ts, "nanos", 0) * 1e-9 if s else 0.0


def zone_name(seconds: float | None = None) -> str:
    """The zone times are shown in, as its abbreviation ("UTC", "CET"; at `seconds` for DST)."""
    if _state["utc"]:
        return "UTC"
    t = time.time() if seconds is None else seconds
    return time.strftime("%Z", time.localtime(t)) or QCoreApplication.translate("timefmt", "local")


@lru_cache(maxsize=8192)
def _fmt(seconds: int, utc: bool, fmt: str) -> str:
    return datetime.fromtimestamp(seconds, UTC if utc else None).strftime(fmt)


def fmt_time(seconds: float, with_date: bool = True) -> str:
    """`2026-12-06 14:00:03` (or `14:00:03`) in the chosen zone, without the zone; "" when unset."""
    if seconds <= 0:
        return ""
    return _fmt(int(seconds), _state["utc"], "%Y-%m-%d %H:%M:%S" if with_date else "%H:%M:%S")


def fmt_clock(seconds: float) -> str:
    """`14:00:03.125`: a log line's time of day to the millisecond in the chosen zone; blanks when unset."""
    if seconds <= 0:
        return " " * 12
    whole = int(seconds)
    return f"{_fmt(whole, _state['utc'], '%H:%M:%S')}.{int((seconds - whole) * 1000):03d}"


def fmt_time_tz(seconds: float, with_date: bool = True) -> str:
    """`2026-12-06 14:00:03 CET`: a time with its zone; "" when unset."""
    if seconds <= 0:
        return ""
    return f"{fmt_time(seconds, with_date)} {zone_name(seconds)}"


def fmt_ts(ts: Any, with_date: bool = True) -> str:
    """A protobuf Timestamp with its zone; "" when unset."""
    return fmt_time_tz(seconds_of(ts), with_date)


def fmt_span(seconds: float) -> str:
    """A duration in words an operator reads at a glance: 0.5 s, 8 s, 12 min, 1 h 5 min, 2 d 3 h."""
    s = abs(seconds)
    if s < 10 and s != int(s):
        return QCoreApplication.translate("timefmt", "{0} s").format(f"{s:.1f}")
    if s < 60:
        return QCoreApplication.translate("timefmt", "{0} s").format(f"{s:.0f}")
    if s < 3600:
        m, sec = divmod(int(s), 60)
        return QCoreApplication.translate("timefmt", "{0} min").format(m) + (
            " " + QCoreApplication.translate("timefmt", "{0} s").format(sec) if sec and m < 10 else ""
        )
    if s < 86400:
        h, rem = divmod(int(s), 3600)
        return QCoreApplication.translate("timefmt", "{0} h").format(h) + (
            " " + QCoreApplication.translate("timefmt", "{0} min").format(rem // 60) if rem // 60 else ""
        )
    d, rem = divmod(int(s), 86400)
    return QCoreApplication.translate("timefmt", "{0} d").format(d) + (
        " " + QCoreApplication.translate("timefmt", "{0} h").format(rem // 3600) if rem // 3600 else ""
    )


def relative(seconds: float, now: float | None = None) -> str:
    """"3 min ago" / "in 8 s" / "now"; "" when unset."""
    if seconds <= 0:
        return ""
    delta = seconds - (time.time() if now is None else now)
    if abs(delta) < 1:
        return QCoreApplication.translate("timefmt", "now")
    return (
        QCoreApplication.translate("timefmt", "in {0}").format(fmt_span(delta))
        if delta > 0
        else QCoreApplication.translate("timefmt", "{0} ago").format(fmt_span(delta))
    )


def time_tip(seconds: float, now: float | None = None) -> str:
    """A tooltip for a shown time: the time with its zone, how long ago, and the other zone."""
    if seconds <= 0:
        return QCoreApplication.translate("timefmt", "not set")
    other = (datetime.fromtimestamp(seconds).astimezone().strftime("%Y-%m-%d %H:%M:%S %Z") if _state["utc"]
             else datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d %H:%M:%S UTC"))
    return f"{fmt_time_tz(seconds)} ({relative(seconds, now)})\n{other}\n{locale_date(seconds)}"


def locale_date(seconds: float) -> str:
    """The date and time as the chosen locale writes it in full ("Sunday, December 6, 2026 2:00:03 PM",
    "2026年12月6日星期日 14:00:03"), in the zone times are shown in."""
    when = QDateTime.fromSecsSinceEpoch(int(seconds))
    if _state["utc"]:
        when = when.toTimeZone(QTimeZone.utc())
    locale = QLocale()
    return f"{locale.toString(when.date(), QLocale.FormatType.LongFormat)} " \
           f"{locale.toString(when.time(), QLocale.FormatType.ShortFormat)}"


def human_bytes(n: float) -> str:
    """64 MiB, 1.5 GiB, 512 B: binary units, as resources are given."""
    if n < 1024:
        return f"{n:.0f} B"  # binary units are the same in every language
    for unit in ("KiB", "MiB", "GiB", "TiB"):
        n /= 1024
        if n < 1024 or unit == "TiB":
            return f"{n:.0f} {unit}" if n == int(n) or n >= 100 else f"{n:.1f} {unit}"
    return f"{n:.0f} TiB"  # pragma: no cover - the loop always returns


def schedule_words(schedule: Any, next_run: float = 0.0, now: float | None = None) -> str:
    """A job's Schedule in words: "run now", "every 1 s", "once at 2026-12-06 14:00:00 CET",
    "cron 0 * * * * Europe/Berlin, next 14:00 CET, in 12 min" (next run from the job's status)."""
    kind = schedule.WhichOneof("when") if schedule is not None else None
    if kind is None:
        words = QCoreApplication.translate("timefmt", "run now")
    elif kind == "every":
        words = QCoreApplication.translate("timefmt", "every {0}").format(
            fmt_span(seconds_of(schedule.every) or schedule.every.nanos * 1e-9)
        )
    elif kind == "at":
        words = QCoreApplication.translate("timefmt", "once at {0}").format(fmt_ts(schedule.at))
    else:
        words = QCoreApplication.translate("timefmt", "cron {0} {1}").format(schedule.cron, schedule.timezone or "UTC")
    if next_run > 0 and kind != "at":
        words += QCoreApplication.translate("timefmt", ", next {0}, {1}").format(
            fmt_time_tz(next_run, with_date=not _same_day(next_run, now)), relative(next_run, now)
        )
    return words


def _same_day(seconds: float, now: float | None) -> bool:
    t = time.time() if now is None else now
    return fmt_time(seconds)[:10] == fmt_time(t)[:10]


def fmt_time_compact(seconds: float, now: float | None = None) -> str:
    """For tables: `19:31:06` today, `12-05 19:31` this year, `2025-12-05` before; "" when unset.
    The zone is in the column header, the full time in the tooltip (time_tip)."""
    if seconds <= 0:
        return ""
    t = time.time() if now is None else now
    full, today = fmt_time(seconds), fmt_time(t)
    if full[:10] == today[:10]:
        return full[11:]
    if full[:4] == today[:4]:
        return full[5:16]
    return full[:10]
