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
from datetime import date, datetime, time, timedelta, tzinfo

from lkj_xl.core.date_basics import (  # noqa: F401 - the shared part is imported from here
    DAY_NAMES_ID, MONTH_ABBREVIATIONS_ID, MONTH_NAMES_ID, DateReading, format_date_id, format_datetime_id,
)
from lkj_xl.core.date_basics import round_to_second as _round_to_second
from lkj_xl.core.errors import ParseError
from lkj_xl.core.zones import WIB, to_local

# Excel's 1900 date system: serial 1 = 1 January 1900.  Excel also counts 29 February 1900 (serial 60), a day that
# never existed (the Lotus 1-2-3 leap-year bug), so from serial 61 (1 March 1900) on the epoch is 30 December 1899.
_EXCEL_EPOCH = datetime(1899, 12, 30)
_EXCEL_EPOCH_BEFORE_MARCH_1900 = datetime(1899, 12, 31)
_EXCEL_FAKE_LEAP_DAY = 60
_EXCEL_MAX_SERIAL = 2958466  # 1 January 10000: the first serial Excel refuses


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


def _format_number(number: int | float) -> str:
    """Indonesian number display: decimal comma."""
    if isinstance(number, float) and number.is_integer():
        return str(int(number))
    return str(number).replace(".", ",")
