"""Writes :mod:`lkj_xl.workbook.holiday_table`'s file, ``national_holidays.json``, from the installed ``holidays``
package (the pinned version): ``python -m lkj_xl.workbook.holiday_table_build``.  ``tests/test_holiday_table.py``
compares the committed file with :func:`render`, so a change of the pin fails the tests until the file is rewritten.
"""

from __future__ import annotations

import json

from lkj_xl.core import worktime
from lkj_xl.workbook import holiday_table
from lkj_xl.core.worktime import CATEGORIES, COUNTRY, LANGUAGE
from lkj_xl.workbook.holiday_table import FIRST_YEAR, LAST_YEAR, REGENERATE, TABLE_PATH


def render(first: int = FIRST_YEAR, last: int = LAST_YEAR) -> str:
    """The table's file as the installed ``holidays`` package gives it: a few lines naming the source, then one line
    per year (so a regeneration's diff shows the years that changed)."""
    import holidays

    found = worktime.national_holidays(range(first, last + 1))
    by_year: dict[int, dict[str, str]] = {year: {} for year in range(first, last + 1)}
    for day, name in found.items():
        by_year[day.year][day.isoformat()] = name
    source = {
        "source": (f"holidays {holidays.__version__} (https://github.com/vacanza/holidays), country {COUNTRY}, "
                   f"categories {' and '.join(CATEGORIES)}, language {LANGUAGE}: hari libur nasional (Keppres/SKB "
                   "hari libur nasional, category public) and cuti bersama (SKB 3 Menteri, category government); "
                   "names as the library gives them, dates it only estimates marked '(perkiraan)'"),
        "library": "holidays",
        "version": holidays.__version__,
        "country": COUNTRY,
        "categories": list(CATEGORIES),
        "language": LANGUAGE,
        "first_year": first,
        "last_year": last,
        "regenerate": REGENERATE,
    }
    lines = [f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}," for key, value in source.items()]
    rows = [f"    \"{year}\": {json.dumps(days, ensure_ascii=False)}" for year, days in by_year.items()]
    return "{\n" + "\n".join(lines) + "\n  \"years\": {\n" + ",\n".join(rows) + "\n  }\n}\n"


def main() -> None:
    """Rewrite the table from the installed ``holidays`` package."""
    TABLE_PATH.write_text(render(), encoding="utf-8", newline="\n")
    holiday_table._years.cache_clear()
    print(f"{TABLE_PATH}: {FIRST_YEAR}-{LAST_YEAR}")


__all__ = ["main", "render"]


if __name__ == "__main__":
    main()
