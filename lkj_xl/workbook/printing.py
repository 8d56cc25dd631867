"""What printing needs on the engine's own sheets, written with the values: the print area follows the used rows
(``Book.set_print_area``; Masalah's builder-made link column reaches 1,000 rows, which printed 24 mostly blank
pages), and rows with wrapped text get a height that fits it (``Book.set_row_height``): Excel autofits a wrapped
row only when it is typed in, and LibreOffice does not autofit a row whose height the file sets.

Heights are an estimate from the text and the column widths (no font metrics here: the live path has no renderer):
a column ``w`` units wide holds about ``1.1 w`` characters of 11-point text per line, words wrap whole, each paragraph starts a new
line, a line is 15 points.  People's sheets are never touched: their rows keep the heights people gave them.
"""

from __future__ import annotations

import textwrap
from typing import Any, Mapping, Sequence

from lkj_xl.core.values import is_blank
from lkj_xl.workbook import layout
from lkj_xl.workbook.book import Book, column_letter

#: Points per line of 11-point text, and the padding Excel leaves above and below.
LINE_POINTS = 15.0
PADDING_POINTS = 3.0
#: Excel's tallest row.
MAX_ROW_POINTS = 409.0
#: Characters of 11-point text per unit of column width (a unit is the width of one digit; text is narrower on
#: average, about 1.1 per unit with Calibri 11 or LibreOffice's stand-in; whole words wrap, as textwrap does).
CHARS_PER_UNIT = 1.1
DEFAULT_WIDTH = 8.43

#: Column widths of the engine's sheets as the builder sets them (the builder reads these too).
#: Masalah (layout 3): Lembar, Sel, Tingkat, Pesan (wraps), Kode (secondary, narrow), Buka.
PROBLEM_WIDTHS: dict[str, float] = {"A": 16, "B": 8, "C": 12, "D": 100, "E": 14, "F": 8}
HISTORY_WIDTHS: dict[str, float] = {"A": 24, "B": 18, "C": 20, "D": 90, "E": 24}


def text_lines(value: Any, width: float) -> int:
    """Lines a wrapped cell of ``width`` units needs for ``value``."""
    if is_blank(value):
        return 1
    per_line = max(1, int(width * CHARS_PER_UNIT))
    # a part that fits on one line is one line (what textwrap would say, without its cost: a thousand problems)
    return sum(1 if len(part) <= per_line else max(1, len(textwrap.wrap(part, per_line, break_on_hyphens=False)))
               for part in str(value).split("\n"))


def row_height(values: Sequence[Any], first_column: int, widths: Mapping[str, float], *, span: bool = False,
               minimum: float = LINE_POINTS) -> float:
    """The height (points) that fits the row ``values`` starting in ``first_column``.  ``span``: a text cell spreads
    over the empty cells right of it (the way the report's merged cells are laid out)."""
    lines = 1
    for i, value in enumerate(values):
        if is_blank(value) or not isinstance(value, str):
            continue
        width = widths.get(column_letter(first_column + i), DEFAULT_WIDTH)
        if span:
            j = i + 1
            while j < len(values) and is_blank(values[j]):
                width += widths.get(column_letter(first_column + j), DEFAULT_WIDTH)
                j += 1
        lines = max(lines, text_lines(value, width))
    return min(MAX_ROW_POINTS, max(minimum, lines * LINE_POINTS + (PADDING_POINTS if lines > 1 else 0)))


def fit_rows(book: Book, sheet: str, first_row: int, rows: Sequence[Sequence[Any]], widths: Mapping[str, float],
             *, first_column: int = 1, span: bool = False, minimum: float = LINE_POINTS) -> None:
    """Give each of ``rows`` (written from ``first_row``) the height its text needs; runs of equal heights are one
    call."""
    heights = [row_height(r, first_column, widths, span=span, minimum=minimum) for r in rows]
    start = 0
    while start < len(heights):
        end = start
        while end + 1 < len(heights) and heights[end + 1] == heights[start]:
            end += 1
        book.set_row_height(sheet, first_row + start, heights[start], end - start + 1)
        start = end + 1


def last_used_row(values: Sequence[Sequence[Any]], last_column: int) -> int:
    """1-based number of the last row with a value in columns 1..``last_column`` (formulas' text counts as a value
    in file mode, so callers pass the columns the engine writes); 1 when none."""
    for r0 in range(len(values) - 1, -1, -1):
        if any(not is_blank(v) for v in values[r0][:last_column]):
            return r0 + 1
    return 1


def follow_used_rows(book: Book, sheet: str, last_column: int, *, print_columns: int | None = None,
                     minimum_row: int = 1) -> str:
    """Set the print area of ``sheet`` to its used rows (values in columns 1..``last_column``), ``print_columns``
    wide (default ``last_column``).  Returns the area."""
    last = max(minimum_row, last_used_row(book.read(sheet), last_column))
    area = f"A1:{column_letter(print_columns or last_column)}{last}"
    book.set_print_area(sheet, area)
    return area


def fit_problems(book: Book, rows: Sequence[Sequence[Any]], cleared: int) -> None:
    """Masalah after a write: heights for its ``rows`` (from row 2) and the ``cleared`` rows below them back to one
    line, and a print area that ends at the last problem (the header alone when there is none)."""
    sheet = layout.SHEET_PROBLEMS
    if rows:
        fit_rows(book, sheet, 2, rows, PROBLEM_WIDTHS)
    if cleared:
        book.set_row_height(sheet, 2 + len(rows), LINE_POINTS, cleared)
    book.set_print_area(sheet, f"A1:{column_letter(layout.PROBLEM_PRINT_LAST_COLUMN)}{max(2, len(rows) + 1)}")


def fit_report(book: Book, steps: int) -> None:
    """Laporan after a report: the print area down to the last used row of the printed columns.  Its rows' heights
    are set by :func:`lkj_xl.workbook.report_sheet.write_report` (``row_heights``), which knows each form's merged
    spans."""
    from lkj_xl.workbook.report_sheet import LAST_COL, ReportLayout

    sheet = layout.SHEET_REPORT
    values = book.read(sheet)
    last = max(ReportLayout(steps).last_row, last_used_row(values, LAST_COL))
    book.set_print_area(sheet, f"A1:{column_letter(LAST_COL)}{last}")


__all__ = ["fit_problems", "fit_report", "fit_rows", "follow_used_rows", "last_used_row", "row_height", "text_lines"]
