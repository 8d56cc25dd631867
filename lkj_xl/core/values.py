"""What a cell holds, read the same way everywhere: blank, text, a whole number, yes/no; how labels compare.

Cells arrive as openpyxl gives them (file mode) or as xlwings gives them (live mode): ``None``, ``str``, ``int``,
``float`` (Excel stores every number as one), ``bool``, ``datetime``.  Dates have their own reader
(:mod:`lkj_xl.core.dates`).
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any

from lkj_xl.core.dates import format_date_id, format_datetime_id





def normalize_label(text: object) -> str:
    """How labels are compared: case-insensitive, spaces collapsed, a trailing ':' or '?' ignored."""
    if text is None:
        return ""
    return re.sub(r"\s+", " ", str(text)).strip().rstrip(":?").strip().casefold()


def is_blank(value: Any) -> bool:
    """Empty, or only spaces."""
    return value is None or (isinstance(value, str) and value.strip() == "")


def as_text(value: Any) -> str:
    """A cell as text: stripped; a whole float without ".0"; a date in Indonesian."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return format_datetime_id(value, with_time=value.time() != time(0, 0))
    if isinstance(value, date):
        return format_date_id(value)
    return str(value)


def as_int(value: Any) -> int | None:
    """A whole number from 7, 7.0 or "7"; None for anything else (blank, fractions, text, booleans)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str) and re.fullmatch(r"\s*\d+\s*", value):
        return int(value)
    return None


_YES = ("ya", "y", "yes", "x", "v", "1", "benar")
_NO = ("", "tidak", "t", "no", "n", "0", "bukan", "salah")


def read_yes(value: Any) -> bool | None:
    """"Ya" -> True, "Tidak"/blank -> False, anything else -> None (the caller reports it)."""
    if value is True or value is False:
        return value
    text = normalize_label(value)
    if text in _YES:
        return True
    if text in _NO:
        return False
    return None


def naive(value: Any) -> Any:
    """A datetime without its time zone (Excel has none); anything else unchanged."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    return value
