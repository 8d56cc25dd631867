"""The ``Laporan`` sheet's print-ready template, made once by the builder with openpyxl: fixed labels, formats,
merged cells, the chart and the A4 page set-up.  The engine later writes values only into it
(:func:`lkj_xl.workbook.report_sheet.write_report`), so refreshing never restyles the sheet.
"""

from __future__ import annotations

from typing import Any

from lkj_xl.workbook.book import cell_address, column_letter  # noqa: F401
from lkj_xl.workbook.report_sheet import (  # noqa: F401
    BODY_SIZE, CHART_DATA_COL, CHART_DATA_HEADERS, CHART_ROWS, CHART_TITLE, COLUMN_WIDTHS, CRITERIA_COLUMNS,
    DAYS_FORMAT, FIRST_COL, LAST_COL, MONITORING_COLUMNS, PRINT_TITLE_LINES, SIGNATURE_LEFT, SIGNATURE_RIGHT,
    SIGNATURE_ROWS, STEP_COLUMNS, STEPS_FIRST_ROW, STEPS_HEADER_ROW, STEPS_SECTION_ROW, SUMMARY_COL, SUMMARY_LABELS,
    TITLE_COL, TITLE_LINES, TITLE_ROW, ReportLayout,
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
    from openpyxl.formatting.rule import CellIsRule, FormulaRule
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.worksheet.pagebreak import Break, RowBreak
    from openpyxl.worksheet.page import PageMargins

    n = len(sop.steps)
    lay = ReportLayout(n)

    thin = Side(style="thin", color="808080")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    header_fill = PatternFill("solid", fgColor="D9E1F2")
    label_fill = PatternFill("solid", fgColor="F2F2F2")
    body = Font(size=BODY_SIZE)
    bold = Font(bold=True, size=BODY_SIZE)
    wrap_top = Alignment(wrap_text=True, vertical="top")
    wrap_center = Alignment(wrap_text=True, horizontal="center", vertical="center")
    center_top = Alignment(horizontal="center", vertical="top", wrap_text=True)

    for letter, width in COLUMN_WIDTHS.items():
        ws.column_dimensions[letter].width = width
    ws.sheet_view.showGridLines = False

    def merge(row: int, first: int, last_col: int) -> None:
        if last_col > first:
            ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last_col)

    def style_row(row: int, first: int, last_col: int, *, border: bool = True, fill: Any = None,
                  font: Any = body, align: Any = None) -> None:
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

    # Title block: placeholders until the first report.  Row 4 is the DRAF line (red, blank when no error).
    placeholders = (settings.government.upper(), settings.agency.upper(),
                    f"Laporan Pelaksanaan SOP {sop.nama}", "",
                    f"SOP Nomor {sop.nomor}, disahkan {sop.tanggal_pengesahan}", "",
                    "Laporan belum dibuat: klik tombol \"Buat Laporan\" pada tab LKj.")
    title_fonts = (Font(bold=True, size=13), Font(bold=True, size=13), Font(bold=True, size=12),
                   Font(bold=True, size=12, color="C00000"), Font(size=10), Font(size=10), Font(size=10, italic=True))
    title_heights = (20, 20, 20, 18, 15, 15, 15)
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

    def form(header_row: int, first_row: int, rows: int, spans: Any, centered: tuple[int, ...]) -> None:
        for text, first, last_col in spans:
            ws.cell(row=header_row, column=first, value=text)
            merge(header_row, first, last_col)
        style_row(header_row, FIRST_COL, LAST_COL, fill=header_fill, font=bold, align=wrap_center)
        ws.row_dimensions[header_row].height = 30
        for row in range(first_row, first_row + rows):
            for _, first, last_col in spans:
                merge(row, first, last_col)
            style_row(row, FIRST_COL, LAST_COL, align=wrap_top)
            for col in centered:
                ws.cell(row=row, column=col).alignment = center_top

    # A. Step table.
    section(STEPS_SECTION_ROW, "A. Pelaksanaan Langkah SOP")
    for i, text in enumerate(STEP_COLUMNS):
        ws.cell(row=STEPS_HEADER_ROW, column=1 + i, value=text)
    style_row(STEPS_HEADER_ROW, FIRST_COL, LAST_COL, fill=header_fill, font=bold, align=wrap_center)
    ws.row_dimensions[STEPS_HEADER_ROW].height = 30
    for row in range(STEPS_FIRST_ROW, lay.steps_last_row + 1):
        style_row(row, FIRST_COL, LAST_COL, align=wrap_top)
        ws.cell(row=row, column=1).alignment = center_top
        ws.row_dimensions[row].height = 45

    # Timeline data (outside the print area, visible: Excel plots only visible cells by default).
    ws.cell(row=STEPS_SECTION_ROW, column=CHART_DATA_COL, value="Data lini waktu, dalam hari (diisi otomatis)").font = \
        Font(italic=True, size=9, color="808080")
    for i, text in enumerate(CHART_DATA_HEADERS):
        ws.cell(row=STEPS_HEADER_ROW, column=CHART_DATA_COL + i, value=text)
    last_data_col = CHART_DATA_COL + len(CHART_DATA_HEADERS) - 1
    style_row(STEPS_HEADER_ROW, CHART_DATA_COL, last_data_col, fill=header_fill, font=Font(bold=True, size=8),
              align=wrap_center)
    for i, row in enumerate(range(STEPS_FIRST_ROW, lay.steps_last_row + 1)):
        ws.cell(row=row, column=CHART_DATA_COL, value=f"Langkah {sop.steps[i].number}")
        style_row(row, CHART_DATA_COL, last_data_col, font=Font(size=8), align=Alignment(vertical="top"))
        for col in range(CHART_DATA_COL + 1, last_data_col + 1):
            ws.cell(row=row, column=col).number_format = DAYS_FORMAT

    # B. Summary.
    section(lay.summary_section_row, "B. Ringkasan")
    for i, label in enumerate(SUMMARY_LABELS):
        row = lay.summary_row + i
        merge(row, FIRST_COL, SUMMARY_COL - 1)
        merge(row, SUMMARY_COL, LAST_COL)
        ws.cell(row=row, column=FIRST_COL, value=label)
        style_row(row, FIRST_COL, SUMMARY_COL - 1, fill=label_fill, font=bold, align=wrap_top)
        style_row(row, SUMMARY_COL, LAST_COL, align=wrap_top)
        ws.row_dimensions[row].height = 30

    # C. Monitoring (Permenpan RB 35/2012, Lampiran) and D. evaluation of the SOP's application.
    section(lay.eval_section_row, "C. Monitoring Pelaksanaan SOP (Permenpan RB Nomor 35 Tahun 2012)")
    form(lay.eval_header_row, lay.eval_first_row, n, MONITORING_COLUMNS, (1,))
    for row in range(lay.eval_first_row, lay.eval_last_row + 1):
        ws.row_dimensions[row].height = 45
    section(lay.criteria_section_row, "D. Evaluasi Penerapan SOP (Permenpan RB Nomor 35 Tahun 2012)")
    form(lay.criteria_header_row, lay.criteria_first_row, len(range(lay.criteria_first_row, lay.criteria_last_row + 1)),
         CRITERIA_COLUMNS, (1, CRITERIA_COLUMNS[2][1], CRITERIA_COLUMNS[3][1]))
    for row in range(lay.criteria_first_row, lay.criteria_last_row + 1):
        ws.row_dimensions[row].height = 18

    # Colours from the values (the values are written later; the rules stay).
    red, green, amber = Font(color="C00000", bold=True), Font(color="00703C"), Font(color="9C5700")
    status_range = f"I{STEPS_FIRST_ROW}:I{lay.steps_last_row}"
    verdict_col = column_letter(MONITORING_COLUMNS[2][1])
    verdict_range = f"{verdict_col}{lay.eval_first_row}:{verdict_col}{lay.eval_last_row}"
    for target, value, font in ((status_range, "Terlambat", red), (status_range, "Selesai terlambat", red),
                                (status_range, "Selesai tepat waktu", green), (status_range, "Berjalan", amber)):
        ws.conditional_formatting.add(target, CellIsRule(operator="equal", formula=[f'"{value}"'], font=font))
    first = f"{verdict_col}{lay.eval_first_row}"
    # "Tidak berjalan dengan baik" first: it also contains "berjalan dengan baik".
    ws.conditional_formatting.add(verdict_range, FormulaRule(formula=[f'LEFT({first},5)="Tidak"'], font=red,
                                                             stopIfTrue=True))
    ws.conditional_formatting.add(verdict_range, FormulaRule(formula=[f'LEFT({first},20)="Berjalan dengan baik"'],
                                                             font=green))

    # E. Timeline chart.
    section(lay.chart_section_row, f"E. {CHART_TITLE}")
    merge(lay.chart_note_row, FIRST_COL, LAST_COL)
    note = ws.cell(row=lay.chart_note_row, column=FIRST_COL)
    note.font, note.alignment = Font(size=9, italic=True), wrap_top
    from lkj_xl.authoring.report_chart import timeline_chart

    ws.add_chart(timeline_chart(ws, lay), cell_address(lay.chart_row, FIRST_COL))

    # Signature block: the head ("Mengetahui") on the left, the preparer with place and date on the right.
    for i in range(SIGNATURE_ROWS):
        row = lay.signature_row + i
        for first, last_col in (SIGNATURE_LEFT, SIGNATURE_RIGHT):
            merge(row, first, last_col)
            cell = ws.cell(row=row, column=first)
            cell.alignment = Alignment(horizontal="center", vertical="center")
            cell.font = Font(bold=True, underline="single", size=11) if i == SIGNATURE_ROWS - 3 else Font(size=11)
        ws.row_dimensions[row].height = 16
    ws.cell(row=lay.signature_row + 1, column=SIGNATURE_LEFT[0], value="Mengetahui,")
    ws.cell(row=lay.signature_row + 1, column=SIGNATURE_RIGHT[0], value="Penyusun laporan,")
    ws.cell(row=lay.signature_row + 2, column=SIGNATURE_LEFT[0], value=sop.disahkan_oleh)

    # Print: A4 landscape, one page wide, the title rows (with the DRAF line) on every page, agency and page
    # numbers in header/footer.
    ws.print_area = lay.print_area
    ws.print_title_rows = f"{TITLE_ROW}:{TITLE_ROW + PRINT_TITLE_LINES - 1}"
    fit_a4(ws, "landscape", centered=True)
    ws.page_margins = PageMargins(left=0.5, right=0.5, top=0.75, bottom=0.75, header=0.3, footer=0.3)
    ws.oddHeader.center.text = settings.agency
    ws.oddHeader.center.size = 9
    ws.oddFooter.left.text = f"SOP {sop.nomor} {sop.nama}"
    ws.oddFooter.left.size = 8
    ws.oddFooter.center.text = "Halaman &P dari &N"
    ws.oddFooter.center.size = 8
    # Page breaks: steps + summary; the two forms; the timeline + signature.
    breaks = RowBreak()
    breaks.append(Break(id=lay.eval_section_row - 1))
    breaks.append(Break(id=lay.chart_section_row - 1))
    ws.row_breaks = breaks
