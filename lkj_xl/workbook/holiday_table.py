"""The national holidays and cuti bersama of 2000-2050 as a table shipped with the package, so that a ribbon click
whose years all lie in it never imports the ``holidays`` package.

Every click is a fresh Python.  Importing ``holidays`` (its ``__init__`` loads ``importlib.metadata``, the calendars
and the holiday groups) and computing Indonesia's years (Islamic, Chinese and Balinese Saka calendars) cost about
15 % of a refresh click's own CPU on a 10-year tracker, for the years its Hari Libur sheet does not list.  Reading
this table costs about a millisecond.

Source: ``national_holidays.json`` beside this module is generated from the pinned ``holidays`` package by
:func:`lkj_xl.core.worktime.national_holidays` -- country "ID", categories "public" (Keppres/SKB on hari libur
nasional) and "government" (SKB 3 Menteri on cuti bersama), language "id" -- for every year of the span, with the
same dates and the same names; the file names the library's version, the categories and this basis.  Regenerate it
after a change of the ``holidays`` pin (``tests/test_holiday_table.py`` fails until then) with
:mod:`lkj_xl.workbook.holiday_table_build` (a module of its own: a click never loads it)::

    python -m lkj_xl.workbook.holiday_table_build

The span: from 2000, the first reporting year the tracker accepts (:data:`lkj_xl.core.validation.YEAR_MIN`), to
2050, the last year the pinned library gives every one of Indonesia's holidays for (its Balinese Saka calendar has
Nyepi up to 2050 and none after).  Other years (the later years of a cycle from 2049 on, a date typed before 2000)
still come from the library through :func:`lkj_xl.core.worktime.national_holidays`, unchanged.
"""

from __future__ import annotations

import json
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from lkj_xl.core import worktime
from lkj_xl.core.validation import YEAR_MIN

FIRST_YEAR = YEAR_MIN
LAST_YEAR = 2050
TABLE_PATH = Path(__file__).with_name("national_holidays.json")
COUNTRY = "ID"
CATEGORIES = ("public", "government")
LANGUAGE = "id"
REGENERATE = "python -m lkj_xl.workbook.holiday_table_build"


def national_holidays(years: Iterable[int]) -> dict[date, str]:
    """What :func:`lkj_xl.core.worktime.national_holidays` gives for ``years``: the years of the table from the table,
    the others from the library."""
    wanted = sorted({int(y) for y in years})
    table = _years()
    found: dict[date, str] = {}
    for year in wanted:
        for day, name in table.get(str(year), {}).items():
            found[date.fromisoformat(day)] = name
    rest = [y for y in wanted if str(y) not in table]
    if rest:
        found.update(worktime.national_holidays(rest))
    return dict(sorted(found.items()))


@lru_cache(maxsize=1)
def _years() -> dict[str, dict[str, str]]:
    """Year (as text) -> {ISO date: name}, as the file holds them."""
    return json.loads(TABLE_PATH.read_text(encoding="utf-8"))["years"]


__all__ = ["CATEGORIES", "COUNTRY", "FIRST_YEAR", "LANGUAGE", "LAST_YEAR", "REGENERATE", "TABLE_PATH",
           "national_holidays"]
