"""The final report: the pure model (lkj_xl.core.report) and the Laporan sheet (lkj_xl.workbook.report_sheet), on real files."""

from __future__ import annotations

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
from lkj_xl.core.evaluation import EvaluationInput, Judgement
from lkj_xl.core.report import (
    EVAL_BAD, EVAL_GOOD, EVAL_NOT_DONE, build_report, describe_standard, format_datetime_id, format_duration,
    shorten_uraian,
)
from lkj_xl.core.report_timeline import MIN_SHARE
from lkj_xl.core.signature import Signer
from lkj_xl.authoring.report_template import build_report_template
from lkj_xl.workbook.report_sheet import (
    DEFAULT_LAYOUT, SHEET_REPORT, ReportLayout, report_blocks, row_heights, write_report,
)
from lkj_xl.core.schedule import schedule_cycle
from lkj_xl.core.settings import Settings
from lkj_xl.core.sop import SOP_3_1_2_6, parse_waktu

dt = datetime
C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
SOP = SOP_3_1_2_6

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
HEAD = Signer("Plt. Inspektur", "Drs. Agus Wibowo, M.Si.", "Pembina Utama Muda (IV/c)", "19700101 199503 1 001")
PREPARER = Signer("Kasubag", "Sri Wahyuni", "Penata (III/c)", "19800101 200501 2 001")
SETTINGS = Settings(2025, place="Madiun")
NOTES = {3: "Data capaian triwulan IV terlambat dari bidang", 6: "=Sekretaris dinas luar 2 hari"}


@pytest.fixture(scope="module")
def cal():
    return build_calendar([2025, 2026, 2027])


def schedule(cal, records, as_of):
    return schedule_cycle(SOP, cal, Cycle(2025, tuple(records)), as_of)


@pytest.fixture(scope="module")
def delivered(cal):
    evaluation = EvaluationInput(steps={3: Judgement(False, "Data capaian terlambat", "Tetapkan batas data", 2)},
                                 criteria={1: Judgement(True), 2: Judgement(False, "Istilah kurang jelas")})
    return build_report(SOP, SETTINGS, schedule(cal, DELIVERED, dt(2026, 3, 6, 9, 0)), staff_names=NAMES,
                        signers=(PREPARER, HEAD), notes=NOTES, calendar=cal, evaluation=evaluation)


@pytest.fixture(scope="module")
def running(cal):
    # 3 March 2026 09.00: step 6 (180 menit from 2 March 10.00, due 14.00) is overdue; 7 and 8 not started.
    return build_report(SOP, SETTINGS, schedule(cal, DELIVERED[:5], dt(2026, 3, 3, 9, 0)), staff_names=NAMES,
                        calendar=cal, errors=2)


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

    def set_row_height(self, sheet: str, row: int, height: float) -> None:
        self.wb[sheet].row_dimensions[row].height = height


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
    # one style for durations: a working day or more in days and hours, less in hours and minutes of working time
    assert format_duration(176, 450) == "2 jam 56 menit kerja"
    assert format_duration(35 * 60, 450) == "4 hari kerja 5 jam"  # never "35 jam kerja"
    assert format_duration(12 * 450 + 180, 450) == "12 hari kerja 3 jam"
    assert format_duration(900, 450) == "2 hari kerja"
    assert format_duration(56, 450) == "56 menit kerja"
    assert describe_standard(parse_waktu("2 minggu")) == "2 minggu (10 hari kerja)"
    assert describe_standard(parse_waktu("120 menit")) == "120 menit (2 jam)"
    assert describe_standard(None) == "-"


def test_shorten_uraian_still_cuts_at_a_word_boundary():
    short = shorten_uraian(SOP.step(2).uraian)
    assert short == "Menerima disposisi Kepala Dinas"


