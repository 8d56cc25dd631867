"""The shipped table of national holidays and cuti bersama (lkj_xl/workbook/national_holidays.json) is exactly what
the pinned ``holidays`` package gives, for every year it covers; a click within it never imports ``holidays``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import holidays

from lkj_xl.core.worktime import national_holidays as from_library
from lkj_xl.workbook import holiday_table
from lkj_xl.workbook.holiday_table import FIRST_YEAR, LAST_YEAR, TABLE_PATH, national_holidays
from lkj_xl.workbook.holiday_table_build import render

ROOT = Path(__file__).resolve().parents[1]


def test_the_table_is_what_the_pinned_library_gives():
    """The whole file, its source lines (library version, categories) included: a bump of the ``holidays`` pin fails
    here until the file is regenerated."""
    shipped = TABLE_PATH.read_text(encoding="utf-8")
    expected = render()
    if shipped != expected:
        old, new = json.loads(shipped), json.loads(expected)
        changed = [y for y in sorted(set(old["years"]) | set(new["years"]))
                   if old["years"].get(y) != new["years"].get(y)]
        raise AssertionError(f"{TABLE_PATH.name} differs from holidays {holidays.__version__} (file: "
                             f"{old['version']}; years {changed or 'none'}); run `{holiday_table.REGENERATE}`")
    meta = json.loads(shipped)
    assert meta["version"] == holidays.__version__ and meta["categories"] == ["public", "government"]
    assert meta["country"] == "ID" and meta["language"] == "id"
    assert [int(y) for y in meta["years"]] == list(range(FIRST_YEAR, LAST_YEAR + 1))


def test_every_year_read_from_the_table_equals_the_library():
    """Year by year, as a click asks (the file read back into dates, names and all), and across both ends of the
    table, where the years outside come from the library."""
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        assert national_holidays([year]) == from_library([year]), year
    for years in ([FIRST_YEAR - 2, FIRST_YEAR - 1, FIRST_YEAR, FIRST_YEAR + 1], range(LAST_YEAR - 1, LAST_YEAR + 3)):
        assert national_holidays(years) == from_library(years), years
    assert national_holidays([]) == {}


def test_the_span_is_where_the_library_has_every_holiday():
    """The reason for the span's end (holiday_table's docstring): the pinned library gives Nyepi in every year of the
    table and none after it.  A release that extends its Balinese Saka calendar fails here: extend LAST_YEAR."""
    nyepi = "Hari Suci Nyepi"
    table = national_holidays(range(FIRST_YEAR, LAST_YEAR + 1))
    assert {d.year for d, name in table.items() if nyepi in name} == set(range(FIRST_YEAR, LAST_YEAR + 1))
    assert not any(nyepi in name for name in from_library([LAST_YEAR + 1]).values())


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_years_in_the_table_never_import_holidays_and_others_do():
    inside = _run("import sys; from lkj_xl.workbook.holiday_table import national_holidays as n; "
                  f"found = n(range({FIRST_YEAR}, {LAST_YEAR + 1})); "
                  "assert 'holidays' not in sys.modules, 'imported'; print(len(found))")
    assert inside.returncode == 0, inside.stderr
    assert int(inside.stdout) > 900
    outside = _run("import sys; from lkj_xl.workbook.holiday_table import national_holidays as n; "
                   f"n([{LAST_YEAR}, {LAST_YEAR + 1}]); assert 'holidays' in sys.modules")
    assert outside.returncode == 0, outside.stderr
