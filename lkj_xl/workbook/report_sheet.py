"""The ``Laporan`` sheet: a fixed, print-ready template (built once) and the value blocks that fill it.

:func:`build_report_template` (openpyxl, called once by the builder) lays out the sheet for an SOP of N steps:
title block, step table, summary, Permenpan RB 35/2012 evaluation table, a native clustered bar chart and the
signature block, with every format, merge, border and print setting.  :func:`report_blocks` turns a
:class:`~lkj_xl.core.report.Report` into the value blocks that fill it; every value cell of the template is in a block
every time, so writing a report twice gives the same sheet and a report for another cycle replaces the previous one
completely.  :func:`write_report` writes them through the :class:`~lkj_xl.workbook.book.Book` interface (8 ``write`` calls,
whatever the data), so it works the same on a file (openpyxl) and in Excel (xlwings).

Cell map for N steps (N = 8 for SOP 3.1.2.6: see :data:`DEFAULT_LAYOUT`); rows below the step table move with N::

    A1:A6            title block: government, agency, title, SOP line, deadline line, as-of line (each merged A:J)
    A9:J9            step table header (static)
    A10:J(9+N)       step rows: No, Uraian, Pelaksana, Diterima, Selesai, Standar Waktu, Waktu Aktual,
                     Batas Waktu, Status, Keterlambatan
    L9:N9            chart data header (static): Langkah, Standar (jam kerja), Aktual (jam kerja)
    L10:N(9+N)       chart data rows (outside the print area; the chart's series read these cells)
    C(12+N):C(14+N)  summary values (each merged C:J; labels in A:B are static)
    A(17+N)...       evaluation header; rows from (18+N): A:C No, Uraian, Penilaian; D (D:F) Catatan;
                     G (G:J) Tindakan yang harus diambil
    A(20+2N)         chart anchor (CHART_ROWS rows reserved)
    H(21+2N+CHART_ROWS)...  signature block, 8 rows (each merged H:J): place/date, "Mengetahui,", jabatan,
                     3 blank rows for the signature, name, NIP

Datetimes are written as datetimes; the template gives those cells the Indonesian format :data:`DATE_FORMAT`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lkj_xl.workbook.book import Book, cell_address, column_letter
from lkj_xl.core.report import Report

#: The sheet's name (equal to ``lkj_xl.workbook.layout.SHEET_REPORT``).
SHEET_REPORT = "Laporan"

#: Number format of every date cell: Indonesian month names ("31 Maret 2026 16:00").
DATE_FORMAT = "[$-421]dd mmmm yyyy hh:mm"
HOURS_FORMAT = "0.00"

# --- fixed addresses (independent of the number of steps) -------------------------------------------------------

FIRST_COL = 1  # A
LAST_COL = 10  # J: the printed width
TITLE_ROW, TITLE_COL = 1, 1  # A1: 6 rows x 1 column
TITLE_LINES = 6
STEPS_SECTION_ROW = 8
STEPS_HEADER_ROW = 9
STEPS_FIRST_ROW, STEPS_COL = 10, 1  # A10: N rows x 10 columns
STEP_COLUMNS = ("No", "Uraian Kegiatan", "Pelaksana", "Diterima", "Selesai", "Standar Waktu", "Waktu Aktual",
                "Batas Waktu", "Status", "Keterlambatan")
STEP_DATE_COLUMNS = (4, 5, 8)  # D, E, H (1-based sheet columns)
CHART_DATA_COL = 12  # L: N rows x 3 columns (label, standard hours, actual hours), rows aligned with the steps
CHART_DATA_HEADERS = ("Langkah", "Standar (jam kerja)", "Aktual (jam kerja)")
SUMMARY_COL = 3  # C (values, merged C:J); labels in A:B
SUMMARY_LABELS = ("Ketepatan waktu", "Penyampaian LKj", "Kesimpulan")
EVAL_COLUMNS = ("No", "Uraian Kegiatan", "Penilaian", "Catatan", "Tindakan yang harus diambil")
EVAL_COL = 1  # A: No, Uraian, Penilaian
EVAL_NOTE_COL = 4  # D (merged D:F): Catatan
EVAL_ACTION_COL = 7  # G (merged G:J): Tindakan
SIGNATURE_COL = 8  # H (merged H:J)
SIGNATURE_ROWS = 8  # place/date, Mengetahui, jabatan, 3 blank, name, NIP
CHART_ROWS = 20  # rows reserved for the chart
CHART_TITLE = "Standar dan Aktual Waktu Kerja per Langkah"

#: Date columns (D, E, H) are wide enough for the longest Indonesian date: "30 September 2026 16:00".
COLUMN_WIDTHS = {"A": 5, "B": 36, "C": 24, "D": 22, "E": 22, "F": 20, "G": 17, "H": 22, "I": 17, "J": 16,
                 "K": 3, "L": 12, "M": 19, "N": 19}


@dataclass(frozen=True)
class ReportLayout:
    """Row numbers of the template for an SOP of ``steps`` steps."""

    steps: int

    @property
    def steps_last_row(self) -> int:
        return STEPS_FIRST_ROW + self.steps - 1

    @property
    def summary_section_row(self) -> int:
        return self.steps_last_row + 2

    @property
    def summary_row(self) -> int:
        return self.summary_section_row + 1

    @property
    def eval_section_row(self) -> int:
        return self.summary_row + len(SUMMARY_LABELS) + 1

    @property
    def eval_header_row(self) -> int:
        return self.eval_section_row + 1

    @property
    def eval_first_row(self) -> int:
        return self.eval_header_row + 1

    @property
    def eval_last_row(self) -> int:
        return self.eval_first_row + self.steps - 1

    @property
    def chart_section_row(self) -> int:
        return self.eval_last_row + 2

    @property
    def chart_row(self) -> int:
        return self.chart_section_row + 1

    @property
    def signature_row(self) -> int:
        return self.chart_row + CHART_ROWS + 1

    @property
    def last_row(self) -> int:
        return self.signature_row + SIGNATURE_ROWS - 1

    @property
    def print_area(self) -> str:
        return f"A1:{column_letter(LAST_COL)}{self.last_row}"

    def cells(self) -> dict[str, str]:
        """Block name -> top-left address (for documentation, tests and other modules)."""
        return {
            "title": cell_address(TITLE_ROW, TITLE_COL),
            "steps": cell_address(STEPS_FIRST_ROW, STEPS_COL),
            "chart_data": cell_address(STEPS_FIRST_ROW, CHART_DATA_COL),
            "summary": cell_address(self.summary_row, SUMMARY_COL),
            "evaluation": cell_address(self.eval_first_row, EVAL_COL),
            "evaluation_notes": cell_address(self.eval_first_row, EVAL_NOTE_COL),
            "evaluation_actions": cell_address(self.eval_first_row, EVAL_ACTION_COL),
            "chart": cell_address(self.chart_row, FIRST_COL),
            "signature": cell_address(self.signature_row, SIGNATURE_COL),
        }


#: The layout for SOP 3.1.2.6 (8 steps): steps A10:J17, chart data L10:N17, summary C20:C22, evaluation A26 / D26 /
#: G26 (rows 26-33), chart at A36, signature H57:H64.
DEFAULT_LAYOUT = ReportLayout(8)


# --- the values --------------------------------------------------------------------------------------------------

Block = tuple[int, int, list[list[Any]]]


def report_blocks(report: Report) -> list[Block]:
    """The (row, column, values) blocks that fill the template for ``report``; every value cell, every time."""
    layout = ReportLayout(len(report.rows))
    title = [[line] for line in report.title_lines]

    steps = []
    for row in report.rows:
        due: Any = row.due if row.due is not None else (None if row.has_standard else "-")
        steps.append([row.number, row.uraian, row.pelaksana, row.received, row.completed, row.standard, row.actual,
                      due, row.status_label, row.lateness])

    chart = [[p.label, p.standard_hours, p.actual_hours] for p in report.chart]

    s = report.summary
    summary = [[s.on_time], [s.delivery], [s.verdict]]

    evals = [[e.number, e.uraian, e.verdict] for e in report.evaluations]
    notes = [[e.catatan or "-"] for e in report.evaluations]
    actions = [[e.tindakan] for e in report.evaluations]

    g = report.signature
    signature = [[g.place_date], [g.acknowledged], [g.jabatan], [None], [None], [None], [g.name], [g.nip]]

    return [
        (TITLE_ROW, TITLE_COL, title),
        (STEPS_FIRST_ROW, STEPS_COL, steps),
        (STEPS_FIRST_ROW, CHART_DATA_COL, chart),
        (layout.summary_row, SUMMARY_COL, summary),
        (layout.eval_first_row, EVAL_COL, evals),
        (layout.eval_first_row, EVAL_NOTE_COL, notes),
        (layout.eval_first_row, EVAL_ACTION_COL, actions),
        (layout.signature_row, SIGNATURE_COL, signature),
    ]


def write_report(book: Book, report: Report) -> None:
    """Fill the ``Laporan`` sheet: one ``write`` per block (8 calls, whatever the data)."""
    for row, col, values in report_blocks(report):
        book.write(SHEET_REPORT, row, col, values)


# --- the template (openpyxl; built once) -------------------------------------------------------------------------


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


__all__ = [
    "DATE_FORMAT",
    "DEFAULT_LAYOUT",
    "ReportLayout",
    "SHEET_REPORT",
    "build_report_template",
    "report_blocks",
    "write_report",
]
