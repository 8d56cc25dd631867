"""Writing ``Rekap_LKj.xlsx``: sheets Rekap, Matriks, Ringkasan and Tidak terbaca, in Indonesian, with openpyxl.

pandas holds the table: sorting worst first, the counts by status and the tightest deadlines.  The file is saved like
a tracker (:func:`lkj_xl.files.backups.atomic_write`: a temporary file beside it, checked, the previous recap to
``Cadangan LKj``, then one atomic replace)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import quote

from lkj_xl.authoring.rekap.model import Recap
from lkj_xl.authoring.rekap.scan import SKIP_LABELS, SKIP_NOT_TRACKER
from lkj_xl.core.dates import format_datetime_id
from lkj_xl.core.schedule import (
    CYCLE_AT_RISK, CYCLE_DELIVERED, CYCLE_LABELS, CYCLE_LATE, CYCLE_ON_TRACK, STATUS_DONE, STATUS_DONE_LATE,
    STATUS_DONE_ON_TIME, STATUS_NOT_STARTED, STATUS_OVERDUE, STATUS_RUNNING,
)
from lkj_xl.core.durations import format_working
from lkj_xl.workbook.layout import DATETIME_FORMAT

SHEET_RECAP = "Rekap"
SHEET_MATRIX = "Matriks"
SHEET_SUMMARY = "Ringkasan"
SHEET_UNREADABLE = "Tidak terbaca"

#: worst first
STATUS_ORDER = (CYCLE_LATE, CYCLE_AT_RISK, CYCLE_ON_TRACK, CYCLE_DELIVERED)
STATUS_FILLS = {CYCLE_LATE: "FFC7CE", CYCLE_AT_RISK: "FFEB9C", CYCLE_ON_TRACK: "C6EFCE", CYCLE_DELIVERED: "DDEBF7"}
STEP_FILLS = {
    STATUS_NOT_STARTED: "F2F2F2", STATUS_RUNNING: "BDD7EE", STATUS_OVERDUE: "FF9999",
    STATUS_DONE_ON_TIME: "C6EFCE", STATUS_DONE_LATE: "F8CBAD", STATUS_DONE: "C6EFCE",
}
HEADER_FILL = "1F4E78"

RECAP_HEADERS = ("Instansi", "SOP (nomor, nama)", "Periode", "Langkah saat ini", "Dipegang oleh", "Status",
                 "Batas akhir", "Perkiraan selesai", "Sisa / terlambat (hari kerja)", "Langkah terlambat",
                 "Kesalahan data", "Diperbarui", "Berkas", "Catatan")
RECAP_WIDTHS = (30, 34, 9, 40, 30, 18, 22, 22, 16, 14, 11, 22, 36, 30)
#: Sisa shown as "Sisa 12", a late cycle as "Terlambat 3": the cell stays a number (filters and sorting work).
DAYS_FORMAT = '"Sisa "0;"Terlambat "0;"Hari ini"'
TITLE_ROWS = 3  # title, as-of line, blank; the header is the next row


def step_short(status: str, late_minutes: int) -> str:
    """A matrix cell: the step's status in a few words."""
    if status == STATUS_OVERDUE:
        return f"Terlambat {format_working(late_minutes)}"
    if status == STATUS_DONE_LATE:
        return f"Selesai, terlambat {format_working(late_minutes)}"
    return {STATUS_NOT_STARTED: "Belum mulai", STATUS_RUNNING: "Berjalan", STATUS_DONE_ON_TIME: "Tepat waktu",
            STATUS_DONE: "Selesai"}.get(status, status)


def recap_frame(recap: Recap):
    """The Rekap table as a DataFrame, worst first: late, at risk, on schedule, delivered; then the fewest working
    days left, the most data errors, the file name."""
    import pandas as pd

    records = []
    for row in recap.rows:
        records.append({
            "file": row.file, "instansi": row.instansi,
            "sop": " ".join(x for x in (row.sop_nomor, row.sop_nama) if x),
            "year": row.year, "current": row.current_text, "holder": row.holder or "-", "overall": row.overall,
            "status": CYCLE_LABELS.get(row.overall, row.overall), "deadline": row.deadline,
            "projected": row.projected_finish, "days": row.days,
            "late_steps": ", ".join(str(s) for s in row.late_steps) or "-", "errors": row.errors,
            "warnings": row.warnings, "updated": row.updated, "open_by": row.open_by, "row": row,
            "year_sort": str(row.year),  # years and period labels ("2025-S1") sort together as text
        })
    frame = pd.DataFrame.from_records(records, columns=[
        "file", "instansi", "sop", "year", "current", "holder", "overall", "status", "deadline", "projected", "days",
        "late_steps", "errors", "warnings", "updated", "open_by", "row", "year_sort"])
    frame["rank"] = frame["overall"].map({s: i for i, s in enumerate(STATUS_ORDER)}).fillna(len(STATUS_ORDER))
    frame = frame.sort_values(["rank", "days", "errors", "file", "year_sort"], ascending=[True, True, False, True, True],
                              kind="stable")
    return frame.reset_index(drop=True)


