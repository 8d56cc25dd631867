"""A read-only :class:`~lkj_xl.engines.package.PackageBook` whose cell values come from python-calamine (Rust): the
recap (``lkj rekap``) reads hundreds of trackers, and parsing each sheet's XML tree is most of the cost.

The structure (sheet names, tables, defined names, styles) is still the package engine's; only :meth:`read` differs,
and it gives what :meth:`PackageBook.read` gives (openpyxl's values, ``data_only=False``):

* whole numbers as ``int`` (Excel writes them without a decimal point), dates as ``datetime`` (calamine gives a
  ``date`` for a date-only format), date-times rounded to the millisecond as openpyxl rounds them;
* empty cells as ``None``; values under the top-left cell of a merged range dropped;
* a sheet with any formula (``<f>``), a sheet calamine cannot read, or calamine not installed: the package engine's
  own :meth:`~PackageBook.read` (formulas come back as their text there, which calamine cannot give).

Each sheet is read once and kept (the recap analyses several cycles of one workbook).  Writing is refused.
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime, time, timedelta
from typing import Any

from lkj_xl.engines.package import PackageBook

_FORMULA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s/>]")
_MERGE = re.compile(rb"""<(?:[A-Za-z_][\w.-]*:)?mergeCell\b[^>]*?\bref\s*=\s*["']([A-Z]+)(\d+):([A-Z]+)(\d+)["']""")


def _col(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def available() -> bool:
    try:
        import python_calamine  # noqa: F401
    except ImportError:
        return False
    return True


class CalamineBook(PackageBook):
    """See the module doc.  ``CalamineBook(data, path)`` like :class:`PackageBook`."""

    def __init__(self, data: bytes, path=None):
        super().__init__(data, path)
        self._cache: dict[str, Any] = {}
        self._calamine = None
        try:
            from python_calamine import CalamineWorkbook

            self._calamine = CalamineWorkbook.from_filelike(io.BytesIO(data))
        except Exception:  # noqa: BLE001 - not installed, or calamine refuses the file: the package engine reads
            self._calamine = None

    def read(self, sheet: str):
        if sheet in self._cache:
            return self._cache[sheet]
        values = self._fast(sheet)
        if values is None:
            values = super().read(sheet)
        self._cache[sheet] = values
        return values

    def write(self, sheet, row, column, values):  # pragma: no cover - a reader only
        raise TypeError("CalamineBook is read-only")

    def _fast(self, sheet: str):
        sh = self._sheets.get(sheet)
        if self._calamine is None or sh is None or sh.kind != "worksheet":
            return None
        raw = self._raw.get(sh.part)
        if raw is None or _FORMULA.search(raw):
            return None
        try:
            rows = self._calamine.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        except Exception:  # noqa: BLE001
            return None
        values = [[_value(v) for v in row] for row in rows]
        for m in _MERGE.finditer(raw):
            c1, r1, c2, r2 = _col(m.group(1)), int(m.group(2)), _col(m.group(3)), int(m.group(4))
            for r in range(r1, min(r2, len(values)) + 1):
                row = values[r - 1]
                for c in range(c1, min(c2, len(row)) + 1):
                    if (r, c) != (r1, c1):
                        row[c - 1] = None
        return _trim(values)


def _value(v: Any) -> Any:
    if v == "" and isinstance(v, str):
        return None
    if isinstance(v, float):
        return int(v) if v.is_integer() and abs(v) < 1e15 else v
    if isinstance(v, datetime):
        return _round_ms(v)
    if isinstance(v, date):
        return datetime(v.year, v.month, v.day)
    if isinstance(v, time):
        return v.replace(microsecond=round(v.microsecond / 1000) * 1000) if v.microsecond % 1000 and \
            v.microsecond < 999500 else v
    if isinstance(v, timedelta):
        return v
    return v


def _round_ms(v: datetime) -> datetime:
    micro = v.microsecond
    if micro % 1000 == 0:
        return v
    return v.replace(microsecond=0) + timedelta(milliseconds=round(micro / 1000))


def _trim(values: list[list[Any]]) -> list[list[Any]]:
    last_row, last_col = 0, 0
    for r, row in enumerate(values, start=1):
        for c in range(len(row), 0, -1):
            if row[c - 1] is not None:
                last_row = r
                last_col = max(last_col, c)
                break
    if not last_row:
        return [[None]]
    out = []
    for row in values[:last_row]:
        row = row[:last_col]
        out.append(row + [None] * (last_col - len(row)))
    return out
