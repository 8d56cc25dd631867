"""A workbook file on disk as a :class:`~lkj_xl.workbook.book.Book`, through openpyxl (CLI, tests, schedules).

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
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, MergedCell

from lkj_xl.workbook.book import Book, Values, cell_address, cell_text
from lkj_xl.core.errors import DataError, UnusableFileError

#: Workbooks that carry a VBA project (kept on save).
MACRO_SUFFIXES = (".xlsm", ".xltm")


def is_macro_path(path: str | Path) -> bool:
    return Path(path).suffix.lower() in MACRO_SUFFIXES

def _cell_text(value: str) -> str:
    """Text as a cell in the file can hold it: without characters XML forbids, cut to Excel's limit."""
    return cell_text(ILLEGAL_CHARACTERS_RE.sub("", value))


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
    return _rectangle(present, last_row, last_col)


def _rectangle(present: list[tuple[int, int, Any]], last_row: int, last_col: int) -> Values:
    """Rows A1..(last_row, last_col) holding the (row, column, value) triples given, None elsewhere."""
    if not present:
        return [[None]]
    values: Values = [[None] * last_col for _ in range(last_row)]
    for row, col, value in present:
        values[row - 1][col - 1] = value
    return values


def _read_only_values(ws) -> Values | None:
    """The values of a sheet of a read-only workbook, converted by openpyxl's own cell parser (shared strings, dates
    by number format, formulas as their text), in a faster pass than ``iter_rows``.

    ``iter_rows`` tokenises the sheet through defusedxml's pure-Python handlers and turns every ``<c>`` element into
    a cell, including the thousands of value-less ``<c r="B200" s="25"/>`` that formatted empty table rows consist
    of.  Here the standard library's C parser tokenises, a ``<c>`` without children (no value, formula or inline
    string: None in openpyxl too) is skipped before any conversion, and parsing stops at the end of ``sheetData``.
    That parser gets a part only when its prolog holds no ``<!DOCTYPE``/``<!ENTITY`` declaration
    (:func:`lkj_xl.engines.xmlsafety.scan_xml_prolog`): without one no entity exists to expand, which is what defusedxml
    guards against.  Returns None (use ``iter_rows``) for such a part and for a sheet whose rows or cells omit their
    ``r`` address (openpyxl then counts positions; so would this pass, but it is not worth a second copy)."""
    from xml.etree.ElementTree import ParseError as XMLParseError, iterparse

    from openpyxl.worksheet._reader import WorkSheetParser
    from openpyxl.xml.constants import SHEET_MAIN_NS

    from lkj_xl.engines.xmlsafety import scan_xml_prolog

    cell_tag, row_tag, data_tag = (f"{{{SHEET_MAIN_NS}}}{name}" for name in ("c", "row", "sheetData"))
    wb = ws.parent
    try:
        with ws._get_source() as source:
            data = source.read()
        if scan_xml_prolog(data, eof=True) != "ok":
            return None
        parser = WorkSheetParser(io.BytesIO(), ws._shared_strings, data_only=wb.data_only, epoch=wb.epoch,
                                 date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats)
    except AttributeError:  # another openpyxl than the pinned one: its general path
        return None
    present = []
    last_row = last_col = 0
    try:
        for _event, element in iterparse(io.BytesIO(data)):
            tag = element.tag
            if tag == cell_tag:
                if element.get("r") is None:
                    return None
                if len(element):
                    cell = parser.parse_cell(element)
                    value = cell["value"]
                    if value is not None:
                        row, col = cell["row"], cell["column"]
                        present.append((row, col, value))
                        last_row, last_col = max(last_row, row), max(last_col, col)
            elif tag == row_tag:
                if element.get("r") is None:
                    return None
                element.clear()
            elif tag == data_tag:
                break
    except XMLParseError as exc:
        raise UnusableFileError(f"Lembar \"{ws.title}\" tidak dapat dibaca ({exc}).") from exc
    return _rectangle(present, last_row, last_col)


