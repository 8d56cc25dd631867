"""The ``Laporan`` sheet's print-ready template, made once by the builder with openpyxl: fixed labels, formats,
merged cells, the chart and the A4 page set-up.  The engine later writes values only into it
(:func:`lkj_xl.workbook.report_sheet.write_report`), so refreshing never restyles the sheet.
"""

from __future__ import annotations

from typing import Any

from lkj_xl.workbook.book import cell_address, column_letter  # noqa: F401
from lkj_xl.workbook.report_sheet import (  # noqa: F401
    STEPS_COL, STEPS_FIRST_ROW, TITLE_COL, TITLE_ROW, CHART_DATA_COL, CHART_DATA_HEADERS, CHART_TITLE, COLUMN_WIDTHS, DATE_FORMAT, EVAL_ACTION_COL, EVAL_COL, EVAL_COLUMNS, EVAL_NOTE_COL, FIRST_COL, HOURS_FORMAT, LAST_COL, ReportLayout, SIGNATURE_COL, SIGNATURE_ROWS, STEPS_HEADER_ROW, STEPS_SECTION_ROW, STEP_COLUMNS, STEP_DATE_COLUMNS, SUMMARY_COL, SUMMARY_LABELS, TITLE_LINES,
)


def fit_a4(ws, orientation: str, *, centered: bool = False) -> None:
    """Print setup shared by the tracker's sheets: A4 in ``orientation``, one page wide, as many pages tall as
    needed."""
    ws.page_setup.orientation = orientation
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if centered:
        ws.print_options.horizontalCentered = True


