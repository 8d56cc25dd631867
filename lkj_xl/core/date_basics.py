"""What both date readers share (:mod:`lkj_xl.core.dates` for date cells, :mod:`lkj_xl.core.date_text` for dates
typed as text): the Indonesian names of months and days, the one date style for people ("6 Januari 2026 08.00"),
:class:`DateReading` and rounding to the second.  :mod:`lkj_xl.core.dates` re-exports all of it: import from there.

Pure: no clock, no files.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

MONTH_NAMES_ID: tuple[str, ...] = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)
#: Short month names for the unambiguous typing example "6 Jan 2026 08.00" (each one the reader understands).
MONTH_ABBREVIATIONS_ID: tuple[str, ...] = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt",
                                           "Nov", "Des")
DAY_NAMES_ID: tuple[str, ...] = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")  # Monday first


@dataclass(frozen=True)
class DateReading:
    """A parsed cell: the instant, and whether a time of day was written.

    ``has_time`` is False for a date typed without a time, a ``date`` object, and an Excel date (``datetime`` or
    serial number) at exactly 00:00:00: Excel stores "6/1/2026" and "6/1/2026 00:00" identically, so such a cell is
    taken as a date without a time.
    """

    value: datetime
    has_time: bool



def format_datetime_id(dt: datetime | date, with_time: bool = True) -> str:
    """Indonesian prose: ``6 Januari 2026 08.00`` (or ``6 Januari 2026`` for a ``date`` or with_time=False).
    The day has no leading zero, as Indonesian letters write it; the clock takes a dot."""
    text = f"{dt.day} {MONTH_NAMES_ID[dt.month - 1]} {dt.year}"
    if with_time and isinstance(dt, datetime):
        text += f" {dt.hour:02d}.{dt.minute:02d}"
    return text


def format_date_id(dt: datetime | date) -> str:
    """Indonesian date without a time: ``6 Januari 2026``."""
    return format_datetime_id(dt, with_time=False)


def round_to_second(dt: datetime) -> datetime:
    if dt.microsecond == 0:
        return dt
    rounded = dt.replace(microsecond=0)
    if dt.microsecond >= 500_000:
        rounded += timedelta(seconds=1)
    return rounded



__all__ = ["DAY_NAMES_ID", "DateReading", "MONTH_ABBREVIATIONS_ID", "MONTH_NAMES_ID", "format_date_id",
           "format_datetime_id", "round_to_second"]
