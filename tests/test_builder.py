"""The tracker workbook as built: sheets, tables, validations, formats; reopened with openpyxl and checked cell by cell."""

from datetime import date, datetime

import openpyxl
import pytest

from lkj_xl.workbook import layout
from lkj_xl.engines.openpyxl_book import FileBook
from lkj_xl.authoring.builder import build_tracker
from lkj_xl.core.worktime import DEFAULT_WEEK
from lkj_xl.core.entries import StaffEntry
from lkj_xl.core.settings import Settings
from lkj_xl.core.sop import DEFAULT_SOP, IDENTITY_FIELDS, Step
from lkj_xl.workbook.reader import load_tracker

AGENCY = "Inspektorat Kota Madiun"
STAFF = [("Drs. Budi Santoso", "19800101 200501 1 001", "Kepala Dinas", None),
         StaffEntry(0, "Siti Aminah", "198505052010012002", "Kasubag", "Plt.")]


@pytest.fixture(scope="module")
def built(templates, tmp_path_factory):
    return templates.copy(templates.blank(agency=AGENCY, staff=STAFF), tmp_path_factory.mktemp("build"),
                          "LKj_Tracker.xlsx")


@pytest.fixture(scope="module")
def wb(built):
    return openpyxl.load_workbook(built)


def row_values(ws, row, first=1, count=None):
    count = count or ws.max_column
    return [ws.cell(row=row, column=c).value for c in range(first, first + count)]


def test_every_sheet_in_order(wb):
    assert wb.sheetnames == (["Beranda", "SOP", "Pengaturan", "Hari Libur", "Pegawai"]
                             + [f"Langkah {n}" for n in range(1, 9)]
                             + ["Evaluasi", "Laporan", "Masalah", "Riwayat", "Siklus Tertutup"])
    assert wb.active.title == "Beranda"


def test_indonesian_headers(wb):
    assert row_values(wb["SOP"], 19, 1, 9) == ["No", "Uraian Prosedur", "Pelaksana", "Pelaksana Lain", "Kelengkapan",
                                              "Waktu", "Waktu Rencana", "Output", "Keterangan"]
    assert wb["SOP"]["J19"].value is None and wb["SOP"]["K3"].value == "Jabatan Pelaksana"  # a gap beside tblSOP
    assert row_values(wb["SOP"], 19, 13, 4) == ["Langkah", "Simbol", "Cabang", "Waktu Bersama"]
    assert wb["SOP"]["L19"].value is None  # a gap between the roles list and the flow table
    assert row_values(wb["Pengaturan"], layout.WEEK_HEADER_ROW, 1, 7) == ["Hari", "Hari kerja?", "Jam masuk", "Mulai istirahat",
                                                     "Selesai istirahat", "Jam pulang", "Sumber"]
    assert row_values(wb["Hari Libur"], 3, 1, 5) == ["Tanggal", "Nama", "Jenis", "Bukan libur?", "Keterangan"]
    assert row_values(wb["Pegawai"], 3, 1, 6) == ["Nama", "NIP", "Jabatan", "Keterangan", "No. WhatsApp",
                                                  "Email"]
    assert row_values(wb["Masalah"], 1, 1, 9) == ["Lembar", "Sel", "Tingkat", "Pesan", "Kode", "Buka", None,
                                                  "Diperiksa pada", "Keadaan per"]
    assert row_values(wb["Riwayat"], 1, 1, 5) == ["Waktu", "Pengguna", "Aksi", "Rincian", "Keadaan per"]
    for n in range(1, 9):
        ws = wb[f"Langkah {n}"]
        assert row_values(ws, 12, 1, 13) == [
            "Tahun", "Diterima", "Selesai", "Pelaksana", "Kelengkapan", "Nomor Output", "Catatan",
            "Mulai", "Batas Waktu", "Status", "Terlambat (jam kerja)", "Waktu Aktual (jam kerja)",
            "Batas Akhir Rencana"]
        assert ws["H11"].value == "dihitung otomatis" and ws["H11"].font.i
        assert [ws.cell(row=r, column=1).value for r in range(3, 10)] == list(layout.STEP_HEADER_LABELS)


def test_beranda_labels_value_cells_and_print_setup(wb):
    ws = wb["Beranda"]
    assert AGENCY in ws["A1"].value
    assert [ws.cell(row=r, column=1).value for r in range(4, 16)] == [
        "Tahun pelaporan", "Batas akhir", "Sisa hari kerja", "Langkah saat ini", "Dipegang oleh",
        "Batas waktu langkah ini", "Status terhadap batas akhir", "Perkiraan selesai", "Catatan perkiraan",
        "Langkah terlambat saat ini", "Masalah data", "Diperbarui pada"]
    assert ws["B4"].value == 2025
    assert ws["B5"].number_format == layout.DATETIME_FORMAT
    # the "Masalah data" row links to Masalah: an internal cell hyperlink the builder makes once
    assert ws["C14"].value == "Buka lembar Masalah" and ws["C14"].hyperlink.location == "'Masalah'!A1"
    assert ws["C14"].hyperlink.target is None
    text = " ".join(str(ws.cell(row=r, column=1).value) for r in range(17, 27))
    for word in ("Validasi", "Hitung Batas Waktu", "Buat Laporan", "lkj refresh"):
        assert word in text
    assert ws.print_area and ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage


