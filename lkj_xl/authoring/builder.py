"""Build a new tracker workbook (.xlsx) with openpyxl: every sheet, table, dropdown and format, in Indonesian.

The layout comes from :mod:`lkj_xl.workbook.layout`; the values the engine later rewrites (Beranda, the top block of each step
sheet, computed columns) are formatted here once and only ever written as values afterwards.

The sheet families live in :mod:`~lkj_xl.authoring.setup_sheets` (SOP, Pengaturan, Jam Khusus, Hari Libur, Pegawai)
and :mod:`~lkj_xl.authoring.step_sheets` (Langkah N, Evaluasi), their shared look in
:mod:`~lkj_xl.authoring.sheet_style`; here: the workbook, Beranda and the engine's own sheets.

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
from pathlib import Path
from typing import Any, Iterable, Sequence

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from lkj_xl.authoring import sheet_style as st
from lkj_xl.authoring.page_setup import apply_page_setup
from lkj_xl.authoring.report_template import build_report_template, fit_a4
from lkj_xl.authoring.setup_sheets import build_holidays, build_settings, build_sop, build_staff
from lkj_xl.authoring.step_sheets import build_evaluation, build_step
from lkj_xl.core.entries import StaffEntry
from lkj_xl.core.errors import ParseError
from lkj_xl.core.periods import TAHUNAN, parse_kind, parse_rule
from lkj_xl.core.settings import DEFAULT_GOVERNMENT, Settings
from lkj_xl.core.sop import DEFAULT_SOP, Sop
from lkj_xl.core.zones import parse_zone_name
from lkj_xl.workbook import layout
from lkj_xl.workbook.printing import HISTORY_WIDTHS, PROBLEM_WIDTHS

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
    build_sop(wb, sheets[layout.SHEET_SOP], sop)
    build_settings(wb, sheets[layout.SHEET_SETTINGS], settings)
    build_holidays(sheets[layout.SHEET_HOLIDAYS], year)
    build_staff(wb, sheets[layout.SHEET_STAFF], staff)
    for step in sop.steps:
        build_step(sheets[layout.step_sheet(step.number)], sop, step, year, settings.period_kind)
    build_evaluation(sheets[layout.SHEET_EVALUATION], sop, year, settings.period_kind)
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
    ws["A1"].font = st.TITLE
    ws["A2"] = f"{sop.nama} (SOP {sop.nomor}), {settings.government}"
    ws["A2"].font = st.SUBTITLE
    initial = {layout.B_YEAR: settings.year, layout.B_OVERALL: "Belum dihitung", layout.B_UPDATED: "Belum pernah diperbarui"}
    for label in layout.BERANDA_FIELDS:
        row = layout.beranda_row(label)
        label_cell = ws.cell(row=row, column=layout.BERANDA_LABEL_COLUMN, value=label)
        label_cell.font = st.LABEL
        label_cell.alignment = Alignment(vertical="top")
        cell = ws.cell(row=row, column=layout.BERANDA_VALUE_COLUMN, value=initial.get(label))
        cell.fill = st.VALUE_FILL
        cell.border = st.BOX
        cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="left")
        if label in (layout.B_DEADLINE, layout.B_STEP_DUE, layout.B_PROJECTED, layout.B_UPDATED):
            cell.number_format = layout.DATETIME_FORMAT
        elif label in (layout.B_YEAR, layout.B_DAYS_LEFT):
            cell.number_format = "0"
    # The last refresh's as-of instant: the step sheets' live colour rule compares Batas Waktu with it.
    st.add_name(ws.parent, layout.UPDATED_NAME, ws.title,
              st.abs(layout.BERANDA_VALUE_COLUMN, layout.beranda_row(layout.B_UPDATED)))
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
    ws.cell(row=row, column=1, value="Cara memakai").font = st.SUBTITLE
    steps = len(sop.steps)
    lines = [
        "1. Isi daftar pegawai di lembar Pegawai (Nama, NIP, Jabatan sesuai SOP). Pejabat Plt./Plh. ditulis di "
        "kolom Keterangan.",
        f"2. Setiap langkah SOP punya lembar sendiri (Langkah 1 s.d. Langkah {steps}). Isi satu baris per tahun "
        f"pelaporan: Tahun, Diterima dan Selesai (tanggal dan jam, mis. {st.DATETIME_EXAMPLE}), Pelaksana, Kelengkapan "
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
        cell.alignment = st.WRAP
        ws.row_dimensions[row + offset].height = 32
    assert len(lines) <= layout.BERANDA_INSTRUCTION_LINES
    last = row + len(lines)
    # the "Pengingat" block: refresh writes its title, header and rows (see writers.write_reminders)
    ws.cell(row=layout.REMINDERS_TITLE_ROW, column=1, value=layout.REMINDERS_TITLE).font = st.SUBTITLE
    ws.cell(row=layout.REMINDERS_TITLE_ROW, column=2,
            value="Diisi saat Hitung Batas Waktu atau tombol Pengingat: langkah yang terlambat, segera jatuh tempo "
                  "atau berikutnya, dengan tautan WhatsApp.").font = st.NOTE
    st.header(ws, layout.REMINDERS_HEADER_ROW, 1, layout.REMINDER_HEADERS)
    for r in range(layout.REMINDERS_HEADER_ROW + 1, layout.REMINDERS_HEADER_ROW + 1 + 20):
        for c in range(1, len(layout.REMINDER_HEADERS) + 1):
            ws.cell(row=r, column=c).alignment = st.WRAP
        ws.cell(row=r, column=layout.REMINDER_LINK_COLUMN).font = Font(color="0563C1", underline="single")
    st.widths(ws, {"A": 28, "B": 70, "C": 22, "D": 34, "E": 20, "F": 30})
    ws.print_area = f"A1:C{last}"
    fit_a4(ws, "portrait", centered=True)
    ws.oddHeader.center.text = "Pelacak LKj"
    ws.oddFooter.right.text = "Halaman &P dari &N"




def _build_report(ws, sop: Sop, settings: Settings) -> None:
    build_report_template(ws, sop, settings)


def _build_problems(ws) -> None:
    st.header(ws, 1, 1, layout.PROBLEM_HEADERS + (layout.M_LINK,))
    link_col = get_column_letter(layout.PROBLEM_LINK_COLUMN)
    for r in range(2, layout.PROBLEM_LINK_ROWS + 2):
        ws[f"{link_col}{r}"] = (f'=IF($B{r}="","",HYPERLINK("#"&"\'"&SUBSTITUTE($A{r},"\'","\'\'")&"\'!"&$B{r},'
                                f'"Buka"))')
        ws[f"{link_col}{r}"].font = Font(color="0563C1", underline="single")
    message = layout.PROBLEM_HEADERS.index(layout.M_MESSAGE) + 1
    # The Kode (for machines and support) is secondary: right of the Pesan, narrow, small grey type.
    code = layout.PROBLEM_HEADERS.index(layout.M_CODE) + 1
    for r in range(2, layout.PROBLEM_LINK_ROWS + 2):  # a long message wraps; refresh sets the row's height
        ws.cell(row=r, column=message).alignment = st.WRAP
        ws.cell(row=r, column=code).font = st.SECONDARY
    st.widths(ws, PROBLEM_WIDTHS)
    # When the list was made: written by every check (text, "6 Januari 2026 08.00 WIB").
    checked = layout.PROBLEM_CHECKED_COLUMN
    st.header(ws, 1, checked, layout.PROBLEM_CHECKED_HEADERS)
    ws.cell(row=2, column=checked, value="Belum pernah diperiksa").font = st.NOTE
    for offset in range(len(layout.PROBLEM_CHECKED_HEADERS)):
        ws.column_dimensions[get_column_letter(checked + offset)].width = 26
    ws.freeze_panes = "A2"


def _build_history(ws) -> None:
    st.header(ws, 1, 1, layout.HISTORY_HEADERS)
    for r in range(2, layout.HISTORY_CAP + 2):
        ws.cell(row=r, column=1).number_format = layout.DATETIME_FORMAT
        ws.cell(row=r, column=layout.HISTORY_HEADERS.index(layout.R_AS_OF) + 1).number_format = layout.DATETIME_FORMAT
    ws.cell(row=1, column=1).comment = Comment(
        "Waktu: saat tindakan benar-benar dijalankan (jam komputer). Keadaan per: waktu yang dipakai untuk "
        "menghitung (sama, kecuali dipilih lain dengan --as-of).", "lkj-xl")
    st.widths(ws, HISTORY_WIDTHS)
    ws.freeze_panes = "A2"


def _build_closed(ws, kind: str = TAHUNAN) -> None:
    """The closed cycles (``lkj tutup``): the engine writes one row per closed cycle (key column Tahun, or Periode
    for a non-yearly SOP); see lkj_xl.workbook.closing."""
    st.header(ws, 1, 1, layout.closed_headers(kind))
    for r in range(2, 2 + 50):
        if kind != TAHUNAN:  # "2025-03" stays text (Excel would make it a date)
            ws.cell(row=r, column=1).number_format = layout.TEXT_FORMAT
        ws.cell(row=r, column=2).number_format = layout.DATETIME_FORMAT
        ws.cell(row=r, column=5).number_format = layout.DATETIME_FORMAT
        for c in (4, 6, 7):
            ws.cell(row=r, column=c).alignment = st.WRAP
    st.widths(ws, layout.CLOSED_WIDTHS)
    ws.freeze_panes = "A2"


__all__ = ["build_tracker"]
