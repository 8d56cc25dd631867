"""Reading a real tracker file into core values and writing computed values back (reopened with openpyxl)."""

import subprocess
import sys
from datetime import date, datetime, time

import openpyxl
import pytest

from lkj_xl.workbook import layout
from lkj_xl.engines.openpyxl_book import FileBook
from lkj_xl.engines.package import PackageBook
from lkj_xl.core.worktime import DEFAULT_WEEK
from lkj_xl.core.entries import (
    AREA_BOOK, AREA_HOLIDAYS, AREA_SETTINGS, AREA_SOP, AREA_STAFF, AREA_STEP, ERROR, WARNING, Cycle, Location,
    Problem, StepRecord,
)
from lkj_xl.core.schedule import STATUS_LABELS, schedule_cycle
from lkj_xl.workbook.owned import ownership, people_cells
from lkj_xl.workbook.reader import calendar_for, load_tracker
from lkj_xl.workbook.writers import append_history, write_beranda, write_computed, write_problems, write_step_headers

from conftest import edit, table_grown_as_excel_does

dt = datetime
STAFF = [("Budi", "198001012005011001", "Kepala Dinas"), ("Sari", "198505052010012002", "Sekretaris"),
         ("Andi", "199001012015031003", "Kasubag")]


@pytest.fixture
def path(templates, tmp_path):
    """A fresh copy of a blank tracker with three staff (built once per session)."""
    return templates.copy(templates.blank(staff=STAFF), tmp_path, "LKj_Tracker.xlsx")


def entry_cells(book):
    """Every cell a person owns, with its value: the complement of what the engine may write."""
    owned = ownership(load_tracker(book), book.sheet_names())
    return {(sheet, cell): value for sheet, cell, value in people_cells(book, owned)}


def load(path):
    return load_tracker(FileBook.open(path))


def codes(tracker):
    return [p.code for p in tracker.problems]


# --- SOP sheet drives the computation -------------------------------------------------------------------------------


def test_editing_waktu_on_sop_sheet_changes_the_standard(path):
    assert load(path).sop.step(3).standard.amount == 10

    def change(wb):
        ws = wb["SOP"]
        assert ws["A22"].value == 3 and ws["F22"].value == "2 minggu"
        ws["F22"] = "3 minggu"
        ws["C22"] = "Sekretaris"
    edit(path, change)
    tracker = load(path)
    assert tracker.problems == []
    step = tracker.sop.step(3)
    assert step.standard.amount == 15 and step.waktu == "3 minggu" and step.actor == "Sekretaris"


def test_bad_waktu_is_a_problem_with_its_cell(path):
    edit(path, lambda wb: wb["SOP"].__setitem__("F23", 120))  # step 4, a number without a unit
    tracker = load(path)
    [problem] = tracker.problems
    assert (problem.code, problem.severity, problem.location) == ("waktu_tidak_dikenali", ERROR,
                                                                  Location(AREA_SOP, 4, "Waktu"))
    assert "120" in problem.message
    assert tracker.cell_of(problem.location) == ("SOP", "F23")
    assert tracker.sop.step(4).standard is None and tracker.sop.step(4).waktu == "120"


def test_step_headers_follow_the_sop_sheet(path):
    edit(path, lambda wb: wb["SOP"].__setitem__("F22", "3 minggu"))
    book = FileBook.open(path)
    write_step_headers(book, load_tracker(book))
    book.save()
    ws = openpyxl.load_workbook(path)["Langkah 3"]
    assert ws["B7"].value == "3 minggu (15 hari kerja)"
    assert ws["B4"].value == "Kasubag"
    assert ws["A7"].value == "Standar Waktu"


def test_sop_identity_list_field_one_item_per_line(path):
    edit(path, lambda wb: wb["SOP"].__setitem__("B14", "ATK\n\n  Komputer \nPrinter\nScanner"))
    assert load(path).sop.peralatan == ("ATK", "Komputer", "Printer", "Scanner")


# --- holidays and the calendar ---------------------------------------------------------------------------------------


