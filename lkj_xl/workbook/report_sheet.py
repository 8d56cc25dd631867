"""The ``Laporan`` sheet: a fixed, print-ready template (built once) and the value blocks that fill it.

:func:`lkj_xl.authoring.report_template.build_report_template` (openpyxl, called once by the builder) lays out the
sheet for an SOP of N steps: title block, step table, summary, the Permenpan RB 35/2012 monitoring form and SOP
application evaluation form, a Gantt-style timeline chart and the two-party signature block, with every format,
merge, border and print setting.  :func:`report_blocks` turns a :class:`~lkj_xl.core.report.Report` into the value
blocks that fill it; every value cell of the template is in a block every time, so writing a report twice gives the
same sheet and a report for another cycle replaces the previous one completely.  :func:`write_report` writes them
through the :class:`~lkj_xl.workbook.book.Book` interface (one ``write`` per block, whatever the data), then sets the
height of each row whose text wraps (:func:`row_heights`; row heights on the engine's own sheets are an allowed
edit), so it works the same on a file and in Excel.

Cell map for N steps (N = 8 for SOP 3.1.2.6: see :data:`DEFAULT_LAYOUT`); rows below the step table move with N::

    A1:A7            title block (each merged A:J): government, agency, title, DRAF line (blank when validation
                     found no error), SOP line, deadline line, as-of line; rows 1-4 repeat on every printed page
    A10:J10          step table header (static)
    A11:J(10+N)      step rows: No, Uraian Kegiatan (whole), Pelaksana, Diterima, Selesai, Standar Waktu, Waktu
                     Aktual, Batas Waktu, Status, Keterlambatan (instants as text: "5 Januari 2026 08.04")
    L10:Q10          timeline data header (static); L11:Q(10+N) one row per step: label, offset and the four
                     segments (outside the print area; the chart's series read these cells)
    C(13+N)...       summary values (4 rows, each merged C:J; labels in A:B are static)
    monitoring       Permenpan RB 35/2012 monitoring form: No (A), Prosedur (B:C), Penilaian terhadap Penerapan (D),
                     Catatan Hasil Penilaian (E:F), Tindakan yang Harus Diambil (G:I), Paraf Penilai (J, by hand)
    criteria         evaluation of the SOP's application, 7 rows: No (A), Penilaian terhadap Penerapan (B:D), Ya (E),
                     Tidak (F), Catatan (G:J)
    timeline         a note (merged A:J), then the chart (CHART_ROWS rows reserved)
    signature        9 rows: place/date (right), "Mengetahui," / "Penyusun laporan," jabatan, 3 blank rows to sign,
                     name, pangkat/golongan, NIP; the head on the left (B:D), the preparer on the right (G:J)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lkj_xl.core.report_timeline import SERIES
from lkj_xl.core.signature import BLANK_LINE, Signer
from lkj_xl.workbook import layout
from lkj_xl.workbook.book import Book, cell_address, column_letter
from lkj_xl.core.report import Report

SHEET_REPORT = layout.SHEET_REPORT

#: Number format of the template's date cells (the report writes instants as text; kept for older callers).
DATE_FORMAT = layout.DATETIME_FORMAT
DAYS_FORMAT = "0.0"

# --- fixed addresses (independent of the number of steps) -------------------------------------------------------

FIRST_COL = 1  # A
LAST_COL = 10  # J: the printed width
TITLE_ROW, TITLE_COL = 1, 1  # A1: 7 rows x 1 column
TITLE_LINES = 7
#: Rows repeated at the top of every printed page: government, agency, title and the DRAF line.
PRINT_TITLE_LINES = 4
DRAFT_ROW = TITLE_ROW + 3
STEPS_SECTION_ROW = 9
STEPS_HEADER_ROW = 10
STEPS_FIRST_ROW, STEPS_COL = 11, 1  # A11: N rows x 10 columns
STEP_COLUMNS = ("No", "Uraian Kegiatan", "Pelaksana", "Diterima", "Selesai", "Standar Waktu", "Waktu Aktual",
                "Batas Waktu", "Status", "Keterlambatan")
STEP_DATE_COLUMNS = (4, 5, 8)  # D, E, H (1-based sheet columns)
CHART_DATA_COL = 12  # L: N rows x 6 columns (label, offset, 4 segments), rows aligned with the steps
CHART_DATA_HEADERS = ("Langkah",) + SERIES
SUMMARY_COL = 3  # C (values, merged C:J); labels in A:B
SUMMARY_LABELS = ("Ketepatan waktu", "Penyampaian LKj", "Kesimpulan", "Penilaian")
#: The monitoring form (Permenpan RB 35/2012, Lampiran): header text and (first, last) columns of each.
MONITORING_COLUMNS = (("No", 1, 1), ("Prosedur", 2, 3), ("Penilaian terhadap Penerapan", 4, 4),
                      ("Catatan Hasil Penilaian", 5, 6), ("Tindakan yang Harus Diambil", 7, 9),
                      ("Paraf Penilai", 10, 10))
#: The evaluation of the SOP's application: seven criteria, Ya / Tidak and Catatan.
CRITERIA_COLUMNS = (("No", 1, 1), ("Penilaian terhadap Penerapan", 2, 4), ("Ya", 5, 5), ("Tidak", 6, 6),
                    ("Catatan", 7, 10))
CRITERIA_COUNT = 7
SIGNATURE_LEFT = (2, 4)  # B:D, "Mengetahui": the head
SIGNATURE_RIGHT = (7, 10)  # G:J, the preparer
SIGNATURE_ROWS = 9  # place/date, role line, jabatan, 3 blank, name, pangkat, NIP
CHART_ROWS = 22  # rows reserved for the chart
CHART_TITLE = "Lini Waktu Pelaksanaan per Langkah"

COLUMN_WIDTHS = {"A": 5, "B": 34, "C": 22, "D": 22, "E": 22, "F": 18, "G": 17, "H": 22, "I": 17, "J": 16,
                 "K": 3, "L": 44, "M": 9, "N": 11, "O": 11, "P": 11, "Q": 11}
#: Body text size on the sheet (points) and the row height of one line of it.
BODY_SIZE = 10
LINE_HEIGHT = 13.0


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
        """The monitoring form's section title."""
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
    def criteria_section_row(self) -> int:
        return self.eval_last_row + 2

    @property
    def criteria_header_row(self) -> int:
        return self.criteria_section_row + 1

    @property
    def criteria_first_row(self) -> int:
        return self.criteria_header_row + 1

    @property
    def criteria_last_row(self) -> int:
        return self.criteria_first_row + CRITERIA_COUNT - 1

    @property
    def chart_section_row(self) -> int:
        return self.criteria_last_row + 2

    @property
    def chart_note_row(self) -> int:
        return self.chart_section_row + 1

    @property
    def chart_row(self) -> int:
        return self.chart_note_row + 1

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
            "draft": cell_address(DRAFT_ROW, TITLE_COL),
            "steps": cell_address(STEPS_FIRST_ROW, STEPS_COL),
            "chart_data": cell_address(STEPS_FIRST_ROW, CHART_DATA_COL),
            "summary": cell_address(self.summary_row, SUMMARY_COL),
            "monitoring": cell_address(self.eval_first_row, 1),
            "criteria": cell_address(self.criteria_first_row, 1),
            "chart_note": cell_address(self.chart_note_row, 1),
            "chart": cell_address(self.chart_row, FIRST_COL),
            "signature": cell_address(self.signature_row, 1),
        }