def test_title_block_and_draft_line(delivered, running):
    assert delivered.title_lines == (
        "PEMERINTAH KOTA MADIUN",
        "INSPEKTORAT KOTA MADIUN",
        "Laporan Pelaksanaan SOP Penyusunan Laporan Kinerja (LKj) Tahun 2025",
        "",  # no validation error: no DRAF line
        "SOP Nomor 3.1.2.6, disahkan 15 Desember 2022",
        "Batas akhir penyampaian LKj: 31 Maret 2026 16.00",
        "Keadaan per 6 Maret 2026 09.00",
    )
    assert running.draft == "DRAF - masih ada 2 kesalahan data, lihat lembar Masalah"


def test_step_rows_whole_uraian_and_readable_times(delivered):
    rows = {r.number: r for r in delivered.rows}
    assert len(rows) == 8
    assert all(r.uraian == " ".join(SOP.step(r.number).uraian.split()) for r in rows.values())  # never "..."
    assert not any("\u2026" in r.uraian for r in rows.values())
    assert rows[2].pelaksana == "Sekretaris \u2014 Budi Santoso"
    assert rows[2].received == "" and rows[2].completed == "5 Januari 2026 11.00"
    assert rows[2].actual == "2 jam 56 menit kerja"
    assert rows[2].due == "5 Januari 2026 10.04"
    assert rows[2].status_label == "Selesai terlambat" and rows[2].lateness == "56 menit kerja"
    assert rows[3].actual == "9 hari kerja 2 jam"
    assert rows[4].standard == "-" and rows[4].due == "-" and rows[4].status_label == "Selesai"
    assert rows[6].lateness == "1 hari kerja 4 jam 30 menit"  # 12 working hours late, in the one style


def test_a_date_typed_without_time_shows_as_a_date(cal):
    from lkj_xl.core.validation import read_cycle
    from lkj_xl.core.entries import StepEntry

    entries = [StepEntry(1, 0, 2025, "05/01/2026 08:00", "05/01/2026"), StepEntry(2, 0, 2025, None, "6 Januari 2026")]
    cycle, _ = read_cycle(SOP, entries, 2025, dt(2026, 1, 7, 9, 0))
    assert cycle.record(1).completed == dt(2026, 1, 5, 23, 59) and not cycle.record(1).completed_has_time
    report = build_report(SOP, SETTINGS, schedule_cycle(SOP, cal, cycle, dt(2026, 1, 7, 9, 0)), calendar=cal,
                          cycle=cycle)
    rows = {r.number: r for r in report.rows}
    assert rows[1].received == "5 Januari 2026 08.00"
    assert rows[1].completed == "5 Januari 2026"  # never "23.59"
    assert rows[2].completed == "6 Januari 2026"


def test_summary(delivered, running):
    assert delivered.summary.on_time.startswith("5 dari 8 langkah tepat waktu")
    assert delivered.summary.delivery.startswith("Disampaikan 5 Maret 2026 09.00, ")
    assert delivered.summary.judged == ("Penilaian penilai (lembar Evaluasi): 1 dari 8 langkah; selebihnya saran "
                                        "dari data, ditandai \"(saran)\".")
    assert "Terlambat" in running.summary.verdict and "Langkah 6" in running.summary.verdict


def test_monitoring_copies_the_evaluator_and_suggests_the_rest(delivered, running):
    ev = {m.number: m for m in delivered.monitoring}
    # typed on Evaluasi: copied as typed, never replaced by the suggestion
    assert (ev[3].verdict, ev[3].catatan, ev[3].tindakan, ev[3].judged) == (
        EVAL_BAD, "Data capaian terlambat", "Tetapkan batas data", True)
    # not typed: the data's suggestion, marked
    assert ev[1].verdict == f"{EVAL_GOOD} (saran)" and ev[1].tindakan == "Saran: Pertahankan"
    assert ev[2].verdict == f"{EVAL_BAD} (saran)" and "56 menit kerja" in ev[2].catatan
    assert ev[6].catatan.startswith("=Sekretaris dinas luar")  # the pelaksana's note as typed
    assert ev[4].verdict == f"{EVAL_GOOD} (saran)" and "standar waktu" in ev[4].tindakan
    assert all(m.prosedur == " ".join(SOP.step(m.number).uraian.split()) for m in delivered.monitoring)
    ev = {m.number: m for m in running.monitoring}
    assert ev[6].verdict == f"{EVAL_BAD} (saran)"
    assert ev[7].verdict == f"{EVAL_NOT_DONE} (saran)"


