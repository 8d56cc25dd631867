"""The one small "book" interface every action works through, after xlwings' own Book/Sheet/Range idea.

Two implementations:

* :class:`lkj_xl.engines.openpyxl_book.FileBook`: a workbook file on disk, through openpyxl (CLI, tests, schedules);
* :class:`lkj_xl.engines.xlwings_book.LiveBook`: the workbook open in Excel, through xlwings (the ribbon).

Rules for implementations:

* ``read`` returns a whole sheet's values in one call to the engine: a rectangular list of rows from A1 to the last
  used cell, ``None`` for empty cells, ``datetime`` for dates, numbers as ``int``/``float``, text as ``str``.
  A cell holding a formula comes back as its formula text (``"=..."``) in file mode and as its value in live mode;
  entry cells never hold formulas, and validation says so when one does.
* ``write`` writes one rectangular block in one call.  A ``str`` is always written as literal text, never as a
  formula, whatever it starts with (``=``, ``+``, ``-``, ``@``), cut to what a cell holds (:func:`cell_text`).
  ``None`` empties a cell.  Only the cells of the block
  change: values only, never formats, validations or anything else.
* ``tables(sheet)`` gives each table object's name and ``ref`` ("A12:M13"); ``defined_name(name)`` a workbook-level
  name's reference ("'Langkah 3'!$B$3:$B$9").  The engine finds the cells it owns through these, never by searching
  for a label (:mod:`lkj_xl.workbook.owned`).
* Nothing else changes the workbook, except the few non-value edits on the engine's own cells listed in DESIGN.md,
  each a method here with its equivalent in every engine: ``resize_table`` (a step table grown over rows typed
  right below it) and ``set_hyperlink`` (a cell hyperlink on the engine's own sheets: the Beranda reminders'
  WhatsApp links), ``set_row_height`` (a row of the engine's own sheets made tall enough for its wrapped text:
  LibreOffice does not autofit rows) and ``set_print_area`` (the print area of an engine sheet follows its used
  rows: the ``_xlnm.Print_Area`` defined name).  Formats, charts, validations and conditional formatting are the builder's work, done once
  when the tracker is made; a row a table grows into takes the style of the row above.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from typing import Any, Sequence

Values = list[list[Any]]


class Book(ABC):
    """A workbook, seen as named sheets of values."""

    #: A short description for messages ("LKj_Tracker.xlsx").
    name: str = ""

    @abstractmethod
    def sheet_names(self) -> list[str]:
        """Sheet names in workbook order."""

    @abstractmethod
    def read(self, sheet: str) -> Values:
        """The whole sheet's values (see module doc).  Raises ``KeyError`` for a missing sheet."""

    @abstractmethod
    def write(self, sheet: str, row: int, column: int, values: Sequence[Sequence[Any]]) -> None:
        """Write a block whose top-left cell is (``row``, ``column``), both 1-based."""

    def user_name(self) -> str:
        """Who is acting (Excel's user name in live mode, the OS user otherwise)."""
        import getpass

        try:
            return getpass.getuser()
        except Exception:  # noqa: BLE001 - no user name is not a reason to fail an action
            return ""

    def has_sheet(self, sheet: str) -> bool:
        return sheet in self.sheet_names()

    def tables(self, sheet: str) -> dict[str, str]:
        """Table name -> ref ("A12:M13") of the sheet's table objects ({} where the engine knows none)."""
        return {}

    def defined_name(self, name: str) -> str | None:
        """The reference of a workbook-level defined name ("'Langkah 3'!$B$3:$B$9"), None when absent."""
        return None

    def set_formula_result(self, sheet: str, row: int, column: int, value: Any) -> None:
        """What a formula cell of the engine's own shows until it is recalculated.  Excel recalculates the workbook
        it has open by itself (the live book needs nothing); a file written without Excel keeps the result stored
        with the formula, so the file engine stores it.  Only on the engine's own sheets."""

    def resize_table(self, sheet: str, name: str, ref: str) -> None:
        """Make table ``name`` on ``sheet`` cover ``ref`` (same columns, more rows)."""
        raise NotImplementedError(f"{type(self).__name__} cannot resize tables")

    def set_hyperlink(self, sheet: str, row: int, column: int, url: str | None) -> None:
        """Make the cell at (``row``, ``column``) a link to the external ``url`` (a cell hyperlink, not a HYPERLINK
        formula: those stop at 255 characters), replacing any link the cell had; ``None`` removes the link.  The
        cell's value is not changed (write it with :meth:`write`)."""
        raise NotImplementedError(f"{type(self).__name__} cannot set hyperlinks")

    def set_row_height(self, sheet: str, row: int, height: float, rows: int = 1) -> None:
        """Give ``rows`` rows of ``sheet`` from ``row`` down the height ``height`` (points), as a custom height."""
        raise NotImplementedError(f"{type(self).__name__} cannot set row heights")

    def set_print_area(self, sheet: str, ref: str) -> None:
        """Make ``ref`` ("A1:F24") the print area of ``sheet`` (the sheet's ``_xlnm.Print_Area`` name)."""
        raise NotImplementedError(f"{type(self).__name__} cannot set print areas")