def _link(out: Path, recap: Recap, rel: str) -> str:
    target = os.path.relpath(recap.folder / rel, out.parent).replace(os.sep, "/")
    return quote(target, safe="/.-_~")


def build_workbook(recap: Recap, out: Path):
    from openpyxl import Workbook

    frame = recap_frame(recap)
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_RECAP
    _recap_sheet(ws, recap, frame, out)
    _matrix_sheet(wb.create_sheet(SHEET_MATRIX), recap, frame)
    _summary_sheet(wb.create_sheet(SHEET_SUMMARY), recap, frame)
    _unreadable_sheet(wb.create_sheet(SHEET_UNREADABLE), recap, out)
    return wb


def write_recap(recap: Recap, out: Path) -> Path:
    """Build the recap workbook and save it safely at ``out`` (previous version to ``Cadangan LKj``)."""
    from lkj_xl.core.settings import DEFAULT_BACKUPS
    from lkj_xl.files.backups import atomic_write
    from lkj_xl.files.guard import check_workbook_file

    wb = build_workbook(recap, out)

    def verify(tmp: Path) -> None:
        from openpyxl import load_workbook

        check_workbook_file(tmp)
        book = load_workbook(tmp, read_only=True)
        try:
            missing = {SHEET_RECAP, SHEET_MATRIX, SHEET_SUMMARY, SHEET_UNREADABLE} - set(book.sheetnames)
        finally:
            book.close()
        if missing:
            from lkj_xl.core.errors import UnusableFileError

            raise UnusableFileError(f"Rekap baru tidak lengkap (lembar {', '.join(sorted(missing))} tidak ada).")

    atomic_write(out, lambda tmp: wb.save(tmp), verify, backups=DEFAULT_BACKUPS)
    return out


# --- styling helpers ------------------------------------------------------------------------------------------------

def _fill(colour: str):
    from openpyxl.styles import PatternFill

    return PatternFill("solid", start_color=colour, end_color=colour)


def _header(ws, row: int, headers, widths=None) -> None:
    from openpyxl.styles import Alignment, Border, Font, Side

    thin = Side(style="thin", color="BFBFBF")
    for col, text in enumerate(headers, start=1):
        cell = ws.cell(row=row, column=col, value=text)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = _fill(HEADER_FILL)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cell.border = Border(bottom=thin)
        if widths:
            from openpyxl.utils import get_column_letter

            ws.column_dimensions[get_column_letter(col)].width = widths[col - 1]


def _title(ws, text: str, subtitle: str) -> None:
    from openpyxl.styles import Font

    ws.cell(row=1, column=1, value=text).font = Font(bold=True, size=14)
    ws.cell(row=2, column=1, value=subtitle).font = Font(italic=True, color="595959")


def _print_setup(ws, header_row: int | None) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    if header_row is not None:
        ws.print_title_rows = f"{header_row}:{header_row}"


def _as_of_line(recap: Recap) -> str:
    return f"Keadaan per {format_datetime_id(recap.as_of)} WIB. Folder: {recap.folder}"


def _excel_value(value: Any) -> Any:
    """A datetime without its time zone (openpyxl writes naive ones); anything else as text or number."""
    from datetime import datetime

    if isinstance(value, datetime):
        return None if str(value) == "NaT" else value.replace(tzinfo=None)  # NaT: a cycle without a deadline
    return value


# --- sheets ---------------------------------------------------------------------------------------------------------

