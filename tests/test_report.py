"""The final report: the pure model (lkj_xl.core.report) and the Laporan sheet (lkj_xl.workbook.report_sheet), on real files."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from xml.etree import ElementTree
from datetime import datetime
from pathlib import Path
from typing import Any, Sequence

import openpyxl
import pytest

from lkj_xl.workbook.book import Book
from lkj_xl.core.worktime import build_calendar
from lkj_xl.core.entries import Cycle, StepRecord
from lkj_xl.core.report import (
    EVAL_BAD, EVAL_GOOD, EVAL_NOT_DONE, build_report, describe_standard, format_datetime_id, format_duration,
    shorten_uraian,
)
from lkj_xl.authoring.report_template import build_report_template
from lkj_xl.workbook.report_sheet import (
    DATE_FORMAT, DEFAULT_LAYOUT, SHEET_REPORT, ReportLayout, report_blocks, write_report,
)
from lkj_xl.core.schedule import schedule_cycle
from lkj_xl.core.settings import Settings
from lkj_xl.core.sop import SOP_3_1_2_6, parse_waktu

dt = datetime
C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
SOP = SOP_3_1_2_6
SETTINGS = Settings(2025)

# Reporting year 2025, prepared in 2026; deadline Tuesday 31 March 2026 16.00.
DELIVERED = (
    StepRecord(1, dt(2026, 1, 5, 8, 0), dt(2026, 1, 5, 8, 4)),
    StepRecord(2, None, dt(2026, 1, 5, 11, 0)),  # due 10.04: 56 working minutes late
    StepRecord(3, None, dt(2026, 1, 19, 14, 0)),  # 2 minggu: on time
    StepRecord(4, None, dt(2026, 2, 13, 15, 0)),  # no standard, weeks of work
    StepRecord(5, None, dt(2026, 3, 2, 10, 0)),  # no standard
    StepRecord(6, None, dt(2026, 3, 4, 10, 0)),  # 180 menit: 12 working hours late
    StepRecord(7, None, dt(2026, 3, 4, 11, 0)),  # 60 menit: on time
    StepRecord(8, None, dt(2026, 3, 5, 9, 0)),  # 15 menit: late
)
NAMES = {1: "Drs. Agus Wibowo", 2: "Budi Santoso", 3: "Sri Wahyuni", 4: "Dewi Lestari"}
HEAD = ("Plt. Inspektur", "Drs. Agus Wibowo, M.Si.", "19700101 199503 1 001")
NOTES = {3: "Data capaian triwulan IV terlambat dari bidang", 6: "=Sekretaris dinas luar 2 hari"}


@pytest.fixture(scope="module")
def cal():
    return build_calendar([2025, 2026, 2027])


def schedule(cal, records, as_of):
    return schedule_cycle(SOP, cal, Cycle(2025, tuple(records)), as_of)


@pytest.fixture(scope="module")
def delivered(cal):
    return build_report(SOP, SETTINGS, schedule(cal, DELIVERED, dt(2026, 3, 6, 9, 0)), staff_names=NAMES, head=HEAD,
                        notes=NOTES, calendar=cal)


@pytest.fixture(scope="module")
def running(cal):
    # 3 March 2026 09.00: step 6 (180 menit from 2 March 10.00, due 14.00) is overdue; 7 and 8 not started.
    return build_report(SOP, SETTINGS, schedule(cal, DELIVERED[:5], dt(2026, 3, 3, 9, 0)), staff_names=NAMES,
                        calendar=cal)


class TinyBook(Book):
    """A minimal Book over an openpyxl workbook (the real FileBook lives elsewhere); counts write calls."""

    def __init__(self, wb: openpyxl.Workbook):
        self.wb = wb
        self.writes = 0

    def sheet_names(self) -> list[str]:
        return list(self.wb.sheetnames)

    def read(self, sheet: str) -> list[list[Any]]:
        return [list(row) for row in self.wb[sheet].iter_rows(values_only=True)]

    def write(self, sheet: str, row: int, column: int, values: Sequence[Sequence[Any]]) -> None:
        self.writes += 1
        ws = self.wb[sheet]
        for r, line in enumerate(values):
            for c, value in enumerate(line):
                cell = ws.cell(row=row + r, column=column + c)
                cell.value = value  # a MergedCell raises here: blocks must avoid merged-away cells
                if isinstance(value, str):
                    cell.data_type = "s"  # literal text, never a formula


def new_workbook(sop=SOP) -> tuple[openpyxl.Workbook, Any]:
    wb = openpyxl.Workbook()
    wb.active.title = "Beranda"
    ws = wb.create_sheet(SHEET_REPORT)
    build_report_template(ws, sop, SETTINGS)
    return wb, ws


def snapshot(ws) -> dict[str, Any]:
    return {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value is not None}


def saved(tmp_path: Path, wb: openpyxl.Workbook, name: str = "laporan.xlsx") -> Path:
    path = tmp_path / name
    wb.save(path)
    return path


# --- the model ---------------------------------------------------------------------------------------------------


def test_indonesian_text_helpers():
    assert format_datetime_id(dt(2026, 3, 31, 16, 0)) == "31 Maret 2026 16.00"
    assert format_datetime_id(dt(2026, 1, 5, 8, 4)) == "5 Januari 2026 08.04"
    assert format_duration(176, 450, in_days=False) == "2 jam 56 menit"
    assert format_duration(12 * 450 + 180, 450, in_days=True) == "12 hari kerja 3 jam"
    assert format_duration(900, 450, in_days=True) == "2 hari kerja"
    assert format_duration(300, 450, in_days=True) == "5 jam"
    assert describe_standard(parse_waktu("2 minggu")) == "2 minggu (10 hari kerja)"
    assert describe_standard(parse_waktu("120 menit")) == "120 menit (2 jam)"
    assert describe_standard(parse_waktu("5 menit")) == "5 menit"
    assert describe_standard(None) == "-"


def test_shorten_uraian_cuts_at_a_word_boundary():
    for step in SOP.steps:
        short = shorten_uraian(step.uraian)
        assert len(short) <= 80
        if short.endswith("\u2026"):
            body = short[:-1]
            assert step.uraian.startswith(body)
            assert step.uraian[len(body)] in " ,"  # a whole word was kept
    assert shorten_uraian(SOP.step(2).uraian) == "Menerima disposisi Kepala Dinas"  # the first clause
    # "Menerima," alone says nothing: short clauses are joined with the next
    assert shorten_uraian(SOP.step(6).uraian).startswith("Menerima, meneliti, memaraf draft Laporan Kinerja")


def test_title_block(delivered):
    assert delivered.title_lines == (
        "PEMERINTAH KOTA MADIUN",
        "INSPEKTORAT KOTA MADIUN",
        "Laporan Pelaksanaan SOP Penyusunan Laporan Kinerja (LKj) Tahun 2025",
        "SOP Nomor 3.1.2.6, disahkan 15 Desember 2022",
        "Batas akhir penyampaian LKj: 31 Maret 2026 16.00",
        "Keadaan per 6 Maret 2026 09.00",
    )


def test_step_rows(delivered):
    rows = {r.number: r for r in delivered.rows}
    assert len(rows) == 8
    assert rows[2].pelaksana == "Sekretaris \u2014 Budi Santoso"
    assert rows[5].pelaksana == "Kasubag"  # no name recorded: the role alone
    assert rows[2].received is None and rows[2].completed == dt(2026, 1, 5, 11, 0)
    assert rows[2].standard == "120 menit (2 jam)"
    assert rows[2].actual == "2 jam 56 menit"
    assert rows[2].due == dt(2026, 1, 5, 10, 4)
    assert rows[2].status_label == "Selesai terlambat"
    assert rows[2].lateness == "56 menit kerja"
    assert rows[1].status_label == "Selesai tepat waktu" and rows[1].lateness == "-"
    assert rows[3].standard == "2 minggu (10 hari kerja)"
    assert rows[3].actual == "9 hari kerja 2 jam"  # days-standard: working days of 450 minutes + hours
    assert rows[4].standard == "-" and rows[4].due is None and rows[4].status_label == "Selesai"
    assert rows[4].actual.startswith("19 hari kerja")
    assert rows[6].lateness == "12 jam kerja"


def test_summary_delivered(delivered):
    s = delivered.summary
    assert s.on_time.startswith("5 dari 8 langkah tepat waktu")
    assert "Langkah 2, 6 dan 8" in s.on_time
    assert s.delivery.startswith("Disampaikan 5 Maret 2026 09.00, ")
    assert re.search(r"\d+ hari kerja sebelum batas akhir$", s.delivery)
    assert s.verdict.startswith("LKj disampaikan tepat waktu")


def test_summary_running(running):
    s = running.summary
    assert s.on_time.startswith("4 dari 8 langkah tepat waktu")
    assert s.delivery.startswith("Belum disampaikan; perkiraan selesai ")
    assert "Terlambat" in s.verdict and "Langkah 6" in s.verdict


def test_evaluation_is_derived_from_the_facts(delivered, running):
    ev = {e.number: e for e in delivered.evaluations}
    assert ev[1].verdict == EVAL_GOOD and ev[1].tindakan == "Pertahankan"
    assert ev[2].verdict == EVAL_BAD
    assert ev[2].tindakan.startswith("Langkah melebihi standar waktu 56 menit kerja;")
    assert "revisi standar waktu SOP" in ev[2].tindakan
    assert "12 jam kerja" in ev[6].tindakan
    # a step without a standard that took weeks: set a standard in the SOP revision
    assert ev[4].verdict == EVAL_GOOD and "tetapkan standar waktu" in ev[4].tindakan
    assert ev[3].catatan == NOTES[3]
    assert ev[1].catatan == ""

    ev = {e.number: e for e in running.evaluations}
    assert ev[6].verdict == EVAL_BAD
    assert ev[6].tindakan.startswith("Segera selesaikan; sudah terlambat 3 jam 30 menit kerja")
    assert ev[7].verdict == EVAL_NOT_DONE and "paling lambat" in ev[7].tindakan


def test_chart_data(delivered, running):
    pts = {p.label: p for p in delivered.chart}
    assert list(pts) == [f"Langkah {n}" for n in range(1, 9)]
    assert pts["Langkah 2"].standard_hours == 2.0 and pts["Langkah 2"].actual_hours == pytest.approx(176 / 60, 0.01)
    assert pts["Langkah 3"].standard_hours == 75.0  # 10 working days x 7.5 h
    assert pts["Langkah 4"].standard_hours is None
    assert {p.label: p for p in running.chart}["Langkah 8"].actual_hours is None


def test_signature(delivered, running):
    g = delivered.signature
    assert (g.place_date, g.acknowledged, g.jabatan, g.name, g.nip) == (
        "Madiun, 6 Maret 2026", "Mengetahui,", "Plt. Inspektur", "Drs. Agus Wibowo, M.Si.",
        "NIP. 19700101 199503 1 001")
    assert running.signature.jabatan == "Inspektur"  # no head given: the SOP's "Disahkan oleh", blank lines to sign
    assert running.signature.nip.startswith("NIP. ...")


# --- the sheet ---------------------------------------------------------------------------------------------------


def test_layout_constants():
    assert DEFAULT_LAYOUT.cells() == {
        "title": "A1", "steps": "A10", "chart_data": "L10", "summary": "C20", "evaluation": "A26",
        "evaluation_notes": "D26", "evaluation_actions": "G26", "chart": "A36", "signature": "H57",
    }
    assert DEFAULT_LAYOUT.print_area == "A1:J64"


def test_sheet_content_after_reload(tmp_path, delivered):
    wb, _ = new_workbook()
    book = TinyBook(wb)
    write_report(book, delivered)
    assert book.writes == len(report_blocks(delivered)) == 8
    ws = openpyxl.load_workbook(saved(tmp_path, wb))[SHEET_REPORT]
    lay = DEFAULT_LAYOUT

    assert ws["A1"].value == "PEMERINTAH KOTA MADIUN"
    assert ws["A3"].value == "Laporan Pelaksanaan SOP Penyusunan Laporan Kinerja (LKj) Tahun 2025"
    assert ws["A6"].value == "Keadaan per 6 Maret 2026 09.00"
    assert [c.value for c in ws[9][:10]] == ["No", "Uraian Kegiatan", "Pelaksana", "Diterima", "Selesai",
                                             "Standar Waktu", "Waktu Aktual", "Batas Waktu", "Status",
                                             "Keterlambatan"]
    row2 = [c.value for c in ws[11][:10]]
    assert row2 == [2, "Menerima disposisi Kepala Dinas", "Sekretaris \u2014 Budi Santoso", None,
                    dt(2026, 1, 5, 11, 0), "120 menit (2 jam)", "2 jam 56 menit", dt(2026, 1, 5, 10, 4),
                    "Selesai terlambat", "56 menit kerja"]
    assert ws["E11"].number_format == DATE_FORMAT and ws["H11"].number_format == DATE_FORMAT
    assert [ws.cell(row=r, column=9).value for r in range(10, 18)] == [
        "Selesai tepat waktu", "Selesai terlambat", "Selesai tepat waktu", "Selesai", "Selesai",
        "Selesai terlambat", "Selesai tepat waktu", "Selesai terlambat"]
    assert ws["H13"].value == "-"  # step 4 has no standard, so no due time

    assert ws.cell(row=lay.summary_row, column=3).value.startswith("5 dari 8 langkah tepat waktu")
    assert ws.cell(row=lay.summary_row + 1, column=3).value.startswith("Disampaikan 5 Maret 2026 09.00")
    assert ws.cell(row=lay.summary_row, column=1).value == "Ketepatan waktu"

    step2_eval = lay.eval_first_row + 1
    assert ws.cell(row=step2_eval, column=3).value == EVAL_BAD
    assert "56 menit kerja" in ws.cell(row=step2_eval, column=7).value
    step6_eval = lay.eval_first_row + 5
    assert ws.cell(row=step6_eval, column=4).value == NOTES[6]  # "=..." stays text, never a formula
    assert ws.cell(row=step6_eval, column=4).data_type == "s"

    assert [ws.cell(row=r, column=12).value for r in (10, 17)] == ["Langkah 1", "Langkah 8"]
    assert ws["M12"].value == 75 and ws["M13"].value is None and ws["N11"].value == pytest.approx(2.93)

    sig = [ws.cell(row=lay.signature_row + i, column=8).value for i in range(8)]
    assert sig == ["Madiun, 6 Maret 2026", "Mengetahui,", "Plt. Inspektur", None, None, None,
                   "Drs. Agus Wibowo, M.Si.", "NIP. 19700101 199503 1 001"]


def test_native_chart_references_the_sheet(tmp_path, delivered):
    wb, _ = new_workbook()
    write_report(TinyBook(wb), delivered)
    path = saved(tmp_path, wb)
    with zipfile.ZipFile(path) as zf:
        assert "xl/charts/chart1.xml" in zf.namelist()
        xml = zf.read("xl/charts/chart1.xml").decode("utf-8")
    root = ElementTree.fromstring(xml)
    bars = root.findall(f".//{{{C}}}barChart")
    assert len(bars) == 1
    assert bars[0].find(f"{{{C}}}barDir").get("val") == "col"
    assert bars[0].find(f"{{{C}}}grouping").get("val") == "clustered"
    series = bars[0].findall(f"{{{C}}}ser")
    refs = [[f.text for f in ser.iter(f"{{{C}}}f")] for ser in series]
    assert refs == [["'Laporan'!M9", "'Laporan'!$L$10:$L$17", "'Laporan'!$M$10:$M$17"],
                    ["'Laporan'!N9", "'Laporan'!$L$10:$L$17", "'Laporan'!$N$10:$N$17"]]
    # the series names in the header cells the chart reads
    ws = openpyxl.load_workbook(path)[SHEET_REPORT]
    assert (ws["M9"].value, ws["N9"].value) == ("Standar (jam kerja)", "Aktual (jam kerja)")


def test_print_settings_after_reload(tmp_path):
    wb, _ = new_workbook()
    ws = openpyxl.load_workbook(saved(tmp_path, wb))[SHEET_REPORT]
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert int(ws.page_setup.fitToWidth) == 1 and int(ws.page_setup.fitToHeight) == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$1:$3"
    assert ws.print_area == ["'Laporan'!$A$1:$J$64"] or ws.print_area == "'Laporan'!$A$1:$J$64"
    assert ws.oddFooter.center.text == "Halaman &P dari &N"
    assert ws.oddHeader.center.text == "Inspektorat Kota Madiun"
    assert ws.column_dimensions["B"].width == 36
    assert ws["A9"].font.b and ws["B10"].alignment.wrap_text and ws["B10"].border.left.style == "thin"


def test_writing_twice_and_replacing_another_cycle(tmp_path, delivered, running):
    wb, ws = new_workbook()
    book = TinyBook(wb)
    write_report(book, delivered)
    first = snapshot(ws)
    write_report(book, delivered)
    assert snapshot(ws) == first
    write_report(book, running)  # another cycle state: different statuses, fewer dates, other texts
    assert snapshot(ws) != first
    assert ws["I15"].value == "Terlambat" and ws["E17"].value is None and ws["N17"].value is None
    write_report(book, delivered)  # nothing of the other report remains
    assert snapshot(ws) == first
    assert book.writes == 4 * 8  # the number of calls does not depend on the data
    reloaded = openpyxl.load_workbook(saved(tmp_path, wb))[SHEET_REPORT]
    assert snapshot(reloaded) == first


def test_layout_follows_the_sops_step_count(tmp_path, cal):
    sop = SOP.with_steps(SOP.steps[:3])
    sched = schedule_cycle(sop, cal, Cycle(2025, DELIVERED[:2]), dt(2026, 1, 6, 9, 0))
    report = build_report(sop, SETTINGS, sched, calendar=cal)
    wb, ws = new_workbook(sop)
    write_report(TinyBook(wb), report)  # no block touches a merged-away cell
    lay = ReportLayout(3)
    assert ws.cell(row=lay.summary_row, column=3).value.startswith("1 dari 3 langkah tepat waktu")
    assert ws.cell(row=lay.eval_first_row + 2, column=1).value == 3
    assert ws.print_area in ("'Laporan'!$A$1:$J$" + str(lay.last_row),)


# --- LibreOffice: the sheet prints -------------------------------------------------------------------------------


def test_libreoffice_converts_to_pdf(tmp_path, running, soffice_profile):
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("pdftotext is not installed (apt-get install -y poppler-utils)")
    wb, _ = new_workbook()
    write_report(TinyBook(wb), running)
    wb.active = wb.sheetnames.index(SHEET_REPORT)
    del wb["Beranda"]  # print only the report
    path = saved(tmp_path, wb)
    from conftest import soffice_convert

    pdf = soffice_convert(soffice_profile, [path], "pdf", tmp_path / "pdf")["laporan"]
    text = subprocess.run([pdftotext, "-layout", str(pdf), "-"], capture_output=True, text=True,
                          timeout=60).stdout
    flat = " ".join(text.split())
    assert "Laporan Pelaksanaan SOP" in flat
    assert "Terlambat" in flat and "Selesai terlambat" in flat
    assert "Halaman 1 dari" in flat
    assert "Maret 2026" in flat  # Indonesian month names in the date cells ([$-421])


