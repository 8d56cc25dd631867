"""The ``Laporan`` sheet: a fixed, print-ready template (built once) and the value blocks that fill it.

:func:`lkj_xl.authoring.report_template.build_report_template` (openpyxl, called once by the builder) lays out the sheet for an SOP of N steps:
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

from lkj_xl.workbook import layout
from lkj_xl.workbook.book import Book, cell_address, column_letter
from lkj_xl.core.report import Report

SHEET_REPORT = layout.SHEET_REPORT

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


__all__ = [
    "DATE_FORMAT",
    "DEFAULT_LAYOUT",
    "ReportLayout",
    "SHEET_REPORT",
    "report_blocks",
    "write_report",
]
