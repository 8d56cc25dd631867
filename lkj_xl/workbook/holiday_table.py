"""The national holidays and cuti bersama of 2000-2050 as a table shipped with the package: a ribbon click (a fresh
Python) whose years all lie in it never imports ``holidays`` nor computes its calendars (~15 % of a refresh click's
own CPU on a 10-year tracker); reading the table costs about a millisecond.

Source: ``national_holidays.json``, generated from the pinned ``holidays`` by
:func:`lkj_xl.core.worktime.national_holidays` (country "ID", categories "public": Keppres/SKB hari libur nasional,
and "government": SKB 3 Menteri cuti bersama; language "id"): same dates, same names; the file names the version.
After a change of the pin (``tests/test_holiday_table.py`` fails until then)::

    python -m lkj_xl.workbook.holiday_table_build

The span: from :data:`lkj_xl.core.validation.YEAR_MIN`, the first reporting year the tracker accepts, to 2050, the
last year the pinned library gives all of Indonesia's holidays for (its Balinese Saka calendar has Nyepi up to 2050).
Other years come from the library, unchanged.
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


__all__ = ["FIRST_YEAR", "LAST_YEAR", "REGENERATE", "TABLE_PATH",
           "national_holidays"]
