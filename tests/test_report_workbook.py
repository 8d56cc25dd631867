"""The signable report on real trackers (issue 12 section 3): `lkj report` with data errors writes a DRAF report
and says so; the evaluator's Evaluasi sheet is copied and never written; the signature block comes from Pengaturan
and Pegawai with located warnings; an older tracker reads with one upgrade warning and `lkj upgrade` adds
Evaluasi, Pangkat/Golongan, Tempat and Penyusun laporan; LibreOffice prints the demo's report."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from lkj_xl.authoring.demo import DEMO_PREPARER
from lkj_xl.cli import main
from lkj_xl.engines.openpyxl_book import FileBook
from lkj_xl.workbook import actions, layout
from lkj_xl.workbook.reader import load_tracker
from lkj_xl.workbook.report_sheet import DEFAULT_LAYOUT, STEPS_FIRST_ROW

from conftest import cycle, edit, fill_steps, sheet_values

AS_OF = "2026-02-23T10:00"
DRAFT = "DRAF - masih ada 1 kesalahan data, lihat lembar Masalah"


def lkj(capsys, *args) -> tuple[int, str]:
    capsys.readouterr()
    code = main([str(a) for a in args])
    return code, capsys.readouterr().out


def year_row(path: Path, step: int, year: int = 2025) -> int:
    """The row of ``year`` in the step table (the demo holds earlier years above it)."""
    ws = openpyxl.load_workbook(path, read_only=True)[layout.step_sheet(step)]
    for row in ws.iter_rows(min_row=layout.STEP_TABLE_HEADER_ROW + 1, max_col=1):
        if row[0].value == year:
            return row[0].row
    raise AssertionError(f"no {year} row on {layout.step_sheet(step)}")


def evaluation_rows(ws) -> dict[tuple[str, int], int]:
    """(Bagian, No) -> sheet row of the 2025 block."""
    return {(ws.cell(r, 2).value, ws.cell(r, 3).value): r
            for r in range(layout.EVALUATION_HEADER_ROW + 1, ws.max_row + 1) if ws.cell(r, 1).value == 2025}


def test_a_report_with_data_errors_is_a_draft_on_every_page(demo_reported, capsys):
    fill_steps(demo_reported, {7: cycle("31/02/2026 10:00")}, row=year_row(demo_reported, 7))  # no 31 February
    code, out = lkj(capsys, "report", demo_reported, "--as-of", AS_OF)
    assert code == 1
    assert "Lembar Laporan ditulis" in out and out.rstrip().endswith(DRAFT)
    wb = openpyxl.load_workbook(demo_reported)
    ws = wb[layout.SHEET_REPORT]
    assert ws["A4"].value == DRAFT
    assert ws.print_title_rows == "$1:$4"  # the line is in the rows printed on every page
    # fixed: the line goes away
    edit(demo_reported, lambda wb: setattr(wb["Langkah 7"].cell(year_row(demo_reported, 7), 2), "value", None))
    code, out = lkj(capsys, "report", demo_reported, "--as-of", AS_OF)
    assert code == 0 and "DRAF" not in out
    assert openpyxl.load_workbook(demo_reported)[layout.SHEET_REPORT]["A4"].value is None


def test_the_report_copies_evaluasi_and_never_writes_it(demo_reported, capsys):
    def judge(wb):
        ws = wb[layout.SHEET_EVALUATION]
        rows = evaluation_rows(ws)
        ws.cell(rows[("Langkah", 2)], 5, "Tidak berjalan dengan baik")
        ws.cell(rows[("Langkah", 2)], 6, "=Rapat molor")  # typed text that looks like a formula stays text
        ws.cell(rows[("Langkah", 2)], 6).data_type = "s"
        ws.cell(rows[("Kriteria", 7)], 5, "Tidak")
    edit(demo_reported, judge)
    before = sheet_values(demo_reported, layout.SHEET_EVALUATION)
    code, _ = lkj(capsys, "report", demo_reported, "--as-of", AS_OF)
    assert code == 0
    assert sheet_values(demo_reported, layout.SHEET_EVALUATION) == before  # nothing written there, blanks stay blank
    ws = openpyxl.load_workbook(demo_reported)[layout.SHEET_REPORT]
    lay = DEFAULT_LAYOUT
    step = {n: lay.eval_first_row + n - 1 for n in range(1, 9)}
    assert ws.cell(step[1], 4).value == "Berjalan dengan baik"  # the demo's evaluator
    assert ws.cell(step[2], 4).value == "Tidak berjalan dengan baik"  # typed now, though the data says "baik"
    assert ws.cell(step[2], 5).value == "=Rapat molor"
    assert ws.cell(step[3], 5).value == "Data capaian Irban II terlambat 4 hari kerja"
    assert ws.cell(step[4], 4).value == "Berjalan dengan baik (saran)"  # nobody judged it: the data's suggestion
    crit = lay.criteria_first_row
    assert [ws.cell(crit + 6, c).value for c in (5, 6)] == [None, "\u2713"]
    assert ws.cell(crit + 2, 7).value == "Langkah 4 dan 5 belum punya standar waktu"
    # rows tall enough for their text, set by the report (an allowed edit on the engine's own sheet)
    assert all(ws.row_dimensions[r].height >= 30 for r in range(STEPS_FIRST_ROW, STEPS_FIRST_ROW + 8))


def test_evaluasi_problems_are_located(demo_tracker):
    def judge(wb):
        ws = wb[layout.SHEET_EVALUATION]
        rows = evaluation_rows(ws)
        ws.cell(rows[("Langkah", 1)], 5, "Bagus")
        ws.cell(rows[("Langkah", 2)], 5, "Berjalan dengan baik")
        wb["Langkah 2"].cell(year_row(demo_tracker, 2), 5, "Tidak")  # Kelengkapan
    edit(demo_tracker, judge)
    analysis = actions.validate(FileBook.open(demo_tracker), as_of=__import__("datetime").datetime(2026, 2, 23, 10))
    found = {(p.sheet, p.cell, p.code) for p in analysis.problems}
    rows = evaluation_rows(openpyxl.load_workbook(demo_tracker)[layout.SHEET_EVALUATION])
    assert (layout.SHEET_EVALUATION, f"E{rows[('Langkah', 1)]}", "evaluasi_tidak_terbaca") in found
    assert (layout.SHEET_EVALUATION, f"F{rows[('Langkah', 2)]}", "evaluasi_tanpa_catatan") in found
    assert all(p.severity == "warning" for p in analysis.problems if p.sheet == layout.SHEET_EVALUATION)


def test_signature_settings_and_their_warnings(demo_reported, capsys):
    ws = openpyxl.load_workbook(demo_reported)[layout.SHEET_REPORT]
    sig = DEFAULT_LAYOUT.signature_row
    assert ws.cell(sig, 7).value == "Madiun, 23 Februari 2026"
    assert [ws.cell(sig + i, 7).value for i in (1, 2, 6, 7, 8)] == [
        "Penyusun laporan,", "Kasubag", DEMO_PREPARER, "Penata Tingkat I (III/d)", "NIP. 19850520 201001 2 015"]
    assert [ws.cell(sig + i, 2).value for i in (1, 2, 6, 7)] == [
        "Mengetahui,", "Inspektur", "Drs. Bambang Sutrisno, M.Si.", "Pembina Utama Muda (IV/c)"]

    def blank(wb):
        wb[layout.SHEET_SETTINGS].cell(layout.settings_row(layout.P_PLACE), 2).value = None
        wb[layout.SHEET_STAFF].cell(layout.LIST_HEADER_ROW + 1,
                                    layout.STAFF_HEADERS.index(layout.E_RANK) + 1).value = None
    edit(demo_reported, blank)
    code, out = lkj(capsys, "report", demo_reported, "--as-of", AS_OF)
    assert code == 0
    place_cell = f"Pengaturan!B{layout.settings_row(layout.P_PLACE)}"
    assert f"{place_cell}: \"Tempat\" kosong" in out
    assert "Pegawai!G4: Pangkat/Golongan Drs. Bambang Sutrisno, M.Si." in out
    ws = openpyxl.load_workbook(demo_reported)[layout.SHEET_REPORT]
    assert ws.cell(sig, 7).value.startswith("....") and ws.cell(sig + 7, 2).value.startswith("....")


def make_layout_2(path: Path) -> None:
    """``path`` as layout 2 had it: no Evaluasi sheet, no Pangkat/Golongan column, no Tempat / Penyusun rows."""
    wb = openpyxl.load_workbook(path)
    del wb[layout.SHEET_EVALUATION]
    ws = wb[layout.SHEET_STAFF]
    column = layout.STAFF_HEADERS.index(layout.E_RANK) + 1
    ws.delete_cols(column)
    table = ws.tables[layout.STAFF_TABLE_NAME]
    last = table.ref.split(":")[1].lstrip("G")
    table.ref = table.autoFilter.ref = f"A3:F{last}"
    table.tableColumns = table.tableColumns[:column - 1]
    settings = wb[layout.SHEET_SETTINGS]
    for label in layout.REPORT_SETTING_LABELS:
        for c in (1, 2, 3):
            settings.cell(layout.settings_row(label), c).value = None
    settings.cell(layout.settings_row(layout.P_VERSION), 2).value = 2
    wb.save(path)


def test_an_older_tracker_reads_with_one_warning_and_upgrade_adds_what_is_missing(demo_tracker, tmp_path, capsys):
    from lkj_xl.authoring.upgrade import upgrade_tracker

    make_layout_2(demo_tracker)
    analysis = actions.validate(FileBook.open(demo_tracker), as_of=__import__("datetime").datetime(2026, 2, 23, 10))
    assert [p.code for p in analysis.problems] == ["tata_letak_lama"]  # not one per missing row or column
    [problem] = analysis.problems
    assert "versi 2" in problem.message and "Evaluasi" in problem.message and "Pangkat/Golongan" in problem.message
    # its Laporan is of the new template here, so a report is still written
    code, _ = lkj(capsys, "report", demo_tracker, "--as-of", AS_OF)
    assert code == 0

    new = tmp_path / "baru.xlsx"
    upgrade_tracker(demo_tracker, new)
    wb = openpyxl.load_workbook(new)
    assert layout.SHEET_EVALUATION in wb.sheetnames
    assert wb[layout.SHEET_STAFF].cell(layout.LIST_HEADER_ROW, 7).value == "Pangkat/Golongan"
    assert wb[layout.SHEET_SETTINGS].cell(layout.settings_row(layout.P_PLACE), 2).value == "Madiun"  # from the name
    tracker = load_tracker(FileBook.open(new))
    assert tracker.problems == [] and len(tracker.evaluations) == 15  # the prefilled 2025 block

    # a typed Evaluasi survives a later upgrade of a layout-3 tracker
    def judge(wb):
        ws = wb[layout.SHEET_EVALUATION]
        ws.cell(evaluation_rows(ws)[("Langkah", 5)], 7, "Tambah pendamping")
        ws.cell(60, 1, 2026)
        ws.cell(60, 2, "Kriteria")
        ws.cell(60, 3, 1)
        ws.cell(60, 5, "Ya")
    edit(new, judge)
    again = tmp_path / "lagi.xlsx"
    upgrade_tracker(new, again)
    ws = openpyxl.load_workbook(again)[layout.SHEET_EVALUATION]
    assert ws.cell(evaluation_rows(ws)[("Langkah", 5)], 7).value == "Tambah pendamping"
    assert any(ws.cell(r, 1).value == 2026 and ws.cell(r, 5).value == "Ya" for r in range(5, ws.max_row + 1))


def test_a_layout_2_laporan_is_not_scattered(demo_tracker, capsys):
    """An older Laporan (its rows elsewhere): the report is not written into it; refresh still is."""
    def old_report(wb):
        ws = wb[layout.SHEET_REPORT]
        for row in ws.iter_rows():
            for cell in row:
                if type(cell).__name__ != "MergedCell":
                    cell.value = None
    edit(demo_tracker, old_report)
    code, out = lkj(capsys, "report", demo_tracker, "--as-of", AS_OF)
    assert code == 1
    assert "Lembar Laporan tidak ditulis" in out and "lkj upgrade" in out
    assert sheet_values(demo_tracker, layout.SHEET_REPORT) == {}


def test_libreoffice_prints_the_demo_report(demo_reported, tmp_path, soffice_profile):
    """The demo's Laporan alone, as LibreOffice prints it: three pages, the timeline drawn."""
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("pdftotext is not installed")
    wb = openpyxl.load_workbook(demo_reported)
    for name in wb.sheetnames:
        if name != layout.SHEET_REPORT:
            del wb[name]
    only = tmp_path / "laporan_demo.xlsx"
    wb.save(only)
    from conftest import soffice_convert

    pdf = soffice_convert(soffice_profile, [only], "pdf", tmp_path / "pdf")["laporan_demo"]
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, timeout=60).stdout
    assert "Pages:           3" in info
    text = " ".join(subprocess.run([pdftotext, "-layout", str(pdf), "-"], capture_output=True, text=True,
                                   timeout=60).stdout.split())
    assert "DRAF" not in text
    assert "\u2026" not in text and "..." not in text.split("NIP.")[0]  # whole Uraian, no ellipsis
    assert "tentang penyusunan" in text
    assert "Langkah 3: 14 hari kerja 5 jam (standar 10 hari kerja)" in text
    assert "Penyusun laporan," in text and "Penata Tingkat I (III/d)" in text