def _recap_sheet(ws, recap: Recap, frame, out: Path) -> None:
    from openpyxl.styles import Alignment, Font

    _title(ws, "Rekap Pelacak LKj", _as_of_line(recap) + f". {recap.tracker_files} pelacak, "
           f"{len(recap.unreadable)} tidak terbaca (lihat lembar '{SHEET_UNREADABLE}').")
    header_row = TITLE_ROWS + 1
    _header(ws, header_row, RECAP_HEADERS, RECAP_WIDTHS)
    wrap = Alignment(wrap_text=True, vertical="top")
    link_font = Font(color="0563C1", underline="single")
    for offset, item in enumerate(frame.itertuples(index=False), start=1):
        r = header_row + offset
        row = item.row
        if row.updated is None:
            updated = "Belum pernah"
        else:
            updated = _excel_value(row.updated)
        note = ""
        if row.open_by is not None:
            note = "Sedang dibuka di Excel" + (f" oleh {row.open_by}" if row.open_by else "") + \
                   " (keadaan terakhir yang disimpan)"
        if row.warnings:
            note = (note + "; " if note else "") + f"{row.warnings} peringatan"
        values = (item.instansi, item.sop, item.year, item.current, item.holder, item.status,
                  _excel_value(item.deadline), _excel_value(item.projected), int(item.days), item.late_steps,
                  int(item.errors), updated, item.file, note or None)
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=col, value=value)
            cell.alignment = wrap
        for col in (7, 8, 12):
            if not isinstance(ws.cell(row=r, column=col).value, str):
                ws.cell(row=r, column=col).number_format = DATETIME_FORMAT
        ws.cell(row=r, column=9).number_format = DAYS_FORMAT
        status_fill = _fill(STATUS_FILLS.get(item.overall, "FFFFFF"))
        for col in (6, 9):
            ws.cell(row=r, column=col).fill = status_fill
        if item.errors:
            ws.cell(row=r, column=11).fill = _fill(STATUS_FILLS[CYCLE_LATE])
        link = ws.cell(row=r, column=13)
        link.hyperlink = _link(out, recap, item.file)
        link.font = link_font
    last = header_row + len(frame)
    ws.auto_filter.ref = f"A{header_row}:N{max(last, header_row + 1)}"
    ws.freeze_panes = ws.cell(row=header_row + 1, column=2)
    _print_setup(ws, header_row)


def _matrix_sheet(ws, recap: Recap, frame) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    _title(ws, "Matriks langkah per SOP", _as_of_line(recap) + ". Satu blok per SOP; tiap sel: status langkah.")
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 9
    r = TITLE_ROWS + 1
    center = Alignment(wrap_text=True, vertical="center", horizontal="center")
    groups: dict[tuple, list] = {}
    for item in frame.itertuples(index=False):  # worst first inside each block, as on Rekap
        row = item.row
        key = (row.sop_nomor, row.sop_nama, tuple((s[0], s[1]) for s in row.steps))
        groups.setdefault(key, []).append(row)
    widest = 2
    for (nomor, nama, steps), rows in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1], len(kv[0][2]))):
        ws.cell(row=r, column=1, value=f"SOP {' '.join(x for x in (nomor, nama) if x)} "
                                       f"({len(rows)} pelacak)").font = Font(bold=True, size=12)
        r += 1
        headers = ["Instansi", "Periode"] + [f"Langkah {n}\n{actor}" for n, actor in steps]
        _header(ws, r, headers)
        ws.row_dimensions[r].height = 45
        r += 1
        for row in rows:
            ws.cell(row=r, column=1, value=row.instansi).alignment = Alignment(wrap_text=True, vertical="center")
            ws.cell(row=r, column=2, value=row.year)
            for col, (_n, _actor, status, late) in enumerate(row.steps, start=3):
                cell = ws.cell(row=r, column=col, value=step_short(status, late))
                cell.fill = _fill(STEP_FILLS.get(status, "FFFFFF"))
                cell.alignment = center
            r += 1
        widest = max(widest, 2 + len(steps))
        r += 1
    for col in range(3, widest + 1):
        ws.column_dimensions[get_column_letter(col)].width = 15
    _print_setup(ws, None)


