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
* Nothing else changes the workbook: formats, tables, charts, validations and conditional formatting are the
  builder's work, done once when the tracker is made.
"""

from __future__ import annotations

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