def save_openpyxl(wb: Any, target: str | Path) -> None:
    """``wb.save(target)`` with the zip built in memory first: openpyxl leaves its ``ZipFile`` on the file open when
    a write fails (disk full), and the garbage collector's close then fails again, printing "Exception ignored in
    ZipFile.__del__".  Here a failing write is one ``OSError`` from a file closed at once."""
    buffer = io.BytesIO()
    wb.save(buffer)
    with open(target, "wb") as stream:
        stream.write(buffer.getbuffer())


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
        keep_vba = is_macro_path(path)
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
        values = _read_only_values(ws)
        if values is not None:
            return values
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
                if isinstance(cell, MergedCell):
                    # Part of a merged range but not its top-left cell: openpyxl cannot hold a value there (and
                    # Excel would not show it).  Refuse before anything is saved; the user unmerges the range.
                    where = cell_address(row + r_offset, column + c_offset)
                    raise DataError(f"Sel {where} pada lembar \"{sheet}\" digabung (merge) dengan sel lain, "
                                    f"sehingga hasil perhitungan tidak dapat ditulis ke sana. Pisahkan gabungan sel "
                                    f"itu (Pisahkan Sel / Unmerge Cells), lalu ulangi. Buku kerja tidak diubah.",
                                    sheet=sheet, cell=where)
                if isinstance(value, str):
                    # openpyxl would turn "=..." into a formula and "#N/A" into an error: force literal text.
                    cell.value = _cell_text(value)
                    cell.data_type = "s"
                elif value is None or isinstance(value, (bool, int, float, datetime, date, time)):
                    cell.value = value
                else:
                    cell.value = _cell_text(str(value))
                    cell.data_type = "s"

    # -- file --
    def save(self, path: str | Path | None = None) -> Path:
        """Save to ``path`` (default: where it was opened).  Saving safely (lock, temporary copy, check, backup) is :mod:`lkj_xl.files`' work."""
        if self.read_only:
            raise ValueError("FileBook opened read-only")
        target = Path(path) if path is not None else self.path
        if target is None:
            raise ValueError("FileBook.save needs a path for a workbook that was not opened from a file")
        save_openpyxl(self._wb, target)
        if is_macro_path(target):
            # openpyxl keeps the ribbon part but drops its relationship: put it back, or Excel shows no LKj tab.
            from lkj_xl.engines.ooxml import restore_ribbon_relationship

            restore_ribbon_relationship(target)
        return target

    @property
    def date1904(self) -> bool:
        """Whether the workbook counts dates in the 1904 system (its serial numbers mean other days)."""
        from openpyxl.utils.datetime import CALENDAR_MAC_1904

        return self._wb.epoch == CALENDAR_MAC_1904

    def tables(self, sheet: str) -> dict[str, str]:
        """Table name -> ref ("A12:M13") of a sheet's tables (empty for a read-only book: openpyxl does not load
        tables there)."""
        ws = self._sheet(sheet)
        return dict(ws.tables.items()) if hasattr(ws, "tables") else {}

    def resize_table(self, sheet: str, name: str, ref: str) -> None:
        table = self._sheet(sheet).tables[name]
        table.ref = ref
        if table.autoFilter is not None:
            table.autoFilter.ref = ref

    def set_hyperlink(self, sheet: str, row: int, column: int, url: str | None) -> None:
        cell = self._sheet(sheet).cell(row=row, column=column)
        value = cell.value
        cell.hyperlink = url
        cell.value = value  # openpyxl fills an empty cell with the address; the value stays as written
        if url is not None:
            cell.hyperlink.display = None

    def set_row_height(self, sheet: str, row: int, height: float, rows: int = 1) -> None:
        ws = self._sheet(sheet)
        for r in range(row, row + rows):
            ws.row_dimensions[r].height = height

    def set_print_area(self, sheet: str, ref: str) -> None:
        self._sheet(sheet).print_area = ref

    def defined_name(self, name: str) -> str | None:
        """The formula text of a workbook-level defined name (``"Pengaturan!$B$11"``), None when absent."""
        defined = self._wb.defined_names.get(name)
        return defined.attr_text if defined is not None else None
