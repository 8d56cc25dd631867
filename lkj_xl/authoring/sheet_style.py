"""The builder's shared look and helpers: fonts, fills, borders, table style, headers, column widths, tables and
data validations, in one place for every sheet family (:mod:`lkj_xl.authoring.builder`,
:mod:`~lkj_xl.authoring.setup_sheets`, :mod:`~lkj_xl.authoring.step_sheets`)."""

from __future__ import annotations

from typing import Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo

from lkj_xl.core.validation import YEAR_MAX, YEAR_MIN
from lkj_xl.workbook import layout

# --- styles --------------------------------------------------------------------------------------------------------

TITLE = Font(bold=True, size=16, color="1F3864")
SUBTITLE = Font(bold=True, size=12, color="1F3864")
LABEL = Font(bold=True)
NOTE = Font(italic=True, color="595959")
SECONDARY = Font(color="808080", size=9)
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
COMPUTED_HEADER_FILL = PatternFill("solid", fgColor="7F7F7F")
COMPUTED_FILL = PatternFill("solid", fgColor="E7E6E6")
VALUE_FILL = PatternFill("solid", fgColor="DDEBF7")
WRAP = Alignment(wrap_text=True, vertical="top")
THIN = Side(style="thin", color="BFBFBF")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)

GREEN = (PatternFill("solid", fgColor="C6EFCE", bgColor="C6EFCE"), Font(color="006100"))
RED = (PatternFill("solid", fgColor="FFC7CE", bgColor="FFC7CE"), Font(color="9C0006", bold=True))
AMBER = (PatternFill("solid", fgColor="FFEB9C", bgColor="FFEB9C"), Font(color="9C5700"))

TABLE_STYLE = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)

SOURCE_PERPRES = "Perpres 21/2023"
SOURCE_SOP = "SOP 3.1.2.6"
SOURCE_PERMENPAN = "Permenpan RB 35/2012"


def header(ws, row: int, column: int, labels: Sequence[str], fill: PatternFill = HEADER_FILL) -> None:
    for offset, label in enumerate(labels):
        cell = ws.cell(row=row, column=column + offset, value=label)
        cell.font = HEADER_FONT
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        cell.border = BOX


def widths(ws, widths: dict[str, float]) -> None:
    for letter, width in widths.items():
        ws.column_dimensions[letter].width = width


def table(ws, name: str, first_row: int, first_col: int, last_row: int, last_col: int) -> None:
    ref = f"{get_column_letter(first_col)}{first_row}:{get_column_letter(last_col)}{last_row}"
    table = Table(displayName=name, ref=ref)
    table.tableStyleInfo = TABLE_STYLE
    ws.add_table(table)


def col_range(column: int, first_row: int, last_row: int) -> str:
    letter = get_column_letter(column)
    return f"{letter}{first_row}:{letter}{last_row}"


def validation(ws, sqref: str, kind: str, *, formula1: str | None = None, formula2: str | None = None,
                operator: str | None = None, error: str = "", title: str = "", prompt: str = "",
                style: str = "stop", allow_blank: bool = True) -> DataValidation:
    # Excel's limits (a longer text makes Excel "repair" the file): title 32, error 225, prompt 255 characters.
    title = title or "Isian tidak valid"
    assert len(title) <= 32 and len(error) <= 225 and len(prompt) <= 255, (title, error, prompt)
    dv = DataValidation(type=kind, formula1=formula1, formula2=formula2, operator=operator, allow_blank=allow_blank,
                        showErrorMessage=True, errorStyle=style, errorTitle=title,
                        error=error, showInputMessage=bool(prompt), promptTitle=title or None,
                        prompt=prompt or None)
    dv.add(sqref)
    ws.add_data_validation(dv)
    return dv


#: The example every note, input message and pop-up of the workbook gives: the month in letters cannot be swapped
#: with the day (an English-locale Excel reads "06/01/2026" as 1 June).
DATE_EXAMPLE = "6 Jan 2026"
DATETIME_EXAMPLE = "6 Jan 2026 08.00"


def date_validation(ws, sqref: str, what: str, *, with_time: bool = False) -> None:
    example = DATETIME_EXAMPLE if with_time else DATE_EXAMPLE
    validation(ws, sqref, "date", operator="between", formula1=f"DATE({YEAR_MIN},1,1)", formula2=f"DATE({YEAR_MAX},12,31)",
                title="Tanggal tidak valid", style="warning",
                error=f"{what} harus berupa tanggal antara 1 Januari {YEAR_MIN} dan 31 Desember {YEAR_MAX}, "
                      f"mis. {example}. Pilih 'Ya' untuk tetap menyimpan isian ini (akan diperiksa saat "
                      f"Validasi), 'Tidak' untuk memperbaikinya.",
                prompt=f"Ketik {'tanggal dan jam' if with_time else 'tanggal'}, mis. {example}: bulan ditulis dengan "
                       f"huruf agar hari dan bulan tidak tertukar.")


def add_name(wb: Workbook, name: str, sheet: str, ref: str) -> None:
    wb.defined_names[name] = DefinedName(name, attr_text=f"{layout.quote_sheet(sheet)}!{ref}")


def abs(column: int, first_row: int, last_row: int | None = None) -> str:
    letter = get_column_letter(column)
    if last_row is None:
        return f"${letter}${first_row}"
    return f"${letter}${first_row}:${letter}${last_row}"

