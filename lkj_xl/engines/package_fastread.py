"""Cell values of a worksheet part read by python-calamine (Rust) instead of a parsed XML tree.

Parsing each sheet into an lxml tree and converting every ``<c>`` in Python is most of what reading a tracker costs
(a 10,000-row tracker: about a second; calamine: under a tenth of it).  :func:`fast_values` gives exactly what
:meth:`lkj_xl.engines.package.PackageBook.read` gives from the tree (openpyxl's values, ``data_only=False``):

* whole numbers as ``int`` (Excel writes them without a decimal point), dates as ``datetime`` (calamine gives a
  ``date`` for a date-only format), date-times rounded to the millisecond as openpyxl rounds them;
* empty cells as ``None``; values under the top-left cell of a merged range dropped; the grid trimmed to the last
  row and column holding a value.

It answers ``None`` (the caller then parses the tree) for what calamine cannot give the same way: a sheet holding a
formula (its text is the value here, calamine gives the cached result), an error or ISO-date cell, a 1904 workbook,
or a sheet calamine cannot read.
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime, time, timedelta
from typing import Any

# what calamine gives otherwise than the tree: a formula element, a cell typed as an error or an ISO date, a whole
# number written with a point or an exponent ("5.0" is a float there, calamine makes it 5), an escaped character.
# Separate patterns, each starting with literal text, so that each search skims the part quickly.
_SPECIAL = tuple(re.compile(p) for p in (
    rb"<f[\s/>]", rb":f[\s/>]", rb"""t\s*=\s*["'][ed]["']""", rb"<v>\s*[-+]?\d*\.0*\s*</v>", rb"<v>[^<]*[eE]",
    rb"x[0-9A-Fa-f]{4}_"))
_MERGE = re.compile(rb"""<(?:[A-Za-z_][\w.-]*:)?mergeCell\b[^>]*?\bref\s*=\s*["']([A-Z]+)(\d+):([A-Z]+)(\d+)["']""")


class FastReader:
    """One workbook's calamine reader, opened on first use (``None`` inside when calamine refuses the file)."""

    def __init__(self, data: bytes, shared_strings: bytes = b""):
        self._data = data
        self._workbook: Any = False  # False: not opened yet
        # an escaped character in a shared string: calamine unescapes it, the tree does not
        self._plain_strings = not re.search(rb"x[0-9A-Fa-f]{4}_", shared_strings)

    def _book(self):
        if self._workbook is False:
            try:
                from python_calamine import CalamineWorkbook

                self._workbook = CalamineWorkbook.from_filelike(io.BytesIO(self._data))
            except Exception:  # noqa: BLE001 - not installed, or calamine refuses the file: the tree reads
                self._workbook = None
        return self._workbook

    def values(self, sheet: str, raw: bytes) -> list[list[Any]] | None:
        """The sheet's values (see the module doc), or None when the tree must read it."""
        if not self._plain_strings or any(p.search(raw) for p in _SPECIAL):
            return None
        book = self._book()
        if book is None:
            return None
        try:
            rows = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        except Exception:  # noqa: BLE001 - calamine cannot read this sheet: the tree reads it
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


def _col(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _value(v: Any) -> Any:
    if type(v) is str:  # noqa: E721 - the common case first
        return v or None
    if isinstance(v, float):
        return int(v) if v.is_integer() and abs(v) < 1e15 else v
    if isinstance(v, datetime):
        return _round_ms(v)
    if isinstance(v, date):
        return datetime(v.year, v.month, v.day)
    if isinstance(v, time):
        return v.replace(microsecond=round(v.microsecond / 1000) * 1000) if v.microsecond % 1000 and \
            v.microsecond < 999500 else v
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