def test_marking_a_holiday_bukan_libur_removes_it(path):
    before = load(path)
    assert date(2026, 3, 20) in before.holidays
    assert not calendar_for(before, [2026]).is_working_day(date(2026, 3, 20))

    def cancel(wb):
        ws = wb["Hari Libur"]
        for row in ws.iter_rows(min_row=4):
            if isinstance(row[0].value, datetime) and row[0].value.date() == date(2026, 3, 20):
                row[3].value = "Ya"
    edit(path, cancel)
    tracker = load(path)
    assert date(2026, 3, 20) not in tracker.holidays
    assert date(2026, 3, 20) in tracker.removed_holidays
    assert calendar_for(tracker, [2026]).is_working_day(date(2026, 3, 20))  # a Friday
    assert not calendar_for(tracker, [2026]).is_working_day(date(2026, 3, 19))  # Nyepi stays


def test_local_holiday_and_years_not_on_the_sheet(path):
    def add(wb):
        ws = wb["Hari Libur"]
        row = next(r for r in range(4, 200) if ws.cell(row=r, column=1).value is None)
        ws.cell(row=row, column=1, value=datetime(2026, 6, 2))
        ws.cell(row=row, column=2, value="Hari Jadi Kota Madiun")
        ws.cell(row=row, column=3, value="Lokal")
        ws.cell(row=row + 1, column=1, value="03/06/2028")  # a text date for a year the sheet does not cover
        ws.cell(row=row + 1, column=2, value="Libur lokal")
        ws.cell(row=row + 1, column=3, value="Lokal")
    edit(path, add)
    tracker = load(path)
    assert tracker.problems == []
    assert {date(2026, 6, 2), date(2028, 6, 3)} <= tracker.holidays
    assert tracker.holiday_years == frozenset({2025, 2026, 2027})
    cal = calendar_for(tracker, [2026, 2028])
    assert not cal.is_working_day(date(2026, 6, 2))
    assert not cal.is_working_day(date(2028, 6, 3))
    assert not cal.is_working_day(date(2028, 8, 17))  # national holiday from the package for 2028


def test_unreadable_holiday_date(path):
    def add(wb):
        ws = wb["Hari Libur"]
        row = next(r for r in range(4, 200) if ws.cell(row=r, column=1).value is None)
        ws.cell(row=row, column=1, value="tanggal 32")
        ws.cell(row=row, column=2, value="Salah")
        add.row = row
    edit(path, add)
    tracker = load(path)
    [problem] = tracker.problems
    assert problem.code == "tanggal_libur_tidak_terbaca" and problem.location.area == AREA_HOLIDAYS
    assert tracker.cell_of(problem.location) == ("Hari Libur", f"A{add.row}")


# --- settings ------------------------------------------------------------------------------------------------------


def test_week_table_edits_and_bad_hours(path):
    def change(wb):
        ws = wb["Pengaturan"]
        monday = layout.WEEK_HEADER_ROW + 1
        assert ws[f"A{monday + 4}"].value == "Jumat"
        ws[f"B{monday + 4}"] = "Tidak"
        assert ws[f"A{monday + 5}"].value == "Sabtu"
        ws[f"B{monday + 5}"] = "Ya"
        ws[f"C{monday + 5}"] = "08.00"
        ws[f"F{monday + 5}"] = "12:00"
        ws[f"C{monday}"] = "25.00"  # Senin: unreadable
    edit(path, change)
    tracker = load(path)
    week = tracker.settings.week
    assert week[4] is None
    assert (week[5].start, week[5].end, week[5].breaks) == (time(8, 0), time(12, 0), ())
    [problem] = tracker.problems
    assert problem.code == "jam_kerja_tidak_terbaca" and problem.location == Location(AREA_SETTINGS, "Senin",
                                                                                       "Jam masuk")
    assert tracker.cell_of(problem.location) == ("Pengaturan", f"C{layout.WEEK_HEADER_ROW + 1}")
    assert week[0] == DEFAULT_WEEK[0]  # the default stays for the bad day


def test_settings_values_and_unreadable_year(path):
    def change(wb):
        ws = wb["Pengaturan"]
        ws["B5"] = "dua ribu"
        ws["B8"] = datetime(2026, 3, 27)
        ws["B9"] = 8
    edit(path, change)
    tracker = load(path)
    assert tracker.settings.deadline_override == dt(2026, 3, 27, 23, 59)
    assert tracker.settings.due_soon_hours == 8
    [problem] = tracker.problems
    assert problem.location == Location(AREA_SETTINGS, "Tahun pelaporan") and problem.severity == ERROR
    assert tracker.cell_of(problem.location) == ("Pengaturan", "B5")


