"""Dates for the tracker: reading a cell as a date and time, and writing dates back in Indonesian.

Pure functions: no clock, no files.  A cell may hold a ``datetime`` or ``date`` (desktop Excel), an Excel serial
number (openpyxl without number formats, formulas), or text typed in Indonesian or English, always day first.
Text is read by :mod:`lkj_xl.core.date_text` (dateutil with Indonesian names and guards around it), imported only
when a cell holds text: a ribbon click whose dates are all real date cells (the usual case) never loads it.

All results are naive datetimes in local time (WIB, UTC+7, or the tracker's zone).  A value carrying another zone
(an aware ``datetime``, "08.00 WITA") is converted.  Results are rounded to the second.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from lkj_xl.core.errors import ParseError
from lkj_xl.core.zones import WIB, to_local

MONTH_NAMES_ID: tuple[str, ...] = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)
#: Short month names for the unambiguous typing example "6 Jan 2026 08.00" (each one the reader understands).
MONTH_ABBREVIATIONS_ID: tuple[str, ...] = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt",
                                           "Nov", "Des")
DAY_NAMES_ID: tuple[str, ...] = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")  # Monday first


# Excel's 1900 date system: serial 1 = 1 January 1900.  Excel also counts 29 February 1900 (serial 60), a day that
# never existed (the Lotus 1-2-3 leap-year bug), so from serial 61 (1 March 1900) on the epoch is 30 December 1899.
_EXCEL_EPOCH = datetime(1899, 12, 30)
_EXCEL_EPOCH_BEFORE_MARCH_1900 = datetime(1899, 12, 31)
_EXCEL_FAKE_LEAP_DAY = 60
_EXCEL_MAX_SERIAL = 2958466  # 1 January 10000: the first serial Excel refuses


@dataclass(frozen=True)
class DateReading:
    """A parsed cell: the instant, and whether a time of day was written.

    ``has_time`` is False for a date typed without a time, a ``date`` object, and an Excel date (``datetime`` or
    serial number) at exactly 00:00:00: Excel stores "6/1/2026" and "6/1/2026 00:00" identically, so such a cell is
    taken as a date without a time.
    """

    value: datetime
    has_time: bool


# --- public API ----------------------------------------------------------------------------------------------------


def read_datetime(value: object, zone: tzinfo = WIB) -> DateReading | None:
    """Read a cell as a date and time.  None for an empty or blank cell; :class:`ParseError` when unreadable.
    A value carrying another zone ("08.00 WITA", an aware datetime) is converted to ``zone``: the tracker's clock
    (Pengaturan, "Zona waktu"; WIB by default)."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ParseError(f"Nilai logika {'TRUE' if value else 'FALSE'} (BENAR/SALAH) bukan tanggal. "
                         "Ketik tanggalnya, mis. \"6 Jan 2026 08.00\".", value)
    if isinstance(value, datetime):
        dt = _round_to_second(to_local(value, zone))
        return DateReading(dt, dt.time() != time(0, 0))
    if isinstance(value, date):
        return DateReading(datetime(value.year, value.month, value.day), False)
    if isinstance(value, time):
        raise ParseError(f"Sel hanya berisi jam ({value.hour:02d}.{value.minute:02d}) tanpa tanggal. "
                         "Ketik tanggal dan jamnya, mis. \"6 Jan 2026 08.00\".", value)
    if isinstance(value, (int, float)):
        dt = excel_serial_to_datetime(value)
        return DateReading(dt, dt.time() != time(0, 0))
    if isinstance(value, str):
        from lkj_xl.core.date_text import read_text  # only for text: most trackers hold real date cells

        return read_text(value, zone=zone)
    raise ParseError(f"Nilai \"{value}\" tidak dapat dibaca sebagai tanggal.", value)


def parse_datetime(value: object) -> datetime | None:
    """The instant in a cell (naive WIB datetime), None when empty; raises :class:`ParseError` when unreadable.

    A date written without a time gives 00:00 of that day; use :func:`read_datetime` or :func:`has_time` to know.
    """
    reading = read_datetime(value)
    return None if reading is None else reading.value


def has_time(value: object) -> bool:
    """Whether the cell holds a time of day as well as a date (False when empty; raises like parse_datetime)."""
    reading = read_datetime(value)
    return reading is not None and reading.has_time


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


def excel_serial_to_datetime(serial: int | float) -> datetime:
    """An Excel serial number (1900 date system) as a datetime, rounded to the second.

    45658 -> 1 January 2025; the fraction is the time of day (0.5 = 12:00).  Serial 60 is 29 February 1900, a day
    Excel counts but that never existed: an error.  Serials below 1 hold a time without a date: an error.
    """
    shown = _format_number(serial)
    if isinstance(serial, float) and not math.isfinite(serial):
        raise ParseError(f"Angka {shown} bukan tanggal.", serial)
    if serial < 0 or serial >= _EXCEL_MAX_SERIAL:
        raise ParseError(f"Angka {shown} bukan tanggal Excel yang sah (di luar 1 Januari 1900 – 31 Desember 9999).",
                         serial)
    if serial < 1:
        raise ParseError(f"Angka {shown} hanya berisi jam tanpa tanggal. Ketik tanggal dan jamnya, "
                         "mis. \"6 Jan 2026 08.00\".", serial)
    days = int(serial)
    if days == _EXCEL_FAKE_LEAP_DAY:
        raise ParseError(f"Angka {shown} adalah 29 Februari 1900 menurut Excel, tanggal yang tidak pernah ada.",
                         serial)
    seconds = round((serial - days) * 86400)
    epoch = _EXCEL_EPOCH if days > _EXCEL_FAKE_LEAP_DAY else _EXCEL_EPOCH_BEFORE_MARCH_1900
    try:
        return epoch + timedelta(days=days, seconds=seconds)
    except OverflowError:  # the last second of 31 December 9999 rounded up
        raise ParseError(f"Angka {shown} bukan tanggal Excel yang sah (di luar 1 Januari 1900 – 31 Desember 9999).",
                         serial) from None


# --- helpers -------------------------------------------------------------------------------------------------------


def _round_to_second(dt: datetime) -> datetime:
    if dt.microsecond == 0:
        return dt
    rounded = dt.replace(microsecond=0)
    if dt.microsecond >= 500_000:
        rounded += timedelta(seconds=1)
    return rounded


def _format_number(number: int | float) -> str:
    """Indonesian number display: decimal comma."""
    if isinstance(number, float) and number.is_integer():
        return str(int(number))
    return str(number).replace(".", ",")
