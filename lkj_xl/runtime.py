"""The one place the shells read the clock.  The core never does: every computation takes an ``as_of`` instant."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

#: Waktu Indonesia Barat (Madiun): UTC+7 all year, no daylight saving.
WIB = timezone(timedelta(hours=7), "WIB")


def now_wib() -> datetime:
    """The office clock: the current instant in WIB as a naive datetime (to the second)."""
    return datetime.now(WIB).replace(tzinfo=None, microsecond=0)


def parse_as_of(text: str) -> datetime:
    """An ``--as-of`` value: ISO 8601 ("2026-03-02T10:00", "2026-03-02"); an offset is converted to WIB."""
    value = datetime.fromisoformat(text.strip())
    if value.tzinfo is not None:
        value = value.astimezone(WIB).replace(tzinfo=None)
    return value