#: The layout for SOP 3.1.2.6 (8 steps).
DEFAULT_LAYOUT = ReportLayout(8)


# --- the values --------------------------------------------------------------------------------------------------

Block = tuple[int, int, list[list[Any]]]


def _form_blocks(first_row: int, rows: list[list[Any]], spans: tuple[tuple[str, int, int], ...]) -> list[Block]:
    """A form's rows as one column block per span (the value in the span's first column: merged-away cells are
    never written)."""
    return [(first_row, first, [[row[i]] for row in rows]) for i, (_, first, _) in enumerate(spans)]


def _signer_lines(signer: Signer) -> list[str]:
    """Name, pangkat/golongan, NIP: a missing one is a line to write on by hand (validation warned about it)."""
    return [signer.name or BLANK_LINE, signer.rank or BLANK_LINE,
            f"NIP. {signer.nip}" if signer.nip else f"NIP. {BLANK_LINE}"]


def report_blocks(report: Report) -> list[Block]:
    """The (row, column, values) blocks that fill the template for ``report``; every value cell, every time."""
    layout_ = ReportLayout(len(report.rows))
    title = [[line or None] for line in report.title_lines]

    steps = [[row.number, row.uraian, row.pelaksana, row.received or None, row.completed or None, row.standard,
              row.actual, row.due or None, row.status_label, row.lateness] for row in report.rows]
    chart = [[bar.label, *bar.values()] for bar in report.timeline]

    s = report.summary
    summary = [[s.on_time], [s.delivery], [s.verdict], [s.judged]]

    monitoring = [[m.number, m.prosedur, m.verdict, m.catatan or None, m.tindakan or None, None]
                  for m in report.monitoring]
    criteria = [[c.number, c.text, c.yes or None, c.no or None, c.catatan or None] for c in report.criteria]

    g = report.signature
    head, preparer = g.head, g.preparer
    left = [None, "Mengetahui,", head.jabatan or None, None, None, None, *_signer_lines(head)]
    right = [g.place_date, "Penyusun laporan,", preparer.jabatan or None, None, None, None,
             *_signer_lines(preparer)]

    return [
        (TITLE_ROW, TITLE_COL, title),
        (STEPS_FIRST_ROW, STEPS_COL, steps),
        (STEPS_FIRST_ROW, CHART_DATA_COL, chart),
        (layout_.summary_row, SUMMARY_COL, summary),
        *_form_blocks(layout_.eval_first_row, monitoring, MONITORING_COLUMNS),
        *_form_blocks(layout_.criteria_first_row, criteria, CRITERIA_COLUMNS),
        (layout_.chart_note_row, 1, [[report.timeline_origin]]),
        (layout_.signature_row, SIGNATURE_LEFT[0], [[v] for v in left]),
        (layout_.signature_row, SIGNATURE_RIGHT[0], [[v] for v in right]),
    ]


