"""Build a new tracker workbook (.xlsx) with openpyxl: every sheet, table, dropdown and format, in Indonesian.

The layout comes from :mod:`lkj_xl.workbook.layout`; the values the engine later rewrites (Beranda, the top block of each step
sheet, computed columns) are formatted here once and only ever written as values afterwards.

One idea over 500 lines: the tracker as the builder makes it, one ``_build_*`` function per sheet in sheet order.

Decisions worth knowing:

* Step sheets are not protected.  A protected sheet blocks the engine's own writes in live Excel (xlwings) and keeps
  tables from growing when staff type below them.  Computed columns are made visibly read-only instead: grey fill,
  an italic "dihitung otomatis" note above them, and a data validation that rejects typing into them (clearing a
  cell is still possible; the next refresh rewrites it).
* A step sheet's top block (uraian, pelaksana, ... from the SOP sheet) holds values, written here and by every
  refresh (``writers.write_step_headers``), not formulas: the file-mode reader sees formulas as text, and values
  read the same in every mode.
* Date columns accept text with a warning (not a stop) so a date typed in another form is kept and reported by
  validation instead of being refused by Excel.
* The "segera jatuh tempo" (amber) colour in Excel compares Batas Waktu with NOW() in clock hours (Excel cannot
  count working hours); the engine's Status uses working hours.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, Iterable, Sequence

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo

from lkj_xl.workbook import layout
from lkj_xl.core.schedule import (
    STATUS_DONE, STATUS_DONE_LATE, STATUS_DONE_ON_TIME, STATUS_LABELS, STATUS_OVERDUE, STATUS_RUNNING, cycle_span,
)
from lkj_xl.core.settings import DEFAULT_GOVERNMENT
from lkj_xl.core.report import place_of
from lkj_xl.core.validation import YEAR_MAX, YEAR_MIN
from lkj_xl.core.worktime import DEFAULT_WEEK, WEEKDAY_NAMES_ID, national_holidays
from lkj_xl.core.entries import StaffEntry
from lkj_xl.authoring.page_setup import apply_page_setup
from lkj_xl.core.errors import ParseError
from lkj_xl.core.periods import (
    EXAMPLES as PERIOD_EXAMPLES, LABEL_MAX as PERIOD_LABEL_MAX, NO_RULE_TEXT, PER_KEGIATAN, SOP_RULE_TEXT, TAHUNAN,
    current_period, parse_kind, parse_rule,
)
from lkj_xl.core.zones import parse_zone_name
from lkj_xl.authoring.report_template import build_report_template, fit_a4
from lkj_xl.core.settings import Settings
from lkj_xl.core.sop import DEFAULT_SOP, IDENTITY_FIELDS, SYMBOLS, Sop, format_branches, format_group
from lkj_xl.workbook.printing import HISTORY_WIDTHS, PROBLEM_WIDTHS
from lkj_xl.workbook.writers import step_header_values

# --- styles --------------------------------------------------------------------------------------------------------

_TITLE = Font(bold=True, size=16, color="1F3864")
_SUBTITLE = Font(bold=True, size=12, color="1F3864")
_LABEL = Font(bold=True)
_NOTE = Font(italic=True, color="595959")
_SECONDARY = Font(color="808080", size=9)
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
_COMPUTED_HEADER_FILL = PatternFill("solid", fgColor="7F7F7F")
_COMPUTED_FILL = PatternFill("solid", fgColor="E7E6E6")
_VALUE_FILL = PatternFill("solid", fgColor="DDEBF7")
_WRAP = Alignment(wrap_text=True, vertical="top")
_THIN = Side(style="thin", color="BFBFBF")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)

_GREEN = (PatternFill("solid", fgColor="C6EFCE", bgColor="C6EFCE"), Font(color="006100"))
_RED = (PatternFill("solid", fgColor="FFC7CE", bgColor="FFC7CE"), Font(color="9C0006", bold=True))
_AMBER = (PatternFill("solid", fgColor="FFEB9C", bgColor="FFEB9C"), Font(color="9C5700"))

_TABLE_STYLE = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)

SOURCE_PERPRES = "Perpres 21/2023"
SOURCE_SOP = "SOP 3.1.2.6"
SOURCE_PERMENPAN = "Permenpan RB 35/2012"


def _header(ws, row: int, column: int, labels: Sequence[str], fill: PatternFill = _HEADER_FILL) -> None:
    for offset, label in enumerate(labels):
        cell = ws.cell(row=row, column=column + offset, value=label)
        cell.font = _HEADER_FONT
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        cell.border = _BOX


def _widths(ws, widths: dict[str, float]) -> None:
    for letter, width in widths.items():
        ws.column_dimensions[letter].width = width


def _table(ws, name: str, first_row: int, first_col: int, last_row: int, last_col: int) -> None:
    ref = f"{get_column_letter(first_col)}{first_row}:{get_column_letter(last_col)}{last_row}"
    table = Table(displayName=name, ref=ref)
    table.tableStyleInfo = _TABLE_STYLE
    ws.add_table(table)


def _col_range(column: int, first_row: int, last_row: int) -> str:
    letter = get_column_letter(column)
    return f"{letter}{first_row}:{letter}{last_row}"


def _validation(ws, sqref: str, kind: str, *, formula1: str | None = None, formula2: str | None = None,
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


def _date_validation(ws, sqref: str, what: str, *, with_time: bool = False) -> None:
    example = DATETIME_EXAMPLE if with_time else DATE_EXAMPLE
    _validation(ws, sqref, "date", operator="between", formula1=f"DATE({YEAR_MIN},1,1)", formula2=f"DATE({YEAR_MAX},12,31)",
                title="Tanggal tidak valid", style="warning",
                error=f"{what} harus berupa tanggal antara 1 Januari {YEAR_MIN} dan 31 Desember {YEAR_MAX}, "
                      f"mis. {example}. Pilih 'Ya' untuk tetap menyimpan isian ini (akan diperiksa saat "
                      f"Validasi), 'Tidak' untuk memperbaikinya.",
                prompt=f"Ketik {'tanggal dan jam' if with_time else 'tanggal'}, mis. {example}: bulan ditulis dengan "
                       f"huruf agar hari dan bulan tidak tertukar.")


def _add_name(wb: Workbook, name: str, sheet: str, ref: str) -> None:
    wb.defined_names[name] = DefinedName(name, attr_text=f"{layout.quote_sheet(sheet)}!{ref}")


def _abs(column: int, first_row: int, last_row: int | None = None) -> str:
    letter = get_column_letter(column)
    if last_row is None:
        return f"${letter}${first_row}"
    return f"${letter}${first_row}:${letter}${last_row}"


# --- the builder ---------------------------------------------------------------------------------------------------


def build_tracker(
    path: str | Path,
    *,
    year: int,
    agency: str,
    government: str = DEFAULT_GOVERNMENT,
    sop: Sop = DEFAULT_SOP,
    staff: Iterable[StaffEntry | Sequence[Any]] = (),
    settings: Settings | None = None,
    period_kind: str | None = None,
    deadline_rule: str | None = None,
    timezone: str | None = None,
) -> Path:
    """Create the tracker workbook at ``path`` for reporting year ``year`` and return its path.

    ``settings`` gives the week, deadline override, early-warning hours and backups (default: the rules' defaults);
    ``year``, ``agency`` and ``government`` always come from the arguments.  ``staff`` rows are
    :class:`~lkj_xl.core.entries.StaffEntry` or (nama, nip, jabatan[, keterangan]) sequences.

    ``period_kind`` (one of :data:`lkj_xl.core.periods.PERIOD_KINDS`), ``deadline_rule`` (text in the grammar of
    :func:`lkj_xl.core.periods.parse_rule`) and ``timezone`` (WIB, WITA, WIT), when given, replace those of
    ``settings``: a non-yearly SOP gets the key column ``Periode`` in every step table.  Unreadable values raise
    :class:`~lkj_xl.core.errors.ParseError` (Indonesian message) before anything is written.
    """
    path = Path(path)
    base = settings if settings is not None else Settings(year=year)
    settings = replace(base, year=year, agency=agency, government=government)
    if period_kind is not None:
        settings = replace(settings, period_kind=parse_kind(period_kind))
    if deadline_rule is not None:
        settings = replace(settings, deadline_rule=parse_rule(deadline_rule, settings.period_kind))
    if timezone is not None:
        zone = parse_zone_name(timezone)
        if zone is None:
            raise ParseError(f"Zona waktu \"{timezone}\" tidak dikenali; pilih WIB, WITA atau WIT.", timezone)
        settings = replace(settings, timezone=zone)

    wb = Workbook()
    wb.remove(wb.active)
    numbers = [step.number for step in sop.steps]
    sheets = {name: wb.create_sheet(name) for name in layout.sheet_order(numbers)}

    _build_home(sheets[layout.SHEET_HOME], settings, sop)
    _build_sop(wb, sheets[layout.SHEET_SOP], sop)
    _build_settings(wb, sheets[layout.SHEET_SETTINGS], settings)
    _build_holidays(sheets[layout.SHEET_HOLIDAYS], year)
    _build_staff(wb, sheets[layout.SHEET_STAFF], staff)
    for step in sop.steps:
        _build_step(sheets[layout.step_sheet(step.number)], sop, step, year, settings.period_kind)
    _build_evaluation(sheets[layout.SHEET_EVALUATION], sop, year, settings.period_kind)
    _build_report(sheets[layout.SHEET_REPORT], sop, settings)
    _build_problems(sheets[layout.SHEET_PROBLEMS])
    _build_history(sheets[layout.SHEET_HISTORY])
    _build_closed(sheets[layout.SHEET_CLOSED], settings.period_kind)

    apply_page_setup(wb)

    wb.active = 0
    wb.properties.creator = "lkj-xl"
    wb.properties.title = f"Pelacak LKj {year} - {agency}"
    # No fullCalcOnLoad (openpyxl's default): with it Excel recalculates on every open and asks "simpan
    # perubahan?" on every close.  The only formulas are the Masalah link column, whose cached results are written
    # below ("" while column B is empty, which is right for a new tracker); calcId is a current Excel's, so Excel
    # does not recalculate a workbook "from an older version" on open either.
    wb.calculation.fullCalcOnLoad = None
    wb.calculation.calcId = EXCEL_CALC_ID
    path.parent.mkdir(parents=True, exist_ok=True)
    from lkj_xl.engines.openpyxl_book import save_openpyxl

    save_openpyxl(wb, path)
    _cache_link_results(path, wb.sheetnames.index(layout.SHEET_PROBLEMS) + 1)
    return path


#: calcId Excel 2019 / Microsoft 365 write (Excel 2016: 171027, openpyxl's default 124519 is Excel 2007's).
EXCEL_CALC_ID = 191029
_EMPTY_LINK = re.compile(r'<c r="([A-Z]+)(\d+)"((?: s="\d+")?)><f>(IF\(\$B\d+="","",HYPERLINK\([^<]*)</f><v\s*/?>(?:</v>)?</c>')


def _cache_link_results(path: Path, sheet_number: int) -> None:
    """Give every Masalah link formula its cached result for an empty row, "" as a string (``t="str"``), the way
    Excel stores it; openpyxl writes an empty numeric ``<v>``."""
    from lkj_xl.engines import ooxml

    part = f"xl/worksheets/sheet{sheet_number}.xml"
    with zipfile.ZipFile(path) as package:
        xml = package.read(part).decode("utf-8")
    link = get_column_letter(layout.PROBLEM_LINK_COLUMN)

    def cached(match: re.Match[str]) -> str:
        if match.group(1) != link:
            return match.group(0)
        return f'<c r="{match.group(1)}{match.group(2)}"{match.group(3)} t="str"><f>{match.group(4)}</f><v></v></c>'

    fixed, count = _EMPTY_LINK.subn(cached, xml)
    if count != layout.PROBLEM_LINK_ROWS:
        raise AssertionError(f"{part}: {count} link formulas found, {layout.PROBLEM_LINK_ROWS} expected")
    path.write_bytes(ooxml.rewritten_bytes(path, {part: fixed.encode("utf-8")}))


def _build_home(ws, settings: Settings, sop: Sop) -> None:
    ws["A1"] = f"Pelacak LKj - {settings.agency}"
    ws["A1"].font = _TITLE
    ws["A2"] = f"{sop.nama} (SOP {sop.nomor}), {settings.government}"
    ws["A2"].font = _SUBTITLE
    initial = {layout.B_YEAR: settings.year, layout.B_OVERALL: "Belum dihitung", layout.B_UPDATED: "Belum pernah diperbarui"}
    for label in layout.BERANDA_FIELDS:
        row = layout.beranda_row(label)
        label_cell = ws.cell(row=row, column=layout.BERANDA_LABEL_COLUMN, value=label)
        label_cell.font = _LABEL
        label_cell.alignment = Alignment(vertical="top")
        cell = ws.cell(row=row, column=layout.BERANDA_VALUE_COLUMN, value=initial.get(label))
        cell.fill = _VALUE_FILL
        cell.border = _BOX
        cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="left")
        if label in (layout.B_DEADLINE, layout.B_STEP_DUE, layout.B_PROJECTED, layout.B_UPDATED):
            cell.number_format = layout.DATETIME_FORMAT
        elif label in (layout.B_YEAR, layout.B_DAYS_LEFT):
            cell.number_format = "0"
    # The last refresh's as-of instant: the step sheets' live colour rule compares Batas Waktu with it.
    _add_name(ws.parent, layout.UPDATED_NAME, ws.title,
              _abs(layout.BERANDA_VALUE_COLUMN, layout.beranda_row(layout.B_UPDATED)))
    ws.row_dimensions[layout.beranda_row(layout.B_CURRENT)].height = 45
    for label in (layout.B_PLAN_NOTE, layout.B_OVERDUE):
        ws.row_dimensions[layout.beranda_row(label)].height = 30
    # "Masalah data": refresh writes the counts in B; the link to Masalah is made here once (an internal cell link).
    from openpyxl.worksheet.hyperlink import Hyperlink

    problems_row = layout.beranda_row(layout.B_PROBLEMS)
    link = ws.cell(row=problems_row, column=layout.BERANDA_LINK_COLUMN, value=layout.BERANDA_PROBLEMS_LINK)
    link.hyperlink = Hyperlink(ref=link.coordinate, location=f"{layout.quote_sheet(layout.SHEET_PROBLEMS)}!A1",
                               display=layout.BERANDA_PROBLEMS_LINK)
    link.font = Font(color="0563C1", underline="single")
    link.alignment = Alignment(vertical="top")
    row = layout.BERANDA_INSTRUCTIONS_ROW
    ws.cell(row=row, column=1, value="Cara memakai").font = _SUBTITLE
    steps = len(sop.steps)
    lines = [
        "1. Isi daftar pegawai di lembar Pegawai (Nama, NIP, Jabatan sesuai SOP). Pejabat Plt./Plh. ditulis di "
        "kolom Keterangan.",
        f"2. Setiap langkah SOP punya lembar sendiri (Langkah 1 s.d. Langkah {steps}). Isi satu baris per tahun "
        f"pelaporan: Tahun, Diterima dan Selesai (tanggal dan jam, mis. {DATETIME_EXAMPLE}), Pelaksana, Kelengkapan "
        "(Ya/Tidak), Nomor Output dan Catatan.",
        "3. Kolom berwarna abu-abu dihitung otomatis; jangan diisi atau diubah.",
        "4. Pada tab LKj: Validasi memeriksa semua isian; Hitung Batas Waktu menghitung batas waktu, status dan "
        "memperbarui lembar ini; Buat Laporan menyusun lembar Laporan.",
        "5. Tanpa Excel (mis. terjadwal): jalankan perintah  lkj refresh <nama berkas>  di Command Prompt.",
        "6. Masalah yang ditemukan tercantum di lembar Masalah; klik 'Buka' untuk menuju sel yang perlu diperbaiki.",
        "7. Standar waktu, Waktu Rencana (lama yang direncanakan bagi langkah tanpa standar) dan pelaksana tiap "
        "langkah diatur di lembar SOP; jam kerja di lembar Pengaturan; hari libur dan cuti bersama di lembar Hari "
        "Libur.",
        "8. Warna pada kolom Batas Waktu dan Status mengikuti Status: merah = terlambat atau selesai terlambat, kuning = "
        "segera jatuh tempo, hijau = selesai tepat waktu.",
    ]
    for offset, line in enumerate(lines, start=1):
        cell = ws.cell(row=row + offset, column=1, value=line)
        ws.merge_cells(start_row=row + offset, start_column=1, end_row=row + offset, end_column=3)
        cell.alignment = _WRAP
        ws.row_dimensions[row + offset].height = 32
    assert len(lines) <= layout.BERANDA_INSTRUCTION_LINES
    last = row + len(lines)
    # the "Pengingat" block: refresh writes its title, header and rows (see writers.write_reminders)
    ws.cell(row=layout.REMINDERS_TITLE_ROW, column=1, value=layout.REMINDERS_TITLE).font = _SUBTITLE
    ws.cell(row=layout.REMINDERS_TITLE_ROW, column=2,
            value="Diisi saat Hitung Batas Waktu atau tombol Pengingat: langkah yang terlambat, segera jatuh tempo "
                  "atau berikutnya, dengan tautan WhatsApp.").font = _NOTE
    _header(ws, layout.REMINDERS_HEADER_ROW, 1, layout.REMINDER_HEADERS)
    for r in range(layout.REMINDERS_HEADER_ROW + 1, layout.REMINDERS_HEADER_ROW + 1 + 20):
        for c in range(1, len(layout.REMINDER_HEADERS) + 1):
            ws.cell(row=r, column=c).alignment = _WRAP
        ws.cell(row=r, column=layout.REMINDER_LINK_COLUMN).font = Font(color="0563C1", underline="single")
    _widths(ws, {"A": 28, "B": 70, "C": 22, "D": 34, "E": 20, "F": 30})
    ws.print_area = f"A1:C{last}"
    fit_a4(ws, "portrait", centered=True)
    ws.oddHeader.center.text = "Pelacak LKj"
    ws.oddFooter.right.text = "Halaman &P dari &N"


def _build_sop(wb: Workbook, ws, sop: Sop) -> None:
    ws["A1"] = "Standar Operasional Prosedur (SOP)"
    ws["A1"].font = _TITLE
    ws["A2"] = ("Lembar ini adalah acuan semua perhitungan (format Permenpan RB 35/2012). Bila Waktu atau Pelaksana "
                "suatu langkah diubah di sini, batas waktu dan laporan mengikuti pada perhitungan berikutnya.")
    ws["A2"].font = _NOTE
    _header(ws, layout.SOP_IDENTITY_FIRST_ROW - 1, 1, layout.SOP_IDENTITY_HEADER)
    for offset, (label, attr) in enumerate(IDENTITY_FIELDS):
        row = layout.SOP_IDENTITY_FIRST_ROW + offset
        value = getattr(sop, attr)
        ws.cell(row=row, column=1, value=label).font = _LABEL
        cell = ws.cell(row=row, column=2, value="\n".join(value) if isinstance(value, tuple) else value)
        cell.number_format = layout.TEXT_FORMAT
        cell.alignment = _WRAP
        cell.border = _BOX
        if isinstance(value, tuple) and len(value) > 1:
            ws.row_dimensions[row].height = 15 * min(len(value) * 2, 8)
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=8)

    # Roles (the Pelaksana columns of the SOP): the dropdown of Pegawai's Jabatan and of the step table's Pelaksana.
    _header(ws, layout.ROLES_HEADER_ROW, layout.ROLES_COLUMN, (layout.ROLES_HEADER,))
    for offset, role in enumerate(sop.roles, start=1):
        ws.cell(row=layout.ROLES_HEADER_ROW + offset, column=layout.ROLES_COLUMN, value=role).border = _BOX
    roles_last = layout.ROLES_HEADER_ROW + layout.ROLES_MAX
    _add_name(wb, layout.ROLES_NAME, layout.SHEET_SOP, _abs(layout.ROLES_COLUMN, layout.ROLES_HEADER_ROW + 1, roles_last))
    note = ws.cell(row=roles_last + 1, column=layout.ROLES_COLUMN, value="Satu jabatan per baris, tanpa baris kosong.")
    note.font = _NOTE

    ws.cell(row=layout.SOP_TABLE_TITLE_ROW, column=1, value="Langkah-langkah Prosedur").font = _SUBTITLE
    header = layout.SOP_TABLE_HEADER_ROW
    _header(ws, header, 1, layout.SOP_HEADERS)
    for offset, step in enumerate(sop.steps, start=1):
        row = header + offset
        by_label = {layout.S_NO: step.number, layout.S_URAIAN: step.uraian, layout.S_PELAKSANA: step.actor,
                    layout.S_PELAKSANA_LAIN: ", ".join(step.participants) or None,
                    layout.S_KELENGKAPAN: step.kelengkapan or None, layout.S_WAKTU: step.waktu or None,
                    layout.S_WAKTU_RENCANA: step.waktu_rencana or None, layout.S_OUTPUT: step.output or None,
                    layout.S_KETERANGAN: step.keterangan or None}
        values = [by_label[label] for label in layout.SOP_HEADERS]
        for column, value in enumerate(values, start=1):
            cell = ws.cell(row=row, column=column, value=value)
            cell.alignment = _WRAP
            if column > 1:
                cell.number_format = layout.TEXT_FORMAT
    last = header + max(len(sop.steps), 1)
    _table(ws, layout.SOP_TABLE_NAME, header, 1, last, len(layout.SOP_HEADERS))
    columns = {label: i for i, label in enumerate(layout.SOP_HEADERS, start=1)}
    below = header + layout.ENTRY_ROWS
    _validation(ws, _col_range(columns[layout.S_PELAKSANA], header + 1, below), "list", formula1=layout.ROLES_NAME,
                title="Pelaksana", error=f"Pilih jabatan dari daftar \"{layout.ROLES_HEADER}\" (kolom J lembar ini).",
                prompt="Jabatan yang memegang langkah ini.")
    _validation(ws, _col_range(columns[layout.S_WAKTU], header + 1, below), "textLength", operator="lessThanOrEqual",
                formula1="100", title="Standar waktu",
                error="Standar waktu terlalu panjang.",
                prompt="Contoh: 5 menit, 3 jam, 1 hari kerja, 2 minggu, 1 - 20 hari kerja, atau kosong/- bila tanpa "
                       "standar.")
    _validation(ws, _col_range(columns[layout.S_WAKTU_RENCANA], header + 1, below), "textLength",
                operator="lessThanOrEqual", formula1="100", title="Waktu rencana",
                error="Waktu rencana terlalu panjang.",
                prompt="Lama yang direncanakan untuk langkah tanpa standar Waktu, mis. 20 hari kerja. Dipakai untuk "
                       "rencana dan perkiraan selesai, bukan untuk menilai terlambat. Kosong: median siklus "
                       "sebelumnya.")
    _build_flow(ws, sop)
    _widths(ws, {"A": 24, "B": 60, "C": 16, "D": 16, "E": 26, "F": 14, "G": 16, "H": 30, "I": 28, "J": 3, "K": 22,
                 "L": 3, "M": 10, "N": 14, "O": 30, "P": 16})
    ws.freeze_panes = "A4"


def _build_flow(ws, sop: Sop) -> None:
    """The flow table beside tblSOP: each step's flowchart symbol, a decision's branches and the steps sharing one
    Waktu (as ``lkj sop import`` read them; the admin may correct them here)."""
    first = layout.FLOW_COLUMN
    ws.cell(row=layout.SOP_TABLE_TITLE_ROW, column=first, value="Bagan alir").font = _SUBTITLE
    header = layout.SOP_TABLE_HEADER_ROW
    _header(ws, header, first, layout.FLOW_HEADERS)
    for offset, step in enumerate(sop.steps, start=1):
        values = [step.number, step.symbol or None, format_branches(step.branches) or None,
                  format_group(step.waktu_group) or None]
        for column, value in enumerate(values, start=first):
            cell = ws.cell(row=header + offset, column=column, value=value)
            cell.alignment = _WRAP
            if column > first:
                cell.number_format = layout.TEXT_FORMAT
    last = header + max(len(sop.steps), 1)
    _table(ws, layout.FLOW_TABLE_NAME, header, first, last, first + len(layout.FLOW_HEADERS) - 1)
    below = header + layout.ENTRY_ROWS
    _validation(ws, _col_range(first + 1, header + 1, below), "list", formula1='"' + ",".join(SYMBOLS) + '"',
                title="Simbol", error="Pilih simbol bagan alir: " + ", ".join(SYMBOLS) + ".",
                prompt="Simbol langkah ini pada bagan alir SOP.")
    _validation(ws, _col_range(first + 2, header + 1, below), "textLength", operator="lessThanOrEqual",
                formula1="255", title="Cabang", error="Teks cabang terlalu panjang.",
                prompt="Cabang keputusan: label dan langkah tujuan, mis. Ya: 5; Tidak: 3 (? bila belum diketahui).")
    _validation(ws, _col_range(first + 3, header + 1, below), "textLength", operator="lessThanOrEqual",
                formula1="60", title="Waktu Bersama", error="Teks terlalu panjang.",
                prompt="Bila satu Waktu berlaku untuk beberapa langkah (sel digabung di dokumen SOP), tulis "
                       "langkahnya, mis. 4-6, di setiap langkah itu; Waktu ditulis di langkah pertama saja.")


def _build_settings(wb: Workbook, ws, settings: Settings) -> None:
    ws["A1"] = "Pengaturan"
    ws["A1"].font = _TITLE
    ws["A2"] = "Ubah nilai di kolom Nilai. Kolom Keterangan / Sumber menjelaskan asal nilai bawaan."
    ws["A2"].font = _NOTE
    _header(ws, layout.SETTINGS_HEADER_ROW, 1, layout.SETTINGS_HEADER)
    rows = {
        layout.P_YEAR: (settings.year, "0",
                   f"Tahun yang dilaporkan; LKj-nya disusun pada tahun berikutnya ({SOURCE_SOP})."),
        layout.P_AGENCY: (settings.agency, layout.TEXT_FORMAT, "Nama perangkat daerah penyusun LKj."),
        layout.P_GOVERNMENT: (settings.government, layout.TEXT_FORMAT, ""),
        layout.P_DEADLINE: (settings.deadline_override, layout.DATETIME_FORMAT,
                       f"Kosongkan = aturan {SOURCE_SOP}: hari kerja terakhir s.d. 31 Maret tahun berikutnya, pada "
                       "jam pulang. Isi tanggal (dan jam) bila ada ketentuan lain; tanggal tanpa jam berarti "
                       "sampai akhir hari itu."),
        layout.P_DUE_SOON: (settings.due_soon_hours, "0",
                       "Langkah yang berjalan ditandai 'segera jatuh tempo' sekian jam kerja sebelum batas waktunya "
                       "(warna kuning di Excel memakai jam biasa sebagai perkiraan)."),
        layout.P_BACKUPS: (settings.backups, "0", "Banyaknya salinan cadangan yang disimpan di folder 'Cadangan LKj'."),
        layout.P_VERSION: (layout.LAYOUT_VERSION, "0", "Versi tata letak buku kerja ini. Jangan diubah."),
        layout.P_SMTP_HOST: (settings.smtp.get(layout.P_SMTP_HOST), layout.TEXT_FORMAT,
                             "Server surat keluar untuk pengingat email (`lkj pengingat --email`), mis. "
                             "mail.madiunkota.go.id; kosongkan bila tidak dipakai. Variabel LKJ_SMTP_HOST menimpanya."),
        layout.P_SMTP_PORT: (settings.smtp.get(layout.P_SMTP_PORT), layout.TEXT_FORMAT,
                             "Kosong = 587 untuk STARTTLS, 465 untuk SSL, 25 tanpa keamanan (LKJ_SMTP_PORT)."),
        layout.P_SMTP_SECURITY: (settings.smtp.get(layout.P_SMTP_SECURITY) or "STARTTLS", layout.TEXT_FORMAT,
                                 "Tanpa, STARTTLS atau SSL, sesuai petunjuk pengelola server email "
                                 "(LKJ_SMTP_SECURITY)."),
        layout.P_SMTP_USER: (settings.smtp.get(layout.P_SMTP_USER), layout.TEXT_FORMAT,
                             "Nama pengguna untuk masuk ke server (LKJ_SMTP_USER). Kata sandi TIDAK PERNAH disimpan "
                             "di buku kerja ini: isi variabel LKJ_SMTP_PASSWORD atau simpan di Windows dengan "
                             "`lkj pengingat --simpan-sandi`."),
        layout.P_SMTP_FROM: (settings.smtp.get(layout.P_SMTP_FROM), layout.TEXT_FORMAT,
                             "Alamat pengirim, mis. LKj Inspektorat <lkj@madiunkota.go.id> (LKJ_SMTP_FROM)."),
        **cycle_rows(settings),
        layout.P_PLACE: (settings.place or place_of(settings.government) or None, layout.TEXT_FORMAT,
                         "Tempat pada tanda tangan laporan (\"Madiun, 6 Maret 2026\"); diisi awal dari nama "
                         "pemerintah, ubah bila perlu."),
        layout.P_PREPARER: (settings.preparer or None, layout.TEXT_FORMAT,
                            f"Nama pegawai (dari lembar {layout.SHEET_STAFF}) yang menyusun laporan dan "
                            "menandatanganinya; \"Mengetahui\" ditandatangani kepala (Jabatan pertama SOP)."),
    }
    for label in layout.SETTINGS_LABELS:
        row = layout.settings_row(label)
        value, number_format, note = rows[label]
        ws.cell(row=row, column=1, value=label).font = _LABEL
        cell = ws.cell(row=row, column=2, value=value)
        cell.number_format = number_format
        cell.fill = _VALUE_FILL
        cell.border = _BOX
        cell.alignment = Alignment(horizontal="left", vertical="top")
        ws.cell(row=row, column=3, value=note or None).alignment = _WRAP
        ws.merge_cells(start_row=row, start_column=3, end_row=row, end_column=len(layout.WEEK_HEADERS))
        if len(note) > 90:
            ws.row_dimensions[row].height = 30
    value_col = 2
    _add_name(wb, layout.VERSION_NAME, layout.SHEET_SETTINGS, _abs(value_col, layout.settings_row(layout.P_VERSION)))
    _add_name(wb, layout.DUE_SOON_NAME, layout.SHEET_SETTINGS, _abs(value_col, layout.settings_row(layout.P_DUE_SOON)))
    _validation(ws, f"B{layout.settings_row(layout.P_YEAR)}", "whole", operator="between", formula1=str(YEAR_MIN),
                formula2=str(YEAR_MAX), title="Tahun pelaporan",
                error=f"Isi tahun empat angka antara {YEAR_MIN} dan {YEAR_MAX}, mis. 2025.")
    _date_validation(ws, f"B{layout.settings_row(layout.P_DEADLINE)}", "Batas akhir")
    for label in (layout.P_DUE_SOON, layout.P_BACKUPS):
        _validation(ws, f"B{layout.settings_row(label)}", "whole", operator="between", formula1="0", formula2="1000",
                    title=label, error="Isi bilangan bulat 0 atau lebih.")
    _validation(ws, f"B{layout.settings_row(layout.P_SMTP_SECURITY)}", "list",
                formula1='"' + ",".join(layout.SMTP_SECURITY_CHOICES) + '"', title=layout.P_SMTP_SECURITY,
                error="Pilih Tanpa, STARTTLS atau SSL.")
    _validation(ws, f"B{layout.settings_row(layout.P_PREPARER)}", "list", formula1=layout.STAFF_NAMES_NAME,
                title=layout.P_PREPARER, style="warning",
                error=f"Pilih nama dari lembar {layout.SHEET_STAFF}.")
    _validation(ws, f"B{layout.settings_row(layout.P_SMTP_PORT)}", "textLength", operator="lessThanOrEqual",
                formula1="5", title=layout.P_SMTP_PORT, error="Isi nomor port, mis. 587, atau kosongkan.")
    cycle_validations(ws, {label: layout.settings_row(label) for label in layout.CYCLE_LABELS})

    ws.cell(row=layout.WEEK_TITLE_ROW, column=1, value=f"Jam kerja ({SOURCE_PERPRES})").font = _SUBTITLE
    header = layout.WEEK_HEADER_ROW
    _header(ws, header, 1, layout.WEEK_HEADERS)
    week = settings.week if len(settings.week) == 7 else DEFAULT_WEEK
    for i, (name, hours) in enumerate(zip(WEEKDAY_NAMES_ID, week)):
        row = header + 1 + i
        breaks = hours.breaks[0] if hours is not None and hours.breaks else (None, None)
        if hours is None:
            source = f"{SOURCE_PERPRES} Pasal 2: 5 hari kerja, Senin s.d. Jumat."
        elif i == 4:
            source = (f"{SOURCE_PERPRES} Pasal 3-4: 37 jam 30 menit seminggu di luar istirahat, masuk 07.30, "
                      "istirahat 90 menit hari Jumat. Jam setempat dapat berbeda.")
        else:
            source = (f"{SOURCE_PERPRES} Pasal 3-4: 37 jam 30 menit seminggu di luar istirahat, masuk 07.30, "
                      "istirahat 60 menit Senin-Kamis. Jam setempat dapat berbeda.")
        values = [name, layout.YES if hours is not None else layout.NO,
                  hours.start if hours else None, breaks[0], breaks[1], hours.end if hours else None, source]
        for column, value in enumerate(values, start=1):
            cell = ws.cell(row=row, column=column, value=value)
            if 3 <= column <= 6:
                cell.number_format = layout.TIME_FORMAT
        ws.cell(row=row, column=7).alignment = _WRAP
    last = header + 7
    _table(ws, layout.WEEK_TABLE_NAME, header, 1, last, len(layout.WEEK_HEADERS))
    _validation(ws, f"B{header + 1}:B{last}", "list", formula1=f'"{layout.YES},{layout.NO}"', title="Hari kerja?",
                error="Pilih Ya atau Tidak.")
    _validation(ws, f"C{header + 1}:F{last}", "time", operator="between", formula1="0", formula2="0.999305555555556",
                title="Jam", error="Isi jam seperti 07:30.")
    _build_special_hours(ws)
    _widths(ws, {"A": 28, "B": 24, "C": 12, "D": 16, "E": 17, "F": 12, "G": 70, "H": 12, "I": 40})


def cycle_rows(settings: Settings) -> dict[str, tuple[Any, str, str]]:
    """The Pengaturan rows of layout version 3, label -> (value, number format, source note): the period kind, the
    deadline rule and the time zone (also what `lkj upgrade` adds to an older tracker)."""
    rule = settings.deadline_rule
    rule_text = rule.describe() if rule is not None else (SOP_RULE_TEXT if settings.yearly else NO_RULE_TEXT)
    return {
        layout.P_PERIOD_KIND: (settings.period_kind, layout.TEXT_FORMAT,
                               f"Seberapa sering SOP ini dijalankan: {', '.join(layout.PERIOD_KIND_CHOICES)}. "
                               f"Tahunan ({SOURCE_SOP}): satu baris per tahun, kolom Tahun. Lainnya: kolom "
                               f"Periode, mis. 2025-S1, 2025-TW3, 2025-03, atau nama kegiatan."),
        layout.P_DEADLINE_RULE: (rule_text, layout.TEXT_FORMAT,
                                 f"Batas akhir tiap periode: tanggal setelah akhir periode (\"{SOP_RULE_TEXT}\" = "
                                 f"{SOURCE_SOP}; \"15/01\"), jumlah hari kerja setelah akhir periode (\"10 hari "
                                 f"kerja\"; per kegiatan: sejak Diterima langkah pertama) atau \"{NO_RULE_TEXT}\". "
                                 f"Hari libur dan akhir pekan dilewati; berakhir pada jam pulang. Kosong = "
                                 f"{SOP_RULE_TEXT} untuk tahunan, tidak ada untuk lainnya."),
        layout.P_TIMEZONE: (settings.timezone, layout.TEXT_FORMAT,
                            "WIB (UTC+7), WITA (UTC+8) atau WIT (UTC+9), Keputusan Presiden No. 41 Tahun 1987. "
                            "Waktu sekarang, batas waktu dan semua jam yang ditampilkan memakai zona ini."),
    }


def cycle_validations(ws, rows: dict[str, int]) -> None:
    """The dropdowns of "Periode siklus" and "Zona waktu" and the length check of "Aturan batas akhir", at the
    given sheet rows (column B)."""
    _validation(ws, f"B{rows[layout.P_PERIOD_KIND]}", "list",
                formula1='"' + ",".join(layout.PERIOD_KIND_CHOICES) + '"', title=layout.P_PERIOD_KIND,
                error="Pilih " + ", ".join(layout.PERIOD_KIND_CHOICES) + ".")
    _validation(ws, f"B{rows[layout.P_DEADLINE_RULE]}", "textLength", operator="lessThanOrEqual", formula1="60",
                title=layout.P_DEADLINE_RULE,
                prompt=f"Mis. {SOP_RULE_TEXT}, 15/01, 10 hari kerja, atau {NO_RULE_TEXT}.",
                error="Aturan terlalu panjang.")
    _validation(ws, f"B{rows[layout.P_TIMEZONE]}", "list", formula1='"' + ",".join(layout.TIMEZONE_CHOICES) + '"',
                title=layout.P_TIMEZONE, error="Pilih WIB, WITA atau WIT.")


def _build_special_hours(ws) -> None:
    """An empty table for periods with other hours (Ramadan: the MenPANRB circular of each year sets them)."""
    ws.cell(row=layout.SPECIAL_TITLE_ROW, column=1,
            value="Jam kerja khusus, mis. bulan Ramadan (diatur tiap tahun oleh Surat Edaran Menteri PANRB). "
                  "Satu baris per periode dan hari, mis. Senin-Kamis dan Jumat. Hari yang tidak disebut memakai jam "
                  "kerja biasa.").font = _SUBTITLE
    header = layout.SPECIAL_HEADER_ROW
    _header(ws, header, 1, layout.SPECIAL_HEADERS)
    first, last = header + 1, header + layout.SPECIAL_FREE_ROWS
    for row in range(first, last + 1):
        for column in (1, 2):
            ws.cell(row=row, column=column).number_format = layout.DATE_FORMAT
        for column in range(5, 9):
            ws.cell(row=row, column=column).number_format = layout.TIME_FORMAT
    _table(ws, layout.SPECIAL_TABLE_NAME, header, 1, last, len(layout.SPECIAL_HEADERS))
    _date_validation(ws, f"A{first}:B{last}", "Tanggal periode")
    _validation(ws, f"D{first}:D{last}", "list", formula1=f'"{layout.YES},{layout.NO}"', title="Hari kerja?",
                error="Pilih Ya atau Tidak.")
    _validation(ws, f"E{first}:H{last}", "time", operator="between", formula1="0", formula2="0.999305555555556",
                title="Jam", error="Isi jam seperti 08:00.")


def _build_holidays(ws, year: int) -> None:
    # The reporting year itself (a letter may arrive in December), the year the LKj is made, and one more for
    # safety.  Covering exactly the years the engine asks for also spares a ribbon click the holidays package.
    years = cycle_span(year)
    ws["A1"] = "Hari Libur Nasional, Cuti Bersama dan Libur Lokal"
    ws["A1"].font = _TITLE
    ws["A2"] = (f"Diisi otomatis untuk tahun {years[0]} s.d. {years[-1]} (Keppres hari libur nasional dan SKB cuti "
                "bersama, dari paket holidays). Tambahkan libur lokal di baris kosong (Jenis: Lokal). Bila SKB "
                "direvisi, isi 'Ya' pada kolom 'Bukan libur?' untuk membatalkan suatu tanggal.")
    ws["A2"].font = _NOTE
    header = layout.LIST_HEADER_ROW
    _header(ws, header, 1, layout.HOLIDAY_HEADERS)
    holidays = national_holidays(years)
    row = header
    for row, (day, name) in enumerate(holidays.items(), start=header + 1):
        note = "Tanggal perkiraan; periksa SKB terbaru." if "perkiraan" in name.casefold() else None
        values = [datetime(day.year, day.month, day.day), name, layout.holiday_kind(name), None, note]
        for column, value in enumerate(values, start=1):
            ws.cell(row=row, column=column, value=value)
    last = row + layout.HOLIDAY_FREE_ROWS
    below = header + max(layout.ENTRY_ROWS, last - header + 100)
    for r in range(header + 1, below + 1):
        ws.cell(row=r, column=1).number_format = layout.DATE_FORMAT
    _table(ws, layout.HOLIDAY_TABLE_NAME, header, 1, last, len(layout.HOLIDAY_HEADERS))
    _date_validation(ws, _col_range(1, header + 1, below), "Tanggal libur")
    _validation(ws, _col_range(3, header + 1, below), "list", formula1='"' + ",".join(layout.HOLIDAY_KINDS) + '"',
                title="Jenis", error="Pilih Nasional, Cuti Bersama atau Lokal.")
    _validation(ws, _col_range(4, header + 1, below), "list", formula1=f'"{layout.YES}"', title="Bukan libur?",
                error="Isi 'Ya' untuk membatalkan tanggal ini, atau kosongkan.")
    _widths(ws, {"A": 22, "B": 48, "C": 16, "D": 14, "E": 40})
    ws.freeze_panes = f"A{header + 1}"


def _staff_values(person: StaffEntry | Sequence[Any]) -> list[Any]:
    width = len(layout.STAFF_HEADERS)
    if isinstance(person, StaffEntry):
        values = [person.nama, person.nip, person.jabatan, person.keterangan, person.whatsapp, person.email,
                  person.pangkat]
    else:
        values = list(person)[:width] + [None] * (width - len(list(person)[:width]))
    if isinstance(values[1], int):
        values[1] = str(values[1])
    return values


def _build_staff(wb: Workbook, ws, staff: Iterable[StaffEntry | Sequence[Any]]) -> None:
    ws["A1"] = "Daftar Pegawai"
    ws["A1"].font = _TITLE
    ws["A2"] = ("Isi nama, NIP (18 angka, boleh dengan spasi) dan jabatan sesuai SOP. Pejabat Plt./Plh. ditulis di "
                "kolom Keterangan. Nama di sini muncul sebagai pilihan Pelaksana di lembar Langkah. No. WhatsApp "
                "dan Email (boleh kosong) dipakai untuk pengingat. Pangkat/Golongan tercetak di tanda tangan "
                "laporan.")
    ws["A2"].font = _NOTE
    header = layout.LIST_HEADER_ROW
    _header(ws, header, 1, layout.STAFF_HEADERS)
    people = [_staff_values(p) for p in staff]
    for offset, values in enumerate(people, start=1):
        for column, value in enumerate(values, start=1):
            ws.cell(row=header + offset, column=column, value=value)
    last = header + len(people) + layout.STAFF_FREE_ROWS
    below = header + layout.STAFF_NAME_ROWS
    whatsapp = layout.STAFF_HEADERS.index(layout.E_WHATSAPP) + 1
    email = layout.STAFF_HEADERS.index(layout.E_EMAIL) + 1
    for r in range(header + 1, below + 1):
        for column in (2, whatsapp, email):
            ws.cell(row=r, column=column).number_format = layout.TEXT_FORMAT
    _table(ws, layout.STAFF_TABLE_NAME, header, 1, last, len(layout.STAFF_HEADERS))
    _add_name(wb, layout.STAFF_NAMES_NAME, layout.SHEET_STAFF, _abs(1, header + 1, below))
    _validation(ws, _col_range(3, header + 1, below), "list", formula1=layout.ROLES_NAME, title="Jabatan",
                error=f"Pilih jabatan dari daftar; daftar jabatan ada di lembar {layout.SHEET_SOP} "
                      f"(kolom \"{layout.ROLES_HEADER}\").")
    _validation(ws, _col_range(2, header + 1, below), "textLength", operator="lessThanOrEqual", formula1="30",
                title="NIP", error="NIP terdiri dari 18 angka (boleh dengan spasi).",
                prompt="18 angka, mis. 19800101 200501 1 001.")
    _validation(ws, _col_range(whatsapp, header + 1, below), "textLength", operator="lessThanOrEqual",
                formula1="30", title=layout.E_WHATSAPP, style="warning",
                error="Nomor HP terlalu panjang; tulis mis. 0812-3456-7890.",
                prompt="Nomor HP yang memakai WhatsApp, mis. 0812-3456-7890 atau +62 812 3456 7890. Dipakai untuk "
                       "tautan pengingat di Beranda.")
    _validation(ws, _col_range(email, header + 1, below), "textLength", operator="lessThanOrEqual",
                formula1="254", title=layout.E_EMAIL, style="warning", error="Alamat email terlalu panjang.",
                prompt="Alamat email untuk pengingat dan undangan kalender, mis. nama@madiunkota.go.id.")
    _widths(ws, {"A": 34, "B": 26, "C": 20, "D": 30, "E": 20, "F": 30, "G": 28})
    ws.freeze_panes = f"A{header + 1}"


def _first_key(kind: str, year: int) -> Any:
    """The key the first row of a new step table holds: the year, the year's first period, nothing for an
    activity (its name is typed when it starts)."""
    if kind == PER_KEGIATAN:
        return None
    if kind == TAHUNAN:
        return year
    return str(current_period(kind, date(year, 1, 1)))


def _build_step(ws, sop: Sop, step, year: int, kind: str = TAHUNAN) -> None:
    ws["A1"] = f"Langkah {step.number} dari {len(sop.steps)} - SOP {sop.nomor} {sop.nama}"
    ws["A1"].font = _SUBTITLE
    last_col = len(layout.STEP_HEADERS)
    for label, value in zip(layout.STEP_HEADER_LABELS, step_header_values(step)):
        row = layout.STEP_HEADER_FIRST_ROW + layout.STEP_HEADER_LABELS.index(label)
        ws.cell(row=row, column=1, value=label).font = _LABEL
        cell = ws.cell(row=row, column=2, value=value)
        cell.alignment = _WRAP
        cell.fill = _VALUE_FILL
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=last_col)
    ws.row_dimensions[layout.STEP_HEADER_FIRST_ROW].height = 32
    # The engine rewrites these value cells from the SOP sheet: it finds them by this name, never by their labels.
    last_top = layout.STEP_HEADER_FIRST_ROW + len(layout.STEP_HEADER_LABELS) - 1
    _add_name(ws.parent, layout.step_top_name(step.number), ws.title, _abs(2, layout.STEP_HEADER_FIRST_ROW, last_top))
    per = "tahun pelaporan" if kind == TAHUNAN else f"periode ({kind}, kolom {layout.F_PERIOD})"
    note = ws.cell(row=layout.STEP_NOTE_ROW, column=1,
                   value=f"Isi satu baris per {per}. Tanggal dan jam, mis. {DATETIME_EXAMPLE}. Kolom abu-abu "
                         "dihitung otomatis oleh Hitung Batas Waktu (atau lkj refresh); jangan diisi. Langkah yang "
                         "dikembalikan lalu diulang: Diterima tetap saat pertama diterima, Selesai saat terakhir "
                         "selesai, Ulang = berapa kali dikembalikan.")
    note.font = _NOTE

    header = layout.STEP_TABLE_HEADER_ROW
    columns = {label: i for i, label in enumerate(layout.STEP_HEADERS, start=1)}
    first_computed = columns[layout.STEP_COMPUTED_HEADERS[0]]
    last_computed = columns[layout.STEP_COMPUTED_HEADERS[-1]]
    computed_note = ws.cell(row=layout.STEP_COMPUTED_NOTE_ROW, column=first_computed, value=layout.COMPUTED_NOTE)
    computed_note.font = _NOTE
    computed_note.alignment = Alignment(horizontal="center")
    ws.merge_cells(start_row=layout.STEP_COMPUTED_NOTE_ROW, start_column=first_computed,
                   end_row=layout.STEP_COMPUTED_NOTE_ROW, end_column=last_computed)
    for label in layout.STEP_ENTRY_HEADERS:
        _header(ws, header, columns[label], (layout.key_header(kind) if label == layout.F_YEAR else label,))
    _header(ws, header, first_computed, layout.STEP_COMPUTED_HEADERS, _COMPUTED_HEADER_FILL)
    for label in layout.STEP_COMPUTED_HEADERS:
        ws.cell(row=header, column=columns[label]).font = Font(bold=True, italic=True, color="FFFFFF")
    ws.cell(row=header, column=first_computed).comment = Comment(
        "Kolom abu-abu dihitung otomatis (Hitung Batas Waktu / lkj refresh). Jangan diisi.", "lkj-xl")

    ws.cell(row=header + 1, column=columns[layout.F_YEAR], value=_first_key(kind, year))
    first, below = header + 1, header + layout.ENTRY_ROWS
    if kind != TAHUNAN:
        for r in range(first, below + 1):  # "2025-03" stays text (Excel would make it a date)
            ws.cell(row=r, column=columns[layout.F_YEAR]).number_format = layout.TEXT_FORMAT
    datetime_cols = [columns[layout.F_RECEIVED], columns[layout.F_COMPLETED], columns[layout.C_START], columns[layout.C_DUE],
                     columns[layout.C_LATEST]]
    hours_cols = [columns[layout.C_LATE], columns[layout.C_ACTUAL]]
    computed_cols = [columns[label] for label in layout.STEP_COMPUTED_HEADERS]
    for r in range(first, below + 1):
        for c in datetime_cols:
            ws.cell(row=r, column=c).number_format = layout.DATETIME_FORMAT
        for c in hours_cols:
            ws.cell(row=r, column=c).number_format = layout.HOURS_FORMAT
        for c in computed_cols:
            ws.cell(row=r, column=c).fill = _COMPUTED_FILL
    _table(ws, layout.step_table(step.number), header, 1, header + 1, last_col)

    if kind == TAHUNAN:
        _validation(ws, _col_range(columns[layout.F_YEAR], first, below), "whole", operator="between",
                    formula1=str(YEAR_MIN), formula2=str(YEAR_MAX), title="Tahun",
                    error=f"Isi tahun pelaporan empat angka antara {YEAR_MIN} dan {YEAR_MAX}.")
    else:
        example = PERIOD_EXAMPLES[kind]
        _validation(ws, _col_range(columns[layout.F_YEAR], first, below), "textLength", operator="lessThanOrEqual",
                    formula1=str(PERIOD_LABEL_MAX), title=layout.F_PERIOD,
                    error=f"Isi periode seperti {example} (paling banyak {PERIOD_LABEL_MAX} karakter).",
                    prompt=f"Satu baris per periode ({kind}), mis. {example}.")
    for label in layout.STEP_DATE_HEADERS:
        _date_validation(ws, _col_range(columns[label], first, below), f"Tanggal {label.lower()}", with_time=True)
    _validation(ws, _col_range(columns[layout.F_PELAKSANA], first, below), "list", formula1=layout.STAFF_NAMES_NAME,
                title="Pelaksana", style="warning",
                error="Nama ini tidak ada di daftar pegawai (lembar Pegawai). Tambahkan dulu di lembar Pegawai, atau "
                      "pilih 'Ya' untuk tetap menyimpannya.")
    _validation(ws, _col_range(columns[layout.F_KELENGKAPAN], first, below), "list", formula1=f'"{layout.YES},{layout.NO}"',
                title="Kelengkapan", error="Pilih Ya atau Tidak.",
                prompt=f"Apakah kelengkapan ({step.kelengkapan or '-'}) diterima lengkap?")
    _validation(ws, _col_range(columns[layout.F_ULANG], first, below), "whole", operator="greaterThanOrEqual",
                formula1="0", title="Ulang", error="Isi bilangan bulat 0 atau lebih (berapa kali dikembalikan).",
                prompt="Berapa kali langkah ini dikembalikan dan diulang (kosong = 0). Diterima tetap saat pertama "
                       "diterima, Selesai saat terakhir selesai.")
    for r in range(first, below + 1):
        ws.cell(row=r, column=columns[layout.F_ULANG]).number_format = "0"
    computed_ref = f"{get_column_letter(first_computed)}{first}:{get_column_letter(last_computed)}{below}"
    _validation(ws, computed_ref, "custom", formula1=f"ISBLANK({get_column_letter(first_computed)}{first})",
                title="Dihitung otomatis",
                error="Kolom ini dihitung otomatis oleh Hitung Batas Waktu (lkj refresh) dan tidak diisi tangan.")

    _status_colours(ws, columns, first, below)

    widths = {layout.F_YEAR: 18, layout.F_RECEIVED: 24, layout.F_COMPLETED: 24, layout.F_PELAKSANA: 28,
              layout.F_KELENGKAPAN: 13, layout.F_NOMOR: 20, layout.F_CATATAN: 32, layout.F_ULANG: 8,
              layout.C_START: 24, layout.C_DUE: 24, layout.C_STATUS: 20, layout.C_LATE: 13, layout.C_ACTUAL: 14,
              layout.C_LATEST: 24}
    _widths(ws, {get_column_letter(columns[label]): widths.get(label, 16) for label in layout.STEP_HEADERS})
    ws.row_dimensions[header].height = 32
    ws.freeze_panes = f"B{header + 1}"
    fit_a4(ws, "landscape")


def status_colour_rules(columns: dict[str, int], first: int) -> list[tuple[str, str]]:
    """The step sheets' colour rules, in order (the first that holds wins): (formula for row ``first``, colour
    "red" / "green" / "amber").

    Colours follow the Status the engine wrote, so after a refresh they never say anything else: "Selesai
    terlambat" and "Terlambat" red, the other done statuses green.  Between refreshes one live rule turns a running
    step red once Excel's clock passes its Batas Waktu, but only when that due lies after the last refresh
    (``LKJ_DIPERBARUI``, Beranda's "Diperbarui pada"): a due already passed at the refresh was judged by the engine in
    working time (a due at 16.00 is not late at 17.00), and the Status says so.  Amber: running and due within the
    early-warning hours of clock time (Excel cannot count working hours)."""
    status = f"${get_column_letter(columns[layout.C_STATUS])}{first}"
    due = f"${get_column_letter(columns[layout.C_DUE])}{first}"
    done = f"${get_column_letter(columns[layout.F_COMPLETED])}{first}"
    labels = STATUS_LABELS
    running = f'{status}="{labels[STATUS_RUNNING]}",{done}="",ISNUMBER({due})'
    return [
        (f'{status}="{labels[STATUS_DONE_LATE]}"', "red"),
        (f'OR({status}="{labels[STATUS_DONE_ON_TIME]}",{status}="{labels[STATUS_DONE]}")', "green"),
        (f'{status}="{labels[STATUS_OVERDUE]}"', "red"),
        (f'AND({running},{due}<NOW(),ISNUMBER({layout.UPDATED_NAME}),{due}>{layout.UPDATED_NAME})', "red"),
        (f'AND({running},{due}>=NOW(),({due}-NOW())*24<={layout.DUE_SOON_NAME})', "amber"),
    ]


def _status_colours(ws, columns: dict[str, int], first: int, below: int) -> None:
    """Batas Waktu and Status coloured by :func:`status_colour_rules`."""
    flagged = (f"{get_column_letter(columns[layout.C_DUE])}{first}:"
               f"{get_column_letter(columns[layout.C_STATUS])}{below}")
    styles = {"red": _RED, "green": _GREEN, "amber": _AMBER}
    for formula, colour in status_colour_rules(columns, first):
        fill, font = styles[colour]
        ws.conditional_formatting.add(flagged, FormulaRule(formula=[formula], fill=fill, font=font, stopIfTrue=True))


def _build_evaluation(ws, sop: Sop, year: int, kind: str = TAHUNAN) -> None:
    from lkj_xl.authoring.evaluation_sheet import build_evaluation_sheet

    build_evaluation_sheet(ws, sop, _first_key(kind, year), kind=kind, header_font=_HEADER_FONT, header_fill=_HEADER_FILL, note_font=_NOTE,
                           title_font=_TITLE, border=_BOX, table_style=_TABLE_STYLE)


def _build_report(ws, sop: Sop, settings: Settings) -> None:
    build_report_template(ws, sop, settings)


def _build_problems(ws) -> None:
    _header(ws, 1, 1, layout.PROBLEM_HEADERS + (layout.M_LINK,))
    link_col = get_column_letter(layout.PROBLEM_LINK_COLUMN)
    for r in range(2, layout.PROBLEM_LINK_ROWS + 2):
        ws[f"{link_col}{r}"] = (f'=IF($B{r}="","",HYPERLINK("#"&"\'"&SUBSTITUTE($A{r},"\'","\'\'")&"\'!"&$B{r},'
                                f'"Buka"))')
        ws[f"{link_col}{r}"].font = Font(color="0563C1", underline="single")
    message = layout.PROBLEM_HEADERS.index(layout.M_MESSAGE) + 1
    # The Kode (for machines and support) is secondary: right of the Pesan, narrow, small grey type.
    code = layout.PROBLEM_HEADERS.index(layout.M_CODE) + 1
    for r in range(2, layout.PROBLEM_LINK_ROWS + 2):  # a long message wraps; refresh sets the row's height
        ws.cell(row=r, column=message).alignment = _WRAP
        ws.cell(row=r, column=code).font = _SECONDARY
    _widths(ws, PROBLEM_WIDTHS)
    # When the list was made: written by every check (text, "6 Januari 2026 08.00 WIB").
    checked = layout.PROBLEM_CHECKED_COLUMN
    _header(ws, 1, checked, layout.PROBLEM_CHECKED_HEADERS)
    ws.cell(row=2, column=checked, value="Belum pernah diperiksa").font = _NOTE
    for offset in range(len(layout.PROBLEM_CHECKED_HEADERS)):
        ws.column_dimensions[get_column_letter(checked + offset)].width = 26
    ws.freeze_panes = "A2"


def _build_history(ws) -> None:
    _header(ws, 1, 1, layout.HISTORY_HEADERS)
    for r in range(2, layout.HISTORY_CAP + 2):
        ws.cell(row=r, column=1).number_format = layout.DATETIME_FORMAT
        ws.cell(row=r, column=layout.HISTORY_HEADERS.index(layout.R_AS_OF) + 1).number_format = layout.DATETIME_FORMAT
    ws.cell(row=1, column=1).comment = Comment(
        "Waktu: saat tindakan benar-benar dijalankan (jam komputer). Keadaan per: waktu yang dipakai untuk "
        "menghitung (sama, kecuali dipilih lain dengan --as-of).", "lkj-xl")
    _widths(ws, HISTORY_WIDTHS)
    ws.freeze_panes = "A2"


def _build_closed(ws, kind: str = TAHUNAN) -> None:
    """The closed cycles (``lkj tutup``): the engine writes one row per closed cycle (key column Tahun, or Periode
    for a non-yearly SOP); see lkj_xl.workbook.closing."""
    _header(ws, 1, 1, layout.closed_headers(kind))
    for r in range(2, 2 + 50):
        if kind != TAHUNAN:  # "2025-03" stays text (Excel would make it a date)
            ws.cell(row=r, column=1).number_format = layout.TEXT_FORMAT
        ws.cell(row=r, column=2).number_format = layout.DATETIME_FORMAT
        ws.cell(row=r, column=5).number_format = layout.DATETIME_FORMAT
        for c in (4, 6, 7):
            ws.cell(row=r, column=c).alignment = _WRAP
    _widths(ws, layout.CLOSED_WIDTHS)
    ws.freeze_panes = "A2"


__all__ = ["build_tracker"]