def test_a_step_done_with_kelengkapan_tidak_is_not_berjalan_dengan_baik_without_a_note(cal):
    from lkj_xl.core.entries import StepEntry
    from lkj_xl.core.evaluation import judgement_problems
    from lkj_xl.core.validation import read_cycle

    entries = [StepEntry(1, 0, 2025, "05/01/2026 08:00", "05/01/2026 08:04", kelengkapan="Tidak")]
    cycle, _ = read_cycle(SOP, entries, 2025, dt(2026, 1, 6, 9, 0))
    sched = schedule_cycle(SOP, cal, cycle, dt(2026, 1, 6, 9, 0))
    report = build_report(SOP, SETTINGS, sched, calendar=cal, cycle=cycle)
    first = report.monitoring[0]
    assert first.verdict == f"{EVAL_BAD} (saran)"  # on time, but without its input
    assert "Kelengkapan \"Tidak\"" in first.catatan
    # with the pelaksana's note the data no longer decides against it
    noted = build_report(SOP, SETTINGS, sched, calendar=cal, cycle=cycle, notes={1: "Surat menyusul via email"})
    assert noted.monitoring[0].verdict == f"{EVAL_GOOD} (saran)"
    # the evaluator typing "baik" without a note is a located warning
    typed = EvaluationInput(steps={1: Judgement(True, "", "", 0)})
    [problem] = judgement_problems(typed, [1], {"note": "Catatan Hasil Penilaian"})
    assert problem.location.key == 0 and problem.location.field == "Catatan Hasil Penilaian"
    assert "Kelengkapan" in problem.message
    assert judgement_problems(EvaluationInput(steps={1: Judgement(True, "alasan", "", 0)}), [1], {}) == []


def test_criteria_form(delivered, running):
    crit = {c.number: c for c in delivered.criteria}
    assert len(crit) == 7 and crit[1].text == "Mampu mendorong peningkatan kinerja"
    assert (crit[1].yes, crit[1].no) == ("\u2713", "")
    assert (crit[2].yes, crit[2].no, crit[2].catatan) == ("", "\u2713", "Istilah kurang jelas")
    assert (crit[7].yes, crit[7].no) == ("", "") and "Belum dinilai" in crit[7].catatan
    assert all(c.yes == c.no == "" for c in running.criteria)  # nothing is suggested for the criteria


def test_timeline_bars(delivered, running):
    bars = {b.label.split(":")[0]: b for b in delivered.timeline}
    assert list(bars) == [f"Langkah {n}" for n in range(1, 9)]
    axis = max(b.offset + b.length for b in delivered.timeline)
    assert bars["Langkah 1"].offset == 0
    # a step of minutes next to steps of weeks: stretched to the minimum visible length, its label tells the truth
    assert bars["Langkah 1"].length == pytest.approx(axis * MIN_SHARE, rel=0.02)
    assert "4 menit kerja" in bars["Langkah 1"].label and "standar 5 menit kerja" in bars["Langkah 1"].label
    assert bars["Langkah 2"].over > 0 and bars["Langkah 2"].spare == 0
    assert bars["Langkah 3"].spare > 0 and bars["Langkah 3"].over == 0  # done before its 2-week window ended
    assert bars["Langkah 4"].no_standard > 5 and bars["Langkah 4"].within == 0  # weeks, no standard
    assert bars["Langkah 4"].offset == pytest.approx((dt(2026, 1, 19, 14) - dt(2026, 1, 5, 8)).total_seconds() / 86400,
                                                     abs=0.01)
    assert all(b.length >= axis * MIN_SHARE * 0.98 for b in delivered.timeline)
    late = {b.label.split(":")[0]: b for b in running.timeline}
    assert late["Langkah 6"].over > 0  # running past due
    assert late["Langkah 7"].length == 0 and "belum mulai" in late["Langkah 7"].label