def _width(first: int, last: int) -> float:
    return sum(COLUMN_WIDTHS[column_letter(c)] for c in range(first, last + 1))


def _lines(text: Any, width: float) -> int:
    """Lines a wrapped text takes in a cell ``width`` characters wide (body font; a little room for word wrap)."""
    if text is None or text == "":
        return 1
    per_line = max(1, int(width * 1.2) - 2)  # body text is 10 pt, column widths count 11 pt digits
    total = 0
    for paragraph in str(text).split("\n"):
        words, line, count = paragraph.split(" "), 0, 1
        for word in words:
            need = len(word) if line == 0 else line + 1 + len(word)
            if need <= per_line:
                line = need
            else:
                count += 1 + (len(word) - 1) // per_line
                line = len(word) % per_line or per_line
        total += count
    return total


def row_heights(report: Report) -> dict[int, float]:
    """Row -> height (points) for every table row of the report, tall enough for its wrapped text (LibreOffice does
    not fit row heights by itself, and Excel does not for merged cells)."""
    lay = ReportLayout(len(report.rows))
    heights: dict[int, float] = {}

    def fit(row: int, cells: list[tuple[Any, float]], minimum: float = LINE_HEIGHT + 4) -> None:
        lines = max(_lines(text, width) for text, width in cells)
        heights[row] = max(minimum, lines * LINE_HEIGHT + 4)

    step_widths = [_width(c, c) for c in range(1, LAST_COL + 1)]
    for i, row in enumerate(report.rows):
        values = [row.number, row.uraian, row.pelaksana, row.received, row.completed, row.standard, row.actual,
                  row.due, row.status_label, row.lateness]
        fit(STEPS_FIRST_ROW + i, list(zip(values, step_widths)))
    s = report.summary
    for i, text in enumerate((s.on_time, s.delivery, s.verdict, s.judged)):
        fit(lay.summary_row + i, [(text, _width(SUMMARY_COL, LAST_COL))])
    for i, m in enumerate(report.monitoring):
        values = [m.number, m.prosedur, m.verdict, m.catatan, m.tindakan, ""]
        fit(lay.eval_first_row + i, [(v, _width(a, b)) for v, (_, a, b) in zip(values, MONITORING_COLUMNS)])
    for i, c in enumerate(report.criteria):
        values = [c.number, c.text, c.yes, c.no, c.catatan]
        fit(lay.criteria_first_row + i, [(v, _width(a, b)) for v, (_, a, b) in zip(values, CRITERIA_COLUMNS)])
    fit(lay.chart_note_row, [(report.timeline_origin, _width(FIRST_COL, LAST_COL))])
    return heights


def template_matches(book: Book, steps: int) -> bool:
    """Is the workbook's ``Laporan`` this layout's template (for ``steps`` steps)?  An older tracker's report sheet
    has its rows elsewhere: writing this layout's blocks into it would scatter the report."""
    lay = ReportLayout(steps)
    if not book.has_sheet(SHEET_REPORT):
        return False
    values = book.read(SHEET_REPORT)

    def at(row: int, column: int) -> Any:
        return values[row - 1][column - 1] if row <= len(values) and column <= len(values[row - 1]) else None

    return (at(lay.eval_header_row, MONITORING_COLUMNS[-1][1]) == MONITORING_COLUMNS[-1][0]
            and at(STEPS_HEADER_ROW, 1) == STEP_COLUMNS[0])


def write_report(book: Book, report: Report) -> None:
    """Fill the ``Laporan`` sheet: one ``write`` per block, then the row heights of its wrapped rows."""
    for row, col, values in report_blocks(report):
        book.write(SHEET_REPORT, row, col, values)
    for row, height in row_heights(report).items():
        book.set_row_height(SHEET_REPORT, row, height)


__all__ = [
    "DATE_FORMAT",
    "DEFAULT_LAYOUT",
    "ReportLayout",
    "SHEET_REPORT",
    "report_blocks",
    "row_heights",
    "template_matches",
    "write_report",
]
