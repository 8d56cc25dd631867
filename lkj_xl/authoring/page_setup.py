"""The page set-up of every sheet people may print, made once by the builder (and so by ``lkj upgrade``, which
builds the new workbook with it): A4, one page wide, the header rows of the sheet's table repeated on every page,
the orientation its width needs, the sheet's name and the page number in the header and footer.

Beranda and Laporan get theirs with their own layout (:mod:`lkj_xl.authoring.builder`,
:mod:`lkj_xl.authoring.report_template`); on Masalah, Riwayat and Laporan the engine moves the print area to the used
rows at each write (:mod:`lkj_xl.workbook.printing`).  The people's sheets (SOP, Pengaturan, Hari Libur, Pegawai,
Langkah N) get no print area: a row people add is printed with the others, and LibreOffice and Excel both stop at
the last cell with content or a visible format.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lkj_xl.workbook import layout


@dataclass(frozen=True)
class PageSetup:
    orientation: str  # "portrait" / "landscape"
    title_rows: str | None  # rows repeated at the top of every page, "3:3"


def page_setups(sheet_names: list[str]) -> dict[str, PageSetup]:
    """Sheet -> its page set-up, for the sheets of a tracker that this module sets up."""
    setups = {
        layout.SHEET_SOP: PageSetup("landscape", f"{layout.SOP_TABLE_HEADER_ROW}:{layout.SOP_TABLE_HEADER_ROW}"),
        layout.SHEET_SETTINGS: PageSetup("landscape", None),
        layout.SHEET_HOLIDAYS: PageSetup("portrait", f"{layout.LIST_HEADER_ROW}:{layout.LIST_HEADER_ROW}"),
        layout.SHEET_STAFF: PageSetup("landscape", f"{layout.LIST_HEADER_ROW}:{layout.LIST_HEADER_ROW}"),
        layout.SHEET_EVALUATION: PageSetup("landscape",
                                           f"{layout.EVALUATION_HEADER_ROW}:{layout.EVALUATION_HEADER_ROW}"),
        layout.SHEET_PROBLEMS: PageSetup("landscape", "1:1"),
        layout.SHEET_HISTORY: PageSetup("landscape", "1:1"),
        layout.SHEET_CLOSED: PageSetup("landscape", "1:1"),
    }
    header = layout.STEP_TABLE_HEADER_ROW
    for name in sheet_names:
        if layout.step_of_sheet(name) is not None:
            setups[name] = PageSetup("landscape", f"{header}:{header}")
    return {name: setup for name, setup in setups.items() if name in sheet_names}


def apply_page_setup(wb: Any) -> list[str]:
    """Give each printable sheet of the openpyxl workbook ``wb`` its page set-up; returns the sheets set up."""
    from openpyxl.utils import get_column_letter

    from lkj_xl.authoring.report_template import fit_a4

    done = []
    for name, setup in page_setups(wb.sheetnames).items():
        ws = wb[name]
        fit_a4(ws, setup.orientation)
        if setup.title_rows:
            ws.print_title_rows = setup.title_rows
        ws.oddHeader.center.text = "&A"  # the sheet's name
        ws.oddHeader.center.size = 9
        ws.oddFooter.right.text = "Halaman &P dari &N"
        ws.oddFooter.right.size = 8
        done.append(name)
    # the engine's lists start empty: their print area is the header row (refresh moves it with the rows it writes)
    for name, last_col in ((layout.SHEET_PROBLEMS, layout.PROBLEM_PRINT_LAST_COLUMN),
                           (layout.SHEET_HISTORY, len(layout.HISTORY_HEADERS)),
                           (layout.SHEET_CLOSED, len(layout.CLOSED_HEADERS) - 1)):
        if name in wb.sheetnames:
            wb[name].print_area = f"A1:{get_column_letter(last_col)}2"
    if layout.SHEET_SOP in wb.sheetnames:
        fit_table_rows(wb[layout.SHEET_SOP], layout.SOP_TABLE_HEADER_ROW)
    return done


def fit_table_rows(ws: Any, header_row: int) -> None:
    """The rows the builder filled below ``header_row`` (up to the first empty one) as tall as their wrapped text
    needs: LibreOffice shows a row without a height at one line and the text of its wrapped cells overlaps.  Only
    the builder does this, when it makes the sheet; afterwards these rows are people's."""
    from lkj_xl.workbook.printing import LINE_POINTS, row_height

    widths = {letter: dim.width for letter, dim in ws.column_dimensions.items() if dim.width}
    row = header_row + 1
    while row <= ws.max_row and any(c.value is not None for c in ws[row]):
        values = [c.value for c in ws[row]]
        height = row_height(values, 1, widths)
        if height > LINE_POINTS:
            ws.row_dimensions[row].height = height
        row += 1


__all__ = ["PageSetup", "apply_page_setup", "fit_table_rows", "page_setups"]