def test_signature(delivered, running):
    g = delivered.signature
    assert g.place_date == "Madiun, 6 Maret 2026"
    assert (g.head.jabatan, g.head.name, g.head.rank) == ("Plt. Inspektur", "Drs. Agus Wibowo, M.Si.",
                                                          "Pembina Utama Muda (IV/c)")
    assert g.preparer.name == "Sri Wahyuni"
    assert running.signature.head.name == ""  # nobody given: a line to write on, and validation warns


def test_signers_from_the_staff_list_and_their_warnings():
    from lkj_xl.core.entries import StaffEntry
    from lkj_xl.core.signature import signers

    staff = [StaffEntry(0, "Drs. Agus", "197001011995031001", "Kepala Dinas", "Plt.", pangkat="Pembina (IV/a)"),
             StaffEntry(1, "Sri", "198001012005012001", "Kasubag", pangkat="")]
    preparer, head, problems = signers(SOP, Settings(2025, place="Madiun", preparer="Sri"), staff)
    assert (head.jabatan, head.name, head.nip) == ("Plt. Inspektur", "Drs. Agus", "19700101 199503 1 001")
    assert (preparer.jabatan, preparer.name) == ("Kasubag", "Sri")
    assert [(p.location.area, p.location.key, p.location.field) for p in problems] == [
        ("pegawai", 1, "Pangkat/Golongan")]
    _, head, problems = signers(SOP, Settings(2025), [])
    assert head.name == "" and {p.location.key for p in problems} == {"Tempat", "Penyusun laporan", None}
    assert all(p.severity == "warning" for p in problems)


# --- the sheet ---------------------------------------------------------------------------------------------------


def test_layout_constants():
    assert DEFAULT_LAYOUT.cells() == {
        "title": "A1", "draft": "A4", "steps": "A11", "chart_data": "L11", "summary": "C21", "monitoring": "A28",
        "criteria": "A39", "chart_note": "A48", "chart": "A49", "signature": "A72",
    }
    assert DEFAULT_LAYOUT.print_area == "A1:J80"


def test_sheet_content_after_reload(tmp_path, delivered, running):
    wb, _ = new_workbook()
    book = TinyBook(wb)
    write_report(book, running)
    write_report(book, delivered)
    assert book.writes == 2 * len(report_blocks(delivered))
    ws = openpyxl.load_workbook(saved(tmp_path, wb))[SHEET_REPORT]
    lay = DEFAULT_LAYOUT

    assert ws["A1"].value == "PEMERINTAH KOTA MADIUN" and ws["A4"].value is None  # DRAF line gone once clean
    assert [c.value for c in ws[10][:10]] == ["No", "Uraian Kegiatan", "Pelaksana", "Diterima", "Selesai",
                                              "Standar Waktu", "Waktu Aktual", "Batas Waktu", "Status",
                                              "Keterlambatan"]
    row2 = [c.value for c in ws[12][:10]]
    assert row2 == [2, " ".join(SOP.step(2).uraian.split()), "Sekretaris \u2014 Budi Santoso", None,
                    "5 Januari 2026 11.00", "120 menit (2 jam)", "2 jam 56 menit kerja", "5 Januari 2026 10.04",
                    "Selesai terlambat", "56 menit kerja"]
    # rows tall enough for the whole Uraian (several lines), set by the report
    assert ws.row_dimensions[12].height >= 3 * 13
    assert ws.row_dimensions[11].height == row_heights(delivered)[11]

    m = lay.eval_first_row
    assert [ws.cell(m + 2, c).value for c in (1, 4, 5, 7, 10)] == [3, EVAL_BAD, "Data capaian terlambat",
                                                                   "Tetapkan batas data", None]
    assert ws.cell(m + 5, 5).value.startswith("=Sekretaris")
    assert ws.cell(m + 5, 5).data_type == "s"  # "=..." stays text
    assert [c.value for c in ws[lay.eval_header_row]][:10] == [
        "No", "Prosedur", None, "Penilaian terhadap Penerapan", "Catatan Hasil Penilaian", None,
        "Tindakan yang Harus Diambil", None, None, "Paraf Penilai"]
    k = lay.criteria_first_row
    assert [ws.cell(k, c).value for c in (1, 2, 5, 6)] == [1, "Mampu mendorong peningkatan kinerja", "\u2713", None]
    assert ws.cell(k + 1, 6).value == "\u2713" and ws.cell(k + 1, 7).value == "Istilah kurang jelas"
    assert [c.value for c in ws[lay.criteria_header_row]][:7] == [
        "No", "Penilaian terhadap Penerapan", None, None, "Ya", "Tidak", "Catatan"]

    sig = lay.signature_row
    assert [ws.cell(sig + i, 2).value for i in range(9)] == [
        None, "Mengetahui,", "Plt. Inspektur", None, None, None, "Drs. Agus Wibowo, M.Si.",
        "Pembina Utama Muda (IV/c)", "NIP. 19700101 199503 1 001"]
    assert [ws.cell(sig + i, 7).value for i in range(9)] == [
        "Madiun, 6 Maret 2026", "Penyusun laporan,", "Kasubag", None, None, None, "Sri Wahyuni", "Penata (III/c)",
        "NIP. 19800101 200501 2 001"]
    assert ws["L11"].value.startswith("Langkah 1: 4 menit kerja") and ws["M14"].value > 0