def build_report_template(ws: Any, sop: Any, settings: Any) -> None:
    """Lay out the ``Laporan`` sheet on an empty openpyxl worksheet for ``sop``'s steps.

    Values are placeholders until :func:`write_report` runs; formats, merges, chart and print settings are final.
    """
    from openpyxl.chart import BarChart, Reference
    from openpyxl.chart.axis import ChartLines
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.worksheet.pagebreak import Break, RowBreak
    from openpyxl.worksheet.page import PageMargins

    n = len(sop.steps)
    lay = ReportLayout(n)

    thin = Side(style="thin", color="808080")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    header_fill = PatternFill("solid", fgColor="D9E1F2")
    label_fill = PatternFill("solid", fgColor="F2F2F2")
    wrap_top = Alignment(wrap_text=True, vertical="top")
    wrap_center = Alignment(wrap_text=True, horizontal="center", vertical="center")
    bold = Font(bold=True)

    for letter, width in COLUMN_WIDTHS.items():
        ws.column_dimensions[letter].width = width
    ws.sheet_view.showGridLines = False

    def merge(row: int, first: int, last_col: int) -> None:
        if last_col > first:
            ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last_col)

    def style_row(row: int, first: int, last_col: int, *, border: bool = True, fill: Any = None,
                  font: Any = None, align: Any = None) -> None:
        for col in range(first, last_col + 1):
            cell = ws.cell(row=row, column=col)
            if border:
                cell.border = box
            if fill is not None:
                cell.fill = fill
            if font is not None:
                cell.font = font
            if align is not None:
                cell.alignment = align

    # Title block: placeholders until the first report.
    placeholders = (settings.government.upper(), settings.agency.upper(),
                    f"Laporan Pelaksanaan SOP {sop.nama}", f"SOP Nomor {sop.nomor}, disahkan {sop.tanggal_pengesahan}",
                    "", "Laporan belum dibuat: klik tombol \"Buat Laporan\" pada tab LKj.")
    title_fonts = (Font(bold=True, size=13), Font(bold=True, size=13), Font(bold=True, size=12), Font(size=10),
                   Font(size=10), Font(size=10, italic=True))
    title_heights = (20, 20, 20, 16, 16, 16)
    for i in range(TITLE_LINES):
        row = TITLE_ROW + i
        merge(row, FIRST_COL, LAST_COL)
        cell = ws.cell(row=row, column=TITLE_COL, value=placeholders[i] or None)
        cell.font = title_fonts[i]
        cell.alignment = Alignment(horizontal="center", vertical="center")
        ws.row_dimensions[row].height = title_heights[i]

    def section(row: int, text: str) -> None:
        cell = ws.cell(row=row, column=FIRST_COL, value=text)
        cell.font = Font(bold=True, size=11)
        ws.row_dimensions[row].height = 20

    # Step table.
    section(STEPS_SECTION_ROW, "A. Pelaksanaan Langkah SOP")
    for i, text in enumerate(STEP_COLUMNS):
        ws.cell(row=STEPS_HEADER_ROW, column=STEPS_COL + i, value=text)
    style_row(STEPS_HEADER_ROW, FIRST_COL, LAST_COL, fill=header_fill, font=bold, align=wrap_center)
    ws.row_dimensions[STEPS_HEADER_ROW].height = 30
    for row in range(STEPS_FIRST_ROW, lay.steps_last_row + 1):
        style_row(row, FIRST_COL, LAST_COL, align=wrap_top)
        ws.cell(row=row, column=1).alignment = Alignment(horizontal="center", vertical="top")
        for col in STEP_DATE_COLUMNS:
            ws.cell(row=row, column=col).number_format = DATE_FORMAT
        ws.row_dimensions[row].height = 45

    # Chart data (outside the print area, visible: Excel plots only visible cells by default).
    ws.cell(row=STEPS_SECTION_ROW, column=CHART_DATA_COL, value="Data grafik (diisi otomatis)").font = Font(
        italic=True, size=9, color="808080")
    for i, text in enumerate(CHART_DATA_HEADERS):
        ws.cell(row=STEPS_HEADER_ROW, column=CHART_DATA_COL + i, value=text)
    style_row(STEPS_HEADER_ROW, CHART_DATA_COL, CHART_DATA_COL + 2, fill=header_fill, font=bold, align=wrap_center)
    for i, row in enumerate(range(STEPS_FIRST_ROW, lay.steps_last_row + 1)):
        ws.cell(row=row, column=CHART_DATA_COL, value=f"Langkah {sop.steps[i].number}")
        style_row(row, CHART_DATA_COL, CHART_DATA_COL + 2, align=Alignment(vertical="top"))
        for col in (CHART_DATA_COL + 1, CHART_DATA_COL + 2):
            ws.cell(row=row, column=col).number_format = HOURS_FORMAT

    # Summary.
    section(lay.summary_section_row, "B. Ringkasan")
    for i, label in enumerate(SUMMARY_LABELS):
        row = lay.summary_row + i
        merge(row, FIRST_COL, SUMMARY_COL - 1)
        merge(row, SUMMARY_COL, LAST_COL)
        ws.cell(row=row, column=FIRST_COL, value=label)
        style_row(row, FIRST_COL, SUMMARY_COL - 1, fill=label_fill, font=bold, align=wrap_top)
        style_row(row, SUMMARY_COL, LAST_COL, align=wrap_top)
        ws.row_dimensions[row].height = 32

    # Evaluation (Permenpan RB 35/2012: monitoring dan evaluasi penerapan SOP).
    section(lay.eval_section_row, "C. Evaluasi Penerapan SOP (Permenpan RB Nomor 35 Tahun 2012)")
    spans = ((EVAL_COL, EVAL_COL), (EVAL_COL + 1, EVAL_COL + 1), (EVAL_COL + 2, EVAL_NOTE_COL - 1),
             (EVAL_NOTE_COL, EVAL_ACTION_COL - 1), (EVAL_ACTION_COL, LAST_COL))
    for (first, last_col), text in zip(spans, EVAL_COLUMNS):
        ws.cell(row=lay.eval_header_row, column=first, value=text)
        merge(lay.eval_header_row, first, last_col)
    style_row(lay.eval_header_row, FIRST_COL, LAST_COL, fill=header_fill, font=bold, align=wrap_center)
    ws.row_dimensions[lay.eval_header_row].height = 30
    for row in range(lay.eval_first_row, lay.eval_last_row + 1):
        for first, last_col in spans:
            merge(row, first, last_col)
        style_row(row, FIRST_COL, LAST_COL, align=wrap_top)
        ws.cell(row=row, column=1).alignment = Alignment(horizontal="center", vertical="top")
        ws.row_dimensions[row].height = 45

    # Status colours (values written later; the rules stay).
    red, green, amber = Font(color="C00000", bold=True), Font(color="00703C"), Font(color="9C5700")
    status_range = f"I{STEPS_FIRST_ROW}:I{lay.steps_last_row}"
    verdict_range = f"C{lay.eval_first_row}:C{lay.eval_last_row}"
    for target, value, font in ((status_range, "Terlambat", red), (status_range, "Selesai terlambat", red),
                                (status_range, "Selesai tepat waktu", green), (status_range, "Berjalan", amber),
                                (verdict_range, "Tidak berjalan dengan baik", red),
                                (verdict_range, "Berjalan dengan baik", green)):
        ws.conditional_formatting.add(target, CellIsRule(operator="equal", formula=[f'"{value}"'], font=font))

    # Chart: standard vs actual working hours per step, reading the chart data cells.
    section(lay.chart_section_row, f"D. Grafik {CHART_TITLE}")
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "clustered"
    chart.title = CHART_TITLE
    chart.y_axis.title = "Jam kerja"
    chart.x_axis.title = "Langkah"
    chart.x_axis.delete = False  # openpyxl 3.1 hides axes unless told otherwise
    chart.y_axis.delete = False
    chart.legend.position = "b"
    data = Reference(ws, min_col=CHART_DATA_COL + 1, max_col=CHART_DATA_COL + 2, min_row=STEPS_HEADER_ROW,
                     max_row=lay.steps_last_row)
    cats = Reference(ws, min_col=CHART_DATA_COL, min_row=STEPS_FIRST_ROW, max_row=lay.steps_last_row)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(cats)
    chart.y_axis.number_format = "0"
    chart.y_axis.majorGridlines = ChartLines()
    chart.width = 30  # cm
    chart.height = 11
    ws.add_chart(chart, cell_address(lay.chart_row, FIRST_COL))

    # Signature block.
    for i in range(SIGNATURE_ROWS):
        row = lay.signature_row + i
        merge(row, SIGNATURE_COL, LAST_COL)
        cell = ws.cell(row=row, column=SIGNATURE_COL)
        cell.alignment = Alignment(horizontal="center", vertical="center")
        if i == SIGNATURE_ROWS - 2:
            cell.font = Font(bold=True, underline="single")
    ws.cell(row=lay.signature_row + 1, column=SIGNATURE_COL, value="Mengetahui,")
    ws.cell(row=lay.signature_row + 2, column=SIGNATURE_COL, value=sop.disahkan_oleh)

    # Print: A4 landscape, one page wide, title rows repeated, agency and page numbers in header/footer.
    ws.print_area = lay.print_area
    ws.print_title_rows = f"{TITLE_ROW}:{TITLE_ROW + 2}"
    fit_a4(ws, "landscape", centered=True)
    ws.page_margins = PageMargins(left=0.5, right=0.5, top=0.75, bottom=0.75, header=0.3, footer=0.3)
    ws.oddHeader.center.text = settings.agency
    ws.oddHeader.center.size = 9
    ws.oddFooter.left.text = f"SOP {sop.nomor} {sop.nama}"
    ws.oddFooter.left.size = 8
    ws.oddFooter.center.text = "Halaman &P dari &N"
    ws.oddFooter.center.size = 8
    # Page breaks keep the step table + summary, the evaluation, and the chart + signature each on their own page.
    breaks = RowBreak()
    breaks.append(Break(id=lay.eval_section_row - 1))
    breaks.append(Break(id=lay.chart_section_row - 1))
    ws.row_breaks = breaks
