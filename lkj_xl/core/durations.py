"""One style for working-time durations wherever a person reads one (report, Beranda, CLI, messages).

A duration of a working day or more is told in working days and hours ("4 hari kerja 5 jam"), a shorter one in hours
and minutes of working time ("2 jam 56 menit kerja", "56 menit kerja"); never "35 jam kerja" for the same 35 hours,
and never a bare number such as "35.00".  A working day is the usual working minutes of a day in the settings' week
(Perpres 21/2023 default: 450 = 7 jam 30 menit), so the text depends on the tracker's own week.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

#: Working minutes of a usual day when the week holds none (Perpres 21/2023: 37 h 30 min over 5 days).
DEFAULT_DAY_MINUTES = 450


def day_minutes(settings: Any) -> int:
    """Working minutes of a usual working day in ``settings.week`` (the most common value; 450 by default)."""
    values = [d.minutes for d in getattr(settings, "week", ()) if d is not None and d.minutes > 0]
    if not values:
        return DEFAULT_DAY_MINUTES
    counts = Counter(values)
    best = max(counts.values())
    return max(v for v, c in counts.items() if c == best)


def _hours_minutes(minutes: int) -> str:
    hours, mins = divmod(minutes, 60)
    parts = ([f"{hours} jam"] if hours else []) + ([f"{mins} menit"] if mins else [])
    return " ".join(parts)


def format_working(minutes: int | float, per_day: int = DEFAULT_DAY_MINUTES) -> str:
    """Working minutes as people read them: 2175 -> "4 hari kerja 5 jam" (450 a day), 176 -> "2 jam 56 menit
    kerja", 56 -> "56 menit kerja", 0 -> "0 menit kerja"."""
    minutes = max(0, int(round(minutes)))
    per_day = per_day if per_day > 0 else DEFAULT_DAY_MINUTES
    if minutes >= per_day:
        days, rest = divmod(minutes, per_day)
        rest_text = _hours_minutes(rest)
        return f"{days} hari kerja" + (f" {rest_text}" if rest_text else "")
    return f"{_hours_minutes(minutes) or '0 menit'} kerja"


__all__ = ["DEFAULT_DAY_MINUTES", "day_minutes", "format_working"]
