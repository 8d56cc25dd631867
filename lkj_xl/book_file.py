"""A workbook file on disk as a :class:`~lkj_xl.book.Book`, through openpyxl (CLI, tests, schedules).

The file is loaded once (``data_only=False``: formulas come back as their text; ``keep_vba=True`` for .xlsm so the
VBA project survives a save).  ``read`` is one pass over the cells the sheet holds, bounded by the last cell with a
value (formatted empty cells below a table do not count, unlike Excel's UsedRange; readers must not care);
``write`` assigns values only.
"""

from __future__ import annotations

import io
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Sequence

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from .book import Book, Values
from .errors import UnusableFileError

_MACRO_SUFFIXES = (".xlsm", ".xltm")


def _values_of(cells: dict) -> Values:
    """The rectangle A1..(last row, last column holding a value) of a worksheet's cell store, in one pass.

    ``Worksheet.iter_rows`` would create (and keep) a Cell object for every empty position it visits, which makes
    the read slower and the later save larger; the cell store holds only cells the file has.  Dates are already
    ``datetime`` there (openpyxl converts them while loading), formulas are their text."""
    present = []
    last_row = last_col = 0
    for (row, col), cell in cells.items():
        value = cell.value
        if value is not None:
            present.append((row, col, value))
            if row > last_row:
                last_row = row
            if col > last_col:
                last_col = col
    if not present:
        return [[None]]
    values: Values = [[None] * last_col for _ in range(last_row)]
    for row, col, value in present:
        values[row - 1][col - 1] = value
    return values


class FileBook(Book):
    """A workbook loaded from (and saved to) a file."""

    def __init__(self, workbook: "openpyxl.Workbook", path: str | Path | None = None):
        self._wb = workbook
        self.path = Path(path) if path is not None else None
        self.name = self.path.name if self.path is not None else ""

    @classmethod
    def open(cls, path: str | Path, *, read_only: bool = False) -> "FileBook":
        """Load ``path``.  A missing or unreadable file raises :class:`UnusableFileError` (Indonesian message).

        ``read_only=True`` loads faster (openpyxl's read-only mode) for reading only: ``write`` and ``save`` raise.
        The file's bytes are read into memory first, so no handle stays open (Windows could not replace the file
        while one does)."""
        path = Path(path)
        if not path.is_file():
            raise UnusableFileError(f"Berkas \"{path}\" tidak ditemukan.")
        keep_vba = path.suffix.lower() in _MACRO_SUFFIXES
        try:
            if read_only:
                source = io.BytesIO(path.read_bytes())
                workbook = openpyxl.load_workbook(source, read_only=True, data_only=False)
            else:
                workbook = openpyxl.load_workbook(path, keep_vba=keep_vba, data_only=False)
        except Exception as exc:  # noqa: BLE001 - any load failure means the file is unusable
            raise UnusableFileError(f"Berkas \"{path.name}\" tidak dapat dibuka sebagai buku kerja Excel "
                                    f"({type(exc).__name__}: {exc}).") from exc
        book = cls(workbook, path)
        book.read_only = read_only
        return book

    #: True when opened with ``read_only=True``.
    read_only: bool = False

    @property
    def workbook(self) -> "openpyxl.Workbook":
        return self._wb

    # -- Book --
    def sheet_names(self) -> list[str]:
        return list(self._wb.sheetnames)

    def has_sheet(self, sheet: str) -> bool:
        return sheet in self._wb.sheetnames

    def _sheet(self, sheet: str):
        if sheet not in self._wb.sheetnames:
            raise KeyError(sheet)
        return self._wb[sheet]

    def read(self, sheet: str) -> Values:
        ws = self._sheet(sheet)
        cells = getattr(ws, "_cells", None)
        if cells is not None:
            return _values_of(cells)
        # Read-only sheet: iter_rows() runs from A1 to the sheet's dimension.  A file without a <dimension> can give
        # ragged rows; pad those.
        rows = [list(row) for row in ws.iter_rows(values_only=True)]
        if rows:
            width = max(len(row) for row in rows)
            for row in rows:
                if len(row) < width:
                    row.extend([None] * (width - len(row)))
        return rows

    def write(self, sheet: str, row: int, column: int, values: Sequence[Sequence[Any]]) -> None:
        if self.read_only:
            raise ValueError("FileBook opened read-only")
        ws = self._sheet(sheet)
        for r_offset, row_values in enumerate(values):
            for c_offset, value in enumerate(row_values):
                cell = ws.cell(row=row + r_offset, column=column + c_offset)
                if isinstance(value, str):
                    # openpyxl would turn "=..." into a formula and "#N/A" into an error: force literal text.
                    cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
                    cell.data_type = "s"
                elif value is None or isinstance(value, (bool, int, float, datetime, date, time)):
                    cell.value = value
                else:
                    cell.value = str(value)
                    cell.data_type = "s"

    # -- file --
    def save(self, path: str | Path | None = None) -> Path:
        """Save to ``path`` (default: where it was opened).  The lead wraps this with atomic save and backups."""
        if self.read_only:
            raise ValueError("FileBook opened read-only")
        target = Path(path) if path is not None else self.path
        if target is None:
            raise ValueError("FileBook.save needs a path for a workbook that was not opened from a file")
        self._wb.save(target)
        return target

    def tables(self, sheet: str) -> dict[str, str]:
        """Table name -> ref ("A12:M13") of a sheet's tables (empty for a read-only book: openpyxl does not load
        tables there)."""
        ws = self._sheet(sheet)
        return dict(ws.tables.items()) if hasattr(ws, "tables") else {}

    def defined_name(self, name: str) -> str | None:
        """The formula text of a workbook-level defined name (``"Pengaturan!$B$11"``), None when absent."""
        defined = self._wb.defined_names.get(name)
        return defined.attr_text if defined is not None else None