# --- entries -------------------------------------------------------------------------------------------------------


def test_typed_entries_are_read_back_raw(path):
    def type_in(wb):
        ws = wb["Langkah 1"]
        ws["B13"] = dt(2026, 1, 5, 8, 0)
        ws["C13"] = dt(2026, 1, 5, 8, 4)
        ws["D13"] = "Budi"
        ws["E13"] = "Ya"
        ws["F13"] = "800/12/401.104/2026"
        ws["G13"] = "=catatan"  # looks like a formula; kept as typed text
        ws["G13"].data_type = "s"
        ws["A14"] = "2026"  # right below the table (LibreOffice does not grow the table): taken into it
        ws["B14"] = "06/01/2027 08.00"  # a text date, left for validation
        ws["A17"] = 2027  # after two blank rows: outside the table, a located warning, not an entry
        ws = wb["Pegawai"]
        ws["B6"] = 199001012015031003  # typed as a number
    edit(path, type_in)
    tracker = load(path)
    [outside] = tracker.problems
    assert outside.code == "baris_di_luar_tabel" and outside.severity == WARNING
    assert tracker.cell_of(outside.location) == ("Langkah 1", "A17")
    step1 = [e for e in tracker.entries if e.step == 1]
    assert [(e.row, e.year, e.received, e.completed, e.pelaksana, e.kelengkapan, e.nomor_output, e.catatan)
            for e in step1] == [
        (0, 2025, dt(2026, 1, 5, 8, 0), dt(2026, 1, 5, 8, 4), "Budi", "Ya", "800/12/401.104/2026", "=catatan"),
        (1, "2026", "06/01/2027 08.00", None, None, None, None, None)]
    assert tracker.layout.steps[1].absorbed == (14,)
    assert tracker.cell_of(Location(AREA_STEP, (1, 1), "Diterima")) == ("Langkah 1", "B14")
    assert tracker.cell_of(Location(AREA_STEP, (1, 0), "nomor_output")) == ("Langkah 1", "F13")
    assert [e.step for e in tracker.entries if e.year == 2025] == list(range(1, 9))  # the prefilled rows
    assert tracker.staff[2].nip == pytest.approx(199001012015031003)  # Excel keeps 15 digits: validation says so
    assert tracker.cell_of(Location(AREA_STAFF, 2, "NIP")) == ("Pegawai", "B6")
    assert tracker.years() == [2025, 2026]


def test_moved_and_extra_columns_still_read(path):
    def rearrange(wb):
        ws = wb["Langkah 2"]
        ws.insert_cols(1)  # an extra column in front
        ws["A12"] = "No. urut"
        ws["A13"] = 1
        # swap Diterima (now C) and Selesai (now D), headers included
        for row in (12, 13):
            ws.cell(row=row, column=3).value, ws.cell(row=row, column=4).value = (
                ws.cell(row=row, column=4).value, ws.cell(row=row, column=3).value)
        ws["C13"] = dt(2026, 1, 6, 10, 0)  # Selesai
        ws["D13"] = dt(2026, 1, 6, 8, 0)  # Diterima
        table_grown_as_excel_does(ws, "tblLangkah2", columns=1)
    edit(path, rearrange)
    tracker = load(path)
    assert tracker.problems == []
    [entry] = [e for e in tracker.entries if e.step == 2]
    assert (entry.year, entry.received, entry.completed) == (2025, dt(2026, 1, 6, 8, 0), dt(2026, 1, 6, 10, 0))
    assert tracker.cell_of(Location(AREA_STEP, (2, 0), "Selesai")) == ("Langkah 2", "C13")


def test_missing_column_names_the_sheet_and_header(path):
    edit(path, lambda wb: wb["Langkah 2"].__setitem__("C12", "Tgl Selesai"))
    tracker = load(path)
    [problem] = tracker.problems
    assert problem.code == "kolom_tidak_ada" and problem.severity == ERROR
    assert problem.location == Location(AREA_BOOK, "Langkah 2", "Selesai")
    assert "Langkah 2" in problem.message and "\"Selesai\"" in problem.message
    assert tracker.cell_of(problem.location) == ("Langkah 2", None)
    assert [e.step for e in tracker.entries] == list(range(1, 9))  # the rest is still read