def test_tables_and_refs(wb):
    for n in range(1, 9):
        tables = dict(wb[f"Langkah {n}"].tables.items())
        assert tables == {f"tblLangkah{n}": "A12:N13"}
    assert dict(wb["SOP"].tables.items()) == {"tblSOP": "A19:I27", "tblAlurSOP": "M19:P27"}
    week, special = layout.WEEK_HEADER_ROW, layout.SPECIAL_HEADER_ROW
    assert dict(wb["Pengaturan"].tables.items()) == {
        "tblJamKerja": f"A{week}:G{week + 7}", "tblJamKhusus": f"A{special}:I{special + layout.SPECIAL_FREE_ROWS}"}
    staff_ref = dict(wb["Pegawai"].tables.items())["tblPegawai"]
    assert staff_ref == f"A3:G{3 + len(STAFF) + layout.STAFF_FREE_ROWS}"
    assert dict(wb["Evaluasi"].tables.items()) == {"tblEvaluasi": f"A4:G{4 + 8 + 7 + layout.EVALUATION_FREE_ROWS}"}
    holiday_ref = dict(wb["Hari Libur"].tables.items())["tblHariLibur"]
    assert holiday_ref.startswith("A3:E")


def test_step_sheet_validations(wb):
    ws = wb["Langkah 3"]
    by_range = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    assert by_range["A13:A212"].type == "whole"
    for col in "BC":
        dv = by_range[f"{col}13:{col}212"]
        assert dv.type == "date" and dv.operator == "between"
        assert dv.formula1 == "DATE(2000,1,1)" and dv.formula2 == "DATE(2100,12,31)"
        assert "tanggal" in dv.error and "1 Januari 2000" in dv.error
    assert by_range["D13:D212"].type == "list" and by_range["D13:D212"].formula1 == "DaftarPegawai"
    assert by_range["E13:E212"].type == "list" and by_range["E13:E212"].formula1 == '"Ya,Tidak"'
    assert by_range["H13:M212"].type == "custom"


def test_step_sheet_formats_and_prefilled_year(wb):
    ws = wb["Langkah 5"]
    assert ws["A13"].value == 2025
    assert all(ws.cell(row=13, column=c).value is None for c in range(2, 14))
    assert ws.freeze_panes == "B13"
    for col in "BCHIM":
        assert ws[f"{col}13"].number_format == '[$-421]d mmmm yyyy hh"."mm'  # "6 Januari 2026 08.00"
        assert ws[f"{col}212"].number_format == '[$-421]d mmmm yyyy hh"."mm'
    for col in "HIJKLM":
        assert ws[f"{col}13"].fill.fgColor.rgb.endswith("E7E6E6")
    for col in "KL":  # Terlambat / Waktu Aktual (jam kerja): "35", not "35.00" (tests/test_printing.py renders it)
        assert ws[f"{col}13"].number_format == "General" and ws[f"{col}212"].number_format == "General"
    assert ws["B3"].value == DEFAULT_SOP.step(5).uraian
    assert ws["B4"].value == "Kasubag"


def test_defined_names(wb):
    names = {name: dn.attr_text for name, dn in wb.defined_names.items()}
    assert names["DaftarPegawai"] == "'Pegawai'!$A$4:$A$503"
    assert names["DaftarJabatan"].startswith("'SOP'!$K$4:$K$")
    assert names["LKJ_VERSI_TATA_LETAK"] == "'Pengaturan'!$B$11"
    assert names["LKJ_PERINGATAN_DINI"] == "'Pengaturan'!$B$9"
    assert wb["Pengaturan"]["A11"].value == "Versi tata letak" and wb["Pengaturan"]["B11"].value == layout.LAYOUT_VERSION


def test_sop_sheet_identity_and_roles(wb):
    ws = wb["SOP"]
    for offset, (label, attr) in enumerate(IDENTITY_FIELDS):
        value = getattr(DEFAULT_SOP, attr)
        assert ws.cell(row=4 + offset, column=1).value == label
        expected = "\n".join(value) if isinstance(value, tuple) else value
        assert ws.cell(row=4 + offset, column=2).value == expected
    assert [ws.cell(row=r, column=11).value for r in range(3, 9)] == ["Jabatan Pelaksana", *DEFAULT_SOP.roles]
    assert row_values(ws, 22, 1, 9) == [3, DEFAULT_SOP.step(3).uraian, "Kasubag", None, "surat masuk dan disposisi",
                                        "2 minggu", None, "surat masuk dan disposisi", None]
    assert ws["D21"].value == "Kabid"