def test_the_draft_line_and_blank_signers_on_the_sheet(tmp_path, running):
    wb, _ = new_workbook()
    write_report(TinyBook(wb), running)
    ws = openpyxl.load_workbook(saved(tmp_path, wb))[SHEET_REPORT]
    assert ws["A4"].value == "DRAF - masih ada 2 kesalahan data, lihat lembar Masalah"
    assert ws["A4"].font.color.rgb.endswith("C00000") and ws["A4"].font.b
    sig = DEFAULT_LAYOUT.signature_row
    assert ws.cell(sig + 6, 2).value.startswith("....") and ws.cell(sig + 8, 2).value.startswith("NIP. ....")


def test_timeline_chart_xml(tmp_path, delivered):
    wb, _ = new_workbook()
    write_report(TinyBook(wb), delivered)
    path = saved(tmp_path, wb)
    with zipfile.ZipFile(path) as zf:
        root = ElementTree.fromstring(zf.read("xl/charts/chart1.xml"))
    [bar] = root.findall(f".//{{{C}}}barChart")
    assert bar.find(f"{{{C}}}barDir").get("val") == "bar"
    assert bar.find(f"{{{C}}}grouping").get("val") == "stacked"
    assert bar.find(f"{{{C}}}overlap").get("val") == "100"
    series = bar.findall(f"{{{C}}}ser")
    refs = [[f.text for f in ser.iter(f"{{{C}}}f")] for ser in series]
    assert refs[0] == ["'Laporan'!M10", "'Laporan'!$L$11:$L$18", "'Laporan'!$M$11:$M$18"]
    assert [r[2] for r in refs] == [f"'Laporan'!${c}$11:${c}$18" for c in "MNOPQ"]
    A = "http://schemas.openxmlformats.org/drawingml/2006/main"
    offset_sp = series[0].find(f"{{{C}}}spPr")
    assert offset_sp.find(f"{{{A}}}noFill") is not None  # the invisible offset series
    assert offset_sp.find(f"{{{A}}}ln/{{{A}}}noFill") is not None
    assert [s.find(f"{{{C}}}spPr/{{{A}}}solidFill/{{{A}}}srgbClr").get("val") for s in series[1:]] == [
        "2F5597", "D9D9D9", "C00000", "70AD47"]
    cat = root.find(f".//{{{C}}}catAx")
    assert cat.find(f"{{{C}}}scaling/{{{C}}}orientation").get("val") == "maxMin"  # step 1 on top
    assert root.find(f".//{{{C}}}legend") is None
    # what Excel writes for a horizontal stacked bar chart (compared with Excel-made specimens; not opened in Excel)
    val = root.find(f".//{{{C}}}valAx")
    assert (cat.find(f"{{{C}}}axPos").get("val"), val.find(f"{{{C}}}axPos").get("val")) == ("l", "b")
    assert val.find(f"{{{C}}}crosses").get("val") == "max"  # the day axis stays below the reversed steps
    assert val.find(f"{{{C}}}crossBetween").get("val") == "between"
    assert all(ser.find(f"{{{C}}}cat/{{{C}}}strRef") is not None for ser in series)  # text categories
    assert bar.find(f"{{{C}}}varyColors").get("val") == "0"
    assert root.find(f"{{{C}}}roundedCorners").get("val") == "0"