def test_renamed_sheet_is_a_problem_naming_the_sheet(path):
    edit(path, lambda wb: setattr(wb["Langkah 3"], "title", "Langkah3"))
    tracker = load(path)
    [problem] = tracker.problems
    # a step of tblSOP without its sheet: renamed/deleted, or a step the admin added (`lkj sop terapkan`); the
    # problem sits on the step's row of the SOP table and names the sheet, the sheet found instead and both remedies
    assert problem.code == "struktur_sop_berubah" and problem.severity == ERROR
    assert problem.location == Location(AREA_SOP, 3, layout.S_NO)
    assert "\"Langkah 3\"" in problem.message and "Langkah3" in problem.message
    assert "lkj sop terapkan" in problem.message and "kembalikan namanya" in problem.message
    sheet, cell = tracker.cell_of(problem.location)
    assert sheet == "SOP" and cell.startswith("A")
    assert 3 not in {e.step for e in tracker.entries}


def test_missing_sop_sheet_falls_back_with_a_problem(path):
    edit(path, lambda wb: setattr(wb["SOP"], "title", "SOP lama"))
    tracker = load(path)
    assert codes(tracker) == ["lembar_tidak_ada"] and "\"SOP\"" in tracker.problems[0].message
    assert len(tracker.sop.steps) == 8