def test_sop_round_trips(built):
    tracker = load_tracker(FileBook.open(built))
    assert tracker.problems == []
    assert tracker.sop == DEFAULT_SOP
    for built_step, default_step in zip(tracker.sop.steps, DEFAULT_SOP.steps):
        assert built_step.standard == default_step.standard
    assert tracker.sop.step(3).standard.amount == 10


def test_settings_round_trip(built):
    settings = load_tracker(FileBook.open(built)).settings
    # Tempat is prefilled from the government's name (a value the admin changes), never derived when reporting
    assert settings == Settings(year=2025, agency=AGENCY, government="Pemerintah Kota Madiun", place="Madiun")
    assert settings.week == DEFAULT_WEEK


def test_custom_settings_and_short_sop(tmp_path):
    sop = DEFAULT_SOP.with_steps((Step(1, "Mulai", "Kepala Dinas", (), "surat", "1 hari kerja", "disposisi"),
                                  Step(2, "Kirim", "JFU", (), "disposisi", "30 menit", "surat terkirim")))
    settings = Settings(year=1, deadline_override=datetime(2027, 2, 26, 16, 0), due_soon_hours=8, backups=3,
                        week=DEFAULT_WEEK[:4] + (None, None, None))
    path = build_tracker(tmp_path / "kecil.xlsx", year=2026, agency="Dinas X", government="Pemerintah Kota Y",
                         sop=sop, settings=settings)
    wb = openpyxl.load_workbook(path)
    assert [n for n in wb.sheetnames if n.startswith("Langkah")] == ["Langkah 1", "Langkah 2"]
    tracker = load_tracker(FileBook.open(path))
    assert tracker.problems == []
    assert tracker.sop == sop
    assert tracker.settings == Settings(year=2026, agency="Dinas X", government="Pemerintah Kota Y",
                                        deadline_override=datetime(2027, 2, 26, 16, 0), due_soon_hours=8, backups=3,
                                        week=DEFAULT_WEEK[:4] + (None, None, None), place="Y")
    thursday = layout.WEEK_HEADER_ROW + 4
    assert wb["Pengaturan"][f"B{thursday}"].value == "Ya" and wb["Pengaturan"][f"B{thursday + 1}"].value == "Tidak"


def test_holidays_prefilled(wb, built):
    ws = wb["Hari Libur"]
    rows = {r[0].date(): r for r in ws.iter_rows(min_row=4, values_only=True) if isinstance(r[0], datetime)}
    assert rows[date(2026, 3, 20)][2] == "Cuti Bersama"
    assert "Cuti Bersama" in rows[date(2026, 3, 20)][1]
    assert rows[date(2026, 1, 16)][1].startswith("Isra Mikraj") and rows[date(2026, 1, 16)][2] == "Nasional"
    assert min(rows).year == 2025 and max(rows).year == 2027
    assert ws["A4"].number_format == layout.DATE_FORMAT
    tracker = load_tracker(FileBook.open(built))
    assert date(2026, 3, 20) in tracker.holidays and date(2026, 1, 16) in tracker.holidays
    assert tracker.holiday_years == frozenset({2025, 2026, 2027})


def test_staff_prefilled_with_text_nip(wb, built):
    ws = wb["Pegawai"]
    assert row_values(ws, 4, 1, 4) == ["Drs. Budi Santoso", "19800101 200501 1 001", "Kepala Dinas", None]
    assert row_values(ws, 5, 1, 4) == ["Siti Aminah", "198505052010012002", "Kasubag", "Plt."]
    assert ws["B4"].number_format == "@" and ws["B300"].number_format == "@"
    jabatan = [dv for dv in ws.data_validations.dataValidation if str(dv.sqref).startswith("C4:")]
    assert jabatan and jabatan[0].formula1 == "DaftarJabatan"
    staff = load_tracker(FileBook.open(built)).staff
    assert [(s.row, s.nama, s.nip, s.jabatan, s.keterangan) for s in staff] == [
        (0, "Drs. Budi Santoso", "19800101 200501 1 001", "Kepala Dinas", None),
        (1, "Siti Aminah", "198505052010012002", "Kasubag", "Plt.")]


def test_problem_sheet_links(wb):
    ws = wb["Masalah"]
    assert ws["F2"].value.startswith("=IF($B2=\"\",\"\",HYPERLINK(")
    assert ws[f"F{layout.PROBLEM_LINK_ROWS + 1}"].value.startswith("=IF(")
    assert ws["A2"].value is None


def test_report_sheet_exists(wb):
    assert "Laporan" in wb.sheetnames