def test_print_settings_after_reload(tmp_path):
    wb, _ = new_workbook()
    ws = openpyxl.load_workbook(saved(tmp_path, wb))[SHEET_REPORT]
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert int(ws.page_setup.fitToWidth) == 1 and int(ws.page_setup.fitToHeight) == 0
    assert ws.print_title_rows == "$1:$4"  # the DRAF line repeats on every printed page
    assert ws.print_area in (["'Laporan'!$A$1:$J$80"], "'Laporan'!$A$1:$J$80")
    assert ws.oddFooter.center.text == "Halaman &P dari &N"


def test_layout_follows_the_sops_step_count(tmp_path, cal):
    sop = SOP.with_steps(SOP.steps[:3])
    sched = schedule_cycle(sop, cal, Cycle(2025, DELIVERED[:2]), dt(2026, 1, 6, 9, 0))
    report = build_report(sop, SETTINGS, sched, calendar=cal)
    wb, ws = new_workbook(sop)
    write_report(TinyBook(wb), report)  # no block touches a merged-away cell
    lay = ReportLayout(3)
    assert ws.cell(row=lay.summary_row, column=3).value.startswith("1 dari 3 langkah tepat waktu")
    assert ws.cell(row=lay.eval_first_row + 2, column=1).value == 3
    assert ws.print_area == "'Laporan'!$A$1:$J$" + str(lay.last_row)


# --- LibreOffice: the sheet prints, and the chart has bars ---------------------------------------------------------


def test_libreoffice_prints_three_pages_with_a_visible_timeline(tmp_path, running, soffice_profile):
    pdftotext, pdftoppm = shutil.which("pdftotext"), shutil.which("pdftoppm")
    if pdftotext is None or pdftoppm is None:
        pytest.skip("pdftotext/pdftoppm are not installed (apt-get install -y poppler-utils)")
    wb, _ = new_workbook()
    write_report(TinyBook(wb), running)
    wb.active = wb.sheetnames.index(SHEET_REPORT)
    del wb["Beranda"]  # print only the report
    path = saved(tmp_path, wb)
    from conftest import soffice_convert

    pdf = soffice_convert(soffice_profile, [path], "pdf", tmp_path / "pdf")["laporan"]
    pages = [subprocess.run([pdftotext, "-layout", "-f", str(p), "-l", str(p), str(pdf), "-"], capture_output=True,
                            text=True, timeout=60).stdout for p in (1, 2, 3)]
    flat = [" ".join(page.split()) for page in pages]
    assert all("DRAF - masih ada 2 kesalahan data, lihat lembar Masalah" in page for page in flat)  # every page
    assert "Halaman 3 dari 3" in flat[2]
    assert "Selesai terlambat" in flat[0] and "Paraf Penilai" in flat[1] and "Mengetahui," in flat[2]
    assert "Langkah 1: 4 menit kerja" in flat[2]  # the chart's category labels
    # the chart page has bars: the red "past the standard" and the blue "within" colours are drawn
    subprocess.run([pdftoppm, "-f", "3", "-l", "3", "-r", "100", "-png", str(pdf), str(tmp_path / "page")],
                   check=True, timeout=60)
    from PIL import Image

    image = Image.open(next(tmp_path.glob("page*.png"))).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 20)
    near = lambda rgb, target: all(abs(a - b) < 40 for a, b in zip(rgb, target))  # noqa: E731
    assert sum(n for n, rgb in colours if near(rgb, (0xC0, 0x00, 0x00))) > 40
    assert sum(n for n, rgb in colours if near(rgb, (0x2F, 0x55, 0x97))) > 400