class CountingBook(FileBook):
    """A real FileBook that counts its reads."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reads = []

    def read(self, sheet):
        self.reads.append(sheet)
        return super().read(sheet)


def test_each_sheet_is_read_once(path):
    opened = FileBook.open(path)
    book = CountingBook(opened.workbook, path)
    load_tracker(book)
    assert len(book.reads) == len(set(book.reads))
    assert set(book.reads) == ({"Pengaturan", "SOP", "Hari Libur", "Pegawai", "Evaluasi"}
                               | {f"Langkah {n}" for n in range(1, 9)})


# --- writers -------------------------------------------------------------------------------------------------------


def entry_snapshot(path):
    """Every entry cell (and everything outside the computed columns) of every step sheet, plus every other sheet a
    person types in."""
    wb = openpyxl.load_workbook(path)
    snap = {}
    for ws in wb.worksheets:
        if ws.title.startswith("Langkah"):
            for row in ws.iter_rows(min_row=1, max_row=250, max_col=7):
                for cell in row:
                    snap[(ws.title, cell.coordinate)] = (cell.value, cell.number_format, cell.data_type)
        elif ws.title in ("SOP", "Pengaturan", "Hari Libur", "Pegawai"):
            for row in ws.iter_rows():
                for cell in row:
                    snap[(ws.title, cell.coordinate)] = (cell.value, cell.number_format, cell.data_type)
    return snap


def schedule_for(tracker, year, records, as_of):
    cal = calendar_for(tracker, range(year, year + 3))
    return schedule_cycle(tracker.sop, cal, Cycle(year, tuple(StepRecord(*r) for r in records)), as_of), cal


def test_write_computed_leaves_entry_cells_identical(path):
    def type_in(wb):
        wb["Langkah 1"]["B13"] = dt(2026, 1, 5, 8, 0)
        wb["Langkah 1"]["C13"] = dt(2026, 1, 5, 8, 4)
        wb["Langkah 1"]["G13"] = "=bukan rumus"
        wb["Langkah 1"]["G13"].data_type = "s"
        wb["Langkah 2"]["C13"] = dt(2026, 1, 5, 11, 0)
        wb["Langkah 3"]["B13"] = dt(2026, 1, 6, 8, 0)
        ws = wb["Langkah 3"]  # a row of another year with old computed values
        ws["A14"] = 2024
        ws["J14"] = "Selesai tepat waktu"
        ws["I14"] = dt(2025, 1, 20, 8, 0)
        ws["J16"] = "sisa lama"  # typed below the table, after a blank row: a person's cell
    edit(path, type_in)
    before = entry_snapshot(path)

    book = FileBook.open(path)
    tracker = load_tracker(book)
    schedule, _ = schedule_for(tracker, 2025, [(1, dt(2026, 1, 5, 8, 0), dt(2026, 1, 5, 8, 4)),
                                               (2, None, dt(2026, 1, 5, 11, 0)),
                                               (3, dt(2026, 1, 6, 8, 0), None)], dt(2026, 1, 12, 9, 0))
    assert write_computed(book, tracker, {2025: schedule}) == 8
    book.save()

    assert entry_snapshot(path) == before
    wb = openpyxl.load_workbook(path)
    ws1, ws2, ws3 = wb["Langkah 1"], wb["Langkah 2"], wb["Langkah 3"]
    assert [c.value for c in ws1[13][7:13]] == [dt(2026, 1, 5, 8, 0), dt(2026, 1, 5, 8, 5), "Selesai tepat waktu",
                                                0.0, 0.07, schedule.steps[0].latest_finish]
    assert ws2["J13"].value == "Selesai terlambat" and ws2["K13"].value == 0.93  # 56 working minutes
    assert ws3["I13"].value == dt(2026, 1, 21, 8, 0) and ws3["J13"].value == STATUS_LABELS["berjalan"]
    assert ws3["I13"].number_format == layout.DATETIME_FORMAT
    assert (ws3["I14"].value, ws3["J14"].value) == (dt(2025, 1, 20, 8, 0), "Selesai tepat waktu")  # other year kept
    assert ws3["J16"].value == "sisa lama"  # outside the table: never written
    assert ws3.tables["tblLangkah3"].ref == "A12:N14"  # grown over the 2024 row typed right below it
    assert wb["Langkah 4"]["J13"].value == "Belum mulai" and wb["Langkah 4"]["K13"].value is None


def test_entry_cells_cover_what_people_type_and_survive_a_refresh(path):
    def type_in(wb):
        wb["Langkah 1"]["B13"] = dt(2026, 1, 5, 8, 0)
        wb["Langkah 1"]["N13"] = "kolom tambahan"  # a column of the user's own, right of the table
        wb["Pegawai"]["A10"] = "Tambahan"
    edit(path, type_in)
    book = FileBook.open(path)
    before = entry_cells(book)
    assert before[("Langkah 1", "B13")] == dt(2026, 1, 5, 8, 0)
    assert before[("Langkah 1", "N13")] == "kolom tambahan"
    assert before[("Langkah 1", "A13")] == 2025
    assert before[("SOP", "F22")] == "2 minggu"
    assert before[("Pegawai", "A10")] == "Tambahan"
    assert ("Langkah 1", "B3") not in before  # the top block is the engine's
    assert not any(sheet in ("Beranda", "Masalah", "Riwayat", "Laporan") for sheet, _ in before)

    tracker = load_tracker(book)
    schedule, cal = schedule_for(tracker, 2025, [(1, dt(2026, 1, 5, 8, 0), None)], dt(2026, 1, 5, 9, 0))
    write_step_headers(book, tracker)
    write_computed(book, tracker, {2025: schedule})
    write_beranda(book, tracker, schedule, cal)
    write_problems(book, tracker, [Problem(Location(AREA_STEP, (1, 0), "Selesai"), WARNING, "x", "y")])
    append_history(book, dt(2026, 1, 5, 9, 0), "budi", "refresh", "ok")
    assert entry_cells(book) == before
    book.save()
    reread = PackageBook.open(path)
    assert entry_cells(reread) == before
    assert reread.read("Langkah 1")[12][9] == "Terlambat"  # 5 menit from 08:00, at 09:00
    with pytest.raises(ValueError):
        FileBook.open(path, read_only=True).write("Riwayat", 2, 1, [["x"]])

    book = FileBook.open(path)
    book.write("Langkah 1", 13, 3, [[dt(2026, 1, 5, 8, 30)]])  # an entry cell does change the snapshot
    assert entry_cells(book) != before


def test_write_problems_takes_located_problems(path):
    class Located:  # the shape of lkj_xl.workbook.actions.LocatedProblem
        def __init__(self, sheet, cell, severity, code, message):
            self.sheet, self.cell, self.severity, self.code, self.message = sheet, cell, severity, code, message

    book = FileBook.open(path)
    write_problems(book, load_tracker(book), [Located("Pegawai", "B4", WARNING, "nip", "NIP kurang")])
    assert book.read("Masalah")[1][:5] == ["Pegawai", "B4", "Peringatan", "NIP kurang", "nip"]


def test_file_book_writes_text_literally(path):
    book = FileBook.open(path)
    texts = ["=1+1", "+62 812", "-5 hari", "@pengguna", "#N/A", "=HYPERLINK(\"http://x\")", "teks\x01kontrol"]
    book.write("Riwayat", 2, 4, [[t] for t in texts])
    book.write("Riwayat", 2, 1, [[dt(2026, 1, 5, 8, 0), 1.5, None]])
    book.save()
    ws = openpyxl.load_workbook(path)["Riwayat"]
    assert [ws.cell(row=r, column=4).value for r in range(2, 9)] == texts[:-1] + ["tekskontrol"]
    assert all(ws.cell(row=r, column=4).data_type == "s" for r in range(2, 9))
    assert (ws["A2"].value, ws["B2"].value, ws["C2"].value) == (dt(2026, 1, 5, 8, 0), 1.5, None)
    assert FileBook.open(path).read("Riwayat")[1][3] == "=1+1"


def test_read_is_rectangular_from_a1(path):
    values = FileBook.open(path).read("Beranda")
    assert values[0][0].startswith("Pelacak LKj")
    assert len({len(row) for row in values}) == 1


def test_write_beranda(path):
    book = FileBook.open(path)
    tracker = load_tracker(book)
    schedule, cal = schedule_for(tracker, 2025, [(1, dt(2026, 1, 5, 8, 0), dt(2026, 1, 5, 8, 4)),
                                                 (2, dt(2026, 1, 5, 9, 0), None)], dt(2026, 1, 5, 14, 0))
    write_beranda(book, tracker, schedule, cal)
    book.save()
    ws = openpyxl.load_workbook(path)["Beranda"]
    values = [ws.cell(row=r, column=2).value for r in range(4, 16)]
    assert values[0] == 2025
    assert values[1] == dt(2026, 3, 31, 16, 0)
    assert values[2] == cal.working_days_between(date(2026, 1, 5), date(2026, 3, 31))
    assert values[3].startswith("Langkah 2 (terlambat)")
    assert values[4] == "Sekretaris (Sari)"
    assert values[5] == dt(2026, 1, 5, 11, 0)
    assert values[6] == "Sesuai jadwal"  # against the final deadline; the overdue step has a row of its own
    assert isinstance(values[7], datetime) and ws["A11"].value == "Perkiraan selesai"
    assert values[8] == "Langkah 4 dan 5 tidak punya standar maupun rencana waktu: perkiraan selesai belum " \
                        "memperhitungkannya."
    assert values[9] == "Langkah 2 (Sekretaris), lewat 2 jam kerja dari batas waktunya"
    assert values[10] == "Tidak ada masalah"
    assert values[11] == dt(2026, 1, 5, 14, 0)
    assert ws["B5"].number_format == layout.DATETIME_FORMAT


def test_write_problems_replaces_the_list(path):
    book = FileBook.open(path)
    tracker = load_tracker(book)
    many = [Problem(Location(AREA_STEP, (1, i), "Selesai"), WARNING, "contoh", f"Pesan {i}") for i in range(5)]
    write_problems(book, tracker, many)
    book.save()
    book = FileBook.open(path)
    tracker = load_tracker(book)
    assert write_problems(book, tracker, [
        Problem(Location(AREA_STEP, (2, 0), "Diterima"), ERROR, "tanggal_tidak_terbaca", "=SUM(A1) bukan tanggal"),
        Problem(Location(AREA_BOOK, "Langkah 9"), ERROR, "lembar_tidak_ada", "Lembar \"Langkah 9\" tidak ada."),
    ]) == 2
    book.save()
    ws = openpyxl.load_workbook(path)["Masalah"]
    assert [c.value for c in ws[2][:5]] == ["Langkah 2", "B13", "Kesalahan", "=SUM(A1) bukan tanggal",
                                            "tanggal_tidak_terbaca"]
    assert ws["D2"].data_type == "s"
    assert [c.value for c in ws[3][:5]] == ["Langkah 9", None, "Kesalahan", "Lembar \"Langkah 9\" tidak ada.",
                                            "lembar_tidak_ada"]
    assert all(ws.cell(row=r, column=c).value is None for r in range(4, 8) for c in range(1, 6))
    assert ws["F2"].value.startswith("=IF(")  # the link formula stays


def test_append_history_keeps_the_newest(path):
    book = FileBook.open(path)
    for i in range(5):
        append_history(book, dt(2026, 1, 5, 8, i), "budi", "refresh", f"ke-{i}", cap=3)
    book.save()
    ws = openpyxl.load_workbook(path)["Riwayat"]
    rows = [[c.value for c in row[:4]] for row in ws.iter_rows(min_row=2, max_row=6)]
    assert rows[:3] == [[dt(2026, 1, 5, 8, i), "budi", "refresh", f"ke-{i}"] for i in (2, 3, 4)]
    assert rows[3:] == [[None] * 4, [None] * 4]


def test_cell_of_for_every_area(path):
    tracker = load(path)
    assert tracker.cell_of(Location(AREA_SOP, "Nomor SOP")) == ("SOP", "B5")
    assert tracker.cell_of(Location(AREA_SOP, 3, "Pelaksana")) == ("SOP", "C22")
    assert tracker.cell_of(Location(AREA_SOP, 3)) == ("SOP", "A22")
    assert tracker.cell_of(Location(AREA_SETTINGS, "Batas akhir")) == ("Pengaturan", "B8")
    assert tracker.cell_of(Location(AREA_STAFF, 1, "jabatan")) == ("Pegawai", "C5")
    assert tracker.cell_of(Location(AREA_HOLIDAYS, 0, "Bukan libur?")) == ("Hari Libur", "D4")
    assert tracker.cell_of(Location(AREA_STEP, (8, 0), None)) == ("Langkah 8", "A13")
    assert tracker.cell_of(Location(AREA_STEP, (9, 0), "Selesai")) == ("Langkah 9", None)
    assert tracker.cell_of(Location(AREA_STEP, (2, None), "Standar Waktu")) == ("Langkah 2", "B7")
    assert tracker.cell_of(Location(AREA_BOOK)) == ("", None)


def test_tracker_module_needs_neither_openpyxl_nor_pandas():
    code = ("import sys, lkj_xl.workbook.reader, lkj_xl.workbook.layout; "
            "bad = [m for m in ('openpyxl', 'pandas', 'xlwings') if m in sys.modules]; "
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_special_hours_table_reaches_the_calendar_and_bad_rows_are_located(path):
    """Ramadan hours typed on Pengaturan (below the week table) change the working time inside their period only."""
    first = layout.SPECIAL_HEADER_ROW + 1

    def fill(wb):
        ws = wb[layout.SHEET_SETTINGS]
        rows = [
            (datetime(2026, 2, 18), "17/03/2026", "Senin-Kamis", "Ya", time(8), time(12), time(12, 30), time(15),
             "SE MenPANRB Ramadan"),
            (datetime(2026, 2, 18), datetime(2026, 3, 17), "Jumat", "Ya", time(8), time(11, 30), time(12, 30),
             time(15, 30), None),
            (datetime(2026, 5, 1), datetime(2026, 5, 2), "Senen", "Ya", time(8), None, None, time(15), None),
        ]
        for offset, values in enumerate(rows):
            for column, value in enumerate(values, start=1):
                ws.cell(row=first + offset, column=column, value=value)

    edit(path, fill)
    tracker = load_tracker(FileBook.open(path))
    assert [(p.first, p.last, p.name) for p in tracker.settings.special] == [
        (date(2026, 2, 18), date(2026, 3, 17), "SE MenPANRB Ramadan"), (date(2026, 2, 18), date(2026, 3, 17), "")]
    # the week table is read as before: the special table's rows are not mistaken for weekdays
    assert tracker.settings.week == DEFAULT_WEEK
    bad = [p for p in tracker.problems if p.code == "jam_khusus_tidak_terbaca"]
    assert len(bad) == 1 and "Senen" in bad[0].message
    assert tracker.cell_of(bad[0].location) == (layout.SHEET_SETTINGS, f"C{first + 2}")
    cal = calendar_for(tracker, [2026])
    # Thursday 26 Feb 2026 14:00 + 180 working minutes: 14-15, then Friday 08:00-10:00 (Ramadan hours)
    assert cal.add_minutes(datetime(2026, 2, 26, 14, 0), 180) == datetime(2026, 2, 27, 10, 0)
    # Thursday 2 April 2026, after the period: 15:00 + 180 -> Monday 6 April 09:30 (3 April is Good Friday)
    assert cal.add_minutes(datetime(2026, 4, 2, 15, 0), 180) == datetime(2026, 4, 6, 9, 30)