def _summary_sheet(ws, recap: Recap, frame) -> None:
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Font

    _title(ws, "Ringkasan", _as_of_line(recap))
    r = TITLE_ROWS + 1
    _header(ws, r, ("Status", "Jumlah"), (30, 12))
    counts = frame["overall"].value_counts()
    first = r + 1
    for status in STATUS_ORDER:
        r += 1
        ws.cell(row=r, column=1, value=CYCLE_LABELS[status]).fill = _fill(STATUS_FILLS[status])
        ws.cell(row=r, column=2, value=int(counts.get(status, 0)))
    last = r
    r += 1
    ws.cell(row=r, column=1, value="Jumlah siklus").font = Font(bold=True)
    ws.cell(row=r, column=2, value=len(frame)).font = Font(bold=True)
    r += 1
    ws.cell(row=r, column=1, value="Dengan kesalahan data")
    ws.cell(row=r, column=2, value=int((frame["errors"] > 0).sum()))
    r += 1
    ws.cell(row=r, column=1, value="Tidak terbaca")
    ws.cell(row=r, column=2, value=len(recap.unreadable))
    for reason, files in recap.skipped.items():
        r += 1
        ws.cell(row=r, column=1, value=f"Dilewati: {SKIP_LABELS[reason]}")
        ws.cell(row=r, column=2, value=len(files))

    chart = BarChart()
    chart.type = "bar"
    chart.title = "Siklus per status"
    chart.legend = None
    chart.y_axis.title = "Jumlah"
    chart.add_data(Reference(ws, min_col=2, min_row=first - 1, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
    chart.height, chart.width = 7, 14
    ws.add_chart(chart, "D4")

    r = max(r, 20) + 2
    ws.cell(row=r, column=1, value="Batas akhir terdekat (belum terkirim)").font = Font(bold=True, size=12)
    r += 1
    headers = ("Instansi", "Periode", "Status", "Batas akhir", "Sisa / terlambat (hari kerja)", "Langkah saat ini",
               "Dipegang oleh")
    _header(ws, r, headers)
    for col, width in zip("CDEFG", (18, 22, 16, 40, 30)):
        ws.column_dimensions[col].width = width
    open_ = frame[(frame["overall"] != CYCLE_DELIVERED) & frame["deadline"].notna()]  # a cycle with a deadline
    tight = open_.sort_values(["days", "deadline", "file"], kind="stable").head(10)
    for item in tight.itertuples(index=False):
        r += 1
        values = (item.instansi, item.year, item.status, _excel_value(item.deadline), int(item.days), item.current,
                  item.holder)
        for col, value in enumerate(values, start=1):
            ws.cell(row=r, column=col, value=value)
        ws.cell(row=r, column=3).fill = _fill(STATUS_FILLS.get(item.overall, "FFFFFF"))
        ws.cell(row=r, column=4).number_format = DATETIME_FORMAT
        ws.cell(row=r, column=5).number_format = DAYS_FORMAT
    if tight.empty:
        ws.cell(row=r + 1, column=1, value="Semua siklus sudah terkirim.")
    _print_setup(ws, None)


def _unreadable_sheet(ws, recap: Recap, out: Path) -> None:
    from openpyxl.styles import Alignment, Font

    _title(ws, "Berkas yang tidak terbaca", _as_of_line(recap) + ". Berkas ini tidak masuk rekap; perbaiki lalu "
           "jalankan rekap lagi.")
    r = TITLE_ROWS + 1
    _header(ws, r, ("Berkas", "Alasan"), (40, 110))
    wrap = Alignment(wrap_text=True, vertical="top")
    link_font = Font(color="0563C1", underline="single")
    for file, reason in recap.unreadable:
        r += 1
        cell = ws.cell(row=r, column=1, value=file)
        cell.hyperlink = _link(out, recap, file)
        cell.font = link_font
        cell.alignment = wrap
        ws.cell(row=r, column=2, value=reason).alignment = wrap
    if not recap.unreadable:
        r += 1
        ws.cell(row=r, column=1, value="Semua berkas terbaca.")
    header_row = TITLE_ROWS + 1
    ws.print_title_rows = f"{header_row}:{header_row}"
    not_trackers = recap.skipped.get(SKIP_NOT_TRACKER, [])
    if recap.skipped:
        r += 2
        ws.cell(row=r, column=1, value="Berkas yang dilewati").font = Font(bold=True, size=12)
        for reason, files in recap.skipped.items():
            r += 1
            ws.cell(row=r, column=1, value=f"{len(files)} berkas")
            ws.cell(row=r, column=2, value=SKIP_LABELS[reason]).alignment = wrap
        for file in not_trackers:
            r += 1
            ws.cell(row=r, column=1, value=file).alignment = wrap
            ws.cell(row=r, column=2, value="Bukan pelacak LKj: tidak ada lembar Pengaturan/SOP dan Langkah.")
    _print_setup(ws, header_row)