#: Excel holds at most this many characters in a cell; a longer string makes Excel "repair" (cut) the file.
EXCEL_MAX_CELL_CHARS = 32_767


def cell_text(text: str) -> str:
    """Text as a cell can hold it: cut to Excel's limit, the cut marked with an ellipsis."""
    if len(text) > EXCEL_MAX_CELL_CHARS:
        return text[: EXCEL_MAX_CELL_CHARS - 1] + "\u2026"
    return text


def column_letter(column: int) -> str:
    """1 -> "A", 27 -> "AA".

    openpyxl has this (``openpyxl.utils.get_column_letter``) but importing it loads all of openpyxl, and the live
    (ribbon) path must start without it."""
    letters = ""
    while column > 0:
        column, rem = divmod(column - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_address(row: int, column: int) -> str:
    return f"{column_letter(column)}{row}"


def column_number(letters: str) -> int:
    """"A" -> 1, "AA" -> 27."""
    number = 0
    for char in letters.upper():
        number = number * 26 + ord(char) - 64
    return number


_CELL = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d+)")


def parse_range(ref: str) -> tuple[int, int, int, int]:
    """"A12:M13" (or "$B$3", "B3:B9") -> (first row, first column, last row, last column), 1-based; ValueError when
    ``ref`` is not a cell range."""
    parts = ref.strip().split(":")
    if not 1 <= len(parts) <= 2:
        raise ValueError(ref)
    cells = []
    for part in parts:
        found = _CELL.fullmatch(part.strip())
        if found is None:
            raise ValueError(ref)
        cells.append((int(found.group(2)), column_number(found.group(1))))
    (r1, c1), (r2, c2) = cells[0], cells[-1]
    return min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)


def range_ref(first_row: int, first_column: int, last_row: int, last_column: int) -> str:
    return f"{cell_address(first_row, first_column)}:{cell_address(last_row, last_column)}"


def parse_reference(reference: str) -> tuple[str, tuple[int, int, int, int]] | None:
    """"'Langkah 3'!$B$3:$B$9" -> ("Langkah 3", (3, 2, 9, 2)); None for anything else (a formula, a constant, a
    reference to several areas or another workbook)."""
    text = reference.strip().lstrip("=")
    sheet, bang, cells = text.rpartition("!")
    if not bang or not sheet:
        return None
    if sheet.startswith("'") and sheet.endswith("'") and len(sheet) >= 2:
        sheet = sheet[1:-1].replace("''", "'")
    elif "'" in sheet or "[" in sheet:
        return None
    try:
        return sheet, parse_range(cells)
    except ValueError:
        return None
